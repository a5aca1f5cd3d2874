//! Who belongs to a private room (members-only, non-anonymous): its
//! owners, admins and members by real JID. Encrypted group messages go to
//! every device of these people (XEP-0384 §5.7), so the list is read when
//! we join such a room (members may read it there, XEP-0045 §9.5 and
//! Prosody) and kept up to date from the room's affiliation notices: an
//! occupant's presence, or a message about someone not in the room.

use std::collections::BTreeSet;

use tokio_xmpp::jid::BareJid;
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::stanza_error::StanzaError;

use super::RoomIq;
use crate::account::Actor;
use crate::account::wire::Wire;
use crate::api::Affiliation;
use crate::xmpp::muc_admin;

/// The affiliations that make someone a member.
use super::admin::LISTED as CIRCLE;

/// A member list being read for encryption.
#[derive(Debug, Default)]
pub(super) struct Reading {
    pending: usize,
    found: BTreeSet<BareJid>,
    refused: bool,
}

impl Actor {
    /// After joining a private room with OMEMO on: read its member list.
    pub(super) async fn read_room_members(&mut self, jid: &BareJid, stream: &Wire) {
        let Some(room) = self.muc.rooms.get_mut(jid) else {
            return;
        };
        if !room.private || !self.switches.omemo || room.member_reading.is_some() {
            return;
        }
        room.member_reading = Some(Reading {
            pending: CIRCLE.len(),
            ..Reading::default()
        });
        self.ask_member_lists(jid, RoomIq::Circle, stream).await;
    }

    /// OMEMO switched on in the middle of a session: the private rooms we
    /// are in get their member lists read now, not at the next join.
    pub(in crate::account) async fn read_members_of_joined_rooms(&mut self, stream: &Wire) {
        let joined: Vec<BareJid> = self
            .muc
            .rooms
            .iter()
            .filter(|(_, r)| r.joined && r.private)
            .map(|(jid, _)| jid.clone())
            .collect();
        for jid in joined {
            self.read_room_members(&jid, stream).await;
        }
    }

    /// One of the lists came. When all are in, the room knows its members
    /// (a room that refuses them: those in the room whose JIDs it shows).
    pub(super) async fn on_circle_list(
        &mut self,
        jid: &BareJid,
        answer: Result<Option<Element>, StanzaError>,
        stream: &Wire,
    ) {
        let Some(room) = self.muc.rooms.get_mut(jid) else {
            return;
        };
        let Some(reading) = room.member_reading.as_mut() else {
            return;
        };
        reading.pending = reading.pending.saturating_sub(1);
        match answer {
            Ok(payload) => reading.found.extend(
                muc_admin::member_items(payload.as_ref())
                    .into_iter()
                    .map(|m| m.jid),
            ),
            Err(_) => reading.refused = true,
        }
        if reading.pending > 0 {
            return;
        }
        let Some(reading) = room.member_reading.take() else {
            return;
        };
        let mut members = reading.found;
        if reading.refused {
            tracing::info!(account = %self.id, room = %jid, "member list refused; encrypting to the members present");
            members.extend(room.occupants.values().filter_map(|o| {
                let member = CIRCLE.contains(&o.affiliation);
                member.then(|| o.jid.as_deref()?.parse().ok()).flatten()
            }));
        }
        members.insert(self.jid.clone());
        room.members = Some(members);
        self.omemo_room_members_known(jid, stream).await;
    }

    /// The room says `who` now has `affiliation` (presence or notice).
    pub(super) async fn note_affiliation(
        &mut self,
        jid: &BareJid,
        who: &str,
        affiliation: Affiliation,
        stream: &Wire,
    ) {
        let Ok(who) = who.parse::<tokio_xmpp::jid::Jid>().map(|j| j.to_bare()) else {
            return;
        };
        let Some(members) = self.muc.rooms.get_mut(jid).and_then(|r| r.members.as_mut()) else {
            return;
        };
        let changed = if CIRCLE.contains(&affiliation) {
            members.insert(who)
        } else {
            members.remove(&who)
        };
        if changed {
            self.omemo_room_members_known(jid, stream).await;
        }
    }

    /// The members of room `jid` other than us, once known.
    pub(in crate::account) fn room_members(&self, jid: &BareJid) -> Option<Vec<BareJid>> {
        let members = self.muc.rooms.get(jid)?.members.as_ref()?;
        Some(
            members
                .iter()
                .filter(|m| **m != self.jid)
                .cloned()
                .collect(),
        )
    }

    /// The rooms whose member list (as read) has `member`.
    pub(in crate::account) fn rooms_with_member(&self, member: &BareJid) -> Vec<BareJid> {
        self.muc
            .rooms
            .iter()
            .filter(|(_, r)| r.members.as_ref().is_some_and(|m| m.contains(member)))
            .map(|(jid, _)| jid.clone())
            .collect()
    }

    /// Whether room `jid` allows encryption: members-only and not
    /// anonymous (elsewhere nobody can tell whose keys to use).
    pub(in crate::account) fn room_is_private(&self, jid: &BareJid) -> Option<bool> {
        self.muc.rooms.get(jid).map(|r| r.private)
    }
}
