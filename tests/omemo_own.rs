//! OMEMO, our own device (issue 22 part 2) on a real Prosody: Plausch makes
//! and publishes its device in both variants, keeps another client's device
//! on the lists, is readable by a stranger (`open` nodes), keeps its device
//! over a restart, lists it in `devices`, and removes a stale device.

mod common;

use std::time::{Duration, Instant};

use common::Prosody;
use common::headless::{Headless, account, online};
use common::raw::RawClient;
use plausch::xmpp::omemo::{Bundle, DeviceList, Version};
use serde_json::{Value, json};
use tokio_xmpp::minidom::Element;

const PUBSUB: &str = "http://jabber.org/protocol/pubsub";
const ALICE: &str = "alice@localhost";
/// The device of Alice's other client, published before Plausch starts.
const OTHER: u32 = 1_234_567;

fn raw_iq(client: &mut RawClient, id: &str, xml: &str) -> Element {
    client.send_xml(xml);
    client
        .wait_stanza(Duration::from_secs(10), |el| {
            el.name() == "iq" && el.attr("id") == Some(id)
        })
        .unwrap_or_else(|| panic!("no answer to iq {id}"))
}

/// The payload of the item of Alice's `node` (item `item`, or the newest),
/// as a stranger reads it; None if there is none or it is refused.
fn read_item(
    stranger: &mut RawClient,
    n: &mut u32,
    node: &str,
    item: Option<&str>,
) -> Option<Element> {
    *n += 1;
    let id = format!("s{n}");
    let items = match item {
        Some(item) => format!("<items node='{node}'><item id='{item}'/></items>"),
        None => format!("<items node='{node}' max_items='1'/>"),
    };
    let answer = raw_iq(
        stranger,
        &id,
        &format!(
            "<iq xmlns='jabber:client' type='get' id='{id}' to='{ALICE}'>\
             <pubsub xmlns='{PUBSUB}'>{items}</pubsub></iq>"
        ),
    );
    if answer.attr("type") != Some("result") {
        return None;
    }
    answer
        .get_child("pubsub", PUBSUB)?
        .get_child("items", PUBSUB)?
        .children()
        .find(|c| c.is("item", PUBSUB))?
        .children()
        .next()
        .cloned()
}

fn ids(list: &DeviceList) -> Vec<u32> {
    let mut ids: Vec<u32> = list.devices.iter().map(|d| d.id.get()).collect();
    ids.sort_unstable();
    ids
}

/// Alice's device list of `version` as a stranger reads it (empty if unreadable).
fn list(stranger: &mut RawClient, n: &mut u32, version: Version) -> DeviceList {
    read_item(stranger, n, version.devices_node(), None)
        .and_then(|el| DeviceList::parse(version, &el).ok())
        .unwrap_or_default()
}

/// Reads Alice's lists until `pred` holds for both (20 s at most).
fn lists_until(
    stranger: &mut RawClient,
    n: &mut u32,
    pred: impl Fn(&DeviceList) -> bool,
) -> [DeviceList; 2] {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let both = [
            list(stranger, n, Version::Legacy),
            list(stranger, n, Version::V2),
        ];
        if both.iter().all(&pred) {
            return both;
        }
        assert!(
            Instant::now() < deadline,
            "lists never matched: {:?} / {:?}",
            ids(&both[0]),
            ids(&both[1])
        );
        std::thread::sleep(Duration::from_millis(300));
    }
}

/// Asks for the devices of `jid` and returns them.
fn devices(client: &mut Headless, jid: &str) -> Vec<Value> {
    client.forget_pending();
    client.send(json!({"cmd":"devices","account":"a","jid":jid}));
    let v = client.wait_for("devices", |v| v["event"] == "devices" && v["jid"] == jid);
    v["devices"].as_array().cloned().unwrap_or_default()
}

fn own_id(devices: &[Value]) -> u32 {
    let own: Vec<&Value> = devices.iter().filter(|d| d["own"] == true).collect();
    assert_eq!(own.len(), 2, "this device in both variants: {devices:#?}");
    let id = own[0]["id"].as_u64().unwrap_or_default();
    assert!(own.iter().all(|d| d["id"].as_u64() == Some(id)));
    u32::try_from(id).unwrap_or_default()
}

#[test]
fn own_device_is_published_merged_kept_and_removable() {
    let server = Prosody::with_users(&[("alice", "apw"), ("stranger", "spw")]);
    // Alice's other client published its device first (both variants,
    // without publish-options: the nodes get the server's default access).
    {
        let mut other = RawClient::connect(&server, "alice", "apw");
        for (i, (node, payload)) in [
            (
                Version::Legacy.devices_node(),
                format!("<list xmlns='eu.siacs.conversations.axolotl'><device id='{OTHER}'/></list>"),
            ),
            (
                Version::V2.devices_node(),
                format!("<devices xmlns='urn:xmpp:omemo:2'><device id='{OTHER}' label='Phone'/></devices>"),
            ),
        ]
        .into_iter()
        .enumerate()
        {
            let id = format!("o{i}");
            let answer = raw_iq(
                &mut other,
                &id,
                &format!(
                    "<iq xmlns='jabber:client' type='set' id='{id}'>\
                     <pubsub xmlns='{PUBSUB}'><publish node='{node}'>\
                     <item id='current'>{payload}</item></publish></pubsub></iq>"
                ),
            );
            assert_eq!(answer.attr("type"), Some("result"), "{}", String::from(&answer));
        }
    }

    let profile = tempfile::tempdir().expect("profile");
    let mut alice = Headless::start(profile.path());
    alice.add_account(account(&server, "a", "alice", "apw"));
    alice.wait_state("a", "online");

    // A stranger (not in Alice's roster) reads both lists: Plausch's device
    // was added, the other client's kept.
    let mut stranger = RawClient::connect(&server, "stranger", "spw");
    let mut n = 0;
    let [legacy, v2] = lists_until(&mut stranger, &mut n, |l| l.devices.len() == 2);
    assert!(legacy.contains(plausch::xmpp::omemo::DeviceId::new(OTHER).unwrap()));
    assert_eq!(ids(&legacy), ids(&v2));
    assert!(
        v2.devices
            .iter()
            .any(|d| d.id.get() == OTHER && d.label.as_deref() == Some("Phone"))
    );

    let found = devices(&mut alice, ALICE);
    let me = own_id(&found);
    assert!(ids(&v2).contains(&me));
    for d in found.iter().filter(|d| d["own"] == true) {
        let fp = d["fingerprint"].as_str().unwrap_or_default();
        assert_eq!(fp.split(' ').count(), 8, "{fp}");
        assert_eq!(d["active"], true);
        assert_eq!(d["trust"], "verified");
    }
    assert!(
        found
            .iter()
            .any(|d| d["id"].as_u64() == Some(u64::from(OTHER)) && d["own"] != true)
    );

    // Both bundles, as the stranger reads them.
    let legacy_node = format!("eu.siacs.conversations.axolotl.bundles:{me}");
    let legacy_bundle = read_item(&mut stranger, &mut n, &legacy_node, None)
        .map(|el| Bundle::parse(Version::Legacy, &el))
        .expect("0.3 bundle readable")
        .expect("0.3 bundle parses");
    let me_item = me.to_string();
    let v2_bundle = read_item(
        &mut stranger,
        &mut n,
        "urn:xmpp:omemo:2:bundles",
        Some(&me_item),
    )
    .map(|el| Bundle::parse(Version::V2, &el))
    .expect("OMEMO 2 bundle readable")
    .expect("OMEMO 2 bundle parses");
    assert_eq!(legacy_bundle.pre_keys.len(), 100);
    assert_eq!(v2_bundle.pre_keys.len(), 100);
    assert_ne!(
        legacy_bundle.identity, v2_bundle.identity,
        "Curve25519 vs Ed25519"
    );

    // A restart keeps the device.
    assert!(alice.quit().success());
    let mut alice = Headless::start(profile.path());
    alice.wait_state("a", "online");
    let again = devices(&mut alice, ALICE);
    assert_eq!(own_id(&again), me);
    let fingerprint = |d: &[Value]| {
        d.iter()
            .filter(|d| d["own"] == true)
            .map(|d| d["fingerprint"].clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(fingerprint(&again), fingerprint(&found));

    // This device cannot be removed; the other one can.
    alice.forget_pending();
    alice.send(json!({"cmd":"omemo_remove_device","account":"a","device":me}));
    alice.wait_for("refusal", |v| v["event"] == "error" && v["code"] == "omemo");
    alice.forget_pending();
    alice.send(json!({"cmd":"omemo_remove_device","account":"a","device":OTHER}));
    let v = alice.wait_for("devices after removal", |v| {
        v["event"] == "devices" && v["jid"] == ALICE
    });
    assert!(v["devices"].as_array().is_some_and(|d| {
        d.iter()
            .any(|d| d["id"].as_u64() == Some(u64::from(OTHER)) && d["active"] == false)
    }));
    let [legacy, v2] = lists_until(&mut stranger, &mut n, |l| l.devices.len() == 1);
    assert_eq!(ids(&legacy), [me]);
    assert_eq!(ids(&v2), [me]);
    assert!(alice.quit().success());
}

/// Part 2 and the tests' "pre-key exhaustion and replenish": a one-time
/// pre-key a new session used is replaced and the bundles go out again,
/// so a contact's new devices always find fresh keys. A hundred new
/// devices use up every key of the first bundle; then the bundle holds a
/// hundred new ones (the same in both variants), a used key opens nothing
/// again, and the sessions built on the used keys go on.
#[test]
fn used_pre_keys_are_replaced_until_none_of_the_first_is_left() {
    use common::omemo_peer::{Peer, core_bundle, device_and_bundle};
    let server = Prosody::with_users(&[("alice", "apw"), ("bob", "bpw")]);
    let (_profile, mut alice) = online(&server, "a", "alice", "apw");
    let mut bob = RawClient::connect(&server, "bob", "bpw");
    let (device, first) = device_and_bundle(&mut bob, ALICE, Version::V2);
    let first_ids: Vec<u32> = first.pre_keys.iter().map(|k| k.id).collect();
    assert_eq!(first_ids.len(), 100, "a full bundle");

    // A new device of bob's on each key of the first bundle (the session
    // is given that key alone to pick).
    let mut peers = Vec::new();
    for (i, id) in (1000u32..).zip(&first_ids) {
        let bundle = core_bundle(Version::V2, &first, |k| k == *id);
        let mut peer = Peer::new("bob@localhost", i, ALICE, device, &bundle);
        bob.send_xml(&peer.message(&format!("k{i}"), &format!("from device {i}")));
        peers.push(peer);
    }
    for i in 1000u32..1100 {
        let got = alice.wait_message("a", &format!("from device {i}"));
        assert_eq!(got["encryption"], "omemo2", "{got}");
        assert_eq!(got["sender_device"], i, "{got}");
        assert!(got["decryption_error"].is_null(), "{got}");
    }

    // Every used key replaced, in both bundles.
    let deadline = Instant::now() + Duration::from_secs(30);
    let second = loop {
        let (_, b) = device_and_bundle(&mut bob, ALICE, Version::V2);
        if b.pre_keys.iter().all(|k| !first_ids.contains(&k.id)) {
            break b;
        }
        assert!(Instant::now() < deadline, "used pre-keys still published");
        std::thread::sleep(Duration::from_millis(300));
    };
    let mut second_ids: Vec<u32> = second.pre_keys.iter().map(|k| k.id).collect();
    second_ids.sort_unstable();
    second_ids.dedup();
    assert_eq!(second_ids.len(), 100, "the bundle is full again");
    let (_, legacy) = device_and_bundle(&mut bob, ALICE, Version::Legacy);
    let mut legacy_ids: Vec<u32> = legacy.pre_keys.iter().map(|k| k.id).collect();
    legacy_ids.sort_unstable();
    assert_eq!(
        legacy_ids, second_ids,
        "one set of pre-keys for both variants"
    );

    // A key of the first bundle, used again by another new device: not
    // a session (shown as such, nothing crashes).
    let used = core_bundle(Version::V2, &first, |k| k == first_ids[0]);
    let mut late = Peer::new("bob@localhost", 2000, ALICE, device, &used);
    bob.send_xml(&late.message("late", "on a used key"));
    let got = alice.wait_for("the message on a used key", |v| {
        v["event"] == "message" && v["sender_device"] == 2000
    });
    assert_eq!(got["decryption_error"], "no_session", "{got}");
    assert_eq!(got["body"], "", "{got}");

    // A device on the new bundle, and the sessions on the used keys, work.
    let fresh = core_bundle(Version::V2, &second, |_| true);
    let mut new = Peer::new("bob@localhost", 2001, ALICE, device, &fresh);
    bob.send_xml(&new.message("fresh", "on a fresh key"));
    let got = alice.wait_message("a", "on a fresh key");
    assert!(got["decryption_error"].is_null(), "{got}");
    for (i, peer) in (1000u32..).zip(peers.iter_mut()).step_by(33) {
        bob.send_xml(&peer.message(&format!("again{i}"), &format!("device {i} again")));
        let got = alice.wait_message("a", &format!("device {i} again"));
        assert!(got["decryption_error"].is_null(), "{got}");
    }
}

/// The other side of pre-key exhaustion: a contact whose bundle has no
/// one-time pre-key left cannot get a session, and the encrypted message
/// fails with the reason (never plain). Once the contact published fresh
/// keys, the next message written sets the session up and goes out.
#[test]
fn a_contact_out_of_pre_keys_is_retried_with_the_next_message() {
    use common::omemo_peer::publish_v2;
    let server = Prosody::with_users(&[("alice", "apw"), ("bob", "bpw")]);
    let (_profile, mut alice) = online(&server, "a", "alice", "apw");
    let mut bob = RawClient::connect(&server, "bob", "bpw");
    let bob_jid = format!("bob@{}", server.domain());
    // Available, so that messages to the bare JID reach this client.
    bob.send_xml("<presence xmlns='jabber:client'/>");
    let identity = publish_v2(&mut bob, 77, 0, None);

    alice.send(json!({"cmd":"encryption","account":"a","with":bob_jid,"enabled":true}));
    alice.wait_for("encryption on for bob", |v| {
        v["event"] == "encryption" && v["with"] == bob_jid.as_str()
    });
    alice.send(json!({"cmd":"send","account":"a","to":bob_jid,"body":"first try","ref":"t1"}));
    let failed = alice.wait_for("the first try failed", |v| {
        v["event"] == "message_state" && v["ref"] == "t1" && v["state"] == "failed"
    });
    assert!(
        failed["error"]
            .as_str()
            .is_some_and(|e| e.contains("no session could be set up")),
        "{failed}"
    );
    let leaked = bob.wait_stanza(Duration::from_millis(500), |el| el.name() == "message");
    assert!(leaked.is_none(), "nothing reached bob: {leaked:?}");

    // Bob's client replenished its pre-keys; Alice writes again.
    publish_v2(&mut bob, 77, 5, Some(identity));
    alice.send(json!({"cmd":"send","account":"a","to":bob_jid,"body":"second try","ref":"t2"}));
    alice.wait_for("the second try acked", |v| {
        v["event"] == "message_state" && v["ref"] == "t2" && v["state"] == "acked"
    });
    let got = bob
        .wait_stanza(Duration::from_secs(10), |el| el.name() == "message")
        .expect("the second try reached bob");
    let encrypted = got
        .get_child("encrypted", "urn:xmpp:omemo:2")
        .unwrap_or_else(|| panic!("encrypted: {}", String::from(&got)));
    let header = encrypted
        .get_child("header", "urn:xmpp:omemo:2")
        .expect("header");
    let keys = header.get_child("keys", "urn:xmpp:omemo:2").expect("keys");
    let key = keys.children().next().expect("a key");
    assert_eq!(key.attr("rid"), Some("77"), "{}", String::from(&got));
    assert_eq!(
        key.attr("kex"),
        Some("true"),
        "a new session: {}",
        String::from(&got)
    );
    assert!(
        got.get_child("body", "jabber:client")
            .is_none_or(|b| !b.text().contains("second try"))
    );
}
