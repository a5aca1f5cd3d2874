//! Files for the tests and benches that move them: big files of varied
//! bytes with their hash, sending one and waiting for its transfer, and
//! the clients' peak memory.

use std::io::{Read, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::Prosody;
use super::headless::{Headless, alice_and_bob_with};

pub const MIB: u64 = 1024 * 1024;

/// A big file that Alice has just handed to `send_file` for Bob.
pub struct BigSend {
    /// Holds the file.
    pub _work: tempfile::TempDir,
    /// Its SHA-256, base64.
    pub hash: String,
    /// Both clients' peak memory before (KiB; Linux only, else 0).
    pub baselines: (u64, u64),
    /// Alice's `message` event for it (queued).
    pub queued: Value,
    pub id: String,
}

pub fn send_big_file(
    alice: &mut Headless,
    bob: &Headless,
    name: &str,
    size: u64,
    reference: &str,
) -> BigSend {
    let work = tempfile::tempdir().expect("temp dir");
    let source = work.path().join(name);
    let hash = big_file(&source, size);
    let baselines = (peak_rss_kib(alice.pid()), peak_rss_kib(bob.pid()));
    alice.send(
        json!({"cmd":"send_file","account":"a","to":"bob@localhost","path":source,"ref":reference}),
    );
    let queued = alice.wait_for("queued file message", |v| {
        v["event"] == "message" && v["ref"] == reference
    });
    let id = queued["id"].as_str().expect("id").to_owned();
    BigSend {
        _work: work,
        hash,
        baselines,
        queued,
        id,
    }
}

/// Bob asks to download the file of message `got` and it completes within
/// `within`: its id and the `transfer` event that says so.
pub fn download_on_request(bob: &mut Headless, got: &Value, within: Duration) -> (String, Value) {
    let id = got["id"].as_str().expect("id").to_owned();
    bob.send(json!({"cmd":"download","account":"b","id":id}));
    let done = transfer(bob, "download", &id, "done", within);
    (id, done)
}

/// Both clients' peak memory stayed within `limit_kib` of what it was
/// before the transfer (Linux: VmHWM).
pub fn assert_memory_bounded(
    alice: &Headless,
    bob: &Headless,
    baselines: (u64, u64),
    limit_kib: u64,
) {
    #[cfg(target_os = "linux")]
    for (who, pid, base) in [
        ("alice", alice.pid(), baselines.0),
        ("bob", bob.pid(), baselines.1),
    ] {
        let peak = peak_rss_kib(pid);
        eprintln!("{who}: peak memory {base} KiB before, {peak} KiB after the transfer");
        assert!(peak > 0, "VmHWM not readable");
        assert!(
            peak < base + limit_kib,
            "{who} peak memory {peak} KiB (before: {base} KiB)"
        );
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (alice, bob, baselines, limit_kib);
}

/// Alice and Bob as mutual contacts, their chat switched to plain text:
/// these tests are about the plain transfer paths (XEP-0066/0447 metadata,
/// hashes, sizes). In an encrypted chat a file goes as an `aesgcm://` link
/// instead (tests/omemo_messages.rs).
pub fn plain_pair(server: &Prosody) -> ([tempfile::TempDir; 2], Headless, Headless) {
    plain_pair_with(server, &[], &[])
}

/// Like [`plain_pair`], each client started with extra environment
/// variables (test-only knobs).
pub fn plain_pair_with(
    server: &Prosody,
    alice_env: &[(&str, &str)],
    bob_env: &[(&str, &str)],
) -> ([tempfile::TempDir; 2], Headless, Headless) {
    let (dirs, mut alice, bob) = alice_and_bob_with(server, alice_env, bob_env);
    alice.send(json!({"cmd":"encryption","account":"a","with":"bob@localhost","enabled":false}));
    alice.wait_for("the chat with bob in plain text", |v| {
        v["event"] == "encryption" && v["with"] == "bob@localhost" && v["enabled"] == false
    });
    (dirs, alice, bob)
}

/// Writes `size` bytes of varied (not compressible) data; returns the
/// file's SHA-256 in base64.
pub fn big_file(path: &Path, size: u64) -> String {
    let mut file = std::fs::File::create(path).expect("create test file");
    let mut hasher = Sha256::new();
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut chunk = vec![0u8; 1 << 20];
    let mut left = size;
    while left > 0 {
        for b in chunk.iter_mut() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            *b = state as u8;
        }
        let n = left.min(chunk.len() as u64) as usize;
        file.write_all(&chunk[..n]).expect("write test file");
        hasher.update(&chunk[..n]);
        left -= n as u64;
    }
    b64(&hasher.finalize())
}

pub fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

pub fn sha256_file(path: &Path) -> String {
    let mut file = std::fs::File::open(path).expect("open downloaded file");
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf).expect("read downloaded file");
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    b64(&hasher.finalize())
}

/// A process's peak memory (KiB; Linux `VmHWM`, 0 elsewhere).
pub fn peak_rss_kib(pid: u32) -> u64 {
    #[cfg(target_os = "linux")]
    {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = pid;
        0
    }
}

pub fn transfer(c: &mut Headless, what: &str, id: &str, state: &str, timeout: Duration) -> Value {
    let (id, state) = (id.to_owned(), state.to_owned());
    c.try_wait_for(timeout, &|v| {
        v["event"] == "transfer" && v["id"] == id.as_str() && v["state"] == state.as_str()
    })
    .unwrap_or_else(|| {
        panic!(
            "timed out waiting for {what} ({state}); log:\n{}",
            tail(&c.stderr_log())
        )
    })
}

/// How many `transfer` events in `state` (progress) client `c` saw for
/// message `id`.
pub fn progress_events(c: &Headless, id: &str, state: &str) -> usize {
    c.seen
        .iter()
        .filter(|v| v["event"] == "transfer" && v["id"] == id && v["state"] == state)
        .count()
}

pub fn file_message(c: &mut Headless, account: &str) -> Value {
    c.wait_for("a file message", |v| {
        v["event"] == "message" && v["account"] == account && v["file"].is_object()
    })
}

/// The message as stored now (the newest `message_updated` seen for it).
pub fn updated(c: &mut Headless, id: &str, pred: impl Fn(&Value) -> bool) -> Value {
    let id = id.to_owned();
    c.wait_for("message_updated", |v| {
        v["event"] == "message_updated" && v["id"] == id.as_str() && pred(v)
    })
}

pub fn tail(log: &str) -> String {
    let lines: Vec<&str> = log.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}

pub fn wait_log(client: &Headless, needle: &str) {
    let deadline = Instant::now() + super::headless::WAIT;
    while !client.stderr_log().contains(needle) {
        assert!(
            Instant::now() < deadline,
            "{needle:?} not logged; log tail:\n{}",
            tail(&client.stderr_log())
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Files in a directory (none if it does not exist).
pub fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}
