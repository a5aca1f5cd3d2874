//! The byte link under one XMPP stream, and the two things we do there that
//! tokio-xmpp's `StanzaStream` has no interface for:
//!
//! - Client State Indication (XEP-0352): `<active/>`/`<inactive/>` are
//!   nonzas, and the stream only sends stanzas. The link writes them itself,
//!   exactly between two top-level elements, found by following the XML
//!   nesting depth of what is written.
//! - Dropping a connection on purpose (network change, wake from sleep), so
//!   the stream resumes (XEP-0198) on a fresh one at once instead of waiting
//!   for its read timeout.

use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::xmpp::xml_depth::XmlDepth;

const CSI_ACTIVE: &[u8] = b"<active xmlns='urn:xmpp:csi:0'/>";
const CSI_INACTIVE: &[u8] = b"<inactive xmlns='urn:xmpp:csi:0'/>";

/// Shared between the account actor and the link of its current connection.
#[derive(Debug, Default)]
pub struct LinkControl {
    /// What the user's window state asks for.
    inactive: AtomicBool,
    /// Whether the server offered CSI in its stream features.
    csi_supported: AtomicBool,
    /// Bumped when a session is (re)established; a link may send nonzas only
    /// once the session it carries is bound.
    sessions: AtomicU64,
    /// Bumped to drop the current link.
    aborts: AtomicU64,
    reader: Mutex<Option<Waker>>,
    local_addr: Mutex<Option<IpAddr>>,
    server_addr: Mutex<Option<SocketAddr>>,
    tls: Mutex<Option<crate::api::TlsInfo>>,
}

impl LinkControl {
    pub fn set_inactive(&self, inactive: bool) {
        self.inactive.store(inactive, Ordering::SeqCst);
    }

    pub fn is_inactive(&self) -> bool {
        self.inactive.load(Ordering::SeqCst)
    }

    /// Called when the stream reports a bound or resumed session.
    pub fn session_started(&self, csi_supported: Option<bool>) {
        if let Some(s) = csi_supported {
            self.csi_supported.store(s, Ordering::SeqCst);
        }
        self.sessions.fetch_add(1, Ordering::SeqCst);
    }

    /// Fails the current link's reads and writes; the stream then reconnects.
    pub fn abort(&self) {
        self.aborts.fetch_add(1, Ordering::SeqCst);
        if let Ok(mut w) = self.reader.lock()
            && let Some(w) = w.take()
        {
            w.wake();
        }
    }

    /// The local address of the current connection, to notice when the
    /// network it runs over went away.
    pub fn local_addr(&self) -> Option<IpAddr> {
        self.local_addr.lock().ok().and_then(|a| *a)
    }

    /// The TLS session of the current connection.
    pub fn tls(&self) -> Option<crate::api::TlsInfo> {
        self.tls.lock().ok().and_then(|t| t.clone())
    }

    pub fn set_tls(&self, info: crate::api::TlsInfo) {
        if let Ok(mut t) = self.tls.lock() {
            *t = Some(info);
        }
    }

    /// The server address last connected to.
    pub fn server_addr(&self) -> Option<SocketAddr> {
        self.server_addr.lock().ok().and_then(|a| *a)
    }

    /// Wraps the transport of a new connection from `local` to `server`.
    pub fn link<T>(
        self: &Arc<Self>,
        inner: T,
        local: Option<IpAddr>,
        server: Option<SocketAddr>,
    ) -> Link<T> {
        if let Ok(mut a) = self.local_addr.lock() {
            *a = local;
        }
        if let Ok(mut a) = self.server_addr.lock() {
            *a = server;
        }
        Link {
            inner,
            control: self.clone(),
            session_at_start: self.sessions.load(Ordering::SeqCst),
            abort_at_start: self.aborts.load(Ordering::SeqCst),
            xml: XmlDepth::default(),
            csi_sent: None,
            pending: &[],
        }
    }
}

/// A transport that can inject CSI nonzas and be aborted.
pub struct Link<T> {
    inner: T,
    control: Arc<LinkControl>,
    session_at_start: u64,
    abort_at_start: u64,
    xml: XmlDepth,
    /// The CSI state this link last told the server (a new stream starts active).
    csi_sent: Option<bool>,
    /// Rest of a nonza being written.
    pending: &'static [u8],
}

impl<T> Link<T> {
    fn aborted(&self) -> io::Result<()> {
        if self.control.aborts.load(Ordering::SeqCst) != self.abort_at_start {
            return Err(io::Error::new(
                io::ErrorKind::ConnectionAborted,
                "connection dropped to reconnect",
            ));
        }
        Ok(())
    }

    /// The nonza to write now, if the CSI state must change and may.
    fn csi_due(&self) -> Option<bool> {
        let c = &self.control;
        let bound = c.sessions.load(Ordering::SeqCst) > self.session_at_start;
        let want = c.inactive.load(Ordering::SeqCst);
        // A new link states its state once, even "active": a resumed
        // session keeps what an earlier link told the server.
        let changed = self.csi_sent != Some(want);
        (bound && changed && c.csi_supported.load(Ordering::SeqCst)).then_some(want)
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Link<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.aborted()?;
        if let Ok(mut w) = self.control.reader.lock() {
            *w = Some(cx.waker().clone());
        }
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Link<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.aborted()?;
        loop {
            if !self.pending.is_empty() {
                let pending = self.pending;
                let n = std::task::ready!(Pin::new(&mut self.inner).poll_write(cx, pending))?;
                if n == 0 {
                    return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
                }
                self.pending = &pending[n..];
                continue;
            }
            if self.xml.at_boundary()
                && let Some(inactive) = self.csi_due()
            {
                tracing::debug!(inactive, "client state indication");
                self.pending = if inactive { CSI_INACTIVE } else { CSI_ACTIVE };
                self.csi_sent = Some(inactive);
                continue;
            }
            break;
        }
        // While a nonza is due, write only up to the next element boundary.
        let len = if self.csi_due().is_some() {
            self.xml.clone().bytes_to_boundary(buf)
        } else {
            buf.len()
        };
        let n = std::task::ready!(Pin::new(&mut self.inner).poll_write(cx, &buf[..len]))?;
        self.xml.feed(&buf[..n]);
        Poll::Ready(Ok(n))
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.aborted()?;
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Positions (byte counts) after which the writer is at a boundary.
    fn boundaries(xml: &str) -> Vec<usize> {
        let mut d = XmlDepth::default();
        let mut at = Vec::new();
        for (i, b) in xml.bytes().enumerate() {
            d.step(b);
            if d.at_boundary() {
                at.push(i + 1);
            }
        }
        at
    }

    #[test]
    fn finds_the_gaps_between_top_level_elements() {
        let header = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' to='a>b'>";
        let m1 = "<message to='x' id=\"a/>\"><body>1 > 0 &amp; 'q'</body></message>";
        let m2 = "<r xmlns='urn:xmpp:sm:3'/>";
        let restart = "<stream:stream xmlns='jabber:client'>";
        let xml = format!("{header}{m1}{m2}{restart}{m1}</stream:stream>");
        let h = header.len();
        let a = h + m1.len();
        let b = a + m2.len();
        let c = b + restart.len();
        assert_eq!(boundaries(&xml), vec![h, a, b, c, c + m1.len()]);
    }

    #[test]
    fn bytes_to_boundary_stops_after_the_current_element() {
        let mut d = XmlDepth::default();
        d.feed(b"<stream:stream>");
        d.feed(b"<message><bo");
        let rest = b"dy>x</body></message><presence/>";
        assert_eq!(d.bytes_to_boundary(rest), "dy>x</body></message>".len());
    }

    #[tokio::test]
    async fn writes_the_nonza_between_elements_once_bound() {
        use tokio::io::AsyncWriteExt;
        let control = Arc::new(LinkControl::default());
        let mut out = Vec::new();
        {
            let mut link = control.link(&mut out, None, None);
            link.write_all(b"<stream:stream>").await.unwrap();
            control.set_inactive(true);
            // Not bound yet: nothing injected.
            link.write_all(b"<iq type='set'><bind/></iq>")
                .await
                .unwrap();
            control.session_started(Some(true));
            link.write_all(b"<message><body>a</body></message><presence/>")
                .await
                .unwrap();
            control.set_inactive(false);
            link.write_all(b"<iq/>").await.unwrap();
        }
        let out = String::from_utf8(out).unwrap();
        assert_eq!(
            out,
            "<stream:stream><iq type='set'><bind/></iq>\
             <inactive xmlns='urn:xmpp:csi:0'/><message><body>a</body></message><presence/>\
             <active xmlns='urn:xmpp:csi:0'/><iq/>"
        );
    }

    #[tokio::test]
    async fn abort_fails_the_link() {
        use tokio::io::AsyncWriteExt;
        let control = Arc::new(LinkControl::default());
        let mut out = Vec::new();
        let mut link = control.link(&mut out, None, None);
        link.write_all(b"<a/>").await.unwrap();
        control.abort();
        let err = link.write_all(b"<b/>").await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::ConnectionAborted);
    }
}
