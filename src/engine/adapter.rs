//! The engine on real time: wrap a service's async calls in a circuit breaker and a retry
//! loop that honours backoff, a retry budget and the breaker.
//!
//! The state machines are the same code the simulations run; only `now` differs — here it
//! is read from tokio's clock, so tests pause time (`tokio::time::pause`) and need no sleeps.
//! [`TokioClock`] is the one place in the engine that reads a clock.

use std::future::Future;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use super::backoff::{Backoff, BackoffConfig, BackoffError};
use super::breaker::{BreakerConfig, CircuitBreaker, ConfigError, Outcome, Rejected, State, Stats};
use super::budget::{BudgetError, RetryBudget, RetryBudgetConfig};
use super::clock::Clock;
use super::rng::Rng;

/// Time since the clock was made, read from tokio (so a paused test runtime controls it).
#[derive(Debug, Clone, Copy)]
pub struct TokioClock {
    start: tokio::time::Instant,
}

impl TokioClock {
    /// A clock whose zero is now. Must be called inside a tokio runtime when time is paused.
    #[allow(clippy::disallowed_methods)] // the adapter's clock is the one reader of tokio time
    pub fn new() -> Self {
        Self {
            start: tokio::time::Instant::now(),
        }
    }
}

impl Default for TokioClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for TokioClock {
    #[allow(clippy::disallowed_methods)] // see `TokioClock::new`
    fn now(&self) -> Duration {
        tokio::time::Instant::now().saturating_duration_since(self.start)
    }
}

/// Why a call through [`Breaker::call`] did not return the service's value.
#[derive(Debug, thiserror::Error)]
pub enum CallError<E> {
    /// The breaker refused the call; the service was not called.
    #[error("call not made: {0}")]
    Rejected(Rejected),
    /// The service was called and failed.
    #[error("call failed: {0}")]
    Failed(E),
}

/// A circuit breaker shared by the tasks of a service: `breaker.call(fut).await`.
///
/// The lock is held only to decide and to record, never across the call itself.
#[derive(Debug)]
pub struct Breaker<C: Clock = TokioClock> {
    inner: Mutex<CircuitBreaker>,
    clock: C,
}

impl Breaker<TokioClock> {
    /// A CLOSED breaker on tokio time.
    pub fn new(config: BreakerConfig) -> Result<Self, ConfigError> {
        Self::with_clock(config, TokioClock::new())
    }
}

impl<C: Clock> Breaker<C> {
    /// A CLOSED breaker reading time from `clock`.
    pub fn with_clock(config: BreakerConfig, clock: C) -> Result<Self, ConfigError> {
        Ok(Self {
            inner: Mutex::new(CircuitBreaker::new(config)?),
            clock,
        })
    }

    /// The state now (applying an automatic OPEN → HALF_OPEN transition that is due).
    pub fn state(&self) -> State {
        let now = self.clock.now();
        self.lock().observe(now)
    }

    /// Call statistics so far.
    pub fn stats(&self) -> Stats {
        self.lock().stats()
    }

    /// A copy of the state machine, for inspection (transition log, counters).
    pub fn snapshot(&self) -> CircuitBreaker {
        self.lock().clone()
    }

    /// Runs `call` if the breaker admits it; every `Err` counts as a failure.
    pub async fn call<T, E, F>(&self, call: F) -> Result<T, CallError<E>>
    where
        F: Future<Output = Result<T, E>>,
    {
        self.call_classified(call, |_| true).await
    }

    /// Runs `call` if the breaker admits it; `is_failure` decides which errors count against
    /// the dependency (a 404 or a validation error usually should not open a breaker).
    ///
    /// A call dropped before it completes — usually because a timeout around it fired —
    /// is recorded as a failure, so a half-open breaker never waits forever for a result.
    pub async fn call_classified<T, E, F>(
        &self,
        call: F,
        is_failure: impl Fn(&E) -> bool,
    ) -> Result<T, CallError<E>>
    where
        F: Future<Output = Result<T, E>>,
    {
        self.call_with(|| call, is_failure).await
    }

    /// Like [`Breaker::call_classified`], but the call is only made — `make` only invoked —
    /// once the breaker has admitted it.
    pub async fn call_with<T, E, F>(
        &self,
        make: impl FnOnce() -> F,
        is_failure: impl Fn(&E) -> bool,
    ) -> Result<T, CallError<E>>
    where
        F: Future<Output = Result<T, E>>,
    {
        let started = self.clock.now();
        let permit = self
            .lock()
            .try_acquire(started)
            .map_err(CallError::Rejected)?;
        let mut guard = Pending {
            breaker: self,
            permit: Some(permit),
            started,
        };
        let result = make().await;
        let failed = match &result {
            Ok(_) => false,
            Err(error) => is_failure(error),
        };
        guard.finish(failed);
        result.map_err(CallError::Failed)
    }

    fn record(&self, permit: super::breaker::Permit, failed: bool, started: Duration) {
        let now = self.clock.now();
        let duration = now.saturating_sub(started);
        let outcome = if failed {
            Outcome::failure(duration)
        } else {
            Outcome::success(duration)
        };
        self.lock().record(permit, outcome, now);
    }

    fn lock(&self) -> MutexGuard<'_, CircuitBreaker> {
        // A panic while holding the lock cannot leave the state machine half-updated in a
        // way later calls could not cope with: every method keeps its invariants on return.
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// An admitted call in flight; records a failure if dropped before [`Pending::finish`].
struct Pending<'a, C: Clock> {
    breaker: &'a Breaker<C>,
    permit: Option<super::breaker::Permit>,
    started: Duration,
}

impl<C: Clock> Pending<'_, C> {
    fn finish(&mut self, failed: bool) {
        if let Some(permit) = self.permit.take() {
            self.breaker.record(permit, failed, self.started);
        }
    }
}

impl<C: Clock> Drop for Pending<'_, C> {
    fn drop(&mut self) {
        self.finish(true);
    }
}

/// How [`Retrier`] retries: backoff, how many attempts in all, an optional shared budget.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    pub backoff: BackoffConfig,
    /// Attempts in all, the first call included (1 = never retry).
    pub max_attempts: u32,
    /// A budget shared by every operation run through the same [`Retrier`].
    pub budget: Option<RetryBudgetConfig>,
    /// Seeds the jitter; the same seed and the same sequence of calls give the same waits.
    pub seed: u64,
}

/// Why a [`RetryPolicy`] cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    #[error("max_attempts must be at least 1")]
    NoAttempts,
    #[error(transparent)]
    Backoff(#[from] BackoffError),
    #[error(transparent)]
    Budget(#[from] BudgetError),
}

/// Whether an error is worth retrying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// Transient: retry after the backoff.
    Yes,
    /// Permanent (bad request, not found, not idempotent): give up at once.
    No,
}

/// Why a retried operation gave up, with the last error and the attempts made.
#[derive(Debug, thiserror::Error)]
pub enum RetryError<E> {
    /// Every attempt failed.
    #[error("gave up after {attempts} attempts: {error}")]
    Exhausted { error: E, attempts: u32 },
    /// The error was not retryable.
    #[error("not retryable (attempt {attempts}): {error}")]
    NotRetryable { error: E, attempts: u32 },
    /// The retry budget refused the next retry.
    #[error("retry budget exhausted after {attempts} attempts: {error}")]
    BudgetExhausted { error: E, attempts: u32 },
    /// The breaker refused the last attempt; the service was not called.
    #[error("circuit breaker refused attempt {attempts}: {rejected}")]
    Rejected { rejected: Rejected, attempts: u32 },
}

/// A retry loop for one dependency. Share one `Retrier` between the tasks that call it so
/// they share its budget.
#[derive(Debug)]
pub struct Retrier {
    policy: RetryPolicy,
    budget: Option<Mutex<RetryBudget>>,
    seeds: Mutex<Rng>,
    clock: TokioClock,
}

impl Retrier {
    /// A retry loop, or the first problem with `policy`.
    pub fn new(policy: RetryPolicy) -> Result<Self, PolicyError> {
        if policy.max_attempts == 0 {
            return Err(PolicyError::NoAttempts);
        }
        policy.backoff.validate()?;
        let budget = match &policy.budget {
            Some(config) => Some(Mutex::new(config.build()?)),
            None => None,
        };
        Ok(Self {
            seeds: Mutex::new(Rng::seeded(policy.seed)),
            policy,
            budget,
            clock: TokioClock::new(),
        })
    }

    /// Runs `operation` (given the attempt number, 1 first) until it succeeds, retrying
    /// every error.
    pub async fn run<T, E, F, Fut>(
        &self,
        breaker: Option<&Breaker>,
        operation: F,
    ) -> Result<T, RetryError<E>>
    where
        F: FnMut(u32) -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        self.run_classified(breaker, operation, |_| Retry::Yes)
            .await
    }

    /// Runs `operation` until it succeeds, an error is not retryable, the attempts or the
    /// budget run out. With a breaker, each attempt goes through it: a rejected attempt
    /// costs an attempt and a backoff wait but never reaches the service or the budget.
    pub async fn run_classified<T, E, F, Fut>(
        &self,
        breaker: Option<&Breaker>,
        mut operation: F,
        retry: impl Fn(&E) -> Retry,
    ) -> Result<T, RetryError<E>>
    where
        F: FnMut(u32) -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        let mut backoff = Backoff::new(self.policy.backoff.clone(), self.next_rng());
        self.with_budget(|budget, now| budget.on_request(now));
        let mut attempt = 1;
        loop {
            let result = match breaker {
                Some(breaker) => {
                    let retryable = |error: &E| retry(error) == Retry::Yes;
                    breaker.call_with(|| operation(attempt), retryable).await
                }
                None => operation(attempt).await.map_err(CallError::Failed),
            };
            let failure = match result {
                Ok(value) => {
                    self.with_budget(|budget, _| budget.on_success());
                    return Ok(value);
                }
                Err(CallError::Rejected(rejected)) => {
                    if attempt >= self.policy.max_attempts {
                        return Err(RetryError::Rejected {
                            rejected,
                            attempts: attempt,
                        });
                    }
                    None
                }
                Err(CallError::Failed(error)) => {
                    self.with_budget(|budget, _| budget.on_failure());
                    if retry(&error) == Retry::No {
                        return Err(RetryError::NotRetryable {
                            error,
                            attempts: attempt,
                        });
                    }
                    if attempt >= self.policy.max_attempts {
                        return Err(RetryError::Exhausted {
                            error,
                            attempts: attempt,
                        });
                    }
                    Some(error)
                }
            };
            if let Some(error) = failure
                && !self
                    .with_budget(|budget, now| budget.try_retry(now))
                    .unwrap_or(true)
            {
                return Err(RetryError::BudgetExhausted {
                    error,
                    attempts: attempt,
                });
            }
            tokio::time::sleep(backoff.next_delay().delay).await;
            attempt += 1;
        }
    }

    /// Applies `f` to the budget, if there is one.
    fn with_budget<R>(&self, f: impl FnOnce(&mut RetryBudget, Duration) -> R) -> Option<R> {
        let budget = self.budget.as_ref()?;
        let mut budget = budget
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Some(f(&mut budget, self.clock.now()))
    }

    /// A fresh jitter stream per operation, drawn from the policy's seed in call order.
    fn next_rng(&self) -> Rng {
        let mut seeds = self
            .seeds
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Rng::seeded(seeds.next_u64())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;
    use crate::engine::backoff::{Jitter, schedule};
    use crate::engine::preset::Preset;
    use crate::engine::window::WindowConfig;

    fn seed_breaker(threshold: u32, timeout: Duration) -> Breaker {
        let mut config = Preset::Seed.config();
        config.failure_threshold = Some(threshold);
        config.recovery_timeout = timeout;
        Breaker::new(config).expect("valid config")
    }

    async fn fail() -> Result<(), &'static str> {
        Err("boom")
    }

    async fn succeed() -> Result<u32, &'static str> {
        Ok(7)
    }

    #[tokio::test(start_paused = true)]
    async fn breaker_opens_and_rejected_calls_never_run() {
        let breaker = seed_breaker(3, Duration::from_secs(10));
        for _ in 0..3 {
            assert!(matches!(
                breaker.call(fail()).await,
                Err(CallError::Failed("boom"))
            ));
        }
        assert_eq!(breaker.state(), State::Open);
        let ran = AtomicU32::new(0);
        let result = breaker
            .call(async {
                ran.fetch_add(1, Ordering::SeqCst);
                Ok::<_, &str>(())
            })
            .await;
        assert!(matches!(result, Err(CallError::Rejected(Rejected::Open))));
        assert_eq!(ran.load(Ordering::SeqCst), 0);
        assert_eq!(breaker.stats().rejected, 1);
    }

    #[tokio::test(start_paused = true)]
    async fn trial_call_runs_only_after_the_recovery_timeout() {
        let breaker = seed_breaker(1, Duration::from_secs(10));
        let _ = breaker.call(fail()).await;
        tokio::time::advance(Duration::from_secs(10)).await;
        // The seed's breaker needs strictly more than the timeout.
        assert!(matches!(
            breaker.call(succeed()).await,
            Err(CallError::Rejected(_))
        ));
        tokio::time::advance(Duration::from_millis(1)).await;
        assert_eq!(breaker.call(succeed()).await.ok(), Some(7));
        assert_eq!(breaker.state(), State::HalfOpen);
        assert_eq!(breaker.call(succeed()).await.ok(), Some(7));
        assert_eq!(
            breaker.state(),
            State::Closed,
            "success_threshold 2 closes it"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn call_duration_is_measured_on_tokio_time() {
        let mut config = Preset::Resilience4j.config();
        if let Some(rate) = config.rate.as_mut() {
            rate.min_calls = 2;
            rate.window = WindowConfig::Count { calls: 2 };
            if let Some(slow) = rate.slow.as_mut() {
                slow.slow_call = Duration::from_secs(1);
            }
        }
        let breaker = Breaker::new(config).expect("valid config");
        for _ in 0..2 {
            let slow = async {
                tokio::time::sleep(Duration::from_secs(2)).await;
                Ok::<_, ()>(())
            };
            assert!(breaker.call(slow).await.is_ok());
        }
        assert_eq!(breaker.stats().slow, 2);
        assert_eq!(breaker.state(), State::Open, "100% slow calls trip it");
    }

    #[tokio::test(start_paused = true)]
    async fn an_abandoned_call_counts_as_a_failure() {
        let breaker = seed_breaker(1, Duration::from_secs(10));
        let hung = breaker.call(std::future::pending::<Result<(), ()>>());
        let timed_out = tokio::time::timeout(Duration::from_secs(1), hung).await;
        assert!(timed_out.is_err());
        assert_eq!(breaker.stats().failed, 1);
        assert_eq!(breaker.state(), State::Open);
    }

    #[tokio::test(start_paused = true)]
    async fn errors_the_classifier_excuses_do_not_count() {
        let breaker = seed_breaker(1, Duration::from_secs(10));
        let not_found = async { Err::<(), _>(404) };
        let result = breaker
            .call_classified(not_found, |status| *status >= 500)
            .await;
        assert!(matches!(result, Err(CallError::Failed(404))));
        assert_eq!(breaker.state(), State::Closed);
    }

    fn policy(max_attempts: u32, jitter: Jitter) -> RetryPolicy {
        RetryPolicy {
            backoff: BackoffConfig {
                base: Duration::from_millis(100),
                cap: Duration::from_secs(2),
                jitter,
                ..BackoffConfig::default()
            },
            max_attempts,
            budget: None,
            seed: 42,
        }
    }

    #[tokio::test(start_paused = true)]
    async fn retries_wait_exactly_the_backoff_schedule() {
        let retrier = Retrier::new(policy(4, Jitter::None)).expect("valid policy");
        let clock = TokioClock::new();
        let attempts = AtomicU32::new(0);
        let result = retrier
            .run(None, |attempt| {
                attempts.fetch_add(1, Ordering::SeqCst);
                async move {
                    if attempt < 4 {
                        Err("transient")
                    } else {
                        Ok(attempt)
                    }
                }
            })
            .await;
        assert_eq!(result.ok(), Some(4));
        assert_eq!(attempts.load(Ordering::SeqCst), 4);
        // 100 ms + 200 ms + 400 ms of backoff, nothing else.
        assert_eq!(clock.now(), Duration::from_millis(700));
    }

    #[tokio::test(start_paused = true)]
    async fn jittered_waits_replay_the_seeded_schedule() {
        let policy = policy(3, Jitter::Full);
        let retrier = Retrier::new(policy.clone()).expect("valid policy");
        let clock = TokioClock::new();
        let result = retrier.run(None, |_| fail()).await;
        assert!(matches!(
            result,
            Err(RetryError::Exhausted { attempts: 3, .. })
        ));
        let operation_seed = Rng::seeded(policy.seed).next_u64();
        // tokio's timer wheel has millisecond granularity: each sleep ends on the next whole ms.
        let expected: Duration = schedule(&policy.backoff, 2, operation_seed)
            .iter()
            .map(|delay| Duration::from_millis(delay.delay.as_micros().div_ceil(1000) as u64))
            .sum();
        assert_eq!(clock.now(), expected);
    }

    #[tokio::test(start_paused = true)]
    async fn permanent_errors_are_not_retried() {
        let retrier = Retrier::new(policy(5, Jitter::None)).expect("valid policy");
        let calls = AtomicU32::new(0);
        let result = retrier
            .run_classified(
                None,
                |_| {
                    calls.fetch_add(1, Ordering::SeqCst);
                    async { Err::<(), _>(400) }
                },
                |status| {
                    if *status >= 500 {
                        Retry::Yes
                    } else {
                        Retry::No
                    }
                },
            )
            .await;
        assert!(matches!(
            result,
            Err(RetryError::NotRetryable {
                error: 400,
                attempts: 1
            })
        ));
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn a_token_budget_stops_retries_when_half_spent() {
        let mut policy = policy(10, Jitter::None);
        policy.budget = Some(RetryBudgetConfig::Tokens {
            max_tokens: 4,
            token_ratio: 0.1,
        });
        let retrier = Retrier::new(policy).expect("valid policy");
        let calls = AtomicU32::new(0);
        let result = retrier
            .run(None, |_| {
                calls.fetch_add(1, Ordering::SeqCst);
                fail()
            })
            .await;
        // 4 tokens: the 1st failure leaves 3 (> 2, retry), the 2nd leaves 2 (not > 2, stop).
        assert!(matches!(
            result,
            Err(RetryError::BudgetExhausted { attempts: 2, .. })
        ));
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn retries_through_an_open_breaker_never_reach_the_service() {
        let breaker = seed_breaker(2, Duration::from_secs(60));
        let retrier = Retrier::new(policy(5, Jitter::None)).expect("valid policy");
        let calls = AtomicU32::new(0);
        let result = retrier
            .run(Some(&breaker), |_| {
                calls.fetch_add(1, Ordering::SeqCst);
                fail()
            })
            .await;
        assert!(matches!(
            result,
            Err(RetryError::Rejected { attempts: 5, .. })
        ));
        assert_eq!(
            calls.load(Ordering::SeqCst),
            2,
            "the breaker opened after 2 failures"
        );
        assert_eq!(breaker.stats().rejected, 3);
    }

    #[test]
    fn a_policy_without_attempts_is_refused() {
        assert!(matches!(
            Retrier::new(policy(0, Jitter::None)),
            Err(PolicyError::NoAttempts)
        ));
    }
}
