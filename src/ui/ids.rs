//! Stable widget ids, for keyboard focus, scrolling and `iced_test` selectors
//! (text selectors break under translation; ids do not).

pub const SIDEBAR: &str = "sidebar";
pub const ADD_ACCOUNT: &str = "add-account";
pub const WELCOME_ADD_ACCOUNT: &str = "welcome-add-account";
pub const MESSAGES: &str = "messages";
pub const COMPOSER: &str = "composer";
/// The bar of a pasted picture waiting to be sent.
pub const PASTED: &str = "pasted";
pub const PASTED_SEND: &str = "pasted-send";
pub const PASTED_DISCARD: &str = "pasted-discard";
pub const SEND: &str = "send";
/// The composer's attach (send a file) button.
pub const ATTACH: &str = "attach";
/// The composer's end-to-end encryption switch.
pub const ENCRYPTION: &str = "encryption";
/// The note above a group's composer naming members who cannot read it.
pub const UNREACHABLE: &str = "unreachable";
pub const BANNER_DISMISS: &str = "banner-dismiss";
pub const ACCOUNT_FILTER_ALL: &str = "account-filter-all";

pub mod dialog {
    pub const ID: &str = "dialog-id";
    pub const JID: &str = "dialog-jid";
    pub const PASSWORD: &str = "dialog-password";
    pub const USE_COMMAND: &str = "dialog-use-command";
    pub const CREATE: &str = "dialog-create";
    pub const COMMAND: &str = "dialog-command";
    pub const LABEL: &str = "dialog-label";
    pub const ADVANCED: &str = "dialog-advanced";
    pub const HOST: &str = "dialog-host";
    pub const PORT: &str = "dialog-port";
    pub const CA_FILE: &str = "dialog-ca-file";
    pub const PINNED: &str = "dialog-pinned";
    pub const SUBMIT: &str = "dialog-submit";
    pub const CANCEL: &str = "dialog-cancel";

    /// An extra field of the server's registration form.
    pub fn answer(index: usize) -> String {
        format!("dialog-answer-{index}")
    }
}

pub mod settings {
    pub const CLOSE: &str = "settings-close";
    pub const LABEL: &str = "settings-label";
    pub const ENABLED: &str = "settings-enabled";
    pub const SEND_RECEIPTS: &str = "settings-send-receipts";
    pub const SEND_TYPING: &str = "settings-send-typing";
    pub const SEND_READ_MARKERS: &str = "settings-send-read-markers";
    pub const NOTIFICATIONS: &str = "settings-notifications";
    pub const NOTIFICATION_TEXT: &str = "settings-notification-text";
    pub const HOST: &str = "settings-host";
    pub const PORT: &str = "settings-port";
    pub const CA_FILE: &str = "settings-ca-file";
    pub const PINNED: &str = "settings-pinned";
    pub const RESOURCE: &str = "settings-resource";
    pub const PRIORITY: &str = "settings-priority";
    pub const SAVE: &str = "settings-save";
    pub const NEW_PASSWORD: &str = "settings-new-password";
    pub const CHANGE_PASSWORD: &str = "settings-change-password";
    pub const SERVER_INFO: &str = "settings-server-info";
    pub const CONSOLE: &str = "settings-console";
    pub const REMOVE: &str = "settings-remove";
    pub const REMOVE_CONFIRM: &str = "settings-remove-confirm";
    pub const TRUST_CERT: &str = "settings-trust-cert";
    pub const EDIT_PROFILE: &str = "settings-edit-profile";
    pub const AUTO_DOWNLOAD: &str = "settings-auto-download";
    pub const AUTO_DOWNLOAD_MAX: &str = "settings-auto-download-max";
    pub const DOWNLOAD_DIR: &str = "settings-download-dir";
    pub const DIRECT_FIRST: &str = "settings-direct-first";
    pub const KEEP_DAYS: &str = "settings-keep-days";
    pub const EXPORT: &str = "settings-export";
    pub const STORE_PASSWORD: &str = "settings-store-password";

    /// A colour swatch (the dialog may be open over the settings).
    pub fn swatch(index: usize) -> String {
        format!("settings-swatch-{index}")
    }
}

/// The button back to the newest messages after jumping to an older one.
pub const NEWEST: &str = "chat-newest";

pub mod search {
    pub const INPUT: &str = "search-input";
    pub const CLOSE: &str = "search-close";
    pub const WIDEN: &str = "search-widen";
    pub const RESULTS: &str = "search-results";

    /// A result: a message of an account.
    pub fn hit(account: &str, id: &str) -> String {
        format!("search-hit-{account}-{id}")
    }

    /// A completion of the filter value being typed.
    pub fn suggestion(index: usize) -> String {
        format!("search-suggestion-{index}")
    }
}

pub mod console {
    pub const LIST: &str = "console-list";
    pub const FILTER: &str = "console-filter";
    pub const RAW: &str = "console-raw";
    pub const SEND: &str = "console-send";
    pub const CLOSE: &str = "console-close";
}

/// The settings (gear) button of an account.
pub fn settings(account: &str) -> String {
    format!("settings:{account}")
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

/// The action row of a selected message.
/// A moderator's "Remove" in a room message's actions.
pub fn moderate(message_id: &str) -> String {
    format!("moderate:{message_id}")
}

pub fn actions(message_id: &str) -> String {
    format!("actions:{message_id}")
}

/// "Delete here" in a message's actions.
pub fn delete_here(message_id: &str) -> String {
    format!("delete-here:{message_id}")
}

/// The confirmation of "Delete here".
pub fn delete_here_confirm(message_id: &str) -> String {
    format!("delete-here-confirm:{message_id}")
}

/// The mute toggle in the conversation header.
pub const MUTE: &str = "mute";

/// The "Retry" button of a failed message.
pub fn retry(message_id: &str) -> String {
    format!("retry:{message_id}")
}

/// The sidebar chip that shows only this account.
pub fn account_filter(account: &str) -> String {
    format!("account-filter:{account}")
}

/// The search field above the sidebar's lists.
pub const SIDEBAR_FILTER: &str = "sidebar-filter";
/// The "hide offline contacts" toggle.
pub const HIDE_OFFLINE: &str = "hide-offline";
/// The "add contact" button.
pub const ADD_CONTACT: &str = "add-contact";
/// The "status for all accounts" button.
pub const PRESENCE_ALL: &str = "presence-all";
/// The details button in the conversation header.
pub const DETAILS: &str = "details";

/// The own-presence button of an account.
pub fn own_presence(account: &str) -> String {
    format!("own-presence:{account}")
}

/// Accept (true) or deny a subscription request.
pub fn answer_subscription(account: &str, jid: &str, accept: bool) -> String {
    let verb = if accept { "accept" } else { "deny" };
    format!("subscription-{verb}:{account}:{jid}")
}

/// The "unblock" button of a blocked JID in the settings.
pub fn unblock(jid: &str) -> String {
    format!("unblock:{jid}")
}

pub mod add_contact {
    pub const JID: &str = "add-contact-jid";
    pub const NAME: &str = "add-contact-name";
    pub const GROUPS: &str = "add-contact-groups";
    pub const PREAPPROVE: &str = "add-contact-preapprove";
    pub const SUBMIT: &str = "add-contact-submit";
    pub const CANCEL: &str = "add-contact-cancel";
}

pub mod details {
    pub const NAME: &str = "details-name";
    pub const GROUPS: &str = "details-groups";
    pub const SAVE: &str = "details-save";
    pub const BLOCK: &str = "details-block";
    pub const REMOVE: &str = "details-remove";
    pub const REMOVE_CONFIRM: &str = "details-remove-confirm";
    pub const OPEN_CHAT: &str = "details-open-chat";
    pub const CLOSE: &str = "details-close";
    pub const SCROLL: &str = "details-scroll";
    pub const EXPORT: &str = "details-export";
    pub const DELETE_HISTORY: &str = "details-delete-history";
}

/// The history dialogs: export (format, then where) and deleting a
/// conversation's history.
pub mod history {
    pub const CHOOSE: &str = "history-choose";
    pub const CANCEL: &str = "history-cancel";
    pub const DELETE_CONFIRM: &str = "history-delete-confirm";

    /// The radio button of an export format.
    pub fn format(format: crate::api::ExportFormat) -> String {
        format!("history-format:{}", format.extension())
    }
}

/// The app menu under the sidebar (backup, export everything, restore)
/// and its dialogs.
pub mod backup {
    pub const MENU: &str = "app-menu";
    pub const BACKUP: &str = "app-menu-backup";
    pub const EXPORT_ALL: &str = "app-menu-export-all";
    pub const RESTORE: &str = "app-menu-restore";
    /// "Restore from a backup…" on the welcome screen.
    pub const WELCOME_RESTORE: &str = "welcome-restore";
    pub const INCLUDE_FILES: &str = "backup-include-files";
    pub const REPLACE: &str = "backup-replace";
    pub const CHOOSE: &str = "backup-choose";
    pub const CANCEL: &str = "backup-cancel";
}

pub mod devices {
    pub const URI: &str = "devices-uri";
    pub const VERIFY_URI: &str = "devices-verify-uri";
    pub const RESULT: &str = "devices-result";
    pub const BANNER: &str = "devices-banner";
    pub const BANNER_OPEN: &str = "devices-banner-open";
    pub const OMEMO: &str = "settings-omemo";
    pub const REQUIRE: &str = "settings-require-encryption";

    /// A device's buttons; `key` is `<id>-<version>`.
    pub fn verify(key: &str) -> String {
        format!("device-verify-{key}")
    }
    pub fn blind(key: &str) -> String {
        format!("device-blind-{key}")
    }
    pub fn distrust(key: &str) -> String {
        format!("device-distrust-{key}")
    }
    pub fn remove(key: &str) -> String {
        format!("device-remove-{key}")
    }

    pub fn reset(key: &str) -> String {
        format!("device-reset-{key}")
    }
}

pub mod own_profile {
    pub const NICK: &str = "profile-nick";
    pub const FULL_NAME: &str = "profile-full-name";
    pub const ORGANIZATION: &str = "profile-organization";
    pub const TITLE: &str = "profile-title";
    pub const EMAILS: &str = "profile-emails";
    pub const PHONES: &str = "profile-phones";
    pub const URLS: &str = "profile-urls";
    pub const NOTE: &str = "profile-note";
    pub const AVATAR_PATH: &str = "profile-avatar-path";
    pub const SET_AVATAR: &str = "profile-set-avatar";
    pub const REMOVE_AVATAR: &str = "profile-remove-avatar";
    pub const SAVE: &str = "profile-save";
    pub const CLOSE: &str = "profile-close";
}

pub mod presence {
    pub const STATUS: &str = "presence-status";
    pub const AWAY_MINUTES: &str = "presence-away-minutes";
    pub const APPLY: &str = "presence-apply";

    /// One of the presence choices.
    pub fn choice(p: crate::api::Availability) -> String {
        format!("presence-choice:{p:?}")
    }
}

pub mod blocklist {
    pub const JID: &str = "blocklist-jid";
    pub const BLOCK: &str = "blocklist-block";
}

/// The file card of a message: its download (or download again) button.
pub fn file_download(message: &str) -> String {
    format!("file-download:{message}")
}

/// The file card's cancel button (upload or download running, or our
/// direct offer waiting for an answer).
pub fn file_cancel(message: &str) -> String {
    format!("file-cancel:{message}")
}

/// The "accept" button of a file offered for direct transfer.
pub fn file_accept(message: &str) -> String {
    format!("file-accept:{message}")
}

/// The "decline" button of a file offered for direct transfer.
pub fn file_decline(message: &str) -> String {
    format!("file-decline:{message}")
}

/// The file card's progress bar.
pub fn file_progress(message: &str) -> String {
    format!("file-progress:{message}")
}

/// The file card's "open" button.
pub fn file_open(message: &str) -> String {
    format!("file-open:{message}")
}

/// The file card's "show in folder" button.
pub fn file_folder(message: &str) -> String {
    format!("file-folder:{message}")
}

/// The image preview of a file card.
pub fn file_preview(message: &str) -> String {
    format!("file-preview:{message}")
}

/// The sidebar's "join or create group" button.
pub const JOIN_ROOM: &str = "join-room";

pub mod join_room {
    pub const ROOM: &str = "join-room-address";
    pub const NICK: &str = "join-room-nick";
    pub const CREATE: &str = "join-room-create";
    pub const NAME: &str = "join-room-name";
    pub const MEMBERS: &str = "join-room-members";
    pub const SUBMIT: &str = "join-room-submit";
    pub const CANCEL: &str = "join-room-cancel";
}

/// The open room's header, menu, forms and occupant list.
pub mod room {
    pub const OCCUPANTS: &str = "room-occupants";
    pub const MENU: &str = "room-menu";
    pub const SUBJECT_EDIT: &str = "room-subject-edit";
    pub const SUBJECT: &str = "room-subject";
    pub const SUBJECT_SAVE: &str = "room-subject-save";
    pub const INVITE: &str = "room-invite";
    pub const INVITE_JID: &str = "room-invite-jid";
    pub const INVITE_SEND: &str = "room-invite-send";
    pub const MEMBERS: &str = "room-members";
    pub const MEMBER_JID: &str = "room-member-jid";
    pub const MEMBER_ADD: &str = "room-member-add";
    pub const LEAVE: &str = "room-leave";
    pub const DESTROY: &str = "room-destroy";
    pub const DESTROY_CONFIRM: &str = "room-destroy-confirm";
    pub const EXPORT: &str = "room-export";
    pub const DELETE_HISTORY: &str = "room-delete-history";
    pub const REJOIN: &str = "room-rejoin";

    /// A notification mode button.
    pub fn notify(mode: crate::api::NotifyMode) -> String {
        format!("room-notify:{mode:?}")
    }

    /// An occupant in the list (click: their actions).
    pub fn occupant(nick: &str) -> String {
        format!("room-occupant:{nick}")
    }

    pub fn kick(nick: &str) -> String {
        format!("room-kick:{nick}")
    }

    pub fn ban(nick: &str) -> String {
        format!("room-ban:{nick}")
    }

    /// "Private message" in an occupant's actions.
    pub fn private(nick: &str) -> String {
        format!("room-private:{nick}")
    }

    /// "Remove" next to a member in the members form.
    pub fn remove_member(jid: &str) -> String {
        format!("room-remove-member:{jid}")
    }

    /// Join / Dismiss of an invitation banner.
    pub fn invitation(account: &str, room: &str, join: bool) -> String {
        let verb = if join { "join" } else { "dismiss" };
        format!("invitation-{verb}:{account}:{room}")
    }
}
