//! Files in the conversation: the file card's buttons, transfer progress,
//! direct offers (accept, decline, wait), dropped files and the "file too
//! large" banner.

use super::Harness;
use crate::api::AccountRequest;
use crate::api::{
    Direction, Event, FileInfo, MessageRecord, MessageState, PeerProfile, TransferMethod,
    TransferState,
};
use crate::fl;
use crate::ui::files::{FileMessage, Progress, size_text};
use crate::ui::{Message, ids};

const BOB: &str = "bob@work.example";

/// "work" online with the conversation with Bob open and its history:
/// the given messages.
fn bob_with(messages: Vec<MessageRecord>) -> Harness {
    let mut h = Harness::work_account(0);
    let _ = h.click(ids::contact("work", BOB));
    let _ = h.commands("work");
    h.event(
        "work",
        Event::History {
            account: "work".into(),
            with: BOB.into(),
            messages,
            complete: true,
        },
    );
    h
}

fn file_message(id: &str, direction: Direction, transfer: TransferState) -> MessageRecord {
    MessageRecord {
        seq: 1,
        pos: 1,
        id: id.into(),
        with: BOB.into(),
        direction,
        sender: BOB.into(),
        body: "https://up.work.example/x/report.pdf".into(),
        timestamp: chrono::Utc::now(),
        state: MessageState::Received,
        file: Some(FileInfo {
            name: "report.pdf".into(),
            size: Some(3 * 1024 * 1024),
            media_type: Some("application/pdf".into()),
            url: Some("https://up.work.example/x/report.pdf".into()),
            transfer,
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn transfer(id: &str, state: TransferState, bytes: u64, error: Option<&str>) -> Event {
    Event::Transfer {
        account: "work".into(),
        id: id.into(),
        direction: Direction::In,
        state,
        bytes,
        total: Some(3 * 1024 * 1024),
        error: error.map(Into::into),
        method: None,
        reference: None,
    }
}

#[test]
fn the_card_shows_name_size_and_type_not_the_url() {
    let h = bob_with(vec![file_message(
        "f1",
        Direction::In,
        TransferState::Available,
    )]);
    h.assert_shows("report.pdf");
    h.assert_shows(&format!("{} · application/pdf", size_text(3 * 1024 * 1024)));
    assert!(!h.shows("https://up.work.example/x/report.pdf"));
    assert!(h.has_id(ids::file_download("f1")));
    assert!(!h.has_id(ids::file_cancel("f1")));
}

#[test]
fn download_button_asks_the_actor_and_progress_follows_the_events() {
    let mut h = bob_with(vec![file_message(
        "f1",
        Direction::In,
        TransferState::Available,
    )]);
    let messages = h.click(ids::file_download("f1"));
    assert!(matches!(
        &messages[..],
        [Message::File(FileMessage::Download(id))] if id == "f1"
    ));
    assert_eq!(
        h.commands("work"),
        [AccountRequest::Download { id: "f1".into() }]
    );

    // Progress: a bar and a cancel button instead of the download button.
    h.event(
        "work",
        transfer("f1", TransferState::Downloading, 1024 * 1024, None),
    );
    let account = match &h.app.accounts[0] {
        crate::ui::model::Account::Ok(a) => a,
        _ => panic!("live account"),
    };
    assert_eq!(
        account.transfers.get("f1"),
        Some(&Progress {
            state: TransferState::Downloading,
            bytes: 1024 * 1024,
            total: Some(3 * 1024 * 1024),
        })
    );
    assert!(h.has_id(ids::file_progress("f1")));
    assert!(!h.has_id(ids::file_download("f1")));
    let status = format!(
        "{} · {}",
        fl!("file-downloading"),
        fl!(
            "file-progress",
            done = size_text(1024 * 1024),
            total = size_text(3 * 1024 * 1024),
            percent = 33
        )
    );
    h.assert_shows(&status);

    // Cancel.
    let _ = h.click(ids::file_cancel("f1"));
    assert_eq!(
        h.commands("work"),
        [AccountRequest::CancelTransfer { id: "f1".into() }]
    );
    h.event("work", transfer("f1", TransferState::Cancelled, 0, None));
    assert!(!h.has_id(ids::file_progress("f1")));
    h.assert_shows(&fl!("file-cancelled"));
    // ... and it can be fetched again.
    let _ = h.click(ids::file_download("f1"));
    assert_eq!(
        h.commands("work"),
        [AccountRequest::Download { id: "f1".into() }]
    );
}

#[test]
fn a_failed_download_says_why_and_offers_to_try_again() {
    let mut h = bob_with(vec![file_message(
        "f1",
        Direction::In,
        TransferState::Downloading,
    )]);
    h.event(
        "work",
        transfer("f1", TransferState::Failed, 10, Some("HTTP 404")),
    );
    h.assert_shows(&fl!("file-failed-reason", reason = "HTTP 404"));
    assert!(h.has_id(ids::file_download("f1")));
}

#[test]
fn a_done_file_can_be_opened_and_shown_in_its_folder() {
    let mut m = file_message("f1", Direction::In, TransferState::Done);
    if let Some(f) = m.file.as_mut() {
        f.path = Some("/home/me/files/report.pdf".into());
    }
    let mut h = bob_with(vec![m]);
    assert!(!h.has_id(ids::file_download("f1")));
    let opened = h.interact(|ui| {
        ui.click(iced_test::selector::id(ids::file_open("f1")))
            .expect("open button");
    });
    assert!(matches!(
        &opened[..],
        [Message::File(FileMessage::Open(p))] if p.as_os_str() == "/home/me/files/report.pdf"
    ));
    let shown = h.interact(|ui| {
        ui.click(iced_test::selector::id(ids::file_folder("f1")))
            .expect("folder button");
    });
    assert!(matches!(
        &shown[..],
        [Message::File(FileMessage::ShowInFolder(p))] if p.as_os_str() == "/home/me/files/report.pdf"
    ));
    let _ = h.commands("work");
}

#[test]
fn an_outgoing_upload_shows_its_name_progress_and_cancel() {
    let mut m = file_message("up1", Direction::Out, TransferState::Queued);
    m.body = String::new();
    m.state = MessageState::Queued;
    let mut h = bob_with(vec![m]);
    h.assert_shows("report.pdf");
    h.assert_shows(&fl!("file-queued"));
    assert!(!h.has_id(ids::file_download("up1")));
    h.event("work", transfer("up1", TransferState::Uploading, 512, None));
    assert!(h.has_id(ids::file_progress("up1")));
    // Cut off: it waits and says why.
    h.event(
        "work",
        transfer("up1", TransferState::Queued, 0, Some("connection lost")),
    );
    h.assert_shows(&fl!(
        "file-retrying",
        status = fl!("file-queued"),
        reason = "connection lost"
    ));
    let _ = h.click(ids::file_cancel("up1"));
    assert_eq!(
        h.commands("work"),
        [AccountRequest::CancelTransfer { id: "up1".into() }]
    );
}

#[test]
fn plain_http_files_are_marked() {
    let mut m = file_message("f1", Direction::In, TransferState::Available);
    if let Some(f) = m.file.as_mut() {
        f.plain_http = true;
    }
    let h = bob_with(vec![m]);
    h.assert_shows(&fl!("file-plain-http"));
}

#[test]
fn a_dropped_file_goes_to_the_open_conversation() {
    let mut h = bob_with(vec![]);
    h.update(Message::FileDropped("/tmp/holiday.jpg".into()));
    match &h.commands("work")[..] {
        [
            AccountRequest::SendFile {
                to,
                path,
                reference: Some(_),
            },
        ] => {
            assert_eq!(to, BOB);
            assert_eq!(path, "/tmp/holiday.jpg");
        }
        other => panic!("expected one SendFile, got {other:?}"),
    }
    // A file picked in the dialog goes the same way.
    h.update(Message::File(FileMessage::Picked(Some(
        "/tmp/notes.txt".into(),
    ))));
    assert!(matches!(
        &h.commands("work")[..],
        [AccountRequest::SendFile { path, .. }] if path == "/tmp/notes.txt"
    ));
}

#[test]
fn a_dropped_file_without_a_conversation_or_with_the_profile_open_is_not_sent() {
    let mut h = Harness::work_account(0);
    h.update(Message::FileDropped("/tmp/holiday.jpg".into()));
    assert!(h.commands("work").is_empty());

    // The own-profile dialog takes it as the new picture instead.
    let _ = h.click(ids::contact("work", BOB));
    h.update(Message::ShowOwnProfile("work".into()));
    h.event(
        "work",
        Event::Profile {
            account: "work".into(),
            profile: PeerProfile {
                jid: "me@work.example".into(),
                ..Default::default()
            },
        },
    );
    let _ = h.commands("work");
    h.update(Message::FileDropped("/tmp/me.png".into()));
    assert!(
        !h.commands("work")
            .iter()
            .any(|c| matches!(c, AccountRequest::SendFile { .. }))
    );
}

#[test]
fn the_attach_button_is_in_the_composer() {
    let h = bob_with(vec![]);
    let messages = h.interact(|ui| {
        ui.click(iced_test::selector::id(ids::ATTACH))
            .expect("attach button");
    });
    assert!(matches!(
        &messages[..],
        [Message::File(FileMessage::Attach)]
    ));
}

#[test]
fn a_file_too_large_is_a_banner_with_both_sizes() {
    let mut h = bob_with(vec![]);
    h.event(
        "work",
        Event::FileTooLarge {
            account: "work".into(),
            id: None,
            path: "/tmp/big.zip".into(),
            size: 70 * 1024 * 1024,
            max_size: 64 * 1024 * 1024,
            message: "big.zip is 70.0 MiB".into(),
            reference: None,
        },
    );
    h.assert_shows(&fl!(
        "file-too-large",
        account = "Work",
        name = "big.zip",
        size = size_text(70 * 1024 * 1024),
        max = size_text(64 * 1024 * 1024)
    ));
}

fn ctrl(c: &str, physical: iced::keyboard::key::Code) -> iced::Event {
    use iced::keyboard::{Event, Key, Location, Modifiers, key::Physical};
    iced::Event::Keyboard(Event::KeyPressed {
        key: Key::Character(c.into()),
        modified_key: Key::Character(c.into()),
        physical_key: Physical::Code(physical),
        location: Location::Standard,
        modifiers: Modifiers::CTRL,
        text: None,
        repeat: false,
    })
}

#[test]
fn ctrl_v_looks_for_a_picture_on_any_keyboard_layout() {
    use iced::keyboard::key::Code;
    let paste = |e| {
        matches!(
            crate::ui::app_event(e, iced::event::Status::Ignored, iced::window::Id::unique()),
            Some(Message::File(FileMessage::Paste))
        )
    };
    assert!(paste(ctrl("v", Code::KeyV)));
    // Russian layout: the key says "м", the physical key is still V.
    assert!(paste(ctrl("м", Code::KeyV)));
    assert!(!paste(ctrl("c", Code::KeyC)));
}

fn pasted(with: &str, path: &std::path::Path) -> crate::ui::paste::Pasted {
    crate::ui::paste::Pasted {
        account: "work".into(),
        with: with.into(),
        path: path.to_path_buf(),
        width: 1280,
        height: 800,
        bytes: 250 * 1024,
    }
}

#[test]
fn a_pasted_picture_waits_for_send_in_its_own_conversation() {
    let mut h = bob_with(vec![]);
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("Pasted image 2026-12-02 08.00.00.png");
    h.update(Message::File(FileMessage::Pasted(Ok(Some(pasted(
        BOB, &path,
    ))))));
    // Nothing is sent before the user says so.
    assert!(h.commands("work").is_empty());
    assert!(h.has_id(ids::PASTED));
    h.assert_shows(&fl!(
        "paste-confirm",
        name = "Pasted image 2026-12-02 08.00.00.png",
        width = "1280",
        height = "800",
        size = size_text(250 * 1024)
    ));
    // Another conversation does not show it; back with Bob it is there.
    let _ = h.click(ids::contact("work", "carol@work.example"));
    assert!(!h.has_id(ids::PASTED));
    let _ = h.click(ids::contact("work", BOB));
    assert!(h.has_id(ids::PASTED));
    let _ = h.commands("work");
    let _ = h.click(ids::PASTED_SEND);
    match &h.commands("work")[..] {
        [AccountRequest::SendFile { to, path: p, .. }] => {
            assert_eq!(to, BOB);
            assert_eq!(std::path::Path::new(p), path);
        }
        other => panic!("expected one SendFile, got {other:?}"),
    }
    assert!(!h.has_id(ids::PASTED));
}

#[test]
fn a_pasted_picture_can_be_discarded_and_a_clipboard_without_one_does_nothing() {
    let mut h = bob_with(vec![]);
    h.update(Message::File(FileMessage::Pasted(Ok(None))));
    assert!(!h.has_id(ids::PASTED));
    h.update(Message::File(FileMessage::Pasted(Ok(Some(pasted(
        BOB,
        std::path::Path::new("/tmp/x.png"),
    ))))));
    let _ = h.click(ids::PASTED_DISCARD);
    assert!(!h.has_id(ids::PASTED));
    assert!(h.commands("work").is_empty());
    // A clipboard that cannot be read is a banner.
    h.update(Message::File(FileMessage::Pasted(Err(
        "no clipboard".into()
    ))));
    h.assert_shows("no clipboard");
}

/// A file Bob's client offers directly (Jingle): no link, state offered.
fn offered(id: &str) -> MessageRecord {
    let mut m = file_message(id, Direction::In, TransferState::Offered);
    m.body = String::new();
    m.sender = format!("{BOB}/laptop");
    if let Some(f) = m.file.as_mut() {
        f.url = None;
    }
    m
}

#[test]
fn an_offer_is_accepted_or_declined_from_its_card() {
    let mut h = bob_with(vec![offered("o1")]);
    h.assert_shows("report.pdf");
    h.assert_shows(&format!("{} · application/pdf", size_text(3 * 1024 * 1024)));
    h.assert_shows(&fl!("file-offer-from", contact = "Bob Builder"));
    assert!(!h.shows(&fl!("file-offer-stranger")), "Bob is a contact");
    assert!(!h.has_id(ids::file_download("o1")));
    assert!(!h.has_id(ids::file_progress("o1")));
    assert_eq!(h.texts_in(ids::file_accept("o1")), [fl!("file-accept")]);
    assert_eq!(h.texts_in(ids::file_decline("o1")), [fl!("file-decline")]);

    let messages = h.click(ids::file_accept("o1"));
    assert!(matches!(
        &messages[..],
        [Message::File(FileMessage::Accept(id))] if id == "o1"
    ));
    assert_eq!(
        h.commands("work"),
        [AccountRequest::AcceptFile { id: "o1".into() }]
    );
    let _ = h.click(ids::file_decline("o1"));
    assert_eq!(
        h.commands("work"),
        [AccountRequest::DeclineFile { id: "o1".into() }]
    );

    // Declined: it says so, and there is no link to download it from.
    h.event(
        "work",
        transfer("o1", TransferState::Cancelled, 0, Some("declined")),
    );
    assert!(!h.has_id(ids::file_accept("o1")));
    assert!(!h.has_id(ids::file_download("o1")));
    h.assert_shows(&fl!("file-cancelled-reason", reason = "declined"));
}

#[test]
fn an_accepted_offer_shows_its_progress_and_how_it_goes() {
    let mut h = bob_with(vec![offered("o1")]);
    let _ = h.click(ids::file_accept("o1"));
    let _ = h.commands("work");
    let facts = format!("{} · application/pdf", size_text(3 * 1024 * 1024));
    for (method, hint) in [
        (TransferMethod::Socks5, fl!("file-direct")),
        (TransferMethod::Ibb, fl!("file-via-server")),
    ] {
        let mut event = transfer("o1", TransferState::Downloading, 1024 * 1024, None);
        if let Event::Transfer { method: m, .. } = &mut event {
            *m = Some(method);
        }
        h.event("work", event);
        assert!(h.has_id(ids::file_progress("o1")));
        assert!(!h.has_id(ids::file_accept("o1")));
        h.assert_shows(&format!("{facts} · {hint}"));
    }
    // Done: the hint stays (the last event had no method).
    h.event(
        "work",
        transfer("o1", TransferState::Done, 3 * 1024 * 1024, None),
    );
    h.assert_shows(&format!("{facts} · {}", fl!("file-via-server")));
    // Uploads through the server say nothing of it.
    let mut upload = transfer("o1", TransferState::Done, 3 * 1024 * 1024, None);
    if let Event::Transfer { method, .. } = &mut upload {
        *method = Some(TransferMethod::Upload);
    }
    h.event("work", upload);
    h.assert_shows(&facts);
}

#[test]
fn an_offer_from_a_stranger_says_so_and_names_the_full_address() {
    let mut h = bob_with(vec![offered("o1")]);
    // Bob leaves the roster.
    h.event(
        "work",
        Event::Roster {
            account: "work".into(),
            contacts: vec![],
        },
    );
    h.assert_shows(&fl!("file-offer-stranger"));
    h.assert_shows(&fl!("file-offer-from", contact = BOB));
    // Still the user's choice.
    let _ = h.click(ids::file_accept("o1"));
    assert_eq!(
        h.commands("work"),
        [AccountRequest::AcceptFile { id: "o1".into() }]
    );
}

#[test]
fn an_offer_that_cannot_be_taken_says_why_and_stays_open() {
    let mut h = bob_with(vec![offered("o1")]);
    let mut event = transfer(
        "o1",
        TransferState::Offered,
        0,
        Some("not enough disk space"),
    );
    if let Event::Transfer { total, .. } = &mut event {
        *total = None;
    }
    h.event("work", event);
    h.assert_shows(&fl!("file-failed-reason", reason = "not enough disk space"));
    assert!(h.has_id(ids::file_accept("o1")));
    assert!(h.has_id(ids::file_decline("o1")));
}

#[test]
fn our_offer_waits_for_the_contact_and_can_be_cancelled() {
    let mut m = file_message("up1", Direction::Out, TransferState::Queued);
    m.body = String::new();
    m.state = MessageState::Queued;
    if let Some(f) = m.file.as_mut() {
        f.url = None;
    }
    let mut h = bob_with(vec![m]);
    let mut event = transfer("up1", TransferState::Offered, 0, None);
    if let Event::Transfer {
        direction, method, ..
    } = &mut event
    {
        *direction = Direction::Out;
        *method = Some(TransferMethod::Socks5);
    }
    h.event("work", event);
    h.assert_shows(&fl!("file-offer-waiting", contact = "Bob Builder"));
    // Not yet going: no bar, no way named.
    assert!(!h.has_id(ids::file_progress("up1")));
    assert!(!h.shows(&format!(
        "{} · application/pdf · {}",
        size_text(3 * 1024 * 1024),
        fl!("file-direct")
    )));
    assert!(!h.has_id(ids::file_accept("up1")));
    let _ = h.click(ids::file_cancel("up1"));
    assert_eq!(
        h.commands("work"),
        [AccountRequest::CancelTransfer { id: "up1".into() }]
    );
}

#[test]
fn an_offer_notifies_once_with_its_size_and_a_strangers_address() {
    use crate::ui::model::Account;
    use crate::ui::update::{notice_for, offer_notice};
    let mut h = bob_with(vec![]);
    let offer = |with: &str, contact: bool| crate::ui::files::Offer {
        with: with.into(),
        name: "Schulungsvideo.mp4".into(),
        size: 1_288_490_189,
        contact,
    };
    fn live(h: &Harness) -> &crate::ui::model::LiveAccount {
        match h.app.accounts.first() {
            Some(Account::Ok(a)) => a,
            _ => panic!("no account"),
        }
    }
    let carol = "carol@work.example";
    let n = offer_notice(live(&h), h.app.chat.as_ref(), true, &offer(carol, true))
        .expect("a contact's offer notifies");
    assert_eq!(n.title, "Carol");
    assert_eq!(
        n.body,
        fl!(
            "notify-file-offer",
            name = "Schulungsvideo.mp4",
            size = size_text(1_288_490_189)
        )
    );
    let stranger = "mallory@elsewhere.example";
    let n = offer_notice(live(&h), None, true, &offer(stranger, false)).expect("a stranger's");
    assert_eq!(n.title, stranger);
    assert_eq!(
        n.body,
        fl!(
            "notify-file-offer-stranger",
            name = "Schulungsvideo.mp4",
            size = size_text(1_288_490_189)
        )
    );
    // The message itself does not notify: its offer event does.
    let mut m = offered("o1");
    m.with = carol.into();
    assert!(notice_for(live(&h), h.app.chat.as_ref(), true, &m).is_none());
    // The account's switch counts.
    if let Some(Account::Ok(a)) = h.app.accounts.first_mut() {
        a.config.switches.notifications = false;
    }
    assert!(offer_notice(live(&h), None, true, &offer(carol, true)).is_none());
    if let Some(Account::Ok(a)) = h.app.accounts.first_mut() {
        a.config.switches.notifications = true;
    }

    // As the actor sends them: the message, then the offer.
    h.message("work", m);
    assert!(h.app.notifying.is_empty());
    h.event(
        "work",
        Event::FileOffer {
            account: "work".into(),
            id: "o1".into(),
            with: carol.into(),
            from: format!("{carol}/phone"),
            name: "Schulungsvideo.mp4".into(),
            size: 1_288_490_189,
            media_type: Some("video/mp4".into()),
            contact: true,
        },
    );
    assert!(
        h.app
            .notifying
            .contains(&("work".to_owned(), carol.to_owned()))
    );
}
