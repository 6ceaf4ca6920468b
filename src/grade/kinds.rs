//! What every exercise kind provides on the grade side ([`Gradeable`]), one file per kind,
//! and the helpers the graders share. Each grader parses an answer forgivingly and compares
//! it with the key (or, for tune, simulates it against the goals), returning the verdict
//! and a message saying what was right or wrong; a malformed answer is an [`AnswerError`].

mod backoff_schedule;
mod choice;
mod limiter_trace;
mod numeric;
mod reflection;
mod state_trace;
mod text;
mod tune;

use std::fmt::Debug;
use std::time::Duration;

use super::parse::AnswerError;
use super::{Graded, Verdict};
use crate::content::model::{Param, StateName};
use crate::content::scenario::ItemError;
use crate::engine::duration::format_duration;

/// How the learner enters an answer: the UI asks the kind, never matches its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryMode {
    /// Select among the options (a, b, c...).
    Options,
    /// One breaker state per step, typed as c / o / h.
    States { steps: usize },
    /// One field per named parameter.
    Form { fields: Vec<String> },
    /// A line of text.
    Line,
}

/// What a kind provides to grade answers to it.
pub trait Gradeable {
    /// The answer key, computed once when the item is made.
    type Key: Clone + PartialEq + Debug;
    /// The key: authored, or (for engine-backed kinds) the engine's.
    fn key(&self) -> Result<Self::Key, ItemError>;
    /// What form the answer takes, for the prompt line.
    fn answer_form(&self, key: &Self::Key) -> String;
    /// The right answer as text.
    fn key_text(&self, key: &Self::Key) -> String;
    /// An answer the grader accepts as correct, as a learner would type it; `None` when
    /// there is no such answer (a reflection).
    fn right_answer(&self, key: &Self::Key) -> Option<String>;
    /// The verdict on `answer` and what was right or wrong.
    fn judge(&self, key: &Self::Key, answer: &str) -> Result<(Verdict, String), AnswerError>;
    /// How the answer is entered.
    fn entry(&self, key: &Self::Key) -> EntryMode;
    /// How many answers the kind wants (steps or attempts), if it wants a list.
    fn steps(&self, _key: &Self::Key) -> Option<usize> {
        None
    }
    /// The graded answer: the verdict with the key text and the explanation.
    fn grade(
        &self,
        key: &Self::Key,
        answer: &str,
        explanation: &str,
    ) -> Result<Graded, AnswerError> {
        let (verdict, message) = self.judge(key, answer)?;
        Ok(Graded {
            verdict,
            message,
            key: self.key_text(key),
            explanation: explanation.to_owned(),
        })
    }
}

pub(super) fn join_states(states: &[StateName]) -> String {
    states
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn join_durations(list: &[Duration]) -> String {
    list.iter()
        .map(|d| format_duration(*d))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Compares a list answer position by position: all right, some right, or none.
pub(super) fn grade_list<T: PartialEq>(
    key: &[T],
    given: &[T],
    what: &str,
    show: impl Fn(&T) -> String,
) -> Result<(Verdict, String), AnswerError> {
    if given.len() != key.len() {
        return Err(AnswerError::new(format!(
            "give {} {what}s, one per step; you gave {}",
            key.len(),
            given.len()
        )));
    }
    let differ: Vec<String> = key
        .iter()
        .zip(given)
        .enumerate()
        .filter(|(_, (k, g))| k != g)
        .map(|(i, (k, g))| format!("step {}: {} (you said {})", i + 1, show(k), show(g)))
        .collect();
    let verdict = match differ.len() {
        0 => Verdict::Correct,
        n if n == key.len() => Verdict::Wrong,
        _ => Verdict::Partial,
    };
    let message = if differ.is_empty() {
        format!("all {} steps right", key.len())
    } else {
        format!(
            "{} of {} right; {}",
            key.len() - differ.len(),
            key.len(),
            differ.join("; ")
        )
    };
    Ok((verdict, message))
}

/// `min..max` or `a|b|c`: what a tune parameter may be set to.
pub fn range_text(param: &Param) -> String {
    if !param.one_of.is_empty() {
        return param
            .one_of
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("|");
    }
    match (&param.min, &param.max) {
        (Some(min), Some(max)) => format!("{min}..{max}"),
        _ => "?".into(),
    }
}
