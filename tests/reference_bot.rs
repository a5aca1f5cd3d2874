//! The OMEMO reference bot (`tests/bots/omemo_bot.py`, slixmpp-omemo) that
//! the OMEMO tests use as "the other person": two bots exchange encrypted
//! messages both ways in either OMEMO version and decrypt them, a bot that
//! was offline decrypts what the archive kept for it, manual trust refuses
//! until a device is trusted, and a bot and a Plausch account talk
//! (encrypted by default, plain with the conversation's switch off). Needs `PLAUSCH_TEST_PYTHON` (tests/run.sh makes the venv).

mod common;

use std::time::Duration;

use serde_json::{Value, json};

use common::Prosody;
use common::bot::{Bot, BotOpts, Trust, Versions};
use common::headless::{online, roster_entry};

/// The bare JID of a `from` attribute.
fn bare(jid: &Value) -> &str {
    let jid = jid.as_str().unwrap_or_default();
    jid.split_once('/').map_or(jid, |(bare, _)| bare)
}

/// `from` sends `body` encrypted (best common version) and `to` decrypts
/// it; both must have used `version`. Returns `to`'s message event.
#[track_caller]
fn encrypted(from: &mut Bot, to: &mut Bot, body: &str, version: &str) -> Value {
    let sent = from.send_encrypted(&to.jid, body);
    check_sent(&sent, to, version);
    check_received(to, from, body, version)
}

#[track_caller]
fn check_sent(sent: &Value, to: &Bot, version: &str) {
    assert_eq!(sent["encrypted"], true, "{sent}");
    assert_eq!(sent["versions"], json!([version]), "{sent}");
    assert_eq!(sent["errors"], json!([]), "{sent}");
    assert!(
        sent["recipients"]
            .as_array()
            .is_some_and(|r| r.iter().any(|r| {
                r["jid"] == to.jid.as_str()
                    && r["device"] == to.device_id()
                    && r["version"] == version
            })),
        "the message is encrypted for {}'s device {}: {sent}",
        to.jid,
        to.device_id()
    );
}

#[track_caller]
fn check_received(to: &mut Bot, from: &Bot, body: &str, version: &str) -> Value {
    let got = to.wait_message(body);
    assert_eq!(got["encrypted"], true, "{got}");
    assert_eq!(got["version"], version, "{got}");
    assert_eq!(got["sender_device"], from.device_id(), "{got}");
    assert_eq!(bare(&got["from"]), from.jid, "{got}");
    assert!(got["error"].is_null(), "{got}");
    got
}

#[test]
fn both_versions_prefer_omemo2_and_speak_old_omemo_on_request() {
    let server = Prosody::with_users(&[("alice", "apw"), ("bob", "bpw")]);
    let mut alice = Bot::start(&server, "alice", "apw", BotOpts::default());
    let mut bob = Bot::start(&server, "bob", "bpw", BotOpts::default());
    assert_eq!(alice.ready["versions"], json!(["2", "0.3"]));
    assert_ne!(alice.device_id(), bob.device_id());
    assert_eq!(alice.fingerprint().len(), 64);

    // Each sees the other's one device in both versions, blindly trusted
    // once a message went to it.
    encrypted(&mut alice, &mut bob, "hello bob", "2");
    encrypted(&mut bob, &mut alice, "hello alice", "2");
    let devices = alice.devices(&bob.jid);
    assert_eq!(devices.len(), 1, "{devices:?}");
    assert_eq!(devices[0]["device"], bob.device_id());
    assert_eq!(devices[0]["versions"], json!(["0.3", "2"]));
    assert_eq!(devices[0]["trust"], "blind");
    assert_eq!(devices[0]["fingerprint"], bob.fingerprint().as_str());

    // The old variant on request, both ways (its own sessions).
    for (from, to, body) in [(0, 1, "old style to bob"), (1, 0, "old style to alice")] {
        let bots = [&mut alice, &mut bob];
        let sent = bots[from].send_encrypted_as(&bots[to].jid.clone(), body, "0.3");
        check_sent(&sent, bots[to], "0.3");
        let sender_device = bots[from].device_id();
        let got = bots[to].wait_message(body);
        assert_eq!(got["version"], "0.3", "{got}");
        assert_eq!(got["sender_device"], sender_device, "{got}");
    }
    // And OMEMO 2 again on the sessions built first.
    encrypted(&mut alice, &mut bob, "still omemo 2", "2");
}

#[test]
fn old_omemo_only_bots_and_a_bot_with_both_picks_the_old_one() {
    let server = Prosody::with_users(&[("alice", "apw"), ("bob", "bpw"), ("carol", "cpw")]);
    let old = BotOpts::versions(Versions::Old);
    let mut alice = Bot::start(&server, "alice", "apw", old.clone());
    let mut bob = Bot::start(&server, "bob", "bpw", old);
    assert_eq!(alice.ready["versions"], json!(["0.3"]));
    encrypted(&mut alice, &mut bob, "axolotl to bob", "0.3");
    encrypted(&mut bob, &mut alice, "axolotl to alice", "0.3");
    assert_eq!(alice.devices(&bob.jid)[0]["versions"], json!(["0.3"]));

    // A bot with both versions falls back to the one its contact has.
    let mut carol = Bot::start(&server, "carol", "cpw", BotOpts::default());
    encrypted(
        &mut carol,
        &mut alice,
        "carol speaks old omemo to alice",
        "0.3",
    );
    encrypted(&mut alice, &mut carol, "alice answers carol", "0.3");
    // OMEMO 2 is refused: bob has no device for it.
    let refused = carol
        .try_request(json!({"cmd":"send","to":bob.jid,"body":"x","version":"2"}))
        .expect_err("no OMEMO 2 device of bob's");
    assert!(
        refused["message"]
            .as_str()
            .is_some_and(|m| m.contains("NoEligibleDevices")),
        "{refused}"
    );
}

#[test]
fn omemo2_only_bots_and_an_old_omemo_bot_cannot_reach_them() {
    let server = Prosody::with_users(&[("alice", "apw"), ("bob", "bpw"), ("carol", "cpw")]);
    let two = BotOpts::versions(Versions::Two);
    let mut alice = Bot::start(&server, "alice", "apw", two.clone());
    let mut bob = Bot::start(&server, "bob", "bpw", two);
    assert_eq!(alice.ready["versions"], json!(["2"]));
    encrypted(&mut alice, &mut bob, "twomemo to bob", "2");
    encrypted(&mut bob, &mut alice, "twomemo to alice <&> ünïcödé", "2");
    assert_eq!(bob.devices(&alice.jid)[0]["versions"], json!(["2"]));

    let mut carol = Bot::start(&server, "carol", "cpw", BotOpts::versions(Versions::Old));
    let refused = carol
        .try_request(json!({"cmd":"send","to":alice.jid,"body":"x"}))
        .expect_err("alice has no old-OMEMO device");
    assert!(
        refused["message"]
            .as_str()
            .is_some_and(|m| m.contains("NoEligibleDevices")),
        "{refused}"
    );
    // A version the bot does not load is refused as such.
    let refused = alice
        .try_request(json!({"cmd":"send","to":bob.jid,"body":"x","version":"0.3"}))
        .expect_err("alice does not load 0.3");
    assert!(
        refused["message"]
            .as_str()
            .is_some_and(|m| m.contains("not enabled")),
        "{refused}"
    );
}

#[test]
fn a_bot_that_was_offline_decrypts_what_the_archive_kept() {
    let server = Prosody::with_users(&[("alice", "apw"), ("bob", "bpw")]);
    let mut alice = Bot::start(&server, "alice", "apw", BotOpts::default());
    let mut bob = Bot::start(&server, "bob", "bpw", BotOpts::default());
    let bob_device = bob.device_id();
    bob.stop();

    // Bob is offline: the first messages build the sessions (key exchanges)
    // from his published bundle.
    let sent = alice.send_encrypted(&bob.jid, "while you were away (2)");
    check_sent(&sent, &bob, "2");
    let sent = alice.send_encrypted_as(&bob.jid, "while you were away (0.3)", "0.3");
    check_sent(&sent, &bob, "0.3");
    alice.send_encrypted(&bob.jid, "and once more (2)");
    alice.send_plain(&bob.jid, "plain while away");

    bob.resume();
    assert_eq!(
        bob.device_id(),
        bob_device,
        "the same device after a restart"
    );
    let mut order = Vec::new();
    for (body, version) in [
        ("while you were away (2)", Some("2")),
        ("while you were away (0.3)", Some("0.3")),
        ("and once more (2)", Some("2")),
        ("plain while away", None),
    ] {
        let got = bob.wait_message(body);
        assert_eq!(got["archived"], true, "{got}");
        assert!(got["delay"].is_string(), "{got}");
        assert!(got["error"].is_null(), "{got}");
        match version {
            Some(v) => {
                assert_eq!(got["encrypted"], true, "{got}");
                assert_eq!(got["version"], v, "{got}");
                assert_eq!(got["sender_device"], alice.device_id(), "{got}");
            }
            None => assert_eq!(got["encrypted"], false, "{got}"),
        }
        order.push(got["stanza_id"].as_str().expect("archive id").to_owned());
    }
    let seen_order: Vec<&str> = bob
        .seen
        .iter()
        .filter(|v| v["event"] == "message")
        .filter_map(|v| v["stanza_id"].as_str())
        .collect();
    assert_eq!(seen_order, order, "archived messages come in order");

    // The sessions built from the archive work both ways.
    encrypted(&mut bob, &mut alice, "back again", "2");
    encrypted(&mut alice, &mut bob, "welcome back", "2");

    // Nothing is delivered twice after another restart (the catch-up is
    // over before `ready`, so its events are in already).
    bob.stop();
    bob.resume();
    let again = bob.try_wait_for(Duration::from_millis(300), &|v| v["event"] == "message");
    assert!(again.is_none(), "delivered again: {again:?}");
    encrypted(&mut alice, &mut bob, "after the second restart", "2");
}

#[test]
fn manual_trust_refuses_an_undecided_device_until_it_is_trusted() {
    let server = Prosody::with_users(&[("alice", "apw"), ("bob", "bpw")]);
    let mut alice = Bot::start(&server, "alice", "apw", BotOpts::default());
    let mut bob = Bot::start(
        &server,
        "bob",
        "bpw",
        BotOpts {
            trust: Trust::Manual,
            ..BotOpts::default()
        },
    );
    assert_eq!(bob.ready["trust"], "manual");

    // Bob still decrypts a message from an undecided device (and says so).
    let got = encrypted(&mut alice, &mut bob, "from an undecided device", "2");
    assert_eq!(got["sender_trust"], "undecided", "{got}");

    let refused = bob
        .try_request(json!({"cmd":"send","to":alice.jid,"body":"not yet"}))
        .expect_err("alice's device is undecided");
    assert!(
        refused["message"]
            .as_str()
            .is_some_and(|m| m.contains("TrustDecisionFailed")),
        "{refused}"
    );
    let untrusted = bob.wait_for("untrusted", |v| v["event"] == "untrusted");
    assert_eq!(
        untrusted["devices"],
        json!([{"jid": alice.jid, "device": alice.device_id()}])
    );
    assert_eq!(bob.devices(&alice.jid)[0]["trust"], "undecided");

    let alice_device = alice.device_id();
    bob.trust(&alice.jid.clone(), alice_device, "trusted");
    assert_eq!(bob.devices(&alice.jid)[0]["trust"], "trusted");
    encrypted(&mut bob, &mut alice, "now trusted", "2");

    // Distrusted: nothing goes out, and nothing from it is decrypted.
    bob.trust(&alice.jid.clone(), alice_device, "distrusted");
    assert!(
        bob.try_request(json!({"cmd":"send","to":alice.jid,"body":"no"}))
            .is_err()
    );
    alice.send_encrypted(&bob.jid, "from a distrusted device");
    let got = bob.wait_for("refused message", |v| {
        v["event"] == "message" && v["encrypted"] == true && v["error"].is_string()
    });
    assert!(
        got["error"]
            .as_str()
            .is_some_and(|e| e.contains("SenderDistrusted")),
        "{got}"
    );
    assert!(got["body"].is_null(), "{got}");
}

#[test]
fn bot_and_plausch_exchange_plain_messages_and_presence() {
    let server = Prosody::with_users(&[("alice", "apw"), ("bot", "botpw")]);
    let mut bot = Bot::start(&server, "bot", "botpw", BotOpts::default());
    let (_dir, mut alice) = online(&server, "a", "alice", "apw");
    alice.wait_for("alice synced", |v| v["event"] == "archive_synced");

    // The bot answers a subscription request by itself, and asks back
    // (which alice pre-approved).
    alice.send(json!({"cmd":"add_contact","account":"a","jid":bot.jid,"preapprove":true}));
    alice.wait_for("mutual subscription with the bot", |v| {
        v["event"] == "roster"
            && roster_entry(v, "bot@localhost").is_some_and(|c| c["subscription"] == "both")
    });

    let sent = bot.send_plain("alice@localhost", "hello from the reference bot");
    assert_eq!(sent["encrypted"], false);
    let got = alice.wait_message("a", "hello from the reference bot");
    assert_eq!(got["with"], "bot@localhost", "{got}");

    // The bot has OMEMO devices: encrypted by default; plain once the
    // conversation's switch is off.
    alice.send_message("a", "bot@localhost", "hello bot, from plausch", "p1");
    let got = bot.wait_message("hello bot, from plausch");
    assert_eq!(got["encrypted"], true, "{got}");
    assert_eq!(bare(&got["from"]), "alice@localhost", "{got}");
    alice.send(json!({"cmd":"encryption","account":"a","with":"bot@localhost","enabled":false}));
    // (An `encryption` event also comes unasked when the bot's device
    // list changes: the answer is the one with the switch.)
    let state = alice.wait_for("encryption off", |v| {
        v["event"] == "encryption" && v["enabled"] == false
    });
    assert_eq!(state["encrypted"], "none", "{state}");
    alice.send_message("a", "bot@localhost", "plain words", "p2");
    let got = bot.wait_message("plain words");
    assert_eq!(got["encrypted"], false, "{got}");
    assert!(got["version"].is_null(), "{got}");
}
