//! The table of open requests in the actor: only the entity asked may
//! answer, unanswered requests time out, a new session starts empty.

use super::support::{BOB, Harness, MALLORY, iqs_with};
use crate::account::requests::TIMEOUT;
use crate::api::Event;

const ROSTER: &str = "jabber:iq:roster";

/// Asks for the roster; returns the request's id.
async fn roster_requested(h: &mut Harness) -> String {
    h.actor.request_roster(&h.wire).await;
    let sent = h.sent();
    let asked = iqs_with(&sent, "query", ROSTER);
    assert_eq!(asked.len(), 1, "{sent:?}");
    asked[0].attr("id").unwrap().to_owned()
}

/// A roster answer with `id` listing `contact`, from `from` (none: our server).
fn roster_answer(id: &str, from: Option<&str>, contact: &str) -> String {
    let from = from.map(|f| format!(" from='{f}'")).unwrap_or_default();
    format!(
        "<iq type='result' id='{id}'{from}><query xmlns='{ROSTER}'>\
         <item jid='{contact}' subscription='both'/></query></iq>"
    )
}

fn rosters(events: &[Event]) -> usize {
    events
        .iter()
        .filter(|e| matches!(e, Event::Roster { .. }))
        .count()
}

#[tokio::test]
async fn an_answer_from_someone_else_is_ignored_and_the_real_one_still_counts() {
    let mut h = Harness::online();
    let id = roster_requested(&mut h).await;

    let spoofed = roster_answer(&id, Some(&format!("{MALLORY}/x")), "eve@evil.example");
    h.receive(&spoofed).await;
    assert!(!h.actor.store.is_contact("eve@evil.example").unwrap());
    assert_eq!(rosters(&h.events()), 0);

    h.receive(&roster_answer(&id, None, BOB)).await;
    assert!(h.actor.store.is_contact(BOB).unwrap());
    assert_eq!(rosters(&h.events()), 1);
}

#[tokio::test]
async fn an_unanswered_request_times_out_as_an_error_and_a_late_answer_is_ignored() {
    let mut h = Harness::online();
    let asked = tokio::time::Instant::now();
    let id = roster_requested(&mut h).await;

    h.actor.expire_requests(asked + TIMEOUT / 2, &h.wire).await;
    assert!(h.events().is_empty(), "not yet");
    h.actor.expire_requests(asked + TIMEOUT * 2, &h.wire).await;
    let events = h.events();
    assert!(
        events.iter().any(|e| matches!(
            e,
            Event::Error { condition: Some(c), .. } if c == "remote_server_timeout"
        )),
        "{events:?}"
    );

    h.receive(&roster_answer(&id, None, BOB)).await;
    assert!(!h.actor.store.is_contact(BOB).unwrap(), "answered too late");
}

#[tokio::test]
async fn a_new_session_forgets_the_old_ones_requests() {
    let mut h = Harness::online();
    let old = roster_requested(&mut h).await;

    let bound = "alice@example.org/desk".parse().unwrap();
    let features = Default::default();
    h.actor.on_new_session(bound, &features, &h.wire).await;
    h.sent();
    h.events();

    h.receive(&roster_answer(&old, None, BOB)).await;
    assert!(!h.actor.store.is_contact(BOB).unwrap());
    assert_eq!(rosters(&h.events()), 0);
}
