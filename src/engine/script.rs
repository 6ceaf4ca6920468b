//! Breaker scripts (`4F 1S 5F +31s 2S 1F`, DESIGN §1.1): parsing, and the runner that plays
//! one on a breaker with a virtual clock. The runner computes the answer keys graders and
//! `patterns check` compare against, and the step reports `sim breaker --json` prints.
//!
//! Step rules: calls run one after another at the clock's time; a call with `@DUR` moves the
//! clock by DUR and is recorded when it completes; a rejected call does not run and takes no
//! time; `+DUR` moves the clock, and an automatic transition it crosses is recorded at the
//! moment the timeout elapsed. A step reports the clock and the state at its end.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use crate::engine::breaker::{
    BreakerConfig, CallResult, CircuitBreaker, ConfigError, Outcome, State, Stats, Transition,
    millis,
};
use crate::engine::clock::{Clock, VirtualClock};
use crate::engine::duration::{format_duration, parse_duration};

/// The most calls one token may make (`100000F`).
pub const MAX_CALLS_PER_TOKEN: u32 = 100_000;
/// The most calls a whole script may make.
pub const MAX_SCRIPT_CALLS: u64 = 1_000_000;

const FORMS: &str = "accepted forms: 'NF' or 'F' (N calls that fail), 'NS' or 'S' (N calls \
that succeed), 'NF@DUR' or 'NS@DUR' (calls taking DUR each), '+DUR' (the clock advances), \
e.g. '4F 1S 5F +31s 2S 1F'";

/// What one token does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// `count` calls with `result`, each taking `duration` (zero: instant).
    Calls {
        count: u32,
        result: CallResult,
        duration: Duration,
    },
    /// The clock advances.
    Advance(Duration),
}

/// One step of a script: its text as written and what it does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub text: String,
    pub action: Action,
}

impl From<Action> for Token {
    /// A token for an action made without text (a stepper key), written canonically.
    fn from(action: Action) -> Self {
        Self {
            text: action.to_string(),
            action,
        }
    }
}

/// A parsed script: at least one token, at most [`MAX_SCRIPT_CALLS`] calls in all.
/// In files and JSON it is its text (`"4F 1S 5F +31s 2S 1F"`), parsed on the way in.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Script {
    tokens: Vec<Token>,
}

impl TryFrom<String> for Script {
    type Error = ScriptError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text)
    }
}

impl From<Script> for String {
    fn from(script: Script) -> Self {
        script.to_string()
    }
}

impl schemars::JsonSchema for Script {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "BreakerScript".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "Whitespace-separated steps: 'NF' / 'NS' (N calls that fail / succeed), 'NF@DUR' / 'NS@DUR' (calls taking DUR each), '+DUR' (the clock advances), e.g. '4F 1S 5F +31s 2S 1F'"
        })
    }
}

/// Why a script could not be parsed. Messages name the token and its 1-based position and
/// list the accepted forms.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScriptError {
    #[error("the script is empty; {FORMS}")]
    Empty,
    #[error("token {position} '{token}' {problem}; {FORMS}")]
    Token {
        token: String,
        position: usize,
        problem: String,
    },
    #[error("the script makes {calls} calls; at most {MAX_SCRIPT_CALLS} are allowed")]
    TooManyCalls { calls: u64 },
}

impl Script {
    /// Parses whitespace-separated tokens: `NF`/`F`, `NS`/`S`, `NF@DUR`/`NS@DUR`, `+DUR`
    /// (letters in either case; 1 <= N <= [`MAX_CALLS_PER_TOKEN`]).
    pub fn parse(text: &str) -> Result<Self, ScriptError> {
        let mut tokens = Vec::new();
        let mut calls: u64 = 0;
        for (index, word) in text.split_whitespace().enumerate() {
            let action = parse_action(word).map_err(|problem| ScriptError::Token {
                token: word.to_owned(),
                position: index + 1,
                problem,
            })?;
            if let Action::Calls { count, .. } = action {
                calls += u64::from(count);
                if calls > MAX_SCRIPT_CALLS {
                    return Err(ScriptError::TooManyCalls {
                        calls: calls + count_rest(text, index + 1),
                    });
                }
            }
            tokens.push(Token {
                text: word.to_owned(),
                action,
            });
        }
        if tokens.is_empty() {
            return Err(ScriptError::Empty);
        }
        Ok(Self { tokens })
    }

    /// The tokens in order.
    pub fn tokens(&self) -> &[Token] {
        &self.tokens
    }
}

/// Calls made by the tokens from `skip` on, for the "too many calls" message.
fn count_rest(text: &str, skip: usize) -> u64 {
    text.split_whitespace()
        .skip(skip)
        .filter_map(|word| match parse_action(word) {
            Ok(Action::Calls { count, .. }) => Some(u64::from(count)),
            _ => None,
        })
        .sum()
}

impl FromStr for Script {
    type Err = ScriptError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl fmt::Display for Script {
    /// The tokens as written, separated by single spaces.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, token) in self.tokens.iter().enumerate() {
            if index > 0 {
                f.write_str(" ")?;
            }
            f.write_str(&token.text)?;
        }
        Ok(())
    }
}

/// One token's action, or what is wrong with it (phrased to follow "token N 'X'").
fn parse_action(word: &str) -> Result<Action, String> {
    if let Some(duration) = word.strip_prefix('+') {
        return parse_duration(duration)
            .map(Action::Advance)
            .map_err(|error| format!("does not advance the clock: {error}"));
    }
    let (calls, duration) = match word.split_once('@') {
        Some((calls, duration)) => {
            let duration = parse_duration(duration)
                .map_err(|error| format!("has a bad call duration: {error}"))?;
            (calls, duration)
        }
        None => (word, Duration::ZERO),
    };
    let Some(letter) = calls.chars().last() else {
        return Err("is not a step".to_owned());
    };
    let result = match letter.to_ascii_uppercase() {
        'F' => CallResult::Failure,
        'S' => CallResult::Success,
        _ => return Err("is not a step".to_owned()),
    };
    let digits = &calls[..calls.len() - letter.len_utf8()];
    let count = parse_count(digits)?;
    Ok(Action::Calls {
        count,
        result,
        duration,
    })
}

fn parse_count(digits: &str) -> Result<u32, String> {
    if digits.is_empty() {
        return Ok(1);
    }
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("has '{digits}' where a number of calls belongs"));
    }
    match digits.parse::<u64>() {
        Ok(0) => Err("makes 0 calls; N is at least 1".to_owned()),
        Ok(n) if n <= u64::from(MAX_CALLS_PER_TOKEN) => {
            Ok(u32::try_from(n).unwrap_or(MAX_CALLS_PER_TOKEN))
        }
        _ => Err(format!(
            "makes too many calls; at most {MAX_CALLS_PER_TOKEN} per token"
        )),
    }
}

/// The sliding window after a step, when the breaker trips on rates.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct WindowReport {
    pub calls: u32,
    pub failures: u32,
    pub slow: u32,
    /// Percent of `calls`.
    pub failure_rate: f64,
    pub slow_rate: f64,
}

/// What one step did, shaped for `sim breaker --json` (DESIGN §1.1).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct StepReport {
    pub token: String,
    /// The clock at the end of the step, in whole milliseconds.
    pub at_ms: u64,
    /// The state at the end of the step.
    pub state: State,
    pub failure_count: u32,
    pub success_count: u32,
    /// Calls the step made, and how many of them were rejected (not run).
    pub calls: u32,
    pub rejected: u32,
    /// Every transition during the step, in order.
    pub transitions: Vec<Transition>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub window: Option<WindowReport>,
}

/// A whole script's run: one report per token, and the totals.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Run {
    pub steps: Vec<StepReport>,
    pub stats: Stats,
}

impl Run {
    /// The state after each step: the answer key of a state-trace exercise.
    pub fn states(&self) -> Vec<State> {
        self.steps.iter().map(|step| step.state).collect()
    }
}

/// Runs `script` on a fresh breaker built from `config`, starting at time zero.
pub fn run(script: &Script, config: BreakerConfig) -> Result<Run, ConfigError> {
    let mut runner = Runner::new(config)?;
    let steps = script
        .tokens()
        .iter()
        .map(|token| runner.step(token))
        .collect();
    Ok(Run {
        steps,
        stats: runner.breaker().stats(),
    })
}

/// A breaker and its virtual clock, played one token at a time (the stepper's model;
/// `Clone` is its undo).
#[derive(Debug, Clone)]
pub struct Runner {
    breaker: CircuitBreaker,
    clock: VirtualClock,
}

impl Runner {
    /// A fresh breaker at time zero, or the first problem with `config`.
    pub fn new(config: BreakerConfig) -> Result<Self, ConfigError> {
        Ok(Self::with(
            CircuitBreaker::new(config)?,
            VirtualClock::new(),
        ))
    }

    /// Continues from an existing breaker and clock.
    pub fn with(breaker: CircuitBreaker, clock: VirtualClock) -> Self {
        Self { breaker, clock }
    }

    /// The breaker, for gauges and its transition log.
    pub fn breaker(&self) -> &CircuitBreaker {
        &self.breaker
    }

    /// The virtual clock: the time at the end of the last step.
    pub fn clock(&self) -> &VirtualClock {
        &self.clock
    }

    /// Plays one token and reports the step.
    pub fn step(&mut self, token: &Token) -> StepReport {
        let mut transitions = Vec::new();
        let (mut calls, mut rejected) = (0, 0);
        match token.action {
            Action::Calls {
                count,
                result,
                duration,
            } => {
                for _ in 0..count {
                    calls += 1;
                    // One call makes at most two transitions, far below the log's size, so
                    // collecting after each call loses none.
                    let before = self.breaker.transition_count();
                    rejected += u32::from(!self.call(result, duration));
                    transitions.extend(self.breaker.transitions_since(before).cloned());
                }
            }
            Action::Advance(by) => {
                let before = self.breaker.transition_count();
                self.clock.advance(by);
                self.breaker.observe(self.clock.now());
                transitions.extend(self.breaker.transitions_since(before).cloned());
            }
        }
        let now = self.clock.now();
        let window = self.breaker.window_totals(now).map(|totals| WindowReport {
            calls: totals.calls,
            failures: totals.failures,
            slow: totals.slow,
            failure_rate: totals.failure_rate(),
            slow_rate: totals.slow_rate(),
        });
        StepReport {
            token: token.text.clone(),
            at_ms: millis(now),
            state: self.breaker.state(),
            failure_count: self.breaker.failure_count(),
            success_count: self.breaker.success_count(),
            calls,
            rejected,
            transitions,
            window,
        }
    }

    /// One call at the clock's time; `false` if it was rejected (and so took no time).
    fn call(&mut self, result: CallResult, duration: Duration) -> bool {
        let Ok(permit) = self.breaker.try_acquire(self.clock.now()) else {
            return false;
        };
        self.clock.advance(duration);
        self.breaker
            .record(permit, Outcome { result, duration }, self.clock.now());
        true
    }
}

/// `NF@DUR`-style text for an action, e.g. for a stepper's own keys.
impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Advance(by) => write!(f, "+{}", format_duration(by)),
            Self::Calls {
                count,
                result,
                duration,
            } => {
                let letter = match result {
                    CallResult::Success => 'S',
                    CallResult::Failure => 'F',
                };
                write!(f, "{count}{letter}")?;
                if !duration.is_zero() {
                    write!(f, "@{}", format_duration(duration))?;
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests;
