//! Files attached to messages (table `attachment`, schema version 5).

use base64::Engine as _;
use rusqlite::types::Type;
use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};

use super::messages::record_by_id;
use super::{Store, StoreError, bad_value};
use crate::api::{Change, FileInfo, MessageRecord, TransferState};

/// A file to store with a new message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewFile {
    pub name: String,
    pub size: Option<u64>,
    pub media_type: Option<String>,
    pub url: Option<String>,
    pub sha256: Option<[u8; 32]>,
    /// Outgoing: the local file to upload (also its local copy).
    pub source: Option<String>,
    pub transfer: TransferState,
}

/// An upload still to do (after a restart or a lost connection).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingUpload {
    /// The message's id.
    pub id: String,
    pub with: String,
    pub source: String,
    pub name: String,
    pub media_type: Option<String>,
}

pub(super) fn insert(tx: &Connection, seq: i64, f: &NewFile) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO attachment (message_seq, name, size, media_type, sha256, url, source, path, \
         transfer) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8)",
    )?
    .execute(params![
        seq,
        f.name,
        f.size.and_then(|s| i64::try_from(s).ok()),
        f.media_type,
        f.sha256.as_ref().map(|h| h.as_slice()),
        f.url,
        f.source,
        f.transfer.as_str(),
    ])?;
    Ok(())
}

/// The file columns of `select_record!` from column `first` on (name,
/// size, media_type, sha256, url, path, thumbnail, transfer, error,
/// plain_http); None when the message has no file.
pub(super) fn file_from_row(row: &Row<'_>, first: usize) -> rusqlite::Result<Option<FileInfo>> {
    let Some(name) = row.get::<_, Option<String>>(first)? else {
        return Ok(None);
    };
    let transfer_col = first + 7;
    let transfer = row.get_ref(transfer_col)?.as_str()?;
    let transfer = TransferState::parse(transfer).ok_or_else(|| {
        bad_value(
            transfer_col,
            Type::Text,
            format!("unknown transfer state {transfer:?}"),
        )
    })?;
    Ok(Some(FileInfo {
        name,
        size: row
            .get::<_, Option<i64>>(first + 1)?
            .and_then(|s| u64::try_from(s).ok()),
        media_type: row.get(first + 2)?,
        sha256: row
            .get::<_, Option<Vec<u8>>>(first + 3)?
            .map(|h| base64::engine::general_purpose::STANDARD.encode(h)),
        url: row.get(first + 4)?,
        path: row.get(first + 5)?,
        thumbnail: row.get(first + 6)?,
        transfer,
        error: row.get(first + 8)?,
        plain_http: row.get(first + 9)?,
    }))
}

/// What to change in a message's attachment.
#[derive(Debug, Clone, Default)]
pub struct FileUpdate<'a> {
    pub transfer: Option<TransferState>,
    /// Kept, cleared (a retry) or set (a failure).
    pub error: Change<&'a str>,
    pub url: Option<&'a str>,
    pub sha256: Option<&'a [u8; 32]>,
    pub size: Option<u64>,
    pub path: Option<&'a str>,
    pub thumbnail: Option<&'a str>,
    pub plain_http: Option<bool>,
}

impl Store {
    /// Changes a message's attachment; returns the updated message (None:
    /// no such message or it has no file). An upload's URL also becomes
    /// the message's body (what is sent, and what other clients show).
    pub fn update_file(
        &mut self,
        id: &str,
        u: &FileUpdate,
    ) -> Result<Option<MessageRecord>, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let seq: Option<i64> = tx
            .prepare_cached(
                "SELECT a.message_seq FROM attachment a JOIN message m ON m.seq = a.message_seq \
                 WHERE m.id = ?1",
            )?
            .query_row([id], |r| r.get(0))
            .optional()?;
        let Some(seq) = seq else {
            return Ok(None);
        };
        tx.prepare_cached(
            "UPDATE attachment SET \
               transfer = coalesce(?2, transfer), \
               error = CASE WHEN ?3 THEN ?4 ELSE error END, \
               url = coalesce(?5, url), \
               sha256 = coalesce(?6, sha256), \
               size = coalesce(?7, size), \
               path = coalesce(?8, path), \
               thumbnail = coalesce(?9, thumbnail), \
               plain_http = coalesce(?10, plain_http) \
             WHERE message_seq = ?1",
        )?
        .execute(params![
            seq,
            u.transfer.map(TransferState::as_str),
            !u.error.is_keep(),
            match u.error {
                Change::Set(error) => Some(error),
                Change::Keep | Change::Clear => None,
            },
            u.url,
            u.sha256.map(|h| h.as_slice()),
            u.size.and_then(|s| i64::try_from(s).ok()),
            u.path,
            u.thumbnail,
            u.plain_http,
        ])?;
        if let Some(url) = u.url {
            tx.prepare_cached("UPDATE message SET body = ?2 WHERE seq = ?1")?
                .execute(params![seq, url])?;
        }
        let record = record_by_id(&tx, id)?;
        tx.commit()?;
        Ok(record)
    }

    /// Our file messages whose upload is not done, oldest first (queued
    /// ones, and those whose upload was cut off by a restart); failed,
    /// cancelled and retracted ones are left alone.
    pub fn pending_uploads(&self) -> Result<Vec<PendingUpload>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT m.id, c.jid, a.source, a.name, a.media_type FROM attachment a \
             JOIN message m ON m.seq = a.message_seq \
             JOIN conversation c ON c.id = m.conversation_id \
             WHERE a.transfer IN ('queued', 'uploading') AND m.direction = 'out' \
             AND m.state = 'queued' AND m.retracted = 0 AND a.source IS NOT NULL \
             ORDER BY m.ts, m.seq",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(PendingUpload {
                id: r.get(0)?,
                with: r.get(1)?,
                source: r.get(2)?,
                name: r.get(3)?,
                media_type: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// At start: downloads that a previous run left unfinished are
    /// available again (their partial files were removed or are ignored),
    /// uploads in progress are queued again.
    pub fn reset_transfers(&mut self) -> Result<(), StoreError> {
        // A direct transfer (no link) does not outlive its session: an
        // offer to us or its transfer failed; ours is offered anew.
        self.conn.execute_batch(
            "UPDATE attachment SET transfer = 'failed', \
                 error = 'the direct transfer ended when Plausch was closed' \
             WHERE url IS NULL AND source IS NULL AND transfer IN ('offered', 'downloading'); \
             UPDATE attachment SET transfer = 'available' WHERE transfer = 'downloading'; \
             UPDATE attachment SET transfer = 'queued' WHERE transfer IN ('uploading', 'offered');",
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{Direction, MessageState};
    use crate::store::NewMessage;

    fn store() -> Store {
        Store::open_in_memory().unwrap_or_else(|e| panic!("{e}"))
    }

    fn file_message<'a>(id: &'a str, file: &'a NewFile) -> NewMessage<'a> {
        NewMessage {
            id,
            with: "bob@example.org",
            direction: Direction::Out,
            sender: "me@example.org/pc",
            body: "",
            timestamp: chrono::Utc::now(),
            state: MessageState::Queued,
            server_id: None,
            origin_id: Some(id),
            reply_to: None,
            markable: false,
            file: Some(file),
            mention: false,
            occupant_id: None,
            crypto: Default::default(),
        }
    }

    #[test]
    fn the_conversation_list_names_a_last_file_not_its_url() {
        let mut s = store();
        let file = NewFile {
            name: "Quarterly report.pdf".into(),
            url: Some("https://up.example.org/x/y.pdf".into()),
            ..NewFile::default()
        };
        let mut m = file_message("m1", &file);
        m.body = "https://up.example.org/x/y.pdf";
        assert!(s.insert_message(&m).is_ok());
        let convs = s.conversations().unwrap_or_default();
        assert_eq!(convs.len(), 1);
        assert_eq!(convs[0].last_file.as_deref(), Some("Quarterly report.pdf"));
        // A text message after it: no file any more.
        let mut text = file_message("m2", &file);
        (text.file, text.body) = (None, "thanks");
        assert!(s.insert_message(&text).is_ok());
        let convs = s.conversations().unwrap_or_default();
        assert_eq!(convs[0].last_file, None);
        assert_eq!(convs[0].last_body.as_deref(), Some("thanks"));
    }

    #[test]
    fn a_queued_upload_waits_outside_the_outbox_until_it_has_its_url() {
        let mut s = store();
        let file = NewFile {
            name: "a.pdf".into(),
            size: Some(10),
            media_type: Some("application/pdf".into()),
            source: Some("/tmp/a.pdf".into()),
            ..NewFile::default()
        };
        let rec = s.insert_message(&file_message("m1", &file));
        let rec = rec.ok().flatten().unwrap_or_else(|| panic!("stored"));
        let info = rec.file.unwrap_or_else(|| panic!("file"));
        assert_eq!(info.transfer, TransferState::Queued);
        assert_eq!(info.path.as_deref(), Some("/tmp/a.pdf"));
        assert_eq!(s.outbox().map(|o| o.len()).ok(), Some(0));
        let pending = s.pending_uploads().unwrap_or_default();
        assert_eq!(pending.len(), 1);
        assert_eq!(pending[0].source, "/tmp/a.pdf");

        let hash = [7u8; 32];
        let done = s.update_file(
            "m1",
            &FileUpdate {
                transfer: Some(TransferState::Done),
                url: Some("https://up.example.org/x/a.pdf"),
                sha256: Some(&hash),
                ..FileUpdate::default()
            },
        );
        let done = done.ok().flatten().unwrap_or_else(|| panic!("updated"));
        assert_eq!(done.body, "https://up.example.org/x/a.pdf");
        let info = done.file.unwrap_or_default();
        assert_eq!(info.transfer, TransferState::Done);
        assert_eq!(
            info.sha256.as_deref(),
            Some("BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=")
        );
        assert_eq!(s.outbox().map(|o| o.len()).ok(), Some(1));
        assert!(s.pending_uploads().unwrap_or_default().is_empty());
        // Errors are set and cleared.
        let failed = s.update_file(
            "m1",
            &FileUpdate {
                error: Change::Set("boom"),
                ..FileUpdate::default()
            },
        );
        let failed = failed.ok().flatten().and_then(|r| r.file);
        assert_eq!(failed.and_then(|f| f.error).as_deref(), Some("boom"));
        assert!(matches!(
            s.update_file("nope", &FileUpdate::default()),
            Ok(None)
        ));
    }

    #[test]
    fn interrupted_transfers_are_reset_at_start() {
        let mut s = store();
        let file = NewFile {
            name: "a".into(),
            source: Some("/tmp/a".into()),
            transfer: TransferState::Uploading,
            ..NewFile::default()
        };
        assert!(matches!(
            s.insert_message(&file_message("m1", &file)),
            Ok(Some(_))
        ));
        assert!(s.reset_transfers().is_ok());
        let rec = s.message("m1").ok().flatten().and_then(|r| r.file);
        assert_eq!(rec.map(|f| f.transfer), Some(TransferState::Queued));
    }
}
