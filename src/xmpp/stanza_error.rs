//! Stanza errors (RFC 6120 §8.3): the error a stanza carries and its
//! condition as a stable code. How they are worded for people is the
//! account's (`account/stanza_error.rs`).

use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::stanza_error::{DefinedCondition, StanzaError};

/// The condition's stable code: its RFC 6120 name in snake_case.
pub fn code(c: &DefinedCondition) -> &'static str {
    use DefinedCondition as D;
    match c {
        D::BadRequest => "bad_request",
        D::Conflict => "conflict",
        D::FeatureNotImplemented => "feature_not_implemented",
        D::Forbidden => "forbidden",
        D::Gone { .. } => "gone",
        D::InternalServerError => "internal_server_error",
        D::ItemNotFound => "item_not_found",
        D::JidMalformed => "jid_malformed",
        D::NotAcceptable => "not_acceptable",
        D::NotAllowed => "not_allowed",
        D::NotAuthorized => "not_authorized",
        D::PolicyViolation => "policy_violation",
        D::RecipientUnavailable => "recipient_unavailable",
        D::Redirect { .. } => "redirect",
        D::RegistrationRequired => "registration_required",
        D::RemoteServerNotFound => "remote_server_not_found",
        D::RemoteServerTimeout => "remote_server_timeout",
        D::ResourceConstraint => "resource_constraint",
        D::ServiceUnavailable => "service_unavailable",
        D::SubscriptionRequired => "subscription_required",
        D::UndefinedCondition => "undefined_condition",
        D::UnexpectedRequest => "unexpected_request",
    }
}

/// Every code [`code`] gives but `undefined_condition` (which names no
/// reason a person could act on): what front-ends put in words.
pub const CODES: &[&str] = &[
    "bad_request",
    "conflict",
    "feature_not_implemented",
    "forbidden",
    "gone",
    "internal_server_error",
    "item_not_found",
    "jid_malformed",
    "not_acceptable",
    "not_allowed",
    "not_authorized",
    "policy_violation",
    "recipient_unavailable",
    "redirect",
    "registration_required",
    "remote_server_not_found",
    "remote_server_timeout",
    "resource_constraint",
    "service_unavailable",
    "subscription_required",
    "unexpected_request",
];

/// The first error among a stanza's payloads (a bounce, a room's refusal).
pub fn of(payloads: &[Element]) -> Option<StanzaError> {
    payloads
        .iter()
        .filter(|p| p.name() == "error")
        .find_map(|p| StanzaError::try_from(p.clone()).ok())
}

/// What the other side wrote about the error (the first text), raw.
pub fn first_text(e: &StanzaError) -> Option<&str> {
    e.texts.values().next().map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xmpp::util::testing::message;

    #[test]
    fn every_listed_code_is_a_condition_read_from_the_wire() {
        for &c in CODES {
            let xml = format!(
                "<error xmlns='jabber:client' type='cancel'><{} \
                 xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>",
                c.replace('_', "-")
            );
            let el: Element = xml.parse().unwrap_or_else(|e| panic!("{e}"));
            let e = StanzaError::try_from(el).unwrap_or_else(|e| panic!("{c}: {e}"));
            assert_eq!(code(&e.defined_condition), c);
        }
    }

    #[test]
    fn errors_of_a_bounce() {
        let bounce = message(
            "<message xmlns='jabber:client' type='error' from='bob@example.org'>\
             <body>hi</body><error type='cancel'>\
             <service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>\
             <text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>gone fishing</text></error></message>",
        );
        let e = of(&bounce.payloads).unwrap_or_else(|| panic!("an error"));
        assert_eq!(code(&e.defined_condition), "service_unavailable");
        assert_eq!(first_text(&e), Some("gone fishing"));
    }

    #[test]
    fn malformed_errors_are_none() {
        for xml in [
            // No condition; an unknown condition; another namespace.
            "<message xmlns='jabber:client' type='error'><error type='cancel'/></message>",
            "<message xmlns='jabber:client' type='error'><error type='cancel'>\
             <on-fire xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>",
            "<message xmlns='jabber:client' type='error'><error xmlns='urn:other' type='cancel'>\
             <conflict xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>",
            "<message xmlns='jabber:client'/>",
        ] {
            assert!(of(&message(xml).payloads).is_none(), "{xml}");
        }
    }
}
