//! When to tell a contact that the user is typing (XEP-0085 timing):
//! `composing` on the first keystroke, `paused` after a few idle seconds,
//! nothing more until typing resumes; sending a message implies `active`.

use std::time::{Duration, Instant};

use crate::api::ChatStateKind;

/// Idle time after which `composing` becomes `paused`.
pub const PAUSE_AFTER: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, Default)]
pub struct Typing {
    /// What the contact was last told (None: nothing since the last message).
    told: Option<ChatStateKind>,
    last_edit: Option<Instant>,
}

impl Typing {
    /// The composer changed; returns the state to send, if any.
    pub fn edited(&mut self, empty: bool, now: Instant) -> Option<ChatStateKind> {
        self.last_edit = Some(now);
        let next = if empty {
            // Deleted everything: no longer composing.
            (self.told == Some(ChatStateKind::Composing)).then_some(ChatStateKind::Active)
        } else {
            (self.told != Some(ChatStateKind::Composing)).then_some(ChatStateKind::Composing)
        };
        if next.is_some() {
            self.told = next;
        }
        next
    }

    /// Periodic check; returns `paused` once the user stopped typing.
    pub fn tick(&mut self, now: Instant) -> Option<ChatStateKind> {
        let idle = self
            .last_edit
            .is_some_and(|t| now.duration_since(t) >= PAUSE_AFTER);
        (self.composing() && idle).then(|| {
            self.told = Some(ChatStateKind::Paused);
            ChatStateKind::Paused
        })
    }

    /// A message went out (it carries `active`).
    pub fn sent(&mut self) {
        self.told = None;
    }

    /// Whether a tick is needed.
    pub fn composing(&self) -> bool {
        self.told == Some(ChatStateKind::Composing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn composing_once_then_paused_when_idle() {
        let t0 = Instant::now();
        let mut t = Typing::default();
        assert_eq!(t.edited(false, t0), Some(ChatStateKind::Composing));
        assert_eq!(t.edited(false, t0 + Duration::from_secs(1)), None, "once");
        assert_eq!(t.tick(t0 + Duration::from_secs(3)), None, "still typing");
        assert_eq!(
            t.tick(t0 + Duration::from_secs(7)),
            Some(ChatStateKind::Paused)
        );
        assert_eq!(t.tick(t0 + Duration::from_secs(9)), None, "paused once");
        assert_eq!(
            t.edited(false, t0 + Duration::from_secs(10)),
            Some(ChatStateKind::Composing)
        );
        t.sent();
        assert!(!t.composing());
        assert_eq!(
            t.edited(false, t0 + Duration::from_secs(11)),
            Some(ChatStateKind::Composing)
        );
        assert_eq!(
            t.edited(true, t0 + Duration::from_secs(12)),
            Some(ChatStateKind::Active),
            "emptied the composer"
        );
    }
}
