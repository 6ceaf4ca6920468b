//! The live lab: circuit breakers on a virtual clock, stepped one key at a time, with undo and
//! optional prediction prompts. One lane is the learning lab and `sim breaker`'s stepper;
//! several lanes (one per preset) are its compare mode, fed the very same steps.
//!
//! Invariants: the engine's script runner plays every step, so every state shown or graded is
//! the engine's; [`Input::Undo`] restores exactly the state before the last step (lanes,
//! timelines, script position, score); the lab never reads a clock or the terminal.

mod view;

use std::collections::VecDeque;
use std::time::Duration;

use crate::engine::breaker::Transition;
use crate::engine::breaker::{BreakerConfig, CallResult, CircuitBreaker, ConfigError, State};
use crate::engine::clock::Clock;
use crate::engine::script::{Action, Runner, Script, Token};

pub use view::{Counters, RecoveryGauge, WindowGauge};

/// Timeline entries kept per lane (older ones are dropped; their count is kept).
pub const TIMELINE_CAPACITY: usize = 256;
/// Steps that can be undone; the oldest snapshot goes when more are taken.
pub const UNDO_DEPTH: usize = 256;
/// What `t` advances the clock by when no recovery timeout is about to elapse.
pub const DEFAULT_TIME_STEP: Duration = Duration::from_secs(1);
/// How long a slow call takes when no lane configures slow-call tripping.
pub const DEFAULT_SLOW_CALL: Duration = Duration::from_secs(5);

/// What the learner does, in the lab's terms (the screen maps keys to these).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// One call that succeeds at once (`s`).
    Success,
    /// One call that fails at once (`f`).
    Failure,
    /// One call that succeeds after the slow-call duration (`S`).
    SlowSuccess,
    /// One call that fails after the slow-call duration (`F`).
    SlowFailure,
    /// The clock advances by the time step (`t`).
    AdvanceTime,
    /// The script's next token (`space`).
    NextScripted,
    /// Back to the state before the last step (`u`).
    Undo,
    /// Show or hide the key help (`?`); any other key also hides it.
    ToggleHelp,
    /// The learner's answer to the pending prediction (`c`, `o`, `h`).
    Predict(State),
    /// Drop the pending step without running it (`esc`).
    Cancel,
    /// Leave the lab (`q`).
    Back,
}

/// What the lab asks of whoever runs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabEffect {
    /// The learner is done with the lab.
    Close,
}

/// Whether the learner predicts the state before each step.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Prediction {
    /// Steps run at once.
    #[default]
    Off,
    /// Each step waits for a prediction, then runs and is graded.
    Ask,
}

/// How far [`Input::AdvanceTime`] moves the clock.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TimeStep {
    /// To the next interesting moment: the first whole millisecond at which an OPEN breaker
    /// admits a trial call (the earliest over the lanes), else [`DEFAULT_TIME_STEP`].
    #[default]
    NextEvent,
    /// Always by this much.
    Fixed(Duration),
}

/// How to build a [`Lab`]: one lane per breaker, an optional script and the options.
#[derive(Debug, Clone)]
pub struct LabSetup {
    /// `(name, config)` per lane; the first is the one predictions and diffs refer to.
    pub lanes: Vec<(String, BreakerConfig)>,
    /// Played token by token with [`Input::NextScripted`].
    pub script: Option<Script>,
    pub prediction: Prediction,
    /// How long `S` / `F` calls take; `None`: 1 s over the largest slow-call threshold of the
    /// lanes, or [`DEFAULT_SLOW_CALL`] when none has one.
    pub slow_call: Option<Duration>,
    pub time_step: TimeStep,
}

impl LabSetup {
    /// One breaker, no script, no predictions.
    pub fn new(name: impl Into<String>, config: BreakerConfig) -> Self {
        Self {
            lanes: vec![(name.into(), config)],
            script: None,
            prediction: Prediction::Off,
            slow_call: None,
            time_step: TimeStep::NextEvent,
        }
    }

    /// Adds a lane fed the same steps (compare mode).
    pub fn lane(mut self, name: impl Into<String>, config: BreakerConfig) -> Self {
        self.lanes.push((name.into(), config));
        self
    }

    pub fn script(mut self, script: Script) -> Self {
        self.script = Some(script);
        self
    }

    pub fn prediction(mut self, prediction: Prediction) -> Self {
        self.prediction = prediction;
        self
    }
}

/// Why a lab could not be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LabError {
    #[error("a lab needs at least one breaker")]
    NoLanes,
    #[error("breaker '{lane}': {source}")]
    Config { lane: String, source: ConfigError },
}

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
    fn new(name: String, config: BreakerConfig) -> Result<Self, LabError> {
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
    fn play(&mut self, action: Action) {
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
    fn until_trial(&self) -> Option<Duration> {
        let (_, due) = self.breaker().open_since()?;
        let due = ceil_millis(due?);
        let now = self.now();
        (due > now).then(|| due - now)
    }
}

fn ceil_millis(d: Duration) -> Duration {
    let millis = d.as_nanos().div_ceil(1_000_000);
    Duration::from_millis(u64::try_from(millis).unwrap_or(u64::MAX))
}

/// Where a step came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepSource {
    /// A key (`s`, `f`, `S`, `F`, `t`).
    Key,
    /// The script's next token.
    Script,
}

/// A step waiting for the learner's prediction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingStep {
    pub token: Token,
    pub source: StepSource,
}

/// A prediction graded against the engine (the first lane).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grade {
    /// The step, as script text (`4F`, `+61s`).
    pub token: String,
    pub predicted: State,
    /// The engine's state after the step.
    pub actual: State,
    /// What the engine did during the step, with its reasons.
    pub transitions: Vec<Transition>,
}

impl Grade {
    pub fn is_correct(&self) -> bool {
        self.predicted == self.actual
    }

    /// Why the breaker ended where it did: the transitions' reasons, or that it stayed.
    pub fn explanation(&self) -> String {
        if self.transitions.is_empty() {
            return format!("no transition: the breaker stayed {}", self.actual);
        }
        self.transitions
            .iter()
            .map(|t| format!("{} → {}: {}", t.from, t.to, t.reason))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// Predictions answered and how many were right.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Score {
    pub correct: u32,
    pub answered: u32,
}

/// A short message about the last input that did not run a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// `space` without a script.
    NoScript,
    /// `space` after the last token.
    ScriptFinished,
    /// `u` with nothing to undo.
    NothingToUndo,
    /// `u` took back this step.
    Undone(String),
    /// `c` / `o` / `h` with no step waiting for a prediction.
    NoPendingStep,
}

/// Everything a step changes: what an undo snapshot holds.
#[derive(Debug, Clone)]
struct Core {
    lanes: Vec<Lane>,
    /// Index of the script's next token.
    script_position: usize,
    /// Steps played (undone ones excluded).
    steps: u64,
    /// The last step's text.
    last_token: Option<String>,
    score: Score,
    last_grade: Option<Grade>,
}

/// The lab: lanes of breakers, the script, undo, predictions and help.
#[derive(Debug, Clone)]
pub struct Lab {
    core: Core,
    undo: VecDeque<Core>,
    script: Option<Script>,
    prediction: Prediction,
    slow_call: Duration,
    time_step: TimeStep,
    pending: Option<PendingStep>,
    help: bool,
    notice: Option<Notice>,
}

impl Lab {
    /// A lab at time zero with every breaker CLOSED.
    pub fn new(setup: LabSetup) -> Result<Self, LabError> {
        if setup.lanes.is_empty() {
            return Err(LabError::NoLanes);
        }
        let slow_call = setup
            .slow_call
            .unwrap_or_else(|| default_slow_call(&setup.lanes));
        let lanes = setup
            .lanes
            .into_iter()
            .map(|(name, config)| Lane::new(name, config))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            core: Core {
                lanes,
                script_position: 0,
                steps: 0,
                last_token: None,
                score: Score::default(),
                last_grade: None,
            },
            undo: VecDeque::new(),
            script: setup.script,
            prediction: setup.prediction,
            slow_call,
            time_step: setup.time_step,
            pending: None,
            help: false,
            notice: None,
        })
    }

    /// The state machine: the only place the lab changes.
    pub fn handle(&mut self, input: Input) -> Option<LabEffect> {
        if self.help && !matches!(input, Input::ToggleHelp | Input::Back) {
            self.help = false;
            return None;
        }
        self.notice = None;
        match input {
            Input::Back => return Some(LabEffect::Close),
            Input::ToggleHelp => self.help = !self.help,
            Input::Undo => self.undo(),
            Input::Cancel => self.pending = None,
            Input::Predict(state) => self.answer(state),
            Input::NextScripted => {
                if let Some(token) = self.next_token().cloned() {
                    self.request(token, StepSource::Script);
                } else {
                    self.pending = None;
                    self.notice = Some(match self.script {
                        Some(_) => Notice::ScriptFinished,
                        None => Notice::NoScript,
                    });
                }
            }
            Input::Success => self.request_call(CallResult::Success, Duration::ZERO),
            Input::Failure => self.request_call(CallResult::Failure, Duration::ZERO),
            Input::SlowSuccess => self.request_call(CallResult::Success, self.slow_call),
            Input::SlowFailure => self.request_call(CallResult::Failure, self.slow_call),
            Input::AdvanceTime => {
                let by = self.time_step();
                self.request(Token::from(Action::Advance(by)), StepSource::Key);
            }
        }
        None
    }

    fn request_call(&mut self, result: CallResult, duration: Duration) {
        let action = Action::Calls {
            count: 1,
            result,
            duration,
        };
        self.request(Token::from(action), StepSource::Key);
    }

    /// Runs a step now, or holds it for a prediction.
    fn request(&mut self, token: Token, source: StepSource) {
        match self.prediction {
            Prediction::Off => self.run(&token, source),
            Prediction::Ask => self.pending = Some(PendingStep { token, source }),
        }
    }

    fn answer(&mut self, predicted: State) {
        let Some(PendingStep { token, source }) = self.pending.take() else {
            self.notice = Some(Notice::NoPendingStep);
            return;
        };
        self.run(&token, source);
        let first = &self.core.lanes[0];
        let grade = Grade {
            token: token.text,
            predicted,
            actual: first.state(),
            transitions: first.step_transitions.clone(),
        };
        let score = &mut self.core.score;
        score.answered += 1;
        score.correct += u32::from(grade.is_correct());
        self.core.last_grade = Some(grade);
    }

    fn run(&mut self, token: &Token, source: StepSource) {
        if self.undo.len() == UNDO_DEPTH {
            self.undo.pop_front();
        }
        self.undo.push_back(self.core.clone());
        for lane in &mut self.core.lanes {
            lane.play(token.action);
        }
        if source == StepSource::Script {
            self.core.script_position += 1;
        }
        self.core.steps += 1;
        self.core.last_token = Some(token.text.clone());
    }

    fn undo(&mut self) {
        self.pending = None;
        match self.undo.pop_back() {
            Some(previous) => {
                let undone = self.core.last_token.take().unwrap_or_default();
                self.core = previous;
                self.notice = Some(Notice::Undone(undone));
            }
            None => self.notice = Some(Notice::NothingToUndo),
        }
    }

    /// What `t` would advance the clock by now.
    pub fn time_step(&self) -> Duration {
        match self.time_step {
            TimeStep::Fixed(by) => by,
            TimeStep::NextEvent => self
                .core
                .lanes
                .iter()
                .filter_map(Lane::until_trial)
                .min()
                .unwrap_or(DEFAULT_TIME_STEP),
        }
    }

    /// The lanes; the first is the reference for predictions and differences.
    pub fn lanes(&self) -> &[Lane] {
        &self.core.lanes
    }

    /// The first lane (the only one outside compare mode).
    pub fn lane(&self) -> &Lane {
        &self.core.lanes[0]
    }

    /// Whether lane `index` is in a different state from the first lane.
    pub fn differs(&self, index: usize) -> bool {
        self.core
            .lanes
            .get(index)
            .is_some_and(|lane| lane.state() != self.lane().state())
    }

    pub fn script(&self) -> Option<&Script> {
        self.script.as_ref()
    }

    /// Index of the script's next token (equal to the token count when finished).
    pub fn script_position(&self) -> usize {
        self.core.script_position
    }

    /// The token `space` would play next.
    pub fn next_token(&self) -> Option<&Token> {
        self.script
            .as_ref()?
            .tokens()
            .get(self.core.script_position)
    }

    pub fn prediction(&self) -> Prediction {
        self.prediction
    }

    /// The step waiting for a prediction.
    pub fn pending(&self) -> Option<&PendingStep> {
        self.pending.as_ref()
    }

    /// The last graded prediction (restored by undo with everything else).
    pub fn last_grade(&self) -> Option<&Grade> {
        self.core.last_grade.as_ref()
    }

    pub fn score(&self) -> Score {
        self.core.score
    }

    /// Steps played so far (undone ones excluded).
    pub fn steps(&self) -> u64 {
        self.core.steps
    }

    /// The last step's text (`1F`, `+61s`, a script token).
    pub fn last_token(&self) -> Option<&str> {
        self.core.last_token.as_deref()
    }

    /// How many steps `u` can take back.
    pub fn undo_depth(&self) -> usize {
        self.undo.len()
    }

    pub fn help_visible(&self) -> bool {
        self.help
    }

    pub fn notice(&self) -> Option<&Notice> {
        self.notice.as_ref()
    }

    /// How long `S` / `F` calls take.
    pub fn slow_call(&self) -> Duration {
        self.slow_call
    }
}

fn default_slow_call(lanes: &[(String, BreakerConfig)]) -> Duration {
    lanes
        .iter()
        .filter_map(|(_, config)| config.rate.as_ref()?.slow.as_ref().map(|s| s.slow_call))
        .max()
        .map_or(DEFAULT_SLOW_CALL, |threshold| {
            threshold.saturating_add(Duration::from_secs(1))
        })
}

#[cfg(test)]
mod tests;
