//! Group chat presence (XEP-0045): joining, our own presence, occupants.

use super::support::{Harness, MALLORY, ME, iqs_with};
use crate::account::requests::TIMEOUT;
use crate::api::{Event, Role};

pub(super) const ROOM: &str = "team@conference.example.org";
pub(super) const MUC_USER: &str = "http://jabber.org/protocol/muc#user";

/// Presence of occupant `nick` with extra muc#user children `extra`.
pub(super) fn occupant(nick: &str, real: &str, extra: &str) -> String {
    format!(
        "<presence from='{ROOM}/{nick}' to='{ME}/desk'><x xmlns='{MUC_USER}'>\
         <item affiliation='member' role='participant' jid='{real}'/>{extra}</x></presence>"
    )
}

/// A harness that asked to join ROOM as "alice" and got the room's
/// disco#info answer: the join presence is out.
async fn joining() -> Harness {
    joining_with(&[]).await
}

/// Like `joining`, the room offering `features` (e.g. `muc_membersonly`).
pub(super) async fn joining_with(features: &[&str]) -> Harness {
    let features: String = features
        .iter()
        .map(|f| format!("<feature var='{f}'/>"))
        .collect();
    let mut h = Harness::caught_up().await;
    h.actor.join_room(ROOM, Some("alice".into()), &h.wire).await;
    let sent = h.sent();
    let disco = iqs_with(&sent, "query", "http://jabber.org/protocol/disco#info");
    assert_eq!(disco.len(), 1, "{sent:?}");
    assert_eq!(disco[0].attr("to"), Some(ROOM));
    let id = disco[0].attr("id").unwrap();
    h.receive(&format!(
        "<iq type='result' id='{id}' from='{ROOM}'>\
         <query xmlns='http://jabber.org/protocol/disco#info'>\
         <identity category='conference' type='text'/>\
         <feature var='http://jabber.org/protocol/muc'/>{features}</query></iq>"
    ))
    .await;
    let sent = h.sent();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].name(), "presence");
    assert_eq!(
        sent[0].attr("to").map(str::to_owned),
        Some(format!("{ROOM}/alice"))
    );
    h.events();
    h
}

#[tokio::test]
async fn our_self_presence_joins_the_room_with_its_occupants() {
    let mut h = joining().await;

    h.receive(&occupant("bob", "bob@example.net/phone", ""))
        .await;
    assert!(h.events().is_empty(), "occupants come with room_joined");
    h.receive(&occupant(
        "alice",
        &format!("{ME}/desk"),
        "<status code='110'/>",
    ))
    .await;

    let room = ROOM.parse().unwrap();
    assert!(h.actor.muc.is_joined(&room));
    assert_eq!(h.actor.muc.nick(&room), Some("alice"));
    let events = h.events();
    let joined = events.iter().find_map(|e| match e {
        Event::RoomJoined {
            room,
            nick,
            occupants,
            ..
        } => Some((room, nick, occupants)),
        _ => None,
    });
    let (room, nick, occupants) = joined.expect("room_joined");
    assert_eq!((room.as_str(), nick.as_str()), (ROOM, "alice"));
    let mut nicks: Vec<_> = occupants.iter().map(|o| o.nick.as_str()).collect();
    nicks.sort_unstable();
    assert_eq!(nicks, ["alice", "bob"]);
    let bob = occupants.iter().find(|o| o.nick == "bob").unwrap();
    assert_eq!(bob.jid.as_deref(), Some("bob@example.net"));
    assert_eq!(bob.role, Role::Participant);
    assert!(h.actor.store.is_room(ROOM).unwrap());
}

#[tokio::test]
async fn occupants_coming_and_going_are_announced_once_joined() {
    let mut h = joining().await;
    h.receive(&occupant(
        "alice",
        &format!("{ME}/desk"),
        "<status code='110'/>",
    ))
    .await;
    h.events();

    h.receive(&occupant("carol", "carol@example.com/x", ""))
        .await;
    let events = h.events();
    assert!(
        matches!(
            events.as_slice(),
            [Event::Occupant { room, occupant, left: false, .. }]
                if room == ROOM && occupant.nick == "carol"
        ),
        "{events:?}"
    );

    h.receive(&format!(
        "<presence from='{ROOM}/carol' type='unavailable'><x xmlns='{MUC_USER}'>\
         <item affiliation='member' role='none'/></x></presence>"
    ))
    .await;
    let events = h.events();
    assert!(
        matches!(
            events.as_slice(),
            [Event::Occupant { occupant, left: true, .. }] if occupant.nick == "carol"
        ),
        "{events:?}"
    );
}

#[tokio::test]
async fn presence_from_a_room_we_are_not_in_is_no_room_state() {
    let mut h = Harness::caught_up().await;
    let other = "elsewhere@conference.example.org";

    h.receive(
        &occupant("alice", &format!("{ME}/desk"), "<status code='110'/>").replace(ROOM, other),
    )
    .await;

    let other = other.parse().unwrap();
    assert!(!h.actor.muc.knows(&other));
    assert!(
        !h.events()
            .iter()
            .any(|e| matches!(e, Event::RoomJoined { .. } | Event::Occupant { .. }))
    );
}

/// Asks to join ROOM; returns the id of the disco#info query that goes first.
async fn disco_asked(h: &mut Harness) -> String {
    h.actor.join_room(ROOM, Some("alice".into()), &h.wire).await;
    let sent = h.sent();
    let disco = iqs_with(&sent, "query", "http://jabber.org/protocol/disco#info");
    assert_eq!(disco.len(), 1, "{sent:?}");
    disco[0].attr("id").unwrap().to_owned()
}

fn disco_answer(id: &str, from: &str) -> String {
    format!(
        "<iq type='result' id='{id}' from='{from}'>\
         <query xmlns='http://jabber.org/protocol/disco#info'>\
         <identity category='conference' type='text'/>\
         <feature var='http://jabber.org/protocol/muc'/></query></iq>"
    )
}

/// Room requests live in the one request table too: only the room may
/// answer what we asked it.
#[tokio::test]
async fn a_room_answer_from_someone_else_is_ignored() {
    let mut h = Harness::caught_up().await;
    let id = disco_asked(&mut h).await;

    h.receive(&disco_answer(&id, &format!("{ROOM}/mallory")))
        .await;
    h.receive(&disco_answer(&id, MALLORY)).await;
    assert!(h.sent().is_empty(), "no join on a spoofed answer");

    h.receive(&disco_answer(&id, ROOM)).await;
    let sent = h.sent();
    assert!(sent.iter().any(|s| s.name() == "presence"), "{sent:?}");
}

/// A room service that never answers the disco query no longer leaves the
/// join hanging: after the timeout it is joined as one that did not tell.
#[tokio::test]
async fn an_unanswered_room_request_times_out() {
    let mut h = Harness::caught_up().await;
    let id = disco_asked(&mut h).await;

    let later = tokio::time::Instant::now() + TIMEOUT;
    h.actor.expire_requests(later, &h.wire).await;
    let sent = h.sent();
    assert!(sent.iter().any(|s| s.name() == "presence"), "{sent:?}");

    h.receive(&disco_answer(&id, ROOM)).await;
    assert!(h.sent().is_empty(), "a late answer is ignored");
}
