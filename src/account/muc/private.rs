//! Private messages with room occupants (XEP-0045 §7.5). They go to
//! `room@service/nick` as `chat` with an empty `muc#user` element (so our
//! server's carbons and archive, and the other client, know it is not a
//! 1:1 chat with a user), and are kept in a conversation of their own,
//! keyed by that full JID: the occupant is neither the room nor a user we
//! know (in a semi-anonymous room we do not even learn who it is), so
//! these messages are never merged into the room's or a contact's
//! conversation. Conversations list them with `kind: private`.

use std::borrow::Cow;

use crate::account::wire::Wire;
use tokio_xmpp::Stanza;
use tokio_xmpp::jid::{FullJid, Jid};
use tokio_xmpp::parsers::message::{Id, Lang, Message};
use tokio_xmpp::parsers::ns;
use tokio_xmpp::parsers::stanza_id::OriginId;

use crate::account::Actor;
use crate::account::chat::ArrivedMessage;
use crate::api::MessageRecord;
use crate::xmpp::util::element;

/// Marks a `chat` message as private within a room.
pub fn mark(mut msg: Message) -> Message {
    msg.payloads.push(element("x", ns::MUC_USER, &[]));
    msg
}

/// A private message to an occupant, `id` as stanza id and origin-id.
pub fn outgoing(to: &FullJid, id: &str, body: &str) -> Message {
    let mut msg = Message::chat(Some(Jid::from(to.clone())))
        .with_body(Lang::new(), body.to_owned())
        .with_payload(OriginId { id: id.to_owned() });
    msg.id = Some(Id(id.to_owned()));
    mark(msg)
}

impl Actor {
    /// Whether `m` is a private message with an occupant of a room we are
    /// in or know (its peer is a full JID within the room).
    fn is_private(&self, m: &ArrivedMessage) -> bool {
        m.peer.is_full() && m.with != m.peer && self.is_room_jid(&m.peer.to_bare())
    }

    /// `batch` with private messages moved to their occupant's
    /// conversation (the 1:1 parser names the bare JID).
    pub(in crate::account) fn route_private<'a>(
        &self,
        batch: &'a [ArrivedMessage],
    ) -> Cow<'a, [ArrivedMessage]> {
        if !batch.iter().any(|m| self.is_private(m)) {
            return Cow::Borrowed(batch);
        }
        Cow::Owned(
            batch
                .iter()
                .cloned()
                .map(|mut m| {
                    if self.is_private(&m) {
                        m.with = m.peer.clone();
                    }
                    m
                })
                .collect(),
        )
    }

    /// The conversation a chat state from `from` belongs to: the
    /// occupant's for one in a room (with its nick), else the bare JID.
    pub(in crate::account) fn chat_state_peer(&self, from: &Jid) -> (String, Option<String>) {
        match from.resource() {
            Some(nick) if self.is_room_jid(&from.to_bare()) => {
                (from.to_string(), Some(nick.to_string()))
            }
            _ => (from.to_bare().to_string(), None),
        }
    }

    /// Sends a stored private message (the outbox checked that we are in
    /// the room: the room relays it only from an occupant). No receipt or
    /// marker requests: the occupant's answers would come from the room.
    pub(in crate::account) async fn transmit_private(
        &mut self,
        m: &MessageRecord,
        to: &FullJid,
        stream: &Wire,
    ) -> Option<tokio_xmpp::stanzastream::StanzaToken> {
        let body = match m.file.as_ref().and_then(|f| f.url.as_deref()) {
            Some(url) => url,
            None => &m.body,
        };
        let mut msg = outgoing(to, &m.id, body);
        if self.switches.send_typing {
            msg = crate::xmpp::chatstates::with_active(msg);
        }
        self.send(stream, Stanza::Message(msg)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio_xmpp::minidom::Element;

    #[test]
    fn private_messages_carry_the_muc_user_marker() {
        let to: FullJid = "team@muc.example.org/bob"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
        let xml = String::from(&Element::from(outgoing(&to, "p1", "psst")));
        for want in [
            "type=\"chat\"",
            "to=\"team@muc.example.org/bob\"",
            "http://jabber.org/protocol/muc#user",
            "<body>psst</body>",
            "origin-id",
        ] {
            assert!(
                xml.contains(want) || xml.contains(&want.replace('"', "'")),
                "{want} in {xml}"
            );
        }
    }
}
