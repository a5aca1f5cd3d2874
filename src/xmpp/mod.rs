//! The pure protocol layer: reading and building XMPP payloads, one file
//! per XEP concern, with the element helpers they share in `util`.
//!
//! The rule (checked by `tests/layers.rs`): nothing here imports `store`,
//! `api` or `account`, and nothing does I/O. Functions take and return
//! xmpp-parsers types or the small structs declared here; `account/`
//! converts them into what the store and the front-ends use. Payloads that
//! xmpp-parsers 0.23 has no type for are small hand-written structs read
//! with `TryFrom<&Element>` (leniently, as other clients write them).

pub mod aesgcm;
pub mod avatars;
pub mod blocking;
pub mod caps;
pub mod carbons;
pub mod chat;
pub mod chatstates;
pub mod corrections;
pub mod fallback;
pub mod file_message;
pub mod ibb;
pub mod jingle_ft;
pub mod jingle_s5b;
pub mod last_activity;
pub mod mam;
pub mod markers;
pub mod mds;
pub mod moderation;
pub mod muc;
pub mod muc_admin;
pub mod nick;
pub mod omemo;
pub mod pep;
pub mod reactions;
pub mod receipts;
pub mod register;
pub mod replies;
pub mod retraction;
pub mod sce;
pub mod stamp;
pub mod stanza_error;
pub mod text;
pub mod uri;
pub mod util;
pub mod vcard;
pub mod version;
pub mod xml_depth;
