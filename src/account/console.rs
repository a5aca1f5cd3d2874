//! The XML console (testers): stanzas as they go in and out, pretty-printed,
//! with secrets blanked. Off by default; while off nothing is serialized.
//!
//! It sits at the stanza level, so SASL (below the stanza layer) never shows
//! up at all; what remains secret inside stanzas (a password in an in-band
//! registration or password change, XEP-0077) is replaced before printing.
//! Nonzas (XEP-0198 acks, XEP-0352 state) are not shown.

use std::fmt::Write as _;

use tokio_xmpp::Stanza;
use tokio_xmpp::minidom::{Element, Node};

/// What a blanked secret looks like.
pub const REDACTED: &str = "[redacted]";

/// Elements whose text is a secret wherever they appear.
const SECRET_ELEMENTS: &[&str] = &["password"];

pub fn to_element(stanza: &Stanza) -> Element {
    match stanza {
        Stanza::Message(m) => m.clone().into(),
        Stanza::Presence(p) => p.clone().into(),
        Stanza::Iq(iq) => iq.clone().into(),
    }
}

/// Pretty-printed XML of `el`, two spaces per level, secrets blanked.
pub fn render(el: &Element) -> String {
    let mut out = String::new();
    write_element(&mut out, el, None, 0);
    out
}

/// How deeply typed XML may nest: no stanza comes near it, and the element
/// tree is built and dropped recursively (50,000 levels overflow the stack).
pub const MAX_DEPTH: usize = 100;

/// Reads raw XML typed into the console into a stanza.
pub fn parse_stanza(xml: &str) -> Result<Stanza, String> {
    if nesting_exceeds(xml.as_bytes(), MAX_DEPTH) {
        return Err(format!("elements nested deeper than {MAX_DEPTH} levels"));
    }
    // A bare <message>…</message> typed by hand has no namespace: default
    // to jabber:client, as the stream does.
    let el: Element = match xml.trim().parse() {
        Ok(el) => el,
        Err(_) => inject_client_ns(xml.trim())
            .parse()
            .map_err(|e| format!("not well-formed XML: {e}"))?,
    };
    let stanza = match el.name() {
        "message" => tokio_xmpp::parsers::message::Message::try_from(el)
            .map(Stanza::Message)
            .map_err(|e| e.to_string()),
        "presence" => tokio_xmpp::parsers::presence::Presence::try_from(el)
            .map(Stanza::Presence)
            .map_err(|e| e.to_string()),
        "iq" => tokio_xmpp::parsers::iq::Iq::try_from(el)
            .map(Stanza::Iq)
            .map_err(|e| e.to_string()),
        other => Err(format!(
            "<{other}> is not a stanza (message, presence or iq)"
        )),
    }?;
    Ok(stanza)
}

/// Whether `xml` nests elements deeper than `max` levels, counted on the
/// bytes (the stream's depth lexer) without building anything.
pub(crate) fn nesting_exceeds(xml: &[u8], max: usize) -> bool {
    crate::xmpp::xml_depth::nests_deeper_than(xml, u32::try_from(max).unwrap_or(u32::MAX))
}

fn inject_client_ns(xml: &str) -> String {
    match xml.find(['>', ' ', '/']) {
        Some(i) if xml.starts_with('<') => {
            format!("{} xmlns='jabber:client'{}", &xml[..i], &xml[i..])
        }
        _ => xml.to_owned(),
    }
}

fn write_element(out: &mut String, el: &Element, parent_ns: Option<&str>, depth: usize) {
    let indent = "  ".repeat(depth);
    let _ = write!(out, "{indent}<{}", el.name());
    let ns = el.ns();
    if parent_ns != Some(ns.as_str()) {
        let _ = write!(out, " xmlns='{}'", escape(&ns));
    }
    for ((attr_ns, name), value) in el.attrs() {
        let prefix = match attr_ns.as_str() {
            "" => "",
            "http://www.w3.org/XML/1998/namespace" => "xml:",
            _ => "?:",
        };
        let _ = write!(out, " {prefix}{name}='{}'", escape(value));
    }
    let secret = SECRET_ELEMENTS.contains(&el.name());
    let nodes: Vec<&Node> = el.nodes().collect();
    if nodes.is_empty() {
        out.push_str("/>\n");
        return;
    }
    // Text-only elements stay on one line: <body>Hallo</body>.
    if nodes.iter().all(|n| matches!(n, Node::Text(_))) {
        let text: String = nodes
            .iter()
            .filter_map(|n| match n {
                Node::Text(t) => Some(t.as_str()),
                Node::Element(_) => None,
            })
            .collect();
        let text = if secret {
            REDACTED.to_owned()
        } else {
            escape(&text)
        };
        let _ = writeln!(out, ">{text}</{}>", el.name());
        return;
    }
    out.push_str(">\n");
    for node in nodes {
        match node {
            Node::Element(child) => write_element(out, child, Some(ns.as_str()), depth + 1),
            Node::Text(t) if !t.trim().is_empty() => {
                let t = if secret {
                    REDACTED.to_owned()
                } else {
                    escape(t.trim())
                };
                let _ = writeln!(out, "{indent}  {t}");
            }
            Node::Text(_) => {}
        }
    }
    let _ = writeln!(out, "{indent}</{}>", el.name());
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('\'', "&apos;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_is_counted_on_the_bytes() {
        let deep = |n: usize| format!("{}{}", "<a>".repeat(n), "</a>".repeat(n));
        assert!(!nesting_exceeds(deep(100).as_bytes(), 100));
        assert!(nesting_exceeds(deep(101).as_bytes(), 100));
        // Siblings, self-closing tags, quoted `/>` and `>`, comments and
        // CDATA do not fool the count.
        let wide = format!("<r>{}</r>", "<i/><i a='>'></i>".repeat(500));
        assert!(!nesting_exceeds(wide.as_bytes(), 2));
        let quoted = "<a x='/>'>".repeat(3);
        assert!(nesting_exceeds(quoted.as_bytes(), 2));
        let comments = "<a><!-- </a> -->".repeat(3);
        assert!(nesting_exceeds(comments.as_bytes(), 2));
        let cdata = "<a><![CDATA[</a>]]>".repeat(3);
        assert!(nesting_exceeds(cdata.as_bytes(), 2));
    }

    /// `send_raw` with XML nested 50,000 levels deep overflowed the stack
    /// (the element tree is recursive) and aborted the whole process.
    #[test]
    fn deeply_nested_xml_is_refused_before_parsing() {
        let n = 50_000;
        let xml = format!("<message>{}{}</message>", "<a>".repeat(n), "</a>".repeat(n));
        let err = parse_stanza(&xml).err().unwrap_or_default();
        assert!(err.contains("nested deeper"), "{err}");
        let ok = format!(
            "<message>{}{}</message>",
            "<a>".repeat(MAX_DEPTH - 1),
            "</a>".repeat(MAX_DEPTH - 1)
        );
        assert!(parse_stanza(&ok).is_ok());
    }

    #[test]
    fn pretty_prints_and_blanks_passwords() {
        let el: Element = "<iq xmlns='jabber:client' type='set' id='r1'>\
            <query xmlns='jabber:iq:register'><username>bob</username>\
            <password>hunter2</password></query></iq>"
            .parse()
            .unwrap();
        let out = render(&el);
        assert!(!out.contains("hunter2"), "{out}");
        assert!(out.contains("<password>[redacted]</password>"), "{out}");
        assert!(
            out.contains("  <query xmlns='jabber:iq:register'>\n"),
            "{out}"
        );
        assert!(out.contains("    <username>bob</username>\n"), "{out}");
        assert!(out.starts_with("<iq xmlns='jabber:client'"), "{out}");
    }

    #[test]
    fn escapes_text_and_attributes() {
        let el: Element =
            "<message xmlns='jabber:client' to='a&amp;b@x'><body>1 &lt; 2</body></message>"
                .parse()
                .unwrap();
        let out = render(&el);
        assert!(out.contains("to='a&amp;b@x'"), "{out}");
        assert!(out.contains("<body>1 &lt; 2</body>"), "{out}");
    }

    #[test]
    fn typed_stanzas_are_parsed_or_refused_with_a_reason() {
        assert!(matches!(
            parse_stanza("<message to='bob@x' type='chat'><body>hi</body></message>"),
            Ok(Stanza::Message(_))
        ));
        assert!(matches!(
            parse_stanza(
                "<iq xmlns='jabber:client' type='get' id='p'><ping xmlns='urn:xmpp:ping'/></iq>"
            ),
            Ok(Stanza::Iq(_))
        ));
        for bad in [
            "<message",
            "<stream:features/>",
            "plain text",
            "<auth>x</auth>",
        ] {
            assert!(parse_stanza(bad).is_err(), "{bad}");
        }
    }
}
