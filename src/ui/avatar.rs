//! Avatars: the contact's picture when we have it, else their initials on
//! their XEP-0392 colour (the same colour other clients show).

use std::collections::HashMap;

use iced::widget::image::Handle;
use iced::widget::{container, text};
use iced::{Color, Element, Font, Task, font};

use super::style;

/// Decoded avatar thumbnails by file path. Decoding happens in a
/// background task; until it is done (or if it fails) the initials show.
#[derive(Debug, Default)]
pub struct Cache {
    /// None: loading, or the file could not be used.
    images: HashMap<String, Option<Handle>>,
}

impl Cache {
    pub fn get(&self, path: Option<&str>) -> Option<&Handle> {
        self.images.get(path?)?.as_ref()
    }

    /// Starts loading the paths not seen yet; the tasks end in `done`.
    pub fn load<'a, M: Send + 'static>(
        &mut self,
        paths: impl IntoIterator<Item = &'a str>,
        done: fn(String, Option<Handle>) -> M,
    ) -> Task<M> {
        self.load_shaped(paths, true, done)
    }

    /// Like [`Cache::load`] for square pictures (file previews): the same
    /// cache, decoded without rounding.
    pub fn load_plain<'a, M: Send + 'static>(
        &mut self,
        paths: impl IntoIterator<Item = &'a str>,
        done: fn(String, Option<Handle>) -> M,
    ) -> Task<M> {
        self.load_shaped(paths, false, done)
    }

    fn load_shaped<'a, M: Send + 'static>(
        &mut self,
        paths: impl IntoIterator<Item = &'a str>,
        rounded: bool,
        done: fn(String, Option<Handle>) -> M,
    ) -> Task<M> {
        let new: Vec<String> = paths
            .into_iter()
            .filter(|p| !self.images.contains_key(*p))
            .map(str::to_owned)
            .collect();
        Task::batch(new.into_iter().map(|path| {
            self.images.insert(path.clone(), None);
            Task::perform(
                async move {
                    let file = path.clone();
                    let handle = tokio::task::spawn_blocking(move || decode(&file, rounded))
                        .await
                        .ok()
                        .flatten();
                    (path, handle)
                },
                move |(path, handle)| done(path, handle),
            )
        }))
    }

    pub fn loaded(&mut self, path: String, handle: Option<Handle>) {
        self.images.insert(path, handle);
    }
}

/// Reads and decodes a thumbnail into RGBA (off the UI thread), rounded
/// (avatars) or not (file previews).
fn decode(path: &str, rounded: bool) -> Option<Handle> {
    match crate::avatar_image::read_thumbnail(std::path::Path::new(path)) {
        Ok(mut rgba) => {
            if rounded {
                round(&mut rgba);
            }
            Some(Handle::from_rgba(
                rgba.width(),
                rgba.height(),
                rgba.into_raw(),
            ))
        }
        Err(e) => {
            tracing::warn!(path, "thumbnail not shown: {e}");
            None
        }
    }
}

/// Makes the corners outside the inscribed circle transparent (with a soft
/// edge): the software renderer does not round images itself.
fn round(img: &mut image::RgbaImage) {
    let (w, h) = (img.width() as f32, img.height() as f32);
    let (cx, cy, r) = (w / 2.0, h / 2.0, w.min(h) / 2.0);
    for (x, y, px) in img.enumerate_pixels_mut() {
        let (dx, dy) = (x as f32 + 0.5 - cx, y as f32 + 0.5 - cy);
        let inside = (r - (dx * dx + dy * dy).sqrt()).clamp(0.0, 1.0);
        px[3] = (f32::from(px[3]) * inside) as u8;
    }
}

/// A round avatar: the picture if loaded, else the initials.
pub fn picture<'a, M: 'a>(
    jid: &str,
    name: &str,
    size: f32,
    image: Option<&Handle>,
) -> Element<'a, M> {
    match image {
        Some(handle) => iced::widget::image(handle.clone())
            .width(size)
            .height(size)
            .border_radius(size / 2.0)
            .into(),
        None => view(jid, name, size),
    }
}

const BOLD: Font = Font {
    weight: font::Weight::Bold,
    ..Font::DEFAULT
};

/// A round avatar of `size` px for `jid`, labelled with `name`'s initials.
pub fn view<'a, M: 'a>(jid: &str, name: &str, size: f32) -> Element<'a, M> {
    let [r, g, b] = crate::consistent_color::rgb(jid);
    container(
        text(initials(name))
            .size(size * 0.42)
            .font(BOLD)
            .color(Color::WHITE),
    )
    .center(size)
    .style(style::dot(Color::from_rgb(r, g, b)))
    .into()
}

/// The avatar with a presence dot on its lower right corner.
pub fn with_presence<'a, M: 'a>(
    jid: &str,
    name: &str,
    size: f32,
    image: Option<&Handle>,
    presence: crate::api::Availability,
) -> Element<'a, M> {
    let dot = size * 0.3;
    let box_size = size + 2.0;
    let ring = container(
        container(iced::widget::space().width(dot).height(dot))
            .style(style::dot(super::format::presence_color(presence))),
    )
    .padding(1.5)
    .style(style::dot_ring);
    iced::widget::stack![
        picture(jid, name, size, image),
        container(ring)
            .width(box_size)
            .height(box_size)
            .align_right(box_size)
            .align_bottom(box_size),
    ]
    .into()
}

/// Up to two letters: the first of the first two words ("Bob Miller" → BM,
/// "bob" → B).
pub fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().find(|c| c.is_alphanumeric()))
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{decode, initials};

    #[test]
    fn thumbnails_decode_within_limits_only() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let write = |name: &str, bytes: &[u8]| {
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("{e}"));
            path.display().to_string()
        };
        let mut png = Vec::new();
        image::RgbaImage::from_pixel(96, 96, image::Rgba([10, 20, 30, 255]))
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(decode(&write("ok.png", &png), true).is_some());
        assert!(decode(&write("junk.png", b"not a png"), true).is_none());
        let mut big = Vec::new();
        image::RgbaImage::new(600, 10)
            .write_to(&mut std::io::Cursor::new(&mut big), image::ImageFormat::Png)
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            decode(&write("wide.png", &big), true).is_none(),
            "over 512 px"
        );
        assert!(decode(&dir.path().join("missing.png").display().to_string(), true).is_none());
    }

    #[test]
    fn initials_of_names() {
        assert_eq!(initials("Bob Miller"), "BM");
        assert_eq!(initials("bob"), "B");
        assert_eq!(initials("(Anna) von Berg"), "AV");
        assert_eq!(initials("  "), "");
        assert_eq!(initials("émile zola"), "ÉZ");
    }
}
