//! Shared helpers for the integration tests (`mod common;` in each test file).
//!
//! Not every test file uses every helper, hence the blanket `dead_code` allowance.
#![allow(dead_code)]

pub mod prosody;

#[allow(unused_imports)]
pub use prosody::Prosody;

pub mod bot;
pub mod events;
pub mod files;
pub mod headless;
pub mod omemo_peer;
pub mod raw;
