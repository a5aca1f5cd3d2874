//! In-band registration (XEP-0077): creating an account on the server from
//! the add-account dialog. The server says which fields it wants, either as
//! a data form (XEP-0004) or as the legacy fixed fields.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use tokio_xmpp::Stanza;
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::data_forms::{DataForm, DataFormType, Field, FieldType};
use tokio_xmpp::parsers::iq::Iq;
use tokio_xmpp::parsers::ns;
use tokio_xmpp::parsers::stanza_error::DefinedCondition;
use tokio_xmpp::xmlstream::{FallibleStreamElement, ReadError, XmppStreamElement};

use super::connect::{ConnectError, Endpoint, SecureStream, open_secure};
use super::link::LinkControl;
use super::tls;
use crate::api::RegistrationField;

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

/// What the server asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    pub instructions: Option<String>,
    pub fields: Vec<RegistrationField>,
    /// Whether to answer with a data form (else the legacy fields).
    data_form: bool,
}

/// Connects (TLS, no login) and asks the server for its registration form.
pub async fn fetch_form(
    endpoint: &Endpoint,
    ca_file: Option<&std::path::Path>,
    pinned: Option<&str>,
) -> Result<Form, RegisterError> {
    let mut stream = open(endpoint, ca_file, pinned).await?;
    let reply = request_form(&mut stream).await?;
    parse_form(reply)
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
    let query = if form.data_form {
        let fields = form
            .fields
            .iter()
            .filter(|f| f.var != "FORM_TYPE")
            .map(|f| {
                let mut field = Field::new(&f.var, FieldType::TextSingle);
                field.values = value_of(&f.var).into_iter().collect();
                field
            })
            .collect();
        let form = DataForm::new(DataFormType::Submit, ns::REGISTER, fields);
        Element::builder("query", ns::REGISTER)
            .append(Element::from(form))
            .build()
    } else {
        let mut query = Element::builder("query", ns::REGISTER);
        for f in &form.fields {
            query = query.append(
                Element::builder(f.var.as_str(), ns::REGISTER)
                    .append(value_of(&f.var).unwrap_or_default())
                    .build(),
            );
        }
        query.build()
    };
    let iq = Iq::Set {
        from: None,
        to: None,
        id: "reg-submit".into(),
        payload: query,
    };
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
    let iq = Iq::Get {
        from: None,
        to: None,
        id: "reg-form".into(),
        payload: Element::builder("query", ns::REGISTER).build(),
    };
    request_iq(stream, iq).await
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

/// Reads the server's registration query: a data form if there is one,
/// else the legacy field elements.
pub(crate) fn parse_form(payload: Option<Element>) -> Result<Form, RegisterError> {
    let query = payload.ok_or_else(|| RegisterError::Protocol("empty answer".into()))?;
    if query.has_child("registered", ns::REGISTER) {
        return Err(RegisterError::Taken);
    }
    let instructions = query
        .get_child("instructions", ns::REGISTER)
        .map(|i| i.text())
        .filter(|t| !t.trim().is_empty());
    if let Some(x) = query.get_child("x", ns::DATA_FORMS)
        && let Ok(form) = DataForm::try_from(x.clone())
    {
        let fields = form
            .fields
            .iter()
            .filter_map(|f| {
                let var = f.var.clone()?;
                Some(RegistrationField {
                    label: f.label.clone(),
                    kind: field_kind(&f.type_).into(),
                    required: f.required || var == "username" || var == "password",
                    value: f.values.first().cloned(),
                    options: f.options.iter().map(|o| o.value.clone()).collect(),
                    var,
                })
            })
            .collect();
        return Ok(Form {
            instructions: form.instructions.or(instructions),
            fields,
            data_form: true,
        });
    }
    let fields = query
        .children()
        .filter(|c| !matches!(c.name(), "instructions" | "registered" | "remove"))
        .map(|c| RegistrationField {
            var: c.name().to_owned(),
            label: None,
            kind: if c.name() == "password" {
                "text-private".into()
            } else {
                "text-single".into()
            },
            // In the legacy protocol every listed field is required.
            required: true,
            value: Some(c.text()).filter(|t| !t.is_empty()),
            options: Vec::new(),
        })
        .collect();
    Ok(Form {
        instructions,
        fields,
        data_form: false,
    })
}

fn field_kind(t: &FieldType) -> &'static str {
    match t {
        FieldType::Boolean => "boolean",
        FieldType::Fixed => "fixed",
        FieldType::Hidden => "hidden",
        FieldType::JidMulti => "jid-multi",
        FieldType::JidSingle => "jid-single",
        FieldType::ListMulti => "list-multi",
        FieldType::ListSingle => "list-single",
        FieldType::TextMulti => "text-multi",
        FieldType::TextPrivate => "text-private",
        FieldType::TextSingle => "text-single",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(xml: &str) -> Result<Form, RegisterError> {
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
