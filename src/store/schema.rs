//! Connection setup and schema migrations.
//!
//! The schema version lives in SQLite's `PRAGMA user_version` (a header field,
//! no extra table needed). `MIGRATIONS[i]` takes the database from version `i`
//! to `i + 1`; each step runs in its own transaction together with the version
//! bump, so a crash mid-migration leaves the previous, consistent version.
//! Steps are append-only: never edit a released step, add a new one.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, TransactionBehavior};

use super::StoreError;

/// How long a statement waits for a lock held by another connection (e.g. a
/// second instance or a backup tool) before failing with SQLITE_BUSY.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Ordered migration steps; the schema version is `MIGRATIONS.len()`.
const MIGRATIONS: &[&str] = &[V1, V2, V3, V4, V5, V6, V7, V8, V9, V10, V11, V12, V13, V14];

/// The newest schema version this build understands.
pub(crate) const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// Version 1: conversations, messages (+ dedup indexes, FTS5 over bodies),
/// roster and key/value metadata.
const V1: &str = r#"
CREATE TABLE conversation (
    id            INTEGER PRIMARY KEY,
    jid           TEXT    NOT NULL UNIQUE,
    -- Newest message timestamp (ms since epoch); NULL while empty.
    last_activity INTEGER
);

CREATE TABLE message (
    -- AUTOINCREMENT so a seq is never reused: front-ends hold seqs as
    -- paging cursors and message references.
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    id              TEXT    NOT NULL UNIQUE,
    conversation_id INTEGER NOT NULL REFERENCES conversation(id) ON DELETE CASCADE,
    direction       TEXT    NOT NULL CHECK (direction IN ('in', 'out')),
    sender          TEXT    NOT NULL,
    -- The sender without resource: origin-id dedup must treat copies of one
    -- message seen through different resources (carbons, MAM) as equal.
    sender_bare     TEXT    NOT NULL,
    body            TEXT    NOT NULL,
    -- Milliseconds since the Unix epoch, server time where known.
    ts              INTEGER NOT NULL,
    state           TEXT    NOT NULL,
    error           TEXT,
    server_id       TEXT,
    origin_id       TEXT,
    read            INTEGER NOT NULL DEFAULT 0 CHECK (read IN (0, 1))
);

-- Paging: a conversation's messages in (ts, seq) order, read from either end.
CREATE INDEX message_page ON message (conversation_id, ts, seq);

-- Dedup (XEP-0359): the archive's stanza-id is unique; an origin-id is only
-- unique per author, so it is scoped by conversation, direction and bare sender.
CREATE UNIQUE INDEX message_server_id ON message (server_id)
    WHERE server_id IS NOT NULL;
CREATE UNIQUE INDEX message_origin_id
    ON message (conversation_id, direction, sender_bare, origin_id)
    WHERE origin_id IS NOT NULL;

-- Small partial indexes for the hot "what is pending / unread" queries.
CREATE INDEX message_outbox ON message (ts, seq)
    WHERE direction = 'out' AND state = 'queued';
CREATE INDEX message_unread ON message (conversation_id)
    WHERE direction = 'in' AND read = 0;

-- Full-text index over bodies for search. External content: the text is
-- stored once, in `message`; the triggers keep the index in step.
CREATE VIRTUAL TABLE message_fts USING fts5 (
    body, content = 'message', content_rowid = 'seq'
);
CREATE TRIGGER message_fts_insert AFTER INSERT ON message BEGIN
    INSERT INTO message_fts (rowid, body) VALUES (new.seq, new.body);
END;
CREATE TRIGGER message_fts_delete AFTER DELETE ON message BEGIN
    INSERT INTO message_fts (message_fts, rowid, body)
        VALUES ('delete', old.seq, old.body);
END;
-- Only on body changes: state updates are frequent and must not touch FTS.
CREATE TRIGGER message_fts_update AFTER UPDATE OF body ON message BEGIN
    INSERT INTO message_fts (message_fts, rowid, body)
        VALUES ('delete', old.seq, old.body);
    INSERT INTO message_fts (rowid, body) VALUES (new.seq, new.body);
END;

CREATE TABLE contact (
    jid          TEXT PRIMARY KEY NOT NULL,
    name         TEXT,
    subscription TEXT NOT NULL,
    -- JSON array of group names.
    groups       TEXT NOT NULL DEFAULT '[]'
) WITHOUT ROWID;

CREATE TABLE meta (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT
) WITHOUT ROWID;
"#;

/// Version 2: archive sync (XEP-0313). A conversation remembers when paging
/// back through the server archive reached its start; the outbox also covers
/// messages handed to a stream that the server has not confirmed yet (they
/// are resent after a session was lost, unless the archive shows them).
/// Messages are ordered by (ts, pos): `pos` is the arrival order for new
/// messages (= seq) and a decreasing counter for older pages fetched while
/// scrolling back, so equal timestamps (servers stamp whole seconds) keep
/// the server's order either way.
const V2: &str = r#"
ALTER TABLE conversation ADD COLUMN archive_exhausted INTEGER NOT NULL DEFAULT 0
    CHECK (archive_exhausted IN (0, 1));
ALTER TABLE message ADD COLUMN pos INTEGER;
UPDATE message SET pos = seq;
DROP INDEX message_page;
CREATE INDEX message_page ON message (conversation_id, ts, pos);
DROP INDEX message_outbox;
CREATE INDEX message_unconfirmed ON message (ts, seq)
    WHERE direction = 'out' AND state IN ('queued', 'sent');
"#;

/// Version 3: conversation signals. A message keeps its first text when it
/// is corrected (XEP-0308), can be retracted (XEP-0424, the text is wiped),
/// may reply to another (XEP-0461) and remembers whether its sender asked
/// for read markers (XEP-0333). Reactions (XEP-0444) are one row per
/// reacting person and emoji. A conversation can be muted.
const V3: &str = r#"
ALTER TABLE message ADD COLUMN original_body TEXT;
ALTER TABLE message ADD COLUMN edited INTEGER NOT NULL DEFAULT 0 CHECK (edited IN (0, 1));
ALTER TABLE message ADD COLUMN retracted INTEGER NOT NULL DEFAULT 0 CHECK (retracted IN (0, 1));
ALTER TABLE message ADD COLUMN reply_to TEXT;
ALTER TABLE message ADD COLUMN markable INTEGER NOT NULL DEFAULT 0 CHECK (markable IN (0, 1));
-- Signals refer to a message by the id its author gave it.
CREATE INDEX message_ref ON message (conversation_id, origin_id) WHERE origin_id IS NOT NULL;
CREATE TABLE reaction (
    message_seq INTEGER NOT NULL REFERENCES message(seq) ON DELETE CASCADE,
    -- Bare JID of the reacting person.
    sender      TEXT    NOT NULL,
    emoji       TEXT    NOT NULL,
    PRIMARY KEY (message_seq, sender, emoji)
) WITHOUT ROWID;
ALTER TABLE conversation ADD COLUMN muted INTEGER NOT NULL DEFAULT 0 CHECK (muted IN (0, 1));
"#;

/// Version 4: what people tell about themselves (nickname, avatar, last seen).
const V4: &str = r#"
-- What people tell about themselves, for contacts and strangers alike (and
-- kept when the roster is replaced): nickname (XEP-0172), avatar hash
-- (XEP-0084/0153, SHA-1 hex; the thumbnail is avatars/<hash>.png) and when
-- they were last seen (ms since epoch).
CREATE TABLE peer (
    jid       TEXT PRIMARY KEY NOT NULL,
    nick      TEXT,
    avatar    TEXT,
    last_seen INTEGER
) WITHOUT ROWID;
"#;

/// Version 5: files (XEP-0363 uploads, XEP-0066 links with XEP-0447/0446
/// metadata). One row per message that carries a file. An outgoing one
/// keeps the local file it uploads from (`source`), so a queued upload
/// survives a restart; `url` stays NULL until the upload is done, and the
/// message is not sent before (the outbox skips it). `transfer` is the
/// state of the upload or download (`api::TransferState`).
const V5: &str = r#"
CREATE TABLE attachment (
    message_seq INTEGER PRIMARY KEY REFERENCES message(seq) ON DELETE CASCADE,
    name        TEXT    NOT NULL,
    size        INTEGER,
    media_type  TEXT,
    -- 32 bytes.
    sha256      BLOB,
    url         TEXT,
    source      TEXT,
    -- The local copy: the file we sent, or the completed download.
    path        TEXT,
    thumbnail   TEXT,
    transfer    TEXT    NOT NULL,
    error       TEXT,
    plain_http  INTEGER NOT NULL DEFAULT 0 CHECK (plain_http IN (0, 1))
);
CREATE INDEX attachment_active ON attachment (transfer)
    WHERE transfer IN ('queued', 'uploading', 'downloading');
"#;

/// Version 6: the full-text index is filled by the store's insert, one
/// statement per batch, instead of a trigger per row. FTS5 writes its
/// pending terms to disk at every statement savepoint, and each message
/// INSERT opens one (conflict handling, foreign key): with the trigger that
/// meant one index segment per message and endless merging, 70 % of the
/// cost of storing. The update and delete triggers stay (rare, and they
/// must see the old text).
const V6: &str = r#"
DROP TRIGGER message_fts_insert;
"#;

/// Version 7: group chats (XEP-0045). A conversation is a 1:1 chat or a
/// room; a room row keeps what outlives a session: our nick, the bookmark's
/// autojoin (XEP-0402, mirrored here so a start offline knows the rooms),
/// the notification setting and the room archive's catch-up cursor (each
/// room has its own archive, XEP-0313 on the room JID). Occupants are
/// runtime state and not stored. A message remembers whether it mentions
/// us and the author's XEP-0421 occupant-id.
const V7: &str = r#"
ALTER TABLE conversation ADD COLUMN kind TEXT NOT NULL DEFAULT 'chat'
    CHECK (kind IN ('chat', 'room'));
CREATE TABLE room (
    jid        TEXT PRIMARY KEY NOT NULL,
    name       TEXT,
    nick       TEXT,
    autojoin   INTEGER NOT NULL DEFAULT 0 CHECK (autojoin IN (0, 1)),
    notify     TEXT    NOT NULL DEFAULT 'mentions' CHECK (notify IN ('all', 'mentions', 'none')),
    subject    TEXT,
    -- The newest id of the room's archive merged; NULL before the first
    -- catch-up, '' when the archive was empty then.
    mam_cursor TEXT
) WITHOUT ROWID;
ALTER TABLE message ADD COLUMN mention INTEGER NOT NULL DEFAULT 0 CHECK (mention IN (0, 1));
ALTER TABLE message ADD COLUMN occupant_id TEXT;
"#;

/// Version 8: moderated messages (XEP-0425). A room message a moderator
/// removed is wiped like a retraction (`retracted`); it also keeps who did
/// it (the moderator's occupant JID, or the room's when it does not say)
/// and their reason, so the conversation can show "removed by …".
const V8: &str = r#"
ALTER TABLE message ADD COLUMN moderated_by TEXT;
ALTER TABLE message ADD COLUMN moderation_reason TEXT;
"#;

/// Version 9: one origin-id index instead of two. The dedup index (unique
/// per conversation, direction and author) now starts with the origin-id,
/// so it also serves the lookups of signals and replies by
/// (conversation, origin-id) that `message_ref` served: one index fewer
/// to write with every stored message (storing is mostly index upkeep).
const V9: &str = r#"
DROP INDEX message_origin_id;
DROP INDEX message_ref;
CREATE UNIQUE INDEX message_origin_id
    ON message (conversation_id, origin_id, direction, sender_bare)
    WHERE origin_id IS NOT NULL;
"#;

/// Version 10: the unread index also holds `mention`, so the conversation
/// list counts unread mentions from the index as it counts unread
/// messages. Without it every unread message was read from the table to
/// look at its `mention` (145 ms instead of 8 ms for the list with
/// 155,000 unread messages).
const V10: &str = r#"
DROP INDEX message_unread;
CREATE INDEX message_unread ON message (conversation_id, mention)
    WHERE direction = 'in' AND read = 0;
"#;

/// Version 11: OMEMO (XEP-0384), both variants (`omemo` = 0.3,
/// `omemo2` = OMEMO 2), for the whole of issue 22 at once so later parts
/// only add code. Our own device (one row) with its identity, signed
/// pre-keys (one current per variant, retired ones kept a while for late
/// pre-key messages) and one-time pre-keys (shared by both bundles; a used
/// one is deleted and replaced). The devices of contacts — and our own
/// other devices, under our own JID — as their lists announce them, with
/// their identity key once a bundle was read and the trust given to it;
/// a device that left its list stays, `active` = 0. Ratchet sessions per
/// device. Messages remember how they were encrypted, by which device of
/// the sender, and why they could not be decrypted; a conversation may
/// switch encryption on or off (NULL: the account's default).
///
/// Secret key material (identity, pre-keys, sessions) is stored as the
/// `omemo` crate serializes it, in this file on the user's own disk: the
/// same trust as the decrypted history next to it.
const V11: &str = r#"
CREATE TABLE omemo_own (
    -- Exactly one row.
    singleton        INTEGER PRIMARY KEY CHECK (singleton = 1),
    device_id        INTEGER NOT NULL CHECK (device_id BETWEEN 1 AND 2147483647),
    -- IdentityKeyPair::to_bytes (secret).
    identity         BLOB    NOT NULL,
    -- ms since epoch.
    created          INTEGER NOT NULL,
    -- The id the next one-time pre-key gets (ids are never reused).
    next_pre_key_id  INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE omemo_signed_pre_key (
    version TEXT    NOT NULL CHECK (version IN ('omemo', 'omemo2')),
    id      INTEGER NOT NULL,
    -- SignedPreKey::to_bytes (secret; the signature differs per variant).
    key     BLOB    NOT NULL,
    created INTEGER NOT NULL,
    -- When a newer one replaced it; NULL for the current one.
    retired INTEGER,
    PRIMARY KEY (version, id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX omemo_signed_pre_key_current
    ON omemo_signed_pre_key (version) WHERE retired IS NULL;
CREATE TABLE omemo_pre_key (
    id  INTEGER PRIMARY KEY,
    -- PreKey::to_bytes (secret).
    key BLOB NOT NULL
);
CREATE TABLE omemo_device (
    -- Bare JID of the owner (a contact, or our own for our other devices).
    jid        TEXT    NOT NULL,
    version    TEXT    NOT NULL CHECK (version IN ('omemo', 'omemo2')),
    device_id  INTEGER NOT NULL CHECK (device_id BETWEEN 1 AND 2147483647),
    label      TEXT,
    -- The public identity key as its bundle carries it; NULL until read.
    identity   BLOB,
    trust      TEXT    NOT NULL DEFAULT 'undecided'
        CHECK (trust IN ('blind', 'verified', 'untrusted', 'undecided')),
    -- ms since epoch: first and last seen on the owner's list, last
    -- message from it.
    first_seen INTEGER NOT NULL,
    last_seen  INTEGER NOT NULL,
    last_used  INTEGER,
    -- On the owner's current list.
    active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    PRIMARY KEY (jid, version, device_id)
) WITHOUT ROWID;
CREATE TABLE omemo_session (
    jid       TEXT    NOT NULL,
    version   TEXT    NOT NULL CHECK (version IN ('omemo', 'omemo2')),
    device_id INTEGER NOT NULL,
    -- Session::to_bytes (secret).
    session   BLOB    NOT NULL,
    updated   INTEGER NOT NULL,
    PRIMARY KEY (jid, version, device_id)
) WITHOUT ROWID;
ALTER TABLE message ADD COLUMN encryption TEXT NOT NULL DEFAULT 'none'
    CHECK (encryption IN ('none', 'omemo', 'omemo2'));
ALTER TABLE message ADD COLUMN sender_device INTEGER;
ALTER TABLE message ADD COLUMN decryption_error TEXT;
-- 1 on, 0 off, NULL: the account's default.
ALTER TABLE conversation ADD COLUMN encryption INTEGER CHECK (encryption IN (0, 1));
"#;

/// The OMEMO elements a queued message of ours was encrypted into: sent
/// again after a lost connection or a restart, it carries the same ones,
/// so a session's counter moves once per message, not once per attempt
/// (a receiver skips at most 1,000 message keys). Gone once the server
/// has the message, or it failed.
const V12: &str = r#"
CREATE TABLE omemo_sealed (
    message_id TEXT PRIMARY KEY REFERENCES message(id) ON DELETE CASCADE,
    -- xmpp::omemo::sealed_to_xml
    elements   TEXT NOT NULL
) WITHOUT ROWID;
"#;

/// Whether a room is members-only and not anonymous, as its disco#info
/// said when we last joined: encrypted group messages are possible only
/// there, and a message written while offline must know it (NULL: never
/// asked).
const V13: &str = r#"
ALTER TABLE room ADD COLUMN private INTEGER;
"#;

/// Version 14: search stays fast with common words.
///
/// The full-text index gets prefix indexes for words' first two and three
/// letters. Every searched word is a prefix (as typed), and FTS5 answers a
/// prefix without its own index by merging the lists of all words that
/// start with it, in full, before the first match: 23 ms for a word in a
/// quarter of 1,000,000 messages, however few results are wanted. With an
/// index the list is read as far as needed. Short words are the common
/// ones (and every word typed passes through them); the price is about
/// 60 bytes a message on disk and a slower index when storing.
///
/// And the newest time in each block of 4096 seqs (`seq >> 12`): search
/// reads the matches newest seq first and stops once no block left can
/// hold a newer one (seq order is not time order: older pages fetched
/// later, a catch-up moving a message). The store's batch insert raises a
/// block's time, the trigger any later move; a deletion leaves it (too
/// high a bound only costs reading on).
const V14: &str = r#"
DROP TABLE message_fts;
CREATE VIRTUAL TABLE message_fts USING fts5 (
    body, content = 'message', content_rowid = 'seq', prefix = '2 3'
);
INSERT INTO message_fts (message_fts) VALUES ('rebuild');
CREATE TABLE message_block (
    block  INTEGER PRIMARY KEY,
    max_ts INTEGER NOT NULL
);
INSERT INTO message_block (block, max_ts) SELECT seq >> 12, max(ts) FROM message GROUP BY 1;
CREATE TRIGGER message_block_ts AFTER UPDATE OF ts ON message BEGIN
    INSERT INTO message_block (block, max_ts) VALUES (new.seq >> 12, new.ts)
        ON CONFLICT (block) DO UPDATE SET max_ts = max(max_ts, excluded.max_ts);
END;
"#;

const WAL_CHECKPOINT_PAGES: i64 = 4000;
const WAL_SIZE_LIMIT: i64 = 16 * 1024 * 1024;

/// Sets the per-connection pragmas. Errors here (e.g. "file is not a
/// database") are the first sign of an unusable file, so they carry the path.
pub(crate) fn configure(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    let open_err = |source| StoreError::Open {
        path: path.to_path_buf(),
        source,
    };
    // First, so that the pragmas below already wait for locks.
    conn.busy_timeout(BUSY_TIMEOUT).map_err(open_err)?;
    // Before any pragma that writes to the file (journal_mode is persistent):
    // a garbage file or a newer schema must be left exactly as it is.
    schema_version(conn, path)?;
    // WAL: readers never block the writer, and commits are cheap. The pragma
    // answers with the resulting mode ("memory" for in-memory databases).
    let mode: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .map_err(open_err)?;
    tracing::debug!(path = %path.display(), mode, "message store journal mode");
    // NORMAL is durable across application crashes in WAL mode; only an OS
    // crash or power loss can lose the last commits, never corrupt the file.
    conn.pragma_update(None, "synchronous", "NORMAL")
        .map_err(open_err)?;
    // A checkpoint every 4,000 pages (16 MiB of WAL) instead of 1,000: a
    // burst of messages rewrites the same index pages in every commit, and
    // fewer checkpoints copy each of them once and sync less often (storing
    // was mostly writes and syncs). Afterwards the WAL file is cut back.
    conn.pragma_update(None, "wal_autocheckpoint", WAL_CHECKPOINT_PAGES)
        .map_err(open_err)?;
    conn.pragma_update(None, "journal_size_limit", WAL_SIZE_LIMIT)
        .map_err(open_err)?;
    // Deleted messages are overwritten with zeros instead of lingering in
    // free pages: chat history is private.
    conn.pragma_update(None, "secure_delete", "ON")
        .map_err(open_err)?;
    conn.pragma_update(None, "foreign_keys", "ON")
        .map_err(open_err)?;
    Ok(())
}

/// The file's schema version, refusing files from newer builds (an older
/// build could silently misinterpret or damage their data).
fn schema_version(conn: &Connection, path: &Path) -> Result<u32, StoreError> {
    let found: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        })?;
    // user_version is a signed 32-bit header field; a negative value was not
    // written by us either.
    match u32::try_from(found) {
        Ok(v) if v <= SCHEMA_VERSION => Ok(v),
        _ => Err(StoreError::TooNew {
            path: path.to_path_buf(),
            found,
            supported: SCHEMA_VERSION,
        }),
    }
}

/// Brings the schema up to `SCHEMA_VERSION`.
pub(crate) fn migrate(conn: &mut Connection, path: &Path) -> Result<(), StoreError> {
    let current = schema_version(conn, path)?;
    for (version, step) in (1..).zip(MIGRATIONS).skip(current as usize) {
        let migrate_err = |source| StoreError::Migrate {
            path: path.to_path_buf(),
            version,
            source,
        };
        // IMMEDIATE: take the write lock up front, so two processes opening
        // the same file cannot both run the same step.
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(migrate_err)?;
        // Re-check under the lock: another process may have migrated already.
        let now: i64 = tx
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(migrate_err)?;
        if now >= i64::from(version) {
            continue;
        }
        tx.execute_batch(step).map_err(migrate_err)?;
        // Pragmas cannot take bound parameters; `version` is our own integer.
        tx.execute_batch(&format!("PRAGMA user_version = {version}"))
            .map_err(migrate_err)?;
        tx.commit().map_err(migrate_err)?;
        tracing::info!(path = %path.display(), version, "message store migrated");
    }
    Ok(())
}
