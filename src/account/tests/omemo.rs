//! OMEMO, our own device: made on the first session, published in both
//! variants, merged into our device lists, kept there; pre-keys replaced,
//! signed pre-keys rotated; contacts' lists stored; `devices` and
//! `omemo_remove_device`.

use chrono::{Duration, Utc};
use rand_core::OsRng;
use tokio_xmpp::minidom::Element;

use super::support::*;
use crate::account::omemo::keys;
use crate::api::{Event, OmemoVersion, Trust};
use crate::xmpp::omemo::{Bundle, DeviceList, Version};

const PUBSUB: &str = "http://jabber.org/protocol/pubsub";
const V2_DEVICES: &str = "urn:xmpp:omemo:2:devices";
const LEGACY_DEVICES: &str = "eu.siacs.conversations.axolotl.devicelist";

/// The id of the sent IQ that asks for the items of `node`.
fn items_request(sent: &[Element], node: &str) -> Option<String> {
    sent.iter().find_map(|s| {
        let items = child(s, "pubsub", PUBSUB)?.get_child("items", PUBSUB)?;
        (s.attr("type") == Some("get") && items.attr("node") == Some(node))
            .then(|| s.attr("id").unwrap_or_default().to_owned())
    })
}

/// One publish we sent: IQ id, node, item id, payload, publish-options.
struct Published {
    id: String,
    node: String,
    item: Option<String>,
    payload: Element,
    options: Vec<(String, String)>,
}

fn publishes(sent: &[Element]) -> Vec<Published> {
    sent.iter()
        .filter_map(|s| {
            let pubsub = child(s, "pubsub", PUBSUB)?;
            let publish = pubsub.get_child("publish", PUBSUB)?;
            let item = publish.get_child("item", PUBSUB)?;
            let options = pubsub
                .get_child("publish-options", PUBSUB)
                .and_then(|o| o.children().next())
                .map(|form| {
                    form.children()
                        .filter(|f| f.attr("var") != Some("FORM_TYPE"))
                        .map(|f| {
                            let value = f.children().next().map(Element::text);
                            (
                                f.attr("var").unwrap_or_default().to_owned(),
                                value.unwrap_or_default(),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            Some(Published {
                id: s.attr("id").unwrap_or_default().to_owned(),
                node: publish.attr("node").unwrap_or_default().to_owned(),
                item: item.attr("id").map(str::to_owned),
                payload: item.children().next()?.clone(),
                options,
            })
        })
        .collect()
}

fn list_ids(p: &Published, version: Version) -> Vec<u32> {
    let list = DeviceList::parse(version, &p.payload).unwrap();
    let mut ids: Vec<u32> = list.devices.iter().map(|d| d.id.get()).collect();
    ids.sort_unstable();
    ids
}

fn ours(h: &Harness) -> u32 {
    h.actor.store.omemo_own().unwrap().unwrap().device_id.get()
}

/// The answer to request `id` with `list_xml` as the item of `node`.
fn list_answer(id: &str, node: &str, list_xml: &str) -> String {
    format!(
        "<iq type='result' id='{id}' from='{ME}'><pubsub xmlns='{PUBSUB}'>\
         <items node='{node}'><item id='current'>{list_xml}</item></items></pubsub></iq>"
    )
}

fn not_found(id: &str) -> String {
    format!(
        "<iq type='error' id='{id}' from='{ME}'><error type='cancel'>\
         <item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>"
    )
}

/// A new session whose server has `v2` as our OMEMO 2 list (and no 0.3
/// list): returns what the setup published.
async fn session(h: &mut Harness, v2: &str) -> Vec<Published> {
    h.actor.omemo_new_session(&h.wire).await;
    let sent = h.sent();
    let v2_id = items_request(&sent, V2_DEVICES).unwrap();
    let legacy_id = items_request(&sent, LEGACY_DEVICES).unwrap();
    h.receive(&list_answer(&v2_id, V2_DEVICES, v2)).await;
    assert!(h.sent().is_empty(), "the setup waits for both lists");
    h.receive(&not_found(&legacy_id)).await;
    publishes(&h.sent())
}

fn find<'a>(published: &'a [Published], node: &str) -> &'a Published {
    published
        .iter()
        .find(|p| p.node == node)
        .unwrap_or_else(|| panic!("{node} not published"))
}

fn option<'a>(p: &'a Published, var: &str) -> Option<&'a str> {
    p.options
        .iter()
        .find(|(k, _)| k == var)
        .map(|(_, v)| v.as_str())
}

#[tokio::test]
async fn first_session_makes_our_device_and_merges_it_into_our_lists() {
    let mut h = Harness::online();
    let published = session(
        &mut h,
        "<devices xmlns='urn:xmpp:omemo:2'><device id='1111' label='Phone'/></devices>",
    )
    .await;
    let me = ours(&h);
    assert_ne!(me, 1111, "a device id none of our devices uses");
    // The foreign device (our other client) stays, with its label.
    let v2 = find(&published, V2_DEVICES);
    let mut expected = vec![1111, me];
    expected.sort_unstable();
    assert_eq!(list_ids(v2, Version::V2), expected);
    let list = DeviceList::parse(Version::V2, &v2.payload).unwrap();
    assert!(
        list.devices
            .iter()
            .any(|d| d.id.get() == 1111 && d.label.as_deref() == Some("Phone"))
    );
    assert_eq!(v2.item.as_deref(), Some("current"));
    assert_eq!(option(v2, "pubsub#access_model"), Some("open"));
    // No 0.3 list yet: ours alone.
    assert_eq!(
        list_ids(find(&published, LEGACY_DEVICES), Version::Legacy),
        [me]
    );
    // The other device is known as ours (for sessions later), ours is not a peer.
    let stored = h.actor.store.omemo_devices(ME).unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].device_id.get(), 1111);
    assert_eq!(published.len(), 4, "two bundles, two lists");
}

#[tokio::test]
async fn a_list_with_our_device_is_left_alone_and_restarts_keep_the_device() {
    let mut h = Harness::online();
    let first = session(&mut h, "<devices xmlns='urn:xmpp:omemo:2'/>").await;
    let me = ours(&h);
    assert!(first.iter().any(|p| p.node == V2_DEVICES));
    let listed = format!("<devices xmlns='urn:xmpp:omemo:2'><device id='{me}'/></devices>");
    let second = session(&mut h, &listed).await;
    assert_eq!(ours(&h), me, "the same device in the next session");
    assert!(
        second.iter().all(|p| p.node != V2_DEVICES),
        "not republished"
    );
    // The bundles go out with every session.
    assert!(second.iter().any(|p| p.node == "urn:xmpp:omemo:2:bundles"));
}

/// A notification of our OMEMO 2 list.
fn notify(list: &str) -> String {
    format!(
        "<message from='{ME}' to='{ME_FULL}' type='headline'>\
         <event xmlns='http://jabber.org/protocol/pubsub#event'>\
         <items node='{V2_DEVICES}'><item id='current'>{list}</item></items></event></message>"
    )
}

/// The server takes `p`.
async fn accept(h: &mut Harness, p: &Published) {
    h.receive(&format!("<iq type='result' id='{}' from='{ME}'/>", p.id))
        .await;
}

#[tokio::test]
async fn our_device_is_added_again_when_another_client_drops_it() {
    let mut h = Harness::online();
    for p in session(&mut h, "<devices xmlns='urn:xmpp:omemo:2'/>").await {
        accept(&mut h, &p).await;
    }
    assert!(h.sent().is_empty());
    let me = ours(&h);
    // The echo of our own publish: nothing to do.
    h.receive(&notify(&format!(
        "<devices xmlns='urn:xmpp:omemo:2'><device id='{me}'/></devices>"
    )))
    .await;
    assert!(publishes(&h.sent()).is_empty());
    // Another client publishes the list without us.
    h.receive(&notify(
        "<devices xmlns='urn:xmpp:omemo:2'><device id='2222'/><device id='3333'/></devices>",
    ))
    .await;
    let published = publishes(&h.sent());
    assert_eq!(published.len(), 1);
    let mut expected = vec![2222, 3333, me];
    expected.sort_unstable();
    assert_eq!(list_ids(&published[0], Version::V2), expected);
    accept(&mut h, &published[0]).await;
    // The same from a stranger's full JID is not ours to merge.
    h.receive(&format!(
        "<message from='{MALLORY}/x' to='{ME_FULL}' type='headline'>\
         <event xmlns='http://jabber.org/protocol/pubsub#event'>\
         <items node='{V2_DEVICES}'><item id='current'>\
         <devices xmlns='urn:xmpp:omemo:2'/></item></items></event></message>"
    ))
    .await;
    assert!(publishes(&h.sent()).is_empty());
}

#[tokio::test]
async fn a_list_without_us_while_ours_is_on_its_way_is_read_again_after() {
    let mut h = Harness::online();
    let published = session(&mut h, "<devices xmlns='urn:xmpp:omemo:2'/>").await;
    let me = ours(&h);
    // The server's last item, from before our publish: nothing yet.
    h.receive(&notify("<devices xmlns='urn:xmpp:omemo:2'/>"))
        .await;
    assert!(h.sent().is_empty());
    accept(&mut h, find(&published, V2_DEVICES)).await;
    let sent = h.sent();
    let id = items_request(&sent, V2_DEVICES).unwrap();
    // Meanwhile another client replaced the list without us.
    h.receive(&list_answer(
        &id,
        V2_DEVICES,
        "<devices xmlns='urn:xmpp:omemo:2'><device id='5555'/></devices>",
    ))
    .await;
    let again = publishes(&h.sent());
    assert_eq!(again.len(), 1);
    let mut expected = vec![5555, me];
    expected.sort_unstable();
    assert_eq!(list_ids(&again[0], Version::V2), expected);
    // Had our publish won, the list is left alone.
    let mut h = Harness::online();
    let published = session(&mut h, "<devices xmlns='urn:xmpp:omemo:2'/>").await;
    let me = ours(&h);
    h.receive(&notify("<devices xmlns='urn:xmpp:omemo:2'/>"))
        .await;
    accept(&mut h, find(&published, V2_DEVICES)).await;
    let id = items_request(&h.sent(), V2_DEVICES).unwrap();
    h.receive(&list_answer(
        &id,
        V2_DEVICES,
        &format!("<devices xmlns='urn:xmpp:omemo:2'><device id='{me}'/></devices>"),
    ))
    .await;
    assert!(publishes(&h.sent()).is_empty());
}

#[tokio::test]
async fn bundles_of_both_variants_carry_our_keys() {
    let mut h = Harness::online();
    let published = session(&mut h, "<devices xmlns='urn:xmpp:omemo:2'/>").await;
    let me = ours(&h);
    let (_, identity) = keys::own(&h.actor.store).unwrap();

    let legacy = find(
        &published,
        &format!("eu.siacs.conversations.axolotl.bundles:{me}"),
    );
    assert_eq!(option(legacy, "pubsub#access_model"), Some("open"));
    let b = Bundle::parse(Version::Legacy, &legacy.payload).unwrap();
    assert_eq!(b.identity, identity.curve25519_public());
    assert_eq!(b.pre_keys.len(), 100);
    assert_eq!(b.signed_pre_key_id, 1);

    let v2 = find(&published, "urn:xmpp:omemo:2:bundles");
    assert_eq!(v2.item.as_deref(), Some(me.to_string().as_str()));
    assert_eq!(option(v2, "pubsub#access_model"), Some("open"));
    assert_eq!(option(v2, "pubsub#max_items"), Some("max"));
    let b2 = Bundle::parse(Version::V2, &v2.payload).unwrap();
    assert_eq!(b2.identity, identity.ed25519_public());
    assert_eq!(b2.pre_keys, b.pre_keys);
}

#[tokio::test]
async fn a_used_pre_key_is_replaced_and_the_bundles_republished() {
    let mut h = Harness::online();
    session(&mut h, "<devices xmlns='urn:xmpp:omemo:2'/>").await;
    h.actor.omemo_pre_key_used(5);
    h.actor.omemo_after_stanza(&h.wire).await;
    let published = publishes(&h.sent());
    assert_eq!(published.len(), 2, "both bundles");
    for p in &published {
        let version = if p.node.starts_with("urn:") {
            Version::V2
        } else {
            Version::Legacy
        };
        let b = Bundle::parse(version, &p.payload).unwrap();
        assert_eq!(b.pre_keys.len(), 100);
        assert!(b.pre_keys.iter().all(|k| k.id != 5));
        assert!(b.pre_keys.iter().any(|k| k.id == 101));
    }
    // Used again (a replay): nothing changes.
    h.actor.omemo_pre_key_used(5);
    h.actor.omemo_after_stanza(&h.wire).await;
    assert!(publishes(&h.sent()).is_empty());
}

#[tokio::test]
async fn an_old_signed_pre_key_is_rotated_at_the_session_start() {
    let mut h = Harness::online();
    let long_ago = Utc::now() - Duration::days(8);
    keys::ensure_own(&mut h.actor.store, &[], long_ago, &mut OsRng).unwrap();
    let published = session(&mut h, "<devices xmlns='urn:xmpp:omemo:2'/>").await;
    let v2 = find(&published, "urn:xmpp:omemo:2:bundles");
    assert_eq!(
        Bundle::parse(Version::V2, &v2.payload)
            .unwrap()
            .signed_pre_key_id,
        2
    );
    for version in Version::ALL {
        let keys = h.actor.store.omemo_signed_pre_keys(version).unwrap();
        assert_eq!(keys.len(), 2, "the old one is kept for a while");
        assert!(keys[0].retired.is_none() && keys[1].retired.is_some());
    }
    // A fresh key is not rotated again.
    let again = session(&mut h, "<devices xmlns='urn:xmpp:omemo:2'/>").await;
    let v2 = find(&again, "urn:xmpp:omemo:2:bundles");
    assert_eq!(
        Bundle::parse(Version::V2, &v2.payload)
            .unwrap()
            .signed_pre_key_id,
        2
    );
}

#[tokio::test]
async fn a_node_with_other_settings_is_reconfigured_then_published() {
    let mut h = Harness::online();
    let published = session(&mut h, "<devices xmlns='urn:xmpp:omemo:2'/>").await;
    let v2 = find(&published, "urn:xmpp:omemo:2:bundles");
    h.receive(&format!(
        "<iq type='error' id='{}' from='{ME}'><error type='cancel'>\
         <conflict xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>\
         <precondition-not-met xmlns='http://jabber.org/protocol/pubsub#errors'/></error></iq>",
        v2.id
    ))
    .await;
    let sent = h.sent();
    let configure = sent
        .iter()
        .find_map(|s| {
            child(s, "pubsub", "http://jabber.org/protocol/pubsub#owner")?
                .get_child("configure", "http://jabber.org/protocol/pubsub#owner")
                .map(|c| (s.attr("id").unwrap_or_default().to_owned(), c.clone()))
        })
        .unwrap();
    assert_eq!(configure.1.attr("node"), Some("urn:xmpp:omemo:2:bundles"));
    h.receive(&format!(
        "<iq type='result' id='{}' from='{ME}'/>",
        configure.0
    ))
    .await;
    let again = publishes(&h.sent());
    assert_eq!(again.len(), 1);
    assert_eq!(option(&again[0], "pubsub#access_model"), Some("open"));
    // Still refused: published as the node is, without options.
    h.receive(&format!(
        "<iq type='error' id='{}' from='{ME}'><error type='cancel'>\
         <conflict xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>\
         <precondition-not-met xmlns='http://jabber.org/protocol/pubsub#errors'/></error></iq>",
        again[0].id
    ))
    .await;
    let plain = publishes(&h.sent());
    assert_eq!(plain.len(), 1);
    assert!(plain[0].options.is_empty());
    assert!(h.events().iter().all(|e| !matches!(e, Event::Error { .. })));
}

#[tokio::test]
async fn contacts_lists_are_stored_and_devices_answers() {
    let mut h = Harness::online();
    session(&mut h, "<devices xmlns='urn:xmpp:omemo:2'/>").await;
    h.add_contact(BOB).await;
    h.receive(&format!(
        "<message from='{BOB}' to='{ME_FULL}' type='headline'>\
         <event xmlns='http://jabber.org/protocol/pubsub#event'>\
         <items node='{LEGACY_DEVICES}'><item id='current'>\
         <list xmlns='eu.siacs.conversations.axolotl'><device id='77'/><device id='78'/></list>\
         </item></items></event></message>"
    ))
    .await;
    // An open chat with bob learns that it can encrypt now.
    let events = h.events();
    assert!(
        events.iter().any(|e| matches!(
            e,
            Event::Encryption { with, encrypted: crate::api::Encryption::Omemo, .. } if with == BOB
        )),
        "{events:?}"
    );
    h.actor.devices(BOB, Some(&h.wire)).await;
    assert!(h.sent().is_empty(), "known: answered from the store");
    let devices = match h.events().pop() {
        Some(Event::Devices { jid, devices, .. }) if jid == BOB => devices,
        other => panic!("{other:?}"),
    };
    assert_eq!(devices.len(), 2);
    assert!(devices.iter().all(|d| d.version == OmemoVersion::Omemo
        && d.active
        && d.trust == Trust::Blind
        && d.fingerprint.is_none()
        && !d.own));

    // Someone unknown: their lists are read first.
    h.actor.devices("carol@example.com", Some(&h.wire)).await;
    let sent = h.sent();
    assert!(h.events().is_empty());
    let v2 = items_request(&sent, V2_DEVICES).unwrap();
    let legacy = items_request(&sent, LEGACY_DEVICES).unwrap();
    h.receive(&format!(
        "<iq type='result' id='{v2}' from='carol@example.com'><pubsub xmlns='{PUBSUB}'>\
         <items node='{V2_DEVICES}'><item id='current'>\
         <devices xmlns='urn:xmpp:omemo:2'><device id='9' label='Tablet'/></devices>\
         </item></items></pubsub></iq>"
    ))
    .await;
    assert!(
        !h.events()
            .iter()
            .any(|e| matches!(e, Event::Devices { .. })),
        "waits for the other list"
    );
    h.receive(&format!(
        "<iq type='error' id='{legacy}' from='carol@example.com'><error type='cancel'>\
         <item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>"
    ))
    .await;
    let devices = match h.events().pop() {
        Some(Event::Devices { devices, .. }) => devices,
        other => panic!("{other:?}"),
    };
    assert_eq!(devices.len(), 1);
    assert_eq!(devices[0].label.as_deref(), Some("Tablet"));
    assert_eq!(devices[0].version, OmemoVersion::Omemo2);
}

#[tokio::test]
async fn our_devices_and_removing_a_stale_one() {
    let mut h = Harness::online();
    session(
        &mut h,
        "<devices xmlns='urn:xmpp:omemo:2'><device id='1111'/></devices>",
    )
    .await;
    let me = ours(&h);
    h.events();
    h.actor.devices(ME, Some(&h.wire)).await;
    let devices = match h.events().pop() {
        Some(Event::Devices { devices, .. }) => devices,
        other => panic!("{other:?}"),
    };
    let own: Vec<_> = devices.iter().filter(|d| d.own).collect();
    assert_eq!(own.len(), 2, "this device in both variants");
    assert!(own.iter().all(|d| d.id == me && d.active));
    let fingerprint = own[0].fingerprint.as_deref().unwrap();
    assert_eq!(fingerprint.len(), 8 * 8 + 7, "{fingerprint}");
    assert!(devices.iter().any(|d| d.id == 1111 && !d.own && d.active));

    // This device cannot be removed.
    h.actor.omemo_remove_device(me, &h.wire).await;
    assert!(h.sent().is_empty());
    assert!(matches!(h.events().pop(), Some(Event::Error { code: Some(c), .. }) if c == "omemo"));

    // The stale one: our lists are read afresh, then published without it.
    h.actor.omemo_remove_device(1111, &h.wire).await;
    let sent = h.sent();
    let v2 = items_request(&sent, V2_DEVICES).unwrap();
    let legacy = items_request(&sent, LEGACY_DEVICES).unwrap();
    h.receive(&list_answer(
        &v2,
        V2_DEVICES,
        &format!(
            "<devices xmlns='urn:xmpp:omemo:2'><device id='1111'/><device id='{me}'/></devices>"
        ),
    ))
    .await;
    h.receive(&list_answer(
        &legacy,
        LEGACY_DEVICES,
        &format!("<list xmlns='eu.siacs.conversations.axolotl'><device id='{me}'/></list>"),
    ))
    .await;
    let published = publishes(&h.sent());
    assert_eq!(published.len(), 1, "only the list that had it");
    assert_eq!(list_ids(&published[0], Version::V2), [me]);
    let devices = match h.events().pop() {
        Some(Event::Devices { devices, .. }) => devices,
        other => panic!("{other:?}"),
    };
    assert!(devices.iter().any(|d| d.id == 1111 && !d.active));
}

#[tokio::test]
async fn switched_off_nothing_happens_and_switching_on_sets_up_at_once() {
    let mut h = Harness::online();
    h.actor.switches.omemo = false;
    h.actor.omemo_new_session(&h.wire).await;
    assert!(h.sent().is_empty());
    // Notifications are not followed either.
    h.receive(&notify("<devices xmlns='urn:xmpp:omemo:2'/>"))
        .await;
    assert!(h.sent().is_empty());
    assert!(h.actor.store.omemo_devices(ME).unwrap().is_empty());

    h.switch_omemo_on().await;
    let sent = h.sent();
    assert!(items_request(&sent, V2_DEVICES).is_some());
    assert!(items_request(&sent, LEGACY_DEVICES).is_some());
}

#[tokio::test]
async fn an_unreadable_list_is_never_published_over() {
    let mut h = Harness::online();
    h.actor.omemo_new_session(&h.wire).await;
    let sent = h.sent();
    let v2 = items_request(&sent, V2_DEVICES).unwrap();
    let legacy = items_request(&sent, LEGACY_DEVICES).unwrap();
    // A result without the items of the node, and a garbled list.
    h.receive(&format!("<iq type='result' id='{v2}' from='{ME}'/>"))
        .await;
    h.receive(&list_answer(
        &legacy,
        LEGACY_DEVICES,
        "<list xmlns='urn:example:other'/>",
    ))
    .await;
    let published = publishes(&h.sent());
    // The device is made and the bundles go out, the lists stay as they are.
    assert!(h.actor.store.omemo_own().unwrap().is_some());
    assert_eq!(published.len(), 2);
    assert!(
        published
            .iter()
            .all(|p| !p.node.ends_with("devices") && !p.node.ends_with("devicelist"))
    );
}
