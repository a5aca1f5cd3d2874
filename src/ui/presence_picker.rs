//! Choosing our presence, for one account or for all at once: available,
//! away, do not disturb, extended away, offline, with a status message; and
//! after how many idle minutes the accounts go away by themselves.

use iced::widget::{button, column, container, row, space, text};
use iced::{Alignment, Element, Length};

use super::{form, format, ids, style};
use crate::api::{AccountId, Availability};
use crate::fl;

/// The choices, in the order shown.
pub const CHOICES: [Availability; 5] = [
    Availability::Available,
    Availability::Away,
    Availability::Dnd,
    Availability::Xa,
    Availability::Offline,
];

#[derive(Debug, Clone)]
pub struct State {
    /// None: all accounts.
    pub account: Option<AccountId>,
    presence: Availability,
    status: String,
    away_minutes: String,
    error: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Message {
    Pick(Availability),
    Status(String),
    AwayMinutes(String),
    Apply,
    Cancel,
}

/// What the app must do after a message.
#[derive(Debug, PartialEq)]
pub enum Event {
    Cancelled,
    Set {
        account: Option<AccountId>,
        presence: Availability,
        status: Option<String>,
        /// New "away after" minutes (all-accounts editor only).
        away_minutes: Option<u32>,
    },
}

impl State {
    pub fn new(
        account: Option<AccountId>,
        presence: Availability,
        status: Option<&str>,
        away_minutes: u32,
    ) -> Self {
        State {
            account,
            presence,
            status: status.unwrap_or_default().to_owned(),
            away_minutes: away_minutes.to_string(),
            error: None,
        }
    }

    pub fn update(&mut self, message: Message) -> Option<Event> {
        match message {
            Message::Pick(p) => self.presence = p,
            Message::Status(s) => self.status = s,
            Message::AwayMinutes(m) => self.away_minutes = m,
            Message::Cancel => return Some(Event::Cancelled),
            Message::Apply => {
                let away_minutes = if self.account.is_none() {
                    match self.away_minutes.trim().parse::<u32>() {
                        Ok(m) if m <= 24 * 60 => Some(m),
                        _ => {
                            self.error = Some(fl!("presence-away-invalid"));
                            return None;
                        }
                    }
                } else {
                    None
                };
                let status = Some(self.status.trim().to_owned()).filter(|s| !s.is_empty());
                return Some(Event::Set {
                    account: self.account.clone(),
                    presence: self.presence,
                    status,
                    away_minutes,
                });
            }
        }
        None
    }

    pub fn view(&self) -> Element<'_, Message> {
        let choices = column(CHOICES.iter().map(|&p| {
            let line = row![
                container(space())
                    .width(9)
                    .height(9)
                    .style(style::dot(format::presence_color(p))),
                text(format::presence_text(p)).size(13)
            ]
            .spacing(8)
            .align_y(Alignment::Center);
            container(
                button(line)
                    .width(Length::Fill)
                    .padding([4, 8])
                    .style(style::row_button(p == self.presence))
                    .on_press(Message::Pick(p)),
            )
            .id(ids::presence::choice(p))
            .into()
        }))
        .spacing(2);
        let mut col = column![
            text(match &self.account {
                None => fl!("presence-all-title"),
                Some(_) => fl!("presence-title"),
            })
            .size(13)
            .font(super::sidebar::BOLD),
            choices,
            form::input(
                fl!("presence-status-placeholder"),
                &self.status,
                ids::presence::STATUS,
                Message::Status,
                Message::Apply,
            ),
        ]
        .spacing(8);
        if self.account.is_none() {
            col = col.push(
                row![
                    text(fl!("presence-away-after")).size(12),
                    container(form::input(
                        "10".into(),
                        &self.away_minutes,
                        ids::presence::AWAY_MINUTES,
                        Message::AwayMinutes,
                        Message::Apply,
                    ))
                    .width(60),
                    text(fl!("presence-minutes")).size(12),
                ]
                .spacing(6)
                .align_y(Alignment::Center),
            );
            col = col.push(text(fl!("presence-away-hint")).size(11).style(style::muted));
        }
        if let Some(e) = &self.error {
            col = col.push(text(e).size(12).style(style::tone(format::Tone::Bad)));
        }
        col = col.push(
            row![
                space::horizontal(),
                button(text(fl!("dialog-cancel")).size(13))
                    .style(button::secondary)
                    .on_press(Message::Cancel),
                container(button(text(fl!("presence-apply")).size(13)).on_press(Message::Apply))
                    .id(ids::presence::APPLY),
            ]
            .spacing(8),
        );
        container(col)
            .padding(10)
            .width(Length::Fill)
            .style(container::rounded_box)
            .into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apply_reports_choice_status_and_minutes() {
        let mut s = State::new(None, Availability::Available, None, 10);
        s.update(Message::Pick(Availability::Dnd));
        s.update(Message::Status("  in a meeting ".into()));
        s.update(Message::AwayMinutes("x".into()));
        assert_eq!(s.update(Message::Apply), None, "bad minutes");
        assert!(s.error.is_some());
        s.update(Message::AwayMinutes("5".into()));
        assert_eq!(
            s.update(Message::Apply),
            Some(Event::Set {
                account: None,
                presence: Availability::Dnd,
                status: Some("in a meeting".into()),
                away_minutes: Some(5),
            })
        );
        let mut one = State::new(Some("work".into()), Availability::Away, Some("x"), 10);
        one.update(Message::Status(" ".into()));
        assert_eq!(
            one.update(Message::Apply),
            Some(Event::Set {
                account: Some("work".into()),
                presence: Availability::Away,
                status: None,
                away_minutes: None,
            })
        );
    }
}
