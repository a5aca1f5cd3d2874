//! Full-text search over one account's messages (FTS5), with the filters
//! of [`query::Query`].
//!
//! The index holds each message's current body: a correction replaces the
//! indexed text (the update trigger), a retraction or moderation wipes it.
//! Retracted and moderated rows are excluded here as well, so an index
//! entry left behind by anything else can never bring them back.

pub mod query;

use rusqlite::ToSql;
use rusqlite::types::Value;

use super::messages::{record_from_row, select_record};
use super::{Store, StoreError};
use crate::api::MessageRecord;
pub use query::Query;

/// The user's words as an FTS5 query: every word must occur (as a prefix),
/// and nothing the user types is taken as query syntax.
pub(crate) fn fts_query(text: &str) -> Option<String> {
    Query::parse(text).fts()
}

const SELECT: &str = select_record!("");
const ORDER: &str = "ORDER BY m.ts DESC, m.pos DESC LIMIT :limit";

/// How many of the newest matches by arrival are read to find the floor.
const CANDIDATES: usize = 200;
/// Above this many messages between the newest candidates' first and
/// last, matches are sparse: reading every message since the floor would
/// cost more than sorting all matches.
const DENSE_SPAN: i64 = 20_000;

/// Which conversations `?1` names: its JID, or a contact's or room's
/// name (case-insensitive, as typed).
const WITH: &str = "SELECT id FROM conversation WHERE jid = ?1 COLLATE NOCASE \
     OR jid IN (SELECT jid FROM contact WHERE name = ?1 COLLATE NOCASE) \
     OR jid IN (SELECT jid FROM room WHERE name = ?1 COLLATE NOCASE) LIMIT 2";

/// Who `:from` names: a bare or full JID, a contact's name, or in a room
/// (or a private conversation with an occupant) the nick after the slash.
const FROM: &str = "(m.sender_bare = :from COLLATE NOCASE OR m.sender = :from COLLATE NOCASE \
     OR (instr(m.sender, '/') > 0 AND (c.kind = 'room' OR instr(c.jid, '/') > 0) \
         AND substr(m.sender, instr(m.sender, '/') + 1) = :from COLLATE NOCASE) \
     OR m.sender_bare IN (SELECT jid FROM contact WHERE name = :from COLLATE NOCASE))";

impl Store {
    /// Messages matching `text` (words as prefixes, all required, and the
    /// filters of [`Query`]), newest first. Retracted and moderated
    /// messages are never found.
    pub fn search(&self, text: &str, limit: u32) -> Result<Vec<MessageRecord>, StoreError> {
        self.search_query(&Query::parse(text), limit)
    }

    /// [`Store::search`] with the query already parsed.
    ///
    /// Few matches are read and sorted by time. Many matches (common
    /// words) would make that sort slow, so the newest matches by arrival
    /// are read first (FTS5 hands them out newest first and stops): the
    /// `limit`-th newest time among them is a floor that at least `limit`
    /// matches reach, so the answer lies above it, and only the messages
    /// since then are read, newest first, each probed in the index.
    pub fn search_query(
        &self,
        query: &Query,
        limit: u32,
    ) -> Result<Vec<MessageRecord>, StoreError> {
        if query.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let Some((filters, mut params)) = self.filters(query)? else {
            return Ok(Vec::new());
        };
        params.push((":limit", Value::Integer(limit.into())));
        let Some(fts) = query.fts() else {
            return self.records(
                &format!("{SELECT} WHERE m.retracted = 0{filters} {ORDER}"),
                &params,
            );
        };
        params.push((":fts", Value::Text(fts)));
        let all = format!(
            "{SELECT} WHERE m.retracted = 0 \
             AND m.seq IN (SELECT rowid FROM message_fts WHERE message_fts MATCH :fts)\
             {filters} {ORDER}"
        );
        // The newest candidates by arrival (seq).
        let wanted = CANDIDATES.max(4 * limit as usize);
        let mut candidates = params.clone();
        candidates.retain(|(k, _)| *k != ":limit");
        candidates.push((":candidates", Value::Integer(wanted as i64)));
        let newest: Vec<(i64, i64)> = {
            let sql = format!(
                "SELECT m.seq, m.ts FROM message_fts f JOIN message m ON m.seq = f.rowid \
                 JOIN conversation c ON c.id = m.conversation_id \
                 WHERE message_fts MATCH :fts AND m.retracted = 0{filters} \
                 ORDER BY f.rowid DESC LIMIT :candidates"
            );
            let mut stmt = self.conn.prepare_cached(&sql)?;
            let rows = stmt.query_map(named(&candidates).as_slice(), |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        // Fewer matches than asked for: all are in hand, sorting is cheap.
        let (Some(first), Some(last)) = (newest.first(), newest.last()) else {
            return Ok(Vec::new());
        };
        if newest.len() < wanted || first.0 - last.0 > DENSE_SPAN {
            return self.records(&all, &params);
        }
        let mut times: Vec<i64> = newest.iter().map(|(_, ts)| *ts).collect();
        times.sort_unstable_by(|a, b| b.cmp(a));
        let floor = times[limit as usize - 1];
        params.push((":floor", Value::Integer(floor)));
        // Without `with:` every conversation's (ts, pos) index is entered
        // at the floor.
        let every = if query.with.is_none() {
            " AND m.conversation_id IN (SELECT id FROM conversation)"
        } else {
            ""
        };
        let recent = format!(
            "{SELECT} WHERE m.retracted = 0{filters}{every} AND m.ts >= :floor \
             AND EXISTS (SELECT 1 FROM message_fts WHERE message_fts MATCH :fts AND rowid = m.seq) \
             {ORDER}"
        );
        self.records(&recent, &params)
    }

    /// The filters as SQL conditions (each starting with " AND") and their
    /// parameters; None when `with:` names no conversation.
    fn filters(&self, query: &Query) -> Result<Option<(String, Params)>, StoreError> {
        let mut sql = String::new();
        let mut params: Params = Vec::new();
        if let Some(with) = &query.with {
            // Resolved first: one conversation id lets SQLite walk that
            // conversation's (ts, pos) index newest first and stop at the
            // limit, where a subquery made it sort every match.
            let ids: Vec<i64> = self
                .conn
                .prepare_cached(WITH)?
                .query_map([with], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            match ids[..] {
                [] => return Ok(None),
                [id] => {
                    sql.push_str(" AND m.conversation_id = :with");
                    params.push((":with", Value::Integer(id)));
                }
                // A name shared by several: all of them.
                _ => {
                    sql.push_str(&format!(
                        " AND m.conversation_id IN ({})",
                        WITH.replace("?1", ":with").replace(" LIMIT 2", "")
                    ));
                    params.push((":with", Value::Text(with.clone())));
                }
            }
        }
        if let Some(from) = &query.from {
            sql.push_str(" AND ");
            sql.push_str(FROM);
            params.push((":from", Value::Text(from.clone())));
        }
        if let Some(before) = query.before_ms() {
            sql.push_str(" AND m.ts < :before");
            params.push((":before", Value::Integer(before)));
        }
        if let Some(after) = query.after_ms() {
            sql.push_str(" AND m.ts >= :after");
            params.push((":after", Value::Integer(after)));
        }
        Ok(Some((sql, params)))
    }

    fn records(&self, sql: &str, params: &Params) -> Result<Vec<MessageRecord>, StoreError> {
        // A few dozen shapes of statement at most: all stay in the cache.
        let mut stmt = self.conn.prepare_cached(sql)?;
        let rows = stmt.query_map(named(params).as_slice(), record_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

type Params = Vec<(&'static str, Value)>;

fn named(params: &Params) -> Vec<(&str, &dyn ToSql)> {
    params.iter().map(|(k, v)| (*k, v as &dyn ToSql)).collect()
}

#[cfg(test)]
mod tests;
