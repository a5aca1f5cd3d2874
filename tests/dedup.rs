//! Messages arriving twice are stored once; forged bounces change nothing.

mod common;

use common::Prosody;
use common::headless::{Headless, account};
use common::raw::RawClient;

#[test]
fn duplicate_delivery_is_stored_once() {
    let server = Prosody::start();
    server.register("alice", "a1");
    server.register("bob", "b1");
    let dir = tempfile::tempdir().unwrap();
    let mut alice = Headless::start(dir.path());
    alice.add_account(account(&server, "work", "alice", "a1"));
    alice.wait_state("work", "online");

    let bob = RawClient::connect(&server, "bob", "b1");
    let twice = "<message xmlns='jabber:client' type='chat' to='alice@localhost' id='dup1'>\
                 <body>only once</body><origin-id xmlns='urn:xmpp:sid:0' id='dup1'/></message>";
    bob.send_message_xml(twice);
    bob.send_message_xml(twice);
    // Same id attribute without origin-id: also the same message.
    let by_id = "<message xmlns='jabber:client' type='chat' to='alice@localhost' id='dup2'>\
                 <body>by id</body></message>";
    bob.send_message_xml(by_id);
    bob.send_message_xml(by_id);
    bob.send_message_xml(
        "<message xmlns='jabber:client' type='chat' to='alice@localhost' id='end'><body>end</body></message>",
    );
    alice.wait_message("work", "end");

    let bodies: Vec<String> = alice
        .history("work", "bob@localhost", 50)
        .iter()
        .map(|m| m["body"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(bodies, ["only once", "by id", "end"]);
    let announced = alice
        .seen
        .iter()
        .filter(|v| v["event"] == "message" && v["body"] == "only once")
        .count();
    assert_eq!(announced, 1);
}

#[test]
fn forged_error_from_a_third_party_does_not_fail_our_message() {
    let server = Prosody::start();
    for (u, p) in [("alice", "a1"), ("bob", "b1"), ("mallory", "m1")] {
        server.register(u, p);
    }
    let dir = tempfile::tempdir().unwrap();
    let mut alice = Headless::start(dir.path());
    alice.add_account(account(&server, "work", "alice", "a1"));
    let online = alice.wait_state("work", "online");
    // Servers drop error messages to a bare JID (RFC 6121 8.5.2.1.1): bounce to the session.
    let full = online["jid"].as_str().unwrap().to_owned();
    alice.send_message("work", "bob@localhost", "to bob", "r1");
    let sent = alice.history("work", "bob@localhost", 1);
    let id = sent[0]["id"].as_str().unwrap().to_owned();

    let mallory = RawClient::connect(&server, "mallory", "m1");
    mallory.send_message_xml(&format!(
        "<message xmlns='jabber:client' type='error' to='{full}' id='{id}'>\
         <error type='cancel'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>"
    ));
    mallory.send_message_xml(
        "<message xmlns='jabber:client' type='chat' to='alice@localhost'><body>marker</body></message>",
    );
    alice.wait_message("work", "marker");
    let after = alice.history("work", "bob@localhost", 1);
    assert_eq!(after[0]["state"], "acked", "{after:?}");

    // The same bounce from the recipient itself does fail the message.
    let bob = RawClient::connect(&server, "bob", "b1");
    bob.send_message_xml(&format!(
        "<message xmlns='jabber:client' type='error' to='{full}' id='{id}'>\
         <error type='cancel'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>"
    ));
    let failed = alice.wait_for("failed state", |v| {
        v["event"] == "message_state" && v["state"] == "failed"
    });
    assert_eq!(failed["id"], id.as_str());
    assert_eq!(failed["ref"], "r1");
}
