//! The `state_trace` kind: the breaker state after each step, keyed by the engine.

use super::super::Verdict;
use super::super::parse::{self, AnswerError};
use super::{EntryMode, Gradeable, grade_list, join_states};
use crate::content::model::{StateName, StateTrace};
use crate::content::scenario::{EngineBacked, ItemError};

impl Gradeable for StateTrace {
    type Key = Vec<StateName>;

    fn key(&self) -> Result<Vec<StateName>, ItemError> {
        EngineBacked::key(self)
    }

    fn answer_form(&self, key: &Vec<StateName>) -> String {
        format!(
            "{} states, one per step, e.g. 'CLOSED, OPEN, HALF_OPEN'",
            key.len()
        )
    }

    fn key_text(&self, key: &Vec<StateName>) -> String {
        join_states(key)
    }

    fn right_answer(&self, key: &Vec<StateName>) -> Option<String> {
        Some(join_states(key))
    }

    fn judge(&self, key: &Vec<StateName>, answer: &str) -> Result<(Verdict, String), AnswerError> {
        let given = parse::states(answer)?;
        grade_list(key, &given, "state", |s| s.as_str().to_owned())
    }

    fn entry(&self, key: &Vec<StateName>) -> EntryMode {
        EntryMode::States { steps: key.len() }
    }

    fn steps(&self, key: &Vec<StateName>) -> Option<usize> {
        Some(key.len())
    }
}
