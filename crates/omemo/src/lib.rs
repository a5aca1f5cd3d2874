//! The OMEMO crypto core of Plausch: both OMEMO 0.3 (`eu.siacs.conversations.axolotl`, the
//! libsignal wire format) and OMEMO 2 (`urn:xmpp:omemo:2`) on one X3DH and one Double Ratchet.
//!
//! No I/O, no XML, no clock: the caller (the account actor) stores the bytes this crate gives it,
//! passes the current time where skipped keys are stored, and builds the stanzas.
//!
//! Typical flow:
//! - own device: [`IdentityKeyPair::generate`], per version a [`SignedPreKey`] and a batch of
//!   [`PreKey`]s, published through [`Bundle::own`];
//! - sending: [`payload::encrypt_v03`] / [`payload::encrypt_v2`], then for each device
//!   [`Session::encrypt`] the key material (a [`Session::initiate`] from its bundle first if there
//!   is no session);
//! - receiving: [`Session::decrypt`] with the stored session, or [`Session::accept`] for a pre-key
//!   message that starts one, then [`payload::decrypt_v03`] / [`payload::decrypt_v2`];
//! - files (XEP-0454): [`media::MediaKey::generate`], then [`media::MediaEncryptor`] /
//!   [`media::MediaDecryptor`] piece by piece.
#![forbid(unsafe_code)]

mod error;
pub mod fingerprint;
mod identity;
mod keys;
pub mod media;
mod message;
pub mod payload;
mod persist;
mod ratchet;
mod session;
mod version;
mod wire;
pub mod x3dh;
pub mod xeddsa;

pub use error::{Error, Result};
pub use identity::{IdentityKeyPair, RemoteIdentity};
pub use keys::{Bundle, PreKey, PreKeyLookup, PreKeys, SignedPreKey};
pub use ratchet::{MAX_SKIP_PER_MESSAGE, MAX_SKIPPED_KEYS};
pub use session::{Accepted, EncryptedKey, Session};
pub use version::Version;
pub use wire::Header;
