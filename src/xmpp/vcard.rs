//! vCard4 over XMPP (XEP-0292): the `<vcard/>` of RFC 6351 (vCard in XML)
//! published on the PEP node `urn:xmpp:vcard4`, item `current`.
//!
//! Plausch shows and edits only some fields ([`VCard`]). Everything else
//! in a vCard — written by another client: birthday, address, photo,
//! parameters such as "work"/"home" — is kept when we publish ours again:
//! [`merge`] replaces only our fields in the vCard that is on the server.
//!
//! Pure functions; anything a contact publishes is read leniently and
//! cleaned (see `text.rs`), never trusted. The account converts to and
//! from `api::VCard` (`account/vcard.rs`).

use tokio_xmpp::minidom::Element;

use super::text;

/// The part of a vCard that Plausch shows and edits (`api::VCard` is the
/// front-ends' copy). Empty fields are left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VCard {
    pub full_name: Option<String>,
    pub nickname: Option<String>,
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    pub organization: Option<String>,
    pub title: Option<String>,
    pub urls: Vec<String>,
    pub note: Option<String>,
}

/// The vCard 4 XML namespace (RFC 6351).
pub const NS: &str = "urn:ietf:params:xml:ns:vcard-4.0";
/// The PEP node holding the vCard (XEP-0292 §3).
pub const NODE: &str = "urn:xmpp:vcard4";
/// The one item of the node.
pub const ITEM: &str = "current";

/// Longest single-line value, in characters.
const MAX_CHARS: usize = 256;
/// Longest note.
const MAX_NOTE_CHARS: usize = 4000;
/// Most entries of a list field (emails, phones, URLs).
const MAX_ENTRIES: usize = 10;

/// The vCard properties Plausch knows, by element name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    FullName,
    Nickname,
    Email,
    Tel,
    Org,
    Title,
    Url,
    Note,
}

impl Field {
    const ALL: [Field; 8] = [
        Field::FullName,
        Field::Nickname,
        Field::Email,
        Field::Tel,
        Field::Org,
        Field::Title,
        Field::Url,
        Field::Note,
    ];

    fn name(self) -> &'static str {
        match self {
            Field::FullName => "fn",
            Field::Nickname => "nickname",
            Field::Email => "email",
            Field::Tel => "tel",
            Field::Org => "org",
            Field::Title => "title",
            Field::Url => "url",
            Field::Note => "note",
        }
    }

    fn from_name(name: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The value element we write: URIs for phone numbers and web
    /// addresses (RFC 6350 §6.4.1, §6.7.8), text for the others.
    fn value_kind(self) -> &'static str {
        match self {
            Field::Tel | Field::Url => "uri",
            _ => "text",
        }
    }

    fn clean(self, raw: &str) -> Option<String> {
        match self {
            Field::Note => text::clean(raw, MAX_NOTE_CHARS, true),
            // A tel: URI has no spaces; hyphens keep the grouping readable.
            Field::Tel => {
                text::clean(strip_tel(raw), MAX_CHARS, false).map(|t| t.replace(' ', "-"))
            }
            _ => text::clean(raw, MAX_CHARS, false),
        }
    }

    fn values(self, card: &VCard) -> Vec<String> {
        let single = |v: &Option<String>| v.iter().cloned().collect();
        match self {
            Field::FullName => single(&card.full_name),
            Field::Nickname => single(&card.nickname),
            Field::Email => card.emails.clone(),
            Field::Tel => card.phones.clone(),
            Field::Org => single(&card.organization),
            Field::Title => single(&card.title),
            Field::Url => card.urls.clone(),
            Field::Note => single(&card.note),
        }
    }

    /// Adds a (clean) value: the first one of a single field wins; lists
    /// keep distinct values up to `MAX_ENTRIES`.
    fn push(self, card: &mut VCard, value: String) {
        let single = |slot: &mut Option<String>| {
            slot.get_or_insert(value.clone());
        };
        let list = |list: &mut Vec<String>| {
            if list.len() < MAX_ENTRIES && !list.contains(&value) {
                list.push(value.clone());
            }
        };
        match self {
            Field::FullName => single(&mut card.full_name),
            Field::Nickname => single(&mut card.nickname),
            Field::Email => list(&mut card.emails),
            Field::Tel => list(&mut card.phones),
            Field::Org => single(&mut card.organization),
            Field::Title => single(&mut card.title),
            Field::Url => list(&mut card.urls),
            Field::Note => single(&mut card.note),
        }
    }

    /// The property element for `value` (already clean).
    fn element(self, value: &str) -> Element {
        let wire = match self {
            Field::Tel => format!("tel:{value}"),
            _ => value.to_owned(),
        };
        Element::builder(self.name(), NS)
            .append(Element::builder(self.value_kind(), NS).append(wire).build())
            .build()
    }
}

/// A phone number without its `tel:` scheme.
fn strip_tel(raw: &str) -> &str {
    let t = raw.trim();
    match t.get(..4) {
        Some(scheme) if scheme.eq_ignore_ascii_case("tel:") => &t[4..],
        _ => t,
    }
}

/// The shown value of a property element: its first non-empty `text` or
/// `uri` value (other clients write either), cleaned.
fn value_of(field: Field, el: &Element) -> Option<String> {
    el.children()
        .filter(|c| c.is("text", NS) || c.is("uri", NS))
        .find_map(|c| field.clean(&c.text()))
}

/// The fields Plausch shows from a `<vcard/>`; anything that is not one
/// gives an empty card, unknown and unreadable parts are skipped.
pub fn parse(el: &Element) -> VCard {
    let mut card = VCard::default();
    if !el.is("vcard", NS) {
        return card;
    }
    for child in el.children().filter(|c| c.has_ns(NS)) {
        if let Some(field) = Field::from_name(child.name())
            && let Some(value) = value_of(field, child)
        {
            field.push(&mut card, value);
        }
    }
    card
}

/// The card as it will be published: user input cleaned like anything
/// from the network, empty fields dropped, lengths and counts capped.
pub fn normalize(card: &VCard) -> VCard {
    let mut out = VCard::default();
    for field in Field::ALL {
        for raw in field.values(card) {
            if let Some(value) = field.clean(&raw) {
                field.push(&mut out, value);
            }
        }
    }
    out
}

/// Our vCard for publishing: `existing` (the one on the server, if any)
/// with our fields replaced by `card`. Properties we do not know are kept
/// as they are, and so are known ones whose value stays (with their
/// parameters, e.g. an email marked "work").
pub fn merge(existing: Option<&Element>, card: &VCard) -> Element {
    let card = normalize(card);
    let mut wanted: Vec<(Field, Vec<String>)> =
        Field::ALL.iter().map(|f| (*f, f.values(&card))).collect();
    let mut out = Element::bare("vcard", NS);
    for child in existing
        .filter(|e| e.is("vcard", NS))
        .into_iter()
        .flat_map(Element::children)
    {
        let known = child
            .has_ns(NS)
            .then(|| Field::from_name(child.name()))
            .flatten();
        let Some(field) = known else {
            out.append_child(child.clone());
            continue;
        };
        let Some((_, values)) = wanted.iter_mut().find(|(f, _)| *f == field) else {
            continue;
        };
        if let Some(value) = value_of(field, child)
            && let Some(i) = values.iter().position(|v| *v == value)
        {
            values.remove(i);
            out.append_child(child.clone());
        }
    }
    for (field, values) in wanted {
        for value in values {
            out.append_child(field.element(&value));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xmpp::util::testing::el;

    fn vcard(inner: &str) -> Element {
        el(&format!(
            "<vcard xmlns='urn:ietf:params:xml:ns:vcard-4.0'>{inner}</vcard>"
        ))
    }

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn parses_the_fields_we_show() {
        let full = VCard {
            full_name: Some("Alice Liddell".into()),
            nickname: Some("Ali".into()),
            emails: strings(&["alice@work.example", "alice@home.example"]),
            phones: strings(&["+49-30-1234", "+1-418-656-9254;ext=102"]),
            organization: Some("Wonderland GmbH".into()),
            title: Some("Explorer".into()),
            urls: strings(&["https://alice.example"]),
            note: Some("First line\nsecond line".into()),
        };
        let cases: Vec<(&str, Element, VCard)> = vec![
            (
                "everything, with parameters and unknown properties",
                vcard(
                    "<fn><text>Alice Liddell</text></fn><n><surname>Liddell</surname></n>\
                     <nickname><text>Ali</text><text>Al</text></nickname>\
                     <email><parameters><type><text>work</text></type></parameters>\
                     <text>alice@work.example</text></email>\
                     <email><text>alice@home.example</text></email>\
                     <tel><uri>tel:+49-30-1234</uri></tel>\
                     <tel><uri>TEL:+1-418-656-9254;ext=102</uri></tel>\
                     <org><text>Wonderland GmbH</text></org><title><text>Explorer</text></title>\
                     <url><uri>https://alice.example</uri></url><bday><date>1852-05-04</date></bday>\
                     <note><text>First line\nsecond line</text></note>",
                ),
                full,
            ),
            (
                "a phone as text",
                vcard("<tel><text>+49 30 1234</text></tel>"),
                VCard {
                    phones: strings(&["+49-30-1234"]),
                    ..VCard::default()
                },
            ),
            (
                "not a vCard",
                el("<vcard xmlns='vcard-temp'/>"),
                VCard::default(),
            ),
            (
                "properties without values, in other namespaces, nested markup",
                vcard(
                    "<fn/><fn><text>  </text></fn><email xmlns='other'><text>x@y</text></email>\
                     <org><text><b>ignored</b></text></org><title><text>T<i>x</i>op</text></title>",
                ),
                VCard {
                    title: Some("Top".into()),
                    ..VCard::default()
                },
            ),
            (
                "control characters and duplicates",
                vcard(
                    "<fn><text>Bo\u{9B}b\u{202E}</text></fn><email><text>a@b</text></email>\
                     <email><text>a@b</text></email>",
                ),
                VCard {
                    full_name: Some("Bob".into()),
                    emails: strings(&["a@b"]),
                    ..VCard::default()
                },
            ),
        ];
        for (what, element, want) in cases {
            assert_eq!(parse(&element), want, "{what}");
        }
    }

    #[test]
    fn huge_input_is_capped() {
        let long = "x".repeat(100_000);
        let emails: String = (0..50)
            .map(|i| format!("<email><text>{i}@x</text></email>"))
            .collect();
        let card = parse(&vcard(&format!(
            "<fn><text>{long}</text></fn><note><text>{long}</text></note>{emails}"
        )));
        assert_eq!(card.full_name.map(|s| s.chars().count()), Some(MAX_CHARS));
        assert_eq!(card.note.map(|s| s.chars().count()), Some(MAX_NOTE_CHARS));
        assert_eq!(card.emails.len(), MAX_ENTRIES);
    }

    #[test]
    fn merge_keeps_what_other_clients_wrote() {
        let existing = vcard(
            "<fn><text>Old Name</text></fn>\
             <email><parameters><type><text>work</text></type></parameters>\
             <text>keep@x</text></email><email><text>drop@x</text></email>\
             <bday><date>1852-05-04</date></bday><impp><uri>xmpp:alice@x</uri></impp>",
        );
        let card = VCard {
            full_name: Some("New Name".into()),
            emails: strings(&["keep@x", "new@x"]),
            phones: strings(&["+49 30 1234"]),
            ..VCard::default()
        };
        let merged = merge(Some(&existing), &card);
        let xml = String::from(&merged);
        assert!(xml.contains("<bday>"), "{xml}");
        assert!(xml.contains("xmpp:alice@x"), "{xml}");
        assert!(xml.contains("<text>work</text>"), "parameters kept: {xml}");
        assert!(
            !xml.contains("drop@x") && !xml.contains("Old Name"),
            "{xml}"
        );
        assert!(xml.contains("tel:+49-30-1234"), "{xml}");
        assert_eq!(
            parse(&merged),
            VCard {
                full_name: Some("New Name".into()),
                emails: strings(&["keep@x", "new@x"]),
                phones: strings(&["+49-30-1234"]),
                ..VCard::default()
            }
        );
        // Nothing on the server yet, or something that is not a vCard.
        for existing in [None, Some(el("<x xmlns='y'><fn/></x>"))] {
            assert_eq!(parse(&merge(existing.as_ref(), &card)), normalize(&card));
        }
        // An empty card removes our fields and keeps the rest.
        let emptied = merge(Some(&existing), &VCard::default());
        assert_eq!(parse(&emptied), VCard::default());
        assert!(String::from(&emptied).contains("<bday>"));
    }

    #[test]
    fn user_input_is_cleaned_like_network_input() {
        let card = VCard {
            full_name: Some("  ".into()),
            emails: strings(&["", " a@b ", "a@b"]),
            phones: strings(&["tel:+49 (30) 1234"]),
            note: Some(" hello \n\n\n world ".into()),
            ..VCard::default()
        };
        assert_eq!(
            normalize(&card),
            VCard {
                emails: strings(&["a@b"]),
                phones: strings(&["+49-(30)-1234"]),
                note: Some("hello\n\nworld".into()),
                ..VCard::default()
            }
        );
    }

    #[test]
    fn round_trip_and_foreign_elements() {
        let card = VCard {
            full_name: Some("Alice".into()),
            phones: strings(&["+49 30 1234"]),
            urls: strings(&["https://alice.example"]),
            note: Some("a\n\nb".into()),
            ..VCard::default()
        };
        let back = parse(&merge(None, &card));
        assert_eq!(back, normalize(&card));
        assert_eq!(back.phones, strings(&["+49-30-1234"]));
        // Not a vCard, or properties of another namespace: nothing.
        assert_eq!(
            parse(&el(
                "<vcard xmlns='urn:other'><fn><text>x</text></fn></vcard>"
            )),
            VCard::default()
        );
        assert_eq!(
            parse(&vcard(
                "<fn xmlns='urn:other'><text>x</text></fn><note><uri xmlns='urn:other'>y</uri></note>"
            )),
            VCard::default()
        );
    }
}
