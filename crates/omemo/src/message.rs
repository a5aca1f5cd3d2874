//! Encryption of one ratchet message (the key material of an OMEMO message) with a message key:
//!
//! ```text
//! enc key || auth key || IV = HKDF-SHA-256(salt = 0×32, ikm = message key, info)[..80]
//! ciphertext = AES-256-CBC-PKCS#7(enc key, IV, plaintext)
//! mac = HMAC-SHA-256(auth key, AD || authenticated bytes)[..8 (0.3) | 16 (OMEMO 2)]
//! ```
//!
//! where the authenticated bytes are `0x33 || OMEMOMessage` (0.3) or `OMEMOMessage` (OMEMO 2), and
//! AD is the X3DH associated data: for 0.3 in the order *sender IK || receiver IK* (libsignal's
//! habit), for OMEMO 2 always *initiator IK || responder IK*.

use aes::Aes256;
use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::version::Version;
use crate::wire::{self, Header, RatchetMessage};
use crate::{Error, Result};

/// AES key, MAC key and IV expanded from one key.
pub(crate) struct Keys {
    pub enc: Zeroizing<[u8; 32]>,
    pub auth: Zeroizing<[u8; 32]>,
    pub iv: Zeroizing<[u8; 16]>,
}

/// HKDF-SHA-256 with a zero salt into 32 + 32 + 16 bytes (also used for the OMEMO 2 payload).
pub(crate) fn expand80(ikm: &[u8], info: &[u8]) -> Keys {
    let hk = Hkdf::<Sha256>::new(Some(&[0u8; 32]), ikm);
    let mut okm = Zeroizing::new([0u8; 80]);
    // 80 bytes are far below HKDF-SHA-256's output limit.
    hk.expand(info, okm.as_mut())
        .unwrap_or_else(|_| unreachable!());
    let mut keys = Keys {
        enc: Zeroizing::new([0u8; 32]),
        auth: Zeroizing::new([0u8; 32]),
        iv: Zeroizing::new([0u8; 16]),
    };
    keys.enc.copy_from_slice(&okm[..32]);
    keys.auth.copy_from_slice(&okm[32..64]);
    keys.iv.copy_from_slice(&okm[64..]);
    keys
}

fn keys(version: Version, message_key: &[u8; 32]) -> Keys {
    expand80(message_key, version.message_key_info())
}

pub(crate) fn hmac_parts(key: &[u8; 32], parts: &[&[u8]]) -> Hmac<Sha256> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!());
    for part in parts {
        mac.update(part);
    }
    mac
}

pub(crate) fn cbc_encrypt(key: &[u8; 32], iv: &[u8; 16], plaintext: &[u8]) -> Vec<u8> {
    cbc::Encryptor::<Aes256>::new(key.into(), iv.into()).encrypt_padded_vec_mut::<Pkcs7>(plaintext)
}

pub(crate) fn cbc_decrypt(
    key: &[u8; 32],
    iv: &[u8; 16],
    ciphertext: &[u8],
) -> Option<Zeroizing<Vec<u8>>> {
    cbc::Decryptor::<Aes256>::new(key.into(), iv.into())
        .decrypt_padded_vec_mut::<Pkcs7>(ciphertext)
        .ok()
        .map(Zeroizing::new)
}

/// Encrypts `plaintext` under `message_key` into the wire form of a ratchet message.
pub(crate) fn seal(
    version: Version,
    message_key: &[u8; 32],
    header: &Header,
    ad: &[u8],
    plaintext: &[u8],
) -> Vec<u8> {
    let keys = keys(version, message_key);
    let ciphertext = cbc_encrypt(&keys.enc, &keys.iv, plaintext);
    let authenticated = wire::encode_omemo_message(version, header, &ciphertext);
    let tag = hmac_parts(&keys.auth, &[ad, &authenticated])
        .finalize()
        .into_bytes();
    wire::encode_ratchet_message(version, &authenticated, &tag[..version.mac_len()])
}

/// Checks the MAC (constant time) and decrypts.
pub(crate) fn open(
    version: Version,
    message_key: &[u8; 32],
    message: &RatchetMessage<'_>,
    ad: &[u8],
) -> Result<Zeroizing<Vec<u8>>> {
    let keys = keys(version, message_key);
    hmac_parts(&keys.auth, &[ad, message.authenticated])
        .verify_truncated_left(message.mac)
        .map_err(|_| Error::BadMac)?;
    cbc_decrypt(&keys.enc, &keys.iv, message.ciphertext).ok_or(Error::Malformed("bad padding"))
}
