//! Avatars: the contact's picture when we have it, else their initials on
//! their XEP-0392 colour (the same colour other clients show).

use iced::widget::{container, text};
use iced::{Color, Element, Font, font};

use super::style;

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
        view(jid, name, size),
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
    use super::initials;

    #[test]
    fn initials_of_names() {
        assert_eq!(initials("Bob Miller"), "BM");
        assert_eq!(initials("bob"), "B");
        assert_eq!(initials("(Anna) von Berg"), "AV");
        assert_eq!(initials("  "), "");
        assert_eq!(initials("émile zola"), "ÉZ");
    }
}
