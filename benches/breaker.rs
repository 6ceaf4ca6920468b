//! The breaker decision (DESIGN §7: try_acquire + record under 50 ns) on a CLOSED breaker:
//! consecutive counting (the seed), a count window (Resilience4j) and a time window (Polly).
//! Outcomes are mixed so the failure paths run, but never enough to open the breaker.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use patterns::engine::breaker::{CircuitBreaker, Outcome, State};
use patterns::engine::preset::Preset;

/// Runs one decision per iteration; every `fail_every`-th call fails; the clock moves by
/// `step` per call.
fn decisions(c: &mut Criterion, name: &str, preset: Preset, fail_every: u64, step: Duration) {
    let mut breaker = CircuitBreaker::new(preset.config()).expect("presets are valid");
    let mut now = Duration::ZERO;
    let mut call: u64 = 0;
    c.bench_function(name, |b| {
        b.iter(|| {
            call += 1;
            now += step;
            let permit = breaker
                .try_acquire(black_box(now))
                .expect("the breaker stays CLOSED");
            let outcome = if call.is_multiple_of(fail_every) {
                Outcome::failure(Duration::from_millis(3))
            } else {
                Outcome::success(Duration::from_millis(3))
            };
            black_box(breaker.record(permit, outcome, now))
        });
    });
    assert_eq!(
        breaker.state(),
        State::Closed,
        "{name} measured a CLOSED breaker"
    );
}

fn breaker_decision(c: &mut Criterion) {
    // Seed: one failure in three never makes 5 in a row.
    decisions(
        c,
        "breaker decision/consecutive (seed)",
        Preset::Seed,
        3,
        Duration::ZERO,
    );
    // Resilience4j: window of 100, 25 % failures, rates judged on every call.
    decisions(
        c,
        "breaker decision/count window (resilience4j)",
        Preset::Resilience4j,
        4,
        Duration::ZERO,
    );
    // Polly: 30 s time window, 5 % failures, one call per millisecond (30,000 in window).
    decisions(
        c,
        "breaker decision/time window (polly)",
        Preset::Polly,
        20,
        Duration::from_millis(1),
    );
}

criterion_group!(benches, breaker_decision);
criterion_main!(benches);
