//! The user's trust decisions: `trust_device` (verified, untrusted,
//! blind) and `verify_uri` (a pasted `xmpp:` URI with OMEMO fingerprints).
//! The rules themselves are in `store::trust`; both work on the store
//! alone, so also offline.

use tokio_xmpp::jid::{BareJid, Jid};

use super::super::Actor;
use super::keys;
use crate::api::{Event, OmemoVersion, Problem, TrustChoice};
use crate::store::omemo::StoredDevice;
use crate::store::trust;
use crate::xmpp::omemo::{DeviceId, Version};
use crate::xmpp::uri::{KeyForm, UriFingerprint, XmppUri};

/// How a fingerprint from a URI compares with what we know of its device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Comparison {
    Match,
    Mismatch,
    /// We know no such device, or not its key yet.
    Unknown,
}

/// Compares `fp` with the stored identity key (wire form) of a device of
/// `version`. Each form is compared where it says the most: an Ed25519
/// fingerprint exactly against an OMEMO 2 key; otherwise in the Curve25519
/// form (the only form a 0.3 key has; the one python-omemo shows for both).
pub(crate) fn compare(
    fp: &UriFingerprint,
    version: Version,
    identity: Option<&[u8]>,
) -> Comparison {
    let Some(identity) = identity else {
        return Comparison::Unknown;
    };
    let Ok(stored) = omemo::RemoteIdentity::parse(keys::crypto(version), identity) else {
        return Comparison::Unknown;
    };
    let same = match (fp.form, version) {
        (KeyForm::Ed25519, Version::V2) => stored.as_bytes() == fp.key.as_slice(),
        (KeyForm::Ed25519, Version::Legacy) => {
            omemo::xeddsa::ed25519_to_curve(&fp.key) == Some(stored.curve25519())
        }
        (KeyForm::Curve25519, _) => stored.curve25519() == fp.key,
    };
    if same {
        Comparison::Match
    } else {
        Comparison::Mismatch
    }
}

impl Actor {
    /// `trust_device`: the user's choice for `device` of `jid` (every
    /// variant it is known in, or only `version`).
    pub(in crate::account) fn trust_device(
        &mut self,
        jid: &str,
        device: u32,
        choice: TrustChoice,
        version: Option<OmemoVersion>,
    ) {
        let Some(jid) = self.bare_of(jid) else { return };
        let Some(id) = DeviceId::new(device) else {
            return self.error(
                Problem::Omemo,
                format!("{device} is not an OMEMO device id"),
                None,
            );
        };
        if jid == self.jid && self.own_device_id() == Some(id) {
            return self.error(
                Problem::Omemo,
                "this device is our own; its trust cannot be changed",
                None,
            );
        }
        let devices: Vec<StoredDevice> = match self.store.omemo_devices(jid.as_str()) {
            Ok(all) => all
                .into_iter()
                .filter(|d| d.device_id == id)
                .filter(|d| version.is_none_or(|v| super::api_version(d.version) == v))
                .collect(),
            Err(e) => return self.error(Problem::StoreFailed, e.to_string(), None),
        };
        if devices.is_empty() {
            return self.error(
                Problem::Omemo,
                format!("no OMEMO device {device} of {jid} is known"),
                None,
            );
        }
        let mut changes = Vec::new();
        for d in &devices {
            match trust::by_user(choice, d.identity.is_some()) {
                Ok(t) => changes.push((d.version, t)),
                Err(trust::Refusal::NoKey) => {}
            }
        }
        if changes.is_empty() {
            return self.error(
                Problem::Omemo,
                format!(
                    "device {device} of {jid} cannot be verified: its identity key is not known yet"
                ),
                None,
            );
        }
        for (v, t) in changes {
            if let Err(e) = self.store.set_device_trust(jid.as_str(), v, id, t) {
                return self.error(Problem::StoreFailed, e.to_string(), None);
            }
        }
        tracing::info!(account = %self.id, %jid, %id, ?choice, "OMEMO trust set by the user");
        self.emit_devices(&jid);
    }

    /// `verify_uri`: marks each device whose fingerprint the URI carries
    /// (same JID, id and key) as verified; a fingerprint that does not
    /// match is reported and changes nothing.
    pub(in crate::account) fn verify_uri(&mut self, uri: &str) {
        let parsed = match XmppUri::parse(uri) {
            Ok(u) => u,
            Err(e) => return self.error(Problem::InvalidAddress, e.to_string(), None),
        };
        let jid = parsed.jid.to_bare();
        let fingerprints = parsed.fingerprints();
        if fingerprints.is_empty() {
            return self.error(
                Problem::Omemo,
                "the xmpp: address carries no OMEMO fingerprint",
                None,
            );
        }
        let stored = match self.store.omemo_devices(jid.as_str()) {
            Ok(s) => s,
            Err(e) => return self.error(Problem::StoreFailed, e.to_string(), None),
        };
        let own = (jid == self.jid)
            .then(|| keys::own(&self.store).ok())
            .flatten();
        let (mut matched, mut mismatched, mut unknown) = (Vec::new(), Vec::new(), Vec::new());
        for fp in &fingerprints {
            let id = fp.device.get();
            // This device: compared, never stored.
            if let Some((_, identity)) = own.as_ref().filter(|(o, _)| *o == fp.device) {
                let ours = match fp.form {
                    KeyForm::Curve25519 => identity.curve25519_public(),
                    KeyForm::Ed25519 => identity.ed25519_public(),
                };
                if ours == fp.key {
                    matched.push(id);
                } else {
                    mismatched.push(id);
                }
                continue;
            }
            let mut outcome = Comparison::Unknown;
            for d in stored.iter().filter(|d| d.device_id == fp.device) {
                match compare(fp, d.version, d.identity.as_deref()) {
                    Comparison::Match => {
                        if let Err(e) = self.store.set_device_trust(
                            jid.as_str(),
                            d.version,
                            d.device_id,
                            crate::api::Trust::Verified,
                        ) {
                            return self.error(Problem::StoreFailed, e.to_string(), None);
                        }
                        outcome = Comparison::Match;
                    }
                    Comparison::Mismatch if outcome != Comparison::Match => {
                        outcome = Comparison::Mismatch;
                    }
                    _ => {}
                }
            }
            match outcome {
                Comparison::Match => matched.push(id),
                Comparison::Mismatch => {
                    tracing::warn!(account = %self.id, %jid, device = id, "a pasted OMEMO fingerprint does not match the device's key");
                    mismatched.push(id);
                }
                Comparison::Unknown => unknown.push(id),
            }
        }
        self.emit(Event::Verification {
            account: self.id.clone(),
            jid: jid.to_string(),
            matched,
            mismatched,
            unknown,
        });
        self.emit_devices(&jid);
    }

    /// The bare JID of `jid`, or an `invalid_address` error.
    fn bare_of(&self, jid: &str) -> Option<BareJid> {
        match jid.parse::<Jid>() {
            Ok(j) => Some(j.to_bare()),
            Err(e) => {
                self.error(
                    Problem::InvalidAddress,
                    format!("invalid address {jid}: {e}"),
                    None,
                );
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_core::OsRng;

    fn fp(form: KeyForm, key: [u8; 32]) -> UriFingerprint {
        UriFingerprint {
            form,
            device: DeviceId::new(7).unwrap_or_else(|| panic!("id")),
            key,
        }
    }

    #[test]
    fn fingerprints_compare_in_the_right_form() {
        let id = omemo::IdentityKeyPair::generate(&mut OsRng);
        let other = omemo::IdentityKeyPair::generate(&mut OsRng);
        let legacy = id.public(omemo::Version::V03);
        let v2 = id.public(omemo::Version::V2);
        let curve = id.curve25519_public();
        let ed = id.ed25519_public();
        use Comparison::*;
        // omemo-sid- (Curve25519, no type byte) against both variants.
        assert_eq!(
            compare(
                &fp(KeyForm::Curve25519, curve),
                Version::Legacy,
                Some(&legacy)
            ),
            Match
        );
        assert_eq!(
            compare(&fp(KeyForm::Curve25519, curve), Version::V2, Some(&v2)),
            Match
        );
        // omemo2-sid- (Ed25519) exactly against OMEMO 2, converted against 0.3.
        assert_eq!(
            compare(&fp(KeyForm::Ed25519, ed), Version::V2, Some(&v2)),
            Match
        );
        assert_eq!(
            compare(&fp(KeyForm::Ed25519, ed), Version::Legacy, Some(&legacy)),
            Match
        );
        // The Curve25519 key given as if it were Ed25519 is not the key.
        assert_eq!(
            compare(&fp(KeyForm::Ed25519, curve), Version::V2, Some(&v2)),
            Mismatch
        );
        // Someone else's key; no key known yet.
        let theirs = other.curve25519_public();
        assert_eq!(
            compare(
                &fp(KeyForm::Curve25519, theirs),
                Version::Legacy,
                Some(&legacy)
            ),
            Mismatch
        );
        assert_eq!(
            compare(&fp(KeyForm::Curve25519, curve), Version::Legacy, None),
            Unknown
        );
    }
}
