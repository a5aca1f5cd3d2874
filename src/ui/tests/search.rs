//! The search panel: Ctrl+F / Ctrl+Shift+F, searching as you type in every
//! account, stale answers dropped, filters and their completion, and a
//! result that opens its conversation at the message.

use iced::keyboard::{Key, Modifiers};
use iced_test::{Simulator, selector};

use super::{Harness, SIZE, account, contact, press_with, state};
use crate::api::{AccountRequest, ConnState, Event, MessageRecord};
use crate::fl;
use crate::ui::search::Message as SearchMessage;
use crate::ui::{ChatMessage, Message, ids};

const BOB: &str = "bob@work.example";
const MUM: &str = "mum@family.example";

fn found(seq: i64, with: &str, body: &str, days_ago: i64) -> MessageRecord {
    let mut m = super::received(seq, with, &format!("{with}/phone"), body);
    m.timestamp -= chrono::TimeDelta::days(days_ago);
    m
}

/// Two online accounts, Bob on "work" and Mum on "home".
fn two_accounts() -> Harness {
    let mut h = Harness::with_accounts(vec![
        account("work", "me@work.example", Some("Work")),
        account("home", "me@home.example", Some("Home")),
    ]);
    for (id, jid, name) in [("work", BOB, "Bob Builder"), ("home", MUM, "Mum")] {
        h.event(id, state(id, ConnState::Online));
        h.event(
            id,
            Event::Roster {
                account: id.into(),
                contacts: vec![contact(jid, Some(name))],
            },
        );
        let _ = h.commands(id);
    }
    h
}

fn results(account: &str, query: &str, messages: Vec<MessageRecord>) -> Event {
    Event::SearchResults {
        account: account.into(),
        query: query.into(),
        messages,
    }
}

/// Types `text` into the (empty) search field and applies what it
/// produced: one query per keystroke.
fn type_search(h: &mut Harness, text: &str) {
    let _ = h.run(|ui| {
        ui.click(selector::id(ids::search::INPUT))
            .unwrap_or_else(|e| panic!("no search field: {e}"));
        let _ = ui.typewrite(text);
    });
}

fn searches(h: &mut Harness, account: &str) -> Vec<String> {
    h.commands(account)
        .into_iter()
        .filter_map(|c| match c {
            AccountRequest::Search { query, limit } => {
                assert_eq!(limit, crate::ui::search::LIMIT);
                Some(query)
            }
            _ => None,
        })
        .collect()
}

#[test]
fn shortcuts_open_the_search() {
    let window = iced::window::Id::unique();
    let status = iced::event::Status::Ignored;
    let key = || Key::Character("f".into());
    let open = |m: Modifiers| crate::ui::app_event(press_with(key(), m), status, window);
    assert!(matches!(
        open(Modifiers::CTRL),
        Some(Message::ShowSearch(false))
    ));
    assert!(matches!(
        open(Modifiers::CTRL | Modifiers::SHIFT),
        Some(Message::ShowSearch(true))
    ));
    let upper = press_with(
        Key::Character("F".into()),
        Modifiers::CTRL | Modifiers::SHIFT,
    );
    assert!(matches!(
        crate::ui::app_event(upper, status, window),
        Some(Message::ShowSearch(true))
    ));
    assert!(!matches!(
        open(Modifiers::empty()),
        Some(Message::ShowSearch(_))
    ));
}

#[test]
fn typing_searches_every_account_and_merges_the_answers() {
    let mut h = two_accounts();
    assert!(!h.has_id(ids::search::INPUT));
    h.update(Message::ShowSearch(true));
    h.assert_shows(&fl!("search-title-all"));
    h.assert_shows(&fl!("search-hint"));

    type_search(&mut h, "harb");
    // As typed, each keystroke a search (in the actors, not here).
    assert_eq!(searches(&mut h, "work"), ["h", "ha", "har", "harb"]);
    assert_eq!(searches(&mut h, "home"), ["h", "ha", "har", "harb"]);
    h.assert_shows(&fl!("search-searching"));

    // An answer to an older query (typed before) is dropped.
    h.event(
        "work",
        results("work", "har", vec![found(9, BOB, "hard stuff", 0)]),
    );
    assert!(!h.has_id(ids::search::hit("work", "m9")));
    h.event(
        "work",
        results(
            "work",
            "harb",
            vec![
                found(3, BOB, "Meet at the harbour", 1),
                found(2, BOB, "harbour photos", 40),
            ],
        ),
    );
    h.event(
        "home",
        results("home", "harb", vec![found(7, MUM, "Harbour walk?", 3)]),
    );
    for (account, id) in [("work", "m3"), ("work", "m2"), ("home", "m7")] {
        assert!(h.has_id(ids::search::hit(account, id)), "{account} {id}");
    }
    h.assert_shows(&fl!("search-count", count = 3));
    // Grouped by conversation, each labelled with its account.
    for label in ["Bob Builder", "Mum", "Work", "Home"] {
        assert!(
            h.texts_in(ids::search::RESULTS).contains(&label.to_owned()),
            "{label}"
        );
    }
    // Newest first: Bob's group (a day ago) before Mum's (three days).
    let texts = h.texts_in(ids::search::RESULTS);
    let pos = |t: &str| texts.iter().position(|x| x == t).unwrap();
    assert!(pos("Bob Builder") < pos("Mum"), "{texts:?}");

    // A filter goes into the query; an empty one changes nothing yet.
    let input = |t: &str| Message::Search(SearchMessage::Input(t.into()));
    h.update(input("harb from:"));
    assert!(searches(&mut h, "work").is_empty());
    h.update(input("harb from:bob@work.example"));
    assert_eq!(searches(&mut h, "work"), ["harb from:bob@work.example"]);
    h.event(
        "home",
        results("home", "harb from:bob@work.example", vec![]),
    );
    assert!(!h.has_id(ids::search::hit("home", "m7")), "replaced");
}

#[test]
fn filter_values_are_completed_from_known_contacts() {
    let mut h = two_accounts();
    h.update(Message::ShowSearch(true));
    h.update(Message::Search(SearchMessage::Input("harb with:mu".into())));
    let _ = (h.commands("work"), h.commands("home"));
    assert!(
        h.texts_in(ids::search::suggestion(0))
            .contains(&format!("Mum · {MUM}"))
    );
    let messages = h.click(ids::search::suggestion(0));
    assert!(matches!(
        &messages[..],
        [Message::Search(SearchMessage::Complete(v))] if v == MUM
    ));
    assert_eq!(
        searches(&mut h, "home"),
        [format!("harb with:{MUM}")],
        "the completed query is searched"
    );
}

#[test]
fn ctrl_f_searches_the_open_conversation_only() {
    let mut h = two_accounts();
    let _ = h.click(ids::contact("work", BOB));
    let _ = h.commands("work");
    h.update(Message::ShowSearch(false));
    h.assert_shows(&fl!("search-title-conversation", name = "Bob Builder"));
    type_search(&mut h, "photo");
    assert_eq!(
        searches(&mut h, "work").last(),
        Some(&format!("photo in:\"{BOB}\""))
    );
    assert!(searches(&mut h, "home").is_empty());
    // "Everywhere" widens it with the same words.
    let _ = h.click(ids::search::WIDEN);
    assert_eq!(searches(&mut h, "work"), ["photo"]);
    assert_eq!(searches(&mut h, "home"), ["photo"]);
    let _ = h.click(ids::search::CLOSE);
    assert!(!h.has_id(ids::search::INPUT));
}

#[test]
fn a_result_opens_its_conversation_at_the_message() {
    let mut h = two_accounts();
    h.update(Message::ShowSearch(true));
    type_search(&mut h, "photos");
    let _ = h.commands("work");
    let hit = found(500, BOB, "harbour photos", 40);
    h.event("work", results("work", "photos", vec![hit.clone()]));

    let messages = h.click(ids::search::hit("work", "m500"));
    assert!(matches!(
        &messages[..],
        [Message::Search(SearchMessage::Open(a, id))] if a == "work" && id == "m500"
    ));
    // The page before the message is asked for; the message is shown,
    // marked, with the way back to the newest end.
    let cmds = h.commands("work");
    assert!(
        cmds.iter().any(|c| matches!(c,
            AccountRequest::History { with, before: Some(500), after: None, .. } if with == BOB)),
        "{cmds:?}"
    );
    let chat = h.app.chat.as_ref().unwrap();
    assert_eq!(chat.found.as_deref(), Some("m500"));
    assert!(chat.newer);
    h.assert_shows("harbour photos");
    assert!(h.has_id(ids::NEWEST));
    // The search stays open for the next result.
    assert!(h.has_id(ids::search::hit("work", "m500")));

    // The older page arrives and is merged before it.
    h.event(
        "work",
        Event::History {
            account: "work".into(),
            with: BOB.into(),
            messages: vec![found(498, BOB, "an older one", 41)],
            complete: true,
        },
    );
    let chat = h.app.chat.as_ref().unwrap();
    assert_eq!(
        chat.messages.iter().map(|m| m.seq).collect::<Vec<_>>(),
        [498, 500]
    );
    h.assert_shows("an older one");

    // Back to the newest messages.
    let messages = h.click(ids::NEWEST);
    assert!(matches!(
        &messages[..],
        [Message::Chat(ChatMessage::ToNewest)]
    ));
    let cmds = h.commands("work");
    assert!(
        cmds.iter().any(|c| matches!(
            c,
            AccountRequest::History {
                before: None,
                after: None,
                ..
            }
        )),
        "{cmds:?}"
    );
    let chat = h.app.chat.as_ref().unwrap();
    assert!(!chat.newer && chat.found.is_none() && chat.messages.is_empty());
}

/// The width of the widget `id` in a window `width` wide.
fn width_of(h: &Harness, width: f32, id: &str) -> Option<f32> {
    let mut ui = Simulator::with_size(Default::default(), (width, SIZE.1), h.app.view());
    ui.find(selector::id(id.to_owned()))
        .ok()
        .map(|t| t.bounds().width)
}

#[test]
fn the_search_panel_leaves_the_conversation_room_to_write() {
    let mut h = two_accounts();
    let _ = h.click(ids::contact("work", BOB));
    let alone = width_of(&h, SIZE.0, ids::COMPOSER).unwrap();
    h.update(Message::ShowSearch(false));
    // 1100 px: the panel takes the sidebar's place.
    let composer = width_of(&h, SIZE.0, ids::COMPOSER).unwrap();
    assert!(composer >= alone - 60.0, "{composer} of {alone}");
    assert!(width_of(&h, SIZE.0, ids::SIDEBAR).is_none());
    assert!(width_of(&h, SIZE.0, ids::search::INPUT).is_some());
    // A wide window has room for all three.
    h.update(Message::Resized(1400.0));
    assert!(width_of(&h, 1400.0, ids::SIDEBAR).is_some());
    assert!(width_of(&h, 1400.0, ids::COMPOSER).unwrap() >= 400.0);
    // Closed, the sidebar is back.
    h.update(Message::Resized(SIZE.0));
    let _ = h.click(ids::search::CLOSE);
    assert!(width_of(&h, SIZE.0, ids::SIDEBAR).is_some());
}
