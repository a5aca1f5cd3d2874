//! Stable widget ids, for keyboard focus, scrolling and `iced_test` selectors
//! (text selectors break under translation; ids do not).

pub const SIDEBAR: &str = "sidebar";
pub const ADD_ACCOUNT: &str = "add-account";
pub const WELCOME_ADD_ACCOUNT: &str = "welcome-add-account";
pub const MESSAGES: &str = "messages";
pub const COMPOSER: &str = "composer";
pub const SEND: &str = "send";
pub const BANNER_DISMISS: &str = "banner-dismiss";

pub mod dialog {
    pub const ID: &str = "dialog-id";
    pub const JID: &str = "dialog-jid";
    pub const PASSWORD: &str = "dialog-password";
    pub const USE_COMMAND: &str = "dialog-use-command";
    pub const COMMAND: &str = "dialog-command";
    pub const LABEL: &str = "dialog-label";
    pub const ADVANCED: &str = "dialog-advanced";
    pub const HOST: &str = "dialog-host";
    pub const PORT: &str = "dialog-port";
    pub const CA_FILE: &str = "dialog-ca-file";
    pub const PINNED: &str = "dialog-pinned";
    pub const SUBMIT: &str = "dialog-submit";
    pub const CANCEL: &str = "dialog-cancel";
}

/// The "Reconnect" button of an account.
pub fn reconnect(account: &str) -> String {
    format!("reconnect:{account}")
}

/// A contact/conversation row in the sidebar.
pub fn contact(account: &str, jid: &str) -> String {
    format!("contact:{account}:{jid}")
}

/// A colour swatch in the add-account dialog.
pub fn swatch(index: usize) -> String {
    format!("dialog-swatch-{index}")
}

/// The "Retry" button of a failed message.
pub fn retry(message_id: &str) -> String {
    format!("retry:{message_id}")
}
