//! The Double Ratchet (Signal spec, as python-doubleratchet 1.3 configures it for OMEMO):
//!
//! - root chain: `HKDF-SHA-256(salt = root key, ikm = DH output, info = version's root info)` →
//!   64 bytes = new root key || new chain key;
//! - message chains: `message key = HMAC-SHA-256(chain key, 0x01)`,
//!   `next chain key = HMAC-SHA-256(chain key, 0x02)`;
//! - the X3DH shared secret (32 bytes) is the first root key; the initiator's first ratchet
//!   public key is the responder's signed pre-key.
//!
//! Decryption is split in two: [`Ratchet::decrypt_key`] computes the message key and the state the
//! ratchet *would* have afterwards, [`Ratchet::commit`] applies it once the caller has checked the
//! MAC and decrypted. A forged or broken message therefore never changes the session.
//!
//! Skipped message keys (for messages that arrive out of order) are bounded:
//! at most [`MAX_SKIP_PER_MESSAGE`] in one step (more is refused with `TooManySkipped`, like
//! python-doubleratchet's DoS threshold) and at most [`MAX_SKIPPED_KEYS`] per session (the oldest
//! are dropped first, as python-doubleratchet does). Each remembers when it was stored so the
//! caller can drop old ones with [`crate::Session::prune_skipped`].

use std::collections::VecDeque;

use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use rand_core::{CryptoRng, RngCore};
use sha2::Sha256;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::identity::dh;
use crate::version::Version;
use crate::wire::Header;
use crate::{Error, Result, xeddsa};

/// Most skipped message keys kept per session (python-omemo's default too).
pub const MAX_SKIPPED_KEYS: usize = 1000;
/// Most message keys one incoming message may make us skip (in its own chain). Keys of an old
/// chain beyond this are not derived when the sender's ratchet key changes: those messages are
/// lost, the session goes on (python-doubleratchet behaves the same).
pub const MAX_SKIP_PER_MESSAGE: u32 = 1000;

/// How many of the peer's earlier ratchet keys are remembered to recognise late duplicates
/// (libsignal keeps five old receiving chains).
pub const MAX_PREVIOUS_RATCHET_KEYS: usize = 16;

type HmacSha256 = Hmac<Sha256>;
type Secret32 = Zeroizing<[u8; 32]>;

#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub(crate) struct Chain {
    pub key: [u8; 32],
    /// Number of steps taken (= index of the next message key).
    pub n: u32,
}

impl Chain {
    /// One step: returns the message key for index `self.n` and advances.
    fn step(&mut self) -> Result<Zeroizing<[u8; 32]>> {
        let next_n = self.n.checked_add(1).ok_or(Error::CounterExhausted)?;
        let message_key = Zeroizing::new(hmac(&self.key, &[0x01]));
        let mut next = hmac(&self.key, &[0x02]);
        self.key.copy_from_slice(&next);
        next.zeroize();
        self.n = next_n;
        Ok(message_key)
    }
}

fn hmac(key: &[u8; 32], data: &[u8]) -> [u8; 32] {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = <HmacSha256 as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!());
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// The small part of the state that one decryption may change (cloned per decryption).
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub(crate) struct State {
    pub root: [u8; 32],
    pub own_private: [u8; 32],
    pub remote: [u8; 32],
    /// The remote ratchet keys before `remote`, newest last (at most [`MAX_PREVIOUS_RATCHET_KEYS`]):
    /// a message under one of them without a stored skipped key is a duplicate (or was dropped).
    /// Public keys, so not zeroized.
    #[zeroize(skip)]
    pub previous_remotes: Vec<[u8; 32]>,
    pub send: Chain,
    pub recv: Option<Chain>,
    /// Length of our previous sending chain (header field PN).
    pub pn: u32,
}

#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub(crate) struct SkippedKey {
    pub dh: [u8; 32],
    pub n: u32,
    pub key: [u8; 32],
    /// When it was stored (caller's clock, Unix seconds).
    pub stored_at: u64,
}

#[derive(Clone)]
pub(crate) struct Ratchet {
    pub version: Version,
    pub state: State,
    pub skipped: VecDeque<SkippedKey>,
}

/// What [`Ratchet::commit`] does after a successful decryption.
pub(crate) enum Pending {
    /// The message used a stored skipped key: forget it.
    Skipped(usize),
    /// The chains move on; these keys were skipped on the way.
    Advance {
        state: Box<State>,
        skipped: Vec<SkippedKey>,
    },
}

impl Ratchet {
    /// One root chain step: (new root key, new chain key).
    fn root_step(version: Version, root: &[u8; 32], dh_out: &[u8; 32]) -> (Secret32, Secret32) {
        let hk = Hkdf::<Sha256>::new(Some(root), dh_out);
        let mut okm = Zeroizing::new([0u8; 64]);
        // 64 bytes are far below HKDF-SHA-256's limit of 255 × 32.
        hk.expand(version.root_info(), okm.as_mut())
            .unwrap_or_else(|_| unreachable!());
        let mut new_root = Zeroizing::new([0u8; 32]);
        let mut chain = Zeroizing::new([0u8; 32]);
        new_root.copy_from_slice(&okm[..32]);
        chain.copy_from_slice(&okm[32..]);
        (new_root, chain)
    }

    fn new_private<R: RngCore + CryptoRng>(rng: &mut R) -> [u8; 32] {
        let mut private = [0u8; 32];
        rng.fill_bytes(&mut private);
        xeddsa::clamp(private)
    }

    /// The initiator (Alice) after X3DH: the first ratchet key of the other side is its signed
    /// pre-key.
    pub fn initiator<R: RngCore + CryptoRng>(
        version: Version,
        shared_secret: &[u8; 32],
        their_signed_pre_key: &[u8; 32],
        rng: &mut R,
    ) -> Result<Self> {
        let own_private = Self::new_private(rng);
        let dh_out = dh(&own_private, their_signed_pre_key)?;
        let (root, send_key) = Self::root_step(version, shared_secret, &dh_out);
        Ok(Ratchet {
            version,
            state: State {
                root: *root,
                own_private,
                remote: *their_signed_pre_key,
                previous_remotes: Vec::new(),
                send: Chain {
                    key: *send_key,
                    n: 0,
                },
                recv: None,
                pn: 0,
            },
            skipped: VecDeque::new(),
        })
    }

    /// The responder (Bob) on the first message: our ratchet key was the signed pre-key, the
    /// sender's is in the header.
    pub fn responder<R: RngCore + CryptoRng>(
        version: Version,
        shared_secret: &[u8; 32],
        signed_pre_key_private: &[u8; 32],
        their_ratchet_key: &[u8; 32],
        rng: &mut R,
    ) -> Result<Self> {
        let dh_recv = dh(signed_pre_key_private, their_ratchet_key)?;
        let (root, recv_key) = Self::root_step(version, shared_secret, &dh_recv);
        let own_private = Self::new_private(rng);
        let dh_send = dh(&own_private, their_ratchet_key)?;
        let (root, send_key) = Self::root_step(version, &root, &dh_send);
        Ok(Ratchet {
            version,
            state: State {
                root: *root,
                own_private,
                remote: *their_ratchet_key,
                previous_remotes: Vec::new(),
                send: Chain {
                    key: *send_key,
                    n: 0,
                },
                recv: Some(Chain {
                    key: *recv_key,
                    n: 0,
                }),
                pn: 0,
            },
            skipped: VecDeque::new(),
        })
    }

    pub fn own_public(&self) -> [u8; 32] {
        xeddsa::curve25519_public(&self.state.own_private)
    }

    /// The next sending message key and its header.
    pub fn encrypt_key(&mut self) -> Result<(Zeroizing<[u8; 32]>, Header)> {
        let header = Header {
            dh: self.own_public(),
            pn: self.state.pn,
            n: self.state.send.n,
        };
        let key = self.state.send.step()?;
        Ok((key, header))
    }

    /// The message key for `header`, and what to commit if the message then checks out.
    pub fn decrypt_key<R: RngCore + CryptoRng>(
        &self,
        header: &Header,
        rng: &mut R,
    ) -> Result<(Zeroizing<[u8; 32]>, Pending)> {
        if let Some(index) = self
            .skipped
            .iter()
            .position(|k| k.dh == header.dh && k.n == header.n)
        {
            let key = Zeroizing::new(self.skipped[index].key);
            return Ok((key, Pending::Skipped(index)));
        }
        let mut state = Box::new(self.state.clone());
        let mut skipped = Vec::new();
        if header.dh != state.remote {
            if state.previous_remotes.contains(&header.dh) {
                return Err(Error::Duplicate);
            }
            // Keys left in the old receiving chain, up to PN. libsignal (OMEMO 0.3 clients) sends
            // PN = (messages in the previous chain) - 1, python-omemo and we send the count: for
            // 0.3 derive one more, so that the last message of a libsignal chain can arrive late.
            let end = match self.version {
                Version::V03 => header.pn.saturating_add(1),
                Version::V2 => header.pn,
            };
            if let Some(recv) = state.recv.as_mut() {
                let missing = end.saturating_sub(recv.n);
                if missing <= MAX_SKIP_PER_MESSAGE {
                    while recv.n < end {
                        let n = recv.n;
                        let key = recv.step()?;
                        skipped.push(SkippedKey {
                            dh: state.remote,
                            n,
                            key: *key,
                            stored_at: 0,
                        });
                    }
                }
            }
            let dh_recv = dh(&state.own_private, &header.dh)?;
            let (root, recv_key) = Self::root_step(self.version, &state.root, &dh_recv);
            state.own_private = Self::new_private(rng);
            let dh_send = dh(&state.own_private, &header.dh)?;
            let (root, send_key) = Self::root_step(self.version, &root, &dh_send);
            if state.previous_remotes.len() >= MAX_PREVIOUS_RATCHET_KEYS {
                state.previous_remotes.remove(0);
            }
            state.previous_remotes.push(state.remote);
            state.remote = header.dh;
            state.root = *root;
            state.pn = state.send.n;
            state.send = Chain {
                key: *send_key,
                n: 0,
            };
            state.recv = Some(Chain {
                key: *recv_key,
                n: 0,
            });
        }
        let remote = state.remote;
        let recv = state
            .recv
            .as_mut()
            .ok_or(Error::Malformed("no receiving chain yet"))?;
        if header.n < recv.n {
            return Err(Error::Duplicate);
        }
        let missing = header.n - recv.n;
        if missing > MAX_SKIP_PER_MESSAGE {
            return Err(Error::TooManySkipped {
                skipped: missing,
                limit: MAX_SKIP_PER_MESSAGE,
            });
        }
        while recv.n < header.n {
            let n = recv.n;
            let key = recv.step()?;
            skipped.push(SkippedKey {
                dh: remote,
                n,
                key: *key,
                stored_at: 0,
            });
        }
        let key = recv.step()?;
        Ok((key, Pending::Advance { state, skipped }))
    }

    /// Applies a decryption that checked out.
    pub fn commit(&mut self, pending: Pending, now: u64) {
        match pending {
            Pending::Skipped(index) => {
                self.skipped.remove(index);
            }
            Pending::Advance { state, skipped } => {
                self.state = *state;
                for mut key in skipped {
                    key.stored_at = now;
                    self.skipped.push_back(key);
                }
                while self.skipped.len() > MAX_SKIPPED_KEYS {
                    self.skipped.pop_front();
                }
            }
        }
    }

    /// Drops skipped keys stored before `older_than`; returns how many.
    pub fn prune_skipped(&mut self, older_than: u64) -> usize {
        let before = self.skipped.len();
        self.skipped.retain(|k| k.stored_at >= older_than);
        before - self.skipped.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Counter(u8);
    impl RngCore for Counter {
        fn next_u32(&mut self) -> u32 {
            0
        }
        fn next_u64(&mut self) -> u64 {
            0
        }
        fn fill_bytes(&mut self, dest: &mut [u8]) {
            self.0 = self.0.wrapping_add(1);
            dest.fill(self.0);
        }
        fn try_fill_bytes(&mut self, dest: &mut [u8]) -> std::result::Result<(), rand_core::Error> {
            self.fill_bytes(dest);
            Ok(())
        }
    }
    impl CryptoRng for Counter {}

    fn pair(version: Version, rng: &mut Counter) -> (Ratchet, Ratchet, Zeroizing<[u8; 32]>) {
        let sk = [9u8; 32];
        let spk = xeddsa::clamp([4u8; 32]);
        let mut alice =
            Ratchet::initiator(version, &sk, &xeddsa::curve25519_public(&spk), rng).unwrap();
        let (k0, h0) = alice.encrypt_key().unwrap();
        let mut bob = Ratchet::responder(version, &sk, &spk, &h0.dh, rng).unwrap();
        let (got, pending) = bob.decrypt_key(&h0, rng).unwrap();
        assert_eq!(*got, *k0);
        bob.commit(pending, 0);
        (alice, bob, k0)
    }

    /// A libsignal sender's PN is the last index, not the count: the last message of the old
    /// chain must still decrypt after the new chain has started (0.3).
    #[test]
    fn libsignal_previous_counter() {
        let rng = &mut Counter(0);
        let (mut alice, mut bob, _) = pair(Version::V03, rng);
        let (k1, h1) = alice.encrypt_key().unwrap();
        let (k2, h2) = alice.encrypt_key().unwrap();
        let (got, pending) = bob.decrypt_key(&h1, rng).unwrap();
        assert_eq!(*got, *k1);
        bob.commit(pending, 0);
        // Bob answers; Alice turns her ratchet and sends on a new chain with libsignal's PN.
        let (kb, hb) = bob.encrypt_key().unwrap();
        let (got, pending) = alice.decrypt_key(&hb, rng).unwrap();
        assert_eq!(*got, *kb);
        alice.commit(pending, 0);
        let (k3, mut h3) = alice.encrypt_key().unwrap();
        assert_eq!(h3.pn, 3);
        h3.pn = 2; // max(3 - 1, 0), as libsignal's SessionCipher writes it
        let (got, pending) = bob.decrypt_key(&h3, rng).unwrap();
        assert_eq!(*got, *k3);
        bob.commit(pending, 0);
        let (got, pending) = bob.decrypt_key(&h2, rng).unwrap();
        assert_eq!(*got, *k2);
        bob.commit(pending, 0);
        assert!(matches!(bob.decrypt_key(&h2, rng), Err(Error::Duplicate)));
    }

    #[test]
    fn counter_exhaustion_is_an_error() {
        let rng = &mut Counter(0);
        let (mut alice, _, _) = pair(Version::V2, rng);
        alice.state.send.n = u32::MAX;
        assert!(matches!(alice.encrypt_key(), Err(Error::CounterExhausted)));
    }
}
