//! OMEMO trust decisions through the actor: `trust_device` and
//! `verify_uri` on what the store knows (no connection needed).

use chrono::Utc;
use rand_core::OsRng;

use super::support::*;
use crate::api::{Event, OmemoVersion, Trust, TrustChoice};
use crate::xmpp::omemo::{DeviceId, Version};
use crate::xmpp::uri::{KeyForm, UriFingerprint, XmppUri};

fn dev(id: u32) -> DeviceId {
    DeviceId::new(id).unwrap()
}

/// Bob with devices 1 (0.3) and 2 (OMEMO 2), their keys read; device 3
/// (0.3) without a key.
fn bob(h: &mut Harness) -> (omemo::IdentityKeyPair, omemo::IdentityKeyPair) {
    let (one, two) = (
        omemo::IdentityKeyPair::generate(&mut OsRng),
        omemo::IdentityKeyPair::generate(&mut OsRng),
    );
    let store = &mut h.actor.store;
    store
        .apply_device_list(
            BOB,
            Version::Legacy,
            &[(dev(1), None), (dev(3), None)],
            Utc::now(),
        )
        .unwrap();
    store
        .apply_device_list(BOB, Version::V2, &[(dev(2), None)], Utc::now())
        .unwrap();
    store
        .set_device_identity(
            BOB,
            Version::Legacy,
            dev(1),
            &one.public(omemo::Version::V03),
        )
        .unwrap();
    store
        .set_device_identity(BOB, Version::V2, dev(2), &two.public(omemo::Version::V2))
        .unwrap();
    (one, two)
}

fn trust_of(h: &Harness, id: u32) -> Trust {
    h.actor
        .store
        .omemo_devices(BOB)
        .unwrap()
        .into_iter()
        .find(|d| d.device_id == dev(id))
        .unwrap()
        .trust
}

fn last_error(events: &[Event]) -> Option<String> {
    events.iter().rev().find_map(|e| match e {
        Event::Error { code, .. } => code.clone(),
        _ => None,
    })
}

#[tokio::test]
async fn the_user_sets_trust_and_new_devices_then_wait() {
    let mut h = Harness::online();
    bob(&mut h);
    h.events();
    h.actor.trust_device(BOB, 1, TrustChoice::Verified, None);
    let devices = match h.events().pop() {
        Some(Event::Devices { jid, devices, .. }) if jid == BOB => devices,
        other => panic!("{other:?}"),
    };
    assert!(
        devices
            .iter()
            .any(|d| d.id == 1 && d.trust == Trust::Verified)
    );
    // Without a key nothing can be verified; unknown devices are errors.
    h.actor.trust_device(BOB, 3, TrustChoice::Verified, None);
    assert_eq!(last_error(&h.events()).as_deref(), Some("omemo"));
    assert_eq!(trust_of(&h, 3), Trust::Blind);
    h.actor.trust_device(BOB, 99, TrustChoice::Blind, None);
    assert_eq!(last_error(&h.events()).as_deref(), Some("omemo"));
    h.actor.trust_device(BOB, 3, TrustChoice::Untrusted, None);
    assert_eq!(trust_of(&h, 3), Trust::Untrusted);
    // A version that does not fit: unknown.
    h.actor
        .trust_device(BOB, 2, TrustChoice::Untrusted, Some(OmemoVersion::Omemo));
    assert_eq!(last_error(&h.events()).as_deref(), Some("omemo"));

    // Bob is verified now: a new device waits for a decision.
    h.actor
        .store
        .apply_device_list(
            BOB,
            Version::Legacy,
            &[(dev(1), None), (dev(4), None)],
            Utc::now(),
        )
        .unwrap();
    assert_eq!(trust_of(&h, 4), Trust::Undecided);
    // Back to blind is the user's choice.
    h.actor.trust_device(BOB, 4, TrustChoice::Blind, None);
    assert_eq!(trust_of(&h, 4), Trust::Blind);
}

#[tokio::test]
async fn a_fingerprint_uri_verifies_only_matching_keys() {
    let mut h = Harness::online();
    let (one, two) = bob(&mut h);
    let other = omemo::IdentityKeyPair::generate(&mut OsRng);
    h.events();
    let jid = BOB.parse().unwrap();
    let fp = |id, form, key| UriFingerprint {
        form,
        device: dev(id),
        key,
    };
    let uri = XmppUri::with_fingerprints(
        &jid,
        &[
            // Device 1 (0.3) by its Curve25519 key, as Conversations shows it.
            fp(1, KeyForm::Curve25519, one.curve25519_public()),
            // Device 2 (OMEMO 2) by someone else's key.
            fp(2, KeyForm::Ed25519, other.ed25519_public()),
            // Device 3 has no key yet; device 9 does not exist.
            fp(3, KeyForm::Curve25519, other.curve25519_public()),
            fp(9, KeyForm::Curve25519, other.curve25519_public()),
        ],
    );
    h.actor.verify_uri(&uri);
    let events = h.events();
    match &events[..] {
        [
            Event::Verification {
                jid,
                matched,
                mismatched,
                unknown,
                ..
            },
            Event::Devices { .. },
        ] => {
            assert_eq!(jid, BOB);
            assert_eq!(
                (matched, mismatched, unknown),
                (&vec![1], &vec![2], &vec![3, 9])
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(trust_of(&h, 1), Trust::Verified);
    assert_eq!(
        trust_of(&h, 2),
        Trust::Blind,
        "a mismatch is never verified"
    );
    assert_eq!(trust_of(&h, 3), Trust::Blind);

    // The right OMEMO 2 key in its Ed25519 form.
    let uri = XmppUri::with_fingerprints(&jid, &[fp(2, KeyForm::Ed25519, two.ed25519_public())]);
    h.actor.verify_uri(&uri);
    assert_eq!(trust_of(&h, 2), Trust::Verified);

    // Not a URI, no fingerprints.
    h.actor.verify_uri("bob@example.net");
    assert_eq!(last_error(&h.events()).as_deref(), Some("invalid_address"));
    h.actor.verify_uri("xmpp:bob@example.net?message");
    assert_eq!(last_error(&h.events()).as_deref(), Some("omemo"));
}
