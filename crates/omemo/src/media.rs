//! Encrypted files (XEP-0454, "OMEMO Media sharing"): AES-256-GCM over the
//! whole file with the 16-byte tag appended, key and IV travelling in the
//! `aesgcm://` URL's fragment inside an OMEMO message.
//!
//! Files can be far larger than memory, so GCM is computed as a stream
//! from its parts (SP 800-38D): AES-CTR with a 32-bit counter for the
//! data, GHASH over the ciphertext for the tag. There is no associated
//! data. Both IV lengths in use are accepted: 12 bytes (XEP-0454) and the
//! 16 bytes older Conversations versions send; ours are 12.
//!
//! Decrypted bytes come out before the tag is checked (it is at the end):
//! the caller writes them somewhere temporary and keeps them only when
//! [`MediaDecryptor::finish`] says the tag matched.

use aes::Aes256;
use aes::cipher::{BlockEncrypt, KeyInit, KeyIvInit, StreamCipher, generic_array::GenericArray};
use ghash::GHash;
use ghash::universal_hash::UniversalHash;
use rand_core::{CryptoRng, RngCore};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// Length of the GCM tag at the end of an encrypted file.
pub const TAG_LEN: usize = 16;
/// Length of the AES-256 key.
pub const KEY_LEN: usize = 32;
/// The IV length we make (XEP-0454).
pub const IV_LEN: usize = 12;

type Ctr = ctr::Ctr32BE<Aes256>;
const BLOCK: usize = 16;

/// The key and IV of one file.
#[derive(Clone, PartialEq, Eq)]
pub struct MediaKey {
    pub key: Zeroizing<[u8; KEY_LEN]>,
    /// 12 bytes, or 16 from older clients.
    pub iv: Vec<u8>,
}

impl std::fmt::Debug for MediaKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MediaKey")
            .field("iv_len", &self.iv.len())
            .finish_non_exhaustive()
    }
}

impl MediaKey {
    /// A fresh key and 12-byte IV.
    pub fn generate<R: RngCore + CryptoRng>(rng: &mut R) -> MediaKey {
        let mut key = Zeroizing::new([0u8; KEY_LEN]);
        rng.fill_bytes(key.as_mut());
        let mut iv = vec![0u8; IV_LEN];
        rng.fill_bytes(&mut iv);
        MediaKey { key, iv }
    }

    /// A key and IV as another client sent them; the IV must be 12 or 16
    /// bytes.
    pub fn new(key: [u8; KEY_LEN], iv: &[u8]) -> Result<MediaKey> {
        if iv.len() != 12 && iv.len() != 16 {
            return Err(Error::Malformed("media IV is neither 12 nor 16 bytes"));
        }
        Ok(MediaKey {
            key: Zeroizing::new(key),
            iv: iv.to_vec(),
        })
    }
}

/// What encrypting and decrypting share: the counter stream and GHASH.
struct Gcm {
    ctr: Ctr,
    ghash: GHash,
    /// E(K, J0), which masks the tag.
    tag_mask: Zeroizing<[u8; BLOCK]>,
    /// Ciphertext not yet hashed (GHASH takes whole blocks; only the
    /// last one may be short).
    pending: Vec<u8>,
    /// Ciphertext bytes so far.
    len: u64,
}

impl Gcm {
    fn new(k: &MediaKey) -> Gcm {
        let aes = Aes256::new(GenericArray::from_slice(k.key.as_ref()));
        let mut h = GenericArray::default();
        aes.encrypt_block(&mut h);
        let ghash_key = h;
        let j0: [u8; BLOCK] = if k.iv.len() == 12 {
            let mut j = [0u8; BLOCK];
            j[..12].copy_from_slice(&k.iv);
            j[15] = 1;
            j
        } else {
            // J0 = GHASH(IV || 0-padding || 0^64 || [len(IV) in bits]_64).
            let mut g = GHash::new(&ghash_key);
            g.update_padded(&k.iv);
            let mut lens = [0u8; BLOCK];
            lens[8..].copy_from_slice(&((k.iv.len() as u64) * 8).to_be_bytes());
            g.update(&[GenericArray::clone_from_slice(&lens)]);
            g.finalize().into()
        };
        let mut mask = GenericArray::clone_from_slice(&j0);
        aes.encrypt_block(&mut mask);
        let mut first = j0;
        let counter = u32::from_be_bytes([first[12], first[13], first[14], first[15]]);
        first[12..].copy_from_slice(&counter.wrapping_add(1).to_be_bytes());
        Gcm {
            ctr: Ctr::new(
                GenericArray::from_slice(k.key.as_ref()),
                GenericArray::from_slice(&first),
            ),
            ghash: GHash::new(&ghash_key),
            tag_mask: Zeroizing::new(mask.into()),
            pending: Vec::with_capacity(BLOCK),
            len: 0,
        }
    }

    /// Feeds ciphertext to GHASH.
    fn hash(&mut self, mut ciphertext: &[u8]) {
        self.len += ciphertext.len() as u64;
        if !self.pending.is_empty() {
            let take = (BLOCK - self.pending.len()).min(ciphertext.len());
            self.pending.extend_from_slice(&ciphertext[..take]);
            ciphertext = &ciphertext[take..];
            if self.pending.len() < BLOCK {
                return;
            }
            self.ghash
                .update(&[GenericArray::clone_from_slice(&self.pending)]);
            self.pending.clear();
        }
        let whole = ciphertext.len() / BLOCK * BLOCK;
        let blocks: Vec<_> = ciphertext[..whole]
            .chunks_exact(BLOCK)
            .map(GenericArray::clone_from_slice)
            .collect();
        self.ghash.update(&blocks);
        self.pending.extend_from_slice(&ciphertext[whole..]);
    }

    fn tag(mut self) -> [u8; TAG_LEN] {
        self.ghash.update_padded(&self.pending);
        let mut lens = [0u8; BLOCK];
        // No associated data: its length (the first 8 bytes) is zero.
        lens[8..].copy_from_slice(&(self.len * 8).to_be_bytes());
        self.ghash.update(&[GenericArray::clone_from_slice(&lens)]);
        let mut tag: [u8; TAG_LEN] = self.ghash.finalize().into();
        for (t, m) in tag.iter_mut().zip(self.tag_mask.iter()) {
            *t ^= m;
        }
        tag
    }
}

/// Encrypts a file piece by piece; the tag goes after the last piece.
pub struct MediaEncryptor(Gcm);

impl MediaEncryptor {
    pub fn new(key: &MediaKey) -> MediaEncryptor {
        MediaEncryptor(Gcm::new(key))
    }

    /// Encrypts the next piece in place.
    pub fn update(&mut self, data: &mut [u8]) {
        self.0.ctr.apply_keystream(data);
        self.0.hash(data);
    }

    /// The tag to append after the last piece.
    pub fn finish(self) -> [u8; TAG_LEN] {
        self.0.tag()
    }
}

/// Decrypts a downloaded file piece by piece, holding back the last 16
/// bytes seen (the tag, once the download ends).
pub struct MediaDecryptor {
    gcm: Gcm,
    tail: Vec<u8>,
}

impl MediaDecryptor {
    pub fn new(key: &MediaKey) -> MediaDecryptor {
        MediaDecryptor {
            gcm: Gcm::new(key),
            tail: Vec::with_capacity(2 * TAG_LEN),
        }
    }

    /// Takes the next downloaded piece and appends what can be decrypted
    /// of it to `out` (unchecked until [`MediaDecryptor::finish`]).
    pub fn update(&mut self, data: &[u8], out: &mut Vec<u8>) {
        // Everything but the last TAG_LEN bytes seen so far is ciphertext.
        let total = self.tail.len() + data.len();
        let ready = total.saturating_sub(TAG_LEN);
        let start = out.len();
        let from_tail = ready.min(self.tail.len());
        out.extend_from_slice(&self.tail[..from_tail]);
        out.extend_from_slice(&data[..ready - from_tail]);
        let mut keep = self.tail.split_off(from_tail);
        keep.extend_from_slice(&data[ready - from_tail..]);
        self.tail = keep;
        let piece = &mut out[start..];
        self.gcm.hash(piece);
        self.gcm.ctr.apply_keystream(piece);
    }

    /// Checks the tag at the end of the download: `Ok` only if the whole
    /// file is as it was encrypted.
    pub fn finish(self) -> Result<()> {
        if self.tail.len() != TAG_LEN {
            return Err(Error::Malformed("encrypted file shorter than its tag"));
        }
        let expected = self.gcm.tag();
        if bool::from(expected.ct_eq(&self.tail[..])) {
            Ok(())
        } else {
            Err(Error::Malformed("encrypted file's tag does not match"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aes_gcm::aead::Aead;
    use aes_gcm::{Aes256Gcm, AesGcm};
    use rand_core::OsRng;

    type Aes256Gcm16 = AesGcm<Aes256, aes_gcm::aead::consts::U16>;

    /// The one-shot AES-GCM of the `aes-gcm` crate: ciphertext || tag.
    fn one_shot(k: &MediaKey, plain: &[u8]) -> Vec<u8> {
        let key = GenericArray::from_slice(k.key.as_ref());
        let sealed = if k.iv.len() == 12 {
            Aes256Gcm::new(key).encrypt(GenericArray::from_slice(&k.iv), plain)
        } else {
            Aes256Gcm16::new(key).encrypt(GenericArray::from_slice(&k.iv), plain)
        };
        sealed.unwrap_or_default()
    }

    fn streamed_encrypt(k: &MediaKey, plain: &[u8], piece: usize) -> Vec<u8> {
        let mut e = MediaEncryptor::new(k);
        let mut out = Vec::new();
        for chunk in plain.chunks(piece.max(1)) {
            let mut c = chunk.to_vec();
            e.update(&mut c);
            out.extend_from_slice(&c);
        }
        out.extend_from_slice(&e.finish());
        out
    }

    fn streamed_decrypt(k: &MediaKey, sealed: &[u8], piece: usize) -> Result<Vec<u8>> {
        let mut d = MediaDecryptor::new(k);
        let mut out = Vec::new();
        for chunk in sealed.chunks(piece.max(1)) {
            d.update(chunk, &mut out);
        }
        d.finish().map(|()| out)
    }

    fn key(iv_len: usize) -> MediaKey {
        let mut k = MediaKey::generate(&mut OsRng);
        k.iv.resize(iv_len, 7);
        k
    }

    #[test]
    fn streaming_matches_one_shot_gcm_for_both_iv_lengths_and_any_pieces() {
        for iv_len in [12, 16] {
            let k = key(iv_len);
            for len in [0usize, 1, 15, 16, 17, 31, 32, 33, 1000, 65_537] {
                let plain: Vec<u8> = (0..len).map(|i| (i * 31 % 251) as u8).collect();
                let expected = one_shot(&k, &plain);
                for piece in [1, 7, 16, 17, 4096, len + 1] {
                    assert_eq!(
                        streamed_encrypt(&k, &plain, piece),
                        expected,
                        "iv {iv_len}, len {len}, piece {piece}"
                    );
                    assert_eq!(
                        streamed_decrypt(&k, &expected, piece).as_deref(),
                        Ok(plain.as_slice()),
                        "iv {iv_len}, len {len}, piece {piece}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_changed_byte_a_wrong_key_or_a_cut_file_is_refused() {
        let k = key(12);
        let plain = vec![42u8; 5000];
        let sealed = one_shot(&k, &plain);
        for at in [0, 2500, sealed.len() - 1] {
            let mut bad = sealed.clone();
            bad[at] ^= 1;
            assert!(streamed_decrypt(&k, &bad, 1000).is_err(), "byte {at}");
        }
        assert!(streamed_decrypt(&key(12), &sealed, 1000).is_err());
        assert!(streamed_decrypt(&k, &sealed[..sealed.len() - 1], 1000).is_err());
        assert!(streamed_decrypt(&k, &sealed[..10], 3).is_err());
        assert!(streamed_decrypt(&k, &[], 3).is_err());
    }

    /// A file slixmpp's XEP-0454 plugin (the reference bot's) encrypted:
    /// its fragment (IV and key in hex) and ciphertext with the tag.
    #[test]
    fn a_file_from_slixmpp_decrypts_and_ours_matches_it() {
        let fragment = "4957207a109ad9385bcfa2d8\
                        1ccdd5b186884afab6600ccd210e51c682e61eba24646090b569c5d88ef81b9d";
        let sealed = hex::decode(concat!(
            "8b401df5d7b0f16a98c622073da89b8b5471dcae99e290ab46953ee970fb8836a62964f4",
            "97ac480c521c784a7e55fcc7e758b84fe4f8986618edb7257d1360ee11d4891138859064",
            "dd735dbe21df124eedded27f6c266ef656373fd442f1703ac2af6c3826bb33519c9d3dc3",
            "49e28bf42fdd799c336ccd022f5719bb630f72130786",
        ))
        .unwrap_or_default();
        let bytes = hex::decode(fragment).unwrap_or_default();
        let mut key = [0u8; KEY_LEN];
        key.copy_from_slice(&bytes[12..]);
        let k = MediaKey::new(key, &bytes[..12]).unwrap_or_else(|e| panic!("{e}"));
        let plain = "Sitzungsprotokoll, vertraulich. Äöü – 0454 fixture.\n".repeat(2);
        assert_eq!(
            streamed_decrypt(&k, &sealed, 50).as_deref(),
            Ok(plain.as_bytes())
        );
        assert_eq!(streamed_encrypt(&k, plain.as_bytes(), 33), sealed);
    }

    #[test]
    fn only_twelve_or_sixteen_byte_ivs_are_taken() {
        assert!(MediaKey::new([1; 32], &[0; 12]).is_ok());
        assert!(MediaKey::new([1; 32], &[0; 16]).is_ok());
        assert!(MediaKey::new([1; 32], &[0; 8]).is_err());
        let fresh = MediaKey::generate(&mut OsRng);
        assert_eq!(fresh.iv.len(), IV_LEN);
        assert!(!format!("{fresh:?}").contains("key:"), "no key in Debug");
    }
}
