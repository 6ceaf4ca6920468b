//! The live lab: circuit breakers on a virtual clock, stepped one key at a time, with undo and
//! optional prediction prompts. One lane is the learning lab and `sim breaker`'s stepper;
//! several lanes (one per preset) are its compare mode, fed the very same steps.
//!
//! Invariants: the engine's script runner plays every step, so every state shown or graded is
//! the engine's; [`Input::Undo`] restores exactly the state before the last step (lanes,
//! timelines, script position, score); the lab never reads a clock or the terminal.

mod lane;
mod setup;
mod view;

use std::collections::VecDeque;
use std::time::Duration;

use crate::engine::breaker::{CallResult, State, Transition};
use crate::engine::script::{Action, Script, Token};

pub use lane::{EntryKind, Lane, TimelineEntry};
pub use setup::{LabError, LabSetup, Prediction, TimeStep};
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
            .unwrap_or_else(|| setup::default_slow_call(&setup.lanes));
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
            transitions: first.step_transitions().to_vec(),
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

#[cfg(test)]
mod tests;
