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
//! direct_transfer_first = false # true: files go to the contact's client first (Jingle)
//! keep_days = 0          # retention: delete messages older than this (0: keep for ever)
//! ```
//!
//! A syntax error makes the whole file unusable ([`ConfigError::Parse`]). An
//! `[[account]]` entry with invalid values only breaks that account: it is
//! loaded as [`AccountEntry::Broken`], shown as broken, and written back
//! unchanged by [`Config::save`]. Unknown keys are logged and ignored.
//! The file never contains a password.

mod account;
mod atomic;
mod file;
mod settings;
mod validate;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use toml::{Table, Value};

use crate::api::AccountInfo;

pub use account::{
    AccountConfig, AccountEntry, BrokenAccount, FileSettings, PasswordSource, Switches,
};
use atomic::write_atomic;
use file::{line_col, parse_account, parse_settings};
pub use settings::{
    DEFAULT_AUTO_DOWNLOAD_LIMIT, DEFAULT_AUTO_DOWNLOAD_MAX, DEFAULT_AWAY_AFTER_MINUTES,
    DEFAULT_XA_AFTER_MINUTES, LANGUAGES, Settings, ThemeChoice,
};
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
    Account(ValidationError),
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

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    pub settings: Settings,
    pub accounts: Vec<AccountEntry>,
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
        #[allow(
            clippy::expect_used,
            reason = "strings, numbers, booleans and tables read from TOML always serialize"
        )]
        let body =
            toml::to_string(&file::FileDoc::from(self)).expect("a TOML document always serializes");
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

#[cfg(test)]
mod tests;
