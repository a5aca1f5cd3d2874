//! What the actor says about its connection: the reconnect wait.

use std::time::Duration;

use super::support::Harness;
use crate::account::connection::ConnReport;
use crate::api::{ConnState, Event};

/// A failed attempt says when the next one is made, as a time a front-end
/// can count down to (and, as before, how many seconds that is).
#[tokio::test]
async fn a_retry_says_when_the_next_attempt_is_made() {
    let mut h = Harness::online();
    let before = chrono::Utc::now();
    h.actor.on_report(ConnReport::Retry {
        error: "connection refused".into(),
        delay: Duration::from_millis(12_400),
    });
    let after = chrono::Utc::now();

    let events = h.events();
    let [
        Event::AccountState {
            state,
            reason,
            retry_in,
            retry_at,
            ..
        },
    ] = &events[..]
    else {
        panic!("{events:?}")
    };
    assert_eq!(*state, ConnState::Reconnecting);
    assert_eq!(reason.as_deref(), Some("connection refused"));
    assert_eq!(*retry_in, Some(12));
    let at = retry_at.unwrap_or_else(|| panic!("no retry_at"));
    let wait = chrono::Duration::milliseconds(12_400);
    // In milliseconds (truncated), like the stored message times.
    assert_eq!(at.timestamp_subsec_nanos() % 1_000_000, 0, "{at}");
    let ms = chrono::Duration::milliseconds(1);
    assert!(at > before + wait - ms && at <= after + wait, "{at}");

    // The attempt itself (and any state without a wait) carries no time.
    h.actor.on_report(ConnReport::Connecting);
    assert!(h.events().is_empty(), "no new state over reconnecting");
    h.actor
        .set_state(ConnState::Online, None, None, Some("a@b/c".into()));
    assert!(matches!(
        &h.events()[..],
        [Event::AccountState {
            retry_in: None,
            retry_at: None,
            ..
        }]
    ));
}

/// In JSON Lines the time is RFC 3339, next to `retry_in`.
#[test]
fn retry_at_is_an_rfc3339_time_in_json() {
    let at = chrono::DateTime::parse_from_rfc3339("2026-12-07T15:00:12Z")
        .unwrap()
        .to_utc();
    let event = Event::AccountState {
        account: "work".into(),
        state: ConnState::Reconnecting,
        reason: None,
        retry_in: Some(12),
        retry_at: Some(at),
        jid: None,
        cert: None,
    };
    let json = serde_json::to_value(&event).unwrap();
    assert_eq!(json["retry_in"], 12);
    assert_eq!(json["retry_at"], "2026-12-07T15:00:12Z");
    let back: Event = serde_json::from_value(json).unwrap();
    assert_eq!(back, event);
    // Absent when there is no wait.
    let online = serde_json::to_value(Event::account_state("work", ConnState::Online)).unwrap();
    assert!(online.get("retry_at").is_none(), "{online}");
}
