//! Group chats in the GUI: the view model of each room (built only from the
//! actor's room events), the plain-words texts for leaving and errors, and
//! @-completion of nicknames. The room pane is drawn in `room_view.rs`, its
//! actions are handled in `room_actions.rs`, the join/create dialog is
//! `join_room.rs`.

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use crate::api::{Affiliation, Event, LeaveReason, NotifyMode, Occupant, Role, RoomMember};
use crate::fl;
use crate::store::bare_jid as bare;

use super::format;
use super::model::LiveAccount;

/// A `composing` older than this is stale (as for contacts).
const TYPING_STALE: std::time::Duration = std::time::Duration::from_secs(30);

/// What the GUI knows of one room of an account.
#[derive(Debug, Clone, Default)]
pub struct Room {
    /// The bookmark's name.
    pub name: Option<String>,
    /// Our nick (in the room, else the bookmark's).
    pub nick: Option<String>,
    pub joined: bool,
    pub notify: NotifyMode,
    pub subject: Option<String>,
    /// By nick.
    pub occupants: BTreeMap<String, Occupant>,
    /// The room offers moderated retraction (XEP-0425).
    pub moderation: bool,
    /// Why we are out of the room (None: in it, joining, or offline).
    pub gone: Option<Gone>,
    /// The room stopped answering; the account rejoins by itself.
    pub reconnecting: bool,
    /// An unread message mentions us.
    pub mentioned: bool,
    /// Occupants typing right now, with when they said so.
    pub typing: HashMap<String, Instant>,
    /// The room's affiliation list, once asked for (Members form).
    pub members: Option<Vec<RoomMember>>,
}

/// Why we left a room, and who did it.
#[derive(Debug, Clone, PartialEq)]
pub struct Gone {
    pub reason: LeaveReason,
    pub actor: Option<String>,
    pub text: Option<String>,
}

/// An invitation waiting for the user's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Invitation {
    pub room: String,
    pub from: String,
    pub reason: Option<String>,
}

impl Room {
    /// The Members form's lines: (nick, bare JID, affiliation), owners
    /// first, then admins, then members, each by name. From the room's
    /// list once it came (the nick of someone present, else the one
    /// registered), until then the people present with an affiliation.
    pub fn member_rows(&self) -> Vec<(Option<String>, String, Affiliation)> {
        let present = |jid: &str| {
            self.occupants
                .values()
                .find(|o| o.jid.as_deref().map(bare) == Some(jid))
                .map(|o| o.nick.clone())
        };
        let mut rows: Vec<(Option<String>, String, Affiliation)> = match &self.members {
            Some(list) => list
                .iter()
                .map(|m| {
                    (
                        present(&m.jid).or(m.nick.clone()),
                        m.jid.clone(),
                        m.affiliation,
                    )
                })
                .collect(),
            None => self
                .occupants
                .values()
                .filter(|o| {
                    o.affiliation != Affiliation::None && o.affiliation != Affiliation::Outcast
                })
                .filter_map(|o| {
                    Some((
                        Some(o.nick.clone()),
                        bare(o.jid.as_deref()?).to_owned(),
                        o.affiliation,
                    ))
                })
                .collect(),
        };
        let rank = |a: Affiliation| match a {
            Affiliation::Owner => 0,
            Affiliation::Admin => 1,
            _ => 2,
        };
        rows.sort_by_cached_key(|(nick, jid, a)| {
            (rank(*a), nick.as_deref().unwrap_or(jid).to_lowercase())
        });
        rows
    }

    /// Our own occupant entry, while in the room.
    pub fn me(&self) -> Option<&Occupant> {
        self.nick.as_ref().and_then(|n| self.occupants.get(n))
    }

    fn my_role(&self) -> Role {
        self.me().map_or(Role::None, |o| o.role)
    }

    fn my_affiliation(&self) -> Affiliation {
        self.me().map_or(Affiliation::None, |o| o.affiliation)
    }

    /// Moderators may change the subject (rooms may allow more; the room
    /// answers a refusal with `muc_error`).
    pub fn may_set_subject(&self) -> bool {
        self.joined && self.my_role() == Role::Moderator
    }

    /// Owners and admins manage the member list.
    pub fn may_manage_members(&self) -> bool {
        self.joined && rank(self.my_affiliation()) >= rank(Affiliation::Admin)
    }

    pub fn may_destroy(&self) -> bool {
        self.joined && self.my_affiliation() == Affiliation::Owner
    }

    /// Moderators may remove others' messages for everyone where the room
    /// offers it (XEP-0425).
    pub fn may_moderate(&self) -> bool {
        self.joined && self.moderation && self.my_role() == Role::Moderator
    }

    /// Moderators may kick occupants who are neither admins nor owners
    /// (XEP-0045 §8.2), never themselves.
    pub fn may_kick(&self, target: &Occupant) -> bool {
        self.joined
            && self.my_role() == Role::Moderator
            && Some(&target.nick) != self.nick.as_ref()
            && rank(target.affiliation) < rank(Affiliation::Admin)
    }

    /// Admins and owners may ban people of a lower affiliation whose real
    /// address the room shows.
    pub fn may_ban(&self, target: &Occupant) -> bool {
        self.may_manage_members()
            && target.jid.is_some()
            && Some(&target.nick) != self.nick.as_ref()
            && rank(target.affiliation) < rank(self.my_affiliation())
    }

    /// Whether the composer can send: in the room, or out of it only for a
    /// while (offline, rejoining) so the message waits for the join.
    pub fn can_write(&self) -> bool {
        self.joined || self.gone.is_none()
    }

    /// Whether joining again can work after how we left.
    pub fn can_rejoin(&self) -> bool {
        !self.joined
            && self.gone.as_ref().is_some_and(|g| {
                matches!(
                    g.reason,
                    LeaveReason::Left | LeaveReason::Kicked | LeaveReason::Shutdown
                )
            })
    }

    /// Nicks typing now (not stale), sorted.
    pub fn typing_nicks(&self) -> Vec<&str> {
        let mut nicks: Vec<&str> = self
            .typing
            .iter()
            .filter(|(_, since)| since.elapsed() < TYPING_STALE)
            .map(|(n, _)| n.as_str())
            .collect();
        nicks.sort_unstable();
        nicks
    }

    /// Occupants with this role, by nick (any case).
    pub fn with_role(&self, role: Role) -> Vec<&Occupant> {
        let mut list: Vec<&Occupant> = self.occupants.values().filter(|o| o.role == role).collect();
        list.sort_by_key(|o| o.nick.to_lowercase());
        list
    }
}

/// Owner > admin > member > none > outcast.
fn rank(a: Affiliation) -> u8 {
    match a {
        Affiliation::Owner => 4,
        Affiliation::Admin => 3,
        Affiliation::Member => 2,
        Affiliation::None => 1,
        Affiliation::Outcast => 0,
    }
}

/// The room's name: the bookmark's, else the local part of its address.
pub fn room_name(jid: &str, room: Option<&Room>) -> String {
    format::display_name(jid, room.and_then(|r| r.name.as_deref()))
}

/// The nick of a room message's sender (`room@service/nick`).
pub fn sender_nick(sender: &str) -> &str {
    sender.split_once('/').map_or(sender, |(_, nick)| nick)
}

/// "Anna is typing…", "Anna and Ben are typing…", "3 people are typing…".
pub fn typing_text(nicks: &[&str]) -> Option<String> {
    match nicks {
        [] => None,
        [one] => Some(fl!("room-typing-one", nick = one.to_string())),
        [first, second] => Some(fl!(
            "room-typing-two",
            first = first.to_string(),
            second = second.to_string()
        )),
        more => Some(fl!("room-typing-many", count = more.len())),
    }
}

/// The banner for leaving a room not by our own choice (None: we left, or
/// the room stopped answering and is rejoined by itself).
pub fn leave_text(room: &str, gone: &Gone) -> Option<String> {
    let room = room.to_owned();
    let base = match gone.reason {
        LeaveReason::Left | LeaveReason::Lost => return None,
        LeaveReason::Kicked => fl!("room-left-kicked", room = room),
        LeaveReason::Banned => fl!("room-left-banned", room = room),
        LeaveReason::Removed => fl!("room-left-removed", room = room),
        LeaveReason::MembersOnly => fl!("room-left-members-only", room = room),
        LeaveReason::Shutdown => fl!("room-left-shutdown", room = room),
        LeaveReason::Destroyed => fl!("room-left-destroyed", room = room),
    };
    let mut parts = vec![base];
    if let Some(actor) = &gone.actor {
        parts.push(fl!("room-left-actor", actor = actor.clone()));
    }
    if let Some(text) = gone.text.as_ref().filter(|t| !t.trim().is_empty()) {
        parts.push(fl!("room-left-reason", reason = text.trim().to_owned()));
    }
    Some(parts.join(" "))
}

/// A failed room request in plain words.
pub fn error_text(room: &str, condition: &str, text: Option<&str>) -> String {
    let room = room.to_owned();
    let base = match condition {
        "registration_required" => fl!("muc-error-not-member", room = room),
        "conflict" => fl!("muc-error-conflict", room = room),
        "forbidden" => fl!("muc-error-forbidden", room = room),
        "not_allowed" => fl!("muc-error-not-allowed", room = room),
        "not_authorized" => fl!("muc-error-password", room = room),
        "item_not_found" | "remote_server_not_found" => fl!("muc-error-not-found", room = room),
        "service_unavailable" => fl!("muc-error-unavailable", room = room),
        "not_acceptable" => fl!("muc-error-not-in-room", room = room),
        "unsupported" => fl!("muc-error-unsupported", room = room),
        other => fl!(
            "muc-error-other",
            room = room,
            condition = other.replace('_', "-")
        ),
    };
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => format!("{base} ({t})"),
        None => base,
    }
}

/// @-completion: if the text before the cursor ends with `@` and the start
/// of a nick, the number of characters to replace (the `@` and the prefix)
/// and what replaces them (`@Nick `). The first match in alphabetical
/// order (any case) wins; our own nick is never offered.
pub fn complete<'a>(
    before: &str,
    nicks: impl IntoIterator<Item = &'a str>,
    own: Option<&str>,
) -> Option<(usize, String)> {
    let at = before.rfind('@')?;
    let prefix = &before[at + 1..];
    if prefix.chars().any(char::is_whitespace) {
        return None;
    }
    // "mail@example" is no mention: the @ starts a word.
    if before[..at]
        .chars()
        .next_back()
        .is_some_and(|c| !c.is_whitespace() && !matches!(c, '(' | '"' | '\''))
    {
        return None;
    }
    let lower = prefix.to_lowercase();
    let mut matches: Vec<&str> = nicks
        .into_iter()
        .filter(|n| Some(*n) != own && n.to_lowercase().starts_with(&lower))
        .collect();
    matches.sort_by_key(|n| (n.to_lowercase(), n.to_string()));
    let nick = matches.first()?;
    Some((prefix.chars().count() + 1, format!("@{nick} ")))
}

/// Applies a room event to the account's rooms; returns a banner to show.
pub fn apply_event(account: &mut LiveAccount, event: Event) -> Option<String> {
    match event {
        Event::RoomJoined {
            room,
            nick,
            occupants,
            subject,
            moderation,
            ..
        } => {
            account.invitations.retain(|i| i.room != room);
            let r = account.rooms.entry(room).or_default();
            r.joined = true;
            r.gone = None;
            r.reconnecting = false;
            r.nick = Some(nick);
            r.occupants = occupants.into_iter().map(|o| (o.nick.clone(), o)).collect();
            r.subject = subject;
            r.moderation = moderation;
        }
        Event::RoomLeft {
            room,
            reason,
            actor,
            text,
            ..
        } => {
            let r = account.rooms.entry(room.clone()).or_default();
            r.joined = false;
            r.occupants.clear();
            r.typing.clear();
            if reason == LeaveReason::Lost {
                r.reconnecting = true;
                return None;
            }
            r.reconnecting = false;
            let gone = Gone {
                reason,
                actor,
                text,
            };
            let banner = leave_text(&room_name(&room, Some(r)), &gone);
            r.gone = Some(gone);
            return banner;
        }
        Event::Occupant {
            room,
            occupant,
            left,
            ..
        } => {
            let r = account.rooms.entry(room).or_default();
            if left {
                r.typing.remove(&occupant.nick);
                r.occupants.remove(&occupant.nick);
            } else {
                r.occupants.insert(occupant.nick.clone(), occupant);
            }
        }
        Event::Occupants {
            room, occupants, ..
        } => {
            let r = account.rooms.entry(room).or_default();
            r.occupants = occupants.into_iter().map(|o| (o.nick.clone(), o)).collect();
        }
        Event::RoomMembers { room, members, .. } => {
            account.rooms.entry(room).or_default().members = Some(members);
        }
        Event::Subject { room, subject, .. } => {
            account.rooms.entry(room).or_default().subject = subject;
        }
        Event::Invitation {
            room, from, reason, ..
        } => {
            let joined = account.rooms.get(&room).is_some_and(|r| r.joined);
            if !joined && !account.invitations.iter().any(|i| i.room == room) {
                account.invitations.push(Invitation { room, from, reason });
            }
        }
        Event::Rooms { rooms, .. } => {
            for info in rooms {
                let r = account.rooms.entry(info.jid).or_default();
                r.name = info.name;
                r.notify = info.notify;
                if !r.joined {
                    r.nick = info.nick.or(r.nick.take());
                    // A bookmark without autojoin: out of it by choice.
                    if !info.joined && !info.autojoin && r.gone.is_none() {
                        r.gone = Some(Gone {
                            reason: LeaveReason::Left,
                            actor: None,
                            text: None,
                        });
                    }
                }
                if info.subject.is_some() {
                    r.subject = info.subject;
                }
            }
        }
        Event::MucError {
            room,
            condition,
            text,
            ..
        } => {
            let name = room_name(&room, account.rooms.get(&room));
            return Some(error_text(&name, &condition, text.as_deref()));
        }
        _ => {}
    }
    None
}

/// The per-room typing state from a `chat_state` with a nick.
pub fn typing(account: &mut LiveAccount, room: String, nick: String, composing: bool) {
    let r = account.rooms.entry(room).or_default();
    if r.nick.as_ref() == Some(&nick) {
        return;
    }
    if composing {
        r.typing.insert(nick, Instant::now());
    } else {
        r.typing.remove(&nick);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_and_a_prefix_complete_to_an_occupant() {
        let nicks = ["Anna", "ben", "Annabel", "me"];
        let c = |before: &str| complete(before, nicks, Some("me"));
        assert_eq!(c("@an"), Some((3, "@Anna ".into())));
        assert_eq!(c("hi @B"), Some((2, "@ben ".into())));
        assert_eq!(c("hi @annab"), Some((6, "@Annabel ".into())));
        // Just "@": the first nick.
        assert_eq!(c("@"), Some((1, "@Anna ".into())));
        // Our own nick is never offered.
        assert_eq!(c("@m"), None);
        assert_eq!(c("no at sign"), None);
        assert_eq!(c("@anna and"), None, "the cursor is past the word");
        assert_eq!(c("mail@an"), None, "not a mention");
        assert_eq!(c("(@an"), Some((3, "@Anna ".into())));
        assert_eq!(c("@x"), None);
        // Non-ASCII prefixes count characters, not bytes.
        let c2 = complete("@jö", ["Jörg"], None);
        assert_eq!(c2, Some((3, "@Jörg ".into())));
    }

    #[test]
    fn leaving_texts_name_room_actor_and_reason() {
        let gone = |reason| Gone {
            reason,
            actor: Some("Anna".into()),
            text: Some("spam".into()),
        };
        assert_eq!(leave_text("Team", &gone(LeaveReason::Left)), None);
        assert_eq!(leave_text("Team", &gone(LeaveReason::Lost)), None);
        let kicked = leave_text("Team", &gone(LeaveReason::Kicked)).unwrap_or_default();
        assert!(
            kicked.contains("Team") && kicked.contains("Anna"),
            "{kicked}"
        );
        assert!(kicked.contains("spam"), "{kicked}");
        for reason in [
            LeaveReason::Banned,
            LeaveReason::Removed,
            LeaveReason::MembersOnly,
            LeaveReason::Shutdown,
            LeaveReason::Destroyed,
        ] {
            assert!(leave_text("Team", &gone(reason)).is_some());
        }
    }

    #[test]
    fn errors_are_plain_words() {
        assert_eq!(
            error_text("Team", "registration_required", None),
            fl!("muc-error-not-member", room = "Team")
        );
        let other = error_text("Team", "jid_malformed", Some("invalid nickname"));
        assert!(other.contains("jid-malformed") && other.contains("invalid nickname"));
    }

    #[test]
    fn rights_follow_role_and_affiliation() {
        let occ = |nick: &str, role, affiliation, jid: Option<&str>| Occupant {
            nick: nick.into(),
            role,
            affiliation,
            jid: jid.map(Into::into),
            ..Default::default()
        };
        let mut room = Room {
            joined: true,
            nick: Some("me".into()),
            ..Default::default()
        };
        for o in [
            occ("me", Role::Moderator, Affiliation::Admin, Some("me@x")),
            occ("anna", Role::Participant, Affiliation::Member, Some("a@x")),
            occ("boss", Role::Moderator, Affiliation::Owner, Some("b@x")),
            occ("anon", Role::Participant, Affiliation::None, None),
        ] {
            room.occupants.insert(o.nick.clone(), o);
        }
        let get = |n: &str| room.occupants[n].clone();
        assert!(room.may_set_subject() && room.may_manage_members());
        assert!(!room.may_destroy(), "admins do not destroy");
        assert!(room.may_kick(&get("anna")) && room.may_ban(&get("anna")));
        assert!(!room.may_kick(&get("boss")) && !room.may_ban(&get("boss")));
        assert!(!room.may_kick(&get("me")));
        assert!(!room.may_ban(&get("anon")), "no address to ban");
        room.joined = false;
        assert!(!room.may_kick(&get("anna")));
    }
}
