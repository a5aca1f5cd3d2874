//! Incoming messages per second that one account actor receives, stores
//! and announces.
//!
//! Two figures:
//! - **end to end**: a second client floods the account through a real
//!   loopback Prosody; counted from the first to the last `message` event
//!   of the actor (so it includes Prosody's routing, TLS, XML parsing, the
//!   store with one transaction per live message, and the event channel);
//! - **pipeline**: the same work without the network, in-process: XML parse,
//!   `chat::parse_chat`, store insert (one transaction per message as live,
//!   and pages of 50 as from the archive), event serialization to JSON.
//!
//! - **encrypted**: the end-to-end run again with every message OMEMO 2
//!   encrypted for the account's device (one session, made before the
//!   clock starts), with the CPU time of both runs compared (medians of
//!   `ACTOR_INGEST_RUNS` pairs, 3 by default; `ACTOR_INGEST_N` messages).
//!
//! `cargo bench --bench actor_ingest` runs the full size; without `--bench`
//! (as under `cargo test --all-targets`) a small smoke run.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use chrono::Utc;
use common::Prosody;
use common::raw::RawClient;
use plausch::account::chat;
use plausch::api::{ConnState, Event};
use plausch::config::{AccountConfig, PasswordSource};
use plausch::store::Store;
use tokio_xmpp::jid::BareJid;
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::message::Message;

fn stanza(i: usize) -> String {
    format!(
        "<message xmlns='jabber:client' type='chat' from='bob@localhost/raw' \
         to='alice@localhost' id='b{i}'><body>Nachricht {i}: kurz, wie im Alltag.</body>\
         <origin-id xmlns='urn:xmpp:sid:0' id='o{i}'/></message>"
    )
}

/// How a flood is written: plain, or OMEMO 2 encrypted for alice's device.
#[derive(Clone, Copy, PartialEq)]
enum Flood {
    Plain,
    Encrypted,
}

/// CPU seconds this process used so far, user and system (Linux `/proc`).
fn cpu_seconds() -> (f64, f64) {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which may hold spaces): state is 3rd.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of the whole line: 11 and 12 here.
    (ticks(11) / 100.0, ticks(12) / 100.0)
}

/// Alice's OMEMO 2 bundle as bob reads it from her PEP (retried until her
/// account published it), in the crypto core's form.
fn alice_bundle(bob: &mut RawClient) -> (u32, omemo::Bundle) {
    use plausch::xmpp::omemo::{DeviceList, Version};
    const PUBSUB: &str = "http://jabber.org/protocol/pubsub";
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut n = 0;
    let mut get = |bob: &mut RawClient, node: &str| -> Option<Element> {
        n += 1;
        let id = format!("b{n}");
        bob.send_xml(&format!(
            "<iq xmlns='jabber:client' type='get' id='{id}' to='alice@localhost'>\
             <pubsub xmlns='{PUBSUB}'><items node='{node}'/></pubsub></iq>"
        ));
        let answer = bob.wait_stanza(Duration::from_secs(10), |el| {
            el.name() == "iq" && el.attr("id") == Some(id.as_str())
        })?;
        plausch::xmpp::pep::first_item(answer.get_child("pubsub", PUBSUB), node)
    };
    loop {
        let found = get(bob, Version::V2.devices_node())
            .and_then(|el| DeviceList::parse(Version::V2, &el).ok())
            .and_then(|list| list.devices.first().map(|d| d.id))
            .and_then(|device| {
                let el = get(bob, "urn:xmpp:omemo:2:bundles")?;
                let b = plausch::xmpp::omemo::Bundle::parse(Version::V2, &el).ok()?;
                Some((device.get(), b))
            });
        if let Some((device, b)) = found {
            let bundle = omemo::Bundle {
                version: omemo::Version::V2,
                identity_key: b.identity.to_vec(),
                signed_pre_key_id: b.signed_pre_key_id,
                signed_pre_key: b.signed_pre_key.to_vec(),
                signed_pre_key_signature: b.signature.to_vec(),
                pre_keys: b.pre_keys.iter().map(|k| (k.id, k.key.to_vec())).collect(),
            };
            return (device, bundle);
        }
        assert!(
            Instant::now() < deadline,
            "alice's OMEMO bundle never appeared"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// `n` messages from bob to alice, encrypted on one session (made before
/// the clock starts: the sender's work is not the actor's).
fn encrypted_stanzas(bob: &mut RawClient, n: usize) -> Vec<String> {
    use plausch::xmpp::omemo::{DeviceId, Encrypted, KeyFor, Version};
    use rand_core::OsRng;
    let (device, bundle) = alice_bundle(bob);
    let identity = omemo::IdentityKeyPair::generate(&mut OsRng);
    let mut session = omemo::Session::initiate(&identity, &bundle, &mut OsRng)
        .expect("session on alice's bundle");
    let rid = DeviceId::new(device).expect("device id");
    let sid = DeviceId::new(4242).expect("device id");
    let alice: BareJid = "alice@localhost".parse().expect("jid");
    (0..n)
        .map(|i| {
            let body = format!("Nachricht {i}: kurz, wie im Alltag.");
            let envelope = plausch::xmpp::sce::Envelope::with_body(
                &body,
                "bob@localhost".parse().expect("jid"),
                "padding".into(),
            );
            let payload = omemo::payload::encrypt_v2(&envelope.to_bytes(), &mut OsRng);
            let key = session.encrypt(&payload.key_material).expect("encrypt");
            let e = Encrypted {
                version: Version::V2,
                sid,
                keys: vec![KeyFor {
                    jid: Some(alice.clone()),
                    rid,
                    prekey: key.prekey,
                    data: key.data,
                }],
                iv: None,
                payload: Some(payload.ciphertext),
            };
            format!(
                "<message xmlns='jabber:client' type='chat' to='alice@localhost' id='b{i}'>{}\
                 <origin-id xmlns='urn:xmpp:sid:0' id='o{i}'/>\
                 <request xmlns='urn:xmpp:receipts'/></message>",
                String::from(&e.to_element())
            )
        })
        .collect()
}

/// Messages per second, the time from the first to the last `message`
/// event, and the CPU seconds the process used meanwhile (actor and the
/// raw sender).
fn end_to_end(n: usize, flood: Flood) -> (f64, Duration, f64) {
    let server = Prosody::start();
    server.register("alice", "apw");
    server.register("bob", "bpw");
    let dir = tempfile::tempdir().expect("temp dir");
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let mut config = AccountConfig::new(
        "bench",
        "alice@localhost",
        PasswordSource::Command("printf '%s' apw".into()),
    );
    config.host = Some("127.0.0.1".into());
    config.port = Some(server.c2s_port());
    config.ca_file = Some(server.ca_file());
    let (tx, mut events) = tokio::sync::mpsc::unbounded_channel();
    let _actor = rt.block_on(async { plausch::accounts::start(config, dir.path().to_owned(), tx) });
    rt.block_on(async {
        while let Some(e) = events.recv().await {
            if matches!(e, Event::ArchiveSynced { .. }) {
                break;
            }
            if let Event::AccountState { state, reason, .. } = &e
                && *state != ConnState::Online
                && *state != ConnState::Connecting
            {
                panic!("bench account did not connect: {state:?} {reason:?}");
            }
        }
    });
    let mut bob = RawClient::connect(&server, "bob", "bpw");
    let xmls: Vec<String> = match flood {
        // Both floods ask for receipts, as clients do: the answers are
        // part of the work on either side of the comparison.
        Flood::Plain => (0..n)
            .map(|i| {
                stanza(i).replace(" from='bob@localhost/raw'", "").replace(
                    "</message>",
                    "<request xmlns='urn:xmpp:receipts'/></message>",
                )
            })
            .collect(),
        Flood::Encrypted => encrypted_stanzas(&mut bob, n),
    };
    // Events of the set-up are not the flood's.
    while events.try_recv().is_ok() {}
    let cpu_before = cpu_seconds();
    let sender = std::thread::spawn(move || {
        bob.flood_messages(xmls);
        bob
    });
    let (first, last) = rt.block_on(async {
        let mut seen = 0;
        let mut first = None;
        while seen < n {
            match tokio::time::timeout(Duration::from_secs(60), events.recv()).await {
                Ok(Some(Event::Message { message, .. })) => {
                    let encrypted = message.crypto.encryption != plausch::api::Encryption::None;
                    assert_eq!(encrypted, flood == Flood::Encrypted, "{message:?}");
                    assert!(message.crypto.decryption_error.is_none(), "{message:?}");
                    first.get_or_insert_with(Instant::now);
                    seen += 1;
                }
                Ok(Some(_)) => {}
                _ => panic!("only {seen} of {n} messages arrived"),
            }
        }
        (first.unwrap_or_else(Instant::now), Instant::now())
    });
    let cpu_after = cpu_seconds();
    let (user, system) = (cpu_after.0 - cpu_before.0, cpu_after.1 - cpu_before.1);
    println!("  CPU: {user:.2} s user, {system:.2} s system");
    let cpu = user + system;
    let _ = sender.join();
    let took = last.duration_since(first);
    ((n - 1) as f64 / took.as_secs_f64(), took, cpu)
}

/// Parse → store → announce, without a network; `page` messages per transaction.
fn pipeline(n: usize, page: usize) -> f64 {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open(&dir.path().join("history.sqlite")).expect("store");
    let own: BareJid = "alice@localhost".parse().expect("jid");
    let xml: Vec<String> = (0..n).map(stanza).collect();
    let start = Instant::now();
    let mut announced = 0usize;
    for chunk in xml.chunks(page) {
        let parsed: Vec<_> = chunk
            .iter()
            .filter_map(|x| {
                let el: Element = x.parse().ok()?;
                chat::parse_chat(Message::try_from(el).ok()?, &own, Utc::now())
            })
            .collect();
        let owned = chat::StoreRows::new(&parsed);
        let rows = owned.rows(&parsed);
        for outcome in store.insert_messages(&rows).expect("insert") {
            if let plausch::store::Inserted::New(message) = outcome {
                let event = Event::Message {
                    account: "bench".into(),
                    message,
                    reference: None,
                };
                announced += serde_json::to_string(&event).map_or(0, |_| 1);
            }
        }
    }
    assert_eq!(announced, n);
    n as f64 / start.elapsed().as_secs_f64()
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    // ACTOR_INGEST_N: another size (e.g. smaller under valgrind).
    let n = std::env::var("ACTOR_INGEST_N")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(if full { 5_000 } else { 200 });
    if !full {
        println!("actor_ingest: smoke run (use `cargo bench --bench actor_ingest` for numbers)");
    }
    let live = pipeline(n, 1);
    let paged = pipeline(n, 50);
    println!("pipeline, live (1 message per transaction): {live:.0} messages/s");
    println!("pipeline, archive pages of 50: {paged:.0} messages/s");
    // ACTOR_INGEST_RUNS pairs (plain, then encrypted), the medians
    // compared: one run's CPU time swings with whatever else the machine
    // does.
    let runs = std::env::var("ACTOR_INGEST_RUNS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(if full { 3 } else { 1 });
    let mut plain = Vec::new();
    let mut encrypted = Vec::new();
    for _ in 0..runs {
        for (flood, into) in [
            (Flood::Plain, &mut plain),
            (Flood::Encrypted, &mut encrypted),
        ] {
            let (rate, took, cpu) = end_to_end(n, flood);
            println!(
                "end to end through Prosody, {}: {n} messages in {:.2} s, {rate:.0} messages/s, {cpu:.2} s CPU",
                match flood {
                    Flood::Plain => "plain",
                    Flood::Encrypted => "OMEMO 2 encrypted",
                },
                took.as_secs_f64()
            );
            into.push(cpu);
        }
    }
    let (plain_cpu, cpu) = (median(&mut plain), median(&mut encrypted));
    println!(
        "median of {runs}: plain {plain_cpu:.2} s CPU, encrypted {cpu:.2} s CPU: {:.2}× the plain CPU",
        cpu / plain_cpu.max(0.01)
    );
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(0.0)
}
