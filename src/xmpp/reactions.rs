//! Message reactions (XEP-0444): each person's set of emojis on a message;
//! a new set replaces the previous one of the same person.

use tokio_xmpp::jid::BareJid;
use tokio_xmpp::parsers::message::Message;
use tokio_xmpp::parsers::ns;
use tokio_xmpp::parsers::reactions::{Reaction, Reactions};

use super::util;

/// At most this many reactions per person and message are kept, each at
/// most `MAX_EMOJI_BYTES` long: a reaction is one emoji, not a message.
pub const MAX_PER_SENDER: usize = 20;
const MAX_EMOJI_BYTES: usize = 32;

/// (message id, emojis) of a reactions update.
pub fn of(msg: &Message) -> Option<(String, Vec<String>)> {
    let r = msg
        .payloads
        .iter()
        .filter(|p| p.is("reactions", ns::REACTIONS))
        .find_map(|p| Reactions::try_from(p.clone()).ok())?;
    if r.id.is_empty() {
        return None;
    }
    Some((r.id, clean(r.reactions.into_iter().map(|r| r.emoji))))
}

/// Trimmed, non-empty, short, without repeats, at most `MAX_PER_SENDER`.
pub fn clean(emojis: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for e in emojis {
        let e = e.trim();
        if e.is_empty() || e.len() > MAX_EMOJI_BYTES || out.iter().any(|o| o == e) {
            continue;
        }
        out.push(e.to_owned());
        if out.len() == MAX_PER_SENDER {
            break;
        }
    }
    out
}

/// Our reactions to message `id` (the full set).
pub fn reactions(to: &BareJid, id: &str, emojis: &[String]) -> Message {
    let payload = Reactions {
        id: id.to_owned(),
        reactions: emojis
            .iter()
            .map(|e| Reaction { emoji: e.clone() })
            .collect(),
    };
    util::signal(to, payload.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xmpp::util::testing::message;
    use tokio_xmpp::minidom::Element;

    #[test]
    fn round_trip_and_limits() {
        let to: BareJid = "bob@example.org".parse().unwrap_or_else(|e| panic!("{e}"));
        let m = reactions(&to, "m1", &["👍".into(), "❤️".into()]);
        let m = message(&String::from(&Element::from(m)));
        assert_eq!(of(&m), Some(("m1".into(), vec!["👍".into(), "❤️".into()])));
        let junk = clean(["👍".into(), " 👍 ".into(), "".into(), "x".repeat(100)]);
        assert_eq!(junk, vec!["👍".to_string()]);
        assert_eq!(clean((0..50).map(|i| i.to_string())).len(), MAX_PER_SENDER);
        // Removing all reactions is an empty set, not nothing.
        assert_eq!(of(&reactions(&to, "m1", &[])), Some(("m1".into(), vec![])));
    }

    #[test]
    fn malformed_reactions_are_ignored() {
        for xml in [
            "<message xmlns='jabber:client'><reactions xmlns='urn:xmpp:reactions:0'/></message>",
            "<message xmlns='jabber:client'><reactions xmlns='urn:xmpp:reactions:0' id=''/></message>",
            "<message xmlns='jabber:client'><reactions xmlns='urn:xmpp:other' id='m1'/></message>",
        ] {
            assert_eq!(of(&message(xml)), None, "{xml}");
        }
        let junk = message(
            "<message xmlns='jabber:client'><reactions xmlns='urn:xmpp:reactions:0' id='m1'>\
             <reaction> </reaction><reaction>👍</reaction><reaction>👍</reaction></reactions></message>",
        );
        assert_eq!(of(&junk), Some(("m1".into(), vec!["👍".into()])));
    }
}
