//! Incoming messages per second that one account actor receives, stores
//! and announces.
//!
//! Two figures:
//! - **end to end**: a second client floods the account through a real
//!   loopback Prosody; counted from the first to the last `message` event
//!   of the actor (so it includes Prosody's routing, TLS, XML parsing, the
//!   store with one transaction per live message, and the event channel);
//! - **pipeline**: the same work without the network, in-process: XML parse,
//!   `chat::parse_chat`, store insert (one transaction per message as live,
//!   and pages of 50 as from the archive), event serialization to JSON.
//!
//! - **encrypted**: the end-to-end run again with every message OMEMO 2
//!   encrypted for the account's device (one session, made before the
//!   clock starts), with the CPU time of both runs compared (medians of
//!   `ACTOR_INGEST_RUNS` pairs, 3 by default; `ACTOR_INGEST_N` messages;
//!   `ACTOR_INGEST_ONLY=encrypted` or `plain` runs one kind, e.g. to profile).
//!   Both floods are paced (`ACTOR_INGEST_RATE` messages/s, 500 by
//!   default, 0 for as fast as the server routes).
//!   `ACTOR_INGEST_PERF_FIFO` names a `perf record --control fifo:…` fifo
//!   that is switched on for the clocked part only.
//!   The CPU compared is that of the account runtime's threads: the sender
//!   (bob's raw client, the other person's side) is in the same process,
//!   and its larger encrypted stanzas are not the account's work.
//!
//! `cargo bench --bench actor_ingest` runs the full size; without `--bench`
//! (as under `cargo test --all-targets`) a small smoke run.

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "support/actor.rs"]
mod support;

use std::time::{Duration, Instant};

use chrono::Utc;
use common::Prosody;
use common::raw::RawClient;
use plausch::account::chat;
use plausch::api::Event;
use plausch::store::Store;
use support::{Running, cpu_seconds, start_account};
use tokio_xmpp::jid::BareJid;
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::message::Message;

fn stanza(i: usize) -> String {
    format!(
        "<message xmlns='jabber:client' type='chat' from='bob@localhost/raw' \
         to='alice@localhost' id='b{i}'><body>Nachricht {i}: kurz, wie im Alltag.</body>\
         <origin-id xmlns='urn:xmpp:sid:0' id='o{i}'/></message>"
    )
}

/// How a flood is written: plain, or OMEMO 2 encrypted for alice's device.
#[derive(Clone, Copy, PartialEq)]
enum Flood {
    Plain,
    Encrypted,
}

/// Messages per second of the floods by default: below what Prosody
/// routes of either kind on a loaded 2-core machine, so that both arrive
/// alike (one at a time). A faster flood arrives in bursts the actor
/// stores together, and a server that routes the larger encrypted
/// stanzas slower would hand the plain flood bigger, cheaper bursts.
const DEFAULT_RATE: u32 = 500;

/// `n` messages from bob to alice, encrypted on one session (made before
/// the clock starts: the sender's work is not the actor's).
fn encrypted_stanzas(bob: &mut RawClient, n: usize) -> Vec<String> {
    use common::omemo_peer::{Peer, core_bundle, device_and_bundle};
    use plausch::xmpp::omemo::Version;
    let (device, bundle) = device_and_bundle(bob, "alice@localhost", Version::V2);
    let bundle = core_bundle(Version::V2, &bundle, |_| true);
    let mut peer = Peer::new("bob@localhost", 4242, "alice@localhost", device, &bundle);
    (0..n)
        .map(|i| {
            peer.message(
                &format!("b{i}"),
                &format!("Nachricht {i}: kurz, wie im Alltag."),
            )
        })
        .collect()
}

/// Messages per second, the time from the first to the last `message`
/// event, and the CPU seconds the account's runtime threads used meanwhile
/// (the whole process, with the raw sender, is printed beside it).
fn end_to_end(n: usize, flood: Flood, rate: Option<u32>) -> (f64, Duration, f64) {
    let server = Prosody::start();
    server.register("alice", "apw");
    server.register("bob", "bpw");
    let dir = tempfile::tempdir().expect("temp dir");
    let Running {
        rt,
        actor: _actor,
        mut events,
    } = start_account(&server, "alice", "apw", dir.path());
    let mut bob = RawClient::connect(&server, "bob", "bpw");
    let xmls: Vec<String> = match flood {
        // Both floods ask for receipts, as clients do: the answers are
        // part of the work on either side of the comparison.
        Flood::Plain => (0..n)
            .map(|i| {
                stanza(i).replace(" from='bob@localhost/raw'", "").replace(
                    "</message>",
                    "<request xmlns='urn:xmpp:receipts'/></message>",
                )
            })
            .collect(),
        Flood::Encrypted => encrypted_stanzas(&mut bob, n),
    };
    // Events of the set-up are not the flood's.
    while events.try_recv().is_ok() {}
    perf_control("enable");
    let cpu_before = cpu_seconds();
    let sender = std::thread::spawn(move || {
        bob.paced_messages(xmls, rate);
        bob
    });
    let (first, last) = rt.block_on(async {
        let mut seen = 0;
        let mut first = None;
        while seen < n {
            match tokio::time::timeout(Duration::from_secs(60), events.recv()).await {
                Ok(Some(Event::Message { message, .. })) => {
                    let encrypted = message.crypto.encryption != plausch::api::Encryption::None;
                    assert_eq!(encrypted, flood == Flood::Encrypted, "{message:?}");
                    assert!(message.crypto.decryption_error.is_none(), "{message:?}");
                    first.get_or_insert_with(Instant::now);
                    seen += 1;
                }
                Ok(Some(_)) => {}
                _ => panic!("only {seen} of {n} messages arrived"),
            }
        }
        (first.unwrap_or_else(Instant::now), Instant::now())
    });
    let cpu_after = cpu_seconds();
    perf_control("disable");
    let diff = |a: (f64, f64), b: (f64, f64)| (a.0 - b.0, a.1 - b.1);
    let (user, system) = diff(cpu_after.0, cpu_before.0);
    let (actor_user, actor_system) = diff(cpu_after.1, cpu_before.1);
    println!(
        "  CPU: process {user:.2} s user, {system:.2} s system; \
         the account's threads {actor_user:.2} s user, {actor_system:.2} s system"
    );
    let cpu = actor_user + actor_system;
    let _ = sender.join();
    let took = last.duration_since(first);
    ((n - 1) as f64 / took.as_secs_f64(), took, cpu)
}

/// Switches a `perf record --control fifo:…` recording on or off around
/// the clocked part, when `ACTOR_INGEST_PERF_FIFO` names its fifo: a
/// profile of the flood without the set-up's key generation.
fn perf_control(command: &str) {
    if let Some(fifo) = std::env::var_os("ACTOR_INGEST_PERF_FIFO") {
        let _ = std::fs::write(fifo, format!("{command}\n"));
    }
}

/// Parse → store → announce, without a network; `page` messages per transaction.
fn pipeline(n: usize, page: usize) -> f64 {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open(&dir.path().join("history.sqlite")).expect("store");
    let own: BareJid = "alice@localhost".parse().expect("jid");
    let xml: Vec<String> = (0..n).map(stanza).collect();
    let start = Instant::now();
    let mut announced = 0usize;
    for chunk in xml.chunks(page) {
        let parsed: Vec<_> = chunk
            .iter()
            .filter_map(|x| {
                let el: Element = x.parse().ok()?;
                chat::parse_chat(Message::try_from(el).ok()?, &own, Utc::now())
            })
            .collect();
        let owned = chat::StoreRows::new(&parsed);
        let rows = owned.rows(&parsed);
        for outcome in store.insert_messages(&rows).expect("insert") {
            if let plausch::store::Inserted::New(message) = outcome {
                let event = Event::Message {
                    account: "bench".into(),
                    message,
                    reference: None,
                };
                announced += serde_json::to_string(&event).map_or(0, |_| 1);
            }
        }
    }
    assert_eq!(announced, n);
    n as f64 / start.elapsed().as_secs_f64()
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    // ACTOR_INGEST_N: another size (e.g. smaller under valgrind).
    let n = std::env::var("ACTOR_INGEST_N")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(if full { 5_000 } else { 200 });
    if !full {
        println!("actor_ingest: smoke run (use `cargo bench --bench actor_ingest` for numbers)");
    }
    let live = pipeline(n, 1);
    let paged = pipeline(n, 50);
    println!("pipeline, live (1 message per transaction): {live:.0} messages/s");
    println!("pipeline, archive pages of 50: {paged:.0} messages/s");
    // ACTOR_INGEST_RUNS pairs (plain, then encrypted), the medians
    // compared: one run's CPU time swings with whatever else the machine
    // does.
    let runs = std::env::var("ACTOR_INGEST_RUNS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(if full { 3 } else { 1 });
    let only = std::env::var("ACTOR_INGEST_ONLY").ok();
    // Messages per second the sender keeps to (0: as fast as it can).
    let pace = std::env::var("ACTOR_INGEST_RATE")
        .ok()
        .and_then(|n| n.parse().ok())
        .or(Some(DEFAULT_RATE))
        .filter(|r| *r > 0);
    let mut plain = Vec::new();
    let mut encrypted = Vec::new();
    for _ in 0..runs {
        for (flood, into) in [
            (Flood::Plain, &mut plain),
            (Flood::Encrypted, &mut encrypted),
        ] {
            let name = match flood {
                Flood::Plain => "plain",
                Flood::Encrypted => "encrypted",
            };
            if only.as_deref().is_some_and(|o| o != name) {
                continue;
            }
            let (rate, took, cpu) = end_to_end(n, flood, pace);
            println!(
                "end to end through Prosody, {}: {n} messages in {:.2} s, {rate:.0} messages/s, {cpu:.2} s CPU",
                match flood {
                    Flood::Plain => "plain",
                    Flood::Encrypted => "OMEMO 2 encrypted",
                },
                took.as_secs_f64()
            );
            into.push(cpu);
        }
    }
    let (plain_cpu, cpu) = (median(&mut plain), median(&mut encrypted));
    println!(
        "median of {runs}: plain {plain_cpu:.2} s CPU, encrypted {cpu:.2} s CPU: {:.2}× the plain CPU",
        cpu / plain_cpu.max(0.01)
    );
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(0.0)
}
