//! Backup and restore of a whole profile: one archive file (tar) with the
//! config, every account's store (a consistent copy made with SQLite's
//! online backup while the accounts keep writing: messages, settings,
//! OMEMO identities and trust), avatars, previews and, if asked, the
//! received files. Never a password: those stay in the keyring (or come
//! from a password command), and the archive says which accounts need
//! theirs again.
//!
//! The manifest (`plausch-backup.json`, the last entry) lists every entry
//! with its size and SHA-256. A restore unpacks into a folder beside the
//! target, checks every entry against it (a damaged or foreign archive is
//! refused and nothing is changed), checks each store, and only then puts
//! the folder in place, refusing to replace an existing profile unless
//! asked.

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::config::{AccountEntry, Config, PasswordSource};
use crate::profile::Profile;

/// The manifest's name in the archive.
const MANIFEST: &str = "plausch-backup.json";
/// The archive layout this version writes and reads.
const FORMAT: u32 = 1;
/// The stores' file name (copied consistently, never as they lie on disk).
const STORE: &str = "history.sqlite";

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: io::Error },
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: io::Error },
    #[error("cannot copy the message store of {account}: {source}")]
    Store {
        account: String,
        source: rusqlite::Error,
    },
    #[error("{0} exists and is not empty; restore into a new folder, or replace it on purpose")]
    Exists(PathBuf),
    #[error("not a Plausch backup, or damaged: {0}")]
    Damaged(String),
    #[error("this backup was made by a newer Plausch (format {0})")]
    Newer(u32),
}

#[derive(Debug, Serialize, Deserialize)]
struct Manifest {
    format: u32,
    /// The Plausch version that wrote it.
    app: String,
    created: chrono::DateTime<chrono::Utc>,
    include_files: bool,
    accounts: Vec<AccountNote>,
    entries: Vec<EntryNote>,
}

/// What a restore must tell about an account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountNote {
    pub id: String,
    pub jid: String,
    /// Its password was in the keyring: it is not in the backup and must
    /// be entered again (a password command is part of the config).
    pub needs_password: bool,
}

#[derive(Debug, Serialize, Deserialize)]
struct EntryNote {
    path: String,
    size: u64,
    sha256: String,
}

/// What a backup wrote.
#[derive(Debug)]
pub struct Written {
    pub bytes: u64,
    /// The accounts, as the manifest names them.
    pub accounts: Vec<AccountNote>,
}

/// Writes a backup of `profile` to `target` (through a temporary file
/// beside it).
pub fn write(
    profile: &Profile,
    target: &Path,
    include_files: bool,
) -> Result<Written, BackupError> {
    let config = Config::load(&profile.config_path()).unwrap_or_default();
    let part = target.with_extension("part");
    let accounts = match write_archive(profile, &config, &part, include_files) {
        Ok(a) => a,
        Err(e) => {
            let _ = std::fs::remove_file(&part);
            return Err(e);
        }
    };
    std::fs::rename(&part, target).map_err(write_err(target))?;
    let bytes = std::fs::metadata(target)
        .map(|m| m.len())
        .map_err(read_err(target))?;
    Ok(Written { bytes, accounts })
}

fn write_archive(
    profile: &Profile,
    config: &Config,
    part: &Path,
    include_files: bool,
) -> Result<Vec<AccountNote>, BackupError> {
    let file = File::create(part).map_err(write_err(part))?;
    let mut tar = tar::Builder::new(BufWriter::new(file));
    let mut entries = Vec::new();
    let config_path = profile.config_path();
    if config_path.exists() {
        add_file(&mut tar, &mut entries, &config_path, "config.toml", part)?;
    }
    let mut accounts = Vec::new();
    for entry in &config.accounts {
        let AccountEntry::Ok(a) = entry else {
            continue;
        };
        accounts.push(AccountNote {
            id: a.id.clone(),
            jid: a.jid.clone(),
            needs_password: a.password == PasswordSource::Keyring,
        });
    }
    // Every account folder: the store copied consistently, the rest as it is.
    let accounts_dir = profile.accounts_dir();
    let snapshot_dir = tempfile::Builder::new()
        .prefix("plausch-backup-")
        .tempdir()
        .map_err(write_err(&std::env::temp_dir()))?;
    for dir in list(&accounts_dir)? {
        let Some(id) = dir.file_name().and_then(|n| n.to_str()).map(str::to_owned) else {
            continue;
        };
        if !dir.is_dir() {
            continue;
        }
        let store = dir.join(STORE);
        if store.exists() {
            let copy = snapshot_dir.path().join(format!("{id}.sqlite"));
            snapshot(&store, &copy).map_err(|source| BackupError::Store {
                account: id.clone(),
                source,
            })?;
            let name = format!("accounts/{id}/{STORE}");
            add_file(&mut tar, &mut entries, &copy, &name, part)?;
            let _ = std::fs::remove_file(&copy);
        }
        let mut stack = vec![dir.clone()];
        while let Some(d) = stack.pop() {
            for path in list(&d)? {
                let rel = path
                    .strip_prefix(profile.root())
                    .map_err(|_| BackupError::Damaged("a path outside the profile".into()))?;
                let name = rel.to_string_lossy().replace('\\', "/");
                let file_name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
                if path.is_dir() {
                    let received = d == dir && file_name == crate::profile::FILES_DIR;
                    if include_files || !received {
                        stack.push(path);
                    }
                } else if d == dir && file_name.starts_with(STORE) {
                    // The store and its WAL: the snapshot above has them.
                } else if !file_name.starts_with(".plausch-") {
                    // (Partial downloads are not worth keeping.)
                    add_file(&mut tar, &mut entries, &path, &name, part)?;
                }
            }
        }
    }
    let manifest = Manifest {
        format: FORMAT,
        app: env!("CARGO_PKG_VERSION").to_owned(),
        created: chrono::Utc::now(),
        include_files,
        accounts: accounts.clone(),
        entries,
    };
    let bytes =
        serde_json::to_vec_pretty(&manifest).map_err(|e| write_err(part)(io::Error::other(e)))?;
    let mut header = tar::Header::new_gnu();
    header.set_size(bytes.len() as u64);
    header.set_mode(0o600);
    header.set_cksum();
    tar.append_data(&mut header, MANIFEST, bytes.as_slice())
        .map_err(write_err(part))?;
    let out = tar.into_inner().map_err(write_err(part))?;
    let file = out
        .into_inner()
        .map_err(|e| write_err(part)(e.into_error()))?;
    file.sync_all().map_err(write_err(part))?;
    Ok(accounts)
}

/// A consistent copy of the store at `from` (SQLite's online backup: the
/// account may write meanwhile).
fn snapshot(from: &Path, to: &Path) -> rusqlite::Result<()> {
    let source = rusqlite::Connection::open_with_flags(
        from,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    source.busy_timeout(std::time::Duration::from_secs(10))?;
    source.backup(rusqlite::MAIN_DB, to, None)
}

fn add_file<W: Write>(
    tar: &mut tar::Builder<W>,
    entries: &mut Vec<EntryNote>,
    path: &Path,
    name: &str,
    part: &Path,
) -> Result<(), BackupError> {
    let file = File::open(path).map_err(read_err(path))?;
    let size = file.metadata().map_err(read_err(path))?.len();
    let mut hashing = Hashing {
        inner: file.take(size),
        hasher: Sha256::new(),
    };
    let mut header = tar::Header::new_gnu();
    header.set_size(size);
    header.set_mode(0o600);
    header.set_cksum();
    tar.append_data(&mut header, name, &mut hashing)
        .map_err(write_err(part))?;
    entries.push(EntryNote {
        path: name.to_owned(),
        size,
        sha256: hex(&hashing.hasher.finalize()),
    });
    Ok(())
}

/// What a restore did.
#[derive(Debug)]
pub struct Restored {
    pub accounts: Vec<AccountNote>,
    pub messages_stores: usize,
}

/// Restores the backup `archive` as the profile `dir`. An existing,
/// non-empty `dir` is replaced only if `replace`; the old one is removed
/// only once the new one is in place.
pub fn restore(archive: &Path, dir: &Path, replace: bool) -> Result<Restored, BackupError> {
    let occupied = std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_some());
    if occupied && !replace {
        return Err(BackupError::Exists(dir.to_path_buf()));
    }
    let parent = dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(write_err(parent))?;
    let staging = tempfile::Builder::new()
        .prefix(".plausch-restore-")
        .tempdir_in(parent)
        .map_err(write_err(parent))?;
    let (manifest, stores) = unpack(archive, staging.path())?;
    let staged = staging.keep();
    if occupied {
        let aside = parent.join(format!(".plausch-replaced-{}", uuid::Uuid::new_v4()));
        std::fs::rename(dir, &aside).map_err(write_err(dir))?;
        if let Err(e) = std::fs::rename(&staged, dir) {
            let _ = std::fs::rename(&aside, dir);
            let _ = std::fs::remove_dir_all(&staged);
            return Err(write_err(dir)(e));
        }
        let _ = std::fs::remove_dir_all(&aside);
    } else {
        let _ = std::fs::remove_dir(dir);
        if let Err(e) = std::fs::rename(&staged, dir) {
            let _ = std::fs::remove_dir_all(&staged);
            return Err(write_err(dir)(e));
        }
    }
    Ok(Restored {
        accounts: manifest.accounts,
        messages_stores: stores,
    })
}

/// Unpacks `archive` into `into`, checking every entry against the
/// manifest and every store's integrity: the manifest and the number of
/// stores.
fn unpack(archive: &Path, into: &Path) -> Result<(Manifest, usize), BackupError> {
    let damaged = |what: String| BackupError::Damaged(what);
    let file = File::open(archive).map_err(read_err(archive))?;
    let mut tar = tar::Archive::new(io::BufReader::new(file));
    let mut seen: Vec<(String, u64, String)> = Vec::new();
    let mut manifest: Option<Manifest> = None;
    let entries = tar.entries().map_err(|e| damaged(e.to_string()))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| damaged(e.to_string()))?;
        let name = entry
            .path()
            .map_err(|e| damaged(e.to_string()))?
            .to_string_lossy()
            .into_owned();
        if name == MANIFEST {
            if entry.size() > 16 * 1024 * 1024 {
                return Err(damaged("the manifest is too large".into()));
            }
            let mut text = Vec::new();
            entry
                .read_to_end(&mut text)
                .map_err(|e| damaged(e.to_string()))?;
            let m: Manifest = serde_json::from_slice(&text)
                .map_err(|e| damaged(format!("the manifest is unreadable: {e}")))?;
            if m.format > FORMAT {
                return Err(BackupError::Newer(m.format));
            }
            manifest = Some(m);
            continue;
        }
        let rel = safe_path(&name).ok_or_else(|| damaged(format!("a bad path {name:?}")))?;
        let target = into.join(&rel);
        if let Some(p) = target.parent() {
            std::fs::create_dir_all(p).map_err(write_err(p))?;
        }
        let mut out = File::create(&target).map_err(write_err(&target))?;
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 256 * 1024];
        let mut size = 0u64;
        loop {
            let n = entry
                .read(&mut buf)
                .map_err(|e| damaged(format!("{name}: {e}")))?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
            out.write_all(&buf[..n]).map_err(write_err(&target))?;
            size += n as u64;
        }
        out.sync_all().map_err(write_err(&target))?;
        seen.push((name, size, hex(&hasher.finalize())));
    }
    let manifest = manifest.ok_or_else(|| damaged("no manifest: not a Plausch backup".into()))?;
    if manifest.entries.len() != seen.len() {
        return Err(damaged(format!(
            "{} files listed, {} found",
            manifest.entries.len(),
            seen.len()
        )));
    }
    for (note, (name, size, sha)) in manifest.entries.iter().zip(&seen) {
        if note.path != *name || note.size != *size || note.sha256 != *sha {
            return Err(damaged(format!("{name} does not match the manifest")));
        }
    }
    let mut stores = 0;
    for (name, _, _) in &seen {
        if name.ends_with(&format!("/{STORE}")) {
            let path = into.join(safe_path(name).unwrap_or_default());
            check_store(&path).map_err(|e| damaged(format!("{name}: {e}")))?;
            stores += 1;
        }
    }
    Ok((manifest, stores))
}

/// A relative path of plain components only (no `..`, no root, no drive).
fn safe_path(name: &str) -> Option<PathBuf> {
    let path = Path::new(name);
    let plain = path.components().all(|c| matches!(c, Component::Normal(_)));
    (plain && !name.is_empty()).then(|| path.to_path_buf())
}

fn check_store(path: &Path) -> Result<(), String> {
    let conn =
        rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(|e| e.to_string())?;
    let verdict: String = conn
        .query_row("PRAGMA quick_check", [], |r| r.get(0))
        .map_err(|e| e.to_string())?;
    if verdict == "ok" {
        Ok(())
    } else {
        Err(verdict)
    }
}

fn list(dir: &Path) -> Result<Vec<PathBuf>, BackupError> {
    match std::fs::read_dir(dir) {
        Ok(d) => {
            let mut paths: Vec<PathBuf> = d.filter_map(Result::ok).map(|e| e.path()).collect();
            paths.sort();
            Ok(paths)
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(read_err(dir)(e)),
    }
}

struct Hashing<R> {
    inner: R,
    hasher: Sha256,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn read_err(path: &Path) -> impl FnOnce(io::Error) -> BackupError {
    let path = path.to_path_buf();
    move |source| BackupError::Read { path, source }
}

fn write_err(path: &Path) -> impl FnOnce(io::Error) -> BackupError {
    let path = path.to_path_buf();
    move |source| BackupError::Write { path, source }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_must_stay_inside() {
        assert!(safe_path("accounts/a/history.sqlite").is_some());
        for bad in ["../x", "/etc/passwd", "a/../../x", ""] {
            assert!(safe_path(bad).is_none(), "{bad}");
        }
    }
}
