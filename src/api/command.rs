//! The commands: what front-ends ask of the runtime ([`AppCommand`]) and
//! of the account actors ([`AccountRequest`]), and their one flat JSON form.

use super::*;

fn default_limit() -> u32 {
    50
}

/// A request from a front-end: for the front-end runtime itself
/// ([`AppCommand`]: accounts, add_account, quit, …), or for one account's
/// actor, or for all of them ([`AccountRequest`]).
///
/// On the wire every command is one flat JSON object tagged by `cmd`; an
/// account request names its account in `account` beside its own fields
/// (see the `Serialize` and `Deserialize` impls below). Keeping the address
/// out of [`AccountRequest`] lets front-ends and the actor share that one
/// vocabulary: a new request is a variant there, its handling in the
/// actor's dispatch, and the front-end that sends it.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    App(AppCommand),
    /// A request for the account `account`.
    Account {
        account: AccountId,
        request: AccountRequest,
    },
    /// A request for every running account: `client_state` (which names no
    /// account), `set_presence` without `account`.
    EveryAccount(AccountRequest),
}

/// Commands the front-end runtime handles itself (the account list, the
/// config file, exiting).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
// Error messages name `Command`, as before the split.
#[serde(
    tag = "cmd",
    rename_all = "snake_case",
    expecting = "internally tagged enum Command"
)]
pub enum AppCommand {
    /// List the configured accounts and their connection state.
    Accounts,
    /// Add an account to the profile and start it.
    AddAccount(NewAccount),
    /// Stop an account and delete its data directory and keyring entry.
    RemoveAccount { account: AccountId },
    /// Ask a server which fields creating an account needs (XEP-0077);
    /// only the connection fields of the account are used.
    RegistrationForm(NewAccount),
    /// Create the account on the server (XEP-0077), then add it.
    RegisterAccount(Registration),
    /// Change an account's settings (rename, colour, enable/disable,
    /// connection settings, password). Connection changes reconnect it.
    UpdateAccount(AccountUpdate),
    /// Pin this certificate fingerprint for the account (and reconnect): the
    /// explicit answer to a `cert_untrusted` state.
    PinCert {
        account: AccountId,
        fingerprint: String,
    },
    /// Put the accounts in this order (ids not listed keep theirs, after these).
    ReorderAccounts { order: Vec<AccountId> },
    /// Write a backup of the whole profile to `path` (one archive: config,
    /// every account's store copied consistently while it runs, avatars,
    /// previews, and the received files if `include_files`; never a
    /// password). `backup_done`. Restore: `plausch --restore FILE`.
    Backup {
        path: String,
        #[serde(default)]
        include_files: bool,
    },
    /// Stop all accounts and exit.
    Quit,
}

/// A request to an account actor: the per-account vocabulary shared by the
/// front-ends and the actor. The address is outside, in
/// [`Command::Account`] (or [`Command::EveryAccount`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
// Error messages name `Command`, as before the split.
#[serde(
    tag = "cmd",
    rename_all = "snake_case",
    expecting = "internally tagged enum Command"
)]
pub enum AccountRequest {
    /// Change the account's password on the server (and in the keyring).
    ChangePassword {
        password: String,
    },
    /// Send a 1:1 chat message. `ref` is an opaque tag echoed in the events.
    Send {
        to: String,
        body: String,
        #[serde(default, rename = "ref", skip_serializing_if = "Option::is_none")]
        reference: Option<String>,
        /// Local id of the message this one answers (XEP-0461, quoted).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reply_to: Option<String>,
    },
    /// Send a file (XEP-0363 upload, then a message with its link, XEP-0066,
    /// and its metadata, XEP-0447/0446). Stored as a queued message with
    /// its file first: the upload runs in the background, is restarted
    /// after a lost connection and after a restart of Plausch.
    SendFile {
        to: String,
        /// A local file.
        path: String,
        #[serde(default, rename = "ref", skip_serializing_if = "Option::is_none")]
        reference: Option<String>,
    },
    /// Stop the upload or download of a message's file (`id` = message id).
    /// An upload's message becomes `failed` (it can be retried); a partial
    /// download is deleted.
    CancelTransfer {
        id: String,
    },
    /// Download the file of a received message (one that was not fetched
    /// automatically, or whose download failed or was cancelled).
    Download {
        id: String,
    },
    /// Write the history to a file: one conversation (`with`) or all of the
    /// account's; sent without `account`, every account writes its own
    /// file into the folder `path` (`<account>.<ending>`). Streamed: memory
    /// does not grow with the history. Answered by `export_done`.
    Export {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        with: Option<String>,
        #[serde(default)]
        format: ExportFormat,
        path: String,
    },
    /// Delete one message here (not on the server: the archive keeps its
    /// copy); its received file and preview go too. `history_deleted`.
    DeleteMessage {
        id: String,
    },
    /// Delete a conversation's whole history here (messages, search index,
    /// received files, previews); the conversation stays in the list.
    /// `history_deleted`.
    DeleteConversation {
        with: String,
    },
    /// Take a file offered for direct transfer (`file_offer`, XEP-0234):
    /// it comes into the download folder like a download.
    AcceptFile {
        id: String,
    },
    /// Refuse a file offered for direct transfer; the sender is told.
    DeclineFile {
        id: String,
    },
    /// Replace the text of one of our own messages (XEP-0308); the first
    /// text is kept in the store.
    Correct {
        id: String,
        body: String,
    },
    /// Retract one of our own messages for everyone (XEP-0424).
    Retract {
        id: String,
    },
    /// Set our reactions to a message (XEP-0444): the full set, empty
    /// removes them.
    React {
        id: String,
        emojis: Vec<String>,
    },
    /// Add a contact to the roster and ask to see their presence (RFC 6121);
    /// `preapprove` also lets them see ours without asking first.
    AddContact {
        jid: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        groups: Vec<String>,
        #[serde(default)]
        preapprove: bool,
    },
    /// Rename a contact and set its groups (the full list).
    UpdateContact {
        jid: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        #[serde(default)]
        groups: Vec<String>,
    },
    /// Remove a contact from the roster (and both subscriptions).
    RemoveContact {
        jid: String,
    },
    /// Answer a `subscription_request`: accept lets them see our presence
    /// (and asks for theirs if we do not have it yet); otherwise denied.
    AnswerSubscription {
        jid: String,
        accept: bool,
    },
    /// Block a JID (XEP-0191): nothing from it reaches us any more.
    Block {
        jid: String,
    },
    Unblock {
        jid: String,
    },
    /// The blocked JIDs.
    Blocklist,
    /// Set our presence on one account, or on all (no `account`).
    /// `offline` stays connected but unavailable: nothing is delivered live,
    /// the archive brings it later.
    SetPresence(OwnPresence),
    /// Publish our avatar (XEP-0084, also announced for XEP-0153) from an
    /// image file; it is scaled down and re-encoded first. Without `path`
    /// the avatar is removed. Answered with an `avatar` event for our JID.
    SetAvatar {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        path: Option<PathBuf>,
    },
    /// Details of a contact (or of ourselves): nickname, vCard, resources
    /// with client names, subscription, last seen. Answered with `profile`.
    Profile {
        jid: String,
    },
    /// Publish our nickname (XEP-0172) and vCard (XEP-0292).
    SetProfile {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        nick: Option<String>,
        #[serde(default)]
        vcard: Box<VCard>,
    },
    /// Mute or unmute notifications for one conversation.
    MuteConversation {
        with: String,
        muted: bool,
    },
    /// Read one page of history, oldest first. `before` is a message `seq`
    /// from an earlier page (exclusive); without it the newest page is returned.
    /// `after` (instead of `before`) reads the page of messages newer than
    /// that `seq`, for a front-end that dropped them while scrolling back.
    History {
        with: String,
        #[serde(default = "default_limit")]
        limit: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        before: Option<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        after: Option<i64>,
    },
    /// Messages of this account matching `query`, newest first (this
    /// account's own store only): words by their beginnings, all required,
    /// `"phrases"`, and the filters `from:`, `with:`/`in:`, `before:`,
    /// `after:` (see `store::search::query` and the README).
    Search {
        query: String,
        #[serde(default = "default_limit")]
        limit: u32,
    },
    /// The roster with each contact's current presence.
    Roster,
    /// Conversations with last message and unread count, newest first.
    Conversations,
    /// The user has seen every message of a conversation: clears unread and
    /// sends a read marker for the newest one (XEP-0333; not when the
    /// account's `send_read_markers` is off).
    MarkRead {
        with: String,
    },
    /// Reconnect now (also after an authentication or certificate failure).
    Reconnect,
    /// Tell a contact what the user is doing in their conversation
    /// (XEP-0085; dropped when the account's `send_typing` is off).
    ChatState {
        with: String,
        state: ChatStateKind,
    },
    /// Send a failed message again (it goes back to the outbox).
    Retry {
        id: String,
    },
    /// Turn the account's XML console on or off (off by default).
    Console {
        enabled: bool,
    },
    /// Send a raw stanza typed into the XML console.
    SendRaw {
        xml: String,
    },
    /// What the server is and how we are connected to it.
    ServerInfo,
    /// Whether the user is looking at the client (XEP-0352 Client State
    /// Indication, for all accounts): an inactive client gets unimportant
    /// traffic such as presence updates batched by the server.
    ClientState {
        active: bool,
    },
    /// Join a group chat (XEP-0045) with `nick` (default: the bookmark's
    /// nick, else the local part of our JID). The room is bookmarked with
    /// autojoin (XEP-0402). Answered with `room_joined` or `muc_error`.
    JoinRoom {
        room: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        nick: Option<String>,
    },
    /// Leave a room; its bookmark stays, without autojoin.
    LeaveRoom {
        room: String,
    },
    /// Change a room's subject (needs the room's permission).
    SetSubject {
        room: String,
        subject: String,
    },
    /// Create a members-only, non-anonymous, persistent room, with us as
    /// owner and `members` (bare JIDs) as members; then `room_joined`
    /// (`created: true`). Fails with `muc_error` if the room exists.
    CreateRoom {
        room: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        nick: Option<String>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        members: Vec<String>,
    },
    /// Change someone's affiliation (`muc#admin`): `member`, `admin`,
    /// `owner`, `none` (removes a member; in a members-only room they are
    /// removed from it) or `outcast` (ban).
    SetAffiliation {
        room: String,
        jid: String,
        affiliation: Affiliation,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// Change an occupant's role: `moderator`, `participant` (voice),
    /// `visitor` (no voice) or `none` (kick).
    SetRole {
        room: String,
        nick: String,
        role: Role,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// Invite someone to a room (XEP-0249 direct invitation; a mediated
    /// XEP-0045 invitation through the room as well, for old clients and
    /// so members-only rooms learn of it).
    Invite {
        room: String,
        jid: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// Destroy a room we own; everyone in it gets `room_left` `destroyed`.
    DestroyRoom {
        room: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// Per-room notification setting, stored: `all`, `mentions`, `none`.
    RoomNotify {
        room: String,
        mode: NotifyMode,
    },
    /// The rooms we are in or have bookmarked; answered with `rooms`.
    Rooms,
    /// The occupants of a joined room; answered with `occupants`.
    Occupants {
        room: String,
    },
    /// The room's affiliation list (owners, admins, members), present or
    /// not; answered with `room_members`. The room decides who may see it
    /// (owners and admins; Prosody also members of a members-only room);
    /// others get `muc_error` `forbidden`.
    RoomMembers {
        room: String,
    },
    /// Retract someone's message in a room as a moderator (XEP-0425), if
    /// the room supports it; else `muc_error` with `unsupported`.
    Moderate {
        /// Local id of the message.
        id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// The OMEMO devices of `jid` (our own JID: ours); answered with
    /// `devices`. For a contact the store's knowledge, fetched first when
    /// nothing is known yet.
    Devices {
        jid: String,
    },
    /// Take a stale device of ours off our OMEMO device lists (never this
    /// one); answered with `devices` for our JID.
    OmemoRemoveDevice {
        device: u32,
    },
    /// Start a new session with `device` of `jid` (ours or a contact's):
    /// the old one is forgotten, its bundle fetched anew and an empty
    /// message (key transport) sent through the new one. Answered with
    /// `devices` for `jid`.
    OmemoResetSession {
        jid: String,
        device: u32,
    },
    /// The user's trust in a device of `jid` (a contact, or ours): every
    /// variant it is known in, or only `version`; answered with `devices`.
    /// `verified` needs its identity key to be known.
    TrustDevice {
        jid: String,
        device: u32,
        trust: TrustChoice,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        version: Option<OmemoVersion>,
    },
    /// A pasted `xmpp:` URI with OMEMO fingerprints (`omemo-sid-…`,
    /// `omemo2-sid-…`): each device it names whose known identity key
    /// matches becomes `verified`. Answered with `verification`, then
    /// `devices` for the URI's JID.
    VerifyUri {
        uri: String,
    },
    /// End-to-end encryption of the 1:1 conversation with `with`: `enabled`
    /// switches it on or off for new messages (absent: only asks).
    /// Answered with `encryption`.
    Encryption {
        with: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        enabled: Option<bool>,
    },
}

/// The presence we show on an account (`set_presence`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OwnPresence {
    pub presence: Availability,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Away because the user is idle since then (XEP-0319; automatic away).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_since: Option<DateTime<Utc>>,
}

impl Default for OwnPresence {
    fn default() -> Self {
        OwnPresence {
            presence: Availability::Available,
            status: None,
            idle_since: None,
        }
    }
}

impl Command {
    /// The account a command is meant for, if it names one.
    pub fn account(&self) -> Option<&str> {
        match self {
            Command::Account { account, .. } => Some(account),
            Command::EveryAccount(_) => None,
            Command::App(app) => match app {
                AppCommand::RemoveAccount { account } | AppCommand::PinCert { account, .. } => {
                    Some(account)
                }
                AppCommand::UpdateAccount(u) => Some(&u.account),
                AppCommand::Accounts
                | AppCommand::AddAccount(_)
                | AppCommand::RegistrationForm(_)
                | AppCommand::RegisterAccount(_)
                | AppCommand::ReorderAccounts { .. }
                | AppCommand::Backup { .. }
                | AppCommand::Quit => None,
            },
        }
    }
}

impl From<AppCommand> for Command {
    fn from(app: AppCommand) -> Self {
        Command::App(app)
    }
}

impl Serialize for Command {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        /// An account request with its address, flat as on the wire.
        #[derive(Serialize)]
        struct Addressed<'a> {
            #[serde(flatten)]
            request: &'a AccountRequest,
            account: &'a str,
        }
        match self {
            Command::App(app) => app.serialize(s),
            Command::Account { account, request } => Addressed { request, account }.serialize(s),
            Command::EveryAccount(request) => request.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for Command {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let mut value = serde_json::Value::deserialize(d)?;
        let Some(tag) = value.get("cmd").and_then(|t| t.as_str()).map(str::to_owned) else {
            // No tag, or not a string: the derived deserializer says what
            // is wrong, in the words it always used.
            return Err(match AccountRequest::deserialize(value) {
                Err(e) => D::Error::custom(e),
                Ok(_) => D::Error::missing_field("cmd"),
            });
        };
        if tag_known::<AppCommand>(&tag).is_ok() {
            return AppCommand::deserialize(value)
                .map(Command::App)
                .map_err(D::Error::custom);
        }
        if let Err(requests) = tag_known::<AccountRequest>(&tag) {
            return Err(D::Error::unknown_variant(&tag, all_commands(requests)));
        }
        let account = match value.as_object_mut().and_then(|o| o.remove("account")) {
            Some(a) => Option::<AccountId>::deserialize(a).map_err(D::Error::custom)?,
            None => None,
        };
        let request = AccountRequest::deserialize(value).map_err(D::Error::custom)?;
        match (account, request) {
            // Always for all accounts (an `account` given was always ignored).
            (_, request @ AccountRequest::ClientState { .. }) => Ok(Command::EveryAccount(request)),
            (Some(account), request) => Ok(Command::Account { account, request }),
            (None, request @ AccountRequest::SetPresence(_)) => Ok(Command::EveryAccount(request)),
            (None, request @ AccountRequest::Export { .. }) => Ok(Command::EveryAccount(request)),
            (None, _) => Err(D::Error::missing_field("account")),
        }
    }
}

/// Whether `tag` is a variant of the internally tagged enum `T`, asked of
/// its derived deserializer: `Err` with the tags it knows if not. This keeps
/// the split of [`Command`] free of a hand-kept list of command names.
fn tag_known<T: serde::de::DeserializeOwned>(tag: &str) -> Result<(), &'static [&'static str]> {
    /// Remembers only the tags of an unknown-variant error.
    #[derive(Debug)]
    struct Probe(Option<&'static [&'static str]>);
    impl std::fmt::Display for Probe {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("probe")
        }
    }
    impl std::error::Error for Probe {}
    impl serde::de::Error for Probe {
        fn custom<M: std::fmt::Display>(_: M) -> Self {
            Probe(None)
        }
        fn unknown_variant(_: &str, expected: &'static [&'static str]) -> Self {
            Probe(Some(expected))
        }
    }
    let only_tag =
        serde::de::value::MapDeserializer::<_, Probe>::new(std::iter::once(("cmd", tag)));
    match T::deserialize(only_tag) {
        // Other errors are about the missing fields, so the tag was known.
        Err(Probe(Some(known))) => Err(known),
        _ => Ok(()),
    }
}

/// Every command name, for the error about an unknown one.
fn all_commands(requests: &'static [&'static str]) -> &'static [&'static str] {
    static ALL: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| {
        let app = tag_known::<AppCommand>("").err().unwrap_or_default();
        app.iter().chain(requests).copied().collect()
    })
}
