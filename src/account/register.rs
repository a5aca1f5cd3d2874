//! In-band registration (XEP-0077): creating an account on the server from
//! the add-account dialog. The server says which fields it wants, either as
//! a data form (XEP-0004) or as the legacy fixed fields (read and answered
//! in [`xmpp::register`](crate::xmpp::register)); here the unauthenticated
//! stream it runs on.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use tokio_xmpp::Stanza;
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::iq::Iq;
use tokio_xmpp::parsers::stanza_error::DefinedCondition;
use tokio_xmpp::xmlstream::{FallibleStreamElement, ReadError, XmppStreamElement};

use super::connect::{ConnectError, Endpoint, SecureStream, open_secure};
use super::link::LinkControl;
use super::tls;
use crate::api::RegistrationField;
use crate::xmpp::register;

/// How long the server may take to answer one registration request.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(20);

#[derive(Debug, thiserror::Error)]
pub enum RegisterError {
    #[error(transparent)]
    Connect(#[from] ConnectError),
    #[error("the server does not allow creating accounts here (in-band registration is off)")]
    NotOffered,
    #[error("the user name is already taken")]
    Taken,
    #[error("the server did not accept the registration: {0}")]
    Refused(String),
    #[error("the server's answer could not be read: {0}")]
    Protocol(String),
}

/// What the server asks for, in the front-ends' terms.
#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    pub instructions: Option<String>,
    pub fields: Vec<RegistrationField>,
}

impl From<&register::Form> for Form {
    fn from(f: &register::Form) -> Self {
        Form {
            instructions: f.instructions.clone(),
            fields: f
                .fields
                .iter()
                .map(|f| RegistrationField {
                    var: f.var.clone(),
                    label: f.label.clone(),
                    kind: f.kind.to_owned(),
                    required: f.required,
                    value: f.value.clone(),
                    options: f.options.clone(),
                })
                .collect(),
        }
    }
}

/// Connects (TLS, no login) and asks the server for its registration form.
pub async fn fetch_form(
    endpoint: &Endpoint,
    ca_file: Option<&std::path::Path>,
    pinned: Option<&str>,
) -> Result<Form, RegisterError> {
    let mut stream = open(endpoint, ca_file, pinned).await?;
    let reply = request_form(&mut stream).await?;
    parse_form(reply).map(|f| Form::from(&f))
}

/// Registers `endpoint.jid` with `password` and the user's answers to the
/// other fields (by `var`).
pub async fn register(
    endpoint: &Endpoint,
    password: &str,
    answers: &BTreeMap<String, String>,
    ca_file: Option<&std::path::Path>,
    pinned: Option<&str>,
) -> Result<(), RegisterError> {
    let mut stream = open(endpoint, ca_file, pinned).await?;
    let reply = request_form(&mut stream).await?;
    let form = parse_form(reply)?;
    let username = endpoint
        .jid
        .node()
        .map(|n| n.as_str().to_owned())
        .unwrap_or_default();
    let value_of = |var: &str| match var {
        "username" => Some(username.clone()),
        "password" => Some(password.to_owned()),
        other => answers.get(other).cloned(),
    };
    let iq = register::submission("reg-submit", &form, value_of);
    request_iq(&mut stream, iq).await.map(|_| ())
}

async fn open(
    endpoint: &Endpoint,
    ca_file: Option<&std::path::Path>,
    pinned: Option<&str>,
) -> Result<SecureStream, RegisterError> {
    let failure = tls::FailureSlot::default();
    let config = tls::client_config(ca_file, pinned, failure.clone())
        .map_err(|e| ConnectError::Setup(e.to_string()))?;
    let link = Arc::new(LinkControl::default());
    let secure = open_secure(endpoint, config, &failure, &link).await?;
    if !secure.features.in_band_registration {
        return Err(RegisterError::NotOffered);
    }
    Ok(secure)
}

/// Asks for the registration form: `<query xmlns='jabber:iq:register'/>`.
async fn request_form(stream: &mut SecureStream) -> Result<Option<Element>, RegisterError> {
    request_iq(stream, register::form_request("reg-form")).await
}

/// Sends an IQ on the unauthenticated stream and waits for its answer.
async fn request_iq(stream: &mut SecureStream, iq: Iq) -> Result<Option<Element>, RegisterError> {
    let id = match &iq {
        Iq::Get { id, .. } | Iq::Set { id, .. } | Iq::Result { id, .. } | Iq::Error { id, .. } => {
            id.clone()
        }
    };
    let protocol = |e: &dyn std::fmt::Display| RegisterError::Protocol(e.to_string());
    stream
        .stream
        .send(&XmppStreamElement::Stanza(Stanza::Iq(iq)))
        .await
        .map_err(|e| protocol(&e))?;
    let answer = async {
        loop {
            let next: Option<Result<XmppStreamElement, ReadError>> = stream
                .stream
                .next()
                .await
                .map(|v| v.and_then(FallibleStreamElement::into_read_error));
            match next {
                Some(Ok(XmppStreamElement::Stanza(Stanza::Iq(reply)))) => match reply {
                    Iq::Result {
                        id: rid, payload, ..
                    } if rid == id => return Ok(payload),
                    Iq::Error { id: rid, error, .. } if rid == id => {
                        return Err(match error.defined_condition {
                            DefinedCondition::Conflict => RegisterError::Taken,
                            DefinedCondition::NotAllowed
                            | DefinedCondition::ServiceUnavailable
                            | DefinedCondition::FeatureNotImplemented => RegisterError::NotOffered,
                            _ => RegisterError::Refused(super::stanza_error::describe(&error)),
                        });
                    }
                    _ => {}
                },
                Some(Ok(_)) | Some(Err(ReadError::SoftTimeout)) => {}
                Some(Err(e)) => return Err(protocol(&e)),
                None => return Err(protocol(&"the server closed the connection")),
            }
        }
    };
    tokio::time::timeout(ANSWER_TIMEOUT, answer)
        .await
        .unwrap_or_else(|_| Err(protocol(&"no answer from the server")))
}

/// Reads the server's registration query (see [`register::parse_form`]).
pub(crate) fn parse_form(payload: Option<Element>) -> Result<register::Form, RegisterError> {
    register::parse_form(payload).map_err(|e| match e {
        register::FormError::Taken => RegisterError::Taken,
        register::FormError::Empty => RegisterError::Protocol("empty answer".into()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(xml: &str) -> Result<register::Form, RegisterError> {
        parse_form(Some(xml.parse().unwrap()))
    }

    #[test]
    fn reads_data_forms_and_legacy_fields() {
        let f = form(
            "<query xmlns='jabber:iq:register'><instructions>Fill in</instructions>\
             <username/><password/>\
             <x xmlns='jabber:x:data' type='form'>\
             <field var='FORM_TYPE' type='hidden'><value>jabber:iq:register</value></field>\
             <field var='username' type='text-single' label='User'><required/></field>\
             <field var='password' type='text-private'/>\
             <field var='email' type='text-single' label='E-mail'/></x></query>",
        )
        .unwrap();
        assert!(f.data_form);
        let vars: Vec<&str> = f.fields.iter().map(|f| f.var.as_str()).collect();
        assert_eq!(vars, ["FORM_TYPE", "username", "password", "email"]);
        assert_eq!(f.fields[2].kind, "text-private");
        assert!(f.fields[2].required);
        assert!(!f.fields[3].required);

        let f = form("<query xmlns='jabber:iq:register'><username/><password/><email/></query>")
            .unwrap();
        assert!(!f.data_form);
        assert_eq!(f.fields.len(), 3);
        assert!(matches!(
            form("<query xmlns='jabber:iq:register'><registered/></query>"),
            Err(RegisterError::Taken)
        ));
    }
}
