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

mod accounts;
mod command;
mod encryption;
mod event;
mod problem;
mod rooms;

pub use accounts::*;
pub use command::*;
pub use encryption::*;
pub use event::*;
pub use problem::*;
pub use rooms::*;

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
    /// End-to-end encryption (OMEMO): how it came, or why it cannot be read.
    #[serde(flatten)]
    pub crypto: MessageCrypto,
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
    /// A direct transfer (XEP-0234) waiting for an answer: an incoming
    /// offer for ours (`accept_file` / `decline_file`), an outgoing one
    /// for the contact's.
    Offered,
}

/// The form of an export (`export`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    /// `YYYY-MM-DD HH:MM:SS Name: text`, one line per message.
    #[default]
    Text,
    /// One `message` record per line, every field (for tools).
    Jsonl,
    /// A self-contained page that looks like the conversation.
    Html,
}

impl ExportFormat {
    /// The file ending of an export in this form.
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Text => "txt",
            ExportFormat::Jsonl => "jsonl",
            ExportFormat::Html => "html",
        }
    }
}

/// How a file goes: through the server's upload service, or directly to
/// the contact's client (Jingle, XEP-0234) over a SOCKS5 connection
/// (direct or through the server's proxy) or in-band through the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransferMethod {
    Upload,
    Socks5,
    Ibb,
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
            TransferState::Offered => "offered",
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
            "offered" => TransferState::Offered,
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

#[cfg(test)]
mod tests;
