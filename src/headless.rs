//! `plausch --headless`: the same account actors, driven by JSON Lines.
//!
//! One [`Command`] per input line, one [`Event`] per output line. Bad input
//! gets an `error` event; the process keeps running until `quit` or EOF.

use std::collections::HashMap;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;

use crate::accounts::{self, AccountSender, ToAccount};
use crate::api::{
    AccountInfo, AccountRequest, AccountUpdate, AppCommand, Change, Command, ConnState, Event,
    Problem,
};
use crate::config::{AccountConfig, AccountEntry, Config, ConfigError};
use crate::profile::Profile;

/// How long `quit` waits for accounts to close their connections.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

struct Headless {
    profile: Profile,
    config: Config,
    actors: HashMap<String, AccountSender>,
    states: HashMap<String, ConnState>,
    events_tx: mpsc::UnboundedSender<Event>,
}

/// Why a headless run could not start.
#[derive(Debug, thiserror::Error)]
pub enum HeadlessError {
    /// `config.toml` cannot be read; we never overwrite it.
    #[error(transparent)]
    Config(#[from] ConfigError),
}

impl HeadlessError {
    /// The `code` of the `error` event that reports it.
    pub fn problem(&self) -> Problem {
        match self {
            HeadlessError::Config(_) => Problem::ConfigFailed,
        }
    }
}

/// Runs until `quit` or end of input. An unreadable config is reported as an
/// `error` event and ends the run with an error.
pub async fn run(profile: Profile) -> Result<(), HeadlessError> {
    let mut out = tokio::io::stdout();
    let config = match Config::load(&profile.config_path()) {
        Ok(c) => c,
        Err(e) => {
            let e = HeadlessError::from(e);
            write_event(&mut out, &Event::problem(None, e.problem(), e.to_string())).await;
            return Err(e);
        }
    };
    let (events_tx, mut events) = mpsc::unbounded_channel();
    let mut app = Headless {
        profile,
        config,
        actors: HashMap::new(),
        states: HashMap::new(),
        events_tx,
    };
    let enabled: Vec<AccountConfig> = app
        .config
        .accounts
        .iter()
        .filter_map(|e| match e {
            AccountEntry::Ok(a) if a.enabled => Some(a.clone()),
            _ => None,
        })
        .collect();
    for a in enabled {
        app.start(a);
    }

    let mut lines = BufReader::new(tokio::io::stdin()).lines();
    loop {
        tokio::select! {
            line = lines.next_line() => match line {
                Ok(Some(line)) => {
                    if line.trim().is_empty() {
                        continue;
                    }
                    match serde_json::from_str::<Command>(&line) {
                        Ok(Command::App(AppCommand::Quit)) => break,
                        Ok(cmd) => app.handle(cmd).await,
                        Err(e) => app.emit(Event::problem(
                            None,
                            Problem::InvalidCommand,
                            format!("invalid command: {e}"),
                        )),
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    app.emit(Event::problem(
                        None,
                        Problem::InputUnreadable,
                        format!("cannot read input: {e}"),
                    ));
                    break;
                }
            },
            Some(event) = events.recv() => {
                app.observe(&event);
                write_event(&mut out, &event).await;
            }
        }
    }

    // Close every account cleanly, still reporting what they say meanwhile.
    let actors: Vec<_> = app.actors.drain().map(|(_, tx)| tx).collect();
    for tx in &actors {
        let _ = tx.send(ToAccount::Shutdown);
    }
    drop(app);
    let all_closed = futures::future::join_all(actors.iter().map(|tx| tx.closed()));
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, async {
        tokio::pin!(all_closed);
        loop {
            tokio::select! {
                _ = &mut all_closed => break,
                Some(event) = events.recv() => write_event(&mut out, &event).await,
            }
        }
    })
    .await;
    while let Ok(event) = events.try_recv() {
        write_event(&mut out, &event).await;
    }
    Ok(())
}

async fn write_event(out: &mut tokio::io::Stdout, event: &Event) {
    match serde_json::to_string(event) {
        Ok(mut line) => {
            line.push('\n');
            // If stdout is gone nobody listens; there is no one to tell.
            let _ = out.write_all(line.as_bytes()).await;
            let _ = out.flush().await;
        }
        Err(e) => tracing::error!("event not serialisable: {e}"),
    }
}

impl Headless {
    fn emit(&self, event: Event) {
        let _ = self.events_tx.send(event);
    }

    fn start(&mut self, mut config: AccountConfig) {
        config.files.global_limit_bytes = self.config.settings.auto_download_limit_bytes;
        let dir = self.profile.account_dir(&config.id);
        let id = config.id.clone();
        let tx = accounts::start(config, dir, self.events_tx.clone());
        self.actors.insert(id, tx);
    }

    /// Stops an account's actor and waits (briefly) until it has closed.
    async fn stop(&mut self, id: &str) {
        if let Some(tx) = self.actors.remove(id) {
            let _ = tx.send(ToAccount::Shutdown);
            let _ = tokio::time::timeout(SHUTDOWN_GRACE, tx.closed()).await;
        }
    }

    /// An account was added to the config file: announce and start it.
    fn added(&mut self, account: AccountConfig) {
        let id = account.id.clone();
        if let Err(e) = self.config.add_account(account.clone()) {
            let e = accounts::AccountsError::from(e);
            return self.emit(Event::problem(Some(&id), e.problem(), e.to_string()));
        }
        self.emit(Event::AccountAdded { account: id });
        self.start(account);
    }

    /// Applies an account update; restarts the actor when the connection
    /// settings changed, stops it when disabled.
    async fn update_account(&mut self, update: AccountUpdate) {
        let id = update.account.clone();
        match accounts::update_account(&self.profile, update).await {
            Ok((account, restart)) => {
                if let Some(slot) = self.config.account_mut(&id) {
                    *slot = account.clone();
                }
                if restart == accounts::Restart::No
                    && let Some(tx) = self.actors.get(&id)
                {
                    let _ = tx.send(ToAccount::Reconfigure(Box::new(account.clone())));
                }
                if restart == accounts::Restart::Yes {
                    self.stop(&id).await;
                    self.states.remove(&id);
                    if account.enabled {
                        self.start(account);
                    }
                }
                self.emit(Event::AccountUpdated { account: id });
            }
            Err(e) => self.emit(Event::problem(Some(&id), e.problem(), e.to_string())),
        }
    }

    fn observe(&mut self, event: &Event) {
        if let Event::AccountState { account, state, .. } = event {
            self.states.insert(account.clone(), *state);
        }
    }

    fn infos(&self) -> Vec<AccountInfo> {
        self.config
            .accounts
            .iter()
            .map(|entry| match entry {
                AccountEntry::Ok(a) => {
                    let state = if !a.enabled {
                        ConnState::Disabled
                    } else {
                        self.states
                            .get(&a.id)
                            .copied()
                            .unwrap_or(ConnState::Offline)
                    };
                    a.info(state)
                }
                AccountEntry::Broken(b) => AccountInfo {
                    id: b.id.clone(),
                    jid: None,
                    label: None,
                    color: None,
                    enabled: false,
                    state: ConnState::Broken,
                    error: Some(b.error.clone()),
                },
            })
            .collect()
    }

    async fn handle(&mut self, cmd: Command) {
        match cmd {
            Command::App(app) => self.handle_app(app).await,
            Command::EveryAccount(request) => {
                for tx in self.actors.values() {
                    let _ = tx.send(request.clone().into());
                }
            }
            Command::Account { account, request } => {
                let reference = match &request {
                    AccountRequest::Send { reference, .. }
                    | AccountRequest::SendFile { reference, .. } => reference.clone(),
                    _ => None,
                };
                let delivered = self
                    .actors
                    .get(&account)
                    .is_some_and(|tx| tx.send(request.into()).is_ok());
                if !delivered {
                    self.emit(Event::Error {
                        account: Some(account.clone()),
                        message: format!("no running account \"{account}\""),
                        reference,
                        code: Some(Problem::UnknownAccount.code().to_owned()),
                        condition: None,
                    });
                }
            }
        }
    }

    /// Commands about the account list and the config file.
    async fn handle_app(&mut self, cmd: AppCommand) {
        match cmd {
            AppCommand::Accounts => self.emit(Event::Accounts {
                accounts: self.infos(),
            }),
            AppCommand::AddAccount(new) => match accounts::add_account(&self.profile, new).await {
                Ok(account) => self.added(account),
                Err(e) => self.emit(Event::problem(None, e.problem(), e.to_string())),
            },
            AppCommand::RemoveAccount { account } => {
                self.stop(&account).await;
                match accounts::remove_account(&self.profile, &account).await {
                    Ok(()) => {
                        self.config.remove_account(&account);
                        self.states.remove(&account);
                        self.emit(Event::AccountRemoved { account });
                    }
                    Err(e) => self.emit(Event::problem(Some(&account), e.problem(), e.to_string())),
                }
            }
            AppCommand::RegistrationForm(new) => match accounts::registration_form(&new).await {
                Ok((instructions, fields)) => self.emit(Event::RegistrationForm {
                    jid: new.jid,
                    instructions,
                    fields,
                }),
                Err(e) => self.emit(Event::problem(None, e.problem(), e.to_string())),
            },
            AppCommand::RegisterAccount(reg) => {
                match accounts::register_account(&self.profile, reg).await {
                    Ok(account) => self.added(account),
                    Err(e) => self.emit(Event::problem(None, e.problem(), e.to_string())),
                }
            }
            AppCommand::UpdateAccount(update) => self.update_account(update).await,
            AppCommand::PinCert {
                account,
                fingerprint,
            } => {
                let update = AccountUpdate {
                    account,
                    pinned_cert: Change::Set(fingerprint),
                    ..AccountUpdate::default()
                };
                self.update_account(update).await
            }
            AppCommand::ReorderAccounts { order } => {
                match accounts::reorder_accounts(&self.profile, &order) {
                    Ok(config) => {
                        self.config = config;
                        self.emit(Event::Accounts {
                            accounts: self.infos(),
                        });
                    }
                    Err(e) => self.emit(Event::problem(None, e.problem(), e.to_string())),
                }
            }
            AppCommand::Backup {
                path,
                include_files,
            } => {
                let (profile, events) = (self.profile.clone(), self.events_tx.clone());
                // Off the runtime's threads: it reads and writes the whole profile.
                tokio::task::spawn_blocking(move || {
                    let target = std::path::PathBuf::from(&path);
                    let event = match crate::backup::write(&profile, &target, include_files) {
                        Ok(written) => Event::BackupDone {
                            path,
                            bytes: written.bytes,
                            needs_password: written
                                .accounts
                                .into_iter()
                                .filter(|a| a.needs_password)
                                .map(|a| a.id)
                                .collect(),
                        },
                        Err(e) => Event::problem(None, Problem::BackupFailed, e.to_string()),
                    };
                    let _ = events.send(event);
                });
            }
            // Ends the run loop before it gets here.
            AppCommand::Quit => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_unreadable_config_ends_the_run_with_its_own_message() {
        let dir = tempfile::tempdir().unwrap();
        let profile = Profile::at(dir.path());
        std::fs::write(profile.config_path(), "[settings\n").unwrap();
        let expected = Config::load(&profile.config_path())
            .unwrap_err()
            .to_string();
        let err = run(profile).await.unwrap_err();
        assert!(matches!(
            err,
            HeadlessError::Config(ConfigError::Parse { .. })
        ));
        assert_eq!(err.problem(), Problem::ConfigFailed);
        // What main prints after "plausch: ".
        assert_eq!(err.to_string(), expected);
    }
}
