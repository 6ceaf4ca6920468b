//! The breaker decision (DESIGN §7: allow + record outcome under 50 ns) against two published
//! Rust circuit breakers, `failsafe` 1.3 and `recloser` 1.4, in ONE criterion group so that
//! BENCHMARKS.md compares figures taken in the same run, on the same load.
//!
//! Every variant measures one call on a CLOSED breaker: ask for permission, then record the
//! outcome. Outcomes follow a fixed pattern (all success, or every 20th call fails) that never
//! opens any of the breakers; each is checked to still admit calls afterwards.
//!
//! How the three differ (they cannot be made identical; these are the closest settings):
//! - `patterns` is single-owner (`&mut self`, no lock, no atomics) and takes `now` from the
//!   caller: no clock is read. The "+ clock read" variant adds one `Instant::now()` per call,
//!   which is what a real-time caller (our adapter) pays on top.
//! - `failsafe` is shared (`Arc<Mutex<..>>`, parking_lot): `is_call_permitted` and
//!   `on_success`/`on_error` take the mutex once each. Its `consecutive_failures(5, ..)` policy
//!   is our seed rule (5 in a row opens, `>=`); its open delay comes from a backoff iterator
//!   (constant 60 s here) and ONE success in half open closes it (ours needs 2). It reads
//!   the clock only when open.
//! - `recloser` is lock-free (crossbeam-epoch pin per call, atomics, a spin-locked ring
//!   buffer) and has only failure-rate policies over a ring of the last N calls; it exposes
//!   only `call(f)` (permission + record in one). A ring of 5 at an error rate of 100 % opens
//!   exactly on 5 consecutive failures, so it stands in for the consecutive policy; a ring of
//!   100 at 50 % is Resilience4j's count window (our `resilience4j` preset also tracks slow
//!   calls, which recloser cannot). Its half-open ring judges a rate, not a success count. It
//!   reads the clock only when opening or open.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{
    BenchmarkGroup, Criterion, criterion_group, criterion_main, measurement::WallTime,
};
use failsafe::backoff;
use failsafe::failure_policy::consecutive_failures;
use patterns::engine::breaker::{CircuitBreaker, Outcome, State};
use patterns::engine::preset::Preset;
use recloser::Recloser;

/// The patterns measured: `(name, fail_every)`; `u64::MAX` means every call succeeds.
const PATTERNS: [(&str, u64); 2] = [("all success", u64::MAX), ("1 failure in 20", 20)];

/// Whether call number `call` fails under `fail_every`.
fn fails(call: u64, fail_every: u64) -> bool {
    call.is_multiple_of(fail_every)
}

fn ours(group: &mut BenchmarkGroup<'_, WallTime>, id: &str, preset: Preset, fail_every: u64) {
    ours_at(group, id, preset, fail_every, || Duration::ZERO);
}

/// Ours with the clock read a real-time caller needs (the engine itself never reads one).
#[allow(
    clippy::disallowed_methods,
    reason = "the reference point for a caller that reads a real clock; the engine does not"
)]
fn ours_with_clock(group: &mut BenchmarkGroup<'_, WallTime>, id: &str, fail_every: u64) {
    let start = Instant::now();
    ours_at(group, id, Preset::Seed, fail_every, || start.elapsed());
}

/// Our breaker, with `now` taken from `clock` before every call.
fn ours_at(
    group: &mut BenchmarkGroup<'_, WallTime>,
    id: &str,
    preset: Preset,
    fail_every: u64,
    mut clock: impl FnMut() -> Duration,
) {
    let mut breaker = CircuitBreaker::new(preset.config()).expect("presets are valid");
    let mut call: u64 = 0;
    group.bench_function(id, |b| {
        b.iter(|| {
            call += 1;
            let now = clock();
            let permit = breaker
                .try_acquire(black_box(now))
                .expect("the breaker stays CLOSED");
            let outcome = if fails(call, fail_every) {
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
        "{id} measured a CLOSED breaker"
    );
}

fn failsafe_consecutive(group: &mut BenchmarkGroup<'_, WallTime>, id: &str, fail_every: u64) {
    let policy = consecutive_failures(5, backoff::constant(Duration::from_secs(60)));
    let breaker = failsafe::Config::new().failure_policy(policy).build();
    let mut call: u64 = 0;
    group.bench_function(id, |b| {
        b.iter(|| {
            call += 1;
            let permitted = black_box(&breaker).is_call_permitted();
            assert!(permitted, "the breaker stays closed");
            if fails(call, fail_every) {
                breaker.on_error();
            } else {
                breaker.on_success();
            }
        });
    });
    assert!(
        breaker.is_call_permitted(),
        "{id} measured a closed breaker"
    );
}

fn recloser(group: &mut BenchmarkGroup<'_, WallTime>, id: &str, ring: Recloser, fail_every: u64) {
    let mut call: u64 = 0;
    group.bench_function(id, |b| {
        b.iter(|| {
            call += 1;
            let failed = fails(call, fail_every);
            let result = black_box(&ring).call(|| if failed { Err(()) } else { Ok(()) });
            assert!(
                !matches!(result, Err(recloser::Error::Rejected)),
                "the breaker stays closed"
            );
            black_box(result)
        });
    });
    assert!(
        ring.call(|| Ok::<(), ()>(())).is_ok(),
        "{id} measured a closed breaker"
    );
}

/// recloser set up as "5 consecutive failures open it" (see the module doc).
fn recloser_consecutive() -> Recloser {
    Recloser::custom()
        .closed_len(5)
        .error_rate_closed(1.0)
        .half_open_len(2)
        .error_rate_half_open(0.5)
        .open_wait(Duration::from_secs(60))
        .build()
}

/// recloser set up as Resilience4j's count window: last 100 calls, 50 % opens.
fn recloser_count_window() -> Recloser {
    Recloser::custom()
        .closed_len(100)
        .error_rate(0.5)
        .half_open_len(10)
        .open_wait(Duration::from_secs(60))
        .build()
}

fn breaker_reference(c: &mut Criterion) {
    let mut group = c.benchmark_group("breaker reference");
    for (pattern, fail_every) in PATTERNS {
        let consecutive = format!("consecutive 5, {pattern}");
        ours(
            &mut group,
            &format!("{consecutive}/patterns"),
            Preset::Seed,
            fail_every,
        );
        ours_with_clock(
            &mut group,
            &format!("{consecutive}/patterns + clock read"),
            fail_every,
        );
        failsafe_consecutive(&mut group, &format!("{consecutive}/failsafe"), fail_every);
        recloser(
            &mut group,
            &format!("{consecutive}/recloser"),
            recloser_consecutive(),
            fail_every,
        );

        let window = format!("count window 100 at 50 %, {pattern}");
        ours(
            &mut group,
            &format!("{window}/patterns"),
            Preset::Resilience4j,
            fail_every,
        );
        recloser(
            &mut group,
            &format!("{window}/recloser"),
            recloser_count_window(),
            fail_every,
        );
    }
    group.finish();
}

criterion_group!(benches, breaker_reference);
criterion_main!(benches);
