//! Avatar images: decoding under hard limits, square thumbnails for the
//! cache, and scaling our own avatar down before it is published.
//!
//! Everything here is pure (bytes in, bytes out) and meant to run off the
//! account actor's task (`spawn_blocking`): decoding is CPU work, and the
//! input comes from strangers on the network, so nothing here may panic or
//! allocate without a bound. The limits are checked in this order:
//!
//! 1. the number of input bytes,
//! 2. the format, guessed from the content (never from a claimed MIME type):
//!    only PNG, JPEG, GIF and WebP,
//! 3. the dimensions from the image header, before any pixel is decoded — a
//!    100-byte PNG can declare 50000×50000 pixels (10 GB of RGBA),
//! 4. `image::Limits::max_alloc` for what the decoder allocates,
//! 5. one frame: animated GIF/WebP are decoded through `ImageDecoder`, which
//!    reads only the first frame (a frame-count limit of 1; we never ask for
//!    the `AnimationDecoder` frames).

use std::io::{Cursor, Read};
use std::path::Path;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader};

/// Hard limits for one decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Encoded size in bytes.
    pub max_bytes: usize,
    /// Width and height each, in pixels (from the header, before decoding).
    pub max_side: u32,
    /// What the decoder may allocate, the decoded image included.
    pub max_alloc: u64,
}

/// A contact's avatar from the network. Clients publish 64–192 px images of
/// a few KiB; 1 MiB leaves room for generous ones (and is above what common
/// servers let through: Prosody and ejabberd default to 256 KiB stanzas).
/// 4096 px and 64 MiB: one RGBA image of 4096×4096 at most, so a hostile
/// avatar can never cost more than that while it is decoded.
pub const INCOMING: Limits = Limits {
    max_bytes: 1024 * 1024,
    max_side: 4096,
    max_alloc: 64 * 1024 * 1024,
};

/// A file the user picked as their own avatar: photos straight from a phone
/// camera (up to about 48 megapixels) should work; it is scaled down before
/// anything is sent, and the memory is freed right after.
pub const OWN_FILE: Limits = Limits {
    max_bytes: 16 * 1024 * 1024,
    max_side: 8192,
    max_alloc: 256 * 1024 * 1024,
};

/// A cached thumbnail read back for display: they are ours and tiny, but
/// on disk (anything may have replaced them).
pub const THUMBNAIL_FILE: Limits = Limits {
    max_bytes: 512 * 1024,
    max_side: 512,
    max_alloc: 4 * 1024 * 1024,
};

/// An image file someone sent (or we send), for its preview: photos of a
/// few dozen megapixels work; anything larger gets no preview (the file
/// itself is kept either way). 256 MiB: one 8192×8192 RGBA image at most.
pub const FILE_PREVIEW: Limits = Limits {
    max_bytes: 32 * 1024 * 1024,
    max_side: 8192,
    max_alloc: 256 * 1024 * 1024,
};

/// Longest side of a file preview (aspect ratio kept): what a conversation
/// shows inline, at 2× for HiDPI screens.
pub const PREVIEW_MAX_SIDE: u32 = 256;

/// Side of the cached thumbnails (square, centre-cropped): what the GUI
/// shows (roster and conversation header), at 2× for HiDPI screens.
pub const THUMBNAIL_SIDE: u32 = 96;

/// Our own avatar is published at most this wide and high (XEP-0084 asks
/// for small images; 192 px looks sharp at 96 px on HiDPI screens).
pub const PUBLISH_MAX_SIDE: u32 = 192;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AvatarError {
    #[error("the image is too large ({size} bytes, at most {max})")]
    TooLarge { size: u64, max: u64 },
    #[error("the image has too many pixels ({width}×{height}, at most {max}×{max})")]
    TooManyPixels { width: u32, height: u32, max: u32 },
    #[error("the image would need too much memory to decode")]
    TooMuchMemory,
    #[error("not an image in a supported format (PNG, JPEG, GIF, WebP)")]
    UnknownFormat,
    #[error("the image is damaged: {0}")]
    Corrupt(String),
    #[error("the image is damaged: the decoder failed on it")]
    DecoderFailed,
    #[error("cannot read {path}: {reason}")]
    Unreadable { path: String, reason: String },
}

/// Our avatar, ready to publish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    /// PNG, at most [`PUBLISH_MAX_SIDE`] on each side.
    pub png: Vec<u8>,
    pub width: u32,
    pub height: u32,
    /// The cache thumbnail of `png` (as [`thumbnail`] makes it).
    pub thumbnail: Vec<u8>,
}

/// The square PNG thumbnail (centre-cropped, at most [`THUMBNAIL_SIDE`]
/// pixels; small images are not scaled up) of an encoded image.
pub fn thumbnail(bytes: &[u8], limits: &Limits) -> Result<Vec<u8>, AvatarError> {
    let (image, orientation) = decode(bytes, limits)?;
    let (w, h) = (image.width(), image.height());
    let short = w.min(h);
    let side = short.min(THUMBNAIL_SIDE);
    // Scale first, crop the small result: cropping the full image first
    // would copy it. Both sides stay ≥ `side` (rounding up).
    let scaled_w = scale(w, side, short).max(side);
    let scaled_h = scale(h, side, short).max(side);
    let scaled = image.thumbnail_exact(scaled_w, scaled_h);
    drop(image);
    let mut square = scaled.crop_imm((scaled_w - side) / 2, (scaled_h - side) / 2, side, side);
    // Rotating the small square equals cropping the rotated original.
    square.apply_orientation(orientation);
    encode_png(&square)
}

/// A preview of an image file: scaled down to fit `max_side` (aspect
/// ratio kept, small images keep their size), EXIF orientation applied,
/// re-encoded as PNG.
pub fn preview(bytes: &[u8], limits: &Limits, max_side: u32) -> Result<Vec<u8>, AvatarError> {
    let (image, orientation) = decode(bytes, limits)?;
    let mut small = if image.width() > max_side || image.height() > max_side {
        image.thumbnail(max_side, max_side)
    } else {
        image
    };
    small.apply_orientation(orientation);
    encode_png(&small)
}

/// Our own avatar from a picked image: scaled down to fit
/// [`PUBLISH_MAX_SIDE`] (aspect ratio kept), re-encoded as PNG — which also
/// drops whatever metadata the file carried (EXIF location etc.).
pub fn prepare_own(bytes: &[u8]) -> Result<Prepared, AvatarError> {
    let (image, orientation) = decode(bytes, &OWN_FILE)?;
    let mut small = if image.width() > PUBLISH_MAX_SIDE || image.height() > PUBLISH_MAX_SIDE {
        image.thumbnail(PUBLISH_MAX_SIDE, PUBLISH_MAX_SIDE)
    } else {
        image
    };
    small.apply_orientation(orientation);
    let png = encode_png(&small)?;
    let thumbnail = thumbnail(&png, &INCOMING)?;
    Ok(Prepared {
        width: small.width(),
        height: small.height(),
        png,
        thumbnail,
    })
}

/// A PNG thumbnail from the cache, decoded to RGBA for display (the GUI
/// does this in a background task).
pub fn read_thumbnail(path: &Path) -> Result<image::RgbaImage, AvatarError> {
    let bytes = read_limited(path, THUMBNAIL_FILE.max_bytes)?;
    if image::guess_format(&bytes).ok() != Some(ImageFormat::Png) {
        return Err(AvatarError::UnknownFormat);
    }
    let (mut image, orientation) = decode(&bytes, &THUMBNAIL_FILE)?;
    image.apply_orientation(orientation);
    Ok(image.into_rgba8())
}

/// Reads a file, refusing it (without reading it all) when
/// it is larger than `max` bytes.
pub fn read_limited(path: &Path, max: usize) -> Result<Vec<u8>, AvatarError> {
    let unreadable = |e: std::io::Error| AvatarError::Unreadable {
        path: path.display().to_string(),
        reason: e.to_string(),
    };
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let too_large = |size: u64| AvatarError::TooLarge {
        size,
        max: max as u64,
    };
    if let Ok(meta) = file.metadata()
        && meta.len() > max as u64
    {
        return Err(too_large(meta.len()));
    }
    // The length may change meanwhile (or lie, for special files): read at
    // most one byte more than allowed.
    let mut bytes = Vec::new();
    file.take(max as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() > max {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Decodes the first frame within `limits`; also returns the EXIF
/// orientation (applied by the callers to their small result).
///
/// A decoder that panics on a hostile file is a bug in it, not in the file,
/// but the file is all a stranger controls: such a panic is caught here and
/// the image refused like a damaged one. (Fuzzing found one in zune-jpeg
/// 0.5.15, our JPEG decoder through `image`: an `unwrap` in its AVX2
/// inverse DCT, upstream issue etemesi254/zune-image#361, still open;
/// regression input in `fuzz/regressions/image/`.)
fn decode(
    bytes: &[u8],
    limits: &Limits,
) -> Result<(DynamicImage, image::metadata::Orientation), AvatarError> {
    std::panic::catch_unwind(|| decode_unguarded(bytes, limits)).unwrap_or_else(|_| {
        tracing::warn!("image decoder panicked; image refused");
        Err(AvatarError::DecoderFailed)
    })
}

fn decode_unguarded(
    bytes: &[u8],
    limits: &Limits,
) -> Result<(DynamicImage, image::metadata::Orientation), AvatarError> {
    if bytes.len() > limits.max_bytes {
        return Err(AvatarError::TooLarge {
            size: bytes.len() as u64,
            max: limits.max_bytes as u64,
        });
    }
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| AvatarError::Corrupt(e.to_string()))?;
    match reader.format() {
        Some(ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::Gif | ImageFormat::WebP) => {}
        _ => return Err(AvatarError::UnknownFormat),
    }
    let mut reader = reader;
    // No dimension limit yet, so that a refusal can say what the header
    // declared; nothing but the header is read before our own check.
    reader.limits(decoder_limits(limits, None));
    let mut decoder = reader.into_decoder().map_err(image_error)?;
    let (width, height) = decoder.dimensions();
    if width > limits.max_side || height > limits.max_side {
        return Err(AvatarError::TooManyPixels {
            width,
            height,
            max: limits.max_side,
        });
    }
    if width == 0 || height == 0 {
        return Err(AvatarError::Corrupt("the image has no pixels".into()));
    }
    // The decoded image counts against the allocation limit too.
    let mut rest = decoder_limits(limits, Some(limits.max_side));
    rest.reserve(decoder.total_bytes()).map_err(image_error)?;
    decoder.set_limits(rest).map_err(image_error)?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    // `from_decoder` reads one frame: the first of an animation.
    let image = DynamicImage::from_decoder(decoder).map_err(image_error)?;
    Ok((image, orientation))
}

fn decoder_limits(limits: &Limits, max_side: Option<u32>) -> image::Limits {
    let mut l = image::Limits::default();
    l.max_image_width = max_side;
    l.max_image_height = max_side;
    l.max_alloc = Some(limits.max_alloc);
    l
}

fn image_error(e: image::ImageError) -> AvatarError {
    match e {
        image::ImageError::Limits(_) => AvatarError::TooMuchMemory,
        image::ImageError::Unsupported(_) => AvatarError::UnknownFormat,
        other => AvatarError::Corrupt(other.to_string()),
    }
}

/// `len * side / short`, rounded up, without overflow (all ≤ 8192).
fn scale(len: u32, side: u32, short: u32) -> u32 {
    let scaled = (u64::from(len) * u64::from(side)).div_ceil(u64::from(short.max(1)));
    u32::try_from(scaled).unwrap_or(u32::MAX)
}

/// PNG with 8 bits per channel; alpha only if the image has it.
fn encode_png(image: &DynamicImage) -> Result<Vec<u8>, AvatarError> {
    let eight_bit = if image.color().has_alpha() {
        DynamicImage::ImageRgba8(image.to_rgba8())
    } else {
        DynamicImage::ImageRgb8(image.to_rgb8())
    };
    let mut out = Cursor::new(Vec::new());
    eight_bit
        .write_to(&mut out, ImageFormat::Png)
        .map_err(|e| AvatarError::Corrupt(e.to_string()))?;
    Ok(out.into_inner())
}

#[cfg(test)]
#[path = "avatar_image/png_bomb.rs"]
mod png_bomb;

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage, Rgba, RgbaImage};

    fn encoded(image: &DynamicImage, format: ImageFormat) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        image
            .write_to(&mut out, format)
            .unwrap_or_else(|e| panic!("{e}"));
        out.into_inner()
    }

    fn dims(png: &[u8]) -> (u32, u32) {
        let image = image::load_from_memory_with_format(png, ImageFormat::Png)
            .unwrap_or_else(|e| panic!("{e}"));
        (image.width(), image.height())
    }

    fn png_bomb(width: u32, height: u32) -> Vec<u8> {
        super::png_bomb::png_bomb(width, height, 8)
    }

    fn gradient(w: u32, h: u32) -> DynamicImage {
        DynamicImage::ImageRgb8(RgbImage::from_fn(w, h, |x, y| {
            Rgb([(x % 256) as u8, (y % 256) as u8, 128])
        }))
    }

    #[test]
    fn png_and_jpeg_become_square_thumbnails() {
        for format in [ImageFormat::Png, ImageFormat::Jpeg, ImageFormat::WebP] {
            let bytes = encoded(&gradient(300, 200), format);
            let thumb = thumbnail(&bytes, &INCOMING).unwrap_or_else(|e| panic!("{format:?}: {e}"));
            assert_eq!(dims(&thumb), (96, 96), "{format:?}");
        }
        // Tall, and smaller than a thumbnail: cropped, not scaled up.
        let thumb = thumbnail(&encoded(&gradient(40, 70), ImageFormat::Png), &INCOMING);
        assert_eq!(thumb.map(|t| dims(&t)), Ok((40, 40)));
        // Extreme aspect ratios do not trip the arithmetic.
        let thumb = thumbnail(&encoded(&gradient(3000, 1), ImageFormat::Png), &INCOMING);
        assert_eq!(thumb.map(|t| dims(&t)), Ok((1, 1)));
    }

    #[test]
    fn the_format_comes_from_the_content() {
        let png = encoded(&gradient(10, 10), ImageFormat::Png);
        // Whatever a MIME type claimed: PNG bytes decode as PNG.
        assert!(thumbnail(&png, &INCOMING).is_ok());
        assert_eq!(
            thumbnail(b"<svg xmlns='http://www.w3.org/2000/svg'/>", &INCOMING),
            Err(AvatarError::UnknownFormat)
        );
        // A format we know of but did not compile in (BMP).
        let bmp = encoded_bmp_header();
        assert_eq!(thumbnail(&bmp, &INCOMING), Err(AvatarError::UnknownFormat));
    }

    fn encoded_bmp_header() -> Vec<u8> {
        let mut bmp = b"BM".to_vec();
        bmp.extend_from_slice(&[0; 52]);
        bmp
    }

    #[test]
    fn too_many_bytes_are_refused_before_decoding() {
        let big = vec![0u8; INCOMING.max_bytes + 1];
        assert_eq!(
            thumbnail(&big, &INCOMING),
            Err(AvatarError::TooLarge {
                size: INCOMING.max_bytes as u64 + 1,
                max: INCOMING.max_bytes as u64
            })
        );
    }

    #[test]
    fn a_decompression_bomb_is_refused_from_its_header() {
        let bomb = png_bomb(50_000, 50_000);
        assert!(bomb.len() < 200);
        assert_eq!(
            thumbnail(&bomb, &INCOMING),
            Err(AvatarError::TooManyPixels {
                width: 50_000,
                height: 50_000,
                max: 4096
            })
        );
        assert!(matches!(
            prepare_own(&bomb),
            Err(AvatarError::TooManyPixels { .. })
        ));
        // Within the sides but over the memory limit (16-bit RGBA: 8 bytes
        // a pixel, 4000×4000 = 128 MB): refused before the buffer exists.
        let deep = super::png_bomb::png_bomb(4000, 4000, 16);
        assert_eq!(thumbnail(&deep, &INCOMING), Err(AvatarError::TooMuchMemory));
    }

    #[test]
    fn garbage_and_truncated_images_are_errors_not_panics() {
        assert_eq!(thumbnail(b"", &INCOMING), Err(AvatarError::UnknownFormat));
        assert_eq!(
            thumbnail(b"hello world, not an image", &INCOMING),
            Err(AvatarError::UnknownFormat)
        );
        let png = encoded(&gradient(64, 64), ImageFormat::Png);
        for cut in [8, 20, 33, 40, png.len() / 2] {
            assert!(thumbnail(&png[..cut], &INCOMING).is_err(), "cut at {cut}");
        }
        let jpeg = encoded(&gradient(64, 64), ImageFormat::Jpeg);
        let mut flipped = jpeg.clone();
        for b in flipped.iter_mut().skip(200).step_by(7) {
            *b ^= 0x5A;
        }
        // Corrupt entropy data may still decode to noise; it must not panic.
        let _ = thumbnail(&flipped, &INCOMING);
        assert!(thumbnail(&jpeg[..jpeg.len() / 3], &INCOMING).is_err());
    }

    #[test]
    fn an_animation_gives_its_first_frame() {
        use image::codecs::gif::GifEncoder;
        use image::{Delay, Frame};
        let frame = |color: [u8; 4]| {
            Frame::from_parts(
                RgbaImage::from_pixel(20, 20, Rgba(color)),
                0,
                0,
                Delay::from_numer_denom_ms(100, 1),
            )
        };
        let mut gif = Vec::new();
        {
            let mut encoder = GifEncoder::new(&mut gif);
            encoder
                .encode_frames([frame([255, 0, 0, 255]), frame([0, 0, 255, 255])])
                .unwrap_or_else(|e| panic!("{e}"));
        }
        let thumb = thumbnail(&gif, &INCOMING).unwrap_or_else(|e| panic!("{e}"));
        let image = image::load_from_memory(&thumb)
            .unwrap_or_else(|e| panic!("{e}"))
            .to_rgba8();
        assert_eq!(image.dimensions(), (20, 20));
        let Rgba([r, _, b, _]) = *image.get_pixel(10, 10);
        assert!(r > 200 && b < 50, "first frame (red), got {r}/{b}");
    }

    #[test]
    fn previews_keep_the_aspect_ratio_and_refuse_bombs() {
        let png = encoded(&gradient(1000, 500), ImageFormat::Png);
        let p = preview(&png, &FILE_PREVIEW, PREVIEW_MAX_SIDE);
        assert_eq!(p.map(|p| dims(&p)), Ok((256, 128)));
        let small = encoded(&gradient(30, 20), ImageFormat::Jpeg);
        let p = preview(&small, &FILE_PREVIEW, PREVIEW_MAX_SIDE);
        assert_eq!(p.map(|p| dims(&p)), Ok((30, 20)));
        assert!(matches!(
            preview(&png_bomb(50_000, 50_000), &FILE_PREVIEW, PREVIEW_MAX_SIDE),
            Err(AvatarError::TooManyPixels { .. })
        ));
    }

    #[test]
    fn our_avatar_is_scaled_down_and_reencoded_as_png() {
        let jpeg = encoded(&gradient(1000, 500), ImageFormat::Jpeg);
        let prepared = prepare_own(&jpeg).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((prepared.width, prepared.height), (192, 96));
        assert_eq!(dims(&prepared.png), (192, 96));
        assert_eq!(dims(&prepared.thumbnail), (96, 96));
        // Small images keep their size.
        let small = prepare_own(&encoded(&gradient(50, 60), ImageFormat::Png));
        assert_eq!(small.map(|p| (p.width, p.height)), Ok((50, 60)));
        // The user's file may be larger than what comes from the network.
        let big = encoded(&gradient(5000, 100), ImageFormat::Png);
        assert!(matches!(
            thumbnail(&big, &INCOMING),
            Err(AvatarError::TooManyPixels { .. })
        ));
        assert!(prepare_own(&big).is_ok());
    }

    #[test]
    fn files_are_read_up_to_the_limit() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("a.png");
        std::fs::write(&path, [1u8; 100]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(read_limited(&path, 100).map(|b| b.len()), Ok(100));
        assert_eq!(
            read_limited(&path, 99),
            Err(AvatarError::TooLarge { size: 100, max: 99 })
        );
        assert!(matches!(
            read_limited(&dir.path().join("missing.png"), 100),
            Err(AvatarError::Unreadable { .. })
        ));
    }
}
