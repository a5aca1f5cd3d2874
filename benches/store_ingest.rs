//! Message store throughput: ingest, duplicate rejection and history paging
//! on a file-backed store, through the public API only.
//!
//! `cargo bench --bench store_ingest` runs the full size (20,000 messages in
//! 50 conversations, 2,000 duplicates, paging one conversation 50 at a time).
//! Without `--bench` (as under `cargo test --all-targets`) it runs a small
//! smoke version so the test suite stays fast.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use plausch::api::{Direction, MessageState};
use plausch::store::{NewMessage, Store};

struct Sizes {
    messages: usize,
    conversations: usize,
    duplicates: usize,
    page: u32,
    /// How often the paged conversation is read from newest to oldest.
    page_rounds: usize,
}

const FULL: Sizes = Sizes {
    messages: 20_000,
    conversations: 50,
    duplicates: 2_000,
    page: 50,
    page_rounds: 20,
};

const SMOKE: Sizes = Sizes {
    messages: 500,
    conversations: 5,
    duplicates: 50,
    page: 50,
    page_rounds: 1,
};

fn contact(c: usize) -> String {
    format!("contact{c:02}@example.org")
}

/// Message `i`: conversation `i % conversations`, one second apart.
fn message<'a>(i: usize, with: &'a str, id: &'a str, body: &'a str, t0: i64) -> NewMessage<'a> {
    NewMessage {
        id,
        with,
        direction: Direction::In,
        sender: with,
        body,
        timestamp: DateTime::<Utc>::from_timestamp(t0 + i as i64, 0).expect("valid timestamp"),
        state: MessageState::Received,
        server_id: None,
        origin_id: Some(id),
        reply_to: None,
        markable: false,
        file: None,
    }
}

fn per_second(n: usize, d: Duration) -> f64 {
    n as f64 / d.as_secs_f64()
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let s = if full { FULL } else { SMOKE };
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("history.sqlite");
    let mut store = Store::open(&path).expect("open store");
    let contacts: Vec<String> = (0..s.conversations).map(contact).collect();
    let t0 = 1_700_000_000;
    let body = "Kurze Nachricht mit etwas Text, wie sie im Alltag vorkommt.";

    // Ingest: every message with its own origin-id.
    let start = Instant::now();
    for i in 0..s.messages {
        let id = format!("origin-{i:06}");
        let with = &contacts[i % s.conversations];
        let stored = store
            .insert_message(&message(i, with, &id, body, t0))
            .expect("insert");
        assert!(stored.is_some(), "message {i} was taken for a duplicate");
    }
    let insert = start.elapsed();

    // Duplicates: the same origin-ids again, under fresh local ids (as a
    // reconnect resend or archive replay would arrive).
    let start = Instant::now();
    for k in 0..s.duplicates {
        let i = k * (s.messages / s.duplicates);
        let origin = format!("origin-{i:06}");
        let local = format!("replay-{k:06}");
        let with = &contacts[i % s.conversations];
        let mut m = message(i, with, &local, body, t0);
        m.origin_id = Some(&origin);
        let stored = store.insert_message(&m).expect("insert duplicate");
        assert!(stored.is_none(), "duplicate {k} was stored");
    }
    let dedup = start.elapsed();

    // Paging: one conversation from newest to oldest, `page` at a time.
    let with = &contacts[0];
    let expected = s.messages.div_ceil(s.conversations);
    let mut pages = 0usize;
    let start = Instant::now();
    for _ in 0..s.page_rounds {
        let mut before = None;
        let mut seen = 0;
        loop {
            let page = store.history(with, s.page, before).expect("history");
            pages += 1;
            let Some(oldest) = page.first() else { break };
            before = Some(oldest.seq);
            seen += page.len();
        }
        assert_eq!(seen, expected, "paging lost or repeated messages");
    }
    let paging = start.elapsed();

    if !full {
        println!("store_ingest: smoke run (use `cargo bench --bench store_ingest` for numbers)");
    }
    println!(
        "insert: {} messages in {} conversations: {:.2} s, {:.0} messages/s",
        s.messages,
        s.conversations,
        insert.as_secs_f64(),
        per_second(s.messages, insert)
    );
    println!(
        "dedup: {} duplicates rejected: {:.2} s, {:.0} rejections/s",
        s.duplicates,
        dedup.as_secs_f64(),
        per_second(s.duplicates, dedup)
    );
    println!(
        "history: {} pages of {} ({} messages, {} rounds): {:.3} ms per page",
        pages,
        s.page,
        expected,
        s.page_rounds,
        paging.as_secs_f64() * 1000.0 / pages as f64
    );
}
