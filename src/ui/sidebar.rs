//! The left sidebar: accounts with their state, contacts and conversations.

use iced::widget::{
    button, checkbox, column, container, row, scrollable, space, text, text_input, tooltip,
};
use iced::{Alignment, Element, Font, Length, font};

use super::conversation;
use super::format::{self, RowFilter, SidebarRow};
use super::model::{Account, LiveAccount};
use super::{Message, avatar, ids, presence_picker, style};
use crate::api::ConnState;
use crate::config::BrokenAccount;
use crate::fl;

pub const BOLD: Font = Font {
    weight: font::Weight::Bold,
    ..Font::DEFAULT
};

/// What the sidebar shows besides the accounts.
#[derive(Clone, Copy)]
pub struct View<'a> {
    pub chat: Option<&'a conversation::State>,
    /// Show just this account (the others stay connected).
    pub only: Option<&'a str>,
    /// The search text.
    pub filter: &'a str,
    pub hide_offline: bool,
    /// The open presence editor (for one account, or all).
    pub presence: Option<&'a presence_picker::State>,
    pub avatars: &'a avatar::Cache,
    /// The app menu (backup, export, restore) is open.
    pub menu: bool,
    /// The time the reconnect countdown is shown for.
    pub now: chrono::DateTime<chrono::Utc>,
}

pub fn view<'a>(accounts: &'a [Account], v: View<'a>) -> Element<'a, Message> {
    let shown = accounts
        .iter()
        .filter(|a| v.only.is_none_or(|id| a.id() == id));
    let sections = column(shown.map(|a| match a {
        Account::Ok(live) => live_section(live, v),
        Account::Broken(b) => broken_section(b),
    }))
    .spacing(18)
    .padding([12, 10]);

    let add = container(
        button(text(fl!("add-account-button")).width(Length::Fill).center())
            .on_press(Message::ShowAddAccount)
            .padding([8, 12])
            .width(Length::Fill)
            .style(button::secondary),
    )
    .id(ids::ADD_ACCOUNT);
    let menu_button = tooltip(
        container(
            button(text("⋯").size(16).center())
                .on_press(Message::ToggleMenu)
                .padding([6, 12])
                .style(if v.menu {
                    button::primary
                } else {
                    button::secondary
                }),
        )
        .id(ids::backup::MENU),
        container(text(fl!("app-menu-tooltip")).size(12))
            .padding([2, 6])
            .style(container::rounded_box),
        tooltip::Position::Top,
    );
    let mut footer = column![].spacing(8).padding(10);
    if v.menu {
        footer = footer.push(app_menu(accounts));
    }
    let footer = footer.push(row![add, menu_button].spacing(6).align_y(Alignment::Center));

    let mut top = column![container(text(fl!("app-name")).size(20).font(BOLD)).padding([14, 20])];
    if accounts.len() > 1 {
        top = top.push(filter_row(accounts, v.only));
    }
    top = top.push(tools(accounts, v));
    container(column![
        top,
        scrollable(sections).height(Length::Fill).id(ids::SIDEBAR),
        footer,
    ])
    .width(style::SIDEBAR_WIDTH)
    .height(Length::Fill)
    .style(style::sidebar)
    .into()
}

/// The app menu: back up, export everything, restore.
fn app_menu(accounts: &[Account]) -> Element<'_, Message> {
    let item = |label: String, message: Option<Message>, id: &'static str| {
        container(
            button(text(label).size(13))
                .width(Length::Fill)
                .padding([6, 10])
                .style(button::text)
                .on_press_maybe(message),
        )
        .id(id)
    };
    let any_live = accounts.iter().any(|a| matches!(a, Account::Ok(_)));
    container(
        column![
            item(
                fl!("app-menu-backup"),
                Some(Message::ShowBackup),
                ids::backup::BACKUP
            ),
            item(
                fl!("app-menu-export-all"),
                any_live.then_some(Message::ShowExport(super::history::Scope::All)),
                ids::backup::EXPORT_ALL
            ),
            item(
                fl!("app-menu-restore"),
                Some(Message::ShowRestore),
                ids::backup::RESTORE
            ),
        ]
        .spacing(2),
    )
    .padding(4)
    .width(Length::Fill)
    .style(style::dialog)
    .into()
}

/// "All" and one chip per account: show everything or one account.
fn filter_row<'a>(accounts: &'a [Account], only: Option<&'a str>) -> Element<'a, Message> {
    let chip = |content: Element<'a, Message>, selected: bool, id: String, msg: Message| {
        container(
            button(content)
                .padding([3, 8])
                .style(style::row_button(selected))
                .on_press(msg),
        )
        .id(id)
        .into()
    };
    let mut chips: Vec<Element<'a, Message>> = vec![chip(
        text(fl!("accounts-all")).size(12).into(),
        only.is_none(),
        ids::ACCOUNT_FILTER_ALL.into(),
        Message::ShowAccounts(None),
    )];
    for a in accounts {
        let (label, color) = match a {
            Account::Ok(l) => (
                l.label(),
                format::account_color(l.config.color.as_deref(), &l.config.id),
            ),
            Account::Broken(b) => (b.id.as_str(), iced::Color::from_rgb(0.6, 0.6, 0.6)),
        };
        chips.push(chip(
            row![dot(color, 8.0), text(label).size(12)]
                .spacing(5)
                .align_y(Alignment::Center)
                .into(),
            only == Some(a.id()),
            ids::account_filter(a.id()),
            Message::ShowAccounts(Some(a.id().to_owned())),
        ));
    }
    container(iced::widget::row(chips).spacing(4).wrap())
        .padding([0, 14])
        .into()
}

/// Search, "hide offline", "add contact" and (several accounts) "status for
/// all"; the all-accounts presence editor when open.
fn tools<'a>(accounts: &'a [Account], v: View<'a>) -> Element<'a, Message> {
    let search = text_input(&fl!("sidebar-filter-placeholder"), v.filter)
        .id(ids::SIDEBAR_FILTER)
        .on_input(Message::Filter)
        .padding([5, 8])
        .size(13);
    let live_accounts = accounts
        .iter()
        .filter(|a| matches!(a, Account::Ok(_)))
        .count();
    let mut col = column![search].spacing(6);
    if live_accounts > 0 {
        col = col.push(
            row![
                container(
                    button(text(fl!("add-contact-button")).size(12))
                        .padding([3, 8])
                        .style(button::secondary)
                        .on_press(Message::ShowAddContact)
                )
                .id(ids::ADD_CONTACT),
                tooltip(
                    container(
                        button(text(fl!("join-room-button")).size(12))
                            .padding([3, 8])
                            .style(button::secondary)
                            .on_press(Message::ShowJoinRoom)
                    )
                    .id(ids::JOIN_ROOM),
                    container(text(fl!("join-room-button-tooltip")).size(12))
                        .padding([2, 6])
                        .style(container::rounded_box),
                    tooltip::Position::Bottom,
                ),
            ]
            .spacing(6),
        );
        // "Hide offline" and (several accounts) "status for all": side by
        // side where they fit, else one under the other.
        let mut filters = row![
            container(
                checkbox(v.hide_offline)
                    .label(fl!("sidebar-hide-offline"))
                    .on_toggle(Message::HideOffline)
                    .size(14)
                    .text_size(12)
            )
            .id(ids::HIDE_OFFLINE)
            .padding([3, 0])
        ]
        .spacing(12)
        .align_y(Alignment::Center);
        if live_accounts > 1 {
            filters = filters.push(
                container(
                    button(text(fl!("presence-all-button")).size(12))
                        .padding([3, 8])
                        .style(button::text)
                        .on_press(Message::EditPresence(None)),
                )
                .id(ids::PRESENCE_ALL),
            );
        }
        col = col.push(filters.wrap());
    }
    if let Some(editor) = v.presence.filter(|p| p.account.is_none()) {
        col = col.push(editor.view().map(Message::Presence));
    }
    container(col).padding([4, 14]).into()
}

fn dot<'a>(color: iced::Color, size: f32) -> Element<'a, Message> {
    container(space())
        .width(size)
        .height(size)
        .style(style::dot(color))
        .into()
}

fn live_section<'a>(account: &'a LiveAccount, v: View<'a>) -> Element<'a, Message> {
    let cfg = &account.config;
    let color = format::account_color(cfg.color.as_deref(), &cfg.id);
    let jid = account.connection.jid.as_deref().unwrap_or(&cfg.jid);
    let disabled = !cfg.enabled;
    let conn = &account.connection;

    let state = if disabled {
        text(fl!("state-disabled")).style(style::tone(format::Tone::Muted))
    } else {
        text(format::connection_text(conn, v.now)).style(style::tone(format::connection_tone(conn)))
    };
    let mut title = row![
        dot(color, 10.0),
        text(account.label()).font(BOLD).size(15),
        space::horizontal()
    ]
    .spacing(8)
    .align_y(Alignment::Center);
    title = title.push(tooltip(
        container(
            button(text("⚙").size(14))
                .padding([0, 6])
                .style(button::text)
                .on_press(Message::ShowSettings(cfg.id.clone())),
        )
        .id(ids::settings(&cfg.id)),
        container(text(fl!("settings-button-tooltip")).size(12))
            .padding([2, 6])
            .style(container::rounded_box),
        tooltip::Position::Bottom,
    ));
    // A wait to reconnect can be cut short.
    let waiting = conn.state == Some(ConnState::Reconnecting);
    if !disabled && (conn.failed() || waiting) {
        let label = if waiting {
            fl!("reconnect-now-button")
        } else {
            fl!("reconnect-button")
        };
        title = title.push(
            container(
                button(text(label).size(12))
                    .padding([2, 8])
                    .style(button::secondary)
                    .on_press(Message::Reconnect(cfg.id.clone())),
            )
            .id(ids::reconnect(&cfg.id)),
        );
    }

    let mut header = column![
        title,
        text(jid).size(12).style(style::muted),
        state.size(12)
    ]
    .spacing(2)
    .padding([0, 8]);
    // Our presence can be chosen once connected (the state line says why not).
    if !disabled && conn.state == Some(ConnState::Online) {
        header = header.push(own_presence(account));
    }

    let mut list = column![header].spacing(2);
    if disabled {
        return container(list)
            .style(|_| container::Style::default())
            .into();
    }
    if let Some(editor) = v.presence.filter(|p| p.account.as_deref() == Some(&cfg.id)) {
        list = list.push(container(editor.view().map(Message::Presence)).padding([4, 4]));
    }
    for (jid, nick) in &account.subscription_requests {
        list = list.push(subscription_request(&cfg.id, jid, nick.as_deref()));
    }
    let filter = RowFilter {
        query: v.filter,
        hide_offline: v.hide_offline,
        rooms: Some(&account.rooms),
    };
    let rows = format::sidebar_rows(&account.roster, &account.conversations, filter);
    if rows.is_empty() && conn.state == Some(ConnState::Online) {
        let empty = if v.filter.trim().is_empty() {
            fl!("no-contacts")
        } else {
            fl!("sidebar-no-match")
        };
        list = list.push(container(text(empty).size(12).style(style::muted)).padding([6, 8]));
    }
    for r in rows {
        let selected = v.chat.is_some_and(|c| c.is(&cfg.id, &r.jid));
        if r.room {
            let room = account.rooms.get(&r.jid);
            let picture = v.avatars.get(account.avatar_of(&r.jid));
            list = list.push(room_row(&cfg.id, r, selected, room, picture));
            continue;
        }
        let typing = account.is_typing(&r.jid);
        let picture = v.avatars.get(r.avatar.as_deref());
        list = list.push(contact_row(&cfg.id, r, selected, typing, picture));
    }
    list.into()
}

/// "● Online · status ▾": opens the presence editor for this account.
fn own_presence(account: &LiveAccount) -> Element<'_, Message> {
    let (presence, status) = &account.own_presence;
    let mut label = format::presence_text(*presence);
    if let Some(s) = status {
        label = format!("{label} · {}", format::first_line(s, 24));
    }
    container(
        button(
            row![
                dot(format::presence_color(*presence), 8.0),
                text(label).size(12),
                text("▾").size(10)
            ]
            .spacing(6)
            .align_y(Alignment::Center),
        )
        .padding([1, 0])
        .style(button::text)
        .on_press(Message::EditPresence(Some(account.config.id.clone()))),
    )
    .id(ids::own_presence(&account.config.id))
    .into()
}

/// "bob@x wants to see your status  [Accept] [Deny]".
fn subscription_request<'a>(
    account: &'a str,
    jid: &'a str,
    nick: Option<&'a str>,
) -> Element<'a, Message> {
    let answer = |accept: bool| {
        let label = if accept {
            fl!("subscription-accept")
        } else {
            fl!("subscription-deny")
        };
        container(
            button(text(label).size(12))
                .padding([2, 8])
                .style(if accept {
                    button::primary
                } else {
                    button::secondary
                })
                .on_press(Message::AnswerSubscription(
                    account.to_owned(),
                    jid.to_owned(),
                    accept,
                )),
        )
        .id(ids::answer_subscription(account, jid, accept))
    };
    // The nick is the requester's own choice: next to the address, never
    // instead of it.
    let who = match nick {
        Some(n) => format!("{n} ({jid})"),
        None => jid.to_owned(),
    };
    container(
        column![
            text(fl!("subscription-request", contact = who))
                .size(12)
                .wrapping(text::Wrapping::WordOrGlyph),
            row![answer(true), answer(false)].spacing(6),
        ]
        .spacing(4),
    )
    .padding([6, 8])
    .width(Length::Fill)
    .style(container::rounded_box)
    .into()
}

fn contact_row<'a>(
    account: &str,
    r: SidebarRow,
    selected: bool,
    typing: bool,
    picture: Option<&iced::widget::image::Handle>,
) -> Element<'a, Message> {
    let presence = tooltip(
        avatar::with_presence(&r.jid, &r.name, 30.0, picture, r.presence),
        container(text(format::presence_text(r.presence)).size(12))
            .padding([2, 6])
            .style(container::rounded_box),
        tooltip::Position::Right,
    );
    let mut names = column![text(r.name).size(14)];
    if typing {
        names = names.push(
            text(fl!("chat-typing"))
                .size(12)
                .style(style::tone(format::Tone::Good)),
        );
    } else if let Some(last) = r.last_body {
        names = names.push(
            text(last)
                .size(12)
                .style(style::muted)
                .wrapping(text::Wrapping::None),
        );
    }
    let mut line = row![presence, container(names).width(Length::Fill).clip(true)]
        .spacing(10)
        .align_y(Alignment::Center);
    if r.unread > 0 {
        line = line.push(
            container(text(r.unread.to_string()).size(11).font(BOLD))
                .padding([1, 7])
                .style(style::badge),
        );
    }
    let id = ids::contact(account, &r.jid);
    container(
        button(line)
            .width(Length::Fill)
            .padding([6, 8])
            .style(style::row_button(selected))
            .on_press(Message::OpenChat(account.to_owned(), r.jid)),
    )
    .id(id)
    .into()
}

/// A group chat: its picture is a rounded square (no presence), an "@"
/// badge when an unread message mentions us.
fn room_row<'a>(
    account: &str,
    r: SidebarRow,
    selected: bool,
    room: Option<&super::rooms::Room>,
    picture: Option<&iced::widget::image::Handle>,
) -> Element<'a, Message> {
    let mut names = column![text(r.name.clone()).size(14)];
    let typing = room.and_then(|room| super::rooms::typing_text(&room.typing_nicks()));
    if let Some(typing) = typing {
        names = names.push(
            text(typing)
                .size(12)
                .style(style::tone(format::Tone::Good))
                .wrapping(text::Wrapping::None),
        );
    } else if let Some(last) = r.last_body {
        names = names.push(
            text(last)
                .size(12)
                .style(style::muted)
                .wrapping(text::Wrapping::None),
        );
    }
    let mut line = row![
        super::room_view::room_picture(&r.jid, &r.name, 30.0, picture),
        container(names).width(Length::Fill).clip(true)
    ]
    .spacing(10)
    .align_y(Alignment::Center);
    if room.is_some_and(|room| room.mentioned) {
        line = line.push(
            container(text("@").size(11).font(BOLD))
                .padding([1, 6])
                .style(style::mention_badge),
        );
    }
    if r.unread > 0 {
        line = line.push(
            container(text(r.unread.to_string()).size(11).font(BOLD))
                .padding([1, 7])
                .style(style::badge),
        );
    }
    container(
        button(line)
            .width(Length::Fill)
            .padding([6, 8])
            .style(style::row_button(selected))
            .on_press(Message::OpenChat(account.to_owned(), r.jid.clone())),
    )
    .id(ids::contact(account, &r.jid))
    .into()
}

fn broken_section(b: &BrokenAccount) -> Element<'_, Message> {
    column![
        row![
            container(text("!").size(11).font(BOLD))
                .padding([0, 6])
                .style(style::warning_badge),
            text(&b.id).font(BOLD).size(15).style(style::muted),
        ]
        .spacing(8)
        .align_y(Alignment::Center),
        text(fl!("state-broken"))
            .size(12)
            .style(style::tone(format::Tone::Bad)),
        text(&b.error).size(12).style(style::muted),
    ]
    .spacing(2)
    .padding([0, 8])
    .into()
}
