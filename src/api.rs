//! The typed interface between front-ends (GUI, headless) and the core.
//!
//! Everything here is `serde`-serializable: the headless front-end writes these
//! types as JSON Lines, so their names are a public, documented interface
//! (README "Headless protocol"). Extend freely, never rename.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Identifier of an account as chosen by the user (`work`, `private`, …).
pub type AccountId = String;

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
    /// Messages of this account containing all the words of `query`,
    /// newest first (searches only this account's own store).
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

/// TLS mode of a connection.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TlsMode {
    /// Plain TCP upgraded with STARTTLS (port 5222).
    #[default]
    Starttls,
    /// TLS from the first byte (XEP-0368, port 5223).
    Direct,
}

/// Data for a new account (headless `add_account`, GUI add-account dialog).
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NewAccount {
    pub id: AccountId,
    pub jid: String,
    /// Stored in the OS keyring, never in the config file.
    #[serde(default, skip_serializing)]
    pub password: Option<String>,
    /// A command whose standard output is the password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_command: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    #[serde(default)]
    pub tls: TlsMode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<String>,
    /// SHA-256 fingerprint of a pinned server certificate (hex, `:` optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pinned_cert: Option<String>,
}

/// One field a server asks for when creating an account (XEP-0077).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationField {
    /// The field's name; `username` and `password` are filled in from the
    /// account, the others are answered in `register_account`'s `fields`.
    pub var: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// XEP-0004 field type: `text-single`, `text-private`, `boolean`,
    /// `list-single`, `hidden`, `fixed`, …
    pub kind: String,
    pub required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
}

/// A new account to create on the server, then add.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Registration {
    #[serde(flatten)]
    pub account: NewAccount,
    /// Answers to the server's extra fields, by `var`.
    #[serde(default)]
    pub fields: std::collections::BTreeMap<String, String>,
}

/// `Some(None)` for an explicit `null`, `None` for an absent field.
fn set_or_clear<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// Changes to one account: absent fields stay as they are, `null` clears an
/// optional one.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AccountUpdate {
    pub account: AccountId,
    #[serde(
        default,
        deserialize_with = "set_or_clear",
        skip_serializing_if = "Option::is_none"
    )]
    pub label: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "set_or_clear",
        skip_serializing_if = "Option::is_none"
    )]
    pub color: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    #[serde(
        default,
        deserialize_with = "set_or_clear",
        skip_serializing_if = "Option::is_none"
    )]
    pub host: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "set_or_clear",
        skip_serializing_if = "Option::is_none"
    )]
    pub port: Option<Option<u16>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<TlsMode>,
    #[serde(
        default,
        deserialize_with = "set_or_clear",
        skip_serializing_if = "Option::is_none"
    )]
    pub ca_file: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "set_or_clear",
        skip_serializing_if = "Option::is_none"
    )]
    pub pinned_cert: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "set_or_clear",
        skip_serializing_if = "Option::is_none"
    )]
    pub resource: Option<Option<String>>,
    /// Presence priority, -128 to 127.
    #[serde(
        default,
        deserialize_with = "set_or_clear",
        skip_serializing_if = "Option::is_none"
    )]
    pub priority: Option<Option<i8>>,
    /// Answer delivery receipt requests (XEP-0184).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send_receipts: Option<bool>,
    /// Send typing notifications (XEP-0085).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send_typing: Option<bool>,
    /// Send read markers (XEP-0333).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send_read_markers: Option<bool>,
    /// Desktop notifications for new messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notifications: Option<bool>,
    /// Show sender and text in notifications (else only "new message").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notification_text: Option<bool>,
    /// Download images and small files from contacts automatically.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_download: Option<bool>,
    /// Other files than images are downloaded automatically up to this size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_download_max_bytes: Option<u64>,
    /// Where received files go (`null`: `files/` in the account's directory).
    #[serde(
        default,
        deserialize_with = "set_or_clear",
        skip_serializing_if = "Option::is_none"
    )]
    pub download_dir: Option<Option<String>>,
    /// A new password for the keyring (switches from a password command).
    #[serde(default, skip_serializing)]
    pub password: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_command: Option<String>,
}

impl std::fmt::Debug for AccountUpdate {
    // Hand-written so that a password can never reach a log line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccountUpdate")
            .field("account", &self.account)
            .field("label", &self.label)
            .field("color", &self.color)
            .field("enabled", &self.enabled)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("ca_file", &self.ca_file)
            .field("pinned_cert", &self.pinned_cert)
            .field("resource", &self.resource)
            .field("priority", &self.priority)
            .field("send_receipts", &self.send_receipts)
            .field("send_typing", &self.send_typing)
            .field("send_read_markers", &self.send_read_markers)
            .field("notifications", &self.notifications)
            .field("notification_text", &self.notification_text)
            .field("auto_download", &self.auto_download)
            .field("auto_download_max_bytes", &self.auto_download_max_bytes)
            .field("download_dir", &self.download_dir)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("password_command", &self.password_command.is_some())
            .finish()
    }
}

impl std::fmt::Debug for NewAccount {
    // Hand-written so that a password can never reach a log line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewAccount")
            .field("id", &self.id)
            .field("jid", &self.jid)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("password_command", &self.password_command.is_some())
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("ca_file", &self.ca_file)
            .field("pinned_cert", &self.pinned_cert)
            .finish()
    }
}

/// Connection state of an account actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConnState {
    Connecting,
    Online,
    Reconnecting,
    Offline,
    AuthFailed,
    CertUntrusted,
    /// The account's config entry is invalid; it does not connect.
    Broken,
    /// The account is disabled in the config.
    Disabled,
}

/// What a conversation partner is doing (XEP-0085 chat states).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChatStateKind {
    Active,
    Composing,
    Paused,
    Inactive,
    Gone,
}

/// Direction of a message as seen from this account.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    #[default]
    In,
    Out,
}

/// Delivery state of a message. Incoming messages are `Received`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageState {
    /// Stored, not yet handed to the connection.
    Queued,
    /// Written to the connection.
    Sent,
    /// The server confirmed it (XEP-0198 ack).
    Acked,
    /// The recipient's client confirmed it (XEP-0184).
    Delivered,
    /// The recipient has seen it (XEP-0333).
    Read,
    /// The server rejected it; it can be retried.
    Failed,
    /// An incoming message.
    #[default]
    Received,
}

impl MessageState {
    pub fn as_str(self) -> &'static str {
        match self {
            MessageState::Queued => "queued",
            MessageState::Sent => "sent",
            MessageState::Acked => "acked",
            MessageState::Delivered => "delivered",
            MessageState::Read => "read",
            MessageState::Failed => "failed",
            MessageState::Received => "received",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "queued" => MessageState::Queued,
            "sent" => MessageState::Sent,
            "acked" => MessageState::Acked,
            "delivered" => MessageState::Delivered,
            "read" => MessageState::Read,
            "failed" => MessageState::Failed,
            "received" => MessageState::Received,
            _ => return None,
        })
    }
}

/// One stored message.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MessageRecord {
    /// Position in the account's store; use as `before` to page backwards.
    pub seq: i64,
    /// Local id; for outgoing messages also the stanza id and origin-id.
    pub id: String,
    /// Bare JID of the conversation partner.
    pub with: String,
    pub direction: Direction,
    /// Full or bare JID of the author.
    pub sender: String,
    pub body: String,
    /// Server time where known (XEP-0203 delay), else local receive/send time.
    pub timestamp: DateTime<Utc>,
    pub state: MessageState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Order within the conversation: sort by (`timestamp`, `pos`). Older
    /// messages fetched later from the server archive have higher seqs, so
    /// `seq` alone is not the order.
    #[serde(default)]
    pub pos: i64,
    /// An incoming message the user has not seen yet.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unread: bool,
    /// The text was corrected (XEP-0308); `body` is the newest text.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub edited: bool,
    /// The first text of a corrected message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_body: Option<String>,
    /// Retracted by its sender (XEP-0424); the text is gone.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub retracted: bool,
    /// The message this one answers (XEP-0461).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<Quote>,
    /// Emoji reactions (XEP-0444), filled in `history` and `message_updated`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reactions: Vec<ReactionCount>,
    /// The file this message carries (XEP-0066 link with XEP-0447/0446
    /// metadata); `body` is then its URL (what other clients show).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<FileInfo>,
    /// A room message that mentions our nickname.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub mention: bool,
    /// A room message removed by a moderator (XEP-0425; `retracted` is
    /// true too): the moderator's occupant JID, or the room's own JID when
    /// the room does not name them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moderated_by: Option<String>,
    /// The moderator's reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moderation_reason: Option<String>,
}

/// Where a message's file is: on its way up or down, here, or only on the
/// server.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransferState {
    /// Waiting: for a connection, the upload service, or its turn.
    #[default]
    Queued,
    Uploading,
    Downloading,
    /// Uploaded (outgoing) or downloaded (incoming): `path` is local.
    Done,
    Failed,
    Cancelled,
    /// Received, not downloaded (use `download`).
    Available,
}

impl TransferState {
    pub fn as_str(self) -> &'static str {
        match self {
            TransferState::Queued => "queued",
            TransferState::Uploading => "uploading",
            TransferState::Downloading => "downloading",
            TransferState::Done => "done",
            TransferState::Failed => "failed",
            TransferState::Cancelled => "cancelled",
            TransferState::Available => "available",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "queued" => TransferState::Queued,
            "uploading" => TransferState::Uploading,
            "downloading" => TransferState::Downloading,
            "done" => TransferState::Done,
            "failed" => TransferState::Failed,
            "cancelled" => TransferState::Cancelled,
            "available" => TransferState::Available,
            _ => return None,
        })
    }
}

/// A file attached to a message.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileInfo {
    /// File name (for received files: as sanitized and stored).
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// Where it can be downloaded (absent while our upload is pending).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// SHA-256 of the content, base64 (as XEP-0300 writes it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// The local file: the one we sent, or the completed download.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// A small PNG preview of an image (at most 256 px on the longer side).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumbnail: Option<String>,
    pub transfer: TransferState,
    /// Why the last transfer failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The URL is plain HTTP (only accepted from the account's own server,
    /// whose upload service is unencrypted): show it as not protected.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub plain_http: bool,
}

/// The message a reply answers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Quote {
    /// Local id of the quoted message, if it is in the store.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Its text, if it is in the store.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
}

/// How many people reacted to a message with one emoji.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReactionCount {
    pub emoji: String,
    pub count: u32,
    /// We are one of them.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub own: bool,
}

/// Presence availability of a contact (RFC 6121 `show`, plus offline).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Availability {
    Available,
    Chat,
    Away,
    Xa,
    Dnd,
    #[default]
    Offline,
}

/// A roster entry with its current presence.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Contact {
    pub jid: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `none`, `to`, `from` or `both`.
    pub subscription: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
    #[serde(default)]
    pub presence: Availability,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// The nickname the contact chose (XEP-0172).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nick: Option<String>,
    /// Path of the cached avatar thumbnail (a small PNG), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar: Option<String>,
    /// When an offline contact was last online (XEP-0012 or the idle time
    /// of their last unavailable presence), if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_seen: Option<DateTime<Utc>>,
}

/// The part of a vCard (RFC 6350 as XEP-0292 vCard4) that Plausch shows
/// and edits. Empty fields are left out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VCard {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nickname: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub emails: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phones: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub urls: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One connected client (resource) of a contact.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ResourceInfo {
    pub resource: String,
    pub presence: Availability,
    #[serde(default)]
    pub priority: i8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Client name and version (XEP-0092, else the caps identity), if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<String>,
}

/// Everything the contact details pane shows.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PeerProfile {
    pub jid: String,
    /// Roster name, if the contact is in the roster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nick: Option<String>,
    #[serde(default)]
    pub vcard: VCard,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<ResourceInfo>,
    /// `none`, `to`, `from`, `both`; None when not in the roster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscription: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_seen: Option<DateTime<Utc>>,
    /// Path of the cached avatar thumbnail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar: Option<String>,
    /// All of it is complete (false: some requests failed or timed out).
    #[serde(default)]
    pub complete: bool,
}

/// A conversation as listed in the sidebar.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ConversationSummary {
    pub with: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_body: Option<String>,
    /// The last message is a file: its name (`last_body` is then its URL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_file: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_timestamp: Option<DateTime<Utc>>,
    pub unread: u32,
    /// Unread room messages that mention us (absent when none).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub unread_mentions: u32,
    /// No notifications for this conversation.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub muted: bool,
    /// `room` for a group chat, `private` for private messages with a room
    /// occupant (absent for 1:1 chats).
    #[serde(default, skip_serializing_if = "ConversationKind::is_chat")]
    pub kind: ConversationKind,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// What a conversation is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConversationKind {
    #[default]
    Chat,
    Room,
    /// Private messages with one room occupant (XEP-0045 §7.5): `with` is
    /// the occupant's full JID `room@service/nick`.
    Private,
}

impl ConversationKind {
    pub fn is_chat(&self) -> bool {
        *self == ConversationKind::Chat
    }
}

/// A room affiliation (XEP-0045 §5.2): long-lived, by bare JID.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Affiliation {
    Owner,
    Admin,
    Member,
    Outcast,
    #[default]
    None,
}

/// A room role (XEP-0045 §5.1): for the current visit only.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Moderator,
    Participant,
    Visitor,
    #[default]
    None,
}

/// When a room's messages notify: every message, mentions of our nick, never.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotifyMode {
    All,
    #[default]
    Mentions,
    None,
}

impl NotifyMode {
    /// Whether a new message (mentioning us or not) should notify.
    pub fn wants(self, mention: bool) -> bool {
        match self {
            NotifyMode::All => true,
            NotifyMode::Mentions => mention,
            NotifyMode::None => false,
        }
    }
}

/// Someone in a room.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Occupant {
    pub nick: String,
    /// Their real JID, where the room shows it (non-anonymous rooms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jid: Option<String>,
    pub role: Role,
    pub affiliation: Affiliation,
    pub presence: Availability,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// XEP-0421 stable id (survives nick changes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occupant_id: Option<String>,
}

/// Someone on a room's affiliation list (XEP-0045 §9.5, §10.5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomMember {
    pub jid: String,
    pub affiliation: Affiliation,
    /// The nick registered with the room, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nick: Option<String>,
}

/// A room we are in or have bookmarked.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RoomInfo {
    pub jid: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nick: Option<String>,
    pub joined: bool,
    pub autojoin: bool,
    pub notify: NotifyMode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
}

/// Why we are no longer in a room.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeaveReason {
    /// We left (or another of our devices removed the autojoin bookmark).
    Left,
    /// 307.
    Kicked,
    /// 301.
    Banned,
    /// 321: our affiliation was taken away (members-only room).
    Removed,
    /// 322: the room became members-only.
    MembersOnly,
    /// 332: the service shuts down.
    Shutdown,
    /// The room was destroyed.
    Destroyed,
    /// The room stopped answering (self-ping); we rejoin.
    Lost,
}

/// An account as listed by `accounts`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountInfo {
    pub id: AccountId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    pub enabled: bool,
    pub state: ConnState,
    /// Why the config entry is broken, for `state: broken`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Details of a certificate that failed validation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertInfo {
    /// SHA-256 of the end-entity certificate, upper-case hex with `:`.
    pub fingerprint: String,
    /// Why validation failed, a plain English sentence (empty when it did
    /// not); front-ends translate `code` instead where they know it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
    /// Why validation failed, as a stable code (none when it did not).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<CertRefusal>,
    /// Distinguished names (RFC 4514), where the certificate could be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_before: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_after: Option<DateTime<Utc>>,
    /// The account has a pinned certificate and this one is different: the
    /// server's certificate changed (a renewal, or someone in between).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub pin_mismatch: bool,
}

/// Why a server certificate was refused: a stable code for front-ends (the
/// JSON protocol's `code`), each with a plain English sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CertRefusal {
    /// No certificate the user trusts vouches for it (also a self-signed
    /// certificate that is not itself trusted).
    UnknownIssuer,
    /// Its validity period has ended.
    Expired,
    /// Its validity period has not begun.
    NotYetValid,
    /// It is made out for other names than the server's.
    WrongName,
    /// The account has a pinned certificate and this is a different one.
    PinMismatch,
    /// A CA certificate, issued by a trusted CA, used as a server certificate.
    CaUsedAsEndEntity,
    /// Its issuer revoked it.
    Revoked,
    /// Its signature does not match its issuer's key.
    BadSignature,
    /// It is not meant for TLS servers (extended key usage).
    WrongPurpose,
    /// Anything else: malformed, unsupported algorithm, …
    Invalid,
}

impl CertRefusal {
    /// Every code, for tests and front-ends that list them.
    pub const ALL: [CertRefusal; 10] = [
        CertRefusal::UnknownIssuer,
        CertRefusal::Expired,
        CertRefusal::NotYetValid,
        CertRefusal::WrongName,
        CertRefusal::PinMismatch,
        CertRefusal::CaUsedAsEndEntity,
        CertRefusal::Revoked,
        CertRefusal::BadSignature,
        CertRefusal::WrongPurpose,
        CertRefusal::Invalid,
    ];

    /// The plain English sentence for the code.
    pub fn reason(self) -> &'static str {
        match self {
            CertRefusal::UnknownIssuer => "no certificate authority you trust vouches for it",
            CertRefusal::Expired => "it has expired",
            CertRefusal::NotYetValid => "it is not valid yet (or this computer's clock is wrong)",
            CertRefusal::WrongName => "it is made out for another server name",
            CertRefusal::PinMismatch => {
                "the server's certificate changed: it is not the pinned one (a renewed \
                 certificate, or someone in between)"
            }
            CertRefusal::CaUsedAsEndEntity => {
                "it is a certificate authority's certificate, not a server certificate"
            }
            CertRefusal::Revoked => "it has been revoked",
            CertRefusal::BadSignature => "its signature is not valid",
            CertRefusal::WrongPurpose => "it is not meant for servers",
            CertRefusal::Invalid => "it is malformed or could not be checked",
        }
    }
}

/// What went wrong, for every `error` event: a stable snake_case code (the
/// JSON protocol's `code`) with a plain English sentence. Front-ends
/// translate by the code; the event's `message` carries the specifics.
/// Codes are only ever added, never renamed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Problem {
    /// The account is offline, so the request was not carried out.
    NotConnected,
    /// Reading or writing the account's message store failed.
    StoreFailed,
    /// An address (JID) is malformed or of the wrong kind.
    InvalidAddress,
    /// The request names the account's own address where that makes no sense.
    OwnAddress,
    /// A message or correction without text.
    EmptyMessage,
    /// A new password without characters.
    EmptyPassword,
    /// No such message in the store.
    UnknownMessage,
    /// The message exists but cannot be changed, retried or answered to.
    MessageUnchangeable,
    /// The request needs a joined room.
    NotInRoom,
    /// A file to send cannot be read.
    FileUnreadable,
    /// The message has no file, or its file is not uploaded yet.
    FileUnavailable,
    /// No such file transfer.
    UnknownTransfer,
    /// A file transfer cannot be started.
    TransferFailed,
    /// The previous request of the same kind is still under way.
    StillBusy,
    /// The server did not answer in time.
    ServerTimeout,
    /// The server refused parts of a profile change.
    ProfileNotSaved,
    /// A picture cannot be used as avatar.
    AvatarUnusable,
    /// The server's answer could not be read.
    BadServerAnswer,
    /// XML typed into the console is not a stanza.
    InvalidStanza,
    /// The server refused to send the contact list (`condition` says why).
    #[serde(rename = "roster_request")]
    RosterRequest,
    /// The server refused a contact list change (`condition` says why).
    #[serde(rename = "roster_change")]
    RosterChange,
    /// The server refused the avatar (`condition` says why).
    #[serde(rename = "avatar")]
    Avatar,
    /// The server refused the new password (`condition` says why).
    #[serde(rename = "password_change")]
    PasswordChange,
    /// The account stopped working (its store or data directory failed).
    AccountFailed,
    /// No account with that id (or it is not running).
    UnknownAccount,
    /// A headless input line is not a valid command.
    InvalidCommand,
    /// The headless input cannot be read.
    InputUnreadable,
    /// The config file cannot be read or written, or a value in it is wrong.
    ConfigFailed,
    /// An account with that id exists already.
    DuplicateAccount,
    /// The password cannot be stored or fetched, or none was given.
    PasswordUnavailable,
    /// Creating an account on the server failed.
    RegistrationFailed,
    /// The profile's or an account's data directory cannot be used.
    DataDirFailed,
}

impl Problem {
    /// Every code, for tests and front-ends that list them.
    pub const ALL: [Problem; 32] = [
        Problem::NotConnected,
        Problem::StoreFailed,
        Problem::InvalidAddress,
        Problem::OwnAddress,
        Problem::EmptyMessage,
        Problem::EmptyPassword,
        Problem::UnknownMessage,
        Problem::MessageUnchangeable,
        Problem::NotInRoom,
        Problem::FileUnreadable,
        Problem::FileUnavailable,
        Problem::UnknownTransfer,
        Problem::TransferFailed,
        Problem::StillBusy,
        Problem::ServerTimeout,
        Problem::ProfileNotSaved,
        Problem::AvatarUnusable,
        Problem::BadServerAnswer,
        Problem::InvalidStanza,
        Problem::RosterRequest,
        Problem::RosterChange,
        Problem::Avatar,
        Problem::PasswordChange,
        Problem::AccountFailed,
        Problem::UnknownAccount,
        Problem::InvalidCommand,
        Problem::InputUnreadable,
        Problem::ConfigFailed,
        Problem::DuplicateAccount,
        Problem::PasswordUnavailable,
        Problem::RegistrationFailed,
        Problem::DataDirFailed,
    ];

    /// The stable code, as serialised.
    pub fn code(self) -> &'static str {
        match self {
            Problem::NotConnected => "not_connected",
            Problem::StoreFailed => "store_failed",
            Problem::InvalidAddress => "invalid_address",
            Problem::OwnAddress => "own_address",
            Problem::EmptyMessage => "empty_message",
            Problem::EmptyPassword => "empty_password",
            Problem::UnknownMessage => "unknown_message",
            Problem::MessageUnchangeable => "message_unchangeable",
            Problem::NotInRoom => "not_in_room",
            Problem::FileUnreadable => "file_unreadable",
            Problem::FileUnavailable => "file_unavailable",
            Problem::UnknownTransfer => "unknown_transfer",
            Problem::TransferFailed => "transfer_failed",
            Problem::StillBusy => "still_busy",
            Problem::ServerTimeout => "server_timeout",
            Problem::ProfileNotSaved => "profile_not_saved",
            Problem::AvatarUnusable => "avatar_unusable",
            Problem::BadServerAnswer => "bad_server_answer",
            Problem::InvalidStanza => "invalid_stanza",
            Problem::RosterRequest => "roster_request",
            Problem::RosterChange => "roster_change",
            Problem::Avatar => "avatar",
            Problem::PasswordChange => "password_change",
            Problem::AccountFailed => "account_failed",
            Problem::UnknownAccount => "unknown_account",
            Problem::InvalidCommand => "invalid_command",
            Problem::InputUnreadable => "input_unreadable",
            Problem::ConfigFailed => "config_failed",
            Problem::DuplicateAccount => "duplicate_account",
            Problem::PasswordUnavailable => "password_unavailable",
            Problem::RegistrationFailed => "registration_failed",
            Problem::DataDirFailed => "data_dir_failed",
        }
    }

    /// The problem from its code; `None` for codes of a newer core.
    pub fn from_code(code: &str) -> Option<Problem> {
        Problem::ALL.into_iter().find(|p| p.code() == code)
    }

    /// The plain English sentence for the code.
    pub fn sentence(self) -> &'static str {
        match self {
            Problem::NotConnected => "The account is not connected.",
            Problem::StoreFailed => "The message store could not be read or written.",
            Problem::InvalidAddress => "The address is not valid.",
            Problem::OwnAddress => "That is this account's own address.",
            Problem::EmptyMessage => "The message is empty.",
            Problem::EmptyPassword => "The new password is empty.",
            Problem::UnknownMessage => "The message was not found.",
            Problem::MessageUnchangeable => "The message cannot be changed.",
            Problem::NotInRoom => "You are not in the room.",
            Problem::FileUnreadable => "The file cannot be read.",
            Problem::FileUnavailable => "The file is not available.",
            Problem::UnknownTransfer => "The file transfer was not found.",
            Problem::TransferFailed => "The file transfer could not be started.",
            Problem::StillBusy => "The previous change is still being saved; try again.",
            Problem::ServerTimeout => "The server did not answer in time.",
            Problem::ProfileNotSaved => "The profile was not saved.",
            Problem::AvatarUnusable => "The picture cannot be used as avatar.",
            Problem::BadServerAnswer => "The server's answer could not be read.",
            Problem::InvalidStanza => "The XML is not a valid stanza.",
            Problem::RosterRequest => "The server refused to send the contact list.",
            Problem::RosterChange => "The server refused the change.",
            Problem::Avatar => "The server refused the avatar.",
            Problem::PasswordChange => "The server refused the new password.",
            Problem::AccountFailed => "The account stopped working.",
            Problem::UnknownAccount => "There is no such account.",
            Problem::InvalidCommand => "The command is not valid.",
            Problem::InputUnreadable => "The input cannot be read.",
            Problem::ConfigFailed => "The configuration could not be used.",
            Problem::DuplicateAccount => "An account with this id exists already.",
            Problem::PasswordUnavailable => "The password is not available.",
            Problem::RegistrationFailed => "The account could not be created on the server.",
            Problem::DataDirFailed => "The data folder cannot be used.",
        }
    }
}

/// The TLS session of a connection.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TlsInfo {
    /// e.g. "TLSv1_3".
    pub version: String,
    /// e.g. "TLS13_AES_256_GCM_SHA384".
    pub cipher: String,
    /// The server's certificate chain, end entity first.
    pub chain: Vec<CertInfo>,
}

/// What the server is and how we are connected to it (`server_info`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerInfo {
    /// Server software (XEP-0092), if it says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub software: Option<SoftwareVersion>,
    /// Disco identities as "category/type (name)".
    pub identities: Vec<String>,
    /// Disco features (namespaces).
    pub features: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<TlsInfo>,
    /// Whether XEP-0198 stream management is in use.
    pub stream_management: bool,
    /// How often the session was resumed since the account started.
    pub resumptions: u32,
    /// Round trip of a XEP-0199 ping, in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rtt_ms: Option<u64>,
}

/// Server software (XEP-0092).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SoftwareVersion {
    pub name: String,
    pub version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os: Option<String>,
}

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
    /// A stored message changed: corrected, retracted or reacted to.
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
        #[serde(default, rename = "ref", skip_serializing_if = "Option::is_none")]
        reference: Option<String>,
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
            Event::Accounts { .. } | Event::RegistrationForm { .. } => None,
            Event::AccountAdded { account }
            | Event::AccountRemoved { account }
            | Event::AccountUpdated { account }
            | Event::PasswordChanged { account, .. }
            | Event::AccountState { account, .. }
            | Event::Message { account, .. }
            | Event::MessageState { account, .. }
            | Event::MessageUpdated { account, .. }
            | Event::Transfer { account, .. }
            | Event::FileTooLarge { account, .. }
            | Event::History { account, .. }
            | Event::SearchResults { account, .. }
            | Event::ChatState { account, .. }
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
            | Event::MucError { account, .. } => Some(account),
            Event::Error { account, .. } => account.as_deref(),
        }
    }
}

#[cfg(test)]
mod tests;
