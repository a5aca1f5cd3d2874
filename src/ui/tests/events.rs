//! Actor events → what the user sees.

use super::{Harness, account, cert_refused, cert_untrusted, state};
use crate::api::AccountRequest;
use crate::api::{CertRefusal, ConnState};
use crate::fl;
use crate::i18n::in_german;
use crate::ui::{Message, ids};

const FINGERPRINT: &str = "3A:7F:12:C4:9B:5E:01:D2:88:6A:F0:4C:19:E3:B7:2D";

fn work() -> Harness {
    Harness::with_accounts(vec![account("work", "me@work.example", Some("Work"))])
}

#[test]
fn online_is_shown_without_banner() {
    let mut h = work();
    h.assert_shows(&fl!("state-connecting"));
    h.event("work", state("work", ConnState::Online));
    h.assert_shows(&fl!("state-online"));
    assert!(!h.shows(&fl!("state-connecting")));
    assert!(!h.has_id(format!("{}-0", ids::BANNER_DISMISS)));
    assert!(!h.has_id(ids::reconnect("work")));
    // No contacts yet, but online: the sidebar says so.
    h.assert_shows(&fl!("no-contacts"));
}

#[test]
fn auth_failed_shows_state_banner_and_reconnect() {
    let mut h = work();
    h.event("work", state("work", ConnState::AuthFailed));
    h.assert_shows(&fl!("state-auth-failed"));
    h.assert_shows(&fl!("banner-auth-failed", account = "Work"));
    assert!(h.has_id(ids::reconnect("work")));

    // "Reconnect" asks the actor and removes the account's banner.
    let messages = h.click(ids::reconnect("work"));
    assert!(matches!(&messages[..], [Message::Reconnect(id)] if id == "work"));
    assert_eq!(h.commands("work"), [AccountRequest::Reconnect]);
    assert!(!h.shows(&fl!("banner-auth-failed", account = "Work")));
    h.assert_shows(&fl!("state-connecting"));
    assert!(!h.has_id(ids::reconnect("work")));
}

#[test]
fn cert_untrusted_shows_the_fingerprint() {
    let mut h = work();
    h.event(
        "work",
        cert_untrusted("work", "unknown issuer", FINGERPRINT),
    );
    h.assert_shows(&fl!("state-cert-untrusted"));
    let banner = fl!(
        "banner-cert-untrusted",
        account = "Work",
        reason = "unknown issuer",
        fingerprint = FINGERPRINT
    );
    assert!(banner.contains(FINGERPRINT));
    h.assert_shows(&banner);
    assert!(h.has_id(ids::reconnect("work")));

    // The same event again does not stack a second banner.
    h.event(
        "work",
        cert_untrusted("work", "unknown issuer", FINGERPRINT),
    );
    assert_eq!(h.count(&banner), 1);

    // Dismissing removes it; the state stays.
    let messages = h.click(format!("{}-0", ids::BANNER_DISMISS));
    assert!(matches!(messages[..], [Message::DismissBanner(0)]));
    assert!(!h.shows(&banner));
    h.assert_shows(&fl!("state-cert-untrusted"));
}

#[test]
fn a_refused_certificate_is_explained_in_german() {
    in_german(|| {
        let mut h = work();
        h.event(
            "work",
            cert_refused("work", CertRefusal::WrongName, FINGERPRINT),
        );
        h.assert_shows("Zertifikat nicht vertrauenswürdig");
        let reason = "es ist für einen anderen Servernamen ausgestellt";
        let banner = fl!(
            "banner-cert-untrusted",
            account = "Work",
            reason = reason,
            fingerprint = FINGERPRINT
        );
        assert!(banner.starts_with("Work: Dem Zertifikat des Servers wird nicht vertraut"));
        h.assert_shows(&banner);
        let english = CertRefusal::WrongName.reason();
        assert!(!h.texts().iter().any(|t| t.contains(english)));
    });
}

#[test]
fn a_new_state_replaces_the_old_banner() {
    let mut h = work();
    h.event("work", state("work", ConnState::AuthFailed));
    h.assert_shows(&fl!("banner-auth-failed", account = "Work"));
    h.event("work", state("work", ConnState::Online));
    assert!(!h.shows(&fl!("banner-auth-failed", account = "Work")));
    assert!(!h.shows(&fl!("state-auth-failed")));
    h.assert_shows(&fl!("state-online"));
    // Coming online asks for roster, conversations and rooms.
    assert_eq!(
        h.commands("work"),
        [
            AccountRequest::Roster,
            AccountRequest::Conversations,
            AccountRequest::Rooms
        ]
    );
}

#[test]
fn events_of_one_account_do_not_touch_another() {
    let mut h = Harness::with_accounts(vec![
        account("work", "me@work.example", Some("Work")),
        account("home", "me@home.example", Some("Home")),
    ]);
    h.event("work", state("work", ConnState::Online));
    h.event("home", state("home", ConnState::AuthFailed));
    h.assert_shows(&fl!("state-online"));
    h.assert_shows(&fl!("state-auth-failed"));
    h.assert_shows(&fl!("banner-auth-failed", account = "Home"));
    assert!(!h.shows(&fl!("banner-auth-failed", account = "Work")));
    assert!(h.has_id(ids::reconnect("home")));
    assert!(!h.has_id(ids::reconnect("work")));
}

#[test]
fn a_batch_of_events_is_applied_in_order() {
    let mut h = work();
    let _ = h.commands("work");
    h.update(Message::Actor(crate::ui::actor::ActorOutput::Batch(
        "work".into(),
        vec![
            state("work", ConnState::Online),
            state("work", ConnState::AuthFailed),
        ],
    )));
    // The first came online (asking for the roster), the second won.
    assert!(
        h.commands("work")
            .iter()
            .any(|c| matches!(c, AccountRequest::Roster))
    );
    h.assert_shows(&fl!("state-auth-failed"));
    assert!(!h.shows(&fl!("state-online")));
}
