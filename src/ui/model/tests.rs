use chrono::{TimeZone, Utc};

use super::*;
use crate::api::{ConnState, Direction, MessageState};
use crate::config::PasswordSource;
use crate::ui::conversation::Loading;
use crate::ui::conversation::{State as Chat, WINDOW};

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
    assert_eq!(chat.older_page(), Some(10));
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
            retry_at: None,
            jid: None,
            cert: None,
        },
    );
    assert!(applied.banner.unwrap().contains("Work"));
    assert!(a.connection.failed());
}

/// A page of `PAGE` incoming messages with seqs `from..from + PAGE`.
fn page(from: i64) -> Vec<MessageRecord> {
    (from..from + PAGE as i64)
        .map(|s| msg(s, "bob@x.org", Direction::In))
        .collect()
}

/// Scrolling back through a long history holds at most `WINDOW` messages:
/// the newest are dropped after the layout that shows an older page, and
/// read again page by page when scrolling forward; nothing is skipped.
#[test]
fn the_chat_holds_a_bounded_window_while_scrolling_through_history() {
    let mut chat = Chat::new("work".into(), "bob@x.org".into());
    let newest = 10_000;
    chat.apply_history(page(newest - PAGE as i64), false);
    // Back through 10,000 messages.
    let mut height = 1000.0;
    while let Some(before) = chat.older_page() {
        if before <= 0 {
            break;
        }
        let from = (before - PAGE as i64).max(0);
        chat.apply_history(
            page(from).into_iter().filter(|m| m.seq < before).collect(),
            from == 0,
        );
        height += 2000.0;
        assert_eq!(chat.scrolled(0.0, height), None);
        assert!(
            chat.messages.len() <= WINDOW,
            "{} held",
            chat.messages.len()
        );
        // After a drop the next report restores the view.
        if chat.restore.is_some() {
            height -= 1000.0;
            assert_eq!(chat.scrolled(5000.0, height), Some(4000.0));
        }
    }
    assert_eq!(chat.messages.first().map(|m| m.seq), Some(0));
    assert!(chat.newer, "the newest messages were dropped");
    assert!(!chat.at_bottom || chat.newer);

    // A live message is not held meanwhile; forward again, page by page.
    let live = msg(newest, "bob@x.org", Direction::In);
    assert!(!chat.apply_message(live));
    let mut last = chat.messages.last().map(|m| m.seq).unwrap_or(0);
    while let Some(after) = chat.newer_page() {
        assert_eq!(after, last);
        let next: Vec<_> = page(after + 1)
            .into_iter()
            .filter(|m| m.seq <= newest)
            .collect();
        chat.apply_history(next, false);
        assert!(chat.messages.len() <= WINDOW);
        let held: Vec<i64> = chat.messages.iter().map(|m| m.seq).collect();
        assert!(
            held.windows(2).all(|w| w[1] == w[0] + 1),
            "a gap in {held:?}"
        );
        last = chat.messages.last().map(|m| m.seq).unwrap_or(0);
    }
    assert_eq!(last, newest);
    assert!(!chat.newer);
    assert!(
        !chat.complete,
        "older messages were dropped and can be read again"
    );
}

#[test]
fn sending_while_scrolled_back_returns_to_the_newest_page() {
    let mut chat = Chat::new("work".into(), "bob@x.org".into());
    chat.apply_history(page(1), false);
    assert!(!chat.back_to_newest(), "nothing was dropped");
    chat.newer = true;
    assert!(chat.back_to_newest());
    assert!(chat.messages.is_empty());
    assert_eq!(chat.loading, Loading::Newest);
    assert!(!chat.newer);
}

#[test]
fn a_message_below_the_view_keeps_the_view_in_place() {
    let mut chat = Chat::new("work".into(), "bob@x.org".into());
    chat.apply_history(page(1), false);
    chat.at_bottom = false;
    assert_eq!(chat.scrolled(300.0, 2000.0), None);
    assert!(chat.apply_message(msg(100, "bob@x.org", Direction::In)));
    // The layout grew by 40 px below the view: move 40 px away from the end.
    assert_eq!(chat.scrolled(300.0, 2040.0), Some(340.0));
    assert_eq!(chat.scrolled(340.0, 2040.0), None);
}
