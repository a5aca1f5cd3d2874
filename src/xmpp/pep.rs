//! Personal eventing (XEP-0163, PEP over XEP-0060 pubsub): what a user
//! publishes about themselves on their own account — nickname, vCard,
//! avatar — and the notifications their contacts get when it changes.
//!
//! Answers and notifications are read by hand, leniently: a contact's
//! client may publish anything, and one odd element must not make us drop
//! the rest (or, worse, the stanza).

use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::data_forms::{DataForm, DataFormType, Field, FieldType};
use tokio_xmpp::parsers::message::Message;
use tokio_xmpp::parsers::ns;
use tokio_xmpp::parsers::pubsub::pubsub::{Item, Items, Publish, PublishOptions};
use tokio_xmpp::parsers::pubsub::{ItemId, NodeName, PubSub};
use tokio_xmpp::parsers::stanza_error::StanzaError;

/// The feature that asks for `node`'s notifications (XEP-0163 §4.2): the
/// server pushes them to clients that announce it in their caps.
pub fn notify(node: &str) -> String {
    format!("{node}+notify")
}

const PUBLISH_OPTIONS: &str = "http://jabber.org/protocol/pubsub#publish-options";

/// A request for item `item_id` of `node`, or without an id for the newest
/// item (sent to the owner's bare JID).
pub fn items_request(node: &str, item_id: Option<&str>) -> PubSub {
    PubSub::Items(match item_id {
        Some(id) => Items {
            items: vec![Item {
                id: Some(ItemId(id.to_owned())),
                publisher: None,
                payload: None,
            }],
            ..Items::new(node)
        },
        None => Items {
            max_items: Some(1),
            ..Items::new(node)
        },
    })
}

/// Publishes `payload` as item `item_id` of our `node` (without an id the
/// server picks one). With `access_model` the node must have (or is
/// created with) that access model (XEP-0060 §7.1.5 publish-options).
pub fn publish(
    node: &str,
    item_id: Option<&str>,
    payload: Element,
    access_model: Option<&str>,
) -> PubSub {
    let options: Vec<(&str, &str)> = access_model
        .map(|model| ("pubsub#access_model", model))
        .into_iter()
        .collect();
    publish_with(node, item_id, payload, &options)
}

/// [`publish`] with any publish-options (`(field, value)`, e.g.
/// `("pubsub#max_items", "max")`); none: no publish-options at all.
pub fn publish_with(
    node: &str,
    item_id: Option<&str>,
    payload: Element,
    options: &[(&str, &str)],
) -> PubSub {
    let publish_options = (!options.is_empty()).then(|| PublishOptions {
        form: Some(options_form(PUBLISH_OPTIONS, options)),
    });
    PubSub::Publish {
        publish: Publish {
            node: NodeName(node.to_owned()),
            items: vec![Item {
                id: item_id.map(|id| ItemId(id.to_owned())),
                publisher: None,
                payload: Some(payload),
            }],
        },
        publish_options,
    }
}

const NODE_CONFIG: &str = "http://jabber.org/protocol/pubsub#node_config";
const PUBSUB_OWNER: &str = "http://jabber.org/protocol/pubsub#owner";

fn options_form(form_type: &str, options: &[(&str, &str)]) -> DataForm {
    DataForm::new(
        DataFormType::Submit,
        form_type,
        options
            .iter()
            .map(|(var, value)| Field::new(var, FieldType::TextSingle).with_value(value))
            .collect(),
    )
}

/// Sets `options` in the configuration of our `node` (XEP-0060 §8.2, as
/// its owner): what a publish whose publish-options the node did not meet
/// needs before it is tried again.
pub fn configure(node: &str, options: &[(&str, &str)]) -> Element {
    let mut configure = super::util::element("configure", PUBSUB_OWNER, &[("node", node)]);
    configure.append_child(options_form(NODE_CONFIG, options).into());
    let mut pubsub = super::util::element("pubsub", PUBSUB_OWNER, &[]);
    pubsub.append_child(configure);
    pubsub
}

/// The payload of the first item of `node` in an items result, if any.
pub fn first_item(result: Option<&Element>, node: &str) -> Option<Element> {
    result?
        .get_child("items", ns::PUBSUB)
        .filter(|items| items.attr("node") == Some(node))?
        .children()
        .filter(|c| c.is("item", ns::PUBSUB))
        .find_map(|item| item.children().next().cloned())
}

/// Whether a publish failed only because the node is configured
/// differently from our publish-options.
pub fn is_precondition_failure(error: &StanzaError) -> bool {
    error
        .other
        .as_ref()
        .is_some_and(|e| e.is("precondition-not-met", ns::PUBSUB_ERRORS))
}

/// One pubsub notification: which node, the payloads published (an item
/// without payload counts as an empty one) and whether items were retracted.
#[derive(Debug, Clone, PartialEq)]
pub struct Notification {
    pub node: String,
    pub published: Vec<Option<Element>>,
    pub retracted: bool,
    /// The `publisher` attributes of the items, where given.
    pub publishers: Vec<String>,
}

/// The pubsub notification in `msg`, if it carries one.
pub fn notification(msg: &Message) -> Option<Notification> {
    let event = msg
        .payloads
        .iter()
        .find(|p| p.is("event", ns::PUBSUB_EVENT))?;
    let items = event.get_child("items", ns::PUBSUB_EVENT);
    let Some(items) = items else {
        // Configuration, delete, purge, subscription: nothing we show.
        return Some(Notification {
            node: String::new(),
            published: vec![],
            retracted: false,
            publishers: vec![],
        });
    };
    let mut n = Notification {
        node: items.attr("node").unwrap_or_default().to_owned(),
        published: vec![],
        retracted: false,
        publishers: vec![],
    };
    for child in items.children() {
        if child.is("item", ns::PUBSUB_EVENT) {
            n.published.push(child.children().next().cloned());
            if let Some(p) = child.attr("publisher") {
                n.publishers.push(p.to_owned());
            }
        } else if child.is("retract", ns::PUBSUB_EVENT) {
            n.retracted = true;
        }
    }
    Some(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xmpp::util::testing::message;

    #[test]
    fn reads_notifications_leniently() {
        let m = message(
            "<message xmlns='jabber:client' from='alice@x' type='headline'>\
             <event xmlns='http://jabber.org/protocol/pubsub#event'>\
             <items node='http://jabber.org/protocol/nick'>\
             <item id='a' publisher='alice@x'><nick xmlns='http://jabber.org/protocol/nick'>Ali</nick></item>\
             <item id='b'/><retract id='c'/></items></event></message>",
        );
        let n = notification(&m).unwrap_or_else(|| panic!("a notification"));
        assert_eq!(n.node, ns::NICK);
        assert_eq!(n.published.len(), 2);
        assert!(n.published[0].is_some() && n.published[1].is_none());
        assert!(n.retracted);
        assert_eq!(n.publishers, vec!["alice@x".to_owned()]);
        let plain =
            message("<message xmlns='jabber:client' from='alice@x'><body>hi</body></message>");
        assert!(notification(&plain).is_none());
        let purge = message(
            "<message xmlns='jabber:client' from='alice@x'>\
             <event xmlns='http://jabber.org/protocol/pubsub#event'><purge node='n'/></event></message>",
        );
        assert_eq!(notification(&purge).map(|n| n.node), Some(String::new()));
    }

    #[test]
    fn first_item_of_a_result() {
        let result: Element = "<pubsub xmlns='http://jabber.org/protocol/pubsub'>\
             <items node='urn:xmpp:vcard4'><item id='current'>\
             <vcard xmlns='urn:ietf:params:xml:ns:vcard-4.0'/></item></items></pubsub>"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
        let item = first_item(Some(&result), "urn:xmpp:vcard4");
        assert!(item.is_some_and(|i| i.name() == "vcard"));
        assert!(first_item(Some(&result), "other").is_none());
        assert!(first_item(None, "urn:xmpp:vcard4").is_none());
    }

    #[test]
    fn publish_carries_the_access_model() {
        let el = Element::from(publish(
            "urn:xmpp:vcard4",
            Some("current"),
            Element::bare("vcard", "urn:ietf:params:xml:ns:vcard-4.0"),
            Some("presence"),
        ));
        let xml = String::from(&el);
        assert!(xml.contains("pubsub#access_model"), "{xml}");
        assert!(xml.contains("<value>presence</value>"), "{xml}");
        assert!(
            xml.contains("id=\"current\"") || xml.contains("id='current'"),
            "{xml}"
        );
    }

    #[test]
    fn items_requests_read_back() {
        let newest = Element::from(items_request("urn:xmpp:vcard4", None));
        let xml = String::from(&newest);
        assert!(
            xml.contains("max_items='1'") || xml.contains("max_items=\"1\""),
            "{xml}"
        );
        let one = Element::from(items_request("urn:xmpp:avatar:data", Some("abc")));
        assert!(PubSub::try_from(one.clone()).is_ok());
        assert!(String::from(&one).contains("abc"));
        assert_eq!(notify(ns::NICK), "http://jabber.org/protocol/nick+notify");
    }

    #[test]
    fn malformed_results_and_notifications_give_nothing() {
        for xml in [
            // Items of another node, of another namespace, an empty item.
            "<pubsub xmlns='http://jabber.org/protocol/pubsub'><items node='other'>\
             <item><x xmlns='urn:x'/></item></items></pubsub>",
            "<pubsub xmlns='http://jabber.org/protocol/pubsub'><items xmlns='urn:other' node='n'>\
             <item><x xmlns='urn:x'/></item></items></pubsub>",
            "<pubsub xmlns='http://jabber.org/protocol/pubsub'><items node='n'><item/></items></pubsub>",
            "<pubsub xmlns='http://jabber.org/protocol/pubsub'/>",
        ] {
            let el: Element = xml.parse().unwrap_or_else(|e| panic!("{e}"));
            assert!(first_item(Some(&el), "n").is_none(), "{xml}");
        }
        // An event of the wrong namespace is no notification; items
        // without a node name no node.
        let wrong = message(
            "<message xmlns='jabber:client'><event xmlns='http://jabber.org/protocol/pubsub'>\
             <items node='n'/></event></message>",
        );
        assert!(notification(&wrong).is_none());
        let nameless = message(
            "<message xmlns='jabber:client'><event xmlns='http://jabber.org/protocol/pubsub#event'>\
             <items><item/></items></event></message>",
        );
        let n = notification(&nameless).unwrap_or_else(|| panic!("a notification"));
        assert_eq!((n.node.as_str(), n.published.len()), ("", 1));
        // Another error is no precondition failure.
        let other = StanzaError::new(
            tokio_xmpp::parsers::stanza_error::ErrorType::Cancel,
            tokio_xmpp::parsers::stanza_error::DefinedCondition::Conflict,
            "en",
            "x",
        );
        assert!(!is_precondition_failure(&other));
    }
}
