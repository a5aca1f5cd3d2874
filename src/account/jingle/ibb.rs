//! The in-band transport of a session (XEP-0261 over XEP-0047): blocks
//! as IQs through the server. Sending, a task reads the file ahead by at
//! most [`WINDOW`] blocks (a permit per block, given back when the peer
//! acknowledges it), so a few blocks are in flight and memory stays
//! small whatever the file's size. Receiving, each block is checked
//! (stream, order, size) and handed to the writer task before it is
//! acknowledged: a slow disk slows the sender down.

use std::sync::Arc;

use tokio::io::AsyncReadExt;
use tokio::sync::{Semaphore, mpsc};
use tokio_xmpp::jid::Jid;
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::ibb::{Close, Data, Open};
use tokio_xmpp::parsers::iq::Iq;
use tokio_xmpp::parsers::jingle::Reason;
use tokio_xmpp::parsers::stanza_error::DefinedCondition;

use super::{Actor, Report, Role, Sent, Stage, stanza_error};
use crate::account::transfers::Report as TransferReport;
use crate::account::wire::Wire;
use crate::api::TransferState;
use crate::files::transfer::{OnProgress, TransferError};
use crate::xmpp::{ibb, jingle_ft};

/// Blocks in flight at once: enough to fill a long round trip (16 × 32
/// KiB per RTT). On loopback the server sets the pace (Prosody reads 8 KiB
/// per turn of its event loop, about 2.3 MB/s of blocks; 8, 16 or 32 in
/// flight made no difference there).
const WINDOW: usize = 16;

#[derive(Default)]
pub(super) struct Ibb {
    /// Receiving: the stream and block size we agreed to, the checks of
    /// the open stream, and the writer task's inbox.
    agreed: Option<(String, u16)>,
    receiver: Option<ibb::Receiver>,
    writer: Option<mpsc::Sender<Vec<u8>>>,
    /// Sending: block numbering, the reader's permits, blocks not yet
    /// acknowledged, bytes acknowledged, and the file's length once read.
    sender: Option<ibb::Sender>,
    permits: Option<Arc<Semaphore>>,
    in_flight: usize,
    acked: u64,
    read: Option<u64>,
    progress: Option<OnProgress>,
}

impl std::fmt::Debug for Ibb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ibb")
            .field("agreed", &self.agreed)
            .field("in_flight", &self.in_flight)
            .field("acked", &self.acked)
            .finish_non_exhaustive()
    }
}

impl Ibb {
    /// Receiving `offer`'s stream; its blocks go to `writer`.
    pub(super) fn expect(&mut self, offer: &jingle_ft::Offer, writer: mpsc::Sender<Vec<u8>>) {
        self.agreed = Some((offer.stream.clone(), offer.block_size));
        self.writer = Some(writer);
    }

    /// The sender is done: no more blocks come (the writer ends with what
    /// it has).
    pub(super) fn sender_done(&mut self) {
        self.writer = None;
    }

    /// The in-band stream agreed after a fallback.
    pub(super) fn agree(&mut self, stream: &str, block_size: u16) {
        self.agreed = Some((stream.to_owned(), block_size));
    }

    /// The writer's inbox for a SOCKS5 connection's bytes (taken: the
    /// file ends when that connection's task lets go of it).
    pub(super) fn writer_for_s5b(&mut self) -> Option<mpsc::Sender<Vec<u8>>> {
        self.writer.take()
    }
}

impl Actor {
    /// Opens our stream of session `sid` with the agreed block size.
    pub(super) async fn ibb_open(&mut self, sid: &str, block_size: u16, stream: &Wire) {
        let Some(session) = self.jingle.by_sid.get_mut(sid) else {
            return;
        };
        let sender = ibb::Sender::new(&session.offer.stream, block_size);
        let open = Element::from(sender.open());
        session.ibb.sender = Some(sender);
        let peer = session.peer.clone();
        self.send_session_iq(sid, &peer, open, Sent::IbbOpen, stream)
            .await;
    }

    /// The peer took our stream: the reader starts.
    pub(super) fn ibb_opened(&mut self, sid: &str) {
        let progress = self.jingle.by_sid.get(sid).map(|s| s.message.clone());
        let Some(message) = progress else { return };
        let progress = self.transfers.progress(&message);
        let Some(session) = self.jingle.by_sid.get_mut(sid) else {
            return;
        };
        let (Role::Sending { source }, Some(sender)) = (&session.role, &session.ibb.sender) else {
            return;
        };
        let permits = Arc::new(Semaphore::new(WINDOW));
        let task = tokio::spawn(read_blocks(
            source.clone(),
            sender.block_size(),
            permits.clone(),
            sid.to_owned(),
            self.transfers.tx.clone(),
        ));
        session.ibb.permits = Some(permits);
        session.ibb.progress = Some(progress);
        let size = session.offer.file.size;
        self.transfers.track(
            &message,
            task.abort_handle(),
            crate::api::Direction::Out,
            Some(size),
        );
    }

    /// The reader's next block goes out.
    pub(super) async fn ibb_send_block(&mut self, sid: &str, data: Vec<u8>, stream: &Wire) {
        let Some(session) = self.jingle.by_sid.get_mut(sid) else {
            return;
        };
        let Some(sender) = session.ibb.sender.as_mut() else {
            return;
        };
        let len = data.len();
        let block = Element::from(sender.block(&data));
        session.ibb.in_flight += 1;
        let peer = session.peer.clone();
        self.send_session_iq(sid, &peer, block, Sent::IbbBlock(len), stream)
            .await;
    }

    /// The peer acknowledged a block of `len` bytes.
    pub(super) async fn ibb_block_taken(&mut self, sid: &str, len: usize, stream: &Wire) {
        let Some(session) = self.jingle.by_sid.get_mut(sid) else {
            return;
        };
        let ibb = &mut session.ibb;
        ibb.in_flight = ibb.in_flight.saturating_sub(1);
        ibb.acked += len as u64;
        if let Some(progress) = &ibb.progress {
            progress(ibb.acked);
        }
        if let Some(permits) = &ibb.permits {
            permits.add_permits(1);
        }
        self.ibb_maybe_close(sid, stream).await;
    }

    /// The reader is through the file (or failed).
    pub(super) async fn ibb_read_done(
        &mut self,
        sid: &str,
        result: Result<u64, TransferError>,
        stream: &Wire,
    ) {
        let Some(session) = self.jingle.by_sid.get_mut(sid) else {
            return;
        };
        let size = session.offer.file.size;
        let error = match result {
            Ok(read) if read == size => {
                session.ibb.read = Some(read);
                return self.ibb_maybe_close(sid, stream).await;
            }
            Ok(read) => TransferError::Changed { sent: read, size }.to_string(),
            Err(e) => e.to_string(),
        };
        self.end_session(
            sid,
            Reason::MediaError,
            TransferState::Failed,
            Some(&error),
            Some(stream),
        )
        .await;
    }

    /// Every block read and acknowledged: the stream closes, and the
    /// receiver's verdict (session-terminate) is awaited.
    async fn ibb_maybe_close(&mut self, sid: &str, stream: &Wire) {
        let Some(session) = self.jingle.by_sid.get_mut(sid) else {
            return;
        };
        if session.stage != Stage::Transferring
            || session.ibb.in_flight > 0
            || session.ibb.read.is_none()
        {
            return;
        }
        let Some(sender) = &session.ibb.sender else {
            return;
        };
        session.stage = Stage::Sent;
        let close = Element::from(sender.close());
        let peer = session.peer.clone();
        self.send_session_iq(sid, &peer, close, Sent::IbbClose, stream)
            .await;
    }

    /// An in-band stanza (open, data, close) from `from`: the answer.
    pub(super) async fn on_ibb(
        &mut self,
        from: &Jid,
        id: &str,
        payload: &Element,
        stream: &Wire,
    ) -> Iq {
        let refuse = |condition, text| Iq::from_error(id, stanza_error(condition, text));
        let stream_id = payload.attr("sid").unwrap_or_default().to_owned();
        let sid = self.jingle.by_sid.iter().find_map(|(sid, s)| {
            let ours = s.peer == *from
                && matches!(s.role, Role::Receiving)
                && s.stage == Stage::Transferring
                && s.ibb
                    .agreed
                    .as_ref()
                    .is_some_and(|(st, _)| *st == stream_id);
            ours.then(|| sid.clone())
        });
        let ack = super::ack(id);
        let Some(sid) = sid else {
            // The sender's close may come after we ended the session (the
            // last byte was in and checked): nothing is left to close.
            if payload.is("close", ibb::NS) {
                return ack;
            }
            return refuse(DefinedCondition::ItemNotFound, "no such stream");
        };
        if payload.is("open", ibb::NS) {
            let Ok(open) = Open::try_from(payload.clone()) else {
                return refuse(DefinedCondition::BadRequest, "malformed open");
            };
            let Some(session) = self.jingle.by_sid.get_mut(&sid) else {
                return refuse(DefinedCondition::ItemNotFound, "no such stream");
            };
            let agreed = session.ibb.agreed.as_ref().map_or(0, |(_, b)| *b);
            if open.stanza != tokio_xmpp::parsers::ibb::Stanza::Iq
                || open.block_size > agreed
                || session.ibb.receiver.is_some()
            {
                return refuse(DefinedCondition::NotAcceptable, "not as agreed");
            }
            session.ibb.receiver = Some(ibb::Receiver::new(
                &stream_id,
                open.block_size,
                session.offer.file.size,
            ));
            return ack;
        }
        if payload.is("close", ibb::NS) {
            if Close::try_from(payload.clone()).is_err() {
                return refuse(DefinedCondition::BadRequest, "malformed close");
            }
            // The writer ends with what it has (complete or not).
            if let Some(session) = self.jingle.by_sid.get_mut(&sid) {
                session.ibb.writer = None;
            }
            return ack;
        }
        let taken = match Data::try_from(payload.clone()) {
            Ok(data) => self.ibb_take(&sid, &data).await,
            Err(_) => Err("malformed block".to_owned()),
        };
        match taken {
            Ok(()) => ack,
            Err(error) => {
                tracing::info!(account = %self.id, %sid, "in-band block refused: {error}");
                self.end_session(
                    &sid,
                    Reason::FailedTransport,
                    TransferState::Failed,
                    Some(&error),
                    Some(stream),
                )
                .await;
                refuse(DefinedCondition::NotAcceptable, "block refused")
            }
        }
    }

    /// Checks block `data` and hands its bytes to the writer.
    async fn ibb_take(&mut self, sid: &str, data: &Data) -> Result<(), String> {
        let session = self
            .jingle
            .by_sid
            .get_mut(sid)
            .ok_or_else(|| "no session".to_owned())?;
        let receiver = session
            .ibb
            .receiver
            .as_mut()
            .ok_or_else(|| "a block before the stream was opened".to_owned())?;
        let bytes = receiver.take(data).map_err(|e| e.to_string())?.to_vec();
        let writer = session
            .ibb
            .writer
            .clone()
            .ok_or_else(|| "a block after the stream was closed".to_owned())?;
        writer
            .send(bytes)
            .await
            .map_err(|_| "the file could not be written".to_owned())
    }
}

/// Reads `source` in blocks of `block_size`, one per permit, each handed
/// to the actor; then says how much it read.
async fn read_blocks(
    source: std::path::PathBuf,
    block_size: usize,
    permits: Arc<Semaphore>,
    sid: String,
    tx: mpsc::UnboundedSender<TransferReport>,
) {
    let report = |r| {
        let _ = tx.send(TransferReport::Jingle(r));
    };
    let read_err = |source_err| TransferError::Read {
        path: source.clone(),
        source: source_err,
    };
    let result = async {
        let mut file = tokio::fs::File::open(&source).await.map_err(read_err)?;
        let mut total = 0u64;
        loop {
            let Ok(permit) = permits.acquire().await else {
                return Ok(total);
            };
            permit.forget();
            let mut block = vec![0u8; block_size];
            let mut filled = 0;
            while filled < block_size {
                let n = file.read(&mut block[filled..]).await.map_err(read_err)?;
                if n == 0 {
                    break;
                }
                filled += n;
            }
            if filled == 0 {
                return Ok(total);
            }
            block.truncate(filled);
            total += filled as u64;
            report(Report::Block {
                sid: sid.clone(),
                data: block,
            });
        }
    }
    .await;
    report(Report::ReadDone { sid, result });
}
