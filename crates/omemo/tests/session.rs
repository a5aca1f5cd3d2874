//! Rust ↔ Rust sessions for both versions: order, loss, bounds, tampering, replay, persistence.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::TestRng;
use omemo::{
    Bundle, Error, IdentityKeyPair, MAX_SKIP_PER_MESSAGE, MAX_SKIPPED_KEYS, PreKey, PreKeys,
    Session, SignedPreKey, Version,
};

struct Device {
    identity: IdentityKeyPair,
    signed: Vec<SignedPreKey>,
    one_time: Vec<PreKey>,
}

impl Device {
    fn new(version: Version, rng: &mut TestRng) -> Self {
        let identity = IdentityKeyPair::generate(rng);
        let signed = vec![SignedPreKey::generate(&identity, version, 1, 0, rng)];
        let one_time = PreKey::generate_batch(1, 5, rng);
        Device {
            identity,
            signed,
            one_time,
        }
    }
    fn bundle(&self, version: Version) -> Bundle {
        Bundle::own(version, &self.identity, &self.signed[0], &self.one_time)
    }
    fn lookup(&self) -> PreKeys<'_> {
        PreKeys {
            signed: &self.signed,
            one_time: &self.one_time,
        }
    }
}

const VERSIONS: [Version; 2] = [Version::V03, Version::V2];

/// Alice starts, Bob accepts her first message.
fn pair(version: Version, rng: &mut TestRng) -> (Session, Session) {
    let alice = Device::new(version, rng);
    let bob = Device::new(version, rng);
    let mut a = Session::initiate(&alice.identity, &bob.bundle(version), rng).unwrap();
    let first = a.encrypt(b"first key").unwrap();
    assert!(first.prekey);
    let accepted =
        Session::accept(version, &bob.identity, &bob.lookup(), &first.data, 1, rng).unwrap();
    assert_eq!(&*accepted.key_material, b"first key");
    assert!(bob.one_time.iter().any(|k| k.id() == accepted.pre_key_id));
    assert_eq!(
        accepted.session.remote_identity().as_bytes(),
        alice.identity.public(version)
    );
    (a, accepted.session)
}

#[test]
fn round_trip_both_directions() {
    for version in VERSIONS {
        let rng = &mut TestRng::new(b"round trip");
        let (mut a, mut b) = pair(version, rng);
        // Until Bob answers, Alice keeps sending pre-key messages; Bob decrypts them with the
        // session they built.
        let again = a.encrypt(b"second").unwrap();
        assert!(again.prekey);
        assert_eq!(&*b.decrypt(&again.data, true, 2, rng).unwrap(), b"second");
        for round in 0..5u8 {
            let m = b.encrypt(&[round; 32]).unwrap();
            assert!(!m.prekey);
            assert_eq!(&*a.decrypt(&m.data, false, 3, rng).unwrap(), &[round; 32]);
            assert!(a.is_confirmed());
            let m = a.encrypt(&[round; 48]).unwrap();
            assert!(!m.prekey, "confirmed sessions send plain messages");
            assert_eq!(&*b.decrypt(&m.data, false, 3, rng).unwrap(), &[round; 48]);
        }
    }
}

#[test]
fn out_of_order_and_skipped_keys() {
    for version in VERSIONS {
        let rng = &mut TestRng::new(b"out of order");
        let (mut a, mut b) = pair(version, rng);
        let reply = b.encrypt(b"ack").unwrap();
        a.decrypt(&reply.data, false, 1, rng).unwrap();
        let msgs: Vec<_> = (0..6u8).map(|i| a.encrypt(&[i; 16]).unwrap()).collect();
        // 5, 0, 3 arrive first; 1, 2, 4 later; a ratchet turn in between.
        for i in [5usize, 0, 3] {
            assert_eq!(
                &*b.decrypt(&msgs[i].data, false, 10, rng).unwrap(),
                &[i as u8; 16]
            );
        }
        // 0.3 keeps one more key per ratchet turn (libsignal's PN is the last index, see ratchet.rs).
        let extra = usize::from(version == Version::V03);
        assert_eq!(b.skipped_keys(), 3 + extra);
        let turn = b.encrypt(b"turn").unwrap();
        a.decrypt(&turn.data, false, 11, rng).unwrap();
        let later = a.encrypt(b"new chain").unwrap();
        let later2 = a.encrypt(b"new chain 2").unwrap();
        assert_eq!(
            &*b.decrypt(&later2.data, false, 12, rng).unwrap(),
            b"new chain 2"
        );
        for i in [4usize, 1, 2] {
            assert_eq!(
                &*b.decrypt(&msgs[i].data, false, 13, rng).unwrap(),
                &[i as u8; 16]
            );
        }
        assert_eq!(
            &*b.decrypt(&later.data, false, 14, rng).unwrap(),
            b"new chain"
        );
        assert_eq!(b.skipped_keys(), 2 * extra);
        // Every one of them only once.
        for m in msgs.iter().chain([&later, &later2]) {
            assert_eq!(b.decrypt(&m.data, false, 15, rng), Err(Error::Duplicate));
        }
    }
}

#[test]
fn skip_bound_per_message_and_per_session() {
    for version in VERSIONS {
        let rng = &mut TestRng::new(b"bounds");
        let (mut a, mut b) = pair(version, rng);
        let reply = b.encrypt(b"ack").unwrap();
        a.decrypt(&reply.data, false, 1, rng).unwrap();
        let mut msgs = Vec::new();
        for _ in 0..=MAX_SKIP_PER_MESSAGE + 1 {
            msgs.push(a.encrypt(b"k").unwrap());
        }
        // The last one (index MAX+1) needs MAX+1 skipped keys.
        let last = msgs.last().unwrap();
        let before = b.to_bytes();
        assert!(matches!(
            b.decrypt(&last.data, false, 1, rng),
            Err(Error::TooManySkipped { .. })
        ));
        assert_eq!(
            *b.to_bytes(),
            *before,
            "refused message leaves the session unchanged"
        );
        // Exactly MAX skipped keys is fine, and the store keeps at most MAX_SKIPPED_KEYS.
        let ok = &msgs[msgs.len() - 2];
        assert_eq!(&*b.decrypt(&ok.data, false, 1, rng).unwrap(), b"k");
        assert_eq!(b.skipped_keys(), MAX_SKIPPED_KEYS);
        // Another chain's skipped keys push the oldest out.
        let reply = b.encrypt(b"ack 2").unwrap();
        a.decrypt(&reply.data, false, 2, rng).unwrap();
        let m0 = a.encrypt(b"x").unwrap();
        let m1 = a.encrypt(b"y").unwrap();
        b.decrypt(&m1.data, false, 5, rng).unwrap();
        assert_eq!(b.skipped_keys(), MAX_SKIPPED_KEYS);
        // The oldest (index 2 of the old chain, stored first) are gone; the newest still works.
        assert_eq!(
            b.decrypt(&msgs[1].data, false, 5, rng),
            Err(Error::Duplicate)
        );
        assert_eq!(&*b.decrypt(&m0.data, false, 5, rng).unwrap(), b"x");
        assert_eq!(b.skipped_keys(), MAX_SKIPPED_KEYS - 1);
        // Pruning by age: all but those stored at time 5 (index MAX+1 of the old chain, and for 0.3
        // the extra key MAX+2, see ratchet.rs).
        let extra = usize::from(version == Version::V03);
        assert_eq!(b.prune_skipped(2), MAX_SKIPPED_KEYS - 2 - extra);
        assert_eq!(
            &*b.decrypt(&msgs[msgs.len() - 1].data, false, 6, rng)
                .unwrap(),
            b"k"
        );
        assert_eq!(b.skipped_keys(), extra);
    }
}

#[test]
fn tampering_leaves_session_unchanged() {
    for version in VERSIONS {
        let rng = &mut TestRng::new(b"tamper");
        let (mut a, mut b) = pair(version, rng);
        let reply = b.encrypt(b"ack").unwrap();
        a.decrypt(&reply.data, false, 1, rng).unwrap();
        // Alice's ratchet has turned: `m` carries a new ratchet key, so decrypting it takes a DH
        // step, the part that must be rolled back when the message does not check out.
        let m = a.encrypt(b"valid").unwrap();
        let before = b.to_bytes();
        for i in 0..m.data.len() {
            for bit in [0x01u8, 0x80] {
                let mut bad = m.data.clone();
                bad[i] ^= bit;
                let result = b.decrypt(&bad, false, 2, rng);
                assert!(
                    result.is_err(),
                    "{version:?}: flipping byte {i} went unnoticed"
                );
                assert_eq!(
                    *b.to_bytes(),
                    *before,
                    "{version:?}: byte {i} changed the session"
                );
            }
        }
        // Truncated and garbage.
        for len in 0..m.data.len() {
            assert!(b.decrypt(&m.data[..len], false, 2, rng).is_err());
        }
        assert!(b.decrypt(&[0u8; 100], false, 2, rng).is_err());
        assert_eq!(*b.to_bytes(), *before);
        // The real one still decrypts, once.
        assert_eq!(&*b.decrypt(&m.data, false, 2, rng).unwrap(), b"valid");
        assert_eq!(b.decrypt(&m.data, false, 2, rng), Err(Error::Duplicate));
    }
}

#[test]
fn tampered_mac_is_bad_mac() {
    for version in VERSIONS {
        let rng = &mut TestRng::new(b"mac");
        let (mut a, mut b) = pair(version, rng);
        let reply = b.encrypt(b"ack").unwrap();
        a.decrypt(&reply.data, false, 1, rng).unwrap();
        let m = a.encrypt(b"valid").unwrap();
        let mut bad = m.data.clone();
        // 0.3: the MAC is the last 8 bytes. OMEMO 2: field 1 comes first (tag, length, 16 bytes).
        let index = match version {
            Version::V03 => bad.len() - 1,
            Version::V2 => 2,
        };
        bad[index] ^= 1;
        assert_eq!(b.decrypt(&bad, false, 2, rng), Err(Error::BadMac));
        assert_eq!(&*b.decrypt(&m.data, false, 2, rng).unwrap(), b"valid");
    }
}

#[test]
fn persistence_round_trip_and_malformed() {
    for version in VERSIONS {
        let rng = &mut TestRng::new(b"persist");
        let (mut a, mut b) = pair(version, rng);
        // "one" never arrives; "two" arrives after the restart.
        let _lost = a.encrypt(b"one").unwrap();
        let skipped = a.encrypt(b"two").unwrap();
        let m3 = a.encrypt(b"three").unwrap();
        b.decrypt(&m3.data, true, 7, rng).unwrap();
        let stored = b.to_bytes();
        let mut restored = Session::from_bytes(&stored).unwrap();
        assert_eq!(*restored.to_bytes(), *stored);
        assert_eq!(restored.skipped_keys(), 2);
        assert_eq!(
            &*restored.decrypt(&skipped.data, true, 8, rng).unwrap(),
            b"two"
        );
        let reply = restored.encrypt(b"reply").unwrap();
        assert_eq!(&*a.decrypt(&reply.data, false, 9, rng).unwrap(), b"reply");
        let a_restored = Session::from_bytes(&a.to_bytes()).unwrap();
        assert!(a_restored.is_confirmed());

        for len in 0..stored.len() {
            assert!(
                Session::from_bytes(&stored[..len]).is_err(),
                "truncated at {len}"
            );
        }
        let mut longer = stored.to_vec();
        longer.push(0);
        assert!(Session::from_bytes(&longer).is_err());
        let mut wrong = stored.to_vec();
        wrong[3] = 2;
        assert!(Session::from_bytes(&wrong).is_err());
        assert!(Session::from_bytes(b"garbage").is_err());
    }
}

#[test]
fn bad_signature_and_missing_pre_key_refused() {
    for version in VERSIONS {
        let rng = &mut TestRng::new(b"signature");
        let alice = Device::new(version, rng);
        let bob = Device::new(version, rng);
        let mut bundle = bob.bundle(version);
        bundle.signed_pre_key_signature[5] ^= 1;
        assert_eq!(
            Session::initiate(&alice.identity, &bundle, rng).err(),
            Some(Error::BadSignature)
        );
        // A signature by another identity.
        let mut bundle = bob.bundle(version);
        bundle.identity_key = alice.identity.public(version);
        assert_eq!(
            Session::initiate(&alice.identity, &bundle, rng).err(),
            Some(Error::BadSignature)
        );
        // The other version's signature over the same key does not pass either.
        let other = if version == Version::V03 {
            Version::V2
        } else {
            Version::V03
        };
        let spk = SignedPreKey::generate(&bob.identity, other, 1, 0, rng);
        let bundle = Bundle::own(version, &bob.identity, &spk, &bob.one_time);
        assert_eq!(
            Session::initiate(&alice.identity, &bundle, rng).err(),
            Some(Error::BadSignature)
        );
        let mut bundle = bob.bundle(version);
        bundle.pre_keys.clear();
        assert_eq!(
            Session::initiate(&alice.identity, &bundle, rng).err(),
            Some(Error::NoPreKey)
        );
    }
}

#[test]
fn unknown_pre_keys_and_new_sessions() {
    for version in VERSIONS {
        let rng = &mut TestRng::new(b"unknown");
        let alice = Device::new(version, rng);
        let bob = Device::new(version, rng);
        let mut a = Session::initiate(&alice.identity, &bob.bundle(version), rng).unwrap();
        let first = a.encrypt(b"k").unwrap();
        let no_opk = PreKeys {
            signed: &bob.signed,
            one_time: &[],
        };
        assert!(matches!(
            Session::accept(version, &bob.identity, &no_opk, &first.data, 1, rng),
            Err(Error::UnknownPreKey(_))
        ));
        let no_spk = PreKeys {
            signed: &[],
            one_time: &bob.one_time,
        };
        assert_eq!(
            Session::accept(version, &bob.identity, &no_spk, &first.data, 1, rng).err(),
            Some(Error::UnknownSignedPreKey(1))
        );
        // A different identity on Bob's side: the MAC fails, nothing is returned.
        let impostor = IdentityKeyPair::generate(rng);
        assert_eq!(
            Session::accept(version, &impostor, &bob.lookup(), &first.data, 1, rng).err(),
            Some(Error::BadMac)
        );
        let mut b = Session::accept(version, &bob.identity, &bob.lookup(), &first.data, 1, rng)
            .unwrap()
            .session;
        // A fresh key exchange from Alice (e.g. she lost her session) is not this session.
        let mut a2 = Session::initiate(&alice.identity, &bob.bundle(version), rng).unwrap();
        let fresh = a2.encrypt(b"k2").unwrap();
        assert_eq!(
            b.decrypt(&fresh.data, true, 2, rng),
            Err(Error::NotThisSession)
        );
        // A plain message for a pre-key message is malformed in the other's format, not a panic.
        assert!(b.decrypt(&fresh.data, false, 2, rng).is_err());
    }
}

#[test]
fn one_identity_both_versions() {
    let rng = &mut TestRng::new(b"identity");
    let id = IdentityKeyPair::generate(rng);
    let restored = IdentityKeyPair::from_bytes(&id.to_bytes()).unwrap();
    assert_eq!(restored.ed25519_public(), id.ed25519_public());
    let v03 = id.public(Version::V03);
    assert_eq!(v03[0], 0x05);
    assert_eq!(&v03[1..], &id.curve25519_public());
    assert_eq!(
        omemo::xeddsa::ed25519_to_curve(&id.ed25519_public()),
        Some(id.curve25519_public())
    );
    assert_eq!(id.fingerprint(Version::V03).len(), 71);
    assert!(!format!("{id:?}").contains(&omemo::fingerprint::format(&id.to_bytes()[1..])));
    let private = IdentityKeyPair::from_private([42; 32]);
    assert_eq!(
        IdentityKeyPair::from_bytes(&private.to_bytes())
            .unwrap()
            .curve25519_public(),
        private.curve25519_public()
    );
    assert!(IdentityKeyPair::from_bytes(&[3; 33]).is_err());
    assert!(IdentityKeyPair::from_bytes(&[1; 32]).is_err());
}

#[test]
fn low_order_keys_refused() {
    for version in VERSIONS {
        let rng = &mut TestRng::new(b"low order");
        let alice = Device::new(version, rng);
        let bob = Device::new(version, rng);
        // A (malicious) bundle whose signed pre-key is the zero point, properly signed.
        let zero = [0u8; 32];
        let signed_zero = match version {
            Version::V03 => [&[5u8][..], &zero].concat(),
            Version::V2 => zero.to_vec(),
        };
        let mut bundle = bob.bundle(version);
        bundle.signed_pre_key = signed_zero.clone();
        bundle.signed_pre_key_signature = bob
            .identity
            .sign_with_nonce(version, &signed_zero, &[7; 64])
            .to_vec();
        assert_eq!(
            Session::initiate(&alice.identity, &bundle, rng).err(),
            Some(Error::InvalidKey)
        );
        // A low-order one-time pre-key.
        let mut bundle = bob.bundle(version);
        for (_, key) in bundle.pre_keys.iter_mut() {
            *key = signed_zero.clone();
        }
        assert_eq!(
            Session::initiate(&alice.identity, &bundle, rng).err(),
            Some(Error::InvalidKey)
        );
    }
    // OMEMO 2 identity keys of small order (here the neutral element) are refused outright.
    let mut neutral = [0u8; 32];
    neutral[0] = 1;
    assert_eq!(
        omemo::RemoteIdentity::parse(Version::V2, &neutral).err(),
        Some(Error::InvalidKey)
    );
    assert!(omemo::RemoteIdentity::parse(Version::V03, &[5; 32]).is_err());
    assert!(omemo::RemoteIdentity::parse(Version::V03, &[6; 33]).is_err());
}

#[test]
fn random_garbage_never_panics() {
    let rng = &mut TestRng::new(b"garbage");
    for version in VERSIONS {
        let (mut a, mut b) = pair(version, rng);
        let bob = Device::new(version, rng);
        let real = a.encrypt(b"real").unwrap();
        for round in 0..2000u32 {
            let mut data = vec![0u8; (round % 200) as usize];
            rand_core::RngCore::fill_bytes(rng, &mut data);
            // Half of them start like the real thing, then diverge.
            if round % 2 == 0 {
                let keep = (round as usize / 2) % real.data.len();
                data.splice(0..0, real.data[..keep].iter().copied());
            }
            let _ = b.decrypt(&data, round % 3 == 0, 1, rng);
            let _ = Session::accept(version, &bob.identity, &bob.lookup(), &data, 1, rng);
            let _ = Session::from_bytes(&data);
        }
        assert_eq!(&*b.decrypt(&real.data, true, 1, rng).unwrap(), b"real");
    }
}
