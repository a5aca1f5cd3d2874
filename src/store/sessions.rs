//! OMEMO ratchet sessions (schema version 11, `omemo_session`).
//!
//! Decrypting a message moves its session on; the new state must be on
//! disk exactly when the message is: saved before it, a crash would lose a
//! message whose key is gone; saved after, a crash would leave a session
//! behind the other side's. So decrypting *stages* the sessions it moved,
//! and the transaction that stores the messages writes them
//! ([`Store::insert_messages`] and its siblings); a batch that stores no
//! message saves them with [`Store::save_staged_sessions`]. A batch that
//! could not be stored drops them (the messages come again, from the
//! archive, and the old state still opens them).

use chrono::Utc;
use rusqlite::{OptionalExtension, Transaction, params};
use zeroize::Zeroizing;

use super::{Store, StoreError};
use crate::api::{Encryption, MessageRecord};
use crate::xmpp::omemo::{DeviceId, Version};

/// A session's new state, waiting for its transaction.
pub(super) struct StagedSession {
    jid: String,
    version: Version,
    device: DeviceId,
    /// `Session::to_bytes` (secret).
    bytes: Zeroizing<Vec<u8>>,
    /// The session's identity key, when a received message moved it: the
    /// device is recorded as heard in the same transaction
    /// ([`super::omemo::heard_in`]), not in two more of its own.
    heard: Option<Vec<u8>>,
}

impl Store {
    /// The stored session with `device` of `jid` (`Session::to_bytes`), the
    /// staged one if there is one.
    pub fn omemo_session(
        &self,
        jid: &str,
        version: Version,
        device: DeviceId,
    ) -> Result<Option<Zeroizing<Vec<u8>>>, StoreError> {
        if let Some(s) = self
            .staged
            .iter()
            .rev()
            .find(|s| s.jid == jid && s.version == version && s.device == device)
        {
            return Ok(Some(s.bytes.clone()));
        }
        Ok(self
            .conn
            .prepare_cached(
                "SELECT session FROM omemo_session \
                 WHERE jid = ?1 AND version = ?2 AND device_id = ?3",
            )?
            .query_row(params![jid, version.as_str(), device.get()], |r| {
                r.get::<_, Vec<u8>>(0)
            })
            .optional()?
            .map(Zeroizing::new))
    }

    /// Stages a session's new state for the next transaction that stores
    /// messages (see the module notes); `heard` is its identity key when a
    /// message from the device moved it.
    pub fn stage_session(
        &mut self,
        jid: &str,
        version: Version,
        device: DeviceId,
        bytes: Zeroizing<Vec<u8>>,
        heard: Option<Vec<u8>>,
    ) {
        // A later state of the same session replaces the staged one; a
        // device heard stays heard.
        let mut heard = heard;
        self.staged.retain_mut(|s| {
            let same = s.jid == jid && s.version == version && s.device == device;
            if same && heard.is_none() {
                heard = s.heard.take();
            }
            !same
        });
        self.staged.push(StagedSession {
            jid: jid.to_owned(),
            version,
            device,
            bytes,
            heard,
        });
    }

    /// Saves the staged sessions in a transaction of their own.
    pub fn save_staged_sessions(&mut self) -> Result<(), StoreError> {
        self.save_staged_sealing(None)
    }

    /// Saves the staged sessions, and with them the elements our message
    /// `sealed.0` was encrypted into (`sealed.1`, see
    /// `xmpp::omemo::sealed_to_xml`), in one transaction: the message is
    /// sent again with these, never encrypted anew.
    pub fn save_staged_sealing(&mut self, sealed: Option<(&str, &str)>) -> Result<(), StoreError> {
        if self.staged.is_empty() && sealed.is_none() {
            return Ok(());
        }
        let tx = self.conn.transaction()?;
        write_staged(&tx, &self.staged)?;
        if let Some((id, xml)) = sealed {
            tx.prepare_cached(
                "INSERT OR REPLACE INTO omemo_sealed (message_id, elements) VALUES (?1, ?2)",
            )?
            .execute(params![id, xml])?;
        }
        tx.commit()?;
        self.staged.clear();
        Ok(())
    }

    /// What our message `id` was encrypted into, while it is on its way.
    pub fn omemo_sealed(&self, id: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT elements FROM omemo_sealed WHERE message_id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?)
    }

    /// Forgets the staged sessions: their messages were not stored.
    pub fn drop_staged_sessions(&mut self) {
        self.staged.clear();
    }

    /// Records how our message `id` went out (the variant decided when it
    /// was encrypted); the record if that changed it.
    pub fn set_message_encryption(
        &mut self,
        id: &str,
        encryption: Encryption,
    ) -> Result<Option<MessageRecord>, StoreError> {
        let changed = self
            .conn
            .prepare_cached(
                "UPDATE message SET encryption = ?2 \
                 WHERE id = ?1 AND direction = 'out' AND encryption != ?2",
            )?
            .execute(params![id, encryption.as_str()])?;
        if changed == 0 {
            return Ok(None);
        }
        Ok(super::messages::record_by_id(&self.conn, id)?)
    }

    /// Forgets the sessions with `device` of `jid` (every variant, staged
    /// ones too): the next message builds a new one from its bundle.
    pub fn delete_omemo_sessions(&mut self, jid: &str, device: DeviceId) -> Result<(), StoreError> {
        self.staged
            .retain(|s| !(s.jid == jid && s.device == device));
        self.conn
            .prepare_cached("DELETE FROM omemo_session WHERE jid = ?1 AND device_id = ?2")?
            .execute(params![jid, device.get()])?;
        Ok(())
    }

    /// How many sessions we have (all accounts' devices, both variants).
    pub fn omemo_session_count(&self) -> Result<u64, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT count(*) FROM omemo_session")?
            .query_row([], |r| r.get(0))?)
    }
}

/// Writes `staged` within `tx` (the caller clears it after the commit).
pub(super) fn write_staged(tx: &Transaction, staged: &[StagedSession]) -> Result<(), StoreError> {
    let at = Utc::now();
    let now = at.timestamp_millis();
    for s in staged {
        tx.prepare_cached(
            "INSERT INTO omemo_session (jid, version, device_id, session, updated) \
             VALUES (?1, ?2, ?3, ?4, ?5) \
             ON CONFLICT (jid, version, device_id) \
             DO UPDATE SET session = excluded.session, updated = excluded.updated",
        )?
        .execute(params![
            s.jid,
            s.version.as_str(),
            s.device.get(),
            s.bytes.as_slice(),
            now
        ])?;
        if let Some(identity) = &s.heard {
            super::omemo::heard_in(tx, &s.jid, s.version, s.device, identity, at)?;
        }
    }
    Ok(())
}
