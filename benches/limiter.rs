//! A limiter decision (DESIGN §7: under 20 ns) for each of the six algorithms, through the
//! `Limiter` enum as `sim limiter`, the stepper and the system simulator call it. One
//! request per millisecond against 700 per second: about 70 % admitted, 30 % rejected, so
//! both paths run; the sliding log holds up to 700 entries.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use patterns::engine::limiter::{Limiter, LimiterConfig};

fn decisions(c: &mut Criterion, name: &str, config: LimiterConfig) {
    let mut limiter = Limiter::new(config).expect("a valid config");
    let mut now: u64 = 0;
    let (mut admitted, mut total) = (0u64, 0u64);
    c.bench_function(&format!("limiter decision/{name}"), |b| {
        b.iter(|| {
            now += 1;
            total += 1;
            let decision = limiter.decide(black_box(now));
            admitted += u64::from(decision.is_admitted());
            black_box(decision)
        });
    });
    assert!(
        admitted > 0 && admitted < total,
        "{name}: both paths measured ({admitted} of {total} admitted)"
    );
}

fn limiter_decision(c: &mut Criterion) {
    let (limit, window_ms, rate, burst) = (700, 1000, 700, 10);
    decisions(
        c,
        "fixed-window",
        LimiterConfig::FixedWindow { limit, window_ms },
    );
    decisions(
        c,
        "sliding-log",
        LimiterConfig::SlidingLog { limit, window_ms },
    );
    decisions(
        c,
        "sliding-window",
        LimiterConfig::SlidingWindow { limit, window_ms },
    );
    decisions(
        c,
        "token-bucket",
        LimiterConfig::TokenBucket { rate, burst },
    );
    decisions(c, "gcra", LimiterConfig::Gcra { rate, burst });
    decisions(
        c,
        "leaky-queue",
        LimiterConfig::LeakyQueue { rate, queue: burst },
    );
}

criterion_group!(benches, limiter_decision);
criterion_main!(benches);
