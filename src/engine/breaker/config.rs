//! The breaker's configuration: plain data (serde, `Clone`, `PartialEq`) so exercise files
//! can embed it, plus the validation that [`CircuitBreaker::new`](super::CircuitBreaker::new)
//! runs. Every comparison a library might make differently (`>=` or `>`) is a field, so a
//! preset's parameter keeps its meaning when a flag overrides its value.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::engine::duration::{self, format_duration};
use crate::engine::window::{MAX_WINDOW_CALLS, WindowConfig};

/// How a count is compared with its threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Comparison {
    /// `value >= threshold` (the seed, pybreaker, Resilience4j's rates, Polly).
    AtLeast,
    /// `value > threshold` (gobreaker's `ConsecutiveFailures > 5`, `expiry.Before(now)`).
    Exceeds,
}

impl Comparison {
    /// Whether `value` compared with `threshold` this way holds.
    pub fn holds<T: PartialOrd>(self, value: T, threshold: T) -> bool {
        match self {
            Self::AtLeast => value >= threshold,
            Self::Exceeds => value > threshold,
        }
    }

    /// The operator, for people: `>=` or `>`.
    pub fn symbol(self) -> &'static str {
        match self {
            Self::AtLeast => ">=",
            Self::Exceeds => ">",
        }
    }

    /// The verb of a transition reason: a count "reached" or "exceeded" its threshold.
    pub fn verb(self) -> &'static str {
        match self {
            Self::AtLeast => "reached",
            Self::Exceeds => "exceeded",
        }
    }
}

/// How an OPEN breaker becomes HALF_OPEN once `recovery_timeout` has elapsed.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum HalfOpenTransition {
    /// On the first call after the timeout, which is then the trial call (the seed).
    #[default]
    Lazy,
    /// By itself at the moment the timeout elapses (Resilience4j's automatic transition);
    /// drivers apply it with [`CircuitBreaker::observe`](super::CircuitBreaker::observe).
    Automatic,
}

/// How the calls made while HALF_OPEN decide between CLOSED and OPEN.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum HalfOpenJudgement {
    /// `success_threshold` consecutive successes close; any failure reopens (seed, gobreaker).
    #[default]
    Consecutive,
    /// Once all `half_open_max_calls` permitted calls have completed, a failure (or slow-call)
    /// rate at or over the window's threshold reopens, below it closes (Resilience4j).
    Rate,
}

/// Which completed calls make a CLOSED breaker judge its window's rates.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum JudgeOn {
    /// After every call, successes included (Resilience4j; a slow success can trip).
    #[default]
    EveryCall,
    /// Only after a failure (Polly's `OnActionFailure`): a success never opens the breaker.
    Failure,
}

/// Rate-based tripping over a sliding window (Resilience4j, Polly).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RateConfig {
    /// The calls the rates are computed over.
    pub window: WindowConfig,
    /// Calls the window must hold before its rates are judged. A count window never holds
    /// more than its size, so there the minimum is capped at the size (as in Resilience4j).
    pub min_calls: u32,
    /// Failure rate, in percent, at or above which the breaker opens.
    pub failure_rate: f64,
    /// Optional slow-call tripping.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slow: Option<SlowCalls>,
    #[serde(default)]
    pub judge_on: JudgeOn,
}

impl RateConfig {
    /// The number of calls in the window from which rates are judged.
    pub fn effective_min_calls(&self) -> u32 {
        match self.window {
            WindowConfig::Count { calls } => self.min_calls.min(calls),
            WindowConfig::Time { .. } => self.min_calls,
        }
    }
}

/// Slow-call tripping: a call is slow when its duration is strictly greater than
/// `slow_call`; a slow-call rate at or above `slow_rate` percent opens the breaker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SlowCalls {
    #[serde(with = "crate::engine::duration::serde_text")]
    #[schemars(with = "String")]
    pub slow_call: Duration,
    pub slow_rate: f64,
}

/// Everything that decides a breaker's behaviour. `Default` is the seed's breaker.
///
/// Missing fields take the seed's values when deserialized, so an exercise can write just
/// `{failure_threshold: 5, recovery_timeout: 30s, success_threshold: 3}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct BreakerConfig {
    /// Consecutive failures that open a CLOSED breaker; `None` turns consecutive tripping off.
    pub failure_threshold: Option<u32>,
    /// `at_least` opens when the count reaches the threshold, `exceeds` when it passes it.
    pub failure_comparison: Comparison,
    /// How long an OPEN breaker rejects calls, counted from the moment it opened.
    #[serde(with = "crate::engine::duration::serde_text")]
    #[schemars(with = "String")]
    pub recovery_timeout: Duration,
    /// `exceeds`: a trial is allowed strictly after the timeout; `at_least`: at it.
    pub recovery_comparison: Comparison,
    pub half_open_transition: HalfOpenTransition,
    /// Consecutive HALF_OPEN successes that close the breaker (consecutive judgement).
    pub success_threshold: u32,
    /// The most calls admitted during one HALF_OPEN period; the rest are rejected.
    pub half_open_max_calls: Option<u32>,
    pub half_open_judgement: HalfOpenJudgement,
    /// Rate-based tripping; may be combined with `failure_threshold` (either opens).
    pub rate: Option<RateConfig>,
}

impl Default for BreakerConfig {
    /// The seed module's `CircuitBreaker`: 5 failures, 60 s strictly after, 2 successes.
    fn default() -> Self {
        Self {
            failure_threshold: Some(5),
            failure_comparison: Comparison::AtLeast,
            recovery_timeout: Duration::from_secs(60),
            recovery_comparison: Comparison::Exceeds,
            half_open_transition: HalfOpenTransition::Lazy,
            success_threshold: 2,
            half_open_max_calls: None,
            half_open_judgement: HalfOpenJudgement::Consecutive,
            rate: None,
        }
    }
}

/// A configuration the breaker cannot run with. Each message names the field.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConfigError {
    #[error("{field} must be at least 1, got '0'")]
    Zero { field: &'static str },
    #[error("{field} must be a percentage above 0 and at most 100, got '{value}'")]
    Percentage { field: &'static str, value: f64 },
    #[error("{field} '{value}' is longer than the longest accepted duration (1000h)")]
    TooLong { field: &'static str, value: String },
    #[error(
        "window '{value}' must hold between 1 and {MAX_WINDOW_CALLS} calls, or span at least 1ms"
    )]
    Window { value: String },
    #[error(
        "half_open_max_calls {cap} is below success_threshold {needed}: the breaker could never close"
    )]
    CapBelowSuccessThreshold { cap: u32, needed: u32 },
    #[error(
        "half_open_judgement 'rate' needs a window: its failure_rate judges the half-open calls"
    )]
    RateJudgementWithoutWindow,
    #[error(
        "half_open_judgement 'rate' needs half_open_max_calls: the number of half-open calls to judge"
    )]
    RateJudgementWithoutCap,
    #[error("nothing would ever open the breaker: set failure_threshold or a window")]
    NothingTrips,
}

impl ConfigError {
    /// The configuration field at fault (also the name of its `sim breaker` flag).
    pub fn field(&self) -> &'static str {
        match self {
            Self::Zero { field } | Self::Percentage { field, .. } | Self::TooLong { field, .. } => {
                field
            }
            Self::Window { .. } | Self::RateJudgementWithoutWindow => "window",
            Self::CapBelowSuccessThreshold { .. } | Self::RateJudgementWithoutCap => {
                "half_open_max_calls"
            }
            Self::NothingTrips => "failure_threshold",
        }
    }
}

impl BreakerConfig {
    /// Checks every field; the first problem found is returned.
    pub fn validate(&self) -> Result<(), ConfigError> {
        // `> 0` trips on the first failure (gobreaker's `ConsecutiveFailures > 0`); `>= 0`
        // would open with none.
        if self.failure_comparison == Comparison::AtLeast {
            at_least_one("failure_threshold", self.failure_threshold)?;
        }
        at_least_one("success_threshold", Some(self.success_threshold))?;
        at_least_one("half_open_max_calls", self.half_open_max_calls)?;
        not_too_long("recovery_timeout", self.recovery_timeout)?;
        if let Some(rate) = &self.rate {
            validate_rate(rate)?;
        }
        if self.failure_threshold.is_none() && self.rate.is_none() {
            return Err(ConfigError::NothingTrips);
        }
        match self.half_open_judgement {
            HalfOpenJudgement::Consecutive => match self.half_open_max_calls {
                Some(cap) if cap < self.success_threshold => {
                    Err(ConfigError::CapBelowSuccessThreshold {
                        cap,
                        needed: self.success_threshold,
                    })
                }
                _ => Ok(()),
            },
            HalfOpenJudgement::Rate if self.rate.is_none() => {
                Err(ConfigError::RateJudgementWithoutWindow)
            }
            HalfOpenJudgement::Rate if self.half_open_max_calls.is_none() => {
                Err(ConfigError::RateJudgementWithoutCap)
            }
            HalfOpenJudgement::Rate => Ok(()),
        }
    }

    /// The first instant at which an OPEN breaker that opened at `opened_at` admits a trial
    /// call: `opened_at + recovery_timeout`, plus one nanosecond when it must be strictly
    /// after. `None` only if that lies beyond `Duration::MAX`.
    pub fn trial_due(&self, opened_at: Duration) -> Option<Duration> {
        let at = opened_at.checked_add(self.recovery_timeout)?;
        match self.recovery_comparison {
            Comparison::AtLeast => Some(at),
            Comparison::Exceeds => at.checked_add(Duration::from_nanos(1)),
        }
    }
}

fn at_least_one(field: &'static str, value: Option<u32>) -> Result<(), ConfigError> {
    match value {
        Some(0) => Err(ConfigError::Zero { field }),
        _ => Ok(()),
    }
}

fn not_too_long(field: &'static str, value: Duration) -> Result<(), ConfigError> {
    if value > duration::MAX {
        return Err(ConfigError::TooLong {
            field,
            value: format_duration(value),
        });
    }
    Ok(())
}

fn percentage(field: &'static str, value: f64) -> Result<(), ConfigError> {
    // Written so that NaN fails too.
    if value > 0.0 && value <= 100.0 {
        return Ok(());
    }
    Err(ConfigError::Percentage { field, value })
}

fn validate_rate(rate: &RateConfig) -> Result<(), ConfigError> {
    let window_ok = match rate.window {
        WindowConfig::Count { calls } => (1..=MAX_WINDOW_CALLS).contains(&calls),
        WindowConfig::Time { span } => {
            span >= crate::engine::window::MIN_TIME_WINDOW && span <= duration::MAX
        }
    };
    if !window_ok {
        return Err(ConfigError::Window {
            value: rate.window.to_string(),
        });
    }
    at_least_one("min_calls", Some(rate.min_calls))?;
    percentage("failure_rate", rate.failure_rate)?;
    if let Some(slow) = &rate.slow {
        not_too_long("slow_call", slow.slow_call)?;
        percentage("slow_rate", slow.slow_rate)?;
    }
    Ok(())
}

/// A percentage the way people write it: `50%`, `12.5%`, `33.33%`.
pub fn format_percent(value: f64) -> String {
    let text = format!("{value:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text}%")
}

impl fmt::Display for BreakerConfig {
    /// One line for people: `failure_threshold 5 (trip at >= 5) · recovery_timeout 30s
    /// (trial at > 30s, lazy) · success_threshold 3`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.failure_threshold {
            Some(n) => write!(
                f,
                "failure_threshold {n} (trip at {} {n})",
                self.failure_comparison.symbol()
            )?,
            None => f.write_str("failure_threshold off")?,
        }
        let timeout = format_duration(self.recovery_timeout);
        let transition = match self.half_open_transition {
            HalfOpenTransition::Lazy => "lazy",
            HalfOpenTransition::Automatic => "automatic",
        };
        write!(
            f,
            " · recovery_timeout {timeout} (trial at {} {timeout}, {transition})",
            self.recovery_comparison.symbol()
        )?;
        if self.half_open_judgement == HalfOpenJudgement::Consecutive {
            write!(f, " · success_threshold {}", self.success_threshold)?;
        }
        if let Some(cap) = self.half_open_max_calls {
            write!(f, " · half_open_max_calls {cap}")?;
        }
        if self.half_open_judgement == HalfOpenJudgement::Rate {
            f.write_str(" · half-open calls judged as a rate")?;
        }
        if let Some(rate) = &self.rate {
            write!(
                f,
                " · window {} · min_calls {} · failure_rate {}",
                rate.window,
                rate.effective_min_calls(),
                format_percent(rate.failure_rate)
            )?;
            if let Some(slow) = &rate.slow {
                write!(
                    f,
                    " · slow_call {} · slow_rate {}",
                    format_duration(slow.slow_call),
                    format_percent(slow.slow_rate)
                )?;
            }
            if rate.judge_on == JudgeOn::Failure {
                f.write_str(" · rates judged after failures only")?;
            }
        }
        Ok(())
    }
}
