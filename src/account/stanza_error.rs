//! XMPP error conditions (RFC 6120 §8.3.3) as people read them: a plain
//! English sentence for the stable code of
//! [`xmpp::stanza_error`](crate::xmpp::stanza_error), never the Rust form
//! of the condition, and the other side's text cleaned. The GUI translates
//! by the code.

use tokio_xmpp::parsers::stanza_error::StanzaError;

use crate::xmpp::stanza_error::{code, first_text};

/// The condition in plain words (English; the GUI translates by `code`).
pub fn words(code: &str) -> &'static str {
    match code {
        "bad_request" => "the request was not understood",
        "conflict" => "it conflicts with something that exists already",
        "feature_not_implemented" => "this is not supported there",
        "forbidden" => "this is forbidden",
        "gone" => "the address is no longer in use",
        "internal_server_error" => "the server had an internal error",
        "item_not_found" => "it was not found",
        "jid_malformed" => "the address is not valid",
        "not_acceptable" => "the request was not acceptable",
        "not_allowed" => "this is not allowed",
        "not_authorized" => "not authorised",
        "policy_violation" => "it breaks the server's rules",
        "recipient_unavailable" => "the recipient is not available",
        "redirect" => "the address has moved",
        "registration_required" => "registration is required",
        "remote_server_not_found" => "the other server cannot be reached",
        "remote_server_timeout" => "the other server did not answer in time",
        "resource_constraint" => "the server is too busy",
        "service_unavailable" => "the service is not available",
        "subscription_required" => "a presence subscription is required",
        "unexpected_request" => "the request came at the wrong time",
        _ => "the request failed",
    }
}

/// What the other side wrote about the error, cleaned and short.
pub fn text(e: &StanzaError) -> Option<String> {
    first_text(e).and_then(|t| crate::xmpp::text::clean(t, 200, false))
}

/// The whole error in plain words: the condition, and the other side's
/// text if it gave one.
pub fn describe(e: &StanzaError) -> String {
    let words = words(code(&e.defined_condition));
    match text(e) {
        Some(t) => format!("{words} ({t})"),
        None => words.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio_xmpp::minidom::Element;

    #[test]
    fn the_gui_says_in_english_what_the_core_says() {
        for &code in crate::xmpp::stanza_error::CODES {
            assert_eq!(
                crate::ui::format::xmpp_condition(code),
                words(code),
                "{code}"
            );
        }
    }

    fn error(xml: &str) -> StanzaError {
        StanzaError::try_from(xml.parse::<Element>().unwrap()).unwrap()
    }

    #[test]
    fn conditions_read_as_words_with_the_servers_text() {
        let e = error(
            "<error xmlns='jabber:client' type='cancel'>\
             <not-allowed xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>\
             <text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>Quota\u{202E} exceeded</text></error>",
        );
        assert_eq!(code(&e.defined_condition), "not_allowed");
        assert_eq!(describe(&e), "this is not allowed (Quota exceeded)");
        let e = error(
            "<error xmlns='jabber:client' type='cancel'>\
             <gone xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>xmpp:new@example.org</gone></error>",
        );
        assert_eq!(describe(&e), "the address is no longer in use");
    }

    #[test]
    fn every_code_has_words() {
        for name in [
            "bad-request",
            "conflict",
            "feature-not-implemented",
            "forbidden",
            "gone",
            "internal-server-error",
            "item-not-found",
            "jid-malformed",
            "not-acceptable",
            "not-allowed",
            "not-authorized",
            "policy-violation",
            "recipient-unavailable",
            "redirect",
            "registration-required",
            "remote-server-not-found",
            "remote-server-timeout",
            "resource-constraint",
            "service-unavailable",
            "subscription-required",
            "unexpected-request",
        ] {
            let e = error(&format!(
                "<error xmlns='jabber:client' type='cancel'>\
                 <{name} xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>"
            ));
            let code = code(&e.defined_condition);
            assert_eq!(code, name.replace('-', "_"));
            assert_ne!(words(code), words("undefined_condition"), "{code}");
        }
    }
}
