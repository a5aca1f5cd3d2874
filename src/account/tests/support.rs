//! Fixture builders for the actor tests: an actor over an in-memory store
//! and a recording wire, stanzas from XML, and readers for what came out.

use tokio::sync::mpsc;
use tokio_xmpp::Stanza;
use tokio_xmpp::minidom::Element;

use crate::account::console;
use crate::account::wire::Wire;
use crate::account::{Actor, Inboxes};
use crate::api::{ConnState, Event, MessageRecord};
use crate::config::{AccountConfig, PasswordSource};
use crate::store::Store;

/// Our account, the resource this device bound, and its full JID.
pub const ME: &str = "alice@example.org";
pub const RESOURCE: &str = "desk";
pub const ME_FULL: &str = "alice@example.org/desk";
/// A roster contact.
pub const BOB: &str = "bob@example.net";
pub const BOB_PHONE: &str = "bob@example.net/phone";
/// Someone not in the roster.
pub const MALLORY: &str = "mallory@evil.example";

/// An actor online in its first session, with what it sent and announced.
pub struct Harness {
    pub actor: Actor,
    pub wire: Wire,
    events: mpsc::UnboundedReceiver<Event>,
    _inboxes: Inboxes,
    _dir: tempfile::TempDir,
}

impl Harness {
    /// Online, archive catch-up not done yet (the outbox waits).
    pub fn online() -> Harness {
        let dir = tempfile::tempdir().unwrap();
        let config = AccountConfig::new("test", ME, PasswordSource::Keyring);
        let store = Store::open_in_memory().unwrap();
        let (events_tx, events) = mpsc::unbounded_channel();
        let jid = ME.parse().unwrap();
        let (mut actor, inboxes) = Actor::new(&config, dir.path(), jid, RESOURCE, store, events_tx);
        actor.state = ConnState::Online;
        actor.session = 1;
        Harness {
            actor,
            wire: Wire::recorder(),
            events,
            _inboxes: inboxes,
            _dir: dir,
        }
    }

    /// Online with the catch-up over: messages go out directly.
    pub async fn caught_up() -> Harness {
        let mut h = Harness::online();
        h.actor.end_catch_up(&h.wire, true).await;
        h.events();
        // The read positions' fetch (XEP-0490), unanswered.
        h.sent();
        h
    }

    /// `xml` arrives as one burst, as the run loop hands stanzas over.
    pub async fn receive(&mut self, xml: &str) {
        self.actor.burst_stanza();
        self.actor.on_stanza(stanza(xml), &self.wire).await;
        self.actor.burst_end(&self.wire).await;
    }

    /// Our server pushes `jid` into the roster as a mutual contact.
    pub async fn add_contact(&mut self, jid: &str) {
        self.receive(&format!(
            "<iq type='set' id='push-{jid}'><query xmlns='jabber:iq:roster'>\
             <item jid='{jid}' subscription='both'/></query></iq>"
        ))
        .await;
        self.sent();
        self.events();
    }

    /// The user switches OMEMO on in the account settings (online).
    pub async fn switch_omemo_on(&mut self) {
        let mut config =
            crate::config::AccountConfig::new("test", ME, crate::config::PasswordSource::Keyring);
        config.switches.omemo = true;
        self.actor
            .on_command(
                crate::accounts::ToAccount::Reconfigure(Box::new(config)),
                Some(&self.wire),
            )
            .await;
    }

    /// What was announced since the last call.
    pub fn events(&mut self) -> Vec<Event> {
        std::iter::from_fn(|| self.events.try_recv().ok()).collect()
    }

    /// What was sent since the last call, as XML elements.
    pub fn sent(&self) -> Vec<Element> {
        self.wire
            .take_sent()
            .iter()
            .map(console::to_element)
            .collect()
    }

    /// The stored message with local id `id`.
    pub fn stored(&self, id: &str) -> Option<MessageRecord> {
        self.actor.store.message(id).unwrap()
    }

    /// The stored messages of the conversation with `with`, oldest first.
    pub fn history(&self, with: &str) -> Vec<MessageRecord> {
        self.actor.store.history(with, 100, None).unwrap()
    }
}

/// A stanza from its XML (in `jabber:client`).
pub fn stanza(xml: &str) -> Stanza {
    console::parse_stanza(xml).unwrap_or_else(|e| panic!("fixture {xml}: {e}"))
}

/// A chat message from `from` with id `id`, and a receipt request.
pub fn chat(from: &str, id: &str, body: &str) -> String {
    format!(
        "<message from='{from}' to='{ME_FULL}' type='chat' id='{id}'>\
         <body>{body}</body><request xmlns='urn:xmpp:receipts'/></message>"
    )
}

/// The messages announced as new (`message` events).
pub fn new_messages(events: &[Event]) -> Vec<&MessageRecord> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Message { message, .. } => Some(message),
            _ => None,
        })
        .collect()
}

/// The first child of `el` named `name` in namespace `ns`.
pub fn child<'a>(el: &'a Element, name: &str, ns: &str) -> Option<&'a Element> {
    el.children().find(|c| c.is(name, ns))
}

/// The sent stanzas that are IQs with a child `name` in `ns`.
pub fn iqs_with<'a>(sent: &'a [Element], name: &str, ns: &str) -> Vec<&'a Element> {
    sent.iter()
        .filter(|s| s.name() == "iq" && child(s, name, ns).is_some())
        .collect()
}
