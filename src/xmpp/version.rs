//! Software version (XEP-0092): asking a contact's client which software
//! it runs, and our own answer.
//!
//! We say "Plausch" and our version, never the operating system (XEP-0092
//! §5 asks for a way to hide it; we simply never send it). Who may ask is
//! the account's decision (`account/version.rs`).

use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::iq::Iq;
use tokio_xmpp::parsers::ns;
use tokio_xmpp::parsers::version::{VersionQuery, VersionResult};

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

/// Name and version from an answer, as the contact's client wrote them
/// (untrusted text: the caller cleans it); the OS is not read. Read
/// leniently: xmpp-parsers' `VersionResult` refuses an answer without
/// `<version/>`, which some clients send.
pub fn name_and_version(answer: Option<&Element>) -> Option<(String, Option<String>)> {
    let query = answer.filter(|a| is_query(a))?;
    let part = |name: &str| query.get_child(name, ns::VERSION).map(Element::text);
    Some((part("name")?, part("version")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_answer_reads_back_without_os() {
        let Iq::Result {
            payload: Some(payload),
            ..
        } = answer("v1")
        else {
            panic!("not a result")
        };
        let got = name_and_version(Some(&payload));
        assert_eq!(
            got,
            Some((NAME.to_owned(), Some(env!("CARGO_PKG_VERSION").to_owned())))
        );
        assert!(!String::from(&payload).contains("<os"));
        assert!(is_query(&query()));
        assert!(own_client().starts_with("Plausch "));
    }

    #[test]
    fn malformed_answers_give_nothing() {
        for (xml, want) in [
            ("<query xmlns='jabber:iq:version'/>", None),
            ("<query xmlns='jabber:iq:last'><name>x</name></query>", None),
            (
                "<query xmlns='jabber:iq:version'><name xmlns='urn:x'>x</name></query>",
                None,
            ),
            (
                "<query xmlns='jabber:iq:version'><name>x</name></query>",
                Some(("x".to_owned(), None)),
            ),
        ] {
            let el: Element = xml.parse().unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(name_and_version(Some(&el)), want, "{xml}");
        }
        assert_eq!(name_and_version(None), None);
    }
}
