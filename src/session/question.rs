//! What the learning, exam and review sessions share: the learner's [`Input`], the
//! [`Effect`]s a session asks its front end to carry out, and one [`Question`] being asked.
//!
//! Invariant: a question is graded at most once; a malformed answer leaves it ungraded with
//! the parse error to show, so the learner can answer again.

use crate::grade::{AnswerError, Graded, Hints, Item};

use super::record::Save;

/// What the learner does, in every session's terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// An answer (one line in plain mode; the text field's content in the TUI).
    Answer(String),
    /// Go on from a page that asks nothing (or from a graded answer's feedback).
    Continue,
    /// Reveal the next hint tier.
    Hint,
    /// Leave the current question unanswered and go on.
    Skip,
    /// Stop the session (progress so far is saved).
    Quit,
}

/// What a session asks of its front end.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Keep this in the learner's record.
    Save(Save),
    /// The answer could not be read: show why; the question is still open.
    Invalid(String),
    /// A hint tier was revealed (tier number from 1, text).
    Hint(usize, String),
    /// A hint was asked for but none is left (or hints are not allowed here).
    NoHint(String),
    /// The session reached its end.
    Finished,
    /// The learner stopped early.
    Quit,
}

/// One item being asked: the item, the hints revealed, the answer and its verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    pub item: Item,
    pub hints: Hints,
    /// The learner's answer once graded.
    pub answer: Option<String>,
    pub graded: Option<Graded>,
    /// The last malformed answer's message, until a readable one arrives.
    pub error: Option<String>,
}

impl Question {
    pub fn new(item: Item) -> Self {
        Self {
            item,
            hints: Hints::default(),
            answer: None,
            graded: None,
            error: None,
        }
    }

    /// Grades `text`: `Ok` with the verdict, or the parse error (also kept in `error`).
    pub fn answer(&mut self, text: &str) -> Result<&Graded, AnswerError> {
        match self.item.grade(text) {
            Ok(graded) => {
                self.error = None;
                self.answer = Some(text.trim().to_owned());
                Ok(self.graded.insert(graded))
            }
            Err(error) => {
                self.error = Some(error.0.clone());
                Err(error)
            }
        }
    }

    /// Reveals the next hint as an effect.
    pub fn hint(&mut self) -> Effect {
        let tier = self.hints.used() as usize + 1;
        match self.hints.next(&self.item) {
            Some(text) => Effect::Hint(tier, text.to_owned()),
            None if self.item.hints().is_empty() => {
                Effect::NoHint("this exercise has no hints".into())
            }
            None => Effect::NoHint("no more hints: that was the last one".into()),
        }
    }

    /// Whether the question has been graded.
    pub fn is_graded(&self) -> bool {
        self.graded.is_some()
    }
}
