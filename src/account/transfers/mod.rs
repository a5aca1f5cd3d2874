//! File transfers of one account: sending files (stored as a queued
//! message with its file, uploaded in the background, then sent as a link
//! with metadata) and receiving them (downloaded automatically or on
//! request, checked against their hash, previewed if they are images).
//!
//! The actor owns the state; each transfer runs as its own task and
//! reports back through a channel (progress at most every 100 ms). A
//! cancel aborts the task: a download's temporary file goes with it.
//! Uploads survive a lost connection (a transient failure is tried again,
//! and every fresh session restarts the uploads still queued) and a
//! restart of Plausch (the queued message keeps its file's path).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{Duration, Instant};

use crate::account::wire::Wire;
use base64::Engine as _;
use tokio::sync::{Semaphore, mpsc};
use tokio_xmpp::jid::BareJid;

use super::Actor;
use super::upload::{Discovery, Job, Service};
use crate::api::{
    Change, ConnState, Direction, Event, MessageRecord, MessageState, Problem, TransferState,
};
use crate::config::FileSettings;
use crate::files::transfer::{Downloaded, Fetch, Http, OnProgress, Policy, Put, TransferError};
use crate::files::{self, human_size};
use crate::store::{FileUpdate, NewFile, NewMessage, PendingUpload};

mod download;

pub(in crate::account) use download::make_preview;

/// Progress events per transfer: at most one per this interval.
const PROGRESS_EVERY: Duration = Duration::from_millis(100);
/// Tries of an upload that fails for a passing reason, per session.
const UPLOAD_TRIES: u32 = 3;
/// What transfer tasks tell the actor.
#[derive(Debug)]
pub(super) enum Report {
    Progress {
        id: String,
        bytes: u64,
    },
    Uploaded {
        job: Job,
        get: String,
        result: Result<[u8; 32], TransferError>,
    },
    Downloaded {
        id: String,
        result: Result<(Downloaded, Option<PathBuf>), TransferError>,
    },
    /// Time to try an upload again.
    Retry {
        id: String,
    },
    /// A direct transfer's task (`account::jingle`).
    Jingle(crate::account::jingle::report::Report),
    /// What a `HEAD` said of a received file of unknown size.
    Probed {
        id: String,
        /// Bytes the server holds beyond the file (an encrypted file's tag).
        overhead: u64,
        result: Result<crate::files::transfer::Probe, TransferError>,
    },
}

#[derive(Debug)]
struct Active {
    task: tokio::task::AbortHandle,
    direction: Direction,
    total: Option<u64>,
}

/// Transfers of one account.
pub(super) struct Transfers {
    pub(super) tx: mpsc::UnboundedSender<Report>,
    /// The HTTP client with the account's trust, or why there is none.
    http: Result<Http, String>,
    active: HashMap<String, Active>,
    /// Passing failures of each upload in this session.
    tries: HashMap<String, u32>,
    /// Received files of unknown size whose size was asked for (once).
    probed: std::collections::HashSet<String>,
    pub settings: FileSettings,
    /// Where received files go.
    download_dir: PathBuf,
    /// Where previews go.
    thumbnail_dir: PathBuf,
}

impl Transfers {
    pub fn new(
        tx: mpsc::UnboundedSender<Report>,
        config: &crate::config::AccountConfig,
        domain: &str,
        data_dir: &Path,
    ) -> Transfers {
        let http = crate::account::tls::http_client_config(
            config.ca_file.as_deref(),
            config.pinned_cert.as_deref(),
        )
        .map_err(|e| e.to_string())
        .and_then(|tls| {
            Http::new(
                tls,
                Policy {
                    own_domain: domain.to_owned(),
                },
            )
            .map_err(|e| e.to_string())
        });
        Transfers {
            tx,
            http,
            active: HashMap::new(),
            tries: HashMap::new(),
            probed: std::collections::HashSet::new(),
            download_dir: config
                .files
                .download_dir
                .clone()
                .unwrap_or_else(|| data_dir.join(crate::profile::FILES_DIR)),
            thumbnail_dir: data_dir.join("thumbnails"),
            settings: config.files.clone(),
        }
    }

    pub fn reconfigure(&mut self, settings: &FileSettings, data_dir: &Path) {
        self.settings = settings.clone();
        self.download_dir = settings
            .download_dir
            .clone()
            .unwrap_or_else(|| data_dir.join(crate::profile::FILES_DIR));
    }

    pub(super) fn download_dir(&self) -> &Path {
        &self.download_dir
    }

    /// Where the preview of received file `id` goes.
    pub(super) fn preview_path(&self, id: &str) -> PathBuf {
        self.thumbnail_dir.join(format!("{id}.png"))
    }

    /// Notes `task` as message `id`'s transfer (replacing an earlier one).
    pub(super) fn track(
        &mut self,
        id: &str,
        task: tokio::task::AbortHandle,
        direction: Direction,
        total: Option<u64>,
    ) {
        self.active.insert(
            id.to_owned(),
            Active {
                task,
                direction,
                total,
            },
        );
    }

    /// Forgets message `id`'s transfer; its task, to abort if need be.
    pub(super) fn untrack(&mut self, id: &str) -> Option<tokio::task::AbortHandle> {
        self.active.remove(id).map(|a| a.task)
    }

    /// A fresh session: passing failures count anew.
    pub fn new_session(&mut self) {
        self.tries.clear();
    }

    pub(super) fn progress(&self, id: &str) -> OnProgress {
        let tx = self.tx.clone();
        let id = id.to_owned();
        let last: Mutex<Option<Instant>> = Mutex::new(None);
        Arc::new(move |bytes| {
            let now = Instant::now();
            if let Ok(mut last) = last.lock()
                && last.is_none_or(|t| now.duration_since(t) >= PROGRESS_EVERY)
            {
                *last = Some(now);
                let _ = tx.send(Report::Progress {
                    id: id.clone(),
                    bytes,
                });
            }
        })
    }
}

impl Actor {
    pub(super) fn transfer_event(
        &self,
        id: &str,
        direction: Direction,
        state: TransferState,
        bytes: u64,
        total: Option<u64>,
        error: Option<String>,
    ) {
        self.emit(Event::Transfer {
            account: self.id.clone(),
            id: id.to_owned(),
            direction,
            state,
            bytes,
            total,
            error,
            method: self.transfer_method(id, direction),
            reference: self.refs.get(id).cloned(),
        });
    }

    /// How message `id`'s file goes: directly while it has a session (and
    /// after, for ours without a link), else through the upload service.
    fn transfer_method(
        &self,
        id: &str,
        direction: Direction,
    ) -> Option<crate::api::TransferMethod> {
        self.jingle.method_of(id).or(match direction {
            Direction::Out => Some(crate::api::TransferMethod::Upload),
            Direction::In => None,
        })
    }

    /// The file of stored message `id`, if it has one (unreadable: none).
    fn stored_file(&self, id: &str) -> Option<crate::api::FileInfo> {
        self.store.message(id).ok().flatten().and_then(|m| m.file)
    }

    /// Changes a file's state in the store and announces the message.
    pub(super) fn update_file(&mut self, id: &str, update: &FileUpdate) -> Option<MessageRecord> {
        match self.store.update_file(id, update) {
            Ok(Some(record)) => {
                self.emit(Event::MessageUpdated {
                    account: self.id.clone(),
                    message: record.clone(),
                });
                Some(record)
            }
            Ok(None) => None,
            Err(e) => {
                self.error(Problem::StoreFailed, e.to_string(), None);
                None
            }
        }
    }

    fn too_large(
        &self,
        id: Option<&str>,
        path: &Path,
        size: u64,
        max: u64,
        reference: Option<String>,
    ) {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        self.emit(Event::FileTooLarge {
            account: self.id.clone(),
            id: id.map(str::to_owned),
            path: path.display().to_string(),
            size,
            max_size: max,
            message: format!(
                "{name} is {}; the server accepts files up to {} ({max} bytes). \
                 It can go directly when the contact is online with a client that takes \
                 direct transfers, in a chat without end-to-end encryption",
                human_size(size),
                human_size(max)
            ),
            reference,
        });
    }

    /// `send_file`: stores the message with its file as queued, then
    /// starts the upload if it can start now.
    pub(super) async fn send_file(
        &mut self,
        to: &str,
        path: &str,
        reference: Option<String>,
        stream: Option<&Wire>,
    ) {
        let to: BareJid = match to.parse() {
            Ok(j) => j,
            Err(e) => {
                return self.error(
                    Problem::InvalidAddress,
                    format!("invalid recipient {to}: {e}"),
                    reference,
                );
            }
        };
        let path = match std::path::absolute(path) {
            Ok(p) => p,
            Err(e) => {
                return self.error(
                    Problem::FileUnreadable,
                    format!("file not sent: {path}: {e}"),
                    reference,
                );
            }
        };
        let size = match std::fs::metadata(&path) {
            Ok(m) if m.is_file() => m.len(),
            Ok(_) => {
                return self.error(
                    Problem::FileUnreadable,
                    format!("file not sent: {} is not a file", path.display()),
                    reference,
                );
            }
            Err(e) => {
                return self.error(
                    Problem::FileUnreadable,
                    format!("file not sent: cannot read {}: {e}", path.display()),
                    reference,
                );
            }
        };
        // In an encrypted chat the file is encrypted too (XEP-0454) and
        // carries a 16-byte tag.
        let encryption = self.omemo_for_new_message(&tokio_xmpp::jid::Jid::from(to.clone()));
        let tag = crate::account::upload::overhead(encryption != crate::api::Encryption::None);
        // Known limit: refuse at once, nothing is queued (unless the file
        // can go directly to the contact's client).
        if let Discovery::Found(Service {
            max_size: Some(max),
            ..
        }) = self.upload.service()
            && size + tag > *max
            && !self.can_send_directly(&to, encryption)
        {
            return self.too_large(None, &path, size, *max, reference);
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "file".into());
        let id = uuid::Uuid::new_v4().to_string();
        let with = to.to_string();
        let own = self.full_jid.clone();
        let file = NewFile {
            name,
            size: Some(size),
            media_type: Some(files::media_type_of(&path)),
            url: None,
            sha256: None,
            source: Some(path.display().to_string()),
            transfer: TransferState::Queued,
        };
        let new = NewMessage {
            id: &id,
            with: &with,
            direction: Direction::Out,
            sender: &own,
            body: "",
            timestamp: chrono::Utc::now(),
            state: MessageState::Queued,
            server_id: None,
            origin_id: Some(&id),
            reply_to: None,
            markable: false,
            file: Some(&file),
            mention: false,
            occupant_id: None,
            crypto: crate::api::MessageCrypto {
                encryption,
                ..Default::default()
            },
        };
        if self.store_own(&new, reference, "file").is_none() {
            return;
        }
        self.transfer_event(
            &id,
            Direction::Out,
            TransferState::Queued,
            0,
            Some(size),
            None,
        );
        if let Some(stream) = stream {
            self.start_uploads(stream).await;
        }
    }

    /// Starts every queued upload that is not under way (once the upload
    /// service is known).
    pub(super) async fn start_uploads(&mut self, stream: &Wire) {
        if self.state != ConnState::Online || self.upload.service() == Discovery::Pending {
            return;
        }
        let pending = match self.store.pending_uploads() {
            Ok(p) => p,
            Err(e) => return self.error(Problem::StoreFailed, e.to_string(), None),
        };
        for p in pending {
            if !self.transfers.active.contains_key(&p.id) && !self.upload.is_waiting_for_slot(&p.id)
            {
                self.start_upload(p, stream).await;
            }
        }
    }

    async fn start_upload(&mut self, p: PendingUpload, stream: &Wire) {
        let source = PathBuf::from(&p.source);
        let size = match std::fs::metadata(&source) {
            Ok(m) if m.is_file() => m.len(),
            Ok(_) => {
                return self.upload_failed(&p.id, &format!("{} is not a file", source.display()));
            }
            Err(e) => {
                return self
                    .upload_failed(&p.id, &format!("cannot read {}: {e}", source.display()));
            }
        };
        // A file in an encrypted chat is encrypted too (XEP-0454), and
        // then carries its 16-byte tag.
        let encrypted = self
            .store
            .message(&p.id)
            .ok()
            .flatten()
            .is_some_and(|m| m.crypto.encryption != crate::api::Encryption::None);
        let tag = crate::account::upload::overhead(encrypted);
        // Directly to the contact's client when the upload service cannot
        // take the file, or first if the account says so.
        let service = self.upload.service();
        let upload_takes_it = match &service {
            Discovery::Pending => return,
            Discovery::NoService => false,
            Discovery::Found(s) => s.max_size.is_none_or(|max| size + tag <= max),
        };
        if (!upload_takes_it || self.transfers.settings.direct_first)
            && let Ok(to) = p.with.parse::<BareJid>()
            && !encrypted
            && let Some(peer) = self.direct_peer(&to)
        {
            return self.offer_file(&p, peer, size);
        }
        let service = match service {
            Discovery::Pending => return,
            Discovery::NoService => {
                return self.upload_failed(
                    &p.id,
                    "the server offers no file upload (XEP-0363), and the contact has no client online that takes files directly",
                );
            }
            Discovery::Found(service) => service,
        };
        if let Some(max) = service.max_size
            && size + tag > max
        {
            self.too_large(
                Some(&p.id),
                &source,
                size,
                max,
                self.refs.get(&p.id).cloned(),
            );
            return self.upload_failed(
                &p.id,
                &format!(
                    "the file is {}; the server accepts files up to {}",
                    human_size(size),
                    human_size(max)
                ),
            );
        }
        let job = Job {
            key: encrypted.then(|| omemo::media::MediaKey::generate(&mut rand_core::OsRng)),
            media_type: p
                .media_type
                .clone()
                .unwrap_or_else(|| files::media_type_of(&source)),
            id: p.id,
            source,
            name: p.name,
            size,
        };
        self.request_slot(service.jid.clone(), job, stream).await;
    }

    /// A slot arrived: the PUT runs as a task.
    pub(super) fn start_put(&mut self, job: Job, put: Put, get: String) {
        let http = match &self.transfers.http {
            Ok(h) => h.clone(),
            Err(e) => {
                let e = format!("no HTTP client: {e}");
                return self.upload_failed(&job.id, &e);
            }
        };
        let progress = self.transfers.progress(&job.id);
        let tx = self.transfers.tx.clone();
        let id = job.id.clone();
        let size = job.size;
        tracing::info!(account = %self.id, message = %id, size, "uploading");
        let task = tokio::spawn(async move {
            let result = http
                .upload(
                    &put,
                    &job.source,
                    job.size,
                    &job.media_type,
                    job.key.as_ref(),
                    progress,
                )
                .await;
            let _ = tx.send(Report::Uploaded { job, get, result });
        });
        self.transfers.active.insert(
            id.clone(),
            Active {
                task: task.abort_handle(),
                direction: Direction::Out,
                total: Some(size),
            },
        );
        self.update_file(
            &id,
            &FileUpdate {
                transfer: Some(TransferState::Uploading),
                error: Change::Clear,
                ..FileUpdate::default()
            },
        );
        self.transfer_event(
            &id,
            Direction::Out,
            TransferState::Uploading,
            0,
            Some(size),
            None,
        );
    }

    /// The upload cannot be done: the message fails (it can be retried).
    pub(in crate::account) fn upload_failed(&mut self, id: &str, error: &str) {
        self.transfers.active.remove(id);
        tracing::info!(account = %self.id, message = %id, "upload failed: {error}");
        self.finish_upload(id, TransferState::Failed, error);
    }

    fn finish_upload(&mut self, id: &str, state: TransferState, error: &str) {
        let total = self.stored_file(id).and_then(|f| f.size);
        self.update_file(
            id,
            &FileUpdate {
                transfer: Some(state),
                error: Change::Set(error),
                ..FileUpdate::default()
            },
        );
        if let Ok(Some(rec)) = self.store.set_state(id, MessageState::Failed, Some(error)) {
            self.announce_state(rec);
        }
        self.transfer_event(id, Direction::Out, state, 0, total, Some(error.to_owned()));
    }

    /// `retry` of a failed file message: its upload starts again.
    pub(super) async fn retry_upload(&mut self, id: &str, stream: Option<&Wire>) {
        let has_pending_file = self.stored_file(id).is_some_and(|f| f.url.is_none());
        if !has_pending_file {
            return;
        }
        self.transfers.tries.remove(id);
        self.update_file(
            id,
            &FileUpdate {
                transfer: Some(TransferState::Queued),
                error: Change::Clear,
                ..FileUpdate::default()
            },
        );
        if let Some(stream) = stream {
            self.start_uploads(stream).await;
        }
    }

    /// Whether a file to `to` could go directly now: a client of theirs
    /// takes direct transfers, and the chat is not end-to-end encrypted
    /// (direct transfers are not).
    fn can_send_directly(&self, to: &BareJid, encryption: crate::api::Encryption) -> bool {
        encryption == crate::api::Encryption::None && self.direct_peer(to).is_some()
    }

    /// `cancel_transfer`.
    pub(super) async fn cancel_transfer(&mut self, id: &str, stream: Option<&Wire>) {
        if self.cancel_direct(id, stream).await {
            return;
        }
        let active = self.transfers.active.remove(id);
        if let Some(a) = &active {
            a.task.abort();
        }
        let direction = match (&active, self.store.message(id)) {
            (Some(a), _) => a.direction,
            (None, Ok(Some(m))) => m.direction,
            _ => return self.error(Problem::UnknownTransfer, format!("no transfer {id}"), None),
        };
        match direction {
            Direction::Out => {
                let waiting = self.upload.forget_slot(id);
                let queued = self.store.message(id).ok().flatten().is_some_and(|m| {
                    m.state == MessageState::Queued && m.file.is_some_and(|f| f.url.is_none())
                });
                if active.is_none() && !waiting && !queued {
                    return self.error(
                        Problem::UnknownTransfer,
                        format!("no transfer {id} to cancel"),
                        None,
                    );
                }
                self.finish_upload(id, TransferState::Cancelled, "cancelled");
            }
            Direction::In => {
                if active.is_none() {
                    return self.error(
                        Problem::UnknownTransfer,
                        format!("no transfer {id} to cancel"),
                        None,
                    );
                }
                self.update_file(
                    id,
                    &FileUpdate {
                        transfer: Some(TransferState::Cancelled),
                        ..FileUpdate::default()
                    },
                );
                self.transfer_event(
                    id,
                    Direction::In,
                    TransferState::Cancelled,
                    0,
                    active.and_then(|a| a.total),
                    None,
                );
            }
        }
    }

    pub(super) async fn on_transfer_report(&mut self, report: Report, stream: &Wire) {
        match report {
            Report::Jingle(report) => self.on_jingle_report(report, stream).await,
            Report::Progress { id, bytes } => {
                if let Some(a) = self.transfers.active.get(&id) {
                    let state = match a.direction {
                        Direction::Out => TransferState::Uploading,
                        Direction::In => TransferState::Downloading,
                    };
                    self.transfer_event(&id, a.direction, state, bytes, a.total, None);
                }
            }
            Report::Uploaded { job, get, result } => {
                // Cancelled meanwhile: nothing to do.
                if self.transfers.active.remove(&job.id).is_none() {
                    return;
                }
                match result {
                    Ok(hash) => {
                        tracing::info!(account = %self.id, message = %job.id, "uploaded");
                        // Encrypted: the link with the key is what is sent
                        // (inside OMEMO), and it must be HTTPS.
                        let link = match &job.key {
                            None => get.clone(),
                            Some(k) => {
                                match crate::xmpp::aesgcm::AesGcmLink::new(&get, &k.iv, *k.key) {
                                    Some(link) => link.to_link(),
                                    None => {
                                        return self.upload_failed(
                                            &job.id,
                                            "the upload service gave no HTTPS address: an encrypted file needs one",
                                        );
                                    }
                                }
                            }
                        };
                        self.transfers.tries.remove(&job.id);
                        self.update_file(
                            &job.id,
                            &FileUpdate {
                                transfer: Some(TransferState::Done),
                                url: Some(&link),
                                sha256: Some(&hash),
                                size: Some(job.size),
                                error: Change::Clear,
                                plain_http: Some(get.starts_with("http://")),
                                ..FileUpdate::default()
                            },
                        );
                        self.transfer_event(
                            &job.id,
                            Direction::Out,
                            TransferState::Done,
                            job.size,
                            Some(job.size),
                            None,
                        );
                        if self.state == ConnState::Online && self.sync.caught_up() {
                            self.flush_outbox(stream).await;
                        }
                    }
                    Err(e) if e.is_transient() => self.upload_interrupted(&job.id, &e.to_string()),
                    Err(e) => self.upload_failed(&job.id, &e.to_string()),
                }
            }
            Report::Probed {
                id,
                overhead,
                result,
            } => match result {
                Ok(crate::files::transfer::Probe { size: Some(size) }) => {
                    let size = size.saturating_sub(overhead);
                    let update = FileUpdate {
                        size: Some(size),
                        ..FileUpdate::default()
                    };
                    if let Some(record) = self.update_file(&id, &update) {
                        self.maybe_auto_download(&record);
                    }
                }
                Ok(_) => {
                    tracing::debug!(account = %self.id, message = %id, "no size from the server")
                }
                Err(e) => tracing::debug!(account = %self.id, message = %id, "size not asked: {e}"),
            },
            Report::Retry { id } => {
                if self.state == ConnState::Online {
                    self.start_uploads(stream).await;
                } else {
                    tracing::debug!(account = %self.id, message = %id, "upload waits for the connection");
                }
            }
            Report::Downloaded { id, result } => {
                let Some(active) = self.transfers.active.remove(&id) else {
                    return;
                };
                match result {
                    Ok((done, preview)) => {
                        tracing::info!(account = %self.id, message = %id, size = done.size, "downloaded");
                        let path = done.path.display().to_string();
                        let thumbnail = preview.map(|p| p.display().to_string());
                        self.update_file(
                            &id,
                            &FileUpdate {
                                transfer: Some(TransferState::Done),
                                path: Some(&path),
                                thumbnail: thumbnail.as_deref(),
                                plain_http: Some(done.plain_http),
                                sha256: Some(&done.sha256),
                                size: Some(done.size),
                                error: Change::Clear,
                                ..FileUpdate::default()
                            },
                        );
                        self.transfer_event(
                            &id,
                            Direction::In,
                            TransferState::Done,
                            done.size,
                            Some(done.size),
                            None,
                        );
                    }
                    Err(e) => {
                        let error = e.to_string();
                        tracing::info!(account = %self.id, message = %id, "download failed: {error}");
                        self.update_file(
                            &id,
                            &FileUpdate {
                                transfer: Some(TransferState::Failed),
                                error: Change::Set(&error),
                                ..FileUpdate::default()
                            },
                        );
                        self.transfer_event(
                            &id,
                            Direction::In,
                            TransferState::Failed,
                            0,
                            active.total,
                            Some(error),
                        );
                    }
                }
            }
        }
    }

    /// A passing failure (network, server): queued again, tried again
    /// soon, and with every fresh session.
    fn upload_interrupted(&mut self, id: &str, error: &str) {
        let tries = self.transfers.tries.entry(id.to_owned()).or_insert(0);
        *tries += 1;
        let tries = *tries;
        tracing::info!(account = %self.id, message = %id, tries, "upload interrupted: {error}");
        let total = self.stored_file(id).and_then(|f| f.size);
        self.update_file(
            id,
            &FileUpdate {
                transfer: Some(TransferState::Queued),
                error: Change::Set(error),
                ..FileUpdate::default()
            },
        );
        self.transfer_event(
            id,
            Direction::Out,
            TransferState::Queued,
            0,
            total,
            Some(error.to_owned()),
        );
        if tries < UPLOAD_TRIES {
            let tx = self.transfers.tx.clone();
            let id = id.to_owned();
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_secs(2u64.pow(tries))).await;
                let _ = tx.send(Report::Retry { id });
            });
        }
    }
}
