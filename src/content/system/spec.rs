//! The scenario file's YAML types and their conversion to the engine's [`SystemConfig`].
//! Breakers and backoffs are written as everywhere else in content ([`BreakerSpec`],
//! [`BackoffSpec`]); limiters as `sim limiter` names them.

use std::fmt;
use std::time::Duration;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer};

use super::{Locator, Problem, Step};
use crate::content::model::{BackoffSpec, BreakerSpec, Timespan};
use crate::content::scenario::{backoff_config, breaker_config};
use crate::engine::backoff::{BackoffConfig, Jitter};
use crate::engine::budget::RetryBudgetConfig;
use crate::engine::duration::parse_duration;
use crate::engine::limiter::LimiterConfig;
use crate::engine::system::{
    ArrivalPattern, Arrivals, BulkheadConfig, CallConfig, Dist, Effect, Episode, Queue,
    RetryConfig, ServiceConfig, SystemConfig, Wrapper, WrapperKind,
};

/// A whole scenario file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SystemSpec {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    pub arrivals: ArrivalsSpec,
    /// From the edge down; a service calls only services listed after it.
    pub services: Vec<ServiceSpec>,
    #[serde(default)]
    pub seed: Option<u64>,
    /// Width of a time-series bucket (default: 1s, or a tenth of a shorter duration).
    #[serde(default)]
    pub bucket: Option<Timespan>,
    /// How long the run goes on after the last arrival (default 30s).
    #[serde(default)]
    pub drain: Option<Timespan>,
}

/// `{rate: 100, duration: 60s, pattern: poisson, deadline: 2s}`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArrivalsSpec {
    /// Requests per second.
    pub rate: f64,
    pub duration: Timespan,
    #[serde(default)]
    pub pattern: PatternName,
    /// The client gives up this long after sending.
    #[serde(default)]
    pub deadline: Option<Timespan>,
}

/// `poisson` (default) or `constant`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PatternName {
    #[default]
    Poisson,
    Constant,
}

/// One service.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceSpec {
    pub name: String,
    pub workers: u32,
    /// A number, or `unbounded`; absent: no queue.
    #[serde(default)]
    pub queue: Option<QueueSpec>,
    #[serde(default)]
    pub work: Option<DistSpec>,
    #[serde(default)]
    pub latency: Option<DistSpec>,
    #[serde(default)]
    pub episodes: Vec<EpisodeSpec>,
    #[serde(default)]
    pub calls: Vec<CallSpec>,
}

/// A queue length or `unbounded`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueSpec {
    Bounded(u32),
    Unbounded,
}

impl<'de> Deserialize<'de> for QueueSpec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = QueueSpec;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a queue length such as 100, or 'unbounded'")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<QueueSpec, E> {
                u32::try_from(v)
                    .map(QueueSpec::Bounded)
                    .map_err(|_| E::custom(format_args!("queue '{v}' is too long")))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<QueueSpec, E> {
                u64::try_from(v)
                    .map_err(|_| E::custom(format_args!("queue '{v}' must be 0 or more")))
                    .and_then(|v| self.visit_u64(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<QueueSpec, E> {
                if v == "unbounded" {
                    Ok(QueueSpec::Unbounded)
                } else {
                    Err(E::custom(format_args!(
                        "queue '{v}' is neither a number nor 'unbounded'"
                    )))
                }
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// `{fixed: 5ms}`, `{exponential: 10ms}` (the mean) or `{lognormal: {p50: 20ms, p99: 200ms}}`.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum DistSpec {
    Fixed(Timespan),
    Exponential(Timespan),
    Lognormal { p50: Timespan, p99: Timespan },
}

/// `{from: 10s, to: 40s, hang: true}`, `{..., fail: true}` or `{..., slow: 5}`.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EpisodeSpec {
    pub from: Timespan,
    pub to: Timespan,
    #[serde(default)]
    pub hang: bool,
    #[serde(default)]
    pub fail: bool,
    #[serde(default)]
    pub slow: Option<f64>,
}

/// One downstream call and its wrappers.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallSpec {
    /// The service called, by name.
    pub to: String,
    /// Fraction of requests that make the call (default 1).
    #[serde(default)]
    pub share: Option<f64>,
    /// `propagate`, or a budget such as `800ms` set here.
    #[serde(default)]
    pub deadline: Option<DeadlineSpec>,
    #[serde(default)]
    pub retry: Option<RetrySpec>,
    #[serde(default)]
    pub breaker: Option<BreakerSpec>,
    #[serde(default)]
    pub bulkhead: Option<BulkheadSpec>,
    #[serde(default)]
    pub limiter: Option<LimiterConfig>,
    /// Per-try timeout.
    #[serde(default)]
    pub timeout: Option<Timespan>,
    /// The wrappers outermost first (default: deadline, retry, breaker, bulkhead, limiter,
    /// timeout).
    #[serde(default)]
    pub order: Option<Vec<KindName>>,
}

/// `propagate` or a duration.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DeadlineSpec(Option<Duration>);

impl<'de> Deserialize<'de> for DeadlineSpec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = DeadlineSpec;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("'propagate' or a duration such as '800ms'")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<DeadlineSpec, E> {
                if v == "propagate" {
                    return Ok(DeadlineSpec(None));
                }
                parse_duration(v)
                    .map(|d| DeadlineSpec(Some(d)))
                    .map_err(|e| {
                        E::custom(format_args!(
                            "deadline '{v}' is neither 'propagate' nor a duration: {e}"
                        ))
                    })
            }
        }
        deserializer.deserialize_str(V)
    }
}

/// `{max_attempts: 3, backoff: {base: 50ms, cap: 1s, jitter: full}, budget: 'tokens:10:0.1'}`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetrySpec {
    pub max_attempts: u32,
    /// Default: base 50ms, cap 2s, full jitter.
    #[serde(default)]
    pub backoff: Option<BackoffSpec>,
    /// As `sim storm --budget`: `tokens:MAX:RATIO`, `ratio:PCT` or `ratio:PCT:WINDOW`.
    #[serde(default)]
    pub budget: Option<String>,
}

/// `{max_concurrent: 10, max_wait: 0ms}`.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BulkheadSpec {
    pub max_concurrent: u32,
    #[serde(default)]
    pub max_wait: Option<Timespan>,
}

/// A wrapper's name in `order`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KindName {
    Deadline,
    Retry,
    Breaker,
    Bulkhead,
    Limiter,
    Timeout,
}

impl KindName {
    fn kind(self) -> WrapperKind {
        match self {
            KindName::Deadline => WrapperKind::Deadline,
            KindName::Retry => WrapperKind::Retry,
            KindName::Breaker => WrapperKind::Breaker,
            KindName::Bulkhead => WrapperKind::Bulkhead,
            KindName::Limiter => WrapperKind::Limiter,
            KindName::Timeout => WrapperKind::Timeout,
        }
    }
}

fn problem(
    loc: Option<crate::content::yaml::Loc>,
    message: impl Into<String>,
    hint: &str,
) -> Problem {
    Problem {
        loc,
        message: message.into(),
        hint: (!hint.is_empty()).then(|| hint.to_owned()),
    }
}

impl SystemSpec {
    /// The engine config, or the first problem, located.
    pub(crate) fn to_config(&self, at: &Locator) -> Result<SystemConfig, Problem> {
        let names: Vec<&str> = self.services.iter().map(|s| s.name.as_str()).collect();
        let mut services = Vec::with_capacity(self.services.len());
        for (i, service) in self.services.iter().enumerate() {
            let path = [Step::Key("services"), Step::Index(i)];
            if names[..i].contains(&service.name.as_str()) {
                let loc = at.at(&[path[0], path[1], Step::Key("name")]);
                return Err(problem(
                    loc,
                    format!("service '{}' is listed twice", service.name),
                    "give each service its own name",
                ));
            }
            services.push(service.to_config(&names, i, at)?);
        }
        let duration = self.arrivals.duration.get();
        let bucket = self.bucket.map_or_else(
            || {
                if duration >= Duration::from_secs(10) {
                    Duration::from_secs(1)
                } else {
                    (duration / 10).max(Duration::from_millis(1))
                }
            },
            Timespan::get,
        );
        let config = SystemConfig {
            arrivals: Arrivals {
                pattern: match self.arrivals.pattern {
                    PatternName::Poisson => ArrivalPattern::Poisson,
                    PatternName::Constant => ArrivalPattern::Constant,
                },
                rate: self.arrivals.rate,
                duration,
                deadline: self.arrivals.deadline.map(Timespan::get),
            },
            services,
            seed: self.seed.unwrap_or(1),
            bucket,
            drain: self.drain.map_or(Duration::from_secs(30), Timespan::get),
        };
        config.validate().map_err(|error| {
            use crate::engine::system::ConfigError as E;
            let (path, hint): (Vec<Step>, &str) = match &error {
                E::NoServices => (vec![Step::Key("services")], "list at least one service"),
                E::TooManyServices { .. } => (vec![Step::Key("services")], "merge some services"),
                E::Rate(_) => (
                    vec![Step::Key("arrivals"), Step::Key("rate")],
                    "e.g. 'rate: 100'",
                ),
                E::Duration => (
                    vec![Step::Key("arrivals"), Step::Key("duration")],
                    "e.g. 'duration: 60s'",
                ),
                E::Bucket => (
                    vec![Step::Key("bucket")],
                    "at most 100,000 buckets over the run, e.g. 'bucket: 1s'",
                ),
                E::Service { service, .. } => {
                    let i = names.iter().position(|n| n == service).unwrap_or(0);
                    (vec![Step::Key("services"), Step::Index(i)], "")
                }
            };
            problem(at.at(&path), error.to_string(), hint)
        })?;
        Ok(config)
    }
}

impl ServiceSpec {
    fn to_config(
        &self,
        names: &[&str],
        index: usize,
        at: &Locator,
    ) -> Result<ServiceConfig, Problem> {
        let here = |steps: &[Step]| {
            let mut path = vec![Step::Key("services"), Step::Index(index)];
            path.extend_from_slice(steps);
            at.at(&path)
        };
        let mut episodes = Vec::with_capacity(self.episodes.len());
        for (k, e) in self.episodes.iter().enumerate() {
            let effect = match (e.hang, e.fail, e.slow) {
                (true, false, None) => Effect::Hang,
                (false, true, None) => Effect::Fail,
                (false, false, Some(k)) => Effect::Slow(k),
                _ => {
                    return Err(problem(
                        here(&[Step::Key("episodes"), Step::Index(k)]),
                        "an episode needs exactly one of 'hang: true', 'fail: true' or 'slow: K'",
                        "e.g. '{from: 10s, to: 40s, hang: true}'",
                    ));
                }
            };
            episodes.push(Episode {
                from: e.from.get(),
                to: e.to.get(),
                effect,
            });
        }
        let mut calls = Vec::with_capacity(self.calls.len());
        for (k, call) in self.calls.iter().enumerate() {
            let call_at = |key: &str| here(&[Step::Key("calls"), Step::Index(k), Step::Key(key)]);
            let Some(to) = names.iter().position(|n| *n == call.to) else {
                let hint =
                    crate::content::diagnostic::did_you_mean(&call.to, names.iter().copied())
                        .unwrap_or_else(|| format!("services: {}", names.join(", ")));
                return Err(Problem {
                    loc: call_at("to"),
                    message: format!("no service named '{}'", call.to),
                    hint: Some(hint),
                });
            };
            if to <= index {
                return Err(problem(
                    call_at("to"),
                    format!(
                        "'{}' calls '{}', which is not listed after it",
                        self.name, call.to
                    ),
                    "list services from the edge down: a service calls only services after it",
                ));
            }
            calls.push(call.to_config(to, &call_at)?);
        }
        Ok(ServiceConfig {
            name: self.name.clone(),
            workers: self.workers,
            queue: match self.queue {
                None => Queue::None,
                Some(QueueSpec::Bounded(n)) => Queue::Bounded(n),
                Some(QueueSpec::Unbounded) => Queue::Unbounded,
            },
            work: self
                .work
                .map_or(Dist::Fixed(Duration::ZERO), DistSpec::to_dist),
            latency: self.latency.map(DistSpec::to_dist),
            episodes,
            calls,
        })
    }
}

impl DistSpec {
    fn to_dist(self) -> Dist {
        match self {
            DistSpec::Fixed(d) => Dist::Fixed(d.get()),
            DistSpec::Exponential(mean) => Dist::Exponential { mean: mean.get() },
            DistSpec::Lognormal { p50, p99 } => Dist::LogNormal {
                p50: p50.get(),
                p99: p99.get(),
            },
        }
    }
}

impl CallSpec {
    fn to_config(
        &self,
        to: usize,
        at: &dyn Fn(&str) -> Option<crate::content::yaml::Loc>,
    ) -> Result<CallConfig, Problem> {
        let mut layers: Vec<Wrapper> = Vec::new();
        if let Some(DeadlineSpec(budget)) = self.deadline {
            layers.push(Wrapper::Deadline { budget });
        }
        if let Some(retry) = &self.retry {
            let backoff = match &retry.backoff {
                Some(spec) => backoff_config(spec).map_err(|e| {
                    problem(
                        at("retry"),
                        e.to_string(),
                        "see `patterns sim backoff --help` for the values",
                    )
                })?,
                None => BackoffConfig {
                    base: Duration::from_millis(50),
                    cap: Duration::from_secs(2),
                    jitter: Jitter::Full,
                    ..BackoffConfig::default()
                },
            };
            let budget = match &retry.budget {
                Some(text) => Some(RetryBudgetConfig::parse(text).map_err(|e| {
                    problem(
                        at("retry"),
                        format!("retry budget: {e}"),
                        "write 'tokens:MAX:RATIO', 'ratio:PCT' or 'ratio:PCT:WINDOW'",
                    )
                })?),
                None => None,
            };
            layers.push(Wrapper::Retry(RetryConfig {
                max_attempts: retry.max_attempts,
                backoff,
                budget,
            }));
        }
        if let Some(spec) = &self.breaker {
            let config = breaker_config(spec).map_err(|e| Problem {
                loc: at("breaker"),
                message: e.to_string(),
                hint: e.hint(),
            })?;
            layers.push(Wrapper::Breaker(config));
        }
        if let Some(b) = self.bulkhead {
            layers.push(Wrapper::Bulkhead(BulkheadConfig {
                max_concurrent: b.max_concurrent,
                max_wait: b.max_wait.map_or(Duration::ZERO, Timespan::get),
            }));
        }
        if let Some(limiter) = self.limiter {
            layers.push(Wrapper::Limiter(limiter));
        }
        if let Some(timeout) = self.timeout {
            layers.push(Wrapper::Timeout(timeout.get()));
        }
        let wrappers = match &self.order {
            None => layers,
            Some(order) => {
                let kinds: Vec<WrapperKind> = order.iter().map(|k| k.kind()).collect();
                let mut given: Vec<WrapperKind> = layers.iter().map(Wrapper::kind).collect();
                let mut sorted = kinds.clone();
                given.sort_by_key(|k| k.name());
                sorted.sort_by_key(|k| k.name());
                if given != sorted {
                    let names: Vec<&str> = layers.iter().map(|w| w.kind().name()).collect();
                    return Err(problem(
                        at("order"),
                        "'order' must list each wrapper of the call exactly once",
                        &format!("this call has: {}", names.join(", ")),
                    ));
                }
                kinds
                    .iter()
                    .filter_map(|k| layers.iter().find(|w| w.kind() == *k).cloned())
                    .collect()
            }
        };
        Ok(CallConfig {
            to,
            share: self.share.unwrap_or(1.0),
            wrappers,
        })
    }
}
