//! Grading: an exercise becomes a concrete [`Item`] (parametric values drawn from a seed,
//! the key computed by the engine), and a learner's answer becomes a [`Graded`] verdict.
//!
//! Each kind says how it is graded in its own file under `grade/kinds/` ([`Gradeable`]);
//! `graded_kinds!` below lists them once for dispatch.
//!
//! Invariants: keys of engine-backed kinds (state_trace, backoff_schedule, limiter_trace, computed
//! numeric) come from `content::scenario`'s engine calls, never from an authored `expect`; the same exercise
//! and seed always give the same item and key; a malformed answer is an [`AnswerError`]
//! (answer again), never a wrong answer.

mod kinds;
pub mod parse;

use crate::content::model::{self, Exercise, Kind};
use crate::content::scenario::ParamValues;
use crate::content::scenario::{self, ItemError};

pub use kinds::{EntryMode, Gradeable, range_text};
pub use parse::AnswerError;

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
    /// The scenario does not run; `error` keeps the field at fault and the hint.
    #[error("exercise '{id}': {error}")]
    Scenario { id: String, error: ItemError },
}

/// The kinds a grader knows, listed once (each is the [`Kind`] variant and its spec type):
/// builds the [`Keyed`] enum and its dispatch. A kind missing here fails to compile in
/// [`Keyed::new`]'s exhaustive match.
macro_rules! graded_kinds {
    ($($variant:ident),* $(,)?) => {
        /// A kind's spec with its key, computed once when the item is made.
        #[derive(Debug, Clone, PartialEq)]
        enum Keyed {
            $($variant(model::$variant, <model::$variant as Gradeable>::Key),)*
        }

        impl Keyed {
            fn new(kind: Kind<'_>) -> Result<Self, ItemError> {
                Ok(match kind {
                    $(Kind::$variant(spec) => Keyed::$variant(spec.clone(), spec.key()?),)*
                })
            }

            fn answer_form(&self) -> String {
                match self {
                    $(Keyed::$variant(spec, key) => spec.answer_form(key),)*
                }
            }

            fn key_text(&self) -> String {
                match self {
                    $(Keyed::$variant(spec, key) => spec.key_text(key),)*
                }
            }

            fn right_answer(&self) -> Option<String> {
                match self {
                    $(Keyed::$variant(spec, key) => spec.right_answer(key),)*
                }
            }

            fn grade(&self, answer: &str, explanation: &str) -> Result<Graded, AnswerError> {
                match self {
                    $(Keyed::$variant(spec, key) => spec.grade(key, answer, explanation),)*
                }
            }

            fn entry(&self) -> EntryMode {
                match self {
                    $(Keyed::$variant(spec, key) => spec.entry(key),)*
                }
            }

            fn steps(&self) -> Option<usize> {
                match self {
                    $(Keyed::$variant(spec, key) => spec.steps(key),)*
                }
            }
        }
    };
}

graded_kinds!(
    Choice,
    Numeric,
    Text,
    StateTrace,
    BackoffSchedule,
    LimiterTrace,
    Tune,
    Reflection
);

/// One concrete question: the exercise with its parameters filled in and its key.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// The exercise as asked (placeholders replaced, settings set).
    exercise: Exercise,
    /// The parameter values drawn (empty for a plain exercise).
    values: ParamValues,
    /// The seed that drew them.
    seed: u64,
    keyed: Keyed,
}

impl Item {
    /// The item for `exercise`; a parametric exercise draws its values with `seed` (the same
    /// seed gives the same values and key everywhere).
    pub fn new(exercise: &Exercise, seed: u64) -> Result<Self, ItemProblem> {
        let scenario_error = |error: ItemError| ItemProblem::Scenario {
            id: exercise.id.clone(),
            error,
        };
        let values = if exercise.is_parametric() {
            scenario::draw(exercise, seed).map_err(scenario_error)?
        } else {
            ParamValues::new()
        };
        let concrete = scenario::instantiate(exercise, &values).map_err(scenario_error)?;
        let kind = concrete
            .kind()
            .ok_or_else(|| ItemProblem::NoKind(exercise.id.clone()))?;
        let keyed = Keyed::new(kind).map_err(scenario_error)?;
        let mut concrete = concrete;
        if let (Keyed::Numeric(_, key), Some(text)) = (&keyed, &concrete.explanation) {
            concrete.explanation = Some(scenario::fill_answer(text, *key));
        }
        Ok(Self {
            exercise: concrete,
            values,
            seed,
            keyed,
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
        !matches!(self.keyed, Keyed::Reflection(..))
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
        self.keyed.steps()
    }

    /// How the answer is entered.
    pub fn entry(&self) -> EntryMode {
        self.keyed.entry()
    }

    /// What form the answer takes, for the prompt line.
    pub fn answer_form(&self) -> String {
        self.keyed.answer_form()
    }

    /// The right answer as text (for tune: the author's example, one of many that pass).
    pub fn key_text(&self) -> String {
        self.keyed.key_text()
    }

    /// An answer the grader accepts as correct, in the form a learner would type it (for
    /// tune: the author's example). `None` for a reflection. Tests and benches use it to
    /// answer through the front ends without hard-coding keys.
    pub fn right_answer(&self) -> Option<String> {
        self.keyed.right_answer()
    }

    /// Grades `answer`. `Err` when the answer is malformed: the learner answers again.
    pub fn grade(&self, answer: &str) -> Result<Graded, AnswerError> {
        let explanation = self.exercise.explanation.as_deref().unwrap_or_default();
        self.keyed.grade(answer, explanation)
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
