//! Stable codes for what went wrong: refused certificates and the
//! problems the core reports, each with a plain English sentence.

use super::*;

/// Why a server certificate was refused: a stable code for front-ends (the
/// JSON protocol's `code`), each with a plain English sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CertRefusal {
    /// No certificate the user trusts vouches for it (also a self-signed
    /// certificate that is not itself trusted).
    UnknownIssuer,
    /// Its validity period has ended.
    Expired,
    /// Its validity period has not begun.
    NotYetValid,
    /// It is made out for other names than the server's.
    WrongName,
    /// The account has a pinned certificate and this is a different one.
    PinMismatch,
    /// A CA certificate, issued by a trusted CA, used as a server certificate.
    CaUsedAsEndEntity,
    /// Its issuer revoked it.
    Revoked,
    /// Its signature does not match its issuer's key.
    BadSignature,
    /// It is not meant for TLS servers (extended key usage).
    WrongPurpose,
    /// Anything else: malformed, unsupported algorithm, …
    Invalid,
}

impl CertRefusal {
    /// Every code, for tests and front-ends that list them.
    pub const ALL: [CertRefusal; 10] = [
        CertRefusal::UnknownIssuer,
        CertRefusal::Expired,
        CertRefusal::NotYetValid,
        CertRefusal::WrongName,
        CertRefusal::PinMismatch,
        CertRefusal::CaUsedAsEndEntity,
        CertRefusal::Revoked,
        CertRefusal::BadSignature,
        CertRefusal::WrongPurpose,
        CertRefusal::Invalid,
    ];

    /// The plain English sentence for the code.
    pub fn reason(self) -> &'static str {
        match self {
            CertRefusal::UnknownIssuer => "no certificate authority you trust vouches for it",
            CertRefusal::Expired => "it has expired",
            CertRefusal::NotYetValid => "it is not valid yet (or this computer's clock is wrong)",
            CertRefusal::WrongName => "it is made out for another server name",
            CertRefusal::PinMismatch => {
                "the server's certificate changed: it is not the pinned one (a renewed \
                 certificate, or someone in between)"
            }
            CertRefusal::CaUsedAsEndEntity => {
                "it is a certificate authority's certificate, not a server certificate"
            }
            CertRefusal::Revoked => "it has been revoked",
            CertRefusal::BadSignature => "its signature is not valid",
            CertRefusal::WrongPurpose => "it is not meant for servers",
            CertRefusal::Invalid => "it is malformed or could not be checked",
        }
    }
}

/// What went wrong, for every `error` event: a stable snake_case code (the
/// JSON protocol's `code`) with a plain English sentence. Front-ends
/// translate by the code; the event's `message` carries the specifics.
/// Codes are only ever added, never renamed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Problem {
    /// The account is offline, so the request was not carried out.
    NotConnected,
    /// Reading or writing the account's message store failed.
    StoreFailed,
    /// An address (JID) is malformed or of the wrong kind.
    InvalidAddress,
    /// The request names the account's own address where that makes no sense.
    OwnAddress,
    /// A message or correction without text.
    EmptyMessage,
    /// A new password without characters.
    EmptyPassword,
    /// No such message in the store.
    UnknownMessage,
    /// The message exists but cannot be changed, retried or answered to.
    MessageUnchangeable,
    /// The request needs a joined room.
    NotInRoom,
    /// A file to send cannot be read.
    FileUnreadable,
    /// The message has no file, or its file is not uploaded yet.
    FileUnavailable,
    /// No such file transfer.
    UnknownTransfer,
    /// A file transfer cannot be started.
    TransferFailed,
    /// An export could not be written.
    ExportFailed,
    /// A backup could not be written.
    BackupFailed,
    /// The previous request of the same kind is still under way.
    StillBusy,
    /// The server did not answer in time.
    ServerTimeout,
    /// The server refused parts of a profile change.
    ProfileNotSaved,
    /// A picture cannot be used as avatar.
    AvatarUnusable,
    /// The server's answer could not be read.
    BadServerAnswer,
    /// XML typed into the console is not a stanza.
    InvalidStanza,
    /// The server refused to send the contact list (`condition` says why).
    #[serde(rename = "roster_request")]
    RosterRequest,
    /// The server refused a contact list change (`condition` says why).
    #[serde(rename = "roster_change")]
    RosterChange,
    /// The server refused the avatar (`condition` says why).
    #[serde(rename = "avatar")]
    Avatar,
    /// The server refused the new password (`condition` says why).
    #[serde(rename = "password_change")]
    PasswordChange,
    /// The account stopped working (its store or data directory failed).
    AccountFailed,
    /// No account with that id (or it is not running).
    UnknownAccount,
    /// A headless input line is not a valid command.
    InvalidCommand,
    /// The headless input cannot be read.
    InputUnreadable,
    /// The config file cannot be read or written, or a value in it is wrong.
    ConfigFailed,
    /// An account with that id exists already.
    DuplicateAccount,
    /// The password cannot be stored or fetched, or none was given.
    PasswordUnavailable,
    /// Creating an account on the server failed.
    RegistrationFailed,
    /// The profile's or an account's data directory cannot be used.
    DataDirFailed,
    /// An OMEMO request cannot be carried out (e.g. removing this device
    /// from its own list), or the server refused to publish our device.
    Omemo,
    /// The account sends messages only end-to-end encrypted
    /// (`require_encryption`): encryption cannot be switched off.
    EncryptionRequired,
    /// End-to-end encryption is not possible in this conversation (a
    /// group that is open or semi-anonymous).
    EncryptionUnavailable,
}

impl Problem {
    /// Every code, for tests and front-ends that list them.
    pub const ALL: [Problem; 37] = [
        Problem::NotConnected,
        Problem::StoreFailed,
        Problem::InvalidAddress,
        Problem::OwnAddress,
        Problem::EmptyMessage,
        Problem::EmptyPassword,
        Problem::UnknownMessage,
        Problem::MessageUnchangeable,
        Problem::NotInRoom,
        Problem::FileUnreadable,
        Problem::FileUnavailable,
        Problem::UnknownTransfer,
        Problem::TransferFailed,
        Problem::ExportFailed,
        Problem::BackupFailed,
        Problem::StillBusy,
        Problem::ServerTimeout,
        Problem::ProfileNotSaved,
        Problem::AvatarUnusable,
        Problem::BadServerAnswer,
        Problem::InvalidStanza,
        Problem::RosterRequest,
        Problem::RosterChange,
        Problem::Avatar,
        Problem::PasswordChange,
        Problem::AccountFailed,
        Problem::UnknownAccount,
        Problem::InvalidCommand,
        Problem::InputUnreadable,
        Problem::ConfigFailed,
        Problem::DuplicateAccount,
        Problem::PasswordUnavailable,
        Problem::RegistrationFailed,
        Problem::DataDirFailed,
        Problem::Omemo,
        Problem::EncryptionRequired,
        Problem::EncryptionUnavailable,
    ];

    /// The stable code, as serialised.
    pub fn code(self) -> &'static str {
        match self {
            Problem::NotConnected => "not_connected",
            Problem::StoreFailed => "store_failed",
            Problem::InvalidAddress => "invalid_address",
            Problem::OwnAddress => "own_address",
            Problem::EmptyMessage => "empty_message",
            Problem::EmptyPassword => "empty_password",
            Problem::UnknownMessage => "unknown_message",
            Problem::MessageUnchangeable => "message_unchangeable",
            Problem::NotInRoom => "not_in_room",
            Problem::FileUnreadable => "file_unreadable",
            Problem::FileUnavailable => "file_unavailable",
            Problem::UnknownTransfer => "unknown_transfer",
            Problem::TransferFailed => "transfer_failed",
            Problem::ExportFailed => "export_failed",
            Problem::BackupFailed => "backup_failed",
            Problem::StillBusy => "still_busy",
            Problem::ServerTimeout => "server_timeout",
            Problem::ProfileNotSaved => "profile_not_saved",
            Problem::AvatarUnusable => "avatar_unusable",
            Problem::BadServerAnswer => "bad_server_answer",
            Problem::InvalidStanza => "invalid_stanza",
            Problem::RosterRequest => "roster_request",
            Problem::RosterChange => "roster_change",
            Problem::Avatar => "avatar",
            Problem::PasswordChange => "password_change",
            Problem::AccountFailed => "account_failed",
            Problem::UnknownAccount => "unknown_account",
            Problem::InvalidCommand => "invalid_command",
            Problem::InputUnreadable => "input_unreadable",
            Problem::ConfigFailed => "config_failed",
            Problem::DuplicateAccount => "duplicate_account",
            Problem::PasswordUnavailable => "password_unavailable",
            Problem::RegistrationFailed => "registration_failed",
            Problem::DataDirFailed => "data_dir_failed",
            Problem::Omemo => "omemo",
            Problem::EncryptionRequired => "encryption_required",
            Problem::EncryptionUnavailable => "encryption_unavailable",
        }
    }

    /// The problem from its code; `None` for codes of a newer core.
    pub fn from_code(code: &str) -> Option<Problem> {
        Problem::ALL.into_iter().find(|p| p.code() == code)
    }

    /// The plain English sentence for the code.
    pub fn sentence(self) -> &'static str {
        match self {
            Problem::NotConnected => "The account is not connected.",
            Problem::StoreFailed => "The message store could not be read or written.",
            Problem::InvalidAddress => "The address is not valid.",
            Problem::OwnAddress => "That is this account's own address.",
            Problem::EmptyMessage => "The message is empty.",
            Problem::EmptyPassword => "The new password is empty.",
            Problem::UnknownMessage => "The message was not found.",
            Problem::MessageUnchangeable => "The message cannot be changed.",
            Problem::NotInRoom => "You are not in the room.",
            Problem::FileUnreadable => "The file cannot be read.",
            Problem::FileUnavailable => "The file is not available.",
            Problem::UnknownTransfer => "The file transfer was not found.",
            Problem::TransferFailed => "The file transfer could not be started.",
            Problem::ExportFailed => "The export could not be written.",
            Problem::BackupFailed => "The backup could not be written.",
            Problem::StillBusy => "The previous change is still being saved; try again.",
            Problem::ServerTimeout => "The server did not answer in time.",
            Problem::ProfileNotSaved => "The profile was not saved.",
            Problem::AvatarUnusable => "The picture cannot be used as avatar.",
            Problem::BadServerAnswer => "The server's answer could not be read.",
            Problem::InvalidStanza => "The XML is not a valid stanza.",
            Problem::RosterRequest => "The server refused to send the contact list.",
            Problem::RosterChange => "The server refused the change.",
            Problem::Avatar => "The server refused the avatar.",
            Problem::PasswordChange => "The server refused the new password.",
            Problem::AccountFailed => "The account stopped working.",
            Problem::UnknownAccount => "There is no such account.",
            Problem::InvalidCommand => "The command is not valid.",
            Problem::InputUnreadable => "The input cannot be read.",
            Problem::ConfigFailed => "The configuration could not be used.",
            Problem::DuplicateAccount => "An account with this id exists already.",
            Problem::PasswordUnavailable => "The password is not available.",
            Problem::RegistrationFailed => "The account could not be created on the server.",
            Problem::DataDirFailed => "The data folder cannot be used.",
            Problem::Omemo => "The encryption request could not be carried out.",
            Problem::EncryptionRequired => "This account sends messages only end-to-end encrypted.",
            Problem::EncryptionUnavailable => {
                "End-to-end encryption is not possible here: the group is not members-only and non-anonymous."
            }
        }
    }
}
