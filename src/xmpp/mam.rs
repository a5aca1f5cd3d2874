//! Message Archive Management (XEP-0313) with Result Set Management
//! (XEP-0059): building queries against an archive (our own, or a room's)
//! and reading its results and the `<fin/>` that ends a page. The paging
//! state lives in `account/sync.rs` and `account/muc/history.rs`.
//!
//! Archive results are history written into our conversations, so only the
//! archive we asked may send them: anything else would let others inject
//! messages. `open_result` checks the sender and the query id.

use chrono::{DateTime, Utc};
use tokio_xmpp::jid::BareJid;
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::data_forms::{DataForm, DataFormType, Field};
use tokio_xmpp::parsers::delay::Delay;
use tokio_xmpp::parsers::iq::Iq;
use tokio_xmpp::parsers::mam::{Fin, Query, QueryId, Result_};
use tokio_xmpp::parsers::message::Message;
use tokio_xmpp::parsers::ns;
use tokio_xmpp::parsers::rsm::SetQuery;

use super::chat::{self, ParsedChat};
use super::stamp;

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
/// query id that marks its result messages. Addressed to nobody (our own
/// archive); a room's query gets the room as `to`. With `start`, only
/// messages the archive has from then on (an account that keeps messages
/// for a while fetches nothing it would delete again).
pub fn query(id: &str, page: &Page, max: usize, start: Option<DateTime<Utc>>) -> Iq {
    let mut fields = Vec::new();
    if let Some(start) = start {
        let stamp = start.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        fields.push(Field::text_single("start", &stamp));
    }
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

/// Why a `<result/>` was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejected {
    /// Not a MAM result at all: handle the stanza as something else.
    NotAResult,
    /// From someone other than the archive we asked: spoofing.
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

/// One result as the archive sent it, its sender and query checked.
#[derive(Debug, Clone, PartialEq)]
pub struct ArchiveResult {
    /// The query (= IQ id) it answers.
    pub query_id: String,
    /// The archive's id of the message: the stanza-id the archive's owner
    /// (our server, the room) gave it.
    pub archive_id: String,
    /// The archived message, as it was sent.
    pub message: Message,
    /// The archive's stamp of the message.
    pub delay: Option<Delay>,
}

impl ArchiveResult {
    /// When the message was sent, by the archive's stamp (the archive
    /// vouches for it; still never in the future), if it gave one.
    pub fn stamp(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.delay
            .as_ref()
            .map(|d| stamp::sent_at(Some(d), |_| true, now))
    }
}

/// Opens a `<message><result/></message>` from `archive`. Only the archive
/// itself may send its results: a `from` other than its bare JID (another
/// account, one of our resources, a room occupant) is spoofing; no `from`
/// is the account's own server. Only results for queries we sent
/// (`is_ours`) count.
pub fn open_result(
    mut outer: Message,
    archive: &BareJid,
    is_ours: impl Fn(&str) -> bool,
) -> Result<ArchiveResult, Rejected> {
    let result = match outer.extract_payload::<Result_>() {
        Ok(Some(r)) => r,
        _ => return Err(Rejected::NotAResult),
    };
    if outer
        .from
        .as_ref()
        .is_some_and(|f| !f.is_bare() || f.to_bare() != *archive)
    {
        return Err(Rejected::ForeignArchive);
    }
    let query_id = match result.queryid {
        Some(QueryId(q)) if is_ours(&q) => q,
        _ => return Err(Rejected::UnknownQuery),
    };
    Ok(ArchiveResult {
        query_id,
        archive_id: result.id,
        message: result.forwarded.message,
        delay: result.forwarded.delay,
    })
}

/// One chat message from the user's own archive.
#[derive(Debug, Clone, PartialEq)]
pub struct ArchivedChat {
    pub query_id: String,
    pub message: ParsedChat,
}

/// Reads a result from the user's own archive (`own`, see `open_result`)
/// as a 1:1 chat message, with the archive's id and stamp.
pub fn parse_result(
    outer: Message,
    own: &BareJid,
    is_ours: impl Fn(&str) -> bool,
    now: DateTime<Utc>,
) -> Result<ArchivedChat, Rejected> {
    let result = open_result(outer, own, is_ours)?;
    let stamp = result.stamp(now);
    let mut message = chat::parse_chat(result.message, own, now).ok_or(Rejected::Unstorable)?;
    // The archive's id is the stanza-id our server gave the message.
    message.server_id = Some(result.archive_id);
    if let Some(stamp) = stamp {
        message.timestamp = stamp;
    }
    Ok(ArchivedChat {
        query_id: result.query_id,
        message,
    })
}

/// The end of one page: the first and last archive ids in it, and whether
/// the result set is exhausted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageEnd {
    pub last: Option<String>,
    pub first: Option<String>,
    pub complete: bool,
}

/// The `<fin/>` of a query's answer; `None` for anything else.
pub fn parse_fin(payload: Option<Element>) -> Option<PageEnd> {
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
    use crate::xmpp::chat::Direction;
    use crate::xmpp::util::testing::message;

    fn own() -> BareJid {
        "me@example.org".parse().unwrap_or_else(|e| panic!("{e}"))
    }

    fn result_from(from: &str, queryid: &str) -> Message {
        message(&format!(
            "<message xmlns='jabber:client' {from} to='me@example.org/pc'>\
             <result xmlns='urn:xmpp:mam:2' queryid='{queryid}' id='arch1'>\
             <forwarded xmlns='urn:xmpp:forward:0'>\
             <delay xmlns='urn:xmpp:delay' stamp='2021-01-01T10:00:00Z'/>\
             <message xmlns='jabber:client' type='chat' from='bob@example.org/x' to='me@example.org' id='m1'>\
             <body>archived</body></message></forwarded></result></message>"
        ))
    }

    #[test]
    fn accepts_own_archive_results_for_our_queries() {
        for from in ["from='me@example.org'", ""] {
            let got = parse_result(result_from(from, "q1"), &own(), |q| q == "q1", Utc::now())
                .unwrap_or_else(|e| panic!("{e:?}"));
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
    fn room_results_only_from_the_room() {
        let room: BareJid = "team@muc.example.org"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
        let ours = |q: &str| q == "q1";
        let got = open_result(
            result_from("from='team@muc.example.org'", "q1"),
            &room,
            ours,
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(got.archive_id, "arch1");
        assert_eq!(
            got.stamp(Utc::now()).map(|s| s.to_rfc3339()).as_deref(),
            Some("2021-01-01T10:00:00+00:00")
        );
        // An occupant (the room's JID with a nick) is not the room.
        for (from, why) in [
            ("from='team@muc.example.org/bob'", Rejected::ForeignArchive),
            ("from='other@muc.example.org'", Rejected::ForeignArchive),
        ] {
            assert_eq!(
                open_result(result_from(from, "q1"), &room, ours),
                Err(why),
                "{from}"
            );
        }
    }

    #[test]
    fn malformed_results_are_rejected() {
        let ours = |_: &str| true;
        // No query id, an empty result, another namespace, nothing at all.
        for (xml, why) in [
            (
                "<message xmlns='jabber:client'><result xmlns='urn:xmpp:mam:2' id='a'>\
                 <forwarded xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client'/>\
                 </forwarded></result></message>",
                Rejected::UnknownQuery,
            ),
            (
                "<message xmlns='jabber:client'><result xmlns='urn:xmpp:mam:2' queryid='q' id='a'/></message>",
                Rejected::NotAResult,
            ),
            (
                "<message xmlns='jabber:client'><result xmlns='urn:xmpp:mam:1' queryid='q' id='a'>\
                 <forwarded xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client'/>\
                 </forwarded></result></message>",
                Rejected::NotAResult,
            ),
            ("<message xmlns='jabber:client'/>", Rejected::NotAResult),
        ] {
            let msg = message(xml);
            assert_eq!(
                open_result(msg.clone(), &own(), ours).map(|_| ()),
                Err(why.clone()),
                "{xml}"
            );
            assert_eq!(
                parse_result(msg, &own(), ours, Utc::now()).map(|_| ()),
                Err(why)
            );
        }
        // A result whose message is a groupchat or has no body is no chat.
        let groupchat = message(
            "<message xmlns='jabber:client'><result xmlns='urn:xmpp:mam:2' queryid='q' id='a'>\
             <forwarded xmlns='urn:xmpp:forward:0'>\
             <message xmlns='jabber:client' type='groupchat' from='r@m/x'><body>b</body></message>\
             </forwarded></result></message>",
        );
        assert_eq!(
            parse_result(groupchat, &own(), ours, Utc::now()).map(|_| ()),
            Err(Rejected::Unstorable)
        );
        // A stamp from the future is the arrival time.
        let future = message(
            "<message xmlns='jabber:client'><result xmlns='urn:xmpp:mam:2' queryid='q' id='a'>\
             <forwarded xmlns='urn:xmpp:forward:0'>\
             <delay xmlns='urn:xmpp:delay' stamp='2999-01-01T00:00:00Z'/>\
             <message xmlns='jabber:client' type='chat' from='bob@example.org/x'><body>b</body></message>\
             </forwarded></result></message>",
        );
        let now = Utc::now();
        let got = parse_result(future, &own(), ours, now).map(|m| m.message.timestamp);
        assert_eq!(got, Ok(now));
    }

    #[test]
    fn queries_serialize_paging() {
        let iq = query("q1", &Page::After(Some("a7".into())), 50, None);
        let xml = String::from(&Element::from(iq));
        assert!(xml.contains("<after>a7</after>"), "{xml}");
        assert!(xml.contains("<max>50</max>"), "{xml}");
        assert!(xml.contains("queryid='q1'"), "{xml}");

        let page = Page::Before {
            with: "bob@example.org".parse().unwrap_or_else(|e| panic!("{e}")),
            before: Some("a3".into()),
        };
        let xml = String::from(&Element::from(query("q2", &page, 20, None)));
        assert!(xml.contains("<value>bob@example.org</value>"), "{xml}");
        assert!(xml.contains("<before>a3</before>"), "{xml}");
        let xml = String::from(&Element::from(query("q3", &Page::Newest, 20, None)));
        assert!(
            xml.contains("<before/>") || xml.contains("<before></before>"),
            "{xml}"
        );
    }

    #[test]
    fn a_start_asks_only_for_what_the_archive_has_since() {
        let start = DateTime::parse_from_rfc3339("2026-11-07T09:30:00.250Z")
            .unwrap_or_else(|e| panic!("{e}"))
            .with_timezone(&Utc);
        let iq = query("q1", &Page::Newest, 20, Some(start));
        let Iq::Set { payload, .. } =
            Iq::try_from(Element::from(iq)).unwrap_or_else(|e| panic!("{e}"))
        else {
            panic!("not a set")
        };
        let q = Query::try_from(payload).unwrap_or_else(|e| panic!("{e}"));
        let form = q.form.unwrap_or_else(|| panic!("no form"));
        assert_eq!(form.form_type(), Some(ns::MAM));
        let field = form
            .fields
            .iter()
            .find(|f| f.var.as_deref() == Some("start"));
        assert_eq!(
            field.map(|f| f.values.clone()),
            Some(vec!["2026-11-07T09:30:00Z".to_owned()])
        );
        let without = String::from(&Element::from(query("q2", &Page::Newest, 20, None)));
        assert!(!without.contains("start"), "{without}");
    }

    #[test]
    fn queries_read_back_as_queries() {
        for page in [
            Page::After(None),
            Page::Newest,
            Page::Older(Some("a1".into())),
        ] {
            let iq = Iq::try_from(Element::from(query("q1", &page, 10, None)))
                .unwrap_or_else(|e| panic!("{e}"));
            let Iq::Set { id, payload, .. } = iq else {
                panic!("not a set")
            };
            assert_eq!(id, "q1");
            let q = Query::try_from(payload).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(q.queryid, Some(QueryId("q1".into())));
            assert_eq!(q.set.and_then(|s| s.max), Some(10));
        }
    }

    #[test]
    fn fins_read_back_and_junk_is_no_page_end() {
        let fin: Element = "<fin xmlns='urn:xmpp:mam:2' complete='true'>\
             <set xmlns='http://jabber.org/protocol/rsm'><first index='0'>a1</first>\
             <last>a9</last></set></fin>"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            parse_fin(Some(fin)),
            Some(PageEnd {
                last: Some("a9".into()),
                first: Some("a1".into()),
                complete: true,
            })
        );
        let empty: Element =
            "<fin xmlns='urn:xmpp:mam:2'><set xmlns='http://jabber.org/protocol/rsm'/></fin>"
                .parse()
                .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            parse_fin(Some(empty)),
            Some(PageEnd {
                last: None,
                first: None,
                complete: false,
            })
        );
        for xml in [
            "<fin xmlns='urn:xmpp:mam:1'><set xmlns='http://jabber.org/protocol/rsm'/></fin>",
            "<fin xmlns='urn:xmpp:mam:2' complete='maybe'><set xmlns='http://jabber.org/protocol/rsm'/></fin>",
            "<query xmlns='urn:xmpp:mam:2'/>",
        ] {
            let el: Element = xml.parse().unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(parse_fin(Some(el)), None, "{xml}");
        }
        assert_eq!(parse_fin(None), None);
    }
}
