//! Files in the GUI: the attach button's file dialog, dropped files, the
//! file card in a message bubble (preview, size, progress, download,
//! cancel, open; accept or decline a direct offer), and the transfer
//! progress the actors report.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use iced::widget::{button, column, container, mouse_area, progress_bar, row, text};
use iced::{Alignment, Element, Length, Task};

use super::conversation;
use super::icons::{self, Icon};
use super::model::LiveAccount;
use super::sidebar::BOLD;
use super::update::live;
use super::{App, Banner, Message, ids, style};
use crate::api::AccountRequest;
use crate::api::{Direction, Event, FileInfo, MessageRecord, TransferMethod, TransferState};
use crate::fl;

/// Messages of the file parts of the GUI.
#[derive(Debug, Clone)]
pub enum FileMessage {
    /// Open the file dialog to send a file to the open conversation.
    Attach,
    /// The file dialog closed (None: nothing picked).
    Picked(Option<PathBuf>),
    /// Download the file of this message.
    Download(String),
    /// Stop this message's upload or download (or take back our offer).
    Cancel(String),
    /// Take the file offered directly with this message.
    Accept(String),
    /// Refuse the file offered directly with this message.
    Decline(String),
    /// Open a local file with the system's default app.
    Open(PathBuf),
    /// Open the folder that holds a local file.
    ShowInFolder(PathBuf),
    /// Ctrl+V / ⌘V: look for a picture on the clipboard.
    Paste,
    /// The clipboard was read (None: no picture on it; Err: a banner text).
    Pasted(Result<Option<super::paste::Pasted>, String>),
    /// Send the pasted picture.
    SendPasted,
    /// Throw the pasted picture away.
    DiscardPasted,
}

/// A transfer under way, as the last `transfer` event told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub state: TransferState,
    pub bytes: u64,
    pub total: Option<u64>,
}

impl Progress {
    /// Done so far, 0 to 1 (None: the total is unknown).
    pub fn fraction(&self) -> Option<f32> {
        let total = self.total.filter(|t| *t > 0)?;
        Some((self.bytes.min(total) as f64 / total as f64) as f32)
    }
}

/// Transfers of one account that are running, by message id.
pub type Transfers = HashMap<String, Progress>;

/// How the files of one account went, by message id (as `transfer`
/// events told; kept after the end so a done card still says it).
pub type Methods = HashMap<String, TransferMethod>;

/// Whether a transfer in this state is still going (it can be cancelled).
/// An offer waiting for an answer counts: ours can be taken back, and one
/// to us is declined by a cancel.
pub fn running(state: TransferState) -> bool {
    matches!(
        state,
        TransferState::Queued
            | TransferState::Uploading
            | TransferState::Downloading
            | TransferState::Offered
    )
}

/// A file offered to us for direct transfer (a `file_offer` event), for
/// the desktop notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    /// The bare JID of the conversation.
    pub with: String,
    pub name: String,
    pub size: u64,
    /// The sender is in the roster.
    pub contact: bool,
}

/// Applies a `transfer` or `file_too_large` event: the progress of the
/// account's transfers and the file state of the open chat's message.
/// Returns a banner to show, if any.
pub fn apply_event(
    account: &mut LiveAccount,
    chat: Option<&mut conversation::State>,
    event: Event,
) -> Option<String> {
    match event {
        Event::Transfer {
            id,
            state,
            bytes,
            total,
            error,
            method,
            ..
        } => {
            if let Some(method) = method {
                account.methods.insert(id.clone(), method);
            }
            if running(state) {
                account.transfers.insert(
                    id.clone(),
                    Progress {
                        state,
                        bytes,
                        total,
                    },
                );
            } else {
                account.transfers.remove(&id);
            }
            let m = chat.and_then(|c| c.messages.iter_mut().find(|m| m.id == id));
            if let Some(file) = m.and_then(|m| m.file.as_mut()) {
                file.transfer = state;
                // Queued with an error: cut off, to be tried again.
                file.error = error;
                if file.size.is_none() {
                    file.size = total;
                }
            }
            None
        }
        Event::FileTooLarge {
            path,
            size,
            max_size,
            ..
        } => {
            let name = Path::new(&path)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or(path);
            Some(fl!(
                "file-too-large",
                account = account.label(),
                name = name,
                size = size_text(size),
                max = size_text(max_size)
            ))
        }
        _ => None,
    }
}

/// `bytes` for people: "512 B", "1.5 KiB", "3.4 MiB", "1.2 GiB" (binary
/// units, as the core's messages use them), with `separator` as the
/// decimal mark.
pub fn human_size(bytes: u64, separator: &str) -> String {
    const UNITS: [&str; 5] = ["KiB", "MiB", "GiB", "TiB", "PiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1023.5 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    // One decimal below 100 ("3.4 MiB"), none above ("512 MiB").
    let number = if value < 99.95 {
        format!("{value:.1}")
    } else {
        format!("{value:.0}")
    };
    format!("{} {}", number.replace('.', separator), UNITS[unit])
}

/// `bytes` for people in the user's language.
pub fn size_text(bytes: u64) -> String {
    human_size(bytes, &fl!("decimal-separator"))
}

/// Whether the message's file is an image (by media type, else by name).
fn is_image(file: &FileInfo) -> bool {
    match &file.media_type {
        Some(t) => t.starts_with("image/"),
        None => file.thumbnail.is_some(),
    }
}

/// The file card inside a message bubble; `account` gives the running
/// transfers, how files went and who is a contact.
pub fn card<'a>(
    m: &'a MessageRecord,
    file: &'a FileInfo,
    account: Option<&'a LiveAccount>,
    pictures: &'a super::avatar::Cache,
) -> Element<'a, Message> {
    let progress = account
        .and_then(|a| a.transfers.get(&m.id))
        .filter(|p| running(file.transfer) || running(p.state));
    let state = progress.map_or(file.transfer, |p| p.state);
    let local = file
        .path
        .as_deref()
        .filter(|_| state == TransferState::Done || m.direction == Direction::Out)
        .map(PathBuf::from);
    let open = local
        .clone()
        .filter(|_| state == TransferState::Done)
        .map(|p| Message::File(FileMessage::Open(p)));

    let mut card = column![].spacing(6);
    if let Some(handle) = pictures.get(file.thumbnail.as_deref()) {
        let picture = iced::widget::image(handle.clone())
            .width(Length::Shrink)
            .height(Length::Shrink)
            .border_radius(6.0);
        let picture = container(picture).max_width(256).max_height(256);
        card = card.push(match &open {
            Some(open) => Element::from(
                container(mouse_area(picture).on_press(open.clone())).id(ids::file_preview(&m.id)),
            ),
            None => picture.into(),
        });
    }

    let icon = if is_image(file) {
        Icon::Image
    } else {
        Icon::File
    };
    let mut details = vec![];
    if let Some(size) = file.size.or(progress.and_then(|p| p.total)) {
        details.push(size_text(size));
    }
    if let Some(t) = &file.media_type {
        details.push(t.clone());
    }
    // The way a direct transfer goes, once it goes (an offer says it in
    // its own line).
    let method = account.and_then(|a| a.methods.get(&m.id));
    match method {
        _ if state == TransferState::Offered => {}
        Some(TransferMethod::Socks5) => details.push(fl!("file-direct")),
        Some(TransferMethod::Ibb) => details.push(fl!("file-via-server")),
        Some(TransferMethod::Upload) | None => {}
    }
    let mut facts = row![text(details.join(" · ")).size(11).style(style::muted)]
        .spacing(6)
        .align_y(Alignment::Center);
    if file.plain_http {
        facts = facts.push(
            container(text(fl!("file-plain-http")).size(10))
                .padding([0, 5])
                .style(style::warning_badge),
        );
    }
    let name = text(&file.name).size(14).font(BOLD);
    let name: Element<'_, Message> = match &open {
        Some(open) => button(name)
            .padding(0)
            .style(button::text)
            .on_press(open.clone())
            .into(),
        None => name.into(),
    };
    card = card.push(
        row![
            icons::icon(icon, 24.0, |t: &iced::Theme| t
                .extended_palette()
                .background
                .base
                .text
                .scale_alpha(0.7)),
            column![name, facts].spacing(1).width(Length::Shrink)
        ]
        .spacing(8)
        .align_y(Alignment::Center),
    );

    // Progress, or what can be done now.
    if state == TransferState::Offered {
        card = card.push(offer(m, file, account));
    } else if running(state) {
        let (fraction, label) = match progress {
            Some(p) if state != TransferState::Queued => {
                let done = size_text(p.bytes);
                let label = match p.total {
                    Some(total) => fl!(
                        "file-progress",
                        done = done,
                        total = size_text(total),
                        percent = ((p.fraction().unwrap_or(0.0) * 100.0).round() as u32)
                    ),
                    None => done,
                };
                (p.fraction().unwrap_or(0.0), label)
            }
            _ => (0.0, fl!("file-queued")),
        };
        let verb = match state {
            TransferState::Uploading => fl!("file-uploading"),
            TransferState::Downloading => fl!("file-downloading"),
            _ => String::new(),
        };
        let mut status = if verb.is_empty() {
            label
        } else {
            format!("{verb} · {label}")
        };
        if let Some(e) = &file.error {
            status = fl!("file-retrying", status = status, reason = e.clone());
        }
        card = card.push(
            column![
                row![
                    container(progress_bar(0.0..=1.0, fraction).girth(6))
                        .id(ids::file_progress(&m.id))
                        .width(Length::Fill),
                    action(
                        fl!("file-cancel"),
                        ids::file_cancel(&m.id),
                        FileMessage::Cancel(m.id.clone()),
                        false
                    ),
                ]
                .spacing(10)
                .align_y(Alignment::Center),
                text(status).size(11).style(style::muted),
            ]
            .spacing(2)
            .width(320),
        );
    } else {
        let mut buttons = row![].spacing(6).align_y(Alignment::Center);
        let incoming = m.direction == Direction::In;
        match state {
            TransferState::Available if incoming => {
                buttons = buttons.push(action(
                    fl!("file-download"),
                    ids::file_download(&m.id),
                    FileMessage::Download(m.id.clone()),
                    true,
                ));
            }
            // A direct transfer has no link to fetch again: only the
            // sender can offer it anew.
            TransferState::Failed | TransferState::Cancelled if incoming && file.url.is_some() => {
                buttons = buttons.push(action(
                    fl!("file-retry-download"),
                    ids::file_download(&m.id),
                    FileMessage::Download(m.id.clone()),
                    true,
                ));
            }
            _ => {}
        }
        if let Some(path) = &local
            && state == TransferState::Done
        {
            if let Some(open) = &open {
                buttons = buttons.push(
                    container(
                        button(text(fl!("file-open")).size(12))
                            .padding([3, 10])
                            .style(button::secondary)
                            .on_press(open.clone()),
                    )
                    .id(ids::file_open(&m.id)),
                );
            }
            buttons = buttons.push(action(
                fl!("file-show-in-folder"),
                ids::file_folder(&m.id),
                FileMessage::ShowInFolder(path.clone()),
                false,
            ));
        }
        card = card.push(buttons);
        let problem = match (state, &file.error) {
            (TransferState::Failed, Some(e)) => Some(fl!("file-failed-reason", reason = e.clone())),
            (TransferState::Failed, None) => Some(fl!("file-failed")),
            (TransferState::Cancelled, Some(e)) => {
                Some(fl!("file-cancelled-reason", reason = e.clone()))
            }
            (TransferState::Cancelled, None) => Some(fl!("file-cancelled")),
            _ => None,
        };
        if let Some(problem) = problem {
            card = card.push(
                text(problem)
                    .size(12)
                    .style(style::tone(super::format::Tone::Bad)),
            );
        }
    }
    container(card).padding([4, 0]).into()
}

/// A small button of the card, with a stable id for tests.
fn action<'a>(label: String, id: String, msg: FileMessage, primary: bool) -> Element<'a, Message> {
    container(
        button(text(label).size(12))
            .padding([3, 10])
            .style(if primary {
                button::primary
            } else {
                button::secondary
            })
            .on_press(Message::File(msg)),
    )
    .id(id)
    .into()
}

/// The part of the card for a direct transfer waiting for an answer: to
/// us, where it comes from and accept / decline; ours, whom it waits for
/// and cancel.
fn offer<'a>(
    m: &'a MessageRecord,
    file: &'a FileInfo,
    account: Option<&'a LiveAccount>,
) -> Element<'a, Message> {
    let contact = account.and_then(|a| a.roster.iter().find(|c| c.jid == m.with));
    // A stranger is named by the full address: a local part alone could
    // pass for someone known.
    let who = match contact {
        Some(c) => super::format::display_name(&m.with, c.name.as_deref().or(c.nick.as_deref())),
        None => m.with.clone(),
    };
    // Text and buttons on lines of their own: a long address wraps
    // instead of squeezing them.
    let mut part = column![].spacing(6).width(Length::Shrink);
    let line = |s: String| text(s).size(12).style(style::muted);
    if m.direction == Direction::Out {
        part = part
            .push(line(fl!("file-offer-waiting", contact = who)))
            .push(action(
                fl!("file-cancel"),
                ids::file_cancel(&m.id),
                FileMessage::Cancel(m.id.clone()),
                false,
            ));
    } else {
        part = part.push(line(fl!("file-offer-from", contact = who)));
        if contact.is_none() {
            part = part.push(
                container(text(fl!("file-offer-stranger")).size(11))
                    .padding([1, 6])
                    .style(style::warning_badge),
            );
        }
        // From a stranger, accepting is not the suggested answer.
        part = part.push(
            row![
                action(
                    fl!("file-accept"),
                    ids::file_accept(&m.id),
                    FileMessage::Accept(m.id.clone()),
                    contact.is_some()
                ),
                action(
                    fl!("file-decline"),
                    ids::file_decline(&m.id),
                    FileMessage::Decline(m.id.clone()),
                    false
                ),
            ]
            .spacing(6)
            .align_y(Alignment::Center),
        );
    }
    // E.g. no room on the disk for it: the offer stands, the reason shows.
    if let Some(e) = &file.error {
        part = part.push(
            text(fl!("file-failed-reason", reason = e.clone()))
                .size(12)
                .style(style::tone(super::format::Tone::Bad)),
        );
    }
    part.into()
}

pub fn update(app: &mut App, message: FileMessage) -> Task<Message> {
    match message {
        FileMessage::Attach => {
            if app.chat.is_none() {
                return Task::none();
            }
            Task::perform(
                async {
                    rfd::AsyncFileDialog::new()
                        .set_title(fl!("file-pick-title"))
                        .pick_file()
                        .await
                        .map(|f| f.path().to_path_buf())
                },
                |path| Message::File(FileMessage::Picked(path)),
            )
        }
        FileMessage::Picked(Some(path)) => send(app, &path),
        FileMessage::Picked(None) => Task::none(),
        FileMessage::Download(id) => command(app, AccountRequest::Download { id }),
        FileMessage::Cancel(id) => command(app, AccountRequest::CancelTransfer { id }),
        FileMessage::Accept(id) => command(app, AccountRequest::AcceptFile { id }),
        FileMessage::Decline(id) => command(app, AccountRequest::DeclineFile { id }),
        FileMessage::Open(path) => open_path(path),
        FileMessage::ShowInFolder(path) => match path.parent() {
            Some(dir) => open_path(dir.to_path_buf()),
            None => Task::none(),
        },
        // Ctrl+V is a key press like any other: a use of the app.
        FileMessage::Paste => Task::batch([super::people::used(app), super::paste::paste(app)]),
        FileMessage::Pasted(result) => super::paste::pasted(app, result),
        FileMessage::SendPasted => super::paste::send(app),
        FileMessage::DiscardPasted => super::paste::discard(app),
    }
}

/// Sends a command to the actor of the open chat's account.
fn command(app: &mut App, command: AccountRequest) -> Task<Message> {
    if let Some(chat) = &app.chat {
        let account = chat.account.clone();
        if let Some(a) = live(&mut app.accounts, &account) {
            a.send(command);
        }
    }
    Task::none()
}

/// Sends the file at `path` to the open conversation.
pub fn send(app: &mut App, path: &Path) -> Task<Message> {
    let Some(chat) = &app.chat else {
        return Task::none();
    };
    let Some(local) = path.to_str() else {
        app.banners.push(Banner::error(
            None,
            fl!("file-bad-name", path = path.display().to_string()),
        ));
        return Task::none();
    };
    let (account, to) = (chat.account.clone(), chat.with.clone());
    let sent = live(&mut app.accounts, &account).is_some_and(|a| {
        a.send(AccountRequest::SendFile {
            to,
            path: local.to_owned(),
            reference: Some(uuid::Uuid::new_v4().to_string()),
        })
    });
    if !sent {
        app.banners.push(Banner::error(
            Some(account),
            fl!("file-not-sent", name = local.to_owned()),
        ));
    }
    Task::none()
}

/// Opens a file or folder with the system's default app, off the UI thread.
fn open_path(path: PathBuf) -> Task<Message> {
    Task::perform(
        async move {
            let shown = path.display().to_string();
            tokio::task::spawn_blocking(move || open::that_detached(&path))
                .await
                .map_err(std::io::Error::other)
                .and_then(|r| r)
                .err()
                .map(|e| fl!("file-open-failed", path = shown, reason = e.to_string()))
        },
        Message::Problem,
    )
}

/// Starts decoding the previews of the open chat's images not loaded yet.
pub fn load_previews(app: &mut App) -> Task<Message> {
    let Some(chat) = &app.chat else {
        return Task::none();
    };
    let paths = chat
        .messages
        .iter()
        .filter_map(|m| m.file.as_ref()?.thumbnail.as_deref());
    app.avatars.load_plain(paths, Message::AvatarLoaded)
}

#[cfg(test)]
mod tests {
    use super::{Progress, human_size};
    use crate::api::TransferState;

    #[test]
    fn sizes_for_people() {
        assert_eq!(human_size(0, "."), "0 B");
        assert_eq!(human_size(1023, "."), "1023 B");
        assert_eq!(human_size(1024, "."), "1.0 KiB");
        assert_eq!(human_size(1536, ","), "1,5 KiB");
        assert_eq!(human_size(3_565_158, "."), "3.4 MiB");
        assert_eq!(human_size(200 * 1024 * 1024, "."), "200 MiB");
        assert_eq!(human_size(1024 * 1024 * 1024 - 1, "."), "1.0 GiB");
        assert_eq!(human_size(5 * 1024_u64.pow(4), ","), "5,0 TiB");
        assert_eq!(human_size(u64::MAX, "."), "16384 PiB");
    }

    #[test]
    fn progress_fraction() {
        let p = |bytes, total| Progress {
            state: TransferState::Uploading,
            bytes,
            total,
        };
        assert_eq!(p(50, Some(200)).fraction(), Some(0.25));
        assert_eq!(p(300, Some(200)).fraction(), Some(1.0));
        assert_eq!(p(5, None).fraction(), None);
        assert_eq!(p(5, Some(0)).fraction(), None);
    }
}
