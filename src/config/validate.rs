//! Validation of the individual values of an account entry.

/// Maximum length of an account id.
pub const MAX_ID_LEN: usize = 32;

/// A value the config refuses. The config file reports it in English
/// (`Display`); the GUI's forms show [`ValidationError::fluent_id`]'s
/// message, so a dialog never accepts what the config then refuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValidationError {
    #[error("account id is empty")]
    IdEmpty,
    #[error("account id `{0}` is longer than {MAX_ID_LEN} characters")]
    IdTooLong(String),
    #[error("account id `{0}` must start with a lower-case letter or a digit")]
    IdStart(String),
    #[error("account id `{0}` may only contain a-z, 0-9, `_` and `-`")]
    IdChars(String),
    #[error("jid `{0}` must not contain whitespace")]
    JidWhitespace(String),
    #[error("jid `{0}` must be a bare JID without `/resource` (set `resource` instead)")]
    JidResource(String),
    #[error("jid `{0}` has an empty local part")]
    JidNoLocal(String),
    #[error("jid `{0}` has an empty domain")]
    JidNoDomain(String),
    #[error("jid `{0}` must have the form user@domain (exactly one `@`)")]
    JidForm(String),
    #[error("pinned_cert: unexpected character `{0}` (expected a SHA-256 fingerprint in hex)")]
    FingerprintChar(char),
    #[error("pinned_cert: a SHA-256 fingerprint has 64 hex digits, this one has {0}")]
    FingerprintLength(usize),
    #[error("port {0} is out of range (1-65535)")]
    Port(i64),
    #[error("port `{0}` is not a number")]
    PortText(String),
    #[error("invalid JID {jid}: {reason}")]
    JidInvalid { jid: String, reason: String },
    #[error("tls: unknown mode `{0}` (expected `starttls` or `direct`)")]
    TlsMode(String),
    #[error("{0} must not be empty")]
    Empty(&'static str),
    #[error("host `{0}` must not contain whitespace")]
    HostWhitespace(String),
    #[error("auto_download_max_bytes {0} must not be negative")]
    NegativeSize(i64),
    #[error("keep_days {0} must be a number of days from 0 (for ever) up")]
    KeepDays(i64),
    #[error("priority {0} is out of range (-128 to 127)")]
    Priority(i64),
}

impl ValidationError {
    /// The Fluent message the GUI shows for it (`i18n/*/plausch.ftl`).
    pub fn fluent_id(&self) -> &'static str {
        use ValidationError as V;
        match self {
            V::IdEmpty => "error-id-empty",
            V::IdTooLong(_) => "error-id-too-long",
            V::IdStart(_) => "error-id-start",
            V::IdChars(_) => "error-invalid-id",
            V::JidWhitespace(_)
            | V::JidResource(_)
            | V::JidNoLocal(_)
            | V::JidNoDomain(_)
            | V::JidForm(_)
            | V::JidInvalid { .. } => "error-invalid-jid",
            V::FingerprintChar(_) | V::FingerprintLength(_) => "error-invalid-fingerprint",
            V::Port(_) | V::PortText(_) => "error-invalid-port",
            V::TlsMode(_) => "error-invalid-tls",
            V::Empty(_) => "error-empty-value",
            V::HostWhitespace(_) => "error-invalid-host",
            V::NegativeSize(_) => "error-invalid-size",
            V::KeepDays(_) => "error-invalid-keep-days",
            V::Priority(_) => "error-invalid-priority",
        }
    }
}

/// Check an account id: `[a-z0-9][a-z0-9_-]{0,31}`.
///
/// Valid ids are safe as a directory name on every platform.
pub fn validate_account_id(id: &str) -> Result<(), ValidationError> {
    let mut chars = id.chars();
    let Some(first) = chars.next() else {
        return Err(ValidationError::IdEmpty);
    };
    if id.len() > MAX_ID_LEN {
        return Err(ValidationError::IdTooLong(id.to_owned()));
    }
    if !(first.is_ascii_lowercase() || first.is_ascii_digit()) {
        return Err(ValidationError::IdStart(id.to_owned()));
    }
    if !chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-') {
        return Err(ValidationError::IdChars(id.to_owned()));
    }
    Ok(())
}

/// Check a bare JID: exactly one `@`, non-empty local part and domain,
/// no `/` (resource) and no whitespace.
pub fn validate_jid(jid: &str) -> Result<(), ValidationError> {
    if jid.chars().any(char::is_whitespace) {
        return Err(ValidationError::JidWhitespace(jid.to_owned()));
    }
    if jid.contains('/') {
        return Err(ValidationError::JidResource(jid.to_owned()));
    }
    let mut parts = jid.split('@');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(local), Some(domain), None) => {
            if local.is_empty() {
                Err(ValidationError::JidNoLocal(jid.to_owned()))
            } else if domain.is_empty() {
                Err(ValidationError::JidNoDomain(jid.to_owned()))
            } else {
                Ok(())
            }
        }
        _ => Err(ValidationError::JidForm(jid.to_owned())),
    }
}

/// Normalise a SHA-256 certificate fingerprint to upper-case hex pairs joined
/// by `:` (`AB:CD:…`, 95 characters). Accepts input with or without colons,
/// in any case.
pub fn normalize_fingerprint(pin: &str) -> Result<String, ValidationError> {
    let hex: String = pin.trim().chars().filter(|&c| c != ':').collect();
    if let Some(bad) = hex.chars().find(|c| !c.is_ascii_hexdigit()) {
        return Err(ValidationError::FingerprintChar(bad));
    }
    if hex.len() != 64 {
        return Err(ValidationError::FingerprintLength(hex.len()));
    }
    let upper = hex.to_ascii_uppercase();
    let pairs: Vec<&str> = (0..32).map(|i| &upper[2 * i..2 * i + 2]).collect();
    Ok(pairs.join(":"))
}

/// Check a port number from the config file.
pub fn validate_port(port: i64) -> Result<u16, ValidationError> {
    match u16::try_from(port) {
        Ok(p) if p != 0 => Ok(p),
        _ => Err(ValidationError::Port(port)),
    }
}

/// A port typed into a form, checked as the config checks it.
pub fn parse_port(typed: &str) -> Result<u16, ValidationError> {
    let typed = typed.trim();
    let n = typed
        .parse::<i64>()
        .map_err(|_| ValidationError::PortText(typed.to_owned()))?;
    validate_port(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_ids() {
        let cases: &[(&str, bool)] = &[
            ("work", true),
            ("w", true),
            ("0", true),
            ("my-acc_2", true),
            ("a234567890123456789012345678901", true), // 31
            ("a2345678901234567890123456789012", true), // 32
            ("a23456789012345678901234567890123", false), // 33
            ("", false),
            ("Work", false),
            ("-work", false),
            ("_work", false),
            ("wo rk", false),
            ("../etc", false),
            ("a/b", false),
            ("a.b", false),
            ("ärger", false),
        ];
        for (id, ok) in cases {
            assert_eq!(validate_account_id(id).is_ok(), *ok, "{id:?}");
        }
    }

    #[test]
    fn jids() {
        let cases: &[(&str, bool)] = &[
            ("alice@example.org", true),
            ("a@b", true),
            ("alice@example.org/laptop", false),
            ("example.org", false),
            ("@example.org", false),
            ("alice@", false),
            ("a@b@c", false),
            ("al ice@example.org", false),
            ("alice@example.org\n", false),
            ("", false),
        ];
        for (jid, ok) in cases {
            assert_eq!(validate_jid(jid).is_ok(), *ok, "{jid:?}");
        }
    }

    #[test]
    fn fingerprints() {
        let canonical = "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:\
                         AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89";
        let plain = canonical.replace(':', "");
        let cases: Vec<(String, Option<&str>)> = vec![
            (canonical.to_string(), Some(canonical)),
            (canonical.to_lowercase(), Some(canonical)),
            (plain.clone(), Some(canonical)),
            (plain.to_lowercase(), Some(canonical)),
            (format!("  {plain}  "), Some(canonical)),
            (plain[..62].to_string(), None),
            (format!("{plain}00"), None),
            (format!("{}ZZ", &plain[..62]), None),
            (String::new(), None),
        ];
        for (input, want) in cases {
            let got = normalize_fingerprint(&input);
            match want {
                Some(w) => assert_eq!(got.as_deref(), Ok(w), "{input:?}"),
                None => assert!(got.is_err(), "{input:?} should be rejected"),
            }
        }
    }

    #[test]
    fn ports() {
        assert_eq!(validate_port(5222), Ok(5222));
        assert_eq!(validate_port(65535), Ok(65535));
        assert!(validate_port(0).is_err());
        assert!(validate_port(-1).is_err());
        assert!(validate_port(65536).is_err());
    }
}
