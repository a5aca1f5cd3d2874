//! OMEMO trust: Blind Trust Before Verification (BTBV), as Conversations,
//! Dino and Gajim do it. The one place of the rule; the store applies it
//! inside its transactions (a device seen for the first time, an identity
//! key that changed), the actor for the user's decisions (`trust_device`,
//! `verify_uri`). Pure: no SQL, no clock.
//!
//! It lives under `store/` because the store must apply it atomically with
//! the insert and the store may not use the account actor (the layers in
//! the README); the actor uses it from here.
//!
//! The rules, per account JID (a contact's, and ours for our other
//! devices — this device itself is never in the table):
//! - A **new device** is `blind` (trusted: encrypted to) while none of
//!   that JID's devices is `verified`; once the user verified one, new
//!   devices are `undecided` (not encrypted to until the user decides).
//! - An **identity key that changes** for a known device id makes it a new
//!   device: its trust is decided again by the rule above (the device
//!   itself no longer counts as verified), never kept as `verified`.
//! - The **user** sets `verified`, `untrusted` or `blind` on any device
//!   (`blind` too after a verification: the user's choice). Nobody sets
//!   `undecided`: that is only what the rule gives a new device.
//! - Verifying needs the device's identity key (a fingerprint to compare);
//!   the other choices do not.

use crate::api::{Trust, TrustChoice as Choice};

/// The trust a device gets when it is seen for the first time (or its
/// identity key changed), given the trust of the *other* devices of the
/// same JID (both variants).
pub fn for_new_device(others: impl IntoIterator<Item = Trust>) -> Trust {
    if others.into_iter().any(|t| t == Trust::Verified) {
        Trust::Undecided
    } else {
        Trust::Blind
    }
}

/// The trust after a device's bundle carried `new` as its identity key,
/// where `old` was stored (None: not read before) with `current` trust.
/// `others` is the trust of the JID's other devices.
pub fn on_identity(
    old: Option<&[u8]>,
    new: &[u8],
    current: Trust,
    others: impl IntoIterator<Item = Trust>,
) -> Trust {
    match old {
        Some(old) if old != new => for_new_device(others),
        // The first key of a device listed before: decided when it was
        // listed. (A device is only verified against a known key.)
        _ => current,
    }
}

/// Whether messages are encrypted to a device of this trust.
pub fn encrypt_to(trust: Trust) -> bool {
    matches!(trust, Trust::Blind | Trust::Verified)
}

/// Why a user's choice cannot be applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Verified without a known identity key: nothing was compared.
    NoKey,
}

/// The trust a device gets by the user's `choice`, if the choice is
/// possible for it (`key_known`: its identity key was read).
pub fn by_user(choice: Choice, key_known: bool) -> Result<Trust, Refusal> {
    match choice {
        Choice::Verified if !key_known => Err(Refusal::NoKey),
        c => Ok(c.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Trust::*;

    #[test]
    fn new_devices_are_blind_until_one_is_verified() {
        assert_eq!(for_new_device([]), Blind);
        assert_eq!(for_new_device([Blind, Untrusted, Undecided]), Blind);
        assert_eq!(for_new_device([Blind, Verified]), Undecided);
    }

    #[test]
    fn a_changed_key_is_a_new_device() {
        let (a, b) = ([1u8; 33], [2u8; 33]);
        // First key: the trust from the list stays.
        assert_eq!(on_identity(None, &a, Blind, []), Blind);
        assert_eq!(on_identity(None, &a, Undecided, [Verified]), Undecided);
        // Same key again: unchanged, also verified.
        assert_eq!(on_identity(Some(&a), &a, Verified, []), Verified);
        assert_eq!(on_identity(Some(&a), &a, Untrusted, []), Untrusted);
        // Another key: never keeps `verified`.
        assert_eq!(on_identity(Some(&a), &b, Verified, []), Blind);
        assert_eq!(on_identity(Some(&a), &b, Verified, [Verified]), Undecided);
        assert_eq!(on_identity(Some(&a), &b, Untrusted, [Blind]), Blind);
    }

    #[test]
    fn the_user_decides_but_verifies_only_a_known_key() {
        assert_eq!(by_user(Choice::Verified, true), Ok(Verified));
        assert_eq!(by_user(Choice::Verified, false), Err(Refusal::NoKey));
        assert_eq!(by_user(Choice::Untrusted, false), Ok(Untrusted));
        // Back to blind is allowed, also after a verification.
        assert_eq!(by_user(Choice::Blind, true), Ok(Blind));
    }

    #[test]
    fn only_blind_and_verified_devices_are_encrypted_to() {
        assert!(encrypt_to(Blind) && encrypt_to(Verified));
        assert!(!encrypt_to(Undecided) && !encrypt_to(Untrusted));
    }
}
