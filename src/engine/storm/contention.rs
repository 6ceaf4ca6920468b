//! The contention scenario: the AWS Architecture Blog experiment "Exponential Backoff and
//! Jitter" (2015). N clients each update one shared row exactly once with optimistic
//! concurrency; work (write calls) and completion (the last client's success) are measured.
//!
//! Invariants: every client succeeds eventually (each round one write wins), so a run ends;
//! events are ordered by (time, sequence), so ties replay the same way everywhere.

use std::num::NonZeroUsize;
use std::time::Duration;

use serde::Serialize;

use super::{Strategy, Waits};
use crate::engine::backoff::{BackoffConfig, Jitter};
use crate::engine::multirun::{EventQueue, Family, run_many};
use crate::engine::rng::Rng;

/// One simulated configuration. The network delay of every message is
/// |Normal(`network_mean`, `network_sd`)|, drawn independently.
///
/// The model follows the blog's published simulator (aws-samples/aws-arch-backoff-simulator):
/// a client sends a read; the server replies with the row's version; the client sends a
/// write carrying it; the server applies it if the version is still current (version + 1,
/// success) or rejects it; on a rejection the client waits its backoff for retry n (n = 1
/// first) and starts again with a read. Deliberate differences: our own seeded RNG (so the
/// numbers match the chart's shape, not its exact values), nanosecond virtual time with
/// (time, sequence) tie-breaks, reads are counted too, and the client's steps are folded
/// into the server's: a client shares no state, so a read reply's arrival needs no event of
/// its own — the write is scheduled at read time + two network delays, and a rejected
/// write's retry at write time + reply delay + backoff + read request delay. Every delay is
/// still drawn independently from the same distributions; the heap does half the work.
#[derive(Debug, Clone, PartialEq)]
pub struct ContentionConfig {
    pub clients: u32,
    pub strategy: Strategy,
    /// Base, multiplier, cap and first_exponent; the jitter comes from `strategy`.
    pub backoff: BackoffConfig,
    pub network_mean: Duration,
    pub network_sd: Duration,
}

impl ContentionConfig {
    /// The published setup: base 5 ms, cap 2 s, retry n waits up to min(cap, base · 2^n),
    /// network |Normal(10 ms, 2 ms)|.
    pub fn published(clients: u32, strategy: Strategy) -> Self {
        Self {
            clients,
            strategy,
            backoff: BackoffConfig::contention(Jitter::None),
            network_mean: Duration::from_millis(10),
            network_sd: Duration::from_millis(2),
        }
    }
}

/// What one run measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ContentionRun {
    /// Write calls: the work.
    pub writes: u64,
    /// Read calls.
    pub reads: u64,
    /// When the last client's success reply arrived.
    pub completion: Duration,
}

/// Means over `runs` runs of one configuration (seeds seed..seed+runs-1).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContentionSummary {
    pub strategy: Strategy,
    pub clients: u32,
    pub runs: u32,
    /// Mean write calls per run (the work).
    pub calls: f64,
    /// Mean read calls per run.
    pub reads: f64,
    /// Mean completion time, in milliseconds (microsecond precision).
    pub completion_ms: f64,
}

/// Runs `config` once with `seed`.
pub fn simulate(config: &ContentionConfig, seed: u64) -> ContentionRun {
    Simulator::default().run(config, &Waits::new(config.strategy, &config.backoff), seed)
}

/// Runs `config` once with `seed`, like [`simulate`] (the same run), and also counts the
/// write calls reaching the server per `bucket` of virtual time: entry i counts writes at
/// [i·bucket, (i+1)·bucket). The counts sum to the run's `writes`. A zero `bucket` is taken
/// as one nanosecond. There are completion / bucket entries: pick a bucket fine enough to
/// resolve retries arriving together (1 ms) and coarse enough for the run's length.
pub fn simulate_with_load(
    config: &ContentionConfig,
    seed: u64,
    bucket: Duration,
) -> (ContentionRun, Vec<u32>) {
    let bucket = u64::try_from(bucket.as_nanos()).unwrap_or(u64::MAX).max(1);
    let mut load: Vec<u32> = Vec::new();
    let waits = Waits::new(config.strategy, &config.backoff);
    let run = Simulator::default().run_observed(config, &waits, seed, |time| {
        let index = usize::try_from(time / bucket).unwrap_or(usize::MAX);
        if load.len() <= index {
            load.resize(index + 1, 0);
        }
        load[index] = load[index].saturating_add(1);
    });
    (run, load)
}

/// Runs every config `runs` times (seeds seed..seed+runs-1) on up to `threads` threads and
/// returns one summary per config, in order. The result does not depend on `threads`.
pub fn simulate_many(
    configs: &[ContentionConfig],
    runs: u32,
    seed: u64,
    threads: NonZeroUsize,
) -> Vec<ContentionSummary> {
    run_many(configs, runs, seed, threads)
}

impl Family for ContentionConfig {
    type Prepared = Waits;
    type Scratch = Simulator;
    type Run = ContentionRun;
    type Summary = ContentionSummary;

    fn prepare(&self) -> Waits {
        Waits::new(self.strategy, &self.backoff)
    }

    fn run_once(&self, waits: &Waits, sim: &mut Simulator, seed: u64) -> ContentionRun {
        sim.run(self, waits, seed)
    }

    fn summarize(&self, runs: &[ContentionRun]) -> ContentionSummary {
        summarize(self, runs)
    }
}

fn summarize(config: &ContentionConfig, runs: &[ContentionRun]) -> ContentionSummary {
    let n = runs.len().max(1) as f64;
    let writes: u64 = runs.iter().map(|r| r.writes).sum();
    let reads: u64 = runs.iter().map(|r| r.reads).sum();
    let nanos: u128 = runs.iter().map(|r| r.completion.as_nanos()).sum();
    // Sums are exact integers, so the means do not depend on the order runs finished in.
    let completion_us = (nanos as f64 / n / 1_000.0).round();
    ContentionSummary {
        strategy: config.strategy,
        clients: config.clients,
        runs: runs.len() as u32,
        calls: writes as f64 / n,
        reads: reads as f64 / n,
        completion_ms: completion_us / 1_000.0,
    }
}

/// What happens at an event's time: a request reaches the server (the only shared state).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    /// A read request: the server answers with the row's version.
    ReadAtServer,
    /// A write request carrying the version the client read.
    WriteAtServer,
}

/// A pending request: whose, and which.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Event {
    client: u32,
    step: Step,
}

/// Per-client state, kept apart from the heap so events stay small.
#[derive(Debug, Clone, Copy, Default)]
struct Client {
    /// The version the last read returned.
    version_seen: u64,
    /// Failed writes so far: the next retry's number minus one.
    failures: u32,
    /// The previous backoff delay (µs), for decorrelated jitter.
    previous_us: u64,
}

/// Reusable buffers: one per thread, so runs allocate nothing once warmed up.
#[derive(Debug, Default)]
pub struct Simulator {
    queue: EventQueue<Event>,
    clients: Vec<Client>,
}

impl Simulator {
    fn run(&mut self, config: &ContentionConfig, waits: &Waits, seed: u64) -> ContentionRun {
        // A no-op observer compiles away: the fast path is unchanged.
        self.run_observed(config, waits, seed, |_| {})
    }

    /// [`Simulator::run`], calling `on_write` with the time (ns) of every write at the server.
    fn run_observed(
        &mut self,
        config: &ContentionConfig,
        waits: &Waits,
        seed: u64,
        mut on_write: impl FnMut(u64),
    ) -> ContentionRun {
        let mut rng = Rng::seeded(seed);
        let mean = config.network_mean.as_nanos() as f64;
        let sd = config.network_sd.as_nanos() as f64;
        // Truncated to whole nanoseconds (`round` is a libm call on the hot path).
        let network = move |rng: &mut Rng| rng.normal(mean, sd).abs() as u64;

        self.clients.clear();
        self.clients.resize(
            config.clients as usize,
            Client {
                previous_us: waits.initial_previous(),
                ..Client::default()
            },
        );
        self.queue.clear();
        for client in 0..config.clients {
            let time = network(&mut rng);
            self.queue.push(
                time,
                Event {
                    client,
                    step: Step::ReadAtServer,
                },
            );
        }

        let mut version = 0u64;
        let (mut reads, mut writes, mut completion) = (0u64, 0u64, 0u64);
        let clients = &mut self.clients;
        // Replacing the earliest event sifts once instead of a pop and a push.
        while self.queue.step(|time, Event { client, step }| {
            let state = &mut clients[client as usize];
            let next = match step {
                Step::ReadAtServer => {
                    reads += 1;
                    state.version_seen = version;
                    // The reply travels back, then the write travels to the server.
                    let reply = network(&mut rng);
                    let at = time.saturating_add(reply).saturating_add(network(&mut rng));
                    Some((at, Step::WriteAtServer))
                }
                Step::WriteAtServer => {
                    writes += 1;
                    on_write(time);
                    let reply = network(&mut rng);
                    if state.version_seen == version {
                        version += 1;
                        completion = completion.max(time.saturating_add(reply));
                        None
                    } else {
                        state.failures += 1;
                        // As published: the read's network delay is drawn before the backoff.
                        let travel = network(&mut rng);
                        let wait = waits.delay_us(state.failures, &mut state.previous_us, &mut rng);
                        // Saturating: 10,000 clients at a 1000 h cap would pass u64 nanoseconds.
                        let at = time
                            .saturating_add(reply)
                            .saturating_add(travel)
                            .saturating_add(wait.saturating_mul(1_000));
                        Some((at, Step::ReadAtServer))
                    }
                }
            };
            next.map(|(time, step)| (time, Event { client, step }))
        }) {}
        ContentionRun {
            writes,
            reads,
            completion: Duration::from_nanos(completion),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn threads(n: usize) -> NonZeroUsize {
        NonZeroUsize::new(n).unwrap()
    }

    fn mean_calls(clients: u32, strategy: Strategy, runs: u32) -> f64 {
        let config = ContentionConfig::published(clients, strategy);
        simulate_many(&[config], runs, 1, threads(2))[0].calls
    }

    #[test]
    fn one_client_writes_exactly_once() {
        for strategy in Strategy::COMPARISON {
            let run = simulate(&ContentionConfig::published(1, strategy), 3);
            assert_eq!((run.writes, run.reads), (1, 1), "{strategy:?}");
            // Four messages of about 10 ms each.
            let ms = run.completion.as_secs_f64() * 1e3;
            assert!((20.0..60.0).contains(&ms), "{ms}");
        }
    }

    #[test]
    fn every_client_succeeds_and_work_is_at_least_one_write_each() {
        for strategy in Strategy::COMPARISON
            .into_iter()
            .chain([Strategy::Proportional])
        {
            for clients in [2, 10, 57] {
                let run = simulate(&ContentionConfig::published(clients, strategy), 11);
                // The run only ends once every client has succeeded (the loop drains the
                // queue), which takes at least one write each.
                assert!(run.writes >= u64::from(clients), "{strategy:?} {clients}");
                assert_eq!(run.reads, run.writes, "one read per write attempt");
            }
        }
    }

    #[test]
    fn exactly_one_write_per_version_succeeds() {
        // The failures are the writes beyond one per client.
        let config = ContentionConfig::published(40, Strategy::Full);
        let mut sim = Simulator::default();
        let run = sim.run(&config, &Waits::new(config.strategy, &config.backoff), 5);
        let failed: u64 = sim.clients.iter().map(|c| u64::from(c.failures)).sum();
        assert_eq!(run.writes, 40 + failed);
        assert!(
            sim.queue.is_empty(),
            "every client left the queue by succeeding"
        );
    }

    #[test]
    fn no_backoff_does_far_more_work_than_full_jitter() {
        let none = mean_calls(100, Strategy::NoBackoff, 20);
        let full = mean_calls(100, Strategy::Full, 20);
        // The published model gives about 2,400 against 800 calls at 100 clients.
        assert!(none > 2.5 * full, "no backoff {none}, full jitter {full}");
    }

    #[test]
    fn jitter_beats_plain_exponential() {
        let exponential = mean_calls(100, Strategy::Exponential, 20);
        let full = mean_calls(100, Strategy::Full, 20);
        let decorrelated = mean_calls(100, Strategy::Decorrelated, 20);
        assert!(full < exponential, "full {full}, exponential {exponential}");
        assert!(decorrelated < exponential, "decorrelated {decorrelated}");
    }

    #[test]
    fn same_seed_same_run_whatever_the_thread_count() {
        let configs: Vec<ContentionConfig> = Strategy::COMPARISON
            .into_iter()
            .map(|s| ContentionConfig::published(30, s))
            .collect();
        let one = simulate_many(&configs, 7, 42, threads(1));
        let three = simulate_many(&configs, 7, 42, threads(3));
        assert_eq!(one, three);
        let other_seed = simulate_many(&configs, 7, 43, threads(3));
        assert_ne!(one, other_seed);
        assert_eq!(
            simulate(&configs[3], 9),
            simulate(&configs[3], 9),
            "a single run replays"
        );
    }

    #[test]
    fn load_timeline_sums_to_the_writes_and_replays() {
        let config = ContentionConfig::published(60, Strategy::Equal);
        let bucket = Duration::from_millis(10);
        let (run, load) = simulate_with_load(&config, 4, bucket);
        assert_eq!(run, simulate(&config, 4), "the same run as the fast path");
        let total: u64 = load.iter().map(|&n| u64::from(n)).sum();
        assert_eq!(total, run.writes);
        assert!(load.len() as u128 <= run.completion.as_nanos() / bucket.as_nanos() + 1);
        assert_eq!(simulate_with_load(&config, 4, bucket), (run, load.clone()));
        assert_ne!(simulate_with_load(&config, 5, bucket).1, load);
    }

    #[test]
    fn unjittered_retries_cluster_into_a_higher_peak() {
        // The first rounds look alike (everyone starts together and the first waits are
        // short); from 200 ms on, un-jittered retries still arrive in bursts while full
        // jitter has spread them out.
        let peak = |strategy| {
            let config = ContentionConfig::published(100, strategy);
            let (_, load) = simulate_with_load(&config, 1, Duration::from_millis(10));
            load.into_iter().skip(20).max().unwrap_or(0)
        };
        let (exponential, full) = (peak(Strategy::Exponential), peak(Strategy::Full));
        assert!(exponential > full, "exponential {exponential}, full {full}");
    }

    proptest::proptest! {
        #[test]
        fn every_run_ends_with_every_client_served(
            clients in 1u32..60,
            strategy in 0usize..5,
            seed: u64,
        ) {
            let config = ContentionConfig::published(clients, Strategy::COMPARISON[strategy]);
            let run = simulate(&config, seed);
            proptest::prop_assert!(run.writes >= u64::from(clients));
            proptest::prop_assert_eq!(run.reads, run.writes);
            proptest::prop_assert!(run.completion > Duration::ZERO);
            proptest::prop_assert_eq!(simulate(&config, seed), run);
        }
    }

    #[test]
    fn runs_are_pinned() {
        // Any change to the model, the RNG or the backoff changes these: pin them.
        let pinned: Vec<(Strategy, ContentionRun)> = Strategy::COMPARISON
            .into_iter()
            .map(|s| (s, simulate(&ContentionConfig::published(50, s), 1)))
            .collect();
        insta::assert_debug_snapshot!(pinned);
    }
}
