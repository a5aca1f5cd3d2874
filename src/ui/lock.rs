//! A padlock, drawn from two boxes: no font here has a lock glyph and no
//! icon font is bundled. Closed for encrypted, open for not encrypted; the
//! caller picks the colour (a warning tone for what could not be read).

use iced::widget::{Space, container, stack};
use iced::{Border, Color, Element, Length, Padding, Theme, alignment};

/// Which lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lock {
    Closed,
    Open,
}

/// A lock `size` pixels high, in the colour `color` picks from the theme.
pub fn lock<'a, M: 'a>(
    kind: Lock,
    size: f32,
    color: impl Fn(&Theme) -> Color + Clone + 'a,
) -> Element<'a, M> {
    let stroke = (size / 7.0).max(1.2);
    let body_w = (size * 0.72).round();
    let body_h = (size * 0.5).round();
    let shackle_w = (body_w * 0.64).round();
    // The shackle reaches into the body, which covers its lower edge.
    let shackle_h = size - body_h * 0.5;
    let (shift, lift) = match kind {
        Lock::Closed => (0.0, 0.0),
        // Open: raised and swung to the side, one leg free.
        Lock::Open => (shackle_w * 0.55, stroke * 1.5),
    };
    let width = body_w.max((body_w - shackle_w) / 2.0 + shift + shackle_w);
    let edge = color.clone();
    let shackle = container(Space::new().width(shackle_w).height(shackle_h - lift)).style(
        move |theme: &Theme| {
            container::Style::default().border(Border {
                color: edge(theme),
                width: stroke,
                radius: iced::border::top(shackle_w / 2.0),
            })
        },
    );
    let body = container(Space::new().width(body_w).height(body_h)).style(move |theme: &Theme| {
        container::Style::default()
            .background(color(theme))
            .border(Border::default().rounded(stroke))
    });
    stack![
        container(shackle).padding(Padding {
            left: (body_w - shackle_w) / 2.0 + shift,
            ..Padding::ZERO
        }),
        container(body)
            .height(Length::Fill)
            .align_y(alignment::Vertical::Bottom),
    ]
    .width(width)
    .height(size)
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_locks_are_as_high_as_asked_and_no_wider_than_high() {
        for kind in [Lock::Closed, Lock::Open] {
            let e: Element<'_, ()> = lock(kind, 12.0, |_| Color::BLACK);
            let size = e.as_widget().size();
            assert_eq!(size.height, Length::Fixed(12.0), "{kind:?}");
            match size.width {
                Length::Fixed(w) => assert!(w > 0.0 && w <= 12.0, "{kind:?}: {w}"),
                other => panic!("{kind:?}: width {other:?}"),
            }
        }
    }
}
