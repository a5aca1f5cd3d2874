//! Stanzas that arrive together are handled as one burst: their chat
//! messages are stored in one transaction (one commit instead of one per
//! message) and the delivery receipts they ask for go out after that
//! commit, so a receipt never confirms a message that is not stored yet.

use crate::account::wire::Wire;
use tokio_xmpp::Stanza;
use tokio_xmpp::parsers::message::Message;

use super::Actor;
use super::chat::ArrivedMessage;
use super::sync::Arrival;

/// Most stanzas per burst: bounds the latency of the first message's event
/// and the size of one transaction.
pub(super) const MAX: usize = 256;

/// How long a burst with messages waits for the next stanza before it is
/// stored. A flood (a busy room, an archive, a script) brings one every
/// few milliseconds: without waiting, every one or two messages paid a
/// transaction of their own (and a full-text index segment).
pub(super) const LINGER: std::time::Duration = std::time::Duration::from_millis(3);

/// The longest a burst keeps waiting ([`LINGER`] at a time): bounds what
/// waiting adds to the first message's event and receipt.
pub(super) const SPAN: std::time::Duration = std::time::Duration::from_millis(10);

/// What a burst has collected so far.
#[derive(Debug, Default)]
pub(super) struct Burst {
    stanzas: usize,
    messages: Vec<ArrivedMessage>,
    receipts: Vec<Message>,
}

impl Actor {
    /// Starts a burst unless one is open; counts the stanza about to be handled.
    pub(super) fn burst_stanza(&mut self) {
        self.burst.get_or_insert_with(Burst::default).stanzas += 1;
    }

    /// The open burst has reached [`MAX`] stanzas.
    pub(super) fn burst_full(&self) -> bool {
        self.burst.as_ref().is_some_and(|b| b.stanzas >= MAX)
    }

    /// The open burst (begun at `started`) holds messages to store, has
    /// room and time left: worth waiting [`LINGER`] for the next stanza.
    pub(super) fn burst_lingers(&self, started: tokio::time::Instant) -> bool {
        self.burst
            .as_ref()
            .is_some_and(|b| !b.messages.is_empty() && b.stanzas < MAX)
            && started.elapsed() < SPAN
    }

    /// Stores a live message now, or with the open burst.
    pub(super) fn ingest_live(&mut self, m: ArrivedMessage) {
        match &mut self.burst {
            Some(b) => b.messages.push(m),
            None => {
                if self
                    .ingest(std::slice::from_ref(&m), Arrival::Live)
                    .is_some()
                {
                    self.advance_catch_up(std::slice::from_ref(&m));
                }
            }
        }
    }

    /// After live messages are stored: the first marks where this session's
    /// catch-up may stop (`Sync::saw_live`), and the next session's catch-up
    /// starts after the newest of them (their stanza-ids come from our own
    /// archive), not again at the last page the previous catch-up fetched,
    /// which would replay everything received live since. The cursor moves
    /// only once this session's catch-up has read all it needs.
    fn advance_catch_up(&mut self, stored: &[ArrivedMessage]) {
        self.sync.saw_live(stored);
        if !self.sync.live_moves_cursor() {
            return;
        }
        if let Some(id) = stored.iter().rev().find_map(|m| m.server_id.as_deref())
            && let Err(e) = self.store.set_archive_cursor(Some(id))
        {
            tracing::warn!(account = %self.id, "archive cursor not moved: {e}");
        }
    }

    /// Sends a receipt now, or after the open burst is stored.
    pub(super) async fn send_receipt(&mut self, stream: &Wire, answer: Message) {
        match &mut self.burst {
            Some(b) => b.receipts.push(answer),
            None => {
                self.send(stream, Stanza::Message(answer)).await;
            }
        }
    }

    /// Ends the open burst: stores its messages in one transaction, then
    /// sends its receipts (none if storing failed: the sender will resend).
    pub(super) async fn burst_end(&mut self, stream: &Wire) {
        let Some(burst) = self.burst.take() else {
            return;
        };
        if !burst.messages.is_empty() {
            if self.ingest(&burst.messages, Arrival::Live).is_none() {
                return;
            }
            self.advance_catch_up(&burst.messages);
        }
        for answer in burst.receipts {
            self.send(stream, Stanza::Message(answer)).await;
        }
        // What decrypting the burst made due (heartbeats, bundles).
        self.omemo_after_stanza(stream).await;
        // Read positions whose message may have come with the burst.
        self.retry_read_positions();
    }
}
