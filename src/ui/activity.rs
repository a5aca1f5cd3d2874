//! Whether the user is looking at the window, for Client State Indication
//! (XEP-0352): the accounts go inactive when the window has been unfocused
//! for a while, and active again as soon as it gets the focus.

use std::time::{Duration, Instant};

/// How long the window may be unfocused before the accounts go inactive.
/// Short switches (checking a mail, copying a link) do not count.
pub const INACTIVE_AFTER: Duration = Duration::from_secs(30);
/// A timer may fire a little early; a tick this close to the deadline counts.
/// (The GUI ticks once, `INACTIVE_AFTER` after losing the focus, instead of
/// polling: an idle app wakes up as seldom as possible.)
const EARLY: Duration = Duration::from_secs(1);

#[derive(Debug, Clone)]
pub struct Activity {
    focused: bool,
    /// When the window lost the focus.
    since: Instant,
    /// What the accounts were told last.
    active: bool,
}

impl Activity {
    pub fn new(now: Instant) -> Self {
        Activity {
            focused: true,
            since: now,
            active: true,
        }
    }

    /// What the accounts were last told (new accounts get the same).
    pub fn is_active(&self) -> bool {
        self.active
    }

    /// Whether the window has the focus now.
    pub fn is_focused(&self) -> bool {
        self.focused
    }

    /// Whether the periodic check is needed at all.
    pub fn waiting(&self) -> bool {
        !self.focused && self.active
    }

    /// The window gained or lost the focus; returns a state to report.
    pub fn focus(&mut self, focused: bool, now: Instant) -> Option<bool> {
        self.focused = focused;
        if focused {
            return self.report(true);
        }
        self.since = now;
        None
    }

    /// Periodic check; returns a state to report.
    pub fn tick(&mut self, now: Instant) -> Option<bool> {
        if !self.focused && now.duration_since(self.since) + EARLY >= INACTIVE_AFTER {
            return self.report(false);
        }
        None
    }

    fn report(&mut self, active: bool) -> Option<bool> {
        (self.active != active).then(|| {
            self.active = active;
            active
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inactive_only_after_a_while_unfocused_and_active_at_once() {
        let t0 = Instant::now();
        let mut a = Activity::new(t0);
        assert_eq!(a.tick(t0 + INACTIVE_AFTER * 2), None, "focused");
        assert_eq!(a.focus(false, t0), None);
        assert!(a.waiting());
        assert_eq!(a.tick(t0 + INACTIVE_AFTER / 2), None, "short switch");
        assert_eq!(a.focus(true, t0 + INACTIVE_AFTER / 2), None, "still active");
        assert_eq!(a.focus(false, t0 + INACTIVE_AFTER), None);
        assert_eq!(a.tick(t0 + INACTIVE_AFTER * 2), Some(false));
        assert!(!a.waiting());
        assert_eq!(a.tick(t0 + INACTIVE_AFTER * 3), None, "reported once");
        // The one tick after INACTIVE_AFTER may come a few milliseconds early.
        let mut b = Activity::new(t0);
        assert_eq!(b.focus(false, t0), None);
        let early = t0 + INACTIVE_AFTER - Duration::from_millis(20);
        assert_eq!(b.tick(early), Some(false));
        assert_eq!(a.focus(true, t0 + INACTIVE_AFTER * 3), Some(true));
        assert!(a.is_active());
    }
}
