//! `config.toml`: the list of accounts and the app settings.
//!
//! ```toml
//! [settings]
//! language = "de"        # optional; "en" | "de"; absent = OS language
//! theme = "system"       # system | light | dark
//! away_after_minutes = 10 # automatic away after this long without use; 0 = never
//! xa_after_minutes = 30  # extended away after this long; 0 = never
//! hide_offline = false   # hide offline contacts without conversation in the sidebar
//! auto_download_limit_bytes = 26214400 # no automatic download beyond this size, any account
//!
//! [[account]]
//! id = "work"            # [a-z0-9][a-z0-9_-]{0,31}
//! jid = "alice@example.org"
//! label = "Work"
//! color = "#3b82f6"
//! enabled = true
//! password_command = "pass show xmpp/work"   # absent => password in the OS keyring
//! host = "xmpp.example.org"
//! port = 5222
//! tls = "starttls"       # or "direct"
//! ca_file = "/path/ca.pem"
//! pinned_cert = "AB:CD:…" # SHA-256 of the server certificate
//! resource = "laptop"
//! auto_download = true   # images and small files from contacts
//! auto_download_max_bytes = 5242880 # "small" (images: up to the global limit)
//! download_dir = "/home/me/Downloads/work" # absent: files/ in the account's directory
//! ```
//!
//! A syntax error makes the whole file unusable ([`ConfigError::Parse`]). An
//! `[[account]]` entry with invalid values only breaks that account: it is
//! loaded as [`AccountEntry::Broken`], shown as broken, and written back
//! unchanged by [`Config::save`]. Unknown keys are logged and ignored.
//! The file never contains a password.

mod validate;

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::{Table, Value};

use crate::api::{AccountInfo, ConnState, NewAccount, TlsMode};

pub use validate::{
    MAX_ID_LEN, ValidationError, normalize_fingerprint, parse_port, validate_account_id,
    validate_jid, validate_port,
};

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file is readable TOML but its structure is unusable
    /// (e.g. `[settings]` is not a table, an unknown theme).
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
    /// An account's values are invalid (`from_new`, `add_account`).
    #[error("invalid account: {0}")]
    Account(String),
    /// A TOML syntax error. `line` and `column` are 1-based.
    #[error("{path}, line {line}, column {column}: {message}")]
    Parse {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    /// `add_account` with an id that is already configured.
    #[error("an account with id `{0}` already exists")]
    DuplicateAccount(String),
    /// Reading or writing the file failed.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ThemeChoice {
    #[default]
    System,
    Light,
    Dark,
}

impl ThemeChoice {
    pub fn as_str(self) -> &'static str {
        match self {
            ThemeChoice::System => "system",
            ThemeChoice::Light => "light",
            ThemeChoice::Dark => "dark",
        }
    }
}

/// Languages the UI is translated to (values of `settings.language`).
pub const LANGUAGES: &[&str] = &["en", "de"];

#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// `en`, `de`, or `None` for the OS language.
    pub language: Option<String>,
    pub theme: ThemeChoice,
    /// Minutes without use before the accounts go away (0: never).
    pub away_after_minutes: u32,
    /// Minutes without use before they go extended away (0: never).
    pub xa_after_minutes: u32,
    /// Hide offline contacts that have no conversation.
    pub hide_offline: bool,
    /// No file is downloaded automatically beyond this size (bytes), on
    /// any account; images included.
    pub auto_download_limit_bytes: u64,
}

pub const DEFAULT_AWAY_AFTER_MINUTES: u32 = 10;
pub const DEFAULT_XA_AFTER_MINUTES: u32 = 30;
/// Global cap for automatic downloads (`[settings] auto_download_limit_bytes`).
pub const DEFAULT_AUTO_DOWNLOAD_LIMIT: u64 = 25 * 1024 * 1024;
/// Per account: other files than images up to this size are downloaded
/// automatically (`auto_download_max_bytes`).
pub const DEFAULT_AUTO_DOWNLOAD_MAX: u64 = 5 * 1024 * 1024;

impl Default for Settings {
    fn default() -> Self {
        Settings {
            language: None,
            theme: ThemeChoice::default(),
            away_after_minutes: DEFAULT_AWAY_AFTER_MINUTES,
            xa_after_minutes: DEFAULT_XA_AFTER_MINUTES,
            hide_offline: false,
            auto_download_limit_bytes: DEFAULT_AUTO_DOWNLOAD_LIMIT,
        }
    }
}

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
}

impl Default for FileSettings {
    fn default() -> Self {
        FileSettings {
            auto_download: true,
            auto_download_max_bytes: DEFAULT_AUTO_DOWNLOAD_MAX,
            download_dir: None,
            global_limit_bytes: DEFAULT_AUTO_DOWNLOAD_LIMIT,
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
/// privacy and notifications. Each is on unless the file says `false`.
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
}

impl Default for Switches {
    fn default() -> Self {
        Switches {
            send_receipts: true,
            send_typing: true,
            send_read_markers: true,
            notifications: true,
            notification_text: true,
        }
    }
}

impl Switches {
    /// Each switch's key in `config.toml` with its value.
    pub fn entries(&self) -> [(&'static str, bool); 5] {
        [
            ("send_receipts", self.send_receipts),
            ("send_typing", self.send_typing),
            ("send_read_markers", self.send_read_markers),
            ("notifications", self.notifications),
            ("notification_text", self.notification_text),
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
            ..u
        }
    }
}

/// An `[[account]]` entry as written in the file, before validation.
#[derive(Debug, Default, Deserialize)]
struct RawAccount {
    id: String,
    jid: String,
    label: Option<String>,
    color: Option<String>,
    #[serde(default = "default_enabled")]
    enabled: bool,
    password_command: Option<String>,
    host: Option<String>,
    port: Option<i64>,
    tls: Option<String>,
    ca_file: Option<String>,
    pinned_cert: Option<String>,
    resource: Option<String>,
    priority: Option<i64>,
    // Absent: on (see `Switches`).
    send_receipts: Option<bool>,
    send_typing: Option<bool>,
    send_read_markers: Option<bool>,
    notifications: Option<bool>,
    notification_text: Option<bool>,
    auto_download: Option<bool>,
    auto_download_max_bytes: Option<i64>,
    download_dir: Option<String>,
}

fn default_enabled() -> bool {
    true
}

fn non_empty(field: &str, v: Option<String>) -> Result<Option<String>, String> {
    match v {
        Some(s) if s.trim().is_empty() => Err(format!("{field} must not be empty")),
        v => Ok(v),
    }
}

impl RawAccount {
    fn validate(self) -> Result<AccountConfig, String> {
        validate_account_id(&self.id)?;
        validate_jid(&self.jid)?;
        let port = self.port.map(validate_port).transpose()?;
        let tls = match self.tls.as_deref() {
            None | Some("starttls") => TlsMode::Starttls,
            Some("direct") => TlsMode::Direct,
            Some(other) => {
                return Err(format!(
                    "tls: unknown mode `{other}` (expected `starttls` or `direct`)"
                ));
            }
        };
        let pinned_cert = self
            .pinned_cert
            .as_deref()
            .map(normalize_fingerprint)
            .transpose()?;
        let password = match non_empty("password_command", self.password_command)? {
            Some(c) => PasswordSource::Command(c),
            None => PasswordSource::Keyring,
        };
        let host = non_empty("host", self.host)?;
        if let Some(h) = &host
            && h.chars().any(char::is_whitespace)
        {
            return Err(format!("host `{h}` must not contain whitespace"));
        }
        let resource = non_empty("resource", self.resource)?;
        let ca_file = non_empty("ca_file", self.ca_file)?.map(PathBuf::from);
        let download_dir = non_empty("download_dir", self.download_dir)?.map(PathBuf::from);
        let auto_download_max_bytes = match self.auto_download_max_bytes {
            None => DEFAULT_AUTO_DOWNLOAD_MAX,
            Some(n) => u64::try_from(n)
                .map_err(|_| format!("auto_download_max_bytes {n} must not be negative"))?,
        };
        // RFC 6121 §4.7.2.3: a signed byte.
        let priority = self
            .priority
            .map(|p| {
                i8::try_from(p).map_err(|_| format!("priority {p} is out of range (-128 to 127)"))
            })
            .transpose()?;
        Ok(AccountConfig {
            id: self.id,
            jid: self.jid,
            label: self.label,
            color: self.color,
            enabled: self.enabled,
            password,
            host,
            port,
            tls,
            ca_file,
            pinned_cert,
            resource,
            priority,
            switches: Switches {
                send_receipts: self.send_receipts.unwrap_or(true),
                send_typing: self.send_typing.unwrap_or(true),
                send_read_markers: self.send_read_markers.unwrap_or(true),
                notifications: self.notifications.unwrap_or(true),
                notification_text: self.notification_text.unwrap_or(true),
            },
            files: FileSettings {
                auto_download: self.auto_download.unwrap_or(true),
                auto_download_max_bytes,
                download_dir,
                global_limit_bytes: DEFAULT_AUTO_DOWNLOAD_LIMIT,
            },
        })
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
        RawAccount {
            id: n.id.clone(),
            jid: n.jid.clone(),
            label: n.label.clone(),
            color: n.color.clone(),
            enabled: true,
            password_command: n.password_command.clone(),
            host: n.host.clone(),
            port: n.port.map(i64::from),
            tls: Some(
                match n.tls {
                    TlsMode::Starttls => "starttls",
                    TlsMode::Direct => "direct",
                }
                .into(),
            ),
            ca_file: n.ca_file.clone(),
            pinned_cert: n.pinned_cert.clone(),
            ..RawAccount::default()
        }
        .validate()
        .map_err(ConfigError::Account)
    }

    /// Parse and validate one `[[account]]` table. Unknown keys are logged.
    pub fn from_table(table: &Table) -> Result<Self, String> {
        check_types(table)?;
        let id = table.get("id").and_then(Value::as_str).unwrap_or("?");
        let raw: RawAccount = serde_ignored::deserialize(Value::Table(table.clone()), |key| {
            tracing::warn!("config: unknown key `{key}` in account `{id}` ignored");
        })
        .map_err(|e: toml::de::Error| e.message().trim().to_string())?;
        raw.validate()
    }

    /// The `[[account]]` table for this account, keys in the documented order.
    pub fn to_table(&self) -> Table {
        let mut t = Table::new();
        let mut put = |k: &str, v: Value| {
            t.insert(k.to_string(), v);
        };
        put("id", self.id.clone().into());
        put("jid", self.jid.clone().into());
        if let Some(v) = &self.label {
            put("label", v.clone().into());
        }
        if let Some(v) = &self.color {
            put("color", v.clone().into());
        }
        put("enabled", self.enabled.into());
        if let PasswordSource::Command(c) = &self.password {
            put("password_command", c.clone().into());
        }
        if let Some(v) = &self.host {
            put("host", v.clone().into());
        }
        if let Some(v) = self.port {
            put("port", i64::from(v).into());
        }
        put(
            "tls",
            match self.tls {
                TlsMode::Starttls => "starttls",
                TlsMode::Direct => "direct",
            }
            .into(),
        );
        if let Some(v) = &self.ca_file {
            put("ca_file", v.to_string_lossy().into_owned().into());
        }
        if let Some(v) = &self.pinned_cert {
            put("pinned_cert", v.clone().into());
        }
        if let Some(v) = &self.resource {
            put("resource", v.clone().into());
        }
        if let Some(v) = self.priority {
            put("priority", i64::from(v).into());
        }
        // Only the non-default is written, so the file stays short.
        for (key, on) in self.switches.entries() {
            if !on {
                put(key, false.into());
            }
        }
        if !self.files.auto_download {
            put("auto_download", false.into());
        }
        if self.files.auto_download_max_bytes != DEFAULT_AUTO_DOWNLOAD_MAX {
            let n = i64::try_from(self.files.auto_download_max_bytes).unwrap_or(i64::MAX);
            put("auto_download_max_bytes", n.into());
        }
        if let Some(v) = &self.files.download_dir {
            put("download_dir", v.to_string_lossy().into_owned().into());
        }
        t
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

    fn to_table(&self) -> Table {
        match self {
            AccountEntry::Ok(a) => a.to_table(),
            AccountEntry::Broken(b) => b.raw.clone(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    pub settings: Settings,
    pub accounts: Vec<AccountEntry>,
}

#[derive(Debug, Default, Deserialize)]
struct RawSettings {
    language: Option<String>,
    #[serde(default)]
    theme: ThemeChoice,
    away_after_minutes: Option<u32>,
    xa_after_minutes: Option<u32>,
    #[serde(default)]
    hide_offline: bool,
    auto_download_limit_bytes: Option<u64>,
}

const HEADER: &str = "# Plausch configuration.\n\
# Passwords are never stored here: they live in the OS keyring, or are read\n\
# from the output of an account's `password_command`.\n\n";

impl Config {
    /// Read `config.toml`. A missing file is the default (empty) config.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(source) => {
                return Err(ConfigError::Io {
                    path: path.to_owned(),
                    source,
                });
            }
        };
        Config::parse(&text, path)
    }

    /// Parse the text of a config file; `path` is only used in messages.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let doc: Table = toml::from_str(text).map_err(|e| {
            let (line, column) = match e.span() {
                Some(span) => line_col(text, span.start),
                None => (1, 1),
            };
            ConfigError::Parse {
                path: path.to_owned(),
                line,
                column,
                message: e.message().trim().to_string(),
            }
        })?;
        let invalid = |message: String| ConfigError::Invalid {
            path: path.to_owned(),
            message,
        };

        let mut config = Config::default();
        for (key, value) in doc {
            match key.as_str() {
                "settings" => {
                    let Value::Table(t) = value else {
                        return Err(invalid("`settings` must be a table".into()));
                    };
                    config.settings = parse_settings(t).map_err(invalid)?;
                }
                "account" => {
                    let Value::Array(entries) = value else {
                        return Err(invalid(
                            "`account` must be a list of [[account]] tables".into(),
                        ));
                    };
                    let mut seen = HashSet::new();
                    for (i, entry) in entries.into_iter().enumerate() {
                        let Value::Table(raw) = entry else {
                            return Err(invalid(
                                "`account` must be a list of [[account]] tables".into(),
                            ));
                        };
                        let entry = parse_account(raw, i + 1, &mut seen);
                        if let AccountEntry::Broken(b) = &entry {
                            tracing::warn!("config: account `{}` is broken: {}", b.id, b.error);
                        }
                        config.accounts.push(entry);
                    }
                }
                other => {
                    tracing::warn!("config: unknown key `{other}` ignored");
                }
            }
        }
        let limit = config.settings.auto_download_limit_bytes;
        for entry in &mut config.accounts {
            if let AccountEntry::Ok(a) = entry {
                a.files.global_limit_bytes = limit;
            }
        }
        Ok(config)
    }

    /// The TOML text [`save`](Self::save) writes.
    pub fn to_toml(&self) -> String {
        let mut settings = Table::new();
        if let Some(l) = &self.settings.language {
            settings.insert("language".into(), l.clone().into());
        }
        settings.insert("theme".into(), self.settings.theme.as_str().into());
        let s = &self.settings;
        // Written only when changed, so new defaults reach old files.
        if s.away_after_minutes != DEFAULT_AWAY_AFTER_MINUTES {
            settings.insert(
                "away_after_minutes".into(),
                i64::from(s.away_after_minutes).into(),
            );
        }
        if s.xa_after_minutes != DEFAULT_XA_AFTER_MINUTES {
            settings.insert(
                "xa_after_minutes".into(),
                i64::from(s.xa_after_minutes).into(),
            );
        }
        if s.hide_offline {
            settings.insert("hide_offline".into(), true.into());
        }
        if s.auto_download_limit_bytes != DEFAULT_AUTO_DOWNLOAD_LIMIT {
            let n = i64::try_from(s.auto_download_limit_bytes).unwrap_or(i64::MAX);
            settings.insert("auto_download_limit_bytes".into(), n.into());
        }
        let mut doc = Table::new();
        doc.insert("settings".into(), Value::Table(settings));
        if !self.accounts.is_empty() {
            let accounts = self
                .accounts
                .iter()
                .map(|a| Value::Table(a.to_table()))
                .collect();
            doc.insert("account".into(), Value::Array(accounts));
        }
        #[allow(
            clippy::expect_used,
            reason = "a table of strings, numbers and booleans always serializes"
        )]
        let body = toml::to_string(&doc).expect("a TOML table always serializes");
        format!("{HEADER}{body}")
    }

    /// Write the config atomically (temporary file in the same directory,
    /// fsync, rename). On Unix the file is only readable by the user (0600).
    pub fn save(&self, path: &Path) -> Result<(), ConfigError> {
        write_atomic(path, self.to_toml().as_bytes()).map_err(|source| ConfigError::Io {
            path: path.to_owned(),
            source,
        })
    }

    /// A valid account by id.
    pub fn account(&self, id: &str) -> Option<&AccountConfig> {
        self.accounts.iter().find_map(|a| match a {
            AccountEntry::Ok(a) if a.id == id => Some(a),
            _ => None,
        })
    }

    pub fn account_mut(&mut self, id: &str) -> Option<&mut AccountConfig> {
        self.accounts.iter_mut().find_map(|a| match a {
            AccountEntry::Ok(a) if a.id == id => Some(a),
            _ => None,
        })
    }

    /// Any entry (valid or broken) by id.
    pub fn entry(&self, id: &str) -> Option<&AccountEntry> {
        self.accounts.iter().find(|a| a.id() == id)
    }

    /// The valid accounts, in file order.
    pub fn valid_accounts(&self) -> impl Iterator<Item = &AccountConfig> {
        self.accounts.iter().filter_map(|a| match a {
            AccountEntry::Ok(a) => Some(a),
            AccountEntry::Broken(_) => None,
        })
    }

    /// Add a (validated) account. Fails if any entry, broken or not, has its id.
    pub fn add_account(&mut self, a: AccountConfig) -> Result<(), ConfigError> {
        if self.entry(&a.id).is_some() {
            return Err(ConfigError::DuplicateAccount(a.id));
        }
        self.accounts.push(AccountEntry::Ok(a));
        Ok(())
    }

    /// Remove every entry with this id. Returns whether one was removed.
    pub fn remove_account(&mut self, id: &str) -> bool {
        let before = self.accounts.len();
        self.accounts.retain(|a| a.id() != id);
        before != self.accounts.len()
    }

    /// All entries for the account list: enabled accounts `Offline`, disabled
    /// ones `Disabled`, broken ones `Broken` with their error.
    pub fn infos(&self) -> Vec<AccountInfo> {
        self.accounts.iter().map(AccountEntry::info).collect()
    }
}

/// Keys of the on/off settings of an account.
fn is_switch(key: &str) -> bool {
    key == "enabled"
        || key == "auto_download"
        || Switches::default().entries().iter().any(|(k, _)| *k == key)
}

/// Name the key in type errors (serde's messages do not).
fn check_types(table: &Table) -> Result<(), String> {
    for (key, value) in table {
        let expected = match key.as_str() {
            k if is_switch(k) => "a boolean (true or false)",
            "port" | "priority" | "auto_download_max_bytes" => "an integer",
            "id" | "jid" | "label" | "color" | "password_command" | "host" | "tls" | "ca_file"
            | "pinned_cert" | "resource" | "download_dir" => "a string",
            _ => continue,
        };
        let ok = match key.as_str() {
            k if is_switch(k) => value.is_bool(),
            "port" | "priority" | "auto_download_max_bytes" => value.is_integer(),
            _ => value.is_str(),
        };
        if !ok {
            return Err(format!(
                "{key}: expected {expected}, found {}",
                value.type_str()
            ));
        }
    }
    Ok(())
}

fn parse_settings(t: Table) -> Result<Settings, String> {
    let raw: RawSettings = serde_ignored::deserialize(Value::Table(t), |key| {
        tracing::warn!("config: unknown key `{key}` in [settings] ignored");
    })
    .map_err(|e: toml::de::Error| format!("[settings]: {}", e.message().trim()))?;
    if let Some(l) = &raw.language
        && !LANGUAGES.contains(&l.as_str())
    {
        return Err(format!(
            "[settings]: unsupported language `{l}` (expected one of: {}; or leave it out for the OS language)",
            LANGUAGES.join(", ")
        ));
    }
    Ok(Settings {
        language: raw.language,
        theme: raw.theme,
        away_after_minutes: raw.away_after_minutes.unwrap_or(DEFAULT_AWAY_AFTER_MINUTES),
        xa_after_minutes: raw.xa_after_minutes.unwrap_or(DEFAULT_XA_AFTER_MINUTES),
        hide_offline: raw.hide_offline,
        auto_download_limit_bytes: raw
            .auto_download_limit_bytes
            .unwrap_or(DEFAULT_AUTO_DOWNLOAD_LIMIT),
    })
}

fn parse_account(raw: Table, n: usize, seen: &mut HashSet<String>) -> AccountEntry {
    let id = match raw.get("id").and_then(Value::as_str) {
        Some(id) => id.to_owned(),
        None => format!("account-{n}"),
    };
    let result = if seen.insert(id.clone()) {
        AccountConfig::from_table(&raw)
    } else {
        Err(format!("duplicate account id `{id}`"))
    };
    match result {
        Ok(a) => AccountEntry::Ok(a),
        Err(error) => AccountEntry::Broken(BrokenAccount { id, error, raw }),
    }
}

/// 1-based line and column (in characters) of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// Write `data` to `path` via a temporary file in the same directory, fsync
/// and rename, so that a crash leaves either the old or the new file.
fn write_atomic(path: &Path, data: &[u8]) -> std::io::Result<()> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);

    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "config.toml".into());
    let tmp = dir.join(format!(
        ".{name}.tmp-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));

    let result = (|| {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(&tmp)?;
        #[cfg(unix)]
        {
            // The umask may have removed bits, never added any; make it exact.
            use std::os::unix::fs::PermissionsExt;
            file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        }
        file.write_all(data)?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result?;
    #[cfg(unix)]
    {
        // Persist the rename itself; best effort.
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
