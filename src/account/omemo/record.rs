//! The sessions we hold with one device: the current one and a few
//! earlier ones, as libsignal's session record keeps them.
//!
//! Why more than one: when both sides start a session at the same time
//! (each wrote before the other's first message arrived), each accepts
//! the other's key exchange and replaces its own; messages already sent
//! on the replaced session still arrive. Decrypting tries the current
//! session, then the earlier ones, and a session that opens a message
//! becomes the current one again, so both sides settle on one session.

use omemo::Session;
use zeroize::Zeroizing;

/// Earlier sessions kept besides the current one.
pub(crate) const PREVIOUS: usize = 4;

const MAGIC: &[u8; 4] = b"OMR\x01";

/// Sessions with one device, the current one first; never empty.
pub(crate) struct Record {
    sessions: Vec<Session>,
}

impl Record {
    pub(crate) fn new(session: Session) -> Record {
        Record {
            sessions: vec![session],
        }
    }

    /// The session we encrypt with.
    pub(crate) fn current(&mut self) -> &mut Session {
        // Never empty: `new`, `from_bytes` and `promote` keep one.
        &mut self.sessions[0]
    }

    pub(crate) fn current_ref(&self) -> &Session {
        &self.sessions[0]
    }

    pub(crate) fn sessions_mut(&mut self) -> impl Iterator<Item = &mut Session> {
        self.sessions.iter_mut()
    }

    /// Makes session `i` the current one.
    pub(crate) fn promote(&mut self, i: usize) {
        if i > 0 && i < self.sessions.len() {
            let s = self.sessions.remove(i);
            self.sessions.insert(0, s);
        }
    }

    /// A new session (from a key exchange) becomes the current one; the
    /// oldest earlier one goes beyond [`PREVIOUS`].
    pub(crate) fn replace(&mut self, session: Session) {
        self.sessions.insert(0, session);
        self.sessions.truncate(PREVIOUS + 1);
    }

    /// Storage form: `"OMR" 1`, then per session its length (u32,
    /// big-endian) and `Session::to_bytes`.
    pub(crate) fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        let mut out = Zeroizing::new(MAGIC.to_vec());
        for s in &self.sessions {
            let bytes = s.to_bytes();
            let len = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
            out.extend_from_slice(&len.to_be_bytes());
            out.extend_from_slice(&bytes);
        }
        out
    }

    /// Reads [`Record::to_bytes`], or a single `Session::to_bytes`; None
    /// if nothing in it is a session.
    pub(crate) fn from_bytes(bytes: &[u8]) -> Option<Record> {
        let Some(mut rest) = bytes.strip_prefix(MAGIC.as_slice()) else {
            return Session::from_bytes(bytes).ok().map(Record::new);
        };
        let mut sessions = Vec::new();
        while rest.len() >= 4 {
            let (len, tail) = rest.split_at(4);
            let len = u32::from_be_bytes([len[0], len[1], len[2], len[3]]) as usize;
            if tail.len() < len {
                break;
            }
            let (one, tail) = tail.split_at(len);
            // An unreadable earlier session is dropped, the others kept.
            if let Ok(s) = Session::from_bytes(one) {
                sessions.push(s);
            }
            rest = tail;
        }
        (!sessions.is_empty()).then_some(Record { sessions })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use omemo::{Bundle, IdentityKeyPair, PreKey, SignedPreKey, Version};
    use rand_core::OsRng;

    fn session() -> Session {
        let ours = IdentityKeyPair::generate(&mut OsRng);
        let theirs = IdentityKeyPair::generate(&mut OsRng);
        let spk = SignedPreKey::generate(&theirs, Version::V2, 1, 0, &mut OsRng);
        let pk = PreKey::generate(1, &mut OsRng);
        let bundle = Bundle::own(Version::V2, &theirs, &spk, std::slice::from_ref(&pk));
        Session::initiate(&ours, &bundle, &mut OsRng).unwrap()
    }

    #[test]
    fn records_round_trip_and_keep_a_bounded_history() {
        let first = session();
        let first_bytes = first.to_bytes();
        let mut r = Record::new(first);
        for _ in 0..PREVIOUS + 3 {
            r.replace(session());
        }
        assert_eq!(r.sessions.len(), PREVIOUS + 1);
        let back = Record::from_bytes(&r.to_bytes()).unwrap();
        assert_eq!(back.sessions.len(), PREVIOUS + 1);
        assert_eq!(
            back.current_ref().to_bytes().as_slice(),
            r.current_ref().to_bytes().as_slice()
        );
        // A lone session (the first format) reads as a record of one.
        assert_eq!(Record::from_bytes(&first_bytes).unwrap().sessions.len(), 1);
        // Garbage and truncation never panic.
        assert!(Record::from_bytes(b"OMR\x01\xff\xff\xff\xff").is_none());
        assert!(Record::from_bytes(b"").is_none());
        let bytes = r.to_bytes();
        for cut in 0..bytes.len().min(200) {
            let _ = Record::from_bytes(&bytes[..cut]);
        }
    }

    #[test]
    fn promote_makes_a_session_current() {
        let mut r = Record::new(session());
        let b = session();
        let b_bytes = b.to_bytes();
        r.replace(b);
        r.replace(session());
        r.promote(1);
        assert_eq!(r.current_ref().to_bytes().as_slice(), b_bytes.as_slice());
    }
}
