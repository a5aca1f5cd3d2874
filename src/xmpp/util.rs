//! Element helpers shared by the protocol files: building payloads that
//! xmpp-parsers has no type for, finding them in a message, and the
//! body-less "signal" messages several XEPs send.

use std::fmt;

use tokio_xmpp::jid::{BareJid, Jid};
use tokio_xmpp::minidom::Element;
use tokio_xmpp::minidom::rxml::NcName;
use tokio_xmpp::parsers::iq::Iq;
use tokio_xmpp::parsers::message::{Id, Message};

/// XEP-0334 message processing hints.
pub const NS_HINTS: &str = "urn:xmpp:hints";

/// Why an element is not the payload a hand-written reader expects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// Another element (name or namespace), not an error of the sender.
    NotThisPayload,
    /// A required attribute is missing or empty.
    MissingAttribute(&'static str),
    /// An attribute that does not hold a value of its kind.
    BadAttribute(&'static str),
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::NotThisPayload => f.write_str("not the expected payload"),
            ParseError::MissingAttribute(a) => write!(f, "attribute '{a}' missing or empty"),
            ParseError::BadAttribute(a) => write!(f, "attribute '{a}' has an invalid value"),
        }
    }
}

impl std::error::Error for ParseError {}

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

/// An IQ get (or set) with a payload xmpp-parsers has no type for.
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

/// A required, non-empty attribute of `el`.
pub fn required_attr(el: &Element, attr: &'static str) -> Result<String, ParseError> {
    el.attr(attr)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
        .ok_or(ParseError::MissingAttribute(attr))
}

/// The first payload `<name xmlns='ns'/>` of `msg`.
pub fn payload<'a>(msg: &'a Message, name: &str, ns: &str) -> Option<&'a Element> {
    msg.payloads.iter().find(|p| p.is(name, ns))
}

/// Attribute `attr` of the first payload `<name xmlns='ns'/>`, if not empty:
/// how signals name the message they are about.
pub fn payload_attr(msg: &Message, name: &str, ns: &str, attr: &str) -> Option<String> {
    payload(msg, name, ns)
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
    msg.payloads.push(element("store", NS_HINTS, &[]));
    msg
}

/// The bytes an even number of hex digits (any case) stand for; None for
/// anything else.
pub fn hex_bytes(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    let digit = |b: u8| {
        char::from(b)
            .to_digit(16)
            .and_then(|d| u8::try_from(d).ok())
    };
    text.as_bytes()
        .chunks_exact(2)
        .map(|pair| Some(digit(pair[0])? << 4 | digit(pair[1])?))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bob() -> BareJid {
        "bob@example.org".parse().unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn elements_read_back() {
        let el = element("x", "urn:example", &[("id", "a"), ("empty", "")]);
        assert_eq!(required_attr(&el, "id"), Ok("a".to_owned()));
        assert_eq!(
            required_attr(&el, "empty"),
            Err(ParseError::MissingAttribute("empty"))
        );
        assert_eq!(
            required_attr(&el, "nope"),
            Err(ParseError::MissingAttribute("nope"))
        );
        // An attribute name that is no XML name is left out, not a panic.
        let odd = element("x", "urn:example", &[("1 bad", "v")]);
        assert!(!String::from(&odd).contains("bad"));
    }

    #[test]
    fn raw_iqs_read_back() {
        for set in [true, false] {
            let iq = raw_iq("i1", set, None, element("x", "urn:example", &[]));
            let back = Iq::try_from(Element::from(iq)).unwrap_or_else(|e| panic!("{e}"));
            match back {
                Iq::Set { id, payload, .. } if set => {
                    assert_eq!((id.as_str(), payload.name()), ("i1", "x"))
                }
                Iq::Get { id, payload, .. } if !set => {
                    assert_eq!((id.as_str(), payload.name()), ("i1", "x"))
                }
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn signals_carry_their_payload_and_the_store_hint() {
        let msg = signal(&bob(), element("x", "urn:example", &[("id", "m1")]));
        assert_eq!(
            payload_attr(&msg, "x", "urn:example", "id").as_deref(),
            Some("m1")
        );
        assert!(payload(&msg, "store", NS_HINTS).is_some());
        assert!(msg.bodies.is_empty());
        assert!(msg.id.is_some());
        // Through XML and back, as the recipient sees it.
        let back = Message::try_from(Element::from(msg)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            payload_attr(&back, "x", "urn:example", "id").as_deref(),
            Some("m1")
        );
    }

    #[test]
    fn empty_or_missing_attributes_name_nothing() {
        let msg = with_element(
            Message::chat(None),
            element("x", "urn:example", &[("id", "")]),
        );
        assert_eq!(payload_attr(&msg, "x", "urn:example", "id"), None);
        assert_eq!(payload_attr(&msg, "x", "urn:other", "id"), None);
        assert_eq!(payload_attr(&msg, "x", "urn:example", "to"), None);
    }
}

/// Helpers for the protocol files' unit tests.
#[cfg(test)]
pub(crate) mod testing {
    use tokio_xmpp::minidom::Element;
    use tokio_xmpp::parsers::message::Message;

    /// An element from its XML (a fixture must parse).
    pub(crate) fn el(xml: &str) -> Element {
        xml.parse().unwrap_or_else(|e| panic!("{e}: {xml}"))
    }

    /// A bare JID (a fixture must parse).
    pub(crate) fn jid(s: &str) -> tokio_xmpp::jid::BareJid {
        s.parse().unwrap_or_else(|e| panic!("{e}"))
    }

    /// A message stanza from its XML (a fixture must parse).
    pub(crate) fn message(xml: &str) -> Message {
        Message::try_from(el(xml)).unwrap_or_else(|e| panic!("{e}"))
    }

    /// The room the MUC fixtures are in.
    pub(crate) fn room() -> tokio_xmpp::jid::BareJid {
        "team@muc.example.org"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"))
    }
}
