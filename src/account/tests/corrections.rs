//! Corrections (XEP-0308): only the sender may change a message.

use super::support::{BOB, BOB_PHONE, Harness, MALLORY, ME_FULL, chat};
use crate::api::Event;

/// A correction from `from` of its message `replaces` to `body`.
fn correction(from: &str, id: &str, replaces: &str, body: &str) -> String {
    format!(
        "<message from='{from}' to='{ME_FULL}' type='chat' id='{id}'><body>{body}</body>\
         <replace xmlns='urn:xmpp:message-correct:0' id='{replaces}'/></message>"
    )
}

/// Bob's first message, stored; returns its local id.
async fn bobs_message(h: &mut Harness) -> String {
    h.add_contact(BOB).await;
    h.receive(&chat(BOB_PHONE, "m1", "See you at 5")).await;
    h.sent();
    h.events();
    h.history(BOB)[0].id.clone()
}

#[tokio::test]
async fn a_correction_replaces_the_text_of_the_senders_own_message() {
    let mut h = Harness::caught_up().await;
    let local = bobs_message(&mut h).await;

    h.receive(&correction(BOB_PHONE, "m2", "m1", "See you at 6"))
        .await;

    let stored = h.history(BOB);
    assert_eq!(stored.len(), 1, "a correction is no new message");
    let m = h.stored(&local).unwrap();
    assert_eq!(m.body, "See you at 6");
    assert!(m.edited);
    assert_eq!(m.original_body.as_deref(), Some("See you at 5"));
    let events = h.events();
    assert!(
        events.iter().any(|e| matches!(
            e,
            Event::MessageUpdated { message, .. } if message.id == local && message.body == "See you at 6"
        )),
        "{events:?}"
    );
}

#[tokio::test]
async fn a_correction_by_someone_else_is_refused() {
    let mut h = Harness::caught_up().await;
    let local = bobs_message(&mut h).await;

    h.receive(&correction(
        &format!("{MALLORY}/x"),
        "f1",
        "m1",
        "Cancelled!",
    ))
    .await;

    assert_eq!(h.stored(&local).unwrap().body, "See you at 5");
    let events = h.events();
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, Event::MessageUpdated { .. })),
        "{events:?}"
    );
}

#[tokio::test]
async fn a_correction_from_another_resource_of_the_sender_is_refused() {
    let mut h = Harness::caught_up().await;
    let local = bobs_message(&mut h).await;

    h.receive(&correction(
        &format!("{BOB}/laptop"),
        "m2",
        "m1",
        "See you at 7",
    ))
    .await;

    assert_eq!(h.stored(&local).unwrap().body, "See you at 5");
}

#[tokio::test]
async fn an_encrypted_correction_that_cannot_be_opened_changes_nothing() {
    let mut h = Harness::caught_up().await;
    let local = bobs_message(&mut h).await;
    crate::account::omemo::keys::ensure_own(
        &mut h.actor.store,
        &[],
        chrono::Utc::now(),
        &mut rand_core::OsRng,
    )
    .unwrap();

    // Its text is inside an OMEMO element not for us: there is no new
    // text, and the fallback note must not become the message.
    h.receive(&format!(
        "<message from='{BOB_PHONE}' to='{ME_FULL}' type='chat' id='m2'>\
         <body>I sent you an OMEMO encrypted message</body>\
         <encrypted xmlns='urn:xmpp:omemo:2'><header sid='4711'>\
         <keys jid='someone@else.example'><key rid='1'>AAAA</key></keys></header>\
         <payload>AAAA</payload></encrypted>\
         <replace xmlns='urn:xmpp:message-correct:0' id='m1'/></message>"
    ))
    .await;

    let m = h.stored(&local).unwrap();
    assert_eq!(m.body, "See you at 5");
    assert!(!m.edited);
}
