//! Direct file transfers between two Plausch accounts (Jingle, issue 24):
//! throughput over a loopback SOCKS5 connection and in-band (IBB through
//! Prosody, slow by design), and both clients' peak memory during the
//! transfer. Budgets: SOCKS5 at least 100 MB/s, IBB at least 2 MB/s, peak
//! memory idle + 30 MiB.
//!
//! Timed from `accept_file` to the receiver's `done` (the file streamed to
//! a temporary file, its SHA-256 checked, renamed into place); the
//! sender's hashing before the offer is not part of it. Two clients as
//! processes (headless, debug or release as built), the server on
//! loopback with an upload limit of 1 MiB (so the files go directly).
//!
//! `cargo bench --bench direct` moves 1 GB over SOCKS5 and 64 MB in-band;
//! without `--bench` (as under `cargo test --all-targets`) 16 MB and 4 MB
//! once, without the budgets. `DIRECT_MB` and `IBB_MB` set other sizes.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use common::Prosody;
use common::files::{
    BigSend, MIB, peak_rss_kib, plain_pair_with, send_big_file, sha256_file, transfer, updated,
};
use serde_json::json;

struct Run {
    mb_per_s: f64,
    memory: (u64, u64),
}

fn run(size: u64, method: &str) -> Run {
    let server = Prosody::start_with_upload_limit(Some(MIB));
    server.register("alice", "apw");
    server.register("bob", "bpw");
    let env: &[(&str, &str)] = if method == "ibb" {
        &[("PLAUSCH_JINGLE", "ibb")]
    } else {
        &[]
    };
    let (_dirs, mut alice, mut bob) = plain_pair_with(&server, env, &[]);
    // Bob's caps reach Alice with his presence; give them a moment.
    std::thread::sleep(Duration::from_secs(1));
    let BigSend {
        _work,
        hash,
        baselines,
        id,
        ..
    } = send_big_file(&mut alice, &bob, "Archiv.tar", size, "b1");
    let offer = bob.wait_for("file offer", |v| v["event"] == "file_offer");
    let bob_id = offer["id"].as_str().expect("id").to_owned();
    let started = Instant::now();
    bob.send(json!({"cmd":"accept_file","account":"b","id":bob_id}));
    let timeout = Duration::from_secs(1800);
    let done = transfer(&mut bob, "receiving", &bob_id, "done", timeout);
    let seconds = started.elapsed().as_secs_f64();
    assert_eq!(done["method"], method, "{done}");
    transfer(&mut alice, "sending", &id, "done", Duration::from_secs(60));
    let stored = updated(&mut bob, &bob_id, |v| v["file"]["transfer"] == "done");
    let path = std::path::PathBuf::from(stored["file"]["path"].as_str().expect("path"));
    assert_eq!(sha256_file(&path), hash, "the file arrived whole");
    let _ = std::fs::remove_file(&path);
    Run {
        mb_per_s: size as f64 / 1e6 / seconds.max(0.001),
        memory: (
            peak_rss_kib(alice.pid()).saturating_sub(baselines.0),
            peak_rss_kib(bob.pid()).saturating_sub(baselines.1),
        ),
    }
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let size = |var: &str, bench: u64, smoke: u64| {
        std::env::var(var)
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(if full { bench } else { smoke })
    };
    let (direct_mb, ibb_mb) = (size("DIRECT_MB", 1024, 16), size("IBB_MB", 64, 4));
    if !full {
        println!("direct: smoke run (use `cargo bench --bench direct` for numbers)");
    }
    let socks5 = run(direct_mb * MIB, "socks5");
    println!(
        "SOCKS5 {direct_mb} MiB: {:.0} MB/s; peak memory +{} KiB (sender), +{} KiB (receiver)",
        socks5.mb_per_s, socks5.memory.0, socks5.memory.1
    );
    let ibb = run(ibb_mb * MIB, "ibb");
    println!(
        "IBB {ibb_mb} MiB: {:.1} MB/s; peak memory +{} KiB (sender), +{} KiB (receiver)",
        ibb.mb_per_s, ibb.memory.0, ibb.memory.1
    );
    let limit = 30 * 1024;
    let worst = [socks5.memory.0, socks5.memory.1, ibb.memory.0, ibb.memory.1]
        .into_iter()
        .max()
        .unwrap_or(0);
    assert!(
        worst < limit,
        "peak memory grew by {worst} KiB (budget {limit} KiB)"
    );
    if full {
        assert!(
            socks5.mb_per_s >= 100.0,
            "SOCKS5 {:.0} MB/s, budget 100",
            socks5.mb_per_s
        );
        assert!(
            ibb.mb_per_s >= 2.0,
            "IBB {:.1} MB/s, budget 2",
            ibb.mb_per_s
        );
    }
}
