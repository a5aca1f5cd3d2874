//! An inbound chat message: stored, announced, receipt answered.

use super::support::{BOB, BOB_PHONE, Harness, MALLORY, chat, child, new_messages};
use crate::api::{Direction, MessageState};

const RECEIPTS: &str = "urn:xmpp:receipts";

#[tokio::test]
async fn a_contacts_message_is_stored_announced_and_its_receipt_sent() {
    let mut h = Harness::caught_up().await;
    h.add_contact(BOB).await;

    h.receive(&chat(BOB_PHONE, "m1", "Hello Alice")).await;

    let stored = h.history(BOB);
    assert_eq!(stored.len(), 1);
    let m = &stored[0];
    assert_eq!(
        (m.direction, m.sender.as_str(), m.body.as_str(), m.state),
        (
            Direction::In,
            BOB_PHONE,
            "Hello Alice",
            MessageState::Received
        )
    );
    let events = h.events();
    let announced = new_messages(&events);
    assert_eq!(announced.len(), 1);
    assert_eq!(announced[0].id, m.id);

    let sent = h.sent();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].name(), "message");
    assert_eq!(sent[0].attr("to"), Some(BOB_PHONE));
    let received = child(&sent[0], "received", RECEIPTS).expect("a receipt");
    assert_eq!(received.attr("id"), Some("m1"));
}

#[tokio::test]
async fn a_stranger_gets_no_receipt_but_the_message_is_kept() {
    let mut h = Harness::caught_up().await;
    let from = format!("{MALLORY}/bot");

    h.receive(&chat(&from, "s1", "buy now")).await;

    assert_eq!(h.history(MALLORY).len(), 1);
    assert_eq!(new_messages(&h.events()).len(), 1);
    assert!(h.sent().is_empty(), "strangers do not learn that we read");
}

#[tokio::test]
async fn no_receipt_when_the_account_switches_receipts_off() {
    let mut h = Harness::caught_up().await;
    h.add_contact(BOB).await;
    h.actor.switches.send_receipts = false;

    h.receive(&chat(BOB_PHONE, "m1", "Hello")).await;

    assert_eq!(h.history(BOB).len(), 1);
    assert!(h.sent().is_empty());
}

#[tokio::test]
async fn the_same_message_twice_is_stored_and_announced_once() {
    let mut h = Harness::caught_up().await;
    h.add_contact(BOB).await;
    let xml = chat(BOB_PHONE, "m1", "Hello").replace(
        "<body>",
        "<stanza-id xmlns='urn:xmpp:sid:0' by='alice@example.org' id='arch-1'/><body>",
    );

    h.receive(&xml).await;
    h.receive(&xml).await;

    assert_eq!(h.history(BOB).len(), 1);
    assert_eq!(new_messages(&h.events()).len(), 1);
}
