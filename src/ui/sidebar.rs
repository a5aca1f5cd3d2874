//! The left sidebar: accounts with their state, contacts and conversations.

use iced::widget::{button, column, container, row, scrollable, space, text, tooltip};
use iced::{Alignment, Element, Font, Length, font};

use super::format::{self, SidebarRow};
use super::model::{Account, Chat, LiveAccount};
use super::{Message, ids, style};
use crate::api::ConnState;
use crate::config::BrokenAccount;
use crate::fl;

pub const BOLD: Font = Font {
    weight: font::Weight::Bold,
    ..Font::DEFAULT
};

/// `only`: show just this account (the others stay connected).
pub fn view<'a>(
    accounts: &'a [Account],
    chat: Option<&'a Chat>,
    only: Option<&'a str>,
) -> Element<'a, Message> {
    let shown = accounts
        .iter()
        .filter(|a| only.is_none_or(|id| a.id() == id));
    let sections = column(shown.map(|a| match a {
        Account::Ok(live) => live_section(live, chat),
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
    .id(ids::ADD_ACCOUNT)
    .padding(10);

    let mut top = column![container(text(fl!("app-name")).size(20).font(BOLD)).padding([14, 20])];
    if accounts.len() > 1 {
        top = top.push(filter_row(accounts, only));
    }
    container(column![
        top,
        scrollable(sections).height(Length::Fill).id(ids::SIDEBAR),
        add,
    ])
    .width(style::SIDEBAR_WIDTH)
    .height(Length::Fill)
    .style(style::sidebar)
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

fn dot<'a>(color: iced::Color, size: f32) -> Element<'a, Message> {
    container(space())
        .width(size)
        .height(size)
        .style(style::dot(color))
        .into()
}

fn live_section<'a>(account: &'a LiveAccount, chat: Option<&'a Chat>) -> Element<'a, Message> {
    let cfg = &account.config;
    let color = format::account_color(cfg.color.as_deref(), &cfg.id);
    let jid = account.connection.jid.as_deref().unwrap_or(&cfg.jid);
    let disabled = !cfg.enabled;
    let conn = &account.connection;

    let state = if disabled {
        text(fl!("state-disabled")).style(style::tone(format::Tone::Muted))
    } else {
        text(format::connection_text(conn)).style(style::tone(format::connection_tone(conn)))
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
    if !disabled && conn.failed() {
        title = title.push(
            container(
                button(text(fl!("reconnect-button")).size(12))
                    .padding([2, 8])
                    .style(button::secondary)
                    .on_press(Message::Reconnect(cfg.id.clone())),
            )
            .id(ids::reconnect(&cfg.id)),
        );
    }

    let header = column![
        title,
        text(jid).size(12).style(style::muted),
        state.size(12)
    ]
    .spacing(2)
    .padding([0, 8]);

    let mut list = column![header].spacing(2);
    if disabled {
        return container(list)
            .style(|_| container::Style::default())
            .into();
    }
    let rows = format::sidebar_rows(&account.roster, &account.conversations);
    if rows.is_empty() && conn.state == Some(ConnState::Online) {
        list = list
            .push(container(text(fl!("no-contacts")).size(12).style(style::muted)).padding([6, 8]));
    }
    for r in rows {
        let selected = chat.is_some_and(|c| c.is(&cfg.id, &r.jid));
        let typing = account.is_typing(&r.jid);
        list = list.push(contact_row(&cfg.id, r, selected, typing));
    }
    list.into()
}

fn contact_row<'a>(
    account: &str,
    r: SidebarRow,
    selected: bool,
    typing: bool,
) -> Element<'a, Message> {
    let presence = tooltip(
        dot(format::presence_color(r.presence), 9.0),
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
