//! The composer under the message list: the text field, attach and send,
//! the line that says what Send does (editing, replying), and its keys.

use iced::keyboard::{self, key};
use iced::widget::text_editor::{self, Binding, KeyPress};
use iced::widget::{button, column, container, row, space, text, tooltip};
use iced::{Alignment, Element};

use super::Message as ChatMessage;
use super::State as Chat;
use crate::api::Encryption;
use crate::fl;
use crate::ui::lock::{Lock, lock};
use crate::ui::rooms::Room;
use crate::ui::{Message, ids, style};

/// What Send does with the composer's text. One value, so that editing
/// and replying at once cannot happen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Mode {
    /// A new message.
    #[default]
    New,
    /// Corrects this message of ours (XEP-0308).
    Editing(String),
    /// Answers this message (XEP-0461).
    Replying(String),
}

impl Mode {
    /// The message the next one answers, if replying.
    pub fn replying(&self) -> Option<&str> {
        match self {
            Mode::Replying(id) => Some(id),
            Mode::New | Mode::Editing(_) => None,
        }
    }
}

/// The composer; in a room it is disabled while we cannot write there.
pub(crate) fn view<'a>(
    chat: &'a Chat,
    online: bool,
    room: Option<&'a Room>,
) -> Element<'a, Message> {
    let mode = match &chat.mode {
        Mode::New => None,
        Mode::Editing(_) => Some(fl!("composer-editing")),
        Mode::Replying(id) => Some(fl!(
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
    };
    let field = composer_field(chat, online, room);
    let mut parts = column![];
    // An encrypted group: who cannot read what is written here.
    let encrypted = chat.encryption.is_some_and(|e| e != Encryption::None);
    if room.is_some() && encrypted && !chat.unreachable.is_empty() {
        parts = parts.push(
            container(
                row![
                    lock(Lock::Open, 11.0, |t: &iced::Theme| {
                        style::tone(crate::ui::format::Tone::Busy)(t)
                            .color
                            .unwrap_or(iced::Color::BLACK)
                    }),
                    text(fl!(
                        "composer-group-unreachable",
                        names = chat.unreachable.join(", ")
                    ))
                    .size(12)
                    .style(style::muted),
                ]
                .spacing(6)
                .align_y(Alignment::Center),
            )
            .id(ids::UNREACHABLE)
            .padding([6, 20]),
        );
    }
    if let Some(label) = mode {
        parts = parts.push(
            container(
                row![
                    text(label).size(12).style(style::muted),
                    space::horizontal(),
                    button(text(fl!("composer-cancel")).size(12))
                        .padding([2, 10])
                        .style(button::text)
                        .on_press(Message::Chat(ChatMessage::CancelMode)),
                ]
                .align_y(Alignment::Center),
            )
            .padding([6, 20]),
        );
    }
    parts.push(field).into()
}

fn composer_field<'a>(
    chat: &'a Chat,
    online: bool,
    room: Option<&'a Room>,
) -> Element<'a, Message> {
    let blocked = room.is_some_and(|r| !r.can_write());
    let placeholder = if blocked {
        crate::ui::room_view::blocked_placeholder()
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
            Some(_) => crate::ui::room_view::rejoin_button(),
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
                .on_press(Message::File(crate::ui::files::FileMessage::Attach)),
        )
        .id(ids::ATTACH),
        container(text(fl!("file-attach-tooltip")).size(12))
            .padding([2, 6])
            .style(container::rounded_box),
        tooltip::Position::Top,
    );
    let mut tools = row![].spacing(10).align_y(Alignment::End);
    if let Some(e) = chat.encryption {
        let group = room.is_some();
        tools = tools.push(encryption_switch(e, group, chat.encryption_unavailable));
    }
    container(tools.push(attach).push(editor).push(send))
        .padding([12, 20])
        .into()
}

/// Whether what we write is end-to-end encrypted; pressing switches it
/// (not in a group that cannot be encrypted: it says why instead).
fn encryption_switch<'a>(e: Encryption, group: bool, unavailable: bool) -> Element<'a, Message> {
    let on = e != Encryption::None;
    let (label, tip) = match (on, group) {
        _ if unavailable => (
            fl!("composer-unencrypted"),
            fl!("composer-group-open-tooltip"),
        ),
        (true, false) => (fl!("composer-encrypted"), fl!("composer-encrypted-tooltip")),
        (true, true) => (
            fl!("composer-encrypted"),
            fl!("composer-group-encrypted-tooltip"),
        ),
        (false, false) => (
            fl!("composer-unencrypted"),
            fl!("composer-unencrypted-tooltip"),
        ),
        (false, true) => (
            fl!("composer-unencrypted"),
            fl!("composer-group-unencrypted-tooltip"),
        ),
    };
    // The lock in the button's own text colour.
    let lock_color = move |theme: &iced::Theme| {
        let p = theme.extended_palette();
        if on {
            p.success.base.text
        } else {
            p.secondary.base.text
        }
    };
    let kind = if on { Lock::Closed } else { Lock::Open };
    tooltip(
        container(
            button(
                row![lock(kind, 12.0, lock_color), text(label).size(12)]
                    .spacing(6)
                    .align_y(Alignment::Center),
            )
            .padding([11, 10])
            .style(if on {
                button::success
            } else {
                button::secondary
            })
            .on_press_maybe((!unavailable).then_some(Message::Chat(ChatMessage::ToggleEncryption))),
        )
        .id(ids::ENCRYPTION),
        container(text(tip).size(12))
            .padding([2, 6])
            .max_width(320)
            .style(container::rounded_box),
        tooltip::Position::Top,
    )
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
            Some(Binding::Custom(crate::ui::room_view::complete_binding()))
        }
        keyboard::Key::Named(key::Named::Escape) if focused => {
            Some(Binding::Custom(Message::Chat(ChatMessage::CancelMode)))
        }
        _ => Binding::from_key_press(press),
    }
}
