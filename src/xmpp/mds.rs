//! Message Displayed Synchronization (XEP-0490): the user's read position
//! per conversation, kept in our own PEP node `urn:xmpp:mds:displayed:0`
//! so that all our devices agree on what is unread.
//!
//! One item per conversation, its id the conversation's bare JID; the
//! payload names the last message displayed by its archive id:
//! `<displayed xmlns='urn:xmpp:mds:displayed:0'><stanza-id
//! xmlns='urn:xmpp:sid:0' id='…' by='…'/></displayed>`, `by` being our own
//! bare JID in a chat (our archive) and the room's in a group chat.
//!
//! Items are read leniently (another client may leave out `by`), but an
//! item whose id is not a bare JID, or whose stanza-id has no id, is
//! dropped; the caller checks `by` against what the conversation is.

use tokio_xmpp::jid::BareJid;
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::message::Message;
use tokio_xmpp::parsers::ns;
use tokio_xmpp::parsers::pubsub::PubSub;
use tokio_xmpp::parsers::pubsub::pubsub::Items;

use super::util::element;

/// The PEP node (and the payload's namespace).
pub const NODE: &str = "urn:xmpp:mds:displayed:0";

/// The node's configuration (XEP-0490 §4): every conversation's item kept,
/// nothing pushed on subscription, only we may read it.
pub const OPTIONS: [(&str, &str); 4] = [
    ("pubsub#persist_items", "true"),
    ("pubsub#max_items", "max"),
    ("pubsub#send_last_published_item", "never"),
    ("pubsub#access_model", "whitelist"),
];

/// Longest stanza-id accepted (servers make short ones; a hostile item
/// must not make us store or look up megabytes).
const MAX_ID: usize = 256;

/// Our read position in one conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Displayed {
    /// The conversation: a contact's or a room's bare JID.
    pub conversation: BareJid,
    /// The archive id (XEP-0359 stanza-id) of the last message displayed.
    pub stanza_id: String,
    /// Whose archive the id is from; some clients leave it out.
    pub by: Option<BareJid>,
}

impl Displayed {
    /// Whether `by` (if given) names the archive the conversation's ids
    /// come from: `archive` is our own bare JID for a chat, the room's for
    /// a group chat.
    pub fn by_fits(&self, archive: &BareJid) -> bool {
        self.by.as_ref().is_none_or(|by| by == archive)
    }
}

/// The `<displayed/>` payload for `stanza_id` in the archive of `by`.
pub fn payload(stanza_id: &str, by: &BareJid) -> Element {
    let mut displayed = element("displayed", NODE, &[]);
    displayed.append_child(element(
        "stanza-id",
        ns::SID,
        &[("id", stanza_id), ("by", by.as_str())],
    ));
    displayed
}

/// Publishing `d` to our node; with `options` the node must have (or is
/// created with) [`OPTIONS`]. `d.by` is required here.
pub fn publish(d: &Displayed, options: bool) -> Option<PubSub> {
    let by = d.by.as_ref()?;
    let options: &[(&str, &str)] = if options { &OPTIONS } else { &[] };
    Some(super::pep::publish_with(
        NODE,
        Some(d.conversation.as_str()),
        payload(&d.stanza_id, by),
        options,
    ))
}

/// A request for every item of our node (sent to our own bare JID).
pub fn items_request() -> PubSub {
    PubSub::Items(Items::new(NODE))
}

/// Why an item was not taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejected {
    /// No id, or one that is not a bare JID.
    Conversation,
    /// No `<displayed/>` with a `<stanza-id/>`.
    Payload,
    /// The stanza-id has no usable id.
    StanzaId,
    /// `by` is not a bare JID.
    By,
}

/// One item (`<item id='conversation'>`, of the pubsub result or of an
/// event: the children are read by name only).
pub fn from_item(item: &Element) -> Result<Displayed, Rejected> {
    let conversation = item
        .attr("id")
        .and_then(|id| id.parse::<BareJid>().ok())
        .ok_or(Rejected::Conversation)?;
    let sid = item
        .get_child("displayed", NODE)
        .and_then(|d| d.get_child("stanza-id", ns::SID))
        .ok_or(Rejected::Payload)?;
    let stanza_id = sid
        .attr("id")
        .filter(|id| !id.trim().is_empty() && id.len() <= MAX_ID)
        .ok_or(Rejected::StanzaId)?
        .to_owned();
    let by = match sid.attr("by") {
        None => None,
        Some(by) => Some(by.parse::<BareJid>().ok().ok_or(Rejected::By)?),
    };
    Ok(Displayed {
        conversation,
        stanza_id,
        by,
    })
}

/// The positions in an items result for our node (bad items skipped).
pub fn from_items(result: &Element) -> Vec<Displayed> {
    result
        .get_child("items", ns::PUBSUB)
        .filter(|items| items.attr("node") == Some(NODE))
        .map(|items| {
            items
                .children()
                .filter(|i| i.is("item", ns::PUBSUB))
                .filter_map(|i| from_item(i).ok())
                .collect()
        })
        .unwrap_or_default()
}

/// The positions a notification of our node brings; None if `msg` is no
/// notification of it. Retractions are not positions and are skipped.
pub fn from_event(msg: &Message) -> Option<Vec<Displayed>> {
    let items = msg
        .payloads
        .iter()
        .find(|p| p.is("event", ns::PUBSUB_EVENT))?
        .get_child("items", ns::PUBSUB_EVENT)
        .filter(|items| items.attr("node") == Some(NODE))?;
    Some(
        items
            .children()
            .filter(|i| i.is("item", ns::PUBSUB_EVENT))
            .filter_map(|i| from_item(i).ok())
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xmpp::util::testing::{el, jid, message};

    fn item(attrs: &str, sid: &str) -> Element {
        el(&format!(
            "<item xmlns='http://jabber.org/protocol/pubsub#event' {attrs}>\
             <displayed xmlns='urn:xmpp:mds:displayed:0'>{sid}</displayed></item>"
        ))
    }

    #[test]
    fn publish_round_trips() {
        let d = Displayed {
            conversation: jid("bob@example.org"),
            stanza_id: "arch-1".into(),
            by: Some(jid("alice@example.org")),
        };
        let PubSub::Publish {
            publish: p,
            publish_options,
        } = publish(&d, true).unwrap_or_else(|| panic!("a publish"))
        else {
            panic!("not a publish");
        };
        assert_eq!(p.node.0, NODE);
        let form = publish_options
            .and_then(|o| o.form)
            .unwrap_or_else(|| panic!("options"));
        for (var, value) in OPTIONS {
            assert!(
                form.fields
                    .iter()
                    .any(|f| f.var.as_deref() == Some(var) && f.values == [value]),
                "{var}"
            );
        }
        let item = &p.items[0];
        assert_eq!(
            item.id.as_ref().map(|i| i.0.as_str()),
            Some("bob@example.org")
        );
        // The item as the server hands it back (pubsub namespace).
        let mut back = element("item", ns::PUBSUB, &[("id", "bob@example.org")]);
        back.append_child(item.payload.clone().unwrap_or_else(|| panic!("payload")));
        assert_eq!(from_item(&back), Ok(d.clone()));
        // Without options none are sent; without `by` nothing is published.
        let Some(PubSub::Publish {
            publish_options: None,
            ..
        }) = publish(&d, false)
        else {
            panic!("a publish without options");
        };
        assert!(publish(&Displayed { by: None, ..d }, true).is_none());
    }

    #[test]
    fn reads_items_results_and_events() {
        let result = el("<pubsub xmlns='http://jabber.org/protocol/pubsub'>\
             <items node='urn:xmpp:mds:displayed:0'>\
             <item id='bob@example.org'><displayed xmlns='urn:xmpp:mds:displayed:0'>\
             <stanza-id xmlns='urn:xmpp:sid:0' id='a1' by='alice@example.org'/></displayed></item>\
             <item id='team@muc.example.org'><displayed xmlns='urn:xmpp:mds:displayed:0'>\
             <stanza-id xmlns='urn:xmpp:sid:0' id='r9'/></displayed></item>\
             <item id='bob@example.org/phone'><displayed xmlns='urn:xmpp:mds:displayed:0'>\
             <stanza-id xmlns='urn:xmpp:sid:0' id='x'/></displayed></item>\
             </items></pubsub>");
        let got = from_items(&result);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].by, Some(jid("alice@example.org")));
        assert!(got[0].by_fits(&jid("alice@example.org")));
        assert_eq!(got[1].conversation, jid("team@muc.example.org"));
        assert!(got[1].by.is_none() && got[1].by_fits(&jid("team@muc.example.org")));
        // Another node's items are not ours.
        let other = el("<pubsub xmlns='http://jabber.org/protocol/pubsub'>\
             <items node='urn:xmpp:bookmarks:1'><item id='bob@example.org'>\
             <displayed xmlns='urn:xmpp:mds:displayed:0'><stanza-id xmlns='urn:xmpp:sid:0' id='a'/>\
             </displayed></item></items></pubsub>");
        assert!(from_items(&other).is_empty());

        let event = message(
            "<message xmlns='jabber:client' from='alice@example.org' type='headline'>\
             <event xmlns='http://jabber.org/protocol/pubsub#event'>\
             <items node='urn:xmpp:mds:displayed:0'>\
             <item id='bob@example.org'><displayed xmlns='urn:xmpp:mds:displayed:0'>\
             <stanza-id xmlns='urn:xmpp:sid:0' id='a2' by='alice@example.org'/></displayed></item>\
             <retract id='carol@example.org'/></items></event></message>",
        );
        let got = from_event(&event).unwrap_or_else(|| panic!("an event"));
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].stanza_id, "a2");
        let nick = message(
            "<message xmlns='jabber:client' from='alice@example.org'>\
             <event xmlns='http://jabber.org/protocol/pubsub#event'>\
             <items node='http://jabber.org/protocol/nick'/></event></message>",
        );
        assert!(from_event(&nick).is_none());
    }

    #[test]
    fn malformed_and_hostile_items_are_rejected() {
        let sid = "<stanza-id xmlns='urn:xmpp:sid:0' id='a1' by='alice@example.org'/>";
        for (attrs, payload, why) in [
            ("", sid, Rejected::Conversation),
            ("id=''", sid, Rejected::Conversation),
            ("id='bob@example.org/res'", sid, Rejected::Conversation),
            ("id='not a jid@@'", sid, Rejected::Conversation),
            ("id='bob@example.org'", "", Rejected::Payload),
            (
                "id='bob@example.org'",
                "<stanza-id xmlns='urn:xmpp:sid:0' by='alice@example.org'/>",
                Rejected::StanzaId,
            ),
            (
                "id='bob@example.org'",
                "<stanza-id xmlns='urn:xmpp:sid:0' id='  '/>",
                Rejected::StanzaId,
            ),
            (
                "id='bob@example.org'",
                "<stanza-id xmlns='urn:xmpp:sid:1' id='a1'/>",
                Rejected::Payload,
            ),
            (
                "id='bob@example.org'",
                "<stanza-id xmlns='urn:xmpp:sid:0' id='a1' by='alice@example.org/x'/>",
                Rejected::By,
            ),
            (
                "id='bob@example.org'",
                "<stanza-id xmlns='urn:xmpp:sid:0' id='a1' by='@@'/>",
                Rejected::By,
            ),
        ] {
            assert_eq!(
                from_item(&item(attrs, payload)),
                Err(why),
                "{attrs} {payload}"
            );
        }
        let long = "x".repeat(MAX_ID + 1);
        let huge = item(
            "id='bob@example.org'",
            &format!("<stanza-id xmlns='urn:xmpp:sid:0' id='{long}'/>"),
        );
        assert_eq!(from_item(&huge), Err(Rejected::StanzaId));
        // A `by` naming someone else's archive: read, but does not fit.
        let wrong = from_item(&item(
            "id='bob@example.org'",
            "<stanza-id xmlns='urn:xmpp:sid:0' id='a1' by='mallory@example.org'/>",
        ))
        .unwrap_or_else(|e| panic!("{e:?}"));
        assert!(!wrong.by_fits(&jid("alice@example.org")));
    }
}
