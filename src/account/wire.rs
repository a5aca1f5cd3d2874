//! The actor's end of the connection: events in, stanzas out.
//!
//! Handlers write to a [`Wire`], never to tokio-xmpp's `StanzaStream`
//! directly, so the same handlers run in unit tests against a wire that only
//! records what they send (no server; see `account/tests/`).

use std::pin::Pin;
use std::task::{Context, Poll};

use futures::Stream;
use tokio_xmpp::Stanza;
use tokio_xmpp::stanzastream::{Event as StreamEvent, StanzaStream, StanzaToken};

pub(crate) struct Wire {
    inner: Inner,
}

enum Inner {
    Stream(StanzaStream),
    /// Keeps what is sent, in order (unit tests).
    #[cfg(test)]
    Recorder(std::sync::Mutex<Vec<Stanza>>),
}

impl Wire {
    pub(crate) fn new(stream: StanzaStream) -> Self {
        Wire {
            inner: Inner::Stream(stream),
        }
    }

    /// Hands `stanza` to the stream. The token follows it to the server
    /// (sent, acked); a recording wire has none.
    pub(crate) async fn send(&self, stanza: Stanza) -> Option<StanzaToken> {
        match &self.inner {
            Inner::Stream(stream) => Some(stream.send(Box::new(stanza)).await),
            #[cfg(test)]
            Inner::Recorder(sent) => {
                sent.lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .push(stanza);
                None
            }
        }
    }

    /// Closes the stream cleanly (no more reconnects).
    pub(crate) async fn close(self) {
        match self.inner {
            Inner::Stream(stream) => stream.close().await,
            #[cfg(test)]
            Inner::Recorder(_) => {}
        }
    }
}

#[cfg(test)]
impl Wire {
    /// A wire that records instead of sending.
    pub(crate) fn recorder() -> Self {
        Wire {
            inner: Inner::Recorder(Default::default()),
        }
    }

    /// What was sent since the last call, oldest first.
    pub(crate) fn take_sent(&self) -> Vec<Stanza> {
        match &self.inner {
            Inner::Stream(_) => Vec::new(),
            Inner::Recorder(sent) => std::mem::take(
                &mut *sent
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner),
            ),
        }
    }
}

impl Stream for Wire {
    type Item = StreamEvent;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context) -> Poll<Option<Self::Item>> {
        match &mut self.get_mut().inner {
            Inner::Stream(stream) => Pin::new(stream).poll_next(cx),
            // Nothing ever arrives: tests call the handlers themselves.
            #[cfg(test)]
            Inner::Recorder(_) => Poll::Pending,
        }
    }
}
