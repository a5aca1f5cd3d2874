//! The reconnect policy: tokio-xmpp's `StanzaStream` asks for a new connection
//! whenever it needs one; we answer with exponential backoff and jitter, and
//! stop retrying on failures only the user can fix (password, certificate).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{Notify, mpsc, oneshot};
use tokio_xmpp::jid::BareJid;
use tokio_xmpp::stanzastream::Connection;

use super::connect::{self, ConnectError, Endpoint};
use super::tls;
use crate::config::AccountConfig;
use crate::secrets::Password;

/// What the connector tells the actor.
#[derive(Debug)]
pub enum ConnReport {
    Connecting,
    Retry {
        error: String,
        delay: Duration,
    },
    /// Needs the user; no retry until the actor wakes the connector.
    Fatal(ConnectError),
}

const FIRST_DELAY: Duration = Duration::from_secs(1);
const MAX_DELAY: Duration = Duration::from_secs(60);
/// Bound on one attempt (DNS, TCP, TLS, SASL), so a black-holed server is retried.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);

type ConnectorFn = Box<dyn FnMut(Option<String>, oneshot::Sender<Connection>) + Send + 'static>;

pub struct Reconnector {
    endpoint: Endpoint,
    ca_file: Option<std::path::PathBuf>,
    pinned: Option<String>,
    password: Arc<Mutex<Password>>,
    reports: mpsc::UnboundedSender<ConnReport>,
    wake: Arc<Notify>,
    link: Arc<super::link::LinkControl>,
}

impl Reconnector {
    pub fn new(
        config: &AccountConfig,
        jid: BareJid,
        password: Arc<Mutex<Password>>,
        reports: mpsc::UnboundedSender<ConnReport>,
        link: Arc<super::link::LinkControl>,
    ) -> Self {
        Reconnector {
            endpoint: Endpoint {
                jid,
                resource: config.resource.clone(),
                host: config.host.clone(),
                port: config.port,
                tls: config.tls,
            },
            ca_file: config.ca_file.clone(),
            pinned: config.pinned_cert.clone(),
            password,
            reports,
            wake: Arc::new(Notify::new()),
            link,
        }
    }

    /// Notifying it skips a backoff wait or retries after a fatal failure.
    pub fn wake_handle(&self) -> Arc<Notify> {
        self.wake.clone()
    }

    pub fn into_connector(self) -> ConnectorFn {
        let this = Arc::new(self);
        Box::new(move |_location, slot| {
            tokio::spawn(this.clone().attempt_until_connected(slot));
        })
    }

    async fn attempt_until_connected(self: Arc<Self>, mut slot: oneshot::Sender<Connection>) {
        let mut delay = FIRST_DELAY;
        loop {
            let _ = self.reports.send(ConnReport::Connecting);
            let error = match self.attempt().await {
                Ok(conn) => {
                    // If this fails the stream was closed meanwhile: nothing to do.
                    let _ = slot.send(conn);
                    return;
                }
                Err(e) => e,
            };
            let wait = if error.is_fatal() {
                tracing::warn!(jid = %self.endpoint.jid, "not retrying: {error}");
                let _ = self.reports.send(ConnReport::Fatal(error));
                delay = FIRST_DELAY;
                None
            } else {
                let this_delay = jitter(delay);
                tracing::info!(jid = %self.endpoint.jid, "{error}; retrying in {this_delay:?}");
                let _ = self.reports.send(ConnReport::Retry {
                    error: error.to_string(),
                    delay: this_delay,
                });
                delay = (delay * 2).min(MAX_DELAY);
                Some(this_delay)
            };
            let sleep = async {
                match wait {
                    Some(d) => tokio::time::sleep(d).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                _ = sleep => {}
                _ = self.wake.notified() => delay = FIRST_DELAY,
                _ = slot.closed() => return,
            }
        }
    }

    async fn attempt(&self) -> Result<Connection, ConnectError> {
        let failure = tls::FailureSlot::default();
        let config = tls::client_config(
            self.ca_file.as_deref(),
            self.pinned.as_deref(),
            failure.clone(),
        )
        .map_err(|e| ConnectError::Setup(e.to_string()))?;
        let password = self
            .password
            .lock()
            .map(|p| p.clone())
            .map_err(|_| ConnectError::Setup("password unavailable".into()))?;
        tokio::time::timeout(
            ATTEMPT_TIMEOUT,
            connect::connect(
                &self.endpoint,
                password.expose(),
                config,
                &failure,
                &self.link,
            ),
        )
        .await
        .unwrap_or_else(|_| {
            Err(ConnectError::Transient(
                "connection attempt timed out".into(),
            ))
        })
    }
}

/// ±25 % so that many clients cut off together do not return together.
fn jitter(d: Duration) -> Duration {
    use std::hash::BuildHasher;
    let r = std::collections::hash_map::RandomState::new().hash_one(std::time::Instant::now());
    let factor = 0.75 + (r % 1000) as f64 / 2000.0;
    d.mul_f64(factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_stays_within_a_quarter() {
        for _ in 0..100 {
            let j = jitter(Duration::from_secs(8));
            assert!(
                j >= Duration::from_secs(6) && j <= Duration::from_secs(10),
                "{j:?}"
            );
        }
    }
}
