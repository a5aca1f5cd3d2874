//! Message Displayed Synchronization (XEP-0490) with the reference bot
//! (slixmpp's `xep_0490`) logged in to the SAME account as a second
//! device: what Plausch reads reaches the bot as a read position naming
//! the archive id of the newest message; a position the bot publishes
//! clears Plausch's unread count live, and one published while Plausch was
//! offline clears it at the next login (after the catch-up). Needs
//! `PLAUSCH_TEST_PYTHON` (tests/run.sh makes the venv).

mod common;

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use common::Prosody;
use common::bot::{Bot, BotOpts};
use common::headless::{Headless, online_at, unread_of, wait_unread};

const ALICE: &str = "alice@localhost";
const BOB: &str = "bob@localhost";

/// Bob writes `body` to alice; alice's second device (the bot) gets it and
/// Plausch stores it. Returns the archive id (stanza-id by alice's account).
fn bob_writes(bob: &mut Bot, phone: &mut Bot, plausch: &mut Headless, body: &str) -> String {
    bob.send_plain(ALICE, body);
    let got = phone.wait_message(body);
    plausch.wait_message("a", body);
    got["stanza_id"]
        .as_str()
        .unwrap_or_else(|| panic!("an archive id: {got}"))
        .to_owned()
}

#[test]
fn read_positions_go_both_ways_between_plausch_and_another_device() {
    let server = Prosody::with_users(&[("alice", "apw"), ("bob", "bpw")]);
    let profile = tempfile::tempdir().expect("temp profile");
    let mut plausch = online_at(profile.path(), &server, "a", "alice", "apw");
    plausch.wait_for("caught up", |v| v["event"] == "archive_synced");
    let mds = BotOpts {
        mds: true,
        ..BotOpts::default()
    };
    let mut phone = Bot::start(&server, "alice", "apw", mds);
    let mut bob = Bot::start(&server, "bob", "bpw", BotOpts::default());

    // Plausch reads: the phone learns the position, the newest message's
    // archive id in alice's archive.
    bob_writes(&mut bob, &mut phone, &mut plausch, "one");
    let two = bob_writes(&mut bob, &mut phone, &mut plausch, "two");
    plausch.send(json!({"cmd":"conversations","account":"a"}));
    assert!(wait_unread(&mut plausch, BOB, 2, Duration::from_secs(10)));
    plausch.send(json!({"cmd":"mark_read","account":"a","with":BOB}));
    let got = phone.wait_for("mds from plausch", |v| {
        v["event"] == "mds" && v["chat"] == BOB
    });
    assert_eq!(got["stanza_id"], two.as_str(), "{got}");
    assert_eq!(got["by"], ALICE, "{got}");
    assert_eq!(got["from"], ALICE, "{got}");

    // The phone reads: Plausch's unread goes live, up to that message.
    bob_writes(&mut bob, &mut phone, &mut plausch, "three");
    let four = bob_writes(&mut bob, &mut phone, &mut plausch, "four");
    plausch.send(json!({"cmd":"conversations","account":"a"}));
    assert!(wait_unread(&mut plausch, BOB, 2, Duration::from_secs(10)));
    // Only what follows counts (mark_read announced unread 0 before).
    plausch.forget_pending();
    phone.request(json!({"cmd":"mds_publish","with":BOB,"stanza_id":four,"by":ALICE}));
    assert!(
        wait_unread(&mut plausch, BOB, 0, Duration::from_secs(10)),
        "the phone's position cleared unread: {:?}",
        plausch.tail()
    );

    // Plausch is away; the phone reads meanwhile (without `by`, as
    // slixmpp's own flag_chat publishes it). The next login catches up
    // and applies the position.
    assert!(plausch.quit().success());
    bob.send_plain(ALICE, "five");
    phone.wait_message("five");
    bob.send_plain(ALICE, "six");
    let six = phone.wait_message("six")["stanza_id"]
        .as_str()
        .expect("an archive id")
        .to_owned();
    phone.request(json!({"cmd":"mds_publish","with":BOB,"stanza_id":six}));
    let mut plausch = Headless::start(profile.path());
    plausch.wait_state("a", "online");
    // A list from the store (nothing unread yet) may come before the
    // catch-up: only one after it counts.
    let deadline = Instant::now() + Duration::from_secs(20);
    let cleared = |seen: &[Value]| {
        seen.iter()
            .skip_while(|v| v["event"] != "archive_synced")
            .any(|v| v["event"] == "conversations" && unread_of(v, BOB) == Some(0))
    };
    while !cleared(&plausch.seen) && Instant::now() < deadline {
        plausch.try_wait_for(Duration::from_millis(200), &|_| false);
    }
    assert!(
        cleared(&plausch.seen),
        "the position from before the login cleared unread after the catch-up: {:#?}",
        plausch.tail()
    );
    let history = plausch.full_history("a", BOB);
    assert_eq!(history.len(), 6, "{history:?}");
    let _ = plausch.quit();
    phone.request(json!({"cmd":"quit"}));
}

#[test]
fn in_a_room_the_read_position_names_the_rooms_archive() {
    let server = Prosody::with_users(&[("alice", "apw"), ("bob", "bpw")]);
    let room = format!("mds@{}", server.muc_domain());
    let profile = tempfile::tempdir().expect("temp profile");
    let mut plausch = online_at(profile.path(), &server, "a", "alice", "apw");
    plausch.wait_for("caught up", |v| v["event"] == "archive_synced");
    plausch.send(json!({"cmd":"join_room","account":"a","room":room,"nick":"alice"}));
    plausch.wait_for("joined", |v| {
        v["event"] == "room_joined" && v["room"] == room.as_str()
    });
    let mds = BotOpts {
        mds: true,
        ..BotOpts::default()
    };
    let mut phone = Bot::start(&server, "alice", "apw", mds);
    let mut bob = Bot::start(&server, "bob", "bpw", BotOpts::default());
    phone.request(json!({"cmd":"join","room":room,"nick":"phone"}));
    bob.request(json!({"cmd":"join","room":room,"nick":"bob"}));

    // Bob posts; the phone sees the room's archive ids.
    let mut posted = Vec::new();
    for body in ["r-one", "r-two"] {
        bob.request(json!({"cmd":"send","to":room,"groupchat":true,"body":body,"encrypt":false}));
        let got = phone.wait_message(body);
        plausch.wait_message("a", body);
        posted.push(
            got["room_stanza_id"]
                .as_str()
                .unwrap_or_else(|| panic!("the room's archive id: {got}"))
                .to_owned(),
        );
    }
    plausch.send(json!({"cmd":"conversations","account":"a"}));
    assert!(wait_unread(&mut plausch, &room, 2, Duration::from_secs(10)));

    // Plausch reads the room (open: no marker into it): the phone gets
    // the position by the room's archive id.
    plausch.send(json!({"cmd":"mark_read","account":"a","with":room}));
    let got = phone.wait_for("mds for the room", |v| {
        v["event"] == "mds" && v["chat"] == room.as_str()
    });
    assert_eq!(got["stanza_id"], posted[1].as_str(), "{got}");
    assert_eq!(got["by"], room.as_str(), "{got}");

    // The phone reads what came next: Plausch's unread goes.
    bob.request(json!({"cmd":"send","to":room,"groupchat":true,"body":"r-three","encrypt":false}));
    let three = phone.wait_message("r-three")["room_stanza_id"]
        .as_str()
        .expect("the room's archive id")
        .to_owned();
    plausch.wait_message("a", "r-three");
    plausch.send(json!({"cmd":"conversations","account":"a"}));
    assert!(wait_unread(&mut plausch, &room, 1, Duration::from_secs(10)));
    plausch.forget_pending();
    phone.request(json!({"cmd":"mds_publish","with":room,"stanza_id":three,"by":room}));
    assert!(
        wait_unread(&mut plausch, &room, 0, Duration::from_secs(10)),
        "the phone's position in the room cleared unread: {:?}",
        plausch.tail()
    );
    let _ = plausch.quit();
}
