//! `update` for group chats: the open room's pane (occupant list, menu,
//! invite, members, subject, notifications, leave, destroy, kick and ban),
//! @-completion in the composer, answering invitations, and the
//! join/create dialog.

use std::sync::Arc;

use iced::Task;
use iced::widget::text_editor::{Action, Edit, Motion};

use super::screen::{self, Dialog};
use super::update::live;
use super::{App, Banner, Message, ids, join_room};
use crate::api::AccountRequest;
use crate::api::{AccountId, Affiliation, NotifyMode, Role, RoomMember};
use crate::fl;

/// What the open room shows besides its messages (part of the open chat;
/// not a `screen::Pane`).
#[derive(Debug, Clone, PartialEq)]
pub struct RoomTools {
    /// The occupant list on the right.
    pub occupants: bool,
    /// The room's menu under the header.
    pub menu: bool,
    /// A form opened from the menu.
    pub panel: Option<Panel>,
    pub invite: String,
    pub member: String,
    pub subject: String,
    /// The occupant whose actions (kick, ban) are shown.
    pub selected: Option<String>,
    /// A form's complaint (e.g. an invalid address).
    pub error: Option<String>,
}

impl Default for RoomTools {
    fn default() -> Self {
        RoomTools {
            occupants: true,
            menu: false,
            panel: None,
            invite: String::new(),
            member: String::new(),
            subject: String::new(),
            selected: None,
            error: None,
        }
    }
}

/// The forms of the room menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Panel {
    Invite,
    Members,
    Subject,
    /// "Really destroy?"
    Destroy,
}

#[derive(Debug, Clone)]
pub enum RoomMessage {
    ToggleOccupants,
    ToggleMenu,
    /// Open (or close, if open) a form of the menu.
    Open(Panel),
    InviteJid(String),
    SendInvite,
    MemberJid(String),
    AddMember,
    /// Take a member's membership away (affiliation none).
    RemoveMember(String),
    SubjectText(String),
    SaveSubject,
    Notify(NotifyMode),
    Leave,
    /// Join the open room again (after leaving or being kicked).
    Rejoin,
    ConfirmDestroy,
    /// Show (or hide) an occupant's actions.
    SelectOccupant(String),
    Kick(String),
    /// Open a private conversation with an occupant (XEP-0045 §7.5).
    Private(String),
    /// Ban by real JID.
    Ban(String),
    /// Tab in the composer: complete an @-mention.
    Complete,
    JoinInvitation(AccountId, String),
    DismissInvitation(AccountId, String),
}

/// "Join or create group" in the sidebar.
pub fn show_join(app: &mut App) -> Task<Message> {
    let accounts = app.account_choices();
    if accounts.is_empty() {
        return Task::none();
    }
    let state = join_room::State::new(accounts, app.preferred_account());
    screen::open_dialog(app, Dialog::JoinRoom(state), ids::join_room::ROOM)
}

/// A message of the join/create dialog.
pub fn join_dialog(app: &mut App, message: join_room::Message) -> Task<Message> {
    let Some(Dialog::JoinRoom(dialog)) = &mut app.dialog else {
        return Task::none();
    };
    match dialog.update(message) {
        Some(join_room::Event::Cancelled) => app.dialog = None,
        Some(join_room::Event::Submit(account, room, command)) => {
            app.dialog = None;
            if let Some(a) = live(&mut app.accounts, &account) {
                a.send(command);
            }
            // The room opens once we are in it.
            app.opening_room = Some((account, room));
        }
        None => {}
    }
    Task::none()
}

pub fn update(app: &mut App, message: RoomMessage) -> Task<Message> {
    match message {
        RoomMessage::JoinInvitation(account, room) => {
            if let Some(a) = live(&mut app.accounts, &account) {
                a.invitations.retain(|i| i.room != room);
                a.send(AccountRequest::JoinRoom {
                    room: room.clone(),
                    nick: None,
                });
            }
            app.opening_room = Some((account, room));
            return Task::none();
        }
        RoomMessage::DismissInvitation(account, room) => {
            if let Some(a) = live(&mut app.accounts, &account) {
                a.invitations.retain(|i| i.room != room);
            }
            return Task::none();
        }
        RoomMessage::Complete => return complete(app),
        _ => {}
    }
    let Some(chat) = app.chat.as_mut() else {
        return Task::none();
    };
    let (account, room) = (chat.account.clone(), chat.with.clone());
    if let RoomMessage::Private(nick) = message {
        return super::update::update(app, Message::OpenChat(account, format!("{room}/{nick}")));
    }
    let pane = &mut chat.room;
    let mut command = None;
    let mut focus = None;
    match message {
        RoomMessage::ToggleOccupants => pane.occupants = !pane.occupants,
        RoomMessage::ToggleMenu => {
            pane.menu = !pane.menu;
            pane.panel = None;
            pane.error = None;
        }
        RoomMessage::Open(panel) => {
            pane.error = None;
            if pane.panel == Some(panel) {
                pane.panel = None;
            } else {
                pane.panel = Some(panel);
                focus = match panel {
                    Panel::Invite => Some(ids::room::INVITE_JID),
                    Panel::Members => {
                        // The whole list, also those not in the room now.
                        command = Some(AccountRequest::RoomMembers { room: room.clone() });
                        Some(ids::room::MEMBER_JID)
                    }
                    Panel::Subject => {
                        pane.subject = live(&mut app.accounts, &account)
                            .and_then(|a| a.rooms.get(&room))
                            .and_then(|r| r.subject.clone())
                            .unwrap_or_default();
                        Some(ids::room::SUBJECT)
                    }
                    Panel::Destroy => None,
                };
            }
        }
        RoomMessage::InviteJid(v) => pane.invite = v,
        RoomMessage::MemberJid(v) => pane.member = v,
        RoomMessage::SubjectText(v) => pane.subject = v,
        RoomMessage::SendInvite => match user_jid(&pane.invite) {
            Some(jid) => {
                pane.invite.clear();
                pane.panel = None;
                pane.menu = false;
                pane.error = None;
                command = Some(AccountRequest::Invite {
                    room: room.clone(),
                    jid,
                    reason: None,
                });
            }
            None => pane.error = Some(fl!("add-contact-invalid-jid")),
        },
        RoomMessage::AddMember => match user_jid(&pane.member) {
            Some(jid) => {
                pane.member.clear();
                pane.error = None;
                command = Some(AccountRequest::SetAffiliation {
                    room: room.clone(),
                    jid,
                    affiliation: Affiliation::Member,
                    reason: None,
                });
            }
            None => pane.error = Some(fl!("add-contact-invalid-jid")),
        },
        RoomMessage::RemoveMember(jid) => {
            command = Some(AccountRequest::SetAffiliation {
                room: room.clone(),
                jid,
                affiliation: Affiliation::None,
                reason: None,
            });
        }
        RoomMessage::SaveSubject => {
            pane.panel = None;
            pane.menu = false;
            command = Some(AccountRequest::SetSubject {
                room: room.clone(),
                subject: pane.subject.trim().to_owned(),
            });
        }
        RoomMessage::Notify(mode) => {
            command = Some(AccountRequest::RoomNotify {
                room: room.clone(),
                mode,
            });
        }
        RoomMessage::Leave => {
            pane.menu = false;
            pane.panel = None;
            command = Some(AccountRequest::LeaveRoom { room: room.clone() });
        }
        RoomMessage::Rejoin => {
            let nick = live(&mut app.accounts, &account)
                .and_then(|a| a.rooms.get(&room))
                .and_then(|r| r.nick.clone());
            command = Some(AccountRequest::JoinRoom {
                room: room.clone(),
                nick,
            });
        }
        RoomMessage::ConfirmDestroy => {
            pane.menu = false;
            pane.panel = None;
            command = Some(AccountRequest::DestroyRoom {
                room: room.clone(),
                reason: None,
            });
        }
        RoomMessage::SelectOccupant(nick) => {
            pane.selected = (pane.selected.as_deref() != Some(&nick)).then_some(nick);
        }
        RoomMessage::Kick(nick) => {
            pane.selected = None;
            command = Some(AccountRequest::SetRole {
                room: room.clone(),
                nick,
                role: Role::None,
                reason: None,
            });
        }
        RoomMessage::Ban(jid) => {
            pane.selected = None;
            command = Some(AccountRequest::SetAffiliation {
                room: room.clone(),
                jid,
                affiliation: Affiliation::Outcast,
                reason: None,
            });
        }
        RoomMessage::Complete
        | RoomMessage::Private(_)
        | RoomMessage::JoinInvitation(..)
        | RoomMessage::DismissInvitation(..) => {}
    }
    if let Some(command) = command
        && let Some(a) = live(&mut app.accounts, &account)
    {
        if let AccountRequest::RoomNotify { mode, .. } = &command
            && let Some(r) = a.rooms.get_mut(&room)
        {
            // Shown at once; the account confirms with `rooms`.
            r.notify = *mode;
        }
        if let AccountRequest::SetAffiliation {
            jid, affiliation, ..
        } = &command
            && let Some(list) = a.rooms.get_mut(&room).and_then(|r| r.members.as_mut())
        {
            // Shown at once; a refusal comes back as a `muc_error` banner.
            update_member_list(list, jid, *affiliation);
        }
        if !a.send(command) {
            app.banners
                .push(Banner::error(Some(account), fl!("room-not-running")));
        }
    }
    match focus {
        Some(id) => iced::widget::operation::focus(id),
        None => Task::none(),
    }
}

/// A user's bare JID from a form field (`xmpp:` allowed), if valid.
pub fn user_jid(s: &str) -> Option<String> {
    let jid = s.trim().trim_start_matches("xmpp:");
    match jid.parse::<tokio_xmpp::jid::BareJid>() {
        Ok(bare) if bare.node().is_some() => Some(bare.to_string()),
        _ => None,
    }
}

/// Tab in the open room's composer: `@an` becomes `@Anna `.
fn complete(app: &mut App) -> Task<Message> {
    let Some(chat) = app.chat.as_mut() else {
        return Task::none();
    };
    let Some(room) = app.accounts.iter().find_map(|a| match a {
        super::model::Account::Ok(l) if l.config.id == chat.account => l.rooms.get(&chat.with),
        _ => None,
    }) else {
        return Task::none();
    };
    let cursor = chat.composer.cursor();
    if cursor.selection.is_some() {
        return Task::none();
    }
    let line = chat
        .composer
        .line(cursor.position.line)
        .map(|l| l.text.into_owned())
        .unwrap_or_default();
    let before = line.get(..cursor.position.column).unwrap_or(&line);
    let nicks = room.occupants.keys().map(String::as_str);
    if let Some((replace, with)) = super::rooms::complete(before, nicks, room.nick.as_deref()) {
        for _ in 0..replace {
            chat.composer.perform(Action::Select(Motion::Left));
        }
        chat.composer
            .perform(Action::Edit(Edit::Paste(Arc::new(with))));
    }
    Task::none()
}

/// `jid`'s new affiliation in the room's member list as the form shows it.
fn update_member_list(list: &mut Vec<RoomMember>, jid: &str, affiliation: Affiliation) {
    list.retain(|m| m.jid != jid);
    if matches!(
        affiliation,
        Affiliation::Owner | Affiliation::Admin | Affiliation::Member
    ) {
        list.push(RoomMember {
            jid: jid.to_owned(),
            affiliation,
            nick: None,
        });
        list.sort_by(|a, b| a.jid.cmp(&b.jid));
    }
}
