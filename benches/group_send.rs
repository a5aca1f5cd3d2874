//! Sending into an encrypted group: the client CPU one message costs when
//! it is encrypted for every device of every member (issue 23: a
//! 30-member room with 60 devices, ≤ 20 ms a message).
//!
//! Alice (an account actor in this process) creates a members-only room
//! with 30 other members, each of whom published two OMEMO 2 devices. The
//! first message sets up a session with each of the 60 devices (bundles
//! fetched, X3DH) and is reported on its own; then `GROUP_SEND_N` messages
//! (100 by default, 10 in the smoke run) are sent one at a time, each
//! waited for until the room reflects it, and the CPU time of the account
//! runtime's threads is divided by their number. The members' raw clients
//! are only used to publish their keys.
//!
//! `cargo bench --bench group_send` runs the full size; without `--bench`
//! (as under `cargo test --all-targets`) a small smoke run.

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "support/actor.rs"]
mod support;

use std::time::Duration;

use common::Prosody;
use common::omemo_peer::{publish_v2_bundle, publish_v2_list};
use common::raw::RawClient;
use plausch::api::{AccountRequest, Encryption, Event, MessageState};
use support::{Running, cpu_seconds, start_account};

/// Members besides Alice, and devices each.
const OTHERS: usize = 30;
const DEVICES: u32 = 2;

/// Waits (up to a minute) for the event `pick` returns something for.
fn wait<T>(run: &mut Running, what: &str, mut pick: impl FnMut(&Event) -> Option<T>) -> T {
    run.rt.block_on(async {
        loop {
            match tokio::time::timeout(Duration::from_secs(60), run.events.recv()).await {
                Ok(Some(e)) => {
                    if let Some(t) = pick(&e) {
                        return t;
                    }
                }
                _ => panic!("no {what}"),
            }
        }
    })
}

/// Sends `body` into `room` and waits until the room reflected it
/// (delivered); returns how it was encrypted.
fn send(run: &mut Running, room: &str, body: &str) -> Encryption {
    let reference = body.to_owned();
    let _ = run.actor.send(
        AccountRequest::Send {
            to: room.into(),
            body: body.into(),
            reference: Some(reference.clone()),
            reply_to: None,
        }
        .into(),
    );
    let mut id = None;
    let mut encryption = Encryption::None;
    wait(run, "the reflection", |e| match e {
        Event::Message {
            message,
            reference: Some(r),
            ..
        } if *r == reference => {
            id = Some(message.id.clone());
            encryption = message.crypto.encryption;
            None
        }
        Event::MessageUpdated { message, .. } if Some(&message.id) == id.as_ref() => {
            encryption = message.crypto.encryption;
            None
        }
        Event::MessageState {
            id: i,
            state: MessageState::Delivered,
            ..
        } if Some(i) == id.as_ref() => Some(()),
        Event::MessageState {
            id: i,
            state: MessageState::Failed,
            error,
            ..
        } if Some(i) == id.as_ref() => panic!("{body} failed: {error:?}"),
        _ => None,
    });
    encryption
}

fn actor_cpu() -> f64 {
    let (_, (user, system)) = cpu_seconds();
    user + system
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let n: usize = std::env::var("GROUP_SEND_N")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(if full { 100 } else { 10 });
    if !full {
        println!("group_send: smoke run (use `cargo bench --bench group_send` for numbers)");
    }
    let server = Prosody::start();
    server.register("alice", "apw");
    let members: Vec<String> = (1..=OTHERS).map(|i| format!("m{i:02}")).collect();
    for (i, m) in members.iter().enumerate() {
        server.register(m, "pw");
        let mut client = RawClient::connect(&server, m, "pw");
        let devices: Vec<u32> = (0..DEVICES).map(|d| 1000 + (i as u32) * 10 + d).collect();
        for d in &devices {
            publish_v2_bundle(&mut client, *d, 5, None);
        }
        publish_v2_list(&mut client, &devices);
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let mut run = start_account(&server, "alice", "apw", dir.path());
    let room = format!("council@{}", server.muc_domain());
    let _ = run.actor.send(
        AccountRequest::CreateRoom {
            room: room.clone(),
            name: Some("Council".into()),
            nick: None,
            members: members.iter().map(|m| format!("{m}@localhost")).collect(),
        }
        .into(),
    );
    // Encrypted once every member's devices are known.
    wait(&mut run, "the group's encryption", |e| match e {
        Event::Encryption {
            with, encrypted, ..
        } if *with == room && *encrypted != Encryption::None => Some(()),
        _ => None,
    });

    let before = actor_cpu();
    let first = send(&mut run, &room, "first: sessions with every device");
    let setup = actor_cpu() - before;
    assert_eq!(first, Encryption::Omemo2);
    let before = actor_cpu();
    for i in 0..n {
        let how = send(&mut run, &room, &format!("Nachricht {i} an den Ausschuss"));
        assert_eq!(how, Encryption::Omemo2);
    }
    let per_message = (actor_cpu() - before) / n as f64;
    let devices = OTHERS * DEVICES as usize;
    println!(
        "group of {} members, {devices} devices: first message (sessions set up) {:.0} ms CPU; \
         then {:.1} ms CPU a message (mean of {n}, the account's threads)",
        OTHERS + 1,
        setup * 1000.0,
        per_message * 1000.0
    );
}
