//! The open conversation's state: its messages (a window of pages around
//! what is visible), paging, the composer and what it is for.

use iced::widget::text_editor;

use super::Mode;
use crate::api::{AccountId, Direction, MessageRecord, MessageState};
use crate::ui::format;
use crate::ui::model::PAGE;

/// Most messages the open chat holds and lays out: a few pages around what
/// is visible. Scrolling further drops pages at the other end (they are
/// read again from the store when scrolled back to), so memory and layout
/// work do not grow with the length of the history.
pub const WINDOW: usize = 4 * PAGE as usize;

/// The history request in flight, at most one at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Loading {
    Idle,
    /// The newest page (opening, or back to the end).
    Newest,
    /// An older page, before this `seq`.
    Older(i64),
    /// A newer page, after newer messages were dropped while scrolling back.
    Newer,
}

impl Loading {
    /// Shown as "loading" above the messages (a newer page comes in below).
    pub fn shows(self) -> bool {
        matches!(self, Loading::Newest | Loading::Older(_))
    }
}

/// The open conversation.
#[derive(Debug)]
pub struct State {
    pub account: AccountId,
    pub with: String,
    /// Ordered by `seq`.
    pub messages: Vec<MessageRecord>,
    pub loading: Loading,
    /// The archive has no older messages.
    pub complete: bool,
    pub composer: text_editor::Content,
    /// What the contact was told about our typing.
    pub typing: crate::ui::typing::Typing,
    /// The "new messages" line goes before this message (seq): where the
    /// user left off when opening the conversation.
    pub first_unread: Option<i64>,
    /// Messages arrived that the user has not seen yet (window unfocused or
    /// scrolled up); they are marked read once the user looks.
    pub unseen: bool,
    /// The list shows its newest end.
    pub at_bottom: bool,
    /// The message whose actions (reply, react, edit, retract) are shown.
    pub selected: Option<String>,
    /// The message whose "Delete here" waits for its confirmation.
    pub confirm_delete: Option<String>,
    /// What Send does with the composer's text.
    pub mode: Mode,
    /// Newer messages than the held ones exist (dropped while scrolling back).
    pub newer: bool,
    /// The list's height before a change below the visible part: the next
    /// scroll report puts the view back where it was (see `scrolled`).
    pub restore: Option<f32>,
    /// More than [`WINDOW`] messages are held after an older page: the
    /// newest are dropped after the next layout.
    pub trim_newest: bool,
    /// The list's height at the last scroll report.
    pub height: f32,
    /// A room's pane (occupant list, menu, forms); unused in 1:1 chats.
    pub room: crate::ui::room_actions::RoomTools,
    /// How a message written now travels (None until the account said,
    /// see `encryption`).
    pub encryption: Option<crate::api::Encryption>,
    /// A group that cannot be encrypted (open or semi-anonymous).
    pub encryption_unavailable: bool,
    /// A group's members who cannot read its encrypted messages.
    pub unreachable: Vec<String>,
    /// The message a search result opened the conversation at: marked.
    pub found: Option<String>,
}

impl State {
    pub fn new(account: AccountId, with: String) -> Self {
        State {
            account,
            with,
            messages: Vec::new(),
            loading: Loading::Newest,
            complete: false,
            composer: text_editor::Content::new(),
            typing: Default::default(),
            first_unread: None,
            unseen: false,
            at_bottom: true,
            selected: None,
            confirm_delete: None,
            mode: Mode::New,
            newer: false,
            restore: None,
            trim_newest: false,
            height: 0.0,
            room: Default::default(),
            encryption: None,
            encryption_unavailable: false,
            unreachable: Vec::new(),
            found: None,
        }
    }

    /// The conversation of `message`, opened at it: it is the newest held
    /// message, the older page is on its way (the caller asks for it) and
    /// newer ones load as the user scrolls down, as after scrolling back.
    pub fn at(account: AccountId, message: MessageRecord) -> Self {
        let mut chat = State::new(account, message.with.clone());
        chat.loading = Loading::Older(message.seq);
        chat.newer = true;
        chat.at_bottom = false;
        chat.found = Some(message.id.clone());
        chat.messages.push(message);
        chat
    }

    /// The conversation's history was deleted here: nothing is left to
    /// show or to page through (the list says it is empty).
    pub fn clear_history(&mut self) {
        self.messages.clear();
        self.selected = None;
        self.confirm_delete = None;
        self.first_unread = None;
        self.found = None;
        self.newer = false;
        self.trim_newest = false;
        self.restore = None;
        self.loading = Loading::Idle;
        self.complete = true;
        self.unseen = false;
    }

    /// Takes over what `old` (the same conversation) was writing.
    pub fn keep_composer(&mut self, old: State) {
        self.composer = old.composer;
        self.mode = old.mode;
        self.typing = old.typing;
        self.encryption = old.encryption;
        self.encryption_unavailable = old.encryption_unavailable;
        self.unreachable = old.unreachable;
        self.room = old.room;
    }

    pub fn message(&self, id: &str) -> Option<&MessageRecord> {
        self.messages.iter().find(|m| m.id == id)
    }

    /// Our newest message that can still be corrected.
    pub fn last_own(&self) -> Option<&MessageRecord> {
        self.messages
            .iter()
            .rev()
            .find(|m| m.direction == Direction::Out && !m.retracted)
    }

    /// After the newest of our messages the contact has read, if anything
    /// follows it (else its tick says enough).
    pub fn read_line_after(&self) -> Option<i64> {
        let i = self
            .messages
            .iter()
            .rposition(|m| m.direction == Direction::Out && m.state == MessageState::Read)?;
        (i + 1 < self.messages.len()).then(|| self.messages[i].seq)
    }

    pub fn is(&self, account: &str, with: &str) -> bool {
        self.account == account && self.with == with
    }

    /// The request for the next older page, if one should be sent now.
    pub fn older_page(&mut self) -> Option<i64> {
        if self.loading != Loading::Idle || self.complete {
            return None;
        }
        let before = self.messages.first()?.seq;
        self.loading = Loading::Older(before);
        Some(before)
    }

    /// The request for the next newer page (its `after`), if one should be
    /// sent now.
    pub fn newer_page(&mut self) -> Option<i64> {
        if !self.newer || self.loading != Loading::Idle {
            return None;
        }
        let after = self.messages.last().map(|m| m.seq)?;
        self.loading = Loading::Newer;
        Some(after)
    }

    /// Starts over at the newest page (e.g. sending while scrolled back
    /// past the window): returns true if a newest page must be requested.
    pub fn back_to_newest(&mut self) -> bool {
        if !self.newer {
            return false;
        }
        self.messages.clear();
        self.newer = false;
        self.trim_newest = false;
        self.restore = None;
        self.loading = Loading::Newest;
        true
    }

    /// A scroll report (also sent after a layout changed the list): puts
    /// the view back after a change below it, or drops the newest messages
    /// beyond the window. `offset` is the distance from the newest end.
    /// Returns the offset to scroll to, if the view must move.
    pub fn scrolled(&mut self, offset: f32, height: f32) -> Option<f32> {
        let mut target = None;
        if let Some(before) = self.restore.take() {
            if (height - before).abs() > 0.5 {
                target = Some((offset + height - before).max(0.0));
            }
        } else if self.trim_newest {
            self.trim_newest = false;
            if self.messages.len() > WINDOW {
                self.messages.truncate(WINDOW);
                self.newer = true;
                self.restore = Some(height);
            }
        }
        self.height = height;
        target
    }

    /// A live message for this chat. Returns false if it is not held
    /// because newer messages were dropped (it comes with their pages).
    pub fn apply_message(&mut self, message: MessageRecord) -> bool {
        if self.newer {
            return false;
        }
        if !self.at_bottom {
            // Anchored at the newest end: keep what the user reads in place.
            self.restore = Some(self.height);
        }
        format::merge_messages(&mut self.messages, vec![message]);
        true
    }

    /// Applies a history page.
    pub fn apply_history(&mut self, page: Vec<MessageRecord>, complete: bool) {
        if self.loading == Loading::Newer {
            self.loading = Loading::Idle;
            if page.len() < PAGE as usize {
                self.newer = false;
            }
            // Added below the view, which is anchored at the newest end.
            self.restore = Some(self.height);
            format::merge_messages(&mut self.messages, page);
            if self.messages.len() > WINDOW {
                // Above the view: dropping them does not move it.
                let excess = self.messages.len() - WINDOW;
                self.messages.drain(..excess);
                self.complete = false;
            }
            return;
        }
        if self.loading == Loading::Newest && self.first_unread.is_none() {
            self.first_unread = page.iter().find(|m| m.unread).map(|m| m.seq);
        }
        self.loading = Loading::Idle;
        if complete {
            self.complete = true;
        }
        format::merge_messages(&mut self.messages, page);
        if self.messages.len() > WINDOW {
            self.trim_newest = true;
        }
    }
}
