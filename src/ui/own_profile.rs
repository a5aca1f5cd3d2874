//! Our own profile on one account: avatar, nickname (XEP-0172) and vCard
//! (XEP-0292), as contacts see them.

use iced::widget::{button, column, container, row, rule, scrollable, space, text};
use iced::{Alignment, Element, Length};

use super::model::LiveAccount;
use super::sidebar::BOLD;
use super::{avatar, form, ids, style};
use crate::api::AccountRequest;
use crate::api::{AccountId, PeerProfile, VCard};
use crate::fl;

#[derive(Debug, Clone, Default)]
pub struct State {
    pub account: AccountId,
    /// Our bare JID (whose profile answer fills the form).
    pub jid: String,
    nick: String,
    full_name: String,
    emails: String,
    phones: String,
    organization: String,
    title: String,
    urls: String,
    note: String,
    avatar_path: String,
    /// The form was filled from the server's answer (or typed into).
    filled: bool,
    notice: Option<String>,
    /// Fields of our vCard that this form does not edit are kept by the
    /// actor (it republishes what it fetched).
    vcard: VCard,
}

#[derive(Debug, Clone)]
pub enum Message {
    Nick(String),
    FullName(String),
    Emails(String),
    Phones(String),
    Organization(String),
    Title(String),
    Urls(String),
    Note(String),
    AvatarPath(String),
    SetAvatar,
    RemoveAvatar,
    Save,
    Close,
}

/// What the app must do after a message.
#[derive(Debug)]
pub enum Event {
    Close,
    Command(AccountRequest),
}

fn list(values: &[String]) -> String {
    values.join(", ")
}

fn split(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
        .collect()
}

fn opt(s: &str) -> Option<String> {
    Some(s.trim().to_owned()).filter(|s| !s.is_empty())
}

impl State {
    /// Opens the form; the caller asks the actor for our profile.
    pub fn new(account: &LiveAccount) -> Self {
        let jid = account
            .connection
            .jid
            .as_deref()
            .map(|j| j.split('/').next().unwrap_or(j).to_owned())
            .unwrap_or_else(|| account.config.jid.clone());
        State {
            account: account.config.id.clone(),
            jid,
            ..Default::default()
        }
    }

    /// The actor's answer for our JID fills the form once (not over typing).
    pub fn fill(&mut self, profile: &PeerProfile) {
        if self.filled || profile.jid != self.jid {
            return;
        }
        self.filled = true;
        let v = &profile.vcard;
        self.nick = profile.nick.clone().unwrap_or_default();
        self.full_name = v.full_name.clone().unwrap_or_default();
        self.emails = list(&v.emails);
        self.phones = list(&v.phones);
        self.organization = v.organization.clone().unwrap_or_default();
        self.title = v.title.clone().unwrap_or_default();
        self.urls = list(&v.urls);
        self.note = v.note.clone().unwrap_or_default();
        self.vcard = v.clone();
    }

    /// The server confirmed a change (our profile or avatar came back).
    pub fn confirm(&mut self) {
        if self.notice.is_some() {
            self.notice = Some(fl!("profile-saved"));
        }
    }

    /// A file dropped on the window while the form is open.
    pub fn dropped(&mut self, path: &std::path::Path) {
        self.avatar_path = path.display().to_string();
    }

    pub fn update(&mut self, message: Message) -> Option<Event> {
        match message {
            Message::Nick(v) => self.nick = v,
            Message::FullName(v) => self.full_name = v,
            Message::Emails(v) => self.emails = v,
            Message::Phones(v) => self.phones = v,
            Message::Organization(v) => self.organization = v,
            Message::Title(v) => self.title = v,
            Message::Urls(v) => self.urls = v,
            Message::Note(v) => self.note = v,
            Message::AvatarPath(v) => self.avatar_path = v,
            Message::SetAvatar => {
                let path = self.avatar_path.trim();
                if path.is_empty() {
                    return None;
                }
                self.notice = Some(fl!("profile-avatar-sending"));
                return Some(Event::Command(AccountRequest::SetAvatar {
                    path: Some(path.into()),
                }));
            }
            Message::RemoveAvatar => {
                return Some(Event::Command(AccountRequest::SetAvatar { path: None }));
            }
            Message::Save => {
                self.notice = Some(fl!("profile-saving"));
                let vcard = VCard {
                    full_name: opt(&self.full_name),
                    nickname: opt(&self.nick).or(self.vcard.nickname.clone()),
                    emails: split(&self.emails),
                    phones: split(&self.phones),
                    organization: opt(&self.organization),
                    title: opt(&self.title),
                    urls: split(&self.urls),
                    note: opt(&self.note),
                };
                return Some(Event::Command(AccountRequest::SetProfile {
                    nick: opt(&self.nick),
                    vcard: Box::new(vcard),
                }));
            }
            Message::Close => return Some(Event::Close),
        }
        // Typing counts as filled: a late answer must not overwrite it.
        self.filled = true;
        None
    }

    pub fn view<'a>(
        &'a self,
        account: &'a LiveAccount,
        avatars: &'a avatar::Cache,
    ) -> Element<'a, Message> {
        let input = |label: String, value: &'a str, id: &'static str, on: fn(String) -> Message| {
            form::field(
                label,
                form::input(String::new(), value, id, on, Message::Save),
            )
        };
        let online = account.connection.state == Some(crate::api::ConnState::Online);
        let header = row![
            text(fl!("profile-title", account = account.label()))
                .size(22)
                .font(BOLD),
            space::horizontal(),
            // Save at the top: the form is taller than a small window.
            container(
                button(text(fl!("settings-save"))).on_press_maybe(online.then_some(Message::Save))
            )
            .id(ids::own_profile::SAVE),
            form::close_button(ids::own_profile::CLOSE, Message::Close),
        ]
        .spacing(10)
        .align_y(Alignment::Center);
        let name = if self.nick.trim().is_empty() {
            account.label()
        } else {
            self.nick.trim()
        };
        let avatar_row = row![
            avatar::picture(
                &self.jid,
                name,
                72.0,
                avatars.get(account.avatar_of(&self.jid))
            ),
            column![
                form::field(
                    fl!("profile-avatar"),
                    form::input(
                        fl!("profile-avatar-placeholder"),
                        &self.avatar_path,
                        ids::own_profile::AVATAR_PATH,
                        Message::AvatarPath,
                        Message::SetAvatar,
                    ),
                ),
                row![
                    container(
                        button(text(fl!("profile-avatar-set")))
                            .on_press_maybe(online.then_some(Message::SetAvatar))
                    )
                    .id(ids::own_profile::SET_AVATAR),
                    container(
                        button(text(fl!("profile-avatar-remove")))
                            .style(button::secondary)
                            .on_press_maybe(online.then_some(Message::RemoveAvatar))
                    )
                    .id(ids::own_profile::REMOVE_AVATAR),
                ]
                .spacing(10),
            ]
            .spacing(8)
            .width(Length::Fill),
        ]
        .spacing(16)
        .align_y(Alignment::Center);

        let notice = self.notice.as_deref().unwrap_or_default();
        let page = column![
            header,
            text(notice).size(13).style(style::muted),
            text(&self.jid).style(style::muted),
            text(fl!("profile-explain")).size(12).style(style::muted),
            avatar_row,
            rule::horizontal(1),
            input(
                fl!("profile-nick"),
                &self.nick,
                ids::own_profile::NICK,
                Message::Nick
            ),
            input(
                fl!("vcard-full-name"),
                &self.full_name,
                ids::own_profile::FULL_NAME,
                Message::FullName
            ),
            row![
                container(input(
                    fl!("vcard-organization"),
                    &self.organization,
                    ids::own_profile::ORGANIZATION,
                    Message::Organization
                ))
                .width(Length::Fill),
                container(input(
                    fl!("vcard-title"),
                    &self.title,
                    ids::own_profile::TITLE,
                    Message::Title
                ))
                .width(Length::Fill),
            ]
            .spacing(12),
            input(
                fl!("vcard-email"),
                &self.emails,
                ids::own_profile::EMAILS,
                Message::Emails
            ),
            input(
                fl!("vcard-phone"),
                &self.phones,
                ids::own_profile::PHONES,
                Message::Phones
            ),
            input(
                fl!("vcard-url"),
                &self.urls,
                ids::own_profile::URLS,
                Message::Urls
            ),
            input(
                fl!("vcard-note"),
                &self.note,
                ids::own_profile::NOTE,
                Message::Note
            ),
            text(fl!("profile-lists-hint")).size(12).style(style::muted),
        ]
        .spacing(12);
        container(scrollable(page.padding([20, 24]).max_width(640)).height(Length::Fill))
            .width(Length::Fill)
            .height(Length::Fill)
            .into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_answer_fills_once_and_save_sends_lists() {
        let mut s = State {
            jid: "me@x".into(),
            ..Default::default()
        };
        let profile = PeerProfile {
            jid: "me@x".into(),
            nick: Some("Al".into()),
            vcard: VCard {
                emails: vec!["a@x".into(), "b@x".into()],
                ..Default::default()
            },
            ..Default::default()
        };
        s.fill(&profile);
        assert_eq!(s.emails, "a@x, b@x");
        s.update(Message::Phones("+49 1, tel:+49 2 ,".into()));
        s.fill(&PeerProfile {
            jid: "me@x".into(),
            ..Default::default()
        });
        assert_eq!(s.nick, "Al", "a later answer does not overwrite");
        match s.update(Message::Save) {
            Some(Event::Command(AccountRequest::SetProfile { nick, vcard })) => {
                assert_eq!(nick.as_deref(), Some("Al"));
                assert_eq!(
                    vcard.phones,
                    vec!["+49 1".to_owned(), "tel:+49 2".to_owned()]
                );
                assert_eq!(vcard.emails.len(), 2);
            }
            other => panic!("{other:?}"),
        }
    }
}
