//! Waiting for one event of a child process's JSON Lines output (the
//! headless client, the OMEMO bot): events read while waiting for another
//! one stay pending, so the order of waits in a test need not match the
//! order of events.

use std::collections::VecDeque;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use serde_json::Value;

/// The first event matching `pred` within `timeout`: a pending one, or the
/// next ones read from `events` (each checked by `check`, kept in `seen`,
/// the others left pending). None on timeout or when the process ended.
pub fn wait_for(
    events: &Receiver<Value>,
    pending: &mut VecDeque<Value>,
    seen: &mut Vec<Value>,
    timeout: Duration,
    pred: &dyn Fn(&Value) -> bool,
    check: fn(&Value),
) -> Option<Value> {
    if let Some(i) = pending.iter().position(pred) {
        return pending.remove(i);
    }
    let deadline = Instant::now() + timeout;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        // Timeout, or the process ended: whatever it printed is in by now.
        let v = events.recv_timeout(left).ok()?;
        check(&v);
        seen.push(v.clone());
        if pred(&v) {
            return Some(v);
        }
        pending.push_back(v);
    }
}
