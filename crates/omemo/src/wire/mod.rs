//! The protobuf messages of both OMEMO versions (no XML: the `<key>` element's base64 content).
//!
//! OMEMO 0.3 (libsignal): `WhisperMessage = 0x33 || OMEMOMessage || mac[8]`, and while a session
//! is unacknowledged `PreKeyWhisperMessage = 0x33 || OMEMOKeyExchange` wrapping it.
//! OMEMO 2: `OMEMOAuthenticatedMessage { mac[16], OMEMOMessage }`, wrapped in `OMEMOKeyExchange`.
//! Field numbers differ between the versions; they are taken from python-oldmemo/-twomemo's
//! `.proto` descriptors (0.3 ones equal libsignal's `WhisperTextProtocol.proto`).

pub(crate) mod proto;

use crate::version::{Version, decode_public, encode_public};
use crate::{Error, Result};
use proto::{bytes, decode, put_bytes, put_uint, uint};

/// OMEMO 0.3's version byte: high nibble = message version 3, low nibble = current version 3.
pub(crate) const VERSION_BYTE_V03: u8 = 0x33;

/// The Double Ratchet header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// The sender's current ratchet public key (Curve25519).
    pub dh: [u8; 32],
    /// Length of the sender's previous sending chain.
    pub pn: u32,
    /// Index of this message in the sending chain.
    pub n: u32,
}

/// A parsed ratchet message, borrowing from its input.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RatchetMessage<'a> {
    pub header: Header,
    pub ciphertext: &'a [u8],
    pub mac: &'a [u8],
    /// The bytes the MAC covers after the associated data.
    pub authenticated: &'a [u8],
}

/// Serialises the OMEMOMessage (header and ciphertext) of `version`; for 0.3 with the version byte
/// in front. The MAC goes over exactly these bytes.
pub(crate) fn encode_omemo_message(
    version: Version,
    header: &Header,
    ciphertext: &[u8],
) -> Vec<u8> {
    let dh = encode_public(version, &header.dh);
    let mut out = Vec::with_capacity(ciphertext.len() + dh.len() + 20);
    match version {
        Version::V03 => {
            out.push(VERSION_BYTE_V03);
            put_bytes(&mut out, 1, &dh);
            put_uint(&mut out, 2, header.n);
            put_uint(&mut out, 3, header.pn);
            put_bytes(&mut out, 4, ciphertext);
        }
        Version::V2 => {
            put_uint(&mut out, 1, header.n);
            put_uint(&mut out, 2, header.pn);
            put_bytes(&mut out, 3, &dh);
            put_bytes(&mut out, 4, ciphertext);
        }
    }
    out
}

/// Joins the authenticated bytes and their MAC into the ratchet message of `version`.
pub(crate) fn encode_ratchet_message(
    version: Version,
    authenticated: &[u8],
    mac: &[u8],
) -> Vec<u8> {
    match version {
        Version::V03 => [authenticated, mac].concat(),
        Version::V2 => {
            let mut out = Vec::with_capacity(authenticated.len() + mac.len() + 8);
            put_bytes(&mut out, 1, mac);
            put_bytes(&mut out, 2, authenticated);
            out
        }
    }
}

fn decode_omemo_message(version: Version, message: &[u8]) -> Result<(Header, &[u8])> {
    let (dh, n, pn, ciphertext) = match version {
        Version::V03 => {
            let [dh, n, pn, ct] = decode(message, [(1, true), (2, false), (3, false), (4, true)])?;
            (dh, n, pn, ct)
        }
        Version::V2 => {
            let [n, pn, dh, ct] = decode(message, [(1, false), (2, false), (3, true), (4, true)])?;
            (dh, n, pn, ct)
        }
    };
    let header = Header {
        dh: decode_public(version, bytes(dh, "dh_pub missing")?)?,
        pn: uint(pn, "pn missing")?,
        n: uint(n, "n missing")?,
    };
    Ok((header, bytes(ciphertext, "ciphertext missing")?))
}

/// Parses a ratchet message (not a key exchange) of `version`.
pub(crate) fn decode_ratchet_message(version: Version, input: &[u8]) -> Result<RatchetMessage<'_>> {
    let (authenticated, mac, message) = match version {
        Version::V03 => {
            let split = input
                .len()
                .checked_sub(version.mac_len())
                .ok_or(Error::Malformed("message too short"))?;
            let (authenticated, mac) = input.split_at(split);
            match authenticated.split_first() {
                Some((&VERSION_BYTE_V03, message)) => (authenticated, mac, message),
                _ => return Err(Error::Malformed("wrong version byte")),
            }
        }
        Version::V2 => {
            let [mac, message] = decode(input, [(1, true), (2, true)])?;
            let mac = bytes(mac, "mac missing")?;
            if mac.len() != version.mac_len() {
                return Err(Error::Malformed("mac is not 16 bytes"));
            }
            let message = bytes(message, "message missing")?;
            (message, mac, message)
        }
    };
    let (header, ciphertext) = decode_omemo_message(version, message)?;
    Ok(RatchetMessage {
        header,
        ciphertext,
        mac,
        authenticated,
    })
}

/// The key exchange (pre-key message) fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct KeyExchange<'a> {
    pub pre_key_id: u32,
    pub signed_pre_key_id: u32,
    /// Sender's identity key, wire form.
    pub identity_key: &'a [u8],
    pub ephemeral_key: [u8; 32],
    /// The ratchet message inside.
    pub message: &'a [u8],
}

pub(crate) fn encode_key_exchange(version: Version, kx: &KeyExchange<'_>) -> Vec<u8> {
    let ek = encode_public(version, &kx.ephemeral_key);
    let mut out = Vec::with_capacity(kx.message.len() + kx.identity_key.len() + ek.len() + 24);
    match version {
        Version::V03 => {
            out.push(VERSION_BYTE_V03);
            put_uint(&mut out, 1, kx.pre_key_id);
            put_bytes(&mut out, 2, &ek);
            put_bytes(&mut out, 3, kx.identity_key);
            put_bytes(&mut out, 4, kx.message);
            put_uint(&mut out, 6, kx.signed_pre_key_id);
        }
        Version::V2 => {
            put_uint(&mut out, 1, kx.pre_key_id);
            put_uint(&mut out, 2, kx.signed_pre_key_id);
            put_bytes(&mut out, 3, kx.identity_key);
            put_bytes(&mut out, 4, &ek);
            put_bytes(&mut out, 5, kx.message);
        }
    }
    out
}

pub(crate) fn decode_key_exchange(version: Version, input: &[u8]) -> Result<KeyExchange<'_>> {
    let (pk, spk, ik, ek, message) = match version {
        Version::V03 => {
            let body = match input.split_first() {
                Some((&VERSION_BYTE_V03, body)) => body,
                _ => return Err(Error::Malformed("wrong version byte")),
            };
            // Field 5 (libsignal's registrationId) is optional and unused: skipped as unknown.
            let [pk, ek, ik, msg, spk] = decode(
                body,
                [(1, false), (2, true), (3, true), (4, true), (6, false)],
            )?;
            (pk, spk, ik, ek, msg)
        }
        Version::V2 => {
            let [pk, spk, ik, ek, msg] = decode(
                input,
                [(1, false), (2, false), (3, true), (4, true), (5, true)],
            )?;
            (pk, spk, ik, ek, msg)
        }
    };
    Ok(KeyExchange {
        pre_key_id: uint(pk, "pk_id missing")?,
        signed_pre_key_id: uint(spk, "spk_id missing")?,
        identity_key: bytes(ik, "ik missing")?,
        ephemeral_key: decode_public(version, bytes(ek, "ek missing")?)?,
        message: bytes(message, "message missing")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratchet_message_round_trip_both_versions() {
        for version in [Version::V03, Version::V2] {
            let header = Header {
                dh: [7; 32],
                pn: 3,
                n: 1000,
            };
            let authenticated = encode_omemo_message(version, &header, b"ciphertext");
            let mac = vec![0xaa; version.mac_len()];
            let wire = encode_ratchet_message(version, &authenticated, &mac);
            let parsed = decode_ratchet_message(version, &wire).unwrap();
            assert_eq!(parsed.header, header);
            assert_eq!(parsed.ciphertext, b"ciphertext");
            assert_eq!(parsed.mac, &mac[..]);
            assert_eq!(parsed.authenticated, &authenticated[..]);
        }
    }

    #[test]
    fn truncations_and_garbage_are_errors() {
        for version in [Version::V03, Version::V2] {
            let header = Header {
                dh: [7; 32],
                pn: 3,
                n: 1,
            };
            let authenticated = encode_omemo_message(version, &header, b"ct");
            let wire = encode_ratchet_message(version, &authenticated, &vec![1; version.mac_len()]);
            for len in 0..wire.len() {
                // Every truncation either fails to parse or (0.3: MAC is just the tail) yields a
                // message whose MAC will not match; none panics.
                let _ = decode_ratchet_message(version, &wire[..len]);
            }
            assert!(decode_ratchet_message(version, &[]).is_err());
            assert!(decode_ratchet_message(version, &[0xff; 64]).is_err());
            let kx = KeyExchange {
                pre_key_id: 1,
                signed_pre_key_id: 2,
                identity_key: &[5; 33],
                ephemeral_key: [9; 32],
                message: &wire,
            };
            let encoded = encode_key_exchange(version, &kx);
            assert_eq!(decode_key_exchange(version, &encoded).unwrap(), kx);
            for len in 0..encoded.len() {
                assert!(
                    decode_key_exchange(version, &encoded[..len]).is_err(),
                    "{version:?} {len}"
                );
            }
        }
    }
}
