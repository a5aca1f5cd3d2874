//! Managing the roster (RFC 6121): adding, renaming, grouping and removing
//! contacts, presence subscriptions in both directions, and roster
//! versioning so that a login does not fetch an unchanged roster again.

use crate::account::wire::Wire;
use tokio_xmpp::Stanza;
use tokio_xmpp::jid::BareJid;
use tokio_xmpp::parsers::iq::Iq;
use tokio_xmpp::parsers::presence::{Presence, Type as PresenceType};
use tokio_xmpp::parsers::roster::{Ask, Group, Item, Roster, Subscription};

use super::inbound::PendingIq;
use super::requests::Responder;
use super::{Actor, nick};
use crate::api::{Event, Problem};

/// A roster set with one item.
fn roster_set(item: Item) -> Iq {
    Iq::from_set(
        uuid::Uuid::new_v4().to_string(),
        Roster {
            ver: None,
            items: vec![item],
        },
    )
}

fn item(
    jid: BareJid,
    name: Option<String>,
    groups: Vec<String>,
    subscription: Subscription,
) -> Item {
    Item {
        jid,
        name: name.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()),
        subscription,
        ask: Ask::None,
        groups: groups
            .into_iter()
            .map(|g| g.trim().to_owned())
            .filter(|g| !g.is_empty())
            .map(Group)
            .collect(),
        approved: None,
    }
}

/// A presence of `type_` to `to` (subscription handling).
fn subscription(to: &BareJid, type_: PresenceType) -> Presence {
    Presence::new(type_).with_to(to.clone())
}

impl Actor {
    fn contact_jid(&self, jid: &str) -> Option<BareJid> {
        match jid.trim().parse::<BareJid>() {
            Ok(j) if j != self.jid => Some(j),
            Ok(_) => {
                self.error(Problem::OwnAddress, "that is this account itself", None);
                None
            }
            Err(e) => {
                self.error(
                    Problem::InvalidAddress,
                    format!("invalid contact {jid}: {e}"),
                    None,
                );
                None
            }
        }
    }

    /// Adds a contact and asks to see their presence; with `preapprove`
    /// they may see ours without asking (RFC 6121 §3.4).
    pub(super) async fn add_contact(
        &mut self,
        jid: &str,
        name: Option<String>,
        groups: Vec<String>,
        preapprove: bool,
        stream: &Wire,
    ) {
        let Some(jid) = self.contact_jid(jid) else {
            return;
        };
        let set = roster_set(item(jid.clone(), name, groups, Subscription::None));
        self.send_roster_set(set, stream).await;
        let request = crate::xmpp::nick::subscribe(&jid, self.own_nick().as_deref());
        self.send(stream, Stanza::Presence(request)).await;
        if preapprove {
            self.send(
                stream,
                Stanza::Presence(subscription(&jid, PresenceType::Subscribed)),
            )
            .await;
        }
    }

    /// Renames a contact and sets its groups.
    pub(super) async fn update_contact(
        &mut self,
        jid: &str,
        name: Option<String>,
        groups: Vec<String>,
        stream: &Wire,
    ) {
        let Some(jid) = self.contact_jid(jid) else {
            return;
        };
        // The subscription in a roster set is ignored by the server.
        let set = roster_set(item(jid, name, groups, Subscription::None));
        self.send_roster_set(set, stream).await;
    }

    /// Removes a contact; the server cancels both subscriptions.
    pub(super) async fn remove_contact(&mut self, jid: &str, stream: &Wire) {
        let Some(jid) = self.contact_jid(jid) else {
            return;
        };
        let set = roster_set(item(jid, None, vec![], Subscription::Remove));
        self.send_roster_set(set, stream).await;
    }

    async fn send_roster_set(&mut self, set: Iq, stream: &Wire) {
        // The change comes back as a roster push; the answer only matters
        // when it is an error.
        self.request(set, Responder::Account, PendingIq::RosterSet, stream)
            .await;
    }

    /// Accepts or denies someone's request to see our presence. Accepting
    /// also asks for theirs unless we already have it.
    pub(super) async fn answer_subscription(&mut self, jid: &str, accept: bool, stream: &Wire) {
        let Some(jid) = self.contact_jid(jid) else {
            return;
        };
        self.subscription_requests.remove(&jid);
        let answer = if accept {
            PresenceType::Subscribed
        } else {
            PresenceType::Unsubscribed
        };
        self.send(stream, Stanza::Presence(subscription(&jid, answer)))
            .await;
        let ours = self.store.subscription(jid.as_str()).ok().flatten();
        if accept && !matches!(ours.as_deref(), Some("to" | "both")) {
            let request = crate::xmpp::nick::subscribe(&jid, self.own_nick().as_deref());
            self.send(stream, Stanza::Presence(request)).await;
        }
    }

    /// Presence of a subscription type from someone else. Only requests
    /// need the user: they are announced, never accepted by themselves.
    pub(super) fn on_subscription_presence(&mut self, p: &Presence) -> bool {
        if p.type_ != PresenceType::Subscribe {
            return matches!(
                p.type_,
                PresenceType::Subscribed | PresenceType::Unsubscribe | PresenceType::Unsubscribed
            );
        }
        let Some(from) = p.from.as_ref().map(|f| f.to_bare()) else {
            return true;
        };
        if self.is_blocked(&from) {
            return true;
        }
        self.subscription_requests.insert(from.clone());
        // Their nickname, so the user knows who asks (XEP-0172 §4.1); kept
        // for the prompt after a restart too (the server repeats the
        // request without it).
        let sent = nick::of_presence(p);
        if sent.is_some() {
            self.apply_nick(&from, sent.clone());
        }
        let nick = sent.or_else(|| self.store.peer(from.as_str()).ok().and_then(|p| p.nick));
        self.emit(Event::SubscriptionRequest {
            account: self.id.clone(),
            jid: from.to_string(),
            nick,
        });
        true
    }

    /// The roster request of a fresh session: with the stored version, so
    /// an unchanged roster is not sent again (RFC 6121 §2.6).
    pub(super) async fn request_roster(&mut self, stream: &Wire) {
        let id = uuid::Uuid::new_v4().to_string();
        let ver = if self.roster_versioning {
            // An empty version asks for the full roster plus a version.
            Some(
                self.store
                    .roster_version()
                    .ok()
                    .flatten()
                    .unwrap_or_default(),
            )
        } else {
            None
        };
        let iq = Iq::from_get(id, Roster { ver, items: vec![] });
        self.request(iq, Responder::Account, PendingIq::Roster, stream)
            .await;
    }
}
