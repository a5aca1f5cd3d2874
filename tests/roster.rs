//! Roster and presence: the list comes from the server, pushes apply live,
//! and contacts' presence follows their best resource.

mod common;

use common::Prosody;
use common::headless::{Headless, account};
use common::raw::RawClient;
use serde_json::json;

#[test]
fn roster_push_and_presence_reach_the_client() {
    let server = Prosody::start();
    server.register("alice", "a1");
    server.register("bob", "b1");
    let dir = tempfile::tempdir().unwrap();
    let mut app = Headless::start(dir.path());
    app.add_account(account(&server, "work", "alice", "a1"));
    app.wait_state("work", "online");

    // Alice's other device adds Bob; the roster push arrives here.
    let alice_phone = RawClient::connect(&server, "alice", "a1");
    alice_phone.send_xml(
        "<iq xmlns='jabber:client' type='set' id='r1'><query xmlns='jabber:iq:roster'>\
         <item jid='bob@localhost' name='Bob Builder'><group>Team</group></item></query></iq>",
    );
    let roster = app.wait_for("roster with bob", |v| {
        v["event"] == "roster" && v["contacts"][0]["jid"] == "bob@localhost"
    });
    assert_eq!(roster["contacts"][0]["name"], "Bob Builder");
    assert_eq!(roster["contacts"][0]["groups"], json!(["Team"]));
    assert_eq!(roster["contacts"][0]["presence"], "offline");

    // Mutual subscription, then Bob comes online as "away".
    let bob = RawClient::connect(&server, "bob", "b1");
    alice_phone.send_xml("<presence xmlns='jabber:client' type='subscribe' to='bob@localhost'/>");
    bob.send_xml("<presence xmlns='jabber:client' type='subscribed' to='alice@localhost'/>");
    bob.send_xml(
        "<presence xmlns='jabber:client'><show>away</show><status>lunch</status><priority>1</priority></presence>",
    );
    let p = app.wait_for("bob's presence", |v| {
        v["event"] == "presence" && v["jid"] == "bob@localhost" && v["presence"] == "away"
    });
    assert_eq!(p["status"], "lunch");

    app.send(json!({"cmd":"roster","account":"work"}));
    let roster = app.wait_for("roster", |v| {
        v["event"] == "roster" && v["contacts"][0]["presence"] == "away"
    });
    assert_eq!(roster["contacts"][0]["subscription"], "to");

    // The roster is kept in the store: a restart lists Bob before connecting.
    assert!(app.quit().success());
    let mut app = Headless::start(dir.path());
    app.send(json!({"cmd":"roster","account":"work"}));
    app.wait_for("stored roster", |v| {
        v["event"] == "roster" && v["contacts"][0]["name"] == "Bob Builder"
    });
}
