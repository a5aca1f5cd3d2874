//! Big files between two Plausch accounts through Prosody's HTTPS upload
//! service (issue 23): a 200 MB file plain and encrypted (XEP-0454), the
//! upload and the download each timed, and both clients' peak memory.
//! The encrypted transfer's budget is 1.3× the time of the plain one, each
//! way; the memory budget idle + 30 MiB.
//!
//! Upload: from `send_file` to the transfer's `done` (the file is hashed,
//! then streamed up; encrypted while it goes). Download: from `download`
//! to `done` (streamed to a temporary file, decrypted and the tag checked
//! while it comes, then renamed into place). Two clients as processes
//! (headless, debug or release as built), the server on loopback.
//!
//! `cargo bench --bench transfer` runs 200 MB, `TRANSFER_RUNS` times each
//! (3 by default, medians); without `--bench` (as under
//! `cargo test --all-targets`) 8 MB once. `TRANSFER_MB` sets another size.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use common::Prosody;
use common::files::{
    BigSend, MIB, download_on_request, file_message, peak_rss_kib, send_big_file, sha256_file,
    transfer, updated,
};
use common::headless::alice_and_bob;
use common::prosody::Upload;
use serde_json::json;

/// One round trip: upload and download seconds, and the growth of each
/// client's peak memory (KiB).
struct Trip {
    up: f64,
    down: f64,
    memory: (u64, u64),
}

fn round_trip(size: u64, encrypted: bool) -> Trip {
    let server = Prosody::start_with_upload(Some(size + 16 * MIB), Upload::Https);
    server.register("alice", "apw");
    server.register("bob", "bpw");
    let (_dirs, mut alice, mut bob) = alice_and_bob(&server);
    alice
        .send(json!({"cmd":"encryption","account":"a","with":"bob@localhost","enabled":encrypted}));
    alice.wait_for("the chat's encryption", |v| {
        v["event"] == "encryption" && v["with"] == "bob@localhost" && v["enabled"] == encrypted
    });
    let started = Instant::now();
    let BigSend {
        _work,
        hash,
        baselines,
        queued,
        id,
    } = send_big_file(&mut alice, &bob, "Jahresbericht.pdf", size, "t1");
    assert_eq!(queued["encryption"] != "none", encrypted, "{queued}");
    let timeout = Duration::from_secs(900);
    transfer(&mut alice, "upload", &id, "done", timeout);
    let up = started.elapsed().as_secs_f64();
    let got = file_message(&mut bob, "b");
    assert_eq!(got["encryption"] != "none", encrypted, "{got}");
    let started = Instant::now();
    let (bob_id, _) = download_on_request(&mut bob, &got, timeout);
    let down = started.elapsed().as_secs_f64();
    let stored = updated(&mut bob, &bob_id, |v| v["file"]["transfer"] == "done");
    let path = std::path::PathBuf::from(stored["file"]["path"].as_str().expect("path"));
    assert_eq!(sha256_file(&path), hash, "the file arrived whole");
    let memory = (
        peak_rss_kib(alice.pid()).saturating_sub(baselines.0),
        peak_rss_kib(bob.pid()).saturating_sub(baselines.1),
    );
    Trip { up, down, memory }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(0.0)
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let mb: u64 = std::env::var("TRANSFER_MB")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(if full { 200 } else { 8 });
    let runs: usize = std::env::var("TRANSFER_RUNS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(if full { 3 } else { 1 });
    if !full {
        println!("transfer: smoke run (use `cargo bench --bench transfer` for numbers)");
    }
    let mut plain = Vec::new();
    let mut encrypted = Vec::new();
    for _ in 0..runs {
        for (enc, into) in [(false, &mut plain), (true, &mut encrypted)] {
            let t = round_trip(mb * MIB, enc);
            println!(
                "{mb} MB {}: upload {:.2} s, download {:.2} s; peak memory +{} KiB (sender), +{} KiB (receiver)",
                if enc { "encrypted" } else { "plain" },
                t.up,
                t.down,
                t.memory.0,
                t.memory.1
            );
            into.push(t);
        }
    }
    let up = |ts: &[Trip]| median(ts.iter().map(|t| t.up).collect());
    let down = |ts: &[Trip]| median(ts.iter().map(|t| t.down).collect());
    let worst = |ts: &[Trip]| {
        ts.iter()
            .map(|t| t.memory.0.max(t.memory.1))
            .max()
            .unwrap_or(0)
    };
    println!(
        "median of {runs}: upload {:.2} s plain, {:.2} s encrypted ({:.2}×); \
         download {:.2} s plain, {:.2} s encrypted ({:.2}×); \
         peak memory growth at most {} KiB plain, {} KiB encrypted",
        up(&plain),
        up(&encrypted),
        up(&encrypted) / up(&plain).max(0.001),
        down(&plain),
        down(&encrypted),
        down(&encrypted) / down(&plain).max(0.001),
        worst(&plain),
        worst(&encrypted),
    );
    // Streamed both ways: memory does not grow with the file.
    let limit = 30 * 1024;
    assert!(
        worst(&plain).max(worst(&encrypted)) < limit,
        "peak memory grew by more than {limit} KiB"
    );
}
