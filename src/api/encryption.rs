//! End-to-end encryption (OMEMO, XEP-0384): devices and trust.

use super::*;

/// Which OMEMO a device speaks (or a message was encrypted with).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OmemoVersion {
    /// OMEMO 0.3 (`eu.siacs.conversations.axolotl`).
    Omemo,
    /// OMEMO 2 (`urn:xmpp:omemo:2`).
    Omemo2,
}

/// How far a device's identity key is trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trust {
    /// Trusted without verification (Blind Trust Before Verification).
    Blind,
    /// The user compared its fingerprint.
    Verified,
    /// The user distrusts it: nothing is encrypted to it.
    Untrusted,
    /// New, after the user verified another device of the same person:
    /// waits for the user's decision.
    Undecided,
}

/// What the user may set on a device (`trust_device`): every trust but
/// `undecided`, which only a new device gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrustChoice {
    Verified,
    Untrusted,
    Blind,
}

impl From<TrustChoice> for Trust {
    fn from(c: TrustChoice) -> Trust {
        match c {
            TrustChoice::Verified => Trust::Verified,
            TrustChoice::Untrusted => Trust::Untrusted,
            TrustChoice::Blind => Trust::Blind,
        }
    }
}

/// One OMEMO device of an account (`devices` event).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceInfo {
    pub id: u32,
    pub version: OmemoVersion,
    /// The identity key in eight groups of eight hex digits, once known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
    pub trust: Trust,
    /// The name the device gave itself (OMEMO 2 only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// On the account's current device list.
    pub active: bool,
    /// This device (Plausch on this account).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub own: bool,
}
