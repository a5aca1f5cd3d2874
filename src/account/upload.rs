//! XEP-0363 HTTP File Upload, the XMPP side: finding the server's upload
//! service and its size limit after each fresh session (disco#items of our
//! server, then disco#info of each item and of the server itself), and
//! asking it for a slot (a PUT URL with its headers and the GET URL that is
//! sent to the contact). The HTTP part is in [`crate::files::transfer`],
//! the bookkeeping in `transfers.rs`.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::account::wire::Wire;
use tokio_xmpp::jid::{BareJid, Jid};
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::disco::{
    DiscoInfoQuery, DiscoInfoResult, DiscoItemsQuery, DiscoItemsResult,
};
use tokio_xmpp::parsers::http_upload::{SlotRequest, SlotResult};
use tokio_xmpp::parsers::iq::Iq;
use tokio_xmpp::parsers::ns;
use tokio_xmpp::parsers::stanza_error::StanzaError;

use super::Actor;
use super::inbound::PendingIq;
use super::requests::Responder;
use crate::files::transfer::Put;

/// Disco items asked at most (a server lists a handful of components).
const MAX_ITEMS: usize = 32;

/// The upload service of our server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    pub jid: Jid,
    /// The largest file it accepts, if it says.
    pub max_size: Option<u64>,
}

/// An upload to do (a slot is asked for it, then `transfers.rs` runs it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Job {
    /// The message's id.
    pub id: String,
    pub source: PathBuf,
    pub name: String,
    pub size: u64,
    pub media_type: String,
    /// The message is encrypted (OMEMO): the file goes up encrypted with
    /// this key (XEP-0454) and the link carries it.
    pub key: Option<omemo::media::MediaKey>,
}

impl Job {
    /// The bytes that go up: an encrypted file carries its tag.
    pub fn upload_size(&self) -> u64 {
        self.size + overhead(self.key.is_some())
    }
}

/// What an upload adds to the file: an encrypted one's 16-byte tag.
pub(super) fn overhead(encrypted: bool) -> u64 {
    if encrypted {
        omemo::media::TAG_LEN as u64
    } else {
        0
    }
}

/// What upload discovery has found so far this session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Discovery<'a> {
    /// Still asking: uploads wait.
    Pending,
    /// Discovery ended without a service: uploads fail.
    NoService,
    /// The service to ask for slots.
    Found(&'a Service),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ask {
    Items,
    Info,
}

/// Upload discovery and slot requests of the current session.
#[derive(Debug, Default)]
pub(super) struct Upload {
    /// Open disco requests: IQ id → (asked JID, what).
    asked: HashMap<String, (Jid, Ask)>,
    service: Option<Service>,
    /// Discovery has ended (with or without a service).
    discovered: bool,
    /// Open slot requests: IQ id → (service JID, the upload).
    slots: HashMap<String, (Jid, Job)>,
}

impl Upload {
    /// A fresh session: everything asked before is void.
    pub fn reset(&mut self) {
        *self = Upload::default();
    }

    /// Where discovery stands.
    pub fn service(&self) -> Discovery<'_> {
        match (self.discovered, &self.service) {
            (false, _) => Discovery::Pending,
            (true, None) => Discovery::NoService,
            (true, Some(service)) => Discovery::Found(service),
        }
    }

    pub fn is_waiting_for_slot(&self, message_id: &str) -> bool {
        self.slots.values().any(|(_, job)| job.id == message_id)
    }

    /// Forgets the slot request for a message (cancelled); its answer is
    /// then ignored.
    pub fn forget_slot(&mut self, message_id: &str) -> bool {
        let before = self.slots.len();
        self.slots.retain(|_, (_, job)| job.id != message_id);
        before != self.slots.len()
    }
}

/// The upload feature and size limit in a disco#info answer.
pub fn service_of(jid: Jid, info: &DiscoInfoResult) -> Option<Service> {
    if !info.features.contains(ns::HTTP_UPLOAD) {
        return None;
    }
    let max_size = info
        .extensions
        .iter()
        .filter(|form| form.form_type() == Some(ns::HTTP_UPLOAD))
        .flat_map(|form| form.fields.iter())
        .find(|field| field.var.as_deref() == Some("max-file-size"))
        .and_then(|field| field.values.first())
        .and_then(|v| v.trim().parse().ok());
    Some(Service { jid, max_size })
}

/// A slot answer as the PUT to make and the URL to send.
pub fn slot_of(payload: Option<Element>) -> Result<(Put, String), String> {
    let slot = payload
        .ok_or_else(|| "the upload service sent no slot".to_owned())
        .and_then(|p| {
            SlotResult::try_from(p).map_err(|e| format!("unreadable upload slot: {e}"))
        })?;
    let put = Put {
        url: slot.put.url,
        headers: slot
            .put
            .headers
            .into_iter()
            .map(|h| (h.name.as_str().to_owned(), h.value))
            .collect(),
    };
    Ok((put, slot.get.url))
}

/// Why the service refused a slot, for people.
fn refusal(error: &StanzaError) -> String {
    format!(
        "the upload service refused the file: {}",
        super::stanza_error::describe(error)
    )
}

impl Actor {
    /// After a fresh session: look for the upload service.
    pub(super) async fn discover_upload(&mut self, stream: &Wire) {
        self.upload.reset();
        let server: Jid = BareJid::from_parts(None, self.jid.domain()).into();
        self.ask_upload(server.clone(), Ask::Items, stream).await;
        // Some servers offer it on their own domain.
        self.ask_upload(server, Ask::Info, stream).await;
    }

    async fn ask_upload(&mut self, to: Jid, ask: Ask, stream: &Wire) {
        let id = uuid::Uuid::new_v4().to_string();
        let iq = match ask {
            Ask::Items => Iq::from_get(
                id.clone(),
                DiscoItemsQuery {
                    node: None,
                    rsm: None,
                },
            ),
            Ask::Info => Iq::from_get(id.clone(), DiscoInfoQuery { node: None }),
        }
        .with_to(to.clone());
        let responder = self.upload_responder(&to);
        self.upload.asked.insert(id, (to, ask));
        self.request(iq, responder, PendingIq::UploadDisco, stream)
            .await;
    }

    /// Who answers for `to`: our server also without a `from`.
    fn upload_responder(&self, to: &Jid) -> Responder {
        if to.node().is_none() && to.resource().is_none() && to.domain() == self.jid.domain() {
            Responder::Server
        } else {
            Responder::Client(to.clone())
        }
    }

    /// Asks the service for a slot for `job`.
    pub(super) async fn request_slot(&mut self, service: Jid, job: Job, stream: &Wire) {
        let id = uuid::Uuid::new_v4().to_string();
        let iq = Iq::from_get(
            id.clone(),
            SlotRequest {
                filename: job.name.clone(),
                size: job.upload_size(),
                content_type: Some(job.media_type.clone()),
            },
        )
        .with_to(service.clone());
        tracing::debug!(account = %self.id, message = %job.id, size = job.size, "asking for an upload slot");
        let responder = self.upload_responder(&service);
        self.upload.slots.insert(id, (service, job));
        self.request(iq, responder, PendingIq::UploadSlot, stream)
            .await;
    }

    /// The answer to a slot request (from the service asked, or a timeout);
    /// nothing if the upload was cancelled meanwhile.
    pub(super) fn on_slot_answer(
        &mut self,
        id: &str,
        answer: &Result<Option<Element>, StanzaError>,
    ) {
        if let Some((_, job)) = self.upload.slots.remove(id) {
            match answer {
                Ok(payload) => match slot_of(payload.clone()) {
                    Ok((put, get)) => self.start_put(job, put, get),
                    Err(e) => self.upload_failed(&job.id, &e),
                },
                Err(error) => self.upload_failed(&job.id, &refusal(error)),
            }
        }
    }

    /// The answer to a discovery request (from the entity asked, or a
    /// timeout); discovery ends when none is open.
    pub(super) async fn on_upload_disco(
        &mut self,
        id: &str,
        answer: &Result<Option<Element>, StanzaError>,
        stream: &Wire,
    ) {
        let Some((asked, ask)) = self.upload.asked.remove(id) else {
            return;
        };
        match (ask, answer) {
            (Ask::Items, Ok(Some(payload))) => {
                if let Ok(items) = DiscoItemsResult::try_from(payload.clone()) {
                    for item in items.items.into_iter().take(MAX_ITEMS) {
                        if item.node.is_none() {
                            self.ask_upload(item.jid, Ask::Info, stream).await;
                        }
                    }
                }
            }
            (Ask::Info, Ok(Some(payload))) => {
                // The same walk finds the SOCKS5 proxy for direct transfers.
                if let Ok(info) = DiscoInfoResult::try_from(payload.clone()) {
                    self.maybe_proxy(&asked, &info, stream).await;
                }
                if self.upload.service.is_none()
                    && let Ok(info) = DiscoInfoResult::try_from(payload.clone())
                    && let Some(service) = service_of(asked, &info)
                {
                    tracing::info!(account = %self.id, service = %service.jid, max_size = ?service.max_size, "upload service found");
                    self.upload.service = Some(service);
                }
            }
            _ => {}
        }
        if self.upload.asked.is_empty() && !self.upload.discovered {
            self.upload.discovered = true;
            if self.upload.service.is_none() {
                tracing::info!(account = %self.id, "the server offers no file upload");
            }
            self.start_uploads(stream).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(xml: &str) -> DiscoInfoResult {
        let el: Element = xml.parse().unwrap_or_else(|e| panic!("{e}"));
        DiscoInfoResult::try_from(el).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn finds_the_service_and_its_limit() {
        let jid: Jid = "upload.example.org"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
        let with_limit = info(
            "<query xmlns='http://jabber.org/protocol/disco#info'>\
             <identity category='store' type='file' name='HTTP File Upload'/>\
             <feature var='urn:xmpp:http:upload:0'/>\
             <x type='result' xmlns='jabber:x:data'>\
             <field var='FORM_TYPE' type='hidden'><value>urn:xmpp:http:upload:0</value></field>\
             <field var='max-file-size'><value>10485760</value></field></x></query>",
        );
        assert_eq!(
            service_of(jid.clone(), &with_limit),
            Some(Service {
                jid: jid.clone(),
                max_size: Some(10_485_760)
            })
        );
        let no_limit = info(
            "<query xmlns='http://jabber.org/protocol/disco#info'>\
             <feature var='urn:xmpp:http:upload:0'/></query>",
        );
        assert_eq!(
            service_of(jid.clone(), &no_limit).and_then(|s| s.max_size),
            None
        );
        let other = info(
            "<query xmlns='http://jabber.org/protocol/disco#info'>\
             <feature var='http://jabber.org/protocol/muc'/></query>",
        );
        assert_eq!(service_of(jid, &other), None);
    }

    #[test]
    fn reads_a_slot() {
        let el: Element = "<slot xmlns='urn:xmpp:http:upload:0'>\
            <put url='https://up.example.org/put/a.pdf'>\
            <header name='Authorization'>Basic c2VjcmV0</header></put>\
            <get url='https://up.example.org/get/a.pdf'/></slot>"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
        let (put, get) = slot_of(Some(el)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(put.url, "https://up.example.org/put/a.pdf");
        assert_eq!(
            put.headers,
            vec![("Authorization".into(), "Basic c2VjcmV0".into())]
        );
        assert_eq!(get, "https://up.example.org/get/a.pdf");
        // The secret header never shows in logs.
        assert!(!format!("{put:?}").contains("c2VjcmV0"));
        assert!(slot_of(None).is_err());
    }
}
