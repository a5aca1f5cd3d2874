//! Certificate validation for one account: system roots plus an optional CA
//! file, or a pinned certificate. Validation is never switched off.
//!
//! tokio-xmpp builds its rustls config internally with no hook for extra roots
//! or pins, so we build our own and remember why a certificate was refused, so
//! the front-end can show the fingerprint and offer to pin it.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use sha2::{Digest, Sha256};
use tokio_rustls::rustls::{
    self, CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
    client::WebPkiServerVerifier,
    client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier},
    crypto::CryptoProvider,
    pki_types::{CertificateDer, ServerName, UnixTime},
};

use crate::api::CertInfo;

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
/// pinning it; `reason` says why it was refused (empty if it was not).
pub fn cert_info(der: &[u8], reason: String) -> CertInfo {
    use x509_cert::der::Decode;
    let mut info = CertInfo {
        fingerprint: fingerprint(der),
        reason,
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
    let provider = provider();
    let pin = pinned.map(parse_pin).transpose()?;
    let mut roots = RootCertStore::empty();
    roots.add_parsable_certificates(system_roots().iter().cloned());
    if let Some(path) = ca_file {
        for cert in load_ca_file(path)? {
            roots
                .add(cert)
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
    let verifier = Verifier {
        webpki,
        pin,
        pin_exclusive,
        provider: provider.clone(),
        failure,
    };
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsSetupError::Rustls(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    Ok(Arc::new(config))
}

#[derive(Debug)]
struct Verifier {
    webpki: Option<Arc<WebPkiServerVerifier>>,
    pin: Option<[u8; 32]>,
    /// The pin is the only certificate accepted (XMPP); else it is accepted
    /// in addition to what the roots vouch for (HTTPS transfers).
    pin_exclusive: bool,
    provider: Arc<CryptoProvider>,
    failure: FailureSlot,
}

impl Verifier {
    fn refuse(&self, der: &[u8], reason: String, error: rustls::Error) -> rustls::Error {
        if let Ok(mut slot) = self.failure.lock() {
            let mut info = cert_info(der, reason);
            info.pin_mismatch = self.pin.is_some();
            *slot = Some(info);
        }
        error
    }
}

/// Why a certificate was refused, in words (also for file transfers).
pub(crate) fn describe(e: &rustls::Error) -> String {
    match e {
        rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer) => {
            "issued by an unknown certificate authority".into()
        }
        rustls::Error::InvalidCertificate(CertificateError::Expired)
        | rustls::Error::InvalidCertificate(CertificateError::ExpiredContext { .. }) => {
            "expired".into()
        }
        rustls::Error::InvalidCertificate(CertificateError::NotValidForName)
        | rustls::Error::InvalidCertificate(CertificateError::NotValidForNameContext { .. }) => {
            "not valid for this server name".into()
        }
        rustls::Error::InvalidCertificate(c) => format!("{c:?}"),
        other => other.to_string(),
    }
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
                "the server's certificate changed: it is not the pinned one (a renewed \
                 certificate, or someone in between)"
                    .into(),
                rustls::Error::InvalidCertificate(CertificateError::ApplicationVerificationFailure),
            ));
        }
        let Some(webpki) = &self.webpki else {
            return Err(rustls::Error::InvalidCertificate(
                CertificateError::UnknownIssuer,
            ));
        };
        webpki
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
            .map_err(|e| self.refuse(end_entity, describe(&e), e))
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
mod tests {
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
}
