#!/usr/bin/env python3
"""OMEMO 0.3 against a libsignal implementation: omemo-dr 1.2.0 (Gajim's port of
libsignal-protocol; same venv as generate.py). A test tool, not run in CI.

    /tmp/omemo-venv/bin/python crates/omemo/vectors/libsignal.py          # writes libsignal_*.json
    /tmp/omemo-venv/bin/python crates/omemo/vectors/libsignal.py check    # after the Rust test wrote
                                                                           # rust_output_libsignal_v03.json

libsignal differs from python-omemo where it matters for interop: its own session bookkeeping
(receiver chains instead of precomputed skipped keys), its signature scheme (curve_sigs, sign bit
in the signature) and PN = (messages in the previous chain) - 1.

- libsignal_v03.json: omemo-dr Alice builds a session from a Rust-style bundle of Bob (XEdDSA
  signature, verified by libsignal's curve verifier) and talks with an omemo-dr Bob; the steps
  are in the order Bob sees them, including the *last* message of an old chain arriving after
  the new chain has started. Rust, as Bob with the recorded ratchet randomness, must decrypt all
  of them; its replies must carry the same ciphertext as libsignal Bob's (the header differs:
  Plausch writes PN as a count, libsignal as the last index).
- libsignal_bob_v03.json: an omemo-dr Bob (private keys and bundle, signed by libsignal's
  signer). The Rust test encrypts to it (rust_output_libsignal_v03.json); `check` decrypts that
  with omemo-dr and writes omemo-dr's replies (libsignal_reply_v03.json) for Rust to decrypt.
"""

import os
import sys

if os.environ.get("PYTHONHASHSEED") != "0":
    os.environ["PYTHONHASHSEED"] = "0"
    os.execv(sys.executable, [sys.executable] + sys.argv)

import json
import random
import time

import xeddsa
from omemo_dr.const import NS_OMEMO_TMP
from omemo_dr.ecc.curve import Curve
from omemo_dr.ecc.djbec import CurvePublicKey, DjbECPrivateKey
from omemo_dr.ecc.eckeypair import ECKeyPair
from omemo_dr.identitykey import IdentityKey
from omemo_dr.identitykeypair import IdentityKeyPair
from omemo_dr.protocol.prekeywhispermessage import PreKeyWhisperMessage
from omemo_dr.protocol.whispermessage import WhisperMessage
from omemo_dr.sessionbuilder import SessionBuilder
from omemo_dr.sessioncipher import SessionCipher
from omemo_dr.state.prekeybundle import PreKeyBundle
from omemo_dr.state.prekeyrecord import PreKeyRecord
from omemo_dr.state.sessionrecord import SessionRecord
from omemo_dr.state.signedprekeyrecord import SignedPreKeyRecord
from omemo_dr.state.store import Store
from omemo_dr.util.keyhelper import KeyHelper

HERE = os.path.dirname(os.path.abspath(__file__))
RNG = random.Random(20261206)
os.urandom = lambda n: RNG.randbytes(n)  # omemo-dr's only randomness source
time.time = lambda: 1796558400.0

RATCHET_LOG = None
_generate = Curve.generate_key_pair


def _logged_generate():
    pair = _generate()
    if RATCHET_LOG is not None:
        RATCHET_LOG.append(pair.get_private_key().get_private_key())
    return pair


Curve.generate_key_pair = staticmethod(_logged_generate)


def h(b):
    return b.hex()


def fixed(label, n=32):
    return random.Random(label).randbytes(n)


def key_pair(priv):
    return ECKeyPair(CurvePublicKey(Curve._generate_public_key(priv)), DjbECPrivateKey(priv))


class MemoryStore(Store):
    """Just what SessionBuilder/SessionCipher use; trusts every identity."""

    def __init__(self, identity, device_id):
        self.identity = identity
        self.device_id = device_id
        self.pre_keys = {}
        self.signed_pre_keys = {}
        self.sessions = {}

    def get_identity_key_pair(self):
        return self.identity

    def get_our_device_id(self):
        return self.device_id

    def is_trusted_identity(self, recipient_id, identity_key):
        return True

    def save_identity(self, recipient_id, identity_key):
        pass

    def load_pre_key(self, pre_key_id):
        return self.pre_keys[pre_key_id]

    def contains_pre_key(self, pre_key_id):
        return pre_key_id in self.pre_keys

    def remove_pre_key(self, pre_key_id):
        self.pre_keys.pop(pre_key_id, None)

    def load_signed_pre_key(self, signed_pre_key_id):
        return self.signed_pre_keys[signed_pre_key_id]

    def load_session(self, recipient_id, device_id):
        return self.sessions.get((recipient_id, device_id)) or SessionRecord()

    def store_session(self, recipient_id, device_id, record):
        self.sessions[(recipient_id, device_id)] = record

    def contains_session(self, recipient_id, device_id):
        return (recipient_id, device_id) in self.sessions


# The remaining abstract methods are not used by these tests.
for _name in list(Store.__abstractmethods__):
    if not hasattr(MemoryStore, _name) or _name not in MemoryStore.__dict__:
        setattr(MemoryStore, _name, lambda self, *a, _n=_name, **k: (_ for _ in ()).throw(NotImplementedError(_n)))
MemoryStore.__abstractmethods__ = frozenset()


def identity_pair(priv):
    kp = key_pair(priv)
    return IdentityKeyPair.new(IdentityKey(kp.get_public_key()), kp.get_private_key())


def parse(data, prekey):
    return PreKeyWhisperMessage.from_bytes(data) if prekey else WhisperMessage.from_bytes(data)


def decrypt(cipher, data, prekey):
    return cipher.decrypt_pkmsg(parse(data, True)) if prekey else cipher.decrypt_msg(parse(data, False))


def gen_alice_to_bob():
    global RATCHET_LOG
    bob_priv = Curve._generate_private_key()  # clamped, as libsignal keeps it
    spk_priv = Curve._generate_private_key()
    opk_privs = [Curve._generate_private_key() for _ in range(3)]
    spk_pub = Curve._generate_public_key(spk_priv)
    # Bob's bundle as Plausch publishes it: XEdDSA with the sign-0 key.
    sig = xeddsa.ed25519_priv_sign(xeddsa.priv_force_sign(bob_priv, False), b"\x05" + spk_pub,
                                   fixed("libsignal spk nonce", 64))
    bob_store = MemoryStore(identity_pair(bob_priv), 2)
    bob_store.signed_pre_keys[5] = SignedPreKeyRecord.new(5, 0, key_pair(spk_priv), sig)
    for i, p in enumerate(opk_privs):
        bob_store.pre_keys[200 + i] = PreKeyRecord.new(200 + i, key_pair(p))
    alice_priv = Curve._generate_private_key()
    alice_store = MemoryStore(identity_pair(alice_priv), 1)
    bundle = PreKeyBundle(2, NS_OMEMO_TMP, 201, CurvePublicKey(Curve._generate_public_key(opk_privs[1])), 5,
                          CurvePublicKey(spk_pub), sig, IdentityKey(CurvePublicKey(Curve._generate_public_key(bob_priv))))
    SessionBuilder(alice_store, "bob", 2).process_pre_key_bundle(bundle)  # verifies the signature
    alice = SessionCipher(alice_store, "bob", 2)
    bob = SessionCipher(bob_store, "alice", 1)

    sent = {}
    steps = []
    bob_ratchet = []

    def alice_sends(i):
        msg = alice.encrypt(fixed(f"libsignal m{i}"))
        sent[i] = (msg.serialize(), isinstance(msg, PreKeyWhisperMessage), fixed(f"libsignal m{i}"))

    def bob_receives(i):
        global RATCHET_LOG
        data, prekey, plaintext = sent[i]
        RATCHET_LOG = bob_ratchet
        got = decrypt(bob, data, prekey)
        RATCHET_LOG = None
        assert got == plaintext
        steps.append(dict(to="bob", index=i, prekey=prekey, data=h(data), plaintext=h(plaintext)))

    def bob_sends(label):
        plaintext = fixed(label)
        msg = bob.encrypt(plaintext)
        assert isinstance(msg, WhisperMessage)
        data = msg.serialize()
        assert alice.decrypt_msg(WhisperMessage.from_bytes(data)) == plaintext
        # The CBC ciphertext (= same message key) must match; PN may not (see module comment).
        steps.append(dict(to="alice", data=h(data), plaintext=h(plaintext),
                          ciphertext=h(WhisperMessage.from_bytes(data).get_body())))

    for i in range(3):
        alice_sends(i)  # pre-key messages
    bob_receives(1)
    bob_receives(0)
    bob_sends("libsignal r0")
    alice_sends(3)
    alice_sends(4)
    alice_sends(5)
    bob_receives(3)
    bob_receives(4)
    bob_sends("libsignal r1")
    alice_sends(6)  # new chain: PN = 2 (libsignal), the chain had 3 messages (3, 4, 5)
    bob_receives(6)
    bob_receives(5)  # the last message of the old chain, late
    bob_receives(2)  # a pre-key message of the very first chain, very late
    bob_sends("libsignal r2")

    out = dict(
        comment="omemo-dr (libsignal) Alice -> Rust Bob; see libsignal.py",
        bob_private=h(bob_priv), bob_signed_pre_key=dict(id=5, private=h(spk_priv), signature=h(sig)),
        bob_pre_keys=[dict(id=200 + i, private=h(p)) for i, p in enumerate(opk_privs)],
        alice_identity=h(b"\x05" + Curve._generate_public_key(alice_priv)),
        bob_ratchet_privates=[h(p) for p in bob_ratchet], steps=steps)
    write("libsignal_v03.json", out)


def bob_keys():
    # Deterministic from labels, so `check` can rebuild the same Bob without storing his state.
    identity = identity_pair(_clamp(fixed("libsignal bob identity")))
    spk = key_pair(_clamp(fixed("libsignal bob spk")))
    opks = [(300 + i, key_pair(_clamp(fixed(f"libsignal bob opk {i}")))) for i in range(3)]
    return identity, spk, opks


def _clamp(b):
    b = bytearray(b)
    b[0] &= 248
    b[31] &= 127
    b[31] |= 64
    return bytes(b)


def libsignal_bob():
    identity, spk, opks = bob_keys()
    store = MemoryStore(identity, 2)
    # libsignal's own signer (curve_sigs / XEdDSA as omemo-dr's C extension does it).
    signature = Curve.calculate_signature(identity.get_private_key(), spk.get_public_key().serialize())
    store.signed_pre_keys[9] = SignedPreKeyRecord.new(9, 0, spk, signature)
    for i, kp in opks:
        store.pre_keys[i] = PreKeyRecord.new(i, kp)
    return store, signature


def gen_bob_for_rust():
    store, signature = libsignal_bob()
    identity, spk, opks = bob_keys()
    write("libsignal_bob_v03.json", dict(
        comment="omemo-dr (libsignal) Bob for the Rust -> libsignal direction; see libsignal.py",
        bundle=dict(identity_key=h(identity.get_public_key().serialize()), signed_pre_key_id=9,
                    signed_pre_key=h(spk.get_public_key().serialize()), signature=h(signature),
                    pre_keys=[[i, h(kp.get_public_key().serialize())] for i, kp in opks])))


def check():
    store, _ = libsignal_bob()
    out = json.load(open(os.path.join(HERE, "rust_output_libsignal_v03.json")))
    bob = SessionCipher(store, "alice", 1)
    first = None
    for m in out["messages"]:
        got = decrypt(bob, bytes.fromhex(m["data"]), m["prekey"])
        assert got.hex() == m["plaintext"], m["index"]
        try:
            decrypt(bob, bytes.fromhex(m["data"]), m["prekey"])
        except Exception:
            pass
        else:
            raise AssertionError(f"message {m['index']} decrypted twice")
        print(f"libsignal: message {m['index']} ok (prekey={m['prekey']})")
    replies = []
    for i in range(2):
        plaintext = bytes([0xc0 + i]) * 32
        replies.append(dict(index=i, data=h(bob.encrypt(plaintext).serialize()), plaintext=h(plaintext)))
    path = os.path.join(HERE, "libsignal_reply_v03.json")
    if os.environ.get("OMEMO_WRITE_VECTORS"):
        write("libsignal_reply_v03.json", dict(comment="omemo-dr Bob's replies to rust_output_libsignal_v03.json",
                                               replies=replies))
    else:
        assert json.load(open(path))["replies"] == replies, "libsignal's replies changed"
    print("all Rust output decrypted by omemo-dr (libsignal)")


def write(name, data):
    with open(os.path.join(HERE, name), "w") as f:
        json.dump(data, f, indent=1, sort_keys=True)
        f.write("\n")
    print("wrote", name)


if __name__ == "__main__":
    if sys.argv[1:] == ["check"]:
        check()
    else:
        gen_alice_to_bob()
        gen_bob_for_rust()
