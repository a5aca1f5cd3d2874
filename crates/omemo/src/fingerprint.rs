//! Fingerprints as users compare them: lowercase hex in eight groups of eight characters.
//!
//! - OMEMO 0.3: the Curve25519 key without the 0x05 type byte, as Conversations, Dino and Gajim
//!   show it.
//! - OMEMO 2: the Ed25519 key, as QXmpp/Kaidan use it as the key id (also in `omemo2-sid-…`
//!   trust URIs). Note: python-omemo (so slixmpp-omemo and Gajim's OMEMO 2 code) shows the
//!   *Curve25519* form for both versions; [`IdentityKeyPair::curve25519_public`] and
//!   [`RemoteIdentity::curve25519`] give that form if the UI wants to match those clients.
//!
//! [`IdentityKeyPair::curve25519_public`]: crate::IdentityKeyPair::curve25519_public
//! [`RemoteIdentity::curve25519`]: crate::RemoteIdentity::curve25519

use crate::Version;

/// Eight space-separated groups of eight lowercase hex characters (for a 32-byte key).
pub fn format(key: &[u8]) -> String {
    let hex = hex(key);
    let mut out = String::with_capacity(hex.len() + hex.len() / 8);
    for (i, c) in hex.chars().enumerate() {
        if i > 0 && i % 8 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

pub(crate) fn of_keys(version: Version, curve: &[u8; 32], ed: &[u8; 32]) -> String {
    match version {
        Version::V03 => format(curve),
        Version::V2 => format(ed),
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn groups_of_eight() {
        let key: Vec<u8> = (0u8..32).collect();
        assert_eq!(
            super::format(&key),
            "00010203 04050607 08090a0b 0c0d0e0f 10111213 14151617 18191a1b 1c1d1e1f"
        );
    }
}
