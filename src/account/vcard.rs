//! vCards (XEP-0292) in the front-ends' terms: what
//! [`xmpp::vcard`](crate::xmpp::vcard) reads, normalizes and merges, as
//! `api::VCard`.

use tokio_xmpp::minidom::Element;

use crate::api::VCard;
use crate::xmpp::vcard;

fn from_api(c: &VCard) -> vcard::VCard {
    vcard::VCard {
        full_name: c.full_name.clone(),
        nickname: c.nickname.clone(),
        emails: c.emails.clone(),
        phones: c.phones.clone(),
        organization: c.organization.clone(),
        title: c.title.clone(),
        urls: c.urls.clone(),
        note: c.note.clone(),
    }
}

fn to_api(c: vcard::VCard) -> VCard {
    VCard {
        full_name: c.full_name,
        nickname: c.nickname,
        emails: c.emails,
        phones: c.phones,
        organization: c.organization,
        title: c.title,
        urls: c.urls,
        note: c.note,
    }
}

/// The fields Plausch shows from a `<vcard/>` (see [`vcard::parse`]).
pub fn parse(el: &Element) -> VCard {
    to_api(vcard::parse(el))
}

/// The card as it will be published (see [`vcard::normalize`]).
pub fn normalize(card: &VCard) -> VCard {
    to_api(vcard::normalize(&from_api(card)))
}

/// Our vCard for publishing: `existing` with our fields replaced (see
/// [`vcard::merge`]).
pub fn merge(existing: Option<&Element>, card: &VCard) -> Element {
    vcard::merge(existing, &from_api(card))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_both_ways() {
        let card = VCard {
            full_name: Some("Alice".into()),
            nickname: Some("Ali".into()),
            emails: vec!["a@x".into()],
            phones: vec!["+49-30".into()],
            organization: Some("W".into()),
            title: Some("T".into()),
            urls: vec!["https://x".into()],
            note: Some("n".into()),
        };
        assert_eq!(to_api(from_api(&card)), card);
        assert_eq!(parse(&merge(None, &card)), card);
        assert_eq!(normalize(&card), card);
    }
}
