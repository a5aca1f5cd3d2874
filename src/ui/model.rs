//! The GUI's view models, built only from actor events.

use crate::accounts::{AccountSender, ToAccount};
use crate::api::{
    AccountRequest, ConnState, Contact, ConversationKind, ConversationSummary, Direction, Event,
    MessageRecord, ServerInfo,
};
use crate::config::{AccountConfig, AccountEntry, BrokenAccount, Config};

use super::conversation;
use super::format::{self, Connection};

/// Page size for history requests.
pub const PAGE: u32 = 50;

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
    pub sender: Option<AccountSender>,
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
    pub chosen_presence: crate::api::OwnPresence,
    /// File uploads and downloads under way, by message id.
    pub transfers: super::files::Transfers,
    /// How files went (direct or through the server), by message id.
    pub methods: super::files::Methods,
    /// Group chats, by room JID.
    pub rooms: std::collections::HashMap<String, super::rooms::Room>,
    /// Invitations to rooms, unanswered.
    pub invitations: Vec<super::rooms::Invitation>,
    /// OMEMO devices and trust as last told.
    pub omemo: super::devices::Known,
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
            methods: Default::default(),
            rooms: Default::default(),
            invitations: Vec::new(),
            omemo: Default::default(),
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

    /// Sends a request to the actor; `false` if it is not running.
    pub fn send(&self, request: AccountRequest) -> bool {
        self.tell(request.into())
    }

    /// Tells the actor to close its connection and end.
    pub fn shutdown(&self) -> bool {
        self.tell(ToAccount::Shutdown)
    }

    /// Hands the actor settings that apply without reconnecting.
    pub fn reconfigure(&self, config: AccountConfig) -> bool {
        self.tell(ToAccount::Reconfigure(Box::new(config)))
    }

    fn tell(&self, message: ToAccount) -> bool {
        self.sender
            .as_ref()
            .is_some_and(|s| s.send(message).is_ok())
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

/// What the app must do after an event was applied to an account.
#[derive(Debug, Default, PartialEq)]
pub struct Applied {
    /// The event is a problem the user should see.
    pub banner: Option<String>,
    /// The open chat got a new message: scroll down and mark read.
    pub chat_message: bool,
    /// A new incoming message (for the "new messages" line and notifications).
    pub incoming: Option<MessageRecord>,
    /// A file offered to us directly (its message came just before).
    pub offer: Option<super::files::Offer>,
    /// A result the user asked for (an export, a deletion): an info banner.
    pub notice: Option<String>,
}

/// Applies an actor event to the account and the open chat.
pub fn apply_event(
    account: &mut LiveAccount,
    chat: Option<&mut conversation::State>,
    event: Event,
) -> Applied {
    let mut applied = Applied::default();
    match event {
        Event::AccountState {
            state,
            reason,
            retry_in,
            retry_at,
            jid,
            cert,
            ..
        } => {
            let c = &mut account.connection;
            c.state = Some(state);
            c.reason = reason;
            c.retry_in = retry_in;
            c.retry_at = retry_at;
            c.cert = cert;
            // A catch-up goes on over a resumed session (the same stream);
            // a new session (its JID) starts its own, and without a
            // connection there is none.
            if jid.is_some() || !matches!(state, ConnState::Online | ConnState::Reconnecting) {
                c.catching_up = false;
            }
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
            if let Some(chat) = chat
                && let Some(m) = chat.messages.iter_mut().find(|m| m.id == message.id)
            {
                let moved = (m.timestamp, m.pos) != (message.timestamp, message.pos);
                *m = message;
                if moved {
                    super::format::merge_messages(&mut chat.messages, Vec::new());
                }
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
            let text = super::format::error_banner(&message, code.as_deref(), condition.as_deref());
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
                account.chosen_presence = crate::api::OwnPresence {
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
        | Event::SearchResults { .. } => {}
        Event::ArchiveSyncing { .. } => account.connection.catching_up = true,
        Event::ArchiveSynced { .. } => account.connection.catching_up = false,
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
        // The `message` before it brought the card; this is for the
        // notification.
        Event::FileOffer {
            with,
            name,
            size,
            contact,
            ..
        } => {
            applied.offer = Some(super::files::Offer {
                with,
                name,
                size,
                contact,
            });
        }
        Event::ExportDone {
            path,
            messages,
            bytes,
            ..
        } => {
            applied.notice = Some(super::history::export_done(account, &path, messages, bytes));
        }
        Event::HistoryDeleted {
            with,
            id,
            messages,
            retention,
            ..
        } => {
            applied.notice = super::history::deleted(account, chat, with, id, messages, retention);
        }
        // The window writes its backups itself (`backup.rs`).
        Event::BackupDone {
            path,
            bytes,
            needs_password,
        } => applied.notice = Some(super::backup::done_text(&path, bytes, &needs_password)),
        Event::Devices { jid, devices, .. } => {
            account.omemo.by_jid.insert(jid, devices);
        }
        Event::Encryption {
            with,
            encrypted,
            unavailable,
            unreachable,
            ..
        } => {
            if let Some(chat) = chat
                && chat.with == with
            {
                chat.encryption = Some(encrypted);
                chat.encryption_unavailable = unavailable.is_some();
                chat.unreachable = unreachable;
            }
        }
        Event::Verification {
            jid,
            matched,
            mismatched,
            unknown,
            ..
        } => {
            account.omemo.verification = Some(super::devices::Verification {
                jid,
                matched: matched.len(),
                mismatched: mismatched.len(),
                unknown: unknown.len(),
            });
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
