//! What the store knows about the server archive (XEP-0313): how far the
//! catch-up got, and how far back each conversation has been paged.

use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError, meta, set_meta};

/// `meta` key of the newest archive id merged by a complete catch-up.
pub(super) const ARCHIVE_CURSOR_KEY: &str = "mam_last_id";

impl Store {
    /// The archive id after which the next catch-up starts; None before the
    /// first catch-up.
    pub fn archive_cursor(&self) -> Result<Option<String>, StoreError> {
        meta(&self.conn, ARCHIVE_CURSOR_KEY)
    }

    /// Moves the catch-up cursor. Set only after the page up to `id` is stored,
    /// so a crash re-fetches rather than skips.
    pub fn set_archive_cursor(&mut self, id: Option<&str>) -> Result<(), StoreError> {
        set_meta(&self.conn, ARCHIVE_CURSOR_KEY, id)
    }

    /// The archive id of the newest message stored from our own archive
    /// (live with the server's stanza-id, or from an archive page; rooms
    /// have archives of their own and are left out): where a catch-up goes
    /// on when no catch-up ever finished (closed during the first one).
    pub fn newest_own_archive_id(&self) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT m.server_id FROM message m JOIN conversation c ON c.id = m.conversation_id \
                 WHERE c.kind = 'chat' AND instr(c.jid, '/') = 0 AND m.server_id IS NOT NULL \
                 ORDER BY m.ts DESC, m.pos DESC LIMIT 1",
            )?
            .query_row([], |r| r.get(0))
            .optional()?)
    }

    /// The archive id of the oldest stored message of a conversation that
    /// has one: where paging back through the archive continues.
    pub fn oldest_server_id(&self, with: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT m.server_id FROM message m JOIN conversation c ON c.id = m.conversation_id \
                 WHERE c.jid = ?1 AND m.server_id IS NOT NULL ORDER BY m.ts, m.pos LIMIT 1",
            )?
            .query_row([with], |r| r.get(0))
            .optional()?)
    }

    /// Whether paging back through the archive reached the conversation's start.
    pub fn archive_exhausted(&self, with: &str) -> Result<bool, StoreError> {
        let done: Option<bool> = self
            .conn
            .prepare_cached("SELECT archive_exhausted FROM conversation WHERE jid = ?1")?
            .query_row([with], |r| r.get(0))
            .optional()?;
        Ok(done.unwrap_or(false))
    }

    pub fn set_archive_exhausted(&mut self, with: &str) -> Result<(), StoreError> {
        self.conn
            // No row means no messages anywhere: nothing worth remembering,
            // and an empty conversation must not appear in the list.
            .prepare_cached("UPDATE conversation SET archive_exhausted = 1 WHERE jid = ?1")?
            .execute(params![with])?;
        Ok(())
    }
}
