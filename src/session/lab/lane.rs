//! One lane of the lab: a breaker and its virtual clock (the engine's script runner), the
//! timeline of its calls and the transitions of the last step. Every call of a token gets its
//! own timeline entry, so lanes fed the same steps have entries that line up.

use std::collections::VecDeque;
use std::time::Duration;

use crate::engine::breaker::{BreakerConfig, CallResult, CircuitBreaker, State, Transition};
use crate::engine::clock::Clock;
use crate::engine::script::{Action, Runner, Token};

use super::{LabError, TIMELINE_CAPACITY};

/// What one timeline entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    Success,
    Failure,
    SlowSuccess,
    SlowFailure,
    /// A call the breaker refused; it did not run.
    Rejected,
    /// The clock moved by this much.
    Advance(Duration),
}

/// One call (or clock move) on a lane's timeline, with the clock and state after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimelineEntry {
    pub at: Duration,
    pub kind: EntryKind,
    pub state: State,
    /// The state changed during this entry.
    pub transitioned: bool,
}

/// One breaker of the lab with its clock and what happened to it.
#[derive(Debug, Clone)]
pub struct Lane {
    name: String,
    runner: Runner,
    timeline: VecDeque<TimelineEntry>,
    /// Entries ever made, including those dropped from `timeline`.
    timeline_total: u64,
    /// The transitions made during the last step.
    step_transitions: Vec<Transition>,
}

impl Lane {
    pub(super) fn new(name: String, config: BreakerConfig) -> Result<Self, LabError> {
        let runner = Runner::new(config).map_err(|source| LabError::Config {
            lane: name.clone(),
            source,
        })?;
        Ok(Self {
            name,
            runner,
            timeline: VecDeque::new(),
            timeline_total: 0,
            step_transitions: Vec::new(),
        })
    }

    /// The preset or breaker name this lane was built with.
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn breaker(&self) -> &CircuitBreaker {
        self.runner.breaker()
    }

    /// This lane's clock (lanes differ when one runs a slow call another rejects).
    pub fn now(&self) -> Duration {
        self.runner.clock().now()
    }

    pub fn state(&self) -> State {
        self.breaker().state()
    }

    /// The most recent transition, if any.
    pub fn last_transition(&self) -> Option<&Transition> {
        self.breaker().transitions().next_back()
    }

    /// The transitions made during the last step (empty if it changed nothing).
    pub fn step_transitions(&self) -> &[Transition] {
        &self.step_transitions
    }

    /// The most recent entries, oldest first (at most [`TIMELINE_CAPACITY`]).
    pub fn timeline(&self) -> &VecDeque<TimelineEntry> {
        &self.timeline
    }

    /// Entries made since the start, including those no longer held.
    pub fn timeline_total(&self) -> u64 {
        self.timeline_total
    }

    /// Plays one action: a call token call by call (so each gets its timeline entry), or a
    /// clock move.
    pub(super) fn play(&mut self, action: Action) {
        self.step_transitions.clear();
        match action {
            Action::Calls {
                count,
                result,
                duration,
            } => {
                let one = Token::from(Action::Calls {
                    count: 1,
                    result,
                    duration,
                });
                for _ in 0..count {
                    let report = self.runner.step(&one);
                    let kind = match (report.rejected > 0, result, duration.is_zero()) {
                        (true, _, _) => EntryKind::Rejected,
                        (false, CallResult::Success, true) => EntryKind::Success,
                        (false, CallResult::Failure, true) => EntryKind::Failure,
                        (false, CallResult::Success, false) => EntryKind::SlowSuccess,
                        (false, CallResult::Failure, false) => EntryKind::SlowFailure,
                    };
                    self.push(kind, report.transitions);
                }
            }
            Action::Advance(by) => {
                let report = self.runner.step(&Token::from(action));
                self.push(EntryKind::Advance(by), report.transitions);
            }
        }
    }

    fn push(&mut self, kind: EntryKind, transitions: Vec<Transition>) {
        if self.timeline.len() == TIMELINE_CAPACITY {
            self.timeline.pop_front();
        }
        self.timeline.push_back(TimelineEntry {
            at: self.now(),
            kind,
            state: self.state(),
            transitioned: !transitions.is_empty(),
        });
        self.timeline_total += 1;
        self.step_transitions.extend(transitions);
    }

    /// How long until this lane's OPEN breaker admits a trial call, rounded up to a whole
    /// millisecond; `None` when it is not OPEN or the moment has passed.
    pub(super) fn until_trial(&self) -> Option<Duration> {
        let (_, due) = self.breaker().open_since()?;
        let due = ceil_millis(due?);
        let now = self.now();
        (due > now).then(|| due - now)
    }
}

pub(super) fn ceil_millis(d: Duration) -> Duration {
    let millis = d.as_nanos().div_ceil(1_000_000);
    Duration::from_millis(u64::try_from(millis).unwrap_or(u64::MAX))
}
