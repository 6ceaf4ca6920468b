//! The `backoff_schedule` kind: the ceiling of each retry attempt, keyed by the engine.

use std::time::Duration;

use super::super::Verdict;
use super::super::parse::{self, AnswerError};
use super::{EntryMode, Gradeable, grade_list, join_durations};
use crate::content::model::BackoffSchedule;
use crate::content::scenario::{EngineBacked, ItemError};
use crate::engine::duration::format_duration;

impl Gradeable for BackoffSchedule {
    type Key = Vec<Duration>;

    fn key(&self) -> Result<Vec<Duration>, ItemError> {
        EngineBacked::key(self)
    }

    fn answer_form(&self, key: &Vec<Duration>) -> String {
        format!(
            "{} durations, one per attempt, e.g. '1s, 2s, 4s'",
            key.len()
        )
    }

    fn key_text(&self, key: &Vec<Duration>) -> String {
        join_durations(key)
    }

    fn right_answer(&self, key: &Vec<Duration>) -> Option<String> {
        Some(join_durations(key))
    }

    fn judge(&self, key: &Vec<Duration>, answer: &str) -> Result<(Verdict, String), AnswerError> {
        let given = parse::durations(answer)?;
        grade_list(key, &given, "duration", |d| format_duration(*d))
    }

    fn entry(&self, _key: &Vec<Duration>) -> EntryMode {
        EntryMode::Line
    }

    fn steps(&self, key: &Vec<Duration>) -> Option<usize> {
        Some(key.len())
    }
}
