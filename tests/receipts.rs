//! Delivery receipts (XEP-0184): returned by contacts when enabled, not
//! when switched off, never to strangers, and only the recipient's counts.

mod common;

use std::time::Duration;

use common::Prosody;
use common::headless::{Headless, chat_xml, online};
use common::raw::RawClient;
use serde_json::{Value, json};

/// Puts `contact` into `user`'s roster (from another resource of `user`).
fn add_to_roster(server: &Prosody, user: &str, password: &str, contact: &str) {
    let other = RawClient::connect(server, user, password);
    other.send_xml(&format!(
        "<iq xmlns='jabber:client' type='set' id='add'><query xmlns='jabber:iq:roster'>\
         <item jid='{contact}'/></query></iq>"
    ));
}

fn state_of(client: &mut Headless, reference: &str, state: &str, wait: Duration) -> Option<Value> {
    client.try_wait_for(wait, &|v: &Value| {
        v["event"] == "message_state" && v["ref"] == reference && v["state"] == state
    })
}

#[test]
fn receipts_return_when_enabled_and_not_when_switched_off_or_to_strangers() {
    let server = Prosody::with_users(&[("alice", "apw"), ("bob", "bpw"), ("carol", "cpw")]);
    add_to_roster(&server, "bob", "bpw", "alice@localhost");
    let (_a_dir, mut alice) = online(&server, "a", "alice", "apw");
    let (_b_dir, mut bob) = online(&server, "b", "bob", "bpw");
    let (_c_dir, mut carol) = online(&server, "c", "carol", "cpw");
    // Bob's presence is out once his catch-up is done: from then on messages
    // reach his client live (not only later through the archive).
    bob.wait_for("bob synced", |v| v["event"] == "archive_synced");

    alice.send_message("a", "bob@localhost", "did it arrive?", "r1");
    bob.wait_message("b", "did it arrive?");
    assert!(
        state_of(&mut alice, "r1", "delivered", Duration::from_secs(10)).is_some(),
        "bob's client confirms a contact's message"
    );

    // Carol is not in Bob's roster: she learns nothing.
    carol.send_message("c", "bob@localhost", "hello stranger", "s1");
    bob.wait_message("b", "hello stranger");
    assert!(state_of(&mut carol, "s1", "delivered", Duration::from_secs(3)).is_none());

    // Bob switches receipts off: applied at once, without reconnecting.
    bob.forget_pending();
    let mark = bob.seen.len();
    bob.send(json!({"cmd":"update_account","account":"b","send_receipts":false}));
    bob.wait_for("updated", |v| v["event"] == "account_updated");
    alice.send_message("a", "bob@localhost", "and now?", "r2");
    bob.wait_message("b", "and now?");
    assert!(state_of(&mut alice, "r2", "delivered", Duration::from_secs(3)).is_none());
    assert!(
        !bob.seen[mark..]
            .iter()
            .any(|v| v["event"] == "account_state" && v["state"] == "connecting"),
        "the switch reconnected: {:#?}",
        &bob.seen[mark..]
    );
    let config = std::fs::read_to_string(bob.profile.join("config.toml")).unwrap();
    assert!(config.contains("send_receipts = false"));
}

#[test]
fn a_receipt_from_someone_else_does_not_mark_delivered() {
    let server = Prosody::with_users(&[("alice", "apw"), ("bob", "bpw"), ("mallory", "mpw")]);
    let (_a_dir, mut alice) = online(&server, "a", "alice", "apw");
    alice.send_message("a", "bob@localhost", "for bob only", "r1");
    let sent = alice
        .seen
        .iter()
        .find(|v| v["event"] == "message" && v["ref"] == "r1")
        .cloned()
        .unwrap_or_default();
    let id = sent["id"].as_str().unwrap_or_default().to_owned();
    let mallory = RawClient::connect(&server, "mallory", "mpw");
    mallory.send_message_xml(&format!(
        "<message xmlns='jabber:client' to='alice@localhost'>\
         <received xmlns='urn:xmpp:receipts' id='{id}'/></message>"
    ));
    mallory.send_message_xml(&chat_xml("alice@localhost", "canary"));
    alice.wait_message("a", "canary");
    assert!(state_of(&mut alice, "r1", "delivered", Duration::from_millis(300)).is_none());
}
