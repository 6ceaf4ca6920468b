//! The `state_trace` kind: predict the breaker's state after each step of a script; the
//! key is the engine's run of that script.

use super::super::model::{StateName, StateTrace};
use super::kind::{EngineBacked, ExpectScope, LoadCheck, first_difference};
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
        let Some(expect) = &self.expect else {
            return Ok(());
        };
        if expect == states {
            return Ok(());
        }
        let show = |list: &[StateName]| {
            list.iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        Err(ItemError::new(
            "expect",
            format!(
                "expect disagrees with the engine\n  expected: {}\n  engine:   {}",
                show(expect),
                show(states)
            ),
        )
        .with_hint(first_difference(
            expect.len(),
            states.len(),
            expect.iter().zip(states).position(|(a, b)| a != b),
        )))
    }
}
