//! Chat states (XEP-0085) in the front-ends' terms: the payloads of
//! [`xmpp::chatstates`](crate::xmpp::chatstates) as `ChatStateKind`s.

use tokio_xmpp::jid::BareJid;
use tokio_xmpp::parsers::chatstates::ChatState;
use tokio_xmpp::parsers::message::Message;

use crate::api::ChatStateKind;
use crate::xmpp::chatstates;

fn payload(kind: ChatStateKind) -> ChatState {
    match kind {
        ChatStateKind::Active => ChatState::Active,
        ChatStateKind::Composing => ChatState::Composing,
        ChatStateKind::Paused => ChatState::Paused,
        ChatStateKind::Inactive => ChatState::Inactive,
        ChatStateKind::Gone => ChatState::Gone,
    }
}

/// `state` as the front-ends name it.
pub(crate) fn kind(state: ChatState) -> ChatStateKind {
    match state {
        ChatState::Active => ChatStateKind::Active,
        ChatState::Composing => ChatStateKind::Composing,
        ChatState::Paused => ChatStateKind::Paused,
        ChatState::Inactive => ChatStateKind::Inactive,
        ChatState::Gone => ChatStateKind::Gone,
    }
}

/// The chat state a 1:1 message carries.
pub fn of(msg: &Message) -> Option<ChatStateKind> {
    chatstates::of(msg).map(kind)
}

/// The chat state any message carries (a room's groupchat messages too).
pub fn state_of(msg: &Message) -> Option<ChatStateKind> {
    chatstates::state_of(msg).map(kind)
}

/// A standalone chat state notification (see [`chatstates::notification`]).
pub fn notification(to: &BareJid, kind: ChatStateKind) -> Message {
    chatstates::notification(to, payload(kind))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_round_trips() {
        let to: BareJid = "bob@example.org".parse().unwrap_or_else(|e| panic!("{e}"));
        for k in [
            ChatStateKind::Active,
            ChatStateKind::Composing,
            ChatStateKind::Paused,
            ChatStateKind::Inactive,
            ChatStateKind::Gone,
        ] {
            assert_eq!(kind(payload(k)), k);
            assert_eq!(of(&notification(&to, k)), Some(k));
        }
    }
}
