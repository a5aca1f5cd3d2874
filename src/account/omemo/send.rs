//! Encrypting our 1:1 messages: to every trusted device of the contact
//! and of our own account (our other devices read what we write).
//!
//! - A message is marked for encryption when it is written (the
//!   conversation's switch, else the account's default: on when the
//!   contact has OMEMO devices), and from then on never goes out in plain
//!   text: if nobody can read it, it fails with the reason.
//! - A device we have no session with gets one from its bundle, fetched
//!   on demand; the message waits in the outbox meanwhile and goes out
//!   when the answers are in (`Actor::omemo_keys_arrived`).
//! - A device that speaks both variants gets OMEMO 2; a stanza carries one
//!   element per variant in use.
//! - The sessions moved by encrypting are saved before the stanza leaves.

use std::collections::{BTreeMap, HashMap};

use rand_core::OsRng;
use tokio_xmpp::jid::{BareJid, Jid};
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::stanza_error::StanzaError;

use super::super::Actor;
use super::super::wire::Wire;
use super::record::Record;
use super::{Purpose, keys};
use crate::api::{Encryption, Problem};
use crate::store::omemo::StoredDevice;
use crate::store::trust;
use crate::xmpp::omemo::{Bundle, DeviceId, Encrypted, KeyFor, Version};
use crate::xmpp::pep;
use crate::xmpp::sce::Envelope;

/// What became of an attempt to encrypt a message.
pub(in crate::account) enum Sealed {
    /// The encrypted elements, one per variant, to put in the stanza.
    Ready(Vec<Encrypted>),
    /// Keys are being fetched: the message stays queued.
    Waiting,
    /// It cannot be encrypted; the reason, in words.
    Failed(String),
}

/// A bundle we asked for in this session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Fetch {
    Asked,
    /// No usable bundle (e.g. no one-time pre-key left): the device is
    /// left out until a new message to its owner is written, or the next
    /// session.
    Failed,
}

type DeviceKey = (BareJid, Version, DeviceId);

impl Actor {
    /// How a new message to `with` is to travel: the conversation's
    /// switch, else the account's default (encrypted when the contact has
    /// OMEMO devices we know of). Rooms are not encrypted yet (issue 23).
    pub(in crate::account) fn omemo_for_new_message(&self, with: &Jid) -> Encryption {
        // A full JID: a private message to a room occupant.
        let Err(with) = with.clone().try_into_full() else {
            return Encryption::None;
        };
        if !self.switches.omemo {
            return Encryption::None;
        }
        if self.is_room_jid(&with) {
            return self.room_encryption(&with);
        }
        let devices = self.store.omemo_devices(with.as_str()).unwrap_or_default();
        let wanted = match self.store.conversation_encryption(with.as_str()) {
            _ if self.switches.require_encryption => true,
            Ok(Some(on)) => on,
            _ => devices.iter().any(|d| d.active),
        };
        if !wanted {
            return Encryption::None;
        }
        if devices.iter().any(|d| d.active && d.version == Version::V2) {
            Encryption::Omemo2
        } else {
            Encryption::Omemo
        }
    }

    /// `encryption`: sets (or only reports) the conversation's switch.
    pub(in crate::account) fn set_encryption(&mut self, with: &str, enabled: Option<bool>) {
        let Ok(jid) = with.parse::<BareJid>() else {
            return self.error(
                Problem::InvalidAddress,
                format!("invalid address {with}"),
                None,
            );
        };
        if enabled == Some(false) && self.switches.require_encryption {
            self.error(Problem::EncryptionRequired, REQUIRED, None);
        }
        if enabled == Some(true) && self.is_open_room(&jid) {
            self.error(
                Problem::EncryptionUnavailable,
                format!("{jid} is not a members-only, non-anonymous group"),
                None,
            );
            return self.report_encryption(jid);
        }
        if let Some(on) = enabled.filter(|on| *on || !self.switches.require_encryption)
            && let Err(e) = self
                .store
                .set_conversation_encryption(jid.as_str(), Some(on))
        {
            return self.error(Problem::StoreFailed, e.to_string(), None);
        }
        self.report_encryption(jid);
    }

    /// The `encryption` event for the conversation with `jid`: its switch
    /// and whether a new message would go out encrypted (which changes
    /// with the contact's devices too).
    pub(in crate::account) fn report_encryption(&mut self, jid: BareJid) {
        let enabled = self
            .store
            .conversation_encryption(jid.as_str())
            .ok()
            .flatten();
        let encrypted = self.omemo_for_new_message(&Jid::from(jid.clone()));
        let (unavailable, unreachable) = match self.is_room_jid(&jid) {
            true => (self.room_unavailable(&jid), self.room_unreachable(&jid)),
            false => (None, Vec::new()),
        };
        self.emit(crate::api::Event::Encryption {
            account: self.id.clone(),
            with: jid.to_string(),
            enabled,
            encrypted,
            unavailable,
            unreachable,
        });
    }

    /// A new message to `to` gives the devices whose bundle was unusable
    /// (theirs and ours, in a group every member's) another try: their
    /// owner may have published fresh pre-keys since. Once per message
    /// written, so the outbox's own retries never ask the server again and
    /// again.
    pub(in crate::account) fn omemo_retry_bundles(&mut self, to: &BareJid) {
        let people = self.audience(to).unwrap_or_default();
        let own = &self.jid;
        self.omemo.bundles.retain(|(jid, _, _), f| {
            *f != Fetch::Failed || (jid != to && jid != own && !people.contains(jid))
        });
    }

    /// Whose devices a message to `to` is encrypted for (besides our
    /// other devices): the contact, or a group's members. None while a
    /// group's members are still being read.
    fn audience(&self, to: &BareJid) -> Option<Vec<BareJid>> {
        match self.is_room_jid(to) {
            true => self.room_members(to),
            false => Some(vec![to.clone()]),
        }
    }

    /// The elements our message `id` was encrypted into on an earlier
    /// attempt that did not reach the server: it goes again with them.
    pub(in crate::account) fn omemo_resealed(&self, id: &str) -> Option<Vec<Encrypted>> {
        let xml = self.store.omemo_sealed(id).ok().flatten()?;
        crate::xmpp::omemo::sealed_from_xml(&xml)
    }

    /// Encrypts our message `id` (`body`) for `to` and our other devices;
    /// the elements are kept with it until the server has it (`id` None:
    /// a stanza that is not a stored message, e.g. a correction, sent once).
    pub(in crate::account) async fn omemo_seal(
        &mut self,
        to: &BareJid,
        id: Option<&str>,
        body: &str,
        stream: &Wire,
    ) -> Sealed {
        if !self.switches.omemo {
            return Sealed::Failed("encryption (OMEMO) is switched off for this account".into());
        }
        let own = match keys::own_cached(&self.store, &mut self.omemo.own) {
            Ok(own) => own,
            // Our device is made at the session start; the outbox waits.
            Err(keys::KeyError::NoDevice) => return Sealed::Waiting,
            Err(e) => return Sealed::Failed(format!("our encryption keys cannot be read: {e}")),
        };
        let room = self.is_room_jid(to);
        if room && self.room_is_private(to) == Some(false) {
            return Sealed::Failed(format!("{to} is not a members-only, non-anonymous group"));
        }
        // A group's members are read after joining; the message waits.
        let Some(people) = self.audience(to) else {
            return Sealed::Waiting;
        };
        let mut theirs = Vec::new();
        let mut any_active = false;
        for person in &people {
            let devices = match self.store.omemo_devices(person.as_str()) {
                Ok(d) => d,
                Err(e) => return Sealed::Failed(e.to_string()),
            };
            let active = devices.iter().any(|d| d.active);
            any_active |= active;
            if !active {
                // Never seen their devices: ask for them first.
                self.omemo_read_lists(person, stream).await;
            }
            theirs.extend(
                targets(&devices)
                    .into_iter()
                    .map(|(v, d)| (person.clone(), v, d)),
            );
        }
        if self.omemo.lists_due > 0 {
            return Sealed::Waiting;
        }
        let mine = self
            .store
            .omemo_devices(self.jid.as_str())
            .unwrap_or_default();
        if theirs.is_empty() {
            let why = match (room, any_active) {
                (true, _) => format!("no member of {to} can receive encrypted messages"),
                (false, true) => {
                    format!("none of {to}'s devices is trusted for encrypted messages")
                }
                (false, false) => format!("{to} has no device that can receive encrypted messages"),
            };
            return Sealed::Failed(why);
        }
        let all: Vec<DeviceKey> = theirs
            .into_iter()
            .chain(
                targets(&mine)
                    .into_iter()
                    .filter(|(_, d)| *d != own.0)
                    .map(|(v, d)| (self.jid.clone(), v, d)),
            )
            .collect();
        // Sessions: stored ones, or bundles to fetch.
        let mut sessions = Vec::new();
        let mut waiting = false;
        for key in all {
            match self.store.omemo_session(key.0.as_str(), key.1, key.2) {
                Ok(Some(bytes)) => match Record::from_bytes(&bytes) {
                    Some(r) => sessions.push((key, r)),
                    None => {
                        tracing::warn!(account = %self.id, device = key.2.get(), "stored OMEMO sessions unreadable")
                    }
                },
                Ok(None) => match self.omemo.bundles.get(&key) {
                    Some(Fetch::Failed) => {}
                    Some(Fetch::Asked) => waiting = true,
                    None => {
                        waiting = true;
                        self.omemo_fetch_bundle(key, stream).await;
                    }
                },
                Err(e) => return Sealed::Failed(e.to_string()),
            }
        }
        if waiting {
            return Sealed::Waiting;
        }
        if !sessions.iter().any(|((jid, _, _), _)| *jid != self.jid) {
            return Sealed::Failed(match room {
                true => format!("no session could be set up with any device of {to}'s members"),
                false => format!("no session could be set up with any of {to}'s devices"),
            });
        }
        match self.seal_with(&own, sessions, id, body) {
            Ok(elements) => Sealed::Ready(elements),
            Err(why) => Sealed::Failed(why),
        }
    }

    /// Encrypts `body` once per variant in use, the key for each device
    /// through its session; saves the sessions.
    fn seal_with(
        &mut self,
        own: &(DeviceId, omemo::IdentityKeyPair),
        sessions: Vec<(DeviceKey, Record)>,
        id: Option<&str>,
        body: &str,
    ) -> Result<Vec<Encrypted>, String> {
        let mut by_version: BTreeMap<Version, Vec<(DeviceKey, Record)>> = BTreeMap::new();
        for (key, s) in sessions {
            by_version.entry(key.1).or_default().push((key, s));
        }
        let mut elements = Vec::new();
        for (version, sessions) in by_version {
            let (key_material, iv, payload) = match version {
                Version::Legacy => {
                    let p = omemo::payload::encrypt_v03(body.as_bytes(), &mut OsRng)
                        .map_err(|e| format!("encryption failed: {e}"))?;
                    (p.key_material, Some(p.iv.to_vec()), p.ciphertext)
                }
                Version::V2 => {
                    let rpad = padding();
                    let envelope = Envelope::with_body(body, self.jid.clone(), rpad);
                    let p = omemo::payload::encrypt_v2(&envelope.to_bytes(), &mut OsRng);
                    (p.key_material, None, p.ciphertext)
                }
            };
            let mut keys = Vec::new();
            for ((jid, _, device), mut record) in sessions {
                // This message answers the device: no heartbeat owed.
                let key = (jid.clone(), version, device);
                self.omemo.unanswered.remove(&key);
                self.omemo.heartbeats.remove(&key);
                let k = record
                    .current()
                    .encrypt(&key_material)
                    .map_err(|e| format!("encryption failed: {e}"))?;
                keys.push(key_for(version, &jid, device, k));
                self.store
                    .stage_session(jid.as_str(), version, device, record.to_bytes(), None);
            }
            elements.push(Encrypted {
                version,
                sid: own.0,
                keys,
                iv,
                payload: Some(payload),
            });
        }
        // On disk before the stanza leaves: a key is never used twice, and
        // a message sent again carries the same elements (a receiver skips
        // at most 1,000 keys; attempts lost on the way must not count).
        let sealed = crate::xmpp::omemo::sealed_to_xml(&elements);
        self.store
            .save_staged_sealing(id.map(|id| (id, sealed.as_str())))
            .map_err(|e| format!("encryption state not saved: {e}"))?;
        Ok(elements)
    }

    /// Sends the heartbeats owed (empty OMEMO messages: a fresh key for
    /// one device, no payload) through the current sessions.
    pub(super) async fn send_heartbeats(&mut self, stream: &Wire) {
        let Ok((own, _)) = keys::own_cached(&self.store, &mut self.omemo.own) else {
            return;
        };
        let due = std::mem::take(&mut self.omemo.heartbeats);
        for (jid, version, device) in due {
            self.omemo
                .unanswered
                .remove(&(jid.clone(), version, device));
            let record = match self.store.omemo_session(jid.as_str(), version, device) {
                Ok(Some(bytes)) => Record::from_bytes(&bytes),
                _ => None,
            };
            let Some(mut record) = record else {
                continue;
            };
            let len = match version {
                Version::Legacy => omemo::payload::KEY_MATERIAL_LEN_V03,
                Version::V2 => omemo::payload::KEY_MATERIAL_LEN_V2,
            };
            let mut material = zeroize::Zeroizing::new(vec![0u8; len]);
            rand_core::RngCore::fill_bytes(&mut OsRng, material.as_mut_slice());
            let k = match record.current().encrypt(&material) {
                Ok(k) => k,
                Err(e) => {
                    tracing::info!(account = %self.id, device = device.get(), "no heartbeat: {e}");
                    continue;
                }
            };
            self.store
                .stage_session(jid.as_str(), version, device, record.to_bytes(), None);
            if let Err(e) = self.store.save_staged_sessions() {
                self.error(Problem::StoreFailed, e.to_string(), None);
                continue;
            }
            let iv = (version == Version::Legacy).then(|| {
                let mut iv = vec![0u8; 12];
                rand_core::RngCore::fill_bytes(&mut OsRng, &mut iv);
                iv
            });
            let element = Encrypted {
                version,
                sid: own,
                keys: vec![key_for(version, &jid, device, k)],
                iv,
                payload: None,
            };
            let mut msg = tokio_xmpp::parsers::message::Message::chat(Some(Jid::from(jid)));
            msg.id = Some(tokio_xmpp::parsers::message::Id(
                uuid::Uuid::new_v4().to_string(),
            ));
            let msg = element.into_message(msg);
            tracing::debug!(account = %self.id, device = device.get(), "OMEMO heartbeat");
            self.send(stream, tokio_xmpp::Stanza::Message(msg)).await;
        }
    }

    /// Our message `id` went out as `elements`: its record says which
    /// variant (OMEMO 2 where any device got it).
    pub(in crate::account) fn sealed_as(&mut self, id: &str, elements: &[Encrypted]) {
        let encryption = if elements.iter().any(|e| e.version == Version::V2) {
            Encryption::Omemo2
        } else {
            Encryption::Omemo
        };
        self.update_message_encryption(id, encryption);
    }

    /// Our message `id`'s record says how it travels (announced if that
    /// changed).
    pub(in crate::account) fn update_message_encryption(
        &mut self,
        id: &str,
        encryption: Encryption,
    ) {
        match self.store.set_message_encryption(id, encryption) {
            Ok(Some(message)) => self.emit(crate::api::Event::MessageUpdated {
                account: self.id.clone(),
                message,
            }),
            Ok(None) => {}
            Err(e) => self.error(Problem::StoreFailed, e.to_string(), None),
        }
    }

    pub(super) async fn omemo_fetch_bundle(&mut self, key: DeviceKey, stream: &Wire) {
        let (node, item) = key.1.bundle_location(key.2);
        let responder = if key.0 == self.jid {
            super::super::requests::Responder::Account
        } else {
            super::super::requests::Responder::Contact(key.0.clone())
        };
        self.omemo.bundles.insert(key.clone(), Fetch::Asked);
        let request = pep::items_request(&node, item.as_deref()).into();
        let to = Jid::from(key.0.clone());
        self.omemo_ask(to, responder, request, Purpose::Bundle(key), stream)
            .await;
    }

    /// A bundle we asked for: a session is built on it (and kept), or the
    /// device is left out for this session.
    pub(super) async fn on_bundle(
        &mut self,
        key: DeviceKey,
        answer: Result<Option<Element>, StanzaError>,
        stream: &Wire,
    ) {
        use crate::api::DeviceProblem;
        let (node, _) = key.1.bundle_location(key.2);
        let item = answer.ok().and_then(|p| pep::first_item(p.as_ref(), &node));
        // Why it fails, if it does: no bundle, or one we cannot use.
        let problem = match item {
            None => DeviceProblem::NoBundle,
            Some(_) => DeviceProblem::BundleInvalid,
        };
        let bundle = item.and_then(|item| Bundle::parse(key.1, &item).ok());
        let built = bundle.and_then(|b| {
            let (_, identity) = keys::own(&self.store).ok()?;
            let crypto = keys::from_wire(key.1, &b);
            match omemo::Session::initiate(&identity, &crypto, &mut OsRng) {
                Ok(s) => Some(s),
                Err(e) => {
                    tracing::info!(account = %self.id, device = key.2.get(), "OMEMO bundle refused: {e}");
                    None
                }
            }
        });
        match built {
            Some(session) => {
                let identity = session.remote_identity().as_bytes().to_vec();
                let jid = key.0.as_str();
                // Sessions with it so far stay, as earlier ones.
                let record = match self.store.omemo_session(jid, key.1, key.2) {
                    Ok(Some(bytes)) => Record::from_bytes(&bytes),
                    _ => None,
                };
                let record = match record {
                    Some(mut r) => {
                        r.replace(session);
                        r
                    }
                    None => Record::new(session),
                };
                let saved = self
                    .store
                    .set_device_identity(jid, key.1, key.2, &identity)
                    .and_then(|_| {
                        self.store
                            .stage_session(jid, key.1, key.2, record.to_bytes(), None);
                        self.store.save_staged_sessions()
                    });
                if let Err(e) = saved {
                    self.error(Problem::StoreFailed, e.to_string(), None);
                }
                self.omemo.bundles.remove(&key);
                self.omemo.problems.remove(&key);
                // A reset: the other side learns of the new session now.
                if self.omemo.resets.remove(&key) {
                    self.omemo.heartbeats.insert(key.clone());
                    self.send_heartbeats(stream).await;
                    self.emit_devices(&key.0);
                }
            }
            None => {
                tracing::info!(account = %self.id, jid = %key.0, device = key.2.get(), ?problem, "no usable OMEMO bundle; device left out");
                let reset = self.omemo.resets.remove(&key);
                self.omemo.problems.insert(key.clone(), problem);
                self.omemo.bundles.insert(key.clone(), Fetch::Failed);
                // A reset that failed says why.
                if reset {
                    self.emit_devices(&key.0);
                }
            }
        }
        self.omemo_keys_arrived(stream).await;
    }

    /// Asks for `person`'s device lists (once a session), before a
    /// message to them or their group is encrypted.
    pub(super) async fn omemo_read_lists(&mut self, person: &BareJid, stream: &Wire) {
        if !self.omemo.lists_fetched.insert(person.clone()) {
            return;
        }
        self.omemo.lists_due += Version::ALL.len();
        for version in Version::ALL {
            let purpose = Purpose::SendList(person.clone(), version);
            self.omemo_read_list(person.clone(), version, purpose, stream)
                .await;
        }
    }

    /// Device lists asked for before sending are still to come.
    pub(in crate::account) fn omemo_lists_pending(&self) -> bool {
        self.omemo.lists_due > 0
    }

    /// A device list asked for before sending came (or failed).
    pub(super) async fn on_send_list(&mut self, stream: &Wire) {
        self.omemo.lists_due = self.omemo.lists_due.saturating_sub(1);
        if self.omemo.lists_due == 0 {
            self.report_rooms_due();
        }
        self.omemo_keys_arrived(stream).await;
    }

    /// Keys came: once nothing is outstanding, the waiting messages go.
    pub(super) async fn omemo_keys_arrived(&mut self, stream: &Wire) {
        let outstanding =
            self.omemo.lists_due > 0 || self.omemo.bundles.values().any(|f| *f == Fetch::Asked);
        if !outstanding && self.outbox_open() {
            self.flush_outbox(stream).await;
        }
    }
}

/// Why a plain message or switch is refused under `require_encryption`.
pub(in crate::account) const REQUIRED: &str =
    "this account sends messages only end-to-end encrypted";

/// The `<key>` for `device` of `jid`: OMEMO 2 names the account, 0.3 does not.
fn key_for(version: Version, jid: &BareJid, device: DeviceId, k: omemo::EncryptedKey) -> KeyFor {
    KeyFor {
        jid: (version == Version::V2).then(|| jid.clone()),
        rid: device,
        prekey: k.prekey,
        data: k.data,
    }
}

/// Random padding for an SCE envelope (XEP-0420 §3.2: hides the body's
/// length): 0 to 200 letters and digits.
fn padding() -> String {
    use rand_core::RngCore;
    const CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let len = OsRng.next_u32() % 201;
    (0..len)
        .map(|_| char::from(CHARS[OsRng.next_u32() as usize % CHARS.len()]))
        .collect()
}

/// The devices to encrypt to: active and trusted, and not stale (no
/// message for 90 days) unless all of them are — then nobody can tell
/// which one is still used; one per id, OMEMO 2 where a device speaks both.
fn targets(devices: &[StoredDevice]) -> Vec<(Version, DeviceId)> {
    let now = chrono::Utc::now();
    let usable: Vec<&StoredDevice> = devices
        .iter()
        .filter(|d| d.active && trust::encrypt_to(d.trust))
        .collect();
    let fresh = usable.iter().any(|d| !d.stale(now));
    let mut chosen: HashMap<DeviceId, Version> = HashMap::new();
    for d in usable.into_iter().filter(|d| !fresh || !d.stale(now)) {
        let v = chosen.entry(d.device_id).or_insert(d.version);
        if d.version == Version::V2 {
            *v = Version::V2;
        }
    }
    let mut out: Vec<(Version, DeviceId)> = chosen.into_iter().map(|(d, v)| (v, d)).collect();
    out.sort_by_key(|(v, d)| (*v, d.get()));
    out
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, Utc};

    use super::*;
    use crate::api::Trust;

    fn device(id: u32, days_silent: i64) -> StoredDevice {
        let now = Utc::now();
        StoredDevice {
            version: Version::V2,
            device_id: DeviceId::new(id).unwrap(),
            label: None,
            identity: None,
            trust: Trust::Blind,
            first_seen: now - Duration::days(400),
            last_seen: now,
            active: true,
            last_used: Some(now - Duration::days(days_silent)),
        }
    }

    fn ids(devices: &[StoredDevice]) -> Vec<u32> {
        targets(devices).iter().map(|(_, d)| d.get()).collect()
    }

    #[test]
    fn a_device_silent_for_90_days_is_left_out_while_another_is_in_use() {
        // The phone wrote yesterday; the old laptop not for 120 days.
        assert_eq!(ids(&[device(1, 1), device(2, 120)]), [1]);
        // It writes again: it counts again.
        assert_eq!(ids(&[device(1, 1), device(2, 0)]), [1, 2]);
        // All silent: nobody can tell which one is still used; all get it.
        assert_eq!(ids(&[device(1, 95), device(2, 120)]), [1, 2]);
        // Never wrote, on the list for 400 days: silent as well.
        let never = StoredDevice {
            last_used: None,
            ..device(3, 0)
        };
        assert_eq!(ids(&[device(1, 1), never.clone()]), [1]);
        // Never wrote, but new: in use.
        let new = StoredDevice {
            first_seen: Utc::now() - Duration::days(2),
            ..never
        };
        assert_eq!(ids(&[device(1, 1), new]), [1, 3]);
    }
}
