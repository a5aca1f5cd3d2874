//! The add-account dialog.

use iced::keyboard::key::Named;
use iced_test::selector;

use super::{Harness, account};
use crate::fl;
use crate::ui::add_account::Message as Dialog;
use crate::ui::model::Account;
use crate::ui::{Message, ids};

/// Clicks the dialog field `id` and types `text` into it.
fn type_into(ui: &mut iced_test::Simulator<'_, Message>, id: &'static str, text: &str) {
    ui.click(selector::id(id))
        .unwrap_or_else(|e| panic!("cannot click {id}: {e}"));
    let _ = ui.typewrite(text);
}

fn open_dialog(h: &mut Harness) {
    assert!(!h.has_id(ids::dialog::SUBMIT), "dialog open too early");
    let messages = h.click(ids::ADD_ACCOUNT);
    assert!(matches!(messages[..], [Message::ShowAddAccount]));
    assert!(h.has_id(ids::dialog::SUBMIT));
    h.assert_shows(&fl!("dialog-title"));
}

fn dialog_messages(messages: &[Message]) -> Vec<&Dialog> {
    messages
        .iter()
        .map(|m| match m {
            Message::Dialog(d) => d,
            other => panic!("not a dialog message: {other:?}"),
        })
        .collect()
}

#[test]
fn welcome_button_opens_dialog_without_accounts() {
    let mut h = Harness::empty();
    h.assert_shows(&fl!("welcome-no-accounts"));
    let messages = h.click(ids::WELCOME_ADD_ACCOUNT);
    assert!(matches!(messages[..], [Message::ShowAddAccount]));
    assert!(h.has_id(ids::dialog::JID));
}

#[test]
fn empty_form_shows_an_error_and_adds_nothing() {
    let mut h = Harness::empty();
    open_dialog(&mut h);
    let messages = h.click(ids::dialog::SUBMIT);
    assert!(matches!(dialog_messages(&messages)[..], [Dialog::Submit]));
    // Nothing typed: the address (first field checked) is missing.
    h.assert_shows(&fl!("error-invalid-jid"));
    assert!(h.has_id(ids::dialog::SUBMIT), "the dialog stays open");
    assert!(h.app.accounts.is_empty());
    assert!(h.app.config.accounts.is_empty());
}

#[test]
fn invalid_jid_shows_the_jid_error_and_adds_nothing() {
    let mut h = Harness::empty();
    open_dialog(&mut h);
    let messages = h.run(|ui| {
        type_into(ui, ids::dialog::JID, "alice");
        type_into(ui, ids::dialog::PASSWORD, "secret");
        type_into(ui, ids::dialog::ID, "work");
        // Enter in a field submits.
        let _ = ui.tap_key(Named::Enter);
    });
    let dialog = dialog_messages(&messages);
    assert!(matches!(dialog.last(), Some(Dialog::Submit)), "{dialog:?}");
    assert!(
        dialog
            .iter()
            .any(|m| matches!(m, Dialog::Jid(j) if j == "alice"))
    );
    assert!(
        dialog
            .iter()
            .any(|m| matches!(m, Dialog::Password(p) if p == "secret"))
    );
    h.assert_shows(&fl!("error-invalid-jid"));
    assert_eq!(h.texts_in(ids::dialog::SUBMIT), [fl!("dialog-add")]);
    assert!(h.app.accounts.is_empty());

    // Fixing the JID and submitting again clears the error.
    let messages = h.run(|ui| {
        type_into(ui, ids::dialog::JID, "@work.example");
        ui.click(selector::id(ids::dialog::SUBMIT)).unwrap();
    });
    assert!(matches!(
        messages.last(),
        Some(Message::Dialog(Dialog::Submit))
    ));
    assert!(!h.shows(&fl!("error-invalid-jid")));
    assert_eq!(h.texts_in(ids::dialog::SUBMIT), [fl!("dialog-adding")]);
}

#[test]
fn valid_input_starts_adding_and_done_adds_the_account() {
    let mut h = Harness::empty();
    open_dialog(&mut h);
    let messages = h.run(|ui| {
        type_into(ui, ids::dialog::JID, "alice@work.example");
        type_into(ui, ids::dialog::PASSWORD, "secret");
        ui.click(selector::id(ids::dialog::SUBMIT)).unwrap();
    });
    let dialog = dialog_messages(&messages);
    assert!(matches!(dialog.last(), Some(Dialog::Submit)), "{dialog:?}");
    // The id was suggested from the JID's domain; the input is valid, so
    // `Submit` started the add task: the button says "Adding…" and is
    // disabled, no error is shown.
    h.assert_shows("work");
    assert_eq!(h.texts_in(ids::dialog::SUBMIT), [fl!("dialog-adding")]);
    for e in [fl!("error-invalid-id"), fl!("error-invalid-jid")] {
        assert!(!h.shows(&e));
    }
    let again = h.click(ids::dialog::SUBMIT);
    assert!(again.is_empty(), "a busy dialog ignores clicks: {again:?}");
    assert!(
        h.app.accounts.is_empty(),
        "added only when the task is done"
    );

    // What the add task answers on success.
    let added = account("work", "alice@work.example", None);
    h.update(Message::Dialog(Dialog::Done(Ok(Box::new(added)))));
    assert!(!h.has_id(ids::dialog::SUBMIT), "the dialog closed");
    assert!(matches!(&h.app.accounts[..], [Account::Ok(a)] if a.config.id == "work"));
    assert_eq!(h.app.config.accounts.len(), 1);
    h.assert_shows("alice@work.example");
}

#[test]
fn failed_add_shows_the_error_and_cancel_closes() {
    let mut h = Harness::empty();
    open_dialog(&mut h);
    let _ = h.run(|ui| {
        type_into(ui, ids::dialog::JID, "alice@work.example");
        type_into(ui, ids::dialog::PASSWORD, "secret");
        ui.click(selector::id(ids::dialog::SUBMIT)).unwrap();
    });
    h.update(Message::Dialog(Dialog::Done(Err("keyring locked".into()))));
    h.assert_shows("keyring locked");
    assert_eq!(h.texts_in(ids::dialog::SUBMIT), [fl!("dialog-add")]);
    assert!(h.app.accounts.is_empty());

    let messages = h.click(ids::dialog::CANCEL);
    assert!(matches!(dialog_messages(&messages)[..], [Dialog::Cancel]));
    assert!(!h.has_id(ids::dialog::SUBMIT));
    assert!(h.app.accounts.is_empty());
}

#[test]
fn creating_on_the_server_asks_the_servers_extra_fields() {
    use crate::api::RegistrationField;
    let mut h = Harness::empty();
    open_dialog(&mut h);
    let _ = h.click(ids::dialog::CREATE);
    h.assert_shows(&fl!("dialog-create"));
    // The server's form came back: user name and password are known, the
    // e-mail field is asked for.
    let field = |var: &str, kind: &str, label: Option<&str>| RegistrationField {
        var: var.into(),
        label: label.map(Into::into),
        kind: kind.into(),
        required: var != "email",
        ..RegistrationField::default()
    };
    h.update(Message::Dialog(Dialog::FormLoaded(Ok((
        Some("Choose a name".into()),
        vec![
            field("FORM_TYPE", "hidden", None),
            field("username", "text-single", Some("User")),
            field("password", "text-private", Some("Password")),
            field("email", "text-single", Some("E-mail")),
        ],
    )))));
    h.assert_shows("Choose a name");
    h.assert_shows("E-mail");
    assert!(h.has_id(ids::dialog::answer(0)));
    assert!(
        !h.has_id(ids::dialog::answer(1)),
        "only the extra field is asked"
    );
    let messages = h.run(|ui| {
        let id = ids::dialog::answer(0);
        ui.click(selector::id(id)).unwrap_or_else(|e| panic!("{e}"));
        let _ = ui.typewrite("me@example.org");
    });
    assert!(
        dialog_messages(&messages)
            .iter()
            .any(|m| matches!(m, Dialog::Answer(0, v) if v == "me@example.org"))
    );
}
