//! The `limiter_trace` kind: predict how many requests of each script step a rate limiter
//! admits; the key is the engine's run of that script (`engine::limiter::run`).
//!
//! A parameter named after one of the limiter's numbers (`limit`, `window_ms`, `rate`,
//! `burst`, ...) sets it. The configuration is a tagged enum, so a setting goes through
//! its serialized form: the one field of that name is replaced, and the result must still be
//! a configuration the engine accepts.

use serde_json::Value;

use super::super::model::LimiterTrace;
use super::kind::{EngineBacked, ExpectScope, LoadCheck, list_expect};
use super::specs::{ItemError, ParamValues, substitute, whole};
use crate::engine::limiter::{self, LimiterConfig, Script};

/// The numbers of the limiter configurations a parameter may set, in the order hints list
/// them. Which of them a given limiter has depends on its algorithm.
pub const LIMITER_SETTINGS: &[&str] = &[
    "limit",
    "window_ms",
    "rate",
    "burst",
    "queue",
    "delay",
    "max_tokens",
    "tokens_per_fill",
    "fill_interval_ms",
    "limit_for_period",
    "limit_refresh_period_ns",
    "timeout_ms",
];

/// The numbers `config` has, by name.
fn numbers_of(config: &LimiterConfig) -> Vec<String> {
    match serde_json::to_value(config) {
        Ok(Value::Object(map)) => map
            .into_iter()
            .filter(|(_, v)| v.is_u64())
            .map(|(k, _)| k)
            .collect(),
        _ => Vec::new(),
    }
}

/// `config` with its number `name` set to `value`.
fn set_number(config: &LimiterConfig, name: &str, value: u64) -> Result<LimiterConfig, ItemError> {
    let unknown = || {
        ItemError::new(
            "limiter",
            format!(
                "parameter '{name}' sets nothing on a {} limiter",
                config.name()
            ),
        )
        .with_hint(format!(
            "a {} limiter's settings are {}; rename the parameter or change the algorithm",
            config.name(),
            numbers_of(config).join(", ")
        ))
    };
    let mut json = serde_json::to_value(config).map_err(|_| unknown())?;
    let Some(field) = json.get_mut(name).filter(|field| field.is_u64()) else {
        return Err(unknown());
    };
    *field = Value::from(value);
    serde_json::from_value(json).map_err(|e| {
        ItemError::new(
            "limiter",
            format!("parameter '{name}' = {value} does not fit the limiter: {e}"),
        )
    })
}

impl EngineBacked for LimiterTrace {
    type Key = Vec<u32>;
    const LOAD: LoadCheck = LoadCheck::Key;
    const EXPECT: ExpectScope = ExpectScope::EveryVariant;

    fn settings(&self) -> Vec<&'static str> {
        LIMITER_SETTINGS.to_vec()
    }

    fn templates(&self) -> Vec<(&'static str, &str)> {
        vec![("script", &self.script)]
    }

    fn instantiate(&mut self, values: &ParamValues) -> Result<(), ItemError> {
        self.script = substitute(&self.script, values);
        for (name, value) in values {
            if LIMITER_SETTINGS.contains(&name.as_str()) {
                let number = u64::from(whole(name, value)?);
                self.limiter = set_number(&self.limiter, name, number)?;
            }
        }
        Ok(())
    }

    fn check_shape(&self) -> Result<(), ItemError> {
        self.limiter.validate().map_err(|e| {
            ItemError::new("limiter", format!("the limiter is invalid: {e}"))
                .with_hint("give numbers inside the bounds `patterns sim limiter` accepts")
        })?;
        Script::parse(&self.script).map(|_| ()).map_err(|e| {
            ItemError::new("script", format!("the script does not parse: {e}")).with_hint(
                "write steps as `patterns sim limiter --script` takes them, e.g. '10 +1s 5/500ms'",
            )
        })
    }

    fn key(&self) -> Result<Self::Key, ItemError> {
        self.check_shape()?;
        let script = Script::parse(&self.script)
            .map_err(|e| ItemError::new("script", format!("the script does not parse: {e}")))?;
        let steps = limiter::run(self.limiter, &script)
            .map_err(|e| ItemError::new("limiter", format!("the limiter is invalid: {e}")))?;
        Ok(steps.iter().map(|step| step.admitted).collect())
    }

    fn check_expect(&self, admitted: &Self::Key) -> Result<(), ItemError> {
        match &self.expect {
            Some(expect) => list_expect(expect, admitted, u32::to_string),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::model::ParamValue;

    fn bucket() -> LimiterTrace {
        LimiterTrace {
            limiter: LimiterConfig::TokenBucket { rate: 10, burst: 5 },
            script: "8 +500ms {n}".into(),
            expect: None,
        }
    }

    #[test]
    fn the_key_is_the_engines_admitted_count_per_step() {
        let mut spec = bucket();
        spec.instantiate(&[("n".to_owned(), ParamValue::Number(8.0))].into())
            .expect("fits");
        // A full bucket of 5 admits 5 of 8; 500 ms at 10/s refills 5; the advance admits 0.
        assert_eq!(spec.key().expect("runs"), vec![5, 0, 5]);
    }

    #[test]
    fn a_parameter_sets_the_limiters_number_and_the_key_follows() {
        let mut spec = bucket();
        let values: ParamValues = [
            ("burst".to_owned(), ParamValue::Number(2.0)),
            ("n".to_owned(), ParamValue::Number(8.0)),
        ]
        .into();
        spec.instantiate(&values).expect("fits");
        assert_eq!(
            spec.limiter,
            LimiterConfig::TokenBucket { rate: 10, burst: 2 }
        );
        assert_eq!(spec.key().expect("runs"), vec![2, 0, 2]);
    }

    #[test]
    fn a_parameter_the_algorithm_lacks_is_named_with_the_ones_it_has() {
        let mut spec = bucket();
        let error = spec
            .instantiate(&[("limit".to_owned(), ParamValue::Number(3.0))].into())
            .expect_err("token bucket has no limit");
        assert_eq!(error.field(), "limiter");
        assert!(
            error
                .to_string()
                .contains("'limit' sets nothing on a token-bucket")
        );
        assert!(error.hint().expect("hint").contains("burst, rate"));
    }

    #[test]
    fn a_wrong_expect_names_the_first_differing_step() {
        let spec = LimiterTrace {
            expect: Some(vec![5, 0, 3]),
            script: "8 +500ms 8".into(),
            ..bucket()
        };
        let key = spec.key().expect("runs");
        let error = spec.check_expect(&key).expect_err("disagrees");
        assert!(error.hint().expect("hint").contains("step 3"));
    }

    #[test]
    fn a_parametric_exercise_draws_different_keys_by_seed() {
        use crate::content::model::{Exercise, Param};
        use crate::content::scenario::{draw, instantiate};
        let exercise = Exercise {
            id: "g".into(),
            prompt: "burst {burst}: admitted per step of '{n} +500ms {n}'?".into(),
            params: [
                (
                    "burst".to_owned(),
                    Param {
                        min: Some(ParamValue::Number(2.0)),
                        max: Some(ParamValue::Number(6.0)),
                        ..Param::default()
                    },
                ),
                (
                    "n".to_owned(),
                    Param {
                        min: Some(ParamValue::Number(4.0)),
                        max: Some(ParamValue::Number(9.0)),
                        ..Param::default()
                    },
                ),
            ]
            .into(),
            limiter_trace: Some(LimiterTrace {
                script: "{n} +500ms {n}".into(),
                ..bucket()
            }),
            ..Exercise::default()
        };
        let keys: std::collections::BTreeSet<Vec<u32>> = (0..20)
            .map(|seed| {
                let values = draw(&exercise, seed).expect("draws");
                let concrete = instantiate(&exercise, &values).expect("fits");
                concrete.limiter_trace.expect("kind").key().expect("runs")
            })
            .collect();
        assert!(keys.len() >= 3, "{keys:?}");
    }

    #[test]
    fn a_bad_script_or_limiter_is_located() {
        let spec = LimiterTrace {
            script: "8 +fast".into(),
            ..bucket()
        };
        assert_eq!(spec.key().expect_err("bad").field(), "script");
        let spec = LimiterTrace {
            limiter: LimiterConfig::TokenBucket { rate: 0, burst: 5 },
            ..bucket()
        };
        assert_eq!(spec.key().expect_err("bad").field(), "limiter");
    }
}
