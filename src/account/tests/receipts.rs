//! Delivery receipts (XEP-0184) for the messages we send.

use super::support::{BOB, BOB_PHONE, Harness, MALLORY, ME_FULL, child};
use crate::api::{Event, MessageState};

/// Sends "hi" to Bob through the real outbox; returns its local id (also
/// the stanza id).
async fn sent_to_bob(h: &mut Harness) -> String {
    h.actor
        .send_chat(BOB, "hi", None, None, Some(&h.wire))
        .await;
    let sent = h.sent();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].attr("to"), Some(BOB));
    assert!(child(&sent[0], "request", "urn:xmpp:receipts").is_some());
    let id = sent[0].attr("id").unwrap().to_owned();
    assert_eq!(h.stored(&id).unwrap().state, MessageState::Queued);
    h.events();
    id
}

fn receipt(from: &str, id: &str) -> String {
    format!(
        "<message from='{from}' to='{ME_FULL}' id='rcpt-{id}'>\
         <received xmlns='urn:xmpp:receipts' id='{id}'/></message>"
    )
}

#[tokio::test]
async fn a_receipt_marks_our_message_delivered() {
    let mut h = Harness::caught_up().await;
    h.add_contact(BOB).await;
    let id = sent_to_bob(&mut h).await;

    h.receive(&receipt(BOB_PHONE, &id)).await;

    assert_eq!(h.stored(&id).unwrap().state, MessageState::Delivered);
    let events = h.events();
    assert!(
        events.iter().any(|e| matches!(
            e,
            Event::MessageState { id: i, state: MessageState::Delivered, .. } if *i == id
        )),
        "{events:?}"
    );
    assert!(h.sent().is_empty(), "a receipt is not answered");
}

#[tokio::test]
async fn a_receipt_from_someone_else_changes_nothing() {
    let mut h = Harness::caught_up().await;
    h.add_contact(BOB).await;
    let id = sent_to_bob(&mut h).await;

    h.receive(&receipt(&format!("{MALLORY}/x"), &id)).await;

    assert_eq!(h.stored(&id).unwrap().state, MessageState::Queued);
    assert!(h.events().is_empty());
}

#[tokio::test]
async fn a_message_waits_in_the_outbox_until_the_catch_up_is_over() {
    let mut h = Harness::online();
    h.add_contact(BOB).await;

    h.actor
        .send_chat(BOB, "hi", None, None, Some(&h.wire))
        .await;
    assert!(h.sent().is_empty());
    h.actor.end_catch_up(&h.wire, true).await;

    // Besides the read positions' fetch (XEP-0490).
    let sent: Vec<_> = h
        .sent()
        .into_iter()
        .filter(|s| s.name() == "message")
        .collect();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].attr("to"), Some(BOB));
}
