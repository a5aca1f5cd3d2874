//! What people tell about themselves (nickname, avatar hash, last seen),
//! kept per bare JID apart from the roster, which is replaced wholesale.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError};

/// One row of the `peer` table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Peer {
    pub nick: Option<String>,
    /// SHA-1 hex of the avatar data.
    pub avatar: Option<String>,
    pub last_seen: Option<DateTime<Utc>>,
}

impl Store {
    pub fn peer(&self, jid: &str) -> Result<Peer, StoreError> {
        let row = self
            .conn
            .prepare_cached("SELECT nick, avatar, last_seen FROM peer WHERE jid = ?1")?
            .query_row([jid], |r| {
                Ok(Peer {
                    nick: r.get(0)?,
                    avatar: r.get(1)?,
                    last_seen: r
                        .get::<_, Option<i64>>(2)?
                        .and_then(DateTime::from_timestamp_millis),
                })
            })
            .optional()?;
        Ok(row.unwrap_or_default())
    }

    /// Sets the nickname; returns whether it changed.
    pub fn set_nick(&mut self, jid: &str, nick: Option<&str>) -> Result<bool, StoreError> {
        self.set_peer_column(jid, "nick", nick.map(str::to_owned).into())
    }

    /// Sets the avatar hash; returns whether it changed.
    pub fn set_avatar(&mut self, jid: &str, hash: Option<&str>) -> Result<bool, StoreError> {
        self.set_peer_column(jid, "avatar", hash.map(str::to_owned).into())
    }

    /// Sets when the contact was last seen; returns whether it changed.
    pub fn set_last_seen(
        &mut self,
        jid: &str,
        at: Option<DateTime<Utc>>,
    ) -> Result<bool, StoreError> {
        self.set_peer_column(jid, "last_seen", at.map(|t| t.timestamp_millis()).into())
    }

    /// All avatar hashes in use (to clean the thumbnail cache).
    pub fn avatar_hashes(&self) -> Result<Vec<String>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT DISTINCT avatar FROM peer WHERE avatar IS NOT NULL")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn set_peer_column(
        &mut self,
        jid: &str,
        column: &'static str,
        value: rusqlite::types::Value,
    ) -> Result<bool, StoreError> {
        // `column` is one of three constants above, never user input.
        // Clearing only touches a row that has a value: for someone we know
        // nothing about, "none" is no change (and no empty row is made).
        let changed = if value == rusqlite::types::Value::Null {
            self.conn
                .prepare_cached(&format!(
                    "UPDATE peer SET {column} = NULL WHERE jid = ?1 AND {column} IS NOT NULL"
                ))?
                .execute(params![jid])?
        } else {
            self.conn
                .prepare_cached(&format!(
                    "INSERT INTO peer (jid, {column}) VALUES (?1, ?2) \
                     ON CONFLICT (jid) DO UPDATE SET {column} = excluded.{column} \
                     WHERE {column} IS NOT excluded.{column}"
                ))?
                .execute(params![jid, value])?
        };
        Ok(changed > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peer_fields_are_independent_and_report_changes() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let mut store = Store::open(&dir.path().join("h.sqlite")).unwrap_or_else(|e| panic!("{e}"));
        let ok = |r: Result<bool, StoreError>| r.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(store.peer("bob@x").ok(), Some(Peer::default()));
        assert!(
            !ok(store.set_avatar("bob@x", None)),
            "none for a stranger: no news"
        );
        assert!(ok(store.set_nick("bob@x", Some("Bobby"))));
        assert!(!ok(store.set_nick("bob@x", Some("Bobby"))), "unchanged");
        assert!(ok(store.set_avatar("bob@x", Some("abc"))));
        let seen = DateTime::from_timestamp_millis(1_700_000_000_000);
        assert!(ok(store.set_last_seen("bob@x", seen)));
        let peer = store.peer("bob@x").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(peer.nick.as_deref(), Some("Bobby"));
        assert_eq!(peer.avatar.as_deref(), Some("abc"));
        assert_eq!(peer.last_seen, seen);
        assert!(ok(store.set_avatar("bob@x", None)));
        assert_eq!(store.avatar_hashes().ok(), Some(vec![]));
        // The roster join carries the peer's fields.
        let contact = crate::api::Contact {
            jid: "bob@x".into(),
            subscription: "both".into(),
            ..Default::default()
        };
        store
            .replace_roster(&[contact], None)
            .unwrap_or_else(|e| panic!("{e}"));
        let contacts = store.contacts().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(contacts[0].nick.as_deref(), Some("Bobby"));
        assert_eq!(contacts[0].last_seen, seen);
        let one = store.contact("bob@x").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(one.as_ref(), contacts.first());
        assert_eq!(store.contact("carol@x").ok(), Some(None));
    }
}
