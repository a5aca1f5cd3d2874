//! Files (XEP-0363 upload, XEP-0066/0447 file messages) against a real
//! Prosody with its `http_file_share` component: a 50 MB round trip with
//! matching hash, progress and bounded memory; an upload cut off by a
//! server restart and one queued across a restart of the client; a file
//! above the server's limit; and, with files a hostile contact links to
//! (served by a small HTTP server of the test), malicious names, a wrong
//! hash, an image bomb and a cancelled download.

mod common;

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::Prosody;
use common::files::*;
use common::headless::{Headless, alice_and_bob, online, roster_entry};
use common::prosody::Upload;
use common::raw::RawClient;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

#[path = "../src/avatar_image/png_bomb.rs"]
mod png_bomb;

#[test]
fn a_50_mb_file_round_trip_over_https_with_progress_and_bounded_memory() {
    // The upload service on HTTPS with the test CA's certificate, which the
    // accounts trust through their CA file: validated, not plain HTTP.
    let server = Prosody::start_with_upload(Some(64 * MIB), Upload::Https);
    server.register("alice", "apw");
    server.register("bob", "bpw");
    let (_dirs, mut alice, mut bob) = plain_pair(&server);
    let size = 50 * MIB;
    let BigSend {
        _work,
        hash,
        baselines,
        queued,
        id,
    } = send_big_file(&mut alice, &bob, "Quartalsbericht 2026.pdf", 50 * MIB, "f1");
    assert_eq!(queued["state"], "queued");
    assert_eq!(queued["file"]["name"], "Quartalsbericht 2026.pdf");
    assert_eq!(queued["file"]["size"], size);
    assert_eq!(queued["file"]["media_type"], "application/pdf");
    transfer(&mut alice, "upload", &id, "done", Duration::from_secs(120));
    alice.wait_for("acked", |v| {
        v["event"] == "message_state" && v["id"] == id.as_str() && v["state"] == "acked"
    });
    let progress: Vec<u64> = alice
        .seen
        .iter()
        .filter(|v| v["event"] == "transfer" && v["id"] == id.as_str() && v["state"] == "uploading")
        .filter_map(|v| v["bytes"].as_u64())
        .collect();
    assert!(progress.len() >= 2, "upload progress: {progress:?}");
    assert!(progress.windows(2).all(|w| w[0] <= w[1]), "{progress:?}");
    let sent = updated(&mut alice, &id, |v| v["file"]["transfer"] == "done");
    assert_eq!(sent["file"]["sha256"], hash.as_str());
    let url = sent["file"]["url"].as_str().expect("url").to_owned();
    assert_eq!(sent["body"], url.as_str());
    assert!(url.starts_with("https://localhost:"), "{url}");
    assert_eq!(sent["file"]["plain_http"], Value::Null, "{sent}");

    // Bob: a file message with its metadata, too large to fetch unasked.
    let got = file_message(&mut bob, "b");
    assert_eq!(got["body"], url.as_str());
    assert_eq!(got["file"]["name"], "Quartalsbericht 2026.pdf");
    assert_eq!(got["file"]["size"], size);
    assert_eq!(got["file"]["media_type"], "application/pdf");
    assert_eq!(got["file"]["sha256"], hash.as_str());
    assert_eq!(got["file"]["transfer"], "available");
    let (bob_id, done) = download_on_request(&mut bob, &got, Duration::from_secs(120));
    assert_eq!(done["bytes"], size);
    let stored = updated(&mut bob, &bob_id, |v| v["file"]["transfer"] == "done");
    let path = PathBuf::from(stored["file"]["path"].as_str().expect("path"));
    assert!(
        path.starts_with(bob.profile.join("accounts").join("b").join("files")),
        "{path:?}"
    );
    assert_eq!(
        path.file_name().and_then(|n| n.to_str()),
        Some("Quartalsbericht 2026.pdf")
    );
    assert_eq!(sha256_file(&path), hash);
    assert_eq!(stored["file"]["plain_http"], Value::Null, "{stored}");
    let downloads = progress_events(&bob, &bob_id, "downloading");
    assert!(downloads >= 2, "download progress events: {downloads}");
    // No temporary file is left.
    assert_eq!(
        listing(path.parent().expect("dir")),
        vec!["Quartalsbericht 2026.pdf"]
    );

    assert_memory_bounded(&alice, &bob, baselines, 40 * 1024);
}

/// XEP-0454 between two Plausch accounts (issue 23): in their encrypted
/// chat a 50 MB file goes up encrypted, travels as an `aesgcm://` link
/// inside OMEMO, and comes down decrypted, both sides streaming (memory
/// bounded as for plain files).
#[test]
fn a_50_mb_encrypted_file_round_trip_with_bounded_memory() {
    let server = Prosody::start_with_upload(Some(64 * MIB), Upload::Https);
    server.register("alice", "apw");
    server.register("bob", "bpw");
    let (_dirs, mut alice, mut bob) = alice_and_bob(&server);
    alice.send(json!({"cmd":"encryption","account":"a","with":"bob@localhost","enabled":true}));
    alice.wait_for("the chat encrypted", |v| {
        v["event"] == "encryption" && v["with"] == "bob@localhost" && v["enabled"] == true
    });
    let size = 50 * MIB;
    let BigSend {
        _work,
        hash,
        baselines,
        queued,
        id,
    } = send_big_file(&mut alice, &bob, "Bericht.pdf", 50 * MIB, "e1");
    assert_ne!(queued["encryption"], "none", "{queued}");
    transfer(&mut alice, "upload", &id, "done", Duration::from_secs(180));
    let sent = updated(&mut alice, &id, |v| v["file"]["transfer"] == "done");
    assert_eq!(
        sent["file"]["sha256"],
        hash.as_str(),
        "the plain file's hash"
    );
    assert!(
        sent["file"]["url"]
            .as_str()
            .is_some_and(|u| u.starts_with("aesgcm://localhost:")),
        "{sent}"
    );

    let got = file_message(&mut bob, "b");
    assert_ne!(got["encryption"], "none", "{got}");
    assert_eq!(got["file"]["name"], "Bericht.pdf");
    assert_eq!(got["file"]["transfer"], "available");
    let (bob_id, done) = download_on_request(&mut bob, &got, Duration::from_secs(180));
    assert_eq!(done["bytes"], size, "the plain size");
    let stored = updated(&mut bob, &bob_id, |v| v["file"]["transfer"] == "done");
    let path = PathBuf::from(stored["file"]["path"].as_str().expect("path"));
    assert_eq!(sha256_file(&path), hash, "decrypted");
    assert_eq!(listing(path.parent().expect("dir")), vec!["Bericht.pdf"]);

    assert_memory_bounded(&alice, &bob, baselines, 30 * 1024);
}

#[test]
fn a_file_above_the_server_limit_gets_a_clear_error() {
    let server = Prosody::start_with_upload_limit(Some(MIB));
    server.register("alice", "apw");
    let (_dir, mut alice) = online(&server, "a", "alice", "apw");
    let work = tempfile::tempdir().expect("temp dir");
    let source = work.path().join("big.zip");
    big_file(&source, 2 * MIB);
    alice.send(
        json!({"cmd":"send_file","account":"a","to":"bob@localhost","path":source,"ref":"big"}),
    );
    let refused = alice.wait_for("file_too_large", |v| v["event"] == "file_too_large");
    assert_eq!(refused["max_size"], MIB);
    assert_eq!(refused["size"], 2 * MIB);
    assert_eq!(refused["ref"], "big");
    let text = refused["message"].as_str().unwrap_or_default();
    assert!(
        text.contains("big.zip") && text.contains("1.0 MiB"),
        "{text}"
    );
    // If it was queued before the limit was known, it failed with the reason.
    if let Some(id) = refused["id"].as_str() {
        let id = id.to_owned();
        alice.wait_for("failed", |v| {
            v["event"] == "message_state" && v["id"] == id.as_str() && v["state"] == "failed"
        });
    }
    // Once the limit is known, nothing is queued at all.
    std::thread::sleep(Duration::from_millis(500));
    alice.send(
        json!({"cmd":"send_file","account":"a","to":"bob@localhost","path":source,"ref":"again"}),
    );
    let again = alice.wait_for("file_too_large", |v| {
        v["event"] == "file_too_large" && v["ref"] == "again"
    });
    assert!(again["id"].is_null(), "{again}");
    assert!(
        !alice
            .seen
            .iter()
            .any(|v| v["event"] == "message" && v["ref"] == "again")
    );
}

#[test]
fn an_upload_service_with_an_untrusted_certificate_gets_nothing() {
    let server = Prosody::start_with_upload(Some(MIB), Upload::HttpsUntrusted);
    server.register("alice", "apw");
    server.register("bob", "bpw");
    let (_dirs, mut alice, mut bob) = plain_pair(&server);
    let work = tempfile::tempdir().expect("temp dir");
    let source = work.path().join("secret.txt");
    std::fs::write(&source, "not for strangers").expect("write test file");
    alice.send(
        json!({"cmd":"send_file","account":"a","to":"bob@localhost","path":source,"ref":"s"}),
    );
    let queued = alice.wait_for("queued file message", |v| {
        v["event"] == "message" && v["ref"] == "s"
    });
    let id = queued["id"].as_str().expect("id").to_owned();
    // The upload fails (no silent retrying of a certificate nobody trusts)
    // and says why.
    let stopped = alice.wait_for("upload refused", |v| {
        v["event"] == "transfer" && v["id"] == id.as_str() && v["error"].is_string()
    });
    assert_eq!(stopped["state"], "failed", "{stopped}");
    let reason = stopped["error"].as_str().unwrap_or_default();
    assert!(reason.contains("certificate is not trusted"), "{stopped}");
    // Nothing reached Bob.
    let got = bob.try_wait_for(Duration::from_secs(2), &|v| v["event"] == "message");
    assert!(got.is_none(), "Bob got a message: {got:?}");
}

#[test]
fn cancelling_an_upload_mid_put_sends_nothing_and_keeps_the_source() {
    let server = Prosody::start_with_upload_limit(Some(512 * MIB));
    server.register("alice", "apw");
    server.register("bob", "bpw");
    let (_dirs, mut alice, mut bob) = plain_pair(&server);
    let work = tempfile::tempdir().expect("temp dir");
    let source = work.path().join("video.mp4");
    // Large enough that the PUT is still running when the cancel arrives.
    let hash = big_file(&source, 384 * MIB);
    alice.send(
        json!({"cmd":"send_file","account":"a","to":"bob@localhost","path":source,"ref":"v"}),
    );
    let queued = alice.wait_for("queued file message", |v| {
        v["event"] == "message" && v["ref"] == "v"
    });
    let id = queued["id"].as_str().expect("id").to_owned();
    let started = alice.wait_for("upload under way", |v| {
        v["event"] == "transfer"
            && v["id"] == id.as_str()
            && v["state"] == "uploading"
            && v["bytes"].as_u64().is_some_and(|b| b > 0)
    });
    alice.send(json!({"cmd":"cancel_transfer","account":"a","id":id}));
    let cancelled = transfer(
        &mut alice,
        "cancelled",
        &id,
        "cancelled",
        common::headless::WAIT,
    );
    let sent = cancelled["bytes"].as_u64().unwrap_or(u64::MAX);
    assert!(sent < 384 * MIB, "cut off mid-PUT: {started} … {cancelled}");
    // No "done" for it, ever, and no message to Bob.
    let done = alice.try_wait_for(Duration::from_secs(3), &|v| {
        v["event"] == "transfer" && v["id"] == id.as_str() && v["state"] == "done"
    });
    assert!(done.is_none(), "the upload finished after all: {done:?}");
    let got = bob.try_wait_for(Duration::from_secs(1), &|v| v["event"] == "message");
    assert!(got.is_none(), "Bob got a message: {got:?}");
    // The user's own file is untouched.
    assert_eq!(sha256_file(&source), hash);
    // A restart of the client does not take the cancelled upload up again.
    let profile = alice.profile.clone();
    alice.quit();
    let mut alice = common::headless::Headless::start(&profile);
    alice.wait_for("online again", |v| {
        v["event"] == "account_state" && v["state"] == "online"
    });
    let again = alice.try_wait_for(Duration::from_secs(3), &|v| {
        v["event"] == "transfer" && v["id"] == id.as_str() && v["state"] == "uploading"
    });
    assert!(
        again.is_none(),
        "the cancelled upload started again: {again:?}"
    );
    let got = bob.try_wait_for(Duration::from_secs(1), &|v| v["event"] == "message");
    assert!(got.is_none(), "Bob got a message: {got:?}");
}

#[test]
fn an_upload_cut_off_by_a_server_restart_is_retried() {
    let mut server = Prosody::start_with_upload_limit(Some(64 * MIB));
    server.register("alice", "apw");
    server.register("bob", "bpw");
    let (_dirs, mut alice, mut bob) = plain_pair(&server);
    let work = tempfile::tempdir().expect("temp dir");
    let source = work.path().join("video.mp4");
    let hash = big_file(&source, 50 * MIB);
    alice.send(
        json!({"cmd":"send_file","account":"a","to":"bob@localhost","path":source,"ref":"v"}),
    );
    let id = alice.wait_for("queued", |v| v["event"] == "message" && v["ref"] == "v")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    alice.wait_for("upload under way", |v| {
        v["event"] == "transfer" && v["id"] == id.as_str() && v["state"] == "uploading"
    });
    // Stop the server mid-upload and start it again: the upload's
    // connection breaks.
    server.restart();
    let interrupted = alice
        .try_wait_for(Duration::from_secs(90), &|v| {
            v["event"] == "transfer"
                && v["id"] == id.as_str()
                && v["state"] == "queued"
                && v["error"].is_string()
        })
        .unwrap_or_else(|| {
            panic!(
                "the upload was not interrupted; log:\n{}",
                tail(&alice.stderr_log())
            )
        });
    eprintln!("interrupted: {interrupted}");
    alice.wait_for("online again", |v| {
        v["event"] == "account_state"
            && v["account"] == "a"
            && v["state"] == "online"
            && v["jid"].is_string()
    });
    transfer(
        &mut alice,
        "upload after the restart",
        &id,
        "done",
        Duration::from_secs(120),
    );
    alice.wait_for("acked", |v| {
        v["event"] == "message_state" && v["id"] == id.as_str() && v["state"] == "acked"
    });
    let got = bob
        .try_wait_for(Duration::from_secs(90), &|v| {
            v["event"] == "message" && v["account"] == "b" && v["file"].is_object()
        })
        .expect("bob gets the file message after the restart");
    assert_eq!(got["file"]["sha256"], hash.as_str());
    // Sent once.
    let copies = bob
        .seen
        .iter()
        .filter(|v| v["event"] == "message" && v["file"].is_object())
        .count();
    assert_eq!(copies, 1);
}

#[test]
fn a_queued_file_survives_a_restart_of_the_client() {
    let mut server = Prosody::start_with_upload_limit(Some(64 * MIB));
    server.register("alice", "apw");
    server.register("bob", "bpw");
    let (dirs, mut alice, mut bob) = plain_pair(&server);
    let work = tempfile::tempdir().expect("temp dir");
    let source = work.path().join("notes.txt");
    std::fs::write(&source, "Protokoll der Sitzung\n").expect("write");
    let other = work.path().join("cancel-me.txt");
    std::fs::write(&other, "never sent\n").expect("write");

    server.stop();
    alice.wait_state("a", "reconnecting");
    alice.send(
        json!({"cmd":"send_file","account":"a","to":"bob@localhost","path":source,"ref":"n"}),
    );
    let id = alice.wait_for("queued", |v| v["event"] == "message" && v["ref"] == "n")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    // A queued file can be cancelled before it goes anywhere.
    alice
        .send(json!({"cmd":"send_file","account":"a","to":"bob@localhost","path":other,"ref":"c"}));
    let cancel_id = alice.wait_for("queued", |v| v["event"] == "message" && v["ref"] == "c")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    alice.send(json!({"cmd":"cancel_transfer","account":"a","id":cancel_id}));
    transfer(
        &mut alice,
        "cancelled upload",
        &cancel_id,
        "cancelled",
        common::headless::WAIT,
    );
    alice.wait_for("failed", |v| {
        v["event"] == "message_state" && v["id"] == cancel_id.as_str() && v["state"] == "failed"
    });
    alice.quit();

    server.restart();
    let mut alice = Headless::start(dirs[0].path());
    alice.wait_state("a", "online");
    transfer(
        &mut alice,
        "upload after restart",
        &id,
        "done",
        Duration::from_secs(60),
    );
    alice.wait_for("acked", |v| {
        v["event"] == "message_state" && v["id"] == id.as_str() && v["state"] == "acked"
    });
    let got = bob
        .try_wait_for(Duration::from_secs(60), &|v| {
            v["event"] == "message" && v["account"] == "b" && v["file"]["name"] == "notes.txt"
        })
        .expect("bob gets the file");
    // Small, from a contact: fetched without asking.
    let bob_id = got["id"].as_str().expect("id").to_owned();
    transfer(
        &mut bob,
        "auto download",
        &bob_id,
        "done",
        common::headless::WAIT,
    );
    let stored = updated(&mut bob, &bob_id, |v| v["file"]["transfer"] == "done");
    let path = stored["file"]["path"].as_str().expect("path");
    assert_eq!(
        std::fs::read_to_string(path).ok().as_deref(),
        Some("Protokoll der Sitzung\n")
    );
    // The cancelled one never went out.
    std::thread::sleep(Duration::from_secs(1));
    bob.forget_pending();
    assert!(
        !bob.seen
            .iter()
            .any(|v| v["file"]["name"] == "cancel-me.txt")
    );
}

// --- Files a hostile contact links to, served by the test itself. ---

/// A tiny HTTP/1.1 server on 127.0.0.1 (reached as `localhost`, the
/// account's own domain, so plain HTTP is allowed): `path → body`, each
/// served in 16 KiB pieces with `delay` between them.
struct FileServer {
    port: u16,
    files: Served,
}

/// Path → (body, delay between pieces).
type Served = Arc<Mutex<HashMap<String, (Vec<u8>, Duration)>>>;

impl FileServer {
    fn start() -> FileServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let files: Served = Arc::default();
        let shared = files.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming().map_while(Result::ok) {
                let files = shared.clone();
                std::thread::spawn(move || serve(conn, &files));
            }
        });
        FileServer { port, files }
    }

    /// Serves `body` at `/name`; returns its URL.
    fn add(&self, name: &str, body: Vec<u8>, delay: Duration) -> String {
        if let Ok(mut f) = self.files.lock() {
            f.insert(format!("/{name}"), (body, delay));
        }
        format!("http://localhost:{}/{name}", self.port)
    }
}

fn serve(mut conn: std::net::TcpStream, files: &Mutex<HashMap<String, (Vec<u8>, Duration)>>) {
    let mut request = Vec::new();
    let mut buf = [0u8; 1024];
    while !request.ends_with(b"\r\n\r\n") {
        match conn.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&buf[..n]),
        }
    }
    let text = String::from_utf8_lossy(&request);
    let path = text.split_whitespace().nth(1).unwrap_or("/").to_owned();
    let found = files.lock().ok().and_then(|f| f.get(&path).cloned());
    let Some((body, delay)) = found else {
        let _ = conn
            .write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        return;
    };
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n",
        body.len()
    );
    if conn.write_all(head.as_bytes()).is_err() {
        return;
    }
    for piece in body.chunks(16 * 1024) {
        if conn.write_all(piece).is_err() {
            return;
        }
        std::thread::sleep(delay);
    }
}

/// A file message as another client would send it (OOB link + XEP-0447
/// metadata), from a raw client.
fn send_file_xml(
    raw: &RawClient,
    to: &str,
    url: &str,
    name: &str,
    size: usize,
    media_type: &str,
    sha256: &str,
) {
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('\'', "&apos;")
    };
    raw.send_xml(&format!(
        "<message xmlns='jabber:client' type='chat' to='{to}' id='{id}'><body>{u}</body>\
         <x xmlns='jabber:x:oob'><url>{u}</url></x>\
         <file-sharing xmlns='urn:xmpp:sfs:0'><file xmlns='urn:xmpp:file:metadata:0'>\
         <name>{n}</name><size>{size}</size><media-type>{media_type}</media-type>\
         <hash xmlns='urn:xmpp:hashes:2' algo='sha-256'>{sha256}</hash></file>\
         <sources><url-data xmlns='http://jabber.org/protocol/url-data' target='{u}'/></sources>\
         </file-sharing></message>",
        id = uuid::Uuid::new_v4(),
        u = esc(url),
        n = esc(name),
    ));
}

/// Eve (a raw client) and Bob (headless, account "b") as contacts.
fn eve_and_bob(server: &Prosody) -> (tempfile::TempDir, Headless, RawClient) {
    let (dir, mut bob) = online(server, "b", "bob", "bpw");
    let eve = RawClient::connect(server, "eve", "epw");
    let (eve_jid, bob_jid) = ("eve@localhost", "bob@localhost");
    eve.send_xml(&format!(
        "<presence xmlns='jabber:client' type='subscribed' to='{bob_jid}'/>"
    ));
    eve.send_xml(&format!(
        "<presence xmlns='jabber:client' type='subscribe' to='{bob_jid}'/>"
    ));
    bob.wait_for("request", |v| {
        v["event"] == "subscription_request" && v["jid"] == eve_jid
    });
    bob.send(json!({"cmd":"answer_subscription","account":"b","jid":eve_jid,"accept":true}));
    bob.wait_for("mutual", |v| {
        v["event"] == "roster"
            && roster_entry(v, eve_jid).is_some_and(|c| c["subscription"] == "both")
    });
    (dir, bob, eve)
}

fn sha256_b64(bytes: &[u8]) -> String {
    b64(&Sha256::digest(bytes))
}

#[test]
fn malicious_names_are_stored_safely_and_wrong_hashes_discarded() {
    let server = Prosody::with_users(&[("bob", "bpw"), ("eve", "epw")]);
    let (_dir, mut bob, eve) = eve_and_bob(&server);
    let files = FileServer::start();
    let downloads = bob.profile.join("accounts").join("b").join("files");
    let mut stored = Vec::new();
    for (i, name) in ["../../x", "CON", ".bashrc", ".bashrc"].iter().enumerate() {
        let body = format!("payload {i}\n").into_bytes();
        let url = files.add(&format!("f{i}"), body.clone(), Duration::ZERO);
        send_file_xml(
            &eve,
            "bob@localhost",
            &url,
            name,
            body.len(),
            "text/plain",
            &sha256_b64(&body),
        );
        let got = file_message(&mut bob, "b");
        let id = got["id"].as_str().expect("id").to_owned();
        transfer(&mut bob, name, &id, "done", common::headless::WAIT);
        let rec = updated(&mut bob, &id, |v| v["file"]["transfer"] == "done");
        let path = PathBuf::from(rec["file"]["path"].as_str().expect("path"));
        assert_eq!(
            path.parent(),
            Some(downloads.as_path()),
            "{name} landed at {path:?}"
        );
        assert_eq!(std::fs::read(&path).ok(), Some(body));
        stored.push(
            path.file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_owned(),
        );
    }
    assert_eq!(stored, ["x", "CON_", "bashrc", "bashrc (1)"]);
    assert!(!bob.profile.join("x").exists() && !bob.profile.join("accounts").join("x").exists());

    // A file that does not match its hash is discarded.
    let body = b"the real content".to_vec();
    let url = files.add("tampered", body.clone(), Duration::ZERO);
    send_file_xml(
        &eve,
        "bob@localhost",
        &url,
        "report.txt",
        body.len(),
        "text/plain",
        &sha256_b64(b"something else"),
    );
    let got = file_message(&mut bob, "b");
    let id = got["id"].as_str().expect("id").to_owned();
    let failed = transfer(
        &mut bob,
        "hash mismatch",
        &id,
        "failed",
        common::headless::WAIT,
    );
    assert!(
        failed["error"]
            .as_str()
            .unwrap_or_default()
            .contains("SHA-256"),
        "{failed}"
    );
    assert!(
        !listing(&downloads).iter().any(|n| n.starts_with("report")),
        "{:?}",
        listing(&downloads)
    );
    assert!(!listing(&downloads).iter().any(|n| n.ends_with(".part")));
}

#[test]
fn a_cancelled_download_leaves_no_partial_file() {
    let server = Prosody::with_users(&[("bob", "bpw"), ("eve", "epw")]);
    let (_dir, mut bob, eve) = eve_and_bob(&server);
    let files = FileServer::start();
    // 4 MiB in 16 KiB pieces every 50 ms: about 13 s.
    let body = vec![7u8; 4 * MIB as usize];
    let url = files.add("slow.bin", body.clone(), Duration::from_millis(50));
    send_file_xml(
        &eve,
        "bob@localhost",
        &url,
        "slow.bin",
        body.len(),
        "application/octet-stream",
        &sha256_b64(&body),
    );
    let got = file_message(&mut bob, "b");
    let id = got["id"].as_str().expect("id").to_owned();
    transfer(
        &mut bob,
        "auto download",
        &id,
        "downloading",
        common::headless::WAIT,
    );
    bob.wait_for("some bytes", |v| {
        v["event"] == "transfer"
            && v["id"] == id.as_str()
            && v["bytes"].as_u64().is_some_and(|b| b > 0)
    });
    let downloads = bob.profile.join("accounts").join("b").join("files");
    assert_eq!(
        listing(&downloads).len(),
        1,
        "the temporary file: {:?}",
        listing(&downloads)
    );
    bob.send(json!({"cmd":"cancel_transfer","account":"b","id":id}));
    transfer(
        &mut bob,
        "cancelled",
        &id,
        "cancelled",
        common::headless::WAIT,
    );
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(listing(&downloads), Vec::<String>::new());
    // It can be fetched later on request.
    let quick = files.add("slow.bin", body.clone(), Duration::ZERO);
    assert_eq!(quick, url);
    bob.send(json!({"cmd":"download","account":"b","id":id}));
    transfer(
        &mut bob,
        "download on request",
        &id,
        "done",
        common::headless::WAIT,
    );
    assert_eq!(listing(&downloads), vec!["slow.bin"]);
}

#[test]
fn images_get_previews_and_an_image_bomb_does_not_exhaust_memory() {
    let server = Prosody::with_users(&[("bob", "bpw"), ("eve", "epw")]);
    let (_dir, mut bob, eve) = eve_and_bob(&server);
    let files = FileServer::start();
    #[cfg(target_os = "linux")]
    let baseline = peak_rss_kib(bob.pid());

    // A real photo: a preview of at most 256 px.
    let mut png = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(image::RgbImage::from_fn(800, 400, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 9])
    }))
    .write_to(&mut png, image::ImageFormat::Png)
    .expect("encode");
    let png = png.into_inner();
    let url = files.add("photo.png", png.clone(), Duration::ZERO);
    send_file_xml(
        &eve,
        "bob@localhost",
        &url,
        "photo.png",
        png.len(),
        "image/png",
        &sha256_b64(&png),
    );
    let id = file_message(&mut bob, "b")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let rec = updated(&mut bob, &id, |v| v["file"]["transfer"] == "done");
    let thumb = rec["file"]["thumbnail"].as_str().expect("a thumbnail");
    assert_eq!(image::image_dimensions(thumb).ok(), Some((256, 128)));

    // 100 bytes declaring 50000×50000 pixels: stored as a file, no preview.
    let bomb = png_bomb::png_bomb(50_000, 50_000, 8);
    let url = files.add("bomb.png", bomb.clone(), Duration::ZERO);
    send_file_xml(
        &eve,
        "bob@localhost",
        &url,
        "bomb.png",
        bomb.len(),
        "image/png",
        &sha256_b64(&bomb),
    );
    let id = file_message(&mut bob, "b")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let rec = updated(&mut bob, &id, |v| v["file"]["transfer"] == "done");
    assert!(rec["file"]["thumbnail"].is_null(), "{rec}");
    wait_log(
        &bob,
        "no preview: the image has too many pixels (50000×50000",
    );
    // Still alive and well.
    bob.send(json!({"cmd":"roster","account":"b"}));
    bob.wait_for("roster", |v| v["event"] == "roster");
    #[cfg(target_os = "linux")]
    {
        let peak = peak_rss_kib(bob.pid());
        eprintln!("bob: peak memory {baseline} KiB before, {peak} KiB after");
        assert!(peak < baseline + 64 * 1024, "peak memory {peak} KiB");
    }
}

/// Bare links from a contact (issue 24 part 5, as other clients send
/// files: an XEP-0066 link and nothing else): the size is asked with
/// `HEAD`; an image is then fetched on its own and previewed, a file above
/// the automatic limit is not.
#[test]
fn bare_links_from_a_contact_are_sized_first() {
    let server = Prosody::with_users(&[("bob", "bpw"), ("eve", "epw")]);
    let (_dir, mut bob, eve) = eve_and_bob(&server);
    let files = FileServer::start();
    let mut png = std::io::Cursor::new(Vec::new());
    image::RgbImage::from_pixel(40, 30, image::Rgb([20, 90, 200]))
        .write_to(&mut png, image::ImageFormat::Png)
        .expect("a PNG");
    let png = png.into_inner();
    let photo = files.add("photo.png", png.clone(), Duration::ZERO);
    let big = files.add("big.bin", vec![1u8; 6 * MIB as usize], Duration::ZERO);
    for url in [&photo, &big] {
        eve.send_xml(&format!(
            "<message xmlns='jabber:client' type='chat' to='bob@localhost'><body>{url}</body>\
             <x xmlns='jabber:x:oob'><url>{url}</url></x></message>"
        ));
    }
    // A photo as some clients send it: the body is the link, nothing else.
    let snap = files.add("snap.png", png.clone(), Duration::ZERO);
    eve.send_xml(&format!(
        "<message xmlns='jabber:client' type='chat' to='bob@localhost'><body>{snap}</body></message>"
    ));
    let id_of = |bob: &mut Headless, name: &str| {
        let name = name.to_owned();
        bob.wait_for("a bare link", |v| {
            v["event"] == "message" && v["file"]["name"] == name.as_str()
        })["id"]
            .as_str()
            .expect("id")
            .to_owned()
    };
    let (photo_id, big_id) = (id_of(&mut bob, "photo.png"), id_of(&mut bob, "big.bin"));
    let done = updated(&mut bob, &photo_id, |v| v["file"]["transfer"] == "done");
    assert_eq!(done["file"]["size"], png.len(), "{done}");
    assert!(done["file"]["thumbnail"].is_string(), "a preview: {done}");
    let snap_id = id_of(&mut bob, "snap.png");
    let done = updated(&mut bob, &snap_id, |v| v["file"]["transfer"] == "done");
    assert!(done["file"]["thumbnail"].is_string(), "a preview: {done}");
    let sized = updated(&mut bob, &big_id, |v| v["file"]["size"] == 6 * MIB);
    assert_eq!(
        sized["file"]["transfer"], "available",
        "not fetched: {sized}"
    );
}
