//! The two OMEMO versions and everything that differs between them below the XML.

/// Which OMEMO a session, bundle or message belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Version {
    /// OMEMO 0.3, namespace `eu.siacs.conversations.axolotl` (Conversations, Dino, Gajim, Monal):
    /// the libsignal wire format.
    V03,
    /// OMEMO 2, namespace `urn:xmpp:omemo:2` (XEP-0384 0.8+; Kaidan, Gajim, slixmpp-omemo).
    V2,
}

impl Version {
    pub const fn namespace(self) -> &'static str {
        match self {
            Version::V03 => "eu.siacs.conversations.axolotl",
            Version::V2 => "urn:xmpp:omemo:2",
        }
    }

    /// HKDF info of the X3DH shared secret.
    pub(crate) const fn x3dh_info(self) -> &'static [u8] {
        match self {
            Version::V03 => b"WhisperText",
            Version::V2 => b"OMEMO X3DH",
        }
    }

    /// HKDF info of the root chain.
    pub(crate) const fn root_info(self) -> &'static [u8] {
        match self {
            Version::V03 => b"WhisperRatchet",
            Version::V2 => b"OMEMO Root Chain",
        }
    }

    /// HKDF info that expands a message key into AES key, MAC key and IV.
    pub(crate) const fn message_key_info(self) -> &'static [u8] {
        match self {
            Version::V03 => b"WhisperMessageKeys",
            Version::V2 => b"OMEMO Message Key Material",
        }
    }

    /// Length of the truncated HMAC-SHA-256 of a ratchet message.
    pub(crate) const fn mac_len(self) -> usize {
        match self {
            Version::V03 => 8,
            Version::V2 => 16,
        }
    }

    /// Length of an identity key as published and as it goes into the associated data:
    /// `0x05 || Curve25519` for 0.3, the plain Ed25519 key for OMEMO 2.
    pub(crate) const fn identity_len(self) -> usize {
        match self {
            Version::V03 => 33,
            Version::V2 => 32,
        }
    }

    pub(crate) const fn tag(self) -> u8 {
        match self {
            Version::V03 => 3,
            Version::V2 => 2,
        }
    }

    pub(crate) const fn from_tag(tag: u8) -> Option<Version> {
        match tag {
            3 => Some(Version::V03),
            2 => Some(Version::V2),
            _ => None,
        }
    }
}

/// libsignal's key type byte in front of Curve25519 public keys (OMEMO 0.3 only).
pub(crate) const DJB_TYPE: u8 = 0x05;

/// OMEMO 0.3 encodes a Curve25519 public key as `0x05 || key`.
pub(crate) fn encode_curve_v03(key: &[u8; 32]) -> [u8; 33] {
    let mut out = [0u8; 33];
    out[0] = DJB_TYPE;
    out[1..].copy_from_slice(key);
    out
}

/// The inverse of [`encode_curve_v03`]; anything else is malformed.
pub(crate) fn decode_curve_v03(bytes: &[u8]) -> crate::Result<[u8; 32]> {
    match bytes {
        [DJB_TYPE, rest @ ..] if rest.len() == 32 => {
            let mut key = [0u8; 32];
            key.copy_from_slice(rest);
            Ok(key)
        }
        _ => Err(crate::Error::Malformed(
            "public key is not 0x05 || 32 bytes",
        )),
    }
}

/// A 32-byte key from a slice of exactly that length.
pub(crate) fn key32(bytes: &[u8], what: &'static str) -> crate::Result<[u8; 32]> {
    <[u8; 32]>::try_from(bytes).map_err(|_| crate::Error::Malformed(what))
}

/// A public key in the form this version puts on the wire (identity keys are handled by
/// [`crate::IdentityKeyPair`] / [`crate::RemoteIdentity`]).
pub(crate) fn encode_public(version: Version, key: &[u8; 32]) -> Vec<u8> {
    match version {
        Version::V03 => encode_curve_v03(key).to_vec(),
        Version::V2 => key.to_vec(),
    }
}

pub(crate) fn decode_public(version: Version, bytes: &[u8]) -> crate::Result<[u8; 32]> {
    match version {
        Version::V03 => decode_curve_v03(bytes),
        Version::V2 => key32(bytes, "public key is not 32 bytes"),
    }
}
