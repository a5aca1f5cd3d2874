//! Message Delivery Receipts (XEP-0184): we ask for a receipt on every chat
//! message we send, answer requests from contacts in the roster (when the
//! account allows it), and mark our message delivered when its recipient
//! confirms it.

use tokio_xmpp::jid::Jid;
use tokio_xmpp::parsers::message::{Id, Message};
use tokio_xmpp::parsers::receipts::{Received, Request};

/// The confirmation a message carries: the id of the confirmed message.
pub fn confirmed_id(msg: &Message) -> Option<String> {
    msg.payloads
        .iter()
        .filter(|p| p.is("received", tokio_xmpp::parsers::ns::RECEIPTS))
        .find_map(|p| Received::try_from(p.clone()).ok())
        .map(|r| r.id)
}

/// Whether the sender of `msg` asks for a receipt.
pub fn requested(msg: &Message) -> bool {
    msg.payloads
        .iter()
        .any(|p| p.is("request", tokio_xmpp::parsers::ns::RECEIPTS))
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
        Message::try_from(xml.parse::<Element>().unwrap()).unwrap()
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
        let reply = answer("bob@x/pc".parse().unwrap(), "m1");
        assert_eq!(confirmed_id(&reply).as_deref(), Some("m1"));
        assert!(requested(&request(Message::chat(None))));
    }
}
