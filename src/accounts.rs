//! Adding and removing accounts: shared by the GUI and the headless front-end.
//!
//! Both work on the config file (load → change → atomic save), so a front-end
//! only has to run them and then start or stop the actor ([`start`],
//! [`ToAccount`]).

use std::path::PathBuf;

use tokio::sync::mpsc;

use crate::account::connect::Endpoint;
use crate::account::register::{self, RegisterError};
use crate::api::{
    AccountRequest, AccountUpdate, Change, Event, NewAccount, Problem, Registration,
    RegistrationField,
};
use crate::config::{AccountConfig, Config, ConfigError, PasswordSource};
use crate::profile::{Profile, ProfileError};
use crate::secrets::{self, Password, SecretError};

/// What a front-end hands to a running account actor: a request of the
/// shared vocabulary, or one of two messages about the actor's own life.
/// Those two stay out of [`AccountRequest`] on purpose: they are the
/// runtime's, not something a user asks an account for, never on the wire,
/// and `Reconfigure` carries the whole config (with its password source).
#[derive(Debug, Clone, PartialEq)]
pub enum ToAccount {
    Request(AccountRequest),
    /// Settings that apply without reconnecting (privacy switches, file
    /// settings), after [`update_account`] said no restart is needed.
    Reconfigure(Box<AccountConfig>),
    /// Close the connection cleanly and end the task.
    Shutdown,
}

impl From<AccountRequest> for ToAccount {
    fn from(request: AccountRequest) -> Self {
        ToAccount::Request(request)
    }
}

/// Where a running account actor takes its messages.
pub type AccountSender = mpsc::UnboundedSender<ToAccount>;

/// Start the actor for `config`, storing under `data_dir`; its events go
/// to `events`. Must be called inside a tokio runtime.
pub fn start(
    config: AccountConfig,
    data_dir: PathBuf,
    events: mpsc::UnboundedSender<Event>,
) -> AccountSender {
    crate::account::spawn(config, data_dir, events)
}

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
    #[error(transparent)]
    Register(#[from] RegisterError),
    #[error("cannot delete the data of account {id}: {source}")]
    RemoveDir { id: String, source: std::io::Error },
}

impl AccountsError {
    /// The kind of problem, for the `error` event's `code`.
    pub fn problem(&self) -> Problem {
        match self {
            AccountsError::Config(ConfigError::DuplicateAccount(_)) => Problem::DuplicateAccount,
            AccountsError::Config(_) => Problem::ConfigFailed,
            AccountsError::Secret(_) | AccountsError::NoPassword => Problem::PasswordUnavailable,
            AccountsError::Profile(ProfileError::InvalidId(_)) => Problem::ConfigFailed,
            AccountsError::Profile(_) | AccountsError::RemoveDir { .. } => Problem::DataDirFailed,
            AccountsError::Unknown(_) => Problem::UnknownAccount,
            AccountsError::Register(_) => Problem::RegistrationFailed,
        }
    }
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

/// Whether an update needs the account's connection to be started again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Restart {
    /// Only how it is shown (label, colour) or privacy switches changed:
    /// hand the new settings to the running actor.
    No,
    /// Connection settings, password or enabled changed.
    Yes,
}

/// Applies `update` to the account in the profile's config file (validated
/// like a new account) and stores a new password in the keyring. Returns
/// the new settings and whether the actor must be restarted.
pub async fn update_account(
    profile: &Profile,
    update: AccountUpdate,
) -> Result<(AccountConfig, Restart), AccountsError> {
    let mut config = Config::load(&profile.config_path())?;
    let id = update.account.clone();
    let current = config
        .account(&id)
        .cloned()
        .ok_or_else(|| AccountsError::Unknown(id.clone()))?;
    let mut next = current.clone();
    next.switches.apply(&update);
    // An empty text clears, as `null` does.
    let set = |field: &mut Option<String>, change: Change<String>| {
        change.filter(|v| !v.trim().is_empty()).apply(field);
    };
    set(&mut next.label, update.label);
    set(&mut next.color, update.color);
    set(&mut next.host, update.host);
    set(&mut next.pinned_cert, update.pinned_cert);
    set(&mut next.resource, update.resource);
    if let Some(on) = update.auto_download {
        next.files.auto_download = on;
    }
    if let Some(days) = update.keep_days {
        next.files.keep_days = days;
    }
    if let Some(first) = update.direct_transfer_first {
        next.files.direct_first = first;
    }
    if let Some(max) = update.auto_download_max_bytes {
        next.files.auto_download_max_bytes = max;
    }
    let non_empty = |v: &String| !v.trim().is_empty();
    (update.download_dir.filter(non_empty).map(Into::into)).apply(&mut next.files.download_dir);
    (update.ca_file.filter(non_empty).map(Into::into)).apply(&mut next.ca_file);
    update.port.apply(&mut next.port);
    update.priority.apply(&mut next.priority);
    if let Some(tls) = update.tls {
        next.tls = tls;
    }
    if let Some(enabled) = update.enabled {
        next.enabled = enabled;
    }
    if let Some(command) = update.password_command {
        next.password = PasswordSource::Command(command);
    }
    if update.password.is_some() {
        next.password = PasswordSource::Keyring;
    }
    // The same checks as for the file and for new accounts.
    let mut next = next
        .revalidated()
        .map_err(|e| AccountsError::Config(ConfigError::Account(e)))?;
    next.files.global_limit_bytes = config.settings.auto_download_limit_bytes;
    if let Some(pw) = update.password {
        secrets::store_password(&id, &Password::new(pw)).await?;
    }
    if let Some(slot) = config.account_mut(&id) {
        *slot = next.clone();
    }
    config.save(&profile.config_path())?;
    // How it is shown and the privacy switches apply without reconnecting.
    let live_only = AccountConfig {
        label: next.label.clone(),
        color: next.color.clone(),
        switches: next.switches,
        files: next.files.clone(),
        ..current
    } == next;
    let restart = if live_only { Restart::No } else { Restart::Yes };
    Ok((next, restart))
}

/// Puts the accounts in `order` (unlisted ones keep their relative order
/// after the listed ones) and saves the config.
/// Replaces the app settings in the config file (accounts untouched).
pub fn save_settings(
    profile: &Profile,
    settings: crate::config::Settings,
) -> Result<Config, AccountsError> {
    let mut config = Config::load(&profile.config_path())?;
    config.settings = settings;
    config.save(&profile.config_path())?;
    Ok(config)
}

pub fn reorder_accounts(profile: &Profile, order: &[String]) -> Result<Config, AccountsError> {
    let mut config = Config::load(&profile.config_path())?;
    let rank = |id: &str| order.iter().position(|o| o == id).unwrap_or(order.len());
    // A stable sort keeps the unlisted ones in their order.
    config.accounts.sort_by_key(|e| rank(e.id()));
    config.save(&profile.config_path())?;
    Ok(config)
}

fn endpoint(account: &AccountConfig) -> Result<Endpoint, AccountsError> {
    let jid = account.jid.parse().map_err(|e: tokio_xmpp::jid::Error| {
        ConfigError::Account(crate::config::ValidationError::JidInvalid {
            jid: account.jid.clone(),
            reason: e.to_string(),
        })
    })?;
    Ok(Endpoint {
        jid,
        resource: account.resource.clone(),
        host: account.host.clone(),
        port: account.port,
        tls: account.tls,
    })
}

/// The fields a server wants for creating `new` (XEP-0077), with its
/// instructions.
pub async fn registration_form(
    new: &NewAccount,
) -> Result<(Option<String>, Vec<RegistrationField>), AccountsError> {
    let account = AccountConfig::from_new(new)?;
    let form = register::fetch_form(
        &endpoint(&account)?,
        account.ca_file.as_deref(),
        account.pinned_cert.as_deref(),
    )
    .await?;
    Ok((form.instructions, form.fields))
}

/// Creates the account on its server (XEP-0077), then adds it like
/// `add_account`. The password is the given one, or what the password
/// command prints.
pub async fn register_account(
    profile: &Profile,
    reg: Registration,
) -> Result<AccountConfig, AccountsError> {
    let account = AccountConfig::from_new(&reg.account)?;
    // Refuse a taken id before creating anything on the server.
    if Config::load(&profile.config_path())?
        .entry(&account.id)
        .is_some()
    {
        return Err(ConfigError::DuplicateAccount(account.id).into());
    }
    let password = match (&reg.account.password, &account.password) {
        (Some(pw), _) => Password::new(pw.clone()),
        (None, PasswordSource::Command(_)) => secrets::load_password(&account).await?,
        (None, PasswordSource::Keyring) => return Err(AccountsError::NoPassword),
    };
    register::register(
        &endpoint(&account)?,
        password.expose(),
        &reg.fields,
        account.ca_file.as_deref(),
        account.pinned_cert.as_deref(),
    )
    .await?;
    add_account(profile, reg.account).await
}
