//! Our own presence: what the user chose (available, away, do not disturb,
//! extended away, offline) with a status message, automatic away while the
//! user is idle (XEP-0319 `<idle/>`), and our capabilities (XEP-0115).

use chrono::{DateTime, Utc};
use tokio_xmpp::Stanza;
use tokio_xmpp::parsers::idle::Idle;
use tokio_xmpp::parsers::presence::{Presence, Show, Type as PresenceType};
use tokio_xmpp::stanzastream::StanzaStage;

use crate::account::wire::Wire;

use super::Actor;
use crate::api::{Availability, Event, OwnPresence};
use crate::xmpp::caps;

/// At most this many characters of a contact's status message are kept:
/// enough for any real one, while a stranger's 100 KB status would be
/// passed to every front-end with each presence.
pub const MAX_STATUS_CHARS: usize = 500;

/// At most this many online resources (devices) are tracked per address:
/// people have a handful, while anyone can make up thousands of resources.
pub const MAX_RESOURCES: usize = 16;

/// Whether `resource` may be added to (or is already among) `tracked`.
pub fn room_for<V>(tracked: &std::collections::HashMap<String, V>, resource: &str) -> bool {
    tracked.len() < MAX_RESOURCES || tracked.contains_key(resource)
}

/// The status message a presence carries, cleaned and capped.
pub fn status_text(p: &Presence) -> Option<String> {
    p.statuses
        .values()
        .next()
        .and_then(|s| crate::xmpp::text::clean(s, MAX_STATUS_CHARS, true))
}

/// The idle time (XEP-0319) a presence carries, if any.
pub fn idle_since(p: &Presence) -> Option<DateTime<Utc>> {
    p.payloads
        .iter()
        .filter(|e| e.is("idle", tokio_xmpp::parsers::ns::IDLE))
        .find_map(|e| Idle::try_from(e.clone()).ok())
        .map(|i| i.since.0.with_timezone(&Utc))
}

/// The stanza for `own`: unavailable for offline, else available with
/// show, status, priority, caps and idle time.
pub fn stanza(
    own: &OwnPresence,
    priority: i8,
    caps: Option<tokio_xmpp::parsers::caps::Caps>,
) -> Presence {
    let status = own.status.clone().filter(|s| !s.trim().is_empty());
    let with_status = |mut p: Presence| {
        if let Some(s) = &status {
            p.set_status("", s.clone());
        }
        p
    };
    if own.presence == Availability::Offline {
        return with_status(Presence::new(PresenceType::Unavailable));
    }
    let show = match own.presence {
        Availability::Chat => Some(Show::Chat),
        Availability::Away => Some(Show::Away),
        Availability::Xa => Some(Show::Xa),
        Availability::Dnd => Some(Show::Dnd),
        Availability::Available | Availability::Offline => None,
    };
    let mut p = with_status(Presence::available().with_priority(priority));
    p.show = show;
    if let Some(c) = caps {
        p = p.with_payload(c);
    }
    if let Some(since) = own.idle_since {
        p = p.with_payload(Idle {
            since: tokio_xmpp::parsers::date::DateTime(since.fixed_offset()),
        });
    }
    p
}

impl Actor {
    /// Our presence, as chosen, with our capabilities.
    pub(super) async fn send_presence(&mut self, stream: &Wire) {
        let p = stanza(
            &self.own_presence,
            self.priority,
            caps::own_caps(self.offer()),
        );
        self.send(stream, Stanza::Presence(p)).await;
    }

    /// Before the stream is closed: an explicit unavailable presence. Our
    /// server records the time of that one (not of a closed stream) as our
    /// last activity (XEP-0012) for contacts who ask it.
    pub(super) async fn say_goodbye(&mut self, stream: &Wire) {
        let bye = Presence::new(PresenceType::Unavailable);
        if let Some(mut token) = self.send(stream, Stanza::Presence(bye)).await {
            let written = token.wait_for(StanzaStage::Sent);
            let _ = tokio::time::timeout(std::time::Duration::from_secs(1), written).await;
        }
    }

    /// Presence of our other devices (the server sends it to each of our
    /// resources, this one included): kept for our own profile (resources
    /// and their clients), not announced.
    pub(super) async fn on_own_device_presence(&mut self, p: &Presence, stream: &Wire) {
        if p.from.as_ref().is_some_and(|f| f.as_str() == self.full_jid) {
            return;
        }
        self.observe_caps(p, stream).await;
        self.presence.apply(p);
    }

    /// The user (or auto-away) chose a presence; sent at once if online,
    /// else with the next session.
    pub(super) async fn set_presence(&mut self, own: OwnPresence, stream: Option<&Wire>) {
        self.own_presence = own;
        self.emit(Event::OwnPresence {
            account: self.id.clone(),
            presence: self.own_presence.presence,
            status: self.own_presence.status.clone(),
            idle_since: self.own_presence.idle_since,
        });
        if let Some(stream) = stream {
            self.send_presence(stream).await;
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_huge_status_is_capped_and_cleaned() {
        let mut p = Presence::available();
        p.set_status("", format!("\u{202E}hi\u{0007} {}", "x".repeat(100_000)));
        let s = super::status_text(&p).unwrap();
        assert_eq!(s.chars().count(), super::MAX_STATUS_CHARS);
        assert!(s.starts_with("hi x"));
        let mut blank = Presence::available();
        blank.set_status("", " \u{200B} ");
        assert_eq!(super::status_text(&blank), None);
    }

    use super::*;

    #[test]
    fn stanzas_for_each_choice() {
        let own = |presence, status: Option<&str>| OwnPresence {
            presence,
            status: status.map(Into::into),
            idle_since: None,
        };
        let away = stanza(&own(Availability::Away, Some("lunch")), 5, None);
        assert_eq!(away.show, Some(Show::Away));
        assert_eq!(away.priority.0, 5);
        assert_eq!(
            away.statuses.values().next().map(String::as_str),
            Some("lunch")
        );
        let off = stanza(&own(Availability::Offline, None), 0, None);
        assert_eq!(off.type_, PresenceType::Unavailable);
        let idle = OwnPresence {
            idle_since: DateTime::from_timestamp(1_700_000_000, 0),
            ..own(Availability::Away, None)
        };
        assert!(
            stanza(&idle, 0, None)
                .payloads
                .iter()
                .any(|p| p.is("idle", "urn:xmpp:idle:1"))
        );
        assert_eq!(
            stanza(&own(Availability::Available, Some("  ")), 0, None)
                .statuses
                .len(),
            0
        );
    }
}
