//! The connection line under an account: the reconnect countdown and the
//! archive catch-up.

use chrono::{Duration, Utc};

use super::{Harness, account, state};
use crate::api::{AccountRequest, ConnState, Event};
use crate::fl;
use crate::i18n::in_german;
use crate::ui::{Message, ids};

fn work() -> Harness {
    Harness::with_accounts(vec![account("work", "me@work.example", Some("Work"))])
}

/// The actor's report of a failed attempt: the next one in `seconds`.
fn retrying(seconds: i64) -> (Event, chrono::DateTime<Utc>) {
    let at = Utc::now() + Duration::seconds(seconds);
    let event = Event::AccountState {
        account: "work".into(),
        state: ConnState::Reconnecting,
        reason: Some("connection refused".into()),
        retry_in: Some(seconds as u64),
        retry_at: Some(at),
        jid: None,
        cert: None,
    };
    (event, at)
}

#[test]
fn the_reconnect_wait_counts_down_and_can_be_cut_short() {
    let mut h = work();
    h.event("work", state("work", ConnState::Online));
    // Coming online asks again for roster and conversations.
    let _ = h.commands("work");
    assert!(!h.app.counting_down(), "online: no ticks");
    let (event, at) = retrying(12);
    h.event("work", event);
    h.assert_shows(&fl!("state-reconnecting-in", seconds = 12));
    assert!(h.app.counting_down(), "the countdown ticks");
    // No banner: it retries by itself.
    assert!(!h.has_id(format!("{}-0", ids::BANNER_DISMISS)));

    // Each tick moves the clock the view counts from.
    h.app.clock = at - Duration::seconds(5);
    h.assert_shows(&fl!("state-reconnecting-in", seconds = 5));
    h.update(Message::ReconnectTick);
    assert!(
        (Utc::now() - h.app.clock).num_seconds().abs() < 2,
        "a tick reads the time"
    );
    h.assert_shows(&fl!("state-reconnecting-in", seconds = 12));
    // Its time has come: the attempt runs, and the ticks stop.
    h.app.clock = at;
    h.assert_shows(&fl!("state-reconnecting"));
    assert!(!h.app.counting_down());

    // "Reconnect now" skips the wait.
    h.app.clock = at - Duration::seconds(5);
    assert_eq!(
        h.texts_in(ids::reconnect("work")),
        [fl!("reconnect-now-button")]
    );
    let messages = h.click(ids::reconnect("work"));
    assert!(matches!(&messages[..], [Message::Reconnect(id)] if id == "work"));
    assert_eq!(h.commands("work"), [AccountRequest::Reconnect]);
    h.assert_shows(&fl!("state-connecting"));
    assert!(!h.app.counting_down());
}

#[test]
fn the_countdown_is_in_german_too() {
    in_german(|| {
        let mut h = work();
        let (event, at) = retrying(12);
        h.event("work", event);
        h.assert_shows("Neuer Versuch in 12 s");
        h.app.clock = at - Duration::seconds(3);
        h.assert_shows("Neuer Versuch in 3 s");
        h.assert_shows("Jetzt verbinden");
    });
}

#[test]
fn catching_up_is_shown_until_the_archive_is_synced() {
    let mut h = work();
    h.event("work", state("work", ConnState::Online));
    let syncing = Event::ArchiveSyncing {
        account: "work".into(),
    };
    h.event("work", syncing.clone());
    // In place of "Online" (which the presence picker still shows).
    let online = h.count(&fl!("state-online"));
    h.assert_shows(&fl!("state-catching-up"));
    h.event(
        "work",
        Event::ArchiveSynced {
            account: "work".into(),
            new_messages: 3,
        },
    );
    assert_eq!(h.count(&fl!("state-online")), online + 1);
    assert!(!h.shows(&fl!("state-catching-up")));

    // A resumed session (no new JID) goes on with the same catch-up; a
    // lost connection or a new session ends it.
    h.event("work", syncing.clone());
    h.event("work", state("work", ConnState::Reconnecting));
    h.event("work", state("work", ConnState::Online));
    h.assert_shows(&fl!("state-catching-up"));
    h.event("work", state("work", ConnState::Offline));
    assert!(!h.shows(&fl!("state-catching-up")));
    h.event("work", state("work", ConnState::Online));
    assert!(!h.shows(&fl!("state-catching-up")));
    h.event("work", syncing.clone());
    let mut new_session = state("work", ConnState::Online);
    if let Event::AccountState { jid, .. } = &mut new_session {
        *jid = Some("me@work.example/desk".into());
    }
    h.event("work", new_session);
    assert!(!h.shows(&fl!("state-catching-up")));
    in_german(|| {
        let mut h = work();
        h.event("work", state("work", ConnState::Online));
        h.event("work", syncing);
        h.assert_shows("Lädt verpasste Nachrichten…");
    });
}
