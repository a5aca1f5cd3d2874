//! What happens to stored messages after they arrived: corrections,
//! retractions, reactions, read positions (own and the contact's) and
//! muted conversations.

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::messages::{record_by_id, record_from_row, select_record};
use super::{Store, StoreError};
use crate::api::{MessageRecord, MessageState, ReactionCount};

/// Fills in the reactions of `records`: one probe of the reaction table's
/// primary key per message (a page is at most a few hundred).
pub(super) fn attach_reactions(
    conn: &Connection,
    records: &mut [MessageRecord],
) -> Result<(), StoreError> {
    // In a 1:1 conversation whoever is not the contact is us; in a room
    // (and a private conversation with an occupant) the others are keyed
    // `room/nick` or `room#occupant-id` (`muc/signals.rs`), we by our JID.
    let mut stmt = conn.prepare_cached(
        "SELECT r.emoji, count(*), \
         max(r.sender <> ?2 AND substr(r.sender, 1, length(?2) + 1) NOT IN (?2 || '/', ?2 || '#')) \
         FROM reaction r \
         JOIN message m ON m.seq = r.message_seq WHERE m.id = ?1 \
         GROUP BY r.emoji ORDER BY count(*) DESC, r.emoji",
    )?;
    for record in records.iter_mut() {
        record.reactions = stmt
            .query_map(params![record.id, record.with], |row| {
                Ok(ReactionCount {
                    emoji: row.get(0)?,
                    count: row.get::<_, u32>(1)?,
                    own: row.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
    }
    Ok(())
}

impl Store {
    /// A message with its reactions.
    pub fn message_full(&self, id: &str) -> Result<Option<MessageRecord>, StoreError> {
        let Some(record) = record_by_id(&self.conn, id)? else {
            return Ok(None);
        };
        let mut one = [record];
        attach_reactions(&self.conn, &mut one)?;
        let [record] = one;
        Ok(Some(record))
    }

    /// The message of conversation `with` that its author gave the id
    /// `reference` (origin-id, or the stanza id attribute), written by
    /// `sender_bare` if given. Signals refer to messages this way.
    pub fn find_by_reference(
        &self,
        with: &str,
        reference: &str,
        sender_bare: Option<&str>,
    ) -> Result<Option<MessageRecord>, StoreError> {
        let mut stmt = self.conn.prepare_cached(select_record!(
            "WHERE c.jid = ?1 AND m.origin_id = ?2 AND (?3 IS NULL OR m.sender_bare = ?3) "
            "ORDER BY m.seq DESC LIMIT 1"
        ))?;
        Ok(stmt
            .query_row(params![with, reference, sender_bare], record_from_row)
            .optional()?)
    }

    /// The id of the message of `with` whose server id (archive id) is
    /// `server_id`: what a XEP-0490 read position names.
    pub fn message_by_server_id(
        &self,
        with: &str,
        server_id: &str,
    ) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT m.id FROM message m JOIN conversation c ON c.id = m.conversation_id \
                 WHERE c.jid = ?1 AND m.server_id = ?2",
            )?
            .query_row([with, server_id], |r| r.get(0))
            .optional()?)
    }

    /// The message of room (or private conversation) `with` that a signal
    /// names `reference`: the room's stanza-id (XEP-0444/0424/0461 in
    /// groupchat), else the author's own id (XEP-0308). With its author's
    /// XEP-0421 occupant-id.
    pub fn find_in_room(
        &self,
        with: &str,
        reference: &str,
    ) -> Result<Option<(MessageRecord, Option<String>)>, StoreError> {
        let mut stmt = self.conn.prepare_cached(select_record!(
            "WHERE c.jid = ?1 AND (m.server_id = ?2 OR m.origin_id = ?2) "
            "ORDER BY m.server_id IS ?2 DESC, m.seq DESC LIMIT 1"
        ))?;
        let Some(record) = stmt
            .query_row(params![with, reference], record_from_row)
            .optional()?
        else {
            return Ok(None);
        };
        let occupant_id = self
            .conn
            .prepare_cached("SELECT occupant_id FROM message WHERE id = ?1")?
            .query_row([&record.id], |r| r.get(0))?;
        Ok(Some((record, occupant_id)))
    }

    /// The id others know a message by (its origin-id), for signals about it.
    pub fn reference_of(&self, id: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT origin_id FROM message WHERE id = ?1")?
            .query_row([id], |r| r.get::<_, Option<String>>(0))
            .optional()?
            .flatten())
    }

    /// Replaces a message's text; its first text is kept.
    pub fn correct(&mut self, id: &str, body: &str) -> Result<Option<MessageRecord>, StoreError> {
        let changed = self
            .conn
            .prepare_cached(
                "UPDATE message SET original_body = coalesce(original_body, body), \
                 body = ?2, edited = 1 WHERE id = ?1 AND retracted = 0",
            )?
            .execute(params![id, super::capped_body(body)])?;
        if changed == 0 {
            return Ok(None);
        }
        self.message_full(id)
    }

    /// Wipes a retracted message: its text, first text and reactions go,
    /// the row stays as a "retracted" marker in the conversation.
    pub fn retract(&mut self, id: &str) -> Result<Option<MessageRecord>, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let changed = tx
            .prepare_cached(
                "UPDATE message SET body = '', original_body = NULL, retracted = 1 \
                 WHERE id = ?1 AND retracted = 0",
            )?
            .execute([id])?;
        tx.prepare_cached(
            "DELETE FROM reaction WHERE message_seq = (SELECT seq FROM message WHERE id = ?1)",
        )?
        .execute([id])?;
        tx.commit()?;
        if changed == 0 {
            return Ok(None);
        }
        self.message_full(id)
    }

    /// A message removed by a room moderator (XEP-0425): wiped like a
    /// retraction, with who did it and why.
    pub fn moderate(
        &mut self,
        id: &str,
        by: &str,
        reason: Option<&str>,
    ) -> Result<Option<MessageRecord>, StoreError> {
        let retracted = self.retract(id)?;
        let changed = self
            .conn
            .prepare_cached(
                "UPDATE message SET moderated_by = ?2, moderation_reason = ?3 \
                 WHERE id = ?1 AND moderated_by IS NULL",
            )?
            .execute(params![id, by, reason])?;
        if retracted.is_none() && changed == 0 {
            return Ok(None);
        }
        self.message_full(id)
    }

    /// Sets the reactions of one person (`sender_bare`) to a message: the
    /// given set replaces what they had (XEP-0444).
    pub fn set_reactions(
        &mut self,
        id: &str,
        sender_bare: &str,
        emojis: &[String],
    ) -> Result<Option<MessageRecord>, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let seq: Option<i64> = tx
            .prepare_cached("SELECT seq FROM message WHERE id = ?1 AND retracted = 0")?
            .query_row([id], |r| r.get(0))
            .optional()?;
        let Some(seq) = seq else {
            return Ok(None);
        };
        tx.prepare_cached("DELETE FROM reaction WHERE message_seq = ?1 AND sender = ?2")?
            .execute(params![seq, sender_bare])?;
        for emoji in emojis {
            tx.prepare_cached(
                "INSERT OR IGNORE INTO reaction (message_seq, sender, emoji) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![seq, sender_bare, emoji])?;
        }
        tx.commit()?;
        self.message_full(id)
    }

    /// Marks the incoming messages of `with` up to and including message
    /// `id` read (the user saw them, here or on another device); returns
    /// how many changed.
    pub fn mark_read_upto(&mut self, with: &str, id: &str) -> Result<u32, StoreError> {
        let changed = self
            .conn
            .prepare_cached(
                "UPDATE message SET read = 1 \
                 WHERE conversation_id = (SELECT id FROM conversation WHERE jid = ?1) \
                 AND direction = 'in' AND read = 0 \
                 AND (ts, pos) <= (SELECT ts, pos FROM message WHERE id = ?2)",
            )?
            .execute([with, id])?;
        Ok(u32::try_from(changed).unwrap_or(u32::MAX))
    }

    /// The contact has seen our messages up to and including `id`: those
    /// the server has are now read. Returns the messages that changed.
    pub fn peer_read_upto(
        &mut self,
        with: &str,
        id: &str,
    ) -> Result<Vec<MessageRecord>, StoreError> {
        let ids: Vec<String> = self
            .conn
            .prepare_cached(
                "SELECT m.id FROM message m JOIN conversation c ON c.id = m.conversation_id \
                 WHERE c.jid = ?1 AND m.direction = 'out' \
                 AND m.state IN ('sent', 'acked', 'delivered') \
                 AND (m.ts, m.pos) <= (SELECT ts, pos FROM message WHERE id = ?2)",
            )?
            .query_map([with, id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut changed = Vec::new();
        for id in ids {
            if let Some(record) = self.set_state(&id, MessageState::Read, None)? {
                changed.push(record);
            }
        }
        Ok(changed)
    }

    /// The newest incoming message of `with` whose sender asked for read
    /// markers: (its reference id, its sender).
    pub fn newest_markable(&self, with: &str) -> Result<Option<(String, String)>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT m.origin_id, m.sender FROM message m \
                 JOIN conversation c ON c.id = m.conversation_id \
                 WHERE c.jid = ?1 AND m.direction = 'in' AND m.markable = 1 \
                 AND m.origin_id IS NOT NULL ORDER BY m.ts DESC, m.pos DESC LIMIT 1",
            )?
            .query_row([with], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?)
    }

    /// The room's stanza-id of the newest message from others in room
    /// `with`: what a read marker in a room names (XEP-0333 in groupchat).
    pub fn newest_room_reference(&self, with: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT m.server_id FROM message m \
                 JOIN conversation c ON c.id = m.conversation_id \
                 WHERE c.jid = ?1 AND m.direction = 'in' AND m.server_id IS NOT NULL \
                 ORDER BY m.ts DESC, m.pos DESC LIMIT 1",
            )?
            .query_row([with], |r| r.get(0))
            .optional()?)
    }

    /// Mutes or unmutes notifications for a conversation (created if new).
    pub fn set_muted(&mut self, with: &str, muted: bool) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO conversation (jid, muted) VALUES (?1, ?2) \
                 ON CONFLICT (jid) DO UPDATE SET muted = excluded.muted",
            )?
            .execute(params![with, muted])?;
        Ok(())
    }

    /// The resource this installation uses for the account when none is
    /// configured: made up once and kept, so that our full JID stays the
    /// same across sessions (corrections are checked against it).
    pub fn stable_resource(&mut self) -> Result<String, StoreError> {
        const KEY: &str = "resource";
        if let Some(r) = super::meta(&self.conn, KEY)? {
            return Ok(r);
        }
        let simple = uuid::Uuid::new_v4().simple().to_string();
        let resource = format!("plausch-{}", &simple[..8]);
        super::set_meta(&self.conn, KEY, Some(&resource))?;
        Ok(resource)
    }

    /// Whether notifications for a conversation are muted.
    pub fn is_muted(&self, with: &str) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT muted FROM conversation WHERE jid = ?1")?
            .query_row([with], |r| r.get(0))
            .optional()?
            .unwrap_or(false))
    }
}

/// Whether `record` may be changed by a signal from `sender` (full JID as
/// given). Corrections (XEP-0308) need the same full JID where the original
/// has one; retractions and reactions the same bare JID.
pub fn same_sender(record: &MessageRecord, sender: &str, full: bool) -> bool {
    let bare = |j: &str| j.split('/').next().unwrap_or(j).to_owned();
    if bare(&record.sender) != bare(sender) {
        return false;
    }
    !full || !record.sender.contains('/') || record.sender == sender
}
