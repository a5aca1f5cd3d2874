//! The open conversation as its own screen: [`State`] (messages, paging,
//! composer), [`Message`], [`update`] and [`view`]. A room uses the same
//! state and list; its pane and actions are in `room_view` and
//! `room_actions`.

mod composer;
mod state;
mod update;
mod view;

use iced::widget::{scrollable, text_editor};

pub use composer::Mode;
pub(crate) use composer::view as composer;
#[cfg(test)]
pub use state::WINDOW;
pub use state::{Loading, State};
pub use update::{Context, mark_seen, typing_tick, update};
pub(crate) use view::messages;
#[cfg(test)]
pub(crate) use view::{Bubble, bubble_kind};
pub use view::{view, welcome};

/// Messages of the conversation pane.
#[derive(Debug, Clone)]
pub enum Message {
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
    /// Back to writing a new message (leave editing or replying).
    CancelMode,
    /// Retract this message of ours for everyone (XEP-0424).
    Retract(String),
    /// As a room moderator, remove someone's message for everyone (XEP-0425).
    Moderate(String),
    /// "Delete here": ask to delete this message on this device only.
    AskDelete(String),
    /// Delete it here (the server's archive keeps its copy).
    DeleteHere(String),
    /// Keep it after all.
    CancelDelete,
    /// Add or remove our reaction with this emoji.
    React(String, String),
    /// Mute or unmute notifications of this conversation.
    ToggleMute,
    /// Switch end-to-end encryption (OMEMO) of this 1:1 chat on or off.
    ToggleEncryption,
    /// Back to the newest messages (after opening at a search result or
    /// scrolling far back).
    ToNewest,
}
