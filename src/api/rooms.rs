//! Group chats (XEP-0045): affiliations, roles, occupants, members, rooms.

use super::*;

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
