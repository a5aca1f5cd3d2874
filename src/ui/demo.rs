//! Sample data for looking at the GUI without a server (screenshots, the
//! `gui_preview` example). Not used by the real application.

use chrono::{Duration, Utc};

use crate::api::{
    AccountId, Availability, CertInfo, CertRefusal, ConnState, Contact, ConversationSummary,
    Direction, Event, MessageRecord, MessageState,
};

fn contact(jid: &str, name: Option<&str>, presence: Availability) -> Contact {
    Contact {
        jid: jid.into(),
        name: name.map(Into::into),
        subscription: "both".into(),
        groups: vec![],
        presence,
        status: None,
        ..Default::default()
    }
}

fn state(account: &str, state: ConnState) -> Event {
    Event::account_state(account, state)
}

/// Events that fill the first two accounts with contacts, conversations and
/// a history with `with` (returned too), as an actor would send them.
///
/// The history ends with three files: a photo from Bob with its preview
/// (drawn into `dir`), a document of ours that is being uploaded, and a
/// video Bob offers for direct transfer.
pub fn events(
    first: &str,
    second: Option<&str>,
    dir: &std::path::Path,
) -> (Vec<(AccountId, Event)>, String) {
    let a = first.to_owned();
    let bob = "bob@example.org".to_owned();
    let now = Utc::now();
    let mut seq = 0;
    let mut msg = |ago: Duration, dir: Direction, body: &str, st: MessageState| {
        seq += 1;
        MessageRecord {
            seq,
            id: format!("demo{seq}"),
            with: bob.clone(),
            direction: dir,
            sender: if dir == Direction::In {
                bob.clone()
            } else {
                "me@example.org".into()
            },
            body: body.into(),
            timestamp: now - ago,
            state: st,
            error: None,
            pos: seq,
            ..Default::default()
        }
    };
    use Direction::{In, Out};
    use MessageState as S;
    let history = vec![
        msg(
            Duration::days(3),
            In,
            "Hi! Are we still on for the review on Friday?",
            S::Received,
        ),
        msg(
            Duration::days(3) - Duration::minutes(4),
            Out,
            "Yes, 10 o'clock in the small meeting room.",
            S::Read,
        ),
        msg(
            Duration::days(1),
            In,
            "I pushed the new draft.\nCould you have a look before the meeting?",
            S::Received,
        ),
        msg(
            Duration::days(1) - Duration::minutes(30),
            Out,
            "Sure, I'll read it tonight.",
            S::Read,
        ),
        MessageRecord {
            unread: true,
            crypto: crate::api::MessageCrypto {
                encryption: crate::api::Encryption::Omemo2,
                sender_device: Some(4711),
                decryption_error: None,
            },
            reactions: vec![crate::api::ReactionCount {
                emoji: "👍".into(),
                count: 1,
                own: true,
            }],
            ..msg(
                Duration::minutes(42),
                In,
                "Morning! Coffee first? ☕",
                S::Received,
            )
        },
        MessageRecord {
            retracted: true,
            ..msg(Duration::minutes(41), In, "", S::Received)
        },
        MessageRecord {
            crypto: crate::api::MessageCrypto {
                encryption: crate::api::Encryption::Omemo2,
                sender_device: Some(4711),
                decryption_error: None,
            },
            reply_to: Some(crate::api::Quote {
                id: Some("demo5".into()),
                body: Some("Morning! Coffee first? ☕".into()),
            }),
            ..msg(
                Duration::minutes(40),
                Out,
                "Always. Give me five minutes.",
                S::Delivered,
            )
        },
        MessageRecord {
            crypto: crate::api::MessageCrypto {
                encryption: crate::api::Encryption::Omemo,
                sender_device: Some(1234),
                decryption_error: Some(crate::api::DecryptionError::NotForThisDevice),
            },
            ..msg(Duration::minutes(20), In, "", S::Received)
        },
        MessageRecord {
            edited: true,
            original_body: Some("On my wya".into()),
            crypto: crate::api::MessageCrypto {
                encryption: crate::api::Encryption::Omemo2,
                sender_device: Some(4711),
                decryption_error: None,
            },
            ..msg(Duration::minutes(3), Out, "On my way", S::Acked)
        },
        MessageRecord {
            error: Some("service-unavailable".into()),
            ..msg(Duration::minutes(2), Out, "Is room 4.12 booked?", S::Failed)
        },
        msg(
            Duration::minutes(1),
            Out,
            "Bringing the printouts too",
            S::Queued,
        ),
    ];
    let mut history = history;
    let (photo, document) = file_messages(&mut msg, dir);
    let upload = Event::Transfer {
        account: a.clone(),
        id: document.id.clone(),
        direction: Out,
        state: crate::api::TransferState::Uploading,
        bytes: 1_468_006,
        total: Some(3_565_158),
        error: None,
        method: Some(crate::api::TransferMethod::Upload),
        reference: None,
    };
    history.extend(photo);
    history.push(document);
    // A large video offered directly by Bob's client (Jingle): the prompt.
    history.push(MessageRecord {
        sender: "bob@example.org/laptop".into(),
        file: Some(crate::api::FileInfo {
            name: "Schulungsvideo.mp4".into(),
            size: Some(1_288_490_189),
            media_type: Some("video/mp4".into()),
            transfer: crate::api::TransferState::Offered,
            ..Default::default()
        }),
        ..msg(Duration::seconds(8), In, "", S::Received)
    });
    let mut events = vec![
        (a.clone(), state(first, ConnState::Online)),
        (
            a.clone(),
            Event::Roster {
                account: a.clone(),
                contacts: vec![
                    contact(
                        "bob@example.org",
                        Some("Bob Builder"),
                        Availability::Available,
                    ),
                    contact("carol@example.org", Some("Carol"), Availability::Away),
                    contact("dave@example.org", None, Availability::Dnd),
                    contact("erin@example.net", Some("Erin"), Availability::Offline),
                ],
            },
        ),
        (
            a.clone(),
            Event::Conversations {
                account: a.clone(),
                conversations: vec![
                    ConversationSummary {
                        with: bob.clone(),
                        last_body: Some("Bringing the printouts too".into()),
                        last_timestamp: Some(now),
                        unread: 0,
                        ..Default::default()
                    },
                    ConversationSummary {
                        with: ROOM.into(),
                        last_body: Some("Tests are green here too".into()),
                        last_timestamp: Some(now - Duration::minutes(5)),
                        unread: 1,
                        kind: crate::api::ConversationKind::Room,
                        ..Default::default()
                    },
                    ConversationSummary {
                        with: "carol@example.org".into(),
                        last_body: Some(
                            "Did you see the new schedule? It moves the release by a week".into(),
                        ),
                        last_timestamp: Some(now - Duration::hours(2)),
                        unread: 3,
                        ..Default::default()
                    },
                ],
            },
        ),
        (
            a.clone(),
            Event::History {
                complete: true,
                account: a.clone(),
                with: bob.clone(),
                messages: history,
            },
        ),
        (
            a.clone(),
            Event::Encryption {
                account: a.clone(),
                with: bob.clone(),
                enabled: None,
                encrypted: crate::api::Encryption::Omemo2,
                unavailable: None,
                unreachable: Vec::new(),
            },
        ),
        (a.clone(), upload),
        (
            a.clone(),
            Event::ChatState {
                account: a.clone(),
                with: bob.clone(),
                state: crate::api::ChatStateKind::Composing,
                nick: None,
            },
        ),
        (
            a.clone(),
            Event::OwnPresence {
                account: a.clone(),
                presence: Availability::Available,
                status: Some("In the office".into()),
                idle_since: None,
            },
        ),
        (
            a.clone(),
            Event::SubscriptionRequest {
                account: a.clone(),
                jid: "frank@partner.example".into(),
                nick: Some("Frank".into()),
            },
        ),
    ];
    if let Some(b) = second {
        events.push((
            b.to_owned(),
            Event::AccountState {
                account: b.into(),
                state: ConnState::CertUntrusted,
                reason: Some(format!(
                    "certificate not trusted: {}",
                    CertRefusal::UnknownIssuer.reason()
                )),
                retry_in: None,
                retry_at: None,
                jid: None,
                cert: Some(CertInfo {
                    fingerprint: "3A:7F:12:C4:9B:5E:01:D2:88:6A:F0:4C:19:E3:B7:2D".into(),
                    reason: CertRefusal::UnknownIssuer.reason().into(),
                    code: Some(CertRefusal::UnknownIssuer),
                    subject: Some("CN=family.example".into()),
                    issuer: Some("CN=Family Home CA".into()),
                    not_before: chrono::DateTime::from_timestamp(1_767_225_600, 0),
                    not_after: chrono::DateTime::from_timestamp(1_798_761_600, 0),
                    ..Default::default()
                }),
            },
        ));
        events.push((
            b.to_owned(),
            Event::Conversations {
                account: b.into(),
                conversations: vec![ConversationSummary {
                    with: "mum@family.example".into(),
                    last_body: Some("Sunday lunch at ours?".into()),
                    last_timestamp: Some(now - Duration::days(2)),
                    unread: 1,
                    ..Default::default()
                }],
            },
        ));
    }
    (events, bob)
}

/// The demo photo's link: an encrypted file (XEP-0454; the key is made up).
const SUNSET_LINK: &str = "aesgcm://upload.example.org/3f2a/sunset.jpg#\
    000102030405060708090a0b000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

/// A photo from Bob (downloaded, with a preview drawn into `dir`; left
/// out if it cannot be written) and a document of ours being uploaded.
fn file_messages(
    msg: &mut impl FnMut(Duration, Direction, &str, MessageState) -> MessageRecord,
    dir: &std::path::Path,
) -> (Option<MessageRecord>, MessageRecord) {
    use crate::api::{FileInfo, TransferState};
    // A sunset over hills: sky gradient, sun, two dark ridges.
    let (w, h) = (256, 170);
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        let (fx, fy) = (x as f32, y as f32);
        let ridge1 = 110.0 + 18.0 * (fx / 40.0).sin();
        let ridge2 = 135.0 + 12.0 * (fx / 25.0 + 1.0).cos();
        let (dx, dy) = (fx - 170.0, fy - 95.0);
        if fy > ridge2 {
            image::Rgb([40, 52, 70])
        } else if fy > ridge1 {
            image::Rgb([78, 86, 120])
        } else if dx * dx + dy * dy < 26.0 * 26.0 {
            image::Rgb([255, 226, 140])
        } else {
            let t = fy / ridge1;
            let mix = |a: f32, b: f32| (a * (1.0 - t) + b * t) as u8;
            image::Rgb([mix(90.0, 250.0), mix(120.0, 150.0), mix(200.0, 110.0)])
        }
    });
    let thumbnail = dir.join("demo-sunset-thumb.png");
    let photo = img
        .save_with_format(&thumbnail, image::ImageFormat::Png)
        .is_ok()
        .then(|| MessageRecord {
            // Sent in the encrypted chat: an encrypted file (XEP-0454).
            body: SUNSET_LINK.into(),
            crypto: crate::api::MessageCrypto {
                encryption: crate::api::Encryption::Omemo2,
                sender_device: Some(31_415),
                ..Default::default()
            },
            file: Some(FileInfo {
                name: "sunset.jpg".into(),
                size: Some(2_483_412),
                media_type: Some("image/jpeg".into()),
                url: Some(SUNSET_LINK.into()),
                path: Some(dir.join("sunset.jpg").display().to_string()),
                thumbnail: Some(thumbnail.display().to_string()),
                transfer: TransferState::Done,
                ..Default::default()
            }),
            ..msg(
                Duration::seconds(50),
                Direction::In,
                "",
                MessageState::Received,
            )
        });
    let document = MessageRecord {
        crypto: crate::api::MessageCrypto {
            encryption: crate::api::Encryption::Omemo2,
            ..Default::default()
        },
        file: Some(FileInfo {
            name: "Quarterly report.pdf".into(),
            size: Some(3_565_158),
            media_type: Some("application/pdf".into()),
            path: Some("/home/me/Documents/Quarterly report.pdf".into()),
            transfer: TransferState::Uploading,
            ..Default::default()
        }),
        ..msg(
            Duration::seconds(20),
            Direction::Out,
            "",
            MessageState::Queued,
        )
    };
    (photo, document)
}

/// Pictures for two demo contacts, drawn into `dir` (as the actor's avatar
/// cache would hold them), announced as `avatar` events.
pub fn avatars(account: &str, dir: &std::path::Path) -> Vec<(AccountId, Event)> {
    let mut events = Vec::new();
    for (jid, from, to) in [
        ("bob@example.org", [250, 170, 60], [200, 60, 40]),
        ("carol@example.org", [90, 160, 240], [40, 60, 160]),
    ] {
        // A soft diagonal gradient with a lighter disc: enough to tell
        // pictures from initials.
        let img = image::RgbaImage::from_fn(96, 96, |x, y| {
            let t = (x + y) as f32 / 190.0;
            let mix = |i: usize| (from[i] as f32 * (1.0 - t) + to[i] as f32 * t) as u8;
            let (dx, dy) = (x as f32 - 48.0, y as f32 - 40.0);
            let head = dx * dx + dy * dy < 400.0;
            let body = y > 66 && (dx * dx) < 900.0;
            if head || body {
                image::Rgba([245, 240, 235, 255])
            } else {
                image::Rgba([mix(0), mix(1), mix(2), 255])
            }
        });
        let path = dir.join(format!("demo-{}.png", jid.replace(['@', '.'], "-")));
        if img.save_with_format(&path, image::ImageFormat::Png).is_ok() {
            events.push((
                account.to_owned(),
                Event::Avatar {
                    account: account.to_owned(),
                    jid: jid.to_owned(),
                    path: Some(path.display().to_string()),
                },
            ));
        }
    }
    // The group's picture (XEP-0486): three heads on green.
    let group = image::RgbaImage::from_fn(96, 96, |x, y| {
        let near = |cx: f32, cy: f32, r: f32| {
            let (dx, dy) = (x as f32 - cx, y as f32 - cy);
            dx * dx + dy * dy < r * r
        };
        let heads = near(28.0, 42.0, 11.0) || near(68.0, 42.0, 11.0) || near(48.0, 36.0, 13.0);
        let bodies =
            y > 62 && (near(28.0, 84.0, 20.0) || near(68.0, 84.0, 20.0) || near(48.0, 80.0, 22.0));
        if heads || bodies {
            image::Rgba([240, 245, 238, 255])
        } else {
            image::Rgba([40, 150 - (y / 3) as u8, 100, 255])
        }
    });
    let path = dir.join("demo-room.png");
    if group
        .save_with_format(&path, image::ImageFormat::Png)
        .is_ok()
    {
        events.push((
            account.to_owned(),
            Event::Avatar {
                account: account.to_owned(),
                jid: ROOM.to_owned(),
                path: Some(path.display().to_string()),
            },
        ));
    }
    events
}

/// The demo's group chat.
pub const ROOM: &str = "team@conference.example.org";

/// The group "Project Team" on `account`: bookmark, occupants (us as
/// owner), subject, a history and a new message that mentions us, and
/// someone typing.
pub fn room(account: &str) -> Vec<(AccountId, Event)> {
    use crate::api::{Affiliation, NotifyMode, Occupant, Role, RoomInfo};
    let a = account.to_owned();
    let now = Utc::now();
    let occupant = |nick: &str, role, affiliation, presence, jid: Option<&str>| Occupant {
        nick: nick.into(),
        jid: jid.map(Into::into),
        role,
        affiliation,
        presence,
        ..Default::default()
    };
    let occupants = vec![
        occupant(
            "Sam",
            Role::Moderator,
            Affiliation::Owner,
            Availability::Available,
            Some("me@example.org"),
        ),
        occupant(
            "Anna",
            Role::Moderator,
            Affiliation::Admin,
            Availability::Available,
            Some("anna@example.org"),
        ),
        occupant(
            "Bob",
            Role::Participant,
            Affiliation::Member,
            Availability::Available,
            Some("bob@example.org"),
        ),
        occupant(
            "Carol",
            Role::Participant,
            Affiliation::Member,
            Availability::Away,
            Some("carol@example.org"),
        ),
        occupant(
            "Dave",
            Role::Participant,
            Affiliation::Member,
            Availability::Dnd,
            Some("dave@example.org"),
        ),
        occupant(
            "Visitor",
            Role::Visitor,
            Affiliation::None,
            Availability::Available,
            None,
        ),
    ];
    let mut seq = 1000;
    let mut msg = |ago: Duration, nick: &str, body: &str, mention: bool| {
        seq += 1;
        let own = nick == "Sam";
        MessageRecord {
            seq,
            id: format!("room{seq}"),
            with: ROOM.into(),
            direction: if own { Direction::Out } else { Direction::In },
            sender: format!("{ROOM}/{nick}"),
            body: body.into(),
            timestamp: now - ago,
            state: if own {
                MessageState::Delivered
            } else {
                MessageState::Received
            },
            pos: seq,
            mention,
            // An encrypted group (members-only, addresses shown).
            crypto: crate::api::MessageCrypto {
                encryption: crate::api::Encryption::Omemo2,
                sender_device: (!own).then_some(1_000 + seq as u32),
                decryption_error: None,
            },
            ..Default::default()
        }
    };
    let history = vec![
        msg(
            Duration::minutes(50),
            "Anna",
            "Morning! Release candidate 2.0-rc1 is on the staging server.",
            false,
        ),
        msg(
            Duration::minutes(46),
            "Dave",
            "Installing it now. The migration took 3 minutes on the test data.",
            false,
        ),
        msg(
            Duration::minutes(40),
            "Sam",
            "Great, I'll start on the release notes.",
            false,
        ),
        msg(
            Duration::minutes(12),
            "Bob",
            "@Sam can you add the migration steps to the notes? Customers will ask.",
            true,
        ),
        msg(
            Duration::minutes(5),
            "Carol",
            "Tests are green here too",
            false,
        ),
    ];
    let live = msg(
        Duration::seconds(30),
        "Anna",
        "Sam, the changelog draft is in the wiki — please have a look before lunch.",
        true,
    );
    vec![
        (
            a.clone(),
            Event::Rooms {
                account: a.clone(),
                rooms: vec![RoomInfo {
                    jid: ROOM.into(),
                    name: Some("Project Team".into()),
                    nick: Some("Sam".into()),
                    joined: true,
                    autojoin: true,
                    notify: NotifyMode::Mentions,
                    subject: None,
                }],
            },
        ),
        (
            a.clone(),
            Event::RoomJoined {
                account: a.clone(),
                room: ROOM.into(),
                nick: "Sam".into(),
                occupants,
                subject: Some("Release 2.0 on Friday — checklist in the wiki".into()),
                created: false,
                moderation: false,
            },
        ),
        // The room's list (as `room_members` answers it): Erik is a
        // member who is not in the room now.
        (
            a.clone(),
            Event::RoomMembers {
                account: a.clone(),
                room: ROOM.into(),
                members: [
                    ("anna@example.org", Affiliation::Admin),
                    ("bob@example.org", Affiliation::Member),
                    ("carol@example.org", Affiliation::Member),
                    ("dave@example.org", Affiliation::Member),
                    ("erik@example.org", Affiliation::Member),
                    ("me@example.org", Affiliation::Owner),
                ]
                .into_iter()
                .map(|(jid, affiliation)| crate::api::RoomMember {
                    jid: jid.into(),
                    affiliation,
                    nick: None,
                })
                .collect(),
            },
        ),
        (
            a.clone(),
            Event::History {
                account: a.clone(),
                with: ROOM.into(),
                messages: history,
                complete: true,
            },
        ),
        (
            a.clone(),
            Event::Message {
                account: a.clone(),
                message: live,
                reference: None,
            },
        ),
        // Erik's account has no OMEMO: the composer names him.
        (
            a.clone(),
            Event::Encryption {
                account: a.clone(),
                with: ROOM.into(),
                enabled: None,
                encrypted: crate::api::Encryption::Omemo2,
                unavailable: None,
                unreachable: vec!["erik@example.org".into()],
            },
        ),
        (
            a.clone(),
            Event::ChatState {
                account: a.clone(),
                with: ROOM.into(),
                state: crate::api::ChatStateKind::Composing,
                nick: Some("Dave".into()),
            },
        ),
    ]
}

/// OMEMO devices: Bob verified one device, then a new one appeared
/// (undecided: the conversation's banner); ours in both variants and an
/// old phone.
pub fn omemo(account: &str) -> Vec<(AccountId, Event)> {
    use crate::api::{DeviceInfo, OmemoVersion, Trust};
    let device = |id: u32, version, fingerprint: Option<&str>, trust, active, own| DeviceInfo {
        id,
        version,
        fingerprint: fingerprint.map(Into::into),
        trust,
        label: None,
        active,
        own,
        last_used: (!own && active).then(|| chrono::Utc::now() - chrono::Duration::days(2)),
        stale: false,
        problem: None,
    };
    let bob = vec![
        device(
            1_804_223_117,
            OmemoVersion::Omemo,
            Some("3f9a2c71 0b8e44d2 9c1f6a03 e7d2b845 5a6c0f19 d48b2e7a 61c3f905 b2e84d1c"),
            Trust::Verified,
            true,
            false,
        ),
        device(
            522_918_406,
            OmemoVersion::Omemo,
            Some("a04c9e1b 72f35d80 1e6b94c2 0d7a3f58 c9e21b64 8f0a5d37 e2b16c09 4d7f8a23"),
            Trust::Undecided,
            true,
            false,
        ),
        // A tablet that published no keys: its diagnostic says so.
        DeviceInfo {
            problem: Some(crate::api::DeviceProblem::NoBundle),
            stale: true,
            last_used: Some(chrono::Utc::now() - chrono::Duration::days(130)),
            ..device(
                77_310_264,
                OmemoVersion::Omemo2,
                None,
                Trust::Blind,
                true,
                false,
            )
        },
        device(
            1_130_587,
            OmemoVersion::Omemo,
            Some("5b2e8f01 c6d94a37 0e1f7b28 93a5c4d6 12e08f7b a94c3d5e 6f7081b2 c3d4e5f6"),
            Trust::Untrusted,
            false,
            false,
        ),
    ];
    let ours = vec![
        device(
            2_046_117_990,
            OmemoVersion::Omemo,
            Some("c81d4fe2 5a09b73e 11f6c2d8 e4a7093b 6d5c2f18 80e9b4a1 f2c63d07 9a1e5b48"),
            Trust::Verified,
            true,
            true,
        ),
        device(
            2_046_117_990,
            OmemoVersion::Omemo2,
            Some("0f3b7c29 d1e84a56 b2c9f017 3e6d8a45 c70b1f92 e5d43a68 19b2c7f0 4a8e6d13"),
            Trust::Verified,
            true,
            true,
        ),
        device(
            913_004_512,
            OmemoVersion::Omemo,
            Some("e19a3c57 4b0d82f6 c3a71e09 5d2f6b84 a0c9e317 6f48b25d 12e7c0a9 8b3d5f61"),
            Trust::Blind,
            true,
            false,
        ),
    ];
    vec![
        (
            account.to_owned(),
            Event::Devices {
                account: account.to_owned(),
                jid: "bob@example.org".into(),
                devices: bob,
            },
        ),
        (
            account.to_owned(),
            Event::Devices {
                account: account.to_owned(),
                jid: "me@example.org".into(),
                devices: ours,
            },
        ),
    ]
}

/// The messages among the demo's events, for the search panel (the demo
/// has no actors to search).
pub fn messages(events: &[(AccountId, Event)]) -> Vec<(AccountId, MessageRecord)> {
    let mut out = Vec::new();
    for (account, event) in events {
        match event {
            Event::History { messages, .. } => {
                out.extend(messages.iter().map(|m| (account.clone(), m.clone())));
            }
            Event::Message { message, .. } => out.push((account.clone(), message.clone())),
            _ => {}
        }
    }
    out
}

/// The first account catching up on the server archive (its line says so
/// until `archive_synced`), as after a night offline.
pub fn catching_up(account: &str) -> Vec<(AccountId, Event)> {
    vec![(
        account.to_owned(),
        Event::ArchiveSyncing {
            account: account.to_owned(),
        },
    )]
}

/// A third account whose server cannot be reached: it waits to try again
/// (the line counts down) and keeps what it knew.
pub fn reconnecting(account: &str) -> Vec<(AccountId, Event)> {
    let a = account.to_owned();
    let wait = Duration::seconds(42);
    vec![
        (
            a.clone(),
            Event::AccountState {
                account: a.clone(),
                state: ConnState::Reconnecting,
                reason: Some("cannot reach school.example: connection refused".into()),
                retry_in: Some(42),
                retry_at: Some(Utc::now() + wait),
                jid: None,
                cert: None,
            },
        ),
        (
            a.clone(),
            Event::Roster {
                account: a.clone(),
                contacts: vec![contact(
                    "office@school.example",
                    Some("School office"),
                    Availability::Offline,
                )],
            },
        ),
    ]
}
