//! Fluent translations, as COSMIC apps do it.
//!
//! The `.ftl` files under `i18n/<lang>/plausch.ftl` are embedded into the
//! binary. [`init`] selects the language before the first frame; until then the
//! fallback language (English) is loaded, so [`fl!`](crate::fl) always works
//! (unit tests included).

use std::sync::LazyLock;

use i18n_embed::fluent::{FluentLanguageLoader, fluent_language_loader};
use i18n_embed::unic_langid::LanguageIdentifier;
use i18n_embed::{DesktopLanguageRequester, LanguageLoader};
use rust_embed::RustEmbed;

/// The translations embedded into the binary.
#[derive(RustEmbed)]
#[folder = "i18n/"]
pub struct Localizations;

/// The language loader used by [`fl!`](crate::fl).
#[allow(
    clippy::expect_used,
    reason = "the fallback translation is compiled in; tests load it"
)]
pub static LOADER: LazyLock<FluentLanguageLoader> = LazyLock::new(|| {
    let loader: FluentLanguageLoader = fluent_language_loader!();
    loader
        .load_fallback_language(&Localizations)
        .expect("the embedded fallback translation is valid");
    // Unicode isolation marks render as boxes in many fonts.
    loader.set_use_isolating(false);
    loader
});

/// Selects the UI language: `language` (e.g. from the config or `--lang`) if
/// given, else the languages the OS asks for. Unknown languages fall back to
/// English. Call once before the first frame.
pub fn init(language: Option<&str>) {
    let requested: Vec<LanguageIdentifier> = match language.and_then(|l| l.parse().ok()) {
        Some(lang) => vec![lang],
        None => DesktopLanguageRequester::requested_languages(),
    };
    if let Err(e) = i18n_embed::select(&*LOADER, &Localizations, &requested) {
        tracing::warn!("cannot load translations: {e}");
    }
    LOADER.set_use_isolating(false);
}

/// The loader [`fl!`](crate::fl) uses: [`LOADER`]; in unit tests, the one
/// [`in_german`] chose for the current thread.
#[doc(hidden)]
pub fn loader() -> &'static FluentLanguageLoader {
    #[cfg(test)]
    if let Some(loader) = THREAD_LOADER.get() {
        return loader;
    }
    &LOADER
}

#[cfg(test)]
thread_local! {
    static THREAD_LOADER: std::cell::Cell<Option<&'static FluentLanguageLoader>> =
        const { std::cell::Cell::new(None) };
}

/// Runs `f` with `fl!` in German on this thread only: the language of
/// [`LOADER`] is global, and the other tests run on other threads in English.
#[cfg(test)]
pub(crate) fn in_german<T>(f: impl FnOnce() -> T) -> T {
    static GERMAN: LazyLock<FluentLanguageLoader> = LazyLock::new(|| {
        let loader: FluentLanguageLoader = fluent_language_loader!();
        let languages: Vec<LanguageIdentifier> =
            ["de", "en"].iter().filter_map(|l| l.parse().ok()).collect();
        loader
            .load_languages(&Localizations, &languages)
            .expect("the embedded German translation is valid");
        loader.set_use_isolating(false);
        loader
    });
    /// Back to English also when `f` panics.
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            THREAD_LOADER.set(None);
        }
    }
    THREAD_LOADER.set(Some(&*GERMAN));
    let _reset = Reset;
    f()
}

/// The language currently in use (e.g. `en`, `de`).
pub fn current_language() -> String {
    LOADER.current_language().language.as_str().to_owned()
}

/// Looks up a translated message: `fl!("message-id")` or
/// `fl!("message-id", name = value)`. Message ids and argument names are
/// checked at compile time.
#[macro_export]
macro_rules! fl {
    ($message_id:literal) => {{
        i18n_embed_fl::fl!($crate::i18n::loader(), $message_id)
    }};
    ($message_id:literal, $($args:expr),* $(,)?) => {{
        i18n_embed_fl::fl!($crate::i18n::loader(), $message_id, $($args),*)
    }};
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    /// The message ids of a file, in order (with repeats).
    fn id_list(ftl: &str) -> Vec<String> {
        ftl.lines()
            .filter(|l| !l.starts_with(['#', ' ', '\t', '-', '}']))
            .filter_map(|l| l.split_once('='))
            .map(|(id, _)| id.trim().to_owned())
            .filter(|id| !id.is_empty())
            .collect()
    }

    fn ids(ftl: &str) -> BTreeSet<String> {
        id_list(ftl).into_iter().collect()
    }

    /// A second definition silently loses (the first one is shown).
    #[test]
    fn no_message_is_defined_twice() {
        for (language, ftl) in [
            ("en", include_str!("../i18n/en/plausch.ftl")),
            ("de", include_str!("../i18n/de/plausch.ftl")),
        ] {
            let mut seen = BTreeSet::new();
            let twice: Vec<String> = id_list(ftl)
                .into_iter()
                .filter(|id| !seen.insert(id.clone()))
                .collect();
            assert!(twice.is_empty(), "{language}: defined twice: {twice:?}");
        }
    }

    #[test]
    fn every_message_exists_in_every_language() {
        let en = ids(include_str!("../i18n/en/plausch.ftl"));
        let de = ids(include_str!("../i18n/de/plausch.ftl"));
        assert!(en.len() > 20, "parsed too few ids: {en:?}");
        let missing_de: Vec<_> = en.difference(&de).collect();
        let missing_en: Vec<_> = de.difference(&en).collect();
        assert!(missing_de.is_empty(), "missing in de: {missing_de:?}");
        assert!(missing_en.is_empty(), "missing in en: {missing_en:?}");
    }

    #[test]
    fn german_is_per_thread() {
        let german = super::in_german(|| crate::fl!("cert-trust"));
        assert_eq!(german, "Diesem Zertifikat für dieses Konto vertrauen");
        assert_eq!(
            crate::fl!("cert-trust"),
            "Trust this certificate for this account"
        );
    }

    #[test]
    fn fallback_is_english_and_plurals_work() {
        assert_eq!(crate::fl!("app-name"), "Plausch");
        assert_eq!(crate::fl!("unread-count", count = 1), "1 unread message");
        assert_eq!(crate::fl!("unread-count", count = 3), "3 unread messages");
    }
}
