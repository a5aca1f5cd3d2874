//! The history under the user's control: exports (written off the actor,
//! from a read-only connection, so messages keep arriving meanwhile),
//! deleting messages or a conversation here, and the account's retention
//! (messages older than it keeps are deleted at start and once a day).
//! The server's archive keeps its copy: XEP-0313 has no deletion.

use std::path::Path;

use chrono::{DateTime, Utc};

use super::Actor;
use crate::api::{Event, ExportFormat, Problem};
use crate::export;
use crate::store::Deleted;

/// How often retention runs while the account runs.
pub(super) const RETENTION_EVERY: std::time::Duration = std::time::Duration::from_secs(24 * 3600);

impl Actor {
    /// `export`: written in a blocking task; `export_done` or an error.
    pub(super) fn export(&self, with: Option<String>, format: ExportFormat, path: &str) {
        let target = match Path::new(path) {
            // A folder (everything, one file per account).
            p if p.is_dir() => p.join(format!("{}.{}", self.id, format.extension())),
            p => p.to_path_buf(),
        };
        let db = self.data_dir.join("history.sqlite");
        let (events, account, own) = (self.events.clone(), self.id.clone(), self.jid.to_string());
        tokio::task::spawn_blocking(move || {
            let event = match export::file::write_file(&db, &target, with.as_deref(), format, &own)
            {
                Ok((messages, bytes)) => Event::ExportDone {
                    account: account.clone(),
                    path: target.display().to_string(),
                    messages,
                    bytes,
                },
                Err(e) => {
                    let text = format!("export not written: {e}");
                    Event::problem(Some(&account), Problem::ExportFailed, text)
                }
            };
            let _ = events.send(event);
        });
    }

    /// `delete_message`.
    pub(super) fn delete_message(&mut self, id: &str) {
        match self.store.delete_message(id) {
            Ok(Some((with, deleted))) => self.deleted(Some(with), Some(id), deleted, false),
            Ok(None) => self.error(Problem::UnknownMessage, format!("no message {id}"), None),
            Err(e) => self.error(Problem::StoreFailed, e.to_string(), None),
        }
    }

    /// `delete_conversation`.
    pub(super) fn delete_conversation(&mut self, with: &str) {
        match self.store.delete_conversation(with) {
            Ok(deleted) => self.deleted(Some(with.to_owned()), None, deleted, false),
            Err(e) => self.error(Problem::StoreFailed, e.to_string(), None),
        }
    }

    /// From when archive queries ask for messages: what the account keeps
    /// (`keep_days`), so scrolling back or catching up never fetches what
    /// retention would delete again; None keeps everything.
    pub(super) fn archive_start(&self) -> Option<DateTime<Utc>> {
        (self.keep_days > 0).then(|| Utc::now() - chrono::Duration::days(i64::from(self.keep_days)))
    }

    /// Deletes what is older than the account keeps (`keep_days`; 0 keeps
    /// everything), as of `now`.
    pub(super) fn apply_retention(&mut self, now: DateTime<Utc>) {
        let days = self.keep_days;
        if days == 0 {
            return;
        }
        let cutoff = now - chrono::Duration::days(i64::from(days));
        match self.store.delete_older_than(cutoff) {
            Ok(deleted) if deleted.messages > 0 => {
                tracing::info!(account = %self.id, messages = deleted.messages, days, "retention");
                self.deleted(None, None, deleted, true);
            }
            Ok(_) => {}
            Err(e) => self.error(Problem::StoreFailed, format!("retention: {e}"), None),
        }
    }

    /// Removes the deleted messages' files and says what went.
    fn deleted(&self, with: Option<String>, id: Option<&str>, deleted: Deleted, retention: bool) {
        for file in &deleted.files {
            if let Err(e) = std::fs::remove_file(file)
                && e.kind() != std::io::ErrorKind::NotFound
            {
                tracing::warn!(account = %self.id, "file of a deleted message not removed: {e}");
            }
        }
        self.emit(Event::HistoryDeleted {
            account: self.id.clone(),
            with,
            id: id.map(str::to_owned),
            messages: deleted.messages,
            retention,
        });
    }
}
