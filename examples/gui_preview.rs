//! Opens the GUI on a profile with sample data, for looking at it without a
//! server:
//! `cargo run --example gui_preview -- [PROFILE_DIR] [--demo] [--room] [--empty] [--dark] [--lang de]`
//! (`--room`: the demo opens its group chat).
//!
//! Uses the profile's `config.toml` if it has accounts, else three sample
//! accounts pointing at 127.0.0.1 port 1 (so they show connection errors)
//! and one broken entry.

use plausch::config::{AccountConfig, AccountEntry, BrokenAccount, Config, PasswordSource};
use plausch::profile::Profile;

fn sample(id: &str, jid: &str, label: &str, color: &str) -> AccountEntry {
    AccountEntry::Ok(AccountConfig {
        label: Some(label.into()),
        color: Some(color.into()),
        host: Some("127.0.0.1".into()),
        port: Some(1),
        ..AccountConfig::new(id, jid, PasswordSource::Command("echo x".into()))
    })
}

fn main() -> iced::Result {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let demo = args.iter().any(|a| a == "--demo");
    let empty = args.iter().any(|a| a == "--empty");
    let lang = args
        .windows(2)
        .find(|w| w[0] == "--lang")
        .map(|w| w[1].clone());
    let dir = args
        .iter()
        .find(|a| !a.starts_with("--") && Some(*a) != lang.as_ref())
        .cloned()
        .unwrap_or_else(|| "/tmp/gui-profile".into());
    plausch::i18n::init(lang.as_deref());
    let profile = Profile::at(&dir);
    let (mut config, error) = match Config::load(&profile.config_path()) {
        Ok(c) => (c, None),
        Err(e) => (Config::default(), Some(e.to_string())),
    };
    if config.accounts.is_empty() && !empty {
        config.accounts = vec![
            sample("work", "me@example.org", "Work", "#3584e4"),
            sample("home", "me@family.example", "Family", "#2ec27e"),
            sample("school", "me@school.example", "School", "#e66100"),
            AccountEntry::Broken(BrokenAccount {
                id: "old".into(),
                error: "accounts.old.jid: \"old-server\" is not a valid JID".into(),
                raw: Default::default(),
            }),
        ];
    }
    if args.iter().any(|a| a == "--dark") {
        config.settings.theme = plausch::config::ThemeChoice::Dark;
    }
    if demo {
        let open_room = args.iter().any(|a| a == "--room");
        plausch::ui::run_demo(profile, config, error, open_room)
    } else {
        plausch::ui::run(profile, config, error)
    }
}
