//! Testers' tools and account management: XML console, server info, the
//! untrusted-certificate pin flow, editing, disabling and reordering accounts.

mod common;

use std::time::Duration;

use common::Prosody;
use common::headless::{Headless, account, online};
use serde_json::{Value, json};

fn consoles(client: &Headless) -> Vec<&Value> {
    client
        .seen
        .iter()
        .filter(|v| v["event"] == "console")
        .collect()
}

/// Waits for a console line (`direction` "in"/"out", or "" for either)
/// containing `needle`.
fn console_line(a: &mut Headless, direction: &str, needle: &str) -> Value {
    a.wait_for(needle, |v| {
        v["event"] == "console"
            && (direction.is_empty() || v["direction"] == direction)
            && v["xml"].as_str().is_some_and(|x| x.contains(needle))
    })
}

#[test]
fn xml_console_shows_traffic_only_when_open_and_hides_passwords() {
    let server = Prosody::with_users(&[("alice", "apw"), ("bob", "bpw")]);
    let (_dir, mut a) = online(&server, "work", "alice", "apw");
    a.send_message("work", "bob@localhost", "before the console", "r0");
    assert!(consoles(&a).is_empty(), "the console is off by default");

    a.send(json!({"cmd":"console","account":"work","enabled":true}));
    a.send_message("work", "bob@localhost", "seen by the console", "r1");
    let out = console_line(&mut a, "out", "seen by the console");
    assert!(
        out["xml"]
            .as_str()
            .unwrap_or_default()
            .starts_with("<message")
    );

    // A raw stanza typed into the console: its reply shows up as incoming.
    a.send(json!({"cmd":"send_raw","account":"work",
        "xml":"<iq type='get' to='localhost' id='raw-ping'><ping xmlns='urn:xmpp:ping'/></iq>"}));
    console_line(&mut a, "in", "raw-ping");
    // A password change (XEP-0077) never shows its password.
    a.send(json!({"cmd":"send_raw","account":"work",
        "xml":"<iq type='set' to='localhost' id='pw'><query xmlns='jabber:iq:register'>\
               <username>alice</username><password>n3w-s3cret</password></query></iq>"}));
    let change = console_line(&mut a, "", "jabber:iq:register");
    assert!(
        change["xml"]
            .as_str()
            .unwrap_or_default()
            .contains("[redacted]")
    );
    std::thread::sleep(Duration::from_millis(500));
    a.forget_pending();
    a.assert_never_shows("n3w-s3cret");

    // Bad input is refused with a reason, nothing is sent.
    for (xml, why) in [
        (
            "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>",
            "not a stanza",
        ),
        ("<message><body>unclosed", "not well-formed"),
    ] {
        a.send(json!({"cmd":"send_raw","account":"work","xml":xml}));
        let err = a.wait_for("refusal", |v| v["event"] == "error");
        assert!(
            err["message"].as_str().unwrap_or_default().contains(why),
            "{err}"
        );
    }

    a.send(json!({"cmd":"console","account":"work","enabled":false}));
    std::thread::sleep(Duration::from_millis(300));
    a.forget_pending();
    let before = consoles(&a).len();
    a.send_message("work", "bob@localhost", "after closing", "r2");
    assert_eq!(consoles(&a).len(), before, "closed console still reports");
}

#[test]
fn server_info_reports_software_features_tls_and_round_trip() {
    let server = Prosody::with_users(&[("alice", "apw")]);
    let (_dir, mut a) = online(&server, "work", "alice", "apw");
    a.send(json!({"cmd":"server_info","account":"work"}));
    let info = a.wait_for("server info", |v| v["event"] == "server_info");
    assert_eq!(info["software"]["name"], "Prosody");
    let features: Vec<&str> = info["features"]
        .as_array()
        .map(|f| f.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    for ns in ["urn:xmpp:carbons:2", "urn:xmpp:ping", "jabber:iq:version"] {
        assert!(features.contains(&ns), "{ns} missing in {features:?}");
    }
    assert!(
        info["identities"][0]
            .as_str()
            .is_some_and(|i| i.starts_with("server/"))
    );
    assert_eq!(info["tls"]["version"], "TLSv1_3");
    assert!(
        info["tls"]["cipher"]
            .as_str()
            .is_some_and(|c| !c.is_empty())
    );
    let leaf = &info["tls"]["chain"][0];
    assert_eq!(
        leaf["fingerprint"].as_str(),
        Some(server.cert_sha256().as_str())
    );
    assert_eq!(leaf["subject"], "CN=localhost");
    assert_eq!(leaf["issuer"], "CN=Plausch Test CA");
    assert_eq!(info["stream_management"], true);
    assert!(info["rtt_ms"].as_u64().is_some());
}

#[test]
fn untrusted_certificate_is_shown_pinned_on_request_and_a_change_refused() {
    let server = Prosody::with_users(&[("alice", "apw")]);
    let dir = tempfile::tempdir().unwrap();
    let mut a = Headless::start(dir.path());
    // Without the test CA the server's certificate is not trusted.
    let mut spec = account(&server, "staging", "alice", "apw");
    spec["ca_file"] = Value::Null;
    a.add_account(spec);
    let refused = a.wait_state("staging", "cert_untrusted");
    let cert = &refused["cert"];
    assert_eq!(
        cert["fingerprint"].as_str(),
        Some(server.cert_sha256().as_str())
    );
    assert_eq!(cert["subject"], "CN=localhost");
    assert_eq!(cert["issuer"], "CN=Plausch Test CA");
    assert!(cert["not_after"].as_str().is_some());
    assert!(cert.get("pin_mismatch").is_none());
    // Nothing is pinned by itself.
    let config = std::fs::read_to_string(dir.path().join("config.toml")).unwrap();
    assert!(!config.contains("pinned_cert"));

    a.send(json!({"cmd":"pin_cert","account":"staging","fingerprint":cert["fingerprint"]}));
    a.wait_for("updated", |v| v["event"] == "account_updated");
    a.wait_state("staging", "online");
    let config = std::fs::read_to_string(dir.path().join("config.toml")).unwrap();
    assert!(config.contains(&format!("pinned_cert = \"{}\"", server.cert_sha256())));

    // The server now presents another certificate than the pinned one.
    let other = "AB:".repeat(31) + "AB";
    a.send(json!({"cmd":"update_account","account":"staging","pinned_cert":other}));
    let changed = a.wait_state("staging", "cert_untrusted");
    assert_eq!(changed["cert"]["pin_mismatch"], true);
    assert!(
        changed["reason"]
            .as_str()
            .is_some_and(|r| r.contains("changed"))
    );
}

/// One client with two accounts online: "work" (alice) and "home" (bob).
fn work_and_home(server: &Prosody) -> (tempfile::TempDir, Headless) {
    let dir = tempfile::tempdir().unwrap();
    let mut c = Headless::start(dir.path());
    c.add_account(account(server, "work", "alice", "apw"));
    c.add_account(account(server, "home", "bob", "bpw"));
    c.wait_state("work", "online");
    c.wait_state("home", "online");
    (dir, c)
}

#[test]
fn accounts_are_renamed_disabled_enabled_and_reordered() {
    let server = Prosody::with_users(&[("alice", "apw"), ("bob", "bpw")]);
    let (dir, mut c) = work_and_home(&server);

    // Renaming does not touch the connection.
    c.forget_pending();
    let mark = c.seen.len();
    c.send(json!({"cmd":"update_account","account":"work","label":"Büro","color":"#112233"}));
    c.wait_for("renamed", |v| v["event"] == "account_updated");
    c.send(json!({"cmd":"accounts"}));
    let list = c.wait_for("accounts", |v| v["event"] == "accounts");
    assert_eq!(list["accounts"][0]["label"], "Büro");
    assert_eq!(list["accounts"][0]["color"], "#112233");
    assert_eq!(list["accounts"][0]["state"], "online");
    assert!(
        !c.seen[mark..].iter().any(|v| v["event"] == "account_state"
            && v["account"] == "work"
            && v["state"] == "connecting"),
        "a rename reconnected"
    );

    // Disabled: the connection ends and stays down; enabled: back online.
    c.send(json!({"cmd":"update_account","account":"home","enabled":false}));
    c.wait_state("home", "offline");
    c.send(json!({"cmd":"accounts"}));
    let list = c.wait_for("accounts", |v| v["event"] == "accounts");
    assert_eq!(list["accounts"][1]["state"], "disabled");
    c.send(json!({"cmd":"update_account","account":"home","enabled":true}));
    c.wait_state("home", "online");

    // Invalid settings are refused and change nothing.
    c.send(json!({"cmd":"update_account","account":"home","port":0}));
    c.wait_for("refused", |v| {
        v["event"] == "error" && v["account"] == "home"
    });
    c.send(json!({"cmd":"update_account","account":"home","pinned_cert":"not hex"}));
    c.wait_for("refused", |v| {
        v["event"] == "error" && v["account"] == "home"
    });

    c.send(json!({"cmd":"reorder_accounts","order":["home","work"]}));
    let list = c.wait_for("accounts", |v| v["event"] == "accounts");
    assert_eq!(list["accounts"][0]["id"], "home");
    assert!(c.quit().success());
    let config = std::fs::read_to_string(dir.path().join("config.toml")).unwrap();
    let home = config.find("id = \"home\"").unwrap_or(usize::MAX);
    let work = config.find("id = \"work\"").unwrap_or(0);
    assert!(home < work, "order not saved:\n{config}");
    assert!(config.contains("label = \"Büro\""));
}

#[test]
fn an_account_is_created_in_band_and_its_password_changed() {
    let server = Prosody::with_users(&[("taken", "tpw")]);
    let dir = tempfile::tempdir().unwrap();
    let mut c = Headless::start(dir.path());
    let mut spec = account(&server, "new", "newbie", "first-pw");
    spec["cmd"] = json!("registration_form");
    c.send(spec.clone());
    let form = c.wait_for("form", |v| v["event"] == "registration_form");
    let vars: Vec<&str> = form["fields"]
        .as_array()
        .map(|f| f.iter().filter_map(|f| f["var"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        vars.contains(&"username") && vars.contains(&"password"),
        "{form}"
    );

    spec["cmd"] = json!("register_account");
    c.send(spec);
    c.wait_for("added", |v| {
        v["event"] == "account_added" && v["account"] == "new"
    });
    c.wait_state("new", "online");

    // A taken name is refused with a clear message, nothing is added.
    let mut taken = account(&server, "dup", "taken", "x");
    taken["cmd"] = json!("register_account");
    c.send(taken);
    let err = c.wait_for("taken", |v| v["event"] == "error");
    assert!(
        err["message"]
            .as_str()
            .is_some_and(|m| m.contains("already taken")),
        "{err}"
    );

    c.send(json!({"cmd":"change_password","account":"new","password":"second-pw"}));
    let changed = c.wait_for("changed", |v| v["event"] == "password_changed");
    assert!(
        changed["note"]
            .as_str()
            .is_some_and(|n| n.contains("password command"))
    );
    // The server takes the new password now.
    let _ = common::raw::RawClient::connect(&server, "newbie", "second-pw");
    c.assert_never_shows("second-pw");
}

#[test]
fn removing_an_account_deletes_its_data_and_leaves_the_other() {
    let server = Prosody::with_users(&[("alice", "apw"), ("bob", "bpw")]);
    let (dir, mut c) = work_and_home(&server);
    c.send_message("work", "bob@localhost", "kept in work's history", "w1");
    let work_dir = dir.path().join("accounts/work");
    assert!(work_dir.join("history.sqlite").is_file());

    c.send(json!({"cmd":"remove_account","account":"work"}));
    c.wait_for("removed", |v| {
        v["event"] == "account_removed" && v["account"] == "work"
    });
    assert!(!work_dir.exists(), "the account's directory is gone");
    let config = std::fs::read_to_string(dir.path().join("config.toml")).unwrap();
    assert!(!config.contains("id = \"work\"") && config.contains("id = \"home\""));
    // The other account keeps running and keeps its history.
    c.send(json!({"cmd":"history","account":"work","with":"bob@localhost"}));
    c.wait_for("unknown now", |v| {
        v["event"] == "error" && v["account"] == "work"
    });
    let home = c.wait_history_len("home", "alice@localhost", 1, Duration::from_secs(20));
    assert_eq!(home.len(), 1);
    assert!(dir.path().join("accounts/home/history.sqlite").is_file());
}
