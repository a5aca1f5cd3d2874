//! `update`: the only place where the GUI state changes.

use iced::Task;

use super::actor::ActorOutput;
use super::add_account;
use super::conversation::ChatMessage;
use super::model::{self, Account, Chat, LiveAccount, PAGE};
use super::{App, Banner, Message, ids};
use crate::account::AccountCommand;
use crate::api::{ConnState, Event};
use crate::config::AccountEntry;

/// Scroll distance from the top (px) at which the next older page is loaded.
const LOAD_OLDER_AT: f32 = 60.0;

pub fn update(app: &mut App, message: Message) -> Task<Message> {
    match message {
        Message::Actor(output) => actor(app, output),
        Message::OpenChat(account, with) => open_chat(app, account, with),
        Message::Chat(m) => chat(app, m),
        Message::Reconnect(id) => {
            if let Some(a) = live(&mut app.accounts, &id) {
                a.send(AccountCommand::Reconnect);
                a.connection.state = Some(ConnState::Connecting);
            }
            app.banners.retain(|b| b.account.as_deref() != Some(&id));
            Task::none()
        }
        Message::ShowAddAccount => {
            app.dialog = Some(add_account::State::new());
            iced::widget::operation::focus(ids::dialog::JID)
        }
        Message::Dialog(m) => {
            let Some(dialog) = &mut app.dialog else {
                return Task::none();
            };
            let (task, event) = dialog.update(m, &app.profile);
            match event {
                Some(add_account::Event::Cancelled) => app.dialog = None,
                Some(add_account::Event::Added(config)) => {
                    let config = *config;
                    app.dialog = None;
                    // The new entry gets its subscription, which starts the actor.
                    app.config.accounts.retain(|e| entry_id(e) != config.id);
                    app.config.accounts.push(AccountEntry::Ok(config.clone()));
                    app.accounts.retain(|a| a.id() != config.id);
                    app.accounts
                        .push(Account::Ok(Box::new(LiveAccount::new(config))));
                }
                None => {}
            }
            task.map(Message::Dialog)
        }
        Message::DismissBanner(i) => {
            if i < app.banners.len() {
                app.banners.remove(i);
            }
            Task::none()
        }
        Message::WindowFocus(focused) => {
            let report = app.activity.focus(focused, std::time::Instant::now());
            report_activity(app, report);
            Task::none()
        }
        Message::ActivityTick => {
            let report = app.activity.tick(std::time::Instant::now());
            report_activity(app, report);
            Task::none()
        }
    }
}

/// Tells every account whether the user is looking (XEP-0352).
fn report_activity(app: &mut App, active: Option<bool>) {
    let Some(active) = active else { return };
    for a in &app.accounts {
        if let Account::Ok(l) = a {
            l.send(AccountCommand::ClientState { active });
        }
    }
}

fn entry_id(e: &AccountEntry) -> &str {
    match e {
        AccountEntry::Ok(a) => &a.id,
        AccountEntry::Broken(b) => &b.id,
    }
}

fn live<'a>(accounts: &'a mut [Account], id: &str) -> Option<&'a mut LiveAccount> {
    accounts.iter_mut().find_map(|a| match a {
        Account::Ok(l) if l.config.id == id => Some(l.as_mut()),
        _ => None,
    })
}

fn actor(app: &mut App, output: ActorOutput) -> Task<Message> {
    match output {
        ActorOutput::Ready(id, sender) => {
            if let Some(a) = live(&mut app.accounts, &id) {
                let _ = sender.send(AccountCommand::Roster);
                let _ = sender.send(AccountCommand::Conversations);
                if !app.activity.is_active() {
                    let _ = sender.send(AccountCommand::ClientState { active: false });
                }
                a.sender = Some(sender);
                // Re-request the open chat of this account (actor restarted).
                if let Some(chat) = app.chat.as_mut().filter(|c| c.account == id) {
                    chat.loading = Some(None);
                    a.send(AccountCommand::History {
                        with: chat.with.clone(),
                        limit: PAGE,
                        before: None,
                    });
                }
            }
        }
        ActorOutput::Stopped(id) => {
            if let Some(a) = live(&mut app.accounts, &id) {
                a.sender = None;
                a.connection.state = Some(ConnState::Offline);
            }
        }
        ActorOutput::Event(id, event) => {
            let Some(account) = live(&mut app.accounts, &id) else {
                return iced::Task::none();
            };
            let came_online = matches!(
                &*event,
                Event::AccountState {
                    state: ConnState::Online,
                    ..
                }
            ) && !account.connection.is_online();
            let is_state = matches!(*event, Event::AccountState { .. });
            let chat = app.chat.as_mut().filter(|c| c.account == id);
            let open_with = chat.as_ref().map(|c| c.with.clone());
            let applied = model::apply_event(account, chat, *event);
            if came_online {
                account.send(AccountCommand::Roster);
                account.send(AccountCommand::Conversations);
            }
            if applied.chat_message
                && let Some(with) = open_with
            {
                account.send(AccountCommand::MarkRead { with });
            }
            if is_state {
                // A new state replaces the account's old connection banner.
                app.banners.retain(|b| b.account.as_deref() != Some(&id));
            }
            if let Some(text) = applied.banner {
                let banner = Banner {
                    account: Some(id),
                    text,
                };
                if !app.banners.contains(&banner) {
                    app.banners.push(banner);
                }
            }
        }
    }
    Task::none()
}

fn open_chat(app: &mut App, account: String, with: String) -> Task<Message> {
    if app.chat.as_ref().is_some_and(|c| c.is(&account, &with)) {
        return iced::widget::operation::focus(ids::COMPOSER);
    }
    if let Some(a) = live(&mut app.accounts, &account) {
        a.send(AccountCommand::History {
            with: with.clone(),
            limit: PAGE,
            before: None,
        });
        a.send(AccountCommand::MarkRead { with: with.clone() });
        if let Some(c) = a.conversations.iter_mut().find(|c| c.with == with) {
            c.unread = 0;
        }
    }
    app.chat = Some(Chat::new(account, with));
    iced::widget::operation::focus(ids::COMPOSER)
}

fn chat(app: &mut App, message: ChatMessage) -> Task<Message> {
    let Some(chat) = app.chat.as_mut() else {
        return Task::none();
    };
    match message {
        ChatMessage::Edit(action) => chat.composer.perform(action),
        ChatMessage::Send => {
            let body = chat.composer.text().trim_end().to_owned();
            if body.trim().is_empty() {
                return Task::none();
            }
            let account = chat.account.clone();
            let to = chat.with.clone();
            if let Some(a) = live(&mut app.accounts, &account)
                && a.send(AccountCommand::Send {
                    to,
                    body,
                    reference: Some(uuid::Uuid::new_v4().to_string()),
                })
            {
                chat.composer = iced::widget::text_editor::Content::new();
            }
        }
        ChatMessage::Scrolled(viewport) => {
            // The list is anchored at the bottom: the reversed offset is the
            // distance from the top.
            if viewport.absolute_offset_reversed().y <= LOAD_OLDER_AT
                && let Some(before) = chat.older_page()
            {
                let with = chat.with.clone();
                let account = chat.account.clone();
                let sent = live(&mut app.accounts, &account).is_some_and(|a| {
                    a.send(AccountCommand::History {
                        with,
                        limit: PAGE,
                        before,
                    })
                });
                if !sent {
                    chat.loading = None;
                }
            }
        }
        ChatMessage::Retry(id) => {
            let account = chat.account.clone();
            if let Some(a) = live(&mut app.accounts, &account) {
                a.send(AccountCommand::Retry { id });
            }
        }
    }
    Task::none()
}
