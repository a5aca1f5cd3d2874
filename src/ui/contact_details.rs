//! The contact details pane: who this is (avatar, names, vCard), their
//! clients, subscription and encryption state, and the contact menu
//! (rename, groups, block, remove).

use iced::widget::{button, column, container, row, rule, scrollable, space, text};
use iced::{Alignment, Element, Length};

use super::add_contact::split_groups;
use super::model::LiveAccount;
use super::sidebar::BOLD;
use super::{avatar, form, format, ids, style};
use crate::api::AccountRequest;
use crate::api::{AccountId, Contact, PeerProfile};
use crate::fl;

#[derive(Debug, Clone)]
pub struct State {
    pub account: AccountId,
    pub jid: String,
    name: String,
    groups: String,
    confirm_remove: bool,
    /// A pasted `xmpp:` fingerprint URI.
    uri: String,
}

#[derive(Debug, Clone)]
pub enum Message {
    Name(String),
    Groups(String),
    Save,
    Block(bool),
    AskRemove,
    CancelRemove,
    ConfirmRemove,
    OpenChat,
    Close,
    /// The contact's OMEMO devices.
    Devices(super::devices::Message),
    /// Export the conversation (a format, then a file).
    Export,
    /// Delete the conversation's history here (after a confirmation).
    DeleteHistory,
}

/// What the app must do after a message.
#[derive(Debug)]
pub enum Event {
    Close,
    OpenChat,
    /// Send this to the account's actor.
    Command(AccountRequest),
    Export,
    DeleteHistory,
}

impl State {
    /// Opens the pane for `jid`; the caller also asks the actor for the
    /// profile (`AccountRequest::Profile`).
    pub fn new(account: &LiveAccount, jid: &str) -> Self {
        let contact = account.roster.iter().find(|c| c.jid == jid);
        State {
            account: account.config.id.clone(),
            jid: jid.to_owned(),
            name: contact.and_then(|c| c.name.clone()).unwrap_or_default(),
            groups: contact.map(|c| c.groups.join(", ")).unwrap_or_default(),
            confirm_remove: false,
            uri: String::new(),
        }
    }

    pub fn update(&mut self, message: Message) -> Option<Event> {
        let jid = self.jid.clone();
        match message {
            Message::Name(v) => self.name = v,
            Message::Groups(v) => self.groups = v,
            Message::Save => {
                let name = Some(self.name.trim().to_owned()).filter(|n| !n.is_empty());
                return Some(Event::Command(AccountRequest::UpdateContact {
                    jid,
                    name,
                    groups: split_groups(&self.groups),
                }));
            }
            Message::Block(block) => {
                let request = if block {
                    AccountRequest::Block { jid }
                } else {
                    AccountRequest::Unblock { jid }
                };
                return Some(Event::Command(request));
            }
            Message::AskRemove => self.confirm_remove = true,
            Message::CancelRemove => self.confirm_remove = false,
            Message::ConfirmRemove => {
                self.confirm_remove = false;
                return Some(Event::Command(AccountRequest::RemoveContact { jid }));
            }
            Message::OpenChat => return Some(Event::OpenChat),
            Message::Export => return Some(Event::Export),
            Message::DeleteHistory => return Some(Event::DeleteHistory),
            Message::Close => return Some(Event::Close),
            Message::Devices(m) => {
                let request = super::devices::request(&m, &self.uri);
                match m {
                    super::devices::Message::Uri(v) => self.uri = v,
                    super::devices::Message::VerifyUri if request.is_some() => self.uri.clear(),
                    _ => {}
                }
                return request.map(Event::Command);
            }
        }
        None
    }

    pub fn view<'a>(
        &'a self,
        account: &'a LiveAccount,
        avatars: &'a avatar::Cache,
    ) -> Element<'a, Message> {
        let contact = account.roster.iter().find(|c| c.jid == self.jid);
        let profile = account.profile.as_ref().filter(|p| p.jid == self.jid);
        let name = format::display_name(
            &self.jid,
            contact
                .and_then(|c| c.name.as_deref().or(c.nick.as_deref()))
                .or(profile.and_then(|p| p.nick.as_deref())),
        );

        let header = row![
            avatar::picture(
                &self.jid,
                &name,
                64.0,
                avatars.get(account.avatar_of(&self.jid))
            ),
            column![
                text(name.clone()).size(22).font(BOLD),
                text(&self.jid).size(13).style(style::muted),
                presence_line(contact, profile),
            ]
            .spacing(3)
            .width(Length::Fill),
            container(
                button(text(fl!("details-message")))
                    .style(button::primary)
                    .on_press(Message::OpenChat)
            )
            .id(ids::details::OPEN_CHAT),
            form::close_button(ids::details::CLOSE, Message::Close),
        ]
        .spacing(14)
        .align_y(Alignment::Center);

        let mut page = column![header].spacing(14);
        page = page.push(info_box(&self.jid, contact, profile, account));
        page = page.push(rule::horizontal(1));
        if contact.is_some() {
            page = page
                .push(text(fl!("details-edit")).size(16).font(BOLD))
                .push(form::field(
                    fl!("add-contact-name"),
                    form::input(
                        fl!("add-contact-name-placeholder"),
                        &self.name,
                        ids::details::NAME,
                        Message::Name,
                        Message::Save,
                    ),
                ))
                .push(form::field(
                    fl!("contact-groups"),
                    form::input(
                        fl!("contact-groups-placeholder"),
                        &self.groups,
                        ids::details::GROUPS,
                        Message::Groups,
                        Message::Save,
                    ),
                ))
                .push(row![
                    space::horizontal(),
                    container(button(text(fl!("settings-save"))).on_press(Message::Save))
                        .id(ids::details::SAVE)
                ]);
        }
        page = page
            .push(rule::horizontal(1))
            .push(self.actions(account, contact))
            .push(rule::horizontal(1))
            .push(
                super::devices::contact_section(account, &self.jid, &self.uri)
                    .map(Message::Devices),
            );
        container(
            scrollable(page.padding([20, 24]).max_width(640))
                .id(ids::details::SCROLL)
                .height(Length::Fill),
        )
        .width(Length::Fill)
        .height(Length::Fill)
        .into()
    }

    fn actions<'a>(
        &'a self,
        account: &'a LiveAccount,
        contact: Option<&'a Contact>,
    ) -> Element<'a, Message> {
        let blocked = account.blocklist.iter().any(|b| b == &self.jid);
        let block = container(
            button(text(if blocked {
                fl!("details-unblock")
            } else {
                fl!("details-block")
            }))
            .style(button::secondary)
            .on_press(Message::Block(!blocked)),
        )
        .id(ids::details::BLOCK);
        let mut actions = row![block].spacing(10).align_y(Alignment::Center);
        if contact.is_some() && !self.confirm_remove {
            actions = actions.push(
                container(
                    button(text(fl!("details-remove")))
                        .style(button::danger)
                        .on_press(Message::AskRemove),
                )
                .id(ids::details::REMOVE),
            );
        }
        // The conversation's history here: export it, delete it.
        actions = actions
            .push(
                container(
                    button(text(fl!("history-export-button")))
                        .style(button::secondary)
                        .on_press(Message::Export),
                )
                .id(ids::details::EXPORT),
            )
            .push(
                container(
                    button(text(fl!("history-delete-button")))
                        .style(button::secondary)
                        .on_press(Message::DeleteHistory),
                )
                .id(ids::details::DELETE_HISTORY),
            );
        let mut col = column![actions.wrap().vertical_spacing(8)].spacing(8);
        if self.confirm_remove {
            col = col.push(
                column![
                    text(fl!("details-remove-confirm", contact = self.jid.as_str())).size(13),
                    row![
                        container(
                            button(text(fl!("details-remove")))
                                .style(button::danger)
                                .on_press(Message::ConfirmRemove)
                        )
                        .id(ids::details::REMOVE_CONFIRM),
                        button(text(fl!("dialog-cancel")))
                            .style(button::secondary)
                            .on_press(Message::CancelRemove),
                    ]
                    .spacing(10),
                ]
                .spacing(8),
            );
        }
        col.into()
    }
}

/// "Available · in a meeting" or "Offline · last seen …".
fn presence_line<'a>(
    contact: Option<&'a Contact>,
    profile: Option<&'a PeerProfile>,
) -> Element<'a, Message> {
    let presence = contact.map(|c| c.presence).unwrap_or_default();
    let mut line = format::presence_text(presence);
    if let Some(status) = contact.and_then(|c| c.status.as_deref()) {
        line = format!("{line} · {status}");
    }
    let last_seen = profile
        .and_then(|p| p.last_seen)
        .or(contact.and_then(|c| c.last_seen));
    if presence == crate::api::Availability::Offline
        && let Some(seen) = last_seen
    {
        line = format!("{line} · {}", format::last_seen(seen, chrono::Utc::now()));
    }
    row![
        container(space())
            .width(9)
            .height(9)
            .style(style::dot(format::presence_color(presence))),
        text(line).size(13)
    ]
    .spacing(6)
    .align_y(Alignment::Center)
    .into()
}

/// Nickname, vCard, clients, subscription, encryption.
/// Whether messages to the contact can be end-to-end encrypted, from the
/// devices the account told us of (None until it did: the device section
/// below says it is looking).
fn encryption_text(devices: Option<&Vec<crate::api::DeviceInfo>>) -> Option<String> {
    use crate::api::Trust;
    let active: Vec<&crate::api::DeviceInfo> =
        devices?.iter().filter(|d| d.active && !d.own).collect();
    if active.is_empty() {
        return Some(fl!("details-encryption-none"));
    }
    // A device in both variants is one device.
    let mut trusted: Vec<u32> = active
        .iter()
        .filter(|d| matches!(d.trust, Trust::Verified | Trust::Blind))
        .map(|d| d.id)
        .collect();
    trusted.sort_unstable();
    trusted.dedup();
    Some(if trusted.is_empty() {
        fl!("details-encryption-untrusted")
    } else {
        fl!("details-encryption-omemo", count = trusted.len())
    })
}

fn info_box<'a>(
    jid: &'a str,
    contact: Option<&'a Contact>,
    profile: Option<&'a PeerProfile>,
    account: &'a LiveAccount,
) -> Element<'a, Message> {
    let line = |label: String, value: String| {
        row![
            text(label).size(13).font(BOLD).width(150),
            text(value).size(13).wrapping(text::Wrapping::WordOrGlyph)
        ]
        .spacing(8)
    };
    let mut lines: Vec<(String, String)> = Vec::new();
    let nick = profile
        .and_then(|p| p.nick.clone())
        .or(contact.and_then(|c| c.nick.clone()));
    if let Some(nick) = nick {
        lines.push((fl!("details-nick"), nick));
    }
    if let Some(v) = profile.map(|p| &p.vcard) {
        let opt = |label: String, value: &Option<String>, lines: &mut Vec<(String, String)>| {
            if let Some(v) = value.as_ref().filter(|v| !v.trim().is_empty()) {
                lines.push((label, v.clone()));
            }
        };
        opt(fl!("vcard-full-name"), &v.full_name, &mut lines);
        opt(fl!("vcard-organization"), &v.organization, &mut lines);
        opt(fl!("vcard-title"), &v.title, &mut lines);
        for (label, values) in [
            (fl!("vcard-email"), &v.emails),
            (fl!("vcard-phone"), &v.phones),
            (fl!("vcard-url"), &v.urls),
        ] {
            if !values.is_empty() {
                lines.push((label, values.join(", ")));
            }
        }
        opt(fl!("vcard-note"), &v.note, &mut lines);
    }
    if let Some(c) = contact.filter(|c| !c.groups.is_empty()) {
        lines.push((fl!("contact-groups"), c.groups.join(", ")));
    }
    let subscription = contact
        .map(|c| c.subscription.as_str())
        .or(profile.and_then(|p| p.subscription.as_deref()));
    lines.push((
        fl!("details-subscription"),
        format::subscription_text(subscription),
    ));
    if let Some(p) = profile {
        for r in &p.resources {
            let client = r
                .client
                .clone()
                .unwrap_or_else(|| fl!("details-client-unknown"));
            lines.push((
                fl!("details-device", resource = r.resource.as_str()),
                format!("{client} · {}", format::presence_text(r.presence)),
            ));
        }
    }
    if let Some(state) = encryption_text(account.omemo.by_jid.get(jid)) {
        lines.push((fl!("details-encryption"), state));
    }

    let mut col = column(lines.into_iter().map(|(l, v)| line(l, v).into())).spacing(6);
    let loading =
        profile.is_none() && account.connection.state == Some(crate::api::ConnState::Online);
    if loading {
        col = col.push(text(fl!("details-loading")).size(12).style(style::muted));
    }
    container(col)
        .padding(12)
        .width(Length::Fill)
        .style(container::rounded_box)
        .into()
}
