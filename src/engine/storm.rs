//! The storm simulator: many clients retrying against one server, in virtual time.
//!
//! Two scenarios: [`contention`] (the AWS 2015 optimistic-concurrency experiment) and
//! [`outage`] (a dependency down, then capacity-limited). Both are seeded discrete-event
//! simulations: the same config and seed give the same numbers on every machine, and
//! independent runs may be spread over threads without changing any result.

pub mod contention;
pub mod outage;

use std::num::NonZeroUsize;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

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
pub(crate) struct Waits {
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

/// Maps `run` over `tasks` on up to `threads` threads and returns the results in task
/// order, so the outcome never depends on the thread count. Each thread builds one scratch
/// value with `scratch` and reuses it for all its tasks (no allocation per run). Tasks are
/// taken from the end of the slice first: callers put the costly ones (more clients) last.
pub(crate) fn parallel_map<T, R, S>(
    tasks: &[T],
    threads: NonZeroUsize,
    scratch: impl Fn() -> S + Sync,
    run: impl Fn(&mut S, &T) -> R + Sync,
) -> Vec<R>
where
    T: Sync,
    R: Send,
{
    let threads = threads.get().min(tasks.len()).max(1);
    if threads == 1 {
        let mut state = scratch();
        return tasks.iter().map(|task| run(&mut state, task)).collect();
    }
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<(usize, R)>> = Mutex::new(Vec::with_capacity(tasks.len()));
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                let mut state = scratch();
                let mut mine = Vec::new();
                loop {
                    let taken = next.fetch_add(1, Ordering::Relaxed);
                    if taken >= tasks.len() {
                        break;
                    }
                    let index = tasks.len() - 1 - taken;
                    mine.push((index, run(&mut state, &tasks[index])));
                }
                // A poisoned lock means another worker panicked; the scope re-raises that.
                if let Ok(mut all) = done.lock() {
                    all.extend(mine);
                }
            });
        }
    });
    let mut all = done
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    all.sort_unstable_by_key(|&(index, _)| index);
    all.into_iter().map(|(_, result)| result).collect()
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

    #[test]
    fn parallel_map_keeps_task_order() {
        let tasks: Vec<u64> = (0..1000).collect();
        let threads = NonZeroUsize::new(4).unwrap();
        let doubled = parallel_map(&tasks, threads, || (), |_, &t| t * 2);
        assert_eq!(doubled, tasks.iter().map(|t| t * 2).collect::<Vec<_>>());
    }
}
