//! XEdDSA-style signatures with Curve25519/Ed25519 private keys, and conversions between the
//! Montgomery (X25519) and Edwards (Ed25519) forms of public keys.
//!
//! `sign` computes exactly what libxeddsa's `ed25519_priv_sign` does (python-omemo's signer), so a
//! fixed nonce gives byte-identical signatures (see the vector tests):
//!
//! ```text
//! A = a·B,  r = SHA-512(0xFE || 0xFF×31 || a || M || Z) mod q,  R = r·B,
//! h = SHA-512(R || A || M) mod q,  s = r + h·a mod q,  signature = R || s
//! ```
//!
//! where `a` is the private scalar *as given* (its 32 bytes are hashed as they are) and Z is 64
//! random bytes. Verification is plain Ed25519 (ed25519-dalek's strict mode: no small-order keys,
//! no non-canonical scalars).

use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
use curve25519_dalek::montgomery::MontgomeryPoint;
use curve25519_dalek::scalar::Scalar;
use ed25519_dalek::{Signature, VerifyingKey};
use sha2::{Digest, Sha512};
use zeroize::Zeroizing;

/// RFC 7748 clamping (what X25519 does to every private key).
pub fn clamp(bytes: [u8; 32]) -> [u8; 32] {
    let mut out = bytes;
    out[0] &= 248;
    out[31] &= 127;
    out[31] |= 64;
    out
}

/// Ed25519 public key `a·B` of a (clamped) private scalar.
pub fn ed25519_public(private: &[u8; 32]) -> [u8; 32] {
    let a = Zeroizing::new(Scalar::from_bytes_mod_order(*private));
    EdwardsPoint::mul_base(&a).compress().to_bytes()
}

/// Curve25519 (X25519) public key of a private key (clamps, like X25519 itself).
pub fn curve25519_public(private: &[u8; 32]) -> [u8; 32] {
    MontgomeryPoint::mul_base_clamped(*private).to_bytes()
}

/// libxeddsa's `priv_force_sign(priv, false)`: clamp, then negate the scalar if its Ed25519 public
/// key has the sign bit set, so that the Ed25519 key is the one with sign bit 0. This is XEdDSA's
/// `calculate_key_pair`: a Curve25519 public key only tells the verifier the u coordinate, so the
/// signer commits to the sign-0 Edwards point.
pub fn force_sign_bit_zero(private: &[u8; 32]) -> Zeroizing<[u8; 32]> {
    let clamped = Zeroizing::new(clamp(*private));
    let public = ed25519_public(&clamped);
    if public[31] & 0x80 == 0 {
        clamped
    } else {
        let a = Zeroizing::new(Scalar::from_bytes_mod_order(*clamped));
        Zeroizing::new((-*a).to_bytes())
    }
}

/// libxeddsa's `ed25519_priv_sign` (see the module comment). `nonce` must be 64 fresh random bytes.
pub fn sign(private: &[u8; 32], message: &[u8], nonce: &[u8; 64]) -> [u8; 64] {
    let a = Zeroizing::new(Scalar::from_bytes_mod_order(*private));
    let big_a = EdwardsPoint::mul_base(&a).compress();

    let mut hash1 = Sha512::new();
    let mut padding = [0xffu8; 32];
    padding[0] = 0xfe;
    hash1.update(padding);
    hash1.update(private);
    hash1.update(message);
    hash1.update(nonce);
    let mut r_wide = Zeroizing::new([0u8; 64]);
    r_wide.copy_from_slice(&hash1.finalize());
    let r = Zeroizing::new(Scalar::from_bytes_mod_order_wide(&r_wide));
    let big_r = EdwardsPoint::mul_base(&r).compress();

    let mut hash = Sha512::new();
    hash.update(big_r.as_bytes());
    hash.update(big_a.as_bytes());
    hash.update(message);
    let mut h_wide = [0u8; 64];
    h_wide.copy_from_slice(&hash.finalize());
    let h = Scalar::from_bytes_mod_order_wide(&h_wide);

    let s = h * *a + *r;
    let mut signature = [0u8; 64];
    signature[..32].copy_from_slice(big_r.as_bytes());
    signature[32..].copy_from_slice(s.as_bytes());
    signature
}

/// Ed25519 verification (strict: rejects small-order keys and R, non-canonical s).
pub fn verify_ed25519(public: &[u8; 32], message: &[u8], signature: &[u8; 64]) -> bool {
    let Ok(key) = VerifyingKey::from_bytes(public) else {
        return false;
    };
    key.verify_strict(message, &Signature::from_bytes(signature))
        .is_ok()
}

/// Verification with a Curve25519 public key, as libsignal and python-omemo's OMEMO 0.3 do it:
/// the Edwards sign bit is taken from the top bit of the signature's last byte (XEdDSA signers
/// leave it 0, old libsignal "curve_sigs" signers and python-omemo put the sign bit there), and
/// cleared before verifying.
pub fn verify_curve25519(public: &[u8; 32], message: &[u8], signature: &[u8; 64]) -> bool {
    let mut signature = *signature;
    let sign = signature[63] >> 7;
    signature[63] &= 0x7f;
    let Some(ed) = curve_to_ed25519(public, sign) else {
        return false;
    };
    verify_ed25519(&ed, message, &signature)
}

/// The Edwards point with Montgomery coordinate `u` and the given sign bit (RFC 7748's birational
/// map); `None` if there is no such point.
pub fn curve_to_ed25519(public: &[u8; 32], sign: u8) -> Option<[u8; 32]> {
    MontgomeryPoint(*public)
        .to_edwards(sign & 1)
        .map(|p| p.compress().to_bytes())
}

/// The Curve25519 form of an Ed25519 public key, refusing what libsodium's
/// `crypto_sign_ed25519_pk_to_curve25519` refuses (invalid or small-order points, points outside
/// the prime-order subgroup), and non-canonical encodings.
pub fn ed25519_to_curve(public: &[u8; 32]) -> Option<[u8; 32]> {
    let point = CompressedEdwardsY(*public).decompress()?;
    if point.is_small_order() || !point.is_torsion_free() || point.compress().to_bytes() != *public
    {
        return None;
    }
    Some(point.to_montgomery().to_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_verify_both_forms() {
        let private = clamp([7u8; 32]);
        let forced = force_sign_bit_zero(&private);
        let msg = b"signed pre-key";
        let nonce = [9u8; 64];
        // OMEMO 2 form: Ed25519 key with its natural sign bit.
        let sig = sign(&private, msg, &nonce);
        assert!(verify_ed25519(&ed25519_public(&private), msg, &sig));
        // OMEMO 0.3 form: the Curve25519 key, sign-0 Edwards point.
        let sig = sign(&forced, msg, &nonce);
        assert!(verify_curve25519(&curve25519_public(&private), msg, &sig));
        assert_eq!(ed25519_public(&forced)[31] & 0x80, 0);
        let mut bad = sig;
        bad[0] ^= 1;
        assert!(!verify_curve25519(&curve25519_public(&private), msg, &bad));
        assert!(!verify_curve25519(
            &curve25519_public(&private),
            b"other",
            &sig
        ));
    }

    #[test]
    fn conversions_round_trip() {
        let private = clamp([3u8; 32]);
        let ed = ed25519_public(&private);
        assert_eq!(ed25519_to_curve(&ed), Some(curve25519_public(&private)));
        let back = curve_to_ed25519(&curve25519_public(&private), ed[31] >> 7);
        assert_eq!(back, Some(ed));
        // The identity point (small order) is refused.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        assert_eq!(ed25519_to_curve(&identity), None);
    }
}
