//! One iced subscription per enabled account: starts the account actor and
//! forwards its events.

use std::hash::{Hash, Hasher};
use std::path::PathBuf;

use futures::SinkExt;
use iced::Subscription;
use tokio::sync::mpsc;

use crate::account::{self, AccountCommand};
use crate::api::{AccountId, Event};
use crate::config::AccountConfig;

/// What an account subscription produces.
#[derive(Debug, Clone)]
pub enum ActorOutput {
    /// The actor started; commands go to this sender.
    Ready(AccountId, mpsc::UnboundedSender<AccountCommand>),
    /// An event of the account `AccountId`.
    Event(AccountId, Box<Event>),
    /// The actor ended (its event channel closed).
    Stopped(AccountId),
}

/// The identity of an account subscription. Only the account id and the
/// generation are hashed: editing the label does not restart the
/// connection; a connection change bumps the generation, which does.
#[derive(Debug, Clone)]
pub struct ActorKey {
    pub config: AccountConfig,
    pub data_dir: PathBuf,
    pub generation: u64,
}

impl Hash for ActorKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.config.id.hash(state);
        self.generation.hash(state);
    }
}

/// The subscription running the actor of `config`.
pub fn subscription(
    config: AccountConfig,
    data_dir: PathBuf,
    generation: u64,
) -> Subscription<ActorOutput> {
    Subscription::run_with(
        ActorKey {
            config,
            data_dir,
            generation,
        },
        run,
    )
}

fn run(key: &ActorKey) -> impl futures::Stream<Item = ActorOutput> + use<> {
    let config = key.config.clone();
    let data_dir = key.data_dir.clone();
    iced::stream::channel(64, async move |mut output| {
        let id = config.id.clone();
        let (events_tx, mut events) = mpsc::unbounded_channel();
        // Called from inside the stream, so on iced's tokio executor.
        let commands = account::spawn(config, data_dir, events_tx);
        if output
            .send(ActorOutput::Ready(id.clone(), commands))
            .await
            .is_err()
        {
            return;
        }
        while let Some(event) = events.recv().await {
            if output
                .send(ActorOutput::Event(id.clone(), Box::new(event)))
                .await
                .is_err()
            {
                return;
            }
        }
        let _ = output.send(ActorOutput::Stopped(id)).await;
        // Keep the subscription alive without busy looping; iced drops it
        // when the account goes away.
        futures::future::pending::<()>().await;
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::PasswordSource;

    fn config(id: &str, jid: &str) -> AccountConfig {
        AccountConfig::new(id, jid, PasswordSource::Command("echo x".into()))
    }

    fn hash(k: &ActorKey) -> u64 {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        k.hash(&mut h);
        h.finish()
    }

    #[test]
    fn key_hashes_the_account_id_and_generation() {
        let a = ActorKey {
            config: config("work", "a@x.org"),
            data_dir: "/a".into(),
            generation: 0,
        };
        let b = ActorKey {
            config: config("work", "b@y.org"),
            data_dir: "/b".into(),
            generation: 0,
        };
        let c = ActorKey {
            config: config("home", "a@x.org"),
            data_dir: "/a".into(),
            generation: 0,
        };
        assert_eq!(hash(&a), hash(&b));
        assert_ne!(hash(&a), hash(&c));
        let restarted = ActorKey {
            generation: 1,
            ..a.clone()
        };
        assert_ne!(hash(&a), hash(&restarted));
    }
}
