//! Fixture tests of the account actor: fixture stanzas go into the real
//! handlers over a recording [`Wire`](super::wire::Wire) (no server), and
//! the tests look at what was sent, what was announced and what the store
//! holds. Shared builders live in `support.rs`.

mod archive;
mod carbons;
mod chat;
mod corrections;
mod mds;
mod muc;
mod omemo;
mod omemo_messages;
mod omemo_rooms;
mod receipts;
mod requests;
mod states;
mod support;
mod trust;
mod upload;
