//! Invariants of the limiters over generated arrivals (DESIGN §3.4).

use proptest::prelude::*;

use super::algorithms::TokenBucket;
use super::*;

/// Arrival times in ms, non-decreasing, with many requests in the same millisecond.
fn arrivals() -> impl Strategy<Value = Vec<u64>> {
    let gap = prop_oneof![4 => Just(0u64), 3 => 0u64..20, 2 => 0u64..400, 1 => 0u64..5000];
    prop::collection::vec(gap, 1..300).prop_map(|gaps| {
        gaps.into_iter()
            .scan(0u64, |clock, gap| {
                *clock += gap;
                Some(*clock)
            })
            .collect()
    })
}

fn decide_all(limiter: &mut Limiter, times: &[u64]) -> Vec<Decision> {
    times.iter().map(|&t| limiter.decide(t)).collect()
}

fn decisions(config: LimiterConfig, times: &[u64]) -> Vec<Decision> {
    decide_all(&mut Limiter::new(config).expect("valid"), times)
}

fn six(limit: u32, window_ms: u64, rate: u32, burst: u32) -> [LimiterConfig; 6] {
    [
        LimiterConfig::FixedWindow { limit, window_ms },
        LimiterConfig::SlidingLog { limit, window_ms },
        LimiterConfig::SlidingWindow { limit, window_ms },
        LimiterConfig::TokenBucket { rate, burst },
        LimiterConfig::Gcra { rate, burst },
        LimiterConfig::LeakyQueue { rate, queue: burst },
    ]
}

proptest! {
    #[test]
    fn gcra_decides_exactly_as_the_token_bucket(
        times in arrivals(), rate in 1u32..2000, burst in 1u32..40,
    ) {
        prop_assert_eq!(
            decisions(LimiterConfig::Gcra { rate, burst }, &times),
            decisions(LimiterConfig::TokenBucket { rate, burst }, &times)
        );
    }

    #[test]
    fn the_leaky_queue_admits_as_gcra_with_one_more_burst(
        times in arrivals(), rate in 1u32..2000, queue in 0u32..40,
    ) {
        let admitted = |config| -> Vec<bool> {
            decisions(config, &times).into_iter().map(Decision::is_admitted).collect()
        };
        let queue_admits = admitted(LimiterConfig::LeakyQueue { rate, queue });
        prop_assert_eq!(&queue_admits, &admitted(LimiterConfig::Gcra { rate, burst: queue + 1 }));
        // nginx with and without nodelay admits the same requests as the queue.
        for nodelay in [false, true] {
            let nginx = LimiterConfig::NginxLimitReq { rate, burst: queue, delay: 0, nodelay };
            prop_assert_eq!(&queue_admits, &admitted(nginx));
        }
    }

    #[test]
    fn guava_is_a_bucket_of_rate_plus_one_that_starts_with_one(
        times in arrivals(), rate in 1u32..200,
    ) {
        let mut bucket = Limiter::TokenBucket(TokenBucket::with_tokens(rate, rate + 1, 1));
        prop_assert_eq!(
            decisions(LimiterConfig::Guava { rate }, &times),
            decide_all(&mut bucket, &times)
        );
    }

    #[test]
    fn the_sliding_log_never_admits_more_than_n_in_any_window(
        times in arrivals(), limit in 1u32..20, window_ms in 1u64..3000,
    ) {
        let admitted: Vec<u64> = times
            .iter()
            .zip(decisions(LimiterConfig::SlidingLog { limit, window_ms }, &times))
            .filter(|(_, d)| d.is_admitted())
            .map(|(&t, _)| t)
            .collect();
        // Any window (t − W, t] with the most admissions ends at an admission.
        let mut oldest = 0;
        for (newest, &t) in admitted.iter().enumerate() {
            while admitted[oldest] + window_ms <= t {
                oldest += 1;
            }
            prop_assert!(newest - oldest < limit as usize, "{} in ({}, {}]", newest - oldest + 1, t.saturating_sub(window_ms), t);
        }
    }

    #[test]
    fn the_fixed_window_admits_two_limits_across_a_boundary(
        limit in 1u32..1000, window_ms in 2u64..100_000,
    ) {
        // N just before a boundary and N on it: 2N within 1 ms, far less than W.
        let script = Script::parse(&format!("+{}ms {limit} +1ms {limit}", window_ms - 1))
            .expect("parses");
        let steps = run(LimiterConfig::FixedWindow { limit, window_ms }, &script).expect("valid");
        prop_assert_eq!(steps[1].admitted + steps[3].admitted, 2 * limit);
        // The sliding log on the same script admits N.
        let steps = run(LimiterConfig::SlidingLog { limit, window_ms }, &script).expect("valid");
        prop_assert_eq!(steps[1].admitted + steps[3].admitted, limit);
    }

    #[test]
    fn only_admitted_requests_are_counted(
        times in arrivals(), limit in 1u32..20, window_ms in 1u64..3000,
        rate in 1u32..500, burst in 1u32..20,
    ) {
        // Replaying only the admitted requests admits all of them, with the same delays,
        // and leaves the same state: the rejected ones changed nothing.
        for config in six(limit, window_ms, rate, burst) {
            let mut limiter = Limiter::new(config).expect("valid");
            let all = decide_all(&mut limiter, &times);
            let (kept, kept_decisions): (Vec<u64>, Vec<Decision>) = times
                .iter()
                .zip(&all)
                .filter(|(_, d)| d.is_admitted())
                .map(|(&t, &d)| (t, d))
                .unzip();
            let mut replay = Limiter::new(config).expect("valid");
            prop_assert_eq!(&decide_all(&mut replay, &kept), &kept_decisions, "{:?}", config);
            let end = times.last().copied().unwrap_or(0);
            prop_assert_eq!(replay.state(end), limiter.state(end), "{:?}", config);
        }
    }

    #[test]
    fn the_same_script_gives_the_same_steps(
        times in arrivals(), limit in 1u32..20, rate in 1u32..500, burst in 1u32..20,
    ) {
        let text: Vec<String> = times
            .windows(2)
            .map(|pair| format!("+{}ms 1", pair[1] - pair[0]))
            .collect();
        let script = Script::parse(&format!("1 {}", text.join(" "))).expect("parses");
        for config in six(limit, 1000, rate, burst) {
            prop_assert_eq!(run(config, &script), run(config, &script));
        }
    }
}
