//! A bound on the nesting depth of the XML we read, applied to the bytes
//! before any XML parser sees them.
//!
//! tokio-xmpp builds every stanza into a `minidom::Element` through xso's
//! `ElementFromEvents`, which hands each parse event down the chain of open
//! elements by recursion (and drops the finished tree by recursion, too). A
//! stanza nested a few thousand levels deep — about 100 KB, under the
//! servers' stanza size limits, so any stranger can send one — overflows the
//! reading task's stack and aborts the whole process, every account with it.
//!
//! No XEP nests anywhere near [`MAX_STANZA_DEPTH`] levels. Anything deeper is
//! cut out here: the over-deep element is removed from its start tag to its
//! end tag, so the stanza stays well-formed and still counts as one stanza
//! for stream management (XEP-0198) — dropping or failing the stream would
//! make the server resend it on every resumption.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::xmpp::xml_depth::{Step, XmlDepth};

/// How deep a stanza may nest, the stanza element itself being level 1.
pub const MAX_STANZA_DEPTH: u32 = 100;

/// The stream header is level 1, stanzas level 2.
const MAX_DEPTH: u32 = MAX_STANZA_DEPTH + 1;

/// Bytes read from the transport at a time.
const CHUNK: usize = 8 * 1024;

/// Decides, byte by byte, what of the XML read is passed on.
#[derive(Debug, Clone, Default)]
pub struct DepthGuard {
    xml: XmlDepth,
    /// While cutting an element out: the depth to return to.
    skip_to: Option<u32>,
    /// Elements cut out of the current stanza (logged once per stanza).
    cut_in_stanza: u32,
}

impl DepthGuard {
    /// Passes the bytes of `input` on to `out`, without the over-deep parts.
    pub fn filter(&mut self, input: &[u8], out: &mut Vec<u8>) {
        for &b in input {
            self.step(b, out);
        }
    }

    fn step(&mut self, b: u8, out: &mut Vec<u8>) {
        let emit = match self.xml.step(b) {
            // Held back: if it opens an over-deep element, it goes too.
            Step::Lt => return,
            Step::Opened { start_tag } => {
                if start_tag && self.skip_to.is_none() && self.xml.depth() >= MAX_DEPTH {
                    self.skip_to = Some(self.xml.depth());
                    self.cut_in_stanza += 1;
                    if self.cut_in_stanza == 1 {
                        tracing::warn!(
                            "a stanza nests deeper than {MAX_STANZA_DEPTH} levels: \
                             the deeper part is dropped"
                        );
                    }
                }
                if self.skip_to.is_none() {
                    out.push(b'<');
                }
                self.skip_to.is_none()
            }
            Step::Byte => self.skip_to.is_none(),
            Step::TagClosed => {
                let emit = self.skip_to.is_none();
                if self.skip_to == Some(self.xml.depth()) {
                    self.skip_to = None;
                }
                if self.xml.depth() <= 1 {
                    self.cut_in_stanza = 0;
                }
                emit
            }
        };
        if emit {
            out.push(b);
        }
    }
}

/// A transport whose reads pass through a [`DepthGuard`]; writes are
/// untouched.
pub struct DepthLimited<T> {
    inner: T,
    guard: DepthGuard,
    raw: Box<[u8]>,
    /// Filtered bytes not yet handed to the reader, from `pos` on.
    out: Vec<u8>,
    pos: usize,
}

impl<T> DepthLimited<T> {
    pub fn new(inner: T) -> Self {
        DepthLimited {
            inner,
            guard: DepthGuard::default(),
            raw: vec![0; CHUNK].into_boxed_slice(),
            out: Vec::with_capacity(CHUNK),
            pos: 0,
        }
    }

    pub fn get_ref(&self) -> &T {
        &self.inner
    }

    pub fn into_inner(self) -> T {
        self.inner
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for DepthLimited<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        loop {
            if this.pos < this.out.len() {
                let n = buf.remaining().min(this.out.len() - this.pos);
                buf.put_slice(&this.out[this.pos..this.pos + n]);
                this.pos += n;
                return Poll::Ready(Ok(()));
            }
            this.out.clear();
            this.pos = 0;
            let mut raw = ReadBuf::new(&mut this.raw);
            std::task::ready!(Pin::new(&mut this.inner).poll_read(cx, &mut raw))?;
            if raw.filled().is_empty() {
                return Poll::Ready(Ok(()));
            }
            // Everything read may have been cut out: then read on.
            this.guard.filter(raw.filled(), &mut this.out);
        }
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for DepthLimited<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(chunks: &[&[u8]]) -> String {
        let mut g = DepthGuard::default();
        let mut out = Vec::new();
        for c in chunks {
            g.filter(c, &mut out);
        }
        String::from_utf8(out).unwrap()
    }

    fn nested(levels: usize, name: &str) -> String {
        let mut s = String::new();
        for _ in 0..levels {
            s.push_str(&format!("<{name} a='1'>"));
        }
        s.push_str("deep");
        for _ in 0..levels {
            s.push_str(&format!("</{name}>"));
        }
        s
    }

    const HEADER: &str = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' \
                          xmlns:stream='http://etherx.jabber.org/streams' id='x>y'>";

    #[test]
    fn ordinary_xml_passes_unchanged() {
        let xml = format!(
            "{HEADER}<message to='a' id=\"q/>\"><body>1 &gt; 0 > x</body>\
             <x xmlns='y'><!-- a > <b> --><![CDATA[<not><a><tag>]]><!-x></x></message>\
             <r xmlns='urn:xmpp:sm:3'/><stream:stream xmlns='jabber:client'><presence/>"
        );
        assert_eq!(run(&[xml.as_bytes()]), xml);
    }

    #[test]
    fn a_stanza_at_the_limit_is_kept_whole() {
        let stanza = nested(MAX_STANZA_DEPTH as usize, "m");
        let xml = format!("{HEADER}{stanza}<presence/>");
        assert_eq!(run(&[xml.as_bytes()]), xml);
    }

    #[test]
    fn deeper_parts_are_cut_out_and_the_stanza_stays_well_formed() {
        let deep = nested(30_000, "a");
        let xml = format!("{HEADER}<message><body>hi</body>{deep}<b/></message><presence/>");
        let out = run(&[xml.as_bytes()]);
        // The message keeps its first MAX_STANZA_DEPTH levels, balanced.
        let kept = nested(MAX_STANZA_DEPTH as usize - 1, "a").replace("deep", "");
        assert_eq!(
            out,
            format!("{HEADER}<message><body>hi</body>{kept}<b/></message><presence/>")
        );
        // What a parser then sees is at most MAX_STANZA_DEPTH deep.
        let stanza = &out[HEADER.len()..out.len() - "<presence/>".len()];
        let element: tokio_xmpp::minidom::Element = stanza
            .replacen("<message>", "<message xmlns='jabber:client'>", 1)
            .parse()
            .unwrap();
        assert_eq!(element.name(), "message");
    }

    #[test]
    fn the_cut_works_across_read_boundaries() {
        let deep = nested(500, "n");
        let xml = format!("{HEADER}<iq type='get' id='1'>{deep}</iq><presence/>");
        let whole = run(&[xml.as_bytes()]);
        for size in [1, 2, 3, 7, 1000] {
            let chunks: Vec<&[u8]> = xml.as_bytes().chunks(size).collect();
            assert_eq!(run(&chunks), whole, "chunks of {size}");
        }
        assert!(whole.ends_with("</iq><presence/>"));
    }

    #[test]
    fn self_closing_and_tricky_tags_beyond_the_limit_are_cut() {
        let open = "<a>".repeat(MAX_STANZA_DEPTH as usize);
        let close = "</a>".repeat(MAX_STANZA_DEPTH as usize);
        let xml = format!(
            "{HEADER}{open}<x y='>'/><z q=\"</a>\">t<![CDATA[</a>]]><!--</a>--></z>{close}<p/>"
        );
        assert_eq!(run(&[xml.as_bytes()]), format!("{HEADER}{open}{close}<p/>"));
    }

    /// Random XML-ish input: the output never nests deeper than the limit,
    /// and input within the limit is passed on unchanged.
    #[test]
    fn output_never_nests_beyond_the_limit() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let pieces: [&[u8]; 10] = [
            b"<a>",
            b"</a>",
            b"<b/>",
            b"text",
            b"'",
            b"\"",
            b"<!--",
            b"-->",
            b"<![CDATA[",
            b"]]>",
        ];
        for _ in 0..200 {
            let mut input = HEADER.as_bytes().to_vec();
            for _ in 0..2000 {
                // Mostly opening tags, to go deep.
                let r = next() as usize % 14;
                input.extend_from_slice(if r >= 10 { pieces[0] } else { pieces[r] });
            }
            let mut g = DepthGuard::default();
            let mut out = Vec::new();
            g.filter(&input, &mut out);
            let mut check = XmlDepth::default();
            let mut max = 0;
            for &b in &out {
                check.step(b);
                max = max.max(check.depth());
            }
            assert!(max <= MAX_DEPTH, "depth {max}");
        }
    }

    #[tokio::test]
    async fn reads_through_the_guard() {
        use tokio::io::AsyncReadExt;
        let xml = format!(
            "{HEADER}<message>{}</message><presence/>",
            nested(5000, "d")
        );
        let mut reader = DepthLimited::new(xml.as_bytes());
        let mut got = String::new();
        reader.read_to_string(&mut got).await.unwrap();
        assert!(got.len() < 2000, "{}", got.len());
        assert!(got.ends_with("</message><presence/>"));
    }
}
