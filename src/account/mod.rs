//! The account actor: one tokio task per account that owns its connection, its
//! store and its state machine. Front-ends talk to it only through
//! [`ToAccount`] messages (mostly [`AccountRequest`]s) in and [`Event`]s out;
//! they start it with [`crate::accounts::start`].

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use futures::{FutureExt, StreamExt};
use tokio::sync::mpsc;
use tokio_xmpp::Stanza;
use tokio_xmpp::jid::BareJid;
use tokio_xmpp::parsers::stanza_error::StanzaError;
use tokio_xmpp::stanzastream::{Event as StreamEvent, StanzaStream, StreamEvent as StreamStatus};

use wire::Wire;

use crate::accounts::ToAccount;
use crate::api::{AccountRequest, ConnState, Direction, Event, Problem};
use crate::config::AccountConfig;
use crate::secrets;
use crate::store::Store;

pub(crate) mod avatars;
pub mod blocking;
mod burst;
pub mod caps;
pub mod chat;
pub mod chatstates;
mod commands;
pub mod connect;
mod connection;
pub mod console;
mod contacts;
pub mod depth_limit;
pub mod file_message;
mod history;
mod inbound;
mod jingle;
pub(crate) mod last_activity;
pub mod link;
mod mds;
pub mod muc;
mod netwatch;
pub(crate) mod nick;
pub(crate) mod omemo;
mod outbox;
pub(crate) mod pep;
pub mod presence;
mod profile;
pub mod register;
mod requests;
pub mod roster;
mod server_info;
mod srv;
pub mod stanza_error;
mod sync;
#[cfg(test)]
mod tests;
pub mod tls;
mod transfers;
mod updates;
pub(crate) mod upload;
pub(crate) mod vcard;
pub(crate) mod version;
mod wire;

use connection::{ConnReport, Reconnector};
use link::LinkControl;
use outbox::Progress;

/// Start the actor for `config`, storing under `data_dir`; events go to `events`.
/// Must be called inside a tokio runtime.
pub(crate) fn spawn(
    config: AccountConfig,
    data_dir: PathBuf,
    events: mpsc::UnboundedSender<Event>,
) -> mpsc::UnboundedSender<ToAccount> {
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        let id = config.id.clone();
        if let Err(e) = run(config, data_dir, rx, events.clone()).await {
            let message = e.to_string();
            tracing::error!(account = %id, "{message}");
            let _ = events.send(Event::AccountState {
                account: id.clone(),
                state: ConnState::Offline,
                reason: Some(message.clone()),
                retry_in: None,
                retry_at: None,
                jid: None,
                cert: None,
            });
            let _ = events.send(Event::problem(Some(&id), e.problem(), message));
        }
    });
    tx
}

/// Why an account's actor stopped: the account stays offline.
#[derive(Debug, thiserror::Error)]
pub(crate) enum RunError {
    #[error("invalid JID {jid}: {source}")]
    Jid {
        jid: String,
        source: tokio_xmpp::jid::Error,
    },
    #[error(transparent)]
    DataDir(#[from] crate::profile::ProfileError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error("the connection ended unexpectedly")]
    StreamEnded,
}

impl RunError {
    /// The `code` of the `error` event that reports it.
    fn problem(&self) -> Problem {
        match self {
            RunError::Jid { .. } => Problem::InvalidAddress,
            RunError::DataDir(_) => Problem::DataDirFailed,
            RunError::Store(_) | RunError::StreamEnded => Problem::AccountFailed,
        }
    }
}

struct Actor {
    id: String,
    /// The account's directory (store, avatar cache).
    data_dir: PathBuf,
    jid: BareJid,
    /// Our full JID (the server may change the resource on binding): the
    /// sender of the messages this device writes.
    full_jid: String,
    store: Store,
    events: mpsc::UnboundedSender<Event>,
    state: ConnState,
    presence: roster::PresenceMap,
    /// `ref` tags of this session's sends, echoed in state events.
    refs: HashMap<String, String>,
    /// Outgoing ids handed to the current session, so nothing goes out twice.
    in_flight: HashSet<String>,
    /// Counts fresh sessions (stream resets); stanza reports carry it.
    session: u64,
    progress_tx: mpsc::UnboundedSender<Progress>,
    /// Open IQ requests (rooms and profiles still keep their own).
    requests: requests::Requests<inbound::PendingIq>,
    sync: sync::Sync,
    link: Arc<LinkControl>,
    /// The XML console is open: stanzas are echoed as events.
    console: bool,
    /// A `server_info` request being answered.
    server_info: Option<server_info::Draft>,
    /// The current session uses XEP-0198.
    stream_management: bool,
    /// Sessions resumed since the account started.
    resumptions: u32,
    /// The password the connector logs in with (shared with it).
    password: Option<Arc<Mutex<secrets::Password>>>,
    password_source: crate::config::PasswordSource,
    /// Presence priority of this resource.
    priority: i8,
    /// The privacy switches (receipts, typing, read markers).
    switches: crate::config::Switches,
    /// Retention (`history.rs`): days of messages kept, 0 for ever.
    keep_days: u32,
    /// What our contacts' clients support (XEP-0115).
    caps: caps::CapsBook,
    /// Direct file transfers (Jingle sessions).
    jingle: jingle::Sessions,
    /// Unanswered requests to see our presence (this session).
    subscription_requests: std::collections::BTreeSet<BareJid>,
    /// Blocked JIDs (XEP-0191), also kept in the store.
    blocklist: std::collections::BTreeSet<BareJid>,
    /// The server does the blocking (else only we do).
    server_blocking: bool,
    /// The server offers roster versioning (RFC 6121 §2.6).
    roster_versioning: bool,
    /// The presence the user chose.
    own_presence: crate::api::OwnPresence,
    /// A password change waiting for the server's answer.
    new_password: Option<secrets::Password>,
    /// `profile` and `set_profile` requests under way.
    profiles: profile::Profiles,
    /// Avatar fetches and publishing (XEP-0084/0153).
    avatars: avatars::Avatars,
    /// The burst of stanzas being handled (burst.rs).
    burst: Option<burst::Burst>,
    /// The upload service (XEP-0363) and slot requests of this session.
    upload: upload::Upload,
    /// File uploads and downloads under way.
    transfers: transfers::Transfers,
    /// Group chats of this session (XEP-0045).
    muc: muc::Rooms,
    /// OMEMO: our device's publishing and device lists of this session.
    omemo: omemo::Omemo,
    /// Read positions shared with our other devices (XEP-0490).
    mds: mds::Mds,
}

/// The receiving ends of what the actor's helpers report (outgoing
/// messages' progress, profile deadlines, avatar work, transfers); the run
/// loop waits on them.
struct Inboxes {
    progress: mpsc::UnboundedReceiver<Progress>,
    deadlines: mpsc::UnboundedReceiver<profile::Deadline>,
    avatars: mpsc::UnboundedReceiver<avatars::Done>,
    transfers: mpsc::UnboundedReceiver<transfers::Report>,
}

impl Actor {
    /// An actor for `config` (offline, nothing sent yet) over `store`.
    fn new(
        config: &AccountConfig,
        data_dir: &std::path::Path,
        jid: BareJid,
        resource: &str,
        store: Store,
        events: mpsc::UnboundedSender<Event>,
    ) -> (Actor, Inboxes) {
        let full_jid = format!("{jid}/{resource}");
        let (progress_tx, progress) = mpsc::unbounded_channel();
        let (deadline_tx, deadlines) = mpsc::unbounded_channel();
        let (avatar_tx, avatars) = mpsc::unbounded_channel();
        let (transfer_tx, transfers) = mpsc::unbounded_channel();
        let inboxes = Inboxes {
            progress,
            deadlines,
            avatars,
            transfers,
        };
        let transfers =
            transfers::Transfers::new(transfer_tx, config, jid.domain().as_str(), data_dir);
        let actor = Actor {
            id: config.id.clone(),
            data_dir: data_dir.to_path_buf(),
            jid,
            full_jid,
            store,
            events,
            state: ConnState::Offline,
            presence: roster::PresenceMap::default(),
            refs: HashMap::new(),
            in_flight: HashSet::new(),
            session: 0,
            progress_tx,
            requests: requests::Requests::default(),
            sync: sync::Sync::default(),
            link: Arc::new(LinkControl::default()),
            console: false,
            server_info: None,
            stream_management: false,
            resumptions: 0,
            password: None,
            password_source: config.password.clone(),
            priority: config.priority.unwrap_or(0),
            switches: config.switches,
            keep_days: config.files.keep_days,
            caps: caps::CapsBook::default(),
            jingle: jingle::Sessions::default(),
            subscription_requests: Default::default(),
            blocklist: Default::default(),
            server_blocking: false,
            roster_versioning: false,
            own_presence: Default::default(),
            new_password: None,
            profiles: profile::Profiles::new(deadline_tx),
            avatars: avatars::Avatars::new(avatar_tx),
            burst: None,
            upload: upload::Upload::default(),
            transfers,
            muc: muc::Rooms::default(),
            omemo: omemo::Omemo::default(),
            mds: mds::Mds::default(),
        };
        (actor, inboxes)
    }
}

async fn run(
    config: AccountConfig,
    data_dir: PathBuf,
    mut commands: mpsc::UnboundedReceiver<ToAccount>,
    events: mpsc::UnboundedSender<Event>,
) -> Result<(), RunError> {
    let jid: BareJid = config.jid.parse().map_err(|source| RunError::Jid {
        jid: config.jid.clone(),
        source,
    })?;
    crate::profile::create_data_dirs(&data_dir)?;
    let mut store = Store::open(&data_dir.join("history.sqlite"))?;
    // Transfers cut off by the last exit start again (uploads) or wait (downloads).
    store.reset_transfers()?;
    if let Ok(in_use) = store.avatar_hashes() {
        avatars::clean_cache(&data_dir, &in_use);
    }
    let resource = match &config.resource {
        Some(r) => r.clone(),
        None => store.stable_resource()?,
    };
    let config = AccountConfig {
        resource: Some(resource.clone()),
        ..config
    };
    let (mut actor, inboxes) =
        Actor::new(&config, &data_dir, jid.clone(), &resource, store, events);
    let Inboxes {
        progress: mut progress_rx,
        deadlines: mut deadline_rx,
        avatars: mut avatar_rx,
        transfers: mut transfer_rx,
    } = inboxes;

    actor.load_blocklist();
    // Without a password there is nothing to connect with; keep serving the
    // store and wait for a Reconnect (the user may fix the keyring meanwhile).
    let password = loop {
        match secrets::load_password(&config).await {
            Ok(p) => break p,
            Err(e) => {
                actor.set_state(ConnState::Offline, Some(e.to_string()), None, None);
                loop {
                    match commands.recv().await {
                        None | Some(ToAccount::Shutdown) => return Ok(()),
                        Some(ToAccount::Request(AccountRequest::Reconnect)) => break,
                        // E.g. a message is stored as queued; it goes out
                        // with the first session.
                        Some(message) => actor.on_command(message, None).await,
                    }
                }
            }
        }
    };
    let password = Arc::new(Mutex::new(password));
    actor.password = Some(password.clone());
    let (report_tx, mut reports) = mpsc::unbounded_channel();
    let reconnector = Reconnector::new(
        &config,
        jid,
        password.clone(),
        report_tx,
        actor.link.clone(),
    );
    let wake = reconnector.wake_handle();
    let mut stream = Wire::new(StanzaStream::new(reconnector.into_connector(), 64));
    actor.set_state(ConnState::Connecting, None, None, None);
    // Until the first session's catch-up: far in the future.
    let catch_up_deadline = tokio::time::sleep(std::time::Duration::from_secs(86_400 * 365));
    tokio::pin!(catch_up_deadline);
    let mut net_tick = tokio::time::interval(netwatch::INTERVAL);
    let mut net = netwatch::NetWatch::default();
    // XEP-0410 self-ping of quiet rooms: one slow timer (idle CPU budget).
    let mut room_tick = tokio::time::interval_at(
        tokio::time::Instant::now() + muc::ping_interval(),
        muc::ping_interval(),
    );
    room_tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // Retention: at start (the first tick is at once), then once a day.
    let mut retention_tick = tokio::time::interval(history::RETENTION_EVERY);
    retention_tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);

    loop {
        tokio::select! {
            event = stream.next() => {
                // Stanzas that have arrived already form one burst, and
                // those that follow within moments join it (burst.rs).
                let mut event = Some(event);
                let started = tokio::time::Instant::now();
                loop {
                    while let Some(Some(StreamEvent::Stanza(stanza))) = event {
                        actor.burst_stanza();
                        actor.on_stanza(stanza, &stream).await;
                        event = if actor.burst_full() {
                            None
                        } else {
                            stream.next().now_or_never()
                        };
                    }
                    if event.is_some() || !actor.burst_lingers(started) {
                        break;
                    }
                    match tokio::time::timeout(burst::LINGER, stream.next()).await {
                        Ok(next) => event = Some(next),
                        Err(_) => break,
                    }
                }
                actor.burst_end(&stream).await;
                let Some(event) = event else { continue };
                match event {
                Some(StreamEvent::Stream(StreamStatus::Reset { bound_jid, features })) => {
                    catch_up_deadline
                        .as_mut()
                        .reset(tokio::time::Instant::now() + sync::CATCHUP_PATIENCE);
                    actor.on_new_session(bound_jid, &features, &stream).await;
                }
                Some(StreamEvent::Stream(StreamStatus::Resumed)) => {
                    tracing::info!(account = %actor.id, "session resumed (XEP-0198)");
                    actor.resumptions += 1;
                    actor.link.session_started(None);
                    actor.set_state(ConnState::Online, None, None, None);
                    // Written while the connection was away: the stream only
                    // resends what it had; these never reached it.
                    if actor.sync.caught_up() {
                        actor.flush_outbox(&stream).await;
                    }
                }
                Some(StreamEvent::Stream(StreamStatus::Suspended)) => {
                    actor.set_state(ConnState::Reconnecting, Some("connection lost".into()), None, None);
                }
                // Not reached (the loop above takes every stanza); handled alike.
                Some(StreamEvent::Stanza(stanza)) => {
                    actor.burst_stanza();
                    actor.on_stanza(stanza, &stream).await;
                    actor.burst_end(&stream).await;
                }
                None => return Err(RunError::StreamEnded),
            }},
            Some(report) = reports.recv() => actor.on_report(report),
            Some(p) = progress_rx.recv() => actor.on_progress(p),
            Some(d) = deadline_rx.recv() => actor.on_profile_deadline(d),
            Some(done) = avatar_rx.recv() => actor.on_avatar_done(done, &stream).await,
            Some(report) = transfer_rx.recv() => actor.on_transfer_report(report, &stream).await,
            () = &mut catch_up_deadline, if !actor.sync.caught_up() && actor.state == ConnState::Online => {
                tracing::warn!(account = %actor.id, "archive catch-up is slow; sending the outbox anyway");
                actor.end_catch_up(&stream, false).await;
            }
            _ = retention_tick.tick() => actor.apply_retention(chrono::Utc::now()),
            _ = room_tick.tick() => {
                if actor.state == ConnState::Online {
                    actor.ping_rooms(&stream).await;
                }
            }
            _ = net_tick.tick() => {
                // Requests time out on this slow tick (no timer of their own).
                actor.expire_requests(tokio::time::Instant::now(), &stream).await;
                let online = actor.state == ConnState::Online;
                let local = actor.link.local_addr().filter(|_| online);
                let server = actor.link.server_addr().filter(|_| actor.state == ConnState::Reconnecting);
                match net.check(local, server) {
                    Some(change) if online => {
                        tracing::info!(account = %actor.id, ?change, "network changed; reconnecting");
                        actor.link.abort();
                    }
                    Some(change) if actor.state == ConnState::Reconnecting => {
                        tracing::info!(account = %actor.id, ?change, "network back; retrying now");
                        wake.notify_one();
                    }
                    _ => {}
                }
            }
            cmd = commands.recv() => match cmd {
                None | Some(ToAccount::Shutdown) => {
                    // Only when asked: a closed command channel means the
                    // front-end (and maybe the runtime with the stream's
                    // workers, whose absence makes sending panic) is gone.
                    if cmd.is_some() && actor.state == ConnState::Online {
                        // Offers are declined, transfers cancelled: the
                        // contacts' clients learn it now, not by a timeout.
                        actor.end_all_sessions(Some(&stream), "Plausch was closed").await;
                        actor.say_goodbye(&stream).await;
                    }
                    let _ = tokio::time::timeout(std::time::Duration::from_secs(3), stream.close()).await;
                    actor.set_state(ConnState::Offline, None, None, None);
                    return Ok(());
                }
                Some(ToAccount::Request(AccountRequest::Reconnect)) => {
                    if actor.state == ConnState::Online {
                        // Drop the link; the stream resumes on a new one.
                        actor.link.abort();
                    } else {
                        // The user may have fixed the password meanwhile.
                        if let Ok(p) = secrets::load_password(&config).await
                            && let Ok(mut slot) = password.lock()
                        {
                            *slot = p;
                        }
                        wake.notify_one();
                    }
                }
                Some(message) => {
                    let online = (actor.state == ConnState::Online).then_some(&stream);
                    actor.on_command(message, online).await
                }
            },
        }
    }
}

impl Actor {
    fn emit(&self, event: Event) {
        // A front-end that went away is not the actor's problem.
        let _ = self.events.send(event);
    }

    /// Reports `problem`; `message` says in English what exactly failed.
    fn error(&self, problem: Problem, message: impl Into<String>, reference: Option<String>) {
        self.emit(Event::Error {
            account: Some(self.id.clone()),
            message: message.into(),
            reference,
            code: Some(problem.code().to_owned()),
            condition: None,
        });
    }

    /// The server refused a request of kind `problem` (see `Event::Error`);
    /// `what` says in English what did not happen.
    fn refused(&self, problem: Problem, what: &str, e: &StanzaError) {
        self.emit(Event::Error {
            account: Some(self.id.clone()),
            message: format!("{what}: {}", stanza_error::describe(e)),
            reference: None,
            code: Some(problem.code().to_owned()),
            condition: Some(crate::xmpp::stanza_error::code(&e.defined_condition).to_owned()),
        });
    }

    fn set_state(
        &mut self,
        state: ConnState,
        reason: Option<String>,
        retry: Option<std::time::Duration>,
        jid: Option<String>,
    ) {
        self.state = state;
        self.emit(Event::AccountState {
            account: self.id.clone(),
            state,
            reason,
            retry_in: retry.map(|d| d.as_secs().max(1)),
            // The connector reports at once: its wait starts about now.
            retry_at: retry
                .and_then(|d| chrono::TimeDelta::from_std(d).ok())
                .map(|d| chrono::SubsecRound::trunc_subsecs(chrono::Utc::now() + d, 3)),
            jid,
            cert: None,
        });
    }

    fn on_report(&mut self, report: ConnReport) {
        match report {
            ConnReport::Connecting => {
                // Announced once: at the start (already said by `run`), and
                // not over a "reconnecting" that says more.
                if !matches!(self.state, ConnState::Reconnecting | ConnState::Connecting) {
                    self.set_state(ConnState::Connecting, None, None, None)
                }
            }
            ConnReport::Retry { error, delay } => {
                self.set_state(ConnState::Reconnecting, Some(error), Some(delay), None)
            }
            ConnReport::Fatal(err) => {
                let (state, cert) = match &err {
                    connect::ConnectError::Auth(_) => (ConnState::AuthFailed, None),
                    connect::ConnectError::CertUntrusted(info) => {
                        (ConnState::CertUntrusted, Some((**info).clone()))
                    }
                    _ => (ConnState::Offline, None),
                };
                self.state = state;
                self.emit(Event::AccountState {
                    account: self.id.clone(),
                    state,
                    reason: Some(err.to_string()),
                    retry_in: None,
                    retry_at: None,
                    jid: None,
                    cert,
                });
            }
        }
    }

    /// A new session (not a resumption): nothing of the old one's state
    /// holds; then the fresh session's requests.
    async fn on_new_session(
        &mut self,
        bound_jid: tokio_xmpp::jid::Jid,
        features: &tokio_xmpp::parsers::stream_features::StreamFeatures,
        stream: &Wire,
    ) {
        if self.session > 0 {
            tracing::info!(account = %self.id, "new session; the old one could not be resumed");
        }
        self.session += 1;
        self.full_jid = bound_jid.to_string();
        self.stream_management = features.stream_management.is_some();
        self.roster_versioning = features
            .others
            .iter()
            .any(|e| e.is("ver", "urn:xmpp:features:rosterver"));
        self.link.session_started(Some(offers_csi(features)));
        self.presence.clear();
        self.caps.clear_presence();
        self.in_flight.clear();
        self.requests.clear();
        self.mds.new_session();
        // A profile still being put together answers at its deadline with
        // what came before.
        self.profiles.new_session();
        self.transfers.new_session();
        // Sessions are bound to the connection that was lost; the proxy
        // is looked for again.
        self.jingle.forget_proxy();
        self.end_all_sessions(None, "the connection was lost").await;
        if self.avatars.new_session() {
            self.error(
                Problem::NotConnected,
                "avatar not changed: the connection was lost",
                None,
            );
        }
        self.set_state(ConnState::Online, None, None, Some(bound_jid.to_string()));
        self.on_fresh_session(stream).await;
    }

    /// A new session without state: roster, presence, then carbons and the
    /// archive catch-up, which ends by flushing the outbox.
    ///
    /// The catch-up starts when the roster's answer is in: by then the
    /// server has sent our presence on to the contacts. Sent in the same
    /// burst, the archive query was handled before the server wrote that
    /// presence out, and on a server whose archive lookups grow with the
    /// archive (Prosody's file storage reads all of it) contacts saw us
    /// online only after it (0.8 s instead of 0.1 s with 20,000 archived
    /// messages).
    async fn on_fresh_session(&mut self, stream: &Wire) {
        self.request_roster(stream).await;
        self.sync.wait_for_roster();
        self.request_blocklist(stream).await;
        self.send_presence(stream).await;
        self.rooms_new_session(stream).await;
        self.request_own_avatar(stream).await;
        self.discover_upload(stream).await;
        self.omemo_new_session(stream).await;
    }

    /// The roster as front-ends see it: with presence and avatar paths.
    fn contacts(&self) -> Result<Vec<crate::api::Contact>, crate::store::StoreError> {
        let mut contacts = self.store.contacts()?;
        self.presence.decorate(&mut contacts);
        for c in &mut contacts {
            // The store has the hash; front-ends want the thumbnail.
            c.avatar = c.avatar.take().and_then(|hash| self.avatar_file(&hash));
        }
        Ok(contacts)
    }

    /// The cached thumbnail of the avatar with this hash, if it is there.
    fn avatar_file(&self, hash: &str) -> Option<String> {
        let path = avatar_path(&self.data_dir, hash)?;
        path.is_file().then(|| path.display().to_string())
    }

    /// The switches that apply without reconnecting.
    fn reconfigure(&mut self, config: &AccountConfig) {
        self.switches = config.switches;
        self.transfers.reconfigure(&config.files, &self.data_dir);
        // A shorter retention applies at once.
        if config.files.keep_days != self.keep_days {
            self.keep_days = config.files.keep_days;
            self.apply_retention(chrono::Utc::now());
        }
    }

    /// What we offer to contacts, following the privacy switches.
    fn offer(&self) -> crate::xmpp::caps::Offer {
        crate::xmpp::caps::Offer {
            receipts: self.switches.send_receipts,
            typing: self.switches.send_typing,
            read_markers: self.switches.send_read_markers,
            omemo: self.switches.omemo,
        }
    }

    /// A XEP-0199 ping to our server (its answer is not needed: it makes the
    /// stream write, e.g. a pending client state nonza).
    async fn ping_server(&mut self, stream: &Wire) {
        let iq = tokio_xmpp::parsers::iq::Iq::from_get(
            uuid::Uuid::new_v4().to_string(),
            tokio_xmpp::parsers::ping::Ping,
        )
        .with_to(BareJid::from_parts(None, self.jid.domain()).into());
        self.send(stream, Stanza::Iq(iq)).await;
    }

    /// Every stanza we send goes through here (XML console). The token
    /// follows it to the server; a test's recording wire gives none.
    async fn send(
        &mut self,
        stream: &Wire,
        stanza: Stanza,
    ) -> Option<tokio_xmpp::stanzastream::StanzaToken> {
        self.show_in_console(Direction::Out, &stanza);
        stream.send(stanza).await
    }

    fn show_in_console(&self, direction: Direction, stanza: &Stanza) {
        if self.console {
            self.emit(Event::Console {
                account: self.id.clone(),
                direction,
                xml: console::render(&console::to_element(stanza)),
            });
        }
    }

    async fn send_chat_state(
        &mut self,
        with: &str,
        state: crate::api::ChatStateKind,
        stream: &Wire,
    ) {
        if !self.switches.send_typing {
            return;
        }
        match with.parse::<tokio_xmpp::jid::Jid>() {
            Ok(to) if to.is_bare() && self.muc.is_joined(&to.to_bare()) => {
                self.send_room_chat_state(&to.to_bare(), state, stream)
                    .await
            }
            // Typing in a private conversation with a room occupant.
            Ok(to) if to.is_full() && self.muc.is_joined(&to.to_bare()) => {
                let mut msg = chatstates::notification(&to.to_bare(), state);
                msg.to = Some(to);
                let msg = muc::private::mark(msg);
                self.send(stream, Stanza::Message(msg)).await;
            }
            Ok(to) => {
                let msg = chatstates::notification(&to.to_bare(), state);
                self.send(stream, Stanza::Message(msg)).await;
            }
            Err(e) => self.error(
                Problem::InvalidAddress,
                format!("invalid contact {with}: {e}"),
                None,
            ),
        }
    }

    /// A stanza typed into the XML console.
    async fn send_raw(&mut self, xml: &str, stream: &Wire) {
        match console::parse_stanza(xml) {
            Ok(stanza) => {
                self.send(stream, stanza).await;
            }
            Err(e) => self.error(
                Problem::InvalidStanza,
                format!("stanza not sent: {e}"),
                None,
            ),
        }
    }
}

/// Where the thumbnail of the avatar with SHA-1 `hash` (hex) is cached; None
/// for anything that is not a SHA-1 hex string (it comes from the network).
pub fn avatar_path(data_dir: &std::path::Path, hash: &str) -> Option<PathBuf> {
    let hash = crate::xmpp::avatars::sha1_hex(hash)?;
    Some(
        data_dir
            .join(crate::profile::AVATARS_DIR)
            .join(format!("{hash}.png")),
    )
}

/// Whether the server offers XEP-0352 in its stream features.
fn offers_csi(features: &tokio_xmpp::parsers::stream_features::StreamFeatures) -> bool {
    features
        .others
        .iter()
        .any(|e| e.is("csi", tokio_xmpp::parsers::ns::CSI))
}
