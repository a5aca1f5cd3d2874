//! Message retraction (XEP-0424): the sender asks everyone to forget one of
//! their messages. Clients without support see a fallback text.

use tokio_xmpp::jid::BareJid;
use tokio_xmpp::parsers::message::{Lang, Message};

use super::chat;

pub const NS: &str = "urn:xmpp:message-retract:1";
const FALLBACK_NS: &str = "urn:xmpp:fallback:0";

/// The id of the message this one retracts.
pub fn retracted_id(msg: &Message) -> Option<String> {
    super::chat::payload_attr(msg, "retract", NS, "id")
}

/// The retraction of our message `id`.
pub fn retraction(to: &BareJid, id: &str) -> Message {
    let msg = chat::signal(to, chat::element("retract", NS, &[("id", id)])).with_body(
        Lang::new(),
        "This person attempted to retract a previous message, but it's unsupported by your client."
            .into(),
    );
    chat::with_element(msg, chat::element("fallback", FALLBACK_NS, &[("for", NS)]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let to: BareJid = "bob@example.org".parse().unwrap();
        let m = retraction(&to, "m1");
        assert_eq!(retracted_id(&m).as_deref(), Some("m1"));
        assert!(!m.bodies.is_empty(), "old clients see a fallback text");
        assert_eq!(retracted_id(&Message::chat(None)), None);
    }
}
