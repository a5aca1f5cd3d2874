//! What the window shows next to the sidebar: one [`Pane`] on the right and
//! at most one modal [`Dialog`] over everything.
//!
//! One value each instead of an `Option` per screen, so that two panes or
//! two dialogs at once cannot happen and `view` needs no precedence rules.
//! The conversation is not a variant's state: it stays open (composer text,
//! scroll position) while another pane is shown over it.

use iced::widget::{container, opaque, stack};
use iced::{Element, Length, Task};

use super::model::LiveAccount;
use super::{App, Message, style};
use super::{account_settings, add_account, add_contact, console, contact_details};
use super::{backup, history, join_room, own_profile};
use crate::api::AccountRequest;

/// The right side of the window.
#[derive(Debug, Default)]
pub enum Pane {
    /// The open conversation, or the welcome screen when none is open.
    #[default]
    Conversation,
    Settings(account_settings::State),
    /// The XML console of one account.
    Console(console::State),
    /// A contact's details.
    Details(contact_details::State),
    /// Our own profile on one account.
    OwnProfile(own_profile::State),
}

impl Pane {
    /// The account the pane belongs to (none for the conversation, which
    /// knows its own).
    pub fn account(&self) -> Option<&str> {
        match self {
            Pane::Conversation => None,
            Pane::Settings(s) => Some(&s.account),
            Pane::Console(c) => Some(&c.account),
            Pane::Details(d) => Some(&d.account),
            Pane::OwnProfile(p) => Some(&p.account),
        }
    }

    pub fn view<'a>(
        &'a self,
        account: &'a LiveAccount,
        avatars: &'a super::avatar::Cache,
    ) -> Option<Element<'a, Message>> {
        Some(match self {
            Pane::Conversation => return None,
            Pane::Settings(s) => s.view(account).map(Message::Settings),
            Pane::Console(c) => c.view(account).map(Message::Console),
            Pane::Details(d) => d.view(account, avatars).map(Message::Details),
            Pane::OwnProfile(p) => p.view(account, avatars).map(Message::OwnProfile),
        })
    }
}

/// A modal dialog over the whole window.
#[derive(Debug)]
pub enum Dialog {
    AddAccount(add_account::State),
    AddContact(add_contact::State),
    JoinRoom(join_room::State),
    /// Export a conversation, an account or everything; delete a
    /// conversation's history.
    History(history::State),
    Backup(backup::State),
}

impl Dialog {
    fn view(&self) -> Element<'_, Message> {
        match self {
            Dialog::AddAccount(d) => d.view().map(Message::Dialog),
            Dialog::AddContact(d) => d.view().map(Message::AddContact),
            Dialog::JoinRoom(d) => d.view().map(Message::JoinRoom),
            Dialog::History(d) => d.view().map(Message::History),
            Dialog::Backup(d) => d.view().map(Message::Backup),
        }
    }
}

/// `base` with the dialog, if one is open, over it on a backdrop that
/// takes the clicks.
pub fn with_dialog<'a>(
    base: Element<'a, Message>,
    dialog: Option<&'a Dialog>,
) -> Element<'a, Message> {
    match dialog {
        None => base,
        Some(dialog) => stack![
            base,
            opaque(
                container(dialog.view())
                    .center(Length::Fill)
                    .padding(20)
                    .style(style::backdrop)
            ),
        ]
        .into(),
    }
}

/// Shows `pane` instead of the current one.
pub fn show(app: &mut App, pane: Pane) {
    close(app);
    app.pane = pane;
}

/// Back to the conversation. A console that closes tells its actor, which
/// then stops serializing stanzas for it.
pub fn close(app: &mut App) {
    if let Pane::Console(c) = std::mem::take(&mut app.pane)
        && let Some(a) = super::update::live(&mut app.accounts, &c.account)
    {
        a.send(AccountRequest::Console { enabled: false });
        a.console.clear();
    }
}

/// Opens `dialog` (replacing one that is open) and focuses its first
/// field.
pub fn open_dialog(app: &mut App, dialog: Dialog, focus: &'static str) -> Task<Message> {
    app.dialog = Some(dialog);
    iced::widget::operation::focus(focus)
}
