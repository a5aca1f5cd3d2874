//! Changes to stored messages: incoming signals (corrections, retractions,
//! reactions, read markers) with their sender checks, and the user's own
//! corrections, retractions, reactions, read position and mutes.

use tokio_xmpp::Stanza;
use tokio_xmpp::jid::BareJid;
use tokio_xmpp::stanzastream::StanzaStream;

use super::chat::{ChatMessage, Signal};
use super::{Actor, corrections, markers, reactions, retraction};
use crate::api::{Direction, Event, MessageRecord, MessageState};
use crate::store::StoreError;
use crate::store::signals::same_sender;

impl Actor {
    /// Applies a signal from a message we received (live, carbon or
    /// archive). A signal only reaches messages of its own conversation, and
    /// corrections and retractions only those of its own sender.
    pub(super) fn apply_signal(&mut self, m: &ChatMessage, signal: &Signal) {
        let with = m.with.to_string();
        let sender = m.sender.to_string();
        let sender_bare = m.sender.to_bare().to_string();
        let result = match signal {
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
                    Some(t) => self.store.set_reactions(&t.id, &sender_bare, emojis),
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
            Err(e) => self.error(e.to_string(), None),
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
                .and_then(|t| match t {
                    Some(t) => self.store.mark_read_upto(with, &t.id),
                    None => Ok(0),
                })
                .and_then(|changed| match changed {
                    0 => Ok(()),
                    _ => self.emit_conversations(),
                }),
        };
        if let Err(e) = result {
            self.error(e.to_string(), None);
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

    /// One of our own messages with the id others know it by, for a
    /// command that changes it; errors go to the front-end.
    fn own_target(&self, id: &str, own_only: bool) -> Option<(MessageRecord, String, BareJid)> {
        let record = match self.store.message(id) {
            Ok(Some(r)) => r,
            Ok(None) => {
                self.error(format!("no message {id}"), None);
                return None;
            }
            Err(e) => {
                self.error(e.to_string(), None);
                return None;
            }
        };
        if record.retracted || (own_only && record.direction != Direction::Out) {
            self.error(format!("message {id} cannot be changed"), None);
            return None;
        }
        let reference = self.store.reference_of(id).ok().flatten()?;
        let to = record.with.parse().ok()?;
        Some((record, reference, to))
    }

    /// Corrects our message `id` (XEP-0308). A message still waiting in
    /// the outbox is simply changed there (also offline): it goes out with
    /// the new text.
    pub(super) async fn correct(&mut self, id: &str, body: &str, stream: Option<&StanzaStream>) {
        if body.trim().is_empty() {
            return self.error("cannot correct to an empty message", None);
        }
        let Some((record, reference, to)) = self.own_target(id, true) else {
            return;
        };
        match stream {
            _ if self.is_waiting(&record) => {}
            Some(stream) => {
                let new_id = uuid::Uuid::new_v4().to_string();
                let msg = corrections::correction(&to, &new_id, &reference, body);
                self.send(stream, Stanza::Message(msg)).await;
            }
            None => return self.error("not connected: the message was not changed", None),
        }
        let result = self.store.correct(id, body);
        self.announce_update(result);
    }

    /// Retracts our message `id` for everyone (XEP-0424). One still waiting
    /// in the outbox is just taken out (also offline).
    pub(super) async fn retract(&mut self, id: &str, stream: Option<&StanzaStream>) {
        let Some((record, reference, to)) = self.own_target(id, true) else {
            return;
        };
        match stream {
            _ if self.is_waiting(&record) => {}
            Some(stream) => {
                let msg = retraction::retraction(&to, &reference);
                self.send(stream, Stanza::Message(msg)).await;
            }
            None => return self.error("not connected: the message was not changed", None),
        }
        let result = self.store.retract(id);
        self.announce_update(result);
    }

    /// Stored but not handed to any connection yet.
    fn is_waiting(&self, record: &MessageRecord) -> bool {
        record.state == MessageState::Queued && !self.in_flight.contains(&record.id)
    }

    /// Sets our reactions to message `id` (XEP-0444).
    pub(super) async fn react(&mut self, id: &str, emojis: Vec<String>, stream: &StanzaStream) {
        let Some((_, reference, to)) = self.own_target(id, false) else {
            return;
        };
        let emojis = reactions::clean(emojis);
        let msg = reactions::reactions(&to, &reference, &emojis);
        self.send(stream, Stanza::Message(msg)).await;
        let own = self.jid.to_string();
        let result = self.store.set_reactions(id, &own, &emojis);
        self.announce_update(result);
    }

    /// The user saw everything in `with`: clear unread, and tell the
    /// contact (and our other devices) with a read marker if allowed.
    pub(super) async fn mark_read(&mut self, with: &str, stream: Option<&StanzaStream>) {
        let changed = match self.store.mark_read(with) {
            Ok(n) => n,
            Err(e) => return self.error(e.to_string(), None),
        };
        if let Err(e) = self.emit_conversations() {
            self.error(e.to_string(), None);
        }
        let Some(stream) = stream.filter(|_| changed > 0 && self.switches.send_read_markers) else {
            return;
        };
        if let (Ok(Some((reference, _))), Ok(to)) =
            (self.store.newest_markable(with), with.parse::<BareJid>())
        {
            let msg = markers::displayed(&to, &reference);
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
            self.error(e.to_string(), None);
        }
    }
}
