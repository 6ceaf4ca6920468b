//! The `reflection` kind: a free answer for the journal, not graded.

use super::super::parse::AnswerError;
use super::super::{Graded, Verdict};
use super::{EntryMode, Gradeable};
use crate::content::model::Reflection;
use crate::content::scenario::ItemError;

impl Gradeable for Reflection {
    type Key = ();

    fn key(&self) -> Result<(), ItemError> {
        Ok(())
    }

    fn answer_form(&self, _key: &()) -> String {
        "your own words (saved to your journal)".into()
    }

    fn key_text(&self, _key: &()) -> String {
        String::new()
    }

    fn right_answer(&self, _key: &()) -> Option<String> {
        None
    }

    fn judge(&self, _key: &(), answer: &str) -> Result<(Verdict, String), AnswerError> {
        if answer.trim().is_empty() {
            return Err(AnswerError::new(
                "write a few words; they go to your journal",
            ));
        }
        Ok((Verdict::Correct, "saved to your journal".into()))
    }

    fn entry(&self, _key: &()) -> EntryMode {
        EntryMode::Line
    }

    /// Any words are kept: the "key" shown is the author's guidance, with no explanation.
    fn grade(&self, key: &(), answer: &str, _explanation: &str) -> Result<Graded, AnswerError> {
        let (verdict, message) = self.judge(key, answer)?;
        Ok(Graded {
            verdict,
            message,
            key: self.guidance.clone().unwrap_or_default(),
            explanation: String::new(),
        })
    }
}
