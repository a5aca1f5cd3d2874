//! What the front-ends ask of the actor ([`AccountRequest`], within a
//! [`ToAccount`]) and how it handles each request: one dispatch, where each
//! arm gets the stream if we are online and decides itself what it does
//! without one (store, queue or apply it here, answer from the store, or
//! say it did not happen). The run loop keeps only what needs its own
//! state (shutdown, reconnect).

use crate::account::wire::Wire;

use super::{Actor, sync};
use crate::accounts::ToAccount;
use crate::api::{AccountRequest, Event, Problem};

impl Actor {
    /// One message from the front-end runtime; `online` is the stream while
    /// we are online. Shutdown and reconnect reach the run loop instead.
    pub(super) async fn on_command(&mut self, message: ToAccount, online: Option<&Wire>) {
        match message {
            ToAccount::Request(request) => self.on_request(request, online).await,
            ToAccount::Reconfigure(config) => {
                let omemo_was_on = self.switches.omemo;
                self.reconfigure(&config);
                if let Some(stream) = online {
                    // Our caps follow the switches: tell contacts.
                    self.send_presence(stream).await;
                    // Switched on: our device is set up now, not with
                    // the next session.
                    if self.switches.omemo && !omemo_was_on {
                        self.omemo_new_session(stream).await;
                        self.read_members_of_joined_rooms(stream).await;
                    }
                }
            }
            // The run loop's, which owns the connection.
            ToAccount::Shutdown => {}
        }
    }

    /// The stream if we are online; otherwise the front-end learns that
    /// `what` did not happen.
    fn require_online<'s>(&self, online: Option<&'s Wire>, what: &str) -> Option<&'s Wire> {
        if online.is_none() {
            self.error(
                Problem::NotConnected,
                format!("not connected: {what}"),
                None,
            );
        }
        online
    }

    /// An answer read from the store, or its error.
    fn emit_result<E: std::fmt::Display>(&self, result: Result<Event, E>) {
        match result {
            Ok(event) => self.emit(event),
            Err(e) => self.error(Problem::StoreFailed, e.to_string(), None),
        }
    }

    async fn on_request(&mut self, request: AccountRequest, online: Option<&Wire>) {
        const MESSAGE: &str = "the message was not changed";
        const ROSTER: &str = "the roster was not changed";
        const PROFILE: &str = "the profile was not changed";
        const ROOM: &str = "the room request was not sent";
        let account = self.id.clone();
        match request {
            // Useful without a connection too: stored, queued or applied
            // here first, sent with the next session.
            AccountRequest::Send {
                to,
                body,
                reference,
                reply_to,
            } => {
                self.send_chat(&to, &body, reference, reply_to.as_deref(), online)
                    .await
            }
            AccountRequest::SendFile {
                to,
                path,
                reference,
            } => self.send_file(&to, &path, reference, online).await,
            AccountRequest::History {
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
                self.history(req, online).await
            }
            AccountRequest::Retry { id } => self.retry(&id, online).await,
            AccountRequest::MarkRead { with } => self.mark_read(&with, online).await,
            AccountRequest::Correct { id, body } => self.correct(&id, &body, online).await,
            AccountRequest::Retract { id } => self.retract(&id, online).await,
            AccountRequest::SetPresence(own) => self.set_presence(own, online).await,
            AccountRequest::Block { jid } => self.change_block(&jid, true, online).await,
            AccountRequest::Unblock { jid } => self.change_block(&jid, false, online).await,
            AccountRequest::ClientState { active } => {
                self.link.set_inactive(!active);
                // The link writes the nonza before the next stanza.
                if let Some(stream) = online {
                    self.ping_server(stream).await;
                }
            }
            // Typing while offline is worth nothing later.
            AccountRequest::ChatState { with, state } => {
                if let Some(stream) = online {
                    self.send_chat_state(&with, state, stream).await
                }
            }
            // Ours and the store's without a connection; a contact's
            // lists are read first when nothing is known.
            AccountRequest::Devices { jid } => self.devices(&jid, online).await,
            // The user's trust decisions: the store only.
            AccountRequest::TrustDevice {
                jid,
                device,
                trust,
                version,
            } => self.trust_device(&jid, device, trust, version),
            AccountRequest::VerifyUri { uri } => self.verify_uri(&uri),
            AccountRequest::Encryption { with, enabled } => self.set_encryption(&with, enabled),
            AccountRequest::Profile { jid } => match online {
                Some(stream) => self.request_profile(&jid, stream).await,
                // What the store knows, marked incomplete.
                None => self.profile_from_store(&jid),
            },

            // Only with a connection.
            AccountRequest::React { id, emojis } => {
                if let Some(stream) = self.require_online(online, MESSAGE) {
                    self.react(&id, emojis, stream).await
                }
            }
            AccountRequest::AddContact {
                jid,
                name,
                groups,
                preapprove,
            } => {
                if let Some(stream) = self.require_online(online, ROSTER) {
                    self.add_contact(&jid, name, groups, preapprove, stream)
                        .await
                }
            }
            AccountRequest::UpdateContact { jid, name, groups } => {
                if let Some(stream) = self.require_online(online, ROSTER) {
                    self.update_contact(&jid, name, groups, stream).await
                }
            }
            AccountRequest::RemoveContact { jid } => {
                if let Some(stream) = self.require_online(online, ROSTER) {
                    self.remove_contact(&jid, stream).await
                }
            }
            AccountRequest::AnswerSubscription { jid, accept } => {
                if let Some(stream) = self.require_online(online, ROSTER) {
                    self.answer_subscription(&jid, accept, stream).await
                }
            }
            AccountRequest::SetAvatar { path } => {
                if let Some(stream) = self.require_online(online, PROFILE) {
                    self.set_avatar(path, stream).await
                }
            }
            AccountRequest::SetProfile { nick, vcard } => {
                if let Some(stream) = self.require_online(online, PROFILE) {
                    self.set_profile(nick, *vcard, stream).await
                }
            }
            AccountRequest::SendRaw { xml } => {
                if let Some(stream) = self.require_online(online, "the stanza was not sent") {
                    self.send_raw(&xml, stream).await
                }
            }
            AccountRequest::ServerInfo => {
                if let Some(stream) = self.require_online(online, "no server info") {
                    self.request_server_info(stream).await
                }
            }
            AccountRequest::ChangePassword { password } => {
                if let Some(stream) = self.require_online(online, "the password was not changed") {
                    self.change_password(password, stream).await
                }
            }
            AccountRequest::JoinRoom { room, nick } => {
                if let Some(stream) = self.require_online(online, ROOM) {
                    self.join_room(&room, nick, stream).await
                }
            }
            AccountRequest::LeaveRoom { room } => {
                if let Some(stream) = self.require_online(online, ROOM) {
                    self.leave_room(&room, stream).await
                }
            }
            AccountRequest::SetSubject { room, subject } => {
                if let Some(stream) = self.require_online(online, ROOM) {
                    self.set_subject(&room, &subject, stream).await
                }
            }
            AccountRequest::CreateRoom {
                room,
                name,
                nick,
                members,
            } => {
                if let Some(stream) = self.require_online(online, ROOM) {
                    self.create_room(&room, name, nick, &members, stream).await
                }
            }
            AccountRequest::SetAffiliation {
                room,
                jid,
                affiliation,
                reason,
            } => {
                if let Some(stream) = self.require_online(online, ROOM) {
                    self.set_affiliation(&room, &jid, affiliation, reason.as_deref(), stream)
                        .await
                }
            }
            AccountRequest::SetRole {
                room,
                nick,
                role,
                reason,
            } => {
                if let Some(stream) = self.require_online(online, ROOM) {
                    self.set_role(&room, &nick, role, reason.as_deref(), stream)
                        .await
                }
            }
            AccountRequest::Invite { room, jid, reason } => {
                if let Some(stream) = self.require_online(online, ROOM) {
                    self.invite(&room, &jid, reason.as_deref(), stream).await
                }
            }
            AccountRequest::DestroyRoom { room, reason } => {
                if let Some(stream) = self.require_online(online, ROOM) {
                    self.destroy_room(&room, reason.as_deref(), stream).await
                }
            }
            AccountRequest::RoomMembers { room } => {
                if let Some(stream) = self.require_online(online, ROOM) {
                    self.query_members(&room, stream).await
                }
            }
            AccountRequest::Moderate { id, reason } => {
                if let Some(stream) = self.require_online(online, ROOM) {
                    self.moderate(&id, reason.as_deref(), stream).await
                }
            }
            AccountRequest::OmemoRemoveDevice { device } => {
                if let Some(stream) = self.require_online(online, "the device was not removed") {
                    self.omemo_remove_device(device, stream).await
                }
            }
            AccountRequest::OmemoResetSession { jid, device } => {
                if let Some(stream) = self.require_online(online, "the session was not reset") {
                    self.omemo_reset_session(&jid, device, stream).await
                }
            }

            // Only the store and what the actor keeps in memory.
            AccountRequest::Search { query, limit } => {
                let result = self.store.search(&query, limit.min(500)).map(|messages| {
                    Event::SearchResults {
                        account,
                        query,
                        messages,
                    }
                });
                self.emit_result(result)
            }
            AccountRequest::Roster => {
                let result = self
                    .contacts()
                    .map(|contacts| Event::Roster { account, contacts });
                self.emit_result(result)
            }
            AccountRequest::Conversations => {
                let result = self
                    .store
                    .conversations()
                    .map(|conversations| Event::Conversations {
                        account,
                        conversations,
                    });
                self.emit_result(result)
            }
            AccountRequest::MuteConversation { with, muted } => self.mute(&with, muted),
            AccountRequest::CancelTransfer { id } => self.cancel_transfer(&id, online).await,
            AccountRequest::Download { id } => self.download(&id),
            AccountRequest::AcceptFile { id } => self.accept_file(&id, online).await,
            AccountRequest::Export { with, format, path } => self.export(with, format, &path),
            AccountRequest::DeleteMessage { id } => self.delete_message(&id),
            AccountRequest::DeleteConversation { with } => self.delete_conversation(&with),
            AccountRequest::DeclineFile { id } => self.decline_file(&id, online).await,
            AccountRequest::Blocklist => self.emit_blocklist(),
            AccountRequest::Rooms => self.emit_rooms(),
            AccountRequest::Occupants { room } => self.emit_occupants(&room),
            AccountRequest::RoomNotify { room, mode } => self.set_room_notify(&room, mode),
            AccountRequest::Console { enabled } => self.console = enabled,

            // The run loop's, which owns the connector.
            AccountRequest::Reconnect => {}
        }
    }
}
