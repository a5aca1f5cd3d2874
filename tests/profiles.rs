//! Profiles: nickname (XEP-0172), vCard4 (XEP-0292), last seen (XEP-0012
//! and presence), client names (XEP-0092) and the `profile` answer, between
//! real clients on a real Prosody — and what a hostile contact publishes.

mod common;

use std::time::Duration;

use chrono::{DateTime, Utc};
use common::Prosody;
use common::headless::{Headless, account, alice_and_bob, befriend, online, two_devices};
use common::raw::RawClient;
use serde_json::{Value, json};
use tokio_xmpp::minidom::Element;

const CLIENT: &str = concat!("Plausch ", env!("CARGO_PKG_VERSION"));

/// Alice's vCard node as the stranger Eve asks for it.
fn alices_vcard_as_stranger(server: &Prosody) -> Element {
    let mut eve = RawClient::connect(server, "eve", "epw");
    raw_iq(
        &mut eve,
        "e1",
        "<iq xmlns='jabber:client' type='get' id='e1' to='alice@localhost'>\
         <pubsub xmlns='http://jabber.org/protocol/pubsub'>\
         <items node='urn:xmpp:vcard4'/></pubsub></iq>",
    )
}

/// Asks for a profile and returns the answer (earlier events not waited
/// for yet are dropped, so an older answer cannot match).
fn profile(client: &mut Headless, account: &str, jid: &str) -> Value {
    client.forget_pending();
    client.send(json!({"cmd":"profile","account":account,"jid":jid}));
    let v = client.wait_for(&format!("profile of {jid}"), |v| {
        v["event"] == "profile" && v["account"] == account && v["profile"]["jid"] == jid
    });
    v["profile"].clone()
}

/// Asks for profiles until `pred` holds (or panics after 20 s).
fn profile_until(
    client: &mut Headless,
    account: &str,
    jid: &str,
    pred: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let p = profile(client, account, jid);
        if pred(&p) {
            return p;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "profile never matched: {p:#}"
        );
        std::thread::sleep(Duration::from_millis(300));
    }
}

/// Sends an IQ from a raw client and waits for its answer.
fn raw_iq(client: &mut RawClient, id: &str, xml: &str) -> Element {
    client.send_xml(xml);
    client
        .wait_stanza(Duration::from_secs(10), |el| {
            el.name() == "iq" && el.attr("id") == Some(id)
        })
        .unwrap_or_else(|| panic!("no answer to iq {id}"))
}

/// Publishes `payload` on the raw client's own PEP `node` (item `current`).
fn raw_publish(client: &mut RawClient, id: &str, node: &str, payload: &str) {
    let answer = raw_iq(
        client,
        id,
        &format!(
            "<iq xmlns='jabber:client' type='set' id='{id}'>\
             <pubsub xmlns='http://jabber.org/protocol/pubsub'><publish node='{node}'>\
             <item id='current'>{payload}</item></publish></pubsub></iq>"
        ),
    );
    assert_eq!(
        answer.attr("type"),
        Some("result"),
        "{}",
        String::from(&answer)
    );
}

/// `jid`'s entry in a fresh `roster` answer.
fn roster_entry(client: &mut Headless, account: &str, jid: &str) -> Value {
    client.forget_pending();
    client.send(json!({"cmd":"roster","account":account}));
    let roster = client.wait_for("roster", |v| v["event"] == "roster");
    roster["contacts"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["jid"] == jid))
        .cloned()
        .unwrap_or_else(|| panic!("{jid} not in the roster: {roster:#}"))
}

fn time(v: &Value) -> DateTime<Utc> {
    v.as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not a time: {v}"))
}

#[test]
fn nick_and_vcard_reach_a_contact_and_other_clients_fields_survive() {
    let server = Prosody::with_users(&[("alice", "apw"), ("bob", "bpw"), ("eve", "epw")]);
    // Another client of Alice's wrote a vCard with a field Plausch does not
    // show (a birthday) and an email marked "work".
    let mut other = RawClient::connect(&server, "alice", "apw");
    raw_publish(
        &mut other,
        "v0",
        "urn:xmpp:vcard4",
        "<vcard xmlns='urn:ietf:params:xml:ns:vcard-4.0'><fn><text>Old Name</text></fn>\
         <bday><date>1852-05-04</date></bday>\
         <email><parameters><type><text>work</text></type></parameters>\
         <text>alice@work.example</text></email></vcard>",
    );

    let (_a, mut alice) = online(&server, "a", "alice", "apw");
    let (_b, mut bob) = online(&server, "b", "bob", "bpw");
    let vcard = json!({
        "full_name": "Alice Liddell",
        "emails": ["alice@work.example", "alice@home.example"],
        "phones": ["+49 30 1234567"],
        "organization": "Wonderland GmbH",
        "note": "Down the\nrabbit hole",
    });
    alice.send(json!({"cmd":"set_profile","account":"a","nick":" Ali ","vcard":vcard}));
    alice.wait_for("own nick", |v| {
        v["event"] == "nick" && v["jid"] == "alice@localhost" && v["nick"] == "Ali"
    });
    let own = alice.wait_for("own profile", |v| {
        v["event"] == "profile" && v["profile"]["jid"] == "alice@localhost"
    });
    let own = &own["profile"];
    assert_eq!(own["nick"], "Ali");
    assert_eq!(own["complete"], true, "{own:#}");
    let want = json!({
        "full_name": "Alice Liddell",
        "emails": ["alice@work.example", "alice@home.example"],
        "phones": ["+49-30-1234567"],
        "organization": "Wonderland GmbH",
        "note": "Down the\nrabbit hole",
    });
    assert_eq!(own["vcard"], want);
    assert_eq!(own["resources"][0]["client"], CLIENT);

    // The birthday and the "work" parameter survived; the old name did not.
    let stored = raw_iq(
        &mut other,
        "v1",
        "<iq xmlns='jabber:client' type='get' id='v1'>\
         <pubsub xmlns='http://jabber.org/protocol/pubsub'>\
         <items node='urn:xmpp:vcard4'/></pubsub></iq>",
    );
    let xml = String::from(&stored);
    assert!(xml.contains("1852-05-04"), "{xml}");
    assert!(xml.contains("<text>work</text>"), "{xml}");
    assert!(
        xml.contains("Alice Liddell") && !xml.contains("Old Name"),
        "{xml}"
    );
    // Published for contacts only (access model `presence`): a stranger
    // cannot read it, and nothing had to fall back to another model.
    let refused = alices_vcard_as_stranger(&server);
    assert_eq!(
        refused.attr("type"),
        Some("error"),
        "{}",
        String::from(&refused)
    );
    assert!(!alice.stderr_log().contains("another access model"));

    // Bob is asked by "Ali": the request carries her nickname.
    befriend(
        &mut alice,
        "a",
        "alice@localhost",
        &mut bob,
        "b",
        "bob@localhost",
    );
    let request = bob
        .seen
        .iter()
        .find(|v| v["event"] == "subscription_request")
        .cloned()
        .unwrap_or_default();
    assert_eq!(request["nick"], "Ali");

    // A new nickname reaches Bob live (PEP notification).
    alice.send(json!({"cmd":"set_profile","account":"a","nick":"Alice L.","vcard":vcard}));
    bob.wait_for("live nick", |v| {
        v["event"] == "nick" && v["jid"] == "alice@localhost" && v["nick"] == "Alice L."
    });
    let p = profile_until(&mut bob, "b", "alice@localhost", |p| {
        p["resources"][0]["client"] == CLIENT
    });
    assert_eq!(p["nick"], "Alice L.");
    assert_eq!(p["vcard"], want);
    assert_eq!(p["subscription"], "both");
    assert_eq!(p["complete"], true, "{p:#}");
    assert!(p.get("last_seen").is_none(), "online: no last seen");
    assert_eq!(
        roster_entry(&mut bob, "b", "alice@localhost")["nick"],
        "Alice L."
    );

    // Removing the nickname reaches Bob too. Once Alice's last change is
    // saved: until then a new one is refused as `still_busy` (on a loaded
    // machine Bob can see the new nick before Alice's vCard is published).
    alice.wait_for("the new nick saved", |v| {
        v["event"] == "profile"
            && v["profile"]["jid"] == "alice@localhost"
            && v["profile"]["nick"] == "Alice L."
    });
    alice.send(json!({"cmd":"set_profile","account":"a","vcard":vcard}));
    bob.wait_for("nick removed", |v| {
        v["event"] == "nick" && v["jid"] == "alice@localhost" && v.get("nick").is_none()
    });
}

#[test]
fn a_contacts_devices_are_listed_with_their_client() {
    let server = Prosody::with_users(&[("alice", "apw"), ("bob", "bpw")]);
    let (_dirs, mut laptop, mut phone) = two_devices(&server, "me", "alice", "apw");
    let (_b, mut bob) = online(&server, "b", "bob", "bpw");
    befriend(
        &mut laptop,
        "me",
        "alice@localhost",
        &mut bob,
        "b",
        "bob@localhost",
    );
    let both = |p: &Value| {
        p["resources"].as_array().is_some_and(|r| {
            r.len() == 2
                && r.iter()
                    .all(|r| r["client"] == CLIENT && r["presence"] == "available")
        })
    };
    let p = profile_until(&mut bob, "b", "alice@localhost", both);
    let mut names: Vec<String> = p["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["resource"].as_str().map(str::to_owned))
        .collect();
    names.sort();
    let mut bound: Vec<String> = [laptop.bound_jid(), phone.bound_jid()]
        .iter()
        .filter_map(|j| j.split_once('/').map(|(_, r)| r.to_owned()))
        .collect();
    bound.sort();
    assert_eq!(names, bound);
    // Our own profile lists this device and the other one.
    let own = profile_until(&mut phone, "me", "alice@localhost", both);
    assert_eq!(own["complete"], true);
    // A nickname set on one device reaches the other (PEP from our account).
    laptop.send(json!({"cmd":"set_profile","account":"me","nick":"Alice"}));
    phone.wait_for("nick from the laptop", |v| {
        v["event"] == "nick" && v["jid"] == "alice@localhost" && v["nick"] == "Alice"
    });
}

#[test]
fn a_vcard_node_made_by_another_client_keeps_its_access_model() {
    let server = Prosody::with_users(&[("alice", "apw"), ("eve", "epw")]);
    // Like Prosody does for a legacy vCard: a node everyone may read.
    let mut other = RawClient::connect(&server, "alice", "apw");
    let open = raw_iq(
        &mut other,
        "o1",
        "<iq xmlns='jabber:client' type='set' id='o1'>\
         <pubsub xmlns='http://jabber.org/protocol/pubsub'><publish node='urn:xmpp:vcard4'>\
         <item id='current'><vcard xmlns='urn:ietf:params:xml:ns:vcard-4.0'/></item></publish>\
         <publish-options><x xmlns='jabber:x:data' type='submit'>\
         <field var='FORM_TYPE' type='hidden'>\
         <value>http://jabber.org/protocol/pubsub#publish-options</value></field>\
         <field var='pubsub#access_model'><value>open</value></field></x></publish-options>\
         </pubsub></iq>",
    );
    assert_eq!(open.attr("type"), Some("result"), "{}", String::from(&open));
    let (_a, mut alice) = online(&server, "a", "alice", "apw");
    alice.send(json!({"cmd":"set_profile","account":"a","vcard":{"full_name":"Alice"}}));
    let own = alice.wait_for("own profile", |v| {
        v["event"] == "profile" || v["event"] == "error"
    });
    assert_eq!(own["profile"]["vcard"]["full_name"], "Alice", "{own:#}");
    assert!(alice.stderr_log().contains("another access model"));
    // The user's (or the server's) choice stands: still readable by anyone.
    let read = alices_vcard_as_stranger(&server);
    assert!(
        String::from(&read).contains("<text>Alice</text>"),
        "{}",
        String::from(&read)
    );
}

#[test]
fn last_seen_from_presence_and_from_the_server() {
    let server = Prosody::with_users(&[("alice", "apw"), ("bob", "bpw")]);
    let (_dirs, alice, mut bob) = alice_and_bob(&server);
    bob.wait_for("alice online", |v| {
        v["event"] == "presence" && v["jid"] == "alice@localhost" && v["presence"] == "available"
    });

    let before = Utc::now() - chrono::Duration::seconds(1);
    assert!(alice.quit().success());
    let gone = bob.wait_for("alice offline", |v| {
        v["event"] == "presence" && v["jid"] == "alice@localhost" && v["presence"] == "offline"
    });
    let after = Utc::now() + chrono::Duration::seconds(1);
    let seen = time(&gone["last_seen"]);
    assert!(before <= seen && seen <= after, "{seen}");
    let entry = roster_entry(&mut bob, "b", "alice@localhost");
    assert_eq!(time(&entry["last_seen"]), seen);
    assert_eq!(
        time(&profile(&mut bob, "b", "alice@localhost")["last_seen"]),
        seen
    );

    // A new device of Bob's never saw Alice: it asks her server (XEP-0012),
    // which counts whole seconds (and says 0 for "no idea").
    std::thread::sleep(Duration::from_secs(2));
    let fresh_dir = tempfile::tempdir().expect("temp profile");
    let mut fresh = Headless::start(fresh_dir.path());
    fresh.add_account(account(&server, "b", "bob", "bpw"));
    fresh.wait_state("b", "online");
    let p = profile_until(&mut fresh, "b", "alice@localhost", |p| {
        p.get("last_seen").is_some()
    });
    let told = time(&p["last_seen"]);
    let slack = chrono::Duration::seconds(2);
    assert!(
        before - slack <= told && told <= after + slack,
        "{told} vs {seen}"
    );
    assert_eq!(p["complete"], true, "{p:#}");
}

#[test]
fn hostile_profile_data_is_cleaned_and_the_client_keeps_working() {
    let server = Prosody::with_users(&[("bob", "bpw"), ("carol", "cpw"), ("dave", "dpw")]);
    let (_b, mut bob) = online(&server, "b", "bob", "bpw");
    let mut carol = RawClient::connect(&server, "carol", "cpw");
    // Mutual subscription with a client that speaks raw XML.
    bob.send(json!({"cmd":"add_contact","account":"b","jid":"carol@localhost"}));
    carol.send_xml("<presence xmlns='jabber:client' type='subscribed' to='bob@localhost'/>");
    carol.send_xml(
        "<presence xmlns='jabber:client' type='subscribe' to='bob@localhost'>\
         <nick xmlns='http://jabber.org/protocol/nick'>\u{202E}Carol&#x9;the\ntrustworthy</nick></presence>",
    );
    let request = bob.wait_for("request", |v| {
        v["event"] == "subscription_request" && v["jid"] == "carol@localhost"
    });
    assert_eq!(request["nick"], "Carol the trustworthy");
    bob.send(
        json!({"cmd":"answer_subscription","account":"b","jid":"carol@localhost","accept":true}),
    );
    bob.wait_for("mutual", |v| {
        v["event"] == "roster"
            && v["contacts"].as_array().is_some_and(|c| {
                c.iter()
                    .any(|c| c["jid"] == "carol@localhost" && c["subscription"] == "both")
            })
    });

    // A 100 kB nickname: cut to 64 characters.
    let huge = "N".repeat(100_000);
    raw_publish(
        &mut carol,
        "n1",
        "http://jabber.org/protocol/nick",
        &format!("<nick xmlns='http://jabber.org/protocol/nick'>{huge}</nick>"),
    );
    let p = profile_until(&mut bob, "b", "carol@localhost", |p| {
        p["nick"].as_str().is_some_and(|n| n.starts_with('N'))
    });
    assert_eq!(p["nick"], "N".repeat(64));
    // Control and direction characters are taken out.
    raw_publish(
        &mut carol,
        "n2",
        "http://jabber.org/protocol/nick",
        "<nick xmlns='http://jabber.org/protocol/nick'>Ev\u{202E}il\u{9B}&#xA;&#xD;Nick</nick>",
    );
    let p = profile_until(&mut bob, "b", "carol@localhost", |p| {
        p["nick"].as_str().is_some_and(|n| n.starts_with("Ev"))
    });
    assert_eq!(p["nick"], "Evil Nick");

    // A malformed vCard: what can be read is shown, cleaned and capped.
    let long = "e".repeat(10_000);
    raw_publish(
        &mut carol,
        "v1",
        "urn:xmpp:vcard4",
        &format!(
            "<vcard xmlns='urn:ietf:params:xml:ns:vcard-4.0'>\
             <fn><text>Carol<b>bold</b></text></fn><fn>no value element</fn>\
             <email/><email><text>{long}</text></email>\
             <tel><uri>tel:&#x202E;+1 555</uri></tel><note>bare text</note>\
             <org><text/></org><url><uri><deep><er/></deep></uri></url></vcard>"
        ),
    );
    let p = profile_until(&mut bob, "b", "carol@localhost", |p| {
        p["vcard"]["full_name"] == "Carol"
    });
    let card = &p["vcard"];
    assert_eq!(
        card["emails"][0].as_str().map(|e| e.chars().count()),
        Some(256)
    );
    assert_eq!(card["phones"], json!(["+1-555"]));
    assert!(
        card.get("note").is_none() && card.get("organization").is_none(),
        "{card:#}"
    );
    assert!(card.get("urls").is_none(), "{card:#}");
    // Something that is not a vCard at all: an empty one.
    raw_publish(
        &mut carol,
        "v2",
        "urn:xmpp:vcard4",
        "<garbage xmlns='urn:x:y'><fn/></garbage>",
    );
    let p = profile_until(&mut bob, "b", "carol@localhost", |p| {
        p["vcard"].as_object().is_some_and(|o| o.is_empty())
    });
    assert_eq!(p["jid"], "carol@localhost");

    // Bob's client still works: a message goes out and is acked.
    bob.send_message("b", "carol@localhost", "still here", "r1");

    // A stranger learns neither Bob's client nor his idle time; a contact
    // learns the client, without the operating system.
    let full = bob.bound_jid();
    let mut dave = RawClient::connect(&server, "dave", "dpw");
    for (id, ns) in [("d1", "jabber:iq:version"), ("d2", "jabber:iq:last")] {
        let answer = raw_iq(
            &mut dave,
            id,
            &format!(
                "<iq xmlns='jabber:client' type='get' id='{id}' to='{full}'><query xmlns='{ns}'/></iq>"
            ),
        );
        let xml = String::from(&answer);
        assert!(xml.contains("service-unavailable"), "{xml}");
    }
    let answer = raw_iq(
        &mut carol,
        "c1",
        &format!(
            "<iq xmlns='jabber:client' type='get' id='c1' to='{full}'><query xmlns='jabber:iq:version'/></iq>"
        ),
    );
    let xml = String::from(&answer);
    assert!(
        xml.contains("<name>Plausch</name>") && !xml.contains("<os"),
        "{xml}"
    );
}
