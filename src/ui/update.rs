//! `update`: the only place where the GUI state changes.

use iced::Task;

use super::actor::ActorOutput;
use super::conversation::{self, Context};
use super::model::{self, Account, LiveAccount, PAGE};
use super::screen::{self, Dialog, Pane};
use super::{App, Banner, Message, ids, people};
use super::{account_settings, add_account, console};
use crate::accounts;
use crate::api::AccountRequest;
use crate::api::{ConnState, Event};
use crate::config::AccountEntry;
use crate::notify;

pub fn update(app: &mut App, message: Message) -> Task<Message> {
    match message {
        Message::Actor(output) => actor(app, output),
        Message::Quit => super::quit::quit(app),
        Message::OpenChat(account, with) => open_chat(app, account, with),
        Message::Chat(m) => {
            let focused = app.activity.is_focused();
            let Some(chat) = app.chat.as_mut() else {
                return Task::none();
            };
            let account = live(&mut app.accounts, &chat.account);
            conversation::update(chat, m, Context { account, focused })
        }
        Message::Reconnect(id) => {
            if let Some(a) = live(&mut app.accounts, &id) {
                a.send(AccountRequest::Reconnect);
                a.connection.state = Some(ConnState::Connecting);
            }
            app.banners.retain(|b| b.account.as_deref() != Some(&id));
            Task::none()
        }
        Message::ShowAddAccount => screen::open_dialog(
            app,
            Dialog::AddAccount(add_account::State::new()),
            ids::dialog::JID,
        ),
        Message::Dialog(m) => {
            let Some(Dialog::AddAccount(dialog)) = &mut app.dialog else {
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
        Message::ShowSettings(id) => {
            if let Some(a) = live(&mut app.accounts, &id) {
                a.send(AccountRequest::Devices {
                    jid: a.config.jid.clone(),
                });
                let state = account_settings::State::new(&a.config);
                screen::show(app, Pane::Settings(state));
            }
            Task::none()
        }
        Message::Settings(m) => settings(app, m),
        Message::ShowAccounts(only) => {
            app.only_account = only;
            Task::none()
        }
        Message::Problem(problem) => {
            if let Some(text) = problem {
                app.banners.push(Banner::error(None, text));
            }
            Task::none()
        }
        Message::Console(m) => console(app, m),
        Message::WindowFocus(focused) => {
            let report = app.activity.focus(focused, std::time::Instant::now());
            report_activity(app, report);
            // Back at the window: what arrived meanwhile is seen now.
            let focused = app.activity.is_focused();
            if let Some(chat) = app.chat.as_mut() {
                let account = live(&mut app.accounts, &chat.account);
                conversation::mark_seen(chat, &Context { account, focused });
            }
            Task::none()
        }
        Message::ReconnectTick => {
            app.clock = chrono::Utc::now();
            Task::none()
        }
        Message::TypingTick => {
            let focused = app.activity.is_focused();
            if let Some(chat) = app.chat.as_mut() {
                let account = live(&mut app.accounts, &chat.account);
                conversation::typing_tick(chat, Context { account, focused });
            }
            Task::none()
        }
        Message::NotificationDone(account, with, clicked) => {
            app.notifying.remove(&(account.clone(), with.clone()));
            if clicked {
                return open_chat(app, account, with);
            }
            Task::none()
        }
        Message::ActivityTick => {
            let report = app.activity.tick(std::time::Instant::now());
            report_activity(app, report);
            Task::none()
        }
        Message::Filter(text) => {
            app.filter = text;
            Task::none()
        }
        Message::HideOffline(hide) => {
            app.config.settings.hide_offline = hide;
            save_settings(app)
        }
        Message::ShowAddContact => people::show_add_contact(app),
        Message::AddContact(m) => people::add_contact(app, m),
        Message::EditPresence(account) => people::edit_presence(app, account),
        Message::Presence(m) => people::presence(app, m),
        Message::AnswerSubscription(account, jid, accept) => {
            people::answer_subscription(app, account, jid, accept)
        }
        Message::ShowDetails(account, jid) => people::show_details(app, account, jid),
        // The devices are the last part of the details.
        Message::ShowDevices(account, jid) => people::show_details(app, account, jid)
            .chain(iced::widget::operation::snap_to_end(ids::details::SCROLL)),
        Message::Details(m) => people::details(app, m),
        Message::ShowOwnProfile(account) => people::show_own_profile(app, account),
        Message::OwnProfile(m) => people::own_profile(app, m),
        Message::UserActivity => people::used(app),
        Message::IdleTick(now) => people::idle_tick(app, now),
        Message::FileDropped(path) => people::file_dropped(app, path),
        Message::File(m) => super::files::update(app, m),
        Message::ShowJoinRoom => super::room_actions::show_join(app),
        Message::JoinRoom(m) => super::room_actions::join_dialog(app, m),
        Message::Room(m) => super::room_actions::update(app, m),
        Message::ShowSearch(all) => super::search::show(app, all),
        Message::Search(m) => super::search::update(app, m),
        Message::Resized(width) => {
            app.width = width;
            Task::none()
        }
        Message::ToggleMenu => {
            app.menu = !app.menu;
            Task::none()
        }
        Message::ShowExport(scope) => super::history::show_export(app, scope),
        Message::ShowDeleteHistory(account, with) => {
            super::history::show_delete(app, account, with)
        }
        Message::History(m) => super::history::update(app, m),
        Message::ShowBackup => super::backup::show_backup(app),
        Message::ShowRestore => super::backup::show_restore(app),
        Message::Backup(m) => super::backup::update(app, m),
        Message::AvatarLoaded(path, handle) => {
            app.avatars.loaded(path, handle);
            Task::none()
        }
    }
}

/// Writes the app settings to the config file, off the UI thread.
pub(super) fn save_settings(app: &App) -> Task<Message> {
    let profile = app.profile.clone();
    let settings = app.config.settings.clone();
    in_background(move || accounts::save_settings(&profile, settings).map(|_| ()))
}

/// Runs a small file operation off the UI thread; a failure becomes a banner.
fn in_background<E: std::fmt::Display + Send + 'static>(
    work: impl FnOnce() -> Result<(), E> + Send + 'static,
) -> Task<Message> {
    Task::perform(
        async move { tokio::task::spawn_blocking(work).await },
        |result| {
            Message::Problem(match result {
                Ok(Ok(())) => None,
                Ok(Err(e)) => Some(e.to_string()),
                Err(e) => Some(e.to_string()),
            })
        },
    )
}

fn settings(app: &mut App, message: account_settings::Message) -> Task<Message> {
    let Pane::Settings(state) = &mut app.pane else {
        return Task::none();
    };
    let id = state.account.clone();
    let (task, event) = state.update(message, &app.profile);
    let task = task.map(Message::Settings);
    match event {
        None => {}
        Some(account_settings::Event::Close) => screen::close(app),
        Some(account_settings::Event::Command(cmd)) => {
            if let Some(a) = live(&mut app.accounts, &id) {
                a.send(cmd);
            }
        }
        Some(account_settings::Event::Saved(config, restart)) => {
            let config = *config;
            if let Some(slot) = app.config.account_mut(&id) {
                *slot = config.clone();
            }
            if let Some(a) = live(&mut app.accounts, &id) {
                if restart == accounts::Restart::No {
                    a.reconfigure(config.clone());
                }
                if restart == accounts::Restart::Yes {
                    // A new generation is a new subscription: the old actor
                    // is told to close, a new one starts with the settings.
                    a.shutdown();
                    a.sender = None;
                    a.generation += 1;
                    a.connection = Default::default();
                    a.server_info = None;
                }
                a.config = config;
            }
            app.banners.retain(|b| b.account.as_deref() != Some(&id));
        }
        Some(account_settings::Event::Removed(id)) => {
            if let Some(a) = live(&mut app.accounts, &id) {
                a.shutdown();
            }
            app.accounts.retain(|a| a.id() != id);
            app.config.remove_account(&id);
            if app.only_account.as_deref() == Some(&id) {
                app.only_account = None;
            }
            // The settings pane was the removed account's.
            app.pane = Pane::Conversation;
            if app.chat.as_ref().is_some_and(|c| c.account == id) {
                app.chat = None;
            }
            app.banners.retain(|b| b.account.as_deref() != Some(&id));
        }
        Some(account_settings::Event::Move(by)) => {
            if let Some(i) = app.accounts.iter().position(|a| a.id() == id) {
                let j = (i as i64 + i64::from(by)).clamp(0, app.accounts.len() as i64 - 1) as usize;
                app.accounts.swap(i, j);
                let order: Vec<String> = app.accounts.iter().map(|a| a.id().to_owned()).collect();
                let profile = app.profile.clone();
                // The file is small; still, not on the UI thread.
                return in_background(move || {
                    accounts::reorder_accounts(&profile, &order).map(|_| ())
                });
            }
        }
        Some(account_settings::Event::EditProfile) => {
            return people::show_own_profile(app, id);
        }
        Some(account_settings::Event::Export) => {
            if let Some(a) = live(&mut app.accounts, &id) {
                let scope = super::history::account_scope(a);
                return Task::batch([task, super::history::show_export(app, scope)]);
            }
        }
        Some(account_settings::Event::OpenConsole) => {
            if let Some(a) = live(&mut app.accounts, &id) {
                a.send(AccountRequest::Console { enabled: true });
            }
            screen::show(app, Pane::Console(console::State::new(id)));
        }
    }
    task
}

fn console(app: &mut App, message: console::Message) -> Task<Message> {
    let Pane::Console(state) = &mut app.pane else {
        return Task::none();
    };
    let id = state.account.clone();
    match state.update(message) {
        None => {}
        Some(console::Event::Send(xml)) => {
            if let Some(a) = live(&mut app.accounts, &id) {
                a.send(AccountRequest::SendRaw { xml });
            }
        }
        Some(console::Event::Clear) => {
            if let Some(a) = live(&mut app.accounts, &id) {
                a.console.clear();
            }
        }
        Some(console::Event::Close) => screen::close(app),
    }
    Task::none()
}

/// Tells every account whether the user is looking (XEP-0352).
fn report_activity(app: &mut App, active: Option<bool>) {
    let Some(active) = active else { return };
    for a in &app.accounts {
        if let Account::Ok(l) = a {
            l.send(AccountRequest::ClientState { active });
        }
    }
}

fn entry_id(e: &AccountEntry) -> &str {
    match e {
        AccountEntry::Ok(a) => &a.id,
        AccountEntry::Broken(b) => &b.id,
    }
}

pub(super) fn live<'a>(accounts: &'a mut [Account], id: &str) -> Option<&'a mut LiveAccount> {
    accounts.iter_mut().find_map(|a| match a {
        Account::Ok(l) if l.config.id == id => Some(l.as_mut()),
        _ => None,
    })
}

fn actor(app: &mut App, output: ActorOutput) -> Task<Message> {
    match output {
        ActorOutput::Ready(id, sender) => {
            if let Some(a) = live(&mut app.accounts, &id) {
                let _ = sender.send(AccountRequest::Roster.into());
                let _ = sender.send(AccountRequest::Conversations.into());
                // Room names and notification modes (from the store).
                let _ = sender.send(AccountRequest::Rooms.into());
                if !app.activity.is_active() {
                    let _ = sender.send(AccountRequest::ClientState { active: false }.into());
                }
                // A new actor starts "available": tell it what to show.
                let presence = people::effective_presence(&app.auto_away, a);
                if presence != Default::default() {
                    let _ = sender.send(AccountRequest::SetPresence(presence).into());
                }
                a.sender = Some(sender);
                // Re-request the open chat of this account (actor restarted).
                if let Some(chat) = app.chat.as_mut().filter(|c| c.account == id) {
                    chat.loading = crate::ui::conversation::Loading::Newest;
                    a.send(AccountRequest::History {
                        with: chat.with.clone(),
                        limit: PAGE,
                        before: None,
                        after: None,
                    });
                }
            }
        }
        ActorOutput::Stopped(id) => {
            if let Some(a) = live(&mut app.accounts, &id) {
                a.sender = None;
                a.connection.state = Some(ConnState::Offline);
                // Its transfers stopped with it (a new actor reports them again).
                a.transfers.clear();
            }
            return Task::batch([
                super::quit::account_stopped(app),
                super::backup::account_stopped(app),
            ]);
        }
        ActorOutput::Batch(id, events) => {
            let tasks: Vec<_> = events
                .into_iter()
                .map(|e| actor(app, ActorOutput::Event(id.clone(), Box::new(e))))
                .collect();
            return Task::batch(tasks);
        }
        ActorOutput::Event(id, event) => {
            // Search answers go to the search panel, not the models.
            let event = match *event {
                Event::SearchResults {
                    query, messages, ..
                } => {
                    super::search::answer(app, &id, &query, messages);
                    return Task::none();
                }
                other => Box::new(other),
            };
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
            if is_state {
                // A countdown starts from now.
                app.clock = chrono::Utc::now();
            }
            let has_pictures = matches!(
                *event,
                Event::Roster { .. } | Event::Avatar { .. } | Event::Profile { .. }
            );
            if let Pane::OwnProfile(form) = &mut app.pane
                && form.account == id
            {
                match &*event {
                    Event::Profile { profile, .. } if profile.jid == form.jid => {
                        form.fill(profile);
                        form.confirm();
                    }
                    Event::Avatar { jid, .. } if *jid == form.jid => form.confirm(),
                    _ => {}
                }
            }
            let joined = match &*event {
                Event::RoomJoined { room, .. } => Some(room.clone()),
                _ => None,
            };
            let failed = match &*event {
                Event::MucError { room, .. } => Some(room.clone()),
                _ => None,
            };
            super::history::forget_in_search(&mut app.search, &app.config, &id, &event);
            let chat = app.chat.as_mut().filter(|c| c.account == id);
            let applied = model::apply_event(account, chat, *event);
            let pictures = if has_pictures {
                app.avatars
                    .load(account.avatar_paths(), Message::AvatarLoaded)
            } else {
                Task::none()
            };
            let pictures = Task::batch([pictures, super::files::load_previews(app)]);
            let Some(account) = live(&mut app.accounts, &id) else {
                return pictures;
            };
            if came_online {
                account.send(AccountRequest::Roster);
                account.send(AccountRequest::Conversations);
                account.send(AccountRequest::Rooms);
            }
            let mut open = None;
            if let Some(room) = joined {
                // A new room is listed (conversations) with its bookmark's
                // name (rooms).
                if !account.conversations.iter().any(|c| c.with == room) {
                    account.send(AccountRequest::Conversations);
                }
                account.send(AccountRequest::Rooms);
                if app.opening_room.as_ref() == Some(&(id.clone(), room.clone())) {
                    app.opening_room = None;
                    open = Some(room);
                }
            }
            if failed.is_some_and(|r| app.opening_room.as_ref() == Some(&(id.clone(), r))) {
                app.opening_room = None;
            }
            let focused = app.activity.is_focused();
            if let Some(incoming) = applied.incoming.as_ref()
                && let Some(chat) = app.chat.as_mut().filter(|c| c.is(&id, &incoming.with))
            {
                // Seen only when the window is focused and the list shows
                // its newest end; else it waits (and gets the "new" line).
                if focused && chat.at_bottom {
                    account.send(AccountRequest::MarkRead {
                        with: incoming.with.clone(),
                    });
                } else {
                    chat.unseen = true;
                    chat.first_unread.get_or_insert(incoming.seq);
                }
            }
            let notice = applied
                .incoming
                .as_ref()
                .and_then(|m| notice_for(account, app.chat.as_ref(), focused, m))
                .or_else(|| {
                    let offer = applied.offer.as_ref()?;
                    offer_notice(account, app.chat.as_ref(), focused, offer)
                });
            if is_state {
                // A new state replaces the account's old connection banner.
                app.banners.retain(|b| b.account.as_deref() != Some(&id));
            }
            if let Some(text) = applied.banner {
                let banner = Banner::error(Some(id.clone()), text);
                if !app.banners.contains(&banner) {
                    app.banners.push(banner);
                }
            }
            if let Some(text) = applied.notice {
                app.banners.push(Banner::info(Some(id.clone()), text));
            }
            if let Some(notice) = notice
                && app
                    .notifying
                    .insert((notice.account.clone(), notice.with.clone()))
            {
                let (account, with) = (notice.account.clone(), notice.with.clone());
                let shown = Task::perform(notify::show(notice), move |outcome| {
                    let clicked = outcome == notify::Outcome::Clicked;
                    Message::NotificationDone(account.clone(), with.clone(), clicked)
                });
                let opened = open.map_or(Task::none(), |room| open_chat(app, id, room));
                return Task::batch([pictures, shown, opened]);
            }
            let opened = open.map_or(Task::none(), |room| open_chat(app, id, room));
            return Task::batch([pictures, opened]);
        }
    }
    Task::none()
}

/// How old a message may be to still be news (archive catch-ups bring
/// older ones, which the sidebar's unread count covers).
const NOTIFY_WITHIN: chrono::TimeDelta = chrono::TimeDelta::minutes(5);

/// The desktop notification for a new incoming message, if one is due:
/// not for a conversation the user is looking at, muted ones, accounts
/// with notifications off, or old messages from the archive.
pub(super) fn notice_for(
    account: &LiveAccount,
    chat: Option<&conversation::State>,
    focused: bool,
    m: &crate::api::MessageRecord,
) -> Option<notify::Notice> {
    if chrono::Utc::now() - m.timestamp > NOTIFY_WITHIN {
        return None;
    }
    // An offer's own event follows and tells more (size, stranger).
    if m.direction == crate::api::Direction::In
        && m.file
            .as_ref()
            .is_some_and(|f| f.transfer == crate::api::TransferState::Offered)
    {
        return None;
    }
    let id = &account.config.id;
    // Rooms without a `rooms` answer yet have the core's default mode.
    let room = account.is_room(&m.with).then(|| {
        let mode = account.rooms.get(&m.with).map(|r| r.notify);
        (mode.unwrap_or_default(), m.mention)
    });
    let policy = policy(account, chat, focused, &m.with, room);
    let name = if room.is_some() {
        crate::fl!(
            "notify-room-title",
            nick = super::rooms::sender_nick(&m.sender).to_owned(),
            room = super::rooms::room_name(&m.with, account.rooms.get(&m.with))
        )
    } else {
        let contact = account.roster.iter().find(|c| c.jid == m.with);
        super::format::display_name(&m.with, contact.and_then(|c| c.name.as_deref()))
    };
    // A file message's body is its URL: name the file instead.
    let body = m.file.as_ref().map_or(m.body.as_str(), |f| f.name.as_str());
    notify::notice_for(policy, id, &m.with, &name, body)
}

/// What the account's switches and the conversation's mute allow for a
/// notification from `with`.
fn policy(
    account: &LiveAccount,
    chat: Option<&conversation::State>,
    focused: bool,
    with: &str,
    room: Option<(crate::api::NotifyMode, bool)>,
) -> notify::Policy {
    notify::Policy {
        account_notifications: account.config.switches.notifications,
        show_text: account.config.switches.notification_text,
        conversation_muted: account
            .conversations
            .iter()
            .any(|c| c.with == with && c.muted),
        conversation_visible: focused && chat.is_some_and(|c| c.is(&account.config.id, with)),
        room,
    }
}

/// The desktop notification for a file offered to us directly, under the
/// same rules as a new message; a stranger is named by the full address.
pub(super) fn offer_notice(
    account: &LiveAccount,
    chat: Option<&conversation::State>,
    focused: bool,
    offer: &super::files::Offer,
) -> Option<notify::Notice> {
    let policy = policy(account, chat, focused, &offer.with, None);
    let name = if offer.contact {
        let contact = account.roster.iter().find(|c| c.jid == offer.with);
        super::format::display_name(&offer.with, contact.and_then(|c| c.name.as_deref()))
    } else {
        offer.with.clone()
    };
    let size = super::files::size_text(offer.size);
    let body = if offer.contact {
        crate::fl!("notify-file-offer", name = offer.name.as_str(), size = size)
    } else {
        crate::fl!(
            "notify-file-offer-stranger",
            name = offer.name.as_str(),
            size = size
        )
    };
    notify::notice_for(policy, &account.config.id, &offer.with, &name, &body)
}

fn open_chat(app: &mut App, account: String, with: String) -> Task<Message> {
    start_chat(app, account, with, None)
}

/// Opens the conversation of `message` at that message (a search result):
/// the page before it is read, newer pages follow while scrolling down, and
/// the list offers a way back to the newest end.
pub(super) fn open_chat_at(
    app: &mut App,
    account: String,
    message: crate::api::MessageRecord,
) -> Task<Message> {
    let with = message.with.clone();
    start_chat(app, account, with, Some(message))
}

fn start_chat(
    app: &mut App,
    account: String,
    with: String,
    at: Option<crate::api::MessageRecord>,
) -> Task<Message> {
    // A conversation replaces the settings screen and the console; the
    // details and our own profile stay open over it.
    if matches!(app.pane, Pane::Settings(_) | Pane::Console(_)) {
        screen::close(app);
    }
    let same = app.chat.as_ref().is_some_and(|c| c.is(&account, &with));
    if same && at.is_none() {
        return iced::widget::operation::focus(ids::COMPOSER);
    }
    if let Some(a) = live(&mut app.accounts, &account) {
        a.send(AccountRequest::History {
            with: with.clone(),
            limit: PAGE,
            before: at.as_ref().map(|m| m.seq),
            after: None,
        });
        a.send(AccountRequest::MarkRead { with: with.clone() });
        // The contact's OMEMO devices, for the banner of an undecided one.
        if !with.contains('/') {
            if !a.rooms.contains_key(&with) {
                a.send(AccountRequest::Devices { jid: with.clone() });
            }
            // Whether what we write is encrypted (the composer's switch).
            a.send(AccountRequest::Encryption {
                with: with.clone(),
                enabled: None,
            });
        }
        if let Some(c) = a.conversations.iter_mut().find(|c| c.with == with) {
            c.unread = 0;
        }
        if let Some(r) = a.rooms.get_mut(&with) {
            r.mentioned = false;
        }
    }
    let mut chat = match at {
        Some(m) => conversation::State::at(account, m),
        None => conversation::State::new(account, with),
    };
    if same && let Some(old) = app.chat.take() {
        // Jumping within the open conversation keeps what is being written.
        chat.keep_composer(old);
    }
    app.chat = Some(chat);
    iced::widget::operation::focus(ids::COMPOSER)
}
