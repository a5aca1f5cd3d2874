//! Contacts: subscription requests with a visible answer (never automatic),
//! roster changes from another device, blocking (XEP-0191) and our own
//! presence as contacts see it.

mod common;

use std::time::Duration;

use common::Prosody;
use common::headless::{Headless, alice_and_bob, chat_xml, online, roster_entry, two_devices};
use common::raw::RawClient;
use serde_json::{Value, json};

fn wait_roster(client: &mut Headless, jid: &str, pred: impl Fn(&Value) -> bool) -> Value {
    client.wait_for("roster entry", |v| {
        v["event"] == "roster" && roster_entry(v, jid).is_some_and(|c| pred(&c))
    });
    let last = client
        .seen
        .iter()
        .rev()
        .find(|v| v["event"] == "roster")
        .cloned()
        .unwrap_or_default();
    roster_entry(&last, jid).unwrap_or_default()
}

fn presence_of(client: &mut Headless, jid: &str, presence: &str) -> Option<Value> {
    client.try_wait_for(Duration::from_secs(10), &|v: &Value| {
        v["event"] == "presence" && v["jid"] == jid && v["presence"] == presence
    })
}

#[test]
fn subscription_requests_need_an_answer_and_presence_follows() {
    let server = Prosody::with_users(&[("alice", "apw"), ("bob", "bpw"), ("carol", "cpw")]);
    let (_a, mut alice) = online(&server, "a", "alice", "apw");
    let (_b, mut bob) = online(&server, "b", "bob", "bpw");
    let (_c, mut carol) = online(&server, "c", "carol", "cpw");

    alice.send(
        json!({"cmd":"add_contact","account":"a","jid":"bob@localhost",
        "name":"Bob","groups":["Work"],"preapprove":true}),
    );
    let entry = wait_roster(&mut alice, "bob@localhost", |c| c["name"] == "Bob");
    assert_eq!(entry["groups"], json!(["Work"]));
    bob.wait_for("request", |v| {
        v["event"] == "subscription_request" && v["jid"] == "alice@localhost"
    });
    // Nothing is accepted by itself.
    assert!(
        presence_of(&mut alice, "bob@localhost", "available").is_none(),
        "bob's presence was shared without his answer"
    );
    bob.send(
        json!({"cmd":"answer_subscription","account":"b","jid":"alice@localhost","accept":true}),
    );
    wait_roster(&mut alice, "bob@localhost", |c| c["subscription"] == "both");
    assert!(presence_of(&mut alice, "bob@localhost", "available").is_some());
    // Alice had pre-approved Bob: he was not asked to confirm anything.
    assert!(
        !alice
            .seen
            .iter()
            .any(|v| v["event"] == "subscription_request"),
        "pre-approval ignored"
    );

    // Bob sets his presence; Alice sees it. Then all accounts at once.
    bob.send(json!({"cmd":"set_presence","account":"b","presence":"away","status":"lunch"}));
    bob.wait_for("own", |v| {
        v["event"] == "own_presence" && v["presence"] == "away"
    });
    let away = presence_of(&mut alice, "bob@localhost", "away").expect("away shown");
    assert_eq!(away["status"], "lunch");
    bob.send(json!({"cmd":"set_presence","presence":"dnd"}));
    assert!(presence_of(&mut alice, "bob@localhost", "dnd").is_some());
    bob.send(json!({"cmd":"set_presence","presence":"offline"}));
    assert!(presence_of(&mut alice, "bob@localhost", "offline").is_some());

    // Carol asks Alice, who says no: Carol sees nothing.
    carol.send(json!({"cmd":"add_contact","account":"c","jid":"alice@localhost"}));
    alice.wait_for("request", |v| {
        v["event"] == "subscription_request" && v["jid"] == "carol@localhost"
    });
    alice.send(
        json!({"cmd":"answer_subscription","account":"a","jid":"carol@localhost","accept":false}),
    );
    let entry = wait_roster(&mut carol, "alice@localhost", |c| {
        c["subscription"] == "none"
    });
    assert_eq!(entry["subscription"], "none");
    assert!(presence_of(&mut carol, "alice@localhost", "available").is_none());
}

#[test]
fn a_rename_on_another_device_and_removal_reach_the_roster() {
    let server = Prosody::with_users(&[("alice", "apw"), ("bob", "bpw")]);
    let (dirs, mut laptop, mut phone) = two_devices(&server, "me", "alice", "apw");
    laptop.send(json!({"cmd":"add_contact","account":"me","jid":"bob@localhost","name":"Bob"}));
    wait_roster(&mut phone, "bob@localhost", |c| c["name"] == "Bob");
    phone.send(
        json!({"cmd":"update_contact","account":"me","jid":"bob@localhost",
        "name":"Bob B.","groups":["Friends"]}),
    );
    let entry = wait_roster(&mut laptop, "bob@localhost", |c| c["name"] == "Bob B.");
    assert_eq!(entry["groups"], json!(["Friends"]));

    // After a restart the roster is there (versioned fetch or full).
    assert!(laptop.quit().success());
    let mut laptop = Headless::start(dirs.0.path());
    laptop.wait_state("me", "online");
    wait_roster(&mut laptop, "bob@localhost", |c| c["name"] == "Bob B.");

    phone.send(json!({"cmd":"remove_contact","account":"me","jid":"bob@localhost"}));
    laptop.wait_for("removed", |v| {
        v["event"] == "roster" && roster_entry(v, "bob@localhost").is_none()
    });
}

#[test]
fn a_blocked_sender_never_reaches_the_store() {
    let server = Prosody::with_users(&[("alice", "apw"), ("bob", "bpw"), ("mallory", "mpw")]);
    let (dir, mut alice) = online(&server, "a", "alice", "apw");
    alice.wait_for("list", |v| v["event"] == "blocklist");
    alice.send(json!({"cmd":"block","account":"a","jid":"mallory@localhost"}));
    alice.wait_for("blocked", |v| {
        v["event"] == "blocklist" && v["jids"] == json!(["mallory@localhost"])
    });
    let mallory = RawClient::connect(&server, "mallory", "mpw");
    mallory.send_message_xml(&chat_xml("alice@localhost", "buy now"));
    let bob = RawClient::connect(&server, "bob", "bpw");
    bob.send_message_xml(&chat_xml("alice@localhost", "canary"));
    alice.wait_message("a", "canary");
    assert!(!alice.seen.iter().any(|v| v["body"] == "buy now"));
    assert!(alice.history("a", "mallory@localhost", 10).is_empty());

    // Kept across a restart; unblocking lets messages through again.
    assert!(alice.quit().success());
    let mut alice = Headless::start(dir.path());
    alice.wait_for("kept", |v| {
        v["event"] == "blocklist" && v["jids"] == json!(["mallory@localhost"])
    });
    alice.wait_state("a", "online");
    alice.send(json!({"cmd":"unblock","account":"a","jid":"mallory@localhost"}));
    alice.wait_for("unblocked", |v| {
        v["event"] == "blocklist" && v["jids"] == json!([])
    });
    mallory.send_message_xml(&chat_xml("alice@localhost", "hello again"));
    alice.wait_message("a", "hello again");
}

#[test]
fn a_contacts_idle_time_is_shown() {
    let server = Prosody::with_users(&[("alice", "apw"), ("dave", "dpw")]);
    let (_a, mut alice) = online(&server, "a", "alice", "apw");
    let full = alice.bound_jid();
    let dave = RawClient::connect(&server, "dave", "dpw");
    dave.send_xml(&format!(
        "<presence xmlns='jabber:client' to='{full}'><show>away</show>\
         <idle xmlns='urn:xmpp:idle:1' since='2026-01-02T03:04:05Z'/></presence>"
    ));
    let p = presence_of(&mut alice, "dave@localhost", "away").expect("presence");
    assert_eq!(p["idle_since"], "2026-01-02T03:04:05Z");
}

#[test]
fn idle_turns_into_away_with_the_idle_time_and_back() {
    use plausch::api::OwnPresence;
    use plausch::idle::{AutoAway, Level, presence_for};

    let server = Prosody::with_users(&[("alice", "apw"), ("bob", "bpw")]);
    let (_dirs, mut alice, mut bob) = alice_and_bob(&server);
    assert!(presence_of(&mut alice, "bob@localhost", "available").is_some());

    // The front-end's clock, moved by hand: ten minutes without use.
    let t0 = std::time::Instant::now();
    let last_use = chrono::DateTime::parse_from_rfc3339("2026-11-23T08:00:00Z")
        .expect("date")
        .to_utc();
    let mut idle = AutoAway::from_minutes(10, 30, t0, last_use);
    let chosen = OwnPresence {
        status: Some("at my desk".into()),
        ..OwnPresence::default()
    };
    let send = |bob: &mut Headless, p: OwnPresence| {
        let mut cmd = json!({"cmd":"set_presence","account":"b","presence":p.presence});
        if let Some(s) = p.status {
            cmd["status"] = json!(s);
        }
        if let Some(since) = p.idle_since {
            cmd["idle_since"] = json!(since);
        }
        bob.send(cmd);
    };
    assert_eq!(idle.tick(t0 + Duration::from_secs(9 * 60)), None);
    assert_eq!(
        idle.tick(t0 + Duration::from_secs(10 * 60)),
        Some(Level::Away)
    );
    send(
        &mut bob,
        presence_for(&chosen, idle.level(), idle.idle_since()),
    );
    let away = presence_of(&mut alice, "bob@localhost", "away").expect("away");
    assert_eq!(away["status"], "at my desk");
    assert_eq!(away["idle_since"], "2026-11-23T08:00:00Z");

    assert_eq!(
        idle.tick(t0 + Duration::from_secs(30 * 60)),
        Some(Level::ExtendedAway)
    );
    send(
        &mut bob,
        presence_for(&chosen, idle.level(), idle.idle_since()),
    );
    assert!(presence_of(&mut alice, "bob@localhost", "xa").is_some());

    // Back: available again, and no idle time any more.
    alice.forget_pending();
    let now = chrono::Utc::now();
    assert_eq!(
        idle.used(t0 + Duration::from_secs(31 * 60), now),
        Some(Level::Active)
    );
    send(
        &mut bob,
        presence_for(&chosen, idle.level(), idle.idle_since()),
    );
    let back = presence_of(&mut alice, "bob@localhost", "available").expect("back");
    assert!(back.get("idle_since").is_none(), "{back}");
}
