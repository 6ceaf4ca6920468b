//! Calls through their layers. A call enters its wrappers outermost first; the innermost
//! sends the job to the callee. An attempt ends at one place (the callee answers, a layer
//! rejects, a timer fires) where its outcome is recorded for the callee, and the outcome then
//! climbs back out through the layers it had entered: a breaker records it, a bulkhead frees
//! its slot, a retry may send the attempt again after its backoff.
//!
//! Each layer has a generation bumped whenever it is entered or left; timers, waiters and
//! backoffs carry it, so a late one finds a different generation and does nothing.

use std::collections::VecDeque;
use std::time::Duration;

use super::super::config::{CallConfig, Wrapper};
use super::super::{Outcome, Reason};
use super::slab::Ref;
use super::{Direct, Event, Job, Phase, Sim, micros};
use crate::engine::breaker::{self, CircuitBreaker, Permit};
use crate::engine::budget::RetryBudget;
use crate::engine::limiter::{Decision, Limiter};

/// At most one layer of each kind.
const LAYERS: usize = 6;

/// The state shared by every call made at one call site (a service's n-th call).
#[derive(Debug)]
pub(super) struct Site {
    breaker: Option<CircuitBreaker>,
    budget: Option<RetryBudget>,
    limiter: Option<Limiter>,
    in_use: u32,
    waiters: VecDeque<(Ref, u8, u32)>,
}

impl Site {
    pub(super) fn new(config: &CallConfig) -> Result<Self, (String, String)> {
        let mut site = Site {
            breaker: None,
            budget: None,
            limiter: None,
            in_use: 0,
            waiters: VecDeque::new(),
        };
        for wrapper in &config.wrappers {
            match wrapper {
                Wrapper::Breaker(b) => {
                    site.breaker = Some(
                        CircuitBreaker::new(b.clone())
                            .map_err(|e| ("breaker".to_owned(), e.to_string()))?,
                    );
                }
                Wrapper::Retry(r) => {
                    if let Some(budget) = &r.budget {
                        site.budget = Some(
                            budget
                                .build()
                                .map_err(|e| ("retry budget".to_owned(), e.to_string()))?,
                        );
                    }
                }
                Wrapper::Limiter(l) => {
                    site.limiter =
                        Some(Limiter::new(*l).map_err(|e| ("limiter".to_owned(), e.to_string()))?);
                }
                Wrapper::Deadline { .. } | Wrapper::Bulkhead(_) | Wrapper::Timeout(_) => {}
            }
        }
        Ok(site)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Free,
    Waiting,
    Held,
}

/// One call in progress.
#[derive(Debug)]
pub(super) struct Call {
    job: Ref,
    service: usize,
    index: usize,
    pub(super) callee: usize,
    /// Layers entered (the innermost entered is `depth - 1`).
    depth: usize,
    eras: [u32; LAYERS],
    attempts: u32,
    previous_delay: Duration,
    backing_off: bool,
    permit: Option<Permit>,
    breaker_since: u64,
    slot: Slot,
    pub(super) child: Option<Ref>,
    token: u32,
    attempt_started: u64,
    /// An attempt is under way and its outcome not yet recorded.
    pub(super) in_attempt: bool,
    deadline: Option<u64>,
    propagate: bool,
}

impl Call {
    pub(super) fn new(job: Ref, service: usize, index: usize, now: u64) -> Self {
        Self {
            job,
            service,
            index,
            callee: 0,
            depth: 0,
            eras: [0; LAYERS],
            attempts: 0,
            previous_delay: Duration::ZERO,
            backing_off: false,
            permit: None,
            breaker_since: now,
            slot: Slot::Free,
            child: None,
            token: 0,
            attempt_started: now,
            in_attempt: false,
            deadline: None,
            propagate: false,
        }
    }
}

fn layer_u8(layer: usize) -> u8 {
    u8::try_from(layer).unwrap_or(u8::MAX)
}

impl<'a> Sim<'a> {
    fn call_config(&self, call: &Call) -> &'a CallConfig {
        &self.config.services[call.service].calls[call.index]
    }

    /// Where an attempt begins: just inside the retry layer, or at the outermost layer.
    fn attempt_layer(config: &CallConfig) -> usize {
        config
            .wrappers
            .iter()
            .position(|w| matches!(w, Wrapper::Retry(_)))
            .map_or(0, |i| i + 1)
    }

    /// Enters the call's layers from `from` inwards, until one waits or rejects, or the
    /// job is sent to the callee.
    pub(super) fn enter(&mut self, call: Ref, from: usize) {
        let now = self.now;
        let mut layer = from;
        loop {
            let Some(c) = self.calls.get(call) else {
                return;
            };
            let config = self.call_config(c);
            let wrappers = config.wrappers.len();
            let attempt_layer = Self::attempt_layer(config);
            let wrapper = config.wrappers.get(layer);
            let caller_deadline = self.jobs.get(c.job).and_then(|j| j.deadline);
            let (service, index) = (c.service, c.index);
            let Some(c) = self.calls.get_mut(call) else {
                return;
            };
            c.callee = self.config.services[service].calls[index].to;
            if layer == attempt_layer {
                c.in_attempt = true;
                c.attempt_started = now;
            }
            let Some(wrapper) = wrapper else {
                debug_assert_eq!(layer, wrappers);
                return self.dispatch(call);
            };
            c.eras[layer] = c.eras[layer].wrapping_add(1);
            let era = c.eras[layer];
            match wrapper {
                Wrapper::Deadline { budget } => {
                    let own = budget.map(|b| now.saturating_add(micros(b)));
                    let deadline = match (caller_deadline, own) {
                        (Some(a), Some(b)) => Some(a.min(b)),
                        (a, b) => a.or(b),
                    };
                    c.propagate = true;
                    if let Some(at) = deadline {
                        if now >= at {
                            return self.origin(call, layer, Outcome::Rejected(Reason::Deadline));
                        }
                        c.deadline = Some(at);
                        self.schedule(
                            at,
                            Event::Timer {
                                call,
                                layer: layer_u8(layer),
                                era,
                            },
                        );
                    }
                }
                Wrapper::Retry(_) => {
                    if c.attempts == 0 {
                        if let Some(budget) = &mut self.sites[service][index].budget {
                            budget.on_request(Duration::from_micros(now));
                        }
                    }
                    c.attempts += 1;
                    c.backing_off = false;
                }
                Wrapper::Breaker(_) => {
                    let Some(breaker) = &mut self.sites[service][index].breaker else {
                        return;
                    };
                    match breaker.try_acquire(Duration::from_micros(now)) {
                        Ok(permit) => {
                            c.permit = Some(permit);
                            c.breaker_since = now;
                        }
                        Err(_) => {
                            return self.origin(
                                call,
                                layer,
                                Outcome::Rejected(Reason::BreakerOpen),
                            );
                        }
                    }
                }
                Wrapper::Bulkhead(bulkhead) => {
                    let site = &mut self.sites[service][index];
                    if site.in_use < bulkhead.max_concurrent {
                        site.in_use += 1;
                        c.slot = Slot::Held;
                    } else if bulkhead.max_wait > Duration::ZERO {
                        c.slot = Slot::Waiting;
                        c.depth = layer;
                        site.waiters.push_back((call, layer_u8(layer), era));
                        let at = now.saturating_add(micros(bulkhead.max_wait));
                        self.schedule(
                            at,
                            Event::WaitExpired {
                                call,
                                layer: layer_u8(layer),
                                era,
                            },
                        );
                        return;
                    } else {
                        return self.origin(call, layer, Outcome::Rejected(Reason::Bulkhead));
                    }
                }
                Wrapper::Limiter(_) => {
                    let Some(limiter) = &mut self.sites[service][index].limiter else {
                        return;
                    };
                    match limiter.decide(now / 1000) {
                        Decision::Rejected => {
                            return self.origin(call, layer, Outcome::Rejected(Reason::Limiter));
                        }
                        Decision::Admitted { delay_ms } if delay_ms > 0 => {
                            c.depth = layer + 1;
                            let at = now.saturating_add(delay_ms.saturating_mul(1000));
                            let layer = layer_u8(layer);
                            self.schedule(at, Event::Resume { call, layer, era });
                            return;
                        }
                        Decision::Admitted { .. } => {}
                    }
                }
                Wrapper::Timeout(timeout) => {
                    let at = now.saturating_add(micros(*timeout));
                    self.schedule(
                        at,
                        Event::Timer {
                            call,
                            layer: layer_u8(layer),
                            era,
                        },
                    );
                }
            }
            if let Some(c) = self.calls.get_mut(call) {
                c.depth = layer + 1;
            }
            layer += 1;
        }
    }

    /// Sends the attempt to the callee as a new job.
    fn dispatch(&mut self, call: Ref) {
        let now = self.now;
        let Some(c) = self.calls.get_mut(call) else {
            return;
        };
        c.token = c.token.wrapping_add(1);
        let (token, callee, job) = (c.token, c.callee, c.job);
        let deadline = if c.propagate { c.deadline } else { None };
        let abandoned = self.jobs.get(job).and_then(|j| j.abandoned).map(|_| now);
        let child = self.jobs.insert(Job {
            service: callee,
            caller: Some((call, token)),
            request: None,
            deadline,
            arrived: now,
            started: 0,
            abandoned,
            next_call: 0,
            call: None,
            phase: Phase::Queued,
        });
        if let Some(c) = self.calls.get_mut(call) {
            c.child = Some(child);
        }
        self.arrive(child);
    }

    /// The callee answered attempt `token`.
    pub(super) fn answered(&mut self, call: Ref, token: u32, outcome: Outcome) {
        let Some(c) = self.calls.get_mut(call) else {
            return;
        };
        if c.token != token || c.child.is_none() {
            return;
        }
        c.child = None;
        let depth = c.depth;
        self.origin(call, depth, outcome);
    }

    /// An attempt ended here: record it for the callee, then let the layers above `depth`
    /// handle the outcome.
    fn origin(&mut self, call: Ref, depth: usize, outcome: Outcome) {
        let now = self.now;
        let Some(c) = self.calls.get_mut(call) else {
            return;
        };
        c.in_attempt = false;
        let latency = now - c.attempt_started.min(now);
        let callee = c.callee;
        self.services[callee].rec.outcome(now, outcome, latency);
        self.resolve(call, depth, outcome);
    }

    /// The outcome climbs out through layers `depth - 1` down to 0.
    fn resolve(&mut self, call: Ref, depth: usize, outcome: Outcome) {
        let now = self.now;
        for layer in (0..depth).rev() {
            let Some(c) = self.calls.get_mut(call) else {
                return;
            };
            let (service, index) = (c.service, c.index);
            c.eras[layer] = c.eras[layer].wrapping_add(1);
            c.depth = layer;
            let wrapper = &self.config.services[service].calls[index].wrappers[layer];
            match wrapper {
                Wrapper::Deadline { .. } | Wrapper::Limiter(_) | Wrapper::Timeout(_) => {}
                Wrapper::Retry(retry) => {
                    let site = &mut self.sites[service][index];
                    let mut allowed = outcome != Outcome::Completed
                        && outcome != Outcome::Rejected(Reason::Deadline)
                        && c.attempts < retry.max_attempts;
                    if let Some(budget) = &mut site.budget {
                        if outcome == Outcome::Completed {
                            budget.on_success();
                        } else {
                            budget.on_failure();
                        }
                        allowed = allowed && budget.try_retry(Duration::from_micros(now));
                    }
                    if allowed {
                        let delay = retry.backoff.draw(
                            c.attempts,
                            c.previous_delay.max(retry.backoff.base),
                            &mut self.backoff_rng,
                        );
                        c.previous_delay = delay.delay;
                        c.backing_off = true;
                        c.depth = layer + 1;
                        let era = c.eras[layer];
                        let at = now.saturating_add(micros(delay.delay));
                        self.schedule(
                            at,
                            Event::RetryAt {
                                call,
                                layer: layer_u8(layer),
                                era,
                            },
                        );
                        return;
                    }
                }
                Wrapper::Breaker(_) => {
                    if let (Some(permit), Some(breaker)) =
                        (c.permit.take(), &mut self.sites[service][index].breaker)
                    {
                        let took = Duration::from_micros(now - c.breaker_since.min(now));
                        let result = if outcome == Outcome::Completed {
                            breaker::Outcome::success(took)
                        } else {
                            breaker::Outcome::failure(took)
                        };
                        breaker.record(permit, result, Duration::from_micros(now));
                    }
                }
                Wrapper::Bulkhead(_) => {
                    if c.slot == Slot::Held {
                        c.slot = Slot::Free;
                        self.release(service, index);
                    }
                }
            }
        }
        self.call_done(call, outcome);
    }

    fn release(&mut self, service: usize, index: usize) {
        let site = &mut self.sites[service][index];
        site.in_use = site.in_use.saturating_sub(1);
        let service = u16::try_from(service).unwrap_or(u16::MAX);
        let index = u16::try_from(index).unwrap_or(u16::MAX);
        self.schedule(
            self.now,
            Event::Wake {
                service,
                call: index,
            },
        );
    }

    /// A released bulkhead slot goes to the first live waiter.
    pub(super) fn wake(&mut self, service: usize, index: usize) {
        let Some(Wrapper::Bulkhead(bulkhead)) = self.config.services[service].calls[index]
            .wrappers
            .iter()
            .find(|w| matches!(w, Wrapper::Bulkhead(_)))
        else {
            return;
        };
        let max = bulkhead.max_concurrent;
        while self.sites[service][index].in_use < max {
            let Some((call, layer, era)) = self.sites[service][index].waiters.pop_front() else {
                return;
            };
            let layer = usize::from(layer);
            let Some(c) = self.calls.get_mut(call) else {
                continue;
            };
            if c.slot != Slot::Waiting || c.eras[layer] != era {
                continue;
            }
            c.slot = Slot::Held;
            c.depth = layer + 1;
            self.sites[service][index].in_use += 1;
            self.enter(call, layer + 1);
        }
    }

    /// The call is over: its job goes on with the next call, or ends with this outcome.
    fn call_done(&mut self, call: Ref, outcome: Outcome) {
        let Some(c) = self.calls.remove(call) else {
            return;
        };
        if let Some(j) = self.jobs.get_mut(c.job) {
            j.call = None;
        }
        if outcome == Outcome::Completed {
            self.advance(c.job);
        } else {
            self.finish(c.job, outcome);
        }
    }

    /// A timeout or deadline layer's timer.
    pub(super) fn timer(&mut self, call: Ref, layer: usize, era: u32) {
        let Some(c) = self.calls.get(call) else {
            return;
        };
        if c.eras[layer] != era || c.depth <= layer {
            return;
        }
        let reason = match self.call_config(c).wrappers[layer] {
            Wrapper::Deadline { .. } => Reason::Deadline,
            _ => Reason::Timeout,
        };
        self.unwind(call, layer + 1);
        self.origin(call, layer + 1, Outcome::Rejected(reason));
    }

    /// Leaves every layer from `from` inwards without an answer: the attempt was given up.
    fn unwind(&mut self, call: Ref, from: usize) {
        let now = self.now;
        let Some(c) = self.calls.get_mut(call) else {
            return;
        };
        let (service, index) = (c.service, c.index);
        let depth = c.depth;
        let mut release = false;
        for layer in from..LAYERS {
            c.eras[layer] = c.eras[layer].wrapping_add(1);
        }
        let wrappers = &self.config.services[service].calls[index].wrappers;
        for layer in (from..depth.min(wrappers.len())).rev() {
            match wrappers[layer] {
                Wrapper::Breaker(_) => {
                    if let (Some(permit), Some(breaker)) =
                        (c.permit.take(), &mut self.sites[service][index].breaker)
                    {
                        let took = Duration::from_micros(now - c.breaker_since.min(now));
                        let result = breaker::Outcome::failure(took);
                        breaker.record(permit, result, Duration::from_micros(now));
                    }
                }
                Wrapper::Bulkhead(_) => release = c.slot == Slot::Held,
                Wrapper::Deadline { .. }
                | Wrapper::Retry(_)
                | Wrapper::Limiter(_)
                | Wrapper::Timeout(_) => {}
            }
        }
        if c.slot == Slot::Waiting || release {
            c.slot = Slot::Free;
        }
        c.backing_off = false;
        c.depth = from;
        c.token = c.token.wrapping_add(1);
        let child = c.child.take();
        if release {
            self.release(service, index);
        }
        if let Some(child) = child {
            self.abandon(child, Direct::Yes);
        }
    }

    pub(super) fn wait_expired(&mut self, call: Ref, layer: usize, era: u32) {
        let Some(c) = self.calls.get_mut(call) else {
            return;
        };
        if c.slot != Slot::Waiting || c.eras[layer] != era {
            return;
        }
        c.slot = Slot::Free;
        c.eras[layer] = c.eras[layer].wrapping_add(1);
        self.origin(call, layer, Outcome::Rejected(Reason::Bulkhead));
    }

    pub(super) fn retry_at(&mut self, call: Ref, layer: usize, era: u32) {
        let Some(c) = self.calls.get(call) else {
            return;
        };
        if !c.backing_off || c.eras[layer] != era || c.depth != layer + 1 {
            return;
        }
        self.enter(call, layer);
    }

    /// A limiter's delay is over.
    pub(super) fn resume(&mut self, call: Ref, layer: usize, era: u32) {
        let Some(c) = self.calls.get(call) else {
            return;
        };
        if c.eras[layer] != era || c.depth != layer + 1 || c.child.is_some() {
            return;
        }
        self.enter(call, layer + 1);
    }
}
