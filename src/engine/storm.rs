//! The storm simulator: many clients retrying against one server, in virtual time.
//!
//! Two scenarios: [`contention`] (the AWS 2015 optimistic-concurrency experiment) and
//! [`outage`] (a dependency down, then capacity-limited). Both are seeded discrete-event
//! simulations: the same config and seed give the same numbers on every machine, and
//! independent runs may be spread over threads without changing any result.

pub mod contention;
pub mod outage;

use serde::{Deserialize, Serialize};

use super::backoff::{BackoffConfig, Jitter};
use super::rng::Rng;

/// How a client waits before retrying, as the storm commands name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Strategy {
    /// Retry at once.
    NoBackoff,
    /// Capped exponential backoff without jitter ([`Jitter::None`]).
    Exponential,
    Equal,
    Full,
    Decorrelated,
    Proportional,
}

impl Strategy {
    /// The published comparison (`--jitter all`): no backoff, exponential, equal, full and
    /// decorrelated.
    pub const COMPARISON: [Strategy; 5] = [
        Strategy::NoBackoff,
        Strategy::Exponential,
        Strategy::Equal,
        Strategy::Full,
        Strategy::Decorrelated,
    ];

    /// The name on the command line and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Strategy::NoBackoff => "no-backoff",
            Strategy::Exponential => "exponential",
            Strategy::Equal => "equal",
            Strategy::Full => "full",
            Strategy::Decorrelated => "decorrelated",
            Strategy::Proportional => "proportional",
        }
    }

    /// Backoff with this jitter (`none` is [`Strategy::Exponential`]).
    pub fn from_jitter(jitter: Jitter) -> Self {
        match jitter {
            Jitter::None => Strategy::Exponential,
            Jitter::Full => Strategy::Full,
            Jitter::Equal => Strategy::Equal,
            Jitter::Decorrelated => Strategy::Decorrelated,
            Jitter::Proportional => Strategy::Proportional,
        }
    }

    /// The jitter this strategy uses, or `None` for [`Strategy::NoBackoff`].
    pub fn jitter(self) -> Option<Jitter> {
        match self {
            Strategy::NoBackoff => None,
            Strategy::Exponential => Some(Jitter::None),
            Strategy::Equal => Some(Jitter::Equal),
            Strategy::Full => Some(Jitter::Full),
            Strategy::Decorrelated => Some(Jitter::Decorrelated),
            Strategy::Proportional => Some(Jitter::Proportional),
        }
    }
}

/// A strategy's waits, with the ceilings precomputed so a retry costs no `pow`. The delays
/// are exactly [`BackoffConfig`]'s (same formula, same draws); only the lookup is cached.
#[derive(Debug, Clone)]
pub struct Waits {
    backoff: Option<BackoffConfig>,
    /// ceilings[n - 1] for attempts n until the cap is reached (at most `TABLE` entries).
    ceilings: Vec<u64>,
}

impl Waits {
    const TABLE: usize = 2_048;

    /// `params` gives base, multiplier, cap and first_exponent; `strategy` the jitter.
    pub(crate) fn new(strategy: Strategy, params: &BackoffConfig) -> Self {
        let Some(jitter) = strategy.jitter() else {
            return Self {
                backoff: None,
                ceilings: Vec::new(),
            };
        };
        let backoff = BackoffConfig {
            jitter,
            ..params.clone()
        };
        let cap = backoff.cap_us();
        let mut ceilings = Vec::new();
        for attempt in 1..=Self::TABLE as u32 {
            let ceiling = backoff.ceiling_us(attempt);
            ceilings.push(ceiling);
            if ceiling >= cap {
                break;
            }
        }
        Self {
            backoff: Some(backoff),
            ceilings,
        }
    }

    /// The wait in microseconds before retry `attempt` (1-based); `previous` is the
    /// client's previous delay (decorrelated jitter's state) and is updated.
    #[inline]
    pub(crate) fn delay_us(&self, attempt: u32, previous: &mut u64, rng: &mut Rng) -> u64 {
        let Some(backoff) = &self.backoff else {
            return 0;
        };
        let ceiling = match self.ceilings.get(attempt.saturating_sub(1) as usize) {
            Some(&ceiling) => ceiling,
            None if self.ceilings.len() < Self::TABLE => backoff.cap_us(),
            None => backoff.ceiling_us(attempt),
        };
        let delay = backoff.jitter_us(ceiling, *previous, rng);
        *previous = delay;
        delay
    }

    /// The decorrelated state a fresh client starts from: the base.
    pub(crate) fn initial_previous(&self) -> u64 {
        self.backoff.as_ref().map_or(0, BackoffConfig::base_us)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strategy_names_match_serde() {
        for strategy in Strategy::COMPARISON
            .into_iter()
            .chain([Strategy::Proportional])
        {
            let json = serde_json::to_string(&strategy).unwrap();
            assert_eq!(json, format!("\"{}\"", strategy.name()));
        }
        for jitter in Jitter::ALL {
            assert_eq!(Strategy::from_jitter(jitter).jitter(), Some(jitter));
        }
    }

    #[test]
    fn waits_match_the_backoff_formula() {
        let params = BackoffConfig::contention(Jitter::None);
        for strategy in [
            Strategy::Full,
            Strategy::Decorrelated,
            Strategy::Exponential,
        ] {
            let waits = Waits::new(strategy, &params);
            let backoff = BackoffConfig {
                jitter: strategy.jitter().unwrap(),
                ..params.clone()
            };
            let mut expected =
                crate::engine::backoff::Backoff::new(backoff, Rng::seeded(9)).take(40);
            let mut rng = Rng::seeded(9);
            let mut previous = waits.initial_previous();
            for attempt in 1..=40 {
                let delay = waits.delay_us(attempt, &mut previous, &mut rng);
                let want = expected.next().unwrap().delay.as_micros() as u64;
                assert_eq!(delay, want, "{strategy:?} attempt {attempt}");
            }
        }
        let none = Waits::new(Strategy::NoBackoff, &params);
        let mut previous = 0;
        assert_eq!(none.delay_us(3, &mut previous, &mut Rng::seeded(1)), 0);
    }
}
