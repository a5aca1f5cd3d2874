//! In-band registration (XEP-0077): the form a server asks to be filled in
//! to create an account — a data form (XEP-0004) if it sends one, else the
//! legacy field elements — and our answer in the same shape. The stream it
//! runs on (TLS, no login) is the account's (`account/register.rs`).

use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::data_forms::{DataForm, DataFormType, Field as FormField, FieldType};
use tokio_xmpp::parsers::iq::Iq;
use tokio_xmpp::parsers::ns;

use super::util::raw_iq;

/// One field the server asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Its name; `username` and `password` are the account's.
    pub var: String,
    pub label: Option<String>,
    /// XEP-0004 field type: `text-single`, `text-private`, `boolean`, …
    pub kind: &'static str,
    pub required: bool,
    /// A value the server fills in (e.g. a hidden FORM_TYPE).
    pub value: Option<String>,
    pub options: Vec<String>,
}

/// What the server asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    pub instructions: Option<String>,
    pub fields: Vec<Field>,
    /// Whether to answer with a data form (else the legacy fields).
    pub data_form: bool,
}

/// Why a registration answer is no form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormError {
    /// The server says the account exists already (`<registered/>`).
    Taken,
    /// An empty answer.
    Empty,
}

/// The request for the form.
pub fn form_request(id: &str) -> Iq {
    raw_iq(id, false, None, Element::bare("query", ns::REGISTER))
}

/// Reads the server's registration query: a data form if there is one,
/// else the legacy field elements.
pub fn parse_form(payload: Option<Element>) -> Result<Form, FormError> {
    let query = payload.ok_or(FormError::Empty)?;
    if query.has_child("registered", ns::REGISTER) {
        return Err(FormError::Taken);
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
                Some(Field {
                    label: f.label.clone(),
                    kind: field_kind(&f.type_),
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
        .map(|c| Field {
            var: c.name().to_owned(),
            label: None,
            kind: if c.name() == "password" {
                "text-private"
            } else {
                "text-single"
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

/// Our answer to `form`, each field's value from `value_of` (by `var`), in
/// the shape the server asked for.
pub fn submission(id: &str, form: &Form, value_of: impl Fn(&str) -> Option<String>) -> Iq {
    let query = if form.data_form {
        let fields = form
            .fields
            .iter()
            .filter(|f| f.var != "FORM_TYPE")
            .map(|f| {
                let mut field = FormField::new(&f.var, FieldType::TextSingle);
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
        // The legacy fields are the server's own element names: valid.
        for f in &form.fields {
            query = query.append(
                Element::builder(f.var.as_str(), ns::REGISTER)
                    .append(value_of(&f.var).unwrap_or_default())
                    .build(),
            );
        }
        query.build()
    };
    raw_iq(id, true, None, query)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(xml: &str) -> Result<Form, FormError> {
        parse_form(Some(xml.parse().unwrap_or_else(|e| panic!("{e}"))))
    }

    fn payload(iq: Iq) -> Element {
        match iq {
            Iq::Set { payload, .. } | Iq::Get { payload, .. } => payload,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn data_form_answers_read_back() {
        let f = form(
            "<query xmlns='jabber:iq:register'>\
             <x xmlns='jabber:x:data' type='form'>\
             <field var='FORM_TYPE' type='hidden'><value>jabber:iq:register</value></field>\
             <field var='username' type='text-single'/>\
             <field var='password' type='text-private'/>\
             <field var='email' type='text-single'/></x></query>",
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        let answer = payload(submission("s1", &f, |var| Some(format!("{var}!"))));
        let x = answer
            .get_child("x", ns::DATA_FORMS)
            .unwrap_or_else(|| panic!("no form"));
        let sent = DataForm::try_from(x.clone()).unwrap_or_else(|e| panic!("{e}"));
        let values: Vec<(String, Vec<String>)> = sent
            .fields
            .iter()
            .filter(|f| f.var.as_deref() != Some("FORM_TYPE"))
            .map(|f| (f.var.clone().unwrap_or_default(), f.values.clone()))
            .collect();
        assert_eq!(
            values,
            [
                ("username".to_owned(), vec!["username!".to_owned()]),
                ("password".to_owned(), vec!["password!".to_owned()]),
                ("email".to_owned(), vec!["email!".to_owned()]),
            ]
        );
        assert_eq!(sent.form_type(), Some(ns::REGISTER));
    }

    #[test]
    fn legacy_answers_read_back() {
        let f = form("<query xmlns='jabber:iq:register'><username/><password/></query>")
            .unwrap_or_else(|e| panic!("{e:?}"));
        let answer = payload(submission("s1", &f, |var| {
            (var == "username").then(|| "al".into())
        }));
        // What we send is the legacy form again, filled in.
        let back = parse_form(Some(answer)).unwrap_or_else(|e| panic!("{e:?}"));
        assert!(!back.data_form);
        assert_eq!(
            back.fields
                .iter()
                .map(|f| (f.var.as_str(), f.value.as_deref()))
                .collect::<Vec<_>>(),
            [("username", Some("al")), ("password", None)]
        );
        assert!(payload(form_request("f1")).is("query", ns::REGISTER));
    }

    #[test]
    fn malformed_forms() {
        assert_eq!(parse_form(None), Err(FormError::Empty));
        assert_eq!(
            form("<query xmlns='jabber:iq:register'><registered/></query>"),
            Err(FormError::Taken)
        );
        // A broken data form falls back to the legacy fields; fields
        // without a var are left out.
        let f = form(
            "<query xmlns='jabber:iq:register'><username/>\
             <x xmlns='jabber:x:data' type='nonsense'/></query>",
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        assert!(!f.data_form);
        let f = form(
            "<query xmlns='jabber:iq:register'><x xmlns='jabber:x:data' type='form'>\
             <field type='text-single'/><field var='username'/></x></query>",
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(f.fields.len(), 1);
        assert!(f.fields[0].required);
    }
}
