//! Exports of the history, written as the messages come (one at a time
//! from the store, so a million messages need no more memory than one):
//! plain text in the familiar one-line-per-message form, JSON Lines with
//! every field of the `message` event, and a self-contained HTML page that
//! looks like the conversation. [`Exporter`] has no I/O of its own: it
//! writes to what it is given; [`file`] writes an account's export to disk.

pub mod file;

use std::io::{self, Write};

use chrono::{DateTime, Local, Utc};

use crate::api::{Direction, ExportFormat, MessageRecord};

/// Writes one conversation after another in `format`.
pub struct Exporter<W: Write> {
    out: W,
    format: ExportFormat,
    /// The account's own bare JID (the name of its messages in text).
    own: String,
    /// HTML: the day of the last message written (a heading per day).
    day: Option<chrono::NaiveDate>,
    /// The conversation being written is a room (authors by nick).
    room: bool,
    pub messages: u64,
}

impl<W: Write> Exporter<W> {
    pub fn new(mut out: W, format: ExportFormat, own: &str, title: &str) -> io::Result<Self> {
        if format == ExportFormat::Html {
            write!(
                out,
                "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\
                 <title>{}</title><style>{STYLE}</style></head><body>\n",
                html(title)
            )?;
        }
        Ok(Exporter {
            out,
            format,
            own: own.to_owned(),
            day: None,
            room: false,
            messages: 0,
        })
    }

    /// Starts conversation `with`, a room or not (HTML: a heading; text: a
    /// header line).
    pub fn conversation(&mut self, with: &str, room: bool) -> io::Result<()> {
        self.day = None;
        self.room = room;
        match self.format {
            ExportFormat::Text => writeln!(self.out, "== {with} =="),
            ExportFormat::Jsonl => Ok(()),
            ExportFormat::Html => writeln!(self.out, "<h1>{}</h1>", html(with)),
        }
    }

    pub fn message(&mut self, m: &MessageRecord) -> io::Result<()> {
        self.messages += 1;
        match self.format {
            ExportFormat::Jsonl => {
                serde_json::to_writer(&mut self.out, m).map_err(io::Error::other)?;
                writeln!(self.out)
            }
            ExportFormat::Text => {
                let text = text_of(m).replace('\n', "\n    ");
                writeln!(
                    self.out,
                    "{} {}: {text}",
                    local_time(m.timestamp).format("%Y-%m-%d %H:%M:%S"),
                    self.name(m)
                )
            }
            ExportFormat::Html => {
                let at = local_time(m.timestamp);
                if self.day != Some(at.date_naive()) {
                    self.day = Some(at.date_naive());
                    writeln!(self.out, "<h2>{}</h2>", at.format("%Y-%m-%d"))?;
                }
                let side = match m.direction {
                    Direction::In => "in",
                    Direction::Out => "out",
                };
                let name = html(&self.name(m));
                let body = html(&text_of(m)).replace('\n', "<br>");
                let link = match m.file.as_ref().and_then(|f| f.url.as_deref()) {
                    Some(url) if url.starts_with("https://") || url.starts_with("http://") => {
                        format!(" <a href=\"{}\">⤓</a>", html(url))
                    }
                    _ => String::new(),
                };
                writeln!(
                    self.out,
                    "<div class=\"m {side}\"><span class=\"n\">{name}</span> \
                     <span class=\"t\">{}</span><p>{body}{link}</p></div>",
                    at.format("%H:%M")
                )
            }
        }
    }

    /// Ends the export; the writer back, flushed.
    pub fn finish(mut self) -> io::Result<W> {
        if self.format == ExportFormat::Html {
            writeln!(self.out, "</body></html>")?;
        }
        self.out.flush()?;
        Ok(self.out)
    }

    /// Who wrote `m`: in a room (or a private chat in one) the nick, else
    /// the bare JID, ours for ours.
    fn name(&self, m: &MessageRecord) -> String {
        let nick = || m.sender.split_once('/').map(|(_, nick)| nick.to_owned());
        match m.direction {
            _ if self.room || m.with.contains('/') => nick().unwrap_or_else(|| m.sender.clone()),
            Direction::Out => self.own.clone(),
            Direction::In => bare(&m.sender).to_owned(),
        }
    }
}

fn bare(jid: &str) -> &str {
    jid.split_once('/').map_or(jid, |(b, _)| b)
}

fn local_time(t: DateTime<Utc>) -> DateTime<Local> {
    t.with_timezone(&Local)
}

/// A message's text as a reader wants it: corrections applied (the body
/// is the current text), files as their name and link, retracted ones
/// said so.
fn text_of(m: &MessageRecord) -> String {
    if m.retracted {
        return "(message deleted by its sender)".to_owned();
    }
    match &m.file {
        Some(f) => match f.url.as_deref() {
            // An encrypted file's link carries its key: not in an export.
            Some(url) if !url.starts_with("aesgcm://") => format!("[file: {}] {url}", f.name),
            _ => format!("[file: {}]", f.name),
        },
        None => m.body.clone(),
    }
}

fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:sans-serif;max-width:48em;margin:auto;background:#f4f4f4}\
h1{font-size:1.3em}h2{font-size:.9em;color:#666;text-align:center}\
.m{margin:.4em 0;padding:.4em .7em;border-radius:.6em;max-width:80%;background:#fff}\
.m.out{margin-left:auto;background:#dde4ff}.n{font-weight:bold}.t{color:#888;font-size:.8em}\
.m p{margin:.2em 0;white-space:normal;overflow-wrap:anywhere}";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{FileInfo, MessageState};

    fn msg(direction: Direction, sender: &str, body: &str) -> MessageRecord {
        MessageRecord {
            id: "m".into(),
            with: "bob@example.org".into(),
            direction,
            sender: sender.into(),
            body: body.into(),
            timestamp: DateTime::from_timestamp(1_767_225_600, 0).unwrap_or_default(),
            state: MessageState::Received,
            ..Default::default()
        }
    }

    fn export(format: ExportFormat, messages: &[MessageRecord]) -> String {
        let mut e = Exporter::new(Vec::new(), format, "me@example.org", "Bob")
            .unwrap_or_else(|e| panic!("{e}"));
        e.conversation("bob@example.org", false)
            .unwrap_or_else(|e| panic!("{e}"));
        for m in messages {
            e.message(m).unwrap_or_else(|e| panic!("{e}"));
        }
        String::from_utf8(e.finish().unwrap_or_else(|e| panic!("{e}"))).unwrap_or_default()
    }

    #[test]
    fn text_has_one_line_per_message_with_names_files_and_corrections() {
        let mut file = msg(Direction::In, "bob@example.org/phone", "https://x/a.pdf");
        file.file = Some(FileInfo {
            name: "a.pdf".into(),
            url: Some("https://x/a.pdf".into()),
            ..Default::default()
        });
        let mut secret = file.clone();
        secret.file = Some(FileInfo {
            name: "b.pdf".into(),
            url: Some("aesgcm://x/b.pdf#key".into()),
            ..Default::default()
        });
        let text = export(
            ExportFormat::Text,
            &[
                msg(
                    Direction::In,
                    "bob@example.org/phone",
                    "Hallo\nzweite Zeile",
                ),
                msg(Direction::Out, "me@example.org/pc", "Hi"),
                file,
                secret,
            ],
        );
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "== bob@example.org ==");
        assert!(lines[1].ends_with(" bob@example.org: Hallo"), "{text}");
        assert_eq!(lines[2], "    zweite Zeile");
        assert!(lines[3].ends_with(" me@example.org: Hi"), "{text}");
        assert!(
            lines[4].ends_with("[file: a.pdf] https://x/a.pdf"),
            "{text}"
        );
        assert!(
            lines[5].ends_with("[file: b.pdf]"),
            "no key in an export: {text}"
        );
        // `YYYY-MM-DD HH:MM:SS Name: text`
        assert_eq!(lines[1].as_bytes()[4], b'-');
        assert_eq!(lines[1].as_bytes()[19], b' ');
    }

    #[test]
    fn html_is_escaped_and_json_lines_read_back() {
        let hostile = msg(
            Direction::In,
            "bob@example.org/x",
            "<script>alert(1)</script> & \"",
        );
        let page = export(ExportFormat::Html, std::slice::from_ref(&hostile));
        assert!(!page.contains("<script>"), "{page}");
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;"));
        assert!(page.starts_with("<!DOCTYPE html>") && page.trim_end().ends_with("</html>"));
        let lines = export(ExportFormat::Jsonl, &[hostile.clone(), hostile.clone()]);
        let back: Vec<MessageRecord> = lines
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect();
        assert_eq!(back, vec![hostile.clone(), hostile]);
    }
}
