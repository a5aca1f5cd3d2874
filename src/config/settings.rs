//! `[settings]`: the app-wide settings.

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ThemeChoice {
    #[default]
    System,
    Light,
    Dark,
}

impl ThemeChoice {
    pub fn as_str(self) -> &'static str {
        match self {
            ThemeChoice::System => "system",
            ThemeChoice::Light => "light",
            ThemeChoice::Dark => "dark",
        }
    }
}

/// Languages the UI is translated to (values of `settings.language`).
pub const LANGUAGES: &[&str] = &["en", "de"];

#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// `en`, `de`, or `None` for the OS language.
    pub language: Option<String>,
    pub theme: ThemeChoice,
    /// Minutes without use before the accounts go away (0: never).
    pub away_after_minutes: u32,
    /// Minutes without use before they go extended away (0: never).
    pub xa_after_minutes: u32,
    /// Hide offline contacts that have no conversation.
    pub hide_offline: bool,
    /// No file is downloaded automatically beyond this size (bytes), on
    /// any account; images included.
    pub auto_download_limit_bytes: u64,
}

pub const DEFAULT_AWAY_AFTER_MINUTES: u32 = 10;
pub const DEFAULT_XA_AFTER_MINUTES: u32 = 30;
/// Global cap for automatic downloads (`[settings] auto_download_limit_bytes`).
pub const DEFAULT_AUTO_DOWNLOAD_LIMIT: u64 = 25 * 1024 * 1024;
/// Per account: other files than images up to this size are downloaded
/// automatically (`auto_download_max_bytes`).
pub const DEFAULT_AUTO_DOWNLOAD_MAX: u64 = 5 * 1024 * 1024;

impl Default for Settings {
    fn default() -> Self {
        Settings {
            language: None,
            theme: ThemeChoice::default(),
            away_after_minutes: DEFAULT_AWAY_AFTER_MINUTES,
            xa_after_minutes: DEFAULT_XA_AFTER_MINUTES,
            hide_offline: false,
            auto_download_limit_bytes: DEFAULT_AUTO_DOWNLOAD_LIMIT,
        }
    }
}
