//! The "Join or create group" dialog: which account, the room's address and
//! our nickname; or, to create a members-only group, also its name and the
//! members' addresses.

use iced::Element;
use iced::widget::{button, column, container, pick_list, text, text_editor};

use super::form::{self, AccountChoice};
use super::room_actions::user_jid;
use super::sidebar::BOLD;
use super::{ids, style};
use crate::api::AccountId;
use crate::api::AccountRequest;
use crate::fl;

#[derive(Debug)]
pub struct State {
    accounts: Vec<AccountChoice>,
    account: AccountId,
    room: String,
    nick: String,
    /// Create a new members-only group instead of joining one.
    create: bool,
    name: String,
    /// Members' addresses, one a line (or separated by commas).
    members: text_editor::Content,
    error: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Message {
    Account(AccountChoice),
    Room(String),
    Nick(String),
    Create(bool),
    Name(String),
    Members(text_editor::Action),
    Submit,
    Cancel,
}

/// What the app must do after a dialog message.
#[derive(Debug)]
pub enum Event {
    Cancelled,
    /// Send the command to the account; the room (bare JID) opens once
    /// joined.
    Submit(AccountId, String, AccountRequest),
}

/// The local part of a JID: the nickname when none is chosen.
fn local_part(jid: &str) -> String {
    jid.split_once('@')
        .map_or(jid, |(local, _)| local)
        .to_owned()
}

impl State {
    pub fn new(accounts: Vec<AccountChoice>, preferred: Option<&str>) -> Self {
        let chosen = form::initial_choice(&accounts, preferred).cloned();
        State {
            account: chosen.as_ref().map(|a| a.id.clone()).unwrap_or_default(),
            nick: chosen.map(|a| local_part(&a.jid)).unwrap_or_default(),
            accounts,
            room: String::new(),
            create: false,
            name: String::new(),
            members: text_editor::Content::new(),
            error: None,
        }
    }

    pub fn update(&mut self, message: Message) -> Option<Event> {
        match message {
            Message::Account(choice) => {
                // The default nick follows the account, unless edited.
                let old = self
                    .accounts
                    .iter()
                    .find(|a| a.id == self.account)
                    .map(|a| local_part(&a.jid));
                if old.as_deref() == Some(self.nick.as_str()) || self.nick.is_empty() {
                    self.nick = local_part(&choice.jid);
                }
                self.account = choice.id;
            }
            Message::Room(v) => self.room = v,
            Message::Nick(v) => self.nick = v,
            Message::Create(v) => self.create = v,
            Message::Name(v) => self.name = v,
            Message::Members(action) => self.members.perform(action),
            Message::Cancel => return Some(Event::Cancelled),
            Message::Submit => match self.command() {
                Ok((room, command)) => {
                    return Some(Event::Submit(self.account.clone(), room, command));
                }
                Err(e) => self.error = Some(e),
            },
        }
        None
    }

    /// The command for the filled-in form, or what is wrong with it.
    fn command(&self) -> Result<(String, AccountRequest), String> {
        let room = self
            .room
            .trim()
            .trim_start_matches("xmpp:")
            .trim_end_matches("?join");
        let room = user_jid(room).ok_or_else(|| fl!("join-room-invalid-address"))?;
        let nick = Some(self.nick.trim().to_owned()).filter(|n| !n.is_empty());
        if !self.create {
            return Ok((room.clone(), AccountRequest::JoinRoom { room, nick }));
        }
        let mut members = Vec::new();
        for part in self
            .members
            .text()
            .split([',', '\n', ';'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            let jid = user_jid(part).ok_or_else(|| fl!("join-room-invalid-member", jid = part))?;
            if !members.contains(&jid) {
                members.push(jid);
            }
        }
        let name = Some(self.name.trim().to_owned()).filter(|n| !n.is_empty());
        Ok((
            room.clone(),
            AccountRequest::CreateRoom {
                room,
                name,
                nick,
                members,
            },
        ))
    }

    pub fn view<'a>(&'a self) -> Element<'a, Message> {
        let input = |placeholder: String, value: &'a str, id: &'static str, on| {
            form::input(placeholder, value, id, on, Message::Submit)
        };
        let mut page = column![text(fl!("join-room-title")).size(22).font(BOLD)].spacing(14);
        if self.accounts.len() > 1 {
            let selected = self.accounts.iter().find(|c| c.id == self.account).cloned();
            page = page.push(form::field(
                fl!("add-contact-account"),
                pick_list(self.accounts.clone(), selected, Message::Account).padding([6, 10]),
            ));
        }
        page = page
            .push(form::field(
                fl!("join-room-address"),
                input(
                    fl!("join-room-address-placeholder"),
                    &self.room,
                    ids::join_room::ROOM,
                    Message::Room,
                ),
            ))
            .push(form::field(
                fl!("join-room-nick"),
                input(
                    String::new(),
                    &self.nick,
                    ids::join_room::NICK,
                    Message::Nick,
                ),
            ))
            .push(form::toggle(
                self.create,
                fl!("join-room-create"),
                Message::Create,
                ids::join_room::CREATE,
            ));
        if self.create {
            page = page
                .push(form::field(
                    fl!("join-room-name"),
                    input(
                        fl!("join-room-name-placeholder"),
                        &self.name,
                        ids::join_room::NAME,
                        Message::Name,
                    ),
                ))
                .push(form::field(
                    fl!("join-room-members"),
                    text_editor(&self.members)
                        .id(ids::join_room::MEMBERS)
                        .placeholder(fl!("join-room-members-placeholder"))
                        .on_action(Message::Members)
                        .height(90)
                        .padding([7, 10]),
                ))
                .push(
                    text(fl!("join-room-create-explain"))
                        .size(12)
                        .style(style::muted),
                );
        }
        if let Some(e) = &self.error {
            page = page.push(form::error_box(e));
        }
        let submit = if self.create {
            fl!("join-room-create-submit")
        } else {
            fl!("join-room-submit")
        };
        page = page.push(form::dialog_buttons(
            (Message::Cancel, ids::join_room::CANCEL),
            (
                button(text(submit)).on_press(Message::Submit),
                ids::join_room::SUBMIT,
            ),
        ));
        container(page)
            .padding(24)
            .max_width(480)
            .style(style::dialog)
            .into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dialog() -> State {
        State::new(
            vec![AccountChoice {
                id: "work".into(),
                label: "Work".into(),
                jid: "me@work.example".into(),
            }],
            None,
        )
    }

    #[test]
    fn the_nick_defaults_to_the_local_part_and_addresses_are_checked() {
        let mut s = dialog();
        assert_eq!(s.nick, "me");
        s.update(Message::Room("conference.work.example".into()));
        assert!(s.update(Message::Submit).is_none());
        assert_eq!(s.error, Some(fl!("join-room-invalid-address")));
        s.update(Message::Room(
            " xmpp:Team@Conference.work.example?join ".into(),
        ));
        match s.update(Message::Submit) {
            Some(Event::Submit(account, room, AccountRequest::JoinRoom { room: r, nick })) => {
                assert_eq!(account, "work");
                assert_eq!(room, "team@conference.work.example");
                assert_eq!(r, room);
                assert_eq!(nick.as_deref(), Some("me"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn create_lists_valid_members_once() {
        let mut s = dialog();
        s.update(Message::Room("board@conference.work.example".into()));
        s.update(Message::Create(true));
        s.update(Message::Name("Board".into()));
        s.members = text_editor::Content::with_text("anna@work.example\nnot an address");
        assert!(s.update(Message::Submit).is_none());
        assert!(
            s.error
                .as_deref()
                .unwrap_or_default()
                .contains("not an address")
        );
        s.members = text_editor::Content::with_text(
            "anna@work.example, ben@work.example\nanna@work.example",
        );
        match s.update(Message::Submit) {
            Some(Event::Submit(_, _, AccountRequest::CreateRoom { name, members, .. })) => {
                assert_eq!(name.as_deref(), Some("Board"));
                assert_eq!(members, ["anna@work.example", "ben@work.example"]);
            }
            other => panic!("{other:?}"),
        }
    }
}
