//! Typing notifications (XEP-0085): they arrive, are not stored, and stop
//! when the account switches them off.

mod common;

use std::time::Duration;

use common::Prosody;
use common::headless::online;
use serde_json::{Value, json};

fn typing(state: &'static str) -> impl Fn(&Value) -> bool {
    move |v| v["event"] == "chat_state" && v["with"] == "alice@localhost" && v["state"] == state
}

#[test]
fn typing_states_arrive_are_not_stored_and_can_be_switched_off() {
    let server = Prosody::with_users(&[("alice", "apw"), ("bob", "bpw")]);
    let (_a_dir, mut alice) = online(&server, "a", "alice", "apw");
    let (_b_dir, mut bob) = online(&server, "b", "bob", "bpw");

    // Bob's presence is out once his catch-up is done; before that the
    // server has no available resource to hand typing notifications to.
    bob.wait_for("bob synced", |v| v["event"] == "archive_synced");
    for state in ["composing", "paused"] {
        alice.send(json!({"cmd":"chat_state","account":"a","with":"bob@localhost","state":state}));
    }
    bob.wait_for("composing", typing("composing"));
    bob.wait_for("paused", typing("paused"));
    // A message says `active` with it.
    alice.send_message("a", "bob@localhost", "there it is", "m1");
    bob.wait_message("b", "there it is");
    bob.wait_for("active", typing("active"));
    // Only the message is in the history (the notifications are not).
    assert_eq!(bob.full_history("b", "alice@localhost").len(), 1);

    alice.send(json!({"cmd":"update_account","account":"a","send_typing":false}));
    alice.wait_for("updated", |v| v["event"] == "account_updated");
    alice
        .send(json!({"cmd":"chat_state","account":"a","with":"bob@localhost","state":"composing"}));
    assert!(
        bob.try_wait_for(Duration::from_secs(3), &typing("composing"))
            .is_none(),
        "typing was sent although switched off"
    );
}
