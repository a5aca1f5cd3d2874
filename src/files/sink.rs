//! A received file written to disk as its bytes come (direct transfers,
//! XEP-0234, over whichever transport): into a temporary file in the
//! download folder, hashed on the way, kept under a safe free name only
//! when every offered byte came and the hash matches. Dropped early (a
//! cancel, a failure, an aborted task) it leaves nothing behind.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use super::transfer::{Downloaded, OnProgress, Partial, TransferError};

/// What the file must turn out to be.
#[derive(Debug, Clone)]
pub struct Expected {
    /// The download folder and the (already sanitized) name.
    pub dir: PathBuf,
    pub name: String,
    pub size: u64,
    pub sha256: Option<[u8; 32]>,
}

pub struct FileSink {
    expected: Expected,
    part: Partial,
    file: tokio::io::BufWriter<tokio::fs::File>,
    hasher: Sha256,
    written: u64,
    progress: OnProgress,
}

impl FileSink {
    pub async fn create(expected: Expected, progress: OnProgress) -> Result<Self, TransferError> {
        let write_err = |path: &Path| {
            let path = path.to_owned();
            move |source| TransferError::Write { path, source }
        };
        tokio::fs::create_dir_all(&expected.dir)
            .await
            .map_err(write_err(&expected.dir))?;
        let part = Partial::create(&expected.dir).await?;
        let file = tokio::fs::OpenOptions::new()
            .write(true)
            .open(&part.path)
            .await
            .map_err(write_err(&part.path))?;
        Ok(FileSink {
            expected,
            part,
            file: tokio::io::BufWriter::with_capacity(256 * 1024, file),
            hasher: Sha256::new(),
            written: 0,
            progress,
        })
    }

    /// Appends `bytes`; refused beyond the offered size.
    pub async fn write(&mut self, bytes: &[u8]) -> Result<(), TransferError> {
        let written = self.written + bytes.len() as u64;
        if written > self.expected.size {
            return Err(TransferError::TooLarge {
                size: written,
                max: self.expected.size,
            });
        }
        self.hasher.update(bytes);
        self.file
            .write_all(bytes)
            .await
            .map_err(|source| TransferError::Write {
                path: self.part.path.clone(),
                source,
            })?;
        self.written = written;
        (self.progress)(written);
        Ok(())
    }

    /// How many more bytes the file needs.
    pub fn missing(&self) -> u64 {
        self.expected.size - self.written
    }

    /// Every byte came: checked, then kept under a free name.
    pub async fn finish(mut self) -> Result<Downloaded, TransferError> {
        if self.written != self.expected.size {
            return Err(TransferError::Network(format!(
                "the transfer ended after {} of {} bytes",
                self.written, self.expected.size
            )));
        }
        let write_err = |path: &Path| {
            let path = path.to_owned();
            move |source| TransferError::Write { path, source }
        };
        self.file
            .flush()
            .await
            .map_err(write_err(&self.part.path))?;
        self.file
            .get_ref()
            .sync_all()
            .await
            .map_err(write_err(&self.part.path))?;
        let sha256: [u8; 32] = self.hasher.finalize().into();
        if self.expected.sha256.is_some_and(|want| want != sha256) {
            return Err(TransferError::HashMismatch);
        }
        drop(self.file);
        let path = self.part.keep_as(&self.expected.dir, &self.expected.name)?;
        Ok(Downloaded {
            path,
            size: self.written,
            sha256,
            plain_http: false,
        })
    }
}

/// The SHA-256 of the file at `path`, read in chunks off the async
/// threads (an offer carries it; XEP-0234 §8).
pub async fn sha256_of(path: PathBuf) -> Result<[u8; 32], TransferError> {
    let read_err = |path: PathBuf| move |source| TransferError::Read { path, source };
    tokio::task::spawn_blocking(move || {
        use std::io::Read;
        let mut file = std::fs::File::open(&path).map_err(read_err(path.clone()))?;
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 256 * 1024];
        loop {
            let n = file.read(&mut buf).map_err(read_err(path.clone()))?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
        }
        Ok(hasher.finalize().into())
    })
    .await
    .map_err(|e| TransferError::Network(format!("hashing stopped: {e}")))?
}

/// Free space where `dir` is (or its nearest existing parent), if the
/// system says.
pub fn available_space(dir: &Path) -> Option<u64> {
    let existing = dir.ancestors().find(|d| d.exists())?;
    fs4::available_space(existing).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn expected(dir: &Path, data: &[u8], sha: bool) -> Expected {
        Expected {
            dir: dir.to_owned(),
            name: "report.pdf".into(),
            size: data.len() as u64,
            sha256: sha.then(|| Sha256::digest(data).into()),
        }
    }

    fn dir() -> PathBuf {
        let d = std::env::temp_dir().join(format!("plausch-sink-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&d).unwrap_or_else(|e| panic!("{e}"));
        d
    }

    fn entries(d: &Path) -> usize {
        std::fs::read_dir(d).map(|r| r.count()).unwrap_or(0)
    }

    #[tokio::test]
    async fn a_complete_file_is_kept_and_a_damaged_one_is_not() {
        let d = dir();
        let data: Vec<u8> = (0..300_000u32).map(|i| (i % 253) as u8).collect();
        let mut sink = FileSink::create(expected(&d, &data, true), Arc::new(|_| {}))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        for c in data.chunks(4096) {
            sink.write(c).await.unwrap_or_else(|e| panic!("{e}"));
        }
        assert_eq!(sink.missing(), 0);
        let done = sink.finish().await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(std::fs::read(&done.path).ok(), Some(data.clone()));
        assert_eq!(
            done.path.file_name().and_then(|n| n.to_str()),
            Some("report.pdf")
        );

        // One byte changed: discarded, nothing left but the first file.
        let mut sink = FileSink::create(expected(&d, &data, true), Arc::new(|_| {}))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let mut bad = data.clone();
        bad[1000] ^= 1;
        sink.write(&bad).await.unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(
            sink.finish().await,
            Err(TransferError::HashMismatch)
        ));
        assert_eq!(entries(&d), 1);

        // Too much, or too little: refused, nothing left.
        let mut sink = FileSink::create(expected(&d, &data, false), Arc::new(|_| {}))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        sink.write(&data).await.unwrap_or_else(|e| panic!("{e}"));
        assert!(sink.write(&[0]).await.is_err());
        drop(sink);
        let sink = FileSink::create(expected(&d, &data, false), Arc::new(|_| {}))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(sink.finish().await.is_err());
        assert_eq!(entries(&d), 1);
        let hash = sha256_of(done.path.clone())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(hash, <[u8; 32]>::from(Sha256::digest(&data)));
        assert!(available_space(&d.join("not/yet")).is_some_and(|s| s > 0));
        let _ = std::fs::remove_dir_all(&d);
    }
}
