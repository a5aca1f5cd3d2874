//! 1:1 chat messages as the account keeps them: what
//! [`xmpp::chat`](crate::xmpp::chat) read, in the store's and the
//! front-ends' types, and the store rows of a batch.

use chrono::{DateTime, Utc};
use tokio_xmpp::jid::{BareJid, Jid};
use tokio_xmpp::parsers::message::Message;

use crate::api::{Direction, MessageCrypto, MessageState};
use crate::store::NewMessage;
use crate::xmpp;
use crate::xmpp::chat::{ParsedChat, Signal};
use crate::xmpp::omemo::{Encrypted, OmemoXmlError};

/// What we keep of a 1:1 chat message, whichever way it arrived (live,
/// carbon, archive: see `sync::Arrival`). Not the GUI's `ChatMessage`,
/// which is the conversation screen's Elm message.
#[derive(Debug, Clone, PartialEq)]
pub struct ArrivedMessage {
    pub direction: Direction,
    /// The author, as full a JID as we know.
    pub sender: Jid,
    /// The conversation: the partner's bare JID, or for a private message
    /// in a room (XEP-0045 §7.5) the occupant's full JID (see `peer`).
    pub with: Jid,
    /// The other side as the stanza names it (sender of an incoming,
    /// recipient of an outgoing message): the account routes messages
    /// with a room occupant to their own conversation by it.
    pub peer: Jid,
    pub body: String,
    pub timestamp: DateTime<Utc>,
    /// It carried a delay stamp (see `xmpp::chat::ParsedChat`).
    pub delayed: bool,
    /// XEP-0359 stanza-id assigned by our own server.
    pub server_id: Option<String>,
    /// XEP-0359 origin-id, else the stanza's id attribute.
    pub origin_id: Option<String>,
    /// The id of the message this one answers (XEP-0461).
    pub reply_to: Option<String>,
    /// The sender asks for read markers (XEP-0333).
    pub markable: bool,
    /// Not a message of its own but a change to an earlier one.
    pub signal: Option<Signal>,
    /// The file it carries (XEP-0066 / XEP-0447).
    pub file: Option<crate::store::NewFile>,
    /// A room message that mentions our nick.
    pub mention: bool,
    /// The author's XEP-0421 occupant-id (room messages).
    pub occupant_id: Option<String>,
    /// An OMEMO element still to decrypt (`omemo::receive` takes it and
    /// fills `body` and `crypto`).
    pub omemo: Vec<Result<Encrypted, OmemoXmlError>>,
    /// The account that wrote it, where `sender` does not say: a room
    /// message's author behind the nick (its OMEMO keys are theirs).
    /// None for a room message whose author the room did not reveal.
    pub author: Option<BareJid>,
    pub crypto: MessageCrypto,
}

/// Reads a chat/normal message with a body, or a signal about an earlier
/// message ([`xmpp::chat::parse_chat`]), as the account keeps it.
pub fn parse_chat(msg: Message, own: &BareJid, now: DateTime<Utc>) -> Option<ArrivedMessage> {
    xmpp::chat::parse_chat(msg, own, now).map(ArrivedMessage::from)
}

impl From<ParsedChat> for ArrivedMessage {
    fn from(m: ParsedChat) -> Self {
        let author = Some(m.sender.to_bare());
        ArrivedMessage {
            direction: match m.direction {
                xmpp::chat::Direction::In => Direction::In,
                xmpp::chat::Direction::Out => Direction::Out,
            },
            sender: m.sender,
            with: m.with,
            peer: m.peer,
            body: m.body,
            timestamp: m.timestamp,
            delayed: m.delayed,
            server_id: m.server_id,
            origin_id: m.origin_id,
            reply_to: m.reply_to,
            markable: m.markable,
            signal: m.signal,
            file: m.file.map(super::file_message::new_file),
            mention: false,
            occupant_id: None,
            author,
            omemo: m.omemo,
            crypto: MessageCrypto::default(),
        }
    }
}

/// Store rows for received messages, with fresh local ids; owns the strings
/// the rows borrow.
pub struct StoreRows {
    ids: Vec<String>,
    withs: Vec<String>,
    senders: Vec<String>,
}

impl StoreRows {
    pub fn new(batch: &[ArrivedMessage]) -> Self {
        StoreRows {
            ids: batch
                .iter()
                .map(|_| uuid::Uuid::new_v4().to_string())
                .collect(),
            withs: batch.iter().map(|m| m.with.to_string()).collect(),
            senders: batch.iter().map(|m| m.sender.to_string()).collect(),
        }
    }

    /// The rows for `batch` (the same slice `new` was given); signals are
    /// not messages of their own and get none.
    pub fn rows<'a>(&'a self, batch: &'a [ArrivedMessage]) -> Vec<NewMessage<'a>> {
        batch
            .iter()
            .zip(&self.ids)
            .zip(self.withs.iter().zip(&self.senders))
            .filter(|((m, _), _)| m.signal.is_none())
            .map(|((m, id), (with, sender))| NewMessage {
                id,
                with,
                direction: m.direction,
                sender,
                body: &m.body,
                timestamp: m.timestamp,
                // Our own messages seen as copies come from the server: it has them.
                state: match m.direction {
                    Direction::In => MessageState::Received,
                    Direction::Out => MessageState::Acked,
                },
                server_id: m.server_id.as_deref(),
                origin_id: m.origin_id.as_deref(),
                reply_to: m.reply_to.as_deref(),
                markable: m.markable,
                file: m.file.as_ref(),
                mention: m.mention,
                occupant_id: m.occupant_id.as_deref(),
                crypto: m.crypto,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio_xmpp::minidom::Element;

    fn parse(xml: &str) -> Option<ArrivedMessage> {
        let own: BareJid = "me@example.org".parse().ok()?;
        let el: Element = xml.parse().ok()?;
        let msg = Message::try_from(el).ok()?;
        parse_chat(msg, &own, Utc::now())
    }

    #[test]
    fn converts_to_the_accounts_types() {
        let m = parse(
            "<message xmlns='jabber:client' type='chat' from='me@example.org/phone' \
             to='bob@example.org' id='x2'><body>https://h.example/a/..%2F.x</body>\
             <x xmlns='jabber:x:oob'><url>https://h.example/a/..%2F.x</url></x></message>",
        );
        let m = m.unwrap_or_else(|| panic!("a chat message"));
        assert_eq!(m.direction, Direction::Out);
        assert_eq!(m.with.to_string(), "bob@example.org");
        assert!(!m.mention);
        assert_eq!(m.occupant_id, None);
        // The file's name is made safe to store.
        let file = m.file.as_ref().unwrap_or_else(|| panic!("a file"));
        assert_eq!(file.name, "x");
        assert_eq!(file.transfer, crate::api::TransferState::Available);
        let incoming = parse(
            "<message xmlns='jabber:client' type='chat' from='bob@example.org/pc'><body>a</body></message>",
        );
        assert_eq!(incoming.map(|m| m.direction), Some(Direction::In));
    }

    #[test]
    fn signals_get_no_store_row() {
        let batch: Vec<ArrivedMessage> = [
            "<message xmlns='jabber:client' type='chat' from='bob@example.org/pc' id='m1'><body>a</body></message>",
            "<message xmlns='jabber:client' type='chat' from='bob@example.org/pc'>\
             <displayed xmlns='urn:xmpp:chat-markers:0' id='m0'/></message>",
        ]
        .into_iter()
        .filter_map(parse)
        .collect();
        assert_eq!(batch.len(), 2);
        let rows = StoreRows::new(&batch);
        let rows = rows.rows(&batch);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].body, "a");
        assert_eq!(rows[0].state, MessageState::Received);
    }
}
