//! Receiving files: downloads (on request or automatic, within the
//! account's limits), checked against their hash, and previews of images.

use super::*;

/// One preview decode at a time for the whole process.
static PREVIEWS: LazyLock<Arc<Semaphore>> = LazyLock::new(|| Arc::new(Semaphore::new(1)));

impl Actor {
    /// `download`: fetch a received file now.
    pub(in crate::account) fn download(&mut self, id: &str) {
        self.start_download(id, None);
    }

    /// A new incoming message with a file: fetch it if the settings say so.
    pub(in crate::account) fn maybe_auto_download(&mut self, m: &MessageRecord) {
        let Some(file) = &m.file else { return };
        if m.direction != Direction::In || file.transfer != TransferState::Available {
            return;
        }
        let image = files::is_image(file.media_type.as_deref(), &file.name);
        // Only from contacts: a stranger's link is not fetched unasked.
        let contact = self.store.is_contact(&m.with).unwrap_or(false);
        if !contact || !self.transfers.settings.auto_download {
            return;
        }
        // A bare link or an encrypted file says no size: the server is
        // asked first (once), then the same rules apply.
        if file.size.is_none() {
            if let Some(url) = file.url.clone()
                && self.transfers.probed.insert(m.id.clone())
            {
                self.probe_size(&m.id, &url);
            }
            return;
        }
        if self.transfers.settings.auto_downloads(file.size, image) {
            let cap = self.transfers.settings.auto_cap(image);
            self.start_download(&m.id, Some(cap));
        }
    }

    /// Asks the server for the size of received file `id` at `url` (an
    /// `aesgcm://` link: its HTTPS address, less the tag).
    fn probe_size(&mut self, id: &str, url: &str) {
        let Ok(http) = self.transfers.http.clone() else {
            return;
        };
        let Ok((url, key)) = fetch_target(url) else {
            return;
        };
        let overhead = crate::account::upload::overhead(key.is_some());
        let tx = self.transfers.tx.clone();
        let id = id.to_owned();
        tokio::spawn(async move {
            let result = http.probe(&url).await;
            let _ = tx.send(Report::Probed {
                id,
                overhead,
                result,
            });
        });
    }

    fn start_download(&mut self, id: &str, cap: Option<u64>) {
        if self.transfers.active.contains_key(id) {
            return;
        }
        let record = match self.store.message(id) {
            Ok(Some(r)) => r,
            Ok(None) => {
                return self.error(Problem::UnknownMessage, format!("no message {id}"), None);
            }
            Err(e) => return self.error(Problem::StoreFailed, e.to_string(), None),
        };
        let Some(file) = record.file else {
            return self.error(
                Problem::FileUnavailable,
                format!("message {id} has no file"),
                None,
            );
        };
        let Some(url) = file.url.clone() else {
            return self.error(
                Problem::FileUnavailable,
                format!("the file of message {id} is not uploaded yet"),
                None,
            );
        };
        let http = match &self.transfers.http {
            Ok(h) => h.clone(),
            Err(e) => {
                return self.error(
                    Problem::TransferFailed,
                    format!("no HTTP client: {e}"),
                    None,
                );
            }
        };
        let sha256 = file.sha256.as_deref().and_then(|h| {
            base64::engine::general_purpose::STANDARD
                .decode(h)
                .ok()
                .and_then(|b| <[u8; 32]>::try_from(b.as_slice()).ok())
        });
        // No more than announced (nor, automatically, than allowed).
        let max_bytes = match (file.size, cap) {
            (Some(s), Some(c)) => Some(s.min(c)),
            (s, c) => s.or(c),
        };
        let (url, decrypt) = match fetch_target(&url) {
            Ok(target) => target,
            Err(e) => return self.error(Problem::FileUnavailable, e.to_string(), None),
        };
        let fetch = Fetch {
            url,
            dir: self.transfers.download_dir.clone(),
            name: files::names::sanitize(&file.name),
            max_bytes,
            sha256,
            decrypt,
        };
        let image = files::is_image(file.media_type.as_deref(), &file.name);
        let thumbnail = image.then(|| self.transfers.thumbnail_dir.join(format!("{id}.png")));
        let progress = self.transfers.progress(id);
        let tx = self.transfers.tx.clone();
        let task_id = id.to_owned();
        let account = self.id.clone();
        let task = tokio::spawn(async move {
            let result = match http.download(&fetch, progress).await {
                Ok(done) => {
                    let preview = match thumbnail {
                        Some(out) => make_preview(&account, done.path.clone(), out).await,
                        None => None,
                    };
                    Ok((done, preview))
                }
                Err(e) => Err(e),
            };
            let _ = tx.send(Report::Downloaded {
                id: task_id,
                result,
            });
        });
        self.transfers.active.insert(
            id.to_owned(),
            Active {
                task: task.abort_handle(),
                direction: Direction::In,
                total: file.size,
            },
        );
        self.update_file(
            id,
            &FileUpdate {
                transfer: Some(TransferState::Downloading),
                error: Change::Clear,
                ..FileUpdate::default()
            },
        );
        self.transfer_event(
            id,
            Direction::In,
            TransferState::Downloading,
            0,
            file.size,
            None,
        );
    }
}

/// Writes the preview of a downloaded image off the async threads, one at
/// a time; None (logged) when the image is refused or unreadable.
pub(in crate::account) async fn make_preview(
    account: &str,
    image: PathBuf,
    out: PathBuf,
) -> Option<PathBuf> {
    let _permit = PREVIEWS.clone().acquire_owned().await.ok()?;
    let target = out.clone();
    let result = tokio::task::spawn_blocking(move || files::make_preview(&image, &target)).await;
    match result {
        Ok(Ok(())) => Some(out),
        Ok(Err(e)) => {
            tracing::warn!(account, "no preview: {e}");
            None
        }
        Err(e) => {
            tracing::error!(account, "preview task failed: {e}");
            None
        }
    }
}

/// Where a received file's bytes are, and the key to open them: for an
/// encrypted file (XEP-0454) its link's HTTPS address and key, else the
/// URL as it is.
fn fetch_target(url: &str) -> Result<(String, Option<omemo::media::MediaKey>), omemo::Error> {
    match crate::xmpp::aesgcm::AesGcmLink::parse(url) {
        Ok(link) => {
            let key = omemo::media::MediaKey::new(link.key, &link.iv)?;
            Ok((link.url.to_string(), Some(key)))
        }
        Err(_) => Ok((url.to_owned(), None)),
    }
}
