//! Group chats against a real Prosody with its MUC component: a
//! members-only room created by Alice, with Bob as member and Carol
//! outside; chat both ways stored once, mentions, nickname conflicts,
//! removal, kick and destruction, history after a reconnect, bookmarks
//! that autojoin on a second device, and spoofed groupchat messages;
//! typing, invitations, subject and role changes, private messages and a
//! ban; corrections, reactions and retractions scoped by occupant, spoofed
//! moderation; the self-ping rejoin after the room forgot us.

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

    // The owner sees the whole member list, also Bob, who is not in yet.
    alice.send(json!({"cmd":"room_members","account":"a","room":room}));
    let list = alice.wait_for("room_members", |v| v["event"] == "room_members");
    assert_eq!(
        list["members"],
        json!([
            {"jid":"alice@localhost","affiliation":"owner"},
            {"jid":"bob@localhost","affiliation":"member"}
        ]),
        "{list}"
    );

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
    // In a members-only room Prosody shows the list to members too.
    bob.send(json!({"cmd":"room_members","account":"b","room":room}));
    let seen = bob.wait_for("room_members", |v| v["event"] == "room_members");
    assert_eq!(seen["members"], list["members"], "{seen}");

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
fn older_room_history_is_paged_from_the_room_archive() {
    let server = Prosody::with_users(&[("alice", "apw"), ("bob", "bpw")]);
    let room = room_jid(&server, "long");
    let (_a, mut alice) = online(&server, "a", "alice", "apw");
    create_room(&mut alice, &room, &["bob@localhost"]);
    for i in 0..130 {
        send_to_room(
            &mut alice,
            "a",
            &room,
            &format!("r{i:03}"),
            &format!("r{i}"),
        );
    }
    alice.wait_for("last delivered", |v| {
        v["event"] == "message_state" && v["ref"] == "r129" && v["state"] == "delivered"
    });

    // Bob joins for the first time: the newest page comes from the archive,
    // the rest when he scrolls back, in order, once, with the start marked.
    let (_b, mut bob) = online(&server, "b", "bob", "bpw");
    bob.send(json!({"cmd":"join_room","account":"b","room":room}));
    wait_joined(&mut bob, "b", &room);
    bob.wait_for("newest", |v| v["event"] == "message" && v["body"] == "r129");
    let history = bob.full_history("b", &room);
    let expected: Vec<String> = (0..130).map(|i| format!("r{i:03}")).collect();
    assert_eq!(bodies(&history), expected);
    let last_page = bob.last_history();
    assert_eq!(
        last_page["complete"], true,
        "the room archive's start is reported"
    );
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

fn unread_in(v: &Value, room: &str) -> Option<u64> {
    v["conversations"]
        .as_array()?
        .iter()
        .find(|c| c["with"] == room)?["unread"]
        .as_u64()
}

fn wait_unread(c: &mut Headless, room: &str, n: u64, within: Duration) -> bool {
    c.try_wait_for(within, &|v: &Value| {
        v["event"] == "conversations" && unread_in(v, room) == Some(n)
    })
    .is_some()
}

#[test]
fn read_position_in_a_members_only_room_reaches_my_other_device() {
    let server = Prosody::with_users(&[("alice", "apw"), ("bob", "bpw")]);
    let team = room_jid(&server, "circle");
    let open = room_jid(&server, "lobby");
    let (_a, mut laptop) = online(&server, "a", "alice", "apw");
    let (_b, mut bob) = online(&server, "b", "bob", "bpw");
    create_room(&mut laptop, &team, &["bob@localhost"]);
    laptop.send(json!({"cmd":"join_room","account":"a","room":open}));
    wait_joined(&mut laptop, "a", &open);
    std::thread::sleep(Duration::from_secs(1));
    let phone_dir = tempfile::tempdir().expect("temp profile");
    let mut phone = Headless::start(phone_dir.path());
    phone.add_account(account(&server, "a", "alice", "apw"));
    wait_joined(&mut phone, "a", &team);
    wait_joined(&mut phone, "a", &open);
    for room in [&team, &open] {
        bob.send(json!({"cmd":"join_room","account":"b","room":room,"nick":"bob"}));
        wait_joined(&mut bob, "b", room);
        send_to_room(&mut bob, "b", room, &format!("news in {room}"), "n");
        for device in [&mut laptop, &mut phone] {
            device.wait_message("a", &format!("news in {room}"));
        }
    }

    // Read on the laptop: the phone's unread in the members-only room goes.
    phone.send(json!({"cmd":"conversations","account":"a"}));
    assert!(wait_unread(&mut phone, &team, 1, Duration::from_secs(5)));
    laptop.send(json!({"cmd":"mark_read","account":"a","with":team}));
    assert!(
        wait_unread(&mut phone, &team, 0, Duration::from_secs(10)),
        "the laptop's read marker did not reach the phone"
    );

    // In an open room no marker goes out (strangers would get it); the
    // phone learns the read position from our own PEP node (XEP-0490),
    // which only our devices can read.
    laptop.send(json!({"cmd":"console","account":"a","enabled":true}));
    laptop.send(json!({"cmd":"mark_read","account":"a","with":open}));
    assert!(wait_unread(&mut laptop, &open, 0, Duration::from_secs(5)));
    laptop.wait_for("the read position published", |v| {
        v["event"] == "console"
            && v["direction"] == "out"
            && v["xml"]
                .as_str()
                .is_some_and(|x| x.contains("urn:xmpp:mds:displayed:0"))
    });
    assert!(
        wait_unread(&mut phone, &open, 0, Duration::from_secs(10)),
        "the read position (XEP-0490) did not reach the phone"
    );
    laptop.try_wait_for(Duration::from_secs(1), &|_| false);
    let marker_to_open = laptop.seen.iter().any(|v| {
        v["event"] == "console"
            && v["direction"] == "out"
            && v["xml"]
                .as_str()
                .is_some_and(|x| x.contains("urn:xmpp:chat-markers:0") && x.contains(open.as_str()))
    });
    assert!(!marker_to_open, "a read marker went into an open room");
    // The marker is a signal, not a message.
    assert_eq!(count(&room_history(&mut bob, "b", &team), ""), 0);
}

fn occupant_event(
    c: &mut Headless,
    room: &str,
    nick: &str,
    pred: impl Fn(&Value) -> bool,
) -> Value {
    c.wait_for(&format!("occupant {nick}"), |v| {
        v["event"] == "occupant" && v["room"] == room && v["nick"] == nick && pred(v)
    })
}

#[test]
fn typing_invitation_subject_roles_private_messages_and_ban() {
    let server = Prosody::with_users(&[("alice", "apw"), ("bob", "bpw"), ("carol", "cpw")]);
    let room = room_jid(&server, "office");
    let (_a, mut alice) = online(&server, "a", "alice", "apw");
    let (_b, mut bob) = online(&server, "b", "bob", "bpw");
    let (_c, mut carol) = online(&server, "c", "carol", "cpw");
    create_room(&mut alice, &room, &["bob@localhost", "carol@localhost"]);
    bob.send(json!({"cmd":"join_room","account":"b","room":room,"nick":"bob"}));
    wait_joined(&mut bob, "b", &room);

    // Invited, Carol joins from the invitation.
    alice.send(json!({"cmd":"invite","account":"a","room":room,"jid":"carol@localhost","reason":"standup"}));
    let invitation = carol.wait_for("invitation", |v| v["event"] == "invitation");
    assert_eq!(invitation["room"], room.as_str(), "{invitation}");
    assert_eq!(invitation["from"], "alice@localhost", "{invitation}");
    carol.send(json!({"cmd":"join_room","account":"c","room":room,"nick":"carol"}));
    wait_joined(&mut carol, "c", &room);

    // Typing reaches the others with the nick; switched off, nothing goes out.
    alice.send(json!({"cmd":"chat_state","account":"a","with":room,"state":"composing"}));
    let typing = bob.wait_for("alice types", |v| {
        v["event"] == "chat_state" && v["with"] == room.as_str() && v["state"] == "composing"
    });
    assert_eq!(typing["nick"], "alice", "{typing}");
    alice.send(json!({"cmd":"update_account","account":"a","send_typing":false}));
    alice.wait_for("updated", |v| v["event"] == "account_updated");
    alice.send(json!({"cmd":"chat_state","account":"a","with":room,"state":"paused"}));
    assert!(
        bob.try_wait_for(Duration::from_secs(3), &|v: &Value| {
            v["event"] == "chat_state" && v["state"] == "paused"
        })
        .is_none(),
        "a chat state went out although switched off"
    );

    // A new subject is seen by everyone, with who set it.
    alice.send(json!({"cmd":"set_subject","account":"a","room":room,"subject":"Plans for May"}));
    for c in [&mut bob, &mut carol] {
        let subject = c.wait_for("subject", |v| {
            v["event"] == "subject" && v["subject"] == "Plans for May"
        });
        assert_eq!(subject["by"], "alice", "{subject}");
    }

    // Carol is made moderator: the others see her new role.
    alice.send(
        json!({"cmd":"set_role","account":"a","room":room,"nick":"carol","role":"moderator"}),
    );
    let changed = occupant_event(&mut bob, &room, "carol", |v| v["role"] == "moderator");
    assert!(changed.get("left").is_none(), "{changed}");

    // Private messages both ways, each in the occupant's own conversation.
    let to_alice = format!("{room}/alice");
    let to_bob = format!("{room}/bob");
    bob.send(json!({"cmd":"send","account":"b","to":to_alice,"body":"psst, alice","ref":"p1"}));
    let got = alice.wait_message("a", "psst, alice");
    assert_eq!(got["with"], to_bob.as_str(), "{got}");
    assert_eq!(got["sender"], to_bob.as_str(), "{got}");
    assert_eq!(got["direction"], "in");
    bob.wait_for("acked", |v| {
        v["event"] == "message_state" && v["ref"] == "p1" && v["state"] == "acked"
    });
    alice.send(json!({"cmd":"send","account":"a","to":to_bob,"body":"yes, bob?","ref":"p2"}));
    let answer = bob.wait_message("b", "yes, bob?");
    assert_eq!(answer["with"], to_alice.as_str(), "{answer}");
    alice.send(json!({"cmd":"conversations","account":"a"}));
    let list = alice.wait_for("conversations", |v| {
        v["event"] == "conversations"
            && v["conversations"]
                .as_array()
                .is_some_and(|l| l.iter().any(|c| c["with"] == to_bob.as_str()))
    });
    let private = list["conversations"]
        .as_array()
        .and_then(|l| l.iter().find(|c| c["with"] == to_bob.as_str()).cloned())
        .unwrap_or_default();
    assert_eq!(private["kind"], "private", "{list}");
    let h = room_history(&mut alice, "a", &room);
    assert_eq!(count(&h, "psst, alice"), 0, "{:?}", bodies(&h));
    assert_eq!(alice.history("a", &to_bob, 10).len(), 2);
    // Nobody of that nick: the room refuses, the message fails.
    bob.send(json!({"cmd":"send","account":"b","to":format!("{room}/nobody"),"body":"hello?","ref":"p3"}));
    bob.wait_for("failed", |v| {
        v["event"] == "message_state" && v["ref"] == "p3" && v["state"] == "failed"
    });

    // Carol is banned: out, and she cannot come back.
    alice.send(json!({"cmd":"set_affiliation","account":"a","room":room,"jid":"carol@localhost","affiliation":"outcast","reason":"enough"}));
    wait_left(&mut carol, &room, "banned");
    carol.forget_pending();
    carol.send(json!({"cmd":"join_room","account":"c","room":room,"nick":"carol"}));
    let err = wait_muc_error(&mut carol, &room);
    // Prosody checks the member list before the ban list: an outcast is
    // no member either.
    assert!(
        err["condition"] == "forbidden" || err["condition"] == "registration_required",
        "{err}"
    );
    assert!(
        carol
            .try_wait_for(Duration::from_secs(2), &|v: &Value| v["event"]
                == "room_joined")
            .is_none()
    );
}

/// The first `<stanza-id/>` the room set on a message.
fn room_stanza_id(el: &tokio_xmpp::minidom::Element, room: &str) -> String {
    el.children()
        .find(|c| c.is("stanza-id", "urn:xmpp:sid:0") && c.attr("by") == Some(room))
        .and_then(|c| c.attr("id"))
        .expect("the room's stanza-id")
        .to_owned()
}

fn groupchat_xml(room: &str, inner: &str) -> String {
    format!("<message xmlns='jabber:client' type='groupchat' to='{room}'>{inner}</message>")
}

#[test]
fn signals_in_a_room_count_only_from_the_same_occupant() {
    let server = Prosody::with_users(&[("alice", "apw"), ("bob", "bpw"), ("carol", "cpw")]);
    let room = room_jid(&server, "signals");
    let (_a, mut alice) = online(&server, "a", "alice", "apw");
    let (_b, mut bob) = online(&server, "b", "bob", "bpw");
    create_room(&mut alice, &room, &["bob@localhost", "carol@localhost"]);
    bob.send(json!({"cmd":"join_room","account":"b","room":room,"nick":"bob"}));
    wait_joined(&mut bob, "b", &room);
    // Carol reads plain text only: Bob writes unencrypted here (alice has
    // OMEMO, which would encrypt the group by default).
    bob.send(json!({"cmd":"encryption","account":"b","with":room,"enabled":false}));
    bob.wait_for("the group in plain text", |v| {
        v["event"] == "encryption" && v["with"] == room.as_str() && v["enabled"] == false
    });
    // Carol is a bare client in the room: she sends what Plausch never would.
    let mut carol = RawClient::connect(&server, "carol", "cpw");
    carol.send_xml(&format!(
        "<presence xmlns='jabber:client' to='{room}/carol'>\
         <x xmlns='http://jabber.org/protocol/muc'><history maxstanzas='0'/></x></presence>"
    ));
    alice.wait_for("carol arrives", |v| {
        v["event"] == "occupant" && v["nick"] == "carol"
    });

    send_to_room(&mut bob, "b", &room, "helo", "s1");
    let own = bob.wait_for("own", |v| v["event"] == "message" && v["ref"] == "s1");
    let bob_id = own["id"].as_str().unwrap_or_default().to_owned();
    bob.wait_for("delivered", |v| {
        v["event"] == "message_state" && v["ref"] == "s1" && v["state"] == "delivered"
    });
    let at_alice = alice.wait_message("a", "helo");
    let id = at_alice["id"].as_str().unwrap_or_default().to_owned();
    let relayed = carol
        .wait_stanza(Duration::from_secs(10), |e| {
            e.name() == "message"
                && e.get_child("body", "jabber:client")
                    .is_some_and(|b| b.text() == "helo")
        })
        .expect("carol gets bob's message");
    let sid = room_stanza_id(&relayed, &room);

    // Bob corrects his message: Alice sees the new text.
    bob.send(json!({"cmd":"correct","account":"b","id":bob_id,"body":"hello"}));
    let fixed = alice.wait_for("correction", |v| {
        v["event"] == "message_updated" && v["id"] == id.as_str() && v["body"] == "hello"
    });
    assert_eq!(fixed["original_body"], "helo", "{fixed}");

    // Carol cannot correct or retract it (by the room's id or Bob's own),
    // and her claims to be a moderator are dropped whole.
    for reference in [sid.as_str(), bob_id.as_str()] {
        carol.send_xml(&groupchat_xml(
            &room,
            &format!(
                "<body>evil</body><replace xmlns='urn:xmpp:message-correct:0' id='{reference}'/>"
            ),
        ));
        carol.send_xml(&groupchat_xml(
            &room,
            &format!("<retract xmlns='urn:xmpp:message-retract:1' id='{reference}'/>"),
        ));
    }
    carol.send_xml(&groupchat_xml(
        &room,
        &format!(
            "<body>moderated (fallback)</body><retract xmlns='urn:xmpp:message-retract:1' id='{sid}'>\
             <moderated xmlns='urn:xmpp:message-moderate:1' by='{room}/alice'/></retract>"
        ),
    ));
    carol.send_xml(&groupchat_xml(
        &room,
        &format!(
            "<body>moderated (fallback)</body><apply-to xmlns='urn:xmpp:fasten:0' id='{sid}'>\
             <moderated xmlns='urn:xmpp:message-moderate:0' by='{room}/alice'>\
             <retract xmlns='urn:xmpp:message-retract:0'/></moderated></apply-to>"
        ),
    ));
    // Her reaction is hers; Alice's is Alice's (and Bob sees it).
    carol.send_xml(&groupchat_xml(
        &room,
        &format!(
            "<reactions xmlns='urn:xmpp:reactions:0' id='{sid}'><reaction>👎</reaction></reactions>"
        ),
    ));
    alice.send(json!({"cmd":"react","account":"a","id":id,"emojis":["👍"]}));
    let theirs = bob.wait_for("reactions at bob", |v| {
        v["event"] == "message_updated"
            && v["id"] == bob_id.as_str()
            && v["reactions"].as_array().is_some_and(|r| r.len() == 2)
    });
    assert!(
        theirs["reactions"]
            .as_array()
            .is_some_and(|r| r.iter().all(|x| x["count"] == 1 && x.get("own").is_none())),
        "{theirs}"
    );
    carol.send_xml(&groupchat_xml(&room, "<body>canary</body>"));
    alice.wait_message("a", "canary");
    let h = room_history(&mut alice, "a", &room);
    let stored = h
        .iter()
        .find(|m| m["id"] == id.as_str())
        .cloned()
        .unwrap_or_default();
    assert_eq!(stored["body"], "hello", "{stored}");
    assert!(stored.get("retracted").is_none(), "{stored}");
    let reactions = stored["reactions"].as_array().cloned().unwrap_or_default();
    assert_eq!(reactions.len(), 2, "{stored}");
    assert!(
        reactions
            .iter()
            .any(|r| r["emoji"] == "👍" && r["own"] == true),
        "{stored}"
    );
    assert!(
        !alice.seen.iter().any(|v| {
            v["body"] == "evil"
                || v["body"]
                    .as_str()
                    .is_some_and(|b| b.contains("moderated") || b.contains("retract"))
        }),
        "a forged signal was shown"
    );

    // Alice replies: the reply names Bob's message by the room's stanza-id
    // and his occupant JID (XEP-0461), Bob sees the quote.
    alice.send(json!({"cmd":"send","account":"a","to":room,"body":"agreed","reply_to":id}));
    let reply = bob.wait_message("b", "agreed");
    assert_eq!(reply["reply_to"]["id"], bob_id.as_str(), "{reply}");
    assert_eq!(reply["reply_to"]["body"], "hello", "{reply}");
    let relayed = carol
        .wait_stanza(Duration::from_secs(10), |e| {
            e.name() == "message" && e.get_child("reply", "urn:xmpp:reply:0").is_some()
        })
        .expect("carol gets alice's reply");
    let named = relayed.get_child("reply", "urn:xmpp:reply:0");
    assert_eq!(named.and_then(|r| r.attr("id")), Some(sid.as_str()));
    assert_eq!(
        named.and_then(|r| r.attr("to")),
        Some(format!("{room}/bob").as_str())
    );
    // Bob replies to Alice's reply: he names her by her occupant JID too.
    bob.send(json!({"cmd":"send","account":"b","to":room,"body":"good","reply_to":reply["id"]}));
    let back = alice.wait_message("a", "good");
    assert_eq!(back["reply_to"]["body"], "agreed", "{back}");

    // A file shared in the room is a file message, not just a link.
    carol.send_xml(&groupchat_xml(
        &room,
        "<body>https://files.example/plan.pdf</body>\
         <x xmlns='jabber:x:oob'><url>https://files.example/plan.pdf</url></x>",
    ));
    let file = alice.wait_for("file", |v| v["event"] == "message" && v["file"].is_object());
    assert_eq!(file["file"]["name"], "plan.pdf", "{file}");

    // Bob retracts: gone at Alice's too.
    bob.send(json!({"cmd":"retract","account":"b","id":bob_id}));
    let gone = alice.wait_for("retraction", |v| {
        v["event"] == "message_updated" && v["id"] == id.as_str() && v["retracted"] == true
    });
    assert_eq!(gone["body"], "", "{gone}");

    // Alice, the owner, removes a message of Bob's (XEP-0425): gone for
    // Bob too, with who did it and why. Prosody 0.12 (the compatibility
    // job) offers no moderation: a clean refusal.
    bob.send(json!({"cmd":"send","account":"b","to":room,"body":"buy cheap pills"}));
    let spam = alice.wait_message("a", "buy cheap pills");
    alice.send(json!({"cmd":"moderate","account":"a","id":spam["id"],"reason":"spam"}));
    if common::prosody::old_server() {
        let err = wait_muc_error(&mut alice, &room);
        assert_eq!(err["condition"], "unsupported", "{err}");
        return;
    }
    for (client, account) in [(&mut alice, "a"), (&mut bob, "b")] {
        let removed = client.wait_for("moderated", |v| {
            v["event"] == "message_updated"
                && v["account"] == account
                && v["moderated_by"].is_string()
                && v["retracted"] == true
        });
        assert_eq!(removed["body"], "", "{removed}");
        assert_eq!(removed["moderation_reason"], "spam", "{removed}");
        assert!(
            removed["moderated_by"]
                .as_str()
                .is_some_and(|by| by.starts_with(room.as_str())),
            "{removed}"
        );
    }
}

#[test]
fn a_room_that_forgot_us_is_rejoined_after_a_self_ping() {
    let server = Prosody::with_users(&[("alice", "apw"), ("bob", "bpw")]);
    let room = room_jid(&server, "pinged");
    let (_a, mut alice) = online(&server, "a", "alice", "apw");
    let b_dir = tempfile::tempdir().expect("temp profile");
    // Test-only knob: self-ping quiet rooms every 2 s instead of 5 min.
    let mut bob = Headless::start_with_env(b_dir.path(), &[("PLAUSCH_TEST_MUC_PING_SECS", "2")]);
    bob.add_account(account(&server, "b", "bob", "bpw"));
    bob.wait_state("b", "online");
    create_room(&mut alice, &room, &["bob@localhost"]);
    bob.send(json!({"cmd":"join_room","account":"b","room":room,"nick":"bob"}));
    wait_joined(&mut bob, "b", &room);
    // Pings while in: answered, nothing happens.
    std::thread::sleep(Duration::from_secs(5));
    assert!(
        !bob.seen
            .iter()
            .any(|v| v["event"] == "room_left" && v["reason"] == "lost"),
        "left although still in the room"
    );

    // The room forgets Bob without a word: the next self-ping finds out.
    server.forget_occupant(&room, "bob");
    wait_left(&mut bob, &room, "lost");
    let back = wait_joined(&mut bob, "b", &room);
    assert_eq!(back["nick"], "bob", "{back}");
    send_to_room(&mut alice, "a", &room, "still there?", "q1");
    bob.wait_for("message after the rejoin", |v| {
        v["event"] == "message" && v["body"] == "still there?"
    });
}

/// XEP-0421 end to end: the room stamps an occupant's messages with an
/// occupant id that stays when they come back under another nick, so
/// Carol's correction sent as "karl" still counts for Bob, who (not a
/// moderator of this semi-anonymous room) does not see her address.
/// (Prosody 0.12.3 stamps occupant ids too: the compatibility job expects
/// the same.)
#[test]
fn an_occupant_id_outlives_a_new_nick() {
    let server = Prosody::with_users(&[("alice", "apw"), ("bob", "bpw"), ("carol", "cpw")]);
    let room = room_jid(&server, "ids");
    let (_a, mut alice) = online(&server, "a", "alice", "apw");
    let (_b, mut bob) = online(&server, "b", "bob", "bpw");
    // An instant room: the service's defaults, addresses for moderators only.
    alice.send(json!({"cmd":"join_room","account":"a","room":room,"nick":"alice"}));
    wait_joined(&mut alice, "a", &room);
    bob.send(json!({"cmd":"join_room","account":"b","room":room,"nick":"bob"}));
    wait_joined(&mut bob, "b", &room);
    let mut carol = RawClient::connect(&server, "carol", "cpw");
    let enter = |carol: &mut RawClient, nick: &str| {
        carol.send_xml(&format!(
            "<presence xmlns='jabber:client' to='{room}/{nick}'>\
             <x xmlns='http://jabber.org/protocol/muc'><history maxstanzas='0'/></x></presence>"
        ))
    };
    enter(&mut carol, "carol");
    let seen = bob.wait_for("carol arrives", |v| {
        v["event"] == "occupant" && v["nick"] == "carol"
    });
    assert!(
        seen.get("jid").is_none_or(|j| j.is_null()),
        "bob sees no address: {seen}"
    );
    carol.send_xml(&format!(
        "<message xmlns='jabber:client' type='groupchat' to='{room}' id='c-1'>\
         <body>helo</body></message>"
    ));
    let first = bob.wait_message("b", "helo");
    let id = first["id"].as_str().unwrap_or_default().to_owned();

    carol.send_xml(&format!(
        "<presence xmlns='jabber:client' type='unavailable' to='{room}/carol'/>"
    ));
    enter(&mut carol, "karl");
    bob.wait_for("karl arrives", |v| {
        v["event"] == "occupant" && v["nick"] == "karl"
    });
    carol.send_xml(&groupchat_xml(
        &room,
        "<body>hello</body><replace xmlns='urn:xmpp:message-correct:0' id='c-1'/>",
    ));
    carol.send_xml(&groupchat_xml(&room, "<body>canary</body>"));
    bob.wait_message("b", "canary");
    let stored = room_history(&mut bob, "b", &room)
        .into_iter()
        .find(|m| m["id"] == id.as_str())
        .unwrap_or_default();
    assert_eq!(stored["body"], "hello", "{stored}");
    assert_eq!(stored["original_body"], "helo", "{stored}");
}
