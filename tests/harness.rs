//! Smoke tests of the test infrastructure itself: the loopback Prosody of `tests/common`.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::Prosody;

const STREAM_HEADER: &str = "<?xml version='1.0'?><stream:stream to='localhost' version='1.0' \
     xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";

/// Sends a client stream header to `port` and returns everything read until the
/// STARTTLS offer shows up (panics after 10 s).
fn read_stream_features(port: u16) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect to c2s port");
    stream
        .set_read_timeout(Some(Duration::from_secs(1)))
        .expect("set read timeout");
    stream
        .write_all(STREAM_HEADER.as_bytes())
        .expect("send stream header");
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut received = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let text = String::from_utf8_lossy(&received).into_owned();
        if text.contains("starttls") {
            return text;
        }
        assert!(
            Instant::now() < deadline,
            "no STARTTLS offer within 10 s, got: {text:?}"
        );
        match stream.read(&mut buf) {
            Ok(0) => panic!("server closed the stream, got: {text:?}"),
            Ok(n) => received.extend_from_slice(&buf[..n]),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(e) => panic!("read from c2s port: {e}"),
        }
    }
}

#[test]
fn prosody_starts_registers_users_and_offers_starttls() {
    let server = Prosody::start();
    assert_eq!(server.domain(), "localhost");
    server.register("alice", "alice-secret");
    server.register("bob", "bob-secret");

    let accounts = server.dir().join("data").join("localhost").join("accounts");
    assert!(accounts.join("alice.dat").is_file(), "alice not registered");
    assert!(accounts.join("bob.dat").is_file(), "bob not registered");

    let answer = read_stream_features(server.c2s_port());
    assert!(
        answer.contains("<stream:stream"),
        "no stream header: {answer:?}"
    );
    assert!(
        answer.contains("from='localhost'"),
        "wrong domain: {answer:?}"
    );

    // Distinct, real ports and a usable certificate.
    let ports = [
        server.c2s_port(),
        server.direct_tls_port(),
        server.http_port(),
    ];
    assert!(ports.iter().all(|&p| p != 0));
    assert!(ports[0] != ports[1] && ports[1] != ports[2] && ports[0] != ports[2]);
    TcpStream::connect(("127.0.0.1", server.direct_tls_port())).expect("direct TLS port");
    TcpStream::connect(("127.0.0.1", server.http_port())).expect("HTTP port");
    let pem = std::fs::read_to_string(server.ca_file()).expect("read ca_file");
    assert!(pem.contains("BEGIN CERTIFICATE"));
    let fp = server.cert_sha256();
    assert_eq!(fp.len(), 95, "fingerprint {fp}");
    assert!(
        fp.chars()
            .all(|c| c == ':' || c.is_ascii_digit() || ('A'..='F').contains(&c)),
        "fingerprint {fp}"
    );
}

#[test]
fn prosody_restart_keeps_ports_and_data() {
    let mut server = Prosody::start();
    server.register("carol", "carol-secret");
    let port = server.c2s_port();

    server.stop();
    assert!(!server.is_running());
    assert!(
        TcpStream::connect(("127.0.0.1", port)).is_err(),
        "c2s port still accepts after stop()"
    );

    server.restart();
    assert!(server.is_running());
    assert_eq!(server.c2s_port(), port);
    read_stream_features(port);
    let carol = server.dir().join("data/localhost/accounts/carol.dat");
    assert!(carol.is_file(), "data dir not kept across restart");

    // restart() while running works too.
    server.restart();
    read_stream_features(port);
}

#[test]
fn two_prosody_instances_side_by_side() {
    let a = Prosody::start();
    let b = Prosody::start();
    assert_ne!(a.dir(), b.dir());
    assert_ne!(a.c2s_port(), b.c2s_port());
    assert_ne!(a.cert_sha256(), b.cert_sha256());
    read_stream_features(a.c2s_port());
    read_stream_features(b.c2s_port());
}

/// The server is Prosody 13 (tests/run.sh installs it from the backports),
/// or 0.12 in the compatibility job (`PLAUSCH_TEST_PROSODY_ROOT`).
#[test]
fn the_server_is_the_version_asked_for() {
    let server = Prosody::start();
    let version = server.lua("return prosody.version");
    let want = if common::prosody::old_server() {
        "0.12."
    } else {
        "13."
    };
    assert!(
        version.contains(want),
        "want {want}, server says {version:?}"
    );
    // Prosody 13 offers the modern login beside the classic one, and its
    // rooms moderation.
    let loaded = |host: &str, module: &str| {
        server
            .lua(&format!(
                "return tostring(prosody.hosts[{host:?}].modules[{module:?}] ~= nil)"
            ))
            .contains("true")
    };
    let modern = !common::prosody::old_server();
    for module in ["sasl2", "sasl2_bind2", "sasl2_sm", "sasl2_fast"] {
        assert_eq!(loaded("localhost", module), modern, "{module}");
    }
    assert_eq!(loaded("conference.localhost", "muc_moderation"), modern);
}
