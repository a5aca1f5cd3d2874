//! The on-disk form of `config.toml`: what serde reads and writes, and the
//! checks between it and the validated types.

use crate::config::ValidationError;
use std::collections::HashSet;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use toml::{Table, Value};

use super::{
    AccountConfig, AccountEntry, BrokenAccount, Config, DEFAULT_AUTO_DOWNLOAD_LIMIT,
    DEFAULT_AUTO_DOWNLOAD_MAX, DEFAULT_AWAY_AFTER_MINUTES, DEFAULT_XA_AFTER_MINUTES, FileSettings,
    LANGUAGES, PasswordSource, Settings, Switches, ThemeChoice, normalize_fingerprint,
    validate_account_id, validate_jid, validate_port,
};
use crate::api::{NewAccount, TlsMode};

/// An `[[account]]` entry as written in the file, before validation. The
/// fields are in the documented order, which is the order they are written
/// in; TOML has no null, so the serializer leaves out what is `None`.
#[derive(Debug, Default, Deserialize, Serialize)]
pub(super) struct RawAccount {
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
    omemo: Option<bool>,
    // Absent: off.
    require_encryption: Option<bool>,
    auto_download: Option<bool>,
    auto_download_max_bytes: Option<i64>,
    download_dir: Option<String>,
    // Absent: off (upload first).
    direct_transfer_first: Option<bool>,
    // Absent or 0: messages are kept for ever.
    keep_days: Option<i64>,
}

/// The value of `tls` in the file.
fn tls_name(tls: TlsMode) -> &'static str {
    match tls {
        TlsMode::Starttls => "starttls",
        TlsMode::Direct => "direct",
    }
}

/// A switch as written: only when off, so the file stays short.
fn off_only(on: bool) -> Option<bool> {
    (!on).then_some(false)
}

/// TOML integers are signed; a larger limit is written as the largest.
fn toml_int(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl From<&NewAccount> for RawAccount {
    fn from(n: &NewAccount) -> Self {
        RawAccount {
            id: n.id.clone(),
            jid: n.jid.clone(),
            label: n.label.clone(),
            color: n.color.clone(),
            enabled: true,
            password_command: n.password_command.clone(),
            host: n.host.clone(),
            port: n.port.map(i64::from),
            tls: Some(tls_name(n.tls).into()),
            ca_file: n.ca_file.clone(),
            pinned_cert: n.pinned_cert.clone(),
            ..RawAccount::default()
        }
    }
}

impl From<&AccountConfig> for RawAccount {
    fn from(a: &AccountConfig) -> Self {
        let path = |p: &Option<PathBuf>| p.as_ref().map(|p| p.to_string_lossy().into_owned());
        let s = &a.switches;
        let f = &a.files;
        RawAccount {
            id: a.id.clone(),
            jid: a.jid.clone(),
            label: a.label.clone(),
            color: a.color.clone(),
            enabled: a.enabled,
            password_command: match &a.password {
                PasswordSource::Command(c) => Some(c.clone()),
                PasswordSource::Keyring => None,
            },
            host: a.host.clone(),
            port: a.port.map(i64::from),
            tls: Some(tls_name(a.tls).into()),
            ca_file: path(&a.ca_file),
            pinned_cert: a.pinned_cert.clone(),
            resource: a.resource.clone(),
            priority: a.priority.map(i64::from),
            send_receipts: off_only(s.send_receipts),
            send_typing: off_only(s.send_typing),
            send_read_markers: off_only(s.send_read_markers),
            notifications: off_only(s.notifications),
            notification_text: off_only(s.notification_text),
            omemo: off_only(s.omemo),
            require_encryption: s.require_encryption.then_some(true),
            auto_download: off_only(f.auto_download),
            auto_download_max_bytes: (f.auto_download_max_bytes != DEFAULT_AUTO_DOWNLOAD_MAX)
                .then(|| toml_int(f.auto_download_max_bytes)),
            download_dir: path(&f.download_dir),
            direct_transfer_first: f.direct_first.then_some(true),
            keep_days: (f.keep_days > 0).then(|| i64::from(f.keep_days)),
        }
    }
}

fn default_enabled() -> bool {
    true
}

fn non_empty(field: &'static str, v: Option<String>) -> Result<Option<String>, ValidationError> {
    match v {
        Some(s) if s.trim().is_empty() => Err(ValidationError::Empty(field)),
        v => Ok(v),
    }
}

impl RawAccount {
    pub(super) fn validate(self) -> Result<AccountConfig, ValidationError> {
        validate_account_id(&self.id)?;
        validate_jid(&self.jid)?;
        let port = self.port.map(validate_port).transpose()?;
        let tls = match self.tls.as_deref() {
            None | Some("starttls") => TlsMode::Starttls,
            Some("direct") => TlsMode::Direct,
            Some(other) => return Err(ValidationError::TlsMode(other.to_owned())),
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
            return Err(ValidationError::HostWhitespace(h.clone()));
        }
        let resource = non_empty("resource", self.resource)?;
        let ca_file = non_empty("ca_file", self.ca_file)?.map(PathBuf::from);
        let download_dir = non_empty("download_dir", self.download_dir)?.map(PathBuf::from);
        let keep_days = match self.keep_days {
            None => 0,
            Some(n) => u32::try_from(n).map_err(|_| ValidationError::KeepDays(n))?,
        };
        let auto_download_max_bytes = match self.auto_download_max_bytes {
            None => DEFAULT_AUTO_DOWNLOAD_MAX,
            Some(n) => u64::try_from(n).map_err(|_| ValidationError::NegativeSize(n))?,
        };
        // RFC 6121 §4.7.2.3: a signed byte.
        let priority = self
            .priority
            .map(|p| i8::try_from(p).map_err(|_| ValidationError::Priority(p)))
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
                omemo: self.omemo.unwrap_or(true),
                require_encryption: self.require_encryption.unwrap_or(false),
            },
            files: FileSettings {
                auto_download: self.auto_download.unwrap_or(true),
                auto_download_max_bytes,
                download_dir,
                global_limit_bytes: DEFAULT_AUTO_DOWNLOAD_LIMIT,
                direct_first: self.direct_transfer_first.unwrap_or(false),
                keep_days,
            },
        })
    }
}

/// `[settings]` as written in the file; the same order as the docs.
#[derive(Debug, Default, Deserialize, Serialize)]
struct RawSettings {
    language: Option<String>,
    #[serde(default)]
    theme: ThemeChoice,
    away_after_minutes: Option<u32>,
    xa_after_minutes: Option<u32>,
    #[serde(default, skip_serializing_if = "is_false")]
    hide_offline: bool,
    auto_download_limit_bytes: Option<u64>,
}

fn is_false(b: &bool) -> bool {
    !b
}

impl From<&Settings> for RawSettings {
    // Only what differs from the defaults is written, so new defaults reach
    // old files.
    fn from(s: &Settings) -> Self {
        RawSettings {
            language: s.language.clone(),
            theme: s.theme,
            away_after_minutes: (s.away_after_minutes != DEFAULT_AWAY_AFTER_MINUTES)
                .then_some(s.away_after_minutes),
            xa_after_minutes: (s.xa_after_minutes != DEFAULT_XA_AFTER_MINUTES)
                .then_some(s.xa_after_minutes),
            hide_offline: s.hide_offline,
            auto_download_limit_bytes: (s.auto_download_limit_bytes != DEFAULT_AUTO_DOWNLOAD_LIMIT)
                .then(|| toml_int(s.auto_download_limit_bytes).unsigned_abs()),
        }
    }
}

/// The whole file as [`Config::save`] writes it.
#[derive(Serialize)]
pub(super) struct FileDoc<'a> {
    settings: RawSettings,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    account: Vec<FileEntry<'a>>,
}

/// A valid account is written from its values; a broken one exactly as read.
#[derive(Serialize)]
#[serde(untagged)]
enum FileEntry<'a> {
    // Boxed so that the enum stays small (clippy::large_enum_variant).
    Ok(Box<RawAccount>),
    Broken(&'a Table),
}

impl<'a> From<&'a Config> for FileDoc<'a> {
    fn from(c: &'a Config) -> Self {
        FileDoc {
            settings: RawSettings::from(&c.settings),
            account: c
                .accounts
                .iter()
                .map(|e| match e {
                    AccountEntry::Ok(a) => FileEntry::Ok(Box::new(RawAccount::from(a))),
                    AccountEntry::Broken(b) => FileEntry::Broken(&b.raw),
                })
                .collect(),
        }
    }
}

/// Keys of the on/off settings of an account.
fn is_switch(key: &str) -> bool {
    key == "enabled"
        || key == "auto_download"
        || key == "direct_transfer_first"
        || Switches::default().entries().iter().any(|(k, _)| *k == key)
}

/// Name the key in type errors (serde's messages do not).
pub(super) fn check_types(table: &Table) -> Result<(), String> {
    for (key, value) in table {
        let expected = match key.as_str() {
            k if is_switch(k) => "a boolean (true or false)",
            "port" | "priority" | "auto_download_max_bytes" | "keep_days" => "an integer",
            "id" | "jid" | "label" | "color" | "password_command" | "host" | "tls" | "ca_file"
            | "pinned_cert" | "resource" | "download_dir" => "a string",
            _ => continue,
        };
        let ok = match key.as_str() {
            k if is_switch(k) => value.is_bool(),
            "port" | "priority" | "auto_download_max_bytes" | "keep_days" => value.is_integer(),
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

pub(super) fn parse_settings(t: Table) -> Result<Settings, String> {
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

pub(super) fn parse_account(raw: Table, n: usize, seen: &mut HashSet<String>) -> AccountEntry {
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
pub(super) fn line_col(text: &str, offset: usize) -> (usize, usize) {
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
