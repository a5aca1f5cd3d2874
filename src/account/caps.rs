//! What our contacts' clients can do (XEP-0030 service discovery with
//! XEP-0115 entity capabilities; what we tell them about ours, reading
//! caps and the hash check are in [`xmpp::caps`](crate::xmpp::caps)).
//!
//! Presence carries a hash of the client's feature list; we ask one client
//! per unknown hash for the list, check that it really hashes to the
//! announced value (so nobody can poison the cache for others) and keep it
//! for the session. Features decide e.g. whether we ask for receipts.

use std::collections::{HashMap, HashSet};

use tokio_xmpp::jid::BareJid;
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::disco::{DiscoInfoQuery, DiscoInfoResult};
use tokio_xmpp::parsers::hashes::Algo;
use tokio_xmpp::parsers::iq::Iq;
use tokio_xmpp::parsers::presence::{Presence, Type as PresenceType};

use crate::xmpp::caps;

/// What a verified disco#info answer told about a client.
#[derive(Debug, Default)]
struct Known {
    features: HashSet<String>,
    /// The name of its client identity (for the contact details when the
    /// client does not answer version requests).
    name: Option<String>,
}

/// At most this many disco#info requests are open at once; a contact whose
/// clients announce new caps faster than they answer waits for the next
/// presence.
pub const MAX_PENDING: usize = 32;
/// At most this many verified feature lists are kept (a few dozen clients
/// and versions exist; a hostile contact could make up any number).
pub const MAX_KNOWN: usize = 1000;

/// Feature lists by caps hash, and which hash each online resource has.
#[derive(Debug, Default)]
pub struct CapsBook {
    /// Verified feature lists, by (node, ver) as in the disco request node.
    known: HashMap<String, Known>,
    /// Online resources per contact and their caps node#ver, if they sent one.
    resources: HashMap<BareJid, HashMap<String, Option<String>>>,
    /// Open disco#info requests: IQ id → (node#ver, announced hash).
    pending: HashMap<String, (String, Vec<u8>)>,
}

impl CapsBook {
    /// Forgets who is online (a new session gets all presences again); the
    /// verified feature lists stay.
    pub fn clear_presence(&mut self) {
        self.resources.clear();
        self.pending.clear();
    }

    /// Notes a contact's presence; returns a disco#info request to send when
    /// it announces caps nobody has told us about yet.
    pub fn observe(&mut self, presence: &Presence) -> Option<Iq> {
        let from = presence.from.as_ref()?;
        // Caps belong to a client, i.e. a full JID.
        let resource = from.resource()?.as_str().to_owned();
        let contact = from.to_bare();
        if presence.type_ == PresenceType::Unavailable {
            if let Some(online) = self.resources.get_mut(&contact) {
                online.remove(&resource);
                if online.is_empty() {
                    self.resources.remove(&contact);
                }
            }
            return None;
        }
        if presence.type_ != PresenceType::None {
            return None;
        }
        let (caps, node) = caps::announced(presence).unzip();
        let online = self.resources.entry(contact).or_default();
        if !super::presence::room_for(online, &resource) {
            return None;
        }
        online.insert(resource, node.clone());
        let (Some(caps), Some(node)) = (caps, node) else {
            return None;
        };
        // Only the legacy hash we can check; others stay unknown.
        if caps.hash != Algo::Sha_1
            || self.known.contains_key(&node)
            || self.known.len() >= MAX_KNOWN
            || self.pending.len() >= MAX_PENDING
            || self.pending.values().any(|(n, _)| *n == node)
        {
            return None;
        }
        let id = uuid::Uuid::new_v4().to_string();
        self.pending.insert(id.clone(), (node.clone(), caps.ver));
        Some(Iq::from_get(id, DiscoInfoQuery { node: Some(node) }).with_to(from.clone()))
    }

    /// The answer to request `id`: kept if it hashes to the announced value.
    pub fn on_result(&mut self, id: &str, payload: Option<Element>) {
        let Some((node, announced)) = self.pending.remove(id) else {
            return;
        };
        let Some(Ok(info)) = payload.map(DiscoInfoResult::try_from) else {
            return;
        };
        if !caps::matches(&info, &announced) {
            tracing::info!(node, "disco#info does not match its caps hash; ignored");
            return;
        }
        let name =
            caps::client_identity(&info).and_then(|n| crate::xmpp::text::clean(n, 64, false));
        let features = info.features.into_iter().collect();
        self.known.insert(node, Known { features, name });
    }

    /// The client name a resource's verified caps announce, if known.
    pub fn client_name(&self, contact: &BareJid, resource: &str) -> Option<String> {
        let node = self.resources.get(contact)?.get(resource)?.as_ref()?;
        self.known.get(node)?.name.clone()
    }

    /// The contact's online resources whose verified caps include every
    /// one of `features` (a definite yes, unlike `may_support`).
    pub fn resources_with(&self, contact: &BareJid, features: &[&str]) -> Vec<String> {
        self.resources
            .get(contact)
            .into_iter()
            .flatten()
            .filter(|(_, node)| {
                node.as_ref()
                    .and_then(|n| self.known.get(n))
                    .is_some_and(|k| features.iter().all(|f| k.features.contains(*f)))
            })
            .map(|(resource, _)| resource.clone())
            .collect()
    }

    /// Whether the contact's clients may understand `feature`: yes when any
    /// online resource has it or is unknown (no caps, not answered yet), and
    /// when none is online (a client that comes later may). No only when
    /// every online client told us it lacks the feature.
    pub fn may_support(&self, contact: &BareJid, feature: &str) -> bool {
        let Some(online) = self.resources.get(contact) else {
            return true;
        };
        online
            .values()
            .any(|node| match node.as_ref().and_then(|n| self.known.get(n)) {
                Some(known) => known.features.contains(feature),
                None => true,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xmpp::caps::{Offer, own_caps, own_disco};
    use tokio_xmpp::jid::Jid;
    use tokio_xmpp::parsers::caps::Caps;
    use tokio_xmpp::parsers::ns;

    fn presence(from: &str, caps: Option<Caps>) -> Presence {
        let mut p = Presence::available().with_from(from.parse::<Jid>().unwrap());
        if let Some(c) = caps {
            p = p.with_payload(c);
        }
        p
    }

    fn offer(receipts: bool) -> Offer {
        Offer::receipts(receipts)
    }

    #[test]
    fn learns_features_only_from_a_matching_answer() {
        let bob: BareJid = "bob@x".parse().unwrap();
        let mut book = CapsBook::default();
        assert!(book.may_support(&bob, ns::RECEIPTS), "offline: unknown");
        let without = own_caps(offer(false)).unwrap();
        let iq = book.observe(&presence("bob@x/pc", Some(without))).unwrap();
        assert!(book.may_support(&bob, ns::RECEIPTS), "not answered yet");
        // A forged answer (features that do not hash to the ver) is ignored.
        book.on_result(iq.id(), Some(own_disco(offer(true), None).into()));
        assert!(book.may_support(&bob, ns::RECEIPTS));
        // Ask again after the next presence, answer truthfully.
        let iq = book
            .observe(&presence("bob@x/pc", own_caps(offer(false))))
            .unwrap();
        book.on_result(iq.id(), Some(own_disco(offer(false), None).into()));
        assert!(!book.may_support(&bob, ns::RECEIPTS));
        assert!(book.may_support(&bob, ns::REACTIONS));
        assert_eq!(book.client_name(&bob, "pc").as_deref(), Some("Plausch"));
        assert_eq!(book.client_name(&bob, "phone"), None);
        // A second client with receipts, or without caps: ask again.
        book.observe(&presence("bob@x/phone", None));
        assert!(book.may_support(&bob, ns::RECEIPTS));
        book.observe(
            &Presence::new(PresenceType::Unavailable)
                .with_from("bob@x/phone".parse::<Jid>().unwrap()),
        );
        assert!(!book.may_support(&bob, ns::RECEIPTS));
        // The same hash from someone else needs no new request.
        assert!(
            book.observe(&presence("carol@x/pc", own_caps(offer(false))))
                .is_none()
        );
    }

    #[test]
    fn open_requests_and_resources_are_capped() {
        let mut book = CapsBook::default();
        let made_up = |from: String, i: usize| {
            let mut c = own_caps(offer(false)).unwrap();
            c.ver = format!("v{i}").into_bytes();
            presence(&from, Some(c))
        };
        let asked = (0..100)
            .filter(|&i| book.observe(&made_up(format!("m{i}@x/r"), i)).is_some())
            .count();
        assert_eq!(asked, MAX_PENDING);
        for i in 0..100 {
            book.observe(&made_up(format!("mallory@x/r{i}"), i));
        }
        let mallory: BareJid = "mallory@x".parse().unwrap();
        assert_eq!(
            book.resources[&mallory].len(),
            super::super::presence::MAX_RESOURCES
        );
    }
}
