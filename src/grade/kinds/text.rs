//! The `text` kind: a short answer matched against accepted ones.

use super::super::Verdict;
use super::super::parse::{self, AnswerError};
use super::{EntryMode, Gradeable};
use crate::content::model::Text;
use crate::content::scenario::ItemError;

impl Gradeable for Text {
    type Key = ();

    fn key(&self) -> Result<(), ItemError> {
        Ok(())
    }

    fn answer_form(&self, _key: &()) -> String {
        "a word or a short phrase".into()
    }

    fn key_text(&self, _key: &()) -> String {
        self.accepted.first().cloned().unwrap_or_default()
    }

    fn right_answer(&self, _key: &()) -> Option<String> {
        self.accepted.first().cloned()
    }

    fn judge(&self, _key: &(), answer: &str) -> Result<(Verdict, String), AnswerError> {
        grade_text(self, answer)
    }

    fn entry(&self, _key: &()) -> EntryMode {
        EntryMode::Line
    }
}

fn squash(text: &str, case_sensitive: bool) -> String {
    let cleaned = text.trim().trim_end_matches('.').replace(['-', '_'], " ");
    let words = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    if case_sensitive {
        words
    } else {
        words.to_lowercase()
    }
}

fn grade_text(text: &Text, answer: &str) -> Result<(Verdict, String), AnswerError> {
    if answer.trim().is_empty() {
        return Err(AnswerError::new("write a short answer"));
    }
    let given = squash(answer, text.case_sensitive);
    let accepted = text
        .accepted
        .iter()
        .any(|a| squash(a, text.case_sensitive) == given)
        // An accepted breaker state also accepts its spellings ('h', 'half open').
        || text.accepted.iter().any(|a| {
            parse::state(a)
                .ok()
                .is_some_and(|s| parse::state(answer).ok() == Some(s))
        });
    if accepted {
        Ok((Verdict::Correct, format!("'{}' is right", answer.trim())))
    } else {
        Ok((
            Verdict::Wrong,
            format!("'{}' is not what was asked for", answer.trim()),
        ))
    }
}
