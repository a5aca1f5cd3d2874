//! Chat markers (XEP-0333): our messages ask to be marked (`<markable/>`),
//! and we say which message the user has seen (`<displayed/>`). A displayed
//! marker from the contact moves our messages to "read"; one sent by
//! another of our own devices (carbon or archive) clears unread here.

use tokio_xmpp::jid::BareJid;
use tokio_xmpp::parsers::message::Message;

use super::chat::element;

pub const NS: &str = "urn:xmpp:chat-markers:0";

/// Whether the sender asks for markers.
pub fn is_markable(msg: &Message) -> bool {
    msg.payloads.iter().any(|p| p.is("markable", NS))
}

/// The id of the message a displayed marker is about.
pub fn displayed_id(msg: &Message) -> Option<String> {
    super::chat::payload_attr(msg, "displayed", NS, "id")
}

/// Asks the recipient to mark the message.
pub fn with_markable(msg: Message) -> Message {
    super::chat::with_element(msg, element("markable", NS, &[]))
}

/// "The user has seen everything up to message `id`", to the contact's bare
/// JID (their devices and ours get it, the archive keeps it).
pub fn displayed(to: &BareJid, id: &str) -> Message {
    super::chat::signal(to, element("displayed", NS, &[("id", id)]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let to: BareJid = "bob@example.org".parse().unwrap();
        let m = displayed(&to, "m1");
        assert_eq!(displayed_id(&m).as_deref(), Some("m1"));
        assert!(!is_markable(&m));
        assert!(is_markable(&with_markable(Message::chat(None))));
        let empty =
            super::super::chat::with_element(Message::chat(None), element("displayed", NS, &[]));
        assert_eq!(displayed_id(&empty), None);
    }
}
