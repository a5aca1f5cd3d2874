//! Storing new messages: dedup against what is stored, placing them in
//! time (live, archive catch-up, older pages), one transaction a batch.

use std::collections::{HashMap, VecDeque};

use chrono::DateTime;
use rusqlite::types::Type;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::messages::{record_by_id, record_by_seq};
use super::{NewMessage, Store, StoreError, bad_value, bare_jid, direction_str};
use crate::api::{Direction, MessageRecord, MessageState, Quote};

/// What became of one message handed to `Store::insert_messages`.
#[derive(Debug, Clone, PartialEq)]
pub enum Inserted {
    New(MessageRecord),
    /// Already stored; nothing changed that a front-end would show.
    Duplicate,
    /// Already stored as our own unconfirmed message, now confirmed by the
    /// server (state moved to acked).
    Confirmed(MessageRecord),
    /// Already stored, but out of the archive's order: an archive catch-up
    /// moved it to its place (new time and `pos`), which front-ends showing
    /// it must follow.
    Moved(MessageRecord),
}

/// Which way a batch extends a conversation in time.
#[derive(Debug, Clone, Copy)]
enum Order<'a> {
    /// Newer than what is there (live): arrival order counts.
    Forward,
    /// An archive catch-up after a fresh session: like `Forward`, but the
    /// server archived all of it before the live messages of the new
    /// session, so it goes before them (`LiveSince`).
    CatchUp(&'a LiveSince),
    /// Older pages fetched while scrolling back.
    Backward,
}

/// The time of the earliest message stored live in each conversation
/// (bare JID) since the current session began.
pub type LiveSince = HashMap<String, i64>;

/// What a running archive catch-up has stored, per conversation, since the
/// last of its results from someone else that was already stored:
/// `(seq, ts)` in the archive's order. Kept across the catch-up's pages (`CatchUpTrail::new`
/// at its start).
///
/// A gap fetched only in a later session (or after a restart) is not
/// covered by `LiveSince`: its whole-second stamps would put it after the
/// messages stored live in that second, which the archive has after it.
/// The archive then also returns those live messages (the cursor moves
/// only with the catch-up), as duplicates; each new message before such a
/// duplicate in the archive's order is moved just before it.
///
/// The stored messages themselves can be out of the archive's order too:
/// after a server restart Prosody delivered messages again late, in blocks
/// in the wrong order (soak finding 9). A stored result placed before the
/// previous one is moved just after it, with the new ones between them.
#[derive(Debug, Default)]
pub struct CatchUpTrail {
    fresh: HashMap<i64, VecDeque<(i64, i64)>>,
    /// Per conversation, the place `(ts, pos)` of the last result from
    /// someone else that was stored already: the trail lies after it.
    previous: HashMap<i64, (i64, i64)>,
    /// The catch-up's cursor was looked at (once, before its first page).
    seeded: bool,
}

/// New messages a trail remembers per conversation; a longer gap keeps
/// its newest ones (the only ones whose stamps can meet live messages).
const TRAIL_CAP: usize = 1000;

impl CatchUpTrail {
    pub fn new() -> Self {
        Self::default()
    }

    /// The archive has every result of a catch-up after the message its
    /// cursor names (the last result of the catch-up before), so that
    /// message's place is where the trail of its conversation begins: a
    /// server that stamps to the millisecond (Prosody 13) can stamp the next
    /// result earlier than our clock stamped that message when it came
    /// live (the delivery's delay), which put the result before it.
    fn seed_from_cursor(&mut self, tx: &Connection) -> Result<(), StoreError> {
        // Only where the catch-up began: later pages' cursor is this
        // catch-up's own last result, which the trail knows already.
        if std::mem::replace(&mut self.seeded, true) {
            return Ok(());
        }
        let Some(cursor) = super::meta(tx, super::archive::ARCHIVE_CURSOR_KEY)? else {
            return Ok(());
        };
        let place = tx
            .prepare_cached(
                "SELECT conversation_id, ts, coalesce(pos, seq) FROM message WHERE server_id = ?1",
            )?
            .query_row([cursor], |r| {
                Ok((r.get::<_, i64>(0)?, (r.get(1)?, r.get(2)?)))
            })
            .optional()?;
        if let Some((conversation_id, place)) = place {
            self.previous.entry(conversation_id).or_insert(place);
        }
        Ok(())
    }

    fn stored_new(&mut self, conversation_id: i64, seq: i64, ts: i64) {
        let fresh = self.fresh.entry(conversation_id).or_default();
        if fresh.len() == TRAIL_CAP {
            fresh.pop_front();
        }
        fresh.push_back((seq, ts));
    }
}

/// The timestamp to store. Many servers (Prosody among them) stamp delayed
/// and archived messages in whole seconds, while live messages get our
/// millisecond clock; within such a second only the arrival order is known.
/// A newly arriving whole-second stamp is therefore placed after the
/// messages already stored in that second. (Older pages keep their stamps:
/// their `pos` puts them first among equal times.) A catch-up message is
/// then moved before the new session's live messages, which the archive
/// has after it; among themselves catch-up messages keep their order by
/// `pos`.
fn place(
    tx: &Connection,
    batch: &mut Batch,
    conversation_id: i64,
    with: &str,
    ts: i64,
    order: Order,
) -> rusqlite::Result<i64> {
    let placed = match order {
        Order::Backward => return Ok(ts),
        _ if ts.rem_euclid(1000) != 0 => ts,
        // Usually the newest message of the conversation: nothing stored in
        // its second yet, known without a query per message.
        _ if batch.newest(tx, conversation_id)?.is_none_or(|n| n < ts) => ts,
        _ => {
            let neighbour: Option<i64> = tx
                .prepare_cached(
                    "SELECT max(ts) FROM message WHERE conversation_id = ?1 \
                     AND ts BETWEEN ?2 AND ?2 + 999",
                )?
                .query_row(params![conversation_id, ts], |r| r.get(0))?;
            neighbour.map_or(ts, |n| ts.max(n))
        }
    };
    Ok(match order {
        Order::CatchUp(live) => match live.get(with) {
            Some(&first_live) if placed >= first_live => first_live - 1,
            _ => placed,
        },
        _ => placed,
    })
}

/// `meta` key of the counter that older pages take their `pos` from.
const OLDER_POS_KEY: &str = "older_pos";

/// What one batch has looked up or changed, so each message costs little
/// more than its own row: conversation ids, the newest time per
/// conversation (written once at the end), the older-page counter.
#[derive(Default)]
struct Batch {
    conversations: HashMap<String, i64>,
    activity: HashMap<i64, i64>,
    older_pos: Option<i64>,
    /// The first seq this batch stored (seqs only grow: every later row of
    /// the batch has a higher one).
    first_new: Option<i64>,
    /// The newest stored time per conversation (None: empty), read once
    /// per batch and kept up to date by its inserts.
    newest: HashMap<i64, Option<i64>>,
}

impl Batch {
    fn conversation(&mut self, tx: &Connection, jid: &str) -> rusqlite::Result<i64> {
        if let Some(id) = self.conversations.get(jid) {
            return Ok(*id);
        }
        let found: Option<i64> = tx
            .prepare_cached("SELECT id FROM conversation WHERE jid = ?1")?
            .query_row([jid], |r| r.get(0))
            .optional()?;
        let id = match found {
            Some(id) => id,
            None => tx
                .prepare_cached("INSERT INTO conversation (jid) VALUES (?1) RETURNING id")?
                .query_row([jid], |r| r.get(0))?,
        };
        self.conversations.insert(jid.to_owned(), id);
        Ok(id)
    }

    fn newest(&mut self, tx: &Connection, conversation_id: i64) -> rusqlite::Result<Option<i64>> {
        if let Some(n) = self.newest.get(&conversation_id) {
            return Ok(*n);
        }
        let n: Option<i64> = tx
            .prepare_cached("SELECT max(ts) FROM message WHERE conversation_id = ?1")?
            .query_row([conversation_id], |r| r.get(0))?;
        self.newest.insert(conversation_id, n);
        Ok(n)
    }

    /// A message with time `ts` was stored in the conversation.
    fn stored(&mut self, conversation_id: i64, ts: i64) {
        let newest = self.activity.entry(conversation_id).or_insert(ts);
        *newest = (*newest).max(ts);
        if let Some(known) = self.newest.get_mut(&conversation_id) {
            *known = Some(known.map_or(ts, |k| k.max(ts)));
        }
    }

    /// The sort position of an older page's next message: the next lower
    /// value of a decreasing counter. (Arriving messages take their seq.)
    fn next_older_pos(&mut self, tx: &Connection) -> Result<i64, StoreError> {
        let current = match self.older_pos {
            Some(p) => p,
            None => super::meta(tx, OLDER_POS_KEY)?
                .and_then(|v| v.parse::<i64>().ok())
                .unwrap_or(0),
        };
        self.older_pos = Some(current - 1);
        Ok(current - 1)
    }

    /// Writes what was collected: conversation activity, the counter.
    fn finish(self, tx: &Connection) -> Result<(), StoreError> {
        // Activity is the newest message time, so archive backfill of old
        // messages does not move a conversation to the top.
        let mut update = tx.prepare_cached(
            "UPDATE conversation SET last_activity = max(coalesce(last_activity, ?2), ?2) \
             WHERE id = ?1",
        )?;
        for (conversation, ts) in &self.activity {
            update.execute(params![conversation, ts])?;
        }
        if let Some(pos) = self.older_pos {
            super::set_meta(tx, OLDER_POS_KEY, Some(&pos.to_string()))?;
        }
        // Last, and for the whole batch in one statement (schema version 6):
        // once the full-text table is part of the transaction, FTS5 writes
        // its pending terms to disk at every statement savepoint, and each
        // message INSERT opens one.
        if let Some(first) = self.first_new {
            tx.prepare_cached(
                "INSERT INTO message_fts (rowid, body) SELECT seq, body FROM message WHERE seq >= ?1",
            )?
            .execute([first])?;
            // The blocks' newest times for search (schema version 14).
            tx.prepare_cached(
                "INSERT INTO message_block (block, max_ts) \
                 SELECT seq >> 12, max(ts) FROM message WHERE seq >= ?1 GROUP BY 1 \
                 ON CONFLICT (block) DO UPDATE SET max_ts = max(max_ts, excluded.max_ts)",
            )?
            .execute([first])?;
        }
        Ok(())
    }
}

/// The quoted message of a reply, as `record_from_row` reads it: named by
/// the room's stanza-id in rooms (XEP-0461), by its origin-id in chats.
fn quote(tx: &Connection, conversation_id: i64, reply_to: &str) -> rusqlite::Result<Quote> {
    let found = tx
        .prepare_cached(
            // The same rule as the quote in `select_record!`.
            "SELECT id, body FROM message WHERE seq = coalesce( \
             (SELECT seq FROM message WHERE server_id = ?2 AND conversation_id = ?1), \
             (SELECT seq FROM message WHERE conversation_id = ?1 AND origin_id = ?2 LIMIT 1))",
        )?
        .query_row(params![conversation_id, reply_to], |r| {
            Ok(Quote {
                id: r.get(0)?,
                body: r.get(1)?,
            })
        })
        .optional()?;
    Ok(found.unwrap_or(Quote {
        id: None,
        body: None,
    }))
}

/// Who wrote a message, as its origin-id is scoped: the bare JID, or in a
/// room the occupant id (nicknames change hands).
fn sender_key<'a>(m: &NewMessage<'a>) -> std::borrow::Cow<'a, str> {
    match m.occupant_id {
        Some(o) => format!("{}#{o}", bare_jid(m.sender)).into(),
        None => bare_jid(m.sender).into(),
    }
}

fn insert_one(
    tx: &Connection,
    m: &NewMessage,
    order: Order,
    batch: &mut Batch,
) -> Result<Inserted, StoreError> {
    let direction = direction_str(m.direction);
    let sender_bare = sender_key(m);
    let sender_bare = sender_bare.as_ref();
    let body = super::capped_body(m.body);
    let conversation_id = batch.conversation(tx, m.with)?;
    let ts = place(
        tx,
        batch,
        conversation_id,
        m.with,
        m.timestamp.timestamp_millis(),
        order,
    )?;
    let older_pos = match order {
        Order::Forward | Order::CatchUp(_) => None,
        Order::Backward => Some(batch.next_older_pos(tx)?),
    };
    // Without a conflict target, DO NOTHING covers every UNIQUE index
    // (id, server_id, origin_id), so one statement both checks and inserts.
    // An arriving message's pos is its seq: AUTOINCREMENT gives the row the
    // largest seq ever used plus one, which sqlite_sequence holds.
    let inserted: Option<(i64, i64)> = tx
        .prepare_cached(
            "INSERT INTO message (id, conversation_id, direction, sender, sender_bare, body, \
             ts, state, server_id, origin_id, read, reply_to, markable, pos, mention, occupant_id, \
             encryption, sender_device, decryption_error) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, \
             coalesce(?14, coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'message'), 0) + 1), \
             ?15, ?16, ?17, ?18, ?19) \
             ON CONFLICT DO NOTHING RETURNING seq, pos",
        )?
        .query_row(
            params![
                m.id,
                conversation_id,
                direction,
                m.sender,
                sender_bare,
                body,
                ts,
                m.state.as_str(),
                m.server_id,
                m.origin_id,
                m.direction == Direction::Out,
                m.reply_to,
                m.markable,
                older_pos,
                m.mention,
                m.occupant_id,
                m.crypto.encryption.as_str(),
                m.crypto.sender_device,
                m.crypto.decryption_error.map(|e| e.as_str()),
            ],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    if let Some((seq, pos)) = inserted {
        batch.first_new.get_or_insert(seq);
        batch.stored(conversation_id, ts);
        if let Some(file) = m.file {
            super::files::insert(tx, seq, file)?;
            // Rare enough to read back what the attachment row says.
            if let Some(record) = record_by_id(tx, m.id)? {
                return Ok(Inserted::New(record));
            }
        }
        let timestamp = DateTime::from_timestamp_millis(ts)
            .ok_or_else(|| bad_value(6, Type::Integer, format!("timestamp {ts} out of range")))?;
        // Built from what was written (what `message` would read back),
        // without reading it back.
        return Ok(Inserted::New(MessageRecord {
            seq,
            id: m.id.to_owned(),
            with: m.with.to_owned(),
            direction: m.direction,
            sender: m.sender.to_owned(),
            body: body.to_owned(),
            timestamp,
            state: m.state,
            error: None,
            pos,
            unread: m.direction == Direction::In,
            edited: false,
            original_body: None,
            retracted: false,
            reply_to: match m.reply_to {
                Some(r) => Some(quote(tx, conversation_id, r)?),
                None => None,
            },
            reactions: Vec::new(),
            file: None,
            mention: m.mention,
            moderated_by: None,
            moderation_reason: None,
            crypto: m.crypto,
        }));
    }
    tracing::debug!(id = m.id, with = m.with, "duplicate message ignored");
    let mut outcome = Inserted::Duplicate;
    if let Some(server_id) = m.server_id {
        // The stored copy: same local id, or same author and origin-id.
        let existing: Option<(String, String)> = tx
            .prepare_cached(
                "SELECT id, state FROM message WHERE conversation_id = ?1 \
                 AND (id = ?2 OR (direction = ?3 AND sender_bare = ?4 AND origin_id = ?5)) \
                 ORDER BY id = ?2 DESC LIMIT 1",
            )?
            .query_row(
                params![conversation_id, m.id, direction, sender_bare, m.origin_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        if let Some((id, state)) = existing {
            // OR IGNORE: if the conflict was on server_id itself, another
            // row already owns it and there is nothing to fill in.
            tx.prepare_cached(
                "UPDATE OR IGNORE message SET server_id = ?2 WHERE id = ?1 AND server_id IS NULL",
            )?
            .execute([&id, server_id])?;
            let unconfirmed = matches!(
                MessageState::parse(&state),
                Some(MessageState::Queued | MessageState::Sent)
            );
            if m.direction == Direction::Out && unconfirmed {
                tx.prepare_cached(
                    "UPDATE message SET state = 'acked', error = NULL WHERE id = ?1",
                )?
                .execute([&id])?;
                if let Some(record) = record_by_id(tx, &id)? {
                    outcome = Inserted::Confirmed(record);
                }
            }
        }
    }
    // The conversation row may have been created just now for a message
    // that turned out to be a duplicate from elsewhere.
    let removed = tx
        .prepare_cached(
            "DELETE FROM conversation WHERE id = ?1 AND last_activity IS NULL AND kind = 'chat' \
             AND NOT EXISTS (SELECT 1 FROM message WHERE conversation_id = ?1)",
        )?
        .execute([conversation_id])?;
    if removed > 0 {
        batch.conversations.remove(m.with);
    }
    Ok(outcome)
}

/// Keeps a catch-up's `trail` for one of its results: a new message joins
/// it; one stored already pulls the trail's messages stamped after it
/// before it, or, stored before the previous such result, moves after that
/// one with the trail (then it is `Moved`).
fn follow_archive(
    tx: &Connection,
    m: &NewMessage,
    inserted: &mut Inserted,
    trail: &mut CatchUpTrail,
    batch: &Batch,
    outcome: &mut [Inserted],
) -> Result<(), StoreError> {
    // Cached by `insert_one`; gone only if a duplicate left it empty.
    let Some(&conversation_id) = batch.conversations.get(m.with) else {
        return Ok(());
    };
    match inserted {
        Inserted::New(record) => {
            trail.stored_new(
                conversation_id,
                record.seq,
                record.timestamp.timestamp_millis(),
            );
        }
        // Our own messages are stamped when written, which says nothing of
        // when the server archived them (one written offline goes out minutes
        // later): only what others wrote marks a place in the archive.
        Inserted::Duplicate | Inserted::Confirmed(_) if m.direction == Direction::In => {
            let fresh = trail.fresh.remove(&conversation_id).unwrap_or_default();
            let Some((seq, mut next)) = stored_place(tx, conversation_id, m)? else {
                return Ok(());
            };
            let previous = trail.previous.get(&conversation_id).copied();
            match previous {
                Some(previous) if next < previous => {
                    let seqs = fresh.iter().map(|(seq, _)| *seq).chain([seq]);
                    next = move_after(tx, previous, seqs, outcome)?;
                    if let Some(record) = record_by_seq(tx, seq)? {
                        *inserted = Inserted::Moved(record);
                    }
                }
                _ => move_between(tx, conversation_id, &fresh, previous, next, outcome)?,
            }
            trail.previous.insert(conversation_id, next);
        }
        Inserted::Duplicate | Inserted::Confirmed(_) | Inserted::Moved(_) => {}
    }
    Ok(())
}

/// At the end of a catch-up page: new results that came after the last
/// stored one (`previous`) but were placed before it — their whole-second
/// stamps, or `LiveSince`, put them before the live message the archive has
/// first — follow it in the archive's order, each just after the one before.
/// (Without a stored result after them, `move_between` never sees them: a
/// first catch-up that found one message already stored live put the rest
/// before it.) The trail keeps them for a stored result in a later page.
fn settle_trail(
    tx: &Connection,
    trail: &mut CatchUpTrail,
    outcome: &mut [Inserted],
) -> Result<(), StoreError> {
    for (conversation_id, fresh) in trail.fresh.iter_mut() {
        let Some(&previous) = trail.previous.get(conversation_id) else {
            continue;
        };
        let mut last = previous;
        for (seq, ts) in fresh.iter_mut() {
            let Some(place) = tx
                .prepare_cached("SELECT ts, pos FROM message WHERE seq = ?1")?
                .query_row([*seq], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))
                .optional()?
            else {
                continue;
            };
            last = if place < last {
                let moved = move_after(tx, last, [*seq].into_iter(), outcome)?;
                *ts = moved.0;
                moved
            } else {
                place
            };
        }
    }
    Ok(())
}

/// Moves the messages `seqs` (in this order) to just after `previous`, a
/// place `(ts, pos)`: its time, and `pos` values above every one given so
/// far, taken from the counter that arriving messages' `pos` comes from (so
/// one arriving later still sorts after them). Returns the last one's place.
/// Others stored in that millisecond after `previous` end up before them;
/// a catch-up that meets those moves them on in turn.
fn move_after(
    tx: &Connection,
    (ts, mut pos): (i64, i64),
    seqs: impl Iterator<Item = i64>,
    outcome: &mut [Inserted],
) -> Result<(i64, i64), StoreError> {
    let timestamp = DateTime::from_timestamp_millis(ts)
        .ok_or_else(|| bad_value(6, Type::Integer, format!("timestamp {ts} out of range")))?;
    for seq in seqs {
        pos = tx
            .prepare_cached(
                "UPDATE sqlite_sequence SET seq = seq + 1 WHERE name = 'message' RETURNING seq",
            )?
            .query_row([], |r| r.get(0))?;
        tx.prepare_cached("UPDATE message SET ts = ?2, pos = ?3 WHERE seq = ?1")?
            .execute(params![seq, ts, pos])?;
        for o in outcome.iter_mut() {
            if let Inserted::New(r) = o
                && r.seq == seq
            {
                r.timestamp = timestamp;
                r.pos = pos;
            }
        }
    }
    Ok((ts, pos))
}

/// Where a message of the archive is stored, `(seq, (ts, pos))`, if it is
/// stored (by our id, the archive's id, or the author's origin-id).
fn stored_place(
    tx: &Connection,
    conversation_id: i64,
    m: &NewMessage,
) -> rusqlite::Result<Option<(i64, (i64, i64))>> {
    // One index lookup per way of matching: with the three ORed in one WHERE,
    // SQLite walked the whole conversation (10 ms a result at 20,000 messages,
    // which made a catch-up full of duplicates crawl).
    tx.prepare_cached(
        "SELECT seq, ts, pos FROM message WHERE id = ?2 AND conversation_id = ?1 \
         UNION ALL SELECT seq, ts, pos FROM message WHERE server_id = ?3 AND conversation_id = ?1 \
         UNION ALL SELECT seq, ts, pos FROM message WHERE origin_id = ?6 AND direction = ?4 \
         AND sender_bare = ?5 AND conversation_id = ?1 LIMIT 1",
    )?
    .query_row(
        params![
            conversation_id,
            m.id,
            m.server_id,
            direction_str(m.direction),
            sender_key(m),
            m.origin_id
        ],
        |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))),
    )
    .optional()
}

/// Moves the `fresh` messages `(seq, ts)` that a catch-up found between
/// `previous` and `next` (places `(ts, pos)` of results stored already, in
/// the archive's order) to just before `next` where their stamps put them
/// elsewhere: at or after `next`, or before `previous`. Their `pos` keeps
/// them in order among themselves. Here and in the outcome of this page;
/// those of earlier pages were announced already and show in their new
/// place when the conversation is read again.
///
/// Live messages that arrive together share one millisecond: when
/// `previous` and `next` do, no time lies between them, so the messages
/// stored in that millisecond before `next` (`previous` among them) move
/// one millisecond back with the trail, which then follows them by `pos`.
fn move_between(
    tx: &Connection,
    conversation_id: i64,
    fresh: &VecDeque<(i64, i64)>,
    previous: Option<(i64, i64)>,
    (next_ts, next_pos): (i64, i64),
    outcome: &mut [Inserted],
) -> Result<(), StoreError> {
    let out_of_place =
        |ts: i64| ts >= next_ts || previous.is_some_and(|(previous_ts, _)| ts < previous_ts);
    let mut moving: Vec<i64> = fresh
        .iter()
        .filter(|(_, ts)| out_of_place(*ts))
        .map(|(seq, _)| *seq)
        .collect();
    if moving.is_empty() {
        return Ok(());
    }
    if previous.is_some_and(|(previous_ts, _)| previous_ts == next_ts) {
        let mut same_moment = tx.prepare_cached(
            "SELECT seq FROM message WHERE conversation_id = ?1 AND ts = ?2 AND pos < ?3",
        )?;
        let before_next = same_moment
            .query_map(params![conversation_id, next_ts, next_pos], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<i64>>>()?;
        moving.extend(before_next);
    }
    let before = next_ts - 1;
    let timestamp = DateTime::from_timestamp_millis(before)
        .ok_or_else(|| bad_value(6, Type::Integer, format!("timestamp {before} out of range")))?;
    for seq in moving {
        tx.prepare_cached("UPDATE message SET ts = ?2 WHERE seq = ?1")?
            .execute(params![seq, before])?;
        for o in outcome.iter_mut() {
            if let Inserted::New(r) = o
                && r.seq == seq
            {
                r.timestamp = timestamp;
            }
        }
    }
    Ok(())
}

impl Store {
    /// Stores a message; returns the stored record, or Ok(None) if it duplicates a stored one.
    ///
    /// See `insert_messages` for the dedup rules.
    pub fn insert_message(&mut self, m: &NewMessage) -> Result<Option<MessageRecord>, StoreError> {
        let mut outcome = self.insert_messages(std::slice::from_ref(m))?;
        Ok(match outcome.pop() {
            Some(Inserted::New(record)) => Some(record),
            _ => None,
        })
    }

    /// Stores a batch of messages in one transaction (an archive page, a
    /// burst of live messages); one outcome per message, in order.
    ///
    /// A message is a duplicate if its local `id`, its `server_id`, or its
    /// `origin_id` from the same bare sender in the same conversation and
    /// direction is already stored. If the stored copy lacks the duplicate's
    /// `server_id`, it is filled in (e.g. our own message coming back from the
    /// archive); an own message the server had not confirmed yet is then
    /// `Confirmed` (moved to acked), as the archive proves the server has it.
    /// Incoming messages start unread, outgoing ones read.
    pub fn insert_messages(&mut self, batch: &[NewMessage]) -> Result<Vec<Inserted>, StoreError> {
        self.insert_batch(batch.iter(), Order::Forward, None)
    }

    /// Like `insert_messages`, for a page of an archive catch-up (in the
    /// archive's order): new messages go before those stored live since
    /// the session began (`live`), which the archive has after them.
    pub fn insert_caught_up(
        &mut self,
        batch: &[NewMessage],
        live: &LiveSince,
        trail: &mut CatchUpTrail,
    ) -> Result<Vec<Inserted>, StoreError> {
        self.insert_batch(batch.iter(), Order::CatchUp(live), Some(trail))
    }

    /// Like `insert_messages`, for an older page (oldest first) fetched
    /// while scrolling back: within a second its messages go before the
    /// ones already stored.
    pub fn insert_older(&mut self, batch: &[NewMessage]) -> Result<Vec<Inserted>, StoreError> {
        // Newest first, so each one is placed before the previous.
        let mut outcome = self.insert_batch(batch.iter().rev(), Order::Backward, None)?;
        outcome.reverse();
        Ok(outcome)
    }

    fn insert_batch<'m>(
        &mut self,
        batch: impl Iterator<Item = &'m NewMessage<'m>>,
        order: Order,
        mut trail: Option<&mut CatchUpTrail>,
    ) -> Result<Vec<Inserted>, StoreError> {
        // IMMEDIATE: this transaction writes anyway; taking the lock up front
        // avoids a deadlock-prone read-to-write upgrade.
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut state = Batch::default();
        let mut outcome = Vec::with_capacity(batch.size_hint().0);
        if let Some(trail) = trail.as_deref_mut() {
            trail.seed_from_cursor(&tx)?;
        }
        for m in batch {
            let mut inserted = insert_one(&tx, m, order, &mut state)?;
            if let Some(trail) = trail.as_deref_mut() {
                follow_archive(&tx, m, &mut inserted, trail, &state, &mut outcome)?;
            }
            outcome.push(inserted);
        }
        if let Some(trail) = trail {
            settle_trail(&tx, trail, &mut outcome)?;
        }
        state.finish(&tx)?;
        super::sessions::write_staged(&tx, &self.staged)?;
        tx.commit()?;
        self.staged.clear();
        Ok(outcome)
    }
}
