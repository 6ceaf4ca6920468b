//! What a breaker remembers for people and gauges: the transition log (the last
//! [`TRANSITION_LOG_CAPACITY`] transitions plus a running total, so memory stays bounded
//! while a driver can still collect every new one) and the call statistics.

use std::collections::VecDeque;
use std::time::Duration;

use super::State;

/// One state change: when, from where to where, and why in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    pub from: State,
    pub to: State,
    pub at: Duration,
    pub reason: String,
}

impl serde::Serialize for Transition {
    /// `{"from", "to", "at_ms", "reason"}`; `at_ms` is whole milliseconds, truncated.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut out = serializer.serialize_struct("Transition", 4)?;
        out.serialize_field("from", &self.from)?;
        out.serialize_field("to", &self.to)?;
        out.serialize_field("at_ms", &millis(self.at))?;
        out.serialize_field("reason", &self.reason)?;
        out.end()
    }
}

/// Whole milliseconds of `d`, saturating.
pub fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// Counts of calls since the breaker was built. `calls` counts every attempt; a call is
/// either rejected, or admitted and later recorded as succeeded or failed (or in flight).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Stats {
    pub calls: u64,
    pub succeeded: u64,
    pub failed: u64,
    pub rejected: u64,
    /// Calls slower than `slow_call` (only counted when slow-call tripping is configured).
    pub slow: u64,
}

/// How many transitions the log keeps (the seed keeps the last 100 too).
pub const TRANSITION_LOG_CAPACITY: usize = 100;

/// The last [`TRANSITION_LOG_CAPACITY`] transitions and how many there were in all.
#[derive(Debug, Clone)]
pub(super) struct TransitionLog {
    pub(super) recent: VecDeque<Transition>,
    pub(super) total: u64,
}

impl TransitionLog {
    pub(super) fn new() -> Self {
        Self {
            recent: VecDeque::with_capacity(TRANSITION_LOG_CAPACITY),
            total: 0,
        }
    }

    pub(super) fn push(&mut self, transition: Transition) {
        if self.recent.len() == TRANSITION_LOG_CAPACITY {
            self.recent.pop_front();
        }
        self.recent.push_back(transition);
        self.total += 1;
    }
}
