//! File messages: the link (XEP-0066 out-of-band data) that every client
//! understands, with the file's metadata (XEP-0447 stateless file sharing
//! carrying XEP-0446 file metadata: name, size, media type, SHA-256) for
//! those that read it. The body is the URL, as other clients expect.
//!
//! Everything read here comes from the sender and is checked: lengths are
//! capped, a hash is only taken if it is a well-formed SHA-256. The name is
//! as the sender gave it: it must be made safe before it names a file.

use base64::Engine as _;
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::message::Message;
use tokio_xmpp::parsers::ns;
use tokio_xmpp::parsers::oob::Oob;

use super::util::element;

pub const NS_SFS: &str = "urn:xmpp:sfs:0";
pub const NS_FILE: &str = "urn:xmpp:file:metadata:0";
pub const NS_HASHES: &str = "urn:xmpp:hashes:2";
pub const NS_URL_DATA: &str = "http://jabber.org/protocol/url-data";

const MAX_URL: usize = 4096;
const MAX_NAME: usize = 1024;
const MAX_MEDIA_TYPE: usize = 255;

/// What we tell about a file we send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing<'a> {
    pub url: &'a str,
    pub name: &'a str,
    pub size: u64,
    pub media_type: Option<&'a str>,
    pub sha256: Option<&'a [u8; 32]>,
}

/// The file a received message carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileInfo {
    /// An `http(s)` URL, or an `aesgcm://` link (XEP-0454: the file is
    /// encrypted, the key is in the link; only ever inside OMEMO).
    pub url: String,
    /// The sender's name for it, else the URL's last path segment
    /// (percent-decoded). Untrusted: may be a path, hidden, reserved.
    pub name: String,
    pub size: Option<u64>,
    /// `type/subtype`, checked to be well-formed.
    pub media_type: Option<String>,
    pub sha256: Option<[u8; 32]>,
}

/// `msg` (whose body is the URL) with the OOB link and the file metadata.
pub fn attach(mut msg: Message, f: &Outgoing) -> Message {
    msg.payloads.push(
        Oob {
            url: f.url.to_owned(),
            desc: None,
        }
        .into(),
    );
    let text = |name: &str, value: String| Element::builder(name, NS_FILE).append(value).build();
    let mut file = Element::builder("file", NS_FILE)
        .append(text("name", f.name.to_owned()))
        .append(text("size", f.size.to_string()));
    if let Some(t) = f.media_type {
        file = file.append(text("media-type", t.to_owned()));
    }
    if let Some(h) = f.sha256 {
        let mut hash = element("hash", NS_HASHES, &[("algo", "sha-256")]);
        hash.append_text(base64::engine::general_purpose::STANDARD.encode(h));
        file = file.append(hash);
    }
    let sources = Element::builder("sources", NS_SFS).append(element(
        "url-data",
        NS_URL_DATA,
        &[("target", f.url)],
    ));
    msg.payloads.push(
        Element::builder("file-sharing", NS_SFS)
            .append(file.build())
            .append(sources.build())
            .build(),
    );
    msg
}

/// The file a received message carries: XEP-0447 metadata with a URL
/// source, an XEP-0066 link that is the whole body (how other clients
/// mark a file message; a link inside a text is just a link), or a body
/// that is only a link to a file (by its ending, see [`FILE_ENDINGS`]).
pub fn parse(msg: &Message, body: &str) -> Option<FileInfo> {
    let sfs = msg.payloads.iter().find(|p| p.is("file-sharing", NS_SFS));
    let oob_url = msg
        .payloads
        .iter()
        .find(|p| p.is("x", ns::OOB))
        .and_then(|p| Oob::try_from(p.clone()).ok())
        .map(|o| o.url.trim().to_owned());
    let sfs_url = sfs.and_then(|s| {
        s.get_child("sources", NS_SFS)?
            .children()
            .filter(|c| c.is("url-data", NS_URL_DATA))
            .find_map(|c| c.attr("target"))
            .map(|t| t.trim().to_owned())
    });
    let url = match (sfs_url, oob_url) {
        (Some(u), _) => u,
        (None, Some(u)) if u == body.trim() => u,
        // A body that is only a link to a file (as Conversations and
        // others send photos when no OOB element goes with it).
        (None, None) if is_file_link(body) => body.trim().to_owned(),
        _ => return None,
    };
    if url.is_empty()
        || url.len() > MAX_URL
        || !(url.starts_with("https://") || url.starts_with("http://"))
    {
        return None;
    }
    let meta = sfs.and_then(|s| s.get_child("file", NS_FILE));
    let child = |name: &str| {
        meta.and_then(|m| m.get_child(name, NS_FILE))
            .map(|c| c.text().trim().to_owned())
            .filter(|t| !t.is_empty())
    };
    let name = child("name")
        .filter(|n| n.len() <= MAX_NAME)
        .unwrap_or_else(|| name_from_url(&url));
    let size = child("size").and_then(|s| s.parse::<u64>().ok());
    let media_type = child("media-type").filter(|t| valid_media_type(t));
    let sha256 = meta.and_then(|m| {
        m.children()
            .filter(|c| c.is("hash", NS_HASHES) && c.attr("algo") == Some("sha-256"))
            .find_map(|c| {
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(c.text().trim())
                    .ok()?;
                <[u8; 32]>::try_from(bytes.as_slice()).ok()
            })
    });
    Some(FileInfo {
        url,
        name,
        size,
        media_type,
        sha256,
    })
}

/// The last path segment of a URL, percent-decoded (`…/a%20b.pdf` → `a b.pdf`).
/// The file an OMEMO-encrypted message carries: its whole (decrypted) body
/// is an `aesgcm://` link (XEP-0454), as Conversations, Dino, Gajim and
/// Monal send files in encrypted chats. Nothing else is said about it.
pub fn from_encrypted_body(body: &str) -> Option<FileInfo> {
    let link = body.trim();
    if link.len() > MAX_URL || link.contains(char::is_whitespace) {
        return None;
    }
    let parsed = super::aesgcm::AesGcmLink::parse(link).ok()?;
    Some(FileInfo {
        url: link.to_owned(),
        name: name_from_url(parsed.url.as_str()),
        size: None,
        media_type: None,
        sha256: None,
    })
}

/// Endings of links that name a file to download, not a web page: a body
/// that is only such a link is a file message. An allow-list, so that a
/// shared article (`…/page`, `…/index.html`) stays a link.
const FILE_ENDINGS: &[&str] = &[
    "jpg", "jpeg", "png", "gif", "webp", "heic", "heif", "avif", "bmp", "tif", "tiff", "pdf",
    "txt", "csv", "rtf", "odt", "ods", "odp", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "mp3",
    "m4a", "aac", "ogg", "oga", "opus", "wav", "flac", "mp4", "m4v", "webm", "mkv", "mov", "3gp",
    "zip", "7z", "gz", "tgz", "tar", "rar", "apk", "vcf", "ics", "gpx", "kml",
];

/// Whether `body` is a single `http(s)` link whose path ends in a file
/// ending of [`FILE_ENDINGS`].
fn is_file_link(body: &str) -> bool {
    let url = body.trim();
    let Some(rest) = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
    else {
        return false;
    };
    if url.len() > MAX_URL || url.chars().any(char::is_whitespace) {
        return false;
    }
    let path = rest.split(['?', '#']).next().unwrap_or("");
    let Some((host, path)) = path.split_once('/') else {
        return false;
    };
    let last = path.rsplit('/').next().unwrap_or("");
    let ending = last.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    !host.is_empty() && ending.is_some_and(|e| FILE_ENDINGS.contains(&e.as_str()))
}

fn name_from_url(url: &str) -> String {
    let path = url.split(['?', '#']).next().unwrap_or("");
    let last = path.rsplit('/').next().unwrap_or("");
    percent_decode(last)
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Some(b) = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `type/subtype` of token characters, short.
fn valid_media_type(t: &str) -> bool {
    let token = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&^_.+-".contains(&b))
    };
    t.len() <= MAX_MEDIA_TYPE && t.split_once('/').is_some_and(|(a, b)| token(a) && token(b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xmpp::util::testing::message;
    use tokio_xmpp::jid::Jid;
    use tokio_xmpp::parsers::message::Lang;

    #[test]
    fn an_encrypted_body_that_is_an_aesgcm_link_is_a_file() {
        let fragment = format!("{}{}", "ab".repeat(12), "cd".repeat(32));
        let link = format!("aesgcm://up.example/f/x1/Protokoll%20M%C3%A4rz.pdf#{fragment}");
        let f = from_encrypted_body(&format!(" {link}\n")).unwrap_or_else(|| panic!("a file"));
        assert_eq!(f.url, link);
        assert_eq!(f.name, "Protokoll März.pdf");
        assert_eq!((f.size, f.media_type, f.sha256), (None, None, None));
        for not_a_file in [
            format!("see {link}"),
            "https://up.example/f/x1/a.pdf".to_owned(),
            format!("aesgcm://up.example/f/a.pdf#{}", &fragment[2..]),
            String::new(),
        ] {
            assert_eq!(from_encrypted_body(&not_a_file), None, "{not_a_file}");
        }
    }

    #[test]
    fn what_we_send_reads_back() {
        let to: Jid = "bob@example.org".parse().unwrap_or_else(|e| panic!("{e}"));
        let url = "https://up.example.org/abc/report%20Q1.pdf";
        let msg = Message::chat(Some(to)).with_body(Lang::new(), url.to_owned());
        let hash = [9u8; 32];
        let msg = attach(
            msg,
            &Outgoing {
                url,
                name: "report Q1.pdf",
                size: 1234,
                media_type: Some("application/pdf"),
                sha256: Some(&hash),
            },
        );
        // Through XML and back, as a receiver sees it.
        let xml = String::from(&Element::from(msg));
        let back = message(&xml);
        let file = parse(&back, url).unwrap_or_else(|| panic!("a file in {xml}"));
        assert_eq!(file.name, "report Q1.pdf");
        assert_eq!(file.size, Some(1234));
        assert_eq!(file.media_type.as_deref(), Some("application/pdf"));
        assert_eq!(file.sha256, Some(hash));
        assert_eq!(file.url, url);
    }

    #[test]
    fn a_plain_oob_link_that_is_the_body_is_a_file() {
        let url = "https://up.example.org/x/photo%20one.jpg?token=1";
        let msg = message(&format!(
            "<message xmlns='jabber:client' type='chat' from='bob@example.org/pc'>\
             <body>{u}</body><x xmlns='jabber:x:oob'><url>{u}</url></x></message>",
            u = url.replace('&', "&amp;")
        ));
        let file = parse(&msg, url).unwrap_or_else(|| panic!("a file"));
        assert_eq!(file.name, "photo one.jpg");
        assert_eq!(file.size, None);
        // A link inside a text is not a file message.
        assert!(parse(&msg, "look at this").is_none());
    }

    #[test]
    fn a_body_that_is_only_a_link_to_a_file_is_a_file() {
        let msg = message("<message xmlns='jabber:client' type='chat'><body>x</body></message>");
        for (body, name) in [
            ("https://up.example.org/a1/IMG_2041.JPG", "IMG_2041.JPG"),
            (
                " https://up.example.org/a1/Bericht%202026.pdf?t=1 \n",
                "Bericht 2026.pdf",
            ),
            ("http://up.example.org/v.mp4#x", "v.mp4"),
        ] {
            let file = parse(&msg, body).unwrap_or_else(|| panic!("a file: {body}"));
            assert_eq!(file.name, name);
            assert_eq!((file.size, file.media_type), (None, None));
        }
        // Web pages, text with a link, other schemes, odd ones: text.
        for body in [
            "https://news.example.org/article",
            "https://news.example.org/index.html",
            "https://news.example.org/",
            "https://news.example.org",
            "see https://up.example.org/a.jpg",
            "https://up.example.org/a.jpg and more",
            "ftp://up.example.org/a.jpg",
            "https:///a.jpg",
            "https://up.example.org/a.jpg.exe",
            "https://up.example.org/jpg",
        ] {
            assert!(parse(&msg, body).is_none(), "{body}");
        }
    }

    #[test]
    fn hostile_metadata_is_dropped() {
        let msg = message(
            "<message xmlns='jabber:client' type='chat' from='eve@example.org/pc'>\
             <body>x</body>\
             <file-sharing xmlns='urn:xmpp:sfs:0'><file xmlns='urn:xmpp:file:metadata:0'>\
             <name>../../.bashrc</name><size>-5</size><media-type>text/html; x=&lt;</media-type>\
             <hash xmlns='urn:xmpp:hashes:2' algo='sha-256'>c2hvcnQ=</hash></file>\
             <sources><url-data xmlns='http://jabber.org/protocol/url-data' target='https://h.example/f'/></sources>\
             </file-sharing></message>",
        );
        let file = parse(&msg, "x").unwrap_or_else(|| panic!("a file"));
        // The name is the sender's; the account makes it safe (`account::file_message`).
        assert_eq!(file.name, "../../.bashrc");
        assert_eq!(file.size, None);
        assert_eq!(file.media_type, None);
        assert_eq!(file.sha256, None);
        // Only web URLs.
        let msg = message(
            "<message xmlns='jabber:client' type='chat' from='eve@example.org/pc'>\
             <body>file:///etc/passwd</body><x xmlns='jabber:x:oob'><url>file:///etc/passwd</url></x></message>",
        );
        assert!(parse(&msg, "file:///etc/passwd").is_none());
    }

    #[test]
    fn malformed_file_messages_are_text() {
        let long = format!("https://h.example/{}", "a".repeat(MAX_URL));
        for xml in [
            // No source and no link.
            "<message xmlns='jabber:client'><body>x</body><file-sharing xmlns='urn:xmpp:sfs:0'>\
             <file xmlns='urn:xmpp:file:metadata:0'><name>a</name></file></file-sharing></message>"
                .to_owned(),
            // A source without a target, an empty one, one too long.
            "<message xmlns='jabber:client'><body>x</body><file-sharing xmlns='urn:xmpp:sfs:0'><sources>\
             <url-data xmlns='http://jabber.org/protocol/url-data'/></sources></file-sharing></message>"
                .to_owned(),
            "<message xmlns='jabber:client'><body>x</body><file-sharing xmlns='urn:xmpp:sfs:0'><sources>\
             <url-data xmlns='http://jabber.org/protocol/url-data' target=' '/></sources></file-sharing></message>"
                .to_owned(),
            format!(
                "<message xmlns='jabber:client'><body>x</body><file-sharing xmlns='urn:xmpp:sfs:0'><sources>\
                 <url-data xmlns='http://jabber.org/protocol/url-data' target='{long}'/></sources>\
                 </file-sharing></message>"
            ),
            // An OOB element without its URL.
            "<message xmlns='jabber:client'><body>x</body><x xmlns='jabber:x:oob'/></message>".to_owned(),
        ] {
            assert!(parse(&message(&xml), "x").is_none(), "{xml}");
        }
    }

    #[test]
    fn names_from_urls_are_decoded() {
        assert_eq!(name_from_url("https://a/b/c%2Fd.txt?x#y"), "c/d.txt");
        assert_eq!(name_from_url("https://a/b/%zz"), "%zz");
        assert_eq!(name_from_url("https://a/b/..%2F..%2Fx"), "../../x");
        assert_eq!(name_from_url("https://a/b/%e2%82"), "\u{fffd}");
    }
}
