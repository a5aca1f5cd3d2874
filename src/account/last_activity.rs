//! When a contact was last online: seen by us (their last client went
//! offline while we watched; the idle time it sent, XEP-0319, if any), or
//! told by their server (XEP-0012 Last Activity, asked for a contact who
//! is offline when their details are opened; the query and its answer
//! are in [`xmpp::last_activity`](crate::xmpp::last_activity)).
//!
//! We do not answer last-activity queries to our own full JID: how long the
//! user has been idle is nobody's business unless the user shares it (our
//! presence carries `<idle/>` only while auto-away is on). Such queries get
//! `service-unavailable` like any other unsupported request, and we do not
//! advertise `jabber:iq:last`. (Queries to the bare JID are answered by
//! the user's server, with the time since the last logout.)

use chrono::{DateTime, Utc};
use tokio_xmpp::jid::BareJid;
use tokio_xmpp::parsers::presence::Presence;

use super::Actor;
use crate::api::Problem;

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
    use chrono::Duration;
    use tokio_xmpp::parsers::idle::Idle;
    use tokio_xmpp::parsers::presence::Type as PresenceType;

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default()
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
