//! Group chats (schema version 7): which conversations are rooms, and what
//! the account keeps about each room between sessions.

use rusqlite::{OptionalExtension, Row, params};

use super::{Store, StoreError, bad_value};
use crate::api::NotifyMode;

/// What the store keeps about a room.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomRow {
    pub jid: String,
    pub name: Option<String>,
    pub nick: Option<String>,
    pub autojoin: bool,
    pub notify: NotifyMode,
    pub subject: Option<String>,
    /// The room archive's catch-up cursor (`Some("")`: synced while empty).
    pub mam_cursor: Option<String>,
}

fn notify_str(mode: NotifyMode) -> &'static str {
    match mode {
        NotifyMode::All => "all",
        NotifyMode::Mentions => "mentions",
        NotifyMode::None => "none",
    }
}

fn room_from_row(row: &Row<'_>) -> rusqlite::Result<RoomRow> {
    let notify = match row.get_ref(4)?.as_str()? {
        "all" => NotifyMode::All,
        "mentions" => NotifyMode::Mentions,
        "none" => NotifyMode::None,
        other => {
            return Err(bad_value(
                4,
                rusqlite::types::Type::Text,
                format!("unknown notify mode {other:?}"),
            ));
        }
    };
    Ok(RoomRow {
        jid: row.get(0)?,
        name: row.get(1)?,
        nick: row.get(2)?,
        autojoin: row.get(3)?,
        notify,
        subject: row.get(5)?,
        mam_cursor: row.get(6)?,
    })
}

const SELECT_ROOM: &str = "SELECT jid, name, nick, autojoin, notify, subject, mam_cursor FROM room";

impl Store {
    /// Makes `jid` a room conversation (created empty, so it is listed
    /// before its first message) with a room row.
    pub fn ensure_room(&mut self, jid: &str) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        tx.prepare_cached(
            "INSERT INTO conversation (jid, kind) VALUES (?1, 'room') \
             ON CONFLICT (jid) DO UPDATE SET kind = 'room'",
        )?
        .execute([jid])?;
        tx.prepare_cached("INSERT INTO room (jid) VALUES (?1) ON CONFLICT (jid) DO NOTHING")?
            .execute([jid])?;
        tx.commit()?;
        Ok(())
    }

    /// Whether `jid` is a room we know.
    pub fn is_room(&self, jid: &str) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM room WHERE jid = ?1")?
            .query_row([jid], |_| Ok(()))
            .optional()?
            .is_some())
    }

    pub fn room(&self, jid: &str) -> Result<Option<RoomRow>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(&format!("{SELECT_ROOM} WHERE jid = ?1"))?
            .query_row([jid], room_from_row)
            .optional()?)
    }

    pub fn rooms(&self) -> Result<Vec<RoomRow>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("{SELECT_ROOM} ORDER BY jid"))?;
        let rows = stmt.query_map([], room_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Remembers the bookmark of a room: its name, our nick, autojoin.
    pub fn set_room_bookmark(
        &mut self,
        jid: &str,
        name: Option<&str>,
        nick: Option<&str>,
        autojoin: bool,
    ) -> Result<(), StoreError> {
        self.ensure_room(jid)?;
        self.conn
            .prepare_cached(
                "UPDATE room SET name = coalesce(?2, name), nick = coalesce(?3, nick), \
                 autojoin = ?4 WHERE jid = ?1",
            )?
            .execute(params![jid, name, nick, autojoin])?;
        Ok(())
    }

    pub fn set_room_notify(&mut self, jid: &str, mode: NotifyMode) -> Result<(), StoreError> {
        self.ensure_room(jid)?;
        self.conn
            .prepare_cached("UPDATE room SET notify = ?2 WHERE jid = ?1")?
            .execute(params![jid, notify_str(mode)])?;
        Ok(())
    }

    pub fn set_room_subject(&mut self, jid: &str, subject: Option<&str>) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("UPDATE room SET subject = ?2 WHERE jid = ?1")?
            .execute(params![jid, subject])?;
        Ok(())
    }

    /// Remembers whether room `jid` is private (members-only, not
    /// anonymous), as its disco#info says.
    pub fn set_room_private(&mut self, jid: &str, private: bool) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("UPDATE room SET private = ?2 WHERE jid = ?1")?
            .execute(params![jid, private])?;
        Ok(())
    }

    /// Whether room `jid` was private when we last asked (None: never asked).
    pub fn room_private(&self, jid: &str) -> Result<Option<bool>, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT private FROM room WHERE jid = ?1")?
            .query_row([jid], |r| r.get::<_, Option<bool>>(0))
            .optional()?
            .flatten())
    }

    /// The archive id (stanza-id) of a stored message, and its conversation.
    pub fn server_id_of(&self, id: &str) -> Result<Option<(String, String)>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT c.jid, m.server_id FROM message m JOIN conversation c \
                 ON c.id = m.conversation_id WHERE m.id = ?1 AND m.server_id IS NOT NULL",
            )?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?)
    }

    /// Moves a room's archive cursor (after the page up to `id` is stored).
    pub fn set_room_cursor(&mut self, jid: &str, id: Option<&str>) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("UPDATE room SET mam_cursor = ?2 WHERE jid = ?1")?
            .execute(params![jid, id])?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rooms_are_listed_empty_and_remember_their_settings() -> Result<(), StoreError> {
        let mut store = Store::open_in_memory()?;
        store.ensure_room("team@conference.example.org")?;
        assert!(store.is_room("team@conference.example.org")?);
        assert!(!store.is_room("bob@example.org")?);
        let list = store.conversations()?;
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].kind, crate::api::ConversationKind::Room);
        store.set_room_bookmark(
            "team@conference.example.org",
            Some("Team"),
            Some("al"),
            true,
        )?;
        store.set_room_notify("team@conference.example.org", NotifyMode::All)?;
        store.set_room_cursor("team@conference.example.org", Some("a1"))?;
        let room = store.room("team@conference.example.org")?;
        assert_eq!(
            room.map(|r| (r.name, r.nick, r.autojoin, r.notify, r.mam_cursor)),
            Some((
                Some("Team".into()),
                Some("al".into()),
                true,
                NotifyMode::All,
                Some("a1".into())
            ))
        );
        // A bookmark update without a name keeps the one we had.
        store.set_room_bookmark("team@conference.example.org", None, None, false)?;
        let room = store.room("team@conference.example.org")?;
        assert_eq!(
            room.map(|r| (r.name, r.autojoin)),
            Some((Some("Team".into()), false))
        );
        // Private (encryption possible) once its disco#info said so.
        assert_eq!(store.room_private("team@conference.example.org")?, None);
        store.set_room_private("team@conference.example.org", true)?;
        assert_eq!(
            store.room_private("team@conference.example.org")?,
            Some(true)
        );
        assert_eq!(store.room_private("other@conference.example.org")?, None);
        Ok(())
    }
}
