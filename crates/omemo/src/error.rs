//! One error type for the whole crate. Variants say what the caller can do about it; none carries
//! secret material.

/// What went wrong. A decryption error never changes the session it was called on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// Bytes that do not parse (protobuf, key encodings, lengths, the version byte of OMEMO 0.3,
    /// padding after a good MAC, stored session bytes).
    #[error("malformed input: {0}")]
    Malformed(&'static str),
    /// The message authentication code does not match: forged, corrupted, or sent for another session.
    #[error("message authentication failed")]
    BadMac,
    /// This message (ratchet key and counter) was decrypted before.
    #[error("message already decrypted (replay or duplicate)")]
    Duplicate,
    /// The header asks us to skip more message keys than allowed in one message.
    #[error("too many skipped messages ({skipped}, limit {limit})")]
    TooManySkipped { skipped: u32, limit: u32 },
    /// A normal (non-pre-key) message arrived but we have no session with its sender.
    #[error("no session")]
    NoSession,
    /// A pre-key message that builds a different session than this one (new key exchange):
    /// hand it to `Session::accept`.
    #[error("pre-key message for a different session")]
    NotThisSession,
    /// The signed pre-key the sender used is not (or no longer) ours.
    #[error("unknown signed pre-key {0}")]
    UnknownSignedPreKey(u32),
    /// The one-time pre-key the sender used is not (or no longer) ours.
    #[error("unknown pre-key {0}")]
    UnknownPreKey(u32),
    /// The signed pre-key's signature does not verify under the bundle's identity key.
    #[error("bad signed pre-key signature")]
    BadSignature,
    /// The bundle has no one-time pre-key; OMEMO requires one.
    #[error("bundle has no one-time pre-key")]
    NoPreKey,
    /// A public key is not a usable point (low order, not on the curve) or a Diffie-Hellman result
    /// was all zeros.
    #[error("invalid public key")]
    InvalidKey,
    /// A counter would overflow (2^32 messages in one chain).
    #[error("message counter exhausted")]
    CounterExhausted,
    /// Payload decryption failed (GCM tag or OMEMO 2 payload MAC wrong, bad padding).
    #[error("payload decryption failed")]
    PayloadDecrypt,
}

pub type Result<T> = std::result::Result<T, Error>;
