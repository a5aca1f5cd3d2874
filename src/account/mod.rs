//! The account actor: one tokio task per account that owns its connection, its
//! store and its state machine. Front-ends talk to it only through
//! [`AccountCommand`]s in and [`Event`]s out.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use chrono::Utc;
use futures::StreamExt;
use tokio::sync::mpsc;
use tokio_xmpp::Stanza;
use tokio_xmpp::jid::BareJid;
use tokio_xmpp::stanzastream::{
    Event as StreamEvent, StanzaStage, StanzaState, StanzaStream, StreamEvent as StreamStatus,
};

use crate::api::{Command, ConnState, Direction, Event, MessageState};
use crate::config::AccountConfig;
use crate::secrets;
use crate::store::{NewMessage, Store};

pub mod chat;
pub mod connect;
mod connection;
mod inbound;
pub mod roster;
pub mod tls;

use connection::{ConnReport, Reconnector};

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
    /// Connect again now: after a failure, or to skip a backoff wait.
    Reconnect,
    /// Close the connection cleanly and end the task.
    Shutdown,
}

impl AccountCommand {
    /// The per-account part of a front-end command.
    pub fn from_command(cmd: Command) -> Option<AccountCommand> {
        Some(match cmd {
            Command::Send {
                to,
                body,
                reference,
                ..
            } => AccountCommand::Send {
                to,
                body,
                reference,
            },
            Command::History {
                with,
                limit,
                before,
                ..
            } => AccountCommand::History {
                with,
                limit,
                before,
            },
            Command::Roster { .. } => AccountCommand::Roster,
            Command::Conversations { .. } => AccountCommand::Conversations,
            Command::MarkRead { with, .. } => AccountCommand::MarkRead { with },
            Command::Reconnect { .. } => AccountCommand::Reconnect,
            Command::Accounts
            | Command::AddAccount(_)
            | Command::RemoveAccount { .. }
            | Command::Quit => return None,
        })
    }
}

/// Start the actor for `config`, storing under `data_dir`; events go to `events`.
/// Must be called inside a tokio runtime.
pub fn spawn(
    config: AccountConfig,
    data_dir: PathBuf,
    events: mpsc::UnboundedSender<Event>,
) -> mpsc::UnboundedSender<AccountCommand> {
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        let id = config.id.clone();
        if let Err(message) = run(config, data_dir, rx, events.clone()).await {
            tracing::error!(account = %id, "{message}");
            let _ = events.send(Event::AccountState {
                account: id.clone(),
                state: ConnState::Offline,
                reason: Some(message.clone()),
                retry_in: None,
                jid: None,
                cert: None,
            });
            let _ = events.send(Event::error(Some(&id), message));
        }
    });
    tx
}

/// Progress of one outgoing stanza, reported by its watcher task.
#[derive(Debug)]
struct Progress {
    id: String,
    state: MessageState,
    error: Option<String>,
}

struct Actor {
    id: String,
    jid: BareJid,
    store: Store,
    events: mpsc::UnboundedSender<Event>,
    state: ConnState,
    presence: roster::PresenceMap,
    /// `ref` tags of this session's sends, echoed in state events.
    refs: HashMap<String, String>,
    /// Outgoing ids handed to the current stream, so a reset does not send twice.
    in_flight: HashSet<String>,
    progress_tx: mpsc::UnboundedSender<Progress>,
    /// Open IQ requests by id.
    pending_iqs: HashMap<String, inbound::PendingIq>,
}

async fn run(
    config: AccountConfig,
    data_dir: PathBuf,
    mut commands: mpsc::UnboundedReceiver<AccountCommand>,
    events: mpsc::UnboundedSender<Event>,
) -> Result<(), String> {
    let jid: BareJid = config
        .jid
        .parse()
        .map_err(|e| format!("invalid JID {}: {e}", config.jid))?;
    std::fs::create_dir_all(&data_dir)
        .map_err(|e| format!("cannot create {}: {e}", data_dir.display()))?;
    let store = Store::open(&data_dir.join("history.sqlite")).map_err(|e| e.to_string())?;
    let (progress_tx, mut progress_rx) = mpsc::unbounded_channel();
    let mut actor = Actor {
        id: config.id.clone(),
        jid: jid.clone(),
        store,
        events,
        state: ConnState::Offline,
        presence: roster::PresenceMap::default(),
        refs: HashMap::new(),
        in_flight: HashSet::new(),
        progress_tx,
        pending_iqs: HashMap::new(),
    };

    // Without a password there is nothing to connect with; keep serving the
    // store and wait for a Reconnect (the user may fix the keyring meanwhile).
    let password = loop {
        match secrets::load_password(&config).await {
            Ok(p) => break p,
            Err(e) => {
                actor.set_state(ConnState::Offline, Some(e.to_string()), None, None);
                loop {
                    match commands.recv().await {
                        None | Some(AccountCommand::Shutdown) => return Ok(()),
                        Some(AccountCommand::Reconnect) => break,
                        // Stored as queued; it goes out with the first session.
                        Some(AccountCommand::Send {
                            to,
                            body,
                            reference,
                        }) => actor.send_chat(&to, &body, reference, None).await,
                        Some(other) => actor.handle_local(other),
                    }
                }
            }
        }
    };
    let password = Arc::new(Mutex::new(password));
    let (report_tx, mut reports) = mpsc::unbounded_channel();
    let reconnector = Reconnector::new(&config, jid, password.clone(), report_tx);
    let wake = reconnector.wake_handle();
    let mut stream = StanzaStream::new(reconnector.into_connector(), 64);
    actor.set_state(ConnState::Connecting, None, None, None);

    loop {
        tokio::select! {
            event = stream.next() => match event {
                Some(StreamEvent::Stream(StreamStatus::Reset { bound_jid, .. })) => {
                    actor.presence.clear();
                    actor.in_flight.clear();
                    actor.set_state(ConnState::Online, None, None, Some(bound_jid.to_string()));
                    actor.on_fresh_session(&stream).await;
                }
                Some(StreamEvent::Stream(StreamStatus::Resumed)) => {
                    actor.set_state(ConnState::Online, None, None, None);
                }
                Some(StreamEvent::Stream(StreamStatus::Suspended)) => {
                    actor.set_state(ConnState::Reconnecting, Some("connection lost".into()), None, None);
                }
                Some(StreamEvent::Stanza(stanza)) => actor.on_stanza(stanza, &stream).await,
                None => return Err("the connection ended unexpectedly".into()),
            },
            Some(report) = reports.recv() => actor.on_report(report),
            Some(p) = progress_rx.recv() => actor.on_progress(p),
            cmd = commands.recv() => match cmd {
                None | Some(AccountCommand::Shutdown) => {
                    let _ = tokio::time::timeout(std::time::Duration::from_secs(3), stream.close()).await;
                    actor.set_state(ConnState::Offline, None, None, None);
                    return Ok(());
                }
                Some(AccountCommand::Reconnect) => {
                    if actor.state != ConnState::Online {
                        // The user may have fixed the password meanwhile.
                        if let Ok(p) = secrets::load_password(&config).await
                            && let Ok(mut slot) = password.lock()
                        {
                            *slot = p;
                        }
                        wake.notify_one();
                    }
                }
                Some(AccountCommand::Send { to, body, reference }) => {
                    actor.send_chat(&to, &body, reference, Some(&stream)).await;
                }
                Some(other) => actor.handle_local(other),
            },
        }
    }
}

impl Actor {
    fn emit(&self, event: Event) {
        // A front-end that went away is not the actor's problem.
        let _ = self.events.send(event);
    }

    fn error(&self, message: impl Into<String>, reference: Option<String>) {
        self.emit(Event::Error {
            account: Some(self.id.clone()),
            message: message.into(),
            reference,
        });
    }

    fn set_state(
        &mut self,
        state: ConnState,
        reason: Option<String>,
        retry_in: Option<u64>,
        jid: Option<String>,
    ) {
        self.state = state;
        self.emit(Event::AccountState {
            account: self.id.clone(),
            state,
            reason,
            retry_in,
            jid,
            cert: None,
        });
    }

    fn on_report(&mut self, report: ConnReport) {
        match report {
            ConnReport::Connecting => {
                if self.state != ConnState::Reconnecting {
                    self.set_state(ConnState::Connecting, None, None, None)
                }
            }
            ConnReport::Retry { error, delay } => self.set_state(
                ConnState::Reconnecting,
                Some(error),
                Some(delay.as_secs().max(1)),
                None,
            ),
            ConnReport::Fatal(err) => {
                let (state, cert) = match &err {
                    connect::ConnectError::Auth(_) => (ConnState::AuthFailed, None),
                    connect::ConnectError::CertUntrusted(info) => {
                        (ConnState::CertUntrusted, Some(info.clone()))
                    }
                    _ => (ConnState::Offline, None),
                };
                self.state = state;
                self.emit(Event::AccountState {
                    account: self.id.clone(),
                    state,
                    reason: Some(err.to_string()),
                    retry_in: None,
                    jid: None,
                    cert,
                });
            }
        }
    }

    fn on_progress(&mut self, p: Progress) {
        if matches!(p.state, MessageState::Failed | MessageState::Queued) {
            self.in_flight.remove(&p.id);
        }
        match self.store.set_state(&p.id, p.state, p.error.as_deref()) {
            Ok(Some(rec)) => self.emit(Event::MessageState {
                account: self.id.clone(),
                reference: self.refs.get(&rec.id).cloned(),
                id: rec.id,
                state: rec.state,
                error: rec.error,
            }),
            Ok(None) => {}
            Err(e) => self.error(e.to_string(), None),
        }
    }

    /// Commands that only need the store and in-memory state.
    fn handle_local(&mut self, cmd: AccountCommand) {
        let account = self.id.clone();
        let result = match cmd {
            AccountCommand::History {
                with,
                limit,
                before,
            } => self
                .store
                .history(&with, limit.min(500), before)
                .map(|messages| Event::History {
                    account,
                    with,
                    messages,
                }),
            AccountCommand::Roster => self.store.contacts().map(|mut contacts| {
                self.presence.decorate(&mut contacts);
                Event::Roster { account, contacts }
            }),
            AccountCommand::Conversations => {
                self.store
                    .conversations()
                    .map(|conversations| Event::Conversations {
                        account,
                        conversations,
                    })
            }
            AccountCommand::MarkRead { with } => self.store.mark_read(&with).and_then(|_| {
                self.store
                    .conversations()
                    .map(|conversations| Event::Conversations {
                        account,
                        conversations,
                    })
            }),
            // Handled by the loop, which owns the stream.
            AccountCommand::Send { .. } | AccountCommand::Reconnect | AccountCommand::Shutdown => {
                return;
            }
        };
        match result {
            Ok(event) => self.emit(event),
            Err(e) => self.error(e.to_string(), None),
        }
    }

    /// Stores an outgoing message as queued, then hands it to the stream if online.
    async fn send_chat(
        &mut self,
        to: &str,
        body: &str,
        reference: Option<String>,
        stream: Option<&StanzaStream>,
    ) {
        let to: BareJid = match to.parse() {
            Ok(j) => j,
            Err(e) => return self.error(format!("invalid recipient {to}: {e}"), reference),
        };
        if body.trim().is_empty() {
            return self.error("cannot send an empty message", reference);
        }
        let id = uuid::Uuid::new_v4().to_string();
        let with = to.to_string();
        let own = self.jid.to_string();
        let new = NewMessage {
            id: &id,
            with: &with,
            direction: Direction::Out,
            sender: &own,
            body,
            timestamp: Utc::now(),
            state: MessageState::Queued,
            server_id: None,
            origin_id: Some(&id),
        };
        // Stored before sent: a crash from here on leaves it in the outbox.
        let record = match self.store.insert_message(&new) {
            Ok(Some(r)) => r,
            Ok(None) => return,
            Err(e) => return self.error(format!("message not stored: {e}"), reference),
        };
        if let Some(r) = &reference {
            self.refs.insert(id.clone(), r.clone());
        }
        self.emit(Event::Message {
            account: self.id.clone(),
            message: record,
            reference,
        });
        if let Some(stream) = stream.filter(|_| self.state == ConnState::Online) {
            self.transmit(&id, &to, body, stream).await;
        }
    }

    async fn transmit(&mut self, id: &str, to: &BareJid, body: &str, stream: &StanzaStream) {
        if !self.in_flight.insert(id.to_owned()) {
            return;
        }
        let msg = chat::outgoing(to, id, body);
        let token = stream.send(Box::new(Stanza::Message(msg))).await;
        let tx = self.progress_tx.clone();
        let id = id.to_owned();
        tokio::spawn(watch_token(token, id, tx));
    }

    /// A new session without state: presence, roster, and the outbox.
    async fn on_fresh_session(&mut self, stream: &StanzaStream) {
        self.request_roster(stream).await;
        let presence = tokio_xmpp::parsers::presence::Presence::available();
        stream.send(Box::new(Stanza::Presence(presence))).await;
        match self.store.outbox() {
            Ok(queued) => {
                for m in queued {
                    if let Ok(to) = m.with.parse::<BareJid>() {
                        self.transmit(&m.id, &to, &m.body, stream).await;
                    }
                }
            }
            Err(e) => self.error(e.to_string(), None),
        }
    }
}

/// Follows one stanza through the stream's stages and reports them.
async fn watch_token(
    mut token: tokio_xmpp::stanzastream::StanzaToken,
    id: String,
    tx: mpsc::UnboundedSender<Progress>,
) {
    let report = |state, error| {
        let _ = tx.send(Progress {
            id: id.clone(),
            state,
            error,
        });
    };
    match token.wait_for(StanzaStage::Sent).await {
        Some(StanzaState::Sent { .. }) | Some(StanzaState::Acked { .. }) => {
            report(MessageState::Sent, None)
        }
        Some(StanzaState::Failed { error }) => {
            return report(
                MessageState::Failed,
                Some(error.into_io_error().to_string()),
            );
        }
        // Dropped with the stream: stays queued and goes out on the next session.
        _ => return report(MessageState::Queued, None),
    }
    if let Some(StanzaState::Acked { .. }) = token.wait_for(StanzaStage::Acked).await {
        report(MessageState::Acked, None)
    }
}
