//! Message Delivery Receipts (XEP-0184): the request on a message we send,
//! the confirmation its recipient sends back, and our own answer.

use tokio_xmpp::jid::Jid;
use tokio_xmpp::parsers::message::{Id, Message};
use tokio_xmpp::parsers::ns;
use tokio_xmpp::parsers::receipts::{Received, Request};

/// The confirmation a message carries: the id of the confirmed message.
pub fn confirmed_id(msg: &Message) -> Option<String> {
    msg.payloads
        .iter()
        .filter(|p| p.is("received", ns::RECEIPTS))
        .find_map(|p| Received::try_from(p.clone()).ok())
        .map(|r| r.id)
}

/// Whether the sender of `msg` asks for a receipt.
pub fn requested(msg: &Message) -> bool {
    msg.payloads.iter().any(|p| p.is("request", ns::RECEIPTS))
}

/// Adds the receipt request to an outgoing message.
pub fn request(msg: Message) -> Message {
    msg.with_payload(Request)
}

/// The receipt for `id`, to the full JID that sent it (XEP-0184 §5).
pub fn answer(to: Jid, id: &str) -> Message {
    let mut msg = Message::chat(Some(to)).with_payload(Received { id: id.to_owned() });
    msg.id = Some(Id(uuid::Uuid::new_v4().to_string()));
    msg
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio_xmpp::minidom::Element;

    fn parse(xml: &str) -> Message {
        let el: Element = xml.parse().unwrap_or_else(|e| panic!("{e}"));
        Message::try_from(el).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn reads_requests_and_confirmations() {
        let asks = parse(
            "<message xmlns='jabber:client' type='chat' from='bob@x/pc' id='m1'><body>hi</body>\
             <request xmlns='urn:xmpp:receipts'/></message>",
        );
        assert!(requested(&asks));
        assert_eq!(confirmed_id(&asks), None);
        let confirms = parse(
            "<message xmlns='jabber:client' from='bob@x/pc'>\
             <received xmlns='urn:xmpp:receipts' id='m1'/></message>",
        );
        assert_eq!(confirmed_id(&confirms).as_deref(), Some("m1"));
        let to: Jid = "bob@x/pc".parse().unwrap_or_else(|e| panic!("{e}"));
        let reply = parse(&String::from(&Element::from(answer(to, "m1"))));
        assert_eq!(confirmed_id(&reply).as_deref(), Some("m1"));
        assert_eq!(reply.to.map(|t| t.to_string()).as_deref(), Some("bob@x/pc"));
        let asking = request(Message::chat(None));
        assert!(requested(&parse(&String::from(&Element::from(asking)))));
    }

    #[test]
    fn malformed_receipts_confirm_nothing() {
        for xml in [
            "<message xmlns='jabber:client'><received xmlns='urn:xmpp:other' id='m1'/></message>",
            "<message xmlns='jabber:client'><request xmlns='urn:xmpp:other'/></message>",
        ] {
            let msg = parse(xml);
            assert_eq!(confirmed_id(&msg), None, "{xml}");
            assert!(!requested(&msg), "{xml}");
        }
    }
}
