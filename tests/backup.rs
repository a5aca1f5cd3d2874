//! Backup and restore of a profile (issue 25 part 4): a backup written
//! while messages arrive, restored into a new profile with
//! `plausch --restore` (history, settings and encryption identity as
//! they were, the account connects); an existing profile is not replaced
//! unless asked; a damaged or foreign archive is refused and nothing is
//! created.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use common::Prosody;
use common::headless::{Headless, online, plausch_bin};
use common::raw::RawClient;
use serde_json::json;

const EVE: &str = "eve@localhost";

fn restore(archive: &Path, profile: &Path, replace: bool) -> (i32, String) {
    let mut cmd = Command::new(plausch_bin());
    cmd.arg("--restore")
        .arg(archive)
        .arg("--profile")
        .arg(profile);
    if replace {
        cmd.arg("--replace");
    }
    let out = cmd.output().expect("run plausch --restore");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn a_backup_made_while_messages_arrive_restores_into_a_new_profile() {
    let server = Prosody::start();
    server.register("bob", "bpw");
    server.register("eve", "epw");
    let (dir, mut bob) = online(&server, "b", "bob", "bpw");
    bob.wait_omemo_published();
    let own_device = bob.own_omemo_device("b", "bob@localhost");
    let eve = RawClient::connect(&server, "eve", "epw");
    let work = tempfile::tempdir().expect("temp dir");
    let archive = work.path().join("plausch.backup");

    // The backup runs while 2,000 messages come in.
    let flood = std::thread::spawn(move || {
        eve.flood_messages((0..2000).map(|i| {
            format!(
                "<message xmlns='jabber:client' type='chat' to='bob@localhost' id='m{i}'>\
                 <body>Nachricht {i}</body></message>"
            )
        }));
        eve
    });
    bob.wait_for("the first messages", |v| v["event"] == "message");
    bob.send(json!({"cmd":"backup","path":archive,"include_files":true}));
    let done = bob.wait_for("backup_done", |v| {
        v["event"] == "backup_done" || (v["event"] == "error" && v["code"] == "backup_failed")
    });
    assert_eq!(done["event"], "backup_done", "{done}");
    assert_eq!(
        done["bytes"],
        std::fs::metadata(&archive).expect("archive").len()
    );
    assert_eq!(
        done["needs_password"],
        json!([]),
        "a password command is config"
    );
    let _eve = flood.join().expect("flood");
    let all = bob.wait_history_len("b", EVE, 2000, Duration::from_secs(120));
    assert_eq!(all.len(), 2000);
    assert!(bob.quit().success());

    // Restored into a new profile: what the backup saw, a prefix of it all.
    let restored = work.path().join("restored");
    let (code, said) = restore(&archive, &restored, false);
    assert_eq!(code, 0, "{said}");
    assert!(said.contains("restored"), "{said}");
    assert_eq!(
        std::fs::read_to_string(restored.join("config.toml")).expect("config"),
        std::fs::read_to_string(dir.path().join("config.toml")).expect("config")
    );
    let mut again = Headless::start(&restored);
    again.wait_state("b", "online");
    again.wait_for("caught up", |v| v["event"] == "archive_synced");
    // What the backup held keeps its ids; what came later the archive
    // brings again (the catch-up), in the same order.
    let back = again.wait_history_len("b", EVE, 2000, Duration::from_secs(120));
    assert_eq!(back.len(), 2000);
    assert_eq!(back[0]["id"], all[0]["id"], "in the backup");
    for (got, want) in back.iter().zip(&all) {
        assert_eq!(got["body"], want["body"]);
    }
    // The same OMEMO device: its identity came along.
    assert_eq!(again.own_omemo_device("b", "bob@localhost"), own_device);
    assert!(again.quit().success());

    // An existing profile is replaced only when asked.
    let (code, said) = restore(&archive, &restored, false);
    assert_eq!(code, 2, "{said}");
    assert!(said.contains("exists"), "{said}");
    let (code, said) = restore(&archive, &restored, true);
    assert_eq!(code, 0, "{said}");

    // A damaged archive (a byte changed inside a store) and a foreign file
    // are refused; nothing is created.
    let mut bytes = std::fs::read(&archive).expect("archive");
    // Inside the store's bytes (never in a header's padding).
    let store = bytes
        .windows(15)
        .position(|w| w == b"SQLite format 3")
        .expect("a store in the archive");
    bytes[store + 5000] ^= 0x55;
    let damaged = work.path().join("damaged.backup");
    std::fs::write(&damaged, &bytes).expect("write");
    let target = work.path().join("from-damaged");
    let (code, said) = restore(&damaged, &target, false);
    assert_eq!(code, 2, "{said}");
    assert!(said.contains("damaged"), "{said}");
    assert!(!target.exists(), "nothing is left of a refused restore");
    let (code, said) = restore(&dir.path().join("config.toml"), &target, false);
    assert_eq!(code, 2, "{said}");
    assert!(!target.exists());
    // No staging folder is left behind either.
    let leftovers: Vec<_> = std::fs::read_dir(work.path())
        .expect("list")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(".plausch-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
