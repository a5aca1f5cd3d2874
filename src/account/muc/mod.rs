//! Group chats (XEP-0045): joining and leaving rooms, their occupants and
//! subject, groupchat messages, invitations, administration and
//! moderation. Bookmarks (XEP-0402) are in `bookmarks.rs`, the room
//! archives (XEP-0313 on the room JID) in `history.rs`, staying in
//! (XEP-0410 self-ping) in `ping.rs`. The stanzas themselves are read and
//! built in `xmpp::muc`, `xmpp::muc_admin` and `xmpp::moderation`;
//! `convert.rs` turns them into the store's and front-ends' types.
//!
//! Only rooms we are in (or are joining) are trusted as rooms: a groupchat
//! message or occupant presence from any other JID is dropped, so nobody
//! can put messages into a room conversation by claiming to be a room.

mod admin;
pub(crate) mod bookmarks;
pub mod convert;
mod history;
mod ping;
pub mod private;
mod signals;

use crate::account::stanza_error;
use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use crate::account::wire::Wire;
use chrono::Utc;
use tokio_xmpp::Stanza;
use tokio_xmpp::jid::{BareJid, FullJid, Jid};
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::disco::{DiscoInfoQuery, DiscoInfoResult};
use tokio_xmpp::parsers::iq::Iq;
use tokio_xmpp::parsers::message::{Message, MessageType};
use tokio_xmpp::parsers::presence::{Presence, Type as PresenceType};
use tokio_xmpp::parsers::stanza_error::{DefinedCondition, StanzaError};

use super::Actor;
use super::sync::Arrival;
use crate::api::{Availability, Direction, Event, LeaveReason, MessageState, Occupant, Problem};
use crate::xmpp::muc::{self, RoomMessage};
use crate::xmpp::{moderation, muc_admin};

pub use bookmarks::NODE as BOOKMARKS_NODE;
pub use ping::interval as ping_interval;

/// How often a nickname conflict is answered with a new nick (`nick_`,
/// `nick__`, …) before giving up.
const NICK_RETRIES: u8 = 3;

/// What an IQ of ours to a room (or about rooms) was for.
#[derive(Debug, Clone, PartialEq)]
enum RoomIq {
    /// disco#info before joining: archive, moderation, does it exist.
    Disco(BareJid),
    /// The owner configuration of a room we created.
    Config(BareJid),
    /// A `muc#admin` change (affiliation or role).
    Admin(BareJid),
    /// The member list of a room we created: `room_joined` follows it.
    Members(BareJid),
    /// XEP-0410 self-ping.
    Ping(BareJid),
    /// A room archive page (`history.rs`).
    Archive(BareJid),
    /// XEP-0425.
    Moderate(BareJid),
    /// One affiliation's list for `room_members` (`admin.rs`).
    MemberList(BareJid),
    /// Our bookmarks (`bookmarks.rs`): PEP, private storage, publish.
    Bookmarks,
    LegacyBookmarks,
    BookmarkPublish(BareJid),
}

/// A room created by `create_room`, until configured.
#[derive(Debug, Clone, Default, PartialEq)]
struct Creation {
    name: Option<String>,
    members: Vec<BareJid>,
    /// Member additions not answered yet.
    pending: usize,
}

/// Where we are with one room.
#[derive(Debug, Default)]
struct Room {
    /// The nick we use (or are trying).
    nick: String,
    /// The nick we were asked to use (retries add `_`).
    wanted: String,
    retries: u8,
    joined: bool,
    /// Rejoining after a lost self-ping or a new session: no new
    /// `room_joined` bookmark publishing.
    rejoin: bool,
    occupants: BTreeMap<String, Occupant>,
    subject: Option<String>,
    /// The room keeps an archive (XEP-0313): history comes from there.
    archive: bool,
    /// Members-only and not anonymous: a known circle, where read markers
    /// are shared (as Conversations and Dino do); not in public rooms,
    /// where every marker would go to every stranger.
    private: bool,
    /// The XEP-0425 namespace the room offers.
    moderation: Option<&'static str>,
    creation: Option<Creation>,
    password: Option<String>,
    /// Our XEP-0421 occupant-id in the room (our reflected messages).
    own_occupant_id: Option<String>,
    /// The last stanza from the room (self-ping only when quiet).
    last_seen: Option<Instant>,
    ping: Option<String>,
    /// The archive catch-up after joining read the room archive to its
    /// end (`history.rs`): live messages may move the room's cursor.
    read_to_end: bool,
}

/// All rooms of the account in this session.
#[derive(Debug, Default)]
pub(super) struct Rooms {
    rooms: HashMap<BareJid, Room>,
    iqs: HashMap<String, RoomIq>,
    /// Bookmarks arrived this session (autojoin done once per session).
    bookmarks_loaded: bool,
    /// The autojoin we last published per room: its notification coming
    /// back to us is not a change from another device.
    published: HashMap<BareJid, bool>,
    history: history::Queries,
    /// `room_members` answers being put together, per room.
    member_lists: HashMap<BareJid, admin::MemberList>,
}

impl Rooms {
    pub fn is_joined(&self, room: &BareJid) -> bool {
        self.rooms.get(room).is_some_and(|r| r.joined)
    }

    /// Our nick in a room we are in or are joining.
    pub fn nick(&self, room: &BareJid) -> Option<&str> {
        self.rooms.get(room).map(|r| r.nick.as_str())
    }

    /// A joined room where our read markers go (see `Room::private`).
    pub fn shares_markers(&self, room: &BareJid) -> bool {
        self.rooms.get(room).is_some_and(|r| r.joined && r.private)
    }

    /// A room we are in or are joining.
    pub fn knows(&self, room: &BareJid) -> bool {
        self.rooms.contains_key(room)
    }
}

fn occupant_jid(room: &BareJid, nick: &str) -> Option<FullJid> {
    format!("{room}/{nick}").parse().ok()
}

/// The nick to use when none is given: the bookmark's, else our local part.
fn default_nick(own: &BareJid) -> String {
    own.node()
        .map_or_else(|| "me".to_owned(), |n| n.to_string())
}

impl Actor {
    fn muc_error(&self, room: &BareJid, condition: &str, text: Option<String>) {
        self.emit(Event::MucError {
            account: self.id.clone(),
            room: room.to_string(),
            condition: condition.to_owned(),
            text,
        });
    }

    async fn send_room_iq(&mut self, iq: Iq, what: RoomIq, stream: &Wire) {
        let id = match &iq {
            Iq::Get { id, .. } | Iq::Set { id, .. } => id.clone(),
            _ => return,
        };
        self.muc.iqs.insert(id, what);
        self.send(stream, Stanza::Iq(iq)).await;
    }

    /// `join_room`: asks the room what it is first (archive, moderation),
    /// then joins.
    pub(super) async fn join_room(&mut self, room: &str, nick: Option<String>, stream: &Wire) {
        let Ok(jid) = room.parse::<BareJid>() else {
            return self.error(
                Problem::InvalidAddress,
                format!("invalid room {room}"),
                None,
            );
        };
        self.start_join(jid, nick, None, false, stream).await
    }

    async fn start_join(
        &mut self,
        jid: BareJid,
        nick: Option<String>,
        creation: Option<Creation>,
        rejoin: bool,
        stream: &Wire,
    ) {
        if self.muc.is_joined(&jid) && creation.is_none() {
            // Already in: say so again (a second front-end may ask).
            return self.announce_joined(&jid, false);
        }
        let stored = self.store.room(jid.as_str()).ok().flatten();
        let nick = nick
            .filter(|n| !n.trim().is_empty())
            .or_else(|| stored.as_ref().and_then(|r| r.nick.clone()))
            .unwrap_or_else(|| default_nick(&self.jid));
        if let Err(e) = self.store.ensure_room(jid.as_str()) {
            return self.error(Problem::StoreFailed, e.to_string(), None);
        }
        let room = self.muc.rooms.entry(jid.clone()).or_default();
        room.nick = nick.clone();
        room.wanted = nick;
        room.retries = 0;
        room.rejoin = rejoin;
        room.creation = creation;
        room.joined = false;
        room.read_to_end = false;
        let iq = Iq::from_get(
            uuid::Uuid::new_v4().to_string(),
            DiscoInfoQuery { node: None },
        )
        .with_to(Jid::from(jid.clone()));
        self.send_room_iq(iq, RoomIq::Disco(jid), stream).await;
    }

    /// The room's disco#info: remember what it offers, then join (or,
    /// for `create_room`, join only if it does not exist yet).
    async fn on_room_disco(
        &mut self,
        jid: BareJid,
        answer: Result<Option<Element>, StanzaError>,
        stream: &Wire,
    ) {
        let Some(room) = self.muc.rooms.get_mut(&jid) else {
            return;
        };
        let info = answer
            .ok()
            .flatten()
            .and_then(|p| DiscoInfoResult::try_from(p).ok());
        match (&info, room.creation.is_some()) {
            (Some(_), true) => {
                self.muc.rooms.remove(&jid);
                return self.muc_error(&jid, "conflict", Some("the room exists already".into()));
            }
            (Some(info), false) => {
                room.archive = info.features.contains(tokio_xmpp::parsers::ns::MAM);
                room.private = info.features.contains("muc_membersonly")
                    && info.features.contains("muc_nonanonymous");
                room.moderation = if info.features.contains(moderation::MODERATE_1) {
                    Some(moderation::MODERATE_1)
                } else if info.features.contains(moderation::MODERATE_0) {
                    Some(moderation::MODERATE_0)
                } else {
                    None
                };
            }
            // Not there (or not telling): joining creates it; a new room of
            // this service archives like the others (Prosody's muc_mam).
            // We create members-only, non-anonymous rooms.
            (None, _) => {
                room.archive = room.creation.is_some();
                room.private = room.creation.is_some();
            }
        }
        self.send_join(&jid, stream).await;
    }

    async fn send_join(&mut self, jid: &BareJid, stream: &Wire) {
        let Some(room) = self.muc.rooms.get(jid) else {
            return;
        };
        let Some(to) = occupant_jid(jid, &room.nick) else {
            self.muc.rooms.remove(jid);
            return self.muc_error(jid, "jid_malformed", Some("invalid nickname".into()));
        };
        let mut presence = muc::join_presence(to, room.archive, room.password.as_deref());
        // Our caps, so the room (and occupants) know what we support.
        if let Some(caps) = crate::xmpp::caps::own_caps(self.offer()) {
            presence.add_payload(caps);
        }
        self.send(stream, Stanza::Presence(presence)).await;
    }

    /// Presence from a room we know: occupants, our own join, errors.
    /// Returns false if `p` is not from such a room.
    pub(super) async fn on_room_presence(&mut self, p: &Presence, stream: &Wire) -> bool {
        let Some(from) = p.from.as_ref() else {
            return false;
        };
        let jid = from.to_bare();
        if !self.muc.knows(&jid) {
            return false;
        }
        if let Some(r) = self.muc.rooms.get_mut(&jid) {
            r.last_seen = Some(Instant::now());
        }
        if p.type_ == PresenceType::Error {
            self.on_join_error(&jid, p, stream).await;
            return true;
        }
        let Some(nick) = from.resource().map(|r| r.to_string()) else {
            return true;
        };
        let info = muc::muc_user(&p.payloads).unwrap_or_default();
        let gone = p.type_ == PresenceType::Unavailable;
        // Status 110 marks our own presence; a destroy notice or our nick
        // going away concern us even where a room leaves it out.
        let my_nick = self.muc.rooms.get(&jid).map(|r| r.nick.as_str());
        let own = info.statuses.contains(&110)
            || info.destroyed.is_some()
            || (gone && my_nick == Some(nick.as_str()));
        let item = info.item.clone().unwrap_or_default();
        let occupant = Occupant {
            nick: nick.clone(),
            jid: item
                .jid
                .clone()
                .map(|j| crate::store::bare_jid(&j).to_owned()),
            role: convert::role(&item.role),
            affiliation: convert::affiliation(&item.affiliation),
            presence: if gone {
                Availability::Offline
            } else {
                super::roster::availability_of(p)
            },
            status: crate::account::presence::status_text(p),
            occupant_id: p
                .payloads
                .iter()
                .find(|e| e.is("occupant-id", tokio_xmpp::parsers::ns::OID))
                .and_then(|e| e.attr("id"))
                .map(str::to_owned),
        };
        if own {
            return self.on_own_room_presence(jid, occupant, info, stream).await;
        }
        let Some(room) = self.muc.rooms.get_mut(&jid) else {
            return true;
        };
        if gone {
            room.occupants.remove(&nick);
        } else {
            room.occupants.insert(nick, occupant.clone());
        }
        // Before our own presence the list is announced with `room_joined`.
        if room.joined {
            self.emit(Event::Occupant {
                account: self.id.clone(),
                room: jid.to_string(),
                occupant,
                left: gone,
            });
        }
        true
    }

    async fn on_own_room_presence(
        &mut self,
        jid: BareJid,
        me: Occupant,
        info: muc::MucUserInfo,
        stream: &Wire,
    ) -> bool {
        let gone = me.presence == Availability::Offline;
        let Some(room) = self.muc.rooms.get_mut(&jid) else {
            return true;
        };
        if gone {
            // A nick change (303) is not leaving.
            if info.statuses.contains(&303) {
                return true;
            }
            let reason = convert::leave_reason(muc::leave_reason(&info));
            let item = info.item.unwrap_or_default();
            let text = info
                .destroyed
                .clone()
                .and_then(|d| d.reason)
                .or(item.reason);
            return self.room_gone(&jid, reason, item.actor, text, stream).await;
        }
        room.nick = me.nick.clone();
        room.own_occupant_id = me.occupant_id.clone();
        room.occupants.insert(me.nick.clone(), me);
        if room.joined {
            return true;
        }
        room.joined = true;
        let created = info.statuses.contains(&201);
        if let Some(creation) = room.creation.clone() {
            if created {
                // Locked until configured (XEP-0045 §10.1): configure first,
                // `room_joined` follows the configuration's result.
                let iq = muc_admin::config_submit(
                    &uuid::Uuid::new_v4().to_string(),
                    &jid,
                    creation.name.as_deref(),
                );
                self.send_room_iq(iq, RoomIq::Config(jid), stream).await;
                return true;
            }
            // Someone was faster: it is not ours to configure.
            room.creation = None;
            self.muc_error(&jid, "conflict", Some("the room exists already".into()));
        } else if created {
            let iq = muc_admin::instant_room(&uuid::Uuid::new_v4().to_string(), &jid);
            self.send_room_iq(iq, RoomIq::Admin(jid.clone()), stream)
                .await;
        }
        self.after_join(&jid, created, stream).await;
        true
    }

    /// In the room: announce it, bookmark it, catch up its archive, send
    /// what waited for it.
    async fn after_join(&mut self, jid: &BareJid, created: bool, stream: &Wire) {
        let Some(room) = self.muc.rooms.get(jid) else {
            return;
        };
        let (rejoin, nick) = (room.rejoin, room.nick.clone());
        let name = room.creation.as_ref().and_then(|c| c.name.clone());
        if let Err(e) =
            self.store
                .set_room_bookmark(jid.as_str(), name.as_deref(), Some(&nick), true)
        {
            self.error(Problem::StoreFailed, e.to_string(), None);
        }
        self.announce_joined(jid, created);
        if !rejoin {
            self.publish_bookmark(jid, true, stream).await;
        }
        self.catch_up_room(jid, stream).await;
    }

    fn announce_joined(&self, jid: &BareJid, created: bool) {
        let Some(room) = self.muc.rooms.get(jid) else {
            return;
        };
        self.emit(Event::RoomJoined {
            account: self.id.clone(),
            room: jid.to_string(),
            nick: room.nick.clone(),
            occupants: room.occupants.values().cloned().collect(),
            subject: room.subject.clone(),
            created,
            moderation: room.moderation.is_some(),
        });
    }

    async fn on_join_error(&mut self, jid: &BareJid, p: &Presence, stream: &Wire) {
        let error = crate::xmpp::stanza_error::of(&p.payloads);
        let condition = error.as_ref().map(|e| e.defined_condition.clone());
        let Some(room) = self.muc.rooms.get_mut(jid) else {
            return;
        };
        if room.joined {
            // An error for a stanza we sent while in the room (e.g. a
            // presence update): not fatal for the visit.
            return;
        }
        if condition == Some(DefinedCondition::Conflict) && room.retries < NICK_RETRIES {
            room.retries += 1;
            room.nick = format!("{}{}", room.wanted, "_".repeat(usize::from(room.retries)));
            tracing::info!(account = %self.id, room = %jid, "nickname taken; trying {}", room.nick);
            return self.send_join(jid, stream).await;
        }
        self.muc.rooms.remove(jid);
        let (condition, text) = match &error {
            Some(e) => (
                crate::xmpp::stanza_error::code(&e.defined_condition).to_owned(),
                stanza_error::text(e),
            ),
            None => ("undefined_condition".to_owned(), None),
        };
        self.muc_error(jid, &condition, text);
    }

    /// We are out of a room (left, kicked, banned, destroyed, …).
    async fn room_gone(
        &mut self,
        jid: &BareJid,
        reason: LeaveReason,
        actor: Option<String>,
        text: Option<String>,
        stream: &Wire,
    ) -> bool {
        self.muc.rooms.remove(jid);
        self.forget_room_queries(jid);
        // Not to be joined again by itself: the user decides.
        if matches!(
            reason,
            LeaveReason::Banned
                | LeaveReason::Removed
                | LeaveReason::MembersOnly
                | LeaveReason::Destroyed
        ) {
            if let Err(e) = self
                .store
                .set_room_bookmark(jid.as_str(), None, None, false)
            {
                self.error(Problem::StoreFailed, e.to_string(), None);
            }
            self.publish_bookmark(jid, false, stream).await;
        }
        self.emit(Event::RoomLeft {
            account: self.id.clone(),
            room: jid.to_string(),
            reason,
            actor,
            text,
        });
        true
    }

    /// `leave_room`: unavailable presence, autojoin off in the bookmark.
    pub(super) async fn leave_room(&mut self, room: &str, stream: &Wire) {
        let Ok(jid) = room.parse::<BareJid>() else {
            return self.error(
                Problem::InvalidAddress,
                format!("invalid room {room}"),
                None,
            );
        };
        self.leave(&jid, true, stream).await
    }

    async fn leave(&mut self, jid: &BareJid, publish: bool, stream: &Wire) {
        if let Some(room) = self.muc.rooms.remove(jid)
            && let Some(to) = occupant_jid(jid, &room.nick)
        {
            let presence = Presence::unavailable().with_to(Jid::from(to));
            self.send(stream, Stanza::Presence(presence)).await;
        }
        self.forget_room_queries(jid);
        if let Err(e) = self
            .store
            .set_room_bookmark(jid.as_str(), None, None, false)
        {
            self.error(Problem::StoreFailed, e.to_string(), None);
        }
        if publish {
            self.publish_bookmark(jid, false, stream).await;
        }
        self.emit(Event::RoomLeft {
            account: self.id.clone(),
            room: jid.to_string(),
            reason: LeaveReason::Left,
            actor: None,
            text: None,
        });
    }

    /// A message that belongs to group chats: from a room we are in
    /// (groupchat, archive results, errors) or an invitation. Returns the
    /// message back if it is none of these.
    pub(super) async fn on_room_message(&mut self, msg: Message, stream: &Wire) -> Option<Message> {
        // No `from`: from our own account (e.g. archive results).
        let Some(from) = msg.from.clone() else {
            return Some(msg);
        };
        let jid = from.to_bare();
        if let Some((room, reason, password)) = muc::direct_invitation(&msg) {
            if !self.is_blocked(&jid) {
                self.emit(Event::Invitation {
                    account: self.id.clone(),
                    room: room.to_string(),
                    from: jid.to_string(),
                    reason,
                    password,
                });
            }
            return None;
        }
        if !self.muc.knows(&jid) {
            if msg.type_ == MessageType::Groupchat {
                tracing::warn!(account = %self.id, from = %jid, "groupchat message from a room we are not in ignored");
                return None;
            }
            // A mediated invitation comes from the room (which we are not in).
            if let Some(info) = muc::muc_user(&msg.payloads)
                && let Some((inviter, reason)) = info.invite
                && from.resource().is_none()
            {
                self.emit(Event::Invitation {
                    account: self.id.clone(),
                    room: jid.to_string(),
                    from: inviter
                        .map(|i| crate::store::bare_jid(&i).to_owned())
                        .unwrap_or_else(|| jid.to_string()),
                    reason,
                    password: info.password,
                });
                return None;
            }
            return Some(msg);
        }
        if let Some(r) = self.muc.rooms.get_mut(&jid) {
            r.last_seen = Some(Instant::now());
        }
        if crate::xmpp::mam::is_result(&msg) {
            self.on_room_archive_result(&jid, msg);
            return None;
        }
        match msg.type_ {
            MessageType::Groupchat => {
                self.on_groupchat(&jid, msg, stream).await;
                None
            }
            MessageType::Error => {
                // Bounces of our messages are marked failed by the usual path.
                if let Some(e) = crate::xmpp::stanza_error::of(&msg.payloads) {
                    self.muc_error(
                        &jid,
                        crate::xmpp::stanza_error::code(&e.defined_condition),
                        stanza_error::text(&e),
                    );
                }
                Some(msg)
            }
            // Private messages and the room's own notices go the usual way.
            _ => Some(msg),
        }
    }

    async fn on_groupchat(&mut self, jid: &BareJid, msg: Message, stream: &Wire) {
        let Some(m) = muc::room_message(msg, jid, Utc::now()) else {
            return;
        };
        let Some(room) = self.muc.rooms.get_mut(jid) else {
            return;
        };
        if let Some(subject) = m.subject.clone() {
            let subject = Some(subject).filter(|s| !s.is_empty());
            room.subject = subject.clone();
            if let Err(e) = self
                .store
                .set_room_subject(jid.as_str(), subject.as_deref())
            {
                self.error(Problem::StoreFailed, e.to_string(), None);
            }
            return self.emit(Event::Subject {
                account: self.id.clone(),
                room: jid.to_string(),
                subject,
                by: Some(m.nick).filter(|n| !n.is_empty()),
            });
        }
        let own = self.is_own_in_room(jid, &m.nick, m.occupant_id.as_deref());
        if m.body.is_none() && m.signal.is_none() && m.moderation.is_none() {
            if let (Some(state), false) = (m.chat_state.map(crate::account::chatstates::kind), own)
            {
                self.emit(Event::ChatState {
                    account: self.id.clone(),
                    with: jid.to_string(),
                    state,
                    nick: Some(m.nick),
                });
            }
            return;
        }
        let _ = stream;
        self.ingest_room(jid, vec![m], Arrival::Live);
    }

    /// Whether a room message is ours: our nick, or our occupant-id (the
    /// same for all our devices in the room).
    fn is_own_in_room(&self, jid: &BareJid, nick: &str, occupant_id: Option<&str>) -> bool {
        let Some(room) = self.muc.rooms.get(jid) else {
            return false;
        };
        match (occupant_id, &room.own_occupant_id) {
            (Some(theirs), Some(ours)) => theirs == ours,
            _ => nick == room.nick,
        }
    }

    /// Stores room messages (live or from the room's archive, older ones when
    /// paging back). Our own messages reflected by the room confirm the
    /// stored outgoing row instead of adding one.
    fn ingest_room(
        &mut self,
        jid: &BareJid,
        batch: Vec<RoomMessage>,
        arrival: Arrival,
    ) -> Option<u32> {
        let nick = self
            .muc
            .rooms
            .get(jid)
            .map(|r| r.nick.clone())
            .unwrap_or_default();
        let mut rows = Vec::new();
        let mut signals = Vec::new();
        for m in batch {
            let own = self.is_own_in_room(jid, &m.nick, m.occupant_id.as_deref());
            if m.signal.is_some() || m.moderation.is_some() {
                signals.push((m, own));
                continue;
            }
            if own && self.confirm_reflection(jid, &m) {
                continue;
            }
            if let Some(row) = convert::into_chat(m, jid, &nick, own) {
                rows.push(row);
            }
        }
        let stored = self.ingest(&rows, arrival)?;
        if arrival != Arrival::Older {
            self.advance_room_cursor(jid, &rows);
        }
        // After the messages of the same batch they may refer to.
        for (m, own) in signals {
            self.on_room_signal(jid, &m, own);
        }
        Some(stored)
    }

    /// Our own message echoed by the room: the row we stored when sending
    /// gets the room's stanza-id and is delivered. False if there is no
    /// such row (sent by another of our devices: stored as a new one).
    fn confirm_reflection(&mut self, jid: &BareJid, m: &RoomMessage) -> bool {
        let Some(origin) = m.origin_id.as_deref() else {
            return false;
        };
        let record = match self.store.message(origin) {
            Ok(Some(r)) if r.direction == Direction::Out && r.with == jid.as_str() => r,
            _ => return false,
        };
        if let Some(sid) = m.server_id.as_deref()
            && let Err(e) = self.store.set_server_id(&record.id, sid)
        {
            self.error(Problem::StoreFailed, e.to_string(), None);
        }
        self.in_flight.remove(&record.id);
        match self
            .store
            .set_state(&record.id, MessageState::Delivered, None)
        {
            Ok(Some(r)) => self.announce_state(r),
            Ok(None) => {}
            Err(e) => self.error(Problem::StoreFailed, e.to_string(), None),
        }
        true
    }

    /// Whether outgoing messages to `with` may go out: always for 1:1
    /// chats, for a room only while we are in it (the room would bounce
    /// them; they wait in the outbox and go out after joining).
    pub(super) fn may_transmit(&self, with: &BareJid) -> bool {
        self.muc.is_joined(with) || !self.store.is_room(with.as_str()).unwrap_or(false)
    }

    pub(super) fn is_room_jid(&self, with: &BareJid) -> bool {
        self.muc.knows(with) || self.store.is_room(with.as_str()).unwrap_or(false)
    }

    /// `set_subject`.
    pub(super) async fn set_subject(&mut self, room: &str, subject: &str, stream: &Wire) {
        let Some(jid) = self.joined_room(room) else {
            return;
        };
        self.send(stream, Stanza::Message(muc::subject(&jid, subject)))
            .await;
    }

    /// The room `room` names, if we are in it (else an error event).
    fn joined_room(&self, room: &str) -> Option<BareJid> {
        match room.parse::<BareJid>() {
            Ok(jid) if self.muc.is_joined(&jid) => Some(jid),
            Ok(jid) => {
                self.muc_error(&jid, "not_acceptable", Some("not in this room".into()));
                None
            }
            Err(e) => {
                self.error(
                    Problem::InvalidAddress,
                    format!("invalid room {room}: {e}"),
                    None,
                );
                None
            }
        }
    }

    /// Typing in a room (only with the account's `send_typing` on).
    pub(super) async fn send_room_chat_state(
        &mut self,
        room: &BareJid,
        state: crate::api::ChatStateKind,
        stream: &Wire,
    ) {
        let mut msg = super::chatstates::notification(room, state);
        msg.type_ = MessageType::Groupchat;
        self.send(stream, Stanza::Message(msg)).await;
    }

    /// `occupants`.
    pub(super) fn emit_occupants(&self, room: &str) {
        let occupants = room
            .parse::<BareJid>()
            .ok()
            .and_then(|j| self.muc.rooms.get(&j))
            .map(|r| r.occupants.values().cloned().collect())
            .unwrap_or_default();
        self.emit(Event::Occupants {
            account: self.id.clone(),
            room: room.to_owned(),
            occupants,
        });
    }

    /// `rooms`: stored rooms, with whether we are in them now.
    pub(super) fn emit_rooms(&self) {
        match self.store.rooms() {
            Ok(rows) => {
                let rooms = rows
                    .into_iter()
                    .map(|r| {
                        let joined = r
                            .jid
                            .parse::<BareJid>()
                            .is_ok_and(|j| self.muc.is_joined(&j));
                        crate::api::RoomInfo {
                            jid: r.jid,
                            name: r.name,
                            nick: r.nick,
                            joined,
                            autojoin: r.autojoin,
                            notify: r.notify,
                            subject: r.subject,
                        }
                    })
                    .collect();
                self.emit(Event::Rooms {
                    account: self.id.clone(),
                    rooms,
                })
            }
            Err(e) => self.error(Problem::StoreFailed, e.to_string(), None),
        }
    }

    /// `room_notify`.
    pub(super) fn set_room_notify(&mut self, room: &str, mode: crate::api::NotifyMode) {
        if let Err(e) = self.store.set_room_notify(room, mode) {
            return self.error(Problem::StoreFailed, e.to_string(), None);
        }
        self.emit_rooms();
    }

    /// A fresh session: every room is gone with the old one. Rooms come
    /// back through the bookmarks (autojoin), which are fetched now.
    pub(super) async fn rooms_new_session(&mut self, stream: &Wire) {
        self.muc.iqs.clear();
        self.muc.history = Default::default();
        self.muc.member_lists.clear();
        self.muc.bookmarks_loaded = false;
        // Rooms joined in the last session without a bookmark (it may not
        // have been published yet): joined again too.
        let joined: Vec<(BareJid, String)> = self
            .muc
            .rooms
            .drain()
            .filter(|(_, r)| r.creation.is_none())
            .map(|(j, r)| (j, r.nick))
            .collect();
        for (jid, nick) in joined {
            self.start_join(jid, Some(nick), None, true, stream).await;
        }
        self.request_bookmarks(stream).await;
    }

    /// The answer to one of our room IQs; false if it is not one.
    pub(super) async fn on_room_iq(
        &mut self,
        id: &str,
        from: Option<&Jid>,
        answer: &Result<Option<Element>, StanzaError>,
        stream: &Wire,
    ) -> bool {
        let Some(what) = self.muc.iqs.get(id).cloned() else {
            return false;
        };
        // The room answers for itself; our own account for bookmarks; a
        // self-ping is answered by the room for our occupant JID.
        let allowed = match &what {
            RoomIq::Bookmarks | RoomIq::LegacyBookmarks | RoomIq::BookmarkPublish(_) => {
                from.is_none_or(|f| f.to_bare() == self.jid)
            }
            RoomIq::Ping(room) => from.is_some_and(|f| f.to_bare() == *room),
            RoomIq::Disco(room)
            | RoomIq::Config(room)
            | RoomIq::Admin(room)
            | RoomIq::Members(room)
            | RoomIq::MemberList(room)
            | RoomIq::Archive(room)
            | RoomIq::Moderate(room) => {
                from.is_some_and(|f| f.to_bare() == *room && f.resource().is_none())
            }
        };
        if !allowed {
            tracing::warn!(account = %self.id, "room answer from the wrong JID ignored");
            return true;
        }
        self.muc.iqs.remove(id);
        let answer = answer.clone();
        match what {
            RoomIq::Disco(room) => self.on_room_disco(room, answer, stream).await,
            RoomIq::Config(room) => self.on_room_configured(room, answer, stream).await,
            RoomIq::Admin(room) | RoomIq::Moderate(room) => {
                if let Err(e) = answer {
                    self.muc_error(
                        &room,
                        crate::xmpp::stanza_error::code(&e.defined_condition),
                        stanza_error::text(&e),
                    );
                }
            }
            RoomIq::Members(room) => {
                if let Err(e) = answer {
                    self.muc_error(
                        &room,
                        crate::xmpp::stanza_error::code(&e.defined_condition),
                        stanza_error::text(&e),
                    );
                }
                self.on_member_added(&room, stream).await
            }
            RoomIq::MemberList(room) => self.on_member_list(&room, answer),
            RoomIq::Ping(room) => self.on_self_ping(&room, id, answer, stream).await,
            RoomIq::Archive(room) => self.on_room_archive_page(&room, id, answer, stream).await,
            RoomIq::Bookmarks => self.on_bookmarks(answer, stream).await,
            RoomIq::LegacyBookmarks => self.on_legacy_bookmarks(answer, stream).await,
            RoomIq::BookmarkPublish(room) => {
                self.on_bookmark_published(&room, id, answer, stream).await
            }
        }
        true
    }
}
