//! Drives the OMEMO reference bot (`tests/bots/omemo_bot.py`, slixmpp +
//! slixmpp-omemo) as a subprocess: JSON lines in, JSON lines out, like
//! [`Headless`](super::headless::Headless). One bot is one XMPP client with
//! one OMEMO device: "the other person" for the OMEMO tests.
//!
//! The bot runs on the Python of `PLAUSCH_TEST_PYTHON`, the pinned venv that
//! `tests/run.sh` (through `tests/bots/venv.sh`) makes; without it a test
//! panics, it never skips. Its commands and events are listed in the bot's
//! docstring and in the README's Testing section.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::Prosody;

/// How long a command's answer or an expected event may take.
pub const BOT_WAIT: Duration = Duration::from_secs(20);
/// Lines of the bot's stderr kept for panic messages.
const STDERR_LINES: usize = 400;
const STDERR_SHOWN: usize = 40;

/// Which OMEMO versions a bot loads (`--versions`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Versions {
    /// Only the old `eu.siacs.conversations.axolotl` variant ("0.3").
    Old,
    /// Only OMEMO 2 (`urn:xmpp:omemo:2`).
    Two,
    /// Both; OMEMO 2 is preferred for a device that has both.
    Both,
}

impl Versions {
    fn arg(self) -> &'static str {
        match self {
            Versions::Old => "0.3",
            Versions::Two => "2",
            Versions::Both => "both",
        }
    }
}

/// The bot's trust policy for devices it has not decided on (`--trust`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trust {
    /// Blind trust before verification: every new device is trusted.
    Blind,
    /// New devices stay undecided: sending to them fails with an
    /// `untrusted` event and an `error` until a test sends `trust`.
    Manual,
}

/// How to start a bot.
#[derive(Debug, Clone)]
pub struct BotOpts {
    pub versions: Versions,
    pub trust: Trust,
    /// Where the bot keeps its OMEMO state; `None`: a temporary directory
    /// owned by the [`Bot`] (kept across [`Bot::stop`] and [`Bot::resume`]).
    pub state: Option<PathBuf>,
    /// Follows and publishes XEP-0490 read positions (`--mds`): `mds`
    /// events, the `mds_publish` command.
    pub mds: bool,
}

impl Default for BotOpts {
    fn default() -> Self {
        BotOpts {
            versions: Versions::Both,
            trust: Trust::Blind,
            state: None,
            mds: false,
        }
    }
}

impl BotOpts {
    pub fn versions(versions: Versions) -> BotOpts {
        BotOpts {
            versions,
            ..BotOpts::default()
        }
    }
}

/// The interpreter of the bot's venv, from `PLAUSCH_TEST_PYTHON`.
pub fn bot_python() -> PathBuf {
    match std::env::var_os("PLAUSCH_TEST_PYTHON") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => panic!(
            "PLAUSCH_TEST_PYTHON is not set: run tests/run.sh (it creates the Python venv), \
             or `export PLAUSCH_TEST_PYTHON=$(bash tests/bots/venv.sh)` before `cargo test`"
        ),
    }
}

/// The bot's script in the source tree.
pub fn bot_script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bots/omemo_bot.py")
}

/// A running (or stopped) reference bot.
pub struct Bot {
    /// `user@localhost`.
    pub jid: String,
    /// Its `ready` event: `device_id`, `fingerprint`, `identity_key`,
    /// `versions`, the bound `jid`, the `caps` it announces (`ver`,
    /// `features`).
    pub ready: Value,
    /// Every event read so far, for "this never appeared" checks.
    pub seen: Vec<Value>,
    args: Vec<String>,
    state: PathBuf,
    _state_dir: Option<tempfile::TempDir>,
    child: Option<Child>,
    stdin: Option<ChildStdin>,
    events: Receiver<Value>,
    /// Events read while waiting for something else, still to be matched.
    pending: VecDeque<Value>,
    stderr: Arc<Mutex<VecDeque<String>>>,
    next_ref: u64,
}

impl Bot {
    /// Starts a bot for `user@localhost` on `server` and waits for `ready`
    /// (its device list and bundle are published, offline messages caught up).
    pub fn start(server: &Prosody, user: &str, password: &str, opts: BotOpts) -> Bot {
        let (state, state_dir) = match opts.state {
            Some(path) => (path, None),
            None => {
                let dir = tempfile::Builder::new()
                    .prefix("plausch-bot-")
                    .tempdir()
                    .expect("temp dir for the bot's state");
                (dir.path().to_owned(), Some(dir))
            }
        };
        let jid = format!("{user}@{}", server.domain());
        let args = vec![
            "--jid".to_owned(),
            jid.clone(),
            "--password".to_owned(),
            password.to_owned(),
            "--host".to_owned(),
            "127.0.0.1".to_owned(),
            "--port".to_owned(),
            server.c2s_port().to_string(),
            "--ca-file".to_owned(),
            server.ca_file().to_string_lossy().into_owned(),
            "--state".to_owned(),
            state.to_string_lossy().into_owned(),
            "--versions".to_owned(),
            opts.versions.arg().to_owned(),
            "--trust".to_owned(),
            match opts.trust {
                Trust::Blind => "blind",
                Trust::Manual => "manual",
            }
            .to_owned(),
        ];
        let mut args = args;
        if opts.mds {
            args.push("--mds".to_owned());
        }
        let (_tx, events) = channel();
        let mut bot = Bot {
            jid,
            ready: Value::Null,
            seen: Vec::new(),
            args,
            state,
            _state_dir: state_dir,
            child: None,
            stdin: None,
            events,
            pending: VecDeque::new(),
            stderr: Arc::new(Mutex::new(VecDeque::new())),
            next_ref: 0,
        };
        bot.resume();
        bot
    }

    /// Starts the process again (after [`stop`](Self::stop)) with the same
    /// state, so the same OMEMO device, and waits for `ready`.
    pub fn resume(&mut self) {
        assert!(self.child.is_none(), "the bot {} is running", self.jid);
        let mut child = Command::new(bot_python())
            .arg(bot_script())
            .args(&self.args)
            .env("PYTHONUNBUFFERED", "1")
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "starting the OMEMO bot with {} failed: {e} (run tests/run.sh, it creates \
                     the Python venv)",
                    bot_python().display()
                )
            });
        let stdout = child.stdout.take().expect("bot stdout");
        let stderr = child.stderr.take().expect("bot stderr");
        let (tx, events) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let v = serde_json::from_str(&line)
                    .unwrap_or_else(|_| json!({"event": "non_json", "line": line}));
                if tx.send(v).is_err() {
                    break;
                }
            }
        });
        let tail = Arc::clone(&self.stderr);
        let log = self.state.join("bot-stderr.log");
        std::thread::spawn(move || {
            let mut out = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(log)
                .ok();
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(f) = out.as_mut() {
                    let _ = writeln!(f, "{line}");
                }
                let mut tail = tail.lock().unwrap_or_else(|e| e.into_inner());
                if tail.len() == STDERR_LINES {
                    tail.pop_front();
                }
                tail.push_back(line);
            }
        });
        self.stdin = child.stdin.take();
        self.child = Some(child);
        self.events = events;
        self.pending.clear();
        self.ready = self.wait_for("ready", |v| v["event"] == "ready");
    }

    /// Sends `quit` and waits for the process to end; the state stays for
    /// [`resume`](Self::resume). Messages to the bot meanwhile go to the
    /// server's archive, which the bot catches up from when it comes back.
    pub fn stop(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        if let Some(stdin) = self.stdin.as_mut() {
            let _ = writeln!(stdin, "{}", json!({"cmd": "quit"}));
            let _ = stdin.flush();
        }
        drop(self.stdin.take());
        let deadline = Instant::now() + BOT_WAIT;
        loop {
            while let Ok(v) = self.events.try_recv() {
                self.seen.push(v);
            }
            if let Ok(Some(_)) = child.try_wait() {
                break;
            }
            if Instant::now() >= deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "the bot {} did not exit after quit\n{}",
                    self.jid,
                    self.stderr_tail()
                );
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        self.pending.clear();
    }

    /// The OMEMO device id (the same for both versions).
    pub fn device_id(&self) -> u64 {
        self.ready["device_id"]
            .as_u64()
            .expect("ready has device_id")
    }

    /// The identity key's fingerprint (Curve25519 form, 64 hex digits).
    pub fn fingerprint(&self) -> String {
        self.ready["fingerprint"]
            .as_str()
            .expect("ready has fingerprint")
            .to_owned()
    }

    /// Writes one command line.
    pub fn send_json(&mut self, cmd: Value) {
        let stdin = self
            .stdin
            .as_mut()
            .unwrap_or_else(|| panic!("the bot {} is not running", self.jid));
        writeln!(stdin, "{cmd}").expect("write a command to the bot");
        stdin.flush().expect("flush a command to the bot");
    }

    /// Sends `cmd` with a fresh `ref` and returns its answer (the event
    /// carrying that `ref`), or the `error` event as `Err`.
    pub fn try_request(&mut self, mut cmd: Value) -> Result<Value, Value> {
        self.next_ref += 1;
        let reference = format!("r{}", self.next_ref);
        cmd["ref"] = json!(reference);
        let what = format!("answer to {cmd}");
        self.send_json(cmd);
        let answer = self.wait_for(&what, |v| {
            v["ref"] == reference.as_str() && v["event"] != "untrusted"
        });
        if answer["event"] == "error" {
            Err(answer)
        } else {
            Ok(answer)
        }
    }

    /// Like [`try_request`](Self::try_request), panicking on an `error`.
    #[track_caller]
    pub fn request(&mut self, cmd: Value) -> Value {
        let shown = cmd.to_string();
        self.try_request(cmd).unwrap_or_else(|e| {
            panic!(
                "the bot {} refused {shown}: {e}\n{}",
                self.jid,
                self.stderr_tail()
            )
        })
    }

    /// Sends an OMEMO message (the best version both sides have) and returns
    /// the `sent` event (`versions`, `recipients`, `errors`).
    #[track_caller]
    pub fn send_encrypted(&mut self, to: &str, body: &str) -> Value {
        self.request(json!({"cmd": "send", "to": to, "body": body, "encrypt": true}))
    }

    /// Sends an OMEMO message in `version` ("0.3" or "2") only.
    #[track_caller]
    pub fn send_encrypted_as(&mut self, to: &str, body: &str, version: &str) -> Value {
        self.request(
            json!({"cmd": "send", "to": to, "body": body, "encrypt": true, "version": version}),
        )
    }

    /// Sends a plaintext chat message.
    #[track_caller]
    pub fn send_plain(&mut self, to: &str, body: &str) -> Value {
        self.request(json!({"cmd": "send", "to": to, "body": body, "encrypt": false}))
    }

    /// The devices the bot knows for `jid` (fetched anew), each with
    /// `device`, `versions`, `active`, `trust`, `fingerprint`.
    #[track_caller]
    /// Reads `jid`'s device lists and bundles again (a new device of theirs).
    pub fn refresh(&mut self, jid: &str) {
        self.request(json!({"cmd":"refresh","jid":jid}));
    }

    pub fn devices(&mut self, jid: &str) -> Vec<Value> {
        let answer = self.request(json!({"cmd": "devices", "jid": jid}));
        answer["devices"].as_array().cloned().unwrap_or_default()
    }

    /// Sets the trust in one of `jid`'s devices: "trusted", "blind",
    /// "undecided" or "distrusted".
    #[track_caller]
    pub fn trust(&mut self, jid: &str, device: u64, trust: &str) {
        self.request(json!({"cmd": "trust", "jid": jid, "device": device, "trust": trust}));
    }

    /// Waits for the `message` event with this body (decrypted or plain).
    #[track_caller]
    pub fn wait_message(&mut self, body: &str) -> Value {
        self.wait_for(&format!("message {body:?}"), |v| {
            v["event"] == "message" && v["body"] == body
        })
    }

    /// Waits for the first event matching `pred` (within [`BOT_WAIT`]),
    /// skipping others; they stay pending for later waits.
    #[track_caller]
    pub fn wait_for(&mut self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        self.wait_for_within(what, BOT_WAIT, pred)
    }

    /// Like [`wait_for`](Self::wait_for) with its own timeout.
    #[track_caller]
    pub fn wait_for_within(
        &mut self,
        what: &str,
        timeout: Duration,
        pred: impl Fn(&Value) -> bool,
    ) -> Value {
        match self.try_wait_for(timeout, &pred) {
            Some(v) => v,
            None => panic!(
                "bot {}: timed out after {timeout:?} waiting for {what}; last events: {:#?}\n{}",
                self.jid,
                self.tail(),
                self.stderr_tail()
            ),
        }
    }

    /// The first event matching `pred` within `timeout`, if any.
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
            |_| {},
        )
    }

    /// The last events read (newest first).
    pub fn tail(&self) -> Vec<&Value> {
        self.seen.iter().rev().take(15).collect()
    }

    /// The end of the bot's stderr (its log), for panic messages.
    pub fn stderr_tail(&self) -> String {
        let tail = self.stderr.lock().unwrap_or_else(|e| e.into_inner());
        let start = tail.len().saturating_sub(STDERR_SHOWN);
        let lines: Vec<&str> = tail.iter().skip(start).map(String::as_str).collect();
        format!(
            "--- bot {} stderr (last {} lines; all in {}):\n{}",
            self.jid,
            lines.len(),
            self.state.join("bot-stderr.log").display(),
            lines.join("\n")
        )
    }
}

impl Drop for Bot {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        // A failing test deletes its temp dirs: keep the bot's log.
        if std::thread::panicking() {
            let dir = std::env::temp_dir().join("plausch-test-logs");
            let _ = std::fs::create_dir_all(&dir);
            let name = format!(
                "{}-bot-{}.log",
                std::thread::current()
                    .name()
                    .unwrap_or("test")
                    .replace("::", "-"),
                self.jid
            );
            if std::fs::copy(self.state.join("bot-stderr.log"), dir.join(&name)).is_ok() {
                eprintln!("bot log kept: {}", dir.join(name).display());
            }
        }
    }
}
