//! Chat markers (XEP-0333): a message asks to be marked (`<markable/>`),
//! and `<displayed id/>` says which message the user has seen. The payloads
//! are xmpp-parsers' `displayed_markers` types.

use tokio_xmpp::jid::BareJid;
use tokio_xmpp::parsers::displayed_markers::{Displayed, Markable};
use tokio_xmpp::parsers::message::{Id, Message};
use tokio_xmpp::parsers::ns;

use super::util;

pub const NS: &str = ns::DISPLAYED_MARKERS;

/// Whether the sender asks for markers.
pub fn is_markable(msg: &Message) -> bool {
    msg.payloads.iter().any(|p| p.is("markable", NS))
}

/// The id of the message a displayed marker is about (the first marker's;
/// one without an id names nothing).
pub fn displayed_id(msg: &Message) -> Option<String> {
    util::payload(msg, "displayed", NS)
        .and_then(|p| Displayed::try_from(p.clone()).ok())
        .map(|d| d.id.0)
        .filter(|id| !id.is_empty())
}

/// Asks the recipient to mark the message.
pub fn with_markable(msg: Message) -> Message {
    util::with_element(msg, Markable.into())
}

/// "The user has seen everything up to message `id`", to the contact's bare
/// JID (their devices and ours get it, the archive keeps it).
pub fn displayed(to: &BareJid, id: &str) -> Message {
    let marker = Displayed {
        id: Id(id.to_owned()),
    };
    util::signal(to, marker.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xmpp::util::testing::message;
    use tokio_xmpp::minidom::Element;

    #[test]
    fn round_trip() {
        let to: BareJid = "bob@example.org".parse().unwrap_or_else(|e| panic!("{e}"));
        let m = displayed(&to, "m1");
        let xml = String::from(&Element::from(m));
        assert!(xml.contains("urn:xmpp:hints"), "{xml}");
        let m = message(&xml);
        assert_eq!(displayed_id(&m).as_deref(), Some("m1"));
        assert!(!is_markable(&m));
        let xml = String::from(&Element::from(with_markable(Message::chat(None))));
        assert!(is_markable(&message(&xml)));
    }

    #[test]
    fn malformed_markers_name_nothing() {
        let empty = util::with_element(Message::chat(None), util::element("displayed", NS, &[]));
        assert_eq!(displayed_id(&empty), None);
        for xml in [
            "<message xmlns='jabber:client'><displayed xmlns='urn:xmpp:chat-markers:0' id=''/></message>",
            "<message xmlns='jabber:client'><displayed xmlns='urn:xmpp:other' id='m1'/></message>",
            "<message xmlns='jabber:client'><received xmlns='urn:xmpp:chat-markers:0' id='m1'/></message>",
        ] {
            assert_eq!(displayed_id(&message(xml)), None, "{xml}");
        }
    }
}
