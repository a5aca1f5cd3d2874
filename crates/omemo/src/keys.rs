//! Pre-keys: what we generate, publish and keep, and a contact's bundle as we receive it.

use rand_core::{CryptoRng, RngCore};
use zeroize::Zeroizing;

use crate::identity::{IdentityKeyPair, RemoteIdentity};
use crate::version::{Version, decode_public, encode_public, key32};
use crate::{Error, Result, xeddsa};

fn random_private<R: RngCore + CryptoRng>(rng: &mut R) -> Zeroizing<[u8; 32]> {
    let mut private = Zeroizing::new([0u8; 32]);
    rng.fill_bytes(private.as_mut());
    *private = xeddsa::clamp(*private);
    private
}

/// A signed pre-key of one OMEMO version (the signature differs between versions, so each version
/// keeps its own). The private key is zeroized on drop and never printed.
#[derive(Clone)]
pub struct SignedPreKey {
    id: u32,
    private: Zeroizing<[u8; 32]>,
    public: [u8; 32],
    signature: [u8; 64],
    /// When it was made (Unix seconds, from the caller), for rotation.
    created: u64,
}

impl SignedPreKey {
    pub fn generate<R: RngCore + CryptoRng>(
        identity: &IdentityKeyPair,
        version: Version,
        id: u32,
        created: u64,
        rng: &mut R,
    ) -> Self {
        let private = random_private(rng);
        let public = xeddsa::curve25519_public(&private);
        let signature = identity.sign(version, &encode_public(version, &public), rng);
        SignedPreKey {
            id,
            private,
            public,
            signature,
            created,
        }
    }

    /// From a stored private key and signature (see [`Self::to_bytes`]).
    pub fn from_parts(id: u32, private: [u8; 32], signature: [u8; 64], created: u64) -> Self {
        let private = Zeroizing::new(xeddsa::clamp(private));
        let public = xeddsa::curve25519_public(&private);
        SignedPreKey {
            id,
            private,
            public,
            signature,
            created,
        }
    }

    /// Storage form: id (4, big-endian) || private (32) || signature (64) || created (8).
    pub fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        let mut out = Zeroizing::new(Vec::with_capacity(108));
        out.extend_from_slice(&self.id.to_be_bytes());
        out.extend_from_slice(self.private.as_ref());
        out.extend_from_slice(&self.signature);
        out.extend_from_slice(&self.created.to_be_bytes());
        out
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        if bytes.len() != 108 {
            return Err(Error::Malformed("signed pre-key is not 108 bytes"));
        }
        let (id, rest) = bytes.split_at(4);
        let (private, rest) = rest.split_at(32);
        let (signature, created) = rest.split_at(64);
        let id = u32::from_be_bytes(<[u8; 4]>::try_from(id).map_err(|_| Error::Malformed("id"))?);
        let private = Zeroizing::new(key32(private, "private key")?);
        let signature =
            <[u8; 64]>::try_from(signature).map_err(|_| Error::Malformed("signature"))?;
        let created =
            u64::from_be_bytes(<[u8; 8]>::try_from(created).map_err(|_| Error::Malformed("time"))?);
        Ok(Self::from_parts(id, *private, signature, created))
    }

    pub fn id(&self) -> u32 {
        self.id
    }

    pub fn created(&self) -> u64 {
        self.created
    }

    /// The public key as the bundle of `version` carries it.
    pub fn public(&self, version: Version) -> Vec<u8> {
        encode_public(version, &self.public)
    }

    /// The signature for the bundle.
    pub fn signature(&self) -> [u8; 64] {
        self.signature
    }

    pub(crate) fn private(&self) -> &[u8; 32] {
        &self.private
    }
}

impl std::fmt::Debug for SignedPreKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedPreKey")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

/// A one-time pre-key. The private key is zeroized on drop and never printed.
#[derive(Clone)]
pub struct PreKey {
    id: u32,
    private: Zeroizing<[u8; 32]>,
    public: [u8; 32],
}

impl PreKey {
    pub fn generate<R: RngCore + CryptoRng>(id: u32, rng: &mut R) -> Self {
        let private = random_private(rng);
        let public = xeddsa::curve25519_public(&private);
        PreKey {
            id,
            private,
            public,
        }
    }

    /// `count` new pre-keys with ids `first_id`, `first_id + 1`, … (wrapping past `u32::MAX` to 1;
    /// 0 is never used as an id).
    pub fn generate_batch<R: RngCore + CryptoRng>(
        first_id: u32,
        count: usize,
        rng: &mut R,
    ) -> Vec<Self> {
        let mut id = first_id.max(1);
        let mut out = Vec::with_capacity(count);
        for _ in 0..count {
            out.push(Self::generate(id, rng));
            id = id.checked_add(1).unwrap_or(1);
        }
        out
    }

    pub fn from_parts(id: u32, private: [u8; 32]) -> Self {
        let private = Zeroizing::new(xeddsa::clamp(private));
        let public = xeddsa::curve25519_public(&private);
        PreKey {
            id,
            private,
            public,
        }
    }

    /// Storage form: id (4, big-endian) || private (32).
    pub fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        let mut out = Zeroizing::new(Vec::with_capacity(36));
        out.extend_from_slice(&self.id.to_be_bytes());
        out.extend_from_slice(self.private.as_ref());
        out
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        if bytes.len() != 36 {
            return Err(Error::Malformed("pre-key is not 36 bytes"));
        }
        let (id, private) = bytes.split_at(4);
        let id = u32::from_be_bytes(<[u8; 4]>::try_from(id).map_err(|_| Error::Malformed("id"))?);
        let private = Zeroizing::new(key32(private, "private key")?);
        Ok(Self::from_parts(id, *private))
    }

    pub fn id(&self) -> u32 {
        self.id
    }

    pub fn public(&self, version: Version) -> Vec<u8> {
        encode_public(version, &self.public)
    }

    pub(crate) fn private(&self) -> &[u8; 32] {
        &self.private
    }
}

impl std::fmt::Debug for PreKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreKey")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

/// Where a responder finds its own pre-keys by id (the account store, or a slice in tests).
pub trait PreKeyLookup {
    fn signed_pre_key(&self, id: u32) -> Option<&SignedPreKey>;
    fn pre_key(&self, id: u32) -> Option<&PreKey>;
}

/// The simplest lookup: the current signed pre-key(s) and the one-time pre-keys in memory.
#[derive(Debug, Clone, Copy)]
pub struct PreKeys<'a> {
    pub signed: &'a [SignedPreKey],
    pub one_time: &'a [PreKey],
}

impl PreKeyLookup for PreKeys<'_> {
    fn signed_pre_key(&self, id: u32) -> Option<&SignedPreKey> {
        self.signed.iter().find(|k| k.id == id)
    }

    fn pre_key(&self, id: u32) -> Option<&PreKey> {
        self.one_time.iter().find(|k| k.id == id)
    }
}

/// A contact device's bundle, with the keys in their wire form (the XML layer base64-decodes them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bundle {
    pub version: Version,
    /// `0x05 || Curve25519` (0.3) or Ed25519 (OMEMO 2).
    pub identity_key: Vec<u8>,
    pub signed_pre_key_id: u32,
    pub signed_pre_key: Vec<u8>,
    pub signed_pre_key_signature: Vec<u8>,
    pub pre_keys: Vec<(u32, Vec<u8>)>,
}

/// A bundle whose signature has been checked, with its keys decoded.
pub(crate) struct CheckedBundle {
    pub identity: RemoteIdentity,
    pub signed_pre_key_id: u32,
    pub signed_pre_key: [u8; 32],
    pub pre_key_id: u32,
    pub pre_key: [u8; 32],
}

impl Bundle {
    /// Our own bundle for `version`, ready to publish.
    pub fn own(
        version: Version,
        identity: &IdentityKeyPair,
        signed_pre_key: &SignedPreKey,
        pre_keys: &[PreKey],
    ) -> Self {
        Bundle {
            version,
            identity_key: identity.public(version),
            signed_pre_key_id: signed_pre_key.id,
            signed_pre_key: signed_pre_key.public(version),
            signed_pre_key_signature: signed_pre_key.signature.to_vec(),
            pre_keys: pre_keys.iter().map(|k| (k.id, k.public(version))).collect(),
        }
    }

    /// Decodes the keys, verifies the signed pre-key signature and picks one one-time pre-key at
    /// random (`rng`), as the sender of a key exchange does.
    pub(crate) fn check<R: RngCore + CryptoRng>(&self, rng: &mut R) -> Result<CheckedBundle> {
        let identity = RemoteIdentity::parse(self.version, &self.identity_key)?;
        let signed_pre_key = decode_public(self.version, &self.signed_pre_key)?;
        // The signature covers the wire form of the key (0x05 || key in 0.3).
        identity.verify(&self.signed_pre_key, &self.signed_pre_key_signature)?;
        if self.pre_keys.is_empty() {
            return Err(Error::NoPreKey);
        }
        let len = u32::try_from(self.pre_keys.len())
            .map_err(|_| Error::Malformed("too many pre-keys"))?;
        let index = usize::try_from(uniform(rng, len)).map_err(|_| Error::Malformed("index"))?;
        let (pre_key_id, pre_key) = self.pre_keys.get(index).ok_or(Error::NoPreKey)?;
        let pre_key = decode_public(self.version, pre_key)?;
        Ok(CheckedBundle {
            identity,
            signed_pre_key_id: self.signed_pre_key_id,
            signed_pre_key,
            pre_key_id: *pre_key_id,
            pre_key,
        })
    }
}

/// A uniform number below `bound` (> 0), by rejection sampling.
fn uniform<R: RngCore>(rng: &mut R, bound: u32) -> u32 {
    let zone = u32::MAX - (u32::MAX % bound);
    loop {
        let v = rng.next_u32();
        if v < zone {
            return v % bound;
        }
    }
}
