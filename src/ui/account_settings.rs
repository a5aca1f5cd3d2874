//! The account settings screen: rename, colour, enable/disable, connection
//! settings, password change, the certificate to trust after a refusal,
//! server info, order, and removal (after a confirmation).

use iced::widget::{
    button, column, container, row, rule, scrollable, space, text, text_input, tooltip,
};
use iced::{Alignment, Element, Length, Task};

use super::form;
use super::format::{SWATCHES, Tone, cert_reason, validation_text};
use super::model::LiveAccount;
use super::sidebar::BOLD;
use super::{ids, style};
use crate::accounts::{self, Restart};
use crate::api::AccountRequest;
use crate::api::{AccountId, AccountUpdate, CertInfo, Change, ConnState, TlsMode};
use crate::config::{AccountConfig, Switches, normalize_fingerprint, parse_port};
use crate::fl;
use crate::profile::Profile;

#[derive(Debug, Clone, Default)]
pub struct State {
    pub account: AccountId,
    label: String,
    color: Option<usize>,
    enabled: bool,
    host: String,
    port: String,
    tls: TlsMode,
    ca_file: String,
    pinned: String,
    resource: String,
    priority: String,
    switches: Switches,
    auto_download: bool,
    /// In MiB, as typed.
    auto_download_max: String,
    /// The threshold in the config (kept when the MiB field is unchanged).
    auto_download_max_bytes: u64,
    download_dir: String,
    /// Files go to the contact's client directly before the upload service.
    direct_first: bool,
    /// Retention in days, as typed (0: for ever).
    keep_days: String,
    new_password: String,
    /// An address typed into the blocklist.
    block_input: String,
    error: Option<String>,
    notice: Option<String>,
    busy: bool,
    confirm_remove: bool,
}

#[derive(Debug, Clone)]
pub enum Message {
    Label(String),
    Color(usize),
    Enabled(bool),
    Host(String),
    Port(String),
    Tls(TlsMode),
    CaFile(String),
    Pinned(String),
    Resource(String),
    Priority(String),
    SendReceipts(bool),
    SendTyping(bool),
    SendReadMarkers(bool),
    Notifications(bool),
    NotificationText(bool),
    Omemo(bool),
    RequireEncryption(bool),
    /// Our other OMEMO devices (trust, remove).
    Devices(super::devices::Message),
    AutoDownload(bool),
    AutoDownloadMax(String),
    DownloadDir(String),
    DirectFirst(bool),
    KeepDays(String),
    /// Export every conversation of the account.
    Export,
    /// Keep the typed password here (the keyring), e.g. after a restore.
    StorePassword,
    PasswordStored(Result<(Box<AccountConfig>, Restart), String>),
    Save,
    Saved(Result<(Box<AccountConfig>, Restart), String>),
    /// Pin the certificate the server presented (explicit, after a refusal).
    TrustCertificate(String),
    NewPassword(String),
    ChangePassword,
    ServerInfo,
    OpenConsole,
    Move(i32),
    EditProfile,
    BlockInput(String),
    Block,
    Unblock(String),
    AskRemove,
    CancelRemove,
    ConfirmRemove,
    Removed(Result<(), String>),
    Close,
}

/// What the app must do after a settings message.
#[derive(Debug)]
pub enum Event {
    Close,
    Saved(Box<AccountConfig>, Restart),
    Removed(AccountId),
    /// Send this to the account's actor.
    Command(AccountRequest),
    /// Move the account up (-1) or down (+1) in the list.
    Move(i32),
    OpenConsole,
    EditProfile,
    Export,
}

impl State {
    pub fn new(config: &AccountConfig) -> Self {
        State {
            account: config.id.clone(),
            label: config.label.clone().unwrap_or_default(),
            color: config
                .color
                .as_deref()
                .and_then(|c| SWATCHES.iter().position(|s| s.eq_ignore_ascii_case(c))),
            enabled: config.enabled,
            host: config.host.clone().unwrap_or_default(),
            port: config.port.map(|p| p.to_string()).unwrap_or_default(),
            tls: config.tls,
            ca_file: config
                .ca_file
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
            pinned: config.pinned_cert.clone().unwrap_or_default(),
            resource: config.resource.clone().unwrap_or_default(),
            priority: config.priority.map(|p| p.to_string()).unwrap_or_default(),
            switches: config.switches,
            auto_download: config.files.auto_download,
            auto_download_max: mib_text(config.files.auto_download_max_bytes),
            auto_download_max_bytes: config.files.auto_download_max_bytes,
            download_dir: config
                .files
                .download_dir
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
            direct_first: config.files.direct_first,
            keep_days: config.files.keep_days.to_string(),
            ..State::default()
        }
    }

    pub fn update(
        &mut self,
        message: Message,
        profile: &Profile,
    ) -> (Task<Message>, Option<Event>) {
        match message {
            Message::Label(v) => self.label = v,
            Message::Color(i) => self.color = Some(i),
            Message::Enabled(v) => self.enabled = v,
            Message::Host(v) => self.host = v,
            Message::Port(v) => self.port = v,
            Message::Tls(v) => self.tls = v,
            Message::CaFile(v) => self.ca_file = v,
            Message::Pinned(v) => self.pinned = v,
            Message::Resource(v) => self.resource = v,
            Message::Priority(v) => self.priority = v,
            Message::SendReceipts(v) => self.switches.send_receipts = v,
            Message::SendTyping(v) => self.switches.send_typing = v,
            Message::SendReadMarkers(v) => self.switches.send_read_markers = v,
            Message::Notifications(v) => self.switches.notifications = v,
            Message::NotificationText(v) => self.switches.notification_text = v,
            Message::Omemo(v) => self.switches.omemo = v,
            Message::RequireEncryption(v) => self.switches.require_encryption = v,
            Message::Devices(m) => {
                return (
                    Task::none(),
                    super::devices::request(&m, "").map(Event::Command),
                );
            }
            Message::AutoDownload(v) => self.auto_download = v,
            Message::AutoDownloadMax(v) => self.auto_download_max = v,
            Message::DownloadDir(v) => self.download_dir = v,
            Message::DirectFirst(v) => self.direct_first = v,
            Message::KeepDays(v) => self.keep_days = v,
            Message::Export => return (Task::none(), Some(Event::Export)),
            Message::StorePassword => {
                if self.new_password.is_empty() {
                    self.error = Some(fl!("error-no-password"));
                } else if !self.busy {
                    let update = AccountUpdate {
                        account: self.account.clone(),
                        password: Some(std::mem::take(&mut self.new_password)),
                        ..AccountUpdate::default()
                    };
                    self.busy = true;
                    self.error = None;
                    self.notice = None;
                    let profile = profile.clone();
                    let task = Task::perform(
                        async move {
                            accounts::update_account(&profile, update)
                                .await
                                .map(|(config, restart)| (Box::new(config), restart))
                                .map_err(|e| super::add_account::human_error(&e))
                        },
                        Message::PasswordStored,
                    );
                    return (task, None);
                }
            }
            Message::PasswordStored(result) => {
                self.busy = false;
                match result {
                    Ok((config, restart)) => {
                        self.error = None;
                        self.notice = Some(fl!("settings-password-stored"));
                        // A new actor reads it; a running one reads it
                        // again when asked to reconnect.
                        let event = match restart {
                            Restart::Yes => Event::Saved(config, restart),
                            Restart::No => Event::Command(AccountRequest::Reconnect),
                        };
                        return (Task::none(), Some(event));
                    }
                    Err(e) => self.error = Some(e),
                }
            }
            Message::NewPassword(v) => self.new_password = v,
            Message::Save => match self.to_update() {
                Ok(update) => return (self.save(update, profile), None),
                Err(e) => self.error = Some(e),
            },
            Message::TrustCertificate(fingerprint) => {
                self.pinned = fingerprint.clone();
                let update = AccountUpdate {
                    account: self.account.clone(),
                    pinned_cert: Change::Set(fingerprint),
                    ..AccountUpdate::default()
                };
                return (self.save(update, profile), None);
            }
            Message::Saved(result) => {
                self.busy = false;
                match result {
                    Ok((config, restart)) => {
                        self.error = None;
                        self.notice = Some(fl!("settings-saved"));
                        return (Task::none(), Some(Event::Saved(config, restart)));
                    }
                    Err(e) => self.error = Some(e),
                }
            }
            Message::ChangePassword => {
                if self.new_password.is_empty() {
                    self.error = Some(fl!("error-no-password"));
                } else {
                    let password = std::mem::take(&mut self.new_password);
                    self.error = None;
                    self.notice = Some(fl!("settings-password-sent"));
                    let cmd = AccountRequest::ChangePassword { password };
                    return (Task::none(), Some(Event::Command(cmd)));
                }
            }
            Message::ServerInfo => {
                return (
                    Task::none(),
                    Some(Event::Command(AccountRequest::ServerInfo)),
                );
            }
            Message::OpenConsole => return (Task::none(), Some(Event::OpenConsole)),
            Message::Move(by) => return (Task::none(), Some(Event::Move(by))),
            Message::EditProfile => return (Task::none(), Some(Event::EditProfile)),
            Message::BlockInput(v) => self.block_input = v,
            Message::Block => {
                let jid = self.block_input.trim().to_owned();
                if jid.parse::<tokio_xmpp::jid::BareJid>().is_err() {
                    self.error = Some(fl!("add-contact-invalid-jid"));
                    return (Task::none(), None);
                }
                self.block_input.clear();
                let block = AccountRequest::Block { jid };
                return (Task::none(), Some(Event::Command(block)));
            }
            Message::Unblock(jid) => {
                let unblock = AccountRequest::Unblock { jid };
                return (Task::none(), Some(Event::Command(unblock)));
            }
            Message::AskRemove => self.confirm_remove = true,
            Message::CancelRemove => self.confirm_remove = false,
            Message::ConfirmRemove => {
                self.busy = true;
                let (profile, id) = (profile.clone(), self.account.clone());
                let task = Task::perform(
                    async move {
                        accounts::remove_account(&profile, &id)
                            .await
                            .map_err(|e| e.to_string())
                    },
                    Message::Removed,
                );
                return (task, None);
            }
            Message::Removed(result) => {
                self.busy = false;
                match result {
                    Ok(()) => return (Task::none(), Some(Event::Removed(self.account.clone()))),
                    Err(e) => self.error = Some(e),
                }
            }
            Message::Close => return (Task::none(), Some(Event::Close)),
        }
        (Task::none(), None)
    }

    fn save(&mut self, update: AccountUpdate, profile: &Profile) -> Task<Message> {
        if self.busy {
            return Task::none();
        }
        self.busy = true;
        self.notice = None;
        let profile = profile.clone();
        Task::perform(
            async move {
                accounts::update_account(&profile, update)
                    .await
                    .map(|(config, restart)| (Box::new(config), restart))
                    .map_err(|e| super::add_account::human_error(&e))
            },
            Message::Saved,
        )
    }

    /// The form as an update (every field set; empty ones cleared).
    pub(super) fn to_update(&self) -> Result<AccountUpdate, String> {
        let opt = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        let port = match self.port.trim() {
            "" => None,
            p => Some(parse_port(p).map_err(|e| validation_text(&e))?),
        };
        let priority = match self.priority.trim() {
            "" => None,
            p => Some(p.parse::<i8>().map_err(|_| fl!("error-invalid-priority"))?),
        };
        let keep_days = parse_keep_days(&self.keep_days)?;
        let typed = self.auto_download_max.trim();
        let max_mib = if typed == mib_text(self.auto_download_max_bytes) {
            self.auto_download_max_bytes
        } else {
            typed
                .parse::<u64>()
                .ok()
                .and_then(|m| m.checked_mul(MIB))
                .ok_or_else(|| fl!("error-invalid-size"))?
        };
        // Checked as the config checks it; the config stores it normalised.
        let pinned = opt(&self.pinned)
            .map(|p| normalize_fingerprint(&p).map(|_| p))
            .transpose()
            .map_err(|e| validation_text(&e))?;
        Ok(self.switches.to_update(AccountUpdate {
            account: self.account.clone(),
            label: opt(&self.label).into(),
            // No swatch chosen: the colour stays.
            color: self.color.map_or(Change::Keep, |i| {
                Change::Set(SWATCHES[i % SWATCHES.len()].to_owned())
            }),
            enabled: Some(self.enabled),
            host: opt(&self.host).into(),
            port: port.into(),
            tls: Some(self.tls),
            ca_file: opt(&self.ca_file).into(),
            pinned_cert: pinned.into(),
            resource: opt(&self.resource).into(),
            priority: priority.into(),
            auto_download: Some(self.auto_download),
            auto_download_max_bytes: Some(max_mib),
            download_dir: opt(&self.download_dir).into(),
            direct_transfer_first: Some(self.direct_first),
            keep_days: Some(keep_days),
            ..AccountUpdate::default()
        }))
    }

    /// The per-account privacy switches, each on its own.
    fn privacy_switches(&self) -> Vec<Element<'_, Message>> {
        // (on, label, message, widget id)
        type Switch = (bool, String, fn(bool) -> Message, &'static str);
        let switches: [Switch; 5] = [
            (
                self.switches.send_receipts,
                fl!("settings-send-receipts"),
                Message::SendReceipts,
                ids::settings::SEND_RECEIPTS,
            ),
            (
                self.switches.send_typing,
                fl!("settings-send-typing"),
                Message::SendTyping,
                ids::settings::SEND_TYPING,
            ),
            (
                self.switches.send_read_markers,
                fl!("settings-send-read-markers"),
                Message::SendReadMarkers,
                ids::settings::SEND_READ_MARKERS,
            ),
            (
                self.switches.notifications,
                fl!("settings-notifications"),
                Message::Notifications,
                ids::settings::NOTIFICATIONS,
            ),
            (
                self.switches.notification_text,
                fl!("settings-notification-text"),
                Message::NotificationText,
                ids::settings::NOTIFICATION_TEXT,
            ),
        ];
        switches
            .into_iter()
            .map(|(on, label, message, id)| form::toggle(on, label, message, id))
            .collect()
    }

    pub fn view<'a>(&'a self, account: &'a LiveAccount) -> Element<'a, Message> {
        let field = form::field;
        let input = |placeholder: String, value: &'a str, id: &'static str, on| {
            form::input(placeholder, value, id, on, Message::Save)
        };

        let header = row![
            text(fl!("settings-title", account = account.label()))
                .size(22)
                .font(BOLD),
            space::horizontal(),
            form::close_button(ids::settings::CLOSE, Message::Close),
        ]
        .align_y(Alignment::Center);

        let mut page = column![header, text(&account.config.jid).style(style::muted)].spacing(14);

        if let Some(cert) = untrusted(account) {
            page = page.push(certificate_box(cert));
        }

        let swatches = form::swatches(self.color, Message::Color, ids::settings::swatch);
        page = page
            .push(field(
                fl!("field-label"),
                input(
                    fl!("field-label-placeholder"),
                    &self.label,
                    ids::settings::LABEL,
                    Message::Label,
                ),
            ))
            .push(field(fl!("field-color"), swatches))
            .push(form::toggle(
                self.enabled,
                fl!("settings-enabled"),
                Message::Enabled,
                ids::settings::ENABLED,
            ))
            .push(rule::horizontal(1))
            .push(text(fl!("settings-privacy")).size(16).font(BOLD))
            .extend(self.privacy_switches())
            .push(rule::horizontal(1))
            .push(text(fl!("omemo-settings-title")).size(16).font(BOLD))
            .push(form::toggle(
                self.switches.omemo,
                fl!("omemo-settings-switch"),
                Message::Omemo,
                ids::devices::OMEMO,
            ))
            .push(form::toggle(
                self.switches.require_encryption,
                fl!("omemo-settings-require"),
                Message::RequireEncryption,
                ids::devices::REQUIRE,
            ))
            .push(super::devices::own_section(account, self.switches.omemo).map(Message::Devices))
            .push(rule::horizontal(1))
            .push(text(fl!("settings-files")).size(16).font(BOLD))
            .push(form::toggle(
                self.auto_download,
                fl!("settings-auto-download"),
                Message::AutoDownload,
                ids::settings::AUTO_DOWNLOAD,
            ))
            .push(
                row![
                    container(field(
                        fl!("settings-auto-download-max"),
                        input(
                            "5".into(),
                            &self.auto_download_max,
                            ids::settings::AUTO_DOWNLOAD_MAX,
                            Message::AutoDownloadMax
                        )
                    ))
                    .width(Length::FillPortion(2)),
                    container(field(
                        fl!("settings-download-dir"),
                        input(
                            fl!("settings-download-dir-placeholder"),
                            &self.download_dir,
                            ids::settings::DOWNLOAD_DIR,
                            Message::DownloadDir
                        )
                    ))
                    .width(Length::FillPortion(3)),
                ]
                .spacing(12),
            )
            .push(
                column![
                    form::toggle(
                        self.direct_first,
                        fl!("settings-direct-first"),
                        Message::DirectFirst,
                        ids::settings::DIRECT_FIRST,
                    ),
                    // Under the label's text, past the box.
                    container(
                        text(fl!("settings-direct-first-help"))
                            .size(12)
                            .style(style::muted)
                    )
                    .padding(iced::Padding::ZERO.left(24)),
                ]
                .spacing(2),
            )
            .push(rule::horizontal(1))
            .push(self.history_section(input))
            .push(rule::horizontal(1))
            .push(text(fl!("settings-connection")).size(16).font(BOLD))
            .extend(form::connection(form::Connection {
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
                submit: Message::Save,
                ids: [
                    ids::settings::HOST,
                    ids::settings::PORT,
                    ids::settings::CA_FILE,
                    ids::settings::PINNED,
                ],
            }))
            .push(
                row![
                    container(field(
                        fl!("field-resource"),
                        input(
                            fl!("field-resource-placeholder"),
                            &self.resource,
                            ids::settings::RESOURCE,
                            Message::Resource
                        )
                    ))
                    .width(Length::FillPortion(3)),
                    container(field(
                        fl!("field-priority"),
                        input(
                            "0".into(),
                            &self.priority,
                            ids::settings::PRIORITY,
                            Message::Priority
                        )
                    ))
                    .width(Length::FillPortion(1)),
                ]
                .spacing(12),
            );

        if let Some(e) = &self.error {
            page = page.push(form::error_box(e));
        }
        if let Some(n) = &self.notice {
            page = page.push(text(n).size(13).style(style::muted));
        }
        page = page.push(
            row![
                space::horizontal(),
                container(
                    button(text(fl!("settings-save")))
                        .padding([8, 18])
                        .on_press_maybe((!self.busy).then_some(Message::Save))
                )
                .id(ids::settings::SAVE),
            ]
            .align_y(Alignment::Center),
        );

        // Password, tools, order, removal.
        let online = account.connection.state == Some(ConnState::Online);
        page = page
            .push(rule::horizontal(1))
            .push(text(fl!("settings-password")).size(16).font(BOLD))
            .push(
                row![
                    text_input(&fl!("settings-new-password"), &self.new_password)
                        .id(ids::settings::NEW_PASSWORD)
                        .secure(true)
                        .on_input(Message::NewPassword)
                        .padding([7, 10]),
                    tooltip(
                        container(
                            button(text(fl!("settings-store-password")))
                                .padding([8, 14])
                                .style(button::secondary)
                                .on_press_maybe((!self.busy).then_some(Message::StorePassword))
                        )
                        .id(ids::settings::STORE_PASSWORD),
                        container(text(fl!("settings-store-password-tooltip")).size(12))
                            .padding([2, 6])
                            .max_width(320)
                            .style(container::rounded_box),
                        tooltip::Position::Top,
                    ),
                    container(
                        button(text(fl!("settings-change-password")))
                            .padding([8, 14])
                            .style(button::secondary)
                            .on_press_maybe(online.then_some(Message::ChangePassword))
                    )
                    .id(ids::settings::CHANGE_PASSWORD),
                ]
                .spacing(10)
                .align_y(Alignment::Center),
            )
            .push(rule::horizontal(1))
            .push(text(fl!("settings-tools")).size(16).font(BOLD))
            .push(
                row![
                    container(
                        button(text(fl!("settings-server-info")))
                            .style(button::secondary)
                            .on_press_maybe(online.then_some(Message::ServerInfo))
                    )
                    .id(ids::settings::SERVER_INFO),
                    container(
                        button(text(fl!("settings-console")))
                            .style(button::secondary)
                            .on_press(Message::OpenConsole)
                    )
                    .id(ids::settings::CONSOLE),
                    container(
                        button(text(fl!("settings-edit-profile")))
                            .style(button::secondary)
                            .on_press(Message::EditProfile)
                    )
                    .id(ids::settings::EDIT_PROFILE),
                    space::horizontal(),
                    button(text("↑"))
                        .style(button::secondary)
                        .on_press(Message::Move(-1)),
                    button(text("↓"))
                        .style(button::secondary)
                        .on_press(Message::Move(1)),
                ]
                .spacing(10)
                .align_y(Alignment::Center),
            );
        if let Some(info) = &account.server_info {
            page = page.push(server_info_box(info));
        }
        page = page
            .push(rule::horizontal(1))
            .push(super::blocklist::view(
                &account.blocklist,
                &self.block_input,
                online,
                super::blocklist::Messages {
                    on_input: Message::BlockInput,
                    block: Message::Block,
                    unblock: Message::Unblock,
                },
            ))
            .push(rule::horizontal(1))
            .push(self.remove_box(account));

        container(scrollable(page.padding([20, 24]).max_width(640)).height(Length::Fill))
            .width(Length::Fill)
            .height(Length::Fill)
            .into()
    }

    /// Retention and the account's export.
    fn history_section<'a>(
        &'a self,
        input: impl Fn(String, &'a str, &'static str, fn(String) -> Message) -> Element<'a, Message>,
    ) -> Element<'a, Message> {
        let mut section = column![
            text(fl!("settings-history")).size(16).font(BOLD),
            container(form::field(
                fl!("settings-keep-days"),
                input(
                    "0".into(),
                    &self.keep_days,
                    ids::settings::KEEP_DAYS,
                    Message::KeepDays
                )
            ))
            .width(240),
        ]
        .spacing(10);
        // Said at once: the Save button's error is far below.
        if let Err(e) = parse_keep_days(&self.keep_days) {
            section = section.push(text(e).size(12).style(style::tone(Tone::Bad)));
        }
        section
            .push(
                text(fl!("settings-keep-days-help"))
                    .size(12)
                    .style(style::muted),
            )
            .push(
                container(
                    button(text(fl!("settings-export")))
                        .style(button::secondary)
                        .on_press(Message::Export),
                )
                .id(ids::settings::EXPORT),
            )
            .into()
    }

    fn remove_box<'a>(&'a self, account: &'a LiveAccount) -> Element<'a, Message> {
        if !self.confirm_remove {
            return container(
                button(text(fl!("settings-remove")))
                    .style(button::danger)
                    .on_press(Message::AskRemove),
            )
            .id(ids::settings::REMOVE)
            .into();
        }
        column![
            text(fl!("settings-remove-confirm", account = account.label())).size(13),
            row![
                container(
                    button(text(fl!("settings-remove-yes")))
                        .style(button::danger)
                        .on_press_maybe((!self.busy).then_some(Message::ConfirmRemove))
                )
                .id(ids::settings::REMOVE_CONFIRM),
                button(text(fl!("dialog-cancel")))
                    .style(button::secondary)
                    .on_press(Message::CancelRemove),
            ]
            .spacing(10),
        ]
        .spacing(8)
        .into()
    }
}

const MIB: u64 = 1024 * 1024;

/// The retention field: a whole number of days from 0 (for ever); empty
/// is 0.
fn parse_keep_days(typed: &str) -> Result<u32, String> {
    match typed.trim() {
        "" => Ok(0),
        t => t.parse::<u32>().map_err(|_| fl!("error-invalid-keep-days")),
    }
}

/// A byte count as whole MiB for the form (rounded up: a threshold of
/// 1.5 MiB shows as 2).
fn mib_text(bytes: u64) -> String {
    bytes.div_ceil(MIB).to_string()
}

/// The refused certificate of the account, if that is its state.
fn untrusted(account: &LiveAccount) -> Option<&CertInfo> {
    (account.connection.state == Some(ConnState::CertUntrusted))
        .then_some(account.connection.cert.as_ref())
        .flatten()
}

fn certificate_box(cert: &CertInfo) -> Element<'_, Message> {
    let line = |label: String, value: String| {
        row![
            text(label).size(12).font(BOLD).width(120),
            text(value).size(12).wrapping(text::Wrapping::WordOrGlyph)
        ]
        .spacing(8)
    };
    let date = |d: Option<chrono::DateTime<chrono::Utc>>| {
        d.map(|d| d.format("%Y-%m-%d %H:%M UTC").to_string())
            .unwrap_or_default()
    };
    let title = if cert.pin_mismatch {
        fl!("cert-changed-title")
    } else {
        fl!("cert-untrusted-title")
    };
    let mut details = column![text(title).size(15).font(BOLD)].spacing(6);
    let valid = match (cert.not_before, cert.not_after) {
        (None, None) => String::new(),
        (from, until) => format!("{} – {}", date(from), date(until)),
    };
    for (label, value) in [
        (fl!("cert-reason"), cert_reason(cert)),
        (
            fl!("cert-subject"),
            cert.subject.clone().unwrap_or_default(),
        ),
        (fl!("cert-issuer"), cert.issuer.clone().unwrap_or_default()),
        (fl!("cert-valid"), valid),
        (fl!("cert-fingerprint"), cert.fingerprint.clone()),
    ] {
        if !value.is_empty() {
            details = details.push(line(label, value));
        }
    }
    details = details.push(text(fl!("cert-explain")).size(12)).push(
        container(
            button(text(fl!("cert-trust")))
                .style(button::danger)
                .on_press(Message::TrustCertificate(cert.fingerprint.clone())),
        )
        .id(ids::settings::TRUST_CERT),
    );
    container(details)
        .padding(12)
        .width(Length::Fill)
        .style(style::error_box)
        .into()
}

fn server_info_box(info: &crate::api::ServerInfo) -> Element<'_, Message> {
    let line = |label: String, value: String| {
        row![
            text(label).size(12).font(BOLD).width(160),
            // Fingerprints have no spaces to break at.
            text(value).size(12).wrapping(text::Wrapping::WordOrGlyph)
        ]
        .spacing(8)
    };
    let software = info
        .software
        .as_ref()
        .map(|s| format!("{} {}", s.name, s.version))
        .unwrap_or_else(|| "–".into());
    let (tls, cert, fingerprint) = match &info.tls {
        Some(t) => (
            format!("{} · {}", t.version, t.cipher),
            t.chain
                .first()
                .map(|c| {
                    format!(
                        "{} ({} {})",
                        c.subject.clone().unwrap_or_default(),
                        fl!("cert-issuer"),
                        c.issuer.clone().unwrap_or_default()
                    )
                })
                .unwrap_or_default(),
            t.chain
                .first()
                .map(|c| c.fingerprint.clone())
                .unwrap_or_default(),
        ),
        None => ("–".into(), "–".into(), "–".into()),
    };
    container(
        column![
            line(fl!("info-software"), software),
            line(fl!("info-tls"), tls),
            line(fl!("info-certificate"), cert),
            line(fl!("cert-fingerprint"), fingerprint),
            line(
                fl!("info-stream-management"),
                if info.stream_management {
                    fl!("info-sm-on", resumptions = info.resumptions)
                } else {
                    fl!("info-sm-off")
                }
            ),
            line(
                fl!("info-rtt"),
                info.rtt_ms.map(|ms| format!("{ms} ms")).unwrap_or_default()
            ),
            line(fl!("info-features"), info.features.join(", ")),
        ]
        .spacing(4),
    )
    .padding(12)
    .width(Length::Fill)
    .style(container::rounded_box)
    .into()
}

#[cfg(test)]
mod tests {
    use super::{Message, State};
    use crate::api::Change;
    use crate::config::{AccountConfig, PasswordSource};
    use crate::profile::Profile;

    #[test]
    fn file_settings_go_into_the_update() {
        let mut config = AccountConfig::new("work", "me@work.example", PasswordSource::Keyring);
        config.files.auto_download_max_bytes = 1_000_000;
        let mut state = State::new(&config);
        // An unchanged field keeps a threshold that is no whole MiB.
        let update = state.to_update().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(update.auto_download, Some(true));
        assert_eq!(update.auto_download_max_bytes, Some(1_000_000));
        assert_eq!(update.download_dir, Change::Clear);
        assert_eq!(update.direct_transfer_first, Some(false));

        let profile = Profile::at("/nonexistent");
        for m in [
            Message::AutoDownload(false),
            Message::AutoDownloadMax(" 20 ".into()),
            Message::DownloadDir("/data/in".into()),
            Message::DirectFirst(true),
        ] {
            let _ = state.update(m, &profile);
        }
        let update = state.to_update().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(update.auto_download, Some(false));
        assert_eq!(update.auto_download_max_bytes, Some(20 * 1024 * 1024));
        assert_eq!(update.download_dir, Change::Set("/data/in".into()));
        assert_eq!(update.direct_transfer_first, Some(true));

        let _ = state.update(Message::AutoDownloadMax("lots".into()), &profile);
        assert_eq!(state.to_update(), Err(crate::fl!("error-invalid-size")));
    }
}
