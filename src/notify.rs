//! Desktop notifications for new messages.
//!
//! [`notice_for`] decides, without side effects, whether and what to show for
//! one incoming message; [`show`] hands the [`Notice`] to the platform:
//!
//! - Linux/BSD: the freedesktop notification service over D-Bus (zbus), with a
//!   `default` action; [`show`] waits until the notice is clicked or closed.
//! - macOS and Windows: the notice is shown, but the platform reports no click,
//!   so [`show`] returns [`Outcome::Closed`] right after showing it.
//!
//! A missing notification service is not an error for the user: it is logged at
//! debug level (never with the message text) and reported as
//! [`Outcome::Unavailable`].

use crate::fl;

/// The application name shown by the notification service.
pub const APP_NAME: &str = "Plausch";

/// The desktop entry / application id (freedesktop `desktop-entry` hint).
pub const APP_ID: &str = "org.plausch.Plausch";

/// Message bodies longer than this many characters are shortened (with "…").
const MAX_BODY_CHARS: usize = 200;

/// Sender names longer than this many characters are shortened (with "…").
const MAX_TITLE_CHARS: usize = 100;

/// What to show for one new message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// The account (bare JID) the message arrived on.
    pub account: String,
    /// The conversation (bare JID of the peer) to open on a click.
    pub with: String,
    /// The title: the sender, or the generic title when text is hidden.
    pub title: String,
    /// The (shortened) message text, or the generic text when text is hidden.
    pub body: String,
}

/// What the user and the platform allow for one incoming message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Per-account switch: notifications for this account at all.
    pub account_notifications: bool,
    /// Per-account privacy switch: show sender and text.
    pub show_text: bool,
    /// Per-conversation mute.
    pub conversation_muted: bool,
    /// The conversation is open in a focused window.
    pub conversation_visible: bool,
    /// For a group chat: its notification mode, and whether the message
    /// mentions us (None: a 1:1 chat, where every message notifies).
    pub room: Option<(crate::api::NotifyMode, bool)>,
}

/// The notice for a message from `sender_name` (display name or JID) with `body`, or None when
/// muted / switched off / the conversation is visible. With show_text=false neither the sender
/// nor the text appear: title and body are the localized generic strings
/// (e.g. "Plausch" / "New message" — German "Neue Nachricht"). Long bodies are shortened to ~200
/// chars on a char boundary with "…".
pub fn notice_for(
    policy: Policy,
    account: &str,
    with: &str,
    sender_name: &str,
    body: &str,
) -> Option<Notice> {
    if !policy.account_notifications || policy.conversation_muted || policy.conversation_visible {
        return None;
    }
    if let Some((mode, mention)) = policy.room
        && !mode.wants(mention)
    {
        return None;
    }
    let (title, body) = if policy.show_text {
        (
            shorten(sender_name.trim(), MAX_TITLE_CHARS),
            shorten(body.trim(), MAX_BODY_CHARS),
        )
    } else {
        (fl!("app-name"), fl!("notify-new-message"))
    };
    Some(Notice {
        account: account.to_owned(),
        with: with.to_owned(),
        title,
        body,
    })
}

/// `text` if it has at most `max` chars, else its first `max - 1` chars
/// (cut on a char boundary, trailing whitespace dropped) and "…".
fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_owned(),
        Some(_) => {
            let cut = text
                .char_indices()
                .nth(max.saturating_sub(1))
                .map_or(text.len(), |(i, _)| i);
            format!("{}…", text[..cut].trim_end())
        }
    }
}

/// How showing a notice ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The user clicked the notice (its default action): open the conversation.
    Clicked,
    /// The notice was closed or expired; on macOS and Windows: it was shown
    /// (those platforms report no click).
    Closed,
    /// No notification service (no daemon, no D-Bus session, no permission).
    Unavailable,
}

/// Shows the notice and (where the platform allows: Linux/BSD via the freedesktop "default" action)
/// waits in a blocking thread (tokio::task::spawn_blocking) until it is clicked or closed.
/// A missing notification daemon / D-Bus session is NOT an error for the user: log it with
/// tracing::debug! (never the message text) and return Outcome::Unavailable. Never panics.
///
/// Must be awaited inside a tokio runtime; outside one it returns
/// [`Outcome::Unavailable`].
pub async fn show(notice: Notice) -> Outcome {
    if tokio::runtime::Handle::try_current().is_err() {
        tracing::debug!("desktop notification not shown: no tokio runtime");
        return Outcome::Unavailable;
    }
    let open_label = fl!("notify-open");
    match tokio::task::spawn_blocking(move || platform::show_blocking(&notice, &open_label)).await {
        Ok(outcome) => outcome,
        Err(e) => {
            // A panic inside the notification library (or a cancelled task).
            tracing::debug!(panic = e.is_panic(), "desktop notification task failed");
            Outcome::Unavailable
        }
    }
}

/// Linux and the BSDs: the freedesktop notification service over D-Bus.
#[cfg(all(unix, not(target_os = "macos")))]
mod platform {
    use notify_rust::{Hint, Notification, Timeout};

    use super::{APP_ID, APP_NAME, Notice, Outcome};

    /// The action id the freedesktop spec uses for a click on the notice itself.
    const DEFAULT_ACTION: &str = "default";

    pub(super) fn show_blocking(notice: &Notice, open_label: &str) -> Outcome {
        // Also the availability probe: fails fast without a session bus or daemon.
        let capabilities = match notify_rust::get_capabilities() {
            Ok(caps) => caps,
            Err(e) => {
                tracing::debug!("desktop notifications unavailable: {e}");
                return Outcome::Unavailable;
            }
        };
        // The body is markup for servers with "body-markup": message text must
        // not become markup (links, images, broken layout).
        let body = if capabilities.iter().any(|c| c == "body-markup") {
            escape_markup(&notice.body)
        } else {
            notice.body.clone()
        };
        let handle = match Notification::new()
            .appname(APP_NAME)
            .summary(&notice.title)
            .body(&body)
            .icon(APP_ID)
            .hint(Hint::DesktopEntry(APP_ID.to_owned()))
            .hint(Hint::Category("im.received".to_owned()))
            .action(DEFAULT_ACTION, open_label)
            .timeout(Timeout::Default)
            .show()
        {
            Ok(handle) => handle,
            Err(e) => {
                tracing::debug!("desktop notification not shown: {e}");
                return Outcome::Unavailable;
            }
        };
        // Stays Closed if the connection ends without a signal.
        let mut outcome = Outcome::Closed;
        // Called with the action id, or "__closed" when the notice was closed.
        handle.wait_for_action(|action| {
            if action == DEFAULT_ACTION {
                outcome = Outcome::Clicked;
            }
        });
        outcome
    }

    /// Escapes the characters the freedesktop body markup gives a meaning.
    pub(super) fn escape_markup(text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        for c in text.chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                c => out.push(c),
            }
        }
        out
    }
}

/// macOS: Notification Center; no click is reported back.
#[cfg(target_os = "macos")]
mod platform {
    use notify_rust::Notification;

    use super::{Notice, Outcome};

    pub(super) fn show_blocking(notice: &Notice, _open_label: &str) -> Outcome {
        match Notification::new()
            .summary(&notice.title)
            .body(&notice.body)
            .show()
        {
            Ok(_) => Outcome::Closed,
            Err(e) => {
                tracing::debug!("desktop notification not shown: {e}");
                Outcome::Unavailable
            }
        }
    }
}

/// Windows: a toast; no click is reported back.
#[cfg(target_os = "windows")]
mod platform {
    use notify_rust::Notification;

    use super::{APP_NAME, Notice, Outcome};

    pub(super) fn show_blocking(notice: &Notice, _open_label: &str) -> Outcome {
        // No `app_id(APP_ID)`: Windows drops toasts of an AppUserModelID that no
        // installed shortcut registers, so notify-rust's default id is used.
        match Notification::new()
            .appname(APP_NAME)
            .summary(&notice.title)
            .body(&notice.body)
            .show()
        {
            Ok(()) => Outcome::Closed,
            Err(e) => {
                tracing::debug!("desktop notification not shown: {e}");
                Outcome::Unavailable
            }
        }
    }
}

/// Any other platform: no notifications.
#[cfg(not(any(unix, target_os = "windows")))]
mod platform {
    use super::{Notice, Outcome};

    pub(super) fn show_blocking(_notice: &Notice, _open_label: &str) -> Outcome {
        tracing::debug!("desktop notifications are not supported on this platform");
        Outcome::Unavailable
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ON: Policy = Policy {
        account_notifications: true,
        show_text: true,
        conversation_muted: false,
        conversation_visible: false,
        room: None,
    };

    fn notice(policy: Policy, body: &str) -> Option<Notice> {
        notice_for(
            policy,
            "me@example.org",
            "juliet@example.org",
            "Juliet",
            body,
        )
    }

    #[test]
    fn shows_sender_and_text_when_allowed() {
        let n = notice(ON, "Hello there").expect("a notice");
        assert_eq!(n.account, "me@example.org");
        assert_eq!(n.with, "juliet@example.org");
        assert_eq!(n.title, "Juliet");
        assert_eq!(n.body, "Hello there");
    }

    #[test]
    fn muted_switched_off_or_visible_shows_nothing() {
        let muted = Policy {
            conversation_muted: true,
            ..ON
        };
        let off = Policy {
            account_notifications: false,
            ..ON
        };
        let visible = Policy {
            conversation_visible: true,
            ..ON
        };
        assert_eq!(notice(muted, "hi"), None);
        assert_eq!(notice(off, "hi"), None);
        assert_eq!(notice(visible, "hi"), None);
        // Hiding the text does not override the other switches.
        let hidden_muted = Policy {
            show_text: false,
            ..muted
        };
        assert_eq!(notice(hidden_muted, "hi"), None);
    }

    #[test]
    fn rooms_notify_by_their_mode() {
        use crate::api::NotifyMode::{All, Mentions, None as Never};
        let room = |mode, mention| Policy {
            room: Some((mode, mention)),
            ..ON
        };
        assert!(notice(room(All, false), "hi").is_some());
        assert!(notice(room(All, true), "hi").is_some());
        assert!(notice(room(Mentions, false), "hi").is_none());
        assert!(notice(room(Mentions, true), "hi").is_some());
        assert!(notice(room(Never, true), "hi").is_none());
        assert!(notice(room(Never, false), "hi").is_none());
        // Muted or visible wins over the mode.
        let visible = Policy {
            conversation_visible: true,
            ..room(All, true)
        };
        assert!(notice(visible, "hi").is_none());
    }

    #[test]
    fn hidden_text_hides_sender_and_body() {
        let hidden = Policy {
            show_text: false,
            ..ON
        };
        let n = notice(hidden, "the secret plan").expect("a notice");
        assert_eq!(n.title, fl!("app-name"));
        assert_eq!(n.body, fl!("notify-new-message"));
        assert_eq!(n.title, "Plausch");
        assert_eq!(n.body, "New message");
        assert!(!n.title.contains("Juliet") && !n.body.contains("Juliet"));
        assert!(!n.title.contains("secret") && !n.body.contains("secret"));
        // Still routable to the conversation.
        assert_eq!(n.with, "juliet@example.org");
    }

    #[test]
    fn long_bodies_are_shortened_on_char_boundaries() {
        // Multi-byte: 'ä' is 2 bytes, '😀' 4 bytes.
        let long: String = "äb😀".repeat(100);
        let n = notice(ON, &long).expect("a notice");
        assert_eq!(n.body.chars().count(), MAX_BODY_CHARS);
        assert!(n.body.ends_with('…'));
        let kept: String = long.chars().take(MAX_BODY_CHARS - 1).collect();
        assert_eq!(n.body, format!("{kept}…"));

        // Exactly at the limit: unchanged.
        let exact: String = "ö".repeat(MAX_BODY_CHARS);
        assert_eq!(notice(ON, &exact).expect("a notice").body, exact);

        // Long sender names are shortened too.
        let n = notice_for(ON, "a", "b", &"名".repeat(500), "x").expect("a notice");
        assert_eq!(n.title.chars().count(), MAX_TITLE_CHARS);
        assert!(n.title.ends_with('…'));
    }

    #[test]
    fn shortening_drops_trailing_whitespace_before_the_ellipsis() {
        let text = format!("{} {}", "a".repeat(198), "b".repeat(50));
        assert_eq!(shorten(&text, 200), format!("{}…", "a".repeat(198)));
        assert_eq!(shorten("", 200), "");
    }

    #[cfg(all(unix, not(target_os = "macos")))]
    #[test]
    fn body_markup_is_escaped() {
        assert_eq!(
            platform::escape_markup("<b>a & b</b> <img src=\"/x\"/>"),
            "&lt;b&gt;a &amp; b&lt;/b&gt; &lt;img src=\"/x\"/&gt;"
        );
    }

    #[cfg(all(unix, not(target_os = "macos")))]
    #[tokio::test]
    #[allow(unsafe_code, reason = "set_var, see SAFETY below")]
    async fn show_without_a_notification_service_is_unavailable() {
        // SAFETY: the environment is process-global and `set_var` races with
        // concurrent reads from other threads (other tests). No other test in
        // this crate reads or writes DBUS_SESSION_BUS_ADDRESS; std serializes
        // its own env access, and the variable only points D-Bus clients of
        // this test process at a socket that does not exist.
        unsafe {
            std::env::set_var(
                "DBUS_SESSION_BUS_ADDRESS",
                "unix:path=/nonexistent/plausch-test-bus",
            );
        }
        let n = notice(ON, "hello").expect("a notice");
        let outcome = tokio::time::timeout(std::time::Duration::from_secs(20), show(n))
            .await
            .expect("show() returns within 20 s");
        assert_eq!(outcome, Outcome::Unavailable);
    }

    #[test]
    fn show_outside_a_runtime_is_unavailable() {
        let n = notice(ON, "hello").expect("a notice");
        let outcome = futures::executor::block_on(show(n));
        assert_eq!(outcome, Outcome::Unavailable);
    }
}
