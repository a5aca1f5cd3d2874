//! Files: what is common to sending and receiving them, apart from the
//! XMPP side (`account::upload`, `account::file_message`,
//! `account::transfers`): HTTP transfers streamed to and from disk
//! ([`transfer`]), safe names for files from the network ([`names`]) and
//! image previews under hard limits ([`preview`]).

pub mod names;
pub mod sink;
pub mod socks5;
pub mod transfer;

use std::path::Path;

use crate::avatar_image::{self, AvatarError, FILE_PREVIEW, PREVIEW_MAX_SIDE};

/// The media type of a file we send, from its name's extension.
pub fn media_type_of(path: &Path) -> String {
    mime_guess::from_path(path)
        .first_or_octet_stream()
        .essence_str()
        .to_owned()
}

/// Formats Plausch makes previews of (the decoder checks the content; this
/// only decides whether to try).
pub fn is_image(media_type: Option<&str>, name: &str) -> bool {
    let by_type = media_type.is_some_and(|t| {
        matches!(
            t.to_ascii_lowercase().as_str(),
            "image/png" | "image/jpeg" | "image/gif" | "image/webp"
        )
    });
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    by_type
        || matches!(
            ext.as_deref(),
            Some("png" | "jpg" | "jpeg" | "gif" | "webp")
        )
}

/// Writes a PNG preview (at most 256 px on the longer side, EXIF
/// orientation applied) of the image file `image` to `out`. Blocking: run
/// it off the async threads. Files over 32 MiB, over 8192 px a side or
/// needing more than 256 MiB to decode get none.
pub fn make_preview(image: &Path, out: &Path) -> Result<(), AvatarError> {
    let bytes = avatar_image::read_limited(image, FILE_PREVIEW.max_bytes)?;
    let png = avatar_image::preview(&bytes, &FILE_PREVIEW, PREVIEW_MAX_SIDE)?;
    drop(bytes);
    let unwritable = |e: std::io::Error| AvatarError::Unreadable {
        path: out.display().to_string(),
        reason: e.to_string(),
    };
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).map_err(unwritable)?;
    }
    std::fs::write(out, png).map_err(unwritable)
}

/// Sizes for people: "12.3 MiB".
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} bytes");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types_and_images() {
        assert_eq!(media_type_of(Path::new("a/report.PDF")), "application/pdf");
        assert_eq!(media_type_of(Path::new("shot.png")), "image/png");
        assert_eq!(
            media_type_of(Path::new("noext")),
            "application/octet-stream"
        );
        assert!(is_image(Some("image/jpeg"), "x"));
        assert!(is_image(None, "x.JPG"));
        assert!(!is_image(Some("image/svg+xml"), "x.svg"));
        assert!(!is_image(None, "x.pdf"));
    }

    #[test]
    fn sizes_read_well() {
        assert_eq!(human_size(10), "10 bytes");
        assert_eq!(human_size(10 * 1024 * 1024), "10.0 MiB");
        assert_eq!(human_size(1536), "1.5 KiB");
    }
}
