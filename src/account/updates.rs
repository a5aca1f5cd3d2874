//! Changes to stored messages: incoming signals (corrections, retractions,
//! reactions, read markers) with their sender checks, and the user's own
//! corrections, retractions, reactions, read position and mutes.

use crate::account::wire::Wire;
use tokio_xmpp::Stanza;
use tokio_xmpp::jid::{BareJid, Jid};
use tokio_xmpp::parsers::message::{Message, MessageType};

use super::Actor;
use super::chat::ArrivedMessage;
use crate::api::{Direction, Event, MessageRecord, MessageState, Problem};
use crate::store::StoreError;
use crate::store::signals::same_sender;
use crate::xmpp::chat::{self, Signal};
use crate::xmpp::{corrections, markers, reactions, retraction};

/// Where a signal about a stored message goes (`Actor::signal_target`).
struct Target {
    record: MessageRecord,
    /// The id the signal names the message by.
    reference: String,
    /// The conversation: a bare JID (contact or room) or a room occupant.
    to: Jid,
    room: bool,
}

impl Actor {
    /// Applies a signal from a message we received (live, carbon or
    /// archive). A signal only reaches messages of its own conversation, and
    /// corrections and retractions only those of its own sender.
    pub(super) fn apply_signal(&mut self, m: &ArrivedMessage, signal: &Signal) {
        let with = m.with.to_string();
        let sender = m.sender.to_string();
        let sender_bare = m.sender.to_bare().to_string();
        // In a private conversation with a room occupant the bare JID is
        // the room: the occupant is known by the full JID only.
        let reactor = if m.with.is_full() {
            sender.clone()
        } else {
            sender_bare.clone()
        };
        let result = match signal {
            // An encrypted correction we could not open has no new text.
            Signal::Correction { .. }
                if m.body.is_empty() || m.crypto.decryption_error.is_some() =>
            {
                Ok(self.rejected("undecryptable correction", &sender))
            }
            Signal::Correction { replaces } => self
                .store
                .find_by_reference(&with, replaces, Some(&sender_bare))
                .and_then(|target| match target {
                    Some(t) if same_sender(&t, &sender, true) => self.store.correct(&t.id, &m.body),
                    _ => Ok(self.rejected("correction", &sender)),
                }),
            Signal::Retraction { id } => self
                .store
                .find_by_reference(&with, id, Some(&sender_bare))
                .and_then(|target| match target {
                    Some(t) if same_sender(&t, &sender, false) => self.store.retract(&t.id),
                    _ => Ok(self.rejected("retraction", &sender)),
                }),
            Signal::Reactions { id, emojis } => self
                .store
                .find_by_reference(&with, id, None)
                .and_then(|target| match target {
                    Some(t) => self.store.set_reactions(&t.id, &reactor, emojis),
                    None => Ok(self.rejected("reaction", &sender)),
                }),
            Signal::Displayed { id } => {
                return self.on_displayed(m.direction, &with, id);
            }
        };
        self.announce_update(result);
    }

    fn rejected(&self, what: &str, sender: &str) -> Option<MessageRecord> {
        tracing::info!(
            account = %self.id,
            sender,
            "{what} ignored: unknown message or not from its sender"
        );
        None
    }

    fn announce_update(&self, result: Result<Option<MessageRecord>, StoreError>) {
        match result {
            Ok(Some(message)) => self.emit(Event::MessageUpdated {
                account: self.id.clone(),
                message,
            }),
            Ok(None) => {}
            Err(e) => self.error(Problem::StoreFailed, e.to_string(), None),
        }
    }

    /// A displayed marker: from the contact it moves our messages up to
    /// that one to "read"; from another of our devices it is the user's
    /// own read position, which clears unread here too.
    fn on_displayed(&mut self, direction: Direction, with: &str, id: &str) {
        let result = match direction {
            Direction::In => {
                let own = self.jid.to_string();
                self.store
                    .find_by_reference(with, id, Some(&own))
                    .and_then(|t| match t {
                        Some(t) => self.store.peer_read_upto(with, &t.id),
                        None => Ok(Vec::new()),
                    })
                    .map(|changed| {
                        for record in changed {
                            self.announce_state(record);
                        }
                    })
            }
            Direction::Out => self
                .store
                .find_by_reference(with, id, Some(with))
                .and_then(|t| self.read_elsewhere_upto(with, t.map(|t| t.id))),
        };
        if let Err(e) = result {
            self.error(Problem::StoreFailed, e.to_string(), None);
        }
    }

    /// The user read `with` up to message `target` on another device
    /// (chat or room): unread goes here too, the list follows.
    pub(super) fn read_elsewhere_upto(
        &mut self,
        with: &str,
        target: Option<String>,
    ) -> Result<(), StoreError> {
        let changed = match target {
            Some(id) => self.store.mark_read_upto(with, &id)?,
            None => 0,
        };
        match changed {
            0 => Ok(()),
            _ => self.emit_conversations(),
        }
    }

    pub(super) fn emit_conversations(&self) -> Result<(), StoreError> {
        let conversations = self.store.conversations()?;
        self.emit(Event::Conversations {
            account: self.id.clone(),
            conversations,
        });
        Ok(())
    }

    /// A message a command changes, with where the signal about it goes
    /// and the id it names the message by; errors go to the front-end.
    /// In a room (`by_room_id`: retractions and reactions) that is the
    /// room's stanza-id, else the id its author gave it.
    fn signal_target(&self, id: &str, own_only: bool, by_room_id: bool) -> Option<Target> {
        let record = match self.store.message(id) {
            Ok(Some(r)) => r,
            Ok(None) => {
                self.error(Problem::UnknownMessage, format!("no message {id}"), None);
                return None;
            }
            Err(e) => {
                self.error(Problem::StoreFailed, e.to_string(), None);
                return None;
            }
        };
        if record.retracted || (own_only && record.direction != Direction::Out) {
            self.error(
                Problem::MessageUnchangeable,
                format!("message {id} cannot be changed"),
                None,
            );
            return None;
        }
        let to: Jid = record.with.parse().ok()?;
        let room = to.is_bare() && self.is_room_jid(&to.to_bare());
        let by_room = room && by_room_id;
        let Some(reference) = self.reference_in(id, by_room) else {
            if by_room {
                self.error(
                    Problem::MessageUnchangeable,
                    format!("message {id} has no id from the room yet (not confirmed)"),
                    None,
                );
            }
            return None;
        };
        Some(Target {
            record,
            reference,
            to,
            room,
        })
    }

    /// `msg` (built for the bare JID) sent where `target` lives: as
    /// groupchat into a room, to the occupant for a private conversation.
    fn addressed(&self, mut msg: Message, target: &Target) -> Option<Message> {
        if target.room {
            if !self.muc.is_joined(&target.to.to_bare()) {
                self.error(
                    Problem::NotInRoom,
                    "not in the room: the message was not changed",
                    None,
                );
                return None;
            }
            msg.type_ = MessageType::Groupchat;
            return Some(msg);
        }
        if target.to.is_full() {
            msg.to = Some(target.to.clone());
            return Some(super::muc::private::mark(msg));
        }
        Some(msg)
    }

    /// Corrects our message `id` (XEP-0308). A message still waiting in
    /// the outbox is simply changed there (also offline): it goes out with
    /// the new text.
    pub(super) async fn correct(&mut self, id: &str, body: &str, stream: Option<&Wire>) {
        if body.trim().is_empty() {
            return self.error(
                Problem::EmptyMessage,
                "cannot correct to an empty message",
                None,
            );
        }
        let Some(target) = self.signal_target(id, true, false) else {
            return;
        };
        match stream {
            _ if self.is_waiting(&target.record) => {}
            Some(stream) => {
                let new_id = uuid::Uuid::new_v4().to_string();
                let to = target.to.to_bare();
                let mut msg = chat::outgoing(&to, &new_id, body);
                // The new text of an encrypted message is encrypted too,
                // to the same people; never in plain text.
                if target.record.crypto.encryption != crate::api::Encryption::None {
                    match self.omemo_seal(&to, None, body, stream).await {
                        super::omemo::send::Sealed::Ready(elements) => {
                            msg = crate::xmpp::omemo::seal_message(msg, &elements);
                        }
                        super::omemo::send::Sealed::Waiting => {
                            return self.error(
                                Problem::Omemo,
                                "the encryption keys are still being fetched: the message was not changed",
                                None,
                            );
                        }
                        super::omemo::send::Sealed::Failed(why) => {
                            return self.error(
                                Problem::Omemo,
                                format!("the correction cannot be encrypted ({why}): the message was not changed"),
                                None,
                            );
                        }
                    }
                }
                let msg = corrections::with_replace(msg, &target.reference);
                let Some(msg) = self.addressed(msg, &target) else {
                    return;
                };
                self.send(stream, Stanza::Message(msg)).await;
            }
            None => {
                return self.error(
                    Problem::NotConnected,
                    "not connected: the message was not changed",
                    None,
                );
            }
        }
        let result = self.store.correct(id, body);
        self.announce_update(result);
    }

    /// Retracts our message `id` for everyone (XEP-0424). One still waiting
    /// in the outbox is just taken out (also offline).
    pub(super) async fn retract(&mut self, id: &str, stream: Option<&Wire>) {
        let waiting = matches!(self.store.message(id), Ok(Some(r)) if self.is_waiting(&r));
        // A queued room message has no room id yet, and needs none.
        let Some(target) = self.signal_target(id, true, !waiting) else {
            return;
        };
        match stream {
            _ if waiting => {}
            Some(stream) => {
                let msg = retraction::retraction(&target.to.to_bare(), &target.reference);
                let Some(msg) = self.addressed(msg, &target) else {
                    return;
                };
                self.send(stream, Stanza::Message(msg)).await;
            }
            None => {
                return self.error(
                    Problem::NotConnected,
                    "not connected: the message was not changed",
                    None,
                );
            }
        }
        let result = self.store.retract(id);
        self.announce_update(result);
    }

    /// Stored but not handed to any connection yet.
    fn is_waiting(&self, record: &MessageRecord) -> bool {
        record.state == MessageState::Queued && !self.in_flight.contains(&record.id)
    }

    /// Sets our reactions to message `id` (XEP-0444).
    pub(super) async fn react(&mut self, id: &str, emojis: Vec<String>, stream: &Wire) {
        let Some(target) = self.signal_target(id, false, true) else {
            return;
        };
        let emojis = reactions::clean(emojis);
        let msg = reactions::reactions(&target.to.to_bare(), &target.reference, &emojis);
        let Some(msg) = self.addressed(msg, &target) else {
            return;
        };
        self.send(stream, Stanza::Message(msg)).await;
        let own = self.jid.to_string();
        let result = self.store.set_reactions(id, &own, &emojis);
        self.announce_update(result);
    }

    /// The user saw everything in `with`: clear unread, and tell the
    /// contact (and our other devices) with a read marker if allowed.
    pub(super) async fn mark_read(&mut self, with: &str, stream: Option<&Wire>) {
        let changed = match self.store.mark_read(with) {
            Ok(n) => n,
            Err(e) => return self.error(Problem::StoreFailed, e.to_string(), None),
        };
        if let Err(e) = self.emit_conversations() {
            self.error(Problem::StoreFailed, e.to_string(), None);
        }
        let Some(stream) = stream.filter(|_| changed > 0) else {
            return;
        };
        // Our other devices learn it from our own PEP node (XEP-0490),
        // which only they can read; contacts only if markers are on.
        self.publish_read_position(with, stream).await;
        if !self.switches.send_read_markers {
            return;
        }
        if let Ok(room) = with.parse::<BareJid>()
            && self.is_room_jid(&room)
        {
            return self.send_room_marker(&room, stream).await;
        }
        if let (Ok(Some((reference, _))), Ok(to)) =
            (self.store.newest_markable(with), with.parse::<BareJid>())
        {
            let msg = markers::displayed(&to, &reference);
            self.send(stream, Stanza::Message(msg)).await;
        }
    }

    /// Our read position in a room, by the room's stanza-id, for our other
    /// devices in the room (and the room's archive, for those offline).
    async fn send_room_marker(&mut self, room: &BareJid, stream: &Wire) {
        if !self.muc.shares_markers(room) {
            return;
        }
        if let Ok(Some(reference)) = self.store.newest_room_reference(room.as_str()) {
            let mut msg = markers::displayed(room, &reference);
            msg.type_ = MessageType::Groupchat;
            self.send(stream, Stanza::Message(msg)).await;
        }
    }

    /// Mutes or unmutes notifications for one conversation.
    pub(super) fn mute(&mut self, with: &str, muted: bool) {
        let result = self
            .store
            .set_muted(with, muted)
            .and_then(|()| self.emit_conversations());
        if let Err(e) = result {
            self.error(Problem::StoreFailed, e.to_string(), None);
        }
    }
}
