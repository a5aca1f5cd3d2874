//! An export written to a file: from a read-only connection to the
//! account's store (so the account keeps storing meanwhile), through a
//! temporary file beside the target that only a complete export replaces.

use std::io::BufWriter;
use std::path::{Path, PathBuf};

use super::Exporter;
use crate::api::ExportFormat;
use crate::store::{Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Writes the export of `with` (or every conversation) into `target`
/// through a temporary file beside it: the messages and bytes written.
pub fn write_file(
    db: &Path,
    target: &Path,
    with: Option<&str>,
    format: ExportFormat,
    own: &str,
) -> Result<(u64, u64), ExportError> {
    let store = Store::open_read_only(db)?;
    let jids = match with {
        Some(w) => vec![(
            w.to_owned(),
            store
                .conversation_jids()?
                .iter()
                .any(|(j, room)| j == w && *room),
        )],
        None => store.conversation_jids()?,
    };
    let part = target.with_extension("part");
    let write_err = |path: &Path| {
        let path = path.to_owned();
        move |source| ExportError::Write { path, source }
    };
    let file = std::fs::File::create(&part).map_err(write_err(&part))?;
    let title = with.unwrap_or(own);
    let result = (|| {
        let mut out =
            Exporter::new(BufWriter::new(file), format, own, title).map_err(write_err(&part))?;
        for (jid, room) in &jids {
            out.conversation(jid, *room).map_err(write_err(&part))?;
            store.each_message(jid, |m| out.message(&m).map_err(write_err(&part)))?;
        }
        let messages = out.messages;
        out.finish()
            .map_err(write_err(&part))?
            .into_inner()
            .map_err(|e| write_err(&part)(e.into_error()))?
            .sync_all()
            .map_err(write_err(&part))?;
        Ok(messages)
    })();
    let messages = match result {
        Ok(m) => m,
        Err(e) => {
            let _ = std::fs::remove_file(&part);
            return Err(e);
        }
    };
    std::fs::rename(&part, target).map_err(write_err(target))?;
    let bytes = std::fs::metadata(target).map(|m| m.len()).unwrap_or(0);
    Ok((messages, bytes))
}
