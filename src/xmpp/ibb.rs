//! In-band bytestreams (XEP-0047) as Jingle uses them (XEP-0261): a
//! file's bytes in numbered blocks, each an IQ the receiver answers (so
//! the sender never runs ahead of what the server and peer take). No I/O:
//! the sender numbers blocks, the receiver checks each block's stream,
//! sequence number and size before its bytes go to disk.

use tokio_xmpp::parsers::ibb::{Close, Data, Open, Stanza, StreamId};

/// XEP-0047's namespace, also its caps feature.
pub const NS: &str = "http://jabber.org/protocol/ibb";

/// Numbers the blocks of one stream, from 0, wrapping after 65535.
#[derive(Debug, Clone)]
pub struct Sender {
    stream: String,
    block_size: u16,
    next: u16,
}

impl Sender {
    pub fn new(stream: &str, block_size: u16) -> Sender {
        Sender {
            stream: stream.to_owned(),
            block_size,
            next: 0,
        }
    }

    /// How many bytes each block carries at most.
    pub fn block_size(&self) -> usize {
        usize::from(self.block_size)
    }

    /// The `<open/>` that starts the stream (XEP-0047 §2.1).
    pub fn open(&self) -> Open {
        Open {
            block_size: self.block_size,
            sid: StreamId(self.stream.clone()),
            stanza: Stanza::Iq,
        }
    }

    /// The next block, carrying `bytes` (at most the block size).
    pub fn block(&mut self, bytes: &[u8]) -> Data {
        let seq = self.next;
        self.next = self.next.wrapping_add(1);
        Data {
            seq,
            sid: StreamId(self.stream.clone()),
            data: bytes[..bytes.len().min(self.block_size())].to_vec(),
        }
    }

    pub fn close(&self) -> Close {
        Close {
            sid: StreamId(self.stream.clone()),
        }
    }
}

/// Why a received block is refused: the transfer is then ended (the
/// answer is an error, XEP-0047 §2.2, and the session terminated).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BlockError {
    #[error("a block for another stream")]
    OtherStream,
    #[error("block {got} out of order (expected {expected})")]
    OutOfOrder { expected: u16, got: u16 },
    #[error("a block of {0} bytes, larger than agreed")]
    TooLarge(usize),
    #[error("more bytes than the offered size")]
    BeyondSize,
}

/// Checks the blocks of one stream as they arrive.
#[derive(Debug, Clone)]
pub struct Receiver {
    stream: String,
    block_size: u16,
    expected: u16,
    /// The file's offered size and what came so far.
    size: u64,
    received: u64,
}

impl Receiver {
    pub fn new(stream: &str, block_size: u16, size: u64) -> Receiver {
        Receiver {
            stream: stream.to_owned(),
            block_size,
            expected: 0,
            size,
            received: 0,
        }
    }

    /// Takes block `data`: its bytes, to be written, or why not.
    pub fn take<'d>(&mut self, data: &'d Data) -> Result<&'d [u8], BlockError> {
        if data.sid.0 != self.stream {
            return Err(BlockError::OtherStream);
        }
        if data.seq != self.expected {
            return Err(BlockError::OutOfOrder {
                expected: self.expected,
                got: data.seq,
            });
        }
        if data.data.len() > usize::from(self.block_size) {
            return Err(BlockError::TooLarge(data.data.len()));
        }
        let received = self.received + data.data.len() as u64;
        if received > self.size {
            return Err(BlockError::BeyondSize);
        }
        self.received = received;
        self.expected = self.expected.wrapping_add(1);
        Ok(&data.data)
    }

    /// Every offered byte came.
    pub fn complete(&self) -> bool {
        self.received == self.size
    }

    pub fn received(&self) -> u64 {
        self.received
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio_xmpp::minidom::Element;

    /// Through XML and back.
    fn wire(d: Data) -> Data {
        let xml = String::from(&Element::from(d));
        Data::try_from(xml.parse::<Element>().unwrap_or_else(|e| panic!("{e}")))
            .unwrap_or_else(|e| panic!("{e}: {xml}"))
    }

    #[test]
    fn a_file_goes_through_in_numbered_blocks() {
        let file: Vec<u8> = (0..10_000u32).map(|i| (i % 251) as u8).collect();
        let mut tx = Sender::new("s1", 4096);
        let mut rx = Receiver::new("s1", 4096, file.len() as u64);
        let mut got = Vec::new();
        for chunk in file.chunks(tx.block_size()) {
            let block = wire(tx.block(chunk));
            got.extend_from_slice(rx.take(&block).unwrap_or_else(|e| panic!("{e}")));
        }
        assert!(rx.complete());
        assert_eq!(got, file);
        assert_eq!(tx.open().block_size, 4096);
    }

    #[test]
    fn sequence_numbers_wrap_after_65535() {
        let mut tx = Sender::new("s", 1024);
        let mut rx = Receiver::new("s", 1024, 70_000);
        for i in 0..70_000u32 {
            let block = tx.block(&[1]);
            assert_eq!(u32::from(block.seq), i % 65_536);
            assert!(rx.take(&block).is_ok(), "block {i}");
        }
        assert!(rx.complete());
    }

    #[test]
    fn bad_blocks_are_refused_and_nothing_of_them_counts() {
        let mut tx = Sender::new("s", 1024);
        let mut rx = Receiver::new("s", 1024, 3000);
        let first = tx.block(&[0; 1024]);
        assert!(rx.take(&first).is_ok());
        // The same block again (a replay), one skipped, another stream's.
        assert_eq!(
            rx.take(&first),
            Err(BlockError::OutOfOrder {
                expected: 1,
                got: 0
            })
        );
        let mut skipped = tx.block(&[0; 10]);
        skipped.seq = 5;
        assert!(matches!(
            rx.take(&skipped),
            Err(BlockError::OutOfOrder { .. })
        ));
        let mut other = Sender::new("t", 1024).block(&[0; 10]);
        other.seq = 1;
        assert_eq!(rx.take(&other), Err(BlockError::OtherStream));
        // Larger than agreed (a peer ignoring the block size).
        let big = Data {
            seq: 1,
            sid: StreamId("s".into()),
            data: vec![0; 2000],
        };
        assert_eq!(rx.take(&big), Err(BlockError::TooLarge(2000)));
        // More than the offered size.
        let mut tx2 = Sender::new("s", 1024);
        let mut rx2 = Receiver::new("s", 1024, 1500);
        assert!(rx2.take(&tx2.block(&[0; 1024])).is_ok());
        assert_eq!(
            rx2.take(&tx2.block(&[0; 1024])),
            Err(BlockError::BeyondSize)
        );
        assert_eq!(rx2.received(), 1024);
        assert!(!rx2.complete());
        assert_eq!(rx.received(), 1024);
    }

    #[test]
    fn malformed_blocks_do_not_parse() {
        for xml in [
            "<data xmlns='http://jabber.org/protocol/ibb' sid='s'>AAAA</data>",
            "<data xmlns='http://jabber.org/protocol/ibb' seq='70000' sid='s'>AAAA</data>",
            "<data xmlns='http://jabber.org/protocol/ibb' seq='1' sid='s'>not base64!</data>",
        ] {
            let el: Element = xml.parse().unwrap_or_else(|e| panic!("{e}"));
            assert!(Data::try_from(el).is_err(), "{xml}");
        }
    }
}
