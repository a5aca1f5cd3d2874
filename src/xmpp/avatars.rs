//! User avatars (XEP-0084) and the vCard-based fallback (XEP-0153):
//! reading what contacts announce and serve (leniently: a malformed
//! attribute elsewhere must not hide a usable avatar), and building our
//! metadata, data and requests. The hash check, decoding and caching are
//! the account's (`account/avatars/`).

use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::message::Message;
use tokio_xmpp::parsers::ns;
use tokio_xmpp::parsers::presence::Presence;

use super::util::element;

pub const METADATA: &str = ns::AVATAR_METADATA;
pub const DATA: &str = ns::AVATAR_DATA;

/// `s` if it is a SHA-1 in hex (exactly 40 hex digits), lower-cased.
pub fn sha1_hex(s: &str) -> Option<String> {
    (s.len() == 40 && s.bytes().all(|b| b.is_ascii_hexdigit())).then(|| s.to_ascii_lowercase())
}

/// What someone says about their avatar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Announced {
    /// SHA-1 (lower-case hex) of the image data; its size as claimed.
    Avatar { hash: String, bytes: Option<u64> },
    /// No avatar.
    Removed,
}

/// An avatar PEP notification. Even an unusable one tells that the sender
/// publishes XEP-0084, so their XEP-0153 hashes stop counting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AvatarNotice {
    /// An avatar, or its removal.
    Announced(Announced),
    /// Metadata with nothing we can use (only HTTP pointers, bad hashes, an
    /// unknown action).
    Unusable,
}

/// The avatar metadata in a PEP notification; None if `msg` is not one.
pub fn metadata_event(msg: &Message) -> Option<AvatarNotice> {
    let event = msg
        .payloads
        .iter()
        .find(|p| p.is("event", ns::PUBSUB_EVENT))?;
    let action = event
        .children()
        .find(|c| c.attr("node") == Some(METADATA))?;
    let announced = match action.name() {
        "items" => match action
            .children()
            .filter(|c| c.is("item", ns::PUBSUB_EVENT))
            .last()
        {
            Some(item) => item.get_child("metadata", METADATA).and_then(metadata),
            // Only retractions: the avatar is gone.
            None if action.children().any(|c| c.is("retract", ns::PUBSUB_EVENT)) => {
                Some(Announced::Removed)
            }
            None => None,
        },
        "purge" | "delete" => Some(Announced::Removed),
        _ => None,
    };
    Some(announced.map_or(AvatarNotice::Unusable, AvatarNotice::Announced))
}

/// The metadata in the answer to an items request (our own, at login).
pub fn items_metadata(pubsub: &Element) -> Option<Announced> {
    let item = pubsub
        .get_child("items", ns::PUBSUB)?
        .children()
        .filter(|c| c.is("item", ns::PUBSUB))
        .last();
    match item {
        Some(item) => item.get_child("metadata", METADATA).and_then(metadata),
        None => Some(Announced::Removed),
    }
}

/// `<metadata/>`: no `<info/>` means no avatar. Of several infos (the same
/// image in other formats or sizes) the one in the data node counts — no
/// `url`, and preferably PNG, which XEP-0084 requires to be there.
fn metadata(metadata: &Element) -> Option<Announced> {
    let infos: Vec<&Element> = metadata
        .children()
        .filter(|c| c.is("info", METADATA))
        .collect();
    if infos.is_empty() {
        return Some(Announced::Removed);
    }
    let fetchable = |i: &&&Element| i.attr("url").is_none() && sha1_attr(i.attr("id")).is_some();
    let info = infos
        .iter()
        .filter(fetchable)
        .find(|i| i.attr("type") == Some("image/png"))
        .or_else(|| infos.iter().find(fetchable))?;
    Some(Announced::Avatar {
        hash: sha1_attr(info.attr("id"))?,
        bytes: info.attr("bytes").and_then(|b| b.trim().parse().ok()),
    })
}

/// XEP-0153 in presence: `<photo>sha1</photo>` or `<photo/>` (none).
/// Without `<photo>` the client "is not ready to advertise"; anything but
/// a SHA-1 (e.g. a server's placeholder) says nothing.
pub fn vcard_update(p: &Presence) -> Option<Announced> {
    let photo = p
        .payloads
        .iter()
        .find(|x| x.is("x", ns::VCARD_UPDATE))?
        .get_child("photo", ns::VCARD_UPDATE)?;
    let text = photo.text();
    if text.trim().is_empty() {
        return Some(Announced::Removed);
    }
    Some(Announced::Avatar {
        hash: sha1_attr(Some(&text))?,
        bytes: None,
    })
}

/// A SHA-1 hex string, lower-cased.
fn sha1_attr(value: Option<&str>) -> Option<String> {
    sha1_hex(value?.trim())
}

/// The base64 text of data item `hash` in an items answer.
pub fn data_text(pubsub: &Element, hash: &str) -> Option<String> {
    pubsub
        .get_child("items", ns::PUBSUB)?
        .children()
        .filter(|c| c.is("item", ns::PUBSUB))
        .find(|c| c.attr("id").is_some_and(|id| id.eq_ignore_ascii_case(hash)))?
        .get_child("data", DATA)
        .map(Element::text)
}

/// The base64 PHOTO of a vCard (an EXTVAL link is not followed).
pub fn vcard_photo_text(vcard: &Element) -> Option<String> {
    if !vcard.is("vCard", ns::VCARD) {
        return None;
    }
    vcard
        .get_child("PHOTO", ns::VCARD)?
        .get_child("BINVAL", ns::VCARD)
        .map(Element::text)
}

/// Our metadata: one PNG in the data node under its SHA-1 (XEP-0084 §4.2).
pub fn metadata_for(hash: &str, bytes: usize, width: u32, height: u32) -> Element {
    let info = element(
        "info",
        METADATA,
        &[
            ("bytes", &bytes.to_string()),
            ("id", hash),
            ("type", "image/png"),
            ("width", &width.to_string()),
            ("height", &height.to_string()),
        ],
    );
    let mut metadata = element("metadata", METADATA, &[]);
    metadata.append_child(info);
    metadata
}

/// `<data/>` with the image in base64.
pub fn data(png: &[u8]) -> Element {
    use base64::Engine as _;
    let mut data = element("data", DATA, &[]);
    data.append_text(base64::engine::general_purpose::STANDARD.encode(png));
    data
}

/// Owner request to empty a node of ours.
pub fn purge(node: &str) -> Element {
    let mut pubsub = element("pubsub", ns::PUBSUB_OWNER, &[]);
    pubsub.append_child(element("purge", ns::PUBSUB_OWNER, &[("node", node)]));
    pubsub
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xmpp::util::testing::message;

    const H: &str = "111f4b3c50d7b0df729d299bc6f8e9ef9066971f";

    fn event(inner: &str) -> Message {
        message(&format!(
            "<message xmlns='jabber:client' from='a@x' type='headline'>\
             <event xmlns='http://jabber.org/protocol/pubsub#event'>{inner}</event></message>"
        ))
    }

    #[test]
    fn metadata_notifications() {
        let one = event(&format!(
            "<items node='urn:xmpp:avatar:metadata'><item id='{H}'>\
             <metadata xmlns='urn:xmpp:avatar:metadata'>\
             <info id='ffff4b3c50d7b0df729d299bc6f8e9ef9066971f' type='image/jpeg' bytes='9' url='https://x/a.jpg'/>\
             <info id='{}' type='image/png' bytes='12345' width='64' height='64'/>\
             </metadata></item></items>",
            H.to_uppercase()
        ));
        assert_eq!(
            metadata_event(&one),
            Some(AvatarNotice::Announced(Announced::Avatar {
                hash: H.into(),
                bytes: Some(12345)
            }))
        );
        let empty = event(
            "<items node='urn:xmpp:avatar:metadata'><item id='x'>\
             <metadata xmlns='urn:xmpp:avatar:metadata'/></item></items>",
        );
        assert_eq!(
            metadata_event(&empty),
            Some(AvatarNotice::Announced(Announced::Removed))
        );
        let retracted = event("<items node='urn:xmpp:avatar:metadata'><retract id='x'/></items>");
        assert_eq!(
            metadata_event(&retracted),
            Some(AvatarNotice::Announced(Announced::Removed))
        );
        let purged = event("<purge node='urn:xmpp:avatar:metadata'/>");
        assert_eq!(
            metadata_event(&purged),
            Some(AvatarNotice::Announced(Announced::Removed))
        );
        // Only HTTP pointers, or a bad hash: nothing we can fetch.
        let pointer = event(&format!(
            "<items node='urn:xmpp:avatar:metadata'><item id='{H}'>\
             <metadata xmlns='urn:xmpp:avatar:metadata'>\
             <info id='{H}' type='image/png' bytes='1' url='https://x/a.png'/>\
             <info id='not-a-hash' type='image/png' bytes='1'/>\
             </metadata></item></items>"
        ));
        assert_eq!(metadata_event(&pointer), Some(AvatarNotice::Unusable));
        // Other nodes and plain messages are not ours.
        let nick = event("<items node='http://jabber.org/protocol/nick'/>");
        assert_eq!(metadata_event(&nick), None);
        let chat = message("<message xmlns='jabber:client' from='a@x'><body>hi</body></message>");
        assert_eq!(metadata_event(&chat), None);
    }

    #[test]
    fn vcard_updates_in_presence() {
        let presence = |x: &str| {
            let el: Element =
                format!("<presence xmlns='jabber:client' from='a@x/r'>{x}</presence>")
                    .parse()
                    .unwrap_or_else(|e| panic!("{e}"));
            Presence::try_from(el).unwrap_or_else(|e| panic!("{e}"))
        };
        let x = |inner: &str| format!("<x xmlns='vcard-temp:x:update'>{inner}</x>");
        assert_eq!(
            vcard_update(&presence(&x(&format!("<photo>\n {H} </photo>")))),
            Some(Announced::Avatar {
                hash: H.into(),
                bytes: None
            })
        );
        assert_eq!(
            vcard_update(&presence(&x("<photo/>"))),
            Some(Announced::Removed)
        );
        assert_eq!(vcard_update(&presence(&x(""))), None, "not ready");
        assert_eq!(
            vcard_update(&presence(&x("<photo>5c7e0f2a-uuid</photo>"))),
            None
        );
        assert_eq!(vcard_update(&presence("")), None);
    }

    #[test]
    fn answers_are_read_leniently() {
        let answer: Element = format!(
            "<pubsub xmlns='http://jabber.org/protocol/pubsub'><items node='urn:xmpp:avatar:data'>\
             <item id='{H}'><data xmlns='urn:xmpp:avatar:data'>AAAA</data></item></items></pubsub>"
        )
        .parse()
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(data_text(&answer, H).as_deref(), Some("AAAA"));
        assert_eq!(
            data_text(&answer, "0000000000000000000000000000000000000000"),
            None
        );
        let vcard: Element = "<vCard xmlns='vcard-temp'><FN>A</FN><PHOTO><TYPE>image/png</TYPE>\
             <BINVAL>QUFB\nQQ==</BINVAL></PHOTO></vCard>"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(vcard_photo_text(&vcard).as_deref(), Some("QUFB\nQQ=="));
        let own: Element = "<pubsub xmlns='http://jabber.org/protocol/pubsub'>\
             <items node='urn:xmpp:avatar:metadata'/></pubsub>"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(items_metadata(&own), Some(Announced::Removed));
    }

    #[test]
    fn our_metadata_and_data_read_back() {
        let hash = "111f4b3c50d7b0df729d299bc6f8e9ef9066971f";
        let item = |payload: Element| {
            let mut item = element("item", ns::PUBSUB, &[("id", hash)]);
            item.append_child(payload);
            let mut items = element("items", ns::PUBSUB, &[("node", "n")]);
            items.append_child(item);
            let mut pubsub = element("pubsub", ns::PUBSUB, &[]);
            pubsub.append_child(items);
            // As the answer arrives: through XML.
            String::from(&pubsub)
                .parse::<Element>()
                .unwrap_or_else(|e| panic!("{e}"))
        };
        assert_eq!(
            items_metadata(&item(metadata_for(hash, 1234, 64, 64))),
            Some(Announced::Avatar {
                hash: hash.to_owned(),
                bytes: Some(1234)
            })
        );
        assert_eq!(
            data_text(&item(data(b"png")), &hash.to_uppercase()).as_deref(),
            Some("cG5n")
        );
        let purge = purge(DATA);
        assert!(purge.is("pubsub", ns::PUBSUB_OWNER));
        // Not a SHA-1: no hash at all.
        for bad in ["", "xyz", &"a".repeat(41), &"g".repeat(40)] {
            assert_eq!(sha1_hex(bad), None, "{bad}");
        }
        assert_eq!(sha1_hex(&hash.to_uppercase()).as_deref(), Some(hash));
    }
}
