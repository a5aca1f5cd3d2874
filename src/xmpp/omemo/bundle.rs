//! A device's bundle: what another device needs to start a session with it
//! (X3DH): the identity key, the signed pre-key with its signature, and
//! one-time pre-keys. Keys here are the raw 32 bytes; the variants differ
//! in element names, in the identity key's form (0.3: Curve25519 with the
//! type byte on the wire; OMEMO 2: Ed25519) and in where the 0.3
//! signature keeps the identity's sign bit (its last byte's top bit —
//! left as it is here, for the cryptography to read).

use tokio_xmpp::minidom::Element;

use super::{
    MAX_PREKEYS, OmemoXmlError, Version, base64_element, decode_array, legacy_key, legacy_key_bytes,
};

/// A one-time pre-key: its id and public key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreKey {
    pub id: u32,
    pub key: [u8; 32],
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bundle {
    /// 0.3: the Curve25519 identity key; OMEMO 2: the Ed25519 one.
    pub identity: [u8; 32],
    pub signed_pre_key_id: u32,
    pub signed_pre_key: [u8; 32],
    pub signature: [u8; 64],
    pub pre_keys: Vec<PreKey>,
}

/// Element names of each variant.
struct Names {
    spk: &'static str,
    spk_id: &'static str,
    signature: &'static str,
    identity: &'static str,
    pre_key: &'static str,
    pre_key_id: &'static str,
}

fn names(version: Version) -> Names {
    match version {
        Version::Legacy => Names {
            spk: "signedPreKeyPublic",
            spk_id: "signedPreKeyId",
            signature: "signedPreKeySignature",
            identity: "identityKey",
            pre_key: "preKeyPublic",
            pre_key_id: "preKeyId",
        },
        Version::V2 => Names {
            spk: "spk",
            spk_id: "id",
            signature: "spks",
            identity: "ik",
            pre_key: "pk",
            pre_key_id: "id",
        },
    }
}

fn key(version: Version, text: &str, what: &'static str) -> Result<[u8; 32], OmemoXmlError> {
    match version {
        Version::Legacy => legacy_key(text, what),
        Version::V2 => decode_array(text, what),
    }
}

fn key_bytes(version: Version, key: &[u8; 32]) -> Vec<u8> {
    match version {
        Version::Legacy => legacy_key_bytes(key),
        Version::V2 => key.to_vec(),
    }
}

impl Bundle {
    /// Reads a bundle. Everything but the one-time pre-keys is required
    /// and must have the right length; a pre-key that does not is skipped,
    /// and at most `MAX_PREKEYS` are read.
    pub fn parse(version: Version, el: &Element) -> Result<Bundle, OmemoXmlError> {
        let ns = version.ns();
        if !el.is("bundle", ns) {
            return Err(OmemoXmlError::NotOmemo);
        }
        let n = names(version);
        let child = |name: &'static str| el.get_child(name, ns).ok_or(OmemoXmlError::Missing(name));
        let spk = child(n.spk)?;
        let signed_pre_key_id = spk
            .attr(n.spk_id)
            .and_then(|id| id.trim().parse::<u32>().ok())
            .ok_or(OmemoXmlError::Missing("signed pre-key id"))?;
        let pre_keys = el
            .get_child("prekeys", ns)
            .into_iter()
            .flat_map(|p| p.children().filter(|c| c.is(n.pre_key, ns)))
            .filter_map(|pk| {
                Some(PreKey {
                    id: pk.attr(n.pre_key_id)?.trim().parse().ok()?,
                    key: key(version, &pk.text(), "pre-key").ok()?,
                })
            })
            .take(MAX_PREKEYS)
            .collect();
        Ok(Bundle {
            identity: key(version, &child(n.identity)?.text(), "identity key")?,
            signed_pre_key_id,
            signed_pre_key: key(version, &spk.text(), "signed pre-key")?,
            signature: decode_array(&child(n.signature)?.text(), "signature")?,
            pre_keys,
        })
    }

    pub fn to_element(&self, version: Version) -> Element {
        let ns = version.ns();
        let n = names(version);
        let spk_id = self.signed_pre_key_id.to_string();
        let spk = base64_element(
            n.spk,
            ns,
            &[(n.spk_id, &spk_id)],
            &key_bytes(version, &self.signed_pre_key),
        );
        let mut pre_keys = Element::builder("prekeys", ns).build();
        for pk in &self.pre_keys {
            let id = pk.id.to_string();
            let key = key_bytes(version, &pk.key);
            pre_keys.append_child(base64_element(n.pre_key, ns, &[(n.pre_key_id, &id)], &key));
        }
        Element::builder("bundle", ns)
            .append(spk)
            .append(base64_element(n.signature, ns, &[], &self.signature))
            .append(base64_element(
                n.identity,
                ns,
                &[],
                &key_bytes(version, &self.identity),
            ))
            .append(pre_keys)
            .build()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xmpp::omemo::encode;

    fn sample() -> Bundle {
        Bundle {
            identity: [1; 32],
            signed_pre_key_id: 3,
            signed_pre_key: [2; 32],
            signature: [4; 64],
            pre_keys: (1..=3)
                .map(|id| PreKey {
                    id,
                    key: [id as u8; 32],
                })
                .collect(),
        }
    }

    #[test]
    fn both_variants_round_trip() {
        for version in Version::ALL {
            let el = sample().to_element(version);
            assert_eq!(Bundle::parse(version, &el), Ok(sample()), "{version:?}");
        }
    }

    #[test]
    fn a_conversations_bundle_reads() {
        // From xmpp-parsers' legacy_omemo test (a real Conversations bundle, shortened).
        let el: Element = "<bundle xmlns='eu.siacs.conversations.axolotl'>\
          <signedPreKeyPublic signedPreKeyId='1'>BYAbACA15bPn95p7RGC2XbgQyly8aRKS4BaJ+hD8Ybhe</signedPreKeyPublic>\
          <signedPreKeySignature>sIJVNDZi/NgFsry4OBdM+adyGttLEXbUh/h/5dVOZveMgyVoIdgwBUzq8Wgd2xYTQMioNzwYebTX+9p0h9eujA==</signedPreKeySignature>\
          <identityKey>BQFd2p/Oq97vAAdLKA09DlcSg0x1xWn260p1jaeyIhAZ</identityKey>\
          <prekeys><preKeyPublic preKeyId='1'>BbjHsF5ndtNV8ToRcJTYSNGePgAWsFGkSL6OG7B7LXRe</preKeyPublic></prekeys>\
          </bundle>"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
        let b = Bundle::parse(Version::Legacy, &el).unwrap();
        assert_eq!(b.signed_pre_key_id, 1);
        assert_eq!(b.identity[0], 0x01);
        assert_eq!(b.pre_keys.len(), 1);
    }

    #[test]
    fn malformed_bundles_are_errors_and_odd_pre_keys_skipped() {
        let ns = Version::V2.ns();
        let b64 = |n: usize| encode(&vec![1u8; n]);
        let bundle = |spk: &str, spks: &str, ik: &str, pks: &str| -> Element {
            format!("<bundle xmlns='{ns}'>{spk}{spks}{ik}<prekeys>{pks}</prekeys></bundle>")
                .parse()
                .unwrap_or_else(|e| panic!("{e}"))
        };
        let spk = format!("<spk id='1'>{}</spk>", b64(32));
        let spks = format!("<spks>{}</spks>", b64(64));
        let ik = format!("<ik>{}</ik>", b64(32));
        let pk = format!("<pk id='1'>{}</pk>", b64(32));
        assert!(Bundle::parse(Version::V2, &bundle(&spk, &spks, &ik, &pk)).is_ok());
        // Each required part missing in turn.
        for (el, name) in [
            (bundle("", &spks, &ik, &pk), "spk"),
            (bundle(&spk, "", &ik, &pk), "spks"),
            (bundle(&spk, &spks, "", &pk), "ik"),
        ] {
            assert_eq!(
                Bundle::parse(Version::V2, &el),
                Err(OmemoXmlError::Missing(name))
            );
        }
        let no_id = format!("<spk>{}</spk>", b64(32));
        assert!(Bundle::parse(Version::V2, &bundle(&no_id, &spks, &ik, &pk)).is_err());
        // A key of the wrong length.
        let short = format!("<ik>{}</ik>", b64(31));
        assert!(matches!(
            Bundle::parse(Version::V2, &bundle(&spk, &spks, &short, &pk)),
            Err(OmemoXmlError::BadLength { .. })
        ));
        // Pre-keys: bad ones skipped, the number bounded.
        let mut many = format!(
            "<pk id='2'>{}</pk><pk>{}</pk><pk id='x'>{}</pk>",
            b64(5),
            b64(32),
            b64(32)
        );
        for i in 0..1000 {
            many.push_str(&format!("<pk id='{}'>{}</pk>", 100 + i, b64(32)));
        }
        let b = Bundle::parse(Version::V2, &bundle(&spk, &spks, &ik, &many)).unwrap();
        assert_eq!(b.pre_keys.len(), MAX_PREKEYS);
        assert_eq!(b.pre_keys[0].id, 100);
        // The other variant's bundle is not this one's.
        assert_eq!(
            Bundle::parse(Version::Legacy, &bundle(&spk, &spks, &ik, &pk)),
            Err(OmemoXmlError::NotOmemo)
        );
    }
}
