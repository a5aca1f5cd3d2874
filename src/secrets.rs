//! Account passwords: OS keyring or a per-account `password_command`.
//!
//! Keyring entries use service `plausch` and the account id as user name.
//! There is no plaintext fallback: without a keyring the user sets
//! `password_command` (e.g. `pass show xmpp/work`) for the account.
//! No error produced here ever contains a password or a command's output.
use std::time::Duration;

use crate::config::{AccountConfig, PasswordSource};

/// Keyring service name.
pub const KEYRING_SERVICE: &str = "plausch";
/// How long a `password_command` may run.
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(30);
/// How long to wait for the OS keyring (it may show an unlock prompt).
pub const KEYRING_TIMEOUT: Duration = Duration::from_secs(120);
/// Maximum characters of a command's stderr quoted in an error.
const STDERR_MAX: usize = 200;

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("no password stored for account {0}")]
    NotFound(String),
    #[error("password command failed: {0}")]
    Command(String),
    /// The OS keyring (Secret Service, Keychain, Credential Manager) cannot
    /// be used; the message suggests `password_command`.
    #[error("{0}")]
    NoKeyring(String),
    /// Any other keyring failure.
    #[error("keyring: {0}")]
    Keyring(String),
}

/// A password. `Debug` never shows it; there is no `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    pub fn new(s: String) -> Self {
        Password(s)
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// The account's password from its configured source.
pub async fn load_password(account: &AccountConfig) -> Result<Password, SecretError> {
    match &account.password {
        PasswordSource::Command(cmd) => {
            run_password_command(&account.id, cmd, COMMAND_TIMEOUT).await
        }
        PasswordSource::Keyring => keyring_op(&account.id, |e| e.get_password())
            .await
            .map(Password),
    }
}

/// Store the account's password in the OS keyring.
pub async fn store_password(account_id: &str, password: &Password) -> Result<(), SecretError> {
    let secret = password.0.clone();
    keyring_op(account_id, move |e| e.set_password(&secret)).await
}

/// Delete the account's keyring entry; a missing entry is fine.
pub async fn delete_password(account_id: &str) -> Result<(), SecretError> {
    match keyring_op(account_id, |e| e.delete_credential()).await {
        Err(SecretError::NotFound(_)) => Ok(()),
        r => r,
    }
}

/// Run the command through the platform shell; its stdout is the password.
async fn run_password_command(
    account_id: &str,
    cmd: &str,
    timeout: Duration,
) -> Result<Password, SecretError> {
    use std::process::Stdio;

    #[cfg(windows)]
    let mut command = {
        let mut c = tokio::process::Command::new("cmd");
        c.arg("/C").arg(cmd);
        c
    };
    #[cfg(not(windows))]
    let mut command = {
        let mut c = tokio::process::Command::new("sh");
        c.arg("-c").arg(cmd);
        c
    };
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);

    let err = |m: String| SecretError::Command(format!("account {account_id}: {m}"));
    let child = command
        .spawn()
        .map_err(|e| err(format!("cannot start the shell: {e}")))?;
    // On timeout the future is dropped, which kills the child (kill_on_drop).
    let output = tokio::time::timeout(timeout, child.wait_with_output())
        .await
        .map_err(|_| {
            err(format!(
                "no result after {} seconds; the command was stopped",
                timeout.as_secs()
            ))
        })?
        .map_err(|e| err(format!("cannot read its output: {e}")))?;

    if !output.status.success() {
        // Never quote stdout: it may be (part of) the password.
        let stderr = String::from_utf8_lossy(&output.stderr);
        let stderr = stderr.trim();
        let mut msg = output.status.to_string();
        if !stderr.is_empty() {
            let mut quoted: String = stderr.chars().take(STDERR_MAX).collect();
            if stderr.chars().count() > STDERR_MAX {
                quoted.push('…');
            }
            msg.push_str(": ");
            msg.push_str(&quoted);
        }
        return Err(err(msg));
    }
    let mut out = String::from_utf8(output.stdout)
        .map_err(|_| err("its output is not valid UTF-8".into()))?;
    if out.ends_with("\r\n") {
        out.truncate(out.len() - 2);
    } else if out.ends_with('\n') {
        out.truncate(out.len() - 1);
    }
    if out.is_empty() {
        return Err(err("it printed no password".into()));
    }
    Ok(Password(out))
}

/// Run a blocking keyring call for the account's entry off the async threads.
async fn keyring_op<T, F>(account_id: &str, op: F) -> Result<T, SecretError>
where
    T: Send + 'static,
    F: FnOnce(&keyring::Entry) -> keyring::Result<T> + Send + 'static,
{
    let user = account_id.to_owned();
    let task = tokio::task::spawn_blocking(move || {
        let entry = keyring::Entry::new(KEYRING_SERVICE, &user)?;
        op(&entry)
    });
    match tokio::time::timeout(KEYRING_TIMEOUT, task).await {
        Err(_) => Err(no_keyring(
            account_id,
            "it did not answer in time".to_string(),
        )),
        Ok(Err(join)) => Err(SecretError::Keyring(format!(
            "account {account_id}: keyring task failed: {join}"
        ))),
        Ok(Ok(r)) => r.map_err(|e| map_keyring_error(account_id, e)),
    }
}

fn no_keyring(account_id: &str, detail: String) -> SecretError {
    SecretError::NoKeyring(format!(
        "the OS keyring is unavailable ({detail}); set `password_command` for account \
         `{account_id}` in config.toml to read its password from a command instead"
    ))
}

/// Map a keyring error without ever formatting a credential (`BadEncoding`
/// carries the stored bytes, `Ambiguous` the credentials).
fn map_keyring_error(account_id: &str, e: keyring::Error) -> SecretError {
    use keyring::Error as K;
    match e {
        K::NoEntry => SecretError::NotFound(account_id.to_owned()),
        K::PlatformFailure(inner) | K::NoStorageAccess(inner) => {
            no_keyring(account_id, inner.to_string())
        }
        K::BadEncoding(_) => SecretError::Keyring(format!(
            "account {account_id}: the stored password is not valid UTF-8"
        )),
        K::TooLong(attr, limit) => SecretError::Keyring(format!(
            "account {account_id}: {attr} is longer than the keyring's limit of {limit}"
        )),
        K::Invalid(attr, reason) => {
            SecretError::Keyring(format!("account {account_id}: invalid {attr}: {reason}"))
        }
        K::Ambiguous(_) => SecretError::Keyring(format!(
            "account {account_id}: the keyring holds several passwords for this account"
        )),
        _ => SecretError::Keyring(format!("account {account_id}: unexpected keyring error")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(source: PasswordSource) -> AccountConfig {
        AccountConfig::new("test", "alice@example.org", source)
    }

    async fn run(cmd: &str) -> Result<Password, SecretError> {
        load_password(&account(PasswordSource::Command(cmd.into()))).await
    }

    #[test]
    fn password_debug_is_redacted() {
        let p = Password::new("hunter2".into());
        assert_eq!(format!("{p:?}"), "Password(<redacted>)");
        assert_eq!(p.expose(), "hunter2");
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn command_success() {
        let cases: &[(&str, &str)] = &[
            ("printf hunter2", "hunter2"),
            ("echo hunter2", "hunter2"),
            ("printf 'hunter2\\r\\n'", "hunter2"),
            ("printf 'hunter2\\n\\n'", "hunter2\n"),
            ("printf ' spaced pw '", " spaced pw "),
            ("echo noise >&2; echo pw", "pw"),
            ("read x; echo \"[$x]\"", "[]"), // stdin is empty
        ];
        for (cmd, want) in cases {
            let p = run(cmd).await.unwrap_or_else(|e| panic!("{cmd}: {e}"));
            assert_eq!(p.expose(), *want, "{cmd}");
        }
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn command_failures() {
        // (command, substrings the error must contain)
        let cases: &[(&str, &[&str])] = &[
            ("echo hunter2; exit 3", &["exit status: 3"]),
            (
                "echo hunter2; echo 'gpg: decryption failed' >&2; exit 2",
                &["exit status: 2", "gpg: decryption failed"],
            ),
            ("printf ''", &["no password"]),
            ("echo", &["no password"]),
            ("printf 'hunter2\\377'", &["UTF-8"]),
            ("kill -9 $$", &["signal"]),
            (
                "no-such-command-plausch",
                &["exit status: 127", "not found"],
            ),
        ];
        for (cmd, wants) in cases {
            let err = run(cmd).await.unwrap_err();
            assert!(matches!(err, SecretError::Command(_)), "{cmd}: {err:?}");
            let msg = err.to_string();
            for w in *wants {
                assert!(msg.contains(w), "{cmd}: {msg:?} should contain {w:?}");
            }
            assert!(msg.contains("test"), "{msg}");
            assert!(!msg.contains("hunter2"), "{cmd}: stdout leaked: {msg}");
            assert!(!format!("{err:?}").contains("hunter2"));
        }
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn command_stderr_is_truncated() {
        let err = run("printf 'x%.0s' $(seq 1 500) >&2; exit 1")
            .await
            .unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains(&"x".repeat(200)));
        assert!(!msg.contains(&"x".repeat(201)), "{msg}");
        assert!(msg.ends_with('…'));
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn command_timeout() {
        let started = std::time::Instant::now();
        let err = run_password_command("test", "sleep 100", Duration::from_secs(1))
            .await
            .unwrap_err();
        assert!(err.to_string().contains("seconds"), "{err}");
        assert!(started.elapsed() < Duration::from_secs(20));
    }

    #[tokio::test]
    async fn keyring_unavailable_or_empty() {
        // The sandbox has no Secret Service: expect NoKeyring (or NotFound
        // where a keyring exists), quickly, and never a password.
        let started = std::time::Instant::now();
        let id = "plausch-test-nonexistent";
        let a = AccountConfig {
            id: id.into(),
            ..account(PasswordSource::Keyring)
        };
        let err = load_password(&a).await.unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(10), "{err}");
        match &err {
            SecretError::NoKeyring(msg) => {
                assert!(msg.contains("password_command"), "{msg}");
                assert!(msg.contains("keyring is unavailable"), "{msg}");
                assert!(msg.contains(id), "{msg}");
            }
            SecretError::NotFound(a) => assert_eq!(a, id),
            other => panic!("unexpected {other:?}"),
        }
        match delete_password(id).await {
            Ok(()) | Err(SecretError::NoKeyring(_)) => {}
            Err(other) => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn keyring_errors_never_show_secrets() {
        let e = map_keyring_error("a", keyring::Error::BadEncoding(b"hunter2".to_vec()));
        assert!(!e.to_string().contains("hunter2"));
        assert!(!format!("{e:?}").contains("hunter2"));
        assert!(matches!(
            map_keyring_error("a", keyring::Error::NoEntry),
            SecretError::NotFound(id) if id == "a"
        ));
        let e = map_keyring_error("a", keyring::Error::PlatformFailure("no dbus".into()));
        assert!(matches!(&e, SecretError::NoKeyring(m) if m.contains("password_command")));
    }
}
