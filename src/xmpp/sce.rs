//! Stanza Content Encryption (XEP-0420) as OMEMO 2 uses it: the elements
//! to protect go into an `<envelope/>` with affix elements — random
//! padding (`rpad`, hides the length), the sender (`from`, so a server
//! cannot pass one contact's message off as another's), the recipient in
//! rooms (`to`) and optionally the time — and the envelope's bytes are what
//! gets encrypted.
//!
//! A decrypted envelope is still input from the network: it is read with a
//! size and nesting bound, and the caller checks `from` and takes from the
//! content only what it knows.

use chrono::{DateTime, SecondsFormat, Utc};
use tokio_xmpp::jid::{BareJid, Jid};
use tokio_xmpp::minidom::Element;

use super::util::element;
use super::xml_depth::nests_deeper_than;

pub const NS: &str = "urn:xmpp:sce:1";
const CLIENT: &str = "jabber:client";

/// The largest envelope read, in bytes.
pub const MAX_ENVELOPE_BYTES: usize = 256 * 1024;
/// Deeper nesting than this is refused (a message's content is shallow).
const MAX_DEPTH: u32 = 32;

#[derive(Debug, Clone, PartialEq)]
pub struct Envelope {
    /// The protected elements (a `<body/>` in `jabber:client`, …).
    pub content: Vec<Element>,
    pub rpad: String,
    pub from: Option<BareJid>,
    pub to: Option<Jid>,
    pub time: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SceError {
    #[error("the encrypted content is too large ({0} bytes)")]
    TooLarge(usize),
    #[error("the encrypted content nests too deeply")]
    TooDeep,
    #[error("the encrypted content is not XML: {0}")]
    NotXml(String),
    #[error("the encrypted content is not an envelope")]
    NotEnvelope,
    #[error("the encrypted envelope has no content")]
    NoContent,
}

impl Envelope {
    /// An envelope holding a message body, from `from`, padded with `rpad`
    /// (random, chosen by the caller: nothing here draws randomness).
    pub fn with_body(body: &str, from: BareJid, rpad: String) -> Envelope {
        let mut b = Element::builder("body", CLIENT).build();
        b.append_text(body);
        Envelope {
            content: vec![b],
            rpad,
            from: Some(from),
            to: None,
            time: None,
        }
    }

    /// An envelope with no content elements (an OMEMO message that only
    /// moves the ratchet on still has a payload in some clients).
    pub fn body(&self) -> Option<String> {
        self.content
            .iter()
            .find(|c| c.is("body", CLIENT))
            .map(Element::text)
    }

    pub fn to_element(&self) -> Element {
        let mut content = Element::builder("content", NS).build();
        for c in &self.content {
            content.append_child(c.clone());
        }
        let mut rpad = Element::builder("rpad", NS).build();
        rpad.append_text(self.rpad.as_str());
        let mut el = Element::builder("envelope", NS)
            .append(content)
            .append(rpad)
            .build();
        if let Some(time) = self.time {
            let stamp = time.to_rfc3339_opts(SecondsFormat::Millis, true);
            el.append_child(element("time", NS, &[("stamp", &stamp)]));
        }
        if let Some(to) = &self.to {
            el.append_child(element("to", NS, &[("jid", to.as_str())]));
        }
        if let Some(from) = &self.from {
            el.append_child(element("from", NS, &[("jid", from.as_str())]));
        }
        el
    }

    /// The bytes to encrypt.
    pub fn to_bytes(&self) -> Vec<u8> {
        String::from(&self.to_element()).into_bytes()
    }

    /// Reads decrypted bytes. Unknown affixes are ignored; an affix that
    /// does not parse counts as absent (so a check of `from` fails).
    pub fn parse(bytes: &[u8]) -> Result<Envelope, SceError> {
        if bytes.len() > MAX_ENVELOPE_BYTES {
            return Err(SceError::TooLarge(bytes.len()));
        }
        if nests_deeper_than(bytes, MAX_DEPTH) {
            return Err(SceError::TooDeep);
        }
        let text = std::str::from_utf8(bytes).map_err(|e| SceError::NotXml(e.to_string()))?;
        let el: Element = text.parse().map_err(|e| SceError::NotXml(format!("{e}")))?;
        if !el.is("envelope", NS) {
            return Err(SceError::NotEnvelope);
        }
        let content = el
            .get_child("content", NS)
            .ok_or(SceError::NoContent)?
            .children()
            .cloned()
            .collect();
        let affix = |name: &str| el.get_child(name, NS);
        let jid_of = |name: &str| affix(name).and_then(|a| a.attr("jid"));
        Ok(Envelope {
            content,
            rpad: affix("rpad").map(Element::text).unwrap_or_default(),
            from: jid_of("from").and_then(|j| j.parse().ok()),
            to: jid_of("to").and_then(|j| j.parse().ok()),
            time: affix("time")
                .and_then(|t| t.attr("stamp"))
                .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
                .map(|t| t.with_timezone(&Utc)),
        })
    }

    /// Whether the envelope says it is from `sender` (XEP-0384 has `from`
    /// as SHOULD: an envelope without it is accepted, one naming someone
    /// else is not).
    pub fn is_from(&self, sender: &BareJid) -> bool {
        self.from.as_ref().is_none_or(|f| f == sender)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xmpp::util::testing::jid;

    #[test]
    fn an_envelope_round_trips() {
        let mut e =
            Envelope::with_body("Hello <World> & ü", jid("romeo@montague.lit"), "xyz".into());
        e.time = DateTime::from_timestamp_millis(1_700_000_000_123);
        e.to = Some(Jid::new("room@muc.example").unwrap_or_else(|e| panic!("{e}")));
        let back = Envelope::parse(&e.to_bytes()).unwrap();
        assert_eq!(back, e);
        assert_eq!(back.body().as_deref(), Some("Hello <World> & ü"));
        assert!(back.is_from(&jid("romeo@montague.lit")));
        assert!(!back.is_from(&jid("mallory@evil.example")));
    }

    #[test]
    fn the_xep_example_reads() {
        let xml = "<envelope xmlns='urn:xmpp:sce:1'><content>\
                   <body xmlns='jabber:client'>Hello World!</body></content>\
                   <rpad>...</rpad><from jid='romeo@montague.lit'/></envelope>";
        let e = Envelope::parse(xml.as_bytes()).unwrap();
        assert_eq!(e.body().as_deref(), Some("Hello World!"));
        assert_eq!(e.from, Some(jid("romeo@montague.lit")));
    }

    #[test]
    fn hostile_envelopes_are_refused() {
        assert_eq!(
            Envelope::parse(&vec![b' '; MAX_ENVELOPE_BYTES + 1]),
            Err(SceError::TooLarge(MAX_ENVELOPE_BYTES + 1))
        );
        let deep = format!(
            "<envelope xmlns='urn:xmpp:sce:1'><content>{}{}</content></envelope>",
            "<a>".repeat(100),
            "</a>".repeat(100)
        );
        assert_eq!(Envelope::parse(deep.as_bytes()), Err(SceError::TooDeep));
        assert!(matches!(
            Envelope::parse(b"\xff\xfe"),
            Err(SceError::NotXml(_))
        ));
        assert!(matches!(
            Envelope::parse(b"<envelope"),
            Err(SceError::NotXml(_))
        ));
        assert_eq!(
            Envelope::parse(b"<body xmlns='jabber:client'>hi</body>"),
            Err(SceError::NotEnvelope)
        );
        assert_eq!(
            Envelope::parse(b"<envelope xmlns='urn:xmpp:sce:1'><rpad/></envelope>"),
            Err(SceError::NoContent)
        );
        // A broken affix counts as absent.
        let e = Envelope::parse(
            b"<envelope xmlns='urn:xmpp:sce:1'><content/><from jid='@@'/><time stamp='yesterday'/></envelope>",
        )
        .unwrap();
        assert_eq!((e.from, e.time), (None, None));
    }
}
