//! Personal eventing (XEP-0163, PEP over XEP-0060 pubsub): what a user
//! publishes about themselves on their own account — nickname, vCard,
//! avatar — and the notifications their contacts get when it changes.
//!
//! Answers and notifications are read by hand, leniently: a contact's
//! client may publish anything, and one odd element must not make us drop
//! the rest (or, worse, the stanza).

use tokio_xmpp::jid::BareJid;
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::message::Message;
use tokio_xmpp::parsers::ns;

use super::{Actor, nick};

/// One pubsub notification: which node, the payloads published (an item
/// without payload counts as an empty one) and whether items were retracted.
#[derive(Debug, Clone, PartialEq)]
pub struct Notification {
    pub node: String,
    pub published: Vec<Option<Element>>,
    pub retracted: bool,
    /// The `publisher` attributes of the items, where given.
    pub publishers: Vec<String>,
}

/// The pubsub notification in `msg`, if it carries one.
pub fn notification(msg: &Message) -> Option<Notification> {
    let event = msg
        .payloads
        .iter()
        .find(|p| p.is("event", ns::PUBSUB_EVENT))?;
    let items = event.get_child("items", ns::PUBSUB_EVENT);
    let Some(items) = items else {
        // Configuration, delete, purge, subscription: nothing we show.
        return Some(Notification {
            node: String::new(),
            published: vec![],
            retracted: false,
            publishers: vec![],
        });
    };
    let mut n = Notification {
        node: items.attr("node").unwrap_or_default().to_owned(),
        published: vec![],
        retracted: false,
        publishers: vec![],
    };
    for child in items.children() {
        if child.is("item", ns::PUBSUB_EVENT) {
            n.published.push(child.children().next().cloned());
            if let Some(p) = child.attr("publisher") {
                n.publishers.push(p.to_owned());
            }
        } else if child.is("retract", ns::PUBSUB_EVENT) {
            n.retracted = true;
        }
    }
    Some(n)
}

impl Actor {
    /// A pubsub notification: returns false if `msg` is none (it goes on
    /// through the message pipeline), true when it was one (handled or
    /// ignored). Only PEP notifications count: they come from the bare JID
    /// of the account that published them (servers stamp whatever a client
    /// sends with its full JID, so a bare `from` cannot be forged by another
    /// user of the server).
    pub(super) fn on_pep_notification(&mut self, msg: &Message) -> bool {
        let Some(n) = notification(msg) else {
            return false;
        };
        let Some(from) = msg.from.as_ref() else {
            return true;
        };
        let owner: BareJid = match from.try_as_full() {
            Err(bare) => bare.clone(),
            Ok(full) => {
                tracing::debug!(account = %self.id, %full, "pubsub notification from a full JID ignored");
                return true;
            }
        };
        if self.is_blocked(&owner) {
            return true;
        }
        // In PEP only the owner publishes; a different publisher is bogus.
        let foreign = n.publishers.iter().any(|p| {
            p.parse::<tokio_xmpp::jid::Jid>()
                .map_or(true, |j| j.to_bare() != owner)
        });
        if foreign {
            tracing::info!(account = %self.id, %owner, "pubsub item of someone else ignored");
            return true;
        }
        match n.node.as_str() {
            nick::NODE => self.on_nick_notification(&owner, &n),
            other => {
                tracing::debug!(account = %self.id, node = other, "pubsub notification ignored")
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(xml: &str) -> Message {
        let el: Element = xml.parse().unwrap_or_else(|e| panic!("{e}"));
        Message::try_from(el).unwrap_or_else(|e| panic!("{e:?}"))
    }

    #[test]
    fn reads_notifications_leniently() {
        let m = message(
            "<message xmlns='jabber:client' from='alice@x' type='headline'>\
             <event xmlns='http://jabber.org/protocol/pubsub#event'>\
             <items node='http://jabber.org/protocol/nick'>\
             <item id='a' publisher='alice@x'><nick xmlns='http://jabber.org/protocol/nick'>Ali</nick></item>\
             <item id='b'/><retract id='c'/></items></event></message>",
        );
        let n = notification(&m).unwrap_or_else(|| panic!("a notification"));
        assert_eq!(n.node, nick::NODE);
        assert_eq!(n.published.len(), 2);
        assert!(n.published[0].is_some() && n.published[1].is_none());
        assert!(n.retracted);
        assert_eq!(n.publishers, vec!["alice@x".to_owned()]);
        let plain =
            message("<message xmlns='jabber:client' from='alice@x'><body>hi</body></message>");
        assert!(notification(&plain).is_none());
        let purge = message(
            "<message xmlns='jabber:client' from='alice@x'>\
             <event xmlns='http://jabber.org/protocol/pubsub#event'><purge node='n'/></event></message>",
        );
        assert_eq!(notification(&purge).map(|n| n.node), Some(String::new()));
    }
}
