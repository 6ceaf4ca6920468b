//! The bridge from content to the engine: author-friendly specs ([`BreakerSpec`],
//! [`BackoffSpec`]) become engine configs, parametric exercises become concrete ones, and
//! engine-backed items are run to get their keys. Graders and `check` both use this, so a
//! key is computed in exactly one way.
//!
//! Invariant: no rule of the engine is restated here; every key comes from an engine call.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use crate::engine::backoff::{BackoffConfig, Jitter};
use crate::engine::breaker::{BreakerConfig, HalfOpenTransition, State};
use crate::engine::duration::format_duration;
use crate::engine::preset::{BreakerOverrides, Preset};
use crate::engine::script::{self, Script};
use crate::engine::window::WindowConfig;

use super::model::{
    BackoffSpec, BreakerSpec, JitterName, Kind, Numeric, ParamValue, PresetName, Quantity,
    StateName, Timespan, WindowSpec,
};
use super::validate::Depth;

mod compute;
mod params;
mod tune;
mod wording;

pub use compute::{agrees, computed};
pub use params::{
    ANSWER_PLACEHOLDER, draw, extreme_variants, instantiate, param_values, placeholders, script_of,
    set_backoff, set_breaker, settable, substitute, templates,
};
use tune::check_tune;
pub use tune::{GoalResult, TuneOutcome, metric_name, outage_config, simulate_tune};

/// Values drawn for parameters, by name.
pub type ParamValues = BTreeMap<String, ParamValue>;

/// Why an engine-backed item is wrong, with the field at fault (for the diagnostic's
/// position) and a hint.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemError {
    field: &'static str,
    message: String,
    hint: Option<String>,
}

impl ItemError {
    fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
            hint: None,
        }
    }

    /// A computed numeric whose authored `answer` is not the engine's key.
    pub fn disagreement(answer: Quantity, key: Quantity) -> Self {
        let shown = match key {
            Quantity::Number(x) => {
                let text = format!("{x:.4}");
                text.trim_end_matches('0').trim_end_matches('.').to_owned()
            }
            duration => duration.to_string(),
        };
        Self::new(
            "answer",
            format!("answer '{answer}' disagrees with the engine, which computes {shown}"),
        )
        .with_hint(
            "the learner is graded against the engine; fix 'answer' (for a parametric item: \
             the key with every parameter at its first value), or the computation",
        )
    }

    fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// The YAML key the problem is under (inside the exercise's kind or the lab).
    pub fn field(&self) -> &'static str {
        self.field
    }

    /// How to fix it.
    pub fn hint(&self) -> Option<String> {
        self.hint.clone()
    }
}

impl fmt::Display for ItemError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ItemError {}

/// The engine's preset for a content preset name.
pub fn preset(name: PresetName) -> Preset {
    match name {
        PresetName::Seed => Preset::Seed,
        PresetName::Pybreaker => Preset::Pybreaker,
        PresetName::Gobreaker => Preset::Gobreaker,
        PresetName::Resilience4j => Preset::Resilience4j,
        PresetName::Polly => Preset::Polly,
    }
}

/// The engine config for `spec`: the preset's defaults with the spec's values on top.
pub fn breaker_config(spec: &BreakerSpec) -> Result<BreakerConfig, ItemError> {
    let overrides = BreakerOverrides {
        failure_threshold: spec.failure_threshold,
        recovery_timeout: spec.recovery_timeout.map(Timespan::get),
        success_threshold: spec.success_threshold,
        half_open_max_calls: spec.half_open_max_calls,
        half_open_transition: spec
            .automatic_transition
            .then_some(HalfOpenTransition::Automatic),
        window: spec.window.map(|w| match w {
            WindowSpec::Count(calls) => WindowConfig::Count { calls },
            WindowSpec::Time(span) => WindowConfig::Time { span: span.get() },
        }),
        failure_rate: spec.failure_rate,
        min_calls: spec.min_calls,
        slow_call: spec.slow_call.map(Timespan::get),
        slow_rate: spec.slow_rate,
    };
    let config = preset(spec.preset.unwrap_or(PresetName::Seed))
        .configure(&overrides)
        .map_err(|e| ItemError::new("breaker", e.to_string()))?;
    config.validate().map_err(|e| {
        ItemError::new("breaker", format!("breaker: {e}"))
            .with_hint("fix the breaker's settings; `patterns sim breaker` accepts the same values")
    })?;
    Ok(config)
}

/// The content name of an engine state.
pub fn state_name(state: State) -> StateName {
    match state {
        State::Closed => StateName::Closed,
        State::Open => StateName::Open,
        State::HalfOpen => StateName::HalfOpen,
    }
}

/// Parses a script, as an item error on `field`.
fn parse_script(text: &str) -> Result<Script, ItemError> {
    Script::parse(text).map_err(|e| {
        ItemError::new("script", e.to_string())
            .with_hint("try it with `patterns sim breaker --script '...'`")
    })
}

/// Runs `script` against the breaker `spec`: the full engine run.
pub fn breaker_run(spec: &BreakerSpec, script: &str) -> Result<script::Run, ItemError> {
    let config = breaker_config(spec)?;
    let script = parse_script(script)?;
    script::run(&script, config).map_err(|e| ItemError::new("breaker", e.to_string()))
}

/// The state after each step of `script`: a state trace's key.
pub fn breaker_trace(spec: &BreakerSpec, script: &str) -> Result<Vec<StateName>, ItemError> {
    Ok(breaker_run(spec, script)?
        .states()
        .into_iter()
        .map(state_name)
        .collect())
}

/// The engine config for a backoff spec (defaults: base 1s, multiplier 2, cap 60s, none).
pub fn backoff_config(spec: &BackoffSpec) -> Result<BackoffConfig, ItemError> {
    let defaults = BackoffConfig::default();
    let config = BackoffConfig {
        base: spec.base.map_or(defaults.base, Timespan::get),
        multiplier: spec.multiplier.unwrap_or(defaults.multiplier),
        cap: spec.cap.map_or(defaults.cap, Timespan::get),
        jitter: jitter(spec.jitter.unwrap_or(JitterName::None)),
        first_exponent: 0,
    };
    config
        .validate()
        .map_err(|e| ItemError::new("backoff", format!("backoff: {e}")))?;
    Ok(config)
}

/// The engine's jitter for a content jitter name.
pub fn jitter(name: JitterName) -> Jitter {
    match name {
        JitterName::None => Jitter::None,
        JitterName::Full => Jitter::Full,
        JitterName::Equal => Jitter::Equal,
        JitterName::Decorrelated => Jitter::Decorrelated,
        JitterName::Proportional => Jitter::Proportional,
    }
}

/// The most attempts a backoff_schedule may ask about.
pub const MAX_ATTEMPTS: u32 = 30;

/// The ceiling of attempts 1..=attempts: a backoff_schedule's key.
pub fn backoff_ceilings(spec: &BackoffSpec, attempts: u32) -> Result<Vec<Duration>, ItemError> {
    if !(1..=MAX_ATTEMPTS).contains(&attempts) {
        return Err(
            ItemError::new("attempts", format!("attempts {attempts} is out of range"))
                .with_hint(format!("ask about 1 to {MAX_ATTEMPTS} attempts")),
        );
    }
    let config = backoff_config(spec)?;
    Ok((1..=attempts).map(|n| config.ceiling(n)).collect())
}

/// Checks one concrete engine-backed item: its scenario runs, an authored `expect` agrees
/// with the engine, a tune's example meets its goals (at [`Depth::Full`]).
pub fn check_item(kind: Kind, depth: Depth) -> Result<(), ItemError> {
    match kind {
        Kind::StateTrace(trace) => {
            let states = breaker_trace(&trace.breaker, &trace.script)?;
            if let Some(expect) = &trace.expect
                && depth == Depth::Full
                && *expect != states
            {
                let show = |list: &[StateName]| {
                    list.iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                return Err(ItemError::new(
                    "expect",
                    format!(
                        "expect disagrees with the engine\n  expected: {}\n  engine:   {}",
                        show(expect),
                        show(&states)
                    ),
                )
                .with_hint(first_difference(
                    expect.len(),
                    states.len(),
                    expect.iter().zip(&states).position(|(a, b)| a != b),
                )));
            }
            Ok(())
        }
        Kind::BackoffSchedule(schedule) => {
            let ceilings = backoff_ceilings(&schedule.backoff, schedule.attempts)?;
            if let Some(expect) = &schedule.expect
                && depth == Depth::Full
            {
                let expected: Vec<Duration> = expect.iter().map(|t| t.get()).collect();
                if expected != ceilings {
                    let show = |list: &[Duration]| {
                        list.iter()
                            .map(|d| format_duration(*d))
                            .collect::<Vec<_>>()
                            .join(", ")
                    };
                    return Err(ItemError::new(
                        "expect",
                        format!(
                            "expect disagrees with the engine\n  expected: {}\n  engine:   {}",
                            show(&expected),
                            show(&ceilings)
                        ),
                    )
                    .with_hint(first_difference(
                        expected.len(),
                        ceilings.len(),
                        expected.iter().zip(&ceilings).position(|(a, b)| a != b),
                    )));
                }
            }
            Ok(())
        }
        Kind::Tune(tune) => check_tune(tune, depth),
        Kind::Numeric(Numeric {
            compute: Some(compute),
            answer,
            ..
        }) => {
            let key = computed(compute)?;
            if depth == Depth::Full && key.is_duration() != answer.is_duration() {
                return Err(ItemError::new(
                    "answer",
                    format!(
                        "the answer '{answer}' is {} but the engine computes {}",
                        if answer.is_duration() {
                            "a duration"
                        } else {
                            "a number"
                        },
                        if key.is_duration() {
                            "a duration"
                        } else {
                            "a number"
                        },
                    ),
                ));
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

fn first_difference(expected: usize, engine: usize, first: Option<usize>) -> String {
    match first {
        Some(i) => format!(
            "they first differ at step {}; the learner is graded against the engine, so fix 'expect' (or the scenario)",
            i + 1
        ),
        None => format!(
            "'expect' has {expected} entries but the engine gives {engine}; give one per step"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::super::model::{Exercise, Goal, Metric, Param, Quantity, StateTrace, Tune};
    use super::*;

    fn seed_exam() -> BreakerSpec {
        BreakerSpec {
            failure_threshold: Some(5),
            recovery_timeout: Some(Timespan(Duration::from_secs(30))),
            success_threshold: Some(3),
            ..BreakerSpec::default()
        }
    }

    #[test]
    fn the_seed_exam_trace_comes_from_the_engine() {
        let states = breaker_trace(&seed_exam(), "4F 1S 5F +31s 2S 1F").expect("runs");
        use StateName::*;
        assert_eq!(states, vec![Closed, Closed, Open, Open, HalfOpen, Open]);
    }

    #[test]
    fn ceilings_double_up_to_the_cap() {
        let spec = BackoffSpec {
            base: Some(Timespan(Duration::from_secs(1))),
            cap: Some(Timespan(Duration::from_secs(5))),
            ..BackoffSpec::default()
        };
        let ceilings = backoff_ceilings(&spec, 4).expect("valid");
        let secs: Vec<u64> = ceilings.iter().map(Duration::as_secs).collect();
        assert_eq!(secs, vec![1, 2, 4, 5]);
    }

    #[test]
    fn placeholders_are_found_and_substituted() {
        assert_eq!(placeholders("{n}F +{wait} {x y} {}"), vec!["n", "wait"]);
        let values: ParamValues = [("n".to_owned(), ParamValue::Number(3.0))].into();
        assert_eq!(substitute("{n}F 1S", &values), "3F 1S");
    }

    fn variant_exercise() -> Exercise {
        Exercise {
            id: "v".into(),
            prompt: "threshold {failure_threshold}, wait {recovery_timeout}".into(),
            params: [
                (
                    "failure_threshold".to_owned(),
                    Param {
                        min: Some(ParamValue::Number(3.0)),
                        max: Some(ParamValue::Number(6.0)),
                        ..Param::default()
                    },
                ),
                (
                    "recovery_timeout".to_owned(),
                    Param {
                        min: Some(ParamValue::Duration(Timespan(Duration::from_secs(10)))),
                        max: Some(ParamValue::Duration(Timespan(Duration::from_secs(40)))),
                        step: Some(ParamValue::Duration(Timespan(Duration::from_secs(10)))),
                        ..Param::default()
                    },
                ),
            ]
            .into(),
            state_trace: Some(StateTrace {
                breaker: BreakerSpec::default(),
                script: "{failure_threshold}F +{recovery_timeout} 1S +1s 2S".into(),
                expect: None,
            }),
            ..Exercise::default()
        }
    }

    #[test]
    fn a_seed_always_draws_the_same_variant() {
        let exercise = variant_exercise();
        let a = draw(&exercise, 7).expect("draws");
        assert_eq!(a, draw(&exercise, 7).expect("draws"));
        let seeds_differ = (0..20).any(|seed| draw(&exercise, seed).expect("draws") != a);
        assert!(seeds_differ, "different seeds give different variants");
    }

    #[test]
    fn instantiation_sets_the_breaker_and_the_text() {
        let exercise = variant_exercise();
        let values: ParamValues = [
            ("failure_threshold".to_owned(), ParamValue::Number(4.0)),
            (
                "recovery_timeout".to_owned(),
                ParamValue::Duration(Timespan(Duration::from_secs(20))),
            ),
        ]
        .into();
        let concrete = instantiate(&exercise, &values).expect("fits");
        assert_eq!(concrete.prompt, "threshold 4, wait 20s");
        let trace = concrete.state_trace.expect("trace");
        assert_eq!(trace.script, "4F +20s 1S +1s 2S");
        assert_eq!(trace.breaker.failure_threshold, Some(4));
        use StateName::*;
        assert_eq!(
            breaker_trace(&trace.breaker, &trace.script).expect("runs"),
            vec![Open, Open, Open, Open, Closed]
        );
        assert!(concrete.params.is_empty());
    }

    #[test]
    fn extremes_cover_every_corner() {
        let variants = extreme_variants(&variant_exercise()).expect("valid");
        assert_eq!(variants.len(), 4);
    }

    #[test]
    fn a_tune_choice_is_judged_by_simulation() {
        let tune = Tune {
            breaker: Some(BreakerSpec::default()),
            script: Some("20S 30F".into()),
            outage: None,
            backoff: None,
            parameters: BTreeMap::new(),
            goals: vec![Goal {
                metric: Metric::Failed,
                at_most: Some(Quantity::Number(10.0)),
                at_least: None,
            }],
            example: BTreeMap::new(),
        };
        let pick = |n: f64| -> ParamValues {
            [("failure_threshold".to_owned(), ParamValue::Number(n))].into()
        };
        let low = simulate_tune(&tune, &pick(5.0)).expect("runs");
        assert!(low.passed(), "{low:?}");
        let high = simulate_tune(&tune, &pick(20.0)).expect("runs");
        assert!(!high.passed());
        assert_eq!(high.goals[0].summary, "failed = 20, goal: at most 10");
    }

    #[test]
    fn ranges_enumerate_by_step() {
        let param = Param {
            min: Some(ParamValue::Number(2.0)),
            max: Some(ParamValue::Number(6.0)),
            step: Some(ParamValue::Number(2.0)),
            ..Param::default()
        };
        assert_eq!(
            param_values(&param).expect("valid"),
            vec![
                ParamValue::Number(2.0),
                ParamValue::Number(4.0),
                ParamValue::Number(6.0)
            ]
        );
        let bad = Param {
            min: Some(ParamValue::Number(6.0)),
            max: Some(ParamValue::Number(2.0)),
            ..Param::default()
        };
        assert!(param_values(&bad).is_err());
    }
}
