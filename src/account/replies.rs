//! Message replies (XEP-0461): `<reply id/>` names the answered message; a
//! quote of it at the start of the body, marked as fallback (XEP-0428), is
//! for clients without support and is cut off by those with it.

use tokio_xmpp::jid::Jid;
use tokio_xmpp::parsers::message::{Lang, Message};

use super::chat;

pub const NS: &str = "urn:xmpp:reply:0";
const FALLBACK_NS: &str = "urn:xmpp:fallback:0";

/// The id of the message this one answers.
pub fn reply_id(msg: &Message) -> Option<String> {
    super::chat::payload_attr(msg, "reply", NS, "id")
}

/// `body` without the reply quote, if the message marks one (character
/// offsets, XEP-0426). Offsets that do not fit the body are ignored.
pub fn strip_fallback(msg: &Message, body: &str) -> String {
    let range = msg
        .payloads
        .iter()
        .filter(|p| p.is("fallback", FALLBACK_NS) && p.attr("for") == Some(NS))
        .flat_map(|f| f.children().filter(|c| c.name() == "body"))
        .find_map(|b| {
            let start: usize = b.attr("start")?.parse().ok()?;
            let end: usize = b.attr("end")?.parse().ok()?;
            (start <= end).then_some((start, end))
        });
    let Some((start, end)) = range else {
        return body.to_owned();
    };
    let chars: Vec<char> = body.chars().collect();
    if end > chars.len() {
        return body.to_owned();
    }
    chars[..start].iter().chain(&chars[end..]).collect()
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
    let author = author.to_string();
    let msg = chat::with_element(
        msg,
        chat::element("reply", NS, &[("to", &author), ("id", id)]),
    );
    let mut fallback = chat::element("fallback", FALLBACK_NS, &[("for", NS)]);
    fallback.append_child(chat::element(
        "body",
        FALLBACK_NS,
        &[("start", "0"), ("end", &end.to_string())],
    ));
    chat::with_element(msg, fallback)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_is_cut_off_again() {
        let msg = Message::chat(None).with_body(Lang::new(), "ok".into());
        let r = with_reply(
            msg,
            "bob@x/pc".parse().unwrap(),
            "m1",
            "Grüße\nzwei",
            "ja, gern",
        );
        assert_eq!(reply_id(&r).as_deref(), Some("m1"));
        let (_, body) = r.get_best_body_cloned(vec![]).unwrap();
        assert_eq!(body, "> Grüße\n> zwei\nja, gern");
        assert_eq!(strip_fallback(&r, &body), "ja, gern");
    }

    #[test]
    fn bad_offsets_leave_the_body() {
        let xml = "<message xmlns='jabber:client'><body>short</body>\
                   <reply xmlns='urn:xmpp:reply:0' id='m1'/>\
                   <fallback xmlns='urn:xmpp:fallback:0' for='urn:xmpp:reply:0'>\
                   <body start='2' end='999'/></fallback></message>";
        let msg = Message::try_from(xml.parse::<tokio_xmpp::minidom::Element>().unwrap()).unwrap();
        assert_eq!(strip_fallback(&msg, "short"), "short");
    }
}
