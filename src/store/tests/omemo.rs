//! OMEMO state (schema version 11): our device and keys, others' devices,
//! and the migration from version 10.

use chrono::{DateTime, Duration, Utc};
use zeroize::Zeroizing;

use super::super::omemo::{ListChange, OwnDevice, StoredSignedPreKey};
use super::{Store, ts};
use crate::api::Trust;
use crate::store::schema::SCHEMA_VERSION;
use crate::xmpp::omemo::{DeviceId, Version};

fn dev(id: u32) -> DeviceId {
    DeviceId::new(id).unwrap()
}

fn signed(version: Version, id: u32, created: DateTime<Utc>) -> StoredSignedPreKey {
    StoredSignedPreKey {
        version,
        id,
        key: Zeroizing::new(vec![id as u8; 108]),
        created,
        retired: None,
    }
}

fn with_own_device(s: &mut Store) {
    let own = OwnDevice {
        device_id: dev(4242),
        identity: Zeroizing::new(vec![1; 33]),
        created: ts(0),
    };
    let pre_keys: Vec<_> = (1..=100)
        .map(|id| (id, Zeroizing::new(vec![id as u8; 36])))
        .collect();
    s.create_omemo_own(
        &own,
        &[
            signed(Version::Legacy, 1, ts(0)),
            signed(Version::V2, 1, ts(0)),
        ],
        &pre_keys,
    )
    .unwrap();
}

#[test]
fn own_device_and_keys_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite");
    {
        let mut s = Store::open(&path).unwrap();
        assert!(s.omemo_own().unwrap().is_none());
        with_own_device(&mut s);
    }
    let s = Store::open(&path).unwrap();
    let own = s.omemo_own().unwrap().unwrap();
    assert_eq!(own.device_id, dev(4242));
    assert_eq!(own.identity.as_slice(), &[1; 33]);
    assert_eq!(own.created, ts(0));
    let pre_keys = s.omemo_pre_keys().unwrap();
    assert_eq!(pre_keys.len(), 100);
    assert_eq!(pre_keys[4].0, 5);
    assert_eq!(s.next_pre_key_id().unwrap(), 101);
    for v in Version::ALL {
        let spks = s.omemo_signed_pre_keys(v).unwrap();
        assert_eq!(spks.len(), 1);
        assert!(spks[0].retired.is_none());
    }
    // The secrets never reach a debug print.
    assert!(!format!("{own:?}").contains("identity"));
}

#[test]
fn only_one_own_device() {
    let mut s = Store::open_in_memory().unwrap();
    with_own_device(&mut s);
    let again = OwnDevice {
        device_id: dev(7),
        identity: Zeroizing::new(vec![2; 33]),
        created: ts(5),
    };
    assert!(s.create_omemo_own(&again, &[], &[]).is_err());
    assert_eq!(s.omemo_own().unwrap().unwrap().device_id, dev(4242));
}

#[test]
fn a_used_pre_key_is_replaced_by_a_new_id() {
    let mut s = Store::open_in_memory().unwrap();
    with_own_device(&mut s);
    let next = s.next_pre_key_id().unwrap();
    assert!(s.replace_pre_key(17, (next, &[9; 36])).unwrap());
    let ids: Vec<u32> = s.omemo_pre_keys().unwrap().iter().map(|k| k.0).collect();
    assert_eq!(ids.len(), 100);
    assert!(!ids.contains(&17) && ids.contains(&101));
    assert_eq!(s.next_pre_key_id().unwrap(), 102);
    // Used twice (a replayed key exchange): nothing is added the second time.
    assert!(!s.replace_pre_key(17, (102, &[9; 36])).unwrap());
    assert_eq!(s.omemo_pre_keys().unwrap().len(), 100);
}

#[test]
fn signed_pre_keys_rotate_and_old_ones_go() {
    let mut s = Store::open_in_memory().unwrap();
    with_own_device(&mut s);
    let later = ts(0) + Duration::days(8);
    s.rotate_signed_pre_key(&signed(Version::V2, 2, later))
        .unwrap();
    let v2 = s.omemo_signed_pre_keys(Version::V2).unwrap();
    assert_eq!(v2.iter().map(|k| k.id).collect::<Vec<_>>(), [2, 1]);
    assert_eq!(v2[0].retired, None);
    assert_eq!(v2[1].retired, Some(later));
    // The other variant is untouched.
    assert!(
        s.omemo_signed_pre_keys(Version::Legacy).unwrap()[0]
            .retired
            .is_none()
    );
    assert_eq!(
        s.delete_retired_signed_pre_keys(later - Duration::seconds(1))
            .unwrap(),
        0
    );
    assert_eq!(
        s.delete_retired_signed_pre_keys(later + Duration::days(30))
            .unwrap(),
        1
    );
    assert_eq!(s.omemo_signed_pre_keys(Version::V2).unwrap().len(), 1);
}

#[test]
fn device_lists_add_update_and_deactivate() {
    let mut s = Store::open_in_memory().unwrap();
    let bob = "bob@example.org";
    let change = s
        .apply_device_list(
            bob,
            Version::V2,
            &[(dev(1), Some("phone")), (dev(2), None)],
            ts(0),
        )
        .unwrap();
    assert_eq!(
        change,
        ListChange {
            added: vec![dev(1), dev(2)],
            removed: vec![]
        }
    );
    // Device 2 leaves the list, 3 comes; 1 renames itself.
    let change = s
        .apply_device_list(
            bob,
            Version::V2,
            &[(dev(1), Some("old phone")), (dev(3), None)],
            ts(60),
        )
        .unwrap();
    assert_eq!(change.added, [dev(3)]);
    assert_eq!(change.removed, [dev(2)]);
    let devices = s.omemo_devices(bob).unwrap();
    let by_id = |id| devices.iter().find(|d| d.device_id == dev(id)).unwrap();
    assert_eq!(by_id(1).label.as_deref(), Some("old phone"));
    assert_eq!((by_id(1).first_seen, by_id(1).last_seen), (ts(0), ts(60)));
    assert!(!by_id(2).active && by_id(3).active);
    assert!(
        devices
            .iter()
            .all(|d| d.trust == Trust::Blind && d.identity.is_none())
    );
    // The other variant's list is its own.
    s.apply_device_list(bob, Version::Legacy, &[(dev(1), None)], ts(60))
        .unwrap();
    assert_eq!(s.omemo_devices(bob).unwrap().len(), 4);
    assert!(s.omemo_devices("carol@example.org").unwrap().is_empty());
}

#[test]
fn after_a_verification_new_devices_wait_for_a_decision() {
    let mut s = Store::open_in_memory().unwrap();
    let bob = "bob@example.org";
    s.apply_device_list(bob, Version::Legacy, &[(dev(1), None)], ts(0))
        .unwrap();
    assert!(
        s.set_device_identity(bob, Version::Legacy, dev(1), &[5; 33])
            .unwrap()
    );
    assert!(
        s.set_device_trust(bob, Version::Legacy, dev(1), Trust::Verified)
            .unwrap()
    );
    assert!(
        !s.set_device_trust(bob, Version::Legacy, dev(9), Trust::Verified)
            .unwrap()
    );
    s.apply_device_list(
        bob,
        Version::Legacy,
        &[(dev(1), None), (dev(2), None)],
        ts(10),
    )
    .unwrap();
    let devices = s.omemo_devices(bob).unwrap();
    assert_eq!(devices[0].trust, Trust::Verified);
    assert_eq!(devices[0].identity.as_deref(), Some(&[5u8; 33][..]));
    assert_eq!(devices[1].trust, Trust::Undecided);
}

#[test]
fn conversations_follow_the_account_default_until_switched() {
    let mut s = Store::open_in_memory().unwrap();
    assert_eq!(s.conversation_encryption("bob@example.org").unwrap(), None);
    s.set_conversation_encryption("bob@example.org", Some(false))
        .unwrap();
    assert_eq!(
        s.conversation_encryption("bob@example.org").unwrap(),
        Some(false)
    );
    s.set_conversation_encryption("bob@example.org", None)
        .unwrap();
    assert_eq!(s.conversation_encryption("bob@example.org").unwrap(), None);
}

/// A database written by schema version 10 (committed fixture made with the
/// V1–V10 steps: a conversation with two messages) migrates to version 11:
/// the messages are unencrypted, the conversation follows the default,
/// there is no OMEMO device yet.
#[test]
fn version_10_database_migrates() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite");
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src/store/tests/fixtures/v10.sqlite"
        ),
        &path,
    )
    .unwrap();
    let mut s = Store::open(&path).unwrap();
    let version: u32 = s
        .conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION);
    assert_eq!(SCHEMA_VERSION, 14);
    // Version 14 knows the newest time of the messages there were.
    let blocks: Vec<(i64, i64)> = s
        .conn
        .prepare("SELECT block, max_ts FROM message_block")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let newest: i64 = s
        .conn
        .query_row("SELECT max(ts) FROM message", [], |r| r.get(0))
        .unwrap();
    assert_eq!(blocks, [(0, newest)]);
    let history = s.history("bob@example.org", 10, None).unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].body, "hello from v10");
    let encryption: Vec<(String, Option<i64>, Option<String>)> = s
        .conn
        .prepare("SELECT encryption, sender_device, decryption_error FROM message ORDER BY seq")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        encryption,
        [
            ("none".to_owned(), None, None),
            ("none".to_owned(), None, None)
        ]
    );
    assert_eq!(s.conversation_encryption("bob@example.org").unwrap(), None);
    assert_eq!(s.stable_resource().unwrap(), "plausch-0000beef");
    assert!(s.omemo_own().unwrap().is_none());
    assert_eq!(s.search("v10", 10).unwrap().len(), 2);
    // The new tables work on the old file.
    with_own_device(&mut s);
    s.apply_device_list("bob@example.org", Version::V2, &[(dev(3), None)], ts(0))
        .unwrap();
    assert_eq!(s.omemo_devices("bob@example.org").unwrap().len(), 1);
}

#[test]
fn a_changed_identity_key_is_decided_again() {
    let mut s = Store::open_in_memory().unwrap();
    let bob = "bob@example.org";
    s.apply_device_list(bob, Version::V2, &[(dev(1), None), (dev(2), None)], ts(0))
        .unwrap();
    assert!(
        s.set_device_identity(bob, Version::V2, dev(1), &[1; 32])
            .unwrap()
    );
    assert!(
        s.set_device_identity(bob, Version::V2, dev(2), &[2; 32])
            .unwrap()
    );
    assert!(
        !s.set_device_identity(bob, Version::V2, dev(9), &[9; 32])
            .unwrap()
    );
    s.set_device_trust(bob, Version::V2, dev(1), Trust::Verified)
        .unwrap();
    s.set_device_trust(bob, Version::V2, dev(2), Trust::Verified)
        .unwrap();
    let trust = |s: &Store, id| {
        s.omemo_devices(bob)
            .unwrap()
            .into_iter()
            .find(|d| d.device_id == dev(id))
            .map(|d| (d.trust, d.identity))
            .unwrap()
    };
    // The same key again changes nothing.
    s.set_device_identity(bob, Version::V2, dev(1), &[1; 32])
        .unwrap();
    assert_eq!(trust(&s, 1).0, Trust::Verified);
    // Device 1 with another key: another device of a verified person.
    s.set_device_identity(bob, Version::V2, dev(1), &[7; 32])
        .unwrap();
    assert_eq!(trust(&s, 1), (Trust::Undecided, Some(vec![7; 32])));
    // Device 2 too: nothing verified is left, so it is blind.
    s.set_device_trust(bob, Version::V2, dev(1), Trust::Untrusted)
        .unwrap();
    s.set_device_identity(bob, Version::V2, dev(2), &[8; 32])
        .unwrap();
    assert_eq!(trust(&s, 2).0, Trust::Blind);
}

#[test]
fn a_device_heard_is_recorded_with_its_key_and_last_use_at_most_once_a_minute() {
    let mut s = Store::open_in_memory().unwrap();
    let bob = "bob@example.org";
    let last_used = |s: &Store| {
        s.omemo_devices(bob)
            .unwrap()
            .into_iter()
            .find(|d| d.device_id == dev(5))
            .map(|d| (d.trust, d.identity, d.last_used))
            .unwrap()
    };
    // Unknown before: known from the message, blindly trusted.
    let t0 = ts(1_000);
    assert_eq!(
        s.device_heard(bob, Version::V2, dev(5), &[5; 32], t0)
            .unwrap(),
        Trust::Blind
    );
    assert_eq!(last_used(&s), (Trust::Blind, Some(vec![5; 32]), Some(t0)));
    // Within a minute nothing is written; after it, the new time.
    s.device_heard(bob, Version::V2, dev(5), &[5; 32], ts(1_030))
        .unwrap();
    assert_eq!(last_used(&s).2, Some(t0));
    s.device_heard(bob, Version::V2, dev(5), &[5; 32], ts(1_061))
        .unwrap();
    assert_eq!(last_used(&s).2, Some(ts(1_061)));
    // Another key on the same device id is decided again at once.
    s.set_device_trust(bob, Version::V2, dev(5), Trust::Verified)
        .unwrap();
    s.apply_device_list(bob, Version::V2, &[(dev(6), None)], ts(1_062))
        .unwrap();
    s.set_device_trust(bob, Version::V2, dev(6), Trust::Verified)
        .unwrap();
    assert_eq!(
        s.device_heard(bob, Version::V2, dev(5), &[9; 32], ts(1_070))
            .unwrap(),
        Trust::Undecided
    );
    assert_eq!(last_used(&s).1, Some(vec![9; 32]));
}
