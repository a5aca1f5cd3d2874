//! What the benches that run an account actor in-process share: the
//! account runtime (its threads named, to count their CPU apart from the
//! other side's clients in the same process) and reading that CPU time.

use std::path::Path;

use plausch::accounts::AccountSender;
use plausch::api::{ConnState, Event};
use plausch::config::{AccountConfig, PasswordSource};
use tokio::sync::mpsc::UnboundedReceiver;

use super::common::Prosody;

/// The name of the account runtime's threads, to tell their CPU time from
/// the senders' (the other people's clients are not ours to count).
pub const ACTOR_THREADS: &str = "plausch-actor";

/// User and system CPU seconds of one `/proc` stat file's contents.
fn cpu_of_stat(stat: &str) -> (f64, f64) {
    // Fields after the command name (which may hold spaces): state is 3rd.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of the whole line: 11 and 12 here.
    (ticks(11) / 100.0, ticks(12) / 100.0)
}

/// CPU seconds (user, system) of the whole process, and of the account
/// runtime's threads alone (Linux `/proc`).
pub fn cpu_seconds() -> ((f64, f64), (f64, f64)) {
    let all = cpu_of_stat(&std::fs::read_to_string("/proc/self/stat").unwrap_or_default());
    let mut actor = (0.0, 0.0);
    for task in std::fs::read_dir("/proc/self/task")
        .into_iter()
        .flatten()
        .flatten()
    {
        let comm = std::fs::read_to_string(task.path().join("comm")).unwrap_or_default();
        if comm.trim_end() == ACTOR_THREADS {
            let (u, s) =
                cpu_of_stat(&std::fs::read_to_string(task.path().join("stat")).unwrap_or_default());
            actor = (actor.0 + u, actor.1 + s);
        }
    }
    (all, actor)
}

/// A running account and its events.
pub struct Running {
    pub rt: tokio::runtime::Runtime,
    pub actor: AccountSender,
    pub events: UnboundedReceiver<Event>,
}

/// Starts account "bench" as `user@localhost` (password `password`) on
/// `server`, storing under `dir`, and waits until it has caught up.
pub fn start_account(server: &Prosody, user: &str, password: &str, dir: &Path) -> Running {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name(ACTOR_THREADS)
        .build()
        .expect("runtime");
    let mut config = AccountConfig::new(
        "bench",
        format!("{user}@localhost"),
        PasswordSource::Command(format!("printf '%s' {password}")),
    );
    config.host = Some("127.0.0.1".into());
    config.port = Some(server.c2s_port());
    config.ca_file = Some(server.ca_file());
    let (tx, mut events) = tokio::sync::mpsc::unbounded_channel();
    let actor = rt.block_on(async { plausch::accounts::start(config, dir.to_owned(), tx) });
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
    Running { rt, actor, events }
}
