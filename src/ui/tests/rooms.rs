//! Group chats: the room in the sidebar, join and create, the room view,
//! its actions, invitations, being kicked, notifications by mode.

use iced::keyboard::key::Named;
use iced_test::selector;

use super::{Harness, conversation};
use crate::api::AccountRequest;
use crate::api::{
    Affiliation, Availability, ConversationKind, ConversationSummary, Direction, Event,
    LeaveReason, MessageRecord, MessageState, NotifyMode, Occupant, Role, RoomInfo, RoomMember,
};
use crate::fl;
use crate::ui::room_actions::RoomMessage;
use crate::ui::{Message, ids};

const ROOM: &str = "team@conference.work.example";

fn occupant(nick: &str, role: Role, affiliation: Affiliation, jid: Option<&str>) -> Occupant {
    Occupant {
        nick: nick.into(),
        jid: jid.map(Into::into),
        role,
        affiliation,
        presence: Availability::Available,
        ..Default::default()
    }
}

fn room_summary(unread: u32) -> ConversationSummary {
    ConversationSummary {
        with: ROOM.into(),
        last_body: Some("Morning all".into()),
        unread,
        kind: ConversationKind::Room,
        ..Default::default()
    }
}

/// "work" online, in the room "Team" as moderator and admin ("me"), with
/// Anna (member), Ben and a visitor; the room not open.
fn in_room(unread: u32) -> Harness {
    let mut h = Harness::work_account(0);
    h.event(
        "work",
        Event::Conversations {
            account: "work".into(),
            conversations: vec![
                room_summary(unread),
                conversation("carol@work.example", "See you", 0),
            ],
        },
    );
    h.event(
        "work",
        Event::Rooms {
            account: "work".into(),
            rooms: vec![RoomInfo {
                jid: ROOM.into(),
                name: Some("Team".into()),
                nick: Some("me".into()),
                joined: true,
                autojoin: true,
                notify: NotifyMode::Mentions,
                subject: None,
            }],
        },
    );
    h.event(
        "work",
        Event::RoomJoined {
            account: "work".into(),
            room: ROOM.into(),
            nick: "me".into(),
            occupants: vec![
                occupant(
                    "me",
                    Role::Moderator,
                    Affiliation::Admin,
                    Some("me@work.example"),
                ),
                occupant(
                    "Anna",
                    Role::Participant,
                    Affiliation::Member,
                    Some("anna@work.example"),
                ),
                occupant("Ben", Role::Participant, Affiliation::None, None),
                occupant("guest", Role::Visitor, Affiliation::None, None),
            ],
            subject: Some("Release on Friday".into()),
            created: false,
            moderation: false,
        },
    );
    let _ = h.commands("work");
    h
}

fn open_room(h: &mut Harness) {
    let _ = h.click(ids::contact("work", ROOM));
    let _ = h.commands("work");
}

fn room_message(seq: i64, nick: &str, body: &str, mention: bool) -> MessageRecord {
    MessageRecord {
        seq,
        id: format!("r{seq}"),
        with: ROOM.into(),
        direction: if nick == "me" {
            Direction::Out
        } else {
            Direction::In
        },
        sender: format!("{ROOM}/{nick}"),
        body: body.into(),
        timestamp: chrono::Utc::now(),
        state: MessageState::Received,
        pos: seq,
        mention,
        ..Default::default()
    }
}

fn arrives(h: &mut Harness, m: MessageRecord) {
    h.message("work", m);
}

/// The sent commands without typing notifications.
fn sent(h: &mut Harness) -> Vec<AccountRequest> {
    h.commands("work")
        .into_iter()
        .filter(|c| !matches!(c, AccountRequest::ChatState { .. }))
        .collect()
}

#[test]
fn a_room_is_listed_by_name_with_its_unread_and_mention_marks() {
    let mut h = in_room(2);
    let row = ids::contact("work", ROOM);
    // The room's initials, its bookmark name, the last message, unread.
    assert_eq!(h.texts_in(row.clone()), ["T", "Team", "Morning all", "2"]);
    arrives(&mut h, room_message(5, "Anna", "me: can you check?", true));
    // The "@" badge: an unread message mentions us.
    assert_eq!(
        h.texts_in(row.clone()),
        ["T", "Team", "me: can you check?", "@", "3"]
    );
    open_room(&mut h);
    assert_eq!(h.texts_in(row), ["T", "Team", "me: can you check?"]);
}

#[test]
fn the_mention_badge_comes_from_the_store_after_a_restart() {
    let mut h = in_room(0);
    let row = ids::contact("work", ROOM);
    // What the account reports at start-up: an unread mention stored.
    h.event(
        "work",
        Event::Conversations {
            account: "work".into(),
            conversations: vec![ConversationSummary {
                unread_mentions: 1,
                ..room_summary(4)
            }],
        },
    );
    assert_eq!(
        h.texts_in(row.clone()),
        ["T", "Team", "Morning all", "@", "4"]
    );
    // Read on another device: gone here too.
    h.event(
        "work",
        Event::Conversations {
            account: "work".into(),
            conversations: vec![room_summary(0)],
        },
    );
    assert_eq!(h.texts_in(row), ["T", "Team", "Morning all"]);
}

#[test]
fn the_room_view_shows_subject_occupants_and_nicks() {
    let mut h = in_room(0);
    open_room(&mut h);
    h.assert_shows("Release on Friday");
    h.assert_shows(&fl!("room-people", count = 4));
    h.assert_shows(&format!("{} · 1", fl!("room-role-moderators")));
    h.assert_shows(&format!("{} · 2", fl!("room-role-participants")));
    h.assert_shows(&format!("{} · 1", fl!("room-role-visitors")));
    h.assert_shows(&fl!("room-affiliation-admin"));
    h.event(
        "work",
        Event::History {
            account: "work".into(),
            with: ROOM.into(),
            messages: vec![
                room_message(1, "Anna", "Hello team", false),
                room_message(2, "me", "Hi Anna", false),
            ],
            complete: true,
        },
    );
    // Incoming messages carry the sender's nick (Anna is also listed).
    assert_eq!(h.count("Anna"), 2);
    h.assert_shows("Hello team");
    // Our own message has no nick over it.
    assert_eq!(h.count("me"), 1, "only in the occupant list");
    // The occupant list can be hidden.
    let _ = h.click(ids::room::OCCUPANTS);
    assert_eq!(h.count("Anna"), 1);
    // Typing of an occupant.
    h.event(
        "work",
        Event::ChatState {
            account: "work".into(),
            with: ROOM.into(),
            state: crate::api::ChatStateKind::Composing,
            nick: Some("Anna".into()),
        },
    );
    h.assert_shows(&fl!("room-typing-one", nick = "Anna"));
}

#[test]
fn a_mention_is_highlighted() {
    use crate::ui::conversation::{Bubble, bubble_kind};
    let mention = room_message(1, "Anna", "me, look", true);
    let plain = room_message(2, "Anna", "hello", false);
    let own = room_message(3, "me", "hi", false);
    assert_eq!(bubble_kind(&mention, true), Bubble::Mention);
    assert_eq!(bubble_kind(&plain, true), Bubble::Other);
    assert_eq!(bubble_kind(&own, true), Bubble::Own);
    assert_eq!(bubble_kind(&mention, false), Bubble::Other);
}

#[test]
fn the_join_dialog_sends_join_room_and_opens_the_room_when_joined() {
    let mut h = Harness::work_account(0);
    let _ = h.click(ids::JOIN_ROOM);
    h.assert_shows(&fl!("join-room-title"));
    // The nickname defaults to the account's local part.
    h.assert_shows("me");
    let _ = h.run(|ui| {
        ui.click(selector::id(ids::join_room::ROOM)).unwrap();
        let _ = ui.typewrite("board@conference.work.example");
    });
    let _ = h.click(ids::join_room::SUBMIT);
    assert!(!h.shows(&fl!("join-room-title")), "the dialog closed");
    assert_eq!(
        h.commands("work"),
        [AccountRequest::JoinRoom {
            room: "board@conference.work.example".into(),
            nick: Some("me".into()),
        }]
    );
    h.event(
        "work",
        Event::RoomJoined {
            account: "work".into(),
            room: "board@conference.work.example".into(),
            nick: "me".into(),
            occupants: vec![occupant("me", Role::Participant, Affiliation::Member, None)],
            subject: None,
            created: false,
            moderation: false,
        },
    );
    let chat = h.app.chat.as_ref().expect("the room opened");
    assert_eq!(chat.with, "board@conference.work.example");
    let cmds = h.commands("work");
    assert!(cmds.contains(&AccountRequest::Rooms), "{cmds:?}");
    assert!(cmds.contains(&AccountRequest::Conversations), "{cmds:?}");
}

#[test]
fn create_sends_create_room_with_members() {
    let mut h = Harness::work_account(0);
    let _ = h.click(ids::JOIN_ROOM);
    let _ = h.click(ids::join_room::CREATE);
    let _ = h.run(|ui| {
        ui.click(selector::id(ids::join_room::ROOM)).unwrap();
        let _ = ui.typewrite("council@conference.work.example");
        ui.click(selector::id(ids::join_room::NAME)).unwrap();
        let _ = ui.typewrite("Works council");
        ui.click(selector::id(ids::join_room::MEMBERS)).unwrap();
        let _ = ui.typewrite("anna@work.example");
        let _ = ui.tap_key(Named::Enter);
        let _ = ui.typewrite("ben@work.example");
    });
    let _ = h.click(ids::join_room::SUBMIT);
    assert_eq!(
        h.commands("work"),
        [AccountRequest::CreateRoom {
            room: "council@conference.work.example".into(),
            name: Some("Works council".into()),
            nick: Some("me".into()),
            members: vec!["anna@work.example".into(), "ben@work.example".into()],
        }]
    );
}

#[test]
fn errors_are_shown_in_plain_words() {
    let mut h = Harness::work_account(0);
    h.event(
        "work",
        Event::MucError {
            account: "work".into(),
            room: "board@conference.work.example".into(),
            condition: "registration_required".into(),
            text: None,
        },
    );
    h.assert_shows(&fl!("muc-error-not-member", room = "board"));
}

#[test]
fn an_invitation_is_a_prompt_whose_join_joins() {
    let mut h = Harness::work_account(0);
    h.event(
        "work",
        Event::Invitation {
            account: "work".into(),
            room: "board@conference.work.example".into(),
            from: "anna@work.example".into(),
            reason: Some("Budget talk".into()),
            password: None,
        },
    );
    let text = format!(
        "{} “Budget talk”",
        fl!(
            "room-invitation",
            from = "anna@work.example",
            room = "board"
        )
    );
    h.assert_shows(&text);
    let messages = h.click(ids::room::invitation(
        "work",
        "board@conference.work.example",
        true,
    ));
    assert!(matches!(
        &messages[..],
        [Message::Room(RoomMessage::JoinInvitation(a, r))]
            if a == "work" && r == "board@conference.work.example"
    ));
    assert_eq!(
        h.commands("work"),
        [AccountRequest::JoinRoom {
            room: "board@conference.work.example".into(),
            nick: None,
        }]
    );
    assert!(!h.shows(&text), "answered");

    // Dismiss just removes the prompt.
    h.event(
        "work",
        Event::Invitation {
            account: "work".into(),
            room: "x@conference.work.example".into(),
            from: "ben@work.example".into(),
            reason: None,
            password: None,
        },
    );
    let _ = h.click(ids::room::invitation(
        "work",
        "x@conference.work.example",
        false,
    ));
    assert!(h.commands("work").is_empty());
    assert!(h.app.accounts.iter().all(|a| match a {
        crate::ui::model::Account::Ok(l) => l.invitations.is_empty(),
        _ => true,
    }));
}

#[test]
fn kicked_shows_a_banner_and_disables_the_composer_until_rejoined() {
    let mut h = in_room(0);
    open_room(&mut h);
    assert!(h.has_id(ids::SEND));
    h.event(
        "work",
        Event::RoomLeft {
            account: "work".into(),
            room: ROOM.into(),
            reason: LeaveReason::Kicked,
            actor: Some("Anna".into()),
            text: Some("off topic".into()),
        },
    );
    let banner = format!(
        "{} {} {}",
        fl!("room-left-kicked", room = "Team"),
        fl!("room-left-actor", actor = "Anna"),
        fl!("room-left-reason", reason = "off topic")
    );
    h.assert_shows(&banner);
    h.assert_shows(&fl!("room-not-joined"));
    assert!(!h.has_id(ids::SEND), "no sending while out of the room");
    // Typing does nothing: the composer is disabled.
    let messages = h.run(|ui| {
        let _ = ui.click(selector::id(ids::COMPOSER));
        let _ = ui.typewrite("hello?");
    });
    assert!(messages.iter().all(|m| !matches!(m, Message::Chat(_))));
    let _ = h.click(ids::room::REJOIN);
    assert_eq!(
        sent(&mut h),
        [AccountRequest::JoinRoom {
            room: ROOM.into(),
            nick: Some("me".into()),
        }]
    );

    // Banned: no way back from here.
    h.event(
        "work",
        Event::RoomLeft {
            account: "work".into(),
            room: ROOM.into(),
            reason: LeaveReason::Banned,
            actor: None,
            text: None,
        },
    );
    h.assert_shows(&fl!("room-left-banned", room = "Team"));
    assert!(!h.has_id(ids::room::REJOIN));
}

#[test]
fn a_lost_room_shows_reconnecting_and_stays_writable() {
    let mut h = in_room(0);
    open_room(&mut h);
    h.event(
        "work",
        Event::RoomLeft {
            account: "work".into(),
            room: ROOM.into(),
            reason: LeaveReason::Lost,
            actor: None,
            text: None,
        },
    );
    h.assert_shows(&fl!("room-reconnecting"));
    assert!(h.has_id(ids::SEND));
    assert!(!h.has_id(format!("{}-0", ids::BANNER_DISMISS)));
}

#[test]
fn the_notification_mode_is_set_from_the_room_menu() {
    let mut h = in_room(0);
    open_room(&mut h);
    let _ = h.click(ids::room::MENU);
    let _ = h.click(ids::room::notify(NotifyMode::All));
    assert_eq!(
        sent(&mut h),
        [AccountRequest::RoomNotify {
            room: ROOM.into(),
            mode: NotifyMode::All,
        }]
    );
}

#[test]
fn a_moderator_kicks_and_an_admin_bans() {
    let mut h = in_room(0);
    open_room(&mut h);
    assert!(!h.has_id(ids::room::kick("Anna")));
    let _ = h.click(ids::room::occupant("Anna"));
    let _ = h.click(ids::room::kick("Anna"));
    assert_eq!(
        sent(&mut h),
        [AccountRequest::SetRole {
            room: ROOM.into(),
            nick: "Anna".into(),
            role: Role::None,
            reason: None,
        }]
    );
    let _ = h.click(ids::room::occupant("Anna"));
    let _ = h.click(ids::room::ban("Anna"));
    assert_eq!(
        sent(&mut h),
        [AccountRequest::SetAffiliation {
            room: ROOM.into(),
            jid: "anna@work.example".into(),
            affiliation: Affiliation::Outcast,
            reason: None,
        }]
    );
    // Ben's address is hidden: he can be kicked, not banned.
    let _ = h.click(ids::room::occupant("Ben"));
    assert!(h.has_id(ids::room::kick("Ben")));
    assert!(!h.has_id(ids::room::ban("Ben")));
}

#[test]
fn invite_members_subject_leave_from_the_menu() {
    let mut h = in_room(0);
    open_room(&mut h);
    let _ = h.click(ids::room::MENU);
    assert!(!h.has_id(ids::room::DESTROY), "admins do not destroy");
    let _ = h.click(ids::room::INVITE);
    let _ = h.run(|ui| {
        ui.click(selector::id(ids::room::INVITE_JID)).unwrap();
        let _ = ui.typewrite("carol@work.example");
    });
    let _ = h.click(ids::room::INVITE_SEND);
    let _ = h.click(ids::room::MENU);
    let _ = h.click(ids::room::MEMBERS);
    // Anna is a member: she can be removed.
    let _ = h.click(ids::room::remove_member("anna@work.example"));
    let _ = h.run(|ui| {
        ui.click(selector::id(ids::room::MEMBER_JID)).unwrap();
        let _ = ui.typewrite("dave@work.example");
    });
    let _ = h.click(ids::room::MEMBER_ADD);
    let _ = h.click(ids::room::SUBJECT_EDIT);
    let _ = h.run(|ui| {
        ui.click(selector::id(ids::room::SUBJECT)).unwrap();
        let _ = ui.typewrite(" (moved)");
    });
    let _ = h.click(ids::room::SUBJECT_SAVE);
    let _ = h.click(ids::room::MENU);
    let _ = h.click(ids::room::LEAVE);
    assert_eq!(
        sent(&mut h),
        [
            AccountRequest::Invite {
                room: ROOM.into(),
                jid: "carol@work.example".into(),
                reason: None,
            },
            AccountRequest::RoomMembers { room: ROOM.into() },
            AccountRequest::SetAffiliation {
                room: ROOM.into(),
                jid: "anna@work.example".into(),
                affiliation: Affiliation::None,
                reason: None,
            },
            AccountRequest::SetAffiliation {
                room: ROOM.into(),
                jid: "dave@work.example".into(),
                affiliation: Affiliation::Member,
                reason: None,
            },
            AccountRequest::SetSubject {
                room: ROOM.into(),
                subject: "Release on Friday (moved)".into(),
            },
            AccountRequest::LeaveRoom { room: ROOM.into() },
        ]
    );
}

#[test]
fn the_members_form_lists_the_rooms_whole_list_and_follows_changes() {
    let mut h = in_room(0);
    open_room(&mut h);
    let _ = h.click(ids::room::MENU);
    let _ = h.click(ids::room::MEMBERS);
    assert_eq!(
        sent(&mut h),
        [AccountRequest::RoomMembers { room: ROOM.into() }]
    );
    // Until the list comes, those present; Dora is not in the room.
    assert!(h.has_id(ids::room::remove_member("anna@work.example")));
    assert!(!h.has_id(ids::room::remove_member("dora@work.example")));
    let member = |jid: &str, affiliation, nick: Option<&str>| RoomMember {
        jid: jid.into(),
        affiliation,
        nick: nick.map(Into::into),
    };
    h.event(
        "work",
        Event::RoomMembers {
            account: "work".into(),
            room: ROOM.into(),
            members: vec![
                member("anna@work.example", Affiliation::Member, None),
                member("dora@work.example", Affiliation::Member, Some("Dora")),
                member("me@work.example", Affiliation::Admin, None),
            ],
        },
    );
    h.assert_shows("Dora");
    h.assert_shows("dora@work.example");
    let _ = h.click(ids::room::remove_member("dora@work.example"));
    assert!(!h.has_id(ids::room::remove_member("dora@work.example")));
    let _ = h.run(|ui| {
        ui.click(selector::id(ids::room::MEMBER_JID)).unwrap();
        let _ = ui.typewrite("erik@work.example");
    });
    let _ = h.click(ids::room::MEMBER_ADD);
    assert!(h.has_id(ids::room::remove_member("erik@work.example")));
    assert_eq!(sent(&mut h).len(), 2);
}

#[test]
fn an_owner_destroys_after_confirming() {
    let mut h = in_room(0);
    h.event(
        "work",
        Event::Occupant {
            account: "work".into(),
            room: ROOM.into(),
            occupant: occupant(
                "me",
                Role::Moderator,
                Affiliation::Owner,
                Some("me@work.example"),
            ),
            left: false,
        },
    );
    open_room(&mut h);
    let _ = h.click(ids::room::MENU);
    let _ = h.click(ids::room::DESTROY);
    assert!(sent(&mut h).is_empty(), "asks first");
    h.assert_shows(&fl!("room-destroy-question"));
    let _ = h.click(ids::room::DESTROY_CONFIRM);
    assert_eq!(
        sent(&mut h),
        [AccountRequest::DestroyRoom {
            room: ROOM.into(),
            reason: None,
        }]
    );
}

#[test]
fn tab_completes_a_nick_and_enter_sends_to_the_room() {
    let mut h = in_room(0);
    open_room(&mut h);
    let _ = h.run(|ui| {
        ui.click(selector::id(ids::COMPOSER)).unwrap();
        let _ = ui.typewrite("hi @an");
        let _ = ui.tap_key(Named::Tab);
    });
    let text = h.app.chat.as_ref().map(|c| c.composer.text());
    assert_eq!(text.as_deref(), Some("hi @Anna "));
    let _ = h.run(|ui| {
        ui.click(selector::id(ids::COMPOSER)).unwrap();
        let _ = ui.tap_key(Named::Enter);
    });
    match &sent(&mut h)[..] {
        [AccountRequest::Send { to, body, .. }] => {
            assert_eq!(to, ROOM);
            assert_eq!(body, "hi @Anna");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_private_message_to_an_occupant_opens_its_own_conversation() {
    let mut h = in_room(0);
    open_room(&mut h);
    let _ = h.click(ids::room::occupant("Anna"));
    // Not to ourselves.
    assert!(!h.has_id(ids::room::private("me")));
    let _ = h.click(ids::room::private("Anna"));
    let anna = format!("{ROOM}/Anna");
    assert_eq!(
        h.app.chat.as_ref().map(|c| c.with.as_str()),
        Some(anna.as_str())
    );
    h.assert_shows("Anna (team)");
    let _ = h.commands("work");
    let _ = h.run(|ui| {
        ui.click(selector::id(ids::COMPOSER)).unwrap();
        let _ = ui.typewrite("just between us");
        let _ = ui.tap_key(Named::Enter);
    });
    match &sent(&mut h)[..] {
        [AccountRequest::Send { to, body, .. }] => {
            assert_eq!(to, &anna);
            assert_eq!(body, "just between us");
        }
        other => panic!("{other:?}"),
    }
}

/// Our room with XEP-0425 offered (or not), Anna's message in it, open.
fn moderated_room(offered: bool) -> Harness {
    let mut h = in_room(0);
    if offered {
        h.event(
            "work",
            Event::RoomJoined {
                account: "work".into(),
                room: ROOM.into(),
                nick: "me".into(),
                occupants: vec![
                    occupant("me", Role::Moderator, Affiliation::Admin, None),
                    occupant("Anna", Role::Participant, Affiliation::Member, None),
                ],
                subject: None,
                created: false,
                moderation: true,
            },
        );
    }
    open_room(&mut h);
    arrives(&mut h, room_message(7, "Anna", "buy cheap watches", false));
    let _ = h.commands("work");
    h.update(Message::Chat(crate::ui::conversation::Message::Select(
        "r7".into(),
    )));
    h
}

#[test]
fn a_moderator_removes_a_message_where_the_room_offers_it() {
    let h = moderated_room(false);
    assert!(!h.has_id(ids::moderate("r7")), "not offered by the room");
    let mut h = moderated_room(true);
    let _ = h.click(ids::moderate("r7"));
    assert_eq!(
        sent(&mut h),
        [AccountRequest::Moderate {
            id: "r7".into(),
            reason: None,
        }]
    );
    // The room's notice: the message says who removed it and why.
    h.event(
        "work",
        Event::MessageUpdated {
            account: "work".into(),
            message: MessageRecord {
                body: String::new(),
                retracted: true,
                moderated_by: Some(format!("{ROOM}/me")),
                moderation_reason: Some("spam".into()),
                ..room_message(7, "Anna", "", false)
            },
        },
    );
    h.assert_shows(&fl!("message-moderated-reason", by = "me", reason = "spam"));
}

#[test]
fn room_notifications_follow_the_mode() {
    let mut h = in_room(0);
    let notice = |h: &Harness, m: &MessageRecord| {
        let account = h
            .app
            .accounts
            .iter()
            .find_map(|a| match a {
                crate::ui::model::Account::Ok(l) => Some(l),
                _ => None,
            })
            .expect("work");
        crate::ui::update::notice_for(account, None, false, m)
    };
    let plain = room_message(1, "Anna", "lunch?", false);
    let mention = room_message(2, "Anna", "me: lunch?", true);
    // Mentions only (the default).
    assert!(notice(&h, &plain).is_none());
    let n = notice(&h, &mention).expect("a mention notifies");
    assert_eq!(
        n.title,
        fl!("notify-room-title", nick = "Anna", room = "Team")
    );
    let mode = |h: &mut Harness, mode| {
        h.event(
            "work",
            Event::Rooms {
                account: "work".into(),
                rooms: vec![RoomInfo {
                    jid: ROOM.into(),
                    name: Some("Team".into()),
                    joined: true,
                    autojoin: true,
                    notify: mode,
                    ..Default::default()
                }],
            },
        );
    };
    mode(&mut h, NotifyMode::All);
    assert!(notice(&h, &plain).is_some());
    mode(&mut h, NotifyMode::None);
    assert!(notice(&h, &mention).is_none());
}

#[test]
fn a_groups_encryption_switch_names_who_cannot_read_and_an_open_group_says_why() {
    let mut h = in_room(0);
    let _ = h.click(ids::contact("work", ROOM));
    assert!(
        h.commands("work").contains(&AccountRequest::Encryption {
            with: ROOM.into(),
            enabled: None
        }),
        "opening the group asks how messages travel"
    );
    let state = |encrypted, unavailable, unreachable: &[&str]| Event::Encryption {
        account: "work".into(),
        with: ROOM.into(),
        enabled: None,
        encrypted,
        unavailable,
        unreachable: unreachable.iter().map(|s| s.to_string()).collect(),
    };
    // Encrypted, but Ben's account has no OMEMO: the composer says so.
    h.event(
        "work",
        state(crate::api::Encryption::Omemo2, None, &["ben@work.example"]),
    );
    h.assert_shows(&fl!("composer-encrypted"));
    h.assert_shows(&fl!(
        "composer-group-unreachable",
        names = "ben@work.example"
    ));
    h.click(ids::ENCRYPTION);
    assert_eq!(
        h.commands("work"),
        [AccountRequest::Encryption {
            with: ROOM.into(),
            enabled: Some(false)
        }]
    );
    // An open group: not encrypted, and the switch does nothing.
    h.event(
        "work",
        state(
            crate::api::Encryption::None,
            Some(crate::api::EncryptionUnavailable::OpenRoom),
            &[],
        ),
    );
    h.assert_shows(&fl!("composer-unencrypted"));
    assert!(!h.has_id(ids::UNREACHABLE));
    h.click(ids::ENCRYPTION);
    assert!(h.commands("work").is_empty(), "nothing to switch");
}
