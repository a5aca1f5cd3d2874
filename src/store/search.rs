//! Full-text search over one account's messages (FTS5).

use super::messages::{record_from_row, select_record};
use super::{Store, StoreError};
use crate::api::MessageRecord;

/// The user's words as an FTS5 query: every word must occur (as a prefix),
/// and nothing the user types is taken as query syntax.
pub(crate) fn fts_query(text: &str) -> Option<String> {
    let terms: Vec<String> = text
        .split_whitespace()
        .map(|w| format!("\"{}\"*", w.replace('"', "\"\"")))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

impl Store {
    /// Messages containing all words of `text`, newest first.
    pub fn search(&self, text: &str, limit: u32) -> Result<Vec<MessageRecord>, StoreError> {
        let Some(query) = fts_query(text) else {
            return Ok(Vec::new());
        };
        let mut stmt = self.conn.prepare_cached(select_record!(
            "JOIN message_fts f ON f.rowid = m.seq "
            "WHERE message_fts MATCH ?1 ORDER BY m.ts DESC, m.pos DESC LIMIT ?2"
        ))?;
        let rows = stmt.query_map(rusqlite::params![query, limit], record_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
