//! Grading: an exercise becomes a concrete [`Item`] (parametric values drawn from a seed,
//! the key computed by the engine), and a learner's answer becomes a [`Graded`] verdict.
//!
//! Invariants: keys of engine-backed kinds (state_trace, backoff_schedule, tune) come from
//! `content::scenario`'s engine calls, never from an authored `expect`; the same exercise
//! and seed always give the same item and key; a malformed answer is an [`AnswerError`]
//! (answer again), never a wrong answer.

mod kinds;
pub mod parse;

use std::time::Duration;

use crate::content::model::{Exercise, Kind, StateName};
use crate::content::scenario::ParamValues;
use crate::content::scenario::{self, ItemError};

pub use kinds::range_text;
pub use parse::AnswerError;

use kinds::{
    choice_key, grade_ceilings, grade_choice, grade_numeric, grade_states, grade_text, grade_tune,
    join_durations, join_states,
};

/// How an answer was graded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verdict {
    Correct,
    Partial,
    Wrong,
}

impl Verdict {
    /// `correct`, `partly correct` or `wrong`.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Correct => "correct",
            Verdict::Partial => "partly correct",
            Verdict::Wrong => "wrong",
        }
    }
}

/// A graded answer: the verdict, what was right or wrong, the key and the explanation.
#[derive(Debug, Clone, PartialEq)]
pub struct Graded {
    pub verdict: Verdict,
    /// What the grader found, e.g. "steps 4 and 5 differ" or the tune goals with ✓ / ✗.
    pub message: String,
    /// The right answer as text ("b) One that accepts…", "CLOSED, OPEN, …").
    pub key: String,
    /// The exercise's explanation ("" when it has none).
    pub explanation: String,
}

/// Why an exercise cannot be made into an item (content that `patterns check` rejects).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ItemProblem {
    #[error("exercise '{0}' has no single kind")]
    NoKind(String),
    #[error("exercise '{id}': {message}")]
    Scenario { id: String, message: String },
}

/// The answer key, computed once when the item is made.
#[derive(Debug, Clone, PartialEq)]
enum Key {
    Choice(Vec<usize>),
    Numeric,
    Text,
    States(Vec<StateName>),
    Ceilings(Vec<Duration>),
    Tune,
    Reflection,
}

/// One concrete question: the exercise with its parameters filled in and its key.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// The exercise as asked (placeholders replaced, settings set).
    exercise: Exercise,
    /// The parameter values drawn (empty for a plain exercise).
    values: ParamValues,
    /// The seed that drew them.
    seed: u64,
    key: Key,
}

impl Item {
    /// The item for `exercise`; a parametric exercise draws its values with `seed` (the same
    /// seed gives the same values and key everywhere).
    pub fn new(exercise: &Exercise, seed: u64) -> Result<Self, ItemProblem> {
        let scenario_error = |message: String| ItemProblem::Scenario {
            id: exercise.id.clone(),
            message,
        };
        let values = if exercise.is_parametric() {
            scenario::draw(exercise, seed).map_err(scenario_error)?
        } else {
            ParamValues::new()
        };
        let concrete = scenario::instantiate(exercise, &values)
            .map_err(|e: ItemError| scenario_error(e.to_string()))?;
        let key = match concrete.kind() {
            None => return Err(ItemProblem::NoKind(exercise.id.clone())),
            Some(Kind::Choice(choice)) => Key::Choice(choice_key(choice)),
            Some(Kind::Numeric(_)) => Key::Numeric,
            Some(Kind::Text(_)) => Key::Text,
            Some(Kind::StateTrace(trace)) => Key::States(
                scenario::breaker_trace(&trace.breaker, &trace.script)
                    .map_err(|e| scenario_error(e.to_string()))?,
            ),
            Some(Kind::BackoffSchedule(schedule)) => Key::Ceilings(
                scenario::backoff_ceilings(&schedule.backoff, schedule.attempts)
                    .map_err(|e| scenario_error(e.to_string()))?,
            ),
            Some(Kind::Tune(_)) => Key::Tune,
            Some(Kind::Reflection(_)) => Key::Reflection,
        };
        Ok(Self {
            exercise: concrete,
            values,
            seed,
            key,
        })
    }

    /// The exercise's stable id (progress is keyed by it).
    pub fn id(&self) -> &str {
        &self.exercise.id
    }

    /// The concrete exercise.
    pub fn exercise(&self) -> &Exercise {
        &self.exercise
    }

    /// The focus block the exercise belongs to, if it says.
    pub fn block(&self) -> Option<&str> {
        self.exercise.block.as_deref()
    }

    /// The question, placeholders replaced.
    pub fn prompt(&self) -> &str {
        &self.exercise.prompt
    }

    /// The parameter values drawn, e.g. `failure_threshold=4, recovery_timeout=20s`.
    pub fn values(&self) -> &ParamValues {
        &self.values
    }

    /// The seed the values were drawn with.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The YAML name of the kind.
    pub fn kind_name(&self) -> &'static str {
        self.exercise.kind().map_or("exercise", |k| k.name())
    }

    /// Whether answers are graded (all kinds but reflection).
    pub fn is_graded(&self) -> bool {
        self.key != Key::Reflection
    }

    /// The options of a choice item, in order (a, b, c...).
    pub fn options(&self) -> &[String] {
        self.exercise
            .choice
            .as_ref()
            .map_or(&[], |c| c.options.as_slice())
    }

    /// The hints, from a nudge to nearly the answer.
    pub fn hints(&self) -> &[String] {
        &self.exercise.hints
    }

    /// How many answers a state trace or backoff schedule wants (steps or attempts).
    pub fn steps(&self) -> Option<usize> {
        match &self.key {
            Key::States(states) => Some(states.len()),
            Key::Ceilings(ceilings) => Some(ceilings.len()),
            _ => None,
        }
    }

    /// What form the answer takes, for the prompt line.
    pub fn answer_form(&self) -> String {
        match (&self.key, self.exercise.kind()) {
            (Key::Choice(key), Some(Kind::Choice(choice))) if choice.multiple || key.len() > 1 => {
                "the letters of every right option, e.g. 'a, c'".into()
            }
            (Key::Choice(_), _) => "one letter, e.g. 'b'".into(),
            (Key::Numeric, Some(Kind::Numeric(n))) if n.answer.is_duration() => {
                "a duration, e.g. '45s' or '500ms'".into()
            }
            (Key::Numeric, Some(Kind::Numeric(n))) => match &n.unit {
                Some(unit) => format!("a number ({unit})"),
                None => "a number".into(),
            },
            (Key::States(states), _) => format!(
                "{} states, one per step, e.g. 'CLOSED, OPEN, HALF_OPEN'",
                states.len()
            ),
            (Key::Ceilings(ceilings), _) => format!(
                "{} durations, one per attempt, e.g. '1s, 2s, 4s'",
                ceilings.len()
            ),
            (Key::Tune, Some(Kind::Tune(tune))) => {
                let names: Vec<String> = tune
                    .parameters
                    .iter()
                    .map(|(name, param)| format!("{name}={}", range_text(param)))
                    .collect();
                format!("name=value for: {}", names.join(" "))
            }
            (Key::Reflection, _) => "your own words (saved to your journal)".into(),
            _ => "a word or a short phrase".into(),
        }
    }

    /// The right answer as text (for tune: the author's example, one of many that pass).
    pub fn key_text(&self) -> String {
        match (&self.key, self.exercise.kind()) {
            (Key::Choice(key), Some(Kind::Choice(choice))) => key
                .iter()
                .map(|&i| {
                    format!(
                        "{}) {}",
                        letter(i),
                        choice.options.get(i).map_or("", String::as_str)
                    )
                })
                .collect::<Vec<_>>()
                .join("; "),
            (Key::Numeric, Some(Kind::Numeric(numeric))) => {
                let mut text = numeric.answer.to_string();
                if let Some(unit) = &numeric.unit {
                    text.push(' ');
                    text.push_str(unit);
                }
                text
            }
            (Key::Text, Some(Kind::Text(text))) => {
                text.accepted.first().cloned().unwrap_or_default()
            }
            (Key::States(states), _) => join_states(states),
            (Key::Ceilings(ceilings), _) => join_durations(ceilings),
            (Key::Tune, Some(Kind::Tune(tune))) => {
                let example: Vec<String> = tune
                    .example
                    .iter()
                    .map(|(name, value)| format!("{name}={value}"))
                    .collect();
                format!("for example {}", example.join(" "))
            }
            _ => String::new(),
        }
    }

    /// An answer the grader accepts as correct, in the form a learner would type it (for
    /// tune: the author's example). `None` for a reflection. Tests and benches use it to
    /// answer through the front ends without hard-coding keys.
    pub fn right_answer(&self) -> Option<String> {
        match (&self.key, self.exercise.kind()) {
            (Key::Choice(key), _) => Some(
                key.iter()
                    .map(|&i| letter(i).to_string())
                    .collect::<Vec<_>>()
                    .join(","),
            ),
            (Key::Numeric, Some(Kind::Numeric(numeric))) => Some(numeric.answer.to_string()),
            (Key::Text, Some(Kind::Text(text))) => text.accepted.first().cloned(),
            (Key::States(states), _) => Some(join_states(states)),
            (Key::Ceilings(ceilings), _) => Some(join_durations(ceilings)),
            (Key::Tune, Some(Kind::Tune(tune))) => Some(
                tune.example
                    .iter()
                    .map(|(name, value)| format!("{name}={value}"))
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            _ => None,
        }
    }

    /// Grades `answer`. `Err` when the answer is malformed: the learner answers again.
    pub fn grade(&self, answer: &str) -> Result<Graded, AnswerError> {
        let (verdict, message) = match (&self.key, self.exercise.kind()) {
            (Key::Choice(key), Some(Kind::Choice(choice))) => grade_choice(choice, key, answer)?,
            (Key::Numeric, Some(Kind::Numeric(numeric))) => grade_numeric(numeric, answer)?,
            (Key::Text, Some(Kind::Text(text))) => grade_text(text, answer)?,
            (Key::States(key), _) => grade_states(key, answer)?,
            (Key::Ceilings(key), _) => grade_ceilings(key, answer)?,
            (Key::Tune, Some(Kind::Tune(tune))) => grade_tune(tune, answer)?,
            (Key::Reflection, _) => {
                if answer.trim().is_empty() {
                    return Err(AnswerError::new(
                        "write a few words; they go to your journal",
                    ));
                }
                let guidance = self
                    .exercise
                    .reflection
                    .as_ref()
                    .and_then(|r| r.guidance.clone())
                    .unwrap_or_default();
                return Ok(Graded {
                    verdict: Verdict::Correct,
                    message: "saved to your journal".into(),
                    key: guidance,
                    explanation: String::new(),
                });
            }
            _ => return Err(AnswerError::new("this exercise cannot be graded")),
        };
        Ok(Graded {
            verdict,
            message,
            key: self.key_text(),
            explanation: self.exercise.explanation.clone().unwrap_or_default(),
        })
    }
}

/// `a`, `b`, ... for option `index`.
pub fn letter(index: usize) -> char {
    u8::try_from(index)
        .ok()
        .filter(|i| *i < 26)
        .map_or('?', |i| char::from(b'a' + i))
}

/// Tiered hints for one item: each request reveals the next tier; the count is recorded
/// with the attempt.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Hints {
    revealed: usize,
}

impl Hints {
    /// Reveals the next tier of `item`'s hints: `None` when all are shown.
    pub fn next<'a>(&mut self, item: &'a Item) -> Option<&'a str> {
        let hint = item.hints().get(self.revealed)?;
        self.revealed += 1;
        Some(hint)
    }

    /// The tiers revealed so far, oldest first.
    pub fn shown<'a>(&self, item: &'a Item) -> &'a [String] {
        let end = self.revealed.min(item.hints().len());
        &item.hints()[..end]
    }

    /// How many tiers were revealed.
    pub fn used(&self) -> u32 {
        u32::try_from(self.revealed).unwrap_or(u32::MAX)
    }
}

#[cfg(test)]
mod tests;
