//! X3DH as python-x3dh 1.3 does it for OMEMO (both versions):
//!
//! ```text
//! DH1 = DH(IK_A, SPK_B)  DH2 = DH(EK_A, IK_B)  DH3 = DH(EK_A, SPK_B)  DH4 = DH(EK_A, OPK_B)
//! SK  = HKDF-SHA-256(salt = 0×32, ikm = 0xFF×32 || DH1 || DH2 || DH3 || DH4, info)[..32]
//! AD  = IK_A || IK_B   (wire encoding: 0x05 || Curve25519 for 0.3, Ed25519 for OMEMO 2)
//! ```
//!
//! A one-time pre-key is always required (OMEMO says so; python-omemo too). Identity keys take part
//! in their Curve25519 form. Every DH result must be non-zero (low-order keys are refused).

use hkdf::Hkdf;
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::Result;
use crate::identity::{IdentityKeyPair, RemoteIdentity, dh};
use crate::version::Version;

/// The X3DH result: the first root key and the associated data (initiator IK || responder IK).
pub struct Agreement {
    pub shared_secret: Zeroizing<[u8; 32]>,
    pub associated_data: Vec<u8>,
}

impl std::fmt::Debug for Agreement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Agreement").finish_non_exhaustive()
    }
}

fn kdf(version: Version, dhs: [&[u8; 32]; 4]) -> Zeroizing<[u8; 32]> {
    let mut ikm = Zeroizing::new(Vec::with_capacity(160));
    ikm.extend_from_slice(&[0xff; 32]);
    for d in dhs {
        ikm.extend_from_slice(d);
    }
    let hk = Hkdf::<Sha256>::new(Some(&[0u8; 32]), &ikm);
    let mut out = Zeroizing::new([0u8; 32]);
    // 32 bytes are far below HKDF-SHA-256's output limit.
    hk.expand(version.x3dh_info(), out.as_mut())
        .unwrap_or_else(|_| unreachable!());
    out
}

/// The initiator's side. `ephemeral_private` is fresh randomness (clamped by X25519).
pub fn initiate(
    version: Version,
    own: &IdentityKeyPair,
    their_identity: &RemoteIdentity,
    their_signed_pre_key: &[u8; 32],
    their_pre_key: &[u8; 32],
    ephemeral_private: &[u8; 32],
) -> Result<Agreement> {
    let dh1 = own.dh(their_signed_pre_key)?;
    let dh2 = dh(ephemeral_private, &their_identity.curve25519())?;
    let dh3 = dh(ephemeral_private, their_signed_pre_key)?;
    let dh4 = dh(ephemeral_private, their_pre_key)?;
    Ok(Agreement {
        shared_secret: kdf(version, [&dh1, &dh2, &dh3, &dh4]),
        associated_data: [own.public(version).as_slice(), their_identity.as_bytes()].concat(),
    })
}

/// The responder's side, with its own signed pre-key and one-time pre-key private keys.
pub fn respond(
    version: Version,
    own: &IdentityKeyPair,
    their_identity: &RemoteIdentity,
    their_ephemeral: &[u8; 32],
    signed_pre_key_private: &[u8; 32],
    pre_key_private: &[u8; 32],
) -> Result<Agreement> {
    let dh1 = dh(signed_pre_key_private, &their_identity.curve25519())?;
    let dh2 = own.dh(their_ephemeral)?;
    let dh3 = dh(signed_pre_key_private, their_ephemeral)?;
    let dh4 = dh(pre_key_private, their_ephemeral)?;
    Ok(Agreement {
        shared_secret: kdf(version, [&dh1, &dh2, &dh3, &dh4]),
        associated_data: [their_identity.as_bytes(), own.public(version).as_slice()].concat(),
    })
}
