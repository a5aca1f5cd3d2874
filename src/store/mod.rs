//! Per-account message store (SQLite).
//!
//! One database file per account holds its conversations, messages and
//! roster. The store is synchronous and owned by the account actor (`&mut self`
//! for writes); it never loads a whole conversation, history is paged.
//!
//! Design notes:
//! - Messages are ordered by `(timestamp, seq)`: server time where known, with
//!   the insertion sequence as a stable tie-break, so paging by a `seq` cursor
//!   has neither gaps nor duplicates even when timestamps collide.
//! - Duplicates (MAM replays, carbons, reconnect resends) are rejected by
//!   UNIQUE indexes inside SQLite, not by select-then-insert, so there is no
//!   race and a single statement decides.
//! - Presence is runtime state and is not stored; `contacts` reports everyone
//!   as offline and the account actor overlays live presence.

mod archive;
mod files;
mod history;
mod insert;
mod messages;
pub(crate) mod omemo;
mod peers;
mod rooms;
mod roster;
mod schema;
pub(crate) mod search;
mod sessions;
pub(crate) mod signals;
#[cfg(test)]
mod tests;
pub mod trust;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension};

use crate::api::{Direction, MessageCrypto, MessageState};

pub use files::{FileUpdate, NewFile, PendingUpload};
pub use history::Deleted;
pub use insert::{CatchUpTrail, Inserted, LiveSince};
pub use peers::Peer;
pub use rooms::RoomRow;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open message store {path}: {source}")]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("cannot migrate message store {path} to schema version {version}: {source}")]
    Migrate {
        path: PathBuf,
        version: u32,
        source: rusqlite::Error,
    },
    #[error(
        "message store {path} has schema version {found}, this Plausch supports up to \
         {supported}; it was probably written by a newer Plausch"
    )]
    TooNew {
        path: PathBuf,
        found: i64,
        supported: u32,
    },
    #[error("message store error: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

/// A message to store. See `Store::insert_message` for the dedup rules.
#[derive(Debug, Clone)]
pub struct NewMessage<'a> {
    /// Local id, unique in the store (for outgoing messages also the stanza
    /// id). Never use a remote stanza id here: those only are unique per sender.
    pub id: &'a str,
    /// Bare JID of the conversation partner.
    pub with: &'a str,
    pub direction: Direction,
    /// Full or bare JID of the author.
    pub sender: &'a str,
    pub body: &'a str,
    /// Stored with millisecond precision.
    pub timestamp: DateTime<Utc>,
    pub state: MessageState,
    /// XEP-0359 stanza-id assigned by our server's archive.
    pub server_id: Option<&'a str>,
    /// XEP-0359 origin-id chosen by the author's client.
    pub origin_id: Option<&'a str>,
    /// The id of the message this one answers (XEP-0461).
    pub reply_to: Option<&'a str>,
    /// The sender asked for read markers (XEP-0333).
    pub markable: bool,
    /// The file the message carries.
    pub file: Option<&'a NewFile>,
    /// A room message that mentions our nick.
    pub mention: bool,
    /// The author's XEP-0421 occupant-id (room messages): scopes origin-id
    /// dedup to the author, as the sender's bare JID does in 1:1 chats
    /// (in a room every author has the room's bare JID).
    pub occupant_id: Option<&'a str>,
    /// How it was encrypted (OMEMO), or why it could not be decrypted.
    pub crypto: MessageCrypto,
}

impl<'a> NewMessage<'a> {
    /// A plain text message: no archive or origin id, no reply, file,
    /// mention or occupant-id, not encrypted (set those with struct update
    /// syntax where they matter).
    pub fn text(
        id: &'a str,
        with: &'a str,
        direction: Direction,
        sender: &'a str,
        body: &'a str,
        timestamp: DateTime<Utc>,
        state: MessageState,
    ) -> Self {
        NewMessage {
            id,
            with,
            direction,
            sender,
            body,
            timestamp,
            state,
            server_id: None,
            origin_id: None,
            reply_to: None,
            markable: false,
            file: None,
            mention: false,
            occupant_id: None,
            crypto: MessageCrypto::default(),
        }
    }
}

/// The longest message text stored, in bytes. Servers pass stanzas of a
/// few hundred KB; no message a person writes comes near this, while a
/// stranger could otherwise fill the store (and every front-end) with
/// megabytes per message. Longer texts are cut at a character boundary.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// `body`, cut to [`MAX_BODY_BYTES`].
pub fn capped_body(body: &str) -> &str {
    if body.len() <= MAX_BODY_BYTES {
        return body;
    }
    let mut end = MAX_BODY_BYTES;
    while !body.is_char_boundary(end) {
        end -= 1;
    }
    &body[..end]
}

/// The message store of one account.
pub struct Store {
    conn: Connection,
    /// OMEMO sessions moved on by decrypting, written with the messages
    /// (`sessions.rs`).
    staged: Vec<sessions::StagedSession>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.conn.path())
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (creating if needed) and migrates the store at `path`.
    ///
    /// Fails with `TooNew` for a file written by a newer schema, and with
    /// `Open` for a file that is not an SQLite database.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let conn = Connection::open(path).map_err(|source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        })?;
        Self::init(conn, path)
    }

    /// A throw-away store (tests, and accounts running without a profile).
    pub fn open_in_memory() -> Result<Self, StoreError> {
        let path = Path::new(":memory:");
        let conn = Connection::open_in_memory().map_err(|source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        })?;
        Self::init(conn, path)
    }

    fn init(mut conn: Connection, path: &Path) -> Result<Self, StoreError> {
        schema::configure(&conn, path)?;
        schema::migrate(&mut conn, path)?;
        Ok(Store {
            conn,
            staged: Vec::new(),
        })
    }
}

/// The bare JID of `jid`: everything before the first `/` (a resource may
/// itself contain `/`, the bare part never does).
pub(crate) fn bare_jid(jid: &str) -> &str {
    jid.split_once('/').map_or(jid, |(bare, _)| bare)
}

fn direction_str(d: Direction) -> &'static str {
    match d {
        Direction::In => "in",
        Direction::Out => "out",
    }
}

/// A column value that SQLite returned fine but that we cannot interpret:
/// corruption, or a value written by a newer version.
#[derive(Debug)]
struct BadValue(String);

impl std::fmt::Display for BadValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BadValue {}

/// Wraps a decoding failure of column `idx` as a rusqlite error, so row
/// mappers report it instead of panicking.
fn bad_value(idx: usize, ty: rusqlite::types::Type, what: String) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(idx, ty, Box::new(BadValue(what)))
}

/// A value of the key/value `meta` table.
fn meta(conn: &Connection, key: &str) -> Result<Option<String>, StoreError> {
    let v = conn
        .prepare_cached("SELECT value FROM meta WHERE key = ?1")?
        .query_row([key], |r| r.get::<_, Option<String>>(0))
        .optional()?;
    Ok(v.flatten())
}

/// Sets (or with `None` removes) a value of the `meta` table.
fn set_meta(conn: &Connection, key: &str, value: Option<&str>) -> Result<(), StoreError> {
    match value {
        Some(v) => conn
            .prepare_cached(
                "INSERT INTO meta (key, value) VALUES (?1, ?2) \
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )?
            .execute([key, v])?,
        None => conn
            .prepare_cached("DELETE FROM meta WHERE key = ?1")?
            .execute([key])?,
    };
    Ok(())
}
