//! The event loop and the services: arrivals, workers, queues, episodes and jobs. The call
//! layers live in `run/calls.rs`.
//!
//! The model, in full:
//! - A job is one request at one service. It arrives; during a `hang` episode it is taken
//!   and never answered; during `fail` it fails at once; a known deadline already past
//!   rejects it (`deadline`); otherwise a free worker takes it, or it waits in the queue, or
//!   it is rejected (`queue_full`).
//! - A worker does the job's work (work + latency, times the `slow` factors of episodes
//!   active when it starts), then makes its calls one after another, each by `share` of
//!   jobs; a call that does not complete ends the job with the call's outcome. A known
//!   deadline is checked when a job leaves the queue and before each call.
//! - A caller that stops waiting (timeout, deadline) abandons the job: it runs on, and the
//!   worker time it uses from then on is wasted; so is all work done below an abandoned job.
//!
//! Events are ordered by (time, sequence number): ties go to the event scheduled first.

mod calls;
mod slab;

use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, VecDeque};

use super::config::{ArrivalPattern, Dist, Effect, Queue, SystemConfig};
use super::metrics::{Counts, Recorder, SystemRun};
use super::{ConfigError, Outcome, Reason};
use crate::engine::rng::Rng;
use calls::{Call, Site};
use slab::{Ref, Slab};

/// Upper bound on one sampled duration (about 31 years), so sums never overflow.
const MAX_SAMPLE_US: f64 = 1e15;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Queued,
    Working,
    Calling,
    Hung,
}

#[derive(Debug)]
struct Job {
    service: usize,
    /// The call waiting for this job and its attempt token; `None` at the edge.
    caller: Option<(Ref, u32)>,
    /// The edge request this job serves (for the edge job only).
    request: Option<u32>,
    /// A deadline the service knows (set at the edge or propagated).
    deadline: Option<u64>,
    arrived: u64,
    started: u64,
    abandoned: Option<u64>,
    next_call: usize,
    call: Option<Ref>,
    phase: Phase,
}

#[derive(Debug, Clone, Copy)]
struct Request {
    open: bool,
    job: Ref,
    arrived: u64,
}

#[derive(Debug, Clone, Copy)]
enum Event {
    Arrival,
    WorkDone(Ref),
    EdgeDeadline(u32),
    /// A timeout or deadline layer's timer.
    Timer {
        call: Ref,
        layer: u8,
        era: u32,
    },
    /// A bulkhead wait ran out.
    WaitExpired {
        call: Ref,
        layer: u8,
        era: u32,
    },
    /// A retry's backoff is over.
    RetryAt {
        call: Ref,
        layer: u8,
        era: u32,
    },
    /// A limiter's delay is over: go on inwards.
    Resume {
        call: Ref,
        layer: u8,
        era: u32,
    },
    /// A bulkhead slot was released: admit waiters.
    Wake {
        service: u16,
        call: u16,
    },
}

struct Scheduled {
    at: u64,
    seq: u64,
    event: Event,
}

impl PartialEq for Scheduled {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}
impl Eq for Scheduled {}
impl PartialOrd for Scheduled {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Scheduled {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.at, self.seq).cmp(&(other.at, other.seq))
    }
}

struct ServiceState {
    queue: VecDeque<Ref>,
    rec: Recorder,
}

/// One run in progress.
pub(super) struct Sim<'a> {
    config: &'a SystemConfig,
    now: u64,
    seq: u64,
    heap: BinaryHeap<Reverse<Scheduled>>,
    jobs: Slab<Job>,
    calls: Slab<Call>,
    services: Vec<ServiceState>,
    sites: Vec<Vec<Site>>,
    requests: Vec<Request>,
    outcomes: Counts,
    arrivals_rng: Rng,
    work_rng: Rng,
    share_rng: Rng,
    backoff_rng: Rng,
    next_arrival: f64,
    arrivals_end: u64,
    horizon: u64,
}

fn micros(d: std::time::Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

impl<'a> Sim<'a> {
    pub(super) fn new(config: &'a SystemConfig) -> Result<Self, ConfigError> {
        let bucket = micros(config.bucket).max(1);
        let services = config
            .services
            .iter()
            .map(|s| ServiceState {
                queue: VecDeque::new(),
                rec: Recorder::new(s.workers, bucket),
            })
            .collect();
        let sites = config
            .services
            .iter()
            .map(|s| s.calls.iter().map(Site::new).collect::<Result<Vec<_>, _>>())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|(service, problem)| ConfigError::Service { service, problem })?;
        let stream = |k: u64| Rng::seeded(config.seed.wrapping_add(k.wrapping_mul(0x9E37_79B9)));
        let arrivals_end = micros(config.arrivals.duration);
        Ok(Self {
            config,
            now: 0,
            seq: 0,
            heap: BinaryHeap::new(),
            jobs: Slab::default(),
            calls: Slab::default(),
            services,
            sites,
            requests: Vec::new(),
            outcomes: Counts::default(),
            arrivals_rng: stream(0),
            work_rng: stream(1),
            share_rng: stream(2),
            backoff_rng: stream(3),
            next_arrival: 0.0,
            arrivals_end,
            horizon: arrivals_end.saturating_add(micros(config.drain)),
        })
    }

    fn schedule(&mut self, at: u64, event: Event) {
        self.seq += 1;
        self.heap.push(Reverse(Scheduled {
            at,
            seq: self.seq,
            event,
        }));
    }

    /// Runs to the end: every event handled, or the drain is over.
    pub(super) fn run(mut self) -> SystemRun {
        self.schedule(0, Event::Arrival);
        while let Some(Reverse(next)) = self.heap.pop() {
            if next.at > self.horizon {
                self.now = self.horizon;
                break;
            }
            self.now = next.at;
            self.handle(next.event);
        }
        self.now = self.now.max(self.arrivals_end);
        self.into_run()
    }

    fn handle(&mut self, event: Event) {
        match event {
            Event::Arrival => self.arrival(),
            Event::WorkDone(job) => {
                if let Some(j) = self.jobs.get_mut(job) {
                    j.phase = Phase::Calling;
                    self.advance(job);
                }
            }
            Event::EdgeDeadline(request) => self.edge_deadline(request),
            Event::Timer { call, layer, era } => self.timer(call, usize::from(layer), era),
            Event::WaitExpired { call, layer, era } => {
                self.wait_expired(call, usize::from(layer), era);
            }
            Event::RetryAt { call, layer, era } => self.retry_at(call, usize::from(layer), era),
            Event::Resume { call, layer, era } => self.resume(call, usize::from(layer), era),
            Event::Wake { service, call } => self.wake(usize::from(service), usize::from(call)),
        }
    }

    fn arrival(&mut self) {
        let arrivals = &self.config.arrivals;
        let gap = 1e6 / arrivals.rate;
        let gap = match arrivals.pattern {
            ArrivalPattern::Constant => gap,
            ArrivalPattern::Poisson => -gap * libm::log(1.0 - self.arrivals_rng.next_f64()),
        };
        let deadline = arrivals
            .deadline
            .map(|d| self.now.saturating_add(micros(d)));
        let request = u32::try_from(self.requests.len()).unwrap_or(u32::MAX);
        let job = self.jobs.insert(Job {
            service: 0,
            caller: None,
            request: Some(request),
            deadline,
            arrived: self.now,
            started: 0,
            abandoned: None,
            next_call: 0,
            call: None,
            phase: Phase::Queued,
        });
        self.requests.push(Request {
            open: true,
            job,
            arrived: self.now,
        });
        if let Some(at) = deadline {
            self.schedule(at, Event::EdgeDeadline(request));
        }
        self.next_arrival += gap;
        let next = libm::round(self.next_arrival).min(MAX_SAMPLE_US) as u64;
        if next < self.arrivals_end {
            self.schedule(next.max(self.now), Event::Arrival);
        }
        self.arrive(job);
    }

    /// The active episode effect at `service` now: hang beats fail beats slow.
    fn effect(&self, service: usize) -> Option<Effect> {
        let now = self.now;
        let mut found = None;
        for episode in &self.config.services[service].episodes {
            if micros(episode.from) <= now && now < micros(episode.to) {
                found = match (found, episode.effect) {
                    (_, Effect::Hang) | (Some(Effect::Hang), _) => Some(Effect::Hang),
                    (_, Effect::Fail) | (Some(Effect::Fail), _) => Some(Effect::Fail),
                    (Some(Effect::Slow(a)), Effect::Slow(b)) => Some(Effect::Slow(a * b)),
                    (None, slow) => Some(slow),
                };
            }
        }
        found
    }

    fn arrive(&mut self, job: Ref) {
        let Some(j) = self.jobs.get(job) else { return };
        let (service, deadline) = (j.service, j.deadline);
        let now = self.now;
        self.services[service].rec.arrived += 1;
        match self.effect(service) {
            Some(Effect::Hang) => {
                let rec = &mut self.services[service].rec;
                rec.advance(now);
                rec.hung += 1;
                if let Some(j) = self.jobs.get_mut(job) {
                    j.phase = Phase::Hung;
                }
                return;
            }
            Some(Effect::Fail) => return self.finish_unstarted(job, Outcome::Failed),
            _ => {}
        }
        if deadline.is_some_and(|d| now >= d) {
            return self.finish_unstarted(job, Outcome::Rejected(Reason::Deadline));
        }
        let config = &self.config.services[service];
        let state = &mut self.services[service];
        if state.rec.busy < config.workers {
            return self.start(job);
        }
        let room = match config.queue {
            Queue::None => false,
            Queue::Bounded(limit) => state.rec.queued < u64::from(limit),
            Queue::Unbounded => true,
        };
        if !room {
            return self.finish_unstarted(job, Outcome::Rejected(Reason::QueueFull));
        }
        state.rec.enqueued(now);
        state.queue.push_back(job);
    }

    fn start(&mut self, job: Ref) {
        let now = self.now;
        let Some(j) = self.jobs.get_mut(job) else {
            return;
        };
        j.phase = Phase::Working;
        j.started = now;
        let (service, arrived) = (j.service, j.arrived);
        self.services[service].rec.started(now, arrived);
        let config = &self.config.services[service];
        let mut work = sample(config.work, &mut self.work_rng);
        if let Some(latency) = config.latency {
            work += sample(latency, &mut self.work_rng);
        }
        if let Some(Effect::Slow(k)) = self.effect(service) {
            work *= k;
        }
        let work = libm::round(work).clamp(0.0, MAX_SAMPLE_US) as u64;
        self.schedule(now + work, Event::WorkDone(job));
    }

    /// Makes the job's next call, or finishes it when none is left.
    fn advance(&mut self, job: Ref) {
        loop {
            let Some(j) = self.jobs.get_mut(job) else {
                return;
            };
            let service = j.service;
            let index = j.next_call;
            let calls = &self.config.services[service].calls;
            if index >= calls.len() {
                return self.finish(job, Outcome::Completed);
            }
            j.next_call += 1;
            let deadline = j.deadline;
            let share = calls[index].share;
            if share < 1.0 && self.share_rng.next_f64() >= share {
                continue;
            }
            if deadline.is_some_and(|d| self.now >= d) {
                return self.finish(job, Outcome::Rejected(Reason::Deadline));
            }
            let call = self.calls.insert(Call::new(job, service, index, self.now));
            if let Some(j) = self.jobs.get_mut(job) {
                j.call = Some(call);
            }
            self.enter(call, 0);
            return;
        }
    }

    /// A job that held a worker is done.
    fn finish(&mut self, job: Ref, outcome: Outcome) {
        let now = self.now;
        let Some(j) = self.jobs.remove(job) else {
            return;
        };
        let rec = &mut self.services[j.service].rec;
        rec.advance(now);
        rec.busy -= 1;
        if let Some(at) = j.abandoned {
            rec.wasted_us += now - at.max(j.started);
        }
        rec.departed(now, j.arrived);
        self.respond(&j, outcome);
        self.start_next(j.service);
    }

    /// A job that never held a worker is done.
    fn finish_unstarted(&mut self, job: Ref, outcome: Outcome) {
        let Some(j) = self.jobs.remove(job) else {
            return;
        };
        self.services[j.service].rec.departed(self.now, j.arrived);
        self.respond(&j, outcome);
    }

    fn respond(&mut self, job: &Job, outcome: Outcome) {
        if let Some((call, token)) = job.caller {
            return self.answered(call, token, outcome);
        }
        if let Some(request) = job.request {
            self.close_request(request, outcome);
        }
    }

    fn close_request(&mut self, request: u32, outcome: Outcome) {
        let Some(r) = self.requests.get_mut(request as usize) else {
            return;
        };
        if !r.open {
            return;
        }
        r.open = false;
        let latency = self.now - r.arrived;
        self.outcomes.add(outcome);
        self.services[0].rec.outcome(self.now, outcome, latency);
    }

    fn edge_deadline(&mut self, request: u32) {
        let Some(r) = self.requests.get(request as usize).copied() else {
            return;
        };
        if r.open {
            self.close_request(request, Outcome::Rejected(Reason::Deadline));
            self.abandon(r.job, Direct::Yes);
        }
    }

    fn start_next(&mut self, service: usize) {
        let workers = self.config.services[service].workers;
        while self.services[service].rec.busy < workers {
            let Some(job) = self.services[service].queue.pop_front() else {
                return;
            };
            self.services[service].rec.dequeued(self.now);
            let expired = self
                .jobs
                .get(job)
                .and_then(|j| j.deadline)
                .is_some_and(|d| self.now >= d);
            if expired {
                self.finish_unstarted(job, Outcome::Rejected(Reason::Deadline));
            } else {
                self.start(job);
            }
        }
    }

    /// The job's caller stopped waiting (`Direct::Yes`), or someone above it did. Work it
    /// does from now on is wasted, and so is everything below it; a hung job its own caller
    /// gave up on leaves the service.
    fn abandon(&mut self, job: Ref, direct: Direct) {
        let now = self.now;
        let Some(j) = self.jobs.get_mut(job) else {
            return;
        };
        let newly = j.abandoned.is_none();
        if newly {
            j.abandoned = Some(now);
        }
        let (phase, call) = (j.phase, j.call);
        if phase == Phase::Hung && direct == Direct::Yes {
            if let Some(j) = self.jobs.remove(job) {
                let rec = &mut self.services[j.service].rec;
                rec.advance(now);
                rec.hung -= 1;
                rec.departed(now, j.arrived);
            }
            return;
        }
        let child = call
            .and_then(|call| self.calls.get(call))
            .and_then(|c| c.child);
        if let (true, Some(child)) = (newly, child) {
            self.abandon(child, Direct::No);
        }
    }

    fn into_run(mut self) -> SystemRun {
        let end = self.now;
        for request in &self.requests {
            if request.open {
                self.outcomes.unfinished += 1;
                self.services[0].rec.calls.unfinished += 1;
            }
        }
        for call in self.calls.values() {
            if call.in_attempt {
                self.services[call.callee].rec.calls.unfinished += 1;
            }
        }
        let mut present = vec![(0u64, 0f64); self.services.len()];
        for job in self.jobs.values() {
            present[job.service].0 += 1;
            present[job.service].1 += (end - job.arrived) as f64;
        }
        let services = self
            .services
            .into_iter()
            .zip(&self.config.services)
            .zip(present)
            .map(|((state, config), (count, us))| {
                state.rec.finish(config.name.clone(), end, count, us)
            })
            .collect();
        SystemRun {
            requests: self.outcomes,
            services,
            end: std::time::Duration::from_micros(end),
            bucket: self.config.bucket,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direct {
    Yes,
    No,
}

/// One draw from `dist`, in microseconds.
fn sample(dist: Dist, rng: &mut Rng) -> f64 {
    /// The standard normal's 99th percentile.
    const Z99: f64 = 2.326_347_874_040_840_8;
    let value = match dist {
        Dist::Fixed(d) => d.as_micros() as f64,
        Dist::Exponential { mean } => -(mean.as_micros() as f64) * libm::log(1.0 - rng.next_f64()),
        Dist::LogNormal { p50, p99 } => {
            let median = p50.as_micros() as f64;
            let sigma = libm::log(p99.as_micros() as f64 / median) / Z99;
            median * libm::exp(sigma * rng.normal(0.0, 1.0))
        }
    };
    value.clamp(0.0, MAX_SAMPLE_US)
}
