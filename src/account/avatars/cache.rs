//! The thumbnail cache (`avatars/<sha1>.png`) and the blocking work that
//! fills it: base64, SHA-1 check, decoding (see [`crate::avatar_image`]),
//! atomic writes — run off the actor, one job at a time process-wide.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};

use base64::Engine as _;
use tokio::sync::{Semaphore, mpsc};

use super::Done;
use crate::account::avatar_path;
use crate::avatar_image::{self, AvatarError, INCOMING, OWN_FILE};

/// One decode at a time for all accounts: each may take up to
/// `avatar_image::INCOMING.max_alloc` of memory.
static DECODER: LazyLock<Arc<Semaphore>> = LazyLock::new(|| Arc::new(Semaphore::new(1)));

/// Base64 of at most `INCOMING.max_bytes`, with room for line breaks: a
/// longer text is refused before it is copied or decoded.
pub(crate) const MAX_BASE64_TEXT: usize = INCOMING.max_bytes / 3 * 4 * 2;

/// Our avatar, scaled and re-encoded, its thumbnail cached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Ready {
    pub hash: String,
    pub png: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub(crate) enum FetchError {
    #[error("the avatar data is not base64")]
    NotBase64,
    #[error("the data does not match its announced SHA-1 (spoofed or broken)")]
    HashMismatch,
    #[error(transparent)]
    Image(#[from] AvatarError),
    #[error("cannot write the thumbnail: {0}")]
    Write(String),
}

/// Runs `job` on the blocking pool, one at a time process-wide, and sends
/// its result (or `fallback`, should it panic) to the actor.
pub(super) fn spawn_job(
    done: mpsc::UnboundedSender<Done>,
    fallback: Done,
    job: impl FnOnce() -> Done + Send + 'static,
) {
    tokio::spawn(async move {
        let Ok(_permit) = DECODER.clone().acquire_owned().await else {
            return;
        };
        let result = tokio::task::spawn_blocking(job).await.unwrap_or_else(|e| {
            tracing::error!("avatar task failed: {e}");
            fallback
        });
        let _ = done.send(result);
    });
}

/// Checks fetched base64 data against its hash and caches its thumbnail.
pub(super) fn cache_avatar(text: &str, hash: &str, path: &Path) -> Result<(), FetchError> {
    let bytes = decode_base64(text, INCOMING.max_bytes)?;
    if sha1_hex(&bytes) != hash {
        return Err(FetchError::HashMismatch);
    }
    let thumbnail = avatar_image::thumbnail(&bytes, &INCOMING)?;
    write_atomic(path, &thumbnail).map_err(|e| FetchError::Write(e.to_string()))
}

/// Reads, scales and caches our own avatar from the file the user picked.
pub(super) fn prepare_own(path: &Path, data_dir: &Path) -> Result<Ready, AvatarError> {
    let bytes = avatar_image::read_limited(path, OWN_FILE.max_bytes)?;
    let prepared = avatar_image::prepare_own(&bytes)?;
    let hash = sha1_hex(&prepared.png);
    let unwritable = |reason: String| AvatarError::Unreadable {
        path: data_dir
            .join(crate::profile::AVATARS_DIR)
            .display()
            .to_string(),
        reason,
    };
    let target = avatar_path(data_dir, &hash).ok_or_else(|| unwritable("bad hash".into()))?;
    write_atomic(&target, &prepared.thumbnail).map_err(|e| unwritable(e.to_string()))?;
    Ok(Ready {
        hash,
        png: prepared.png,
        width: prepared.width,
        height: prepared.height,
    })
}

/// Base64 as XMPP carries it: line breaks and other whitespace allowed,
/// padding optional. At most `max` decoded bytes.
pub(crate) fn decode_base64(text: &str, max: usize) -> Result<Vec<u8>, FetchError> {
    let compact: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    // The decoded size, known before decoding.
    let padding = compact.iter().rev().take_while(|&&b| b == b'=').count();
    let size = compact.len().saturating_sub(padding) / 4 * 3
        + (compact.len().saturating_sub(padding) % 4 * 3 / 4);
    if size > max {
        return Err(AvatarError::TooLarge {
            size: size as u64,
            max: max as u64,
        }
        .into());
    }
    let bytes = base64_engine()
        .decode(&compact)
        .map_err(|_| FetchError::NotBase64)?;
    if bytes.len() > max {
        return Err(AvatarError::TooLarge {
            size: bytes.len() as u64,
            max: max as u64,
        }
        .into());
    }
    Ok(bytes)
}

pub(super) fn base64_engine() -> base64::engine::GeneralPurpose {
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    )
}

pub(super) fn sha1_hex(bytes: &[u8]) -> String {
    use sha1::Digest as _;
    format!("{:x}", sha1::Sha1::digest(bytes))
}

/// Writes `bytes` to `path` through a temporary file in the same directory
/// and a rename, so a reader never sees half a thumbnail.
fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let tmp = dir.join(format!(".{}.tmp", uuid::Uuid::new_v4()));
    let written = std::fs::File::create(&tmp).and_then(|mut f| {
        f.write_all(bytes)?;
        f.sync_all()
    });
    match written.and_then(|()| std::fs::rename(&tmp, path)) {
        Ok(()) => Ok(()),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

/// Deletes thumbnails no JID uses any more (and temporary files a crash
/// left behind). Run at start, before anything is fetched.
pub(crate) fn clean_cache(data_dir: &Path, in_use: &[String]) {
    let Ok(entries) = std::fs::read_dir(data_dir.join(crate::profile::AVATARS_DIR)) else {
        return;
    };
    let keep: HashSet<PathBuf> = in_use
        .iter()
        .filter_map(|h| avatar_path(data_dir, h))
        .collect();
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_file() && !keep.contains(&path) {
            match std::fs::remove_file(&path) {
                Ok(()) => tracing::debug!(file = %path.display(), "unused avatar removed"),
                Err(e) => {
                    tracing::debug!(file = %path.display(), "cannot remove unused avatar: {e}")
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: &str = "111f4b3c50d7b0df729d299bc6f8e9ef9066971f";

    #[test]
    fn data_is_checked_against_its_hash() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let mut png = std::io::Cursor::new(Vec::new());
        image::DynamicImage::new_rgb8(10, 10)
            .write_to(&mut png, image::ImageFormat::Png)
            .unwrap_or_else(|e| panic!("{e}"));
        let png = png.into_inner();
        let hash = sha1_hex(&png);
        // Line-broken base64, as vCards carry it.
        let b64 = base64_engine().encode(&png);
        let wrapped: String = b64
            .as_bytes()
            .chunks(20)
            .map(|c| format!("{}\n  ", String::from_utf8_lossy(c)))
            .collect();
        let path = avatar_path(dir.path(), &hash).unwrap_or_default();
        assert_eq!(cache_avatar(&wrapped, &hash, &path), Ok(()));
        assert!(path.is_file());
        let other = avatar_path(dir.path(), H).unwrap_or_default();
        assert_eq!(cache_avatar(&b64, H, &other), Err(FetchError::HashMismatch));
        assert!(!other.exists());
        assert_eq!(
            cache_avatar("**not base64**", H, &other),
            Err(FetchError::NotBase64)
        );
        // Too large is refused before decoding.
        let big = "A".repeat(INCOMING.max_bytes / 3 * 4 + 8);
        assert!(matches!(
            cache_avatar(&big, H, &other),
            Err(FetchError::Image(AvatarError::TooLarge { .. }))
        ));
        let max = INCOMING.max_bytes;
        for (len, ok) in [
            (max - 1, true),
            (max, true),
            (max + 1, false),
            (max + 2, false),
        ] {
            let text = base64_engine().encode(vec![7u8; len]);
            let result = decode_base64(&text, max);
            assert_eq!(result.is_ok(), ok, "{len}");
            if !ok {
                assert_eq!(
                    result,
                    Err(FetchError::Image(AvatarError::TooLarge {
                        size: len as u64,
                        max: max as u64
                    }))
                );
            }
        }
        // Nothing else was left in the directory (no temp files).
        let files = std::fs::read_dir(path.parent().unwrap_or(dir.path()))
            .map(|d| d.count())
            .unwrap_or(0);
        assert_eq!(files, 1);
        // The cache keeps what is in use.
        clean_cache(dir.path(), &[]);
        assert!(!path.exists());
    }
}
