//! Messages: insert, dedup, paging, states, outbox, conversations.

use super::*;

#[test]
fn insert_returns_stored_record() {
    let mut s = mem();
    let mut m = incoming("m1", "alice@example.org", 5);
    m.sender = "alice@example.org/phone";
    // Sub-millisecond precision is not stored; the returned record says so.
    m.timestamp = ts(5) + chrono::Duration::microseconds(1_500);
    let r = s.insert_message(&m).unwrap().unwrap();
    assert_eq!(r.id, "m1");
    assert_eq!(r.with, "alice@example.org");
    assert_eq!(r.sender, "alice@example.org/phone");
    assert_eq!(r.direction, Direction::In);
    assert_eq!(r.state, MessageState::Received);
    assert_eq!(r.timestamp, ts(5) + chrono::Duration::milliseconds(1));
    assert_eq!(r.error, None);
    assert_eq!(s.message("m1").unwrap(), Some(r));
    assert_eq!(s.message("nope").unwrap(), None);
}

/// The records a batch returns are built without reading the rows back;
/// they must equal what `message` reads, in every case that changes a
/// field: both directions, whole-second placement, replies (found and
/// not), older pages, several conversations in one batch.
#[test]
fn batch_records_equal_what_is_read_back() {
    let mut s = mem();
    let alice = "alice@example.org";
    let bob = "bob@example.org";
    let mut first = incoming("a1", alice, 10);
    first.origin_id = Some("oa1");
    let mut reply = outgoing("a2", alice, 10);
    reply.reply_to = Some("oa1");
    let mut dangling = incoming("a3", alice, 11);
    dangling.reply_to = Some("missing");
    dangling.markable = true;
    let other = incoming("b1", bob, 10);
    let live = s.insert_messages(&[first, reply, dangling, other]).unwrap();
    let older = s
        .insert_older(&[incoming("a0", alice, 1), outgoing("b0", bob, 2)])
        .unwrap();
    for outcome in live.into_iter().chain(older) {
        let Inserted::New(record) = outcome else {
            panic!("expected a new message, got {outcome:?}");
        };
        assert_eq!(s.message(&record.id).unwrap().as_ref(), Some(&record));
    }
    // Whole-second stamps in one second keep arrival order, and the
    // reply found its quote.
    let page = s.history(alice, 10, None).unwrap();
    assert_eq!(ids(&page), ["a0", "a1", "a2", "a3"]);
    assert_eq!(
        page[2].reply_to.as_ref().and_then(|q| q.id.as_deref()),
        Some("a1")
    );
}

/// Paging forward from a seq (after dropping newer pages in a front-end)
/// meets paging backward without gaps or overlaps.
#[test]
fn history_after_pages_forward() {
    let mut s = mem();
    let alice = "alice@example.org";
    let ids_: Vec<String> = (0..7).map(|i| format!("m{i}")).collect();
    let batch: Vec<NewMessage> = ids_.iter().map(|id| incoming(id, alice, 100)).collect();
    s.insert_messages(&batch).unwrap();
    let all = s.history(alice, 10, None).unwrap();
    let first = s.history_after(alice, 3, all[0].seq).unwrap();
    assert_eq!(ids(&first), ["m1", "m2", "m3"]);
    let next = s.history_after(alice, 3, first[2].seq).unwrap();
    assert_eq!(ids(&next), ["m4", "m5", "m6"]);
    assert!(s.history_after(alice, 3, next[2].seq).unwrap().is_empty());
    assert!(s.history_after(alice, 3, 9999).unwrap().is_empty());
}

#[test]
fn dedup_rules() {
    let alice = "alice@example.org";
    let base = || NewMessage {
        sender: "alice@example.org/phone",
        origin_id: Some("o1"),
        reply_to: None,
        markable: false,
        file: None,
        ..incoming("first", alice, 1)
    };
    // (case, second message, is it a duplicate of `first`?)
    let cases: Vec<(&str, NewMessage, bool)> = vec![
        (
            "same local id",
            NewMessage {
                server_id: Some("s9"),
                ..base()
            },
            true,
        ),
        (
            "same server id",
            NewMessage {
                id: "x",
                server_id: Some("s1"),
                origin_id: None,
                ..base()
            },
            true,
        ),
        (
            "same origin id and full sender",
            NewMessage { id: "x", ..base() },
            true,
        ),
        (
            "same origin id, other resource of the sender",
            NewMessage {
                id: "x",
                sender: "alice@example.org/laptop",
                ..base()
            },
            true,
        ),
        (
            "same origin id, bare sender",
            NewMessage {
                id: "x",
                sender: "alice@example.org",
                ..base()
            },
            true,
        ),
        (
            "same origin id, other sender",
            NewMessage {
                id: "x",
                sender: "mallory@example.org/x",
                ..base()
            },
            false,
        ),
        (
            "same origin id, other direction",
            NewMessage {
                id: "x",
                direction: Direction::Out,
                ..base()
            },
            false,
        ),
        (
            "same origin id, other conversation",
            NewMessage {
                id: "x",
                with: "bob@example.org",
                ..base()
            },
            false,
        ),
        (
            "no shared ids",
            NewMessage {
                id: "x",
                server_id: Some("s2"),
                origin_id: Some("o2"),
                ..base()
            },
            false,
        ),
        (
            "no stanza ids at all",
            NewMessage {
                id: "x",
                server_id: None,
                origin_id: None,
                ..base()
            },
            false,
        ),
    ];
    for (case, second, duplicate) in cases {
        let mut s = mem();
        let first = NewMessage {
            server_id: Some("s1"),
            ..base()
        };
        assert!(s.insert_message(&first).unwrap().is_some(), "{case}");
        let got = s.insert_message(&second).unwrap();
        assert_eq!(got.is_none(), duplicate, "{case}");
        let expected = if duplicate { 1 } else { 2 };
        let total: usize = ["alice@example.org", "bob@example.org"]
            .iter()
            .map(|w| s.history(w, 100, None).unwrap().len())
            .sum();
        assert_eq!(total, expected, "{case}");
    }
}

#[test]
fn duplicate_fills_in_missing_server_id() {
    let mut s = mem();
    let bob = "bob@example.org";
    // Sent by us with an origin-id; the archive copy comes back later with
    // the server's stanza-id and from another of our resources.
    let sent = NewMessage {
        origin_id: Some("o1"),
        ..outgoing("local-1", bob, 1)
    };
    s.insert_message(&sent).unwrap().unwrap();
    let echo = NewMessage {
        id: "mam-1",
        sender: "me@example.org/phone",
        server_id: Some("s1"),
        ..sent.clone()
    };
    assert_eq!(s.insert_message(&echo).unwrap(), None);
    // The stored copy now owns s1: a copy carrying only s1 is a duplicate.
    let again = NewMessage {
        id: "mam-2",
        origin_id: None,
        ..echo.clone()
    };
    assert_eq!(s.insert_message(&again).unwrap(), None);
    assert_eq!(ids(&s.history(bob, 10, None).unwrap()), ["local-1"]);
}

#[test]
fn duplicate_leaves_no_empty_conversation() {
    let mut s = mem();
    let m = NewMessage {
        server_id: Some("s1"),
        ..incoming("a", "alice@example.org", 1)
    };
    s.insert_message(&m).unwrap().unwrap();
    let dup = NewMessage {
        id: "b",
        with: "bob@example.org",
        ..m.clone()
    };
    assert_eq!(s.insert_message(&dup).unwrap(), None);
    let convs = s.conversations().unwrap();
    assert_eq!(convs.len(), 1);
    assert_eq!(convs[0].with, "alice@example.org");
}

#[test]
fn set_server_id_makes_later_copies_duplicates() {
    let mut s = mem();
    s.insert_message(&outgoing("o", "bob@example.org", 1))
        .unwrap()
        .unwrap();
    s.set_server_id("o", "s1").unwrap();
    s.set_server_id("unknown", "s2").unwrap();
    let copy = NewMessage {
        server_id: Some("s1"),
        ..incoming("c", "bob@example.org", 1)
    };
    assert_eq!(s.insert_message(&copy).unwrap(), None);
}

#[test]
fn paging_has_no_gaps_or_duplicates_with_equal_timestamps() {
    let mut s = mem();
    let alice = "alice@example.org";
    let ids_owned: Vec<String> = (0..25).map(|i| format!("m{i:02}")).collect();
    // Four messages per timestamp, inserted out of time order (backfill),
    // interleaved with another conversation.
    let secs = |i: usize| ((i * 7) % 25 / 4) as i64;
    for (i, id) in ids_owned.iter().enumerate() {
        s.insert_message(&incoming(id, alice, secs(i)))
            .unwrap()
            .unwrap();
        let other = format!("b{i}");
        s.insert_message(&incoming(&other, "bob@example.org", secs(i)))
            .unwrap()
            .unwrap();
    }
    let all = s.history(alice, 1000, None).unwrap();
    assert_eq!(all.len(), 25);
    assert!(
        all.windows(2)
            .all(|w| (w[0].timestamp, w[0].seq) < (w[1].timestamp, w[1].seq))
    );

    for limit in [1u32, 3, 4, 7, 24, 25, 26] {
        let mut collected: Vec<MessageRecord> = Vec::new();
        let mut before = None;
        loop {
            let page = s.history(alice, limit, before).unwrap();
            if page.is_empty() {
                break;
            }
            assert!(page.len() <= limit as usize, "limit {limit}");
            before = Some(page[0].seq);
            collected.splice(0..0, page);
        }
        assert_eq!(collected, all, "limit {limit}");
    }
}

#[test]
fn history_edge_cases() {
    let mut s = mem();
    s.insert_message(&incoming("a", "alice@example.org", 1))
        .unwrap();
    assert!(s.history("alice@example.org", 0, None).unwrap().is_empty());
    assert!(
        s.history("nobody@example.org", 10, None)
            .unwrap()
            .is_empty()
    );
    assert!(
        s.history("alice@example.org", 10, Some(999))
            .unwrap()
            .is_empty()
    );
}

#[test]
fn state_transitions() {
    use MessageState::*;
    // (path taken first, requested state, accepted?)
    let cases: &[(&[MessageState], MessageState, bool)] = &[
        (&[], Sent, true),
        (&[], Read, true),
        (&[], Queued, false),
        (&[], Received, false),
        (&[Sent], Sent, false),
        (&[Sent], Queued, false),
        (&[Sent, Acked], Delivered, true),
        (&[Sent, Acked, Delivered], Acked, false),
        (&[Sent, Delivered], Acked, false),
        (&[Sent, Read], Delivered, false),
        (&[Sent], Failed, true),
        (&[Sent, Acked], Failed, true),
        (&[Sent, Acked, Delivered], Failed, false),
        (&[Failed], Queued, true),
        (&[Failed], Sent, false),
        (&[Failed, Queued], Sent, true),
    ];
    for (path, to, accepted) in cases {
        let mut s = mem();
        s.insert_message(&outgoing("o", "bob@example.org", 1))
            .unwrap()
            .unwrap();
        for step in *path {
            let r = s.set_state("o", *step, Some("boom")).unwrap();
            assert!(r.is_some(), "{path:?} step {step:?}");
        }
        let before = s.message("o").unwrap().unwrap();
        let got = s.set_state("o", *to, Some("rejected")).unwrap();
        assert_eq!(got.is_some(), *accepted, "{path:?} -> {to:?}");
        let now = s.message("o").unwrap().unwrap();
        if *accepted {
            assert_eq!(got.as_ref(), Some(&now));
            assert_eq!(now.state, *to);
            let error = (*to == Failed).then(|| "rejected".to_owned());
            assert_eq!(now.error, error, "{path:?} -> {to:?}");
        } else {
            assert_eq!(now, before, "{path:?} -> {to:?}");
        }
    }
}

#[test]
fn set_state_ignores_unknown_and_incoming() {
    let mut s = mem();
    s.insert_message(&incoming("i", "alice@example.org", 1))
        .unwrap();
    assert_eq!(s.set_state("nope", MessageState::Sent, None).unwrap(), None);
    assert_eq!(s.set_state("i", MessageState::Read, None).unwrap(), None);
}

#[test]
fn outbox_lists_unconfirmed_outgoing_oldest_first() {
    let mut s = mem();
    s.insert_message(&outgoing("late", "bob@example.org", 9))
        .unwrap();
    s.insert_message(&outgoing("early", "alice@example.org", 2))
        .unwrap();
    s.insert_message(&outgoing("sent", "bob@example.org", 1))
        .unwrap();
    s.insert_message(&outgoing("acked", "bob@example.org", 0))
        .unwrap();
    s.set_state("sent", MessageState::Sent, None)
        .unwrap()
        .unwrap();
    s.set_state("acked", MessageState::Acked, None)
        .unwrap()
        .unwrap();
    s.insert_message(&incoming("in", "bob@example.org", 0))
        .unwrap();
    // Sent but never acked: the stream may have lost it, so it stays.
    assert_eq!(ids(&s.outbox().unwrap()), ["sent", "early", "late"]);

    s.set_state("early", MessageState::Failed, Some("no route"))
        .unwrap()
        .unwrap();
    assert_eq!(ids(&s.outbox().unwrap()), ["sent", "late"]);
    s.set_state("early", MessageState::Queued, None)
        .unwrap()
        .unwrap();
    let outbox = s.outbox().unwrap();
    assert_eq!(ids(&outbox), ["sent", "early", "late"]);
    assert_eq!(outbox[1].error, None);
}

#[test]
fn archive_copy_confirms_an_unacked_own_message() {
    let mut s = mem();
    let mut own = outgoing("o1", "bob@example.org", 1);
    own.origin_id = Some("o1");
    s.insert_message(&own).unwrap();
    s.set_state("o1", MessageState::Sent, None)
        .unwrap()
        .unwrap();
    // The archive's copy: another local id, same origin-id, with server id.
    let mut copy = outgoing("archive-copy", "bob@example.org", 1);
    copy.origin_id = Some("o1");
    copy.server_id = Some("arch-1");
    copy.state = MessageState::Acked;
    let outcome = s.insert_messages(&[copy.clone()]).unwrap();
    match &outcome[..] {
        [Inserted::Confirmed(r)] => {
            assert_eq!((r.id.as_str(), r.state), ("o1", MessageState::Acked))
        }
        other => panic!("{other:?}"),
    }
    assert!(s.outbox().unwrap().is_empty());
    // A second copy changes nothing.
    assert_eq!(s.insert_messages(&[copy]).unwrap(), [Inserted::Duplicate]);
    assert_eq!(s.history("bob@example.org", 10, None).unwrap().len(), 1);
}

#[test]
fn batch_insert_reports_each_message() {
    let mut s = mem();
    let mut a = incoming("a", "bob@example.org", 1);
    a.server_id = Some("s1");
    let mut b = incoming("b", "bob@example.org", 2);
    b.server_id = Some("s1");
    let c = incoming("c", "carol@example.org", 3);
    let outcome = s.insert_messages(&[a, b, c]).unwrap();
    assert!(matches!(outcome[0], Inserted::New(_)));
    assert_eq!(outcome[1], Inserted::Duplicate);
    assert!(matches!(outcome[2], Inserted::New(_)));
}

#[test]
fn archive_cursor_and_exhausted_conversations() {
    let mut s = mem();
    assert_eq!(s.archive_cursor().unwrap(), None);
    s.set_archive_cursor(Some("a9")).unwrap();
    assert_eq!(s.archive_cursor().unwrap().as_deref(), Some("a9"));
    let mut x = incoming("x", "bob@example.org", 5);
    x.server_id = Some("s-x");
    let mut y = incoming("y", "bob@example.org", 3);
    y.server_id = Some("s-y");
    s.insert_messages(&[x, y, incoming("z", "bob@example.org", 1)])
        .unwrap();
    // The oldest with an archive id (z has none).
    assert_eq!(
        s.oldest_server_id("bob@example.org").unwrap().as_deref(),
        Some("s-y")
    );
    assert!(!s.archive_exhausted("bob@example.org").unwrap());
    s.set_archive_exhausted("bob@example.org").unwrap();
    assert!(s.archive_exhausted("bob@example.org").unwrap());
    // Unknown conversations are not created by it.
    s.set_archive_exhausted("nobody@example.org").unwrap();
    assert_eq!(s.conversations().unwrap().len(), 1);
}

#[test]
fn conversations_unread_and_mark_read() {
    let mut s = mem();
    let (alice, bob, carol) = ("alice@example.org", "bob@example.org", "carol@example.org");
    s.insert_message(&incoming("a1", alice, 1)).unwrap();
    s.insert_message(&incoming("a2", alice, 2)).unwrap();
    s.insert_message(&outgoing("a3", alice, 3)).unwrap();
    s.insert_message(&outgoing("c1", carol, 4)).unwrap();
    s.insert_message(&incoming("b1", bob, 5)).unwrap();
    // Backfill of an old message: no new activity, but it is unread.
    s.insert_message(&incoming("c0", carol, 0)).unwrap();

    let convs = s.conversations().unwrap();
    let summary: Vec<_> = convs
        .iter()
        .map(|c| {
            (
                c.with.as_str(),
                c.last_body.as_deref(),
                c.last_timestamp,
                c.unread,
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (bob, Some("b1"), Some(ts(5)), 1),
            (carol, Some("c1"), Some(ts(4)), 1),
            (alice, Some("a3"), Some(ts(3)), 2),
        ]
    );
    assert_eq!(s.unread_total().unwrap(), 4);

    assert_eq!(s.mark_read(alice).unwrap(), 2);
    assert_eq!(s.mark_read(alice).unwrap(), 0);
    assert_eq!(s.mark_read("nobody@example.org").unwrap(), 0);
    assert_eq!(s.unread_total().unwrap(), 2);
    let alice_summary = s
        .conversations()
        .unwrap()
        .into_iter()
        .find(|c| c.with == alice);
    assert_eq!(alice_summary.map(|c| c.unread), Some(0));
}

#[test]
fn unread_mentions_are_counted_until_read() {
    let mut s = mem();
    let room = "team@conference.example.org";
    let mention = |id, secs| NewMessage {
        mention: true,
        ..incoming(id, room, secs)
    };
    s.insert_messages(&[incoming("r1", room, 1), mention("r2", 2), mention("r3", 3)])
        .unwrap();
    let mentions = |s: &Store| {
        s.conversations()
            .unwrap()
            .into_iter()
            .find(|c| c.with == room)
            .map(|c| (c.unread, c.unread_mentions))
    };
    assert_eq!(mentions(&s), Some((3, 2)));
    s.mark_read_upto(room, "r2").unwrap();
    assert_eq!(mentions(&s), Some((1, 1)));
    s.mark_read(room).unwrap();
    assert_eq!(mentions(&s), Some((0, 0)));
}

#[test]
fn whole_second_stamps_keep_arrival_order() {
    let mut s = mem();
    let with = "bob@example.org";
    let at = |id: &'static str, ms: i64| NewMessage {
        timestamp: DateTime::from_timestamp_millis(ms).unwrap(),
        ..incoming(id, with, 0)
    };
    // Live messages with our millisecond clock, then delayed ones stamped
    // in whole seconds by the server (e.g. resent after a resumption).
    s.insert_messages(&[at("live1", 10_030), at("live2", 10_050)])
        .unwrap();
    s.insert_messages(&[at("late1", 10_000), at("late2", 10_000), at("next", 11_000)])
        .unwrap();
    // Two older pages from the archive, oldest first, in the same second
    // as the newest page (fetched first).
    s.insert_messages(&[at("new1", 9_000), at("new2", 9_000)])
        .unwrap();
    s.insert_older(&[at("old3", 9_000), at("old4", 9_000)])
        .unwrap();
    s.insert_older(&[at("old1", 9_000), at("old2", 9_000)])
        .unwrap();
    let expected = [
        "old1", "old2", "old3", "old4", "new1", "new2", "live1", "live2", "late1", "late2", "next",
    ];
    assert_eq!(ids(&s.history(with, 20, None).unwrap()), expected);
    // Paging by seq cursor follows the same order.
    let newest = s.history(with, 6, None).unwrap();
    let older = s.history(with, 10, Some(newest[0].seq)).unwrap();
    assert_eq!(ids(&older), &expected[..5]);
}

/// After a reconnect without resumption the archive catch-up brings what
/// was said while we were away, after the first live messages of the new
/// session arrived: it goes before them, in the archive's order, whatever
/// the stamps say (whole seconds, or a server clock ahead of ours).
#[test]
fn a_catch_up_goes_before_the_live_messages_of_the_new_session() {
    let mut s = mem();
    let with = "bob@example.org";
    let other = "carol@example.org";
    let at = |id: &'static str, with: &'static str, ms: i64| NewMessage {
        timestamp: DateTime::from_timestamp_millis(ms).unwrap(),
        ..incoming(id, with, 0)
    };
    // Before the outage.
    s.insert_messages(&[at("m1", with, 10_100), at("m2", with, 10_200)])
        .unwrap();
    // New session: live messages first (our clock).
    let live = s
        .insert_messages(&[at("m5", with, 10_700), at("m6", with, 10_800)])
        .unwrap();
    let Inserted::New(first_live) = &live[0] else {
        panic!("{live:?}");
    };
    let mut since = LiveSince::new();
    since.insert(with.to_owned(), first_live.timestamp.timestamp_millis());
    // The catch-up: whole-second stamps in the same second, one from a
    // server clock ahead of ours, and a conversation without live
    // messages, which keeps its stamps.
    let out = s
        .insert_caught_up(
            &[
                at("m3", with, 10_000),
                at("m4", with, 12_000),
                at("c1", other, 10_000),
            ],
            &since,
            &mut CatchUpTrail::new(),
        )
        .unwrap();
    assert!(out.iter().all(|o| matches!(o, Inserted::New(_))), "{out:?}");
    assert_eq!(
        ids(&s.history(with, 20, None).unwrap()),
        ["m1", "m2", "m3", "m4", "m5", "m6"]
    );
    assert_eq!(
        s.history(other, 1, None).unwrap()[0].timestamp,
        DateTime::from_timestamp_millis(10_000).unwrap()
    );
}

/// A server that stamps to the millisecond (Prosody 13): the result after
/// the catch-up's cursor can carry an earlier stamp than our clock gave
/// the cursor's message when it came live, by the delivery's delay. The
/// archive's order wins; another conversation keeps its stamps.
#[test]
fn a_catch_up_follows_its_cursor_over_millisecond_stamps() {
    let mut s = mem();
    let with = "bob@example.org";
    let other = "carol@example.org";
    s.insert_messages(&[archived("m1", with, 10_831)]).unwrap();
    s.set_archive_cursor(Some("m1")).unwrap();
    let out = s
        .insert_caught_up(
            &[
                archived("m2", with, 10_827),
                archived("c1", other, 10_500),
                archived("m3", with, 10_832),
            ],
            &LiveSince::new(),
            &mut CatchUpTrail::new(),
        )
        .unwrap();
    assert!(out.iter().all(|o| matches!(o, Inserted::New(_))), "{out:?}");
    assert_eq!(ids(&s.history(with, 20, None).unwrap()), ["m1", "m2", "m3"]);
    assert_eq!(
        s.history(other, 1, None).unwrap()[0].timestamp,
        DateTime::from_timestamp_millis(10_500).unwrap()
    );
}

/// A gap fetched only by a later session's catch-up (a slow catch-up cut
/// short, a restart): `LiveSince` knows nothing of the earlier session's
/// live messages, but the archive returns them after the gap, and the gap
/// goes before them whatever its whole-second stamps say, across pages.
#[test]
fn a_late_catch_up_follows_the_archive_order_over_the_stamps() {
    let mut s = mem();
    let with = "bob@example.org";
    let at = |id: &'static str, ms: i64| archived(id, with, ms);
    s.insert_messages(&[at("m1", 9_100)]).unwrap();
    // The earlier session stored these live, with our clock.
    s.insert_messages(&[at("m5", 10_638), at("m6", 10_700)])
        .unwrap();
    // A later session's catch-up, two pages: the gap (whole seconds), then
    // the live ones again, then something new.
    let since = LiveSince::new();
    let mut trail = CatchUpTrail::new();
    let first = s
        .insert_caught_up(&[at("m3", 10_000)], &since, &mut trail)
        .unwrap();
    let second = s
        .insert_caught_up(
            &[
                at("m4", 10_000),
                at("m5", 10_638),
                at("m6", 10_700),
                at("m7", 11_000),
            ],
            &since,
            &mut trail,
        )
        .unwrap();
    assert!(matches!(first[0], Inserted::New(_)), "{first:?}");
    assert!(matches!(second[1], Inserted::Duplicate), "{second:?}");
    let history = s.history(with, 20, None).unwrap();
    assert_eq!(ids(&history), ["m1", "m3", "m4", "m5", "m6", "m7"]);
    // The page's outcome carries the time it was stored with.
    let Inserted::New(m4) = &second[0] else {
        panic!("{second:?}");
    };
    assert_eq!(
        Some(&m4.timestamp),
        history.iter().find(|m| m.id == "m4").map(|m| &m.timestamp)
    );
    // Our own message, written offline before Bob's and archived after
    // them, is no mark: Bob's messages keep their place after it.
    let mut s = mem();
    let mine = NewMessage {
        server_id: None,
        origin_id: Some("o1"),
        ..outgoing("o1", with, 0)
    };
    let mine = NewMessage {
        timestamp: DateTime::from_timestamp_millis(9_100).unwrap(),
        ..mine
    };
    s.insert_messages(std::slice::from_ref(&mine)).unwrap();
    let archived_mine = NewMessage {
        id: "o1-archive",
        server_id: Some("s-o1"),
        timestamp: DateTime::from_timestamp_millis(11_000).unwrap(),
        ..mine
    };
    s.insert_caught_up(
        &[at("b1", 10_000), archived_mine],
        &since,
        &mut CatchUpTrail::new(),
    )
    .unwrap();
    assert_eq!(ids(&s.history(with, 20, None).unwrap()), ["o1", "b1"]);
    // A catch-up of messages already in order moves nothing.
    let mut s = mem();
    s.insert_messages(&[at("m1", 9_100)]).unwrap();
    s.insert_caught_up(
        &[at("m2", 8_500), at("m1", 9_100)],
        &since,
        &mut CatchUpTrail::new(),
    )
    .unwrap();
    let history = s.history(with, 20, None).unwrap();
    assert_eq!(ids(&history), ["m2", "m1"]);
    assert_eq!(history[0].timestamp.timestamp_millis(), 8_500);
}

/// The soak's two out of order (e8aa722): live messages that arrive
/// together share one millisecond, and a gap the archive has between two
/// of them (they reached a session that was lost) went before all of them.
/// It goes between them; and a gap stamped before the stored message that
/// precedes it in the archive moves after that one.
#[test]
fn a_gap_between_messages_of_one_millisecond_goes_between_them() {
    let mut s = mem();
    let with = "bob@example.org";
    let at = |id: &'static str, ms: i64| archived(id, with, ms);
    // One live burst of this session, our clock: b1 b2 … b6 b7.
    s.insert_messages(&[
        at("b1", 44_634),
        at("b2", 44_634),
        at("b6", 44_634),
        at("b7", 44_634),
    ])
    .unwrap();
    let since = LiveSince::from([(with.to_owned(), 44_634)]);
    let mut trail = CatchUpTrail::new();
    s.insert_caught_up(
        &[
            at("b1", 44_000),
            at("b2", 44_000),
            at("b3", 44_000),
            at("b4", 44_000),
            at("b5", 44_000),
            at("b6", 44_000),
            at("b7", 44_000),
        ],
        &since,
        &mut trail,
    )
    .unwrap();
    assert_eq!(
        ids(&s.history(with, 20, None).unwrap()),
        ["b1", "b2", "b3", "b4", "b5", "b6", "b7"]
    );

    // Stamped before the message it follows in the archive (received live
    // late, with our clock): moved after it, before the next.
    let mut s = mem();
    s.insert_messages(&[at("c1", 43_500), at("c3", 44_000)])
        .unwrap();
    s.insert_caught_up(
        &[at("c1", 40_000), at("c2", 40_000), at("c3", 41_000)],
        &LiveSince::new(),
        &mut CatchUpTrail::new(),
    )
    .unwrap();
    let history = s.history(with, 20, None).unwrap();
    assert_eq!(ids(&history), ["c1", "c2", "c3"]);
    assert_eq!(history[1].timestamp.timestamp_millis(), 43_999);
}

/// Soak finding 9: after a server restart, Prosody delivered messages
/// again late and in two blocks in the wrong order (`b4 b5` arrived before
/// `b1 b2`); they were stored as they came. The catch-up meets them in the
/// archive's order and moves each stored one that lies before the previous
/// result to just after it, with the new ones between them, and says so.
#[test]
fn a_catch_up_moves_stored_messages_into_the_archive_order() {
    let mut s = mem();
    let with = "bob@example.org";
    let at = |id: &'static str, ms: i64| archived(id, with, ms);
    s.insert_messages(&[at("b0", 40_000)]).unwrap();
    // Arrived live, late, the later block first (our clock).
    s.insert_messages(&[at("b4", 50_100), at("b5", 50_100)])
        .unwrap();
    s.insert_messages(&[at("b1", 60_100), at("b2", 60_200)])
        .unwrap();
    let mut trail = CatchUpTrail::new();
    let since = LiveSince::new();
    let first = s
        .insert_caught_up(&[at("b1", 45_000), at("b2", 45_000)], &since, &mut trail)
        .unwrap();
    assert!(first.iter().all(|o| *o == Inserted::Duplicate), "{first:?}");
    // The next page: one the archive has between them, new, then the block
    // that arrived first, then one arriving live on top.
    let second = s
        .insert_caught_up(
            &[at("b3", 46_000), at("b4", 47_000), at("b5", 47_000)],
            &since,
            &mut trail,
        )
        .unwrap();
    s.insert_messages(&[at("b6", 60_200)]).unwrap();
    let history = s.history(with, 20, None).unwrap();
    assert_eq!(ids(&history), ["b0", "b1", "b2", "b3", "b4", "b5", "b6"]);
    // The moved ones are announced with their new place, as stored.
    let [Inserted::New(b3), Inserted::Moved(b4), Inserted::Moved(b5)] = &second[..] else {
        panic!("{second:?}");
    };
    for announced in [b3, b4, b5] {
        let stored = history.iter().find(|m| m.id == announced.id).unwrap();
        assert_eq!(
            (announced.timestamp, announced.pos),
            (stored.timestamp, stored.pos)
        );
    }
    assert_eq!(b5.timestamp.timestamp_millis(), 60_200);
    // Read again from the start, the same order.
    let mut again = CatchUpTrail::new();
    let replay = s
        .insert_caught_up(
            &[
                at("b1", 0),
                at("b2", 0),
                at("b3", 0),
                at("b4", 0),
                at("b5", 0),
            ],
            &since,
            &mut again,
        )
        .unwrap();
    assert!(
        replay.iter().all(|o| *o == Inserted::Duplicate),
        "{replay:?}"
    );
}

/// A first catch-up that finds the contact's first message already stored
/// live (the session was online before the archive answered) and the rest
/// new: their whole-second stamps fall in that message's second, `LiveSince`
/// put them before it, and with no stored result after them nothing moved
/// them back (`sync::a_contacts_messages_keep_their_order_through_restarts_and_kills`
/// failed so: m0001…m0005 before m0000).
#[test]
fn new_results_after_the_last_stored_one_stay_after_it() {
    let mut s = mem();
    let with = "bob@example.org";
    let at = |id: &'static str, ms: i64| archived(id, with, ms);
    let live = s.insert_messages(&[at("m0", 44_500)]).unwrap();
    let Inserted::New(first_live) = &live[0] else {
        panic!("{live:?}");
    };
    let since = LiveSince::from([(with.to_owned(), first_live.timestamp.timestamp_millis())]);
    let mut trail = CatchUpTrail::new();
    let page = s
        .insert_caught_up(
            &[
                at("m0", 44_000),
                at("m1", 44_000),
                at("m2", 44_000),
                at("m3", 45_000),
            ],
            &since,
            &mut trail,
        )
        .unwrap();
    // Live ones after the catch-up.
    s.insert_messages(&[at("m4", 45_100)]).unwrap();
    let history = s.history(with, 20, None).unwrap();
    assert_eq!(ids(&history), ["m0", "m1", "m2", "m3", "m4"]);
    // What the page announced is where they are.
    for o in &page[1..] {
        let Inserted::New(r) = o else {
            panic!("{page:?}");
        };
        let stored = history.iter().find(|m| m.id == r.id).unwrap();
        assert_eq!(
            (r.timestamp, r.pos),
            (stored.timestamp, stored.pos),
            "{}",
            r.id
        );
    }
}

#[test]
fn overlong_bodies_are_cut_at_a_character_boundary() {
    let mut s = mem();
    let long = format!("a{}", "ü".repeat(MAX_BODY_BYTES));
    let m = NewMessage {
        body: &long,
        ..incoming("m1", "bob@example.org", 1)
    };
    let r = s.insert_message(&m).unwrap().unwrap();
    assert!(r.body.len() <= MAX_BODY_BYTES && r.body.len() > MAX_BODY_BYTES - 2);
    assert_eq!(s.message("m1").unwrap().unwrap().body, r.body);
    let corrected = s.correct("m1", &long).unwrap().unwrap();
    assert_eq!(corrected.body, r.body);
}
