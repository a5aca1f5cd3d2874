//! Avatars: XEP-0084 (user avatar over PEP) with the XEP-0153 vCard
//! fallback, and publishing our own.
//!
//! Contacts announce a SHA-1 of their image: in a PEP notification of the
//! `urn:xmpp:avatar:metadata` node (which we ask for with `+notify` in our
//! caps), or in presence (`vcard-temp:x:update`). A hash we have a thumbnail
//! for is only recorded; otherwise the image is fetched once (XEP-0084 data
//! item, or the vCard's PHOTO), checked against the hash — so nobody can
//! plant an image under someone else's hash — decoded and thumbnailed off
//! the actor's task ([`crate::avatar_image`], one decode at a time for the
//! whole process), and written to `avatars/<sha1>.png`. The store keeps the
//! hash per JID; front-ends get the thumbnail's path.
//!
//! Our own presence carries no `vcard-temp:x:update`: Prosody's
//! `mod_vcard_legacy` adds it from the current PEP metadata (and serves the
//! PEP avatar as vCard PHOTO), which is always up to date, whereas a hash
//! written by this device could be stale after another device changed the
//! avatar — and the server leaves a client's `<photo>` untouched.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use crate::account::wire::Wire;
use tokio::sync::mpsc;
use tokio_xmpp::Stanza;
use tokio_xmpp::jid::{BareJid, Jid};
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::iq::Iq;
use tokio_xmpp::parsers::ns;
use tokio_xmpp::parsers::presence::{Presence, Type as PresenceType};
use tokio_xmpp::parsers::stanza_error::{DefinedCondition, StanzaError};

use super::inbound::PendingIq;
use super::requests::Responder;
use super::{Actor, avatar_path};
use crate::api::{ConnState, Event, Problem};
use crate::avatar_image::{AvatarError, INCOMING};
use crate::xmpp::avatars::{
    self as stanzas, Announced, AvatarNotice, DATA, METADATA, data_text, items_metadata,
    vcard_photo_text, vcard_update,
};
use crate::xmpp::pep;
use crate::xmpp::util::element;

mod cache;

pub(crate) use cache::clean_cache;
use cache::{FetchError, Ready, spawn_job};
pub(crate) use cache::{MAX_BASE64_TEXT, decode_base64};

/// Where an announced avatar's data is fetched from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Source {
    /// The XEP-0084 data node of the announcer.
    Pep,
    /// The PHOTO of the announcer's vCard (XEP-0153).
    VCard,
}

/// Results of the blocking work, back to the actor's loop.
#[derive(Debug)]
pub(super) enum Done {
    /// An avatar was checked and cached at the path, or refused.
    Fetched {
        from: BareJid,
        hash: String,
        result: Result<PathBuf, FetchError>,
    },
    /// Our own avatar is ready to publish (thumbnail already cached).
    Prepared(Result<Ready, AvatarError>),
}

/// Avatar data requests open at once per contact.
const MAX_OPEN_REQUESTS: usize = 2;

/// Avatar state of one account for the current session.
#[derive(Debug)]
pub(super) struct Avatars {
    done: mpsc::UnboundedSender<Done>,
    /// The newest uncached hash each JID announced, and where to get it.
    wanted: HashMap<BareJid, (String, Source)>,
    /// Hashes being fetched (false) or decoded (true): one fetch per hash.
    in_flight: HashMap<String, bool>,
    /// Our avatar data requests: IQ id → (asked JID, hash).
    requests: HashMap<String, (BareJid, String)>,
    /// Who sent XEP-0084 metadata this session: it wins over XEP-0153.
    pep: HashSet<BareJid>,
    /// (JID, hash) pairs whose data was refused: not fetched again.
    refused: HashSet<(BareJid, String)>,
    publishing: Option<Publishing>,
}

/// Our avatar on its way to the server.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Publishing {
    /// Being read and scaled (blocking task).
    Preparing,
    /// IQ `iq` publishes the data item; then `metadata` follows.
    Data {
        iq: String,
        hash: String,
        metadata: Element,
    },
    /// IQ `iq` publishes the metadata (`hash` None: empty, i.e. removal).
    Metadata { iq: String, hash: Option<String> },
}

impl Avatars {
    pub(super) fn new(done: mpsc::UnboundedSender<Done>) -> Avatars {
        Avatars {
            done,
            wanted: HashMap::new(),
            in_flight: HashMap::new(),
            requests: HashMap::new(),
            pep: HashSet::new(),
            refused: HashSet::new(),
            publishing: None,
        }
    }

    /// A fresh session: open requests are void (their IQs were dropped),
    /// decodes still report back. Returns whether a publish was cut off.
    pub(super) fn new_session(&mut self) -> bool {
        self.wanted.clear();
        self.requests.clear();
        self.in_flight.retain(|_, decoding| *decoding);
        self.pep.clear();
        self.refused.clear();
        let cut_off = matches!(
            self.publishing,
            Some(Publishing::Data { .. } | Publishing::Metadata { .. })
        );
        if cut_off {
            self.publishing = None;
        }
        cut_off
    }
}

impl Actor {
    /// A PEP notification (XEP-0163) about `from`'s avatar, already checked
    /// by `on_pep_notification` (bare JID, not blocked, own items only).
    pub(super) async fn on_avatar_notification(
        &mut self,
        from: BareJid,
        notice: AvatarNotice,
        stream: &Wire,
    ) {
        if !self.may_have_avatar(&from) {
            tracing::info!(account = %self.id, %from, "avatar notification from a stranger ignored");
            return;
        }
        self.avatars.pep.insert(from.clone());
        if let AvatarNotice::Announced(announced) = notice {
            self.on_announced(from, announced, Source::Pep, stream)
                .await;
        }
    }

    /// XEP-0153: a hash in a contact's presence, used while they have not
    /// sent XEP-0084 metadata this session.
    pub(super) async fn on_avatar_presence(&mut self, p: &Presence, stream: &Wire) {
        let Some(from) = p.from.as_ref().map(Jid::to_bare) else {
            return;
        };
        // Cheap checks first: most presences carry nothing of this.
        if p.type_ != PresenceType::None || self.avatars.pep.contains(&from) {
            return;
        }
        let Some(announced) = vcard_update(p) else {
            return;
        };
        if self.may_have_avatar(&from) {
            self.on_announced(from, announced, Source::VCard, stream)
                .await;
        }
    }

    /// XEP-0486: a room we are in announces its avatar (a vCard photo of
    /// the room's JID) by a presence from the room itself, when we join
    /// and when it changes.
    pub(super) async fn on_room_avatar_presence(
        &mut self,
        room: BareJid,
        p: &Presence,
        stream: &Wire,
    ) {
        if p.type_ != PresenceType::None {
            return;
        }
        if let Some(announced) = vcard_update(p) {
            self.on_announced(room, announced, Source::VCard, stream)
                .await;
        }
    }

    /// We keep avatars of our contacts and ourselves: strangers could fill
    /// the disk with fresh hashes.
    fn may_have_avatar(&self, jid: &BareJid) -> bool {
        *jid == self.jid
            || (!self.is_blocked(jid) && self.store.is_contact(jid.as_str()).unwrap_or(false))
    }

    async fn on_announced(
        &mut self,
        jid: BareJid,
        announced: Announced,
        source: Source,
        stream: &Wire,
    ) {
        // Our own change being published is recorded when the server
        // confirms it; the echo of it changes nothing.
        if jid == self.jid && self.avatars.publishing.is_some() {
            return;
        }
        let (hash, bytes) = match announced {
            Announced::Removed => {
                self.avatars.wanted.remove(&jid);
                return self.record_avatar(&jid, None, false);
            }
            Announced::Avatar { hash, bytes } => (hash, bytes),
        };
        if self.avatar_file(&hash).is_some() {
            self.avatars.wanted.remove(&jid);
            // A room's picture is announced at every join, and front-ends
            // learn room avatars only from these events (not the roster).
            let room = self.muc.knows(&jid);
            return self.record_avatar(&jid, Some(&hash), room);
        }
        if bytes.is_some_and(|b| b > INCOMING.max_bytes as u64) {
            tracing::info!(account = %self.id, %jid, bytes, "announced avatar too large; not fetched");
            return;
        }
        if self.avatars.refused.contains(&(jid.clone(), hash.clone())) {
            return;
        }
        self.avatars
            .wanted
            .insert(jid.clone(), (hash.clone(), source));
        // A contact that announces new pictures and never answers our
        // requests would otherwise collect open requests without end; the
        // newest stays wanted and is fetched with its next announcement.
        let open = self
            .avatars
            .requests
            .values()
            .filter(|(j, _)| *j == jid)
            .count();
        if !self.avatars.in_flight.contains_key(&hash) && open < MAX_OPEN_REQUESTS {
            self.fetch_avatar(jid, hash, source, stream).await;
        }
    }

    async fn fetch_avatar(&mut self, jid: BareJid, hash: String, source: Source, stream: &Wire) {
        tracing::debug!(account = %self.id, %jid, hash, ?source, "fetching avatar");
        let id = uuid::Uuid::new_v4().to_string();
        let (payload, kind) = match source {
            Source::Pep => (
                pep::items_request(DATA, Some(&hash)).into(),
                PendingIq::AvatarData,
            ),
            Source::VCard => (element("vCard", ns::VCARD, &[]), PendingIq::VCardPhoto),
        };
        let iq = Iq::Get {
            from: None,
            to: Some(jid.clone().into()),
            id: id.clone(),
            payload,
        };
        self.avatars.in_flight.insert(hash.clone(), false);
        self.avatars.requests.insert(id, (jid.clone(), hash));
        self.request(iq, Responder::Contact(jid), kind, stream)
            .await;
    }

    /// The answer to an avatar data or vCard request.
    pub(super) async fn on_avatar_data(
        &mut self,
        kind: PendingIq,
        id: &str,
        answer: Result<Option<Element>, StanzaError>,
        stream: &Wire,
    ) {
        let Some((from, hash)) = self.avatars.requests.remove(id) else {
            return;
        };
        let text = match (kind, answer) {
            (PendingIq::AvatarData, Ok(Some(payload))) => data_text(&payload, &hash),
            (PendingIq::VCardPhoto, Ok(Some(payload))) => vcard_photo_text(&payload),
            (_, Err(e)) => {
                tracing::info!(account = %self.id, %from, hash, "avatar request failed: {:?}", e.defined_condition);
                return self.fetch_failed(from, hash, stream).await;
            }
            _ => None,
        };
        let Some(text) = text.filter(|t| t.len() <= MAX_BASE64_TEXT) else {
            tracing::warn!(account = %self.id, %from, hash, "avatar answer without usable data (missing or too large)");
            return self.fetch_failed(from, hash, stream).await;
        };
        self.avatars.in_flight.insert(hash.clone(), true);
        let target = avatar_path(&self.data_dir, &hash);
        let fallback = Done::Fetched {
            from: from.clone(),
            hash: hash.clone(),
            result: Err(FetchError::Write("the avatar task failed".into())),
        };
        spawn_job(self.avatars.done.clone(), fallback, move || {
            let result = match target {
                Some(path) => cache::cache_avatar(&text, &hash, &path).map(|()| path),
                None => Err(FetchError::HashMismatch),
            };
            Done::Fetched { from, hash, result }
        });
    }

    /// The data from `from` for `hash` is unusable: remember, and fetch it
    /// from someone else who announced the same hash (so a contact who
    /// serves garbage under another's hash cannot block the real one).
    async fn fetch_failed(&mut self, from: BareJid, hash: String, stream: &Wire) {
        self.avatars.in_flight.remove(&hash);
        if self
            .avatars
            .wanted
            .get(&from)
            .is_some_and(|(h, _)| *h == hash)
        {
            self.avatars.wanted.remove(&from);
        }
        let other = self
            .avatars
            .wanted
            .iter()
            .find(|(_, (h, _))| *h == hash)
            .map(|(jid, (_, source))| (jid.clone(), *source));
        self.avatars.refused.insert((from, hash.clone()));
        if let Some((jid, source)) = other
            && self.state == ConnState::Online
        {
            self.fetch_avatar(jid, hash, source, stream).await;
        }
    }

    /// Blocking work finished.
    pub(super) async fn on_avatar_done(&mut self, done: Done, stream: &Wire) {
        match done {
            Done::Fetched {
                from,
                hash,
                result: Ok(_),
            } => {
                self.avatars.in_flight.remove(&hash);
                tracing::debug!(account = %self.id, %from, hash, "avatar cached");
                let waiting: Vec<BareJid> = self
                    .avatars
                    .wanted
                    .iter()
                    .filter(|(_, (h, _))| *h == hash)
                    .map(|(jid, _)| jid.clone())
                    .collect();
                // Announced even if the hash is the stored one: then the
                // thumbnail had gone missing, and front-ends had no path.
                for jid in waiting {
                    self.avatars.wanted.remove(&jid);
                    self.record_avatar(&jid, Some(&hash), true);
                }
            }
            Done::Fetched {
                from,
                hash,
                result: Err(e),
            } => {
                tracing::warn!(account = %self.id, %from, hash, "avatar refused: {e}");
                self.fetch_failed(from, hash, stream).await;
            }
            Done::Prepared(Err(e)) => {
                self.avatars.publishing = None;
                self.error(
                    Problem::AvatarUnusable,
                    format!("avatar not changed: {e}"),
                    None,
                );
            }
            Done::Prepared(Ok(ready)) => {
                if self.state != ConnState::Online {
                    self.avatars.publishing = None;
                    return self.error(
                        Problem::NotConnected,
                        "not connected: the avatar was not changed",
                        None,
                    );
                }
                self.publish_data(ready, stream).await;
            }
        }
    }

    /// Stores `jid`'s avatar hash and tells the front-ends if it changed
    /// (or `always`, to answer `set_avatar`). A first "no avatar" for
    /// someone we knew nothing about is no change (see `Store::set_avatar`).
    fn record_avatar(&mut self, jid: &BareJid, hash: Option<&str>, always: bool) {
        match self.store.set_avatar(jid.as_str(), hash) {
            Ok(changed) if changed || always => self.emit(Event::Avatar {
                account: self.id.clone(),
                jid: jid.to_string(),
                path: hash.and_then(|h| self.avatar_file(h)),
            }),
            Ok(_) => {}
            Err(e) => self.error(Problem::StoreFailed, e.to_string(), None),
        }
    }

    /// Asks for our own avatar metadata once per session, so a new device
    /// knows it (the server's push after our presence may also bring it).
    pub(super) async fn request_own_avatar(&mut self, stream: &Wire) {
        let id = uuid::Uuid::new_v4().to_string();
        let iq = Iq::Get {
            from: None,
            to: Some(self.jid.clone().into()),
            id: id.clone(),
            payload: pep::items_request(METADATA, None).into(),
        };
        self.request(iq, Responder::Account, PendingIq::OwnAvatar, stream)
            .await;
    }

    pub(super) async fn on_own_avatar(
        &mut self,
        answer: Result<Option<Element>, StanzaError>,
        stream: &Wire,
    ) {
        let announced = match answer {
            Ok(Some(payload)) => items_metadata(&payload),
            Ok(None) => Some(Announced::Removed),
            // Never published: no avatar.
            Err(e) if e.defined_condition == DefinedCondition::ItemNotFound => {
                Some(Announced::Removed)
            }
            Err(e) => {
                tracing::info!(account = %self.id, "own avatar unknown: {:?}", e.defined_condition);
                None
            }
        };
        if let Some(announced) = announced {
            self.avatars.pep.insert(self.jid.clone());
            self.on_announced(self.jid.clone(), announced, Source::Pep, stream)
                .await;
        }
    }

    /// `set_avatar` while online: the image is read and scaled off the
    /// actor, then published (`on_avatar_done`); None removes it.
    pub(super) async fn set_avatar(&mut self, path: Option<PathBuf>, stream: &Wire) {
        if self.avatars.publishing.is_some() {
            return self.error(
                Problem::StillBusy,
                "avatar not changed: the previous change is still being published",
                None,
            );
        }
        let Some(path) = path else {
            // XEP-0084 §4.5: empty metadata disables the avatar.
            return self
                .publish_metadata(None, element("metadata", METADATA, &[]), stream)
                .await;
        };
        self.avatars.publishing = Some(Publishing::Preparing);
        let data_dir = self.data_dir.clone();
        let fallback = Done::Prepared(Err(AvatarError::Corrupt("the avatar task failed".into())));
        spawn_job(self.avatars.done.clone(), fallback, move || {
            Done::Prepared(cache::prepare_own(&path, &data_dir))
        });
    }

    async fn publish_data(&mut self, ready: Ready, stream: &Wire) {
        let metadata =
            stanzas::metadata_for(&ready.hash, ready.png.len(), ready.width, ready.height);
        let id = uuid::Uuid::new_v4().to_string();
        self.avatars.publishing = Some(Publishing::Data {
            iq: id.clone(),
            hash: ready.hash.clone(),
            metadata,
        });
        let payload = pep::publish(DATA, Some(&ready.hash), stanzas::data(&ready.png), None);
        self.send_publish(id, payload.into(), stream).await;
    }

    async fn publish_metadata(&mut self, hash: Option<String>, metadata: Element, stream: &Wire) {
        let id = uuid::Uuid::new_v4().to_string();
        self.avatars.publishing = Some(Publishing::Metadata {
            iq: id.clone(),
            hash: hash.clone(),
        });
        let payload = pep::publish(METADATA, hash.as_deref(), metadata, None);
        self.send_publish(id, payload.into(), stream).await;
    }

    async fn send_publish(&mut self, id: String, payload: Element, stream: &Wire) {
        let iq = Iq::Set {
            from: None,
            to: None,
            id: id.clone(),
            payload,
        };
        self.request(iq, Responder::Account, PendingIq::AvatarPublish, stream)
            .await;
    }

    /// The server's answer to one of our publish requests.
    pub(super) async fn on_avatar_published(
        &mut self,
        id: &str,
        answer: Result<Option<Element>, StanzaError>,
        stream: &Wire,
    ) {
        let current = match &self.avatars.publishing {
            Some(Publishing::Data { iq, .. } | Publishing::Metadata { iq, .. }) if iq == id => {
                self.avatars.publishing.take()
            }
            _ => return,
        };
        if let Err(e) = answer {
            return self.refused(Problem::Avatar, "avatar not changed", &e);
        }
        match current {
            Some(Publishing::Data { hash, metadata, .. }) => {
                self.publish_metadata(Some(hash), metadata, stream).await
            }
            Some(Publishing::Metadata { hash, .. }) => {
                let own = self.jid.clone();
                self.record_avatar(&own, hash.as_deref(), true);
                if hash.is_none() {
                    // The old image should not stay readable in the data
                    // node. Nothing waits for the answer: a failure
                    // changes nothing visible.
                    let iq = Iq::Set {
                        from: None,
                        to: None,
                        id: uuid::Uuid::new_v4().to_string(),
                        payload: stanzas::purge(DATA),
                    };
                    self.send(stream, Stanza::Iq(iq)).await;
                }
            }
            _ => {}
        }
    }
}
