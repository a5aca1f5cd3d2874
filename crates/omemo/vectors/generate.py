#!/usr/bin/env python3
"""Test vectors for plausch-omemo from the reference implementation (python-omemo).

A test tool, not run in CI. Pinned versions (PyPI, manylinux wheels, Python >= 3.11):

    python3 -m venv /tmp/omemo-venv
    /tmp/omemo-venv/bin/pip install slixmpp-omemo==2.2.0 omemo-dr==1.2.0
    # pulls omemo 2.1.0, oldmemo 2.1.0, twomemo 2.1.0, x3dh 1.3.0, doubleratchet 1.3.0, xeddsa 1.2.0
    /tmp/omemo-venv/bin/python crates/omemo/vectors/generate.py

Writes into this directory (all byte strings hex):

- xeddsa.json: signatures with fixed nonces, in both forms (OMEMO 2: the Ed25519 key as is;
  OMEMO 0.3: the sign-0 key, XEdDSA), and python-omemo's own 0.3 bundle form (sign bit in the
  signature's top bit) that Rust must verify.
- x3dh_v03.json, x3dh_v2.json: shared secret and associated data for fixed keys, computed by
  python-x3dh's active side and checked against its passive side.
- session_v03.json, session_v2.json: python (Alice) builds a session from a bundle of Bob whose
  private keys are in the vector, sends pre-key messages, gets a reply from a python Bob, sends
  more; the steps are listed in the order Bob sees them (out of order on purpose). Bob's ratchet
  randomness is recorded so that Rust, acting as Bob with the same randomness, must produce
  byte-identical replies.
- payload_v03.json, payload_v2.json: payload encryption with a fixed key (and IV for 0.3).
- python_bob_v03.json, python_bob_v2.json: a python Bob (its storage and its bundle) for the other
  direction: the Rust test `rust_to_python` encrypts to this bundle and writes
  rust_output_v03.json / rust_output_v2.json, which check_rust_output.py decrypts with this Bob.

Randomness is fixed (python's `secrets` and the ratchet key generator are patched with a seeded
generator), so rerunning gives the same files.
"""

import os
import sys

# Sets of keys are iterated (pre-key choice, pre-key ids): fix the hash seed for stable output.
if os.environ.get("PYTHONHASHSEED") != "0":
    os.environ["PYTHONHASHSEED"] = "0"
    os.execv(sys.executable, [sys.executable] + sys.argv)

import asyncio
import base64
import json
import random
import secrets
import time
import xml.etree.ElementTree as ET

import omemo.storage
import oldmemo
import oldmemo.etree
import oldmemo.oldmemo as om
import twomemo
import twomemo.etree
import twomemo.twomemo as tm
import x3dh
import x3dh.models
import x3dh.types
import xeddsa
from doubleratchet.recommended import diffie_hellman_ratchet_curve25519

HERE = os.path.dirname(os.path.abspath(__file__))


# ---------------------------------------------------------------------------------------------
# Fixed randomness

class FixedRandomness:
    """Replaces secrets.token_bytes / secrets.choice and the ratchet key generator."""

    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.queue = []  # explicit values for the next token_bytes calls
        self.log = None  # when a list: ratchet private keys generated are appended

    def token_bytes(self, n=32):
        if self.queue:
            value = self.queue.pop(0)
            assert len(value) == n, (len(value), n)
            return value
        return self.rng.randbytes(n)

    def choice(self, seq):
        return seq[self.rng.randrange(len(seq))]

    def ratchet_priv(self):
        priv = self.rng.randbytes(32)
        if self.log is not None:
            self.log.append(priv)
        return priv


RANDOM = FixedRandomness(20261206)
time.time = lambda: 1796558400.0  # 2026-12-06, for signed pre-key timestamps
secrets.token_bytes = RANDOM.token_bytes
secrets.choice = RANDOM.choice
diffie_hellman_ratchet_curve25519.DiffieHellmanRatchet._generate_priv = staticmethod(RANDOM.ratchet_priv)


def h(b):
    return b.hex()


def fixed(label, n=32):
    """Deterministic 'random' bytes for named keys."""
    return random.Random(label).randbytes(n)


def write(name, data):
    with open(os.path.join(HERE, name), "w") as f:
        json.dump(data, f, indent=1, sort_keys=True)
        f.write("\n")
    print("wrote", name)


class DictStorage(omemo.storage.Storage):
    def __init__(self, data=None):
        super().__init__(disable_cache=True)
        self.data = dict(data or {})

    async def _load(self, key):
        if key in self.data:
            return omemo.storage.Just(self.data[key])
        return omemo.storage.Nothing()

    async def _store(self, key, value):
        self.data[key] = value

    async def _delete(self, key):
        self.data.pop(key, None)


VERSIONS = {
    "v03": dict(mod=om, etree=oldmemo.etree, backend=oldmemo.Oldmemo, key_len=16),
    "v2": dict(mod=tm, etree=twomemo.etree, backend=twomemo.Twomemo, key_len=32),
}


def encode_pub(version, pub):
    return b"\x05" + pub if version == "v03" else pub


def wire_identity(version, priv):
    return encode_pub(version, xeddsa.priv_to_curve25519_pub(priv)) if version == "v03" \
        else xeddsa.priv_to_ed25519_pub(priv)


def rust_style_signature(version, identity_priv, spk_pub, nonce):
    """What Plausch publishes: XEdDSA (sign-0 key) for 0.3, the Ed25519 key as is for OMEMO 2."""
    if version == "v03":
        return xeddsa.ed25519_priv_sign(xeddsa.priv_force_sign(identity_priv, False), b"\x05" + spk_pub, nonce)
    return xeddsa.ed25519_priv_sign(identity_priv, spk_pub, nonce)


# ---------------------------------------------------------------------------------------------
# XEdDSA

def gen_xeddsa():
    cases = []
    for i in range(4):
        seed = fixed(f"xeddsa seed {i}")
        priv = xeddsa.seed_to_priv(seed)
        forced = xeddsa.priv_force_sign(priv, False)
        msg = fixed(f"xeddsa msg {i}", 33 + i)
        nonce = fixed(f"xeddsa nonce {i}", 64)
        ed = xeddsa.priv_to_ed25519_pub(priv)
        curve = xeddsa.priv_to_curve25519_pub(priv)
        sig_v2 = xeddsa.ed25519_priv_sign(priv, msg, nonce)
        sig_v03 = xeddsa.ed25519_priv_sign(forced, msg, nonce)
        # python-omemo's 0.3 bundle form: signed with the Ed25519 key as is, its sign bit in the
        # top bit of the signature (oldmemo/etree.py serialize_bundle).
        sig_pyomemo = bytearray(sig_v2)
        sig_pyomemo[63] |= ed[31] & 0x80
        assert xeddsa.ed25519_verify(sig_v2, ed, msg)
        assert xeddsa.ed25519_verify(sig_v03, xeddsa.curve25519_pub_to_ed25519_pub(curve, False), msg)
        cases.append(dict(
            seed=h(seed), private=h(priv), forced_private=h(forced), message=h(msg), nonce=h(nonce),
            ed25519_public=h(ed), curve25519_public=h(curve),
            signature_v2=h(sig_v2), signature_v03=h(sig_v03), signature_v03_python_omemo=h(bytes(sig_pyomemo)),
            ed25519_sign_bit=ed[31] >> 7,
        ))
    # Make sure both sign bits are covered.
    assert {c["ed25519_sign_bit"] for c in cases} == {0, 1}, "pick other labels"
    write("xeddsa.json", dict(
        comment="libxeddsa ed25519_priv_sign(private, message, nonce); v03 signs with priv_force_sign(private, False)",
        cases=cases))


# ---------------------------------------------------------------------------------------------
# X3DH

def state_from_keys(version, seed, spk_priv, spk_sig, pre_key_privs):
    mod = VERSIONS[version]["mod"]
    model = x3dh.models.BaseStateModel(
        identity_key=x3dh.models.IdentityKeyPairModel(secret=seed, secret_type=x3dh.types.SecretType.SEED),
        signed_pre_key=x3dh.models.SignedPreKeyPairModel(priv=spk_priv, sig=spk_sig, timestamp=0),
        old_signed_pre_key=None,
        pre_keys=frozenset(pre_key_privs),
    )
    return mod.StateImpl.from_model(model, x3dh.IdentityKeyFormat.ED_25519, x3dh.HashFunction.SHA_256,
                                    mod.StateImpl.INFO)


async def gen_x3dh(version):
    alice_seed = fixed(f"x3dh {version} alice seed")
    bob_seed = fixed(f"x3dh {version} bob seed")
    spk_priv = fixed(f"x3dh {version} bob spk")
    opk_priv = fixed(f"x3dh {version} bob opk")
    ephemeral = fixed(f"x3dh {version} alice ephemeral")
    bob_priv = xeddsa.seed_to_priv(bob_seed)
    spk_pub = xeddsa.priv_to_curve25519_pub(spk_priv)
    # python-x3dh (ED_25519 format inside, also for 0.3) verifies under the Ed25519 key as is.
    sig = xeddsa.ed25519_priv_sign(bob_priv, encode_pub(version, spk_pub), fixed("x3dh nonce", 64))
    alice = state_from_keys(version, alice_seed, fixed(f"x3dh {version} alice spk"), b"\0" * 64, [])
    bob = state_from_keys(version, bob_seed, spk_priv, sig, [opk_priv])
    RANDOM.queue.append(ephemeral)
    ss, ad, header = await alice.get_shared_secret_active(bob.bundle)
    ss2, ad2, _ = await bob.get_shared_secret_passive(header)
    assert (ss, ad) == (ss2, ad2)
    write(f"x3dh_{version}.json", dict(
        alice_seed=h(alice_seed), bob_seed=h(bob_seed), bob_signed_pre_key_private=h(spk_priv),
        bob_pre_key_private=h(opk_priv), alice_ephemeral_private=h(ephemeral),
        shared_secret=h(ss), associated_data=h(ad),
    ))


# ---------------------------------------------------------------------------------------------
# Sessions: python Alice -> Rust Bob

def bundle_xml(version, identity, spk_id, spk, sig, pre_keys):
    b64 = lambda b: base64.b64encode(b).decode()
    if version == "v03":
        ns = oldmemo.oldmemo.NAMESPACE
        pks = "".join(f'<preKeyPublic preKeyId="{i}">{b64(k)}</preKeyPublic>' for i, k in pre_keys)
        xml = (f'<bundle xmlns="{ns}"><signedPreKeyPublic signedPreKeyId="{spk_id}">{b64(spk)}</signedPreKeyPublic>'
               f'<signedPreKeySignature>{b64(sig)}</signedPreKeySignature><identityKey>{b64(identity)}</identityKey>'
               f'<prekeys>{pks}</prekeys></bundle>')
    else:
        ns = twomemo.twomemo.NAMESPACE
        pks = "".join(f'<pk id="{i}">{b64(k)}</pk>' for i, k in pre_keys)
        xml = (f'<bundle xmlns="{ns}"><spk id="{spk_id}">{b64(spk)}</spk><spks>{b64(sig)}</spks>'
               f'<ik>{b64(identity)}</ik><prekeys>{pks}</prekeys></bundle>')
    return ET.fromstring(xml)


async def backend_with_state(version, seed, state):
    v = VERSIONS[version]
    storage = DictStorage()
    await storage.store("/ikp/is_seed", True)
    await storage.store_bytes("/ikp/key", seed)
    ns = v["mod"].NAMESPACE
    if state is not None:
        st, spk_id, pre_key_ids = state
        await storage.store(f"/{ns}/x3dh", st.json)
        await storage.store(f"/{ns}/signed_pre_key_ids", {base64.b64encode(st.bundle.signed_pre_key).decode(): spk_id})
        await storage.store(f"/{ns}/pre_key_ids", {base64.b64encode(k).decode(): i for k, i in pre_key_ids.items()})
        await storage.store(f"/{ns}/pre_key_id_counter", max(pre_key_ids.values()))
    return v["backend"](storage), storage


def key_exchange_bytes(version, session, ekm):
    out = session.key_exchange.serialize(ekm.serialize())
    return out[0] if version == "v03" else out


def parse_incoming(version, data, prekey, jid, device):
    mod = VERSIONS[version]["mod"]
    kx = None
    if prekey:
        if version == "v03":
            kx, data = mod.KeyExchangeImpl.parse(data, False)
        else:
            kx, data = mod.KeyExchangeImpl.parse(data)
    return kx, mod.EncryptedKeyMaterialImpl.parse(data, jid, device)


async def gen_session(version):
    v = VERSIONS[version]
    mod = v["mod"]
    key_len = v["key_len"]
    bob_seed = fixed(f"session {version} bob seed")
    bob_priv = xeddsa.seed_to_priv(bob_seed)
    spk_priv = fixed(f"session {version} bob spk")
    spk_pub = xeddsa.priv_to_curve25519_pub(spk_priv)
    spk_id = 7
    pre_keys = [(100 + i, fixed(f"session {version} bob opk {i}")) for i in range(3)]
    nonce = fixed(f"session {version} spk nonce", 64)
    sig = rust_style_signature(version, bob_priv, spk_pub, nonce)
    # Alice sees Bob's bundle as it comes off the wire (what Plausch would publish).
    xml = bundle_xml(version, wire_identity(version, bob_priv), spk_id, encode_pub(version, spk_pub), sig,
                     [(i, encode_pub(version, xeddsa.priv_to_curve25519_pub(p))) for i, p in pre_keys])
    bundle = v["etree"].parse_bundle(xml, "bob@example.org", 2)

    alice_seed = fixed(f"session {version} alice seed")
    alice, _ = await backend_with_state(version, alice_seed, None)
    # Python Bob, with the same keys as the Rust Bob, to produce the replies.
    bob_state = state_from_keys(version, bob_seed, spk_priv, sig, [p for _, p in pre_keys])
    bob_pre_key_ids = {xeddsa.priv_to_curve25519_pub(p): i for i, p in pre_keys}
    bob, _ = await backend_with_state(version, bob_seed, (bob_state, spk_id, bob_pre_key_ids))

    def material(label):
        b = fixed(label, key_len + 16)
        return mod.PlainKeyMaterialImpl(b[:key_len], b[key_len:])

    # Alice: three pre-key messages.
    sent = []
    m = material(f"{version} m0")
    session_a, ekm = await alice.build_session_active("bob@example.org", 2, bundle, m)
    sent.append((key_exchange_bytes(version, session_a, ekm), True, m))
    for i in (1, 2):
        m = material(f"{version} m{i}")
        ekm = await alice.encrypt_key_material(session_a, m)
        sent.append((key_exchange_bytes(version, session_a, ekm), True, m))

    steps = []
    bob_ratchet_privs = []
    session_b = None

    async def bob_receives(index):
        nonlocal session_b
        data, prekey, m = sent[index]
        kx, ekm = parse_incoming(version, data, prekey, "alice@example.org", 1)
        RANDOM.log = bob_ratchet_privs
        if session_b is None:
            session_b, pkm = await bob.build_session_passive("alice@example.org", 1, kx, ekm)
        else:
            pkm = await bob.decrypt_key_material(session_b, ekm)
        RANDOM.log = None
        assert (pkm.key, pkm.auth_tag) == (m.key, m.auth_tag)
        steps.append(dict(to="bob", index=index, prekey=prekey, data=h(data), plaintext=h(m.key + m.auth_tag)))

    async def bob_sends(label):
        m = material(label)
        ekm = await bob.encrypt_key_material(session_b, m)
        data = ekm.serialize()
        steps.append(dict(to="alice", data=h(data), plaintext=h(m.key + m.auth_tag)))
        _, ekm_a = parse_incoming(version, data, False, "bob@example.org", 2)
        pkm = await alice.decrypt_key_material(session_a, ekm_a)
        assert (pkm.key, pkm.auth_tag) == (m.key, m.auth_tag)

    # Bob gets m2 first (the session is built from it, m0 and m1 become skipped keys), then m0, m1.
    for i in (2, 0, 1):
        await bob_receives(i)
    await bob_sends(f"{version} r0")
    # Alice is confirmed now: plain messages on a new chain; delivered 5, 3, 4.
    for i in (3, 4, 5):
        m = material(f"{version} m{i}")
        ekm = await alice.encrypt_key_material(session_a, m)
        assert session_a.confirmed
        sent.append((ekm.serialize(), False, m))
    for i in (5, 3):
        await bob_receives(i)
    await bob_sends(f"{version} r1")
    await bob_receives(4)
    # One more turn: Alice answers r1 on a third chain, Bob replies again.
    m = material(f"{version} m6")
    ekm = await alice.encrypt_key_material(session_a, m)
    sent.append((ekm.serialize(), False, m))
    await bob_receives(6)
    await bob_sends(f"{version} r2")

    write(f"session_{version}.json", dict(
        comment="Steps in the order Bob (Rust) handles them: to=bob: decrypt (accept if no session), "
                "to=alice: Bob encrypts plaintext and must produce exactly data. bob_ratchet_privates: "
                "the ratchet keys python Bob generated, in order (feed them as Bob's randomness).",
        bob_seed=h(bob_seed), bob_signed_pre_key=dict(id=spk_id, private=h(spk_priv), signature=h(sig)),
        bob_pre_keys=[dict(id=i, private=h(p)) for i, p in pre_keys],
        alice_identity=h(wire_identity(version, xeddsa.seed_to_priv(alice_seed))),
        bob_ratchet_privates=[h(p) for p in bob_ratchet_privs],
        steps=steps,
    ))


# ---------------------------------------------------------------------------------------------
# Payloads

async def gen_payload(version):
    v = VERSIONS[version]
    backend, _ = await backend_with_state(version, fixed("payload seed"), None)
    plaintext = b"Hallo \xc3\xbcber OMEMO" if version == "v03" else \
        b'<envelope xmlns="urn:xmpp:sce:1"><content><body xmlns="jabber:client">Hallo</body></content>' \
        b'<rpad>abc</rpad></envelope>'
    key = fixed(f"payload {version} key", v["key_len"])
    iv = fixed(f"payload {version} iv", 12)
    RANDOM.queue.append(key)
    if version == "v03":
        RANDOM.queue.append(iv)
    content, pkm = await backend.encrypt_plaintext(plaintext)
    assert await backend.decrypt_plaintext(content, pkm) == plaintext
    out = dict(plaintext=h(plaintext), key_material=h(pkm.key + pkm.auth_tag), ciphertext=h(content.ciphertext))
    if version == "v03":
        out["iv"] = h(content.initialization_vector)
    write(f"payload_{version}.json", out)


# ---------------------------------------------------------------------------------------------
# A python Bob for the Rust -> python direction

def bundle_wire(version, bundle):
    """The key bytes of a bundle as they are in the XML (base64-decoded)."""
    elt = VERSIONS[version]["etree"].serialize_bundle(bundle)
    b64 = lambda e: base64.b64decode(e.text)
    if version == "v03":
        ns = "{" + oldmemo.oldmemo.NAMESPACE + "}"
        spk = elt.find(f"{ns}signedPreKeyPublic")
        return dict(identity_key=h(b64(elt.find(f"{ns}identityKey"))), signed_pre_key_id=int(spk.get("signedPreKeyId")),
                    signed_pre_key=h(b64(spk)), signature=h(b64(elt.find(f"{ns}signedPreKeySignature"))),
                    pre_keys=sorted([int(e.get("preKeyId")), h(b64(e))] for e in elt.iter(f"{ns}preKeyPublic")))
    ns = "{" + twomemo.twomemo.NAMESPACE + "}"
    spk = elt.find(f"{ns}spk")
    return dict(identity_key=h(b64(elt.find(f"{ns}ik"))), signed_pre_key_id=int(spk.get("id")),
                signed_pre_key=h(b64(spk)), signature=h(b64(elt.find(f"{ns}spks"))),
                pre_keys=sorted([int(e.get("id")), h(b64(e))] for e in elt.iter(f"{ns}pk")))


async def gen_python_bob(version):
    # A Bob made entirely by python-omemo (its own signed pre-key signature, in its own 0.3 form).
    seed = fixed(f"python bob {version} seed")
    # Pick a seed whose Ed25519 key has the sign bit set, so the 0.3 signature carries it.
    n = 0
    while not xeddsa.seed_to_ed25519_pub(seed)[31] & 0x80:
        n += 1
        seed = fixed(f"python bob {version} seed {n}")
    backend, storage = await backend_with_state(version, seed, None)
    await backend.generate_pre_keys(3)
    bundle = await backend.get_bundle("bob@example.org", 2)
    write(f"python_bob_{version}.json", dict(
        comment="python-omemo's Bob: storage (for check_rust_output.py) and bundle as on the wire",
        storage=storage.data, bundle=bundle_wire(version, bundle)))


async def main():
    gen_xeddsa()
    for version in VERSIONS:
        await gen_x3dh(version)
        await gen_session(version)
        await gen_payload(version)
        await gen_python_bob(version)
    # The committed Rust output must still decrypt with this (regenerated) python Bob.
    if all(os.path.exists(os.path.join(HERE, f"rust_output_{v}.json")) for v in VERSIONS):
        import check_rust_output
        for version in VERSIONS:
            await check_rust_output.check(version)


if __name__ == "__main__":
    asyncio.run(main())
