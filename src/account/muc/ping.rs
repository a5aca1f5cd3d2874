//! Staying in rooms: XEP-0410 self-ping. A room can drop us without our
//! noticing (its server restarted, a netsplit); a ping to our own occupant
//! JID tells. Rooms that were quiet for a whole interval are pinged once
//! per interval — one slow timer for all rooms, nothing while traffic
//! flows; a ping still unanswered at the next tick, or answered with
//! "not in the room", means rejoining.

use std::time::{Duration, Instant};

use crate::account::wire::Wire;
use tokio_xmpp::jid::{BareJid, Jid};
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::iq::Iq;
use tokio_xmpp::parsers::ping::Ping;
use tokio_xmpp::parsers::stanza_error::{DefinedCondition, StanzaError};

use super::{RoomIq, occupant_jid};
use crate::account::Actor;
use crate::api::{Event, LeaveReason};

/// How often quiet rooms are checked.
const INTERVAL: Duration = Duration::from_secs(5 * 60);

/// For tests only: `PLAUSCH_TEST_MUC_PING_SECS` (1 to 300) shortens the
/// interval, read once per process. Not a setting: a short interval
/// means more wake-ups.
const TEST_ENV: &str = "PLAUSCH_TEST_MUC_PING_SECS";

/// The self-ping interval (`INTERVAL` unless a test shortened it).
pub fn interval() -> Duration {
    static CHOSEN: std::sync::OnceLock<Duration> = std::sync::OnceLock::new();
    *CHOSEN.get_or_init(|| {
        std::env::var(TEST_ENV)
            .ok()
            .and_then(|v| v.parse::<u64>().ok())
            .filter(|s| (1..=INTERVAL.as_secs()).contains(s))
            .map_or(INTERVAL, |s| {
                tracing::warn!("{TEST_ENV} set: rooms are self-pinged every {s} s");
                Duration::from_secs(s)
            })
    })
}

/// Whether a self-ping error means we are no longer in the room
/// (XEP-0410 §3.2): the others (service-unavailable,
/// feature-not-implemented: the ping reached our client; remote-server-*:
/// try later) leave us where we are.
fn means_gone(e: &StanzaError) -> bool {
    matches!(
        e.defined_condition,
        DefinedCondition::NotAcceptable
            | DefinedCondition::ItemNotFound
            | DefinedCondition::BadRequest
    )
}

impl Actor {
    /// The timer's tick: ping quiet rooms, rejoin silent ones.
    pub(in crate::account) async fn ping_rooms(&mut self, stream: &Wire) {
        let now = Instant::now();
        let mut lost = Vec::new();
        let mut ping = Vec::new();
        for (jid, room) in &self.muc.rooms {
            if !room.joined {
                continue;
            }
            if room.ping.is_some() {
                lost.push(jid.clone());
            } else if room
                .last_seen
                .is_none_or(|t| now.duration_since(t) >= interval())
            {
                ping.push((jid.clone(), room.nick.clone()));
            }
        }
        for jid in lost {
            self.rejoin(&jid, stream).await;
        }
        for (jid, nick) in ping {
            let Some(to) = occupant_jid(&jid, &nick) else {
                continue;
            };
            let id = uuid::Uuid::new_v4().to_string();
            let iq = Iq::from_get(id.clone(), Ping).with_to(Jid::from(to));
            if let Some(room) = self.muc.rooms.get_mut(&jid) {
                room.ping = Some(id);
            }
            self.send_room_iq(iq, RoomIq::Ping(jid), stream).await;
        }
    }

    pub(super) async fn on_self_ping(
        &mut self,
        jid: &BareJid,
        id: &str,
        answer: Result<Option<Element>, StanzaError>,
        stream: &Wire,
    ) {
        let Some(room) = self.muc.rooms.get_mut(jid) else {
            return;
        };
        if room.ping.as_deref() == Some(id) {
            room.ping = None;
        }
        if let Err(e) = answer
            && means_gone(&e)
        {
            self.rejoin(jid, stream).await;
        }
    }

    /// Join again a room that dropped us.
    async fn rejoin(&mut self, jid: &BareJid, stream: &Wire) {
        let Some(room) = self.muc.rooms.remove(jid) else {
            return;
        };
        tracing::info!(account = %self.id, room = %jid, "not in the room any more; rejoining");
        self.forget_room_queries(jid);
        self.emit(Event::RoomLeft {
            account: self.id.clone(),
            room: jid.to_string(),
            reason: LeaveReason::Lost,
            actor: None,
            text: None,
        });
        self.start_join(jid.clone(), Some(room.wanted), None, true, stream)
            .await;
    }
}
