use super::*;
use crate::api::{ConnState, NewAccount, TlsMode};

const PIN: &str = "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:\
                   AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89";

const FULL: &str = r##"
[settings]
language = "de"
theme = "dark"

[[account]]
id = "work"
jid = "alice@example.org"
label = "Work"
color = "#3b82f6"
enabled = true
password_command = "pass show xmpp/work"
host = "xmpp.example.org"
port = 5222
tls = "starttls"
ca_file = "/path/ca.pem"
pinned_cert = "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789"
resource = "laptop"
priority = 5
send_receipts = false

[[account]]
id = "private"
jid = "bob@example.net"
enabled = false
tls = "direct"
"##;

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

fn write(dir: &Path, text: &str) -> PathBuf {
    let p = dir.join("config.toml");
    std::fs::write(&p, text).unwrap();
    p
}

fn broken(c: &Config, id: &str) -> BrokenAccount {
    match c.entry(id) {
        Some(AccountEntry::Broken(b)) => b.clone(),
        other => panic!("{id}: expected broken, got {other:?}"),
    }
}

#[test]
fn missing_file_is_default() {
    let d = tmp();
    let c = Config::load(&d.path().join("nope.toml")).unwrap();
    assert_eq!(c, Config::default());
}

#[test]
fn full_config_parses() {
    let d = tmp();
    let c = Config::load(&write(d.path(), FULL)).unwrap();
    assert_eq!(c.settings.language.as_deref(), Some("de"));
    assert_eq!(c.settings.theme, ThemeChoice::Dark);
    let w = c.account("work").unwrap();
    assert_eq!(
        w,
        &AccountConfig {
            id: "work".into(),
            jid: "alice@example.org".into(),
            label: Some("Work".into()),
            color: Some("#3b82f6".into()),
            enabled: true,
            password: PasswordSource::Command("pass show xmpp/work".into()),
            host: Some("xmpp.example.org".into()),
            port: Some(5222),
            tls: TlsMode::Starttls,
            ca_file: Some(PathBuf::from("/path/ca.pem")),
            pinned_cert: Some(PIN.into()),
            resource: Some("laptop".into()),
            priority: Some(5),
            switches: Switches {
                send_receipts: false,
                ..Switches::default()
            },
            files: crate::config::FileSettings::default(),
        }
    );
    let p = c.account("private").unwrap();
    assert!(!p.enabled);
    assert_eq!(p.password, PasswordSource::Keyring);
    assert_eq!(p.tls, TlsMode::Direct);
    assert_eq!(p.port, None);
}

#[test]
fn round_trip() {
    let d = tmp();
    let inputs = [
        FULL,
        "",
        "[settings]\n",
        "[settings]\naway_after_minutes = 0\nxa_after_minutes = 45\nhide_offline = true\n",
        "[[account]]\nid = \"a\"\njid = \"a@b\"\n",
        // A broken entry survives a round trip too.
        "[[account]]\nid = \"x\"\njid = \"nope\"\nfoo = [1, 2]\n",
    ];
    for input in inputs {
        let p = write(d.path(), input);
        let first = Config::load(&p).unwrap();
        first.save(&p).unwrap();
        let second = Config::load(&p).unwrap();
        assert_eq!(first, second, "input:\n{input}");
        // Saving again produces the same bytes.
        let text = std::fs::read_to_string(&p).unwrap();
        second.save(&p).unwrap();
        assert_eq!(text, std::fs::read_to_string(&p).unwrap());
    }
}

#[test]
fn idle_and_sidebar_settings() {
    let d = tmp();
    let p = write(
        d.path(),
        "[settings]\naway_after_minutes = 5\nhide_offline = true\n",
    );
    let s = Config::load(&p).unwrap().settings;
    assert_eq!(
        (s.away_after_minutes, s.xa_after_minutes, s.hide_offline),
        (5, crate::config::DEFAULT_XA_AFTER_MINUTES, true)
    );
    // Defaults are not written out.
    let defaults = Config::default().to_toml();
    assert!(!defaults.contains("away_after"), "{defaults}");
    // A negative or non-number is a settings error, not a panic.
    let p = write(d.path(), "[settings]\naway_after_minutes = -3\n");
    assert!(Config::load(&p).is_err());
}

#[test]
fn saved_text_is_as_documented() {
    let d = tmp();
    let p = write(d.path(), FULL);
    Config::load(&p).unwrap().save(&p).unwrap();
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(
        text.contains("[settings]\nlanguage = \"de\"\ntheme = \"dark\"\n"),
        "{text}"
    );
    assert!(
        text.contains("[[account]]\nid = \"work\"\njid = \"alice@example.org\"\n"),
        "{text}"
    );
    assert!(text.contains(&format!("pinned_cert = \"{PIN}\"")), "{text}");
    assert!(!text.contains("password ="), "{text}");
}

#[test]
fn syntax_error_names_file_and_line() {
    let cases: &[(&str, usize)] = &[
        ("[settings]\ntheme = \"dark\"\nlanguage = \n", 3),
        ("[[account]]\nid = \"a\"\njid = \"a@b\n", 3),
        ("[settings\n", 1),
        ("\n\n\n\n[[account]]\nid = = 1\n", 6),
        ("a = 1\na = 2\n", 2),
    ];
    let d = tmp();
    for (text, want_line) in cases {
        let p = write(d.path(), text);
        let err = Config::load(&p).unwrap_err();
        let ConfigError::Parse { line, column, .. } = &err else {
            panic!("{text:?}: expected a parse error, got {err:?}");
        };
        assert_eq!(*line, *want_line, "{text:?}: {err}");
        assert!(*column >= 1);
        let msg = err.to_string();
        assert!(msg.contains("config.toml"), "{msg}");
        assert!(msg.contains(&format!("line {want_line}")), "{msg}");
    }
}

#[test]
fn broken_entries() {
    // (entry body, expected id, substring of the error)
    let cases: &[(&str, &str, &str)] = &[
        ("id = \"b\"\njid = \"nope\"", "b", "jid"),
        ("id = \"b\"\njid = \"a@b@c\"", "b", "jid"),
        ("id = \"b\"\njid = \"a@b/res\"", "b", "jid"),
        ("id = \"b\"\njid = \"a b@c\"", "b", "whitespace"),
        ("id = \"B A D\"\njid = \"a@b\"", "B A D", "account id"),
        ("jid = \"a@b\"", "account-2", "id"),
        ("id = \"b\"", "b", "jid"),
        ("id = \"b\"\njid = \"a@b\"\nport = 70000", "b", "port"),
        ("id = \"b\"\njid = \"a@b\"\nport = 0", "b", "port"),
        ("id = \"b\"\njid = \"a@b\"\npriority = 300", "b", "priority"),
        (
            "id = \"b\"\njid = \"a@b\"\nport = \"5222\"",
            "b",
            "port: expected an integer",
        ),
        (
            "id = \"b\"\njid = \"a@b\"\npinned_cert = \"AB:CD\"",
            "b",
            "pinned_cert",
        ),
        ("id = \"b\"\njid = \"a@b\"\ntls = \"ssl\"", "b", "tls"),
        (
            "id = \"b\"\njid = \"a@b\"\nenabled = \"yes\"",
            "b",
            "enabled: expected a boolean",
        ),
        (
            "id = 5\njid = \"a@b\"",
            "account-2",
            "id: expected a string",
        ),
        (
            "id = \"b\"\njid = \"a@b\"\npassword_command = \"\"",
            "b",
            "password_command",
        ),
    ];
    let d = tmp();
    for (body, want_id, want_err) in cases {
        let text = format!(
            "[[account]]\nid = \"good1\"\njid = \"g1@example.org\"\n\n\
             [[account]]\n{body}\n\n\
             [[account]]\nid = \"good2\"\njid = \"g2@example.org\"\n"
        );
        let p = write(d.path(), &text);
        let c = Config::load(&p).unwrap_or_else(|e| panic!("{body:?}: {e}"));
        assert_eq!(c.accounts.len(), 3, "{body:?}");
        assert!(c.account("good1").is_some(), "{body:?}");
        assert!(c.account("good2").is_some(), "{body:?}");
        let b = broken(&c, want_id);
        assert_eq!(c.accounts[1].id(), *want_id);
        assert!(
            b.error.contains(want_err),
            "{body:?}: error {:?} should mention {want_err:?}",
            b.error
        );
        let info = &c.infos()[1];
        assert_eq!(info.state, ConnState::Broken);
        assert_eq!(info.error.as_deref(), Some(b.error.as_str()));

        // Saving keeps the broken entry, in place, key by key.
        c.save(&p).unwrap();
        let saved = std::fs::read_to_string(&p).unwrap();
        for line in body.lines() {
            assert!(
                saved.contains(line),
                "{body:?}: saved text lost {line:?}:\n{saved}"
            );
        }
        let again = Config::load(&p).unwrap();
        assert_eq!(again, c, "{body:?}");
    }
}

#[test]
fn broken_entry_keeps_unknown_and_nested_keys() {
    let d = tmp();
    let text = "[[account]]\nid = \"x\"\njid = \"bad\"\nzeta = 1\nalpha = \"two\"\n\
                [account.extra]\nk = true\n";
    let p = write(d.path(), text);
    let c = Config::load(&p).unwrap();
    let before = broken(&c, "x").raw;
    c.save(&p).unwrap();
    let c2 = Config::load(&p).unwrap();
    assert_eq!(broken(&c2, "x").raw, before);
    let saved = std::fs::read_to_string(&p).unwrap();
    assert!(
        saved.find("zeta").unwrap() < saved.find("alpha").unwrap(),
        "{saved}"
    );
}

#[test]
fn duplicate_ids() {
    let d = tmp();
    let text = "[[account]]\nid = \"a\"\njid = \"one@example.org\"\n\
                [[account]]\nid = \"a\"\njid = \"two@example.org\"\n";
    let p = write(d.path(), text);
    let c = Config::load(&p).unwrap();
    assert_eq!(c.account("a").unwrap().jid, "one@example.org");
    let AccountEntry::Broken(b) = &c.accounts[1] else {
        panic!("second entry should be broken");
    };
    assert!(b.error.contains("duplicate"), "{}", b.error);
    c.save(&p).unwrap();
    let saved = std::fs::read_to_string(&p).unwrap();
    assert!(saved.contains("two@example.org"));

    // add_account refuses an existing id, valid or broken.
    let mut c = c;
    let new = AccountConfig::from_new(&new_account("a", "x@y")).unwrap();
    assert!(matches!(
        c.add_account(new),
        Err(ConfigError::DuplicateAccount(id)) if id == "a"
    ));
    let mut c = Config::load(&write(d.path(), "[[account]]\nid = \"b\"\njid = \"bad\"\n")).unwrap();
    let new = AccountConfig::from_new(&new_account("b", "x@y")).unwrap();
    assert!(c.add_account(new).is_err());
}

fn new_account(id: &str, jid: &str) -> NewAccount {
    NewAccount {
        id: id.into(),
        jid: jid.into(),
        password: Some("secret".into()),
        ..Default::default()
    }
}

#[test]
fn from_new_validates() {
    let ok = AccountConfig::from_new(&NewAccount {
        pinned_cert: Some(PIN.replace(':', "").to_lowercase()),
        port: Some(5223),
        tls: TlsMode::Direct,
        ..new_account("work", "alice@example.org")
    })
    .unwrap();
    assert_eq!(ok.pinned_cert.as_deref(), Some(PIN));
    assert_eq!(ok.password, PasswordSource::Keyring);
    assert!(ok.enabled);

    let bad = [
        new_account("Work", "alice@example.org"),
        new_account("work", "alice"),
        NewAccount {
            port: Some(0),
            ..new_account("work", "alice@example.org")
        },
        NewAccount {
            pinned_cert: Some("12:34".into()),
            ..new_account("work", "alice@example.org")
        },
        NewAccount {
            password_command: Some("  ".into()),
            ..new_account("work", "alice@example.org")
        },
    ];
    for n in bad {
        let err = AccountConfig::from_new(&n).unwrap_err();
        assert!(matches!(err, ConfigError::Account(_)), "{n:?}");
        assert!(!err.to_string().contains("secret"));
    }
}

#[test]
fn add_remove_and_infos() {
    let mut c = Config::default();
    c.add_account(AccountConfig::from_new(&new_account("a", "a@x")).unwrap())
        .unwrap();
    let mut b = AccountConfig::from_new(&new_account("b", "b@x")).unwrap();
    b.enabled = false;
    c.add_account(b).unwrap();
    let mut raw = Table::new();
    raw.insert("id".into(), "c".into());
    raw.insert("jid".into(), "c".into());
    raw.insert("label".into(), "Broken one".into());
    c.accounts.push(AccountEntry::Broken(BrokenAccount {
        id: "c".into(),
        error: "bad jid".into(),
        raw,
    }));
    let states: Vec<_> = c
        .infos()
        .into_iter()
        .map(|i| (i.id, i.state, i.error))
        .collect();
    assert_eq!(
        states,
        vec![
            ("a".into(), ConnState::Offline, None),
            ("b".into(), ConnState::Disabled, None),
            ("c".into(), ConnState::Broken, Some("bad jid".into())),
        ]
    );
    assert_eq!(c.infos()[2].label.as_deref(), Some("Broken one"));
    assert!(c.account("c").is_none());
    assert!(c.entry("c").is_some());
    assert!(c.remove_account("c"));
    assert!(c.remove_account("a"));
    assert!(!c.remove_account("a"));
    assert_eq!(c.accounts.len(), 1);
}

#[test]
fn invalid_settings_and_unknown_keys() {
    let d = tmp();
    // Unknown keys are not fatal.
    let p = write(
        d.path(),
        "colour_scheme = 1\n[settings]\ntheme = \"light\"\nfont = \"x\"\n\
         [[account]]\nid = \"a\"\njid = \"a@b\"\nnickname = \"A\"\n",
    );
    let c = Config::load(&p).unwrap();
    assert_eq!(c.settings.theme, ThemeChoice::Light);
    assert!(c.account("a").is_some());

    for text in [
        "[settings]\ntheme = \"blue\"\n",
        "[settings]\nlanguage = \"fr\"\n",
        "settings = 1\n",
        "account = 1\n",
    ] {
        let p = write(d.path(), text);
        let err = Config::load(&p).unwrap_err();
        assert!(
            matches!(err, ConfigError::Invalid { .. }),
            "{text:?}: {err:?}"
        );
        assert!(err.to_string().contains("config.toml"), "{err}");
    }
}

#[test]
fn atomic_save_leaves_no_temp_files() {
    let d = tmp();
    let p = d.path().join("config.toml");
    let c = Config::load(&write(d.path(), FULL)).unwrap();
    for _ in 0..3 {
        c.save(&p).unwrap();
    }
    let names: Vec<_> = std::fs::read_dir(d.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names, vec!["config.toml".to_string()]);

    // A failed save (directory missing) leaves nothing behind either.
    let missing = d.path().join("no/such/dir/config.toml");
    assert!(matches!(c.save(&missing), Err(ConfigError::Io { .. })));
}

#[cfg(unix)]
#[test]
fn saved_file_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let d = tmp();
    let p = d.path().join("config.toml");
    // Also when the file existed with wider permissions before.
    std::fs::write(&p, "").unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
    Config::default().save(&p).unwrap();
    let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

#[test]
fn line_col_counts_characters() {
    assert_eq!(line_col("abc", 0), (1, 1));
    assert_eq!(line_col("abc\ndef", 5), (2, 2));
    assert_eq!(line_col("äb\nc", 2), (1, 2));
    assert_eq!(line_col("ab", 99), (1, 3));
}

#[test]
fn file_settings_per_account_and_the_global_limit() {
    let d = tmp();
    let text = "[settings]\nauto_download_limit_bytes = 1000\n\n\
        [[account]]\nid = \"a\"\njid = \"a@x.org\"\nauto_download = false\n\
        auto_download_max_bytes = 500\ndownload_dir = \"/tmp/dl\"\ndirect_transfer_first = true\nkeep_days = 30\n\n\
        [[account]]\nid = \"b\"\njid = \"b@x.org\"\n";
    let c = Config::load(&write(d.path(), text)).unwrap();
    assert_eq!(c.settings.auto_download_limit_bytes, 1000);
    let a = &c.account("a").unwrap().files;
    assert!(!a.auto_download);
    assert_eq!(a.auto_download_max_bytes, 500);
    assert_eq!(
        a.download_dir.as_deref(),
        Some(std::path::Path::new("/tmp/dl"))
    );
    assert_eq!(a.global_limit_bytes, 1000);
    assert!(a.direct_first);
    assert_eq!(a.keep_days, 30);
    let b = &c.account("b").unwrap().files;
    assert!(b.auto_download);
    assert!(!b.direct_first, "upload first unless asked");
    assert_eq!(b.keep_days, 0, "kept for ever unless asked");
    // Images up to the global limit, other files up to the account's.
    assert!(b.auto_downloads(Some(900), true));
    assert!(!b.auto_downloads(Some(1001), true));
    assert!(b.auto_downloads(Some(900), false));
    assert!(!b.auto_downloads(None, true));
    assert!(!a.auto_downloads(Some(1), true));
    // Written back as read.
    let again = Config::parse(&c.to_toml(), std::path::Path::new("x")).unwrap();
    assert_eq!(again, c);
    // Negative days break only that account.
    let bad = "[[account]]\nid = \"a\"\njid = \"a@x.org\"\nkeep_days = -1\n";
    let c = Config::parse(bad, std::path::Path::new("x")).unwrap();
    assert!(matches!(
        c.accounts[0],
        crate::config::AccountEntry::Broken(_)
    ));
    // A negative size breaks only that account.
    let bad = "[[account]]\nid = \"a\"\njid = \"a@x.org\"\nauto_download_max_bytes = -1\n";
    let c = Config::parse(bad, std::path::Path::new("x")).unwrap();
    assert!(matches!(
        c.accounts[0],
        crate::config::AccountEntry::Broken(_)
    ));
}
