//! Avatars (XEP-0084 with the XEP-0153 fallback) against a real Prosody:
//! publishing and seeing them, the cache across restarts, and what a
//! hostile contact may try (spoofed hashes, forged notifications, image
//! bombs).

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use base64::Engine as _;
use common::Prosody;
#[cfg(target_os = "linux")]
use common::files::peak_rss_kib;
use common::headless::{Headless, befriend, chat_xml, online, roster_entry, two_devices};
use common::raw::RawClient;
use serde_json::{Value, json};

const DOMAIN: &str = "localhost";

fn jid(user: &str) -> String {
    format!("{user}@{DOMAIN}")
}

/// A 300×200 (or any size) PNG file with a gradient.
fn png_file(dir: &Path, name: &str, w: u32, h: u32) -> PathBuf {
    let path = dir.join(name);
    image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 77])
    })
    .save(&path)
    .expect("write test PNG");
    path
}

fn png_bytes(w: u32, h: u32, shade: u8) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(w, h, image::Rgb([shade, 0, 0])))
        .write_to(&mut out, image::ImageFormat::Png)
        .expect("encode PNG");
    out.into_inner()
}

fn sha1_hex(bytes: &[u8]) -> String {
    use sha1::Digest as _;
    format!("{:x}", sha1::Sha1::digest(bytes))
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[path = "../src/avatar_image/png_bomb.rs"]
mod png_bomb;

/// A PNG declaring `w`×`h` pixels with a few bytes of pixel data.
fn png_bomb(w: u32, h: u32) -> Vec<u8> {
    png_bomb::png_bomb(w, h, 8)
}

fn publish_xml(node: &str, item_id: Option<&str>, payload: &str) -> String {
    let id_attr = item_id.map(|i| format!(" id='{i}'")).unwrap_or_default();
    format!(
        "<iq xmlns='jabber:client' type='set' id='{}'>\
         <pubsub xmlns='http://jabber.org/protocol/pubsub'><publish node='{node}'>\
         <item{id_attr}>{payload}</item></publish></pubsub></iq>",
        uuid::Uuid::new_v4()
    )
}

/// Publishes `data` as XEP-0084 avatar under `id` (normally its SHA-1),
/// claiming `bytes`; `metadata: false` publishes only the data item.
fn raw_publish(raw: &RawClient, data: &[u8], id: &str, bytes: usize, metadata: bool) {
    raw.send_xml(&publish_xml(
        "urn:xmpp:avatar:data",
        Some(id),
        &format!("<data xmlns='urn:xmpp:avatar:data'>{}</data>", b64(data)),
    ));
    if metadata {
        raw.send_xml(&publish_xml(
            "urn:xmpp:avatar:metadata",
            Some(id),
            &format!(
                "<metadata xmlns='urn:xmpp:avatar:metadata'>\
                 <info id='{id}' bytes='{bytes}' type='image/png' width='64' height='64'/></metadata>"
            ),
        ));
    }
}

/// The same with a raw client (it pre-approves and asks; `b` accepts).
fn befriend_raw(raw: &RawClient, raw_jid: &str, b: &mut Headless, b_acc: &str) {
    let b_jid = jid("bob");
    raw.send_xml(&format!(
        "<presence xmlns='jabber:client' type='subscribed' to='{b_jid}'/>"
    ));
    raw.send_xml(&format!(
        "<presence xmlns='jabber:client' type='subscribe' to='{b_jid}'/>"
    ));
    b.wait_for("request", |v| {
        v["event"] == "subscription_request" && v["jid"] == raw_jid
    });
    b.send(json!({"cmd":"answer_subscription","account":b_acc,"jid":raw_jid,"accept":true}));
    b.wait_for("mutual", |v| {
        v["event"] == "roster"
            && roster_entry(v, raw_jid).is_some_and(|c| c["subscription"] == "both")
    });
    b.send(json!({"cmd":"set_presence","account":b_acc,"presence":"available"}));
}

fn avatar_event(client: &mut Headless, of: &str) -> Value {
    client.wait_for(&format!("avatar of {of}"), |v| {
        v["event"] == "avatar" && v["jid"] == of && v["path"].is_string()
    })
}

/// Asserts a thumbnail: an existing PNG of at most 96×96.
#[track_caller]
fn assert_thumbnail(path: &str) {
    let (w, h) = image::image_dimensions(path).expect("a readable thumbnail");
    assert!(w <= 96 && h <= 96 && w == h, "thumbnail is {w}×{h}");
    assert_eq!(
        image::ImageFormat::from_path(path).ok(),
        Some(image::ImageFormat::Png)
    );
}

/// Waits until the client's log contains `needle` at least `count` times.
fn wait_log(client: &Headless, needle: &str, count: usize) {
    let deadline = Instant::now() + common::headless::WAIT;
    while client.stderr_log().matches(needle).count() < count {
        assert!(
            Instant::now() < deadline,
            "{needle:?} not logged {count} times; log tail:\n{}",
            tail(&client.stderr_log())
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn tail(log: &str) -> String {
    let lines: Vec<&str> = log.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}

#[test]
fn an_avatar_reaches_contacts_and_other_devices_and_is_cached() {
    let server = Prosody::with_users(&[("alice", "apw"), ("bob", "bpw")]);
    let (alice_dirs, mut laptop, mut phone) = two_devices(&server, "a", "alice", "apw");
    let (bob_dir, mut bob) = online(&server, "b", "bob", "bpw");
    befriend(&mut laptop, "a", &jid("alice"), &mut bob, "b", &jid("bob"));

    let pictures = tempfile::tempdir().expect("temp dir");
    let picture = png_file(pictures.path(), "me.png", 300, 200);
    laptop.send(json!({"cmd":"set_avatar","account":"a","path":picture}));
    let own = avatar_event(&mut laptop, &jid("alice"));
    assert_thumbnail(own["path"].as_str().unwrap_or_default());

    // The contact and the other device get it from the server.
    let seen = avatar_event(&mut bob, &jid("alice"));
    let path = seen["path"].as_str().unwrap_or_default().to_owned();
    assert_thumbnail(&path);
    assert!(path.starts_with(bob_dir.path().to_str().unwrap_or("?")));
    assert_thumbnail(
        avatar_event(&mut phone, &jid("alice"))["path"]
            .as_str()
            .unwrap_or_default(),
    );

    // After a restart the roster has it from the cache: nothing is fetched.
    assert!(bob.quit().success());
    let mut bob = Headless::start(bob_dir.path());
    bob.wait_state("b", "online");
    bob.send(json!({"cmd":"roster","account":"b"}));
    let roster = bob.wait_for("roster", |v| {
        v["event"] == "roster" && roster_entry(v, &jid("alice")).is_some()
    });
    assert_eq!(
        roster_entry(&roster, &jid("alice")).unwrap_or_default()["avatar"],
        path
    );
    // Give the server's push of Alice's metadata time to arrive.
    bob.wait_for("alice online", |v| {
        v["event"] == "presence" && v["jid"] == jid("alice")
    });
    std::thread::sleep(Duration::from_secs(1));
    assert!(
        !bob.stderr_log().contains("fetching avatar"),
        "cached avatar fetched again"
    );

    // A new device of Alice's learns her avatar at login.
    let fresh = tempfile::tempdir().expect("temp profile");
    let mut tablet = Headless::start(fresh.path());
    tablet.add_account(common::headless::account(&server, "a", "alice", "apw"));
    assert_thumbnail(
        avatar_event(&mut tablet, &jid("alice"))["path"]
            .as_str()
            .unwrap_or_default(),
    );

    // Removed: contacts and devices see it go.
    laptop.send(json!({"cmd":"set_avatar","account":"a"}));
    let gone =
        |v: &Value| v["event"] == "avatar" && v["jid"] == jid("alice") && v["path"].is_null();
    bob.wait_for("avatar removed", gone);
    phone.wait_for("own avatar removed", gone);
    laptop.wait_for("answer", gone);
    drop(alice_dirs);
}

#[test]
fn setting_an_unusable_file_is_an_error() {
    let server = Prosody::with_users(&[("alice", "apw")]);
    let (_dir, mut alice) = online(&server, "a", "alice", "apw");
    let files = tempfile::tempdir().expect("temp dir");
    let text = files.path().join("notes.png");
    std::fs::write(&text, "not an image").expect("write");
    for path in [text, files.path().join("missing.png")] {
        alice.send(json!({"cmd":"set_avatar","account":"a","path":path}));
        let e = alice.wait_for("error", |v| v["event"] == "error" && v["account"] == "a");
        assert!(
            e["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("avatar not changed")),
            "{e}"
        );
    }
    assert!(!alice.seen.iter().any(|v| v["event"] == "avatar"));
}

#[test]
fn an_old_client_s_vcard_photo_is_used() {
    let server = Prosody::with_users(&[("bob", "bpw"), ("dave", "dpw")]);
    let (_dir, mut bob) = online(&server, "b", "bob", "bpw");
    // Bob has Dave in his roster; Dave has not answered, so the server
    // sends Bob none of Dave's PEP notifications: only the vCard way works.
    bob.send(json!({"cmd":"add_contact","account":"b","jid":jid("dave")}));
    bob.wait_for("dave in roster", |v| {
        v["event"] == "roster" && roster_entry(v, &jid("dave")).is_some()
    });
    let dave = RawClient::connect(&server, "dave", "dpw");
    let photo = png_bytes(64, 64, 200);
    let hash = sha1_hex(&photo);
    // Line-wrapped base64, as many vCard writers do.
    let wrapped: String = b64(&photo)
        .as_bytes()
        .chunks(76)
        .map(|c| format!("{}\n", String::from_utf8_lossy(c)))
        .collect();
    dave.send_xml(&format!(
        "<iq xmlns='jabber:client' type='set' id='v1'><vCard xmlns='vcard-temp'><FN>Dave</FN>\
         <PHOTO><TYPE>image/png</TYPE><BINVAL>{wrapped}</BINVAL></PHOTO></vCard></iq>"
    ));
    dave.send_xml(&format!(
        "<presence xmlns='jabber:client' to='{}'>\
         <x xmlns='vcard-temp:x:update'><photo>{hash}</photo></x></presence>",
        jid("bob")
    ));
    let seen = avatar_event(&mut bob, &jid("dave"));
    let path = seen["path"].as_str().unwrap_or_default();
    assert!(path.ends_with(&format!("{hash}.png")), "{path}");
    assert_thumbnail(path);
}

#[test]
fn spoofed_avatars_are_refused() {
    let server = Prosody::with_users(&[("alice", "apw"), ("bob", "bpw"), ("mallory", "mpw")]);
    let (bob_dir, mut bob) = online(&server, "b", "bob", "bpw");
    let mallory = RawClient::connect(&server, "mallory", "mpw");
    befriend_raw(&mallory, &jid("mallory"), &mut bob, "b");
    let cached = |hash: &str| {
        bob_dir
            .path()
            .join("accounts/b/avatars")
            .join(format!("{hash}.png"))
            .exists()
    };

    // Data that does not hash to the announced id.
    let claimed = png_bytes(32, 32, 10);
    let served = png_bytes(32, 32, 250);
    let claimed_hash = sha1_hex(&claimed);
    raw_publish(&mallory, &served, &claimed_hash, served.len(), true);
    wait_log(&bob, "avatar refused", 1);

    // A notification a client sent (full JID), claiming to be Alice's,
    // for an image Mallory really has in her data node.
    let planted = png_bytes(32, 32, 128);
    let planted_hash = sha1_hex(&planted);
    raw_publish(&mallory, &planted, &planted_hash, planted.len(), false);
    mallory.send_message_xml(&format!(
        "<message xmlns='jabber:client' type='headline' to='{}'>\
         <event xmlns='http://jabber.org/protocol/pubsub#event'>\
         <items node='urn:xmpp:avatar:metadata'><item id='{planted_hash}' publisher='{}'>\
         <metadata xmlns='urn:xmpp:avatar:metadata'>\
         <info id='{planted_hash}' bytes='{}' type='image/png'/></metadata></item></items>\
         </event></message>",
        jid("bob"),
        jid("alice"),
        planted.len()
    ));
    wait_log(&bob, "avatar notification not from a bare JID ignored", 1);

    // A real avatar of Mallory's still comes through, after all of the above.
    let real = png_bytes(48, 48, 60);
    raw_publish(&mallory, &real, &sha1_hex(&real), real.len(), true);
    avatar_event(&mut bob, &jid("mallory"));
    let wrong: Vec<&Value> = bob
        .seen
        .iter()
        .filter(|v| {
            v["event"] == "avatar"
                && (v["jid"] == jid("alice")
                    || v["path"]
                        .as_str()
                        .is_some_and(|p| p.contains(&claimed_hash) || p.contains(&planted_hash)))
        })
        .collect();
    assert!(wrong.is_empty(), "spoofed avatar accepted: {wrong:?}");
    assert!(!cached(&claimed_hash) && !cached(&planted_hash));
}

#[test]
fn image_bombs_are_refused_and_the_client_lives_on() {
    let server = Prosody::with_users(&[("bob", "bpw"), ("eve", "epw")]);
    let (_dir, mut bob) = online(&server, "b", "bob", "bpw");
    let eve = RawClient::connect(&server, "eve", "epw");
    befriend_raw(&eve, &jid("eve"), &mut bob, "b");
    #[cfg(target_os = "linux")]
    let baseline = peak_rss_kib(bob.pid());

    // 100 bytes declaring 50000×50000 RGBA pixels (10 GB decoded).
    let bomb = png_bomb(50_000, 50_000);
    raw_publish(&eve, &bomb, &sha1_hex(&bomb), bomb.len(), true);
    wait_log(&bob, "too many pixels (50000×50000", 1);

    // Just over the byte limit, while the metadata claims a small image.
    let mut big = png_bytes(16, 16, 1);
    big.resize(1024 * 1024 + 1, 0);
    raw_publish(&eve, &big, &sha1_hex(&big), 1000, true);
    wait_log(&bob, "the image is too large (1048577 bytes", 1);

    // Honestly announced as too large: not even fetched.
    let fetches = bob.stderr_log().matches("fetching avatar").count();
    let mut huge = png_bytes(16, 16, 2);
    huge.resize(2 * 1024 * 1024, 0);
    raw_publish(&eve, &huge, &sha1_hex(&huge), huge.len(), true);
    wait_log(&bob, "announced avatar too large", 1);
    assert_eq!(bob.stderr_log().matches("fetching avatar").count(), fetches);

    // Still alive: messages in both directions.
    eve.send_message_xml(&chat_xml(&jid("bob"), "still there?"));
    bob.wait_message("b", "still there?");
    bob.send_message("b", &jid("eve"), "yes", "r1");
    assert!(
        !bob.seen
            .iter()
            .any(|v| v["event"] == "avatar" && v["path"].is_string()),
        "a bomb became an avatar"
    );
    #[cfg(target_os = "linux")]
    {
        let peak = peak_rss_kib(bob.pid());
        eprintln!("headless peak memory: {baseline} KiB before, {peak} KiB after");
        assert!(peak > 0, "VmHWM not readable");
        assert!(peak < 150 * 1024, "peak memory {peak} KiB");
    }
}

/// XEP-0486: a room's avatar is the vCard photo of its JID, set by an
/// owner; the room announces it by its own presence when it changes and
/// when someone joins. Bob, in the room, gets it as the room's avatar; on
/// his next start (cached) the join's announcement brings it again.
#[test]
fn a_room_s_avatar_reaches_its_occupants() {
    let server = Prosody::with_users(&[("alice", "apw"), ("bob", "bpw")]);
    let room = format!("pictures@{}", server.muc_domain());
    let (_a, mut alice) = online(&server, "a", "alice", "apw");
    let (b_dir, mut bob) = online(&server, "b", "bob", "bpw");
    alice.send(json!({
        "cmd":"create_room","account":"a","room":room,"name":"Pictures","members":[jid("bob")]
    }));
    alice.wait_for("room created", |v| {
        v["event"] == "room_joined" && v["room"] == room.as_str()
    });
    bob.send(json!({"cmd":"join_room","account":"b","room":room,"nick":"bob"}));
    bob.wait_for("bob in", |v| {
        v["event"] == "room_joined" && v["room"] == room.as_str()
    });

    // Alice, the owner (by her address: any of her clients), sets it.
    let owner = RawClient::connect(&server, "alice", "apw");
    let photo = png_bytes(80, 80, 120);
    let hash = sha1_hex(&photo);
    owner.send_xml(&format!(
        "<iq xmlns='jabber:client' type='set' id='rv1' to='{room}'><vCard xmlns='vcard-temp'>\
         <PHOTO><TYPE>image/png</TYPE><BINVAL>{}</BINVAL></PHOTO></vCard></iq>",
        b64(&photo)
    ));
    let seen = avatar_event(&mut bob, &room);
    let path = seen["path"].as_str().unwrap_or_default().to_owned();
    assert!(path.ends_with(&format!("{hash}.png")), "{path}");
    assert_thumbnail(&path);

    assert!(bob.quit().success());
    let mut bob = Headless::start(b_dir.path());
    let again = avatar_event(&mut bob, &room);
    assert_eq!(again["path"], path.as_str(), "{again}");
}
