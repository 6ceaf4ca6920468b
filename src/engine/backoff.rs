//! Capped exponential backoff with jitter, exactly as DESIGN §3 states it.
//!
//! Attempt n = 1, 2, … is the wait before the n-th retry. Its ceiling is
//! c = min(cap, base · multiplier^(n − 1 + first_exponent)); the jitter picks the delay below
//! (or, for decorrelated, around) it. Delays have microsecond resolution and every draw comes
//! from a seeded [`Rng`], so a seed gives the same schedule on every platform.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::rng::Rng;

/// How a delay is randomised below its ceiling.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Jitter {
    /// The ceiling itself: every client waits the same (the thundering herd stays a herd).
    #[default]
    None,
    /// uniform[0, c].
    Full,
    /// c/2 + uniform[0, c/2].
    Equal,
    /// min(cap, uniform[base, 3 · previous]), previous starting at base; ignores the ceiling.
    Decorrelated,
    /// c · (0.5 + uniform[0, 0.5]): the seed's recipe card ("proportional" jitter). The same
    /// distribution as [`Jitter::Equal`] written another way; with one seed both give the
    /// same schedule, which a lesson can point out.
    Proportional,
}

impl Jitter {
    /// Every jitter, in the order the docs list them.
    pub const ALL: [Jitter; 5] = [
        Jitter::None,
        Jitter::Full,
        Jitter::Equal,
        Jitter::Decorrelated,
        Jitter::Proportional,
    ];

    /// The name used on the command line, in YAML and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Jitter::None => "none",
            Jitter::Full => "full",
            Jitter::Equal => "equal",
            Jitter::Decorrelated => "decorrelated",
            Jitter::Proportional => "proportional",
        }
    }
}

/// A backoff policy as plain data: content files embed it, the engine runs it.
///
/// In YAML/JSON the durations are written as text (`base: 500ms`, `cap: 1m`) and parsed by
/// [`parse_duration`](super::duration::parse_duration).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BackoffConfig {
    /// The ceiling of attempt 1 (when `first_exponent` is 0).
    #[serde(with = "crate::engine::duration::serde_text")]
    #[schemars(with = "String")]
    pub base: Duration,
    /// Growth factor per attempt (>= 1).
    #[serde(default = "default_multiplier")]
    pub multiplier: f64,
    /// No ceiling exceeds this.
    #[serde(with = "crate::engine::duration::serde_text")]
    #[schemars(with = "String")]
    pub cap: Duration,
    #[serde(default)]
    pub jitter: Jitter,
    /// Added to the exponent: 0 in DESIGN §3 (attempt 1 waits up to `base`); 1 for the AWS
    /// contention experiment, whose retry n waits up to base · 2^n.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub first_exponent: u32,
}

fn default_multiplier() -> f64 {
    2.0
}

fn is_zero(value: &u32) -> bool {
    *value == 0
}

impl Default for BackoffConfig {
    /// DESIGN §1.2's defaults: base 1 s, multiplier 2, cap 60 s, no jitter.
    fn default() -> Self {
        Self {
            base: Duration::from_secs(1),
            multiplier: 2.0,
            cap: Duration::from_secs(60),
            jitter: Jitter::None,
            first_exponent: 0,
        }
    }
}

/// Why a [`BackoffConfig`] makes no sense. Messages name the value and the accepted range.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BackoffError {
    #[error("base '{0}' must be at least 1us")]
    BaseTooSmall(String),
    #[error("cap '{cap}' must be at least the base '{base}'")]
    CapBelowBase { cap: String, base: String },
    #[error("multiplier '{0}' must be a number >= 1")]
    Multiplier(f64),
}

impl BackoffConfig {
    /// The published contention experiment's policy: base 5 ms, cap 2 s, doubling, and retry
    /// n waits up to min(cap, base · 2^n).
    pub fn contention(jitter: Jitter) -> Self {
        Self {
            base: Duration::from_millis(5),
            multiplier: 2.0,
            cap: Duration::from_secs(2),
            jitter,
            first_exponent: 1,
        }
    }

    /// Checks the values mean something: base >= 1 µs, cap >= base, multiplier >= 1.
    /// (The formulas never panic on any config; this is about meaning, not safety.)
    pub fn validate(&self) -> Result<(), BackoffError> {
        use super::duration::format_duration;
        if self.base < Duration::from_micros(1) {
            return Err(BackoffError::BaseTooSmall(format_duration(self.base)));
        }
        if self.cap < self.base {
            return Err(BackoffError::CapBelowBase {
                cap: format_duration(self.cap),
                base: format_duration(self.base),
            });
        }
        if !(self.multiplier >= 1.0 && self.multiplier.is_finite()) {
            return Err(BackoffError::Multiplier(self.multiplier));
        }
        Ok(())
    }

    /// The un-jittered, capped delay of `attempt` (1-based).
    pub fn ceiling(&self, attempt: u32) -> Duration {
        Duration::from_micros(self.ceiling_us(attempt))
    }

    /// Draws the delay of `attempt`, given the previous delay (decorrelated jitter's state;
    /// pass `base` for the first attempt). Uses `rng` except for [`Jitter::None`].
    pub fn draw(&self, attempt: u32, previous: Duration, rng: &mut Rng) -> Delay {
        let ceiling = self.ceiling_us(attempt);
        let delay = self.jitter_us(ceiling, micros(previous), rng);
        Delay {
            attempt,
            delay: Duration::from_micros(delay),
            ceiling: Duration::from_micros(ceiling),
        }
    }

    pub(crate) fn base_us(&self) -> u64 {
        micros(self.base)
    }

    pub(crate) fn cap_us(&self) -> u64 {
        micros(self.cap)
    }

    /// min(cap, base · multiplier^(attempt − 1 + first_exponent)) in whole microseconds.
    /// `libm::pow` keeps the bits platform-independent; a power too large for f64 becomes
    /// infinity and so the cap (and a NaN from a nonsense multiplier also yields the cap).
    pub(crate) fn ceiling_us(&self, attempt: u32) -> u64 {
        let cap = self.cap_us();
        let exponent = attempt
            .saturating_sub(1)
            .saturating_add(self.first_exponent);
        let raw = self.base_us() as f64 * libm::pow(self.multiplier, f64::from(exponent));
        if raw < cap as f64 {
            // `as` saturates; raw is below cap here, so it fits.
            (raw.round() as u64).min(cap)
        } else {
            cap
        }
    }

    /// The jittered delay for a given ceiling, in whole microseconds (rounded to nearest, so
    /// every bound of DESIGN §3 still holds after rounding).
    #[inline]
    pub(crate) fn jitter_us(&self, ceiling: u64, previous: u64, rng: &mut Rng) -> u64 {
        if self.jitter == Jitter::None {
            return ceiling;
        }
        let u = rng.next_f64();
        let drawn = self
            .jitter
            .spread(ceiling as f64, self.base_us() as f64, previous as f64, u)
            .round() as u64;
        match self.jitter {
            Jitter::Decorrelated => drawn.min(self.cap_us()),
            _ => drawn,
        }
    }

    /// The delay of `attempt` in whole milliseconds for the uniform draw `u` in [0, 1), as
    /// `patterns implement` asks a learner's program for it: the ceiling
    /// min(cap, base · multiplier^(attempt − 1)) in f64 milliseconds, the jitter of
    /// [`Jitter::spread`] with `previous_ms`, then floored (decorrelated capped after the
    /// floor). `first_exponent` is ignored. Every step is one IEEE operation a Python,
    /// JavaScript or Rust program makes the same way, so answers compare exactly.
    pub fn delay_ms_for_draw(&self, attempt: u32, previous_ms: u64, u: f64) -> u64 {
        let base = self.base.as_millis() as f64;
        let cap = self.cap.as_millis() as f64;
        let raw = base * libm::pow(self.multiplier, f64::from(attempt.saturating_sub(1)));
        let ceiling = if raw < cap { raw } else { cap };
        let delay = libm::floor(self.jitter.spread(ceiling, base, previous_ms as f64, u));
        // `as` saturates (and maps NaN to 0): a nonsense config cannot panic here.
        let delay = delay as u64;
        match self.jitter {
            Jitter::Decorrelated => delay.min(self.cap.as_millis() as u64),
            _ => delay,
        }
    }
}

impl Jitter {
    /// DESIGN §3's jitter formula for one uniform draw `u` in [0, 1), before rounding, in
    /// whatever unit `ceiling`, `base` and `previous` share: none c; full c·u; equal
    /// c/2 + (c/2)·u; proportional c·(0.5 + 0.5·u); decorrelated base + (3·previous − base)·u
    /// (the caller caps it). `uniform[lo, hi)` is lo + (hi − lo)·u, as [`Rng::uniform`] draws.
    pub fn spread(self, ceiling: f64, base: f64, previous: f64, u: f64) -> f64 {
        match self {
            Jitter::None => ceiling,
            Jitter::Full => ceiling * u,
            Jitter::Equal => ceiling / 2.0 + ceiling / 2.0 * u,
            Jitter::Proportional => ceiling * (0.5 + 0.5 * u),
            Jitter::Decorrelated => base + (previous * 3.0 - base) * u,
        }
    }
}

fn micros(duration: Duration) -> u64 {
    u64::try_from(duration.as_micros()).unwrap_or(u64::MAX)
}

/// One step of a schedule: the wait before retry number `attempt`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delay {
    /// 1 for the wait before the first retry.
    pub attempt: u32,
    /// What to wait.
    pub delay: Duration,
    /// The un-jittered capped delay of this attempt.
    pub ceiling: Duration,
}

/// A running backoff: holds its own [`Rng`] and the previous delay (decorrelated jitter
/// depends on it). An endless iterator of [`Delay`]s; [`Backoff::reset`] after a success.
#[derive(Debug, Clone)]
pub struct Backoff {
    config: BackoffConfig,
    rng: Rng,
    attempt: u32,
    previous_us: u64,
}

impl Backoff {
    pub fn new(config: BackoffConfig, rng: Rng) -> Self {
        let previous_us = config.base_us();
        Self {
            config,
            rng,
            attempt: 0,
            previous_us,
        }
    }

    /// The wait before the next retry.
    pub fn next_delay(&mut self) -> Delay {
        self.attempt = self.attempt.saturating_add(1);
        let ceiling = self.config.ceiling_us(self.attempt);
        let delay = self
            .config
            .jitter_us(ceiling, self.previous_us, &mut self.rng);
        self.previous_us = delay;
        Delay {
            attempt: self.attempt,
            delay: Duration::from_micros(delay),
            ceiling: Duration::from_micros(ceiling),
        }
    }

    /// Starts over at attempt 1 (the random stream continues).
    pub fn reset(&mut self) {
        self.attempt = 0;
        self.previous_us = self.config.base_us();
    }

    /// Retries scheduled so far.
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    pub fn config(&self) -> &BackoffConfig {
        &self.config
    }
}

impl Iterator for Backoff {
    type Item = Delay;

    fn next(&mut self) -> Option<Delay> {
        Some(self.next_delay())
    }
}

/// The first `attempts` delays of `config` with the stream of `seed`.
pub fn schedule(config: &BackoffConfig, attempts: u32, seed: u64) -> Vec<Delay> {
    Backoff::new(config.clone(), Rng::seeded(seed))
        .take(attempts as usize)
        .collect()
}

/// The spread of one attempt's delay over many drawn schedules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spread {
    pub attempt: u32,
    pub ceiling: Duration,
    pub min: Duration,
    /// Nearest-rank percentiles: the value at rank ceil(p/100 · samples).
    pub p50: Duration,
    /// Rounded to the microsecond.
    pub mean: Duration,
    pub p95: Duration,
    pub max: Duration,
}

/// Draws `samples` schedules of `attempts` delays (schedule k with seed `seed + k`, so the
/// first is [`schedule`]'s) and summarises each attempt. Memory is one column of `samples`
/// delays plus one running [`Backoff`] per sample, whatever `attempts` is.
pub fn spread(config: &BackoffConfig, attempts: u32, samples: u32, seed: u64) -> Vec<Spread> {
    let mut runners: Vec<Backoff> = (0..u64::from(samples))
        .map(|k| Backoff::new(config.clone(), Rng::seeded(seed.wrapping_add(k))))
        .collect();
    let mut column: Vec<u64> = Vec::with_capacity(runners.len());
    (1..=attempts)
        .map(|attempt| {
            column.clear();
            column.extend(runners.iter_mut().map(|b| micros(b.next_delay().delay)));
            summarize(attempt, config.ceiling(attempt), &mut column)
        })
        .collect()
}

fn summarize(attempt: u32, ceiling: Duration, column: &mut [u64]) -> Spread {
    let n = column.len();
    let total: u128 = column.iter().map(|&d| u128::from(d)).sum();
    let mean = (total + n as u128 / 2).checked_div(n as u128).unwrap_or(0);
    let mut rank = |percent: usize| -> u64 {
        if n == 0 {
            return 0;
        }
        let index = (percent * n).div_ceil(100).max(1) - 1;
        *column.select_nth_unstable(index).1
    };
    let (p50, p95) = (rank(50), rank(95));
    let us = Duration::from_micros;
    Spread {
        attempt,
        ceiling,
        min: us(column.iter().copied().min().unwrap_or(0)),
        p50: us(p50),
        mean: us(u64::try_from(mean).unwrap_or(u64::MAX)),
        p95: us(p95),
        max: us(column.iter().copied().max().unwrap_or(0)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rng::Rng;
    use proptest::prelude::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn config(jitter: Jitter) -> BackoffConfig {
        BackoffConfig {
            jitter,
            ..BackoffConfig::default()
        }
    }

    #[test]
    fn no_jitter_doubles_up_to_the_cap() {
        let delays: Vec<u64> = schedule(&config(Jitter::None), 8, 1)
            .iter()
            .map(|d| d.delay.as_millis() as u64)
            .collect();
        assert_eq!(
            delays,
            [1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000]
        );
    }

    #[test]
    fn first_exponent_shifts_the_ceiling() {
        let contention = BackoffConfig::contention(Jitter::None);
        assert_eq!(contention.ceiling(1), ms(10));
        assert_eq!(contention.ceiling(2), ms(20));
        assert_eq!(contention.ceiling(9), ms(2_000)); // 5 · 2^9 = 2560 > cap
    }

    #[test]
    fn huge_attempts_saturate_at_the_cap() {
        let c = config(Jitter::None);
        assert_eq!(c.ceiling(1_000), ms(60_000));
        assert_eq!(c.ceiling(u32::MAX), ms(60_000));
        let steep = BackoffConfig {
            multiplier: 1e300,
            ..c
        };
        assert_eq!(steep.ceiling(3), ms(60_000));
        let mut backoff = Backoff::new(config(Jitter::Full), Rng::seeded(3));
        backoff.attempt = u32::MAX - 1;
        assert!(backoff.next_delay().delay <= ms(60_000));
        assert!(backoff.next_delay().delay <= ms(60_000));
    }

    #[test]
    fn nonsense_configs_do_not_panic_and_fail_validation() {
        let nan = BackoffConfig {
            multiplier: f64::NAN,
            ..config(Jitter::Equal)
        };
        assert!(nan.validate().is_err());
        let _ = schedule(&nan, 10, 1);
        let inverted = BackoffConfig {
            base: ms(10),
            cap: ms(5),
            ..config(Jitter::Decorrelated)
        };
        assert_eq!(
            inverted.validate().unwrap_err().to_string(),
            "cap '5ms' must be at least the base '10ms'"
        );
        let _ = schedule(&inverted, 10, 1);
        let zero = BackoffConfig {
            base: Duration::ZERO,
            ..config(Jitter::Full)
        };
        assert!(zero.validate().is_err());
        assert!(config(Jitter::Full).validate().is_ok());
    }

    #[test]
    fn schedules_are_pinned_per_jitter() {
        // Any change to the formulas or the stream changes answer keys: pin one schedule each.
        // Cross-checked against an independent Python implementation of rng + formulas.
        let pinned: Vec<(Jitter, Vec<u128>)> = Jitter::ALL
            .iter()
            .map(|&j| {
                let micros = schedule(&config(j), 4, 7)
                    .iter()
                    .map(|d| d.delay.as_micros())
                    .collect();
                (j, micros)
            })
            .collect();
        insta::assert_debug_snapshot!(pinned);
    }

    #[test]
    fn delays_have_microsecond_resolution() {
        for delay in schedule(&config(Jitter::Full), 20, 5) {
            assert_eq!(delay.delay.subsec_nanos() % 1_000, 0);
        }
    }

    #[test]
    fn reset_restarts_at_attempt_one() {
        let mut backoff = Backoff::new(config(Jitter::None), Rng::seeded(1));
        backoff.next_delay();
        backoff.next_delay();
        backoff.reset();
        let delay = backoff.next_delay();
        assert_eq!((delay.attempt, delay.delay), (1, ms(1_000)));
    }

    #[test]
    fn config_round_trips_through_json_with_text_durations() {
        let c = BackoffConfig::contention(Jitter::Decorrelated);
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(
            json,
            r#"{"base":"5ms","multiplier":2.0,"cap":"2s","jitter":"decorrelated","first_exponent":1}"#
        );
        assert_eq!(serde_json::from_str::<BackoffConfig>(&json).unwrap(), c);
        let minimal: BackoffConfig =
            serde_json::from_str(r#"{"base":"100ms","cap":"10s"}"#).unwrap();
        assert_eq!(minimal.multiplier, 2.0);
        assert_eq!(minimal.jitter, Jitter::None);
        assert!(serde_json::from_str::<BackoffConfig>(r#"{"base":"1","cap":"10s"}"#).is_err());
    }

    #[test]
    fn spread_summarises_each_attempt() {
        let spreads = spread(&config(Jitter::Full), 3, 1_000, 1);
        assert_eq!(spreads.len(), 3);
        let first = schedule(&config(Jitter::Full), 3, 1);
        for (s, d) in spreads.iter().zip(&first) {
            assert_eq!(s.ceiling, d.ceiling);
            assert!(
                s.min <= d.delay && d.delay <= s.max,
                "sample 0 is the seed's schedule"
            );
            assert!(s.min <= s.p50 && s.p50 <= s.p95 && s.p95 <= s.max);
            // Full jitter is uniform on [0, c]: mean and median near c/2, p95 near 0.95 c.
            let c = s.ceiling.as_secs_f64();
            assert!((s.mean.as_secs_f64() / c - 0.5).abs() < 0.05, "{s:?}");
            assert!((s.p50.as_secs_f64() / c - 0.5).abs() < 0.05, "{s:?}");
            assert!((s.p95.as_secs_f64() / c - 0.95).abs() < 0.03, "{s:?}");
        }
        let fixed = spread(&config(Jitter::None), 2, 10, 1);
        assert_eq!(fixed[1].min, ms(2_000));
        assert_eq!(fixed[1].max, ms(2_000));
        assert_eq!(fixed[1].mean, ms(2_000));
    }

    #[test]
    fn nearest_rank_percentiles() {
        let mut column: Vec<u64> = (1..=20).rev().collect();
        let s = summarize(1, ms(1), &mut column);
        let us = Duration::from_micros;
        assert_eq!(
            (s.min, s.p50, s.p95, s.max),
            (us(1), us(10), us(19), us(20))
        );
        assert_eq!(s.mean, us(11)); // 10.5 rounds half up
        let mut one = vec![7];
        let s = summarize(1, ms(1), &mut one);
        assert_eq!((s.p50, s.p95), (us(7), us(7)));
    }

    fn any_config() -> impl Strategy<Value = BackoffConfig> {
        (
            1u64..5_000_000,
            1.0f64..4.0,
            0u64..100_000_000,
            0usize..5,
            0u32..3,
        )
            .prop_map(
                |(base, multiplier, extra, jitter, first_exponent)| BackoffConfig {
                    base: Duration::from_micros(base),
                    multiplier,
                    cap: Duration::from_micros(base + extra),
                    jitter: Jitter::ALL[jitter],
                    first_exponent,
                },
            )
    }

    proptest! {
        #[test]
        fn every_jitter_stays_in_its_bounds(config in any_config(), seed: u64) {
            let base = config.base;
            let cap = config.cap;
            let mut previous = base;
            for d in schedule(&config, 40, seed) {
                let c = d.ceiling;
                prop_assert_eq!(c, config.ceiling(d.attempt));
                prop_assert!(c <= cap);
                match config.jitter {
                    Jitter::None => prop_assert_eq!(d.delay, c),
                    Jitter::Full => prop_assert!(d.delay <= c),
                    Jitter::Equal | Jitter::Proportional => {
                        prop_assert!(d.delay.as_secs_f64() >= c.as_secs_f64() / 2.0);
                        prop_assert!(d.delay <= c);
                    }
                    Jitter::Decorrelated => {
                        prop_assert!(d.delay >= base);
                        prop_assert!(d.delay <= cap.min(previous * 3));
                    }
                }
                previous = d.delay;
            }
        }

        #[test]
        fn same_seed_same_schedule_other_seed_other_schedule(config in any_config(), seed: u64) {
            prop_assert_eq!(schedule(&config, 30, seed), schedule(&config, 30, seed));
            // Only schedules with room to vary can be required to differ.
            let room: u128 = (1..=30).map(|n| config.ceiling(n).as_micros()).sum();
            let varies = match config.jitter {
                Jitter::None => false,
                // Below 3 · base the cap clips almost every draw to the same value.
                Jitter::Decorrelated => config.cap >= config.base * 3,
                _ => room >= 1_000,
            };
            if varies {
                prop_assert_ne!(
                    schedule(&config, 30, seed),
                    schedule(&config, 30, seed.wrapping_add(1))
                );
            }
        }
    }
}
