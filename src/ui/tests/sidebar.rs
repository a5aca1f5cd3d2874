//! The sidebar: contacts and conversations of every account.

use super::{Harness, account, contact, conversation, state};
use crate::api::AccountRequest;
use crate::api::{ConnState, Event};
use crate::fl;
use crate::ui::{Message, ids};

const CAROL: &str = "carol@work.example";

#[test]
fn clicking_a_contact_opens_its_conversation() {
    let mut h = Harness::work_account(0);
    h.assert_shows(&fl!("welcome-pick-conversation"));
    assert!(!h.shows(CAROL), "the JID is only in the chat header");

    let messages = h.click(ids::contact("work", CAROL));
    assert!(matches!(
        &messages[..],
        [Message::OpenChat(a, w)] if a == "work" && w == CAROL
    ));
    assert!(!h.shows(&fl!("welcome-pick-conversation")));
    // Header: the contact's name (also in the sidebar), JID and account label.
    assert_eq!(h.count("Carol"), 2);
    h.assert_shows(CAROL);
    h.assert_shows(&fl!("chat-via-account", account = "Work"));
    assert!(h.has_id(ids::COMPOSER));
    // The history is requested (and shown as loading) and the chat marked read.
    h.assert_shows(&fl!("chat-loading"));
    let cmds = h.commands("work");
    assert!(
        cmds.iter()
            .any(|c| matches!(c, AccountRequest::History { with, .. } if with == CAROL)),
        "{cmds:?}"
    );
    assert!(cmds.contains(&AccountRequest::MarkRead { with: CAROL.into() }));
}

#[test]
fn opening_a_conversation_clears_its_unread_badge() {
    let mut h = Harness::work_account(7);
    let row = ids::contact("work", CAROL);
    // Initials on the avatar, name, last message, badge.
    assert_eq!(h.texts_in(row.clone()), ["C", "Carol", "See you", "7"]);
    assert_eq!(h.app.title(), crate::ui::format::window_title(7));
    let _ = h.click(row.clone());
    assert_eq!(h.texts_in(row), ["C", "Carol", "See you"]);
    assert!(!h.shows("7"));
    assert_eq!(h.app.title(), crate::ui::format::window_title(0));
}

#[test]
fn conversation_shows_the_label_of_its_own_account() {
    let mut h = Harness::with_accounts(vec![
        account("work", "me@work.example", Some("Work")),
        account("home", "me@home.example", Some("Home")),
    ]);
    for id in ["work", "home"] {
        h.event(id, state(id, ConnState::Online));
    }
    h.event(
        "home",
        Event::Roster {
            account: "home".into(),
            contacts: vec![contact("mum@family.example", Some("Mum"))],
        },
    );
    h.event(
        "home",
        Event::Conversations {
            account: "home".into(),
            conversations: vec![conversation("mum@family.example", "Lunch?", 2)],
        },
    );
    let row = ids::contact("home", "mum@family.example");
    assert!(h.texts_in(row.clone()).contains(&"2".to_owned()));
    let _ = h.click(row.clone());
    h.assert_shows(&fl!("chat-via-account", account = "Home"));
    assert!(!h.shows(&fl!("chat-via-account", account = "Work")));
    assert!(!h.texts_in(row).contains(&"2".to_owned()));
    let cmds = h.commands("home");
    assert!(cmds.contains(&AccountRequest::MarkRead {
        with: "mum@family.example".into()
    }));
    assert!(
        !h.commands("work")
            .iter()
            .any(|c| matches!(c, AccountRequest::MarkRead { .. }))
    );
}

#[test]
fn the_sidebar_shows_all_accounts_or_one() {
    let mut h = Harness::with_accounts(vec![
        account("work", "me@work.example", Some("Work")),
        account("home", "me@home.example", Some("Home")),
    ]);
    assert!(h.has_id(ids::settings("work")) && h.has_id(ids::settings("home")));
    let _ = h.click(ids::account_filter("home"));
    assert!(!h.has_id(ids::settings("work")), "work is hidden");
    assert!(h.has_id(ids::settings("home")));
    let _ = h.click(ids::ACCOUNT_FILTER_ALL);
    assert!(h.has_id(ids::settings("work")) && h.has_id(ids::settings("home")));
}
