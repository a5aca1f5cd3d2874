//! `config.toml`: the list of accounts and the app settings. (skeleton; being implemented)
use std::path::{Path, PathBuf};

use crate::api::{AccountInfo, ConnState, NewAccount, TlsMode};

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
    #[error("invalid account: {0}")]
    Account(String),
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ThemeChoice {
    #[default]
    System,
    Light,
    Dark,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Settings {
    /// `en`, `de`, or `None` for the OS language.
    pub language: Option<String>,
    pub theme: ThemeChoice,
}

#[derive(Clone, PartialEq, Eq)]
pub enum PasswordSource {
    Keyring,
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
    pub jid: String,
    pub label: Option<String>,
    pub color: Option<String>,
    pub enabled: bool,
    pub password: PasswordSource,
    pub host: Option<String>,
    pub port: Option<u16>,
    pub tls: TlsMode,
    pub ca_file: Option<PathBuf>,
    pub pinned_cert: Option<String>,
    pub resource: Option<String>,
}

impl AccountConfig {
    pub fn from_new(n: &NewAccount) -> Result<Self, ConfigError> {
        Ok(AccountConfig {
            id: n.id.clone(),
            jid: n.jid.clone(),
            label: n.label.clone(),
            color: n.color.clone(),
            enabled: true,
            password: match &n.password_command {
                Some(c) => PasswordSource::Command(c.clone()),
                None => PasswordSource::Keyring,
            },
            host: n.host.clone(),
            port: n.port,
            tls: n.tls,
            ca_file: n.ca_file.as_ref().map(PathBuf::from),
            pinned_cert: n.pinned_cert.clone(),
            resource: None,
        })
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

#[derive(Debug, Clone, PartialEq)]
pub struct BrokenAccount {
    pub id: String,
    pub error: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum AccountEntry {
    Ok(AccountConfig),
    Broken(BrokenAccount),
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    pub settings: Settings,
    pub accounts: Vec<AccountEntry>,
}

impl Config {
    pub fn load(_path: &Path) -> Result<Config, ConfigError> {
        Ok(Config::default())
    }
    pub fn save(&self, _path: &Path) -> Result<(), ConfigError> {
        Ok(())
    }
    pub fn account(&self, id: &str) -> Option<&AccountConfig> {
        self.accounts.iter().find_map(|a| match a {
            AccountEntry::Ok(a) if a.id == id => Some(a),
            _ => None,
        })
    }
    pub fn add_account(&mut self, a: AccountConfig) -> Result<(), ConfigError> {
        self.accounts.push(AccountEntry::Ok(a));
        Ok(())
    }
    pub fn remove_account(&mut self, id: &str) -> bool {
        let before = self.accounts.len();
        self.accounts.retain(|a| match a {
            AccountEntry::Ok(a) => a.id != id,
            AccountEntry::Broken(b) => b.id != id,
        });
        before != self.accounts.len()
    }
}
