//! OMEMO devices and trust in the GUI: the contact's devices in the details
//! pane (trust in words, Verify / Distrust / Trust without verifying, a
//! pasted fingerprint URI and its result), the conversation's banner for an
//! undecided device, and our own devices in the account settings.

use super::Harness;
use crate::api::{AccountRequest, DeviceInfo, Event, OmemoVersion, Trust, TrustChoice};
use crate::fl;
use crate::ui::devices::Message as Devices;
use crate::ui::{Message, ids};

/// Presses a control of the details pane that may be below the fold of
/// the 720 px test window: it must exist; its message is applied.
fn press(h: &mut Harness, id: &str, message: Devices) {
    assert!(h.has_id(id), "no {id} in the details");
    h.update(Message::Details(
        crate::ui::contact_details::Message::Devices(message),
    ));
}

const BOB: &str = "bob@work.example";
const ME: &str = "me@work.example";
const FP: &str = "0a1b2c3d 4e5f6071 8293a4b5 c6d7e8f9 0a1b2c3d 4e5f6071 8293a4b5 c6d7e8f9";

fn device(id: u32, trust: Trust, fingerprint: bool) -> DeviceInfo {
    DeviceInfo {
        id,
        version: OmemoVersion::Omemo,
        fingerprint: fingerprint.then(|| FP.into()),
        trust,
        label: None,
        active: true,
        own: false,
        last_used: None,
        stale: false,
        problem: None,
    }
}

fn devices(jid: &str, devices: Vec<DeviceInfo>) -> Event {
    Event::Devices {
        account: "work".into(),
        jid: jid.into(),
        devices,
    }
}

#[test]
fn the_details_say_whether_the_contact_can_be_encrypted_to() {
    let mut h = Harness::work_account(0);
    h.update(Message::ShowDetails("work".into(), BOB.into()));
    let _ = h.commands("work");
    h.event("work", devices(BOB, vec![]));
    h.assert_shows(&fl!("details-encryption-none"));
    h.event(
        "work",
        devices(BOB, vec![device(12, Trust::Undecided, true)]),
    );
    h.assert_shows(&fl!("details-encryption-untrusted"));
    let mut v2 = device(11, Trust::Blind, true);
    v2.version = OmemoVersion::Omemo2;
    let mut gone = device(15, Trust::Verified, true);
    gone.active = false;
    h.event(
        "work",
        devices(
            BOB,
            vec![
                device(11, Trust::Blind, true),
                v2,
                device(13, Trust::Verified, true),
                device(14, Trust::Untrusted, true),
                gone,
            ],
        ),
    );
    // Device 11 in both variants is one device; 14 is distrusted, 15 gone.
    let text = fl!("details-encryption-omemo", count = 2);
    assert!(text.contains('2'), "{text}");
    h.assert_shows(&text);
    h.event("work", devices(BOB, vec![device(11, Trust::Blind, true)]));
    h.assert_shows(&fl!("details-encryption-omemo", count = 1));
}

#[test]
fn the_details_list_the_devices_and_send_the_users_decisions() {
    let mut h = Harness::work_account(0);
    h.update(Message::ShowDetails("work".into(), BOB.into()));
    let _ = h.commands("work");
    h.assert_shows(&fl!("omemo-devices-loading"));
    h.event(
        "work",
        devices(
            BOB,
            vec![
                device(11, Trust::Verified, true),
                device(12, Trust::Undecided, true),
                device(13, Trust::Blind, false),
            ],
        ),
    );
    for shown in [
        fl!("trust-verified"),
        fl!("trust-undecided"),
        fl!("trust-blind"),
        fl!("omemo-undecided-hint"),
        fl!("omemo-key-unknown"),
        // The fingerprint in two lines of four groups.
        "0a1b2c3d 4e5f6071 8293a4b5 c6d7e8f9".into(),
    ] {
        h.assert_shows(&shown);
    }
    // Verified: nothing to verify; no key: nothing to verify either.
    assert!(!h.has_id(ids::devices::verify("11-omemo")));
    assert!(!h.has_id(ids::devices::verify("13-omemo")));
    // Nobody removes a contact's device.
    assert!(!h.has_id(ids::devices::remove("12-omemo")));
    let set = |device, version, trust| Devices::SetTrust {
        jid: BOB.into(),
        device,
        version,
        trust,
    };
    press(
        &mut h,
        &ids::devices::verify("12-omemo"),
        set(12, OmemoVersion::Omemo, TrustChoice::Verified),
    );
    press(
        &mut h,
        &ids::devices::distrust("11-omemo"),
        set(11, OmemoVersion::Omemo, TrustChoice::Untrusted),
    );
    press(
        &mut h,
        &ids::devices::blind("12-omemo"),
        set(12, OmemoVersion::Omemo, TrustChoice::Blind),
    );
    let trust = |device, trust| AccountRequest::TrustDevice {
        jid: BOB.into(),
        device,
        trust,
        version: Some(OmemoVersion::Omemo),
    };
    assert_eq!(
        h.commands("work"),
        [
            trust(12, TrustChoice::Verified),
            trust(11, TrustChoice::Untrusted),
            trust(12, TrustChoice::Blind),
        ]
    );

    // A pasted fingerprint URI.
    let uri = format!("xmpp:{BOB}?omemo-sid-12={}", FP.replace(' ', ""));
    press(&mut h, ids::devices::URI, Devices::Uri(format!("  {uri} ")));
    press(&mut h, ids::devices::VERIFY_URI, Devices::VerifyUri);
    assert_eq!(
        h.commands("work"),
        [AccountRequest::VerifyUri { uri: uri.clone() }]
    );
    h.event(
        "work",
        Event::Verification {
            account: "work".into(),
            jid: BOB.into(),
            matched: vec![12],
            mismatched: vec![13],
            unknown: vec![],
        },
    );
    let result = h.texts_in(ids::devices::RESULT).join(" ");
    assert!(
        result.contains(&fl!("omemo-verified-count", count = 1)),
        "{result}"
    );
    assert!(
        result.contains(&fl!("omemo-mismatch-count", count = 1)),
        "{result}"
    );
    // The field was emptied; an empty field sends nothing.
    press(&mut h, ids::devices::VERIFY_URI, Devices::VerifyUri);
    assert!(h.commands("work").is_empty());
    // When a device last wrote is part of its line.
    let mut used = device(14, Trust::Blind, true);
    let at = chrono::Utc::now();
    used.last_used = Some(at);
    h.event(
        "work",
        devices(BOB, vec![device(11, Trust::Verified, true), used]),
    );
    let date = at
        .with_timezone(&chrono::Local)
        .format(&fl!("date-format"))
        .to_string();
    let last = fl!("omemo-device-last-used", date = date);
    assert!(
        h.texts().iter().any(|t| t.contains(&last)),
        "{last:?} not in {:#?}",
        h.texts()
    );
}

#[test]
fn an_undecided_device_puts_a_banner_over_the_conversation() {
    let mut h = Harness::work_account(0);
    h.update(Message::OpenChat("work".into(), BOB.into()));
    assert!(
        h.commands("work")
            .contains(&AccountRequest::Devices { jid: BOB.into() }),
        "opening the chat asks for the devices"
    );
    h.event("work", devices(BOB, vec![device(11, Trust::Blind, true)]));
    assert!(!h.has_id(ids::devices::BANNER));
    h.event(
        "work",
        devices(
            BOB,
            vec![
                device(11, Trust::Verified, true),
                device(12, Trust::Undecided, true),
            ],
        ),
    );
    assert!(h.has_id(ids::devices::BANNER));
    h.assert_shows(&fl!("omemo-banner", contact = "Bob Builder"));
    h.click(ids::devices::BANNER_OPEN);
    assert!(h.has_id(ids::details::CLOSE), "the details pane is open");
    assert!(h.has_id(ids::devices::URI));
    // An undecided device no longer on the list is no reason for a banner.
    let mut gone = device(12, Trust::Undecided, true);
    gone.active = false;
    h.update(Message::OpenChat("work".into(), BOB.into()));
    h.event(
        "work",
        devices(BOB, vec![device(11, Trust::Verified, true), gone]),
    );
    assert!(!h.has_id(ids::devices::BANNER));
}

#[test]
fn the_settings_show_this_device_and_remove_other_ones() {
    let mut h = Harness::work_account(0);
    h.click(ids::settings("work"));
    assert!(
        h.commands("work")
            .contains(&AccountRequest::Devices { jid: ME.into() })
    );
    assert!(h.has_id(ids::devices::OMEMO));
    h.assert_shows(&fl!("omemo-this-device-pending"));
    let mut own = device(7, Trust::Verified, true);
    own.own = true;
    let mut stale = device(8, Trust::Blind, true);
    stale.version = OmemoVersion::Omemo2;
    h.event("work", devices(ME, vec![own, stale]));
    h.assert_shows(&format!(
        "{} · {}",
        fl!("omemo-version-legacy"),
        fl!("omemo-device-id", id = "7")
    ));
    // Never for this device.
    assert!(!h.has_id(ids::devices::remove("7-omemo")));
    assert!(h.has_id(ids::devices::remove("8-omemo2")));
    h.update(Message::Settings(
        crate::ui::account_settings::Message::Devices(crate::ui::devices::Message::Remove(8)),
    ));
    assert_eq!(
        h.commands("work"),
        [AccountRequest::OmemoRemoveDevice { device: 8 }]
    );
}

#[test]
fn a_device_says_why_it_is_not_reached_and_its_session_can_be_reset() {
    let mut h = Harness::work_account(0);
    h.update(Message::ShowDetails("work".into(), BOB.into()));
    let _ = h.commands("work");
    let mut broken = device(11, Trust::Blind, true);
    broken.problem = Some(crate::api::DeviceProblem::SessionBroken);
    let mut silent = device(12, Trust::Blind, true);
    silent.stale = true;
    h.event("work", devices(BOB, vec![broken, silent]));
    h.assert_shows(&fl!("omemo-problem-session-broken"));
    h.assert_shows(&fl!("omemo-device-stale"));
    assert!(
        !h.has_id(ids::devices::reset("12-omemo")),
        "nothing to reset on a device without a problem"
    );
    h.click(ids::devices::reset("11-omemo"));
    assert_eq!(
        h.commands("work"),
        [AccountRequest::OmemoResetSession {
            jid: BOB.into(),
            device: 11
        }]
    );
}
