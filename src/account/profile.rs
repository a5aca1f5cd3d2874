//! Contact details (`profile`) and publishing our own (`set_profile`).
//!
//! A `profile` request starts from what the store knows (roster name,
//! subscription, nickname, avatar, last seen) and the live presence, then
//! asks in parallel: the vCard and nickname (PEP items at the bare JID),
//! the last activity (only when the contact is offline) and the client of
//! each online resource (XEP-0092; the caps identity name until it
//! answers). Answers are collected like `server_info` does; after
//! [`PATIENCE`] whatever is there is sent with `complete: false`. Several
//! requests, also for the same JID, can be under way at once.
//!
//! `set_profile` first reads our vCard from the server so that fields other
//! clients wrote survive (see `vcard::merge`), then publishes it with the
//! access model `presence`: only people who may see our presence (our
//! contacts) may read it, not everyone who knows our address. The nickname
//! keeps the server's default node access (on Prosody also `presence`).

use std::collections::HashMap;
use std::time::Duration;

use crate::account::wire::Wire;
use chrono::Utc;
use tokio::sync::mpsc;
use tokio_xmpp::Stanza;
use tokio_xmpp::jid::{BareJid, Jid};
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::iq::Iq;
use tokio_xmpp::parsers::stanza_error::{DefinedCondition, StanzaError};

use super::requests::{Answer, Requests, Responder};
use super::{Actor, nick, vcard, version};
use crate::api::{ConnState, Event, PeerProfile, Problem, ResourceInfo, VCard};
use crate::xmpp::{last_activity, pep};

/// How long a `profile` request waits for answers.
pub const PATIENCE: Duration = Duration::from_secs(5);
/// How long `set_profile` waits for the server.
const SAVE_PATIENCE: Duration = Duration::from_secs(15);
/// Who may read our vCard (XEP-0060 access model).
const VCARD_ACCESS: &str = "presence";

/// A timer ran out for the request with this key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline(u64);

/// What one of our requests is for.
#[derive(Debug, Clone, PartialEq)]
enum Part {
    VCard,
    Nick,
    LastActivity,
    /// The client of this resource.
    Version(String),
    /// `set_profile`: our vCard as it is, then publishing the merged one
    /// (`with_options`: still with our access model).
    OwnVCard,
    PublishVCard {
        with_options: bool,
    },
    PublishNick,
}

/// A `profile` answer being put together.
#[derive(Debug)]
struct Draft {
    profile: PeerProfile,
    waiting: usize,
    failed: bool,
}

/// A `set_profile` under way.
#[derive(Debug)]
struct Save {
    key: u64,
    nick: Option<String>,
    vcard: VCard,
    /// The merged vCard, kept to publish it again without options.
    merged: Option<Element>,
    waiting: usize,
    errors: Vec<String>,
}

/// The profile requests of one account.
#[derive(Debug)]
pub struct Profiles {
    next: u64,
    drafts: HashMap<u64, Draft>,
    /// Open requests: the profile request (`key`) and part each is for.
    pending: Requests<(u64, Part)>,
    save: Option<Save>,
    deadlines: mpsc::UnboundedSender<Deadline>,
}

impl Profiles {
    /// `deadlines` gets a [`Deadline`] when a request's time is up; the
    /// actor hands it back to [`Actor::on_profile_deadline`].
    pub fn new(deadlines: mpsc::UnboundedSender<Deadline>) -> Self {
        Profiles {
            next: 0,
            drafts: HashMap::new(),
            pending: Requests::default(),
            save: None,
            deadlines,
        }
    }

    fn key(&mut self) -> u64 {
        self.next += 1;
        self.next
    }

    fn arm(&self, key: u64, after: Duration) {
        let tx = self.deadlines.clone();
        tokio::spawn(async move {
            tokio::time::sleep(after).await;
            let _ = tx.send(Deadline(key));
        });
    }

    /// A new session: nobody will answer the old one's requests.
    pub(super) fn new_session(&mut self) {
        self.pending.clear();
    }

    /// Forgets the open requests of `key` (done or given up).
    fn forget(&mut self, key: u64) {
        self.pending.forget(|(k, _)| *k == key);
    }
}

/// Who may answer a request sent to `to`: only that JID; our server
/// answers for our own bare JID.
fn responder(to: Jid, own: &BareJid) -> Responder {
    if to.as_str() == own.as_str() {
        Responder::Account
    } else {
        Responder::Client(to)
    }
}

/// Whether an error answer is final ("there is nothing for you"), not a
/// failure that may go away: such parts are left empty without making the
/// profile incomplete.
fn is_definitive(error: &StanzaError) -> bool {
    matches!(
        error.defined_condition,
        DefinedCondition::ItemNotFound
            | DefinedCondition::Forbidden
            | DefinedCondition::NotAuthorized
            | DefinedCondition::NotAllowed
            | DefinedCondition::ServiceUnavailable
            | DefinedCondition::FeatureNotImplemented
            | DefinedCondition::SubscriptionRequired
    )
}

impl Actor {
    /// Sends one request of `key` to `to`.
    async fn ask(
        &mut self,
        stream: &Wire,
        key: u64,
        to: Jid,
        part: Part,
        payload: Element,
        set: bool,
    ) {
        let id = uuid::Uuid::new_v4().to_string();
        let iq = if set {
            Iq::Set {
                from: None,
                to: Some(to.clone()),
                id: id.clone(),
                payload,
            }
        } else {
            Iq::Get {
                from: None,
                to: Some(to.clone()),
                id: id.clone(),
                payload,
            }
        };
        let responder = responder(to, &self.jid);
        let now = tokio::time::Instant::now();
        if self.profiles.pending.open(id, responder, (key, part), now) {
            self.send(stream, Stanza::Iq(iq)).await;
        }
    }

    /// Our resource (the part of our full JID after the `/`).
    fn own_resource(&self) -> &str {
        self.full_jid.split_once('/').map_or("", |(_, r)| r)
    }

    /// The online resources of `jid` with what we know of their clients;
    /// for our own account also this device.
    fn resources_of(&self, jid: &BareJid) -> Vec<ResourceInfo> {
        let mut list = self.presence.resources(jid);
        for r in &mut list {
            r.client = self.caps.client_name(jid, &r.resource);
        }
        let visible = self.own_presence.presence != crate::api::Availability::Offline;
        if *jid == self.jid && self.state == ConnState::Online && visible {
            list.retain(|r| r.resource != self.own_resource());
            list.insert(
                0,
                ResourceInfo {
                    resource: self.own_resource().to_owned(),
                    presence: self.own_presence.presence,
                    priority: self.priority,
                    status: self.own_presence.status.clone(),
                    client: Some(crate::xmpp::version::own_client()),
                },
            );
        }
        list
    }

    /// What the store and the live presence know about `jid`.
    fn stored_profile(&self, jid: &BareJid) -> PeerProfile {
        let key = jid.as_str();
        let contact = self.store.contact(key).ok().flatten();
        let peer = self.store.peer(key).unwrap_or_default();
        let resources = self.resources_of(jid);
        PeerProfile {
            jid: key.to_owned(),
            name: contact.as_ref().and_then(|c| c.name.clone()),
            subscription: contact.map(|c| c.subscription),
            nick: peer.nick,
            vcard: VCard::default(),
            // Only for someone who is offline now.
            last_seen: peer.last_seen.filter(|_| resources.is_empty()),
            avatar: peer.avatar.and_then(|hash| self.avatar_file(&hash)),
            resources,
            complete: false,
        }
    }

    fn profile_jid(&self, jid: &str) -> Option<BareJid> {
        match jid.trim().parse::<BareJid>() {
            Ok(j) => Some(j),
            Err(e) => {
                self.error(
                    Problem::InvalidAddress,
                    format!("invalid JID {jid}: {e}"),
                    None,
                );
                None
            }
        }
    }

    /// Without a connection: what the store knows, marked incomplete.
    pub(super) fn profile_from_store(&mut self, jid: &str) {
        if let Some(jid) = self.profile_jid(jid) {
            let profile = self.stored_profile(&jid);
            self.emit(Event::Profile {
                account: self.id.clone(),
                profile,
            });
        }
    }

    /// Starts gathering the details of `jid` (a contact, anyone, or us).
    pub(super) async fn request_profile(&mut self, jid: &str, stream: &Wire) {
        let Some(jid) = self.profile_jid(jid) else {
            return;
        };
        let profile = self.stored_profile(&jid);
        let own = jid == self.jid;
        let offline = profile.resources.is_empty();
        let versions: Vec<String> = profile
            .resources
            .iter()
            .map(|r| r.resource.clone())
            // Not this device: we know what it runs.
            .filter(|r| !r.is_empty() && (!own || r != self.own_resource()))
            .collect();
        let bare = Jid::from(jid.clone());
        let mut asks = vec![
            (
                bare.clone(),
                Part::VCard,
                pep::items_request(crate::xmpp::vcard::NODE, None).into(),
            ),
            (
                bare.clone(),
                Part::Nick,
                pep::items_request(crate::xmpp::nick::NODE, None).into(),
            ),
        ];
        if offline && !own {
            asks.push((bare, Part::LastActivity, last_activity::query()));
        }
        for resource in versions {
            match jid.with_resource_str(&resource) {
                Ok(full) => asks.push((
                    full.into(),
                    Part::Version(resource),
                    crate::xmpp::version::query(),
                )),
                Err(e) => tracing::debug!(account = %self.id, "odd resource {resource:?}: {e}"),
            }
        }
        let key = self.profiles.key();
        let draft = Draft {
            profile,
            waiting: asks.len(),
            failed: false,
        };
        self.profiles.drafts.insert(key, draft);
        for (to, part, payload) in asks {
            self.ask(stream, key, to, part, payload, false).await;
        }
        self.profiles.arm(key, PATIENCE);
    }

    /// Handles the answer to request `id` if it is one of ours (true), also
    /// when it came from the wrong JID (then it is ignored). False: not ours.
    pub(super) async fn on_profile_iq(
        &mut self,
        id: &str,
        from: Option<&Jid>,
        answer: &Result<Option<Element>, StanzaError>,
        stream: &Wire,
    ) -> bool {
        match self.profiles.pending.answer(id, from, &self.jid) {
            Answer::Unknown => false,
            Answer::Spoofed => true,
            Answer::Ours((key, part)) => {
                self.on_profile_answer(key, part, answer, stream).await;
                true
            }
        }
    }

    /// Fails the profile requests that got no answer in time like an error
    /// answer (the profile's own deadline usually comes first).
    pub(super) async fn expire_profile_requests(
        &mut self,
        now: tokio::time::Instant,
        timeout: &StanzaError,
        stream: &Wire,
    ) {
        for (_, (key, part)) in self.profiles.pending.expire(now) {
            self.on_profile_answer(key, part, &Err(timeout.clone()), stream)
                .await;
        }
    }

    async fn on_profile_answer(
        &mut self,
        key: u64,
        part: Part,
        answer: &Result<Option<Element>, StanzaError>,
        stream: &Wire,
    ) {
        match part {
            Part::OwnVCard | Part::PublishVCard { .. } | Part::PublishNick => {
                self.on_save_answer(key, part, answer, stream).await
            }
            _ => self.on_draft_answer(key, part, answer),
        }
    }

    fn on_draft_answer(
        &mut self,
        key: u64,
        part: Part,
        answer: &Result<Option<Element>, StanzaError>,
    ) {
        let Some(draft) = self.profiles.drafts.get(&key) else {
            return;
        };
        let Ok(jid) = draft.profile.jid.parse::<BareJid>() else {
            return;
        };
        let known_seen = draft.profile.last_seen;
        let payload = answer.as_ref().ok().and_then(Option::as_ref);
        let failed = answer.as_ref().is_err_and(|e| !is_definitive(e));
        // What the answer changes, applied to the draft below.
        let mut vcard_found = None;
        let mut nick_found = None;
        let mut last_seen = None;
        let mut client = None;
        match &part {
            Part::VCard => {
                vcard_found =
                    pep::first_item(payload, crate::xmpp::vcard::NODE).map(|e| vcard::parse(&e));
            }
            Part::Nick => {
                // An empty <nick/> means "none"; no item leaves what we have
                // (e.g. the nickname of their subscription request).
                if let Some(el) = pep::first_item(payload, crate::xmpp::nick::NODE)
                    .filter(|e| e.is("nick", crate::xmpp::nick::NODE))
                {
                    let n = nick::from_element(&el);
                    self.apply_nick(&jid, n.clone());
                    nick_found = Some(n);
                }
            }
            Part::LastActivity => {
                // The server counts whole seconds: what we saw ourselves is
                // more precise, unless the contact was online again since.
                let told = last_activity::seen_at(payload, Utc::now());
                if let Some(at) = told
                    .filter(|at| known_seen.is_none_or(|k| *at > k + chrono::Duration::seconds(2)))
                {
                    last_seen = self.store_last_seen(&jid, at);
                }
            }
            Part::Version(resource) => {
                client = version::client_name(payload).map(|c| (resource.clone(), c));
            }
            Part::OwnVCard | Part::PublishVCard { .. } | Part::PublishNick => {}
        }
        let Some(draft) = self.profiles.drafts.get_mut(&key) else {
            return;
        };
        let p = &mut draft.profile;
        if let Some(card) = vcard_found {
            p.vcard = card;
        }
        if let Some(n) = nick_found {
            p.nick = n;
        }
        if last_seen.is_some() {
            p.last_seen = last_seen;
        }
        if let Some((resource, name)) = client
            && let Some(r) = p.resources.iter_mut().find(|r| r.resource == resource)
        {
            r.client = Some(name);
        }
        draft.failed |= failed;
        draft.waiting = draft.waiting.saturating_sub(1);
        if draft.waiting == 0 {
            let complete = !draft.failed;
            self.finish_profile(key, complete);
        }
    }

    /// Sends the profile of `key` as it is now.
    fn finish_profile(&mut self, key: u64, complete: bool) {
        self.profiles.forget(key);
        let Some(draft) = self.profiles.drafts.remove(&key) else {
            return;
        };
        let mut profile = draft.profile;
        profile.complete = complete;
        if !profile.resources.is_empty() {
            profile.last_seen = None;
        }
        self.emit(Event::Profile {
            account: self.id.clone(),
            profile,
        });
    }

    /// A timer ran out: the profile goes out as it is, a save is given up.
    pub(super) fn on_profile_deadline(&mut self, Deadline(key): Deadline) {
        if self.profiles.drafts.contains_key(&key) {
            tracing::debug!(account = %self.id, "profile request timed out; sending what is there");
            return self.finish_profile(key, false);
        }
        if self.profiles.save.as_ref().is_some_and(|s| s.key == key) {
            self.profiles.save = None;
            self.profiles.forget(key);
            self.error(
                Problem::ServerTimeout,
                "the server did not answer in time: the profile may not have been saved",
                None,
            );
        }
    }

    /// Publishes our nickname and vCard.
    pub(super) async fn set_profile(&mut self, nick: Option<String>, card: VCard, stream: &Wire) {
        if self.profiles.save.is_some() {
            return self.error(
                Problem::StillBusy,
                "the last profile change is still being saved; try again",
                None,
            );
        }
        let nick = nick.as_deref().and_then(nick::clean);
        let key = self.profiles.key();
        self.profiles.save = Some(Save {
            key,
            nick: nick.clone(),
            vcard: vcard::normalize(&card),
            merged: None,
            waiting: 2,
            errors: vec![],
        });
        let own = Jid::from(self.jid.clone());
        // Publishing replaces the whole item: read ours first, so what
        // other clients wrote into it survives.
        let read = pep::items_request(crate::xmpp::vcard::NODE, None).into();
        self.ask(stream, key, own.clone(), Part::OwnVCard, read, false)
            .await;
        let publish = crate::xmpp::nick::publish(nick.as_deref()).into();
        self.ask(stream, key, own, Part::PublishNick, publish, true)
            .await;
        self.profiles.arm(key, SAVE_PATIENCE);
    }

    /// Publishes the merged vCard (with or without our access model).
    async fn publish_vcard(
        &mut self,
        key: u64,
        merged: Element,
        with_options: bool,
        stream: &Wire,
    ) {
        let access = with_options.then_some(VCARD_ACCESS);
        let publish = pep::publish(
            crate::xmpp::vcard::NODE,
            Some(crate::xmpp::vcard::ITEM),
            merged,
            access,
        )
        .into();
        let own = Jid::from(self.jid.clone());
        let part = Part::PublishVCard { with_options };
        self.ask(stream, key, own, part, publish, true).await;
    }

    async fn on_save_answer(
        &mut self,
        key: u64,
        part: Part,
        answer: &Result<Option<Element>, StanzaError>,
        stream: &Wire,
    ) {
        let Some(save) = self.profiles.save.as_mut().filter(|s| s.key == key) else {
            return;
        };
        let condition = super::stanza_error::describe;
        match (part, answer) {
            (Part::OwnVCard, Ok(payload)) => {
                let existing = pep::first_item(payload.as_ref(), crate::xmpp::vcard::NODE);
                let merged = vcard::merge(existing.as_ref(), &save.vcard);
                save.merged = Some(merged.clone());
                return self.publish_vcard(key, merged, true, stream).await;
            }
            (Part::OwnVCard, Err(e)) if e.defined_condition == DefinedCondition::ItemNotFound => {
                let merged = vcard::merge(None, &save.vcard);
                save.merged = Some(merged.clone());
                return self.publish_vcard(key, merged, true, stream).await;
            }
            (Part::OwnVCard, Err(e)) => save.errors.push(format!(
                "the vCard on the server could not be read ({}), so it was left unchanged",
                condition(e)
            )),
            (Part::PublishVCard { with_options: true }, Err(e))
                if pep::is_precondition_failure(e) =>
            {
                // The node exists with another access model (set by another
                // client, or by the server for a legacy vCard): keep that
                // choice rather than failing or silently changing it.
                tracing::info!(account = %self.id, "vCard node has another access model; publishing without options");
                if let Some(merged) = save.merged.clone() {
                    return self.publish_vcard(key, merged, false, stream).await;
                }
            }
            (Part::PublishVCard { .. }, Ok(_)) => {}
            (Part::PublishVCard { .. }, Err(e)) => save
                .errors
                .push(format!("the server refused the vCard ({})", condition(e))),
            (Part::PublishNick, Ok(_)) => {
                let nick = save.nick.clone();
                let own = self.jid.clone();
                if let Err(e) = self.store.set_nick(own.as_str(), nick.as_deref()) {
                    self.error(Problem::StoreFailed, e.to_string(), None);
                }
                self.emit(Event::Nick {
                    account: self.id.clone(),
                    jid: own.to_string(),
                    nick,
                });
            }
            (Part::PublishNick, Err(e)) => save.errors.push(format!(
                "the server refused the nickname ({})",
                condition(e)
            )),
            _ => {}
        }
        let Some(save) = self.profiles.save.as_mut() else {
            return;
        };
        save.waiting = save.waiting.saturating_sub(1);
        if save.waiting > 0 {
            return;
        }
        let errors = std::mem::take(&mut save.errors);
        self.profiles.save = None;
        self.profiles.forget(key);
        if errors.is_empty() {
            let own = self.jid.to_string();
            self.request_profile(&own, stream).await;
        } else {
            self.error(
                Problem::ProfileNotSaved,
                format!("profile not saved: {}", errors.join("; ")),
                None,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_asked_jid_may_answer() {
        let (tx, _rx) = mpsc::unbounded_channel();
        let mut p = Profiles::new(tx);
        let own: BareJid = "me@x".parse().unwrap_or_else(|e| panic!("{e}"));
        let jid = |s: &str| s.parse::<Jid>().unwrap_or_else(|e| panic!("{e}"));
        let now = tokio::time::Instant::now();
        let mut ask = |id: &str, to: &str, key: u64, part: Part| {
            p.pending
                .open(id.into(), responder(jid(to), &own), (key, part), now)
        };
        ask("1", "bob@x/pc", 7, Part::Version("pc".into()));
        ask("2", "me@x", 7, Part::VCard);
        ask("3", "bob@x", 8, Part::Nick);
        let mut answer = |id: &str, from: Option<&str>| {
            let from = from.map(jid);
            p.pending.answer(id, from.as_ref(), &own)
        };
        assert_eq!(answer("1", Some("bob@x")), Answer::Spoofed, "bare for full");
        assert_eq!(answer("1", Some("eve@x/pc")), Answer::Spoofed);
        assert_eq!(answer("1", None), Answer::Spoofed);
        assert_eq!(
            answer("1", Some("bob@x/pc")),
            Answer::Ours((7, Part::Version("pc".into())))
        );
        assert_eq!(answer("1", Some("bob@x/pc")), Answer::Unknown, "only once");
        assert_eq!(
            answer("2", None),
            Answer::Ours((7, Part::VCard)),
            "our server"
        );
        p.forget(8);
        assert_eq!(p.pending.len(), 0);
    }
}
