//! SOCKS5 connections for Jingle bytestreams (XEP-0260 over XEP-0065):
//! connecting to a peer's or a proxy's candidate ([`connect`]), and
//! listening for the peer on our direct candidates ([`Listener`]). The
//! protocol side (candidates, DST.ADDR, which candidate wins) is
//! `xmpp::jingle_s5b`.
//!
//! XEP-0065 uses a fixed corner of SOCKS5 (RFC 1928): no authentication,
//! CONNECT to a domain-name address that is the hex SHA-1 DST.ADDR of the
//! stream, port 0. Nothing else is accepted. Every read is of a few bytes
//! at most 255 long and every wait has a deadline, so a peer sending
//! garbage or nothing costs a small buffer and a little time.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use futures::stream::{FuturesUnordered, StreamExt};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::Instant;

/// SOCKS protocol version 5.
const VERSION: u8 = 5;
/// Method "no authentication required".
const NO_AUTH: u8 = 0;
/// Method "no acceptable methods".
const NO_METHOD: u8 = 0xff;
const CMD_CONNECT: u8 = 1;
const ATYP_DOMAIN: u8 = 3;
const REP_SUCCEEDED: u8 = 0;
const REP_HOST_UNREACHABLE: u8 = 4;
const REP_COMMAND_NOT_SUPPORTED: u8 = 7;
const REP_ADDRESS_TYPE_NOT_SUPPORTED: u8 = 8;

/// How long one incoming connection may take for its handshake: a silent
/// one must not hold its slot until the whole wait ends.
const HANDSHAKE_LIMIT: Duration = Duration::from_secs(10);
/// Incoming connections in their handshake at once; more wait in the
/// system's accept queue.
const MAX_PENDING: usize = 16;
/// The listen backlog of each socket.
const BACKLOG: i32 = 16;

/// Why a SOCKS5 connection did not come about.
#[derive(Debug, thiserror::Error)]
pub enum Socks5Error {
    #[error("timed out")]
    Timeout,
    #[error("cannot connect to {host} port {port}: {source}")]
    Connect {
        host: String,
        port: u16,
        #[source]
        source: io::Error,
    },
    #[error("the SOCKS5 server refused: {0}")]
    Refused(#[source] tokio_socks::Error),
    #[error("the SOCKS5 peer broke the protocol: {0}")]
    Protocol(&'static str),
    #[error("the SOCKS5 peer asked for another stream")]
    OtherStream,
    #[error("a DST.ADDR must be 1 to 255 bytes")]
    BadDstAddr,
    #[error("cannot listen: {0}")]
    Bind(#[source] io::Error),
    #[error("network error: {0}")]
    Io(#[from] io::Error),
}

impl From<tokio_socks::Error> for Socks5Error {
    fn from(e: tokio_socks::Error) -> Socks5Error {
        match e {
            tokio_socks::Error::Io(e) => Socks5Error::Io(e),
            other => Socks5Error::Refused(other),
        }
    }
}

fn check_dstaddr(dstaddr: &str) -> Result<(), Socks5Error> {
    match dstaddr.len() {
        1..=255 => Ok(()),
        _ => Err(Socks5Error::BadDstAddr),
    }
}

/// Connects to the SOCKS5 server at `host` (an IP address or a name) and
/// `port`, and asks it for stream `dstaddr` (XEP-0065 §5.3.2: CONNECT,
/// domain-name address, port 0). All of it within `limit`. The stream is
/// ready for the file's bytes once the proxy (if it is one) is activated.
pub async fn connect(
    host: &str,
    port: u16,
    dstaddr: &str,
    limit: Duration,
) -> Result<TcpStream, Socks5Error> {
    check_dstaddr(dstaddr)?;
    // IPv6 literals may come in brackets (URL style); the resolver takes them bare.
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    let attempt = async {
        let tcp =
            TcpStream::connect((host, port))
                .await
                .map_err(|source| Socks5Error::Connect {
                    host: host.to_owned(),
                    port,
                    source,
                })?;
        let socks = tokio_socks::tcp::Socks5Stream::connect_with_socket(tcp, (dstaddr, 0)).await?;
        Ok(socks.into_inner())
    };
    let result = tokio::time::timeout(limit, attempt)
        .await
        .unwrap_or(Err(Socks5Error::Timeout));
    match &result {
        Ok(_) => tracing::debug!(host, port, "SOCKS5 connected"),
        Err(e) => tracing::debug!(host, port, "SOCKS5 connection failed: {e}"),
    }
    result
}

/// Our direct candidates' listening sockets: one port, on each of the
/// addresses we offer.
#[derive(Debug)]
pub struct Listener {
    sockets: Vec<TcpListener>,
    port: u16,
}

impl Listener {
    /// Listens on an ephemeral port on each of `addrs`, the same port on
    /// all (an address where that port is taken is left out: see
    /// [`Listener::addresses`]); on 0.0.0.0 and [::] if `addrs` is empty.
    pub async fn bind(addrs: &[IpAddr]) -> Result<Listener, Socks5Error> {
        let wildcards = [
            IpAddr::V4(Ipv4Addr::UNSPECIFIED),
            IpAddr::V6(Ipv6Addr::UNSPECIFIED),
        ];
        let addrs = if addrs.is_empty() { &wildcards } else { addrs };
        let mut sockets = Vec::new();
        let mut port = 0;
        let mut last_error = None;
        for ip in addrs {
            match bind_one(*ip, port) {
                Ok(socket) => {
                    if port == 0 {
                        port = socket.local_addr().map_err(Socks5Error::Bind)?.port();
                    }
                    sockets.push(socket);
                }
                Err(e) => {
                    tracing::debug!(%ip, port, "not listening there: {e}");
                    last_error = Some(e);
                }
            }
        }
        if sockets.is_empty() {
            return Err(Socks5Error::Bind(last_error.unwrap_or_else(|| {
                io::Error::new(io::ErrorKind::AddrNotAvailable, "no address to listen on")
            })));
        }
        tracing::debug!(port, sockets = sockets.len(), "SOCKS5 listener ready");
        Ok(Listener { sockets, port })
    }

    /// The port our direct candidates name.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The addresses actually listened on (the wildcards if bound to them).
    pub fn addresses(&self) -> Vec<IpAddr> {
        self.sockets
            .iter()
            .filter_map(|s| s.local_addr().ok())
            .map(|a| a.ip())
            .collect()
    }

    /// Waits up to `limit` for the peer to connect and ask for stream
    /// `dstaddr`, answers it with success and returns the connection (its
    /// `local_addr()` tells which of our candidates the peer used). Other
    /// connections (another stream, not SOCKS5, too slow) are refused or
    /// dropped, and the wait goes on. Called again, it waits for the next.
    pub async fn accept_for(
        &self,
        dstaddr: &str,
        limit: Duration,
    ) -> Result<TcpStream, Socks5Error> {
        check_dstaddr(dstaddr)?;
        let deadline = Instant::now() + limit;
        let mut pending = FuturesUnordered::new();
        loop {
            tokio::select! {
                () = tokio::time::sleep_until(deadline) => return Err(Socks5Error::Timeout),
                accepted = accept_any(&self.sockets), if pending.len() < MAX_PENDING => match accepted {
                    Ok((stream, peer)) => {
                        tracing::debug!(%peer, "SOCKS5 connection");
                        pending.push(handshake(stream, peer, dstaddr));
                    }
                    Err(e) => {
                        // E.g. out of file descriptors: do not spin on it.
                        tracing::debug!("SOCKS5 accept failed: {e}");
                        let pause = Instant::now() + Duration::from_millis(100);
                        tokio::time::sleep_until(pause.min(deadline)).await;
                    }
                },
                Some((result, peer)) = pending.next() => match result {
                    Ok(mut stream) => {
                        // The one success reply: only the returned stream gets it.
                        match stream.write_all(&reply(REP_SUCCEEDED, dstaddr)).await {
                            Ok(()) => {
                                tracing::debug!(%peer, "SOCKS5 stream accepted");
                                return Ok(stream);
                            }
                            Err(e) => tracing::debug!(%peer, "SOCKS5 peer gone: {e}"),
                        }
                    }
                    Err(e) => tracing::debug!(%peer, "SOCKS5 connection refused: {e}"),
                },
            }
        }
    }
}

/// A listening socket on `ip`, port `port` (0: any). IPv6 sockets are
/// IPv6 only, so [::] and 0.0.0.0 can share a port on every system.
fn bind_one(ip: IpAddr, port: u16) -> io::Result<TcpListener> {
    use socket2::{Domain, Protocol, Socket, Type};
    let addr = SocketAddr::new(ip, port);
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    if ip.is_ipv6() {
        socket.set_only_v6(true)?;
    }
    socket.set_nonblocking(true)?;
    socket.bind(&addr.into())?;
    socket.listen(BACKLOG)?;
    TcpListener::from_std(socket.into())
}

/// The next connection on any of `sockets`.
async fn accept_any(sockets: &[TcpListener]) -> io::Result<(TcpStream, SocketAddr)> {
    if sockets.is_empty() {
        return Err(io::Error::new(io::ErrorKind::NotConnected, "no socket"));
    }
    let accepts = sockets.iter().map(|s| Box::pin(s.accept()));
    futures::future::select_all(accepts).await.0
}

/// A SOCKS5 reply: `rep`, and the bound address XEP-0065 asks for (the
/// DST.ADDR, port 0). Failures carry 0.0.0.0:0.
fn reply(rep: u8, dstaddr: &str) -> Vec<u8> {
    if rep != REP_SUCCEEDED {
        return vec![VERSION, rep, 0, 1, 0, 0, 0, 0, 0, 0];
    }
    let addr = dstaddr.as_bytes();
    let mut out = vec![VERSION, rep, 0, ATYP_DOMAIN];
    out.push(u8::try_from(addr.len()).unwrap_or(u8::MAX));
    out.extend_from_slice(&addr[..addr.len().min(255)]);
    out.extend_from_slice(&[0, 0]);
    out
}

/// The server side of one connection's handshake up to (not including)
/// the success reply, within [`HANDSHAKE_LIMIT`].
async fn handshake(
    stream: TcpStream,
    peer: SocketAddr,
    expected: &str,
) -> (Result<TcpStream, Socks5Error>, SocketAddr) {
    let result = tokio::time::timeout(HANDSHAKE_LIMIT, serve(stream, expected))
        .await
        .unwrap_or(Err(Socks5Error::Timeout));
    (result, peer)
}

async fn serve(mut s: TcpStream, expected: &str) -> Result<TcpStream, Socks5Error> {
    // Greeting: VER, NMETHODS, METHODS.
    let mut head = [0u8; 2];
    s.read_exact(&mut head).await?;
    if head[0] != VERSION {
        return Err(Socks5Error::Protocol("not SOCKS5"));
    }
    let mut methods = [0u8; 255];
    let methods = &mut methods[..usize::from(head[1])];
    s.read_exact(methods).await?;
    if !methods.contains(&NO_AUTH) {
        s.write_all(&[VERSION, NO_METHOD]).await?;
        return Err(Socks5Error::Protocol("no-authentication not offered"));
    }
    s.write_all(&[VERSION, NO_AUTH]).await?;

    // Request: VER, CMD, RSV, ATYP, then the address and port.
    let mut req = [0u8; 4];
    s.read_exact(&mut req).await?;
    if req[0] != VERSION {
        return Err(Socks5Error::Protocol("not SOCKS5"));
    }
    if req[1] != CMD_CONNECT {
        s.write_all(&reply(REP_COMMAND_NOT_SUPPORTED, expected))
            .await?;
        return Err(Socks5Error::Protocol("not a CONNECT"));
    }
    if req[3] != ATYP_DOMAIN {
        s.write_all(&reply(REP_ADDRESS_TYPE_NOT_SUPPORTED, expected))
            .await?;
        return Err(Socks5Error::Protocol("the address is not a DST.ADDR"));
    }
    let mut len = [0u8; 1];
    s.read_exact(&mut len).await?;
    let mut addr = [0u8; 255];
    let addr = &mut addr[..usize::from(len[0])];
    s.read_exact(addr).await?;
    let mut port = [0u8; 2];
    s.read_exact(&mut port).await?;
    // Hex either case: peers should send lowercase, some may not.
    if !addr.eq_ignore_ascii_case(expected.as_bytes()) || port != [0, 0] {
        s.write_all(&reply(REP_HOST_UNREACHABLE, expected)).await?;
        return Err(Socks5Error::OtherStream);
    }
    Ok(s)
}

/// The machine's addresses to offer as direct candidates: IPv4 first, then
/// IPv6, loopback last (for a peer on the same machine). Link-local
/// addresses are left out (useless without a scope), as are interfaces
/// that are down.
pub fn local_addresses() -> Vec<IpAddr> {
    use if_addrs::IfOperStatus;
    let interfaces = match if_addrs::get_if_addrs() {
        Ok(i) => i,
        Err(e) => {
            tracing::warn!("cannot list the network interfaces: {e}");
            return vec![IpAddr::V4(Ipv4Addr::LOCALHOST)];
        }
    };
    let (mut v4, mut v6, mut loopback) = (Vec::new(), Vec::new(), Vec::new());
    for interface in interfaces {
        let down = matches!(
            interface.oper_status,
            IfOperStatus::Down | IfOperStatus::NotPresent | IfOperStatus::LowerLayerDown
        );
        let ip = interface.ip();
        if down || ip.is_unspecified() || ip.is_multicast() || interface.is_link_local() {
            continue;
        }
        let list = match ip {
            _ if ip.is_loopback() => &mut loopback,
            IpAddr::V4(_) => &mut v4,
            IpAddr::V6(_) => &mut v6,
        };
        if !list.contains(&ip) {
            list.push(ip);
        }
    }
    v4.into_iter().chain(v6).chain(loopback).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
    const SECOND: Duration = Duration::from_secs(1);
    const DST: &str = "972b7bf47291ca609517f67f86b5081086052dad";

    async fn listener() -> Listener {
        Listener::bind(&[LOOPBACK])
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[tokio::test]
    async fn a_stream_goes_through_the_handshake_both_ways() {
        let l = listener().await;
        assert_ne!(l.port(), 0);
        assert_eq!(l.addresses(), vec![LOOPBACK]);
        let port = l.port();
        let data: Vec<u8> = (0..3 * 1024 * 1024u32).map(|i| (i % 251) as u8).collect();
        let sent = data.clone();
        let client = tokio::spawn(async move {
            let mut s = connect("127.0.0.1", port, DST, 5 * SECOND)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            s.write_all(&sent).await.unwrap_or_else(|e| panic!("{e}"));
            s.shutdown().await.unwrap_or_else(|e| panic!("{e}"));
            let mut answer = Vec::new();
            s.read_to_end(&mut answer)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            answer
        });
        let mut s = l
            .accept_for(DST, 5 * SECOND)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            s.local_addr().map(|a| a.port()).ok(),
            Some(port),
            "tells which candidate was used"
        );
        let mut got = Vec::new();
        s.read_to_end(&mut got)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(got == data, "{} bytes of {} arrived", got.len(), data.len());
        s.write_all(b"thanks")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        drop(s);
        assert_eq!(client.await.unwrap_or_else(|e| panic!("{e}")), b"thanks");
    }

    #[tokio::test]
    async fn another_stream_is_refused_and_the_right_one_still_comes() {
        let l = listener().await;
        let port = l.port();
        let client = tokio::spawn(async move {
            let wrong = connect("localhost", port, "0000", 5 * SECOND).await;
            let right = connect("127.0.0.1", port, DST, 5 * SECOND).await;
            (wrong, right.map(|_| ()))
        });
        let accepted = l.accept_for(DST, 5 * SECOND).await;
        assert!(accepted.is_ok(), "{accepted:?}");
        let (wrong, right) = client.await.unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(wrong, Err(Socks5Error::Refused(_))), "{wrong:?}");
        assert!(right.is_ok(), "{right:?}");
    }

    /// The reply carries the DST.ADDR (XEP-0065 §5.3.3), and the order of
    /// a hand-made exchange is as RFC 1928 has it.
    #[tokio::test]
    async fn the_server_side_speaks_rfc_1928() {
        let l = listener().await;
        let port = l.port();
        let client = tokio::spawn(async move {
            let mut s = TcpStream::connect((LOOPBACK, port))
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            // Offers username/password and no-auth: no-auth is chosen.
            s.write_all(&[5, 2, 2, 0])
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            let mut choice = [0u8; 2];
            s.read_exact(&mut choice)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            let mut req = vec![5, 1, 0, 3, 40];
            req.extend_from_slice(DST.to_uppercase().as_bytes());
            req.extend_from_slice(&[0, 0]);
            s.write_all(&req).await.unwrap_or_else(|e| panic!("{e}"));
            let mut reply = [0u8; 47];
            s.read_exact(&mut reply)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            (choice, reply)
        });
        let accepted = l.accept_for(DST, 5 * SECOND).await;
        assert!(accepted.is_ok(), "{accepted:?}");
        let (choice, reply) = client.await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(choice, [5, 0]);
        assert_eq!(reply[..5], [5, 0, 0, 3, 40]);
        assert_eq!(&reply[5..45], DST.as_bytes());
        assert_eq!(reply[45..], [0, 0]);
    }

    /// What a stranger might send: each is answered with a refusal or
    /// dropped, and the listener still serves the peer afterwards.
    #[tokio::test]
    async fn garbage_is_refused() {
        let l = listener().await;
        let port = l.port();
        let client = tokio::spawn(async move {
            let mut answers = Vec::new();
            for bytes in [
                b"GET / HTTP/1.1\r\n\r\n".to_vec(),
                vec![5, 1, 2],                      // only username/password
                vec![5, 0],                         // no methods at all
                vec![4, 1, 0, 80, 127, 0, 0, 1, 0], // SOCKS4
                [vec![5, 1, 0], vec![5, 2, 0, 3, 1, b'x', 0, 0]].concat(), // BIND
                [vec![5, 1, 0], vec![5, 1, 0, 1, 127, 0, 0, 1, 0, 80]].concat(), // IPv4
                [
                    vec![5, 1, 0],
                    vec![5, 1, 0, 3, 40],
                    DST.as_bytes().to_vec(),
                    vec![0, 80],
                ]
                .concat(), // port 80
                [
                    vec![5, 1, 0],
                    vec![5, 1, 0, 3, 255],
                    vec![b'a'; 255],
                    vec![0, 0],
                ]
                .concat(),
            ] {
                let mut s = TcpStream::connect((LOOPBACK, port))
                    .await
                    .unwrap_or_else(|e| panic!("{e}"));
                s.write_all(&bytes).await.unwrap_or_else(|e| panic!("{e}"));
                let mut answer = Vec::new();
                // Closed by the listener: read_to_end ends.
                let read = tokio::time::timeout(5 * SECOND, s.read_to_end(&mut answer)).await;
                assert!(read.is_ok(), "{bytes:?} left open");
                answers.push(answer);
            }
            connect("127.0.0.1", port, DST, 5 * SECOND)
                .await
                .map(|_| answers)
        });
        let accepted = l.accept_for(DST, 10 * SECOND).await;
        assert!(accepted.is_ok(), "{accepted:?}");
        let answers = client
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(answers[0], b"", "not SOCKS5: no answer");
        assert_eq!(answers[1], [5, 0xff], "no acceptable method");
        assert_eq!(answers[2], [5, 0xff]);
        assert_eq!(answers[3], b"");
        assert_eq!(answers[4][2..4], [5, 7], "command not supported");
        assert_eq!(answers[5][2..4], [5, 8], "address type not supported");
        assert_eq!(answers[6][2..4], [5, 4], "no such stream");
        assert_eq!(answers[7][2..4], [5, 4]);
    }

    #[tokio::test]
    async fn a_silent_peer_times_out_on_both_sides() {
        // A SOCKS5 server that never answers.
        let mute = TcpListener::bind((LOOPBACK, 0))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let port = mute.local_addr().map(|a| a.port()).unwrap_or_default();
        let held = tokio::spawn(async move { mute.accept().await.map(|(s, _)| s) });
        let started = Instant::now();
        let got = connect("127.0.0.1", port, DST, Duration::from_millis(300)).await;
        assert!(matches!(got, Err(Socks5Error::Timeout)), "{got:?}");
        assert!(started.elapsed() < 3 * SECOND);
        held.abort();

        // A peer that connects to our listener and says nothing.
        let l = listener().await;
        let _silent = TcpStream::connect((LOOPBACK, l.port()))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let started = Instant::now();
        let got = l.accept_for(DST, Duration::from_millis(300)).await;
        assert!(matches!(got, Err(Socks5Error::Timeout)), "{got:?}");
        assert!(started.elapsed() < 3 * SECOND);
    }

    #[tokio::test]
    async fn bad_arguments_and_unreachable_hosts_are_errors() {
        let long = "a".repeat(256);
        for dst in ["", long.as_str()] {
            let got = connect("127.0.0.1", 1, dst, SECOND).await;
            assert!(matches!(got, Err(Socks5Error::BadDstAddr)), "{got:?}");
        }
        // Nobody listens there (a port we just had and gave back).
        let port = {
            let l = listener().await;
            l.port()
        };
        let got = connect("127.0.0.1", port, DST, 5 * SECOND).await;
        assert!(
            matches!(got, Err(Socks5Error::Connect { .. } | Socks5Error::Timeout)),
            "{got:?}"
        );
        let got = connect("no-such-host.invalid", 1080, DST, 5 * SECOND).await;
        assert!(got.is_err());
    }

    #[tokio::test]
    async fn the_wildcard_listener_takes_ipv4_and_ipv6_on_one_port() {
        let l = Listener::bind(&[]).await.unwrap_or_else(|e| panic!("{e}"));
        assert!(l.addresses().contains(&IpAddr::V4(Ipv4Addr::UNSPECIFIED)));
        let port = l.port();
        let client = tokio::spawn(async move { connect("127.0.0.1", port, DST, 5 * SECOND).await });
        assert!(l.accept_for(DST, 5 * SECOND).await.is_ok());
        assert!(client.await.unwrap_or_else(|e| panic!("{e}")).is_ok());
        // IPv6 where the machine has it (CI containers may not).
        if l.addresses().contains(&IpAddr::V6(Ipv6Addr::UNSPECIFIED)) {
            let client = tokio::spawn(async move { connect("::1", port, DST, 5 * SECOND).await });
            let server = l.accept_for(DST, 5 * SECOND).await;
            let client = client.await.unwrap_or_else(|e| panic!("{e}"));
            // ::1 itself may be missing even with an IPv6 stack.
            if client.is_ok() {
                assert!(server.is_ok(), "{server:?}");
            }
        }
    }

    #[test]
    fn local_addresses_put_loopback_last() {
        let addrs = local_addresses();
        let first_loopback = addrs.iter().position(|a| a.is_loopback());
        if let Some(at) = first_loopback {
            assert!(addrs[at..].iter().all(|a| a.is_loopback()), "{addrs:?}");
        }
        assert!(
            addrs
                .iter()
                .all(|a| !a.is_unspecified() && !a.is_multicast()),
            "{addrs:?}"
        );
        let mut unique = addrs.clone();
        unique.dedup();
        assert_eq!(unique.len(), addrs.len());
    }
}
