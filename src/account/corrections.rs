//! Last message correction (XEP-0308): a message with `<replace id/>`
//! carries the new text of an earlier message by the same sender.

use tokio_xmpp::jid::BareJid;
use tokio_xmpp::parsers::message::{Id, Message};
use tokio_xmpp::parsers::message_correct::Replace;

/// The id of the message this one corrects.
pub fn replaced_id(msg: &Message) -> Option<String> {
    msg.payloads
        .iter()
        .filter(|p| p.is("replace", tokio_xmpp::parsers::ns::MESSAGE_CORRECT))
        .find_map(|p| Replace::try_from(p.clone()).ok())
        .map(|r| r.id.0)
        .filter(|id| !id.is_empty())
}

/// The correction of our message `replaces` to `body`; `id` is the new
/// stanza's own id.
pub fn correction(to: &BareJid, id: &str, replaces: &str, body: &str) -> Message {
    super::chat::outgoing(to, id, body).with_payload(Replace {
        id: Id(replaces.to_owned()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let to: BareJid = "bob@example.org".parse().unwrap();
        let m = correction(&to, "c1", "m1", "fixed");
        assert_eq!(replaced_id(&m).as_deref(), Some("m1"));
        assert_eq!(replaced_id(&Message::chat(None)), None);
    }
}
