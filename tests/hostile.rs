//! What strangers can send us that no honest client would: the account
//! stays up, nothing is lost, and what is stored stays sane.

mod common;

use common::Prosody;
use common::headless::{chat_xml, online};
use common::raw::{RawBytes, RawClient};

/// `levels` nested elements as text.
fn nested(levels: usize) -> String {
    format!(
        "<a xmlns='urn:example:deep'>{}deep{}",
        "<a>".repeat(levels - 1),
        "</a>".repeat(levels)
    )
}

#[test]
fn a_deeply_nested_stanza_from_a_stranger_does_not_bring_the_client_down() {
    const DEPTH: usize = 30_000;
    let server = Prosody::start();
    server.register("alice", "a1");
    server.register("mallory", "m1");
    let (_dir, mut alice) = online(&server, "work", "alice", "a1");
    let full = alice.bound_jid();
    let mut mallory = RawBytes::connect(&server, "mallory", "m1");

    // A message (with a no-store hint, so only the live path sees it), a
    // presence and an iq to our full JID.
    let deep = nested(DEPTH);
    mallory.write(&format!(
        "<message xmlns='jabber:client' to='{full}' type='chat'><body>deep</body>\
         <no-store xmlns='urn:xmpp:hints'/>{deep}</message>\
         <presence xmlns='jabber:client' to='{full}'>{deep}</presence>\
         <iq xmlns='jabber:client' to='{full}' type='get' id='deep1'>{deep}</iq>"
    ));
    mallory.write(&chat_xml("alice@localhost", "still here"));
    alice.wait_message("work", "still here");
    // Connecting is announced once, and nothing after "online".
    let states: Vec<&str> = alice
        .seen
        .iter()
        .filter(|v| v["event"] == "account_state" && v["account"] == "work")
        .filter_map(|v| v["state"].as_str())
        .collect();
    assert_eq!(
        states,
        ["connecting", "online"],
        "the account stayed online"
    );
    assert!(
        alice.stderr_log().contains("nests deeper than 100 levels"),
        "the cut is logged"
    );
}

#[test]
fn a_delay_stamp_from_1970_or_the_future_gets_the_arrival_time() {
    let server = Prosody::start();
    server.register("alice", "a1");
    server.register("mallory", "m1");
    let (_dir, mut alice) = online(&server, "work", "alice", "a1");
    let mallory = RawClient::connect(&server, "mallory", "m1");
    for (body, stamp) in [
        ("from 1970", "1970-01-01T00:00:00Z"),
        ("from 2001", "2001-01-01T00:00:00Z"),
        ("from 9999", "9999-12-31T23:59:59Z"),
    ] {
        mallory.send_message_xml(&format!(
            "<message xmlns='jabber:client' type='chat' to='alice@localhost'><body>{body}</body>\
             <delay xmlns='urn:xmpp:delay' stamp='{stamp}'/></message>"
        ));
    }
    let before = chrono::Utc::now() - chrono::Duration::minutes(5);
    for body in ["from 1970", "from 2001", "from 9999"] {
        let m = alice.wait_message("work", body);
        let at: chrono::DateTime<chrono::Utc> = m["timestamp"].as_str().unwrap().parse().unwrap();
        assert!(at > before && at < chrono::Utc::now(), "{body}: {at}");
    }
}

/// A request the server refuses is reported in plain words, with a code
/// for the kind of request and the XMPP condition.
#[test]
fn a_refused_request_is_reported_with_its_code_and_condition() {
    let server = Prosody::start();
    server.register("alice", "a1");
    let (_dir, mut alice) = online(&server, "work", "alice", "a1");
    // Nobody of that name is on the contact list: Prosody says item-not-found.
    alice.send(
        serde_json::json!({"cmd":"remove_contact","account":"work","jid":"nobody@localhost"}),
    );
    let e = alice.wait_for("error", |v| v["event"] == "error" && v["account"] == "work");
    assert_eq!(e["code"], "roster_change", "{e}");
    assert_eq!(e["condition"], "item_not_found", "{e}");
    assert_eq!(
        e["message"], "the server refused the change: it was not found",
        "{e}"
    );
}
