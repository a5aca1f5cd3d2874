//! Room bookmarks: XEP-0402 (PEP node `urn:xmpp:bookmarks:1`, one item per
//! room, item id = room JID), read from XEP-0048 private storage where a
//! server has no PEP bookmarks. Rooms we join are bookmarked with
//! autojoin, leaving clears autojoin; every fresh session joins the
//! autojoin rooms, and changes pushed from our other devices (we ask for
//! them with `+notify` in our caps) join or leave live.

use crate::account::wire::Wire;
use tokio_xmpp::Stanza;
use tokio_xmpp::jid::{BareJid, Jid};
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::bookmarks2::Conference;
use tokio_xmpp::parsers::data_forms::{DataForm, DataFormType, Field, FieldType};
use tokio_xmpp::parsers::iq::Iq;
use tokio_xmpp::parsers::message::Message;
use tokio_xmpp::parsers::ns;
use tokio_xmpp::parsers::pubsub::pubsub::{Item, Items, Publish, PublishOptions};
use tokio_xmpp::parsers::pubsub::{ItemId, NodeName, PubSub};
use tokio_xmpp::parsers::stanza_error::StanzaError;

use super::RoomIq;
use crate::account::Actor;
use crate::api::Problem;

pub const NODE: &str = ns::BOOKMARKS2;

/// One bookmark, as far as we use it.
#[derive(Debug, Clone, PartialEq)]
pub struct Bookmark {
    pub room: BareJid,
    pub name: Option<String>,
    pub nick: Option<String>,
    pub autojoin: bool,
}

fn from_conference(room: BareJid, c: Conference) -> Bookmark {
    Bookmark {
        room,
        name: c.name,
        nick: c.nick.map(|n| n.to_string()),
        autojoin: c.autojoin,
    }
}

/// The bookmarks in a pubsub items result (bad items are skipped).
pub fn from_items(payload: &Element) -> Vec<Bookmark> {
    let Some(items) = payload.get_child("items", ns::PUBSUB) else {
        return vec![];
    };
    items
        .children()
        .filter(|i| i.is("item", ns::PUBSUB))
        .filter_map(|i| {
            let room = i.attr("id")?.parse().ok()?;
            let c = Conference::try_from(i.get_child("conference", NODE)?.clone()).ok()?;
            Some(from_conference(room, c))
        })
        .collect()
}

/// XEP-0048 bookmarks in a private storage result.
pub fn from_private(payload: &Element) -> Vec<Bookmark> {
    let Some(storage) = payload.get_child("storage", ns::BOOKMARKS) else {
        return vec![];
    };
    storage
        .children()
        .filter(|c| c.is("conference", ns::BOOKMARKS))
        .filter_map(|c| {
            Some(Bookmark {
                room: c.attr("jid")?.parse().ok()?,
                name: c.attr("name").map(str::to_owned),
                nick: c.get_child("nick", ns::BOOKMARKS).map(Element::text),
                autojoin: matches!(c.attr("autojoin"), Some("true" | "1")),
            })
        })
        .collect()
}

/// A bookmark change pushed to us: published (or changed) bookmarks, and
/// the rooms whose bookmark was removed.
pub fn from_notification(msg: &Message) -> Option<(Vec<Bookmark>, Vec<BareJid>)> {
    let event = msg
        .payloads
        .iter()
        .find(|p| p.is("event", ns::PUBSUB_EVENT))?;
    let items = event
        .get_child("items", ns::PUBSUB_EVENT)
        .filter(|i| i.attr("node") == Some(NODE))?;
    let mut published = Vec::new();
    let mut retracted = Vec::new();
    for child in items.children() {
        let Some(room) = child.attr("id").and_then(|id| id.parse::<BareJid>().ok()) else {
            continue;
        };
        if child.is("item", ns::PUBSUB_EVENT) {
            if let Some(c) = child
                .get_child("conference", NODE)
                .and_then(|c| Conference::try_from(c.clone()).ok())
            {
                published.push(from_conference(room, c));
            }
        } else if child.is("retract", ns::PUBSUB_EVENT) {
            retracted.push(room);
        }
    }
    Some((published, retracted))
}

/// Publishing one bookmark; with `options` the node is kept private and
/// holds every bookmark (XEP-0402 §3.3).
fn publish(bookmark: &Bookmark, options: bool) -> PubSub {
    let conference = Conference {
        autojoin: bookmark.autojoin,
        name: bookmark.name.clone(),
        nick: bookmark.nick.as_deref().and_then(|n| n.parse().ok()),
        password: None,
        extensions: None,
    };
    let field = |var: &str, value: &str| Field::new(var, FieldType::TextSingle).with_value(value);
    let publish_options = options.then(|| PublishOptions {
        form: Some(DataForm::new(
            DataFormType::Submit,
            "http://jabber.org/protocol/pubsub#publish-options",
            vec![
                field("pubsub#persist_items", "true"),
                field("pubsub#max_items", "max"),
                field("pubsub#send_last_published_item", "never"),
                field("pubsub#access_model", "whitelist"),
            ],
        )),
    });
    PubSub::Publish {
        publish: Publish {
            node: NodeName(NODE.to_owned()),
            items: vec![Item {
                id: Some(ItemId(bookmark.room.to_string())),
                publisher: None,
                payload: Some(conference.into()),
            }],
        },
        publish_options,
    }
}

impl Actor {
    pub(super) async fn request_bookmarks(&mut self, stream: &Wire) {
        let iq = Iq::from_get(
            uuid::Uuid::new_v4().to_string(),
            PubSub::Items(Items::new(NODE)),
        );
        self.send_room_iq(iq, RoomIq::Bookmarks, stream).await;
    }

    pub(super) async fn on_bookmarks(
        &mut self,
        answer: Result<Option<Element>, StanzaError>,
        stream: &Wire,
    ) {
        match answer {
            Ok(Some(payload)) if !from_items(&payload).is_empty() => {
                self.apply_bookmarks(from_items(&payload), stream).await
            }
            // None there (or no PEP bookmarks at all): the old storage.
            _ => {
                let query = Element::builder("query", ns::PRIVATE)
                    .append(Element::bare("storage", ns::BOOKMARKS))
                    .build();
                let iq = crate::xmpp::util::raw_iq(
                    &uuid::Uuid::new_v4().to_string(),
                    false,
                    None,
                    query,
                );
                self.send_room_iq(iq, RoomIq::LegacyBookmarks, stream).await;
            }
        }
    }

    pub(super) async fn on_legacy_bookmarks(
        &mut self,
        answer: Result<Option<Element>, StanzaError>,
        stream: &Wire,
    ) {
        match answer {
            Ok(Some(payload)) => {
                let found = from_private(&payload);
                self.apply_bookmarks(found, stream).await
            }
            Ok(None) => self.apply_bookmarks(vec![], stream).await,
            Err(e) => {
                // No bookmarks from the server: what the store remembers.
                tracing::info!(account = %self.id, "no bookmarks: {:?}", e.defined_condition);
                let stored = self.store.rooms().unwrap_or_default();
                let found = stored
                    .into_iter()
                    .filter_map(|r| {
                        Some(Bookmark {
                            room: r.jid.parse().ok()?,
                            name: r.name,
                            nick: r.nick,
                            autojoin: r.autojoin,
                        })
                    })
                    .collect();
                self.apply_bookmarks(found, stream).await
            }
        }
    }

    /// The session's bookmarks: remembered, and autojoin rooms joined.
    async fn apply_bookmarks(&mut self, found: Vec<Bookmark>, stream: &Wire) {
        self.muc.bookmarks_loaded = true;
        for b in found {
            self.apply_bookmark(b, stream).await;
        }
    }

    async fn apply_bookmark(&mut self, b: Bookmark, stream: &Wire) {
        self.muc.published.insert(b.room.clone(), b.autojoin);
        if let Err(e) = self.store.set_room_bookmark(
            b.room.as_str(),
            b.name.as_deref(),
            b.nick.as_deref(),
            b.autojoin,
        ) {
            self.error(Problem::StoreFailed, e.to_string(), None);
        }
        let known = self.muc.knows(&b.room);
        if b.autojoin && !known {
            self.start_join(b.room, b.nick, None, true, stream).await;
        } else if !b.autojoin && known {
            // Left on another device.
            self.leave(&b.room, false, stream).await;
        }
    }

    /// A bookmark change pushed from our account (another device, or our
    /// own publish coming back). Only our own account may change them.
    pub(in crate::account) async fn on_bookmarks_notification(
        &mut self,
        owner: &BareJid,
        msg: &Message,
        stream: &Wire,
    ) {
        if *owner != self.jid {
            return;
        }
        let Some((published, retracted)) = from_notification(msg) else {
            return;
        };
        for b in published {
            if self.muc.published.get(&b.room) == Some(&b.autojoin) {
                // Our own publish coming back (or the same state).
                continue;
            }
            self.apply_bookmark(b, stream).await;
        }
        for room in retracted {
            if self.muc.knows(&room) {
                self.leave(&room, false, stream).await;
            }
        }
    }

    /// Publishes the bookmark of `room` with `autojoin`.
    pub(super) async fn publish_bookmark(&mut self, room: &BareJid, autojoin: bool, stream: &Wire) {
        let stored = self.store.room(room.as_str()).ok().flatten();
        let bookmark = Bookmark {
            room: room.clone(),
            name: stored.as_ref().and_then(|r| r.name.clone()),
            nick: stored.and_then(|r| r.nick),
            autojoin,
        };
        self.muc.published.insert(room.clone(), autojoin);
        let iq = Iq::from_set(uuid::Uuid::new_v4().to_string(), publish(&bookmark, true))
            .with_to(Jid::from(self.jid.clone()));
        self.send_room_iq(iq, RoomIq::BookmarkPublish(room.clone()), stream)
            .await;
    }

    pub(super) async fn on_bookmark_published(
        &mut self,
        room: &BareJid,
        _id: &str,
        answer: Result<Option<Element>, StanzaError>,
        stream: &Wire,
    ) {
        let Err(e) = answer else {
            return;
        };
        if crate::xmpp::pep::is_precondition_failure(&e) {
            // The node is configured otherwise (e.g. by an older client):
            // publish with whatever it has rather than not at all.
            let stored = self.store.room(room.as_str()).ok().flatten();
            let bookmark = Bookmark {
                room: room.clone(),
                name: stored.as_ref().and_then(|r| r.name.clone()),
                nick: stored.as_ref().and_then(|r| r.nick.clone()),
                autojoin: stored.is_some_and(|r| r.autojoin),
            };
            let iq = Iq::from_set(uuid::Uuid::new_v4().to_string(), publish(&bookmark, false))
                .with_to(Jid::from(self.jid.clone()));
            self.send(stream, Stanza::Iq(iq)).await;
            return;
        }
        tracing::warn!(account = %self.id, %room, "bookmark not saved: {:?}", e.defined_condition);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn el(xml: &str) -> Element {
        xml.parse().unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn reads_pep_and_private_bookmarks() {
        let pep = el(
            "<pubsub xmlns='http://jabber.org/protocol/pubsub'><items node='urn:xmpp:bookmarks:1'>\
             <item id='team@muc.example.org'><conference xmlns='urn:xmpp:bookmarks:1' autojoin='true' name='Team'><nick>al</nick></conference></item>\
             <item id='not a jid@@'><conference xmlns='urn:xmpp:bookmarks:1'/></item>\
             <item id='old@muc.example.org'><conference xmlns='urn:xmpp:bookmarks:1'/></item></items></pubsub>",
        );
        let got = from_items(&pep);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].room.as_str(), "team@muc.example.org");
        assert!(got[0].autojoin && !got[1].autojoin);
        assert_eq!(got[0].nick.as_deref(), Some("al"));
        let private = el(
            "<query xmlns='jabber:iq:private'><storage xmlns='storage:bookmarks'>\
             <conference jid='team@muc.example.org' autojoin='true'><nick>al</nick></conference></storage></query>",
        );
        let got = from_private(&private);
        assert_eq!(got.len(), 1);
        assert!(got[0].autojoin);
    }

    #[test]
    fn reads_pushed_changes() {
        let m = Message::try_from(el("<message xmlns='jabber:client' from='me@example.org'>\
             <event xmlns='http://jabber.org/protocol/pubsub#event'><items node='urn:xmpp:bookmarks:1'>\
             <item id='a@muc.example.org'><conference xmlns='urn:xmpp:bookmarks:1' autojoin='true'/></item>\
             <retract id='b@muc.example.org'/></items></event></message>"))
        .unwrap_or_else(|e| panic!("{e:?}"));
        let (published, retracted) = from_notification(&m).unwrap_or_default();
        assert_eq!(published.len(), 1);
        assert_eq!(retracted.len(), 1);
        assert_eq!(retracted[0].as_str(), "b@muc.example.org");
    }
}
