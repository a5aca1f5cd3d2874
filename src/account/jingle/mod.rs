//! Direct file transfers (Jingle, XEP-0234): files go straight to the
//! contact's client when the upload service cannot take them (too large,
//! no service) or when the account prefers it, and come from other
//! clients that send files this way.
//!
//! One session per file. Sending: the file is hashed, offered to one
//! online client of the contact whose caps say it takes Jingle file
//! transfers, and sent once accepted. Receiving: an offer becomes an
//! incoming message with its file in state `offered` and a `file_offer`
//! event; it waits for `accept_file` / `decline_file` unless it comes
//! from a contact within the account's automatic download size. Either
//! way the file is streamed from and to disk (`files::sink`), checked
//! against its SHA-256 and kept under a safe free name.
//!
//! The bytes go in-band (XEP-0261/XEP-0047, `ibb.rs`) through the server.
//! Every session stanza must come from the client the session is with;
//! sessions end with `session-terminate` and a reason, and with the
//! connection (a fresh session fails them: a retry is a new offer).

use std::collections::HashMap;
use std::path::PathBuf;

use tokio::sync::mpsc;
use tokio_xmpp::Stanza;
use tokio_xmpp::jid::{BareJid, Jid};
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::iq::Iq;
use tokio_xmpp::parsers::jingle::{Action, Jingle, Reason};
use tokio_xmpp::parsers::stanza_error::{DefinedCondition, ErrorType, StanzaError};

use super::Actor;
use super::inbound::PendingIq;
use super::requests::Responder;
use super::transfers::Report as TransferReport;
use super::wire::Wire;
use crate::api::{Change, Direction, Event, MessageState, Problem, TransferMethod, TransferState};
use crate::files::sink::{Expected, FileSink};
use crate::files::transfer::{Downloaded, TransferError};
use crate::files::{self, human_size};
use crate::store::{FileUpdate, NewFile, NewMessage, PendingUpload};
use crate::xmpp::jingle_ft::{self, OfferedFile};

mod ibb;
pub(in crate::account) mod report;
mod s5b;

use report::Report;

/// At most this many sessions at once (a flood of offers is refused).
const MAX_SESSIONS: usize = 32;

/// Which way the file goes, and from or to where.
#[derive(Debug)]
enum Role {
    Sending { source: PathBuf },
    Receiving,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// Sending: the hash is being computed.
    Hashing,
    /// Offered, no answer yet.
    Offered,
    /// Accepted: the bytes are on their way.
    Transferring,
    /// Sending: every byte went; waiting for the receiver's verdict.
    Sent,
}

impl Session {
    /// An offer to us that waits for the user's answer.
    fn is_open_offer_to_us(&self) -> bool {
        matches!(self.role, Role::Receiving) && self.stage == Stage::Offered
    }

    /// How we end it ourselves: an open offer to us is declined, anything
    /// else cancelled.
    fn our_end_reason(&self) -> Reason {
        if self.is_open_offer_to_us() {
            Reason::Decline
        } else {
            Reason::Cancel
        }
    }

    fn method(&self) -> TransferMethod {
        if self.s5b.active {
            TransferMethod::Socks5
        } else {
            TransferMethod::Ibb
        }
    }
}

#[derive(Debug)]
struct Session {
    /// The message this transfer belongs to.
    message: String,
    peer: Jid,
    role: Role,
    offer: jingle_ft::Offer,
    stage: Stage,
    ibb: ibb::Ibb,
    s5b: s5b::S5b,
    /// Receiving: the sender ended the session with `success` before our
    /// check was done (some clients do once every byte is sent).
    peer_ended: bool,
}

/// The direct transfers of one account.
#[derive(Debug, Default)]
pub(super) struct Sessions {
    by_sid: HashMap<String, Session>,
    /// Our IQs in flight: for which session, and what.
    sent: HashMap<String, (String, Sent)>,
    /// How ended sessions' files went (their last events say it too).
    ended: HashMap<String, TransferMethod>,
    /// The server's SOCKS5 proxy (XEP-0065), once found.
    proxy: Option<crate::xmpp::jingle_s5b::StreamHost>,
    offering: s5b::Offering,
}

/// What one of our IQs was.
#[derive(Debug, Clone, Copy)]
enum Sent {
    /// A session action (initiate, accept, terminate).
    Action,
    IbbOpen,
    /// A block of this many bytes.
    IbbBlock(usize),
    IbbClose,
    /// Asking the proxy its address; activating it for a session.
    Streamhost,
    Activate,
}

impl Sessions {
    fn sid_of(&self, message: &str) -> Option<String> {
        self.by_sid
            .iter()
            .find(|(_, s)| s.message == message)
            .map(|(sid, _)| sid.clone())
    }

    /// The method of message `id`'s direct transfer, if it has one.
    pub(super) fn method_of(&self, message: &str) -> Option<TransferMethod> {
        self.by_sid
            .values()
            .find(|s| s.message == message)
            .map(Session::method)
            .or_else(|| self.ended.get(message).copied())
    }

    pub(super) fn forget_proxy(&mut self) {
        self.proxy = None;
    }

    /// Takes session `sid` out (its IQs in flight are forgotten).
    fn remove(&mut self, sid: &str) -> Option<Session> {
        let session = self.by_sid.remove(sid)?;
        self.sent.retain(|_, (s, _)| s != sid);
        self.ended.insert(session.message.clone(), session.method());
        Some(session)
    }
}

/// The message of session `sid`.
fn offer_message(actor: &Actor, sid: &str) -> Option<String> {
    actor.jingle.by_sid.get(sid).map(|s| s.message.clone())
}

/// An empty result: the IQ was taken.
fn ack(id: &str) -> Iq {
    Iq::from_result(id, None::<tokio_xmpp::parsers::roster::Roster>)
}

fn stanza_error(condition: DefinedCondition, text: &str) -> StanzaError {
    StanzaError::new(ErrorType::Cancel, condition, "en", text)
}

/// The reason a peer gave, in words for the file card.
fn reason_text(reason: &Reason) -> &'static str {
    match reason {
        Reason::Decline => "declined by the contact",
        Reason::Cancel => "cancelled by the contact",
        Reason::Busy => "the contact's client is busy",
        Reason::MediaError => "the file arrived damaged (its hash did not match)",
        Reason::ConnectivityError | Reason::FailedTransport => "the connection failed",
        Reason::Timeout | Reason::Expired => "the contact's client did not answer in time",
        Reason::Gone => "the contact's client went away",
        Reason::UnsupportedApplications | Reason::UnsupportedTransports => {
            "the contact's client cannot take this transfer"
        }
        _ => "the contact's client ended the transfer",
    }
}

impl Actor {
    /// The contact's online client to send a file to directly: one whose
    /// caps say it takes Jingle file transfers in-band (highest presence
    /// priority first).
    pub(super) fn direct_peer(&self, to: &BareJid) -> Option<Jid> {
        let able = self.caps.resources_with(
            to,
            &[
                jingle_ft::NS_JINGLE,
                jingle_ft::NS,
                jingle_ft::NS_IBB,
                crate::xmpp::ibb::NS,
            ],
        );
        self.presence
            .resources(to)
            .into_iter()
            .find(|r| able.contains(&r.resource))
            .and_then(|r| format!("{to}/{}", r.resource).parse().ok())
    }

    /// Starts sending queued file message `p` directly to `peer`: the file
    /// is hashed first (off the async threads), then offered.
    pub(super) fn offer_file(&mut self, p: &PendingUpload, peer: Jid, size: u64) {
        if self.jingle.by_sid.len() >= MAX_SESSIONS {
            return self.upload_failed(&p.id, "too many direct transfers at once; try again later");
        }
        let source = PathBuf::from(&p.source);
        let sid = uuid::Uuid::new_v4().to_string();
        let offer = jingle_ft::Offer {
            sid: sid.clone(),
            content: jingle_ft::CONTENT.to_owned(),
            file: OfferedFile {
                name: p.name.clone(),
                size,
                media_type: p.media_type.clone(),
                sha256: None,
            },
            stream: uuid::Uuid::new_v4().simple().to_string(),
            block_size: jingle_ft::MAX_BLOCK,
            s5b: None,
        };
        let tx = self.transfers.tx.clone();
        let task_sid = sid.clone();
        let path = source.clone();
        let task = tokio::spawn(async move {
            let result = files::sink::sha256_of(path).await;
            let _ = tx.send(TransferReport::Jingle(Report::Hashed {
                sid: task_sid,
                result,
            }));
        });
        tracing::info!(account = %self.id, message = %p.id, %peer, size, "offering the file directly");
        self.jingle.by_sid.insert(
            sid,
            Session {
                message: p.id.clone(),
                peer,
                role: Role::Sending { source },
                offer,
                stage: Stage::Hashing,
                ibb: ibb::Ibb::default(),
                s5b: s5b::S5b::default(),
                peer_ended: false,
            },
        );
        // `offered` follows with the offer (its method known then).
        self.transfers
            .track(&p.id, task.abort_handle(), Direction::Out, Some(size));
    }

    /// Changes the file's state and says so (a `transfer` event).
    fn set_file_state(
        &mut self,
        id: &str,
        direction: Direction,
        state: TransferState,
        bytes: u64,
        error: Option<&str>,
    ) {
        let update = FileUpdate {
            transfer: Some(state),
            error: error.map_or(Change::Clear, Change::Set),
            ..FileUpdate::default()
        };
        let record = self.update_file(id, &update);
        let total = record.and_then(|r| r.file).and_then(|f| f.size);
        self.transfer_event(id, direction, state, bytes, total, error.map(str::to_owned));
    }

    /// Sends session action `jingle` to `peer`, answered by that client.
    async fn send_jingle(&mut self, sid: &str, peer: &Jid, jingle: Jingle, stream: &Wire) {
        self.send_session_iq(sid, peer, jingle.into(), Sent::Action, stream)
            .await;
    }

    async fn send_session_iq(
        &mut self,
        sid: &str,
        peer: &Jid,
        payload: Element,
        what: Sent,
        stream: &Wire,
    ) {
        let id = uuid::Uuid::new_v4().to_string();
        let iq = Iq::Set {
            from: None,
            to: Some(peer.clone()),
            id: id.clone(),
            payload,
        };
        self.jingle.sent.insert(id, (sid.to_owned(), what));
        self.request(
            iq,
            Responder::Client(peer.clone()),
            PendingIq::Jingle,
            stream,
        )
        .await;
    }

    /// An IQ set from `from`: a Jingle action or an in-band block of one
    /// of our sessions. Returns the answer, or None if it is neither.
    pub(super) async fn on_jingle_iq(
        &mut self,
        from: Option<&Jid>,
        id: &str,
        payload: &Element,
        stream: &Wire,
    ) -> Option<Iq> {
        let is_jingle = payload.is("jingle", jingle_ft::NS_JINGLE);
        if !is_jingle && payload.ns() != crate::xmpp::ibb::NS {
            return None;
        }
        // Sessions are with one client: a full JID, not our own bare one.
        let Some(from) = from.filter(|f| f.resource().is_some()) else {
            return Some(Iq::from_error(
                id,
                stanza_error(DefinedCondition::BadRequest, "a session is with a client"),
            ));
        };
        if !is_jingle {
            return Some(self.on_ibb(from, id, payload, stream).await);
        }
        let jingle = match Jingle::try_from(payload.clone()) {
            Ok(j) => j,
            Err(e) => {
                tracing::info!(account = %self.id, %from, "malformed jingle: {e}");
                return Some(Iq::from_error(
                    id,
                    stanza_error(DefinedCondition::BadRequest, "malformed jingle"),
                ));
            }
        };
        let sid = jingle.sid.0.clone();
        if jingle.action == Action::SessionInitiate {
            if self.jingle.by_sid.contains_key(&sid) {
                return Some(Iq::from_error(
                    id,
                    stanza_error(DefinedCondition::Conflict, "session exists"),
                ));
            }
            // Answered first; what we make of it follows (XEP-0166 §6.3.2).
            let ack = ack(id).with_to(from.clone());
            self.send(stream, Stanza::Iq(ack)).await;
            self.on_offer(from, &jingle, stream).await;
            return None;
        }
        let Some(session) = self.jingle.by_sid.get(&sid).filter(|s| s.peer == *from) else {
            return Some(Iq::from_error(
                id,
                stanza_error(DefinedCondition::ItemNotFound, "unknown session"),
            ));
        };
        let sending = matches!(session.role, Role::Sending { .. });
        let stage = session.stage;
        let ack = ack(id).with_to(from.clone());
        self.send(stream, Stanza::Iq(ack)).await;
        match jingle.action {
            Action::SessionAccept if sending && stage == Stage::Offered => {
                self.on_accepted(&sid, &jingle, stream).await;
            }
            Action::TransportInfo => self.on_transport_info(&sid, &jingle, stream).await,
            Action::TransportReplace if !sending => {
                self.on_transport_replace(&sid, &jingle, stream).await;
            }
            Action::TransportAccept if sending => match jingle_ft::ibb_of(&jingle) {
                Some((_, block_size)) => self.ibb_open(&sid, block_size, stream).await,
                None => {
                    let error = "the contact's client accepted no usable transport";
                    self.transport_failed(&sid, error, stream).await;
                }
            },
            Action::TransportReject => {
                let error = "the contact's client refused the in-band fallback";
                self.transport_failed(&sid, error, stream).await;
            }
            Action::SessionTerminate => {
                let reason = jingle
                    .reason
                    .map(|r| r.reason)
                    .unwrap_or(Reason::GeneralError);
                self.on_terminated(&sid, &reason);
            }
            // session-info (<received/>, <checksum/>) and the like: noted.
            other => {
                tracing::debug!(account = %self.id, %sid, ?other, "jingle action ignored");
            }
        }
        None
    }

    /// No transport is left for session `sid`: it fails with `error`.
    async fn transport_failed(&mut self, sid: &str, error: &str, stream: &Wire) {
        self.end_session(
            sid,
            Reason::FailedTransport,
            TransferState::Failed,
            Some(error),
            Some(stream),
        )
        .await;
    }

    /// A `session-initiate`: a file offered to us.
    async fn on_offer(&mut self, from: &Jid, jingle: &Jingle, stream: &Wire) {
        let sid = jingle.sid.0.clone();
        let offer = match jingle_ft::parse_offer(jingle) {
            Ok(o) => o,
            Err(e) => {
                tracing::info!(account = %self.id, %from, "offer refused: {e}");
                let end = jingle_ft::terminate(&sid, e.reason());
                return self.send_jingle(&sid, from, end, stream).await;
            }
        };
        if self.jingle.by_sid.len() >= MAX_SESSIONS {
            let end = jingle_ft::terminate(&sid, Reason::Busy);
            return self.send_jingle(&sid, from, end, stream).await;
        }
        let with = from.to_bare();
        let id = uuid::Uuid::new_v4().to_string();
        let name = files::names::sanitize(&offer.file.name);
        let file = NewFile {
            name: name.clone(),
            size: Some(offer.file.size),
            media_type: offer.file.media_type.clone(),
            url: None,
            sha256: offer.file.sha256,
            source: None,
            transfer: TransferState::Offered,
        };
        let with_text = with.to_string();
        let sender = from.to_string();
        let now = chrono::Utc::now();
        let row = NewMessage {
            file: Some(&file),
            ..NewMessage::text(
                &id,
                &with_text,
                Direction::In,
                &sender,
                "",
                now,
                MessageState::Received,
            )
        };
        let record = match self.store.insert_messages(&[row]) {
            Ok(mut inserted) => match inserted.pop() {
                Some(crate::store::Inserted::New(record)) => record,
                _ => return,
            },
            Err(e) => {
                self.error(Problem::StoreFailed, e.to_string(), None);
                let end = jingle_ft::terminate(&sid, Reason::GeneralError);
                return self.send_jingle(&sid, from, end, stream).await;
            }
        };
        let contact = self.store.is_contact(&with_text).unwrap_or(false);
        tracing::info!(account = %self.id, %from, size = offer.file.size, contact, "file offered");
        self.emit(Event::Message {
            account: self.id.clone(),
            message: record,
            reference: None,
        });
        self.emit(Event::FileOffer {
            account: self.id.clone(),
            id: id.clone(),
            with: with_text,
            from: sender,
            name,
            size: offer.file.size,
            media_type: offer.file.media_type.clone(),
            contact,
        });
        let size = offer.file.size;
        let image = files::is_image(offer.file.media_type.as_deref(), &offer.file.name);
        self.jingle.by_sid.insert(
            sid,
            Session {
                message: id.clone(),
                peer: from.clone(),
                role: Role::Receiving,
                offer,
                stage: Stage::Offered,
                ibb: ibb::Ibb::default(),
                s5b: s5b::S5b::default(),
                peer_ended: false,
            },
        );
        // Never unasked from strangers; from contacts within the limits.
        if contact && self.transfers.settings.auto_downloads(Some(size), image) {
            self.accept_file(&id, Some(stream)).await;
        }
    }

    /// `accept_file`: the offered file comes in.
    pub(super) async fn accept_file(&mut self, id: &str, stream: Option<&Wire>) {
        let Some(sid) = self.jingle.sid_of(id) else {
            return self.error(
                Problem::UnknownTransfer,
                format!("no file offered as {id}"),
                None,
            );
        };
        let Some(stream) = stream else {
            return self.error(
                Problem::NotConnected,
                "the offer needs the connection",
                None,
            );
        };
        let Some(session) = self
            .jingle
            .by_sid
            .get(&sid)
            .filter(|s| s.is_open_offer_to_us())
        else {
            return self.error(
                Problem::UnknownTransfer,
                format!("the file of {id} is not waiting for an answer"),
                None,
            );
        };
        let offer = session.offer.clone();
        let peer = session.peer.clone();
        let dir = self.transfers.download_dir().to_owned();
        // Room for it, with a margin for everything else on that disk.
        if let Some(free) = files::sink::available_space(&dir)
            && free < offer.file.size.saturating_add(64 * 1024 * 1024)
        {
            let error = format!(
                "not enough disk space: the file needs {}, {} are free",
                human_size(offer.file.size),
                human_size(free)
            );
            return self.offer_stays(id, &error);
        }
        let expected = Expected {
            dir,
            name: files::names::sanitize(&offer.file.name),
            size: offer.file.size,
            sha256: offer.file.sha256,
        };
        let sink = match FileSink::create(expected, self.transfers.progress(id)).await {
            Ok(s) => s,
            Err(e) => return self.offer_stays(id, &e.to_string()),
        };
        let image = files::is_image(offer.file.media_type.as_deref(), &offer.file.name);
        let thumbnail = image.then(|| self.transfers.preview_path(id));
        let (task, writer) = self.spawn_writer(&sid, sink, thumbnail);
        self.transfers
            .track(id, task, Direction::In, Some(offer.file.size));
        if let Some(session) = self.jingle.by_sid.get_mut(&sid) {
            session.stage = Stage::Transferring;
            session.ibb.expect(&offer, writer);
        }
        let own: Jid = match self.full_jid.parse() {
            Ok(j) => j,
            Err(_) => return,
        };
        let transport = match &offer.s5b {
            Some(_) => self.our_s5b_transport(&sid).await,
            None => None,
        };
        let transport =
            transport.unwrap_or_else(|| jingle_ft::ibb_transport(&offer.stream, offer.block_size));
        let accept = jingle_ft::accept(&offer, &own, transport);
        self.send_jingle(&sid, &peer, accept, stream).await;
        if let Some(theirs) = &offer.s5b {
            self.try_their_candidates(&sid, theirs.candidates());
        }
        self.set_file_state(id, Direction::In, TransferState::Downloading, 0, None);
    }

    /// The offered file cannot come in now (`error`): said, and the offer
    /// stays open.
    fn offer_stays(&mut self, id: &str, error: &str) {
        self.error(Problem::TransferFailed, error, None);
        self.set_file_state(id, Direction::In, TransferState::Offered, 0, Some(error));
    }

    /// A task writing the blocks it is handed into `sink`; it reports the
    /// checked file (and its preview) when the last byte is in, or why not.
    fn spawn_writer(
        &self,
        sid: &str,
        mut sink: FileSink,
        thumbnail: Option<PathBuf>,
    ) -> (tokio::task::AbortHandle, mpsc::Sender<Vec<u8>>) {
        let (writer, mut blocks) = mpsc::channel::<Vec<u8>>(16);
        let tx = self.transfers.tx.clone();
        let sid = sid.to_owned();
        let account = self.id.clone();
        let task = tokio::spawn(async move {
            let result = async {
                while sink.missing() > 0 {
                    let Some(block) = blocks.recv().await else {
                        break;
                    };
                    sink.write(&block).await?;
                }
                let done = sink.finish().await?;
                let preview = match thumbnail {
                    Some(out) => {
                        super::transfers::make_preview(&account, done.path.clone(), out).await
                    }
                    None => None,
                };
                Ok((done, preview))
            }
            .await;
            let _ = tx.send(TransferReport::Jingle(Report::Received { sid, result }));
        });
        (task.abort_handle(), writer)
    }

    /// `decline_file`: the offer is refused, the sender told.
    pub(super) async fn decline_file(&mut self, id: &str, stream: Option<&Wire>) {
        let Some(sid) = self.jingle.sid_of(id).filter(|sid| {
            self.jingle
                .by_sid
                .get(sid)
                .is_some_and(Session::is_open_offer_to_us)
        }) else {
            return self.error(
                Problem::UnknownTransfer,
                format!("no file offered as {id}"),
                None,
            );
        };
        self.end_session(
            &sid,
            Reason::Decline,
            TransferState::Cancelled,
            Some("declined"),
            stream,
        )
        .await;
    }

    /// Ends session `sid` from our side: the peer is told `reason`, the
    /// file gets `state` (and `error`).
    async fn end_session(
        &mut self,
        sid: &str,
        reason: Reason,
        state: TransferState,
        error: Option<&str>,
        stream: Option<&Wire>,
    ) {
        let Some(session) = self.jingle.remove(sid) else {
            return;
        };
        if let Some(active) = self.transfers.untrack(&session.message) {
            active.abort();
        }
        if let Some(stream) = stream {
            let end = jingle_ft::terminate(sid, reason);
            self.send_jingle(sid, &session.peer, end, stream).await;
        }
        self.finish_file(&session, state, error);
    }

    /// The file's last state after its session: for ours, the message's
    /// state too (delivered, or failed: it can be retried as a new offer).
    fn finish_file(&mut self, session: &Session, state: TransferState, error: Option<&str>) {
        let direction = match session.role {
            Role::Sending { .. } => Direction::Out,
            Role::Receiving => Direction::In,
        };
        let bytes = if state == TransferState::Done {
            session.offer.file.size
        } else {
            0
        };
        self.set_file_state(&session.message, direction, state, bytes, error);
        if direction == Direction::Out {
            let (message_state, error) = match state {
                TransferState::Done => (MessageState::Delivered, None),
                _ => (MessageState::Failed, error),
            };
            if let Ok(Some(rec)) = self.store.set_state(&session.message, message_state, error) {
                self.announce_state(rec);
            }
        }
    }

    /// The peer ended session `sid`.
    fn on_terminated(&mut self, sid: &str, reason: &Reason) {
        // A sender done with its part: what it sent is still checked (the
        // writer ends with what came), then the session ends quietly.
        if let Some(session) = self.jingle.by_sid.get_mut(sid)
            && matches!(session.role, Role::Receiving)
            && session.stage == Stage::Transferring
            && *reason == Reason::Success
        {
            session.peer_ended = true;
            session.ibb.sender_done();
            return;
        }
        let Some(session) = self.jingle.remove(sid) else {
            return;
        };
        if let Some(active) = self.transfers.untrack(&session.message) {
            active.abort();
        }
        tracing::info!(account = %self.id, %sid, ?reason, "session ended by the peer");
        let sent_all = session.stage == Stage::Sent;
        match reason {
            Reason::Success if sent_all => self.finish_file(&session, TransferState::Done, None),
            Reason::Decline | Reason::Cancel => self.finish_file(
                &session,
                TransferState::Cancelled,
                Some(reason_text(reason)),
            ),
            _ => self.finish_file(&session, TransferState::Failed, Some(reason_text(reason))),
        }
    }

    /// `cancel_transfer` of a direct transfer: true if `id` had one.
    pub(super) async fn cancel_direct(&mut self, id: &str, stream: Option<&Wire>) -> bool {
        let Some(sid) = self.jingle.sid_of(id) else {
            return false;
        };
        let reason = self
            .jingle
            .by_sid
            .get(&sid)
            .map_or(Reason::Cancel, Session::our_end_reason);
        self.end_session(
            &sid,
            reason,
            TransferState::Cancelled,
            Some("cancelled"),
            stream,
        )
        .await;
        true
    }

    /// The connection is gone (or Plausch quits): every session ends; open
    /// offers are declined and running transfers cancelled while the
    /// stream can still say so.
    pub(super) async fn end_all_sessions(&mut self, stream: Option<&Wire>, why: &str) {
        let sids: Vec<String> = self.jingle.by_sid.keys().cloned().collect();
        for sid in sids {
            let reason = self
                .jingle
                .by_sid
                .get(&sid)
                .map_or(Reason::Cancel, Session::our_end_reason);
            self.end_session(&sid, reason, TransferState::Failed, Some(why), stream)
                .await;
        }
    }

    /// The answer to one of our session IQs.
    pub(super) async fn on_jingle_answer(
        &mut self,
        id: &str,
        answer: Result<Option<Element>, StanzaError>,
        stream: &Wire,
    ) {
        let Some((sid, what)) = self.jingle.sent.remove(id) else {
            return;
        };
        if let Sent::Streamhost = what {
            return self.on_streamhost(answer.ok().flatten());
        }
        if !self.jingle.by_sid.contains_key(&sid) {
            return;
        }
        match (what, answer) {
            (Sent::IbbOpen, Ok(_)) => self.ibb_opened(&sid),
            (Sent::IbbBlock(len), Ok(_)) => self.ibb_block_taken(&sid, len, stream).await,
            (Sent::Activate, Ok(_)) => self.s5b_activated(&sid, stream).await,
            (Sent::IbbClose | Sent::Action | Sent::Streamhost, Ok(_)) => {}
            (what, Err(e)) => {
                tracing::info!(account = %self.id, %sid, ?what, "refused: {e:?}");
                let reason = match what {
                    Sent::Action => Reason::GeneralError,
                    _ => Reason::ConnectivityError,
                };
                let error = "the contact's client refused or did not answer";
                self.end_session(
                    &sid,
                    reason,
                    TransferState::Failed,
                    Some(error),
                    Some(stream),
                )
                .await;
            }
        }
    }

    pub(super) async fn on_jingle_report(&mut self, report: Report, stream: &Wire) {
        match report {
            Report::Hashed { sid, result } => self.on_hashed(&sid, result, stream).await,
            Report::Block { sid, data } => self.ibb_send_block(&sid, data, stream).await,
            Report::ReadDone { sid, result } => self.ibb_read_done(&sid, result, stream).await,
            Report::Received { sid, result } => self.on_received(&sid, result, stream).await,
            Report::S5b { sid, report } => self.on_s5b_report(&sid, report, stream).await,
        }
    }

    /// The file is hashed: the offer goes out.
    async fn on_hashed(
        &mut self,
        sid: &str,
        result: Result<[u8; 32], TransferError>,
        stream: &Wire,
    ) {
        let Some(session) = self.jingle.by_sid.get_mut(sid) else {
            return;
        };
        let hash = match result {
            Ok(h) => h,
            Err(e) => {
                let error = e.to_string();
                return self
                    .end_session(
                        sid,
                        Reason::Cancel,
                        TransferState::Failed,
                        Some(&error),
                        None,
                    )
                    .await;
            }
        };
        session.offer.file.sha256 = Some(hash);
        session.stage = Stage::Offered;
        let peer = session.peer.clone();
        let offer = session.offer.clone();
        let Ok(own) = self.full_jid.parse::<Jid>() else {
            return;
        };
        // SOCKS5 if the peer's client takes it (the in-band fallback
        // stays), else in-band from the start.
        let transport = match self.takes_s5b(&peer) {
            true => self.our_s5b_transport(sid).await,
            false => None,
        };
        let transport = transport
            .unwrap_or_else(|| jingle_ft::ibb_transport(&offer.stream, jingle_ft::MAX_BLOCK));
        let initiate = jingle_ft::offer(sid, &own, &offer.file, transport);
        self.send_jingle(sid, &peer, initiate, stream).await;
        // The method is known now.
        let message = offer_message(self, sid);
        if let Some(message) = message {
            self.set_file_state(&message, Direction::Out, TransferState::Offered, 0, None);
        }
    }

    /// The peer took our offer: the bytes go.
    async fn on_accepted(&mut self, sid: &str, jingle: &Jingle, stream: &Wire) {
        let s5b_offered = self.jingle.by_sid.get(sid).is_some_and(|s| s.s5b.active);
        if s5b_offered
            && let Some(t) = crate::xmpp::jingle_s5b::transport_of(jingle)
            && let Ok(theirs) = crate::xmpp::jingle_s5b::read(t)
        {
            let candidates = theirs.candidates();
            if let Some(session) = self.jingle.by_sid.get_mut(sid) {
                session.stage = Stage::Transferring;
            }
            return self.try_their_candidates(sid, candidates);
        }
        if let Some(session) = self.jingle.by_sid.get_mut(sid) {
            session.s5b = s5b::S5b::default();
        }
        let Some(block_size) = jingle_ft::accepted_block_size(jingle) else {
            let error = "the contact's client accepted with no usable transport";
            return self
                .end_session(
                    sid,
                    Reason::UnsupportedTransports,
                    TransferState::Failed,
                    Some(error),
                    Some(stream),
                )
                .await;
        };
        let Some(session) = self.jingle.by_sid.get_mut(sid) else {
            return;
        };
        session.stage = Stage::Transferring;
        let message = session.message.clone();
        self.set_file_state(&message, Direction::Out, TransferState::Uploading, 0, None);
        self.ibb_open(sid, block_size, stream).await;
    }

    /// A received file is complete and checked, or failed: the sender is
    /// told either way.
    async fn on_received(
        &mut self,
        sid: &str,
        result: Result<(Downloaded, Option<PathBuf>), TransferError>,
        stream: &Wire,
    ) {
        let Some(session) = self.jingle.by_sid.get(sid) else {
            return;
        };
        let message = session.message.clone();
        // Nobody to tell if the sender has ended the session already.
        let stream = (!session.peer_ended).then_some(stream);
        match result {
            Ok((done, preview)) => {
                tracing::info!(account = %self.id, %sid, size = done.size, "received directly");
                let path = done.path.display().to_string();
                let thumbnail = preview.map(|p| p.display().to_string());
                self.update_file(
                    &message,
                    &FileUpdate {
                        path: Some(&path),
                        thumbnail: thumbnail.as_deref(),
                        sha256: Some(&done.sha256),
                        ..FileUpdate::default()
                    },
                );
                self.transfers.untrack(&message);
                self.end_session(sid, Reason::Success, TransferState::Done, None, stream)
                    .await;
            }
            Err(e) => {
                let reason = match e {
                    TransferError::HashMismatch => Reason::MediaError,
                    TransferError::Write { .. } => Reason::GeneralError,
                    _ => Reason::FailedTransport,
                };
                let error = e.to_string();
                tracing::info!(account = %self.id, %sid, "direct transfer failed: {error}");
                self.end_session(sid, reason, TransferState::Failed, Some(&error), stream)
                    .await;
            }
        }
    }
}
