//! The numbers a lab's gauges show, read from a lane's breaker and config at the lane's clock.
//! Read-only: nothing here changes the breaker.

use std::time::Duration;

use crate::engine::breaker::{Comparison, HalfOpenJudgement, State};
use crate::engine::window::{WindowConfig, WindowTotals};

use super::Lane;
use super::lane::ceil_millis;

/// Counts against their thresholds, for gauges.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Counters {
    pub state: State,
    /// CLOSED: consecutive failures; HALF_OPEN: failed half-open calls.
    pub failure_count: u32,
    /// `None` when consecutive tripping is off (rate-based presets).
    pub failure_threshold: Option<u32>,
    pub failure_comparison: Comparison,
    /// HALF_OPEN: successful half-open calls.
    pub success_count: u32,
    pub success_threshold: u32,
    /// Whether half-open calls close the breaker by consecutive successes or as a rate.
    pub half_open_judgement: HalfOpenJudgement,
    /// HALF_OPEN: calls admitted so far, against the cap if there is one.
    pub half_open_admitted: u32,
    pub half_open_max_calls: Option<u32>,
    /// Rate-based tripping: what the window holds.
    pub window: Option<WindowGauge>,
    /// OPEN: time since opening against the recovery timeout.
    pub recovery: Option<RecoveryGauge>,
}

/// A rate window's fill and rates against their thresholds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WindowGauge {
    pub window: WindowConfig,
    pub totals: WindowTotals,
    /// Calls the window must hold before its rates are judged.
    pub min_calls: u32,
    /// Thresholds, in percent.
    pub failure_rate: f64,
    pub slow_rate: Option<f64>,
}

/// How far an OPEN breaker is through its recovery timeout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecoveryGauge {
    /// Time since the breaker opened.
    pub elapsed: Duration,
    pub recovery_timeout: Duration,
    /// Until a trial call is admitted, rounded up to a whole millisecond (zero once it
    /// would be).
    pub remaining: Duration,
}

impl Lane {
    /// The lane's counters and gauges at its clock.
    pub fn counters(&self) -> Counters {
        let breaker = self.breaker();
        let config = breaker.config();
        let now = self.now();
        let window = config.rate.as_ref().map(|rate| WindowGauge {
            window: rate.window,
            totals: breaker.window_totals(now).unwrap_or_default(),
            min_calls: rate.effective_min_calls(),
            failure_rate: rate.failure_rate,
            slow_rate: rate.slow.as_ref().map(|slow| slow.slow_rate),
        });
        let recovery = breaker.open_since().map(|(opened_at, due)| RecoveryGauge {
            elapsed: now.saturating_sub(opened_at),
            recovery_timeout: config.recovery_timeout,
            remaining: due.map_or(Duration::MAX, |due| ceil_millis(due).saturating_sub(now)),
        });
        Counters {
            state: breaker.state(),
            failure_count: breaker.failure_count(),
            failure_threshold: config.failure_threshold,
            failure_comparison: config.failure_comparison,
            success_count: breaker.success_count(),
            success_threshold: config.success_threshold,
            half_open_judgement: config.half_open_judgement,
            half_open_admitted: breaker.half_open_admitted(),
            half_open_max_calls: config.half_open_max_calls,
            window,
            recovery,
        }
    }
}
