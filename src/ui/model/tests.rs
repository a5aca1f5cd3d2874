use chrono::{TimeZone, Utc};

use super::*;
use crate::api::{ConnState, Direction, MessageState};
use crate::config::PasswordSource;

fn account() -> LiveAccount {
    LiveAccount::new(AccountConfig {
        label: Some("Work".into()),
        ..AccountConfig::new("work", "me@x.org", PasswordSource::Command("echo x".into()))
    })
}

fn msg(seq: i64, with: &str, direction: Direction) -> MessageRecord {
    MessageRecord {
        seq,
        id: format!("m{seq}"),
        with: with.into(),
        direction,
        sender: with.into(),
        body: format!("body {seq}"),
        timestamp: Utc.with_ymd_and_hms(2025, 1, 1, 12, 0, 0).unwrap(),
        state: if direction == Direction::Out {
            MessageState::Queued
        } else {
            MessageState::Received
        },
        error: None,
        pos: seq,
        ..Default::default()
    }
}

#[test]
fn messages_update_chat_and_unread() {
    let mut a = account();
    let mut chat = Chat::new("work".into(), "bob@x.org".into());
    chat.apply_history(vec![msg(1, "bob@x.org", Direction::In)], true);
    assert!(chat.complete, "the actor says when nothing older exists");

    let ev = |m| Event::Message {
        account: "work".into(),
        message: m,
        reference: None,
    };
    let applied = apply_event(
        &mut a,
        Some(&mut chat),
        ev(msg(2, "bob@x.org", Direction::Out)),
    );
    assert!(applied.chat_message);
    assert_eq!(chat.messages.len(), 2);
    apply_event(
        &mut a,
        Some(&mut chat),
        ev(msg(3, "amy@x.org", Direction::In)),
    );
    assert_eq!(chat.messages.len(), 2);
    assert_eq!(a.conversations[0].with, "amy@x.org");
    assert_eq!(a.unread(), 1);

    apply_event(
        &mut a,
        Some(&mut chat),
        Event::MessageState {
            account: "work".into(),
            id: "m2".into(),
            reference: None,
            state: MessageState::Delivered,
            error: None,
        },
    );
    assert_eq!(chat.messages[1].state, MessageState::Delivered);
}

#[test]
fn paging_requests_older_pages_once() {
    let mut chat = Chat::new("work".into(), "bob@x.org".into());
    assert_eq!(chat.older_page(), None, "first page still loading");
    chat.apply_history(
        (10..10 + PAGE as i64)
            .map(|s| msg(s, "bob@x.org", Direction::In))
            .collect(),
        false,
    );
    assert!(!chat.complete);
    assert_eq!(chat.older_page(), Some(Some(10)));
    assert_eq!(chat.older_page(), None, "one request at a time");
    chat.apply_history(vec![msg(5, "bob@x.org", Direction::In)], true);
    assert!(chat.complete);
    assert_eq!(chat.messages.first().map(|m| m.seq), Some(5));
    assert_eq!(chat.older_page(), None);
}

#[test]
fn failures_produce_banners() {
    let mut a = account();
    let applied = apply_event(
        &mut a,
        None,
        Event::AccountState {
            account: "work".into(),
            state: ConnState::AuthFailed,
            reason: Some("not-authorized".into()),
            retry_in: None,
            jid: None,
            cert: None,
        },
    );
    assert!(applied.banner.unwrap().contains("Work"));
    assert!(a.connection.failed());
}
