//! The circuit breaker: one state machine in the manner of sony/gobreaker, with `now` passed
//! into every decision. [`CircuitBreaker::try_acquire`] decides, [`CircuitBreaker::record`]
//! records, [`CircuitBreaker::observe`] applies an automatic timeout transition, and
//! `set_state` is the one place the state changes and the transition log is written.
//! Each state change starts a new generation; results of permits from an older one are ignored.

mod config;
mod log;
#[cfg(test)]
mod tests;

use std::time::Duration;

pub use config::{
    BreakerConfig, Comparison, ConfigError, HalfOpenJudgement, HalfOpenTransition, JudgeOn,
    RateConfig, SlowCalls, format_percent,
};
pub use log::{Stats, TRANSITION_LOG_CAPACITY, Transition, millis};

use crate::engine::duration::format_duration;
use crate::engine::window::{SlidingWindow, WindowTotals};
use log::TransitionLog;

/// The three states, printed and serialized as `CLOSED`, `OPEN`, `HALF_OPEN`.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    serde::Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum State {
    Closed,
    Open,
    HalfOpen,
}

impl State {
    /// `CLOSED`, `OPEN` or `HALF_OPEN`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Closed => "CLOSED",
            Self::Open => "OPEN",
            Self::HalfOpen => "HALF_OPEN",
        }
    }
}

impl std::fmt::Display for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

/// Whether a call succeeded, as the caller judges it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CallResult {
    Success,
    Failure,
}

/// What happened to an admitted call: its result and how long it took.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    pub result: CallResult,
    pub duration: Duration,
}

impl Outcome {
    /// A call that succeeded after `duration`.
    pub fn success(duration: Duration) -> Self {
        Self {
            result: CallResult::Success,
            duration,
        }
    }

    /// A call that failed after `duration`.
    pub fn failure(duration: Duration) -> Self {
        Self {
            result: CallResult::Failure,
            duration,
        }
    }
}

/// Leave to run one call, granted by [`CircuitBreaker::try_acquire`]; hand it back to
/// [`CircuitBreaker::record`]. Not `Clone`: one permit, one result.
#[derive(Debug)]
#[must_use = "record the call's outcome with CircuitBreaker::record"]
pub struct Permit {
    generation: u64,
}

/// Why a call was not allowed to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Rejected {
    #[error("the circuit breaker is OPEN")]
    Open,
    #[error("the circuit breaker is HALF_OPEN and has admitted half_open_max_calls calls")]
    HalfOpenFull,
}

/// What [`CircuitBreaker::record`] did with a result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    /// The result counted towards the state machine.
    Counted,
    /// The permit came from an earlier state (generation); only the statistics saw it.
    Stale,
}

/// A circuit breaker. Cheap to clone (a stepper's undo keeps copies).
#[derive(Debug, Clone)]
pub struct CircuitBreaker {
    config: BreakerConfig,
    state: State,
    /// Bumped by every state change; permits carry the generation that granted them.
    generation: u64,
    /// When the breaker last opened: the recovery timeout counts from here.
    opened_at: Duration,
    /// CLOSED: consecutive failures. HALF_OPEN: failures among the half-open calls.
    failure_count: u32,
    /// HALF_OPEN: successes among the half-open calls (consecutive, unless judged as a rate).
    success_count: u32,
    /// HALF_OPEN: calls admitted, and how many of the completed ones were slow.
    half_open_admitted: u32,
    half_open_slow: u32,
    window: Option<SlidingWindow>,
    log: TransitionLog,
    stats: Stats,
}

impl CircuitBreaker {
    /// A CLOSED breaker, or the first problem with `config`.
    pub fn new(config: BreakerConfig) -> Result<Self, ConfigError> {
        config.validate()?;
        let window = config
            .rate
            .as_ref()
            .map(|rate| SlidingWindow::new(rate.window));
        Ok(Self {
            config,
            state: State::Closed,
            generation: 0,
            opened_at: Duration::ZERO,
            failure_count: 0,
            success_count: 0,
            half_open_admitted: 0,
            half_open_slow: 0,
            window,
            log: TransitionLog::new(),
            stats: Stats::default(),
        })
    }

    /// The configuration the breaker was built with.
    pub fn config(&self) -> &BreakerConfig {
        &self.config
    }

    /// The state as of the last call to any method taking `now`.
    pub fn state(&self) -> State {
        self.state
    }

    /// Applies the automatic OPEN → HALF_OPEN transition if it is due at `now`, recorded
    /// at the moment the timeout elapsed; returns the state. With the lazy transition the
    /// breaker stays OPEN until a call arrives, so this changes nothing.
    pub fn observe(&mut self, now: Duration) -> State {
        if self.state == State::Open
            && self.config.half_open_transition == HalfOpenTransition::Automatic
            && let Some(due) = self.config.trial_due(self.opened_at)
            && now >= due
        {
            let reason = format!(
                "recovery_timeout {} elapsed: HALF_OPEN by itself (automatic transition)",
                format_duration(self.config.recovery_timeout)
            );
            self.set_state(State::HalfOpen, due, reason);
        }
        self.state
    }

    /// Asks to run one call at `now`. Rejected calls never run and need no `record`.
    pub fn try_acquire(&mut self, now: Duration) -> Result<Permit, Rejected> {
        self.stats.calls = self.stats.calls.saturating_add(1);
        if self.observe(now) == State::Open {
            let elapsed = now.saturating_sub(self.opened_at);
            let timeout = self.config.recovery_timeout;
            if !self.config.recovery_comparison.holds(elapsed, timeout) {
                return Err(self.reject(Rejected::Open));
            }
            let reason = format!(
                "recovery_timeout {} elapsed ({} since opening): trial call admitted",
                format_duration(timeout),
                format_duration(elapsed)
            );
            self.set_state(State::HalfOpen, now, reason);
        }
        if self.state == State::HalfOpen {
            if let Some(cap) = self.config.half_open_max_calls
                && self.half_open_admitted >= cap
            {
                return Err(self.reject(Rejected::HalfOpenFull));
            }
            self.half_open_admitted = self.half_open_admitted.saturating_add(1);
        }
        Ok(Permit {
            generation: self.generation,
        })
    }

    fn reject(&mut self, why: Rejected) -> Rejected {
        self.stats.rejected = self.stats.rejected.saturating_add(1);
        why
    }

    /// Records the outcome of a call admitted by `permit`, completed at `now`.
    pub fn record(&mut self, permit: Permit, outcome: Outcome, now: Duration) -> Recorded {
        let slow = self.is_slow(outcome.duration);
        let stats = &mut self.stats;
        match outcome.result {
            CallResult::Success => stats.succeeded = stats.succeeded.saturating_add(1),
            CallResult::Failure => stats.failed = stats.failed.saturating_add(1),
        }
        if slow {
            stats.slow = stats.slow.saturating_add(1);
        }
        if permit.generation != self.generation {
            return Recorded::Stale;
        }
        match self.state {
            State::Closed => self.on_closed(outcome.result, slow, now),
            State::HalfOpen => self.on_half_open(outcome.result, slow, now),
            // No permit is ever granted in an OPEN generation.
            State::Open => {}
        }
        Recorded::Counted
    }

    fn is_slow(&self, duration: Duration) -> bool {
        match self
            .config
            .rate
            .as_ref()
            .and_then(|rate| rate.slow.as_ref())
        {
            Some(slow) => duration > slow.slow_call,
            None => false,
        }
    }

    fn on_closed(&mut self, result: CallResult, slow: bool, now: Duration) {
        let failed = result == CallResult::Failure;
        self.failure_count = if failed {
            self.failure_count.saturating_add(1)
        } else {
            0
        };
        if let Some(window) = &mut self.window {
            window.record(now, failed, slow);
        }
        if let Some(threshold) = self.config.failure_threshold {
            let comparison = self.config.failure_comparison;
            if failed && comparison.holds(self.failure_count, threshold) {
                let reason = format!(
                    "{} {} failure_threshold {threshold}",
                    counted(self.failure_count, "consecutive failure"),
                    comparison.verb()
                );
                return self.set_state(State::Open, now, reason);
            }
        }
        if let Some(reason) = self.rate_trip(failed, now) {
            self.set_state(State::Open, now, reason);
        }
    }

    /// Why the window's rates open the breaker at `now`, if they do.
    fn rate_trip(&self, failed: bool, now: Duration) -> Option<String> {
        let rate = self.config.rate.as_ref()?;
        if rate.judge_on == JudgeOn::Failure && !failed {
            return None;
        }
        let totals = self.window.as_ref()?.totals(now);
        if totals.calls < rate.effective_min_calls() {
            return None;
        }
        if rate_reached(totals.failures, totals.calls, rate.failure_rate) {
            return Some(format!(
                "failure rate {} over {} calls reached failure_rate {}",
                format_percent(totals.failure_rate()),
                totals.calls,
                format_percent(rate.failure_rate)
            ));
        }
        let slow = rate.slow.as_ref()?;
        if rate_reached(totals.slow, totals.calls, slow.slow_rate) {
            return Some(format!(
                "slow-call rate {} over {} calls reached slow_rate {} (calls slower than {})",
                format_percent(totals.slow_rate()),
                totals.calls,
                format_percent(slow.slow_rate),
                format_duration(slow.slow_call)
            ));
        }
        None
    }

    fn on_half_open(&mut self, result: CallResult, slow: bool, now: Duration) {
        match (self.config.half_open_judgement, result) {
            (HalfOpenJudgement::Consecutive, CallResult::Failure) => {
                self.set_state(State::Open, now, "failure while HALF_OPEN".to_owned());
            }
            (HalfOpenJudgement::Consecutive, CallResult::Success) => {
                self.success_count = self.success_count.saturating_add(1);
                let threshold = self.config.success_threshold;
                if self.success_count >= threshold {
                    let reason = format!(
                        "{} reached success_threshold {threshold}",
                        counted(self.success_count, "consecutive success")
                    );
                    self.set_state(State::Closed, now, reason);
                }
            }
            (HalfOpenJudgement::Rate, _) => self.judge_half_open_rate(result, slow, now),
        }
    }

    /// Resilience4j: once every permitted half-open call has completed, judge their rates.
    fn judge_half_open_rate(&mut self, result: CallResult, slow: bool, now: Duration) {
        match result {
            CallResult::Success => self.success_count = self.success_count.saturating_add(1),
            CallResult::Failure => self.failure_count = self.failure_count.saturating_add(1),
        }
        self.half_open_slow += u32::from(slow);
        let (Some(rate), Some(permitted)) = (&self.config.rate, self.config.half_open_max_calls)
        else {
            return; // validation guarantees both for the rate judgement
        };
        let completed = self.failure_count.saturating_add(self.success_count);
        if completed < permitted {
            return;
        }
        let totals = WindowTotals {
            calls: completed,
            failures: self.failure_count,
            slow: self.half_open_slow,
        };
        let failure_rate = format_percent(totals.failure_rate());
        let limit = format_percent(rate.failure_rate);
        if rate_reached(totals.failures, completed, rate.failure_rate) {
            let reason = format!(
                "failure rate {failure_rate} over {completed} half-open calls reached failure_rate {limit}"
            );
            return self.set_state(State::Open, now, reason);
        }
        let mut reason = format!(
            "failure rate {failure_rate} over {completed} half-open calls below failure_rate {limit}"
        );
        if let Some(slow) = &rate.slow {
            let slow_rate = format_percent(totals.slow_rate());
            let slow_limit = format_percent(slow.slow_rate);
            if rate_reached(totals.slow, completed, slow.slow_rate) {
                let reason = format!(
                    "slow-call rate {slow_rate} over {completed} half-open calls reached slow_rate {slow_limit}"
                );
                return self.set_state(State::Open, now, reason);
            }
            reason += &format!(", slow-call rate {slow_rate} below slow_rate {slow_limit}");
        }
        self.set_state(State::Closed, now, reason);
    }

    /// The one place the state changes: new generation, counts and window cleared (as
    /// gobreaker and Resilience4j do), the transition logged.
    fn set_state(&mut self, to: State, at: Duration, reason: String) {
        let from = self.state;
        self.state = to;
        self.generation = self.generation.wrapping_add(1);
        self.failure_count = 0;
        self.success_count = 0;
        self.half_open_admitted = 0;
        self.half_open_slow = 0;
        if let Some(window) = &mut self.window {
            window.reset();
        }
        if to == State::Open {
            self.opened_at = at;
        }
        self.log.push(Transition {
            from,
            to,
            at,
            reason,
        });
    }

    /// CLOSED: consecutive failures. HALF_OPEN: failed half-open calls. OPEN: 0.
    pub fn failure_count(&self) -> u32 {
        self.failure_count
    }

    /// HALF_OPEN: successful half-open calls. Otherwise 0.
    pub fn success_count(&self) -> u32 {
        self.success_count
    }

    /// HALF_OPEN: calls admitted in this half-open period. Otherwise 0.
    pub fn half_open_admitted(&self) -> u32 {
        self.half_open_admitted
    }

    /// What the sliding window holds at `now` (CLOSED only; it is cleared on every change).
    pub fn window_totals(&self, now: Duration) -> Option<WindowTotals> {
        self.window.as_ref().map(|window| window.totals(now))
    }

    /// While OPEN: when it opened, and the first instant a trial call is admitted.
    pub fn open_since(&self) -> Option<(Duration, Option<Duration>)> {
        (self.state == State::Open).then(|| (self.opened_at, self.config.trial_due(self.opened_at)))
    }

    /// Call counts since the breaker was built.
    pub fn stats(&self) -> Stats {
        self.stats
    }

    /// The most recent transitions (at most [`TRANSITION_LOG_CAPACITY`]), oldest first.
    pub fn transitions(&self) -> impl DoubleEndedIterator<Item = &Transition> + '_ {
        self.log.recent.iter()
    }

    /// How many transitions happened in all (including those the log no longer holds).
    pub fn transition_count(&self) -> u64 {
        self.log.total
    }

    /// The transitions after the first `count` ones, as far as the log still holds them: a
    /// driver notes `transition_count()` before acting and collects the new ones after.
    pub fn transitions_since(&self, count: u64) -> impl Iterator<Item = &Transition> + '_ {
        let new = self.log.total.saturating_sub(count);
        let held = self.log.recent.len();
        let skip = held.saturating_sub(usize::try_from(new).unwrap_or(usize::MAX));
        self.log.recent.iter().skip(skip)
    }
}

/// "1 consecutive failure", "5 consecutive failures", "2 consecutive successes".
fn counted(n: u32, noun: &str) -> String {
    match (n, noun.ends_with('s')) {
        (1, _) => format!("1 {noun}"),
        (_, true) => format!("{n} {noun}es"),
        (_, false) => format!("{n} {noun}s"),
    }
}

/// `part / whole >= threshold %`, compared without dividing so whole percentages are exact.
fn rate_reached(part: u32, whole: u32, threshold_percent: f64) -> bool {
    f64::from(part) * 100.0 >= threshold_percent * f64::from(whole)
}
