//! Conversation signals between real clients: read markers (and the user's
//! own read position synced across devices), corrections, replies,
//! reactions and retractions with their sender checks, and receipts asked
//! only of clients that can answer (XEP-0115 caps).

mod common;

use std::time::Duration;

use common::Prosody;
use common::headless::{Headless, account, chat_xml, online, two_devices, wait_unread};
use common::raw::RawClient;
use plausch::xmpp::caps;
use serde_json::{Value, json};
use tokio_xmpp::minidom::Element;

fn updated(client: &mut Headless, id: &str, pred: impl Fn(&Value) -> bool) -> Option<Value> {
    client.try_wait_for(Duration::from_secs(10), &|v: &Value| {
        v["event"] == "message_updated" && v["id"] == id && pred(v)
    })
}

#[test]
fn a_read_marker_from_my_other_device_clears_unread_and_tells_the_sender() {
    let server = Prosody::with_users(&[("alice", "apw"), ("bob", "bpw")]);
    let (dirs, mut laptop, mut phone) = two_devices(&server, "me", "alice", "apw");
    let (_b, mut bob) = online(&server, "bob", "bob", "bpw");
    for c in [&mut laptop, &mut phone] {
        c.wait_for("synced", |v| v["event"] == "archive_synced");
    }

    bob.send_message("bob", "alice@localhost", "lunch at noon?", "b1");
    laptop.wait_message("me", "lunch at noon?");
    phone.wait_message("me", "lunch at noon?");
    laptop.send(json!({"cmd":"conversations","account":"me"}));
    assert!(wait_unread(
        &mut laptop,
        "bob@localhost",
        1,
        Duration::from_secs(5)
    ));

    // Read on the phone: the laptop's unread goes away (carbon of the
    // marker), Bob sees his message read.
    phone.send(json!({"cmd":"mark_read","account":"me","with":"bob@localhost"}));
    assert!(
        wait_unread(&mut laptop, "bob@localhost", 0, Duration::from_secs(10)),
        "the phone's marker did not clear unread on the laptop"
    );
    assert!(
        bob.try_wait_for(Duration::from_secs(10), &|v: &Value| {
            v["event"] == "message_state" && v["ref"] == "b1" && v["state"] == "read"
        })
        .is_some(),
        "bob's message was not marked read"
    );

    // The laptop was away while the phone read the next one: the archive
    // brings the marker.
    assert!(laptop.quit().success());
    bob.send_message("bob", "alice@localhost", "still there?", "b2");
    phone.wait_message("me", "still there?");
    phone.send(json!({"cmd":"mark_read","account":"me","with":"bob@localhost"}));
    bob.wait_for("read b2", |v| {
        v["event"] == "message_state" && v["ref"] == "b2" && v["state"] == "read"
    });
    let mut laptop = Headless::start(dirs.0.path());
    laptop.wait_for("synced", |v| v["event"] == "archive_synced");
    laptop.send(json!({"cmd":"conversations","account":"me"}));
    assert!(
        wait_unread(&mut laptop, "bob@localhost", 0, Duration::from_secs(5)),
        "the archived marker did not clear unread"
    );

    // Read markers switched off on the phone: Bob learns nothing more.
    phone.send(json!({"cmd":"update_account","account":"me","send_read_markers":false}));
    phone.wait_for("updated", |v| v["event"] == "account_updated");
    bob.send_message("bob", "alice@localhost", "hello?", "b3");
    phone.wait_message("me", "hello?");
    laptop.wait_message("me", "hello?");
    phone.send(json!({"cmd":"mark_read","account":"me","with":"bob@localhost"}));
    assert!(wait_unread(
        &mut phone,
        "bob@localhost",
        0,
        Duration::from_secs(5)
    ));
    assert!(
        bob.try_wait_for(Duration::from_secs(3), &|v: &Value| {
            v["event"] == "message_state" && v["ref"] == "b3" && v["state"] == "read"
        })
        .is_none(),
        "a read marker went out although switched off"
    );
}

#[test]
fn corrections_replies_reactions_and_retractions_only_from_the_sender() {
    let server = Prosody::with_users(&[("alice", "apw"), ("bob", "bpw"), ("carol", "cpw")]);
    let (_a, mut alice) = online(&server, "a", "alice", "apw");
    let (_b, mut bob) = online(&server, "b", "bob", "bpw");
    alice.wait_for("synced", |v| v["event"] == "archive_synced");

    bob.send_message("b", "alice@localhost", "helo", "m1");
    let sent = bob.wait_message("b", "helo");
    let origin = sent["id"].as_str().unwrap().to_owned();
    let at_alice = alice.wait_message("a", "helo");
    let id = at_alice["id"].as_str().unwrap().to_owned();

    // Bob corrects: Alice sees the new text, the old one is kept.
    bob.send(json!({"cmd":"correct","account":"b","id":origin,"body":"hello"}));
    let fixed = updated(&mut alice, &id, |v| v["body"] == "hello").expect("correction shown");
    assert_eq!(fixed["edited"], true);
    assert_eq!(fixed["original_body"], "helo");

    // Others cannot: Bob's other resource (full JID differs), Carol (not
    // the sender) with a correction, a retraction and a reaction.
    let bob_raw = RawClient::connect(&server, "bob", "bpw");
    bob_raw.send_message_xml(&format!(
        "<message xmlns='jabber:client' type='chat' to='alice@localhost' id='x1'>\
         <body>forged</body><replace xmlns='urn:xmpp:message-correct:0' id='{origin}'/></message>"
    ));
    let carol = RawClient::connect(&server, "carol", "cpw");
    for payload in [
        format!("<body>evil</body><replace xmlns='urn:xmpp:message-correct:0' id='{origin}'/>"),
        format!("<retract xmlns='urn:xmpp:message-retract:1' id='{origin}'/>"),
        format!(
            "<reactions xmlns='urn:xmpp:reactions:0' id='{origin}'><reaction>💩</reaction></reactions>"
        ),
    ] {
        carol.send_message_xml(&format!(
            "<message xmlns='jabber:client' type='chat' to='alice@localhost'>{payload}</message>"
        ));
    }
    carol.send_message_xml(&chat_xml("alice@localhost", "canary"));
    alice.wait_message("a", "canary");
    let history = alice.history("a", "bob@localhost", 10);
    let stored = history.iter().find(|m| m["id"] == id.as_str()).unwrap();
    assert_eq!(stored["body"], "hello", "{history:#?}");
    assert!(stored.get("retracted").is_none() && stored.get("reactions").is_none());
    assert!(
        !alice
            .seen
            .iter()
            .any(|v| v["body"] == "forged" || v["body"] == "evil")
    );

    // Alice replies with a quote and reacts; Bob sees both.
    alice
        .send(json!({"cmd":"send","account":"a","to":"bob@localhost","body":"yes!","reply_to":id}));
    let reply = bob.wait_message("b", "yes!");
    assert_eq!(reply["reply_to"]["id"], origin.as_str(), "{reply:#?}");
    assert_eq!(reply["reply_to"]["body"], "hello");
    alice.send(json!({"cmd":"react","account":"a","id":id,"emojis":["👍"]}));
    let own = updated(&mut alice, &id, |v| v["reactions"][0]["own"] == true).unwrap();
    assert_eq!(own["reactions"][0]["emoji"], "👍");
    let theirs = updated(&mut bob, &origin, |v| v["reactions"][0]["count"] == 1).unwrap();
    assert_eq!(theirs["reactions"][0]["emoji"], "👍");
    assert!(theirs["reactions"][0].get("own").is_none());

    // Bob retracts: the text is gone at Alice's.
    bob.send(json!({"cmd":"retract","account":"b","id":origin}));
    let gone = updated(&mut alice, &id, |v| v["retracted"] == true).expect("retraction shown");
    assert_eq!(gone["body"], "");
    assert!(!alice.seen.iter().any(|v| {
        v["event"] == "message"
            && v["body"]
                .as_str()
                .is_some_and(|b| b.contains("attempted to retract"))
    }));
}

#[test]
fn receipts_are_requested_only_from_clients_that_can_answer() {
    let server = Prosody::with_users(&[("alice", "apw"), ("dave", "dpw")]);
    let (_a, mut alice) = online(&server, "a", "alice", "apw");
    alice.wait_for("synced", |v| v["event"] == "archive_synced");
    let alice_full = alice.bound_jid();
    let mut dave = RawClient::connect(&server, "dave", "dpw");
    // Available, so messages to the bare JID reach this client.
    dave.send_xml("<presence xmlns='jabber:client'/>");

    let announce = |dave: &mut RawClient, receipts: bool| {
        let offer = caps::Offer {
            receipts,
            typing: false,
            read_markers: false,
            omemo: false,
        };
        let c = caps::own_caps(offer).unwrap();
        let xml = to_xml(&Element::from(c));
        dave.send_xml(&format!(
            "<presence xmlns='jabber:client' to='{alice_full}'>{xml}</presence>"
        ));
        let query = dave
            .wait_stanza(Duration::from_secs(10), |e| {
                e.name() == "iq" && e.has_child("query", "http://jabber.org/protocol/disco#info")
            })
            .expect("alice asks what dave's client can do");
        let node = query
            .get_child("query", "http://jabber.org/protocol/disco#info")
            .and_then(|q| q.attr("node"))
            .map(str::to_owned);
        let body = to_xml(&Element::from(caps::own_disco(offer, node)));
        dave.send_xml(&format!(
            "<iq xmlns='jabber:client' type='result' to='{alice_full}' id='{}'>{body}</iq>",
            query.attr("id").unwrap_or_default()
        ));
        std::thread::sleep(Duration::from_millis(500));
    };
    let asks_receipt = |dave: &mut RawClient, alice: &mut Headless, body: &str| {
        alice.send_message("a", "dave@localhost", body, body);
        let msg = dave
            .wait_stanza(Duration::from_secs(10), |e| {
                e.name() == "message"
                    && e.get_child("body", "jabber:client")
                        .is_some_and(|b| b.text() == body)
            })
            .expect("message reaches dave");
        msg.has_child("request", "urn:xmpp:receipts")
    };

    announce(&mut dave, false);
    assert!(!asks_receipt(&mut dave, &mut alice, "no receipts here"));
    announce(&mut dave, true);
    assert!(asks_receipt(&mut dave, &mut alice, "receipts please"));
}

fn to_xml(el: &Element) -> String {
    let mut buf = Vec::new();
    el.write_to(&mut buf).expect("serializes");
    String::from_utf8(buf).expect("utf-8")
}

#[test]
fn queued_messages_can_be_corrected_and_retracted_offline() {
    let server = Prosody::with_users(&[("alice", "apw"), ("bob", "bpw")]);
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("pw");
    let mut spec = account(&server, "a", "alice", "apw");
    // No password yet: the account stays offline and the message waits.
    spec["password_command"] = json!(format!("cat '{}'", secret.display()));
    let mut alice = Headless::start(dir.path());
    alice.add_account(spec);
    alice.wait_state("a", "offline");
    alice.send(
        json!({"cmd":"send","account":"a","to":"bob@localhost","body":"see you at 9","ref":"q"}),
    );
    let queued = alice.wait_for("queued", |v| v["event"] == "message" && v["ref"] == "q");
    let id = queued["id"].as_str().unwrap().to_owned();
    alice.send(json!({"cmd":"correct","account":"a","id":id,"body":"see you at 10"}));
    let fixed =
        updated(&mut alice, &id, |v| v["body"] == "see you at 10").expect("changed offline");
    assert_eq!(fixed["state"], "queued");
    alice.send(json!({"cmd":"send","account":"a","to":"bob@localhost","body":"oops, wrong chat","ref":"w"}));
    let wrong = alice.wait_for("queued", |v| v["event"] == "message" && v["ref"] == "w");
    let wrong = wrong["id"].as_str().unwrap().to_owned();
    alice.send(json!({"cmd":"retract","account":"a","id":wrong}));
    updated(&mut alice, &wrong, |v| v["retracted"] == true).expect("taken out offline");

    let (_b, mut bob) = online(&server, "b", "bob", "bpw");
    std::fs::write(&secret, "apw").unwrap();
    alice.send(json!({"cmd":"reconnect","account":"a"}));
    alice.wait_state("a", "online");
    bob.wait_message("b", "see you at 10");
    std::thread::sleep(Duration::from_millis(500));
    let history = bob.history("b", "alice@localhost", 10);
    assert_eq!(
        history.len(),
        1,
        "the retracted one never went out: {history:#?}"
    );
    assert!(
        history[0].get("edited").is_none(),
        "no correction stanza was needed"
    );
}
