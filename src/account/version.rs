//! Software version (XEP-0092): which client each of a contact's resources
//! runs (read in [`xmpp::version`](crate::xmpp::version), cleaned here),
//! and who gets our answer: only people in the roster, our own account and
//! our server (XEP-0092 §5 allows not answering others): a stranger who
//! learned our full JID does not get to know which software to target.

use tokio_xmpp::jid::Jid;
use tokio_xmpp::minidom::Element;

use super::Actor;
use crate::xmpp::{text, version};

/// "Name Version" from an answer (the OS, if sent, is not shown); read
/// leniently and cleaned, it comes from the contact's client.
pub fn client_name(answer: Option<&Element>) -> Option<String> {
    let (name, version) = version::name_and_version(answer)?;
    let name = text::clean(&name, 64, false)?;
    Some(match version.and_then(|v| text::clean(&v, 32, false)) {
        Some(version) => format!("{name} {version}"),
        None => name,
    })
}

impl Actor {
    /// Whether `from` may learn which client we run: roster contacts, our
    /// own account and our server.
    pub(super) fn may_ask_version(&self, from: Option<&Jid>) -> bool {
        let Some(from) = from else {
            return true;
        };
        let bare = from.to_bare();
        bare == self.jid
            || self.is_own_server(Some(from))
            || self.store.is_contact(bare.as_str()).unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_answers() {
        let cases: &[(&str, Option<&str>)] = &[
            (
                "<query xmlns='jabber:iq:version'><name>Gajim</name><version>1.9</version><os>Linux</os></query>",
                Some("Gajim 1.9"),
            ),
            (
                "<query xmlns='jabber:iq:version'><name>Dino</name></query>",
                Some("Dino"),
            ),
            (
                "<query xmlns='jabber:iq:version'><name> </name><version>1</version></query>",
                None,
            ),
            (
                "<query xmlns='jabber:iq:version'><name>Evil\u{202E}\u{85}</name><version>1\n2</version></query>",
                Some("Evil 1 2"),
            ),
            ("<query xmlns='jabber:iq:last'><name>x</name></query>", None),
        ];
        for (xml, want) in cases {
            let el: Element = xml.parse().unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(client_name(Some(&el)).as_deref(), *want, "{xml}");
        }
    }

    #[test]
    fn our_answer_has_no_os() {
        let xml = String::from(&Element::from(version::answer("v1")));
        assert!(xml.contains("<name>Plausch</name>"), "{xml}");
        assert!(xml.contains(env!("CARGO_PKG_VERSION")), "{xml}");
        assert!(!xml.contains("<os"), "{xml}");
        assert!(client_name(None).is_none());
    }
}
