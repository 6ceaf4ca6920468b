//! Rate limiters (DESIGN §3.4): fixed window, sliding log, sliding window (weighted counter),
//! token bucket, GCRA and the leaky bucket as a queue, one [`Limiter`] deciding each request
//! with `now` passed in, and [`run`] playing a script of arrivals on one.
//!
//! Times are whole milliseconds and rates whole requests per second. The arithmetic is exact:
//! rate-based algorithms count in "scaled time" (`t_ms · rate`, where one request, one token
//! or one emission interval is exactly 1000 units), so no fraction is ever rounded and a
//! million requests drift by nothing. Only admitted requests are counted. Time never runs
//! backwards: a `now` earlier than one already seen is taken as the latest one seen.

mod algorithms;
mod config;
mod deployed;
mod preset;
#[cfg(test)]
mod proptests;
mod script;
#[cfg(test)]
mod tests;

pub use algorithms::{
    FixedWindow, Gcra, LeakyQueue, SlidingLog, SlidingWindowCounter, TokenBucket,
};
pub use config::{Algorithm, ConfigError, LimiterConfig, MAX_COUNT, MAX_RATE, MAX_WINDOW_MS};
pub use deployed::{EnvoyTimer, GuavaBursty, RedisIncr, RedisRecipe, Resilience4j};
pub use preset::{DEFAULT_ALGORITHM, Preset, Rate, Settings, SettingsError};
pub use script::{
    Action, MAX_REQUESTS_PER_TOKEN, MAX_SCRIPT_REQUESTS, Script, ScriptError, Step, Token,
    format_ms, run,
};

/// What a limiter does with one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Decision {
    /// The request goes ahead after `delay_ms` (always 0 except for limiters that queue).
    Admitted { delay_ms: u64 },
    /// The request is refused.
    Rejected,
}

impl Decision {
    /// An admission without delay.
    pub const ADMIT: Self = Self::Admitted { delay_ms: 0 };

    /// Whether the request goes ahead.
    pub fn is_admitted(self) -> bool {
        matches!(self, Self::Admitted { .. })
    }

    /// `A` for admitted, `R` for rejected (the letters of a step's `decisions`).
    pub fn letter(self) -> char {
        match self {
            Self::Admitted { .. } => 'A',
            Self::Rejected => 'R',
        }
    }
}

/// An algorithm's own variables at a moment, for a step report or a stepper to show.
/// Serialized without a tag: the fields say which algorithm it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(untagged)]
pub enum LimiterState {
    /// Fixed window: admitted requests in the window that starts at `window_start_ms`.
    Window { window_start_ms: u64, count: u32 },
    /// Sliding log: admitted requests in (now − W, now], and the oldest of them.
    Log {
        count: u32,
        #[serde(skip_serializing_if = "Option::is_none")]
        oldest_ms: Option<u64>,
    },
    /// Sliding window counter: the current and previous fixed windows' counts and the
    /// weighted estimate `prev · (W − e) / W + curr`, in thousandths (rounded down).
    Weighted {
        window_start_ms: u64,
        previous: u32,
        current: u32,
        estimate_milli: u64,
    },
    /// Token bucket: tokens in thousandths of a token, out of `capacity_milli`.
    Tokens {
        tokens_milli: u64,
        capacity_milli: u64,
    },
    /// GCRA: the theoretical arrival time and the tolerance τ, in ms (rounded down).
    Gcra { tat_ms: u64, tolerance_ms: u64 },
    /// Leaky bucket as a queue: requests waiting (not yet left), and when the queue is empty.
    Queue { queue_len: u32, drained_at_ms: u64 },
    /// Guava SmoothBursty: stored permits in thousandths, and when the next ticket is free.
    Guava {
        stored_milli: u64,
        next_free_ms: u64,
    },
    /// Resilience4j: the current cycle's start and its permits (negative: reserved ahead).
    Cycle {
        cycle_start_ms: u64,
        permissions: i64,
    },
    /// Redis `INCR` + `EXPIRE`: the counter and when its key expires (absent: no key).
    Counter {
        count: u64,
        #[serde(skip_serializing_if = "Option::is_none")]
        expires_at_ms: Option<u64>,
    },
}

impl LimiterState {
    /// Every variable as (name, value), absent ones empty, thousandths as decimals: table
    /// cells, CSV columns, a stepper's readout.
    pub fn fields(&self) -> Vec<(&'static str, String)> {
        let opt = |value: Option<u64>| value.map_or_else(String::new, |v| v.to_string());
        match *self {
            LimiterState::Window {
                window_start_ms,
                count,
            } => vec![
                ("window_start_ms", window_start_ms.to_string()),
                ("count", count.to_string()),
            ],
            LimiterState::Log { count, oldest_ms } => {
                vec![("count", count.to_string()), ("oldest_ms", opt(oldest_ms))]
            }
            LimiterState::Weighted {
                window_start_ms,
                previous,
                current,
                estimate_milli,
            } => vec![
                ("window_start_ms", window_start_ms.to_string()),
                ("previous", previous.to_string()),
                ("current", current.to_string()),
                ("estimate", format_milli(estimate_milli)),
            ],
            LimiterState::Tokens {
                tokens_milli,
                capacity_milli,
            } => vec![
                ("tokens", format_milli(tokens_milli)),
                ("capacity", format_milli(capacity_milli)),
            ],
            LimiterState::Gcra {
                tat_ms,
                tolerance_ms,
            } => vec![
                ("tat_ms", tat_ms.to_string()),
                ("tolerance_ms", tolerance_ms.to_string()),
            ],
            LimiterState::Queue {
                queue_len,
                drained_at_ms,
            } => vec![
                ("queue_len", queue_len.to_string()),
                ("drained_at_ms", drained_at_ms.to_string()),
            ],
            LimiterState::Guava {
                stored_milli,
                next_free_ms,
            } => vec![
                ("stored", format_milli(stored_milli)),
                ("next_free_ms", next_free_ms.to_string()),
            ],
            LimiterState::Cycle {
                cycle_start_ms,
                permissions,
            } => vec![
                ("cycle_start_ms", cycle_start_ms.to_string()),
                ("permissions", permissions.to_string()),
            ],
            LimiterState::Counter {
                count,
                expires_at_ms,
            } => vec![
                ("count", count.to_string()),
                ("expires_at_ms", opt(expires_at_ms)),
            ],
        }
    }
}

/// Thousandths as an exact decimal: `4500` → `4.5`, `333` → `0.333`, `2000` → `2`.
pub fn format_milli(value: u64) -> String {
    let (whole, frac) = (value / 1000, value % 1000);
    if frac == 0 {
        whole.to_string()
    } else {
        format!("{whole}.{frac:03}")
            .trim_end_matches('0')
            .to_owned()
    }
}

/// One rate limiter of any algorithm, with its state. Clone it to keep a snapshot (undo).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Limiter {
    FixedWindow(FixedWindow),
    SlidingLog(SlidingLog),
    SlidingWindow(SlidingWindowCounter),
    TokenBucket(TokenBucket),
    Gcra(Gcra),
    LeakyQueue(LeakyQueue),
    EnvoyTimer(EnvoyTimer),
    Guava(GuavaBursty),
    Resilience4j(Resilience4j),
    RedisIncr(RedisIncr),
}

impl Limiter {
    /// A fresh limiter (nothing admitted yet, buckets full, clock at 0).
    pub fn new(config: LimiterConfig) -> Result<Self, ConfigError> {
        config.validate()?;
        Ok(match config {
            LimiterConfig::FixedWindow { limit, window_ms } => {
                Self::FixedWindow(FixedWindow::new(limit, window_ms))
            }
            LimiterConfig::SlidingLog { limit, window_ms } => {
                Self::SlidingLog(SlidingLog::new(limit, window_ms))
            }
            LimiterConfig::SlidingWindow { limit, window_ms } => {
                Self::SlidingWindow(SlidingWindowCounter::new(limit, window_ms))
            }
            LimiterConfig::TokenBucket { rate, burst } => {
                Self::TokenBucket(TokenBucket::new(rate, burst))
            }
            LimiterConfig::Gcra { rate, burst } => Self::Gcra(Gcra::new(rate, burst)),
            LimiterConfig::LeakyQueue { rate, queue } => {
                Self::LeakyQueue(LeakyQueue::new(rate, queue))
            }
            LimiterConfig::NginxLimitReq {
                rate,
                burst,
                delay,
                nodelay,
            } => {
                let pass = if nodelay {
                    u64::MAX
                } else {
                    u64::from(delay) * 1000
                };
                Self::LeakyQueue(LeakyQueue::with_pass(rate, burst, pass))
            }
            LimiterConfig::EnvoyTimer {
                max_tokens,
                tokens_per_fill,
                fill_interval_ms,
            } => Self::EnvoyTimer(EnvoyTimer::new(
                max_tokens,
                tokens_per_fill,
                fill_interval_ms,
            )),
            LimiterConfig::Guava { rate } => Self::Guava(GuavaBursty::new(rate)),
            LimiterConfig::Resilience4j {
                limit_for_period,
                limit_refresh_period_ns,
                timeout_ms,
            } => Self::Resilience4j(Resilience4j::new(
                limit_for_period,
                limit_refresh_period_ns,
                timeout_ms,
            )),
            LimiterConfig::RedisIncr {
                limit,
                window_ms,
                recipe,
            } => Self::RedisIncr(RedisIncr::new(limit, window_ms, recipe)),
        })
    }

    /// Decides one request arriving at `now_ms`, and counts it if admitted.
    #[inline]
    pub fn decide(&mut self, now_ms: u64) -> Decision {
        match self {
            Self::FixedWindow(limiter) => limiter.decide(now_ms),
            Self::SlidingLog(limiter) => limiter.decide(now_ms),
            Self::SlidingWindow(limiter) => limiter.decide(now_ms),
            Self::TokenBucket(limiter) => limiter.decide(now_ms),
            Self::Gcra(limiter) => limiter.decide(now_ms),
            Self::LeakyQueue(limiter) => limiter.decide(now_ms),
            Self::EnvoyTimer(limiter) => limiter.decide(now_ms),
            Self::Guava(limiter) => limiter.decide(now_ms),
            Self::Resilience4j(limiter) => limiter.decide(now_ms),
            Self::RedisIncr(limiter) => limiter.decide(now_ms),
        }
    }

    /// The algorithm's variables as they stand at `now_ms` (no request made).
    pub fn state(&self, now_ms: u64) -> LimiterState {
        match self {
            Self::FixedWindow(limiter) => limiter.state(now_ms),
            Self::SlidingLog(limiter) => limiter.state(now_ms),
            Self::SlidingWindow(limiter) => limiter.state(now_ms),
            Self::TokenBucket(limiter) => limiter.state(now_ms),
            Self::Gcra(limiter) => limiter.state(now_ms),
            Self::LeakyQueue(limiter) => limiter.state(now_ms),
            Self::EnvoyTimer(limiter) => limiter.state(now_ms),
            Self::Guava(limiter) => limiter.state(now_ms),
            Self::Resilience4j(limiter) => limiter.state(now_ms),
            Self::RedisIncr(limiter) => limiter.state(now_ms),
        }
    }

    /// Whether admitted requests can be delayed (a step then reports `delays_ms`).
    pub fn delays(&self) -> bool {
        match self {
            Self::LeakyQueue(_) | Self::Resilience4j(_) => true,
            Self::FixedWindow(_)
            | Self::EnvoyTimer(_)
            | Self::Guava(_)
            | Self::RedisIncr(_)
            | Self::SlidingLog(_)
            | Self::SlidingWindow(_)
            | Self::TokenBucket(_)
            | Self::Gcra(_) => false,
        }
    }
}
