//! The right pane: the open conversation (header, messages, composer) or the
//! welcome screen.

use iced::keyboard::{self, key};
use iced::widget::text_editor::{self, Binding, KeyPress};
use iced::widget::{
    button, center, column, container, row, rule, scrollable, space, text, tooltip,
};
use iced::{Alignment, Element, Length};

use super::format::{self, Item};
use super::model::{Account, Chat};
use super::rooms::Room;
use super::sidebar::BOLD;
use super::{Message, ids, style};
use crate::api::{Direction, MessageRecord, MessageState};
use crate::fl;

/// Messages of the conversation pane.
#[derive(Debug, Clone)]
pub enum ChatMessage {
    Edit(text_editor::Action),
    Send,
    Scrolled(scrollable::Viewport),
    /// Send a failed message again.
    Retry(String),
    /// Show (or hide) the actions of a message.
    Select(String),
    /// Answer this message (XEP-0461).
    Reply(String),
    /// Correct this message of ours (XEP-0308).
    StartEdit(String),
    /// Up arrow in the composer: edit our last message if it is empty.
    Up,
    /// Leave editing / replying.
    CancelMode,
    /// Retract this message of ours for everyone (XEP-0424).
    Retract(String),
    /// As a room moderator, remove someone's message for everyone (XEP-0425).
    Moderate(String),
    /// Add or remove our reaction with this emoji.
    React(String, String),
    /// Mute or unmute notifications of this conversation.
    ToggleMute,
}

/// Reactions offered in a message's actions.
pub const QUICK_REACTIONS: [&str; 5] = ["👍", "❤️", "😂", "😮", "🙏"];

pub fn view<'a>(
    accounts: &'a [Account],
    chat: &'a Chat,
    avatars: &'a super::avatar::Cache,
    pasted: Option<&'a super::paste::Pasted>,
) -> Element<'a, Message> {
    let account = accounts.iter().find_map(|a| match a {
        Account::Ok(l) if l.config.id == chat.account => Some(l),
        _ => None,
    });
    if let Some(a) = account.filter(|a| a.is_room(&chat.with)) {
        return super::room_view::view(a, chat, avatars, pasted);
    }
    let label = account.map_or(chat.account.as_str(), |a| a.label());
    let contact = account.and_then(|a| a.roster.iter().find(|c| c.jid == chat.with));
    let name = format::display_name(
        &chat.with,
        contact.and_then(|c| c.name.as_deref().or(c.nick.as_deref())),
    );
    let color = account.map_or(iced::Color::BLACK, |a| {
        format::account_color(a.config.color.as_deref(), &a.config.id)
    });
    let presence = contact.map(|c| c.presence).unwrap_or_default();
    let subtitle: Element<'_, Message> = if account.is_some_and(|a| a.is_typing(&chat.with)) {
        text(fl!("chat-typing"))
            .size(12)
            .style(style::tone(format::Tone::Good))
            .into()
    } else {
        let seen = contact
            .filter(|c| c.presence == crate::api::Availability::Offline)
            .and_then(|c| c.last_seen)
            .map(|at| format!(" · {}", format::last_seen(at, chrono::Utc::now())));
        row![
            text(&chat.with).size(12).style(style::muted),
            text(seen.unwrap_or_default()).size(12).style(style::muted)
        ]
        .into()
    };

    let header = container(
        row![
            super::avatar::with_presence(
                &chat.with,
                &name,
                36.0,
                avatars.get(account.and_then(|a| a.avatar_of(&chat.with))),
                presence
            ),
            column![text(name.clone()).size(17).font(BOLD), subtitle].spacing(1),
            space::horizontal(),
            row![
                container(space())
                    .width(8)
                    .height(8)
                    .style(style::dot(color)),
                text(fl!("chat-via-account", account = label))
                    .size(12)
                    .style(style::muted),
            ]
            .spacing(6)
            .align_y(Alignment::Center),
        ]
        .spacing(12)
        .align_y(Alignment::Center),
    )
    .padding([12, 20])
    .width(Length::Fill)
    .style(style::header);

    let muted = account.is_some_and(|a| {
        a.conversations
            .iter()
            .any(|c| c.with == chat.with && c.muted)
    });
    let header = row![
        header,
        container(
            button(
                text(if muted {
                    fl!("chat-unmute")
                } else {
                    fl!("chat-mute")
                })
                .size(12)
            )
            .padding([4, 10])
            .style(button::secondary)
            .on_press(Message::Chat(ChatMessage::ToggleMute))
        )
        .id(ids::MUTE)
        .padding([0, 4]),
        tooltip(
            container(
                button(text(fl!("details-button")).size(12))
                    .padding([4, 10])
                    .style(button::secondary)
                    .on_press(Message::ShowDetails(
                        chat.account.clone(),
                        chat.with.clone()
                    ))
            )
            .id(ids::DETAILS)
            .padding([0, 12]),
            container(text(fl!("details-button-tooltip")).size(12))
                .padding([2, 6])
                .style(container::rounded_box),
            tooltip::Position::Bottom,
        ),
    ]
    .align_y(Alignment::Center);
    let online = account.is_some_and(|a| a.connection.is_online());
    column![
        header,
        rule::horizontal(1),
        messages(chat, account.map(|a| &a.transfers), avatars, None),
        rule::horizontal(1),
    ]
    .push(pasted.map(super::paste::bar))
    .push(composer(chat, online, None))
    .height(Length::Fill)
    .into()
}

/// The message list; `room` for a group chat (nicks, mentions).
pub(super) fn messages<'a>(
    chat: &'a Chat,
    transfers: Option<&'a super::files::Transfers>,
    pictures: &'a super::avatar::Cache,
    room: Option<&'a Room>,
) -> Element<'a, Message> {
    let today = chrono::Local::now().date_naive();
    let items = format::group_by_day(&chat.messages, &chrono::Local, today);
    let mut list = column![].spacing(6).padding([16, 20]).width(Length::Fill);

    if chat.loading.is_some() {
        list = list.push(center_line(
            text(fl!("chat-loading")).size(12).style(style::muted),
        ));
    } else if chat.complete && !chat.messages.is_empty() {
        list = list.push(center_line(
            text(fl!("chat-beginning")).size(12).style(style::muted),
        ));
    }
    if chat.messages.is_empty() && chat.loading.is_none() {
        list = list.push(center_line(
            text(fl!("chat-empty")).size(13).style(style::muted),
        ));
    }
    let read_line = chat.read_line_after();
    for item in items {
        match item {
            Item::Day(day) => {
                list = list.push(center_line(
                    container(text(format::day_text(day)).size(12))
                        .padding([2, 10])
                        .style(style::day_pill),
                ))
            }
            Item::Message(i) => {
                let m = &chat.messages[i];
                if chat.first_unread == Some(m.seq) {
                    list = list.push(marker_line(fl!("chat-new-messages"), style::accent_rule));
                }
                list = list.push(bubble(m, chat, (transfers, pictures), room));
                if chat.selected.as_deref() == Some(&m.id) {
                    let moderate = room.is_some_and(|r| r.may_moderate());
                    list = list.push(actions(m, chat, moderate));
                }
                if read_line == Some(m.seq) {
                    list = list.push(marker_line(fl!("chat-read-up-to-here"), style::muted_rule));
                }
            }
        }
    }

    scrollable(list)
        .id(ids::MESSAGES)
        .anchor_bottom()
        .height(Length::Fill)
        .width(Length::Fill)
        .on_scroll(|v| Message::Chat(ChatMessage::Scrolled(v)))
        .into()
}

fn center_line<'a>(content: impl Into<Element<'a, Message>>) -> Element<'a, Message> {
    container(content)
        .center_x(Length::Fill)
        .padding([4, 0])
        .into()
}

/// A labelled line across the list ("new messages", "read up to here").
fn marker_line<'a>(
    label: String,
    line_style: fn(&iced::Theme) -> rule::Style,
) -> Element<'a, Message> {
    row![
        rule::horizontal(1).style(line_style),
        text(label).size(11).style(style::muted),
        rule::horizontal(1).style(line_style),
    ]
    .spacing(8)
    .align_y(Alignment::Center)
    .padding([2, 0])
    .into()
}

/// Reply, reactions, edit and retract for the selected message; for a
/// room moderator (`moderate`) removing others' messages.
fn actions<'a>(m: &'a MessageRecord, chat: &'a Chat, moderate: bool) -> Element<'a, Message> {
    let act = |label: String, msg: ChatMessage| {
        button(text(label).size(12))
            .padding([3, 10])
            .style(button::secondary)
            .on_press(Message::Chat(msg))
    };
    let mut bar = row![act(fl!("action-reply"), ChatMessage::Reply(m.id.clone()))]
        .spacing(6)
        .align_y(Alignment::Center);
    if !m.retracted {
        for emoji in QUICK_REACTIONS {
            bar = bar.push(act(
                emoji.to_owned(),
                ChatMessage::React(m.id.clone(), emoji.to_owned()),
            ));
        }
    }
    let own = m.direction == Direction::Out && !m.retracted;
    if own && chat.last_own().is_some_and(|l| l.id == m.id) {
        bar = bar.push(act(
            fl!("action-edit"),
            ChatMessage::StartEdit(m.id.clone()),
        ));
    }
    if own {
        bar = bar.push(act(
            fl!("action-retract"),
            ChatMessage::Retract(m.id.clone()),
        ));
    }
    if moderate && m.direction == Direction::In && !m.retracted {
        bar = bar.push(
            container(
                button(text(fl!("action-moderate")).size(12))
                    .padding([3, 10])
                    .style(button::danger)
                    .on_press(Message::Chat(ChatMessage::Moderate(m.id.clone()))),
            )
            .id(ids::moderate(&m.id)),
        );
    }
    let line = container(bar).id(ids::actions(&m.id));
    if m.direction == Direction::Out {
        row![space::horizontal(), line].into()
    } else {
        row![line, space::horizontal()].into()
    }
}

/// Who removed a moderated message: the moderator's nick, else the room.
fn moderator_name(m: &MessageRecord) -> String {
    let by = m.moderated_by.as_deref().unwrap_or_default();
    match by.split_once('/') {
        Some((_, nick)) if !nick.is_empty() => nick.to_owned(),
        _ => format::display_name(by, None),
    }
}

/// The quoted message above a reply.
fn quote(q: &crate::api::Quote) -> Element<'_, Message> {
    let body = q
        .body
        .clone()
        .unwrap_or_else(|| fl!("message-quote-missing"));
    let first: String = body
        .lines()
        .next()
        .unwrap_or_default()
        .chars()
        .take(120)
        .collect();
    container(text(first).size(12).style(style::muted))
        .padding([2, 8])
        .style(style::quote)
        .into()
}

/// What a file card needs besides its message: the account's transfers and
/// the decoded previews.
type FileContext<'a> = (
    Option<&'a super::files::Transfers>,
    &'a super::avatar::Cache,
);

/// How a message's bubble looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Bubble {
    Own,
    Other,
    /// A room message that mentions us: highlighted.
    Mention,
}

pub(super) fn bubble_kind(m: &MessageRecord, in_room: bool) -> Bubble {
    match m.direction {
        Direction::Out => Bubble::Own,
        Direction::In if in_room && m.mention => Bubble::Mention,
        Direction::In => Bubble::Other,
    }
}

fn bubble<'a>(
    m: &'a MessageRecord,
    chat: &'a Chat,
    (transfers, pictures): FileContext<'a>,
    room: Option<&'a Room>,
) -> Element<'a, Message> {
    let own = m.direction == Direction::Out;
    let mut meta = row![
        text(format::time_text(m.timestamp))
            .size(11)
            .style(style::muted)
    ]
    .spacing(4)
    .align_y(Alignment::Center);
    if m.edited && !m.retracted {
        let original = m.original_body.clone().unwrap_or_default();
        meta = meta.push(tooltip(
            text(fl!("message-edited")).size(11).style(style::muted),
            container(text(fl!("message-edited-original", original = original)).size(12))
                .padding([2, 6])
                .max_width(360)
                .style(container::rounded_box),
            tooltip::Position::Top,
        ));
    }
    if own {
        let (mark, highlight) = format::state_mark(m.state);
        let failed = m.state == MessageState::Failed;
        let tip = match &m.error {
            Some(e) => format!("{} — {e}", format::state_text(m.state)),
            None => format::state_text(m.state),
        };
        meta = meta.push(tooltip(
            text(mark).size(12).style(style::mark(highlight, failed)),
            container(text(tip).size(12))
                .padding([2, 6])
                .style(container::rounded_box),
            tooltip::Position::Top,
        ));
    }
    if own && m.state == MessageState::Failed {
        meta = meta.push(
            container(
                button(text(fl!("message-retry")).size(11))
                    .padding([1, 8])
                    .style(button::secondary)
                    .on_press(Message::Chat(ChatMessage::Retry(m.id.clone()))),
            )
            .id(ids::retry(&m.id)),
        );
    }
    let mut content = column![].spacing(2);
    if room.is_some() && !own {
        // In a group: who wrote it, in their colour.
        let nick = super::rooms::sender_nick(&m.sender);
        content = content.push(
            text(nick.to_owned())
                .size(12)
                .font(BOLD)
                .style(style::nick(super::room_view::nick_color(nick))),
        );
    }
    if let Some(q) = &m.reply_to {
        content = content.push(quote(q));
    }
    let main: Element<'_, Message> = match &m.file {
        _ if m.retracted && m.moderated_by.is_some() => text(match &m.moderation_reason {
            Some(reason) => fl!(
                "message-moderated-reason",
                by = moderator_name(m),
                reason = reason.as_str()
            ),
            None => fl!("message-moderated", by = moderator_name(m)),
        })
        .size(13)
        .style(style::muted)
        .into(),
        _ if m.retracted => text(fl!("message-retracted"))
            .size(13)
            .style(style::muted)
            .into(),
        // A file message's body is its URL (or empty until uploaded): the
        // card shows the file instead.
        Some(file) => super::files::card(m, file, transfers, pictures),
        None => text(&m.body).size(14).into(),
    };
    content = content.push(main);
    content = content.push(container(meta).align_right(Length::Shrink));
    let body = container(content).padding([6, 12]).max_width(520).style(
        match bubble_kind(m, room.is_some()) {
            Bubble::Own => style::bubble_own,
            Bubble::Other => style::bubble_other,
            Bubble::Mention => style::bubble_mention,
        },
    );
    let body =
        iced::widget::mouse_area(body).on_press(Message::Chat(ChatMessage::Select(m.id.clone())));
    let selected = chat.selected.as_deref() == Some(&m.id);
    let mut body = column![body].spacing(3);
    if !m.reactions.is_empty() {
        let mut chips = row![].spacing(4);
        for r in &m.reactions {
            chips = chips.push(
                button(text(format!("{} {}", r.emoji, r.count)).size(12))
                    .padding([1, 8])
                    .style(if r.own {
                        button::primary
                    } else {
                        button::secondary
                    })
                    .on_press(Message::Chat(ChatMessage::React(
                        m.id.clone(),
                        r.emoji.clone(),
                    ))),
            );
        }
        body = body.push(chips);
    }
    let body = container(body).style(if selected {
        style::selected
    } else {
        style::plain
    });

    let line = if own {
        row![space::horizontal().width(Length::FillPortion(1)), body]
    } else {
        row![body, space::horizontal().width(Length::FillPortion(1))]
    };
    line.width(Length::Fill).into()
}

/// The composer; in a room it is disabled while we cannot write there.
pub(super) fn composer<'a>(
    chat: &'a Chat,
    online: bool,
    room: Option<&'a Room>,
) -> Element<'a, Message> {
    let mode = match (&chat.editing, &chat.replying) {
        (Some(_), _) => Some(fl!("composer-editing")),
        (None, Some(id)) => Some(fl!(
            "composer-replying",
            text = chat
                .message(id)
                .map(|m| m
                    .body
                    .lines()
                    .next()
                    .unwrap_or_default()
                    .chars()
                    .take(80)
                    .collect::<String>())
                .unwrap_or_default()
        )),
        _ => None,
    };
    let field = composer_field(chat, online, room);
    match mode {
        None => field,
        Some(label) => column![
            container(
                row![
                    text(label).size(12).style(style::muted),
                    space::horizontal(),
                    button(text(fl!("composer-cancel")).size(12))
                        .padding([2, 10])
                        .style(button::text)
                        .on_press(Message::Chat(ChatMessage::CancelMode)),
                ]
                .align_y(Alignment::Center)
            )
            .padding([6, 20]),
            field
        ]
        .into(),
    }
}

fn composer_field<'a>(
    chat: &'a Chat,
    online: bool,
    room: Option<&'a Room>,
) -> Element<'a, Message> {
    let blocked = room.is_some_and(|r| !r.can_write());
    let placeholder = if blocked {
        super::room_view::blocked_placeholder()
    } else if online {
        fl!("composer-placeholder")
    } else {
        fl!("composer-placeholder-offline")
    };
    let mut editor = iced::widget::text_editor(&chat.composer)
        .id(ids::COMPOSER)
        .placeholder(placeholder)
        .key_binding(composer_keys)
        .min_height(40)
        .max_height(160)
        .padding([10, 12]);
    if !blocked {
        editor = editor.on_action(|a| Message::Chat(ChatMessage::Edit(a)));
    }
    let can_send = !blocked && !chat.composer.text().trim().is_empty();
    let send: Element<'_, Message> = if blocked {
        match room.filter(|r| r.can_rejoin()) {
            Some(_) => super::room_view::rejoin_button(),
            None => space().into(),
        }
    } else {
        container(
            button(text(fl!("send-button")).center())
                .padding([10, 18])
                .on_press_maybe(can_send.then_some(Message::Chat(ChatMessage::Send))),
        )
        .id(ids::SEND)
        .into()
    };
    let attach = tooltip(
        container(
            button(text(fl!("file-attach")).center())
                .padding([10, 12])
                .style(button::secondary)
                .on_press(Message::File(super::files::FileMessage::Attach)),
        )
        .id(ids::ATTACH),
        container(text(fl!("file-attach-tooltip")).size(12))
            .padding([2, 6])
            .style(container::rounded_box),
        tooltip::Position::Top,
    );
    container(
        row![attach, editor, send]
            .spacing(10)
            .align_y(Alignment::End),
    )
    .padding([12, 20])
    .into()
}

/// Enter sends, Shift+Enter breaks the line, Up may start editing our last
/// message, Escape leaves editing/replying; everything else as usual.
fn composer_keys(press: KeyPress) -> Option<Binding<Message>> {
    let focused = matches!(press.status, text_editor::Status::Focused { .. });
    let plain = press.modifiers.is_empty();
    match &press.key {
        keyboard::Key::Named(key::Named::Enter) if focused => Some(if press.modifiers.shift() {
            Binding::Enter
        } else {
            Binding::Custom(Message::Chat(ChatMessage::Send))
        }),
        keyboard::Key::Named(key::Named::ArrowUp) if focused && plain => {
            Some(Binding::Custom(Message::Chat(ChatMessage::Up)))
        }
        // @-completion of nicks in a room (nothing elsewhere).
        keyboard::Key::Named(key::Named::Tab) if focused && plain => {
            Some(Binding::Custom(super::room_view::complete_binding()))
        }
        keyboard::Key::Named(key::Named::Escape) if focused => {
            Some(Binding::Custom(Message::Chat(ChatMessage::CancelMode)))
        }
        _ => Binding::from_key_press(press),
    }
}

/// Shown when no conversation is open.
pub fn welcome(has_accounts: bool) -> Element<'static, Message> {
    let mut content = column![
        text(fl!("welcome-title")).size(26).font(BOLD),
        text(if has_accounts {
            fl!("welcome-pick-conversation")
        } else {
            fl!("welcome-no-accounts")
        })
        .size(14)
        .style(style::muted)
        .center(),
    ]
    .spacing(10)
    .align_x(Alignment::Center)
    .max_width(420);
    if !has_accounts {
        content = content.push(space().height(8)).push(
            container(
                button(text(fl!("add-account-button")))
                    .padding([10, 20])
                    .on_press(Message::ShowAddAccount),
            )
            .id(ids::WELCOME_ADD_ACCOUNT),
        );
    }
    center(content).into()
}
