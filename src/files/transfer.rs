//! HTTP(S) transfers, streamed: an upload reads its file in chunks into the
//! request body, a download writes the response body in chunks to a
//! temporary file that is renamed when complete. Neither ever holds a whole
//! file in memory. Both report progress through a callback and can be
//! cancelled by aborting their task: the temporary file of a download is
//! removed when its guard is dropped.
//!
//! Encrypted files (XEP-0454) go through the same paths: an upload
//! encrypts each chunk as it is read and appends the GCM tag; a download
//! decrypts each chunk into the temporary file and keeps it only if the
//! tag at the end matches.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt;
use reqwest::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderMap, HeaderValue};
use reqwest::{StatusCode, Url};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use omemo::media::{MediaDecryptor, MediaEncryptor, MediaKey, TAG_LEN};
use tokio_util::bytes::Bytes;

use super::names;

/// Chunk size for reading a file into an upload.
const CHUNK: usize = 64 * 1024;
/// A transfer that receives or sends nothing for this long has failed.
const STALL: Duration = Duration::from_secs(60);
const CONNECT: Duration = Duration::from_secs(30);

#[derive(Debug, thiserror::Error)]
pub enum TransferError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the file is too large ({size} bytes; at most {max} bytes)")]
    TooLarge { size: u64, max: u64 },
    #[error("the file changed while it was sent ({sent} of {size} bytes)")]
    Changed { sent: u64, size: u64 },
    #[error("the server answered {0}")]
    Status(StatusCode),
    #[error("network error: {0}")]
    Network(String),
    #[error("the file does not match its SHA-256 hash: it was damaged or replaced")]
    HashMismatch,
    #[error("the encrypted file does not open with its key: it was damaged or replaced")]
    Undecryptable,
    #[error("refused: {0}")]
    Refused(String),
    #[error("TLS setup failed: {0}")]
    Tls(String),
    /// The HTTPS server's certificate was refused (not worth retrying by
    /// itself: the user has to trust it, e.g. with the account's CA file).
    #[error("the server's certificate is not trusted: {0}")]
    Certificate(String),
}

impl TransferError {
    /// Worth trying again later (the network or the server had a problem),
    /// rather than a definite refusal.
    pub fn is_transient(&self) -> bool {
        match self {
            TransferError::Network(_) => true,
            TransferError::Status(s) => {
                s.is_server_error()
                    || *s == StatusCode::REQUEST_TIMEOUT
                    || *s == StatusCode::TOO_MANY_REQUESTS
            }
            _ => false,
        }
    }
}

fn network(e: reqwest::Error) -> TransferError {
    // Without the URL: it may carry a token.
    let e = e.without_url();
    let mut text = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        if let Some(tls @ tokio_rustls::rustls::Error::InvalidCertificate(_)) = rustls_error(s) {
            return TransferError::Certificate(crate::account::tls::describe(tls));
        }
        // "error sending request: client error (Connect): …", the cause
        // included (reqwest's own text leaves it out).
        let part = s.to_string();
        if !text.contains(&part) {
            text = format!("{text}: {part}");
        }
        source = s.source();
    }
    TransferError::Network(text)
}

/// The rustls error in `e`, which comes wrapped in (nested) `io::Error`s.
fn rustls_error<'a>(
    mut e: &'a (dyn std::error::Error + 'static),
) -> Option<&'a tokio_rustls::rustls::Error> {
    loop {
        if let Some(tls) = e.downcast_ref() {
            return Some(tls);
        }
        e = e.downcast_ref::<std::io::Error>()?.get_ref()?;
    }
}

/// What a transfer may reach over plain HTTP: only our own server's hosts
/// (the account's domain and its subdomains, where its upload service
/// lives). Everything else must be HTTPS.
#[derive(Debug, Clone)]
pub struct Policy {
    pub own_domain: String,
}

impl Policy {
    /// Whether `url` may be used, and whether it is plain HTTP.
    pub fn check(&self, url: &Url) -> Result<bool, TransferError> {
        match url.scheme() {
            "https" => Ok(false),
            "http" => {
                let host = url.host_str().unwrap_or("").to_ascii_lowercase();
                let own = self.own_domain.to_ascii_lowercase();
                if host == own || host.ends_with(&format!(".{own}")) {
                    Ok(true)
                } else {
                    Err(TransferError::Refused(format!(
                        "plain HTTP from {host}: only the account's own server may be reached unencrypted"
                    )))
                }
            }
            other => Err(TransferError::Refused(format!(
                "unsupported kind of link ({other}:)"
            ))),
        }
    }
}

/// An HTTP client with the account's trust (CA file, pinned certificate).
#[derive(Debug, Clone)]
pub struct Http {
    client: reqwest::Client,
    policy: Policy,
}

/// A slot to upload into (XEP-0363).
#[derive(Clone)]
pub struct Put {
    pub url: String,
    /// Authorization / Cookie / Expires: may be secrets, never logged.
    pub headers: Vec<(String, String)>,
}

impl std::fmt::Debug for Put {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Put").finish_non_exhaustive()
    }
}

/// A finished download.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Downloaded {
    pub path: PathBuf,
    pub size: u64,
    pub sha256: [u8; 32],
    /// Fetched over plain HTTP (from our own server).
    pub plain_http: bool,
}

/// What to download and where.
#[derive(Debug, Clone)]
pub struct Fetch {
    pub url: String,
    pub dir: PathBuf,
    /// Already sanitized.
    pub name: String,
    /// Refuse (and stop) beyond this many bytes.
    pub max_bytes: Option<u64>,
    pub sha256: Option<[u8; 32]>,
    /// The file is encrypted with this key (XEP-0454): decrypted while it
    /// comes, kept only if it opens. `sha256` is then the plain file's.
    pub decrypt: Option<MediaKey>,
}

/// What a `HEAD` request says of a file before it is fetched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probe {
    /// `Content-Length`, if the server sends it.
    pub size: Option<u64>,
}

/// Progress callback: bytes so far.
pub type OnProgress = Arc<dyn Fn(u64) + Send + Sync>;

impl Http {
    pub fn new(
        tls: tokio_rustls::rustls::ClientConfig,
        policy: Policy,
    ) -> Result<Http, TransferError> {
        let own = policy.clone();
        // Redirects: at most 5, and each target must pass the same policy
        // (no downgrade from HTTPS to a stranger's plain HTTP).
        let redirect = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() >= 5 {
                attempt.error("too many redirects")
            } else if own.check(attempt.url()).is_err() {
                attempt.error("redirect to a URL that may not be used")
            } else {
                attempt.follow()
            }
        });
        let client = reqwest::Client::builder()
            .use_preconfigured_tls(tls)
            .redirect(redirect)
            .connect_timeout(CONNECT)
            .read_timeout(STALL)
            .user_agent(concat!("Plausch/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| TransferError::Tls(e.to_string()))?;
        Ok(Http { client, policy })
    }

    /// Uploads the first `size` bytes of `path` with PUT, encrypted with
    /// `encrypt` if given (then `size` + 16 bytes go up: the tag follows);
    /// returns the SHA-256 of the plain bytes (computed while sending).
    pub async fn upload(
        &self,
        put: &Put,
        path: &Path,
        size: u64,
        media_type: &str,
        encrypt: Option<&MediaKey>,
        progress: OnProgress,
    ) -> Result<[u8; 32], TransferError> {
        let url = Url::parse(&put.url)
            .map_err(|e| TransferError::Refused(format!("invalid upload URL: {e}")))?;
        self.policy.check(&url)?;
        let read_err = |source| TransferError::Read {
            path: path.to_owned(),
            source,
        };
        let file = tokio::fs::File::open(path).await.map_err(read_err)?;
        let hasher = Arc::new(Mutex::new((Sha256::new(), 0u64)));
        let state = hasher.clone();
        let sealing = encrypt.map(|k| Arc::new(Mutex::new(Some(MediaEncryptor::new(k)))));
        let seal = sealing.clone();
        let stream =
            tokio_util::io::ReaderStream::with_capacity(file.take(size), CHUNK).map(move |chunk| {
                let chunk = chunk?;
                if let Ok(mut s) = state.lock() {
                    s.0.update(&chunk);
                    s.1 += chunk.len() as u64;
                    progress(s.1);
                }
                let Some(seal) = &seal else {
                    return Ok(chunk);
                };
                let mut data = chunk.to_vec();
                match seal.lock().ok().as_deref_mut().and_then(Option::as_mut) {
                    Some(e) => e.update(&mut data),
                    None => return Err(std::io::Error::other("upload encryption state lost")),
                }
                Ok(Bytes::from(data))
            });
        // The tag, once the last chunk is encrypted (nothing when plain).
        let tag = futures::stream::once(async move {
            let finished = sealing
                .and_then(|s| s.lock().ok().and_then(|mut e| e.take()))
                .map(|e| e.finish().to_vec());
            Ok::<Bytes, std::io::Error>(Bytes::from(finished.unwrap_or_default()))
        });
        let stream = stream.chain(tag);
        let body_len = size + if encrypt.is_some() { TAG_LEN as u64 } else { 0 };
        let mut headers = HeaderMap::new();
        for (name, value) in &put.headers {
            // Only the headers XEP-0363 allows reach here (the parser checks).
            if let (Ok(n), Ok(v)) = (
                reqwest::header::HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(value),
            ) {
                headers.insert(n, v);
            }
        }
        if let Ok(v) = HeaderValue::from_str(media_type) {
            headers.insert(CONTENT_TYPE, v);
        }
        // An explicit length: no chunked encoding (servers check it
        // against the slot).
        headers.insert(CONTENT_LENGTH, HeaderValue::from(body_len));
        let response = self
            .client
            .put(url)
            .headers(headers)
            .body(reqwest::Body::wrap_stream(stream))
            .send()
            .await
            .map_err(network)?;
        let status = response.status();
        let (hash, sent) = match hasher.lock() {
            Ok(s) => (s.0.clone().finalize().into(), s.1),
            Err(_) => return Err(TransferError::Network("upload state lost".into())),
        };
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            return Err(TransferError::TooLarge { size, max: 0 });
        }
        if !status.is_success() {
            return Err(TransferError::Status(status));
        }
        if sent != size {
            return Err(TransferError::Changed { sent, size });
        }
        Ok(hash)
    }

    /// Asks for the size of the file at `url` (`HEAD`, the same trust and
    /// redirect rules as a download).
    pub async fn probe(&self, url: &str) -> Result<Probe, TransferError> {
        let url =
            Url::parse(url).map_err(|e| TransferError::Refused(format!("invalid URL: {e}")))?;
        self.policy.check(&url)?;
        let response = self.client.head(url).send().await.map_err(network)?;
        self.policy.check(response.url())?;
        if !response.status().is_success() {
            return Err(TransferError::Status(response.status()));
        }
        // The header itself: a HEAD answer has no body to measure.
        let size = response
            .headers()
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse().ok());
        Ok(Probe { size })
    }

    /// Downloads `fetch.url` into `fetch.dir`, under `fetch.name` or a
    /// free variant of it (` (1)`), through a temporary file.
    pub async fn download(
        &self,
        fetch: &Fetch,
        progress: OnProgress,
    ) -> Result<Downloaded, TransferError> {
        let url = Url::parse(&fetch.url)
            .map_err(|e| TransferError::Refused(format!("invalid URL: {e}")))?;
        self.policy.check(&url)?;
        let mut response = self.client.get(url).send().await.map_err(network)?;
        let plain_http = self.policy.check(response.url())?;
        if !response.status().is_success() {
            return Err(TransferError::Status(response.status()));
        }
        // The limit is the plain file's; an encrypted one carries its tag.
        let tag = if fetch.decrypt.is_some() {
            TAG_LEN as u64
        } else {
            0
        };
        let max_bytes = fetch.max_bytes.map(|m| m.saturating_add(tag));
        if let (Some(len), Some(max)) = (response.content_length(), max_bytes)
            && len > max
        {
            return Err(TransferError::TooLarge { size: len, max });
        }
        let write_err = |path: &Path| {
            let path = path.to_owned();
            move |source| TransferError::Write { path, source }
        };
        tokio::fs::create_dir_all(&fetch.dir)
            .await
            .map_err(write_err(&fetch.dir))?;
        let part = Partial::create(&fetch.dir).await?;
        let mut file = tokio::fs::OpenOptions::new()
            .write(true)
            .open(&part.path)
            .await
            .map_err(write_err(&part.path))?;
        let mut hasher = Sha256::new();
        let mut got = 0u64;
        let mut written = 0u64;
        let mut opening = fetch.decrypt.as_ref().map(MediaDecryptor::new);
        let mut plain = Vec::with_capacity(CHUNK);
        while let Some(chunk) = response.chunk().await.map_err(network)? {
            got += chunk.len() as u64;
            if let Some(max) = max_bytes
                && got > max
            {
                return Err(TransferError::TooLarge { size: got, max });
            }
            let data: &[u8] = match opening.as_mut() {
                Some(d) => {
                    plain.clear();
                    d.update(&chunk, &mut plain);
                    &plain
                }
                None => &chunk,
            };
            hasher.update(data);
            written += data.len() as u64;
            file.write_all(data).await.map_err(write_err(&part.path))?;
            progress(got);
        }
        // An encrypted file is kept only if its tag matches.
        if let Some(d) = opening {
            d.finish().map_err(|_| TransferError::Undecryptable)?;
        }
        file.flush().await.map_err(write_err(&part.path))?;
        file.sync_all().await.map_err(write_err(&part.path))?;
        drop(file);
        let sha256: [u8; 32] = hasher.finalize().into();
        if fetch.sha256.is_some_and(|want| want != sha256) {
            return Err(TransferError::HashMismatch);
        }
        let path = part.keep_as(&fetch.dir, &fetch.name)?;
        Ok(Downloaded {
            path,
            size: written,
            sha256,
            plain_http,
        })
    }
}

/// A download's temporary file; removed unless kept (also when the task
/// is aborted: the guard is dropped then).
pub(crate) struct Partial {
    pub(crate) path: PathBuf,
    kept: bool,
}

impl Partial {
    pub(crate) async fn create(dir: &Path) -> Result<Partial, TransferError> {
        let path = dir.join(format!(".plausch-{}.part", uuid::Uuid::new_v4()));
        tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .await
            .map_err(|source| TransferError::Write {
                path: path.clone(),
                source,
            })?;
        Ok(Partial { path, kept: false })
    }

    /// Moves the file to a free name in `dir`: the name is first taken with
    /// `create_new` (so no existing file is ever replaced), then the
    /// complete file is renamed over that empty placeholder.
    pub(crate) fn keep_as(mut self, dir: &Path, name: &str) -> Result<PathBuf, TransferError> {
        for _ in 0..100 {
            let target = names::unused_path(dir, name);
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&target)
            {
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(source) => {
                    return Err(TransferError::Write {
                        path: target,
                        source,
                    });
                }
            }
            return match std::fs::rename(&self.path, &target) {
                Ok(()) => {
                    self.kept = true;
                    Ok(target)
                }
                Err(source) => {
                    let _ = std::fs::remove_file(&target);
                    Err(TransferError::Write {
                        path: target,
                        source,
                    })
                }
            };
        }
        Err(TransferError::Write {
            path: dir.join(name),
            source: std::io::Error::other("no free file name"),
        })
    }
}

impl Drop for Partial {
    fn drop(&mut self) {
        if !self.kept {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A one-file HTTP server on loopback: a PUT stores the body, a GET
    /// serves it. Plain HTTP is allowed to the account's "own" host
    /// 127.0.0.1 here.
    async fn one_file_server() -> (String, Arc<Mutex<Vec<u8>>>) {
        use tokio::io::{AsyncBufReadExt, BufReader};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let stored = Arc::new(Mutex::new(Vec::new()));
        let file = stored.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let file = file.clone();
                tokio::spawn(async move {
                    let mut reader = BufReader::new(socket);
                    let mut head = String::new();
                    let mut len = 0usize;
                    loop {
                        let mut line = String::new();
                        if reader.read_line(&mut line).await.unwrap_or(0) == 0 {
                            return;
                        }
                        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                            len = v.trim().parse().unwrap_or(0);
                        }
                        if line == "\r\n" {
                            break;
                        }
                        head.push_str(&line);
                    }
                    let answer = if head.starts_with("PUT") {
                        let mut body = vec![0u8; len];
                        let _ = reader.read_exact(&mut body).await;
                        *file.lock().unwrap() = body;
                        b"HTTP/1.1 201 Created\r\ncontent-length: 0\r\n\r\n".to_vec()
                    } else {
                        let body = file.lock().unwrap().clone();
                        let mut a =
                            format!("HTTP/1.1 200 OK\r\ncontent-length: {}\r\n\r\n", body.len())
                                .into_bytes();
                        a.extend_from_slice(&body);
                        a
                    };
                    let _ = reader.get_mut().write_all(&answer).await;
                });
            }
        });
        (format!("http://{addr}/file"), stored)
    }

    fn loopback_http() -> Http {
        let tls = crate::account::tls::http_client_config(None, None).unwrap();
        Http::new(
            tls,
            Policy {
                own_domain: "127.0.0.1".into(),
            },
        )
        .unwrap()
    }

    /// XEP-0454 through the real transfer paths: what goes up is the
    /// ciphertext with its tag, what comes down is the plain file; a
    /// damaged file leaves nothing behind.
    #[tokio::test]
    async fn encrypted_files_go_up_encrypted_and_come_down_decrypted() {
        let dir = tempfile::tempdir().unwrap();
        let source = dir.path().join("report.pdf");
        let plain: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(&source, &plain).unwrap();
        let (url, stored) = one_file_server().await;
        let http = loopback_http();
        let key = MediaKey::generate(&mut rand_core::OsRng);
        let put = Put {
            url: url.clone(),
            headers: Vec::new(),
        };
        let hash = http
            .upload(
                &put,
                &source,
                plain.len() as u64,
                "application/pdf",
                Some(&key),
                Arc::new(|_| {}),
            )
            .await
            .unwrap();
        assert_eq!(
            hash,
            <[u8; 32]>::from(Sha256::digest(&plain)),
            "the plain file's hash"
        );
        let up = stored.lock().unwrap().clone();
        assert_eq!(up.len(), plain.len() + TAG_LEN);
        assert_ne!(
            &up[..plain.len()],
            plain.as_slice(),
            "no plain text on the server"
        );

        let into = dir.path().join("in");
        let fetch = Fetch {
            url,
            dir: into.clone(),
            name: "report.pdf".into(),
            max_bytes: Some(plain.len() as u64),
            sha256: None,
            decrypt: Some(key.clone()),
        };
        let done = http.download(&fetch, Arc::new(|_| {})).await.unwrap();
        assert_eq!(std::fs::read(&done.path).unwrap(), plain);
        assert_eq!(done.size, plain.len() as u64);

        // One byte changed on the server: refused, no file, no leftovers.
        stored.lock().unwrap()[1000] ^= 1;
        let damaged = http.download(&fetch, Arc::new(|_| {})).await;
        assert!(
            matches!(damaged, Err(TransferError::Undecryptable)),
            "{damaged:?}"
        );
        let names: Vec<_> = std::fs::read_dir(&into)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "only the first download: {names:?}");
    }

    #[test]
    fn plain_http_only_for_our_own_server() {
        let p = Policy {
            own_domain: "example.org".into(),
        };
        let check = |u: &str| {
            Url::parse(u)
                .map_err(|e| e.to_string())
                .and_then(|u| p.check(&u).map_err(|e| e.to_string()))
        };
        assert_eq!(check("https://cdn.other.net/f"), Ok(false));
        assert_eq!(check("http://example.org:5280/f"), Ok(true));
        assert_eq!(check("http://upload.Example.org/f"), Ok(true));
        assert!(check("http://evil.net/f").is_err());
        assert!(check("http://notexample.org/f").is_err());
        assert!(check("http://example.org.evil.net/f").is_err());
        assert!(check("file:///etc/passwd").is_err());
        assert!(check("ftp://example.org/f").is_err());
    }

    #[test]
    fn transient_errors_are_network_and_server_trouble() {
        assert!(TransferError::Network("reset".into()).is_transient());
        assert!(TransferError::Status(StatusCode::BAD_GATEWAY).is_transient());
        assert!(!TransferError::Status(StatusCode::FORBIDDEN).is_transient());
        assert!(!TransferError::HashMismatch.is_transient());
    }
}
