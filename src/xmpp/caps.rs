//! Entity capabilities (XEP-0115) and service discovery (XEP-0030): what
//! we tell others about our client, reading the caps a presence announces,
//! and checking that a client's feature list hashes to what it announced
//! (so nobody can poison a cache shared by everyone with the same hash).
//! Which clients have which features is the account's state
//! (`account/caps.rs`).

use std::collections::BTreeSet;

use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::caps::{self, Caps};
use tokio_xmpp::parsers::disco::{DiscoInfoQuery, DiscoInfoResult, Identity};
use tokio_xmpp::parsers::hashes::Algo;
use tokio_xmpp::parsers::iq::Iq;
use tokio_xmpp::parsers::ns;
use tokio_xmpp::parsers::presence::Presence;

use super::{markers, muc, pep, replies, retraction, version};

/// Our caps node (XEP-0115 §4: a URI identifying the software).
pub const NODE: &str = "https://plausch.org";

/// Which optional features this account offers, from its privacy switches:
/// we only advertise what we will really answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Offer {
    pub receipts: bool,
    pub typing: bool,
    pub read_markers: bool,
    /// OMEMO is on: we follow device lists (ours and contacts').
    pub omemo: bool,
}

#[cfg(test)]
impl Offer {
    /// Test fixtures: typing and read markers on, receipts as given (the
    /// switch whose change the tests follow).
    pub(crate) fn receipts(receipts: bool) -> Offer {
        Offer {
            receipts,
            typing: true,
            read_markers: true,
            omemo: true,
        }
    }
}

/// Our disco#info answer.
pub fn own_disco(offer: Offer, node: Option<String>) -> DiscoInfoResult {
    let mut features: BTreeSet<String> = [
        ns::DISCO_INFO,
        ns::CAPS,
        ns::PING,
        ns::MESSAGE_CORRECT,
        ns::REACTIONS,
        ns::VERSION,
        replies::NS,
        retraction::NS,
        // Group chats and direct invitations (XEP-0249).
        ns::MUC,
        muc::CONFERENCE,
        // Files directly from other clients (XEP-0234), in-band (XEP-0261).
        crate::xmpp::jingle_ft::NS_JINGLE,
        crate::xmpp::jingle_ft::NS,
        crate::xmpp::jingle_ft::NS_IBB,
        crate::xmpp::jingle_s5b::NS,
        crate::xmpp::ibb::NS,
    ]
    .into_iter()
    .map(str::to_owned)
    .chain(
        [
            // Contacts' nickname changes are pushed to us (XEP-0163 §4.2).
            ns::NICK,
            // Contacts' avatar metadata (and ours, from other devices); we
            // fetch the data only when needed.
            ns::AVATAR_METADATA,
            // Our bookmarks changed on other devices (XEP-0402).
            ns::BOOKMARKS2,
            // Our read positions changed on other devices (XEP-0490).
            crate::xmpp::mds::NODE,
        ]
        .map(pep::notify),
    )
    .collect();
    if offer.omemo {
        // Device lists of both OMEMO variants, ours (other devices of
        // ours) and contacts' (XEP-0384 §5.1).
        for version in crate::xmpp::omemo::Version::ALL {
            features.insert(pep::notify(version.devices_node()));
        }
    }
    for (on, feature) in [
        (offer.receipts, ns::RECEIPTS),
        (offer.typing, ns::CHATSTATES),
        (offer.read_markers, markers::NS),
    ] {
        if on {
            features.insert(feature.to_owned());
        }
    }
    DiscoInfoResult {
        node,
        identities: vec![Identity::new("client", "pc", "en", version::NAME)],
        features,
        extensions: vec![],
    }
}

/// Our `<c/>` for presence.
pub fn own_caps(offer: Offer) -> Option<Caps> {
    let hash = caps::hash_caps(&caps::compute_disco(&own_disco(offer, None)), Algo::Sha_1).ok()?;
    Some(Caps::new(NODE, hash))
}

/// Our answer to a disco#info request, or None if it is not one.
pub fn answer(offer: Offer, id: &str, payload: &Element) -> Option<Iq> {
    let query = DiscoInfoQuery::try_from(payload.clone()).ok()?;
    Some(Iq::from_result(
        id.to_owned(),
        Some(own_disco(offer, query.node)),
    ))
}

/// The caps a presence announces, if any, and the disco node they name
/// (`node#ver`) for asking the client its features.
pub fn announced(presence: &Presence) -> Option<(Caps, String)> {
    let caps = presence
        .payloads
        .iter()
        .filter(|p| p.is("c", ns::CAPS))
        .find_map(|p| Caps::try_from(p.clone()).ok())?;
    let node = caps::query_caps(caps.clone()).node?;
    Some((caps, node))
}

/// Whether `info` hashes to `announced` (the legacy SHA-1 of XEP-0115
/// §5.1, the only one clients send and we check).
pub fn matches(info: &DiscoInfoResult, announced: &[u8]) -> bool {
    caps::hash_caps(&caps::compute_disco(info), Algo::Sha_1).is_ok_and(|h| h.hash == announced)
}

/// The name of a client identity in `info`, as the client wrote it.
pub fn client_identity(info: &DiscoInfoResult) -> Option<&str> {
    info.identities
        .iter()
        .filter(|i| i.category == "client")
        .find_map(|i| i.name.as_deref())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offer(receipts: bool) -> Offer {
        Offer::receipts(receipts)
    }

    #[test]
    fn we_offer_version_and_ask_for_nick_and_avatar_notifications() {
        let info = own_disco(offer(false), None);
        assert!(info.features.contains(ns::VERSION));
        assert!(
            info.features
                .contains("http://jabber.org/protocol/nick+notify")
        );
        assert!(info.features.contains("urn:xmpp:avatar:metadata+notify"));
        assert!(info.features.contains("urn:xmpp:omemo:2:devices+notify"));
        assert!(
            info.features
                .contains("eu.siacs.conversations.axolotl.devicelist+notify")
        );
        let without = Offer {
            omemo: false,
            ..offer(false)
        };
        assert!(
            !own_disco(without, None)
                .features
                .contains("urn:xmpp:omemo:2:devices+notify")
        );
        // The announced hash is the one a contact computes from our answer.
        let announced = own_caps(offer(false)).map(|c| c.ver);
        let computed = caps::hash_caps(&caps::compute_disco(&info), Algo::Sha_1)
            .ok()
            .map(|h| h.hash);
        assert!(announced.is_some());
        assert_eq!(announced, computed);
    }

    #[test]
    fn caps_change_with_the_switches() {
        assert_ne!(
            own_caps(offer(true)).map(|c| c.ver),
            own_caps(offer(false)).map(|c| c.ver)
        );
    }

    #[test]
    fn we_ask_for_bookmark_notifications_and_offer_what_we_answer() {
        let info = own_disco(offer(true), None);
        assert!(info.features.contains("urn:xmpp:bookmarks:1+notify"));
        // Read positions from our other devices (XEP-0490), whatever the
        // read-marker switch says: only our own devices can publish them.
        assert!(info.features.contains("urn:xmpp:mds:displayed:0+notify"));
        assert!(info.features.contains(ns::RECEIPTS));
        assert!(
            !own_disco(offer(false), None)
                .features
                .contains(ns::RECEIPTS)
        );
        assert_eq!(client_identity(&info), Some(version::NAME));
    }

    #[test]
    fn announced_caps_and_the_hash_check() {
        let ours = own_caps(offer(false)).unwrap_or_else(|| panic!("caps"));
        let p = Presence::available().with_payload(ours.clone());
        let (caps, node) = announced(&p).unwrap_or_else(|| panic!("announced"));
        assert_eq!(
            (caps.node.as_str(), &caps.ver),
            (ours.node.as_str(), &ours.ver)
        );
        assert!(node.starts_with(NODE) && node.contains('#'), "{node}");
        assert!(matches(&own_disco(offer(false), None), &caps.ver));
        // Another feature list, or a made-up hash, does not match.
        assert!(!matches(&own_disco(offer(true), None), &caps.ver));
        assert!(!matches(&own_disco(offer(false), None), b"junk"));
    }

    #[test]
    fn malformed_caps_and_queries_give_nothing() {
        for xml in [
            // No ver, no hash, another namespace.
            "<presence xmlns='jabber:client'><c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='n'/></presence>",
            "<presence xmlns='jabber:client'><c xmlns='http://jabber.org/protocol/caps' node='n' ver='x'/></presence>",
            "<presence xmlns='jabber:client'><c xmlns='urn:other' hash='sha-1' node='n' ver='x'/></presence>",
            "<presence xmlns='jabber:client'/>",
        ] {
            let el: Element = xml.parse().unwrap_or_else(|e| panic!("{e}"));
            let p = Presence::try_from(el).unwrap_or_else(|e| panic!("{e}"));
            assert!(announced(&p).is_none(), "{xml}");
        }
        let other: Element = "<query xmlns='jabber:iq:version'/>"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(answer(offer(true), "d1", &other).is_none());
        let query: Element = "<query xmlns='http://jabber.org/protocol/disco#info' node='n#v'/>"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
        let Some(Iq::Result {
            payload: Some(payload),
            ..
        }) = answer(offer(true), "d2", &query)
        else {
            panic!("no answer")
        };
        let info = DiscoInfoResult::try_from(payload).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(info.node.as_deref(), Some("n#v"));
    }
}
