//! Message retraction (XEP-0424): the sender asks everyone to forget one of
//! their messages. Clients without support see a fallback text.

use tokio_xmpp::jid::BareJid;
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::message::{Lang, Message};

use super::fallback::Fallback;
use super::util::{self, ParseError, element, required_attr};

pub const NS: &str = "urn:xmpp:message-retract:1";

/// What clients without support show instead.
const FALLBACK_TEXT: &str =
    "This person attempted to retract a previous message, but it's unsupported by your client.";

/// `<retract id='…'/>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retract {
    /// The withdrawn message's id.
    pub id: String,
}

impl TryFrom<&Element> for Retract {
    type Error = ParseError;

    fn try_from(el: &Element) -> Result<Self, ParseError> {
        if !el.is("retract", NS) {
            return Err(ParseError::NotThisPayload);
        }
        Ok(Retract {
            id: required_attr(el, "id")?,
        })
    }
}

impl From<Retract> for Element {
    fn from(r: Retract) -> Element {
        element("retract", NS, &[("id", &r.id)])
    }
}

/// The id of the message this one retracts.
pub fn retracted_id(msg: &Message) -> Option<String> {
    util::payload(msg, "retract", NS)
        .and_then(|p| Retract::try_from(p).ok())
        .map(|r| r.id)
}

/// The retraction of our message `id`.
pub fn retraction(to: &BareJid, id: &str) -> Message {
    let retract = Retract { id: id.to_owned() };
    let msg = util::signal(to, retract.into()).with_body(Lang::new(), FALLBACK_TEXT.into());
    util::with_element(msg, Fallback::whole(NS).into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xmpp::util::testing::message;

    #[test]
    fn round_trip() {
        let to: BareJid = "bob@example.org".parse().unwrap_or_else(|e| panic!("{e}"));
        let m = retraction(&to, "m1");
        let m = message(&String::from(&Element::from(m)));
        assert_eq!(retracted_id(&m).as_deref(), Some("m1"));
        assert!(!m.bodies.is_empty(), "old clients see a fallback text");
        let fallback = util::payload(&m, "fallback", crate::xmpp::fallback::NS);
        assert_eq!(fallback.and_then(|f| f.attr("for")), Some(NS));
        assert_eq!(retracted_id(&Message::chat(None)), None);
    }

    #[test]
    fn malformed_retractions_name_nothing() {
        for xml in [
            "<message xmlns='jabber:client'><retract xmlns='urn:xmpp:message-retract:1'/></message>",
            "<message xmlns='jabber:client'><retract xmlns='urn:xmpp:message-retract:1' id=''/></message>",
            "<message xmlns='jabber:client'><retract xmlns='urn:xmpp:message-retract:0' id='m1'/></message>",
        ] {
            assert_eq!(retracted_id(&message(xml)), None, "{xml}");
        }
    }
}
