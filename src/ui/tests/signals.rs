//! Read position, corrections, replies, reactions and mutes in the open
//! conversation.

use iced::keyboard::key::Named;
use iced_test::selector;

use super::Harness;
use crate::api::AccountRequest;
use crate::api::{Direction, Event, MessageRecord, MessageState, ReactionCount};
use crate::ui::{Message, ids};

const BOB: &str = "bob@work.example";

fn open_bob() -> Harness {
    let mut h = Harness::work_account(0);
    let _ = h.click(ids::contact("work", BOB));
    let _ = h.commands("work");
    h
}

fn record(seq: i64, direction: Direction, body: &str) -> MessageRecord {
    MessageRecord {
        seq,
        id: format!("m{seq}"),
        with: BOB.into(),
        direction,
        sender: BOB.into(),
        body: body.into(),
        timestamp: chrono::Utc::now(),
        state: match direction {
            Direction::In => MessageState::Received,
            Direction::Out => MessageState::Acked,
        },
        pos: seq,
        ..Default::default()
    }
}

fn history(h: &mut Harness, messages: Vec<MessageRecord>) {
    h.event(
        "work",
        Event::History {
            account: "work".into(),
            with: BOB.into(),
            messages,
            complete: true,
        },
    );
}

fn arrives(h: &mut Harness, m: MessageRecord) {
    h.message("work", m);
}

#[test]
fn unread_position_and_read_line_are_shown() {
    let mut h = open_bob();
    let mut read = record(2, Direction::Out, "my question");
    read.state = MessageState::Read;
    let mut unread = record(3, Direction::In, "the answer");
    unread.unread = true;
    history(&mut h, vec![record(1, Direction::In, "hi"), read, unread]);
    h.assert_shows("New messages");
    h.assert_shows("Read up to here");
}

#[test]
fn messages_count_as_read_only_while_the_user_looks() {
    let mut h = open_bob();
    history(&mut h, vec![record(1, Direction::In, "hi")]);
    h.update(Message::WindowFocus(false));
    arrives(&mut h, record(2, Direction::In, "while you were away"));
    assert!(
        !h.commands("work")
            .iter()
            .any(|c| matches!(c, AccountRequest::MarkRead { .. })),
        "marked read although the window is not focused"
    );
    h.assert_shows("New messages");
    h.update(Message::WindowFocus(true));
    assert!(
        h.commands("work")
            .contains(&AccountRequest::MarkRead { with: BOB.into() })
    );
}

#[test]
fn up_arrow_edits_the_last_own_message() {
    let mut h = open_bob();
    history(
        &mut h,
        vec![
            record(1, Direction::Out, "helo"),
            record(2, Direction::In, "?"),
        ],
    );
    let _ = h.run(|ui| {
        ui.click(selector::id(ids::COMPOSER)).unwrap();
        let _ = ui.tap_key(Named::ArrowUp);
    });
    assert_eq!(
        h.app.chat.as_ref().map(|c| c.composer.text()).as_deref(),
        Some("helo")
    );
    h.assert_shows("Editing your message — Esc cancels");
    let _ = h.run(|ui| {
        ui.click(selector::id(ids::COMPOSER)).unwrap();
        let _ = ui.typewrite("!");
        let _ = ui.tap_key(Named::Enter);
    });
    let cmds = h.commands("work");
    assert!(
        cmds.iter().any(|c| matches!(c,
            AccountRequest::Correct { id, body } if id == "m1" && body == "helo!")),
        "{cmds:?}"
    );
}

#[test]
fn reply_react_and_retract_from_the_message_actions() {
    let mut h = open_bob();
    let mut theirs = record(1, Direction::In, "lunch?");
    theirs.reactions = vec![ReactionCount {
        emoji: "👍".into(),
        count: 1,
        own: true,
    }];
    history(&mut h, vec![theirs, record(2, Direction::Out, "oops")]);

    // Clicking our own reaction chip removes it.
    h.update(Message::Chat(crate::ui::conversation::Message::Select(
        "m1".into(),
    )));
    assert!(h.has_id(ids::actions("m1")));
    let _ = h.run(|ui| {
        ui.click("👍 1").unwrap();
    });
    assert!(h.commands("work").contains(&AccountRequest::React {
        id: "m1".into(),
        emojis: vec![],
    }));

    h.update(Message::Chat(crate::ui::conversation::Message::Select(
        "m1".into(),
    )));
    let _ = h.run(|ui| {
        ui.click("Reply").unwrap();
    });
    h.assert_shows("Replying to: lunch?");
    let _ = h.run(|ui| {
        ui.click(selector::id(ids::COMPOSER)).unwrap();
        let _ = ui.typewrite("yes");
        let _ = ui.tap_key(Named::Enter);
    });
    assert!(h.commands("work").iter().any(|c| matches!(c,
        AccountRequest::Send { body, reply_to: Some(r), .. } if body == "yes" && r == "m1")));

    h.update(Message::Chat(crate::ui::conversation::Message::Select(
        "m2".into(),
    )));
    let _ = h.run(|ui| {
        ui.click("Retract").unwrap();
    });
    assert!(
        h.commands("work")
            .contains(&AccountRequest::Retract { id: "m2".into() })
    );

    let _ = h.click(ids::MUTE);
    assert!(
        h.commands("work")
            .contains(&AccountRequest::MuteConversation {
                with: BOB.into(),
                muted: true,
            })
    );
}

#[test]
fn notifications_follow_visibility_mute_and_the_account_switches() {
    use crate::ui::model::Account;
    use crate::ui::update::notice_for;
    let mut h = open_bob();
    let from_carol = MessageRecord {
        with: "carol@work.example".into(),
        ..record(9, Direction::In, "are you there?")
    };
    let from_bob = record(10, Direction::In, "hi");
    let notice = |h: &Harness, m: &MessageRecord, focused: bool| {
        let Some(Account::Ok(a)) = h.app.accounts.first() else {
            panic!("no account");
        };
        notice_for(a, h.app.chat.as_ref(), focused, m)
    };
    let n = notice(&h, &from_carol, true).expect("another conversation notifies");
    assert_eq!(
        (n.title.as_str(), n.body.as_str()),
        ("Carol", "are you there?")
    );
    let photo = MessageRecord {
        body: "https://up.work.example/a/b/photo.jpg".into(),
        file: Some(crate::api::FileInfo {
            name: "photo.jpg".into(),
            ..Default::default()
        }),
        ..from_carol.clone()
    };
    let n = notice(&h, &photo, true).expect("a file notifies");
    assert_eq!(n.body, "photo.jpg", "the file's name, not its URL");
    assert!(
        notice(&h, &from_bob, true).is_none(),
        "the open conversation in front"
    );
    assert!(
        notice(&h, &from_bob, false).is_some(),
        "open but the window is not focused"
    );
    let old = MessageRecord {
        timestamp: chrono::Utc::now() - chrono::Duration::hours(2),
        ..from_carol.clone()
    };
    assert!(
        notice(&h, &old, false).is_none(),
        "archive catch-up is not news"
    );

    if let Some(Account::Ok(a)) = h.app.accounts.first_mut() {
        a.config.switches.notification_text = false;
    }
    let hidden = notice(&h, &from_carol, true).unwrap();
    assert!(!hidden.title.contains("Carol") && !hidden.body.contains("there"));
    if let Some(Account::Ok(a)) = h.app.accounts.first_mut() {
        a.conversations[0].muted = true;
    }
    assert!(
        notice(&h, &from_carol, true).is_none(),
        "muted conversation"
    );
    if let Some(Account::Ok(a)) = h.app.accounts.first_mut() {
        a.config.switches.notifications = false;
    }
    assert!(notice(&h, &from_bob, false).is_none(), "notifications off");
}

#[test]
fn one_notification_per_conversation_and_a_click_opens_it() {
    let mut h = open_bob();
    let from_carol = MessageRecord {
        with: "carol@work.example".into(),
        ..record(9, Direction::In, "are you there?")
    };
    arrives(&mut h, from_carol);
    let key = ("work".to_owned(), "carol@work.example".to_owned());
    assert!(h.app.notifying.contains(&key));
    h.update(Message::NotificationDone(
        key.0.clone(),
        key.1.clone(),
        true,
    ));
    assert!(h.app.notifying.is_empty());
    assert!(
        h.app
            .chat
            .as_ref()
            .is_some_and(|c| c.is("work", "carol@work.example"))
    );
}

#[test]
fn a_message_moved_into_the_archive_order_is_shown_at_its_new_place() {
    let mut h = open_bob();
    let at = |seq: i64, ms: i64, body: &str| MessageRecord {
        timestamp: chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default(),
        ..record(seq, Direction::In, body)
    };
    history(&mut h, vec![at(1, 1_000, "second"), at(2, 2_000, "first")]);
    // The catch-up found "second" out of the archive's order.
    h.event(
        "work",
        Event::MessageUpdated {
            account: "work".into(),
            message: MessageRecord {
                pos: 9,
                ..at(1, 2_000, "second")
            },
        },
    );
    let shown: Vec<&str> = h
        .app
        .chat
        .iter()
        .flat_map(|c| c.messages.iter().map(|m| m.body.as_str()))
        .collect();
    assert_eq!(shown, ["first", "second"]);
}
