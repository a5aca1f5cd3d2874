//! A bare XMPP client for tests that must send stanzas Plausch never would
//! (duplicates, forgeries). It reuses Plausch's connector, so it trusts the
//! test server through the same CA-file option.

use std::sync::Arc;

use futures::StreamExt;
use plausch::account::connect::{Endpoint, connect};
use plausch::account::link::LinkControl;
use plausch::account::tls::{FailureSlot, client_config};
use plausch::api::TlsMode;
use tokio_xmpp::Stanza;
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::iq::Iq;
use tokio_xmpp::parsers::message::Message;
use tokio_xmpp::parsers::presence::Presence;
use tokio_xmpp::stanzastream::{Event, StanzaStage, StanzaStream, StreamEvent};

use super::Prosody;

pub struct RawClient {
    rt: tokio::runtime::Runtime,
    /// Always `Some` until dropped (taken to close the stream).
    stream: Option<StanzaStream>,
}

/// Ends the stream cleanly, as a real client does when it quits: a stream
/// that just vanishes stays on the server as a resumable (XEP-0198) session
/// that keeps taking stanzas for its JID, which made later runs of the
/// benchmarks slower and slower.
impl Drop for RawClient {
    fn drop(&mut self) {
        if let Some(stream) = self.stream.take() {
            self.rt.block_on(async move {
                let _ =
                    tokio::time::timeout(std::time::Duration::from_secs(5), stream.close()).await;
            });
        }
    }
}

impl RawClient {
    fn stream(&self) -> &StanzaStream {
        self.stream.as_ref().expect("raw client stream open")
    }

    pub fn connect(server: &Prosody, user: &str, password: &str) -> RawClient {
        let rt = tokio::runtime::Runtime::new().expect("runtime");
        let endpoint = Endpoint {
            jid: format!("{user}@{}", server.domain()).parse().expect("jid"),
            resource: Some("raw".into()),
            host: Some("127.0.0.1".into()),
            port: Some(server.c2s_port()),
            tls: TlsMode::Starttls,
        };
        let ca = Arc::new(server.ca_file());
        let password = password.to_owned();
        let stream = rt.block_on(async move {
            let connector = Box::new(
                move |_: Option<String>, slot: tokio::sync::oneshot::Sender<_>| {
                    let (endpoint, ca, password) = (endpoint.clone(), ca.clone(), password.clone());
                    tokio::spawn(async move {
                        let failure = FailureSlot::default();
                        let tls = client_config(Some(&ca), None, failure.clone()).expect("tls");
                        let link = Arc::new(LinkControl::default());
                        let conn = connect(&endpoint, &password, tls, &failure, &link)
                            .await
                            .expect("raw client connects");
                        let _ = slot.send(conn);
                    });
                },
            );
            let mut stream = StanzaStream::new(connector, 64);
            loop {
                match stream.next().await {
                    Some(Event::Stream(StreamEvent::Reset { .. })) => break stream,
                    Some(_) => {}
                    None => panic!("raw client stream ended"),
                }
            }
        });
        RawClient {
            rt,
            stream: Some(stream),
        }
    }

    /// Sends a `<message/>` given as XML and waits until the server acked it.
    pub fn send_message_xml(&self, xml: &str) {
        self.send_xml(xml);
    }

    /// Sends many `<message/>`s without waiting in between; waits for the
    /// server's ack of the last one.
    pub fn flood_messages(&self, xmls: impl IntoIterator<Item = String>) {
        self.paced_messages(xmls, None);
    }

    /// [`RawClient::flood_messages`], at most `per_second` of them each
    /// second when given (evenly spaced), so that the receiver's work does
    /// not depend on how fast the server routes them.
    pub fn paced_messages(&self, xmls: impl IntoIterator<Item = String>, per_second: Option<u32>) {
        let start = tokio::time::Instant::now();
        self.rt.block_on(async {
            let mut last = None;
            for (i, xml) in xmls.into_iter().enumerate() {
                if let Some(rate) = per_second.filter(|r| *r > 0) {
                    let due = std::time::Duration::from_secs_f64(i as f64 / f64::from(rate));
                    tokio::time::sleep_until(start + due).await;
                }
                let el: Element = xml.parse().expect("test XML parses");
                let msg = Message::try_from(el).expect("a message");
                last = Some(self.stream().send(Box::new(Stanza::Message(msg))).await);
            }
            if let Some(mut token) = last {
                token.wait_for(StanzaStage::Acked).await;
            }
        });
    }

    /// The next stanza matching `pred` within `within` (others are dropped).
    pub fn wait_stanza(
        &mut self,
        within: std::time::Duration,
        pred: impl Fn(&Element) -> bool,
    ) -> Option<Element> {
        let stream = self.stream.as_mut().expect("raw client stream open");
        self.rt.block_on(async {
            tokio::time::timeout(within, async {
                loop {
                    match stream.next().await {
                        Some(Event::Stanza(stanza)) => {
                            let el = match stanza {
                                Stanza::Message(m) => Element::from(m),
                                Stanza::Presence(p) => Element::from(p),
                                Stanza::Iq(iq) => Element::from(iq),
                            };
                            if pred(&el) {
                                return Some(el);
                            }
                        }
                        Some(_) => {}
                        None => return None,
                    }
                }
            })
            .await
            .ok()
            .flatten()
        })
    }

    /// Sends a message, presence or iq given as XML; waits for the server's ack.
    pub fn send_xml(&self, xml: &str) {
        let el: Element = xml.parse().expect("test XML parses");
        let stanza = match el.name() {
            "message" => Stanza::Message(Message::try_from(el).expect("a message")),
            "presence" => Stanza::Presence(Presence::try_from(el).expect("a presence")),
            "iq" => Stanza::Iq(Iq::try_from(el).expect("an iq")),
            other => panic!("not a stanza: {other}"),
        };
        self.rt.block_on(async {
            let mut token = self.stream().send(Box::new(stanza)).await;
            token.wait_for(StanzaStage::Acked).await;
        });
    }
}

/// What [`RawClient::flood_with_receipts`] saw.
pub struct Flood {
    /// From the first send until the stream took the last message.
    pub sent: std::time::Duration,
    /// From the first send until the last receipt arrived (None: not all came).
    pub receipts: Option<std::time::Duration>,
}

/// The id a receipt (XEP-0184) confirms, if `ev` is one.
fn receipt_id(ev: &Event) -> Option<String> {
    let Event::Stanza(Stanza::Message(m)) = ev else {
        return None;
    };
    m.payloads
        .iter()
        .find(|p| p.is("received", "urn:xmpp:receipts"))
        .and_then(|r| r.attr("id"))
        .map(str::to_owned)
}

impl RawClient {
    /// Sends `xmls` (messages that request receipts, with ids `ids`) as
    /// fast as the stream takes them while counting the receipts that come
    /// back for them, until all are back or `within` has passed.
    pub fn flood_with_receipts(
        &mut self,
        xmls: Vec<String>,
        ids: std::collections::HashSet<String>,
        within: std::time::Duration,
    ) -> Flood {
        use futures::FutureExt;
        let messages: Vec<Message> = xmls
            .iter()
            .map(|x| {
                Message::try_from(x.parse::<Element>().expect("test XML parses"))
                    .expect("a message")
            })
            .collect();
        let stream = self.stream.as_mut().expect("raw client stream open");
        self.rt.block_on(async move {
            let start = std::time::Instant::now();
            let mut pending = ids;
            for m in messages {
                // Not waiting for the server's acks: the stream would stop
                // reading (and so acking) while receipts wait for us.
                let _token = stream.send(Box::new(Stanza::Message(m))).await;
                // Take what has arrived meanwhile, so receipts are timed
                // when they come and the incoming queue never fills up.
                while let Some(Some(ev)) = stream.next().now_or_never() {
                    if let Some(id) = receipt_id(&ev) {
                        pending.remove(&id);
                    }
                }
            }
            let sent = start.elapsed();
            let rest = tokio::time::timeout(within, async {
                while !pending.is_empty() {
                    match stream.next().await {
                        Some(ev) => {
                            if let Some(id) = receipt_id(&ev) {
                                pending.remove(&id);
                            }
                        }
                        None => return false,
                    }
                }
                true
            })
            .await;
            Flood {
                sent,
                receipts: matches!(rest, Ok(true)).then(|| start.elapsed()),
            }
        })
    }

    /// Answers the receipt requests of the next `n` messages with a body, as
    /// a client with nothing else to do would (or until `within` passed);
    /// returns how many were answered.
    pub fn answer_receipts(&mut self, n: usize, within: std::time::Duration) -> usize {
        self.take_messages(n, within, true)
    }

    /// Waits until `n` chat messages with a body arrived (or `within` passed);
    /// returns how many came.
    pub fn count_messages(&mut self, n: usize, within: std::time::Duration) -> usize {
        self.take_messages(n, within, false)
    }

    /// Takes the next `n` messages with a body (or what came within
    /// `within`), answering their receipt requests if `answer`.
    fn take_messages(&mut self, n: usize, within: std::time::Duration, answer: bool) -> usize {
        let stream = self.stream.as_mut().expect("raw client stream open");
        self.rt.block_on(async move {
            let mut got = 0;
            let _ = tokio::time::timeout(within, async {
                while got < n {
                    match stream.next().await {
                        Some(Event::Stanza(Stanza::Message(m))) if !m.bodies.is_empty() => {
                            got += 1;
                            let (true, Some(from), Some(id)) = (answer, m.from, m.id) else {
                                continue;
                            };
                            let receipt = tokio_xmpp::parsers::receipts::Received { id: id.0 };
                            let mut reply = Message::new(Some(from));
                            reply.payloads.push(receipt.into());
                            let _token = stream.send(Box::new(Stanza::Message(reply))).await;
                        }
                        Some(_) => {}
                        None => return,
                    }
                }
            })
            .await;
            got
        })
    }
}

/// A logged-in, bound stream to write raw bytes on: for stanzas no XML
/// library should have to build or serialise (30,000 levels deep takes
/// minutes and a huge stack there).
pub struct RawBytes {
    rt: tokio::runtime::Runtime,
    stream: plausch::account::connect::Stream,
}

impl RawBytes {
    pub fn connect(server: &Prosody, user: &str, password: &str) -> RawBytes {
        use plausch::account::connect::open_secure;
        let rt = tokio::runtime::Runtime::new().expect("runtime");
        let endpoint = Endpoint {
            jid: format!("{user}@{}", server.domain()).parse().expect("jid"),
            resource: None,
            host: Some("127.0.0.1".into()),
            port: Some(server.c2s_port()),
            tls: TlsMode::Starttls,
        };
        let ca = server.ca_file();
        let stream = rt.block_on(async {
            let failure = FailureSlot::default();
            let tls = client_config(Some(&ca), None, failure.clone()).expect("tls");
            let link = Arc::new(LinkControl::default());
            let secure = open_secure(&endpoint, tls, &failure, &link)
                .await
                .expect("raw bytes client connects");
            let creds = sasl::common::Credentials::default()
                .with_username(user)
                .with_password(password)
                .with_channel_binding(secure.binding);
            let stream =
                tokio_xmpp::client_login(secure.stream, secure.features.sasl_mechanisms, creds)
                    .await
                    .expect("raw bytes client logs in");
            let header = tokio_xmpp::xmlstream::StreamHeader {
                to: Some(server.domain().to_owned().into()),
                from: None,
                id: None,
            };
            let (_features, stream) = stream
                .send_header(header)
                .await
                .expect("stream header")
                .recv_features::<tokio_xmpp::xmlstream::XmppStreamElement>()
                .await
                .expect("stream features");
            stream.into_inner()
        });
        let mut raw = RawBytes { rt, stream };
        raw.write(
            "<iq xmlns='jabber:client' type='set' id='bind1'>\
             <bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>bytes</resource></bind></iq>",
        );
        raw
    }

    /// Writes `xml` to the stream as it is.
    pub fn write(&mut self, xml: &str) {
        use tokio::io::AsyncWriteExt;
        self.rt.block_on(async {
            self.stream
                .write_all(xml.as_bytes())
                .await
                .expect("written");
            self.stream.flush().await.expect("flushed");
        });
    }
}
