//! OMEMO messages (issue 22 parts 3, 4, 8) on a real Prosody, with the
//! reference bot (slixmpp-omemo) as the other person: Plausch encrypts to
//! the bot and decrypts what the bot sends, in both variants, live and
//! from the archive after being offline, keeps its sessions over a
//! restart, shows what it cannot decrypt (and why) instead of dropping it,
//! and never sends in plain text what was meant to be encrypted. Needs
//! `PLAUSCH_TEST_PYTHON` (tests/run.sh makes the venv).

mod common;

use serde_json::{Value, json};

use common::Prosody;
use common::bot::{Bot, BotOpts, Versions};
use common::headless::{Headless, online};

const ALICE: &str = "alice@localhost";
const BOB: &str = "bob@localhost";

/// Alice's message event with `body`, checked to be encrypted with
/// `encryption` by `device`.
#[track_caller]
fn received(alice: &mut Headless, body: &str, encryption: &str, device: u64) -> Value {
    let got = alice.wait_message("a", body);
    assert_eq!(got["encryption"], encryption, "{got}");
    assert_eq!(got["sender_device"], device, "{got}");
    assert!(got["decryption_error"].is_null(), "{got}");
    got
}

#[test]
fn plausch_and_the_bot_write_each_other_encrypted_in_both_variants() {
    let server = Prosody::with_users(&[("alice", "apw"), ("bob", "bpw"), ("carol", "cpw")]);
    let (dir, mut alice) = online(&server, "a", "alice", "apw");
    alice.wait_omemo_published();
    let alice_device = alice.own_omemo_device("a", ALICE);
    let mut bob = Bot::start(&server, "bob", "bpw", BotOpts::default());

    // To bob: his devices are fetched, a session built from his bundle,
    // and the message goes out in OMEMO 2 (his device speaks both).
    alice.send(json!({"cmd":"encryption","account":"a","with":bob.jid}));
    let state = alice.wait_for("encryption state", |v| v["event"] == "encryption");
    assert_eq!(
        state["encrypted"], "none",
        "nothing known of bob yet: {state}"
    );
    alice.send(json!({"cmd":"encryption","account":"a","with":bob.jid,"enabled":true}));
    alice.wait_for("encryption on", |v| {
        v["event"] == "encryption" && v["enabled"] == true
    });
    alice.send_message("a", &bob.jid, "secret for bob", "m1");
    let sent = alice.wait_message("a", "secret for bob");
    assert_ne!(sent["encryption"], "none", "{sent}");
    let got = bob.wait_message("secret for bob");
    assert_eq!(got["encrypted"], true, "{got}");
    assert_eq!(got["version"], "2", "{got}");
    assert_eq!(got["sender_device"], alice_device, "{got}");
    // A correction's new text is encrypted too (it went out in plain text).
    alice.send(
        json!({"cmd":"correct","account":"a","id":sent["id"],"body":"secret for bob, fixed"}),
    );
    let got = bob.wait_message("secret for bob, fixed");
    assert_eq!(got["encrypted"], true, "{got}");

    // From bob, in both variants.
    bob.refresh(ALICE);
    let sent = bob.send_encrypted(ALICE, "bob writes omemo 2");
    assert_eq!(sent["versions"], json!(["2"]), "{sent}");
    let bob_device = bob.device_id();
    received(&mut alice, "bob writes omemo 2", "omemo2", bob_device);
    bob.send_encrypted_as(ALICE, "bob writes old omemo", "0.3");
    received(&mut alice, "bob writes old omemo", "omemo", bob_device);

    // Offline: what bob wrote meanwhile comes from the archive, decrypted,
    // and the sessions survived the restart (no new key exchange needed).
    alice.quit();
    bob.send_encrypted(ALICE, "while you were away");
    bob.send_encrypted_as(ALICE, "old omemo while away", "0.3");
    let mut alice = Headless::start(dir.path());
    alice.wait_state("a", "online");
    received(&mut alice, "while you were away", "omemo2", bob_device);
    received(&mut alice, "old omemo while away", "omemo", bob_device);
    alice.send_message("a", &bob.jid, "back again", "m2");
    let got = bob.wait_message("back again");
    assert_eq!(got["encrypted"], true, "{got}");

    // The history keeps the text and how it came.
    let history = alice.full_history("a", &bob.jid);
    let by_body = |b: &str| {
        history
            .iter()
            .find(|m| m["body"] == b)
            .unwrap_or_else(|| panic!("{b} not in {history:?}"))
            .clone()
    };
    assert_eq!(by_body("bob writes old omemo")["encryption"], "omemo");
    assert_eq!(by_body("secret for bob, fixed")["encryption"], "omemo2");

    // Carol has no OMEMO: with encryption on, the message fails with the
    // reason and is never sent in plain text.
    let carol = format!("carol@{}", server.domain());
    alice.send(json!({"cmd":"encryption","account":"a","with":carol,"enabled":true}));
    alice.wait_for("encryption on for carol", |v| {
        v["event"] == "encryption" && v["with"] == carol.as_str()
    });
    alice.send(json!({"cmd":"send","account":"a","to":carol,"body":"must not leak","ref":"m3"}));
    let failed = alice.wait_for("failed for carol", |v| {
        v["event"] == "message_state" && v["state"] == "failed"
    });
    assert!(
        failed["error"]
            .as_str()
            .is_some_and(|e| e.contains("no device that can receive encrypted messages")),
        "{failed}"
    );
    assert!(!alice.stderr_log().contains("must not leak"));
}

#[test]
fn what_cannot_be_decrypted_is_shown_with_the_reason() {
    let server = Prosody::with_users(&[("alice", "apw"), ("bob", "bpw")]);
    let (_dir, mut alice) = online(&server, "a", "alice", "apw");
    alice.wait_omemo_published();
    let alice_device = alice.own_omemo_device("a", ALICE);
    let mut bob = Bot::start(&server, "bob", "bpw", BotOpts::versions(Versions::Old));
    let bob_device = bob.device_id();

    // For another device only (not ours): kept, marked.
    let other = if alice_device == 4242 { 4243 } else { 4242 };
    bob.send_json(json!({"cmd":"raw","xml": format!(
        "<message xmlns='jabber:client' to='{ALICE}' type='chat' id='nf1'>\
         <encrypted xmlns='eu.siacs.conversations.axolotl'><header sid='{bob_device}'>\
         <key rid='{other}'>AAAA</key><iv>AAAAAAAAAAAAAAAA</iv></header>\
         <payload>AAAA</payload></encrypted>\
         <body>I sent you an OMEMO encrypted message</body></message>"
    )}));
    let got = alice.wait_for("undecryptable message", |v| {
        v["event"] == "message" && v["decryption_error"].is_string()
    });
    let m = &got;
    assert_eq!(m["decryption_error"], "not_for_this_device", "{got}");
    assert_eq!(m["encryption"], "omemo", "{got}");
    assert_eq!(m["body"], "", "the fallback text is not the message: {got}");

    // For our device but garbage, no session: kept, marked.
    bob.send_json(json!({"cmd":"raw","xml": format!(
        "<message xmlns='jabber:client' to='{ALICE}' type='chat' id='nf2'>\
         <encrypted xmlns='eu.siacs.conversations.axolotl'><header sid='{bob_device}'>\
         <key rid='{alice_device}' prekey='true'>AAECAwQ=</key><iv>AAAAAAAAAAAAAAAA</iv></header>\
         <payload>AAAA</payload></encrypted></message>"
    )}));
    let got = alice.wait_for("garbage", |v| {
        v["event"] == "message" && v["decryption_error"].is_string() && v["id"] != m["id"]
    });
    assert_eq!(got["decryption_error"], "broken", "{got}");

    // A real one still works afterwards.
    bob.refresh(ALICE);
    bob.send_encrypted(ALICE, "a good one");
    received(&mut alice, "a good one", "omemo", bob_device);

    // And the answer goes out in the old variant, the only one bob has.
    alice.send(json!({"cmd":"encryption","account":"a","with":bob.jid,"enabled":true}));
    alice.send_message("a", &bob.jid, "answer in old omemo", "o1");
    let got = bob.wait_message("answer in old omemo");
    assert_eq!(got["encrypted"], true, "{got}");
    assert_eq!(got["version"], "0.3", "{got}");
    let history = alice.full_history("a", &bob.jid);
    let sent = history
        .iter()
        .find(|m| m["body"] == "answer in old omemo")
        .unwrap_or_else(|| panic!("not in {history:?}"));
    assert_eq!(sent["encryption"], "omemo", "{sent}");
}

#[test]
fn a_contact_with_two_devices_reads_on_both() {
    let server = Prosody::with_users(&[("alice", "apw"), ("bob", "bpw")]);
    let (_dir, mut alice) = online(&server, "a", "alice", "apw");
    alice.wait_omemo_published();
    let mut phone = Bot::start(&server, "bob", "bpw", BotOpts::default());
    let mut laptop = Bot::start(&server, "bob", "bpw", BotOpts::versions(Versions::Old));
    assert_ne!(phone.device_id(), laptop.device_id());

    alice.send(json!({"cmd":"encryption","account":"a","with":phone.jid,"enabled":true}));
    alice.send_message("a", &phone.jid.clone(), "to both of bob's devices", "t1");
    for (bot, version) in [(&mut phone, "2"), (&mut laptop, "0.3")] {
        let got = bot.wait_message("to both of bob's devices");
        assert_eq!(got["encrypted"], true, "{got}");
        assert_eq!(got["version"], version, "{got}");
    }
    // Alice lists both devices, blindly trusted.
    alice.send(json!({"cmd":"devices","account":"a","jid":phone.jid}));
    let d = alice.wait_for("bob's devices", |v| {
        v["event"] == "devices" && v["jid"] == phone.jid.as_str()
    });
    let ids: std::collections::BTreeSet<u64> = d["devices"]
        .as_array()
        .map(|d| d.iter().filter_map(|d| d["id"].as_u64()).collect())
        .unwrap_or_default();
    assert!(
        ids.contains(&phone.device_id()) && ids.contains(&laptop.device_id()),
        "{d}"
    );
}

#[test]
fn our_other_device_reads_what_we_write_and_what_we_get() {
    let server = Prosody::with_users(&[("alice", "apw"), ("bob", "bpw")]);
    let (_dirs, mut laptop, mut phone) =
        common::headless::two_devices(&server, "a", "alice", "apw");
    laptop.wait_omemo_published();
    phone.wait_omemo_published();
    let laptop_device = laptop.own_omemo_device("a", ALICE);
    // The laptop knows the phone's device from our own list.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        laptop.send(json!({"cmd":"devices","account":"a","jid":ALICE}));
        let d = laptop.wait_for("devices", |v| v["event"] == "devices" && v["jid"] == ALICE);
        let others = d["devices"].as_array().map_or(0, |d| {
            d.iter()
                .filter(|d| d["own"] != true && d["active"] == true)
                .count()
        });
        if others > 0 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the phone's device never showed: {d}"
        );
        std::thread::sleep(std::time::Duration::from_millis(300));
    }
    let mut bob = Bot::start(&server, "bob", "bpw", BotOpts::default());

    laptop.send(json!({"cmd":"encryption","account":"a","with":bob.jid,"enabled":true}));
    laptop.send_message("a", &bob.jid, "from the laptop", "l1");
    let got = bob.wait_message("from the laptop");
    assert_eq!(got["encrypted"], true, "{got}");
    // The phone's copy (a carbon) is ours, decrypted.
    let copy = phone.wait_message("a", "from the laptop");
    assert_eq!(copy["direction"], "out", "{copy}");
    assert_eq!(copy["encryption"], "omemo2", "{copy}");
    assert_eq!(copy["sender_device"], laptop_device, "{copy}");

    // Bob's answer reaches both devices.
    bob.refresh(ALICE);
    bob.send_encrypted(ALICE, "to all of alice");
    for device in [&mut laptop, &mut phone] {
        let got = device.wait_message("a", "to all of alice");
        assert_eq!(got["encryption"], "omemo2", "{got}");
    }
}

/// Alice's `devices` answer for `jid`, asked until `done` holds (a list
/// notification may still be on its way).
fn devices_until(alice: &mut Headless, jid: &str, done: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        alice.send(json!({"cmd":"devices","account":"a","jid":jid}));
        let d = alice.wait_for("devices", |v| v["event"] == "devices" && v["jid"] == jid);
        let devices = d["devices"].as_array().cloned().unwrap_or_default();
        if done(&devices) {
            return devices;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "devices of {jid} never as expected: {d}"
        );
        std::thread::sleep(std::time::Duration::from_millis(300));
    }
}

/// The trust of device `id` in OMEMO 2 (the bots speak both variants;
/// Plausch encrypts to them with OMEMO 2 and knows that key).
fn trust_of(devices: &[Value], id: u64) -> Option<&str> {
    devices
        .iter()
        .find(|d| d["id"] == id && d["version"] == "omemo2")
        .and_then(|d| d["trust"].as_str())
}

/// Part 9: a contact's new device appears through the list notification
/// (PEP, mutual subscription): before any verification it is blindly
/// trusted and gets the next message; once the user verified one of the
/// contact's devices, a new one waits for a decision and gets nothing
/// until the user trusts it.
#[test]
fn a_new_device_of_a_contact_is_trusted_blindly_until_one_is_verified() {
    let server = Prosody::with_users(&[("alice", "apw"), ("bob", "bpw")]);
    let (_dir, mut alice) = online(&server, "a", "alice", "apw");
    alice.wait_omemo_published();
    let mut phone = Bot::start(&server, "bob", "bpw", BotOpts::default());
    let bob_jid = phone.jid.clone();
    // Mutual contacts (the bot accepts and asks back), then a presence
    // with our caps: the server sends us bob's list changes from now on.
    alice.send(json!({"cmd":"add_contact","account":"a","jid":bob_jid,"preapprove":true}));
    alice.wait_for("mutual", |v| {
        v["event"] == "roster"
            && common::headless::roster_entry(v, &bob_jid)
                .is_some_and(|c| c["subscription"] == "both")
    });
    alice.send(json!({"cmd":"set_presence","account":"a","presence":"available"}));
    let phone_id = phone.device_id();
    devices_until(&mut alice, &bob_jid, |d| {
        trust_of(d, phone_id) == Some("blind")
    });
    alice.send(json!({"cmd":"encryption","account":"a","with":bob_jid,"enabled":true}));
    alice.send_message("a", &bob_jid, "to the phone", "n1");
    assert_eq!(phone.wait_message("to the phone")["encrypted"], true);

    // A laptop appears: no device is verified yet, so it is trusted
    // blindly and reads the next message.
    let mut laptop = Bot::start(&server, "bob", "bpw", BotOpts::default());
    let laptop_id = laptop.device_id();
    devices_until(&mut alice, &bob_jid, |d| {
        trust_of(d, laptop_id) == Some("blind")
    });
    alice.send_message("a", &bob_jid, "to phone and laptop", "n2");
    for bot in [&mut phone, &mut laptop] {
        assert_eq!(bot.wait_message("to phone and laptop")["encrypted"], true);
    }

    // Alice verifies the phone; a tablet appears and waits for her.
    alice.send(json!({"cmd":"trust_device","account":"a","jid":bob_jid,"device":phone_id,"trust":"verified","version":"omemo2"}));
    devices_until(&mut alice, &bob_jid, |d| {
        trust_of(d, phone_id) == Some("verified")
    });
    let mut tablet = Bot::start(&server, "bob", "bpw", BotOpts::default());
    let tablet_id = tablet.device_id();
    let devices = devices_until(&mut alice, &bob_jid, |d| {
        trust_of(d, tablet_id) == Some("undecided")
    });
    assert_eq!(trust_of(&devices, laptop_id), Some("blind"), "{devices:?}");
    alice.send_message("a", &bob_jid, "not for the tablet yet", "n3");
    assert_eq!(
        phone.wait_message("not for the tablet yet")["encrypted"],
        true
    );
    let refused = tablet.wait_for("the message it cannot read", |v| {
        v["event"] == "message" && v["from"].as_str().is_some_and(|f| f.starts_with(ALICE))
    });
    assert!(
        refused["body"].is_null(),
        "the tablet must not read it: {refused}"
    );

    // Once she trusts it (its key is not known before its bundle is read,
    // so not verified yet), the tablet reads along.
    alice.send(json!({"cmd":"trust_device","account":"a","jid":bob_jid,"device":tablet_id,"trust":"blind"}));
    devices_until(&mut alice, &bob_jid, |d| {
        trust_of(d, tablet_id) == Some("blind")
    });
    alice.send_message("a", &bob_jid, "now the tablet too", "n4");
    assert_eq!(tablet.wait_message("now the tablet too")["encrypted"], true);
}

/// A server with an HTTPS upload service, Alice (Plausch, device
/// published) and Bob (the reference bot).
fn with_https_upload() -> (Prosody, tempfile::TempDir, Headless, Bot) {
    let server = Prosody::start_with_upload(None, common::prosody::Upload::Https);
    server.register("alice", "apw");
    server.register("bob", "bpw");
    let (dir, mut alice) = online(&server, "a", "alice", "apw");
    alice.wait_omemo_published();
    let bob = Bot::start(&server, "bob", "bpw", BotOpts::default());
    (server, dir, alice, bob)
}

/// Uploads `plain` encrypted (XEP-0454) through the server's upload
/// service as `user`, with Plausch's own transfer code; returns the
/// `aesgcm://` link to send.
fn upload_encrypted(
    server: &Prosody,
    user: &str,
    password: &str,
    name: &str,
    plain: &[u8],
) -> String {
    use plausch::files::transfer::{Http, Policy, Put};
    use plausch::xmpp::aesgcm::AesGcmLink;
    use std::time::Duration;
    use tokio_xmpp::parsers::http_upload::SlotResult;
    let mut raw = common::raw::RawClient::connect(server, user, password);
    raw.send_xml(&format!(
        "<iq xmlns='jabber:client' type='get' id='slot1' to='{}'>\
         <request xmlns='urn:xmpp:http:upload:0' filename='{name}' size='{}' \
         content-type='application/octet-stream'/></iq>",
        server.upload_domain(),
        plain.len() + omemo::media::TAG_LEN
    ));
    let answer = raw
        .wait_stanza(Duration::from_secs(10), |el| el.attr("id") == Some("slot1"))
        .expect("a slot");
    let slot = answer
        .children()
        .find_map(|c| SlotResult::try_from(c.clone()).ok())
        .unwrap_or_else(|| panic!("no slot in {}", String::from(&answer)));
    let dir = tempfile::tempdir().expect("temp dir");
    let source = dir.path().join(name);
    std::fs::write(&source, plain).expect("write the file");
    let key = omemo::media::MediaKey::generate(&mut rand_core::OsRng);
    let tls =
        plausch::account::tls::http_client_config(Some(&server.ca_file()), None).expect("tls");
    let http = Http::new(
        tls,
        Policy {
            own_domain: "localhost".into(),
        },
    )
    .expect("http client");
    let put = Put {
        url: slot.put.url.clone(),
        headers: slot
            .put
            .headers
            .iter()
            .map(|h| (h.name.as_str().to_owned(), h.value.clone()))
            .collect(),
    };
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(http.upload(
        &put,
        &source,
        plain.len() as u64,
        "application/octet-stream",
        Some(&key),
        std::sync::Arc::new(|_| {}),
    ))
    .expect("upload");
    AesGcmLink::new(&slot.get.url, &key.iv, *key.key)
        .expect("an https link")
        .to_link()
}

/// XEP-0454 (issue 23): a file the other client sends in an encrypted
/// chat is an `aesgcm://` link in the OMEMO body; Plausch shows it as a
/// file, downloads it over HTTPS and keeps it decrypted (nothing of it
/// plain on the server).
#[test]
fn an_encrypted_file_link_is_shown_as_a_file_and_downloaded_decrypted() {
    let (server, dir, mut alice, mut bob) = with_https_upload();
    let plain: Vec<u8> = (0..300_000u32).map(|i| (i % 253) as u8).collect();
    let link = upload_encrypted(&server, "bob", "bpw", "Protokoll März.pdf", &plain);
    assert!(link.starts_with("aesgcm://"), "{link}");

    bob.refresh(ALICE);
    bob.send_encrypted(ALICE, &link);
    let got = alice.wait_for("the file message", |v| {
        v["event"] == "message" && v["file"].is_object()
    });
    assert_eq!(got["encryption"], "omemo2", "{got}");
    assert_eq!(got["file"]["name"], "Protokoll März.pdf", "{got}");
    let id = got["id"].as_str().expect("id").to_owned();
    alice.send(json!({"cmd":"download","account":"a","id":id}));
    let done = alice.wait_for("downloaded", |v| {
        v["event"] == "transfer" && v["id"] == id.as_str() && v["state"] == "done"
    });
    let stored = alice.wait_for("the file's path", |v| {
        v["event"] == "message_updated" && v["id"] == id.as_str() && v["file"]["transfer"] == "done"
    });
    let path = stored["file"]["path"]
        .as_str()
        .unwrap_or_else(|| panic!("no path: {stored} / {done}"))
        .to_owned();
    assert_eq!(std::fs::read(&path).expect("the file"), plain, "decrypted");
    assert!(
        path.starts_with(dir.path().to_str().unwrap_or_default()),
        "{path}"
    );
}

/// XEP-0454 the other way (issue 23): a file Alice sends in an encrypted
/// chat goes up encrypted and out only as an `aesgcm://` link inside
/// OMEMO; the reference bot downloads it and opens it with slixmpp's own
/// XEP-0454 code.
#[test]
fn a_file_sent_in_an_encrypted_chat_goes_up_encrypted_and_the_bot_opens_it() {
    use sha2::Digest;
    let (server, dir, mut alice, mut bob) = with_https_upload();
    alice.send(json!({"cmd":"encryption","account":"a","with":bob.jid,"enabled":true}));
    alice.wait_for("encryption on", |v| {
        v["event"] == "encryption" && v["enabled"] == true
    });
    let plain: Vec<u8> = (0..150_000u32).map(|i| (i % 241) as u8).collect();
    let source = dir.path().join("Haushalt 2027.ods");
    std::fs::write(&source, &plain).expect("write the file");
    alice.send(json!({"cmd":"send_file","account":"a","to":bob.jid,"path":source,"ref":"f1"}));
    let got = bob.wait_for("the file's link", |v| {
        v["event"] == "message"
            && v["body"]
                .as_str()
                .is_some_and(|b| b.starts_with("aesgcm://"))
    });
    assert_eq!(got["encrypted"], true, "only inside OMEMO: {got}");
    let link = got["body"].as_str().unwrap_or_default().to_owned();
    assert!(link.contains("Haushalt%202027.ods#"), "{link}");
    bob.send_json(json!({"cmd":"fetch_aesgcm","url":link,"ref":"get"}));
    let fetched = bob.wait_for("fetched", |v| {
        v["event"] == "fetched" || v["event"] == "error"
    });
    let want: String = sha2::Sha256::digest(&plain)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(fetched["event"], "fetched", "{fetched}");
    assert_eq!(fetched["size"], plain.len(), "{fetched}");
    assert_eq!(fetched["sha256"], want.as_str(), "{fetched}");

    // The server's archives hold neither the link nor the file's name: the
    // message carried nothing about the file outside OMEMO.
    for user in ["alice", "bob"] {
        let archive = server
            .dir()
            .join("data")
            .join("localhost")
            .join("archive")
            .join(format!("{user}.list"));
        let stored = std::fs::read_to_string(&archive).unwrap_or_default();
        assert!(stored.contains("OMEMO"), "{user}'s archive has the message");
        for secret in ["aesgcm", "Haushalt", "file_share"] {
            assert!(!stored.contains(secret), "{secret} in {user}'s archive");
        }
    }

    // Alice's record: an encrypted message with the file's own name and size.
    let history = alice.full_history("a", &bob.jid);
    let sent = history
        .iter()
        .find(|m| m["file"]["name"] == "Haushalt 2027.ods")
        .unwrap_or_else(|| panic!("not in {history:?}"));
    assert_ne!(sent["encryption"], "none", "{sent}");
    assert_eq!(sent["file"]["size"], plain.len(), "{sent}");
}

/// An encrypted image from a contact (issue 23, with issue 24's `HEAD`):
/// its link says no size, so the server is asked, and then the normal
/// rules fetch it on their own and make a preview.
#[test]
fn an_encrypted_image_from_a_contact_is_sized_fetched_and_previewed() {
    let (server, _dir, mut alice, mut bob) = with_https_upload();
    alice.send(json!({"cmd":"add_contact","account":"a","jid":bob.jid,"preapprove":true}));
    let bob_jid = bob.jid.clone();
    alice.wait_for("mutual", |v| {
        v["event"] == "roster"
            && common::headless::roster_entry(v, &bob_jid)
                .is_some_and(|c| c["subscription"] == "both")
    });
    let mut png = std::io::Cursor::new(Vec::new());
    image::RgbImage::from_pixel(64, 48, image::Rgb([200, 30, 30]))
        .write_to(&mut png, image::ImageFormat::Png)
        .expect("a PNG");
    let png = png.into_inner();
    let link = upload_encrypted(&server, "bob", "bpw", "Foto.png", &png);
    bob.refresh(ALICE);
    bob.send_encrypted(ALICE, &link);
    let got = alice.wait_for("the image message", |v| {
        v["event"] == "message" && v["file"].is_object()
    });
    let id = got["id"].as_str().expect("id").to_owned();
    assert_eq!(got["file"]["transfer"], "available", "{got}");
    let done = alice.wait_for("fetched on its own", |v| {
        v["event"] == "message_updated" && v["id"] == id.as_str() && v["file"]["transfer"] == "done"
    });
    assert_eq!(done["file"]["size"], png.len(), "{done}");
    assert!(done["file"]["thumbnail"].is_string(), "a preview: {done}");
}

/// Issue 23 part 3: a session that broke (here: Alice lost hers, as after
/// restoring an old copy of her profile) shows on the contact's device
/// with the reason, and "reset session" starts a new one that the
/// contact's client takes up: their next message reads again.
#[test]
fn a_broken_session_is_shown_on_the_device_and_reset() {
    let server = Prosody::with_users(&[("alice", "apw"), ("bob", "bpw")]);
    let (dir, mut alice) = online(&server, "a", "alice", "apw");
    alice.wait_omemo_published();
    let mut bob = Bot::start(&server, "bob", "bpw", BotOpts::default());
    let bob_device = bob.device_id();
    bob.refresh(ALICE);
    bob.send_encrypted(ALICE, "before");
    received(&mut alice, "before", "omemo2", bob_device);
    // Alice answers the new session at once: bob's next message is no
    // key exchange any more.
    bob.wait_for("alice's answer", |v| v["event"] == "empty_omemo");

    assert!(alice.quit().success());
    let path = dir.path().join("accounts/a/history.sqlite");
    let device = plausch::xmpp::omemo::DeviceId::new(bob_device as u32).expect("device id");
    plausch::store::Store::open(&path)
        .and_then(|mut s| s.delete_omemo_sessions(BOB, device))
        .expect("session deleted");
    let mut alice = Headless::start(dir.path());
    alice.wait_state("a", "online");

    bob.send_encrypted(ALICE, "lost");
    let got = alice.wait_for("the undecryptable one", |v| {
        v["event"] == "message" && v["decryption_error"].is_string()
    });
    assert_eq!(got["decryption_error"], "no_session", "{got}");
    let devices = devices_until(&mut alice, BOB, |d| {
        d.iter()
            .any(|d| d["id"] == bob_device && d["problem"] == "session_broken")
    });
    assert!(!devices.is_empty());

    alice.send(json!({"cmd":"omemo_reset_session","account":"a","jid":BOB,"device":bob_device}));
    devices_until(&mut alice, BOB, |d| {
        d.iter()
            .filter(|d| d["id"] == bob_device)
            .all(|d| d["problem"].is_null())
    });
    // The new session reaches bob as an empty message (key transport).
    bob.wait_for("the new session", |v| v["event"] == "empty_omemo");
    bob.send_encrypted(ALICE, "after the reset");
    received(&mut alice, "after the reset", "omemo2", bob_device);
}
