//! The `limiter_trace` kind: how many requests of each step the limiter admits, keyed by
//! the engine.

use super::super::Verdict;
use super::super::parse::{AnswerError, quoted};
use super::{EntryMode, Gradeable, grade_list};
use crate::content::model::LimiterTrace;
use crate::content::scenario::{EngineBacked, ItemError};

fn join_counts(counts: &[u32]) -> String {
    counts
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whole counts separated by commas, spaces or lines (`5, 0, 3`).
fn counts(text: &str) -> Result<Vec<u32>, AnswerError> {
    let words: Vec<&str> = text
        .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|word| !word.is_empty())
        .collect();
    if words.is_empty() {
        return Err(AnswerError::new(
            "give one admitted count per step, separated by commas, e.g. '5, 0, 3'",
        ));
    }
    words
        .iter()
        .map(|word| {
            word.parse::<u32>().map_err(|_| {
                AnswerError::new(format!(
                    "'{}' is not a count; give whole numbers of admitted requests, e.g. '5, 0, 3'",
                    quoted(word)
                ))
            })
        })
        .collect()
}

impl Gradeable for LimiterTrace {
    type Key = Vec<u32>;

    fn key(&self) -> Result<Vec<u32>, ItemError> {
        EngineBacked::key(self)
    }

    fn answer_form(&self, key: &Vec<u32>) -> String {
        format!(
            "{} admitted counts, one per step ('+DUR' steps admit 0), e.g. '5, 0, 3'",
            key.len()
        )
    }

    fn key_text(&self, key: &Vec<u32>) -> String {
        join_counts(key)
    }

    fn right_answer(&self, key: &Vec<u32>) -> Option<String> {
        Some(join_counts(key))
    }

    fn judge(&self, key: &Vec<u32>, answer: &str) -> Result<(Verdict, String), AnswerError> {
        let given = counts(answer)?;
        grade_list(key, &given, "count", u32::to_string)
    }

    fn entry(&self, _key: &Vec<u32>) -> EntryMode {
        EntryMode::Line
    }

    fn steps(&self, key: &Vec<u32>) -> Option<usize> {
        Some(key.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::limiter::LimiterConfig;

    fn spec() -> LimiterTrace {
        LimiterTrace {
            limiter: LimiterConfig::FixedWindow {
                limit: 3,
                window_ms: 1000,
            },
            script: "5 +1s 2".into(),
            expect: None,
        }
    }

    #[test]
    fn each_step_is_graded_and_the_first_wrong_one_named() {
        let spec = spec();
        let key = Gradeable::key(&spec).expect("runs");
        assert_eq!(key, vec![3, 0, 2]);
        let (verdict, _) = spec.judge(&key, "3, 0, 2").expect("parses");
        assert_eq!(verdict, Verdict::Correct);
        let (verdict, message) = spec.judge(&key, "5 0 2").expect("parses");
        assert_eq!(verdict, Verdict::Partial);
        assert_eq!(message, "2 of 3 right; step 1: 3 (you said 5)");
    }

    #[test]
    fn a_malformed_or_short_answer_is_asked_again() {
        let spec = spec();
        let key = vec![3, 0, 2];
        assert!(spec.judge(&key, "3, zero, 2").is_err());
        assert!(spec.judge(&key, "3, 0").is_err());
        assert!(spec.judge(&key, "  ").is_err());
    }
}
