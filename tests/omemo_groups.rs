//! Encrypted groups (issue 23 part 2) on a real Prosody: two Plausch
//! accounts and the reference bot (slixmpp-omemo) in a members-only,
//! non-anonymous room. Messages are encrypted to every member's devices
//! and read by all three, also from the room's archive after being
//! offline; a member taken off the list is no longer encrypted to; an
//! open room never offers encryption and says why. Needs
//! `PLAUSCH_TEST_PYTHON` (tests/run.sh makes the venv).

mod common;

use serde_json::{Value, json};

use common::Prosody;
use common::bot::{Bot, BotOpts};
use common::headless::{Headless, online};

const ALICE: &str = "alice@localhost";
const BOB: &str = "bob@localhost";
const CAROL: &str = "carol@localhost";

fn wait_joined(c: &mut Headless, id: &str, room: &str) -> Value {
    c.wait_for(&format!("{id} joined {room}"), |v| {
        v["event"] == "room_joined" && v["account"] == id && v["room"] == room
    })
}

/// A room message of `account` with `body`, checked to be decrypted
/// OMEMO 2 from `device`.
#[track_caller]
fn decrypted(c: &mut Headless, account: &str, body: &str, device: u64) -> Value {
    let got = c.wait_message(account, body);
    assert_eq!(got["encryption"], "omemo2", "{got}");
    assert_eq!(got["sender_device"], device, "{got}");
    assert!(got["decryption_error"].is_null(), "{got}");
    got
}

/// The outgoing stanza of our message `reference` as the XML console saw it.
fn sent_stanza(c: &mut Headless, account: &str, reference: &str) -> String {
    let id = c
        .wait_for("our message", |v| {
            v["event"] == "message" && v["account"] == account && v["ref"] == reference
        })
        .get("id")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .unwrap_or_default();
    let line = c.wait_for("the stanza out", |v| {
        v["event"] == "console"
            && v["direction"] == "out"
            && v["xml"].as_str().is_some_and(|x| x.contains(&id))
    });
    line["xml"].as_str().unwrap_or_default().to_owned()
}

#[test]
fn a_members_only_group_is_encrypted_for_every_member_and_read_by_all() {
    let server = Prosody::with_users(&[("alice", "apw"), ("bob", "bpw"), ("carol", "cpw")]);
    let room = format!("council@{}", server.muc_domain());
    let (_a, mut alice) = online(&server, "a", "alice", "apw");
    let (bob_dir, mut bob) = online(&server, "b", "bob", "bpw");
    alice.wait_omemo_published();
    bob.wait_omemo_published();
    let alice_device = alice.own_omemo_device("a", ALICE);
    let bob_device = bob.own_omemo_device("b", BOB);
    let mut carol = Bot::start(&server, "carol", "cpw", BotOpts::default());
    let carol_device = carol.device_id();

    alice.send(json!({
        "cmd":"create_room","account":"a","room":room,"name":"Council","members":[BOB, CAROL]
    }));
    wait_joined(&mut alice, "a", &room);
    // Every member has OMEMO: the group is encrypted by default, and
    // nobody is left out.
    let state = alice.wait_for("the group's encryption", |v| {
        v["event"] == "encryption" && v["with"] == room.as_str()
    });
    assert_eq!(state["encrypted"], "omemo2", "{state}");
    assert!(state["unreachable"].is_null(), "{state}");
    assert!(state["unavailable"].is_null(), "{state}");

    bob.send(json!({"cmd":"join_room","account":"b","room":room,"nick":"bob"}));
    wait_joined(&mut bob, "b", &room);
    carol.request(json!({"cmd":"join","room":room,"nick":"carol"}));

    // Alice writes: Bob and the bot read it; the server sees no text.
    alice.send(json!({"cmd":"console","account":"a","enabled":true}));
    alice.send(json!({"cmd":"send","account":"a","to":room,"body":"minutes are ready","ref":"m1"}));
    let stanza = sent_stanza(&mut alice, "a", "m1");
    assert!(!stanza.contains("minutes are ready"), "{stanza}");
    // (Alice has no other device to encrypt to.)
    for member in [BOB, CAROL] {
        assert!(stanza.contains(member), "no keys for {member}: {stanza}");
    }
    decrypted(&mut bob, "b", "minutes are ready", alice_device);
    let got = carol.wait_message("minutes are ready");
    assert_eq!(got["encrypted"], true, "{got}");
    assert_eq!(got["real_jid"], ALICE, "{got}");

    // The bot writes to the members: both Plausch accounts read it.
    let sent = carol.request(json!({
        "cmd":"send","to":room,"groupchat":true,"recipients":[ALICE, BOB],
        "body":"carol agrees","encrypt":true
    }));
    assert_eq!(sent["versions"], json!(["2"]), "{sent}");
    decrypted(&mut alice, "a", "carol agrees", carol_device);
    decrypted(&mut bob, "b", "carol agrees", carol_device);

    // Bob answers; Alice's own message is hers in her history, not a
    // message she could not read.
    bob.send(json!({"cmd":"send","account":"b","to":room,"body":"bob too","ref":"b1"}));
    decrypted(&mut alice, "a", "bob too", bob_device);
    assert_eq!(carol.wait_message("bob too")["encrypted"], true);
    let history = alice.full_history("a", &room);
    let own = history
        .iter()
        .find(|m| m["body"] == "minutes are ready")
        .unwrap_or_else(|| panic!("{history:?}"));
    assert_eq!(own["direction"], "out", "{own}");
    assert_eq!(own["encryption"], "omemo2", "{own}");
    assert!(own["decryption_error"].is_null(), "{own}");

    // Alice corrects her message: the new text is encrypted too, and
    // Bob's copy changes.
    let m1 = alice
        .seen
        .iter()
        .find(|v| v["event"] == "message" && v["ref"] == "m1")
        .and_then(|v| v["id"].as_str())
        .map(str::to_owned)
        .unwrap_or_default();
    alice.send(json!({"cmd":"correct","account":"a","id":m1,"body":"minutes are ready, v2"}));
    let line = alice.wait_for("the correction out", |v| {
        v["event"] == "console"
            && v["direction"] == "out"
            && v["xml"]
                .as_str()
                .is_some_and(|x| x.contains("urn:xmpp:message-correct:0"))
    });
    let stanza = line["xml"].as_str().unwrap_or_default();
    // (Not just "v2": the random base64 of the payload may hold that.)
    assert!(!stanza.contains("ready, v2"), "plain text in {stanza}");
    assert!(stanza.contains("urn:xmpp:omemo:2"), "{stanza}");
    bob.wait_for("the corrected text", |v| {
        v["event"] == "message_updated" && v["body"] == "minutes are ready, v2"
    });
    carol.wait_message("minutes are ready, v2");

    // Bob is offline while Alice writes: the room's archive brings it,
    // decrypted with Alice's keys (the archive names her).
    assert!(bob.quit().success());
    alice
        .send(json!({"cmd":"send","account":"a","to":room,"body":"while bob was away","ref":"m2"}));
    carol.wait_message("while bob was away");
    let mut bob = Headless::start(bob_dir.path());
    bob.wait_state("b", "online");
    decrypted(&mut bob, "b", "while bob was away", alice_device);

    // Carol is taken off the member list: she is no longer encrypted to.
    alice.send(json!({
        "cmd":"set_affiliation","account":"a","room":room,"jid":CAROL,"affiliation":"none"
    }));
    alice.wait_for("carol gone", |v| {
        v["event"] == "occupant"
            && v["room"] == room.as_str()
            && v["nick"] == "carol"
            && v["left"] == true
    });
    alice.send(json!({"cmd":"send","account":"a","to":room,"body":"only for members","ref":"m3"}));
    let stanza = sent_stanza(&mut alice, "a", "m3");
    assert!(stanza.contains(BOB), "{stanza}");
    assert!(
        !stanza.contains(CAROL),
        "carol still encrypted to: {stanza}"
    );
    decrypted(&mut bob, "b", "only for members", alice_device);

    // She is made a member again (not in the room now): the room's notice
    // puts her back on the list, and the next message is hers to read too.
    alice.send(json!({
        "cmd":"set_affiliation","account":"a","room":room,"jid":CAROL,"affiliation":"member"
    }));
    alice.send(json!({"cmd":"room_members","account":"a","room":room}));
    let list = alice.wait_for("the member list", |v| v["event"] == "room_members");
    assert!(list.to_string().contains(CAROL), "{list}");
    carol.request(json!({"cmd":"join","room":room,"nick":"carol"}));
    alice.wait_for("carol back", |v| {
        v["event"] == "occupant"
            && v["room"] == room.as_str()
            && v["nick"] == "carol"
            && v["left"] != true
    });
    alice.send(json!({"cmd":"send","account":"a","to":room,"body":"welcome back","ref":"m4"}));
    let stanza = sent_stanza(&mut alice, "a", "m4");
    assert!(stanza.contains(CAROL), "carol not encrypted to: {stanza}");
    carol.wait_message("welcome back");
    carol.stop();
}

#[test]
fn an_open_group_is_never_encrypted_and_says_why() {
    let server = Prosody::with_users(&[("alice", "apw")]);
    let room = format!("lobby@{}", server.muc_domain());
    let (_a, mut alice) = online(&server, "a", "alice", "apw");
    alice.wait_omemo_published();
    // Joining a room that does not exist makes an open one.
    alice.send(json!({"cmd":"join_room","account":"a","room":room,"nick":"alice"}));
    wait_joined(&mut alice, "a", &room);
    alice.send(json!({"cmd":"encryption","account":"a","with":room}));
    let state = alice.wait_for("the group's encryption", |v| {
        v["event"] == "encryption" && v["with"] == room.as_str()
    });
    assert_eq!(state["encrypted"], "none", "{state}");
    assert_eq!(state["unavailable"], "open_room", "{state}");
    alice.send(json!({"cmd":"encryption","account":"a","with":room,"enabled":true}));
    let refused = alice.wait_for("refused", |v| v["event"] == "error");
    assert_eq!(refused["code"], "encryption_unavailable", "{refused}");
    // A message goes in plain text, as the room can only take it so.
    alice.send(json!({"cmd":"send","account":"a","to":room,"body":"hello lobby","ref":"p1"}));
    let sent = alice.wait_message("a", "hello lobby");
    assert_eq!(sent["encryption"], "none", "{sent}");
}
