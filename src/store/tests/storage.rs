//! Roster, persistence, schema versions, corruption, FTS and query plans.

use super::*;
use crate::store::StoreError;
use crate::store::messages as store_messages;
use crate::store::schema::SCHEMA_VERSION;

#[test]
fn roster_replace_upsert_remove_and_version() {
    let mut s = mem();
    assert_eq!(s.roster_version().unwrap(), None);
    assert!(s.contacts().unwrap().is_empty());

    let roster = [
        contact("zed@example.org", Some("anna"), &["Friends", "a\nb"]),
        contact("bert@example.org", None, &[]),
        contact("carl@example.org", Some("Carl"), &["Work"]),
    ];
    s.replace_roster(&roster, Some("v1")).unwrap();
    assert_eq!(s.roster_version().unwrap().as_deref(), Some("v1"));
    let stored = s.contacts().unwrap();
    // Sorted by display name, case-insensitive: anna, bert@…, Carl.
    assert_eq!(
        jids(&s),
        ["zed@example.org", "bert@example.org", "carl@example.org"]
    );
    assert_eq!(stored[0].groups, ["Friends", "a\nb"]);
    assert_eq!(stored[0].name.as_deref(), Some("anna"));
    assert!(
        stored
            .iter()
            .all(|c| c.presence == Availability::Offline && c.status.is_none())
    );

    let mut carl = contact("carl@example.org", Some("Carl B."), &[]);
    carl.subscription = "to".to_owned();
    s.upsert_contact(&carl).unwrap();
    s.upsert_contact(&contact("abe@example.org", None, &[]))
        .unwrap();
    s.remove_contact("bert@example.org").unwrap();
    assert_eq!(
        s.subscription("carl@example.org").unwrap().as_deref(),
        Some("to")
    );
    assert_eq!(s.subscription("bert@example.org").unwrap(), None);
    s.remove_contact("unknown@example.org").unwrap();
    s.set_roster_version(Some("v2")).unwrap();
    assert_eq!(
        jids(&s),
        ["abe@example.org", "zed@example.org", "carl@example.org"]
    );
    let stored_carl = s
        .contacts()
        .unwrap()
        .into_iter()
        .find(|c| c.jid == carl.jid)
        .unwrap();
    assert_eq!(stored_carl.subscription, "to");
    assert_eq!(stored_carl.name.as_deref(), Some("Carl B."));
    assert!(stored_carl.groups.is_empty());
    assert_eq!(s.roster_version().unwrap().as_deref(), Some("v2"));

    s.replace_roster(&[contact("new@example.org", None, &[])], None)
        .unwrap();
    assert_eq!(jids(&s), ["new@example.org"]);
    assert_eq!(s.roster_version().unwrap(), None);
}

#[test]
fn file_store_keeps_data_across_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.sqlite");
    {
        let mut s = Store::open(&path).unwrap();
        s.insert_message(&incoming("m1", "alice@example.org", 1))
            .unwrap()
            .unwrap();
        s.replace_roster(&[contact("alice@example.org", None, &[])], Some("v7"))
            .unwrap();
        let mode: String = s
            .conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
    }
    let s = Store::open(&path).unwrap();
    assert_eq!(
        ids(&s.history("alice@example.org", 10, None).unwrap()),
        ["m1"]
    );
    assert_eq!(s.unread_total().unwrap(), 1);
    assert_eq!(jids(&s), ["alice@example.org"]);
    assert_eq!(s.roster_version().unwrap().as_deref(), Some("v7"));
    let version: u32 = s
        .conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION);
}

#[test]
fn newer_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.sqlite");
    let newer = SCHEMA_VERSION + 1;
    {
        // A file from a future version, in rollback-journal mode.
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(&format!(
            "CREATE TABLE future (x); PRAGMA user_version = {newer};"
        ))
        .unwrap();
    }
    let err = Store::open(&path).unwrap_err();
    let StoreError::TooNew {
        found, supported, ..
    } = &err
    else {
        panic!("expected TooNew, got {err:?}");
    };
    assert_eq!((*found, *supported), (i64::from(newer), SCHEMA_VERSION));
    assert!(err.to_string().contains("store.sqlite"), "{err}");
    // Refused untouched: not even switched to WAL.
    let conn = rusqlite::Connection::open(&path).unwrap();
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "delete");
}

#[test]
fn garbage_file_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    // (SQLite treats a file shorter than its 100-byte header as empty, so a
    // truncated stub is reinitialised rather than refused.)
    for size in [100usize, 512, 4096, 65536] {
        let path = dir.path().join(format!("garbage-{size}.sqlite"));
        let bytes: Vec<u8> = (0..size).map(|i| (i * 31 + 7) as u8).collect();
        std::fs::write(&path, &bytes).unwrap();
        let err = Store::open(&path).unwrap_err();
        assert!(
            matches!(err, StoreError::Open { .. }),
            "size {size}: {err:?}"
        );
        assert!(err.to_string().contains("garbage"), "{err}");
    }
}

#[test]
fn undecodable_row_is_an_error_not_a_panic() {
    let mut s = mem();
    s.insert_message(&incoming("m", "alice@example.org", 1))
        .unwrap();
    s.conn
        .execute("UPDATE message SET state = 'bogus'", [])
        .unwrap();
    assert!(s.message("m").is_err());
    s.conn
        .execute("UPDATE message SET state = 'received', ts = ?1", [i64::MAX])
        .unwrap();
    assert!(s.history("alice@example.org", 10, None).is_err());
    s.replace_roster(&[contact("a@example.org", None, &[])], None)
        .unwrap();
    s.conn
        .execute("UPDATE contact SET groups = 'not json'", [])
        .unwrap();
    assert!(s.contacts().is_err());
}

#[test]
fn full_text_index_follows_messages() {
    let mut s = mem();
    let mut m = incoming("m", "alice@example.org", 1);
    m.body = "Meet at the harbour tomorrow";
    let seq = s.insert_message(&m).unwrap().unwrap().seq;
    let search = |s: &Store, q: &str| -> Vec<i64> {
        let mut stmt = s
            .conn
            .prepare("SELECT rowid FROM message_fts WHERE message_fts MATCH ?1")
            .unwrap();
        stmt.query_map([q], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    assert_eq!(search(&s, "harbour"), [seq]);
    s.set_state("m", MessageState::Read, None).unwrap();
    s.conn
        .execute("UPDATE message SET body = 'changed text'", [])
        .unwrap();
    assert!(search(&s, "harbour").is_empty());
    assert_eq!(search(&s, "changed"), [seq]);
    s.conn.execute("DELETE FROM message", []).unwrap();
    assert!(search(&s, "changed").is_empty());
}

#[test]
fn search_finds_words_and_never_breaks_on_query_syntax() {
    let mut s = mem();
    let mut a = incoming("a", "alice@example.org", 1);
    a.body = "Meet at the harbour tomorrow";
    let mut b = incoming("b", "bob@example.org", 2);
    b.body = "Harbourmaster says: \"no boats\" (OR NOT)";
    s.insert_messages(&[a, b]).unwrap();
    let ids =
        |q: &str| -> Vec<String> { s.search(q, 10).unwrap().into_iter().map(|m| m.id).collect() };
    assert_eq!(ids("harbour"), ["b", "a"], "prefix match, newest first");
    assert_eq!(ids("harbour tomorrow"), ["a"], "all words");
    assert!(ids("   ").is_empty());
    // FTS5 operators and quotes typed by the user are just text.
    for q in ["\"no boats\"", "(OR NOT)", "NEAR(", "*", "a\"b"] {
        assert!(s.search(q, 10).is_ok(), "{q}");
    }
    assert_eq!(ids("\"no"), ["b"]);
}

fn query_plan(s: &Store, sql: &str, n_params: usize) -> Vec<String> {
    let params: Vec<i64> = (0..n_params as i64).collect();
    let mut stmt = s
        .conn
        .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
        .unwrap();
    let rows = stmt.query_map(rusqlite::params_from_iter(params), |r| {
        r.get::<_, String>(3)
    });
    rows.unwrap().collect::<Result<_, _>>().unwrap()
}

#[test]
fn history_uses_the_paging_index() {
    let s = mem();
    for (sql, n) in [
        (store_messages::HISTORY_NEWEST, 2),
        (store_messages::HISTORY_BEFORE, 3),
        (store_messages::HISTORY_AFTER, 3),
    ] {
        let plan = query_plan(&s, sql, n);
        eprintln!("{plan:#?}");
        assert!(plan.iter().any(|l| l.contains("message_page")), "{plan:#?}");
        // No sort step: rows come out of the index in order, so LIMIT stops early.
        assert!(!plan.iter().any(|l| l.contains("TEMP B-TREE")), "{plan:#?}");
    }
}

/// Both unread counts of the conversation list come from the unread index
/// alone (covering), never from the message rows.
#[test]
fn the_conversation_list_counts_from_the_unread_index() {
    let s = mem();
    let plan = query_plan(&s, store_messages::CONVERSATIONS, 0);
    let counts: Vec<&String> = plan
        .iter()
        .filter(|l| l.contains("message_unread"))
        .collect();
    assert_eq!(counts.len(), 2, "{plan:#?}");
    assert!(
        counts.iter().all(|l| l.contains("COVERING INDEX")),
        "{plan:#?}"
    );
}

/// Lookups by origin-id (signals, replies, dedup) use the one origin-id
/// index, never a scan of the conversation.
#[test]
fn origin_id_lookups_use_the_dedup_index() {
    let s = mem();
    for (sql, n) in [
        (
            "SELECT seq FROM message WHERE conversation_id = ?1 AND origin_id = ?2",
            2,
        ),
        (
            "SELECT seq FROM message WHERE conversation_id = ?1 AND direction = 'in' \
             AND sender_bare = ?2 AND origin_id = ?3",
            3,
        ),
    ] {
        let plan = query_plan(&s, sql, n);
        assert!(
            plan.iter()
                .any(|l| l.contains("INDEX message_origin_id (conversation_id=? AND origin_id=?")),
            "{plan:#?}"
        );
    }
}

/// A database written by schema version 1 (committed fixture, made with the
/// V1 schema and a few rows) opens, migrates and keeps its data.
#[test]
fn version_1_database_migrates() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite");
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src/store/tests/fixtures/v1.sqlite"
        ),
        &path,
    )
    .unwrap();
    let s = Store::open(&path).unwrap();
    let history = s.history("bob@example.org", 10, None).unwrap();
    assert_eq!(ids(&history), ["in1", "out1", "out2"]);
    // Version 2 sends unacked messages again: both are in the outbox now.
    assert_eq!(ids(&s.outbox().unwrap()), ["out1", "out2"]);
    assert!(!s.archive_exhausted("bob@example.org").unwrap());
    assert_eq!(s.roster_version().unwrap().as_deref(), Some("v1-roster"));
    assert_eq!(s.unread_total().unwrap(), 1);
}

/// A database written by schema version 6 (the last before group chats;
/// committed fixture made with the V1–V6 steps and rows in every table)
/// migrates to the newest version with its data intact.
#[test]
fn version_6_database_migrates() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite");
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src/store/tests/fixtures/v6.sqlite"
        ),
        &path,
    )
    .unwrap();
    let mut s = Store::open(&path).unwrap();
    let version: u32 = s
        .conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION);
    let history = s.history("bob@example.org", 10, None).unwrap();
    assert_eq!(ids(&history), ["in1", "out1", "file1"]);
    let first = &history[0];
    assert_eq!(first.body, "hello from v6");
    assert_eq!(first.original_body.as_deref(), Some("helo from v6"));
    assert!(first.edited && !first.mention && first.moderated_by.is_none());
    assert_eq!(
        history[1].reply_to.as_ref().and_then(|q| q.id.as_deref()),
        Some("in1")
    );
    let file = history[2].file.as_ref().unwrap();
    assert_eq!((file.name.as_str(), file.size), ("cat.png", Some(1234)));
    let reacted = s.message_full("in1").unwrap().unwrap();
    assert_eq!(reacted.reactions.len(), 1);
    assert!(reacted.reactions[0].own);
    // Conversations are chats; their settings are kept.
    let list = s.conversations().unwrap();
    assert_eq!(list.len(), 2);
    assert!(
        list.iter()
            .all(|c| c.kind == crate::api::ConversationKind::Chat)
    );
    assert!(
        list.iter()
            .any(|c| c.with == "carol@example.org" && c.muted)
    );
    assert!(s.archive_exhausted("bob@example.org").unwrap());
    assert!(s.rooms().unwrap().is_empty());
    assert_eq!(s.roster_version().unwrap().as_deref(), Some("v6-roster"));
    assert_eq!(s.contacts().unwrap()[0].name.as_deref(), Some("Bob"));
    assert_eq!(
        s.peer("bob@example.org").unwrap().nick.as_deref(),
        Some("bobby")
    );
    assert_eq!(s.stable_resource().unwrap(), "plausch-0000beef");
    assert_eq!(ids(&s.search("lighthouse", 10).unwrap()), ["in2"]);
    // The new tables and columns work on the old data.
    s.ensure_room("team@conference.example.org").unwrap();
    assert!(s.is_room("team@conference.example.org").unwrap());
    let moderated = s
        .moderate("in2", "team@conference.example.org/mod", Some("spam"))
        .unwrap()
        .unwrap();
    assert!(moderated.retracted && moderated.body.is_empty());
    assert_eq!(moderated.moderation_reason.as_deref(), Some("spam"));
}

/// Every message of a batch and of an older page is in the full-text index
/// (filled per batch since schema version 6), duplicates are not indexed twice.
#[test]
fn batches_and_older_pages_are_searchable() {
    let mut s = mem();
    let mut a = incoming("a", "bob@example.org", 10);
    a.body = "lighthouse keeper";
    let mut b = incoming("b", "carol@example.org", 11);
    b.body = "harbour master";
    s.insert_messages(&[a.clone(), b]).unwrap();
    let mut old = incoming("o", "bob@example.org", 1);
    old.body = "ancient lighthouse";
    s.insert_older(&[old]).unwrap();
    s.insert_messages(&[a]).unwrap();
    let found = |q: &str| -> Vec<String> {
        let mut ids: Vec<String> = s.search(q, 10).unwrap().into_iter().map(|m| m.id).collect();
        ids.sort();
        ids
    };
    assert_eq!(found("lighthouse"), ["a", "o"]);
    assert_eq!(found("harbour"), ["b"]);
}
