//! Reading and building XEP-0045 stanzas. Pure functions.
//!
//! `muc#user` payloads are read by hand, leniently: xmpp-parsers 0.23's
//! `muc::user::Item` wants a full JID, but rooms put bare JIDs in items of
//! affiliation changes (status 321) and destroy notices, and its `MucUser`
//! has no `<destroy/>`. `muc#admin` and `muc#owner` have no types there.

use chrono::{DateTime, Utc};
use tokio_xmpp::jid::{BareJid, FullJid, Jid};
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::data_forms::{DataForm, DataFormType, Field, FieldType};
use tokio_xmpp::parsers::delay::Delay;
use tokio_xmpp::parsers::iq::Iq;
use tokio_xmpp::parsers::message::{Id, Lang, Message, MessageType};
use tokio_xmpp::parsers::muc::muc::{History, Muc};
use tokio_xmpp::parsers::ns;
use tokio_xmpp::parsers::occupant_id::OccupantId;
use tokio_xmpp::parsers::presence::Presence;
use tokio_xmpp::parsers::stanza_id::{OriginId, StanzaId};

use crate::account::chat::ChatMessage;
use crate::api::{Affiliation, Direction, LeaveReason, Role};
use crate::xmpp::chat::Signal;
use crate::xmpp::util::element;
use crate::xmpp::{replies, stamp};

pub const MUC_ADMIN: &str = "http://jabber.org/protocol/muc#admin";
pub const MUC_OWNER: &str = "http://jabber.org/protocol/muc#owner";
/// XEP-0249 direct invitations.
pub const CONFERENCE: &str = "jabber:x:conference";
pub const MODERATE_0: &str = "urn:xmpp:message-moderate:0";
pub const MODERATE_1: &str = "urn:xmpp:message-moderate:1";
const ROOMCONFIG: &str = "http://jabber.org/protocol/muc#roomconfig";

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
    /// The room was destroyed, with the owner's reason.
    pub destroyed: Option<Option<String>>,
}

fn affiliation(s: Option<&str>) -> Affiliation {
    match s {
        Some("owner") => Affiliation::Owner,
        Some("admin") => Affiliation::Admin,
        Some("member") => Affiliation::Member,
        Some("outcast") => Affiliation::Outcast,
        _ => Affiliation::None,
    }
}

fn role(s: Option<&str>) -> Role {
    match s {
        Some("moderator") => Role::Moderator,
        Some("participant") => Role::Participant,
        Some("visitor") => Role::Visitor,
        _ => Role::None,
    }
}

pub fn affiliation_str(a: Affiliation) -> &'static str {
    match a {
        Affiliation::Owner => "owner",
        Affiliation::Admin => "admin",
        Affiliation::Member => "member",
        Affiliation::Outcast => "outcast",
        Affiliation::None => "none",
    }
}

pub fn role_str(r: Role) -> &'static str {
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
            info.destroyed = Some(child_text(child, "reason", ns::MUC_USER));
        }
    }
    Some(info)
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
    pub nick: String,
    pub body: Option<String>,
    pub subject: Option<String>,
    /// XEP-0359 stanza-id set by the room (`by` = room), its archive id.
    pub server_id: Option<String>,
    pub origin_id: Option<String>,
    pub occupant_id: Option<String>,
    pub timestamp: DateTime<Utc>,
    pub chat_state: Option<crate::api::ChatStateKind>,
    /// Delayed: history the room replays on join.
    pub delayed: bool,
    /// A correction, retraction or reaction about an earlier room message
    /// (`signals.rs`), not a message of its own.
    pub signal: Option<Signal>,
    /// A XEP-0425 moderation notice (trusted only from the room itself).
    pub moderation: Option<super::signals::Moderation>,
    /// The room's stanza-id of the message this one answers (XEP-0461).
    pub reply_to: Option<String>,
    /// A shared file (XEP-0066 / XEP-0447), as in chats.
    pub file: Option<crate::store::NewFile>,
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
    let chat_state = crate::account::chatstates::state_of(&msg);
    // Moderation notices count only from the room itself; an occupant
    // claiming one is dropped whole (not even shown as a message).
    let moderation = match nick.is_empty() {
        true => super::signals::moderation(&msg),
        false if super::signals::claims_moderation(&msg) => return None,
        false => None,
    };
    let signal = Signal::of(&msg);
    let reply_to = replies::reply_id(&msg);
    let body = match (&reply_to, body) {
        (Some(_), Some(b)) => Some(replies::strip_fallback(&msg, &b)),
        (_, b) => b,
    };
    let file = match (&signal, &body) {
        (None, Some(b)) => crate::account::file_message::parse(&msg, b),
        _ => None,
    };
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
    })
}

impl RoomMessage {
    /// The store row of a message with a body; `own` = written by us (our
    /// nick or occupant-id), `own_jid` is then the sender we store.
    pub fn into_chat(self, room: &BareJid, own_nick: &str, own: bool) -> Option<ChatMessage> {
        let body = self.body?;
        let mention = !own && mentions(&body, own_nick);
        let sender: Jid = format!("{room}/{}", self.nick).parse().ok()?;
        Some(ChatMessage {
            direction: if own { Direction::Out } else { Direction::In },
            sender,
            with: Jid::from(room.clone()),
            peer: Jid::from(room.clone()),
            body,
            timestamp: self.timestamp,
            server_id: self.server_id,
            origin_id: self.origin_id,
            reply_to: self.reply_to,
            markable: false,
            signal: None,
            file: self.file,
            mention,
            occupant_id: self.occupant_id,
        })
    }
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

/// An IQ with a payload xmpp-parsers has no type for.
pub fn raw_iq(id: &str, set: bool, to: Option<Jid>, payload: Element) -> Iq {
    if set {
        Iq::Set {
            from: None,
            to,
            id: id.to_owned(),
            payload,
        }
    } else {
        Iq::Get {
            from: None,
            to,
            id: id.to_owned(),
            payload,
        }
    }
}

/// A `muc#admin` request changing one item (affiliation by JID, or role by nick).
pub fn admin_set(id: &str, room: &BareJid, items: Vec<Element>) -> Iq {
    let query = Element::builder("query", MUC_ADMIN)
        .append_all(items)
        .build();
    raw_iq(id, true, Some(Jid::from(room.clone())), query)
}

/// A `muc#admin` request for everyone with `affiliation` (XEP-0045 §9.5).
pub fn admin_list(id: &str, room: &BareJid, affiliation: Affiliation) -> Iq {
    let query = Element::builder("query", MUC_ADMIN)
        .append(element(
            "item",
            MUC_ADMIN,
            &[("affiliation", affiliation_str(affiliation))],
        ))
        .build();
    raw_iq(id, false, Some(Jid::from(room.clone())), query)
}

/// The people in a `muc#admin` list answer; items without a valid bare
/// JID or with an affiliation other than owner, admin or member are left
/// out.
pub fn member_items(answer: Option<&Element>) -> Vec<crate::api::RoomMember> {
    let Some(query) = answer.filter(|q| q.is("query", MUC_ADMIN)) else {
        return Vec::new();
    };
    query
        .children()
        .filter(|c| c.is("item", MUC_ADMIN))
        .filter_map(|item| {
            let jid = item.attr("jid")?.parse::<BareJid>().ok()?;
            let affiliation = affiliation(item.attr("affiliation"));
            matches!(
                affiliation,
                Affiliation::Owner | Affiliation::Admin | Affiliation::Member
            )
            .then(|| crate::api::RoomMember {
                jid: jid.to_string(),
                affiliation,
                nick: item.attr("nick").map(str::to_owned),
            })
        })
        .collect()
}

/// An admin item: `attr` is `affiliation` or `role`, `key` `jid` or `nick`.
pub fn admin_item(attr: &str, value: &str, key: &str, who: &str, reason: Option<&str>) -> Element {
    let mut item = element("item", MUC_ADMIN, &[(attr, value), (key, who)]);
    if let Some(r) = reason {
        item.append_child(Element::builder("reason", MUC_ADMIN).append(r).build());
    }
    item
}

/// The owner's configuration of a new room (XEP-0045 §10.1.3): members
/// only, real JIDs visible to everyone, persistent, archived. Fields the
/// form does not name keep the service's defaults.
pub fn config_submit(id: &str, room: &BareJid, name: Option<&str>) -> Iq {
    let bool_field = |var: &str, v: bool| {
        Field::new(var, FieldType::Boolean).with_value(if v { "1" } else { "0" })
    };
    let mut fields = vec![
        bool_field("muc#roomconfig_membersonly", true),
        bool_field("muc#roomconfig_persistentroom", true),
        Field::new("muc#roomconfig_whois", FieldType::ListSingle).with_value("anyone"),
        // Prosody's name for archiving (mod_muc_mam).
        bool_field("muc#roomconfig_enablearchiving", true),
    ];
    if let Some(n) = name {
        fields.push(Field::text_single("muc#roomconfig_roomname", n));
    }
    let form = DataForm::new(DataFormType::Submit, ROOMCONFIG, fields);
    let query = Element::builder("query", MUC_OWNER)
        .append(Element::from(form))
        .build();
    raw_iq(id, true, Some(Jid::from(room.clone())), query)
}

/// Accepts the service's default configuration for a room `join_room`
/// created (an "instant room", XEP-0045 §10.1.2): until then it is locked
/// and nobody else can enter.
pub fn instant_room(id: &str, room: &BareJid) -> Iq {
    let form = DataForm::new(DataFormType::Submit, ROOMCONFIG, Vec::new());
    let query = Element::builder("query", MUC_OWNER)
        .append(Element::from(form))
        .build();
    raw_iq(id, true, Some(Jid::from(room.clone())), query)
}

/// An owner's request to destroy the room (XEP-0045 §10.9).
pub fn destroy(id: &str, room: &BareJid, reason: Option<&str>) -> Iq {
    let mut destroy = Element::builder("destroy", MUC_OWNER);
    if let Some(r) = reason {
        destroy = destroy.append(Element::builder("reason", MUC_OWNER).append(r).build());
    }
    let query = Element::builder("query", MUC_OWNER)
        .append(destroy.build())
        .build();
    raw_iq(id, true, Some(Jid::from(room.clone())), query)
}

/// XEP-0425 moderated retraction of the message with the room's stanza-id
/// `sid`, in the version the room offers.
pub fn moderate(
    id: &str,
    room: &BareJid,
    ns_moderate: &str,
    sid: &str,
    reason: Option<&str>,
) -> Iq {
    let reason_el = |ns: &str| reason.map(|r| Element::builder("reason", ns).append(r).build());
    let payload = if ns_moderate == MODERATE_1 {
        let mut m = element("moderate", MODERATE_1, &[("id", sid)]);
        m.append_child(element("retract", "urn:xmpp:message-retract:1", &[]));
        if let Some(r) = reason_el(MODERATE_1) {
            m.append_child(r);
        }
        m
    } else {
        let mut m = element("moderate", MODERATE_0, &[]);
        m.append_child(element("retract", "urn:xmpp:message-retract:0", &[]));
        if let Some(r) = reason_el(MODERATE_0) {
            m.append_child(r);
        }
        let mut apply = element("apply-to", "urn:xmpp:fasten:0", &[("id", sid)]);
        apply.append_child(m);
        apply
    };
    raw_iq(id, true, Some(Jid::from(room.clone())), payload)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_member_list_keeps_owners_admins_and_members_with_valid_jids() {
        let answer: Element = format!(
            "<query xmlns='{MUC_ADMIN}'>\
             <item affiliation='owner' jid='alice@example.org'/>\
             <item affiliation='member' jid='bob@example.org' nick='Bob'/>\
             <item affiliation='member' jid='not a jid@@'/>\
             <item affiliation='outcast' jid='eve@example.org'/>\
             <item affiliation='member'/></query>"
        )
        .parse()
        .unwrap();
        let members = member_items(Some(&answer));
        assert_eq!(
            members
                .iter()
                .map(|m| (m.jid.as_str(), m.affiliation, m.nick.as_deref()))
                .collect::<Vec<_>>(),
            [
                ("alice@example.org", Affiliation::Owner, None),
                ("bob@example.org", Affiliation::Member, Some("Bob")),
            ]
        );
        assert!(member_items(None).is_empty());
        let other: Element = "<query xmlns='jabber:iq:roster'/>".parse().unwrap();
        assert!(member_items(Some(&other)).is_empty());
    }

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

    fn msg(xml: &str) -> Message {
        let el: Element = xml.parse().unwrap_or_else(|e| panic!("{e}"));
        Message::try_from(el).unwrap_or_else(|e| panic!("{e:?}"))
    }

    fn room() -> BareJid {
        "team@muc.example.org"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"))
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
        assert_eq!(r.server_id.as_deref(), Some("r1"));
        assert_eq!(r.origin_id.as_deref(), Some("o1"));
        assert_eq!(r.occupant_id.as_deref(), Some("occ"));
        let chat = r.into_chat(&room(), "alice", false);
        assert_eq!(chat.as_ref().map(|c| c.mention), Some(true));
        assert_eq!(
            chat.map(|c| c.sender.to_string()).as_deref(),
            Some("team@muc.example.org/bob")
        );
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
        assert!(r.and_then(|r| r.into_chat(&room(), "x", false)).is_none());
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
    fn builds_config_and_admin_requests() {
        let iq = String::from(&Element::from(config_submit("c1", &room(), Some("Team"))));
        for want in [
            "muc#roomconfig_membersonly",
            "muc#roomconfig_persistentroom",
            "<value>anyone</value>",
            "<value>Team</value>",
            "type=\"submit\"",
        ] {
            assert!(
                iq.contains(want) || iq.contains(&want.replace('"', "'")),
                "{want} in {iq}"
            );
        }
        let item = admin_item("affiliation", "member", "jid", "bob@example.org", None);
        let iq = String::from(&Element::from(admin_set("a1", &room(), vec![item])));
        assert!(iq.contains("muc#admin") && iq.contains("member"), "{iq}");
    }
}
