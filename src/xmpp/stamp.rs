//! When a message was sent, from its XEP-0203 `<delay/>`: the stamp is set
//! by whoever delayed the message, which may be a stranger. A stamp in the
//! future, from before XMPP existed, or (when not set by an entity we trust
//! for it) long before the message arrived is replaced by the arrival time,
//! so nobody can put a message at the top or the bottom of a conversation.

use chrono::{DateTime, Duration, TimeZone, Utc};
use tokio_xmpp::jid::Jid;
use tokio_xmpp::parsers::delay::Delay;

/// How far back an untrusted stamp may go: a client that queued a message
/// while offline, or a delay some server on the way added.
pub const MAX_UNTRUSTED_DELAY: Duration = Duration::days(30);

/// The time of a message that arrived at `now` with `delay`. `trusted`
/// says whether the entity that set it (its `from`, if named) is one we
/// trust for it: our server for offline delivery and its archive, the room
/// for room history.
pub fn sent_at(
    delay: Option<&Delay>,
    trusted: impl Fn(Option<&Jid>) -> bool,
    now: DateTime<Utc>,
) -> DateTime<Utc> {
    let Some(delay) = delay else {
        return now;
    };
    let stamp = delay.stamp.0.with_timezone(&Utc);
    let vouched = trusted(delay.from.as_ref());
    if plausible(stamp, vouched, now) {
        stamp
    } else {
        tracing::debug!(%stamp, vouched, "implausible delay stamp: arrival time used");
        now
    }
}

/// Whether `by` is the bare domain `domain` (a server or a service).
pub fn is_domain(by: &Jid, domain: &str) -> bool {
    by.node().is_none() && by.resource().is_none() && by.domain().as_str() == domain
}

/// Whether a stamp can be the time a message arriving at `now` was sent.
pub fn plausible(stamp: DateTime<Utc>, vouched: bool, now: DateTime<Utc>) -> bool {
    // Jabber's first server was released in 1999.
    let epoch = Utc.with_ymd_and_hms(1999, 1, 1, 0, 0, 0).single();
    stamp <= now
        && epoch.is_none_or(|e| stamp >= e)
        && (vouched || stamp >= now - MAX_UNTRUSTED_DELAY)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio_xmpp::minidom::Element;

    fn delay(stamp: &str, from: Option<&str>) -> Delay {
        let from = from.map(|f| format!(" from='{f}'")).unwrap_or_default();
        let xml = format!("<delay xmlns='urn:xmpp:delay' stamp='{stamp}'{from}/>");
        Delay::try_from(xml.parse::<Element>().unwrap()).unwrap()
    }

    #[test]
    fn implausible_stamps_become_the_arrival_time() {
        let now = Utc.with_ymd_and_hms(2026, 12, 6, 12, 0, 0).unwrap();
        let server = |j: Option<&Jid>| j.is_some_and(|j| j.as_str() == "example.org");
        let at = |stamp: &str, from: Option<&str>| sent_at(Some(&delay(stamp, from)), server, now);
        let day_ago = Utc.with_ymd_and_hms(2026, 12, 5, 12, 0, 0).unwrap();
        assert_eq!(at("2026-12-05T12:00:00Z", None), day_ago);
        assert_eq!(at("1970-01-01T00:00:00Z", None), now);
        assert_eq!(at("1970-01-01T00:00:00Z", Some("example.org")), now);
        assert_eq!(at("9999-12-31T23:59:59Z", Some("example.org")), now);
        assert_eq!(at("2027-01-01T00:00:00Z", None), now);
        // A year old: only from the server, which held it for us.
        let year_ago = Utc.with_ymd_and_hms(2025, 12, 6, 12, 0, 0).unwrap();
        assert_eq!(at("2025-12-06T12:00:00Z", Some("example.org")), year_ago);
        assert_eq!(
            at("2025-12-06T12:00:00Z", Some("mallory@evil.example")),
            now
        );
        assert_eq!(at("2025-12-06T12:00:00Z", None), now);
        assert_eq!(sent_at(None, server, now), now);
    }
}
