//! The composer of the open conversation.

use iced::keyboard::{Key, Modifiers, key::Named};
use iced_test::selector;

use super::{Harness, press_with};
use crate::api::{
    AccountRequest, DecryptionError, Direction, Encryption, Event, MessageCrypto, MessageRecord,
    MessageState,
};
use crate::fl;
use crate::ui::conversation::Message as ChatMessage;
use crate::ui::{Message, ids};

const BOB: &str = "bob@work.example";

/// "work" online with the conversation with Bob open.
fn with_bob_open() -> Harness {
    let mut h = Harness::work_account(0);
    let _ = h.click(ids::contact("work", BOB));
    let cmds = h.commands("work");
    assert!(cmds.contains(&AccountRequest::MarkRead { with: BOB.into() }));
    h
}

/// The commands to the actor, without chat state notifications.
fn sent(h: &mut Harness) -> Vec<AccountRequest> {
    h.commands("work")
        .into_iter()
        .filter(|c| !matches!(c, AccountRequest::ChatState { .. }))
        .collect()
}

fn composer_text(h: &Harness) -> String {
    h.app.chat.as_ref().expect("open chat").composer.text()
}

fn sends(messages: &[Message]) -> usize {
    messages
        .iter()
        .filter(|m| matches!(m, Message::Chat(ChatMessage::Send)))
        .count()
}

#[test]
fn enter_sends_to_the_open_conversation_and_clears() {
    let mut h = with_bob_open();
    let messages = h.run(|ui| {
        ui.click(selector::id(ids::COMPOSER)).unwrap();
        let _ = ui.typewrite("Hello Bob");
        let _ = ui.tap_key(Named::Enter);
    });
    assert!(matches!(
        messages.last(),
        Some(Message::Chat(ChatMessage::Send))
    ));
    assert_eq!(sends(&messages), 1);
    match &sent(&mut h)[..] {
        [
            AccountRequest::Send {
                to,
                body,
                reference: Some(_),
                reply_to: None,
            },
        ] => {
            assert_eq!(to, BOB);
            assert_eq!(body, "Hello Bob");
        }
        other => panic!("expected one Send, got {other:?}"),
    }
    assert_eq!(composer_text(&h), "");
}

#[test]
fn send_button_sends_too() {
    let mut h = with_bob_open();
    let _ = h.run(|ui| {
        ui.click(selector::id(ids::COMPOSER)).unwrap();
        let _ = ui.typewrite("hi");
    });
    // The button is enabled only now that the composer has text.
    let messages = h.click(ids::SEND);
    assert!(matches!(messages[..], [Message::Chat(ChatMessage::Send)]));
    assert!(matches!(
        &sent(&mut h)[..],
        [AccountRequest::Send { to, body, .. }] if to == BOB && body == "hi"
    ));
    assert_eq!(composer_text(&h), "");
}

#[test]
fn shift_enter_breaks_the_line_without_sending() {
    let mut h = with_bob_open();
    let messages = h.run(|ui| {
        ui.click(selector::id(ids::COMPOSER)).unwrap();
        let _ = ui.typewrite("line one");
        let _ = ui.simulate([press_with(Key::Named(Named::Enter), Modifiers::SHIFT)]);
        let _ = ui.typewrite("line two");
    });
    assert_eq!(sends(&messages), 0);
    assert_eq!(composer_text(&h), "line one\nline two");
    assert!(sent(&mut h).is_empty());

    // Enter then sends both lines as one message.
    let _ = h.run(|ui| {
        ui.click(selector::id(ids::COMPOSER)).unwrap();
        let _ = ui.tap_key(Named::Enter);
    });
    assert!(matches!(
        &sent(&mut h)[..],
        [AccountRequest::Send { to, body, .. }] if to == BOB && body == "line one\nline two"
    ));
    assert_eq!(composer_text(&h), "");
}

#[test]
fn empty_or_blank_composer_sends_nothing() {
    let mut h = with_bob_open();
    let _ = h.run(|ui| {
        ui.click(selector::id(ids::COMPOSER)).unwrap();
        let _ = ui.tap_key(Named::Enter);
    });
    assert!(sent(&mut h).is_empty());

    let _ = h.run(|ui| {
        ui.click(selector::id(ids::COMPOSER)).unwrap();
        let _ = ui.typewrite("   ");
        let _ = ui.tap_key(Named::Enter);
    });
    assert!(sent(&mut h).is_empty());
    assert_eq!(composer_text(&h), "   ", "an unsent draft is kept");
    // The send button is disabled: clicking it produces nothing.
    assert!(h.click(ids::SEND).is_empty());
}

#[test]
fn enter_without_focus_does_nothing() {
    let mut h = with_bob_open();
    let messages = h.run(|ui| {
        let _ = ui.tap_key(Named::Enter);
    });
    assert!(messages.is_empty(), "{messages:?}");
    assert!(sent(&mut h).is_empty());
}

#[test]
fn a_failed_message_offers_retry() {
    let mut h = with_bob_open();
    let failed = MessageRecord {
        seq: 7,
        id: "m7".into(),
        with: BOB.into(),
        direction: Direction::Out,
        sender: "me@work.example".into(),
        body: "did not go out".into(),
        timestamp: chrono::Utc::now(),
        state: MessageState::Failed,
        error: Some("ServiceUnavailable".into()),
        pos: 7,
        ..Default::default()
    };
    h.message("work", failed);
    let _ = h.commands("work");
    assert!(h.has_id(ids::retry("m7")));
    let messages = h.click(ids::retry("m7"));
    assert!(matches!(&messages[..], [Message::Chat(ChatMessage::Retry(id))] if id == "m7"));
    assert_eq!(
        h.commands("work"),
        [AccountRequest::Retry { id: "m7".into() }]
    );
}

#[test]
fn focus_changes_reach_every_account() {
    let mut h = with_bob_open();
    h.update(Message::WindowFocus(false));
    h.update(Message::ActivityTick);
    assert!(h.commands("work").is_empty(), "not inactive right away");
    h.update(Message::WindowFocus(true));
    assert!(h.commands("work").is_empty(), "was never reported inactive");
}

#[test]
fn typing_tells_the_contact_once() {
    use crate::api::ChatStateKind;
    let mut h = with_bob_open();
    let _ = h.run(|ui| {
        ui.click(selector::id(ids::COMPOSER)).unwrap();
        let _ = ui.typewrite("Hel");
    });
    let _ = h.run(|ui| {
        ui.click(selector::id(ids::COMPOSER)).unwrap();
        let _ = ui.typewrite("lo");
    });
    assert_eq!(
        h.commands("work"),
        [AccountRequest::ChatState {
            with: BOB.into(),
            state: ChatStateKind::Composing
        }]
    );
    h.update(Message::TypingTick);
    assert!(h.commands("work").is_empty(), "not paused right away");
}

#[test]
fn the_encryption_switch_shows_and_changes_what_new_messages_get() {
    let mut h = Harness::work_account(0);
    let _ = h.click(ids::contact("work", BOB));
    let asked = h.commands("work");
    assert!(
        asked.contains(&AccountRequest::Encryption {
            with: BOB.into(),
            enabled: None
        }),
        "opening the chat asks how messages travel: {asked:?}"
    );
    assert!(!h.has_id(ids::ENCRYPTION), "hidden until the account says");
    let state = |encrypted| Event::Encryption {
        account: "work".into(),
        with: BOB.into(),
        enabled: None,
        encrypted,
        unavailable: None,
        unreachable: Vec::new(),
    };
    h.event("work", state(Encryption::None));
    h.assert_shows(&fl!("composer-unencrypted"));
    h.click(ids::ENCRYPTION);
    assert_eq!(
        h.commands("work"),
        [AccountRequest::Encryption {
            with: BOB.into(),
            enabled: Some(true)
        }]
    );
    h.event("work", state(Encryption::Omemo2));
    h.assert_shows(&fl!("composer-encrypted"));
    h.click(ids::ENCRYPTION);
    assert_eq!(
        h.commands("work"),
        [AccountRequest::Encryption {
            with: BOB.into(),
            enabled: Some(false)
        }]
    );
}

#[test]
fn encrypted_and_undecryptable_messages_say_so() {
    let mut h = with_bob_open();
    let _ = h.commands("work");
    let incoming = |seq: i64, body: &str, crypto: MessageCrypto| MessageRecord {
        seq,
        pos: seq,
        id: format!("e{seq}"),
        with: BOB.into(),
        direction: Direction::In,
        sender: BOB.into(),
        body: body.into(),
        timestamp: chrono::Utc::now(),
        state: MessageState::Received,
        crypto,
        ..Default::default()
    };
    for m in [
        incoming(
            1,
            "a secret",
            MessageCrypto {
                encryption: Encryption::Omemo2,
                sender_device: Some(7),
                decryption_error: None,
            },
        ),
        incoming(
            2,
            "",
            MessageCrypto {
                encryption: Encryption::Omemo,
                sender_device: Some(7),
                decryption_error: Some(DecryptionError::NotForThisDevice),
            },
        ),
    ] {
        h.message("work", m);
    }
    h.assert_shows("a secret");
    h.assert_shows(&fl!("message-encrypted"));
    // A plain message stands out once the chat is encrypted.
    h.message(
        "work",
        incoming(3, "in the clear", MessageCrypto::default()),
    );
    assert!(!h.shows(&fl!("message-unencrypted")));
    h.event(
        "work",
        Event::Encryption {
            account: "work".into(),
            with: BOB.into(),
            enabled: Some(true),
            encrypted: Encryption::Omemo2,
            unavailable: None,
            unreachable: Vec::new(),
        },
    );
    h.assert_shows(&fl!("message-unencrypted"));
    h.assert_shows(&fl!(
        "message-undecryptable",
        reason = fl!("decryption-not-for-this-device")
    ));
}
