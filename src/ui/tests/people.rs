//! Contacts, presence and profiles in the GUI: the presence editor and
//! automatic away, subscription prompts, the add-contact dialog, the details
//! pane with the contact menu, the blocklist and our own profile.

use std::time::{Duration, Instant};

use super::{Harness, account, contact, state};
use crate::api::AccountRequest;
use crate::api::OwnPresence;
use crate::api::{Availability, ConnState, Event, PeerProfile, ResourceInfo, VCard};
use crate::fl;
use crate::ui::account_settings::Message as Settings;
use crate::ui::{Message, ids};

const BOB: &str = "bob@work.example";
const CAROL: &str = "carol@work.example";

fn presences(cmds: &[AccountRequest]) -> Vec<OwnPresence> {
    cmds.iter()
        .filter_map(|c| match c {
            AccountRequest::SetPresence(p) => Some(p.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn the_presence_editor_sets_one_account_or_all() {
    let mut h = Harness::with_accounts(vec![
        account("work", "me@work.example", Some("Work")),
        account("home", "me@home.example", Some("Home")),
    ]);
    for id in ["work", "home"] {
        h.event(id, state(id, ConnState::Online));
        let _ = h.commands(id);
    }
    // One account: do not disturb with a status.
    h.click(ids::own_presence("work"));
    h.click(ids::presence::choice(Availability::Dnd));
    h.run(|ui| {
        ui.click(iced_test::selector::id(ids::presence::STATUS))
            .expect("status field");
        ui.typewrite("in a meeting");
    });
    h.click(ids::presence::APPLY);
    let sent = presences(&h.commands("work"));
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].presence, Availability::Dnd);
    assert_eq!(sent[0].status.as_deref(), Some("in a meeting"));
    assert!(
        h.commands("home").is_empty(),
        "the other account is untouched"
    );
    assert!(!h.has_id(ids::presence::APPLY), "the editor closed");

    // The actor reports it; the sidebar shows it.
    h.event(
        "work",
        Event::OwnPresence {
            account: "work".into(),
            presence: Availability::Dnd,
            status: Some("in a meeting".into()),
            idle_since: None,
        },
    );
    let label = format!("{} · in a meeting", fl!("presence-dnd"));
    assert!(h.texts_in(ids::own_presence("work")).contains(&label));

    // All accounts: away.
    h.click(ids::PRESENCE_ALL);
    h.click(ids::presence::choice(Availability::Away));
    h.click(ids::presence::APPLY);
    for id in ["work", "home"] {
        let sent = presences(&h.commands(id));
        assert_eq!(sent.len(), 1, "{id}");
        assert_eq!(sent[0].presence, Availability::Away);
    }
}

#[test]
fn idle_goes_away_then_extended_away_and_back_on_use() {
    let mut h = Harness::with_accounts(vec![account("work", "me@work.example", None)]);
    h.event("work", state("work", ConnState::Online));
    let _ = h.commands("work");
    let t0 = Instant::now();
    let minutes = |m: u64| t0 + Duration::from_secs(m * 60 + 1);

    h.update(Message::IdleTick(minutes(5)));
    assert!(presences(&h.commands("work")).is_empty(), "not yet");
    h.update(Message::IdleTick(minutes(10)));
    let away = presences(&h.commands("work"));
    assert_eq!(away.len(), 1);
    assert_eq!(away[0].presence, Availability::Away);
    assert!(away[0].idle_since.is_some(), "XEP-0319 idle time is sent");
    h.update(Message::IdleTick(minutes(11)));
    assert!(presences(&h.commands("work")).is_empty(), "reported once");
    h.update(Message::IdleTick(minutes(30)));
    assert_eq!(presences(&h.commands("work"))[0].presence, Availability::Xa);

    // A key press brings the chosen presence back, without idle time.
    h.update(Message::UserActivity);
    let back = presences(&h.commands("work"));
    assert_eq!(back, vec![OwnPresence::default()]);

    // A chosen "do not disturb" is not turned into away.
    h.click(ids::own_presence("work"));
    h.click(ids::presence::choice(Availability::Dnd));
    h.click(ids::presence::APPLY);
    let _ = h.commands("work");
    h.update(Message::IdleTick(
        Instant::now() + Duration::from_secs(3600),
    ));
    assert!(presences(&h.commands("work")).is_empty());
}

#[test]
fn a_subscription_request_is_answered_only_by_the_user() {
    let mut h = Harness::work_account(0);
    h.event(
        "work",
        Event::SubscriptionRequest {
            account: "work".into(),
            jid: "dave@else.example".into(),
            nick: None,
        },
    );
    h.assert_shows(&fl!("subscription-request", contact = "dave@else.example"));
    assert!(h.commands("work").is_empty(), "never answered by itself");
    h.click(ids::answer_subscription("work", "dave@else.example", false));
    assert_eq!(
        h.commands("work"),
        [AccountRequest::AnswerSubscription {
            jid: "dave@else.example".into(),
            accept: false
        }]
    );
    assert!(!h.shows(&fl!("subscription-request", contact = "dave@else.example")));
}

#[test]
fn adding_a_contact_sends_name_groups_and_preapproval() {
    let mut h = Harness::work_account(0);
    h.click(ids::ADD_CONTACT);
    h.assert_shows(&fl!("add-contact-title"));
    h.run(|ui| {
        ui.click(iced_test::selector::id(ids::add_contact::JID))
            .expect("jid");
        ui.typewrite("dave@else.example");
        ui.click(iced_test::selector::id(ids::add_contact::NAME))
            .expect("name");
        ui.typewrite("Dave");
        ui.click(iced_test::selector::id(ids::add_contact::GROUPS))
            .expect("groups");
        ui.typewrite("Partners, Suppliers");
    });
    h.click(ids::add_contact::PREAPPROVE);
    h.click(ids::add_contact::SUBMIT);
    assert_eq!(
        h.commands("work"),
        [AccountRequest::AddContact {
            jid: "dave@else.example".into(),
            name: Some("Dave".into()),
            groups: vec!["Partners".into(), "Suppliers".into()],
            preapprove: false,
        }]
    );
    assert!(!h.shows(&fl!("add-contact-title")), "the dialog closed");
}

#[test]
fn the_details_pane_shows_the_profile_and_carries_the_contact_menu() {
    let mut h = Harness::work_account(0);
    h.click(ids::contact("work", BOB));
    let _ = h.commands("work");
    h.click(ids::DETAILS);
    assert_eq!(
        h.commands("work"),
        [
            AccountRequest::Profile { jid: BOB.into() },
            AccountRequest::Devices { jid: BOB.into() }
        ]
    );
    h.assert_shows(&fl!("details-loading"));
    h.event(
        "work",
        Event::Profile {
            account: "work".into(),
            profile: PeerProfile {
                jid: BOB.into(),
                nick: Some("Bobby".into()),
                vcard: VCard {
                    organization: Some("Builders Ltd".into()),
                    emails: vec!["bob@builders.example".into()],
                    ..Default::default()
                },
                resources: vec![ResourceInfo {
                    resource: "laptop".into(),
                    presence: Availability::Available,
                    client: Some("Plausch 0.1.0".into()),
                    ..Default::default()
                }],
                subscription: Some("both".into()),
                complete: true,
                ..Default::default()
            },
        },
    );
    for shown in [
        "Bobby",
        "Builders Ltd",
        "bob@builders.example",
        &format!("Plausch 0.1.0 · {}", fl!("presence-available")),
        &fl!("subscription-both"),
    ] {
        h.assert_shows(shown);
    }

    // Rename and regroup.
    h.run(|ui| {
        ui.click(iced_test::selector::id(ids::details::GROUPS))
            .expect("groups");
        ui.typewrite("Team");
    });
    h.click(ids::details::SAVE);
    assert_eq!(
        h.commands("work"),
        [AccountRequest::UpdateContact {
            jid: BOB.into(),
            name: Some("Bob Builder".into()),
            groups: vec!["Team".into()],
        }]
    );
    // Block, then (the blocklist says so) unblock.
    h.click(ids::details::BLOCK);
    assert_eq!(
        h.commands("work"),
        [AccountRequest::Block { jid: BOB.into() }]
    );
    h.event(
        "work",
        Event::Blocklist {
            account: "work".into(),
            jids: vec![BOB.into()],
        },
    );
    assert_eq!(h.texts_in(ids::details::BLOCK), [fl!("details-unblock")]);
    // Removing asks first.
    h.click(ids::details::REMOVE);
    assert!(h.commands("work").is_empty());
    h.click(ids::details::REMOVE_CONFIRM);
    assert_eq!(
        h.commands("work"),
        [AccountRequest::RemoveContact { jid: BOB.into() }]
    );
    h.click(ids::details::CLOSE);
    assert!(!h.has_id(ids::details::CLOSE));
}

#[test]
fn the_sidebar_filters_and_hides_offline_contacts() {
    let mut h = Harness::work_account(0);
    h.event(
        "work",
        Event::Presence {
            account: "work".into(),
            jid: BOB.into(),
            presence: Availability::Offline,
            status: None,
            idle_since: None,
            last_seen: None,
        },
    );
    assert!(h.has_id(ids::contact("work", BOB)));
    h.click(ids::HIDE_OFFLINE);
    assert!(h.app.config.settings.hide_offline);
    assert!(!h.has_id(ids::contact("work", BOB)), "offline Bob hidden");
    assert!(h.has_id(ids::contact("work", CAROL)), "Carol has a chat");
    h.click(ids::HIDE_OFFLINE);
    h.update(Message::Filter("bui".into()));
    assert!(h.has_id(ids::contact("work", BOB)), "matches Bob Builder");
    assert!(!h.has_id(ids::contact("work", CAROL)));
    h.update(Message::Filter("nobody".into()));
    h.assert_shows(&fl!("sidebar-no-match"));
}

#[test]
fn the_blocklist_in_the_settings_blocks_and_unblocks() {
    let mut h = Harness::work_account(0);
    h.event(
        "work",
        Event::Blocklist {
            account: "work".into(),
            jids: vec!["spam.example".into()],
        },
    );
    h.click(ids::settings("work"));
    // Opening the settings asks for our OMEMO devices.
    let _ = h.commands("work");
    h.assert_shows("spam.example");
    // Below the fold of the test window: the buttons exist, their messages
    // are applied directly.
    assert!(h.has_id(ids::unblock("spam.example")));
    h.update(Message::Settings(Settings::Unblock("spam.example".into())));
    assert_eq!(
        h.commands("work"),
        [AccountRequest::Unblock {
            jid: "spam.example".into(),
        }]
    );
    assert!(h.has_id(ids::blocklist::BLOCK));
    h.update(Message::Settings(Settings::BlockInput(
        "not an address".into(),
    )));
    h.update(Message::Settings(Settings::Block));
    assert!(h.commands("work").is_empty(), "refused");
    h.update(Message::Settings(Settings::BlockInput(
        "troll@else.example".into(),
    )));
    h.update(Message::Settings(Settings::Block));
    assert_eq!(
        h.commands("work"),
        [AccountRequest::Block {
            jid: "troll@else.example".into(),
        }]
    );
}

#[test]
fn our_profile_is_filled_from_the_server_and_saved() {
    let mut h = Harness::work_account(0);
    h.click(ids::settings("work"));
    let _ = h.commands("work");
    assert!(h.has_id(ids::settings::EDIT_PROFILE));
    h.update(Message::Settings(Settings::EditProfile));
    assert_eq!(
        h.commands("work"),
        [AccountRequest::Profile {
            jid: "me@work.example".into()
        }]
    );
    h.event(
        "work",
        Event::Profile {
            account: "work".into(),
            profile: PeerProfile {
                jid: "me@work.example".into(),
                nick: Some("Me".into()),
                vcard: VCard {
                    full_name: Some("Mia Example".into()),
                    ..Default::default()
                },
                ..Default::default()
            },
        },
    );
    h.assert_shows("Mia Example");
    h.run(|ui| {
        ui.click(iced_test::selector::id(ids::own_profile::TITLE))
            .expect("title");
        ui.typewrite("Engineer");
    });
    h.click(ids::own_profile::SAVE);
    match &h.commands("work")[..] {
        [AccountRequest::SetProfile { nick, vcard }] => {
            assert_eq!(nick.as_deref(), Some("Me"));
            assert_eq!(vcard.full_name.as_deref(), Some("Mia Example"));
            assert_eq!(vcard.title.as_deref(), Some("Engineer"));
        }
        other => panic!("{other:?}"),
    }
    // A dropped file becomes the picture to set.
    h.update(Message::FileDropped("/tmp/me.png".into()));
    h.click(ids::own_profile::SET_AVATAR);
    assert_eq!(
        h.commands("work"),
        [AccountRequest::SetAvatar {
            path: Some("/tmp/me.png".into())
        }]
    );
}

#[test]
fn a_contact_nickname_names_it_where_the_roster_has_no_name() {
    let mut h = Harness::work_account(0);
    let mut dave = contact("dave@work.example", None);
    dave.nick = None;
    h.event(
        "work",
        Event::Roster {
            account: "work".into(),
            contacts: vec![dave],
        },
    );
    assert!(h.shows("dave"));
    h.event(
        "work",
        Event::Nick {
            account: "work".into(),
            jid: "dave@work.example".into(),
            nick: Some("Dave the Brave".into()),
        },
    );
    h.assert_shows("Dave the Brave");
}

#[test]
fn an_offline_contact_shows_when_it_was_last_seen() {
    let mut h = Harness::work_account(0);
    let mut bob = contact(BOB, Some("Bob Builder"));
    bob.presence = Availability::Offline;
    bob.last_seen = Some(chrono::Utc::now() - chrono::Duration::minutes(5));
    h.event(
        "work",
        Event::Roster {
            account: "work".into(),
            contacts: vec![bob],
        },
    );
    h.click(ids::contact("work", BOB));
    h.assert_shows(&format!(" · {}", fl!("last-seen-minutes", minutes = 5)));
}

#[test]
fn a_loaded_avatar_replaces_the_initials() {
    let mut h = Harness::work_account(0);
    let row = ids::contact("work", BOB);
    assert_eq!(h.texts_in(row.clone())[0], "BB", "initials while none");
    h.event(
        "work",
        Event::Avatar {
            account: "work".into(),
            jid: BOB.into(),
            path: Some("/cache/bob.png".into()),
        },
    );
    let pixels = vec![200u8; 4 * 4 * 4];
    h.update(Message::AvatarLoaded(
        "/cache/bob.png".into(),
        Some(iced::widget::image::Handle::from_rgba(4, 4, pixels)),
    ));
    assert_eq!(
        h.texts_in(row)[0],
        "Bob Builder",
        "the picture, no initials"
    );
}

#[test]
fn ctrl_v_counts_as_use_of_the_app() {
    let mut h = Harness::with_accounts(vec![account("work", "me@work.example", None)]);
    h.event("work", state("work", ConnState::Online));
    let _ = h.commands("work");
    h.update(Message::IdleTick(
        Instant::now() + Duration::from_secs(10 * 60 + 1),
    ));
    assert_eq!(
        presences(&h.commands("work"))[0].presence,
        Availability::Away
    );
    // Paste is its own message (it looks for a picture), and a key press.
    h.update(Message::File(crate::ui::files::FileMessage::Paste));
    assert_eq!(presences(&h.commands("work")), vec![OwnPresence::default()]);
}
