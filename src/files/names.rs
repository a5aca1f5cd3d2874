//! File names from the network, made safe to store.
//!
//! A name someone else chose must never leave the download folder
//! (`../../x`, `/etc/passwd`, `C:\x`), must not be a name Windows reserves
//! for devices (`CON`, `NUL`, `COM1.txt`, … — on every OS, because a folder
//! may be shared or synced to Windows), must not be hidden (`.bashrc`), and
//! must not replace a file that is already there (`x (1).pdf` instead).

use std::path::{Path, PathBuf};

/// Longest name kept, in bytes (most file systems allow 255).
const MAX_NAME_BYTES: usize = 200;
/// What a name that sanitizes to nothing becomes.
const FALLBACK: &str = "file";

/// Windows device names, reserved with any extension and in any case.
const RESERVED: &[&str] = &[
    "CON", "PRN", "AUX", "NUL", "COM0", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7",
    "COM8", "COM9", "COM¹", "COM²", "COM³", "LPT0", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6",
    "LPT7", "LPT8", "LPT9", "LPT¹", "LPT²", "LPT³", "CONIN$", "CONOUT$",
];

/// A safe file name (one path component) for a name from the network.
pub fn sanitize(name: &str) -> String {
    // Only the last component of whatever path was given.
    let last = name
        .rsplit(['/', '\\'])
        .find(|part| !part.trim().is_empty() && part.trim() != "." && part.trim() != "..")
        .unwrap_or("");
    let mut clean: String = last
        .chars()
        .map(|c| match c {
            // Invalid on Windows, or path syntax anywhere.
            '<' | '>' | ':' | '"' | '|' | '?' | '*' => '_',
            c if c.is_control() || is_invisible(c) => '_',
            c => c,
        })
        .collect();
    // Windows drops trailing dots and spaces; leading dots hide files.
    clean = clean
        .trim_end_matches(['.', ' '])
        .trim_start_matches(['.', ' '])
        .to_owned();
    if clean.is_empty() {
        clean = FALLBACK.to_owned();
    }
    let (stem, ext) = split_extension(&clean);
    // Cut first: a cut can leave a device name (`CON` and 200 spaces, `x`).
    let name = truncate(stem, ext);
    match device_name_end(&name) {
        // `CON_`, `nul_.tar.gz`; cut again if the mark made it too long (the
        // cut stays behind the mark: the stem keeps more than 180 bytes).
        Some(end) => {
            let marked = format!("{}_{}", &name[..end], &name[end..]);
            let (stem, ext) = split_extension(&marked);
            truncate(stem, ext)
        }
        None => name,
    }
}

/// Where the device name ends if `name` is one for Windows: it looks at the
/// part before the first dot, without trailing spaces, whatever follows
/// (`CON`, `con.txt`, `nul.tar.gz`, `COM1 .log`).
fn device_name_end(name: &str) -> Option<usize> {
    let base = name.split('.').next().unwrap_or(name).trim_end_matches(' ');
    RESERVED
        .contains(&base.to_uppercase().as_str())
        .then_some(base.len())
}

/// Direction marks and other characters that make a name look like
/// something else (`gpj.exe` shown as `exe.jpg`).
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// `("report", ".pdf")`; a name without a dot (or only a leading one) has
/// no extension.
fn split_extension(name: &str) -> (&str, &str) {
    match name.rfind('.') {
        Some(i) if i > 0 && name.len() - i <= 16 => name.split_at(i),
        _ => (name, ""),
    }
}

/// Stem and extension within [`MAX_NAME_BYTES`], cut at a character boundary.
fn truncate(stem: &str, ext: &str) -> String {
    let room = MAX_NAME_BYTES.saturating_sub(ext.len());
    let mut end = stem.len().min(room);
    while !stem.is_char_boundary(end) {
        end -= 1;
    }
    let stem = stem[..end].trim_end_matches(['.', ' ']);
    let stem = if stem.is_empty() { FALLBACK } else { stem };
    format!("{stem}{ext}")
}

/// `dir/name`, or `dir/stem (1).ext`, `(2)`, … if that exists. The caller
/// creates the file with `create_new`, so a race still cannot overwrite.
pub fn unused_path(dir: &Path, name: &str) -> PathBuf {
    let first = dir.join(name);
    if !exists(&first) {
        return first;
    }
    let (stem, ext) = split_extension(name);
    (1..)
        .map(|n| dir.join(format!("{stem} ({n}){ext}")))
        .find(|p| !exists(p))
        .unwrap_or(first)
}

fn exists(p: &Path) -> bool {
    // A dangling symlink counts as taken too.
    std::fs::symlink_metadata(p).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_traversal_is_cut_to_the_last_component() {
        for (input, want) in [
            ("../../x", "x"),
            ("/etc/passwd", "passwd"),
            ("..\\..\\windows\\system32\\evil.dll", "evil.dll"),
            ("C:\\Users\\x\\a.txt", "a.txt"),
            ("dir/..", "dir"),
            ("..", "file"),
            ("/", "file"),
            ("", "file"),
            ("a/b/", "b"),
        ] {
            assert_eq!(sanitize(input), want, "{input:?}");
        }
    }

    #[test]
    fn hidden_and_reserved_names_are_changed() {
        for (input, want) in [
            (".bashrc", "bashrc"),
            ("...", "file"),
            ("CON", "CON_"),
            ("con.txt", "con_.txt"),
            ("Nul", "Nul_"),
            ("COM1.tar", "COM1_.tar"),
            ("lpt9", "lpt9_"),
            ("CONSOLE.txt", "CONSOLE.txt"),
            // Windows looks at the part before the first dot.
            ("nul.tar.gz", "nul_.tar.gz"),
            ("CON .txt", "CON_.txt"),
            ("con. .txt", "con_.txt"),
            ("report.pdf.", "report.pdf"),
            ("a:b*c?.txt", "a_b_c_.txt"),
            ("tab\there", "tab_here"),
            ("x\u{202E}gpj.exe", "x_gpj.exe"),
        ] {
            assert_eq!(sanitize(input), want, "{input:?}");
        }
    }

    #[test]
    fn long_names_keep_their_extension() {
        let long = format!("{}.pdf", "ä".repeat(300));
        let clean = sanitize(&long);
        assert!(clean.len() <= MAX_NAME_BYTES, "{}", clean.len());
        assert!(clean.ends_with("ä.pdf"));
    }

    /// Found with the `file_name` fuzz target's check of its result: the
    /// cut to 200 bytes came after the device name check and could leave one.
    #[test]
    fn a_cut_never_leaves_a_device_name() {
        for (input, want) in [
            (
                format!("CON{}x.txt", " ".repeat(250)),
                "CON_.txt".to_owned(),
            ),
            (
                format!("nul.{}.txt", "a".repeat(192)),
                format!("nul_.{}.txt", "a".repeat(191)),
            ),
        ] {
            let clean = sanitize(&input);
            assert_eq!(clean, want);
            assert!(clean.len() <= MAX_NAME_BYTES, "{}", clean.len());
        }
    }

    #[test]
    fn existing_files_are_not_overwritten() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(unused_path(dir.path(), "a.pdf"), dir.path().join("a.pdf"));
        std::fs::write(dir.path().join("a.pdf"), b"1").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            unused_path(dir.path(), "a.pdf"),
            dir.path().join("a (1).pdf")
        );
        std::fs::write(dir.path().join("a (1).pdf"), b"1").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            unused_path(dir.path(), "a.pdf"),
            dir.path().join("a (2).pdf")
        );
        assert_eq!(unused_path(dir.path(), "b"), dir.path().join("b"));
    }
}
