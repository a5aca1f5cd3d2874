//! Certificate validation for one account: system roots plus an optional CA
//! file, or a pinned certificate. Validation is never switched off.
//!
//! tokio-xmpp builds its rustls config internally with no hook for extra roots
//! or pins, so we build our own and remember why a certificate was refused, so
//! the front-end can show the fingerprint and offer to pin it.
//!
//! A server certificate that is byte for byte one the user trusts (in the CA
//! file or the system store) is accepted as it is, after checking its
//! validity period and name: a staging server's self-signed certificate
//! usually says `CA:TRUE` (what `openssl req -x509` makes), which path
//! building refuses as a server certificate.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use sha2::{Digest, Sha256};
use tokio_rustls::rustls::{
    self, CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
    client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier},
    client::{WebPkiServerVerifier, verify_server_name},
    crypto::CryptoProvider,
    pki_types::{CertificateDer, ServerName, UnixTime},
    server::ParsedCertificate,
};
use x509_cert::der::{Decode, Tag, Tagged, asn1::ObjectIdentifier};

use crate::api::{CertInfo, CertRefusal};

#[derive(Debug, thiserror::Error)]
pub enum TlsSetupError {
    #[error("cannot read CA file {path}: {source}")]
    CaFile {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("CA file {0} contains no PEM certificate")]
    CaFileEmpty(PathBuf),
    #[error("pinned certificate fingerprint is not a SHA-256 hex value: {0}")]
    BadPin(String),
    #[error("no trusted root certificates: the system has none and no CA file is set")]
    NoRoots,
    #[error("TLS setup failed: {0}")]
    Rustls(String),
}

/// SHA-256 of a DER certificate as upper-case hex pairs joined by `:`.
pub fn fingerprint(der: &[u8]) -> String {
    Sha256::digest(der)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// What a certificate says about itself, for the user to check before
/// pinning it; `refusal` says why it was refused (none if it was not).
pub fn cert_info(der: &[u8], refusal: Option<CertRefusal>) -> CertInfo {
    let mut info = CertInfo {
        fingerprint: fingerprint(der),
        reason: refusal.map(|r| r.reason().to_owned()).unwrap_or_default(),
        code: refusal,
        pin_mismatch: refusal == Some(CertRefusal::PinMismatch),
        ..Default::default()
    };
    // An unreadable certificate still has a fingerprint; the rest stays empty.
    if let Ok(cert) = x509_cert::Certificate::from_der(der) {
        let tbs = &cert.tbs_certificate;
        let time = |t: &x509_cert::time::Time| {
            chrono::DateTime::from_timestamp(t.to_unix_duration().as_secs() as i64, 0)
        };
        info.subject = Some(tbs.subject.to_string());
        info.issuer = Some(tbs.issuer.to_string());
        info.not_before = time(&tbs.validity.not_before);
        info.not_after = time(&tbs.validity.not_after);
    }
    info
}

/// Parses a fingerprint given with or without `:` in any case.
pub fn parse_pin(pin: &str) -> Result<[u8; 32], TlsSetupError> {
    let hex: String = pin
        .chars()
        .filter(|c| *c != ':' && !c.is_whitespace())
        .collect();
    let bad = || TlsSetupError::BadPin(pin.to_owned());
    if hex.len() != 64 || !hex.is_ascii() {
        return Err(bad());
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).map_err(|_| bad())?;
    }
    Ok(out)
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// System roots, loaded once per process (reading the store costs milliseconds).
fn system_roots() -> &'static [CertificateDer<'static>] {
    static ROOTS: OnceLock<Vec<CertificateDer<'static>>> = OnceLock::new();
    ROOTS.get_or_init(|| {
        let result = rustls_native_certs::load_native_certs();
        for e in &result.errors {
            tracing::warn!("system certificate store: {e}");
        }
        result.certs
    })
}

fn load_ca_file(path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsSetupError> {
    let data = std::fs::read(path).map_err(|source| TlsSetupError::CaFile {
        path: path.to_owned(),
        source,
    })?;
    let certs: Vec<_> = rustls_pemfile::certs(&mut data.as_slice())
        .filter_map(Result::ok)
        .collect();
    if certs.is_empty() {
        return Err(TlsSetupError::CaFileEmpty(path.to_owned()));
    }
    Ok(certs)
}

/// Where the verifier leaves the reason of the last refusal.
pub type FailureSlot = Arc<Mutex<Option<CertInfo>>>;

/// Builds the rustls config for one account.
pub fn client_config(
    ca_file: Option<&Path>,
    pinned: Option<&str>,
    failure: FailureSlot,
) -> Result<Arc<ClientConfig>, TlsSetupError> {
    build(ca_file, pinned, true, failure)
}

/// The rustls config for the account's HTTPS transfers (file upload and
/// download): the same roots (system plus CA file). A pinned certificate is
/// accepted too, but does not refuse every other one: files are often on
/// other hosts (the contact's server, a CDN) than the pinned XMPP server.
pub fn http_client_config(
    ca_file: Option<&Path>,
    pinned: Option<&str>,
) -> Result<ClientConfig, TlsSetupError> {
    build(ca_file, pinned, false, FailureSlot::default()).map(Arc::unwrap_or_clone)
}

fn build(
    ca_file: Option<&Path>,
    pinned: Option<&str>,
    pin_exclusive: bool,
    failure: FailureSlot,
) -> Result<Arc<ClientConfig>, TlsSetupError> {
    let verifier = verifier(ca_file, pinned, pin_exclusive, failure)?;
    let config = ClientConfig::builder_with_provider(verifier.provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsSetupError::Rustls(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    Ok(Arc::new(config))
}

fn verifier(
    ca_file: Option<&Path>,
    pinned: Option<&str>,
    pin_exclusive: bool,
    failure: FailureSlot,
) -> Result<Verifier, TlsSetupError> {
    let provider = provider();
    let pin = pinned.map(parse_pin).transpose()?;
    let mut roots = RootCertStore::empty();
    roots.add_parsable_certificates(system_roots().iter().cloned());
    let ca_certs = match ca_file {
        Some(path) => load_ca_file(path)?,
        None => Vec::new(),
    };
    if let Some(path) = ca_file {
        for cert in &ca_certs {
            roots
                .add(cert.clone())
                .map_err(|e| TlsSetupError::Rustls(format!("CA file {}: {e}", path.display())))?;
        }
    }
    let webpki = if roots.is_empty() {
        if pin.is_none() {
            return Err(TlsSetupError::NoRoots);
        }
        None
    } else {
        Some(
            WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                .build()
                .map_err(|e| TlsSetupError::Rustls(e.to_string()))?,
        )
    };
    Ok(Verifier {
        webpki,
        ca_certs,
        pin,
        pin_exclusive,
        provider,
        failure,
    })
}

#[derive(Debug)]
struct Verifier {
    webpki: Option<Arc<WebPkiServerVerifier>>,
    /// The CA file's certificates: with the system roots, the certificates
    /// a server may present as they are.
    ca_certs: Vec<CertificateDer<'static>>,
    pin: Option<[u8; 32]>,
    /// The pin is the only certificate accepted (XMPP); else it is accepted
    /// in addition to what the roots vouch for (HTTPS transfers).
    pin_exclusive: bool,
    provider: Arc<CryptoProvider>,
    failure: FailureSlot,
}

impl Verifier {
    /// Remembers why `der` was refused (for the front-end) and returns `error`.
    fn refuse(&self, der: &[u8], why: CertRefusal, error: rustls::Error) -> rustls::Error {
        if let Ok(mut slot) = self.failure.lock() {
            *slot = Some(cert_info(der, Some(why)));
        }
        error
    }

    /// Whether `der` is byte for byte one of the certificates the user
    /// trusts (the CA file or the system store).
    fn trusts_as_is(&self, der: &CertificateDer<'_>) -> bool {
        self.ca_certs
            .iter()
            .chain(system_roots())
            .any(|c| c.as_ref() == der.as_ref())
    }
}

/// The code for a refused certificate's error.
pub(crate) fn refusal(e: &rustls::Error) -> CertRefusal {
    use CertificateError as C;
    let rustls::Error::InvalidCertificate(c) = e else {
        return CertRefusal::Invalid;
    };
    match c {
        C::UnknownIssuer => CertRefusal::UnknownIssuer,
        C::Expired | C::ExpiredContext { .. } => CertRefusal::Expired,
        C::NotValidYet | C::NotValidYetContext { .. } => CertRefusal::NotYetValid,
        C::NotValidForName | C::NotValidForNameContext { .. } => CertRefusal::WrongName,
        C::Revoked => CertRefusal::Revoked,
        C::BadSignature => CertRefusal::BadSignature,
        C::InvalidPurpose | C::InvalidPurposeContext { .. } => CertRefusal::WrongPurpose,
        C::Other(other) => match other.0.downcast_ref::<webpki::Error>() {
            Some(webpki::Error::CaUsedAsEndEntity) => CertRefusal::CaUsedAsEndEntity,
            _ => CertRefusal::Invalid,
        },
        _ => CertRefusal::Invalid,
    }
}

/// Why a certificate was refused, in plain words (also for file transfers).
pub(crate) fn describe(e: &rustls::Error) -> String {
    refusal(e).reason().to_owned()
}

/// Why a TLS handshake failed, in plain words (no Rust debug output).
pub(crate) fn handshake_failure(e: &std::io::Error) -> String {
    use rustls::{AlertDescription as A, Error as E};
    let Some(tls) = e.get_ref().and_then(|i| i.downcast_ref::<E>()) else {
        return e.to_string();
    };
    match tls {
        E::InvalidCertificate(_) => format!("certificate not trusted: {}", describe(tls)),
        E::AlertReceived(A::ProtocolVersion) => {
            "the server supports neither TLS 1.2 nor TLS 1.3".into()
        }
        E::AlertReceived(A::HandshakeFailure | A::InsufficientSecurity) => {
            "the server and Plausch have no cipher suite in common".into()
        }
        E::AlertReceived(_) => "the server broke off the TLS handshake".into(),
        E::InvalidMessage(_) | E::InappropriateMessage { .. } => {
            "the server does not speak TLS on this port".into()
        }
        E::NoCertificatesPresented => "the server sent no certificate".into(),
        E::PeerIncompatible(_) | E::PeerMisbehaved(_) => {
            "the server's TLS is not compatible with Plausch's".into()
        }
        _ => "the TLS handshake failed".into(),
    }
}

/// RFC 6125 §6.4.4: a certificate without any subjectAltName is made out for
/// its common name. Only for a certificate the user trusts as it is, as
/// `openssl req -x509 -subj /CN=…` makes them; path building never does this.
fn common_name_is(cert: &x509_cert::Certificate, server_name: &ServerName<'_>) -> bool {
    const SUBJECT_ALT_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.17");
    const COMMON_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");
    let ServerName::DnsName(name) = server_name else {
        return false;
    };
    let tbs = &cert.tbs_certificate;
    if tbs
        .extensions
        .iter()
        .flatten()
        .any(|e| e.extn_id == SUBJECT_ALT_NAME)
    {
        return false;
    }
    let wanted = name.as_ref().trim_end_matches('.');
    tbs.subject
        .0
        .iter()
        .flat_map(|rdn| rdn.0.iter())
        .filter(|atv| atv.oid == COMMON_NAME)
        .filter(|atv| {
            matches!(
                atv.value.tag(),
                Tag::Utf8String | Tag::PrintableString | Tag::Ia5String
            )
        })
        .filter_map(|atv| std::str::from_utf8(atv.value.value()).ok())
        .any(|cn| cn.trim_end_matches('.').eq_ignore_ascii_case(wanted))
}

/// Checks a certificate the user trusts as it is (there is no chain to
/// build): its validity period and that it is made out for the server.
fn check_as_is(
    der: &CertificateDer<'_>,
    server_name: &ServerName<'_>,
    now: UnixTime,
) -> Result<(), rustls::Error> {
    let invalid = |e: CertificateError| rustls::Error::InvalidCertificate(e);
    let cert = x509_cert::Certificate::from_der(der.as_ref())
        .map_err(|_| invalid(CertificateError::BadEncoding))?;
    let validity = &cert.tbs_certificate.validity;
    let now_secs = now.as_secs();
    if now_secs < validity.not_before.to_unix_duration().as_secs() {
        return Err(invalid(CertificateError::NotValidYet));
    }
    if now_secs > validity.not_after.to_unix_duration().as_secs() {
        return Err(invalid(CertificateError::Expired));
    }
    match verify_server_name(&ParsedCertificate::try_from(der)?, server_name) {
        Err(_) if common_name_is(&cert, server_name) => Ok(()),
        other => other,
    }
}

/// Whether `der` names itself as its issuer (a self-signed certificate).
fn self_issued(der: &[u8]) -> bool {
    x509_cert::Certificate::from_der(der)
        .is_ok_and(|c| c.tbs_certificate.subject == c.tbs_certificate.issuer)
}

impl ServerCertVerifier for Verifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if let Some(pin) = &self.pin {
            // A pin trusts exactly one certificate; a different one is refused
            // even if a CA vouches for it, because the user asked for this one.
            let actual: [u8; 32] = Sha256::digest(end_entity.as_ref()).into();
            if &actual == pin {
                return Ok(ServerCertVerified::assertion());
            }
        }
        if self.pin.is_some() && self.pin_exclusive {
            return Err(self.refuse(
                end_entity,
                CertRefusal::PinMismatch,
                rustls::Error::InvalidCertificate(CertificateError::ApplicationVerificationFailure),
            ));
        }
        if self.trusts_as_is(end_entity) {
            return check_as_is(end_entity, server_name, now)
                .map(|()| ServerCertVerified::assertion())
                .map_err(|e| self.refuse(end_entity, refusal(&e), e));
        }
        let Some(webpki) = &self.webpki else {
            return Err(rustls::Error::InvalidCertificate(
                CertificateError::UnknownIssuer,
            ));
        };
        webpki
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
            .map_err(|e| match refusal(&e) {
                // A self-signed certificate the user does not trust: that it
                // is a CA, or that a trusted CA of the same name did not sign
                // it, is beside the point: nobody vouches for it.
                CertRefusal::CaUsedAsEndEntity
                | CertRefusal::BadSignature
                | CertRefusal::Invalid
                    if self_issued(end_entity) =>
                {
                    self.refuse(
                        end_entity,
                        CertRefusal::UnknownIssuer,
                        rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer),
                    )
                }
                why => self.refuse(end_entity, why, e),
            })
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

#[cfg(test)]
pub(crate) mod tests;
