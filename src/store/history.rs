//! The history as a whole: read end to end for an export (a second,
//! read-only connection, so the account keeps storing meanwhile), and
//! deleted — one message, a conversation, or everything older than the
//! account keeps (retention). Deleting takes the full-text entries (the
//! delete trigger), attachments and reactions (foreign keys) with it;
//! `secure_delete` overwrites the freed pages. The files that belong to
//! what was deleted are returned for the caller to remove: downloads and
//! previews, never a file the user sent (that is the user's own).

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags, params};

use super::messages::{record_from_row, select_record};
use super::{Store, StoreError};
use crate::api::MessageRecord;

/// What a deletion removed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Deleted {
    /// Messages deleted.
    pub messages: u64,
    /// Their files to remove: received files and previews.
    pub files: Vec<PathBuf>,
}

const EACH_MESSAGE: &str = select_record!("WHERE c.jid = ?1 ORDER BY m.ts, m.pos");

/// Received files and previews of the messages a `WHERE` on `m` selects.
macro_rules! files_where {
    ($cond:literal) => {
        concat!(
            "SELECT CASE WHEN m.direction = 'in' THEN a.path END, a.thumbnail \
             FROM message m JOIN attachment a ON a.message_seq = m.seq WHERE ",
            $cond
        )
    };
}

impl Store {
    /// The store at `path`, read only (an export while the account runs).
    pub fn open_read_only(path: &Path) -> Result<Self, StoreError> {
        let open_err = |source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        };
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(open_err)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(open_err)?;
        Ok(Store {
            conn,
            staged: Vec::new(),
        })
    }

    /// Every conversation's JID and whether it is a room, in JID order.
    pub fn conversation_jids(&self) -> Result<Vec<(String, bool)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT jid, kind = 'room' FROM conversation ORDER BY jid")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Hands every message of conversation `with` to `f`, oldest first, one
    /// at a time as SQLite reads them (memory does not grow with the
    /// conversation). Stops at `f`'s first error.
    pub fn each_message<E: From<StoreError>>(
        &self,
        with: &str,
        mut f: impl FnMut(MessageRecord) -> Result<(), E>,
    ) -> Result<u64, E> {
        let mut stmt = self
            .conn
            .prepare_cached(EACH_MESSAGE)
            .map_err(|e| E::from(e.into()))?;
        let rows = stmt
            .query_map([with], record_from_row)
            .map_err(|e| E::from(e.into()))?;
        let mut n = 0;
        for row in rows {
            f(row.map_err(|e| E::from(e.into()))?)?;
            n += 1;
        }
        Ok(n)
    }

    /// Deletes message `id` here (not on the server): None if unknown.
    pub fn delete_message(&mut self, id: &str) -> Result<Option<(String, Deleted)>, StoreError> {
        let tx = self.conn.transaction()?;
        let with: Option<String> = tx
            .query_row(
                "SELECT c.jid FROM message m JOIN conversation c ON c.id = m.conversation_id \
                 WHERE m.id = ?1",
                [id],
                |r| r.get(0),
            )
            .ok();
        let Some(with) = with else {
            return Ok(None);
        };
        let files = files_of(&tx, files_where!("m.id = ?1"), params![id])?;
        let messages = tx.execute("DELETE FROM message WHERE id = ?1", [id])? as u64;
        tx.commit()?;
        Ok(Some((with, Deleted { messages, files })))
    }

    /// Deletes every message of conversation `with` here; the conversation
    /// itself (its place, settings, a room's bookmark) stays. The server's
    /// archive keeps its copy, and paging back no longer fetches it: the
    /// deleted history would come back the next time the (now empty)
    /// conversation is opened.
    pub fn delete_conversation(&mut self, with: &str) -> Result<Deleted, StoreError> {
        let tx = self.conn.transaction()?;
        let files = files_of(
            &tx,
            files_where!("m.conversation_id = (SELECT id FROM conversation WHERE jid = ?1)"),
            params![with],
        )?;
        let messages = tx.execute(
            "DELETE FROM message WHERE conversation_id = \
             (SELECT id FROM conversation WHERE jid = ?1)",
            [with],
        )? as u64;
        tx.execute(
            "UPDATE conversation SET archive_exhausted = 1 WHERE jid = ?1",
            [with],
        )?;
        tx.commit()?;
        Ok(Deleted { messages, files })
    }

    /// Retention: deletes every message older than `cutoff`, except those
    /// still on their way out (queued: not sent yet). Conversations keep
    /// their place in the list (it follows their last activity, which
    /// stays).
    pub fn delete_older_than(&mut self, cutoff: DateTime<Utc>) -> Result<Deleted, StoreError> {
        let ms = cutoff.timestamp_millis();
        let tx = self.conn.transaction()?;
        let files = files_of(
            &tx,
            files_where!("m.ts < ?1 AND m.state != 'queued'"),
            params![ms],
        )?;
        let messages = tx.execute(
            "DELETE FROM message WHERE ts < ?1 AND state != 'queued'",
            [ms],
        )? as u64;
        tx.commit()?;
        Ok(Deleted { messages, files })
    }
}

fn files_of(
    tx: &rusqlite::Transaction<'_>,
    sql: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<PathBuf>, StoreError> {
    let mut stmt = tx.prepare(sql)?;
    let rows = stmt.query_map(params, |r| {
        Ok((
            r.get::<_, Option<String>>(0)?,
            r.get::<_, Option<String>>(1)?,
        ))
    })?;
    let mut files = Vec::new();
    for row in rows {
        let (path, thumbnail) = row?;
        files.extend(path.into_iter().chain(thumbnail).map(PathBuf::from));
    }
    Ok(files)
}
