//! Finding the upload service (XEP-0363) through the request table: only
//! the entity asked may answer, and one that never answers does not hold
//! discovery (and with it every upload) up for ever.

use super::support::{Harness, MALLORY, iqs_with};
use crate::account::requests::TIMEOUT;
use crate::account::upload::Discovery;

const ITEMS: &str = "http://jabber.org/protocol/disco#items";
const INFO: &str = "http://jabber.org/protocol/disco#info";

/// The id of the sent disco#info request to `to`.
fn info_request(sent: &[tokio_xmpp::minidom::Element], to: &str) -> String {
    let asked = iqs_with(sent, "query", INFO);
    let iq = asked.iter().find(|iq| iq.attr("to") == Some(to));
    iq.and_then(|iq| iq.attr("id"))
        .unwrap_or_else(|| panic!("no disco#info to {to} in {sent:?}"))
        .to_owned()
}

fn info_answer(id: &str, from: &str, features: &[&str]) -> String {
    let features: String = features
        .iter()
        .map(|f| format!("<feature var='{f}'/>"))
        .collect();
    format!(
        "<iq type='result' id='{id}' from='{from}'><query xmlns='{INFO}'>\
         <identity category='store' type='file'/>{features}</query></iq>"
    )
}

#[tokio::test]
async fn discovery_ends_when_a_component_never_answers_and_ignores_spoofed_answers() {
    let mut h = Harness::caught_up().await;
    let started = tokio::time::Instant::now();
    h.actor.discover_upload(&h.wire).await;
    let sent = h.sent();
    let items = iqs_with(&sent, "query", ITEMS);
    assert_eq!(items.len(), 1, "{sent:?}");
    let items_id = items[0].attr("id").unwrap();
    let server_info = info_request(&sent, "example.org");

    h.receive(&format!(
        "<iq type='result' id='{items_id}' from='example.org'><query xmlns='{ITEMS}'>\
         <item jid='upload.example.org'/><item jid='silent.example.org'/></query></iq>"
    ))
    .await;
    let sent = h.sent();
    let upload_info = info_request(&sent, "upload.example.org");
    info_request(&sent, "silent.example.org");
    h.receive(&info_answer(&server_info, "example.org", &[]))
        .await;

    // Someone else answers in the service's name that it has no upload:
    // ignored, or the real answer would come too late.
    let spoofed = info_answer(&upload_info, &format!("{MALLORY}/x"), &[]);
    h.receive(&spoofed).await;
    h.receive(&info_answer(
        &upload_info,
        "upload.example.org",
        &["urn:xmpp:http:upload:0"],
    ))
    .await;
    assert_eq!(
        h.actor.upload.service(),
        Discovery::Pending,
        "silent.example.org is still asked"
    );

    h.actor
        .expire_requests(started + TIMEOUT * 2, &h.wire)
        .await;
    let Discovery::Found(service) = h.actor.upload.service() else {
        panic!("discovery over with a service");
    };
    assert_eq!(service.jid.as_str(), "upload.example.org");
}
