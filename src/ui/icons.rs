//! Pictograms from bundled SVG files (`assets/icons`), so that they look
//! the same on every machine: emoji characters show as empty boxes where
//! no emoji font is installed. Each is drawn in one colour the caller
//! picks from the theme (symbolic icons, recoloured by the renderer).

use std::sync::LazyLock;

use iced::widget::svg;
use iced::{Color, Element, Length, Theme};

/// Which pictogram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Icon {
    /// A document (a file that is not an image).
    File,
    /// A picture (an image file).
    Image,
}

impl Icon {
    fn bytes(self) -> &'static [u8] {
        match self {
            Icon::File => include_bytes!("../../assets/icons/file.svg"),
            Icon::Image => include_bytes!("../../assets/icons/image.svg"),
        }
    }

    /// The handle, made once (its hash identifies the rasterised copy the
    /// renderer keeps).
    fn handle(self) -> svg::Handle {
        static FILE: LazyLock<svg::Handle> =
            LazyLock::new(|| svg::Handle::from_memory(Icon::File.bytes()));
        static IMAGE: LazyLock<svg::Handle> =
            LazyLock::new(|| svg::Handle::from_memory(Icon::Image.bytes()));
        match self {
            Icon::File => FILE.clone(),
            Icon::Image => IMAGE.clone(),
        }
    }
}

/// `icon`, `size` pixels square, in the colour `color` picks.
pub fn icon<'a, M: 'a>(
    icon: Icon,
    size: f32,
    color: impl Fn(&Theme) -> Color + 'a,
) -> Element<'a, M> {
    svg(icon.handle())
        .width(Length::Fixed(size))
        .height(Length::Fixed(size))
        .style(move |theme, _| svg::Style {
            color: Some(color(theme)),
        })
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every bundled icon is an SVG document that parses.
    #[test]
    fn the_bundled_icons_are_svg() {
        for icon in [Icon::File, Icon::Image] {
            let text = std::str::from_utf8(icon.bytes()).unwrap_or_default();
            assert!(text.trim_start().starts_with("<svg"), "{icon:?}");
            assert!(text.contains("viewBox=\"0 0 24 24\""), "{icon:?}");
        }
    }
}
