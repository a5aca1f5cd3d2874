//! The archive catch-up (XEP-0313): result pages and their end.

use super::support::{BOB, BOB_PHONE, Harness, ME, ME_FULL, iqs_with, new_messages};
use crate::api::{Direction, Event};
use tokio_xmpp::minidom::Element;

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

/// The IQ result that ends page `id`, its last item `last`, the last page.
fn fin(id: &str, last: &str) -> String {
    page_end(id, last, true)
}

/// The IQ result that ends page `id`, its last item `last`.
fn page_end(id: &str, last: &str, complete: bool) -> String {
    format!(
        "<iq type='result' id='{id}'><fin xmlns='{MAM}' complete='{complete}'>\
         <set xmlns='http://jabber.org/protocol/rsm'><first>{last}</first><last>{last}</last></set>\
         </fin></iq>"
    )
}

/// A harness whose session catch-up has asked the archive for a page;
/// returns the query's id.
async fn catching_up() -> (Harness, String) {
    let (h, sent) = catching_up_from(None).await;
    (h, id_of(&sent, "query", MAM))
}

/// A harness whose session catch-up started (from the archive `cursor` a
/// former session stored, if any); returns what it sent.
async fn catching_up_from(cursor: Option<&str>) -> (Harness, Vec<Element>) {
    let mut h = Harness::online();
    h.add_contact(BOB).await;
    if let Some(cursor) = cursor {
        h.actor.store.set_archive_cursor(Some(cursor)).unwrap();
    }
    h.actor.start_sync(&h.wire).await;
    let sent = h.sent();
    (h, sent)
}

/// The id of the one IQ in `sent` with a child `name` in `ns`.
fn id_of(sent: &[Element], name: &str, ns: &str) -> String {
    let iqs = iqs_with(sent, name, ns);
    assert_eq!(iqs.len(), 1, "{sent:?}");
    iqs[0].attr("id").unwrap().to_owned()
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

/// Front-ends say "catching up" from `archive_syncing` to `archive_synced`.
#[tokio::test]
async fn a_catch_up_is_announced_when_it_starts() {
    let (mut h, query) = catching_up().await;
    let events = h.events();
    assert!(
        matches!(&events[..], [Event::ArchiveSyncing { account }] if account == "test"),
        "{events:?}"
    );

    h.receive(&fin(&query, "arch-1")).await;
    let events = h.events();
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::ArchiveSynced { .. })),
        "{events:?}"
    );
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, Event::ArchiveSyncing { .. })),
        "once: {events:?}"
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

/// Bob writes while the catch-up pages forwards: `live-1` arrives live (no
/// delay stamp) once carbons are on; a page holding it ends the catch-up,
/// as everything archived after it came live (issue 20, finding 8).
async fn catch_up_meeting_a_live_message(carbons_confirmed: bool) -> (Harness, Vec<Element>) {
    // Synced before: the catch-up pages forwards from there (a first one
    // reads only the newest page).
    let (mut h, sent) = catching_up_from(Some("arch-0")).await;
    let query = id_of(&sent, "query", MAM);
    let carbons = id_of(&sent, "enable", "urn:xmpp:carbons:2");
    if carbons_confirmed {
        h.receive(&format!("<iq type='result' id='{carbons}'/>"))
            .await;
    }
    h.receive(&format!(
        "<message from='{BOB_PHONE}' to='{ME_FULL}' type='chat' id='m-live-1'>\
         <body>now</body><stanza-id xmlns='urn:xmpp:sid:0' by='{ME}' id='live-1'/></message>"
    ))
    .await;
    h.sent();

    h.receive(&result(&query, "arch-1", "while you were away"))
        .await;
    h.receive(&result(&query, "live-1", "now")).await;
    h.receive(&page_end(&query, "live-1", false)).await;
    let sent = h.sent();
    (h, sent)
}

#[tokio::test]
async fn a_catch_up_ends_at_the_first_message_received_live() {
    let (mut h, sent) = catch_up_meeting_a_live_message(true).await;

    assert!(
        iqs_with(&sent, "query", MAM).is_empty(),
        "no further page: {sent:?}"
    );
    let bodies: Vec<String> = h.history(BOB).into_iter().map(|m| m.body).collect();
    assert_eq!(bodies, ["while you were away", "now"]);
    assert!(h.events().iter().any(|e| matches!(
        e,
        Event::ArchiveSynced {
            new_messages: 1,
            ..
        }
    )));
    assert!(h.actor.sync.live_moves_cursor());
}

#[tokio::test]
async fn before_carbons_are_on_the_catch_up_reads_on() {
    let (h, sent) = catch_up_meeting_a_live_message(false).await;

    assert_eq!(
        iqs_with(&sent, "query", MAM).len(),
        1,
        "the next page: {sent:?}"
    );
    assert!(!h.actor.sync.caught_up());
}

/// The `start` of the one archive query in `sent` (None without one).
fn query_start(sent: &[Element]) -> Option<chrono::DateTime<chrono::Utc>> {
    let iqs = iqs_with(sent, "query", MAM);
    assert_eq!(iqs.len(), 1, "{sent:?}");
    let query = iqs[0].get_child("query", MAM)?;
    let form = query.get_child("x", "jabber:x:data")?;
    let start = form
        .children()
        .find(|f| f.attr("var") == Some("start"))?
        .get_child("value", "jabber:x:data")?
        .text();
    Some(chrono::DateTime::parse_from_rfc3339(&start).ok()?.to_utc())
}

/// An account that keeps messages for 30 days asks the archive only for
/// those (catch-up and scrolling back): retention would delete anything
/// older again.
#[tokio::test]
async fn retention_limits_what_the_archive_is_asked_for() {
    let expected = || chrono::Utc::now() - chrono::Duration::days(30);
    let close = |got: Option<chrono::DateTime<chrono::Utc>>| {
        got.is_some_and(|g| (g - expected()).num_seconds().abs() < 60)
    };

    let (h, sent) = catching_up_from(None).await;
    assert_eq!(query_start(&sent), None, "keeping for ever asks for all");
    drop(h);

    let mut h = Harness::online();
    h.add_contact(BOB).await;
    h.actor.keep_days = 30;
    h.actor.start_sync(&h.wire).await;
    let sent = h.sent();
    assert!(close(query_start(&sent)), "catch-up");
    let query = id_of(&sent, "query", MAM);
    h.receive(&fin(&query, "arch-1")).await;

    let req = crate::account::sync::HistoryRequest {
        with: BOB.to_owned(),
        limit: 50,
        before: None,
        after: None,
    };
    h.sent();
    h.actor.history(req, Some(&h.wire)).await;
    assert!(close(query_start(&h.sent())), "scrolling back");
}

/// Issue 27: the very first login's catch-up (the newest page only) must
/// leave a cursor in the file as soon as its page is stored, so a client
/// closed right after starts the next catch-up there, not at the newest
/// page again. Through the whole fresh session (roster first), over a
/// store in a file that a second connection reads.
#[tokio::test]
async fn the_first_catch_up_commits_its_cursor_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite");
    let mut h = Harness::online();
    h.actor.store = crate::store::Store::open(&path).unwrap();
    h.actor.on_fresh_session(&h.wire).await;
    let roster = id_of(&h.sent(), "query", "jabber:iq:roster");
    h.receive(&format!(
        "<iq type='result' id='{roster}'><query xmlns='jabber:iq:roster' ver='v1'/></iq>"
    ))
    .await;
    let query = id_of(&h.sent(), "query", MAM);
    h.receive(&result(&query, "arch-1", "older")).await;
    h.receive(&result(&query, "arch-2", "newest")).await;
    h.receive(&page_end(&query, "arch-2", false)).await;

    let other = crate::store::Store::open(&path).unwrap();
    assert_eq!(other.archive_cursor().unwrap().as_deref(), Some("arch-2"));
    assert!(h.actor.sync.live_moves_cursor());
}

/// The first session was closed before its catch-up's answer, after
/// messages came live: the next catch-up goes on after the newest of them
/// instead of fetching the newest page only again (which leaves out what
/// came meanwhile beyond that page).
#[tokio::test]
async fn without_a_finished_catch_up_the_next_goes_on_after_the_live_messages() {
    let mut h = Harness::online();
    h.add_contact(BOB).await;
    h.receive(&format!(
        "<message from='{BOB_PHONE}' to='{ME_FULL}' type='chat' id='l1'>\
         <body>while the first catch-up ran</body>\
         <stanza-id xmlns='urn:xmpp:sid:0' by='{ME}' id='live-7'/></message>"
    ))
    .await;
    assert_eq!(h.history(BOB).len(), 1);
    assert_eq!(h.actor.store.archive_cursor().unwrap(), None);
    h.sent();
    h.actor.start_sync(&h.wire).await;
    let sent = h.sent();
    let iqs = iqs_with(&sent, "query", MAM);
    assert_eq!(iqs.len(), 1, "{sent:?}");
    let xml = String::from(iqs[0]);
    assert!(xml.contains("<after>live-7</after>"), "{xml}");
}
