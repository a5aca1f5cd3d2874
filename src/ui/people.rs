//! `update` for contacts, presence and profiles: the add-contact dialog,
//! subscription answers, the presence editor with automatic away, the
//! contact details pane and our own profile.

use std::time::Instant;

use iced::Task;

use super::model::{Account, LiveAccount};
use super::screen::{self, Dialog, Pane};
use super::update::live;
use super::{App, Message, add_contact, contact_details, ids, own_profile, presence_picker};
use crate::api::AccountId;
use crate::api::AccountRequest;
use crate::api::OwnPresence;
use crate::idle;

/// What an account should show now: the user's choice, turned into away
/// while the user is idle.
pub fn effective_presence(auto_away: &idle::AutoAway, account: &LiveAccount) -> OwnPresence {
    idle::presence_for(
        &account.chosen_presence,
        auto_away.level(),
        auto_away.idle_since(),
    )
}

/// The idle level changed from `before`: sends the accounts whose shown
/// presence changes with it (a chosen "do not disturb" stays untouched).
fn follow_idle_level(app: &mut App, before: idle::Level) {
    let level = app.auto_away.level();
    let since = app.auto_away.idle_since();
    for a in live_accounts(&mut app.accounts) {
        let old = idle::presence_for(&a.chosen_presence, before, since);
        let new = idle::presence_for(&a.chosen_presence, level, since);
        if old != new {
            a.send(AccountRequest::SetPresence(new));
        }
    }
}

fn live_accounts(accounts: &mut [Account]) -> impl Iterator<Item = &mut LiveAccount> {
    accounts.iter_mut().filter_map(|a| match a {
        Account::Ok(l) if l.config.enabled => Some(l.as_mut()),
        _ => None,
    })
}

/// The user did something (key, click, scroll, focus).
pub fn used(app: &mut App) -> Task<Message> {
    let before = app.auto_away.level();
    if app
        .auto_away
        .used(Instant::now(), chrono::Utc::now())
        .is_some()
    {
        follow_idle_level(app, before);
    }
    Task::none()
}

/// The periodic idle check, with the time it fired.
pub fn idle_tick(app: &mut App, now: Instant) -> Task<Message> {
    let before = app.auto_away.level();
    if app.auto_away.tick(now).is_some() {
        follow_idle_level(app, before);
    }
    Task::none()
}

pub fn show_add_contact(app: &mut App) -> Task<Message> {
    let accounts = app.account_choices();
    if accounts.is_empty() {
        return Task::none();
    }
    let state = add_contact::State::new(accounts, app.preferred_account());
    screen::open_dialog(app, Dialog::AddContact(state), ids::add_contact::JID)
}

pub fn add_contact(app: &mut App, message: add_contact::Message) -> Task<Message> {
    let Some(Dialog::AddContact(dialog)) = &mut app.dialog else {
        return Task::none();
    };
    match dialog.update(message) {
        Some(add_contact::Event::Cancelled) => app.dialog = None,
        Some(add_contact::Event::Add(account, command)) => {
            app.dialog = None;
            if let Some(a) = live(&mut app.accounts, &account) {
                a.send(command);
            }
        }
        None => {}
    }
    Task::none()
}

pub fn answer_subscription(
    app: &mut App,
    account: AccountId,
    jid: String,
    accept: bool,
) -> Task<Message> {
    if let Some(a) = live(&mut app.accounts, &account) {
        a.subscription_requests.retain(|(j, _)| *j != jid);
        a.send(AccountRequest::AnswerSubscription { jid, accept });
    }
    Task::none()
}

pub fn edit_presence(app: &mut App, account: Option<AccountId>) -> Task<Message> {
    // The same button again closes the editor.
    if app
        .presence_editor
        .as_ref()
        .is_some_and(|e| e.account == account)
    {
        app.presence_editor = None;
        return Task::none();
    }
    let chosen = match &account {
        Some(id) => live(&mut app.accounts, id).map(|a| a.chosen_presence.clone()),
        None => live_accounts(&mut app.accounts)
            .next()
            .map(|a| a.chosen_presence.clone()),
    }
    .unwrap_or_default();
    app.presence_editor = Some(presence_picker::State::new(
        account,
        chosen.presence,
        chosen.status.as_deref(),
        app.config.settings.away_after_minutes,
    ));
    Task::none()
}

pub fn presence(app: &mut App, message: presence_picker::Message) -> Task<Message> {
    let Some(editor) = &mut app.presence_editor else {
        return Task::none();
    };
    match editor.update(message) {
        None => Task::none(),
        Some(presence_picker::Event::Cancelled) => {
            app.presence_editor = None;
            Task::none()
        }
        Some(presence_picker::Event::Set {
            account,
            presence,
            status,
            away_minutes,
        }) => {
            app.presence_editor = None;
            let chosen = OwnPresence {
                presence,
                status,
                idle_since: None,
            };
            for a in live_accounts(&mut app.accounts)
                .filter(|a| account.as_ref().is_none_or(|id| *id == a.config.id))
            {
                a.chosen_presence = chosen.clone();
                // Choosing is using: the choice goes out as it is.
                a.send(AccountRequest::SetPresence(chosen.clone()));
            }
            let _ = app.auto_away.used(Instant::now(), chrono::Utc::now());
            match away_minutes {
                Some(m) if m != app.config.settings.away_after_minutes => {
                    let xa = app.config.settings.xa_after_minutes;
                    // Extended away stays after away (0 keeps it off).
                    let xa = if xa != 0 && xa <= m { m * 3 } else { xa };
                    app.config.settings.away_after_minutes = m;
                    app.config.settings.xa_after_minutes = xa;
                    app.auto_away.set_limits(m, xa);
                    super::update::save_settings(app)
                }
                _ => Task::none(),
            }
        }
    }
}

/// Opens the details pane of `jid` and asks the actor for its profile.
pub fn show_details(app: &mut App, account: AccountId, jid: String) -> Task<Message> {
    let Some(a) = live(&mut app.accounts, &account) else {
        return Task::none();
    };
    a.profile = None;
    a.send(AccountRequest::Profile { jid: jid.clone() });
    a.send(AccountRequest::Devices { jid: jid.clone() });
    let state = contact_details::State::new(a, &jid);
    screen::show(app, Pane::Details(state));
    Task::none()
}

pub fn details(app: &mut App, message: contact_details::Message) -> Task<Message> {
    let Pane::Details(state) = &mut app.pane else {
        return Task::none();
    };
    let (account, jid) = (state.account.clone(), state.jid.clone());
    match state.update(message) {
        None => Task::none(),
        Some(contact_details::Event::Close) => {
            screen::close(app);
            Task::none()
        }
        Some(contact_details::Event::OpenChat) => {
            screen::close(app);
            super::update::update(app, Message::OpenChat(account, jid))
        }
        Some(contact_details::Event::Command(cmd)) => {
            if let Some(a) = live(&mut app.accounts, &account) {
                a.send(cmd);
            }
            Task::none()
        }
        Some(contact_details::Event::Export) => match live(&mut app.accounts, &account) {
            Some(a) => {
                let scope = super::history::conversation_scope(a, &jid);
                super::history::show_export(app, scope)
            }
            None => Task::none(),
        },
        Some(contact_details::Event::DeleteHistory) => {
            super::history::show_delete(app, account, jid)
        }
    }
}

/// Opens our own profile on `account` and asks for what the server has.
pub fn show_own_profile(app: &mut App, account: AccountId) -> Task<Message> {
    let Some(a) = live(&mut app.accounts, &account) else {
        return Task::none();
    };
    let state = own_profile::State::new(a);
    a.send(AccountRequest::Profile {
        jid: state.jid.clone(),
    });
    screen::show(app, Pane::OwnProfile(state));
    iced::widget::operation::focus(ids::own_profile::NICK)
}

pub fn own_profile(app: &mut App, message: own_profile::Message) -> Task<Message> {
    let Pane::OwnProfile(state) = &mut app.pane else {
        return Task::none();
    };
    let account = state.account.clone();
    match state.update(message) {
        None => {}
        Some(own_profile::Event::Close) => screen::close(app),
        Some(own_profile::Event::Command(cmd)) => {
            if let Some(a) = live(&mut app.accounts, &account) {
                a.send(cmd);
            }
        }
    }
    Task::none()
}

/// A file dropped on the window: our new avatar while the own-profile
/// dialog is open, else a file for the open conversation.
pub fn file_dropped(app: &mut App, path: std::path::PathBuf) -> Task<Message> {
    if let Pane::OwnProfile(state) = &mut app.pane {
        state.dropped(&path);
        return Task::none();
    }
    super::files::send(app, &path)
}
