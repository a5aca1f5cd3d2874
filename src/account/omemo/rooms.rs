//! Encrypted group chats (XEP-0384 §5.7): only in private rooms
//! (members-only and non-anonymous, the kind `create_room` makes), where
//! every member's real JID is known. A message goes to every trusted
//! device of every member and to our other devices (`send.rs`, with the
//! members from `muc::members`); received ones are opened with the keys
//! of the account behind the author's nick (`receive.rs`).
//!
//! - **Default**: a private group is encrypted when OMEMO is on and a
//!   member other than us has a device with it (as a contact is, and as
//!   Conversations does); the group's own switch overrides it. Open and
//!   semi-anonymous groups are never encrypted, and say why.
//! - **Who cannot read**: members without a (trusted) device are listed
//!   in the `encryption` event; messages still go to everyone else.
//! - **Members change**: someone who leaves the member list is no longer
//!   encrypted to; a new member's devices are read on their arrival.

use tokio_xmpp::jid::BareJid;

use super::super::Actor;
use super::super::wire::Wire;
use crate::api::{Encryption, EncryptionUnavailable};
use crate::store::trust;
use crate::xmpp::omemo::Version;

impl Actor {
    /// How a new message to room `jid` travels (see the module's notes).
    pub(in crate::account) fn room_encryption(&self, jid: &BareJid) -> Encryption {
        if !self.room_private_known(jid) {
            return Encryption::None;
        }
        // Whether another member has an active device, and one of OMEMO 2
        // (None: members not read yet, e.g. offline).
        let reach = self.room_members(jid).map(|members| {
            members.iter().fold((false, false), |(any, v2), m| {
                let devices = self.store.omemo_devices(m.as_str()).unwrap_or_default();
                let active = || devices.iter().filter(|d| d.active);
                (
                    any || active().next().is_some(),
                    v2 || active().any(|d| d.version == Version::V2),
                )
            })
        });
        let wanted = match self.store.conversation_encryption(jid.as_str()) {
            _ if self.switches.require_encryption => true,
            Ok(Some(on)) => on,
            // Members not read yet: as the group was.
            _ => reach.is_none_or(|(any, _)| any),
        };
        if !wanted {
            return Encryption::None;
        }
        if reach.is_none_or(|(_, v2)| v2) {
            Encryption::Omemo2
        } else {
            Encryption::Omemo
        }
    }

    /// Whether a message to `to` takes a private group's default (no
    /// switch of its own, no policy): then its encryption is settled when
    /// it goes out, with the members known (`outbox::seal_for`).
    pub(in crate::account) fn room_default_applies(&self, to: &BareJid) -> bool {
        self.switches.omemo
            && !self.switches.require_encryption
            && self.is_room_jid(to)
            && self.room_private_known(to)
            && matches!(self.store.conversation_encryption(to.as_str()), Ok(None))
    }

    /// Whether room `jid` is private, as this session's disco#info said,
    /// else as it was when we last joined; None if never asked.
    fn room_private(&self, jid: &BareJid) -> Option<bool> {
        self.room_is_private(jid)
            .or_else(|| self.store.room_private(jid.as_str()).ok().flatten())
    }

    /// Known to be private (a room never joined is not, yet).
    fn room_private_known(&self, jid: &BareJid) -> bool {
        self.room_private(jid).unwrap_or(false)
    }

    /// Why room `jid` cannot be encrypted, if it is known that it cannot.
    pub(in crate::account) fn room_unavailable(
        &self,
        jid: &BareJid,
    ) -> Option<EncryptionUnavailable> {
        (self.room_private(jid) == Some(false)).then_some(EncryptionUnavailable::OpenRoom)
    }

    /// The members of room `jid` who cannot read its encrypted messages:
    /// no active device, or none trusted.
    pub(in crate::account) fn room_unreachable(&self, jid: &BareJid) -> Vec<String> {
        let Some(members) = self.room_members(jid) else {
            return Vec::new();
        };
        members
            .into_iter()
            .filter(|m| {
                let devices = self.store.omemo_devices(m.as_str()).unwrap_or_default();
                !devices
                    .iter()
                    .any(|d| d.active && trust::encrypt_to(d.trust))
            })
            .map(|m| m.to_string())
            .collect()
    }

    /// A private room's members are known, or changed: the device lists
    /// of members we know none of are read, then the room's encryption is
    /// reported (and messages waiting for the members go).
    pub(in crate::account) async fn omemo_room_members_known(
        &mut self,
        jid: &BareJid,
        stream: &Wire,
    ) {
        let Some(members) = self.room_members(jid) else {
            return;
        };
        for m in &members {
            let known = self
                .store
                .omemo_devices(m.as_str())
                .unwrap_or_default()
                .iter()
                .any(|d| d.active);
            if !known {
                self.omemo_read_lists(m, stream).await;
            }
        }
        if self.omemo.lists_due > 0 {
            self.omemo.rooms_due.insert(jid.clone());
        } else {
            self.report_encryption(jid.clone());
        }
        // Messages that waited for the members go now, in order (plain
        // ones at once; encrypted ones wait on for keys still being read,
        // as newer ones will).
        if self.outbox_open() {
            self.flush_outbox(stream).await;
        }
    }

    /// The device lists asked for are in: the rooms waiting for them are
    /// reported.
    pub(super) fn report_rooms_due(&mut self) {
        for jid in std::mem::take(&mut self.omemo.rooms_due) {
            self.report_encryption(jid);
        }
    }

    /// `encryption` on an open room: refused, with the reason.
    pub(in crate::account) fn is_open_room(&self, jid: &BareJid) -> bool {
        self.is_room_jid(jid) && self.room_unavailable(jid).is_some()
    }
}
