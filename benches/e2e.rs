//! End-to-end budgets of issue 10, measured from outside the process:
//! the real `plausch` GUI binary under Xvfb against a loopback Prosody,
//! with a second (headless) Plausch as the contact who watches.
//!
//! Measures, each as the median of `E2E_RUNS` runs (default 5):
//! 1. start → window mapped (`xdotool search --onlyvisible --pid`);
//! 2. start → online: the contact's client sees the available presence;
//! 3. idle memory (VmRSS, PSS from smaps_rollup) `E2E_IDLE_SECS` (default
//!    30) after online, and wake-ups per second (context switches of all
//!    threads) over 10 s with the window unmapped;
//! 4. ingest: a plain client sends 2,000 chat messages with receipt
//!    requests; time until all are stored (the store file is polled), until
//!    all receipts are back, CPU seconds and peak RSS above idle; and for
//!    comparison the server's own throughput between two plain clients:
//!    messages only, and the same exchange with a plain client that does
//!    nothing but answer the receipt requests.
//!
//! 5. memory while the 100,000-message conversation is opened, scrolled
//!    back with the mouse wheel (`E2E_SCROLL_CLICKS`, default 8,000 steps)
//!    and forward again (`E2E_SCROLL_ONLY=1`: this alone).
//!
//! Profiles: one account with 52 roster contacts; the same with 100,000
//! stored messages; and three accounts with those 100,000 messages.
//!
//! `cargo bench --bench e2e` (needs Xvfb and xdotool: `apt-get install
//! xvfb xdotool`). Without `--bench` (`cargo test --all-targets`) it only
//! runs the ingest comparison once, small, without a window.

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "support/history.rs"]
mod history;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::Prosody;
use common::headless::{self, Headless};
use common::raw::RawClient;
use plausch::store::Store;
use serde_json::{Value, json};

const CONTACTS: usize = 52;
const HISTORY: usize = 100_000;
const INGEST: usize = 2_000;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A private X server for the GUI.
struct Xvfb {
    child: Child,
    display: String,
}

impl Xvfb {
    fn start() -> Xvfb {
        for n in 90..120 {
            if Path::new(&format!("/tmp/.X11-unix/X{n}")).exists() {
                continue;
            }
            let display = format!(":{n}");
            let child = Command::new("Xvfb")
                .args([&display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("Xvfb is needed for this benchmark: apt-get install xvfb xdotool");
            let socket = format!("/tmp/.X11-unix/X{n}");
            let start = Instant::now();
            while !Path::new(&socket).exists() {
                assert!(
                    start.elapsed() < Duration::from_secs(10),
                    "Xvfb did not start"
                );
                std::thread::sleep(Duration::from_millis(20));
            }
            return Xvfb { child, display };
        }
        panic!("no free X display number");
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The visible windows of process `pid`.
fn visible_windows(display: &str, pid: u32) -> Vec<String> {
    let out = Command::new("xdotool")
        .args(["search", "--onlyvisible", "--pid", &pid.to_string()])
        .env("DISPLAY", display)
        .output()
        .expect("xdotool is needed for this benchmark: apt-get install xdotool");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

fn proc_field(pid: u32, file: &str, key: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/{file}"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// (RSS, PSS) in MiB.
fn memory(pid: u32) -> (f64, f64) {
    (
        proc_field(pid, "status", "VmRSS:") as f64 / 1024.0,
        proc_field(pid, "smaps_rollup", "Pss:") as f64 / 1024.0,
    )
}

/// Peak RSS in MiB since the last [`reset_peak`].
fn peak_rss(pid: u32) -> f64 {
    proc_field(pid, "status", "VmHWM:") as f64 / 1024.0
}

fn reset_peak(pid: u32) {
    // "5" resets the peak RSS (VmHWM) to the current RSS (proc(5)).
    let _ = std::fs::write(format!("/proc/{pid}/clear_refs"), "5");
}

/// User + system CPU seconds of the process.
fn cpu_seconds(pid: u32) -> f64 {
    stat_cpu_seconds(&format!("/proc/{pid}/stat"))
}

/// CPU seconds of the GUI's main thread (its id is the process id): what
/// building, laying out and drawing the window cost.
fn main_thread_cpu_seconds(pid: u32) -> f64 {
    stat_cpu_seconds(&format!("/proc/{pid}/task/{pid}/stat"))
}

/// User + system CPU seconds from a `/proc/…/stat` file.
fn stat_cpu_seconds(path: &str) -> f64 {
    let stat = std::fs::read_to_string(path).unwrap_or_default();
    // Fields after the command name (which may contain spaces).
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    // utime and stime are fields 14 and 15 (1-based), 11 and 12 here; USER_HZ is 100.
    (ticks(11) + ticks(12)) as f64 / 100.0
}

/// Context switches of each thread (by thread id, with its name): every
/// wake-up of a thread counts.
fn wakeups(pid: u32) -> BTreeMap<u32, (String, u64)> {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return BTreeMap::new();
    };
    tasks
        .filter_map(Result::ok)
        .filter_map(|t| {
            let tid: u32 = t.file_name().to_string_lossy().parse().ok()?;
            let status = format!("task/{tid}/status");
            let name = std::fs::read_to_string(format!("/proc/{pid}/task/{tid}/comm"))
                .unwrap_or_default()
                .trim()
                .to_owned();
            let switches = proc_field(pid, &status, "voluntary_ctxt_switches:")
                + proc_field(pid, &status, "nonvoluntary_ctxt_switches:");
            Some((tid, (name, switches)))
        })
        .collect()
}

/// Wake-ups per second between two [`wakeups`] readings `secs` apart: in
/// all, and by thread name (threads started in between count from zero).
fn wakeup_rates(
    before: &BTreeMap<u32, (String, u64)>,
    after: &BTreeMap<u32, (String, u64)>,
    secs: f64,
) -> (f64, BTreeMap<String, f64>) {
    let mut by_name = BTreeMap::new();
    for (tid, (name, n)) in after {
        let was = before.get(tid).map_or(0, |(_, b)| *b);
        *by_name.entry(name.clone()).or_insert(0.0) += n.saturating_sub(was) as f64 / secs;
    }
    (by_name.values().sum(), by_name)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// The GUI on `display` with `profile`.
fn start_gui(profile: &Path, display: &str) -> Child {
    Command::new(env!("CARGO_BIN_EXE_plausch"))
        .arg("--profile")
        .arg(profile)
        .env("DISPLAY", display)
        .env("PLAUSCH_LOG", "warn")
        .env_remove("WAYLAND_DISPLAY")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(
            std::fs::File::create(profile.join("gui-stderr.log"))
                .map_or_else(|_| Stdio::null(), Stdio::from),
        )
        .spawn()
        .expect("start plausch")
}

/// Ends the GUI as a session logout would (SIGTERM: it says goodbye, so
/// the contact sees it offline at once), killing it if it hangs.
fn stop_gui(mut gui: Child) {
    let _ = Command::new("kill")
        .args(["-TERM", &gui.id().to_string()])
        .status();
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(5) {
        if let Ok(Some(_)) = gui.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = gui.kill();
    let _ = gui.wait();
}

/// Matches Alice's presence event (`available` true: online, else offline).
fn alice_is(available: bool) -> impl Fn(&Value) -> bool {
    move |v| {
        v["event"] == "presence"
            && v["jid"] == "alice@localhost"
            && (v["presence"] != "offline") == available
    }
}

/// Bob waits for Alice's presence (`available` true: online, else offline).
fn wait_alice(bob: &mut Headless, available: bool) {
    bob.wait_for("alice's presence", alice_is(available));
}

/// Waits until process `pid` shows a window on `display`; the time since
/// `start`. Panics after 30 s.
fn wait_window(display: &str, pid: u32, start: Instant) -> Duration {
    loop {
        if !visible_windows(display, pid).is_empty() {
            return start.elapsed();
        }
        if start.elapsed() > Duration::from_secs(30) {
            panic!("no window after 30 s");
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

struct StartRun {
    mapped: f64,
    online: f64,
    rss: f64,
    pss: f64,
    wakeups: f64,
    /// Wake-ups per second by thread name.
    by_thread: BTreeMap<String, f64>,
}

/// Starts the GUI, times window and online, idles, measures memory and
/// wake-ups, stops it. None (with what was seen on stderr) when the
/// watching contact did not see Alice come online.
fn start_run(profile: &Path, x: &Xvfb, bob: &mut Headless, idle: Duration) -> Option<StartRun> {
    // Only presence from this start counts.
    bob.forget_pending();
    let start = Instant::now();
    let gui = start_gui(profile, &x.display);
    let pid = gui.id();
    let display = x.display.clone();
    let watcher = std::thread::spawn(move || wait_window(&display, pid, start));
    let came = bob.try_wait_for(Duration::from_secs(30), &alice_is(true));
    let online = start.elapsed();
    let mapped = watcher.join().expect("window watcher");
    if came.is_none() {
        let log = std::fs::read_to_string(profile.join("gui-stderr.log")).unwrap_or_default();
        eprintln!(
            "run skipped: the contact did not see alice online within 30 s (window after {:.3} s); \
             the GUI's log:\n{log}\nthe contact's last events: {:#?}",
            mapped.as_secs_f64(),
            bob.tail()
        );
        stop_gui(gui);
        let _ = bob.try_wait_for(Duration::from_secs(10), &alice_is(false));
        return None;
    }
    std::thread::sleep(idle);
    let (rss, pss) = memory(pid);
    for w in visible_windows(&x.display, pid) {
        xdotool(&x.display, &["windowunmap", &w]);
    }
    std::thread::sleep(Duration::from_secs(1));
    let before = wakeups(pid);
    let window = Duration::from_secs(env_usize("E2E_WAKEUP_SECS", 10) as u64);
    std::thread::sleep(window);
    let (wakeups, by_thread) = wakeup_rates(&before, &wakeups(pid), window.as_secs_f64());
    stop_gui(gui);
    wait_alice(bob, false);
    Some(StartRun {
        mapped: mapped.as_secs_f64(),
        online: online.as_secs_f64(),
        rss,
        pss,
        wakeups,
        by_thread,
    })
}

fn report_starts(label: &str, runs: Vec<Option<StartRun>>) {
    let tried = runs.len();
    let runs: Vec<StartRun> = runs.into_iter().flatten().collect();
    if runs.len() < tried {
        println!(
            "{label}: {} of {tried} runs skipped (see above)",
            tried - runs.len()
        );
    }
    if runs.is_empty() {
        return;
    }
    let m = |f: fn(&StartRun) -> f64| median(runs.iter().map(f).collect());
    println!(
        "{label}: window {:.3} s, online {:.3} s, idle RSS {:.1} MiB (PSS {:.1}), \
         wake-ups {:.1}/s with the window hidden (median of {})",
        m(|r| r.mapped),
        m(|r| r.online),
        m(|r| r.rss),
        m(|r| r.pss),
        m(|r| r.wakeups),
        runs.len()
    );
    if let Some(last) = runs.last() {
        let busy: Vec<String> = last
            .by_thread
            .iter()
            .filter(|(_, rate)| **rate > 0.0)
            .map(|(name, rate)| format!("{name} {rate:.2}"))
            .collect();
        println!("  wake-ups/s by thread (last run): {}", busy.join(", "));
    }
}

/// Stores `n` messages with bob (half in, half out, all read) in `store`.
fn fill_history(path: &Path, n: usize) {
    let mut store = Store::open(path).expect("open alice's store");
    history::fill(&mut store, "alice@localhost", "bob@localhost", n, 2, |i| {
        format!("Nachricht {i} aus einer langen Geschichte, mit etwas Text.")
    });
}

/// OMEMO sessions with `n` contacts' devices in alice's store (issue 22:
/// starting with 50 adds ≤ 20 ms to start → online): each contact with
/// one OMEMO 2 device, known from its list and a message, and a real
/// session on a bundle made here.
fn fill_sessions(path: &Path, n: usize) {
    use plausch::xmpp::omemo::{DeviceId, Version};
    use rand_core::OsRng;
    let mut store = Store::open(path).expect("open alice's store");
    let ours = omemo::IdentityKeyPair::generate(&mut OsRng);
    for i in 0..n {
        let jid = format!("contact{i:02}@localhost");
        let theirs = omemo::IdentityKeyPair::generate(&mut OsRng);
        let signed = omemo::SignedPreKey::generate(&theirs, omemo::Version::V2, 1, 0, &mut OsRng);
        let pre_keys = omemo::PreKey::generate_batch(1, 1, &mut OsRng);
        let bundle = omemo::Bundle::own(omemo::Version::V2, &theirs, &signed, &pre_keys);
        let session = omemo::Session::initiate(&ours, &bundle, &mut OsRng).expect("session");
        let device = DeviceId::new(1000 + i as u32).expect("device id");
        store
            .apply_device_list(&jid, Version::V2, &[(device, None)], chrono::Utc::now())
            .expect("device list");
        store.stage_session(
            &jid,
            Version::V2,
            device,
            session.to_bytes(),
            Some(theirs.public(omemo::Version::V2)),
        );
        store.save_staged_sessions().expect("sessions saved");
    }
    assert_eq!(store.omemo_session_count().expect("count"), n as u64);
}

fn count_stored(path: &Path) -> usize {
    rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .and_then(|c| c.query_row("SELECT count(*) FROM message", [], |r| r.get::<_, i64>(0)))
        .map_or(0, |n| n as usize)
}

fn ingest_xml(to: &str, run: usize, i: usize) -> (String, String) {
    let id = format!("flood-{run}-{i}");
    (
        format!(
            "<message xmlns='jabber:client' type='chat' to='{to}' id='{id}'>\
             <body>Nachricht {i}: kurz, wie im Alltag.</body>\
             <request xmlns='urn:xmpp:receipts'/>\
             <origin-id xmlns='urn:xmpp:sid:0' id='{id}'/></message>"
        ),
        id,
    )
}

struct IngestRun {
    stored: f64,
    receipts: f64,
    cpu: f64,
    /// Of `cpu`, the GUI's main thread.
    ui_cpu: f64,
    peak_over_idle: f64,
}

/// Alice's client (already online, `pid`, store at `db`) receives `n`
/// messages from a plain client with dave's account (a contact).
fn ingest_run(server: &Prosody, run: usize, n: usize, pid: Option<u32>, db: &Path) -> IngestRun {
    let mut sender = RawClient::connect(server, "dave", "dpw");
    let (xmls, ids): (Vec<String>, HashSet<String>) = (0..n)
        .map(|i| ingest_xml("alice@localhost", run, i))
        .unzip();
    let before = count_stored(db);
    let idle_rss = pid.map_or(0.0, |p| memory(p).0);
    if let Some(p) = pid {
        reset_peak(p);
    }
    let cpu0 = pid.map_or(0.0, cpu_seconds);
    let ui0 = pid.map_or(0.0, main_thread_cpu_seconds);
    let start = Instant::now();
    let db_owned = db.to_owned();
    let poller = std::thread::spawn(move || {
        loop {
            if count_stored(&db_owned) >= before + n {
                return Some(start.elapsed());
            }
            if start.elapsed() > Duration::from_secs(60) {
                eprintln!(
                    "ingest run {run}: {} of {n} stored after 60 s (store had {before})",
                    count_stored(&db_owned).saturating_sub(before)
                );
                return None;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
    });
    let flood = sender.flood_with_receipts(xmls, ids, Duration::from_secs(60));
    eprintln!(
        "ingest run {run}: sent in {:.3} s, receipts {:?}",
        flood.sent.as_secs_f64(),
        flood.receipts
    );
    let stored = poller.join().expect("store poller");
    let Some(stored) = stored else {
        let log = db
            .ancestors()
            .nth(3)
            .map(|p| p.join("gui-stderr.log"))
            .and_then(|p| std::fs::read_to_string(p).ok())
            .unwrap_or_default();
        panic!("not all messages stored; the GUI's log:\n{log}");
    };
    let receipts = flood.receipts.expect("all receipts back");
    // Let the last events settle before reading the CPU time.
    std::thread::sleep(Duration::from_millis(500));
    let cpu = pid.map_or(0.0, cpu_seconds) - cpu0;
    let ui_cpu = pid.map_or(0.0, main_thread_cpu_seconds) - ui0;
    let peak = pid.map_or(0.0, peak_rss);
    IngestRun {
        stored: stored.as_secs_f64(),
        receipts: receipts.as_secs_f64(),
        cpu,
        ui_cpu,
        peak_over_idle: peak - idle_rss,
    }
}

/// The server alone: a plain client sends `n` messages to another.
fn server_baseline(server: &Prosody, n: usize) -> f64 {
    let mut receiver = RawClient::connect(server, "carol", "cpw");
    receiver.send_xml("<presence xmlns='jabber:client'/>");
    let sender = RawClient::connect(server, "dave", "dpw");
    let (tx, rx) = std::sync::mpsc::channel();
    let counter = std::thread::spawn(move || {
        let got = receiver.count_messages(n, Duration::from_secs(60));
        let _ = tx.send(Instant::now());
        got
    });
    let start = Instant::now();
    sender.flood_messages((0..n).map(|i| {
        headless::chat_xml(
            "carol@localhost/raw",
            &format!("Nachricht {i}: kurz, wie im Alltag."),
        )
    }));
    let got = counter.join().expect("counter");
    assert_eq!(got, n, "the plain receiver did not get every message");
    let done = rx.recv().expect("counter time");
    (done - start).as_secs_f64()
}

/// The server with the same exchange as the ingest and a client that does
/// nothing but answer: a plain client sends `n` messages with receipt
/// requests to another that answers each. Returns when all receipts are back.
fn server_receipts_baseline(server: &Prosody, run: usize, n: usize) -> f64 {
    let mut receiver = RawClient::connect(server, "carol", "cpw");
    receiver.send_xml("<presence xmlns='jabber:client'/>");
    let mut sender = RawClient::connect(server, "dave", "dpw");
    let answering =
        std::thread::spawn(move || receiver.answer_receipts(n, Duration::from_secs(60)));
    let (xmls, ids): (Vec<String>, HashSet<String>) = (0..n)
        .map(|i| ingest_xml("carol@localhost/raw", 1000 + run, i))
        .unzip();
    let flood = sender.flood_with_receipts(xmls, ids, Duration::from_secs(60));
    assert_eq!(answering.join().expect("answering client"), n);
    flood
        .receipts
        .expect("all receipts back from the plain client")
        .as_secs_f64()
}

/// Profile with alice (52 contacts, bob a mutual one) set up; bob online
/// and watching. Returns alice's profile dir.
fn set_up(server: &Prosody, root: &Path) -> (PathBuf, Headless) {
    let alice_dir = root.join("alice");
    let mut alice = headless::online_at(&alice_dir, server, "a", "alice", "apw");
    let mut bob = headless::online_at(&root.join("bob"), server, "b", "bob", "bpw");
    headless::befriend(
        &mut alice,
        "a",
        "alice@localhost",
        &mut bob,
        "b",
        "bob@localhost",
    );
    // Dave, another contact, sends the ingest flood: from bob's account
    // the watching client would get a carbon of every message and receipt
    // and compete for the two cores.
    let mut dave = headless::online_at(&root.join("dave"), server, "d", "dave", "dpw");
    headless::befriend(
        &mut alice,
        "a",
        "alice@localhost",
        &mut dave,
        "d",
        "dave@localhost",
    );
    dave.quit();
    for i in 1..CONTACTS {
        alice.send(
            json!({"cmd":"add_contact","account":"a","jid":format!("contact{i:02}@localhost")}),
        );
    }
    alice.wait_for("full roster", |v| {
        v["event"] == "roster"
            && v["contacts"]
                .as_array()
                .is_some_and(|c| c.len() >= CONTACTS)
    });
    alice.quit();
    wait_alice(&mut bob, false);
    (alice_dir, bob)
}

/// xdotool on `display` with `args`.
fn xdotool(display: &str, args: &[&str]) {
    let _ = Command::new("xdotool")
        .args(args)
        .env("DISPLAY", display)
        .status();
}

/// Memory while scrolling through a long conversation (budget 3): the GUI
/// with `profile` (its newest conversation is the long one, at the top of
/// the sidebar) opens it, is scrolled back `clicks` wheel steps with the
/// mouse and forward again; RSS before opening, at the oldest point and
/// after coming back, and the peak. A screenshot of the oldest point is
/// left in `shot` (which message it shows says how far back it went).
fn scroll_run(profile: &Path, x: &Xvfb, clicks: usize, shot: &Path) {
    let gui = start_gui(profile, &x.display);
    let pid = gui.id();
    wait_window(&x.display, pid, Instant::now());
    std::thread::sleep(Duration::from_secs(5));
    let before = memory(pid).0;
    reset_peak(pid);
    // The first conversation row of the sidebar (window at 90,40 on the
    // 1280x800 screen, 1100x720).
    xdotool(&x.display, &["mousemove", "230", "295", "click", "1"]);
    std::thread::sleep(Duration::from_secs(2));
    let opened = memory(pid).0;
    let clicks = clicks.to_string();
    xdotool(&x.display, &["mousemove", "780", "400"]);
    xdotool(
        &x.display,
        &["click", "--repeat", &clicks, "--delay", "4", "4"],
    );
    std::thread::sleep(Duration::from_secs(2));
    let _ = Command::new("import")
        .args(["-window", "root"])
        .arg(shot)
        .env("DISPLAY", &x.display)
        .status();
    let oldest = memory(pid).0;
    xdotool(
        &x.display,
        &["click", "--repeat", &clicks, "--delay", "4", "5"],
    );
    std::thread::sleep(Duration::from_secs(3));
    let back = memory(pid).0;
    let peak = peak_rss(pid);
    stop_gui(gui);
    println!(
        "scrolling {clicks} wheel steps back and forth in a conversation of 100,000 messages: \
         RSS {before:.1} MiB before opening it, {opened:.1} MiB opened, {oldest:.1} MiB at the \
         oldest point, {back:.1} MiB back at the newest, peak {peak:.1} MiB (screenshot of the \
         oldest point: {})",
        shot.display()
    );
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("copy target");
    for entry in std::fs::read_dir(from).expect("copy source") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

fn alice_db(profile: &Path) -> PathBuf {
    profile.join("accounts").join("a").join("history.sqlite")
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let server = Prosody::with_users(&[
        ("alice", "apw"),
        ("bob", "bpw"),
        ("carol", "cpw"),
        ("dave", "dpw"),
    ]);
    if !full {
        // Smoke: the measuring code works (no window, small numbers).
        let base = server_baseline(&server, 50);
        let answered = server_receipts_baseline(&server, 0, 50);
        println!(
            "e2e: smoke run (use `cargo bench --bench e2e` for numbers); server 50 messages in \
             {base:.3} s, {answered:.3} s with receipts"
        );
        return;
    }
    let runs = env_usize("E2E_RUNS", 5);
    let idle = Duration::from_secs(env_usize("E2E_IDLE_SECS", 30) as u64);
    let root = tempfile::tempdir().expect("temp dir");
    let (plain, mut bob) = set_up(&server, root.path());
    let x = Xvfb::start();

    // Ingest first, into the small profile (E2E_INGEST=0 skips it).
    let mut ingests = Vec::new();
    let ingest_runs = if env_usize("E2E_INGEST", 1) == 0 {
        0
    } else {
        runs
    };
    for run in 0..ingest_runs {
        bob.forget_pending();
        let gui = start_gui(&plain, &x.display);
        wait_alice(&mut bob, true);
        std::thread::sleep(Duration::from_secs(3));
        ingests.push(ingest_run(
            &server,
            run,
            INGEST,
            Some(gui.id()),
            &alice_db(&plain),
        ));
        stop_gui(gui);
        wait_alice(&mut bob, false);
    }
    let baselines: Vec<f64> = (0..ingest_runs)
        .map(|_| server_baseline(&server, INGEST))
        .collect();
    let with_receipts: Vec<f64> = (0..ingest_runs)
        .map(|run| server_receipts_baseline(&server, run, INGEST))
        .collect();
    let m = |f: fn(&IngestRun) -> f64| median(ingests.iter().map(f).collect());
    if ingest_runs > 0 {
        println!(
            "ingest {INGEST} messages with receipt requests: all stored {:.3} s, receipts back {:.3} s, \
         {:.2} CPU s ({:.2} s on the UI thread), peak RSS idle + {:.1} MiB; server alone (plain client to plain client): {:.3} s \
         messages only, {:.3} s with receipts answered (median of {runs})",
            m(|r| r.stored),
            m(|r| r.receipts),
            m(|r| r.cpu),
            m(|r| r.ui_cpu),
            m(|r| r.peak_over_idle),
            median(baselines),
            median(with_receipts)
        );
    }
    // E2E_STARTS=0: the ingest alone.
    if env_usize("E2E_STARTS", 1) == 0 {
        return;
    }
    let scroll_clicks = env_usize("E2E_SCROLL_CLICKS", 8000);
    let shot = std::env::temp_dir().join("plausch-e2e-scrolled.png");
    let big = root.path().join("alice-big");
    if env_usize("E2E_SCROLL_ONLY", 0) == 1 {
        copy_dir(&plain, &big);
        fill_history(&alice_db(&big), HISTORY);
        scroll_run(&big, &x, scroll_clicks, &shot);
        return;
    }

    let small: Vec<Option<StartRun>> = (0..runs)
        .map(|_| start_run(&plain, &x, &mut bob, idle))
        .collect();
    report_starts("1 account, 52 contacts", small);

    // The same profile with 50 OMEMO sessions (E2E_OMEMO_ONLY=1: these
    // two alone, the plain one again right before for a fair comparison).
    let sessions = root.path().join("alice-omemo");
    copy_dir(&plain, &sessions);
    fill_sessions(&alice_db(&sessions), 50);
    let runs_omemo: Vec<Option<StartRun>> = (0..runs)
        .map(|_| start_run(&sessions, &x, &mut bob, idle))
        .collect();
    report_starts("1 account, 52 contacts, 50 OMEMO sessions", runs_omemo);
    if env_usize("E2E_OMEMO_ONLY", 0) == 1 {
        return;
    }

    copy_dir(&plain, &big);
    fill_history(&alice_db(&big), HISTORY);
    let runs_big: Vec<Option<StartRun>> = (0..runs)
        .map(|_| start_run(&big, &x, &mut bob, idle))
        .collect();
    report_starts("1 account, 100,000 messages", runs_big);
    scroll_run(&big, &x, scroll_clicks, &shot);
    let _ = bob.try_wait_for(Duration::from_secs(10), &alice_is(false));

    let three = root.path().join("alice-three");
    copy_dir(&big, &three);
    {
        let mut h = Headless::start(&three);
        h.add_account(headless::account(&server, "c", "carol", "cpw"));
        h.add_account(headless::account(&server, "d", "dave", "dpw"));
        h.wait_state("c", "online");
        h.wait_state("d", "online");
        h.quit();
    }
    // The runs below only count presence that comes after their start.
    std::thread::sleep(Duration::from_secs(1));
    let runs_three: Vec<Option<StartRun>> = (0..runs)
        .map(|_| start_run(&three, &x, &mut bob, idle))
        .collect();
    report_starts("3 accounts, 100,000 messages", runs_three);
    drop(bob);
}
