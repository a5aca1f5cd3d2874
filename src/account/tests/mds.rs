//! Read positions shared with our other devices (XEP-0490): published when
//! the user reads, fetched after the catch-up, applied live; only our own
//! account's, naming the right archive.

use super::muc::{ROOM, joining_with, occupant};
use super::support::{BOB, BOB_PHONE, Harness, MALLORY, ME, child, iqs_with};
use crate::api::Event;

const MDS: &str = "urn:xmpp:mds:displayed:0";
const PUBSUB: &str = "http://jabber.org/protocol/pubsub";
const SID: &str = "urn:xmpp:sid:0";

/// A message from bob archived by our server as `sid`.
fn from_bob(id: &str, sid: &str) -> String {
    format!(
        "<message from='{BOB_PHONE}' to='{ME}/desk' type='chat' id='{id}'>\
         <body>{id}</body><stanza-id xmlns='{SID}' by='{ME}' id='{sid}'/></message>"
    )
}

/// A notification of our node from `from` with `item`'s id and stanza-id.
fn notification(from: &str, item: &str, sid: &str, by: &str) -> String {
    format!(
        "<message from='{from}' to='{ME}/desk' type='headline'>\
         <event xmlns='http://jabber.org/protocol/pubsub#event'><items node='{MDS}'>\
         <item id='{item}'><displayed xmlns='{MDS}'>\
         <stanza-id xmlns='{SID}' id='{sid}' by='{by}'/></displayed></item></items></event></message>"
    )
}

fn unread(h: &Harness, with: &str) -> u32 {
    h.actor
        .store
        .conversations()
        .unwrap()
        .iter()
        .find(|c| c.with == with)
        .map_or(0, |c| c.unread)
}

/// Bob wrote three messages (archive ids b1..b3), all unread.
async fn three_unread() -> Harness {
    let mut h = Harness::caught_up().await;
    h.add_contact(BOB).await;
    for (id, sid) in [("m1", "b1"), ("m2", "b2"), ("m3", "b3")] {
        h.receive(&from_bob(id, sid)).await;
    }
    h.sent();
    h.events();
    assert_eq!(unread(&h, BOB), 3);
    h
}

fn conversations_announced(events: &[Event]) -> bool {
    events
        .iter()
        .any(|e| matches!(e, Event::Conversations { .. }))
}

#[tokio::test]
async fn reading_publishes_the_position_even_without_read_markers() {
    let mut h = three_unread().await;
    h.actor.switches.send_read_markers = false;

    h.actor.mark_read(BOB, Some(&h.wire)).await;

    let sent = h.sent();
    assert_eq!(sent.len(), 1, "only the position, no marker: {sent:?}");
    let iq = &sent[0];
    assert_eq!(
        (iq.name(), iq.attr("type"), iq.attr("to")),
        ("iq", Some("set"), Some(ME))
    );
    let publish = child(child(iq, "pubsub", PUBSUB).unwrap(), "publish", PUBSUB).unwrap();
    assert_eq!(publish.attr("node"), Some(MDS));
    let item = child(publish, "item", PUBSUB).unwrap();
    assert_eq!(item.attr("id"), Some(BOB));
    let sid = child(child(item, "displayed", MDS).unwrap(), "stanza-id", SID).unwrap();
    assert_eq!((sid.attr("id"), sid.attr("by")), (Some("b3"), Some(ME)));
    let options = child(
        child(iq, "pubsub", PUBSUB).unwrap(),
        "publish-options",
        PUBSUB,
    );
    let options = format!("{:?}", options.unwrap());
    for needle in ["whitelist", "pubsub#max_items", "never"] {
        assert!(options.contains(needle), "{options}");
    }

    // Read again: nothing new, nothing published.
    h.actor.mark_read(BOB, Some(&h.wire)).await;
    assert!(h.sent().is_empty());
}

#[tokio::test]
async fn a_node_configured_otherwise_gets_the_position_without_options() {
    let mut h = three_unread().await;
    h.actor.mark_read(BOB, Some(&h.wire)).await;
    let sent = h.sent();
    let id = iqs_with(&sent, "pubsub", PUBSUB)[0]
        .attr("id")
        .unwrap()
        .to_owned();

    h.receive(&format!(
        "<iq type='error' id='{id}' from='{ME}'><error type='cancel'>\
         <conflict xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>\
         <precondition-not-met xmlns='http://jabber.org/protocol/pubsub#errors'/></error></iq>"
    ))
    .await;

    let sent = h.sent();
    let again = iqs_with(&sent, "pubsub", PUBSUB);
    assert_eq!(again.len(), 1, "{sent:?}");
    let pubsub = child(again[0], "pubsub", PUBSUB).unwrap();
    assert!(child(pubsub, "publish-options", PUBSUB).is_none());
    assert!(child(pubsub, "publish", PUBSUB).is_some());
}

#[tokio::test]
async fn another_devices_position_clears_unread_up_to_its_message() {
    let mut h = three_unread().await;

    h.receive(&notification(ME, BOB, "b2", ME)).await;

    assert_eq!(unread(&h, BOB), 1, "m3 is still unread");
    assert!(conversations_announced(&h.events()));
    assert!(h.sent().is_empty(), "nothing is answered or republished");

    // Without `by` (as some clients publish it) it is taken too.
    h.receive(&notification(ME, BOB, "b3", ME).replace(&format!(" by='{ME}'"), ""))
        .await;
    assert_eq!(unread(&h, BOB), 0);
}

#[tokio::test]
async fn forged_and_foreign_positions_change_nothing() {
    let mut h = three_unread().await;

    for forged in [
        // Another account's node (its server sends it from its bare JID).
        notification(MALLORY, BOB, "b3", ME),
        // A client claiming to be our account's PEP service.
        notification(&format!("{ME}/evil"), BOB, "b3", ME),
        notification(&format!("{MALLORY}/x"), BOB, "b3", ME),
        // Our node, but naming another archive than ours for a chat.
        notification(ME, BOB, "b3", MALLORY),
        // An item for a full JID is no conversation.
        notification(ME, BOB_PHONE, "b3", ME),
        // A message id nobody archived.
        notification(ME, BOB, "nope", ME),
    ] {
        h.receive(&forged).await;
        assert_eq!(unread(&h, BOB), 3, "{forged}");
    }
    assert!(!conversations_announced(&h.events()));
}

#[tokio::test]
async fn a_position_waits_for_its_message() {
    let mut h = three_unread().await;

    h.receive(&notification(ME, BOB, "b4", ME)).await;
    assert_eq!(unread(&h, BOB), 3);

    h.receive(&from_bob("m4", "b4")).await;
    assert_eq!(unread(&h, BOB), 0, "the waiting position applied");
}

#[tokio::test]
async fn the_positions_are_fetched_after_the_catch_up() {
    let mut h = Harness::online();
    h.add_contact(BOB).await;
    for (id, sid) in [("m1", "b1"), ("m2", "b2")] {
        h.receive(&from_bob(id, sid)).await;
    }
    h.sent();
    h.actor.end_catch_up(&h.wire, true).await;

    let sent = h.sent();
    let fetch = iqs_with(&sent, "pubsub", PUBSUB);
    assert_eq!(fetch.len(), 1, "{sent:?}");
    assert_eq!(
        (fetch[0].attr("type"), fetch[0].attr("to")),
        (Some("get"), Some(ME))
    );
    let items = child(child(fetch[0], "pubsub", PUBSUB).unwrap(), "items", PUBSUB).unwrap();
    assert_eq!(items.attr("node"), Some(MDS));
    let id = fetch[0].attr("id").unwrap().to_owned();

    // Someone else answering with our request's id is not believed.
    let answer = |from: &str| {
        format!(
            "<iq type='result' id='{id}' from='{from}'><pubsub xmlns='{PUBSUB}'>\
             <items node='{MDS}'><item id='{BOB}'><displayed xmlns='{MDS}'>\
             <stanza-id xmlns='{SID}' id='b2' by='{ME}'/></displayed></item>\
             <item id='carol@example.org'><displayed xmlns='{MDS}'>\
             <stanza-id xmlns='{SID}' id='c9' by='{ME}'/></displayed></item></items></pubsub></iq>"
        )
    };
    h.receive(&answer(MALLORY)).await;
    assert_eq!(unread(&h, BOB), 2);
    h.receive(&answer(ME)).await;
    assert_eq!(unread(&h, BOB), 0);
}

#[tokio::test]
async fn in_a_room_the_position_names_the_rooms_archive() {
    let mut h = joining_with(&[]).await;
    h.receive(&occupant(
        "alice",
        &format!("{ME}/desk"),
        "<status code='110'/>",
    ))
    .await;
    for (id, sid) in [("r1", "s1"), ("r2", "s2")] {
        h.receive(&format!(
            "<message from='{ROOM}/bob' to='{ME}/desk' type='groupchat' id='{id}'>\
             <body>{id}</body><stanza-id xmlns='{SID}' by='{ROOM}' id='{sid}'/></message>"
        ))
        .await;
    }
    h.sent();
    h.events();
    assert_eq!(unread(&h, ROOM), 2);

    // Our own archive is not the room's: ignored.
    h.receive(&notification(ME, ROOM, "s2", ME)).await;
    assert_eq!(unread(&h, ROOM), 2);
    h.receive(&notification(ME, ROOM, "s1", ROOM)).await;
    assert_eq!(unread(&h, ROOM), 1);

    h.actor.mark_read(ROOM, Some(&h.wire)).await;
    let sent = h.sent();
    let publish = iqs_with(&sent, "pubsub", PUBSUB);
    assert_eq!(publish.len(), 1, "{sent:?}");
    let item = child(
        child(
            child(publish[0], "pubsub", PUBSUB).unwrap(),
            "publish",
            PUBSUB,
        )
        .unwrap(),
        "item",
        PUBSUB,
    )
    .unwrap();
    assert_eq!(item.attr("id"), Some(ROOM));
    let sid = child(child(item, "displayed", MDS).unwrap(), "stanza-id", SID).unwrap();
    assert_eq!((sid.attr("id"), sid.attr("by")), (Some("s2"), Some(ROOM)));
}
