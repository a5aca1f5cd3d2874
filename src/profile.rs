//! The profile directory: `config.toml` plus one data directory per account.
//!
//! ```text
//! <root>/config.toml
//! <root>/accounts/<id>/history.sqlite
//! <root>/accounts/<id>/files/
//! <root>/accounts/<id>/avatars/
//! ```
//!
//! The root is `--profile DIR`, else `$PLAUSCH_PROFILE`, else the platform's
//! data directory (`~/.local/share/plausch` on Linux). Directories are created
//! private to the user (0700 on Unix).
use std::path::{Path, PathBuf};

use crate::config::validate_account_id;

/// Environment variable naming the profile directory.
pub const PROFILE_ENV: &str = "PLAUSCH_PROFILE";

#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error("no home directory found; start Plausch with --profile DIR")]
    NoHome,
    #[error("cannot create {path}: {source}")]
    Create {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("invalid account id: {0}")]
    InvalidId(String),
}

#[derive(Debug, Clone)]
pub struct Profile {
    root: PathBuf,
}

impl Profile {
    /// Find the profile directory (`--profile`, `$PLAUSCH_PROFILE`, platform
    /// data directory) and create it if needed.
    pub fn resolve(cli: Option<PathBuf>) -> Result<Profile, ProfileError> {
        let env = std::env::var_os(PROFILE_ENV)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from);
        let root = Self::choose_root(cli, env)?;
        let profile = Profile::at(root);
        profile.ensure()?;
        Ok(profile)
    }

    /// The root directory by precedence, without touching the file system.
    pub fn choose_root(
        cli: Option<PathBuf>,
        env: Option<PathBuf>,
    ) -> Result<PathBuf, ProfileError> {
        let root = match cli.or(env) {
            Some(p) => p,
            None => directories::ProjectDirs::from("org", "Plausch", "Plausch")
                .ok_or(ProfileError::NoHome)?
                .data_dir()
                .to_path_buf(),
        };
        // A relative --profile is relative to the start directory; pin it.
        Ok(std::path::absolute(&root).unwrap_or(root))
    }

    /// A profile at `root`; nothing is created.
    pub fn at(root: impl Into<PathBuf>) -> Profile {
        Profile { root: root.into() }
    }

    /// Create the root and `accounts/` directories if they are missing.
    pub fn ensure(&self) -> Result<(), ProfileError> {
        create_private_dir(&self.root.join("accounts"))
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn config_path(&self) -> PathBuf {
        self.root.join("config.toml")
    }

    pub fn accounts_dir(&self) -> PathBuf {
        self.root.join("accounts")
    }

    /// `<root>/accounts/<id>`. Callers pass validated ids (see
    /// [`validate_account_id`]); `create_account_dir` and
    /// `remove_account_dir` check again.
    pub fn account_dir(&self, id: &str) -> PathBuf {
        self.accounts_dir().join(id)
    }

    /// `<root>/accounts/<id>/history.sqlite`.
    pub fn history_path(&self, id: &str) -> PathBuf {
        self.account_dir(id).join("history.sqlite")
    }

    /// `<root>/accounts/<id>/files`.
    pub fn files_dir(&self, id: &str) -> PathBuf {
        self.account_dir(id).join(FILES_DIR)
    }

    /// `<root>/accounts/<id>/avatars`.
    pub fn avatars_dir(&self, id: &str) -> PathBuf {
        self.account_dir(id).join(AVATARS_DIR)
    }

    /// Create the account's data directory (and `files/`, `avatars/`).
    pub fn create_account_dir(&self, id: &str) -> Result<PathBuf, ProfileError> {
        validate_account_id(id).map_err(|e| ProfileError::InvalidId(e.to_string()))?;
        let p = self.account_dir(id);
        create_data_dirs(&p)?;
        Ok(p)
    }

    /// Delete the account's data directory with everything in it. A missing
    /// directory is fine; an invalid id is refused (`InvalidInput`).
    pub fn remove_account_dir(&self, id: &str) -> std::io::Result<()> {
        validate_account_id(id)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
        match std::fs::remove_dir_all(self.account_dir(id)) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            r => r,
        }
    }
}

/// Creates an account's data directory `dir` with `files/` and `avatars/`
/// (see [`Profile::account_dir`]): done by the account actor as it starts,
/// off the GUI's thread.
pub fn create_data_dirs(dir: &Path) -> Result<(), ProfileError> {
    create_private_dir(&dir.join(FILES_DIR))?;
    create_private_dir(&dir.join(AVATARS_DIR))
}

/// In an account's directory: received files (unless `download_dir` is set).
pub const FILES_DIR: &str = "files";

/// In an account's directory: avatar thumbnails, named by their SHA-1.
pub const AVATARS_DIR: &str = "avatars";

/// `mkdir -p` with mode 0700 on Unix for every directory it creates.
fn create_private_dir(path: &Path) -> Result<(), ProfileError> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(path).map_err(|source| ProfileError::Create {
        path: path.to_owned(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_precedence() {
        let cli = Some(PathBuf::from("/p/cli"));
        let env = Some(PathBuf::from("/p/env"));
        assert_eq!(
            Profile::choose_root(cli.clone(), env.clone()).unwrap(),
            PathBuf::from("/p/cli")
        );
        assert_eq!(
            Profile::choose_root(None, env).unwrap(),
            PathBuf::from("/p/env")
        );
        // Falls back to the platform data dir (when there is a home).
        if let Some(dirs) = directories::ProjectDirs::from("org", "Plausch", "Plausch") {
            assert_eq!(Profile::choose_root(None, None).unwrap(), dirs.data_dir());
        }
        // Relative paths are made absolute.
        assert!(
            Profile::choose_root(Some("rel".into()), None)
                .unwrap()
                .is_absolute()
        );
    }

    #[test]
    fn layout_and_account_dirs() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path().join("profile");
        let p = Profile::resolve(Some(root.clone())).unwrap();
        assert_eq!(p.root(), root);
        assert_eq!(p.config_path(), root.join("config.toml"));
        assert!(root.join("accounts").is_dir());

        let dir = p.create_account_dir("work").unwrap();
        assert_eq!(dir, root.join("accounts").join("work"));
        assert_eq!(p.history_path("work"), dir.join("history.sqlite"));
        assert!(p.files_dir("work").is_dir());
        assert!(p.avatars_dir("work").is_dir());
        std::fs::write(p.files_dir("work").join("x"), b"x").unwrap();

        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            for dir in [
                root.clone(),
                root.join("accounts"),
                dir.clone(),
                p.files_dir("work"),
            ] {
                let mode = std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
                assert_eq!(mode, 0o700, "{}", dir.display());
            }
        }

        p.remove_account_dir("work").unwrap();
        assert!(!dir.exists());
        p.remove_account_dir("work").unwrap(); // missing is fine
        assert!(root.join("accounts").is_dir());
    }

    #[test]
    fn invalid_ids_are_refused() {
        let d = tempfile::tempdir().unwrap();
        let p = Profile::at(d.path().join("accounts-test"));
        std::fs::create_dir_all(d.path().join("accounts-test")).unwrap();
        std::fs::write(d.path().join("keep"), b"x").unwrap();
        for id in ["", "..", "../..", "a/b", "Work", "/abs"] {
            assert!(matches!(
                p.create_account_dir(id),
                Err(ProfileError::InvalidId(_))
            ));
            let e = p.remove_account_dir(id).unwrap_err();
            assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput);
        }
        assert!(d.path().join("keep").exists());
    }
}
