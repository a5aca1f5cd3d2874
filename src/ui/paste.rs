//! Pasting a picture (Ctrl+V / ⌘V with an image on the clipboard, such as a
//! screenshot). iced's clipboard carries text only, so `arboard` reads the
//! image. It is written as PNG into the account's folder — the upload may
//! wait for a connection, even across restarts, and the file stays the
//! message's local copy — and sent once the user confirms it in a bar over
//! the composer (a paste is easily done by mistake; a sent file is not
//! easily taken back).

use std::io::Write;
use std::path::{Path, PathBuf};

use iced::widget::{button, container, row, space, text};
use iced::{Alignment, Element, Task};

use super::files::{FileMessage, size_text};
use super::{App, Banner, Message, ids, style};
use crate::api::AccountId;
use crate::fl;

/// Larger pictures are refused: 100 megapixels are 400 MB as RGBA, which
/// the clipboard hands over in one piece.
pub const MAX_PIXELS: u64 = 100_000_000;
/// The folder in the account's directory for pasted pictures.
pub const FOLDER: &str = "pasted";

/// A pasted picture waiting for the user to send or discard it.
#[derive(Debug, Clone, PartialEq)]
pub struct Pasted {
    pub account: AccountId,
    /// The conversation it was pasted into.
    pub with: String,
    pub path: PathBuf,
    pub width: u32,
    pub height: u32,
    pub bytes: u64,
}

/// Why a pasted picture could not be taken (shown as a banner).
#[derive(Debug, thiserror::Error)]
pub enum PasteError {
    #[error("the clipboard could not be read: {0}")]
    Clipboard(String),
    #[error("the picture has {width} × {height} pixels, more than {MAX_PIXELS}")]
    TooLarge { width: u32, height: u32 },
    #[error("the clipboard's picture is damaged: {0}")]
    Damaged(String),
    #[error("{path} could not be written: {reason}")]
    Write { path: PathBuf, reason: String },
}

impl PasteError {
    /// The banner text, in the user's language.
    pub fn describe(&self) -> String {
        match self {
            PasteError::Clipboard(reason) => fl!("paste-unreadable", reason = reason.clone()),
            PasteError::TooLarge { width, height } => fl!(
                "paste-too-large",
                width = width.to_string(),
                height = height.to_string(),
                max = (MAX_PIXELS / 1_000_000).to_string()
            ),
            PasteError::Damaged(reason) => fl!("paste-damaged", reason = reason.clone()),
            PasteError::Write { path, reason } => fl!(
                "paste-not-saved",
                path = path.display().to_string(),
                reason = reason.clone()
            ),
        }
    }
}

/// A picture's pixels as the clipboard gives them.
pub struct Picture<'a> {
    pub width: u32,
    pub height: u32,
    /// RGBA, 4 bytes per pixel, row by row.
    pub rgba: &'a [u8],
}

/// Writes `picture` as PNG to `dir/name` (or `name (1)`…, never over an
/// existing file); returns the path and the file's size.
pub fn save_png(dir: &Path, name: &str, picture: &Picture) -> Result<(PathBuf, u64), PasteError> {
    let (width, height) = (picture.width, picture.height);
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(PasteError::TooLarge { width, height });
    }
    let expected = u64::from(width) * u64::from(height) * 4;
    if width == 0 || height == 0 || picture.rgba.len() as u64 != expected {
        return Err(PasteError::Damaged(format!(
            "{width} × {height} pixels in {} bytes",
            picture.rgba.len()
        )));
    }
    let write_error = |path: &Path, e: &dyn std::fmt::Display| PasteError::Write {
        path: path.to_path_buf(),
        reason: e.to_string(),
    };
    std::fs::create_dir_all(dir).map_err(|e| write_error(dir, &e))?;
    let path = crate::files::names::unused_path(dir, name);
    let file = std::fs::File::create_new(&path).map_err(|e| write_error(&path, &e))?;
    let mut out = std::io::BufWriter::new(file);
    let encoded = image::ImageEncoder::write_image(
        image::codecs::png::PngEncoder::new(&mut out),
        picture.rgba,
        width,
        height,
        image::ExtendedColorType::Rgba8,
    )
    .map_err(|e| write_error(&path, &e))
    .and_then(|()| out.flush().map_err(|e| write_error(&path, &e)))
    .and_then(|()| {
        std::fs::metadata(&path)
            .map(|m| m.len())
            .map_err(|e| write_error(&path, &e))
    });
    if encoded.is_err() {
        // No half-written picture is left behind.
        let _ = std::fs::remove_file(&path);
    }
    encoded.map(|bytes| (path, bytes))
}

/// The picture on the clipboard saved into `dir` (None: the clipboard holds
/// no picture, e.g. only text). Blocking: run it off the UI thread.
fn read_clipboard(dir: &Path, name: &str) -> Result<Option<(PathBuf, u32, u32, u64)>, PasteError> {
    let mut clipboard =
        arboard::Clipboard::new().map_err(|e| PasteError::Clipboard(e.to_string()))?;
    let image = match clipboard.get_image() {
        Ok(image) => image,
        Err(arboard::Error::ContentNotAvailable) => return Ok(None),
        Err(e) => return Err(PasteError::Clipboard(e.to_string())),
    };
    let (width, height) = (
        u32::try_from(image.width).unwrap_or(u32::MAX),
        u32::try_from(image.height).unwrap_or(u32::MAX),
    );
    let picture = Picture {
        width,
        height,
        rgba: &image.bytes,
    };
    let (path, bytes) = save_png(dir, name, &picture)?;
    Ok(Some((path, width, height, bytes)))
}

/// Ctrl+V / ⌘V: looks for a picture on the clipboard, for the open chat.
/// (Text is pasted by the composer itself.)
pub fn paste(app: &App) -> Task<Message> {
    let Some(chat) = &app.chat else {
        return Task::none();
    };
    let (account, with) = (chat.account.clone(), chat.with.clone());
    let dir = app.profile.account_dir(&account).join(FOLDER);
    // Colons are not allowed in Windows file names.
    let time = chrono::Local::now().format("%Y-%m-%d %H.%M.%S").to_string();
    let name = format!("{}.png", fl!("paste-file-name", time = time));
    Task::perform(
        async move {
            let read = tokio::task::spawn_blocking(move || read_clipboard(&dir, &name)).await;
            match read {
                Ok(Ok(Some((path, width, height, bytes)))) => Ok(Some(Pasted {
                    account,
                    with,
                    path,
                    width,
                    height,
                    bytes,
                })),
                Ok(Ok(None)) => Ok(None),
                Ok(Err(e)) => Err(e.describe()),
                Err(e) => Err(PasteError::Clipboard(e.to_string()).describe()),
            }
        },
        |result| Message::File(FileMessage::Pasted(result)),
    )
}

/// A paste was read: it waits for the user's yes (replacing an earlier one).
pub fn pasted(app: &mut App, result: Result<Option<Pasted>, String>) -> Task<Message> {
    match result {
        Ok(Some(new)) => {
            tracing::debug!(path = %new.path.display(), "picture pasted");
            let old = app.pasted.replace(new);
            remove(old)
        }
        Ok(None) => Task::none(),
        Err(text) => {
            app.banners.push(Banner::error(None, text));
            Task::none()
        }
    }
}

/// The user sends the pasted picture to the conversation it was pasted into.
pub fn send(app: &mut App) -> Task<Message> {
    let Some(p) = app.pasted.take() else {
        return Task::none();
    };
    if !app.chat.as_ref().is_some_and(|c| c.is(&p.account, &p.with)) {
        app.pasted = Some(p);
        return Task::none();
    }
    super::files::send(app, &p.path)
}

/// The user does not want the pasted picture: its file goes.
pub fn discard(app: &mut App) -> Task<Message> {
    remove(app.pasted.take())
}

/// Deletes a pasted picture's file, off the UI thread.
fn remove(pasted: Option<Pasted>) -> Task<Message> {
    let Some(p) = pasted else {
        return Task::none();
    };
    Task::future(async move {
        let path = p.path.clone();
        let removed = tokio::task::spawn_blocking(move || std::fs::remove_file(&path)).await;
        if let Ok(Err(e)) = removed {
            tracing::warn!(path = %p.path.display(), "pasted picture not removed: {e}");
        }
    })
    .discard()
}

/// The bar over the composer: what was pasted, Send, Discard.
pub fn bar(pasted: &Pasted) -> Element<'_, Message> {
    let name = pasted
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    container(
        row![
            text(fl!(
                "paste-confirm",
                name = name,
                width = pasted.width.to_string(),
                height = pasted.height.to_string(),
                size = size_text(pasted.bytes)
            ))
            .size(12)
            .style(style::muted),
            space::horizontal(),
            container(
                button(text(fl!("paste-discard")).size(12))
                    .padding([2, 10])
                    .style(button::text)
                    .on_press(Message::File(FileMessage::DiscardPasted))
            )
            .id(ids::PASTED_DISCARD),
            container(
                button(text(fl!("paste-send")).size(12))
                    .padding([2, 10])
                    .on_press(Message::File(FileMessage::SendPasted))
            )
            .id(ids::PASTED_SEND),
        ]
        .spacing(6)
        .align_y(Alignment::Center),
    )
    .id(ids::PASTED)
    .padding([6, 20])
    .into()
}

#[cfg(test)]
mod tests {
    use super::{MAX_PIXELS, PasteError, Picture, save_png};

    #[test]
    fn a_picture_is_saved_as_png_without_overwriting() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let rgba: Vec<u8> = (0..3 * 2 * 4).map(|i| (i * 10) as u8).collect();
        let picture = Picture {
            width: 3,
            height: 2,
            rgba: &rgba,
        };
        let folder = dir.path().join("pasted");
        let first = save_png(&folder, "Pasted image.png", &picture);
        let (first, bytes) = first.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(first, folder.join("Pasted image.png"));
        assert!(bytes > 0);
        let back = image::open(&first).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((back.width(), back.height()), (3, 2));
        assert_eq!(back.to_rgba8().into_raw(), rgba);
        let second = save_png(&folder, "Pasted image.png", &picture);
        let (second, _) = second.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(second, folder.join("Pasted image (1).png"));
    }

    #[test]
    fn huge_or_damaged_pictures_are_refused_and_leave_nothing() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let huge = Picture {
            width: 20_000,
            height: 20_000,
            rgba: &[],
        };
        const { assert!(20_000 * 20_000 > MAX_PIXELS) };
        assert!(matches!(
            save_png(dir.path(), "a.png", &huge),
            Err(PasteError::TooLarge { .. })
        ));
        let short = Picture {
            width: 4,
            height: 4,
            rgba: &[0; 10],
        };
        let err = save_png(dir.path(), "a.png", &short);
        assert!(matches!(err, Err(PasteError::Damaged(_))));
        let err = err.err().map(|e| e.describe()).unwrap_or_default();
        assert!(err.contains("damaged"), "{err}");
        let left = std::fs::read_dir(dir.path())
            .map(|d| d.count())
            .unwrap_or(0);
        assert_eq!(left, 0);
    }
}
