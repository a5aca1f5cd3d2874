//! OMEMO messages through the actor: a contact's device starts a session
//! on our bundle and writes in either variant; we decrypt, store the text
//! with how it came, keep the session, replace the used pre-key, and keep
//! what we cannot decrypt with the reason. Sending: a conversation with
//! encryption on fetches the contact's devices and bundle, then sends only
//! encrypted; a contact without devices gets nothing in plain text.

use chrono::Utc;
use omemo::{IdentityKeyPair, Session};
use rand_core::OsRng;

use super::support::*;
use crate::account::omemo::keys;
use crate::api::{DecryptionError, Encryption, MessageState};
use crate::xmpp::omemo::{DeviceId, Encrypted, KeyFor, Version};
use crate::xmpp::sce::Envelope;

const BOB_DEVICE: u32 = 77;

/// Bob's device: an identity and a session started on our bundle.
struct Peer {
    identity: IdentityKeyPair,
    session: Session,
    version: Version,
}

fn ours(h: &Harness) -> DeviceId {
    h.actor.store.omemo_own().unwrap().unwrap().device_id
}

/// Bob starts a session with our device in `version`.
fn peer(h: &mut Harness, version: Version) -> Peer {
    if h.actor.store.omemo_own().unwrap().is_none() {
        keys::ensure_own(&mut h.actor.store, &[], Utc::now(), &mut OsRng).unwrap();
    }
    let identity = IdentityKeyPair::generate(&mut OsRng);
    let bundle = keys::bundle(&h.actor.store, version).unwrap();
    let bundle = keys::from_wire(version, &bundle);
    let session = Session::initiate(&identity, &bundle, &mut OsRng).unwrap();
    Peer {
        identity,
        session,
        version,
    }
}

impl Peer {
    /// The encrypted element for `body` (None: key transport only) to `to`.
    fn encrypt(&mut self, to: DeviceId, body: Option<&str>) -> Encrypted {
        let (key_material, iv, payload) = match (self.version, body) {
            // 0.3 key transport still carries an IV (the parser wants one).
            (Version::Legacy, None) => (
                zeroize::Zeroizing::new(vec![0u8; 32]),
                Some(vec![0; 12]),
                None,
            ),
            (Version::V2, None) => (zeroize::Zeroizing::new(vec![0u8; 48]), None, None),
            (Version::Legacy, Some(b)) => {
                let p = omemo::payload::encrypt_v03(b.as_bytes(), &mut OsRng).unwrap();
                (p.key_material, Some(p.iv.to_vec()), Some(p.ciphertext))
            }
            (Version::V2, Some(b)) => {
                let envelope = Envelope::with_body(b, BOB.parse().unwrap(), "pad".into());
                let p = omemo::payload::encrypt_v2(&envelope.to_bytes(), &mut OsRng);
                (p.key_material, None, Some(p.ciphertext))
            }
        };
        let key = self.session.encrypt(&key_material).unwrap();
        Encrypted {
            version: self.version,
            sid: DeviceId::new(BOB_DEVICE).unwrap(),
            keys: vec![KeyFor {
                jid: (self.version == Version::V2).then(|| ME.parse().unwrap()),
                rid: to,
                prekey: key.prekey,
                data: key.data,
            }],
            iv,
            payload,
        }
    }
}

/// Caught up, with Bob as a contact whose device started a session with
/// ours in `version`.
async fn with_bob(version: Version) -> (Harness, Peer, DeviceId) {
    let mut h = Harness::caught_up().await;
    h.add_contact(BOB).await;
    let bob = peer(&mut h, version);
    let me = ours(&h);
    (h, bob, me)
}

fn message(id: &str, e: &Encrypted) -> String {
    format!(
        "<message xmlns='jabber:client' from='{BOB_PHONE}' to='{ME_FULL}' type='chat' id='{id}'>{}\
         <body>I sent you an OMEMO encrypted message</body></message>",
        String::from(&e.to_element())
    )
}

fn last_stored(h: &Harness) -> crate::api::MessageRecord {
    h.history(BOB).pop().expect("a stored message")
}

#[tokio::test]
async fn messages_in_both_variants_are_decrypted_and_stored_with_how_they_came() {
    for version in Version::ALL {
        let (mut h, mut bob, me) = with_bob(version).await;
        let pre_keys_before = h.actor.store.omemo_pre_keys().unwrap().len();

        let first = bob.encrypt(me, Some("hello alice"));
        assert!(first.keys[0].prekey, "the first message starts the session");
        h.receive(&message("e1", &first)).await;
        let m = last_stored(&h);
        assert_eq!(m.body, "hello alice", "{version:?}");
        let expected = match version {
            Version::Legacy => Encryption::Omemo,
            Version::V2 => Encryption::Omemo2,
        };
        assert_eq!(m.crypto.encryption, expected);
        assert_eq!(m.crypto.sender_device, Some(BOB_DEVICE));
        assert_eq!(m.crypto.decryption_error, None);
        // The session is on disk, the used one-time pre-key replaced.
        let bob_device = DeviceId::new(BOB_DEVICE).unwrap();
        assert!(
            h.actor
                .store
                .omemo_session(BOB, version, bob_device)
                .unwrap()
                .is_some()
        );
        let pre_keys = h.actor.store.omemo_pre_keys().unwrap();
        assert_eq!(pre_keys.len(), pre_keys_before);
        // Bob's device is known now, with the key of the session.
        let devices = h.actor.store.omemo_devices(BOB).unwrap();
        let d = devices
            .iter()
            .find(|d| d.device_id == bob_device && d.version == version)
            .expect("bob's device recorded");
        assert_eq!(
            d.identity.as_deref(),
            Some(bob.identity.public(keys::crypto(version)).as_slice())
        );
        assert!(d.last_used.is_some(), "its last message is noted");

        // More messages on the same session, one out of order.
        let second = bob.encrypt(me, Some("second"));
        let third = bob.encrypt(me, Some("third"));
        h.receive(&message("e3", &third)).await;
        h.receive(&message("e2", &second)).await;
        let bodies: Vec<String> = h.history(BOB).into_iter().map(|m| m.body).collect();
        assert!(bodies.contains(&"second".to_owned()) && bodies.contains(&"third".to_owned()));

        // The same message again under another id: kept, marked.
        h.receive(&message("e2-again", &second)).await;
        let m = last_stored(&h);
        assert_eq!(m.body, "");
        assert_eq!(
            m.crypto.decryption_error,
            Some(DecryptionError::Duplicate),
            "{version:?}"
        );

        // Key transport (no payload) moves the session, shows nothing.
        let count = h.history(BOB).len();
        let empty = bob.encrypt(me, None);
        h.receive(&message("e4", &empty)).await;
        assert_eq!(h.history(BOB).len(), count, "{version:?}");
    }
}

#[tokio::test]
async fn what_cannot_be_decrypted_is_kept_with_the_reason() {
    let (mut h, mut bob, me) = with_bob(Version::V2).await;
    let other = DeviceId::new(me.get() % 1000 + 1).unwrap();

    // For another device of ours only.
    let not_ours = bob.encrypt(other, Some("not for you"));
    h.receive(&message("n1", &not_ours)).await;
    let m = last_stored(&h);
    assert_eq!(m.body, "", "never the fallback text");
    assert_eq!(
        m.crypto.decryption_error,
        Some(DecryptionError::NotForThisDevice)
    );

    // A key transport (no payload) for another device: nothing to show,
    // so nothing is stored (Gajim sends these to set up sessions).
    let before = h.history(BOB).len();
    let kt = bob.encrypt(other, None);
    h.receive(&message("k1", &kt)).await;
    assert_eq!(h.history(BOB).len(), before, "{:?}", h.history(BOB));

    // Not a pre-key message, and no session: no session.
    let mut e = bob.encrypt(me, Some("x"));
    e.keys[0].prekey = false;
    h.receive(&message("n2", &e)).await;
    assert_eq!(
        last_stored(&h).crypto.decryption_error,
        Some(DecryptionError::NoSession)
    );

    // A damaged element.
    h.receive(&format!(
        "<message from='{BOB_PHONE}' to='{ME_FULL}' type='chat' id='n3'>\
         <encrypted xmlns='urn:xmpp:omemo:2'><header sid='x'/></encrypted></message>"
    ))
    .await;
    assert_eq!(
        last_stored(&h).crypto.decryption_error,
        Some(DecryptionError::Broken)
    );

    // A payload that does not open (the key is good).
    let mut e = bob.encrypt(me, Some("tampered"));
    if let Some(p) = e.payload.as_mut() {
        p[0] ^= 1;
    }
    h.receive(&message("n4", &e)).await;
    assert_eq!(
        last_stored(&h).crypto.decryption_error,
        Some(DecryptionError::Broken)
    );

    // OMEMO switched off: kept, marked; a key transport still shows nothing.
    h.actor.switches.omemo = false;
    let before = h.history(BOB).len();
    let kt = bob.encrypt(me, None);
    h.receive(&message("k2", &kt)).await;
    assert_eq!(h.history(BOB).len(), before);
    let e = bob.encrypt(me, Some("while off"));
    h.receive(&message("n5", &e)).await;
    assert_eq!(
        last_stored(&h).crypto.decryption_error,
        Some(DecryptionError::Disabled)
    );
}

#[tokio::test]
async fn an_encrypted_conversation_never_falls_back_to_plain_text() {
    let mut h = Harness::caught_up().await;
    h.add_contact(BOB).await;
    keys::ensure_own(&mut h.actor.store, &[], Utc::now(), &mut OsRng).unwrap();
    h.actor.set_encryption(BOB, Some(true));
    h.actor
        .send_chat(BOB, "secret", None, None, Some(&h.wire))
        .await;
    // Bob's devices are asked for first; nothing went out as a message.
    let sent = h.sent();
    assert!(sent.iter().all(|s| s.name() != "message"), "{sent:?}");
    let ids: Vec<String> = sent
        .iter()
        .filter(|s| s.name() == "iq")
        .map(|s| s.attr("id").unwrap_or_default().to_owned())
        .collect();
    assert_eq!(ids.len(), 2, "both device lists");
    for id in ids {
        h.receive(&format!(
            "<iq type='error' id='{id}' from='{BOB}'><error type='cancel'>\
             <item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>"
        ))
        .await;
    }
    // No device: failed with the reason, never sent in plain text.
    assert!(h.sent().iter().all(|s| s.name() != "message"));
    let m = h
        .history(BOB)
        .into_iter()
        .find(|m| m.body == "secret")
        .unwrap();
    assert_eq!(m.state, MessageState::Failed);
    assert!(
        m.error
            .as_deref()
            .is_some_and(|e| e.contains("no device that can receive encrypted messages")),
        "{m:?}"
    );
}

#[tokio::test]
async fn required_encryption_cannot_be_switched_off() {
    let mut h = Harness::caught_up().await;
    h.add_contact(BOB).await;
    keys::ensure_own(&mut h.actor.store, &[], Utc::now(), &mut OsRng).unwrap();
    h.actor.switches.require_encryption = true;
    h.events();
    h.actor.set_encryption(BOB, Some(false));
    let events = h.events();
    assert!(
        events.iter().any(|e| matches!(
            e,
            crate::api::Event::Error { code: Some(c), .. } if c == "encryption_required"
        )),
        "{events:?}"
    );
    assert!(events.iter().any(|e| matches!(
        e,
        crate::api::Event::Encryption {
            encrypted: Encryption::Omemo,
            ..
        }
    )));
    // Even without a conversation switch, the message is marked for
    // encryption and never goes out in plain text.
    h.actor
        .send_chat(BOB, "required", None, None, Some(&h.wire))
        .await;
    let m = h
        .history(BOB)
        .into_iter()
        .find(|m| m.body == "required")
        .unwrap();
    assert_eq!(m.crypto.encryption, Encryption::Omemo);
    assert!(h.sent().iter().all(|s| s.name() != "message"));
}

#[tokio::test]
async fn a_session_started_by_the_contact_is_answered_with_a_heartbeat() {
    let (mut h, mut bob, me) = with_bob(Version::V2).await;
    h.actor.omemo.ready = true;
    let first = bob.encrypt(me, Some("hi"));
    h.receive(&message("h1", &first)).await;
    let sent = h.sent();
    let heartbeat = sent
        .iter()
        .filter(|s| s.name() == "message")
        .find_map(|s| s.children().find(|c| c.is("encrypted", "urn:xmpp:omemo:2")))
        .unwrap_or_else(|| panic!("no heartbeat in {sent:?}"));
    let e = Encrypted::parse(heartbeat).unwrap();
    assert!(e.payload.is_none(), "an empty message");
    let key = e
        .key_for(&BOB.parse().unwrap(), DeviceId::new(BOB_DEVICE).unwrap())
        .unwrap();
    assert!(!key.prekey, "on the session bob started");
    // Bob's side opens it: his session is confirmed now.
    let material = bob
        .session
        .decrypt(&key.data, key.prekey, 0, &mut OsRng)
        .unwrap();
    assert_eq!(material.len(), omemo::payload::KEY_MATERIAL_LEN_V2);
    assert!(bob.session.is_confirmed());
    // Nothing more is owed until many more messages came.
    let second = bob.encrypt(me, Some("again"));
    assert!(!second.keys[0].prekey);
    h.receive(&message("h2", &second)).await;
    assert!(h.sent().iter().all(|s| s.name() != "message"));
}

#[tokio::test]
async fn a_burst_of_messages_from_one_device_opens_on_one_session() {
    let (mut h, mut bob, me) = with_bob(Version::V2).await;
    let stanzas: Vec<String> = (0..5)
        .map(|i| {
            message(
                &format!("b{i}"),
                &bob.encrypt(me, Some(&format!("burst {i}"))),
            )
        })
        .collect();
    // One burst: decrypted together, stored in one transaction.
    h.actor.burst_stanza();
    for xml in &stanzas {
        h.actor.on_stanza(stanza(xml), &h.wire).await;
    }
    h.actor.burst_end(&h.wire).await;
    let bodies: Vec<String> = h.history(BOB).into_iter().map(|m| m.body).collect();
    assert_eq!(
        bodies,
        (0..5).map(|i| format!("burst {i}")).collect::<Vec<_>>()
    );
    // The stored session is the one after the last message: the next opens.
    let next = bob.encrypt(me, Some("after the burst"));
    h.receive(&message("b5", &next)).await;
    assert_eq!(last_stored(&h).body, "after the burst");
    assert_eq!(last_stored(&h).crypto.decryption_error, None);
}

/// Bob's device `id` as its bundle answer to our request `iq`.
fn bundle_answer(iq: &str, id: u32) -> String {
    let identity = IdentityKeyPair::generate(&mut OsRng);
    let spk = omemo::SignedPreKey::generate(&identity, omemo::Version::V2, 1, 0, &mut OsRng);
    let pk = omemo::PreKey::generate(1, &mut OsRng);
    let b = omemo::Bundle::own(omemo::Version::V2, &identity, &spk, &[pk]);
    let raw = |k: &[u8]| <[u8; 32]>::try_from(k).unwrap();
    let wire = crate::xmpp::omemo::Bundle {
        identity: raw(&b.identity_key),
        signed_pre_key_id: b.signed_pre_key_id,
        signed_pre_key: raw(&b.signed_pre_key),
        signature: <[u8; 64]>::try_from(b.signed_pre_key_signature.as_slice()).unwrap(),
        pre_keys: b
            .pre_keys
            .iter()
            .map(|(id, k)| crate::xmpp::omemo::PreKey {
                id: *id,
                key: raw(k),
            })
            .collect(),
    };
    format!(
        "<iq type='result' id='{iq}' from='{BOB}'><pubsub xmlns='http://jabber.org/protocol/pubsub'>\
         <items node='urn:xmpp:omemo:2:bundles'><item id='{id}'>{}</item></items></pubsub></iq>",
        String::from(&wire.to_element(Version::V2))
    )
}

#[tokio::test]
async fn only_trusted_devices_get_the_key() {
    let mut h = Harness::caught_up().await;
    h.add_contact(BOB).await;
    keys::ensure_own(&mut h.actor.store, &[], Utc::now(), &mut OsRng).unwrap();
    let dev = |id| DeviceId::new(id).unwrap();
    h.actor
        .store
        .apply_device_list(
            BOB,
            Version::V2,
            &[(dev(11), None), (dev(12), None)],
            Utc::now(),
        )
        .unwrap();
    h.actor
        .store
        .set_device_trust(BOB, Version::V2, dev(12), crate::api::Trust::Untrusted)
        .unwrap();
    h.actor
        .send_chat(BOB, "for 11 only", None, None, Some(&h.wire))
        .await;
    // Only the trusted device's bundle is asked for.
    let sent = h.sent();
    let asked: Vec<(String, String)> = sent
        .iter()
        .filter_map(|s| {
            let items = child(s, "pubsub", "http://jabber.org/protocol/pubsub")?
                .get_child("items", "http://jabber.org/protocol/pubsub")?;
            let item = items.children().next()?.attr("id")?.to_owned();
            Some((s.attr("id")?.to_owned(), item))
        })
        .collect();
    assert_eq!(
        asked
            .iter()
            .map(|(_, item)| item.as_str())
            .collect::<Vec<_>>(),
        ["11"]
    );
    h.receive(&bundle_answer(&asked[0].0, 11)).await;
    let sent = h.sent();
    let msg = sent
        .iter()
        .find(|s| s.name() == "message")
        .unwrap_or_else(|| panic!("nothing sent: {sent:?}"));
    assert!(
        !String::from(msg).contains("for 11 only"),
        "no plain text: {msg:?}"
    );
    let e = Encrypted::parse(
        msg.children()
            .find(|c| c.is("encrypted", "urn:xmpp:omemo:2"))
            .unwrap(),
    )
    .unwrap();
    let rids: Vec<u32> = e.keys.iter().map(|k| k.rid.get()).collect();
    assert_eq!(rids, [11], "the distrusted device gets no key");
    // The message is stored as sent in OMEMO 2.
    let m = h
        .history(BOB)
        .into_iter()
        .find(|m| m.body == "for 11 only")
        .unwrap();
    assert_eq!(m.crypto.encryption, Encryption::Omemo2);
}

/// The OMEMO 2 element of the one message in `sent`.
fn encrypted_of(sent: &[tokio_xmpp::minidom::Element]) -> Encrypted {
    let msg = sent
        .iter()
        .find(|s| s.name() == "message")
        .unwrap_or_else(|| panic!("no message sent: {sent:?}"));
    Encrypted::parse(
        msg.children()
            .find(|c| c.is("encrypted", "urn:xmpp:omemo:2"))
            .unwrap_or_else(|| panic!("not encrypted: {msg:?}")),
    )
    .unwrap()
}

/// A message that did not reach the server goes again with the elements
/// it was first encrypted into, never encrypted anew: every attempt would
/// move the session on, and a receiver skips at most 1,000 keys (the
/// chaos soak lost 2,686 messages that way after a flush was cut off).
#[tokio::test]
async fn a_message_sent_again_carries_the_same_keys() {
    let mut h = Harness::caught_up().await;
    h.add_contact(BOB).await;
    keys::ensure_own(&mut h.actor.store, &[], Utc::now(), &mut OsRng).unwrap();
    let dev = DeviceId::new(11).unwrap();
    h.actor
        .store
        .apply_device_list(BOB, Version::V2, &[(dev, None)], Utc::now())
        .unwrap();
    h.actor
        .send_chat(BOB, "once only", None, None, Some(&h.wire))
        .await;
    let asked = h.sent();
    let iq = asked
        .iter()
        .find(|s| s.name() == "iq")
        .and_then(|s| s.attr("id"))
        .expect("the bundle asked for")
        .to_owned();
    h.receive(&bundle_answer(&iq, 11)).await;
    let first = encrypted_of(&h.sent());
    let id = h
        .history(BOB)
        .into_iter()
        .find(|m| m.body == "once only")
        .unwrap()
        .id;

    // The connection was lost before the server had it: a new session
    // sends the outbox again.
    h.actor.in_flight.clear();
    h.actor.flush_outbox(&h.wire).await;
    assert_eq!(
        encrypted_of(&h.sent()),
        first,
        "the same keys, not new ones"
    );

    // Once the server has it, the elements are not kept.
    assert!(h.actor.store.omemo_sealed(&id).unwrap().is_some());
    h.actor
        .store
        .set_state(&id, crate::api::MessageState::Acked, None)
        .unwrap();
    assert_eq!(h.actor.store.omemo_sealed(&id).unwrap(), None);
}
