//! What happened, reported to the front-ends.

use super::*;

/// Something that happened, reported to the front-end.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    Accounts {
        accounts: Vec<AccountInfo>,
    },
    AccountAdded {
        account: AccountId,
    },
    AccountRemoved {
        account: AccountId,
    },
    /// Answer to `registration_form`.
    RegistrationForm {
        jid: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        instructions: Option<String>,
        fields: Vec<RegistrationField>,
    },
    /// The account's password was changed on the server. `note` says what
    /// the user still has to do (e.g. update a password command).
    PasswordChanged {
        account: AccountId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// Settings of an account changed (`update_account`, `pin_cert`).
    AccountUpdated {
        account: AccountId,
    },
    AccountState {
        account: AccountId,
        state: ConnState,
        /// Human-readable reason for offline / failure states.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
        /// Seconds until the next attempt, for `reconnecting`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        retry_in: Option<u64>,
        /// When the next attempt is made (UTC), for `reconnecting`: a
        /// front-end counts down to it (`retry_in` is only the start).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        retry_at: Option<DateTime<Utc>>,
        /// The JID the server bound, for `online`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        jid: Option<String>,
        /// The refused certificate, for `cert_untrusted`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cert: Option<CertInfo>,
    },
    /// A message was stored (incoming, or outgoing from this or another device).
    Message {
        account: AccountId,
        #[serde(flatten)]
        message: MessageRecord,
        #[serde(default, rename = "ref", skip_serializing_if = "Option::is_none")]
        reference: Option<String>,
    },
    /// A stored message changed: corrected, retracted or reacted to, or moved
    /// into the server archive's order (new `timestamp` and `pos`).
    MessageUpdated {
        account: AccountId,
        #[serde(flatten)]
        message: MessageRecord,
    },
    MessageState {
        account: AccountId,
        id: String,
        #[serde(default, rename = "ref", skip_serializing_if = "Option::is_none")]
        reference: Option<String>,
        state: MessageState,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        error: Option<String>,
    },
    /// A stanza seen by the XML console (while it is on): pretty-printed,
    /// secrets blanked.
    Console {
        account: AccountId,
        direction: Direction,
        xml: String,
    },
    /// A file transfer moved on: state changes and progress (at most
    /// about ten a second per transfer). `id` is the message's.
    Transfer {
        account: AccountId,
        id: String,
        direction: Direction,
        state: TransferState,
        /// Bytes transferred so far.
        bytes: u64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        total: Option<u64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        error: Option<String>,
        /// How the file goes, once that is decided (`upload`, `socks5`,
        /// `ibb`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        method: Option<TransferMethod>,
        #[serde(default, rename = "ref", skip_serializing_if = "Option::is_none")]
        reference: Option<String>,
    },
    /// A backup is written (`backup`): `bytes` bytes at `path`; `accounts`
    /// whose password is in the keyring need it again after a restore.
    BackupDone {
        path: String,
        bytes: u64,
        needs_password: Vec<AccountId>,
    },
    /// An export is written: `messages` messages, `bytes` bytes at `path`.
    ExportDone {
        account: AccountId,
        path: String,
        messages: u64,
        bytes: u64,
    },
    /// Messages were deleted here: one (`id`), a conversation's (`with`
    /// without `id`), or, by the account's retention, every message older
    /// than it keeps (`retention: true`, neither `id` nor `with`).
    HistoryDeleted {
        account: AccountId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        with: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        messages: u64,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        retention: bool,
    },
    /// Someone offers a file for direct transfer (XEP-0234). It is stored
    /// as an incoming message with a file in state `offered` (`id`);
    /// answer with `accept_file` or `decline_file`. Offers are accepted
    /// automatically only from contacts and within the account's
    /// automatic download size (then a `transfer` follows at once).
    FileOffer {
        account: AccountId,
        id: String,
        /// The bare JID of the conversation, and the sending client.
        with: String,
        from: String,
        name: String,
        size: u64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        media_type: Option<String>,
        /// The sender is in the roster (strangers' offers are only shown).
        contact: bool,
    },
    /// A file cannot be sent: it is larger than the server's upload limit
    /// (`max_size`, bytes). `id` is the message's if it was already queued.
    FileTooLarge {
        account: AccountId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        path: String,
        size: u64,
        max_size: u64,
        /// The same for people, e.g. "report.pdf is 70.0 MiB; the server
        /// accepts files up to 64.0 MiB".
        message: String,
        #[serde(default, rename = "ref", skip_serializing_if = "Option::is_none")]
        reference: Option<String>,
    },
    /// A contact's chat state (typing, paused, gone, …). Not stored; a
    /// front-end lets `composing` expire after a while.
    ChatState {
        account: AccountId,
        with: String,
        state: ChatStateKind,
        /// In a room: the occupant who is typing.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        nick: Option<String>,
    },
    /// Answer to `search`.
    SearchResults {
        account: AccountId,
        query: String,
        messages: Vec<MessageRecord>,
    },
    /// Answer to `server_info`.
    ServerInfo {
        account: AccountId,
        #[serde(flatten)]
        info: ServerInfo,
    },
    /// The archive catch-up after a (re)connect has started (it ends with
    /// `ArchiveSynced`).
    ArchiveSyncing {
        account: AccountId,
    },
    /// The archive catch-up after a (re)connect is done; `new_messages` of
    /// the messages it fetched were not stored before.
    ArchiveSynced {
        account: AccountId,
        new_messages: u32,
    },
    History {
        account: AccountId,
        with: String,
        messages: Vec<MessageRecord>,
        /// True when nothing older exists, locally or in the server archive.
        #[serde(default)]
        complete: bool,
    },
    Roster {
        account: AccountId,
        contacts: Vec<Contact>,
    },
    /// A contact's presence changed.
    Presence {
        account: AccountId,
        jid: String,
        presence: Availability,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        status: Option<String>,
        /// Idle since (XEP-0319), if the contact's client says.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        idle_since: Option<DateTime<Utc>>,
        /// For `offline`: when the contact's last client left (its idle
        /// time if it sent one, else now); also in `roster` and `profile`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        last_seen: Option<DateTime<Utc>>,
    },
    /// Someone asks to see our presence; answer with `answer_subscription`.
    /// Repeated after each login while unanswered (the server keeps it).
    SubscriptionRequest {
        account: AccountId,
        jid: String,
        /// The nickname they sent with the request (XEP-0172), or the one
        /// we know for them. Chosen by them: show it next to the JID, never
        /// instead of it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        nick: Option<String>,
    },
    /// The blocked JIDs (after login, `block`, `unblock`, `blocklist`).
    Blocklist {
        account: AccountId,
        jids: Vec<String>,
    },
    /// A contact's (or our own) avatar changed; `path` is the cached
    /// thumbnail, None when the avatar was removed.
    Avatar {
        account: AccountId,
        jid: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        path: Option<String>,
    },
    /// A contact's (or our own) nickname changed (XEP-0172).
    Nick {
        account: AccountId,
        jid: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        nick: Option<String>,
    },
    /// The answer to `profile`.
    Profile {
        account: AccountId,
        profile: PeerProfile,
    },
    /// Our own presence on this account changed.
    OwnPresence {
        account: AccountId,
        presence: Availability,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        status: Option<String>,
        /// Set while away automatically because the user is idle.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        idle_since: Option<DateTime<Utc>>,
    },
    Conversations {
        account: AccountId,
        conversations: Vec<ConversationSummary>,
    },
    /// We are in a room (after `join_room`, `create_room`, autojoin or a
    /// rejoin): our nick (it may differ from the one asked for after a
    /// conflict) and everyone there.
    RoomJoined {
        account: AccountId,
        room: String,
        nick: String,
        occupants: Vec<Occupant>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        subject: Option<String>,
        /// We created the room just now.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        created: bool,
        /// The room offers moderated retraction (XEP-0425).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        moderation: bool,
    },
    RoomLeft {
        account: AccountId,
        room: String,
        reason: LeaveReason,
        /// Who did it (their nick or JID), where the room says.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        actor: Option<String>,
        /// Their stated reason.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        text: Option<String>,
    },
    /// An occupant came, changed or (`left`) went.
    Occupant {
        account: AccountId,
        room: String,
        #[serde(flatten)]
        occupant: Occupant,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        left: bool,
    },
    Occupants {
        account: AccountId,
        room: String,
        occupants: Vec<Occupant>,
    },
    /// The answer to `room_members`: owners, admins and members.
    RoomMembers {
        account: AccountId,
        room: String,
        members: Vec<RoomMember>,
    },
    Subject {
        account: AccountId,
        room: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        subject: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        by: Option<String>,
    },
    /// Someone invites us to a room (XEP-0249 or XEP-0045 mediated);
    /// accepting is `join_room`.
    Invitation {
        account: AccountId,
        room: String,
        from: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        password: Option<String>,
    },
    Rooms {
        account: AccountId,
        rooms: Vec<RoomInfo>,
    },
    /// A room request failed. `condition` is the XMPP error condition in
    /// snake_case (`registration_required`: not a member, `conflict`,
    /// `forbidden`, `not_allowed`, `item_not_found`, …) or `unsupported`.
    MucError {
        account: AccountId,
        room: String,
        condition: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        text: Option<String>,
    },
    /// The OMEMO devices of `jid` (answer to `devices`; also after
    /// `omemo_remove_device`).
    Devices {
        account: AccountId,
        jid: String,
        devices: Vec<DeviceInfo>,
    },
    /// The answer to `verify_uri`: the device ids whose fingerprint matched
    /// (now verified), did not match the key we know (nothing changed: a
    /// wrong or old fingerprint, or someone else's key), or are unknown
    /// (no such device, or its key was not read yet).
    Verification {
        account: AccountId,
        jid: String,
        matched: Vec<u32>,
        mismatched: Vec<u32>,
        unknown: Vec<u32>,
    },
    /// Whether new messages to `with` are encrypted (answer to
    /// `encryption`): `enabled` is the conversation's own switch (absent:
    /// the account's default applies), `encrypted` what a message written
    /// now gets (`none`, `omemo`, `omemo2`).
    ///
    /// For a group: `unavailable` says why it cannot be encrypted at all
    /// (`open_room`: not members-only and non-anonymous); `unreachable`
    /// lists the members who cannot read its encrypted messages (no
    /// device with OMEMO, or none trusted).
    Encryption {
        account: AccountId,
        with: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        enabled: Option<bool>,
        encrypted: crate::api::Encryption,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unavailable: Option<crate::api::EncryptionUnavailable>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        unreachable: Vec<String>,
    },
    /// Something failed. `message` is a plain English sentence, `code` the
    /// kind of problem (see [`Problem`]). Where the server refused a
    /// request (`roster_request`, `roster_change`, `avatar`,
    /// `password_change`), `condition` is the XMPP error condition in
    /// snake_case, as in `muc_error`.
    Error {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        account: Option<AccountId>,
        message: String,
        #[serde(default, rename = "ref", skip_serializing_if = "Option::is_none")]
        reference: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        code: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        condition: Option<String>,
    },
}

impl Event {
    /// A plain state change without reason, delay, JID or certificate.
    pub fn account_state(account: &str, state: ConnState) -> Self {
        Event::AccountState {
            account: account.to_owned(),
            state,
            reason: None,
            retry_in: None,
            retry_at: None,
            jid: None,
            cert: None,
        }
    }

    pub fn error(account: Option<&str>, message: impl Into<String>) -> Self {
        Event::Error {
            account: account.map(str::to_owned),
            message: message.into(),
            reference: None,
            code: None,
            condition: None,
        }
    }

    /// An error of a known kind; `message` says in English what exactly.
    pub fn problem(account: Option<&str>, problem: Problem, message: impl Into<String>) -> Self {
        Event::Error {
            account: account.map(str::to_owned),
            message: message.into(),
            reference: None,
            code: Some(problem.code().to_owned()),
            condition: None,
        }
    }

    /// The account an event belongs to, if any.
    pub fn account(&self) -> Option<&str> {
        match self {
            Event::Accounts { .. } | Event::RegistrationForm { .. } | Event::BackupDone { .. } => {
                None
            }
            Event::AccountAdded { account }
            | Event::AccountRemoved { account }
            | Event::AccountUpdated { account }
            | Event::PasswordChanged { account, .. }
            | Event::AccountState { account, .. }
            | Event::Message { account, .. }
            | Event::MessageState { account, .. }
            | Event::MessageUpdated { account, .. }
            | Event::Transfer { account, .. }
            | Event::FileOffer { account, .. }
            | Event::ExportDone { account, .. }
            | Event::HistoryDeleted { account, .. }
            | Event::FileTooLarge { account, .. }
            | Event::History { account, .. }
            | Event::SearchResults { account, .. }
            | Event::ChatState { account, .. }
            | Event::ArchiveSyncing { account }
            | Event::ArchiveSynced { account, .. }
            | Event::Console { account, .. }
            | Event::ServerInfo { account, .. }
            | Event::Roster { account, .. }
            | Event::Presence { account, .. }
            | Event::SubscriptionRequest { account, .. }
            | Event::Blocklist { account, .. }
            | Event::OwnPresence { account, .. }
            | Event::Avatar { account, .. }
            | Event::Nick { account, .. }
            | Event::Profile { account, .. }
            | Event::Conversations { account, .. }
            | Event::RoomJoined { account, .. }
            | Event::RoomLeft { account, .. }
            | Event::Occupant { account, .. }
            | Event::Occupants { account, .. }
            | Event::RoomMembers { account, .. }
            | Event::Subject { account, .. }
            | Event::Invitation { account, .. }
            | Event::Rooms { account, .. }
            | Event::MucError { account, .. }
            | Event::Devices { account, .. }
            | Event::Verification { account, .. }
            | Event::Encryption { account, .. } => Some(account),
            Event::Error { account, .. } => account.as_deref(),
        }
    }
}
