//! The owner's and admin's requests of XEP-0045 (§9, §10): affiliation and
//! role changes, member lists, room configuration and destruction.
//! `muc#admin` and `muc#owner` have no types in xmpp-parsers 0.23.

use tokio_xmpp::jid::{BareJid, Jid};
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::data_forms::{DataForm, DataFormType, Field, FieldType};
use tokio_xmpp::parsers::iq::Iq;

use super::muc::{Affiliation, affiliation, affiliation_str};
use super::util::{element, raw_iq};

pub const MUC_ADMIN: &str = "http://jabber.org/protocol/muc#admin";
pub const MUC_OWNER: &str = "http://jabber.org/protocol/muc#owner";
const ROOMCONFIG: &str = "http://jabber.org/protocol/muc#roomconfig";

/// A `muc#admin` request changing items (affiliation by JID, or role by nick).
pub fn admin_set(id: &str, room: &BareJid, items: Vec<Element>) -> Iq {
    let query = Element::builder("query", MUC_ADMIN)
        .append_all(items)
        .build();
    raw_iq(id, true, Some(Jid::from(room.clone())), query)
}

/// A `muc#admin` request for everyone with `affiliation` (XEP-0045 §9.5).
pub fn admin_list(id: &str, room: &BareJid, affiliation: &Affiliation) -> Iq {
    let query = Element::builder("query", MUC_ADMIN)
        .append(element(
            "item",
            MUC_ADMIN,
            &[("affiliation", affiliation_str(affiliation))],
        ))
        .build();
    raw_iq(id, false, Some(Jid::from(room.clone())), query)
}

/// Someone on a room's affiliation list.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub jid: BareJid,
    pub affiliation: Affiliation,
    /// The nick registered with the room, if any.
    pub nick: Option<String>,
}

/// The people in a `muc#admin` list answer; items without a valid bare
/// JID or with an affiliation other than owner, admin or member are left
/// out.
pub fn member_items(answer: Option<&Element>) -> Vec<Member> {
    let Some(query) = answer.filter(|q| q.is("query", MUC_ADMIN)) else {
        return Vec::new();
    };
    query
        .children()
        .filter(|c| c.is("item", MUC_ADMIN))
        .filter_map(|item| {
            let jid = item.attr("jid")?.parse::<BareJid>().ok()?;
            let affiliation = affiliation(item.attr("affiliation"));
            matches!(
                affiliation,
                Affiliation::Owner | Affiliation::Admin | Affiliation::Member
            )
            .then(|| Member {
                jid,
                affiliation,
                nick: item.attr("nick").map(str::to_owned),
            })
        })
        .collect()
}

/// An admin item: `attr` is `affiliation` or `role`, `key` `jid` or `nick`.
pub fn admin_item(attr: &str, value: &str, key: &str, who: &str, reason: Option<&str>) -> Element {
    let mut item = element("item", MUC_ADMIN, &[(attr, value), (key, who)]);
    if let Some(r) = reason {
        item.append_child(Element::builder("reason", MUC_ADMIN).append(r).build());
    }
    item
}

/// The owner's configuration of a new room (XEP-0045 §10.1.3): members
/// only, real JIDs visible to everyone, persistent, archived. Fields the
/// form does not name keep the service's defaults.
pub fn config_submit(id: &str, room: &BareJid, name: Option<&str>) -> Iq {
    let bool_field = |var: &str, v: bool| {
        Field::new(var, FieldType::Boolean).with_value(if v { "1" } else { "0" })
    };
    let mut fields = vec![
        bool_field("muc#roomconfig_membersonly", true),
        bool_field("muc#roomconfig_persistentroom", true),
        Field::new("muc#roomconfig_whois", FieldType::ListSingle).with_value("anyone"),
        // Prosody's name for archiving (mod_muc_mam).
        bool_field("muc#roomconfig_enablearchiving", true),
    ];
    if let Some(n) = name {
        fields.push(Field::text_single("muc#roomconfig_roomname", n));
    }
    let form = DataForm::new(DataFormType::Submit, ROOMCONFIG, fields);
    let query = Element::builder("query", MUC_OWNER)
        .append(Element::from(form))
        .build();
    raw_iq(id, true, Some(Jid::from(room.clone())), query)
}

/// Accepts the service's default configuration for a room `join_room`
/// created (an "instant room", XEP-0045 §10.1.2): until then it is locked
/// and nobody else can enter.
pub fn instant_room(id: &str, room: &BareJid) -> Iq {
    let form = DataForm::new(DataFormType::Submit, ROOMCONFIG, Vec::new());
    let query = Element::builder("query", MUC_OWNER)
        .append(Element::from(form))
        .build();
    raw_iq(id, true, Some(Jid::from(room.clone())), query)
}

/// An owner's request to destroy the room (XEP-0045 §10.9).
pub fn destroy(id: &str, room: &BareJid, reason: Option<&str>) -> Iq {
    let mut destroy = Element::builder("destroy", MUC_OWNER);
    if let Some(r) = reason {
        destroy = destroy.append(Element::builder("reason", MUC_OWNER).append(r).build());
    }
    let query = Element::builder("query", MUC_OWNER)
        .append(destroy.build())
        .build();
    raw_iq(id, true, Some(Jid::from(room.clone())), query)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xmpp::util::testing::room;

    #[test]
    fn a_member_list_keeps_owners_admins_and_members_with_valid_jids() {
        let answer: Element = format!(
            "<query xmlns='{MUC_ADMIN}'>\
             <item affiliation='owner' jid='alice@example.org'/>\
             <item affiliation='member' jid='bob@example.org' nick='Bob'/>\
             <item affiliation='member' jid='not a jid@@'/>\
             <item affiliation='outcast' jid='eve@example.org'/>\
             <item affiliation='member'/></query>"
        )
        .parse()
        .unwrap_or_else(|e| panic!("{e}"));
        let members = member_items(Some(&answer));
        assert_eq!(
            members
                .iter()
                .map(|m| (m.jid.as_str(), m.affiliation.clone(), m.nick.as_deref()))
                .collect::<Vec<_>>(),
            [
                ("alice@example.org", Affiliation::Owner, None),
                ("bob@example.org", Affiliation::Member, Some("Bob")),
            ]
        );
        assert!(member_items(None).is_empty());
        let other: Element = "<query xmlns='jabber:iq:roster'/>"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(member_items(Some(&other)).is_empty());
        // Items of another namespace, and an unknown affiliation.
        let odd: Element = format!(
            "<query xmlns='{MUC_ADMIN}'>\
             <item xmlns='urn:other' affiliation='owner' jid='alice@example.org'/>\
             <item affiliation='emperor' jid='bob@example.org'/></query>"
        )
        .parse()
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(member_items(Some(&odd)).is_empty());
    }

    #[test]
    fn a_member_list_request_reads_back() {
        let iq = admin_list("l1", &room(), &Affiliation::Member);
        let Iq::Get { payload, to, .. } = iq else {
            panic!("not a get")
        };
        assert_eq!(to, Some(Jid::from(room())));
        let item = payload.get_child("item", MUC_ADMIN);
        assert_eq!(
            item.map(|i| affiliation(i.attr("affiliation"))),
            Some(Affiliation::Member)
        );
    }

    #[test]
    fn builds_config_and_admin_requests() {
        let iq = String::from(&Element::from(config_submit("c1", &room(), Some("Team"))));
        for want in [
            "muc#roomconfig_membersonly",
            "muc#roomconfig_persistentroom",
            "<value>anyone</value>",
            "<value>Team</value>",
            "type=\"submit\"",
        ] {
            assert!(
                iq.contains(want) || iq.contains(&want.replace('"', "'")),
                "{want} in {iq}"
            );
        }
        let item = admin_item("affiliation", "member", "jid", "bob@example.org", None);
        let iq = String::from(&Element::from(admin_set("a1", &room(), vec![item])));
        assert!(iq.contains("muc#admin") && iq.contains("member"), "{iq}");
        let iq = String::from(&Element::from(destroy("d1", &room(), Some("moved"))));
        assert!(
            iq.contains(MUC_OWNER) && iq.contains("<reason>moved</reason>"),
            "{iq}"
        );
        let iq = String::from(&Element::from(instant_room("i1", &room())));
        assert!(iq.contains(MUC_OWNER) && iq.contains(ROOMCONFIG), "{iq}");
    }
}
