//! Text people write about themselves (nicknames, vCard fields, client
//! names) comes from the network: anyone can put control characters,
//! direction overrides or megabytes into it. Everything of that kind is
//! cleaned here before it is stored or shown. Pure, so the protocol layer
//! can read untrusted text with it.

/// Characters that change how the text around them is displayed (bidi
/// embeddings, overrides and isolates, zero-width joiners and marks): a
/// name could use them to look like someone else's or to reverse a JID
/// printed next to it.
fn is_invisible_format(c: char) -> bool {
    matches!(c,
        '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}'
        | '\u{FEFF}')
}

/// Cleans `raw`: control and invisible formatting characters removed,
/// whitespace runs collapsed to one space (within each line when
/// `multiline`, which keeps up to one empty line between paragraphs), trimmed,
/// and cut to at most `max_chars` characters. None when nothing is left.
pub fn clean(raw: &str, max_chars: usize, multiline: bool) -> Option<String> {
    let mut out = String::new();
    let mut count = 0;
    // Pending separator: ' ' or '\n' (or "\n\n"), written before the next
    // visible character so nothing trails.
    let mut pending_space = false;
    let mut pending_newlines = 0u8;
    for c in raw.chars() {
        if count >= max_chars {
            break;
        }
        if multiline && c == '\n' {
            pending_newlines = (pending_newlines + 1).min(2);
            pending_space = false;
            continue;
        }
        if c.is_whitespace() {
            pending_space = true;
            continue;
        }
        if c.is_control() || is_invisible_format(c) {
            continue;
        }
        if !out.is_empty() {
            if pending_newlines > 0 {
                for _ in 0..pending_newlines {
                    out.push('\n');
                }
                count += usize::from(pending_newlines);
            } else if pending_space {
                out.push(' ');
                count += 1;
            }
        }
        pending_space = false;
        pending_newlines = 0;
        if count >= max_chars {
            break;
        }
        out.push(c);
        count += 1;
    }
    // A cut right after a separator can leave one at the end.
    let trimmed = out.trim_end();
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleans_what_the_network_sends() {
        let long = "x".repeat(100_000);
        let cases: &[(&str, usize, bool, Option<&str>)] = &[
            ("  Alice  ", 64, false, Some("Alice")),
            ("", 64, false, None),
            (" \t\n ", 64, false, None),
            ("Al\u{0}i\u{7}ce", 64, false, Some("Alice")),
            ("Ali\nce", 64, false, Some("Ali ce")),
            ("A  \t B", 64, false, Some("A B")),
            ("evil\u{202E}moc.elgoog", 64, false, Some("evilmoc.elgoog")),
            ("zero\u{200B}width", 64, false, Some("zerowidth")),
            ("Jürgen 🦀", 64, false, Some("Jürgen 🦀")),
            ("abcdef", 3, false, Some("abc")),
            ("ab cdef", 3, false, Some("ab")),
            (&long, 64, false, Some(&long[..64])),
            ("line 1\r\nline 2", 64, true, Some("line 1\nline 2")),
            ("a\n\n\n\nb", 64, true, Some("a\n\nb")),
            ("  \n a \n ", 64, true, Some("a")),
        ];
        for (raw, max, multiline, want) in cases {
            assert_eq!(
                clean(raw, *max, *multiline).as_deref(),
                *want,
                "{:?}",
                raw.get(..20.min(raw.len()))
            );
        }
    }
}
