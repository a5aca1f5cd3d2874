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
//! `cargo bench --bench actor_ingest` runs the full size; without `--bench`
//! (as under `cargo test --all-targets`) a small smoke run.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use chrono::Utc;
use common::Prosody;
use common::raw::RawClient;
use plausch::account::chat;
use plausch::api::{ConnState, Event};
use plausch::config::{AccountConfig, PasswordSource};
use plausch::store::Store;
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

fn end_to_end(n: usize) -> (f64, Duration) {
    let server = Prosody::start();
    server.register("alice", "apw");
    server.register("bob", "bpw");
    let dir = tempfile::tempdir().expect("temp dir");
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let mut config = AccountConfig::new(
        "bench",
        "alice@localhost",
        PasswordSource::Command("printf '%s' apw".into()),
    );
    config.host = Some("127.0.0.1".into());
    config.port = Some(server.c2s_port());
    config.ca_file = Some(server.ca_file());
    let (tx, mut events) = tokio::sync::mpsc::unbounded_channel();
    let _actor = rt.block_on(async { plausch::accounts::start(config, dir.path().to_owned(), tx) });
    rt.block_on(async {
        while let Some(e) = events.recv().await {
            if matches!(e, Event::ArchiveSynced { .. }) {
                break;
            }
            if let Event::AccountState { state, reason, .. } = &e
                && *state != ConnState::Online
                && *state != ConnState::Connecting
            {
                panic!("bench account did not connect: {state:?} {reason:?}");
            }
        }
    });
    let bob = RawClient::connect(&server, "bob", "bpw");
    let sender = std::thread::spawn(move || {
        bob.flood_messages((0..n).map(|i| stanza(i).replace(" from='bob@localhost/raw'", "")));
        bob
    });
    let (first, last) = rt.block_on(async {
        let mut seen = 0;
        let mut first = None;
        while seen < n {
            match tokio::time::timeout(Duration::from_secs(60), events.recv()).await {
                Ok(Some(Event::Message { .. })) => {
                    first.get_or_insert_with(Instant::now);
                    seen += 1;
                }
                Ok(Some(_)) => {}
                _ => panic!("only {seen} of {n} messages arrived"),
            }
        }
        (first.unwrap_or_else(Instant::now), Instant::now())
    });
    let _ = sender.join();
    let took = last.duration_since(first);
    ((n - 1) as f64 / took.as_secs_f64(), took)
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
    let n = if full { 5_000 } else { 200 };
    if !full {
        println!("actor_ingest: smoke run (use `cargo bench --bench actor_ingest` for numbers)");
    }
    let live = pipeline(n, 1);
    let paged = pipeline(n, 50);
    println!("pipeline, live (1 message per transaction): {live:.0} messages/s");
    println!("pipeline, archive pages of 50: {paged:.0} messages/s");
    let (rate, took) = end_to_end(n);
    println!(
        "end to end through Prosody: {n} messages in {:.2} s, {rate:.0} messages/s",
        took.as_secs_f64()
    );
}
