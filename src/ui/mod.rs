//! The iced GUI: a sidebar with every account's contacts and conversations,
//! the open conversation on the right, an add-account dialog.
//!
//! Elm style: [`App`] is the state, [`Message`] the input, `update` the only
//! place that changes state, `view` a pure function of it. The account actors
//! run as one [`Subscription`] each (see [`actor`]); the GUI never blocks on
//! I/O and keeps only view models built from the actors' events.

mod account_settings;
mod activity;
mod actor;
mod add_account;
mod add_contact;
mod avatar;
mod backup;
#[doc(hidden)]
pub mod bench;
mod blocklist;
mod console;
mod contact_details;
mod conversation;
mod demo;
mod devices;
mod files;
mod form;
pub(crate) mod format;
mod history;
mod icons;
mod ids;
mod join_room;
mod lock;
mod model;
mod own_profile;
mod paste;
mod people;
mod presence_picker;
mod quit;
mod room_actions;
mod room_view;
mod rooms;
mod screen;
mod search;
mod sidebar;
mod style;
mod typing;
pub(crate) mod update;

#[cfg(test)]
mod tests;

use iced::widget::{button, column, container, row, rule, text};
use iced::{Alignment, Element, Length, Subscription, Task, Theme};

use crate::api::AccountId;
use crate::config::{Config, ThemeChoice};
use crate::fl;
use crate::profile::Profile;

pub use actor::{ActorKey, ActorOutput};
/// The conversation's messages, under the name they had before it became
/// its own module.
pub use conversation::Message as ChatMessage;
use model::Account;
use screen::{Dialog, Pane};

/// Starts the GUI and blocks until its window is closed.
///
/// `startup_error` (e.g. an unreadable config file) is shown as a banner.
pub fn run(profile: Profile, config: Config, startup_error: Option<String>) -> iced::Result {
    let boot = move || App::new(profile.clone(), config.clone(), startup_error.clone());
    launch(boot)
}

/// Opens the main window with the app that `boot` builds.
fn launch(boot: impl iced::application::BootFn<App, Message> + 'static) -> iced::Result {
    iced::application(boot, App::update, App::view)
        .title(App::title)
        .theme(App::theme)
        .subscription(App::subscription)
        // Closing lets the accounts say goodbye first (quit.rs).
        .exit_on_close_request(false)
        .window(window_settings())
        .run()
}

/// The width the window opens with.
const WINDOW_WIDTH: f32 = 1100.0;

/// Window size, position and the application id that desktop files and
/// docks match the window by (Wayland app id, X11 WM_CLASS).
fn window_settings() -> iced::window::Settings {
    iced::window::Settings {
        size: iced::Size::new(WINDOW_WIDTH, 720.0),
        position: iced::window::Position::Centered,
        #[cfg(target_os = "linux")]
        platform_specific: iced::window::settings::PlatformSpecific {
            application_id: "org.plausch.Plausch".into(),
            ..Default::default()
        },
        ..Default::default()
    }
}

/// Like [`run`], but fills the first accounts with sample contacts,
/// messages and a group (for screenshots and the `gui_preview` example);
/// `open_room` opens the group instead of the chat with Bob.
#[doc(hidden)]
pub fn run_demo(
    profile: Profile,
    config: Config,
    startup_error: Option<String>,
    open_room: bool,
) -> iced::Result {
    let boot = move || {
        let mut app = App::new(profile.clone(), config.clone(), startup_error.clone());
        app.connect = false;
        let mut ids = app.accounts.iter().filter_map(|a| match a {
            Account::Ok(l) => Some(l.config.id.clone()),
            Account::Broken(_) => None,
        });
        let task = match ids.next() {
            Some(first) => {
                // The sample pictures are drawn into the profile.
                if let Err(e) = std::fs::create_dir_all(profile.root()) {
                    tracing::warn!("demo profile not created: {e}");
                }
                let second = ids.next();
                let (mut events, with) = demo::events(&first, second.as_deref(), profile.root());
                events.extend(demo::avatars(&first, profile.root()));
                events.extend(demo::room(&first));
                events.extend(demo::omemo(&first));
                events.extend(demo::catching_up(&first));
                if let Some(third) = ids.next() {
                    events.extend(demo::reconnecting(&third));
                }
                let with = if open_room {
                    demo::ROOM.to_owned()
                } else {
                    with
                };
                app.demo_messages = demo::messages(&events);
                let open = update::update(&mut app, Message::OpenChat(first, with));
                let mut tasks = vec![open];
                for (id, event) in events {
                    tasks.push(update::update(
                        &mut app,
                        Message::Actor(ActorOutput::Event(id, Box::new(event))),
                    ));
                }
                Task::batch(tasks)
            }
            None => Task::none(),
        };
        (app, task)
    };
    launch(boot)
}

/// A message shown above the conversation until dismissed.
#[derive(Debug, Clone, PartialEq)]
pub struct Banner {
    pub account: Option<AccountId>,
    pub text: String,
    /// A result to know about (an export, a backup, a deletion), not a
    /// problem: shown in a calmer colour.
    pub info: bool,
}

impl Banner {
    /// A problem (of `account`, or of the app).
    pub fn error(account: Option<AccountId>, text: String) -> Self {
        Banner {
            account,
            text,
            info: false,
        }
    }

    /// A result the user asked for.
    pub fn info(account: Option<AccountId>, text: String) -> Self {
        Banner {
            account,
            text,
            info: true,
        }
    }
}

/// The whole GUI state.
pub struct App {
    profile: Profile,
    config: Config,
    accounts: Vec<Account>,
    chat: Option<conversation::State>,
    /// What the right side shows (the conversation unless another pane
    /// is open).
    pane: Pane,
    /// The modal dialog, when open.
    dialog: Option<Dialog>,
    banners: Vec<Banner>,
    /// Start the account actors (off for the demo).
    connect: bool,
    activity: activity::Activity,
    /// The sidebar shows only this account.
    only_account: Option<AccountId>,
    /// Conversations with a desktop notification still up: one at a time
    /// each (a waiting notification holds a thread on Linux).
    notifying: std::collections::HashSet<(AccountId, String)>,
    /// The sidebar's search text.
    filter: String,
    /// The presence editor (one account or all), when open. Part of the
    /// sidebar, so it may be open with any pane or dialog.
    presence_editor: Option<presence_picker::State>,
    /// Automatic away while the app is not used.
    auto_away: crate::idle::AutoAway,
    /// Decoded avatar thumbnails.
    avatars: avatar::Cache,
    /// The app is closing: accounts are saying goodbye.
    quitting: bool,
    /// A pasted picture waiting for Send or Discard.
    pasted: Option<paste::Pasted>,
    /// A room the user asked to join: it opens once joined.
    opening_room: Option<(AccountId, String)>,
    /// The search panel, when open.
    search: Option<search::State>,
    /// The demo's messages, searched in place of the (absent) actors.
    demo_messages: Vec<(AccountId, crate::api::MessageRecord)>,
    /// The app menu under the sidebar (backup, export, restore) is open.
    menu: bool,
    /// A backup to restore once the running accounts have stopped.
    restoring: Option<std::path::PathBuf>,
    /// The window's width (the search panel takes the sidebar's place in a
    /// narrow window).
    width: f32,
    /// The time the view counts down from ("Reconnecting in 12 s"): set by
    /// each state event and, while an account waits, each second.
    clock: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone)]
pub enum Message {
    Actor(ActorOutput),
    OpenChat(AccountId, String),
    Chat(ChatMessage),
    Reconnect(AccountId),
    ShowAddAccount,
    Dialog(add_account::Message),
    DismissBanner(usize),
    ShowSettings(AccountId),
    /// Show one account in the sidebar, or all (None).
    ShowAccounts(Option<AccountId>),
    /// A background task's failure to show (None: it went fine).
    Problem(Option<String>),
    Settings(account_settings::Message),
    Console(console::Message),
    /// The main window gained (true) or lost the focus.
    WindowFocus(bool),
    /// Periodic check whether the accounts should go inactive.
    ActivityTick,
    /// Periodic check whether the user stopped typing.
    TypingTick,
    /// A second passed while an account waits to reconnect (the countdown).
    ReconnectTick,
    /// A desktop notification for (account, conversation) ended; `true` if
    /// the user clicked it.
    NotificationDone(AccountId, String, bool),
    /// The sidebar's search text changed.
    Filter(String),
    HideOffline(bool),
    ShowAddContact,
    AddContact(add_contact::Message),
    /// Open (or close) the presence editor of an account, or of all (None).
    EditPresence(Option<AccountId>),
    Presence(presence_picker::Message),
    /// Accept (true) or deny someone's request to see our presence.
    AnswerSubscription(AccountId, String, bool),
    ShowDetails(AccountId, String),
    /// The details scrolled to the contact's OMEMO devices.
    ShowDevices(AccountId, String),
    Details(contact_details::Message),
    ShowOwnProfile(AccountId),
    OwnProfile(own_profile::Message),
    /// A key, click or scroll: the user is here (automatic away).
    UserActivity,
    /// Periodic idle check, with the time it fired.
    IdleTick(std::time::Instant),
    /// A file was dropped on the window.
    FileDropped(std::path::PathBuf),
    /// The attach button, file cards and their transfers.
    File(files::FileMessage),
    /// An avatar thumbnail or file preview was decoded (None: unusable).
    AvatarLoaded(String, Option<iced::widget::image::Handle>),
    /// Close the app (window closed, termination signal).
    Quit,
    /// Open the join/create group dialog.
    ShowJoinRoom,
    JoinRoom(join_room::Message),
    /// The open room's pane, @-completion, invitations.
    Room(room_actions::RoomMessage),
    /// Open the search panel: in the open conversation (false) or in all
    /// (true).
    ShowSearch(bool),
    Search(search::Message),
    /// The window's new width.
    Resized(f32),
    /// Open or close the app menu under the sidebar.
    ToggleMenu,
    /// The export dialog for a conversation, an account or everything.
    ShowExport(history::Scope),
    /// Ask whether to delete the history of (account, conversation) here.
    ShowDeleteHistory(AccountId, String),
    History(history::Message),
    ShowBackup,
    ShowRestore,
    Backup(backup::Message),
}

impl App {
    fn new(profile: Profile, config: Config, startup_error: Option<String>) -> Self {
        let accounts = model::accounts_from(&config);
        let auto_away = crate::idle::AutoAway::from_minutes(
            config.settings.away_after_minutes,
            config.settings.xa_after_minutes,
            std::time::Instant::now(),
            chrono::Utc::now(),
        );
        let banners = startup_error
            .map(|text| Banner::error(None, text))
            .into_iter()
            .collect();
        App {
            profile,
            config,
            accounts,
            chat: None,
            pane: Pane::Conversation,
            dialog: None,
            banners,
            connect: true,
            activity: activity::Activity::new(std::time::Instant::now()),
            only_account: None,
            notifying: Default::default(),
            filter: String::new(),
            presence_editor: None,
            auto_away,
            avatars: avatar::Cache::default(),
            quitting: false,
            pasted: None,
            opening_room: None,
            search: None,
            demo_messages: Vec::new(),
            menu: false,
            restoring: None,
            width: WINDOW_WIDTH,
            clock: chrono::Utc::now(),
        }
    }

    /// Some account waits to reconnect: the sidebar counts down.
    fn counting_down(&self) -> bool {
        self.accounts.iter().any(|a| match a {
            Account::Ok(l) => l.config.enabled && l.connection.counting_down(self.clock),
            Account::Broken(_) => false,
        })
    }

    /// The account a new dialog (contact, group) preselects: the one the
    /// sidebar shows alone, else the open conversation's.
    fn preferred_account(&self) -> Option<&str> {
        self.only_account
            .as_deref()
            .or(self.chat.as_ref().map(|c| c.account.as_str()))
    }

    /// The accounts a new dialog (contact, group) offers: the enabled ones.
    fn account_choices(&self) -> Vec<form::AccountChoice> {
        self.accounts
            .iter()
            .filter_map(|a| match a {
                Account::Ok(l) if l.config.enabled => Some(form::AccountChoice {
                    id: l.config.id.clone(),
                    label: l.label().to_owned(),
                    jid: l.config.jid.clone(),
                }),
                _ => None,
            })
            .collect()
    }

    fn title(&self) -> String {
        let unread = self
            .accounts
            .iter()
            .map(|a| match a {
                Account::Ok(l) => l.unread(),
                Account::Broken(_) => 0,
            })
            .sum();
        format::window_title(unread)
    }

    fn theme(&self) -> Option<Theme> {
        // `None` lets iced follow the OS light/dark preference.
        match self.config.settings.theme {
            ThemeChoice::System => None,
            ThemeChoice::Light => Some(Theme::Light),
            ThemeChoice::Dark => Some(Theme::Dark),
        }
    }

    fn subscription(&self) -> Subscription<Message> {
        let focus = iced::event::listen_with(app_event);
        // Only while an account waits: an idle app does not wake up.
        let countdown = if self.counting_down() {
            iced::time::every(std::time::Duration::from_secs(1)).map(|_| Message::ReconnectTick)
        } else {
            Subscription::none()
        };
        if !self.connect {
            // The demo: no accounts to run, but the window's events (drop,
            // paste) work as in the real app.
            return Subscription::batch([quit::requests(), focus, countdown]);
        }
        let idle = if self.auto_away.needs_ticks() {
            iced::time::every(crate::idle::CHECK_EVERY).map(Message::IdleTick)
        } else {
            Subscription::none()
        };
        let tick = if self.activity.waiting() {
            // Once, when the wait is over (the subscription starts when the
            // window loses the focus and ends when it is reported).
            iced::time::every(activity::INACTIVE_AFTER).map(|_| Message::ActivityTick)
        } else {
            Subscription::none()
        };
        let typing = if self.chat.as_ref().is_some_and(|c| c.typing.composing()) {
            iced::time::every(std::time::Duration::from_secs(1)).map(|_| Message::TypingTick)
        } else {
            Subscription::none()
        };
        let actors = self.accounts.iter().filter_map(|a| match a {
            Account::Ok(live) if live.config.enabled => {
                // iced asks for the subscriptions after every update: no
                // file system here (the actor creates its directory).
                let dir = self.profile.account_dir(&live.config.id);
                Some(
                    actor::subscription(live.config.clone(), dir, live.generation)
                        .map(Message::Actor),
                )
            }
            _ => None,
        });
        Subscription::batch(actors.chain([focus, tick, typing, idle, countdown, quit::requests()]))
    }

    fn update(&mut self, message: Message) -> Task<Message> {
        update::update(self, message)
    }

    fn view(&self) -> Element<'_, Message> {
        let live = |id: &str| {
            self.accounts.iter().find_map(|a| match a {
                Account::Ok(l) if l.config.id == id => Some(l.as_ref()),
                _ => None,
            })
        };
        // A pane whose account is gone (removed) shows the conversation.
        let pane = self
            .pane
            .account()
            .and_then(live)
            .and_then(|account| self.pane.view(account, &self.avatars));
        let main: Element<'_, Message> = if let Some(pane) = pane {
            pane
        } else if let Some(chat) = &self.chat {
            conversation::view(
                &self.accounts,
                chat,
                &self.avatars,
                self.pasted
                    .as_ref()
                    .filter(|p| chat.is(&p.account, &p.with)),
            )
        } else {
            conversation::welcome(!self.accounts.is_empty())
        };
        let invitations = self.accounts.iter().flat_map(|a| match a {
            Account::Ok(l) => l
                .invitations
                .iter()
                .map(|i| room_view::invitation(&l.config.id, i))
                .collect(),
            Account::Broken(_) => Vec::new(),
        });
        let right = column(invitations)
            .extend(self.banners.iter().enumerate().map(banner))
            .push(main)
            .width(Length::Fill)
            .height(Length::Fill);
        let search = self
            .search
            .as_ref()
            .map(|s| row![rule::vertical(1), search::view(s, &self.accounts)]);
        // In a narrow window the search panel takes the sidebar's place
        // (its results open conversations too), so the conversation keeps
        // a width to read and write in.
        let sidebar = (search.is_none() || search::beside_sidebar(self.width)).then(|| {
            row![
                sidebar::view(
                    &self.accounts,
                    sidebar::View {
                        chat: self.chat.as_ref(),
                        only: self.only_account.as_deref(),
                        filter: &self.filter,
                        hide_offline: self.config.settings.hide_offline,
                        presence: self.presence_editor.as_ref(),
                        avatars: &self.avatars,
                        menu: self.menu,
                        now: self.clock,
                    }
                ),
                rule::vertical(1)
            ]
        });
        let base = row![].push(sidebar).push(right).push(search);

        screen::with_dialog(base.into(), self.dialog.as_ref())
    }
}

fn banner((i, b): (usize, &Banner)) -> Element<'_, Message> {
    let dismiss = container(
        button(text(fl!("banner-dismiss")).size(12))
            .padding([3, 10])
            .style(button::text)
            .on_press(Message::DismissBanner(i)),
    )
    .id(format!("{}-{i}", ids::BANNER_DISMISS));
    let inner = container(
        row![
            text(if b.info { "✓" } else { "⚠" }).size(16),
            text(&b.text)
                .size(13)
                .width(Length::Fill)
                .wrapping(text::Wrapping::WordOrGlyph),
            dismiss
        ]
        .spacing(10)
        .align_y(Alignment::Center),
    )
    .padding([6, 14])
    .width(Length::Fill)
    .style(if b.info {
        style::banner_info
    } else {
        style::banner_error
    });
    container(inner).padding([8, 16]).into()
}

/// The window and input events the app listens to besides its widgets.
fn app_event(
    event: iced::Event,
    _status: iced::event::Status,
    _window: iced::window::Id,
) -> Option<Message> {
    match event {
        iced::Event::Window(iced::window::Event::Focused) => Some(Message::WindowFocus(true)),
        iced::Event::Window(iced::window::Event::Unfocused) => Some(Message::WindowFocus(false)),
        iced::Event::Window(iced::window::Event::FileDropped(path)) => {
            Some(Message::FileDropped(path))
        }
        iced::Event::Window(iced::window::Event::Resized(size)) => {
            Some(Message::Resized(size.width))
        }
        // Ctrl+V / ⌘V (any keyboard layout): maybe a picture to send.
        iced::Event::Keyboard(iced::keyboard::Event::KeyPressed {
            key,
            physical_key,
            modifiers,
            ..
        }) if modifiers.command() && key.to_latin(physical_key) == Some('v') => {
            Some(Message::File(files::FileMessage::Paste))
        }
        // Ctrl+F: search this conversation; Ctrl+Shift+F: everywhere.
        iced::Event::Keyboard(iced::keyboard::Event::KeyPressed {
            key,
            physical_key,
            modifiers,
            ..
        }) if modifiers.command()
            && key.to_latin(physical_key).map(|c| c.to_ascii_lowercase()) == Some('f') =>
        {
            Some(Message::ShowSearch(modifiers.shift()))
        }
        iced::Event::Keyboard(iced::keyboard::Event::KeyPressed {
            key: iced::keyboard::Key::Named(iced::keyboard::key::Named::Escape),
            ..
        }) => Some(Message::Search(search::Message::Close)),
        // Use of the app, for automatic away. Not mouse moves: they
        // come by the dozen and a hand resting on the mouse moves it.
        iced::Event::Keyboard(iced::keyboard::Event::KeyPressed { .. })
        | iced::Event::Mouse(iced::mouse::Event::ButtonPressed(_))
        | iced::Event::Mouse(iced::mouse::Event::WheelScrolled { .. }) => {
            Some(Message::UserActivity)
        }
        _ => None,
    }
}
