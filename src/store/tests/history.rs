//! Deleting history here (one message, a conversation, retention) and
//! reading it end to end for an export.

use super::*;
use crate::store::{FileUpdate, NewFile};

fn fts_rows(s: &Store) -> i64 {
    s.conn
        .query_row(
            "SELECT count(*) FROM message_fts WHERE message_fts MATCH 'alt OR neu OR foto'",
            [],
            |r| r.get(0),
        )
        .unwrap()
}

fn with_body<'a>(m: NewMessage<'a>, body: &'a str) -> NewMessage<'a> {
    NewMessage { body, ..m }
}

#[test]
fn deleting_leaves_nothing_in_the_index_and_names_the_files() {
    let mut s = mem();
    let file = NewFile {
        name: "foto.jpg".into(),
        size: Some(3),
        media_type: Some("image/jpeg".into()),
        url: Some("https://x/foto.jpg".into()),
        sha256: None,
        source: None,
        transfer: crate::api::TransferState::Available,
    };
    s.insert_messages(&[
        with_body(incoming("a1", "bob@x", 1), "alt eins"),
        with_body(incoming("a2", "bob@x", 2), "alt zwei"),
        NewMessage {
            file: Some(&file),
            ..with_body(incoming("f1", "bob@x", 3), "foto")
        },
        with_body(incoming("n1", "carol@x", 4), "neu"),
    ])
    .unwrap();
    s.update_file(
        "f1",
        &FileUpdate {
            path: Some("/dl/foto.jpg"),
            thumbnail: Some("/thumbs/f1.png"),
            ..FileUpdate::default()
        },
    )
    .unwrap();
    assert_eq!(fts_rows(&s), 4);

    let (with, one) = s.delete_message("a1").unwrap().unwrap();
    assert_eq!((with.as_str(), one.messages), ("bob@x", 1));
    assert!(s.delete_message("a1").unwrap().is_none(), "gone");
    assert_eq!(fts_rows(&s), 3);

    let all = s.delete_conversation("bob@x").unwrap();
    assert_eq!(all.messages, 2);
    assert_eq!(
        all.files,
        vec![
            std::path::PathBuf::from("/dl/foto.jpg"),
            std::path::PathBuf::from("/thumbs/f1.png")
        ]
    );
    assert_eq!(fts_rows(&s), 1);
    assert!(s.history("bob@x", 50, None).unwrap().is_empty());
    // Opening it again does not fetch the archive's copy back.
    assert!(s.archive_exhausted("bob@x").unwrap());
    assert!(!s.archive_exhausted("carol@x").unwrap());
    // The conversation keeps its place in the list.
    assert!(
        s.conversation_jids()
            .unwrap()
            .contains(&("bob@x".to_owned(), false))
    );
    let count: i64 = s
        .conn
        .query_row("SELECT count(*) FROM attachment", [], |r| r.get(0))
        .unwrap();
    assert_eq!(count, 0);
}

#[test]
fn retention_deletes_what_is_older_with_a_clock_moved_by_hand() {
    let mut s = mem();
    s.insert_messages(&[
        with_body(incoming("old", "bob@x", 0), "alt"),
        with_body(incoming("new", "bob@x", 10 * 86_400), "neu"),
        // Ours, not sent yet: never deleted by retention.
        with_body(outgoing("queued", "bob@x", 1), "alt unsent"),
    ])
    .unwrap();
    // "Now" is 15 days after the first message; keep 7 days.
    let now = ts(15 * 86_400);
    let gone = s
        .delete_older_than(now - chrono::Duration::days(7))
        .unwrap();
    assert_eq!(gone.messages, 1);
    assert_eq!(
        ids(&s.history("bob@x", 50, None).unwrap()),
        ["queued", "new"]
    );
    let gone = s.delete_older_than(now).unwrap();
    assert_eq!(gone.messages, 1, "the queued message stays");
    assert_eq!(fts_rows(&s), 1);
}

#[test]
fn an_export_reads_every_message_in_order_from_a_second_connection() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite");
    let mut s = Store::open(&path).unwrap();
    let bodies: Vec<String> = (0..2500).map(|i| format!("Nachricht {i}")).collect();
    let ids: Vec<String> = (0..2500).map(|i| format!("m{i}")).collect();
    let rows: Vec<NewMessage> = ids
        .iter()
        .zip(&bodies)
        .enumerate()
        .map(|(i, (id, body))| with_body(incoming(id, "bob@x", i as i64), body))
        .collect();
    s.insert_messages(&rows).unwrap();
    let reader = Store::open_read_only(&path).unwrap();
    assert_eq!(
        reader.conversation_jids().unwrap(),
        [("bob@x".to_owned(), false)]
    );
    let mut seen = Vec::new();
    let n = reader
        .each_message::<crate::store::StoreError>("bob@x", |m| {
            seen.push(m.body);
            Ok(())
        })
        .unwrap();
    assert_eq!(n, 2500);
    assert_eq!(seen, bodies);
    // The reader writes nothing.
    assert!(reader.conn.execute("DELETE FROM message", []).is_err());
    drop(s);
}
