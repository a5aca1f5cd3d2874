//! Last Activity (XEP-0012): asking a contact's server how long ago the
//! contact was last online, and reading its answer.

use chrono::{DateTime, Duration, Utc};
use tokio_xmpp::minidom::Element;

/// The XEP-0012 namespace.
pub const NS: &str = "jabber:iq:last";

/// Answers further back than this are nonsense (no XMPP account is older).
const MAX_SECONDS: u64 = 60 * 365 * 86_400;

/// The query, for a contact's bare JID.
pub fn query() -> Element {
    Element::bare("query", NS)
}

/// When the contact was last online, from the answer to [`query`].
pub fn seen_at(answer: Option<&Element>, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let seconds: u64 = answer
        .filter(|q| q.is("query", NS))?
        .attr("seconds")?
        .trim()
        .parse()
        .ok()?;
    // Prosody answers 0 when it has no record (e.g. since its restart); a
    // contact that really left this second was seen going by us anyway.
    if seconds == 0 || seconds > MAX_SECONDS {
        return None;
    }
    now.checked_sub_signed(Duration::seconds(i64::try_from(seconds).ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default()
    }

    #[test]
    fn seconds_of_an_answer() {
        let at = |secs: i64| Some(now() - Duration::seconds(secs));
        let cases: &[(&str, Option<DateTime<Utc>>)] = &[
            ("<query xmlns='jabber:iq:last' seconds='903'/>", at(903)),
            (
                "<query xmlns='jabber:iq:last' seconds='903'>Gone fishing</query>",
                at(903),
            ),
            ("<query xmlns='jabber:iq:last' seconds='0'/>", None),
            ("<query xmlns='jabber:iq:last' seconds='-5'/>", None),
            ("<query xmlns='jabber:iq:last' seconds='soon'/>", None),
            (
                "<query xmlns='jabber:iq:last' seconds='99999999999999999999'/>",
                None,
            ),
            ("<query xmlns='jabber:iq:last'/>", None),
            ("<query xmlns='jabber:iq:version' seconds='5'/>", None),
        ];
        for (xml, want) in cases {
            let el: Element = xml.parse().unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(seen_at(Some(&el), now()), *want, "{xml}");
        }
        assert_eq!(seen_at(None, now()), None);
    }

    #[test]
    fn the_query_reads_back_and_extremes_give_nothing() {
        let q = query();
        assert!(q.is("query", NS) && q.attr("seconds").is_none());
        // The oldest time there is, and one second more than we accept.
        let el = |secs: u64| -> Element {
            format!("<query xmlns='jabber:iq:last' seconds='{secs}'/>")
                .parse()
                .unwrap_or_else(|e| panic!("{e}"))
        };
        assert_eq!(seen_at(Some(&el(MAX_SECONDS + 1)), now()), None);
        assert!(seen_at(Some(&el(MAX_SECONDS)), now()).is_some());
        assert_eq!(seen_at(Some(&el(u64::MAX)), now()), None);
        assert_eq!(seen_at(Some(&el(5)), DateTime::<Utc>::MIN_UTC), None);
    }
}
