//! The `state_trace` kind: predict the breaker's state after each step of a script; the
//! key is the engine's run of that script.

use super::super::model::{StateName, StateTrace};
use super::kind::{EngineBacked, ExpectScope, LoadCheck, list_expect};
use super::specs::{
    BREAKER_SETTINGS, ItemError, ParamValues, apply, breaker_trace, names, substitute,
};

impl EngineBacked for StateTrace {
    type Key = Vec<StateName>;
    const LOAD: LoadCheck = LoadCheck::Key;
    const EXPECT: ExpectScope = ExpectScope::EveryVariant;

    fn settings(&self) -> Vec<&'static str> {
        names(BREAKER_SETTINGS).collect()
    }

    fn templates(&self) -> Vec<(&'static str, &str)> {
        vec![("script", &self.script)]
    }

    fn instantiate(&mut self, values: &ParamValues) -> Result<(), ItemError> {
        self.script = substitute(&self.script, values);
        apply(BREAKER_SETTINGS, &mut self.breaker, values)
    }

    fn key(&self) -> Result<Self::Key, ItemError> {
        breaker_trace(&self.breaker, &self.script)
    }

    fn check_expect(&self, states: &Self::Key) -> Result<(), ItemError> {
        match &self.expect {
            Some(expect) => list_expect(expect, states, |s| s.as_str().to_owned()),
            None => Ok(()),
        }
    }
}
