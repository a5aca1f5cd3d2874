//! The SOCKS5 transport of a session (XEP-0260 over XEP-0065): the file
//! goes over one TCP connection, straight between the two clients or
//! through the server's SOCKS5 proxy.
//!
//! Both sides offer candidates (our addresses with a listening port, and
//! the proxy found by disco), each tries the other's and reports
//! `candidate-used` or `candidate-error` in a `transport-info`; the rule
//! of `xmpp::jingle_s5b::select` then names the connection both use. A
//! proxy candidate is activated by the side that offered it. When no
//! candidate connects, the initiator replaces the transport with in-band
//! (`transport-replace`, XEP-0260 §3), which the responder accepts.

use std::net::IpAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio_xmpp::jid::Jid;
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::jingle::{Action, Jingle, Reason, Transport};

use super::report::S5bReport;
use super::{Actor, Report, Role, Sent, Stage};
use crate::account::transfers::Report as TransferReport;
use crate::account::wire::Wire;
use crate::api::{Direction, TransferState};
use crate::files::socks5::{self, Listener};
use crate::files::transfer::{OnProgress, TransferError};
use crate::xmpp::jingle_ft;
use crate::xmpp::jingle_s5b::{self, Candidate, Info, Kind, Selected};

/// How long one of the peer's candidates gets to connect.
const CONNECT: Duration = Duration::from_secs(5);
/// How long the peer gets to connect to our candidates.
const ACCEPT: Duration = Duration::from_secs(60);
/// Our direct candidates at most (one per address).
const MAX_OWN: usize = 8;
/// How much is read or written at a time.
const CHUNK: usize = 256 * 1024;

/// How this process offers SOCKS5, for testers (`PLAUSCH_JINGLE`):
/// `ibb` offers in-band only, `proxy` only the server's proxy, and
/// `unreachable` a candidate nobody can connect to (the fallback then).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::account) enum Offering {
    Everything,
    InBandOnly,
    ProxyOnly,
    Unreachable,
}

impl Default for Offering {
    fn default() -> Self {
        Offering::from_env()
    }
}

impl Offering {
    pub(super) fn from_env() -> Offering {
        match std::env::var("PLAUSCH_JINGLE").as_deref() {
            Ok("ibb") => Offering::InBandOnly,
            Ok("proxy") => Offering::ProxyOnly,
            Ok("unreachable") => Offering::Unreachable,
            _ => Offering::Everything,
        }
    }
}

/// A session's SOCKS5 state.
#[derive(Debug, Default)]
pub(super) struct S5b {
    /// The session goes over SOCKS5 (not, or no longer, in-band).
    pub active: bool,
    ours: Vec<Candidate>,
    theirs: Vec<Candidate>,
    /// What we reported: nothing yet, candidate-error (None) or the cid.
    we_used: Option<Option<String>>,
    they_used: Option<Option<String>>,
    /// Our connection to their candidate we used.
    outgoing: Option<TcpStream>,
    /// Their connection to our listener.
    incoming: Option<TcpStream>,
    /// The candidate both use, once known, and its connection.
    chosen: Option<Candidate>,
    ready: Option<TcpStream>,
    /// Waiting for the peer's `activated` of its proxy candidate.
    awaiting_activation: bool,
    /// The accepting and connecting tasks.
    tasks: Vec<tokio::task::AbortHandle>,
}

impl Drop for S5b {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

impl Actor {
    /// Whether `peer`'s client advertises SOCKS5 for Jingle.
    pub(super) fn takes_s5b(&self, peer: &Jid) -> bool {
        if self.jingle.offering == Offering::InBandOnly {
            return false;
        }
        let (bare, Some(resource)) = (peer.to_bare(), peer.resource()) else {
            return false;
        };
        self.caps
            .resources_with(&bare, &[jingle_s5b::NS])
            .iter()
            .any(|r| r.as_str() == resource.as_str())
    }

    /// The proxy's answer: its address, a candidate for our sessions.
    pub(super) fn on_streamhost(&mut self, answer: Option<Element>) {
        let host = answer
            .and_then(|a| jingle_s5b::streamhosts(&a).ok())
            .and_then(|hosts| hosts.into_iter().next());
        if let Some(h) = &host {
            tracing::info!(account = %self.id, proxy = %h.jid, host = %h.host, port = h.port, "SOCKS5 proxy found");
        }
        self.jingle.proxy = host;
    }

    /// A disco#info answer of one of the server's items: a SOCKS5 proxy
    /// is asked for its address.
    pub(in crate::account) async fn maybe_proxy(
        &mut self,
        jid: &Jid,
        info: &tokio_xmpp::parsers::disco::DiscoInfoResult,
        stream: &Wire,
    ) {
        if jingle_s5b::is_proxy(info) && self.jingle.proxy.is_none() {
            let request = jingle_s5b::streamhost_request();
            let id = uuid::Uuid::new_v4().to_string();
            let iq = tokio_xmpp::parsers::iq::Iq::Get {
                from: None,
                to: Some(jid.clone()),
                id: id.clone(),
                payload: request,
            };
            self.jingle
                .sent
                .insert(id, (String::new(), Sent::Streamhost));
            self.request(
                iq,
                crate::account::requests::Responder::Client(jid.clone()),
                crate::account::inbound::PendingIq::Jingle,
                stream,
            )
            .await;
        }
    }

    /// Our candidates for session `sid` (a listener on our addresses, the
    /// proxy), the listener waiting for the peer: our transport (with no
    /// candidate if we have none: the peer may still reach us through its
    /// own).
    pub(super) async fn our_s5b_transport(&mut self, sid: &str) -> Option<Transport> {
        let offering = self.jingle.offering;
        let proxy = self.jingle.proxy.clone();
        let own: Jid = self.full_jid.parse().ok()?;
        let session = self.jingle.by_sid.get(sid)?;
        let (stream_id, peer) = (session.offer.stream.clone(), session.peer.clone());
        let mut candidates = Vec::new();
        let mut task = None;
        if matches!(offering, Offering::Everything) {
            let mut addresses = socks5::local_addresses();
            addresses.truncate(MAX_OWN);
            match Listener::bind(&addresses).await {
                Ok(listener) => {
                    let hosts: Vec<String> =
                        listener.addresses().iter().map(IpAddr::to_string).collect();
                    candidates = jingle_s5b::direct_candidates(&hosts, listener.port(), &own);
                    let dstaddr = jingle_s5b::dstaddr(&stream_id, &own, &peer);
                    let tx = self.transfers.tx.clone();
                    let report_sid = sid.to_owned();
                    task = Some(tokio::spawn(async move {
                        let result = listener.accept_for(&dstaddr, ACCEPT).await;
                        let _ = tx.send(TransferReport::Jingle(Report::S5b {
                            sid: report_sid,
                            report: S5bReport::Incoming(result),
                        }));
                    }));
                }
                Err(e) => tracing::info!(account = %self.id, "no direct SOCKS5 candidates: {e}"),
            }
        }
        if offering == Offering::Unreachable {
            // A port that was free a moment ago: nothing listens there.
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .map(|a| a.port())
                .unwrap_or(9);
            candidates = jingle_s5b::direct_candidates(&["127.0.0.1".to_owned()], port, &own);
        }
        if matches!(offering, Offering::Everything | Offering::ProxyOnly)
            && let Some(proxy) = &proxy
        {
            candidates.push(proxy.candidate(0));
        }
        let session = self.jingle.by_sid.get_mut(sid)?;
        if let Some(task) = task {
            session.s5b.tasks.push(task.abort_handle());
        }
        session.s5b.active = true;
        session.s5b.ours = candidates.clone();
        Some(Transport::Socks5(jingle_s5b::offer(
            &stream_id,
            &candidates,
            &own,
            &peer,
        )))
    }

    /// The peer's candidates: we try them, best first, in a task.
    pub(super) fn try_their_candidates(&mut self, sid: &str, theirs: Vec<Candidate>) {
        let Ok(own) = self.full_jid.parse::<Jid>() else {
            return;
        };
        let Some(session) = self.jingle.by_sid.get_mut(sid) else {
            return;
        };
        let dstaddr = jingle_s5b::dstaddr(&session.offer.stream, &session.peer, &own);
        session.s5b.theirs = theirs.clone();
        let tx = self.transfers.tx.clone();
        let report_sid = sid.to_owned();
        let task = tokio::spawn(async move {
            let mut used = None;
            for c in theirs {
                match socks5::connect(&c.host, c.port, &dstaddr, CONNECT).await {
                    Ok(conn) => {
                        used = Some((c.cid.clone(), conn));
                        break;
                    }
                    Err(e) => {
                        tracing::debug!(host = %c.host, port = c.port, "candidate failed: {e}")
                    }
                }
            }
            let _ = tx.send(TransferReport::Jingle(Report::S5b {
                sid: report_sid,
                report: S5bReport::Outgoing(used),
            }));
        });
        session.s5b.tasks.push(task.abort_handle());
    }

    pub(super) async fn on_s5b_report(&mut self, sid: &str, report: S5bReport, stream: &Wire) {
        let Some(session) = self.jingle.by_sid.get_mut(sid) else {
            return;
        };
        match report {
            S5bReport::Incoming(Ok(conn)) => {
                session.s5b.incoming = Some(conn);
                self.s5b_proceed(sid, stream).await;
            }
            S5bReport::Incoming(Err(e)) => {
                tracing::debug!(account = %self.id, %sid, "nobody connected to us: {e}");
                // The peer said it used one of our direct candidates, but
                // its connection never came: in-band instead.
                let waiting = session.s5b.ready.is_none()
                    && session.s5b.chosen.is_none()
                    && session.s5b.they_used.as_ref().is_some_and(Option::is_some);
                if waiting {
                    self.s5b_fall_back(sid, stream).await;
                }
            }
            S5bReport::Outgoing(used) => {
                let cid = used.as_ref().map(|(cid, _)| cid.clone());
                session.s5b.outgoing = used.map(|(_, conn)| conn);
                session.s5b.we_used = Some(cid.clone());
                let stream_id = session.offer.stream.clone();
                let info = match &cid {
                    Some(cid) => jingle_s5b::candidate_used(&stream_id, cid),
                    None => jingle_s5b::candidate_error(&stream_id),
                };
                self.send_transport(sid, Action::TransportInfo, Transport::Socks5(info), stream)
                    .await;
                self.s5b_proceed(sid, stream).await;
            }
            S5bReport::Proxy(Ok(conn)) => {
                let Some(chosen) = session.s5b.chosen.clone() else {
                    return;
                };
                session.s5b.ready = Some(conn);
                let activate = jingle_s5b::activate(&session.offer.stream, &session.peer);
                let id = uuid::Uuid::new_v4().to_string();
                let iq = tokio_xmpp::parsers::iq::Iq::Set {
                    from: None,
                    to: Some(chosen.jid.clone()),
                    id: id.clone(),
                    payload: activate,
                };
                self.jingle
                    .sent
                    .insert(id, (sid.to_owned(), Sent::Activate));
                self.request(
                    iq,
                    crate::account::requests::Responder::Client(chosen.jid.clone()),
                    crate::account::inbound::PendingIq::Jingle,
                    stream,
                )
                .await;
            }
            S5bReport::Proxy(Err(e)) => {
                tracing::info!(account = %self.id, %sid, "our proxy cannot be reached: {e}");
                let stream_id = session.offer.stream.clone();
                let error = jingle_s5b::proxy_error(&stream_id);
                self.send_transport(sid, Action::TransportInfo, Transport::Socks5(error), stream)
                    .await;
                self.s5b_fall_back(sid, stream).await;
            }
            S5bReport::Sent(Ok(_)) => {
                session.stage = Stage::Sent;
            }
            S5bReport::Sent(Err(e)) => {
                let error = e.to_string();
                self.end_session(
                    sid,
                    Reason::ConnectivityError,
                    TransferState::Failed,
                    Some(&error),
                    Some(stream),
                )
                .await;
            }
        }
    }

    /// The proxy confirmed its activation: the peer is told, the bytes go.
    pub(super) async fn s5b_activated(&mut self, sid: &str, stream: &Wire) {
        let Some(session) = self.jingle.by_sid.get(sid) else {
            return;
        };
        let Some(chosen) = &session.s5b.chosen else {
            return;
        };
        let info = jingle_s5b::activated(&session.offer.stream, &chosen.cid);
        self.send_transport(sid, Action::TransportInfo, Transport::Socks5(info), stream)
            .await;
        self.s5b_start(sid);
    }

    /// A transport action of ours for the session's content.
    pub(super) async fn send_transport(
        &mut self,
        sid: &str,
        action: Action,
        transport: Transport,
        stream: &Wire,
    ) {
        let Some(session) = self.jingle.by_sid.get(sid) else {
            return;
        };
        let peer = session.peer.clone();
        let jingle = jingle_ft::content_action(action, sid, &session.offer.content, transport);
        self.send_jingle(sid, &peer, jingle, stream).await;
    }

    /// A `transport-info` from the peer about SOCKS5.
    pub(super) async fn on_transport_info(&mut self, sid: &str, jingle: &Jingle, stream: &Wire) {
        let Some(t) = jingle_s5b::transport_of(jingle) else {
            return;
        };
        let Ok(info) = jingle_s5b::read(t) else {
            return;
        };
        let Some(session) = self.jingle.by_sid.get_mut(sid) else {
            return;
        };
        match info.info {
            Info::CandidateUsed(cid) => {
                if jingle_s5b::by_cid(&session.s5b.ours, &cid).is_some() {
                    session.s5b.they_used = Some(Some(cid));
                } else {
                    session.s5b.they_used = Some(None);
                }
            }
            Info::CandidateError => session.s5b.they_used = Some(None),
            Info::Activated(cid) => {
                let ours = session.s5b.chosen.as_ref().is_some_and(|c| c.cid == cid);
                if session.s5b.awaiting_activation && ours {
                    session.s5b.awaiting_activation = false;
                    return self.s5b_start(sid);
                }
                return;
            }
            Info::ProxyError => return self.s5b_fall_back(sid, stream).await,
            Info::Candidates(more) => {
                // Candidates sent later (trickled): tried like the first.
                if session.s5b.we_used.is_none() && session.s5b.theirs.is_empty() {
                    self.try_their_candidates(sid, more);
                }
                return;
            }
        }
        self.s5b_proceed(sid, stream).await;
    }

    /// Once both sides reported: the connection both use, or the fallback.
    async fn s5b_proceed(&mut self, sid: &str, stream: &Wire) {
        let Some(session) = self.jingle.by_sid.get_mut(sid) else {
            return;
        };
        let s = &mut session.s5b;
        if !s.active || s.ready.is_some() || s.awaiting_activation {
            return;
        }
        let (Some(we_used), Some(they_used)) = (&s.we_used, &s.they_used) else {
            return;
        };
        let theirs = we_used
            .as_deref()
            .and_then(|cid| jingle_s5b::by_cid(&s.theirs, cid));
        let ours = they_used
            .as_deref()
            .and_then(|cid| jingle_s5b::by_cid(&s.ours, cid));
        let we_initiated = matches!(session.role, Role::Sending { .. });
        match jingle_s5b::select(theirs, ours, we_initiated) {
            Selected::Fallback => self.s5b_fall_back(sid, stream).await,
            Selected::Theirs(c) => {
                let c = c.clone();
                s.ready = s.outgoing.take();
                s.awaiting_activation = c.kind == Kind::Proxy;
                s.chosen = Some(c);
                if !s.awaiting_activation {
                    self.s5b_start(sid);
                }
            }
            Selected::Ours(c) if c.kind == Kind::Proxy => {
                // Ours to activate: we connect to it ourselves first.
                let c = c.clone();
                s.chosen = Some(c.clone());
                let Ok(own) = self.full_jid.parse::<Jid>() else {
                    return;
                };
                let dstaddr = jingle_s5b::dstaddr(&session.offer.stream, &own, &session.peer);
                let tx = self.transfers.tx.clone();
                let report_sid = sid.to_owned();
                let task = tokio::spawn(async move {
                    let result = socks5::connect(&c.host, c.port, &dstaddr, CONNECT).await;
                    let _ = tx.send(TransferReport::Jingle(Report::S5b {
                        sid: report_sid,
                        report: S5bReport::Proxy(result),
                    }));
                });
                s.tasks.push(task.abort_handle());
            }
            Selected::Ours(c) => {
                // Their connection to our listener (it may still be on
                // its way: then its report comes back here).
                let c = c.clone();
                if let Some(conn) = s.incoming.take() {
                    s.ready = Some(conn);
                    s.chosen = Some(c);
                    self.s5b_start(sid);
                }
            }
        }
    }

    /// No SOCKS5 connection: in-band instead. The initiator proposes it;
    /// the responder waits for that.
    async fn s5b_fall_back(&mut self, sid: &str, stream: &Wire) {
        let Some(session) = self.jingle.by_sid.get_mut(sid) else {
            return;
        };
        if !session.s5b.active {
            return;
        }
        tracing::info!(account = %self.id, %sid, "no SOCKS5 connection; falling back to in-band");
        session.s5b = S5b::default();
        if matches!(session.role, Role::Sending { .. }) {
            let transport = jingle_ft::ibb_transport(&session.offer.stream, jingle_ft::MAX_BLOCK);
            self.send_transport(sid, Action::TransportReplace, transport, stream)
                .await;
        }
    }

    /// The connection is ready: the sender streams the file into it, the
    /// receiver hands what comes to the writer.
    fn s5b_start(&mut self, sid: &str) {
        let Some(session) = self.jingle.by_sid.get_mut(sid) else {
            return;
        };
        let Some(conn) = session.s5b.ready.take() else {
            return;
        };
        let size = session.offer.file.size;
        let message = session.message.clone();
        let tx = self.transfers.tx.clone();
        let report_sid = sid.to_owned();
        match &session.role {
            Role::Sending { source } => {
                let source = source.clone();
                let progress = self.transfers.progress(&message);
                let task = tokio::spawn(async move {
                    let result = send_over(conn, &source, size, progress).await;
                    let _ = tx.send(TransferReport::Jingle(Report::S5b {
                        sid: report_sid,
                        report: S5bReport::Sent(result),
                    }));
                });
                self.transfers
                    .track(&message, task.abort_handle(), Direction::Out, Some(size));
                self.set_file_state(&message, Direction::Out, TransferState::Uploading, 0, None);
            }
            Role::Receiving => {
                let Some(writer) = session.ibb.writer_for_s5b() else {
                    return;
                };
                let task = tokio::spawn(receive_over(conn, size, writer));
                session.s5b.tasks.push(task.abort_handle());
            }
        }
        tracing::info!(account = %self.id, %sid, "SOCKS5 connection ready");
    }

    /// The peer's `transport-replace` (the fallback to in-band): accepted
    /// with the same stream, whose blocks then come.
    pub(super) async fn on_transport_replace(&mut self, sid: &str, jingle: &Jingle, stream: &Wire) {
        let Some((stream_id, block_size)) = jingle_ft::ibb_of(jingle) else {
            return self
                .end_session(
                    sid,
                    Reason::UnsupportedTransports,
                    TransferState::Failed,
                    Some("the contact's client proposed an unusable transport"),
                    Some(stream),
                )
                .await;
        };
        let Some(session) = self.jingle.by_sid.get_mut(sid) else {
            return;
        };
        session.s5b = S5b::default();
        session.offer.stream = stream_id.clone();
        session.offer.block_size = block_size;
        session.ibb.agree(&stream_id, block_size);
        let transport = jingle_ft::ibb_transport(&stream_id, block_size);
        self.send_transport(sid, Action::TransportAccept, transport, stream)
            .await;
    }
}

/// Streams `source` into `conn`: every byte of the offered size.
async fn send_over(
    mut conn: TcpStream,
    source: &std::path::Path,
    size: u64,
    progress: OnProgress,
) -> Result<u64, TransferError> {
    let read_err = |e| TransferError::Read {
        path: source.to_owned(),
        source: e,
    };
    let net = |e: std::io::Error| TransferError::Network(e.to_string());
    let mut file = tokio::fs::File::open(source).await.map_err(read_err)?;
    let mut buf = vec![0u8; CHUNK];
    let mut sent = 0u64;
    while sent < size {
        let want = usize::try_from(size - sent).unwrap_or(CHUNK).min(CHUNK);
        let n = file.read(&mut buf[..want]).await.map_err(read_err)?;
        if n == 0 {
            return Err(TransferError::Changed { sent, size });
        }
        conn.write_all(&buf[..n]).await.map_err(net)?;
        sent += n as u64;
        progress(sent);
    }
    conn.flush().await.map_err(net)?;
    // The receiver closes when it has everything; wait for that so the
    // last bytes are not cut off by our close.
    let mut rest = [0u8; 1];
    let _ = tokio::time::timeout(Duration::from_secs(30), conn.read(&mut rest)).await;
    Ok(sent)
}

/// Hands what comes over `conn` to the writer, up to `size` bytes.
async fn receive_over(mut conn: TcpStream, size: u64, writer: mpsc::Sender<Vec<u8>>) {
    let mut left = size;
    while left > 0 {
        let want = usize::try_from(left).unwrap_or(CHUNK).min(CHUNK);
        let mut buf = vec![0u8; want];
        match conn.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                buf.truncate(n);
                left -= n as u64;
                if writer.send(buf).await.is_err() {
                    break;
                }
            }
        }
    }
    // Dropping the writer's inbox ends the file (complete or not).
    let _ = conn.shutdown().await;
}
