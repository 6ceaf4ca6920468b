//! How a lab is built: its lanes (one breaker each), the script and the options.

use std::time::Duration;

use crate::engine::breaker::{BreakerConfig, ConfigError};
use crate::engine::script::Script;

use super::DEFAULT_SLOW_CALL;
#[cfg(doc)]
use super::{DEFAULT_TIME_STEP, Input, Lab};

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

pub(super) fn default_slow_call(lanes: &[(String, BreakerConfig)]) -> Duration {
    lanes
        .iter()
        .filter_map(|(_, config)| config.rate.as_ref()?.slow.as_ref().map(|s| s.slow_call))
        .max()
        .map_or(DEFAULT_SLOW_CALL, |threshold| {
            threshold.saturating_add(Duration::from_secs(1))
        })
}
