//! Jingle file transfer (XEP-0234): the session's stanzas as typed
//! values, no I/O (issue 24). A file is offered with `session-initiate`
//! (its name, size, type and SHA-256), accepted with `session-accept`, and
//! ended with `session-terminate` and a reason; the bytes go over SOCKS5
//! (XEP-0260, `xmpp::jingle_s5b`) or in IBB blocks (XEP-0261,
//! `xmpp::ibb`), and a SOCKS5 session that finds no connection falls back
//! to in-band with `transport-replace`.
//!
//! What an offer must carry to be taken: exactly one content with a
//! file-transfer description whose file has a name and a size, and an IBB
//! transport with a usable block size or a SOCKS5 transport. Anything else is refused with the
//! reason ([`OfferError`]) — the account answers it with
//! `session-terminate` (`unsupported-applications` / `-transports`).

use tokio_xmpp::jid::Jid;
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::hashes::{Algo, Hash};
use tokio_xmpp::parsers::ibb::{Stanza, StreamId};
use tokio_xmpp::parsers::jingle::{
    Action, Content, ContentId, Creator, Description, Jingle, Reason, ReasonElement, SessionId,
    Transport,
};
use tokio_xmpp::parsers::jingle_ft;
use tokio_xmpp::parsers::jingle_ibb;

/// Jingle itself (XEP-0166), a caps feature too.
pub const NS_JINGLE: &str = "urn:xmpp:jingle:1";
/// XEP-0234's namespace, also the caps feature a peer must advertise.
pub const NS: &str = "urn:xmpp:jingle:apps:file-transfer:5";
/// XEP-0261 (Jingle IBB), the transport's caps feature.
pub const NS_IBB: &str = "urn:xmpp:jingle:transports:ibb:1";

/// The IBB block size we offer and accept at most (XEP-0047 recommends
/// 4096; servers limit stanza sizes, base64 adds a third).
pub const MAX_BLOCK: u16 = 32 * 1024;
/// Smaller blocks than this make a transfer needlessly slow: refused.
pub const MIN_BLOCK: u16 = 512;
/// Longer names are refused (the account makes the name safe too).
const MAX_NAME: usize = 1024;

/// A file as offered: what the receiver is asked to accept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferedFile {
    pub name: String,
    pub size: u64,
    pub media_type: Option<String>,
    /// SHA-256 of the whole file (XEP-0300), checked on receipt.
    pub sha256: Option<[u8; 32]>,
}

/// A `session-initiate` offering a file, in-band or over SOCKS5.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    pub sid: String,
    /// The content's name (echoed in the answer).
    pub content: String,
    pub file: OfferedFile,
    /// The transport's stream id, and the IBB block size (also what an
    /// in-band fallback of a SOCKS5 offer would use).
    pub stream: String,
    pub block_size: u16,
    /// The offerer's SOCKS5 transport (XEP-0260), if it offered that.
    pub s5b: Option<crate::xmpp::jingle_s5b::PeerTransport>,
}

/// Why an offer is not taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OfferError {
    #[error("not a session-initiate")]
    NotAnOffer,
    #[error("the offer must hold exactly one content")]
    Contents,
    #[error("the content is not a file transfer")]
    NotAFile,
    #[error("the offered file has no name or no size")]
    Incomplete,
    #[error("no in-band bytestream transport is offered")]
    Transport,
    #[error("the block size {0} is out of range")]
    BlockSize(u16),
}

impl OfferError {
    /// The reason the answering `session-terminate` gives.
    pub fn reason(&self) -> Reason {
        match self {
            OfferError::Transport | OfferError::BlockSize(_) => Reason::UnsupportedTransports,
            _ => Reason::UnsupportedApplications,
        }
    }
}

/// The file-transfer description of `file` (XEP-0234 §3).
fn description(file: &OfferedFile) -> Element {
    let mut f = jingle_ft::File::new()
        .with_name(file.name.clone())
        .with_size(file.size);
    if let Some(t) = &file.media_type {
        f = f.with_media_type(t.clone());
    }
    if let Some(h) = &file.sha256 {
        f = f.add_hash(Hash::new(Algo::Sha_256, h.to_vec()));
    }
    Element::from(jingle_ft::Description { file: f })
}

/// Our offer of `file` (session `sid`) over `transport`, from
/// `initiator` (our full JID).
pub fn offer(sid: &str, initiator: &Jid, file: &OfferedFile, transport: Transport) -> Jingle {
    let description = description(file);
    let content = Content::new(Creator::Initiator, ContentId(CONTENT.to_owned()))
        .with_description(Description::Unknown(description))
        .with_transport(transport);
    Jingle::new(Action::SessionInitiate, SessionId(sid.to_owned()))
        .with_initiator(initiator.clone())
        .add_content(content)
}

/// The content name of our offers.
pub const CONTENT: &str = "file";

/// An in-band transport (XEP-0261) for stream `stream`.
pub fn ibb_transport(stream: &str, block_size: u16) -> Transport {
    Transport::Ibb(jingle_ibb::Transport {
        block_size,
        sid: StreamId(stream.to_owned()),
        stanza: Stanza::Iq,
    })
}

/// Reads a received `session-initiate` offering a file.
pub fn parse_offer(jingle: &Jingle) -> Result<Offer, OfferError> {
    if jingle.action != Action::SessionInitiate {
        return Err(OfferError::NotAnOffer);
    }
    let [content] = jingle.contents.as_slice() else {
        return Err(OfferError::Contents);
    };
    let file = match &content.description {
        Some(Description::Unknown(e)) if e.is("description", NS) => {
            jingle_ft::Description::try_from(e.clone())
                .map_err(|_| OfferError::NotAFile)?
                .file
        }
        _ => return Err(OfferError::NotAFile),
    };
    let name = file
        .name
        .filter(|n| !n.trim().is_empty() && n.len() <= MAX_NAME)
        .ok_or(OfferError::Incomplete)?;
    let size = file.size.ok_or(OfferError::Incomplete)?;
    let sha256 = file
        .hashes
        .iter()
        .filter(|h| h.algo == Algo::Sha_256)
        .find_map(|h| <[u8; 32]>::try_from(h.hash.as_slice()).ok());
    let media_type = file
        .media_type
        .filter(|t| t.len() <= 255 && t.contains('/'));
    let (stream, block_size, s5b) = match &content.transport {
        Some(Transport::Ibb(t)) => (t.sid.0.clone(), t.block_size, None),
        Some(Transport::Socks5(t)) => {
            let t = crate::xmpp::jingle_s5b::read(t).map_err(|_| OfferError::Transport)?;
            (t.sid.clone(), MAX_BLOCK, Some(t))
        }
        _ => return Err(OfferError::Transport),
    };
    if block_size < MIN_BLOCK {
        return Err(OfferError::BlockSize(block_size));
    }
    Ok(Offer {
        sid: jingle.sid.0.clone(),
        content: content.name.0.clone(),
        file: OfferedFile {
            name,
            size,
            media_type,
            sha256,
        },
        stream,
        block_size: block_size.min(MAX_BLOCK),
        s5b,
    })
}

/// Our `session-accept` of `offer`, from `responder` (our full JID), with
/// `transport`: in-band the offer's stream with a block size no larger
/// than offered (XEP-0261 §2), or our SOCKS5 candidates.
pub fn accept(offer: &Offer, responder: &Jid, transport: Transport) -> Jingle {
    let mut jingle = content_action(Action::SessionAccept, &offer.sid, &offer.content, transport)
        .with_responder(responder.clone());
    // The file accepted, as XEP-0234's examples repeat it (some clients
    // read it there).
    if let Some(content) = jingle.contents.first_mut() {
        content.description = Some(Description::Unknown(description(&offer.file)));
    }
    jingle
}

/// A session action about the transport of content `content`:
/// `transport-info` (SOCKS5 candidate reports), `transport-replace` and
/// `transport-accept` (the fallback to in-band, XEP-0260 §3).
pub fn content_action(action: Action, sid: &str, content: &str, transport: Transport) -> Jingle {
    let content =
        Content::new(Creator::Initiator, ContentId(content.to_owned())).with_transport(transport);
    Jingle::new(action, SessionId(sid.to_owned())).add_content(content)
}

/// The in-band transport a `transport-replace` proposes: its stream id
/// and block size (capped to ours).
pub fn ibb_of(jingle: &Jingle) -> Option<(String, u16)> {
    jingle.contents.iter().find_map(|c| match &c.transport {
        Some(Transport::Ibb(t)) if t.block_size >= MIN_BLOCK => {
            Some((t.sid.0.clone(), t.block_size.min(MAX_BLOCK)))
        }
        _ => None,
    })
}

/// Ends session `sid` with `reason` (`success`, `decline`, `cancel`,
/// `media-error` for a hash mismatch, …).
pub fn terminate(sid: &str, reason: Reason) -> Jingle {
    Jingle::new(Action::SessionTerminate, SessionId(sid.to_owned())).set_reason(ReasonElement {
        reason,
        texts: Default::default(),
    })
}

/// The block size an accepted session uses: the answer's (never above
/// what we offered).
pub fn accepted_block_size(jingle: &Jingle) -> Option<u16> {
    if jingle.action != Action::SessionAccept {
        return None;
    }
    jingle.contents.iter().find_map(|c| match &c.transport {
        Some(Transport::Ibb(t)) if t.block_size >= MIN_BLOCK => Some(t.block_size.min(MAX_BLOCK)),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jid(s: &str) -> Jid {
        s.parse().unwrap_or_else(|e| panic!("{e}"))
    }

    fn file() -> OfferedFile {
        OfferedFile {
            name: "Protokoll März.pdf".into(),
            size: 1_234_567,
            media_type: Some("application/pdf".into()),
            sha256: Some([7; 32]),
        }
    }

    /// Through XML and back, as a peer reads it.
    fn wire(j: Jingle) -> Jingle {
        let xml = String::from(&Element::from(j));
        let el: Element = xml.parse().unwrap_or_else(|e| panic!("{e}: {xml}"));
        Jingle::try_from(el).unwrap_or_else(|e| panic!("{e}: {xml}"))
    }

    #[test]
    fn an_offer_reads_back_and_is_accepted_with_its_stream() {
        let sent = wire(offer(
            "s1",
            &jid("alice@example.org/pc"),
            &file(),
            ibb_transport("ibb1", MAX_BLOCK),
        ));
        let got = parse_offer(&sent).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(got.file, file());
        assert_eq!((got.sid.as_str(), got.stream.as_str()), ("s1", "ibb1"));
        assert_eq!(got.block_size, MAX_BLOCK);
        let answer = wire(accept(
            &got,
            &jid("bob@example.org/laptop"),
            ibb_transport(&got.stream, got.block_size),
        ));
        assert_eq!(answer.action, Action::SessionAccept);
        assert!(
            matches!(&answer.contents[0].description, Some(Description::Unknown(d)) if d.is("description", NS)),
            "the accept repeats the file"
        );
        assert_eq!(accepted_block_size(&answer), Some(MAX_BLOCK));
        let end = wire(terminate("s1", Reason::Success));
        assert_eq!(end.reason.map(|r| r.reason), Some(Reason::Success));
    }

    /// An offer as Gajim/Dino/Conversations word it (XEP-0234 example),
    /// with a block size larger than ours: taken, capped.
    #[test]
    fn a_peers_offer_is_read() {
        let xml = "<jingle xmlns='urn:xmpp:jingle:1' action='session-initiate' \
             initiator='romeo@montague.example/dr4hcr0st3lup4c' sid='851ba2'>\
             <content creator='initiator' name='a-file-offer' senders='initiator'>\
             <description xmlns='urn:xmpp:jingle:apps:file-transfer:5'><file>\
             <date>1969-07-21T02:56:15Z</date><desc>This is a test.</desc>\
             <media-type>text/plain</media-type><name>test.txt</name><size>6144</size>\
             <hash xmlns='urn:xmpp:hashes:2' algo='sha-1'>w0mcJylzCn+AfvuGdqkty2+KP48=</hash>\
             </file></description>\
             <transport xmlns='urn:xmpp:jingle:transports:ibb:1' block-size='65535' sid='vj3hs98y'/>\
             </content></jingle>";
        let j = Jingle::try_from(xml.parse::<Element>().unwrap_or_else(|e| panic!("{e}")))
            .unwrap_or_else(|e| panic!("{e}"));
        let o = parse_offer(&j).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(o.file.name, "test.txt");
        assert_eq!(o.file.size, 6144);
        assert_eq!(o.file.sha256, None, "only SHA-256 is checked");
        assert_eq!(
            (o.content.as_str(), o.stream.as_str()),
            ("a-file-offer", "vj3hs98y")
        );
        assert_eq!(o.block_size, MAX_BLOCK);
    }

    #[test]
    fn offers_that_cannot_be_taken_say_why() {
        let ok = offer(
            "s",
            &jid("a@example.org/x"),
            &file(),
            ibb_transport("st", MAX_BLOCK),
        );
        let with = |f: &dyn Fn(&mut Jingle)| {
            let mut j = ok.clone();
            f(&mut j);
            parse_offer(&wire(j))
        };
        assert_eq!(
            with(&|j| j.action = Action::SessionAccept),
            Err(OfferError::NotAnOffer)
        );
        assert_eq!(
            with(&|j| j.contents.push(j.contents[0].clone())),
            Err(OfferError::Contents)
        );
        assert_eq!(with(&|j| j.contents.clear()), Err(OfferError::Contents));
        assert_eq!(
            with(&|j| j.contents[0].description = None),
            Err(OfferError::NotAFile)
        );
        assert_eq!(
            with(&|j| j.contents[0].transport = None),
            Err(OfferError::Transport)
        );
        assert_eq!(
            with(&|j| j.contents[0].transport = Some(ibb_transport("st", 16))),
            Err(OfferError::BlockSize(16))
        );
        assert_eq!(
            OfferError::BlockSize(16).reason(),
            Reason::UnsupportedTransports
        );
        assert_eq!(
            OfferError::NotAFile.reason(),
            Reason::UnsupportedApplications
        );
        // No size, or an empty name.
        for f in [
            "<file><name>a.txt</name></file>",
            "<file><name> </name><size>5</size></file>",
            "<file><size>5</size></file>",
        ] {
            let description: Element = format!("<description xmlns='{NS}'>{f}</description>")
                .parse()
                .unwrap_or_else(|e| panic!("{e}"));
            let got = with(&|j| {
                j.contents[0].description = Some(Description::Unknown(description.clone()))
            });
            assert_eq!(got, Err(OfferError::Incomplete), "{f}");
        }
    }
}
