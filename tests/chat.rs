//! 1:1 chat end to end: two clients (headless subprocesses) through a real Prosody.

mod common;

use common::Prosody;
use common::headless::{Headless, account};
use serde_json::json;

#[test]
fn two_clients_exchange_messages_and_history_survives_restart() {
    let server = Prosody::start();
    server.register("alice", "alicepw");
    server.register("bob", "bobpw");
    let dirs = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut a = Headless::start(dirs.0.path());
    let mut b = Headless::start(dirs.1.path());
    a.add_account(account(&server, "work", "alice", "alicepw"));
    b.add_account(account(&server, "home", "bob", "bobpw"));
    a.wait_state("work", "online");
    b.wait_state("home", "online");

    a.send_message("work", "bob@localhost", "Hallo Bob", "r1");
    let got = b.wait_message("home", "Hallo Bob");
    assert_eq!(got["direction"], "in");
    assert_eq!(got["with"], "alice@localhost");
    b.send_message("home", "alice@localhost", "Hi Alice\nzweite Zeile", "r2");
    a.wait_message("work", "Hi Alice\nzweite Zeile");

    // The conversation lists the unread message; mark_read clears it.
    a.send(json!({"cmd":"conversations","account":"work"}));
    let conv = a.wait_for("conversations", |v| v["event"] == "conversations");
    assert_eq!(conv["conversations"][0]["with"], "bob@localhost");
    assert_eq!(conv["conversations"][0]["unread"], 1);
    a.send(json!({"cmd":"mark_read","account":"work","with":"bob@localhost"}));
    let conv = a.wait_for("conversations", |v| v["event"] == "conversations");
    assert_eq!(conv["conversations"][0]["unread"], 0);

    assert!(a.quit().success());
    let mut a = Headless::start(dirs.0.path());
    let history = a.history("work", "bob@localhost", 50);
    let bodies: Vec<_> = history
        .iter()
        .map(|m| m["body"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(bodies, ["Hallo Bob", "Hi Alice\nzweite Zeile"]);
    assert_eq!(history[0]["direction"], "out");
    assert_eq!(history[0]["state"], "acked");
    a.wait_state("work", "online");
    assert!(dirs.0.path().join("accounts/work/history.sqlite").is_file());

    // Passwords never reach events or logs.
    for client in [&a, &b] {
        client.assert_never_shows("alicepw");
        client.assert_never_shows("bobpw");
    }
    let config = std::fs::read_to_string(dirs.0.path().join("config.toml")).unwrap();
    assert!(config.contains("password_command"));
}

#[test]
fn two_accounts_side_by_side_stay_separate() {
    // Work and private on two different servers, each with its own CA. Both
    // servers are "localhost", so the same contact JID exists on each: the
    // strictest case for keeping histories apart.
    let work_server = Prosody::start();
    let home_server = Prosody::start();
    for (u, p) in [("alice", "a1"), ("dave", "d1")] {
        work_server.register(u, p);
    }
    for (u, p) in [("carol", "c1"), ("dave", "d2")] {
        home_server.register(u, p);
    }
    let dir = tempfile::tempdir().unwrap();
    let mut app = Headless::start(dir.path());
    app.add_account(account(&work_server, "work", "alice", "a1"));
    app.add_account(account(&home_server, "private", "carol", "c1"));
    app.wait_state("work", "online");
    app.wait_state("private", "online");
    let dave_dir = tempfile::tempdir().unwrap();
    let mut dave = Headless::start(dave_dir.path());
    dave.add_account(account(&work_server, "d1", "dave", "d1"));
    dave.add_account(account(&home_server, "d2", "dave", "d2"));
    dave.wait_state("d1", "online");
    dave.wait_state("d2", "online");

    dave.send_message("d1", "alice@localhost", "for work", "w");
    dave.send_message("d2", "carol@localhost", "for private", "p");
    let w = app.wait_message("work", "for work");
    assert_eq!(w["account"], "work");
    app.wait_message("private", "for private");
    let bodies: Vec<_> = app
        .history("private", "dave@localhost", 50)
        .iter()
        .map(|m| m["body"].clone())
        .collect();
    assert_eq!(bodies, [json!("for private")]);
    let bodies: Vec<_> = app
        .history("work", "dave@localhost", 50)
        .iter()
        .map(|m| m["body"].clone())
        .collect();
    assert_eq!(bodies, [json!("for work")]);
    assert!(dir.path().join("accounts/work/history.sqlite").is_file());
    assert!(dir.path().join("accounts/private/history.sqlite").is_file());

    // Search looks only into the account it is asked for.
    for (id, found) in [("work", "for work"), ("private", "for private")] {
        app.send(json!({"cmd":"search","account":id,"query":"for"}));
        let hits = app.wait_for("search", |v| {
            v["event"] == "search_results" && v["account"] == id
        });
        let bodies: Vec<_> = hits["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["body"].clone())
            .collect();
        assert_eq!(bodies, [json!(found)], "{id}");
    }

    app.send(json!({"cmd":"accounts"}));
    let list = app.wait_for("accounts", |v| v["event"] == "accounts");
    let ids: Vec<_> = list["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].clone())
        .collect();
    assert_eq!(ids, [json!("work"), json!("private")]);
}

#[test]
fn direct_tls_and_pinned_certificate_connect() {
    let server = Prosody::start();
    server.register("erin", "e1");
    let dir = tempfile::tempdir().unwrap();
    let mut app = Headless::start(dir.path());
    let mut spec = account(&server, "direct", "erin", "e1");
    spec["tls"] = json!("direct");
    spec["port"] = json!(server.direct_tls_port());
    app.add_account(spec);
    app.wait_state("direct", "online");

    // No CA file, only the pin: trusted exactly because of the pin.
    let mut pinned = account(&server, "pinned", "erin", "e1");
    pinned["ca_file"] = serde_json::Value::Null;
    pinned["pinned_cert"] = json!(server.cert_sha256());
    app.add_account(pinned);
    app.wait_state("pinned", "online");
}

#[test]
fn message_written_offline_is_queued_and_sent_after_restart() {
    let server = Prosody::start();
    server.register("alice", "a1");
    server.register("bob", "b1");
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("pw");
    let mut spec = account(&server, "work", "alice", "a1");
    // The password is not there yet, so the account cannot connect.
    spec["password_command"] = json!(format!("cat '{}'", secret.display()));
    let mut alice = Headless::start(dir.path());
    alice.add_account(spec);
    alice.wait_state("work", "offline");
    alice.send(json!({"cmd":"send","account":"work","to":"bob@localhost","body":"written offline","ref":"q"}));
    let queued = alice.wait_for("queued message", |v| {
        v["event"] == "message" && v["ref"] == "q"
    });
    assert_eq!(queued["state"], "queued");
    assert!(alice.quit().success());

    std::fs::write(&secret, "a1").unwrap();
    let bob_dir = tempfile::tempdir().unwrap();
    let mut bob = Headless::start(bob_dir.path());
    bob.add_account(account(&server, "b", "bob", "b1"));
    bob.wait_state("b", "online");
    let mut alice = Headless::start(dir.path());
    alice.wait_state("work", "online");
    bob.wait_message("b", "written offline");
    alice.wait_for("acked", |v| {
        v["event"] == "message_state" && v["state"] == "acked"
    });
    let history = bob.history("b", "alice@localhost", 50);
    assert_eq!(history.len(), 1, "sent exactly once: {history:?}");
}
