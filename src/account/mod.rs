//! The account actor: one tokio task per account. (skeleton)
use std::path::PathBuf;

use tokio::sync::mpsc;

use crate::api::Event;
use crate::config::AccountConfig;

/// A request to one account actor.
#[derive(Debug, Clone, PartialEq)]
pub enum AccountCommand {
    Send {
        to: String,
        body: String,
        reference: Option<String>,
    },
    History {
        with: String,
        limit: u32,
        before: Option<i64>,
    },
    Roster,
    Conversations,
    MarkRead {
        with: String,
    },
    Reconnect,
    /// Close the connection cleanly and end the task.
    Shutdown,
}

/// Start the actor for `config`, storing under `data_dir`; events go to `events`.
/// Must be called inside a tokio runtime.
pub fn spawn(
    config: AccountConfig,
    data_dir: PathBuf,
    events: mpsc::UnboundedSender<Event>,
) -> mpsc::UnboundedSender<AccountCommand> {
    let (tx, _rx) = mpsc::unbounded_channel();
    let _ = (config, data_dir, events);
    tx
}
