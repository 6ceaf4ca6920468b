//! A limiter's configuration: which algorithm and its few numbers, and the bounds that keep
//! every product of the exact arithmetic far inside a `u64`.

use std::fmt;
use std::str::FromStr;

use super::deployed::RedisRecipe;

/// The most requests a window may admit, and the largest burst or queue.
pub const MAX_COUNT: u32 = 1_000_000;
/// The fastest rate, in requests per second.
pub const MAX_RATE: u32 = 1_000_000;
/// The longest window: 1000 hours, in milliseconds.
pub const MAX_WINDOW_MS: u64 = 1000 * 3600 * 1000;

/// The algorithms of DESIGN §3.4, by their command-line names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Algorithm {
    FixedWindow,
    SlidingLog,
    SlidingWindow,
    TokenBucket,
    Gcra,
    LeakyQueue,
}

impl Algorithm {
    /// Every algorithm, in the order DESIGN lists them.
    pub const ALL: [Self; 6] = [
        Self::FixedWindow,
        Self::SlidingLog,
        Self::SlidingWindow,
        Self::TokenBucket,
        Self::Gcra,
        Self::LeakyQueue,
    ];

    /// `fixed-window`, `sliding-log`, `sliding-window`, `token-bucket`, `gcra`, `leaky-queue`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::FixedWindow => "fixed-window",
            Self::SlidingLog => "sliding-log",
            Self::SlidingWindow => "sliding-window",
            Self::TokenBucket => "token-bucket",
            Self::Gcra => "gcra",
            Self::LeakyQueue => "leaky-queue",
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl FromStr for Algorithm {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|algorithm| algorithm.as_str().eq_ignore_ascii_case(text))
            .ok_or_else(|| {
                let names: Vec<&str> = Self::ALL.iter().map(|a| a.as_str()).collect();
                format!("unknown algorithm '{text}'; one of {}", names.join(", "))
            })
    }
}

/// One limiter's configuration. In JSON and YAML: `{"algorithm": "token-bucket", "rate": 10,
/// "burst": 5}`; `rate` is in requests per second, `window_ms` in milliseconds.
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
#[serde(tag = "algorithm", rename_all = "kebab-case")]
pub enum LimiterConfig {
    /// Windows [kW, (k+1)W) aligned at t = 0; admit while the window's count < `limit`.
    FixedWindow { limit: u32, window_ms: u64 },
    /// Admit when fewer than `limit` admitted requests lie in (t − W, t].
    SlidingLog { limit: u32, window_ms: u64 },
    /// Admit when prev · (W − e) / W + curr < `limit` (e: time since the window started).
    SlidingWindow { limit: u32, window_ms: u64 },
    /// Starts full with `burst` tokens, refills at `rate`/s up to `burst`; one token a request.
    TokenBucket { rate: u32, burst: u32 },
    /// T = 1/rate, τ = (burst − 1)·T; admit when t ≥ TAT − τ, then TAT = max(TAT, t) + T.
    Gcra { rate: u32, burst: u32 },
    /// A FIFO of at most `queue` waiting requests, one leaving every 1/`rate`.
    LeakyQueue { rate: u32, queue: u32 },
    /// nginx `limit_req`: the leaky queue with `queue = burst`, where the first `delay`
    /// excess requests (all of them with `nodelay`) go ahead without waiting.
    NginxLimitReq {
        rate: u32,
        burst: u32,
        delay: u32,
        nodelay: bool,
    },
    /// Envoy local rate limit through 1.30: `tokens_per_fill` added every
    /// `fill_interval_ms` (at least 50 ms) up to `max_tokens`, starting full.
    EnvoyTimer {
        max_tokens: u32,
        tokens_per_fill: u32,
        fill_interval_ms: u64,
    },
    /// Guava `RateLimiter.create(rate)` asked with `tryAcquire()`.
    Guava { rate: u32 },
    /// Resilience4j `RateLimiter`: `limit_for_period` permits per refresh period, waiting up
    /// to `timeout_ms` for a later cycle.
    Resilience4j {
        limit_for_period: u32,
        limit_refresh_period_ns: u64,
        timeout_ms: u64,
    },
    /// A Redis counter that expires `window_ms` after a client's first request.
    RedisIncr {
        limit: u32,
        window_ms: u64,
        recipe: RedisRecipe,
    },
}

impl LimiterConfig {
    /// The configuration's name, as its JSON `algorithm` field spells it.
    pub fn name(&self) -> &'static str {
        match self {
            Self::FixedWindow { .. } => Algorithm::FixedWindow.as_str(),
            Self::SlidingLog { .. } => Algorithm::SlidingLog.as_str(),
            Self::SlidingWindow { .. } => Algorithm::SlidingWindow.as_str(),
            Self::TokenBucket { .. } => Algorithm::TokenBucket.as_str(),
            Self::Gcra { .. } => Algorithm::Gcra.as_str(),
            Self::LeakyQueue { .. } => Algorithm::LeakyQueue.as_str(),
            Self::NginxLimitReq { .. } => "nginx-limit-req",
            Self::EnvoyTimer { .. } => "envoy-timer",
            Self::Guava { .. } => "guava",
            Self::Resilience4j { .. } => "resilience4j",
            Self::RedisIncr { .. } => "redis-incr",
        }
    }

    /// Checks every number is inside its bounds.
    pub fn validate(&self) -> Result<(), ConfigError> {
        match *self {
            Self::FixedWindow { limit, window_ms }
            | Self::SlidingLog { limit, window_ms }
            | Self::SlidingWindow { limit, window_ms } => {
                check_count("limit", limit, 1)?;
                check_window(window_ms)
            }
            Self::TokenBucket { rate, burst } | Self::Gcra { rate, burst } => {
                check_rate(rate)?;
                check_count("burst", burst, 1)
            }
            Self::LeakyQueue { rate, queue } => {
                check_rate(rate)?;
                check_count("queue", queue, 0)
            }
            Self::NginxLimitReq {
                rate, burst, delay, ..
            } => {
                check_rate(rate)?;
                check_count("burst", burst, 0)?;
                check_count("delay", delay, 0)
            }
            Self::EnvoyTimer {
                max_tokens,
                tokens_per_fill,
                fill_interval_ms,
            } => {
                check_count("max_tokens", max_tokens, 1)?;
                check_count("tokens_per_fill", tokens_per_fill, 1)?;
                // Envoy refuses shorter: "local rate limit token bucket fill timer must be
                // >= 50ms".
                check("fill_interval_ms", fill_interval_ms, 50, MAX_WINDOW_MS)
            }
            Self::Guava { rate } => check_rate(rate),
            Self::Resilience4j {
                limit_for_period,
                limit_refresh_period_ns,
                timeout_ms,
            } => {
                check_count("limit_for_period", limit_for_period, 1)?;
                check(
                    "limit_refresh_period_ns",
                    limit_refresh_period_ns,
                    1,
                    MAX_WINDOW_MS * 1_000_000,
                )?;
                check("timeout_ms", timeout_ms, 0, MAX_WINDOW_MS)
            }
            Self::RedisIncr {
                limit, window_ms, ..
            } => {
                check_count("limit", limit, 1)?;
                check_window(window_ms)
            }
        }
    }
}

/// Why a configuration cannot build a limiter.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("{name} is {value}; it must be at least {min}")]
    TooSmall {
        name: &'static str,
        value: u64,
        min: u64,
    },
    #[error("{name} is {value}; it must be at most {max}")]
    TooLarge {
        name: &'static str,
        value: u64,
        max: u64,
    },
}

fn check_count(name: &'static str, value: u32, min: u32) -> Result<(), ConfigError> {
    check(name, u64::from(value), u64::from(min), u64::from(MAX_COUNT))
}

fn check_rate(rate: u32) -> Result<(), ConfigError> {
    check("rate", u64::from(rate), 1, u64::from(MAX_RATE))
}

fn check_window(window_ms: u64) -> Result<(), ConfigError> {
    check("window_ms", window_ms, 1, MAX_WINDOW_MS)
}

fn check(name: &'static str, value: u64, min: u64, max: u64) -> Result<(), ConfigError> {
    if value < min {
        return Err(ConfigError::TooSmall { name, value, min });
    }
    if value > max {
        return Err(ConfigError::TooLarge { name, value, max });
    }
    Ok(())
}

impl fmt::Display for LimiterConfig {
    /// "token-bucket · rate 10/s, burst 5": the configuration in the flags' terms.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let config = *self;
        let ms = |ms: u64| super::format_ms(ms);
        let detail = match config {
            LimiterConfig::FixedWindow { limit, window_ms }
            | LimiterConfig::SlidingLog { limit, window_ms }
            | LimiterConfig::SlidingWindow { limit, window_ms } => {
                format!("limit {limit} per {}", ms(window_ms))
            }
            LimiterConfig::TokenBucket { rate, burst } | LimiterConfig::Gcra { rate, burst } => {
                format!("rate {rate}/s, burst {burst}")
            }
            LimiterConfig::LeakyQueue { rate, queue } => format!("rate {rate}/s, queue {queue}"),
            LimiterConfig::NginxLimitReq {
                rate,
                burst,
                delay,
                nodelay,
            } => {
                let mode = if nodelay {
                    "nodelay".to_owned()
                } else {
                    format!("delay={delay}")
                };
                format!("rate={rate}r/s burst={burst} {mode}")
            }
            LimiterConfig::EnvoyTimer {
                max_tokens,
                tokens_per_fill,
                fill_interval_ms,
            } => format!(
                "max_tokens {max_tokens}, {tokens_per_fill} tokens every {}",
                ms(fill_interval_ms)
            ),
            LimiterConfig::Guava { rate } => format!("RateLimiter.create({rate}), tryAcquire()"),
            LimiterConfig::Resilience4j {
                limit_for_period,
                limit_refresh_period_ns,
                timeout_ms,
            } => format!(
                "limitForPeriod {limit_for_period}, limitRefreshPeriod {}, timeoutDuration {}",
                crate::engine::duration::format_duration(std::time::Duration::from_nanos(
                    limit_refresh_period_ns
                )),
                ms(timeout_ms)
            ),
            LimiterConfig::RedisIncr {
                limit,
                window_ms,
                recipe,
            } => {
                let recipe = match recipe {
                    RedisRecipe::IncrThenCheck => "INCR, then check",
                    RedisRecipe::GetThenIncr => "GET, check, then INCR",
                };
                format!(
                    "limit {limit} per {} from the first request; {recipe}",
                    ms(window_ms)
                )
            }
        };
        write!(f, "{} · {detail}", config.name())
    }
}
