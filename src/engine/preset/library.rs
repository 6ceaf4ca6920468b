//! Overrides read in a library's own terms. A flag given alongside a preset means what the
//! library's setting of that name means, so `--preset gobreaker --recovery-timeout 0`
//! behaves like `Settings{Timeout: 0}` (sony/gobreaker `v2/gobreaker.go`, `NewCircuitBreaker`):
//! - `Timeout <= 0` means 60 s;
//! - `MaxRequests` is both the half-open cap and the number of consecutive successes that
//!   close (`onSuccess`: `ConsecutiveSuccesses >= maxRequests`), and 0 means 1, so either
//!   flag alone sets both;
//! - `ReadyToTrip` as `ConsecutiveFailures > N` with any N >= 0 (N = 0 trips on the first
//!   failure) is `--failure-threshold N`.

use std::time::Duration;

use super::{BreakerOverrides, Preset};

/// gobreaker's `defaultTimeout`.
const GOBREAKER_DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// `overrides` translated from `preset`'s own settings into the engine's.
pub(super) fn translate(preset: Preset, overrides: &BreakerOverrides) -> BreakerOverrides {
    match preset {
        Preset::Gobreaker => gobreaker(overrides),
        Preset::Seed | Preset::Pybreaker | Preset::Resilience4j | Preset::Polly => {
            overrides.clone()
        }
    }
}

fn gobreaker(overrides: &BreakerOverrides) -> BreakerOverrides {
    let mut out = overrides.clone();
    if out.recovery_timeout == Some(Duration::ZERO) {
        out.recovery_timeout = Some(GOBREAKER_DEFAULT_TIMEOUT);
    }
    let max_requests = |n: u32| n.max(1);
    match (overrides.half_open_max_calls, overrides.success_threshold) {
        // Both given: the learner asked for a breaker gobreaker cannot express; keep both.
        (Some(cap), Some(successes)) => {
            out.half_open_max_calls = Some(max_requests(cap));
            out.success_threshold = Some(max_requests(successes));
        }
        (Some(n), None) | (None, Some(n)) => {
            out.half_open_max_calls = Some(max_requests(n));
            out.success_threshold = Some(max_requests(n));
        }
        (None, None) => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::breaker::{CircuitBreaker, Comparison, Outcome, State};

    fn go(overrides: BreakerOverrides) -> crate::engine::breaker::BreakerConfig {
        Preset::Gobreaker
            .configure(&overrides)
            .expect("no rate flags")
    }

    #[test]
    fn timeout_zero_means_sixty_seconds() {
        let config = go(BreakerOverrides {
            recovery_timeout: Some(Duration::ZERO),
            ..BreakerOverrides::default()
        });
        assert_eq!(config.recovery_timeout, Duration::from_secs(60));
        let config = go(BreakerOverrides {
            recovery_timeout: Some(Duration::from_secs(5)),
            ..BreakerOverrides::default()
        });
        assert_eq!(config.recovery_timeout, Duration::from_secs(5));
        let seed = Preset::Seed
            .configure(&BreakerOverrides {
                recovery_timeout: Some(Duration::ZERO),
                ..BreakerOverrides::default()
            })
            .unwrap();
        assert_eq!(seed.recovery_timeout, Duration::ZERO, "only gobreaker");
    }

    #[test]
    fn max_requests_sets_the_cap_and_the_closing_count() {
        for overrides in [
            BreakerOverrides {
                half_open_max_calls: Some(3),
                ..BreakerOverrides::default()
            },
            BreakerOverrides {
                success_threshold: Some(3),
                ..BreakerOverrides::default()
            },
        ] {
            let config = go(overrides);
            assert_eq!(
                (config.half_open_max_calls, config.success_threshold),
                (Some(3), 3)
            );
            assert!(config.validate().is_ok());
        }
        let zero = go(BreakerOverrides {
            half_open_max_calls: Some(0),
            ..BreakerOverrides::default()
        });
        assert_eq!(
            (zero.half_open_max_calls, zero.success_threshold),
            (Some(1), 1)
        );
    }

    #[test]
    fn max_requests_three_needs_three_successes_and_admits_no_fourth() {
        let mut breaker = CircuitBreaker::new(go(BreakerOverrides {
            half_open_max_calls: Some(3),
            ..BreakerOverrides::default()
        }))
        .unwrap();
        let s = Duration::from_secs;
        for _ in 0..6 {
            let permit = breaker.try_acquire(s(0)).unwrap();
            breaker.record(permit, Outcome::failure(Duration::ZERO), s(0));
        }
        assert_eq!(breaker.state(), State::Open);
        let permits: Vec<_> = (0..3)
            .map(|_| breaker.try_acquire(s(61)).unwrap())
            .collect();
        assert!(breaker.try_acquire(s(61)).is_err(), "a fourth call waits");
        for (i, permit) in permits.into_iter().enumerate() {
            breaker.record(permit, Outcome::success(Duration::ZERO), s(61));
            let expected = if i < 2 {
                State::HalfOpen
            } else {
                State::Closed
            };
            assert_eq!(breaker.state(), expected, "after {} successes", i + 1);
        }
    }

    #[test]
    fn consecutive_failures_above_zero_trips_on_the_first_failure() {
        let config = go(BreakerOverrides {
            failure_threshold: Some(0),
            ..BreakerOverrides::default()
        });
        assert_eq!(
            (config.failure_threshold, config.failure_comparison),
            (Some(0), Comparison::Exceeds)
        );
        let mut breaker = CircuitBreaker::new(config).unwrap();
        let permit = breaker.try_acquire(Duration::ZERO).unwrap();
        breaker.record(permit, Outcome::failure(Duration::ZERO), Duration::ZERO);
        assert_eq!(breaker.state(), State::Open);
        assert_eq!(
            breaker.transitions().last().unwrap().reason,
            "1 consecutive failure exceeded failure_threshold 0"
        );
        // `>= 0` would open without a failure: still refused for the other presets.
        let seed = Preset::Seed
            .configure(&BreakerOverrides {
                failure_threshold: Some(0),
                ..BreakerOverrides::default()
            })
            .unwrap();
        assert!(seed.validate().is_err());
    }
}
