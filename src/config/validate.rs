//! Validation of the individual values of an account entry.

/// Maximum length of an account id.
pub const MAX_ID_LEN: usize = 32;

/// Check an account id: `[a-z0-9][a-z0-9_-]{0,31}`.
///
/// Valid ids are safe as a directory name on every platform.
pub fn validate_account_id(id: &str) -> Result<(), String> {
    let mut chars = id.chars();
    let Some(first) = chars.next() else {
        return Err("account id is empty".into());
    };
    if id.len() > MAX_ID_LEN {
        return Err(format!(
            "account id `{id}` is longer than {MAX_ID_LEN} characters"
        ));
    }
    if !(first.is_ascii_lowercase() || first.is_ascii_digit()) {
        return Err(format!(
            "account id `{id}` must start with a lower-case letter or a digit"
        ));
    }
    if !chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-') {
        return Err(format!(
            "account id `{id}` may only contain a-z, 0-9, `_` and `-`"
        ));
    }
    Ok(())
}

/// Check a bare JID: exactly one `@`, non-empty local part and domain,
/// no `/` (resource) and no whitespace.
pub fn validate_jid(jid: &str) -> Result<(), String> {
    if jid.chars().any(char::is_whitespace) {
        return Err(format!("jid `{jid}` must not contain whitespace"));
    }
    if jid.contains('/') {
        return Err(format!(
            "jid `{jid}` must be a bare JID without `/resource` (set `resource` instead)"
        ));
    }
    let mut parts = jid.split('@');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(local), Some(domain), None) => {
            if local.is_empty() {
                Err(format!("jid `{jid}` has an empty local part"))
            } else if domain.is_empty() {
                Err(format!("jid `{jid}` has an empty domain"))
            } else {
                Ok(())
            }
        }
        _ => Err(format!(
            "jid `{jid}` must have the form user@domain (exactly one `@`)"
        )),
    }
}

/// Normalise a SHA-256 certificate fingerprint to upper-case hex pairs joined
/// by `:` (`AB:CD:…`, 95 characters). Accepts input with or without colons,
/// in any case.
pub fn normalize_fingerprint(pin: &str) -> Result<String, String> {
    let hex: String = pin.trim().chars().filter(|&c| c != ':').collect();
    if let Some(bad) = hex.chars().find(|c| !c.is_ascii_hexdigit()) {
        return Err(format!(
            "pinned_cert: unexpected character `{bad}` (expected a SHA-256 fingerprint in hex)"
        ));
    }
    if hex.len() != 64 {
        return Err(format!(
            "pinned_cert: a SHA-256 fingerprint has 64 hex digits, this one has {}",
            hex.len()
        ));
    }
    let upper = hex.to_ascii_uppercase();
    let pairs: Vec<&str> = (0..32).map(|i| &upper[2 * i..2 * i + 2]).collect();
    Ok(pairs.join(":"))
}

/// Check a port number from the config file.
pub fn validate_port(port: i64) -> Result<u16, String> {
    match u16::try_from(port) {
        Ok(p) if p != 0 => Ok(p),
        _ => Err(format!("port {port} is out of range (1-65535)")),
    }
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
