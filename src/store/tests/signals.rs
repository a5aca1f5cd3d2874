//! Corrections, retractions, reactions, read positions, mutes.

use super::*;
use crate::api::ReactionCount;
use crate::store::signals::same_sender;

const BOB: &str = "bob@example.org";

fn with_origin<'a>(m: NewMessage<'a>, origin: &'a str) -> NewMessage<'a> {
    NewMessage {
        origin_id: Some(origin),
        ..m
    }
}

#[test]
fn correction_keeps_the_first_text_and_retraction_wipes_it() {
    let mut s = mem();
    s.insert_messages(&[with_origin(incoming("m1", BOB, 1), "o1")])
        .unwrap();
    let found = s.find_by_reference(BOB, "o1", Some(BOB)).unwrap().unwrap();
    assert_eq!(found.id, "m1");
    assert!(
        s.find_by_reference(BOB, "o1", Some("eve@x"))
            .unwrap()
            .is_none()
    );
    assert!(s.find_by_reference("eve@x", "o1", None).unwrap().is_none());
    s.correct("m1", "fixed").unwrap();
    let r = s.correct("m1", "fixed again").unwrap().unwrap();
    assert_eq!((r.body.as_str(), r.edited), ("fixed again", true));
    assert_eq!(r.original_body.as_deref(), Some("m1"));
    // Search finds the new text, not the old.
    assert_eq!(s.search("again", 10).unwrap().len(), 1);
    s.set_reactions("m1", ME, &["👍".into()]).unwrap();
    let r = s.retract("m1").unwrap().unwrap();
    assert!(r.retracted);
    assert_eq!((r.body.as_str(), r.original_body), ("", None));
    assert!(s.message_full("m1").unwrap().unwrap().reactions.is_empty());
    assert!(s.search("again", 10).unwrap().is_empty());
    // Nothing changes a retracted message any more.
    assert!(s.correct("m1", "back").unwrap().is_none());
    assert!(s.set_reactions("m1", BOB, &["x".into()]).unwrap().is_none());
}

#[test]
fn reactions_are_counted_per_person() {
    let mut s = mem();
    s.insert_messages(&[incoming("m1", BOB, 1)]).unwrap();
    s.set_reactions("m1", BOB, &["👍".into(), "🎉".into()])
        .unwrap();
    s.set_reactions("m1", "me@example.org", &["👍".into()])
        .unwrap();
    let r = s.message_full("m1").unwrap().unwrap();
    assert_eq!(
        r.reactions,
        [
            ReactionCount {
                emoji: "👍".into(),
                count: 2,
                own: true
            },
            ReactionCount {
                emoji: "🎉".into(),
                count: 1,
                own: false
            },
        ]
    );
    // A new set replaces the old one of the same person.
    s.set_reactions("m1", BOB, &[]).unwrap();
    let page = s.history(BOB, 10, None).unwrap();
    assert_eq!(
        page[0].reactions,
        [ReactionCount {
            emoji: "👍".into(),
            count: 1,
            own: true
        }]
    );
}

#[test]
fn read_positions_mine_and_the_contacts() {
    let mut s = mem();
    s.insert_messages(&[
        incoming("i1", BOB, 1),
        outgoing("o1", BOB, 2),
        incoming("i2", BOB, 3),
        outgoing("o2", BOB, 4),
        incoming("i3", BOB, 5),
    ])
    .unwrap();
    for id in ["o1", "o2"] {
        s.set_state(id, MessageState::Acked, None).unwrap();
    }
    assert_eq!(s.mark_read_upto(BOB, "i2").unwrap(), 2);
    let unread: Vec<_> = s
        .history(BOB, 10, None)
        .unwrap()
        .into_iter()
        .filter(|m| m.unread)
        .map(|m| m.id)
        .collect();
    assert_eq!(unread, ["i3"]);
    assert_eq!(s.conversations().unwrap()[0].unread, 1);
    let read = s.peer_read_upto(BOB, "i2").unwrap();
    assert_eq!(ids(&read), ["o1"]);
    assert_eq!(read[0].state, MessageState::Read);
}

#[test]
fn replies_show_the_quoted_text_and_mute_is_kept() {
    let mut s = mem();
    s.insert_messages(&[with_origin(incoming("q", BOB, 1), "orig-q")])
        .unwrap();
    let reply = NewMessage {
        reply_to: Some("orig-q"),
        ..outgoing("r", BOB, 2)
    };
    s.insert_messages(&[reply]).unwrap();
    let r = s.message("r").unwrap().unwrap();
    let quote = r.reply_to.unwrap();
    assert_eq!(
        (quote.id.as_deref(), quote.body.as_deref()),
        (Some("q"), Some("q"))
    );
    assert!(!s.is_muted(BOB).unwrap());
    s.set_muted(BOB, true).unwrap();
    assert!(s.is_muted(BOB).unwrap());
    assert!(s.conversations().unwrap()[0].muted);
}

#[test]
fn sender_rules() {
    let rec = MessageRecord {
        sender: "bob@x/pc".into(),
        ..Default::default()
    };
    assert!(same_sender(&rec, "bob@x/pc", true));
    assert!(
        !same_sender(&rec, "bob@x/phone", true),
        "correction needs the full JID"
    );
    assert!(
        same_sender(&rec, "bob@x/phone", false),
        "retraction the bare JID"
    );
    assert!(!same_sender(&rec, "eve@x/pc", false));
    let bare = MessageRecord {
        sender: "me@x".into(),
        ..Default::default()
    };
    assert!(same_sender(&bare, "me@x/laptop", true));
}

/// Room messages are found by the room's stanza-id or their author's id,
/// with the author's occupant-id; reactions there are ours only when keyed
/// by our JID; a moderated message is wiped and names the moderator.
#[test]
fn room_targets_reactions_and_moderation() {
    const ROOM: &str = "team@muc.example.org";
    let mut s = mem();
    s.ensure_room(ROOM).unwrap();
    let m = NewMessage {
        sender: "team@muc.example.org/al",
        server_id: Some("room-sid-1"),
        origin_id: Some("al-1"),
        occupant_id: Some("occ-al"),
        ..incoming("r1", ROOM, 1)
    };
    s.insert_messages(&[m]).unwrap();
    for reference in ["room-sid-1", "al-1"] {
        let (found, occupant) = s.find_in_room(ROOM, reference).unwrap().unwrap();
        assert_eq!(
            (found.id.as_str(), occupant.as_deref()),
            ("r1", Some("occ-al"))
        );
    }
    assert!(s.find_in_room(ROOM, "nope").unwrap().is_none());
    assert!(
        s.find_in_room("other@muc.example.org", "al-1")
            .unwrap()
            .is_none()
    );

    s.set_reactions("r1", "me@example.org", &["👍".into()])
        .unwrap();
    s.set_reactions("r1", "team@muc.example.org/bo", &["👍".into()])
        .unwrap();
    let r = s
        .set_reactions("r1", "team@muc.example.org#occ-cy", &["🎉".into()])
        .unwrap()
        .unwrap();
    let own: Vec<(&str, u32, bool)> = r
        .reactions
        .iter()
        .map(|x| (x.emoji.as_str(), x.count, x.own))
        .collect();
    assert_eq!(own, [("👍", 2, true), ("🎉", 1, false)]);

    let gone = s
        .moderate("r1", "team@muc.example.org/mod", Some("spam"))
        .unwrap()
        .unwrap();
    assert!(gone.retracted && gone.body.is_empty() && gone.reactions.is_empty());
    assert_eq!(
        gone.moderated_by.as_deref(),
        Some("team@muc.example.org/mod")
    );
    assert_eq!(gone.moderation_reason.as_deref(), Some("spam"));
    // Once is enough.
    assert!(s.moderate("r1", "x", None).unwrap().is_none());
}
