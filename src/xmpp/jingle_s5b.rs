//! Jingle SOCKS5 bytestreams (XEP-0260) and the parts of SOCKS5
//! bytestreams (XEP-0065) they reuse: candidates we offer and read, their
//! priorities, the DST.ADDR both ends must agree on, which candidate wins,
//! and the requests to a server's proxy (XEP-0065 §4, §6). No I/O: the
//! connections themselves are in `files::socks5`.
//!
//! How a transfer goes: each side offers candidates (its own addresses,
//! `direct`, and perhaps a server's proxy, `proxy`), connects to the
//! other's in order of priority, and reports the first that worked
//! (`candidate-used`) or that none did (`candidate-error`). [`select`]
//! decides from both reports. A `proxy` winner is activated by the side
//! that offered it ([`Activate`]), which then says `activated`.
//!
//! The facts checked against the XEPs:
//! - DST.ADDR is `SHA1(SID + requester JID + target JID)` (XEP-0065 §5.3.2),
//!   hex, with the transport's `sid` (not the Jingle session's). In Jingle
//!   the side that *offered* a candidate is the requester for it
//!   (XEP-0260 §2.2 and its note): connections to the initiator's
//!   candidates use `SHA1(sid + initiator + responder)`, to the responder's
//!   `SHA1(sid + responder + initiator)`. Full JIDs, as the IQs use them.
//! - Priority is `(type preference << 16) + local preference` with
//!   direct 126, assisted 120, tunnel 110, proxy 10 (XEP-0260 §2.2).
//! - Both sides' reports decide (XEP-0260 §2.4): both errors → fall back;
//!   one error → the other's candidate-used; both used → the higher
//!   priority; equal priorities → the candidate the *initiator* chose.

use std::cmp::Reverse;
use std::collections::HashSet;

use sha1::{Digest, Sha1};
use tokio_xmpp::jid::Jid;
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::disco::DiscoInfoResult;
use tokio_xmpp::parsers::jingle::{self, Jingle};
use tokio_xmpp::parsers::jingle_s5b::{self as s5b, CandidateId, Mode, StreamId, TransportPayload};

use super::util::{ParseError, element, required_attr};

/// XEP-0260's namespace, also the caps feature a peer must advertise.
pub const NS: &str = "urn:xmpp:jingle:transports:s5b:1";
/// XEP-0065 (proxy discovery, address request, activation).
pub const NS_BYTESTREAMS: &str = "http://jabber.org/protocol/bytestreams";
/// The port of a candidate or streamhost that names none (XEP-0065 schema).
pub const DEFAULT_PORT: u16 = 1080;
/// A peer's candidates beyond this many (the best kept) are ignored: each
/// one is a connection attempt, and a stranger decides how many it sends.
pub const MAX_CANDIDATES: usize = 16;
/// Longest host name (DNS) or address text taken from a peer.
const MAX_HOST: usize = 253;
/// SOCKS5 carries DST.ADDR with a one-byte length.
const MAX_DSTADDR: usize = 255;

/// How a candidate reaches its host (XEP-0260 §2.2 "Defined Types").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// One of the offerer's own interfaces.
    Direct,
    /// A port mapped with NAT-PMP or UPnP-IGD.
    Assisted,
    /// A tunnel such as Teredo.
    Tunnel,
    /// A SOCKS5 relay (XEP-0065 proxy).
    Proxy,
}

impl Kind {
    /// The type preference of XEP-0260 §2.2.
    pub fn type_preference(self) -> u32 {
        match self {
            Kind::Direct => 126,
            Kind::Assisted => 120,
            Kind::Tunnel => 110,
            Kind::Proxy => 10,
        }
    }

    fn from_wire(t: &s5b::Type) -> Kind {
        match t {
            s5b::Type::Direct => Kind::Direct,
            s5b::Type::Assisted => Kind::Assisted,
            s5b::Type::Tunnel => Kind::Tunnel,
            s5b::Type::Proxy => Kind::Proxy,
        }
    }

    fn to_wire(self) -> s5b::Type {
        match self {
            Kind::Direct => s5b::Type::Direct,
            Kind::Assisted => s5b::Type::Assisted,
            Kind::Tunnel => s5b::Type::Tunnel,
            Kind::Proxy => s5b::Type::Proxy,
        }
    }
}

/// A candidate's priority: `(type preference << 16) + local preference`
/// (XEP-0260 §2.2). The local preference orders candidates of one kind.
pub fn priority(kind: Kind, local_preference: u16) -> u32 {
    (kind.type_preference() << 16) + u32::from(local_preference)
}

/// The SOCKS5 DST.ADDR of stream `sid`: lowercase hex
/// `SHA1(sid + requester + target)` (XEP-0065 §5.3.2).
///
/// In Jingle (XEP-0260 §2.2) the requester is whoever *offered* the
/// candidate being connected to: for our candidates (a peer connecting to
/// our listener, or both of us to our proxy) `dstaddr(sid, us, peer)`, for
/// the peer's candidates `dstaddr(sid, peer, us)`. `sid` is the transport's
/// stream id; the JIDs are the full JIDs of the Jingle session.
pub fn dstaddr(sid: &str, requester: &Jid, target: &Jid) -> String {
    let mut hash = Sha1::new();
    hash.update(sid.as_bytes());
    hash.update(requester.as_str().as_bytes());
    hash.update(target.as_str().as_bytes());
    format!("{:x}", hash.finalize())
}

/// A candidate as we offer it or read it from a peer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub cid: String,
    /// An IP address (IPv6 without brackets) or a host name.
    pub host: String,
    pub port: u16,
    /// The offerer's full JID (direct) or the proxy's JID (proxy).
    pub jid: Jid,
    pub priority: u32,
    pub kind: Kind,
}

impl Candidate {
    fn to_wire(&self) -> s5b::Candidate {
        s5b::Candidate::new(
            CandidateId(self.cid.clone()),
            self.host.clone(),
            self.jid.clone(),
            self.priority,
        )
        .with_port(self.port)
        .with_type(self.kind.to_wire())
    }

    /// A peer's candidate, or None if it cannot be used (no id, no usable
    /// host, port 0).
    fn from_wire(c: &s5b::Candidate) -> Option<Candidate> {
        let cid = c.cid.0.trim();
        if cid.is_empty() || cid.len() > 256 {
            return None;
        }
        let port = c.port.unwrap_or(DEFAULT_PORT);
        if port == 0 {
            return None;
        }
        Some(Candidate {
            cid: cid.to_owned(),
            host: clean_host(&c.host)?,
            port,
            jid: c.jid.clone(),
            priority: c.priority,
            kind: Kind::from_wire(&c.type_),
        })
    }
}

/// A host as a peer or proxy names it: an IP address or a DNS name, IPv6
/// brackets taken off; None for anything else (spaces, URLs, scope ids).
fn clean_host(host: &str) -> Option<String> {
    let host = host.trim();
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '_');
    (!host.is_empty() && host.len() <= MAX_HOST && host.chars().all(allowed))
        .then(|| host.to_owned())
}

/// A fresh candidate id.
pub fn new_cid() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// Our direct candidates: one per host (our addresses, best first; the
/// local preference falls in that order), all on one listening `port`.
pub fn direct_candidates(hosts: &[String], port: u16, us: &Jid) -> Vec<Candidate> {
    hosts
        .iter()
        .enumerate()
        .map(|(i, host)| Candidate {
            cid: new_cid(),
            host: host.clone(),
            port,
            jid: us.clone(),
            priority: priority(
                Kind::Direct,
                u16::MAX.saturating_sub(u16::try_from(i).unwrap_or(u16::MAX)),
            ),
            kind: Kind::Direct,
        })
        .collect()
}

/// Our transport offering `candidates` (in session-initiate,
/// session-accept or transport-info) for stream `sid` between `us` and
/// `peer`. It carries our DST.ADDR when a proxy is among them, so the peer
/// can give the proxy the same (XEP-0260 §2.2). TCP is the default mode and
/// not written (the responder must not write one).
pub fn offer(sid: &str, candidates: &[Candidate], us: &Jid, peer: &Jid) -> s5b::Transport {
    let mut t = s5b::Transport::new(StreamId(sid.to_owned())).with_payload(
        TransportPayload::Candidates(candidates.iter().map(Candidate::to_wire).collect()),
    );
    if candidates.iter().any(|c| c.kind == Kind::Proxy) {
        t = t.with_dstaddr(dstaddr(sid, us, peer));
    }
    t
}

fn with_payload(sid: &str, payload: TransportPayload) -> s5b::Transport {
    s5b::Transport::new(StreamId(sid.to_owned())).with_payload(payload)
}

/// `candidate-used`: we connected to the peer's candidate `cid`.
pub fn candidate_used(sid: &str, cid: &str) -> s5b::Transport {
    with_payload(
        sid,
        TransportPayload::CandidateUsed(CandidateId(cid.to_owned())),
    )
}

/// `candidate-error`: none of the peer's candidates worked (or none is
/// worth trying any more, see [`worth_trying`]).
pub fn candidate_error(sid: &str) -> s5b::Transport {
    with_payload(sid, TransportPayload::CandidateError)
}

/// `activated`: the proxy candidate `cid` we offered is activated.
pub fn activated(sid: &str, cid: &str) -> s5b::Transport {
    with_payload(
        sid,
        TransportPayload::Activated(CandidateId(cid.to_owned())),
    )
}

/// `proxy-error`: we cannot reach the nominated proxy.
pub fn proxy_error(sid: &str) -> s5b::Transport {
    with_payload(sid, TransportPayload::ProxyError)
}

/// What a peer's transport element says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Info {
    /// Its candidates, highest priority first (at most
    /// [`MAX_CANDIDATES`]; unusable ones left out). May be empty: the
    /// responder may send its candidates later, or none.
    Candidates(Vec<Candidate>),
    /// It connected to our candidate with this id.
    CandidateUsed(String),
    /// It could not connect to any of ours.
    CandidateError,
    /// It activated its proxy candidate with this id.
    Activated(String),
    /// It cannot reach the nominated proxy.
    ProxyError,
}

/// A peer's SOCKS5 transport, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerTransport {
    /// The stream id: the account checks it is the session's.
    pub sid: String,
    /// The DST.ADDR the peer computed for its proxy candidates, if it sent
    /// one. Ours, `dstaddr(sid, peer, us)`, is the same unless the peer
    /// sees the JIDs differently.
    pub dstaddr: Option<String>,
    pub info: Info,
}

impl PeerTransport {
    /// The candidates it offers (none if it says something else).
    pub fn candidates(&self) -> Vec<Candidate> {
        match &self.info {
            Info::Candidates(c) => c.clone(),
            _ => Vec::new(),
        }
    }
}

/// Why a peer's transport is not taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    #[error("not a SOCKS5 bytestream transport: {0}")]
    Malformed(String),
    #[error("the transport has no stream id")]
    NoSid,
    #[error("UDP bytestreams are not supported")]
    Udp,
}

/// Reads a peer's transport (from a Jingle content).
pub fn read(t: &s5b::Transport) -> Result<PeerTransport, TransportError> {
    let sid = t.sid.0.trim();
    if sid.is_empty() {
        return Err(TransportError::NoSid);
    }
    if t.mode == Mode::Udp {
        return Err(TransportError::Udp);
    }
    let cid = |c: &CandidateId| c.0.trim().to_owned();
    let info = match &t.payload {
        TransportPayload::Candidates(list) => {
            let mut seen = HashSet::new();
            let mut candidates: Vec<Candidate> = list
                .iter()
                .filter_map(Candidate::from_wire)
                // A cid names one candidate; a repeated one is ignored.
                .filter(|c| seen.insert(c.cid.clone()))
                .collect();
            // Stable: candidates of equal priority keep the peer's order.
            candidates.sort_by_key(|c| Reverse(c.priority));
            candidates.truncate(MAX_CANDIDATES);
            Info::Candidates(candidates)
        }
        TransportPayload::None => Info::Candidates(Vec::new()),
        TransportPayload::CandidateUsed(c) => Info::CandidateUsed(cid(c)),
        TransportPayload::CandidateError => Info::CandidateError,
        TransportPayload::Activated(c) => Info::Activated(cid(c)),
        TransportPayload::ProxyError => Info::ProxyError,
    };
    let dstaddr = t
        .dstaddr
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty() && d.len() <= MAX_DSTADDR && d.is_ascii())
        .map(str::to_owned);
    Ok(PeerTransport {
        sid: sid.to_owned(),
        dstaddr,
        info,
    })
}

/// Reads a `<transport xmlns='urn:xmpp:jingle:transports:s5b:1'/>` element.
pub fn parse(el: &Element) -> Result<PeerTransport, TransportError> {
    let t = s5b::Transport::try_from(el.clone())
        .map_err(|e| TransportError::Malformed(e.to_string()))?;
    read(&t)
}

/// The SOCKS5 transport of a Jingle stanza's (first such) content.
pub fn transport_of(j: &Jingle) -> Option<&s5b::Transport> {
    j.contents.iter().find_map(|c| match &c.transport {
        Some(jingle::Transport::Socks5(t)) => Some(t),
        _ => None,
    })
}

/// Looks a candidate up by its id.
pub fn by_cid<'c>(candidates: &'c [Candidate], cid: &str) -> Option<&'c Candidate> {
    candidates.iter().find(|c| c.cid == cid)
}

/// The candidate both sides use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selected<'c> {
    /// One of the peer's candidates, which we connected to.
    Theirs(&'c Candidate),
    /// One of ours, which the peer connected to.
    Ours(&'c Candidate),
    /// Both reported candidate-error: fall back to another transport.
    Fallback,
}

/// The nominated candidate once both sides reported (XEP-0260 §2.4).
/// `we_used` is the peer's candidate we sent candidate-used for (None: we
/// sent candidate-error), `they_used` ours that the peer sent
/// candidate-used for (None: it sent candidate-error). Both used: the
/// higher priority wins, on equal priority the initiator's choice — ours
/// if `we_initiated`.
pub fn select<'c>(
    we_used: Option<&'c Candidate>,
    they_used: Option<&'c Candidate>,
    we_initiated: bool,
) -> Selected<'c> {
    match (we_used, they_used) {
        (None, None) => Selected::Fallback,
        (Some(theirs), None) => Selected::Theirs(theirs),
        (None, Some(ours)) => Selected::Ours(ours),
        (Some(theirs), Some(ours)) => {
            if theirs.priority > ours.priority || (theirs.priority == ours.priority && we_initiated)
            {
                Selected::Theirs(theirs)
            } else {
                Selected::Ours(ours)
            }
        }
    }
}

/// After the peer's candidate-used of `they_used` (one of ours): whether
/// connecting to the peer's `candidate` can still change the outcome
/// (XEP-0260 §2.3): only if it would win [`select`]. When none is left
/// that is, we send candidate-error.
pub fn worth_trying(candidate: &Candidate, they_used: &Candidate, we_initiated: bool) -> bool {
    matches!(
        select(Some(candidate), Some(they_used), we_initiated),
        Selected::Theirs(_)
    )
}

/// Whether a disco#info answer is a SOCKS5 bytestreams proxy (XEP-0065
/// §4: identity category `proxy`, type `bytestreams`).
pub fn is_proxy(info: &DiscoInfoResult) -> bool {
    info.identities
        .iter()
        .any(|i| i.category == "proxy" && i.type_ == "bytestreams")
}

/// The IQ-get payload asking a proxy for its network address (XEP-0065
/// §4). Without `sid`: since XEP-0065 1.8 the request names no stream (a
/// proxy need not keep state for a stream that may never come).
pub fn streamhost_request() -> Element {
    element("query", NS_BYTESTREAMS, &[])
}

/// A SOCKS5 streamhost (a proxy's network address) as a proxy announces it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamHost {
    pub jid: Jid,
    /// An IP address or a host name (Prosody's proxy65 gives its name).
    pub host: String,
    pub port: u16,
}

impl StreamHost {
    /// Our proxy candidate through this streamhost.
    pub fn candidate(&self, local_preference: u16) -> Candidate {
        Candidate {
            cid: new_cid(),
            host: self.host.clone(),
            port: self.port,
            jid: self.jid.clone(),
            priority: priority(Kind::Proxy, local_preference),
            kind: Kind::Proxy,
        }
    }
}

impl TryFrom<&Element> for StreamHost {
    type Error = ParseError;

    fn try_from(el: &Element) -> Result<StreamHost, ParseError> {
        if !el.is("streamhost", NS_BYTESTREAMS) {
            return Err(ParseError::NotThisPayload);
        }
        let jid = required_attr(el, "jid")?
            .parse::<Jid>()
            .map_err(|_| ParseError::BadAttribute("jid"))?;
        let host =
            clean_host(&required_attr(el, "host")?).ok_or(ParseError::BadAttribute("host"))?;
        let port = match el.attr("port") {
            None => DEFAULT_PORT,
            Some(p) => p
                .trim()
                .parse::<u16>()
                .ok()
                .filter(|p| *p != 0)
                .ok_or(ParseError::BadAttribute("port"))?,
        };
        Ok(StreamHost { jid, host, port })
    }
}

impl From<&StreamHost> for Element {
    fn from(s: &StreamHost) -> Element {
        element(
            "streamhost",
            NS_BYTESTREAMS,
            &[
                ("jid", s.jid.as_str()),
                ("host", &s.host),
                ("port", &s.port.to_string()),
            ],
        )
    }
}

/// The streamhosts of a proxy's answer to [`streamhost_request`]; the
/// malformed ones are left out (an empty list: no usable address).
pub fn streamhosts(query: &Element) -> Result<Vec<StreamHost>, ParseError> {
    if !query.is("query", NS_BYTESTREAMS) {
        return Err(ParseError::NotThisPayload);
    }
    Ok(query
        .children()
        .filter_map(|c| StreamHost::try_from(c).ok())
        .take(MAX_CANDIDATES)
        .collect())
}

/// The IQ-set payload activating stream `sid` at a proxy, to which both
/// we and `target` (the peer's full JID) are connected (XEP-0065 §6.3.5).
/// `sid` is the transport's stream id: the proxy matches
/// `SHA1(sid + our JID + target)` against the DST.ADDR of both
/// connections. (XEP-0260's activation example shows the Jingle session
/// id there; the DST.ADDR it must match is made from the stream id.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activate {
    pub sid: String,
    pub target: Jid,
}

impl From<&Activate> for Element {
    fn from(a: &Activate) -> Element {
        let mut query = element("query", NS_BYTESTREAMS, &[("sid", &a.sid)]);
        query.append_child(
            Element::builder("activate", NS_BYTESTREAMS)
                .append(a.target.to_string())
                .build(),
        );
        query
    }
}

impl TryFrom<&Element> for Activate {
    type Error = ParseError;

    fn try_from(el: &Element) -> Result<Activate, ParseError> {
        if !el.is("query", NS_BYTESTREAMS) {
            return Err(ParseError::NotThisPayload);
        }
        let sid = required_attr(el, "sid")?;
        let target = el
            .get_child("activate", NS_BYTESTREAMS)
            .ok_or(ParseError::MissingAttribute("activate"))?
            .text();
        let target = target
            .trim()
            .parse::<Jid>()
            .map_err(|_| ParseError::BadAttribute("activate"))?;
        Ok(Activate { sid, target })
    }
}

/// [`Activate`] as an element: `<query sid><activate>target</activate></query>`.
pub fn activate(sid: &str, target: &Jid) -> Element {
    Element::from(&Activate {
        sid: sid.to_owned(),
        target: target.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio_xmpp::parsers::disco::Identity;

    fn jid(s: &str) -> Jid {
        s.parse().unwrap_or_else(|e| panic!("{e}"))
    }

    fn xml(s: &str) -> Element {
        s.parse().unwrap_or_else(|e| panic!("{e}: {s}"))
    }

    /// Through XML and back, as the peer reads it.
    fn wire(t: s5b::Transport) -> PeerTransport {
        let text = String::from(&Element::from(t));
        parse(&xml(&text)).unwrap_or_else(|e| panic!("{e}: {text}"))
    }

    fn cand(cid: &str, priority: u32) -> Candidate {
        Candidate {
            cid: cid.into(),
            host: "192.0.2.1".into(),
            port: 5086,
            jid: jid("romeo@montague.lit/orchard"),
            priority,
            kind: Kind::Direct,
        }
    }

    const ROMEO: &str = "romeo@montague.lit/orchard";
    const JULIET: &str = "juliet@capulet.lit/balcony";

    /// The values of XEP-0260's own examples.
    #[test]
    fn dstaddr_is_the_xeps() {
        let (romeo, juliet) = (jid(ROMEO), jid(JULIET));
        // Romeo (initiator) offered it: SHA1("vj3hs98y" + Romeo + Juliet).
        assert_eq!(
            dstaddr("vj3hs98y", &romeo, &juliet),
            "972b7bf47291ca609517f67f86b5081086052dad"
        );
        // Juliet (responder) offered it: the other way round.
        assert_eq!(
            dstaddr("vj3hs98y", &juliet, &romeo),
            "1a12fb7bc625e55f3ed5b29a53dbe0e4aa7d80ba"
        );
    }

    #[test]
    fn priorities_follow_the_type_preferences() {
        assert_eq!(priority(Kind::Direct, 0), 126 << 16);
        assert_eq!(priority(Kind::Assisted, 0), 120 << 16);
        assert_eq!(priority(Kind::Tunnel, 0), 110 << 16);
        assert_eq!(priority(Kind::Proxy, 0), 655_360);
        // XEP-0260's first example: direct, local preference 100.
        assert_eq!(priority(Kind::Direct, 100), 8_257_636);
        // No overflow at the top; every direct beats every proxy.
        assert_eq!(priority(Kind::Direct, u16::MAX), 126 * 65536 + 65535);
        assert!(priority(Kind::Proxy, u16::MAX) < priority(Kind::Tunnel, 0));
        let direct = direct_candidates(&["192.0.2.7".into(), "::1".into()], 4000, &jid(ROMEO));
        assert_eq!(direct.len(), 2);
        assert!(direct[0].priority > direct[1].priority);
        assert_ne!(direct[0].cid, direct[1].cid);
        assert!(
            direct
                .iter()
                .all(|c| c.port == 4000 && c.kind == Kind::Direct)
        );
    }

    #[test]
    fn an_offer_reads_back_sorted_with_its_dstaddr() {
        let (romeo, juliet) = (jid(ROMEO), jid(JULIET));
        let mut ours = direct_candidates(&["192.0.2.7".into()], 4000, &romeo);
        let proxy = StreamHost {
            jid: jid("proxy.montague.lit"),
            host: "proxy.montague.lit".into(),
            port: 5000,
        };
        ours.insert(0, proxy.candidate(0));
        let got = wire(offer("st1", &ours, &romeo, &juliet));
        assert_eq!(got.sid, "st1");
        assert_eq!(got.dstaddr, Some(dstaddr("st1", &romeo, &juliet)));
        let Info::Candidates(theirs) = got.info else {
            panic!("{:?}", got.info)
        };
        // Best first: the direct one before the proxy.
        assert_eq!(theirs, vec![ours[1].clone(), ours[0].clone()]);
        assert_eq!(theirs[1].host, "proxy.montague.lit");

        // Without a proxy, no dstaddr.
        let got = wire(offer("st1", &ours[1..], &romeo, &juliet));
        assert_eq!(got.dstaddr, None);
    }

    #[test]
    fn the_other_payloads_read_back() {
        assert_eq!(
            wire(candidate_used("s", "c1")).info,
            Info::CandidateUsed("c1".into())
        );
        assert_eq!(wire(candidate_error("s")).info, Info::CandidateError);
        assert_eq!(
            wire(activated("s", "c2")).info,
            Info::Activated("c2".into())
        );
        assert_eq!(wire(proxy_error("s")).info, Info::ProxyError);
        let empty = xml(&format!("<transport xmlns='{NS}' sid='s'/>"));
        assert_eq!(parse(&empty).map(|t| t.info), Ok(Info::Candidates(vec![])));
    }

    /// XEP-0260's session-accept example, with a named proxy host.
    #[test]
    fn a_peers_transport_is_read() {
        let t = xml(&format!(
            "<transport xmlns='{NS}' dstaddr='1a12fb7bc625e55f3ed5b29a53dbe0e4aa7d80ba' sid='vj3hs98y'>\
             <candidate cid='ht567dq' host='192.169.1.10' jid='{JULIET}' port='6539' priority='8257636' type='direct'/>\
             <candidate cid='grt654q2' host='2001:638:708:30c9:219:d1ff:fea4:a17d' jid='{JULIET}' port='6539' priority='8257606' type='direct'/>\
             <candidate cid='hr65dqyd' host='134.102.201.180' jid='{JULIET}' port='16453' priority='7929856' type='assisted'/>\
             <candidate cid='pzv14s74' host='proxy.marlowe.lit' jid='proxy.marlowe.lit' port='7676' priority='7788877' type='proxy'/>\
             <candidate cid='nop' host='192.0.2.9' jid='{JULIET}' priority='9000000'/>\
             </transport>"
        ));
        let got = parse(&t).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            got.dstaddr.as_deref(),
            Some("1a12fb7bc625e55f3ed5b29a53dbe0e4aa7d80ba")
        );
        let Info::Candidates(c) = got.info else {
            panic!("{:?}", got.info)
        };
        let order: Vec<&str> = c.iter().map(|c| c.cid.as_str()).collect();
        assert_eq!(
            order,
            ["nop", "ht567dq", "grt654q2", "hr65dqyd", "pzv14s74"]
        );
        // No port: 1080; no type: direct.
        assert_eq!((c[0].port, c[0].kind), (DEFAULT_PORT, Kind::Direct));
        assert_eq!(c[3].kind, Kind::Assisted);
        assert_eq!(
            (c[4].host.as_str(), c[4].kind),
            ("proxy.marlowe.lit", Kind::Proxy)
        );
        assert_eq!(by_cid(&c, "hr65dqyd").map(|c| c.port), Some(16453));
        assert_eq!(by_cid(&c, "zzz"), None);
    }

    #[test]
    fn malformed_transports_are_errors_not_panics() {
        let t = |inner: &str, attrs: &str| {
            parse(&xml(&format!(
                "<transport xmlns='{NS}' {attrs}>{inner}</transport>"
            )))
        };
        let c = |attrs: &str| t(&format!("<candidate {attrs}/>"), "sid='s'");
        let ok = "cid='a' host='192.0.2.1' jid='a@b.c/d' port='1' priority='1'";
        assert!(c(ok).is_ok());
        for bad in [
            "host='192.0.2.1' jid='a@b.c/d' priority='1'", // no cid
            "cid='a' jid='a@b.c/d' priority='1'",          // no host
            "cid='a' host='192.0.2.1' priority='1'",       // no jid
            "cid='a' host='192.0.2.1' jid='a@b.c/d'",      // no priority
            "cid='a' host='h' jid='a@b.c/d' priority='4294967296'", // huge
            "cid='a' host='h' jid='a@b.c/d' priority='-1'",
            "cid='a' host='h' jid='a@b.c/d' priority='1' port='65536'",
            "cid='a' host='h' jid='a@b.c/d' priority='1' port='x'",
            "cid='a' host='h' jid='@@' priority='1'",
            "cid='a' host='h' jid='a@b.c/d' priority='1' type='carrier-pigeon'",
        ] {
            assert!(matches!(c(bad), Err(TransportError::Malformed(_))), "{bad}");
        }
        assert!(matches!(t("", ""), Err(TransportError::Malformed(_))));
        assert_eq!(t("", "sid=' '").map(|_| ()), Err(TransportError::NoSid));
        assert_eq!(
            t("", "sid='s' mode='udp'").map(|_| ()),
            Err(TransportError::Udp)
        );
        assert!(matches!(
            t("<candidate-used/>", "sid='s'"),
            Err(TransportError::Malformed(_))
        ));
        assert!(matches!(
            t("<candidate-error/><proxy-error/>", "sid='s'"),
            Err(TransportError::Malformed(_))
        ));
        assert!(matches!(
            parse(&xml(
                "<transport xmlns='urn:xmpp:jingle:transports:ibb:1' sid='s'/>"
            )),
            Err(TransportError::Malformed(_))
        ));
    }

    #[test]
    fn unusable_candidates_are_left_out() {
        let list = |cands: &str| {
            let got = parse(&xml(&format!(
                "<transport xmlns='{NS}' sid='s'>{cands}</transport>"
            )))
            .unwrap_or_else(|e| panic!("{e}"));
            match got.info {
                Info::Candidates(c) => c,
                other => panic!("{other:?}"),
            }
        };
        let j = "jid='a@b.c/d' priority='5'";
        let got = list(&format!(
            "<candidate cid='port0' host='192.0.2.1' port='0' {j}/>\
             <candidate cid='url' host='http://x/' {j}/>\
             <candidate cid='space' host='a b' {j}/>\
             <candidate cid='empty' host='' {j}/>\
             <candidate cid=' ' host='192.0.2.1' {j}/>\
             <candidate cid='v6' host='[2001:db8::1]' {j}/>\
             <candidate cid='v6' host='192.0.2.2' {j}/>"
        ));
        assert_eq!(got.len(), 1);
        assert_eq!(
            (got[0].cid.as_str(), got[0].host.as_str()),
            ("v6", "2001:db8::1")
        );

        let many: String = (0..100)
            .map(|i| {
                format!("<candidate cid='c{i}' host='192.0.2.1' jid='a@b.c/d' priority='{i}'/>")
            })
            .collect();
        let got = list(&many);
        assert_eq!(got.len(), MAX_CANDIDATES);
        assert_eq!(got[0].cid, "c99");
    }

    #[test]
    fn the_selection_follows_xep_0260() {
        let theirs = cand("t", 100);
        let ours = cand("o", 100);
        let their_high = cand("th", 200);
        let our_high = cand("oh", 200);
        for initiator in [true, false] {
            // Both errors: fall back.
            assert_eq!(select(None, None, initiator), Selected::Fallback);
            // One error: the other's candidate-used.
            assert_eq!(
                select(Some(&theirs), None, initiator),
                Selected::Theirs(&theirs)
            );
            assert_eq!(select(None, Some(&ours), initiator), Selected::Ours(&ours));
            // Different priorities: the higher, whoever chose it.
            assert_eq!(
                select(Some(&their_high), Some(&ours), initiator),
                Selected::Theirs(&their_high)
            );
            assert_eq!(
                select(Some(&theirs), Some(&our_high), initiator),
                Selected::Ours(&our_high)
            );
        }
        // Equal priorities: the initiator's choice. We initiated: what we
        // chose (their candidate); they did: what they chose (ours).
        assert_eq!(
            select(Some(&theirs), Some(&ours), true),
            Selected::Theirs(&theirs)
        );
        assert_eq!(
            select(Some(&theirs), Some(&ours), false),
            Selected::Ours(&ours)
        );
        // Both ends come to the same candidate.
        for (a, b) in [(&theirs, &ours), (&their_high, &ours), (&theirs, &our_high)] {
            let initiator_view = select(Some(a), Some(b), true);
            let responder_view = select(Some(b), Some(a), false);
            let cid = |s: Selected| match s {
                Selected::Theirs(c) | Selected::Ours(c) => c.cid.clone(),
                Selected::Fallback => String::new(),
            };
            assert_eq!(cid(initiator_view), cid(responder_view));
        }
        // Worth trying after their candidate-used: only what would win.
        assert!(worth_trying(&their_high, &ours, false));
        assert!(!worth_trying(&theirs, &our_high, true));
        assert!(worth_trying(&theirs, &ours, true));
        assert!(!worth_trying(&theirs, &ours, false));
    }

    #[test]
    fn a_proxy_is_found_asked_and_activated() {
        let mut info = DiscoInfoResult {
            node: None,
            identities: vec![Identity::new(
                "proxy",
                "bytestreams",
                "en",
                "SOCKS5 Bytestreams Service",
            )],
            features: [NS_BYTESTREAMS.to_owned()].into_iter().collect(),
            extensions: vec![],
        };
        assert!(is_proxy(&info));
        info.identities = vec![Identity::new("server", "im", "en", "x")];
        assert!(!is_proxy(&info));

        let req = streamhost_request();
        assert!(req.is("query", NS_BYTESTREAMS));
        assert_eq!(req.attr("sid"), None);

        // Prosody's mod_proxy65 answers with its host name.
        let answer = xml(&format!(
            "<query xmlns='{NS_BYTESTREAMS}'>\
             <streamhost jid='proxy.example.org' host='proxy.example.org' port='5000'/>\
             <streamhost jid='proxy.example.org' host='192.0.2.5'/>\
             <streamhost host='192.0.2.6' port='1'/>\
             <streamhost jid='proxy.example.org' host='192.0.2.6' port='0'/>\
             <streamhost jid='proxy.example.org' host='192.0.2.6' port='99999'/>\
             <streamhost jid='proxy.example.org' port='1'/>\
             <streamhost jid='proxy.example.org' host='bad host' port='1'/>\
             </query>"
        ));
        let hosts = streamhosts(&answer).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            hosts,
            vec![
                StreamHost {
                    jid: jid("proxy.example.org"),
                    host: "proxy.example.org".into(),
                    port: 5000
                },
                StreamHost {
                    jid: jid("proxy.example.org"),
                    host: "192.0.2.5".into(),
                    port: DEFAULT_PORT
                },
            ]
        );
        // Round trip of one streamhost.
        let el = Element::from(&hosts[0]);
        assert_eq!(StreamHost::try_from(&el), Ok(hosts[0].clone()));
        assert_eq!(
            StreamHost::try_from(&xml(&format!(
                "<streamhost xmlns='{NS_BYTESTREAMS}' host='h'/>"
            ))),
            Err(ParseError::MissingAttribute("jid"))
        );
        assert_eq!(
            streamhosts(&xml(
                "<query xmlns='http://jabber.org/protocol/disco#info'/>"
            )),
            Err(ParseError::NotThisPayload)
        );
        let c = hosts[0].candidate(7);
        assert_eq!(
            (c.kind, c.priority),
            (Kind::Proxy, priority(Kind::Proxy, 7))
        );

        let a = activate("vj3hs98y", &jid(JULIET));
        let text = String::from(&a);
        assert!(
            text.contains("<activate>juliet@capulet.lit/balcony</activate>"),
            "{text}"
        );
        assert_eq!(
            Activate::try_from(&xml(&text)),
            Ok(Activate {
                sid: "vj3hs98y".into(),
                target: jid(JULIET)
            })
        );
        for bad in [
            format!("<query xmlns='{NS_BYTESTREAMS}'><activate>a@b.c/d</activate></query>"),
            format!("<query xmlns='{NS_BYTESTREAMS}' sid='s'/>"),
            format!("<query xmlns='{NS_BYTESTREAMS}' sid='s'><activate>@@</activate></query>"),
        ] {
            assert!(Activate::try_from(&xml(&bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn transport_of_finds_the_s5b_content() {
        let (romeo, juliet) = (jid(ROMEO), jid(JULIET));
        let content =
            jingle::Content::new(jingle::Creator::Initiator, jingle::ContentId("file".into()))
                .with_transport(offer("st", &[], &romeo, &juliet));
        let j = Jingle::new(jingle::Action::TransportInfo, jingle::SessionId("s".into()))
            .add_content(content);
        let text = String::from(&Element::from(j));
        let j = Jingle::try_from(xml(&text)).unwrap_or_else(|e| panic!("{e}"));
        let t = transport_of(&j).map(read);
        assert_eq!(t.map(|t| t.map(|t| t.sid)), Some(Ok("st".to_owned())));
    }
}
