//! Replays the committed fuzz corpus (`fuzz/corpus/<target>/`) and the
//! reproducers of past findings (`fuzz/regressions/<target>/`) through the
//! fuzz targets' entry points, on the stable toolchain: what the fuzzer
//! once found stays fixed. Takes seconds; the fuzzing itself is in `fuzz/`
//! (README, "Fuzzing").

use std::path::{Path, PathBuf};

/// A target's entry point.
type Target = fn(&[u8]);

/// Every target, with its entry point.
const TARGETS: &[(&str, Target)] = &[
    ("stanza_message", plausch::fuzzing::stanza_message),
    ("stanza_presence", plausch::fuzzing::stanza_presence),
    ("stanza_iq", plausch::fuzzing::stanza_iq),
    ("config", plausch::fuzzing::config),
    ("headless_command", plausch::fuzzing::headless_command),
    ("image", plausch::fuzzing::image),
    ("file_name", plausch::fuzzing::file_name),
    ("xmpp_uri", plausch::fuzzing::xmpp_uri),
];

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz")
}

/// The files of `dir`, sorted; an unreadable or missing folder gives none.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

fn replay(target: &str, run: Target, dir: &Path) -> usize {
    let inputs = files(dir);
    for path in &inputs {
        let data = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let result = std::panic::catch_unwind(|| run(&data));
        assert!(
            result.is_ok(),
            "{target}: {} makes the target panic",
            path.display()
        );
    }
    inputs.len()
}

#[test]
fn every_target_has_a_corpus_and_survives_it() {
    for (target, run) in TARGETS {
        let corpus = fuzz_dir().join("corpus").join(target);
        let n = replay(target, *run, &corpus);
        assert!(
            n > 0,
            "{target}: no corpus in {} (missing or empty)",
            corpus.display()
        );
    }
}

#[test]
fn past_findings_stay_fixed() {
    let regressions = fuzz_dir().join("regressions");
    for (target, run) in TARGETS {
        replay(target, *run, &regressions.join(target));
    }
    // A folder for a target that does not exist would never be replayed.
    for dir in files_and_dirs(&regressions) {
        let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or("");
        assert!(
            TARGETS.iter().any(|(t, _)| *t == name),
            "{}: not a fuzz target",
            dir.display()
        );
    }
}

fn files_and_dirs(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect()
}

#[test]
fn every_target_is_built_by_cargo_fuzz() {
    let manifest = std::fs::read_to_string(fuzz_dir().join("Cargo.toml"))
        .unwrap_or_else(|e| panic!("fuzz/Cargo.toml: {e}"));
    for (target, _) in TARGETS {
        assert!(
            manifest.contains(&format!("name = \"{target}\"")),
            "{target} missing in fuzz/Cargo.toml"
        );
        let source = fuzz_dir().join("fuzz_targets").join(format!("{target}.rs"));
        let text = std::fs::read_to_string(&source)
            .unwrap_or_else(|e| panic!("{}: {e}", source.display()));
        assert!(
            text.contains(&format!("plausch::fuzzing::{target}(")),
            "{} does not call its entry point",
            source.display()
        );
    }
}
