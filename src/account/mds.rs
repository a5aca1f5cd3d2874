//! Message Displayed Synchronization (XEP-0490): our read position per
//! conversation in our own PEP node (read in
//! [`xmpp::mds`](crate::xmpp::mds)), so unread counts agree across our
//! devices (Conversations, Monal, Gajim 2, other Plausch installations).
//!
//! When the user reads a conversation we publish the archive id of its
//! newest incoming message; after each fresh session's catch-up we fetch
//! every position, and our other devices' changes come live (`+notify` in
//! our caps). A position clears unread up to and including the message it
//! names. One whose message is not here yet (a room still catching up, the
//! message behind its notification) waits and is tried again after each
//! burst of stanzas. The XEP-0333 markers to our other devices stay for
//! clients without MDS.

use std::collections::HashMap;

use tokio_xmpp::jid::{BareJid, Jid};
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::iq::Iq;
use tokio_xmpp::parsers::message::Message;
use tokio_xmpp::parsers::stanza_error::StanzaError;

use super::Actor;
use super::inbound::PendingIq;
use super::requests::Responder;
use super::wire::Wire;
use crate::api::Problem;
use crate::xmpp::mds::{self, Displayed};
use crate::xmpp::pep;

/// Most positions waiting for their message at once (one per
/// conversation): an account with many old conversations whose messages
/// are gone here must not make every burst look up thousands.
const MAX_WAITING: usize = 256;

/// This session's XEP-0490 state.
#[derive(Debug, Default)]
pub(super) struct Mds {
    /// Publishes under way, by IQ id (tried again without publish-options
    /// if the node is configured otherwise).
    publishes: HashMap<String, Displayed>,
    /// The request for all positions, by IQ id.
    fetch: Option<String>,
    /// Positions whose message is not stored yet, by conversation.
    waiting: HashMap<BareJid, Displayed>,
}

impl Mds {
    /// A fresh session: the positions are fetched again.
    pub(super) fn new_session(&mut self) {
        *self = Mds::default();
    }
}

impl Actor {
    /// Whose archive ids name the messages of `conversation`: the room's
    /// in a group chat, ours in a chat.
    fn archive_of(&self, conversation: &BareJid) -> BareJid {
        if self.is_room_jid(conversation) {
            conversation.clone()
        } else {
            self.jid.clone()
        }
    }

    /// The user read `with` here: publish the position for our other
    /// devices. Only our own devices can read the node (whitelist), so
    /// this does not depend on the read-marker switch.
    pub(super) async fn publish_read_position(&mut self, with: &str, stream: &Wire) {
        // Private conversations with room occupants have no position.
        let Ok(conversation) = with.parse::<BareJid>() else {
            return;
        };
        let reference = match self.store.newest_room_reference(with) {
            Ok(Some(r)) => r,
            Ok(None) => return,
            Err(e) => return self.error(Problem::StoreFailed, e.to_string(), None),
        };
        let by = self.archive_of(&conversation);
        let d = Displayed {
            conversation,
            stanza_id: reference,
            by: Some(by),
        };
        self.send_position(d, true, stream).await;
    }

    async fn send_position(&mut self, d: Displayed, options: bool, stream: &Wire) {
        let Some(publish) = mds::publish(&d, options) else {
            return;
        };
        let id = uuid::Uuid::new_v4().to_string();
        let iq = Iq::from_set(id.clone(), publish).with_to(Jid::from(self.jid.clone()));
        if options {
            self.mds.publishes.insert(id, d);
        }
        self.request(iq, Responder::Account, PendingIq::Mds, stream)
            .await;
    }

    /// After a fresh session's catch-up: every position of our devices.
    pub(super) async fn fetch_read_positions(&mut self, stream: &Wire) {
        let id = uuid::Uuid::new_v4().to_string();
        let iq =
            Iq::from_get(id.clone(), mds::items_request()).with_to(Jid::from(self.jid.clone()));
        self.mds.fetch = Some(id);
        self.request(iq, Responder::Account, PendingIq::Mds, stream)
            .await;
    }

    pub(super) async fn on_mds_answer(
        &mut self,
        id: &str,
        answer: Result<Option<Element>, StanzaError>,
        stream: &Wire,
    ) {
        if self.mds.fetch.as_deref() == Some(id) {
            self.mds.fetch = None;
            return match answer {
                Ok(Some(result)) => {
                    for d in mds::from_items(&result) {
                        self.apply_read_position(d);
                    }
                }
                Ok(None) => {}
                // No node yet (no device ever published), or no PEP.
                Err(e) => tracing::debug!(
                    account = %self.id,
                    "read positions not fetched: {}", super::stanza_error::describe(&e)
                ),
            };
        }
        let published = self.mds.publishes.remove(id);
        match (answer, published) {
            (Err(e), Some(d)) if pep::is_precondition_failure(&e) => {
                // The node is configured otherwise (by another client):
                // publish with what it has rather than not at all.
                self.send_position(d, false, stream).await;
            }
            (Err(e), _) => tracing::info!(
                account = %self.id,
                "read position not published: {}", super::stanza_error::describe(&e)
            ),
            (Ok(_), _) => {}
        }
    }

    /// A notification of our node: positions from our other devices (and
    /// our own publishes coming back, which change nothing).
    pub(super) fn on_mds_notification(&mut self, owner: &BareJid, msg: &Message) {
        if *owner != self.jid {
            tracing::info!(account = %self.id, %owner, "read position of another account ignored");
            return;
        }
        for d in mds::from_event(msg).unwrap_or_default() {
            self.apply_read_position(d);
        }
    }

    /// Clears unread in the position's conversation up to its message;
    /// false if that message is not here (the position waits for it).
    fn apply_read_position(&mut self, d: Displayed) -> bool {
        let archive = self.archive_of(&d.conversation);
        if !d.by_fits(&archive) {
            tracing::info!(
                account = %self.id,
                conversation = %d.conversation,
                "read position naming another archive ignored"
            );
            self.mds.waiting.remove(&d.conversation);
            return true;
        }
        let with = d.conversation.to_string();
        let target = match self.store.message_by_server_id(&with, &d.stanza_id) {
            Ok(t) => t,
            Err(e) => {
                self.error(Problem::StoreFailed, e.to_string(), None);
                return true;
            }
        };
        let Some(target) = target else {
            if self.mds.waiting.len() < MAX_WAITING
                || self.mds.waiting.contains_key(&d.conversation)
            {
                self.mds.waiting.insert(d.conversation.clone(), d);
            }
            return false;
        };
        self.mds.waiting.remove(&d.conversation);
        if let Err(e) = self.read_elsewhere_upto(&with, Some(target)) {
            self.error(Problem::StoreFailed, e.to_string(), None);
        }
        true
    }

    /// After a burst: the positions whose message may have come with it.
    pub(super) fn retry_read_positions(&mut self) {
        if self.mds.waiting.is_empty() {
            return;
        }
        let waiting: Vec<Displayed> = self.mds.waiting.values().cloned().collect();
        for d in waiting {
            self.apply_read_position(d);
        }
    }
}
