//! Incoming stanzas: messages, presence, IQs. The order for a message is
//! fixed: parse → dedup (store) → announce, so nothing is announced unstored.

use crate::account::wire::Wire;
use chrono::Utc;
use tokio_xmpp::Stanza;
use tokio_xmpp::jid::Jid;
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::iq::Iq;
use tokio_xmpp::parsers::message::{Message, MessageType};
use tokio_xmpp::parsers::ping::Ping;
use tokio_xmpp::parsers::presence::Presence;
use tokio_xmpp::parsers::roster::{Roster, Subscription};
use tokio_xmpp::parsers::stanza_error::{DefinedCondition, ErrorType, StanzaError};

use super::outbox::{Progress, Stage};
use super::requests::{Answer, Responder};
use super::{Actor, chat, chatstates, roster};
use crate::api::{Availability, Direction, Event, Problem};
use crate::xmpp::carbons::{self, Carbon};
use crate::xmpp::receipts;
use crate::xmpp::{caps, version};

/// What an outstanding IQ request was for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PendingIq {
    Roster,
    /// What a contact's client's caps mean (`caps.rs` keeps the hash).
    Caps,
    /// Finding the upload service, and upload slots (`upload.rs` keeps
    /// what each was for).
    UploadDisco,
    UploadSlot,
    Carbons,
    /// An archive query; its id is also the query id (see `sync.rs`).
    Archive,
    /// Server info requests and the password change (`server_info.rs`).
    ServerVersion,
    ServerDisco,
    ServerPing(std::time::Instant),
    ChangePassword,
    /// A roster change of ours (the result comes as a push).
    RosterSet,
    Blocklist,
    BlockChange,
    /// Avatars (`avatars.rs`, which keeps what each request was for): a
    /// contact's XEP-0084 data item or vCard photo, our own metadata, and
    /// publishing ours.
    AvatarData,
    VCardPhoto,
    OwnAvatar,
    AvatarPublish,
    /// OMEMO device lists, bundles and their publishing (`omemo/`, which
    /// keeps what each request was for).
    Omemo,
    /// Direct transfers' session actions and in-band blocks (`jingle/`,
    /// which keeps what each was for).
    Jingle,
    /// Read positions (XEP-0490): publishing ours, fetching all
    /// (`mds.rs` keeps which is which).
    Mds,
}

impl Actor {
    /// Our own account or our server may send us roster results and pushes.
    fn is_own_account(&self, from: Option<&Jid>) -> bool {
        from.is_none_or(|f| f.to_bare() == self.jid)
    }

    pub(super) async fn on_stanza(&mut self, stanza: Stanza, stream: &Wire) {
        self.show_in_console(Direction::In, &stanza);
        match stanza {
            Stanza::Message(m) => self.on_message(m, stream).await,
            Stanza::Presence(p) => self.on_presence(p, stream).await,
            Stanza::Iq(iq) => self.on_iq(iq, stream).await,
        }
        self.omemo_after_stanza(stream).await;
    }

    /// Message pipeline: bounce → archive result → carbon → live message;
    /// each path ends in `ingest` (store with dedup, then announce).
    async fn on_message(&mut self, msg: Message, stream: &Wire) {
        // Rooms we are in, and invitations to rooms (muc/).
        let Some(msg) = self.on_room_message(msg, stream).await else {
            return;
        };
        if msg.type_ == MessageType::Error {
            return self.on_message_error(msg);
        }
        // PEP notifications (XEP-0163): headlines from a bare JID, also from
        // our own account (another device published).
        if self.on_pep_notification(&msg, stream).await {
            return;
        }
        let Some(msg) = self.on_archive_result(msg) else {
            return;
        };
        let message = match carbons::unwrap(msg, &self.jid) {
            Carbon::Forged { from } => {
                tracing::warn!(account = %self.id, from, "forged carbon ignored");
                return;
            }
            Carbon::Copy(inner) => {
                // A receipt that reached another of our devices counts too.
                self.on_receipt(&inner);
                inner
            }
            Carbon::None(msg) => {
                if msg.from.as_ref().is_some_and(|f| f.to_bare() == self.jid) {
                    tracing::debug!(account = %self.id, "message from own account ignored");
                    return;
                }
                // No receipts or chat states for (or from) a blocked JID.
                if msg
                    .from
                    .as_ref()
                    .is_some_and(|f| self.is_blocked(&f.to_bare()))
                {
                    return;
                }
                self.on_receipt(&msg);
                self.answer_receipt(&msg, stream).await;
                self.on_chat_state(&msg);
                msg
            }
        };
        if let Some(m) = chat::parse_chat(message, &self.jid, Utc::now()) {
            self.ingest_live(m);
        }
    }

    /// A contact's chat state: announced, not stored.
    fn on_chat_state(&mut self, msg: &Message) {
        if let (Some(state), Some(from)) = (chatstates::of(msg), msg.from.as_ref()) {
            let (with, nick) = self.chat_state_peer(from);
            self.emit(Event::ChatState {
                account: self.id.clone(),
                with,
                state,
                nick,
            });
        }
    }

    /// A delivery receipt (XEP-0184) for one of our messages. Only the
    /// message's recipient may confirm it.
    fn on_receipt(&mut self, msg: &Message) {
        let (Some(id), Some(from)) = (receipts::confirmed_id(msg), msg.from.as_ref()) else {
            return;
        };
        match self.store.message(&id) {
            Ok(Some(record))
                if record.direction == Direction::Out
                    && from.to_bare().to_string() == record.with =>
            {
                self.on_progress(Progress {
                    id,
                    session: self.session,
                    stage: Stage::Delivered,
                });
            }
            Ok(_) => {
                tracing::debug!(account = %self.id, "receipt for an unknown message or from someone else ignored")
            }
            Err(e) => self.error(Problem::StoreFailed, e.to_string(), None),
        }
    }

    /// Answers a receipt request, if the account allows it and the sender
    /// is a contact (strangers do not learn that we are reading).
    async fn answer_receipt(&mut self, msg: &Message, stream: &Wire) {
        if !self.switches.send_receipts || !receipts::requested(msg) || msg.bodies.is_empty() {
            return;
        }
        let (Some(from), Some(id)) = (msg.from.clone(), msg.id.as_ref()) else {
            return;
        };
        if msg.type_ == MessageType::Groupchat
            || !self
                .store
                .is_contact(&from.to_bare().to_string())
                .unwrap_or(false)
        {
            return;
        }
        let answer = receipts::answer(from, &id.0);
        self.send_receipt(stream, answer).await;
    }

    /// A bounce for one of our messages: only its recipient or a server may
    /// send it, or anyone could mark our messages as failed.
    fn on_message_error(&mut self, msg: Message) {
        let (Some(id), Some(from)) = (msg.id.as_ref(), msg.from.as_ref()) else {
            return;
        };
        let Ok(Some(record)) = self.store.message(&id.0) else {
            return;
        };
        let from_bare = from.to_bare();
        // The recipient itself, or a server (no local part) of either side.
        let server_of = |jid: &str| jid.rsplit('@').next() == Some(from_bare.domain().as_str());
        // A private message (to `room/nick`) is bounced by the room.
        let plausible = record.direction == Direction::Out
            && (from_bare.to_string() == record.with
                || crate::store::bare_jid(&record.with) == from_bare.as_str()
                || (from_bare.node().is_none()
                    && (server_of(&record.with) || from_bare.domain() == self.jid.domain())));
        if !plausible {
            return;
        }
        let text = crate::xmpp::stanza_error::of(&msg.payloads)
            .map(|e| super::stanza_error::describe(&e))
            .unwrap_or_else(|| "rejected by the server".into());
        self.on_progress(Progress {
            id: record.id,
            session: self.session,
            stage: Stage::Failed(text),
        });
    }

    async fn on_presence(&mut self, p: Presence, stream: &Wire) {
        let Some(from) = p.from.as_ref().map(|f| f.to_bare()) else {
            return;
        };
        if from == self.jid {
            return self.on_own_device_presence(&p, stream).await;
        }
        if self.on_room_presence(&p, stream).await {
            return;
        }
        if self.is_blocked(&from) || self.on_subscription_presence(&p) {
            return;
        }
        self.observe_caps(&p, stream).await;
        self.on_avatar_presence(&p, stream).await;
        if let Some((jid, shown)) = self.presence.apply(&p) {
            // Their last client just went offline: remember when.
            let gone = shown.availability == Availability::Offline
                && p.type_ == tokio_xmpp::parsers::presence::Type::Unavailable;
            let last_seen = if gone {
                self.note_last_seen(&jid, &p)
            } else {
                None
            };
            self.emit(Event::Presence {
                account: self.id.clone(),
                jid: jid.to_string(),
                presence: shown.availability,
                status: shown.status,
                idle_since: shown.idle_since,
                last_seen,
            });
        }
    }

    async fn on_iq(&mut self, iq: Iq, stream: &Wire) {
        match iq {
            Iq::Result {
                from, id, payload, ..
            } => self.on_iq_answer(from, id, Ok(payload), stream).await,
            Iq::Error {
                from, id, error, ..
            } => self.on_iq_answer(from, id, Err(error), stream).await,
            Iq::Set {
                from, id, payload, ..
            } => {
                if let Some(reply) = self
                    .on_jingle_iq(from.as_ref(), &id, &payload, stream)
                    .await
                {
                    return self.send_reply(reply, from, stream).await;
                }
                if payload.is("jingle", crate::xmpp::jingle_ft::NS_JINGLE) {
                    // Acknowledged already (session-initiate).
                    return;
                }
                let own = self.is_own_account(from.as_ref());
                let reply = if own && payload.is("query", tokio_xmpp::parsers::ns::ROSTER) {
                    self.on_roster_push(payload);
                    Iq::from_result(id, None::<Roster>)
                } else if own && self.on_block_push(&payload) {
                    Iq::from_result(id, None::<Roster>)
                } else {
                    unsupported(id)
                };
                self.send_reply(reply, from, stream).await;
            }
            Iq::Get {
                from, id, payload, ..
            } => {
                let reply = if let Some(answer) = caps::answer(self.offer(), &id, &payload) {
                    answer
                } else if version::is_query(&payload) && self.may_ask_version(from.as_ref()) {
                    version::answer(&id)
                } else if Ping::try_from(payload).is_ok() {
                    Iq::from_result(id, None::<Roster>)
                } else {
                    unsupported(id)
                };
                self.send_reply(reply, from, stream).await;
            }
        }
    }

    /// The answer (result or error) to one of our requests: profiles and
    /// rooms check theirs, the request table (`requests.rs`) the rest, each
    /// only from the entity asked.
    async fn on_iq_answer(
        &mut self,
        from: Option<Jid>,
        id: String,
        answer: Result<Option<Element>, StanzaError>,
        stream: &Wire,
    ) {
        if self
            .on_profile_iq(&id, from.as_ref(), &answer, stream)
            .await
        {
            return;
        }
        if self.on_room_iq(&id, from.as_ref(), &answer, stream).await {
            return;
        }
        match self.requests.answer(&id, from.as_ref(), &self.jid) {
            Answer::Ours(kind) => self.on_request_answer(kind, &id, answer, stream).await,
            Answer::Unknown | Answer::Spoofed => {}
        }
    }

    /// Notes a presence's caps (XEP-0115) and asks the client what they
    /// mean if nobody has told us yet; only that client may answer.
    pub(super) async fn observe_caps(&mut self, p: &Presence, stream: &Wire) {
        if let (Some(query), Some(client)) = (self.caps.observe(p), p.from.clone()) {
            self.request(query, Responder::Client(client), PendingIq::Caps, stream)
                .await;
        }
    }

    /// Sends request `iq`, which `responder` is to answer, for `kind`
    /// (`on_request_answer` gets the answer).
    pub(super) async fn request(
        &mut self,
        iq: Iq,
        responder: Responder,
        kind: PendingIq,
        stream: &Wire,
    ) {
        let now = tokio::time::Instant::now();
        if self.requests.open(iq.id().to_owned(), responder, kind, now) {
            self.send(stream, Stanza::Iq(iq)).await;
        }
    }

    /// Fails the requests that got no answer in time (and those a full
    /// table refused) as if their answer were an error.
    pub(super) async fn expire_requests(&mut self, now: tokio::time::Instant, stream: &Wire) {
        let timeout = StanzaError::new(
            ErrorType::Wait,
            DefinedCondition::RemoteServerTimeout,
            "en",
            "no answer in time",
        );
        for (id, kind) in self.requests.expire(now) {
            tracing::info!(account = %self.id, ?kind, "request not answered in time");
            self.on_request_answer(kind, &id, Err(timeout.clone()), stream)
                .await;
        }
        self.expire_room_iqs(now, &timeout, stream).await;
        self.expire_profile_requests(now, &timeout, stream).await;
    }

    /// The answer to request `id` for `kind`, from the entity asked (or a
    /// timeout, as an error).
    async fn on_request_answer(
        &mut self,
        kind: PendingIq,
        id: &str,
        answer: Result<Option<Element>, StanzaError>,
        stream: &Wire,
    ) {
        match (kind, answer) {
            (PendingIq::Caps, answer) => self.caps.on_result(id, answer.ok().flatten()),
            (PendingIq::UploadDisco, answer) => self.on_upload_disco(id, &answer, stream).await,
            (PendingIq::UploadSlot, answer) => self.on_slot_answer(id, &answer),
            (PendingIq::Jingle, answer) => self.on_jingle_answer(id, answer, stream).await,
            (PendingIq::ChangePassword, answer) => {
                self.on_password_changed(answer.map(|_| ())).await
            }
            (PendingIq::Archive, answer) => self.on_archive_page_end(id, answer, stream).await,
            (PendingIq::Roster, answer) => {
                match answer {
                    Ok(payload) => self.on_roster_result(payload),
                    Err(error) => self.refused(
                        Problem::RosterRequest,
                        "the contact list could not be read",
                        &error,
                    ),
                }
                self.after_roster(stream).await;
            }
            (PendingIq::Blocklist, answer) => self.on_blocklist(answer.ok().flatten()),
            (PendingIq::RosterSet | PendingIq::BlockChange, Ok(_)) => {}
            (PendingIq::RosterSet | PendingIq::BlockChange, Err(error)) => self.refused(
                Problem::RosterChange,
                "the server refused the change",
                &error,
            ),
            (PendingIq::AvatarData | PendingIq::VCardPhoto, answer) => {
                self.on_avatar_data(kind, id, answer, stream).await
            }
            (PendingIq::OwnAvatar, answer) => self.on_own_avatar(answer, stream).await,
            (PendingIq::AvatarPublish, answer) => {
                self.on_avatar_published(id, answer, stream).await
            }
            (PendingIq::Omemo, answer) => self.on_omemo_answer(id, answer, stream).await,
            (PendingIq::Mds, answer) => self.on_mds_answer(id, answer, stream).await,
            (PendingIq::Carbons, Ok(_)) => self.sync.carbons_enabled(),
            (PendingIq::Carbons, Err(error)) => tracing::info!(
                account = %self.id,
                "carbons not enabled: {}", super::stanza_error::describe(&error)
            ),
            (server_info, answer) => self.on_server_info(server_info, answer),
        }
    }

    fn on_roster_result(&mut self, payload: Option<Element>) {
        let roster = match payload.map(Roster::try_from) {
            // Roster versioning: unchanged since our version, pushes follow.
            None if self.roster_versioning => return self.emit_roster(),
            Some(Ok(roster)) => roster,
            _ => {
                return self.error(
                    Problem::BadServerAnswer,
                    "the server sent an unreadable roster",
                    None,
                );
            }
        };
        let contacts: Vec<_> = roster.items.iter().map(roster::contact_from_item).collect();
        if let Err(e) = self.store.replace_roster(&contacts, roster.ver.as_deref()) {
            return self.error(Problem::StoreFailed, e.to_string(), None);
        }
        self.emit_roster();
    }

    fn on_roster_push(&mut self, payload: Element) {
        let Ok(roster) = Roster::try_from(payload) else {
            return;
        };
        for item in &roster.items {
            let result = if item.subscription == Subscription::Remove {
                self.store.remove_contact(item.jid.as_str())
            } else {
                self.store.upsert_contact(&roster::contact_from_item(item))
            };
            if let Err(e) = result {
                self.error(Problem::StoreFailed, e.to_string(), None);
            }
        }
        if let Some(ver) = roster.ver.as_deref()
            && let Err(e) = self.store.set_roster_version(Some(ver))
        {
            self.error(Problem::StoreFailed, e.to_string(), None);
        }
        self.emit_roster();
    }

    async fn send_reply(&mut self, mut reply: Iq, to: Option<Jid>, stream: &Wire) {
        if let Some(to) = to {
            reply = reply.with_to(to);
        }
        self.send(stream, Stanza::Iq(reply)).await;
    }

    fn emit_roster(&mut self) {
        match self.contacts() {
            Ok(contacts) => {
                self.emit(Event::Roster {
                    account: self.id.clone(),
                    contacts,
                });
            }
            Err(e) => self.error(Problem::StoreFailed, e.to_string(), None),
        }
    }
}

/// The answer to requests we do not support — and to those we choose not
/// to answer: version queries from strangers (`version.rs`) and last
/// activity (XEP-0012) queries, which would tell anyone how long the user
/// has been idle (`last_activity.rs`).
fn unsupported(id: String) -> Iq {
    Iq::from_error(
        id,
        StanzaError::new(
            ErrorType::Cancel,
            DefinedCondition::ServiceUnavailable,
            "en",
            "not supported",
        ),
    )
}
