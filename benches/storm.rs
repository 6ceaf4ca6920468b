//! Storm benchmarks (DESIGN §7): contention with 1,000 clients × 100 runs (full jitter),
//! one outage run (the tune exercise's budget: under 20 ms), and a backoff schedule.

use std::hint::black_box;
use std::num::NonZeroUsize;

use criterion::{Criterion, criterion_group, criterion_main};
use patterns::engine::backoff::{self, BackoffConfig, Jitter};
use patterns::engine::storm::Strategy;
use patterns::engine::storm::contention::{self, ContentionConfig};
use patterns::engine::storm::outage::{self, OutageConfig};

fn contention_1000_clients_100_runs(c: &mut Criterion) {
    let threads = std::thread::available_parallelism().unwrap_or(NonZeroUsize::MIN);
    let config = [ContentionConfig::published(1_000, Strategy::Full)];
    let mut group = c.benchmark_group("contention");
    group.sample_size(10);
    group.bench_function("1000 clients x 100 runs, full jitter", |b| {
        b.iter(|| contention::simulate_many(black_box(&config), 100, 1, threads))
    });
    group.finish();
}

fn outage_one_run(c: &mut Criterion) {
    let config = OutageConfig::standard(Strategy::Full);
    c.bench_function("outage: 100 clients, 2 minutes, one run", |b| {
        b.iter(|| outage::simulate(black_box(&config), 1))
    });
}

fn backoff_schedule(c: &mut Criterion) {
    let config = BackoffConfig {
        jitter: Jitter::Decorrelated,
        ..BackoffConfig::default()
    };
    c.bench_function("backoff schedule: 8 attempts, decorrelated", |b| {
        b.iter(|| backoff::schedule(black_box(&config), 8, 1))
    });
}

criterion_group!(
    benches,
    contention_1000_clients_100_runs,
    outage_one_run,
    backoff_schedule
);
criterion_main!(benches);
