//! Form pieces shared by the dialogs and the account settings: labelled
//! fields, the colour swatches, the connection settings and the account
//! picker's entries.

use iced::widget::{button, column, container, radio, row, space, text, text_input};
use iced::{Element, Length};

use super::format::{self, SWATCHES};
use super::sidebar::BOLD;
use super::style;
use crate::api::{AccountId, TlsMode};
use crate::fl;

/// An entry of a dialog's account picker (adding a contact, joining a
/// group).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountChoice {
    pub id: AccountId,
    pub label: String,
    /// The account's address (its local part is the default nickname).
    pub jid: String,
}

impl std::fmt::Display for AccountChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label)
    }
}

/// The account a dialog starts with: `preferred` if it is offered, else
/// the first.
pub fn initial_choice<'a>(
    accounts: &'a [AccountChoice],
    preferred: Option<&str>,
) -> Option<&'a AccountChoice> {
    preferred
        .and_then(|p| accounts.iter().find(|a| a.id == p))
        .or(accounts.first())
}

/// A bold label above an input.
pub fn field<'a, M: 'a>(label: String, input: impl Into<Element<'a, M>>) -> Element<'a, M> {
    column![text(label).size(13).font(BOLD), input.into()]
        .spacing(4)
        .into()
}

/// A text input with a stable id that submits the form on Enter.
pub fn input<'a, M: Clone + 'a>(
    placeholder: String,
    value: &'a str,
    id: impl Into<iced::widget::Id>,
    on: fn(String) -> M,
    submit: M,
) -> Element<'a, M> {
    text_input(&placeholder, value)
        .id(id)
        .on_input(on)
        .on_submit(submit)
        .padding([7, 10])
        .into()
}

/// An error message of a form, in a red box.
pub fn error_box<'a, M: 'a>(message: &'a str) -> Element<'a, M> {
    container(text(message).size(13))
        .padding([8, 12])
        .width(Length::Fill)
        .style(style::error_box)
        .into()
}

/// The "Close" button of a screen (settings, console, details, profile).
pub fn close_button<'a, M: Clone + 'a>(id: &'static str, close: M) -> Element<'a, M> {
    container(
        button(text(fl!("settings-close")))
            .style(button::secondary)
            .on_press(close),
    )
    .id(id)
    .into()
}

/// A dialog's last row: Cancel and its action, on the right, each in a
/// container with a stable id.
pub fn dialog_buttons<'a, M: Clone + 'a>(
    cancel: (M, &'static str),
    action: (button::Button<'a, M>, &'static str),
) -> Element<'a, M> {
    row![
        space::horizontal(),
        container(
            button(text(fl!("dialog-cancel")))
                .style(button::secondary)
                .on_press(cancel.0)
        )
        .id(cancel.1),
        container(action.0).id(action.1),
    ]
    .spacing(10)
    .align_y(iced::Alignment::Center)
    .into()
}

/// A labelled checkbox with a stable id.
pub fn toggle<'a, M: 'a>(
    checked: bool,
    label: String,
    on: fn(bool) -> M,
    id: &'static str,
) -> Element<'a, M> {
    container(
        iced::widget::checkbox(checked)
            .label(label)
            .on_toggle(on)
            .size(16)
            .text_size(13),
    )
    .id(id)
    .into()
}

/// The account colour swatches; `id` names each one for tests.
pub fn swatches<'a, M: Clone + 'a>(
    selected: Option<usize>,
    on: fn(usize) -> M,
    id: fn(usize) -> String,
) -> Element<'a, M> {
    row(SWATCHES.iter().enumerate().map(|(i, hex)| {
        let color = format::parse_hex(hex).unwrap_or(iced::Color::BLACK);
        container(
            button(space().width(22).height(22))
                .padding(0)
                .style(style::swatch(color, selected == Some(i)))
                .on_press(on(i)),
        )
        .id(id(i))
        .into()
    }))
    .spacing(8)
    .into()
}

/// The values and messages of the connection settings.
pub struct Connection<'a, M> {
    pub host: &'a str,
    pub port: &'a str,
    pub tls: TlsMode,
    pub ca_file: &'a str,
    pub pinned: &'a str,
    pub on_host: fn(String) -> M,
    pub on_port: fn(String) -> M,
    pub on_tls: fn(TlsMode) -> M,
    pub on_ca_file: fn(String) -> M,
    pub on_pinned: fn(String) -> M,
    pub submit: M,
    /// Widget ids of host, port, CA file and pinned fingerprint.
    pub ids: [&'static str; 4],
}

/// Host and port, TLS mode, CA file and pinned certificate, top to bottom.
pub fn connection<'a, M: Clone + 'a>(c: Connection<'a, M>) -> Vec<Element<'a, M>> {
    let [host_id, port_id, ca_id, pin_id] = c.ids;
    let submit = c.submit;
    let tls = row![
        radio(
            fl!("tls-starttls"),
            TlsMode::Starttls,
            Some(c.tls),
            c.on_tls
        )
        .size(16)
        .text_size(13),
        radio(fl!("tls-direct"), TlsMode::Direct, Some(c.tls), c.on_tls)
            .size(16)
            .text_size(13),
    ]
    .spacing(20);
    vec![
        row![
            container(field(
                fl!("field-host"),
                input(
                    fl!("field-host-placeholder"),
                    c.host,
                    host_id,
                    c.on_host,
                    submit.clone()
                )
            ))
            .width(Length::FillPortion(3)),
            container(field(
                fl!("field-port"),
                input(
                    fl!("field-port-placeholder"),
                    c.port,
                    port_id,
                    c.on_port,
                    submit.clone()
                )
            ))
            .width(Length::FillPortion(1)),
        ]
        .spacing(12)
        .into(),
        field(fl!("field-tls"), tls),
        field(
            fl!("field-ca-file"),
            input(
                fl!("field-ca-file-placeholder"),
                c.ca_file,
                ca_id,
                c.on_ca_file,
                submit.clone(),
            ),
        ),
        field(
            fl!("field-pinned"),
            input(
                fl!("field-pinned-placeholder"),
                c.pinned,
                pin_id,
                c.on_pinned,
                submit,
            ),
        ),
    ]
}
