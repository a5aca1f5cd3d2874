use std::time::Duration;

use super::*;

#[test]
fn pins_parse_in_any_notation() {
    let colon = "AB:".repeat(31) + "AB";
    let plain = "ab".repeat(32);
    assert_eq!(parse_pin(&colon).ok(), Some([0xAB; 32]));
    assert_eq!(parse_pin(&plain).ok(), Some([0xAB; 32]));
    for bad in ["", "AB", &"zz".repeat(32), &"ab".repeat(33)] {
        assert!(parse_pin(bad).is_err(), "{bad} accepted");
    }
}

#[test]
fn fingerprint_is_colon_hex() {
    let f = fingerprint(b"x");
    assert_eq!(f.len(), 32 * 3 - 1);
    assert!(f.chars().all(|c| c == ':' || c.is_ascii_hexdigit()));
}

#[test]
fn missing_ca_file_is_a_clear_error() {
    let e = client_config(
        Some(Path::new("/nonexistent/ca.pem")),
        None,
        FailureSlot::default(),
    )
    .err()
    .map(|e| e.to_string());
    assert!(e.is_some_and(|m| m.contains("/nonexistent/ca.pem")));
}

/// Self-signed with `CA:TRUE` and SAN `localhost`, as `openssl req -x509`
/// makes it (valid from December 2026 for a hundred years). The subjects
/// are unique: a system store may hold a `CN=localhost` (Debian's snakeoil).
const STAGING: &str = include_str!("staging.pem");
/// Another such certificate for `localhost`, with another key.
const OTHER: &str = include_str!("other.pem");
/// Self-signed with `CA:TRUE`, `CN=staging.example` and no SAN at all.
const CN_ONLY: &str = include_str!("cn_only.pem");
/// A server certificate (`CA:FALSE`, SAN `localhost`) signed by `STAGING`.
const LEAF: &str = include_str!("leaf.pem");

/// 2030-01-01: inside every test certificate's validity period.
const NOW: u64 = 1_893_456_000;

fn at(secs: u64) -> UnixTime {
    UnixTime::since_unix_epoch(Duration::from_secs(secs))
}

fn der(pem: &str) -> CertificateDer<'static> {
    rustls_pemfile::certs(&mut pem.as_bytes())
        .next()
        .expect("a certificate")
        .expect("valid PEM")
}

/// What an account whose CA file holds `trusted` says about a server named
/// `name` presenting `presented` at time `now`: `None` when accepted, else
/// the code and the reason the user would see.
fn check(trusted: &str, presented: &str, name: &str, now: u64) -> Option<(CertRefusal, String)> {
    let dir = tempfile::tempdir().expect("temp dir");
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, trusted).expect("write CA file");
    let failure = FailureSlot::default();
    let v = verifier(Some(&ca), None, true, failure.clone()).expect("verifier");
    let name = ServerName::try_from(name.to_owned()).expect("server name");
    match v.verify_server_cert(&der(presented), &[], &name, &[], at(now)) {
        Ok(_) => None,
        Err(_) => {
            let info = failure.lock().ok().and_then(|mut s| s.take());
            let info = info.expect("a refusal is reported");
            assert_eq!(info.fingerprint, fingerprint(der(presented).as_ref()));
            Some((info.code.expect("a code"), info.reason))
        }
    }
}

fn code(trusted: &str, presented: &str, name: &str, now: u64) -> Option<CertRefusal> {
    check(trusted, presented, name, now).map(|(code, _)| code)
}

#[test]
fn a_trusted_self_signed_ca_certificate_is_accepted_as_it_is() {
    assert_eq!(code(STAGING, STAGING, "localhost", NOW), None);
    // Names compare without regard to case.
    assert_eq!(code(STAGING, STAGING, "LocalHost", NOW), None);
    // Also among other certificates in the CA file.
    let bundle = format!("{OTHER}{STAGING}");
    assert_eq!(code(&bundle, STAGING, "localhost", NOW), None);
}

#[test]
fn a_trusted_certificate_is_still_checked_for_name_and_time() {
    let refused = check(STAGING, STAGING, "staging.example", NOW);
    let (code_, reason) = refused.expect("refused");
    assert_eq!(code_, CertRefusal::WrongName);
    assert_eq!(reason, CertRefusal::WrongName.reason());
    assert_eq!(
        code(STAGING, STAGING, "localhost", 946_684_800), // 2000
        Some(CertRefusal::NotYetValid)
    );
    assert_eq!(
        code(STAGING, STAGING, "localhost", 7_258_118_400), // 2200
        Some(CertRefusal::Expired)
    );
}

#[test]
fn without_a_subject_alt_name_the_common_name_counts() {
    assert_eq!(code(CN_ONLY, CN_ONLY, "staging.example", NOW), None);
    assert_eq!(
        code(CN_ONLY, CN_ONLY, "localhost", NOW),
        Some(CertRefusal::WrongName)
    );
}

#[test]
fn other_certificates_stay_refused() {
    // Another self-signed certificate for the same name.
    assert_eq!(
        code(OTHER, STAGING, "localhost", NOW),
        Some(CertRefusal::UnknownIssuer)
    );
    // One signed by a self-signed certificate nobody trusts.
    assert_eq!(
        code(CN_ONLY, LEAF, "localhost", NOW),
        Some(CertRefusal::UnknownIssuer)
    );
    // Signed by the trusted one: accepted the usual way, with its name checked.
    assert_eq!(code(STAGING, LEAF, "localhost", NOW), None);
    assert_eq!(
        code(STAGING, LEAF, "staging.example", NOW),
        Some(CertRefusal::WrongName)
    );
}

#[test]
fn a_pin_refuses_every_other_certificate_even_a_trusted_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, STAGING).expect("write CA file");
    let failure = FailureSlot::default();
    let pin = fingerprint(der(OTHER).as_ref());
    let v = verifier(Some(&ca), Some(&pin), true, failure.clone()).expect("verifier");
    let name = ServerName::try_from("localhost").expect("server name");
    assert!(
        v.verify_server_cert(&der(OTHER), &[], &name, &[], at(NOW))
            .is_ok()
    );
    assert!(
        v.verify_server_cert(&der(STAGING), &[], &name, &[], at(NOW))
            .is_err()
    );
    let info = failure.lock().ok().and_then(|mut s| s.take());
    let info = info.expect("a refusal is reported");
    assert_eq!(info.code, Some(CertRefusal::PinMismatch));
    assert!(info.pin_mismatch);
}

/// What Rust's `Debug` output looks like; none of it may reach the user.
const DEBUG_SHAPES: [&str; 6] = ["Some(", "Other(", "Error(", "OtherError", "{", "::"];

/// Asserts that `text`, meant for the user, is words, not Rust debug output.
#[track_caller]
pub(crate) fn assert_plain(text: &str) {
    assert!(!text.is_empty());
    for shape in DEBUG_SHAPES {
        assert!(!text.contains(shape), "{text:?} contains {shape:?}");
    }
}

fn webpki_error(e: webpki::Error) -> rustls::Error {
    rustls::Error::InvalidCertificate(CertificateError::Other(rustls::OtherError(Arc::new(e))))
}

#[test]
fn reasons_are_plain_words() {
    use CertificateError as C;
    let name = ServerName::try_from("localhost").expect("server name");
    let cases = [
        (C::UnknownIssuer, CertRefusal::UnknownIssuer),
        (C::Expired, CertRefusal::Expired),
        (
            C::ExpiredContext {
                time: at(NOW),
                not_after: at(0),
            },
            CertRefusal::Expired,
        ),
        (C::NotValidYet, CertRefusal::NotYetValid),
        (
            C::NotValidYetContext {
                time: at(0),
                not_before: at(NOW),
            },
            CertRefusal::NotYetValid,
        ),
        (C::NotValidForName, CertRefusal::WrongName),
        (
            C::NotValidForNameContext {
                expected: name.to_owned(),
                presented: vec!["other.example".into()],
            },
            CertRefusal::WrongName,
        ),
        (C::Revoked, CertRefusal::Revoked),
        (C::BadSignature, CertRefusal::BadSignature),
        (C::InvalidPurpose, CertRefusal::WrongPurpose),
        (C::BadEncoding, CertRefusal::Invalid),
        (C::UnhandledCriticalExtension, CertRefusal::Invalid),
        (C::UnknownRevocationStatus, CertRefusal::Invalid),
        (C::ApplicationVerificationFailure, CertRefusal::Invalid),
    ];
    for (error, expected) in cases {
        let error = rustls::Error::InvalidCertificate(error);
        assert_eq!(refusal(&error), expected, "{error:?}");
        assert_plain(&describe(&error));
    }
    let ca = webpki_error(webpki::Error::CaUsedAsEndEntity);
    assert_eq!(refusal(&ca), CertRefusal::CaUsedAsEndEntity);
    assert_plain(&describe(&ca));
    let other = webpki_error(webpki::Error::CertDistrusted);
    assert_eq!(refusal(&other), CertRefusal::Invalid);
    assert_plain(&describe(&other));
    for code in CertRefusal::ALL {
        assert_plain(code.reason());
        assert_plain(&cert_info(b"x", Some(code)).reason);
    }
}

#[test]
fn handshake_failures_are_plain_words() {
    use rustls::{AlertDescription, Error as E, InvalidMessage, PeerIncompatible};
    let io = |e: E| std::io::Error::new(std::io::ErrorKind::InvalidData, e);
    for error in [
        E::InvalidCertificate(CertificateError::UnknownIssuer),
        webpki_error(webpki::Error::CaUsedAsEndEntity),
        E::AlertReceived(AlertDescription::ProtocolVersion),
        E::AlertReceived(AlertDescription::HandshakeFailure),
        E::AlertReceived(AlertDescription::DecryptError),
        E::InvalidMessage(InvalidMessage::InvalidContentType),
        E::NoCertificatesPresented,
        E::PeerIncompatible(PeerIncompatible::ServerDoesNotSupportTls12Or13),
        E::General("internal".into()),
        E::DecryptError,
    ] {
        let text = handshake_failure(&io(error.clone()));
        assert_plain(&text);
        assert_ne!(text, error.to_string(), "{error:?} passed through");
    }
    assert_plain(&handshake_failure(&std::io::Error::from(
        std::io::ErrorKind::ConnectionReset,
    )));
}
