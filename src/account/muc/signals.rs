//! Signals in rooms: corrections (XEP-0308), retractions (XEP-0424) and
//! reactions (XEP-0444) from occupants, and moderation notices (XEP-0425)
//! from the room itself.
//!
//! In a room the bare JID says nothing about the author (it is the room),
//! so a correction or retraction is applied only if it comes from the same
//! occupant as the message: the same XEP-0421 occupant-id where the room
//! gives one (it stays with the person across nick changes and cannot be
//! forged, the room sets it), else the same nick; ours (our nick or
//! occupant-id, reflected by the room) only to our own messages. A
//! message that has an occupant-id and a signal without one (or the other
//! way round) do not match. Signals name room messages by the room's
//! stanza-id (what XEP-0444/0424/0461 ask for in groupchat); the author's
//! own id is accepted too (XEP-0308 uses it, and some clients do).
//!
//! A moderation notice is trusted only from the room's own JID; one from
//! an occupant (or anyone else) is dropped (read in `xmpp::moderation`,
//! checked in `xmpp::muc::room_message`).

use tokio_xmpp::jid::BareJid;

use crate::account::Actor;
use crate::api::{Direction, MessageRecord, Problem};
use crate::xmpp::chat::Signal;
use crate::xmpp::moderation::Moderation;
use crate::xmpp::muc::RoomMessage;

/// Whether a correction or retraction from an occupant may change
/// `target` (see the module comment). `sender` is `room/nick`.
pub fn same_occupant(
    target: &MessageRecord,
    target_occupant: Option<&str>,
    sender: &str,
    occupant: Option<&str>,
    own: bool,
) -> bool {
    if own {
        return target.direction == Direction::Out;
    }
    if target.direction != Direction::In {
        return false;
    }
    match (target_occupant, occupant) {
        (Some(a), Some(b)) => a == b,
        (None, None) => target.sender == sender,
        _ => false,
    }
}

/// Whose reaction set this is: ours by our JID (the same on all our
/// devices), an occupant by occupant-id where the room gives one, else by
/// `room/nick`.
pub fn reactor(room: &BareJid, nick: &str, occupant: Option<&str>, own: Option<&str>) -> String {
    match (own, occupant) {
        (Some(me), _) => me.to_owned(),
        (None, Some(id)) => format!("{room}#{id}"),
        (None, None) => format!("{room}/{nick}"),
    }
}

impl Actor {
    /// A signal or moderation notice from `room` (live or from its
    /// archive). False if `m` is neither (a message to store).
    pub(super) fn on_room_signal(&mut self, room: &BareJid, m: &RoomMessage, own: bool) -> bool {
        // Set only for the room's own messages (`xmpp::muc::room_message`).
        if let Some(moderation) = &m.moderation {
            self.apply_moderation(room, moderation);
            return true;
        }
        let Some(signal) = &m.signal else {
            return false;
        };
        if m.nick.is_empty() {
            // The room itself neither corrects nor reacts.
            return true;
        }
        let with = room.to_string();
        let sender = format!("{room}/{}", m.nick);
        let occupant = m.occupant_id.as_deref();
        let (what, reference) = match signal {
            Signal::Correction { replaces } => ("correction", replaces),
            Signal::Retraction { id } => ("retraction", id),
            Signal::Reactions { id, .. } => ("reaction", id),
            // Ours (from another device) is the user's read position;
            // others' are not tracked (no "read by" list in rooms).
            Signal::Displayed { id } if own => {
                self.on_own_room_marker(&with, id);
                return true;
            }
            Signal::Displayed { .. } => return true,
        };
        let target = match self.store.find_in_room(&with, reference) {
            Ok(Some(t)) => t,
            Ok(None) => {
                tracing::info!(account = %self.id, %room, "{what} for an unknown room message ignored");
                return true;
            }
            Err(e) => {
                self.error(Problem::StoreFailed, e.to_string(), None);
                return true;
            }
        };
        let (record, target_occupant) = target;
        let result = match signal {
            Signal::Reactions { emojis, .. } => {
                let me = self.jid.to_string();
                let key = reactor(room, &m.nick, occupant, own.then_some(me.as_str()));
                self.store.set_reactions(&record.id, &key, emojis)
            }
            _ if !same_occupant(&record, target_occupant.as_deref(), &sender, occupant, own) => {
                tracing::info!(account = %self.id, %room, "{what} ignored: not from the message's author");
                return true;
            }
            Signal::Correction { .. } => match m.body.as_deref() {
                // Our own correction comes back from the room: already applied.
                Some(body) if body != record.body => self.store.correct(&record.id, body),
                _ => return true,
            },
            _ => self.store.retract(&record.id),
        };
        self.announce_room_update(result);
        true
    }

    /// Our read marker from another device: clear unread up to there.
    fn on_own_room_marker(&mut self, with: &str, reference: &str) {
        let result = self
            .store
            .find_in_room(with, reference)
            .and_then(|t| self.read_elsewhere_upto(with, t.map(|(t, _)| t.id)));
        if let Err(e) = result {
            self.error(Problem::StoreFailed, e.to_string(), None);
        }
    }

    fn apply_moderation(&mut self, room: &BareJid, moderation: &Moderation) {
        let with = room.to_string();
        // Only the room's own stanza-id names the message here.
        let target = match self.store.find_in_room(&with, &moderation.id) {
            Ok(Some((t, _))) => t,
            Ok(None) => return,
            Err(e) => return self.error(Problem::StoreFailed, e.to_string(), None),
        };
        if self
            .store
            .server_id_of(&target.id)
            .ok()
            .flatten()
            .map(|(_, s)| s)
            != Some(moderation.id.clone())
        {
            return;
        }
        let by = moderation.by.clone().unwrap_or_else(|| with.clone());
        let result = self
            .store
            .moderate(&target.id, &by, moderation.reason.as_deref());
        self.announce_room_update(result);
    }

    fn announce_room_update(
        &self,
        result: Result<Option<MessageRecord>, crate::store::StoreError>,
    ) {
        match result {
            Ok(Some(message)) => self.emit(crate::api::Event::MessageUpdated {
                account: self.id.clone(),
                message,
            }),
            Ok(None) => {}
            Err(e) => self.error(Problem::StoreFailed, e.to_string(), None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_same_occupant_may_change_a_message() {
        let theirs = MessageRecord {
            direction: Direction::In,
            sender: "r@m/al".into(),
            ..Default::default()
        };
        let mine = MessageRecord {
            direction: Direction::Out,
            sender: "me@example.org/pc".into(),
            ..Default::default()
        };
        // Without occupant-ids: the nick decides.
        assert!(same_occupant(&theirs, None, "r@m/al", None, false));
        assert!(!same_occupant(&theirs, None, "r@m/eve", None, false));
        // With them: the occupant-id decides, whatever the nick.
        assert!(same_occupant(
            &theirs,
            Some("o1"),
            "r@m/al2",
            Some("o1"),
            false
        ));
        assert!(!same_occupant(
            &theirs,
            Some("o1"),
            "r@m/al",
            Some("o2"),
            false
        ));
        // One side without: no match.
        assert!(!same_occupant(&theirs, Some("o1"), "r@m/al", None, false));
        assert!(!same_occupant(&theirs, None, "r@m/al", Some("o1"), false));
        // Ours only to ours.
        assert!(same_occupant(&mine, None, "r@m/me", None, true));
        assert!(!same_occupant(&theirs, None, "r@m/al", None, true));
        assert!(!same_occupant(&mine, None, "r@m/al", None, false));
    }

    #[test]
    fn reactors_are_keyed_by_occupant() {
        let room: BareJid = "r@m".parse().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(reactor(&room, "al", None, None), "r@m/al");
        assert_eq!(reactor(&room, "al", Some("o1"), None), "r@m#o1");
        assert_eq!(reactor(&room, "al", Some("o1"), Some("me@x")), "me@x");
    }
}
