//! Message moderation (XEP-0425): a moderator has the room retract an
//! occupant's message; the room announces it with a notice. Both versions
//! are read (`message-moderate:0` with fastening, `:1`); a request is built
//! in the version the room offers.
//!
//! A notice is trusted only from the room's own JID (the caller decides:
//! see `muc::room_message`); one from an occupant is dropped whole.

use tokio_xmpp::jid::{BareJid, Jid};
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::iq::Iq;
use tokio_xmpp::parsers::message::Message;

use super::retraction;
use super::util::{element, raw_iq};

pub const MODERATE_0: &str = "urn:xmpp:message-moderate:0";
pub const MODERATE_1: &str = "urn:xmpp:message-moderate:1";
const FASTEN: &str = "urn:xmpp:fasten:0";
const RETRACT_0: &str = "urn:xmpp:message-retract:0";

/// A moderation notice: the room's stanza-id of the removed message, who
/// removed it and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moderation {
    pub id: String,
    pub by: Option<String>,
    pub reason: Option<String>,
}

fn text_of(el: &Element, name: &str, ns: &str) -> Option<String> {
    el.get_child(name, ns)
        .map(Element::text)
        .filter(|t| !t.trim().is_empty())
}

/// The moderation notice in `msg`, in either version: `message-moderate:1`
/// (a `<retract/>` of `message-retract:1` with `<moderated/>` inside, or a
/// bare `<retract/>`, which from the room itself means the same) or
/// `message-moderate:0` (`<apply-to/>` of fastening with `<moderated/>`
/// and a `message-retract:0` `<retract/>`).
pub fn moderation(msg: &Message) -> Option<Moderation> {
    msg.payloads.iter().find_map(|p| {
        if p.is("retract", retraction::NS) {
            let id = p.attr("id").filter(|i| !i.is_empty())?;
            let moderated = p.get_child("moderated", MODERATE_1);
            return Some(Moderation {
                id: id.to_owned(),
                by: moderated.and_then(|m| m.attr("by")).map(str::to_owned),
                reason: text_of(p, "reason", retraction::NS),
            });
        }
        if p.is("apply-to", FASTEN) {
            let moderated = p.get_child("moderated", MODERATE_0)?;
            moderated.get_child("retract", RETRACT_0)?;
            let id = p.attr("id").filter(|i| !i.is_empty())?;
            return Some(Moderation {
                id: id.to_owned(),
                by: moderated.attr("by").map(str::to_owned),
                reason: text_of(moderated, "reason", MODERATE_0),
            });
        }
        None
    })
}

/// Whether `msg` claims to be a moderation notice at all (any version):
/// from anyone but the room such a message is dropped whole.
pub fn claims_moderation(msg: &Message) -> bool {
    msg.payloads.iter().any(|p| {
        p.is("apply-to", FASTEN) && p.has_child("moderated", MODERATE_0)
            || p.is("retract", retraction::NS) && p.has_child("moderated", MODERATE_1)
            || p.is("moderated", MODERATE_0)
            || p.is("moderated", MODERATE_1)
    })
}

/// A moderated retraction of the message with the room's stanza-id `sid`,
/// in the version `ns_moderate` (`MODERATE_0` or `MODERATE_1`).
pub fn moderate(
    id: &str,
    room: &BareJid,
    ns_moderate: &str,
    sid: &str,
    reason: Option<&str>,
) -> Iq {
    let reason_el = |ns: &str| reason.map(|r| Element::builder("reason", ns).append(r).build());
    let payload = if ns_moderate == MODERATE_1 {
        let mut m = element("moderate", MODERATE_1, &[("id", sid)]);
        m.append_child(element("retract", retraction::NS, &[]));
        if let Some(r) = reason_el(MODERATE_1) {
            m.append_child(r);
        }
        m
    } else {
        let mut m = element("moderate", MODERATE_0, &[]);
        m.append_child(element("retract", RETRACT_0, &[]));
        if let Some(r) = reason_el(MODERATE_0) {
            m.append_child(r);
        }
        let mut apply = element("apply-to", FASTEN, &[("id", sid)]);
        apply.append_child(m);
        apply
    };
    raw_iq(id, true, Some(Jid::from(room.clone())), payload)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xmpp::util::testing::message;

    #[test]
    fn reads_both_moderation_versions() {
        let v1 = message(
            "<message xmlns='jabber:client' type='groupchat' from='r@muc.example.org'>\
             <retract xmlns='urn:xmpp:message-retract:1' id='sid1'>\
             <moderated xmlns='urn:xmpp:message-moderate:1' by='r@muc.example.org/mod'/>\
             <reason>spam</reason></retract></message>",
        );
        assert_eq!(
            moderation(&v1),
            Some(Moderation {
                id: "sid1".into(),
                by: Some("r@muc.example.org/mod".into()),
                reason: Some("spam".into())
            })
        );
        assert!(claims_moderation(&v1));
        let v0 = message(
            "<message xmlns='jabber:client' type='groupchat' from='r@muc.example.org'>\
             <apply-to xmlns='urn:xmpp:fasten:0' id='sid2'>\
             <moderated xmlns='urn:xmpp:message-moderate:0' by='r@muc.example.org/mod'>\
             <retract xmlns='urn:xmpp:message-retract:0'/><reason>off topic</reason>\
             </moderated></apply-to></message>",
        );
        let got = moderation(&v0);
        assert_eq!(got.as_ref().map(|m| m.id.as_str()), Some("sid2"));
        assert_eq!(got.and_then(|m| m.reason).as_deref(), Some("off topic"));
        // A plain retraction is a moderation only when the room sends it
        // (the caller checks), but it is not a claim of one.
        let plain = message(
            "<message xmlns='jabber:client' type='groupchat' from='r@muc.example.org/al'>\
             <retract xmlns='urn:xmpp:message-retract:1' id='sid3'/></message>",
        );
        assert!(!claims_moderation(&plain));
        assert_eq!(moderation(&plain).map(|m| m.by), Some(None));
        assert_eq!(moderation(&Message::groupchat(None)), None);
    }

    #[test]
    fn malformed_notices_name_nothing() {
        for xml in [
            // No id, an empty id.
            "<message xmlns='jabber:client'><retract xmlns='urn:xmpp:message-retract:1'/></message>",
            "<message xmlns='jabber:client'><retract xmlns='urn:xmpp:message-retract:1' id=''/></message>",
            // Version 0 without the retraction inside, or without an id.
            "<message xmlns='jabber:client'><apply-to xmlns='urn:xmpp:fasten:0' id='s'>\
             <moderated xmlns='urn:xmpp:message-moderate:0'/></apply-to></message>",
            "<message xmlns='jabber:client'><apply-to xmlns='urn:xmpp:fasten:0'>\
             <moderated xmlns='urn:xmpp:message-moderate:0'>\
             <retract xmlns='urn:xmpp:message-retract:0'/></moderated></apply-to></message>",
            // Other namespaces.
            "<message xmlns='jabber:client'><retract xmlns='urn:xmpp:other' id='s'/></message>",
            "<message xmlns='jabber:client'><apply-to xmlns='urn:xmpp:other' id='s'>\
             <moderated xmlns='urn:xmpp:message-moderate:0'>\
             <retract xmlns='urn:xmpp:message-retract:0'/></moderated></apply-to></message>",
        ] {
            assert_eq!(moderation(&message(xml)), None, "{xml}");
        }
        // A lone <moderated/> is no notice, but it claims one.
        let lone = message(
            "<message xmlns='jabber:client'><moderated xmlns='urn:xmpp:message-moderate:1'/></message>",
        );
        assert_eq!(moderation(&lone), None);
        assert!(claims_moderation(&lone));
    }

    #[test]
    fn requests_in_both_versions() {
        let room: BareJid = "r@muc.example.org"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
        let v1 = String::from(&Element::from(moderate(
            "i1",
            &room,
            MODERATE_1,
            "sid1",
            Some("spam"),
        )));
        for want in [
            "urn:xmpp:message-moderate:1",
            "id='sid1'",
            "urn:xmpp:message-retract:1",
            "<reason>spam</reason>",
            "to='r@muc.example.org'",
        ] {
            assert!(v1.contains(want), "{want} in {v1}");
        }
        let v0 = String::from(&Element::from(moderate(
            "i2", &room, MODERATE_0, "sid2", None,
        )));
        for want in [
            "urn:xmpp:fasten:0",
            "id='sid2'",
            "urn:xmpp:message-moderate:0",
            "urn:xmpp:message-retract:0",
        ] {
            assert!(v0.contains(want), "{want} in {v0}");
        }
        assert!(!v0.contains("reason"), "{v0}");
    }
}
