//! Store tests, split by topic; shared fixtures live here.

mod history;
mod messages;
mod omemo;
mod signals;
mod storage;

use chrono::{DateTime, Utc};

use super::{CatchUpTrail, Inserted, LiveSince, MAX_BODY_BYTES, NewMessage, Store};
use crate::api::{Availability, Contact, Direction, MessageRecord, MessageState};

const ME: &str = "me@example.org/laptop";

fn ts(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_700_000_000 + secs, 0).unwrap()
}

/// An incoming message from `with` (sender = with + "/phone").
fn incoming<'a>(id: &'a str, with: &'a str, secs: i64) -> NewMessage<'a> {
    let state = MessageState::Received;
    NewMessage::text(id, with, Direction::In, with, id, ts(secs), state)
}

fn outgoing<'a>(id: &'a str, with: &'a str, secs: i64) -> NewMessage<'a> {
    NewMessage {
        direction: Direction::Out,
        sender: ME,
        state: MessageState::Queued,
        ..incoming(id, with, secs)
    }
}

/// An incoming message of the archive (its id is also its archive id)
/// stamped at `ms` milliseconds.
fn archived<'a>(id: &'a str, with: &'a str, ms: i64) -> NewMessage<'a> {
    NewMessage {
        timestamp: DateTime::from_timestamp_millis(ms).unwrap(),
        server_id: Some(id),
        ..incoming(id, with, 0)
    }
}

fn mem() -> Store {
    Store::open_in_memory().unwrap()
}

fn ids(records: &[MessageRecord]) -> Vec<&str> {
    records.iter().map(|r| r.id.as_str()).collect()
}

fn contact(jid: &str, name: Option<&str>, groups: &[&str]) -> Contact {
    Contact {
        jid: jid.to_owned(),
        name: name.map(str::to_owned),
        subscription: "both".to_owned(),
        groups: groups.iter().map(|g| (*g).to_owned()).collect(),
        // Presence is not stored: whatever is passed in comes back offline.
        presence: Availability::Available,
        status: Some("here".to_owned()),
        ..Default::default()
    }
}

fn jids(s: &Store) -> Vec<String> {
    s.contacts().unwrap().into_iter().map(|c| c.jid).collect()
}
