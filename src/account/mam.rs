//! Message Archive Management (XEP-0313) with Result Set Management
//! (XEP-0059): building queries against the user's own archive and reading
//! their results. Pure functions; the paging state lives in `sync.rs`.

use chrono::{DateTime, Utc};
use tokio_xmpp::jid::BareJid;
use tokio_xmpp::parsers::data_forms::{DataForm, DataFormType, Field};
use tokio_xmpp::parsers::iq::Iq;
use tokio_xmpp::parsers::mam::{Fin, Query, QueryId, Result_};
use tokio_xmpp::parsers::message::Message;
use tokio_xmpp::parsers::ns;
use tokio_xmpp::parsers::rsm::SetQuery;

use super::chat::{self, ChatMessage};

/// Where a query pages from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Page {
    /// Forwards, everything after this archive id, or from the archive's
    /// start (catch-up).
    After(Option<String>),
    /// The newest page (first catch-up, when nothing is known yet).
    Newest,
    /// Backwards from this archive id (or the newest page), one conversation
    /// (scrolling up). Ids, not times: archive times have whole seconds only.
    Before {
        with: BareJid,
        before: Option<String>,
    },
    /// Backwards from this archive id (or the newest page) through a whole
    /// archive: a room's, where the archive is the conversation.
    Older(Option<String>),
}

/// A query IQ for one page of at most `max` messages; the IQ id doubles as the
/// query id that marks its result messages.
pub fn query(id: &str, page: &Page, max: usize) -> Iq {
    let mut fields = Vec::new();
    let mut set = SetQuery {
        max: Some(max),
        after: None,
        before: None,
        index: None,
    };
    match page {
        Page::After(after) => set.after = after.clone(),
        // An empty <before/> asks for the last page of the result set.
        Page::Newest => set.before = Some(String::new()),
        Page::Before { with, before } => {
            fields.push(Field::text_single("with", with.as_str()));
            set.before = Some(before.clone().unwrap_or_default());
        }
        Page::Older(before) => set.before = Some(before.clone().unwrap_or_default()),
    }
    let query = Query {
        queryid: Some(QueryId(id.to_owned())),
        node: None,
        form: Some(DataForm::new(DataFormType::Submit, ns::MAM, fields)),
        set: Some(set),
        flip_page: false,
    };
    Iq::from_set(id.to_owned(), query)
}

/// One archived message, as the archive reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct ArchivedMessage {
    pub query_id: String,
    pub message: ChatMessage,
}

/// Why a `<result/>` was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejected {
    /// Not a MAM result at all: handle the stanza as something else.
    NotAResult,
    /// From someone other than our own archive: spoofing.
    ForeignArchive,
    /// A result without a query id or for a query we did not send.
    UnknownQuery,
    /// A result whose payload we do not store (no body, groupchat, …).
    Unstorable,
}

/// Whether a message carries an archive result (cheap: no parsing).
pub fn is_result(msg: &Message) -> bool {
    msg.payloads.iter().any(|p| p.is("result", ns::MAM))
}

/// Reads a `<message><result/></message>` from the user's own archive. Only
/// the account itself (bare JID, or no `from`) may send archive results, and
/// only for queries we sent (`is_ours`); anything else would let others
/// inject history.
pub fn parse_result(
    mut outer: Message,
    own: &BareJid,
    is_ours: impl Fn(&str) -> bool,
    now: DateTime<Utc>,
) -> Result<ArchivedMessage, Rejected> {
    let result = match outer.extract_payload::<Result_>() {
        Ok(Some(r)) => r,
        _ => return Err(Rejected::NotAResult),
    };
    if outer
        .from
        .as_ref()
        .is_some_and(|f| !f.is_bare() || f.to_bare() != *own)
    {
        return Err(Rejected::ForeignArchive);
    }
    let query_id = match result.queryid {
        Some(QueryId(q)) if is_ours(&q) => q,
        _ => return Err(Rejected::UnknownQuery),
    };
    let forwarded = result.forwarded;
    let mut message = chat::parse_chat(forwarded.message, own, now).ok_or(Rejected::Unstorable)?;
    // The archive's id is the stanza-id our server gave the message.
    message.server_id = Some(result.id);
    // The archive's own stamp: our server vouches for it.
    if let Some(delay) = forwarded.delay {
        message.timestamp = crate::xmpp::stamp::sent_at(Some(&delay), |_| true, now);
    }
    Ok(ArchivedMessage { query_id, message })
}

/// The end of one page: the last archive id in it, and whether the result
/// set is exhausted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageEnd {
    pub last: Option<String>,
    pub first: Option<String>,
    pub complete: bool,
}

pub fn parse_fin(payload: Option<tokio_xmpp::minidom::Element>) -> Option<PageEnd> {
    let fin = Fin::try_from(payload?).ok()?;
    Some(PageEnd {
        last: fin.set.last,
        first: fin.set.first.map(|f| f.item),
        complete: fin.complete,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Direction;
    use tokio_xmpp::minidom::Element;

    fn own() -> BareJid {
        "me@example.org".parse().unwrap()
    }

    fn result_from(from: &str, queryid: &str) -> Message {
        let xml = format!(
            "<message xmlns='jabber:client' {from} to='me@example.org/pc'>\
             <result xmlns='urn:xmpp:mam:2' queryid='{queryid}' id='arch1'>\
             <forwarded xmlns='urn:xmpp:forward:0'>\
             <delay xmlns='urn:xmpp:delay' stamp='2021-01-01T10:00:00Z'/>\
             <message xmlns='jabber:client' type='chat' from='bob@example.org/x' to='me@example.org' id='m1'>\
             <body>archived</body></message></forwarded></result></message>"
        );
        let el: Element = xml.parse().unwrap();
        Message::try_from(el).unwrap()
    }

    #[test]
    fn accepts_own_archive_results_for_our_queries() {
        for from in ["from='me@example.org'", ""] {
            let got =
                parse_result(result_from(from, "q1"), &own(), |q| q == "q1", Utc::now()).unwrap();
            assert_eq!(got.query_id, "q1");
            assert_eq!(got.message.server_id.as_deref(), Some("arch1"));
            assert_eq!(got.message.direction, Direction::In);
            assert_eq!(got.message.body, "archived");
            assert_eq!(
                got.message.timestamp.to_rfc3339(),
                "2021-01-01T10:00:00+00:00"
            );
        }
    }

    #[test]
    fn rejects_foreign_archives_and_unknown_queries() {
        let ours = |q: &str| q == "q1";
        for (from, q, why) in [
            ("from='mallory@example.org'", "q1", Rejected::ForeignArchive),
            (
                "from='me@example.org/other'",
                "q1",
                Rejected::ForeignArchive,
            ),
            ("from='example.org'", "q1", Rejected::ForeignArchive),
            ("from='me@example.org'", "q2", Rejected::UnknownQuery),
        ] {
            let got = parse_result(result_from(from, q), &own(), ours, Utc::now());
            assert_eq!(got, Err(why), "{from} {q}");
        }
    }

    #[test]
    fn queries_serialize_paging() {
        let iq = query("q1", &Page::After(Some("a7".into())), 50);
        let xml = String::from(&Element::from(iq));
        assert!(xml.contains("<after>a7</after>"), "{xml}");
        assert!(xml.contains("<max>50</max>"), "{xml}");
        assert!(xml.contains("queryid='q1'"), "{xml}");

        let page = Page::Before {
            with: "bob@example.org".parse().unwrap(),
            before: Some("a3".into()),
        };
        let xml = String::from(&Element::from(query("q2", &page, 20)));
        assert!(xml.contains("<value>bob@example.org</value>"), "{xml}");
        assert!(xml.contains("<before>a3</before>"), "{xml}");
        let xml = String::from(&Element::from(query("q3", &Page::Newest, 20)));
        assert!(
            xml.contains("<before/>") || xml.contains("<before></before>"),
            "{xml}"
        );
    }
}
