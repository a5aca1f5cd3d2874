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
            let out = i % out_every == out_every - 1;
            NewMessage {
                id: &ids[i],
                with,
                direction: if out { Direction::Out } else { Direction::In },
                sender: if out { own } else { with },
                body: &bodies[i],
                timestamp: chrono::DateTime::from_timestamp(t0 + i as i64, 0).expect("timestamp"),
                state: if out {
                    MessageState::Read
                } else {
                    MessageState::Received
                },
                server_id: None,
                origin_id: Some(&ids[i]),
                reply_to: None,
                markable: false,
                file: None,
                mention: false,
                occupant_id: None,
                crypto: Default::default(),
            }
        })
        .collect();
    for chunk in msgs.chunks(1000) {
        store.insert_messages(chunk).expect("fill history");
    }
    store.mark_read(with).expect("mark read");
}
