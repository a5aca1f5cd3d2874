//! Per-account message store (SQLite). (skeleton; being implemented)
use std::path::Path;

use chrono::{DateTime, Utc};

use crate::api::{Contact, ConversationSummary, Direction, MessageRecord, MessageState};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("message store error: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

/// A message to store. See `Store::insert_message` for the dedup rules.
#[derive(Debug, Clone)]
pub struct NewMessage<'a> {
    pub id: &'a str,
    pub with: &'a str,
    pub direction: Direction,
    pub sender: &'a str,
    pub body: &'a str,
    pub timestamp: DateTime<Utc>,
    pub state: MessageState,
    pub server_id: Option<&'a str>,
    pub origin_id: Option<&'a str>,
}

pub struct Store {
    _conn: rusqlite::Connection,
}

impl Store {
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        Ok(Store {
            _conn: rusqlite::Connection::open(path)?,
        })
    }
    pub fn open_in_memory() -> Result<Self, StoreError> {
        Ok(Store {
            _conn: rusqlite::Connection::open_in_memory()?,
        })
    }
    pub fn insert_message(&mut self, _m: &NewMessage) -> Result<Option<MessageRecord>, StoreError> {
        Ok(None)
    }
    pub fn set_state(
        &mut self,
        _id: &str,
        _state: MessageState,
        _error: Option<&str>,
    ) -> Result<Option<MessageRecord>, StoreError> {
        Ok(None)
    }
    pub fn set_server_id(&mut self, _id: &str, _server_id: &str) -> Result<(), StoreError> {
        Ok(())
    }
    pub fn message(&self, _id: &str) -> Result<Option<MessageRecord>, StoreError> {
        Ok(None)
    }
    pub fn history(
        &self,
        _with: &str,
        _limit: u32,
        _before: Option<i64>,
    ) -> Result<Vec<MessageRecord>, StoreError> {
        Ok(vec![])
    }
    pub fn outbox(&self) -> Result<Vec<MessageRecord>, StoreError> {
        Ok(vec![])
    }
    pub fn conversations(&self) -> Result<Vec<ConversationSummary>, StoreError> {
        Ok(vec![])
    }
    pub fn mark_read(&mut self, _with: &str) -> Result<u32, StoreError> {
        Ok(0)
    }
    pub fn replace_roster(&mut self, _contacts: &[Contact], _version: Option<&str>) -> Result<(), StoreError> {
        Ok(())
    }
    pub fn upsert_contact(&mut self, _c: &Contact) -> Result<(), StoreError> {
        Ok(())
    }
    pub fn remove_contact(&mut self, _jid: &str) -> Result<(), StoreError> {
        Ok(())
    }
    pub fn contacts(&self) -> Result<Vec<Contact>, StoreError> {
        Ok(vec![])
    }
    pub fn roster_version(&self) -> Result<Option<String>, StoreError> {
        Ok(None)
    }
}
