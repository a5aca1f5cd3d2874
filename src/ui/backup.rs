//! Backup and restore in the window (the menu under the sidebar, and the
//! welcome screen when there are no accounts yet).
//!
//! A backup is written by [`crate::backup::write`] off the UI thread while
//! the accounts keep running. A restore replaces the profile: the running
//! accounts are stopped first (their stores closed), the archive is
//! checked and put in place by [`crate::backup::restore`] off the UI
//! thread, and then the accounts start from the restored config, as at
//! start-up. A damaged or foreign archive changes nothing; the old
//! accounts then start again.

use std::path::{Path, PathBuf};
use std::time::Duration;

use iced::widget::{button, column, container, text};
use iced::{Element, Length, Task};

use super::model::{self, Account};
use super::screen::{Dialog, Pane};
use super::sidebar::BOLD;
use super::{App, Banner, Message as AppMessage, form, ids, style};
use crate::backup::{AccountNote, BackupError};
use crate::config::Config;
use crate::fl;
use crate::profile::Profile;

/// How long the running accounts get to close before a restore goes on.
const STOP_GRACE: Duration = Duration::from_secs(5);

/// The dialog.
#[derive(Debug, Clone, PartialEq)]
pub enum State {
    Backup {
        include_files: bool,
        busy: bool,
        error: Option<String>,
    },
    Restore {
        /// How many accounts the profile has now (they are replaced).
        accounts: usize,
        /// The user agreed to replace them.
        replace: bool,
        busy: bool,
        error: Option<String>,
    },
}

/// A backup that was written.
#[derive(Debug, Clone)]
pub struct Written {
    pub path: PathBuf,
    pub bytes: u64,
    pub accounts: Vec<AccountNote>,
}

/// A restore that was done: the profile's new config and its accounts.
#[derive(Debug, Clone)]
pub struct Restored {
    pub archive: PathBuf,
    pub config: Config,
    pub accounts: Vec<AccountNote>,
}

#[derive(Debug, Clone)]
pub enum Message {
    IncludeFiles(bool),
    Replace(bool),
    /// Open the file dialog (where to write, or which backup to read).
    Choose,
    /// Where the backup goes (None: the file dialog was cancelled).
    Target(Option<PathBuf>),
    /// The backup to restore (None: the file dialog was cancelled).
    Archive(Option<PathBuf>),
    Written(Result<Written, String>),
    /// The accounts had their time to close their stores.
    StopTimeout,
    Restored(Result<Restored, String>),
    Cancel,
}

impl State {
    pub fn backup() -> Self {
        State::Backup {
            include_files: false,
            busy: false,
            error: None,
        }
    }

    pub fn restore(accounts: usize) -> Self {
        State::Restore {
            accounts,
            replace: false,
            busy: false,
            error: None,
        }
    }

    fn set_error(&mut self, text: String) {
        match self {
            State::Backup { busy, error, .. } | State::Restore { busy, error, .. } => {
                *busy = false;
                *error = Some(text);
            }
        }
    }

    pub fn view(&self) -> Element<'_, Message> {
        let page = match self {
            State::Backup {
                include_files,
                busy,
                error,
            } => {
                let mut page = column![
                    text(fl!("backup-title")).size(20).font(BOLD),
                    text(fl!("backup-explain")).size(13),
                    form::toggle(
                        *include_files,
                        fl!("backup-include-files"),
                        Message::IncludeFiles,
                        ids::backup::INCLUDE_FILES,
                    ),
                ]
                .spacing(12);
                if let Some(e) = error {
                    page = page.push(form::error_box(e));
                }
                let label = if *busy {
                    fl!("backup-writing")
                } else {
                    fl!("backup-choose")
                };
                page.push(buttons(label, !*busy))
            }
            State::Restore {
                accounts,
                replace,
                busy,
                error,
            } => {
                let mut page = column![
                    text(fl!("restore-title")).size(20).font(BOLD),
                    text(fl!("restore-explain")).size(13),
                ]
                .spacing(12);
                if *accounts > 0 {
                    page = page.push(
                        container(
                            column![
                                text(fl!("restore-replace-warning", count = accounts.to_owned()))
                                    .size(13),
                                form::toggle(
                                    *replace,
                                    fl!("restore-replace"),
                                    Message::Replace,
                                    ids::backup::REPLACE,
                                ),
                            ]
                            .spacing(8),
                        )
                        .padding([8, 12])
                        .width(Length::Fill)
                        .style(style::banner_warning),
                    );
                }
                if let Some(e) = error {
                    page = page.push(form::error_box(e));
                }
                let label = if *busy {
                    fl!("restore-busy")
                } else {
                    fl!("restore-choose")
                };
                let ready = !*busy && (*accounts == 0 || *replace);
                page.push(buttons(label, ready))
            }
        };
        container(page)
            .padding(24)
            .max_width(520)
            .style(style::dialog)
            .into()
    }
}

/// Cancel and the dialog's action (`ready`: it can be pressed).
fn buttons<'a>(label: String, ready: bool) -> Element<'a, Message> {
    form::dialog_buttons(
        (Message::Cancel, ids::backup::CANCEL),
        (
            button(text(label)).on_press_maybe(ready.then_some(Message::Choose)),
            ids::backup::CHOOSE,
        ),
    )
}

/// Opens the backup dialog.
pub fn show_backup(app: &mut App) -> Task<AppMessage> {
    app.menu = false;
    app.dialog = Some(Dialog::Backup(State::backup()));
    Task::none()
}

/// Opens the restore dialog (it asks first if there are accounts).
pub fn show_restore(app: &mut App) -> Task<AppMessage> {
    app.menu = false;
    app.dialog = Some(Dialog::Backup(State::restore(app.accounts.len())));
    Task::none()
}

pub fn update(app: &mut App, message: Message) -> Task<AppMessage> {
    // What comes back from background work does not need the dialog (a
    // backup may have been left to finish on its own).
    match message {
        Message::StopTimeout => return stopped(app),
        Message::Restored(result) => return restored(app, result),
        Message::Written(result) => {
            written(app, result);
            return Task::none();
        }
        _ => {}
    }
    let Some(Dialog::Backup(state)) = &mut app.dialog else {
        return Task::none();
    };
    match message {
        Message::IncludeFiles(on) => {
            if let State::Backup { include_files, .. } = state {
                *include_files = on;
            }
        }
        Message::Replace(on) => {
            if let State::Restore { replace, .. } = state {
                *replace = on;
            }
        }
        Message::Choose => return choose(state).map(AppMessage::Backup),
        Message::Target(None) | Message::Archive(None) => {}
        Message::Target(Some(path)) => {
            let State::Backup {
                include_files,
                busy,
                error,
            } = state
            else {
                return Task::none();
            };
            *busy = true;
            *error = None;
            return write(app.profile.clone(), path, *include_files);
        }
        Message::Archive(Some(path)) => {
            let State::Restore {
                accounts,
                replace,
                busy,
                error,
            } = state
            else {
                return Task::none();
            };
            if *accounts > 0 && !*replace {
                *error = Some(fl!("restore-confirm-first"));
                return Task::none();
            }
            *busy = true;
            *error = None;
            return start(app, path);
        }
        Message::Cancel => {
            // A restore under way cannot be called back; a backup goes on
            // and says when it is done.
            if !matches!(state, State::Restore { busy: true, .. }) {
                app.dialog = None;
            }
        }
        Message::StopTimeout | Message::Restored(_) | Message::Written(_) => {}
    }
    Task::none()
}

/// The backup is written (or not): a banner, or the dialog's error.
fn written(app: &mut App, result: Result<Written, String>) {
    let dialog = match &mut app.dialog {
        Some(Dialog::Backup(state @ State::Backup { .. })) => Some(state),
        _ => None,
    };
    match result {
        Ok(written) => {
            if dialog.is_some() {
                app.dialog = None;
            }
            let names = password_names(&app.accounts, &written.accounts);
            let path = written.path.display().to_string();
            let text = done_text(&path, written.bytes, &names);
            app.banners.push(Banner::info(None, text));
        }
        Err(e) => match dialog {
            Some(state) => state.set_error(e),
            None => app.banners.push(Banner::error(None, e)),
        },
    }
}

/// The file dialog, off the UI thread.
fn choose(state: &State) -> Task<Message> {
    match state {
        State::Backup { .. } => {
            let name = format!(
                "plausch-backup-{}.tar",
                chrono::Local::now().format("%Y-%m-%d")
            );
            let dialog = rfd::AsyncFileDialog::new()
                .set_title(fl!("backup-title"))
                .set_file_name(name)
                .add_filter(fl!("backup-file-type"), &["tar"]);
            Task::perform(
                async move { dialog.save_file().await.map(|f| f.path().to_path_buf()) },
                Message::Target,
            )
        }
        State::Restore { .. } => {
            let dialog = rfd::AsyncFileDialog::new()
                .set_title(fl!("restore-title"))
                .add_filter(fl!("backup-file-type"), &["tar"]);
            Task::perform(
                async move { dialog.pick_file().await.map(|f| f.path().to_path_buf()) },
                Message::Archive,
            )
        }
    }
}

/// Writes the backup in a blocking task.
fn write(profile: Profile, path: PathBuf, include_files: bool) -> Task<AppMessage> {
    Task::perform(
        async move {
            tokio::task::spawn_blocking(move || {
                crate::backup::write(&profile, &path, include_files)
                    .map(|w| Written {
                        path,
                        bytes: w.bytes,
                        accounts: w.accounts,
                    })
                    .map_err(|e| fl!("backup-failed", reason = e.to_string()))
            })
            .await
            .unwrap_or_else(|e| Err(fl!("backup-failed", reason = e.to_string())))
        },
        |result| AppMessage::Backup(Message::Written(result)),
    )
}

/// The accounts whose password must be entered again, by label where the
/// window knows them.
fn password_names(accounts: &[Account], notes: &[AccountNote]) -> Vec<String> {
    notes
        .iter()
        .filter(|n| n.needs_password)
        .map(|n| {
            accounts
                .iter()
                .find_map(|a| match a {
                    Account::Ok(l) if l.config.id == n.id => Some(l.label().to_owned()),
                    _ => None,
                })
                .unwrap_or_else(|| n.jid.clone())
        })
        .collect()
}

/// "Backup written …" with the accounts that will need their password.
pub fn done_text(path: &str, bytes: u64, needs_password: &[String]) -> String {
    let done = fl!(
        "backup-done",
        path = path,
        size = super::files::size_text(bytes)
    );
    if needs_password.is_empty() {
        done
    } else {
        let names = needs_password.join(", ");
        format!("{done} {}", fl!("backup-done-passwords", accounts = names))
    }
}

/// Stops the running accounts, then restores `archive` (at once if none
/// runs).
fn start(app: &mut App, archive: PathBuf) -> Task<AppMessage> {
    app.restoring = Some(archive);
    let mut asked = false;
    for a in app.accounts.iter_mut() {
        if let Account::Ok(live) = a {
            asked |= live.shutdown();
        }
    }
    if !asked {
        return stopped(app);
    }
    Task::future(async {
        tokio::time::sleep(STOP_GRACE).await;
        AppMessage::Backup(Message::StopTimeout)
    })
}

/// An account stopped (or the wait is over): once none runs, the restore
/// goes on.
pub fn account_stopped(app: &mut App) -> Task<AppMessage> {
    let running = app
        .accounts
        .iter()
        .any(|a| matches!(a, Account::Ok(live) if live.sender.is_some()));
    if app.restoring.is_some() && !running {
        stopped(app)
    } else {
        Task::none()
    }
}

/// Runs the restore in a blocking task (once).
fn stopped(app: &mut App) -> Task<AppMessage> {
    let Some(archive) = app.restoring.take() else {
        return Task::none();
    };
    let profile = app.profile.clone();
    Task::perform(
        async move {
            tokio::task::spawn_blocking(move || restore(&profile, &archive))
                .await
                .unwrap_or_else(|e| Err(e.to_string()))
        },
        |result| AppMessage::Backup(Message::Restored(result)),
    )
}

/// Puts the backup `archive` in place of the profile and reads its config.
pub fn restore(profile: &Profile, archive: &Path) -> Result<Restored, String> {
    // The profile always exists (at least its `accounts` folder): the
    // user agreed to replace it, or it had no accounts.
    let done =
        crate::backup::restore(archive, profile.root(), true).map_err(|e| restore_error(&e))?;
    if let Err(e) = profile.ensure() {
        tracing::warn!("restored profile: {e}");
    }
    let config = Config::load(&profile.config_path()).map_err(|e| e.to_string())?;
    Ok(Restored {
        archive: archive.to_path_buf(),
        config,
        accounts: done.accounts,
    })
}

/// Why a restore failed, in plain words.
pub fn restore_error(e: &BackupError) -> String {
    match e {
        BackupError::Damaged(_) => fl!("restore-error-damaged"),
        BackupError::Newer(_) => fl!("restore-error-newer"),
        BackupError::Read { source, .. } => {
            fl!("restore-error-read", reason = source.to_string())
        }
        BackupError::Write { path, source } => fl!(
            "restore-error-write",
            path = path.display().to_string(),
            reason = source.to_string()
        ),
        BackupError::Exists(_) | BackupError::Store { .. } => {
            fl!("restore-error-other", reason = e.to_string())
        }
    }
}

/// The restore ended: the accounts start from the restored config, or
/// (nothing changed) the old ones start again.
fn restored(app: &mut App, result: Result<Restored, String>) -> Task<AppMessage> {
    // New subscriptions: a generation none of the stopped ones had.
    let generation = app
        .accounts
        .iter()
        .filter_map(|a| match a {
            Account::Ok(l) => Some(l.generation),
            Account::Broken(_) => None,
        })
        .max()
        .map_or(0, |g| g + 1);
    match result {
        Ok(done) => {
            let count = done.config.accounts.len();
            app.config = done.config;
            app.accounts = model::accounts_from(&app.config);
            let names = password_names(&app.accounts, &done.accounts);
            for a in app.accounts.iter_mut() {
                if let Account::Ok(l) = a {
                    l.generation = generation;
                }
            }
            app.chat = None;
            app.pane = Pane::Conversation;
            app.search = None;
            app.presence_editor = None;
            app.only_account = None;
            app.pasted = None;
            app.opening_room = None;
            app.banners.clear();
            app.dialog = None;
            let mut text = fl!(
                "restore-done",
                path = done.archive.display().to_string(),
                count = count
            );
            if !names.is_empty() {
                text = format!(
                    "{text} {}",
                    fl!("restore-done-passwords", accounts = names.join(", "))
                );
            }
            app.banners.push(Banner::info(None, text));
        }
        Err(e) => {
            // Nothing changed: the accounts that were stopped start again.
            for a in app.accounts.iter_mut() {
                if let Account::Ok(l) = a
                    && l.sender.is_none()
                {
                    l.generation = generation;
                    l.connection = Default::default();
                }
            }
            match &mut app.dialog {
                Some(Dialog::Backup(state)) => state.set_error(e),
                _ => app.banners.push(Banner::error(None, e)),
            }
        }
    }
    Task::none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_foreign_file_is_refused_in_plain_words_and_nothing_changes() {
        let dir = tempfile::tempdir().unwrap();
        let profile = Profile::at(dir.path().join("profile"));
        profile.ensure().unwrap();
        std::fs::write(profile.config_path(), "[settings]\n").unwrap();
        let foreign = dir.path().join("holiday.tar");
        std::fs::write(&foreign, b"not a tar archive at all").unwrap();
        let err = restore(&profile, &foreign).unwrap_err();
        assert_eq!(err, fl!("restore-error-damaged"));
        assert_eq!(
            std::fs::read_to_string(profile.config_path()).unwrap(),
            "[settings]\n"
        );
        let missing = restore(&profile, &dir.path().join("gone.tar")).unwrap_err();
        assert_ne!(missing, fl!("restore-error-damaged"));
        assert!(missing.contains("os error 2"), "{missing}");
    }

    #[test]
    fn the_backup_names_the_accounts_that_need_their_password() {
        let text = done_text("/b/plausch.tar", 2048, &["Work".into()]);
        assert!(text.contains("/b/plausch.tar"), "{text}");
        assert!(text.contains("Work"), "{text}");
        assert_eq!(
            done_text("/b/plausch.tar", 2048, &[]),
            fl!(
                "backup-done",
                path = "/b/plausch.tar",
                size = super::super::files::size_text(2048)
            )
        );
    }
}
