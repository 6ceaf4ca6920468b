//! From settings (`--algorithm`, `--preset`, `--limit`, `--window`, `--rate`, `--burst`,
//! `--queue`, `--timeout`) to a [`LimiterConfig`]: defaults, the presets of deployed
//! libraries, and refusal of a setting the chosen limiter does not read.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use super::{Algorithm, ConfigError, LimiterConfig, RedisRecipe};
use crate::engine::duration::parse_duration;

/// A rate: `count` requests every `per` (`10/s`, `5/100ms`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub count: u32,
    pub per: Duration,
}

impl Rate {
    /// Whole requests per second, if the rate is one.
    pub fn per_second(self) -> Option<u32> {
        let per_ms = u64::try_from(self.per.as_millis()).ok()?;
        if per_ms == 0 || self.per.subsec_nanos() % 1_000_000 != 0 {
            return None;
        }
        let scaled = u64::from(self.count) * 1000;
        (scaled % per_ms == 0)
            .then(|| u32::try_from(scaled / per_ms).ok())
            .flatten()
    }
}

impl FromStr for Rate {
    type Err = String;

    /// `R/s`, `R/DUR` (`5/100ms`, `30/1m`), or a bare `R` meaning per second.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (count, per) = text.split_once('/').unwrap_or((text, "s"));
        let count = count
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|&count| count > 0)
            .ok_or_else(|| {
                format!(
                    "'{text}' is not a rate: write requests per duration, e.g. '10/s' or '5/100ms'"
                )
            })?;
        let per = per.trim();
        // A bare unit (`s`, `m`) means one of it.
        let per = if per.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
            parse_duration(per)
        } else {
            parse_duration(&format!("1{per}"))
        }
        .map_err(|error| format!("'{text}' has a bad period: {error}"))?;
        if per.is_zero() {
            return Err(format!("'{text}' has a zero period"));
        }
        Ok(Self { count, per })
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.per_second() {
            Some(per_second) => write!(f, "{per_second}/s"),
            None => write!(
                f,
                "{}/{}",
                self.count,
                crate::engine::duration::format_duration(self.per)
            ),
        }
    }
}

/// Limiters as libraries ship them, selected by `--preset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Preset {
    Nginx,
    NginxNodelay,
    Envoy,
    EnvoyTimer,
    Guava,
    Resilience4j,
    RedisIncr,
    RedisGetIncr,
}

impl Preset {
    pub const ALL: [Self; 8] = [
        Self::Nginx,
        Self::NginxNodelay,
        Self::Envoy,
        Self::EnvoyTimer,
        Self::Guava,
        Self::Resilience4j,
        Self::RedisIncr,
        Self::RedisGetIncr,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Nginx => "nginx",
            Self::NginxNodelay => "nginx-nodelay",
            Self::Envoy => "envoy",
            Self::EnvoyTimer => "envoy-timer",
            Self::Guava => "guava",
            Self::Resilience4j => "resilience4j",
            Self::RedisIncr => "redis-incr",
            Self::RedisGetIncr => "redis-get-incr",
        }
    }

    /// What the preset models, one line.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Nginx => "nginx limit_req: leaky queue of --burst (default 0), excess delayed",
            Self::NginxNodelay => "nginx limit_req nodelay: same admissions, nothing delayed",
            Self::Envoy => "Envoy local rate limit (1.31+): continuous token bucket",
            Self::EnvoyTimer => "Envoy local rate limit (<= 1.30): --rate N/DUR added per tick",
            Self::Guava => "Guava RateLimiter.create(rate).tryAcquire(): stores 1 s of permits",
            Self::Resilience4j => {
                "Resilience4j RateLimiter: --limit per --window cycle, waits up to --timeout"
            }
            Self::RedisIncr => "Redis INCR then EXPIRE on 1 (seed 002): window from first request",
            Self::RedisGetIncr => "redis.io rate limiter 2: GET, then INCR; admits limit + 1",
        }
    }
}

impl fmt::Display for Preset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl FromStr for Preset {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|preset| preset.as_str().eq_ignore_ascii_case(text))
            .ok_or_else(|| {
                let names: Vec<&str> = Self::ALL.iter().map(|p| p.as_str()).collect();
                format!("unknown preset '{text}'; one of {}", names.join(", "))
            })
    }
}

/// The settings a user gave; `None` takes the default of the algorithm or preset.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Settings {
    pub algorithm: Option<Algorithm>,
    pub preset: Option<Preset>,
    pub limit: Option<u32>,
    pub window: Option<Duration>,
    pub rate: Option<Rate>,
    pub burst: Option<u32>,
    pub queue: Option<u32>,
    pub timeout: Option<Duration>,
}

/// Defaults where neither the user nor a preset says: 5 per second, a burst or queue of 5.
pub const DEFAULT_ALGORITHM: Algorithm = Algorithm::TokenBucket;
const DEFAULT_COUNT: u32 = 5;
const DEFAULT_WINDOW: Duration = Duration::from_secs(1);
const DEFAULT_RATE: Rate = Rate {
    count: 5,
    per: Duration::from_secs(1),
};

/// Why settings do not make a limiter. `setting` names the flag to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    #[error("--{setting} does not apply to {limiter}; it reads {reads}")]
    NotRead {
        setting: &'static str,
        limiter: String,
        reads: &'static str,
    },
    #[error("--{setting} '{value}' {problem}")]
    Value {
        setting: &'static str,
        value: String,
        problem: String,
    },
    #[error("{0}")]
    Config(#[from] ConfigError),
}

impl Settings {
    /// The configuration these settings describe, validated.
    pub fn config(&self) -> Result<LimiterConfig, SettingsError> {
        let config = match (self.preset, self.algorithm) {
            (Some(preset), _) => self.preset_config(preset)?,
            (None, algorithm) => self.algorithm_config(algorithm.unwrap_or(DEFAULT_ALGORITHM))?,
        };
        config.validate()?;
        Ok(config)
    }

    fn algorithm_config(&self, algorithm: Algorithm) -> Result<LimiterConfig, SettingsError> {
        let name = algorithm.as_str();
        Ok(match algorithm {
            Algorithm::FixedWindow | Algorithm::SlidingLog | Algorithm::SlidingWindow => {
                self.only(name, &["limit", "window"], "--limit and --window")?;
                let limit = self.limit.unwrap_or(DEFAULT_COUNT);
                let window_ms = self.window_ms()?;
                match algorithm {
                    Algorithm::FixedWindow => LimiterConfig::FixedWindow { limit, window_ms },
                    Algorithm::SlidingLog => LimiterConfig::SlidingLog { limit, window_ms },
                    _ => LimiterConfig::SlidingWindow { limit, window_ms },
                }
            }
            Algorithm::TokenBucket | Algorithm::Gcra => {
                self.only(name, &["rate", "burst"], "--rate and --burst")?;
                let rate = self.rate_per_second()?;
                let burst = self.burst.unwrap_or(DEFAULT_COUNT);
                if algorithm == Algorithm::Gcra {
                    LimiterConfig::Gcra { rate, burst }
                } else {
                    LimiterConfig::TokenBucket { rate, burst }
                }
            }
            Algorithm::LeakyQueue => {
                self.only(name, &["rate", "queue"], "--rate and --queue")?;
                LimiterConfig::LeakyQueue {
                    rate: self.rate_per_second()?,
                    queue: self.queue.unwrap_or(DEFAULT_COUNT),
                }
            }
        })
    }

    fn preset_config(&self, preset: Preset) -> Result<LimiterConfig, SettingsError> {
        let name = format!("--preset {preset}");
        Ok(match preset {
            // nginx: "By default, the maximum burst size is equal to zero"; `delay` defaults
            // to 0, "i.e. all excessive requests are delayed" (https://nginx.org/r/limit_req).
            // Source: nginx/nginx src/http/modules/ngx_http_limit_req_module.c.
            Preset::Nginx | Preset::NginxNodelay => {
                self.only(&name, &["rate", "burst"], "--rate and --burst")?;
                LimiterConfig::NginxLimitReq {
                    rate: self.rate_per_second()?,
                    burst: self.burst.unwrap_or(0),
                    delay: 0,
                    nodelay: preset == Preset::NginxNodelay,
                }
            }
            // Envoy >= 1.31: "The tokens will be refilled when the token bucket is accessed"
            // (changelogs/1.31.0.yaml); `max_tokens` is "the number of tokens that the bucket
            // initially contains" (api envoy/type/v3/token_bucket.proto). No defaults for
            // max_tokens and fill_interval: both are required there.
            Preset::Envoy => {
                self.only(&name, &["rate", "burst"], "--rate and --burst")?;
                LimiterConfig::TokenBucket {
                    rate: self.rate_per_second()?,
                    burst: self.burst.unwrap_or(DEFAULT_COUNT),
                }
            }
            Preset::EnvoyTimer => {
                self.only(&name, &["rate", "burst"], "--rate N/DUR and --burst")?;
                let rate = self.rate.unwrap_or(DEFAULT_RATE);
                LimiterConfig::EnvoyTimer {
                    max_tokens: self.burst.unwrap_or(DEFAULT_COUNT),
                    tokens_per_fill: rate.count,
                    fill_interval_ms: whole_ms("rate", rate.per)?,
                }
            }
            // Guava: `create(permitsPerSecond)` builds `SmoothBursty(stopwatch, 1.0)`, so
            // maxPermits = 1 s of permits (guava RateLimiter.java).
            Preset::Guava => {
                self.only(&name, &["rate"], "--rate")?;
                LimiterConfig::Guava {
                    rate: self.rate_per_second()?,
                }
            }
            // Resilience4j RateLimiterConfig defaults: timeoutDuration 5 s,
            // limitRefreshPeriod 500 ns, limitForPeriod 50 (RateLimiterConfig.java).
            Preset::Resilience4j => {
                self.only(
                    &name,
                    &["limit", "window", "timeout"],
                    "--limit, --window and --timeout",
                )?;
                let period = self.window.unwrap_or(Duration::from_nanos(500));
                LimiterConfig::Resilience4j {
                    limit_for_period: self.limit.unwrap_or(50),
                    limit_refresh_period_ns: u64::try_from(period.as_nanos()).unwrap_or(u64::MAX),
                    timeout_ms: whole_ms(
                        "timeout",
                        self.timeout.unwrap_or(Duration::from_secs(5)),
                    )?,
                }
            }
            // redis.io's recipes limit "ten requests per second per IP address".
            Preset::RedisIncr | Preset::RedisGetIncr => {
                self.only(&name, &["limit", "window"], "--limit and --window")?;
                LimiterConfig::RedisIncr {
                    limit: self.limit.unwrap_or(10),
                    window_ms: self.window_ms()?,
                    recipe: if preset == Preset::RedisIncr {
                        RedisRecipe::IncrThenCheck
                    } else {
                        RedisRecipe::GetThenIncr
                    },
                }
            }
        })
    }

    /// Refuses any given setting not in `reads`.
    fn only(
        &self,
        limiter: &str,
        reads: &[&str],
        described: &'static str,
    ) -> Result<(), SettingsError> {
        let given = [
            ("limit", self.limit.is_some()),
            ("window", self.window.is_some()),
            ("rate", self.rate.is_some()),
            ("burst", self.burst.is_some()),
            ("queue", self.queue.is_some()),
            ("timeout", self.timeout.is_some()),
        ];
        match given
            .into_iter()
            .find(|(setting, given)| *given && !reads.contains(setting))
        {
            Some((setting, _)) => Err(SettingsError::NotRead {
                setting,
                limiter: limiter.to_owned(),
                reads: described,
            }),
            None => Ok(()),
        }
    }

    fn window_ms(&self) -> Result<u64, SettingsError> {
        whole_ms("window", self.window.unwrap_or(DEFAULT_WINDOW))
    }

    fn rate_per_second(&self) -> Result<u32, SettingsError> {
        let rate = self.rate.unwrap_or(DEFAULT_RATE);
        rate.per_second().ok_or_else(|| SettingsError::Value {
            setting: "rate",
            value: format!(
                "{}/{}",
                rate.count,
                crate::engine::duration::format_duration(rate.per)
            ),
            problem: "is not a whole number of requests per second; write e.g. '10/s'".to_owned(),
        })
    }
}

fn whole_ms(setting: &'static str, duration: Duration) -> Result<u64, SettingsError> {
    if duration.subsec_nanos() % 1_000_000 != 0 {
        return Err(SettingsError::Value {
            setting,
            value: crate::engine::duration::format_duration(duration),
            problem: "is not a whole number of milliseconds".to_owned(),
        });
    }
    u64::try_from(duration.as_millis()).map_err(|_| SettingsError::Value {
        setting,
        value: crate::engine::duration::format_duration(duration),
        problem: "is too long".to_owned(),
    })
}
