//! One iced subscription per enabled account: starts the account actor and
//! forwards its events.

use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::time::Duration;

use futures::SinkExt;
use iced::Subscription;
use tokio::sync::mpsc;

use crate::accounts::{self, AccountSender};
use crate::api::{AccountId, Event};
use crate::config::AccountConfig;

/// What an account subscription produces.
#[derive(Debug, Clone)]
pub enum ActorOutput {
    /// The actor started; commands go to this sender.
    Ready(AccountId, AccountSender),
    /// An event of the account `AccountId`.
    Event(AccountId, Box<Event>),
    /// Events of the account `AccountId` that came in a burst, in order:
    /// applied together, so the window is rebuilt and drawn once for them.
    Batch(AccountId, Vec<Event>),
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
        let commands = accounts::start(config, data_dir, events_tx);
        if output
            .send(ActorOutput::Ready(id.clone(), commands))
            .await
            .is_err()
        {
            return;
        }
        let mut batches = Batches::default();
        while let Some(batch) = batches.next(&mut events).await {
            let out = match <[Event; 1]>::try_from(batch) {
                Ok([event]) => ActorOutput::Event(id.clone(), Box::new(event)),
                Err(batch) => ActorOutput::Batch(id.clone(), batch),
            };
            if output.send(out).await.is_err() {
                return;
            }
        }
        let _ = output.send(ActorOutput::Stopped(id)).await;
        // Keep the subscription alive without busy looping; iced drops it
        // when the account goes away.
        futures::future::pending::<()>().await;
    })
}

/// How often the GUI takes a burst's events. Every message handed to iced
/// rebuilds the view and redraws the window, which costs far more than
/// applying an event: during a flood of 2,000 messages (one every few
/// milliseconds) that rebuilding was half the client's CPU time. A lone
/// event is passed on at once; one that follows within this time waits
/// for the rest of its burst (at most this long: a flood is shown ten
/// times a second, which nobody reads faster).
const BATCH_EVERY: Duration = Duration::from_millis(100);

/// The most events in one batch (a long burst still shows progress).
const BATCH_MAX: usize = 1024;

/// Groups the actor's events into batches, at most one per [`BATCH_EVERY`].
#[derive(Default)]
struct Batches {
    last: Option<tokio::time::Instant>,
}

impl Batches {
    /// The next batch (never empty); None when the actor is gone.
    async fn next(&mut self, events: &mut mpsc::UnboundedReceiver<Event>) -> Option<Vec<Event>> {
        let first = events.recv().await?;
        if let Some(last) = self.last {
            tokio::time::sleep_until(last + BATCH_EVERY).await;
        }
        let mut batch = vec![first];
        while batch.len() < BATCH_MAX {
            match events.try_recv() {
                Ok(event) => batch.push(event),
                Err(_) => break,
            }
        }
        self.last = Some(tokio::time::Instant::now());
        Some(batch)
    }
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

    fn error(n: u32) -> Event {
        Event::error(None, n.to_string())
    }

    fn numbers(batch: &[Event]) -> Vec<String> {
        batch
            .iter()
            .map(|e| match e {
                Event::Error { message, .. } => message.clone(),
                other => panic!("unexpected {other:?}"),
            })
            .collect()
    }

    #[tokio::test]
    async fn a_burst_comes_as_one_batch_and_a_lone_event_at_once() {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let mut batches = Batches::default();
        tx.send(error(1)).unwrap();
        let start = tokio::time::Instant::now();
        assert_eq!(numbers(&batches.next(&mut rx).await.unwrap()), ["1"]);
        assert!(start.elapsed() < BATCH_EVERY, "the first event waited");
        // What follows right away waits out the interval and comes whole.
        tx.send(error(2)).unwrap();
        tx.send(error(3)).unwrap();
        let batch = batches.next(&mut rx).await.unwrap();
        assert!(start.elapsed() >= BATCH_EVERY, "a burst was not held back");
        assert_eq!(numbers(&batch), ["2", "3"]);
        // After a quiet spell an event passes at once again.
        tokio::time::sleep(BATCH_EVERY * 2).await;
        tx.send(error(4)).unwrap();
        let sent = tokio::time::Instant::now();
        assert_eq!(numbers(&batches.next(&mut rx).await.unwrap()), ["4"]);
        assert!(sent.elapsed() < BATCH_EVERY, "a lone event waited");
        drop(tx);
        assert!(batches.next(&mut rx).await.is_none());
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
