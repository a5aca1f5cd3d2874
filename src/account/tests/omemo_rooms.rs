//! Encrypted groups (issue 23): whose keys open a room message, who is
//! encrypted to, and what an open room or the account's policy allows.

use chrono::Utc;
use rand_core::OsRng;

use super::muc::{MUC_USER, ROOM, joining_with, occupant};
use super::support::{Harness, ME, iqs_with};
use crate::account::omemo::keys;
use crate::api::{DecryptionError, Encryption, EncryptionUnavailable, Event, MessageState};

const PRIVATE: &[&str] = &["muc_membersonly", "muc_nonanonymous"];
const ADMIN: &str = "http://jabber.org/protocol/muc#admin";

/// In ROOM as "alice" with our OMEMO device made; `features` as the
/// room's disco#info says. The member-list requests sent on joining are
/// returned.
async fn joined(features: &[&str]) -> (Harness, Vec<String>) {
    let mut h = joining_with(features).await;
    keys::ensure_own(&mut h.actor.store, &[], Utc::now(), &mut OsRng).unwrap();
    h.receive(&occupant(
        "alice",
        &format!("{ME}/desk"),
        "<status code='110'/>",
    ))
    .await;
    let sent = h.sent();
    let lists = iqs_with(&sent, "query", ADMIN)
        .iter()
        .filter_map(|iq| iq.attr("id").map(str::to_owned))
        .collect();
    h.events();
    (h, lists)
}

/// The room answers the member lists `lists` asked for: we own it, bob
/// is a member, there are no admins.
async fn answer_lists(h: &mut Harness, lists: &[String]) {
    for (id, items) in lists.iter().zip([
        "<item affiliation='owner' jid='alice@example.org'/>",
        "",
        "<item affiliation='member' jid='bob@example.net'/>",
    ]) {
        h.receive(&format!(
            "<iq type='result' id='{id}' from='{ROOM}'><query xmlns='{ADMIN}'>{items}</query></iq>"
        ))
        .await;
    }
}

/// An OMEMO 2 element from device 4711 with a key for device 1 of ours.
const ENCRYPTED: &str = "<encrypted xmlns='urn:xmpp:omemo:2'><header sid='4711'>\
     <keys jid='alice@example.org'><key rid='1'>AAAA</key></keys></header>\
     <payload>AAAA</payload></encrypted>";

#[tokio::test]
async fn a_nick_is_trusted_as_the_occupant_it_belongs_to_not_as_it_claims() {
    let (mut h, _) = joined(PRIVATE).await;
    // A live message from a nick nobody has in the room, claiming to be
    // bob's (only the room's archive may say whose a message is): it is
    // not opened with bob's keys but shown as of an unknown author.
    h.receive(&format!(
        "<message type='groupchat' from='{ROOM}/ghost' id='g1'>\
         <body>fallback</body><x xmlns='{MUC_USER}'><item jid='bob@example.net'/></x>\
         {ENCRYPTED}</message>"
    ))
    .await;
    let history = h.history(ROOM);
    let m = history.last().expect("stored");
    assert_eq!(m.crypto.encryption, Encryption::Omemo2, "{m:?}");
    assert_eq!(
        m.crypto.decryption_error,
        Some(DecryptionError::UnknownSender),
        "{m:?}"
    );
    assert_eq!(m.body, "", "the fallback is not the text: {m:?}");
}

#[tokio::test]
async fn the_member_list_follows_the_rooms_affiliation_notices() {
    let (mut h, lists) = joined(PRIVATE).await;
    assert_eq!(lists.len(), 3, "owners, admins, members");
    let room = ROOM.parse().unwrap();
    answer_lists(&mut h, &lists).await;
    let names = |h: &Harness| -> Vec<String> {
        let mut m: Vec<String> = h
            .actor
            .room_members(&room)
            .unwrap_or_default()
            .iter()
            .map(ToString::to_string)
            .collect();
        m.sort();
        m
    };
    assert_eq!(names(&h), ["bob@example.net"]);
    // Someone not in the room becomes a member, then bob is removed.
    h.receive(&format!(
        "<message from='{ROOM}'><x xmlns='{MUC_USER}'>\
         <item affiliation='member' jid='carol@example.com'/></x></message>"
    ))
    .await;
    assert_eq!(names(&h), ["bob@example.net", "carol@example.com"]);
    h.receive(&format!(
        "<presence from='{ROOM}/bob' type='unavailable'><x xmlns='{MUC_USER}'>\
         <item affiliation='none' role='none' jid='bob@example.net/x'/>\
         <status code='321'/></x></presence>"
    ))
    .await;
    assert_eq!(names(&h), ["carol@example.com"]);
}

#[tokio::test]
async fn an_open_room_is_not_encrypted_and_the_policy_keeps_its_messages_back() {
    let (mut h, lists) = joined(&[]).await;
    assert!(lists.is_empty(), "no member list read in an open room");
    h.actor.set_encryption(ROOM, Some(true));
    let events = h.events();
    assert!(
        events.iter().any(|e| matches!(
            e,
            Event::Error { code: Some(c), .. } if c == "encryption_unavailable"
        )),
        "{events:?}"
    );
    assert!(
        events.iter().any(|e| matches!(
            e,
            Event::Encryption {
                encrypted: Encryption::None,
                unavailable: Some(EncryptionUnavailable::OpenRoom),
                ..
            }
        )),
        "{events:?}"
    );
    // An account that sends only encrypted: the message is kept back with
    // the reason, never sent in plain text.
    h.actor.switches.require_encryption = true;
    h.actor
        .send_chat(ROOM, "not here", None, None, Some(&h.wire))
        .await;
    let sent = h.sent();
    assert!(
        !sent.iter().any(|s| s.name() == "message"),
        "sent: {sent:?}"
    );
    let history = h.history(ROOM);
    let m = history.last().expect("stored");
    assert_eq!(m.state, MessageState::Failed, "{m:?}");
}

#[tokio::test]
async fn switching_omemo_on_reads_the_members_of_the_private_rooms_we_are_in() {
    let mut h = joining_with(PRIVATE).await;
    h.actor.switches.omemo = false;
    h.receive(&occupant(
        "alice",
        &format!("{ME}/desk"),
        "<status code='110'/>",
    ))
    .await;
    let sent = h.sent();
    assert!(iqs_with(&sent, "query", ADMIN).is_empty(), "OMEMO is off");
    h.switch_omemo_on().await;
    let sent = h.sent();
    assert_eq!(iqs_with(&sent, "query", ADMIN).len(), 3, "{sent:?}");
}

/// The group's default is settled only once the members' devices are
/// known: settled before, it took a group whose members have OMEMO for
/// one without and sent the message in plain text.
#[tokio::test]
async fn a_message_waits_for_the_members_devices_before_its_default_is_settled() {
    let (mut h, lists) = joined(PRIVATE).await;
    answer_lists(&mut h, &lists).await;
    // Bob's device lists are asked for.
    let sent = h.sent();
    let asked: Vec<String> = iqs_with(&sent, "pubsub", "http://jabber.org/protocol/pubsub")
        .iter()
        .filter(|iq| iq.attr("to") == Some("bob@example.net"))
        .filter_map(|iq| iq.attr("id").map(str::to_owned))
        .collect();
    assert_eq!(asked.len(), 2, "{sent:?}");
    h.actor
        .send_chat(ROOM, "hello all", None, None, Some(&h.wire))
        .await;
    let sent = h.sent();
    assert!(
        !sent.iter().any(|s| s.name() == "message"),
        "sent before bob's devices were known: {sent:?}"
    );
    // Bob has none: the message goes, in plain text.
    for id in asked {
        h.receive(&format!(
            "<iq type='error' id='{id}' from='bob@example.net'><error type='cancel'>\
             <item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>"
        ))
        .await;
    }
    let sent = h.sent();
    let message = sent
        .iter()
        .find(|s| s.name() == "message")
        .unwrap_or_else(|| panic!("not sent: {sent:?}"));
    assert!(String::from(message).contains("hello all"), "{message:?}");

    // Bob gets a device: the group says so (he is no longer out of reach).
    h.events();
    h.receive(&format!(
        "<message from='bob@example.net' to='{ME}/desk' type='headline'>         <event xmlns='http://jabber.org/protocol/pubsub#event'>         <items node='urn:xmpp:omemo:2:devices'><item id='current'>         <devices xmlns='urn:xmpp:omemo:2'><device id='4711'/></devices>         </item></items></event></message>"
    ))
    .await;
    let events = h.events();
    assert!(
        events.iter().any(|e| matches!(
            e,
            Event::Encryption { with, encrypted: Encryption::Omemo2, unreachable, .. }
                if with == ROOM && unreachable.is_empty()
        )),
        "{events:?}"
    );
}
