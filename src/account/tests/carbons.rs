//! Carbons (XEP-0280): copies of what our other devices send and receive.

use super::support::{BOB, BOB_PHONE, Harness, MALLORY, ME, ME_FULL, new_messages};
use crate::api::Direction;

/// A sent carbon of `inner`, as our server (or `from`) wraps it.
fn sent_carbon(from: &str, inner: &str) -> String {
    format!(
        "<message from='{from}' to='{ME_FULL}' type='chat'>\
         <sent xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>\
         {inner}</forwarded></sent></message>"
    )
}

/// What our phone sent to Bob.
fn from_my_phone() -> String {
    format!(
        "<message xmlns='jabber:client' from='{ME}/phone' to='{BOB}' type='chat' id='c1'>\
         <body>written on the phone</body></message>"
    )
}

#[tokio::test]
async fn a_sent_carbon_from_our_other_device_is_stored_as_outgoing() {
    let mut h = Harness::caught_up().await;
    h.add_contact(BOB).await;

    h.receive(&sent_carbon(ME, &from_my_phone())).await;

    let stored = h.history(BOB);
    assert_eq!(stored.len(), 1);
    let m = &stored[0];
    assert_eq!(m.direction, Direction::Out);
    assert_eq!(m.body, "written on the phone");
    assert_eq!(m.sender, format!("{ME}/phone"));
    assert_eq!(new_messages(&h.events()).len(), 1);
    assert!(h.sent().is_empty(), "no receipt for our own message");
}

#[tokio::test]
async fn a_received_carbon_is_stored_as_incoming() {
    let mut h = Harness::caught_up().await;
    h.add_contact(BOB).await;
    let inner = format!(
        "<message xmlns='jabber:client' from='{BOB_PHONE}' to='{ME}/phone' type='chat' id='r1'>\
         <body>to your phone</body></message>"
    );
    let carbon = sent_carbon(ME, &inner)
        .replace("<sent ", "<received ")
        .replace("</sent>", "</received>");

    h.receive(&carbon).await;

    let stored = h.history(BOB);
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].direction, Direction::In);
    assert_eq!(stored[0].body, "to your phone");
}

#[tokio::test]
async fn a_forged_carbon_from_a_stranger_is_refused() {
    let mut h = Harness::caught_up().await;
    h.add_contact(BOB).await;

    h.receive(&sent_carbon(&format!("{MALLORY}/x"), &from_my_phone()))
        .await;

    assert!(h.history(BOB).is_empty());
    assert!(h.history(MALLORY).is_empty());
    assert!(new_messages(&h.events()).is_empty());
    assert!(h.sent().is_empty());
}

#[tokio::test]
async fn a_carbon_from_a_contact_is_refused_too() {
    let mut h = Harness::caught_up().await;
    h.add_contact(BOB).await;

    h.receive(&sent_carbon(BOB_PHONE, &from_my_phone())).await;

    assert!(h.history(BOB).is_empty());
    assert!(new_messages(&h.events()).is_empty());
}
