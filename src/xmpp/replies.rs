//! Message replies (XEP-0461): `<reply id/>` names the answered message; a
//! quote of it at the start of the body, marked as fallback (XEP-0428), is
//! for clients without support and is cut off by those with it.

use tokio_xmpp::jid::Jid;
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::message::{Lang, Message};

use super::fallback::{self, Fallback};
use super::util::{self, ParseError, element, required_attr};

pub const NS: &str = "urn:xmpp:reply:0";

/// `<reply to='…' id='…'/>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The author of the answered message, as the sender names them.
    pub to: Option<String>,
    /// The answered message's id.
    pub id: String,
}

impl TryFrom<&Element> for Reply {
    type Error = ParseError;

    fn try_from(el: &Element) -> Result<Self, ParseError> {
        if !el.is("reply", NS) {
            return Err(ParseError::NotThisPayload);
        }
        Ok(Reply {
            to: el.attr("to").map(str::to_owned),
            id: required_attr(el, "id")?,
        })
    }
}

impl From<Reply> for Element {
    fn from(r: Reply) -> Element {
        match &r.to {
            Some(to) => element("reply", NS, &[("to", to), ("id", &r.id)]),
            None => element("reply", NS, &[("id", &r.id)]),
        }
    }
}

/// The id of the message this one answers.
pub fn reply_id(msg: &Message) -> Option<String> {
    util::payload(msg, "reply", NS)
        .and_then(|p| Reply::try_from(p).ok())
        .map(|r| r.id)
}

/// `body` without the reply quote, if the message marks one (character
/// offsets, XEP-0426). Offsets that do not fit the body are ignored.
pub fn strip_fallback(msg: &Message, body: &str) -> String {
    match fallback::body_range(msg, NS) {
        Some(range) => fallback::strip(body, range),
        None => body.to_owned(),
    }
}

/// Makes `msg` (with the plain answer as body) a reply to message `id` by
/// `author`, quoting `quoted` for clients without support.
pub fn with_reply(mut msg: Message, author: Jid, id: &str, quoted: &str, answer: &str) -> Message {
    let quote: String = quoted
        .lines()
        .map(|l| format!("> {l}\n"))
        .collect::<String>();
    let end = quote.chars().count();
    msg.bodies.clear();
    let msg = msg.with_body(Lang::new(), format!("{quote}{answer}"));
    let reply = Reply {
        to: Some(author.to_string()),
        id: id.to_owned(),
    };
    let msg = util::with_element(msg, reply.into());
    let quote = Fallback {
        for_ns: NS.to_owned(),
        bodies: vec![(0, end)],
    };
    util::with_element(msg, quote.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xmpp::util::testing::message;

    #[test]
    fn quote_is_cut_off_again() {
        let msg = Message::chat(None).with_body(Lang::new(), "ok".into());
        let author: Jid = "bob@x/pc".parse().unwrap_or_else(|e| panic!("{e}"));
        let r = with_reply(msg, author, "m1", "Grüße\nzwei", "ja, gern");
        // Through XML and back, as the recipient sees it.
        let r = message(&String::from(&Element::from(r)));
        assert_eq!(reply_id(&r).as_deref(), Some("m1"));
        let body = r.get_best_body_cloned(vec![]).map(|(_, b)| b);
        assert_eq!(body.as_deref(), Some("> Grüße\n> zwei\nja, gern"));
        assert_eq!(strip_fallback(&r, "> Grüße\n> zwei\nja, gern"), "ja, gern");
        let reply = util::payload(&r, "reply", NS).map(Reply::try_from);
        assert_eq!(
            reply.and_then(Result::ok).and_then(|r| r.to).as_deref(),
            Some("bob@x/pc")
        );
    }

    #[test]
    fn bad_offsets_leave_the_body() {
        let msg = message(
            "<message xmlns='jabber:client'><body>short</body>\
             <reply xmlns='urn:xmpp:reply:0' id='m1'/>\
             <fallback xmlns='urn:xmpp:fallback:0' for='urn:xmpp:reply:0'>\
             <body start='2' end='999'/></fallback></message>",
        );
        assert_eq!(strip_fallback(&msg, "short"), "short");
    }

    #[test]
    fn malformed_replies_name_nothing() {
        for xml in [
            "<message xmlns='jabber:client'><reply xmlns='urn:xmpp:reply:0'/></message>",
            "<message xmlns='jabber:client'><reply xmlns='urn:xmpp:reply:0' id=''/></message>",
            "<message xmlns='jabber:client'><reply xmlns='urn:xmpp:other' id='m1'/></message>",
        ] {
            assert_eq!(reply_id(&message(xml)), None, "{xml}");
        }
        // A fallback for another payload is not the quote.
        let msg = message(
            "<message xmlns='jabber:client'><body>> q\nok</body>\
             <reply xmlns='urn:xmpp:reply:0' id='m1'/>\
             <fallback xmlns='urn:xmpp:fallback:0' for='urn:xmpp:other'>\
             <body start='0' end='4'/></fallback></message>",
        );
        assert_eq!(strip_fallback(&msg, "> q\nok"), "> q\nok");
    }
}
