//! Opening one authenticated XMPP stream: TCP, STARTTLS or direct TLS with our
//! own certificate checks, SASL. Resource binding and XEP-0198 are done by
//! tokio-xmpp's `StanzaStream`, which calls this on every (re)connect.

use std::borrow::Cow;
use std::io;
use std::sync::Arc;

use futures::{SinkExt, StreamExt};
use sasl::common::{ChannelBinding, Credentials};
use tokio::io::BufStream;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;
use tokio_rustls::rustls::{ClientConfig, ProtocolVersion, pki_types::ServerName};
use tokio_xmpp::connect::DnsConfig;
use tokio_xmpp::jid::{BareJid, Jid};
use tokio_xmpp::parsers::{ns, starttls};
use tokio_xmpp::stanzastream::Connection;
use tokio_xmpp::xmlstream::{
    FallibleStreamElement, PendingFeaturesRecv, ReadError, StreamHeader, Timeouts,
    XmppStreamElement, initiate_stream,
};

use super::depth_limit::DepthLimited;
use super::link::{Link, LinkControl};
use crate::api::{CertInfo, TlsMode};

/// How to reach the server of one account.
#[derive(Debug, Clone)]
pub struct Endpoint {
    pub jid: BareJid,
    pub resource: Option<String>,
    pub host: Option<String>,
    pub port: Option<u16>,
    pub tls: TlsMode,
}

/// Why a connection attempt failed; decides whether to retry.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// Wrong credentials: retrying would only lock the account.
    #[error("authentication failed: {0}")]
    Auth(String),
    /// The server's certificate was refused.
    #[error("certificate not trusted: {}", .0.reason)]
    CertUntrusted(Box<CertInfo>),
    /// The server offers no TLS; we never talk in plain text.
    #[error("the server does not offer TLS")]
    NoTls,
    /// The account's TLS settings are unusable (e.g. unreadable CA file).
    #[error("{0}")]
    Setup(String),
    /// Anything else (network, DNS, protocol): worth retrying.
    #[error("{0}")]
    Transient(String),
}

impl ConnectError {
    pub fn is_fatal(&self) -> bool {
        !matches!(self, ConnectError::Transient(_))
    }
}

/// Timeouts of the XML stream. After `read_timeout` of silence tokio-xmpp
/// probes the server (XEP-0198 `<r/>`, else a XEP-0199 ping) and gives the
/// connection up if no answer comes within `response_timeout`: a dead
/// connection is noticed within 45 s.
pub fn timeouts() -> Timeouts {
    Timeouts {
        read_timeout: std::time::Duration::from_secs(30),
        response_timeout: std::time::Duration::from_secs(15),
    }
}

fn transient(e: impl std::fmt::Display) -> ConnectError {
    ConnectError::Transient(e.to_string())
}

pub type Stream = BufStream<Link<DepthLimited<TlsStream<TcpStream>>>>;

/// A TLS-secured stream before authentication, with the server's features.
pub struct SecureStream {
    pub features: tokio_xmpp::parsers::stream_features::StreamFeatures,
    pub stream: tokio_xmpp::xmlstream::XmlStream<Stream, FallibleStreamElement>,
    /// What SCRAM-PLUS binds to (servers that offer -PLUS refuse a client
    /// that could bind but does not: downgrade protection).
    pub binding: ChannelBinding,
}

/// Opens, secures and authenticates a stream. `failure` is where the
/// certificate verifier of `tls` reports a refusal.
pub async fn connect(
    endpoint: &Endpoint,
    password: &str,
    tls: Arc<ClientConfig>,
    failure: &super::tls::FailureSlot,
    link: &Arc<LinkControl>,
) -> Result<Connection, ConnectError> {
    let SecureStream {
        features,
        stream,
        binding,
    } = open_secure(endpoint, tls, failure, link).await?;
    let node = endpoint
        .jid
        .node()
        .map(|n| n.as_str().to_owned())
        .unwrap_or_default();
    let creds = Credentials::default()
        .with_username(node)
        .with_password(password.to_owned())
        .with_channel_binding(binding);
    let stream = tokio_xmpp::client_login(stream, features.sasl_mechanisms, creds)
        .await
        .map_err(|e| match e {
            tokio_xmpp::Error::Auth(a) => ConnectError::Auth(auth_failure(&a)),
            other => transient(other),
        })?;
    let (features, stream) = stream
        .send_header(stream_header(endpoint, false))
        .await
        .map_err(transient)?
        .recv_features()
        .await
        .map_err(transient)?;
    let identity: Jid = match &endpoint.resource {
        Some(r) => endpoint
            .jid
            .with_resource_str(r)
            .map(Jid::from)
            .unwrap_or_else(|_| endpoint.jid.clone().into()),
        None => endpoint.jid.clone().into(),
    };
    Ok(Connection {
        stream: stream.box_stream(),
        features,
        identity,
    })
}

/// Why the login failed, in plain words (never the SASL condition's Rust name).
fn auth_failure(e: &tokio_xmpp::error::AuthError) -> String {
    use tokio_xmpp::error::AuthError as A;
    use tokio_xmpp::parsers::sasl::DefinedCondition as C;
    match e {
        A::Fail(C::NotAuthorized) => "the server refused the user name or password".into(),
        A::Fail(C::AccountDisabled) => "the account is disabled on the server".into(),
        A::Fail(C::CredentialsExpired) => "the password has expired".into(),
        A::Fail(C::TemporaryAuthFailure) => "the server could not check the login just now".into(),
        A::Fail(C::EncryptionRequired | C::MechanismTooWeak) => {
            "the server wants a stronger login method".into()
        }
        A::Fail(_) => "the server refused the login".into(),
        A::NoMechanism => "the server offers no login method Plausch supports".into(),
        A::Sasl(_) | A::ComponentFail => "the login failed".into(),
    }
}

fn stream_header(endpoint: &Endpoint, from: bool) -> StreamHeader<'static> {
    StreamHeader {
        to: Some(Cow::Owned(endpoint.jid.domain().as_str().to_owned())),
        from: from.then(|| Cow::Owned(endpoint.jid.to_string())),
        id: None,
    }
}

/// TCP, then STARTTLS or direct TLS with our certificate checks; the stream
/// is open and its features read, nothing is authenticated yet (in-band
/// registration starts here).
pub async fn open_secure(
    endpoint: &Endpoint,
    tls: Arc<ClientConfig>,
    failure: &super::tls::FailureSlot,
    link: &Arc<LinkControl>,
) -> Result<SecureStream, ConnectError> {
    let domain = endpoint.jid.domain().as_str().to_owned();
    let (tcp, tls_mode) = resolve(endpoint, &domain).await?;
    // Stanzas are written whole (a buffered stream flushes each): Nagle's
    // algorithm only holds small ones back for the peer's delayed ACK
    // (up to 40 ms each: receipts, IQ answers, in-band file blocks' acks).
    if let Err(e) = tcp.set_nodelay(true) {
        tracing::debug!("TCP_NODELAY not set: {e}");
    }
    let (local, server) = (tcp.local_addr().ok().map(|a| a.ip()), tcp.peer_addr().ok());
    let header = |from: bool| stream_header(endpoint, from);
    let tls_result = match tls_mode {
        TlsMode::Direct => handshake(tcp, &domain, tls).await,
        TlsMode::Starttls => {
            let plain = initiate_stream(
                BufStream::new(DepthLimited::new(tcp)),
                ns::JABBER_CLIENT,
                header(false),
                timeouts(),
            )
            .await
            .map_err(transient)?;
            let (features, mut plain) = plain.recv_features().await.map_err(transient)?;
            if !features.can_starttls() {
                return Err(ConnectError::NoTls);
            }
            plain
                .send(&XmppStreamElement::Starttls(starttls::Nonza::Request(
                    starttls::Request,
                )))
                .await
                .map_err(transient)?;
            loop {
                let next: Option<Result<XmppStreamElement, ReadError>> = plain
                    .next()
                    .await
                    .map(|v| v.and_then(FallibleStreamElement::into_read_error));
                match next {
                    Some(Ok(XmppStreamElement::Starttls(starttls::Nonza::Proceed(_)))) => break,
                    Some(Ok(XmppStreamElement::Starttls(starttls::Nonza::Failure(_)))) => {
                        return Err(transient("the server refused STARTTLS"));
                    }
                    Some(Ok(_)) | Some(Err(ReadError::SoftTimeout)) => {}
                    Some(Err(e)) => return Err(transient(starttls_failure(&e))),
                    None => return Err(transient("connection closed during STARTTLS")),
                }
            }
            handshake(plain.into_inner().into_inner().into_inner(), &domain, tls).await
        }
    };
    let (tls_stream, binding) = match tls_result {
        Ok(ok) => ok,
        Err(e) => {
            let refused = failure.lock().ok().and_then(|mut s| s.take());
            return Err(match refused {
                Some(info) => ConnectError::CertUntrusted(Box::new(info)),
                None => transient(format!(
                    "TLS handshake failed: {}",
                    super::tls::handshake_failure(&e)
                )),
            });
        }
    };
    link.set_tls(tls_info(&tls_stream));
    let pending: PendingFeaturesRecv<Stream> = initiate_stream(
        BufStream::new(link.link(DepthLimited::new(tls_stream), local, server)),
        ns::JABBER_CLIENT,
        header(tls_mode == TlsMode::Direct),
        timeouts(),
    )
    .await
    .map_err(transient)?;
    let (features, stream) = pending.recv_features().await.map_err(transient)?;
    Ok(SecureStream {
        features,
        stream,
        binding,
    })
}

/// Why STARTTLS failed, in plain words.
fn starttls_failure(e: &ReadError) -> String {
    match e {
        ReadError::HardError(e) => format!("STARTTLS failed: {e}"),
        ReadError::ParseError(e) => {
            format!("STARTTLS failed: the server's answer is not valid XMPP ({e})")
        }
        ReadError::SoftTimeout => "STARTTLS failed: the server did not answer".into(),
        ReadError::StreamFooterReceived => "STARTTLS failed: the server closed the stream".into(),
    }
}

/// The TCP connection and the TLS mode to use on it. A host set by the user
/// is taken as it is; otherwise SRV records decide (XEP-0368: direct TLS
/// targets first, then STARTTLS ones), unless the user asked for direct TLS
/// only.
async fn resolve(endpoint: &Endpoint, domain: &str) -> Result<(TcpStream, TlsMode), ConnectError> {
    let unreachable = |e: &dyn std::fmt::Display| transient(format!("cannot reach {domain}: {e}"));
    match (&endpoint.host, endpoint.tls) {
        (Some(host), tls) => {
            let default = if tls == TlsMode::Direct { 5223 } else { 5222 };
            let tcp = DnsConfig::no_srv(host, endpoint.port.unwrap_or(default))
                .resolve()
                .await
                .map_err(|e| unreachable(&e))?;
            Ok((tcp, tls))
        }
        (None, TlsMode::Direct) => {
            let tcp = DnsConfig::srv_xmpps(domain)
                .resolve()
                .await
                .map_err(|e| unreachable(&e))?;
            Ok((tcp, TlsMode::Direct))
        }
        (None, TlsMode::Starttls) => {
            let mut last = String::from("no address");
            for target in super::srv::targets(domain).await {
                match DnsConfig::no_srv(&target.host, target.port).resolve().await {
                    Ok(tcp) => return Ok((tcp, target.tls)),
                    Err(e) => {
                        tracing::debug!(host = target.host, port = target.port, "{e}");
                        last = e.to_string();
                    }
                }
            }
            Err(unreachable(&last))
        }
    }
}

async fn handshake(
    tcp: TcpStream,
    domain: &str,
    config: Arc<ClientConfig>,
) -> Result<(TlsStream<TcpStream>, ChannelBinding), io::Error> {
    let name = ServerName::try_from(domain.to_owned())
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
    let stream = TlsConnector::from(config).connect(name, tcp).await?;
    let (_, conn) = stream.get_ref();
    // RFC 9266 tls-exporter binding keeps SCRAM-PLUS possible (TLS 1.3 only).
    let binding = match conn.protocol_version() {
        Some(ProtocolVersion::TLSv1_3) => conn
            .export_keying_material(vec![0u8; 32], b"EXPORTER-Channel-Binding", None)
            .map(ChannelBinding::TlsExporter)
            .unwrap_or(ChannelBinding::None),
        _ => ChannelBinding::None,
    };
    Ok((stream, binding))
}

/// Version, cipher suite and certificate chain of a TLS session.
fn tls_info(stream: &TlsStream<TcpStream>) -> crate::api::TlsInfo {
    let (_, conn) = stream.get_ref();
    crate::api::TlsInfo {
        version: conn
            .protocol_version()
            .map(|v| format!("{v:?}"))
            .unwrap_or_default(),
        cipher: conn
            .negotiated_cipher_suite()
            .map(|c| format!("{:?}", c.suite()))
            .unwrap_or_default(),
        chain: conn
            .peer_certificates()
            .unwrap_or_default()
            .iter()
            .map(|c| super::tls::cert_info(c.as_ref(), None))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::tls::tests::assert_plain;

    #[test]
    fn starttls_failures_are_plain_words() {
        for e in [
            ReadError::HardError(io::Error::from(io::ErrorKind::ConnectionReset)),
            ReadError::SoftTimeout,
            ReadError::StreamFooterReceived,
        ] {
            assert_plain(&starttls_failure(&e));
        }
    }

    /// Prosody answers a resumption of a session it has forgotten with a `<failed/>`
    /// without `h`. The xmpp-parsers release refuses that element, and tokio-xmpp then
    /// retries the resumption every few milliseconds for ever; Plausch builds against the
    /// patched copy in `vendor/xmpp-parsers`.
    #[test]
    fn a_failed_resumption_without_h_is_understood() {
        let elem: tokio_xmpp::minidom::Element = "<failed xmlns='urn:xmpp:sm:3'><item-not-found \
                             xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></failed>"
            .parse()
            .unwrap();
        let failed = tokio_xmpp::parsers::sm::Failed::try_from(elem).unwrap();
        assert_eq!(failed.h, None);
    }
}
