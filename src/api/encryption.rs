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
    /// When the last message from it came (RFC 3339, UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used: Option<DateTime<Utc>>,
    /// No message from it for 90 days: not encrypted to while its owner
    /// has devices in use; fresh again when it writes.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub stale: bool,
    /// Why it cannot be reached, as far as this session found out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<DeviceProblem>,
}

/// Why a device cannot be reached (the `problem` of `devices`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeviceProblem {
    /// It published no keys (bundle) we could fetch.
    NoBundle,
    /// Its keys are invalid (e.g. a wrong signature, no pre-key left).
    BundleInvalid,
    /// Its messages cannot be decrypted: the session is broken (a reset
    /// starts a new one).
    SessionBroken,
}

/// Why a conversation cannot be end-to-end encrypted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EncryptionUnavailable {
    /// A group that is open or semi-anonymous: members cannot see each
    /// other's addresses, so nobody can tell whose keys to encrypt to.
    OpenRoom,
}

/// How a message travelled (the `encryption` field of messages).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Encryption {
    /// In plain text (to the servers on the way).
    #[default]
    None,
    /// OMEMO 0.3.
    Omemo,
    /// OMEMO 2.
    Omemo2,
}

impl Encryption {
    pub fn as_str(self) -> &'static str {
        match self {
            Encryption::None => "none",
            Encryption::Omemo => "omemo",
            Encryption::Omemo2 => "omemo2",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "none" => Encryption::None,
            "omemo" => Encryption::Omemo,
            "omemo2" => Encryption::Omemo2,
            _ => return None,
        })
    }
}

impl From<OmemoVersion> for Encryption {
    fn from(v: OmemoVersion) -> Encryption {
        match v {
            OmemoVersion::Omemo => Encryption::Omemo,
            OmemoVersion::Omemo2 => Encryption::Omemo2,
        }
    }
}

/// Why an encrypted message could not be read (the `decryption_error`
/// field of messages). The message is kept, with an empty body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecryptionError {
    /// It was not encrypted for this device: sent before this device
    /// existed, or by a client that did not know it yet.
    NotForThisDevice,
    /// There is no session with the sending device, and the message does
    /// not start one.
    NoSession,
    /// Its key was used before: a replayed or repeated message.
    Duplicate,
    /// Damaged or forged: it does not authenticate, or cannot be read.
    Broken,
    /// OMEMO is switched off for this account.
    Disabled,
    /// A group message whose author the room did not reveal (so whose
    /// keys cannot be told).
    UnknownSender,
}

impl DecryptionError {
    pub fn as_str(self) -> &'static str {
        match self {
            DecryptionError::NotForThisDevice => "not_for_this_device",
            DecryptionError::NoSession => "no_session",
            DecryptionError::Duplicate => "duplicate",
            DecryptionError::Broken => "broken",
            DecryptionError::Disabled => "disabled",
            DecryptionError::UnknownSender => "unknown_sender",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "not_for_this_device" => DecryptionError::NotForThisDevice,
            "no_session" => DecryptionError::NoSession,
            "duplicate" => DecryptionError::Duplicate,
            "unknown_sender" => DecryptionError::UnknownSender,
            "broken" => DecryptionError::Broken,
            "disabled" => DecryptionError::Disabled,
            _ => return None,
        })
    }
}

/// How one message was encrypted, and by which device (flattened into
/// messages: `encryption`, `sender_device`, `decryption_error`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageCrypto {
    #[serde(default)]
    pub encryption: Encryption,
    /// The OMEMO device of the author that encrypted it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender_device: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decryption_error: Option<DecryptionError>,
}
