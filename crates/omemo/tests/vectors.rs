//! Fixed vectors from python-omemo (vectors/generate.py) and the Rust → python direction
//! (rust_output_*.json, checked by vectors/check_rust_output.py).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::VecDeque;
use std::path::PathBuf;

use common::{TestRng, key32, unhex};
use omemo::{
    Bundle, IdentityKeyPair, PreKey, PreKeys, RemoteIdentity, Session, SignedPreKey, Version,
    payload, x3dh, xeddsa,
};
use rand_core::{CryptoRng, RngCore};
use serde_json::{Value, json};
use sha2::{Digest, Sha512};

fn vector(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("vectors")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap()
}

fn versions() -> [(Version, &'static str); 2] {
    [(Version::V03, "v03"), (Version::V2, "v2")]
}

#[test]
fn xeddsa_signatures_match_libxeddsa() {
    let v = vector("xeddsa.json");
    for case in v["cases"].as_array().unwrap() {
        let seed = key32(s(&case["seed"]));
        let private = key32(s(&case["private"]));
        let message = unhex(s(&case["message"]));
        let nonce: [u8; 64] = unhex(s(&case["nonce"])).try_into().unwrap();
        // seed → private scalar (libsodium's crypto_sign_ed25519_sk_to_curve25519).
        let mut hash = [0u8; 32];
        hash.copy_from_slice(&Sha512::digest(seed)[..32]);
        assert_eq!(xeddsa::clamp(hash), private);
        assert_eq!(
            *xeddsa::force_sign_bit_zero(&private),
            key32(s(&case["forced_private"]))
        );
        let ed = key32(s(&case["ed25519_public"]));
        let curve = key32(s(&case["curve25519_public"]));
        let identity = IdentityKeyPair::from_seed(seed);
        assert_eq!(identity.ed25519_public(), ed);
        assert_eq!(identity.curve25519_public(), curve);
        let sig_v2: [u8; 64] = unhex(s(&case["signature_v2"])).try_into().unwrap();
        let sig_v03: [u8; 64] = unhex(s(&case["signature_v03"])).try_into().unwrap();
        let sig_py: [u8; 64] = unhex(s(&case["signature_v03_python_omemo"]))
            .try_into()
            .unwrap();
        assert_eq!(xeddsa::sign(&private, &message, &nonce), sig_v2);
        assert_eq!(
            identity.sign_with_nonce(Version::V2, &message, &nonce),
            sig_v2
        );
        assert_eq!(
            identity.sign_with_nonce(Version::V03, &message, &nonce),
            sig_v03
        );
        assert!(xeddsa::verify_ed25519(&ed, &message, &sig_v2));
        assert!(xeddsa::verify_curve25519(&curve, &message, &sig_v03));
        // python-omemo's own 0.3 bundles: the sign bit rides in the signature.
        assert!(xeddsa::verify_curve25519(&curve, &message, &sig_py));
        if case["ed25519_sign_bit"] == 1 {
            // Without the sign bit it would not verify: the case really exercises it.
            assert!(!xeddsa::verify_curve25519(&curve, &message, &sig_v2));
        }
        let mut other = message.clone();
        other[0] ^= 1;
        assert!(!xeddsa::verify_curve25519(&curve, &other, &sig_v03));
        assert!(!xeddsa::verify_ed25519(&ed, &other, &sig_v2));
    }
}

#[test]
fn x3dh_matches_python_x3dh() {
    for (version, name) in versions() {
        let v = vector(&format!("x3dh_{name}.json"));
        let alice = IdentityKeyPair::from_seed(key32(s(&v["alice_seed"])));
        let bob = IdentityKeyPair::from_seed(key32(s(&v["bob_seed"])));
        let spk = key32(s(&v["bob_signed_pre_key_private"]));
        let opk = key32(s(&v["bob_pre_key_private"]));
        let ek = key32(s(&v["alice_ephemeral_private"]));
        let bob_remote = RemoteIdentity::parse(version, &bob.public(version)).unwrap();
        let alice_remote = RemoteIdentity::parse(version, &alice.public(version)).unwrap();
        let active = x3dh::initiate(
            version,
            &alice,
            &bob_remote,
            &xeddsa::curve25519_public(&spk),
            &xeddsa::curve25519_public(&opk),
            &ek,
        )
        .unwrap();
        let passive = x3dh::respond(
            version,
            &bob,
            &alice_remote,
            &xeddsa::curve25519_public(&ek),
            &spk,
            &opk,
        )
        .unwrap();
        for agreement in [active, passive] {
            assert_eq!(
                hex::encode(*agreement.shared_secret),
                s(&v["shared_secret"]),
                "{name}"
            );
            assert_eq!(
                hex::encode(&agreement.associated_data),
                s(&v["associated_data"]),
                "{name}"
            );
        }
    }
}

/// Hands out recorded 32-byte values, in order (python Bob's ratchet keys).
struct QueueRng(VecDeque<[u8; 32]>);

impl RngCore for QueueRng {
    fn next_u32(&mut self) -> u32 {
        panic!("unexpected randomness request")
    }
    fn next_u64(&mut self) -> u64 {
        panic!("unexpected randomness request")
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        assert_eq!(dest.len(), 32);
        dest.copy_from_slice(
            &self
                .0
                .pop_front()
                .expect("more randomness than python used"),
        );
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}

impl CryptoRng for QueueRng {}

#[test]
fn python_alice_to_rust_bob() {
    for (version, name) in versions() {
        replay_as_bob(version, &format!("session_{name}.json"));
    }
}

/// libsignal (omemo-dr) as Alice, OMEMO 0.3: includes the last message of an old chain arriving
/// after the new chain started (libsignal's PN is the last index).
#[test]
fn libsignal_alice_to_rust_bob() {
    replay_as_bob(Version::V03, "libsignal_v03.json");
}

/// Plays Bob through the steps of a vector (see generate.py / libsignal.py).
fn replay_as_bob(version: Version, file: &str) {
    let v = vector(file);
    let bob = match v.get("bob_seed") {
        Some(seed) => IdentityKeyPair::from_seed(key32(s(seed))),
        None => IdentityKeyPair::from_private(key32(s(&v["bob_private"]))),
    };
    let spk = &v["bob_signed_pre_key"];
    let signed = vec![SignedPreKey::from_parts(
        spk["id"].as_u64().unwrap() as u32,
        key32(s(&spk["private"])),
        unhex(s(&spk["signature"])).try_into().unwrap(),
        0,
    )];
    let one_time: Vec<PreKey> = v["bob_pre_keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| PreKey::from_parts(k["id"].as_u64().unwrap() as u32, key32(s(&k["private"]))))
        .collect();
    let lookup = PreKeys {
        signed: &signed,
        one_time: &one_time,
    };
    let mut rng = QueueRng(
        v["bob_ratchet_privates"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| key32(s(p)))
            .collect(),
    );
    let mut session: Option<Session> = None;
    for (i, step) in v["steps"].as_array().unwrap().iter().enumerate() {
        let data = unhex(s(&step["data"]));
        let plaintext = unhex(s(&step["plaintext"]));
        if step["to"] == "bob" {
            let prekey = step["prekey"].as_bool().unwrap();
            let got = match session.as_mut() {
                Some(session) => session.decrypt(&data, prekey, 100, &mut rng).unwrap(),
                None => {
                    let accepted =
                        Session::accept(version, &bob, &lookup, &data, 100, &mut rng).unwrap();
                    assert_eq!(
                        hex::encode(accepted.session.remote_identity().as_bytes()),
                        s(&v["alice_identity"])
                    );
                    assert!(one_time.iter().any(|k| k.id() == accepted.pre_key_id));
                    session = Some(accepted.session);
                    accepted.key_material
                }
            };
            assert_eq!(*got, plaintext, "{file} step {i}");
            // Every message only once.
            let again = session
                .as_mut()
                .unwrap()
                .decrypt(&data, prekey, 100, &mut rng);
            assert_eq!(again, Err(omemo::Error::Duplicate), "{file} step {i}");
        } else {
            let sent = session.as_mut().unwrap().encrypt(&plaintext).unwrap();
            assert!(!sent.prekey);
            match step.get("ciphertext") {
                // libsignal: same message key (so the same ciphertext), PN written differently.
                Some(ciphertext) => {
                    let ciphertext = unhex(s(ciphertext));
                    assert!(
                        sent.data
                            .windows(ciphertext.len())
                            .any(|w| w == ciphertext.as_slice()),
                        "{file} step {i}: Rust Bob's reply has another message key"
                    );
                }
                None => assert_eq!(
                    hex::encode(&sent.data),
                    s(&step["data"]),
                    "{file} step {i}: Rust Bob's reply differs"
                ),
            }
        }
    }
    assert!(
        rng.0.is_empty(),
        "{file}: Rust used less randomness than the reference"
    );
}

#[test]
fn payloads_match_python() {
    let v = vector("payload_v03.json");
    let key_material = unhex(s(&v["key_material"]));
    let iv: [u8; 12] = unhex(s(&v["iv"])).try_into().unwrap();
    let plaintext = unhex(s(&v["plaintext"]));
    let p = payload::encrypt_v03_with(&key_material[..16].try_into().unwrap(), &iv, &plaintext)
        .unwrap();
    assert_eq!(*p.key_material, key_material);
    assert_eq!(hex::encode(&p.ciphertext), s(&v["ciphertext"]));
    assert_eq!(
        *payload::decrypt_v03(&key_material, &iv, &unhex(s(&v["ciphertext"]))).unwrap(),
        plaintext
    );

    let v = vector("payload_v2.json");
    let key_material = unhex(s(&v["key_material"]));
    let plaintext = unhex(s(&v["plaintext"]));
    let p = payload::encrypt_v2_with(&key_material[..32].try_into().unwrap(), &plaintext);
    assert_eq!(*p.key_material, key_material);
    assert_eq!(hex::encode(&p.ciphertext), s(&v["ciphertext"]));
    assert_eq!(
        *payload::decrypt_v2(&key_material, &unhex(s(&v["ciphertext"]))).unwrap(),
        plaintext
    );
}

fn bundle_from(version: Version, file: &str) -> Bundle {
    let v = vector(file);
    let b = &v["bundle"];
    Bundle {
        version,
        identity_key: unhex(s(&b["identity_key"])),
        signed_pre_key_id: b["signed_pre_key_id"].as_u64().unwrap() as u32,
        signed_pre_key: unhex(s(&b["signed_pre_key"])),
        signed_pre_key_signature: unhex(s(&b["signature"])),
        pre_keys: b["pre_keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p[0].as_u64().unwrap() as u32, unhex(s(&p[1]))))
            .collect(),
    }
}

/// What Rust (Alice) sends to python-omemo's Bob: deterministic, so it is committed and compared.
fn rust_output(version: Version, name: &str) -> Value {
    rust_alice(version, name).1
}

/// The bundle Rust encrypts to: python-omemo's Bob, or for "libsignal_v03" omemo-dr's.
fn bundle_file(name: &str) -> String {
    match name {
        "libsignal_v03" => "libsignal_bob_v03.json".to_string(),
        _ => format!("python_bob_{name}.json"),
    }
}

/// Rust Alice's session after sending, and what she sent.
fn rust_alice(version: Version, name: &str) -> (Session, Value) {
    let bundle = bundle_from(version, &bundle_file(name));
    let rng = &mut TestRng::new(format!("rust to python {name}").as_bytes());
    let alice = IdentityKeyPair::from_seed([0x11; 32]);
    let mut session = Session::initiate(&alice, &bundle, rng).unwrap();
    let body = format!("Hallo aus Rust ({name})");
    let (payload, first_material) = match version {
        Version::V03 => {
            let p = payload::encrypt_v03(body.as_bytes(), rng).unwrap();
            let key_material = p.key_material.to_vec();
            (
                json!({"iv": hex::encode(p.iv), "ciphertext": hex::encode(&p.ciphertext)}),
                key_material,
            )
        }
        Version::V2 => {
            let p = payload::encrypt_v2(body.as_bytes(), rng);
            let key_material = p.key_material.to_vec();
            (
                json!({"ciphertext": hex::encode(&p.ciphertext)}),
                key_material,
            )
        }
    };
    let len = first_material.len();
    let mut messages = Vec::new();
    for i in 0..5u8 {
        let material = if i == 0 {
            first_material.clone()
        } else {
            vec![i; len]
        };
        let sent = session.encrypt(&material).unwrap();
        messages.push(json!({
            "index": i, "prekey": sent.prekey, "data": hex::encode(&sent.data), "plaintext": hex::encode(&material),
        }));
    }
    // Out of order: python Bob builds the session from message 2.
    let order = [2usize, 0, 4, 1, 3];
    let output = json!({
        "comment": "Written by `OMEMO_WRITE_VECTORS=1 cargo test -p plausch-omemo --test vectors`; \
                    decrypted by check_rust_output.py with python_bob_*.json",
        "alice_identity": hex::encode(alice.public(version)),
        "messages": order.iter().map(|&i| messages[i].clone()).collect::<Vec<_>>(),
        "payload": payload,
        "payload_plaintext": hex::encode(body.as_bytes()),
    });
    (session, output)
}

#[test]
fn rust_alice_decrypts_python_replies() {
    for (version, name) in versions()
        .into_iter()
        .chain([(Version::V03, "libsignal_v03")])
    {
        let (mut session, _) = rust_alice(version, name);
        let reply_file = match name {
            "libsignal_v03" => "libsignal_reply_v03.json".to_string(),
            _ => format!("python_reply_{name}.json"),
        };
        let v = vector(&reply_file);
        let replies = v["replies"].as_array().unwrap();
        let rng = &mut TestRng::new(b"replies");
        for reply in replies.iter().rev() {
            let got = session
                .decrypt(&unhex(s(&reply["data"])), false, 1, rng)
                .unwrap();
            assert_eq!(hex::encode(&*got), s(&reply["plaintext"]), "{name}");
        }
        assert!(session.is_confirmed());
        assert!(!session.encrypt(b"next").unwrap().prekey);
    }
}

#[test]
fn rust_alice_to_python_bob_output_is_committed() {
    for (version, name) in versions()
        .into_iter()
        .chain([(Version::V03, "libsignal_v03")])
    {
        let output = rust_output(version, name);
        let file = format!("rust_output_{name}.json");
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("vectors")
            .join(&file);
        if std::env::var_os("OMEMO_WRITE_VECTORS").is_some() {
            std::fs::write(&path, serde_json::to_string_pretty(&output).unwrap() + "\n").unwrap();
        } else {
            assert_eq!(
                output,
                vector(&file),
                "{file} differs from what Rust produces now: regenerate and re-check"
            );
        }
    }
}
