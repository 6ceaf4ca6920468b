//! Limiter scripts (DESIGN §1.4): `N` (N requests now), `N/DUR` (N requests spread over DUR:
//! the i-th, from 0, at floor(i·DUR/N) ms after the token's start; the clock ends DUR later)
//! and `+DUR` (the clock advances). [`run`] plays one on a fresh limiter: the steps it returns
//! are what `sim limiter` prints and what a `limiter_trace` answer key or a lab reads.

use std::fmt;
use std::str::FromStr;

use super::{ConfigError, Decision, Limiter, LimiterConfig, LimiterState, MAX_WINDOW_MS};
use crate::engine::duration::parse_duration;

/// The most requests one token may make.
pub const MAX_REQUESTS_PER_TOKEN: u32 = 100_000;
/// The most requests a whole script may make.
pub const MAX_SCRIPT_REQUESTS: u64 = 1_000_000;

const FORMS: &str = "accepted forms: 'N' (N requests now), 'N/DUR' (N requests spread over \
DUR), '+DUR' (the clock advances), e.g. '10 +1s 5/500ms'";

/// What one token does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// `count` requests spread over `over_ms` (0: all now); the clock ends `over_ms` later.
    Requests { count: u32, over_ms: u64 },
    /// The clock advances by this many milliseconds.
    Advance(u64),
}

impl Action {
    /// Milliseconds after the token's start at which its `index`-th request (from 0) arrives.
    pub fn offset_ms(count: u32, over_ms: u64, index: u32) -> u64 {
        let spread = u128::from(index) * u128::from(over_ms) / u128::from(count.max(1));
        u64::try_from(spread).unwrap_or(u64::MAX)
    }

    /// How far the token moves the clock.
    pub fn duration_ms(self) -> u64 {
        match self {
            Self::Requests { over_ms, .. } => over_ms,
            Self::Advance(ms) => ms,
        }
    }
}

impl fmt::Display for Action {
    /// The canonical token: `5`, `5/500ms`, `+1s`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Requests { count, over_ms: 0 } => write!(f, "{count}"),
            Self::Requests { count, over_ms } => write!(f, "{count}/{}", format_ms(over_ms)),
            Self::Advance(ms) => write!(f, "+{}", format_ms(ms)),
        }
    }
}

/// `1500` → `1500ms`, `2000` → `2s`: whole seconds in seconds, the rest in milliseconds.
pub fn format_ms(ms: u64) -> String {
    if ms != 0 && ms % 1000 == 0 {
        format!("{}s", ms / 1000)
    } else {
        format!("{ms}ms")
    }
}

/// One step of a script: its text as written, where it starts in that text, what it does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub text: String,
    /// Byte offset of the token in the script text (for a caret under a bad token).
    pub offset: usize,
    pub action: Action,
}

/// A parsed script: at least one token, at most [`MAX_SCRIPT_REQUESTS`] requests, a clock
/// that ends within 1000 hours. In files and JSON it is its text, parsed on the way in.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Script {
    tokens: Vec<Token>,
}

/// Why a script could not be parsed. `offset` and `len` locate the bad token in the text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScriptError {
    #[error("the script is empty; {FORMS}")]
    Empty,
    #[error("token {position} '{token}' {problem}; {FORMS}")]
    Token {
        token: String,
        position: usize,
        offset: usize,
        problem: String,
    },
    #[error(
        "token {position} '{token}' makes the script's requests {requests}; at most {MAX_SCRIPT_REQUESTS} are allowed"
    )]
    TooManyRequests {
        token: String,
        position: usize,
        offset: usize,
        requests: u64,
    },
    #[error("token {position} '{token}' takes the clock past 1000 hours; shorten the script")]
    TooLong {
        token: String,
        position: usize,
        offset: usize,
    },
}

impl ScriptError {
    /// Byte offset and length of the offending token in the script text, if one is to blame.
    pub fn span(&self) -> Option<(usize, usize)> {
        match self {
            Self::Empty => None,
            Self::Token { token, offset, .. }
            | Self::TooManyRequests { token, offset, .. }
            | Self::TooLong { token, offset, .. } => Some((*offset, token.len())),
        }
    }
}

impl Script {
    /// Parses whitespace-separated tokens `N`, `N/DUR`, `+DUR` (1 <= N <=
    /// [`MAX_REQUESTS_PER_TOKEN`]; DUR a duration in whole milliseconds, e.g. `500ms`, `2s`).
    pub fn parse(text: &str) -> Result<Self, ScriptError> {
        let mut tokens = Vec::new();
        let mut requests: u64 = 0;
        let mut clock: u64 = 0;
        for (index, (offset, word)) in words(text).into_iter().enumerate() {
            let position = index + 1;
            let action = parse_action(word).map_err(|problem| ScriptError::Token {
                token: word.to_owned(),
                position,
                offset,
                problem,
            })?;
            if let Action::Requests { count, .. } = action {
                requests += u64::from(count);
                if requests > MAX_SCRIPT_REQUESTS {
                    return Err(ScriptError::TooManyRequests {
                        token: word.to_owned(),
                        position,
                        offset,
                        requests,
                    });
                }
            }
            clock = clock.saturating_add(action.duration_ms());
            if clock > MAX_WINDOW_MS {
                return Err(ScriptError::TooLong {
                    token: word.to_owned(),
                    position,
                    offset,
                });
            }
            tokens.push(Token {
                text: word.to_owned(),
                offset,
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

/// The whitespace-separated words of `text` with their byte offsets.
fn words(text: &str) -> Vec<(usize, &str)> {
    let mut words = Vec::new();
    let mut start = None;
    for (index, c) in text.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(from)) => {
                words.push((from, &text[from..index]));
                start = None;
            }
            (false, None) => start = Some(index),
            _ => {}
        }
    }
    if let Some(from) = start {
        words.push((from, &text[from..]));
    }
    words
}

/// One token's action, or what is wrong with it (phrased to follow "token N 'X'").
fn parse_action(word: &str) -> Result<Action, String> {
    if let Some(duration) = word.strip_prefix('+') {
        return parse_ms(duration)
            .map(Action::Advance)
            .map_err(|error| format!("does not advance the clock: {error}"));
    }
    let (count, over_ms) = match word.split_once('/') {
        Some((count, duration)) => {
            let over_ms =
                parse_ms(duration).map_err(|error| format!("has a bad spread: {error}"))?;
            (count, over_ms)
        }
        None => (word, 0),
    };
    Ok(Action::Requests {
        count: parse_count(count)?,
        over_ms,
    })
}

/// A duration in whole milliseconds.
fn parse_ms(text: &str) -> Result<u64, String> {
    let duration = parse_duration(text).map_err(|error| error.to_string())?;
    if duration.subsec_nanos() % 1_000_000 != 0 {
        return Err(format!(
            "'{text}' is not a whole number of milliseconds; limiter times are in ms"
        ));
    }
    u64::try_from(duration.as_millis()).map_err(|_| format!("'{text}' is too long"))
}

fn parse_count(digits: &str) -> Result<u32, String> {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("has '{digits}' where a number of requests belongs"));
    }
    match digits.parse::<u64>() {
        Ok(0) => Err("makes 0 requests; N is at least 1".to_owned()),
        Ok(n) if n <= u64::from(MAX_REQUESTS_PER_TOKEN) => {
            Ok(u32::try_from(n).unwrap_or(MAX_REQUESTS_PER_TOKEN))
        }
        _ => Err(format!(
            "makes too many requests; at most {MAX_REQUESTS_PER_TOKEN} per token"
        )),
    }
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

impl schemars::JsonSchema for Script {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "LimiterScript".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "Whitespace-separated steps: 'N' (N requests now), 'N/DUR' (N requests spread over DUR), '+DUR' (the clock advances), e.g. '10 +1s 5/500ms'"
        })
    }
}

/// What one token did, shaped for `sim limiter --json` (DESIGN §1.4).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Step {
    pub token: String,
    /// When the step's requests start arriving (for `+DUR`: the clock after it), in ms.
    pub at_ms: u64,
    pub admitted: u32,
    pub rejected: u32,
    /// One letter per request in arrival order: `A` admitted, `R` rejected.
    pub decisions: String,
    /// The delay of each admitted request, in order (limiters that queue only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delays_ms: Option<Vec<u64>>,
    /// The algorithm's variables at the end of the step.
    pub state: LimiterState,
}

impl Step {
    /// Plays one token's action on `limiter`, starting at `start_ms`; returns the step and
    /// the clock after it. The stepper and [`run`] both step this way.
    pub fn play(limiter: &mut Limiter, start_ms: u64, token: &str, action: Action) -> (Self, u64) {
        let end_ms = start_ms.saturating_add(action.duration_ms());
        let mut step = Self {
            token: token.to_owned(),
            at_ms: start_ms,
            admitted: 0,
            rejected: 0,
            decisions: String::new(),
            delays_ms: limiter.delays().then(Vec::new),
            state: limiter.state(start_ms),
        };
        match action {
            Action::Requests { count, over_ms } => {
                step.decisions.reserve(count as usize);
                for index in 0..count {
                    let at = start_ms.saturating_add(Action::offset_ms(count, over_ms, index));
                    let decision = limiter.decide(at);
                    step.record(decision);
                }
            }
            Action::Advance(_) => step.at_ms = end_ms,
        }
        step.state = limiter.state(end_ms);
        (step, end_ms)
    }

    fn record(&mut self, decision: Decision) {
        self.decisions.push(decision.letter());
        match decision {
            Decision::Admitted { delay_ms } => {
                self.admitted += 1;
                if let Some(delays) = &mut self.delays_ms {
                    delays.push(delay_ms);
                }
            }
            Decision::Rejected => self.rejected += 1,
        }
    }
}

/// Plays `script` on a fresh limiter built from `config`, one step per token.
pub fn run(config: LimiterConfig, script: &Script) -> Result<Vec<Step>, ConfigError> {
    let mut limiter = Limiter::new(config)?;
    let mut clock = 0;
    let mut steps = Vec::with_capacity(script.tokens().len());
    for token in script.tokens() {
        let (step, end) = Step::play(&mut limiter, clock, &token.text, token.action);
        clock = end;
        steps.push(step);
    }
    Ok(steps)
}
