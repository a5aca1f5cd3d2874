//! Creating and administering rooms (XEP-0045 §9, §10), invitations
//! (XEP-0249, §7.8.2) and moderated retraction (XEP-0425).

use crate::account::stanza_error;
use crate::account::wire::Wire;
use tokio_xmpp::Stanza;
use tokio_xmpp::jid::BareJid;
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::stanza_error::StanzaError;

use super::{Creation, RoomIq, convert};
use crate::account::Actor;
use crate::api::{Affiliation, Event, Problem, Role, RoomMember};
use crate::xmpp::{moderation, muc, muc_admin};

/// The lists that make up a room's members, one request each (XEP-0045
/// allows one affiliation per request): for `room_members`, and for whom
/// an encrypted group message goes to (`members.rs`).
pub(super) const LISTED: [Affiliation; 3] =
    [Affiliation::Owner, Affiliation::Admin, Affiliation::Member];

/// A `room_members` answer being put together.
#[derive(Debug, Default)]
pub(super) struct MemberList {
    pending: usize,
    members: Vec<RoomMember>,
    /// The first refusal (non-admins may not see the lists).
    refused: Option<StanzaError>,
}

impl Actor {
    /// `create_room`: joins a room that must not exist yet; the rest
    /// follows our own presence (status 201) in `on_own_room_presence`.
    pub(in crate::account) async fn create_room(
        &mut self,
        room: &str,
        name: Option<String>,
        nick: Option<String>,
        members: &[String],
        stream: &Wire,
    ) {
        let Some(jid) = self.room_address(room) else {
            return;
        };
        let mut parsed = Vec::new();
        for m in members {
            match m.parse::<BareJid>() {
                Ok(j) => parsed.push(j),
                Err(e) => {
                    return self.error(
                        Problem::InvalidAddress,
                        format!("invalid member {m}: {e}"),
                        None,
                    );
                }
            }
        }
        let creation = Creation {
            name,
            members: parsed,
            pending: 0,
        };
        self.start_join(jid, nick, Some(creation), false, stream)
            .await
    }

    /// The configuration of a room we created: add the members, then we
    /// are in.
    pub(super) async fn on_room_configured(
        &mut self,
        jid: BareJid,
        answer: Result<Option<Element>, StanzaError>,
        stream: &Wire,
    ) {
        if let Err(e) = answer {
            self.muc_error(
                &jid,
                crate::xmpp::stanza_error::code(&e.defined_condition),
                stanza_error::text(&e),
            );
            // A half-made room is of no use: leave it (unconfigured, it is
            // not persistent and goes away).
            return self.leave(&jid, false, stream).await;
        }
        let members = self
            .muc
            .rooms
            .get(&jid)
            .and_then(|r| r.creation.as_ref())
            .map(|c| c.members.clone())
            .unwrap_or_default();
        if members.is_empty() {
            return self.after_creation(&jid, stream).await;
        }
        // One request per member: Prosody (0.12) applies only the first
        // item of a `muc#admin` set. `room_joined` once all are in: the
        // members may join then.
        if let Some(c) = self
            .muc
            .rooms
            .get_mut(&jid)
            .and_then(|r| r.creation.as_mut())
        {
            c.pending = members.len();
        }
        for m in members {
            let item = muc_admin::admin_item("affiliation", "member", "jid", m.as_str(), None);
            let iq = muc_admin::admin_set(&uuid::Uuid::new_v4().to_string(), &jid, vec![item]);
            self.send_room_iq(iq, RoomIq::Members(jid.clone()), stream)
                .await;
        }
    }

    /// One member of a created room added (or refused): when it was the
    /// last, we are in.
    pub(super) async fn on_member_added(&mut self, jid: &BareJid, stream: &Wire) {
        let pending = self
            .muc
            .rooms
            .get_mut(jid)
            .and_then(|r| r.creation.as_mut())
            .map(|c| {
                c.pending = c.pending.saturating_sub(1);
                c.pending
            });
        if pending == Some(0) {
            self.after_creation(jid, stream).await
        }
    }

    /// A created room is configured (and has its members): we are in.
    pub(super) async fn after_creation(&mut self, jid: &BareJid, stream: &Wire) {
        self.after_join(jid, true, stream).await;
        if let Some(room) = self.muc.rooms.get_mut(jid) {
            room.creation = None;
        }
        self.ask_room_features(jid, stream).await;
    }

    /// `set_affiliation`: member, admin, owner, none (removal) or outcast (ban).
    pub(in crate::account) async fn set_affiliation(
        &mut self,
        room: &str,
        jid: &str,
        affiliation: Affiliation,
        reason: Option<&str>,
        stream: &Wire,
    ) {
        let Some(room) = self.joined_room(room) else {
            return;
        };
        let Ok(who) = jid.parse::<BareJid>() else {
            return self.error(Problem::InvalidAddress, format!("invalid JID {jid}"), None);
        };
        let item = muc_admin::admin_item(
            "affiliation",
            muc::affiliation_str(&convert::to_affiliation(affiliation)),
            "jid",
            who.as_str(),
            reason,
        );
        let iq = muc_admin::admin_set(&uuid::Uuid::new_v4().to_string(), &room, vec![item]);
        self.send_room_iq(iq, RoomIq::Admin(room), stream).await;
    }

    /// `room_members`: asks the room for its owners, admins and members.
    pub(in crate::account) async fn query_members(&mut self, room: &str, stream: &Wire) {
        let Some(room) = self.joined_room(room) else {
            return;
        };
        // A second request while one is under way is answered by that one.
        if self.muc.member_lists.contains_key(&room) {
            return;
        }
        let list = MemberList {
            pending: LISTED.len(),
            ..MemberList::default()
        };
        self.muc.member_lists.insert(room.clone(), list);
        self.ask_member_lists(&room, RoomIq::MemberList, stream)
            .await;
    }

    /// Asks `room` for each of the [`LISTED`] affiliation lists, the
    /// answers tagged with `what`.
    pub(super) async fn ask_member_lists(
        &mut self,
        room: &BareJid,
        what: fn(BareJid) -> RoomIq,
        stream: &Wire,
    ) {
        for affiliation in LISTED {
            let iq = muc_admin::admin_list(
                &uuid::Uuid::new_v4().to_string(),
                room,
                &convert::to_affiliation(affiliation),
            );
            self.send_room_iq(iq, what(room.clone()), stream).await;
        }
    }

    /// One list of `room_members` answered: when the last is in, the
    /// people (sorted by JID), or the refusal if the room gave none.
    pub(super) fn on_member_list(
        &mut self,
        room: &BareJid,
        answer: Result<Option<Element>, StanzaError>,
    ) {
        let Some(list) = self.muc.member_lists.get_mut(room) else {
            return;
        };
        list.pending = list.pending.saturating_sub(1);
        match answer {
            Ok(payload) => list.members.extend(
                muc_admin::member_items(payload.as_ref())
                    .into_iter()
                    .map(convert::member),
            ),
            Err(e) => {
                list.refused.get_or_insert(e);
            }
        }
        if list.pending > 0 {
            return;
        }
        let Some(mut list) = self.muc.member_lists.remove(room) else {
            return;
        };
        if let (Some(e), true) = (&list.refused, list.members.is_empty()) {
            return self.muc_error(
                room,
                crate::xmpp::stanza_error::code(&e.defined_condition),
                stanza_error::text(e),
            );
        }
        list.members.sort_by(|a, b| a.jid.cmp(&b.jid));
        list.members.dedup_by(|a, b| a.jid == b.jid);
        self.emit(Event::RoomMembers {
            account: self.id.clone(),
            room: room.to_string(),
            members: list.members,
        });
    }

    /// `set_role`: moderator, participant (voice), visitor, none (kick).
    pub(in crate::account) async fn set_role(
        &mut self,
        room: &str,
        nick: &str,
        role: Role,
        reason: Option<&str>,
        stream: &Wire,
    ) {
        let Some(room) = self.joined_room(room) else {
            return;
        };
        let item = muc_admin::admin_item(
            "role",
            muc::role_str(&convert::to_role(role)),
            "nick",
            nick,
            reason,
        );
        let iq = muc_admin::admin_set(&uuid::Uuid::new_v4().to_string(), &room, vec![item]);
        self.send_room_iq(iq, RoomIq::Admin(room), stream).await;
    }

    /// `destroy_room` (owners only): everyone is sent out, with `reason`.
    pub(in crate::account) async fn destroy_room(
        &mut self,
        room: &str,
        reason: Option<&str>,
        stream: &Wire,
    ) {
        let Some(room) = self.joined_room(room) else {
            return;
        };
        let iq = muc_admin::destroy(&uuid::Uuid::new_v4().to_string(), &room, reason);
        self.send_room_iq(iq, RoomIq::Admin(room), stream).await;
    }

    /// `invite`: a direct invitation (XEP-0249) to clients that may take
    /// it, else a mediated one through the room.
    pub(in crate::account) async fn invite(
        &mut self,
        room: &str,
        jid: &str,
        reason: Option<&str>,
        stream: &Wire,
    ) {
        let Some(room) = self.joined_room(room) else {
            return;
        };
        let Ok(to) = jid.parse::<BareJid>() else {
            return self.error(Problem::InvalidAddress, format!("invalid JID {jid}"), None);
        };
        let msg = if self.caps.may_support(&to, muc::CONFERENCE) {
            muc::invitation(&to, &room, reason)
        } else {
            muc::mediated_invitation(&to, &room, reason)
        };
        self.send(stream, Stanza::Message(msg)).await;
    }

    /// `moderate`: XEP-0425 retraction of someone's message, where the
    /// room offers it.
    pub(in crate::account) async fn moderate(
        &mut self,
        id: &str,
        reason: Option<&str>,
        stream: &Wire,
    ) {
        let (room, sid) = match self.store.server_id_of(id) {
            Ok(Some(found)) => found,
            Ok(None) => {
                return self.error(
                    Problem::UnknownMessage,
                    format!("no room message {id} with an archive id"),
                    None,
                );
            }
            Err(e) => return self.error(Problem::StoreFailed, e.to_string(), None),
        };
        let Some(jid) = self.joined_room(&room) else {
            return;
        };
        let Some(ns) = self.muc.rooms.get(&jid).and_then(|r| r.moderation) else {
            return self.muc_error(
                &jid,
                "unsupported",
                Some("the room does not offer moderated retraction (XEP-0425)".into()),
            );
        };
        let iq = moderation::moderate(&uuid::Uuid::new_v4().to_string(), &jid, ns, &sid, reason);
        self.send_room_iq(iq, RoomIq::Moderate(jid), stream).await;
    }
}
