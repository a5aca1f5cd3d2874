//! The add-contact dialog: address, name, groups, which account, and
//! whether they may see our status right away (pre-approval).

use iced::Element;
use iced::widget::{button, column, container, pick_list, text};

use super::form::{self, AccountChoice};
use super::sidebar::BOLD;
use super::{ids, style};
use crate::api::AccountId;
use crate::api::AccountRequest;
use crate::fl;

#[derive(Debug, Clone)]
pub struct State {
    /// The accounts to choose from.
    accounts: Vec<AccountChoice>,
    account: AccountId,
    jid: String,
    name: String,
    groups: String,
    preapprove: bool,
    error: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Message {
    Account(AccountChoice),
    Jid(String),
    Name(String),
    Groups(String),
    Preapprove(bool),
    Submit,
    Cancel,
}

/// What the app must do after a dialog message.
#[derive(Debug)]
pub enum Event {
    Cancelled,
    /// Send this to the account.
    Add(AccountId, AccountRequest),
}

impl State {
    /// `accounts`: the usable accounts; `preferred` is chosen first (the
    /// account shown alone, or the open conversation's).
    pub fn new(accounts: Vec<AccountChoice>, preferred: Option<&str>) -> Self {
        let account = form::initial_choice(&accounts, preferred)
            .map(|a| a.id.clone())
            .unwrap_or_default();
        State {
            accounts,
            account,
            jid: String::new(),
            name: String::new(),
            groups: String::new(),
            preapprove: true,
            error: None,
        }
    }

    pub fn update(&mut self, message: Message) -> Option<Event> {
        match message {
            Message::Account(choice) => self.account = choice.id,
            Message::Jid(v) => self.jid = v,
            Message::Name(v) => self.name = v,
            Message::Groups(v) => self.groups = v,
            Message::Preapprove(v) => self.preapprove = v,
            Message::Cancel => return Some(Event::Cancelled),
            Message::Submit => {
                let jid = self.jid.trim().trim_start_matches("xmpp:").to_owned();
                match jid.parse::<tokio_xmpp::jid::BareJid>() {
                    Ok(bare) if bare.node().is_some() => {
                        let name = Some(self.name.trim().to_owned()).filter(|n| !n.is_empty());
                        return Some(Event::Add(
                            self.account.clone(),
                            AccountRequest::AddContact {
                                jid: bare.to_string(),
                                name,
                                groups: split_groups(&self.groups),
                                preapprove: self.preapprove,
                            },
                        ));
                    }
                    _ => self.error = Some(fl!("add-contact-invalid-jid")),
                }
            }
        }
        None
    }

    pub fn view<'a>(&'a self) -> Element<'a, Message> {
        let input = |placeholder: String, value: &'a str, id: &'static str, on| {
            form::input(placeholder, value, id, on, Message::Submit)
        };
        let mut page = column![text(fl!("add-contact-title")).size(22).font(BOLD)].spacing(14);
        if self.accounts.len() > 1 {
            let selected = self.accounts.iter().find(|c| c.id == self.account).cloned();
            page = page.push(form::field(
                fl!("add-contact-account"),
                pick_list(self.accounts.clone(), selected, Message::Account).padding([6, 10]),
            ));
        }
        page = page
            .push(form::field(
                fl!("add-contact-jid"),
                input(
                    fl!("field-jid-placeholder"),
                    &self.jid,
                    ids::add_contact::JID,
                    Message::Jid,
                ),
            ))
            .push(form::field(
                fl!("add-contact-name"),
                input(
                    fl!("add-contact-name-placeholder"),
                    &self.name,
                    ids::add_contact::NAME,
                    Message::Name,
                ),
            ))
            .push(form::field(
                fl!("contact-groups"),
                input(
                    fl!("contact-groups-placeholder"),
                    &self.groups,
                    ids::add_contact::GROUPS,
                    Message::Groups,
                ),
            ))
            .push(form::toggle(
                self.preapprove,
                fl!("add-contact-preapprove"),
                Message::Preapprove,
                ids::add_contact::PREAPPROVE,
            ))
            .push(
                text(fl!("add-contact-explain"))
                    .size(12)
                    .style(style::muted),
            );
        if let Some(e) = &self.error {
            page = page.push(form::error_box(e));
        }
        page = page.push(form::dialog_buttons(
            (Message::Cancel, ids::add_contact::CANCEL),
            (
                button(text(fl!("add-contact-submit"))).on_press(Message::Submit),
                ids::add_contact::SUBMIT,
            ),
        ));
        container(page)
            .padding(24)
            .max_width(460)
            .style(style::dialog)
            .into()
    }
}

/// "Team, Project X" → ["Team", "Project X"] (empty parts dropped, each once).
pub fn split_groups(s: &str) -> Vec<String> {
    let mut groups: Vec<String> = Vec::new();
    for g in s.split(',').map(str::trim).filter(|g| !g.is_empty()) {
        if !groups.iter().any(|x| x == g) {
            groups.push(g.to_owned());
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_are_split_trimmed_and_deduplicated() {
        assert_eq!(
            split_groups(" Team, Project X,,Team "),
            vec!["Team".to_owned(), "Project X".to_owned()]
        );
        assert!(split_groups(" , ").is_empty());
    }

    #[test]
    fn only_a_user_address_is_added() {
        let mut s = State::new(
            vec![AccountChoice {
                id: "work".into(),
                label: "Work".into(),
                jid: "me@work.example".into(),
            }],
            None,
        );
        s.update(Message::Jid("example.org".into()));
        assert!(
            s.update(Message::Submit).is_none(),
            "a server is no contact"
        );
        assert!(s.error.is_some());
        s.update(Message::Jid(" xmpp:Bob@Example.org ".into()));
        s.update(Message::Groups("Team".into()));
        match s.update(Message::Submit) {
            Some(Event::Add(
                account,
                AccountRequest::AddContact {
                    jid,
                    groups,
                    preapprove,
                    ..
                },
            )) => {
                assert_eq!(account, "work");
                assert_eq!(jid, "bob@example.org");
                assert_eq!(groups, vec!["Team".to_owned()]);
                assert!(preapprove);
            }
            other => panic!("{other:?}"),
        }
    }
}
