//! User nicknames (XEP-0172): the name people choose for themselves,
//! published on their PEP node and sent along with subscription requests.
//! Read as the sender wrote it: the account cleans it (`account/nick.rs`).

use tokio_xmpp::jid::BareJid;
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::ns;
use tokio_xmpp::parsers::presence::{Presence, Type as PresenceType};
use tokio_xmpp::parsers::pubsub::PubSub;

use super::pep;

/// The PEP node (and namespace) of nicknames.
pub const NODE: &str = ns::NICK;

/// The text of a `<nick/>` element, raw; None for any other element.
pub fn text_of(el: &Element) -> Option<String> {
    el.is("nick", NODE).then(|| el.text())
}

/// The raw nickname someone sent along with a presence (a subscription
/// request).
pub fn of_presence(p: &Presence) -> Option<String> {
    p.payloads.iter().find_map(text_of)
}

/// `<nick/>` with our nickname; an empty one says we have none.
pub fn element(nick: Option<&str>) -> Element {
    let mut el = Element::bare("nick", NODE);
    if let Some(n) = nick {
        el.append_text(n);
    }
    el
}

/// Publishes our nickname (None: the empty element that removes it).
pub fn publish(nick: Option<&str>) -> PubSub {
    // The node keeps the server's default access model (on Prosody:
    // contacts only); the nickname is also in our subscription requests.
    pep::publish(NODE, Some("current"), element(nick), None)
}

/// A subscription request to `to`, with our nickname so they know who asks
/// (XEP-0172 §4.1).
pub fn subscribe(to: &BareJid, nick: Option<&str>) -> Presence {
    let mut p = Presence::new(PresenceType::Subscribe).with_to(to.clone());
    if let Some(n) = nick {
        p.payloads.push(element(Some(n)));
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xmpp::util::testing::el;

    #[test]
    fn round_trips() {
        let bob: BareJid = "bob@x".parse().unwrap_or_else(|e| panic!("{e}"));
        let p = subscribe(&bob, Some("Ali"));
        let back = Presence::try_from(Element::from(p)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back.type_, PresenceType::Subscribe);
        assert_eq!(of_presence(&back).as_deref(), Some("Ali"));
        assert_eq!(of_presence(&subscribe(&bob, None)), None);
        let published = Element::from(publish(Some("Ali")));
        let item = published
            .get_child("publish", ns::PUBSUB)
            .and_then(|p| p.get_child("item", ns::PUBSUB))
            .and_then(|i| i.get_child("nick", NODE));
        assert_eq!(item.and_then(text_of).as_deref(), Some("Ali"));
        // Removing it publishes an empty one.
        assert_eq!(text_of(&element(None)).as_deref(), Some(""));
    }

    #[test]
    fn other_elements_are_no_nick() {
        for xml in [
            "<nick xmlns='other'>Ali</nick>",
            "<name xmlns='http://jabber.org/protocol/nick'>Ali</name>",
        ] {
            assert_eq!(text_of(&el(xml)), None, "{xml}");
        }
        // Raw: the caller cleans hostile text.
        assert_eq!(
            text_of(&el(
                "<nick xmlns='http://jabber.org/protocol/nick'>A&#xA;li<b>x</b></nick>"
            ))
            .as_deref(),
            Some("A\nli")
        );
    }
}
