//! Software version (XEP-0092): which client each of a contact's resources
//! runs, and our own answer.
//!
//! We say "Plausch" and our version, never the operating system (XEP-0092
//! §5 asks for a way to hide it; we simply never send it), and only to
//! people in the roster, our own account and our server (XEP-0092 §5 allows
//! not answering others): a stranger who learned our full JID does not get
//! to know which software to target.

use tokio_xmpp::jid::Jid;
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::iq::Iq;
use tokio_xmpp::parsers::ns;
use tokio_xmpp::parsers::version::{VersionQuery, VersionResult};

use super::{Actor, text};

/// Our name in version answers and caps.
pub const NAME: &str = "Plausch";

/// Our client as others see it, e.g. "Plausch 0.1.0".
pub fn own_client() -> String {
    format!("{NAME} {}", env!("CARGO_PKG_VERSION"))
}

/// The query, for a contact's full JID.
pub fn query() -> Element {
    VersionQuery.into()
}

/// Whether `payload` asks for our version.
pub fn is_query(payload: &Element) -> bool {
    payload.is("query", ns::VERSION)
}

/// Our answer: name and version, no `<os/>`.
pub fn answer(id: &str) -> Iq {
    Iq::from_result(
        id.to_owned(),
        Some(VersionResult {
            name: NAME.to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
            os: None,
        }),
    )
}

/// "Name Version" from an answer (the OS, if sent, is not shown); read
/// leniently and cleaned, it comes from the contact's client.
pub fn client_name(answer: Option<&Element>) -> Option<String> {
    let query = answer.filter(|a| is_query(a))?;
    let part = |name: &str, max: usize| {
        query
            .get_child(name, ns::VERSION)
            .and_then(|e| text::clean(&e.text(), max, false))
    };
    let name = part("name", 64)?;
    Some(match part("version", 32) {
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
        let xml = String::from(&Element::from(answer("v1")));
        assert!(xml.contains("<name>Plausch</name>"), "{xml}");
        assert!(xml.contains(env!("CARGO_PKG_VERSION")), "{xml}");
        assert!(!xml.contains("<os"), "{xml}");
        assert!(client_name(None).is_none());
    }
}
