//! Automatic away: after a while without use the accounts show "away", later
//! "extended away", each with the time of the last use (XEP-0319), and come
//! back as soon as the user does something.
//!
//! Pure state machine with the clock passed in, so front-ends decide what
//! "use" is (the GUI: keys, clicks, scrolling, window focus) and tests can
//! move time freely.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use crate::api::Availability;
use crate::api::OwnPresence;

/// How often a front-end checks (a minute's precision is plenty, and the
/// timer only runs while a step can still be reached).
pub const CHECK_EVERY: Duration = Duration::from_secs(30);

/// How idle the user is (ordered: deeper is greater).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum Level {
    #[default]
    Active,
    Away,
    ExtendedAway,
}

/// Tracks the last use and reports level changes.
#[derive(Debug, Clone)]
pub struct AutoAway {
    away_after: Option<Duration>,
    xa_after: Option<Duration>,
    last_use: Instant,
    /// The same moment on the wall clock, for `<idle since=…/>`.
    last_use_wall: DateTime<Utc>,
    level: Level,
}

impl AutoAway {
    /// `None` (or zero) switches a step off.
    pub fn new(
        away_after: Option<Duration>,
        xa_after: Option<Duration>,
        now: Instant,
        wall: DateTime<Utc>,
    ) -> Self {
        let on = |d: Option<Duration>| d.filter(|d| !d.is_zero());
        AutoAway {
            away_after: on(away_after),
            xa_after: on(xa_after),
            last_use: now,
            last_use_wall: wall,
            level: Level::Active,
        }
    }

    /// From the settings' minutes (0 = never).
    pub fn from_minutes(away: u32, xa: u32, now: Instant, wall: DateTime<Utc>) -> Self {
        let minutes = |m: u32| Some(Duration::from_secs(u64::from(m) * 60));
        AutoAway::new(minutes(away), minutes(xa), now, wall)
    }

    /// New limits; the last use and the level are kept.
    pub fn set_limits(&mut self, away: u32, xa: u32) {
        let fresh = AutoAway::from_minutes(away, xa, self.last_use, self.last_use_wall);
        self.away_after = fresh.away_after;
        self.xa_after = fresh.xa_after;
    }

    pub fn level(&self) -> Level {
        self.level
    }

    /// When the user was last seen using the app.
    pub fn idle_since(&self) -> DateTime<Utc> {
        self.last_use_wall
    }

    /// Whether a periodic check can change anything (else no timer needed).
    pub fn needs_ticks(&self) -> bool {
        match self.level {
            Level::Active => self.away_after.is_some() || self.xa_after.is_some(),
            Level::Away => self.xa_after.is_some(),
            Level::ExtendedAway => false,
        }
    }

    /// The user did something: back to active (returned if that is a change).
    pub fn used(&mut self, now: Instant, wall: DateTime<Utc>) -> Option<Level> {
        self.last_use = now;
        self.last_use_wall = wall;
        self.change_to(Level::Active)
    }

    /// Periodic check: the new level, if it changed.
    pub fn tick(&mut self, now: Instant) -> Option<Level> {
        let idle = now.saturating_duration_since(self.last_use);
        let reached = |limit: Option<Duration>| limit.is_some_and(|l| idle >= l);
        let level = if reached(self.xa_after) {
            Level::ExtendedAway
        } else if reached(self.away_after) {
            Level::Away
        } else {
            Level::Active
        };
        // Only deeper while idle; coming back is `used`'s job.
        if level > self.level {
            self.change_to(level)
        } else {
            None
        }
    }

    fn change_to(&mut self, level: Level) -> Option<Level> {
        (self.level != level).then(|| {
            self.level = level;
            level
        })
    }
}

/// The presence to show for what the user `chose` at idle `level`. Only
/// "available" (and "free for chat") turn into away: a chosen "do not
/// disturb", "away" or "offline" stays as it is.
pub fn presence_for(chose: &OwnPresence, level: Level, since: DateTime<Utc>) -> OwnPresence {
    let automatic = matches!(chose.presence, Availability::Available | Availability::Chat);
    let presence = match level {
        _ if !automatic => return chose.clone(),
        Level::Active => return chose.clone(),
        Level::Away => Availability::Away,
        Level::ExtendedAway => Availability::Xa,
    };
    OwnPresence {
        presence,
        status: chose.status.clone(),
        idle_since: Some(since),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: Duration = Duration::from_secs(60);

    #[test]
    fn away_then_extended_away_then_back_on_use() {
        let t0 = Instant::now();
        let wall = Utc::now();
        let mut a = AutoAway::from_minutes(10, 30, t0, wall);
        assert!(a.needs_ticks());
        assert_eq!(a.tick(t0 + 9 * MIN), None);
        assert_eq!(a.tick(t0 + 10 * MIN), Some(Level::Away));
        assert_eq!(a.tick(t0 + 11 * MIN), None, "reported once");
        assert_eq!(a.tick(t0 + 30 * MIN), Some(Level::ExtendedAway));
        assert!(!a.needs_ticks(), "nothing deeper to reach");
        assert_eq!(a.idle_since(), wall);
        let later = wall + chrono::Duration::minutes(31);
        assert_eq!(a.used(t0 + 31 * MIN, later), Some(Level::Active));
        assert_eq!(a.used(t0 + 32 * MIN, later), None, "already active");
        assert_eq!(a.tick(t0 + 40 * MIN), None, "idle again for 8 minutes only");
        assert_eq!(a.tick(t0 + 42 * MIN), Some(Level::Away));
    }

    #[test]
    fn a_long_gap_goes_straight_to_extended_away_and_zero_means_never() {
        let t0 = Instant::now();
        let mut a = AutoAway::from_minutes(10, 30, t0, Utc::now());
        assert_eq!(a.tick(t0 + 120 * MIN), Some(Level::ExtendedAway));
        let mut off = AutoAway::from_minutes(0, 0, t0, Utc::now());
        assert!(!off.needs_ticks());
        assert_eq!(off.tick(t0 + 1000 * MIN), None);
        let mut only_xa = AutoAway::from_minutes(0, 20, t0, Utc::now());
        assert_eq!(only_xa.tick(t0 + 15 * MIN), None);
        assert_eq!(only_xa.tick(t0 + 20 * MIN), Some(Level::ExtendedAway));
    }

    #[test]
    fn limits_change_without_losing_the_last_use() {
        let t0 = Instant::now();
        let mut a = AutoAway::from_minutes(10, 0, t0, Utc::now());
        a.set_limits(2, 0);
        assert_eq!(a.tick(t0 + 3 * MIN), Some(Level::Away));
    }

    #[test]
    fn only_available_turns_away_and_keeps_the_status() {
        let since = Utc::now();
        let chose = OwnPresence {
            presence: Availability::Available,
            status: Some("in the office".into()),
            idle_since: None,
        };
        let away = presence_for(&chose, Level::Away, since);
        assert_eq!(away.presence, Availability::Away);
        assert_eq!(away.status.as_deref(), Some("in the office"));
        assert_eq!(away.idle_since, Some(since));
        assert_eq!(
            presence_for(&chose, Level::ExtendedAway, since).presence,
            Availability::Xa
        );
        assert_eq!(presence_for(&chose, Level::Active, since), chose);
        for kept in [Availability::Dnd, Availability::Offline, Availability::Away] {
            let chose = OwnPresence {
                presence: kept,
                ..chose.clone()
            };
            assert_eq!(presence_for(&chose, Level::ExtendedAway, since), chose);
        }
    }
}
