//! The device's long-term identity key, and a contact's identity key as received.
//!
//! One identity serves both OMEMO versions, as in python-omemo: a 32-byte seed (Ed25519 style:
//! private scalar = clamp(SHA-512(seed)[..32])) or, for keys imported from libsignal-based stores,
//! a Curve25519 private key directly. OMEMO 0.3 publishes the Curve25519 form (`0x05 || u`) and
//! signs with XEdDSA (sign-0 Edwards point); OMEMO 2 publishes the Ed25519 form and signs with it
//! (Ed25519-compatible signatures).

use std::sync::OnceLock;

use rand_core::{CryptoRng, RngCore};
use sha2::{Digest, Sha512};
use x25519_dalek::{PublicKey, StaticSecret};
use zeroize::Zeroizing;

use crate::version::{Version, decode_curve_v03, encode_curve_v03};
use crate::{Error, Result, fingerprint, xeddsa};

/// How the identity's secret is kept (both are 32 bytes).
#[derive(Clone, Copy, PartialEq, Eq)]
enum SecretKind {
    Seed = 1,
    Private = 2,
}

/// Our identity key pair. The secret is zeroized on drop; `Debug` shows only the public key.
#[derive(Clone)]
pub struct IdentityKeyPair {
    kind: SecretKind,
    secret: Zeroizing<[u8; 32]>,
    /// Clamped private scalar (equal to `secret` for `Private`).
    private: Zeroizing<[u8; 32]>,
    ed25519: [u8; 32],
    curve25519: [u8; 32],
}

impl IdentityKeyPair {
    /// A new identity from a fresh random seed.
    pub fn generate<R: RngCore + CryptoRng>(rng: &mut R) -> Self {
        let mut seed = Zeroizing::new([0u8; 32]);
        rng.fill_bytes(seed.as_mut());
        Self::from_seed(*seed)
    }

    /// From an Ed25519-style seed (python-omemo's `IdentityKeyPairSeed`).
    pub fn from_seed(seed: [u8; 32]) -> Self {
        let mut hash = Zeroizing::new([0u8; 64]);
        hash.copy_from_slice(&Sha512::digest(seed));
        let mut scalar = Zeroizing::new([0u8; 32]);
        scalar.copy_from_slice(&hash[..32]);
        Self::build(SecretKind::Seed, seed, xeddsa::clamp(*scalar))
    }

    /// From a Curve25519/Ed25519 private key (python-omemo's `IdentityKeyPairPriv`; libsignal stores
    /// keep this form). It is clamped.
    pub fn from_private(private: [u8; 32]) -> Self {
        let clamped = xeddsa::clamp(private);
        Self::build(SecretKind::Private, clamped, clamped)
    }

    fn build(kind: SecretKind, secret: [u8; 32], private: [u8; 32]) -> Self {
        let secret = Zeroizing::new(secret);
        let private = Zeroizing::new(private);
        let ed25519 = xeddsa::ed25519_public(&private);
        let curve25519 = xeddsa::curve25519_public(&private);
        IdentityKeyPair {
            kind,
            secret,
            private,
            ed25519,
            curve25519,
        }
    }

    /// Storage form: a kind byte (1 seed, 2 private key) and the 32 secret bytes.
    pub fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        let mut out = Zeroizing::new(Vec::with_capacity(33));
        out.push(self.kind as u8);
        out.extend_from_slice(self.secret.as_ref());
        out
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let (kind, secret) = bytes
            .split_first()
            .ok_or(Error::Malformed("empty identity"))?;
        let secret = Zeroizing::new(
            <[u8; 32]>::try_from(secret)
                .map_err(|_| Error::Malformed("identity is not 33 bytes"))?,
        );
        match *kind {
            1 => Ok(Self::from_seed(*secret)),
            2 => Ok(Self::from_private(*secret)),
            _ => Err(Error::Malformed("unknown identity kind")),
        }
    }

    pub fn ed25519_public(&self) -> [u8; 32] {
        self.ed25519
    }

    pub fn curve25519_public(&self) -> [u8; 32] {
        self.curve25519
    }

    /// The public identity key as published in the bundle of `version`.
    pub fn public(&self, version: Version) -> Vec<u8> {
        match version {
            Version::V03 => encode_curve_v03(&self.curve25519).to_vec(),
            Version::V2 => self.ed25519.to_vec(),
        }
    }

    /// Our own fingerprint as shown for `version` (see [`fingerprint`]).
    pub fn fingerprint(&self, version: Version) -> String {
        fingerprint::of_keys(version, &self.curve25519, &self.ed25519)
    }

    /// The signature a bundle of `version` carries over `message` (the signed pre-key).
    pub(crate) fn sign<R: RngCore + CryptoRng>(
        &self,
        version: Version,
        message: &[u8],
        rng: &mut R,
    ) -> [u8; 64] {
        let mut nonce = Zeroizing::new([0u8; 64]);
        rng.fill_bytes(nonce.as_mut());
        self.sign_with_nonce(version, message, &nonce)
    }

    /// [`Self::sign`] with a given nonce: only for test vectors (a reused nonce leaks the key).
    #[doc(hidden)]
    pub fn sign_with_nonce(&self, version: Version, message: &[u8], nonce: &[u8; 64]) -> [u8; 64] {
        match version {
            // The verifier only knows the Curve25519 key, so sign as the sign-0 Edwards point.
            Version::V03 => {
                xeddsa::sign(&xeddsa::force_sign_bit_zero(&self.private), message, nonce)
            }
            Version::V2 => xeddsa::sign(&self.private, message, nonce),
        }
    }

    /// X25519 with our identity key; refuses a non-contributory (all-zero) result.
    pub(crate) fn dh(&self, their_curve: &[u8; 32]) -> Result<Zeroizing<[u8; 32]>> {
        dh(&self.private, their_curve)
    }
}

impl std::fmt::Debug for IdentityKeyPair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdentityKeyPair")
            .field("ed25519", &fingerprint::hex(&self.ed25519))
            .finish_non_exhaustive()
    }
}

/// X25519 that refuses low-order inputs (their result is all zeros).
pub(crate) fn dh(private: &[u8; 32], their_public: &[u8; 32]) -> Result<Zeroizing<[u8; 32]>> {
    let secret = StaticSecret::from(*private);
    let shared = secret.diffie_hellman(&PublicKey::from(*their_public));
    if !shared.was_contributory() {
        return Err(Error::InvalidKey);
    }
    Ok(Zeroizing::new(shared.to_bytes()))
}

/// A contact device's identity key as its bundle or key exchange carries it.
#[derive(Clone)]
pub struct RemoteIdentity {
    version: Version,
    /// Wire form: `0x05 || Curve25519` (0.3) or Ed25519 (OMEMO 2). Also the associated-data form.
    encoded: Vec<u8>,
    /// Curve25519 form, for Diffie-Hellman: known after [`Self::parse`], worked out on first use
    /// after [`Self::from_stored`] (for OMEMO 2 a point decompression and an inversion, which a
    /// session loaded for every message does not need).
    curve: OnceLock<[u8; 32]>,
}

impl PartialEq for RemoteIdentity {
    fn eq(&self, other: &Self) -> bool {
        self.version == other.version && self.encoded == other.encoded
    }
}

impl Eq for RemoteIdentity {}

impl RemoteIdentity {
    /// Parse the identity key of a bundle or key exchange of `version`.
    pub fn parse(version: Version, bytes: &[u8]) -> Result<Self> {
        let curve = curve_of(version, bytes)?;
        Ok(RemoteIdentity {
            version,
            encoded: bytes.to_vec(),
            curve: OnceLock::from(curve),
        })
    }

    /// A key [`Self::parse`] accepted before, read back from storage: only its length is checked
    /// now.
    pub(crate) fn from_stored(version: Version, bytes: &[u8]) -> Result<Self> {
        if bytes.len() != version.identity_len() {
            return Err(Error::Malformed("stored identity key: length"));
        }
        Ok(RemoteIdentity {
            version,
            encoded: bytes.to_vec(),
            curve: OnceLock::new(),
        })
    }

    pub fn version(&self) -> Version {
        self.version
    }

    /// The key as published (what to store and compare for trust decisions).
    pub fn as_bytes(&self) -> &[u8] {
        &self.encoded
    }

    pub fn curve25519(&self) -> [u8; 32] {
        // A stored key that no longer decodes gives the all-zero key, which every
        // Diffie-Hellman refuses (`dh`); it was checked when it was first parsed.
        *self
            .curve
            .get_or_init(|| curve_of(self.version, &self.encoded).unwrap_or([0; 32]))
    }

    /// The fingerprint to show for this key (see [`fingerprint`]).
    pub fn fingerprint(&self) -> String {
        match self.version {
            Version::V03 => fingerprint::format(&self.curve25519()),
            Version::V2 => fingerprint::format(&self.encoded),
        }
    }

    /// Checks a signed pre-key signature made by this identity.
    pub(crate) fn verify(&self, message: &[u8], signature: &[u8]) -> Result<()> {
        let signature = <[u8; 64]>::try_from(signature).map_err(|_| Error::BadSignature)?;
        let ok = match self.version {
            Version::V03 => xeddsa::verify_curve25519(&self.curve25519(), message, &signature),
            Version::V2 => {
                let ed =
                    <[u8; 32]>::try_from(self.encoded.as_slice()).map_err(|_| Error::InvalidKey)?;
                xeddsa::verify_ed25519(&ed, message, &signature)
            }
        };
        if ok { Ok(()) } else { Err(Error::BadSignature) }
    }
}

/// The Curve25519 form of an identity key of `version` in its wire form.
fn curve_of(version: Version, bytes: &[u8]) -> Result<[u8; 32]> {
    match version {
        Version::V03 => decode_curve_v03(bytes),
        Version::V2 => {
            let ed = <[u8; 32]>::try_from(bytes)
                .map_err(|_| Error::Malformed("identity key is not 32 bytes"))?;
            xeddsa::ed25519_to_curve(&ed).ok_or(Error::InvalidKey)
        }
    }
}

impl std::fmt::Debug for RemoteIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RemoteIdentity")
            .field("version", &self.version)
            .field("key", &fingerprint::hex(&self.encoded))
            .finish()
    }
}
