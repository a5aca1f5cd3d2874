//! Group chats against a real Prosody with its MUC component: a
//! members-only room created by Alice, with Bob as member and Carol
//! outside; chat both ways stored once, mentions, nickname conflicts,
//! removal, kick and destruction, history after a reconnect, bookmarks
//! that autojoin on a second device, and spoofed groupchat messages.

mod common;

use std::time::Duration;

use common::Prosody;
use common::headless::{Headless, account, bodies, online};
use common::raw::RawClient;
use serde_json::{Value, json};

fn room_jid(server: &Prosody, name: &str) -> String {
    format!("{name}@{}", server.muc_domain())
}

fn wait_joined(c: &mut Headless, id: &str, room: &str) -> Value {
    c.wait_for(&format!("{id} joined {room}"), |v| {
        v["event"] == "room_joined" && v["account"] == id && v["room"] == room
    })
}

fn wait_muc_error(c: &mut Headless, room: &str) -> Value {
    c.wait_for(&format!("muc_error {room}"), |v| {
        v["event"] == "muc_error" && v["room"] == room
    })
}

fn wait_left(c: &mut Headless, room: &str, reason: &str) -> Value {
    c.wait_for(&format!("room_left {reason}"), |v| {
        v["event"] == "room_left" && v["room"] == room && v["reason"] == reason
    })
}

fn send_to_room(c: &mut Headless, id: &str, room: &str, body: &str, reference: &str) {
    c.send(json!({"cmd":"send","account":id,"to":room,"body":body,"ref":reference}));
}

/// The room's history, newest page of up to 50 messages.
fn room_history(c: &mut Headless, id: &str, room: &str) -> Vec<Value> {
    c.forget_pending();
    c.send(json!({"cmd":"history","account":id,"with":room,"limit":50}));
    let v = c.wait_for("history", |v| v["event"] == "history" && v["with"] == room);
    v["messages"].as_array().cloned().unwrap_or_default()
}

fn count(history: &[Value], body: &str) -> usize {
    bodies(history).iter().filter(|b| *b == body).count()
}

/// Alice creates `name` as members-only with `members`.
fn create_room(alice: &mut Headless, room: &str, members: &[&str]) {
    alice.send(json!({
        "cmd":"create_room","account":"a","room":room,"name":"Team","members":members
    }));
    let joined = wait_joined(alice, "a", room);
    assert_eq!(joined["created"], true, "{joined}");
}

#[test]
fn members_only_room_chat_mentions_conflicts_removal_kick_and_destroy() {
    let server = Prosody::with_users(&[("alice", "apw"), ("bob", "bpw"), ("carol", "cpw")]);
    let room = room_jid(&server, "team");
    let (_a, mut alice) = online(&server, "a", "alice", "apw");
    let (_b, mut bob) = online(&server, "b", "bob", "bpw");
    let (_c, mut carol) = online(&server, "c", "carol", "cpw");
    create_room(&mut alice, &room, &["bob@localhost"]);

    // Carol is not a member: she cannot get in.
    carol.send(json!({"cmd":"join_room","account":"c","room":room}));
    let err = wait_muc_error(&mut carol, &room);
    assert_eq!(err["condition"], "registration_required", "{err}");

    // Bob is: he joins and both see each other.
    bob.send(json!({"cmd":"join_room","account":"b","room":room,"nick":"bob"}));
    let joined = wait_joined(&mut bob, "b", &room);
    assert_eq!(joined["nick"], "bob");
    let nicks: Vec<&str> = joined["occupants"]
        .as_array()
        .map(|o| o.iter().filter_map(|x| x["nick"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        nicks.contains(&"alice") && nicks.contains(&"bob"),
        "{joined}"
    );
    alice.wait_for("bob arrives", |v| {
        v["event"] == "occupant" && v["room"] == room && v["nick"] == "bob"
    });

    // Alice writes, naming Bob: Bob's copy is a mention; Alice's own echo
    // marks hers delivered and adds no second row.
    send_to_room(&mut alice, "a", &room, "hello Bob, welcome!", "m1");
    let at_bob = bob.wait_for("alice's message", |v| {
        v["event"] == "message" && v["body"] == "hello Bob, welcome!"
    });
    assert_eq!(at_bob["mention"], true, "{at_bob}");
    assert_eq!(at_bob["with"], room.as_str());
    assert_eq!(at_bob["sender"], format!("{room}/alice"));
    alice.wait_for("delivered", |v| {
        v["event"] == "message_state" && v["ref"] == "m1" && v["state"] == "delivered"
    });
    // Bob answers without naming anyone.
    send_to_room(&mut bob, "b", &room, "thanks, all", "m2");
    let at_alice = alice.wait_for("bob's message", |v| {
        v["event"] == "message" && v["body"] == "thanks, all"
    });
    assert!(at_alice.get("mention").is_none(), "{at_alice}");
    bob.wait_for("delivered", |v| {
        v["event"] == "message_state" && v["ref"] == "m2" && v["state"] == "delivered"
    });
    std::thread::sleep(Duration::from_millis(500));
    for (c, id) in [(&mut alice, "a"), (&mut bob, "b")] {
        let h = room_history(c, id, &room);
        assert_eq!(
            count(&h, "hello Bob, welcome!"),
            1,
            "{id}: {:?}",
            bodies(&h)
        );
        assert_eq!(count(&h, "thanks, all"), 1, "{id}: {:?}", bodies(&h));
    }
    // The conversation is a room.
    bob.send(json!({"cmd":"conversations","account":"b"}));
    let list = bob.wait_for("conversations", |v| v["event"] == "conversations");
    assert!(
        list["conversations"].as_array().is_some_and(|l| l
            .iter()
            .any(|c| c["with"] == room.as_str() && c["kind"] == "room")),
        "{list}"
    );

    // A groupchat message from someone who is not a room is dropped.
    let raw = RawClient::connect(&server, "carol", "cpw");
    raw.send_message_xml(
        "<message xmlns='jabber:client' type='groupchat' to='bob@localhost'><body>spoofed</body></message>",
    );

    // Carol becomes a member and joins as "bob": the nick is taken, she
    // gets "bob_".
    alice.send(json!({"cmd":"set_affiliation","account":"a","room":room,"jid":"carol@localhost","affiliation":"member"}));
    std::thread::sleep(Duration::from_millis(500));
    carol.send(json!({"cmd":"join_room","account":"c","room":room,"nick":"bob"}));
    let joined = wait_joined(&mut carol, "c", &room);
    assert_eq!(joined["nick"], "bob_", "{joined}");

    // Bob is removed from the member list: out, and he cannot come back.
    alice.send(json!({"cmd":"set_affiliation","account":"a","room":room,"jid":"bob@localhost","affiliation":"none"}));
    wait_left(&mut bob, &room, "removed");
    bob.forget_pending();
    bob.send(json!({"cmd":"join_room","account":"b","room":room}));
    let err = wait_muc_error(&mut bob, &room);
    assert_eq!(err["condition"], "registration_required", "{err}");
    assert!(
        !bob.seen.iter().any(|v| v["body"] == "spoofed"),
        "a spoofed groupchat message was shown"
    );

    // Carol is kicked (role none), comes back, and the room is destroyed.
    alice.send(json!({"cmd":"set_role","account":"a","room":room,"nick":"bob_","role":"none","reason":"test"}));
    let kicked = wait_left(&mut carol, &room, "kicked");
    assert_eq!(kicked["text"], "test", "{kicked}");
    carol.send(json!({"cmd":"join_room","account":"c","room":room,"nick":"carol"}));
    wait_joined(&mut carol, "c", &room);
    alice.send(json!({"cmd":"destroy_room","account":"a","room":room,"reason":"done"}));
    wait_left(&mut carol, &room, "destroyed");
}

#[test]
fn room_history_after_a_reconnect_arrives_once() {
    let server = Prosody::with_users(&[("alice", "apw"), ("bob", "bpw")]);
    let room = room_jid(&server, "history");
    let (_a, mut alice) = online(&server, "a", "alice", "apw");
    let (b_dir, mut bob) = online(&server, "b", "bob", "bpw");
    create_room(&mut alice, &room, &["bob@localhost"]);
    bob.send(json!({"cmd":"join_room","account":"b","room":room}));
    wait_joined(&mut bob, "b", &room);
    send_to_room(&mut alice, "a", &room, "before", "h1");
    bob.wait_for("before", |v| {
        v["event"] == "message" && v["body"] == "before"
    });

    // Bob goes away; Alice writes; Bob comes back (autojoin from his
    // bookmark) and catches up from the room archive.
    assert!(bob.quit().success());
    alice.wait_for("bob leaves", |v| {
        v["event"] == "occupant" && v["nick"] == "bob" && v["left"] == true
    });
    send_to_room(&mut alice, "a", &room, "while away 1", "h2");
    send_to_room(&mut alice, "a", &room, "while away 2", "h3");
    alice.wait_for("delivered", |v| {
        v["event"] == "message_state" && v["ref"] == "h3" && v["state"] == "delivered"
    });
    let mut bob = Headless::start(b_dir.path());
    wait_joined(&mut bob, "b", &room);
    bob.wait_for("caught up", |v| {
        v["event"] == "message" && v["body"] == "while away 2"
    });
    // Live after the catch-up, then nothing twice.
    send_to_room(&mut alice, "a", &room, "after", "h4");
    bob.wait_for("after", |v| v["event"] == "message" && v["body"] == "after");
    std::thread::sleep(Duration::from_secs(1));
    let h = room_history(&mut bob, "b", &room);
    assert_eq!(
        bodies(&h),
        vec!["before", "while away 1", "while away 2", "after"],
        "each message once, in order"
    );
    let shown = bob
        .seen
        .iter()
        .filter(|v| v["event"] == "message" && v["body"] == "while away 1")
        .count();
    assert_eq!(shown, 1, "announced once");
}

#[test]
fn bookmarks_autojoin_on_a_second_device_and_follow_live() {
    let server = Prosody::with_users(&[("alice", "apw")]);
    let room = room_jid(&server, "bookmarked");
    let second = room_jid(&server, "second");
    let (_a, mut laptop) = online(&server, "a", "alice", "apw");
    create_room(&mut laptop, &room, &[]);
    // Give the bookmark a moment to be stored before the phone asks.
    laptop.send(json!({"cmd":"rooms","account":"a"}));
    laptop.wait_for("rooms", |v| v["event"] == "rooms");
    std::thread::sleep(Duration::from_secs(1));

    let phone_dir = tempfile::tempdir().expect("temp profile");
    let mut phone = Headless::start(phone_dir.path());
    phone.add_account(account(&server, "a", "alice", "apw"));
    wait_joined(&mut phone, "a", &room);

    // A room joined on the laptop while the phone is online: joined there
    // too; left on the laptop: left there too.
    laptop.send(json!({"cmd":"create_room","account":"a","room":second}));
    wait_joined(&mut laptop, "a", &second);
    wait_joined(&mut phone, "a", &second);
    laptop.send(json!({"cmd":"leave_room","account":"a","room":second}));
    wait_left(&mut phone, &second, "left");
    phone.send(json!({"cmd":"rooms","account":"a"}));
    let rooms = phone.wait_for("rooms", |v| v["event"] == "rooms");
    let entry = rooms["rooms"]
        .as_array()
        .and_then(|l| l.iter().find(|r| r["jid"] == second.as_str()).cloned())
        .unwrap_or_default();
    assert_eq!(entry["autojoin"], false, "{rooms}");
    assert_eq!(entry["joined"], false, "{rooms}");

    // The notification setting is stored per room.
    phone.send(json!({"cmd":"room_notify","account":"a","room":room,"mode":"all"}));
    let rooms = phone.wait_for("rooms", |v| {
        v["event"] == "rooms"
            && v["rooms"].as_array().is_some_and(|l| {
                l.iter()
                    .any(|r| r["jid"] == room.as_str() && r["notify"] == "all")
            })
    });
    assert!(rooms["rooms"].is_array());
}
