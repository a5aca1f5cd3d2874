//! Room archives (XEP-0313 queries to the room JID). After every join the
//! room's archive is read forwards from the room's cursor (the newest
//! archive id stored), so what was said while we were away arrives once:
//! the join asks for no history of the room's own (`maxstanzas='0'`), and
//! live messages that also come from the archive are the same stanza-id.
//! Scrolling back pages older messages from the room archive.
//!
//! Only the room itself may answer: results from any other JID, or for a
//! query we did not send to that room, are dropped.

use std::collections::HashMap;

use crate::account::wire::Wire;
use chrono::Utc;
use tokio_xmpp::jid::{BareJid, Jid};
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::message::Message;
use tokio_xmpp::parsers::stanza_error::StanzaError;

use super::RoomIq;
use crate::account::Actor;
use crate::account::chat::ArrivedMessage;
use crate::account::sync::{Arrival, HistoryRequest, Purpose};
use crate::api::Problem;
use crate::xmpp::mam::{self, Page, Rejected};
use crate::xmpp::muc;

const CATCHUP_PAGE: usize = 100;

type Query = crate::account::sync::Query<muc::RoomMessage, BareJid>;

/// Room archive queries in flight, by query id (= IQ id).
#[derive(Debug, Default)]
pub(super) struct Queries {
    queries: HashMap<String, Query>,
}

impl Actor {
    async fn query_room_archive(
        &mut self,
        room: &BareJid,
        purpose: Purpose,
        page: Page,
        max: usize,
        stream: &Wire,
    ) {
        let id = uuid::Uuid::new_v4().to_string();
        let iq = mam::query(&id, &page, max, self.archive_start()).with_to(Jid::from(room.clone()));
        self.muc.history.queries.insert(
            id,
            Query {
                room: room.clone(),
                purpose,
                page,
                results: Vec::new(),
            },
        );
        self.send_room_iq(iq, RoomIq::Archive(room.clone()), stream)
            .await;
    }

    /// After joining: the room archive from the room's cursor on.
    pub(super) async fn catch_up_room(&mut self, room: &BareJid, stream: &Wire) {
        self.sync.room_joined(room.as_str());
        let archive = self.muc.rooms.get(room).is_some_and(|r| r.archive);
        if !archive {
            return self.room_caught_up(room, stream, true).await;
        }
        let page = match self.store.room(room.as_str()) {
            Ok(Some(r)) => match r.mam_cursor {
                Some(c) if c.is_empty() => Page::After(None),
                Some(c) => Page::After(Some(c)),
                None => Page::Newest,
            },
            _ => Page::Newest,
        };
        self.query_room_archive(room, Purpose::CatchUp, page, CATCHUP_PAGE, stream)
            .await;
    }

    /// The room's catch-up is over; only if it `read_to_end` of the room
    /// archive may live messages move the room's cursor (see `Sync`).
    async fn room_caught_up(&mut self, room: &BareJid, stream: &Wire, read_to_end: bool) {
        if let Some(r) = self.muc.rooms.get_mut(room) {
            r.read_to_end = read_to_end;
        }
        // Messages written for the room while we were not in it.
        if self.sync.caught_up() {
            self.flush_outbox(stream).await;
        }
    }

    /// A `<result/>` from a room we are in.
    pub(super) fn on_room_archive_result(&mut self, room: &BareJid, msg: Message) {
        let queries = &self.muc.history.queries;
        let result = match mam::open_result(msg, room, |q| queries.contains_key(q)) {
            Ok(r) => r,
            Err(Rejected::ForeignArchive) => {
                tracing::warn!(account = %self.id, %room, "archive result from an occupant ignored");
                return;
            }
            Err(_) => return,
        };
        let Some(query) = self.muc.history.queries.get_mut(&result.query_id) else {
            return;
        };
        if query.room != *room {
            tracing::warn!(account = %self.id, %room, "archive result for another room's query ignored");
            return;
        }
        let now = Utc::now();
        let stamp = result.stamp(now);
        let Some(mut m) = muc::room_message(result.message, room, now) else {
            return;
        };
        // The archive's id is the stanza-id the room gave the message.
        m.server_id = Some(result.archive_id);
        m.delayed = true;
        // The room archive's own stamp: the room vouches for it.
        if let Some(stamp) = stamp {
            m.timestamp = stamp;
        }
        query.results.push(m);
    }

    /// The IQ that ends a room archive page.
    pub(super) async fn on_room_archive_page(
        &mut self,
        room: &BareJid,
        id: &str,
        answer: Result<Option<Element>, StanzaError>,
        stream: &Wire,
    ) {
        let Some(query) = self.muc.history.queries.remove(id) else {
            return;
        };
        let end = match answer {
            Ok(p) => mam::parse_fin(p),
            Err(e) => {
                tracing::info!(account = %self.id, %room, "room archive query failed: {:?}", e.defined_condition);
                // An expired cursor: from the newest page.
                if matches!(query.purpose, Purpose::CatchUp)
                    && matches!(query.page, Page::After(Some(_)))
                {
                    let _ = self.store.set_room_cursor(room.as_str(), None);
                    return self
                        .query_room_archive(
                            room,
                            Purpose::CatchUp,
                            Page::Newest,
                            CATCHUP_PAGE,
                            stream,
                        )
                        .await;
                }
                None
            }
        };
        let stored = self.ingest_room(room, query.results, Arrival::of(&query.purpose));
        match query.purpose {
            Purpose::Backfill(req) => {
                if stored.is_some()
                    && end.as_ref().is_some_and(|e| e.complete)
                    && let Err(e) = self.store.set_archive_exhausted(room.as_str())
                {
                    self.error(Problem::StoreFailed, e.to_string(), None);
                }
                self.reply_history(&req);
            }
            Purpose::CatchUp => {
                let (Some(end), Some(_)) = (end, stored) else {
                    return self.room_caught_up(room, stream, false).await;
                };
                let cursor = match (&end.last, &query.page) {
                    (Some(last), _) => Some(last.as_str()),
                    (None, Page::Newest) => Some(""),
                    (None, _) => None,
                };
                if let Some(c) = cursor
                    && let Err(e) = self.store.set_room_cursor(room.as_str(), Some(c))
                {
                    self.error(Problem::StoreFailed, e.to_string(), None);
                }
                match (&end.last, end.complete, query.page) {
                    (Some(last), false, Page::After(_)) => {
                        let page = Page::After(Some(last.clone()));
                        self.query_room_archive(room, Purpose::CatchUp, page, CATCHUP_PAGE, stream)
                            .await
                    }
                    _ => self.room_caught_up(room, stream, true).await,
                }
            }
        }
    }

    /// After live room messages are stored: the next catch-up starts
    /// after the newest (once this visit's catch-up is done).
    pub(super) fn advance_room_cursor(&mut self, room: &BareJid, stored: &[ArrivedMessage]) {
        if !self.muc.rooms.get(room).is_some_and(|r| r.read_to_end) {
            return;
        }
        if let Some(id) = stored.iter().rev().find_map(|m| m.server_id.as_deref())
            && let Err(e) = self.store.set_room_cursor(room.as_str(), Some(id))
        {
            tracing::warn!(account = %self.id, "room cursor not moved: {e}");
        }
    }

    /// `history` of a room whose stored page ran short: older messages
    /// from the room archive first (we must be in the room to ask it).
    /// Returns the request back if the archive cannot help.
    pub(in crate::account) async fn room_backfill(
        &mut self,
        req: HistoryRequest,
        stream: &Wire,
    ) -> Option<HistoryRequest> {
        let room: BareJid = req.with.parse().ok()?;
        if !self
            .muc
            .rooms
            .get(&room)
            .is_some_and(|r| r.joined && r.archive)
        {
            return Some(req);
        }
        let before = self.store.oldest_server_id(&req.with).ok().flatten();
        let max = req.limit.clamp(20, 200) as usize;
        self.query_room_archive(
            &room,
            Purpose::Backfill(req),
            Page::Older(before),
            max,
            stream,
        )
        .await;
        None
    }

    /// Drops the queries of rooms we left.
    pub(super) fn forget_room_queries(&mut self, room: &BareJid) {
        let lost: Vec<String> = self
            .muc
            .history
            .queries
            .iter()
            .filter(|(_, q)| q.room == *room)
            .map(|(id, _)| id.clone())
            .collect();
        for id in lost {
            if let Some(Query {
                purpose: Purpose::Backfill(req),
                ..
            }) = self.muc.history.queries.remove(&id)
            {
                self.reply_history(&req);
            }
        }
    }
}
