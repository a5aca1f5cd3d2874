//! Drives `plausch --headless` as a subprocess: JSON lines in, JSON lines out.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::Prosody;

pub const WAIT: Duration = Duration::from_secs(20);

/// The binary under test: the one Cargo built for this test, or
/// `PLAUSCH_TEST_BIN` if set — a copy that another build in a shared target
/// directory cannot replace in the middle of a long run (a soak restarts
/// the client several times).
pub fn plausch_bin() -> PathBuf {
    std::env::var_os("PLAUSCH_TEST_BIN").map_or_else(
        || PathBuf::from(env!("CARGO_BIN_EXE_plausch")),
        PathBuf::from,
    )
}

/// A running headless client with its own profile directory.
pub struct Headless {
    child: Child,
    stdin: Option<ChildStdin>,
    events: Receiver<Value>,
    /// Every line printed so far, for "this never appeared" checks.
    pub seen: Vec<Value>,
    /// Events read while waiting for something else, still to be matched.
    pending: std::collections::VecDeque<Value>,
    pub profile: PathBuf,
    /// Where this process's part of `stderr.log` starts.
    log_start: u64,
}

impl Headless {
    pub fn start(profile: &Path) -> Headless {
        Headless::start_with_env(profile, &[])
    }

    /// Like `start`, with extra environment variables (test-only knobs).
    pub fn start_with_env(profile: &Path, env: &[(&str, &str)]) -> Headless {
        let mut child = Command::new(plausch_bin())
            .arg("--headless")
            .arg("--profile")
            .arg(profile)
            .envs(env.iter().copied())
            .env("PLAUSCH_LOG", "debug")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start plausch --headless");
        let stdout = child.stdout.take().expect("stdout");
        let stderr = child.stderr.take().expect("stderr");
        let (tx, events) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let v: Value = serde_json::from_str(&line)
                    .unwrap_or_else(|e| panic!("headless printed a non-JSON line {line:?}: {e}"));
                if tx.send(v).is_err() {
                    break;
                }
            }
        });
        let log = profile.join("stderr.log");
        // Where this process's part of the log starts.
        let log_start = std::fs::metadata(&log).map(|m| m.len()).unwrap_or(0);
        std::thread::spawn(move || {
            // Appended: after a restart the log still tells what the
            // processes before it did (a failing test keeps it).
            let mut out = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(log)
                .ok();
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(f) = out.as_mut() {
                    let _ = writeln!(f, "{line}");
                }
            }
        });
        Headless {
            stdin: child.stdin.take(),
            child,
            events,
            seen: Vec::new(),
            pending: Default::default(),
            profile: profile.to_owned(),
            log_start,
        }
    }

    pub fn send(&mut self, cmd: Value) {
        self.send_raw(&cmd.to_string());
    }

    pub fn send_raw(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        writeln!(stdin, "{line}").expect("write command");
        stdin.flush().expect("flush command");
    }

    /// Waits for the first event matching `pred`, skipping others.
    pub fn wait_for(&mut self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        self.try_wait_for(WAIT, &pred)
            .unwrap_or_else(|| panic!("timed out waiting for {what}; seen: {:#?}", self.tail()))
    }

    pub fn try_wait_for(
        &mut self,
        timeout: Duration,
        pred: &dyn Fn(&Value) -> bool,
    ) -> Option<Value> {
        super::events::wait_for(
            &self.events,
            &mut self.pending,
            &mut self.seen,
            timeout,
            pred,
            assert_plain_words,
        )
    }

    /// Forgets pending events, so a following wait sees only new ones.
    pub fn forget_pending(&mut self) {
        while let Ok(v) = self.events.try_recv() {
            self.seen.push(v);
        }
        self.pending.clear();
    }

    /// Takes the events not matched yet (pending ones first, then what has
    /// arrived since) without waiting, and forgets `seen`: for long runs
    /// (benchmarks) whose events would otherwise pile up in memory.
    pub fn take_events(&mut self) -> Vec<Value> {
        let mut out: Vec<Value> = self.pending.drain(..).collect();
        while let Ok(v) = self.events.try_recv() {
            assert_plain_words(&v);
            out.push(v);
        }
        self.seen.clear();
        out
    }

    pub fn tail(&self) -> Vec<&Value> {
        self.seen.iter().rev().take(15).collect()
    }

    pub fn wait_state(&mut self, account: &str, state: &str) -> Value {
        self.wait_for(&format!("{account} {state}"), |v| {
            v["event"] == "account_state" && v["account"] == account && v["state"] == state
        })
    }

    pub fn add_account(&mut self, spec: Value) {
        let id = spec["id"].as_str().expect("id").to_owned();
        let mut cmd = spec;
        cmd["cmd"] = json!("add_account");
        self.send(cmd);
        self.wait_for("account_added", |v| {
            v["event"] == "account_added" && v["account"] == id
        });
    }

    /// Sends a message and waits until our server acknowledged it.
    pub fn send_message(&mut self, account: &str, to: &str, body: &str, reference: &str) {
        self.send(json!({"cmd":"send","account":account,"to":to,"body":body,"ref":reference}));
        self.wait_for("message acked", |v| {
            v["event"] == "message_state" && v["ref"] == reference && v["state"] == "acked"
        });
    }

    /// Waits until the (only) account is online and has published its
    /// OMEMO device: both bundles and both lists.
    pub fn wait_omemo_published(&mut self) {
        self.wait_for("online and caught up", |v| v["event"] == "archive_synced");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while self.stderr_log().matches("OMEMO node published").count() < 4 {
            assert!(
                std::time::Instant::now() < deadline,
                "OMEMO set-up not done"
            );
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    }

    /// The OMEMO device id of `account` (whose address is `jid`), from its
    /// `devices` answer.
    pub fn own_omemo_device(&mut self, account: &str, jid: &str) -> u64 {
        self.send(json!({"cmd":"devices","account":account,"jid":jid}));
        let devices = self.wait_for("own devices", |v| {
            v["event"] == "devices" && v["account"] == account && v["jid"] == jid
        });
        devices["devices"]
            .as_array()
            .and_then(|d| d.iter().find(|d| d["own"] == true))
            .and_then(|d| d["id"].as_u64())
            .unwrap_or_else(|| panic!("no own device in {devices}"))
    }

    pub fn wait_message(&mut self, account: &str, body: &str) -> Value {
        self.wait_for(&format!("message {body:?}"), |v| {
            v["event"] == "message" && v["account"] == account && v["body"] == body
        })
    }

    pub fn history(&mut self, account: &str, with: &str, limit: u32) -> Vec<Value> {
        self.send(json!({"cmd":"history","account":account,"with":with,"limit":limit}));
        let v = self.wait_for("history", |v| {
            v["event"] == "history" && v["account"] == account && v["with"] == with
        });
        v["messages"].as_array().cloned().unwrap_or_default()
    }

    /// The last `history` answer seen (Null if none).
    pub fn last_history(&self) -> Value {
        self.seen
            .iter()
            .rev()
            .find(|v| v["event"] == "history")
            .cloned()
            .unwrap_or_default()
    }

    /// The whole stored conversation, oldest first, paged back through
    /// `history` (which may also fetch older pages from the server archive).
    pub fn full_history(&mut self, account: &str, with: &str) -> Vec<Value> {
        let mut all: Vec<Value> = Vec::new();
        let mut before: Option<i64> = None;
        loop {
            let mut cmd = json!({"cmd":"history","account":account,"with":with,"limit":500});
            if let Some(b) = before {
                cmd["before"] = json!(b);
            }
            self.send(cmd);
            let v = self.wait_for("history page", |v| {
                v["event"] == "history" && v["account"] == account && v["with"] == with
            });
            let page = v["messages"].as_array().cloned().unwrap_or_default();
            let Some(first) = page.first().and_then(|m| m["seq"].as_i64()) else {
                break;
            };
            before = Some(first);
            let mut page = page;
            page.append(&mut all);
            all = page;
        }
        all
    }

    /// Polls the conversation until it holds `n` messages (or `timeout` passed);
    /// returns what it holds then.
    pub fn wait_history_len(
        &mut self,
        account: &str,
        with: &str,
        n: usize,
        timeout: Duration,
    ) -> Vec<Value> {
        let deadline = Instant::now() + timeout;
        loop {
            let all = self.full_history(account, with);
            if all.len() >= n || Instant::now() >= deadline {
                return all;
            }
            std::thread::sleep(Duration::from_millis(500));
        }
    }

    /// Sends `quit` and waits for the process to exit.
    pub fn quit(mut self) -> std::process::ExitStatus {
        // A client that ends by itself (a broken config) may be gone
        // already: then the pipe is closed, which is no failure here.
        if let Some(stdin) = self.stdin.as_mut() {
            let _ = writeln!(stdin, "{}", json!({"cmd":"quit"}));
            let _ = stdin.flush();
        }
        drop(self.stdin.take());
        let deadline = Instant::now() + WAIT;
        loop {
            // Keep draining so the child never blocks on a full pipe.
            while let Ok(v) = self.events.try_recv() {
                self.seen.push(v);
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                return status;
            }
            assert!(Instant::now() < deadline, "plausch did not exit after quit");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Kills the process without letting it clean up (like a crash).
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// The process id (e.g. to read its memory use from /proc).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// What this process has logged (earlier processes of the same profile
    /// logged into the same file, before it).
    pub fn stderr_log(&self) -> String {
        let all = std::fs::read(self.profile.join("stderr.log")).unwrap_or_default();
        let start = usize::try_from(self.log_start).unwrap_or(0).min(all.len());
        String::from_utf8_lossy(&all[start..]).into_owned()
    }

    /// Asserts that `secret` appeared in no event printed so far and not in
    /// the log.
    #[track_caller]
    pub fn assert_never_shows(&self, secret: &str) {
        let events = serde_json::to_string(&self.seen).expect("events serialize");
        assert!(!events.contains(secret), "{secret:?} in events");
        assert!(!self.stderr_log().contains(secret), "{secret:?} in the log");
    }
}

impl Drop for Headless {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        // A failing test deletes its temp dirs: keep the client's log.
        if std::thread::panicking() {
            let dir = std::env::temp_dir().join("plausch-test-logs");
            let _ = std::fs::create_dir_all(&dir);
            let name = format!(
                "{}-{}.log",
                std::thread::current()
                    .name()
                    .unwrap_or("test")
                    .replace("::", "-"),
                self.child.id()
            );
            if std::fs::copy(self.profile.join("stderr.log"), dir.join(&name)).is_ok() {
                eprintln!("client log kept: {}", dir.join(name).display());
            }
        }
    }
}

/// A client with a fresh temporary profile and one account, online. Keep
/// the directory alive as long as the client.
pub fn online(
    server: &Prosody,
    id: &str,
    user: &str,
    password: &str,
) -> (tempfile::TempDir, Headless) {
    let dir = tempfile::tempdir().expect("temp profile");
    let client = online_at(dir.path(), server, id, user, password);
    (dir, client)
}

/// A client with the profile `dir` (created if missing) and one account,
/// online.
pub fn online_at(dir: &Path, server: &Prosody, id: &str, user: &str, password: &str) -> Headless {
    std::fs::create_dir_all(dir).expect("profile dir");
    let mut client = Headless::start(dir);
    client.add_account(account(server, id, user, password));
    client.wait_state(id, "online");
    client
}

/// A chat message stanza to `to` (for raw clients).
pub fn chat_xml(to: &str, body: &str) -> String {
    format!("<message xmlns='jabber:client' type='chat' to='{to}'><body>{body}</body></message>")
}

/// Bodies of history records.
pub fn bodies(history: &[Value]) -> Vec<String> {
    history
        .iter()
        .map(|m| m["body"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// An account spec for `add_account` against the test server, trusting its
/// certificate through the CA-file option and reading the password from a command.
pub fn account(server: &Prosody, id: &str, user: &str, password: &str) -> Value {
    json!({
        "id": id,
        "jid": format!("{user}@{}", server.domain()),
        "password_command": format!("printf '%s' '{password}'"),
        "host": "127.0.0.1",
        "port": server.c2s_port(),
        "tls": "starttls",
        "ca_file": server.ca_file(),
    })
}

/// Two clients ("laptop" and "phone") with the same account `id` online
/// (each its own profile and resource). Keep the directories alive.
pub fn two_devices(
    server: &Prosody,
    id: &str,
    user: &str,
    password: &str,
) -> ((tempfile::TempDir, tempfile::TempDir), Headless, Headless) {
    let dirs = (
        tempfile::tempdir().expect("temp profile"),
        tempfile::tempdir().expect("temp profile"),
    );
    let mut laptop = Headless::start(dirs.0.path());
    let mut phone = Headless::start(dirs.1.path());
    for c in [&mut laptop, &mut phone] {
        c.add_account(account(server, id, user, password));
    }
    for c in [&mut laptop, &mut phone] {
        c.wait_state(id, "online");
    }
    (dirs, laptop, phone)
}

impl Headless {
    /// The full JID the server bound for the client's account (from its
    /// first `online` state).
    pub fn bound_jid(&self) -> String {
        self.seen
            .iter()
            .find_map(|v| {
                (v["event"] == "account_state" && v["state"] == "online").then(|| v["jid"].clone())
            })
            .and_then(|j| j.as_str().map(str::to_owned))
            .expect("the account was online")
    }
}

/// `jid`'s entry in a `roster` event, if there.
#[allow(dead_code)]
pub fn roster_entry(v: &Value, jid: &str) -> Option<Value> {
    v["contacts"]
        .as_array()?
        .iter()
        .find(|c| c["jid"] == jid)
        .cloned()
}

/// `a` (account `a_id`) and `b` become mutual contacts: `a` asks with
/// pre-approval, `b` accepts. Both then send their presence again: the
/// server learns from a presence that a contact wants PEP notifications.
#[allow(dead_code)]
pub fn befriend(
    a: &mut Headless,
    a_id: &str,
    a_jid: &str,
    b: &mut Headless,
    b_id: &str,
    b_jid: &str,
) {
    a.send(json!({"cmd":"add_contact","account":a_id,"jid":b_jid,"preapprove":true}));
    b.wait_for("request", |v| {
        v["event"] == "subscription_request" && v["jid"] == a_jid
    });
    b.send(json!({"cmd":"answer_subscription","account":b_id,"jid":a_jid,"accept":true}));
    a.wait_for("mutual", |v| {
        v["event"] == "roster"
            && roster_entry(v, b_jid).is_some_and(|c| c["subscription"] == "both")
    });
    for (c, id) in [(a, a_id), (b, b_id)] {
        c.send(json!({"cmd":"set_presence","account":id,"presence":"available"}));
    }
}

/// Alice (account "a") and Bob (account "b") online as mutual contacts;
/// the server must have users alice/apw and bob/bpw.
#[allow(dead_code)]
pub fn alice_and_bob(server: &Prosody) -> ([tempfile::TempDir; 2], Headless, Headless) {
    alice_and_bob_with(server, &[], &[])
}

/// Like [`alice_and_bob`], each client started with extra environment
/// variables (test-only knobs).
#[allow(dead_code)]
pub fn alice_and_bob_with(
    server: &Prosody,
    alice_env: &[(&str, &str)],
    bob_env: &[(&str, &str)],
) -> ([tempfile::TempDir; 2], Headless, Headless) {
    let start = |id: &str, user: &str, password: &str, env: &[(&str, &str)]| {
        let dir = tempfile::tempdir().expect("temp profile");
        let mut client = Headless::start_with_env(dir.path(), env);
        client.add_account(account(server, id, user, password));
        client.wait_state(id, "online");
        (dir, client)
    };
    let (a_dir, mut alice) = start("a", "alice", "apw", alice_env);
    let (b_dir, mut bob) = start("b", "bob", "bpw", bob_env);
    befriend(
        &mut alice,
        "a",
        "alice@localhost",
        &mut bob,
        "b",
        "bob@localhost",
    );
    ([a_dir, b_dir], alice, bob)
}

/// What Rust's Debug formatting leaves in a text (`Some(..)`,
/// `Other(OtherError(..))`, `Kind::Variant`), which no person should read.
pub const DEBUG_SHAPES: [&str; 6] = ["Some(", "None", "Other(", "Error(", "OtherError", "::"];

/// Every reason or error text an event carries is plain words: checked for
/// each event any test reads, so every failure path the suite walks is
/// covered.
#[track_caller]
pub fn assert_plain_words(v: &Value) {
    let texts = [
        &v["reason"],
        &v["error"],
        &v["text"],
        &v["cert"]["reason"],
        if v["event"] == "error" {
            &v["message"]
        } else {
            &Value::Null
        },
    ];
    for text in texts.iter().filter_map(|t| t.as_str()) {
        for shape in DEBUG_SHAPES {
            assert!(!text.contains(shape), "debug output in {v}");
        }
    }
}

/// The unread count of `with` in a `conversations` event.
pub fn unread_of(v: &Value, with: &str) -> Option<u64> {
    v["conversations"]
        .as_array()?
        .iter()
        .find(|c| c["with"] == with)
        .and_then(|c| c["unread"].as_u64())
}

/// Whether a `conversations` event with `n` unread in `with` comes within
/// `within`.
pub fn wait_unread(client: &mut Headless, with: &str, n: u64, within: Duration) -> bool {
    client
        .try_wait_for(within, &|v: &Value| {
            v["event"] == "conversations" && unread_of(v, with) == Some(n)
        })
        .is_some()
}
