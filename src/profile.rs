//! The profile directory: `config.toml` plus one data directory per account. (skeleton)
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error("no home directory found; start Plausch with --profile DIR")]
    NoHome,
    #[error("cannot create {path}: {source}")]
    Create { path: PathBuf, source: std::io::Error },
}

#[derive(Debug, Clone)]
pub struct Profile {
    root: PathBuf,
}

impl Profile {
    pub fn resolve(cli: Option<PathBuf>) -> Result<Profile, ProfileError> {
        let root = cli.ok_or(ProfileError::NoHome)?;
        Ok(Profile { root })
    }
    pub fn at(root: impl Into<PathBuf>) -> Profile {
        Profile { root: root.into() }
    }
    pub fn root(&self) -> &Path {
        &self.root
    }
    pub fn config_path(&self) -> PathBuf {
        self.root.join("config.toml")
    }
    pub fn account_dir(&self, id: &str) -> PathBuf {
        self.root.join("accounts").join(id)
    }
    pub fn create_account_dir(&self, id: &str) -> Result<PathBuf, ProfileError> {
        let p = self.account_dir(id);
        std::fs::create_dir_all(&p).map_err(|source| ProfileError::Create {
            path: p.clone(),
            source,
        })?;
        Ok(p)
    }
    pub fn remove_account_dir(&self, id: &str) -> std::io::Result<()> {
        let p = self.account_dir(id);
        if p.exists() {
            std::fs::remove_dir_all(p)?;
        }
        Ok(())
    }
}
