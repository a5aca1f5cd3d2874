//! OMEMO (XEP-0384) state: our own device (identity, signed pre-keys,
//! one-time pre-keys) and what we know of other devices (schema version 11).
//!
//! Secret key material goes in and out as the `omemo` crate serializes it
//! (`to_bytes`/`from_bytes`), wrapped in [`Zeroizing`] on the way out; this
//! module never interprets it. Times are ms since the epoch.

use chrono::{DateTime, Utc};
use rusqlite::types::Type;
use rusqlite::{Connection, OptionalExtension, params};
use zeroize::Zeroizing;

use super::{Store, StoreError, bad_value, trust};
use crate::api::Trust;
use crate::xmpp::omemo::{DeviceId, Version};

/// Our own device as stored.
pub struct OwnDevice {
    pub device_id: DeviceId,
    /// `IdentityKeyPair::to_bytes`.
    pub identity: Zeroizing<Vec<u8>>,
    pub created: DateTime<Utc>,
}

impl std::fmt::Debug for OwnDevice {
    // Never the identity.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OwnDevice")
            .field("device_id", &self.device_id)
            .field("created", &self.created)
            .finish_non_exhaustive()
    }
}

/// A signed pre-key as stored.
pub struct StoredSignedPreKey {
    pub version: Version,
    pub id: u32,
    /// `SignedPreKey::to_bytes`.
    pub key: Zeroizing<Vec<u8>>,
    pub created: DateTime<Utc>,
    /// None for the current one.
    pub retired: Option<DateTime<Utc>>,
}

impl std::fmt::Debug for StoredSignedPreKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredSignedPreKey")
            .field("version", &self.version)
            .field("id", &self.id)
            .field("created", &self.created)
            .field("retired", &self.retired)
            .finish_non_exhaustive()
    }
}

/// Someone's device (a contact's, or another of ours) as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDevice {
    pub version: Version,
    pub device_id: DeviceId,
    pub label: Option<String>,
    /// The public identity key as its bundle carries it, once read.
    pub identity: Option<Vec<u8>>,
    pub trust: Trust,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    /// On the owner's current list.
    pub active: bool,
    /// The last message from it.
    pub last_used: Option<DateTime<Utc>>,
}

/// After how long without a message a device counts as stale.
pub const STALE_AFTER_DAYS: i64 = 90;

impl StoredDevice {
    /// Not heard from for [`STALE_AFTER_DAYS`]: no message from it since
    /// (or since it appeared, if it never wrote). It writes again: fresh.
    pub fn stale(&self, now: DateTime<Utc>) -> bool {
        let heard = self.last_used.unwrap_or(self.first_seen);
        now - heard > chrono::Duration::days(STALE_AFTER_DAYS)
    }
}

/// How a device list changed what we knew (`apply_device_list`).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ListChange {
    /// Devices seen for the first time.
    pub added: Vec<DeviceId>,
    /// Devices that were active and are not on the list any more.
    pub removed: Vec<DeviceId>,
}

fn version_str(v: Version) -> &'static str {
    v.as_str()
}

fn version_of(idx: usize, s: &str) -> rusqlite::Result<Version> {
    match s {
        "omemo" => Ok(Version::Legacy),
        "omemo2" => Ok(Version::V2),
        other => Err(bad_value(idx, Type::Text, format!("OMEMO version {other}"))),
    }
}

pub(crate) fn trust_str(t: Trust) -> &'static str {
    match t {
        Trust::Blind => "blind",
        Trust::Verified => "verified",
        Trust::Untrusted => "untrusted",
        Trust::Undecided => "undecided",
    }
}

fn trust_of(idx: usize, s: &str) -> rusqlite::Result<Trust> {
    match s {
        "blind" => Ok(Trust::Blind),
        "verified" => Ok(Trust::Verified),
        "untrusted" => Ok(Trust::Untrusted),
        "undecided" => Ok(Trust::Undecided),
        other => Err(bad_value(idx, Type::Text, format!("trust {other}"))),
    }
}

fn device_of(idx: usize, id: i64) -> rusqlite::Result<DeviceId> {
    u32::try_from(id)
        .ok()
        .and_then(DeviceId::new)
        .ok_or_else(|| bad_value(idx, Type::Integer, format!("device id {id}")))
}

fn time_of(idx: usize, ms: i64) -> rusqlite::Result<DateTime<Utc>> {
    DateTime::from_timestamp_millis(ms)
        .ok_or_else(|| bad_value(idx, Type::Integer, format!("time {ms}")))
}

fn id_of(idx: usize, id: i64) -> rusqlite::Result<u32> {
    u32::try_from(id).map_err(|_| bad_value(idx, Type::Integer, format!("key id {id}")))
}

/// A one-time pre-key as stored: its id and `PreKey::to_bytes`.
pub type StoredPreKey = (u32, Zeroizing<Vec<u8>>);

/// Pre-key ids stay below 2²⁴ (libsignal's `Medium.MAX_VALUE`): some
/// clients keep them in 24 bits. After that they start again at 1.
pub const MAX_PRE_KEY_ID: u32 = 0xff_ffff;

impl Store {
    /// Our own OMEMO device, once made.
    pub fn omemo_own(&self) -> Result<Option<OwnDevice>, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT device_id, identity, created FROM omemo_own")?
            .query_row([], |r| {
                Ok(OwnDevice {
                    device_id: device_of(0, r.get(0)?)?,
                    identity: Zeroizing::new(r.get(1)?),
                    created: time_of(2, r.get(2)?)?,
                })
            })
            .optional()?)
    }

    /// Stores our new device with its first keys, all at once: the device
    /// id and identity, a signed pre-key per variant and the one-time
    /// pre-keys (`(id, bytes)`; the next id given out follows the largest).
    pub fn create_omemo_own(
        &mut self,
        own: &OwnDevice,
        signed: &[StoredSignedPreKey],
        pre_keys: &[StoredPreKey],
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        let next = pre_keys.iter().map(|(id, _)| *id).max().unwrap_or(0) + 1;
        tx.execute(
            "INSERT INTO omemo_own (singleton, device_id, identity, created, next_pre_key_id) \
             VALUES (1, ?1, ?2, ?3, ?4)",
            params![
                own.device_id.get(),
                own.identity.as_slice(),
                own.created.timestamp_millis(),
                next
            ],
        )?;
        for k in signed {
            insert_signed(&tx, k)?;
        }
        for (id, key) in pre_keys {
            tx.execute(
                "INSERT INTO omemo_pre_key (id, key) VALUES (?1, ?2)",
                params![id, key.as_slice()],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The signed pre-keys of `version`, current and retired, newest first.
    pub fn omemo_signed_pre_keys(
        &self,
        version: Version,
    ) -> Result<Vec<StoredSignedPreKey>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, key, created, retired FROM omemo_signed_pre_key \
             WHERE version = ?1 ORDER BY created DESC, id DESC",
        )?;
        let rows = stmt.query_map([version_str(version)], |r| {
            Ok(StoredSignedPreKey {
                version,
                id: id_of(0, r.get(0)?)?,
                key: Zeroizing::new(r.get(1)?),
                created: time_of(2, r.get(2)?)?,
                retired: r
                    .get::<_, Option<i64>>(3)?
                    .map(|t| time_of(3, t))
                    .transpose()?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Makes `new` the current signed pre-key of its variant; the one it
    /// replaces is retired at `new.created`.
    pub fn rotate_signed_pre_key(&mut self, new: &StoredSignedPreKey) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "UPDATE omemo_signed_pre_key SET retired = ?2 WHERE version = ?1 AND retired IS NULL",
            params![version_str(new.version), new.created.timestamp_millis()],
        )?;
        insert_signed(&tx, new)?;
        tx.commit()?;
        Ok(())
    }

    /// Deletes signed pre-keys retired before `before`; returns how many.
    pub fn delete_retired_signed_pre_keys(
        &mut self,
        before: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        Ok(self
            .conn
            .prepare_cached("DELETE FROM omemo_signed_pre_key WHERE retired < ?1")?
            .execute([before.timestamp_millis()])?)
    }

    /// Our one-time pre-keys (`PreKey::to_bytes`), by id.
    pub fn omemo_pre_keys(&self) -> Result<Vec<StoredPreKey>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, key FROM omemo_pre_key ORDER BY id")?;
        let rows = stmt.query_map([], |r| {
            Ok((id_of(0, r.get(0)?)?, Zeroizing::new(r.get(1)?)))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The id the next one-time pre-key gets: never one given out before
    /// (until the ids wrap after [`MAX_PRE_KEY_ID`]) nor one in use.
    pub fn next_pre_key_id(&self) -> Result<u32, StoreError> {
        let next: i64 = self
            .conn
            .prepare_cached("SELECT next_pre_key_id FROM omemo_own")?
            .query_row([], |r| r.get(0))
            .optional()?
            .unwrap_or(1);
        let mut id = u32::try_from(next).unwrap_or(1).clamp(1, MAX_PRE_KEY_ID);
        let in_use: std::collections::HashSet<u32> =
            self.omemo_pre_keys()?.into_iter().map(|(i, _)| i).collect();
        while in_use.contains(&id) {
            id = if id >= MAX_PRE_KEY_ID { 1 } else { id + 1 };
        }
        Ok(id)
    }

    /// Replaces the used one-time pre-key `used` by `new` (`(id, bytes)`,
    /// id from [`Store::next_pre_key_id`]). Returns false (and adds
    /// nothing) if `used` was not ours (any more).
    pub fn replace_pre_key(&mut self, used: u32, new: (u32, &[u8])) -> Result<bool, StoreError> {
        let tx = self.conn.transaction()?;
        let gone = tx.execute("DELETE FROM omemo_pre_key WHERE id = ?1", [used])?;
        if gone == 0 {
            return Ok(false);
        }
        tx.execute(
            "INSERT INTO omemo_pre_key (id, key) VALUES (?1, ?2)",
            params![new.0, new.1],
        )?;
        let next = if new.0 >= MAX_PRE_KEY_ID {
            1
        } else {
            new.0 + 1
        };
        tx.execute("UPDATE omemo_own SET next_pre_key_id = ?1", [next])?;
        tx.commit()?;
        Ok(true)
    }

    /// What we know of the devices of `jid` (every variant), by variant and id.
    pub fn omemo_devices(&self, jid: &str) -> Result<Vec<StoredDevice>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT version, device_id, label, identity, trust, first_seen, last_seen, active, \
             last_used FROM omemo_device WHERE jid = ?1 ORDER BY version, device_id",
        )?;
        let rows = stmt.query_map([jid], |r| {
            Ok(StoredDevice {
                version: version_of(0, &r.get::<_, String>(0)?)?,
                device_id: device_of(1, r.get(1)?)?,
                label: r.get(2)?,
                identity: r.get(3)?,
                trust: trust_of(4, &r.get::<_, String>(4)?)?,
                first_seen: time_of(5, r.get(5)?)?,
                last_seen: time_of(6, r.get(6)?)?,
                active: r.get(7)?,
                last_used: r
                    .get::<_, Option<i64>>(8)?
                    .map(|t| time_of(8, t))
                    .transpose()?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The device list `devices` (`(id, label)`) of `jid` in `version`,
    /// seen at `now`: listed devices are (again) active, with their label;
    /// stored ones not on it stay, inactive. A new device gets its trust by
    /// [`trust::for_new_device`] (Blind Trust Before Verification).
    pub fn apply_device_list(
        &mut self,
        jid: &str,
        version: Version,
        devices: &[(DeviceId, Option<&str>)],
        now: DateTime<Utc>,
    ) -> Result<ListChange, StoreError> {
        let v = version_str(version);
        let now = now.timestamp_millis();
        let tx = self.conn.transaction()?;
        let new_trust = trust_str(trust::for_new_device(trusts_of(&tx, jid, None)?));
        let active_before: Vec<u32> = {
            let mut stmt = tx.prepare_cached(
                "SELECT device_id FROM omemo_device WHERE jid = ?1 AND version = ?2 AND active = 1",
            )?;
            stmt.query_map(params![jid, v], |r| r.get::<_, u32>(0))?
                .collect::<rusqlite::Result<_>>()?
        };
        let mut change = ListChange::default();
        for (id, label) in devices {
            let inserted = tx
                .prepare_cached(
                    "INSERT INTO omemo_device \
                     (jid, version, device_id, label, trust, first_seen, last_seen, active) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, 1) ON CONFLICT DO NOTHING",
                )?
                .execute(params![jid, v, id.get(), label, new_trust, now])?;
            if inserted == 1 {
                change.added.push(*id);
            } else {
                tx.prepare_cached(
                    "UPDATE omemo_device SET label = ?4, last_seen = ?5, active = 1 \
                     WHERE jid = ?1 AND version = ?2 AND device_id = ?3",
                )?
                .execute(params![jid, v, id.get(), label, now])?;
            }
        }
        for id in active_before {
            if !devices.iter().any(|(d, _)| d.get() == id) {
                tx.prepare_cached(
                    "UPDATE omemo_device SET active = 0 \
                     WHERE jid = ?1 AND version = ?2 AND device_id = ?3",
                )?
                .execute(params![jid, v, id])?;
                change.removed.extend(DeviceId::new(id));
            }
        }
        tx.commit()?;
        Ok(change)
    }

    /// Records the identity key a device's bundle carries. A key that
    /// differs from the one stored makes it a new device: its trust is
    /// decided again ([`trust::on_identity`]). False if the device is not
    /// known.
    pub fn set_device_identity(
        &mut self,
        jid: &str,
        version: Version,
        device: DeviceId,
        identity: &[u8],
    ) -> Result<bool, StoreError> {
        let tx = self.conn.transaction()?;
        let known = identity_in(&tx, jid, version, device, identity)?;
        tx.commit()?;
        Ok(known)
    }

    /// A device a message came from, with the identity key of the session
    /// it used ([`heard_in`]). Returns the device's trust. Decrypting does
    /// this in the transaction that stores the messages instead
    /// (`Store::stage_session`).
    pub fn device_heard(
        &mut self,
        jid: &str,
        version: Version,
        device: DeviceId,
        identity: &[u8],
        now: DateTime<Utc>,
    ) -> Result<Trust, StoreError> {
        let tx = self.conn.transaction()?;
        let trust = heard_in(&tx, jid, version, device, identity, now)?;
        tx.commit()?;
        Ok(trust)
    }

    /// Sets the trust in a device; false if it is not known.
    pub fn set_device_trust(
        &mut self,
        jid: &str,
        version: Version,
        device: DeviceId,
        trust: Trust,
    ) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "UPDATE omemo_device SET trust = ?4 \
                 WHERE jid = ?1 AND version = ?2 AND device_id = ?3",
            )?
            .execute(params![
                jid,
                version_str(version),
                device.get(),
                trust_str(trust)
            ])?
            == 1)
    }

    /// The conversation's encryption switch: None is the account's default.
    pub fn conversation_encryption(&self, with: &str) -> Result<Option<bool>, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT encryption FROM conversation WHERE jid = ?1")?
            .query_row([with], |r| r.get::<_, Option<bool>>(0))
            .optional()?
            .flatten())
    }

    /// Sets the conversation's encryption switch (None: the account's default).
    pub fn set_conversation_encryption(
        &mut self,
        with: &str,
        on: Option<bool>,
    ) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO conversation (jid, encryption) VALUES (?1, ?2) \
                 ON CONFLICT (jid) DO UPDATE SET encryption = excluded.encryption",
            )?
            .execute(params![with, on])?;
        Ok(())
    }
}

/// How far apart two writes of a device's `last_used` are at least.
const LAST_USED_STEP_MS: u64 = 60_000;

/// What is stored of a device: its identity key (if known), trust and
/// last use (Unix milliseconds).
type DeviceRow = (Option<Vec<u8>>, Trust, Option<i64>);

fn device_row(
    tx: &Connection,
    jid: &str,
    v: &str,
    device: DeviceId,
) -> Result<Option<DeviceRow>, StoreError> {
    Ok(tx
        .prepare_cached(
            "SELECT identity, trust, last_used FROM omemo_device \
             WHERE jid = ?1 AND version = ?2 AND device_id = ?3",
        )?
        .query_row(params![jid, v, device.get()], |r| {
            Ok((r.get(0)?, trust_of(1, &r.get::<_, String>(1)?)?, r.get(2)?))
        })
        .optional()?)
}

/// [`Store::set_device_identity`] within a transaction.
fn identity_in(
    tx: &Connection,
    jid: &str,
    version: Version,
    device: DeviceId,
    identity: &[u8],
) -> Result<bool, StoreError> {
    let Some((old, current, _)) = device_row(tx, jid, version_str(version), device)? else {
        return Ok(false);
    };
    record_identity(tx, jid, version, device, identity, old.as_deref(), current)?;
    Ok(true)
}

/// Records `identity` for a stored device that had `old` with `current`
/// trust; returns its trust after ([`trust::on_identity`]).
fn record_identity(
    tx: &Connection,
    jid: &str,
    version: Version,
    device: DeviceId,
    identity: &[u8],
    old: Option<&[u8]>,
    current: Trust,
) -> Result<Trust, StoreError> {
    let v = version_str(version);
    let others = trusts_of(tx, jid, Some((v, device)))?;
    let trust = trust::on_identity(old, identity, current, others);
    if old.is_some_and(|old| old != identity) {
        tracing::info!(%jid, ?version, %device, ?trust, "the identity key of an OMEMO device changed");
    }
    tx.prepare_cached(
        "UPDATE omemo_device SET identity = ?4, trust = ?5 \
         WHERE jid = ?1 AND version = ?2 AND device_id = ?3",
    )?
    .execute(params![jid, v, device.get(), identity, trust_str(trust)])?;
    Ok(trust)
}

/// A device a message came from, with the identity key of the session it
/// used, within a transaction: known from now on (a new one gets its trust
/// as if it had appeared on a list), its key recorded ([`record_identity`]),
/// its last use `now`. Returns the device's trust.
pub(super) fn heard_in(
    tx: &Connection,
    jid: &str,
    version: Version,
    device: DeviceId,
    identity: &[u8],
    now: DateTime<Utc>,
) -> Result<Trust, StoreError> {
    let v = version_str(version);
    let now = now.timestamp_millis();
    let (old, current, last_used) = match device_row(tx, jid, v, device)? {
        Some(row) => row,
        None => {
            let trust = trust::for_new_device(trusts_of(tx, jid, None)?);
            tx.prepare_cached(
                "INSERT INTO omemo_device \
                 (jid, version, device_id, trust, first_seen, last_seen, last_used) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?5)",
            )?
            .execute(params![jid, v, device.get(), trust_str(trust), now])?;
            (None, trust, Some(now))
        }
    };
    // A flood of messages is not a flood of updates: the last use is
    // written at most once a minute (the date shown is the day's).
    if last_used.is_none_or(|t| now.abs_diff(t) >= LAST_USED_STEP_MS) {
        tx.prepare_cached(
            "UPDATE omemo_device SET last_used = ?4 \
             WHERE jid = ?1 AND version = ?2 AND device_id = ?3",
        )?
        .execute(params![jid, v, device.get(), now])?;
    }
    // The common case, the same key as before: nothing else to write.
    if old.as_deref() == Some(identity) {
        return Ok(current);
    }
    record_identity(tx, jid, version, device, identity, old.as_deref(), current)
}

/// The trust of the devices of `jid`, but `except` (a variant and id).
fn trusts_of(
    tx: &Connection,
    jid: &str,
    except: Option<(&str, DeviceId)>,
) -> Result<Vec<Trust>, StoreError> {
    let (v, id) = except.map_or(("", 0), |(v, d)| (v, d.get()));
    let mut stmt = tx.prepare_cached(
        "SELECT trust FROM omemo_device WHERE jid = ?1 AND NOT (version = ?2 AND device_id = ?3)",
    )?;
    let rows = stmt.query_map(params![jid, v, id], |r| {
        trust_of(0, &r.get::<_, String>(0)?)
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn insert_signed(tx: &rusqlite::Transaction, k: &StoredSignedPreKey) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO omemo_signed_pre_key (version, id, key, created, retired) \
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            version_str(k.version),
            k.id,
            k.key.as_slice(),
            k.created.timestamp_millis(),
            k.retired.map(|t| t.timestamp_millis())
        ],
    )?;
    Ok(())
}
