//! Decrypting received OMEMO messages, whichever way they came (live,
//! carbon, archive): all go through `ingest`, which calls
//! [`Actor::omemo_decrypt`] before storing.
//!
//! - The key for our device opens the payload through the session with
//!   the sending device; a pre-key message starts that session (and uses
//!   up one of our one-time pre-keys, which is replaced).
//! - A message we cannot read is kept and shown as such, with the reason
//!   ([`DecryptionError`]); nothing is dropped. Only a message without a
//!   payload (key transport, the XEP's "heartbeat") has nothing to show,
//!   whether we could open it or not (Gajim sends such messages to every
//!   device it sets up a session with, also to others of ours).
//! - Sessions moved on are staged in the store and written in the same
//!   transaction as the messages (see `store::sessions`).

use std::collections::HashSet;

use chrono::Utc;
use omemo::{PreKey, PreKeys, Session, SignedPreKey};

use super::record::Record;
use rand_core::OsRng;
use tokio_xmpp::jid::BareJid;
use zeroize::Zeroizing;

use super::super::Actor;
use super::super::chat::ArrivedMessage;
use super::keys::{self, KeyError};
use crate::api::{DecryptionError, Encryption, MessageCrypto, Problem};
use crate::store::Store;
use crate::xmpp::omemo::{DeviceId, Encrypted, KeyFor, Version};
use crate::xmpp::sce::Envelope;

/// Messages from a device without an answer from us, after which it gets
/// an empty message (XEP-0384 §4.5 recommends 53).
const HEARTBEAT_AFTER: u32 = 53;

/// Skipped message keys (for messages not arrived yet) are dropped after
/// this many seconds (30 days: longer than any archive catch-up).
const SKIPPED_KEY_AGE: u64 = 30 * 24 * 3600;

/// What one encrypted element held for us.
enum Opened {
    /// The text.
    Text(String),
    /// No payload: it only carried a key (session set-up, heartbeat).
    KeyOnly,
}

/// Our device and what decrypting needs of it.
struct Own {
    device: DeviceId,
    identity: omemo::IdentityKeyPair,
}

/// The session records a batch read or moved, by device.
type Records = std::collections::HashMap<(BareJid, Version, DeviceId), Record>;

/// A session that a message moved on: to stage.
struct Moved {
    jid: BareJid,
    version: Version,
    device: DeviceId,
    /// Our one-time pre-key it was built on (a new session).
    pre_key: Option<u32>,
}

impl Actor {
    /// Decrypts the OMEMO messages of `batch` in place: `body` and `crypto`
    /// filled in, or the reason they cannot be read; messages without a
    /// payload are taken out. The sessions they moved are staged in the
    /// store; one-time pre-keys they used are replaced (their bundles go
    /// out after the stanza, see [`Actor::omemo_after_stanza`]).
    pub(in crate::account) fn omemo_decrypt(&mut self, batch: &mut Vec<ArrivedMessage>) {
        if batch.iter().all(|m| m.omemo.is_empty()) {
            return;
        }
        let own = if self.switches.omemo {
            match keys::own_cached(&self.store, &mut self.omemo.own) {
                Ok((device, identity)) => Some(Own { device, identity }),
                Err(KeyError::NoDevice) => None,
                Err(e) => {
                    self.error(Problem::Omemo, e.to_string(), None);
                    None
                }
            }
        } else {
            None
        };
        let mut heard: HashSet<(BareJid, Version, DeviceId)> = HashSet::new();
        let mut records = Records::new();
        let mut key_only = Vec::new();
        for (i, m) in batch.iter_mut().enumerate() {
            let elements = std::mem::take(&mut m.omemo);
            if elements.is_empty() {
                continue;
            }
            let readable: Vec<Encrypted> = elements.into_iter().filter_map(Result::ok).collect();
            // The element with a key for us, else any (to say it is not for us).
            let chosen = own.as_ref().and_then(|own| {
                readable
                    .iter()
                    .position(|e| e.key_for(&self.jid, own.device).is_some())
            });
            let Some(encrypted) = chosen
                .or((!readable.is_empty()).then_some(0))
                .and_then(|i| readable.into_iter().nth(i))
            else {
                tracing::info!(account = %self.id, "unreadable OMEMO element");
                m.crypto = failed(Encryption::Omemo, None, DecryptionError::Broken);
                continue;
            };
            let encryption = match encrypted.version {
                Version::Legacy => Encryption::Omemo,
                Version::V2 => Encryption::Omemo2,
            };
            let sid = Some(encrypted.sid.get());
            // Without a payload it only carried a key (a session set-up, a
            // heartbeat): if we cannot open it there is still nothing to show.
            let key_only_element = encrypted.payload.is_none();
            let Some(own) = &own else {
                if key_only_element {
                    key_only.push(i);
                } else {
                    m.crypto = failed(encryption, sid, DecryptionError::Disabled);
                }
                continue;
            };
            // A room message whose author the room did not reveal: no
            // session to open it with can be told.
            let Some(sender) = m.author.clone() else {
                if key_only_element {
                    key_only.push(i);
                } else {
                    m.crypto = failed(encryption, sid, DecryptionError::UnknownSender);
                }
                continue;
            };
            match open(
                &self.store,
                own,
                &self.jid,
                &sender,
                &encrypted,
                &mut records,
            ) {
                Ok((opened, moved)) => {
                    m.crypto = MessageCrypto {
                        encryption,
                        sender_device: sid,
                        decryption_error: None,
                    };
                    self.omemo
                        .problems
                        .remove(&(sender.clone(), encrypted.version, encrypted.sid));
                    match opened {
                        Opened::Text(body) => {
                            // A file in an encrypted chat: its aesgcm:// link.
                            if m.file.is_none() {
                                m.file = crate::account::file_message::from_encrypted_body(&body);
                            }
                            m.body = body;
                        }
                        Opened::KeyOnly => key_only.push(i),
                    }
                    self.omemo_session_moved(moved, &mut heard);
                }
                Err(why) => {
                    tracing::info!(
                        account = %self.id, device = encrypted.sid.get(),
                        direction = ?m.direction, key_only = key_only_element,
                        "OMEMO message not decrypted: {why:?}"
                    );
                    // Its session is of no use: the device's diagnostic says
                    // so (and offers a reset).
                    if matches!(why, DecryptionError::NoSession | DecryptionError::Broken) {
                        self.omemo.problems.insert(
                            (sender.clone(), encrypted.version, encrypted.sid),
                            crate::api::DeviceProblem::SessionBroken,
                        );
                    }
                    if key_only_element {
                        key_only.push(i);
                    } else {
                        m.crypto = failed(encryption, sid, why);
                    }
                }
            }
        }
        for i in key_only.into_iter().rev() {
            batch.remove(i);
        }
        // The sessions the batch moved, staged once each.
        for ((jid, version, device), record) in records {
            if heard.contains(&(jid.clone(), version, device)) {
                let identity = record.current_ref().remote_identity().as_bytes().to_vec();
                self.store.stage_session(
                    jid.as_str(),
                    version,
                    device,
                    record.to_bytes(),
                    Some(identity),
                );
            }
        }
    }

    /// Notes `moved`'s device as heard (its record is staged with it at
    /// the end of the batch), counts it for heartbeats and replaces the
    /// pre-key a new session used.
    fn omemo_session_moved(
        &mut self,
        moved: Moved,
        heard: &mut HashSet<(BareJid, Version, DeviceId)>,
    ) {
        let Moved {
            jid,
            version,
            device,
            pre_key,
        } = moved;
        // Staged with its key and last use, in the messages' transaction.
        heard.insert((jid.clone(), version, device));
        // A session the other side started is confirmed by an answer; and
        // after many messages without one, the XEP asks for a heartbeat so
        // the sender's ratchet moves on.
        let key = (jid, version, device);
        let count = self.omemo.unanswered.entry(key.clone()).or_insert(0);
        *count += 1;
        if pre_key.is_some() || *count >= HEARTBEAT_AFTER {
            self.omemo.heartbeats.insert(key);
        }
        if let Some(used) = pre_key {
            self.omemo_pre_key_used(used);
        }
    }
}

fn failed(encryption: Encryption, sid: Option<u32>, why: DecryptionError) -> MessageCrypto {
    MessageCrypto {
        encryption,
        sender_device: sid,
        decryption_error: Some(why),
    }
}

/// Opens `e`, sent by `sender` (our own account for our other devices).
fn open(
    store: &Store,
    own: &Own,
    own_jid: &BareJid,
    sender: &BareJid,
    e: &Encrypted,
    records: &mut Records,
) -> Result<(Opened, Moved), DecryptionError> {
    let key = e
        .key_for(own_jid, own.device)
        .ok_or(DecryptionError::NotForThisDevice)?;
    if sender == own_jid && e.sid == own.device {
        // Our own message, as a copy: we never encrypt for ourselves.
        return Err(DecryptionError::NotForThisDevice);
    }
    let now = u64::try_from(Utc::now().timestamp()).unwrap_or(0);
    let slot = (sender.clone(), e.version, e.sid);
    // A batch keeps its records in memory; the store is read once per device.
    let mut record = match records.remove(&slot) {
        Some(r) => Some(r),
        None => store
            .omemo_session(sender.as_str(), e.version, e.sid)
            .map_err(|e| {
                tracing::warn!("OMEMO session not read: {e}");
                DecryptionError::NoSession
            })?
            .and_then(|bytes| {
                let record = Record::from_bytes(&bytes);
                if record.is_none() {
                    tracing::warn!(device = e.sid.get(), "stored OMEMO sessions unreadable");
                }
                record
            }),
    };
    let opened = if let Some(r) = record.as_mut() {
        open_in(r, store, own, e.version, key, now)
    } else if key.prekey {
        accept(store, own, e.version, &key.data, now).map(|(km, session, used)| {
            record = Some(Record::new(session));
            (km, used)
        })
    } else {
        Err(DecryptionError::NoSession)
    };
    // Back into the batch's records, moved on or as it was.
    if let Some(r) = record {
        records.insert(slot, r);
    }
    let (key_material, pre_key) = opened?;
    let moved = Moved {
        jid: sender.clone(),
        version: e.version,
        device: e.sid,
        pre_key,
    };
    let Some(payload) = &e.payload else {
        return Ok((Opened::KeyOnly, moved));
    };
    // The session moved on even if the payload fails: the key was good.
    let text = match e.version {
        Version::Legacy => {
            let iv = e.iv.as_deref().ok_or(DecryptionError::Broken)?;
            let plain = omemo::payload::decrypt_v03(&key_material, iv, payload)
                .map_err(|err| reason(&err))?;
            String::from_utf8_lossy(&plain).into_owned()
        }
        Version::V2 => {
            let plain =
                omemo::payload::decrypt_v2(&key_material, payload).map_err(|err| reason(&err))?;
            let envelope = Envelope::parse(&plain).map_err(|err| {
                tracing::info!("OMEMO 2 envelope refused: {err}");
                DecryptionError::Broken
            })?;
            // Someone else's envelope, re-sent under their name: refused.
            if !envelope.is_from(sender) {
                return Err(DecryptionError::Broken);
            }
            envelope.body().unwrap_or_default()
        }
    };
    Ok((
        Opened::Text(crate::store::capped_body(&text).to_owned()),
        moved,
    ))
}

/// Opens `key` with one of the sessions in `record` (the one that does
/// becomes current), or, for a key exchange none of them made, with a new
/// session from our pre-keys.
fn open_in(
    record: &mut Record,
    store: &Store,
    own: &Own,
    version: Version,
    key: &KeyFor,
    now: u64,
) -> Result<(Zeroizing<Vec<u8>>, Option<u32>), DecryptionError> {
    let mut errors = Vec::new();
    let mut opened = None;
    for (i, session) in record.sessions_mut().enumerate() {
        match session.decrypt(&key.data, key.prekey, now, &mut OsRng) {
            Ok(km) => {
                opened = Some((i, km));
                break;
            }
            Err(e) => errors.push(e),
        }
    }
    if let Some((i, km)) = opened {
        record.promote(i);
        // Keys of messages that never came are not kept for ever.
        record
            .current()
            .prune_skipped(now.saturating_sub(SKIPPED_KEY_AGE));
        return Ok((km, None));
    }
    // A session that knows this message saw it before.
    if errors.contains(&omemo::Error::Duplicate) {
        return Err(DecryptionError::Duplicate);
    }
    if key.prekey {
        let (km, session, used) = accept(store, own, version, &key.data, now)?;
        record.replace(session);
        return Ok((km, used));
    }
    Err(errors.first().map_or(DecryptionError::NoSession, reason))
}

/// The key material a message carried, the session after it, and our
/// one-time pre-key it used (a new session).
type Opening = (Zeroizing<Vec<u8>>, Session, Option<u32>);

/// A new session from a pre-key message, on our keys of `version`.
fn accept(
    store: &Store,
    own: &Own,
    version: Version,
    data: &[u8],
    now: u64,
) -> Result<Opening, DecryptionError> {
    let unreadable = |e: &dyn std::fmt::Display| {
        tracing::warn!("our OMEMO pre-keys cannot be read: {e}");
        DecryptionError::NoSession
    };
    let signed: Vec<SignedPreKey> = store
        .omemo_signed_pre_keys(version)
        .map_err(|e| unreadable(&e))?
        .iter()
        .filter_map(|k| SignedPreKey::from_bytes(&k.key).ok())
        .collect();
    let one_time: Vec<PreKey> = store
        .omemo_pre_keys()
        .map_err(|e| unreadable(&e))?
        .iter()
        .filter_map(|(_, k)| PreKey::from_bytes(k).ok())
        .collect();
    let lookup = PreKeys {
        signed: &signed,
        one_time: &one_time,
    };
    let accepted = Session::accept(
        keys::crypto(version),
        &own.identity,
        &lookup,
        data,
        now,
        &mut OsRng,
    )
    .map_err(|e| reason(&e))?;
    Ok((
        accepted.key_material,
        accepted.session,
        Some(accepted.pre_key_id),
    ))
}

/// The reason shown for a crypto error.
fn reason(e: &omemo::Error) -> DecryptionError {
    match e {
        omemo::Error::Duplicate => DecryptionError::Duplicate,
        // The pre-key it names is gone: used by an earlier copy, or the
        // sender's copy of our bundle is old.
        omemo::Error::NoSession
        | omemo::Error::NotThisSession
        | omemo::Error::UnknownPreKey(_)
        | omemo::Error::UnknownSignedPreKey(_) => DecryptionError::NoSession,
        _ => DecryptionError::Broken,
    }
}
