//! The other side of an OMEMO 2 session, written with the crypto core on a
//! raw client: reads a contact's device and bundle from PEP, starts a
//! session on it as a device of its own and writes encrypted messages.
//! For tests and benches that need many devices or many messages, where
//! the Python bot would be slow.

use std::time::{Duration, Instant};

use plausch::xmpp::omemo::{Bundle, DeviceId, DeviceList, Encrypted, KeyFor, Version};
use rand_core::OsRng;
use tokio_xmpp::jid::BareJid;
use tokio_xmpp::minidom::Element;

use super::raw::RawClient;

const PUBSUB: &str = "http://jabber.org/protocol/pubsub";

/// The payload of item `item` (else the newest) of `jid`'s PEP `node`,
/// as `client` reads it.
pub fn pep_item(
    client: &mut RawClient,
    jid: &str,
    node: &str,
    item: Option<&str>,
) -> Option<Element> {
    let id = format!("pep-{}", uuid::Uuid::new_v4());
    let items = match item {
        Some(item) => format!("<items node='{node}'><item id='{item}'/></items>"),
        None => format!("<items node='{node}' max_items='1'/>"),
    };
    client.send_xml(&format!(
        "<iq xmlns='jabber:client' type='get' id='{id}' to='{jid}'>\
         <pubsub xmlns='{PUBSUB}'>{items}</pubsub></iq>"
    ));
    let answer = client.wait_stanza(Duration::from_secs(10), |el| {
        el.name() == "iq" && el.attr("id") == Some(id.as_str())
    })?;
    plausch::xmpp::pep::first_item(answer.get_child("pubsub", PUBSUB), node)
}

/// `jid`'s first device of `version` and its bundle, retried until it
/// was published (30 s at most).
pub fn device_and_bundle(client: &mut RawClient, jid: &str, version: Version) -> (u32, Bundle) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let found = pep_item(client, jid, version.devices_node(), None)
            .and_then(|el| DeviceList::parse(version, &el).ok())
            .and_then(|list| list.devices.first().map(|d| d.id))
            .and_then(|device| {
                let (node, item) = version.bundle_location(device);
                let el = pep_item(client, jid, &node, item.as_deref())?;
                Some((device.get(), Bundle::parse(version, &el).ok()?))
            });
        if let Some(found) = found {
            return found;
        }
        assert!(
            Instant::now() < deadline,
            "{jid}'s OMEMO bundle never appeared"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// `b` (of `version`) in the crypto core's form, with only the one-time
/// pre-keys `keep` accepts (a session picks one of them at random).
pub fn core_bundle(version: Version, b: &Bundle, keep: impl Fn(u32) -> bool) -> omemo::Bundle {
    omemo::Bundle {
        version: match version {
            Version::Legacy => omemo::Version::V03,
            Version::V2 => omemo::Version::V2,
        },
        identity_key: b.identity.to_vec(),
        signed_pre_key_id: b.signed_pre_key_id,
        signed_pre_key: b.signed_pre_key.to_vec(),
        signed_pre_key_signature: b.signature.to_vec(),
        pre_keys: b
            .pre_keys
            .iter()
            .filter(|k| keep(k.id))
            .map(|k| (k.id, k.key.to_vec()))
            .collect(),
    }
}

/// A device of ours writing to one device of the contact.
pub struct Peer {
    pub session: omemo::Session,
    /// Our device id.
    pub sid: DeviceId,
    /// The contact's device.
    pub rid: DeviceId,
    /// Our account (the SCE envelope's `from`).
    pub from: BareJid,
    /// The contact.
    pub to: BareJid,
}

impl Peer {
    /// A new device `sid` of `from` with a fresh identity, with a session
    /// on `bundle` (OMEMO 2) of `to`'s device `rid`.
    pub fn new(from: &str, sid: u32, to: &str, rid: u32, bundle: &omemo::Bundle) -> Peer {
        let identity = omemo::IdentityKeyPair::generate(&mut OsRng);
        Peer {
            session: omemo::Session::initiate(&identity, bundle, &mut OsRng)
                .expect("session on the contact's bundle"),
            sid: DeviceId::new(sid).expect("device id"),
            rid: DeviceId::new(rid).expect("device id"),
            from: from.parse().expect("jid"),
            to: to.parse().expect("jid"),
        }
    }

    /// An OMEMO 2 chat message with `body`, id `id`, asking for a receipt.
    pub fn message(&mut self, id: &str, body: &str) -> String {
        let envelope =
            plausch::xmpp::sce::Envelope::with_body(body, self.from.clone(), "padding".into());
        let payload = omemo::payload::encrypt_v2(&envelope.to_bytes(), &mut OsRng);
        let key = self
            .session
            .encrypt(&payload.key_material)
            .expect("encrypt");
        let e = Encrypted {
            version: Version::V2,
            sid: self.sid,
            keys: vec![KeyFor {
                jid: Some(self.to.clone()),
                rid: self.rid,
                prekey: key.prekey,
                data: key.data,
            }],
            iv: None,
            payload: Some(payload.ciphertext),
        };
        format!(
            "<message xmlns='jabber:client' type='chat' to='{}' id='{id}'>{}\
             <origin-id xmlns='urn:xmpp:sid:0' id='o-{id}'/>\
             <request xmlns='urn:xmpp:receipts'/></message>",
            self.to,
            String::from(&e.to_element())
        )
    }
}

/// Publishes, as `client`'s account, an OMEMO 2 device list with `device`
/// and its bundle with `pre_keys` one-time pre-keys (ids from 1), both
/// open to anyone; returns the identity the bundle is signed with (pass
/// it again to publish the same device's bundle anew).
pub fn publish_v2(
    client: &mut RawClient,
    device: u32,
    pre_keys: usize,
    identity: Option<omemo::IdentityKeyPair>,
) -> omemo::IdentityKeyPair {
    let identity = publish_v2_bundle(client, device, pre_keys, identity);
    publish_v2_list(client, &[device]);
    identity
}

/// Publishes `devices` as the account's OMEMO 2 device list (open).
pub fn publish_v2_list(client: &mut RawClient, devices: &[u32]) {
    let list: String = devices
        .iter()
        .map(|d| format!("<device id='{d}'/>"))
        .collect();
    let list = format!("<devices xmlns='urn:xmpp:omemo:2'>{list}</devices>");
    publish_open(client, Version::V2.devices_node(), "current", &list);
}

/// Publishes the OMEMO 2 bundle of `device` with `pre_keys` one-time
/// pre-keys (ids from 1), open to anyone; returns its identity.
pub fn publish_v2_bundle(
    client: &mut RawClient,
    device: u32,
    pre_keys: usize,
    identity: Option<omemo::IdentityKeyPair>,
) -> omemo::IdentityKeyPair {
    let identity = identity.unwrap_or_else(|| omemo::IdentityKeyPair::generate(&mut OsRng));
    let signed = omemo::SignedPreKey::generate(&identity, omemo::Version::V2, 1, 0, &mut OsRng);
    let keys = omemo::PreKey::generate_batch(1, pre_keys, &mut OsRng);
    let own = omemo::Bundle::own(omemo::Version::V2, &identity, &signed, &keys);
    let raw = |k: &[u8]| <[u8; 32]>::try_from(k).expect("32-byte key");
    let bundle = Bundle {
        identity: raw(&own.identity_key),
        signed_pre_key_id: own.signed_pre_key_id,
        signed_pre_key: raw(&own.signed_pre_key),
        signature: <[u8; 64]>::try_from(own.signed_pre_key_signature.as_slice())
            .expect("64-byte signature"),
        pre_keys: own
            .pre_keys
            .iter()
            .map(|(id, key)| plausch::xmpp::omemo::PreKey {
                id: *id,
                key: raw(key),
            })
            .collect(),
    };
    let (node, item) = Version::V2.bundle_location(DeviceId::new(device).expect("device id"));
    publish_open(
        client,
        &node,
        &item.unwrap_or_default(),
        &String::from(&bundle.to_element(Version::V2)),
    );
    identity
}

/// Publishes `payload` as item `item` of `node`, open to anyone, and
/// waits for the server to take it.
fn publish_open(client: &mut RawClient, node: &str, item: &str, payload: &str) {
    let id = format!("pub-{}", uuid::Uuid::new_v4());
    client.send_xml(&format!(
        "<iq xmlns='jabber:client' type='set' id='{id}'><pubsub xmlns='{PUBSUB}'>\
         <publish node='{node}'><item id='{item}'>{payload}</item></publish>\
         <publish-options><x xmlns='jabber:x:data' type='submit'>\
         <field var='FORM_TYPE' type='hidden'>\
         <value>http://jabber.org/protocol/pubsub#publish-options</value></field>\
         <field var='pubsub#access_model'><value>open</value></field>\
         </x></publish-options></pubsub></iq>"
    ));
    let answer = client
        .wait_stanza(Duration::from_secs(10), |el| {
            el.name() == "iq" && el.attr("id") == Some(id.as_str())
        })
        .expect("an answer to the publish");
    assert_eq!(
        answer.attr("type"),
        Some("result"),
        "{}",
        String::from(&answer)
    );
}
