//! The system model against theory (Little's law, Erlang C) and against its own promises
//! (every request accounted for, replay by seed, the cascade and its cures).

use std::time::Duration;

use proptest::prelude::*;

use super::*;
use crate::engine::backoff::{BackoffConfig, Jitter};
use crate::engine::limiter::LimiterConfig;
use crate::engine::preset::Preset;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn service(name: &str, workers: u32, queue: Queue, work: Dist) -> ServiceConfig {
    ServiceConfig {
        name: name.into(),
        workers,
        queue,
        work,
        latency: None,
        episodes: Vec::new(),
        calls: Vec::new(),
    }
}

fn call(to: usize, wrappers: Vec<Wrapper>) -> CallConfig {
    CallConfig {
        to,
        share: 1.0,
        wrappers,
    }
}

fn system(rate: f64, seconds: u64, services: Vec<ServiceConfig>) -> SystemConfig {
    SystemConfig {
        arrivals: Arrivals {
            pattern: ArrivalPattern::Poisson,
            rate,
            duration: Duration::from_secs(seconds),
            deadline: None,
        },
        services,
        seed: 7,
        bucket: Duration::from_secs(1),
        drain: Duration::from_secs(60),
    }
}

/// M/M/c with `workers` workers at utilisation `rho`, mean service time 10 ms.
fn mmc(workers: u32, rho: f64, seconds: u64) -> SystemConfig {
    let mean = ms(10);
    let rate = rho * f64::from(workers) / mean.as_secs_f64();
    let work = Dist::Exponential { mean };
    system(
        rate,
        seconds,
        vec![service("server", workers, Queue::Unbounded, work)],
    )
}

fn assert_littles_law(run: &SystemRun) {
    for s in &run.services {
        let lambda = s.arrival_rate(run.end);
        let l = s.in_system_mean;
        let lw = lambda * s.sojourn_mean_ms / 1000.0;
        if l > 1e-9 {
            assert!((l - lw).abs() / l < 0.01, "{}: L {l} vs λW {lw}", s.name);
        }
        let (end, width) = (run.end.as_secs_f64(), run.bucket.as_secs_f64());
        let from_series: f64 = s
            .series
            .busy
            .iter()
            .enumerate()
            .map(|(i, busy)| busy * (end.min((i + 1) as f64 * width) - i as f64 * width))
            .sum::<f64>()
            / end;
        assert!((from_series - s.busy_mean).abs() < 1e-6 * (1.0 + s.busy_mean));
    }
}

fn assert_accounted(run: &SystemRun) {
    let first = &run.services[0];
    assert_eq!(
        run.requests, first.calls,
        "the first service's calls are the requests"
    );
    for s in &run.services {
        let series_total: u64 = s.series.completed.iter().sum::<u64>()
            + s.series.failed.iter().sum::<u64>()
            + s.series.rejected.iter().flatten().sum::<u64>();
        assert_eq!(
            series_total + s.calls.unfinished,
            s.calls.total(),
            "{}",
            s.name
        );
        assert!(s.present_at_end <= s.arrived);
    }
}

#[test]
fn mmc_mean_wait_agrees_with_erlang_c() {
    for (workers, rho, seconds) in [(4, 0.5, 2_000), (4, 0.8, 2_000), (4, 0.95, 4_000)] {
        let config = mmc(workers, rho, seconds);
        let run = simulate(&config).unwrap();
        let s = &run.services[0];
        let expected = mmc_mean_wait(workers, config.arrivals.rate, 100.0).unwrap() * 1000.0;
        let error = (s.wait_mean_ms - expected).abs() / expected;
        assert!(
            error < 0.03,
            "ρ {rho}: wait {} ms vs Erlang C {expected} ms",
            s.wait_mean_ms
        );
        assert_littles_law(&run);
        assert_accounted(&run);
        assert_eq!(run.requests.completed, s.arrived);
    }
}

/// web → checkout → payment; payment hangs from 10 s to 40 s.
fn cascade(guard: Vec<Wrapper>) -> SystemConfig {
    let mut web = service("web", 40, Queue::Bounded(100), Dist::Fixed(ms(2)));
    web.calls = vec![call(1, vec![])];
    let mut checkout = service("checkout", 30, Queue::Bounded(50), Dist::Fixed(ms(5)));
    checkout.calls = vec![call(2, guard)];
    let mut payment = service("payment", 20, Queue::Bounded(50), Dist::Fixed(ms(1)));
    payment.latency = Some(Dist::LogNormal {
        p50: ms(20),
        p99: ms(80),
    });
    payment.episodes = vec![Episode {
        from: ms(10_000),
        to: ms(40_000),
        effect: Effect::Hang,
    }];
    let mut config = system(100.0, 60, vec![web, checkout, payment]);
    config.arrivals.deadline = None;
    config
}

#[test]
fn a_hang_fills_checkout_then_web() {
    let run = simulate(&cascade(vec![])).unwrap();
    let checkout = run.service("checkout").unwrap();
    let web = run.service("web").unwrap();
    let (Some(c), Some(w)) = (checkout.first_full, web.first_full) else {
        panic!(
            "both pools fill: {:?} {:?}",
            checkout.first_full, web.first_full
        )
    };
    assert!(c >= ms(10_000) && c < w, "checkout {c:?} then web {w:?}");
    assert!(run.requests.rejected(Reason::QueueFull) > 0);
    assert!(
        run.requests.unfinished > 0,
        "hung calls nobody times out never end"
    );
    assert_accounted(&run);
    assert_littles_law(&run);
}

#[test]
fn a_breaker_or_a_bulkhead_keeps_both_pools_from_filling() {
    let breaker = Preset::Seed.config();
    let guards = [
        vec![Wrapper::Breaker(breaker), Wrapper::Timeout(ms(100))],
        vec![
            Wrapper::Bulkhead(BulkheadConfig {
                max_concurrent: 10,
                max_wait: Duration::ZERO,
            }),
            Wrapper::Timeout(ms(100)),
        ],
    ];
    for guard in guards {
        let run = simulate(&cascade(guard.clone())).unwrap();
        for name in ["web", "checkout"] {
            let s = run.service(name).unwrap();
            assert_eq!(s.first_full, None, "{name} filled with {guard:?}");
        }
        assert_accounted(&run);
        assert_littles_law(&run);
    }
}

#[test]
fn the_same_seed_gives_the_same_run() {
    let config = cascade(vec![Wrapper::Timeout(ms(300))]);
    assert_eq!(simulate(&config), simulate(&config));
    let mut other = config.clone();
    other.seed = 8;
    assert_ne!(simulate(&config), simulate(&other));
}

/// Three hops, each slow; stacked per-hop timeouts vs a propagated deadline.
fn deadline_chain(propagate: bool) -> SystemConfig {
    let wrap = |budget| {
        if propagate {
            vec![Wrapper::Deadline { budget: None }]
        } else {
            vec![Wrapper::Timeout(budget)]
        }
    };
    let mut a = service("a", 50, Queue::Bounded(200), Dist::Fixed(ms(5)));
    a.calls = vec![call(1, wrap(ms(1_000)))];
    let mut b = service("b", 50, Queue::Bounded(200), Dist::Fixed(ms(5)));
    b.calls = vec![call(2, wrap(ms(1_000)))];
    let mut c = service(
        "c",
        8,
        Queue::Bounded(400),
        Dist::Exponential { mean: ms(40) },
    );
    c.latency = None;
    let mut config = system(220.0, 30, vec![a, b, c]);
    config.arrivals.deadline = Some(ms(1_000));
    config
}

#[test]
fn a_propagated_deadline_wastes_less_at_the_bottom_hop() {
    let stacked = simulate(&deadline_chain(false)).unwrap();
    let propagated = simulate(&deadline_chain(true)).unwrap();
    let waste = |run: &SystemRun| run.service("c").unwrap().wasted;
    assert!(
        waste(&stacked) > Duration::from_secs(10),
        "{:?}",
        waste(&stacked)
    );
    assert!(
        waste(&propagated) * 2 < waste(&stacked),
        "{:?}",
        waste(&propagated)
    );
    assert!(propagated.requests.completed > stacked.requests.completed * 2);
    assert!(
        propagated
            .service("c")
            .unwrap()
            .calls
            .rejected(Reason::Deadline)
            > 0
    );
    for run in [stacked, propagated] {
        assert_accounted(&run);
        assert_littles_law(&run);
    }
}

#[test]
fn retries_resend_failed_calls_with_backoff() {
    let mut front = service("front", 10, Queue::Unbounded, Dist::Fixed(ms(1)));
    let retry = RetryConfig {
        max_attempts: 3,
        backoff: BackoffConfig {
            jitter: Jitter::None,
            base: ms(10),
            ..BackoffConfig::default()
        },
        budget: None,
    };
    front.calls = vec![call(1, vec![Wrapper::Retry(retry)])];
    let mut back = service("back", 10, Queue::Unbounded, Dist::Fixed(ms(1)));
    back.episodes = vec![Episode {
        from: ms(0),
        to: ms(5_000),
        effect: Effect::Fail,
    }];
    let mut config = system(10.0, 10, vec![front, back]);
    config.arrivals.pattern = ArrivalPattern::Constant;
    let run = simulate(&config).unwrap();
    let back = run.service("back").unwrap();
    // 50 requests during the failure, three calls each; 50 after, one call each.
    assert_eq!(back.calls.failed, 150);
    assert_eq!(back.calls.completed, 50);
    assert_eq!(run.requests.failed, 50);
    assert_eq!(run.requests.completed, 50);
    assert_accounted(&run);
}

#[test]
fn bulkhead_waiters_get_a_slot_or_are_rejected_after_max_wait() {
    let mut front = service("front", 100, Queue::None, Dist::Fixed(ms(0)));
    let bulkhead = BulkheadConfig {
        max_concurrent: 2,
        max_wait: ms(15),
    };
    front.calls = vec![call(1, vec![Wrapper::Bulkhead(bulkhead)])];
    let back = service("back", 100, Queue::None, Dist::Fixed(ms(10)));
    let mut config = system(500.0, 1, vec![front, back]);
    config.arrivals.pattern = ArrivalPattern::Constant;
    let run = simulate(&config).unwrap();
    // One arrival every 2 ms, each holding a slot 10 ms: two slots serve 200/s.
    let back = run.service("back").unwrap();
    assert_eq!(back.busy_peak, 2);
    assert!(
        run.requests.rejected(Reason::Bulkhead) > 250,
        "{:?}",
        run.requests
    );
    assert!(run.requests.completed >= 199, "{:?}", run.requests);
    assert_accounted(&run);
}

#[test]
fn a_limiter_admits_its_rate_and_a_leaky_queue_delays() {
    let mut front = service("front", 1_000, Queue::None, Dist::Fixed(ms(0)));
    let bucket = LimiterConfig::TokenBucket {
        rate: 100,
        burst: 10,
    };
    front.calls = vec![call(1, vec![Wrapper::Limiter(bucket)])];
    let back = service("back", 1_000, Queue::None, Dist::Fixed(ms(1)));
    let mut config = system(200.0, 2, vec![front, back]);
    config.arrivals.pattern = ArrivalPattern::Constant;
    let run = simulate(&config).unwrap();
    let admitted = run.service("back").unwrap().arrived;
    // 10 from the full bucket, then 100 per second for 2 s (one refill lands at t = 2 s).
    assert!((209..=211).contains(&admitted), "{admitted}");
    assert_eq!(run.requests.rejected(Reason::Limiter), 400 - admitted);

    let queue = LimiterConfig::LeakyQueue {
        rate: 100,
        queue: 1_000,
    };
    config.services[0].calls = vec![call(1, vec![Wrapper::Limiter(queue)])];
    let run = simulate(&config).unwrap();
    assert_eq!(
        run.requests.completed, 400,
        "a long enough queue admits every call"
    );
    let p99 = run.service("front").unwrap().p99_ms.unwrap();
    assert!(p99 > 1_500.0, "the last calls waited about 2 s: {p99}");
    assert_accounted(&run);
}

#[test]
fn bad_configs_are_refused_with_the_service_named() {
    let mut config = mmc(1, 0.5, 1);
    config.services[0].calls = vec![call(0, vec![])];
    let error = simulate(&config).unwrap_err().to_string();
    assert!(
        error.contains("'server'") && error.contains("listed after"),
        "{error}"
    );
    let mut config = mmc(1, 0.5, 1);
    config.arrivals.rate = f64::NAN;
    assert!(simulate(&config).is_err());
    let mut config = mmc(1, 0.5, 1);
    config.services[0].workers = 0;
    assert!(simulate(&config).is_err());
}

fn any_wrappers() -> impl Strategy<Value = Vec<Wrapper>> {
    let timeout = (1u64..200).prop_map(|t| Wrapper::Timeout(ms(t)));
    let deadline =
        prop::option::of(1u64..300).prop_map(|b| Wrapper::Deadline { budget: b.map(ms) });
    let retry = (1u32..4).prop_map(|n| {
        Wrapper::Retry(RetryConfig {
            max_attempts: n,
            backoff: BackoffConfig {
                base: ms(5),
                cap: ms(50),
                jitter: Jitter::Full,
                ..BackoffConfig::default()
            },
            budget: None,
        })
    });
    let breaker = Just(Wrapper::Breaker(Preset::Gobreaker.config()));
    let bulkhead = (1u32..4, 0u64..20).prop_map(|(n, w)| {
        Wrapper::Bulkhead(BulkheadConfig {
            max_concurrent: n,
            max_wait: ms(w),
        })
    });
    let limiter = prop_oneof![
        (1u32..50, 1u32..5).prop_map(|(rate, burst)| LimiterConfig::Gcra { rate, burst }),
        (1u32..50, 0u32..5).prop_map(|(rate, queue)| LimiterConfig::LeakyQueue { rate, queue }),
    ]
    .prop_map(Wrapper::Limiter);
    (
        prop::option::of(deadline),
        prop::option::of(retry),
        prop::option::of(breaker),
        prop::option::of(bulkhead),
        prop::option::of(limiter),
        prop::option::of(timeout),
        any::<bool>(),
    )
        .prop_map(|(a, b, c, d, e, f, reverse)| {
            let mut layers: Vec<Wrapper> = [a, b, c, d, e, f].into_iter().flatten().collect();
            if reverse {
                layers.reverse();
            }
            layers
        })
}

fn any_dist() -> impl Strategy<Value = Dist> {
    prop_oneof![
        (0u64..30).prop_map(|t| Dist::Fixed(ms(t))),
        (1u64..30).prop_map(|t| Dist::Exponential { mean: ms(t) }),
        (1u64..20).prop_map(|t| Dist::LogNormal {
            p50: ms(t),
            p99: ms(t * 5)
        }),
    ]
}

fn any_effect() -> impl Strategy<Value = Effect> {
    prop_oneof![
        Just(Effect::Hang),
        Just(Effect::Fail),
        (1.0f64..5.0).prop_map(Effect::Slow)
    ]
}

fn any_system() -> impl Strategy<Value = SystemConfig> {
    let any_service = (
        1u32..6,
        prop_oneof![
            Just(Queue::None),
            (0u32..10).prop_map(Queue::Bounded),
            Just(Queue::Unbounded)
        ],
        any_dist(),
        prop::option::of((0u64..2_000, 1u64..1_500, any_effect())),
        prop::collection::vec((any_wrappers(), 0.2f64..=1.0), 0..3),
    );
    (
        prop::collection::vec(any_service, 1..5),
        20.0f64..400.0,
        any::<u64>(),
        prop::option::of(10u64..500),
    )
        .prop_map(|(services, rate, seed, deadline)| {
            let count = services.len();
            let services = services
                .into_iter()
                .enumerate()
                .map(
                    |(i, (workers, queue, work, episode, calls))| ServiceConfig {
                        name: format!("s{i}"),
                        workers,
                        queue,
                        work,
                        latency: None,
                        episodes: episode
                            .map(|(from, len, effect)| Episode {
                                from: ms(from),
                                to: ms(from + len),
                                effect,
                            })
                            .into_iter()
                            .collect(),
                        calls: calls
                            .into_iter()
                            .enumerate()
                            .filter(|_| i + 1 < count)
                            .map(|(k, (wrappers, share))| CallConfig {
                                to: i + 1 + k % (count - i - 1),
                                share,
                                wrappers,
                            })
                            .collect(),
                    },
                )
                .collect();
            SystemConfig {
                arrivals: Arrivals {
                    pattern: ArrivalPattern::Poisson,
                    rate,
                    duration: ms(3_000),
                    deadline: deadline.map(ms),
                },
                services,
                seed,
                bucket: ms(100),
                drain: ms(2_000),
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn every_request_is_accounted_for_and_replays(config in any_system()) {
        let run = simulate(&config).unwrap();
        assert_accounted(&run);
        assert_littles_law(&run);
        for s in &run.services {
            prop_assert!(s.busy_peak <= s.workers);
            prop_assert!(s.pool_full <= run.end);
        }
        prop_assert_eq!(simulate(&config).unwrap(), run);
    }
}
