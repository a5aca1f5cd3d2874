//! Nicknames (XEP-0172): the name people choose for themselves, as we keep
//! them (cleaned; the elements are read and built in
//! [`xmpp::nick`](crate::xmpp::nick)), and contacts' changes announced to
//! us (`+notify` in our caps).

use tokio_xmpp::jid::BareJid;
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::presence::Presence;

use super::Actor;
use crate::api::{Event, Problem};
use crate::xmpp::pep::Notification;
use crate::xmpp::{nick, text};

/// Longer nicknames are cut: a name, not a text.
pub const MAX_CHARS: usize = 64;

/// A nickname as we keep and show it (from the network or the user).
pub fn clean(raw: &str) -> Option<String> {
    text::clean(raw, MAX_CHARS, false)
}

/// The nickname in a `<nick/>` element, cleaned; None for anything else
/// or empty.
pub fn from_element(el: &Element) -> Option<String> {
    nick::text_of(el).as_deref().and_then(clean)
}

/// The nickname someone sent along with a presence (a subscription
/// request), cleaned.
pub fn of_presence(p: &Presence) -> Option<String> {
    nick::of_presence(p).as_deref().and_then(clean)
}

impl Actor {
    /// Our own nickname, as last published (by this or another device).
    pub(super) fn own_nick(&self) -> Option<String> {
        self.store.peer(self.jid.as_str()).ok().and_then(|p| p.nick)
    }

    /// Stores `jid`'s nickname; announces it when it changed.
    pub(super) fn apply_nick(&mut self, jid: &BareJid, nick: Option<String>) {
        match self.store.set_nick(jid.as_str(), nick.as_deref()) {
            Ok(true) => self.emit(Event::Nick {
                account: self.id.clone(),
                jid: jid.to_string(),
                nick,
            }),
            Ok(false) => {}
            Err(e) => self.error(Problem::StoreFailed, e.to_string(), None),
        }
    }

    /// A contact (or another device of ours) published or removed a nickname.
    pub(super) fn on_nick_notification(&mut self, owner: &BareJid, n: &Notification) {
        let nick = match n.published.last() {
            Some(payload) => payload.as_ref().and_then(from_element),
            None if n.retracted => None,
            None => return,
        };
        self.apply_nick(owner, nick);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn el(xml: &str) -> Element {
        xml.parse().unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn nicknames_from_elements() {
        let cases: &[(&str, Option<&str>)] = &[
            (
                "<nick xmlns='http://jabber.org/protocol/nick'>Ali</nick>",
                Some("Ali"),
            ),
            ("<nick xmlns='http://jabber.org/protocol/nick'/>", None),
            (
                "<nick xmlns='http://jabber.org/protocol/nick'>  </nick>",
                None,
            ),
            (
                "<nick xmlns='http://jabber.org/protocol/nick'>A&#x9;li&#xA;ce</nick>",
                Some("A li ce"),
            ),
            ("<nick xmlns='other'>Ali</nick>", None),
            (
                "<nick xmlns='http://jabber.org/protocol/nick'><b>x</b>Ali</nick>",
                Some("Ali"),
            ),
        ];
        for (xml, want) in cases {
            assert_eq!(from_element(&el(xml)).as_deref(), *want, "{xml}");
        }
        let huge = format!(
            "<nick xmlns='http://jabber.org/protocol/nick'>{}</nick>",
            "n".repeat(100_000)
        );
        assert_eq!(
            from_element(&el(&huge)).map(|n| n.chars().count()),
            Some(MAX_CHARS)
        );
    }

    #[test]
    fn subscription_requests_carry_the_nick() {
        use tokio_xmpp::parsers::presence::Type as PresenceType;
        let bob: BareJid = "bob@x".parse().unwrap_or_else(|e| panic!("{e}"));
        let p = nick::subscribe(&bob, Some("Ali"));
        assert_eq!(p.type_, PresenceType::Subscribe);
        assert_eq!(of_presence(&p).as_deref(), Some("Ali"));
        assert!(of_presence(&nick::subscribe(&bob, None)).is_none());
        // Cleaned: a nickname is one short line.
        let p = nick::subscribe(&bob, Some(" A\nli "));
        assert_eq!(of_presence(&p).as_deref(), Some("A li"));
    }
}
