//! `update` of the open conversation: the composer, sending, paging while
//! scrolling, marking read, and the message actions.

use iced::Task;
use iced::widget::text_editor::{self, Action, Motion};

use super::{Loading, Message, Mode, State};
use crate::api::{AccountRequest, Encryption};
use crate::ui::Message as AppMessage;
use crate::ui::ids;
use crate::ui::model::{LiveAccount, PAGE};

/// Scroll distance from the top (px) at which the next older page is loaded.
const LOAD_OLDER_AT: f32 = 60.0;
/// Within this distance (px) of the newest end the user sees new messages.
const AT_BOTTOM: f32 = 40.0;

/// What the conversation needs from the app besides its own state.
pub struct Context<'a> {
    /// The conversation's account (None if it is gone).
    pub account: Option<&'a mut LiveAccount>,
    /// The window has the focus: what the list shows is seen.
    pub focused: bool,
}

impl Context<'_> {
    /// Sends a command to the conversation's account; false if it cannot
    /// take it.
    fn send(&self, command: AccountRequest) -> bool {
        self.account.as_ref().is_some_and(|a| a.send(command))
    }
}

pub fn update(chat: &mut State, message: Message, ctx: Context<'_>) -> Task<AppMessage> {
    match message {
        Message::Edit(action) => {
            let edits = action.is_edit();
            chat.composer.perform(action);
            if edits {
                let empty = chat.composer.text().trim().is_empty();
                if let Some(state) = chat.typing.edited(empty, std::time::Instant::now()) {
                    let with = chat.with.clone();
                    ctx.send(AccountRequest::ChatState { with, state });
                }
            }
        }
        Message::Send => send(chat, &ctx),
        Message::Up => {
            if !chat.composer.text().trim().is_empty() {
                chat.composer.perform(Action::Move(Motion::Up));
            } else if let Some(id) = chat.last_own().map(|m| m.id.clone()) {
                return action(chat, Message::StartEdit(id), ctx);
            }
        }
        Message::Scrolled(viewport) => {
            // Anchored at the bottom: the offset is the distance from the
            // newest end, the reversed one the distance from the top.
            let offset = viewport.absolute_offset().y;
            let restore = chat.scrolled(offset, viewport.content_bounds().height);
            chat.at_bottom = offset <= AT_BOTTOM && !chat.newer;
            if !mark_seen(chat, &ctx) {
                if viewport.absolute_offset_reversed().y <= LOAD_OLDER_AT {
                    load_older(chat, &ctx);
                } else if offset <= LOAD_OLDER_AT {
                    load_newer(chat, &ctx);
                }
            }
            if let Some(y) = restore {
                return iced::widget::operation::scroll_to(
                    ids::MESSAGES,
                    iced::widget::scrollable::AbsoluteOffset {
                        x: None,
                        y: Some(y),
                    },
                );
            }
        }
        Message::Retry(id) => {
            ctx.send(AccountRequest::Retry { id });
        }
        Message::ToNewest => {
            if chat.back_to_newest() {
                chat.found = None;
                request_page(chat, &ctx, None, None);
            }
            // Offset 0 is the newest end (the list is anchored there).
            return iced::widget::operation::scroll_to(
                ids::MESSAGES,
                iced::widget::scrollable::AbsoluteOffset {
                    x: None,
                    y: Some(0.0),
                },
            );
        }
        other => return action(chat, other, ctx),
    }
    Task::none()
}

/// Sends the composer's text as a new message, a reply or a correction.
fn send(chat: &mut State, ctx: &Context<'_>) {
    let body = chat.composer.text().trim_end().to_owned();
    if body.trim().is_empty() {
        return;
    }
    let command = match &chat.mode {
        Mode::Editing(id) => AccountRequest::Correct {
            id: id.clone(),
            body,
        },
        Mode::New | Mode::Replying(_) => AccountRequest::Send {
            to: chat.with.clone(),
            body,
            reference: Some(uuid::Uuid::new_v4().to_string()),
            reply_to: chat.mode.replying().map(str::to_owned),
        },
    };
    // Scrolled back past the window: show the newest end again, where the
    // message will appear.
    if chat.back_to_newest() {
        ctx.send(AccountRequest::History {
            with: chat.with.clone(),
            limit: PAGE,
            before: None,
            after: None,
        });
    }
    if ctx.send(command) {
        chat.composer = text_editor::Content::new();
        chat.typing.sent();
        chat.mode = Mode::New;
    }
}

/// The typing tick: tells the contact we paused, once it is due.
pub fn typing_tick(chat: &mut State, ctx: Context<'_>) {
    if let Some(state) = chat.typing.tick(std::time::Instant::now()) {
        let with = chat.with.clone();
        ctx.send(AccountRequest::ChatState { with, state });
    }
}

/// Asks for the next older page, if one is due.
fn load_older(chat: &mut State, ctx: &Context<'_>) {
    if let Some(before) = chat.older_page()
        && !request_page(chat, ctx, Some(before), None)
    {
        chat.loading = Loading::Idle;
    }
}

/// Asks for the next newer page (dropped while scrolling back), if one is
/// due.
fn load_newer(chat: &mut State, ctx: &Context<'_>) {
    if let Some(after) = chat.newer_page()
        && !request_page(chat, ctx, None, Some(after))
    {
        chat.loading = Loading::Idle;
    }
}

/// Sends a history request; false if the account cannot take it.
fn request_page(chat: &State, ctx: &Context<'_>, before: Option<i64>, after: Option<i64>) -> bool {
    ctx.send(AccountRequest::History {
        with: chat.with.clone(),
        limit: PAGE,
        before,
        after,
    })
}

/// Marks the conversation read if messages arrived unseen and the user now
/// sees its newest end in the focused window; true if it did.
pub fn mark_seen(chat: &mut State, ctx: &Context<'_>) -> bool {
    if !(ctx.focused && chat.unseen && chat.at_bottom) {
        return false;
    }
    chat.unseen = false;
    ctx.send(AccountRequest::MarkRead {
        with: chat.with.clone(),
    });
    true
}

/// The message actions and the composer's modes.
fn action(chat: &mut State, message: Message, ctx: Context<'_>) -> Task<AppMessage> {
    let mut command = None;
    let mut focus = false;
    match message {
        Message::Select(id) => {
            chat.selected = (chat.selected.as_deref() != Some(&id)).then_some(id);
            chat.confirm_delete = None;
        }
        Message::Reply(id) => {
            // Text typed while editing stays, now as the reply.
            chat.mode = Mode::Replying(id);
            chat.selected = None;
            focus = true;
        }
        Message::StartEdit(id) => {
            if let Some(m) = chat.message(&id) {
                chat.composer = text_editor::Content::with_text(&m.body);
                chat.composer.perform(Action::Move(Motion::DocumentEnd));
                chat.mode = Mode::Editing(id);
                chat.selected = None;
                focus = true;
            }
        }
        Message::CancelMode => {
            // The text of a correction goes with it; a reply's stays.
            if let Mode::Editing(_) = std::mem::take(&mut chat.mode) {
                chat.composer = text_editor::Content::new();
            }
            chat.selected = None;
        }
        Message::Retract(id) => {
            chat.selected = None;
            command = Some(AccountRequest::Retract { id });
        }
        Message::Moderate(id) => {
            chat.selected = None;
            command = Some(AccountRequest::Moderate { id, reason: None });
        }
        Message::AskDelete(id) => chat.confirm_delete = Some(id),
        Message::CancelDelete => chat.confirm_delete = None,
        Message::DeleteHere(id) => {
            // It leaves the list when the account says it is gone.
            chat.confirm_delete = None;
            chat.selected = None;
            command = Some(AccountRequest::DeleteMessage { id });
        }
        Message::React(id, emoji) => {
            chat.selected = None;
            if let Some(m) = chat.message(&id) {
                let mut emojis: Vec<String> = m
                    .reactions
                    .iter()
                    .filter(|r| r.own)
                    .map(|r| r.emoji.clone())
                    .collect();
                match emojis.iter().position(|e| *e == emoji) {
                    Some(i) => {
                        emojis.remove(i);
                    }
                    None => emojis.push(emoji),
                }
                command = Some(AccountRequest::React { id, emojis });
            }
        }
        Message::ToggleMute => {
            let with = chat.with.clone();
            let muted = ctx
                .account
                .as_ref()
                .is_some_and(|a| a.conversations.iter().any(|c| c.with == with && c.muted));
            command = Some(AccountRequest::MuteConversation {
                with,
                muted: !muted,
            });
        }
        Message::ToggleEncryption => {
            let on = chat.encryption.is_some_and(|e| e != Encryption::None);
            command = Some(AccountRequest::Encryption {
                with: chat.with.clone(),
                enabled: Some(!on),
            });
        }
        Message::Edit(_)
        | Message::Send
        | Message::Up
        | Message::Scrolled(_)
        | Message::Retry(_)
        | Message::ToNewest => {}
    }
    if let Some(command) = command {
        ctx.send(command);
    }
    if focus {
        return iced::widget::operation::focus(ids::COMPOSER);
    }
    Task::none()
}
