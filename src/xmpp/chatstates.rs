//! Chat state notifications (XEP-0085): typing, paused, gone, …, as
//! xmpp-parsers' `ChatState`.

use tokio_xmpp::jid::{BareJid, Jid};
use tokio_xmpp::parsers::chatstates::ChatState;
use tokio_xmpp::parsers::message::{Message, MessageType};
use tokio_xmpp::parsers::ns;

use super::util::{NS_HINTS, element};

/// The chat state a 1:1 message carries.
pub fn of(msg: &Message) -> Option<ChatState> {
    if msg.type_ != MessageType::Chat {
        return None;
    }
    state_of(msg)
}

/// The chat state any message carries (a room's groupchat messages too).
pub fn state_of(msg: &Message) -> Option<ChatState> {
    // Only the chat state element is cloned for parsing, not every payload.
    msg.payloads
        .iter()
        .filter(|p| p.ns() == ns::CHATSTATES)
        .find_map(|p| ChatState::try_from(p.clone()).ok())
}

/// A standalone chat state notification. Marked `no-store` (XEP-0334): it
/// is worth nothing later, so it must not fill archives or offline queues.
pub fn notification(to: &BareJid, state: ChatState) -> Message {
    let mut msg = Message::chat(Some(Jid::from(to.clone()))).with_payload(state);
    msg.payloads.push(element("no-store", NS_HINTS, &[]));
    msg
}

/// Adds `<active/>` to a message with a body (XEP-0085 §5.1).
pub fn with_active(msg: Message) -> Message {
    msg.with_payload(ChatState::Active)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xmpp::util::testing::message;
    use tokio_xmpp::minidom::Element;

    #[test]
    fn round_trips_every_state() {
        let to: BareJid = "bob@example.org".parse().unwrap_or_else(|e| panic!("{e}"));
        for state in [
            ChatState::Active,
            ChatState::Composing,
            ChatState::Paused,
            ChatState::Inactive,
            ChatState::Gone,
        ] {
            let msg = notification(&to, state.clone());
            let xml = String::from(&Element::from(msg));
            assert!(xml.contains("urn:xmpp:hints"), "{xml}");
            let msg = message(&xml);
            assert_eq!(of(&msg), Some(state));
            assert!(msg.bodies.is_empty());
        }
        let mut groupchat = notification(&to, ChatState::Composing);
        groupchat.type_ = MessageType::Groupchat;
        assert_eq!(of(&groupchat), None);
        assert_eq!(state_of(&groupchat), Some(ChatState::Composing));
        assert_eq!(
            state_of(&with_active(Message::chat(None))),
            Some(ChatState::Active)
        );
    }

    #[test]
    fn unknown_states_are_none() {
        for xml in [
            "<message xmlns='jabber:client' type='chat'>\
             <sleeping xmlns='http://jabber.org/protocol/chatstates'/></message>",
            "<message xmlns='jabber:client' type='chat'><composing xmlns='urn:xmpp:other'/></message>",
            "<message xmlns='jabber:client' type='chat'/>",
        ] {
            assert_eq!(of(&message(xml)), None, "{xml}");
        }
    }
}
