//! Account passwords: OS keyring or a per-account `password_command`. (skeleton)
use crate::config::{AccountConfig, PasswordSource};

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("no password stored for account {0}")]
    NotFound(String),
    #[error("password command failed: {0}")]
    Command(String),
}

/// A password. `Debug` never shows it.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    pub fn new(s: String) -> Self {
        Password(s)
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

pub async fn load_password(account: &AccountConfig) -> Result<Password, SecretError> {
    match &account.password {
        PasswordSource::Command(_) => Err(SecretError::Command("not implemented".into())),
        PasswordSource::Keyring => Err(SecretError::NotFound(account.id.clone())),
    }
}

pub async fn store_password(account_id: &str, _password: &Password) -> Result<(), SecretError> {
    Err(SecretError::NotFound(account_id.into()))
}

pub async fn delete_password(_account_id: &str) -> Result<(), SecretError> {
    Ok(())
}
