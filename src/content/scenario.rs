//! The bridge from content to the engine: author-friendly specs become engine configs,
//! parametric exercises become concrete ones, and engine-backed kinds are run to get their
//! keys. Graders and `check` both use this, so a key is computed in exactly one way.
//!
//! Imports run one way: `specs` and `measure` (leaves: spec → engine config, settings and
//! parameter ranges, typed run measurements) ← `kind` (the [`EngineBacked`] trait) ← one file per
//! engine-backed kind (`trace` state_trace, `schedule` backoff_schedule,
//! `limiter_trace` limiter_trace, `compute` numeric, `tune` tune) ← `params` (drawing
//! values, instantiating, the dispatch over kinds). `system` (a built-in service-chain
//! scenario run for a computed numeric or a tune) sits beside `measure`, used by `compute`
//! and `tune`; it loads scenarios through `content::system`.
//!
//! # Adding an exercise kind
//!
//! The kind list exists once, in `content/model.rs`'s `exercise_kinds!`; every layer
//! matches [`Kind`](super::model::Kind) with no `_` arm, so the compiler names each place a
//! new kind must be handled. An engine-backed kind (e.g. `limiter_trace`, `implement`)
//! touches, per layer, one file of logic and one-line registrations:
//! - content: `content/scenario/<kind>.rs` (new) — `impl EngineBacked`: settings,
//!   templates, instantiate, key (an engine call), check_expect; registered by its spec
//!   struct and one line in `model.rs`'s `exercise_kinds!`, `mod <kind>;` here, one arm
//!   each in `params::engine_backed` / `engine_backed_mut`, and one arm in
//!   `validate/exercise.rs`'s `check_exercise` (all four flagged by the compiler);
//! - grade: `grade/kinds/<kind>.rs` (new) — `impl Gradeable`: key, answer form, key text,
//!   right answer, judge, entry mode; registered by `mod <kind>;` in `grade/kinds.rs` and
//!   one name in `grade.rs`'s `graded_kinds!` (flagged by the compiler);
//! - UI: nothing — screens ask [`EntryMode`](crate::grade::EntryMode), never a kind's name.
//!
//! Before this structure the same kind touched 7 files of logic (`model.rs`: field, `Kind`,
//! `KIND_KEYS`, `kinds()`; `scenario.rs` `check_item`; `params.rs` `settable`, `templates`,
//! `script_of`, `instantiate`; `validate/exercise.rs`; `grade.rs` `Key`, `Item::new`,
//! `answer_form`, `key_text`, `right_answer`, `grade`, `steps`; `grade/kinds.rs`; the UI's
//! `question.rs` by kind name), 9 of those places behind a `_` arm that still compiled.
//!
//! A `tune` or computed `numeric` on a new engine family's metrics (`system:`) adds the
//! family's run to [`Measured`] (`measure.rs`) and its metrics to
//! [`Metric`](super::model::Metric) (`model.rs`, whose `name` match is exhaustive); the
//! family's simulation implements `engine::multirun::Family` to get its multi-run runner.
//!
//! Invariant: no rule of the engine is restated here; every key comes from an engine call.

mod compute;
mod kind;
mod limiter_trace;
mod measure;
mod params;
mod schedule;
mod specs;
mod system;
mod trace;
mod tune;
mod wording;

pub use compute::{agrees, computed};
pub use kind::{EngineBacked, ExpectScope, LoadCheck, Scenario};
pub use measure::{BreakerMeasures, Measured};
pub use params::{draw, engine_backed, extreme_variants, instantiate, settable, templates};
pub use specs::{
    ANSWER_PLACEHOLDER, BACKOFF_SETTINGS, BREAKER_SETTINGS, ItemError, MAX_ATTEMPTS,
    OUTAGE_SETTINGS, ParamValues, Setting, backoff_ceilings, backoff_config, breaker_config,
    breaker_run, breaker_trace, fill_answer, jitter, outage_config, param_values, placeholders,
    preset, set_backoff, set_breaker, state_name, substitute,
};
pub use tune::{GoalResult, TuneOutcome, simulate_tune};

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::time::Duration;

    use super::super::model::{
        BackoffSpec, BreakerSpec, Exercise, Goal, Metric, Param, ParamValue, Quantity, StateName,
        StateTrace, Timespan, Tune,
    };
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
            system: None,
            parameters: BTreeMap::new(),
            goals: vec![Goal {
                metric: Metric::Failed,
                service: None,
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
