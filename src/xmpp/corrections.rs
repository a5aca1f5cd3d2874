//! Last message correction (XEP-0308): a message with `<replace id/>`
//! carries the new text of an earlier message by the same sender.

use tokio_xmpp::parsers::message::{Id, Message};
use tokio_xmpp::parsers::message_correct::Replace;
use tokio_xmpp::parsers::ns;

use super::util;

/// The id of the message this one corrects.
pub fn replaced_id(msg: &Message) -> Option<String> {
    msg.payloads
        .iter()
        .filter(|p| p.is("replace", ns::MESSAGE_CORRECT))
        .find_map(|p| Replace::try_from(p.clone()).ok())
        .map(|r| r.id.0)
        .filter(|id| !id.is_empty())
}

/// `msg` (a new message with the new text, see `chat::outgoing`) as the
/// correction of our message `replaces`.
pub fn with_replace(msg: Message, replaces: &str) -> Message {
    let replace = Replace {
        id: Id(replaces.to_owned()),
    };
    util::with_element(msg, replace.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xmpp::util::testing::message;
    use tokio_xmpp::minidom::Element;
    use tokio_xmpp::parsers::message::Lang;

    #[test]
    fn round_trip() {
        let msg = Message::chat(None).with_body(Lang::new(), "fixed".into());
        let m = with_replace(msg, "m1");
        let m = message(&String::from(&Element::from(m)));
        assert_eq!(replaced_id(&m).as_deref(), Some("m1"));
        assert_eq!(replaced_id(&Message::chat(None)), None);
    }

    #[test]
    fn malformed_replacements_name_nothing() {
        for xml in [
            "<message xmlns='jabber:client'><replace xmlns='urn:xmpp:message-correct:0'/></message>",
            "<message xmlns='jabber:client'><replace xmlns='urn:xmpp:message-correct:0' id=''/></message>",
            "<message xmlns='jabber:client'><replace xmlns='urn:xmpp:other' id='m1'/></message>",
        ] {
            assert_eq!(replaced_id(&message(xml)), None, "{xml}");
        }
    }
}
