//! Open IQ requests: what we asked, whom, and until when.
//!
//! Every request is registered with the entity expected to answer, so an
//! answer from anyone else is ignored here once (anyone may send an IQ
//! result with a guessed id). Requests that get no answer within
//! [`TIMEOUT`] are taken out and handed back to their owner, who treats them
//! like an error answer; at most [`MAX_OPEN`] are open at once, so a server
//! that never answers cannot make the table grow without end.

use std::collections::HashMap;
use std::time::Duration;

use tokio::time::Instant;
use tokio_xmpp::jid::{BareJid, Jid};

/// How long a request may stay unanswered.
pub(super) const TIMEOUT: Duration = Duration::from_secs(60);

/// Most requests open at once: room for the first login with a large
/// roster (an avatar and a caps query for each of a thousand contacts, all
/// sent before the first answers are back), while a server or contact that
/// never answers holds at most this many small entries. A request beyond
/// this is not sent and fails with the next sweep.
pub(super) const MAX_OPEN: usize = 2048;

/// Who may answer a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Responder {
    /// Our own account: its bare JID (any resource), or no `from` (the
    /// server answers for it).
    Account,
    /// Our server: its domain JID, or no `from`.
    Server,
    /// The account with this bare JID (any of its resources); no `from`
    /// only if that is our own.
    Contact(BareJid),
    /// Exactly this JID: one client (a full JID).
    Client(Jid),
}

impl Responder {
    fn matches(&self, from: Option<&Jid>, own: &BareJid) -> bool {
        match self {
            Responder::Account => from.is_none_or(|f| f.to_bare() == *own),
            Responder::Server => from.is_none_or(|f| {
                f.node().is_none() && f.resource().is_none() && f.domain() == own.domain()
            }),
            Responder::Contact(jid) => from.map_or_else(|| own.clone(), Jid::to_bare) == *jid,
            Responder::Client(jid) => from == Some(jid),
        }
    }
}

#[derive(Debug)]
struct Open<P> {
    responder: Responder,
    purpose: P,
    deadline: Instant,
}

/// What an answer with a given id is.
#[derive(Debug, PartialEq)]
pub(super) enum Answer<P> {
    /// The answer to our request for `P`, from the entity we asked: the
    /// request is closed.
    Ours(P),
    /// No open request has this id.
    Unknown,
    /// Someone else answered (logged; the request stays open).
    Spoofed,
}

/// The open requests of one session; `P` says what each is for.
#[derive(Debug)]
pub(super) struct Requests<P> {
    open: HashMap<String, Open<P>>,
    /// Requests refused because the table was full: they fail with the
    /// next sweep.
    refused: Vec<(String, P)>,
}

impl<P> Default for Requests<P> {
    fn default() -> Self {
        Requests {
            open: HashMap::new(),
            refused: Vec::new(),
        }
    }
}

impl<P> Requests<P> {
    /// Registers request `id` for `purpose`, to be answered by `responder`
    /// before `now + TIMEOUT`. Returns false if the table is full: then do
    /// not send it; it fails with the next [`Requests::expire`].
    pub(super) fn open(
        &mut self,
        id: String,
        responder: Responder,
        purpose: P,
        now: Instant,
    ) -> bool {
        if self.open.len() >= MAX_OPEN {
            tracing::warn!(id, "too many open requests; this one is not sent");
            self.refused.push((id, purpose));
            return false;
        }
        self.open.insert(
            id,
            Open {
                responder,
                purpose,
                deadline: now + TIMEOUT,
            },
        );
        true
    }

    /// An answer (result or error) with `id` arrived from `from`; `own` is
    /// our account.
    pub(super) fn answer(&mut self, id: &str, from: Option<&Jid>, own: &BareJid) -> Answer<P> {
        let Some(open) = self.open.get(id) else {
            return Answer::Unknown;
        };
        if !open.responder.matches(from, own) {
            tracing::debug!(
                id,
                from = ?from.map(ToString::to_string),
                expected = ?open.responder,
                "answer from another JID than the one asked ignored"
            );
            return Answer::Spoofed;
        }
        match self.open.remove(id) {
            Some(open) => Answer::Ours(open.purpose),
            None => Answer::Unknown,
        }
    }

    /// Takes out the requests whose time is up at `now` (and those refused
    /// for a full table), for their owners to fail.
    pub(super) fn expire(&mut self, now: Instant) -> Vec<(String, P)> {
        let mut done = std::mem::take(&mut self.refused);
        let late: Vec<String> = self
            .open
            .iter()
            .filter(|(_, o)| o.deadline <= now)
            .map(|(id, _)| id.clone())
            .collect();
        for id in late {
            if let Some(open) = self.open.remove(&id) {
                done.push((id, open.purpose));
            }
        }
        done
    }

    /// Forgets the open requests whose purpose `gone` picks (their owner
    /// is done with them); their answers are then unknown.
    pub(super) fn forget(&mut self, mut gone: impl FnMut(&P) -> bool) {
        self.open.retain(|_, o| !gone(&o.purpose));
        self.refused.retain(|(_, p)| !gone(p));
    }

    /// A new session: nobody will answer the old one's requests.
    pub(super) fn clear(&mut self) {
        self.open.clear();
        self.refused.clear();
    }

    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.open.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn own() -> BareJid {
        "alice@example.org".parse().unwrap()
    }

    fn jid(s: &str) -> Jid {
        s.parse().unwrap()
    }

    #[test]
    fn only_the_entity_asked_may_answer() {
        let now = Instant::now();
        let mut r = Requests::default();
        r.open("a".into(), Responder::Account, 1, now);
        r.open("s".into(), Responder::Server, 2, now);
        let bob: BareJid = "bob@example.net".parse().unwrap();
        r.open("c".into(), Responder::Contact(bob), 3, now);
        r.open(
            "f".into(),
            Responder::Client(jid("bob@example.net/phone")),
            4,
            now,
        );

        for (id, spoofer) in [
            ("a", "mallory@example.org/x"),
            ("a", "example.org"),
            ("s", "alice@example.org"),
            ("s", "other.example"),
            ("s", "example.org/res"),
            ("c", "mallory@example.net"),
            ("c", "example.net"),
            ("f", "bob@example.net"),
            ("f", "bob@example.net/laptop"),
        ] {
            assert_eq!(
                r.answer(id, Some(&jid(spoofer)), &own()),
                Answer::Spoofed,
                "{id} from {spoofer}"
            );
        }
        assert_eq!(r.answer("c", None, &own()), Answer::Spoofed);
        assert_eq!(r.answer("f", None, &own()), Answer::Spoofed);
        assert_eq!(r.len(), 4, "a spoofed answer leaves the request open");

        assert_eq!(
            r.answer("a", Some(&jid("alice@example.org/phone")), &own()),
            Answer::Ours(1)
        );
        assert_eq!(r.answer("s", None, &own()), Answer::Ours(2));
        assert_eq!(
            r.answer("c", Some(&jid("bob@example.net/laptop")), &own()),
            Answer::Ours(3)
        );
        assert_eq!(
            r.answer("f", Some(&jid("bob@example.net/phone")), &own()),
            Answer::Ours(4)
        );
        assert_eq!(
            r.answer("a", None, &own()),
            Answer::Unknown,
            "answered once"
        );
        assert_eq!(r.len(), 0);
    }

    #[test]
    fn unanswered_requests_time_out_and_are_removed() {
        let start = Instant::now();
        let mut r = Requests::default();
        r.open("old".into(), Responder::Account, "roster", start);
        r.open("new".into(), Responder::Server, "ping", start + TIMEOUT / 2);

        assert!(
            r.expire(start + TIMEOUT - Duration::from_secs(1))
                .is_empty()
        );
        assert_eq!(r.expire(start + TIMEOUT), [("old".to_owned(), "roster")]);
        assert_eq!(r.len(), 1);
        assert_eq!(r.answer("old", None, &own()), Answer::Unknown);
        assert_eq!(r.expire(start + TIMEOUT * 2), [("new".to_owned(), "ping")]);
        assert_eq!(r.len(), 0);
    }

    #[test]
    fn a_full_table_refuses_and_reports_with_the_next_sweep() {
        let now = Instant::now();
        let mut r = Requests::default();
        for i in 0..MAX_OPEN {
            assert!(r.open(i.to_string(), Responder::Account, i, now));
        }
        assert!(!r.open("one more".into(), Responder::Account, MAX_OPEN, now));
        assert_eq!(r.len(), MAX_OPEN);
        assert_eq!(r.expire(now), [("one more".to_owned(), MAX_OPEN)]);
        assert!(r.expire(now).is_empty(), "reported once");
    }

    #[test]
    fn a_new_session_clears_everything() {
        let now = Instant::now();
        let mut r = Requests::default();
        r.open("a".into(), Responder::Account, 1, now);
        for i in 0..=MAX_OPEN {
            r.open(format!("x{i}"), Responder::Server, 2, now);
        }
        r.clear();
        assert_eq!(r.len(), 0);
        assert_eq!(r.answer("a", None, &own()), Answer::Unknown);
        assert!(r.expire(now + TIMEOUT * 2).is_empty());
    }
}
