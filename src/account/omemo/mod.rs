//! OMEMO (XEP-0384), both variants: our own device and what we know of
//! others' devices. This part: keys and publishing (sessions and messages
//! come later, see issue 22).
//!
//! - **Own device**: made on the first session with OMEMO on (the `omemo`
//!   switch, default on): identity, a signed pre-key per variant, 100
//!   one-time pre-keys and a random device id that none of our other
//!   devices uses; kept in the account store (`keys.rs`).
//! - **Each new session**: our device lists of both variants are read;
//!   then the keys are checked (signed pre-keys older than a week are
//!   replaced, retired ones go after 30 days), both bundles are published,
//!   and a list that lacks our device is published again with it added —
//!   merged, never overwritten: the other devices on it are our other
//!   clients. Nodes are published `open` (anyone may start a session with
//!   us, as the XEP requires); a node configured otherwise is reconfigured
//!   once, then published as it is.
//! - **Notifications** of device lists (we ask for both in our caps): ours
//!   without our device is merged back (another client overwrote it);
//!   contacts' lists go into the store for sessions to use.
//! - **User actions**: `devices` (what we know of an account's devices)
//!   and `omemo_remove_device` (a stale device of ours off our lists).
//!
//! Secrets stay in the store and in this task; nothing here logs them.

mod devices;
pub(crate) mod keys;
mod receive;
mod record;
mod rooms;
pub(super) mod send;
mod trust;

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use rand_core::OsRng;
use tokio_xmpp::jid::{BareJid, Jid};
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::iq::Iq;
use tokio_xmpp::parsers::stanza_error::StanzaError;

use super::Actor;
use super::inbound::PendingIq;
use super::requests::Responder;
use super::wire::Wire;
use crate::api::Problem;
use crate::xmpp::omemo::{DeviceId, DeviceList, Version};
use crate::xmpp::pep;

/// Publish-options of the device lists and 0.3 bundles: readable by anyone.
const OPEN: &[(&str, &str)] = &[("pubsub#access_model", "open")];
/// OMEMO 2 keeps every device's bundle as an item of one node.
const OPEN_ALL_ITEMS: &[(&str, &str)] =
    &[("pubsub#access_model", "open"), ("pubsub#max_items", "max")];

/// OMEMO state of one session.
#[derive(Debug, Default)]
pub(super) struct Omemo {
    /// Our requests: IQ id → what for.
    requests: HashMap<String, Purpose>,
    /// Our device lists as read at the session start; a list that could not
    /// be read is missing (and not published over).
    own_lists: HashMap<Version, DeviceList>,
    /// Own lists still to be read before the setup runs.
    own_lists_due: usize,
    /// This session's setup ran: keys exist, bundles went out.
    pub(in crate::account) ready: bool,
    /// Whether our device is on our list of each variant, as last seen.
    listed: HashMap<Version, bool>,
    /// Our list publishes under way, per variant: whether a notification
    /// without our device came meanwhile (then the list is read again
    /// once the publish is answered: the notification may be the old
    /// list, from before our publish, or another client's overwrite).
    list_in_flight: HashMap<Version, bool>,
    /// `devices` requests for accounts whose lists are being read: answers due.
    waiting: HashMap<BareJid, usize>,
    /// A removal of one of our devices under way.
    removal: Option<Removal>,
    /// One of our one-time pre-keys was replaced: the bundles are to be
    /// published again.
    bundles_due: bool,
    /// Bundles asked for to send (`send.rs`), this session.
    bundles: HashMap<(BareJid, Version, DeviceId), send::Fetch>,
    /// Contacts (and group members) whose device lists were asked for to
    /// send, this session.
    lists_fetched: HashSet<BareJid>,
    /// Rooms whose `encryption` is reported once those lists are in.
    rooms_due: std::collections::BTreeSet<BareJid>,
    /// Those list answers still due.
    lists_due: usize,
    /// Messages received per device since we last wrote to it (`send.rs`).
    unanswered: HashMap<(BareJid, Version, DeviceId), u32>,
    /// Devices owed an empty message (heartbeat), sent after the stanza.
    heartbeats: std::collections::BTreeSet<(BareJid, Version, DeviceId)>,
    /// Why devices could not be reached, this session (`devices` shows
    /// it): a bundle that failed, or messages that did not decrypt.
    problems: HashMap<(BareJid, Version, DeviceId), crate::api::DeviceProblem>,
    /// Sessions being reset: once rebuilt from the bundle, an empty
    /// message goes out through the new one.
    resets: HashSet<(BareJid, Version, DeviceId)>,
    /// Our identity key pair, derived once (`keys::own_cached`).
    pub(in crate::account) own: keys::OwnCache,
}

#[derive(Debug)]
struct Removal {
    due: usize,
    found: bool,
}

#[derive(Debug)]
enum Purpose {
    /// Our list at the session start.
    OwnList(Version),
    /// Our list again, after a notification without our device came
    /// while we were publishing it.
    Recheck(Version),
    /// Someone's list, for `devices`.
    List(BareJid, Version),
    /// Our list, to take `DeviceId` off it.
    RemovalList(Version, DeviceId),
    /// A contact's list, before a message to them is encrypted.
    SendList(BareJid, Version),
    /// A device's bundle, to start a session with it.
    Bundle((BareJid, Version, DeviceId)),
    Publish(Publication),
    /// The node's configuration, before `Publication` is tried again.
    Configure(Publication),
}

/// Something we publish, kept until the server took it (for a retry).
#[derive(Debug, Clone)]
struct Publication {
    node: String,
    item: Option<String>,
    payload: Element,
    options: &'static [(&'static str, &'static str)],
    stage: Stage,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    WithOptions,
    /// After reconfiguring the node.
    Reconfigured,
    /// Without options: the node stays as configured.
    Plain,
}

impl Omemo {
    /// A fresh session: nothing of the old one holds.
    pub(super) fn new_session(&mut self) {
        *self = Omemo::default();
    }
}

fn api_version(v: Version) -> crate::api::OmemoVersion {
    match v {
        Version::Legacy => crate::api::OmemoVersion::Omemo,
        Version::V2 => crate::api::OmemoVersion::Omemo2,
    }
}

/// The device list in an items answer for `version`'s devices node: None
/// when unreadable (then it is never published over: the devices on it
/// would be lost); a node that does not exist or has no item is empty.
fn list_from(
    version: Version,
    answer: &Result<Option<Element>, StanzaError>,
) -> Option<DeviceList> {
    use tokio_xmpp::parsers::ns;
    use tokio_xmpp::parsers::stanza_error::DefinedCondition;
    let node = version.devices_node();
    match answer {
        Ok(payload) => match pep::first_item(payload.as_ref(), node) {
            Some(item) => DeviceList::parse(version, &item).ok(),
            // Only an answer about this very node without items is empty.
            None => payload
                .as_ref()
                .and_then(|p| p.get_child("items", ns::PUBSUB))
                .filter(|items| items.attr("node") == Some(node))
                .map(|_| DeviceList::default()),
        },
        Err(e) if e.defined_condition == DefinedCondition::ItemNotFound => {
            Some(DeviceList::default())
        }
        Err(_) => None,
    }
}

impl Actor {
    /// A new session: read our device lists; the rest follows their answers.
    pub(super) async fn omemo_new_session(&mut self, stream: &Wire) {
        self.omemo.new_session();
        if !self.switches.omemo {
            return;
        }
        self.omemo.own_lists_due = Version::ALL.len();
        for version in Version::ALL {
            let own = self.jid.clone();
            self.omemo_read_list(own, version, Purpose::OwnList(version), stream)
                .await;
        }
    }

    /// Asks for `jid`'s device list of `version` (ours is answered by our
    /// account, a contact's by the contact's).
    async fn omemo_read_list(
        &mut self,
        jid: BareJid,
        version: Version,
        purpose: Purpose,
        stream: &Wire,
    ) {
        let responder = if jid == self.jid {
            Responder::Account
        } else {
            Responder::Contact(jid.clone())
        };
        let request = pep::items_request(version.devices_node(), None).into();
        self.omemo_ask(Jid::from(jid), responder, request, purpose, stream)
            .await;
    }

    /// Sends an IQ get to `to` for `purpose`.
    async fn omemo_ask(
        &mut self,
        to: Jid,
        responder: Responder,
        payload: Element,
        purpose: Purpose,
        stream: &Wire,
    ) {
        let id = uuid::Uuid::new_v4().to_string();
        let iq = Iq::Get {
            from: None,
            to: Some(to),
            id: id.clone(),
            payload,
        };
        self.omemo.requests.insert(id, purpose);
        self.request(iq, responder, PendingIq::Omemo, stream).await;
    }

    /// Publishes (or retries) `p` on our account.
    async fn omemo_publish(&mut self, p: Publication, stream: &Wire) {
        let options = if p.stage == Stage::Plain {
            &[][..]
        } else {
            p.options
        };
        let payload = pep::publish_with(&p.node, p.item.as_deref(), p.payload.clone(), options);
        self.omemo_set(payload.into(), Purpose::Publish(p), stream)
            .await;
    }

    async fn omemo_set(&mut self, payload: Element, purpose: Purpose, stream: &Wire) {
        let id = uuid::Uuid::new_v4().to_string();
        let iq = Iq::Set {
            from: None,
            to: None,
            id: id.clone(),
            payload,
        };
        self.omemo.requests.insert(id, purpose);
        self.request(iq, Responder::Account, PendingIq::Omemo, stream)
            .await;
    }

    /// The answer (or timeout) of one of our OMEMO requests.
    pub(super) async fn on_omemo_answer(
        &mut self,
        id: &str,
        answer: Result<Option<Element>, StanzaError>,
        stream: &Wire,
    ) {
        let Some(purpose) = self.omemo.requests.remove(id) else {
            return;
        };
        match purpose {
            Purpose::OwnList(version) => {
                match list_from(version, &answer) {
                    Some(list) => {
                        self.omemo.own_lists.insert(version, list);
                    }
                    None => tracing::warn!(
                        account = %self.id, ?version,
                        "our OMEMO device list could not be read; it is left as it is"
                    ),
                }
                self.omemo.own_lists_due = self.omemo.own_lists_due.saturating_sub(1);
                if self.omemo.own_lists_due == 0 {
                    self.omemo_setup(stream).await;
                }
            }
            Purpose::Recheck(version) => {
                let Some(list) = list_from(version, &answer) else {
                    return;
                };
                let own = self.jid.clone();
                self.store_device_list(&own, version, &list);
                match self.own_device_id() {
                    Some(ours) if !list.contains(ours) => {
                        self.publish_list_with_us(version, list, stream).await
                    }
                    Some(_) => {
                        self.omemo.listed.insert(version, true);
                    }
                    None => {}
                }
            }
            Purpose::List(jid, version) => {
                if let Some(list) = list_from(version, &answer) {
                    self.store_device_list(&jid, version, &list);
                }
                self.list_answered(&jid);
            }
            Purpose::RemovalList(version, device) => {
                self.on_removal_list(version, device, list_from(version, &answer), stream)
                    .await
            }
            Purpose::SendList(jid, version) => {
                if let Some(list) = list_from(version, &answer) {
                    self.store_device_list(&jid, version, &list);
                }
                self.on_send_list(stream).await;
            }
            Purpose::Bundle(key) => self.on_bundle(key, answer, stream).await,
            Purpose::Publish(p) => self.on_omemo_published(p, answer, stream).await,
            Purpose::Configure(p) => {
                let stage = match answer {
                    Ok(_) => Stage::Reconfigured,
                    Err(e) => {
                        tracing::warn!(
                            account = %self.id, node = p.node,
                            "OMEMO node not reconfigured ({}); published as it is",
                            super::stanza_error::describe(&e)
                        );
                        Stage::Plain
                    }
                };
                self.omemo_publish(Publication { stage, ..p }, stream).await;
            }
        }
    }

    async fn on_omemo_published(
        &mut self,
        p: Publication,
        answer: Result<Option<Element>, StanzaError>,
        stream: &Wire,
    ) {
        let Err(e) = answer else {
            tracing::debug!(account = %self.id, node = p.node, "OMEMO node published");
            return self.list_published(&p, stream).await;
        };
        if pep::is_precondition_failure(&e) {
            match p.stage {
                Stage::WithOptions => {
                    // Made by another client with other settings: make it
                    // open (the XEP requires it), then publish again.
                    tracing::info!(account = %self.id, node = p.node, "OMEMO node configured otherwise; reconfiguring it");
                    let configure = pep::configure(&p.node, p.options);
                    return self
                        .omemo_set(configure, Purpose::Configure(p), stream)
                        .await;
                }
                Stage::Reconfigured => {
                    tracing::warn!(account = %self.id, node = p.node, "OMEMO node keeps other settings; published as it is");
                    let p = Publication {
                        stage: Stage::Plain,
                        ..p
                    };
                    return self.omemo_publish(p, stream).await;
                }
                Stage::Plain => {}
            }
        }
        self.refused(Problem::Omemo, "OMEMO keys not published", &e);
        self.list_published(&p, stream).await;
    }

    /// A publish of ours is done (taken or refused for good): if it was a
    /// device list and a notification without our device came meanwhile,
    /// the list is read again.
    async fn list_published(&mut self, p: &Publication, stream: &Wire) {
        let Some(version) = Version::of_devices_node(&p.node) else {
            return;
        };
        if self.omemo.list_in_flight.remove(&version) == Some(true) {
            let own = self.jid.clone();
            self.omemo_read_list(own, version, Purpose::Recheck(version), stream)
                .await;
        }
    }

    /// Our lists are read (or could not be): make our device if there is
    /// none, renew old keys, publish the bundles and put our device on
    /// the lists that lack it.
    async fn omemo_setup(&mut self, stream: &Wire) {
        let now = Utc::now();
        let taken: Vec<DeviceId> = self
            .omemo
            .own_lists
            .values()
            .flat_map(|l| l.devices.iter().map(|d| d.id))
            .collect();
        let made = match keys::ensure_own(&mut self.store, &taken, now, &mut OsRng) {
            Ok(made) => made,
            Err(e) => return self.error(Problem::Omemo, e.to_string(), None),
        };
        if !made && let Err(e) = keys::rotate(&mut self.store, now, &mut OsRng) {
            self.error(Problem::Omemo, e.to_string(), None);
        }
        let Some(ours) = self.own_device_id() else {
            return;
        };
        if made {
            tracing::info!(account = %self.id, device = %ours, "OMEMO device made");
        }
        self.omemo.ready = true;
        self.publish_bundles(stream).await;
        let own = self.jid.clone();
        for version in Version::ALL {
            let Some(list) = self.omemo.own_lists.get(&version).cloned() else {
                continue;
            };
            self.store_device_list(&own, version, &list);
            if list.contains(ours) {
                self.omemo.listed.insert(version, true);
            } else {
                self.publish_list_with_us(version, list, stream).await;
            }
        }
        // Messages written before our device existed wait for it.
        self.omemo_keys_arrived(stream).await;
    }

    /// Our device id, once made.
    fn own_device_id(&self) -> Option<DeviceId> {
        match self.store.omemo_own() {
            Ok(own) => own.map(|o| o.device_id),
            Err(e) => {
                self.error(Problem::StoreFailed, e.to_string(), None);
                None
            }
        }
    }

    /// Publishes our bundle of each variant (as the store has it now).
    async fn publish_bundles(&mut self, stream: &Wire) {
        let Some(ours) = self.own_device_id() else {
            return;
        };
        for version in Version::ALL {
            let bundle = match keys::bundle(&self.store, version) {
                Ok(b) => b,
                Err(e) => return self.error(Problem::Omemo, e.to_string(), None),
            };
            let (node, item) = version.bundle_location(ours);
            let options = match version {
                Version::Legacy => OPEN,
                Version::V2 => OPEN_ALL_ITEMS,
            };
            let p = Publication {
                node,
                item,
                payload: bundle.to_element(version),
                options,
                stage: Stage::WithOptions,
            };
            self.omemo_publish(p, stream).await;
        }
    }

    /// Publishes `list` of `version` with our device added (the others stay).
    async fn publish_list_with_us(&mut self, version: Version, list: DeviceList, stream: &Wire) {
        let Some(ours) = self.own_device_id() else {
            return;
        };
        tracing::info!(account = %self.id, ?version, device = %ours, others = list.devices.len(), "putting our OMEMO device on our list");
        let list = list.with(crate::xmpp::omemo::Device {
            id: ours,
            label: None,
        });
        self.publish_list(version, &list, stream).await;
    }

    async fn publish_list(&mut self, version: Version, list: &DeviceList, stream: &Wire) {
        if let Some(ours) = self.own_device_id() {
            self.omemo.listed.insert(version, list.contains(ours));
        }
        self.omemo.list_in_flight.insert(version, false);
        let p = Publication {
            node: version.devices_node().to_owned(),
            item: Some(version.devices_item().to_owned()),
            payload: list.to_element(version),
            options: OPEN,
            stage: Stage::WithOptions,
        };
        self.omemo_publish(p, stream).await;
    }

    /// A session was built on our one-time pre-key `used` (a pre-key
    /// message arrived): it is replaced by a new one, and the bundles go
    /// out again after the stanza ([`Actor::omemo_after_stanza`]; offline,
    /// with the next session's).
    pub(super) fn omemo_pre_key_used(&mut self, used: u32) {
        match keys::replace_pre_key(&mut self.store, used, &mut OsRng) {
            Ok(Some(_)) => self.omemo.bundles_due = true,
            Ok(None) => {
                tracing::debug!(account = %self.id, used, "OMEMO pre-key already replaced")
            }
            Err(e) => self.error(Problem::Omemo, e.to_string(), None),
        }
    }

    /// After each stanza: bundles whose pre-keys changed are published
    /// (once for a whole archive page or burst).
    pub(in crate::account) async fn omemo_after_stanza(&mut self, stream: &Wire) {
        if self.omemo.bundles_due && self.omemo.ready {
            self.omemo.bundles_due = false;
            self.publish_bundles(stream).await;
        }
        if !self.omemo.heartbeats.is_empty() && self.omemo.ready {
            self.send_heartbeats(stream).await;
        }
    }
}
