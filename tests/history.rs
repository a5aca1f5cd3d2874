//! The history under the user's control (issue 25) against a real
//! Prosody: a 10,000-message conversation exported as text, JSON Lines and
//! HTML and read back; everything exported into a folder; a message and a
//! conversation deleted here (nothing left to find); retention deleting
//! what is older than the account keeps, when it is switched on.

mod common;

use std::time::Duration;

use common::Prosody;
use common::headless::{Headless, online};
use common::raw::RawClient;
use serde_json::{Value, json};

const EVE: &str = "eve@localhost";

fn chat(i: usize) -> String {
    format!(
        "<message xmlns='jabber:client' type='chat' to='bob@localhost' id='e{i}'>\
         <body>Nachricht {i} &lt;b&gt;fett&lt;/b&gt; &amp; mehr</body></message>"
    )
}

fn export(bob: &mut Headless, with: Option<&str>, format: &str, path: &std::path::Path) -> Value {
    bob.forget_pending();
    let mut cmd = json!({"cmd":"export","account":"b","format":format,"path":path});
    if let Some(w) = with {
        cmd["with"] = json!(w);
    }
    bob.send(cmd);
    bob.wait_for("export_done", |v| {
        v["event"] == "export_done" || (v["event"] == "error" && v["code"] == "export_failed")
    })
}

#[test]
fn a_long_conversation_exports_in_three_forms_and_deletes_without_a_trace() {
    let server = Prosody::start();
    server.register("bob", "bpw");
    server.register("eve", "epw");
    let (_dir, mut bob) = online(&server, "b", "bob", "bpw");
    let eve = RawClient::connect(&server, "eve", "epw");
    let n = 10_000;
    eve.flood_messages((0..n).map(chat));
    let history = bob.wait_history_len("b", EVE, n, Duration::from_secs(180));
    assert_eq!(history.len(), n);

    let out = tempfile::tempdir().expect("temp dir");
    // JSON Lines: every field of every message, as `history` gives them.
    let jsonl = out.path().join("eve.jsonl");
    let done = export(&mut bob, Some(EVE), "jsonl", &jsonl);
    assert_eq!(done["event"], "export_done", "{done}");
    assert_eq!(done["messages"], n);
    let text = std::fs::read_to_string(&jsonl).expect("jsonl");
    assert_eq!(done["bytes"], text.len());
    let back: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(back.len(), n);
    for (got, want) in back.iter().zip(&history) {
        assert_eq!(got["id"], want["id"]);
        assert_eq!(got["body"], want["body"]);
        assert_eq!(got["timestamp"], want["timestamp"]);
    }
    // Text: one line per message after the header, `YYYY-MM-DD HH:MM:SS Name: text`.
    let txt = out.path().join("eve.txt");
    assert_eq!(export(&mut bob, Some(EVE), "text", &txt)["messages"], n);
    let text = std::fs::read_to_string(&txt).expect("text");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), n + 1);
    assert_eq!(lines[0], format!("== {EVE} =="));
    for (i, line) in lines[1..].iter().enumerate() {
        let (stamp, rest) = line.split_at(19);
        assert!(
            chrono::NaiveDateTime::parse_from_str(stamp, "%Y-%m-%d %H:%M:%S").is_ok(),
            "{line}"
        );
        assert_eq!(
            rest,
            format!(" {EVE}: Nachricht {i} <b>fett</b> & mehr"),
            "{line}"
        );
    }
    // HTML: a page with every message, its markup escaped.
    let html = out.path().join("eve.html");
    assert_eq!(export(&mut bob, Some(EVE), "html", &html)["messages"], n);
    let page = std::fs::read_to_string(&html).expect("html");
    assert_eq!(page.matches("<div class=\"m in\">").count(), n);
    assert!(page.contains("Nachricht 9999 &lt;b&gt;fett&lt;/b&gt; &amp; mehr"));
    assert!(!page.contains("<b>fett</b>"));
    // Everything, into a folder: one file named after the account.
    let all = export(&mut bob, None, "text", out.path());
    assert_eq!(all["path"], out.path().join("b.txt").display().to_string());
    assert_eq!(all["messages"], n);
    // A path that cannot be written: an error, nothing half-written.
    let bad = export(
        &mut bob,
        Some(EVE),
        "text",
        &out.path().join("no/such/dir/x.txt"),
    );
    assert_eq!(bad["code"], "export_failed", "{bad}");

    // One message deleted here: gone from history and search.
    let first = history[0]["id"].as_str().expect("id").to_owned();
    bob.send(json!({"cmd":"delete_message","account":"b","id":first}));
    let gone = bob.wait_for("history_deleted", |v| v["event"] == "history_deleted");
    assert_eq!(
        (gone["id"].as_str(), gone["messages"].as_u64()),
        (Some(first.as_str()), Some(1))
    );
    bob.send(json!({"cmd":"search","account":"b","query":"Nachricht"}));
    let found = bob.wait_for("search", |v| v["event"] == "search_results");
    assert!(
        found["messages"]
            .as_array()
            .is_some_and(|m| !m.is_empty() && m.iter().all(|m| m["id"] != first.as_str())),
        "{found}"
    );
    // The whole conversation: nothing left to find.
    bob.send(json!({"cmd":"delete_conversation","account":"b","with":EVE}));
    let gone = bob.wait_for("conversation deleted", |v| {
        v["event"] == "history_deleted" && v["with"] == EVE && v["id"].is_null()
    });
    assert_eq!(gone["messages"], n - 1);
    assert!(bob.full_history("b", EVE).is_empty());
    bob.forget_pending();
    bob.send(json!({"cmd":"search","account":"b","query":"Nachricht"}));
    let found = bob.wait_for("search", |v| v["event"] == "search_results");
    assert_eq!(found["messages"], json!([]), "{found}");
}

#[test]
fn retention_deletes_what_is_older_than_the_account_keeps() {
    let server = Prosody::start();
    server.register("bob", "bpw");
    server.register("eve", "epw");
    let (_dir, mut bob) = online(&server, "b", "bob", "bpw");
    // Live, not from the archive (which would stamp them with its own time).
    bob.wait_for("caught up", |v| v["event"] == "archive_synced");
    let eve = RawClient::connect(&server, "eve", "epw");
    // One message from long ago (delayed: it carries its old time), one now.
    eve.send_message_xml(
        "<message xmlns='jabber:client' type='chat' to='bob@localhost' id='old'>\
         <body>aus dem Jahr 2020</body>\
         <delay xmlns='urn:xmpp:delay' from='localhost' stamp='2020-03-01T10:00:00Z'/></message>",
    );
    eve.send_message_xml(&chat(1));
    let history = bob.wait_history_len("b", EVE, 2, Duration::from_secs(20));
    assert_eq!(history.len(), 2);
    // Kept for ever by default; 30 days from now on.
    bob.send(json!({"cmd":"update_account","account":"b","keep_days":30}));
    let gone = bob.wait_for("retention", |v| {
        v["event"] == "history_deleted" && v["retention"] == true
    });
    assert_eq!(gone["messages"], 1);
    let left = bob.full_history("b", EVE);
    assert_eq!(left.len(), 1);
    assert!(
        left[0]["body"]
            .as_str()
            .is_some_and(|b| b.starts_with("Nachricht 1"))
    );
}
