//! Multi-user chat (XEP-0045) as an occupant sees it: our join presence,
//! the `muc#user` payloads of presences and invitations, the room's
//! groupchat messages, and direct invitations (XEP-0249). The owner's and
//! admin's requests are in `muc_admin`.
//!
//! `muc#user` payloads are read by hand, leniently: xmpp-parsers 0.23's
//! `muc::user::Item` wants a full JID, but rooms put bare JIDs in items of
//! affiliation changes (status 321) and destroy notices, and its `MucUser`
//! has no `<destroy/>`.

use chrono::{DateTime, Utc};
use tokio_xmpp::jid::{BareJid, FullJid, Jid};
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::chatstates::ChatState;
use tokio_xmpp::parsers::delay::Delay;
use tokio_xmpp::parsers::message::{Id, Lang, Message, MessageType};
use tokio_xmpp::parsers::muc::muc::{History, Muc};
pub use tokio_xmpp::parsers::muc::user::{Affiliation, Role};
use tokio_xmpp::parsers::ns;
use tokio_xmpp::parsers::occupant_id::OccupantId;
use tokio_xmpp::parsers::presence::Presence;
use tokio_xmpp::parsers::stanza_id::{OriginId, StanzaId};

use super::chat::Signal;
use super::file_message::{self, FileInfo};
use super::moderation::{self, Moderation};
use super::omemo::{Encrypted, OmemoXmlError};
use super::util::element;
use super::{chatstates, replies, stamp};

/// XEP-0249 direct invitations.
pub const CONFERENCE: &str = "jabber:x:conference";

/// An `<item/>` of a `muc#user` payload.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ItemInfo {
    pub affiliation: Affiliation,
    pub role: Role,
    pub jid: Option<String>,
    pub nick: Option<String>,
    pub actor: Option<String>,
    pub reason: Option<String>,
}

/// What a `muc#user` payload says.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MucUserInfo {
    pub statuses: Vec<u16>,
    pub item: Option<ItemInfo>,
    /// A mediated invitation: who invites, why, the room password.
    pub invite: Option<(Option<String>, Option<String>)>,
    pub password: Option<String>,
    /// The room was destroyed.
    pub destroyed: Option<Destroyed>,
}

/// A `<destroy/>` in a `muc#user` payload (the alternate venue is not read).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Destroyed {
    /// The owner's reason, if given.
    pub reason: Option<String>,
}

/// An affiliation attribute; unknown or missing is none (lenient: a room
/// with a value of its own still lets us in).
pub fn affiliation(s: Option<&str>) -> Affiliation {
    s.and_then(|s| s.parse().ok()).unwrap_or_default()
}

/// A role attribute; unknown or missing is none.
pub fn role(s: Option<&str>) -> Role {
    s.and_then(|s| s.parse().ok()).unwrap_or_default()
}

/// The attribute value of `a` (xmpp-parsers writes none for `none`).
pub fn affiliation_str(a: &Affiliation) -> &'static str {
    match a {
        Affiliation::Owner => "owner",
        Affiliation::Admin => "admin",
        Affiliation::Member => "member",
        Affiliation::Outcast => "outcast",
        Affiliation::None => "none",
    }
}

/// The attribute value of `r`.
pub fn role_str(r: &Role) -> &'static str {
    match r {
        Role::Moderator => "moderator",
        Role::Participant => "participant",
        Role::Visitor => "visitor",
        Role::None => "none",
    }
}

fn child_text(el: &Element, name: &str, ns: &str) -> Option<String> {
    el.get_child(name, ns)
        .map(Element::text)
        .filter(|t| !t.is_empty())
}

/// The `muc#user` payload among `payloads`, if any.
pub fn muc_user(payloads: &[Element]) -> Option<MucUserInfo> {
    let x = payloads.iter().find(|p| p.is("x", ns::MUC_USER))?;
    let mut info = MucUserInfo::default();
    for child in x.children() {
        if child.is("status", ns::MUC_USER) {
            if let Some(code) = child.attr("code").and_then(|c| c.parse().ok()) {
                info.statuses.push(code);
            }
        } else if child.is("item", ns::MUC_USER) {
            let actor = child
                .get_child("actor", ns::MUC_USER)
                .and_then(|a| a.attr("nick").or_else(|| a.attr("jid")).map(str::to_owned));
            info.item = Some(ItemInfo {
                affiliation: affiliation(child.attr("affiliation")),
                role: role(child.attr("role")),
                jid: child.attr("jid").map(str::to_owned),
                nick: child.attr("nick").map(str::to_owned),
                actor,
                reason: child_text(child, "reason", ns::MUC_USER),
            });
        } else if child.is("invite", ns::MUC_USER) {
            info.invite = Some((
                child.attr("from").map(str::to_owned),
                child_text(child, "reason", ns::MUC_USER),
            ));
        } else if child.is("password", ns::MUC_USER) {
            info.password = Some(child.text());
        } else if child.is("destroy", ns::MUC_USER) {
            info.destroyed = Some(Destroyed {
                reason: child_text(child, "reason", ns::MUC_USER),
            });
        }
    }
    Some(info)
}

/// Why the room ended our visit, as our own unavailable presence says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeaveReason {
    /// We left (no status that says otherwise).
    Left,
    /// 307.
    Kicked,
    /// 301.
    Banned,
    /// 321: our affiliation was taken away (members-only room).
    Removed,
    /// 322: the room became members-only.
    MembersOnly,
    /// 332: the service shuts down.
    Shutdown,
    /// The room was destroyed.
    Destroyed,
}

/// Why our own unavailable presence ended our visit (XEP-0045 §7.14 status
/// codes, §10.9 destroy).
pub fn leave_reason(info: &MucUserInfo) -> LeaveReason {
    if info.destroyed.is_some() {
        return LeaveReason::Destroyed;
    }
    let has = |c| info.statuses.contains(&c);
    if has(301) {
        LeaveReason::Banned
    } else if has(307) {
        LeaveReason::Kicked
    } else if has(321) {
        LeaveReason::Removed
    } else if has(322) {
        LeaveReason::MembersOnly
    } else if has(332) {
        LeaveReason::Shutdown
    } else {
        LeaveReason::Left
    }
}

/// Whether `body` mentions `nick`: case-insensitive, as a whole word (not
/// "alice" in "malice"), so `@alice:` and `Alice,` count.
pub fn mentions(body: &str, nick: &str) -> bool {
    let nick = nick.trim().to_lowercase();
    if nick.is_empty() {
        return false;
    }
    let body = body.to_lowercase();
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    let mut from = 0;
    while let Some(found) = body[from..].find(&nick) {
        let start = from + found;
        let end = start + nick.len();
        if !word(body[..start].chars().next_back()) && !word(body[end..].chars().next()) {
            return true;
        }
        // Next char boundary after `start`.
        from = start + body[start..].chars().next().map_or(1, char::len_utf8);
    }
    false
}

/// Our join presence for `room/nick`. With the room's archive in use, the
/// room sends no history of its own (it would duplicate the archive).
pub fn join_presence(occupant: FullJid, use_archive: bool, password: Option<&str>) -> Presence {
    let mut muc = Muc::new();
    if use_archive {
        muc = muc.with_history(History::new().with_maxstanzas(0));
    }
    if let Some(p) = password {
        muc = muc.with_password(p.to_owned());
    }
    Presence::available()
        .with_to(Jid::from(occupant))
        .with_payloads(vec![muc.into()])
}

/// A groupchat message of a room, as the room relays it.
#[derive(Debug, Clone, PartialEq)]
pub struct RoomMessage {
    /// The author's nick; empty for the room itself.
    pub nick: String,
    pub body: Option<String>,
    pub subject: Option<String>,
    /// XEP-0359 stanza-id set by the room (`by` = room), its archive id.
    pub server_id: Option<String>,
    pub origin_id: Option<String>,
    pub occupant_id: Option<String>,
    pub timestamp: DateTime<Utc>,
    pub chat_state: Option<ChatState>,
    /// Delayed: history the room replays on join.
    pub delayed: bool,
    /// A correction, retraction or reaction about an earlier room message,
    /// not a message of its own.
    pub signal: Option<Signal>,
    /// A XEP-0425 moderation notice (trusted only from the room itself).
    pub moderation: Option<Moderation>,
    /// The room's stanza-id of the message this one answers (XEP-0461).
    pub reply_to: Option<String>,
    /// A shared file (XEP-0066 / XEP-0447), as in chats.
    pub file: Option<FileInfo>,
    /// OMEMO elements (encrypted groups): the text is inside them and
    /// `body` is only the note for clients without OMEMO.
    pub omemo: Vec<Result<Encrypted, OmemoXmlError>>,
    /// The author's real JID as an `<x xmlns='muc#user'><item jid/>`
    /// names it: the room adds it to its archive of a non-anonymous room
    /// (trusted only there; live messages are matched by nick).
    pub real_jid: Option<BareJid>,
}

/// Reads a groupchat message relayed by `room`. `None` for anything else
/// (including a `from` outside the room: the caller has checked it, this
/// keeps the function honest on its own).
pub fn room_message(mut msg: Message, room: &BareJid, now: DateTime<Utc>) -> Option<RoomMessage> {
    if msg.type_ != MessageType::Groupchat {
        return None;
    }
    let from = msg.from.clone()?;
    if from.to_bare() != *room {
        return None;
    }
    let nick = from.resource().map(|r| r.to_string()).unwrap_or_default();
    let body = msg.get_best_body_cloned(vec![]).map(|(_, b)| b);
    let subject = msg
        .subjects
        .values()
        .next()
        .cloned()
        .filter(|_| body.is_none());
    let chat_state = chatstates::state_of(&msg);
    // Moderation notices count only from the room itself; an occupant
    // claiming one is dropped whole (not even shown as a message).
    let moderation = match nick.is_empty() {
        true => moderation::moderation(&msg),
        false if moderation::claims_moderation(&msg) => return None,
        false => None,
    };
    let signal = Signal::of(&msg);
    let omemo = Encrypted::all_of_message(&msg);
    // The text is inside: the body is the note for clients without OMEMO,
    // and a plain link beside it is nobody's file.
    let body = match omemo.is_empty() {
        true => body,
        false => Some(String::new()),
    };
    let reply_to = replies::reply_id(&msg);
    let body = match (&reply_to, body) {
        (Some(_), Some(b)) if omemo.is_empty() => Some(replies::strip_fallback(&msg, &b)),
        (_, b) => b,
    };
    let file = match (&signal, &body) {
        (None, Some(b)) if omemo.is_empty() => file_message::parse(&msg, b),
        _ => None,
    };
    let real_jid = muc_user(&msg.payloads)
        .and_then(|x| x.item)
        .and_then(|item| item.jid)
        .and_then(|j| j.parse::<Jid>().ok())
        .map(|j| j.to_bare());
    // Only the room may assign the stanza-id we dedup with; an occupant's
    // own claim is ignored (the room strips them, but do not rely on it).
    let mut server_id = None;
    while let Ok(Some(sid)) = msg.extract_payload::<StanzaId>() {
        if sid.by.to_bare() == *room && sid.by.resource().is_none() {
            server_id = Some(sid.id);
        }
    }
    let origin_id = match msg.extract_payload::<OriginId>() {
        Ok(Some(o)) => Some(o.id),
        _ => msg.id.as_ref().map(|id| id.0.clone()),
    };
    let occupant_id = match msg.extract_payload::<OccupantId>() {
        Ok(Some(o)) => Some(o.id),
        _ => None,
    };
    // The room vouches for the stamps of its history and archive.
    let delay = msg.extract_payload::<Delay>().ok().flatten();
    let delayed = delay.is_some();
    let timestamp = stamp::sent_at(
        delay.as_ref(),
        |by| {
            by.is_some_and(|by| {
                by.to_bare() == *room || stamp::is_domain(by, room.domain().as_str())
            })
        },
        now,
    );
    Some(RoomMessage {
        nick,
        body,
        subject,
        server_id,
        origin_id,
        occupant_id,
        timestamp,
        chat_state,
        delayed,
        signal,
        moderation,
        reply_to,
        file,
        omemo,
        real_jid,
    })
}

/// An outgoing groupchat message with `id` as stanza id and origin-id.
pub fn outgoing(room: &BareJid, id: &str, body: &str) -> Message {
    let mut msg = Message::groupchat(Some(Jid::from(room.clone())))
        .with_body(Lang::new(), body.to_owned())
        .with_payload(OriginId { id: id.to_owned() });
    msg.id = Some(Id(id.to_owned()));
    msg
}

/// A subject change.
pub fn subject(room: &BareJid, subject: &str) -> Message {
    let mut msg = Message::groupchat(Some(Jid::from(room.clone())));
    msg.subjects.insert(Lang::new(), subject.to_owned());
    msg
}

/// A direct invitation (XEP-0249) in `msg`: room, reason, password.
pub fn direct_invitation(msg: &Message) -> Option<(BareJid, Option<String>, Option<String>)> {
    let x = msg.payloads.iter().find(|p| p.is("x", CONFERENCE))?;
    let room = x.attr("jid")?.parse().ok()?;
    let attr = |a| x.attr(a).filter(|v| !v.is_empty()).map(str::to_owned);
    Some((room, attr("reason"), attr("password")))
}

/// A direct invitation to `room` for `to`.
pub fn invitation(to: &BareJid, room: &BareJid, reason: Option<&str>) -> Message {
    let mut attrs = vec![("jid", room.as_str())];
    if let Some(r) = reason {
        attrs.push(("reason", r));
    }
    let mut msg = Message::normal(Some(Jid::from(to.clone())));
    msg.id = Some(Id(uuid::Uuid::new_v4().to_string()));
    msg.payloads.push(element("x", CONFERENCE, &attrs));
    msg
}

/// A mediated invitation (XEP-0045 §7.8.2) sent through the room.
pub fn mediated_invitation(to: &BareJid, room: &BareJid, reason: Option<&str>) -> Message {
    let mut invite = element("invite", ns::MUC_USER, &[("to", to.as_str())]);
    if let Some(r) = reason {
        invite.append_child(Element::builder("reason", ns::MUC_USER).append(r).build());
    }
    let x = Element::builder("x", ns::MUC_USER).append(invite).build();
    let mut msg = Message::normal(Some(Jid::from(room.clone())));
    msg.id = Some(Id(uuid::Uuid::new_v4().to_string()));
    msg.payloads.push(x);
    msg
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xmpp::util::testing::{message as msg, room};

    #[test]
    fn mentions_are_whole_words_in_any_case() {
        for (body, nick, want) in [
            ("hi bob", "bob", true),
            ("Bob: look", "bob", true),
            ("@BOB, see this", "bob", true),
            ("bobby is here", "bob", false),
            ("kebob", "bob", false),
            ("bob_the_builder", "bob", false),
            ("ask bob.", "bob", true),
            ("nothing", "bob", false),
            ("Grüße an Jürgen!", "jürgen", true),
            ("jürgens", "Jürgen", false),
            ("x bob", "", false),
            ("bobbob bob", "bob", true),
        ] {
            assert_eq!(mentions(body, nick), want, "{body:?} / {nick:?}");
        }
    }

    #[test]
    fn reads_room_messages_trusting_only_the_rooms_stanza_id() {
        let m = msg(
            "<message xmlns='jabber:client' type='groupchat' from='team@muc.example.org/bob' id='x'>\
             <body>hello alice</body>\
             <stanza-id xmlns='urn:xmpp:sid:0' id='fake' by='bob@example.org'/>\
             <stanza-id xmlns='urn:xmpp:sid:0' id='r1' by='team@muc.example.org'/>\
             <origin-id xmlns='urn:xmpp:sid:0' id='o1'/>\
             <occupant-id xmlns='urn:xmpp:occupant-id:0' id='occ'/></message>",
        );
        let r = room_message(m, &room(), Utc::now()).unwrap_or_else(|| panic!("a room message"));
        assert_eq!(r.nick, "bob");
        assert_eq!(r.body.as_deref(), Some("hello alice"));
        assert_eq!(r.server_id.as_deref(), Some("r1"));
        assert_eq!(r.origin_id.as_deref(), Some("o1"));
        assert_eq!(r.occupant_id.as_deref(), Some("occ"));
        // Another room, or not groupchat: not this room's message.
        let other = msg(
            "<message xmlns='jabber:client' type='groupchat' from='evil@muc.example.org/bob'><body>x</body></message>",
        );
        assert!(room_message(other, &room(), Utc::now()).is_none());
        let chat = msg(
            "<message xmlns='jabber:client' type='chat' from='team@muc.example.org/bob'><body>x</body></message>",
        );
        assert!(room_message(chat, &room(), Utc::now()).is_none());
    }

    #[test]
    fn subject_without_body() {
        let m = msg(
            "<message xmlns='jabber:client' type='groupchat' from='team@muc.example.org/al'><subject>Plans</subject></message>",
        );
        let r = room_message(m, &room(), Utc::now());
        assert_eq!(r.as_ref().and_then(|r| r.subject.as_deref()), Some("Plans"));
        assert_eq!(r.and_then(|r| r.body), None);
    }

    #[test]
    fn room_messages_carry_signals() {
        let room: BareJid = "r@muc.example.org"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
        let m = room_message(
            msg(
                "<message xmlns='jabber:client' type='groupchat' from='r@muc.example.org/al'>\
                 <reactions xmlns='urn:xmpp:reactions:0' id='sid1'><reaction>👍</reaction></reactions>\
                 </message>",
            ),
            &room,
            Utc::now(),
        );
        assert!(matches!(
            m.and_then(|m| m.signal),
            Some(Signal::Reactions { id, .. }) if id == "sid1"
        ));
    }

    #[test]
    fn moderation_only_from_the_room_itself() {
        let notice = |from: &str| {
            msg(&format!(
                "<message xmlns='jabber:client' type='groupchat' from='{from}'>\
                 <retract xmlns='urn:xmpp:message-retract:1' id='sid1'>\
                 <moderated xmlns='urn:xmpp:message-moderate:1' by='team@muc.example.org/mod'/>\
                 </retract></message>"
            ))
        };
        let from_room = room_message(notice("team@muc.example.org"), &room(), Utc::now());
        assert_eq!(
            from_room
                .and_then(|m| m.moderation)
                .map(|m| m.id)
                .as_deref(),
            Some("sid1")
        );
        // An occupant claiming one: dropped whole.
        assert_eq!(
            room_message(notice("team@muc.example.org/eve"), &room(), Utc::now()),
            None
        );
    }

    #[test]
    fn hostile_room_messages_do_not_panic_or_lie() {
        let now = Utc::now();
        // No from; a stamp from the future by an occupant; a stanza-id by
        // an occupant of the room.
        let no_from =
            msg("<message xmlns='jabber:client' type='groupchat'><body>x</body></message>");
        assert_eq!(room_message(no_from, &room(), now), None);
        let m = msg(
            "<message xmlns='jabber:client' type='groupchat' from='team@muc.example.org/eve'>\
             <body>x</body>\
             <stanza-id xmlns='urn:xmpp:sid:0' id='s' by='team@muc.example.org/eve'/>\
             <delay xmlns='urn:xmpp:delay' from='team@muc.example.org/eve' stamp='2999-01-01T00:00:00Z'/>\
             </message>",
        );
        let r = room_message(m, &room(), now).unwrap_or_else(|| panic!("a room message"));
        assert_eq!(r.server_id, None);
        assert_eq!(r.timestamp, now);
        assert!(r.delayed);
    }

    #[test]
    fn status_codes_and_destroy_give_the_reason() {
        let presence = |inner: &str| {
            let el: Element = format!("<x xmlns='http://jabber.org/protocol/muc#user'>{inner}</x>")
                .parse()
                .unwrap_or_else(|e| panic!("{e}"));
            muc_user(&[el]).unwrap_or_default()
        };
        for (inner, want) in [
            (
                "<item affiliation='none' role='none'><actor nick='al'/><reason>spam</reason></item><status code='307'/><status code='110'/>",
                LeaveReason::Kicked,
            ),
            (
                "<item affiliation='outcast' role='none'/><status code='301'/>",
                LeaveReason::Banned,
            ),
            (
                "<item affiliation='none' role='none' jid='bob@example.org'/><status code='321'/>",
                LeaveReason::Removed,
            ),
            ("<status code='322'/>", LeaveReason::MembersOnly),
            ("<status code='332'/>", LeaveReason::Shutdown),
            (
                "<destroy jid='new@muc.example.org'><reason>moved</reason></destroy>",
                LeaveReason::Destroyed,
            ),
            (
                "<item affiliation='member' role='none'/><status code='110'/>",
                LeaveReason::Left,
            ),
        ] {
            assert_eq!(leave_reason(&presence(inner)), want, "{inner}");
        }
        let kicked = presence(
            "<item affiliation='none' role='none'><actor nick='al'/><reason>spam</reason></item><status code='307'/>",
        );
        let item = kicked.item.unwrap_or_default();
        assert_eq!(item.actor.as_deref(), Some("al"));
        assert_eq!(item.reason.as_deref(), Some("spam"));
        // A bare JID in an item is fine here (xmpp-parsers wants a full one).
        let removed = presence("<item affiliation='none' role='none' jid='bob@example.org'/>");
        assert_eq!(
            removed.item.and_then(|i| i.jid).as_deref(),
            Some("bob@example.org")
        );
        // Hostile values: unknown affiliation and role, junk status codes.
        let odd = presence(
            "<item affiliation='emperor' role='god'/><status code='x'/><status code='99999999'/><status/>",
        );
        assert!(odd.statuses.is_empty());
        let item = odd.item.unwrap_or_default();
        assert_eq!(
            (item.affiliation, item.role),
            (Affiliation::None, Role::None)
        );
        // Another namespace is no muc#user payload.
        let other: Element = "<x xmlns='http://jabber.org/protocol/muc'><status code='110'/></x>"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(muc_user(&[other]), None);
    }

    #[test]
    fn affiliations_and_roles_round_trip() {
        for a in [
            Affiliation::Owner,
            Affiliation::Admin,
            Affiliation::Member,
            Affiliation::Outcast,
            Affiliation::None,
        ] {
            assert_eq!(affiliation(Some(affiliation_str(&a))), a);
        }
        for r in [
            Role::Moderator,
            Role::Participant,
            Role::Visitor,
            Role::None,
        ] {
            assert_eq!(role(Some(role_str(&r))), r);
        }
        assert_eq!(affiliation(None), Affiliation::None);
        assert_eq!(role(Some("")), Role::None);
    }

    #[test]
    fn invitations_both_ways() {
        let direct = msg("<message xmlns='jabber:client' from='al@example.org/pc'>\
             <x xmlns='jabber:x:conference' jid='team@muc.example.org' reason='join us'/></message>");
        let got = direct_invitation(&direct);
        assert_eq!(
            got.map(|(r, why, _)| (r.to_string(), why)),
            Some(("team@muc.example.org".into(), Some("join us".into())))
        );
        let mediated = msg(
            "<message xmlns='jabber:client' from='team@muc.example.org'>\
             <x xmlns='http://jabber.org/protocol/muc#user'><invite from='al@example.org/pc'>\
             <reason>hi</reason></invite><password>pw</password></x></message>",
        );
        let info = muc_user(&mediated.payloads).unwrap_or_default();
        assert_eq!(
            info.invite,
            Some((Some("al@example.org/pc".into()), Some("hi".into())))
        );
        assert_eq!(info.password.as_deref(), Some("pw"));
        let out = String::from(&Element::from(mediated_invitation(
            &"bob@example.org".parse().unwrap_or_else(|e| panic!("{e}")),
            &room(),
            Some("r"),
        )));
        assert!(
            out.contains("bob@example.org") && out.contains("<reason>r</reason>"),
            "{out}"
        );
    }

    #[test]
    fn direct_invitations_round_trip_and_junk_is_none() {
        let bob: BareJid = "bob@example.org".parse().unwrap_or_else(|e| panic!("{e}"));
        let sent = invitation(&bob, &room(), Some("come"));
        let back = msg(&String::from(&Element::from(sent)));
        assert_eq!(
            direct_invitation(&back),
            Some((room(), Some("come".into()), None))
        );
        for xml in [
            "<message xmlns='jabber:client'><x xmlns='jabber:x:conference'/></message>",
            "<message xmlns='jabber:client'><x xmlns='jabber:x:conference' jid='a@b@c'/></message>",
            "<message xmlns='jabber:client'><x xmlns='jabber:x:other' jid='team@muc.example.org'/></message>",
        ] {
            assert_eq!(direct_invitation(&msg(xml)), None, "{xml}");
        }
    }

    #[test]
    fn outgoing_messages_read_back_as_room_messages() {
        let mut sent = outgoing(&room(), "m1", "hello");
        // As the room reflects it.
        sent.from = Some(
            "team@muc.example.org/me"
                .parse()
                .unwrap_or_else(|e| panic!("{e}")),
        );
        let back = msg(&String::from(&Element::from(sent)));
        let r = room_message(back, &room(), Utc::now()).unwrap_or_else(|| panic!("a message"));
        assert_eq!(
            (r.nick.as_str(), r.body.as_deref(), r.origin_id.as_deref()),
            ("me", Some("hello"), Some("m1"))
        );
        let mut s = subject(&room(), "Plans");
        s.from = Some(
            "team@muc.example.org/me"
                .parse()
                .unwrap_or_else(|e| panic!("{e}")),
        );
        let back = msg(&String::from(&Element::from(s)));
        let r = room_message(back, &room(), Utc::now());
        assert_eq!(r.and_then(|r| r.subject).as_deref(), Some("Plans"));
    }

    #[test]
    fn join_presence_asks_for_no_history_with_an_archive() {
        let me: FullJid = "team@muc.example.org/me"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
        let p = String::from(&Element::from(join_presence(me.clone(), true, Some("pw"))));
        assert!(p.contains("maxstanzas='0'"), "{p}");
        assert!(p.contains("<password>pw</password>"), "{p}");
        let p = String::from(&Element::from(join_presence(me, false, None)));
        assert!(!p.contains("maxstanzas") && !p.contains("password"), "{p}");
    }
}
