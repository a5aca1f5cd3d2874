//! Chat state notifications (XEP-0085): typing, paused, gone, …

use tokio_xmpp::jid::{BareJid, Jid};
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::chatstates::ChatState;
use tokio_xmpp::parsers::message::{Message, MessageType};

use crate::api::ChatStateKind;

fn payload(kind: ChatStateKind) -> ChatState {
    match kind {
        ChatStateKind::Active => ChatState::Active,
        ChatStateKind::Composing => ChatState::Composing,
        ChatStateKind::Paused => ChatState::Paused,
        ChatStateKind::Inactive => ChatState::Inactive,
        ChatStateKind::Gone => ChatState::Gone,
    }
}

/// The chat state a 1:1 message carries.
pub fn of(msg: &Message) -> Option<ChatStateKind> {
    if msg.type_ != MessageType::Chat {
        return None;
    }
    state_of(msg)
}

/// The chat state any message carries (a room's groupchat messages too).
pub fn state_of(msg: &Message) -> Option<ChatStateKind> {
    // Only the chat state element is cloned for parsing, not every payload.
    msg.payloads
        .iter()
        .filter(|p| p.ns() == tokio_xmpp::parsers::ns::CHATSTATES)
        .find_map(|p| ChatState::try_from(p.clone()).ok())
        .map(|s| match s {
            ChatState::Active => ChatStateKind::Active,
            ChatState::Composing => ChatStateKind::Composing,
            ChatState::Paused => ChatStateKind::Paused,
            ChatState::Inactive => ChatStateKind::Inactive,
            ChatState::Gone => ChatStateKind::Gone,
        })
}

/// A standalone chat state notification. Marked `no-store` (XEP-0334): it
/// is worth nothing later, so it must not fill archives or offline queues.
pub fn notification(to: &BareJid, kind: ChatStateKind) -> Message {
    let mut msg = Message::chat(Some(Jid::from(to.clone()))).with_payload(payload(kind));
    msg.payloads
        .push(Element::builder("no-store", "urn:xmpp:hints").build());
    msg
}

/// Adds `<active/>` to a message with a body (XEP-0085 §5.1).
pub fn with_active(msg: Message) -> Message {
    msg.with_payload(ChatState::Active)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_state() {
        let to: BareJid = "bob@example.org".parse().unwrap();
        for kind in [
            ChatStateKind::Active,
            ChatStateKind::Composing,
            ChatStateKind::Paused,
            ChatStateKind::Inactive,
            ChatStateKind::Gone,
        ] {
            let msg = notification(&to, kind);
            assert_eq!(of(&msg), Some(kind));
            assert!(msg.bodies.is_empty());
            let xml = String::from(&Element::from(msg));
            assert!(xml.contains("urn:xmpp:hints"), "{xml}");
        }
        let mut groupchat = notification(&to, ChatStateKind::Composing);
        groupchat.type_ = MessageType::Groupchat;
        assert_eq!(of(&groupchat), None);
        assert_eq!(state_of(&groupchat), Some(ChatStateKind::Composing));
    }
}
