//! What encrypting and decrypting one OMEMO message costs (issue 22's budget:
//! encrypt + decrypt ≤ 1 ms median), for both versions:
//!
//! - **one way**: Alice writes, Bob reads, message after message (the
//!   symmetric ratchet only);
//! - **turns**: they take turns, so every message also turns the DH ratchet
//!   (two X25519 operations more): the worst case of a conversation;
//! - **three devices**: one payload, its key encrypted for three devices (a
//!   contact with two devices and one other device of our own) and read by one.
//!
//! A message is the payload (a 100-byte body; for OMEMO 2 an envelope of
//! that size) encrypted, its key encrypted for the device(s), then the key
//! decrypted and the payload opened. `cargo bench -p plausch-omemo` runs
//! 2,000 messages a case; without `--bench` (as under `cargo test`) a smoke
//! run of 20 checks that the same code works.
//!
//! Also the file encryption of XEP-0454 (issue 23): 200 MB encrypted and
//! decrypted in 64 KiB pieces, as uploads and downloads stream them
//! (2 MB in the smoke run).

use std::time::{Duration, Instant};

use omemo::{Bundle, IdentityKeyPair, PreKey, PreKeys, Session, SignedPreKey, Version, payload};
use rand_core::OsRng;

struct Device {
    identity: IdentityKeyPair,
    signed: SignedPreKey,
    one_time: Vec<PreKey>,
}

impl Device {
    fn new(version: Version) -> Device {
        let identity = IdentityKeyPair::generate(&mut OsRng);
        let signed = SignedPreKey::generate(&identity, version, 1, 0, &mut OsRng);
        let one_time = PreKey::generate_batch(1, 10, &mut OsRng);
        Device {
            identity,
            signed,
            one_time,
        }
    }

    fn bundle(&self, version: Version) -> Bundle {
        Bundle::own(version, &self.identity, &self.signed, &self.one_time)
    }
}

/// A confirmed session pair: Alice started, Bob accepted and answered.
fn pair(version: Version) -> (Session, Session) {
    let alice = Device::new(version);
    let bob = Device::new(version);
    let mut a = Session::initiate(&alice.identity, &bob.bundle(version), &mut OsRng)
        .unwrap_or_else(|e| panic!("initiate: {e}"));
    let first = a.encrypt(&[1; 32]).unwrap_or_else(|e| panic!("{e}"));
    let lookup = PreKeys {
        signed: std::slice::from_ref(&bob.signed),
        one_time: &bob.one_time,
    };
    let mut b = Session::accept(version, &bob.identity, &lookup, &first.data, 0, &mut OsRng)
        .unwrap_or_else(|e| panic!("accept: {e}"))
        .session;
    let answer = b.encrypt(&[2; 32]).unwrap_or_else(|e| panic!("{e}"));
    a.decrypt(&answer.data, answer.prekey, 0, &mut OsRng)
        .unwrap_or_else(|e| panic!("confirm: {e}"));
    (a, b)
}

const BODY: &[u8] = &[b'x'; 100];

/// One message: the payload encrypted, its key encrypted by each session
/// of `senders` (one per recipient device), the first recipient (`reader`)
/// decrypting it; the time it took.
fn message(version: Version, senders: &mut [&mut Session], reader: &mut Session) -> Duration {
    let start = Instant::now();
    let (key_material, iv, ciphertext) = match version {
        Version::V03 => {
            let p = payload::encrypt_v03(BODY, &mut OsRng).unwrap_or_else(|e| panic!("{e}"));
            (p.key_material.to_vec(), Some(p.iv), p.ciphertext)
        }
        Version::V2 => {
            let p = payload::encrypt_v2(BODY, &mut OsRng);
            (p.key_material.to_vec(), None, p.ciphertext)
        }
    };
    let keys: Vec<_> = senders
        .iter_mut()
        .map(|s| s.encrypt(&key_material).unwrap_or_else(|e| panic!("{e}")))
        .collect();
    let key = reader
        .decrypt(&keys[0].data, keys[0].prekey, 0, &mut OsRng)
        .unwrap_or_else(|e| panic!("decrypt: {e}"));
    let body = match iv {
        Some(iv) => payload::decrypt_v03(&key, &iv, &ciphertext),
        None => payload::decrypt_v2(&key, &ciphertext),
    }
    .unwrap_or_else(|e| panic!("payload: {e}"));
    let took = start.elapsed();
    assert_eq!(&body[..], BODY);
    took
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let n = if std::env::args().any(|a| a == "--bench") {
        2_000
    } else {
        20
    };
    for version in [Version::V03, Version::V2] {
        let (mut a, mut b) = pair(version);
        let one_way: Vec<_> = (0..n)
            .map(|_| message(version, &mut [&mut a], &mut b))
            .collect();
        let turns: Vec<_> = (0..n)
            .map(|i| {
                if i % 2 == 0 {
                    message(version, &mut [&mut a], &mut b)
                } else {
                    message(version, &mut [&mut b], &mut a)
                }
            })
            .collect();
        let (mut c1, mut d1) = pair(version);
        let (mut c2, _) = pair(version);
        let (mut c3, _) = pair(version);
        let three: Vec<_> = (0..n)
            .map(|_| message(version, &mut [&mut c1, &mut c2, &mut c3], &mut d1))
            .collect();
        println!(
            "{version:?}: encrypt + decrypt, median of {n}: one way {:?}, turns {:?}, three devices {:?}",
            median(one_way),
            median(turns),
            median(three)
        );
    }
    media(if n > 100 { 200 } else { 2 });
}

/// Streams `mb` megabytes through the file encryption and back.
fn media(mb: usize) {
    use omemo::media::{MediaDecryptor, MediaEncryptor, MediaKey};
    const PIECE: usize = 64 * 1024;
    let key = MediaKey::generate(&mut OsRng);
    let total = mb * 1_000_000;
    let mut piece = vec![0x5au8; PIECE];
    let mut encryptor = MediaEncryptor::new(&key);
    let mut sealed_piece = Vec::new();
    let mut decryptor = MediaDecryptor::new(&key);
    let mut plain = Vec::with_capacity(PIECE + 16);
    let (mut enc_time, mut dec_time) = (Duration::ZERO, Duration::ZERO);
    let mut done = 0;
    while done < total {
        let len = PIECE.min(total - done);
        let t = Instant::now();
        encryptor.update(&mut piece[..len]);
        enc_time += t.elapsed();
        sealed_piece.clear();
        sealed_piece.extend_from_slice(&piece[..len]);
        let t = Instant::now();
        plain.clear();
        decryptor.update(&sealed_piece, &mut plain);
        dec_time += t.elapsed();
        done += len;
    }
    let tag = encryptor.finish();
    plain.clear();
    decryptor.update(&tag, &mut plain);
    let ok = decryptor.finish().is_ok();
    let rate = |d: Duration| mb as f64 / d.as_secs_f64().max(1e-9);
    println!(
        "files (XEP-0454): {mb} MB in 64 KiB pieces: encrypt {enc_time:?} ({:.0} MB/s), decrypt {dec_time:?} ({:.0} MB/s), tag {}",
        rate(enc_time),
        rate(dec_time),
        if ok { "matches" } else { "DOES NOT MATCH" }
    );
    assert!(ok, "the streamed file must open");
}
