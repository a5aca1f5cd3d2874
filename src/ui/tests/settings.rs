//! The account settings screen and the XML console.

use super::{Harness, cert_refused, cert_untrusted, state};
use crate::accounts::{Restart, ToAccount};
use crate::api::AccountRequest;
use crate::api::{CertRefusal, ConnState, Direction, Event};
use crate::fl;
use crate::i18n::in_german;
use crate::ui::account_settings::Message as Settings;
use crate::ui::console::Message as Console;
use crate::ui::model::Account;
use crate::ui::screen::Pane;
use crate::ui::{Message, ids};

fn settings_open() -> Harness {
    let mut h = Harness::work_account(0);
    let _ = h.click(ids::settings("work"));
    assert!(h.has_id(ids::settings::SAVE), "settings screen not shown");
    // It asks for our OMEMO devices (shown in the encryption section).
    assert_eq!(
        h.commands("work"),
        [AccountRequest::Devices {
            jid: "me@work.example".into()
        }]
    );
    h
}

/// Presses a button of the settings screen that may be scrolled out of view
/// in the 720 px high test window: it must exist; its message is applied.
fn press(h: &mut Harness, id: &str, message: Settings) {
    assert!(h.has_id(id), "no {id} on the settings screen");
    h.update(Message::Settings(message));
}

fn generation(h: &Harness) -> u64 {
    h.app
        .accounts
        .iter()
        .find_map(|a| match a {
            Account::Ok(l) if l.config.id == "work" => Some(l.generation),
            _ => None,
        })
        .unwrap_or(u64::MAX)
}

#[test]
fn the_gear_opens_settings_and_a_contact_closes_them() {
    let mut h = settings_open();
    h.assert_shows(&fl!("settings-title", account = "Work"));
    let _ = h.click(ids::contact("work", "bob@work.example"));
    assert!(!h.has_id(ids::settings::SAVE));
}

#[test]
fn saving_connection_changes_restarts_the_account_and_a_rename_does_not() {
    let mut h = settings_open();
    let mut config = h.app.config.account("work").cloned().unwrap();
    config.label = Some("Büro".into());
    h.update(Message::Settings(Settings::Saved(Ok((
        Box::new(config.clone()),
        Restart::No,
    )))));
    assert_eq!(generation(&h), 0);
    // The running actor just gets the new settings (privacy switches).
    assert!(matches!(
        &h.messages("work")[..],
        [ToAccount::Reconfigure(c)] if c.label.as_deref() == Some("Büro")
    ));
    assert!(h.has_id(ids::settings::SEND_RECEIPTS));
    h.assert_shows(&fl!("settings-saved"));
    assert_eq!(
        h.app
            .config
            .account("work")
            .and_then(|a| a.label.clone())
            .as_deref(),
        Some("Büro")
    );

    config.port = Some(5223);
    h.update(Message::Settings(Settings::Saved(Ok((
        Box::new(config),
        Restart::Yes,
    )))));
    assert_eq!(generation(&h), 1, "a new subscription generation");
    assert_eq!(h.messages("work"), [ToAccount::Shutdown]);
}

#[test]
fn an_untrusted_certificate_can_be_trusted_explicitly() {
    let mut h = settings_open();
    assert!(!h.has_id(ids::settings::TRUST_CERT), "nothing to trust yet");
    h.event("work", cert_untrusted("work", "unknown issuer", "AB:CD:EF"));
    h.assert_shows(&fl!("cert-untrusted-title"));
    h.assert_shows("AB:CD:EF");
    let messages = h.interact(|ui| {
        let _ = ui.click(iced_test::selector::id(ids::settings::TRUST_CERT));
    });
    assert!(matches!(
        &messages[..],
        [Message::Settings(Settings::TrustCertificate(fp))] if fp == "AB:CD:EF"
    ));
}

#[test]
fn the_certificate_box_gives_the_reason_in_german() {
    in_german(|| {
        let mut h = settings_open();
        h.event(
            "work",
            cert_refused("work", CertRefusal::Expired, "AB:CD:EF"),
        );
        h.assert_shows("Dem Zertifikat des Servers wird nicht vertraut");
        h.assert_shows("Grund");
        h.assert_shows("es ist abgelaufen");
        assert!(!h.shows(CertRefusal::Expired.reason()));
    });
}

#[test]
fn password_change_and_server_info_go_to_the_actor() {
    let mut h = settings_open();
    assert!(h.has_id(ids::settings::NEW_PASSWORD));
    h.update(Message::Settings(Settings::NewPassword("s3cret!".into())));
    press(
        &mut h,
        ids::settings::CHANGE_PASSWORD,
        Settings::ChangePassword,
    );
    press(&mut h, ids::settings::SERVER_INFO, Settings::ServerInfo);
    assert_eq!(
        h.commands("work"),
        [
            AccountRequest::ChangePassword {
                password: "s3cret!".into()
            },
            AccountRequest::ServerInfo
        ]
    );
    // The typed password does not stay on screen.
    assert!(!h.shows("s3cret!"));
}

#[test]
fn removing_asks_first() {
    let mut h = settings_open();
    assert!(!h.has_id(ids::settings::REMOVE_CONFIRM));
    press(&mut h, ids::settings::REMOVE, Settings::AskRemove);
    h.assert_shows(&fl!("settings-remove-confirm", account = "Work"));
    assert!(h.has_id(ids::settings::REMOVE_CONFIRM));
    // The removal itself ran (a task); its result takes the account away.
    h.update(Message::Settings(Settings::Removed(Ok(()))));
    assert!(h.app.accounts.is_empty());
    assert!(!matches!(h.app.pane, Pane::Settings(_)));
    assert!(h.app.config.account("work").is_none());
}

#[test]
fn the_console_is_opened_filtered_used_and_closed() {
    let mut h = settings_open();
    press(&mut h, ids::settings::CONSOLE, Settings::OpenConsole);
    assert_eq!(
        h.commands("work"),
        [AccountRequest::Console { enabled: true }]
    );
    for (direction, xml) in [
        (
            Direction::Out,
            "<message to='bob'><body>hallo</body></message>",
        ),
        (Direction::In, "<presence from='carol'/>"),
    ] {
        h.event(
            "work",
            Event::Console {
                account: "work".into(),
                direction,
                xml: xml.into(),
            },
        );
    }
    h.assert_shows("<presence from='carol'/>");
    h.update(Message::Console(Console::Filter("hallo".into())));
    assert!(!h.shows("<presence from='carol'/>"));
    h.update(Message::Console(Console::Raw("<presence/>".into())));
    let _ = h.click(ids::console::SEND);
    assert_eq!(
        h.commands("work"),
        [AccountRequest::SendRaw {
            xml: "<presence/>".into()
        }]
    );
    let _ = h.click(ids::console::CLOSE);
    assert_eq!(
        h.commands("work"),
        [AccountRequest::Console { enabled: false }]
    );
    assert!(!matches!(h.app.pane, Pane::Console(_)));
    // Still connected meanwhile.
    h.event("work", state("work", ConnState::Online));
}

#[test]
fn the_file_settings_are_on_the_screen() {
    let h = settings_open();
    for id in [
        ids::settings::AUTO_DOWNLOAD,
        ids::settings::AUTO_DOWNLOAD_MAX,
        ids::settings::DOWNLOAD_DIR,
        ids::settings::DIRECT_FIRST,
    ] {
        assert!(h.has_id(id), "no {id}");
    }
    h.assert_shows("5");
    h.assert_shows(&fl!("settings-direct-first-help"));
}

#[test]
fn the_direct_transfer_switch_goes_into_the_update() {
    let mut h = settings_open();
    let form = |h: &Harness| match &h.app.pane {
        Pane::Settings(s) => s.to_update().unwrap_or_else(|e| panic!("{e}")),
        _ => panic!("settings closed"),
    };
    assert_eq!(form(&h).direct_transfer_first, Some(false));
    // Below the 720 px of the test window: scrolled to, then clicked.
    let messages = h.run(|ui| {
        ui.point_at((700.0, 400.0));
        let _ = ui.simulate([iced::Event::Mouse(iced::mouse::Event::WheelScrolled {
            delta: iced::mouse::ScrollDelta::Pixels { x: 0.0, y: -400.0 },
        })]);
        ui.click(iced_test::selector::id(ids::settings::DIRECT_FIRST))
            .expect("the switch, scrolled into view");
    });
    assert!(matches!(
        &messages[..],
        [Message::Settings(Settings::DirectFirst(true))]
    ));
    assert_eq!(form(&h).direct_transfer_first, Some(true));
    // Nothing reaches the actor before Save (which writes the config).
    assert!(h.messages("work").is_empty());
}

#[test]
fn a_pane_opened_over_the_console_closes_it_at_the_actor() {
    let mut h = settings_open();
    press(&mut h, ids::settings::CONSOLE, Settings::OpenConsole);
    let _ = h.commands("work");
    h.update(Message::ShowDetails(
        "work".into(),
        "bob@work.example".into(),
    ));
    // One pane at a time: the console is gone, and the actor stops
    // serializing stanzas for it.
    assert!(matches!(h.app.pane, Pane::Details(_)));
    assert!(
        h.commands("work")
            .contains(&AccountRequest::Console { enabled: false })
    );
    assert!(!h.has_id(ids::console::SEND));
}
