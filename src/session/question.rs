//! What the learning, exam and review sessions share: the learner's [`Input`], the
//! [`Effect`]s a session asks its front end to carry out, and one [`Question`] being asked.
//!
//! Invariant: a question is graded at most once; a malformed answer leaves it ungraded with
//! the parse error to show, so the learner can answer again.

use crate::grade::{AnswerError, Graded, Hints, Item, Verdict};

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
    /// The last of [`UNREADABLE_TRIES`] answers in a row that could not be read (plain
    /// mode, where input may be piped): the question is counted wrong with this text as
    /// the answer, and the session goes on, so one slip does not shift every later line.
    Unreadable(String),
}

/// The longest answer or journal entry kept, in bytes: a longer one (a runaway paste) is
/// refused with its size, so the progress file stays a size that loads at once.
pub const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// The message refusing `text` when it is longer than [`MAX_ANSWER_BYTES`].
pub fn too_long(text: &str) -> Option<String> {
    let len = text.trim().len();
    (len > MAX_ANSWER_BYTES).then(|| {
        format!(
            "that is {} KiB; an answer or journal entry holds at most {} KiB: shorten it",
            len.div_ceil(1024),
            MAX_ANSWER_BYTES / 1024
        )
    })
}

/// Unreadable answers to one question after which plain mode counts it wrong.
pub const UNREADABLE_TRIES: usize = 3;

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
        if let Some(message) = too_long(text) {
            self.error = Some(message.clone());
            return Err(AnswerError(message));
        }
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

    /// Counts the question wrong with `text` (an answer that could not be read) as the
    /// answer, after [`UNREADABLE_TRIES`] tries; the key and explanation are shown as for
    /// any wrong answer.
    pub fn give_up(&mut self, text: &str) -> &Graded {
        self.error = None;
        let text = if too_long(text).is_some() {
            crate::grade::parse::quoted(text)
        } else {
            text.trim().to_owned()
        };
        self.answer = Some(text);
        self.graded.insert(Graded {
            verdict: Verdict::Wrong,
            message: format!(
                "no answer could be read in {UNREADABLE_TRIES} tries, so this one counts as                  wrong"
            ),
            key: self.item.key_text(),
            explanation: self.item.exercise().explanation.clone().unwrap_or_default(),
        })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_and_journal_entries_over_64_kib_are_refused_with_their_size() {
        assert_eq!(too_long(&"x".repeat(MAX_ANSWER_BYTES)), None);
        let message = too_long(&"x".repeat(MAX_ANSWER_BYTES + 1)).expect("too long");
        assert_eq!(
            message,
            "that is 65 KiB; an answer or journal entry holds at most 64 KiB: shorten it"
        );
    }
}
