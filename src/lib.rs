//! Plausch core: account actors, storage, configuration and secrets.
//!
//! Nothing in this library but `ui` depends on `iced`; the headless front-end
//! and the GUI drive the same actors through the vocabulary of [`api`]
//! ([`api::Command`], whose per-account part is [`api::AccountRequest`]) and
//! [`api::Event`], starting and stopping them with [`accounts`].

// Product code never unwraps: network, disk and user data get typed errors
// (tests may: a failing fixture is a failing test, see clippy.toml).
#![deny(clippy::unwrap_used, clippy::expect_used)]

pub mod account;
pub mod accounts;
pub mod api;
pub mod avatar_image;
pub mod backup;
pub mod config;
pub mod consistent_color;
pub mod export;
pub mod files;
#[doc(hidden)]
pub mod fuzzing;
pub mod headless;
pub mod i18n;
pub mod idle;
pub mod notify;
pub mod profile;
pub mod secrets;
pub mod store;
pub mod ui;
pub mod xmpp;
