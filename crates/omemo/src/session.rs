//! A session with one device of a contact: X3DH to start it, the Double Ratchet to carry keys.

use rand_core::{CryptoRng, RngCore};
use zeroize::Zeroizing;

use crate::identity::{IdentityKeyPair, RemoteIdentity};
use crate::keys::{Bundle, PreKeyLookup};
use crate::persist::{Reader, Writer};
use crate::ratchet::{
    Chain, MAX_PREVIOUS_RATCHET_KEYS, MAX_SKIPPED_KEYS, Ratchet, SkippedKey, State,
};
use crate::version::Version;
use crate::wire::{self, KeyExchange};
use crate::{Error, Result, message, x3dh, xeddsa};

/// The key exchange a session was built from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct KeyExchangeInfo {
    pre_key_id: u32,
    signed_pre_key_id: u32,
    /// The initiator's ephemeral (base) public key.
    ephemeral: [u8; 32],
}

/// A Double Ratchet session with one remote device. Secret state is zeroized on drop; `Debug`
/// shows no secrets.
#[derive(Clone)]
pub struct Session {
    version: Version,
    /// We started it (sent the key exchange).
    initiator: bool,
    /// The other side has answered: no more key exchanges need to be sent.
    confirmed: bool,
    remote_identity: RemoteIdentity,
    /// X3DH associated data: initiator IK || responder IK (wire forms).
    associated_data: Vec<u8>,
    key_exchange: KeyExchangeInfo,
    ratchet: Ratchet,
}

/// An encrypted key for one device: the `<key>` element's content, and its `prekey` attribute
/// (`kex` in OMEMO 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncryptedKey {
    pub data: Vec<u8>,
    pub prekey: bool,
}

/// The result of accepting a pre-key message.
pub struct Accepted {
    pub session: Session,
    /// The decrypted key material (payload key, see [`crate::payload`]).
    pub key_material: Zeroizing<Vec<u8>>,
    /// The one-time pre-key that was used: remove it from the bundle and publish a new one (after
    /// catching up on offline messages, which may use it too).
    pub pre_key_id: u32,
    pub signed_pre_key_id: u32,
}

impl std::fmt::Debug for Accepted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Accepted")
            .field("session", &self.session)
            .field("pre_key_id", &self.pre_key_id)
            .field("signed_pre_key_id", &self.signed_pre_key_id)
            .finish_non_exhaustive()
    }
}

impl Session {
    /// Starts a session with the device whose bundle this is: checks the signed pre-key
    /// signature, picks one of its one-time pre-keys at random and runs X3DH. The first messages
    /// [`Session::encrypt`] makes are pre-key messages, until the other side answers.
    pub fn initiate<R: RngCore + CryptoRng>(
        identity: &IdentityKeyPair,
        bundle: &Bundle,
        rng: &mut R,
    ) -> Result<Self> {
        let version = bundle.version;
        let checked = bundle.check(rng)?;
        let mut ephemeral = Zeroizing::new([0u8; 32]);
        rng.fill_bytes(ephemeral.as_mut());
        *ephemeral = xeddsa::clamp(*ephemeral);
        let agreement = x3dh::initiate(
            version,
            identity,
            &checked.identity,
            &checked.signed_pre_key,
            &checked.pre_key,
            &ephemeral,
        )?;
        let ratchet = Ratchet::initiator(
            version,
            &agreement.shared_secret,
            &checked.signed_pre_key,
            rng,
        )?;
        Ok(Session {
            version,
            initiator: true,
            confirmed: false,
            remote_identity: checked.identity,
            associated_data: agreement.associated_data,
            key_exchange: KeyExchangeInfo {
                pre_key_id: checked.pre_key_id,
                signed_pre_key_id: checked.signed_pre_key_id,
                ephemeral: xeddsa::curve25519_public(&ephemeral),
            },
            ratchet,
        })
    }

    /// Builds a session from a received pre-key message (`prekey="true"` / `kex="true"`) and
    /// decrypts the key material in it. Nothing is returned (and no pre-key is to be used up)
    /// unless the message authenticates.
    pub fn accept<R: RngCore + CryptoRng>(
        version: Version,
        identity: &IdentityKeyPair,
        pre_keys: &impl PreKeyLookup,
        data: &[u8],
        now: u64,
        rng: &mut R,
    ) -> Result<Accepted> {
        let kx = wire::decode_key_exchange(version, data)?;
        let remote_identity = RemoteIdentity::parse(version, kx.identity_key)?;
        let signed = pre_keys
            .signed_pre_key(kx.signed_pre_key_id)
            .ok_or(Error::UnknownSignedPreKey(kx.signed_pre_key_id))?;
        let one_time = pre_keys
            .pre_key(kx.pre_key_id)
            .ok_or(Error::UnknownPreKey(kx.pre_key_id))?;
        let message = wire::decode_ratchet_message(version, kx.message)?;
        let agreement = x3dh::respond(
            version,
            identity,
            &remote_identity,
            &kx.ephemeral_key,
            signed.private(),
            one_time.private(),
        )?;
        let ratchet = Ratchet::responder(
            version,
            &agreement.shared_secret,
            signed.private(),
            &message.header.dh,
            rng,
        )?;
        let mut session = Session {
            version,
            initiator: false,
            confirmed: true,
            remote_identity,
            associated_data: agreement.associated_data,
            key_exchange: KeyExchangeInfo {
                pre_key_id: kx.pre_key_id,
                signed_pre_key_id: kx.signed_pre_key_id,
                ephemeral: kx.ephemeral_key,
            },
            ratchet,
        };
        let key_material = session.decrypt_ratchet_message(&message, now, rng)?;
        Ok(Accepted {
            session,
            key_material,
            pre_key_id: kx.pre_key_id,
            signed_pre_key_id: kx.signed_pre_key_id,
        })
    }

    /// The associated data for a message in the given direction.
    fn ad(&self, sending: bool) -> Vec<u8> {
        match self.version {
            Version::V2 => self.associated_data.clone(),
            // 0.3: sender IK || receiver IK (libsignal).
            Version::V03 => {
                if sending == self.initiator {
                    self.associated_data.clone()
                } else {
                    let (a, b) = self.associated_data.split_at(self.version.identity_len());
                    [b, a].concat()
                }
            }
        }
    }

    /// Encrypts key material (a payload key, or anything for key transport) for this device.
    pub fn encrypt(&mut self, key_material: &[u8]) -> Result<EncryptedKey> {
        let (key, header) = self.ratchet.encrypt_key()?;
        let ad = self.ad(true);
        let data = message::seal(self.version, &key, &header, &ad, key_material);
        if self.confirmed {
            return Ok(EncryptedKey {
                data,
                prekey: false,
            });
        }
        let own_identity = self.associated_data[..self.version.identity_len()].to_vec();
        let kx = KeyExchange {
            pre_key_id: self.key_exchange.pre_key_id,
            signed_pre_key_id: self.key_exchange.signed_pre_key_id,
            identity_key: &own_identity,
            ephemeral_key: self.key_exchange.ephemeral,
            message: &data,
        };
        Ok(EncryptedKey {
            data: wire::encode_key_exchange(self.version, &kx),
            prekey: true,
        })
    }

    /// Decrypts a key sent to us in this session. `prekey` is the element's attribute: a pre-key
    /// message that repeats the key exchange of this session is decrypted here; one that starts a
    /// new session gives [`Error::NotThisSession`] (use [`Session::accept`]). On any error the
    /// session is unchanged.
    pub fn decrypt<R: RngCore + CryptoRng>(
        &mut self,
        data: &[u8],
        prekey: bool,
        now: u64,
        rng: &mut R,
    ) -> Result<Zeroizing<Vec<u8>>> {
        let inner = if prekey {
            let kx = wire::decode_key_exchange(self.version, data)?;
            let same = !self.initiator
                && kx.ephemeral_key == self.key_exchange.ephemeral
                && kx.pre_key_id == self.key_exchange.pre_key_id
                && kx.signed_pre_key_id == self.key_exchange.signed_pre_key_id
                && kx.identity_key == self.remote_identity.as_bytes();
            if !same {
                return Err(Error::NotThisSession);
            }
            kx.message
        } else {
            data
        };
        let message = wire::decode_ratchet_message(self.version, inner)?;
        self.decrypt_ratchet_message(&message, now, rng)
    }

    fn decrypt_ratchet_message<R: RngCore + CryptoRng>(
        &mut self,
        message: &wire::RatchetMessage<'_>,
        now: u64,
        rng: &mut R,
    ) -> Result<Zeroizing<Vec<u8>>> {
        let (key, pending) = self.ratchet.decrypt_key(&message.header, rng)?;
        let plaintext = message::open(self.version, &key, message, &self.ad(false))?;
        self.ratchet.commit(pending, now);
        self.confirmed = true;
        Ok(plaintext)
    }

    pub fn version(&self) -> Version {
        self.version
    }

    /// The other device's identity key (compare it with the trusted one before using the session).
    pub fn remote_identity(&self) -> &RemoteIdentity {
        &self.remote_identity
    }

    /// Whether we started the session.
    pub fn is_initiator(&self) -> bool {
        self.initiator
    }

    /// Whether the other side has answered (until then, [`Session::encrypt`] makes pre-key
    /// messages).
    pub fn is_confirmed(&self) -> bool {
        self.confirmed
    }

    /// Number of stored skipped message keys (at most [`MAX_SKIPPED_KEYS`]).
    pub fn skipped_keys(&self) -> usize {
        self.ratchet.skipped.len()
    }

    /// Drops skipped message keys stored before `older_than` (Unix seconds, the same clock as the
    /// `now` given to decrypt); returns how many were dropped.
    pub fn prune_skipped(&mut self, older_than: u64) -> usize {
        self.ratchet.prune_skipped(older_than)
    }

    /// Storage form (contains secrets: keep it where the identity key is kept). Format version 1,
    /// all integers big-endian:
    ///
    /// ```text
    /// "OMS" 0x01 | version (3 = 0.3, 2 = OMEMO 2) | initiator (0/1) | confirmed (0/1)
    /// | remote identity (len u8 + bytes) | associated data (len u8 + bytes)
    /// | pre-key id u32 | signed pre-key id u32 | ephemeral [32]
    /// | root [32] | own ratchet private [32] | remote ratchet [32]
    /// | previous remote ratchet keys (count u8 ≤ 16, each [32]) | send chain key [32] + n u32 | PN u32
    /// | receive chain (0 | 1 + key [32] + n u32)
    /// | skipped count u16, each: ratchet key [32] + n u32 + message key [32] + stored-at u64
    /// ```
    pub fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        let mut w = Writer::new();
        w.raw(b"OMS");
        w.u8(1);
        w.u8(self.version.tag());
        w.u8(u8::from(self.initiator));
        w.u8(u8::from(self.confirmed));
        w.short_bytes(self.remote_identity.as_bytes());
        w.short_bytes(&self.associated_data);
        w.u32(self.key_exchange.pre_key_id);
        w.u32(self.key_exchange.signed_pre_key_id);
        w.raw(&self.key_exchange.ephemeral);
        let s = &self.ratchet.state;
        w.raw(&s.root);
        w.raw(&s.own_private);
        w.raw(&s.remote);
        // At most MAX_PREVIOUS_RATCHET_KEYS (16).
        let previous = s.previous_remotes.len().min(MAX_PREVIOUS_RATCHET_KEYS);
        w.u8(previous as u8);
        for k in s.previous_remotes.iter().take(previous) {
            w.raw(k);
        }
        w.raw(&s.send.key);
        w.u32(s.send.n);
        w.u32(s.pn);
        match &s.recv {
            Some(c) => {
                w.u8(1);
                w.raw(&c.key);
                w.u32(c.n);
            }
            None => w.u8(0),
        }
        // The ratchet never keeps more than MAX_SKIPPED_KEYS (< u16::MAX).
        let skipped = self.ratchet.skipped.len().min(MAX_SKIPPED_KEYS);
        w.raw(&(skipped as u16).to_be_bytes());
        for k in self.ratchet.skipped.iter().take(skipped) {
            w.raw(&k.dh);
            w.u32(k.n);
            w.raw(&k.key);
            w.u64(k.stored_at);
        }
        w.0
    }

    /// Reads what [`Session::to_bytes`] wrote; anything else is [`Error::Malformed`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let mut r = Reader::new(bytes);
        if r.take(3)? != b"OMS" || r.u8()? != 1 {
            return Err(Error::Malformed("not a stored session (format 1)"));
        }
        let version =
            Version::from_tag(r.u8()?).ok_or(Error::Malformed("stored session: version"))?;
        let initiator = r.flag()?;
        let confirmed = r.flag()?;
        let remote_identity = RemoteIdentity::from_stored(version, r.short_bytes()?)?;
        let associated_data = r.short_bytes()?.to_vec();
        if associated_data.len() != 2 * version.identity_len() {
            return Err(Error::Malformed("stored session: associated data"));
        }
        let key_exchange = KeyExchangeInfo {
            pre_key_id: r.u32()?,
            signed_pre_key_id: r.u32()?,
            ephemeral: r.key()?,
        };
        let root = r.key()?;
        let own_private = r.key()?;
        let remote = r.key()?;
        let previous = usize::from(r.u8()?);
        if previous > MAX_PREVIOUS_RATCHET_KEYS {
            return Err(Error::Malformed(
                "stored session: too many previous ratchet keys",
            ));
        }
        let mut previous_remotes = Vec::with_capacity(previous);
        for _ in 0..previous {
            previous_remotes.push(r.key()?);
        }
        let send = Chain {
            key: r.key()?,
            n: r.u32()?,
        };
        let pn = r.u32()?;
        let recv = if r.flag()? {
            Some(Chain {
                key: r.key()?,
                n: r.u32()?,
            })
        } else {
            None
        };
        let count = {
            let b = r.take(2)?;
            usize::from(u16::from_be_bytes([b[0], b[1]]))
        };
        if count > MAX_SKIPPED_KEYS {
            return Err(Error::Malformed("stored session: too many skipped keys"));
        }
        let mut skipped = std::collections::VecDeque::with_capacity(count);
        for _ in 0..count {
            skipped.push_back(SkippedKey {
                dh: r.key()?,
                n: r.u32()?,
                key: r.key()?,
                stored_at: r.u64()?,
            });
        }
        r.finish()?;
        Ok(Session {
            version,
            initiator,
            confirmed,
            remote_identity,
            associated_data,
            key_exchange,
            ratchet: Ratchet {
                version,
                state: State {
                    root,
                    own_private,
                    remote,
                    previous_remotes,
                    send,
                    recv,
                    pn,
                },
                skipped,
            },
        })
    }
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("version", &self.version)
            .field("initiator", &self.initiator)
            .field("confirmed", &self.confirmed)
            .field("remote_identity", &self.remote_identity)
            .field("skipped_keys", &self.ratchet.skipped.len())
            .finish_non_exhaustive()
    }
}
