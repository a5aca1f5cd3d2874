//! Roster (RFC 6121) and contacts' presence: the "best" resource per contact.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use tokio_xmpp::jid::{BareJid, Jid};
use tokio_xmpp::parsers::presence::{Presence, Show, Type as PresenceType};
use tokio_xmpp::parsers::roster::{Item, Subscription};

use crate::api::{Availability, Contact, ResourceInfo};

pub fn subscription_name(s: &Subscription) -> &'static str {
    match s {
        Subscription::None => "none",
        Subscription::From => "from",
        Subscription::To => "to",
        Subscription::Both => "both",
        Subscription::Remove => "remove",
    }
}

pub fn contact_from_item(item: &Item) -> Contact {
    Contact {
        jid: item.jid.to_string(),
        name: item.name.clone().filter(|n| !n.is_empty()),
        subscription: subscription_name(&item.subscription).to_owned(),
        groups: item.groups.iter().map(|g| g.0.clone()).collect(),
        presence: Availability::Offline,
        status: None,
        ..Default::default()
    }
}

#[derive(Debug, Clone, PartialEq)]
struct ResourcePresence {
    availability: Availability,
    priority: i8,
    status: Option<String>,
    idle_since: Option<DateTime<Utc>>,
}

/// What is shown for a contact: their "best" resource's presence.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Shown {
    pub availability: Availability,
    pub status: Option<String>,
    /// Idle since (XEP-0319).
    pub idle_since: Option<DateTime<Utc>>,
}

/// Presence of every contact's online resources, kept only in memory.
#[derive(Debug, Default)]
pub struct PresenceMap {
    by_contact: HashMap<BareJid, HashMap<String, ResourcePresence>>,
}

/// What an available presence shows.
pub fn availability_of(p: &Presence) -> Availability {
    match p.show {
        None => Availability::Available,
        Some(Show::Chat) => Availability::Chat,
        Some(Show::Away) => Availability::Away,
        Some(Show::Xa) => Availability::Xa,
        Some(Show::Dnd) => Availability::Dnd,
    }
}

impl PresenceMap {
    /// Applies an available/unavailable presence; returns the contact's new
    /// best presence if it changed.
    pub fn apply(&mut self, p: &Presence) -> Option<(BareJid, Shown)> {
        let from: &Jid = p.from.as_ref()?;
        let bare = from.to_bare();
        let resource = from
            .resource()
            .map(|r| r.as_str().to_owned())
            .unwrap_or_default();
        let before = self.best(&bare);
        match p.type_ {
            PresenceType::None => {
                let availability = availability_of(p);
                let status = super::presence::status_text(p);
                let idle_since = super::presence::idle_since(p);
                let resources = self.by_contact.entry(bare.clone()).or_default();
                if !super::presence::room_for(resources, &resource) {
                    return None;
                }
                resources.insert(
                    resource,
                    ResourcePresence {
                        availability,
                        priority: p.priority.0,
                        status,
                        idle_since,
                    },
                );
            }
            PresenceType::Unavailable | PresenceType::Error => {
                if let Some(res) = self.by_contact.get_mut(&bare) {
                    res.remove(&resource);
                    if res.is_empty() || resource.is_empty() {
                        self.by_contact.remove(&bare);
                    }
                }
            }
            _ => return None,
        }
        let after = self.best(&bare);
        (after != before).then_some((bare, after))
    }

    /// The presence shown for a contact: highest priority, then most available.
    pub fn best(&self, jid: &BareJid) -> Shown {
        let rank = |a: Availability| match a {
            Availability::Chat => 5,
            Availability::Available => 4,
            Availability::Away => 3,
            Availability::Dnd => 2,
            Availability::Xa => 1,
            Availability::Offline => 0,
        };
        self.by_contact
            .get(jid)
            .and_then(|res| {
                res.values()
                    .max_by_key(|r| (r.priority, rank(r.availability)))
                    .map(|r| Shown {
                        availability: r.availability,
                        status: r.status.clone(),
                        idle_since: r.idle_since,
                    })
            })
            .unwrap_or_default()
    }

    /// A contact's online resources, highest priority first (without client
    /// names: the caps and version answers know those).
    pub fn resources(&self, jid: &BareJid) -> Vec<ResourceInfo> {
        let mut list: Vec<ResourceInfo> = self
            .by_contact
            .get(jid)
            .into_iter()
            .flatten()
            .map(|(resource, p)| ResourceInfo {
                resource: resource.clone(),
                presence: p.availability,
                priority: p.priority,
                status: p.status.clone(),
                client: None,
            })
            .collect();
        list.sort_by(|a, b| (b.priority, &a.resource).cmp(&(a.priority, &b.resource)));
        list
    }

    /// Forgets everything, e.g. when the connection is lost.
    pub fn clear(&mut self) {
        self.by_contact.clear();
    }

    /// Fills in presence of stored contacts.
    pub fn decorate(&self, contacts: &mut [Contact]) {
        for c in contacts {
            if let Ok(jid) = c.jid.parse::<BareJid>() {
                let shown = self.best(&jid);
                (c.presence, c.status) = (shown.availability, shown.status);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn presence(from: &str, ty: PresenceType, show: Option<Show>, prio: i8) -> Presence {
        let mut p = Presence::new(ty);
        p.from = from.parse().ok();
        p.show = show;
        p.priority.0 = prio;
        p
    }

    #[test]
    fn at_most_max_resources_are_tracked_per_address() {
        let mut m = PresenceMap::default();
        let eve: BareJid = "eve@x.org".parse().unwrap_or_else(|_| unreachable!());
        for i in 0..1000 {
            m.apply(&presence(
                &format!("eve@x.org/r{i}"),
                PresenceType::None,
                None,
                0,
            ));
        }
        assert_eq!(
            m.resources(&eve).len(),
            super::super::presence::MAX_RESOURCES
        );
        // A tracked one still updates.
        m.apply(&presence(
            "eve@x.org/r0",
            PresenceType::None,
            Some(Show::Dnd),
            9,
        ));
        assert_eq!(m.best(&eve).availability, Availability::Dnd);
    }

    #[test]
    fn best_resource_wins_and_offline_when_all_gone() {
        let mut m = PresenceMap::default();
        let bob: BareJid = "bob@x.org".parse().unwrap_or_else(|_| unreachable!());
        m.apply(&presence(
            "bob@x.org/a",
            PresenceType::None,
            Some(Show::Away),
            0,
        ));
        m.apply(&presence("bob@x.org/b", PresenceType::None, None, 5));
        assert_eq!(m.best(&bob).availability, Availability::Available);
        let names: Vec<_> = m.resources(&bob).into_iter().map(|r| r.resource).collect();
        assert_eq!(names, ["b", "a"], "highest priority first");
        m.apply(&presence("bob@x.org/b", PresenceType::Unavailable, None, 0));
        assert_eq!(m.best(&bob).availability, Availability::Away);
        let change = m.apply(&presence("bob@x.org/a", PresenceType::Unavailable, None, 0));
        assert_eq!(
            change.map(|c| c.1.availability),
            Some(Availability::Offline)
        );
    }
}
