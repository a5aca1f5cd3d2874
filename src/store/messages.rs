//! Messages and conversations: reading records, paging, state changes,
//! the conversation list. Storing new ones is in `insert.rs`.

use chrono::DateTime;
use rusqlite::types::Type;
use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};

use super::{Store, StoreError, bad_value};
use crate::api::{
    ConversationKind, ConversationSummary, DecryptionError, Direction, Encryption, MessageCrypto,
    MessageRecord, MessageState, Quote,
};

/// `SELECT` of the columns `record_from_row` expects, followed by the given
/// literal SQL. A macro so the result is a `&'static str` for the statement
/// cache.
macro_rules! select_record {
    ($($rest:literal)*) => {
        concat!(
            "SELECT m.seq, m.id, c.jid, m.direction, m.sender, m.body, m.ts, m.state, m.error, m.pos, \
             m.read, m.edited, m.original_body, m.retracted, m.reply_to, q.id, q.body, \
             a.name, a.size, a.media_type, a.sha256, a.url, a.path, a.thumbnail, a.transfer, \
             a.error, a.plain_http, m.mention, m.moderated_by, m.moderation_reason, \
             m.encryption, m.sender_device, m.decryption_error \
             FROM message m JOIN conversation c ON c.id = m.conversation_id \
             LEFT JOIN attachment a ON a.message_seq = m.seq \
             LEFT JOIN message q ON m.reply_to IS NOT NULL AND q.seq = coalesce( \
               (SELECT r.seq FROM message r WHERE r.server_id = m.reply_to \
                AND r.conversation_id = m.conversation_id), \
               (SELECT r.seq FROM message r WHERE r.conversation_id = m.conversation_id \
                AND r.origin_id = m.reply_to LIMIT 1)) ",
            $($rest),*
        )
    };
}
pub(super) use select_record;

// Both history queries walk the (conversation_id, ts, pos) index backwards
// from the cursor and stop after `limit` rows (checked by a test).
pub(super) const HISTORY_NEWEST: &str =
    select_record!("WHERE c.jid = ?1 ORDER BY m.ts DESC, m.pos DESC LIMIT ?2");
pub(super) const HISTORY_AFTER: &str = select_record!(
    "WHERE c.jid = ?1 AND (m.ts, m.pos) > (SELECT ts, pos FROM message WHERE seq = ?3) "
    "ORDER BY m.ts, m.pos LIMIT ?2"
);
pub(super) const HISTORY_BEFORE: &str = select_record!(
    "WHERE c.jid = ?1 AND (m.ts, m.pos) < (SELECT ts, pos FROM message WHERE seq = ?3) "
    "ORDER BY m.ts DESC, m.pos DESC LIMIT ?2"
);

pub(super) fn record_from_row(row: &Row<'_>) -> rusqlite::Result<MessageRecord> {
    let direction = match row.get_ref(3)?.as_str()? {
        "in" => Direction::In,
        "out" => Direction::Out,
        other => {
            return Err(bad_value(
                3,
                Type::Text,
                format!("unknown direction {other:?}"),
            ));
        }
    };
    let ts: i64 = row.get(6)?;
    let timestamp = DateTime::from_timestamp_millis(ts)
        .ok_or_else(|| bad_value(6, Type::Integer, format!("timestamp {ts} out of range")))?;
    let state = row.get_ref(7)?.as_str()?;
    let state = MessageState::parse(state)
        .ok_or_else(|| bad_value(7, Type::Text, format!("unknown message state {state:?}")))?;
    Ok(MessageRecord {
        seq: row.get(0)?,
        id: row.get(1)?,
        with: row.get(2)?,
        direction,
        sender: row.get(4)?,
        body: row.get(5)?,
        timestamp,
        state,
        error: row.get(8)?,
        pos: row.get(9)?,
        unread: direction == Direction::In && !row.get::<_, bool>(10)?,
        edited: row.get(11)?,
        original_body: row.get(12)?,
        retracted: row.get(13)?,
        reply_to: match row.get::<_, Option<String>>(14)? {
            None => None,
            Some(_) => Some(Quote {
                id: row.get(15)?,
                body: row.get(16)?,
            }),
        },
        reactions: Vec::new(),
        file: super::files::file_from_row(row, 17)?,
        mention: row.get(27)?,
        moderated_by: row.get(28)?,
        moderation_reason: row.get(29)?,
        crypto: crypto_from_row(row, 30)?,
    })
}

/// `encryption`, `sender_device`, `decryption_error` from column `at` on.
fn crypto_from_row(row: &Row<'_>, at: usize) -> rusqlite::Result<MessageCrypto> {
    let encryption = row.get_ref(at)?.as_str()?;
    let encryption = Encryption::parse(encryption)
        .ok_or_else(|| bad_value(at, Type::Text, format!("unknown encryption {encryption:?}")))?;
    // A reason this version does not know is still a failure.
    let decryption_error = row
        .get_ref(at + 2)?
        .as_str_or_null()?
        .map(|e| DecryptionError::parse(e).unwrap_or(DecryptionError::Broken));
    Ok(MessageCrypto {
        encryption,
        sender_device: row.get(at + 1)?,
        decryption_error,
    })
}

pub(super) fn record_by_id(conn: &Connection, id: &str) -> rusqlite::Result<Option<MessageRecord>> {
    conn.prepare_cached(select_record!("WHERE m.id = ?1"))?
        .query_row([id], record_from_row)
        .optional()
}

pub(super) fn record_by_seq(
    conn: &Connection,
    seq: i64,
) -> rusqlite::Result<Option<MessageRecord>> {
    conn.prepare_cached(select_record!("WHERE m.seq = ?1"))?
        .query_row([seq], record_from_row)
        .optional()
}

/// Position of a state on the outgoing delivery path, which only moves forward.
fn progress_rank(s: MessageState) -> Option<u8> {
    match s {
        MessageState::Queued => Some(0),
        MessageState::Sent => Some(1),
        MessageState::Acked => Some(2),
        MessageState::Delivered => Some(3),
        MessageState::Read => Some(4),
        MessageState::Failed | MessageState::Received => None,
    }
}

/// Whether an outgoing message may move from `from` to `to`. Receipts and
/// acks can arrive late or out of order (a receipt before the server's ack),
/// so the delivery path never goes backwards. A failure is only plausible
/// before the recipient confirmed, and a failed message may be re-queued.
fn transition_allowed(from: MessageState, to: MessageState) -> bool {
    use MessageState::*;
    match (from, to) {
        (Queued | Sent | Acked, Failed) | (Failed, Queued) => true,
        _ => matches!(
            (progress_rank(from), progress_rank(to)),
            (Some(a), Some(b)) if b > a
        ),
    }
}

/// Converts a row count for the API; counts beyond `u32` cannot happen in a
/// chat history, saturate rather than fail.
fn count_u32(n: impl TryInto<u32>) -> u32 {
    n.try_into().unwrap_or(u32::MAX)
}

/// The conversation list. The last message is found per conversation
/// through the paging index (one probe each), not by grouping all
/// messages; both unread counts come from the unread index alone.
pub(super) const CONVERSATIONS: &str = "SELECT c.jid, m.body, m.ts, \
       (SELECT count(*) FROM message u \
        WHERE u.conversation_id = c.id AND u.direction = 'in' AND u.read = 0), c.muted, c.kind, \
       a.name, \
       (SELECT count(*) FROM message u WHERE u.conversation_id = c.id \
        AND u.direction = 'in' AND u.read = 0 AND u.mention = 1) \
     FROM conversation c \
     LEFT JOIN message m ON m.seq = \
       (SELECT l.seq FROM message l WHERE l.conversation_id = c.id \
        ORDER BY l.ts DESC, l.pos DESC LIMIT 1) \
     LEFT JOIN attachment a ON a.message_seq = m.seq \
     ORDER BY c.last_activity DESC NULLS LAST, c.jid";

impl Store {
    /// Moves a message's state; returns the updated record, or None if unknown id or no change.
    ///
    /// Only outgoing messages change state, along the rules of
    /// `transition_allowed`; disallowed moves (e.g. a late `Acked` after
    /// `Delivered`) are ignored. `error` is stored with `Failed` and cleared
    /// by any other state.
    pub fn set_state(
        &mut self,
        id: &str,
        state: MessageState,
        error: Option<&str>,
    ) -> Result<Option<MessageRecord>, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let Some(current) = record_by_id(&tx, id)? else {
            return Ok(None);
        };
        if current.direction != Direction::Out || !transition_allowed(current.state, state) {
            return Ok(None);
        }
        let error = if state == MessageState::Failed {
            error
        } else {
            None
        };
        tx.prepare_cached("UPDATE message SET state = ?2, error = ?3 WHERE id = ?1")?
            .execute(params![id, state.as_str(), error])?;
        // The server has it (or it failed): never sent again as it was.
        if !matches!(state, MessageState::Queued | MessageState::Sent) {
            tx.prepare_cached("DELETE FROM omemo_sealed WHERE message_id = ?1")?
                .execute([id])?;
        }
        let record = record_by_id(&tx, id)?;
        tx.commit()?;
        Ok(record)
    }

    /// Records the archive's stanza-id of a message (e.g. learnt from the
    /// server after sending). Ignored if the id is unknown or another message
    /// already has this `server_id`.
    pub fn set_server_id(&mut self, id: &str, server_id: &str) -> Result<(), StoreError> {
        let changed = self
            .conn
            .prepare_cached("UPDATE OR IGNORE message SET server_id = ?2 WHERE id = ?1")?
            .execute([id, server_id])?;
        if changed == 0 {
            tracing::debug!(
                id,
                server_id,
                "server id not recorded: unknown message or taken"
            );
        }
        Ok(())
    }

    pub fn message(&self, id: &str) -> Result<Option<MessageRecord>, StoreError> {
        Ok(record_by_id(&self.conn, id)?)
    }

    /// One page, oldest first: the `limit` newest messages of the conversation older than message `before` (a seq), or the newest page.
    ///
    /// `before` is exclusive; an unknown `before` gives an empty page.
    pub fn history(
        &self,
        with: &str,
        limit: u32,
        before: Option<i64>,
    ) -> Result<Vec<MessageRecord>, StoreError> {
        let mut stmt = match before {
            None => self.conn.prepare_cached(HISTORY_NEWEST)?,
            Some(_) => self.conn.prepare_cached(HISTORY_BEFORE)?,
        };
        let mut page = match before {
            None => stmt.query_map(params![with, limit], record_from_row)?,
            Some(seq) => stmt.query_map(params![with, limit, seq], record_from_row)?,
        }
        .collect::<rusqlite::Result<Vec<_>>>()?;
        page.reverse();
        super::signals::attach_reactions(&self.conn, &mut page)?;
        Ok(page)
    }

    /// One page, oldest first: the `limit` oldest messages of the
    /// conversation newer than message `after` (a seq, exclusive); an
    /// unknown `after` gives an empty page.
    pub fn history_after(
        &self,
        with: &str,
        limit: u32,
        after: i64,
    ) -> Result<Vec<MessageRecord>, StoreError> {
        let mut page = self
            .conn
            .prepare_cached(HISTORY_AFTER)?
            .query_map(params![with, limit, after], record_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        super::signals::attach_reactions(&self.conn, &mut page)?;
        Ok(page)
    }

    /// The persistent outbox, oldest first: outgoing messages the server has
    /// not confirmed, i.e. queued ones and those handed to a stream that was
    /// lost before the server's ack (state sent).
    pub fn outbox(&self) -> Result<Vec<MessageRecord>, StoreError> {
        // The WHERE clause matches the partial index `message_unconfirmed`.
        let mut stmt = self.conn.prepare_cached(select_record!(
            "WHERE m.direction = 'out' AND m.state IN ('queued', 'sent') AND m.retracted = 0 \
             AND (a.name IS NULL OR a.url IS NOT NULL) \
             ORDER BY m.ts, m.seq"
        ))?;
        let rows = stmt.query_map([], record_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Conversations newest activity first, with last body/timestamp and count of unread incoming messages.
    pub fn conversations(&self) -> Result<Vec<ConversationSummary>, StoreError> {
        let mut stmt = self.conn.prepare_cached(CONVERSATIONS)?;
        let rows = stmt.query_map([], |row| {
            let last_timestamp = match row.get::<_, Option<i64>>(2)? {
                None => None,
                Some(ts) => Some(DateTime::from_timestamp_millis(ts).ok_or_else(|| {
                    bad_value(2, Type::Integer, format!("timestamp {ts} out of range"))
                })?),
            };
            let with: String = row.get(0)?;
            Ok(ConversationSummary {
                last_body: row.get(1)?,
                last_file: row.get(6)?,
                last_timestamp,
                unread: count_u32(row.get::<_, i64>(3)?),
                unread_mentions: count_u32(row.get::<_, i64>(7)?),
                muted: row.get(4)?,
                // Private conversations with room occupants are stored as
                // chats keyed by the occupant's full JID (no schema change).
                kind: match row.get_ref(5)?.as_str()? {
                    "room" => ConversationKind::Room,
                    _ if with.contains('/') => ConversationKind::Private,
                    _ => ConversationKind::Chat,
                },
                with,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Marks all incoming messages of a conversation read; returns how many changed.
    pub fn mark_read(&mut self, with: &str) -> Result<u32, StoreError> {
        let changed = self
            .conn
            .prepare_cached(
                "UPDATE message SET read = 1 \
                 WHERE conversation_id = (SELECT id FROM conversation WHERE jid = ?1) \
                 AND direction = 'in' AND read = 0",
            )?
            .execute([with])?;
        Ok(count_u32(changed))
    }

    /// Unread incoming messages over all conversations (badge, tray icon).
    pub fn unread_total(&self) -> Result<u32, StoreError> {
        let n: i64 = self
            .conn
            .prepare_cached("SELECT count(*) FROM message WHERE direction = 'in' AND read = 0")?
            .query_row([], |r| r.get(0))?;
        Ok(count_u32(n))
    }
}
