//! Personal eventing (XEP-0163): the notifications contacts' changes bring
//! (read in [`xmpp::pep`](crate::xmpp::pep)), checked and handed to the
//! concern they are about (avatars, nicknames, bookmarks).

use tokio_xmpp::jid::BareJid;
use tokio_xmpp::parsers::message::Message;

use super::Actor;
use crate::xmpp::pep::notification;

impl Actor {
    /// A pubsub notification: returns false if `msg` is none (it goes on
    /// through the message pipeline), true when it was one (handled or
    /// ignored). Only PEP notifications count: they come from the bare JID
    /// of the account that published them (servers stamp whatever a client
    /// sends with its full JID, so a bare `from` cannot be forged by another
    /// user of the server).
    pub(super) async fn on_pep_notification(
        &mut self,
        msg: &Message,
        stream: &crate::account::wire::Wire,
    ) -> bool {
        let Some(n) = notification(msg) else {
            return false;
        };
        // Avatars also read purges and deletions of their node.
        let avatar = crate::xmpp::avatars::metadata_event(msg);
        let owner: BareJid = match msg.from.as_ref().map(|f| f.try_as_full()) {
            Some(Err(bare)) => bare.clone(),
            forged => {
                // A client (not the server) sent it: it could claim anything.
                let what = if avatar.is_some() { "avatar" } else { "pubsub" };
                let from = forged.and_then(Result::ok).map(ToString::to_string);
                tracing::warn!(account = %self.id, ?from, "{what} notification not from a bare JID ignored");
                return true;
            }
        };
        if self.is_blocked(&owner) {
            return true;
        }
        // In PEP only the owner publishes; a different publisher is bogus.
        let foreign = n.publishers.iter().any(|p| {
            p.parse::<tokio_xmpp::jid::Jid>()
                .map_or(true, |j| j.to_bare() != owner)
        });
        if foreign {
            tracing::info!(account = %self.id, %owner, "pubsub item of someone else ignored");
            return true;
        }
        if let Some(notice) = avatar {
            self.on_avatar_notification(owner, notice, stream).await;
            return true;
        }
        if let Some(version) = crate::xmpp::omemo::Version::of_devices_node(&n.node) {
            self.on_device_list_notification(owner, version, &n.published, n.retracted, stream)
                .await;
            return true;
        }
        match n.node.as_str() {
            crate::xmpp::nick::NODE => self.on_nick_notification(&owner, &n),
            crate::xmpp::mds::NODE => self.on_mds_notification(&owner, msg),
            super::muc::BOOKMARKS_NODE => self.on_bookmarks_notification(&owner, msg, stream).await,
            other => {
                tracing::debug!(account = %self.id, node = other, "pubsub notification ignored")
            }
        }
        true
    }
}
