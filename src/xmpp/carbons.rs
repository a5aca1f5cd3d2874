//! Message Carbons (XEP-0280): copies of the messages the user's other
//! devices send and receive: unwrapping them with the sender check, and
//! the IQ that turns them on.

use tokio_xmpp::jid::BareJid;
use tokio_xmpp::parsers::carbons::{Enable, Received, Sent};
use tokio_xmpp::parsers::iq::Iq;
use tokio_xmpp::parsers::message::Message;

/// The IQ that turns carbons on for this session.
pub fn enable(id: &str) -> Iq {
    Iq::from_set(id.to_owned(), Enable)
}

/// What a message turned out to be.
#[derive(Debug, Clone, PartialEq)]
pub enum Carbon {
    /// Not a carbon: an ordinary message.
    None(Message),
    /// A copy of a message another own device received or sent.
    Copy(Message),
    /// A carbon wrapper from someone other than our own account: spoofing
    /// (anyone could otherwise put words in our or a contact's mouth).
    Forged { from: String },
}

/// Unwraps a carbon. Only our own bare JID (or no `from`, meaning our
/// account) may send carbons, as XEP-0280 §11 requires clients to check.
pub fn unwrap(mut msg: Message, own: &BareJid) -> Carbon {
    let forwarded = match msg.extract_payload::<Received>() {
        Ok(Some(r)) => r.forwarded,
        _ => match msg.extract_payload::<Sent>() {
            Ok(Some(s)) => s.forwarded,
            _ => return Carbon::None(msg),
        },
    };
    match &msg.from {
        Some(from) if !from.is_bare() || from.to_bare() != *own => Carbon::Forged {
            from: from.to_string(),
        },
        _ => Carbon::Copy(forwarded.message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio_xmpp::minidom::Element;

    fn carbon(kind: &str, from: &str) -> Message {
        let xml = format!(
            "<message xmlns='jabber:client' from='{from}' to='me@example.org/pc' type='chat'>\
             <{kind} xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>\
             <message xmlns='jabber:client' type='chat' from='bob@example.org/x' \
             to='me@example.org/phone'><body>hi</body></message>\
             </forwarded></{kind}></message>"
        );
        Message::try_from(xml.parse::<Element>().unwrap()).unwrap()
    }

    #[test]
    fn unwraps_own_carbons_and_flags_forged_ones() {
        let own: BareJid = "me@example.org".parse().unwrap();
        for kind in ["received", "sent"] {
            match unwrap(carbon(kind, "me@example.org"), &own) {
                Carbon::Copy(m) => assert_eq!(
                    m.from.map(|f| f.to_string()).as_deref(),
                    Some("bob@example.org/x")
                ),
                other => panic!("{kind}: {other:?}"),
            }
            for from in ["mallory@example.org", "me@example.org/evil", "example.org"] {
                assert!(
                    matches!(unwrap(carbon(kind, from), &own), Carbon::Forged { .. }),
                    "{kind} from {from}"
                );
            }
        }
        let plain = Message::chat(None);
        assert!(matches!(unwrap(plain, &own), Carbon::None(_)));
    }

    #[test]
    fn malformed_carbons_are_plain_messages() {
        let own: BareJid = "me@example.org".parse().unwrap();
        for xml in [
            // No forwarded message inside, or a wrapper of another namespace.
            "<message xmlns='jabber:client' from='me@example.org'>\
             <received xmlns='urn:xmpp:carbons:2'/></message>",
            "<message xmlns='jabber:client' from='me@example.org'>\
             <sent xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'/></sent></message>",
            "<message xmlns='jabber:client' from='me@example.org'>\
             <received xmlns='urn:xmpp:carbons:1'><forwarded xmlns='urn:xmpp:forward:0'>\
             <message xmlns='jabber:client'><body>x</body></message></forwarded></received></message>",
        ] {
            let msg = Message::try_from(xml.parse::<Element>().unwrap()).unwrap();
            assert!(matches!(unwrap(msg, &own), Carbon::None(_)), "{xml}");
        }
        let iq = Element::from(enable("c1"));
        assert!(
            iq.has_child("enable", "urn:xmpp:carbons:2"),
            "{}",
            String::from(&iq)
        );
    }
}
