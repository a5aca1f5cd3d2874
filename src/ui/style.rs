//! The look of Plausch: one function per widget kind, derived from the
//! active (light or dark) theme's palette.

use iced::border::Radius;
use iced::widget::{button, container, text};
use iced::{Background, Border, Color, Theme};

use super::format::Tone;

pub const SIDEBAR_WIDTH: f32 = 280.0;
pub const RADIUS: f32 = 8.0;

pub fn sidebar(theme: &Theme) -> container::Style {
    let p = theme.extended_palette();
    container::Style::default().background(p.background.weak.color)
}

pub fn header(theme: &Theme) -> container::Style {
    let p = theme.extended_palette();
    container::Style::default()
        .background(p.background.base.color)
        .border(Border::default().width(0))
}

pub fn bubble_own(theme: &Theme) -> container::Style {
    let p = theme.extended_palette();
    container::Style::default()
        .background(p.primary.weak.color)
        .color(p.primary.weak.text)
        .border(Border::default().rounded(Radius::new(12.0).bottom_right(3.0)))
}

pub fn bubble_other(theme: &Theme) -> container::Style {
    let p = theme.extended_palette();
    container::Style::default()
        .background(p.background.weak.color)
        .color(p.background.weak.text)
        .border(Border::default().rounded(Radius::new(12.0).bottom_left(3.0)))
}

/// A pill-shaped day separator.
pub fn day_pill(theme: &Theme) -> container::Style {
    let p = theme.extended_palette();
    container::Style::default()
        .background(p.background.weaker.color)
        .color(p.background.weaker.text)
        .border(Border::default().rounded(10))
}

/// The unread counter.
pub fn badge(theme: &Theme) -> container::Style {
    let p = theme.extended_palette();
    container::Style::default()
        .background(p.primary.base.color)
        .color(p.primary.base.text)
        .border(Border::default().rounded(9))
}

pub fn warning_badge(theme: &Theme) -> container::Style {
    let p = theme.extended_palette();
    container::Style::default()
        .background(p.warning.base.color)
        .color(p.warning.base.text)
        .border(Border::default().rounded(9))
}

/// A round dot of `color` (presence, account colour).
pub fn dot(color: Color) -> impl Fn(&Theme) -> container::Style {
    move |_| {
        container::Style::default()
            .background(color)
            .border(Border::default().rounded(100))
    }
}

/// The ring around a presence dot on an avatar (the sidebar's colour).
pub fn dot_ring(theme: &Theme) -> container::Style {
    container::Style::default()
        .background(theme.extended_palette().background.weak.color)
        .border(Border::default().rounded(100))
}

pub fn banner_error(theme: &Theme) -> container::Style {
    let p = theme.extended_palette();
    container::Style::default()
        .background(p.danger.weak.color)
        .color(p.danger.weak.text)
        .border(Border::default().rounded(RADIUS))
}

/// A banner with a result the user asked for (an export, a backup).
pub fn banner_info(theme: &Theme) -> container::Style {
    let p = theme.extended_palette();
    container::Style::default()
        .background(p.success.weak.color)
        .color(p.success.weak.text)
        .border(Border::default().rounded(RADIUS))
}

/// A banner that asks for a decision (not an error).
pub fn banner_warning(theme: &Theme) -> container::Style {
    let p = theme.extended_palette();
    container::Style::default()
        .background(p.warning.weak.color)
        .color(p.warning.weak.text)
        .border(Border::default().rounded(RADIUS))
}

pub fn dialog(theme: &Theme) -> container::Style {
    let p = theme.extended_palette();
    container::Style::default()
        .background(p.background.base.color)
        .border(
            Border::default()
                .rounded(12)
                .width(1)
                .color(p.background.strong.color),
        )
}

pub fn backdrop(_theme: &Theme) -> container::Style {
    container::Style::default().background(Color::from_rgba(0.0, 0.0, 0.0, 0.45))
}

pub fn error_box(theme: &Theme) -> container::Style {
    banner_error(theme)
}

/// A sidebar row; `selected` marks the open conversation.
pub fn row_button(selected: bool) -> impl Fn(&Theme, button::Status) -> button::Style {
    move |theme, status| {
        let p = theme.extended_palette();
        let background = match (selected, status) {
            (true, _) => Some(Background::Color(p.primary.weak.color)),
            (false, button::Status::Hovered | button::Status::Pressed) => {
                Some(Background::Color(p.background.strong.color))
            }
            _ => None,
        };
        button::Style {
            background,
            text_color: if selected {
                p.primary.weak.text
            } else {
                p.background.base.text
            },
            border: Border::default().rounded(RADIUS),
            ..button::Style::default()
        }
    }
}

/// A colour swatch in the add-account dialog.
pub fn swatch(color: Color, selected: bool) -> impl Fn(&Theme, button::Status) -> button::Style {
    move |theme, status| {
        let p = theme.extended_palette();
        let ring = if selected {
            p.background.base.text
        } else if status == button::Status::Hovered {
            p.background.strong.color
        } else {
            Color::TRANSPARENT
        };
        button::Style {
            background: Some(Background::Color(color)),
            border: Border::default().rounded(100).width(3).color(ring),
            ..button::Style::default()
        }
    }
}

/// Secondary, less prominent text.
pub fn muted(theme: &Theme) -> text::Style {
    let p = theme.extended_palette();
    text::Style {
        color: Some(p.background.base.text.scale_alpha(0.6)),
    }
}

/// Colour of a connection state text.
pub fn tone(tone: Tone) -> impl Fn(&Theme) -> text::Style {
    move |theme| {
        let p = theme.extended_palette();
        let color = match tone {
            // The base green is too dark to read on a dark sidebar.
            Tone::Good if p.is_dark => lighten(p.success.base.color, 0.45),
            Tone::Good => p.success.strong.color,
            Tone::Busy if p.is_dark => p.warning.base.color,
            Tone::Busy => p.warning.strong.color,
            Tone::Bad => p.danger.base.color,
            Tone::Muted => p.background.base.text.scale_alpha(0.6),
        };
        text::Style { color: Some(color) }
    }
}

/// The state mark of an own message; `highlight` for acked/read.
pub fn mark(highlight: bool, failed: bool) -> impl Fn(&Theme) -> text::Style {
    move |theme| {
        let p = theme.extended_palette();
        let color = if failed {
            p.danger.base.color
        } else if highlight {
            p.primary.strong.color
        } else {
            p.primary.weak.text.scale_alpha(0.6)
        };
        text::Style { color: Some(color) }
    }
}

/// `c` moved towards white by `amount` (0–1).
fn lighten(c: Color, amount: f32) -> Color {
    Color {
        r: c.r + (1.0 - c.r) * amount,
        g: c.g + (1.0 - c.g) * amount,
        b: c.b + (1.0 - c.b) * amount,
        a: c.a,
    }
}

/// The "new messages" line: in the accent colour, to be found at a glance.
pub fn accent_rule(theme: &Theme) -> iced::widget::rule::Style {
    iced::widget::rule::Style {
        color: theme.extended_palette().primary.base.color,
        ..iced::widget::rule::default(theme)
    }
}

/// The "read up to here" line: quiet.
pub fn muted_rule(theme: &Theme) -> iced::widget::rule::Style {
    iced::widget::rule::weak(theme)
}

/// A quoted message inside a reply bubble.
pub fn quote(theme: &Theme) -> container::Style {
    let p = theme.extended_palette();
    container::Style::default()
        .background(p.background.base.color.scale_alpha(0.5))
        .border(
            Border::default()
                .rounded(4)
                .width(1)
                .color(p.background.strong.color),
        )
}

/// The message whose actions are shown.
pub fn selected(theme: &Theme) -> container::Style {
    let p = theme.extended_palette();
    container::Style::default().border(
        Border::default()
            .rounded(14)
            .width(1)
            .color(p.primary.base.color),
    )
}

pub fn plain(_theme: &Theme) -> container::Style {
    container::Style::default()
}

/// The "@" badge of a room with an unread mention of us.
pub fn mention_badge(theme: &Theme) -> container::Style {
    let p = theme.extended_palette();
    container::Style::default()
        .background(p.danger.base.color)
        .color(p.danger.base.text)
        .border(Border::default().rounded(9))
}

/// A room message that mentions us: the other bubble, marked.
pub fn bubble_mention(theme: &Theme) -> container::Style {
    let p = theme.extended_palette();
    let mark = if p.is_dark {
        p.warning.base.color
    } else {
        p.warning.strong.color
    };
    container::Style::default()
        .background(
            p.warning
                .weak
                .color
                .scale_alpha(if p.is_dark { 0.35 } else { 0.5 }),
        )
        .color(p.background.weak.text)
        .border(
            Border::default()
                .rounded(Radius::new(12.0).bottom_left(3.0))
                .width(1.5)
                .color(mark),
        )
}

/// A group's picture: a rounded square on its XEP-0392 colour.
pub fn room_picture(color: Color) -> impl Fn(&Theme) -> container::Style {
    move |_| {
        container::Style::default()
            .background(color)
            .border(Border::default().rounded(7))
    }
}

/// An occupant's nick in their XEP-0392 colour, lighter on a dark theme.
pub fn nick(color: Color) -> impl Fn(&Theme) -> text::Style {
    move |theme| {
        let color = if theme.extended_palette().is_dark {
            lighten(color, 0.35)
        } else {
            color
        };
        text::Style { color: Some(color) }
    }
}

/// The occupant list next to a room's messages.
pub fn occupant_panel(theme: &Theme) -> container::Style {
    let p = theme.extended_palette();
    container::Style::default().background(p.background.weakest.color)
}

/// The room menu and its forms under the header.
pub fn room_menu(theme: &Theme) -> container::Style {
    let p = theme.extended_palette();
    container::Style::default().background(p.background.weaker.color)
}

/// The message a search result opened the conversation at: marked with
/// the accent colour until the user goes back to the newest messages.
pub fn bubble_found(theme: &Theme) -> container::Style {
    let p = theme.extended_palette();
    container::Style::default()
        .background(p.primary.weak.color.scale_alpha(0.35))
        .color(p.background.weak.text)
        .border(
            Border::default()
                .rounded(Radius::new(12.0))
                .width(2.0)
                .color(p.primary.base.color),
        )
}
