//! The system model (DESIGN §3.5): a seeded discrete-event simulation of a chain of services
//! under load. Requests arrive at the first service; a service holds a worker for its own
//! work plus every downstream call it makes; each call is wrapped, outermost first, by
//! deadline, retry, breaker, bulkhead, limiter and per-try timeout layers in the author's
//! order. The breaker, backoff and retry budget are the engine's own (`breaker.rs`,
//! `backoff.rs`, `budget.rs`).
//!
//! Invariants: every request ends in exactly one [`Outcome`] (or is still open when the run
//! ends: `unfinished`); the same config gives the same [`SystemRun`] on every platform
//! (one seeded RNG stream per purpose, libm floats, a total event order).

mod config;
mod metrics;
mod queueing;
mod run;
#[cfg(test)]
mod tests;

pub use config::{
    ArrivalPattern, Arrivals, BulkheadConfig, CallConfig, ConfigError, Dist, Effect, Episode,
    Queue, RetryConfig, ServiceConfig, SystemConfig, Wrapper, WrapperKind,
};
pub use metrics::{Counts, Reason, Series, ServiceMetrics, SystemRun};
pub use queueing::{erlang_c, mmc_mean_wait};

/// How one request, or one call to a service, ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    Completed,
    Failed,
    Rejected(Reason),
}

/// Runs the simulation `config` describes, or says what is wrong with it.
pub fn simulate(config: &SystemConfig) -> Result<SystemRun, ConfigError> {
    config.validate()?;
    Ok(run::Sim::new(config)?.run())
}
