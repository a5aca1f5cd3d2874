//! Encryption of the message body (the `<payload>`), whose key travels through the ratchets.
//!
//! - OMEMO 0.3: AES-128-GCM, a random 16-byte key and 12-byte IV; the ratchets carry
//!   `key || tag` (32 bytes), the IV goes in the `<iv>` element. For old senders we also accept
//!   a 16-byte key with the tag at the end of the payload, and 16-byte IVs.
//! - OMEMO 2: a random 32-byte key; `HKDF-SHA-256(salt = 0×32, key, "OMEMO Payload")` gives
//!   AES-256 key || HMAC key || IV; AES-256-CBC-PKCS#7, HMAC-SHA-256 over the ciphertext truncated
//!   to 16 bytes; the ratchets carry `key || mac` (48 bytes). The plaintext is an XEP-0420 SCE
//!   envelope, bytes to this crate.

use aes_gcm::aead::consts::U16;
use aes_gcm::aead::generic_array::GenericArray;
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes128Gcm, AesGcm};
use hmac::Mac;
use rand_core::{CryptoRng, RngCore};
use zeroize::Zeroizing;

use crate::message::{cbc_decrypt, cbc_encrypt, expand80, hmac_parts};
use crate::{Error, Result};

/// Length of the key material the ratchet carries: 0.3 `key || GCM tag`, OMEMO 2 `key || mac`.
pub const KEY_MATERIAL_LEN_V03: usize = 32;
pub const KEY_MATERIAL_LEN_V2: usize = 48;

/// An encrypted OMEMO 0.3 payload.
#[derive(Clone, PartialEq, Eq)]
pub struct PayloadV03 {
    /// `key (16) || tag (16)`, to encrypt for each recipient device. Zeroized on drop.
    pub key_material: Zeroizing<Vec<u8>>,
    pub iv: [u8; 12],
    pub ciphertext: Vec<u8>,
}

impl std::fmt::Debug for PayloadV03 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PayloadV03")
            .field("len", &self.ciphertext.len())
            .finish_non_exhaustive()
    }
}

/// An encrypted OMEMO 2 payload.
#[derive(Clone, PartialEq, Eq)]
pub struct PayloadV2 {
    /// `key (32) || mac (16)`, to encrypt for each recipient device. Zeroized on drop.
    pub key_material: Zeroizing<Vec<u8>>,
    pub ciphertext: Vec<u8>,
}

impl std::fmt::Debug for PayloadV2 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PayloadV2")
            .field("len", &self.ciphertext.len())
            .finish_non_exhaustive()
    }
}

pub fn encrypt_v03<R: RngCore + CryptoRng>(plaintext: &[u8], rng: &mut R) -> Result<PayloadV03> {
    let mut key = Zeroizing::new([0u8; 16]);
    let mut iv = [0u8; 12];
    rng.fill_bytes(key.as_mut());
    rng.fill_bytes(&mut iv);
    encrypt_v03_with(&key, &iv, plaintext)
}

/// With a given key and IV (tests and vectors; use [`encrypt_v03`] otherwise).
pub fn encrypt_v03_with(key: &[u8; 16], iv: &[u8; 12], plaintext: &[u8]) -> Result<PayloadV03> {
    let cipher = Aes128Gcm::new(key.into());
    // aes-gcm only fails for plaintexts beyond 64 GiB.
    let mut sealed = cipher
        .encrypt(iv.into(), plaintext)
        .map_err(|_| Error::Malformed("payload too long"))?;
    let tag = sealed.split_off(sealed.len().saturating_sub(16));
    let mut key_material = Zeroizing::new(Vec::with_capacity(32));
    key_material.extend_from_slice(key);
    key_material.extend_from_slice(&tag);
    Ok(PayloadV03 {
        key_material,
        iv: *iv,
        ciphertext: sealed,
    })
}

/// Decrypts an OMEMO 0.3 payload. `key_material` is `key || tag` (32 bytes), or a bare 16-byte
/// key with the tag at the end of `ciphertext` (old senders); `iv` is 12 or 16 bytes.
pub fn decrypt_v03(
    key_material: &[u8],
    iv: &[u8],
    ciphertext: &[u8],
) -> Result<Zeroizing<Vec<u8>>> {
    let (key, sealed) = match key_material.len() {
        32 => (
            &key_material[..16],
            [ciphertext, &key_material[16..]].concat(),
        ),
        16 => (key_material, ciphertext.to_vec()),
        _ => return Err(Error::Malformed("0.3 key material is not 16 or 32 bytes")),
    };
    let key = GenericArray::from_slice(key);
    let plaintext = match iv.len() {
        12 => Aes128Gcm::new(key).decrypt(
            GenericArray::from_slice(iv),
            Payload::from(sealed.as_slice()),
        ),
        16 => AesGcm::<aes::Aes128, U16>::new(key).decrypt(
            GenericArray::from_slice(iv),
            Payload::from(sealed.as_slice()),
        ),
        _ => return Err(Error::Malformed("IV is not 12 or 16 bytes")),
    };
    plaintext
        .map(Zeroizing::new)
        .map_err(|_| Error::PayloadDecrypt)
}

pub fn encrypt_v2<R: RngCore + CryptoRng>(plaintext: &[u8], rng: &mut R) -> PayloadV2 {
    let mut key = Zeroizing::new([0u8; 32]);
    rng.fill_bytes(key.as_mut());
    encrypt_v2_with(&key, plaintext)
}

const PAYLOAD_INFO: &[u8] = b"OMEMO Payload";

/// With a given key (tests and vectors; use [`encrypt_v2`] otherwise).
pub fn encrypt_v2_with(key: &[u8; 32], plaintext: &[u8]) -> PayloadV2 {
    let keys = expand80(key, PAYLOAD_INFO);
    let ciphertext = cbc_encrypt(&keys.enc, &keys.iv, plaintext);
    let tag = hmac_parts(&keys.auth, &[&ciphertext])
        .finalize()
        .into_bytes();
    let mut key_material = Zeroizing::new(Vec::with_capacity(48));
    key_material.extend_from_slice(key);
    key_material.extend_from_slice(&tag[..16]);
    PayloadV2 {
        key_material,
        ciphertext,
    }
}

/// Decrypts an OMEMO 2 payload; `key_material` is `key (32) || mac (16)`.
pub fn decrypt_v2(key_material: &[u8], ciphertext: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
    if key_material.len() != KEY_MATERIAL_LEN_V2 {
        return Err(Error::Malformed("OMEMO 2 key material is not 48 bytes"));
    }
    let key = <[u8; 32]>::try_from(&key_material[..32]).map_err(|_| Error::Malformed("key"))?;
    let key = Zeroizing::new(key);
    let keys = expand80(key.as_ref(), PAYLOAD_INFO);
    hmac_parts(&keys.auth, &[ciphertext])
        .verify_truncated_left(&key_material[32..])
        .map_err(|_| Error::PayloadDecrypt)?;
    cbc_decrypt(&keys.enc, &keys.iv, ciphertext).ok_or(Error::PayloadDecrypt)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_tampering() {
        let p = encrypt_v03_with(&[1; 16], &[2; 12], b"hello").unwrap();
        assert_eq!(
            &*decrypt_v03(&p.key_material, &p.iv, &p.ciphertext).unwrap(),
            b"hello"
        );
        // Legacy layout: tag appended to the payload.
        let legacy = [p.ciphertext.as_slice(), &p.key_material[16..]].concat();
        assert_eq!(
            &*decrypt_v03(&p.key_material[..16], &p.iv, &legacy).unwrap(),
            b"hello"
        );
        let mut bad = p.ciphertext.clone();
        bad[0] ^= 1;
        assert_eq!(
            decrypt_v03(&p.key_material, &p.iv, &bad),
            Err(Error::PayloadDecrypt)
        );

        let p = encrypt_v2_with(&[3; 32], b"<envelope/>");
        assert_eq!(
            &*decrypt_v2(&p.key_material, &p.ciphertext).unwrap(),
            b"<envelope/>"
        );
        let mut bad = p.ciphertext.clone();
        bad[0] ^= 1;
        assert_eq!(
            decrypt_v2(&p.key_material, &bad),
            Err(Error::PayloadDecrypt)
        );
        assert!(decrypt_v2(&p.key_material[..47], &p.ciphertext).is_err());
    }
}
