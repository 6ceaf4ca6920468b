//! Breakers configured the way well-known libraries configure theirs by default, so one
//! script can be run against several and the learner sees them disagree (DESIGN §3), and
//! [`BreakerOverrides`]: values given alongside a preset, which replace the preset's own.
//! Each preset's comparisons (`>=` / `>`) stay when its thresholds are overridden.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use crate::engine::breaker::{
    BreakerConfig, Comparison, HalfOpenJudgement, HalfOpenTransition, JudgeOn, RateConfig,
    SlowCalls,
};
use crate::engine::window::WindowConfig;

mod library;

/// A library whose default breaker can be reproduced.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Preset {
    /// The seed module's `CircuitBreaker` (the default).
    #[default]
    Seed,
    /// Python's pybreaker.
    Pybreaker,
    /// Go's sony/gobreaker.
    Gobreaker,
    /// Java's Resilience4j.
    Resilience4j,
    /// .NET's Polly v8.
    Polly,
}

/// A name that is not a preset.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown preset '{0}'; choose one of: seed, pybreaker, gobreaker, resilience4j, polly")]
pub struct UnknownPreset(pub String);

impl Preset {
    /// Every preset, in the order help texts list them.
    pub const ALL: [Self; 5] = [
        Self::Seed,
        Self::Pybreaker,
        Self::Gobreaker,
        Self::Resilience4j,
        Self::Polly,
    ];

    /// The name `--preset` takes.
    pub fn name(self) -> &'static str {
        match self {
            Self::Seed => "seed",
            Self::Pybreaker => "pybreaker",
            Self::Gobreaker => "gobreaker",
            Self::Resilience4j => "resilience4j",
            Self::Polly => "polly",
        }
    }

    /// The library's breaker with `overrides` read as the library's own settings (see
    /// [`library`]: gobreaker's `Timeout 0` is 60 s, its `MaxRequests` sets the half-open cap
    /// and the closing count), on top of its defaults.
    pub fn configure(self, overrides: &BreakerOverrides) -> Result<BreakerConfig, NeedsWindow> {
        library::translate(self, overrides).apply(self.config())
    }

    /// The library's default breaker, as DESIGN §3 states it.
    pub fn config(self) -> BreakerConfig {
        let minute = Duration::from_secs(60);
        match self {
            // threshold 5 (>=), timeout 60 s strictly after, 2 successes, lazy.
            Self::Seed => BreakerConfig::default(),
            // fail_max 5 (>=); the call at or after reset_timeout is the trial; 1 success.
            Self::Pybreaker => BreakerConfig {
                recovery_comparison: Comparison::AtLeast,
                success_threshold: 1,
                ..BreakerConfig::default()
            },
            // ReadyToTrip: ConsecutiveFailures > 5; expiry.Before(now); MaxRequests 1 both
            // caps the half-open calls and is the number of successes that close.
            Self::Gobreaker => BreakerConfig {
                failure_comparison: Comparison::Exceeds,
                success_threshold: 1,
                half_open_max_calls: Some(1),
                ..BreakerConfig::default()
            },
            // slidingWindowSize 100 (count), minimumNumberOfCalls 100, failureRateThreshold
            // 50, slowCallDurationThreshold 60 s, slowCallRateThreshold 100,
            // waitDurationInOpenState 60 s, permittedNumberOfCallsInHalfOpenState 10.
            Self::Resilience4j => BreakerConfig {
                failure_threshold: None,
                recovery_timeout: minute,
                recovery_comparison: Comparison::Exceeds,
                success_threshold: 1,
                half_open_max_calls: Some(10),
                half_open_judgement: HalfOpenJudgement::Rate,
                rate: Some(RateConfig {
                    window: WindowConfig::Count { calls: 100 },
                    min_calls: 100,
                    failure_rate: 50.0,
                    slow: Some(SlowCalls {
                        slow_call: minute,
                        slow_rate: 100.0,
                    }),
                    judge_on: JudgeOn::EveryCall,
                }),
                ..BreakerConfig::default()
            },
            // FailureRatio 0.1, SamplingDuration 30 s, MinimumThroughput 100, BreakDuration
            // 5 s (now >= blockedUntil); one probe call while half open, its result decides.
            Self::Polly => BreakerConfig {
                failure_threshold: None,
                recovery_timeout: Duration::from_secs(5),
                recovery_comparison: Comparison::AtLeast,
                success_threshold: 1,
                half_open_max_calls: Some(1),
                rate: Some(RateConfig {
                    window: WindowConfig::Time {
                        span: Duration::from_secs(30),
                    },
                    min_calls: 100,
                    failure_rate: 10.0,
                    slow: None,
                    // AdvancedCircuitBehavior judges in OnActionFailure only.
                    judge_on: JudgeOn::Failure,
                }),
                ..BreakerConfig::default()
            },
        }
    }
}

impl FromStr for Preset {
    type Err = UnknownPreset;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        let wanted = name.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|preset| preset.name() == wanted)
            .ok_or_else(|| UnknownPreset(name.to_owned()))
    }
}

impl fmt::Display for Preset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.name())
    }
}

/// Values that replace a preset's own. `None` keeps the preset's value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BreakerOverrides {
    pub failure_threshold: Option<u32>,
    pub recovery_timeout: Option<Duration>,
    pub success_threshold: Option<u32>,
    pub half_open_max_calls: Option<u32>,
    pub half_open_transition: Option<HalfOpenTransition>,
    pub window: Option<WindowConfig>,
    pub failure_rate: Option<f64>,
    pub min_calls: Option<u32>,
    pub slow_call: Option<Duration>,
    pub slow_rate: Option<f64>,
}

/// A rate override given to a breaker that has no window and was given none.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field} needs a window to count calls in: add window 'count:N' or 'time:DUR'")]
pub struct NeedsWindow {
    pub field: &'static str,
}

/// Resilience4j's defaults, used for rate settings a breaker without a window is not given.
const DEFAULT_MIN_CALLS: u32 = 100;
const DEFAULT_FAILURE_RATE: f64 = 50.0;
const DEFAULT_SLOW_CALL: Duration = Duration::from_secs(60);
const DEFAULT_SLOW_RATE: f64 = 100.0;

impl BreakerOverrides {
    /// `base` with these values replacing its own. Rate settings on a breaker without a
    /// window need `window`; the settings not given then take Resilience4j's defaults
    /// (min_calls 100, failure_rate 50 %, slow_call 60 s, slow_rate 100 %). The result is
    /// validated by [`CircuitBreaker::new`](crate::engine::breaker::CircuitBreaker::new).
    pub fn apply(&self, base: BreakerConfig) -> Result<BreakerConfig, NeedsWindow> {
        let mut config = base;
        if let Some(n) = self.failure_threshold {
            config.failure_threshold = Some(n);
        }
        if let Some(timeout) = self.recovery_timeout {
            config.recovery_timeout = timeout;
        }
        if let Some(n) = self.success_threshold {
            config.success_threshold = n;
        }
        if let Some(n) = self.half_open_max_calls {
            config.half_open_max_calls = Some(n);
        }
        if let Some(transition) = self.half_open_transition {
            config.half_open_transition = transition;
        }
        config.rate = self.apply_rate(config.rate)?;
        Ok(config)
    }

    fn apply_rate(&self, base: Option<RateConfig>) -> Result<Option<RateConfig>, NeedsWindow> {
        let mut rate = match (base, self.window) {
            (Some(mut rate), window) => {
                rate.window = window.unwrap_or(rate.window);
                rate
            }
            (None, Some(window)) => RateConfig {
                window,
                min_calls: DEFAULT_MIN_CALLS,
                failure_rate: DEFAULT_FAILURE_RATE,
                slow: None,
                judge_on: JudgeOn::EveryCall,
            },
            (None, None) => return self.no_window(),
        };
        if let Some(n) = self.min_calls {
            rate.min_calls = n;
        }
        if let Some(pct) = self.failure_rate {
            rate.failure_rate = pct;
        }
        if self.slow_call.is_some() || self.slow_rate.is_some() {
            let slow = rate.slow.get_or_insert(SlowCalls {
                slow_call: DEFAULT_SLOW_CALL,
                slow_rate: DEFAULT_SLOW_RATE,
            });
            slow.slow_call = self.slow_call.unwrap_or(slow.slow_call);
            slow.slow_rate = self.slow_rate.unwrap_or(slow.slow_rate);
        }
        Ok(Some(rate))
    }

    /// No window anywhere: fine unless a rate setting was given.
    fn no_window(&self) -> Result<Option<RateConfig>, NeedsWindow> {
        let given = [
            ("failure_rate", self.failure_rate.is_some()),
            ("min_calls", self.min_calls.is_some()),
            ("slow_call", self.slow_call.is_some()),
            ("slow_rate", self.slow_rate.is_some()),
        ];
        match given.into_iter().find(|(_, set)| *set) {
            Some((field, _)) => Err(NeedsWindow { field }),
            None => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::breaker::CircuitBreaker;

    #[test]
    fn every_preset_is_valid_and_round_trips_its_name() {
        for preset in Preset::ALL {
            assert!(CircuitBreaker::new(preset.config()).is_ok(), "{preset}");
            assert_eq!(preset.name().parse(), Ok(preset));
        }
        assert_eq!("Resilience4J".parse(), Ok(Preset::Resilience4j));
    }

    #[test]
    fn unknown_names_list_the_presets() {
        let error = "hystrix".parse::<Preset>().unwrap_err().to_string();
        assert_eq!(
            error,
            "unknown preset 'hystrix'; choose one of: seed, pybreaker, gobreaker, resilience4j, polly"
        );
    }

    #[test]
    fn presets_state_the_libraries_defaults() {
        let seed = Preset::Seed.config();
        assert_eq!(seed.failure_threshold, Some(5));
        assert_eq!(seed.failure_comparison, Comparison::AtLeast);
        assert_eq!(seed.recovery_timeout, Duration::from_secs(60));
        assert_eq!(seed.recovery_comparison, Comparison::Exceeds);
        assert_eq!(seed.success_threshold, 2);
        assert_eq!(seed.half_open_max_calls, None);

        let py = Preset::Pybreaker.config();
        assert_eq!(py.recovery_comparison, Comparison::AtLeast);
        assert_eq!(py.success_threshold, 1);

        let go = Preset::Gobreaker.config();
        assert_eq!(go.failure_comparison, Comparison::Exceeds);
        assert_eq!(go.recovery_comparison, Comparison::Exceeds);
        assert_eq!((go.half_open_max_calls, go.success_threshold), (Some(1), 1));

        let r4j = Preset::Resilience4j.config();
        assert_eq!(r4j.failure_threshold, None);
        assert_eq!(r4j.half_open_judgement, HalfOpenJudgement::Rate);
        assert_eq!(r4j.half_open_max_calls, Some(10));

        let polly = Preset::Polly.config();
        assert_eq!(polly.failure_threshold, None);
        assert_eq!(polly.recovery_timeout, Duration::from_secs(5));
        assert_eq!(polly.recovery_comparison, Comparison::AtLeast);
        assert_eq!(polly.half_open_max_calls, Some(1));
    }

    #[test]
    fn overrides_keep_the_presets_comparisons() {
        let overrides = BreakerOverrides {
            failure_threshold: Some(3),
            ..BreakerOverrides::default()
        };
        let config = overrides.apply(Preset::Gobreaker.config()).unwrap();
        assert_eq!(config.failure_threshold, Some(3));
        assert_eq!(config.failure_comparison, Comparison::Exceeds);
    }

    #[test]
    fn rate_overrides_build_on_the_presets_window_or_need_one() {
        let r4j = BreakerOverrides {
            window: Some(WindowConfig::Count { calls: 10 }),
            slow_rate: Some(80.0),
            ..BreakerOverrides::default()
        }
        .apply(Preset::Resilience4j.config())
        .unwrap();
        let rate = r4j.rate.unwrap();
        assert_eq!(rate.window, WindowConfig::Count { calls: 10 });
        assert_eq!(
            rate.effective_min_calls(),
            10,
            "min_calls 100 capped at the size"
        );
        assert_eq!(rate.slow.unwrap().slow_rate, 80.0);

        let seed = BreakerOverrides {
            failure_rate: Some(40.0),
            ..BreakerOverrides::default()
        };
        assert_eq!(
            seed.apply(Preset::Seed.config()),
            Err(NeedsWindow {
                field: "failure_rate"
            })
        );
        let seed = BreakerOverrides {
            window: Some(WindowConfig::Count { calls: 10 }),
            slow_call: Some(Duration::from_secs(2)),
            ..seed
        }
        .apply(Preset::Seed.config())
        .unwrap();
        let rate = seed.rate.unwrap();
        assert_eq!((rate.failure_rate, rate.min_calls), (40.0, 100));
        assert_eq!(
            rate.slow,
            Some(SlowCalls {
                slow_call: Duration::from_secs(2),
                slow_rate: 100.0
            })
        );
        assert_eq!(
            seed.failure_threshold,
            Some(5),
            "consecutive tripping stays on"
        );
    }
}
