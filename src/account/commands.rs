//! Commands from the front-end: the per-account [`AccountCommand`] and how
//! the actor handles each one (with a connection, without one, or only
//! with the store). The run loop keeps only what needs its own state
//! (shutdown, reconnect).

use std::path::PathBuf;

use tokio_xmpp::stanzastream::StanzaStream;

use super::{Actor, presence, sync};
use crate::api::{Command, ConnState, Event};
use crate::config::AccountConfig;

/// A request to one account actor.
#[derive(Debug, Clone, PartialEq)]
pub enum AccountCommand {
    Send {
        to: String,
        body: String,
        reference: Option<String>,
        reply_to: Option<String>,
    },
    /// Send a file: stored as queued, uploaded, then sent as a link.
    SendFile {
        to: String,
        path: String,
        reference: Option<String>,
    },
    /// Stop a file's upload or download (message id).
    CancelTransfer {
        id: String,
    },
    /// Download a received file.
    Download {
        id: String,
    },
    Correct {
        id: String,
        body: String,
    },
    Retract {
        id: String,
    },
    React {
        id: String,
        emojis: Vec<String>,
    },
    MuteConversation {
        with: String,
        muted: bool,
    },
    AddContact {
        jid: String,
        name: Option<String>,
        groups: Vec<String>,
        preapprove: bool,
    },
    UpdateContact {
        jid: String,
        name: Option<String>,
        groups: Vec<String>,
    },
    RemoveContact {
        jid: String,
    },
    AnswerSubscription {
        jid: String,
        accept: bool,
    },
    /// Block (true) or unblock a JID (XEP-0191).
    Block {
        jid: String,
        block: bool,
    },
    Blocklist,
    /// Publish our avatar from an image file, or remove it (None).
    SetAvatar {
        path: Option<PathBuf>,
    },
    /// Gather a contact's details; answered with `Event::Profile`.
    Profile {
        jid: String,
    },
    /// Publish our nickname and vCard.
    SetProfile {
        nick: Option<String>,
        vcard: Box<crate::api::VCard>,
    },
    /// Our presence on this account (also automatic away while idle).
    SetPresence(presence::OwnPresence),
    History {
        with: String,
        limit: u32,
        before: Option<i64>,
        after: Option<i64>,
    },
    Search {
        query: String,
        limit: u32,
    },
    Roster,
    Conversations,
    MarkRead {
        with: String,
    },
    /// Connect again now: after a failure, or to skip a backoff wait.
    Reconnect,
    /// Send a failed message again.
    Retry {
        id: String,
    },
    /// Tell a contact what the user is doing (XEP-0085).
    ChatState {
        with: String,
        state: crate::api::ChatStateKind,
    },
    /// Settings that apply without reconnecting (privacy switches).
    Reconfigure(Box<AccountConfig>),
    /// Turn the XML console on or off.
    Console {
        enabled: bool,
    },
    /// Send a raw stanza from the XML console.
    SendRaw {
        xml: String,
    },
    /// Ask the server what it is; answered with `Event::ServerInfo`.
    ServerInfo,
    /// Change the password on the server (XEP-0077), then in the keyring.
    ChangePassword {
        password: String,
    },
    /// The user is (not) looking at the client (XEP-0352).
    ClientState {
        active: bool,
    },
    /// Group chats (`muc/`).
    JoinRoom {
        room: String,
        nick: Option<String>,
    },
    LeaveRoom {
        room: String,
    },
    SetSubject {
        room: String,
        subject: String,
    },
    CreateRoom {
        room: String,
        name: Option<String>,
        nick: Option<String>,
        members: Vec<String>,
    },
    SetAffiliation {
        room: String,
        jid: String,
        affiliation: crate::api::Affiliation,
        reason: Option<String>,
    },
    SetRole {
        room: String,
        nick: String,
        role: crate::api::Role,
        reason: Option<String>,
    },
    Invite {
        room: String,
        jid: String,
        reason: Option<String>,
    },
    DestroyRoom {
        room: String,
        reason: Option<String>,
    },
    RoomNotify {
        room: String,
        mode: crate::api::NotifyMode,
    },
    Rooms,
    Occupants {
        room: String,
    },
    RoomMembers {
        room: String,
    },
    Moderate {
        id: String,
        reason: Option<String>,
    },
    /// Close the connection cleanly and end the task.
    Shutdown,
}

impl AccountCommand {
    /// Commands that do something useful also without a connection (they
    /// go through `Actor::handle_maybe_online`).
    pub(super) fn works_offline(&self) -> bool {
        matches!(
            self,
            AccountCommand::Send { .. }
                | AccountCommand::SendFile { .. }
                | AccountCommand::History { .. }
                | AccountCommand::Retry { .. }
                | AccountCommand::MarkRead { .. }
                | AccountCommand::Correct { .. }
                | AccountCommand::Retract { .. }
                | AccountCommand::SetPresence(_)
                | AccountCommand::Block { .. }
        )
    }

    /// The per-account part of a front-end command.
    pub fn from_command(cmd: Command) -> Option<AccountCommand> {
        Some(match cmd {
            Command::Send {
                to,
                body,
                reference,
                reply_to,
                ..
            } => AccountCommand::Send {
                to,
                body,
                reference,
                reply_to,
            },
            Command::SendFile {
                to,
                path,
                reference,
                ..
            } => AccountCommand::SendFile {
                to,
                path,
                reference,
            },
            Command::CancelTransfer { id, .. } => AccountCommand::CancelTransfer { id },
            Command::Download { id, .. } => AccountCommand::Download { id },
            Command::Correct { id, body, .. } => AccountCommand::Correct { id, body },
            Command::Retract { id, .. } => AccountCommand::Retract { id },
            Command::React { id, emojis, .. } => AccountCommand::React { id, emojis },
            Command::MuteConversation { with, muted, .. } => {
                AccountCommand::MuteConversation { with, muted }
            }
            Command::AddContact {
                jid,
                name,
                groups,
                preapprove,
                ..
            } => AccountCommand::AddContact {
                jid,
                name,
                groups,
                preapprove,
            },
            Command::UpdateContact {
                jid, name, groups, ..
            } => AccountCommand::UpdateContact { jid, name, groups },
            Command::RemoveContact { jid, .. } => AccountCommand::RemoveContact { jid },
            Command::AnswerSubscription { jid, accept, .. } => {
                AccountCommand::AnswerSubscription { jid, accept }
            }
            Command::Block { jid, .. } => AccountCommand::Block { jid, block: true },
            Command::Unblock { jid, .. } => AccountCommand::Block { jid, block: false },
            Command::Blocklist { .. } => AccountCommand::Blocklist,
            Command::SetPresence {
                presence,
                status,
                idle_since,
                ..
            } => AccountCommand::SetPresence(presence::OwnPresence {
                presence,
                status,
                idle_since,
            }),
            Command::SetAvatar { path, .. } => AccountCommand::SetAvatar {
                path: path.map(PathBuf::from),
            },
            Command::Profile { jid, .. } => AccountCommand::Profile { jid },
            Command::SetProfile { nick, vcard, .. } => AccountCommand::SetProfile {
                nick,
                vcard: Box::new(vcard),
            },
            Command::History {
                with,
                limit,
                before,
                after,
                ..
            } => AccountCommand::History {
                with,
                limit,
                before,
                after,
            },
            Command::Search { query, limit, .. } => AccountCommand::Search { query, limit },
            Command::Roster { .. } => AccountCommand::Roster,
            Command::Conversations { .. } => AccountCommand::Conversations,
            Command::MarkRead { with, .. } => AccountCommand::MarkRead { with },
            Command::Reconnect { .. } => AccountCommand::Reconnect,
            Command::Retry { id, .. } => AccountCommand::Retry { id },
            Command::ChatState { with, state, .. } => AccountCommand::ChatState { with, state },
            Command::Console { enabled, .. } => AccountCommand::Console { enabled },
            Command::SendRaw { xml, .. } => AccountCommand::SendRaw { xml },
            Command::ServerInfo { .. } => AccountCommand::ServerInfo,
            Command::ChangePassword { password, .. } => AccountCommand::ChangePassword { password },
            Command::ClientState { active } => AccountCommand::ClientState { active },
            Command::JoinRoom { room, nick, .. } => AccountCommand::JoinRoom { room, nick },
            Command::LeaveRoom { room, .. } => AccountCommand::LeaveRoom { room },
            Command::SetSubject { room, subject, .. } => {
                AccountCommand::SetSubject { room, subject }
            }
            Command::CreateRoom {
                room,
                name,
                nick,
                members,
                ..
            } => AccountCommand::CreateRoom {
                room,
                name,
                nick,
                members,
            },
            Command::SetAffiliation {
                room,
                jid,
                affiliation,
                reason,
                ..
            } => AccountCommand::SetAffiliation {
                room,
                jid,
                affiliation,
                reason,
            },
            Command::SetRole {
                room,
                nick,
                role,
                reason,
                ..
            } => AccountCommand::SetRole {
                room,
                nick,
                role,
                reason,
            },
            Command::Invite {
                room, jid, reason, ..
            } => AccountCommand::Invite { room, jid, reason },
            Command::RoomNotify { room, mode, .. } => AccountCommand::RoomNotify { room, mode },
            Command::Rooms { .. } => AccountCommand::Rooms,
            Command::DestroyRoom { room, reason, .. } => {
                AccountCommand::DestroyRoom { room, reason }
            }
            Command::Occupants { room, .. } => AccountCommand::Occupants { room },
            Command::RoomMembers { room, .. } => AccountCommand::RoomMembers { room },
            Command::Moderate { id, reason, .. } => AccountCommand::Moderate { id, reason },
            Command::Accounts
            | Command::AddAccount(_)
            | Command::UpdateAccount(_)
            | Command::PinCert { .. }
            | Command::ReorderAccounts { .. }
            | Command::RegistrationForm(_)
            | Command::RegisterAccount(_)
            | Command::RemoveAccount { .. }
            | Command::Quit => return None,
        })
    }
}

impl Actor {
    /// One command from the front-end (other than shutdown and reconnect,
    /// which the run loop handles).
    pub(super) async fn on_command(&mut self, cmd: AccountCommand, stream: &StanzaStream) {
        match cmd {
            cmd if cmd.works_offline() => {
                let online = (self.state == ConnState::Online).then_some(stream);
                if let Some(other) = self.handle_maybe_online(cmd, online).await {
                    self.handle_local(other)
                }
            }
            AccountCommand::React { id, emojis } if self.state == ConnState::Online => {
                self.react(&id, emojis, stream).await
            }
            AccountCommand::AddContact {
                jid,
                name,
                groups,
                preapprove,
            } if self.state == ConnState::Online => {
                self.add_contact(&jid, name, groups, preapprove, stream)
                    .await
            }
            AccountCommand::UpdateContact { jid, name, groups }
                if self.state == ConnState::Online =>
            {
                self.update_contact(&jid, name, groups, stream).await
            }
            AccountCommand::RemoveContact { jid } if self.state == ConnState::Online => {
                self.remove_contact(&jid, stream).await
            }
            AccountCommand::AnswerSubscription { jid, accept }
                if self.state == ConnState::Online =>
            {
                self.answer_subscription(&jid, accept, stream).await
            }
            AccountCommand::Reconfigure(config) => {
                self.reconfigure(&config);
                if self.state == ConnState::Online {
                    // Our caps follow the switches: tell contacts.
                    self.send_presence(stream).await;
                }
            }
            AccountCommand::SendRaw { xml } => self.send_raw(&xml, stream).await,
            AccountCommand::ChatState { with, state } if self.state == ConnState::Online => {
                self.send_chat_state(&with, state, stream).await
            }
            AccountCommand::SetAvatar { path } if self.state == ConnState::Online => {
                self.set_avatar(path, stream).await
            }
            AccountCommand::ServerInfo if self.state == ConnState::Online => {
                self.request_server_info(stream).await
            }
            AccountCommand::Profile { jid } if self.state == ConnState::Online => {
                self.request_profile(&jid, stream).await
            }
            AccountCommand::SetProfile { nick, vcard } if self.state == ConnState::Online => {
                self.set_profile(nick, *vcard, stream).await
            }
            AccountCommand::ChangePassword { password } if self.state == ConnState::Online => {
                self.change_password(password, stream).await
            }
            AccountCommand::JoinRoom { room, nick } if self.state == ConnState::Online => {
                self.join_room(&room, nick, stream).await
            }
            AccountCommand::LeaveRoom { room } if self.state == ConnState::Online => {
                self.leave_room(&room, stream).await
            }
            AccountCommand::SetSubject { room, subject } if self.state == ConnState::Online => {
                self.set_subject(&room, &subject, stream).await
            }
            AccountCommand::CreateRoom {
                room,
                name,
                nick,
                members,
            } if self.state == ConnState::Online => {
                self.create_room(&room, name, nick, &members, stream).await
            }
            AccountCommand::SetAffiliation {
                room,
                jid,
                affiliation,
                reason,
            } if self.state == ConnState::Online => {
                self.set_affiliation(&room, &jid, affiliation, reason.as_deref(), stream)
                    .await
            }
            AccountCommand::RoomMembers { room } if self.state == ConnState::Online => {
                self.query_members(&room, stream).await
            }
            AccountCommand::SetRole {
                room,
                nick,
                role,
                reason,
            } if self.state == ConnState::Online => {
                self.set_role(&room, &nick, role, reason.as_deref(), stream)
                    .await
            }
            AccountCommand::Invite { room, jid, reason } if self.state == ConnState::Online => {
                self.invite(&room, &jid, reason.as_deref(), stream).await
            }
            AccountCommand::DestroyRoom { room, reason } if self.state == ConnState::Online => {
                self.destroy_room(&room, reason.as_deref(), stream).await
            }
            AccountCommand::Moderate { id, reason } if self.state == ConnState::Online => {
                self.moderate(&id, reason.as_deref(), stream).await
            }
            AccountCommand::ClientState { active } => {
                self.link.set_inactive(!active);
                // The link writes the nonza before the next stanza.
                if self.state == ConnState::Online {
                    self.ping_server(stream).await;
                }
            }
            other => self.handle_local(other),
        }
    }

    /// Commands that work with a connection (`stream`) and without one
    /// (stored, queued or applied here only); others are handed back.
    pub(super) async fn handle_maybe_online(
        &mut self,
        cmd: AccountCommand,
        stream: Option<&StanzaStream>,
    ) -> Option<AccountCommand> {
        match cmd {
            AccountCommand::Send {
                to,
                body,
                reference,
                reply_to,
            } => {
                self.send_chat(&to, &body, reference, reply_to.as_deref(), stream)
                    .await
            }
            AccountCommand::SendFile {
                to,
                path,
                reference,
            } => self.send_file(&to, &path, reference, stream).await,
            AccountCommand::History {
                with,
                limit,
                before,
                after,
            } => {
                let req = sync::HistoryRequest {
                    with,
                    limit,
                    before,
                    after,
                };
                self.history(req, stream).await
            }
            AccountCommand::Retry { id } => self.retry(&id, stream).await,
            AccountCommand::MarkRead { with } => self.mark_read(&with, stream).await,
            AccountCommand::Correct { id, body } => self.correct(&id, &body, stream).await,
            AccountCommand::Retract { id } => self.retract(&id, stream).await,
            AccountCommand::SetPresence(own) => self.set_presence(own, stream).await,
            AccountCommand::Block { jid, block } => self.change_block(&jid, block, stream).await,
            other => return Some(other),
        }
        None
    }

    /// Commands that only need the store and in-memory state.
    pub(super) fn handle_local(&mut self, cmd: AccountCommand) {
        let account = self.id.clone();
        let result = match cmd {
            AccountCommand::Search { query, limit } => self
                .store
                .search(&query, limit.min(500))
                .map(|messages| Event::SearchResults {
                    account,
                    query,
                    messages,
                }),
            AccountCommand::Roster => self
                .contacts()
                .map(|contacts| Event::Roster { account, contacts }),
            AccountCommand::Conversations => {
                self.store
                    .conversations()
                    .map(|conversations| Event::Conversations {
                        account,
                        conversations,
                    })
            }
            AccountCommand::MuteConversation { with, muted } => return self.mute(&with, muted),
            AccountCommand::CancelTransfer { id } => return self.cancel_transfer(&id),
            AccountCommand::Download { id } => return self.download(&id),
            AccountCommand::Blocklist => return self.emit_blocklist(),
            AccountCommand::Rooms => return self.emit_rooms(),
            AccountCommand::Occupants { room } => return self.emit_occupants(&room),
            AccountCommand::RoomNotify { room, mode } => return self.set_room_notify(&room, mode),
            AccountCommand::JoinRoom { .. }
            | AccountCommand::LeaveRoom { .. }
            | AccountCommand::SetSubject { .. }
            | AccountCommand::CreateRoom { .. }
            | AccountCommand::SetAffiliation { .. }
            | AccountCommand::RoomMembers { .. }
            | AccountCommand::SetRole { .. }
            | AccountCommand::Invite { .. }
            | AccountCommand::Moderate { .. }
            | AccountCommand::DestroyRoom { .. } => {
                return self.error("not connected: the room request was not sent", None);
            }
            AccountCommand::AddContact { .. }
            | AccountCommand::UpdateContact { .. }
            | AccountCommand::RemoveContact { .. }
            | AccountCommand::AnswerSubscription { .. } => {
                return self.error("not connected: the roster was not changed", None);
            }
            AccountCommand::Console { enabled } => {
                self.console = enabled;
                return;
            }
            AccountCommand::Reconfigure(config) => return self.reconfigure(&config),
            // Typing while offline is worth nothing later.
            AccountCommand::ChatState { .. } => return,
            AccountCommand::SendRaw { .. } => {
                return self.error("not connected: the stanza was not sent", None);
            }
            AccountCommand::ServerInfo => {
                return self.error("not connected: no server info", None);
            }
            AccountCommand::ChangePassword { .. } => {
                return self.error("not connected: the password was not changed", None);
            }
            AccountCommand::React { .. } => {
                return self.error("not connected: the message was not changed", None);
            }
            AccountCommand::SetAvatar { .. } | AccountCommand::SetProfile { .. } => {
                return self.error("not connected: the profile was not changed", None);
            }
            // What the store knows, marked incomplete.
            AccountCommand::Profile { jid } => return self.profile_from_store(&jid),
            // Handled by the loop, which owns the stream.
            AccountCommand::Send { .. }
            | AccountCommand::SendFile { .. }
            | AccountCommand::MarkRead { .. }
            | AccountCommand::Correct { .. }
            | AccountCommand::Retract { .. }
            | AccountCommand::SetPresence(_)
            | AccountCommand::Block { .. }
            | AccountCommand::History { .. }
            | AccountCommand::Retry { .. }
            | AccountCommand::ClientState { .. }
            | AccountCommand::Reconnect
            | AccountCommand::Shutdown => return,
        };
        match result {
            Ok(event) => self.emit(event),
            Err(e) => self.error(e.to_string(), None),
        }
    }
}
