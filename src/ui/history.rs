//! The history under the user's control, in the window: exporting a
//! conversation, an account or every account (a format, then where to),
//! and deleting a conversation's history here after a confirmation that
//! says what goes and that the server's archive keeps its copy.
//!
//! The accounts do the work (`export`, `delete_message`,
//! `delete_conversation`) and answer with `export_done` / `history_deleted`
//! (shown as a banner); what was deleted also leaves the open conversation
//! and the search results. The conversation keeps its place in the list.

use std::path::PathBuf;

use iced::widget::{button, column, container, radio, text};
use iced::{Element, Task};

use super::model::LiveAccount;
use super::screen::Dialog;
use super::sidebar::BOLD;
use super::update::live;
use super::{App, Banner, Message as AppMessage, conversation, form, ids, style};
use crate::api::{AccountId, AccountRequest, Direction, Event as ApiEvent, ExportFormat};
use crate::api::{MessageRecord, MessageState};
use crate::fl;

/// What an export covers.
#[derive(Debug, Clone, PartialEq)]
pub enum Scope {
    /// One conversation; `name` as the window shows it.
    Conversation {
        account: AccountId,
        with: String,
        name: String,
    },
    /// Every conversation of one account.
    Account {
        account: AccountId,
        label: String,
        jid: String,
    },
    /// Every account, each into its own file in one folder.
    All,
}

/// The dialog.
#[derive(Debug, Clone, PartialEq)]
pub enum State {
    Export {
        scope: Scope,
        format: ExportFormat,
    },
    /// "Delete this conversation's history here?"
    Delete {
        account: AccountId,
        with: String,
        name: String,
    },
}

#[derive(Debug, Clone)]
pub enum Message {
    Format(ExportFormat),
    /// Open the save (or folder) dialog.
    Choose,
    /// Where the export goes (None: the file dialog was cancelled).
    Chosen(Option<PathBuf>),
    ConfirmDelete,
    Cancel,
}

/// What the app must do after a message of the dialog.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Cancelled,
    Export {
        scope: Scope,
        format: ExportFormat,
        path: PathBuf,
    },
    Delete {
        account: AccountId,
        with: String,
    },
}

/// The formats offered, in order.
const FORMATS: [ExportFormat; 3] = [ExportFormat::Text, ExportFormat::Jsonl, ExportFormat::Html];

impl State {
    pub fn update(&mut self, message: Message) -> (Task<Message>, Option<Event>) {
        match message {
            Message::Format(f) => {
                if let State::Export { format, .. } = self {
                    *format = f;
                }
            }
            Message::Choose => {
                if let State::Export { scope, format } = self {
                    return (choose(scope, *format), None);
                }
            }
            Message::Chosen(None) => {}
            Message::Chosen(Some(path)) => {
                if let State::Export { scope, format } = self {
                    let event = Event::Export {
                        scope: scope.clone(),
                        format: *format,
                        path,
                    };
                    return (Task::none(), Some(event));
                }
            }
            Message::ConfirmDelete => {
                if let State::Delete { account, with, .. } = self {
                    let event = Event::Delete {
                        account: account.clone(),
                        with: with.clone(),
                    };
                    return (Task::none(), Some(event));
                }
            }
            Message::Cancel => return (Task::none(), Some(Event::Cancelled)),
        }
        (Task::none(), None)
    }

    pub fn view(&self) -> Element<'_, Message> {
        let page = match self {
            State::Export { scope, format } => export_view(scope, *format),
            State::Delete { name, .. } => delete_view(name),
        };
        container(page)
            .padding(24)
            .max_width(520)
            .style(style::dialog)
            .into()
    }
}

/// The save dialog (a folder for every account), off the UI thread.
fn choose(scope: &Scope, format: ExportFormat) -> Task<Message> {
    let dialog = rfd::AsyncFileDialog::new().set_title(fl!("export-choose-title"));
    let ext = format.extension();
    match scope {
        Scope::All => Task::perform(
            async move { dialog.pick_folder().await.map(|f| f.path().to_path_buf()) },
            Message::Chosen,
        ),
        scope => {
            let dialog = dialog
                .set_file_name(default_file_name(scope, format))
                .add_filter(format_name(format), &[ext]);
            Task::perform(
                async move { dialog.save_file().await.map(|f| f.path().to_path_buf()) },
                Message::Chosen,
            )
        }
    }
}

/// The file name the save dialog proposes: the conversation's or the
/// account's address with the format's ending (`bob@example.org.txt`).
pub fn default_file_name(scope: &Scope, format: ExportFormat) -> String {
    let base = match scope {
        Scope::Conversation { with, .. } => with.as_str(),
        Scope::Account { jid, .. } => jid.as_str(),
        Scope::All => "plausch",
    };
    // A room's private chat has a '/' (room@service/nick).
    let safe: String = base
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    format!("{safe}.{}", format.extension())
}

fn format_name(format: ExportFormat) -> String {
    match format {
        ExportFormat::Text => fl!("export-format-text"),
        ExportFormat::Jsonl => fl!("export-format-jsonl"),
        ExportFormat::Html => fl!("export-format-html"),
    }
}

fn format_help(format: ExportFormat) -> String {
    match format {
        ExportFormat::Text => fl!("export-format-text-help"),
        ExportFormat::Jsonl => fl!("export-format-jsonl-help"),
        ExportFormat::Html => fl!("export-format-html-help"),
    }
}

fn export_view(scope: &Scope, chosen: ExportFormat) -> Element<'_, Message> {
    let (title, explain, choose) = match scope {
        Scope::Conversation { name, .. } => (
            fl!("export-title-conversation", name = name.as_str()),
            fl!("export-explain-file"),
            fl!("export-choose-file"),
        ),
        Scope::Account { label, .. } => (
            fl!("export-title-account", account = label.as_str()),
            fl!("export-explain-file"),
            fl!("export-choose-file"),
        ),
        Scope::All => (
            fl!("export-title-all"),
            fl!("export-explain-folder"),
            fl!("export-choose-folder"),
        ),
    };
    let mut page = column![
        text(title).size(20).font(BOLD),
        text(explain).size(13),
        text(fl!("export-format")).size(13).font(BOLD),
    ]
    .spacing(12);
    for format in FORMATS {
        page = page.push(
            column![
                container(
                    radio(format_name(format), format, Some(chosen), Message::Format)
                        .size(16)
                        .text_size(13)
                )
                .id(ids::history::format(format)),
                container(text(format_help(format)).size(12).style(style::muted))
                    .padding(iced::Padding::ZERO.left(26)),
            ]
            .spacing(2),
        );
    }
    page.push(text(fl!("export-readable")).size(12).style(style::muted))
        .push(buttons(
            button(text(choose)).on_press(Message::Choose),
            ids::history::CHOOSE,
        ))
        .into()
}

fn delete_view(name: &str) -> Element<'_, Message> {
    column![
        text(fl!("delete-history-title", name = name))
            .size(20)
            .font(BOLD)
            .wrapping(text::Wrapping::WordOrGlyph),
        text(fl!("delete-history-what")).size(13),
        text(fl!("delete-history-server")).size(13),
        text(fl!("delete-history-stays"))
            .size(12)
            .style(style::muted),
        buttons(
            button(text(fl!("delete-history-confirm")))
                .style(button::danger)
                .on_press(Message::ConfirmDelete),
            ids::history::DELETE_CONFIRM,
        ),
    ]
    .spacing(12)
    .into()
}

/// Cancel and the dialog's action, on the right.
fn buttons<'a>(action: button::Button<'a, Message>, id: &'static str) -> Element<'a, Message> {
    form::dialog_buttons((Message::Cancel, ids::history::CANCEL), (action, id))
}

/// Opens the export dialog for `scope`.
pub fn show_export(app: &mut App, scope: Scope) -> Task<AppMessage> {
    app.menu = false;
    app.dialog = Some(Dialog::History(State::Export {
        scope,
        format: ExportFormat::default(),
    }));
    Task::none()
}

/// The export dialog for a conversation of `account`.
pub fn conversation_scope(account: &LiveAccount, with: &str) -> Scope {
    Scope::Conversation {
        account: account.config.id.clone(),
        with: with.to_owned(),
        name: super::search::conversation_name(account, with),
    }
}

/// The export dialog for every conversation of `account`.
pub fn account_scope(account: &LiveAccount) -> Scope {
    Scope::Account {
        account: account.config.id.clone(),
        label: account.label().to_owned(),
        jid: account.config.jid.clone(),
    }
}

/// Asks whether to delete the history of `with` on `account`.
pub fn show_delete(app: &mut App, account: AccountId, with: String) -> Task<AppMessage> {
    let Some(a) = live(&mut app.accounts, &account) else {
        return Task::none();
    };
    let name = super::search::conversation_name(a, &with);
    app.dialog = Some(Dialog::History(State::Delete {
        account,
        with,
        name,
    }));
    Task::none()
}

/// A message of the dialog.
pub fn update(app: &mut App, message: Message) -> Task<AppMessage> {
    let Some(Dialog::History(dialog)) = &mut app.dialog else {
        return Task::none();
    };
    let (task, event) = dialog.update(message);
    match event {
        None => {}
        Some(Event::Cancelled) => app.dialog = None,
        Some(Event::Export {
            scope,
            format,
            path,
        }) => {
            app.dialog = None;
            export(app, scope, format, path);
        }
        Some(Event::Delete { account, with }) => {
            app.dialog = None;
            let sent = live(&mut app.accounts, &account)
                .is_some_and(|a| a.send(AccountRequest::DeleteConversation { with }));
            if !sent {
                app.banners
                    .push(Banner::error(Some(account), fl!("history-not-running")));
            }
        }
    }
    task.map(AppMessage::History)
}

/// The `export` requests for `scope`, by account: one conversation, one
/// account, or every account into the folder `path`.
pub fn requests(
    scope: &Scope,
    format: ExportFormat,
    path: &std::path::Path,
    accounts: &[AccountId],
) -> Vec<(AccountId, AccountRequest)> {
    let request = |with: Option<String>| AccountRequest::Export {
        with,
        format,
        path: path.display().to_string(),
    };
    match scope {
        Scope::Conversation { account, with, .. } => {
            vec![(account.clone(), request(Some(with.clone())))]
        }
        Scope::Account { account, .. } => vec![(account.clone(), request(None))],
        Scope::All => accounts
            .iter()
            .map(|a| (a.clone(), request(None)))
            .collect(),
    }
}

/// Sends the export to the accounts; those not running are named.
fn export(app: &mut App, scope: Scope, format: ExportFormat, path: PathBuf) {
    let ids: Vec<AccountId> = app.accounts.iter().map(|a| a.id().to_owned()).collect();
    let mut skipped = Vec::new();
    for (account, request) in requests(&scope, format, &path, &ids) {
        match live(&mut app.accounts, &account) {
            Some(a) if a.send(request) => {}
            Some(a) => skipped.push(a.label().to_owned()),
            None => skipped.push(account),
        }
    }
    if !skipped.is_empty() {
        let text = fl!("export-not-running", accounts = skipped.join(", "));
        app.banners.push(Banner::error(None, text));
    }
}

/// `history_deleted` for the search panel: its hits of what was deleted go.
pub fn forget_in_search(
    search: &mut Option<super::search::State>,
    config: &crate::config::Config,
    account: &str,
    event: &ApiEvent,
) {
    let ApiEvent::HistoryDeleted {
        with,
        id,
        retention,
        ..
    } = event
    else {
        return;
    };
    let Some(search) = search.as_mut() else {
        return;
    };
    let keep_days = config.account(account).map_or(0, |c| c.files.keep_days);
    let cutoff = retention_cutoff(keep_days);
    search.hits.retain(|h| {
        let gone = match (id, with) {
            (Some(id), _) => h.message.id == *id,
            (None, Some(with)) => h.message.with == *with,
            (None, None) => *retention && cutoff.is_some_and(|c| older(&h.message, c)),
        };
        h.account != account || !gone
    });
}

/// What is older than the account keeps (None: it keeps everything).
fn retention_cutoff(keep_days: u32) -> Option<chrono::DateTime<chrono::Utc>> {
    (keep_days > 0).then(|| chrono::Utc::now() - chrono::Duration::days(i64::from(keep_days)))
}

/// Whether retention deletes `m` (not-yet-sent messages stay).
fn older(m: &MessageRecord, cutoff: chrono::DateTime<chrono::Utc>) -> bool {
    m.timestamp < cutoff && !(m.direction == Direction::Out && m.state == MessageState::Queued)
}

/// `history_deleted`: the deleted messages leave the open conversation,
/// the list gets the conversations' new last messages; the banner's text,
/// if the deletion is worth one (a conversation, or retention).
pub fn deleted(
    account: &mut LiveAccount,
    chat: Option<&mut conversation::State>,
    with: Option<String>,
    id: Option<String>,
    messages: u64,
    retention: bool,
) -> Option<String> {
    let chat = chat.filter(|c| c.account == account.config.id);
    // The sidebar shows each conversation's last message.
    account.send(AccountRequest::Conversations);
    match (id, with) {
        (Some(id), _) => {
            if let Some(chat) = chat {
                chat.messages.retain(|m| m.id != id);
                if chat.selected.as_deref() == Some(&id) {
                    chat.selected = None;
                }
            }
            None
        }
        (None, Some(with)) => {
            if let Some(chat) = chat.filter(|c| c.with == with) {
                chat.clear_history();
            }
            let name = super::search::conversation_name(account, &with);
            Some(fl!(
                "history-deleted",
                account = account.label(),
                name = name,
                count = messages
            ))
        }
        (None, None) if retention => {
            let days = account.config.files.keep_days;
            if let (Some(chat), Some(cutoff)) = (chat, retention_cutoff(days)) {
                chat.messages.retain(|m| !older(m, cutoff));
            }
            Some(fl!(
                "history-retention-deleted",
                account = account.label(),
                count = messages,
                days = days
            ))
        }
        (None, None) => None,
    }
}

/// `export_done` as a banner's text.
pub fn export_done(account: &LiveAccount, path: &str, messages: u64, bytes: u64) -> String {
    fl!(
        "export-done",
        account = account.label(),
        count = messages,
        path = path,
        size = super::files::size_text(bytes)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_the_address_with_the_format_s_ending() {
        let conversation = |with: &str| Scope::Conversation {
            account: "work".into(),
            with: with.into(),
            name: "Bob".into(),
        };
        assert_eq!(
            default_file_name(&conversation("bob@example.org"), ExportFormat::Text),
            "bob@example.org.txt"
        );
        assert_eq!(
            default_file_name(
                &conversation("team@conference.example.org/Anna"),
                ExportFormat::Html
            ),
            "team@conference.example.org_Anna.html"
        );
        let account = Scope::Account {
            account: "work".into(),
            label: "Work".into(),
            jid: "me@work.example".into(),
        };
        assert_eq!(
            default_file_name(&account, ExportFormat::Jsonl),
            "me@work.example.jsonl"
        );
    }

    #[test]
    fn every_account_exports_into_the_folder() {
        let folder = std::path::Path::new("/tmp/out");
        let all = requests(
            &Scope::All,
            ExportFormat::Html,
            folder,
            &["work".into(), "home".into()],
        );
        let expected = |account: &str| {
            (
                account.to_owned(),
                AccountRequest::Export {
                    with: None,
                    format: ExportFormat::Html,
                    path: "/tmp/out".into(),
                },
            )
        };
        assert_eq!(all, [expected("work"), expected("home")]);
    }
}
