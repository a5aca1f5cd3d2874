//! Fallback indication (XEP-0428): marks which part of a body is only
//! there for clients that do not know a payload (the quote of a reply, the
//! notice of a retraction), with character offsets (XEP-0426).

use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::message::Message;

use super::util::{ParseError, element, required_attr};

pub const NS: &str = "urn:xmpp:fallback:0";

/// `<fallback for='…'/>`, with the body ranges it marks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fallback {
    /// The namespace of the payload the fallback stands in for.
    pub for_ns: String,
    /// `(start, end)` character offsets into the body; only ranges with
    /// `start <= end` are kept.
    pub bodies: Vec<(usize, usize)>,
}

impl Fallback {
    /// A fallback for `for_ns` without body ranges (the whole body).
    pub fn whole(for_ns: &str) -> Self {
        Fallback {
            for_ns: for_ns.to_owned(),
            bodies: Vec::new(),
        }
    }
}

impl TryFrom<&Element> for Fallback {
    type Error = ParseError;

    fn try_from(el: &Element) -> Result<Self, ParseError> {
        if !el.is("fallback", NS) {
            return Err(ParseError::NotThisPayload);
        }
        let for_ns = required_attr(el, "for")?;
        let bodies = el
            .children()
            .filter(|c| c.name() == "body")
            .filter_map(|b| {
                let start: usize = b.attr("start")?.parse().ok()?;
                let end: usize = b.attr("end")?.parse().ok()?;
                (start <= end).then_some((start, end))
            })
            .collect();
        Ok(Fallback { for_ns, bodies })
    }
}

impl From<Fallback> for Element {
    fn from(f: Fallback) -> Element {
        let mut el = element("fallback", NS, &[("for", &f.for_ns)]);
        for (start, end) in f.bodies {
            el.append_child(element(
                "body",
                NS,
                &[("start", &start.to_string()), ("end", &end.to_string())],
            ));
        }
        el
    }
}

/// The first body range a message marks as fallback for `for_ns`.
pub fn body_range(msg: &Message, for_ns: &str) -> Option<(usize, usize)> {
    msg.payloads
        .iter()
        .filter(|p| p.is("fallback", NS) && p.attr("for") == Some(for_ns))
        .filter_map(|p| Fallback::try_from(p).ok())
        .find_map(|f| f.bodies.first().copied())
}

/// `body` without the characters `start..end`; a range that does not fit
/// the body leaves it as it is.
pub fn strip(body: &str, (start, end): (usize, usize)) -> String {
    let chars: Vec<char> = body.chars().collect();
    if start > end || end > chars.len() {
        return body.to_owned();
    }
    chars[..start].iter().chain(&chars[end..]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const FOR: &str = "urn:xmpp:reply:0";

    fn parse(xml: &str) -> Result<Fallback, ParseError> {
        let el: Element = xml.parse().unwrap_or_else(|e| panic!("{e}"));
        Fallback::try_from(&el)
    }

    #[test]
    fn round_trip() {
        let f = Fallback {
            for_ns: FOR.into(),
            bodies: vec![(0, 12)],
        };
        let xml = String::from(&Element::from(f.clone()));
        assert_eq!(parse(&xml), Ok(f));
        let whole = Fallback::whole(FOR);
        assert_eq!(
            parse(&String::from(&Element::from(whole.clone()))),
            Ok(whole)
        );
    }

    #[test]
    fn malformed_input() {
        assert_eq!(
            parse("<fallback xmlns='urn:xmpp:fallback:0'/>"),
            Err(ParseError::MissingAttribute("for"))
        );
        assert_eq!(
            parse("<fallback xmlns='urn:xmpp:other' for='x'/>"),
            Err(ParseError::NotThisPayload)
        );
        // Ranges that are no numbers, negative or backwards are dropped.
        let f = parse(
            "<fallback xmlns='urn:xmpp:fallback:0' for='x'>\
             <body start='a' end='3'/><body start='-1' end='3'/><body start='5' end='2'/>\
             <body start='1'/><body start='1' end='2'/></fallback>",
        );
        assert_eq!(f.map(|f| f.bodies), Ok(vec![(1, 2)]));
    }

    #[test]
    fn strip_counts_characters_and_ignores_bad_ranges() {
        assert_eq!(strip("> Grüße\nja", (0, 8)), "ja");
        assert_eq!(strip("short", (2, 999)), "short");
        assert_eq!(strip("short", (3, 2)), "short");
        assert_eq!(strip("short", (5, 5)), "short");
    }
}
