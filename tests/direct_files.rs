//! Direct file transfers (Jingle XEP-0234, issue 24) against a real
//! Prosody (with `mod_proxy65`) whose upload limit is too small for the
//! files: Plausch to Plausch over a direct SOCKS5 connection (1 GB:
//! offer, prompt, accept, hash checked, bounded memory), through the
//! server's SOCKS5 proxy, in-band when one side offers only that, and
//! in-band after no SOCKS5 candidate connected (the fallback); decline
//! and cancel on both sides; and, with a raw client as the other side, an
//! offer from a stranger (a prompt only) and a file whose bytes do not
//! match its hash (discarded, the sender told).

mod common;

use std::path::PathBuf;
use std::time::Duration;

use base64::Engine as _;
use common::Prosody;
use common::files::*;
use common::headless::{Headless, online};
use common::raw::RawClient;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tokio_xmpp::minidom::Element;

/// Alice knows (from Bob's caps) that his client takes files directly.
fn wait_direct_capable(alice: &mut Headless) {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        alice.forget_pending();
        alice.send(json!({"cmd":"profile","account":"a","jid":"bob@localhost"}));
        let p = alice.wait_for("bob's profile", |v| {
            v["event"] == "profile" && v["profile"]["jid"] == "bob@localhost"
        });
        let known = p["profile"]["resources"]
            .as_array()
            .is_some_and(|r| r.iter().any(|r| r["client"].as_str().is_some()));
        if known {
            // The caps answer and the profile's version answer come
            // together; give the caps a moment more.
            std::thread::sleep(Duration::from_millis(300));
            return;
        }
        assert!(std::time::Instant::now() < deadline, "bob's client unknown");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Alice and Bob as mutual contacts in a plain-text chat, each started
/// with `env` (the `PLAUSCH_JINGLE` knob of `account/jingle/s5b.rs`), Alice
/// knowing that Bob's client takes files directly.
fn pair(
    server: &Prosody,
    alice_env: &[(&str, &str)],
    bob_env: &[(&str, &str)],
) -> ([tempfile::TempDir; 2], Headless, Headless) {
    let (dirs, mut alice, bob) = plain_pair_with(server, alice_env, bob_env);
    wait_direct_capable(&mut alice);
    (dirs, alice, bob)
}

/// A file of `size` from Alice to Bob, accepted by Bob: both see it done
/// by `method`, and Bob's copy matches.
fn send_and_receive(alice: &mut Headless, bob: &mut Headless, name: &str, size: u64, method: &str) {
    let sent = send_big_file(alice, bob, name, size, "m1");
    let offer = offer_of(bob, name);
    let bob_id = offer["id"].as_str().expect("id").to_owned();
    bob.send(json!({"cmd":"accept_file","account":"b","id":bob_id}));
    let done = transfer(bob, "receiving", &bob_id, "done", Duration::from_secs(120));
    assert_eq!(done["method"], method, "{done}");
    let theirs = transfer(alice, "sending", &sent.id, "done", Duration::from_secs(30));
    assert_eq!(theirs["method"], method, "{theirs}");
    let stored = updated(bob, &bob_id, |v| v["file"]["transfer"] == "done");
    let path = PathBuf::from(stored["file"]["path"].as_str().expect("path"));
    assert_eq!(sha256_file(&path), sent.hash);
}

fn offer_of(bob: &mut Headless, name: &str) -> Value {
    let name = name.to_owned();
    bob.wait_for("a file offer", |v| {
        v["event"] == "file_offer" && v["name"] == name.as_str()
    })
}

fn files_dir(client: &Headless, account: &str) -> PathBuf {
    client.profile.join("accounts").join(account).join("files")
}

#[test]
fn a_file_above_the_upload_limit_goes_directly_to_the_contacts_client() {
    let server = Prosody::start_with_upload_limit(Some(MIB));
    server.register("alice", "apw");
    server.register("bob", "bpw");
    let (_dirs, mut alice, mut bob) = pair(&server, &[], &[]);
    let size = 1024 * MIB;
    let BigSend {
        _work,
        hash,
        baselines,
        queued,
        id,
    } = send_big_file(&mut alice, &bob, "Schulungsvideo.mp4", size, "d1");
    assert_eq!(queued["state"], "queued");
    let offered = transfer(
        &mut alice,
        "offer",
        &id,
        "offered",
        Duration::from_secs(120),
    );
    assert_eq!(offered["method"], "socks5", "{offered}");

    // Bob: a prompt, not fetched unasked (above the automatic size).
    let offer = offer_of(&mut bob, "Schulungsvideo.mp4");
    assert_eq!(offer["size"], size);
    assert_eq!(offer["contact"], true);
    assert_eq!(offer["with"], "alice@localhost");
    assert!(
        offer["from"]
            .as_str()
            .is_some_and(|f| f.starts_with("alice@localhost/"))
    );
    let bob_id = offer["id"].as_str().expect("id").to_owned();
    let shown = bob.wait_for("the offer as a message", |v| {
        v["event"] == "message" && v["id"] == bob_id.as_str()
    });
    assert_eq!(shown["file"]["transfer"], "offered");
    assert_eq!(shown["direction"], "in");
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        !bob.seen
            .iter()
            .any(|v| v["event"] == "transfer" && v["id"] == bob_id.as_str()),
        "accepted unasked"
    );

    bob.send(json!({"cmd":"accept_file","account":"b","id":bob_id}));
    let done = transfer(
        &mut bob,
        "receiving",
        &bob_id,
        "done",
        Duration::from_secs(600),
    );
    assert_eq!(done["bytes"], size);
    assert_eq!(done["method"], "socks5", "{done}");
    let sent = transfer(&mut alice, "sending", &id, "done", Duration::from_secs(60));
    assert_eq!(sent["method"], "socks5", "{sent}");
    alice.wait_for("delivered", |v| {
        v["event"] == "message_state" && v["id"] == id.as_str() && v["state"] == "delivered"
    });
    let progress = progress_events(&bob, &bob_id, "downloading");
    assert!(progress >= 2, "progress events: {progress}");

    let stored = updated(&mut bob, &bob_id, |v| v["file"]["transfer"] == "done");
    let path = PathBuf::from(stored["file"]["path"].as_str().expect("path"));
    assert_eq!(sha256_file(&path), hash);
    assert_eq!(stored["file"]["sha256"], hash.as_str());
    assert_eq!(listing(&files_dir(&bob, "b")), vec!["Schulungsvideo.mp4"]);
    assert_memory_bounded(&alice, &bob, baselines, 40 * 1024);
    drop(_work);
    let _ = std::fs::remove_file(&path);
}

#[test]
fn through_the_proxy_in_band_and_after_no_candidate_connected() {
    // Neither offers a direct candidate: the server's proxy carries it.
    let proxy = [("PLAUSCH_JINGLE", "proxy")];
    let (_server, mut alice, mut bob, _dirs) = started(&proxy, &proxy);
    send_and_receive(&mut alice, &mut bob, "ueber-proxy.bin", 6 * MIB, "socks5");
    wait_log(&alice, "SOCKS5 proxy found");

    // Alice offers only in-band.
    let (_server, mut alice, mut bob, _dirs) = started(&[("PLAUSCH_JINGLE", "ibb")], &[]);
    send_and_receive(&mut alice, &mut bob, "inband.bin", 6 * MIB, "ibb");

    // Both offer a candidate nobody can reach: in-band after all.
    let unreachable = [("PLAUSCH_JINGLE", "unreachable")];
    let (_server, mut alice, mut bob, _dirs) = started(&unreachable, &unreachable);
    send_and_receive(&mut alice, &mut bob, "fallback.bin", 6 * MIB, "ibb");
    wait_log(&alice, "falling back to in-band");
}

/// A fresh server (upload limit 1 MiB) and `pair` on it.
fn started(
    alice_env: &[(&str, &str)],
    bob_env: &[(&str, &str)],
) -> (Prosody, Headless, Headless, [tempfile::TempDir; 2]) {
    let server = Prosody::start_with_upload_limit(Some(MIB));
    server.register("alice", "apw");
    server.register("bob", "bpw");
    let (dirs, alice, bob) = pair(&server, alice_env, bob_env);
    (server, alice, bob, dirs)
}

#[test]
fn declined_and_cancelled_transfers_end_on_both_sides() {
    let server = Prosody::start_with_upload_limit(Some(MIB));
    server.register("alice", "apw");
    server.register("bob", "bpw");
    // In-band: slow enough to cancel in the middle.
    let (_dirs, mut alice, mut bob) = pair(&server, &[("PLAUSCH_JINGLE", "ibb")], &[]);

    // Declined: Alice's message fails with the reason (and can be retried).
    let first = send_big_file(&mut alice, &bob, "Entwurf.odt", 48 * MIB, "x1");
    let offer = offer_of(&mut bob, "Entwurf.odt");
    let bob_id = offer["id"].as_str().expect("id").to_owned();
    bob.send(json!({"cmd":"decline_file","account":"b","id":bob_id}));
    transfer(
        &mut bob,
        "declined",
        &bob_id,
        "cancelled",
        Duration::from_secs(10),
    );
    let ended = transfer(
        &mut alice,
        "declined",
        &first.id,
        "cancelled",
        Duration::from_secs(10),
    );
    assert_eq!(ended["error"], "declined by the contact", "{ended}");
    alice.wait_for("failed", |v| {
        v["event"] == "message_state" && v["id"] == first.id.as_str() && v["state"] == "failed"
    });

    // Retried: a new offer; Bob takes it, Alice cancels while it runs.
    alice.send(json!({"cmd":"retry","account":"a","id":first.id}));
    let offer = offer_of(&mut bob, "Entwurf.odt");
    let again = offer["id"].as_str().expect("id").to_owned();
    assert_ne!(again, bob_id);
    bob.send(json!({"cmd":"accept_file","account":"b","id":again}));
    transfer(
        &mut alice,
        "running",
        &first.id,
        "uploading",
        Duration::from_secs(10),
    );
    alice.send(json!({"cmd":"cancel_transfer","account":"a","id":first.id}));
    transfer(
        &mut alice,
        "cancelled",
        &first.id,
        "cancelled",
        Duration::from_secs(10),
    );
    let theirs = bob.wait_for("cancelled by alice", |v| {
        v["event"] == "transfer"
            && v["id"] == again.as_str()
            && (v["state"] == "cancelled" || v["state"] == "done")
    });
    assert_eq!(theirs["state"], "cancelled", "finished before the cancel");
    assert_eq!(theirs["error"], "cancelled by the contact");

    // Bob cancels a transfer he receives: Alice learns it.
    let second = send_big_file(&mut alice, &bob, "Video.mkv", 64 * MIB, "x2");
    let offer = offer_of(&mut bob, "Video.mkv");
    let third = offer["id"].as_str().expect("id").to_owned();
    bob.send(json!({"cmd":"accept_file","account":"b","id":third}));
    transfer(
        &mut bob,
        "running",
        &third,
        "downloading",
        Duration::from_secs(10),
    );
    bob.send(json!({"cmd":"cancel_transfer","account":"b","id":third}));
    transfer(
        &mut bob,
        "cancelled",
        &third,
        "cancelled",
        Duration::from_secs(10),
    );
    let ended = transfer(
        &mut alice,
        "cancelled",
        &second.id,
        "cancelled",
        Duration::from_secs(10),
    );
    assert_eq!(ended["error"], "cancelled by the contact");
    // Nothing half-received is left.
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        listing(&files_dir(&bob, "b")).is_empty(),
        "{:?}",
        listing(&files_dir(&bob, "b"))
    );

    // Bob quits with an offer open: it is declined, Alice learns it at once.
    let last = send_big_file(&mut alice, &bob, "Protokoll.pdf", 6 * MIB, "x3");
    offer_of(&mut bob, "Protokoll.pdf");
    assert!(bob.quit().success());
    let ended = transfer(
        &mut alice,
        "declined on quit",
        &last.id,
        "cancelled",
        Duration::from_secs(10),
    );
    assert_eq!(ended["error"], "declined by the contact");
}

/// A Jingle offer of `name` (`data`'s size, `hash`) from a raw client,
/// in-band with stream `stream`.
fn offer_xml(to: &str, sid: &str, name: &str, size: usize, hash: &[u8], stream: &str) -> String {
    let hash = base64::engine::general_purpose::STANDARD.encode(hash);
    format!(
        "<iq xmlns='jabber:client' type='set' id='offer-{sid}' to='{to}'>\
         <jingle xmlns='urn:xmpp:jingle:1' action='session-initiate' sid='{sid}' \
           initiator='eve@localhost/raw'>\
         <content creator='initiator' name='f' senders='initiator'>\
         <description xmlns='urn:xmpp:jingle:apps:file-transfer:5'><file>\
         <name>{name}</name><size>{size}</size><media-type>text/plain</media-type>\
         <hash xmlns='urn:xmpp:hashes:2' algo='sha-256'>{hash}</hash></file></description>\
         <transport xmlns='urn:xmpp:jingle:transports:ibb:1' block-size='4096' sid='{stream}'/>\
         </content></jingle></iq>"
    )
}

/// The next `session-terminate` of `sid` that reaches the raw client: its
/// reason.
fn terminated(eve: &mut RawClient, sid: &str) -> String {
    let sid = sid.to_owned();
    let iq = eve
        .wait_stanza(Duration::from_secs(20), |el| {
            jingle_of(el).is_some_and(|j| {
                j.attr("action") == Some("session-terminate") && j.attr("sid") == Some(&sid)
            })
        })
        .expect("session-terminate");
    let reason = jingle_of(&iq)
        .and_then(|j| j.get_child("reason", "urn:xmpp:jingle:1"))
        .and_then(|r| r.children().next())
        .map(|c| c.name().to_owned());
    reason.unwrap_or_default()
}

fn jingle_of(el: &Element) -> Option<&Element> {
    (el.name() == "iq")
        .then(|| el.get_child("jingle", "urn:xmpp:jingle:1"))
        .flatten()
}

fn result_to(eve: &RawClient, iq: &Element) {
    let id = iq.attr("id").unwrap_or_default();
    let from = iq.attr("from").unwrap_or_default();
    eve.send_xml(&format!(
        "<iq xmlns='jabber:client' type='result' id='{id}' to='{from}'/>"
    ));
}

#[test]
fn a_strangers_offer_is_only_shown_and_a_damaged_file_is_discarded() {
    let server = Prosody::start_with_upload_limit(Some(MIB));
    server.register("bob", "bpw");
    server.register("eve", "epw");
    let (_dir, mut bob) = online(&server, "b", "bob", "bpw");
    let mut eve = RawClient::connect(&server, "eve", "epw");
    let bob_full = bob
        .seen
        .iter()
        .find_map(|v| {
            (v["event"] == "account_state" && v["state"] == "online")
                .then(|| v["jid"].as_str().map(str::to_owned))
                .flatten()
        })
        .expect("bob's full jid");

    // A stranger's small file: a prompt, never fetched unasked.
    let data = b"Hallo Bob, hier ist die Datei.".to_vec();
    let hash: [u8; 32] = Sha256::digest(&data).into();
    eve.send_xml(&offer_xml(
        &bob_full,
        "s1",
        "gruss.txt",
        data.len(),
        &hash,
        "st1",
    ));
    let offer = offer_of(&mut bob, "gruss.txt");
    assert_eq!(offer["contact"], false);
    assert_eq!(offer["from"], "eve@localhost/raw");
    let accepted = eve.wait_stanza(Duration::from_secs(2), |el| {
        jingle_of(el).is_some_and(|j| j.attr("action") == Some("session-accept"))
    });
    assert!(
        accepted.is_none(),
        "a stranger's offer was accepted unasked"
    );
    let id = offer["id"].as_str().expect("id").to_owned();
    bob.send(json!({"cmd":"decline_file","account":"b","id":id}));
    assert_eq!(terminated(&mut eve, "s1"), "decline");

    // Bob takes the next one; its bytes do not match the hash: discarded.
    eve.send_xml(&offer_xml(
        &bob_full,
        "s2",
        "bericht.txt",
        data.len(),
        &hash,
        "st2",
    ));
    let offer = offer_of(&mut bob, "bericht.txt");
    let id = offer["id"].as_str().expect("id").to_owned();
    bob.send(json!({"cmd":"accept_file","account":"b","id":id}));
    let accept = eve
        .wait_stanza(Duration::from_secs(10), |el| {
            jingle_of(el).is_some_and(|j| j.attr("action") == Some("session-accept"))
        })
        .expect("session-accept");
    result_to(&eve, &accept);
    let mut damaged = data.clone();
    damaged[3] ^= 0x20;
    send_in_band(&eve, &bob_full, "st2", &damaged);
    assert_eq!(terminated(&mut eve, "s2"), "media-error");
    let failed = transfer(&mut bob, "damaged", &id, "failed", Duration::from_secs(10));
    assert!(
        failed["error"].as_str().is_some_and(|e| e.contains("hash")),
        "{failed}"
    );
    assert!(listing(&files_dir(&bob, "b")).is_empty());

    // A sender that ends the session itself once its bytes are out (before
    // Bob's check): the file is still checked and kept.
    eve.send_xml(&offer_xml(
        &bob_full,
        "s3",
        "ende.txt",
        data.len(),
        &hash,
        "st3",
    ));
    let offer = offer_of(&mut bob, "ende.txt");
    let id = offer["id"].as_str().expect("id").to_owned();
    bob.send(json!({"cmd":"accept_file","account":"b","id":id}));
    let accept = eve
        .wait_stanza(Duration::from_secs(10), |el| {
            jingle_of(el).is_some_and(|j| {
                j.attr("action") == Some("session-accept") && j.attr("sid") == Some("s3")
            })
        })
        .expect("session-accept");
    result_to(&eve, &accept);
    send_in_band(&eve, &bob_full, "st3", &data);
    eve.send_xml(&format!(
        "<iq xmlns='jabber:client' type='set' id='end3' to='{bob_full}'>\
         <jingle xmlns='urn:xmpp:jingle:1' action='session-terminate' sid='s3'>\
         <reason><success/></reason></jingle></iq>"
    ));
    transfer(&mut bob, "kept", &id, "done", Duration::from_secs(10));
    assert_eq!(listing(&files_dir(&bob, "b")), vec!["ende.txt"]);
}

/// `data` in-band from the raw client: open, one block, close.
fn send_in_band(eve: &RawClient, to: &str, stream: &str, data: &[u8]) {
    let block = base64::engine::general_purpose::STANDARD.encode(data);
    for (n, payload) in [
        format!(
            "<open xmlns='http://jabber.org/protocol/ibb' block-size='4096' sid='{stream}' stanza='iq'/>"
        ),
        format!("<data xmlns='http://jabber.org/protocol/ibb' seq='0' sid='{stream}'>{block}</data>"),
        format!("<close xmlns='http://jabber.org/protocol/ibb' sid='{stream}'/>"),
    ]
    .iter()
    .enumerate()
    {
        eve.send_xml(&format!(
            "<iq xmlns='jabber:client' type='set' id='{stream}-{n}' to='{to}'>{payload}</iq>"
        ));
    }
}
