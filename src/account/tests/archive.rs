//! The archive catch-up (XEP-0313): result pages and their end.

use super::support::{BOB, BOB_PHONE, Harness, ME, ME_FULL, iqs_with, new_messages};
use crate::api::{Direction, Event};

const MAM: &str = "urn:xmpp:mam:2";

/// One archived message from Bob, as a result of query `queryid`.
fn result(queryid: &str, archive_id: &str, body: &str) -> String {
    format!(
        "<message from='{ME}' to='{ME_FULL}'>\
         <result xmlns='{MAM}' queryid='{queryid}' id='{archive_id}'>\
         <forwarded xmlns='urn:xmpp:forward:0'>\
         <delay xmlns='urn:xmpp:delay' stamp='2026-12-01T10:00:00Z'/>\
         <message xmlns='jabber:client' type='chat' from='{BOB_PHONE}' to='{ME}' id='m-{archive_id}'>\
         <body>{body}</body></message></forwarded></result></message>"
    )
}

/// The IQ result that ends page `id`, its last item `last`.
fn fin(id: &str, last: &str) -> String {
    format!(
        "<iq type='result' id='{id}'><fin xmlns='{MAM}' complete='true'>\
         <set xmlns='http://jabber.org/protocol/rsm'><first>{last}</first><last>{last}</last></set>\
         </fin></iq>"
    )
}

/// A harness whose session catch-up has asked the archive for a page;
/// returns the query's id.
async fn catching_up() -> (Harness, String) {
    let mut h = Harness::online();
    h.add_contact(BOB).await;
    h.actor.start_sync(&h.wire).await;
    let sent = h.sent();
    let queries = iqs_with(&sent, "query", MAM);
    assert_eq!(queries.len(), 1, "{sent:?}");
    let id = queries[0].attr("id").unwrap().to_owned();
    (h, id)
}

#[tokio::test]
async fn a_catch_up_page_is_stored_and_ends_the_catch_up() {
    let (mut h, query) = catching_up().await;

    h.receive(&result(&query, "arch-1", "while you were away"))
        .await;
    assert!(h.history(BOB).is_empty(), "stored when the page ends");
    h.receive(&fin(&query, "arch-1")).await;

    let stored = h.history(BOB);
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].direction, Direction::In);
    assert_eq!(stored[0].body, "while you were away");
    let events = h.events();
    assert_eq!(new_messages(&events).len(), 1);
    assert!(
        events.iter().any(|e| matches!(
            e,
            Event::ArchiveSynced {
                new_messages: 1,
                ..
            }
        )),
        "{events:?}"
    );
    assert!(h.actor.sync.caught_up());
    assert_eq!(
        h.actor.store.archive_cursor().unwrap().as_deref(),
        Some("arch-1")
    );
}

#[tokio::test]
async fn results_for_an_unknown_query_are_ignored() {
    let (mut h, query) = catching_up().await;

    h.receive(&result("not-ours", "arch-9", "planted")).await;
    h.receive(&fin(&query, "arch-1")).await;

    assert!(h.history(BOB).is_empty());
    assert!(new_messages(&h.events()).is_empty());
}

#[tokio::test]
async fn results_from_someone_else_than_our_archive_are_ignored() {
    let (mut h, query) = catching_up().await;
    let forged = result(&query, "arch-1", "planted").replacen(
        &format!("from='{ME}'"),
        &format!("from='{BOB_PHONE}'"),
        1,
    );

    h.receive(&forged).await;
    h.receive(&fin(&query, "arch-1")).await;

    assert!(h.history(BOB).is_empty());
}
