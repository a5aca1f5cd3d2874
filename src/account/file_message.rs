//! Files in received messages as the store keeps them: what
//! [`xmpp::file_message`](crate::xmpp::file_message) read, with a name made
//! safe to store ([`crate::files::names`]), available for download.

use tokio_xmpp::parsers::message::Message;

use crate::api::TransferState;
use crate::files::names;
use crate::store::NewFile;
use crate::xmpp::file_message::{self, FileInfo};

/// The store's row of a received file.
pub fn new_file(f: FileInfo) -> NewFile {
    NewFile {
        name: names::sanitize(&f.name),
        size: f.size,
        media_type: f.media_type,
        url: Some(f.url),
        sha256: f.sha256,
        source: None,
        transfer: TransferState::Available,
    }
}

/// The file a received message with `body` carries (see
/// [`file_message::parse`]).
pub fn parse(msg: &Message, body: &str) -> Option<NewFile> {
    file_message::parse(msg, body).map(new_file)
}

/// The file of an OMEMO message whose decrypted body is an `aesgcm://`
/// link (see [`file_message::from_encrypted_body`]).
pub fn from_encrypted_body(body: &str) -> Option<NewFile> {
    file_message::from_encrypted_body(body).map(new_file)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xmpp::util::testing::message;

    #[test]
    fn hostile_names_are_made_safe() {
        let msg = message(
            "<message xmlns='jabber:client' type='chat' from='eve@example.org/pc'>\
             <body>x</body>\
             <file-sharing xmlns='urn:xmpp:sfs:0'><file xmlns='urn:xmpp:file:metadata:0'>\
             <name>../../.bashrc</name><size>7</size></file>\
             <sources><url-data xmlns='http://jabber.org/protocol/url-data' target='https://h.example/f'/></sources>\
             </file-sharing></message>",
        );
        let file = parse(&msg, "x").unwrap_or_else(|| panic!("a file"));
        assert_eq!(file.name, "bashrc");
        assert_eq!(file.size, Some(7));
        assert_eq!(file.url.as_deref(), Some("https://h.example/f"));
        assert_eq!(file.source, None);
        assert_eq!(file.transfer, TransferState::Available);
        let from_url = message(
            "<message xmlns='jabber:client' type='chat' from='eve@example.org/pc'>\
             <body>https://a/b/..%2F..%2Fx</body>\
             <x xmlns='jabber:x:oob'><url>https://a/b/..%2F..%2Fx</url></x></message>",
        );
        let file = parse(&from_url, "https://a/b/..%2F..%2Fx");
        assert_eq!(file.map(|f| f.name).as_deref(), Some("x"));
    }
}
