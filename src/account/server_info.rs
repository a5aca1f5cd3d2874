//! Server and connection info for testers: software (XEP-0092), disco
//! identities and features (XEP-0030), TLS session and certificate chain,
//! stream management, round-trip time (XEP-0199).

use std::time::Instant;

use crate::account::wire::Wire;
use tokio_xmpp::jid::{BareJid, Jid};
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::disco::{DiscoInfoQuery, DiscoInfoResult};
use tokio_xmpp::parsers::iq::Iq;
use tokio_xmpp::parsers::ping::Ping;
use tokio_xmpp::parsers::stanza_error::StanzaError;
use tokio_xmpp::parsers::version::{VersionQuery, VersionResult};

use super::Actor;
use super::inbound::PendingIq;
use super::requests::Responder;
use crate::api::{Event, Problem, ServerInfo, SoftwareVersion};

/// Answers collected so far for one `server_info` request.
#[derive(Debug, Default)]
pub(super) struct Draft {
    waiting: u8,
    info: ServerInfo,
}

impl Actor {
    fn server(&self) -> Jid {
        BareJid::from_parts(None, self.jid.domain()).into()
    }

    /// Whether `from` is our server (it answers these requests).
    pub(super) fn is_own_server(&self, from: Option<&Jid>) -> bool {
        from.is_none_or(|f| *f == self.server())
    }

    pub(super) async fn request_server_info(&mut self, stream: &Wire) {
        let server = self.server();
        let requests = [
            (
                PendingIq::ServerVersion,
                Iq::from_get(uuid::Uuid::new_v4().to_string(), VersionQuery),
            ),
            (
                PendingIq::ServerDisco,
                Iq::from_get(
                    uuid::Uuid::new_v4().to_string(),
                    DiscoInfoQuery { node: None },
                ),
            ),
            (
                PendingIq::ServerPing(Instant::now()),
                Iq::from_get(uuid::Uuid::new_v4().to_string(), Ping),
            ),
        ];
        self.server_info = Some(Draft {
            waiting: requests.len() as u8,
            ..Draft::default()
        });
        for (kind, iq) in requests {
            let iq = iq.with_to(server.clone());
            self.request(iq, Responder::Server, kind, stream).await;
        }
    }

    /// One answer (or error) to a server info request.
    pub(super) fn on_server_info(
        &mut self,
        kind: PendingIq,
        answer: Result<Option<Element>, StanzaError>,
    ) {
        let Some(draft) = self.server_info.as_mut() else {
            return;
        };
        let payload = answer.ok().flatten();
        match kind {
            PendingIq::ServerVersion => {
                draft.info.software =
                    payload
                        .and_then(|p| VersionResult::try_from(p).ok())
                        .map(|v| SoftwareVersion {
                            name: v.name,
                            version: v.version,
                            os: v.os,
                        });
            }
            PendingIq::ServerDisco => {
                if let Some(info) = payload.and_then(|p| DiscoInfoResult::try_from(p).ok()) {
                    draft.info.identities = info
                        .identities
                        .iter()
                        .map(|i| match &i.name {
                            Some(n) => format!("{}/{} ({n})", i.category, i.type_),
                            None => format!("{}/{}", i.category, i.type_),
                        })
                        .collect();
                    draft.info.features = info.features.into_iter().collect();
                }
            }
            PendingIq::ServerPing(sent) => {
                draft.info.rtt_ms = Some(sent.elapsed().as_millis().try_into().unwrap_or(u64::MAX));
            }
            _ => return,
        }
        draft.waiting = draft.waiting.saturating_sub(1);
        if draft.waiting == 0
            && let Some(d) = self.server_info.take()
        {
            self.emit(Event::ServerInfo {
                account: self.id.clone(),
                info: ServerInfo {
                    tls: self.link.tls(),
                    stream_management: self.stream_management,
                    resumptions: self.resumptions,
                    ..d.info
                },
            });
        }
    }
}

impl Actor {
    /// Asks the server to change the account's password (XEP-0077 §3.3).
    pub(super) async fn change_password(&mut self, password: String, stream: &Wire) {
        if password.is_empty() {
            return self.error(Problem::EmptyPassword, "the new password is empty", None);
        }
        let username = self
            .jid
            .node()
            .map(|n| n.as_str().to_owned())
            .unwrap_or_default();
        let ns = tokio_xmpp::parsers::ns::REGISTER;
        let query = Element::builder("query", ns)
            .append(Element::builder("username", ns).append(username).build())
            .append(
                Element::builder("password", ns)
                    .append(password.clone())
                    .build(),
            )
            .build();
        let id = uuid::Uuid::new_v4().to_string();
        let iq = Iq::Set {
            from: None,
            to: Some(self.server()),
            id,
            payload: query,
        };
        self.new_password = Some(crate::secrets::Password::new(password));
        self.request(iq, Responder::Server, PendingIq::ChangePassword, stream)
            .await;
    }

    /// The server's answer to a password change.
    pub(super) async fn on_password_changed(&mut self, answer: Result<(), StanzaError>) {
        let Some(new) = self.new_password.take() else {
            return;
        };
        if let Err(e) = answer {
            return self.refused(
                Problem::PasswordChange,
                "the server did not change the password",
                &e,
            );
        }
        // From now on reconnects log in with the new password.
        if let Some(slot) = &self.password
            && let Ok(mut p) = slot.lock()
        {
            *p = new.clone();
        }
        let note = match &self.password_source {
            crate::config::PasswordSource::Keyring => {
                match crate::secrets::store_password(&self.id, &new).await {
                    Ok(()) => None,
                    Err(e) => Some(format!(
                        "the new password could not be saved in the keyring ({e}); \
                         enter it again after a restart"
                    )),
                }
            }
            crate::config::PasswordSource::Command(_) => {
                Some("the password comes from a password command: update what it prints".into())
            }
        };
        self.emit(Event::PasswordChanged {
            account: self.id.clone(),
            note,
        });
    }
}
