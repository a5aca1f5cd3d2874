//! A long stored history for benchmarks: `n` messages with one contact,
//! one second apart, every `out_every`-th sent by us, all read.

use chrono::Utc;
use plausch::api::{Direction, MessageState};
use plausch::store::{NewMessage, Store};

pub fn fill(
    store: &mut Store,
    own: &str,
    with: &str,
    n: usize,
    out_every: usize,
    body: impl Fn(usize) -> String,
) {
    let t0 = Utc::now().timestamp() - n as i64;
    let ids: Vec<String> = (0..n).map(|i| format!("history-{i}")).collect();
    let bodies: Vec<String> = (0..n).map(body).collect();
    let msgs: Vec<NewMessage> = (0..n)
        .map(|i| {
            let (direction, sender, state) = match i % out_every == out_every - 1 {
                true => (Direction::Out, own, MessageState::Read),
                false => (Direction::In, with, MessageState::Received),
            };
            let at = chrono::DateTime::from_timestamp(t0 + i as i64, 0).expect("timestamp");
            NewMessage {
                origin_id: Some(&ids[i]),
                ..NewMessage::text(&ids[i], with, direction, sender, &bodies[i], at, state)
            }
        })
        .collect();
    for chunk in msgs.chunks(1000) {
        store.insert_messages(chunk).expect("fill history");
    }
    store.mark_read(with).expect("mark read");
}
