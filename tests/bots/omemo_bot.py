#!/usr/bin/env python3
"""OMEMO reference bot for Plausch's integration tests (a test tool, never shipped).

One process is one XMPP client with one OMEMO device, built on slixmpp and
slixmpp-omemo (python-omemo with the oldmemo and twomemo backends). The Rust
tests drive it through JSON Lines: one command per line on stdin, one event per
line on stdout; logs go to stderr. See README.md ("Testing") and
tests/common/bot.rs.

Commands (every command may carry "ref", which its answer echoes):
  {"cmd":"send","to":J,"body":B,"encrypt":true,"version":"0.3"|"2"}  -> sent | error
  {"cmd":"send","to":ROOM,"groupchat":true,"recipients":[J…],"body":B,"encrypt":true}
        (a group message, encrypted to the members named)            -> sent | error
  {"cmd":"join","room":ROOM,"nick":N}                                -> joined | error
  {"cmd":"devices","jid":J,"refresh":true}                           -> devices | error
  {"cmd":"trust","jid":J,"device":N,"trust":"trusted"|"blind"|"undecided"|"distrusted"}
                                                                     -> trust | error
  {"cmd":"refresh","jid":J}   (J omitted: every roster contact)     -> refreshed | error
  {"cmd":"subscribe","jid":J}                                        -> subscribed
  {"cmd":"raw","xml":X}                                              -> raw_sent
  {"cmd":"send_file_direct","to":FULLJID,"path":P,"name":N,"media_type":T}   (N, T optional)
        (XEP-0234 offer, bytes in-band: XEP-0261 over slixmpp's xep_0047)
                                                  -> file_offered {sid, stream, size, sha256}
        then, when the session ends, file_sent {sid, reason: the receiver's
        session-terminate reason ("success", "decline", …), bytes, block_size, accept
        (what the session-accept said), close (how the IBB <close/> was answered)}
  {"cmd":"decline_next_file"}   (the next offer is declined: file_declined) -> decline_armed
  {"cmd":"features","remove":[F…],"add":[F…]}   (disco#info features; the caps are
        computed again and sent in a new presence)                  -> caps {ver, features}
  {"cmd":"fetch_aesgcm","url":"aesgcm://…"}   (XEP-0454: downloads over HTTPS with the
        test CA and decrypts with slixmpp's xep_0454)                -> fetched {size, sha256} | error
  {"cmd":"mds_publish","with":J,"stanza_id":S,"by":B}   (XEP-0490, needs --mds: our read
        position in the conversation with J is the message with archive id S of the
        archive of B; B omitted: no `by`, as slixmpp's flag_chat)   -> mds_published | error
  {"cmd":"quit"}                                                     -> bye, exit 0

Events without a command: ready (with "caps": ver, features), message,
empty_omemo (an OMEMO message without payload: key transport, a heartbeat),
untrusted, message_error, disconnected, error; for direct file transfers:
file_accepted {from, sid, name, size, offered_block_size, block_size} (every
offer is taken unless declined), file_received {from, sid, name, size,
offered_size, sha256 (base64, of the bytes received), expected_sha256, ok,
reason (the session-terminate reason the bot sent, or the peer's), ended_by,
path}, file_declined {from, sid, name, size, reason}; with --mds, mds {from, chat,
stanza_id, by} for each item of a XEP-0490 notification (our other devices' read
positions, and our own publishes coming back).

Direct file transfers (XEP-0234 with XEP-0261): the client advertises Jingle,
file transfer 5, the Jingle IBB transport and IBB in disco#info and in its
XEP-0115 caps. slixmpp has no Jingle: the bot answers each <jingle/> IQ set
with an empty result first (XEP-0166) and then acts; the bytes go through
slixmpp's own xep_0047 plugin (a stream is pre-authorised by its sid when the
bot accepts; sending, one block in flight at a time). slixmpp's default
features include pairs like X and X+notify, which Plausch's caps check sorts
the wrong way (tests/direct_interop.rs shows it); its transfer tests take the
shorter ones out with `features`.

Quirks of slixmpp-omemo 2.2.0 this bot works around:
  * its encrypt_message/decrypt_message do not implement XEP-0420 (SCE), so
    OMEMO 2 cannot carry a body through them; the bot wraps and unwraps the
    SCE envelope itself and calls the session manager directly;
  * it always loads both OMEMO versions; `--versions` replaces the plugin's
    session-manager factory to load only the chosen ones;
  * it does not fetch offline messages: the test Prosody has no mod_offline
    (MAM keeps what arrives while a user is offline), so the bot catches up
    from the archive after the last archive id it saw (kept in its state
    directory) before it sends its presence.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import datetime
import hashlib
import io
import json
import logging
import mimetypes
import os
import secrets
import ssl
import string
import sys
import threading
import urllib.request
from typing import Any, Dict, FrozenSet, List, Optional
from xml.etree import ElementTree as ET
from xml.sax.saxutils import escape, quoteattr

import omemo
import oldmemo
import oldmemo.etree
import twomemo
import twomemo.etree
from omemo.storage import Just, Maybe, Nothing, Storage
from omemo.types import DeviceInformation, JSONType
from slixmpp import JID, ClientXMPP
from slixmpp.exceptions import IqError, XMPPError
from slixmpp.plugins import register_plugin
from slixmpp.stanza import Iq, Message
from slixmpp.xmlstream.handler import Callback, CoroutineCallback
from slixmpp.xmlstream.matcher import MatchXPath

import slixmpp_omemo.xep_0384 as xep_0384_module
from slixmpp_omemo import XEP_0384, TrustLevel

log = logging.getLogger("omemo_bot")

OLD_NS = oldmemo.oldmemo.NAMESPACE  # eu.siacs.conversations.axolotl
TWO_NS = twomemo.twomemo.NAMESPACE  # urn:xmpp:omemo:2
VERSION_OF = {OLD_NS: "0.3", TWO_NS: "2"}
NS_OF = {"0.3": OLD_NS, "2": TWO_NS}
DEVICE_LIST_NODE = {
    TWO_NS: ("urn:xmpp:omemo:2:devices", "twomemo_device_list"),
    OLD_NS: ("eu.siacs.conversations.axolotl.devicelist", "oldmemo_device_list"),
}
SCE_NS = "urn:xmpp:sce:1"
MAM_NS = "urn:xmpp:mam:2"
MDS_NS = "urn:xmpp:mds:displayed:0"
PUBSUB_EVENT_NS = "http://jabber.org/protocol/pubsub#event"
RSM_NS = "http://jabber.org/protocol/rsm"
SID_NS = "urn:xmpp:sid:0"
EME_NS = "urn:xmpp:eme:0"
FALLBACK = "This message is OMEMO encrypted."
TRUST_NAMES = {
    "trusted": TrustLevel.TRUSTED,
    "blind": TrustLevel.BLINDLY_TRUSTED,
    "undecided": TrustLevel.UNDECIDED,
    "distrusted": TrustLevel.DISTRUSTED,
}
TRUST_WORDS = {level.value: word for word, level in TRUST_NAMES.items()}
JINGLE_NS = "urn:xmpp:jingle:1"
FT_NS = "urn:xmpp:jingle:apps:file-transfer:5"
JIBB_NS = "urn:xmpp:jingle:transports:ibb:1"
IBB_NS = "http://jabber.org/protocol/ibb"
HASHES_NS = "urn:xmpp:hashes:2"
# What a client must advertise to be sent files directly (Plausch checks all).
JINGLE_FEATURES = [JINGLE_NS, FT_NS, JIBB_NS, IBB_NS]
# The block size the bot offers when it sends (XEP-0047's recommendation).
OFFER_BLOCK = 4096
# The name of the bot's client identity (disco#info, so in its caps).
CLIENT_NAME = "Plausch reference bot (slixmpp)"


def emit(event: str, **fields: Any) -> None:
    """Prints one event as a JSON line on stdout."""
    fields = {"event": event, **{k: v for k, v in fields.items() if v is not None or k in KEEP_NULL}}
    sys.stdout.write(json.dumps(fields, ensure_ascii=False) + "\n")
    sys.stdout.flush()


# Fields printed even when null (so a test can tell "unencrypted" from "missing").
KEEP_NULL = {"version", "body", "sender_device"}


def describe(e: BaseException) -> str:
    """An exception in one line: its type and message, with its cause."""
    text = f"{type(e).__name__}: {e}"
    if e.__cause__ is not None:
        text += f" (caused by {type(e.__cause__).__name__}: {e.__cause__})"
    return text


class JsonFileStorage(Storage):
    """python-omemo's key-value storage in one JSON file, rewritten atomically on each change."""

    def __init__(self, path: str) -> None:
        super().__init__()
        self._path = path
        self._data: Dict[str, JSONType] = {}
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                self._data = json.load(f)

    def _flush(self) -> None:
        tmp = self._path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(self._data, f)
        os.replace(tmp, self._path)

    async def _load(self, key: str) -> Maybe[JSONType]:
        if key in self._data:
            return Just(self._data[key])
        return Nothing()

    async def _store(self, key: str, value: JSONType) -> None:
        self._data[key] = value
        self._flush()

    async def _delete(self, key: str) -> None:
        self._data.pop(key, None)
        self._flush()


class BotOmemo(XEP_0384):
    """slixmpp-omemo's plugin with file storage, the chosen versions and the bot's trust policy."""

    default_config = {
        "fallback_message": FALLBACK,
        "storage_file": None,
        "namespaces": [TWO_NS, OLD_NS],
        "btbv": True,
    }

    def plugin_init(self) -> None:
        self._storage = JsonFileStorage(self.storage_file)
        # Like XEP_0384.plugin_init, but only for the loaded versions: a bot
        # without OMEMO 2 must not ask for (+notify) its device lists.
        xep_0060 = self.xmpp["xep_0060"]
        xep_0163 = self.xmpp["xep_0163"]
        for ns in self.namespaces:
            node, event = DEVICE_LIST_NODE[ns]
            xep_0060.map_node_event(node, event)
            self.xmpp.add_event_handler(event + "_publish", self._on_device_list_update)
            xep_0163.add_interest(node)
        self.xmpp.add_event_handler("changed_subscription", self._on_subscription_changed)

    def plugin_end(self) -> None:
        pass

    @property
    def storage(self) -> Storage:
        return self._storage

    @property
    def _btbv_enabled(self) -> bool:
        return self.btbv

    async def _devices_blindly_trusted(
        self, blindly_trusted: FrozenSet[DeviceInformation], identifier: Optional[str]
    ) -> None:
        log.info("blindly trusted: %s", [(d.bare_jid, d.device_id) for d in blindly_trusted])

    async def _prompt_manual_trust(
        self, manually_trusted: FrozenSet[DeviceInformation], identifier: Optional[str]
    ) -> None:
        # No one to ask: announce the devices and refuse. The send fails with
        # an error; a test decides with `trust` and sends again.
        devices = sorted((d.bare_jid, d.device_id) for d in manually_trusted)
        emit("untrusted", devices=[{"jid": j, "device": d} for j, d in devices], ref=identifier)
        raise omemo.TrustDecisionFailed(
            "undecided devices (trust them with the trust command): "
            + ", ".join(f"{j}/{d}" for j, d in devices)
        )


def install_session_manager_factory(namespaces: List[str]) -> None:
    """Makes slixmpp-omemo load only `namespaces` (it always loads both otherwise)."""

    async def prepare(xmpp: Any, plugin: Any, storage: Storage, legacy_storage: Any, **_: Any) -> Any:
        backends = []
        if TWO_NS in namespaces:
            backends.append(twomemo.Twomemo(storage))
        if OLD_NS in namespaces:
            backends.append(oldmemo.Oldmemo(storage))
        manager = await xep_0384_module._make_session_manager(xmpp, plugin).create(
            backends,
            storage,
            xmpp.boundjid.bare,
            initial_own_label=None,
            undecided_trust_level_name=TrustLevel.UNDECIDED.value,
        )
        await manager.ensure_data_consistency()
        await manager.after_history_sync()
        return manager

    xep_0384_module._prepare = prepare


def sce_envelope(body: str, own_bare: str) -> bytes:
    """The XEP-0420 envelope OMEMO 2 encrypts: the body, random padding, time and sender."""
    pad_len = secrets.randbelow(200)
    pad = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(pad_len))
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        f"<envelope xmlns='{SCE_NS}'><content><body xmlns='jabber:client'>{escape(body)}</body>"
        f"</content><rpad>{pad}</rpad><time stamp='{stamp}'/><from jid={quoteattr(own_bare)}/>"
        "</envelope>"
    ).encode("utf-8")


def open_sce_envelope(plaintext: bytes, sender_bare: str) -> Optional[str]:
    """The body inside an SCE envelope; refuses an envelope whose <from/> names someone else."""
    envelope = ET.fromstring(plaintext.decode("utf-8"))
    if envelope.tag != f"{{{SCE_NS}}}envelope":
        raise ValueError(f"not an SCE envelope: {envelope.tag}")
    sender = envelope.find(f"{{{SCE_NS}}}from")
    if sender is not None and JID(sender.get("jid", "")).bare != sender_bare:
        raise ValueError(f"SCE <from/> {sender.get('jid')!r} is not the sender {sender_bare}")
    content = envelope.find(f"{{{SCE_NS}}}content")
    if content is None:
        raise ValueError("SCE envelope without <content/>")
    body = content.find("{jabber:client}body")
    return None if body is None else (body.text or "")


class StateFile:
    """The bot's own small state next to the OMEMO storage: the MAM catch-up cursor."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.data: Dict[str, Any] = {}
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                self.data = json.load(f)

    def save(self) -> None:
        tmp = self.path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(self.data, f)
        os.replace(tmp, self.path)


def jingle(action: str, sid: str, **attrs: str) -> ET.Element:
    """A <jingle/> element (XEP-0166) of session `sid`."""
    return ET.Element(f"{{{JINGLE_NS}}}jingle", action=action, sid=sid, **attrs)


def terminate(sid: str, reason: str) -> ET.Element:
    """`session-terminate` with a reason condition (success, decline, media-error, …)."""
    elt = jingle("session-terminate", sid)
    ET.SubElement(ET.SubElement(elt, f"{{{JINGLE_NS}}}reason"), f"{{{JINGLE_NS}}}{reason}")
    return elt


def reason_of(elt: ET.Element) -> Optional[str]:
    """The condition of a <jingle/>'s <reason/> (its first child but <text/>)."""
    reason = elt.find(f"{{{JINGLE_NS}}}reason")
    if reason is None:
        return None
    for child in reason:
        if child.tag != f"{{{JINGLE_NS}}}text":
            return child.tag.split("}", 1)[-1]
    return None


def sha256_file(path: str) -> bytes:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.digest()


def b64(data: Optional[bytes]) -> Optional[str]:
    return None if data is None else base64.b64encode(data).decode("ascii")


class Incoming:
    """A file offered to the bot, coming in over IBB: written to the state
    directory and hashed while it streams."""

    def __init__(self, sid: str, peer: JID, name: str, size: int, sha256: Optional[bytes],
                 stream: str, block_size: int, path: str) -> None:
        self.sid = sid
        self.peer = peer
        self.name = name
        self.size = size
        self.sha256 = sha256
        self.stream = stream
        self.block_size = block_size
        self.path = path
        self.file = open(path, "wb")
        self.digest = hashlib.sha256()
        self.received = 0
        self.problem: Optional[str] = None

    def take(self, data: bytes) -> None:
        if self.problem is not None:
            return
        if self.received + len(data) > self.size:
            self.problem = f"more than the offered {self.size} bytes"
            return
        self.file.write(data)
        self.digest.update(data)
        self.received += len(data)

    def close(self) -> None:
        if not self.file.closed:
            self.file.close()


class Outgoing:
    """A file the bot offered: the answers it waits for."""

    def __init__(self, sid: str, peer: JID, stream: str, path: str, size: int) -> None:
        loop = asyncio.get_running_loop()
        self.sid = sid
        self.peer = peer
        self.stream = stream
        self.path = path
        self.size = size
        self.accepted: asyncio.Future = loop.create_future()  # the session-accept <jingle/>
        self.terminated: asyncio.Future = loop.create_future()  # the peer's reason


class Bot(ClientXMPP):
    def __init__(self, args: argparse.Namespace) -> None:
        ssl_context = ssl.create_default_context(cafile=args.ca_file)
        ssl_context.check_hostname = True
        ssl_context.verify_mode = ssl.CERT_REQUIRED
        super().__init__(args.jid, args.password, ssl_context=ssl_context)
        self.args = args
        self.namespaces = [NS_OF[v] for v in args.versions]
        self.state = StateFile(os.path.join(args.state, "bot.json"))
        self.quitting = False
        self.seen_ids: set = set()
        # Our nick per room joined (our own reflected messages are skipped).
        self.nicks: Dict[str, str] = {}
        self.mam_results: Dict[str, List[Message]] = {}
        # Direct file transfers: by Jingle session id, and incoming ones by
        # IBB stream id too.
        self.incoming: Dict[str, Incoming] = {}
        self.incoming_streams: Dict[str, Incoming] = {}
        self.outgoing: Dict[str, Outgoing] = {}
        self.decline_next = False
        self.tasks: set = set()
        # Features taken out of disco#info (and so of the caps) by `features`.
        self.dropped_features: set = set()
        # One OMEMO operation at a time (python-omemo does not guard a session
        # against concurrent use), and incoming messages in arrival order:
        # slixmpp runs each handler as its own task.
        self.lock = asyncio.Lock()
        self.use_message_ids = True
        # The port given is a STARTTLS port: no direct TLS attempt first, and
        # never plaintext.
        self.enable_direct_tls = False
        self.enable_starttls = True
        self.enable_plaintext = False

        self.roster.auto_authorize = True
        self.roster.auto_subscribe = True

        for plugin in ["xep_0030", "xep_0045", "xep_0060", "xep_0115", "xep_0163", "xep_0199",
                       "xep_0280", "xep_0334", "xep_0359", "xep_0380"]:
            self.register_plugin(plugin)
        # In-band bytestreams: streams are taken only when pre-authorised
        # (a Jingle session the bot accepted), blocks up to 8 KiB.
        self.register_plugin("xep_0047", {"auto_accept": False, "max_block_size": 8192})
        if args.mds:
            # Message Displayed Synchronization: +notify in the caps (and the
            # bare feature, slixmpp's register_pep adds both), events below.
            self.register_plugin("xep_0490")
            self.add_event_handler("message_displayed_synchronization_publish", self.on_mds)
        register_plugin(BotOmemo)
        self.register_plugin(
            "xep_0384",
            {
                "storage_file": os.path.join(args.state, "omemo.json"),
                "namespaces": self.namespaces,
                "btbv": args.trust == "blind",
            },
            module=sys.modules[__name__],
        )

        self.add_event_handler("session_start", self.on_session_start)
        self.add_event_handler("message", self.on_message)
        self.add_event_handler("failed_auth", self.on_failed_auth)
        self.add_event_handler("connection_failed", self.on_connection_failed)
        self.add_event_handler("disconnected", self.on_disconnected)
        # slixmpp raises `message` only for stanzas with a body: OMEMO key
        # transport (session set-up, heartbeats) has none.
        for ns in (TWO_NS, OLD_NS):
            self.register_handler(
                CoroutineCallback(
                    f"OMEMO without body ({ns})",
                    MatchXPath(f"{{jabber:client}}message/{{{ns}}}encrypted"),
                    self.on_bodiless_omemo,
                )
            )
        self.register_handler(
            CoroutineCallback(
                "Jingle",
                MatchXPath(f"{{jabber:client}}iq/{{{JINGLE_NS}}}jingle"),
                self.on_jingle,
            )
        )
        self.add_event_handler("ibb_stream_data", self.on_ibb_data)
        self.add_event_handler("ibb_stream_end", self.on_ibb_end)
        self.register_handler(
            Callback(
                "MAM results",
                MatchXPath(f"{{jabber:client}}message/{{{MAM_NS}}}result"),
                self.collect_mam_result,
            )
        )

    # ---- connection ------------------------------------------------------

    def on_failed_auth(self, _: Any) -> None:
        emit("error", kind="auth", message="authentication failed")

    def on_connection_failed(self, reason: Any) -> None:
        emit("error", kind="connection", message=str(reason))

    def on_disconnected(self, reason: Any) -> None:
        if self.quitting:
            os._exit(self.exit_code)
        emit("disconnected", reason=str(reason))
        asyncio.get_event_loop().call_later(1.0, lambda: self.connect(self.args.host, self.args.port))

    async def on_session_start(self, _: Any) -> None:
        try:
            await self.get_roster()
            plugin = self.plugin["xep_0384"]
            manager = await plugin.get_session_manager()
            async with self.lock:
                await self.catch_up(manager)
            caps = await self.advertise()
            self.send_presence()
            own, _others = await manager.get_own_device_information()
            emit(
                "ready",
                jid=str(self.boundjid),
                device_id=own.device_id,
                fingerprint="".join(manager.format_identity_key(own.identity_key)),
                identity_key=own.identity_key.hex(),
                versions=[VERSION_OF[ns] for ns in self.namespaces],
                trust=self.args.trust,
                caps=caps,
            )
        except Exception as e:  # noqa: BLE001 - reported, then the bot exits
            log.exception("start failed")
            emit("error", kind="start", message=describe(e))
            self.quit(1)

    def on_mds(self, msg: Message) -> None:
        event = msg.xml.find(f"{{{PUBSUB_EVENT_NS}}}event")
        items = event.find(f"{{{PUBSUB_EVENT_NS}}}items") if event is not None else None
        if items is None:
            return
        for item in items.findall(f"{{{PUBSUB_EVENT_NS}}}item"):
            sid = item.find(f"{{{MDS_NS}}}displayed/{{{SID_NS}}}stanza-id")
            emit(
                "mds",
                **{"from": str(msg["from"])},
                chat=item.get("id"),
                stanza_id=sid.get("id") if sid is not None else None,
                by=sid.get("by") if sid is not None else None,
            )

    async def mds_publish(self, cmd: Dict[str, Any], ref: Any) -> None:
        if not self.args.mds:
            raise ValueError("started without --mds")
        from slixmpp.plugins.xep_0490 import stanza as mds_stanza

        displayed = mds_stanza.Displayed()
        displayed["stanza_id"]["id"] = str(cmd["stanza_id"])
        if cmd.get("by"):
            displayed["stanza_id"]["by"] = str(cmd["by"])
        chat = JID(cmd["with"]).bare
        await self.plugin["xep_0223"].store(displayed, node=MDS_NS, id=chat)
        emit("mds_published", ref=ref, chat=chat, stanza_id=str(cmd["stanza_id"]))

    # ---- offline messages: MAM catch-up ------------------------------------

    def collect_mam_result(self, msg: Message) -> None:
        result = msg.xml.find(f"{{{MAM_NS}}}result")
        if result is not None:
            self.mam_results.setdefault(result.get("queryid", ""), []).append(msg)

    async def mam_page(self, rsm: List[ET.Element]) -> tuple[List[Message], bool, Optional[str]]:
        """One archive page: the result messages, whether it was the last and its last id."""
        iq = self.make_iq_set()
        query = ET.SubElement(iq.xml, f"{{{MAM_NS}}}query", queryid=iq["id"])
        rsm_set = ET.SubElement(query, f"{{{RSM_NS}}}set")
        for elt in rsm:
            rsm_set.append(elt)
        self.mam_results[iq["id"]] = []
        answer = await iq.send(timeout=20)
        results = self.mam_results.pop(iq["id"], [])
        fin = answer.xml.find(f"{{{MAM_NS}}}fin")
        complete = fin is not None and fin.get("complete") in ("true", "1")
        last = None if fin is None else fin.findtext(f"{{{RSM_NS}}}set/{{{RSM_NS}}}last")
        return results, complete, last

    def rsm(self, name: str, text: str = "") -> ET.Element:
        elt = ET.Element(f"{{{RSM_NS}}}{name}")
        elt.text = text
        return elt

    async def catch_up(self, manager: Any) -> None:
        """Delivers what the archive got since the last message this device saw."""
        if not self.state.data.get("initialized"):
            # A new device: nothing before now was encrypted for it. Start
            # after the newest archived message.
            _results, _complete, last = await self.mam_page([self.rsm("max", "1"), self.rsm("before")])
            self.state.data = {"initialized": True, "cursor": last}
            self.state.save()
            return
        manager.before_history_sync()
        try:
            count = 0
            while True:
                page = [self.rsm("max", "50")]
                if self.state.data.get("cursor"):
                    page.append(self.rsm("after", self.state.data["cursor"]))
                results, complete, last = await self.mam_page(page)
                for result in results:
                    await self.handle_archived(result)
                    count += 1
                if last:
                    self.state.data["cursor"] = last
                    self.state.save()
                if complete or not results:
                    break
            log.info("caught up: %d archived messages", count)
        finally:
            await manager.after_history_sync()

    async def handle_archived(self, wrapper: Message) -> None:
        result = wrapper.xml.find(f"{{{MAM_NS}}}result")
        forwarded = result.find("{urn:xmpp:forward:0}forwarded")
        inner = None if forwarded is None else forwarded.find("{jabber:client}message")
        if inner is None:
            return
        delay = forwarded.find("{urn:xmpp:delay}delay")
        stanza = Message(self, inner)
        if JID(stanza["from"]).bare == self.boundjid.bare:
            return  # our own outgoing message
        await self.handle(stanza, archive_id=result.get("id"), stamp=None if delay is None else delay.get("stamp"))

    # ---- incoming ------------------------------------------------------------

    async def on_bodiless_omemo(self, msg: Message) -> None:
        if msg.xml.find("{jabber:client}body") is None:
            await self.on_message(msg)

    async def on_message(self, msg: Message) -> None:
        if msg.xml.find(f"{{{MAM_NS}}}result") is not None:
            return  # handled by the catch-up
        if msg["type"] == "error":
            emit(
                "message_error",
                **{"from": str(msg["from"])},
                id=msg["id"],
                condition=msg["error"]["condition"],
                text=msg["error"]["text"] or None,
            )
            return
        archive_id = None
        room_id = None
        for sid in msg.xml.findall(f"{{{SID_NS}}}stanza-id"):
            if sid.get("by") == self.boundjid.bare:
                archive_id = sid.get("id")
            elif msg["type"] == "groupchat" and sid.get("by") == JID(msg["from"]).bare:
                room_id = sid.get("id")
        async with self.lock:
            await self.handle(msg, archive_id=archive_id, stamp=None, room_id=room_id)
            if archive_id:
                self.state.data["cursor"] = archive_id
                self.state.save()

    async def handle(self, msg: Message, archive_id: Optional[str], stamp: Optional[str],
                     room_id: Optional[str] = None) -> None:
        if archive_id is not None:
            if archive_id in self.seen_ids:
                return
            self.seen_ids.add(archive_id)
        plugin = self.plugin["xep_0384"]
        sender = JID(msg["from"])
        # A group message: its author's keys are those of the real JID
        # behind the nick (non-anonymous rooms show it in presence).
        author = sender
        if msg["type"] == "groupchat":
            if not msg["body"] or sender.resource == self.nicks.get(sender.bare):
                return  # a subject, or our own message reflected
            real = self.plugin["xep_0045"].get_jid_property(JID(sender.bare), sender.resource, "jid")
            author = JID(real) if real else JID(sender.bare)
        found = plugin.is_encrypted(msg)
        common = {
            "real_jid": author.bare if msg["type"] == "groupchat" else None,
            "from": str(sender),
            "id": msg["id"] or None,
            "stanza_id": archive_id,
            "room_stanza_id": room_id,
            "archived": stamp is not None or None,
            "delay": stamp,
            "type": msg["type"],
        }
        if not found:
            if msg["body"]:
                emit("message", **common, body=msg["body"], encrypted=False, version=None, sender_device=None)
            return
        usable = [ns for ns in (TWO_NS, OLD_NS) if ns in found and ns in self.namespaces]
        if not usable:
            emit(
                "message", **common, body=None, encrypted=True,
                version=VERSION_OF[sorted(found)[0]], sender_device=None,
                error="no enabled OMEMO version in the message: " + ", ".join(sorted(found)),
            )
            return
        ns = usable[0]
        manager = await plugin.get_session_manager()
        elt = msg.xml.find(f"{{{ns}}}encrypted")
        sender_device = None
        try:
            if ns == TWO_NS:
                message = twomemo.etree.parse_message(elt, author.bare)
            else:
                message = await oldmemo.etree.parse_message(elt, author.bare, self.boundjid.bare, manager)
            sender_device = message.device_id
            plaintext, device, _key = await manager.decrypt(message)
            if plaintext is None:
                emit("empty_omemo", **common, version=VERSION_OF[ns], sender_device=sender_device)
                return
            body = open_sce_envelope(plaintext, author.bare) if ns == TWO_NS else plaintext.decode("utf-8")
            emit(
                "message", **common, body=body, encrypted=True, version=VERSION_OF[ns],
                sender_device=device.device_id,
                sender_trust=TRUST_WORDS.get(device.trust_level_name, device.trust_level_name),
            )
        except Exception as e:  # noqa: BLE001 - every failure is an event for the test
            log.warning("cannot decrypt %s from %s", msg["id"], sender, exc_info=True)
            emit(
                "message", **common, body=None, encrypted=True, version=VERSION_OF[ns],
                sender_device=sender_device, error=describe(e),
            )

    # ---- direct file transfers (XEP-0234, XEP-0261 over XEP-0047) -----------

    async def advertise(self) -> Dict[str, Any]:
        """Names the client identity, adds the direct-transfer features to
        the bound JID's disco#info (after bind: disco data without a JID is
        the bound JID's) and computes the XEP-0115 caps from it: the next
        presence carries them."""
        disco = self.plugin["xep_0030"]
        # A disco#info answered before this (Prosody asks at once) got
        # slixmpp's nameless client/bot default, kept in the stored info;
        # identities are unique by category/type/lang, so it is replaced.
        await disco.del_identity(category="client", itype="bot")
        await disco.add_identity(category="client", itype="bot", name=CLIENT_NAME)
        for feature in JINGLE_FEATURES:
            await disco.add_feature(feature)
        if self.args.mds:
            # Added before bind, they are not in the bound JID's info.
            for feature in (MDS_NS, MDS_NS + "+notify"):
                await disco.add_feature(feature)
        for feature in self.dropped_features:
            await disco.del_feature(feature=feature)
        return await self.refresh_caps()

    async def refresh_caps(self) -> Dict[str, Any]:
        """Recomputes the caps from the disco#info; returns their ver and features."""
        caps = self.plugin["xep_0115"]
        await caps.update_caps(broadcast=False)
        info = await self.plugin["xep_0030"].get_info(local=True)
        if isinstance(info, Iq):
            info = info["disco_info"]
        out = {"ver": await caps.get_verstring(), "features": sorted(info["features"])}
        log.info("caps: %s", out)
        return out

    def spawn(self, coro: Any) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def send_jingle(self, to: JID, elt: ET.Element) -> None:
        iq = self.make_iq_set(ito=to)
        iq.xml.append(elt)
        await iq.send(timeout=20)

    async def on_jingle(self, iq: Iq) -> None:
        """A Jingle IQ: every set is answered first (XEP-0166), then acted on."""
        if iq["type"] != "set":
            return
        elt = iq.xml.find(f"{{{JINGLE_NS}}}jingle")
        action, sid, peer = elt.get("action"), elt.get("sid", ""), iq["from"]
        log.info("jingle %s %s from %s", action, sid, peer)
        if action == "session-initiate":
            if sid in self.incoming or sid in self.outgoing:
                raise XMPPError("conflict", "this session exists", etype="cancel")
            iq.reply().send()
            await self.on_file_offer(peer, sid, elt)
            return
        session = self.incoming.get(sid) or self.outgoing.get(sid)
        if session is None or session.peer != peer:
            raise XMPPError("item-not-found", "unknown session", etype="cancel")
        iq.reply().send()
        if isinstance(session, Outgoing):
            if action == "session-accept" and not session.accepted.done():
                session.accepted.set_result(elt)
            elif action == "session-terminate" and not session.terminated.done():
                session.terminated.set_result(reason_of(elt))
        elif action == "session-terminate":
            self.end_incoming(session, ok=False, reason=reason_of(elt), by_peer=True)

    async def on_file_offer(self, peer: JID, sid: str, elt: ET.Element) -> None:
        """A session-initiate: declined when asked to, else accepted over IBB."""
        content = elt.find(f"{{{JINGLE_NS}}}content")
        description = None if content is None else content.find(f"{{{FT_NS}}}description")
        offered = None if description is None else description.find(f"{{{FT_NS}}}file")
        transport = None if content is None else content.find(f"{{{JIBB_NS}}}transport")
        if offered is None or transport is None:
            reason = "unsupported-applications" if offered is None else "unsupported-transports"
            await self.send_jingle(peer, terminate(sid, reason))
            emit("file_declined", **{"from": str(peer)}, sid=sid, reason=reason)
            return
        name = offered.findtext(f"{{{FT_NS}}}name") or "file"
        size = int(offered.findtext(f"{{{FT_NS}}}size") or "0")
        expected = None
        for h in offered.findall(f"{{{HASHES_NS}}}hash"):
            if h.get("algo") == "sha-256" and h.text:
                expected = base64.b64decode(h.text.strip())
        if self.decline_next:
            self.decline_next = False
            await self.send_jingle(peer, terminate(sid, "decline"))
            emit("file_declined", **{"from": str(peer)}, sid=sid, name=name, size=size, reason="decline")
            return
        stream = transport.get("sid", "")
        offered_block = int(transport.get("block-size") or "0")
        ibb = self.plugin["xep_0047"]
        block = min(offered_block or ibb.block_size, ibb.max_block_size)
        folder = os.path.join(self.args.state, "received")
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, f"{sid[:8]}-{os.path.basename(name) or 'file'}")
        session = Incoming(sid, peer, name, size, expected, stream, block, path)
        self.incoming[sid] = session
        self.incoming_streams[stream] = session
        # xep_0047 takes the stream when Plausch opens it (to our full JID).
        await self.plugin["xep_0047"].api["preauthorize_sid"](self.boundjid, stream, peer)
        accept = jingle("session-accept", sid, responder=str(self.boundjid))
        answer = ET.SubElement(accept, f"{{{JINGLE_NS}}}content",
                               creator=content.get("creator", "initiator"), name=content.get("name", ""))
        if content.get("senders"):
            answer.set("senders", content.get("senders", ""))
        answer.append(description)
        ET.SubElement(answer, f"{{{JIBB_NS}}}transport",
                      {"sid": stream, "block-size": str(block)})
        await self.send_jingle(peer, accept)
        emit("file_accepted", **{"from": str(peer)}, sid=sid, name=name, size=size,
             offered_block_size=offered_block, block_size=block, stream=stream)

    def on_ibb_data(self, stream: Any) -> None:
        """A block of an incoming stream (xep_0047 answers it after this returns)."""
        session = self.incoming_streams.get(stream.sid)
        if session is None or stream.peer_jid != session.peer:
            return
        while not stream.recv_queue.empty():
            session.take(stream.read())

    def on_ibb_end(self, stream: Any) -> None:
        """Plausch closed its stream: the file is complete (or not)."""
        session = self.incoming_streams.get(stream.sid)
        if session is None or stream.peer_jid != session.peer:
            return
        while not stream.recv_queue.empty():
            session.take(stream.recv_queue.get_nowait())
        session.close()
        digest = session.digest.digest()
        # Without a SHA-256 in the offer only the size can be checked.
        ok = (session.problem is None and session.received == session.size
              and (session.sha256 is None or digest == session.sha256))
        self.end_incoming(session, ok=ok, reason="success" if ok else "media-error", by_peer=False)

    def end_incoming(self, session: Incoming, ok: bool, reason: Optional[str], by_peer: bool) -> None:
        self.incoming.pop(session.sid, None)
        self.incoming_streams.pop(session.stream, None)
        session.close()
        if not by_peer:
            self.spawn(self.send_jingle(session.peer, terminate(session.sid, reason or "general-error")))
        emit(
            "file_received", **{"from": str(session.peer)}, sid=session.sid, name=session.name,
            size=session.received, offered_size=session.size,
            sha256=b64(session.digest.digest()), expected_sha256=b64(session.sha256),
            ok=ok, reason=reason, ended_by="peer" if by_peer else "bot", problem=session.problem,
            block_size=session.block_size, path=session.path,
        )

    async def send_file_direct(self, cmd: Dict[str, Any], ref: Any) -> None:
        """Offers a file (session-initiate); the transfer runs as its own task."""
        to = JID(cmd["to"])
        if not to.resource:
            raise ValueError(f"a direct transfer goes to one client (a full JID), not {to}")
        path = str(cmd["path"])
        size = os.path.getsize(path)
        digest = await asyncio.get_running_loop().run_in_executor(None, sha256_file, path)
        name = str(cmd.get("name") or os.path.basename(path))
        media_type = cmd.get("media_type") or mimetypes.guess_type(name)[0] or "application/octet-stream"
        sid = secrets.token_hex(8)
        stream = secrets.token_hex(8)
        offer = jingle("session-initiate", sid, initiator=str(self.boundjid))
        content = ET.SubElement(offer, f"{{{JINGLE_NS}}}content",
                                creator="initiator", name="a-file-offer", senders="initiator")
        offered = ET.SubElement(ET.SubElement(content, f"{{{FT_NS}}}description"), f"{{{FT_NS}}}file")
        ET.SubElement(offered, f"{{{FT_NS}}}media-type").text = media_type
        ET.SubElement(offered, f"{{{FT_NS}}}name").text = name
        ET.SubElement(offered, f"{{{FT_NS}}}size").text = str(size)
        ET.SubElement(offered, f"{{{HASHES_NS}}}hash", algo="sha-256").text = b64(digest)
        ET.SubElement(content, f"{{{JIBB_NS}}}transport", {"sid": stream, "block-size": str(OFFER_BLOCK)})
        session = Outgoing(sid, to, stream, path, size)
        self.outgoing[sid] = session
        try:
            await self.send_jingle(to, offer)
        except Exception:
            self.outgoing.pop(sid, None)
            raise
        emit("file_offered", ref=ref, sid=sid, stream=stream, to=str(to), name=name, size=size,
             sha256=b64(digest))
        self.spawn(self.run_outgoing(session, ref))

    async def run_outgoing(self, session: Outgoing, ref: Any) -> None:
        """Waits for the answer, streams the file with xep_0047, closes and
        reports the receiver's verdict (its session-terminate)."""
        sent = 0
        block = None
        accept_info: Optional[Dict[str, Any]] = None
        # How our IBB <close/> was answered: "result", an error condition,
        # or None (not sent: the session had ended).
        close = None
        try:
            await asyncio.wait({session.accepted, session.terminated}, timeout=120,
                               return_when=asyncio.FIRST_COMPLETED)
            if not session.terminated.done():
                if not session.accepted.done():
                    await self.send_jingle(session.peer, terminate(session.sid, "timeout"))
                    raise TimeoutError("no answer to the offer")
                accept = session.accepted.result()
                content = accept.find(f"{{{JINGLE_NS}}}content")
                transport = None if content is None else content.find(f"{{{JIBB_NS}}}transport")
                accept_info = {
                    "content": None if content is None else content.get("name"),
                    "creator": None if content is None else content.get("creator"),
                    "description": content is not None
                    and content.find(f"{{{FT_NS}}}description") is not None,
                    "stream": None if transport is None else transport.get("sid"),
                    "block_size": None if transport is None else int(transport.get("block-size") or "0"),
                }
                if transport is None or transport.get("sid") != session.stream:
                    await self.send_jingle(session.peer, terminate(session.sid, "failed-transport"))
                    raise ValueError(f"accepted without our IBB stream: {accept_info}")
                block = accept_info["block_size"]
                if not 0 < block <= OFFER_BLOCK:
                    await self.send_jingle(session.peer, terminate(session.sid, "failed-transport"))
                    raise ValueError(f"accepted with block size {block}, offered {OFFER_BLOCK}")
                ibb = await self.plugin["xep_0047"].open_stream(session.peer, block_size=block,
                                                                sid=session.stream, timeout=20)
                with open(session.path, "rb") as f:
                    while not session.terminated.done():
                        chunk = f.read(block)
                        if not chunk:
                            break
                        await ibb.send(chunk, timeout=20)
                        sent += len(chunk)
                if not session.terminated.done():
                    try:
                        await ibb.close(timeout=20)
                        close = "result"
                    except IqError as e:
                        # The receiver may have ended the session (all bytes
                        # in) before the close reached it: its verdict counts.
                        close = e.iq["error"]["condition"]
                        log.info("IBB close of %s refused: %s", session.sid, e.iq)
            reason = await asyncio.wait_for(asyncio.shield(session.terminated), 120)
            emit("file_sent", ref=ref, sid=session.sid, to=str(session.peer), reason=reason,
                 bytes=sent, size=session.size, block_size=block, accept=accept_info, close=close)
        except Exception as e:  # noqa: BLE001 - reported to the test
            log.warning("direct transfer %s failed", session.sid, exc_info=True)
            emit("file_sent", ref=ref, sid=session.sid, to=str(session.peer),
                 reason=session.terminated.result() if session.terminated.done() else None,
                 bytes=sent, size=session.size, block_size=block, accept=accept_info, close=close,
                 error=describe(e))
        finally:
            self.outgoing.pop(session.sid, None)

    # ---- commands ------------------------------------------------------------

    async def refresh(self, jid: str) -> None:
        manager = await self.plugin["xep_0384"].get_session_manager()
        for ns in self.namespaces:
            try:
                await manager.refresh_device_list(ns, JID(jid).bare)
            except omemo.DeviceListDownloadFailed as e:
                log.info("no %s device list for %s: %s", ns, jid, e)

    async def device_info(self, jid: str) -> List[Dict[str, Any]]:
        manager = await self.plugin["xep_0384"].get_session_manager()
        out = []
        for d in sorted(await manager.get_device_information(JID(jid).bare), key=lambda d: d.device_id):
            active = dict(d.active)
            out.append({
                "device": d.device_id,
                "versions": sorted(VERSION_OF[ns] for ns in d.namespaces if ns in VERSION_OF),
                "active": sorted(VERSION_OF[ns] for ns, on in active.items() if on and ns in VERSION_OF),
                "trust": TRUST_WORDS.get(d.trust_level_name, d.trust_level_name),
                "fingerprint": "".join(manager.format_identity_key(d.identity_key)),
                "label": d.label,
            })
        return out

    async def send_message(self, cmd: Dict[str, Any], ref: Any) -> None:
        to = JID(cmd["to"])
        body = cmd["body"]
        mtype = "groupchat" if cmd.get("groupchat") else "chat"
        # Whose devices it is encrypted for: the contact, or a group's members.
        recipients_of = [JID(j).bare for j in cmd.get("recipients", [])] or [to.bare]
        if not cmd.get("encrypt", True):
            msg = self.make_message(mto=to, mbody=body, mtype=mtype)
            msg.send()
            emit("sent", ref=ref, id=msg["id"], to=str(to), encrypted=False, versions=[])
            return
        manager = await self.plugin["xep_0384"].get_session_manager()
        version = cmd.get("version")
        order = [ns for ns in (TWO_NS, OLD_NS) if ns in self.namespaces]
        if version is not None:
            if NS_OF.get(str(version)) not in self.namespaces:
                raise ValueError(f"version {version!r} is not enabled (enabled: {self.args.versions})")
            order = [NS_OF[str(version)]]
        for jid in recipients_of:
            await self.refresh(jid)
        plaintexts: Dict[str, bytes] = {}
        if TWO_NS in order:
            plaintexts[TWO_NS] = sce_envelope(body, self.boundjid.bare)
        if OLD_NS in order:
            plaintexts[OLD_NS] = body.encode("utf-8")
        messages, errors = await manager.encrypt(
            frozenset(recipients_of), plaintexts, backend_priority_order=order, identifier=ref
        )
        msg = self.make_message(mto=to, mbody=FALLBACK, mtype=mtype)
        msg.enable("store")
        used = []
        for message in messages:
            if message.namespace == TWO_NS:
                msg.xml.append(twomemo.etree.serialize_message(message))
            else:
                msg.xml.append(oldmemo.etree.serialize_message(message))
            used.append(message.namespace)
        for ns in used:
            ET.SubElement(msg.xml, f"{{{EME_NS}}}encryption", namespace=ns, name="OMEMO")
        recipients = sorted(
            ({"jid": key.bare_jid, "device": key.device_id, "version": VERSION_OF[m.namespace]}
             for m in messages for key, _kex in m.keys),
            key=lambda r: (r["jid"], r["device"]),
        )
        msg.send()
        emit(
            "sent", ref=ref, id=msg["id"], to=str(to), encrypted=True,
            versions=sorted(VERSION_OF[ns] for ns in used),
            recipients=recipients,
            errors=[
                {"jid": e.bare_jid, "device": e.device_id, "version": VERSION_OF.get(e.namespace),
                 "error": describe(e.exception)}
                for e in errors
            ],
        )

    async def command(self, line: str) -> None:
        ref = None
        try:
            cmd = json.loads(line)
            ref = cmd.get("ref")
            name = cmd.get("cmd")
            if name == "send":
                async with self.lock:
                    await self.send_message(cmd, ref)
            elif name == "devices":
                async with self.lock:
                    if cmd.get("refresh", True):
                        await self.refresh(cmd["jid"])
                    devices = await self.device_info(cmd["jid"])
                emit("devices", ref=ref, jid=JID(cmd["jid"]).bare, devices=devices)
            elif name == "trust":
                jid = JID(cmd["jid"]).bare
                level = TRUST_NAMES[cmd["trust"]]
                manager = await self.plugin["xep_0384"].get_session_manager()
                devices = await manager.get_device_information(jid)
                device = next((d for d in devices if d.device_id == int(cmd["device"])), None)
                if device is None:
                    raise ValueError(f"unknown device {cmd['device']} of {jid}")
                await manager.set_trust(jid, device.identity_key, level.value)
                emit("trust", ref=ref, jid=jid, device=device.device_id, trust=cmd["trust"])
            elif name == "refresh":
                jids = [cmd["jid"]] if cmd.get("jid") else [j for j in self.client_roster if j != self.boundjid.bare]
                async with self.lock:
                    for jid in jids:
                        await self.refresh(jid)
                emit("refreshed", ref=ref, jids=[JID(j).bare for j in jids])
            elif name == "join":
                room = JID(cmd["room"]).bare
                nick = str(cmd.get("nick") or self.boundjid.user)
                self.nicks[room] = nick
                await self.plugin["xep_0045"].join_muc_wait(JID(room), nick, maxstanzas=0, timeout=20)
                emit("joined", ref=ref, room=room, nick=nick)
            elif name == "subscribe":
                self.send_presence_subscription(pto=JID(cmd["jid"]).bare)
                emit("subscribed", ref=ref, jid=JID(cmd["jid"]).bare)
            elif name == "fetch_aesgcm":
                url = str(cmd["url"])
                if not url.startswith("aesgcm://") or "#" not in url:
                    raise ValueError(f"not an aesgcm link: {url!r}")
                address, fragment = url[len("aesgcm://"):].split("#", 1)
                context = ssl.create_default_context(cafile=self.args.ca_file)

                def fetch() -> bytes:
                    with urllib.request.urlopen("https://" + address, context=context, timeout=30) as r:
                        return r.read()

                data = await asyncio.get_running_loop().run_in_executor(None, fetch)
                from slixmpp.plugins.xep_0454 import XEP_0454

                plain = XEP_0454.decrypt(io.BytesIO(data), fragment)
                emit("fetched", ref=ref, size=len(plain), sha256=hashlib.sha256(plain).hexdigest())
            elif name == "send_file_direct":
                await self.send_file_direct(cmd, ref)
            elif name == "features":
                disco = self.plugin["xep_0030"]
                for feature in cmd.get("remove", []):
                    await disco.del_feature(feature=feature)
                    self.dropped_features.add(feature)
                for feature in cmd.get("add", []):
                    await disco.add_feature(feature)
                    self.dropped_features.discard(feature)
                caps = await self.refresh_caps()
                self.send_presence()
                emit("caps", ref=ref, **caps)
            elif name == "decline_next_file":
                self.decline_next = True
                emit("decline_armed", ref=ref)
            elif name == "raw":
                self.send_raw(cmd["xml"])
                emit("raw_sent", ref=ref)
            elif name == "mds_publish":
                await self.mds_publish(cmd, ref)
            elif name == "quit":
                emit("bye", ref=ref)
                self.quit(0)
            else:
                raise ValueError(f"unknown command {name!r}")
        except Exception as e:  # noqa: BLE001 - a bad command is an event, the bot keeps running
            log.warning("command failed: %s", line, exc_info=True)
            emit("error", kind="command", ref=ref, message=describe(e))

    def quit(self, code: int) -> None:
        self.quitting = True
        self.exit_code = code
        self.disconnect(wait=2.0)
        asyncio.get_event_loop().call_later(3.0, lambda: os._exit(code))

    def on_stdin_closed(self) -> None:
        if not self.quitting:
            log.info("stdin closed: quitting")
            self.quit(0)


def read_stdin(loop: asyncio.AbstractEventLoop, bot: Bot) -> None:
    """Feeds stdin's lines to the bot's loop, one command at a time in order."""
    queue: asyncio.Queue = asyncio.Queue()

    async def worker() -> None:
        while True:
            line = await queue.get()
            if line is None:
                bot.on_stdin_closed()
                return
            await bot.command(line)

    loop.call_soon_threadsafe(lambda: loop.create_task(worker()))

    def reader() -> None:
        for line in sys.stdin:
            if line.strip():
                loop.call_soon_threadsafe(queue.put_nowait, line)
        loop.call_soon_threadsafe(queue.put_nowait, None)

    threading.Thread(target=reader, daemon=True).start()


def parse_args(argv: List[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="OMEMO reference bot for Plausch's tests (JSON Lines on stdin/stdout)")
    p.add_argument("--jid", required=True, help="the account (bare or with resource)")
    p.add_argument("--password", required=True)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True, help="STARTTLS client port")
    p.add_argument("--ca-file", required=True, help="PEM file to validate the server's certificate against")
    p.add_argument("--state", required=True, help="directory for the OMEMO state (kept across restarts)")
    p.add_argument("--versions", default="both", choices=["0.3", "2", "both"])
    p.add_argument("--trust", default="blind", choices=["blind", "manual"],
                   help="blind: trust every new device (BTBV); manual: new devices stay undecided")
    p.add_argument("--mds", action="store_true",
                   help="XEP-0490: follow and publish read positions (mds events, mds_publish)")
    p.add_argument("--log-level", default="INFO")
    args = p.parse_args(argv)
    args.versions = ["2", "0.3"] if args.versions == "both" else [args.versions]
    return args


def main() -> None:
    args = parse_args(sys.argv[1:])
    logging.basicConfig(stream=sys.stderr, level=args.log_level.upper(),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if sys.version_info < (3, 11):
        emit("error", kind="start", message="Python 3.11 or newer is needed")
        sys.exit(2)
    os.makedirs(args.state, exist_ok=True)
    install_session_manager_factory([NS_OF[v] for v in args.versions])
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    bot = Bot(args)
    bot.exit_code = 0
    bot.connect(args.host, args.port)
    read_stdin(loop, bot)
    loop.run_forever()


if __name__ == "__main__":
    main()
