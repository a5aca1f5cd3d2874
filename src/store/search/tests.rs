//! Search with filters over a small store: 1:1 chats, a room, our own
//! messages, corrections, retractions and moderation.

use chrono::{DateTime, Local, NaiveDate, TimeZone, Utc};

use super::BLOCK_BITS;

use crate::api::{Contact, Direction, MessageState};
use crate::store::{NewMessage, Store};

const ALICE: &str = "alice@example.org";
const BOB: &str = "bob@example.org";
const ROOM: &str = "team@muc.example.org";
const ME: &str = "me@example.org/laptop";

/// Noon (local time) of a day in March 2026, plus `secs`.
fn at(day: u32, secs: i64) -> DateTime<Utc> {
    let noon = NaiveDate::from_ymd_opt(2026, 3, day)
        .unwrap()
        .and_hms_opt(12, 0, 0)
        .unwrap();
    Local
        .from_local_datetime(&noon)
        .earliest()
        .unwrap()
        .with_timezone(&Utc)
        + chrono::TimeDelta::seconds(secs)
}

fn msg<'a>(id: &'a str, with: &'a str, sender: &'a str, body: &'a str, day: u32) -> NewMessage<'a> {
    let (direction, state) = match sender == ME {
        true => (Direction::Out, MessageState::Acked),
        false => (Direction::In, MessageState::Received),
    };
    NewMessage::text(id, with, direction, sender, body, at(day, 0), state)
}

fn store() -> Store {
    let mut s = Store::open_in_memory().unwrap();
    s.ensure_room(ROOM).unwrap();
    s.set_room_bookmark(ROOM, Some("Team Room"), Some("me"), true)
        .unwrap();
    let contact = Contact {
        jid: ALICE.to_owned(),
        name: Some("Alice Liddell".to_owned()),
        subscription: "both".to_owned(),
        ..Default::default()
    };
    s.replace_roster(&[contact], None).unwrap();
    let alice_phone = format!("{ALICE}/phone");
    let bob_pc = format!("{BOB}/pc");
    let carol = format!("{ROOM}/carol");
    let dave = format!("{ROOM}/dave");
    s.insert_messages(&[
        msg("a1", ALICE, &alice_phone, "Meet at the harbour tomorrow", 1),
        msg("a2", ALICE, ME, "The harbour is closed on Sundays", 2),
        msg("b1", BOB, &bob_pc, "Harbourmaster says hello", 3),
        msg("r1", ROOM, &carol, "harbour meeting moved to Friday", 4),
        msg("r2", ROOM, &dave, "harbour photos are online", 5),
        msg("r3", ROOM, &carol, "Grüße aus dem Hafen 東京", 6),
    ])
    .unwrap();
    s
}

fn ids(s: &Store, q: &str) -> Vec<String> {
    s.search(q, 50).unwrap().into_iter().map(|m| m.id).collect()
}

#[test]
fn words_match_as_prefixes_newest_first() {
    let s = store();
    assert_eq!(ids(&s, "harbour"), ["r2", "r1", "b1", "a2", "a1"]);
    assert_eq!(ids(&s, "harb mee"), ["r1", "a1"]);
    assert_eq!(ids(&s, "grü hafen"), ["r3"]);
    assert_eq!(ids(&s, "東京"), ["r3"]);
    assert_eq!(ids(&s, "\"harbour is\""), ["a2"], "a phrase");
    assert!(ids(&s, "   ").is_empty());
    assert_eq!(s.search("harbour", 2).unwrap().len(), 2, "the limit");
}

#[test]
fn filters_narrow_the_results() {
    let s = store();
    assert_eq!(ids(&s, "harbour with:alice@example.org"), ["a2", "a1"]);
    assert_eq!(ids(&s, "harbour in:ALICE@example.org"), ["a2", "a1"]);
    assert_eq!(ids(&s, "harbour in:\"Alice Liddell\""), ["a2", "a1"]);
    assert_eq!(ids(&s, "harbour in:\"team room\""), ["r2", "r1"]);
    assert_eq!(ids(&s, "harbour from:alice@example.org"), ["a1"]);
    assert_eq!(ids(&s, "harbour from:\"alice liddell\""), ["a1"]);
    assert_eq!(ids(&s, "harbour from:me@example.org"), ["a2"]);
    assert_eq!(ids(&s, "from:carol"), ["r3", "r1"], "a nick, no words");
    assert_eq!(ids(&s, "from:carol in:team@muc.example.org harb"), ["r1"]);
    // A resource of a 1:1 contact is no nick.
    assert!(ids(&s, "from:phone").is_empty());
    assert_eq!(ids(&s, "harbour after:2026-03-03"), ["r2", "r1", "b1"]);
    assert_eq!(ids(&s, "harbour before:2026-03-03"), ["a2", "a1"]);
    assert_eq!(
        ids(&s, "harbour after:2026-03-02 before:2026-03-04"),
        ["b1", "a2"]
    );
    assert!(ids(&s, "harbour with:nobody@example.org").is_empty());
    // Filters only being typed do not change anything yet.
    assert_eq!(ids(&s, "harbour before:2026-0").len(), 5);
    assert_eq!(ids(&s, "harbour from:").len(), 5);
}

#[test]
fn a_name_shared_by_several_conversations_finds_them_all() {
    let mut s = store();
    s.set_room_bookmark(ROOM, Some("Alice Liddell"), None, true)
        .unwrap();
    assert_eq!(
        ids(&s, "harbour in:\"alice liddell\""),
        ["r2", "r1", "a2", "a1"]
    );
}

#[test]
fn hostile_queries_are_text() {
    let mut s = store();
    let x = format!("{BOB}/pc");
    s.insert_messages(&[msg(
        "q1",
        BOB,
        &x,
        "he said \"NEAR(x)\" OR NOT * ^col: {a}",
        7,
    )])
    .unwrap();
    for q in [
        "\"",
        "*",
        "\"\"",
        "NEAR(",
        "NEAR(x",
        "OR",
        "AND NOT",
        "a OR",
        "col:x",
        "{a}",
        "^",
        "'; DROP TABLE message; --",
        "from:\"",
        "in:\"'\"",
        "🎉",
        "\u{0}",
        "x\u{202e}y",
    ] {
        assert!(s.search(q, 10).is_ok(), "{q:?}");
    }
    assert_eq!(ids(&s, "NEAR"), ["q1"]);
    assert_eq!(ids(&s, "OR NOT"), ["q1"]);
    assert_eq!(ids(&s, "\"NEAR(x)\""), ["q1"]);
    assert_eq!(ids(&s, "from:'; DROP TABLE message; --").len(), 0);
    assert_eq!(ids(&s, "harbour").len(), 5, "the table is still there");
}

#[test]
fn corrected_retracted_and_moderated_messages() {
    let mut s = store();
    s.correct("a2", "The marina is closed on Sundays").unwrap();
    assert_eq!(ids(&s, "marina"), ["a2"], "found by the current text");
    assert_eq!(ids(&s, "harbour closed").len(), 0, "not by the first text");
    s.retract("b1").unwrap();
    s.moderate("r2", "team@muc.example.org/mod", Some("spam"))
        .unwrap();
    assert_eq!(ids(&s, "harbour"), ["r1", "a1"]);
    // Even an index entry that was left behind does not bring them back.
    s.conn
        .execute(
            "INSERT INTO message_fts (rowid, body) SELECT seq, 'harbour' FROM message \
             WHERE retracted = 1",
            [],
        )
        .unwrap();
    assert_eq!(ids(&s, "harbour"), ["r1", "a1"]);
}

#[test]
fn many_matches_come_newest_first_like_a_full_sort() {
    newest_first_like_a_full_sort(1500);
}

/// Over several blocks of `message_block`, with older pages stored after
/// newer ones and a message moved to a later time after it was stored.
#[test]
fn very_many_matches_come_newest_first_like_a_full_sort() {
    newest_first_like_a_full_sort(3 * (1 << BLOCK_BITS) + 500);
}

fn newest_first_like_a_full_sort(n: usize) {
    let mut s = store();
    let withs = [ALICE, BOB, ROOM];
    let senders: Vec<String> = withs.iter().map(|w| format!("{w}/x")).collect();
    let ids: Vec<String> = (0..n).map(|i| format!("c{i}")).collect();
    let bodies: Vec<String> = (0..n).map(|i| format!("common word{i}")).collect();
    // First a message from far in the future (lowest seq, newest time),
    // then many, then older history fetched later (higher seq, old times).
    let mut batch: Vec<NewMessage> = (0..n)
        .map(|i| {
            let mut m = msg(&ids[i], withs[i % 3], &senders[i % 3], &bodies[i], 10);
            m.timestamp = at(10, i as i64);
            m
        })
        .collect();
    batch[0].timestamp = at(28, 0);
    let (live, older) = batch.split_at(n * 4 / 5);
    s.insert_messages(live).unwrap();
    let mut older = older.to_vec();
    for (k, m) in older.iter_mut().enumerate() {
        m.timestamp = at(8, k as i64);
    }
    s.insert_older(&older).unwrap();
    // A message of the oldest page, moved (as a catch-up moves one) to
    // the newest time but one.
    s.conn
        .execute(
            "UPDATE message SET ts = ?1 WHERE id = ?2",
            (at(27, 0).timestamp_millis(), &ids[n - 1]),
        )
        .unwrap();
    let expected = |filter: &str| -> Vec<String> {
        let sql = format!(
            "SELECT m.id FROM message m JOIN conversation c ON c.id = m.conversation_id \
             WHERE m.body LIKE '%common%' AND m.retracted = 0 {filter} \
             ORDER BY m.ts DESC, m.pos DESC LIMIT 50"
        );
        let mut stmt = s.conn.prepare(&sql).unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let got = ids_of(&s, "common");
    assert_eq!(got[0], "c0", "the newest by time, though stored first");
    assert_eq!(got[1], ids[n - 1], "moved after it was stored");
    assert_eq!(got, expected(""));
    assert_eq!(
        ids_of(&s, &format!("comm with:{BOB}")),
        expected(&format!("AND c.jid = '{BOB}'"))
    );
    assert_eq!(
        ids_of(&s, "common before:2026-03-10"),
        expected(&format!(
            "AND m.ts < {}",
            at(10, 0).timestamp_millis() - 12 * 3_600_000
        ))
    );
}

fn ids_of(s: &Store, q: &str) -> Vec<String> {
    ids(s, q)
}
