//! `plausch`: starts the GUI, or with `--headless` the JSON Lines front-end.

// Product code never unwraps: network, disk and user data get typed errors
// (tests may: a failing fixture is a failing test, see clippy.toml).
#![deny(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::process::ExitCode;

use plausch::config::Config;
use plausch::profile::Profile;

const USAGE: &str = "\
Usage: plausch [--headless] [--profile DIR]
       plausch --restore FILE [--profile DIR] [--replace]

  --headless      Run without a window: JSON Lines commands on stdin,
                  events on stdout (see README, \"Headless protocol\").
  --profile DIR   Use DIR for config and data (also PLAUSCH_PROFILE).
                  Separate profiles run as separate, isolated instances.
  --restore FILE  Recreate the profile from a backup (headless `backup`),
                  then exit: 0 when done, 2 with the reason if not. An
                  existing profile is replaced only with --replace.
  -h, --help      Show this help.
  -V, --version   Show the version.
";

struct Args {
    headless: bool,
    profile: Option<PathBuf>,
    restore: Option<PathBuf>,
    replace: bool,
}

fn parse_args() -> Result<Option<Args>, String> {
    let mut args = Args {
        headless: false,
        profile: None,
        restore: None,
        replace: false,
    };
    let mut it = std::env::args_os().skip(1);
    while let Some(arg) = it.next() {
        match arg.to_str() {
            Some("--headless") => args.headless = true,
            Some("--profile") => {
                let dir = it.next().ok_or("--profile needs a directory")?;
                args.profile = Some(PathBuf::from(dir));
            }
            Some(s) if s.starts_with("--profile=") => {
                args.profile = Some(PathBuf::from(&s["--profile=".len()..]));
            }
            Some("--restore") => {
                let file = it.next().ok_or("--restore needs a backup file")?;
                args.restore = Some(PathBuf::from(file));
            }
            Some("--replace") => args.replace = true,
            Some("-h") | Some("--help") => {
                print!("{USAGE}");
                return Ok(None);
            }
            Some("-V") | Some("--version") => {
                println!("plausch {}", env!("CARGO_PKG_VERSION"));
                return Ok(None);
            }
            _ => {
                return Err(format!(
                    "unknown argument {}\n\n{USAGE}",
                    arg.to_string_lossy()
                ));
            }
        }
    }
    Ok(Some(args))
}

fn init_logging() {
    // The libraries' own `log` records (why tokio-xmpp reconnects, TLS alerts) belong in
    // the log too, but never above debug: at trace tokio-xmpp writes out every byte it
    // sends, the SASL exchange with the password included.
    let _ = tracing_log::LogTracer::builder()
        .with_max_level(tracing_log::log::LevelFilter::Debug)
        .init();
    // Logs go to stderr; stdout belongs to the headless protocol.
    let filter = tracing_subscriber::EnvFilter::try_from_env("PLAUSCH_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .finish();
    // Not `.init()`: that would install a `log` forwarder without the cap above.
    let _ = tracing::subscriber::set_global_default(subscriber);
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(Some(a)) => a,
        Ok(None) => return ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("plausch: {e}");
            return ExitCode::from(2);
        }
    };
    init_logging();
    if let Some(archive) = args.restore {
        // Where the profile goes, without creating it (a restore must find
        // an existing one as it is).
        let env = std::env::var_os(plausch::profile::PROFILE_ENV)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from);
        return match Profile::choose_root(args.profile, env) {
            Ok(root) => restore(&archive, &Profile::at(root), args.replace),
            Err(e) => {
                eprintln!("plausch: {e}");
                ExitCode::from(2)
            }
        };
    }
    let profile = match Profile::resolve(args.profile) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("plausch: {e}");
            return ExitCode::from(2);
        }
    };
    if args.headless {
        let runtime = match tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
        {
            Ok(r) => r,
            Err(e) => {
                eprintln!("plausch: cannot start the runtime: {e}");
                return ExitCode::FAILURE;
            }
        };
        return match runtime.block_on(plausch::headless::run(profile)) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("plausch: {e}");
                ExitCode::from(2)
            }
        };
    }
    let (config, startup_error) = match Config::load(&profile.config_path()) {
        Ok(c) => (c, None),
        Err(e) => (Config::default(), Some(e.to_string())),
    };
    plausch::i18n::init(config.settings.language.as_deref());
    match plausch::ui::run(profile, config, startup_error) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("plausch: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `--restore FILE`: the profile from a backup; what is left to do is said.
fn restore(archive: &std::path::Path, profile: &Profile, replace: bool) -> ExitCode {
    match plausch::backup::restore(archive, profile.root(), replace) {
        Ok(done) => {
            println!(
                "plausch: restored {} into {} ({} message stores)",
                archive.display(),
                profile.root().display(),
                done.messages_stores
            );
            for a in done.accounts.iter().filter(|a| a.needs_password) {
                println!(
                    "plausch: account {} ({}) needs its password again (passwords are never in a backup)",
                    a.id, a.jid
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("plausch: nothing restored: {e}");
            ExitCode::from(2)
        }
    }
}
