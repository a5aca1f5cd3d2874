//! GUI logic tests: the real [`App::view`] is rendered headless by
//! `iced_test`'s simulator, clicks and key presses become [`Message`]s, and
//! those go through the real `update`. No network: the account actors are
//! replaced by channels whose commands the tests read.
//!
//! Interactive widgets are found by their stable ids ([`ids`]); texts are
//! compared with `fl!` strings, so the tests do not depend on the language.
//! No snapshots are taken.

mod add_account;
mod composer;
mod connection;
mod devices;
mod events;
mod files;
mod history;
mod people;
mod rooms;
mod search;
mod settings;
mod sidebar;
mod signals;

use std::collections::HashMap;

use iced::keyboard;
use iced_test::Simulator;
use iced_test::selector::{self, Candidate};
use tokio::sync::mpsc;

use super::actor::ActorOutput;
use super::{App, Message};
use crate::accounts::ToAccount;
use crate::api::AccountRequest;
use crate::api::{
    AccountId, Availability, CertInfo, CertRefusal, ConnState, Contact, ConversationSummary, Event,
    MessageRecord,
};
use crate::config::{AccountConfig, AccountEntry, Config, PasswordSource};
use crate::profile::Profile;

/// The window size the GUI opens with.
const SIZE: (f32, f32) = (1100.0, 720.0);

/// An [`App`] without account actors: each account gets a command channel
/// (as if its actor had started), whose commands the test can inspect.
struct Harness {
    app: App,
    commands: HashMap<AccountId, mpsc::UnboundedReceiver<ToAccount>>,
    _dir: tempfile::TempDir,
}

fn account(id: &str, jid: &str, label: Option<&str>) -> AccountConfig {
    AccountConfig {
        label: label.map(Into::into),
        ..AccountConfig::new(id, jid, PasswordSource::Command("true".into()))
    }
}

fn contact(jid: &str, name: Option<&str>) -> Contact {
    Contact {
        jid: jid.into(),
        name: name.map(Into::into),
        subscription: "both".into(),
        groups: vec![],
        presence: Availability::Available,
        status: None,
        ..Default::default()
    }
}

fn conversation(with: &str, last: &str, unread: u32) -> ConversationSummary {
    ConversationSummary {
        with: with.into(),
        last_body: Some(last.into()),
        last_timestamp: None,
        unread,
        ..Default::default()
    }
}

fn state(account: &str, state: ConnState) -> Event {
    Event::account_state(account, state)
}

fn cert_untrusted(account: &str, reason: &str, fingerprint: &str) -> Event {
    Event::AccountState {
        account: account.into(),
        state: ConnState::CertUntrusted,
        reason: Some(reason.into()),
        retry_in: None,
        retry_at: None,
        jid: None,
        cert: Some(CertInfo {
            fingerprint: fingerprint.into(),
            reason: reason.into(),
            ..Default::default()
        }),
    }
}

/// A `cert_untrusted` state as the actor reports it: with the code and its
/// English reason.
fn cert_refused(account: &str, code: CertRefusal, fingerprint: &str) -> Event {
    let mut event = cert_untrusted(account, code.reason(), fingerprint);
    if let Event::AccountState {
        cert: Some(cert), ..
    } = &mut event
    {
        cert.code = Some(code);
    }
    event
}

impl Harness {
    /// No accounts at all (first start).
    fn empty() -> Self {
        Self::with_accounts(vec![])
    }

    /// The given accounts, each with a running (fake) actor.
    fn with_accounts(accounts: Vec<AccountConfig>) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let config = Config {
            accounts: accounts.iter().cloned().map(AccountEntry::Ok).collect(),
            ..Config::default()
        };
        let mut app = App::new(Profile::at(dir.path()), config, None);
        app.connect = false;
        let mut h = Harness {
            app,
            commands: HashMap::new(),
            _dir: dir,
        };
        for a in accounts {
            let (tx, rx) = mpsc::unbounded_channel();
            h.commands.insert(a.id.clone(), rx);
            h.update(Message::Actor(ActorOutput::Ready(a.id.clone(), tx)));
            // Ready asks for the roster, the conversations and the rooms.
            assert_eq!(
                h.commands(&a.id),
                [
                    AccountRequest::Roster,
                    AccountRequest::Conversations,
                    AccountRequest::Rooms
                ]
            );
        }
        h
    }

    /// One account "work" (label "Work"), online, with Bob and Carol in the
    /// roster and a conversation with Carol that has `unread` messages.
    fn work_account(unread: u32) -> Self {
        let mut h = Self::with_accounts(vec![account("work", "me@work.example", Some("Work"))]);
        h.event("work", state("work", ConnState::Online));
        h.event(
            "work",
            Event::Roster {
                account: "work".into(),
                contacts: vec![
                    contact("bob@work.example", Some("Bob Builder")),
                    contact("carol@work.example", Some("Carol")),
                ],
            },
        );
        h.event(
            "work",
            Event::Conversations {
                account: "work".into(),
                conversations: vec![conversation("carol@work.example", "See you", unread)],
            },
        );
        // Coming online asks again for roster and conversations.
        let _ = h.commands("work");
        h
    }

    /// Runs `update` (the returned task is dropped: no side effects).
    fn update(&mut self, message: Message) {
        let _ = self.app.update(message);
    }

    /// An event from the actor of `account`.
    fn event(&mut self, account: &str, event: Event) {
        self.update(Message::Actor(ActorOutput::Event(
            account.into(),
            Box::new(event),
        )));
    }

    /// The account announces `message` (new, not from this front-end).
    fn message(&mut self, account: &str, message: MessageRecord) {
        self.event(
            account,
            Event::Message {
                account: account.into(),
                message,
                reference: None,
            },
        );
    }

    /// Renders the current view in a fresh simulator, lets `interact` click
    /// and type, and returns the produced messages **without** applying them.
    fn interact(&self, interact: impl FnOnce(&mut Simulator<'_, Message>)) -> Vec<Message> {
        let mut ui = Simulator::with_size(Default::default(), SIZE, self.app.view());
        interact(&mut ui);
        ui.into_messages().collect()
    }

    /// Like [`Harness::interact`], then feeds the messages to `update`.
    fn run(&mut self, interact: impl FnOnce(&mut Simulator<'_, Message>)) -> Vec<Message> {
        let messages = self.interact(interact);
        for m in messages.clone() {
            self.update(m);
        }
        messages
    }

    /// Clicks the widget with the id `id` and applies the resulting messages.
    fn click(&mut self, id: impl Into<String>) -> Vec<Message> {
        let id = id.into();
        self.run(|ui| {
            ui.click(selector::id(id.clone()))
                .unwrap_or_else(|e| panic!("cannot click {id}: {e}"));
        })
    }

    /// Every text on screen (labels and text inputs), in layout order.
    fn texts(&self) -> Vec<String> {
        let mut texts = Vec::new();
        let _ = self.interact(|ui| {
            let _ = ui.find(|c: Candidate<'_>| {
                match c {
                    Candidate::Text { content, .. } => texts.push(content.to_owned()),
                    Candidate::TextInput { state, .. } => texts.push(state.text().to_owned()),
                    _ => {}
                }
                None::<()>
            });
        });
        texts
    }

    /// The texts inside the widget with the id `id` (e.g. a button's label).
    fn texts_in(&self, id: impl Into<String>) -> Vec<String> {
        let id = id.into();
        let mut texts = Vec::new();
        let _ = self.interact(|ui| {
            let area = ui
                .find(selector::id(id.clone()))
                .unwrap_or_else(|e| panic!("no widget {id}: {e}"))
                .bounds();
            let _ = ui.find(|c: Candidate<'_>| {
                if let Candidate::Text {
                    content, bounds, ..
                } = c
                    && area.contains(bounds.center())
                {
                    texts.push(content.to_owned());
                }
                None::<()>
            });
        });
        texts
    }

    /// How often `text` is on screen.
    fn count(&self, text: &str) -> usize {
        self.texts().iter().filter(|t| *t == text).count()
    }

    /// Whether `text` is on screen.
    fn shows(&self, text: &str) -> bool {
        self.count(text) > 0
    }

    /// Asserts that `text` is on screen, listing the screen's texts if not.
    #[track_caller]
    fn assert_shows(&self, text: &str) {
        let texts = self.texts();
        assert!(
            texts.iter().any(|t| t == text),
            "{text:?} is not on screen; texts: {texts:#?}"
        );
    }

    /// Whether a widget with this id is in the view.
    fn has_id(&self, id: impl Into<String>) -> bool {
        let id = id.into();
        let mut found = false;
        let _ = self.interact(|ui| found = ui.find(selector::id(id)).is_ok());
        found
    }

    /// Everything the GUI sent to the actor of `account` since last asked.
    fn messages(&mut self, account: &str) -> Vec<ToAccount> {
        let rx = self.commands.get_mut(account).expect("known account");
        std::iter::from_fn(|| rx.try_recv().ok()).collect()
    }

    /// The requests the GUI sent to the actor of `account` since last
    /// asked; a shutdown or reconfigure among them fails the test.
    fn commands(&mut self, account: &str) -> Vec<AccountRequest> {
        self.messages(account)
            .into_iter()
            .map(|m| match m {
                ToAccount::Request(r) => r,
                other => panic!("not a request: {other:?}"),
            })
            .collect()
    }
}

/// A key press with modifiers (`iced_test`'s `tap_key` has none).
fn press_with(key: keyboard::Key, modifiers: keyboard::Modifiers) -> iced::Event {
    iced::Event::Keyboard(keyboard::Event::KeyPressed {
        key: key.clone(),
        modified_key: key,
        physical_key: keyboard::key::Physical::Unidentified(
            keyboard::key::NativeCode::Unidentified,
        ),
        location: keyboard::Location::Standard,
        modifiers,
        repeat: false,
        text: None,
    })
}

/// A message received now in `with` from `sender`, id `m<seq>`.
fn received(seq: i64, with: &str, sender: &str, body: &str) -> MessageRecord {
    MessageRecord {
        seq,
        pos: seq,
        id: format!("m{seq}"),
        with: with.into(),
        direction: crate::api::Direction::In,
        sender: sender.into(),
        body: body.into(),
        timestamp: chrono::Utc::now(),
        state: crate::api::MessageState::Received,
        ..Default::default()
    }
}
