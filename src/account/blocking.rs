//! Blocking (XEP-0191): the server drops everything from a blocked JID;
//! we also drop it ourselves (stanzas already on their way, archive pages,
//! servers without blocking support), so nothing from it reaches the store.
//! The list is kept in the store so it also applies before login. The
//! requests, answers and pushes are read and built in
//! [`xmpp::blocking`](crate::xmpp::blocking).

use std::collections::BTreeSet;

use crate::account::wire::Wire;
use tokio_xmpp::jid::BareJid;
use tokio_xmpp::minidom::Element;

use super::Actor;
use super::inbound::PendingIq;
use super::requests::Responder;
use crate::api::{Event, Problem};
use crate::xmpp::blocking::{self, covers};

impl Actor {
    pub(super) fn is_blocked(&self, jid: &BareJid) -> bool {
        covers(&self.blocklist, jid)
    }

    /// Loads the list kept from earlier sessions.
    pub(super) fn load_blocklist(&mut self) {
        match self.store.blocklist() {
            Ok(list) => {
                self.blocklist = list.iter().filter_map(|j| j.parse().ok()).collect();
            }
            Err(e) => self.error(Problem::StoreFailed, e.to_string(), None),
        }
    }

    pub(super) async fn request_blocklist(&mut self, stream: &Wire) {
        let id = uuid::Uuid::new_v4().to_string();
        let iq = blocking::list_request(&id);
        self.request(iq, Responder::Account, PendingIq::Blocklist, stream)
            .await;
    }

    /// The server's list replaces ours; without server support ours stays
    /// and is applied by us alone.
    pub(super) fn on_blocklist(&mut self, payload: Option<Element>) {
        match blocking::list(payload) {
            Some(list) => {
                self.server_blocking = true;
                self.set_blocklist(list);
            }
            None => {
                self.server_blocking = false;
                tracing::info!(account = %self.id, "no server blocking (XEP-0191); blocking here only");
                self.emit_blocklist();
            }
        }
    }

    /// Blocks or unblocks `jid`: through the server when it supports it
    /// (its push updates our list), else here only.
    pub(super) async fn change_block(&mut self, jid: &str, block: bool, stream: Option<&Wire>) {
        let jid: BareJid = match jid.trim().parse() {
            Ok(j) => j,
            Err(e) => {
                return self.error(
                    Problem::InvalidAddress,
                    format!("invalid JID {jid}: {e}"),
                    None,
                );
            }
        };
        if let Some(stream) = stream.filter(|_| self.server_blocking) {
            let id = uuid::Uuid::new_v4().to_string();
            let iq = blocking::change(&id, &jid, block);
            self.request(iq, Responder::Account, PendingIq::BlockChange, stream)
                .await;
            return;
        }
        let mut list = self.blocklist.clone();
        if block {
            list.insert(jid);
        } else {
            list.remove(&jid);
        }
        self.set_blocklist(list);
    }

    /// A block or unblock push from our server (RFC: also for changes made
    /// on our other devices). Returns false if `payload` is neither.
    pub(super) fn on_block_push(&mut self, payload: &Element) -> bool {
        let Some(push) = blocking::push(payload) else {
            return false;
        };
        let mut list = self.blocklist.clone();
        blocking::apply(&mut list, push);
        self.set_blocklist(list);
        true
    }

    fn set_blocklist(&mut self, list: BTreeSet<BareJid>) {
        let strings: Vec<String> = list.iter().map(BareJid::to_string).collect();
        if let Err(e) = self.store.set_blocklist(&strings) {
            self.error(Problem::StoreFailed, e.to_string(), None);
        }
        self.blocklist = list;
        self.emit_blocklist();
    }

    pub(super) fn emit_blocklist(&self) {
        self.emit(Event::Blocklist {
            account: self.id.clone(),
            jids: self.blocklist.iter().map(BareJid::to_string).collect(),
        });
    }
}
