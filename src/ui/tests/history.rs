//! The history under the user's control in the window: exporting a
//! conversation, an account or everything; deleting one message or a
//! conversation's history here; retention in the account settings; backup
//! and restore.

use super::{Harness, account, conversation};
use crate::accounts::{Restart, ToAccount};
use crate::api::{AccountRequest, Event, ExportFormat, MessageRecord};
use crate::config::{AccountEntry, Config};
use crate::fl;
use crate::i18n::in_german;
use crate::profile::Profile;
use crate::ui::account_settings::Message as Settings;
use crate::ui::backup::{self, Message as BackupMessage};
use crate::ui::history::Message as HistoryMessage;
use crate::ui::screen::{Dialog, Pane};
use crate::ui::{ChatMessage, Message, ids};

const BOB: &str = "bob@work.example";
const CAROL: &str = "carol@work.example";

fn record(seq: i64, with: &str, body: &str) -> MessageRecord {
    super::received(seq, with, with, body)
}

/// The "work" account with the conversation `with` open, showing three
/// messages ("first", "second", "third").
fn open(with: &str) -> Harness {
    let mut h = Harness::work_account(0);
    let _ = h.click(ids::contact("work", with));
    h.event(
        "work",
        Event::History {
            account: "work".into(),
            with: with.into(),
            messages: vec![
                record(1, with, "first"),
                record(2, with, "second"),
                record(3, with, "third"),
            ],
            complete: true,
        },
    );
    let _ = h.commands("work");
    h
}

fn deleted(with: &str, id: Option<&str>, messages: u64) -> Event {
    Event::HistoryDeleted {
        account: "work".into(),
        with: Some(with.into()),
        id: id.map(Into::into),
        messages,
        retention: false,
    }
}

/// The contact details of the open conversation.
fn details(h: &mut Harness) {
    let _ = h.click(ids::DETAILS);
    let _ = h.commands("work");
}

fn dialog(h: &Harness) -> Option<&Dialog> {
    h.app.dialog.as_ref()
}

#[test]
fn deleting_a_conversation_asks_first_and_says_the_server_keeps_its_copy() {
    let mut h = open(CAROL);
    details(&mut h);
    let _ = h.click(ids::details::DELETE_HISTORY);
    h.assert_shows(&fl!("delete-history-title", name = "Carol"));
    h.assert_shows(&fl!("delete-history-what"));
    h.assert_shows(&fl!("delete-history-server"));
    assert!(h.commands("work").is_empty(), "nothing deleted before Yes");

    // Cancel deletes nothing.
    let _ = h.click(ids::history::CANCEL);
    assert!(dialog(&h).is_none());
    assert!(h.commands("work").is_empty());

    let _ = h.click(ids::details::DELETE_HISTORY);
    let _ = h.click(ids::history::DELETE_CONFIRM);
    assert!(dialog(&h).is_none());
    assert_eq!(
        h.commands("work"),
        [AccountRequest::DeleteConversation { with: CAROL.into() }]
    );
}

#[test]
fn the_delete_dialog_speaks_german() {
    in_german(|| {
        let mut h = open(CAROL);
        h.update(Message::ShowDeleteHistory("work".into(), CAROL.into()));
        h.assert_shows("Den Verlauf mit Carol löschen?");
        h.assert_shows(
            "Die Kopie im Archiv Ihres Servers bleibt: XMPP kann sie dort nicht löschen (XEP-0313).",
        );
    });
}

#[test]
fn history_deleted_takes_the_messages_out_of_the_view_and_keeps_the_conversation() {
    let mut h = open(CAROL);
    for body in ["first", "second", "third"] {
        h.assert_shows(body);
    }
    // One message (deleted here or from another front-end).
    h.event("work", deleted(CAROL, Some("m2"), 1));
    assert!(!h.shows("second"));
    h.assert_shows("first");
    h.assert_shows("third");
    // The list's last messages are asked for again.
    assert_eq!(h.commands("work"), [AccountRequest::Conversations]);

    // The whole conversation.
    h.event("work", deleted(CAROL, None, 2));
    assert!(!h.shows("first") && !h.shows("third"));
    h.assert_shows(&fl!("chat-empty"));
    h.assert_shows(&fl!(
        "history-deleted",
        account = "Work",
        name = "Carol",
        count = 2
    ));
    assert!(
        h.has_id(ids::contact("work", CAROL)),
        "the conversation stays in the list"
    );
    assert_eq!(h.commands("work"), [AccountRequest::Conversations]);
}

#[test]
fn a_message_is_deleted_here_after_a_confirmation() {
    let mut h = open(BOB);
    h.update(Message::Chat(ChatMessage::Select("m2".into())));
    let _ = h.click(ids::delete_here("m2"));
    h.assert_shows(&fl!("action-delete-here-question"));
    assert!(h.commands("work").is_empty(), "nothing deleted before Yes");
    let _ = h.click(ids::delete_here_confirm("m2"));
    assert_eq!(
        h.commands("work"),
        [AccountRequest::DeleteMessage { id: "m2".into() }]
    );
    // It stays until the account says it is gone.
    h.assert_shows("second");
    h.event("work", deleted(BOB, Some("m2"), 1));
    assert!(!h.shows("second"));
}

#[test]
fn a_conversation_is_exported_in_the_chosen_format() {
    let mut h = open(BOB);
    details(&mut h);
    let _ = h.click(ids::details::EXPORT);
    h.assert_shows(&fl!("export-title-conversation", name = "Bob Builder"));
    assert!(h.has_id(ids::history::format(ExportFormat::Jsonl)));
    let _ = h.click(ids::history::format(ExportFormat::Html));
    // The save dialog answers with a file.
    h.update(Message::History(HistoryMessage::Chosen(Some(
        "/tmp/out/bob.html".into(),
    ))));
    assert!(dialog(&h).is_none());
    assert_eq!(
        h.commands("work"),
        [AccountRequest::Export {
            with: Some(BOB.into()),
            format: ExportFormat::Html,
            path: "/tmp/out/bob.html".into(),
        }]
    );
    h.event(
        "work",
        Event::ExportDone {
            account: "work".into(),
            path: "/tmp/out/bob.html".into(),
            messages: 3,
            bytes: 2048,
        },
    );
    h.assert_shows(&fl!(
        "export-done",
        account = "Work",
        count = 3,
        path = "/tmp/out/bob.html",
        size = crate::ui::files::size_text(2048)
    ));
}

#[test]
fn a_cancelled_save_dialog_exports_nothing() {
    let mut h = open(BOB);
    h.update(Message::ShowExport(crate::ui::history::Scope::All));
    h.update(Message::History(HistoryMessage::Chosen(None)));
    assert!(dialog(&h).is_some(), "the dialog stays for another try");
    assert!(h.commands("work").is_empty());
}

#[test]
fn the_account_settings_export_the_whole_account() {
    let mut h = Harness::work_account(0);
    let _ = h.click(ids::settings("work"));
    let _ = h.commands("work");
    assert!(h.has_id(ids::settings::EXPORT));
    h.update(Message::Settings(Settings::Export));
    h.assert_shows(&fl!("export-title-account", account = "Work"));
    let _ = h.click(ids::history::format(ExportFormat::Jsonl));
    h.update(Message::History(HistoryMessage::Chosen(Some(
        "/tmp/work.jsonl".into(),
    ))));
    assert_eq!(
        h.commands("work"),
        [AccountRequest::Export {
            with: None,
            format: ExportFormat::Jsonl,
            path: "/tmp/work.jsonl".into(),
        }]
    );
}

#[test]
fn everything_is_exported_from_the_menu_into_one_folder() {
    let mut h = Harness::with_accounts(vec![
        account("work", "me@work.example", Some("Work")),
        account("home", "me@home.example", Some("Home")),
    ]);
    assert!(!h.has_id(ids::backup::EXPORT_ALL), "the menu starts closed");
    let _ = h.click(ids::backup::MENU);
    let _ = h.click(ids::backup::EXPORT_ALL);
    h.assert_shows(&fl!("export-title-all"));
    h.assert_shows(&fl!("export-choose-folder"));
    h.update(Message::History(HistoryMessage::Chosen(Some(
        "/tmp/everything".into(),
    ))));
    for id in ["work", "home"] {
        assert_eq!(
            h.commands(id),
            [AccountRequest::Export {
                with: None,
                format: ExportFormat::Text,
                path: "/tmp/everything".into(),
            }]
        );
    }
}

/// The settings screen of "work" with `typed` in the retention field,
/// saved: the error shown, if any.
fn keep_days(h: &mut Harness, typed: &str) -> Result<Option<u32>, String> {
    h.update(Message::Settings(Settings::KeepDays(typed.into())));
    let Pane::Settings(state) = &h.app.pane else {
        panic!("the settings are not open");
    };
    state.to_update().map(|u| u.keep_days)
}

#[test]
fn keep_days_must_be_a_whole_number_of_days_and_is_saved() {
    let mut h = Harness::work_account(0);
    let _ = h.click(ids::settings("work"));
    let _ = h.commands("work");
    assert!(h.has_id(ids::settings::KEEP_DAYS));
    h.assert_shows(&fl!("settings-keep-days-help"));
    for bad in ["-3", "ten", "1.5", "99999999999"] {
        assert_eq!(
            keep_days(&mut h, bad),
            Err(fl!("error-invalid-keep-days")),
            "{bad}"
        );
    }
    // Said under the field at once, and again by Save.
    assert_eq!(h.count(&fl!("error-invalid-keep-days")), 1);
    h.update(Message::Settings(Settings::Save));
    assert_eq!(h.count(&fl!("error-invalid-keep-days")), 2);
    assert_eq!(keep_days(&mut h, ""), Ok(Some(0)), "empty keeps for ever");
    assert_eq!(keep_days(&mut h, " 30 "), Ok(Some(30)));

    // Saving writes it into the config file...
    let profile = h.app.profile.clone();
    h.app.config.save(&profile.config_path()).unwrap();
    let Pane::Settings(state) = &h.app.pane else {
        unreachable!()
    };
    let update = state.to_update().unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let (saved, restart) = runtime
        .block_on(crate::accounts::update_account(&profile, update))
        .unwrap();
    assert_eq!(
        restart,
        Restart::No,
        "retention applies without reconnecting"
    );
    let on_disk = Config::load(&profile.config_path()).unwrap();
    assert_eq!(on_disk.account("work").unwrap().files.keep_days, 30);

    // ...and the running account gets it at once.
    h.update(Message::Settings(Settings::Saved(Ok((
        Box::new(saved),
        restart,
    )))));
    assert!(matches!(
        &h.messages("work")[..],
        [ToAccount::Reconfigure(c)] if c.files.keep_days == 30
    ));
}

#[test]
fn retention_takes_old_messages_out_of_the_view() {
    let mut h = open(BOB);
    // As saved in the settings.
    if let Some(a) = crate::ui::update::live(&mut h.app.accounts, "work") {
        a.config.files.keep_days = 30;
    }
    let mut old = record(0, BOB, "from last year");
    old.timestamp = chrono::Utc::now() - chrono::TimeDelta::days(365);
    h.event(
        "work",
        Event::History {
            account: "work".into(),
            with: BOB.into(),
            messages: vec![old],
            complete: true,
        },
    );
    h.assert_shows("from last year");
    h.event(
        "work",
        Event::HistoryDeleted {
            account: "work".into(),
            with: None,
            id: None,
            messages: 1,
            retention: true,
        },
    );
    assert!(!h.shows("from last year"));
    h.assert_shows("first");
    h.assert_shows(&fl!(
        "history-retention-deleted",
        account = "Work",
        count = 1,
        days = 30
    ));
}

#[test]
fn the_welcome_screen_offers_a_restore() {
    let mut h = Harness::empty();
    let _ = h.click(ids::backup::WELCOME_RESTORE);
    h.assert_shows(&fl!("restore-title"));
    // No accounts: nothing to replace, nothing to confirm.
    assert!(!h.has_id(ids::backup::REPLACE));
}

/// A backup of a profile with the account "home" (password in the
/// keyring), written into `dir`.
fn home_backup(dir: &std::path::Path) -> std::path::PathBuf {
    let other = Profile::at(dir.join("other"));
    other.ensure().unwrap();
    let config = Config {
        accounts: vec![AccountEntry::Ok(crate::config::AccountConfig {
            label: Some("Home".into()),
            ..crate::config::AccountConfig::new(
                "home",
                "me@home.example",
                crate::config::PasswordSource::Keyring,
            )
        })],
        ..Config::default()
    };
    config.save(&other.config_path()).unwrap();
    let archive = dir.join("backup.tar");
    crate::backup::write(&other, &archive, false).unwrap();
    archive
}

#[test]
fn a_restore_replaces_the_accounts_only_when_confirmed_and_starts_the_new_ones() {
    let mut h = Harness::work_account(0);
    let _ = h.click(ids::backup::MENU);
    let _ = h.click(ids::backup::RESTORE);
    h.assert_shows(&fl!("restore-replace-warning", count = 1));
    let dir = tempfile::tempdir().unwrap();
    let archive = home_backup(dir.path());

    // Not confirmed: the button does nothing, and nothing is stopped.
    assert!(h.click(ids::backup::CHOOSE).is_empty());
    h.update(Message::Backup(BackupMessage::Archive(Some(
        archive.clone(),
    ))));
    h.assert_shows(&fl!("restore-confirm-first"));
    assert!(h.messages("work").is_empty());

    // Confirmed: the running account is stopped first.
    let _ = h.click(ids::backup::REPLACE);
    h.update(Message::Backup(BackupMessage::Archive(Some(
        archive.clone(),
    ))));
    assert_eq!(h.messages("work"), [ToAccount::Shutdown]);
    h.assert_shows(&fl!("restore-busy"));
    h.update(Message::Actor(crate::ui::ActorOutput::Stopped(
        "work".into(),
    )));

    // The restore (a blocking task in the app) puts the backup in place.
    let result = backup::restore(&h.app.profile, &archive);
    h.update(Message::Backup(BackupMessage::Restored(result)));
    assert!(dialog(&h).is_none());
    assert!(h.has_id(ids::settings("home")), "the restored account");
    assert!(!h.has_id(ids::settings("work")), "the replaced account");
    let generation = match &h.app.accounts[..] {
        [crate::ui::model::Account::Ok(l)] => l.generation,
        other => panic!("{other:?}"),
    };
    assert!(generation > 0, "a new subscription starts its actor");
    let text = h.texts().join("\n");
    assert!(
        text.contains(&fl!(
            "restore-done",
            path = archive.display().to_string(),
            count = 1
        )),
        "{text}"
    );
    assert!(
        text.contains(&fl!("restore-done-passwords", accounts = "Home")),
        "{text}"
    );
    // The profile on disk is the backup's.
    let on_disk = Config::load(&h.app.profile.config_path()).unwrap();
    assert!(on_disk.account("home").is_some() && on_disk.account("work").is_none());
}

#[test]
fn a_damaged_backup_changes_nothing_and_the_accounts_start_again() {
    let mut h = Harness::work_account(0);
    h.update(Message::ShowRestore);
    let _ = h.click(ids::backup::REPLACE);
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("photos.tar");
    std::fs::write(&bad, b"no backup").unwrap();
    h.update(Message::Backup(BackupMessage::Archive(Some(bad.clone()))));
    assert_eq!(h.messages("work"), [ToAccount::Shutdown]);
    h.update(Message::Actor(crate::ui::ActorOutput::Stopped(
        "work".into(),
    )));
    let result = backup::restore(&h.app.profile, &bad);
    h.update(Message::Backup(BackupMessage::Restored(result)));
    h.assert_shows(&fl!("restore-error-damaged"));
    match &h.app.accounts[..] {
        [crate::ui::model::Account::Ok(l)] => {
            assert_eq!(l.config.id, "work");
            assert_eq!(l.generation, 1, "started again");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_written_backup_names_the_accounts_that_need_their_password() {
    let mut h = Harness::work_account(0);
    let _ = h.click(ids::backup::MENU);
    let _ = h.click(ids::backup::BACKUP);
    h.assert_shows(&fl!("backup-title"));
    let _ = h.click(ids::backup::INCLUDE_FILES);
    assert!(matches!(
        dialog(&h),
        Some(Dialog::Backup(backup::State::Backup {
            include_files: true,
            ..
        }))
    ));
    h.update(Message::Backup(BackupMessage::Written(Ok(
        backup::Written {
            path: "/backups/plausch.tar".into(),
            bytes: 4096,
            accounts: vec![crate::backup::AccountNote {
                id: "work".into(),
                jid: "me@work.example".into(),
                needs_password: true,
            }],
        },
    ))));
    assert!(dialog(&h).is_none());
    let text = h.texts().join("\n");
    assert!(
        text.contains(&fl!("backup-done-passwords", accounts = "Work")),
        "{text}"
    );
    // Its banner can be dismissed like any other.
    assert!(h.has_id(format!("{}-0", ids::BANNER_DISMISS)));
}

#[test]
fn the_room_menu_offers_export_and_delete() {
    let mut h = Harness::work_account(0);
    let room = "team@conference.work.example";
    h.event(
        "work",
        Event::Conversations {
            account: "work".into(),
            conversations: vec![crate::api::ConversationSummary {
                kind: crate::api::ConversationKind::Room,
                ..conversation(room, "hi", 0)
            }],
        },
    );
    let _ = h.click(ids::contact("work", room));
    let _ = h.click(ids::room::MENU);
    let _ = h.click(ids::room::DELETE_HISTORY);
    let _ = h.click(ids::history::DELETE_CONFIRM);
    assert!(
        h.commands("work")
            .contains(&AccountRequest::DeleteConversation { with: room.into() })
    );
    let _ = h.click(ids::room::EXPORT);
    assert!(matches!(dialog(&h), Some(Dialog::History(_))));
}
