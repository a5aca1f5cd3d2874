//! Entry points of the fuzz targets in `fuzz/` (cargo-fuzz, nightly) and of
//! the replay of their corpus in `tests/fuzz_corpus.rs` (stable). Each takes
//! arbitrary bytes, hands them to the parsers Plausch runs on untrusted
//! input and must never panic, hang or allocate without bound. Not an API.
//!
//! The account handlers themselves need a live connection; the targets run
//! the pure parse functions those handlers call, in the order of the inbound
//! pipeline (`account/inbound.rs`).

use std::path::Path;

use chrono::{DateTime, Utc};
use tokio_xmpp::jid::{BareJid, Jid};
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::disco::{DiscoInfoResult, DiscoItemsResult};
use tokio_xmpp::parsers::iq::Iq;
use tokio_xmpp::parsers::message::Message;
use tokio_xmpp::parsers::ping::Ping;
use tokio_xmpp::parsers::presence::Presence;
use tokio_xmpp::parsers::roster::Roster;
use tokio_xmpp::parsers::stanza_error::StanzaError;
use tokio_xmpp::parsers::version::VersionResult;

use crate::account::depth_limit::DepthGuard;
use crate::account::muc::{bookmarks, convert};
use crate::account::{
    avatars, caps, chat, chatstates, console, last_activity, nick, presence, register, roster,
    upload, vcard, version,
};
use crate::api::{AccountRequest, AppCommand, Command};
use crate::xmpp::carbons::{self, Carbon};
use crate::xmpp::receipts;
use crate::xmpp::{mam, muc, muc_admin, omemo, pep};

/// Our account in the stanza targets, unless the stanza is addressed to
/// someone (then that is us: the server delivers only our stanzas).
const OWN: &str = "me@example.org";

/// A fixed "now", so a run can be repeated exactly.
fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_750_000_000, 0).unwrap_or(DateTime::UNIX_EPOCH)
}

/// The bytes as one XML element, as the stream hands a stanza over.
fn element(data: &[u8]) -> Option<Element> {
    // What the stream's depth guard passes on: nothing nested deeper than
    // it allows (the guard itself is fuzzed here too).
    let mut guard = DepthGuard::default();
    let mut ignored = Vec::new();
    guard.filter(b"<stream:stream xmlns='jabber:client'>", &mut ignored);
    let mut passed = Vec::with_capacity(data.len());
    guard.filter(data, &mut passed);
    let text = std::str::from_utf8(&passed).ok()?;
    let el: Element = text.parse().ok()?;
    // What the XML console shows of every incoming stanza.
    let _ = console::render(&el);
    Some(el)
}

fn own_of(to: Option<&Jid>) -> Option<BareJid> {
    match to {
        Some(to) => Some(to.to_bare()),
        None => OWN.parse().ok(),
    }
}

/// Errors carried in a stanza, as rooms and bounces are read.
fn stanza_errors(payloads: &[Element]) {
    for e in payloads
        .iter()
        .filter_map(|p| StanzaError::try_from(p.clone()).ok())
    {
        let _ = crate::xmpp::stanza_error::code(&e.defined_condition);
        let _ = crate::account::stanza_error::text(&e);
        let _ = pep::is_precondition_failure(&e);
    }
}

/// An incoming `<message/>`: rooms (groupchat, invitations, room archive
/// results), PEP notifications (avatars, nicknames, bookmarks), our own
/// archive's results (MAM), carbons, receipts, chat states, and the chat
/// message itself with its signals (corrections, retractions, reactions,
/// read markers), reply, file and ids, up to the rows for the store.
pub fn stanza_message(data: &[u8]) {
    let Some(el) = element(data) else {
        return;
    };
    let Ok(msg) = Message::try_from(el) else {
        return;
    };
    let Some(own) = own_of(msg.to.as_ref()) else {
        return;
    };
    let now = now();

    // Group chats (`muc::on_room_message`).
    let _ = muc::direct_invitation(&msg);
    if let Some(info) = muc::muc_user(&msg.payloads) {
        let _ = muc::leave_reason(&info);
        if let Some((Some(inviter), _)) = &info.invite {
            let _ = crate::store::bare_jid(inviter);
        }
    }
    stanza_errors(&msg.payloads);
    if let Some(room) = msg.from.as_ref().map(Jid::to_bare) {
        if mam::is_result(&msg) {
            room_archive_result(msg.clone(), &room, now);
        }
        if let Some(m) = muc::room_message(msg.clone(), &room, now) {
            room_message_rows(m, &room);
        }
    }

    // PEP notifications (`pep::on_pep_notification`).
    if let Some(n) = pep::notification(&msg) {
        let _ = crate::xmpp::avatars::metadata_event(&msg);
        for p in &n.publishers {
            let _ = p.parse::<Jid>();
        }
        for item in n.published.iter().flatten() {
            let _ = nick::from_element(item);
            omemo_items(item);
        }
        let _ = bookmarks::from_notification(&msg);
        for d in crate::xmpp::mds::from_event(&msg).unwrap_or_default() {
            let _ = crate::xmpp::mds::publish(&d, true);
        }
    }

    // Our archive (`sync::on_archive_result`): any query id counts as ours.
    if mam::is_result(&msg)
        && let Ok(archived) = mam::parse_result(msg.clone(), &own, |_| true, now)
    {
        store_rows(vec![chat::ArrivedMessage::from(archived.message)]);
    }

    // Carbons, receipts, chat states, then the message.
    let message = match carbons::unwrap(msg, &own) {
        Carbon::Forged { .. } => return,
        Carbon::Copy(inner) => {
            let _ = receipts::confirmed_id(&inner);
            inner
        }
        Carbon::None(msg) => {
            let _ = receipts::confirmed_id(&msg);
            let _ = receipts::requested(&msg);
            let _ = chatstates::of(&msg);
            msg
        }
    };
    // OMEMO: the encrypted element, and its payload read as an OMEMO 2
    // envelope (what it is once decrypted).
    if let Some(Ok(encrypted)) = omemo::Encrypted::of_message(&message) {
        if let Some(device) = omemo::DeviceId::new(1) {
            let _ = encrypted.key_for(&own, device);
        }
        if let Some(payload) = &encrypted.payload
            && let Ok(envelope) = crate::xmpp::sce::Envelope::parse(payload)
        {
            let _ = envelope.body();
        }
    }
    if let Some(m) = chat::parse_chat(message, &own, now) {
        store_rows(vec![m]);
    }
}

/// OMEMO device lists and bundles, as PEP items and notifications carry them.
fn omemo_items(item: &Element) {
    for version in omemo::Version::ALL {
        let _ = omemo::DeviceList::parse(version, item);
        let _ = omemo::Bundle::parse(version, item);
    }
}

/// A `<result/>` of a room's archive (`muc::history`).
fn room_archive_result(msg: Message, room: &BareJid, now: DateTime<Utc>) {
    // Any query id counts as ours; the sender check runs as in the actor.
    let Ok(result) = mam::open_result(msg, room, |_| true) else {
        return;
    };
    let stamp = result.stamp(now);
    if let Some(mut m) = muc::room_message(result.message, room, now) {
        m.server_id = Some(result.archive_id);
        if let Some(stamp) = stamp {
            m.timestamp = stamp;
        }
        room_message_rows(m, room);
    }
}

/// A room message as stored: once as someone else's (mentions of our nick
/// checked), once as ours.
fn room_message_rows(m: muc::RoomMessage, room: &BareJid) {
    let nick = m.nick.clone();
    let mut batch = Vec::new();
    let author = m.real_jid.clone();
    batch.extend(convert::into_chat(m.clone(), room, "me", false, author));
    batch.extend(convert::into_chat(m, room, &nick, true, None));
    store_rows(batch);
}

fn store_rows(batch: Vec<chat::ArrivedMessage>) {
    let rows = chat::StoreRows::new(&batch);
    let _ = rows.rows(&batch);
}

/// An incoming `<presence/>`: our other devices, room occupants (roles,
/// status codes, kicks, bans, destroyed rooms, join errors), subscription
/// requests with a nickname, capabilities, XEP-0153 avatar hashes, idle
/// time and the contact's best presence.
pub fn stanza_presence(data: &[u8]) {
    let Some(el) = element(data) else {
        return;
    };
    let Ok(p) = Presence::try_from(el) else {
        return;
    };
    let now = now();

    // Rooms (`muc::on_room_presence`, `on_join_error`).
    stanza_errors(&p.payloads);
    let info = muc::muc_user(&p.payloads).unwrap_or_default();
    let _ = muc::leave_reason(&info);
    if let Some(jid) = info.item.as_ref().and_then(|i| i.jid.as_deref()) {
        let _ = crate::store::bare_jid(jid);
    }
    let _ = roster::availability_of(&p);
    let _ = p
        .payloads
        .iter()
        .find(|e| e.is("occupant-id", tokio_xmpp::parsers::ns::OID))
        .and_then(|e| e.attr("id"));

    // Subscription requests, caps, avatars, presence.
    let _ = nick::of_presence(&p);
    let mut book = caps::CapsBook::default();
    let _ = book.observe(&p);
    let _ = crate::xmpp::avatars::vcard_update(&p);
    let _ = presence::idle_since(&p);
    let _ = last_activity::left_at(&p, now);
    let mut map = roster::PresenceMap::default();
    if let Some((jid, _)) = map.apply(&p) {
        let _ = map.resources(&jid);
    }
}

/// An incoming `<iq/>`: requests to us (disco#info, version, ping, roster
/// and blocking pushes) and the payloads of answers to ours (roster,
/// blocklist, archive page ends, PEP items with avatars, nicknames, vCards
/// and bookmarks, last activity, versions, disco for caps and uploads,
/// upload slots, room member lists, registration forms, errors).
pub fn stanza_iq(data: &[u8]) {
    let Some(el) = element(data) else {
        return;
    };
    let Ok(iq) = Iq::try_from(el) else {
        return;
    };
    match iq {
        Iq::Get { id, payload, .. } => {
            let offer = crate::xmpp::caps::Offer {
                receipts: true,
                typing: true,
                read_markers: true,
                omemo: true,
            };
            let _ = crate::xmpp::caps::answer(offer, &id, &payload);
            let _ = crate::xmpp::version::is_query(&payload);
            let _ = Ping::try_from(payload);
        }
        Iq::Set { payload, .. } => {
            if let Ok(roster) = Roster::try_from(payload.clone()) {
                let _: Vec<_> = roster.items.iter().map(roster::contact_from_item).collect();
            }
            // A block list push (`blocking::on_block_push`).
            if let Some(push) = crate::xmpp::blocking::push(&payload) {
                crate::xmpp::blocking::apply(&mut std::collections::BTreeSet::new(), push);
            }
        }
        Iq::Result { payload, .. } => {
            if let Some(payload) = payload {
                iq_answer(&payload);
            }
        }
        Iq::Error { error, payload, .. } => {
            let _ = crate::xmpp::stanza_error::code(&error.defined_condition);
            let _ = crate::account::stanza_error::text(&error);
            let _ = pep::is_precondition_failure(&error);
            if let Some(payload) = payload {
                iq_answer(&payload);
            }
        }
    }
}

/// The payload of an answer, read by every reader of answers (the IQ id
/// decides which one runs; here all do).
fn iq_answer(payload: &Element) {
    let now = now();
    if let Ok(roster) = Roster::try_from(payload.clone()) {
        let _: Vec<_> = roster.items.iter().map(roster::contact_from_item).collect();
    }
    let _ = crate::xmpp::blocking::list(Some(payload.clone()));
    let _ = mam::parse_fin(Some(payload.clone()));

    // PEP items: avatars (ours and contacts'), vCard, nickname, bookmarks.
    let _ = crate::xmpp::avatars::items_metadata(payload);
    if let Some(text) =
        crate::xmpp::avatars::data_text(payload, "111f4b3c50d7b0df729d299bc6f8e9ef9066971f")
            .or_else(|| crate::xmpp::avatars::vcard_photo_text(payload))
            .filter(|t| t.len() <= avatars::MAX_BASE64_TEXT)
    {
        let _ = avatars::decode_base64(&text, crate::avatar_image::INCOMING.max_bytes);
    }
    if let Some(card) = pep::first_item(Some(payload), crate::xmpp::vcard::NODE) {
        let parsed = vcard::parse(&card);
        let _ = vcard::merge(Some(&card), &parsed);
    }
    if let Some(el) = pep::first_item(Some(payload), crate::xmpp::nick::NODE) {
        let _ = nick::from_element(&el);
    }
    for version in omemo::Version::ALL {
        if let Some(el) = pep::first_item(Some(payload), version.devices_node()) {
            omemo_items(&el);
        }
        if let Some(device) = omemo::DeviceId::new(1) {
            let (node, _) = version.bundle_location(device);
            if let Some(el) = pep::first_item(Some(payload), &node) {
                omemo_items(&el);
            }
        }
    }
    let _ = bookmarks::from_items(payload);
    let _ = crate::xmpp::mds::from_items(payload);
    let _ = bookmarks::from_private(payload);

    // Profiles, server info, rooms, registration.
    let _ = crate::xmpp::last_activity::seen_at(Some(payload), now);
    let _ = version::client_name(Some(payload));
    let _ = VersionResult::try_from(payload.clone());
    if let Ok(info) = DiscoInfoResult::try_from(payload.clone()) {
        if let Ok(server) = "upload.example.org".parse::<Jid>() {
            let _ = upload::service_of(server, &info);
        }
        let _ = info
            .identities
            .iter()
            .map(|i| format!("{}/{}", i.category, i.type_))
            .count();
    }
    caps_answer(payload);
    let _ = DiscoItemsResult::try_from(payload.clone());
    let _ = upload::slot_of(Some(payload.clone()));
    let _: Vec<_> = muc_admin::member_items(Some(payload))
        .into_iter()
        .map(convert::member)
        .collect();
    let _ = register::parse_form(Some(payload.clone()));
}

/// A disco#info answer to a caps query: hashed and compared with what the
/// presence announced (`caps::CapsBook::on_result`).
fn caps_answer(payload: &Element) {
    let Ok(from) = "bob@example.org/pc".parse::<Jid>() else {
        return;
    };
    use tokio_xmpp::parsers::hashes::{Algo, Hash};
    let hash = Hash::new(Algo::Sha_1, vec![0; 20]);
    let c = tokio_xmpp::parsers::caps::Caps::new("https://example.org", hash);
    let p = Presence::available()
        .with_from(from)
        .with_payloads(vec![c.into()]);
    let mut book = caps::CapsBook::default();
    if let Some(Iq::Get { id, .. }) = book.observe(&p) {
        book.on_result(&id, Some(payload.clone()));
    }
}

/// The text of a `config.toml`: parsed and validated; a file that parses
/// is written back (`Config::to_toml`, as saving does), and what is written
/// must read back the same, or saving would lose or change settings.
pub fn config(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let path = Path::new("config.toml");
    let Ok(config) = crate::config::Config::parse(text, path) else {
        return;
    };
    let _ = config.infos();
    let written = config.to_toml();
    let again = crate::config::Config::parse(&written, path);
    assert!(
        again.as_ref().is_ok_and(|a| a.to_toml() == written),
        "config.toml written back does not read back the same: {again:?}\n{written}"
    );
}

/// One JSON Lines input of the headless front-end, line by line as
/// `headless::run` reads it: each command routed as there, and what the
/// account does first with its untrusted parts (raw XML of `send_raw`,
/// reactions, search words, profile fields, new accounts, pinned
/// certificates, JIDs).
pub fn headless_command(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for line in text.lines() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Command>(line) {
            Ok(cmd) => command(cmd),
            Err(e) => {
                let _ = crate::api::Event::error(None, format!("invalid command: {e}"));
            }
        }
    }
}

fn command(cmd: Command) {
    let _ = cmd.account();
    match &cmd {
        Command::Account { request, .. } | Command::EveryAccount(request) => match request {
            AccountRequest::SendRaw { xml } => {
                if let Ok(stanza) = console::parse_stanza(xml) {
                    let _ = console::render(&console::to_element(&stanza));
                }
            }
            AccountRequest::React { emojis, .. } => {
                let _ = crate::xmpp::reactions::clean(emojis.iter().cloned());
            }
            AccountRequest::Search { query, .. } => {
                let _ = crate::store::search::fts_query(query);
            }
            AccountRequest::SetProfile { nick, vcard } => {
                let _ = nick.as_deref().and_then(nick::clean);
                let _ = vcard::merge(None, vcard);
            }
            AccountRequest::Block { jid } | AccountRequest::Unblock { jid } => {
                let _ = jid.trim().parse::<BareJid>();
            }
            _ => {}
        },
        Command::App(AppCommand::AddAccount(new) | AppCommand::RegistrationForm(new)) => {
            new_account(new)
        }
        Command::App(AppCommand::RegisterAccount(reg)) => new_account(&reg.account),
        Command::App(AppCommand::PinCert { fingerprint, .. }) => {
            let _ = crate::config::normalize_fingerprint(fingerprint);
        }
        Command::App(_) => {}
    }
}

/// A new account is validated like a `config.toml` entry, and what is
/// saved of it must read back the same.
fn new_account(new: &crate::api::NewAccount) {
    use crate::config::{AccountConfig, AccountEntry, Config};
    if let Ok(account) = AccountConfig::from_new(new) {
        let config = Config {
            accounts: vec![AccountEntry::Ok(account.clone())],
            ..Config::default()
        };
        let again = Config::parse(&config.to_toml(), Path::new("config.toml"));
        let again = again.as_ref().map(|c| c.account(&account.id));
        assert!(
            matches!(again, Ok(Some(a)) if *a == account),
            "a new account does not read back as saved: {again:?}"
        );
    }
}

/// An image from the network: a contact's avatar (thumbnail) and a file
/// someone sent (preview), each under its limits.
pub fn image(data: &[u8]) {
    use crate::avatar_image::{FILE_PREVIEW, INCOMING, PREVIEW_MAX_SIDE};
    let _ = crate::avatar_image::thumbnail(data, &INCOMING);
    let _ = crate::avatar_image::preview(data, &FILE_PREVIEW, PREVIEW_MAX_SIDE);
}

/// A file name from the network (XEP-0446 metadata, or the last segment
/// of a URL), made safe to store. The result must be one harmless path
/// component on every system.
pub fn xmpp_uri(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(uri) = crate::xmpp::uri::XmppUri::parse(text) else {
        return;
    };
    let fingerprints = uri.fingerprints();
    let _ = uri.param("body");
    {
        let jid = uri.jid.to_bare();
        let again = crate::xmpp::uri::XmppUri::with_fingerprints(&jid, &fingerprints);
        // What we write reads back as what we meant.
        if let Ok(back) = crate::xmpp::uri::XmppUri::parse(&again) {
            assert_eq!(back.fingerprints(), fingerprints, "{again}");
        }
    }
}

pub fn file_name(data: &[u8]) {
    let name = String::from_utf8_lossy(data);
    let safe = crate::files::names::sanitize(&name);
    assert!(
        is_safe_file_name(&safe),
        "unsafe name {safe:?} from {name:?}"
    );
    let _ = crate::files::is_image(None, &safe);
    let _ = crate::files::media_type_of(Path::new(&safe));
}

/// One path component that is not empty, not hidden, not longer than 200
/// bytes, without path or Windows-invalid characters, and not a Windows
/// device name (with any extension).
pub(crate) fn is_safe_file_name(name: &str) -> bool {
    const RESERVED: &[&str] = &[
        "CON", "PRN", "AUX", "NUL", "COM0", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7",
        "COM8", "COM9", "COM¹", "COM²", "COM³", "LPT0", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5",
        "LPT6", "LPT7", "LPT8", "LPT9", "LPT¹", "LPT²", "LPT³", "CONIN$", "CONOUT$",
    ];
    // Windows looks at the part before the first dot, without trailing
    // spaces (and dots).
    let device = name
        .split('.')
        .next()
        .unwrap_or(name)
        .trim_end_matches([' ', '.'])
        .to_uppercase();
    !name.is_empty()
        && name.len() <= 200
        && !name.starts_with(['.', ' '])
        && !name.ends_with(['.', ' '])
        && !name.chars().any(|c| {
            matches!(c, '/' | '\\' | '<' | '>' | ':' | '"' | '|' | '?' | '*') || c.is_control()
        })
        && !RESERVED.contains(&device.as_str())
}
