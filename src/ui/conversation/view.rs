//! `view` of the open conversation (header, message list, bubbles and
//! their actions) and the welcome screen when none is open. It emits the
//! app's messages: the room pane and file cards it embeds are not the
//! conversation's.

use iced::widget::{
    button, center, column, container, row, rule, scrollable, space, text, tooltip,
};
use iced::{Alignment, Color, Element, Length, Theme};

use super::Message as ChatMessage;
use super::State as Chat;
use crate::api::{Direction, Encryption, MessageRecord, MessageState};
use crate::fl;
use crate::ui::format::{self, Item, Tone};
use crate::ui::lock::{Lock, lock};
use crate::ui::model::Account;
use crate::ui::rooms::Room;
use crate::ui::sidebar::BOLD;
use crate::ui::{Message, ids, style};

/// Reactions offered in a message's actions.
const QUICK_REACTIONS: [&str; 5] = ["👍", "❤️", "😂", "😮", "🙏"];

pub fn view<'a>(
    accounts: &'a [Account],
    chat: &'a Chat,
    avatars: &'a crate::ui::avatar::Cache,
    pasted: Option<&'a crate::ui::paste::Pasted>,
) -> Element<'a, Message> {
    let account = accounts.iter().find_map(|a| match a {
        Account::Ok(l) if l.config.id == chat.account => Some(l),
        _ => None,
    });
    if let Some(a) = account.filter(|a| a.is_room(&chat.with)) {
        return crate::ui::room_view::view(a, chat, avatars, pasted);
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
            crate::ui::avatar::with_presence(
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
    column![header, rule::horizontal(1)]
        .push(crate::ui::devices::undecided_banner(
            account.map(|a| &**a),
            &chat.with,
            name,
        ))
        .push(messages(chat, account.map(|a| &**a), avatars, None))
        .push(rule::horizontal(1))
        .push(pasted.map(crate::ui::paste::bar))
        .push(super::composer::view(chat, online, None))
        .height(Length::Fill)
        .into()
}

/// The message list; `room` for a group chat (nicks, mentions).
pub(crate) fn messages<'a>(
    chat: &'a Chat,
    account: Option<&'a crate::ui::model::LiveAccount>,
    pictures: &'a crate::ui::avatar::Cache,
    room: Option<&'a Room>,
) -> Element<'a, Message> {
    let today = chrono::Local::now().date_naive();
    let items = format::group_by_day(&chat.messages, &chrono::Local, today);
    let mut list = column![].spacing(6).padding([16, 20]).width(Length::Fill);

    if chat.loading.shows() {
        list = list.push(center_line(
            text(fl!("chat-loading")).size(12).style(style::muted),
        ));
    } else if chat.complete && !chat.messages.is_empty() {
        list = list.push(center_line(
            text(fl!("chat-beginning")).size(12).style(style::muted),
        ));
    }
    if chat.messages.is_empty() && !chat.loading.shows() {
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
                list = list.push(bubble(m, chat, (account, pictures), room));
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

    let list = scrollable(list)
        .id(ids::MESSAGES)
        .anchor_bottom()
        .height(Length::Fill)
        .width(Length::Fill)
        .on_scroll(|v| Message::Chat(ChatMessage::Scrolled(v)));
    if !chat.newer {
        return list.into();
    }
    // Newer messages than the shown ones exist: a way back to them.
    let newest = container(
        button(text(fl!("chat-jump-newest")).size(12))
            .padding([4, 12])
            .style(button::primary)
            .on_press(Message::Chat(ChatMessage::ToNewest)),
    )
    .id(ids::NEWEST);
    column![list, center_line(newest)].into()
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
    bar = bar.push(
        container(act(
            fl!("action-delete-here"),
            ChatMessage::AskDelete(m.id.clone()),
        ))
        .id(ids::delete_here(&m.id)),
    );
    let line: Element<'a, Message> = if chat.confirm_delete.as_deref() == Some(&m.id) {
        delete_here(m)
    } else {
        bar.into()
    };
    let line = container(line).id(ids::actions(&m.id));
    if m.direction == Direction::Out {
        row![space::horizontal(), line].into()
    } else {
        row![line, space::horizontal()].into()
    }
}

/// "Delete this message here?" with what that means, in place of the
/// message's actions.
fn delete_here(m: &MessageRecord) -> Element<'_, Message> {
    let question = text(fl!("action-delete-here-question"))
        .size(12)
        .wrapping(text::Wrapping::WordOrGlyph);
    let buttons = row![
        container(
            button(text(fl!("action-delete-here")).size(12))
                .padding([3, 10])
                .style(button::danger)
                .on_press(Message::Chat(ChatMessage::DeleteHere(m.id.clone()))),
        )
        .id(ids::delete_here_confirm(&m.id)),
        button(text(fl!("dialog-cancel")).size(12))
            .padding([3, 10])
            .style(button::secondary)
            .on_press(Message::Chat(ChatMessage::CancelDelete)),
    ]
    .spacing(8)
    .align_y(Alignment::Center);
    container(column![question, buttons].spacing(6))
        .padding([6, 10])
        .max_width(520)
        .style(container::rounded_box)
        .into()
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

/// What a file card needs besides its message: the account (transfers,
/// roster) and the decoded previews.
type FileContext<'a> = (
    Option<&'a crate::ui::model::LiveAccount>,
    &'a crate::ui::avatar::Cache,
);

/// How a message's bubble looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Bubble {
    Own,
    Other,
    /// A room message that mentions us: highlighted.
    Mention,
}

pub(crate) fn bubble_kind(m: &MessageRecord, in_room: bool) -> Bubble {
    match m.direction {
        Direction::Out => Bubble::Own,
        Direction::In if in_room && m.mention => Bubble::Mention,
        Direction::In => Bubble::Other,
    }
}

fn bubble<'a>(
    m: &'a MessageRecord,
    chat: &'a Chat,
    (account, pictures): FileContext<'a>,
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
    // Encrypted messages say so; in a chat that is encrypted now, so do
    // the plain ones.
    let encrypted_chat = chat.encryption.is_some_and(|e| e != Encryption::None);
    // A lock, and a word beside it; what could not be decrypted says why
    // in its text and gets the lock in the warning colour.
    let mark = match m.crypto.encryption {
        _ if m.retracted => None,
        _ if m.crypto.decryption_error.is_some() => Some((Lock::Closed, None, Tone::Bad)),
        Encryption::None if encrypted_chat => {
            Some((Lock::Open, Some(fl!("message-unencrypted")), Tone::Busy))
        }
        Encryption::None => None,
        _ => Some((Lock::Closed, Some(fl!("message-encrypted")), Tone::Muted)),
    };
    if let Some((kind, word, tone)) = mark {
        let mut shown = row![lock(kind, 11.0, move |t: &Theme| {
            style::tone(tone)(t).color.unwrap_or(Color::BLACK)
        })]
        .spacing(3)
        .align_y(Alignment::Center);
        if let Some(word) = word {
            shown = shown.push(text(word).size(11).style(style::muted));
        }
        meta = meta.push(tooltip(
            shown,
            container(text(format::encryption_text(m.crypto.encryption)).size(12))
                .padding([2, 6])
                .style(container::rounded_box),
            tooltip::Position::Top,
        ));
    }
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
        let nick = crate::ui::rooms::sender_nick(&m.sender);
        content = content.push(
            text(nick.to_owned())
                .size(12)
                .font(BOLD)
                .style(style::nick(crate::ui::room_view::nick_color(nick))),
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
        _ if m.crypto.decryption_error.is_some() => text(format::decryption_failure(m))
            .size(13)
            .style(style::muted)
            .into(),
        // A file message's body is its URL (or empty until uploaded): the
        // card shows the file instead.
        Some(file) => crate::ui::files::card(m, file, account, pictures),
        None => text(&m.body).size(14).into(),
    };
    content = content.push(main);
    content = content.push(container(meta).align_right(Length::Shrink));
    let body = container(content).padding([6, 12]).max_width(520).style(
        match bubble_kind(m, room.is_some()) {
            _ if chat.found.as_deref() == Some(&m.id) => style::bubble_found,
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
        content = content
            .push(space().height(8))
            .push(
                container(
                    button(text(fl!("add-account-button")))
                        .padding([10, 20])
                        .on_press(Message::ShowAddAccount),
                )
                .id(ids::WELCOME_ADD_ACCOUNT),
            )
            .push(
                container(
                    button(text(fl!("welcome-restore")).size(13))
                        .padding([6, 12])
                        .style(button::text)
                        .on_press(Message::ShowRestore),
                )
                .id(ids::backup::WELCOME_RESTORE),
            );
    }
    center(content).into()
}
