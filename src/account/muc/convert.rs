//! What [`xmpp::muc`](crate::xmpp::muc) and
//! [`xmpp::muc_admin`](crate::xmpp::muc_admin) read, in the store's and
//! the front-ends' types: room messages as stored rows, affiliations,
//! roles, leave reasons and member lists as `api` has them.

use tokio_xmpp::jid::{BareJid, Jid};
use tokio_xmpp::parsers::muc::user;

use crate::account::chat::ArrivedMessage;
use crate::api::{Affiliation, Direction, LeaveReason, Role, RoomMember};
use crate::xmpp::muc::{self, RoomMessage};
use crate::xmpp::muc_admin::Member;

/// The store row of a room message with a body; `own` = written by us
/// (our nick or occupant-id); `own_nick` is checked for mentions in
/// others' messages; `author` is the account behind the nick, where known.
pub fn into_chat(
    m: RoomMessage,
    room: &BareJid,
    own_nick: &str,
    own: bool,
    author: Option<BareJid>,
) -> Option<ArrivedMessage> {
    let body = m.body?;
    let mention = !own && muc::mentions(&body, own_nick);
    let sender: Jid = format!("{room}/{}", m.nick).parse().ok()?;
    Some(ArrivedMessage {
        direction: if own { Direction::Out } else { Direction::In },
        sender,
        with: Jid::from(room.clone()),
        peer: Jid::from(room.clone()),
        body,
        timestamp: m.timestamp,
        delayed: m.delayed,
        server_id: m.server_id,
        origin_id: m.origin_id,
        reply_to: m.reply_to,
        markable: false,
        signal: None,
        file: m.file.map(crate::account::file_message::new_file),
        mention,
        occupant_id: m.occupant_id,
        omemo: m.omemo,
        author,
        crypto: Default::default(),
    })
}

pub fn affiliation(a: &user::Affiliation) -> Affiliation {
    match a {
        user::Affiliation::Owner => Affiliation::Owner,
        user::Affiliation::Admin => Affiliation::Admin,
        user::Affiliation::Member => Affiliation::Member,
        user::Affiliation::Outcast => Affiliation::Outcast,
        user::Affiliation::None => Affiliation::None,
    }
}

pub fn to_affiliation(a: Affiliation) -> user::Affiliation {
    match a {
        Affiliation::Owner => user::Affiliation::Owner,
        Affiliation::Admin => user::Affiliation::Admin,
        Affiliation::Member => user::Affiliation::Member,
        Affiliation::Outcast => user::Affiliation::Outcast,
        Affiliation::None => user::Affiliation::None,
    }
}

pub fn role(r: &user::Role) -> Role {
    match r {
        user::Role::Moderator => Role::Moderator,
        user::Role::Participant => Role::Participant,
        user::Role::Visitor => Role::Visitor,
        user::Role::None => Role::None,
    }
}

pub fn to_role(r: Role) -> user::Role {
    match r {
        Role::Moderator => user::Role::Moderator,
        Role::Participant => user::Role::Participant,
        Role::Visitor => user::Role::Visitor,
        Role::None => user::Role::None,
    }
}

pub fn leave_reason(r: muc::LeaveReason) -> LeaveReason {
    match r {
        muc::LeaveReason::Left => LeaveReason::Left,
        muc::LeaveReason::Kicked => LeaveReason::Kicked,
        muc::LeaveReason::Banned => LeaveReason::Banned,
        muc::LeaveReason::Removed => LeaveReason::Removed,
        muc::LeaveReason::MembersOnly => LeaveReason::MembersOnly,
        muc::LeaveReason::Shutdown => LeaveReason::Shutdown,
        muc::LeaveReason::Destroyed => LeaveReason::Destroyed,
    }
}

pub fn member(m: Member) -> RoomMember {
    RoomMember {
        jid: m.jid.to_string(),
        affiliation: affiliation(&m.affiliation),
        nick: m.nick,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xmpp::util::testing::{message, room};
    use chrono::Utc;

    #[test]
    fn room_messages_become_rows_with_mentions() {
        let m = message(
            "<message xmlns='jabber:client' type='groupchat' from='team@muc.example.org/bob' id='x'>\
             <body>hello alice</body>\
             <stanza-id xmlns='urn:xmpp:sid:0' id='r1' by='team@muc.example.org'/>\
             <occupant-id xmlns='urn:xmpp:occupant-id:0' id='occ'/></message>",
        );
        let r = muc::room_message(m, &room(), Utc::now());
        let chat = r.and_then(|r| into_chat(r, &room(), "alice", false, None));
        assert_eq!(chat.as_ref().map(|c| c.mention), Some(true));
        assert_eq!(
            chat.as_ref().map(|c| c.sender.to_string()).as_deref(),
            Some("team@muc.example.org/bob")
        );
        assert_eq!(chat.as_ref().map(|c| c.direction), Some(Direction::In));
        assert_eq!(chat.and_then(|c| c.occupant_id).as_deref(), Some("occ"));
        // A subject has no body: no row.
        let s = message(
            "<message xmlns='jabber:client' type='groupchat' from='team@muc.example.org/al'><subject>Plans</subject></message>",
        );
        let r = muc::room_message(s, &room(), Utc::now());
        assert!(
            r.and_then(|r| into_chat(r, &room(), "x", false, None))
                .is_none()
        );
    }

    #[test]
    fn affiliations_and_roles_convert_both_ways() {
        for a in [
            Affiliation::Owner,
            Affiliation::Admin,
            Affiliation::Member,
            Affiliation::Outcast,
            Affiliation::None,
        ] {
            assert_eq!(affiliation(&to_affiliation(a)), a);
        }
        for r in [
            Role::Moderator,
            Role::Participant,
            Role::Visitor,
            Role::None,
        ] {
            assert_eq!(role(&to_role(r)), r);
        }
    }
}
