//! Adding and removing accounts: shared by the GUI and the headless front-end.
//!
//! Both work on the config file (load → change → atomic save), so a front-end
//! only has to run them and then start or stop the actor.

use crate::api::NewAccount;
use crate::config::{AccountConfig, Config, ConfigError, PasswordSource};
use crate::profile::{Profile, ProfileError};
use crate::secrets::{self, Password, SecretError};

#[derive(Debug, thiserror::Error)]
pub enum AccountsError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Secret(#[from] SecretError),
    #[error(transparent)]
    Profile(#[from] ProfileError),
    #[error("an account needs a password or a password command")]
    NoPassword,
    #[error("there is no account \"{0}\"")]
    Unknown(String),
    #[error("cannot delete the data of account {id}: {source}")]
    RemoveDir { id: String, source: std::io::Error },
}

/// Validates `new`, stores its password in the keyring (if given), adds it to
/// the profile's config file and creates its data directory.
pub async fn add_account(
    profile: &Profile,
    new: NewAccount,
) -> Result<AccountConfig, AccountsError> {
    let account = AccountConfig::from_new(&new)?;
    let mut config = Config::load(&profile.config_path())?;
    // Checked (duplicate id, also of a broken entry) before anything touches
    // the keyring; the file is only written at the end.
    config.add_account(account.clone())?;
    match (&account.password, new.password) {
        (PasswordSource::Keyring, Some(pw)) => {
            secrets::store_password(&account.id, &Password::new(pw)).await?
        }
        (PasswordSource::Keyring, None) => return Err(AccountsError::NoPassword),
        (PasswordSource::Command(_), _) => {}
    }
    profile.create_account_dir(&account.id)?;
    config.save(&profile.config_path())?;
    Ok(account)
}

/// Removes an account from the config, deletes its data directory and its
/// keyring entry. The caller stops the actor first.
pub async fn remove_account(profile: &Profile, id: &str) -> Result<(), AccountsError> {
    let mut config = Config::load(&profile.config_path())?;
    if !config.remove_account(id) {
        return Err(AccountsError::Unknown(id.to_owned()));
    }
    config.save(&profile.config_path())?;
    profile
        .remove_account_dir(id)
        .map_err(|source| AccountsError::RemoveDir {
            id: id.to_owned(),
            source,
        })?;
    if let Err(e) = secrets::delete_password(id).await {
        // The account is gone either way; a keyring that cannot be reached
        // holds nothing we could delete.
        tracing::warn!(account = id, "keyring entry not deleted: {e}");
    }
    Ok(())
}
