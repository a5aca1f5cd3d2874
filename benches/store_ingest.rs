//! Message store throughput and latency on a file-backed store, through the
//! public API only (issue 10's store budgets).
//!
//! - **insert, batched**: messages stored in batches (one transaction each),
//!   as the account actor stores a burst of live messages or an archive page;
//! - **insert, one per transaction**: the slowest case, a lone live message;
//! - **dedup**: duplicates (same origin-id, new local id) rejected, batched;
//! - **open**: opening the store that then holds everything above;
//! - **first page**: the newest page of a conversation with 100,000 messages,
//!   right after opening (what opening a conversation costs);
//! - **deep page**: a page from the middle of that conversation (scrolling);
//! - **unread counts**: the conversation list with last message and unread
//!   count of every conversation (start-up, badges).
//!
//! `cargo bench --bench store_ingest` runs the full size. Without `--bench`
//! (as under `cargo test --all-targets`) a small smoke run checks that the
//! same code works.

use std::path::Path;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use plausch::api::{Direction, MessageState};
use plausch::store::{Inserted, NewMessage, Store};

struct Sizes {
    /// Messages in the one big conversation.
    big: usize,
    /// Messages spread over the other conversations.
    spread: usize,
    conversations: usize,
    batch: usize,
    single: usize,
    duplicates: usize,
    page: u32,
    /// How often the page queries are repeated (median taken).
    rounds: usize,
}

const FULL: Sizes = Sizes {
    big: 100_000,
    spread: 50_000,
    conversations: 50,
    batch: 500,
    single: 5_000,
    duplicates: 10_000,
    page: 50,
    rounds: 21,
};

const SMOKE: Sizes = Sizes {
    big: 2_000,
    spread: 1_000,
    conversations: 5,
    batch: 100,
    single: 100,
    duplicates: 200,
    page: 50,
    rounds: 3,
};

const BODY: &str = "Kurze Nachricht mit etwas Text, wie sie im Alltag vorkommt.";
const T0: i64 = 1_700_000_000;

fn contact(c: usize) -> String {
    format!("contact{c:02}@example.org")
}

/// Message `i`, one second after message `i - 1`.
fn message<'a>(i: usize, with: &'a str, id: &'a str) -> NewMessage<'a> {
    let at = DateTime::<Utc>::from_timestamp(T0 + i as i64, 0).expect("valid timestamp");
    let state = MessageState::Received;
    NewMessage {
        origin_id: Some(id),
        ..NewMessage::text(id, with, Direction::In, with, BODY, at, state)
    }
}

/// Stores messages `range` (conversation chosen by `with_of`) in batches;
/// returns how long it took. Every message must be new.
fn insert_batched(
    store: &mut Store,
    range: std::ops::Range<usize>,
    batch: usize,
    with_of: impl Fn(usize) -> String,
) -> Duration {
    let ids: Vec<String> = range.clone().map(|i| format!("origin-{i:07}")).collect();
    let withs: Vec<String> = range.clone().map(&with_of).collect();
    let messages: Vec<NewMessage> = range
        .clone()
        .zip(ids.iter().zip(&withs))
        .map(|(i, (id, with))| message(i, with, id))
        .collect();
    let start = Instant::now();
    for chunk in messages.chunks(batch) {
        let outcome = store.insert_messages(chunk).expect("insert batch");
        assert!(
            outcome.iter().all(|o| matches!(o, Inserted::New(_))),
            "a new message was taken for a duplicate"
        );
    }
    start.elapsed()
}

fn per_second(n: usize, d: Duration) -> f64 {
    n as f64 / d.as_secs_f64()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Opens the store at `path`, then reads the newest page of `with`: the
/// cost of opening a conversation after start-up.
fn open_and_first_page(path: &Path, with: &str, page: u32) -> (Duration, Duration, Store) {
    let start = Instant::now();
    let store = Store::open(path).expect("open store");
    let open = start.elapsed();
    let start = Instant::now();
    let first = store.history(with, page, None).expect("history");
    let first_page = start.elapsed();
    assert_eq!(first.len(), page as usize);
    (open, first_page, store)
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let s = if full { FULL } else { SMOKE };
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("history.sqlite");
    let mut store = Store::open(&path).expect("open store");
    let big = contact(0);

    // Batched inserts: the big conversation, then the others.
    let one = insert_batched(&mut store, 0..s.big, s.batch, |_| big.clone());
    let spread = insert_batched(&mut store, s.big..s.big + s.spread, s.batch, |i| {
        contact(1 + i % (s.conversations - 1))
    });
    let inserted = s.big + s.spread;

    // One transaction per message, as for a lone live message.
    let start_i = inserted;
    let ids: Vec<String> = (start_i..start_i + s.single)
        .map(|i| format!("origin-{i:07}"))
        .collect();
    let start = Instant::now();
    for (k, id) in ids.iter().enumerate() {
        let with = contact(1 + k % (s.conversations - 1));
        let stored = store
            .insert_message(&message(start_i + k, &with, id))
            .expect("insert");
        assert!(stored.is_some(), "message {k} was taken for a duplicate");
    }
    let single = start.elapsed();

    // Duplicates of the big conversation's messages under fresh local ids
    // (a reconnect resend or archive replay), batched.
    let origins: Vec<String> = (0..s.duplicates)
        .map(|k| format!("origin-{:07}", k * (s.big / s.duplicates)))
        .collect();
    let locals: Vec<String> = (0..s.duplicates)
        .map(|k| format!("replay-{k:07}"))
        .collect();
    let dups: Vec<NewMessage> = origins
        .iter()
        .zip(&locals)
        .enumerate()
        .map(|(k, (origin, local))| {
            let mut m = message(k * (s.big / s.duplicates), &big, local);
            m.origin_id = Some(origin);
            m
        })
        .collect();
    let start = Instant::now();
    for chunk in dups.chunks(s.batch) {
        let outcome = store.insert_messages(chunk).expect("insert duplicates");
        assert!(outcome.iter().all(|o| *o == Inserted::Duplicate));
    }
    let dedup = start.elapsed();
    drop(store);

    // Open + first page, cold-ish (a fresh connection each round).
    let mut opens = Vec::new();
    let mut firsts = Vec::new();
    let mut store = None;
    for _ in 0..s.rounds {
        let (open, first, opened) = open_and_first_page(&path, &big, s.page);
        opens.push(open);
        firsts.push(first);
        store = Some(opened);
    }
    let store = store.expect("at least one round");

    // A page from the middle of the big conversation.
    let newest = store.history(&big, 1, None).expect("history");
    let middle = newest[0].seq - (s.big as i64) / 2;
    let mut deeps = Vec::new();
    for _ in 0..s.rounds {
        let start = Instant::now();
        let page = store.history(&big, s.page, Some(middle)).expect("history");
        deeps.push(start.elapsed());
        assert_eq!(page.len(), s.page as usize);
    }

    // The conversation list with unread counts (everything is unread).
    let mut lists = Vec::new();
    for _ in 0..s.rounds {
        let start = Instant::now();
        let list = store.conversations().expect("conversations");
        lists.push(start.elapsed());
        assert_eq!(list.len(), s.conversations);
        assert_eq!(
            list.iter().map(|c| c.unread as usize).sum::<usize>(),
            inserted + s.single
        );
    }

    if !full {
        println!("store_ingest: smoke run (use `cargo bench --bench store_ingest` for numbers)");
    }
    println!(
        "insert, batches of {}: {} messages in one conversation: {:.2} s, {:.0} messages/s",
        s.batch,
        s.big,
        one.as_secs_f64(),
        per_second(s.big, one)
    );
    println!(
        "insert, batches of {}: {} messages spread over {} conversations: {:.2} s, {:.0} messages/s",
        s.batch,
        s.spread,
        s.conversations - 1,
        spread.as_secs_f64(),
        per_second(s.spread, spread)
    );
    println!(
        "insert, one per transaction: {} messages: {:.2} s, {:.0} messages/s",
        s.single,
        single.as_secs_f64(),
        per_second(s.single, single)
    );
    println!(
        "dedup, batches of {}: {} duplicates rejected: {:.0} rejections/s",
        s.batch,
        s.duplicates,
        per_second(s.duplicates, dedup)
    );
    println!(
        "open store with {} messages: {:.2} ms (median of {})",
        inserted + s.single,
        ms(median(opens)),
        s.rounds
    );
    println!(
        "first page of {} in a conversation of {} messages, after open: {:.2} ms (median)",
        s.page,
        s.big,
        ms(median(firsts))
    );
    println!(
        "page of {} from the middle of that conversation: {:.2} ms (median)",
        s.page,
        ms(median(deeps))
    );
    println!(
        "conversation list with unread counts ({} conversations, {} unread): {:.2} ms (median)",
        s.conversations,
        inserted + s.single,
        ms(median(lists))
    );
}
