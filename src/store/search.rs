//! Full-text search over one account's messages (FTS5), with the filters
//! of [`query::Query`].
//!
//! The index holds each message's current body: a correction replaces the
//! indexed text (the update trigger), a retraction or moderation wipes it.
//! Retracted and moderated rows are excluded here as well, so an index
//! entry left behind by anything else can never bring them back.

pub mod query;

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use rusqlite::ToSql;
use rusqlite::types::Value;

use super::messages::{record_by_seq, record_from_row, select_record};
use super::{Store, StoreError};
use crate::api::MessageRecord;
pub use query::Query;

/// The user's words as an FTS5 query: every word must occur (as a prefix),
/// and nothing the user types is taken as query syntax.
pub(crate) fn fts_query(text: &str) -> Option<String> {
    Query::parse(text).fts()
}

const SELECT: &str = select_record!("");

/// A block of `message_block` is the seqs with the same `seq >> BLOCK_BITS`.
const BLOCK_BITS: u32 = 12;
const ORDER: &str = "ORDER BY m.ts DESC, m.pos DESC LIMIT :limit";

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
        let Some(fts) = query.fts() else {
            params.push((":limit", Value::Integer(limit.into())));
            return self.records(
                &format!("{SELECT} WHERE m.retracted = 0{filters} {ORDER}"),
                &params,
            );
        };
        params.push((":fts", Value::Text(fts)));
        self.newest_matches(&filters, params, limit)
    }

    /// The newest `limit` matches. The index is read newest seq first, each
    /// match looked up and kept if among the newest by time; reading stops
    /// once no message left (a lower seq) can be newer than the ones kept,
    /// which `message_block` (schema version 14) bounds per block of seqs.
    /// Seqs mostly follow time, so two words found in a third of all
    /// messages are a few hundred matches read, not 70,000 read and sorted;
    /// older pages stored later only make it read further.
    fn newest_matches(
        &self,
        filters: &str,
        params: Params,
        limit: u32,
    ) -> Result<Vec<MessageRecord>, StoreError> {
        // The newest time of each block and all below it.
        let mut newest_below: Vec<(i64, i64)> = self
            .conn
            .prepare_cached("SELECT block, max_ts FROM message_block ORDER BY block")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut newest = i64::MIN;
        for (_, ts) in &mut newest_below {
            newest = newest.max(*ts);
            *ts = newest;
        }
        let bound =
            |seq: i64| match newest_below.binary_search_by_key(&(seq >> BLOCK_BITS), |b| b.0) {
                Ok(i) => newest_below[i].1,
                // A block without its time (not written by this version):
                // no bound while in it.
                Err(_) => i64::MAX,
            };
        // The unary `+` keeps SQLite from walking the whole conversation by
        // its (ts, pos) index instead of reading the matches.
        let sql = format!(
            "SELECT m.ts, m.pos, m.seq FROM message_fts f JOIN message m ON m.seq = f.rowid \
             JOIN conversation c ON c.id = m.conversation_id \
             WHERE message_fts MATCH :fts AND m.retracted = 0{} ORDER BY f.rowid DESC",
            filters.replace("m.conversation_id", "+m.conversation_id")
        );
        let limit = limit as usize;
        // The kept matches, the oldest on top: (ts, pos, seq).
        let mut kept: BinaryHeap<Reverse<(i64, Option<i64>, i64)>> = BinaryHeap::new();
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut rows = stmt.query(named(&params).as_slice())?;
        let mut block = None;
        while let Some(row) = rows.next()? {
            let found: (i64, Option<i64>, i64) = (row.get(0)?, row.get(1)?, row.get(2)?);
            // Checked as each block begins: nothing newer can come.
            if block != Some(found.2 >> BLOCK_BITS) {
                block = Some(found.2 >> BLOCK_BITS);
                let ceiling = bound(found.2);
                if kept.len() == limit && kept.peek().is_some_and(|Reverse(k)| k.0 > ceiling) {
                    break;
                }
            }
            kept.push(Reverse(found));
            if kept.len() > limit {
                kept.pop();
            }
        }
        drop(rows);
        let mut newest: Vec<_> = kept.into_iter().map(|Reverse(k)| k).collect();
        newest.sort_unstable_by(|a, b| b.cmp(a));
        let mut records = Vec::with_capacity(newest.len());
        for (_, _, seq) in newest {
            records.extend(record_by_seq(&self.conn, seq)?);
        }
        Ok(records)
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
