//! 1:1 chat messages: reading a `<message/>` with its ids (XEP-0359),
//! delay (XEP-0203), reply, markers and file, or the signal it carries
//! about an earlier message; building outgoing chat messages.

use chrono::{DateTime, Utc};
use tokio_xmpp::jid::{BareJid, Jid};
use tokio_xmpp::parsers::delay::Delay;
use tokio_xmpp::parsers::message::{Id, Lang, Message, MessageType};
use tokio_xmpp::parsers::stanza_id::{OriginId, StanzaId};

use super::file_message::FileInfo;
use super::omemo::{Encrypted, OmemoXmlError};
use super::{corrections, file_message, markers, reactions, replies, retraction, stamp};

/// Who wrote a message, seen from our account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// From someone else.
    In,
    /// From our own account (another device, seen through a carbon or the
    /// archive).
    Out,
}

/// What a 1:1 chat message says, whichever way it came (live, carbon,
/// archive).
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedChat {
    pub direction: Direction,
    /// The author, as full a JID as we know.
    pub sender: Jid,
    /// The conversation: the partner's bare JID.
    pub with: Jid,
    /// The other side as the stanza names it (sender of an incoming,
    /// recipient of an outgoing message).
    pub peer: Jid,
    /// The text without a reply quote; empty for signals other than
    /// corrections (their body is a fallback for old clients).
    pub body: String,
    pub timestamp: DateTime<Utc>,
    /// It carried a delay stamp (XEP-0203): sent while we were away
    /// (offline storage) or held back by its sender.
    pub delayed: bool,
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
    pub file: Option<FileInfo>,
    /// The OMEMO encrypted elements (one per variant), as read: `body` is
    /// then empty (the account decrypts it), its fallback text ignored.
    pub omemo: Vec<Result<Encrypted, OmemoXmlError>>,
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
    /// The signal a message carries; a retraction wins over the others.
    pub fn of(msg: &Message) -> Option<Signal> {
        if let Some(id) = retraction::retracted_id(msg) {
            return Some(Signal::Retraction { id });
        }
        if let Some((id, emojis)) = reactions::of(msg) {
            return Some(Signal::Reactions { id, emojis });
        }
        if let Some(replaces) = corrections::replaced_id(msg) {
            return Some(Signal::Correction { replaces });
        }
        markers::displayed_id(msg).map(|id| Signal::Displayed { id })
    }
}

/// Reads a chat/normal message with a body, or a signal about an earlier
/// message. A message from our own account (another device, seen through a
/// carbon or the archive) is outgoing, its conversation is its recipient;
/// anything else is incoming from its sender. No body (and no signal),
/// groupchat, errors or no sender give `None`.
pub fn parse_chat(mut msg: Message, own: &BareJid, now: DateTime<Utc>) -> Option<ParsedChat> {
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
    let omemo = Encrypted::all_of_message(&msg);
    let body = match (msg.get_best_body_cloned(vec![]), &signal) {
        // The text is inside; the body is the note for clients without OMEMO.
        (_, None | Some(Signal::Correction { .. })) if !omemo.is_empty() => String::new(),
        (Some((_, body)), None | Some(Signal::Correction { .. })) => body,
        // The body of other signals is a fallback text for old clients.
        (_, Some(s)) if !matches!(s, Signal::Correction { .. }) => String::new(),
        _ => return None,
    };
    let reply_to = replies::reply_id(&msg);
    let body = match reply_to {
        Some(_) => replies::strip_fallback(&msg, &body),
        None => body,
    };
    let markable = markers::is_markable(&msg);
    let file = match &signal {
        None => file_message::parse(&msg, &body),
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
    let timestamp = stamp::sent_at(
        delay.as_ref(),
        |by| by.is_some_and(|by| stamp::is_domain(by, own.domain().as_str())),
        now,
    );
    Some(ParsedChat {
        direction,
        sender: from,
        with,
        peer,
        body,
        timestamp,
        delayed: delay.is_some(),
        server_id,
        origin_id,
        reply_to,
        markable,
        signal,
        file,
        omemo,
    })
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

    fn own() -> BareJid {
        "me@example.org".parse().unwrap_or_else(|e| panic!("{e}"))
    }

    fn parse(xml: &str) -> Option<ParsedChat> {
        let el: Element = xml.parse().ok()?;
        let msg = Message::try_from(el).ok()?;
        parse_chat(msg, &own(), Utc::now())
    }

    /// `msg` as its recipient reads it: through XML, from `from`.
    fn received(mut msg: Message, from: &str) -> Option<ParsedChat> {
        msg.from = Some(from.parse().ok()?);
        parse(&String::from(&Element::from(msg)))
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
            "<message xmlns='jabber:client' type='error' from='bob@example.org/pc'><body>x</body></message>",
            "<message xmlns='jabber:client' type='headline' from='bob@example.org/pc'><body>x</body></message>",
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

    #[test]
    fn outgoing_round_trip() {
        let bob: BareJid = "bob@example.org".parse().unwrap_or_else(|e| panic!("{e}"));
        let m = received(outgoing(&bob, "id1", "hello"), "me@example.org/pc");
        let m = m.unwrap_or_else(|| panic!("a chat message"));
        assert_eq!(m.direction, Direction::Out);
        assert_eq!(m.with.to_string(), "bob@example.org");
        assert_eq!(m.body, "hello");
        assert_eq!(m.origin_id.as_deref(), Some("id1"));
        assert_eq!(m.signal, None);
        assert_eq!(m.file, None);
        assert!(!m.markable);
    }

    #[test]
    fn signals_are_read_and_their_fallback_body_dropped() {
        let me = own();
        let from = "bob@example.org/pc";
        let m = received(retraction::retraction(&me, "m1"), from);
        assert_eq!(
            m.as_ref().and_then(|m| m.signal.clone()),
            Some(Signal::Retraction { id: "m1".into() })
        );
        assert_eq!(m.map(|m| m.body), Some(String::new()));
        let m = received(reactions::reactions(&me, "m1", &["👍".into()]), from);
        assert_eq!(
            m.and_then(|m| m.signal),
            Some(Signal::Reactions {
                id: "m1".into(),
                emojis: vec!["👍".into()]
            })
        );
        let m = received(markers::displayed(&me, "m1"), from);
        assert_eq!(
            m.and_then(|m| m.signal),
            Some(Signal::Displayed { id: "m1".into() })
        );
        // A correction keeps its body: the new text.
        let fixed = corrections::with_replace(outgoing(&me, "c1", "fixed"), "m1");
        let m = received(fixed, from);
        assert_eq!(
            m.as_ref().and_then(|m| m.signal.clone()),
            Some(Signal::Correction {
                replaces: "m1".into()
            })
        );
        assert_eq!(m.map(|m| m.body).as_deref(), Some("fixed"));
        // A correction without a body says nothing.
        let empty = corrections::with_replace(Message::chat(Some(Jid::from(me.clone()))), "m1");
        assert!(received(empty, from).is_none());
    }

    #[test]
    fn replies_lose_their_quote_and_files_are_read() {
        let me = own();
        let author: Jid = "me@example.org/pc"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
        let msg = replies::with_reply(outgoing(&me, "r1", "yes"), author, "m1", "ok?", "yes");
        let m = received(markers::with_markable(msg), "bob@example.org/pc");
        assert_eq!(m.as_ref().map(|m| m.body.as_str()), Some("yes"));
        assert_eq!(m.as_ref().and_then(|m| m.reply_to.as_deref()), Some("m1"));
        assert_eq!(m.map(|m| m.markable), Some(true));
        let url = "https://up.example.org/a.txt";
        let msg = file_message::attach(
            outgoing(&me, "f1", url),
            &file_message::Outgoing {
                url,
                name: "a.txt",
                size: 3,
                media_type: None,
                sha256: None,
            },
        );
        let m = received(msg, "bob@example.org/pc");
        assert_eq!(
            m.and_then(|m| m.file).map(|f| f.name).as_deref(),
            Some("a.txt")
        );
    }
}
