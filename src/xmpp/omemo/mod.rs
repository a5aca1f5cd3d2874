//! OMEMO (XEP-0384) on the wire: the device list, the bundle and the
//! encrypted element, in both variants Plausch speaks — the old one
//! (`eu.siacs.conversations.axolotl`, "0.3": Conversations, Dino, Gajim,
//! Monal) and OMEMO 2 (`urn:xmpp:omemo:2`: Kaidan; its content is an
//! XEP-0420 envelope, see `sce`).
//!
//! Bytes in, bytes out: the cryptography is the `omemo` crate's, sessions
//! and trust are the account's. Reading is strict where the bytes feed the
//! cryptography (key lengths, the 0.3 key prefix) and bounded everywhere
//! (a hostile contact's device list or header cannot make us do unbounded
//! work), but one odd device or pre-key does not throw away the rest.

pub mod bundle;
pub mod devices;
pub mod encrypted;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use tokio_xmpp::minidom::Element;

pub use bundle::{Bundle, PreKey};
pub use devices::{Device, DeviceList};
pub use encrypted::{Encrypted, KeyFor, seal_message, sealed_from_xml, sealed_to_xml};

/// The old variant's namespace (XEP-0384 0.3).
pub const LEGACY_NS: &str = "eu.siacs.conversations.axolotl";
/// OMEMO 2's namespace (XEP-0384 0.8 and later).
pub const V2_NS: &str = "urn:xmpp:omemo:2";

const LEGACY_DEVICES_NODE: &str = "eu.siacs.conversations.axolotl.devicelist";
const LEGACY_BUNDLES_PREFIX: &str = "eu.siacs.conversations.axolotl.bundles:";
const V2_DEVICES_NODE: &str = "urn:xmpp:omemo:2:devices";
const V2_BUNDLES_NODE: &str = "urn:xmpp:omemo:2:bundles";

/// At most this many devices of one account are read from its list; the
/// rest are ignored (each device costs a bundle fetch and a key per message).
pub const MAX_DEVICES: usize = 64;
/// At most this many one-time pre-keys are read from a bundle (one is used).
pub const MAX_PREKEYS: usize = 200;
/// At most this many `<key/>` elements are read from a header.
pub const MAX_KEYS: usize = 1000;
/// The largest encrypted key (a ratchet message) read, in bytes.
pub const MAX_KEY_BYTES: usize = 1024;
/// The largest payload read, in bytes.
pub const MAX_PAYLOAD_BYTES: usize = 256 * 1024;

/// Which OMEMO a device list, bundle or message is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Version {
    /// `eu.siacs.conversations.axolotl` (0.3).
    Legacy,
    /// `urn:xmpp:omemo:2`.
    V2,
}

impl Version {
    /// Both, the preferred first.
    pub const ALL: [Version; 2] = [Version::V2, Version::Legacy];

    pub fn ns(self) -> &'static str {
        match self {
            Version::Legacy => LEGACY_NS,
            Version::V2 => V2_NS,
        }
    }

    /// The PEP node of an account's device list.
    pub fn devices_node(self) -> &'static str {
        match self {
            Version::Legacy => LEGACY_DEVICES_NODE,
            Version::V2 => V2_DEVICES_NODE,
        }
    }

    /// The PEP node and item id of a device's bundle: 0.3 has a node per
    /// device (its newest item), OMEMO 2 one node with an item per device.
    pub fn bundle_location(self, device: DeviceId) -> (String, Option<String>) {
        match self {
            Version::Legacy => (format!("{LEGACY_BUNDLES_PREFIX}{}", device.0), None),
            Version::V2 => (V2_BUNDLES_NODE.to_owned(), Some(device.0.to_string())),
        }
    }

    /// The item id a device list is published under (one item, replaced).
    pub fn devices_item(self) -> &'static str {
        "current"
    }

    /// The variant whose device list lives at `node`.
    pub fn of_devices_node(node: &str) -> Option<Version> {
        match node {
            LEGACY_DEVICES_NODE => Some(Version::Legacy),
            V2_DEVICES_NODE => Some(Version::V2),
            _ => None,
        }
    }

    /// Its name in the headless protocol and the store.
    pub fn as_str(self) -> &'static str {
        match self {
            Version::Legacy => "omemo",
            Version::V2 => "omemo2",
        }
    }
}

/// An OMEMO device id: 1 to 2³¹−1, as the XEP has it (0 and larger values
/// are refused; libsignal-based clients cannot handle them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DeviceId(u32);

impl DeviceId {
    pub const MAX: u32 = 0x7fff_ffff;

    pub fn new(id: u32) -> Option<DeviceId> {
        (1..=Self::MAX).contains(&id).then_some(DeviceId(id))
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

impl std::fmt::Display for DeviceId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::str::FromStr for DeviceId {
    type Err = OmemoXmlError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.trim()
            .parse::<u32>()
            .ok()
            .and_then(DeviceId::new)
            .ok_or(OmemoXmlError::BadDeviceId)
    }
}

/// Why an OMEMO element was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OmemoXmlError {
    #[error("not an OMEMO element")]
    NotOmemo,
    #[error("the OMEMO element lacks its {0}")]
    Missing(&'static str),
    #[error("the OMEMO element's {0} is not valid base64")]
    BadBase64(&'static str),
    #[error("the OMEMO element's {what} has {len} bytes")]
    BadLength { what: &'static str, len: usize },
    #[error("an OMEMO device id is not a number from 1 to 2147483647")]
    BadDeviceId,
}

/// Base64 from an element's text, leniently (line breaks, missing padding)
/// but bounded: more than `max` decoded bytes is an error.
fn decode(text: &str, what: &'static str, max: usize) -> Result<Vec<u8>, OmemoXmlError> {
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    // Four base64 characters carry three bytes.
    if compact.len() / 4 * 3 > max + 3 {
        return Err(OmemoXmlError::BadLength {
            what,
            len: compact.len() / 4 * 3,
        });
    }
    let bytes = STANDARD
        .decode(&compact)
        .or_else(|_| STANDARD_NO_PAD.decode(&compact))
        .map_err(|_| OmemoXmlError::BadBase64(what))?;
    if bytes.len() > max {
        return Err(OmemoXmlError::BadLength {
            what,
            len: bytes.len(),
        });
    }
    Ok(bytes)
}

/// Exactly `N` bytes of base64 text.
fn decode_array<const N: usize>(text: &str, what: &'static str) -> Result<[u8; N], OmemoXmlError> {
    let bytes = decode(text, what, N)?;
    <[u8; N]>::try_from(bytes.as_slice()).map_err(|_| OmemoXmlError::BadLength {
        what,
        len: bytes.len(),
    })
}

fn encode(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// Element `name` in `ns` with `attrs`, holding `bytes` as base64.
fn base64_element(name: &str, ns: &str, attrs: &[(&str, &str)], bytes: &[u8]) -> Element {
    let mut el = super::util::element(name, ns, attrs);
    el.append_text(encode(bytes));
    el
}

/// Whether an XML boolean attribute is set (`true` or `1`).
fn flag(el: &Element, attr: &str) -> bool {
    matches!(el.attr(attr).map(str::trim), Some("true" | "1"))
}

/// The 0.3 wire form of a Curve25519 public key: type byte 0x05, then the key.
const DJB_TYPE: u8 = 0x05;

fn legacy_key(text: &str, what: &'static str) -> Result<[u8; 32], OmemoXmlError> {
    let bytes = decode(text, what, 33)?;
    match bytes.split_first() {
        Some((&DJB_TYPE, key)) if key.len() == 32 => {
            <[u8; 32]>::try_from(key).map_err(|_| OmemoXmlError::BadLength { what, len: 33 })
        }
        _ => Err(OmemoXmlError::BadLength {
            what,
            len: bytes.len(),
        }),
    }
}

fn legacy_key_bytes(key: &[u8; 32]) -> Vec<u8> {
    let mut out = Vec::with_capacity(33);
    out.push(DJB_TYPE);
    out.extend_from_slice(key);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_ids_are_1_to_2_pow_31_minus_1() {
        assert_eq!("1".parse::<DeviceId>().map(DeviceId::get), Ok(1));
        assert_eq!(
            " 2147483647 ".parse::<DeviceId>().map(DeviceId::get),
            Ok(DeviceId::MAX)
        );
        for bad in ["0", "2147483648", "-1", "", "x", "4294967296"] {
            assert_eq!(
                bad.parse::<DeviceId>(),
                Err(OmemoXmlError::BadDeviceId),
                "{bad}"
            );
        }
    }

    #[test]
    fn base64_is_read_leniently_but_bounded() {
        assert_eq!(decode("AAEC\nAw==", "x", 10), Ok(vec![0, 1, 2, 3]));
        assert_eq!(decode("AAECAw", "x", 10), Ok(vec![0, 1, 2, 3]));
        assert_eq!(decode("!!", "x", 10), Err(OmemoXmlError::BadBase64("x")));
        assert!(matches!(
            decode(&"A".repeat(4000), "x", 100),
            Err(OmemoXmlError::BadLength { .. })
        ));
        assert!(matches!(
            decode_array::<4>("AAEC", "x"),
            Err(OmemoXmlError::BadLength { len: 3, .. })
        ));
    }

    #[test]
    fn legacy_keys_carry_the_type_byte() {
        let key = [7u8; 32];
        let wire = encode(&legacy_key_bytes(&key));
        assert_eq!(legacy_key(&wire, "k"), Ok(key));
        // Without the type byte, or with another one: refused.
        assert!(legacy_key(&encode(&key), "k").is_err());
        let mut other = legacy_key_bytes(&key);
        other[0] = 0x06;
        assert!(legacy_key(&encode(&other), "k").is_err());
    }

    #[test]
    fn nodes_of_both_variants() {
        let id = DeviceId::new(31415).unwrap();
        assert_eq!(
            Version::Legacy.bundle_location(id),
            (
                "eu.siacs.conversations.axolotl.bundles:31415".to_owned(),
                None
            )
        );
        assert_eq!(
            Version::V2.bundle_location(id),
            (
                "urn:xmpp:omemo:2:bundles".to_owned(),
                Some("31415".to_owned())
            )
        );
        for v in Version::ALL {
            assert_eq!(Version::of_devices_node(v.devices_node()), Some(v));
        }
        assert_eq!(Version::of_devices_node("urn:xmpp:avatar:data"), None);
    }
}
