//! The roster (RFC 6121) and its version for roster versioning.

use rusqlite::types::Type;
use rusqlite::{Connection, OptionalExtension, params};

use super::{Store, StoreError, bad_value};
use crate::api::{Availability, Contact};

/// `meta` key of the roster version (RFC 6121 §2.6).
const ROSTER_VERSION_KEY: &str = "roster_version";

fn upsert(conn: &Connection, c: &Contact) -> Result<(), StoreError> {
    // Groups as a JSON array: group names are free text, a separator could
    // occur in them.
    let groups = serde_json::to_string(&c.groups)
        .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
    conn.prepare_cached(
        "INSERT INTO contact (jid, name, subscription, groups) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT (jid) DO UPDATE SET name = excluded.name, \
         subscription = excluded.subscription, groups = excluded.groups",
    )?
    .execute(params![c.jid, c.name, c.subscription, groups])?;
    Ok(())
}

/// A roster contact with what they tell about themselves; see `contact_row`.
const CONTACT_COLUMNS: &str = "SELECT c.jid, c.name, c.subscription, c.groups, p.nick, p.avatar, p.last_seen \
     FROM contact c LEFT JOIN peer p ON p.jid = c.jid";

fn contact_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Contact> {
    let groups = row.get_ref(3)?.as_str()?;
    let groups: Vec<String> = serde_json::from_str(groups)
        .map_err(|e| bad_value(3, Type::Text, format!("contact groups: {e}")))?;
    Ok(Contact {
        jid: row.get(0)?,
        name: row.get(1)?,
        subscription: row.get(2)?,
        groups,
        presence: Availability::Offline,
        status: None,
        nick: row.get(4)?,
        // The hash: the actor turns it into the thumbnail's path.
        avatar: row.get(5)?,
        last_seen: row
            .get::<_, Option<i64>>(6)?
            .and_then(chrono::DateTime::from_timestamp_millis),
    })
}

/// `meta` key of the blocked JIDs (XEP-0191), a JSON array.
const BLOCKLIST_KEY: &str = "blocklist";

impl Store {
    /// The blocked JIDs as last known.
    pub fn blocklist(&self) -> Result<Vec<String>, StoreError> {
        let Some(json) = super::meta(&self.conn, BLOCKLIST_KEY)? else {
            return Ok(Vec::new());
        };
        serde_json::from_str(&json)
            .map_err(|e| bad_value(0, Type::Text, format!("blocklist: {e}")).into())
    }

    pub fn set_blocklist(&mut self, jids: &[String]) -> Result<(), StoreError> {
        let json = serde_json::to_string(jids)
            .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
        super::set_meta(&self.conn, BLOCKLIST_KEY, Some(&json))
    }

    /// Replaces the whole roster (a full roster result) and its version
    /// atomically, so a crash never leaves a half roster with a version that
    /// claims it is complete.
    pub fn replace_roster(
        &mut self,
        contacts: &[Contact],
        version: Option<&str>,
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM contact", [])?;
        for c in contacts {
            upsert(&tx, c)?;
        }
        super::set_meta(&tx, ROSTER_VERSION_KEY, version)?;
        tx.commit()?;
        Ok(())
    }

    /// Adds or updates one contact (a roster push). The stored presence and
    /// status of `c` are ignored: presence is not persisted.
    pub fn upsert_contact(&mut self, c: &Contact) -> Result<(), StoreError> {
        upsert(&self.conn, c)
    }

    pub fn remove_contact(&mut self, jid: &str) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("DELETE FROM contact WHERE jid = ?1")?
            .execute([jid])?;
        Ok(())
    }

    /// Records the version carried by a roster push (after applying it with
    /// `upsert_contact` / `remove_contact`); `None` forgets the version, which
    /// forces a full roster fetch on the next login.
    pub fn set_roster_version(&mut self, version: Option<&str>) -> Result<(), StoreError> {
        super::set_meta(&self.conn, ROSTER_VERSION_KEY, version)
    }

    /// The stored roster, presence Offline and status None (presence is
    /// runtime state), sorted by display name (name, else JID).
    pub fn contacts(&self) -> Result<Vec<Contact>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "{CONTACT_COLUMNS} ORDER BY coalesce(nullif(c.name, ''), c.jid) COLLATE NOCASE, c.jid"
        ))?;
        let rows = stmt.query_map([], contact_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One roster contact (as in `contacts`), None if `jid` is not in the roster.
    pub fn contact(&self, jid: &str) -> Result<Option<Contact>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(&format!("{CONTACT_COLUMNS} WHERE c.jid = ?1"))?
            .query_row([jid], contact_row)
            .optional()?)
    }

    /// Whether `jid` (bare) is in the roster.
    pub fn is_contact(&self, jid: &str) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM contact WHERE jid = ?1")?
            .exists([jid])?)
    }

    /// The subscription state (`none`, `to`, `from`, `both`) of a roster
    /// contact, None if `jid` is not in the roster.
    pub fn subscription(&self, jid: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT subscription FROM contact WHERE jid = ?1")?
            .query_row([jid], |r| r.get(0))
            .optional()?)
    }

    /// The version of the stored roster, to request only changes on login.
    pub fn roster_version(&self) -> Result<Option<String>, StoreError> {
        super::meta(&self.conn, ROSTER_VERSION_KEY)
    }
}
