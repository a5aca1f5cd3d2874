//! Entry points for `benches/open_conversation.rs` (not a public API): the
//! real app state and view, with a conversation opened from a store the
//! way the account actor would answer it.

use iced::Element;
use tokio::sync::mpsc;

use super::actor::ActorOutput;
use super::model::PAGE;
use super::{App, Message};
use crate::accounts::ToAccount;
use crate::api::Event;
use crate::config::{AccountConfig, AccountEntry, Config};
use crate::profile::Profile;
use crate::store::{Store, StoreError};

/// The GUI with one account and no actor.
pub struct OpenConversation {
    app: App,
    account: String,
    _commands: mpsc::UnboundedReceiver<ToAccount>,
}

impl OpenConversation {
    pub fn new(profile: Profile, account: AccountConfig) -> Self {
        let id = account.id.clone();
        let config = Config {
            accounts: vec![AccountEntry::Ok(account)],
            ..Config::default()
        };
        let mut app = App::new(profile, config, None);
        app.connect = false;
        let (tx, rx) = mpsc::unbounded_channel();
        let _ = app.update(Message::Actor(ActorOutput::Ready(id.clone(), tx)));
        OpenConversation {
            app,
            account: id,
            _commands: rx,
        }
    }

    /// Opens the conversation with `with`: the click, the first page read
    /// from `store` and applied (what the actor's answer does).
    pub fn open(&mut self, store: &Store, with: &str) -> Result<usize, StoreError> {
        // Start from a closed conversation each time.
        self.app.chat = None;
        let _ = self
            .app
            .update(Message::OpenChat(self.account.clone(), with.to_owned()));
        let messages = store.history(with, PAGE, None)?;
        let n = messages.len();
        let event = Event::History {
            account: self.account.clone(),
            with: with.to_owned(),
            messages,
            complete: false,
        };
        let _ = self.app.update(Message::Actor(ActorOutput::Event(
            self.account.clone(),
            Box::new(event),
        )));
        Ok(n)
    }

    pub fn view(&self) -> Element<'_, Message> {
        self.app.view()
    }
}
