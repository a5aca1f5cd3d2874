//! OMEMO devices in the GUI (issue 22, part 7): what the account knows of
//! devices and trust (from `devices` and `verification` events), the device
//! lists of the account settings (this device, our other devices) and of
//! the contact details (verify, distrust, trust blindly, paste a
//! fingerprint URI), and the conversation's banner for an undecided device.

use std::collections::HashMap;

use iced::widget::{button, column, container, row, text};
use iced::{Alignment, Element, Font, Length};

use super::format::Tone;
use super::model::LiveAccount;
use super::sidebar::BOLD;
use super::{form, ids, style};
use crate::api::{AccountRequest, DeviceInfo, DeviceProblem, OmemoVersion, Trust, TrustChoice};
use crate::fl;

/// What the account's actor told us about devices.
#[derive(Debug, Default)]
pub struct Known {
    /// The last `devices` answer per JID.
    pub by_jid: HashMap<String, Vec<DeviceInfo>>,
    /// The last `verification` answer.
    pub verification: Option<Verification>,
}

/// The answer to a pasted fingerprint URI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    pub jid: String,
    pub matched: usize,
    pub mismatched: usize,
    pub unknown: usize,
}

impl Known {
    /// Whether `jid` has a device (on its list) waiting for a decision.
    pub fn undecided(&self, jid: &str) -> bool {
        self.by_jid
            .get(jid)
            .is_some_and(|d| d.iter().any(|d| d.active && d.trust == Trust::Undecided))
    }
}

/// A user action on devices.
#[derive(Debug, Clone)]
pub enum Message {
    SetTrust {
        jid: String,
        device: u32,
        version: OmemoVersion,
        trust: TrustChoice,
    },
    /// Take a device of ours off our lists.
    Remove(u32),
    /// Start a new session with a device (its diagnostic said why).
    Reset {
        jid: String,
        device: u32,
    },
    /// The fingerprint URI field.
    Uri(String),
    VerifyUri,
}

/// The request a device action sends (None: only the field changed).
pub fn request(message: &Message, uri: &str) -> Option<AccountRequest> {
    match message {
        Message::SetTrust {
            jid,
            device,
            version,
            trust,
        } => Some(AccountRequest::TrustDevice {
            jid: jid.clone(),
            device: *device,
            trust: *trust,
            version: Some(*version),
        }),
        Message::Remove(device) => Some(AccountRequest::OmemoRemoveDevice { device: *device }),
        Message::Reset { jid, device } => Some(AccountRequest::OmemoResetSession {
            jid: jid.clone(),
            device: *device,
        }),
        Message::VerifyUri => {
            Some(uri.trim())
                .filter(|u| !u.is_empty())
                .map(|uri| AccountRequest::VerifyUri {
                    uri: uri.to_owned(),
                })
        }
        Message::Uri(_) => None,
    }
}

fn version_text(v: OmemoVersion) -> String {
    match v {
        OmemoVersion::Omemo => fl!("omemo-version-legacy"),
        OmemoVersion::Omemo2 => fl!("omemo-version-2"),
    }
}

/// Trust in words with its mark and tone.
pub fn trust_text(t: Trust) -> (&'static str, String, Tone) {
    match t {
        Trust::Verified => ("✔", fl!("trust-verified"), Tone::Good),
        Trust::Blind => ("●", fl!("trust-blind"), Tone::Muted),
        Trust::Undecided => ("?", fl!("trust-undecided"), Tone::Busy),
        Trust::Untrusted => ("✖", fl!("trust-untrusted"), Tone::Bad),
    }
}

/// The fingerprint in four groups per line (two lines), monospace.
fn fingerprint<'a, M: 'a>(fp: Option<&'a str>) -> Element<'a, M> {
    match fp {
        Some(fp) => {
            let groups: Vec<&str> = fp.split(' ').collect();
            let lines = groups.chunks(4).map(|c| -> Element<'a, M> {
                text(c.join(" ")).size(13).font(Font::MONOSPACE).into()
            });
            column(lines).spacing(1).into()
        }
        None => text(fl!("omemo-key-unknown"))
            .size(13)
            .style(style::muted)
            .into(),
    }
}

fn small_button<'a>(
    label: String,
    id: String,
    style_fn: ButtonStyle,
    on: Message,
) -> Element<'a, Message> {
    container(
        button(text(label).size(12))
            .padding([3, 10])
            .style(style_fn)
            .on_press(on),
    )
    .id(id)
    .into()
}

type ButtonStyle = fn(&iced::Theme, button::Status) -> button::Style;

/// One device: fingerprint, version, state, trust and the actions.
fn device_row<'a>(jid: &'a str, d: &'a DeviceInfo, own_account: bool) -> Element<'a, Message> {
    let (mark, words, tone) = trust_text(d.trust);
    let mut facts = vec![
        version_text(d.version),
        fl!("omemo-device-id", id = d.id.to_string()),
    ];
    if let Some(label) = &d.label {
        facts.push(label.clone());
    }
    facts.push(if d.active {
        fl!("omemo-device-active")
    } else {
        fl!("omemo-device-inactive")
    });
    if let Some(at) = d.last_used {
        let local = at.with_timezone(&chrono::Local);
        facts.push(fl!(
            "omemo-device-last-used",
            date = local.format(&fl!("date-format")).to_string()
        ));
    }
    let trust_line = row![
        text(mark).size(13).style(style::tone(tone)),
        text(words).size(13).style(style::tone(tone)),
    ]
    .spacing(6);
    let set = |trust: TrustChoice| Message::SetTrust {
        jid: jid.to_owned(),
        device: d.id,
        version: d.version,
        trust,
    };
    let key = format!("{}-{}", d.id, version_key(d.version));
    let mut actions = row![].spacing(6).align_y(Alignment::Center);
    if d.trust != Trust::Verified && d.fingerprint.is_some() {
        actions = actions.push(small_button(
            fl!("trust-action-verify"),
            ids::devices::verify(&key),
            button::primary,
            set(TrustChoice::Verified),
        ));
    }
    if d.trust != Trust::Blind {
        actions = actions.push(small_button(
            fl!("trust-action-blind"),
            ids::devices::blind(&key),
            button::secondary,
            set(TrustChoice::Blind),
        ));
    }
    if d.trust != Trust::Untrusted {
        actions = actions.push(small_button(
            fl!("trust-action-distrust"),
            ids::devices::distrust(&key),
            button::secondary,
            set(TrustChoice::Untrusted),
        ));
    }
    if d.problem.is_some() && d.active {
        actions = actions.push(small_button(
            fl!("omemo-device-reset"),
            ids::devices::reset(&key),
            button::secondary,
            Message::Reset {
                jid: jid.to_owned(),
                device: d.id,
            },
        ));
    }
    if own_account && d.active {
        actions = actions.push(small_button(
            fl!("omemo-device-remove"),
            ids::devices::remove(&key),
            button::danger,
            Message::Remove(d.id),
        ));
    }
    container(
        column![
            // The facts take what the trust words leave: a long line
            // wraps instead of pushing them out of the box.
            row![
                text(facts.join(" · "))
                    .size(13)
                    .font(BOLD)
                    .width(Length::Fill)
                    .wrapping(text::Wrapping::WordOrGlyph),
                trust_line
            ]
            .spacing(10)
            .align_y(Alignment::Center),
            fingerprint(d.fingerprint.as_deref()),
            diagnostic(d),
            actions,
        ]
        .spacing(6),
    )
    .padding(10)
    .width(Length::Fill)
    .style(container::rounded_box)
    .into()
}

/// Why a device is not encrypted to or cannot be reached, in words
/// (nothing when all is well).
fn diagnostic<'a>(d: &DeviceInfo) -> Element<'a, Message> {
    let mut notes = column![].spacing(2);
    if d.stale && d.active {
        notes = notes.push(text(fl!("omemo-device-stale")).size(12).style(style::muted));
    }
    let problem = d.problem.filter(|_| d.active).map(|p| match p {
        DeviceProblem::NoBundle => fl!("omemo-problem-no-bundle"),
        DeviceProblem::BundleInvalid => fl!("omemo-problem-bundle-invalid"),
        DeviceProblem::SessionBroken => fl!("omemo-problem-session-broken"),
    });
    if let Some(problem) = problem {
        notes = notes.push(text(problem).size(12).style(style::tone(Tone::Bad)));
    }
    notes.into()
}

fn version_key(v: OmemoVersion) -> &'static str {
    match v {
        OmemoVersion::Omemo => "omemo",
        OmemoVersion::Omemo2 => "omemo2",
    }
}

/// The account settings' part: this device and our other devices.
/// `omemo_on` is the switch as edited; its toggle is the caller's.
pub fn own_section<'a>(account: &'a LiveAccount, omemo_on: bool) -> Element<'a, Message> {
    let jid = account.config.jid.as_str();
    let devices = account.omemo.by_jid.get(jid);
    let mut col = column![].spacing(8);
    col = col.push(text(fl!("omemo-this-device")).size(14).font(BOLD));
    let own: Vec<&DeviceInfo> = devices
        .map(|d| d.iter().filter(|d| d.own).collect())
        .unwrap_or_default();
    if own.is_empty() {
        col = col.push(
            text(if omemo_on {
                fl!("omemo-this-device-pending")
            } else {
                fl!("omemo-off")
            })
            .size(13)
            .style(style::muted),
        );
    }
    for d in own {
        col = col.push(
            container(
                column![
                    text(format!(
                        "{} · {}",
                        version_text(d.version),
                        fl!("omemo-device-id", id = d.id.to_string())
                    ))
                    .size(13)
                    .font(BOLD),
                    fingerprint(d.fingerprint.as_deref()),
                ]
                .spacing(4),
            )
            .padding(10)
            .width(Length::Fill)
            .style(container::rounded_box),
        );
    }
    col = col.push(text(fl!("omemo-other-devices")).size(14).font(BOLD));
    let others: Vec<&DeviceInfo> = devices
        .map(|d| d.iter().filter(|d| !d.own).collect())
        .unwrap_or_default();
    if others.is_empty() {
        col = col.push(
            text(fl!("omemo-no-other-devices"))
                .size(13)
                .style(style::muted),
        );
    } else {
        col = col.push(
            text(fl!("omemo-remove-hint"))
                .size(12)
                .style(style::muted)
                .wrapping(text::Wrapping::WordOrGlyph),
        );
    }
    for d in others {
        col = col.push(device_row(jid, d, true));
    }
    col.into()
}

/// The contact details' part: the contact's devices and the URI field.
pub fn contact_section<'a>(
    account: &'a LiveAccount,
    jid: &'a str,
    uri: &'a str,
) -> Element<'a, Message> {
    let mut col = column![text(fl!("omemo-contact-devices")).size(16).font(BOLD)].spacing(8);
    let devices = account.omemo.by_jid.get(jid);
    match devices {
        Some(d) if !d.is_empty() => {
            if d.iter().any(|d| d.trust == Trust::Undecided && d.active) {
                col = col.push(
                    text(fl!("omemo-undecided-hint"))
                        .size(13)
                        .style(style::tone(Tone::Busy))
                        .wrapping(text::Wrapping::WordOrGlyph),
                );
            }
            for d in d {
                col = col.push(device_row(jid, d, false));
            }
        }
        Some(_) => col = col.push(text(fl!("omemo-no-devices")).size(13).style(style::muted)),
        None => {
            col = col.push(
                text(fl!("omemo-devices-loading"))
                    .size(13)
                    .style(style::muted),
            )
        }
    }
    let verify = container(
        button(text(fl!("omemo-verify-uri")))
            .style(button::secondary)
            .on_press_maybe((!uri.trim().is_empty()).then_some(Message::VerifyUri)),
    )
    .id(ids::devices::VERIFY_URI);
    col = col.push(form::field(
        fl!("omemo-uri-label"),
        row![
            form::input(
                "xmpp:…?omemo-sid-…".into(),
                uri,
                ids::devices::URI,
                Message::Uri,
                Message::VerifyUri,
            ),
            verify
        ]
        .spacing(8)
        .align_y(Alignment::Center),
    ));
    if let Some(v) = account.omemo.verification.as_ref().filter(|v| v.jid == jid) {
        col = col.push(verification_text(v));
    }
    col.into()
}

fn verification_text<'a>(v: &Verification) -> Element<'a, Message> {
    let mut parts = vec![fl!("omemo-verified-count", count = v.matched)];
    if v.mismatched > 0 {
        parts.push(fl!("omemo-mismatch-count", count = v.mismatched));
    }
    if v.unknown > 0 {
        parts.push(fl!("omemo-unknown-count", count = v.unknown));
    }
    let tone = if v.mismatched > 0 {
        Tone::Bad
    } else if v.matched > 0 {
        Tone::Good
    } else {
        Tone::Busy
    };
    container(
        text(parts.join(" "))
            .size(13)
            .style(style::tone(tone))
            .wrapping(text::Wrapping::WordOrGlyph),
    )
    .id(ids::devices::RESULT)
    .into()
}

/// The conversation's banner while `with` has a device waiting for a
/// decision (verification is in use and a new device appeared).
pub fn undecided_banner<'a>(
    account: Option<&'a LiveAccount>,
    with: &'a str,
    name: String,
) -> Option<Element<'a, super::Message>> {
    let account = account.filter(|a| a.omemo.undecided(with))?;
    let open = container(
        button(text(fl!("omemo-banner-show")).size(12))
            .padding([3, 10])
            .style(button::secondary)
            .on_press(super::Message::ShowDevices(
                account.config.id.clone(),
                with.to_owned(),
            )),
    )
    .id(ids::devices::BANNER_OPEN);
    let inner = container(
        row![
            text("?").size(16).font(BOLD),
            text(fl!("omemo-banner", contact = name))
                .size(13)
                .width(Length::Fill)
                .wrapping(text::Wrapping::WordOrGlyph),
            open
        ]
        .spacing(10)
        .align_y(Alignment::Center),
    )
    .padding([6, 14])
    .width(Length::Fill)
    .style(style::banner_warning);
    Some(
        container(inner)
            .padding([8, 16])
            .id(ids::devices::BANNER)
            .into(),
    )
}
