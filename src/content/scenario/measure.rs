//! What a scenario run measured, typed by family: the value of a [`Metric`] is read from a
//! breaker script's run or an outage storm's run, never from a string-keyed map.
//!
//! A new family adds a variant to [`Measured`] and the metrics it answers to the match in
//! [`Measured::value`]; the compiler lists every metric it must place.

use std::time::Duration;

use crate::engine::breaker::State;
use crate::engine::script;
use crate::engine::storm::outage::OutageRun;
use crate::engine::system::{Reason, ServiceMetrics};

use super::super::model::Metric;

/// One run's measurements.
#[derive(Debug, Clone, PartialEq)]
pub enum Measured {
    /// A breaker script.
    Breaker(BreakerMeasures),
    /// An outage storm.
    Outage(OutageRun),
    /// One service of a service-chain run, and the rejection reason asked about (`None`:
    /// every reason).
    System(Box<ServiceMetrics>, Option<Reason>),
}

/// What a breaker script measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BreakerMeasures {
    pub failed: u64,
    pub rejected: u64,
    pub succeeded: u64,
    /// Virtual time of the first transition to open; `None` if it never opened.
    pub opened_after: Option<Duration>,
}

impl BreakerMeasures {
    /// The measurements of a script run.
    pub fn of(run: &script::Run) -> Self {
        Self {
            failed: run.stats.failed,
            rejected: run.stats.rejected,
            succeeded: run.stats.succeeded,
            opened_after: run
                .steps
                .iter()
                .flat_map(|s| &s.transitions)
                .find(|t| t.to == State::Open)
                .map(|t| t.at),
        }
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

impl Measured {
    /// The value of `metric` (durations in milliseconds); `None` when it never happened
    /// (the breaker never opened, the backlog never drained) or the metric belongs to
    /// another family.
    pub fn value(&self, metric: Metric) -> Option<f64> {
        let breaker = match self {
            Measured::Breaker(b) => Some(b),
            Measured::Outage(_) | Measured::System(..) => None,
        };
        let outage = match self {
            Measured::Outage(run) => Some(run),
            Measured::Breaker(_) | Measured::System(..) => None,
        };
        let (service, reason) = match self {
            Measured::System(service, reason) => (Some(service), *reason),
            Measured::Breaker(_) | Measured::Outage(_) => (None, None),
        };
        match metric {
            Metric::Failed => breaker.map(|b| b.failed as f64),
            Metric::Rejected => breaker.map(|b| b.rejected as f64),
            Metric::Succeeded => breaker.map(|b| b.succeeded as f64),
            Metric::OpenedAfter => breaker.and_then(|b| b.opened_after).map(ms),
            Metric::Calls => outage.map(|r| r.calls as f64),
            Metric::CallsDuringOutage => outage.map(|r| r.calls_during_outage as f64),
            Metric::PeakLoad => outage.map(|r| r.peak_calls_per_s as f64),
            Metric::GivenUp => outage.map(|r| r.given_up as f64),
            Metric::Amplification => outage.map(OutageRun::amplification),
            Metric::SuccessRate => outage.map(OutageRun::success_ratio),
            Metric::DrainTime => outage.and_then(|r| r.time_to_drain).map(ms),
            Metric::PoolFirstFull => service.and_then(|s| s.first_full).map(ms),
            Metric::P50 => service.and_then(|s| s.p50_ms),
            Metric::P99 => service.and_then(|s| s.p99_ms),
            Metric::WastedWork => service.map(|s| ms(s.wasted)),
            Metric::CallsCompleted => service.map(|s| s.calls.completed as f64),
            Metric::CallsRejected => service.map(|s| match reason {
                Some(reason) => s.calls.rejected(reason) as f64,
                None => s.calls.rejected_total() as f64,
            }),
        }
    }
}
