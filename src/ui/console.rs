//! The XML console of one account: stanzas in and out (pretty-printed,
//! passwords blanked by the actor), a filter, and a box to send raw XML.
//! While it is closed the actor does not even serialize stanzas.

use iced::widget::{button, column, container, row, scrollable, space, text, text_input};
use iced::{Alignment, Element, Font, Length};

use super::model::LiveAccount;
use super::sidebar::BOLD;
use super::{form, ids, style};
use crate::api::{AccountId, Direction};
use crate::fl;

/// How many stanzas the console keeps (older ones scroll out).
pub const KEEP: usize = 500;

#[derive(Debug, Clone, Default)]
pub struct State {
    pub account: AccountId,
    filter: String,
    raw: String,
}

#[derive(Debug, Clone)]
pub enum Message {
    Filter(String),
    Raw(String),
    Send,
    Clear,
    Close,
}

#[derive(Debug)]
pub enum Event {
    Send(String),
    Clear,
    Close,
}

impl State {
    pub fn new(account: AccountId) -> Self {
        State {
            account,
            ..State::default()
        }
    }

    pub fn update(&mut self, message: Message) -> Option<Event> {
        match message {
            Message::Filter(f) => self.filter = f,
            Message::Raw(r) => self.raw = r,
            Message::Send if !self.raw.trim().is_empty() => {
                return Some(Event::Send(std::mem::take(&mut self.raw)));
            }
            Message::Send => {}
            Message::Clear => return Some(Event::Clear),
            Message::Close => return Some(Event::Close),
        }
        None
    }

    pub fn view<'a>(&'a self, account: &'a LiveAccount) -> Element<'a, Message> {
        let filter = self.filter.to_lowercase();
        let lines = account
            .console
            .iter()
            .filter(|(_, xml)| filter.is_empty() || xml.to_lowercase().contains(&filter))
            .map(|(dir, xml)| {
                let arrow = match dir {
                    Direction::In => "◀ in",
                    Direction::Out => "▶ out",
                };
                column![
                    text(arrow).size(11).style(style::muted),
                    text(xml).size(12).font(Font::MONOSPACE),
                ]
                .spacing(2)
                .into()
            });
        let list = scrollable(column(lines).spacing(10).padding([10, 16]))
            .id(ids::console::LIST)
            .anchor_bottom()
            .height(Length::Fill)
            .width(Length::Fill);
        let header = row![
            text(fl!("console-title", account = account.label()))
                .size(18)
                .font(BOLD),
            space::horizontal(),
            text_input(&fl!("console-filter"), &self.filter)
                .id(ids::console::FILTER)
                .on_input(Message::Filter)
                .padding([5, 8])
                .width(220),
            button(text(fl!("console-clear")))
                .style(button::secondary)
                .on_press(Message::Clear),
            form::close_button(ids::console::CLOSE, Message::Close),
        ]
        .spacing(10)
        .align_y(Alignment::Center)
        .padding([12, 16]);
        let send = row![
            text_input(&fl!("console-raw-placeholder"), &self.raw)
                .id(ids::console::RAW)
                .on_input(Message::Raw)
                .on_submit(Message::Send)
                .font(Font::MONOSPACE)
                .padding([7, 10]),
            container(
                button(text(fl!("send-button")))
                    .on_press_maybe((!self.raw.trim().is_empty()).then_some(Message::Send))
            )
            .id(ids::console::SEND),
        ]
        .spacing(10)
        .align_y(Alignment::Center)
        .padding([10, 16]);
        column![header, list, send]
            .width(Length::Fill)
            .height(Length::Fill)
            .into()
    }
}
