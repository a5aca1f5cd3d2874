//! Device lists: notifications (ours and contacts'), the `devices`
//! answer and removing a stale device of ours.

use chrono::Utc;
use tokio_xmpp::jid::{BareJid, Jid};
use tokio_xmpp::minidom::Element;

use super::super::Actor;
use super::super::wire::Wire;
use super::{Purpose, Removal, api_version, keys};
use crate::api::{DeviceInfo, Event, Problem, Trust};
use crate::xmpp::omemo::{DeviceId, DeviceList, Version};

impl Actor {
    /// Keeps `list` (of `jid`, in `version`) in the store; our own device
    /// is not kept there (it is ours, not a peer).
    pub(super) fn store_device_list(&mut self, jid: &BareJid, version: Version, list: &DeviceList) {
        let ours = (*jid == self.jid).then(|| self.own_device_id()).flatten();
        let devices: Vec<(DeviceId, Option<&str>)> = list
            .devices
            .iter()
            .filter(|d| Some(d.id) != ours)
            .map(|d| (d.id, d.label.as_deref()))
            .collect();
        match self
            .store
            .apply_device_list(jid.as_str(), version, &devices, Utc::now())
        {
            Ok(change) if !change.added.is_empty() || !change.removed.is_empty() => {
                tracing::debug!(account = %self.id, %jid, ?version, ?change, "OMEMO device list changed");
                // An open chat's composer shows whether it can encrypt now;
                // so do the groups they are a member of (who cannot read).
                if *jid != self.jid {
                    self.report_encryption(jid.clone());
                    for room in self.rooms_with_member(jid) {
                        self.report_encryption(room);
                    }
                }
            }
            Ok(_) => {}
            Err(e) => self.error(Problem::StoreFailed, e.to_string(), None),
        }
    }

    /// A device list notification of `owner` (from the bare JID: checked
    /// by the PEP dispatch).
    pub(in crate::account) async fn on_device_list_notification(
        &mut self,
        owner: BareJid,
        version: Version,
        published: &[Option<Element>],
        retracted: bool,
        stream: &Wire,
    ) {
        if !self.switches.omemo {
            return;
        }
        let list = match published.iter().rev().flatten().next() {
            Some(payload) => match DeviceList::parse(version, payload) {
                Ok(list) => list,
                Err(e) => {
                    tracing::info!(account = %self.id, %owner, "unreadable OMEMO device list ignored: {e}");
                    return;
                }
            },
            // The list was retracted: nobody's devices are on it.
            None if retracted => DeviceList::default(),
            None => return,
        };
        self.store_device_list(&owner, version, &list);
        if owner != self.jid {
            return;
        }
        let Some(ours) = self.own_device_id() else {
            return;
        };
        if list.contains(ours) {
            self.omemo.listed.insert(version, true);
        } else if let Some(recheck) = self.omemo.list_in_flight.get_mut(&version) {
            // Ours is on its way: this may be the list from before it.
            *recheck = true;
        } else if self.omemo.ready {
            // Another client published the list without us: merge back.
            tracing::info!(account = %self.id, ?version, "our OMEMO device was taken off our list; adding it again");
            self.publish_list_with_us(version, list, stream).await;
        }
    }

    /// One of the lists a `devices` request waits for was answered.
    pub(super) fn list_answered(&mut self, jid: &BareJid) {
        let Some(due) = self.omemo.waiting.get_mut(jid) else {
            return;
        };
        *due = due.saturating_sub(1);
        if *due == 0 {
            self.omemo.waiting.remove(jid);
            self.emit_devices(jid);
        }
    }

    /// `devices`: ours from what we have, a contact's from the store — read
    /// from their lists first when nothing is known and we are online.
    pub(in crate::account) async fn devices(&mut self, jid: &str, online: Option<&Wire>) {
        let jid: BareJid = match jid.parse::<Jid>() {
            Ok(j) => j.to_bare(),
            Err(e) => {
                return self.error(
                    Problem::InvalidAddress,
                    format!("invalid address {jid}: {e}"),
                    None,
                );
            }
        };
        let known = match self.store.omemo_devices(jid.as_str()) {
            Ok(known) => !known.is_empty(),
            Err(e) => return self.error(Problem::StoreFailed, e.to_string(), None),
        };
        let stream = online.filter(|_| self.switches.omemo);
        match stream {
            Some(stream) if !known && jid != self.jid && !self.omemo.waiting.contains_key(&jid) => {
                self.omemo.waiting.insert(jid.clone(), Version::ALL.len());
                for version in Version::ALL {
                    let purpose = Purpose::List(jid.clone(), version);
                    self.omemo_read_list(jid.clone(), version, purpose, stream)
                        .await;
                }
            }
            // Being read: answered with the lists.
            Some(_) if self.omemo.waiting.contains_key(&jid) => {}
            _ => self.emit_devices(&jid),
        }
    }

    /// The `devices` event for `jid` from what we know.
    pub(super) fn emit_devices(&mut self, jid: &BareJid) {
        let mut devices = Vec::new();
        if *jid == self.jid
            && let Ok((id, identity)) = keys::own(&self.store)
        {
            for version in Version::ALL {
                devices.push(DeviceInfo {
                    id: id.get(),
                    version: api_version(version),
                    fingerprint: Some(keys::own_fingerprint(&identity, version)),
                    trust: Trust::Verified,
                    label: None,
                    active: self.omemo.listed.get(&version).copied().unwrap_or(false),
                    own: true,
                    last_used: None,
                    stale: false,
                    problem: None,
                });
            }
        }
        let stored = match self.store.omemo_devices(jid.as_str()) {
            Ok(stored) => stored,
            Err(e) => return self.error(Problem::StoreFailed, e.to_string(), None),
        };
        let now = Utc::now();
        devices.extend(stored.into_iter().map(|d| {
            let problem = self
                .omemo
                .problems
                .get(&(jid.clone(), d.version, d.device_id))
                .copied();
            DeviceInfo {
                stale: d.stale(now),
                problem,
                id: d.device_id.get(),
                version: api_version(d.version),
                fingerprint: d
                    .identity
                    .as_deref()
                    .and_then(|i| keys::fingerprint(d.version, i)),
                trust: d.trust,
                label: d.label,
                active: d.active,
                own: false,
                last_used: d.last_used,
            }
        }));
        self.emit(Event::Devices {
            account: self.id.clone(),
            jid: jid.to_string(),
            devices,
        });
    }

    /// `omemo_reset_session`: forgets the sessions with `device` of `jid`
    /// and builds new ones from its bundles (an empty message goes out
    /// through each, `on_bundle`), for every variant it is on a list in.
    pub(in crate::account) async fn omemo_reset_session(
        &mut self,
        jid: &str,
        device: u32,
        stream: &Wire,
    ) {
        let (Ok(jid), Some(device)) = (
            jid.parse::<Jid>().map(|j| j.to_bare()),
            DeviceId::new(device),
        ) else {
            return self.error(
                Problem::InvalidAddress,
                format!("no OMEMO device {device} of {jid}"),
                None,
            );
        };
        let versions: Vec<Version> = match self.store.omemo_devices(jid.as_str()) {
            Ok(known) => known
                .iter()
                .filter(|d| d.device_id == device && d.active)
                .map(|d| d.version)
                .collect(),
            Err(e) => return self.error(Problem::StoreFailed, e.to_string(), None),
        };
        if versions.is_empty() || self.own_device_id() == Some(device) && jid == self.jid {
            return self.error(
                Problem::Omemo,
                format!("{jid} has no device {device} in use"),
                None,
            );
        }
        if let Err(e) = self.store.delete_omemo_sessions(jid.as_str(), device) {
            return self.error(Problem::StoreFailed, e.to_string(), None);
        }
        tracing::info!(account = %self.id, %jid, %device, "OMEMO session reset");
        for version in versions {
            let key = (jid.clone(), version, device);
            self.omemo.problems.remove(&key);
            self.omemo.bundles.remove(&key);
            self.omemo.resets.insert(key.clone());
            self.omemo_fetch_bundle(key, stream).await;
        }
        self.emit_devices(&jid);
    }

    /// `omemo_remove_device`: reads our lists afresh, then publishes each
    /// that has `device` without it.
    pub(in crate::account) async fn omemo_remove_device(&mut self, device: u32, stream: &Wire) {
        let Some(device) = DeviceId::new(device) else {
            return self.error(
                Problem::Omemo,
                format!("{device} is not an OMEMO device id"),
                None,
            );
        };
        if !self.switches.omemo {
            return self.error(
                Problem::Omemo,
                "OMEMO is switched off for this account",
                None,
            );
        }
        if self.own_device_id() == Some(device) {
            return self.error(
                Problem::Omemo,
                "this device cannot be removed from its own device list",
                None,
            );
        }
        if self.omemo.removal.is_some() {
            return self.error(
                Problem::StillBusy,
                "the previous device removal is still under way",
                None,
            );
        }
        self.omemo.removal = Some(Removal {
            due: Version::ALL.len(),
            found: false,
        });
        for version in Version::ALL {
            let own = self.jid.clone();
            let purpose = Purpose::RemovalList(version, device);
            self.omemo_read_list(own, version, purpose, stream).await;
        }
    }

    pub(super) async fn on_removal_list(
        &mut self,
        version: Version,
        device: DeviceId,
        list: Option<DeviceList>,
        stream: &Wire,
    ) {
        let own = self.jid.clone();
        match list {
            Some(list) if list.contains(device) => {
                let mut list = list.without(device);
                if let Some(ours) = self.own_device_id()
                    && self.omemo.ready
                {
                    list = list.with(crate::xmpp::omemo::Device {
                        id: ours,
                        label: None,
                    });
                }
                tracing::info!(account = %self.id, ?version, %device, "removing a device of ours from our OMEMO list");
                self.store_device_list(&own, version, &list);
                self.publish_list(version, &list, stream).await;
                if let Some(r) = self.omemo.removal.as_mut() {
                    r.found = true;
                }
            }
            Some(list) => self.store_device_list(&own, version, &list),
            None => {}
        }
        let Some(r) = self.omemo.removal.as_mut() else {
            return;
        };
        r.due = r.due.saturating_sub(1);
        if r.due > 0 {
            return;
        }
        let found = r.found;
        self.omemo.removal = None;
        if !found {
            self.error(
                Problem::Omemo,
                format!("device {device} is not on our OMEMO device lists"),
                None,
            );
        }
        self.emit_devices(&own);
    }
}
