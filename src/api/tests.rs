//! The wire format of [`Command`]: the split into app commands and account
//! requests must not change a byte of the JSON (README "Headless protocol").
//! The expectations were recorded with the single `Command` enum before the
//! split.

use super::*;

/// One line per command form, and how it serialises again (defaults filled
/// in, the password never written).
const WIRE: &[(&str, &str)] = &[
    (r#"{"cmd":"accounts"}"#, r#"{"cmd":"accounts"}"#),
    (
        r##"{"cmd":"add_account","id":"work","jid":"alice@example.org","password":"secret","label":"Work","color":"#3b82f6","host":"xmpp.example.org","port":5222,"tls":"starttls","ca_file":"/etc/ssl/company-ca.pem"}"##,
        r##"{"cmd":"add_account","id":"work","jid":"alice@example.org","label":"Work","color":"#3b82f6","host":"xmpp.example.org","port":5222,"tls":"starttls","ca_file":"/etc/ssl/company-ca.pem"}"##,
    ),
    (
        r#"{"cmd":"remove_account","account":"private"}"#,
        r#"{"cmd":"remove_account","account":"private"}"#,
    ),
    (
        r#"{"cmd":"registration_form","id":"new","jid":"a@b.example"}"#,
        r#"{"cmd":"registration_form","id":"new","jid":"a@b.example","tls":"starttls"}"#,
    ),
    (
        r#"{"cmd":"register_account","id":"new","jid":"a@b.example","password":"pw","fields":{"email":"a@c.example"}}"#,
        r#"{"cmd":"register_account","id":"new","jid":"a@b.example","tls":"starttls","fields":{"email":"a@c.example"}}"#,
    ),
    (
        r#"{"cmd":"change_password","account":"work","password":"n3w"}"#,
        r#"{"cmd":"change_password","account":"work","password":"n3w"}"#,
    ),
    (
        r#"{"cmd":"update_account","account":"work","label":null,"enabled":false,"port":5223}"#,
        r#"{"cmd":"update_account","account":"work","label":null,"enabled":false,"port":5223}"#,
    ),
    (
        r#"{"cmd":"pin_cert","account":"work","fingerprint":"AB:CD"}"#,
        r#"{"cmd":"pin_cert","account":"work","fingerprint":"AB:CD"}"#,
    ),
    (
        r#"{"cmd":"reorder_accounts","order":["b","a"]}"#,
        r#"{"cmd":"reorder_accounts","order":["b","a"]}"#,
    ),
    (
        r#"{"cmd":"send","account":"work","to":"bob@example.org","body":"Hallo Bob","ref":"r1"}"#,
        r#"{"cmd":"send","account":"work","to":"bob@example.org","body":"Hallo Bob","ref":"r1"}"#,
    ),
    (
        r#"{"cmd":"send","account":"work","to":"bob@example.org","body":"yes","reply_to":"m1"}"#,
        r#"{"cmd":"send","account":"work","to":"bob@example.org","body":"yes","reply_to":"m1"}"#,
    ),
    (
        r#"{"cmd":"send_file","account":"work","to":"bob@example.org","path":"/tmp/a.txt","ref":"f"}"#,
        r#"{"cmd":"send_file","account":"work","to":"bob@example.org","path":"/tmp/a.txt","ref":"f"}"#,
    ),
    (
        r#"{"cmd":"cancel_transfer","account":"work","id":"m1"}"#,
        r#"{"cmd":"cancel_transfer","account":"work","id":"m1"}"#,
    ),
    (
        r#"{"cmd":"export","account":"work","with":"bob@example.org","format":"html","path":"/tmp/bob.html"}"#,
        r#"{"cmd":"export","account":"work","with":"bob@example.org","format":"html","path":"/tmp/bob.html"}"#,
    ),
    (
        r#"{"cmd":"backup","path":"/tmp/plausch.backup","include_files":true}"#,
        r#"{"cmd":"backup","path":"/tmp/plausch.backup","include_files":true}"#,
    ),
    (
        r#"{"cmd":"delete_message","account":"work","id":"m1"}"#,
        r#"{"cmd":"delete_message","account":"work","id":"m1"}"#,
    ),
    (
        r#"{"cmd":"delete_conversation","account":"work","with":"bob@example.org"}"#,
        r#"{"cmd":"delete_conversation","account":"work","with":"bob@example.org"}"#,
    ),
    (
        r#"{"cmd":"accept_file","account":"work","id":"m2"}"#,
        r#"{"cmd":"accept_file","account":"work","id":"m2"}"#,
    ),
    (
        r#"{"cmd":"decline_file","account":"work","id":"m2"}"#,
        r#"{"cmd":"decline_file","account":"work","id":"m2"}"#,
    ),
    (
        r#"{"cmd":"download","account":"work","id":"m1"}"#,
        r#"{"cmd":"download","account":"work","id":"m1"}"#,
    ),
    (
        r#"{"cmd":"correct","account":"work","id":"m1","body":"fixed"}"#,
        r#"{"cmd":"correct","account":"work","id":"m1","body":"fixed"}"#,
    ),
    (
        r#"{"cmd":"retract","account":"work","id":"m1"}"#,
        r#"{"cmd":"retract","account":"work","id":"m1"}"#,
    ),
    (
        r#"{"cmd":"react","account":"work","id":"m1","emojis":["👍"]}"#,
        r#"{"cmd":"react","account":"work","id":"m1","emojis":["👍"]}"#,
    ),
    (
        r#"{"cmd":"add_contact","account":"work","jid":"bob@example.org"}"#,
        r#"{"cmd":"add_contact","account":"work","jid":"bob@example.org","preapprove":false}"#,
    ),
    (
        r#"{"cmd":"add_contact","account":"work","jid":"bob@example.org","name":"Bob","groups":["x"],"preapprove":true}"#,
        r#"{"cmd":"add_contact","account":"work","jid":"bob@example.org","name":"Bob","groups":["x"],"preapprove":true}"#,
    ),
    (
        r#"{"cmd":"update_contact","account":"work","jid":"bob@example.org"}"#,
        r#"{"cmd":"update_contact","account":"work","jid":"bob@example.org","groups":[]}"#,
    ),
    (
        r#"{"cmd":"remove_contact","account":"work","jid":"bob@example.org"}"#,
        r#"{"cmd":"remove_contact","account":"work","jid":"bob@example.org"}"#,
    ),
    (
        r#"{"cmd":"answer_subscription","account":"work","jid":"bob@example.org","accept":true}"#,
        r#"{"cmd":"answer_subscription","account":"work","jid":"bob@example.org","accept":true}"#,
    ),
    (
        r#"{"cmd":"block","account":"work","jid":"spam@example.org"}"#,
        r#"{"cmd":"block","account":"work","jid":"spam@example.org"}"#,
    ),
    (
        r#"{"cmd":"unblock","account":"work","jid":"spam@example.org"}"#,
        r#"{"cmd":"unblock","account":"work","jid":"spam@example.org"}"#,
    ),
    (
        r#"{"cmd":"blocklist","account":"work"}"#,
        r#"{"cmd":"blocklist","account":"work"}"#,
    ),
    (
        r#"{"cmd":"set_presence","account":"work","presence":"away","status":"lunch","idle_since":"2026-01-02T03:04:05Z"}"#,
        r#"{"cmd":"set_presence","account":"work","presence":"away","status":"lunch","idle_since":"2026-01-02T03:04:05Z"}"#,
    ),
    (
        r#"{"cmd":"set_presence","presence":"dnd"}"#,
        r#"{"cmd":"set_presence","presence":"dnd"}"#,
    ),
    (
        r#"{"cmd":"set_avatar","account":"work","path":"/tmp/me.png"}"#,
        r#"{"cmd":"set_avatar","account":"work","path":"/tmp/me.png"}"#,
    ),
    (
        r#"{"cmd":"set_avatar","account":"work"}"#,
        r#"{"cmd":"set_avatar","account":"work"}"#,
    ),
    (
        r#"{"cmd":"profile","account":"work","jid":"bob@example.org"}"#,
        r#"{"cmd":"profile","account":"work","jid":"bob@example.org"}"#,
    ),
    (
        r#"{"cmd":"set_profile","account":"work","nick":"Al","vcard":{"full_name":"Alice","emails":["a@x"]}}"#,
        r#"{"cmd":"set_profile","account":"work","nick":"Al","vcard":{"full_name":"Alice","emails":["a@x"]}}"#,
    ),
    (
        r#"{"cmd":"set_profile","account":"work"}"#,
        r#"{"cmd":"set_profile","account":"work","vcard":{}}"#,
    ),
    (
        r#"{"cmd":"mute_conversation","account":"work","with":"bob@example.org","muted":true}"#,
        r#"{"cmd":"mute_conversation","account":"work","with":"bob@example.org","muted":true}"#,
    ),
    (
        r#"{"cmd":"history","account":"work","with":"bob@example.org"}"#,
        r#"{"cmd":"history","account":"work","with":"bob@example.org","limit":50}"#,
    ),
    (
        r#"{"cmd":"history","account":"work","with":"bob@example.org","limit":50,"before":117}"#,
        r#"{"cmd":"history","account":"work","with":"bob@example.org","limit":50,"before":117}"#,
    ),
    (
        r#"{"cmd":"history","account":"work","with":"bob@example.org","limit":5,"after":3}"#,
        r#"{"cmd":"history","account":"work","with":"bob@example.org","limit":5,"after":3}"#,
    ),
    (
        r#"{"cmd":"search","account":"work","query":"hallo"}"#,
        r#"{"cmd":"search","account":"work","query":"hallo","limit":50}"#,
    ),
    (
        r#"{"cmd":"roster","account":"work"}"#,
        r#"{"cmd":"roster","account":"work"}"#,
    ),
    (
        r#"{"cmd":"conversations","account":"work"}"#,
        r#"{"cmd":"conversations","account":"work"}"#,
    ),
    (
        r#"{"cmd":"mark_read","account":"work","with":"bob@example.org"}"#,
        r#"{"cmd":"mark_read","account":"work","with":"bob@example.org"}"#,
    ),
    (
        r#"{"cmd":"reconnect","account":"work"}"#,
        r#"{"cmd":"reconnect","account":"work"}"#,
    ),
    (
        r#"{"cmd":"chat_state","account":"work","with":"bob@example.org","state":"composing"}"#,
        r#"{"cmd":"chat_state","account":"work","with":"bob@example.org","state":"composing"}"#,
    ),
    (
        r#"{"cmd":"retry","account":"work","id":"m1"}"#,
        r#"{"cmd":"retry","account":"work","id":"m1"}"#,
    ),
    (
        r#"{"cmd":"console","account":"work","enabled":true}"#,
        r#"{"cmd":"console","account":"work","enabled":true}"#,
    ),
    (
        r#"{"cmd":"send_raw","account":"work","xml":"<presence/>"}"#,
        r#"{"cmd":"send_raw","account":"work","xml":"<presence/>"}"#,
    ),
    (
        r#"{"cmd":"server_info","account":"work"}"#,
        r#"{"cmd":"server_info","account":"work"}"#,
    ),
    (
        r#"{"cmd":"client_state","active":false}"#,
        r#"{"cmd":"client_state","active":false}"#,
    ),
    (
        r#"{"cmd":"join_room","account":"work","room":"r@muc.example"}"#,
        r#"{"cmd":"join_room","account":"work","room":"r@muc.example"}"#,
    ),
    (
        r#"{"cmd":"join_room","account":"work","room":"r@muc.example","nick":"al"}"#,
        r#"{"cmd":"join_room","account":"work","room":"r@muc.example","nick":"al"}"#,
    ),
    (
        r#"{"cmd":"leave_room","account":"work","room":"r@muc.example"}"#,
        r#"{"cmd":"leave_room","account":"work","room":"r@muc.example"}"#,
    ),
    (
        r#"{"cmd":"set_subject","account":"work","room":"r@muc.example","subject":"s"}"#,
        r#"{"cmd":"set_subject","account":"work","room":"r@muc.example","subject":"s"}"#,
    ),
    (
        r#"{"cmd":"create_room","account":"work","room":"r@muc.example","name":"R","nick":"al","members":["b@x"]}"#,
        r#"{"cmd":"create_room","account":"work","room":"r@muc.example","name":"R","nick":"al","members":["b@x"]}"#,
    ),
    (
        r#"{"cmd":"set_affiliation","account":"work","room":"r@muc.example","jid":"b@x","affiliation":"outcast","reason":"spam"}"#,
        r#"{"cmd":"set_affiliation","account":"work","room":"r@muc.example","jid":"b@x","affiliation":"outcast","reason":"spam"}"#,
    ),
    (
        r#"{"cmd":"set_role","account":"work","room":"r@muc.example","nick":"bo","role":"none"}"#,
        r#"{"cmd":"set_role","account":"work","room":"r@muc.example","nick":"bo","role":"none"}"#,
    ),
    (
        r#"{"cmd":"invite","account":"work","room":"r@muc.example","jid":"b@x","reason":"come"}"#,
        r#"{"cmd":"invite","account":"work","room":"r@muc.example","jid":"b@x","reason":"come"}"#,
    ),
    (
        r#"{"cmd":"destroy_room","account":"work","room":"r@muc.example"}"#,
        r#"{"cmd":"destroy_room","account":"work","room":"r@muc.example"}"#,
    ),
    (
        r#"{"cmd":"room_notify","account":"work","room":"r@muc.example","mode":"all"}"#,
        r#"{"cmd":"room_notify","account":"work","room":"r@muc.example","mode":"all"}"#,
    ),
    (
        r#"{"cmd":"rooms","account":"work"}"#,
        r#"{"cmd":"rooms","account":"work"}"#,
    ),
    (
        r#"{"cmd":"occupants","account":"work","room":"r@muc.example"}"#,
        r#"{"cmd":"occupants","account":"work","room":"r@muc.example"}"#,
    ),
    (
        r#"{"cmd":"room_members","account":"work","room":"r@muc.example"}"#,
        r#"{"cmd":"room_members","account":"work","room":"r@muc.example"}"#,
    ),
    (
        r#"{"cmd":"moderate","account":"work","id":"m1","reason":"spam"}"#,
        r#"{"cmd":"moderate","account":"work","id":"m1","reason":"spam"}"#,
    ),
    (
        r#"{"cmd":"devices","account":"work","jid":"bob@example.org"}"#,
        r#"{"cmd":"devices","account":"work","jid":"bob@example.org"}"#,
    ),
    (
        r#"{"cmd":"omemo_remove_device","account":"work","device":31415}"#,
        r#"{"cmd":"omemo_remove_device","account":"work","device":31415}"#,
    ),
    (
        r#"{"cmd":"omemo_reset_session","account":"work","jid":"b@x","device":31415}"#,
        r#"{"cmd":"omemo_reset_session","account":"work","jid":"b@x","device":31415}"#,
    ),
    (
        r#"{"cmd":"trust_device","account":"work","jid":"bob@example.org","device":7,"trust":"verified"}"#,
        r#"{"cmd":"trust_device","account":"work","jid":"bob@example.org","device":7,"trust":"verified"}"#,
    ),
    (
        r#"{"cmd":"trust_device","account":"work","jid":"bob@example.org","device":7,"trust":"blind","version":"omemo2"}"#,
        r#"{"cmd":"trust_device","account":"work","jid":"bob@example.org","device":7,"trust":"blind","version":"omemo2"}"#,
    ),
    (
        r#"{"cmd":"verify_uri","account":"work","uri":"xmpp:bob@example.org?omemo-sid-7=00"}"#,
        r#"{"cmd":"verify_uri","account":"work","uri":"xmpp:bob@example.org?omemo-sid-7=00"}"#,
    ),
    (
        r#"{"cmd":"encryption","account":"work","with":"bob@example.org","enabled":true}"#,
        r#"{"cmd":"encryption","account":"work","with":"bob@example.org","enabled":true}"#,
    ),
    (
        r#"{"cmd":"encryption","account":"work","with":"bob@example.org"}"#,
        r#"{"cmd":"encryption","account":"work","with":"bob@example.org"}"#,
    ),
    (r#"{"cmd":"quit"}"#, r#"{"cmd":"quit"}"#),
];

/// Bad lines and the error each gives (before the split, errors about the
/// tag itself also said where in the line they were).
const BAD: &[(&str, &str)] = &[
    (
        r#"{"cmd":"send","to":"x@y","body":"b"}"#,
        r#"missing field `account`"#,
    ),
    (
        r#"{"cmd":"send","account":"work","to":"x@y"}"#,
        r#"missing field `body`"#,
    ),
    (
        r#"{"cmd":"history","account":"work"}"#,
        r#"missing field `with`"#,
    ),
    (
        r#"{"cmd":"send","account":5,"to":"x@y","body":"b"}"#,
        r#"invalid type: integer `5`, expected a string"#,
    ),
    (
        r#"{"cmd":"set_presence","account":"work"}"#,
        r#"missing field `presence`"#,
    ),
    (r#"{"cmd":"set_presence"}"#, r#"missing field `presence`"#),
    (
        r#"{"cmd":"trust_device","account":"work","jid":"b@x","device":7,"trust":"undecided"}"#,
        r#"unknown variant `undecided`, expected one of `verified`, `untrusted`, `blind`"#,
    ),
    (r#"{"cmd":"roster"}"#, r#"missing field `account`"#),
    (r#"{"cmd":"client_state"}"#, r#"missing field `active`"#),
    (
        r#"{"cmd":"history","account":"work","with":"b","limit":-1}"#,
        r#"invalid value: integer `-1`, expected u32"#,
    ),
    (r#"{"to":"x"}"#, r#"missing field `cmd`"#),
    (
        r#"[1,2,3]"#,
        r#"invalid type: integer `1`, expected variant identifier"#,
    ),
    (
        r#""send""#,
        r#"invalid type: string "send", expected internally tagged enum Command"#,
    ),
    (
        r#"{"cmd":5}"#,
        r#"invalid type: integer `5`, expected variant identifier"#,
    ),
];

fn parse(line: &str) -> Command {
    serde_json::from_str(line).unwrap_or_else(|e| panic!("{line}: {e}"))
}

#[test]
fn every_command_reads_and_writes_as_before() {
    for (line, written) in WIRE {
        let cmd = parse(line);
        let got = serde_json::to_value(&cmd).unwrap_or_else(|e| panic!("{line}: {e}"));
        let want: serde_json::Value = serde_json::from_str(written).unwrap();
        assert_eq!(got, want, "{line}");
        // What is written reads back the same (passwords are not written).
        if !line.contains("password") {
            assert_eq!(
                serde_json::from_value::<Command>(got).ok(),
                Some(cmd),
                "{line}"
            );
        }
    }
}

#[test]
fn bad_lines_give_the_errors_they_gave() {
    for (line, message) in BAD {
        let e = serde_json::from_str::<Command>(line)
            .expect_err(line)
            .to_string();
        let e = e.split(" at line ").next().unwrap_or_default();
        assert_eq!(e, *message, "{line}");
    }
}

#[test]
fn an_unknown_command_lists_every_command() {
    let e = serde_json::from_str::<Command>(r#"{"cmd":"no_such_command"}"#)
        .expect_err("unknown")
        .to_string();
    assert!(
        e.starts_with("unknown variant `no_such_command`, expected one of"),
        "{e}"
    );
    let names: Vec<_> = WIRE
        .iter()
        .filter_map(|(line, _)| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter_map(|v| v["cmd"].as_str().map(|s| format!("`{s}`")))
        .collect();
    for name in &names {
        assert!(e.contains(name.as_str()), "{name} missing in: {e}");
    }
    assert_eq!(e.matches('`').count() / 2 - 1, 66, "{e}");
}

#[test]
fn requests_are_addressed_to_one_account_or_to_all() {
    assert_eq!(
        parse(r#"{"cmd":"roster","account":"work"}"#),
        Command::Account {
            account: "work".into(),
            request: AccountRequest::Roster
        }
    );
    assert_eq!(
        parse(r#"{"cmd":"set_presence","presence":"away"}"#),
        Command::EveryAccount(AccountRequest::SetPresence(OwnPresence {
            presence: Availability::Away,
            ..OwnPresence::default()
        }))
    );
    // client_state is for all accounts; an `account` was always ignored.
    assert_eq!(
        parse(r#"{"cmd":"client_state","account":"work","active":true}"#),
        Command::EveryAccount(AccountRequest::ClientState { active: true })
    );
    assert_eq!(parse(r#"{"cmd":"quit"}"#), Command::App(AppCommand::Quit));
    assert_eq!(
        parse(r#"{"cmd":"pin_cert","account":"work","fingerprint":"AB"}"#).account(),
        Some("work")
    );
}

#[test]
fn problem_codes_are_their_serde_names_and_unique() {
    let mut seen = std::collections::HashSet::new();
    for p in Problem::ALL {
        assert_eq!(
            serde_json::to_value(p).ok(),
            Some(serde_json::Value::from(p.code()))
        );
        assert_eq!(Problem::from_code(p.code()), Some(p));
        assert!(seen.insert(p.code()), "{p:?} twice");
        assert!(p.sentence().ends_with('.'));
    }
    assert_eq!(Problem::from_code("from_a_newer_core"), None);
}

#[test]
fn an_update_keeps_what_is_absent_and_clears_what_is_null() {
    let update: AccountUpdate =
        serde_json::from_str(r#"{"account":"a","label":null,"port":5223}"#).unwrap();
    assert_eq!(update.label, Change::Clear);
    assert_eq!(update.port, Change::Set(5223));
    assert_eq!(update.host, Change::Keep);
    assert_eq!(
        serde_json::to_string(&update).unwrap(),
        r#"{"account":"a","label":null,"port":5223}"#
    );
}

#[test]
fn an_export_without_account_is_for_every_account_and_text_by_default() {
    assert_eq!(
        parse(r#"{"cmd":"export","path":"/tmp/all"}"#),
        Command::EveryAccount(AccountRequest::Export {
            with: None,
            format: ExportFormat::Text,
            path: "/tmp/all".into(),
        })
    );
}

#[test]
fn direct_transfer_events_read_as_documented() {
    let offer = Event::FileOffer {
        account: "work".into(),
        id: "m2".into(),
        with: "bob@example.org".into(),
        from: "bob@example.org/laptop".into(),
        name: "video.mp4".into(),
        size: 1_000_000_000,
        media_type: Some("video/mp4".into()),
        contact: false,
    };
    assert_eq!(
        serde_json::to_value(&offer).ok(),
        Some(serde_json::json!({
            "event": "file_offer", "account": "work", "id": "m2",
            "with": "bob@example.org", "from": "bob@example.org/laptop",
            "name": "video.mp4", "size": 1_000_000_000u64,
            "media_type": "video/mp4", "contact": false
        }))
    );
    let progress = Event::Transfer {
        account: "work".into(),
        id: "m2".into(),
        direction: Direction::In,
        state: TransferState::Offered,
        bytes: 0,
        total: None,
        error: None,
        method: Some(TransferMethod::Socks5),
        reference: None,
    };
    let v = serde_json::to_value(&progress).unwrap_or_default();
    assert_eq!(
        (v["state"].as_str(), v["method"].as_str()),
        (Some("offered"), Some("socks5"))
    );
    assert_eq!(
        TransferState::parse("offered"),
        Some(TransferState::Offered)
    );
}
