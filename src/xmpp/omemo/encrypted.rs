//! The encrypted element of a message: the sender's device, the message
//! key encrypted once per recipient device (a ratchet message, or a
//! pre-key message that starts a session), and the payload. 0.3 lists the
//! keys flat with the payload's IV beside them; OMEMO 2 groups them by the
//! recipient's bare JID and has no IV (it is derived). A message without
//! payload is an empty OMEMO message (a heartbeat, a session's answer).

use tokio_xmpp::jid::BareJid;
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::message::{Lang, Message};

use super::{
    DeviceId, MAX_KEY_BYTES, MAX_KEYS, MAX_PAYLOAD_BYTES, OmemoXmlError, Version, base64_element,
    decode, flag,
};
use crate::xmpp::util::element;

/// The payload's key, encrypted for one device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyFor {
    /// The device's account (OMEMO 2; 0.3 does not say).
    pub jid: Option<BareJid>,
    pub rid: DeviceId,
    /// A pre-key message (0.3 `prekey`, OMEMO 2 `kex`): it starts a session.
    pub prekey: bool,
    pub data: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encrypted {
    pub version: Version,
    /// The sending device.
    pub sid: DeviceId,
    pub keys: Vec<KeyFor>,
    /// 0.3 only: the payload's AES-GCM IV.
    pub iv: Option<Vec<u8>>,
    pub payload: Option<Vec<u8>>,
}

const EME: &str = "urn:xmpp:eme:0";
const HINTS: &str = "urn:xmpp:hints";

/// The body sent beside an encrypted message for clients without OMEMO
/// (they show it instead).
pub const FALLBACK_BODY: &str =
    "This message is encrypted with OMEMO, which your client does not seem to support.";

/// 0.3 IVs are 12 bytes; some old clients sent 16.
const IV_LENGTHS: [usize; 2] = [12, 16];

impl Encrypted {
    /// The encrypted element of `msg`, OMEMO 2's if it carries both; None
    /// if it carries neither.
    pub fn of_message(msg: &Message) -> Option<Result<Encrypted, OmemoXmlError>> {
        Version::ALL.iter().find_map(|v| {
            msg.payloads
                .iter()
                .find(|p| p.is("encrypted", v.ns()))
                .map(Encrypted::parse)
        })
    }

    /// Every encrypted element of `msg`, OMEMO 2's first (a sender that
    /// speaks both may send one per variant, each for its devices).
    pub fn all_of_message(msg: &Message) -> Vec<Result<Encrypted, OmemoXmlError>> {
        Version::ALL
            .iter()
            .filter_map(|v| {
                msg.payloads
                    .iter()
                    .find(|p| p.is("encrypted", v.ns()))
                    .map(Encrypted::parse)
            })
            .collect()
    }

    /// Whether `msg` carries an encrypted element of either variant.
    pub fn in_message(msg: &Message) -> bool {
        msg.payloads
            .iter()
            .any(|p| Version::ALL.iter().any(|v| p.is("encrypted", v.ns())))
    }

    pub fn parse(el: &Element) -> Result<Encrypted, OmemoXmlError> {
        let version = Version::ALL
            .into_iter()
            .find(|v| el.is("encrypted", v.ns()))
            .ok_or(OmemoXmlError::NotOmemo)?;
        let ns = version.ns();
        let header = el
            .get_child("header", ns)
            .ok_or(OmemoXmlError::Missing("header"))?;
        let sid = header
            .attr("sid")
            .ok_or(OmemoXmlError::Missing("sender device"))?
            .parse::<DeviceId>()?;
        let mut keys = Vec::new();
        let mut read_key = |key: &Element, jid: Option<BareJid>, kex: &str| {
            if keys.len() == MAX_KEYS {
                return;
            }
            // A key we cannot read is for no device of ours (or broken):
            // the others may still be ours.
            let Some(rid) = key.attr("rid").and_then(|r| r.parse::<DeviceId>().ok()) else {
                return;
            };
            let Ok(data) = decode(&key.text(), "key", MAX_KEY_BYTES) else {
                return;
            };
            keys.push(KeyFor {
                jid,
                rid,
                prekey: flag(key, kex),
                data,
            });
        };
        match version {
            Version::Legacy => {
                for key in header.children().filter(|c| c.is("key", ns)) {
                    read_key(key, None, "prekey");
                }
            }
            Version::V2 => {
                for group in header.children().filter(|c| c.is("keys", ns)) {
                    let Some(jid) = group.attr("jid").and_then(|j| j.parse::<BareJid>().ok())
                    else {
                        continue;
                    };
                    for key in group.children().filter(|c| c.is("key", ns)) {
                        read_key(key, Some(jid.clone()), "kex");
                    }
                }
            }
        }
        let iv = match version {
            Version::Legacy => {
                let iv = header
                    .get_child("iv", ns)
                    .ok_or(OmemoXmlError::Missing("iv"))?;
                let iv = decode(&iv.text(), "iv", 16)?;
                if !IV_LENGTHS.contains(&iv.len()) {
                    return Err(OmemoXmlError::BadLength {
                        what: "iv",
                        len: iv.len(),
                    });
                }
                Some(iv)
            }
            Version::V2 => None,
        };
        let payload = el
            .get_child("payload", ns)
            .map(|p| decode(&p.text(), "payload", MAX_PAYLOAD_BYTES))
            .transpose()?;
        Ok(Encrypted {
            version,
            sid,
            keys,
            iv,
            payload,
        })
    }

    /// The key for our device `device` of account `own` (0.3 names only
    /// the device).
    pub fn key_for(&self, own: &BareJid, device: DeviceId) -> Option<&KeyFor> {
        self.keys
            .iter()
            .find(|k| k.rid == device && k.jid.as_ref().is_none_or(|j| j == own))
    }

    /// Whether this is an empty OMEMO message (no payload).
    pub fn is_empty(&self) -> bool {
        self.payload.is_none()
    }

    pub fn to_element(&self) -> Element {
        let ns = self.version.ns();
        let sid = self.sid.to_string();
        let mut header = element("header", ns, &[("sid", &sid)]);
        let key_element = |k: &KeyFor| {
            let rid = k.rid.to_string();
            let kex = match self.version {
                Version::Legacy => "prekey",
                Version::V2 => "kex",
            };
            let mut attrs = vec![("rid", rid.as_str())];
            if k.prekey {
                attrs.push((kex, "true"));
            }
            base64_element("key", ns, &attrs, &k.data)
        };
        match self.version {
            Version::Legacy => {
                for k in &self.keys {
                    header.append_child(key_element(k));
                }
                if let Some(iv) = &self.iv {
                    header.append_child(base64_element("iv", ns, &[], iv));
                }
            }
            Version::V2 => {
                // Grouped by account, in the order the accounts first appear.
                let mut jids: Vec<Option<&BareJid>> = Vec::new();
                for k in &self.keys {
                    if !jids.contains(&k.jid.as_ref()) {
                        jids.push(k.jid.as_ref());
                    }
                }
                for jid in jids.into_iter().flatten() {
                    let mut group = element("keys", ns, &[("jid", jid.as_str())]);
                    for k in self.keys.iter().filter(|k| k.jid.as_ref() == Some(jid)) {
                        group.append_child(key_element(k));
                    }
                    header.append_child(group);
                }
            }
        }
        let mut el = Element::builder("encrypted", ns).append(header).build();
        if let Some(payload) = &self.payload {
            el.append_child(base64_element("payload", ns, &[], payload));
        }
        el
    }

    /// `msg` carrying this element, with what goes beside it: the store
    /// hint (so the server archives a message that has no body it knows),
    /// XEP-0380's note of the encryption, and the fallback body.
    pub fn into_message(&self, mut msg: Message) -> Message {
        msg.payloads.push(self.to_element());
        msg.payloads.push(element(
            "encryption",
            EME,
            &[("namespace", self.version.ns()), ("name", "OMEMO")],
        ));
        msg.payloads.push(element("store", HINTS, &[]));
        if self.payload.is_some() {
            msg.bodies.clear();
            msg.bodies
                .insert(Lang(String::new()), FALLBACK_BODY.to_owned());
        }
        msg
    }
}

/// `msg` carrying `elements` (one per variant, each for the devices that
/// speak it), with what goes beside them (see [`Encrypted::into_message`]).
pub fn seal_message(msg: Message, elements: &[Encrypted]) -> Message {
    let Some((first, rest)) = elements.split_first() else {
        return msg;
    };
    let mut msg = first.into_message(msg);
    for e in rest {
        msg.payloads.push(e.to_element());
    }
    msg
}

/// Namespace of the wrapper in which [`sealed_to_xml`] keeps a message's
/// elements (ours, never on the wire).
const SEALED_NS: &str = "urn:plausch:omemo-sealed";

/// `elements` as one XML text, to keep with a queued message: sent again,
/// it carries the same keys (see `store::sessions`).
pub fn sealed_to_xml(elements: &[Encrypted]) -> String {
    let wrapper = Element::builder("sealed", SEALED_NS)
        .append_all(elements.iter().map(Encrypted::to_element))
        .build();
    String::from(&wrapper)
}

/// The elements [`sealed_to_xml`] wrote; None if `xml` is not such a text
/// or holds none that reads.
pub fn sealed_from_xml(xml: &str) -> Option<Vec<Encrypted>> {
    let wrapper: Element = xml.parse().ok()?;
    if !wrapper.is("sealed", SEALED_NS) {
        return None;
    }
    let elements: Vec<Encrypted> = wrapper
        .children()
        .filter_map(|c| Encrypted::parse(c).ok())
        .collect();
    (!elements.is_empty()).then_some(elements)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xmpp::omemo::encode;
    use crate::xmpp::util::testing::{jid, message};

    fn id(n: u32) -> DeviceId {
        DeviceId::new(n).unwrap()
    }

    fn sample(version: Version) -> Encrypted {
        let jid_of = |s: &str| (version == Version::V2).then(|| jid(s));
        Encrypted {
            version,
            sid: id(27183),
            keys: vec![
                KeyFor {
                    jid: jid_of("juliet@capulet.lit"),
                    rid: id(31415),
                    prekey: false,
                    data: vec![1, 2, 3],
                },
                KeyFor {
                    jid: jid_of("romeo@montague.lit"),
                    rid: id(12321),
                    prekey: true,
                    data: vec![4, 5],
                },
            ],
            iv: (version == Version::Legacy).then(|| vec![9; 12]),
            payload: Some(vec![7; 40]),
        }
    }

    #[test]
    fn sealed_elements_round_trip_and_garbage_reads_as_none() {
        let both: Vec<Encrypted> = Version::ALL.into_iter().map(sample).collect();
        assert_eq!(sealed_from_xml(&sealed_to_xml(&both)), Some(both));
        assert_eq!(sealed_from_xml(&sealed_to_xml(&[])), None);
        assert_eq!(sealed_from_xml("<sealed xmlns='other'/>"), None);
        assert_eq!(sealed_from_xml("not xml"), None);
    }

    #[test]
    fn both_variants_round_trip_through_a_message() {
        for version in Version::ALL {
            let e = sample(version);
            let msg = e.into_message(Message::new(Some(jid("juliet@capulet.lit").into())));
            assert!(Encrypted::in_message(&msg));
            assert_eq!(Encrypted::of_message(&msg), Some(Ok(e.clone())));
            assert_eq!(
                msg.bodies.get(&Lang(String::new())).map(String::as_str),
                Some(FALLBACK_BODY)
            );
            assert!(msg.payloads.iter().any(|p| p.is("store", HINTS)));
        }
    }

    #[test]
    fn the_xep_example_reads() {
        let msg = message(&format!(
            "<message xmlns='jabber:client' to='juliet@capulet.lit' from='romeo@montague.lit' id='send1'>\
             <encrypted xmlns='urn:xmpp:omemo:2'><header sid='27183'>\
             <keys jid='juliet@capulet.lit'><key rid='31415'>{k}</key></keys>\
             <keys jid='romeo@montague.lit'><key rid='1337'>{k}</key>\
             <key kex='true' rid='12321'>{k}</key></keys>\
             </header><payload>{k}</payload></encrypted></message>",
            k = encode(b"data")
        ));
        let e = Encrypted::of_message(&msg).unwrap().unwrap();
        assert_eq!(e.sid, id(27183));
        let mine = e.key_for(&jid("romeo@montague.lit"), id(12321)).unwrap();
        assert!(mine.prekey);
        assert_eq!(mine.data, b"data");
        // The same device id under another account is not ours.
        assert!(e.key_for(&jid("juliet@capulet.lit"), id(12321)).is_none());
        assert!(e.key_for(&jid("romeo@montague.lit"), id(5)).is_none());
    }

    #[test]
    fn a_legacy_message_from_conversations_reads() {
        let msg = message(&format!(
            "<message xmlns='jabber:client' to='bob@example.org' type='chat'>\
             <encrypted xmlns='eu.siacs.conversations.axolotl'><header sid='1234'>\
             <key prekey='1' rid='5678'>{k}</key><key rid='91011'>{k}</key>\
             <iv>{iv}</iv></header><payload>{k}</payload></encrypted>\
             <body>I sent you an OMEMO encrypted message…</body></message>",
            k = encode(b"key"),
            iv = encode(&[0; 12])
        ));
        let e = Encrypted::of_message(&msg).unwrap().unwrap();
        assert_eq!(e.version, Version::Legacy);
        let k = e.key_for(&jid("bob@example.org"), id(5678)).unwrap();
        assert!(k.prekey);
        assert_eq!(e.iv.as_deref(), Some(&[0u8; 12][..]));
    }

    #[test]
    fn an_empty_omemo_message_has_no_payload_and_keeps_no_body() {
        let e = Encrypted {
            payload: None,
            ..sample(Version::V2)
        };
        let msg = e.into_message(Message::new(None));
        assert!(Encrypted::of_message(&msg).unwrap().unwrap().is_empty());
        assert!(msg.bodies.is_empty());
    }

    #[test]
    fn hostile_elements_are_refused_or_bounded() {
        let wrap = |inner: &str| -> Element {
            format!("<encrypted xmlns='urn:xmpp:omemo:2'>{inner}</encrypted>")
                .parse()
                .unwrap_or_else(|e| panic!("{e}"))
        };
        assert_eq!(
            Encrypted::parse(&wrap("")),
            Err(OmemoXmlError::Missing("header"))
        );
        assert_eq!(
            Encrypted::parse(&wrap("<header/>")),
            Err(OmemoXmlError::Missing("sender device"))
        );
        assert_eq!(
            Encrypted::parse(&wrap("<header sid='0'/>")),
            Err(OmemoXmlError::BadDeviceId)
        );
        assert_eq!(
            Encrypted::parse(&wrap("<header sid='1'/><payload>!!</payload>")),
            Err(OmemoXmlError::BadBase64("payload"))
        );
        // Odd keys are skipped; a flood is bounded.
        let mut keys = format!(
            "<keys jid='not a jid@@'><key rid='1'>AA==</key></keys>\
             <keys jid='a@b'><key rid='0'>AA==</key><key rid='2'>!!</key>\
             <key rid='3'>{}</key></keys><keys jid='a@b'>",
            encode(&vec![0; MAX_KEY_BYTES + 1])
        );
        for i in 1..=2000 {
            keys.push_str(&format!("<key rid='{i}'>AA==</key>"));
        }
        keys.push_str("</keys>");
        let e = Encrypted::parse(&wrap(&format!("<header sid='1'>{keys}</header>"))).unwrap();
        assert_eq!(e.keys.len(), MAX_KEYS);
        assert_eq!(e.keys[0].rid, id(1));
        // 0.3 needs its IV, of a usable length.
        let legacy = |iv: &str| -> Result<Encrypted, OmemoXmlError> {
            let el: Element = format!(
                "<encrypted xmlns='eu.siacs.conversations.axolotl'><header sid='1'>{iv}</header></encrypted>"
            )
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
            Encrypted::parse(&el)
        };
        assert_eq!(legacy(""), Err(OmemoXmlError::Missing("iv")));
        assert!(matches!(
            legacy(&format!("<iv>{}</iv>", encode(&[0; 8]))),
            Err(OmemoXmlError::BadLength { .. })
        ));
        assert!(legacy(&format!("<iv>{}</iv>", encode(&[0; 16]))).is_ok());
    }
}
