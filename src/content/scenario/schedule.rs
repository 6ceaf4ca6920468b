//! The `backoff_schedule` kind: give the ceiling of each retry attempt; the key is the
//! engine's backoff policy asked for each attempt.

use std::time::Duration;

use crate::engine::duration::format_duration;

use super::super::model::BackoffSchedule;
use super::kind::{EngineBacked, ExpectScope, LoadCheck, list_expect};
use super::specs::{
    BACKOFF_SETTINGS, ItemError, ParamValues, backoff_ceilings, names, set_one, whole,
};

impl EngineBacked for BackoffSchedule {
    type Key = Vec<Duration>;
    const LOAD: LoadCheck = LoadCheck::Key;
    const EXPECT: ExpectScope = ExpectScope::EveryVariant;

    fn settings(&self) -> Vec<&'static str> {
        names(BACKOFF_SETTINGS).chain(["attempts"]).collect()
    }

    fn templates(&self) -> Vec<(&'static str, &str)> {
        Vec::new()
    }

    fn instantiate(&mut self, values: &ParamValues) -> Result<(), ItemError> {
        for (name, value) in values {
            if name == "attempts" {
                self.attempts = whole(name, value)?;
            } else {
                set_one(BACKOFF_SETTINGS, &mut self.backoff, name, value)?;
            }
        }
        Ok(())
    }

    fn key(&self) -> Result<Self::Key, ItemError> {
        backoff_ceilings(&self.backoff, self.attempts)
    }

    fn check_expect(&self, ceilings: &Self::Key) -> Result<(), ItemError> {
        let Some(expect) = &self.expect else {
            return Ok(());
        };
        let expected: Vec<Duration> = expect.iter().map(|t| t.get()).collect();
        list_expect(&expected, ceilings, |d| format_duration(*d))
    }
}
