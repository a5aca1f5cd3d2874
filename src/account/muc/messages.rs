//! Groupchat messages: what rooms send us (messages, subjects, errors,
//! invitations), recognising our own reflections, and storing the rest.

use std::time::Instant;

use chrono::Utc;
use tokio_xmpp::jid::BareJid;
use tokio_xmpp::parsers::message::{Message, MessageType};

use super::convert;
use crate::account::Actor;
use crate::account::stanza_error;
use crate::account::sync::Arrival;
use crate::account::wire::Wire;
use crate::api::{Direction, Event, MessageState, Problem};
use crate::xmpp::muc::{self, RoomMessage};

impl Actor {
    /// A message that belongs to group chats: from a room we are in
    /// (groupchat, archive results, errors) or an invitation. Returns the
    /// message back if it is none of these.
    pub(in crate::account) async fn on_room_message(
        &mut self,
        msg: Message,
        stream: &Wire,
    ) -> Option<Message> {
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
        // An affiliation change of someone not in the room (XEP-0045
        // §9.3, Example 195): the circle encrypted to changes.
        if from.resource().is_none()
            && msg.type_ != MessageType::Groupchat
            && let Some(item) = muc::muc_user(&msg.payloads).and_then(|x| x.item)
            && let Some(real) = item.jid
        {
            let affiliation = convert::affiliation(&item.affiliation);
            self.note_affiliation(&jid, &real, affiliation, stream)
                .await;
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

    pub(super) async fn on_groupchat(&mut self, jid: &BareJid, msg: Message, stream: &Wire) {
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
        if m.body.is_none() && m.signal.is_none() && m.moderation.is_none() && m.omemo.is_empty() {
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
    pub(super) fn is_own_in_room(
        &self,
        jid: &BareJid,
        nick: &str,
        occupant_id: Option<&str>,
    ) -> bool {
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
    pub(super) fn ingest_room(
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
        for mut m in batch {
            let own = self.is_own_in_room(jid, &m.nick, m.occupant_id.as_deref());
            if m.signal.is_some() || m.moderation.is_some() {
                if !m.omemo.is_empty() {
                    m.body = self.decrypt_room_signal(jid, &m, &nick, own, arrival);
                }
                signals.push((m, own));
                continue;
            }
            if own && self.confirm_reflection(jid, &m) {
                continue;
            }
            let author = self.room_author(jid, &m, own, arrival);
            if let Some(row) = convert::into_chat(m, jid, &nick, own, author) {
                rows.push(row);
            }
        }
        // Encrypted ones are opened here, not in `ingest`: whether they
        // mention us is known only from their text.
        if rows.iter().any(|r| !r.omemo.is_empty()) {
            self.omemo_decrypt(&mut rows);
            for r in rows.iter_mut().filter(|r| r.direction == Direction::In) {
                r.mention = muc::mentions(&r.body, &nick);
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

    /// The text an encrypted signal (a correction) carries, if it opens:
    /// a correction that does not (e.g. our own, reflected) changes nothing.
    fn decrypt_room_signal(
        &mut self,
        jid: &BareJid,
        m: &RoomMessage,
        nick: &str,
        own: bool,
        arrival: Arrival,
    ) -> Option<String> {
        let author = self.room_author(jid, m, own, arrival);
        let mut one: Vec<_> = convert::into_chat(m.clone(), jid, nick, own, author)
            .into_iter()
            .collect();
        self.omemo_decrypt(&mut one);
        // Its session moved: kept now (no message row carries it).
        if let Err(e) = self.store.save_staged_sessions() {
            self.error(Problem::StoreFailed, e.to_string(), None);
        }
        one.pop()
            .filter(|d| d.crypto.decryption_error.is_none() && !d.body.is_empty())
            .map(|d| d.body)
    }

    /// The account behind a room message's nick (its OMEMO keys are
    /// theirs): ours for our own; for a live message the occupant's JID
    /// from their presence; for history the JID the room's archive names
    /// (Prosody adds it in non-anonymous rooms). None where the room does
    /// not say: nobody can claim to be someone by their nick alone.
    fn room_author(
        &self,
        jid: &BareJid,
        m: &RoomMessage,
        own: bool,
        arrival: Arrival,
    ) -> Option<BareJid> {
        if own {
            return Some(self.jid.clone());
        }
        if arrival == Arrival::Live && !m.delayed {
            let room = self.muc.rooms.get(jid)?;
            let occupant = room.occupants.get(&m.nick)?;
            return occupant.jid.as_deref()?.parse().ok();
        }
        m.real_jid.clone()
    }

    /// Our own message echoed by the room: the row we stored when sending
    /// gets the room's stanza-id and is delivered. False if there is no
    /// such row (sent by another of our devices: stored as a new one).
    pub(super) fn confirm_reflection(&mut self, jid: &BareJid, m: &RoomMessage) -> bool {
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
}
