//! Being in rooms: joining (disco first, then presence, creating and
//! configuring new rooms, retrying nick conflicts), the occupants' and our
//! own presence, and leaving or being removed.

use std::time::Instant;

use tokio_xmpp::Stanza;
use tokio_xmpp::jid::{BareJid, Jid};
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::disco::{DiscoInfoQuery, DiscoInfoResult};
use tokio_xmpp::parsers::iq::Iq;
use tokio_xmpp::parsers::presence::{Presence, Type as PresenceType};
use tokio_xmpp::parsers::stanza_error::{DefinedCondition, StanzaError};

use super::{Creation, NICK_RETRIES, RoomIq, convert, default_nick, occupant_jid};
use crate::account::Actor;
use crate::account::stanza_error;
use crate::account::wire::Wire;
use crate::api::{Availability, Event, LeaveReason, Occupant, Problem};
use crate::xmpp::muc;
use crate::xmpp::{moderation, muc_admin};

impl Actor {
    /// `join_room`: asks the room what it is first (archive, moderation),
    /// then joins.
    pub(in crate::account) async fn join_room(
        &mut self,
        room: &str,
        nick: Option<String>,
        stream: &Wire,
    ) {
        let Some(jid) = self.room_address(room) else {
            return;
        };
        self.start_join(jid, nick, None, false, stream).await
    }

    pub(super) async fn start_join(
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
        self.send_room_iq(disco_info(&jid), RoomIq::Disco(jid), stream)
            .await;
    }

    /// Asks a room we created what it offers, now that it exists.
    pub(super) async fn ask_room_features(&mut self, jid: &BareJid, stream: &Wire) {
        self.send_room_iq(disco_info(jid), RoomIq::Features(jid.clone()), stream)
            .await;
    }

    /// The answer to [`Self::ask_room_features`].
    pub(super) fn on_room_features(
        &mut self,
        jid: &BareJid,
        answer: Result<Option<Element>, StanzaError>,
    ) {
        let info = disco_result(answer);
        if let (Some(info), Some(room)) = (info, self.muc.rooms.get_mut(jid)) {
            room.moderation = moderation_of(&info);
        }
    }

    /// The room's disco#info: remember what it offers, then join (or,
    /// for `create_room`, join only if it does not exist yet).
    pub(super) async fn on_room_disco(
        &mut self,
        jid: BareJid,
        answer: Result<Option<Element>, StanzaError>,
        stream: &Wire,
    ) {
        let Some(room) = self.muc.rooms.get_mut(&jid) else {
            return;
        };
        let info = disco_result(answer);
        match (&info, room.creation.is_some()) {
            (Some(_), true) => {
                self.muc.rooms.remove(&jid);
                return self.muc_error(&jid, "conflict", Some("the room exists already".into()));
            }
            (Some(info), false) => {
                room.archive = info.features.contains(tokio_xmpp::parsers::ns::MAM);
                room.private = info.features.contains("muc_membersonly")
                    && info.features.contains("muc_nonanonymous");
                room.moderation = moderation_of(info);
            }
            // Not there (or not telling): joining creates it; a new room of
            // this service archives like the others (Prosody's muc_mam).
            // We create members-only, non-anonymous rooms.
            (None, _) => {
                room.archive = room.creation.is_some();
                room.private = room.creation.is_some();
            }
        }
        if let Some(room) = self.muc.rooms.get(&jid)
            && let Err(e) = self.store.set_room_private(jid.as_str(), room.private)
        {
            self.error(Problem::StoreFailed, e.to_string(), None);
        }
        // An open chat's composer learns whether the room can be encrypted.
        self.report_encryption(jid.clone());
        self.send_join(&jid, stream).await;
    }

    pub(super) async fn send_join(&mut self, jid: &BareJid, stream: &Wire) {
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
    pub(in crate::account) async fn on_room_presence(
        &mut self,
        p: &Presence,
        stream: &Wire,
    ) -> bool {
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
            // The room's own presence: its avatar (XEP-0486).
            self.on_room_avatar_presence(jid, p, stream).await;
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
                crate::account::roster::availability_of(p)
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
        if let Some(real) = &occupant.jid {
            self.note_affiliation(&jid, real, occupant.affiliation, stream)
                .await;
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

    pub(super) async fn on_own_room_presence(
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
            // Asked after the instant configuration, which the room
            // answers first.
            self.ask_room_features(&jid, stream).await;
        }
        self.after_join(&jid, created, stream).await;
        true
    }

    /// In the room: announce it, bookmark it, catch up its archive, send
    /// what waited for it.
    pub(super) async fn after_join(&mut self, jid: &BareJid, created: bool, stream: &Wire) {
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
        self.read_room_members(jid, stream).await;
    }

    pub(super) fn announce_joined(&self, jid: &BareJid, created: bool) {
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

    pub(super) async fn on_join_error(&mut self, jid: &BareJid, p: &Presence, stream: &Wire) {
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
    pub(super) async fn room_gone(
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
    pub(in crate::account) async fn leave_room(&mut self, room: &str, stream: &Wire) {
        let Some(jid) = self.room_address(room) else {
            return;
        };
        self.leave(&jid, true, stream).await
    }

    pub(super) async fn leave(&mut self, jid: &BareJid, publish: bool, stream: &Wire) {
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
}

/// A disco#info request to `room`.
fn disco_info(room: &BareJid) -> Iq {
    Iq::from_get(
        uuid::Uuid::new_v4().to_string(),
        DiscoInfoQuery { node: None },
    )
    .with_to(Jid::from(room.clone()))
}

/// The room's disco#info, if it answered with one.
fn disco_result(answer: Result<Option<Element>, StanzaError>) -> Option<DiscoInfoResult> {
    answer
        .ok()
        .flatten()
        .and_then(|p| DiscoInfoResult::try_from(p).ok())
}

/// Which moderation (XEP-0425) a room offers, the newer version first.
fn moderation_of(info: &DiscoInfoResult) -> Option<&'static str> {
    [moderation::MODERATE_1, moderation::MODERATE_0]
        .into_iter()
        .find(|v| info.features.contains(*v))
}
