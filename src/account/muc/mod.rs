//! Group chats (XEP-0045): the account's rooms and the IQs sent to them,
//! plus what is asked of rooms we are in (subject, typing, listings).
//! Joining, presence and leaving are in `membership.rs`, incoming
//! groupchat messages in `messages.rs`, creation, administration and
//! moderation in `admin.rs`, bookmarks (XEP-0402) in `bookmarks.rs`, the
//! room archives (XEP-0313 on the room JID) in `history.rs`, staying in
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
mod members;
mod membership;
mod messages;
mod ping;
pub mod private;
mod signals;

use crate::account::requests::{Answer, Requests, Responder};
use crate::account::stanza_error;
use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use crate::account::wire::Wire;
use tokio_xmpp::Stanza;
use tokio_xmpp::jid::{BareJid, FullJid, Jid};
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::iq::Iq;
use tokio_xmpp::parsers::message::MessageType;
use tokio_xmpp::parsers::stanza_error::StanzaError;

use super::Actor;
use crate::api::{Event, Occupant, Problem};
use crate::xmpp::muc;

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
    /// disco#info of a room we created, once configured (before, it did
    /// not exist to ask): what it offers, e.g. moderation.
    Features(BareJid),
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
    /// One affiliation's list, to know whom to encrypt to (`members.rs`).
    Circle(BareJid),
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
    /// A private room's members (owners, admins, members) by real JID,
    /// us included, once read (`members.rs`): encrypted messages go to them.
    members: Option<std::collections::BTreeSet<BareJid>>,
    member_reading: Option<members::Reading>,
}

/// All rooms of the account in this session.
#[derive(Debug, Default)]
pub(super) struct Rooms {
    rooms: HashMap<BareJid, Room>,
    /// Our open IQs to rooms and about rooms (`account::requests`).
    iqs: Requests<RoomIq>,
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
        // The room answers for itself; our own account for bookmarks; a
        // self-ping is answered by the room for our occupant JID.
        let responder = match &what {
            RoomIq::Bookmarks | RoomIq::LegacyBookmarks | RoomIq::BookmarkPublish(_) => {
                Responder::Account
            }
            RoomIq::Ping(room) => Responder::Contact(room.clone()),
            RoomIq::Disco(room)
            | RoomIq::Features(room)
            | RoomIq::Config(room)
            | RoomIq::Admin(room)
            | RoomIq::Members(room)
            | RoomIq::MemberList(room)
            | RoomIq::Circle(room)
            | RoomIq::Archive(room)
            | RoomIq::Moderate(room) => Responder::Client(Jid::from(room.clone())),
        };
        if self
            .muc
            .iqs
            .open(id, responder, what, tokio::time::Instant::now())
        {
            self.send(stream, Stanza::Iq(iq)).await;
        }
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

    /// The room address a command names (else an error event).
    pub(super) fn room_address(&self, room: &str) -> Option<BareJid> {
        match room.parse::<BareJid>() {
            Ok(jid) => Some(jid),
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

    /// The room `room` names, if we are in it (else an error event).
    fn joined_room(&self, room: &str) -> Option<BareJid> {
        let jid = self.room_address(room)?;
        if self.muc.is_joined(&jid) {
            return Some(jid);
        }
        self.muc_error(&jid, "not_acceptable", Some("not in this room".into()));
        None
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
        match self.muc.iqs.answer(id, from, &self.jid) {
            Answer::Unknown => false,
            Answer::Spoofed => true,
            Answer::Ours(what) => {
                self.on_room_answer(what, id, answer.clone(), stream).await;
                true
            }
        }
    }

    /// Fails the room IQs that got no answer in time like an error answer.
    /// A self-ping is the exception: it stays pending, and the next ping
    /// tick takes a room whose ping is still pending as lost (`ping.rs`).
    pub(in crate::account) async fn expire_room_iqs(
        &mut self,
        now: tokio::time::Instant,
        timeout: &StanzaError,
        stream: &Wire,
    ) {
        for (id, what) in self.muc.iqs.expire(now) {
            if !matches!(what, RoomIq::Ping(_)) {
                tracing::info!(account = %self.id, ?what, "room request not answered in time");
                self.on_room_answer(what, &id, Err(timeout.clone()), stream)
                    .await;
            }
        }
    }

    async fn on_room_answer(
        &mut self,
        what: RoomIq,
        id: &str,
        answer: Result<Option<Element>, StanzaError>,
        stream: &Wire,
    ) {
        match what {
            RoomIq::Disco(room) => self.on_room_disco(room, answer, stream).await,
            RoomIq::Features(room) => self.on_room_features(&room, answer),
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
            RoomIq::Circle(room) => self.on_circle_list(&room, answer, stream).await,
            RoomIq::Ping(room) => self.on_self_ping(&room, id, answer, stream).await,
            RoomIq::Archive(room) => self.on_room_archive_page(&room, id, answer, stream).await,
            RoomIq::Bookmarks => self.on_bookmarks(answer, stream).await,
            RoomIq::LegacyBookmarks => self.on_legacy_bookmarks(answer, stream).await,
            RoomIq::BookmarkPublish(room) => {
                self.on_bookmark_published(&room, id, answer, stream).await
            }
        }
    }
}
