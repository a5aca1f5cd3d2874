//! The add-account dialog.

use iced::widget::{button, column, container, row, scrollable, space, text, text_input};
use iced::{Alignment, Element, Length, Task};

use super::form;
use super::format::{SWATCHES, error_banner, problem_text, validation_text};
use super::sidebar::BOLD;
use super::{ids, style};
use crate::accounts::{self, AccountsError};
use crate::api::{NewAccount, Registration, RegistrationField, TlsMode};
use crate::config::{
    AccountConfig, ConfigError, normalize_fingerprint, parse_port, validate_account_id,
    validate_jid,
};
use crate::fl;
use crate::profile::Profile;

#[derive(Debug, Clone, Default)]
pub struct State {
    id: String,
    jid: String,
    password: String,
    use_command: bool,
    command: String,
    label: String,
    color: usize,
    advanced: bool,
    host: String,
    port: String,
    tls: TlsMode,
    ca_file: String,
    pinned: String,
    error: Option<String>,
    busy: bool,
    /// Create the account on the server first (XEP-0077).
    create: bool,
    /// The server's registration form, once fetched.
    form: Option<ServerForm>,
}

/// The server's instructions and the fields beyond user name and password,
/// with the user's answers.
type ServerForm = (Option<String>, Vec<(RegistrationField, String)>);

#[derive(Debug, Clone)]
pub enum Message {
    Id(String),
    Jid(String),
    Password(String),
    UseCommand(bool),
    Command(String),
    Label(String),
    Color(usize),
    Advanced,
    Host(String),
    Port(String),
    Tls(TlsMode),
    CaFile(String),
    Pinned(String),
    Create(bool),
    FormLoaded(Result<(Option<String>, Vec<RegistrationField>), String>),
    Answer(usize, String),
    Submit,
    Cancel,
    Done(Result<Box<AccountConfig>, String>),
}

/// What the app must do after a dialog message.
#[derive(Debug)]
pub enum Event {
    Cancelled,
    Added(Box<AccountConfig>),
}

impl State {
    pub fn new() -> Self {
        State::default()
    }

    pub fn update(
        &mut self,
        message: Message,
        profile: &Profile,
    ) -> (Task<Message>, Option<Event>) {
        match message {
            Message::Id(v) => self.id = v,
            Message::Jid(v) => {
                // Suggest an id from the JID's domain while the user has not typed one.
                if self.id.is_empty() || self.id == suggest_id(&self.jid) {
                    self.id = suggest_id(&v);
                }
                self.jid = v;
            }
            Message::Password(v) => self.password = v,
            Message::UseCommand(v) => self.use_command = v,
            Message::Command(v) => self.command = v,
            Message::Label(v) => self.label = v,
            Message::Color(i) => self.color = i,
            Message::Advanced => self.advanced = !self.advanced,
            Message::Host(v) => self.host = v,
            Message::Port(v) => self.port = v,
            Message::Tls(v) => self.tls = v,
            Message::CaFile(v) => self.ca_file = v,
            Message::Pinned(v) => self.pinned = v,
            Message::Create(v) => {
                self.create = v;
                self.form = None;
            }
            Message::Answer(i, v) => {
                if let Some((_, fields)) = &mut self.form
                    && let Some(field) = fields.get_mut(i)
                {
                    field.1 = v;
                }
            }
            Message::FormLoaded(result) => {
                self.busy = false;
                match result {
                    Ok((instructions, fields)) => {
                        let extra: Vec<_> = fields
                            .into_iter()
                            .filter(|f| {
                                !matches!(f.var.as_str(), "username" | "password" | "FORM_TYPE")
                                    && !matches!(f.kind.as_str(), "hidden" | "fixed")
                            })
                            .map(|f| {
                                let value = f.value.clone().unwrap_or_default();
                                (f, value)
                            })
                            .collect();
                        let nothing_to_ask = extra.is_empty();
                        self.form = Some((instructions, extra));
                        // Nothing more to ask: go on with the registration.
                        if nothing_to_ask {
                            return self.update(Message::Submit, profile);
                        }
                    }
                    Err(e) => self.error = Some(e),
                }
            }
            Message::Cancel => return (Task::none(), Some(Event::Cancelled)),
            Message::Submit => {
                if self.busy {
                    return (Task::none(), None);
                }
                match self.to_new() {
                    Ok(new) => {
                        self.error = None;
                        self.busy = true;
                        let profile = profile.clone();
                        let task = match (self.create, &self.form) {
                            (false, _) => Task::perform(
                                async move {
                                    accounts::add_account(&profile, new)
                                        .await
                                        .map(Box::new)
                                        .map_err(|e| human_error(&e))
                                },
                                Message::Done,
                            ),
                            // First ask the server what it wants to know.
                            (true, None) => Task::perform(
                                async move {
                                    accounts::registration_form(&new)
                                        .await
                                        .map_err(|e| human_error(&e))
                                },
                                Message::FormLoaded,
                            ),
                            (true, Some((_, answers))) => {
                                let fields = answers
                                    .iter()
                                    .map(|(f, v)| (f.var.clone(), v.clone()))
                                    .collect();
                                let reg = Registration {
                                    account: new,
                                    fields,
                                };
                                Task::perform(
                                    async move {
                                        accounts::register_account(&profile, reg)
                                            .await
                                            .map(Box::new)
                                            .map_err(|e| human_error(&e))
                                    },
                                    Message::Done,
                                )
                            }
                        };
                        return (task, None);
                    }
                    Err(e) => self.error = Some(e),
                }
            }
            Message::Done(result) => {
                self.busy = false;
                match result {
                    Ok(config) => return (Task::none(), Some(Event::Added(config))),
                    Err(e) => self.error = Some(e),
                }
            }
        }
        (Task::none(), None)
    }

    /// Validates the form (in human words) and builds the request.
    fn to_new(&self) -> Result<NewAccount, String> {
        let opt = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        // The config's own checks, so the dialog never accepts what the
        // config file then refuses.
        let jid = self.jid.trim();
        validate_jid(jid).map_err(|e| validation_text(&e))?;
        let id = self.id.trim();
        validate_account_id(id).map_err(|e| validation_text(&e))?;
        let (password, password_command) = if self.use_command {
            (
                None,
                Some(opt(&self.command).ok_or_else(|| fl!("error-no-command"))?),
            )
        } else if self.password.is_empty() {
            return Err(fl!("error-no-password"));
        } else {
            (Some(self.password.clone()), None)
        };
        let port = match self.port.trim() {
            "" => None,
            p => Some(parse_port(p).map_err(|e| validation_text(&e))?),
        };
        // Checked as the config checks it; the config stores it normalised.
        let pinned = opt(&self.pinned)
            .map(|p| normalize_fingerprint(&p).map(|_| p))
            .transpose()
            .map_err(|e| validation_text(&e))?;
        Ok(NewAccount {
            id: id.to_owned(),
            jid: jid.to_owned(),
            password,
            password_command,
            label: opt(&self.label),
            color: Some(SWATCHES[self.color % SWATCHES.len()].to_owned()),
            host: opt(&self.host),
            port,
            tls: self.tls,
            ca_file: opt(&self.ca_file),
            pinned_cert: pinned,
        })
    }

    pub fn view<'a>(&'a self) -> Element<'a, Message> {
        let field = form::field;
        let input = |placeholder: String, value: &'a str, id: &'static str, on| {
            form::input(placeholder, value, id, on, Message::Submit)
        };

        let mut form = column![
            text(fl!("dialog-title")).size(22).font(BOLD),
            field(
                fl!("field-jid"),
                input(
                    fl!("field-jid-placeholder"),
                    &self.jid,
                    ids::dialog::JID,
                    Message::Jid
                )
            ),
        ]
        .spacing(14);

        let secret: Element<'_, Message> = if self.use_command {
            input(
                fl!("field-password-command-placeholder"),
                &self.command,
                ids::dialog::COMMAND,
                Message::Command,
            )
        } else {
            text_input(&fl!("field-password-placeholder"), &self.password)
                .id(ids::dialog::PASSWORD)
                .secure(true)
                .on_input(Message::Password)
                .on_submit(Message::Submit)
                .padding([7, 10])
                .into()
        };
        let secret_label = if self.use_command {
            fl!("field-password-command")
        } else {
            fl!("field-password")
        };
        form = form.push(field(secret_label, secret)).push(form::toggle(
            self.use_command,
            fl!("field-use-command"),
            Message::UseCommand,
            ids::dialog::USE_COMMAND,
        ));

        form = form.push(form::toggle(
            self.create,
            fl!("field-create-account"),
            Message::Create,
            ids::dialog::CREATE,
        ));
        if let Some((instructions, answers)) = &self.form {
            if let Some(i) = instructions {
                form = form.push(text(i).size(12).style(style::muted));
            }
            for (i, (f, value)) in answers.iter().enumerate() {
                let label = f.label.clone().unwrap_or_else(|| f.var.clone());
                let label = if f.required {
                    format!("{label} *")
                } else {
                    label
                };
                form = form.push(field(
                    label,
                    text_input("", value)
                        .id(ids::dialog::answer(i))
                        .secure(f.kind == "text-private")
                        .on_input(move |v| Message::Answer(i, v))
                        .on_submit(Message::Submit)
                        .padding([7, 10])
                        .into(),
                ));
            }
        }

        form = form.push(
            row![
                container(field(
                    fl!("field-label"),
                    input(
                        fl!("field-label-placeholder"),
                        &self.label,
                        ids::dialog::LABEL,
                        Message::Label
                    )
                ))
                .width(Length::FillPortion(3)),
                container(field(
                    fl!("field-id"),
                    input(
                        fl!("field-id-placeholder"),
                        &self.id,
                        ids::dialog::ID,
                        Message::Id
                    )
                ))
                .width(Length::FillPortion(2)),
            ]
            .spacing(12),
        );

        let swatches = form::swatches(Some(self.color), Message::Color, ids::swatch);
        form = form.push(field(fl!("field-color"), swatches));

        let arrow = if self.advanced { "▾" } else { "▸" };
        form = form.push(
            container(
                button(text(format!("{arrow} {}", fl!("advanced-toggle"))).size(13))
                    .padding([4, 0])
                    .style(button::text)
                    .on_press(Message::Advanced),
            )
            .id(ids::dialog::ADVANCED),
        );
        if self.advanced {
            form = form.extend(form::connection(form::Connection {
                host: &self.host,
                port: &self.port,
                tls: self.tls,
                ca_file: &self.ca_file,
                pinned: &self.pinned,
                on_host: Message::Host,
                on_port: Message::Port,
                on_tls: Message::Tls,
                on_ca_file: Message::CaFile,
                on_pinned: Message::Pinned,
                submit: Message::Submit,
                ids: [
                    ids::dialog::HOST,
                    ids::dialog::PORT,
                    ids::dialog::CA_FILE,
                    ids::dialog::PINNED,
                ],
            }));
        }

        if let Some(e) = &self.error {
            form = form.push(form::error_box(e));
        }

        let submit = button(text(match (self.busy, self.create) {
            (true, false) => fl!("dialog-adding"),
            (false, false) => fl!("dialog-add"),
            (true, true) => fl!("dialog-creating"),
            (false, true) => fl!("dialog-create"),
        }))
        .padding([8, 18])
        .on_press_maybe((!self.busy).then_some(Message::Submit));
        let cancel = button(text(fl!("dialog-cancel")))
            .padding([8, 18])
            .style(button::secondary)
            .on_press(Message::Cancel);
        let buttons = row![
            space::horizontal(),
            container(cancel).id(ids::dialog::CANCEL),
            container(submit).id(ids::dialog::SUBMIT),
        ]
        .spacing(10)
        .align_y(Alignment::Center);

        // Expanded, the form may not fit: then it scrolls above fixed buttons.
        let height = if self.advanced {
            Length::Fill
        } else {
            Length::Shrink
        };
        let form = scrollable(form.padding(iced::Padding::ZERO.right(14))).height(height);
        container(column![form, buttons].spacing(18))
            .padding(24)
            .width(480)
            .max_height(640)
            .style(style::dialog)
            .into()
    }
}

/// "work" from "alice@work.example" (the first label of the domain).
fn suggest_id(jid: &str) -> String {
    jid.split_once('@')
        .map(|(_, d)| d.split('.').next().unwrap_or(""))
        .unwrap_or("")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect::<String>()
        .to_lowercase()
}

/// An add-account or settings failure in the user's language: the message
/// of its problem code, as the banners show an `error` event.
pub fn human_error(e: &AccountsError) -> String {
    match e {
        // What the form lacks, in the form's own words.
        AccountsError::NoPassword => fl!("error-no-password"),
        // The value the config refuses, in the forms' own words.
        AccountsError::Config(ConfigError::Account(reason)) => fl!(
            "error-account-rejected",
            reason = crate::ui::format::validation_text(reason)
        ),
        // The translation says it all.
        AccountsError::Config(ConfigError::DuplicateAccount(_)) | AccountsError::Unknown(_) => {
            problem_text(e.problem(), None)
        }
        // The core's English words add which file, or the keyring's reason.
        other => error_banner(&other.to_string(), Some(other.problem().code()), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filled() -> State {
        State {
            id: "work".into(),
            jid: "alice@work.example".into(),
            password: "pw".into(),
            ..State::default()
        }
    }

    #[test]
    fn failures_by_their_code() {
        let duplicate = AccountsError::Config(ConfigError::DuplicateAccount("work".into()));
        assert_eq!(human_error(&duplicate), fl!("problem-duplicate-account"));
        assert_eq!(
            human_error(&AccountsError::NoPassword),
            fl!("error-no-password")
        );
        let io = AccountsError::Config(ConfigError::Io {
            path: "/p/config.toml".into(),
            source: std::io::Error::other("disk full"),
        });
        let text = human_error(&io);
        assert!(text.starts_with(&fl!("problem-config-failed")), "{text}");
        assert!(text.contains("disk full"), "{text}");
        // A value the config refuses is named in the user's language too,
        // not in the config's English words.
        let refused = AccountsError::Config(ConfigError::Account(
            crate::config::ValidationError::Priority(300),
        ));
        let german = crate::i18n::in_german(|| human_error(&refused));
        assert!(german.contains("Priorität"), "{german}");
        assert!(!german.contains("out of range"), "{german}");
    }

    #[test]
    fn validates_in_human_words() {
        assert!(filled().to_new().is_ok());
        let mut s = filled();
        s.jid = "alice".into();
        assert_eq!(s.to_new().unwrap_err(), fl!("error-invalid-jid"));
        let mut s = filled();
        s.password.clear();
        assert_eq!(s.to_new().unwrap_err(), fl!("error-no-password"));
        s.use_command = true;
        s.command = "pass show xmpp".into();
        let new = s.to_new().unwrap();
        assert_eq!(new.password, None);
        assert_eq!(new.password_command.as_deref(), Some("pass show xmpp"));
        let mut s = filled();
        s.port = "99999".into();
        assert_eq!(s.to_new().unwrap_err(), fl!("error-invalid-port"));
        let mut s = filled();
        s.id = "a b".into();
        assert_eq!(s.to_new().unwrap_err(), fl!("error-invalid-id"));
        // What the config refuses, the dialog refuses too.
        for (id, jid) in [
            ("Work", "alice@work.example"),
            ("-work", "alice@work.example"),
            ("work", "alice@work.example/phone"),
            ("work", "alice@bob@work.example"),
        ] {
            let mut s = filled();
            s.id = id.into();
            s.jid = jid.into();
            let refused = crate::config::validate_account_id(id)
                .and_then(|()| crate::config::validate_jid(jid))
                .map_err(|e| validation_text(&e));
            assert!(refused.is_err(), "{id} {jid}");
            assert_eq!(s.to_new().err(), refused.err(), "{id} {jid}");
        }
    }

    #[test]
    fn suggests_id_from_domain() {
        assert_eq!(suggest_id("alice@Work.example"), "work");
        assert_eq!(suggest_id("alice"), "");
    }
}
