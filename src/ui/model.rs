//! The GUI's view models, built only from actor events.

use iced::widget::text_editor;
use tokio::sync::mpsc;

use crate::account::AccountCommand;
use crate::api::{
    AccountId, Contact, ConversationKind, ConversationSummary, Direction, Event, MessageRecord,
    MessageState, ServerInfo,
};
use crate::config::{AccountConfig, AccountEntry, BrokenAccount, Config};

use super::format::{self, Connection};

/// Page size for history requests.
pub const PAGE: u32 = 50;

/// Most messages the open chat holds and lays out: a few pages around what
/// is visible. Scrolling further drops pages at the other end (they are
/// read again from the store when scrolled back to), so memory and layout
/// work do not grow with the length of the history.
pub const WINDOW: usize = 4 * PAGE as usize;

/// One configured account.
#[derive(Debug)]
pub enum Account {
    Ok(Box<LiveAccount>),
    Broken(BrokenAccount),
}

impl Account {
    pub fn id(&self) -> &str {
        match self {
            Account::Ok(a) => &a.config.id,
            Account::Broken(b) => &b.id,
        }
    }
}

/// A valid account and what its actor told us.
#[derive(Debug)]
pub struct LiveAccount {
    pub config: AccountConfig,
    pub connection: Connection,
    pub roster: Vec<Contact>,
    pub conversations: Vec<ConversationSummary>,
    pub sender: Option<mpsc::UnboundedSender<AccountCommand>>,
    /// The last `server_info` answer.
    pub server_info: Option<ServerInfo>,
    /// XML console lines, newest last (at most `console::KEEP`).
    pub console: std::collections::VecDeque<(Direction, String)>,
    /// Bumped when the actor must start again with new settings; part of
    /// the subscription's identity.
    pub generation: u64,
    /// Contacts typing right now, with when they said so.
    pub typing: std::collections::HashMap<String, std::time::Instant>,
    /// Our presence on this account, as the actor reported it.
    pub own_presence: (crate::api::Availability, Option<String>),
    /// People asking to see our presence, unanswered.
    pub subscription_requests: Vec<(String, Option<String>)>,
    /// Blocked JIDs.
    pub blocklist: Vec<String>,
    /// Avatar thumbnails announced since start (also non-contacts and we).
    pub avatars: std::collections::HashMap<String, Option<String>>,
    /// The last `profile` answer (the details pane).
    pub profile: Option<crate::api::PeerProfile>,
    /// The presence the user chose (automatic away starts from it).
    pub chosen_presence: crate::account::presence::OwnPresence,
    /// File uploads and downloads under way, by message id.
    pub transfers: super::files::Transfers,
    /// Group chats, by room JID.
    pub rooms: std::collections::HashMap<String, super::rooms::Room>,
    /// Invitations to rooms, unanswered.
    pub invitations: Vec<super::rooms::Invitation>,
}

impl LiveAccount {
    pub fn new(config: AccountConfig) -> Self {
        LiveAccount {
            config,
            connection: Connection::default(),
            roster: Vec::new(),
            conversations: Vec::new(),
            sender: None,
            server_info: None,
            console: Default::default(),
            generation: 0,
            typing: Default::default(),
            own_presence: (crate::api::Availability::Available, None),
            subscription_requests: Vec::new(),
            blocklist: Vec::new(),
            avatars: Default::default(),
            profile: None,
            chosen_presence: Default::default(),
            transfers: Default::default(),
            rooms: Default::default(),
            invitations: Vec::new(),
        }
    }

    /// Label if set, else the id.
    pub fn label(&self) -> &str {
        self.config.label.as_deref().unwrap_or(&self.config.id)
    }

    /// Whether `with` is typing (a `composing` older than this is stale:
    /// XEP-0085 clients may vanish without saying `paused`).
    pub fn is_typing(&self, with: &str) -> bool {
        const STALE: std::time::Duration = std::time::Duration::from_secs(30);
        self.typing
            .get(with)
            .is_some_and(|since| since.elapsed() < STALE)
    }

    /// Sends a command to the actor; `false` if it is not running.
    pub fn send(&self, command: AccountCommand) -> bool {
        self.sender
            .as_ref()
            .is_some_and(|s| s.send(command).is_ok())
    }

    /// Every avatar thumbnail this account knows of.
    pub fn avatar_paths(&self) -> impl Iterator<Item = &str> {
        self.roster
            .iter()
            .filter_map(|c| c.avatar.as_deref())
            .chain(self.avatars.values().flatten().map(String::as_str))
            .chain(self.profile.iter().filter_map(|p| p.avatar.as_deref()))
    }

    /// The avatar thumbnail of `jid` (a contact, or ourselves), if known.
    pub fn avatar_of(&self, jid: &str) -> Option<&str> {
        match self.avatars.get(jid) {
            Some(latest) => latest.as_deref(),
            None => self
                .roster
                .iter()
                .find(|c| c.jid == jid)
                .and_then(|c| c.avatar.as_deref()),
        }
    }

    /// Whether `jid` is a group chat.
    pub fn is_room(&self, jid: &str) -> bool {
        self.rooms.contains_key(jid)
            || self
                .conversations
                .iter()
                .any(|c| c.with == jid && c.kind == ConversationKind::Room)
    }

    pub fn unread(&self) -> u32 {
        self.conversations.iter().map(|c| c.unread).sum()
    }
}

/// Builds the account list from the config.
pub fn accounts_from(config: &Config) -> Vec<Account> {
    config
        .accounts
        .iter()
        .map(|entry| match entry {
            AccountEntry::Ok(a) => Account::Ok(Box::new(LiveAccount::new(a.clone()))),
            AccountEntry::Broken(b) => Account::Broken(b.clone()),
        })
        .collect()
}

/// The open conversation.
#[derive(Debug)]
pub struct Chat {
    pub account: AccountId,
    pub with: String,
    /// Ordered by `seq`.
    pub messages: Vec<MessageRecord>,
    /// `before` of the history request in flight.
    pub loading: Option<Option<i64>>,
    /// The archive has no older messages.
    pub complete: bool,
    pub composer: text_editor::Content,
    /// What the contact was told about our typing.
    pub typing: super::typing::Typing,
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
    /// The composer corrects this message of ours instead of sending.
    pub editing: Option<String>,
    /// The next message answers this one.
    pub replying: Option<String>,
    /// Newer messages than the held ones exist (dropped while scrolling back).
    pub newer: bool,
    /// A page after the newest held message is being read.
    pub loading_newer: bool,
    /// The list's height before a change below the visible part: the next
    /// scroll report puts the view back where it was (see `scrolled`).
    pub restore: Option<f32>,
    /// More than [`WINDOW`] messages are held after an older page: the
    /// newest are dropped after the next layout.
    pub trim_newest: bool,
    /// The list's height at the last scroll report.
    pub height: f32,
    /// A room's pane (occupant list, menu, forms); unused in 1:1 chats.
    pub room: super::room_actions::Pane,
}

impl Chat {
    pub fn new(account: AccountId, with: String) -> Self {
        Chat {
            account,
            with,
            messages: Vec::new(),
            loading: Some(None),
            complete: false,
            composer: text_editor::Content::new(),
            typing: Default::default(),
            first_unread: None,
            unseen: false,
            at_bottom: true,
            selected: None,
            editing: None,
            replying: None,
            newer: false,
            loading_newer: false,
            restore: None,
            trim_newest: false,
            height: 0.0,
            room: Default::default(),
        }
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
    pub fn older_page(&mut self) -> Option<Option<i64>> {
        if self.loading.is_some() || self.loading_newer || self.complete {
            return None;
        }
        let before = self.messages.first().map(|m| m.seq);
        before?;
        self.loading = Some(before);
        Some(before)
    }

    /// The request for the next newer page (its `after`), if one should be
    /// sent now.
    pub fn newer_page(&mut self) -> Option<i64> {
        if !self.newer || self.loading.is_some() || self.loading_newer {
            return None;
        }
        let after = self.messages.last().map(|m| m.seq)?;
        self.loading_newer = true;
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
        self.loading_newer = false;
        self.trim_newest = false;
        self.restore = None;
        self.loading = Some(None);
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
        if self.loading_newer {
            self.loading_newer = false;
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
        if self.loading == Some(None) && self.first_unread.is_none() {
            self.first_unread = page.iter().find(|m| m.unread).map(|m| m.seq);
        }
        self.loading = None;
        if complete {
            self.complete = true;
        }
        format::merge_messages(&mut self.messages, page);
        if self.messages.len() > WINDOW {
            self.trim_newest = true;
        }
    }
}

/// What the app must do after an event was applied to an account.
#[derive(Debug, Default, PartialEq)]
pub struct Applied {
    /// The event is a problem the user should see.
    pub banner: Option<String>,
    /// The open chat got a new message: scroll down and mark read.
    pub chat_message: bool,
    /// A new incoming message (for the "new messages" line and notifications).
    pub incoming: Option<MessageRecord>,
}

/// Applies an actor event to the account and the open chat.
pub fn apply_event(account: &mut LiveAccount, chat: Option<&mut Chat>, event: Event) -> Applied {
    let mut applied = Applied::default();
    match event {
        Event::AccountState {
            state,
            reason,
            retry_in,
            jid,
            cert,
            ..
        } => {
            let c = &mut account.connection;
            c.state = Some(state);
            c.reason = reason;
            c.retry_in = retry_in;
            c.cert = cert;
            if jid.is_some() {
                c.jid = jid;
            }
            applied.banner = format::connection_problem(account.label(), &account.connection);
        }
        Event::Roster { contacts, .. } => account.roster = contacts,
        Event::Presence {
            jid,
            presence,
            status,
            last_seen,
            ..
        } => {
            if let Some(c) = account.roster.iter_mut().find(|c| c.jid == jid) {
                c.presence = presence;
                c.status = status;
                if last_seen.is_some() {
                    c.last_seen = last_seen;
                }
            }
        }
        Event::Conversations { conversations, .. } => {
            for c in &conversations {
                if c.kind == ConversationKind::Room {
                    let room = account.rooms.entry(c.with.clone()).or_default();
                    // From the store: kept across restarts, cleared when
                    // read here or on another device.
                    room.mentioned = c.unread_mentions > 0;
                }
            }
            account.conversations = conversations;
        }
        Event::History {
            with,
            messages,
            complete,
            ..
        } => {
            if let Some(chat) = chat.filter(|c| c.with == with) {
                chat.apply_history(messages, complete);
            }
        }
        Event::Message { message, .. } => {
            // A message ends the sender's typing.
            account.typing.remove(&message.with);
            let open = chat.filter(|c| c.with == message.with);
            if let Some(room) = account.rooms.get_mut(&message.with) {
                room.typing
                    .remove(super::rooms::sender_nick(&message.sender));
                if message.mention && message.direction == Direction::In && open.is_none() {
                    room.mentioned = true;
                }
            }
            update_summary(account, &message, open.is_some());
            if message.direction == Direction::In {
                applied.incoming = Some(message.clone());
            }
            if let Some(chat) = open {
                applied.chat_message = chat.apply_message(message);
            }
        }
        Event::MessageUpdated { message, .. } => {
            // The sidebar preview, if this is the conversation's last message.
            if let Some(c) = account
                .conversations
                .iter_mut()
                .find(|c| c.with == message.with && c.last_timestamp == Some(message.timestamp))
            {
                c.last_body = Some(message.body.clone());
                c.last_file = message.file.as_ref().map(|f| f.name.clone());
            }
            if let Some(m) = chat.and_then(|c| c.messages.iter_mut().find(|m| m.id == message.id)) {
                *m = message;
            }
        }
        Event::MessageState {
            id, state, error, ..
        } => {
            if let Some(m) = chat.and_then(|c| c.messages.iter_mut().find(|m| m.id == id)) {
                m.state = state;
                m.error = error;
            }
        }
        Event::Error {
            message,
            code,
            condition,
            ..
        } => {
            let text = super::format::error_text(&message, code.as_deref(), condition.as_deref());
            applied.banner = Some(format!("{}: {text}", account.label()));
        }
        Event::ServerInfo { info, .. } => account.server_info = Some(info),
        Event::ChatState {
            with,
            state,
            nick: Some(nick),
            ..
        } if account.is_room(&with) => {
            let composing = state == crate::api::ChatStateKind::Composing;
            super::rooms::typing(account, with, nick, composing);
        }
        Event::ChatState { with, state, .. } => {
            if state == crate::api::ChatStateKind::Composing {
                account.typing.insert(with, std::time::Instant::now());
            } else {
                account.typing.remove(&with);
            }
        }
        Event::Console { direction, xml, .. } => {
            if account.console.len() >= super::console::KEEP {
                account.console.pop_front();
            }
            account.console.push_back((direction, xml));
        }
        Event::PasswordChanged { note, .. } => {
            let done = crate::fl!("settings-password-changed", account = account.label());
            applied.banner = Some(match note {
                Some(n) => format!("{done} {n}"),
                None => done,
            });
        }
        Event::OwnPresence {
            presence,
            status,
            idle_since,
            ..
        } => {
            // Without idle time it is what the user chose (here, in another
            // front-end or before a restart); automatic away has one.
            if idle_since.is_none() {
                account.chosen_presence = crate::account::presence::OwnPresence {
                    presence,
                    status: status.clone(),
                    idle_since: None,
                };
            }
            account.own_presence = (presence, status);
        }
        Event::SubscriptionRequest { jid, nick, .. } => {
            if !account.subscription_requests.iter().any(|(j, _)| *j == jid) {
                account.subscription_requests.push((jid, nick));
            }
        }
        Event::Blocklist { jids, .. } => account.blocklist = jids,
        Event::Avatar { jid, path, .. } => {
            if let Some(c) = account.roster.iter_mut().find(|c| c.jid == jid) {
                c.avatar = path.clone();
            }
            account.avatars.insert(jid, path);
        }
        Event::Nick { jid, nick, .. } => {
            if let Some(c) = account.roster.iter_mut().find(|c| c.jid == jid) {
                c.nick = nick;
            }
        }
        Event::Profile { profile, .. } => {
            if let Some(path) = &profile.avatar {
                account
                    .avatars
                    .insert(profile.jid.clone(), Some(path.clone()));
            }
            account.profile = Some(profile);
        }
        Event::Accounts { .. }
        | Event::AccountAdded { .. }
        | Event::AccountRemoved { .. }
        | Event::AccountUpdated { .. }
        | Event::RegistrationForm { .. }
        | Event::SearchResults { .. }
        | Event::ArchiveSynced { .. } => {}
        event @ (Event::RoomJoined { .. }
        | Event::RoomLeft { .. }
        | Event::Occupant { .. }
        | Event::Occupants { .. }
        | Event::RoomMembers { .. }
        | Event::Subject { .. }
        | Event::Invitation { .. }
        | Event::Rooms { .. }
        | Event::MucError { .. }) => {
            applied.banner = super::rooms::apply_event(account, event);
        }
        event @ (Event::Transfer { .. } | Event::FileTooLarge { .. }) => {
            applied.banner = super::files::apply_event(account, chat, event);
        }
    }
    applied
}

/// Moves the conversation of `m` to the top with its new last message.
fn update_summary(account: &mut LiveAccount, m: &MessageRecord, is_open: bool) {
    let pos = account.conversations.iter().position(|c| c.with == m.with);
    let mut summary = match pos {
        Some(i) => account.conversations.remove(i),
        None => ConversationSummary {
            with: m.with.clone(),
            ..Default::default()
        },
    };
    summary.last_body = Some(m.body.clone());
    summary.last_file = m.file.as_ref().map(|f| f.name.clone());
    summary.last_timestamp = Some(m.timestamp);
    if m.direction == Direction::In && !is_open {
        summary.unread += 1;
    }
    account.conversations.insert(0, summary);
}

#[cfg(test)]
mod tests;
