//! When a contact was last online: seen by us (their last client went
//! offline while we watched; the idle time it sent, XEP-0319, if any), or
//! told by their server (XEP-0012 Last Activity, asked for a contact who
//! is offline when their details are opened).
//!
//! We do not answer last-activity queries to our own full JID: how long the
//! user has been idle is nobody's business unless the user shares it (our
//! presence carries `<idle/>` only while auto-away is on). Such queries get
//! `service-unavailable` like any other unsupported request, and we do not
//! advertise `jabber:iq:last`. (Queries to the bare JID are answered by
//! the user's server, with the time since the last logout.)

use chrono::{DateTime, Duration, Utc};
use tokio_xmpp::jid::BareJid;
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::presence::Presence;

use super::Actor;
use crate::api::Problem;

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

/// When a contact whose last client just went offline was last active: the
/// idle time that client sent along (XEP-0319), if it is in the past, else now.
pub fn left_at(p: &Presence, now: DateTime<Utc>) -> DateTime<Utc> {
    super::presence::idle_since(p)
        .filter(|since| *since <= now)
        .unwrap_or(now)
}

impl Actor {
    /// A contact's last client went offline (`p`): remember when.
    pub(super) fn note_last_seen(&mut self, jid: &BareJid, p: &Presence) -> Option<DateTime<Utc>> {
        let at = left_at(p, Utc::now());
        self.store_last_seen(jid, at)
    }

    /// Stores when `jid` was last seen; the time, if it was stored.
    pub(super) fn store_last_seen(
        &mut self,
        jid: &BareJid,
        at: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        // As the store keeps it (milliseconds), so events and later reads agree.
        let at = DateTime::from_timestamp_millis(at.timestamp_millis())?;
        match self.store.set_last_seen(jid.as_str(), Some(at)) {
            Ok(_) => Some(at),
            Err(e) => {
                self.error(Problem::StoreFailed, e.to_string(), None);
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio_xmpp::parsers::idle::Idle;
    use tokio_xmpp::parsers::presence::Type as PresenceType;

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
    fn left_at_prefers_a_past_idle_time() {
        let gone = Presence::new(PresenceType::Unavailable);
        assert_eq!(left_at(&gone, now()), now());
        let idle = |since: DateTime<Utc>| {
            gone.clone().with_payload(Idle {
                since: tokio_xmpp::parsers::date::DateTime(since.fixed_offset()),
            })
        };
        let earlier = now() - Duration::minutes(20);
        assert_eq!(left_at(&idle(earlier), now()), earlier);
        let future = now() + Duration::minutes(20);
        assert_eq!(left_at(&idle(future), now()), now());
    }
}
