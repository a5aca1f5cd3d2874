//! One account as the rest of the program sees it: validated
//! ([`AccountConfig`]) or broken ([`BrokenAccount`]).

use std::path::PathBuf;

use toml::{Table, Value};

use super::ValidationError;
use super::file::{RawAccount, check_types};
use super::{ConfigError, DEFAULT_AUTO_DOWNLOAD_LIMIT, DEFAULT_AUTO_DOWNLOAD_MAX};
use crate::api::{AccountInfo, ConnState, NewAccount, TlsMode};

#[derive(Clone, PartialEq, Eq)]
pub enum PasswordSource {
    /// The password is in the OS keyring (service `plausch`, user = account id).
    Keyring,
    /// The standard output of this shell command is the password.
    Command(String),
}

impl std::fmt::Debug for PasswordSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PasswordSource::Keyring => f.write_str("Keyring"),
            PasswordSource::Command(_) => f.write_str("Command(..)"),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct AccountConfig {
    pub id: String,
    /// Bare JID (`user@domain`).
    pub jid: String,
    pub label: Option<String>,
    pub color: Option<String>,
    pub enabled: bool,
    pub password: PasswordSource,
    pub host: Option<String>,
    pub port: Option<u16>,
    pub tls: TlsMode,
    pub ca_file: Option<PathBuf>,
    /// Normalised SHA-256 fingerprint: upper-case hex pairs joined by `:`.
    pub pinned_cert: Option<String>,
    pub resource: Option<String>,
    /// Presence priority (RFC 6121), -128 to 127; absent = 0.
    pub priority: Option<i8>,
    pub switches: Switches,
    pub files: FileSettings,
}

/// How an account handles files it receives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileSettings {
    /// Download images (and other files up to `auto_download_max_bytes`)
    /// from contacts automatically.
    pub auto_download: bool,
    /// Other files than images are downloaded automatically up to this size.
    pub auto_download_max_bytes: u64,
    /// Where received files go; absent: `files/` in the account's directory.
    pub download_dir: Option<PathBuf>,
    /// The global cap from `[settings]` (not an account key): set when the
    /// config is read and when an account is started.
    pub global_limit_bytes: u64,
    /// Files go directly to the contact's client (Jingle) when it can take
    /// them, before trying the upload service (default: upload first).
    pub direct_first: bool,
    /// Retention: messages older than this many days are deleted here,
    /// with their received files (0: kept for ever). Beside the file
    /// settings because received files go with their messages.
    pub keep_days: u32,
}

impl Default for FileSettings {
    fn default() -> Self {
        FileSettings {
            auto_download: true,
            auto_download_max_bytes: DEFAULT_AUTO_DOWNLOAD_MAX,
            download_dir: None,
            global_limit_bytes: DEFAULT_AUTO_DOWNLOAD_LIMIT,
            direct_first: false,
            keep_days: 0,
        }
    }
}

impl FileSettings {
    /// Whether a received file is fetched without being asked: only when
    /// switched on, within the global cap, and for other files than
    /// images within the account's threshold. An unknown size is never
    /// fetched automatically.
    pub fn auto_downloads(&self, size: Option<u64>, image: bool) -> bool {
        let Some(size) = size else { return false };
        self.auto_download
            && size <= self.global_limit_bytes
            && (image || size <= self.auto_download_max_bytes)
    }

    /// The most an automatic download may fetch (it stops beyond).
    pub fn auto_cap(&self, image: bool) -> u64 {
        if image {
            self.global_limit_bytes
        } else {
            self.auto_download_max_bytes.min(self.global_limit_bytes)
        }
    }
}

/// The on/off settings of an account that apply without reconnecting:
/// privacy and notifications. Each is on unless the file says `false`,
/// except `require_encryption`, off unless it says `true`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Switches {
    /// Answer delivery receipt requests (XEP-0184) of roster contacts.
    pub send_receipts: bool,
    /// Send typing notifications (XEP-0085).
    pub send_typing: bool,
    /// Send read markers (XEP-0333) when the user has seen a message.
    pub send_read_markers: bool,
    /// Desktop notifications for new messages of this account.
    pub notifications: bool,
    /// Notifications show sender and text (else only "new message").
    pub notification_text: bool,
    /// OMEMO end-to-end encryption (XEP-0384): this device has keys and
    /// publishes them, and follows device lists.
    pub omemo: bool,
    /// 1:1 messages go out end-to-end encrypted or not at all: a chat
    /// cannot be switched to plain text, and a message to someone without
    /// OMEMO fails.
    pub require_encryption: bool,
}

impl Default for Switches {
    fn default() -> Self {
        Switches {
            send_receipts: true,
            send_typing: true,
            send_read_markers: true,
            notifications: true,
            notification_text: true,
            omemo: true,
            require_encryption: false,
        }
    }
}

impl Switches {
    /// Each switch's key in `config.toml` with its value.
    pub fn entries(&self) -> [(&'static str, bool); 7] {
        [
            ("send_receipts", self.send_receipts),
            ("send_typing", self.send_typing),
            ("send_read_markers", self.send_read_markers),
            ("notifications", self.notifications),
            ("notification_text", self.notification_text),
            ("omemo", self.omemo),
            ("require_encryption", self.require_encryption),
        ]
    }

    /// The switches an update sets; the others stay.
    pub fn apply(&mut self, u: &crate::api::AccountUpdate) {
        for (slot, value) in [
            (&mut self.send_receipts, u.send_receipts),
            (&mut self.send_typing, u.send_typing),
            (&mut self.send_read_markers, u.send_read_markers),
            (&mut self.notifications, u.notifications),
            (&mut self.notification_text, u.notification_text),
            (&mut self.omemo, u.omemo),
            (&mut self.require_encryption, u.require_encryption),
        ] {
            if let Some(v) = value {
                *slot = v;
            }
        }
    }

    /// An update that sets every switch to its value here.
    pub fn to_update(&self, u: crate::api::AccountUpdate) -> crate::api::AccountUpdate {
        crate::api::AccountUpdate {
            send_receipts: Some(self.send_receipts),
            send_typing: Some(self.send_typing),
            send_read_markers: Some(self.send_read_markers),
            notifications: Some(self.notifications),
            notification_text: Some(self.notification_text),
            omemo: Some(self.omemo),
            require_encryption: Some(self.require_encryption),
            ..u
        }
    }
}

impl AccountConfig {
    /// An enabled account with default connection settings (SRV lookup,
    /// STARTTLS, system roots). Not validated: for code and tests that build
    /// accounts directly; user input goes through `from_new`.
    pub fn new(id: impl Into<String>, jid: impl Into<String>, password: PasswordSource) -> Self {
        AccountConfig {
            id: id.into(),
            jid: jid.into(),
            label: None,
            color: None,
            enabled: true,
            password,
            host: None,
            port: None,
            tls: TlsMode::Starttls,
            ca_file: None,
            pinned_cert: None,
            resource: None,
            priority: None,
            switches: Switches::default(),
            files: FileSettings::default(),
        }
    }

    /// Build and validate an account from the add-account data. The password
    /// itself is not part of the config; store it with `secrets::store_password`.
    pub fn from_new(n: &NewAccount) -> Result<Self, ConfigError> {
        RawAccount::from(n).validate().map_err(ConfigError::Account)
    }

    /// Parse and validate one `[[account]]` table. Unknown keys are logged.
    pub fn from_table(table: &Table) -> Result<Self, String> {
        check_types(table)?;
        let id = table.get("id").and_then(Value::as_str).unwrap_or("?");
        let raw: RawAccount = serde_ignored::deserialize(Value::Table(table.clone()), |key| {
            tracing::warn!("config: unknown key `{key}` in account `{id}` ignored");
        })
        .map_err(|e: toml::de::Error| e.message().trim().to_string())?;
        raw.validate().map_err(|e| e.to_string())
    }

    /// The same account after the checks a file entry passes (for changes
    /// made in code, e.g. an account update).
    pub fn revalidated(&self) -> Result<Self, ValidationError> {
        RawAccount::from(self).validate()
    }

    pub fn info(&self, state: ConnState) -> AccountInfo {
        AccountInfo {
            id: self.id.clone(),
            jid: Some(self.jid.clone()),
            label: self.label.clone(),
            color: self.color.clone(),
            enabled: self.enabled,
            state,
            error: None,
        }
    }
}

/// An `[[account]]` entry that failed validation. It does not connect, is
/// shown as broken, and is written back exactly as read.
#[derive(Clone, PartialEq)]
pub struct BrokenAccount {
    /// The entry's `id` if it has a string one, else `account-N` (1-based).
    pub id: String,
    /// Why the entry is invalid.
    pub error: String,
    /// The entry as read from the file.
    pub raw: Table,
}

impl BrokenAccount {
    pub fn info(&self) -> AccountInfo {
        let s = |k: &str| self.raw.get(k).and_then(Value::as_str).map(str::to_owned);
        AccountInfo {
            id: self.id.clone(),
            jid: s("jid"),
            label: s("label"),
            color: s("color"),
            enabled: self
                .raw
                .get("enabled")
                .and_then(Value::as_bool)
                .unwrap_or(true),
            state: ConnState::Broken,
            error: Some(self.error.clone()),
        }
    }
}

impl std::fmt::Debug for BrokenAccount {
    // The raw entry may hold a password_command; show only its keys.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BrokenAccount")
            .field("id", &self.id)
            .field("error", &self.error)
            .field("raw_keys", &self.raw.keys().collect::<Vec<_>>())
            .finish()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum AccountEntry {
    Ok(AccountConfig),
    Broken(BrokenAccount),
}

impl AccountEntry {
    pub fn id(&self) -> &str {
        match self {
            AccountEntry::Ok(a) => &a.id,
            AccountEntry::Broken(b) => &b.id,
        }
    }

    /// The entry as shown in the account list, before any connection attempt:
    /// `Offline` (enabled), `Disabled` or `Broken`.
    pub fn info(&self) -> AccountInfo {
        match self {
            AccountEntry::Ok(a) => a.info(if a.enabled {
                ConnState::Offline
            } else {
                ConnState::Disabled
            }),
            AccountEntry::Broken(b) => b.info(),
        }
    }
}
