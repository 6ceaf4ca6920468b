//! Where "now" comes from. The engine never reads a clock itself: callers pass `now` (a
//! [`Duration`] since the start) to every decision, and a [`Clock`] is how a driver gets it.
//!
//! Simulations use [`VirtualClock`], which only moves when told to; the tokio adapter
//! supplies a real-time clock. Invariant: a clock never goes backwards.

use std::time::Duration;

/// A source of the current time, as the time elapsed since some fixed start.
///
/// Object-safe, so a driver can hold a `&dyn Clock` or `Box<dyn Clock>`.
pub trait Clock {
    /// Time since the start. Never smaller than a value returned earlier.
    fn now(&self) -> Duration;
}

/// A clock that only moves when told to: the time base of every simulation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct VirtualClock {
    now: Duration,
}

impl VirtualClock {
    /// A clock at time zero.
    pub fn new() -> Self {
        Self::default()
    }

    /// Moves the clock forward by `by` (saturating; a virtual clock cannot overflow).
    pub fn advance(&mut self, by: Duration) {
        self.now = self.now.saturating_add(by);
    }

    /// Moves the clock to `to`. A time earlier than now is ignored: clocks never go back.
    pub fn set(&mut self, to: Duration) {
        self.now = self.now.max(to);
    }
}

impl Clock for VirtualClock {
    fn now(&self) -> Duration {
        self.now
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_only_forward_and_only_when_told() {
        let mut clock = VirtualClock::new();
        assert_eq!(clock.now(), Duration::ZERO);
        clock.advance(Duration::from_secs(31));
        assert_eq!(clock.now(), Duration::from_secs(31));
        clock.set(Duration::from_secs(10));
        assert_eq!(clock.now(), Duration::from_secs(31), "set never moves back");
        clock.set(Duration::from_secs(40));
        assert_eq!(clock.now(), Duration::from_secs(40));
        clock.advance(Duration::MAX);
        assert_eq!(clock.now(), Duration::MAX, "advance saturates");
    }

    #[test]
    fn is_object_safe() {
        let clock = VirtualClock::new();
        let dynamic: &dyn Clock = &clock;
        assert_eq!(dynamic.now(), Duration::ZERO);
    }
}
