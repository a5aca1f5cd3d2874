//! The search box's language, parsed without touching the store: words
//! (each matched as a word prefix), `"quoted phrases"`, and the filters
//! `from:`, `with:` / `in:`, `before:`, `after:`. Pure, so the GUI can use
//! the same parse to highlight the words it searched for.
//!
//! Nothing the user types can become FTS5 syntax: every word goes to FTS5
//! as a quoted string (quotes doubled), and words without a letter or digit
//! (which the tokenizer would drop, leaving an empty phrase) are left out.

use chrono::{DateTime, Local, NaiveDate, TimeZone, Utc};

/// A parsed search.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// Words and phrases, all of which must occur; the last word of each
    /// matches as a prefix.
    pub terms: Vec<String>,
    /// `from:` a contact's JID or name, a room occupant's nick.
    pub from: Option<String>,
    /// `with:` / `in:` a conversation or room (JID or name).
    pub with: Option<String>,
    /// `before:` a day: messages before its start (local time).
    pub before: Option<NaiveDate>,
    /// `after:` a day: messages from its start on (local time).
    pub after: Option<NaiveDate>,
}

/// The filter keys; anything else with a colon (`re:`, a URL) is a word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    From,
    With,
    Before,
    After,
}

impl Filter {
    /// The key of `token` if it starts with one (`from:…`), case-insensitive,
    /// and the rest after the colon.
    pub fn split(token: &str) -> Option<(Filter, &str)> {
        let (key, rest) = token.split_once(':')?;
        let filter = match key.to_ascii_lowercase().as_str() {
            "from" => Filter::From,
            "with" | "in" => Filter::With,
            "before" => Filter::Before,
            "after" => Filter::After,
            _ => return None,
        };
        Some((filter, rest))
    }
}

impl Query {
    pub fn parse(text: &str) -> Query {
        let mut query = Query::default();
        for token in tokens(text) {
            let filter = if token.quoted {
                None
            } else {
                Filter::split(&token.raw)
            };
            match filter {
                Some((filter, value)) => {
                    let value = unquote(value);
                    if value.is_empty() {
                        // Half typed (`from:`): nothing to filter by yet.
                        continue;
                    }
                    match filter {
                        Filter::From => query.from = Some(value),
                        Filter::With => query.with = Some(value),
                        // A date being typed (`before:2026-0`) is ignored
                        // until it is whole, so results do not flicker.
                        Filter::Before => query.before = parse_day(&value).or(query.before),
                        Filter::After => query.after = parse_day(&value).or(query.after),
                    }
                }
                None => {
                    let word = if token.quoted {
                        token.raw
                    } else {
                        unquote(&token.raw)
                    };
                    if word.chars().any(char::is_alphanumeric) {
                        query.terms.push(word);
                    }
                }
            }
        }
        query
    }

    /// Nothing to search for: no words and no filter that narrows.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty() && self.from.is_none() && self.with.is_none()
    }

    /// The FTS5 MATCH expression for the words: each a quoted string with
    /// a prefix star, all required; None without words.
    pub fn fts(&self) -> Option<String> {
        let terms: Vec<String> = self
            .terms
            .iter()
            .map(|t| format!("\"{}\"*", t.replace('"', "\"\"")))
            .collect();
        (!terms.is_empty()).then(|| terms.join(" "))
    }

    /// `before:` as milliseconds since the epoch (exclusive bound).
    pub fn before_ms(&self) -> Option<i64> {
        self.before.map(day_start_ms)
    }

    /// `after:` as milliseconds since the epoch (inclusive bound).
    pub fn after_ms(&self) -> Option<i64> {
        self.after.map(day_start_ms)
    }

    /// The lower-cased words, for highlighting them in results.
    pub fn highlight_words(&self) -> Vec<String> {
        self.terms
            .iter()
            .flat_map(|t| t.split(|c: char| !c.is_alphanumeric()))
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    }
}

/// One whitespace-separated piece of the input; a `"…"` run (also after
/// `from:`) stays one piece with its spaces.
struct Token {
    raw: String,
    /// The whole token was a quoted phrase (never a filter).
    quoted: bool,
}

fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut in_quotes = false;
    let mut started_quoted = false;
    for c in text.chars() {
        if c == '"' {
            if current.is_empty() && !in_quotes {
                started_quoted = true;
            }
            in_quotes = !in_quotes;
            current.push(c);
        } else if c.is_whitespace() && !in_quotes {
            if !current.is_empty() {
                out.push(token(std::mem::take(&mut current), started_quoted));
            }
            started_quoted = false;
        } else {
            current.push(c);
        }
    }
    if !current.is_empty() {
        out.push(token(current, started_quoted));
    }
    out
}

fn token(raw: String, started_quoted: bool) -> Token {
    if started_quoted {
        Token {
            raw: unquote(&raw),
            quoted: true,
        }
    } else {
        Token { raw, quoted: false }
    }
}

/// The text without its quote marks (an unclosed quote is fine: the user
/// is still typing).
fn unquote(s: &str) -> String {
    s.replace('"', "").trim().to_owned()
}

fn parse_day(s: &str) -> Option<NaiveDate> {
    // Exactly YYYY-MM-DD: chrono alone would take `2026-3-1` too, and a
    // shorter value is a date still being typed.
    if s.len() != 10 {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// The start of `day` in local time (the user's days), in ms since the
/// epoch; at a gap (a DST change at midnight) the earliest valid time.
fn day_start_ms(day: NaiveDate) -> i64 {
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    match Local.from_local_datetime(&midnight).earliest() {
        Some(t) => t.timestamp_millis(),
        None => DateTime::<Utc>::from_naive_utc_and_offset(midnight, Utc).timestamp_millis(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn words_and_filters() {
        let q = Query::parse("harbour  from:bob@example.org in:team@muc.example.org tomor");
        assert_eq!(q.terms, ["harbour", "tomor"]);
        assert_eq!(q.from.as_deref(), Some("bob@example.org"));
        assert_eq!(q.with.as_deref(), Some("team@muc.example.org"));
        assert_eq!(q.fts().as_deref(), Some("\"harbour\"* \"tomor\"*"));

        let q = Query::parse("WITH:alice@x before:2026-03-01 After:2025-12-24");
        assert!(q.terms.is_empty());
        assert_eq!(q.with.as_deref(), Some("alice@x"));
        assert_eq!(q.before, Some(day("2026-03-01")));
        assert_eq!(q.after, Some(day("2025-12-24")));
        assert!(!q.is_empty());
        assert_eq!(q.fts(), None);
    }

    #[test]
    fn quoted_values_and_phrases() {
        let q = Query::parse("from:\"Bob Smith\" \"no boats\" in:\"room@muc.x/my nick\"");
        assert_eq!(q.from.as_deref(), Some("Bob Smith"));
        assert_eq!(q.with.as_deref(), Some("room@muc.x/my nick"));
        assert_eq!(q.terms, ["no boats"]);
        assert_eq!(q.fts().as_deref(), Some("\"no boats\"*"));
        // A quoted filter is a phrase, not a filter.
        let q = Query::parse("\"from:bob\"");
        assert_eq!((q.terms.len(), q.from), (1, None));
    }

    #[test]
    fn half_typed_filters_are_ignored() {
        for text in [
            "from:",
            "before:2026-0",
            "after:2026-13-01",
            "before:2026-3-1",
            "in:\"",
        ] {
            let q = Query::parse(text);
            assert!(q.is_empty(), "{text}: {q:?}");
            assert_eq!((q.before, q.after), (None, None), "{text}");
        }
        // Other colons are words.
        assert_eq!(Query::parse("re:meeting").terms, ["re:meeting"]);
        assert_eq!(
            Query::parse("https://example.org").terms,
            ["https://example.org"]
        );
    }

    #[test]
    fn hostile_input_never_forms_syntax() {
        for (text, fts) in [
            ("\"", None),
            ("*", None),
            ("\"\"\"", None),
            ("NEAR(", Some("\"NEAR(\"*")),
            ("a OR b", Some("\"a\"* \"OR\"* \"b\"*")),
            ("NOT x", Some("\"NOT\"* \"x\"*")),
            ("col:x", Some("\"col:x\"*")),
            ("a\"b", Some("\"ab\"*")),
            ("^start", Some("\"^start\"*")),
            ("{body}: x", Some("\"{body}:\"* \"x\"*")),
            ("-- ** ()", None),
            ("🎉 Grüße 東京", Some("\"Grüße\"* \"東京\"*")),
        ] {
            assert_eq!(Query::parse(text).fts().as_deref(), fts, "{text}");
        }
        // Quotes inside a phrase cannot close it early.
        let q = Query {
            terms: vec!["x\" OR \"y".into()],
            ..Default::default()
        };
        assert_eq!(q.fts().as_deref(), Some("\"x\"\" OR \"\"y\"*"));
    }

    #[test]
    fn days_are_local_midnights() {
        let q = Query::parse("after:2026-03-01 before:2026-03-02");
        let (after, before) = (q.after_ms().unwrap(), q.before_ms().unwrap());
        // 24 hours apart except across a DST change.
        assert!((before - after - 86_400_000).abs() <= 3_600_000);
        let start = Local.timestamp_millis_opt(after).unwrap();
        assert_eq!(start.date_naive(), day("2026-03-01"));
    }

    #[test]
    fn highlight_words_are_the_tokens() {
        let q = Query::parse("Grüße \"no-boats\" from:bob");
        assert_eq!(q.highlight_words(), ["grüße", "no", "boats"]);
    }
}
