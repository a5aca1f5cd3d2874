//! Adding, creating and changing accounts: what `add_account`,
//! `register_account` and `update_account` carry.

use super::*;

/// TLS mode of a connection.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TlsMode {
    /// Plain TCP upgraded with STARTTLS (port 5222).
    #[default]
    Starttls,
    /// TLS from the first byte (XEP-0368, port 5223).
    Direct,
}

/// Data for a new account (headless `add_account`, GUI add-account dialog).
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NewAccount {
    pub id: AccountId,
    pub jid: String,
    /// Stored in the OS keyring, never in the config file.
    #[serde(default, skip_serializing)]
    pub password: Option<String>,
    /// A command whose standard output is the password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_command: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    #[serde(default)]
    pub tls: TlsMode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<String>,
    /// SHA-256 fingerprint of a pinned server certificate (hex, `:` optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pinned_cert: Option<String>,
}

/// One field a server asks for when creating an account (XEP-0077).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationField {
    /// The field's name; `username` and `password` are filled in from the
    /// account, the others are answered in `register_account`'s `fields`.
    pub var: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// XEP-0004 field type: `text-single`, `text-private`, `boolean`,
    /// `list-single`, `hidden`, `fixed`, …
    pub kind: String,
    pub required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
}

/// A new account to create on the server, then add.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Registration {
    #[serde(flatten)]
    pub account: NewAccount,
    /// Answers to the server's extra fields, by `var`.
    #[serde(default)]
    pub fields: std::collections::BTreeMap<String, String>,
}

/// A change to an optional setting. In JSON an absent field keeps it,
/// `null` clears it and a value sets it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Change<T> {
    #[default]
    Keep,
    Clear,
    Set(T),
}

impl<T> Change<T> {
    pub fn is_keep(&self) -> bool {
        matches!(self, Change::Keep)
    }

    /// A value that fails `keep` clears the setting instead.
    pub fn filter(self, keep: impl FnOnce(&T) -> bool) -> Self {
        match self {
            Change::Set(v) if !keep(&v) => Change::Clear,
            other => other,
        }
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Change<U> {
        match self {
            Change::Keep => Change::Keep,
            Change::Clear => Change::Clear,
            Change::Set(v) => Change::Set(f(v)),
        }
    }

    /// Changes `field` accordingly.
    pub fn apply(self, field: &mut Option<T>) {
        match self {
            Change::Keep => {}
            Change::Clear => *field = None,
            Change::Set(v) => *field = Some(v),
        }
    }
}

/// Set to this value, or clear.
impl<T> From<Option<T>> for Change<T> {
    fn from(v: Option<T>) -> Self {
        v.map_or(Change::Clear, Change::Set)
    }
}

impl<T: Serialize> Serialize for Change<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            // Keep is left out by `skip_serializing_if`.
            Change::Keep | Change::Clear => s.serialize_none(),
            Change::Set(v) => s.serialize_some(v),
        }
    }
}

// A present field is `null` or a value; an absent one is `Keep` (`default`).
impl<'de, T: Deserialize<'de>> Deserialize<'de> for Change<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(d).map(Change::from)
    }
}

/// Changes to one account: absent fields stay as they are, `null` clears an
/// optional one.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AccountUpdate {
    pub account: AccountId,
    #[serde(default, skip_serializing_if = "Change::is_keep")]
    pub label: Change<String>,
    #[serde(default, skip_serializing_if = "Change::is_keep")]
    pub color: Change<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Change::is_keep")]
    pub host: Change<String>,
    #[serde(default, skip_serializing_if = "Change::is_keep")]
    pub port: Change<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<TlsMode>,
    #[serde(default, skip_serializing_if = "Change::is_keep")]
    pub ca_file: Change<String>,
    #[serde(default, skip_serializing_if = "Change::is_keep")]
    pub pinned_cert: Change<String>,
    #[serde(default, skip_serializing_if = "Change::is_keep")]
    pub resource: Change<String>,
    /// Presence priority, -128 to 127.
    #[serde(default, skip_serializing_if = "Change::is_keep")]
    pub priority: Change<i8>,
    /// Answer delivery receipt requests (XEP-0184).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send_receipts: Option<bool>,
    /// Send typing notifications (XEP-0085).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send_typing: Option<bool>,
    /// Send read markers (XEP-0333).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send_read_markers: Option<bool>,
    /// Desktop notifications for new messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notifications: Option<bool>,
    /// Show sender and text in notifications (else only "new message").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notification_text: Option<bool>,
    /// OMEMO end-to-end encryption (keys, device lists).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub omemo: Option<bool>,
    /// Send 1:1 messages end-to-end encrypted or not at all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub require_encryption: Option<bool>,
    /// Download images and small files from contacts automatically.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_download: Option<bool>,
    /// Other files than images are downloaded automatically up to this size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_download_max_bytes: Option<u64>,
    /// Send files directly to the contact's client (Jingle) first, before
    /// the upload service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direct_transfer_first: Option<bool>,
    /// Retention: delete messages older than this many days (0: keep them
    /// for ever).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keep_days: Option<u32>,
    /// Where received files go (`null`: `files/` in the account's directory).
    #[serde(default, skip_serializing_if = "Change::is_keep")]
    pub download_dir: Change<String>,
    /// A new password for the keyring (switches from a password command).
    #[serde(default, skip_serializing)]
    pub password: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_command: Option<String>,
}

impl std::fmt::Debug for AccountUpdate {
    // Hand-written so that a password can never reach a log line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccountUpdate")
            .field("account", &self.account)
            .field("label", &self.label)
            .field("color", &self.color)
            .field("enabled", &self.enabled)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("ca_file", &self.ca_file)
            .field("pinned_cert", &self.pinned_cert)
            .field("resource", &self.resource)
            .field("priority", &self.priority)
            .field("send_receipts", &self.send_receipts)
            .field("send_typing", &self.send_typing)
            .field("send_read_markers", &self.send_read_markers)
            .field("notifications", &self.notifications)
            .field("notification_text", &self.notification_text)
            .field("omemo", &self.omemo)
            .field("auto_download", &self.auto_download)
            .field("auto_download_max_bytes", &self.auto_download_max_bytes)
            .field("direct_transfer_first", &self.direct_transfer_first)
            .field("keep_days", &self.keep_days)
            .field("download_dir", &self.download_dir)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("password_command", &self.password_command.is_some())
            .finish()
    }
}

impl std::fmt::Debug for NewAccount {
    // Hand-written so that a password can never reach a log line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewAccount")
            .field("id", &self.id)
            .field("jid", &self.jid)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("password_command", &self.password_command.is_some())
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("ca_file", &self.ca_file)
            .field("pinned_cert", &self.pinned_cert)
            .finish()
    }
}
