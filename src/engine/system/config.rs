//! The system model as plain data: arrivals, services, calls and their wrappers. Content
//! files (`src/content/system.rs`) build it; [`SystemConfig::validate`] says what makes no
//! sense, naming the service and the value.

use std::time::Duration;

use crate::engine::backoff::BackoffConfig;
use crate::engine::breaker::BreakerConfig;
use crate::engine::budget::RetryBudgetConfig;
use crate::engine::limiter::LimiterConfig;

/// A whole simulation: arrivals at `services[0]`, the services, the seed and the bucket of
/// the time series.
#[derive(Debug, Clone, PartialEq)]
pub struct SystemConfig {
    pub arrivals: Arrivals,
    /// From the edge down: a service calls only services listed after it.
    pub services: Vec<ServiceConfig>,
    pub seed: u64,
    /// Width of one time-series bucket.
    pub bucket: Duration,
    /// How long the run goes on after the last arrival, to let requests finish.
    pub drain: Duration,
}

/// How requests reach the first service.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Arrivals {
    pub pattern: ArrivalPattern,
    /// Requests per second.
    pub rate: f64,
    /// Requests arrive during [0, duration).
    pub duration: Duration,
    /// The client's deadline: it gives up this long after sending (outcome `deadline`), and
    /// the first service knows it.
    pub deadline: Option<Duration>,
}

/// Poisson arrivals (exponential gaps) or one every 1/rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArrivalPattern {
    Poisson,
    Constant,
}

/// One service.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceConfig {
    pub name: String,
    /// Requests it holds at once.
    pub workers: u32,
    pub queue: Queue,
    /// Its own work per request, done before its calls.
    pub work: Dist,
    /// A leaf's response time (added to `work`).
    pub latency: Option<Dist>,
    pub episodes: Vec<Episode>,
    /// Made one after another, each by a share of requests.
    pub calls: Vec<CallConfig>,
}

/// Where requests wait for a worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Queue {
    /// No queue: a request that finds every worker busy is rejected (`queue_full`).
    None,
    /// A FIFO of at most this many.
    Bounded(u32),
    /// A FIFO without limit.
    Unbounded,
}

/// A distribution of durations.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Dist {
    Fixed(Duration),
    Exponential {
        mean: Duration,
    },
    /// Lognormal with this median and 99th percentile.
    LogNormal {
        p50: Duration,
        p99: Duration,
    },
}

/// Something going wrong with a service over [from, to).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Episode {
    pub from: Duration,
    pub to: Duration,
    pub effect: Effect,
}

/// What an episode does to calls that arrive during it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Effect {
    /// Calls are accepted and never answered.
    Hang,
    /// Work and latency take this many times longer.
    Slow(f64),
    /// Calls fail at once.
    Fail,
}

/// A downstream call.
#[derive(Debug, Clone, PartialEq)]
pub struct CallConfig {
    /// Index of the service called (after the caller's own).
    pub to: usize,
    /// Fraction of requests that make this call, in (0, 1].
    pub share: f64,
    /// Outermost first.
    pub wrappers: Vec<Wrapper>,
}

/// One layer around a call.
#[derive(Debug, Clone, PartialEq)]
pub enum Wrapper {
    /// Propagates the caller's deadline (or sets one `budget` from now, whichever is
    /// earlier): the callee knows it and the caller stops waiting when it passes.
    Deadline {
        budget: Option<Duration>,
    },
    Retry(RetryConfig),
    Breaker(BreakerConfig),
    Bulkhead(BulkheadConfig),
    /// A rate limiter (§3.4) shared by the call site; a leaky queue delays calls.
    Limiter(LimiterConfig),
    /// Per-try timeout.
    Timeout(Duration),
}

/// The kinds of layer, in the default order (outermost first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WrapperKind {
    Deadline,
    Retry,
    Breaker,
    Bulkhead,
    Limiter,
    Timeout,
}

impl WrapperKind {
    /// DESIGN §3.5's default order, outermost first.
    pub const DEFAULT_ORDER: [WrapperKind; 6] = [
        WrapperKind::Deadline,
        WrapperKind::Retry,
        WrapperKind::Breaker,
        WrapperKind::Bulkhead,
        WrapperKind::Limiter,
        WrapperKind::Timeout,
    ];

    /// The name in scenario files.
    pub fn name(self) -> &'static str {
        match self {
            WrapperKind::Deadline => "deadline",
            WrapperKind::Retry => "retry",
            WrapperKind::Breaker => "breaker",
            WrapperKind::Bulkhead => "bulkhead",
            WrapperKind::Limiter => "limiter",
            WrapperKind::Timeout => "timeout",
        }
    }
}

impl Wrapper {
    /// Which kind of layer this is.
    pub fn kind(&self) -> WrapperKind {
        match self {
            Wrapper::Deadline { .. } => WrapperKind::Deadline,
            Wrapper::Retry(_) => WrapperKind::Retry,
            Wrapper::Breaker(_) => WrapperKind::Breaker,
            Wrapper::Bulkhead(_) => WrapperKind::Bulkhead,
            Wrapper::Limiter(_) => WrapperKind::Limiter,
            Wrapper::Timeout(_) => WrapperKind::Timeout,
        }
    }
}

/// Retries with the §3 backoff, optionally behind a retry budget shared by the call site.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryConfig {
    /// Calls per attempt sequence, the first included.
    pub max_attempts: u32,
    pub backoff: BackoffConfig,
    pub budget: Option<RetryBudgetConfig>,
}

/// At most `max_concurrent` calls in flight through this call site; others wait up to
/// `max_wait` for a slot (zero: rejected at once).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BulkheadConfig {
    pub max_concurrent: u32,
    pub max_wait: Duration,
}

/// Why a [`SystemConfig`] cannot run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConfigError {
    #[error("a system needs at least one service")]
    NoServices,
    #[error("at most {max} services")]
    TooManyServices { max: usize },
    #[error("the arrival rate '{0}' must be a number above 0 and at most 1000000 per second")]
    Rate(f64),
    #[error("the duration must be between 1ms and 1 day")]
    Duration,
    #[error("the bucket must be between 1ms and the duration")]
    Bucket,
    #[error("service '{service}': {problem}")]
    Service { service: String, problem: String },
}

/// Limits that keep one run bounded: services, calls per service, workers, time.
pub const MAX_SERVICES: usize = 64;
const MAX_CALLS: usize = 16;
const MAX_WORKERS: u32 = 100_000;
const MAX_DURATION: Duration = Duration::from_secs(86_400);
const MAX_BUCKETS: u128 = 100_000;

impl SystemConfig {
    /// Checks every value means something and the run stays bounded.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.services.is_empty() {
            return Err(ConfigError::NoServices);
        }
        if self.services.len() > MAX_SERVICES {
            return Err(ConfigError::TooManyServices { max: MAX_SERVICES });
        }
        let rate = self.arrivals.rate;
        if !(rate > 0.0 && rate <= 1_000_000.0) {
            return Err(ConfigError::Rate(rate));
        }
        let duration = self.arrivals.duration;
        if duration < Duration::from_millis(1) || duration > MAX_DURATION {
            return Err(ConfigError::Duration);
        }
        if self.drain > MAX_DURATION {
            return Err(ConfigError::Duration);
        }
        let span = (duration + self.drain).as_micros();
        if self.bucket < Duration::from_millis(1)
            || self.bucket > duration
            || span / self.bucket.as_micros() > MAX_BUCKETS
        {
            return Err(ConfigError::Bucket);
        }
        for (index, service) in self.services.iter().enumerate() {
            service
                .validate(index, self.services.len())
                .map_err(|problem| ConfigError::Service {
                    service: service.name.clone(),
                    problem,
                })?;
        }
        Ok(())
    }
}

impl ServiceConfig {
    fn validate(&self, index: usize, count: usize) -> Result<(), String> {
        if self.workers == 0 || self.workers > MAX_WORKERS {
            return Err(format!(
                "workers '{}' must be between 1 and {MAX_WORKERS}",
                self.workers
            ));
        }
        self.work.validate("work")?;
        if let Some(latency) = &self.latency {
            latency.validate("latency")?;
        }
        for episode in &self.episodes {
            if episode.to <= episode.from {
                return Err("an episode must end after it starts".into());
            }
            if let Effect::Slow(k) = episode.effect {
                if !(k.is_finite() && (1.0..=1000.0).contains(&k)) {
                    return Err(format!("slow factor '{k}' must be between 1 and 1000"));
                }
            }
        }
        if self.calls.len() > MAX_CALLS {
            return Err(format!("at most {MAX_CALLS} calls"));
        }
        for call in &self.calls {
            if call.to <= index || call.to >= count {
                return Err(
                    "a service calls only services listed after it (list them from the edge down)"
                        .into(),
                );
            }
            if !(call.share > 0.0 && call.share <= 1.0) {
                return Err(format!("share '{}' must be in (0, 1]", call.share));
            }
            call.validate_wrappers()?;
        }
        Ok(())
    }
}

impl Dist {
    fn validate(&self, what: &str) -> Result<(), String> {
        match *self {
            Dist::Fixed(_) => Ok(()),
            Dist::Exponential { mean } if mean > Duration::ZERO => Ok(()),
            Dist::Exponential { .. } => Err(format!("{what}: an exponential mean must be above 0")),
            Dist::LogNormal { p50, p99 } if p50 > Duration::ZERO && p99 > p50 => Ok(()),
            Dist::LogNormal { .. } => Err(format!("{what}: a lognormal needs 0 < p50 < p99")),
        }
    }
}

impl CallConfig {
    fn validate_wrappers(&self) -> Result<(), String> {
        let mut seen = Vec::new();
        for wrapper in &self.wrappers {
            let kind = wrapper.kind();
            if seen.contains(&kind) {
                return Err(format!("a call has at most one '{}'", kind.name()));
            }
            seen.push(kind);
            match wrapper {
                Wrapper::Deadline { .. } => {}
                Wrapper::Retry(retry) => {
                    if !(1..=100).contains(&retry.max_attempts) {
                        return Err(format!(
                            "retry max_attempts '{}' must be between 1 and 100",
                            retry.max_attempts
                        ));
                    }
                    retry
                        .backoff
                        .validate()
                        .map_err(|e| format!("retry: {e}"))?;
                    if let Some(budget) = &retry.budget {
                        budget.build().map_err(|e| format!("retry budget: {e}"))?;
                    }
                }
                Wrapper::Breaker(breaker) => {
                    breaker.validate().map_err(|e| format!("breaker: {e}"))?;
                }
                Wrapper::Bulkhead(bulkhead) => {
                    if bulkhead.max_concurrent == 0 {
                        return Err("bulkhead max_concurrent must be at least 1".into());
                    }
                }
                Wrapper::Limiter(limiter) => {
                    limiter.validate().map_err(|e| format!("limiter: {e}"))?;
                }
                Wrapper::Timeout(timeout) => {
                    if timeout.is_zero() {
                        return Err("timeout must be above 0".into());
                    }
                }
            }
        }
        Ok(())
    }
}
