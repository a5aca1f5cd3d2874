//! 1:1 chat messages: reading stanzas into store rows, building
//! outgoing stanzas (XEP-0359 ids, XEP-0203 delay).

use chrono::{DateTime, Utc};
use tokio_xmpp::jid::{BareJid, Jid};
use tokio_xmpp::minidom::Element;
use tokio_xmpp::minidom::rxml::NcName;
use tokio_xmpp::parsers::delay::Delay;
use tokio_xmpp::parsers::message::{Id, Lang, Message, MessageType};
use tokio_xmpp::parsers::stanza_id::{OriginId, StanzaId};

use crate::api::{Direction, MessageState};
use crate::store::NewMessage;

/// What we keep of a 1:1 chat message, whichever way it came (live, carbon,
/// archive).
#[derive(Debug, Clone, PartialEq)]
pub struct ChatMessage {
    pub direction: Direction,
    /// The author, as full a JID as we know.
    pub sender: Jid,
    /// The conversation: the partner's bare JID, or for a private message
    /// in a room (XEP-0045 §7.5) the occupant's full JID (see `peer`).
    pub with: Jid,
    /// The other side as the stanza names it (sender of an incoming,
    /// recipient of an outgoing message): the account routes messages
    /// with a room occupant to their own conversation by it.
    pub peer: Jid,
    pub body: String,
    pub timestamp: DateTime<Utc>,
    /// XEP-0359 stanza-id assigned by our own server.
    pub server_id: Option<String>,
    /// XEP-0359 origin-id, else the stanza's id attribute.
    pub origin_id: Option<String>,
    /// The id of the message this one answers (XEP-0461).
    pub reply_to: Option<String>,
    /// The sender asks for read markers (XEP-0333).
    pub markable: bool,
    /// Not a message of its own but a change to an earlier one.
    pub signal: Option<Signal>,
    /// The file it carries (XEP-0066 / XEP-0447).
    pub file: Option<crate::store::NewFile>,
    /// A room message that mentions our nick.
    pub mention: bool,
    /// The author's XEP-0421 occupant-id (room messages).
    pub occupant_id: Option<String>,
}

/// A change to an earlier message, referred to by the id its author gave it.
#[derive(Debug, Clone, PartialEq)]
pub enum Signal {
    /// New text (in `body`) for message `replaces` (XEP-0308).
    Correction { replaces: String },
    /// The author withdrew message `id` (XEP-0424).
    Retraction { id: String },
    /// The sender's full set of reactions to message `id` (XEP-0444).
    Reactions { id: String, emojis: Vec<String> },
    /// The sender has seen everything up to message `id` (XEP-0333).
    Displayed { id: String },
}

impl Signal {
    pub(crate) fn of(msg: &Message) -> Option<Signal> {
        if let Some(id) = super::retraction::retracted_id(msg) {
            return Some(Signal::Retraction { id });
        }
        if let Some((id, emojis)) = super::reactions::of(msg) {
            return Some(Signal::Reactions { id, emojis });
        }
        if let Some(replaces) = super::corrections::replaced_id(msg) {
            return Some(Signal::Correction { replaces });
        }
        super::markers::displayed_id(msg).map(|id| Signal::Displayed { id })
    }
}

/// Reads a chat/normal message with a body, or a signal about an earlier
/// message. A message from our own account (another device, seen through a
/// carbon or the archive) is outgoing, its conversation is its recipient;
/// anything else is incoming from its sender. No body (and no signal),
/// groupchat, errors or no sender give `None`.
pub fn parse_chat(mut msg: Message, own: &BareJid, now: DateTime<Utc>) -> Option<ChatMessage> {
    if !matches!(msg.type_, MessageType::Chat | MessageType::Normal) {
        return None;
    }
    let from = msg.from.clone()?;
    let (direction, peer) = if from.to_bare() == *own {
        (Direction::Out, msg.to.clone()?)
    } else {
        (Direction::In, from.clone())
    };
    let with = Jid::from(peer.to_bare());
    let signal = Signal::of(&msg);
    let body = match (msg.get_best_body_cloned(vec![]), &signal) {
        (Some((_, body)), None | Some(Signal::Correction { .. })) => body,
        // The body of other signals is a fallback text for old clients.
        (_, Some(s)) if !matches!(s, Signal::Correction { .. }) => String::new(),
        _ => return None,
    };
    let reply_to = super::replies::reply_id(&msg);
    let body = match reply_to {
        Some(_) => super::replies::strip_fallback(&msg, &body),
        None => body,
    };
    let markable = super::markers::is_markable(&msg);
    let file = match &signal {
        None => super::file_message::parse(&msg, &body),
        Some(_) => None,
    };
    // Only our own server may assign the stanza-id we use for dedup; one set by
    // anyone else (e.g. the sender) is ignored, or it could suppress messages.
    let mut server_id = None;
    while let Ok(Some(sid)) = msg.extract_payload::<StanzaId>() {
        if sid.by.to_bare() == *own && sid.by.resource().is_none() {
            server_id = Some(sid.id);
        }
    }
    let origin_id = match msg.extract_payload::<OriginId>() {
        Ok(Some(o)) => Some(o.id),
        _ => msg.id.as_ref().map(|id| id.0.clone()),
    };
    // Our server vouches for the stamps it sets (offline delivery).
    let delay = msg.extract_payload::<Delay>().ok().flatten();
    let timestamp = super::stamp::sent_at(
        delay.as_ref(),
        |by| by.is_some_and(|by| super::stamp::is_domain(by, own.domain().as_str())),
        now,
    );
    Some(ChatMessage {
        direction,
        sender: from,
        with,
        peer,
        body,
        timestamp,
        server_id,
        origin_id,
        reply_to,
        markable,
        signal,
        file,
        mention: false,
        occupant_id: None,
    })
}

/// Store rows for received messages, with fresh local ids; owns the strings
/// the rows borrow.
pub struct StoreRows {
    ids: Vec<String>,
    withs: Vec<String>,
    senders: Vec<String>,
}

impl StoreRows {
    pub fn new(batch: &[ChatMessage]) -> Self {
        StoreRows {
            ids: batch
                .iter()
                .map(|_| uuid::Uuid::new_v4().to_string())
                .collect(),
            withs: batch.iter().map(|m| m.with.to_string()).collect(),
            senders: batch.iter().map(|m| m.sender.to_string()).collect(),
        }
    }

    /// The rows for `batch` (the same slice `new` was given); signals are
    /// not messages of their own and get none.
    pub fn rows<'a>(&'a self, batch: &'a [ChatMessage]) -> Vec<NewMessage<'a>> {
        batch
            .iter()
            .zip(&self.ids)
            .zip(self.withs.iter().zip(&self.senders))
            .filter(|((m, _), _)| m.signal.is_none())
            .map(|((m, id), (with, sender))| NewMessage {
                id,
                with,
                direction: m.direction,
                sender,
                body: &m.body,
                timestamp: m.timestamp,
                // Our own messages seen as copies come from the server: it has them.
                state: match m.direction {
                    Direction::In => MessageState::Received,
                    Direction::Out => MessageState::Acked,
                },
                server_id: m.server_id.as_deref(),
                origin_id: m.origin_id.as_deref(),
                reply_to: m.reply_to.as_deref(),
                markable: m.markable,
                file: m.file.as_ref(),
                mention: m.mention,
                occupant_id: m.occupant_id.as_deref(),
            })
            .collect()
    }
}

/// An element `<name xmlns='ns' attr='value' …/>` for payloads that
/// xmpp-parsers has no type for.
pub fn element(name: &str, ns: &str, attrs: &[(&str, &str)]) -> Element {
    let mut builder = Element::builder(name, ns);
    for (key, value) in attrs {
        // Our own attribute names, always valid.
        if let Ok(key) = NcName::try_from(*key) {
            builder = builder.attr(key, *value);
        }
    }
    builder.build()
}

/// Attribute `attr` of the first payload `<name xmlns='ns'/>`, if not empty:
/// how signals name the message they are about.
pub fn payload_attr(msg: &Message, name: &str, ns: &str, attr: &str) -> Option<String> {
    msg.payloads
        .iter()
        .find(|p| p.is(name, ns))
        .and_then(|p| p.attr(attr))
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// `msg` with one more payload element.
pub fn with_element(mut msg: Message, payload: Element) -> Message {
    msg.payloads.push(payload);
    msg
}

/// A body-less message carrying `payload` about an earlier message, kept by
/// archives (XEP-0334 store hint) so other devices learn of it later.
pub fn signal(to: &BareJid, payload: Element) -> Message {
    let mut msg = Message::chat(Some(Jid::from(to.clone())));
    msg.id = Some(Id(uuid::Uuid::new_v4().to_string()));
    msg.payloads.push(payload);
    msg.payloads.push(element("store", "urn:xmpp:hints", &[]));
    msg
}

/// A chat message with `id` used as stanza id and origin-id.
pub fn outgoing(to: &BareJid, id: &str, body: &str) -> Message {
    let mut msg = Message::chat(Some(Jid::from(to.clone())))
        .with_body(Lang::new(), body.to_owned())
        .with_payload(OriginId { id: id.to_owned() });
    msg.id = Some(Id(id.to_owned()));
    msg
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio_xmpp::minidom::Element;

    fn parse(xml: &str) -> Option<ChatMessage> {
        let own: BareJid = "me@example.org".parse().ok()?;
        let el: Element = xml.parse().ok()?;
        let msg = Message::try_from(el).ok()?;
        parse_chat(msg, &own, Utc::now())
    }

    #[test]
    fn reads_ids_and_delay() {
        let m = parse(
            "<message xmlns='jabber:client' type='chat' from='bob@example.org/pc' id='x1'>\
             <body>hi</body>\
             <stanza-id xmlns='urn:xmpp:sid:0' id='srv1' by='me@example.org'/>\
             <stanza-id xmlns='urn:xmpp:sid:0' id='fake' by='bob@example.org'/>\
             <origin-id xmlns='urn:xmpp:sid:0' id='o1'/>\
             <delay xmlns='urn:xmpp:delay' from='example.org' stamp='2020-01-02T03:04:05Z'/>\
             </message>",
        );
        let m = m.as_ref();
        assert_eq!(m.map(|m| m.body.as_str()), Some("hi"));
        assert_eq!(m.and_then(|m| m.server_id.as_deref()), Some("srv1"));
        assert_eq!(m.and_then(|m| m.origin_id.as_deref()), Some("o1"));
        assert_eq!(
            m.map(|m| m.with.to_string()).as_deref(),
            Some("bob@example.org")
        );
        assert_eq!(
            m.map(|m| m.timestamp.to_rfc3339()).as_deref(),
            Some("2020-01-02T03:04:05+00:00")
        );
    }

    #[test]
    fn id_attribute_is_the_fallback_origin_id() {
        let m = parse(
            "<message xmlns='jabber:client' type='chat' from='bob@example.org/pc' id='x1'><body>a</body></message>",
        );
        assert_eq!(m.and_then(|m| m.origin_id), Some("x1".into()));
    }

    #[test]
    fn ignores_what_is_not_a_chat_message() {
        for xml in [
            "<message xmlns='jabber:client' type='chat' from='bob@example.org/pc'/>",
            "<message xmlns='jabber:client' type='groupchat' from='r@muc.example.org/n'><body>x</body></message>",
            "<message xmlns='jabber:client' type='chat'><body>no sender</body></message>",
        ] {
            assert!(parse(xml).is_none(), "{xml}");
        }
    }

    #[test]
    fn own_messages_are_outgoing_to_their_recipient() {
        let m = parse(
            "<message xmlns='jabber:client' type='chat' from='me@example.org/phone' \
             to='bob@example.org' id='x2'><body>from my phone</body></message>",
        );
        assert_eq!(m.as_ref().map(|m| m.direction), Some(Direction::Out));
        assert_eq!(
            m.as_ref().map(|m| m.with.to_string()).as_deref(),
            Some("bob@example.org")
        );
        assert_eq!(
            m.map(|m| m.sender.to_string()).as_deref(),
            Some("me@example.org/phone")
        );
        // Without a recipient there is no conversation to put it in.
        assert!(
            parse("<message xmlns='jabber:client' type='chat' from='me@example.org/phone'><body>x</body></message>")
                .is_none()
        );
    }
}
