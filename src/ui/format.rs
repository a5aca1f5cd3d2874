//! Pure view-model helpers: human texts for states, day grouping, sidebar
//! rows, colours. Everything here is unit-tested without a window.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use iced::Color;

use crate::api::{
    Availability, CertInfo, CertRefusal, ConnState, Contact, ConversationSummary, DecryptionError,
    Encryption, MessageRecord, MessageState, Problem,
};
use crate::fl;

/// Connection state of one account as the GUI shows it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Connection {
    pub state: Option<ConnState>,
    pub reason: Option<String>,
    pub retry_in: Option<u64>,
    /// When the actor tries again (`reconnecting`): the sidebar counts down.
    pub retry_at: Option<DateTime<Utc>>,
    pub jid: Option<String>,
    pub cert: Option<CertInfo>,
    /// The archive catch-up runs (`archive_syncing` until `archive_synced`).
    pub catching_up: bool,
}

impl Connection {
    /// Whether the account needs the user (wrong password, certificate, …):
    /// then the sidebar offers "Reconnect".
    pub fn failed(&self) -> bool {
        matches!(
            self.state,
            Some(ConnState::AuthFailed | ConnState::CertUntrusted | ConnState::Offline)
        )
    }

    pub fn is_online(&self) -> bool {
        self.state == Some(ConnState::Online)
    }

    /// Waiting to try again: the countdown needs a tick each second.
    pub fn counting_down(&self, now: DateTime<Utc>) -> bool {
        self.state == Some(ConnState::Reconnecting) && self.retry_at.is_some_and(|at| at > now)
    }

    /// Whole seconds until the next attempt (rounded up: "in 1 s" until it
    /// starts), None when there is no wait (any more).
    pub fn seconds_to_retry(&self, now: DateTime<Utc>) -> Option<u64> {
        if self.state != Some(ConnState::Reconnecting) {
            return None;
        }
        let Some(at) = self.retry_at else {
            // An actor that said only how long (older front-end input).
            return self.retry_in;
        };
        let ms = (at - now).num_milliseconds();
        (ms > 0).then(|| (ms as u64).div_ceil(1000))
    }
}

/// Short human text for a connection state ("Online", "Reconnecting in 5 s")
/// at the time `now` (the countdown).
pub fn connection_text(c: &Connection, now: DateTime<Utc>) -> String {
    match c.state {
        None | Some(ConnState::Connecting) => fl!("state-connecting"),
        Some(ConnState::Online) if c.catching_up => fl!("state-catching-up"),
        Some(ConnState::Online) => fl!("state-online"),
        Some(ConnState::Reconnecting) => match c.seconds_to_retry(now) {
            Some(secs) => fl!("state-reconnecting-in", seconds = secs),
            None => fl!("state-reconnecting"),
        },
        Some(ConnState::Offline) => fl!("state-offline"),
        Some(ConnState::AuthFailed) => fl!("state-auth-failed"),
        Some(ConnState::CertUntrusted) => fl!("state-cert-untrusted"),
        Some(ConnState::Broken) => fl!("state-broken"),
        Some(ConnState::Disabled) => fl!("state-disabled"),
    }
}

/// Kind of a connection state, for its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Good,
    Busy,
    Bad,
    Muted,
}

pub fn connection_tone(c: &Connection) -> Tone {
    match c.state {
        Some(ConnState::Online) => Tone::Good,
        None | Some(ConnState::Connecting | ConnState::Reconnecting) => Tone::Busy,
        Some(ConnState::AuthFailed | ConnState::CertUntrusted | ConnState::Broken) => Tone::Bad,
        Some(ConnState::Offline | ConnState::Disabled) => Tone::Muted,
    }
}

/// The banner text for a failed connection, if the state deserves one.
pub fn connection_problem(account: &str, c: &Connection) -> Option<String> {
    let reason = c.reason.clone().unwrap_or_default();
    match c.state? {
        ConnState::AuthFailed => Some(fl!("banner-auth-failed", account = account)),
        ConnState::CertUntrusted => Some(match &c.cert {
            Some(cert) => fl!(
                "banner-cert-untrusted",
                account = account,
                reason = cert_reason(cert),
                fingerprint = cert.fingerprint.clone()
            ),
            None => fl!(
                "banner-cert-untrusted-unknown",
                account = account,
                reason = reason
            ),
        }),
        // Reconnecting retries by itself and the sidebar says so; a banner
        // is for what needs the user.
        ConnState::Offline if !reason.is_empty() => Some(fl!(
            "banner-connection-lost",
            account = account,
            reason = reason
        )),
        _ => None,
    }
}

/// Why a certificate was refused, in the user's language; the English
/// reason if it came without a code.
pub fn cert_reason(cert: &CertInfo) -> String {
    let Some(code) = cert.code else {
        return cert.reason.clone();
    };
    match code {
        CertRefusal::UnknownIssuer => fl!("cert-why-unknown-issuer"),
        CertRefusal::Expired => fl!("cert-why-expired"),
        CertRefusal::NotYetValid => fl!("cert-why-not-yet-valid"),
        CertRefusal::WrongName => fl!("cert-why-wrong-name"),
        CertRefusal::PinMismatch => fl!("cert-why-pin-mismatch"),
        CertRefusal::CaUsedAsEndEntity => fl!("cert-why-ca-used-as-end-entity"),
        CertRefusal::Revoked => fl!("cert-why-revoked"),
        CertRefusal::BadSignature => fl!("cert-why-bad-signature"),
        CertRefusal::WrongPurpose => fl!("cert-why-wrong-purpose"),
        CertRefusal::Invalid => fl!("cert-why-invalid"),
    }
}

/// An XMPP error condition (snake_case code) in the user's language.
pub fn xmpp_condition(condition: &str) -> String {
    match condition {
        "bad_request" => fl!("xmpp-bad-request"),
        "conflict" => fl!("xmpp-conflict"),
        "feature_not_implemented" => fl!("xmpp-feature-not-implemented"),
        "forbidden" => fl!("xmpp-forbidden"),
        "gone" => fl!("xmpp-gone"),
        "internal_server_error" => fl!("xmpp-internal-server-error"),
        "item_not_found" => fl!("xmpp-item-not-found"),
        "jid_malformed" => fl!("xmpp-jid-malformed"),
        "not_acceptable" => fl!("xmpp-not-acceptable"),
        "not_allowed" => fl!("xmpp-not-allowed"),
        "not_authorized" => fl!("xmpp-not-authorized"),
        "policy_violation" => fl!("xmpp-policy-violation"),
        "recipient_unavailable" => fl!("xmpp-recipient-unavailable"),
        "redirect" => fl!("xmpp-redirect"),
        "registration_required" => fl!("xmpp-registration-required"),
        "remote_server_not_found" => fl!("xmpp-remote-server-not-found"),
        "remote_server_timeout" => fl!("xmpp-remote-server-timeout"),
        "resource_constraint" => fl!("xmpp-resource-constraint"),
        "service_unavailable" => fl!("xmpp-service-unavailable"),
        "subscription_required" => fl!("xmpp-subscription-required"),
        "unexpected_request" => fl!("xmpp-unexpected-request"),
        _ => fl!("xmpp-undefined-condition"),
    }
}

/// A value the config refuses, in the user's language: the forms check
/// with the config's own functions and show this.
pub fn validation_text(e: &crate::config::ValidationError) -> String {
    crate::i18n::loader().get(e.fluent_id())
}

/// An error event in the user's language where its code is known, else
/// (an older or newer core) its English message.
pub fn error_text(message: &str, code: Option<&str>, condition: Option<&str>) -> String {
    match code.and_then(Problem::from_code) {
        Some(problem) => problem_text(problem, condition),
        None => message.to_owned(),
    }
}

/// An error event for the banner: [`error_text`], followed by the core's
/// English message for its specifics (which file, which address, the
/// disk's own words) unless it is the text itself or a server's refusal,
/// whose reason the translation names already.
pub fn error_banner(message: &str, code: Option<&str>, condition: Option<&str>) -> String {
    let text = error_text(message, code, condition);
    if text == message || message.is_empty() || condition.is_some() {
        text
    } else {
        format!("{text} ({message})")
    }
}

/// A problem in the user's language; `condition` is why the server refused
/// (for the refusal codes).
pub fn problem_text(problem: Problem, condition: Option<&str>) -> String {
    let why = || xmpp_condition(condition.unwrap_or_default());
    match problem {
        Problem::RosterRequest => fl!("refused-roster-request", why = why()),
        Problem::RosterChange => fl!("refused-roster-change", why = why()),
        Problem::Avatar => fl!("refused-avatar", why = why()),
        Problem::PasswordChange => fl!("refused-password-change", why = why()),
        Problem::NotConnected => fl!("problem-not-connected"),
        Problem::StoreFailed => fl!("problem-store-failed"),
        Problem::InvalidAddress => fl!("problem-invalid-address"),
        Problem::OwnAddress => fl!("problem-own-address"),
        Problem::EmptyMessage => fl!("problem-empty-message"),
        Problem::EmptyPassword => fl!("problem-empty-password"),
        Problem::UnknownMessage => fl!("problem-unknown-message"),
        Problem::MessageUnchangeable => fl!("problem-message-unchangeable"),
        Problem::NotInRoom => fl!("problem-not-in-room"),
        Problem::FileUnreadable => fl!("problem-file-unreadable"),
        Problem::FileUnavailable => fl!("problem-file-unavailable"),
        Problem::UnknownTransfer => fl!("problem-unknown-transfer"),
        Problem::TransferFailed => fl!("problem-transfer-failed"),
        Problem::ExportFailed => fl!("problem-export-failed"),
        Problem::BackupFailed => fl!("problem-backup-failed"),
        Problem::StillBusy => fl!("problem-still-busy"),
        Problem::ServerTimeout => fl!("problem-server-timeout"),
        Problem::ProfileNotSaved => fl!("problem-profile-not-saved"),
        Problem::AvatarUnusable => fl!("problem-avatar-unusable"),
        Problem::BadServerAnswer => fl!("problem-bad-server-answer"),
        Problem::InvalidStanza => fl!("problem-invalid-stanza"),
        Problem::AccountFailed => fl!("problem-account-failed"),
        Problem::UnknownAccount => fl!("problem-unknown-account"),
        Problem::InvalidCommand => fl!("problem-invalid-command"),
        Problem::InputUnreadable => fl!("problem-input-unreadable"),
        Problem::ConfigFailed => fl!("problem-config-failed"),
        Problem::DuplicateAccount => fl!("problem-duplicate-account"),
        Problem::PasswordUnavailable => fl!("problem-password-unavailable"),
        Problem::RegistrationFailed => fl!("problem-registration-failed"),
        Problem::DataDirFailed => fl!("problem-data-dir-failed"),
        Problem::Omemo => fl!("problem-omemo"),
        Problem::EncryptionRequired => fl!("problem-encryption-required"),
        Problem::EncryptionUnavailable => fl!("problem-encryption-unavailable"),
    }
}

/// The mark shown after an own message, and whether it is highlighted.
pub fn state_mark(state: MessageState) -> (&'static str, bool) {
    match state {
        MessageState::Queued => ("◷", false),
        MessageState::Sent => ("✓", false),
        MessageState::Acked => ("✓", true),
        MessageState::Delivered => ("✓✓", false),
        MessageState::Read => ("✓✓", true),
        MessageState::Failed => ("⚠", false),
        MessageState::Received => ("", false),
    }
}

/// How a message travelled (the tooltip of its "encrypted" mark).
pub fn encryption_text(e: Encryption) -> String {
    match e {
        Encryption::None => fl!("encryption-none"),
        Encryption::Omemo => fl!("encryption-omemo"),
        Encryption::Omemo2 => fl!("encryption-omemo2"),
    }
}

/// What is shown instead of a message that could not be decrypted.
pub fn decryption_failure(m: &MessageRecord) -> String {
    let reason = match m.crypto.decryption_error {
        Some(DecryptionError::NotForThisDevice) => fl!("decryption-not-for-this-device"),
        Some(DecryptionError::NoSession) => fl!("decryption-no-session"),
        Some(DecryptionError::Duplicate) => fl!("decryption-duplicate"),
        Some(DecryptionError::Disabled) => fl!("decryption-disabled"),
        Some(DecryptionError::UnknownSender) => fl!("decryption-unknown-sender"),
        Some(DecryptionError::Broken) | None => fl!("decryption-broken"),
    };
    fl!("message-undecryptable", reason = reason)
}

/// Tooltip text for a message state.
pub fn state_text(state: MessageState) -> String {
    match state {
        MessageState::Queued => fl!("msg-state-queued"),
        MessageState::Sent => fl!("msg-state-sent"),
        MessageState::Acked => fl!("msg-state-acked"),
        MessageState::Delivered => fl!("msg-state-delivered"),
        MessageState::Read => fl!("msg-state-read"),
        MessageState::Failed => fl!("msg-state-failed"),
        MessageState::Received => String::new(),
    }
}

/// A day separator in the message list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Day {
    Today,
    Yesterday,
    Date(NaiveDate),
}

pub fn day_text(day: Day) -> String {
    match day {
        Day::Today => fl!("day-today"),
        Day::Yesterday => fl!("day-yesterday"),
        Day::Date(d) => d.format(&fl!("date-format")).to_string(),
    }
}

/// An item of the message list: a day separator or the message at an index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item {
    Day(Day),
    Message(usize),
}

/// Interleaves day separators with messages (in the order given) as seen in
/// time zone `tz`, relative to `today`.
pub fn group_by_day<Tz: TimeZone>(
    messages: &[MessageRecord],
    tz: &Tz,
    today: NaiveDate,
) -> Vec<Item> {
    let mut items = Vec::with_capacity(messages.len() + 4);
    let mut last: Option<NaiveDate> = None;
    for (i, m) in messages.iter().enumerate() {
        let date = m.timestamp.with_timezone(tz).date_naive();
        if last != Some(date) {
            let day = if date == today {
                Day::Today
            } else if today.pred_opt() == Some(date) {
                Day::Yesterday
            } else {
                Day::Date(date)
            };
            items.push(Item::Day(day));
            last = Some(date);
        }
        items.push(Item::Message(i));
    }
    items
}

/// Local time of day of a message ("14:05").
pub fn time_text(ts: DateTime<Utc>) -> String {
    ts.with_timezone(&chrono::Local).format("%H:%M").to_string()
}

/// Merges `page` into `messages` (in store order, no duplicates).
pub fn merge_messages(messages: &mut Vec<MessageRecord>, page: Vec<MessageRecord>) {
    messages.extend(page);
    // The store's order (archive pages fetched later carry higher seqs for
    // older messages).
    messages.sort_by_key(|m| (m.timestamp, m.pos));
    messages.dedup_by_key(|m| m.seq);
}

/// One entry of an account's contact/conversation list in the sidebar.
#[derive(Debug, Clone, PartialEq)]
pub struct SidebarRow {
    pub jid: String,
    pub name: String,
    pub presence: Availability,
    pub unread: u32,
    pub last_body: Option<String>,
    /// Cached avatar thumbnail.
    pub avatar: Option<String>,
    /// A group chat.
    pub room: bool,
}

/// What the sidebar shows of an account's contacts.
#[derive(Debug, Clone, Copy, Default)]
pub struct RowFilter<'a> {
    /// Only rows whose name or address contains this (any case).
    pub query: &'a str,
    /// Leave out offline contacts without a conversation.
    pub hide_offline: bool,
    /// The account's rooms (their bookmark names).
    pub rooms: Option<&'a std::collections::HashMap<String, super::rooms::Room>>,
}

/// Conversations first (newest first, as the actor sends them), then roster
/// contacts without a conversation, sorted by name; filtered by `filter`.
pub fn sidebar_rows(
    roster: &[Contact],
    conversations: &[ConversationSummary],
    filter: RowFilter<'_>,
) -> Vec<SidebarRow> {
    let by_jid: std::collections::HashMap<&str, &Contact> =
        roster.iter().map(|c| (c.jid.as_str(), c)).collect();
    let query = filter.query.trim().to_lowercase();
    let matches = |r: &SidebarRow| {
        query.is_empty()
            || r.name.to_lowercase().contains(&query)
            || r.jid.to_lowercase().contains(&query)
    };
    let row = |jid: &str, known: Option<&Contact>| SidebarRow {
        jid: jid.to_owned(),
        name: display_name(
            jid,
            known.and_then(|k| k.name.as_deref().or(k.nick.as_deref())),
        ),
        presence: known.map(|k| k.presence).unwrap_or_default(),
        unread: 0,
        last_body: None,
        avatar: known.and_then(|k| k.avatar.clone()),
        room: false,
    };
    let mut rows: Vec<SidebarRow> = conversations
        .iter()
        .map(|c| SidebarRow {
            unread: c.unread,
            room: c.kind == crate::api::ConversationKind::Room,
            name: match filter.rooms.and_then(|r| r.get(&c.with)) {
                Some(room) if c.kind == crate::api::ConversationKind::Room => {
                    super::rooms::room_name(&c.with, Some(room))
                }
                _ => row(&c.with, by_jid.get(c.with.as_str()).copied()).name,
            },
            last_body: match &c.last_file {
                Some(name) => Some(first_line(
                    &fl!("sidebar-last-file", name = name.clone()),
                    34,
                )),
                None => c.last_body.as_ref().map(|b| first_line(b, 34)),
            },
            ..row(&c.with, by_jid.get(c.with.as_str()).copied())
        })
        .filter(|r| matches(r))
        .collect();
    let in_conversation: std::collections::HashSet<&str> =
        conversations.iter().map(|c| c.with.as_str()).collect();
    let mut rest: Vec<SidebarRow> = roster
        .iter()
        .filter(|c| !in_conversation.contains(c.jid.as_str()))
        .filter(|c| !(filter.hide_offline && c.presence == Availability::Offline))
        .map(|c| row(&c.jid, Some(c)))
        .filter(|r| matches(r))
        .collect();
    rest.sort_by_key(|r| r.name.to_lowercase());
    rows.extend(rest);
    rows
}

/// A contact's name, else the local part of the JID, else the JID; a
/// room occupant (private messages) as "nick (room)".
pub fn display_name(jid: &str, name: Option<&str>) -> String {
    match name.map(str::trim) {
        Some(n) if !n.is_empty() => n.to_owned(),
        _ if jid.contains('/') => match jid.split_once('/') {
            Some((room, nick)) if !nick.is_empty() => {
                format!("{nick} ({})", display_name(room, None))
            }
            _ => jid.to_owned(),
        },
        _ => match jid.split_once('@') {
            Some((local, _)) if !local.is_empty() => local.to_owned(),
            _ => jid.to_owned(),
        },
    }
}

/// The first line of `s`, cut to `max` characters with an ellipsis.
pub fn first_line(s: &str, max: usize) -> String {
    let line = s.lines().next().unwrap_or("").trim();
    if line.chars().count() > max {
        let cut: String = line.chars().take(max.saturating_sub(1)).collect();
        format!("{}…", cut.trim_end())
    } else if s.trim().lines().nth(1).is_some() {
        format!("{line} …")
    } else {
        line.to_owned()
    }
}

/// The colour of a presence dot.
pub fn presence_color(p: Availability) -> Color {
    match p {
        Availability::Available | Availability::Chat => rgb(0x2e, 0xc2, 0x7e),
        Availability::Away | Availability::Xa => rgb(0xf5, 0xa6, 0x23),
        Availability::Dnd => rgb(0xe0, 0x1b, 0x24),
        Availability::Offline => rgb(0x9a, 0x99, 0x96),
    }
}

pub fn presence_text(p: Availability) -> String {
    match p {
        Availability::Available => fl!("presence-available"),
        Availability::Chat => fl!("presence-chat"),
        Availability::Away => fl!("presence-away"),
        Availability::Xa => fl!("presence-xa"),
        Availability::Dnd => fl!("presence-dnd"),
        Availability::Offline => fl!("presence-offline"),
    }
}

/// "last seen 5 minutes ago", "… 3 hours ago", "… on <date>".
pub fn last_seen(at: chrono::DateTime<chrono::Utc>, now: chrono::DateTime<chrono::Utc>) -> String {
    let minutes = (now - at).num_minutes().max(0);
    match minutes {
        0 => fl!("last-seen-now"),
        1..=59 => fl!("last-seen-minutes", minutes = minutes),
        60..=1439 => {
            let hours = minutes / 60;
            fl!("last-seen-hours", hours = hours)
        }
        _ => {
            let local = at.with_timezone(&chrono::Local);
            fl!(
                "last-seen-date",
                date = local.format(&fl!("date-format")).to_string()
            )
        }
    }
}

/// What a roster subscription state means for the user; None: not a contact.
pub fn subscription_text(subscription: Option<&str>) -> String {
    match subscription {
        Some("both") => fl!("subscription-both"),
        Some("to") => fl!("subscription-to"),
        Some("from") => fl!("subscription-from"),
        Some(_) => fl!("subscription-none"),
        None => fl!("subscription-not-in-roster"),
    }
}

/// The colour swatches offered for accounts (hex, as stored in the config).
pub const SWATCHES: [&str; 6] = [
    "#3584e4", "#2ec27e", "#e5a50a", "#e66100", "#c061cb", "#e01b24",
];

/// An account's colour: its configured `#rrggbb`, else a swatch picked by id.
pub fn account_color(color: Option<&str>, id: &str) -> Color {
    color.and_then(parse_hex).unwrap_or_else(|| {
        let i = id
            .bytes()
            .fold(0usize, |h, b| h.wrapping_mul(31).wrapping_add(b as usize));
        parse_hex(SWATCHES[i % SWATCHES.len()]).unwrap_or(Color::BLACK)
    })
}

/// Parses `#rrggbb` or `rrggbb`.
pub fn parse_hex(s: &str) -> Option<Color> {
    let h = s.trim().trim_start_matches('#');
    if h.len() != 6 || !h.is_ascii() {
        return None;
    }
    let v = u32::from_str_radix(h, 16).ok()?;
    Some(rgb((v >> 16) as u8, (v >> 8) as u8, v as u8))
}

fn rgb(r: u8, g: u8, b: u8) -> Color {
    Color::from_rgb8(r, g, b)
}

/// "(3) Plausch" when there are unread messages.
pub fn window_title(unread: u32) -> String {
    if unread == 0 {
        fl!("app-name")
    } else {
        fl!("window-title-unread", count = unread)
    }
}

#[cfg(test)]
mod tests;
