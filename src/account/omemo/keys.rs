//! Our own OMEMO keys in the account store: made once, rotated, replaced,
//! and turned into the bundles we publish. No I/O but the store; `now` and
//! the random source come from the caller (tests pass their own).

use chrono::{DateTime, Duration, Utc};
use omemo::{IdentityKeyPair, PreKey, SignedPreKey};
use rand_core::{CryptoRng, RngCore};
use zeroize::Zeroizing;

use crate::store::omemo::{OwnDevice, StoredSignedPreKey};
use crate::store::{Store, StoreError};
use crate::xmpp::omemo::{self as wire, DeviceId, Version};

/// One-time pre-keys a bundle offers.
pub(crate) const PRE_KEYS: u32 = 100;
/// A signed pre-key older than this is replaced (checked each new session).
pub(crate) const SIGNED_PRE_KEY_AGE: Duration = Duration::days(7);
/// A replaced signed pre-key is kept this long for pre-key messages that
/// were written before the change and arrive late.
pub(crate) const SIGNED_PRE_KEY_GRACE: Duration = Duration::days(30);

#[derive(Debug, thiserror::Error)]
pub(crate) enum KeyError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the stored OMEMO keys cannot be read: {0}")]
    Corrupt(#[from] omemo::Error),
    #[error("no OMEMO device made yet")]
    NoDevice,
    #[error("no current OMEMO signed pre-key for {0:?}")]
    NoSignedPreKey(Version),
}

/// The crypto core's name for a variant.
pub(crate) fn crypto(version: Version) -> omemo::Version {
    match version {
        Version::Legacy => omemo::Version::V03,
        Version::V2 => omemo::Version::V2,
    }
}

fn unix_seconds(t: DateTime<Utc>) -> u64 {
    u64::try_from(t.timestamp()).unwrap_or(0)
}

/// A random device id from 1 to 2³¹−1 that is not in `taken`.
pub(crate) fn new_device_id<R: RngCore>(taken: &[DeviceId], rng: &mut R) -> DeviceId {
    loop {
        if let Some(id) = DeviceId::new(rng.next_u32() & DeviceId::MAX)
            && !taken.contains(&id)
        {
            return id;
        }
    }
}

/// Makes our device if the store has none: identity, a signed pre-key per
/// variant and [`PRE_KEYS`] one-time pre-keys, with a device id not in
/// `taken` (the ids on our device lists). Returns whether it made one.
pub(crate) fn ensure_own<R: RngCore + CryptoRng>(
    store: &mut Store,
    taken: &[DeviceId],
    now: DateTime<Utc>,
    rng: &mut R,
) -> Result<bool, KeyError> {
    if store.omemo_own()?.is_some() {
        return Ok(false);
    }
    let identity = IdentityKeyPair::generate(rng);
    let signed: Vec<StoredSignedPreKey> = Version::ALL
        .into_iter()
        .map(|v| signed_pre_key(&identity, v, 1, now, rng))
        .collect();
    let pre_keys: Vec<_> = PreKey::generate_batch(1, PRE_KEYS as usize, rng)
        .iter()
        .map(|k| (k.id(), k.to_bytes()))
        .collect();
    let own = OwnDevice {
        device_id: new_device_id(taken, rng),
        identity: identity.to_bytes(),
        created: now,
    };
    store.create_omemo_own(&own, &signed, &pre_keys)?;
    Ok(true)
}

fn signed_pre_key<R: RngCore + CryptoRng>(
    identity: &IdentityKeyPair,
    version: Version,
    id: u32,
    now: DateTime<Utc>,
    rng: &mut R,
) -> StoredSignedPreKey {
    let key = SignedPreKey::generate(identity, crypto(version), id, unix_seconds(now), rng);
    StoredSignedPreKey {
        version,
        id,
        key: key.to_bytes(),
        created: now,
        retired: None,
    }
}

/// Our device id and identity.
pub(crate) fn own(store: &Store) -> Result<(DeviceId, IdentityKeyPair), KeyError> {
    let own = store.omemo_own()?.ok_or(KeyError::NoDevice)?;
    Ok((own.device_id, IdentityKeyPair::from_bytes(&own.identity)?))
}

/// Our identity key pair as last derived from the store: deriving its
/// public keys takes two scalar multiplications, too much for every
/// message received or sent. It is checked against the stored bytes on
/// every use, so a new identity is never missed.
#[derive(Default)]
pub(crate) struct OwnCache(Option<(Zeroizing<Vec<u8>>, DeviceId, IdentityKeyPair)>);

impl std::fmt::Debug for OwnCache {
    // Never the key.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("OwnCache")
            .field(&self.0.as_ref().map(|(_, id, _)| id))
            .finish()
    }
}

/// [`own`], through `cache`.
pub(crate) fn own_cached(
    store: &Store,
    cache: &mut OwnCache,
) -> Result<(DeviceId, IdentityKeyPair), KeyError> {
    let own = store.omemo_own()?.ok_or(KeyError::NoDevice)?;
    if let Some((bytes, id, pair)) = &cache.0
        && *id == own.device_id
        && bytes.as_slice() == own.identity.as_slice()
    {
        return Ok((*id, pair.clone()));
    }
    let pair = IdentityKeyPair::from_bytes(&own.identity)?;
    cache.0 = Some((own.identity, own.device_id, pair.clone()));
    Ok((own.device_id, pair))
}

/// Replaces each variant's signed pre-key that is older than
/// [`SIGNED_PRE_KEY_AGE`] at `now`, and deletes those retired longer than
/// [`SIGNED_PRE_KEY_GRACE`] ago. Returns the variants whose key changed
/// (their bundles must be published again).
pub(crate) fn rotate<R: RngCore + CryptoRng>(
    store: &mut Store,
    now: DateTime<Utc>,
    rng: &mut R,
) -> Result<Vec<Version>, KeyError> {
    let (_, identity) = own(store)?;
    let mut rotated = Vec::new();
    for version in Version::ALL {
        let keys = store.omemo_signed_pre_keys(version)?;
        let current = keys.iter().find(|k| k.retired.is_none());
        if current.is_some_and(|k| now - k.created < SIGNED_PRE_KEY_AGE) {
            continue;
        }
        // Ids grow; the newest key is always kept, so none is reused.
        let id = keys
            .iter()
            .map(|k| k.id)
            .max()
            .unwrap_or(0)
            .wrapping_add(1)
            .max(1);
        store.rotate_signed_pre_key(&signed_pre_key(&identity, version, id, now, rng))?;
        rotated.push(version);
    }
    let gone = store.delete_retired_signed_pre_keys(now - SIGNED_PRE_KEY_GRACE)?;
    if gone > 0 {
        tracing::debug!(gone, "old OMEMO signed pre-keys deleted");
    }
    Ok(rotated)
}

/// A session was built on our one-time pre-key `used`: it is deleted and a
/// new one takes its place. Returns the new key's id, or None if `used`
/// was not (any more) ours.
pub(crate) fn replace_pre_key<R: RngCore + CryptoRng>(
    store: &mut Store,
    used: u32,
    rng: &mut R,
) -> Result<Option<u32>, KeyError> {
    let id = store.next_pre_key_id()?;
    let key = PreKey::generate(id, rng);
    let bytes: Zeroizing<Vec<u8>> = key.to_bytes();
    Ok(store.replace_pre_key(used, (id, &bytes))?.then_some(id))
}

/// Our bundle for `version` as it goes on the wire.
pub(crate) fn bundle(store: &Store, version: Version) -> Result<wire::Bundle, KeyError> {
    let (_, identity) = own(store)?;
    let signed = store
        .omemo_signed_pre_keys(version)?
        .into_iter()
        .find(|k| k.retired.is_none())
        .ok_or(KeyError::NoSignedPreKey(version))?;
    let signed = SignedPreKey::from_bytes(&signed.key)?;
    let pre_keys = store
        .omemo_pre_keys()?
        .iter()
        .map(|(_, bytes)| PreKey::from_bytes(bytes))
        .collect::<Result<Vec<_>, _>>()?;
    let own = omemo::Bundle::own(crypto(version), &identity, &signed, &pre_keys);
    to_wire(version, &own)
}

/// The crypto core's bundle (keys in their wire form, 0.3 with its type
/// byte) as the XML layer's (raw 32-byte keys).
fn to_wire(version: Version, b: &omemo::Bundle) -> Result<wire::Bundle, KeyError> {
    let bad = omemo::Error::Malformed("own bundle key");
    let raw = |key: &[u8]| -> Result<[u8; 32], KeyError> {
        let key = match version {
            Version::Legacy => key.strip_prefix(&[0x05]).unwrap_or(key),
            Version::V2 => key,
        };
        Ok(<[u8; 32]>::try_from(key).map_err(|_| bad.clone())?)
    };
    Ok(wire::Bundle {
        identity: raw(&b.identity_key)?,
        signed_pre_key_id: b.signed_pre_key_id,
        signed_pre_key: raw(&b.signed_pre_key)?,
        signature: <[u8; 64]>::try_from(b.signed_pre_key_signature.as_slice())
            .map_err(|_| bad.clone())?,
        pre_keys: b
            .pre_keys
            .iter()
            .map(|(id, key)| {
                Ok(wire::PreKey {
                    id: *id,
                    key: raw(key)?,
                })
            })
            .collect::<Result<_, KeyError>>()?,
    })
}

/// A contact's bundle as the XML layer read it, in the crypto core's form
/// (0.3 keys with their type byte).
pub(crate) fn from_wire(version: Version, b: &wire::Bundle) -> omemo::Bundle {
    let key = |raw: &[u8; 32]| match version {
        Version::Legacy => [&[0x05][..], raw].concat(),
        Version::V2 => raw.to_vec(),
    };
    omemo::Bundle {
        version: crypto(version),
        identity_key: key(&b.identity),
        signed_pre_key_id: b.signed_pre_key_id,
        signed_pre_key: key(&b.signed_pre_key),
        signed_pre_key_signature: b.signature.to_vec(),
        pre_keys: b.pre_keys.iter().map(|k| (k.id, key(&k.key))).collect(),
    }
}

/// The fingerprint of our identity as shown for `version`.
pub(crate) fn own_fingerprint(identity: &IdentityKeyPair, version: Version) -> String {
    identity.fingerprint(crypto(version))
}

/// The fingerprint of a stored identity key (wire form), if it reads.
pub(crate) fn fingerprint(version: Version, identity: &[u8]) -> Option<String> {
    omemo::RemoteIdentity::parse(crypto(version), identity)
        .ok()
        .map(|i| i.fingerprint())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_core::OsRng;

    fn t0() -> DateTime<Utc> {
        DateTime::from_timestamp(1_790_000_000, 0).unwrap()
    }

    #[test]
    fn our_device_is_made_once_with_a_free_id() {
        let mut store = Store::open_in_memory().unwrap();
        // A generator that first offers taken and invalid ids.
        struct Seq(Vec<u32>);
        impl RngCore for Seq {
            fn next_u32(&mut self) -> u32 {
                self.0.pop().unwrap_or(77)
            }
            fn next_u64(&mut self) -> u64 {
                OsRng.next_u64()
            }
            fn fill_bytes(&mut self, dest: &mut [u8]) {
                OsRng.fill_bytes(dest)
            }
            fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
                OsRng.try_fill_bytes(dest)
            }
        }
        impl CryptoRng for Seq {}
        let taken = [DeviceId::new(5).unwrap()];
        // Popped from the end: 0 (invalid), 0x8000_0005 (= 5 once masked, taken), 9.
        let mut rng = Seq(vec![9, 0x8000_0005, 0]);
        assert_eq!(new_device_id(&taken, &mut rng).get(), 9);

        assert!(ensure_own(&mut store, &taken, t0(), &mut OsRng).unwrap());
        let (id, identity) = own(&store).unwrap();
        assert_ne!(id, taken[0]);
        assert!(!ensure_own(&mut store, &[], t0(), &mut OsRng).unwrap());
        let (again, same) = own(&store).unwrap();
        assert_eq!(again, id);
        assert_eq!(
            same.fingerprint(omemo::Version::V2),
            identity.fingerprint(omemo::Version::V2)
        );
        assert_eq!(store.omemo_pre_keys().unwrap().len(), PRE_KEYS as usize);
    }

    #[test]
    fn the_cached_identity_is_the_stored_one() {
        let mut cache = OwnCache::default();
        let empty = Store::open_in_memory().unwrap();
        assert!(matches!(
            own_cached(&empty, &mut cache),
            Err(KeyError::NoDevice)
        ));
        // Two stores, two identities: the cache follows the stored bytes.
        for _ in 0..2 {
            let mut store = Store::open_in_memory().unwrap();
            ensure_own(&mut store, &[], t0(), &mut OsRng).unwrap();
            let (id, identity) = own(&store).unwrap();
            for _ in 0..2 {
                let (cached_id, cached) = own_cached(&store, &mut cache).unwrap();
                assert_eq!(cached_id, id);
                assert_eq!(
                    cached.fingerprint(omemo::Version::V2),
                    identity.fingerprint(omemo::Version::V2)
                );
            }
        }
        assert!(!format!("{cache:?}").contains("identity"));
    }

    #[test]
    fn bundles_carry_our_keys_in_both_variants() {
        let mut store = Store::open_in_memory().unwrap();
        ensure_own(&mut store, &[], t0(), &mut OsRng).unwrap();
        let (_, identity) = own(&store).unwrap();
        let legacy = bundle(&store, Version::Legacy).unwrap();
        let v2 = bundle(&store, Version::V2).unwrap();
        assert_eq!(legacy.identity, identity.curve25519_public());
        assert_eq!(v2.identity, identity.ed25519_public());
        assert_eq!(legacy.pre_keys.len(), 100);
        assert_eq!(legacy.pre_keys, v2.pre_keys, "one set of one-time pre-keys");
        assert_ne!(legacy.signature, v2.signature);
        // Both round-trip through their XML and verify in the crypto core.
        for (version, b) in [(Version::Legacy, legacy), (Version::V2, v2)] {
            let parsed = wire::Bundle::parse(version, &b.to_element(version)).unwrap();
            assert_eq!(parsed, b);
            let mut spk = b.signed_pre_key.to_vec();
            let mut ik = b.identity.to_vec();
            if version == Version::Legacy {
                spk.insert(0, 0x05);
                ik.insert(0, 0x05);
            }
            let remote = omemo::Bundle {
                version: crypto(version),
                identity_key: ik,
                signed_pre_key_id: b.signed_pre_key_id,
                signed_pre_key: spk,
                signed_pre_key_signature: b.signature.to_vec(),
                pre_keys: b
                    .pre_keys
                    .iter()
                    .map(|k| {
                        let mut key = k.key.to_vec();
                        if version == Version::Legacy {
                            key.insert(0, 0x05);
                        }
                        (k.id, key)
                    })
                    .collect(),
            };
            let other = IdentityKeyPair::generate(&mut OsRng);
            assert!(
                omemo::Session::initiate(&other, &remote, &mut OsRng).is_ok(),
                "{version:?}: the signature checks out"
            );
        }
    }

    #[test]
    fn a_used_pre_key_is_replaced() {
        let mut store = Store::open_in_memory().unwrap();
        ensure_own(&mut store, &[], t0(), &mut OsRng).unwrap();
        let new = replace_pre_key(&mut store, 42, &mut OsRng).unwrap();
        assert_eq!(new, Some(PRE_KEYS + 1));
        let b = bundle(&store, Version::V2).unwrap();
        assert_eq!(b.pre_keys.len(), 100);
        assert!(b.pre_keys.iter().all(|k| k.id != 42));
        assert!(b.pre_keys.iter().any(|k| k.id == PRE_KEYS + 1));
        assert_eq!(replace_pre_key(&mut store, 42, &mut OsRng).unwrap(), None);
    }

    #[test]
    fn signed_pre_keys_rotate_by_age() {
        let mut store = Store::open_in_memory().unwrap();
        ensure_own(&mut store, &[], t0(), &mut OsRng).unwrap();
        let first = bundle(&store, Version::Legacy).unwrap().signed_pre_key_id;
        let day = Duration::days(1);
        assert!(
            rotate(&mut store, t0() + day * 6, &mut OsRng)
                .unwrap()
                .is_empty()
        );
        let rotated = rotate(&mut store, t0() + day * 8, &mut OsRng).unwrap();
        assert_eq!(rotated, Version::ALL);
        let b = bundle(&store, Version::Legacy).unwrap();
        assert_eq!(b.signed_pre_key_id, first + 1);
        // The old one stays for late pre-key messages …
        assert_eq!(
            store.omemo_signed_pre_keys(Version::Legacy).unwrap().len(),
            2
        );
        assert!(
            rotate(&mut store, t0() + day * 14, &mut OsRng)
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            store.omemo_signed_pre_keys(Version::Legacy).unwrap().len(),
            2
        );
        // … for 30 days after it was replaced (and the current one then
        // is 31 days old: replaced again).
        assert_eq!(
            rotate(&mut store, t0() + day * 39, &mut OsRng).unwrap(),
            Version::ALL
        );
        let left: Vec<u32> = store
            .omemo_signed_pre_keys(Version::Legacy)
            .unwrap()
            .iter()
            .map(|k| k.id)
            .collect();
        assert_eq!(left, [first + 2, first + 1]);
    }
}
