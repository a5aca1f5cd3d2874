//! Chaos soak (issue 20): messages in both directions between Plausch and a
//! second client while the connection is cut, Plausch is killed and the
//! server restarted; afterwards every message must be stored exactly once,
//! in order, and every outgoing one acknowledged by the server.
//!
//! - Alice is the Plausch under test (`plausch --headless`); her account
//!   connects through a TCP proxy in this process, whose `cut` closes every
//!   proxied connection abruptly (RST on both halves), so her stream has to
//!   resume (XEP-0198) or start a new session and catch up from the archive.
//! - Bob is a second headless Plausch, connected to the server directly.
//! - Both send at a steady rate (`CHAOS_RATE` messages per second and
//!   direction, default 50), bodies numbered per direction (`a00001`,
//!   `b00001`). The chaos events are spread evenly over the sending time:
//!   20 cuts, 3 SIGKILLs of Alice (restarted on the same profile at once,
//!   without waiting for her to come online) and 2 server restarts (in the
//!   background: nobody stops writing meanwhile). Before a kill the bench
//!   waits until Alice has stored every message it handed her (what a
//!   person saw in the window), so the expected set is exact.
//! - Then it waits (at most `CHAOS_SETTLE_SECS`, default 600) until each
//!   side holds all of the other's messages and all of its own are at least
//!   `acked`, and counts per direction in the receiver's stored history:
//!   lost, duplicated, out of order (a message whose number is lower than
//!   the one stored before it; further copies count as duplicates only);
//!   and in the sender's own history: copies missing, duplicated, out of
//!   order, not acknowledged.
//!
//! `cargo bench --bench chaos` runs the soak: 10,000 messages each way
//! (`CHAOS_MESSAGES`; `CHAOS_CUTS`, `CHAOS_KILLS`, `CHAOS_RESTARTS` change
//! the chaos). Without `--bench` (`cargo test --all-targets`) a smoke
//! version: 200 each way at 25/s, 2 cuts, 1 kill, 1 server restart. Exits non-zero
//! if any count is not 0, not everything is acknowledged in time, or a
//! client stalls (stores none of the messages handed to it for 60 s, or
//! does not answer a history request within 60 s); the clients' and the
//! server's logs and both stored histories are then kept in
//! `$TMPDIR/plausch-test-logs/chaos-<time>/` (`PLAUSCH_TEST_PROSODY_DEBUG=1`
//! makes the server log every stanza).

#[path = "../tests/common/mod.rs"]
mod common;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::Prosody;
use common::headless::{self, Headless};
use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// Messages handed to a client and not yet stored by it, at most; beyond
/// that this side waits (the client is busy, e.g. starting after a kill).
const WINDOW: usize = 500;

fn env_num<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

struct Plan {
    messages: usize,
    cuts: usize,
    kills: usize,
    restarts: usize,
    /// Messages per second and direction.
    rate: f64,
    settle: Duration,
    /// A client that stores none of the messages handed to it for this
    /// long has stalled: the run fails (and stops sending).
    stall: Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Chaos {
    Cut,
    Kill,
    Restart,
}

/// The kinds of the chaos events in order: kills and restarts spread
/// evenly among the cuts.
fn schedule(plan: &Plan) -> Vec<Chaos> {
    let n = plan.cuts + plan.kills + plan.restarts;
    let mut slots: Vec<Option<Chaos>> = vec![None; n];
    let mut place = |want: usize, kind: Chaos| {
        let mut i = want.min(n.saturating_sub(1));
        while slots[i].is_some() {
            i = (i + 1) % n;
        }
        slots[i] = Some(kind);
    };
    for k in 0..plan.kills {
        place(
            ((k as f64 + 0.5) * n as f64 / plan.kills as f64) as usize,
            Chaos::Kill,
        );
    }
    for r in 1..=plan.restarts {
        place(
            ((r * n) as f64 / (plan.restarts + 1) as f64).round() as usize,
            Chaos::Restart,
        );
    }
    slots.into_iter().map(|s| s.unwrap_or(Chaos::Cut)).collect()
}

/// A TCP proxy on 127.0.0.1 in front of the server's c2s port.
struct Proxy {
    /// Runs the relays; dropping it closes every connection.
    _rt: tokio::runtime::Runtime,
    port: u16,
    cut: watch::Sender<u64>,
    live: Arc<AtomicUsize>,
}

impl Proxy {
    fn start(upstream: u16) -> Proxy {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("proxy runtime");
        let listener = rt
            .block_on(TcpListener::bind("127.0.0.1:0"))
            .expect("proxy listens");
        let port = listener.local_addr().expect("proxy address").port();
        let (cut, _) = watch::channel(0u64);
        let live = Arc::new(AtomicUsize::new(0));
        let (cut_tx, live_in) = (cut.clone(), live.clone());
        rt.spawn(async move {
            while let Ok((down, _)) = listener.accept().await {
                // Subscribed at accept: a cut from now on closes this one.
                let cut = cut_tx.subscribe();
                let live = live_in.clone();
                live.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(async move {
                    relay(down, upstream, cut).await;
                    live.fetch_sub(1, Ordering::SeqCst);
                });
            }
        });
        Proxy {
            _rt: rt,
            port,
            cut,
            live,
        }
    }

    /// Closes every proxied connection at once; how many there were.
    fn cut(&self) -> usize {
        let n = self.live.load(Ordering::SeqCst);
        self.cut.send_modify(|g| *g += 1);
        n
    }
}

async fn relay(mut down: TcpStream, upstream: u16, mut cut: watch::Receiver<u64>) {
    let connect = TcpStream::connect(("127.0.0.1", upstream));
    let mut up = tokio::select! {
        up = connect => match up {
            Ok(up) => up,
            // The server is down: the client sees its connection closed.
            Err(_) => return,
        },
        _ = cut.changed() => {
            let _ = down.set_zero_linger();
            return;
        }
    };
    tokio::select! {
        _ = tokio::io::copy_bidirectional(&mut down, &mut up) => {}
        _ = cut.changed() => {
            // Abrupt: RST on both halves, whatever is in flight is gone.
            let _ = down.set_zero_linger();
            let _ = up.set_zero_linger();
        }
    }
}

/// One of the two clients and what the bench knows about its sending.
struct Side {
    name: &'static str,
    account: &'static str,
    /// Bodies of its messages start with this letter.
    prefix: char,
    peer: &'static str,
    dir: PathBuf,
    client: Option<Headless>,
    /// Messages handed to the client (numbered from 1).
    sent: usize,
    /// Numbers the client reported as stored.
    stored: HashSet<usize>,
    /// When it last reported one stored.
    progress_at: Instant,
    /// Handed over, not reported stored, and then the process was killed
    /// (none if the client keeps up; a stall makes them).
    abandoned: usize,
    failed: Vec<Value>,
    onlines: usize,
    /// Earlier runs' logs (after kills).
    runs: usize,
}

impl Side {
    /// `account` is also the first letter of its messages' bodies.
    fn new(name: &'static str, account: &'static str, peer: &'static str, root: &Path) -> Side {
        Side {
            name,
            account,
            prefix: account.chars().next().unwrap_or('x'),
            peer,
            dir: root.join(name),
            client: None,
            sent: 0,
            stored: HashSet::new(),
            progress_at: Instant::now(),
            abandoned: 0,
            failed: Vec::new(),
            onlines: 0,
            runs: 0,
        }
    }

    fn client(&mut self) -> &mut Headless {
        self.client.as_mut().expect("client runs")
    }

    fn body(&self, n: usize) -> String {
        format!("{}{n:05}", self.prefix)
    }

    fn number(&self, body: &str) -> Option<usize> {
        body.strip_prefix(self.prefix)?.parse().ok()
    }

    /// Reads the client's events so far.
    fn pump(&mut self) {
        let events = self.client().take_events();
        for v in events {
            self.observe(&v);
        }
    }

    fn observe(&mut self, v: &Value) {
        match v["event"].as_str() {
            Some("message") => {
                if let Some(n) = v["ref"].as_str().and_then(|r| self.number(r))
                    && self.stored.insert(n)
                {
                    self.progress_at = Instant::now();
                }
            }
            Some("message_state") if v["state"] == "failed" => self.failed.push(v.clone()),
            Some("account_state") if v["state"] == "online" => self.onlines += 1,
            _ => {}
        }
    }

    fn lag(&self) -> usize {
        self.sent
            .saturating_sub(self.stored.len())
            .saturating_sub(self.abandoned)
    }

    /// It has had messages to store and stored none for `limit`.
    fn stalled(&self, limit: Duration) -> bool {
        self.lag() > 0 && self.progress_at.elapsed() > limit
    }

    fn send_next(&mut self) {
        self.sent += 1;
        let body = self.body(self.sent);
        let cmd =
            json!({"cmd":"send","account":self.account,"to":self.peer,"body":body,"ref":body});
        self.client().send(cmd);
    }

    /// Waits until the client stored everything handed to it.
    fn wait_stored(&mut self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            self.pump();
            if self.lag() == 0 {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    /// SIGKILL, then started again on the same profile (not waiting for
    /// it to come online). The killed run's log is kept beside.
    fn kill_and_restart(&mut self) {
        if let Some(client) = self.client.take() {
            client.kill();
        }
        self.abandoned += self.lag();
        self.runs += 1;
        let _ = std::fs::rename(
            self.dir.join("stderr.log"),
            self.dir.join(format!("stderr-run{}.log", self.runs)),
        );
        self.client = Some(Headless::start(&self.dir));
        self.progress_at = Instant::now();
    }

    /// The whole stored conversation with the peer, oldest first (None if
    /// the client did not answer within a minute).
    fn history(&mut self) -> Option<Vec<Value>> {
        self.pump();
        let (account, with) = (self.account, self.peer);
        let mut all: Vec<Value> = Vec::new();
        let mut before: Option<i64> = None;
        let result = loop {
            let mut cmd = json!({"cmd":"history","account":account,"with":with,"limit":500});
            if let Some(b) = before {
                cmd["before"] = json!(b);
            }
            let client = self.client();
            client.send(cmd);
            let Some(v) = client.try_wait_for(Duration::from_secs(60), &|v: &Value| {
                v["event"] == "history" && v["account"] == account && v["with"] == with
            }) else {
                break None;
            };
            let mut page = v["messages"].as_array().cloned().unwrap_or_default();
            let Some(first) = page.first().and_then(|m| m["seq"].as_i64()) else {
                break Some(all);
            };
            before = Some(first);
            page.append(&mut all);
            all = page;
        };
        self.pump();
        result
    }

    /// Its logs: earlier runs first, then the current one.
    fn logs(&self) -> Vec<PathBuf> {
        let mut logs: Vec<PathBuf> = (1..=self.runs)
            .map(|r| self.dir.join(format!("stderr-run{r}.log")))
            .collect();
        logs.push(self.dir.join("stderr.log"));
        logs
    }

    fn log_count(&self, needle: &str) -> usize {
        self.logs()
            .iter()
            .map(|p| {
                std::fs::read_to_string(p)
                    .unwrap_or_default()
                    .matches(needle)
                    .count()
            })
            .sum()
    }
}

/// One direction's outcome.
#[derive(Default, Debug)]
struct Tally {
    expected: usize,
    received: usize,
    /// Of those, how many came end-to-end encrypted (OMEMO).
    encrypted: usize,
    lost: Vec<usize>,
    /// Numbers stored more than once, with their count.
    duplicated: BTreeMap<usize, usize>,
    /// (position in the receiver's history, number before, this number).
    out_of_order: Vec<(usize, usize, usize)>,
    /// The sender's own copies: missing, duplicated, not acknowledged (number, state).
    sender_missing: Vec<usize>,
    sender_duplicated: usize,
    sender_out_of_order: usize,
    unacked: Vec<(usize, String)>,
    /// Stored bodies that carry no number of this run.
    strange: Vec<String>,
}

impl Tally {
    fn duplicates(&self) -> usize {
        self.duplicated.values().map(|c| c - 1).sum()
    }

    fn complete(&self) -> bool {
        self.lost.is_empty() && self.sender_missing.is_empty() && self.unacked.is_empty()
    }

    fn clean(&self) -> bool {
        self.complete()
            && self.duplicated.is_empty()
            && self.out_of_order.is_empty()
            && self.sender_duplicated == 0
            && self.sender_out_of_order == 0
            && self.strange.is_empty()
    }
}

/// Counts the direction `sender` → `receiver` from both stored histories.
/// Expected are the messages the sender reported stored, and any other of
/// its numbered messages found in its own history (stored by a process
/// killed before it could say so).
fn tally(sender: &Side, sent: &[Value], receiver_got: &[Value]) -> Tally {
    let numbers = |history: &[Value], direction: &str| -> Vec<(usize, String)> {
        history
            .iter()
            .filter(|m| m["direction"] == direction)
            .filter_map(|m| {
                let n = sender.number(m["body"].as_str().unwrap_or_default())?;
                Some((n, m["state"].as_str().unwrap_or_default().to_owned()))
            })
            .collect()
    };
    let own = numbers(sent, "out");
    let mut expected: std::collections::BTreeSet<usize> = sender.stored.iter().copied().collect();
    expected.extend(own.iter().map(|(n, _)| *n));
    let mut t = Tally {
        expected: expected.len(),
        ..Tally::default()
    };

    let mut seen: BTreeMap<usize, usize> = BTreeMap::new();
    let mut last: Option<usize> = None;
    for (pos, m) in receiver_got.iter().enumerate() {
        if m["direction"] != "in" {
            continue;
        }
        let body = m["body"].as_str().unwrap_or_default();
        let Some(n) = sender.number(body).filter(|n| expected.contains(n)) else {
            t.strange.push(body.to_owned());
            continue;
        };
        let count = seen.entry(n).or_insert(0);
        *count += 1;
        if *count > 1 {
            continue;
        }
        t.received += 1;
        if m["encryption"].as_str().is_some_and(|e| e != "none") {
            t.encrypted += 1;
        }
        if let Some(before) = last
            && n < before
        {
            t.out_of_order.push((pos, before, n));
        }
        last = Some(n);
    }
    t.lost = expected
        .iter()
        .copied()
        .filter(|n| !seen.contains_key(n))
        .collect();
    t.duplicated = seen.into_iter().filter(|(_, c)| *c > 1).collect();

    let mut copies: BTreeMap<usize, usize> = BTreeMap::new();
    let mut last_own: Option<usize> = None;
    for (n, state) in own {
        let count = copies.entry(n).or_insert(0);
        *count += 1;
        if *count > 1 {
            t.sender_duplicated += 1;
            continue;
        }
        if last_own.is_some_and(|before| n < before) {
            t.sender_out_of_order += 1;
        }
        last_own = Some(n);
        if !matches!(state.as_str(), "acked" | "delivered" | "read") {
            t.unacked.push((n, state));
        }
    }
    t.sender_missing = sender
        .stored
        .iter()
        .copied()
        .filter(|n| !copies.contains_key(n))
        .collect();
    t.sender_missing.sort_unstable();
    t
}

fn first<T: std::fmt::Debug>(items: impl IntoIterator<Item = T>, n: usize) -> String {
    let v: Vec<T> = items.into_iter().take(n).collect();
    format!("{v:?}")
}

/// Copies the clients' and the server's logs for a failed run.
fn keep_logs(alice: &Side, bob: &Side, server_log: &Path, histories: &[(&str, &[Value])]) {
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let dir = std::env::temp_dir()
        .join("plausch-test-logs")
        .join(format!("chaos-{stamp}"));
    if std::fs::create_dir_all(&dir).is_err() {
        return;
    }
    for side in [alice, bob] {
        for log in side.logs() {
            let name = log
                .file_name()
                .map_or_else(|| "stderr.log".into(), |n| n.to_string_lossy().into_owned());
            let _ = std::fs::copy(&log, dir.join(format!("{}-{name}", side.name)));
        }
    }
    let _ = std::fs::copy(server_log, dir.join("prosody.log"));
    for (name, history) in histories {
        let lines: Vec<String> = history.iter().map(Value::to_string).collect();
        let _ = std::fs::write(dir.join(format!("{name}-history.jsonl")), lines.join("\n"));
    }
    println!("chaos: logs and histories kept in {}", dir.display());
}

/// Runs the soak; true if nothing was lost, duplicated, out of order or
/// left unacknowledged.
fn run(plan: &Plan) -> bool {
    let server = Prosody::with_users(&[("alice", "apw"), ("bob", "bpw")]);
    let proxy = Proxy::start(server.c2s_port());
    let root = tempfile::tempdir().expect("temp dir");
    let mut alice = Side::new("alice", "a", "bob@localhost", root.path());
    let mut bob = Side::new("bob", "b", "alice@localhost", root.path());
    // Alice through the proxy, Bob directly.
    std::fs::create_dir_all(&alice.dir).expect("alice's profile");
    let mut a = Headless::start(&alice.dir);
    let mut spec = headless::account(&server, "a", "alice", "apw");
    spec["port"] = json!(proxy.port);
    a.add_account(spec);
    a.wait_state("a", "online");
    let mut b = headless::online_at(&bob.dir, &server, "b", "bob", "bpw");
    headless::befriend(&mut a, "a", "alice@localhost", &mut b, "b", "bob@localhost");
    alice.client = Some(a);
    bob.client = Some(b);
    alice.pump();
    bob.pump();

    let events = schedule(plan);
    let sending = Duration::from_secs_f64(plan.messages as f64 / plan.rate);
    let at = |k: usize| sending.mul_f64((k + 1) as f64 / (events.len() + 1) as f64);
    println!(
        "chaos: {} messages each way at {}/s ({:.0} s), {} cuts, {} kills, {} restarts: {:?}",
        plan.messages,
        plan.rate,
        sending.as_secs_f64(),
        plan.cuts,
        plan.kills,
        plan.restarts,
        events
    );

    let server = Mutex::new(server);
    let start = Instant::now();
    let mut last_chaos = start;
    let mut next = 0;
    // The most messages a client was behind in storing what it was handed.
    let mut max_lag = [0usize; 2];
    // What went wrong on the way (a client that stopped storing).
    let mut stalled: Vec<String> = Vec::new();
    std::thread::scope(|scope| {
        let mut restarting: Option<std::thread::ScopedJoinHandle<'_, Instant>> = None;
        let mut progress = 0;
        loop {
            let now = start.elapsed();
            while next < events.len() && now >= at(next) {
                let t = start.elapsed().as_secs_f64();
                let (sa, sb) = (alice.sent, bob.sent);
                match events[next] {
                    Chaos::Cut => {
                        let n = proxy.cut();
                        println!("  {t:7.1} s  cut ({n} connections), sent a{sa} b{sb}");
                        last_chaos = Instant::now();
                    }
                    Chaos::Kill => {
                        if !alice.wait_stored(plan.stall) {
                            stalled.push(format!(
                                "{t:.1} s: alice had not stored {} messages handed to her {} s \
                                 before the kill",
                                alice.lag(),
                                plan.stall.as_secs()
                            ));
                        }
                        alice.kill_and_restart();
                        println!("  {t:7.1} s  SIGKILL alice, started again, sent a{sa} b{sb}");
                        last_chaos = Instant::now();
                    }
                    Chaos::Restart => {
                        assert!(
                            restarting.is_none(),
                            "the previous restart is still running"
                        );
                        let server = &server;
                        restarting = Some(scope.spawn(move || {
                            server.lock().expect("server").restart();
                            Instant::now()
                        }));
                        println!("  {t:7.1} s  server restart, sent a{sa} b{sb}");
                        last_chaos = Instant::now();
                    }
                }
                next += 1;
            }
            if restarting.as_ref().is_some_and(|h| h.is_finished())
                && let Some(h) = restarting.take()
            {
                let back = h.join().expect("restart");
                last_chaos = last_chaos.max(back);
                let t = back.duration_since(start).as_secs_f64();
                println!("  {t:7.1} s  server back");
            }
            let due = ((now.as_secs_f64() * plan.rate) as usize).min(plan.messages);
            for (i, side) in [&mut alice, &mut bob].into_iter().enumerate() {
                side.pump();
                max_lag[i] = max_lag[i].max(side.lag());
                while side.sent < due && side.lag() < WINDOW {
                    side.send_next();
                }
                if side.stalled(plan.stall) {
                    stalled.push(format!(
                        "{:.1} s: {} stored none of the {} messages handed to her/him for {} s; \
                         sending stopped",
                        start.elapsed().as_secs_f64(),
                        side.name,
                        side.lag(),
                        plan.stall.as_secs()
                    ));
                }
            }
            if !stalled.is_empty() && (alice.stalled(plan.stall) || bob.stalled(plan.stall)) {
                break;
            }
            let step = plan.messages / 10;
            if step > 0 && alice.sent.min(bob.sent) >= progress + step {
                progress += step;
                println!(
                    "  {:7.1} s  sent a{} b{}, stored a{} b{}",
                    start.elapsed().as_secs_f64(),
                    alice.sent,
                    bob.sent,
                    alice.stored.len(),
                    bob.stored.len()
                );
            }
            if alice.sent == plan.messages
                && bob.sent == plan.messages
                && next == events.len()
                && restarting.is_none()
            {
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    });
    let server = server.into_inner().expect("server");
    let sent_at = Instant::now();
    println!(
        "chaos: all sent after {:.1} s; waiting until everything is stored and acknowledged",
        start.elapsed().as_secs_f64()
    );

    // Settle: poll both stored histories until complete (or the deadline).
    let deadline = sent_at + plan.settle;
    let mut said = Instant::now();
    let (mut a_hist, mut b_hist) = (Vec::new(), Vec::new());
    let (mut ab, mut ba);
    let done_at = loop {
        for (side, hist) in [(&mut alice, &mut a_hist), (&mut bob, &mut b_hist)] {
            match side.history() {
                Some(h) => *hist = h,
                None => stalled.push(format!(
                    "{:.1} s: {} did not answer a history request within 60 s",
                    start.elapsed().as_secs_f64(),
                    side.name
                )),
            }
        }
        ab = tally(&alice, &a_hist, &b_hist);
        ba = tally(&bob, &b_hist, &a_hist);
        if ab.complete() && ba.complete() {
            break Some(Instant::now());
        }
        if Instant::now() >= deadline {
            break None;
        }
        if said.elapsed() >= Duration::from_secs(15) {
            said = Instant::now();
            println!(
                "  {:7.1} s  waiting: bob misses {} of alice's, alice misses {} of bob's; \
                 not acked: alice {}, bob {}",
                start.elapsed().as_secs_f64(),
                ab.lost.len(),
                ba.lost.len(),
                ab.unacked.len(),
                ba.unacked.len()
            );
        }
        std::thread::sleep(Duration::from_secs(1));
    };

    let happened = |kind| events[..next].iter().filter(|e| **e == kind).count();
    println!(
        "chaos: {} cuts, {} SIGKILLs, {} server restarts; alice: {} sessions resumed, {} new \
         sessions, online {} times; most messages handed over and not yet stored: alice {}, \
         bob {} (at most {WINDOW})",
        happened(Chaos::Cut),
        happened(Chaos::Kill),
        happened(Chaos::Restart),
        alice.log_count("session resumed (XEP-0198)"),
        alice.log_count("new session; the old one could not be resumed"),
        alice.onlines,
        max_lag[0],
        max_lag[1]
    );
    for (label, t, failed) in [
        ("alice→bob", &ab, &alice.failed),
        ("bob→alice", &ba, &bob.failed),
    ] {
        println!(
            "chaos {label}: sent {}, received {} ({} encrypted), lost {}, duplicated {}, out of order {}, \
             not acked {} (sender's copies: {} missing, {} duplicated, {} out of order; {} failed on the way)",
            t.expected,
            t.received,
            t.encrypted,
            t.lost.len(),
            t.duplicates(),
            t.out_of_order.len(),
            t.unacked.len(),
            t.sender_missing.len(),
            t.sender_duplicated,
            t.sender_out_of_order,
            failed.len()
        );
        if !t.clean() {
            println!(
                "  lost {}; duplicated {}; out of order (position, before, number) {}; \
                 not acked {}; sender's missing {}; other bodies {}",
                first(&t.lost, 20),
                first(&t.duplicated, 20),
                first(&t.out_of_order, 20),
                first(&t.unacked, 20),
                first(&t.sender_missing, 20),
                first(&t.strange, 5)
            );
        }
    }
    let total = start.elapsed();
    match done_at {
        Some(done) => println!(
            "chaos: run {:.1} s; everything stored and acknowledged {:.1} s after the last chaos \
             event, {:.1} s after the last message was handed over (polled once a second)",
            done.duration_since(start).as_secs_f64(),
            done.duration_since(last_chaos).as_secs_f64(),
            done.duration_since(sent_at).as_secs_f64()
        ),
        None => println!(
            "chaos: NOT everything stored and acknowledged {:.0} s after the last message \
             (run {:.1} s)",
            plan.settle.as_secs_f64(),
            total.as_secs_f64()
        ),
    }
    for note in &stalled {
        println!("chaos: STALLED {note}");
    }
    for side in [&alice, &bob] {
        if side.abandoned > 0 {
            println!(
                "chaos: {} messages handed to {} were not stored before a kill (not counted)",
                side.abandoned, side.name
            );
        }
    }
    let ok = done_at.is_some() && ab.clean() && ba.clean() && stalled.is_empty();
    if !ok {
        keep_logs(
            &alice,
            &bob,
            &server.log_file(),
            &[("alice", &a_hist), ("bob", &b_hist)],
        );
    }
    for side in [&mut alice, &mut bob] {
        if let Some(c) = side.client.take() {
            c.quit();
        }
    }
    drop(proxy);
    ok
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let plan = if full {
        Plan {
            messages: env_num("CHAOS_MESSAGES", 10_000),
            cuts: env_num("CHAOS_CUTS", 20),
            kills: env_num("CHAOS_KILLS", 3),
            restarts: env_num("CHAOS_RESTARTS", 2),
            rate: env_num("CHAOS_RATE", 50.0),
            settle: Duration::from_secs(env_num("CHAOS_SETTLE_SECS", 600)),
            stall: Duration::from_secs(60),
        }
    } else {
        println!("chaos: smoke run (use `cargo bench --bench chaos` for the soak)");
        Plan {
            messages: 200,
            cuts: 2,
            kills: 1,
            restarts: 1,
            rate: 25.0,
            settle: Duration::from_secs(60),
            stall: Duration::from_secs(30),
        }
    };
    if !run(&plan) {
        println!("chaos: FAILED (lost, duplicated, out-of-order or unacknowledged messages)");
        std::process::exit(1);
    }
}
