#!/usr/bin/env python3
"""Decrypts what Rust sent (rust_output_*.json) with python-omemo's Bob (python_bob_*.json).

Same venv as generate.py (slixmpp-omemo==2.2.0, omemo-dr==1.2.0). Run after
`OMEMO_WRITE_VECTORS=1 cargo test -p plausch-omemo --test vectors`:

    /tmp/omemo-venv/bin/python crates/omemo/vectors/check_rust_output.py

With OMEMO_WRITE_VECTORS=1 it also (re)writes python_reply_*.json: python Bob's answers, which
the Rust test decrypts (so Rust as initiator receives from python too).

Checks, for each version: python-omemo accepts the Rust key exchange (X3DH, the Rust
initiator's identity encoding), decrypts every Rust ratchet message, out of order, each exactly
once, and decrypts the Rust payload with the key material from the first message. Exits non-zero
on any mismatch.
"""

import asyncio
import json
import os
import sys

import oldmemo
import oldmemo.oldmemo as om
import twomemo
import twomemo.twomemo as tm

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from generate import DictStorage, parse_incoming  # noqa: E402  (also fixes the randomness)

HERE = os.path.dirname(os.path.abspath(__file__))


async def check(version):
    mod, backend_class, key_len = (om, oldmemo.Oldmemo, 16) if version == "v03" else (tm, twomemo.Twomemo, 32)
    bob_data = json.load(open(os.path.join(HERE, f"python_bob_{version}.json")))
    out = json.load(open(os.path.join(HERE, f"rust_output_{version}.json")))
    bob = backend_class(DictStorage(bob_data["storage"]))
    session = None
    first_material = None
    for message in out["messages"]:
        data = bytes.fromhex(message["data"])
        kx, ekm = parse_incoming(version, data, message["prekey"], "alice@example.org", 1)
        if session is None:
            assert message["prekey"], "the first message must be a key exchange"
            session, pkm = await bob.build_session_passive("alice@example.org", 1, kx, ekm)
            assert session.key_exchange.identity_key is not None
        else:
            if kx is not None:
                assert kx.builds_same_session(session.key_exchange), "key exchange differs between messages"
            pkm = await bob.decrypt_key_material(session, ekm)
        got = pkm.key + pkm.auth_tag
        assert got.hex() == message["plaintext"], (version, message["index"])
        if message["index"] == 0:
            first_material = got
        # A second time must fail (python-doubleratchet refuses duplicates).
        try:
            await bob.decrypt_key_material(session, ekm)
        except Exception:
            pass
        else:
            raise AssertionError(f"{version}: message {message['index']} decrypted twice")
        print(f"{version}: message {message['index']} ok (prekey={message['prekey']})")

    payload = out["payload"]
    content = mod.ContentImpl(bytes.fromhex(payload["ciphertext"]), bytes.fromhex(payload["iv"])) \
        if version == "v03" else mod.ContentImpl(bytes.fromhex(payload["ciphertext"]))
    plain = await bob.decrypt_plaintext(content, mod.PlainKeyMaterialImpl(first_material[:key_len], first_material[key_len:]))
    assert plain.hex() == out["payload_plaintext"], version
    print(f"{version}: payload ok: {plain.decode()!r}")

    # Bob answers twice; the Rust test `rust_alice_decrypts_python_replies` decrypts these (with
    # the session it rebuilds deterministically), out of order.
    replies = []
    for i in range(2):
        material = bytes([0xb0 + i]) * (key_len + 16)
        ekm = await bob.encrypt_key_material(session, mod.PlainKeyMaterialImpl(material[:key_len], material[key_len:]))
        replies.append(dict(index=i, data=ekm.serialize().hex(), plaintext=material.hex()))
    reply_file = os.path.join(HERE, f"python_reply_{version}.json")
    if os.environ.get("OMEMO_WRITE_VECTORS"):
        with open(reply_file, "w") as f:
            json.dump(dict(comment="python Bob's replies to rust_output_%s.json" % version, replies=replies),
                      f, indent=1, sort_keys=True)
            f.write("\n")
        print(f"wrote python_reply_{version}.json")
    else:
        assert json.load(open(reply_file))["replies"] == replies, f"{version}: python's replies changed"


async def main():
    for version in ("v03", "v2"):
        await check(version)
    print("all Rust output decrypted by python-omemo")


if __name__ == "__main__":
    asyncio.run(main())
