//! `aesgcm://` links (XEP-0454): an encrypted file's HTTPS address with
//! the scheme replaced, and the AES-256-GCM IV and key, in hex, as its
//! fragment: `aesgcm://upload.example/f/ab12/photo.jpg#<iv><key>`. They
//! travel only inside OMEMO messages (the key is in them).
//!
//! The IV is 12 bytes (24 hex digits); older Conversations versions send
//! 16 (32 digits); the key is always 32 bytes (64 digits).

use url::Url;

use super::util::hex_bytes;

/// Longer links are refused (upload services give addresses far shorter).
pub const MAX_LINK_BYTES: usize = 8 * 1024;

/// A parsed `aesgcm://` link.
#[derive(Clone, PartialEq, Eq)]
pub struct AesGcmLink {
    /// Where the encrypted file is, as `https://` (no fragment).
    pub url: Url,
    /// 12 or 16 bytes.
    pub iv: Vec<u8>,
    pub key: [u8; 32],
}

impl std::fmt::Debug for AesGcmLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the key (logs).
        f.debug_struct("AesGcmLink")
            .field("url", &self.url.as_str())
            .field("iv_len", &self.iv.len())
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AesGcmLinkError {
    #[error("not an aesgcm:// link")]
    NotAesGcm,
    #[error("the link is longer than {MAX_LINK_BYTES} bytes")]
    TooLong,
    #[error("the link's address is not a valid HTTPS address")]
    BadAddress,
    #[error("the link carries no valid key (the part after #)")]
    BadKey,
}

const SCHEME: &str = "aesgcm://";

impl AesGcmLink {
    /// Reads `text` (surrounding whitespace ignored; scheme and hex digits
    /// in any case).
    pub fn parse(text: &str) -> Result<AesGcmLink, AesGcmLinkError> {
        let text = text.trim();
        if text.len() > MAX_LINK_BYTES {
            return Err(AesGcmLinkError::TooLong);
        }
        let rest = text
            .get(..SCHEME.len())
            .filter(|s| s.eq_ignore_ascii_case(SCHEME))
            .and_then(|_| text.get(SCHEME.len()..))
            .ok_or(AesGcmLinkError::NotAesGcm)?;
        let (address, fragment) = rest.split_once('#').ok_or(AesGcmLinkError::BadKey)?;
        let bytes = hex_bytes(fragment).ok_or(AesGcmLinkError::BadKey)?;
        let iv_len = match bytes.len() {
            44 => 12,
            48 => 16,
            _ => return Err(AesGcmLinkError::BadKey),
        };
        let (iv, key) = bytes.split_at(iv_len);
        let key: [u8; 32] = key.try_into().map_err(|_| AesGcmLinkError::BadKey)?;
        // The host comes first ("aesgcm:///x" would read as host "x").
        if address.is_empty() || address.starts_with(['/', '\\']) {
            return Err(AesGcmLinkError::BadAddress);
        }
        let url = Url::parse(&format!("https://{address}"))
            .ok()
            .filter(|u| u.host_str().is_some_and(|h| !h.is_empty()))
            .ok_or(AesGcmLinkError::BadAddress)?;
        Ok(AesGcmLink {
            url,
            iv: iv.to_vec(),
            key,
        })
    }

    /// The link for the file at `url` (an `https://` address, as the
    /// upload service gave it) with `iv` and `key`; None if `url` is not
    /// HTTPS.
    pub fn new(url: &str, iv: &[u8], key: [u8; 32]) -> Option<AesGcmLink> {
        let url = Url::parse(url).ok().filter(|u| u.scheme() == "https")?;
        if url.host_str().is_none() || (iv.len() != 12 && iv.len() != 16) {
            return None;
        }
        Some(AesGcmLink {
            url,
            iv: iv.to_vec(),
            key,
        })
    }

    /// The link as it goes into the message.
    pub fn to_link(&self) -> String {
        let mut address = self.url.clone();
        address.set_fragment(None);
        let rest = address
            .as_str()
            .strip_prefix("https://")
            .unwrap_or(address.as_str())
            .to_owned();
        let mut link = format!("{SCHEME}{rest}#");
        for b in self.iv.iter().chain(self.key.iter()) {
            link.push_str(&format!("{b:02x}"));
        }
        link
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const IV12: &str = "000102030405060708090a0b";
    const KEY: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    #[test]
    fn links_of_both_iv_lengths_read_and_round_trip() {
        let text = format!("aesgcm://upload.example.org/f/ab%20cd/Photo.jpg#{IV12}{KEY}");
        let link = AesGcmLink::parse(&text).unwrap();
        assert_eq!(
            link.url.as_str(),
            "https://upload.example.org/f/ab%20cd/Photo.jpg"
        );
        assert_eq!(link.iv, (0..12).collect::<Vec<u8>>());
        assert_eq!(link.key.to_vec(), (0..32).collect::<Vec<u8>>());
        assert_eq!(link.to_link(), text);

        let old = format!(
            "AESGCM://h.example:5443/x#{}{}",
            "AB".repeat(16),
            KEY.to_uppercase()
        );
        let link = AesGcmLink::parse(&format!("  {old}\n")).unwrap();
        assert_eq!(link.iv, vec![0xab; 16]);
        assert_eq!(link.url.as_str(), "https://h.example:5443/x");
        assert_eq!(AesGcmLink::parse(&link.to_link()), Ok(link));

        let made = AesGcmLink::new("https://up.example/f/a.png", &[1; 12], [2; 32]).unwrap();
        assert_eq!(AesGcmLink::parse(&made.to_link()), Ok(made.clone()));
        assert!(!format!("{made:?}").contains("key"), "no key in Debug");
    }

    #[test]
    fn odd_links_are_refused() {
        let good_fragment = format!("{IV12}{KEY}");
        for (text, why) in [
            (
                format!("https://h.example/x#{good_fragment}"),
                AesGcmLinkError::NotAesGcm,
            ),
            ("aesgcm:/".to_owned(), AesGcmLinkError::NotAesGcm),
            (
                "äesgcm://h.example/x".to_owned(),
                AesGcmLinkError::NotAesGcm,
            ),
            ("aesgcm://h.example/x".to_owned(), AesGcmLinkError::BadKey),
            (
                format!("aesgcm://h.example/x#{}", &good_fragment[1..]),
                AesGcmLinkError::BadKey,
            ),
            (
                format!("aesgcm://h.example/x#{IV12}"),
                AesGcmLinkError::BadKey,
            ),
            (
                format!("aesgcm://h.example/x#{}zz", &good_fragment[2..]),
                AesGcmLinkError::BadKey,
            ),
            (
                format!("aesgcm://h.example/x#{good_fragment}00"),
                AesGcmLinkError::BadKey,
            ),
            (
                format!("aesgcm:///x#{good_fragment}"),
                AesGcmLinkError::BadAddress,
            ),
            (
                format!("aesgcm://h ost/x#{good_fragment}"),
                AesGcmLinkError::BadAddress,
            ),
            (
                format!(
                    "aesgcm://h.example/{}#{good_fragment}",
                    "a".repeat(MAX_LINK_BYTES)
                ),
                AesGcmLinkError::TooLong,
            ),
        ] {
            assert_eq!(AesGcmLink::parse(&text), Err(why), "{text:.80}");
        }
        assert_eq!(
            AesGcmLink::new("http://h.example/x", &[0; 12], [0; 32]),
            None
        );
        assert_eq!(
            AesGcmLink::new("https://h.example/x", &[0; 8], [0; 32]),
            None
        );
    }
}
