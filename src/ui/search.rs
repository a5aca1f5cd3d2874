//! The search panel beside the conversation: Ctrl+F searches the open
//! conversation, Ctrl+Shift+F every conversation of every account.
//!
//! Searching runs in the account actors (`search` with the query text, the
//! filters inside it, see `store::search::query`); the panel only sends the
//! query as it is typed and shows what comes back. Answers carry the query
//! they answer, so a late answer to an older query is dropped. Results of
//! several accounts are merged newest first and grouped by conversation and
//! day; clicking one opens its conversation at that message.

use std::collections::HashSet;

use iced::widget::{
    button, column, container, rich_text, row, rule, scrollable, space, text, text_input,
};
use iced::{Alignment, Color, Element, Font, Length, Task};

use super::model::{Account, LiveAccount};
use super::sidebar::BOLD;
use super::{App, Message as AppMessage, format, ids, style};
use crate::api::{AccountId, AccountRequest, Direction, MessageRecord};
use crate::fl;
use crate::store::search::query::{Filter, Query};

/// Results asked of each account (the headless default).
pub const LIMIT: u32 = 50;
/// Characters of a long message shown around its first match.
const SNIPPET: usize = 180;

/// What is searched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every conversation of every account.
    All,
    /// One conversation.
    Conversation { account: AccountId, with: String },
}

/// A found message and the account it belongs to.
#[derive(Debug, Clone)]
pub struct Hit {
    pub account: AccountId,
    pub message: MessageRecord,
}

#[derive(Debug)]
pub struct State {
    pub scope: Scope,
    /// What the user typed.
    pub text: String,
    /// The query sent for it (the text plus the scope's filter); answers to
    /// any other query are stale.
    sent: Option<String>,
    /// Accounts asked and those that answered the current query.
    asked: HashSet<AccountId>,
    answered: HashSet<AccountId>,
    /// Newest first.
    pub hits: Vec<Hit>,
    /// The searched words, lower case, for highlighting.
    words: Vec<String>,
}

#[derive(Debug, Clone)]
pub enum Message {
    Input(String),
    /// Open the result (account, message id) in its conversation.
    Open(AccountId, String),
    /// Search everywhere instead of in one conversation.
    Widen,
    /// Put a completion in place of the filter value being typed.
    Complete(String),
    Close,
}

impl State {
    pub fn new(scope: Scope) -> Self {
        State {
            scope,
            text: String::new(),
            sent: None,
            asked: HashSet::new(),
            answered: HashSet::new(),
            hits: Vec::new(),
            words: Vec::new(),
        }
    }

    /// Still waiting for an account's answer to the current query.
    pub fn searching(&self) -> bool {
        self.sent.is_some() && self.answered.len() < self.asked.len()
    }
}

/// The query sent for `text` in `scope`; None when there is nothing to
/// search for yet.
pub fn query_for(scope: &Scope, text: &str) -> Option<String> {
    if Query::parse(text).is_empty() {
        return None;
    }
    match scope {
        Scope::All => Some(text.trim().to_owned()),
        Scope::Conversation { with, .. } => {
            // An unclosed quote would swallow the scope's filter.
            let close = if text.matches('"').count() % 2 == 1 {
                "\""
            } else {
                ""
            };
            // Last, so that it wins over an `in:` typed by the user.
            Some(format!("{}{close} in:\"{with}\"", text.trim()))
        }
    }
}

/// Ctrl+F (`all` false: the open conversation, if any) or Ctrl+Shift+F.
pub fn show(app: &mut App, all: bool) -> Task<AppMessage> {
    let scope = match &app.chat {
        Some(chat) if !all => Scope::Conversation {
            account: chat.account.clone(),
            with: chat.with.clone(),
        },
        _ => Scope::All,
    };
    match &mut app.search {
        Some(s) if s.scope == scope => {}
        Some(s) => {
            // Same words, new place.
            s.scope = scope;
            let text = s.text.clone();
            run(app, text);
        }
        None => app.search = Some(State::new(scope)),
    }
    Task::batch([
        iced::widget::operation::focus(ids::search::INPUT),
        iced::widget::operation::select_all(ids::search::INPUT),
    ])
}

pub fn update(app: &mut App, message: Message) -> Task<AppMessage> {
    match message {
        Message::Input(text) => run(app, text),
        Message::Open(account, id) => {
            let hit = app.search.as_ref().and_then(|s| {
                s.hits
                    .iter()
                    .find(|h| h.account == account && h.message.id == id)
            });
            if let Some(hit) = hit.cloned() {
                let (account, seq, with) = (
                    hit.account.clone(),
                    hit.message.seq,
                    hit.message.with.clone(),
                );
                let opened = super::update::open_chat_at(app, hit.account, hit.message);
                if app.demo_messages.is_empty() {
                    return opened;
                }
                // The demo answers the page before the message itself.
                let older: Vec<MessageRecord> = app
                    .demo_messages
                    .iter()
                    .filter(|(a, m)| *a == account && m.with == with && m.seq < seq)
                    .map(|(_, m)| m.clone())
                    .collect();
                let event = crate::api::Event::History {
                    account: account.clone(),
                    with,
                    messages: older,
                    complete: true,
                };
                let page = super::update::update(
                    app,
                    AppMessage::Actor(super::ActorOutput::Event(account, Box::new(event))),
                );
                return Task::batch([opened, page]);
            }
        }
        Message::Widen => {
            if let Some(s) = &mut app.search {
                s.scope = Scope::All;
                let text = s.text.clone();
                run(app, text);
            }
            return iced::widget::operation::focus(ids::search::INPUT);
        }
        Message::Complete(value) => {
            if let Some(s) = &app.search {
                let text = complete(&s.text, &value);
                run(app, text);
            }
            return iced::widget::operation::focus(ids::search::INPUT);
        }
        Message::Close => app.search = None,
    }
    Task::none()
}

/// Takes the typed text and asks the accounts in scope (every keystroke:
/// the actors search, the UI thread only sends).
fn run(app: &mut App, text: String) {
    let Some(s) = &mut app.search else { return };
    s.text = text;
    let query = query_for(&s.scope, &s.text);
    // The same search (a filter key typed without a value, a space): the
    // answers on their way still fit.
    let same = match (&query, &s.sent) {
        (Some(new), Some(old)) => Query::parse(new) == Query::parse(old),
        (None, None) => true,
        _ => false,
    };
    if same {
        return;
    }
    s.sent = query.clone();
    s.asked.clear();
    s.answered.clear();
    let Some(query) = query else {
        s.hits.clear();
        s.words.clear();
        return;
    };
    s.words = Query::parse(&s.text).highlight_words();
    for a in &app.accounts {
        let Account::Ok(l) = a else { continue };
        let wanted = match &s.scope {
            Scope::All => true,
            Scope::Conversation { account, .. } => *account == l.config.id,
        };
        let request = AccountRequest::Search {
            query: query.clone(),
            limit: LIMIT,
        };
        if wanted && l.send(request) {
            s.asked.insert(l.config.id.clone());
        }
    }
    if s.asked.is_empty() {
        s.hits.clear();
        if !app.demo_messages.is_empty() {
            demo_answer(app, &query);
        }
    }
}

/// The demo (no actors): its messages searched here, roughly as the store
/// would (word prefixes, the conversation and sender filters).
fn demo_answer(app: &mut App, query: &str) {
    let parsed = Query::parse(query);
    let words = parsed.highlight_words();
    let found: Vec<(AccountId, MessageRecord)> = app
        .demo_messages
        .iter()
        .filter(|(_, m)| {
            let body = m.body.to_lowercase();
            let tokens: Vec<&str> = body.split(|c: char| !c.is_alphanumeric()).collect();
            !m.retracted
                && words
                    .iter()
                    .all(|w| tokens.iter().any(|t| t.starts_with(w.as_str())))
                && parsed.with.as_ref().is_none_or(|w| *w == m.with)
                && parsed.from.as_ref().is_none_or(|f| {
                    super::rooms::sender_nick(&m.sender).eq_ignore_ascii_case(f)
                        || crate::store::bare_jid(&m.sender) == f
                })
        })
        .cloned()
        .collect();
    let Some(s) = &mut app.search else { return };
    for (account, _) in &found {
        s.asked.insert(account.clone());
    }
    let mut by_account: std::collections::BTreeMap<AccountId, Vec<MessageRecord>> =
        Default::default();
    for (account, m) in found {
        by_account.entry(account).or_default().push(m);
    }
    for (account, messages) in by_account {
        answer(app, &account, query, messages);
    }
}

/// An account's `search_results`: merged in if they answer the current
/// query, else dropped.
pub fn answer(app: &mut App, account: &str, query: &str, messages: Vec<MessageRecord>) {
    let Some(s) = &mut app.search else { return };
    if s.sent.as_deref() != Some(query) || !s.asked.contains(account) {
        return;
    }
    // The first answer to a new query replaces what the old one found.
    if s.answered.is_empty() {
        s.hits.clear();
    }
    if !s.answered.insert(account.to_owned()) {
        s.hits.retain(|h| h.account != account);
    }
    s.hits.extend(messages.into_iter().map(|message| Hit {
        account: account.to_owned(),
        message,
    }));
    s.hits.sort_by(|a, b| {
        b.message
            .timestamp
            .cmp(&a.message.timestamp)
            .then(b.message.seq.cmp(&a.message.seq))
    });
}

/// `text` with the filter value being typed at its end replaced by
/// `value` (quoted if it has spaces), and a space to go on.
pub fn complete(text: &str, value: &str) -> String {
    let start = text.rfind(char::is_whitespace).map_or(0, |i| {
        i + text[i..].chars().next().map_or(1, char::len_utf8)
    });
    let (head, last) = text.split_at(start);
    let key = last.split_once(':').map_or("", |(k, _)| k);
    let value = if value.contains(char::is_whitespace) {
        format!("\"{value}\"")
    } else {
        value.to_owned()
    };
    format!("{head}{key}:{value} ")
}

/// The filter being typed at the end of `text` (`from:bo`), if any.
fn typed_filter(text: &str) -> Option<(Filter, String)> {
    if text.ends_with(char::is_whitespace) {
        return None;
    }
    let last = text.split_whitespace().last()?;
    let (filter, value) = Filter::split(last)?;
    matches!(filter, Filter::From | Filter::With).then(|| (filter, value.replace('"', "")))
}

/// Known people and conversations that fit the filter being typed: JIDs
/// (and room nicks for `from:`) whose address or name contains it.
pub fn suggestions(accounts: &[Account], text: &str) -> Vec<(String, String)> {
    let Some((filter, typed)) = typed_filter(text) else {
        return Vec::new();
    };
    let typed = typed.to_lowercase();
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    let mut offer = |value: &str, name: String| {
        let fits = value.to_lowercase().contains(&typed) || name.to_lowercase().contains(&typed);
        if fits && out.len() < 6 && seen.insert(value.to_owned()) {
            out.push((value.to_owned(), name));
        }
    };
    for a in accounts {
        let Account::Ok(l) = a else { continue };
        for c in &l.roster {
            offer(&c.jid, format::display_name(&c.jid, c.name.as_deref()));
        }
        for c in &l.conversations {
            offer(&c.with, conversation_name(l, &c.with));
        }
        for (jid, room) in &l.rooms {
            match filter {
                Filter::From => {
                    for nick in room.occupants.keys() {
                        offer(nick, nick.clone());
                    }
                }
                _ => offer(jid, super::rooms::room_name(jid, Some(room))),
            }
        }
    }
    out
}

/// A conversation's name as the sidebar shows it.
pub(super) fn conversation_name(account: &LiveAccount, with: &str) -> String {
    if account.is_room(with) {
        return super::rooms::room_name(with, account.rooms.get(with));
    }
    let contact = account.roster.iter().find(|c| c.jid == with);
    format::display_name(with, contact.and_then(|c| c.name.as_deref()))
}

/// Pieces of `body` with whether each is a searched word (a word of the
/// text that starts with one of `words`, case-insensitive); a long body
/// is cut to a window around its first match.
pub fn highlight(body: &str, words: &[String]) -> Vec<(String, bool)> {
    let mut pieces: Vec<(String, bool)> = Vec::new();
    let mut push = |s: &str, hit: bool| match pieces.last_mut() {
        Some((last, h)) if *h == hit => last.push_str(s),
        _ => pieces.push((s.to_owned(), hit)),
    };
    let mut rest = body;
    while !rest.is_empty() {
        let word_len = rest
            .char_indices()
            .find(|(_, c)| !c.is_alphanumeric())
            .map_or(rest.len(), |(i, _)| i);
        if word_len == 0 {
            let c = rest.chars().next().map_or(1, char::len_utf8);
            push(&rest[..c], false);
            rest = &rest[c..];
            continue;
        }
        let word = &rest[..word_len];
        let lower = word.to_lowercase();
        push(word, words.iter().any(|w| lower.starts_with(w.as_str())));
        rest = &rest[word_len..];
    }
    cut(pieces)
}

/// Keeps about [`SNIPPET`] characters, starting a little before the first
/// match, with "…" where text was left out.
fn cut(pieces: Vec<(String, bool)>) -> Vec<(String, bool)> {
    let total: usize = pieces.iter().map(|(s, _)| s.chars().count()).sum();
    if total <= SNIPPET {
        return pieces;
    }
    let before_first: usize = pieces
        .iter()
        .take_while(|(_, hit)| !hit)
        .map(|(s, _)| s.chars().count())
        .sum();
    let mut skip = before_first.saturating_sub(40);
    let mut left = SNIPPET;
    let mut out = Vec::new();
    if skip > 0 {
        out.push(("…".to_owned(), false));
    }
    for (s, hit) in pieces {
        if left == 0 {
            break;
        }
        let n = s.chars().count();
        if skip >= n {
            skip -= n;
            continue;
        }
        let kept: String = s.chars().skip(skip).take(left).collect();
        skip = 0;
        left -= kept.chars().count();
        out.push((kept, hit));
    }
    if left == 0 {
        out.push(("…".to_owned(), false));
    }
    out
}

/// The panel.
/// The panel's width.
const PANEL_WIDTH: f32 = 320.0;

/// The narrowest the conversation gets beside the sidebar and the panel.
const MIN_CONVERSATION: f32 = 640.0;

/// Whether a window `width` wide has room for the sidebar, the
/// conversation and the panel; if not, the panel takes the sidebar's place.
pub fn beside_sidebar(width: f32) -> bool {
    width >= style::SIDEBAR_WIDTH + 1.0 + MIN_CONVERSATION + 1.0 + PANEL_WIDTH
}

pub fn view<'a>(state: &'a State, accounts: &'a [Account]) -> Element<'a, AppMessage> {
    let live = |id: &str| {
        accounts.iter().find_map(|a| match a {
            Account::Ok(l) if l.config.id == id => Some(&**l),
            _ => None,
        })
    };
    let title = match &state.scope {
        Scope::All => fl!("search-title-all"),
        Scope::Conversation { account, with } => {
            let name = live(account).map_or_else(|| with.clone(), |l| conversation_name(l, with));
            fl!("search-title-conversation", name = name)
        }
    };
    let msg = |m: Message| AppMessage::Search(m);
    let close = container(
        button(text("✕").size(13))
            .padding([2, 8])
            .style(button::text)
            .on_press(msg(Message::Close)),
    )
    .id(ids::search::CLOSE);
    let mut header = row![text(title).size(15).font(BOLD).width(Length::Fill)]
        .spacing(6)
        .align_y(Alignment::Center);
    if matches!(state.scope, Scope::Conversation { .. }) {
        header = header.push(
            container(
                button(text(fl!("search-widen")).size(12))
                    .padding([2, 8])
                    .style(button::secondary)
                    .on_press(msg(Message::Widen)),
            )
            .id(ids::search::WIDEN),
        );
    }
    let header = header.push(close);
    let input = text_input(&fl!("search-placeholder"), &state.text)
        .id(ids::search::INPUT)
        .on_input(|t| AppMessage::Search(Message::Input(t)))
        .padding([6, 10])
        .size(14);

    let mut top = column![header, input].spacing(8).padding([12, 14]);
    let completions = suggestions(accounts, &state.text);
    if !completions.is_empty() {
        let mut list = column![].spacing(2);
        for (i, (value, name)) in completions.into_iter().enumerate() {
            let label = if name == value {
                value.clone()
            } else {
                format!("{name} · {value}")
            };
            list = list.push(
                container(
                    button(text(label).size(12))
                        .padding([3, 8])
                        .width(Length::Fill)
                        .style(button::text)
                        .on_press(msg(Message::Complete(value))),
                )
                .id(ids::search::suggestion(i)),
            );
        }
        top = top.push(container(list).style(style::quote).padding(4));
    }
    let status = if state.sent.is_none() {
        fl!("search-hint")
    } else if state.searching() && state.hits.is_empty() {
        fl!("search-searching")
    } else if state.hits.is_empty() {
        fl!("search-none")
    } else {
        fl!("search-count", count = state.hits.len())
    };
    top = top.push(
        text(status)
            .size(12)
            .style(style::muted)
            .wrapping(text::Wrapping::WordOrGlyph),
    );

    let results = scrollable(results(state, &live).padding([0, 14]))
        .id(ids::search::RESULTS)
        .height(Length::Fill);
    let panel = column![top, rule::horizontal(1), results]
        .width(PANEL_WIDTH)
        .height(Length::Fill);
    container(panel).style(style::sidebar).into()
}

/// The hits grouped by conversation (ordered by their newest hit), then
/// by day.
fn results<'a>(
    state: &'a State,
    live: &dyn Fn(&str) -> Option<&'a LiveAccount>,
) -> iced::widget::Column<'a, AppMessage> {
    let mut groups: Vec<(&str, &str, Vec<&'a Hit>)> = Vec::new();
    for hit in &state.hits {
        let key = (hit.account.as_str(), hit.message.with.as_str());
        match groups.iter_mut().find(|(a, w, _)| (*a, *w) == key) {
            Some((_, _, hits)) => hits.push(hit),
            None => groups.push((key.0, key.1, vec![hit])),
        }
    }
    let several_accounts = accounts_in(&state.hits) > 1 || state.scope == Scope::All;
    let today = chrono::Local::now().date_naive();
    let mut list = column![].spacing(4).padding([10, 0]);
    for (account, with, hits) in groups {
        let l = live(account);
        let name = l.map_or_else(|| with.to_owned(), |l| conversation_name(l, with));
        let mut head = row![text(name).size(13).font(BOLD).width(Length::Fill)]
            .spacing(6)
            .align_y(Alignment::Center);
        if several_accounts {
            let color = l.map_or(Color::BLACK, |l| {
                format::account_color(l.config.color.as_deref(), &l.config.id)
            });
            head = head.push(
                row![
                    container(space())
                        .width(8)
                        .height(8)
                        .style(style::dot(color)),
                    text(l.map_or(account, |l| l.label()).to_owned())
                        .size(11)
                        .style(style::muted),
                ]
                .spacing(4)
                .align_y(Alignment::Center),
            );
        }
        list = list.push(container(head).padding(iced::Padding::ZERO.top(8).bottom(2)));
        let records: Vec<MessageRecord> = hits.iter().map(|h| h.message.clone()).collect();
        for item in format::group_by_day(&records, &chrono::Local, today) {
            match item {
                format::Item::Day(day) => {
                    list = list.push(
                        container(text(format::day_text(day)).size(11).style(style::muted))
                            .padding([2, 0]),
                    );
                }
                format::Item::Message(i) => list = list.push(hit_row(hits[i], l, &state.words)),
            }
        }
    }
    list
}

fn accounts_in(hits: &[Hit]) -> usize {
    hits.iter()
        .map(|h| h.account.as_str())
        .collect::<HashSet<_>>()
        .len()
}

/// One result: time, who wrote it, the text with the words marked.
fn hit_row<'a>(
    hit: &'a Hit,
    account: Option<&'a LiveAccount>,
    words: &[String],
) -> Element<'a, AppMessage> {
    let m = &hit.message;
    let who = if m.direction == Direction::Out {
        fl!("search-you")
    } else if account.is_some_and(|a| a.is_room(&m.with)) || m.with.contains('/') {
        super::rooms::sender_nick(&m.sender).to_owned()
    } else {
        account.map_or_else(
            || format::display_name(&m.with, None),
            |a| conversation_name(a, &m.with),
        )
    };
    let body = m.file.as_ref().map_or(m.body.as_str(), |f| f.name.as_str());
    let mark = Color::from_rgba(1.0, 0.78, 0.1, 0.45);
    let spans: Vec<iced::widget::text::Span<'_, (), Font>> = highlight(body, words)
        .into_iter()
        .map(|(s, hit)| {
            let span = iced::widget::span(s);
            if hit {
                span.background(mark).font(BOLD)
            } else {
                span
            }
        })
        .collect();
    let content = column![
        row![
            text(format::time_text(m.timestamp))
                .size(11)
                .style(style::muted),
            text(who).size(12).font(BOLD),
            space::horizontal(),
        ]
        .spacing(8),
        rich_text(spans).size(13),
    ]
    .spacing(2);
    container(
        button(content)
            .padding([5, 8])
            .width(Length::Fill)
            .style(style::row_button(false))
            .on_press(AppMessage::Search(Message::Open(
                hit.account.clone(),
                m.id.clone(),
            ))),
    )
    .id(ids::search::hit(&hit.account, &m.id))
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(w: &[&str]) -> Vec<String> {
        w.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn highlight_marks_word_prefixes() {
        let p = highlight(
            "Meet at the Harbour, harbourmaster!",
            &words(&["harb", "me"]),
        );
        assert_eq!(
            p,
            [
                ("Meet".to_owned(), true),
                (" at the ".to_owned(), false),
                ("Harbour".to_owned(), true),
                (", ".to_owned(), false),
                ("harbourmaster".to_owned(), true),
                ("!".to_owned(), false),
            ]
        );
        // Inside a word is no match; unicode is fine.
        let p = highlight("Schiffsgrüße 🎉 Grüße", &words(&["grü"]));
        assert_eq!(p[0], ("Schiffsgrüße 🎉 ".to_owned(), false));
        assert_eq!(p[1], ("Grüße".to_owned(), true));
    }

    #[test]
    fn long_bodies_are_cut_around_the_first_match() {
        let body = format!("{} needle {}", "hay ".repeat(100), "straw ".repeat(100));
        let p = highlight(&body, &words(&["needle"]));
        let text: String = p.iter().map(|(s, _)| s.as_str()).collect();
        assert!(text.starts_with('…') && text.ends_with('…'), "{text}");
        assert!(text.chars().count() <= SNIPPET + 2);
        assert!(p.iter().any(|(s, hit)| *hit && s == "needle"));
    }

    #[test]
    fn the_scope_goes_into_the_query() {
        let one = Scope::Conversation {
            account: "work".into(),
            with: "bob@x".into(),
        };
        assert_eq!(query_for(&Scope::All, "  "), None);
        assert_eq!(query_for(&Scope::All, "from:"), None);
        assert_eq!(query_for(&Scope::All, " harb ").as_deref(), Some("harb"));
        assert_eq!(
            query_for(&one, "harb").as_deref(),
            Some("harb in:\"bob@x\"")
        );
        // An open quote is closed before the scope.
        let q = query_for(&one, "\"no boa").unwrap();
        assert_eq!(q, "\"no boa\" in:\"bob@x\"");
        assert_eq!(Query::parse(&q).with.as_deref(), Some("bob@x"));
    }

    #[test]
    fn completion_replaces_the_value_being_typed() {
        assert_eq!(complete("harbour from:bo", "bob@x"), "harbour from:bob@x ");
        assert_eq!(complete("in:te", "Team Room"), "in:\"Team Room\" ");
        assert_eq!(typed_filter("x from:"), Some((Filter::From, String::new())));
        assert_eq!(typed_filter("x from:b "), None);
        assert_eq!(typed_filter("before:20"), None);
    }
}
