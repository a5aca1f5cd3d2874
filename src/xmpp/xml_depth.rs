//! Following the nesting depth of an XMPP stream byte by byte, without
//! parsing it: the link uses it to find the gaps between top-level elements
//! in what it writes (for CSI nonzas), the depth guard to cut over-deep
//! parts out of what it reads. Handles what a stream may carry: quoted
//! attribute values containing `>` or `/`, the stream header opened again
//! after SASL without being closed, and (from other servers) comments,
//! CDATA sections and processing instructions.

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum Lex {
    #[default]
    Text,
    /// Just after `<`.
    Open,
    StartTag,
    EndTag,
    /// `<!` and the few bytes that tell a comment, CDATA or a declaration apart.
    Bang,
    Comment,
    CData,
    /// `<?…?>`, or `<!…>` that is neither a comment nor CDATA.
    Other,
}

const COMMENT_OPEN: &[u8] = b"--";
const CDATA_OPEN: &[u8] = b"[CDATA[";

/// What one byte was, as far as the depth is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Any byte that is none of the below.
    Byte,
    /// A `<`: what it opens is known with the next byte.
    Lt,
    /// The byte after a `<`; `start_tag`: it begins a start tag, which will
    /// be one level deeper than `depth()` is now.
    Opened { start_tag: bool },
    /// The `>` that ended a start or end tag; `depth()` is already updated.
    TagClosed,
}

/// Whether `xml` nests elements deeper than `max` levels, counted on the
/// bytes without building anything.
pub fn nests_deeper_than(xml: &[u8], max: u32) -> bool {
    let mut lexer = XmlDepth::default();
    xml.iter().any(|&b| {
        lexer.step(b);
        lexer.depth() > max
    })
}

#[derive(Debug, Clone, Default)]
pub struct XmlDepth {
    depth: u32,
    lex: Lex,
    quote: Option<u8>,
    /// The last two bytes seen (for `/>`, `-->`, `]]>`).
    prev: [u8; 2],
    /// Bytes of `<!…` seen so far.
    bang: usize,
    /// Start of the start tag's name (only whether it is a stream header matters).
    name: [u8; 16],
    name_len: usize,
    in_name: bool,
}

impl XmlDepth {
    /// Open elements: the stream header is 1, a stanza 2.
    pub fn depth(&self) -> u32 {
        self.depth
    }

    /// Between two top-level elements of an open stream.
    pub fn at_boundary(&self) -> bool {
        self.lex == Lex::Text && self.depth == 1
    }

    /// How many bytes of `buf` to take so the stream ends on the next
    /// boundary (all of it if there is none).
    pub fn bytes_to_boundary(&mut self, buf: &[u8]) -> usize {
        for (i, &b) in buf.iter().enumerate() {
            self.step(b);
            if self.at_boundary() {
                return i + 1;
            }
        }
        buf.len()
    }

    pub fn feed(&mut self, buf: &[u8]) {
        for &b in buf {
            self.step(b);
        }
    }

    pub fn step(&mut self, b: u8) -> Step {
        let step = match self.lex {
            Lex::Text => {
                if b == b'<' {
                    self.lex = Lex::Open;
                    Step::Lt
                } else {
                    Step::Byte
                }
            }
            Lex::Open => {
                let start_tag = !matches!(b, b'/' | b'?' | b'!');
                self.lex = match b {
                    b'/' => Lex::EndTag,
                    b'?' => Lex::Other,
                    b'!' => {
                        self.bang = 0;
                        Lex::Bang
                    }
                    _ => {
                        self.name_len = 0;
                        self.in_name = true;
                        self.push_name(b);
                        Lex::StartTag
                    }
                };
                Step::Opened { start_tag }
            }
            Lex::StartTag | Lex::EndTag => {
                if let Some(q) = self.quote {
                    if b == q {
                        self.quote = None;
                    }
                    Step::Byte
                } else if b == b'"' || b == b'\'' {
                    self.quote = Some(b);
                    Step::Byte
                } else if b == b'>' {
                    self.close_tag(b);
                    Step::TagClosed
                } else {
                    if self.in_name {
                        if b.is_ascii_whitespace() || b == b'/' {
                            self.in_name = false;
                        } else {
                            self.push_name(b);
                        }
                    }
                    Step::Byte
                }
            }
            Lex::Bang => {
                self.bang += 1;
                let seen = self.bang;
                // We stay here only while the bytes so far fit one of the two
                // openings, so the previous byte tells which one.
                let follows = |opening: &[u8]| {
                    seen <= opening.len()
                        && opening[seen - 1] == b
                        && (seen == 1 || self.prev[1] == opening[seen - 2])
                };
                self.lex = if follows(COMMENT_OPEN) {
                    if seen == COMMENT_OPEN.len() {
                        Lex::Comment
                    } else {
                        Lex::Bang
                    }
                } else if follows(CDATA_OPEN) {
                    if seen == CDATA_OPEN.len() {
                        Lex::CData
                    } else {
                        Lex::Bang
                    }
                } else if b == b'>' {
                    Lex::Text
                } else {
                    Lex::Other
                };
                Step::Byte
            }
            Lex::Comment | Lex::CData | Lex::Other => {
                let end = match self.lex {
                    Lex::Comment => self.prev == *b"--" && b == b'>',
                    Lex::CData => self.prev == *b"]]" && b == b'>',
                    _ => b == b'>',
                };
                if end {
                    self.lex = Lex::Text;
                }
                Step::Byte
            }
        };
        self.prev = [self.prev[1], b];
        step
    }

    fn push_name(&mut self, b: u8) {
        if self.name_len < self.name.len() {
            self.name[self.name_len] = b;
        }
        self.name_len += 1;
    }

    /// `>` (the byte `b`) ends the current start or end tag.
    fn close_tag(&mut self, b: u8) {
        debug_assert_eq!(b, b'>');
        match self.lex {
            Lex::StartTag if self.prev[1] == b'/' => {}
            Lex::StartTag => {
                let name = &self.name[..self.name_len.min(self.name.len())];
                let local = name.rsplit(|&c| c == b':').next().unwrap_or(name);
                // A stream restart (after SASL) opens a new header without
                // closing the old one: it is still the top level.
                if self.depth <= 1 && local == b"stream" {
                    self.depth = 1;
                } else {
                    self.depth += 1;
                }
            }
            Lex::EndTag => self.depth = self.depth.saturating_sub(1),
            _ => {}
        }
        self.in_name = false;
        self.lex = Lex::Text;
    }
}
