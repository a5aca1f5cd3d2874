//! Keeping the store in step with the server: carbons for what other devices
//! do while we are online, the archive (MAM) for what happened while we were
//! not, and older history when the user scrolls back.
//!
//! On every fresh session: enable carbons first, then page forwards through
//! the archive from the last id the store knows. Anything that arrives both
//! live and from the archive is stored once (dedup in the store). The outbox
//! is flushed when the catch-up ends.

use std::collections::HashMap;
use std::time::Duration;

use crate::account::wire::Wire;
use chrono::Utc;
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::message::Message;
use tokio_xmpp::parsers::stanza_error::{DefinedCondition, StanzaError};

use super::Actor;
use super::chat::{ArrivedMessage, StoreRows};
use super::inbound::PendingIq;
use super::requests::Responder;
use crate::api::{Event, Problem};
use crate::store::{CatchUpTrail, Inserted, LiveSince};
use crate::xmpp::carbons;
use crate::xmpp::mam::{self, Page, Rejected};

/// The largest history page a front-end may ask for.
const MAX_PAGE: u32 = 500;
/// Archive page size for catch-up.
const CATCHUP_PAGE: usize = 100;
/// A catch-up that has not finished by then no longer holds back the outbox.
pub(super) const CATCHUP_PATIENCE: Duration = Duration::from_secs(30);

/// A history request waiting for an archive page.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct HistoryRequest {
    pub with: String,
    pub limit: u32,
    pub before: Option<i64>,
    /// Newer than this seq instead (store only: the archive is older).
    pub after: Option<i64>,
}

/// What an archive query is for: our own archive here, a room's in
/// `muc/history.rs`.
#[derive(Debug)]
pub(super) enum Purpose {
    /// Forwards from the cursor after (re)connecting or joining.
    CatchUp,
    /// Older messages for a `history` request.
    Backfill(HistoryRequest),
}

/// An archive query in flight: its results are collected until the IQ
/// answer ends the page. `room` says whose archive (nothing for ours).
#[derive(Debug)]
pub(super) struct Query<R, Room = ()> {
    pub room: Room,
    pub purpose: Purpose,
    pub page: Page,
    pub results: Vec<R>,
}

/// How messages reach `ingest`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Arrival {
    /// Live, carbons included.
    Live,
    /// A page of an archive catch-up after (re)connecting or joining.
    CatchUp,
    /// An older page fetched while scrolling back.
    Older,
}

impl Arrival {
    pub(super) fn of(purpose: &Purpose) -> Arrival {
        match purpose {
            Purpose::CatchUp => Arrival::CatchUp,
            Purpose::Backfill(_) => Arrival::Older,
        }
    }
}

/// Where a session's archive catch-up stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum CatchUp {
    /// Still reading: the outbox waits.
    #[default]
    Reading,
    /// Over without reaching the end of the archive (failed, or still
    /// reading but too slow): the outbox is open, but live messages must
    /// not move the cursor, since what lies between the cursor and them
    /// has not been fetched yet (the chaos soak lost exactly that when the
    /// session ended soon after).
    Behind,
    /// Read up to the end of the archive, or up to the first message this
    /// session received live: live messages move the cursor.
    Done,
}

/// Archive queries in flight.
#[derive(Debug, Default)]
pub(super) struct Sync {
    queries: HashMap<String, Query<ArrivedMessage>>,
    /// How far this session's catch-up has come.
    catch_up: CatchUp,
    /// The server has confirmed carbons for this session: from then on,
    /// everything our archive gets reaches us live too.
    carbons_on: bool,
    /// The stanza-id of the first message this session received live
    /// (without a delay stamp) after carbons were on. Everything archived
    /// after it reached us live, so a catch-up that meets it has read
    /// all it needs: without this, a catch-up chasing a contact who keeps
    /// writing paged through every live message again (the soak's slowness).
    live_mark: Option<String>,
    /// A fresh session's catch-up waits for the roster's answer (see
    /// `Actor::on_fresh_session`).
    after_roster: bool,
    /// New messages the running catch-up stored.
    caught: u32,
    /// Where each conversation's live messages of this session begin: the
    /// catch-up goes before them (rooms: since the join).
    live_since: LiveSince,
    /// What the catch-ups stored since their last result that was stored
    /// already (`CatchUpTrail`): archive order over whole-second stamps.
    trail: CatchUpTrail,
}

impl Sync {
    /// A fresh session: not caught up (the outbox waits); the catch-up
    /// starts with the roster's answer.
    pub(super) fn wait_for_roster(&mut self) {
        self.new_session();
        self.after_roster = true;
        self.live_since.clear();
        self.trail = CatchUpTrail::new();
    }

    /// A room was (re)joined: its catch-up starts over.
    pub(super) fn room_joined(&mut self, room: &str) {
        self.live_since.remove(room);
    }

    /// A fresh session: its catch-up starts from the beginning.
    fn new_session(&mut self) {
        self.catch_up = CatchUp::Reading;
        self.carbons_on = false;
        self.live_mark = None;
        self.caught = 0;
    }

    /// The catch-up is over, or too slow to hold back the outbox any longer.
    pub fn caught_up(&self) -> bool {
        self.catch_up != CatchUp::Reading
    }

    /// Live messages may move the archive cursor (see `CatchUp::Behind`).
    pub fn live_moves_cursor(&self) -> bool {
        self.catch_up == CatchUp::Done
    }

    /// The catch-up is over; `read_to_end` says whether it read everything
    /// (see `CatchUp::Done`). Returns whether this opened the outbox.
    fn catch_up_over(&mut self, read_to_end: bool) -> bool {
        let opens = self.catch_up == CatchUp::Reading;
        if read_to_end {
            self.catch_up = CatchUp::Done;
        } else if opens {
            self.catch_up = CatchUp::Behind;
        }
        opens
    }

    /// The server confirmed carbons.
    pub(super) fn carbons_enabled(&mut self) {
        self.carbons_on = true;
    }

    /// Live messages were stored: the first one without a delay stamp that
    /// came after carbons were on marks where the catch-up may stop.
    pub(super) fn saw_live(&mut self, stored: &[ArrivedMessage]) {
        if !self.carbons_on || self.live_mark.is_some() {
            return;
        }
        self.live_mark = stored
            .iter()
            .filter(|m| !m.delayed)
            .find_map(|m| m.server_id.clone());
    }

    /// A catch-up page holds the first message received live.
    fn meets_live(&self, results: &[ArrivedMessage]) -> bool {
        self.live_mark
            .as_deref()
            .is_some_and(|mark| results.iter().any(|m| m.server_id.as_deref() == Some(mark)))
    }

    fn is_ours(&self, id: &str) -> bool {
        self.queries.contains_key(id)
    }
}

impl Actor {
    /// The roster's answer is in: start a catch-up that waited for it.
    pub(super) async fn after_roster(&mut self, stream: &Wire) {
        if std::mem::take(&mut self.sync.after_roster) {
            self.start_sync(stream).await;
        }
    }

    /// A fresh session: carbons on, then the archive catch-up.
    pub(super) async fn start_sync(&mut self, stream: &Wire) {
        // Queries of the lost session will never be answered.
        let lost: Vec<Query<ArrivedMessage>> = self.sync.queries.drain().map(|(_, q)| q).collect();
        for q in lost {
            if let Purpose::Backfill(req) = q.purpose {
                self.reply_history(&req);
            }
        }
        self.sync.new_session();
        // Front-ends say "catching up" until `ArchiveSynced`.
        self.emit(Event::ArchiveSyncing {
            account: self.id.clone(),
        });
        let id = uuid::Uuid::new_v4().to_string();
        let iq = carbons::enable(&id);
        self.request(iq, Responder::Account, PendingIq::Carbons, stream)
            .await;
        // No catch-up ever finished, but messages came live (the first
        // session closed before its catch-up's answer): on from the newest
        // of them, not just the newest page, which would leave out whatever
        // came meanwhile beyond it.
        let start = self.store.archive_cursor().and_then(|cursor| match cursor {
            Some(cursor) => Ok(Some(cursor)),
            None => self.store.newest_own_archive_id(),
        });
        let page = match start {
            // Synced before while the archive was empty: from its start.
            Ok(Some(after)) if after.is_empty() => Page::After(None),
            Ok(Some(after)) => Page::After(Some(after)),
            Ok(None) => Page::Newest,
            Err(e) => {
                self.error(Problem::StoreFailed, e.to_string(), None);
                Page::Newest
            }
        };
        self.query_archive(Purpose::CatchUp, page, CATCHUP_PAGE, stream)
            .await;
    }

    /// The catch-up is over (done, failed or too slow: `read_to_end` says
    /// which): open the outbox.
    pub(super) async fn end_catch_up(&mut self, stream: &Wire, read_to_end: bool) {
        if self.sync.catch_up_over(read_to_end) {
            self.emit(Event::ArchiveSynced {
                account: self.id.clone(),
                new_messages: self.sync.caught,
            });
            self.flush_outbox(stream).await;
            // Our other devices' read positions, now that their messages
            // are here (XEP-0490).
            self.fetch_read_positions(stream).await;
        }
    }

    async fn query_archive(&mut self, purpose: Purpose, page: Page, max: usize, stream: &Wire) {
        let id = uuid::Uuid::new_v4().to_string();
        let iq = mam::query(&id, &page, max, self.archive_start());
        self.sync.queries.insert(
            id,
            Query {
                room: (),
                purpose,
                page,
                results: Vec::new(),
            },
        );
        self.request(iq, Responder::Account, PendingIq::Archive, stream)
            .await;
    }

    /// A history page from the store; if it runs out and the server archive
    /// may have older messages, fetch those first.
    pub(super) async fn history(&mut self, mut req: HistoryRequest, stream: Option<&Wire>) {
        req.limit = req.limit.min(MAX_PAGE);
        if let Some(after) = req.after {
            return match self.store.history_after(&req.with, req.limit, after) {
                Ok(messages) => self.emit(Event::History {
                    account: self.id.clone(),
                    with: req.with,
                    messages,
                    complete: false,
                }),
                Err(e) => self.error(Problem::StoreFailed, e.to_string(), None),
            };
        }
        let page = match self.store.history(&req.with, req.limit, req.before) {
            Ok(p) => p,
            Err(e) => return self.error(Problem::StoreFailed, e.to_string(), None),
        };
        let short = page.len() < req.limit as usize;
        let exhausted = self.store.archive_exhausted(&req.with).unwrap_or(false);
        let stream = stream.filter(|_| self.state == crate::api::ConnState::Online);
        // A room pages back through its own archive (muc/history.rs).
        let req = match (short && !exhausted, stream) {
            (true, Some(stream)) if self.store.is_room(&req.with).unwrap_or(false) => {
                match self.room_backfill(req, stream).await {
                    Some(req) => req,
                    None => return,
                }
            }
            _ => req,
        };
        let is_room = self.store.is_room(&req.with).unwrap_or(false);
        match (short && !exhausted && !is_room, stream, req.with.parse()) {
            (true, Some(stream), Ok(with)) => {
                let before = self.store.oldest_server_id(&req.with).ok().flatten();
                let max = req.limit.clamp(20, 200) as usize;
                let page = Page::Before { with, before };
                self.query_archive(Purpose::Backfill(req), page, max, stream)
                    .await;
            }
            _ => self.emit(Event::History {
                account: self.id.clone(),
                with: req.with,
                messages: page,
                complete: short && exhausted,
            }),
        }
    }

    pub(super) fn reply_history(&mut self, req: &HistoryRequest) {
        match self.store.history(&req.with, req.limit, req.before) {
            Ok(messages) => {
                let complete = messages.len() < req.limit as usize
                    && self.store.archive_exhausted(&req.with).unwrap_or(false);
                self.emit(Event::History {
                    account: self.id.clone(),
                    with: req.with.clone(),
                    messages,
                    complete,
                })
            }
            Err(e) => self.error(Problem::StoreFailed, e.to_string(), None),
        }
    }

    /// A message carrying an archive result. Returns the message back if it
    /// is not one, so it can be handled as a live message.
    pub(super) fn on_archive_result(&mut self, msg: Message) -> Option<Message> {
        // Most messages are not archive results: hand them back untouched.
        if !mam::is_result(&msg) {
            return Some(msg);
        }
        let from = msg.from.clone();
        let sync = &self.sync;
        match mam::parse_result(msg, &self.jid, |q| sync.is_ours(q), Utc::now()) {
            Ok(archived) => {
                if let Some(q) = self.sync.queries.get_mut(&archived.query_id) {
                    q.results.push(ArrivedMessage::from(archived.message));
                }
                None
            }
            Err(Rejected::NotAResult | Rejected::Unstorable) => None,
            // Results of a query from before a restart or a lost session:
            // harmless, the new session asks again.
            Err(Rejected::UnknownQuery) => {
                tracing::debug!(account = %self.id, "archive result for an unknown query ignored");
                None
            }
            Err(why) => {
                tracing::warn!(
                    account = %self.id,
                    from = ?from.map(|f| f.to_string()),
                    "archive result ignored: {why:?}"
                );
                None
            }
        }
    }

    /// The IQ that ends one archive page.
    pub(super) async fn on_archive_page_end(
        &mut self,
        id: &str,
        payload: Result<Option<Element>, StanzaError>,
        stream: &Wire,
    ) {
        let Some(query) = self.sync.queries.remove(id) else {
            return;
        };
        let end = match payload {
            Ok(p) => mam::parse_fin(p),
            Err(e) => {
                tracing::info!(account = %self.id, "archive query failed: {:?}", e.defined_condition);
                // The cursor points at something the archive no longer has
                // (expired): start over from the newest page.
                if matches!(query.purpose, Purpose::CatchUp)
                    && matches!(query.page, Page::After(Some(_)))
                    && e.defined_condition == DefinedCondition::ItemNotFound
                {
                    let _ = self.store.set_archive_cursor(None);
                    return self
                        .query_archive(Purpose::CatchUp, Page::Newest, CATCHUP_PAGE, stream)
                        .await;
                }
                None
            }
        };
        let arrival = Arrival::of(&query.purpose);
        let stored = self.ingest(&query.results, arrival);
        if arrival == Arrival::Older {
            tracing::debug!(account = %self.id, stored = ?stored, "older archive page");
        } else {
            // Which part of the archive each catch-up page covered, to follow a
            // message that never arrived (the chaos soak's open loss).
            tracing::debug!(
                account = %self.id,
                results = query.results.len(),
                new = ?stored,
                first = ?query.results.first().and_then(|m| m.server_id.as_deref()),
                last = ?end.as_ref().and_then(|e| e.last.as_deref()),
                "archive catch-up page"
            );
            if let Some(n) = stored {
                self.sync.caught += n;
            }
        }
        if stored.is_none() {
            // Not stored: keep the cursor so the page is fetched again.
            return self
                .finish_query(query.purpose, query.page, None, stream)
                .await;
        }
        if arrival == Arrival::CatchUp && self.sync.meets_live(&query.results) {
            // Everything after this page reached us live already.
            let end = end.map(|e| mam::PageEnd {
                complete: true,
                ..e
            });
            return self
                .finish_query(query.purpose, query.page, end, stream)
                .await;
        }
        self.finish_query(query.purpose, query.page, end, stream)
            .await;
    }

    async fn finish_query(
        &mut self,
        purpose: Purpose,
        page: Page,
        end: Option<mam::PageEnd>,
        stream: &Wire,
    ) {
        match purpose {
            Purpose::CatchUp => {
                let Some(end) = end else {
                    return self.end_catch_up(stream, false).await;
                };
                // An empty archive is remembered as "" (synced, from the start).
                let cursor = match (&end.last, &page) {
                    (Some(last), _) => Some(last.as_str()),
                    (None, Page::Newest) => Some(""),
                    (None, _) => None,
                };
                if let Some(cursor) = cursor
                    && let Err(e) = self.store.set_archive_cursor(Some(cursor))
                {
                    self.error(Problem::StoreFailed, e.to_string(), None);
                }
                // The newest page is where a first catch-up ends; older
                // history is fetched when the user scrolls back.
                match (&end.last, end.complete, page) {
                    (Some(last), false, Page::After(_)) => {
                        let page = Page::After(Some(last.clone()));
                        self.query_archive(Purpose::CatchUp, page, CATCHUP_PAGE, stream)
                            .await
                    }
                    _ => self.end_catch_up(stream, true).await,
                }
            }
            Purpose::Backfill(req) => {
                if end.is_some_and(|e| e.complete)
                    && let Err(e) = self.store.set_archive_exhausted(&req.with)
                {
                    self.error(Problem::StoreFailed, e.to_string(), None);
                }
                self.reply_history(&req);
            }
        }
    }

    /// Stores received messages (live, carbons, archive) in one transaction
    /// and announces the new ones, except for older pages fetched while
    /// scrolling back (answered as a history page instead). Returns how many
    /// were new, None if they could not be stored.
    pub(super) fn ingest(&mut self, batch: &[ArrivedMessage], arrival: Arrival) -> Option<u32> {
        // Nothing from a blocked JID reaches the store, whichever way it came.
        let blocked = |m: &ArrivedMessage| {
            m.direction == crate::api::Direction::In && self.is_blocked(&m.with.to_bare())
        };
        let kept: Vec<ArrivedMessage>;
        let batch = if batch.iter().any(blocked) {
            kept = batch.iter().filter(|m| !blocked(m)).cloned().collect();
            &kept[..]
        } else {
            batch
        };
        if batch.is_empty() {
            return Some(0);
        }
        // Private messages with room occupants get their own conversation.
        let mut routed = self.route_private(batch);
        if routed.iter().any(|m| !m.omemo.is_empty()) {
            self.omemo_decrypt(routed.to_mut());
        }
        let batch = &routed[..];
        let owned = StoreRows::new(batch);
        let rows = owned.rows(batch);
        let outcome = match arrival {
            Arrival::Live => self.store.insert_messages(&rows),
            Arrival::CatchUp => {
                self.store
                    .insert_caught_up(&rows, &self.sync.live_since, &mut self.sync.trail)
            }
            Arrival::Older => self.store.insert_older(&rows),
        };
        let outcome = match outcome {
            Ok(o) => o,
            Err(e) => {
                // The sessions stay where they were: the messages come again.
                self.store.drop_staged_sessions();
                self.error(
                    Problem::StoreFailed,
                    format!("messages not stored: {e}"),
                    None,
                );
                return None;
            }
        };
        // Sessions moved by messages that got no row (signals, duplicates).
        if let Err(e) = self.store.save_staged_sessions() {
            self.error(Problem::StoreFailed, e.to_string(), None);
        }
        let mut new = 0;
        for result in outcome {
            match result {
                Inserted::New(message) => {
                    new += 1;
                    if arrival == Arrival::Live {
                        let first = message.timestamp.timestamp_millis();
                        let known = self.sync.live_since.entry(message.with.clone());
                        let at = known.or_insert(first);
                        *at = (*at).min(first);
                    }
                    if arrival != Arrival::Older {
                        self.emit(Event::Message {
                            account: self.id.clone(),
                            message: message.clone(),
                            reference: None,
                        });
                        self.maybe_auto_download(&message);
                    }
                }
                Inserted::Confirmed(record) => self.announce_state(record),
                // On the screen already, at the place it had.
                Inserted::Moved(message) => self.emit(Event::MessageUpdated {
                    account: self.id.clone(),
                    message,
                }),
                Inserted::Duplicate => {}
            }
        }
        // After the messages of the same batch they may refer to.
        for m in batch {
            if let Some(signal) = &m.signal {
                self.apply_signal(m, signal);
            }
        }
        Some(new)
    }
}

#[cfg(test)]
mod tests {
    use super::Sync;
    use crate::account::chat::{ArrivedMessage, parse_chat};

    /// A message from a contact as our server hands it on live: with the
    /// stanza-id `sid` from our archive, and a delay stamp if `delayed`.
    fn live(sid: &str, delayed: bool) -> ArrivedMessage {
        let delay = if delayed {
            "<delay xmlns='urn:xmpp:delay' from='example.org' stamp='2026-01-02T03:04:05Z'/>"
        } else {
            ""
        };
        let xml = format!(
            "<message xmlns='jabber:client' type='chat' from='them@example.org/x' \
             to='me@example.org/p'><body>hi</body>\
             <stanza-id xmlns='urn:xmpp:sid:0' by='me@example.org' id='{sid}'/>{delay}</message>"
        );
        let msg = crate::xmpp::util::testing::message(&xml);
        let own = "me@example.org".parse().unwrap_or_else(|e| panic!("{e}"));
        parse_chat(msg, &own, chrono::Utc::now()).unwrap_or_else(|| panic!("not a chat message"))
    }

    /// The soak's slowness: a contact kept writing while the catch-up paged
    /// forwards, so it read every message that had just arrived live again
    /// and rarely reached the end. It stops at the first message received
    /// live once carbons are on (from then on, everything archived reaches
    /// us live); not at one from offline storage (delayed), which lies
    /// inside the gap.
    #[test]
    fn the_catch_up_stops_at_the_first_undelayed_message_received_live_after_carbons() {
        let mut sync = Sync::default();
        sync.wait_for_roster();
        sync.saw_live(&[live("a", false)]);
        assert!(
            !sync.meets_live(&[live("a", false)]),
            "before carbons: no mark"
        );

        sync.carbons_enabled();
        sync.saw_live(&[live("b", true), live("c", false), live("d", false)]);
        assert!(!sync.meets_live(&[live("a", false), live("b", true)]));
        assert!(sync.meets_live(&[live("b", true), live("c", false)]));
        sync.saw_live(&[live("e", false)]);
        assert!(
            !sync.meets_live(&[live("e", false)]),
            "the first one stays the mark"
        );

        sync.wait_for_roster();
        assert!(
            !sync.meets_live(&[live("c", false)]),
            "a new session starts over"
        );
    }

    /// The chaos soak's loss: a catch-up that was too slow opened the
    /// outbox, a live message then moved the cursor past pages not fetched
    /// yet, and the session ended before the catch-up did. The next one
    /// started after the gap.
    #[test]
    fn only_a_catch_up_that_read_the_archive_to_its_end_lets_live_messages_move_the_cursor() {
        let mut sync = Sync::default();
        sync.wait_for_roster();
        assert!(!sync.caught_up() && !sync.live_moves_cursor());

        // Too slow: the outbox opens, the cursor stays with the pages.
        assert!(sync.catch_up_over(false), "opens the outbox");
        assert!(sync.caught_up() && !sync.live_moves_cursor());
        // The same catch-up reaches the end later: the outbox is open already.
        assert!(!sync.catch_up_over(true));
        assert!(sync.live_moves_cursor());

        // A new session starts over; a failed catch-up never moves it.
        sync.wait_for_roster();
        assert!(!sync.live_moves_cursor());
        assert!(sync.catch_up_over(false));
        assert!(!sync.live_moves_cursor());
    }
}
