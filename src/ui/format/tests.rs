use chrono::{NaiveDate, TimeZone, Utc};

use super::*;
use crate::api::Direction;

fn msg(seq: i64, y: i32, m: u32, d: u32, h: u32) -> MessageRecord {
    MessageRecord {
        seq,
        id: format!("id{seq}"),
        with: "bob@example.org".into(),
        direction: Direction::In,
        sender: "bob@example.org".into(),
        body: "hi".into(),
        timestamp: Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap(),
        state: MessageState::Received,
        error: None,
        pos: seq,
        ..Default::default()
    }
}

#[test]
fn groups_by_day_with_today_and_yesterday() {
    let today = NaiveDate::from_ymd_opt(2025, 3, 14).unwrap();
    let msgs = [
        msg(1, 2025, 3, 1, 9),
        msg(2, 2025, 3, 1, 10),
        msg(3, 2025, 3, 13, 23),
        msg(4, 2025, 3, 14, 0),
        msg(5, 2025, 3, 14, 8),
    ];
    let items = group_by_day(&msgs, &Utc, today);
    assert_eq!(
        items,
        vec![
            Item::Day(Day::Date(NaiveDate::from_ymd_opt(2025, 3, 1).unwrap())),
            Item::Message(0),
            Item::Message(1),
            Item::Day(Day::Yesterday),
            Item::Message(2),
            Item::Day(Day::Today),
            Item::Message(3),
            Item::Message(4),
        ]
    );
    assert!(group_by_day(&[], &Utc, today).is_empty());
}

#[test]
fn merge_keeps_seq_order_without_duplicates() {
    let mut list = vec![msg(5, 2025, 1, 1, 1), msg(6, 2025, 1, 1, 1)];
    merge_messages(
        &mut list,
        vec![
            msg(3, 2025, 1, 1, 1),
            msg(4, 2025, 1, 1, 1),
            msg(5, 2025, 1, 1, 1),
        ],
    );
    let seqs: Vec<i64> = list.iter().map(|m| m.seq).collect();
    assert_eq!(seqs, [3, 4, 5, 6]);
    // An older message fetched later (higher seq) goes by its time.
    merge_messages(&mut list, vec![msg(9, 2024, 12, 31, 1)]);
    let seqs: Vec<i64> = list.iter().map(|m| m.seq).collect();
    assert_eq!(seqs, [9, 3, 4, 5, 6]);
}

#[test]
fn connection_texts_are_human() {
    let now = Utc::now();
    let connection_text = |c: &Connection| super::connection_text(c, now);
    let mut c = Connection::default();
    assert_eq!(connection_text(&c), "Connecting…");
    c.state = Some(ConnState::Online);
    assert_eq!(connection_text(&c), "Online");
    c.catching_up = true;
    assert_eq!(connection_text(&c), "Catching up…");
    c.state = Some(ConnState::Reconnecting);
    c.retry_in = Some(5);
    assert_eq!(connection_text(&c), "Reconnecting in 5 s");
    c.reason = Some("connection lost".into());
    assert_eq!(
        connection_problem("Work", &c),
        None,
        "retrying needs no banner"
    );
    c.state = Some(ConnState::Offline);
    assert!(connection_problem("Work", &c).is_some());
    c.state = Some(ConnState::AuthFailed);
    assert_eq!(connection_text(&c), "Wrong password");
    assert!(c.failed());
    c.state = Some(ConnState::CertUntrusted);
    assert_eq!(connection_text(&c), "Certificate not trusted");
    assert_eq!(connection_tone(&c), Tone::Bad);
}

#[test]
fn the_reconnect_wait_counts_down_to_its_time() {
    let now = Utc.with_ymd_and_hms(2026, 12, 7, 10, 0, 0).unwrap();
    let ms = chrono::Duration::milliseconds;
    let c = Connection {
        state: Some(ConnState::Reconnecting),
        retry_in: Some(12),
        retry_at: Some(now + ms(12_000)),
        ..Default::default()
    };
    assert_eq!(connection_text(&c, now), "Reconnecting in 12 s");
    assert!(c.counting_down(now));
    // Rounded up: "in 1 s" until the attempt starts.
    assert_eq!(connection_text(&c, now + ms(2_500)), "Reconnecting in 10 s");
    assert_eq!(connection_text(&c, now + ms(11_999)), "Reconnecting in 1 s");
    // The time has come: the attempt runs, no tick is needed any more.
    assert_eq!(connection_text(&c, now + ms(12_000)), "Reconnecting…");
    assert!(!c.counting_down(now + ms(12_000)));
    let online = Connection {
        state: Some(ConnState::Online),
        ..c
    };
    assert!(!online.counting_down(now), "only while reconnecting");
}

#[test]
fn cert_banner_shows_fingerprint() {
    let c = Connection {
        state: Some(ConnState::CertUntrusted),
        cert: Some(CertInfo {
            fingerprint: "AB:CD".into(),
            reason: "unknown issuer".into(),
            ..Default::default()
        }),
        ..Connection::default()
    };
    let text = connection_problem("work", &c).unwrap();
    assert!(text.contains("AB:CD") && text.contains("unknown issuer") && text.contains("work"));
    assert_eq!(connection_problem("work", &Connection::default()), None);
}

#[test]
fn cert_reasons_are_translated_by_code() {
    let mut cert = CertInfo {
        reason: "some reason from an older actor".into(),
        ..Default::default()
    };
    assert_eq!(cert_reason(&cert), "some reason from an older actor");
    for code in CertRefusal::ALL {
        cert.code = Some(code);
        let english = cert_reason(&cert);
        let german = crate::i18n::in_german(|| cert_reason(&cert));
        assert!(!english.is_empty() && !german.is_empty());
        assert_ne!(english, german, "{code:?} is not translated");
    }
}

#[test]
fn refusals_and_xmpp_conditions_are_translated() {
    let english = error_text("fallback", Some("roster_change"), Some("not_allowed"));
    assert_eq!(
        english,
        "The server refused the change: this is not allowed."
    );
    let german = crate::i18n::in_german(|| {
        error_text("fallback", Some("roster_change"), Some("not_allowed"))
    });
    assert_eq!(
        german,
        "Der Server hat die Änderung abgelehnt: das ist nicht erlaubt."
    );
    // Every condition the core names has its own words in both languages.
    for &code in crate::xmpp::stanza_error::CODES {
        // The core's English words are the same (stanza_error.rs checks).
        let en = xmpp_condition(code);
        assert_ne!(
            en,
            crate::i18n::in_german(|| xmpp_condition(code)),
            "{code}"
        );
    }
    // Without a code: the core's English sentence.
    assert_eq!(error_text("disk full", None, None), "disk full");
}

#[test]
fn state_marks() {
    assert_eq!(state_mark(MessageState::Queued), ("◷", false));
    assert_eq!(state_mark(MessageState::Delivered), ("✓✓", false));
    assert_eq!(state_mark(MessageState::Read), ("✓✓", true));
    assert_eq!(state_mark(MessageState::Failed).0, "⚠");
}

#[test]
fn sidebar_rows_merge_conversations_and_roster() {
    let contact = |jid: &str, name: Option<&str>, p| Contact {
        jid: jid.into(),
        name: name.map(Into::into),
        subscription: "both".into(),
        groups: vec![],
        presence: p,
        status: None,
        ..Default::default()
    };
    let roster = [
        contact("zed@x.org", None, Availability::Offline),
        contact("bob@x.org", Some("Bob"), Availability::Away),
        contact("amy@x.org", Some("Amy"), Availability::Available),
    ];
    let convs = [ConversationSummary {
        with: "bob@x.org".into(),
        last_body: Some("first\nsecond".into()),
        last_timestamp: None,
        unread: 2,
        ..Default::default()
    }];
    let names = |filter| -> Vec<String> {
        sidebar_rows(&roster, &convs, filter)
            .into_iter()
            .map(|r| r.name)
            .collect()
    };
    let rows = sidebar_rows(&roster, &convs, RowFilter::default());
    assert_eq!(names(RowFilter::default()), ["Bob", "Amy", "zed"]);
    assert_eq!(rows[0].unread, 2);
    assert_eq!(rows[0].presence, Availability::Away);
    assert_eq!(rows[0].last_body.as_deref(), Some("first …"));
    // A file as the last message: its name, not its URL.
    let file = [ConversationSummary {
        with: "bob@x.org".into(),
        last_body: Some("https://up.x.org/abc/report.pdf".into()),
        last_file: Some("report.pdf".into()),
        ..Default::default()
    }];
    let rows = sidebar_rows(&roster, &file, RowFilter::default());
    assert_eq!(rows[0].last_body.as_deref(), Some("File: report.pdf"));
    // Hiding offline contacts keeps conversations.
    let hide = RowFilter {
        hide_offline: true,
        ..Default::default()
    };
    assert_eq!(names(hide), ["Bob", "Amy"]);
    // The search matches names and addresses, in any case.
    let search = |query| RowFilter {
        query,
        ..Default::default()
    };
    assert_eq!(names(search("AM")), ["Amy"]);
    assert_eq!(names(search("x.org")), ["Bob", "Amy", "zed"]);
    assert_eq!(names(search("zed@")), ["zed"]);
    assert!(names(search("nobody")).is_empty());
}

#[test]
fn a_nickname_names_a_contact_without_roster_name() {
    let roster = [Contact {
        jid: "kim@x.org".into(),
        nick: Some("Kimmy".into()),
        ..Default::default()
    }];
    let rows = sidebar_rows(&roster, &[], RowFilter::default());
    assert_eq!(rows[0].name, "Kimmy");
}

#[test]
fn last_seen_and_subscription_texts() {
    let now = Utc::now();
    assert_eq!(last_seen(now, now), "last seen just now");
    assert_eq!(
        last_seen(now - chrono::Duration::minutes(5), now),
        "last seen 5 minutes ago"
    );
    assert_eq!(
        last_seen(now - chrono::Duration::hours(3), now),
        "last seen 3 hours ago"
    );
    assert!(last_seen(now - chrono::Duration::days(3), now).starts_with("last seen "));
    assert_eq!(subscription_text(None), "Not in your contacts");
    assert_eq!(
        subscription_text(Some("both")),
        "You see each other's status"
    );
}

#[test]
fn names_lines_colours_titles() {
    assert_eq!(display_name("a@b", Some("  ")), "a");
    assert_eq!(display_name("b.org", None), "b.org");
    // Private messages with a room occupant.
    assert_eq!(
        display_name("team@conference.b.org/Anna Lee", None),
        "Anna Lee (team)"
    );
    assert_eq!(first_line("abcdef", 4), "abc…");
    assert_eq!(parse_hex("#ff0000"), Some(Color::from_rgb8(255, 0, 0)));
    assert_eq!(parse_hex("red"), None);
    assert_eq!(account_color(None, "x"), account_color(None, "x"));
    assert_eq!(window_title(0), "Plausch");
    assert_eq!(window_title(3), "(3) Plausch");
}

#[test]
fn every_problem_has_an_english_and_a_german_message() {
    let en = include_str!("../../../i18n/en/plausch.ftl");
    let de = include_str!("../../../i18n/de/plausch.ftl");
    for problem in crate::api::Problem::ALL {
        let english = problem_text(problem, Some("forbidden"));
        let german = crate::i18n::in_german(|| problem_text(problem, Some("forbidden")));
        assert!(!english.is_empty() && !german.is_empty());
        assert_ne!(english, german, "{problem:?} is not translated");
        // The refusals have their own messages (with the condition).
        if !matches!(
            problem,
            crate::api::Problem::RosterRequest
                | crate::api::Problem::RosterChange
                | crate::api::Problem::Avatar
                | crate::api::Problem::PasswordChange
        ) {
            let id = format!("\nproblem-{} =", problem.code().replace('_', "-"));
            assert!(en.contains(&id) && de.contains(&id), "{id} missing");
        }
    }
    // Codes of a newer core show its English message.
    assert_eq!(
        error_text("as sent", Some("from_the_future"), None),
        "as sent"
    );
    assert_eq!(
        error_text("as sent", Some("not_connected"), None),
        "The account is not connected, so this did not happen."
    );
}

#[test]
fn every_validation_error_has_an_english_and_a_german_message() {
    use crate::config::ValidationError as V;
    let en = include_str!("../../../i18n/en/plausch.ftl");
    let de = include_str!("../../../i18n/de/plausch.ftl");
    let all = [
        V::IdEmpty,
        V::IdTooLong("x".into()),
        V::IdStart("x".into()),
        V::IdChars("x".into()),
        V::JidWhitespace("x".into()),
        V::JidResource("x".into()),
        V::JidNoLocal("x".into()),
        V::JidNoDomain("x".into()),
        V::JidForm("x".into()),
        V::FingerprintChar('x'),
        V::FingerprintLength(3),
        V::Port(0),
        V::PortText("x".into()),
        V::JidInvalid {
            jid: "x".into(),
            reason: "y".into(),
        },
        V::TlsMode("x".into()),
        V::Empty("host"),
        V::HostWhitespace("x".into()),
        V::NegativeSize(-1),
        V::Priority(300),
    ];
    for e in all {
        let id = format!("\n{} =", e.fluent_id());
        assert!(en.contains(&id) && de.contains(&id), "{id} missing");
        let english = validation_text(&e);
        let german = crate::i18n::in_german(|| validation_text(&e));
        assert!(!english.is_empty() && !english.contains(e.fluent_id()));
        assert_ne!(english, german, "{e:?} is not translated");
    }
}

#[test]
fn a_banner_keeps_the_specifics_of_a_translated_error() {
    let message = "file not sent: cannot read /home/anna/x.pdf: Permission denied";
    let german = crate::i18n::in_german(|| error_banner(message, Some("file_unreadable"), None));
    let sentence = crate::i18n::in_german(|| problem_text(Problem::FileUnreadable, None));
    assert!(german.starts_with(&sentence), "{german}");
    assert!(german.contains("/home/anna/x.pdf"), "{german}");
    // A refusal's reason is in the translation; an unknown code is the
    // message itself: nothing twice.
    let refused = error_banner("refused", Some("roster_change"), Some("not_allowed"));
    assert!(!refused.contains("(refused)"), "{refused}");
    assert_eq!(error_banner("disk full", None, None), "disk full");
}
