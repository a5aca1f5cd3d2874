//! Failures a user must see clearly: wrong password, untrusted certificate,
//! broken config, bad headless input, duplicate delivery.

mod common;

use std::time::Duration;

use common::Prosody;
use common::headless::{Headless, account};
use common::prosody::{ServerCert, self_signed_ca};
use serde_json::{Value, json};

#[test]
fn wrong_password_fails_once_without_retry_storm() {
    let server = Prosody::start();
    server.register("alice", "right");
    let dir = tempfile::tempdir().unwrap();
    let mut app = Headless::start(dir.path());
    app.add_account(account(&server, "work", "alice", "wrong"));
    let failed = app.wait_state("work", "auth_failed");
    assert!(
        failed["reason"]
            .as_str()
            .is_some_and(|r| !r.contains("wrong")
                && r.contains("the server refused the user name or password")),
        "{failed}"
    );
    // No further attempts until the user asks for one.
    app.forget_pending();
    let again = app.try_wait_for(Duration::from_secs(6), &|v| {
        v["event"] == "account_state" && v["state"] == "connecting"
    });
    assert!(again.is_none(), "reconnected after auth failure: {again:?}");
    // Forgotten before asking, or the answer could be forgotten with them.
    app.forget_pending();
    app.send(json!({"cmd":"reconnect","account":"work"}));
    app.wait_state("work", "connecting");
    app.wait_state("work", "auth_failed");
}

#[test]
fn untrusted_certificate_is_refused_with_its_fingerprint() {
    let server = Prosody::start();
    server.register("alice", "pw");
    let dir = tempfile::tempdir().unwrap();
    let mut app = Headless::start(dir.path());
    let mut spec = account(&server, "work", "alice", "pw");
    spec["ca_file"] = serde_json::Value::Null;
    app.add_account(spec);
    let refused = app.wait_state("work", "cert_untrusted");
    assert_eq!(refused["cert"]["fingerprint"], server.cert_sha256());
    // Signed by a self-signed CA:TRUE certificate the account does not trust.
    assert_refused(&refused, "unknown_issuer", "no certificate authority");
    app.forget_pending();
    let again = app.try_wait_for(Duration::from_secs(4), &|v| v["state"] == "online");
    assert!(again.is_none(), "connected without trust: {again:?}");

    // A wrong pin is refused too.
    let mut spec = account(&server, "pinned", "alice", "pw");
    spec["ca_file"] = serde_json::Value::Null;
    spec["pinned_cert"] = json!("AB:".repeat(31) + "AB");
    app.add_account(spec);
    let refused = app.wait_state("pinned", "cert_untrusted");
    assert_refused(&refused, "pin_mismatch", "not the pinned one");
}

/// Asserts that a `cert_untrusted` state has the code `code` and a reason
/// in plain words containing `words`, in the certificate and the state.
#[track_caller]
fn assert_refused(state: &Value, code: &str, words: &str) {
    assert_eq!(state["cert"]["code"], code, "{state}");
    for reason in [&state["cert"]["reason"], &state["reason"]] {
        let reason = reason.as_str().unwrap_or_default();
        assert!(reason.contains(words), "{state}");
        for shape in common::headless::DEBUG_SHAPES.iter().chain(&["{"]) {
            assert!(!reason.contains(shape), "debug output in {reason:?}");
        }
    }
}

/// Waits until the account is online or refused, and returns that state.
fn settled(app: &mut Headless, account: &str) -> Value {
    app.wait_for(&format!("{account} online or refused"), |v| {
        v["event"] == "account_state"
            && v["account"] == account
            && (v["state"] == "online" || v["state"] == "cert_untrusted")
    })
}

/// A staging server's self-signed certificate: `CA:TRUE`, as
/// `openssl req -x509` makes it.
const STAGING: ServerCert = ServerCert::SelfSigned(&["localhost"]);

#[test]
fn a_self_signed_certificate_is_trusted_from_the_ca_file_or_the_system_store_no_other() {
    let server = Prosody::start_with_cert(STAGING);
    server.register("alice", "pw");

    // The certificate itself as the account's CA file.
    let dir = tempfile::tempdir().unwrap();
    let mut app = Headless::start(dir.path());
    app.add_account(account(&server, "file", "alice", "pw"));
    let state = settled(&mut app, "file");
    assert_eq!(state["state"], "online", "{state}");

    // Another self-signed certificate for the same name is refused.
    let other = dir.path().join("other.pem");
    self_signed_ca(&["localhost"], &other, &dir.path().join("other.key"));
    let mut spec = account(&server, "other", "alice", "pw");
    spec["ca_file"] = json!(other);
    app.add_account(spec);
    let refused = app.wait_state("other", "cert_untrusted");
    assert_eq!(refused["cert"]["fingerprint"], server.cert_sha256());
    assert_refused(&refused, "unknown_issuer", "no certificate authority");

    // In the system store (SSL_CERT_FILE stands in for it), no CA file.
    let system = tempfile::tempdir().unwrap();
    let bundle = system.path().join("bundle.pem");
    let pem = |p: &std::path::Path| std::fs::read_to_string(p).unwrap();
    std::fs::write(&bundle, pem(&other) + &pem(&server.ca_file())).unwrap();
    let profile = system.path().join("profile");
    std::fs::create_dir_all(&profile).unwrap();
    let mut app =
        Headless::start_with_env(&profile, &[("SSL_CERT_FILE", bundle.to_str().unwrap())]);
    let mut spec = account(&server, "system", "alice", "pw");
    spec["ca_file"] = Value::Null;
    app.add_account(spec);
    let state = settled(&mut app, "system");
    assert_eq!(state["state"], "online", "{state}");
}

#[test]
fn a_trusted_self_signed_certificate_for_another_name_is_refused() {
    let server = Prosody::start_with_cert(ServerCert::SelfSigned(&["other.example"]));
    server.register("alice", "pw");
    let dir = tempfile::tempdir().unwrap();
    let mut app = Headless::start(dir.path());
    app.add_account(account(&server, "staging", "alice", "pw"));
    let refused = settled(&mut app, "staging");
    assert_eq!(refused["state"], "cert_untrusted", "{refused}");
    assert_eq!(refused["cert"]["fingerprint"], server.cert_sha256());
    assert_refused(&refused, "wrong_name", "another server name");
}

#[test]
fn broken_config_file_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        "[settings]\ntheme = \"dark\"\n[[account]\nid = \"x\"\n",
    )
    .unwrap();
    let mut app = Headless::start(dir.path());
    let err = app.wait_for("error", |v| v["event"] == "error");
    let msg = err["message"].as_str().unwrap_or_default();
    assert!(
        msg.contains("config.toml") && msg.contains("line 3"),
        "{msg}"
    );
    assert!(!app.quit().success());
    // The broken file is left as the user wrote it.
    assert!(
        std::fs::read_to_string(&config)
            .unwrap()
            .contains("[[account]\n")
    );
}

#[test]
fn broken_account_entry_is_listed_not_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        "[[account]]\nid = \"good\"\njid = \"a@example.org\"\nenabled = false\n\
         password_command = \"true\"\n\n[[account]]\nid = \"bad\"\njid = \"not a jid\"\n",
    )
    .unwrap();
    let mut app = Headless::start(dir.path());
    app.send(json!({"cmd":"accounts"}));
    let list = app.wait_for("accounts", |v| v["event"] == "accounts");
    let accounts = list["accounts"].as_array().cloned().unwrap_or_default();
    assert_eq!(accounts.len(), 2);
    assert_eq!(accounts[0]["state"], "disabled");
    assert_eq!(accounts[1]["id"], "bad");
    assert_eq!(accounts[1]["state"], "broken");
    assert!(
        accounts[1]["error"]
            .as_str()
            .is_some_and(|e| e.contains("jid") || e.contains("JID"))
    );
    assert!(app.quit().success());
}

#[test]
fn invalid_input_gets_error_events_and_the_client_keeps_running() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = Headless::start(dir.path());
    for line in [
        "this is not json",
        "{\"cmd\":\"no_such_command\"}",
        "{\"cmd\":\"send\",\"account\":\"nobody\",\"to\":\"x@y\",\"body\":\"b\",\"ref\":\"q\"}",
        "[1,2,3]",
        "{\"cmd\":\"add_account\",\"id\":\"../evil\",\"jid\":\"a@b\",\"password_command\":\"true\"}",
    ] {
        app.send_raw(line);
        app.wait_for(line, |v| v["event"] == "error");
    }
    app.send(json!({"cmd":"accounts"}));
    let list = app.wait_for("accounts", |v| v["event"] == "accounts");
    assert_eq!(list["accounts"], json!([]));
    assert!(!dir.path().join("evil").exists());
    assert!(app.quit().success());
}

#[test]
fn password_without_keyring_is_refused_not_written_in_plain_text() {
    // The test machines have no Secret Service, so the keyring is unavailable.
    let dir = tempfile::tempdir().unwrap();
    let mut app = Headless::start(dir.path());
    app.send(
        json!({"cmd":"add_account","id":"work","jid":"alice@example.org","password":"s3cret-pw"}),
    );
    let err = app.wait_for("keyring error", |v| v["event"] == "error");
    let msg = err["message"].as_str().unwrap_or_default();
    assert!(msg.contains("password_command"), "{msg}");
    assert!(!msg.contains("s3cret-pw"));
    app.send(json!({"cmd":"accounts"}));
    let list = app.wait_for("accounts", |v| v["event"] == "accounts");
    assert_eq!(list["accounts"], json!([]));
    assert!(app.quit().success());
    let config = std::fs::read_to_string(dir.path().join("config.toml")).unwrap_or_default();
    assert!(!config.contains("s3cret-pw"));
}
