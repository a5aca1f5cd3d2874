//! Outgoing chat messages and the persistent outbox.
//!
//! A message is stored as queued before anything is sent, so a crash at any
//! point leaves it in the outbox. It is handed to the stream only once the
//! session's archive catch-up is done: that catch-up may show that the server
//! already has a message whose ack was lost with a connection (it is then
//! confirmed, not sent twice), and it keeps the outbox in order ahead of
//! newer messages. The stanza token reports sent and acked; a stream that is
//! lost before the ack leaves the message "sent", and the next fresh session
//! sends it again (receivers drop the copy by its origin-id).

use chrono::Utc;
use tokio::sync::mpsc;
use tokio_xmpp::Stanza;
use tokio_xmpp::jid::{BareJid, Jid};
use tokio_xmpp::stanzastream::{StanzaStage, StanzaState, StanzaToken};

use crate::account::wire::Wire;

use super::Actor;
use super::omemo::send::Sealed;
use crate::api::{
    ConnState, Direction, Encryption, Event, MessageCrypto, MessageRecord, MessageState, Problem,
};
use crate::store::NewMessage;
use crate::xmpp::{chat, chatstates, file_message, markers, receipts, replies};
use tokio_xmpp::parsers::message::Message;
use tokio_xmpp::parsers::ns;

/// Progress of one outgoing stanza, reported by its watcher task.
#[derive(Debug)]
pub(super) struct Progress {
    pub id: String,
    /// The session the stanza was handed to.
    pub session: u64,
    pub stage: Stage,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Stage {
    Sent,
    Acked,
    /// The stream dropped it (connection lost for good): send again with the
    /// next session.
    Unsent,
    /// Rejected (a bounce from the recipient or a server).
    Failed(String),
    /// The recipient's client confirmed it (XEP-0184 receipt).
    Delivered,
}

/// `msg` with the file of `m` (XEP-0066 link, XEP-0446/0447 metadata) once
/// its upload has a URL; the same for chats and rooms.
fn with_file(msg: Message, m: &MessageRecord) -> Message {
    let Some(f) = &m.file else {
        return msg;
    };
    let Some(url) = &f.url else {
        return msg;
    };
    let sha256 = f.sha256.as_deref().and_then(|h| {
        use base64::Engine as _;
        let bytes = base64::engine::general_purpose::STANDARD.decode(h).ok()?;
        <[u8; 32]>::try_from(bytes.as_slice()).ok()
    });
    file_message::attach(
        msg,
        &file_message::Outgoing {
            url,
            name: &f.name,
            size: f.size.unwrap_or(0),
            media_type: f.media_type.as_deref(),
            sha256: sha256.as_ref(),
        },
    )
}

impl Actor {
    /// Stores an outgoing message as queued, then hands it to the stream if it can go out now.
    pub(super) async fn send_chat(
        &mut self,
        to: &str,
        body: &str,
        reference: Option<String>,
        reply_to: Option<&str>,
        stream: Option<&Wire>,
    ) {
        // A bare JID, or a room occupant (a private message, `muc/private.rs`).
        let to: Jid = match to.parse::<Jid>() {
            Ok(j) if j.is_bare() || self.is_room_jid(&j.to_bare()) => j,
            Ok(_) => {
                return self.error(
                    Problem::InvalidAddress,
                    format!("invalid recipient {to}: a bare JID or a room occupant"),
                    reference,
                );
            }
            Err(e) => {
                return self.error(
                    Problem::InvalidAddress,
                    format!("invalid recipient {to}: {e}"),
                    reference,
                );
            }
        };
        if body.trim().is_empty() {
            return self.error(
                Problem::EmptyMessage,
                "cannot send an empty message",
                reference,
            );
        }
        let id = uuid::Uuid::new_v4().to_string();
        let with = to.to_string();
        let own = self.full_jid.clone();
        // A reply refers to the quoted message by the id its author gave
        // it, in a room by the id the room gave it (XEP-0461).
        let room = to.is_bare() && self.is_room_jid(&to.to_bare());
        let reply_ref = match reply_to {
            Some(local) => match self.reference_in(local, room) {
                Some(r) => Some(r),
                None => {
                    return self.error(
                        Problem::UnknownMessage,
                        format!("no message {local} to reply to"),
                        reference,
                    );
                }
            },
            None => None,
        };
        let new = NewMessage {
            id: &id,
            with: &with,
            direction: Direction::Out,
            sender: &own,
            body,
            timestamp: Utc::now(),
            state: MessageState::Queued,
            server_id: None,
            origin_id: Some(&id),
            reply_to: reply_ref.as_deref(),
            markable: false,
            file: None,
            mention: false,
            occupant_id: None,
            crypto: MessageCrypto {
                encryption: self.omemo_for_new_message(&to),
                ..Default::default()
            },
        };
        if new.crypto.encryption != Encryption::None {
            self.omemo_retry_bundles(&to.to_bare());
        }
        // Stored before sent: a crash from here on leaves it in the outbox.
        let Some(record) = self.store_own(&new, reference, "message") else {
            return;
        };
        if let Some(stream) = stream.filter(|_| self.outbox_open()) {
            self.transmit(&record, stream).await;
        }
    }

    /// Stores a message of ours (queued) and announces it with the
    /// front-end's `reference`; None if it was there already or could not
    /// be stored (`what` names it in the error).
    pub(super) fn store_own(
        &mut self,
        new: &NewMessage,
        reference: Option<String>,
        what: &str,
    ) -> Option<MessageRecord> {
        let record = match self.store.insert_message(new) {
            Ok(Some(r)) => r,
            Ok(None) => return None,
            Err(e) => {
                self.error(
                    Problem::StoreFailed,
                    format!("{what} not stored: {e}"),
                    reference,
                );
                return None;
            }
        };
        if let Some(r) = &reference {
            self.refs.insert(record.id.clone(), r.clone());
        }
        self.emit(Event::Message {
            account: self.id.clone(),
            message: record.clone(),
            reference,
        });
        Some(record)
    }

    /// Whether new messages may go out directly (else they wait in the outbox).
    pub(super) fn outbox_open(&self) -> bool {
        self.state == ConnState::Online && self.sync.caught_up()
    }

    /// Puts a failed message back into the outbox and sends it if possible.
    pub(super) async fn retry(&mut self, id: &str, stream: Option<&Wire>) {
        match self.store.set_state(id, MessageState::Queued, None) {
            Ok(Some(record)) => {
                self.announce_state(record);
                self.retry_upload(id, stream).await;
                if let Some(stream) = stream.filter(|_| self.outbox_open()) {
                    self.flush_outbox(stream).await;
                }
            }
            Ok(None) => self.error(
                Problem::MessageUnchangeable,
                format!("message {id} cannot be retried"),
                None,
            ),
            Err(e) => self.error(Problem::StoreFailed, e.to_string(), None),
        }
    }

    /// Hands every unconfirmed message to the stream, oldest first.
    pub(super) async fn flush_outbox(&mut self, stream: &Wire) {
        match self.store.outbox() {
            Ok(queued) => {
                for m in queued {
                    self.transmit(&m, stream).await;
                }
            }
            Err(e) => self.error(Problem::StoreFailed, e.to_string(), None),
        }
    }

    async fn transmit(&mut self, m: &MessageRecord, stream: &Wire) {
        let Ok(to) = m.with.parse::<Jid>() else {
            return;
        };
        let id = m.id.as_str();
        // A room's messages, and private ones to its occupants, wait until
        // we are in the room.
        if !self.may_transmit(&to.to_bare()) || self.in_flight.contains(id) {
            return;
        }
        let to = match to.try_into_full() {
            Ok(occupant) => {
                self.in_flight.insert(id.to_owned());
                let token = self.transmit_private(m, &occupant, stream).await;
                return self.track(token, id);
            }
            Err(bare) => bare,
        };
        if self.is_room_jid(&to) {
            return self.transmit_to_room(m, &to, stream).await;
        }
        let Some(sealed) = self.seal_for(m, &to, &m.body, stream).await else {
            return;
        };
        self.in_flight.insert(id.to_owned());
        // An encrypted file's link (with its key) goes only inside OMEMO:
        // no plain link or metadata beside it.
        let mut msg = chat::outgoing(&to, id, &m.body);
        if sealed.is_none() {
            msg = with_file(msg, m);
        }
        if let Some((author, reference, quoted)) = self.quoted(m) {
            // No quote in plain text beside an encrypted message.
            let quoted = if sealed.is_some() { "" } else { &quoted };
            msg = replies::with_reply(msg, author, &reference, quoted, &m.body);
        }
        if let Some(elements) = sealed {
            self.sealed_as(id, &elements);
            msg = crate::xmpp::omemo::seal_message(msg, &elements);
        }
        // Ask only clients that may answer (XEP-0115); unknown ones are asked.
        if self.caps.may_support(&to, ns::RECEIPTS) {
            msg = receipts::request(msg);
        }
        if self.caps.may_support(&to, markers::NS) {
            msg = markers::with_markable(msg);
        }
        if self.switches.send_typing {
            msg = chatstates::with_active(msg);
        }
        let token = self.send(stream, Stanza::Message(msg)).await;
        self.track(token, id);
    }

    /// The OMEMO elements message `m` (`body`) goes out with: Some(None)
    /// to send it in plain text, None not at all now (keys or a group's
    /// members are being read; or it failed, and says why). Marked for
    /// encryption when written, a message is never sent in plain text.
    async fn seal_for(
        &mut self,
        m: &MessageRecord,
        to: &BareJid,
        body: &str,
        stream: &Wire,
    ) -> Option<Option<Vec<crate::xmpp::omemo::Encrypted>>> {
        let id = m.id.as_str();
        let mut encryption = m.crypto.encryption;
        // A group without its own switch: the default is settled once its
        // members are known (encrypted if another member has OMEMO).
        if self.room_default_applies(to) {
            // Not known yet (read after joining), or their devices are
            // still being read: the message waits (it would otherwise be
            // settled as if nobody had OMEMO).
            self.room_members(to)?;
            if self.omemo_lists_pending() {
                return None;
            }
            let settled = self.room_encryption(to);
            if settled != encryption {
                tracing::info!(account = %self.id, id, ?settled, "group message's encryption settled by its members");
                self.update_message_encryption(id, settled);
                encryption = settled;
            }
        }
        if encryption == Encryption::None {
            if self.switches.require_encryption {
                let why = super::omemo::send::REQUIRED;
                self.set_message_state(id, MessageState::Failed, Some(why));
                return None;
            }
            return Some(None);
        }
        if let Some(elements) = self.omemo_resealed(id) {
            return Some(Some(elements));
        }
        match self.omemo_seal(to, Some(id), body, stream).await {
            Sealed::Ready(elements) => Some(Some(elements)),
            Sealed::Waiting => None,
            Sealed::Failed(why) => {
                tracing::info!(account = %self.id, id, "message not encrypted: {why}");
                self.set_message_state(id, MessageState::Failed, Some(&why));
                None
            }
        }
    }

    /// A groupchat message: no receipts or markers (the room's echo is
    /// the confirmation, see `muc::confirm_reflection`).
    async fn transmit_to_room(&mut self, m: &MessageRecord, room: &BareJid, stream: &Wire) {
        let body = match m.file.as_ref().and_then(|f| f.url.as_deref()) {
            Some(url) => url,
            None => &m.body,
        };
        let Some(sealed) = self.seal_for(m, room, body, stream).await else {
            return;
        };
        self.in_flight.insert(m.id.clone());
        let mut msg = crate::xmpp::muc::outgoing(room, &m.id, body);
        // As in 1:1 chats: no plain link, metadata or quote beside it.
        if sealed.is_none() {
            msg = with_file(msg, m);
        }
        if let Some((author, reference, quoted)) = self.quoted(m) {
            let quoted = if sealed.is_some() { "" } else { &quoted };
            msg = replies::with_reply(msg, author, &reference, quoted, &m.body);
        }
        if let Some(elements) = sealed {
            self.sealed_as(&m.id, &elements);
            msg = crate::xmpp::omemo::seal_message(msg, &elements);
        }
        if self.switches.send_typing {
            msg = chatstates::with_active(msg);
        }
        let token = self.send(stream, Stanza::Message(msg)).await;
        self.track(token, &m.id);
    }

    /// Follows message `id`'s stanza to the server (sent, acked): its
    /// progress comes back to `on_progress`.
    fn track(&self, token: Option<StanzaToken>, id: &str) {
        if let Some(token) = token {
            tokio::spawn(watch_token(
                token,
                id.to_owned(),
                self.session,
                self.progress_tx.clone(),
            ));
        }
    }

    /// The id others name message `local` by (replies, signals): the
    /// room's stanza-id in a room, else the id its author gave it.
    pub(super) fn reference_in(&self, local: &str, room: bool) -> Option<String> {
        match room {
            true => self.store.server_id_of(local).ok()?.map(|(_, sid)| sid),
            false => self.store.reference_of(local).ok()?,
        }
    }

    /// For a reply: the quoted message's author (in a room its occupant
    /// JID, ours for our own messages), the id a reply names it by, and
    /// its text.
    fn quoted(&self, m: &MessageRecord) -> Option<(tokio_xmpp::jid::Jid, String, String)> {
        let local = m.reply_to.as_ref()?.id.as_ref()?;
        let quoted = self.store.message(local).ok()??;
        let room: Option<tokio_xmpp::jid::BareJid> =
            m.with.parse().ok().filter(|r| self.is_room_jid(r));
        let reference = self.reference_in(local, room.is_some())?;
        let author = match (&room, quoted.direction) {
            (Some(r), Direction::Out) => format!("{r}/{}", self.muc.nick(r)?).parse().ok()?,
            _ => quoted.sender.parse().ok()?,
        };
        Some((author, reference, quoted.body))
    }

    pub(super) fn on_progress(&mut self, p: Progress) {
        let state = match p.stage {
            Stage::Sent => MessageState::Sent,
            Stage::Acked => MessageState::Acked,
            Stage::Delivered => MessageState::Delivered,
            Stage::Failed(error) => {
                self.in_flight.remove(&p.id);
                return self.set_message_state(&p.id, MessageState::Failed, Some(&error));
            }
            Stage::Unsent => {
                // A report from an earlier session must not unblock a copy
                // already handed to the current one.
                if p.session == self.session {
                    self.in_flight.remove(&p.id);
                }
                return;
            }
        };
        self.set_message_state(&p.id, state, None);
    }

    fn set_message_state(&mut self, id: &str, state: MessageState, error: Option<&str>) {
        match self.store.set_state(id, state, error) {
            Ok(Some(rec)) => self.announce_state(rec),
            Ok(None) => {}
            Err(e) => self.error(Problem::StoreFailed, e.to_string(), None),
        }
    }

    pub(super) fn announce_state(&self, rec: crate::api::MessageRecord) {
        self.emit(Event::MessageState {
            account: self.id.clone(),
            reference: self.refs.get(&rec.id).cloned(),
            id: rec.id,
            state: rec.state,
            error: rec.error,
        });
    }
}

/// Follows one stanza through the stream's stages and reports them.
async fn watch_token(
    mut token: StanzaToken,
    id: String,
    session: u64,
    tx: mpsc::UnboundedSender<Progress>,
) {
    let report = |stage| {
        let _ = tx.send(Progress {
            id: id.clone(),
            session,
            stage,
        });
    };
    match token.wait_for(StanzaStage::Sent).await {
        Some(StanzaState::Sent { .. }) | Some(StanzaState::Acked { .. }) => report(Stage::Sent),
        // Failed here means the stream broke, not that the server refused
        // the message (that comes as a bounce): it is sent again.
        _ => return report(Stage::Unsent),
    }
    match token.wait_for(StanzaStage::Acked).await {
        Some(StanzaState::Acked { .. }) => report(Stage::Acked),
        _ => report(Stage::Unsent),
    }
}
