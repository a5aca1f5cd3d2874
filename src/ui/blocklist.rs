//! The blocked addresses of an account (XEP-0191), shown in its settings:
//! unblock one, or block an address or a whole domain.

use iced::widget::{button, column, container, row, text, text_input};
use iced::{Alignment, Element, Length};

use super::sidebar::BOLD;
use super::{ids, style};
use crate::fl;

/// The messages the list sends; the settings screen owns them.
pub struct Messages<M> {
    pub on_input: fn(String) -> M,
    pub block: M,
    pub unblock: fn(String) -> M,
}

pub fn view<'a, M: Clone + 'a>(
    blocked: &'a [String],
    input: &'a str,
    online: bool,
    m: Messages<M>,
) -> Element<'a, M> {
    let mut col = column![
        text(fl!("settings-blocklist")).size(16).font(BOLD),
        text(fl!("settings-blocklist-explain"))
            .size(12)
            .style(style::muted),
    ]
    .spacing(8);
    if blocked.is_empty() {
        col = col.push(text(fl!("settings-blocklist-empty")).size(13));
    }
    for jid in blocked {
        col = col.push(
            row![
                text(jid).size(13).width(Length::Fill),
                container(
                    button(text(fl!("settings-unblock")).size(12))
                        .padding([3, 10])
                        .style(button::secondary)
                        .on_press_maybe(online.then(|| (m.unblock)(jid.clone())))
                )
                .id(ids::unblock(jid)),
            ]
            .align_y(Alignment::Center),
        );
    }
    col.push(
        row![
            text_input(&fl!("settings-block-placeholder"), input)
                .id(ids::blocklist::JID)
                .on_input(m.on_input)
                .on_submit(m.block.clone())
                .padding([7, 10]),
            container(
                button(text(fl!("settings-block")))
                    .style(button::secondary)
                    .on_press_maybe(online.then_some(m.block))
            )
            .id(ids::blocklist::BLOCK),
        ]
        .spacing(10)
        .align_y(Alignment::Center),
    )
    .into()
}
