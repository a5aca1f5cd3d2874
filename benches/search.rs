//! Full-text search in a big store (issue 25, part 2): 1,000,000 messages
//! in one account's store, a two-word query with and without filters, the
//! median time of the first 50 results (budget: 20 ms). Then the whole
//! store exported in each format, with the process's peak memory during
//! the export: exports stream, so it must not grow with the history.
//!
//! The messages are 5 to 14 words drawn from a vocabulary of 20,000 words
//! with Zipf frequencies (as in natural text: a few words are everywhere,
//! most are rare), over 40 chats and one busy room, one message every 30 s
//! (a year of history). The store is filled through the public batch
//! insert, as the account actor stores an archive page.
//!
//! `cargo bench --bench search` runs the full size. Without `--bench` (as
//! under `cargo test --all-targets`) a small smoke run checks the same code.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use plausch::api::{Direction, ExportFormat, MessageState};
use plausch::export::file::write_file;
use plausch::store::{NewMessage, Store};

const FULL: usize = 1_000_000;
const SMOKE: usize = 20_000;
const VOCABULARY: usize = 20_000;
const BATCH: usize = 5_000;
const CHATS: usize = 40;
const ROOM: &str = "team@muc.example.org";
const T0: i64 = 1_735_689_600; // 2025-01-01
const ROUNDS: usize = 21;

/// splitmix64: a fixed, dependency-free sequence, so every run searches the
/// same store.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Word `rank` of the vocabulary: pronounceable, unique, lower case.
fn word(rank: usize) -> String {
    const ON: &[&str] = &[
        "b", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "w",
    ];
    const NU: &[&str] = &["a", "e", "i", "o", "u", "ei", "au"];
    let mut n = rank;
    let mut w = String::new();
    loop {
        w.push_str(ON[n % ON.len()]);
        n /= ON.len();
        w.push_str(NU[n % NU.len()]);
        n /= NU.len();
        if n == 0 {
            break;
        }
    }
    // Two syllables at least, and never a prefix of another word's start.
    w.push('n');
    w
}

struct Vocabulary {
    words: Vec<String>,
    /// Cumulative Zipf weights (s = 1).
    cumulative: Vec<f64>,
}

impl Vocabulary {
    fn new() -> Self {
        let words: Vec<String> = (0..VOCABULARY).map(word).collect();
        let mut sum = 0.0;
        let cumulative = (1..=VOCABULARY)
            .map(|r| {
                sum += 1.0 / r as f64;
                sum
            })
            .collect();
        Vocabulary { words, cumulative }
    }

    fn pick(&self, rng: &mut Rng) -> &str {
        let total = self.cumulative[VOCABULARY - 1];
        let x = rng.unit() * total;
        let i = self.cumulative.partition_point(|&c| c < x);
        &self.words[i.min(VOCABULARY - 1)]
    }
}

fn chat(c: usize) -> String {
    format!("contact{c:02}@example.org")
}

/// Fills the store with `n` messages; returns how long it took.
fn fill(store: &mut Store, n: usize, vocabulary: &Vocabulary) -> Duration {
    let mut rng = Rng(25);
    let chats: Vec<String> = (0..CHATS).map(chat).collect();
    let senders: Vec<String> = chats.iter().map(|c| format!("{c}/phone")).collect();
    let nicks: Vec<String> = (0..30).map(|k| format!("{ROOM}/nick{k}")).collect();
    let start = Instant::now();
    for first in (0..n).step_by(BATCH) {
        let range = first..(first + BATCH).min(n);
        let mut rows = Vec::with_capacity(range.len());
        for i in range {
            let words = 5 + (rng.next() % 10) as usize;
            let body: Vec<&str> = (0..words).map(|_| vocabulary.pick(&mut rng)).collect();
            // A third of the traffic is the room.
            let pick = rng.next() as usize;
            let (with, sender) = if pick.is_multiple_of(3) {
                (ROOM, nicks[pick / 3 % nicks.len()].as_str())
            } else {
                let c = pick / 3 % CHATS;
                (chats[c].as_str(), senders[c].as_str())
            };
            rows.push((format!("m{i:07}"), with, sender, body.join(" "), i));
        }
        let batch: Vec<NewMessage> = rows
            .iter()
            .map(|(id, with, sender, body, i)| {
                let at = DateTime::<Utc>::from_timestamp(T0 + 30 * *i as i64, 0)
                    .expect("valid timestamp");
                let state = MessageState::Received;
                NewMessage::text(id, with, Direction::In, sender, body, at, state)
            })
            .collect();
        store.insert_messages(&batch).expect("insert batch");
    }
    start.elapsed()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Median time of the first 50 results of `query`, and how many came.
fn time_search(store: &Store, query: &str, rounds: usize) -> (Duration, usize) {
    let mut times = Vec::with_capacity(rounds);
    let mut found = 0;
    for _ in 0..rounds {
        let start = Instant::now();
        let results = store.search(query, 50).expect("search");
        times.push(start.elapsed());
        found = results.len();
    }
    times.sort();
    (times[times.len() / 2], found)
}

fn main() {
    if let Ok(job) = std::env::var(EXPORT_JOB) {
        return export_job(&job);
    }
    let full = std::env::args().any(|a| a == "--bench");
    let n = if full { FULL } else { SMOKE };
    let rounds = if full { ROUNDS } else { 3 };
    let dir = tempfile::tempdir().expect("temp dir");
    // PLAUSCH_BENCH_KEEP=DIR keeps the filled store there, to look into.
    let dir_path = match std::env::var_os("PLAUSCH_BENCH_KEEP") {
        Some(keep) => std::path::PathBuf::from(keep),
        None => dir.path().to_path_buf(),
    };
    let path = dir_path.join("history.sqlite");
    let vocabulary = Vocabulary::new();
    let mut store = Store::open(&path).expect("open store");
    let took = fill(&mut store, n, &vocabulary);
    println!(
        "search: {n} messages stored in {:.1} s ({:.0}/s)",
        took.as_secs_f64(),
        n as f64 / took.as_secs_f64()
    );
    drop(store);
    // Searched as after a start: a fresh connection to the file.
    let store = Store::open(&path).expect("open store");

    // Words of middling frequency (ranks 40 and 150: in about 2 % and
    // 0.6 % of the messages), common ones (ranks 2 and 5), and the second
    // word half typed (its first three letters, a prefix of many words).
    let (w1, w2) = (word(40), word(150));
    let (c1, c2) = (word(2), word(5));
    let typed = &w2[..3];
    let last_month = "after:2025-11-01";
    let queries = [
        ("two words", format!("{w1} {w2}")),
        ("two words, second half typed", format!("{w1} {typed}")),
        ("two common words", format!("{c1} {c2}")),
        ("with: one chat", format!("{w1} {w2} with:{}", chat(7))),
        (
            "in: the room, from: a nick",
            format!("{w1} {w2} in:{ROOM} from:nick3"),
        ),
        (
            "after: (last two months)",
            format!("{w1} {w2} {last_month}"),
        ),
        (
            "before: + after: (one month)",
            format!("{w1} {w2} after:2025-03-01 before:2025-04-01"),
        ),
        (
            "common words, with: one chat",
            format!("{c1} {c2} with:{}", chat(7)),
        ),
        ("filters only: with: one chat", format!("with:{}", chat(7))),
    ];
    let mut worst = Duration::ZERO;
    for (label, query) in &queries {
        let (median, found) = time_search(&store, query, rounds);
        println!(
            "search: {label:<32} {:>8.2} ms median, {found:>2} results   ({query})",
            ms(median)
        );
        worst = worst.max(median);
    }
    println!("search: slowest median {:.2} ms (budget 20 ms)", ms(worst));
    drop(store);
    // Each export in a process of its own, so its peak memory is its own:
    // the whole store, and one chat of about 17,000 messages to compare.
    for format in ["text", "jsonl", "html"] {
        let (all, all_peak) = export_in_child(&path, format, None);
        let (one, one_peak) = export_in_child(&path, format, Some(&chat(7)));
        println!(
            "export: {format:<5}: {all}; peak memory {:.1} MiB (one chat: {one}; {:.1} MiB)",
            all_peak as f64 / 1024.0,
            one_peak as f64 / 1024.0
        );
    }
    if !full {
        let store = Store::open(&path).expect("open store");
        // The smoke run checks that filters narrow and results come.
        let all = store.search(&format!("{w1} {w2}"), 50).expect("search");
        let one = store
            .search(&format!("{w1} {w2} with:{}", chat(7)), 50)
            .expect("search");
        assert!(!all.is_empty() && one.len() <= all.len());
        assert!(one.iter().all(|m| m.with == chat(7)));
    }
}

/// Set in a child process: `store path|format|with` to export.
const EXPORT_JOB: &str = "SEARCH_BENCH_EXPORT";

/// Runs one export in a child process (this program again); what it says
/// and its peak memory in KiB (Linux; 0 elsewhere).
fn export_in_child(store: &std::path::Path, format: &str, with: Option<&str>) -> (String, u64) {
    let job = format!("{}|{format}|{}", store.display(), with.unwrap_or(""));
    let out = std::process::Command::new(std::env::current_exe().expect("own path"))
        .env(EXPORT_JOB, job)
        .output()
        .expect("export child");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    let mut lines = said.lines();
    let what = lines.next().unwrap_or_default().to_owned();
    let peak = lines.next().and_then(|l| l.parse().ok()).unwrap_or(0);
    (what, peak)
}

fn export_job(job: &str) {
    let mut parts = job.split('|');
    let (Some(store), Some(format), Some(with)) = (parts.next(), parts.next(), parts.next()) else {
        panic!("bad job {job}");
    };
    let format = match format {
        "text" => ExportFormat::Text,
        "jsonl" => ExportFormat::Jsonl,
        _ => ExportFormat::Html,
    };
    let store = std::path::Path::new(store);
    let target = store.with_extension(format.extension());
    let with = Some(with).filter(|w| !w.is_empty());
    let start = Instant::now();
    let (messages, bytes) =
        write_file(store, &target, with, format, "me@example.org").expect("export");
    let took = start.elapsed();
    let _ = std::fs::remove_file(&target);
    println!(
        "{messages} messages, {:.1} MB in {:.2} s",
        bytes as f64 / 1e6,
        took.as_secs_f64()
    );
    println!("{}", peak_kib());
}

/// This process's peak memory in KiB (Linux; 0 elsewhere).
fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}
