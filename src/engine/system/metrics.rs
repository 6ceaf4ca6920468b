//! What a run measured, as typed values a grader or a goal can read (`pool_full`,
//! `p99`, `wasted`...), and the recorder that collects them while the simulation runs.
//! Times inside are integer microseconds; the public values are `Duration`s and
//! milliseconds as `f64`.

use std::time::Duration;

use super::Outcome;

/// Why a call or request was rejected, in the order they are reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Reason {
    QueueFull,
    Limiter,
    Bulkhead,
    BreakerOpen,
    Timeout,
    Deadline,
}

impl Reason {
    /// Every reason, in report order.
    pub const ALL: [Reason; 6] = [
        Reason::QueueFull,
        Reason::Limiter,
        Reason::Bulkhead,
        Reason::BreakerOpen,
        Reason::Timeout,
        Reason::Deadline,
    ];

    /// The name in JSON, CSV and tables.
    pub fn name(self) -> &'static str {
        match self {
            Reason::QueueFull => "queue_full",
            Reason::Limiter => "limiter",
            Reason::Bulkhead => "bulkhead",
            Reason::BreakerOpen => "breaker_open",
            Reason::Timeout => "timeout",
            Reason::Deadline => "deadline",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// How many requests (or calls to one service) ended each way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    pub completed: u64,
    pub failed: u64,
    /// By [`Reason`], in [`Reason::ALL`] order.
    pub rejected: [u64; 6],
    /// Still open when the run ended (a hang nobody timed out).
    pub unfinished: u64,
}

impl Counts {
    /// Rejections for one reason.
    pub fn rejected(&self, reason: Reason) -> u64 {
        self.rejected[reason.index()]
    }

    /// All rejections.
    pub fn rejected_total(&self) -> u64 {
        self.rejected.iter().sum()
    }

    /// Every request or call counted, whatever its end.
    pub fn total(&self) -> u64 {
        self.completed + self.failed + self.rejected_total() + self.unfinished
    }

    pub(super) fn add(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Completed => self.completed += 1,
            Outcome::Failed => self.failed += 1,
            Outcome::Rejected(reason) => self.rejected[reason.index()] += 1,
        }
    }
}

/// One service's values per time bucket.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Series {
    /// Mean busy workers over the bucket.
    pub busy: Vec<f64>,
    /// Mean queue length over the bucket.
    pub queued: Vec<f64>,
    /// Calls to the service that ended in the bucket, by outcome.
    pub completed: Vec<u64>,
    pub failed: Vec<u64>,
    /// By [`Reason`], in [`Reason::ALL`] order.
    pub rejected: [Vec<u64>; 6],
    /// Latency percentiles of the calls completed in the bucket (ms; `None` when none).
    pub p50_ms: Vec<Option<f64>>,
    pub p99_ms: Vec<Option<f64>>,
}

/// Everything measured about one service.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceMetrics {
    pub name: String,
    pub workers: u32,
    /// Calls to it (requests, for the first service) by how they ended, as the caller saw
    /// them; each retry is a call.
    pub calls: Counts,
    /// Calls that reached it (were not rejected by a wrapper on the caller's side).
    pub arrived: u64,
    /// Of those, still at the service (queued, working or hung) when the run ended.
    pub present_at_end: u64,
    /// Worker time spent on requests the caller had already abandoned.
    pub wasted: Duration,
    /// Total time every worker was busy, and when that first happened.
    pub pool_full: Duration,
    pub first_full: Option<Duration>,
    pub busy_mean: f64,
    pub busy_peak: u32,
    pub queued_peak: u64,
    /// Mean time from arrival at the service to a worker taking it (ms).
    pub wait_mean_ms: f64,
    /// Mean time at the service, arrival to leaving (ms; still present at the end counts
    /// up to the end).
    pub sojourn_mean_ms: f64,
    /// Time-average number at the service (queued + working + hung): Little's L.
    pub in_system_mean: f64,
    /// Latency of completed calls as the caller saw it (ms).
    pub p50_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    pub series: Series,
}

impl ServiceMetrics {
    /// Arrivals per second over the run: Little's λ.
    pub fn arrival_rate(&self, run_end: Duration) -> f64 {
        let seconds = run_end.as_secs_f64();
        if seconds > 0.0 {
            self.arrived as f64 / seconds
        } else {
            0.0
        }
    }
}

/// The result of one simulation.
#[derive(Debug, Clone, PartialEq)]
pub struct SystemRun {
    /// Requests sent at the edge, by outcome.
    pub requests: Counts,
    pub services: Vec<ServiceMetrics>,
    /// When the run stopped (the last event, or the end of the drain).
    pub end: Duration,
    pub bucket: Duration,
}

impl SystemRun {
    /// The service called `name`.
    pub fn service(&self, name: &str) -> Option<&ServiceMetrics> {
        self.services.iter().find(|s| s.name == name)
    }

    /// Number of time buckets in every series.
    pub fn buckets(&self) -> usize {
        self.services.first().map_or(0, |s| s.series.busy.len())
    }
}

/// Collects one service's values while the simulation runs.
#[derive(Debug, Default)]
pub(super) struct Recorder {
    bucket_us: u64,
    pub(super) calls: Counts,
    pub(super) arrived: u64,
    pub(super) departed: u64,
    pub(super) wasted_us: u64,
    pub(super) busy: u32,
    pub(super) queued: u64,
    pub(super) hung: u64,
    workers: u32,
    last: u64,
    full_us: u64,
    first_full: Option<u64>,
    busy_area: f64,
    present_area: f64,
    busy_peak: u32,
    queued_peak: u64,
    wait_sum_us: f64,
    waits: u64,
    sojourn_sum_us: f64,
    busy_buckets: Vec<f64>,
    queued_buckets: Vec<f64>,
    completed: Vec<u64>,
    failed: Vec<u64>,
    rejected: [Vec<u64>; 6],
    latencies: Vec<Vec<u32>>,
    all_latencies: Vec<u32>,
}

impl Recorder {
    pub(super) fn new(workers: u32, bucket_us: u64) -> Self {
        Self {
            workers,
            bucket_us,
            ..Self::default()
        }
    }

    /// Accumulates the time since the last change, split over buckets; call before any
    /// change of `busy`, `queued` or `hung`.
    pub(super) fn advance(&mut self, now: u64) {
        if now <= self.last {
            return;
        }
        let busy = f64::from(self.busy);
        let queued = self.queued as f64;
        let present = busy + queued + self.hung as f64;
        let mut t = self.last;
        while t < now {
            let index = (t / self.bucket_us) as usize;
            let bucket_end = (index as u64 + 1) * self.bucket_us;
            let until = bucket_end.min(now);
            let dt = (until - t) as f64;
            grow(&mut self.busy_buckets, index);
            grow(&mut self.queued_buckets, index);
            self.busy_buckets[index] += busy * dt;
            self.queued_buckets[index] += queued * dt;
            t = until;
        }
        let dt = now - self.last;
        self.busy_area += busy * dt as f64;
        self.present_area += present * dt as f64;
        if self.busy >= self.workers {
            self.full_us += dt;
        }
        self.last = now;
    }

    /// A worker was taken at `now` by a job that arrived at `arrived`.
    pub(super) fn started(&mut self, now: u64, arrived: u64) {
        self.advance(now);
        self.busy += 1;
        self.busy_peak = self.busy_peak.max(self.busy);
        if self.busy >= self.workers && self.first_full.is_none() {
            self.first_full = Some(now);
        }
        self.wait_sum_us += (now - arrived) as f64;
        self.waits += 1;
    }

    pub(super) fn enqueued(&mut self, now: u64) {
        self.advance(now);
        self.queued += 1;
        self.queued_peak = self.queued_peak.max(self.queued);
    }

    pub(super) fn dequeued(&mut self, now: u64) {
        self.advance(now);
        self.queued -= 1;
    }

    /// A job left the service at `now` (it had arrived at `arrived`).
    pub(super) fn departed(&mut self, now: u64, arrived: u64) {
        self.departed += 1;
        self.sojourn_sum_us += (now - arrived) as f64;
    }

    /// A call to this service ended at `now` with `outcome`, `latency` after it began.
    pub(super) fn outcome(&mut self, now: u64, outcome: Outcome, latency: u64) {
        self.calls.add(outcome);
        let index = (now / self.bucket_us) as usize;
        match outcome {
            Outcome::Completed => {
                bump(&mut self.completed, index);
                let ms = u32::try_from(latency).unwrap_or(u32::MAX);
                grow_with(&mut self.latencies, index);
                self.latencies[index].push(ms);
                self.all_latencies.push(ms);
            }
            Outcome::Failed => bump(&mut self.failed, index),
            Outcome::Rejected(reason) => bump(&mut self.rejected[reason.index()], index),
        }
    }

    /// The final values, for a run that ended at `end` with `present` jobs still here
    /// (whose times at the service so far add up to `present_us`).
    pub(super) fn finish(
        mut self,
        name: String,
        end: u64,
        present: u64,
        present_us: f64,
    ) -> ServiceMetrics {
        self.advance(end);
        let buckets = (end.div_ceil(self.bucket_us) as usize).max(1);
        let width = self.bucket_us as f64;
        let mean = |v: &[f64], i: usize| {
            let span = (end.min((i as u64 + 1) * self.bucket_us) - i as u64 * self.bucket_us).max(1)
                as f64;
            v.get(i).copied().unwrap_or(0.0) / span.min(width)
        };
        let busy = (0..buckets).map(|i| mean(&self.busy_buckets, i)).collect();
        let queued = (0..buckets)
            .map(|i| mean(&self.queued_buckets, i))
            .collect();
        let pad = |v: &mut Vec<u64>| v.resize(buckets.max(v.len()), 0);
        pad(&mut self.completed);
        pad(&mut self.failed);
        for v in &mut self.rejected {
            pad(v);
        }
        self.latencies
            .resize_with(buckets.max(self.latencies.len()), Vec::new);
        let mut p50 = Vec::with_capacity(buckets);
        let mut p99 = Vec::with_capacity(buckets);
        for list in &mut self.latencies {
            list.sort_unstable();
            p50.push(percentile_ms(list, 50));
            p99.push(percentile_ms(list, 99));
        }
        self.all_latencies.sort_unstable();
        let seconds = end as f64;
        let arrived = self.arrived.max(1) as f64;
        ServiceMetrics {
            name,
            workers: self.workers,
            calls: self.calls,
            arrived: self.arrived,
            present_at_end: present,
            wasted: Duration::from_micros(self.wasted_us),
            pool_full: Duration::from_micros(self.full_us),
            first_full: self.first_full.map(Duration::from_micros),
            busy_mean: if seconds > 0.0 {
                self.busy_area / seconds
            } else {
                0.0
            },
            busy_peak: self.busy_peak,
            queued_peak: self.queued_peak,
            wait_mean_ms: self.wait_sum_us / self.waits.max(1) as f64 / 1000.0,
            sojourn_mean_ms: (self.sojourn_sum_us + present_us) / arrived / 1000.0,
            in_system_mean: if seconds > 0.0 {
                self.present_area / seconds
            } else {
                0.0
            },
            p50_ms: percentile_ms(&self.all_latencies, 50),
            p99_ms: percentile_ms(&self.all_latencies, 99),
            series: Series {
                busy,
                queued,
                completed: self.completed,
                failed: self.failed,
                rejected: self.rejected,
                p50_ms: p50,
                p99_ms: p99,
            },
        }
    }
}

/// The nearest-rank percentile of sorted microsecond values, in milliseconds.
fn percentile_ms(sorted: &[u32], pct: usize) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (pct * sorted.len()).div_ceil(100).max(1);
    Some(f64::from(sorted[rank - 1]) / 1000.0)
}

fn grow(v: &mut Vec<f64>, index: usize) {
    if v.len() <= index {
        v.resize(index + 1, 0.0);
    }
}

fn grow_with(v: &mut Vec<Vec<u32>>, index: usize) {
    if v.len() <= index {
        v.resize_with(index + 1, Vec::new);
    }
}

fn bump(v: &mut Vec<u64>, index: usize) {
    if v.len() <= index {
        v.resize(index + 1, 0);
    }
    v[index] += 1;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let values: Vec<u32> = (1..=100).map(|v| v * 1000).collect();
        assert_eq!(percentile_ms(&values, 50), Some(50.0));
        assert_eq!(percentile_ms(&values, 99), Some(99.0));
        assert_eq!(percentile_ms(&[7000], 99), Some(7.0));
        assert_eq!(percentile_ms(&[], 50), None);
    }

    #[test]
    fn areas_split_over_buckets() {
        let mut r = Recorder::new(2, 1000);
        r.started(500, 500);
        r.started(1500, 1000);
        let m = r.finish("s".into(), 2000, 2, 0.0);
        // Bucket 0: one worker for its second half; bucket 1: one, then two.
        assert_eq!(m.series.busy, vec![0.5, 1.5]);
        assert_eq!(m.busy_peak, 2);
        assert_eq!(m.pool_full, Duration::from_micros(500));
        assert_eq!(m.first_full, Some(Duration::from_micros(1500)));
        assert!((m.wait_mean_ms - 0.25).abs() < 1e-12);
    }
}
