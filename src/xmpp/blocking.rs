//! Blocking (XEP-0191): the list of blocked JIDs our server keeps, its
//! pushes when it changes (also from our other devices), and our requests.
//! A bare domain on the list blocks everyone there.

use std::collections::BTreeSet;

use tokio_xmpp::jid::{BareJid, Jid};
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::blocking::{Block, BlocklistRequest, BlocklistResult, Unblock};
use tokio_xmpp::parsers::iq::Iq;

/// Whether `jid` is covered by `list`: the JID itself or its whole domain.
pub fn covers(list: &BTreeSet<BareJid>, jid: &BareJid) -> bool {
    list.contains(jid)
        || list
            .iter()
            .any(|b| b.node().is_none() && b.domain() == jid.domain())
}

/// The request for the server's list.
pub fn list_request(id: &str) -> Iq {
    Iq::from_get(id.to_owned(), BlocklistRequest)
}

/// The server's list from its answer; `None` if the answer is no list
/// (a server without blocking).
pub fn list(payload: Option<Element>) -> Option<BTreeSet<BareJid>> {
    let result = BlocklistResult::try_from(payload?).ok()?;
    // Blocking is by bare JID: a full JID on the list blocks its account.
    Some(result.items.iter().map(Jid::to_bare).collect())
}

/// Blocks (or unblocks) `jid`.
pub fn change(id: &str, jid: &BareJid, block: bool) -> Iq {
    let items = vec![Jid::from(jid.clone())];
    if block {
        Iq::from_set(id.to_owned(), Block { items })
    } else {
        Iq::from_set(id.to_owned(), Unblock { items })
    }
}

/// A change pushed by our server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Push {
    Block(Vec<BareJid>),
    Unblock(Vec<BareJid>),
    /// An `<unblock/>` without items: the whole list is cleared.
    UnblockAll,
}

/// The push in `payload`, if it is one.
pub fn push(payload: &Element) -> Option<Push> {
    if let Ok(block) = Block::try_from(payload.clone()) {
        return Some(Push::Block(block.items.iter().map(Jid::to_bare).collect()));
    }
    let unblock = Unblock::try_from(payload.clone()).ok()?;
    Some(match unblock.items.is_empty() {
        true => Push::UnblockAll,
        false => Push::Unblock(unblock.items.iter().map(Jid::to_bare).collect()),
    })
}

/// `list` after `push`.
pub fn apply(list: &mut BTreeSet<BareJid>, push: Push) {
    match push {
        Push::Block(jids) => list.extend(jids),
        Push::Unblock(jids) => {
            for j in &jids {
                list.remove(j);
            }
        }
        Push::UnblockAll => list.clear(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xmpp::util::testing::{el, jid};

    #[test]
    fn a_domain_entry_covers_everyone_there() {
        let list: BTreeSet<BareJid> = [jid("spam.example"), jid("eve@x.org")]
            .into_iter()
            .collect();
        let is = |j: &str| covers(&list, &jid(j));
        assert!(is("eve@x.org") && is("anyone@spam.example") && is("spam.example"));
        assert!(!is("bob@x.org"));
    }

    #[test]
    fn requests_read_back_as_pushes() {
        let mut list = BTreeSet::new();
        for (block, want) in [(true, vec![jid("eve@x.org")]), (false, vec![])] {
            let Iq::Set { payload, .. } = change("b1", &jid("eve@x.org"), block) else {
                panic!("not a set")
            };
            let p = push(&payload).unwrap_or_else(|| panic!("a push"));
            apply(&mut list, p);
            assert_eq!(list.iter().cloned().collect::<Vec<_>>(), want);
        }
        let Iq::Get { payload, .. } = list_request("l1") else {
            panic!("not a get")
        };
        assert!(payload.is("blocklist", "urn:xmpp:blocking"));
    }

    #[test]
    fn lists_and_pushes_from_the_server() {
        let answer = el(
            "<blocklist xmlns='urn:xmpp:blocking'><item jid='eve@x.org/pc'/>\
             <item jid='spam.example'/></blocklist>",
        );
        assert_eq!(
            list(Some(answer)),
            Some(
                [jid("eve@x.org"), jid("spam.example")]
                    .into_iter()
                    .collect()
            )
        );
        let mut all: BTreeSet<BareJid> = [jid("eve@x.org")].into_iter().collect();
        let clear = push(&el("<unblock xmlns='urn:xmpp:blocking'/>"));
        assert_eq!(clear, Some(Push::UnblockAll));
        apply(&mut all, Push::UnblockAll);
        assert!(all.is_empty());
    }

    #[test]
    fn malformed_answers_and_pushes_are_none() {
        for xml in [
            "<blocklist xmlns='urn:xmpp:other'/>",
            "<blocklist xmlns='urn:xmpp:blocking'><item/></blocklist>",
            "<blocklist xmlns='urn:xmpp:blocking'><item jid='a@b@c'/></blocklist>",
        ] {
            assert_eq!(list(Some(el(xml))), None, "{xml}");
        }
        assert_eq!(list(None), None);
        for xml in [
            "<block xmlns='urn:xmpp:other'><item jid='eve@x.org'/></block>",
            "<block xmlns='urn:xmpp:blocking'><item jid='@@'/></block>",
            "<query xmlns='jabber:iq:roster'/>",
        ] {
            assert_eq!(push(&el(xml)), None, "{xml}");
        }
    }
}
