//! `xmpp:` URIs (RFC 5122 with XEP-0147 query components), as links, QR
//! codes and pasted text carry them: `xmpp:anna@example.org`,
//! `xmpp:anna@example.org?message;body=Hallo`, `xmpp:team@muc.example.org?join`,
//! and the OMEMO fingerprints other clients put into their QR codes:
//! `?omemo-sid-<device>=<hex>` (Conversations, Dino, Gajim: the Curve25519
//! identity key without its type byte) and `?omemo2-sid-<device>=<hex>`
//! (OMEMO 2 clients: the Ed25519 key).
//!
//! Input from anywhere (a web page, a scanned code): read with bounds, a
//! repeated parameter keeps its first value, and a fingerprint that is no
//! fingerprint is left out rather than taken for one.

use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};
use tokio_xmpp::jid::{BareJid, Jid};

use super::omemo::DeviceId;

/// Longer URIs are refused (a QR code holds at most about 4,000 characters).
pub const MAX_URI_BYTES: usize = 8 * 1024;
/// At most this many query parameters are read.
const MAX_PARAMS: usize = 64;
/// At most this many fingerprints are taken from one URI.
pub const MAX_FINGERPRINTS: usize = 64;

const LEGACY_PARAM: &str = "omemo-sid-";
const V2_PARAM: &str = "omemo2-sid-";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmppUri {
    /// Whom the URI names.
    pub jid: Jid,
    /// The query's action (`message`, `join`, `roster`, …), lower case.
    pub action: Option<String>,
    /// The query's `key=value` pairs, decoded, keys in lower case.
    pub params: Vec<(String, String)>,
}

/// Which form of an identity key a fingerprint shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyForm {
    /// Curve25519 (`omemo-sid-`; OMEMO 0.3 clients).
    Curve25519,
    /// Ed25519 (`omemo2-sid-`; OMEMO 2 clients).
    Ed25519,
}

/// An OMEMO fingerprint from a URI: one device's identity key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UriFingerprint {
    pub form: KeyForm,
    pub device: DeviceId,
    pub key: [u8; 32],
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UriError {
    #[error("not an xmpp: address")]
    NotXmpp,
    #[error("the xmpp: address is too long")]
    TooLong,
    #[error("the xmpp: address names no valid account")]
    BadJid,
}

/// What is escaped in a URI's path and values: controls, space and the
/// characters that delimit its parts.
const ESCAPE: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'&')
    .add(b';')
    .add(b'=')
    .add(b'?')
    .add(b'<')
    .add(b'>');

fn decode(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

impl XmppUri {
    pub fn parse(text: &str) -> Result<XmppUri, UriError> {
        let text = text.trim();
        if text.len() > MAX_URI_BYTES {
            return Err(UriError::TooLong);
        }
        let rest = text
            .get(..5)
            .filter(|scheme| scheme.eq_ignore_ascii_case("xmpp:"))
            .map(|_| &text[5..])
            .ok_or(UriError::NotXmpp)?;
        let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
        // `xmpp://account/target`: the authority names which of our accounts
        // should act; the target is what the URI is about.
        let path = match path.strip_prefix("//") {
            Some(with_authority) => with_authority
                .split_once('/')
                .map_or("", |(_, target)| target),
            None => path,
        };
        let path = path.split('#').next().unwrap_or_default();
        let jid = decode(path).parse::<Jid>().map_err(|_| UriError::BadJid)?;
        let query = query.split('#').next().unwrap_or_default();
        let mut parts = query.split(';').filter(|p| !p.is_empty());
        let action = match query.split(';').next() {
            Some(first) if !first.is_empty() && !first.contains('=') => {
                parts.next();
                Some(decode(first).to_lowercase())
            }
            _ => None,
        };
        let mut params: Vec<(String, String)> = Vec::new();
        for part in parts.take(MAX_PARAMS) {
            let (key, value) = part.split_once('=').unwrap_or((part, ""));
            let key = decode(key).to_lowercase();
            if !params.iter().any(|(k, _)| *k == key) {
                params.push((key, decode(value)));
            }
        }
        Ok(XmppUri {
            jid,
            action,
            params,
        })
    }

    pub fn param(&self, key: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The OMEMO fingerprints it carries; malformed ones are left out.
    pub fn fingerprints(&self) -> Vec<UriFingerprint> {
        self.params
            .iter()
            .filter_map(|(key, value)| {
                let (form, device) = if let Some(id) = key.strip_prefix(V2_PARAM) {
                    (KeyForm::Ed25519, id)
                } else {
                    (KeyForm::Curve25519, key.strip_prefix(LEGACY_PARAM)?)
                };
                Some(UriFingerprint {
                    form,
                    device: device.parse().ok()?,
                    key: hex_key(value)?,
                })
            })
            .take(MAX_FINGERPRINTS)
            .collect()
    }

    /// A URI naming `jid` with `fingerprints`, as our own QR code shows it.
    pub fn with_fingerprints(jid: &BareJid, fingerprints: &[UriFingerprint]) -> String {
        let mut uri = format!("xmpp:{}", utf8_percent_encode(jid.as_str(), ESCAPE));
        for (i, f) in fingerprints.iter().enumerate() {
            uri.push(if i == 0 { '?' } else { ';' });
            let param = match f.form {
                KeyForm::Curve25519 => LEGACY_PARAM,
                KeyForm::Ed25519 => V2_PARAM,
            };
            uri.push_str(param);
            uri.push_str(&f.device.to_string());
            uri.push('=');
            for b in f.key {
                uri.push_str(&format!("{b:02x}"));
            }
        }
        uri
    }
}

/// 64 hex digits (any case; spaces, as some clients group them, ignored).
fn hex_key(text: &str) -> Option<[u8; 32]> {
    let digits: String = text.chars().filter(|c| *c != ' ').collect();
    super::util::hex_bytes(&digits)?.try_into().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> XmppUri {
        XmppUri::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    const HEX: &str = "05a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f";

    #[test]
    fn the_usual_forms_read() {
        let u = parse("xmpp:anna@example.org");
        assert_eq!(u.jid.as_str(), "anna@example.org");
        assert_eq!((u.action, u.params.len()), (None, 0));
        let u = parse(" XMPP:anna@example.org?message;body=Hallo%20Welt%20%C3%BC ");
        assert_eq!(u.action.as_deref(), Some("message"));
        assert_eq!(u.param("body"), Some("Hallo Welt ü"));
        let u = parse("xmpp:team@muc.example.org?join;password=x");
        assert_eq!(u.action.as_deref(), Some("join"));
        // An account to act with in front: the target counts.
        let u = parse("xmpp://guest@example.com/support@example.com?message");
        assert_eq!(u.jid.as_str(), "support@example.com");
        // A full JID; an escaped one.
        assert_eq!(
            parse("xmpp:anna@example.org/phone").jid.as_str(),
            "anna@example.org/phone"
        );
        assert_eq!(
            parse("xmpp:j%C3%BCrgen@example.org").jid.as_str(),
            "jürgen@example.org"
        );
    }

    #[test]
    fn fingerprints_of_both_forms_read_and_round_trip() {
        let u = parse(&format!(
            "xmpp:anna@example.org?omemo-sid-123={h};omemo2-sid-456={H};omemo-sid-0={h};\
             omemo-sid-7=abc;omemo-sid-x={h};otr-fingerprint=00",
            h = &HEX[..64],
            H = HEX[..64].to_uppercase()
        ));
        let fps = u.fingerprints();
        assert_eq!(fps.len(), 2);
        assert_eq!(fps[0].form, KeyForm::Curve25519);
        assert_eq!(fps[0].device.get(), 123);
        assert_eq!(fps[0].key[..2], [0x05, 0xa1]);
        assert_eq!((fps[1].form, fps[1].device.get()), (KeyForm::Ed25519, 456));
        let jid: BareJid = "anna@example.org".parse().unwrap_or_else(|e| panic!("{e}"));
        let back = parse(&XmppUri::with_fingerprints(&jid, &fps));
        assert_eq!(back.jid.as_str(), "anna@example.org");
        assert_eq!(back.fingerprints(), fps);
    }

    #[test]
    fn odd_input_is_refused_or_bounded() {
        for bad in [
            "",
            "mailto:anna@example.org",
            "xmpp:",
            "xmpp:@@",
            "xmp",
            "xmpp:%FF%FE@ex ample",
        ] {
            assert!(XmppUri::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            XmppUri::parse(&format!("xmpp:a@b?{}", "x".repeat(MAX_URI_BYTES))),
            Err(UriError::TooLong)
        );
        // Multi-byte text at the scheme's end is no panic.
        assert_eq!(XmppUri::parse("xmpü:a@b"), Err(UriError::NotXmpp));
        // Repeated keys: the first wins; the number of parameters is bounded.
        let mut many = String::from("xmpp:a@b?message;body=first;body=second");
        for i in 0..90 {
            many.push_str(&format!(";omemo-sid-{}={}", i + 1, &HEX[..64]));
        }
        let u = parse(&many);
        assert_eq!(u.param("body"), Some("first"));
        assert!(u.params.len() <= MAX_PARAMS);
        assert!(u.fingerprints().len() <= MAX_FINGERPRINTS);
    }
}
