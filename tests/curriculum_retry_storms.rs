//! The bundled `retry-storms` module: `check` passes with no warnings, `list --json` shows
//! it with its counts, every computed item's key is what a learner can work out from its
//! prompt (within the item's tolerance, for every value its parameters can draw), and the
//! two `tune` exercises are not passed by the naive configurations their prompts mention.

use std::collections::BTreeMap;

use patterns::content::Library;
use patterns::content::model::{Exercise, ParamValue, Quantity, Tolerance};
use patterns::content::scenario;
use patterns::content::scenario::{EngineBacked, ParamValues};

#[path = "support/curriculum.rs"]
mod curriculum;

fn module_exercise(id: &str) -> Exercise {
    let loaded = Library::load(&[]);
    let module = loaded.library.get("retry-storms").expect("bundled");
    module.exercise(id).expect("exercise").clone()
}

/// Every combination of every parameter's values.
fn all_values(exercise: &Exercise) -> Vec<ParamValues> {
    let mut combos: Vec<ParamValues> = vec![BTreeMap::new()];
    for (name, param) in &exercise.params {
        let values = scenario::param_values(param).expect("valid range");
        combos = combos
            .into_iter()
            .flat_map(|combo| {
                values.iter().map(move |value| {
                    let mut next = combo.clone();
                    next.insert(name.clone(), value.clone());
                    next
                })
            })
            .collect();
    }
    combos
}

fn num(values: &ParamValues, name: &str) -> f64 {
    match &values[name] {
        ParamValue::Number(x) => *x,
        ParamValue::Duration(d) => d.get().as_secs_f64(),
        other => panic!("{name} is {other}"),
    }
}

/// Checks, for every value of the parameters, that `formula` (what a learner computes from
/// the prompt) is accepted against the engine's key within the item's tolerance.
fn learner_formula_is_accepted(id: &str, formula: impl Fn(&ParamValues) -> f64) {
    let exercise = module_exercise(id);
    let combos = all_values(&exercise);
    assert!(!combos.is_empty());
    for values in combos {
        let concrete = scenario::instantiate(&exercise, &values).expect("instantiates");
        let numeric = concrete.numeric.expect("numeric");
        let Quantity::Number(key) = numeric.key().expect("computes") else {
            panic!("{id}: not a number");
        };
        let slack = match numeric.tolerance {
            None => 0.0,
            Some(Tolerance::Absolute(t)) => t.as_f64(),
            Some(Tolerance::Percent(p)) => key.abs() * p / 100.0,
        };
        let learner = formula(&values);
        assert!(
            (learner - key).abs() <= slack + 1e-9,
            "{id} with {values:?}: a learner's {learner} vs the engine's {key}"
        );
    }
}

#[test]
fn check_passes_with_no_warnings() {
    curriculum::assert_bundled_check_is_clean();
}

#[test]
fn list_shows_the_module_and_its_counts() {
    let module = curriculum::listed("retry-storms");
    assert_eq!(module["difficulty"], "intermediate");
    assert_eq!(module["minutes"], 120);
    assert_eq!(module["blocks"], 5);
    // 19 pool items plus 5 generators.
    assert_eq!(module["exam_items"], 24);
}

#[test]
fn the_exam_has_enough_parametric_items_and_two_tunes() {
    let loaded = Library::load(&[]);
    let module = loaded.library.get("retry-storms").expect("bundled");
    let exam = &module.module.exam;
    assert!(exam.generators.len() >= 5);
    for generator in &exam.generators {
        let exercise = module.exercise(&generator.exercise).expect("exists");
        assert!(exercise.is_parametric(), "{} is parametric", exercise.id);
    }
    let tunes = module
        .bank
        .exercises
        .iter()
        .filter(|e| e.tune.is_some())
        .count();
    assert_eq!(tunes, 2);
}

#[test]
fn worst_case_amplification_is_max_attempts() {
    learner_formula_is_accepted("rs-worst-case-amplification", |v| num(v, "max_attempts"));
}

#[test]
fn outage_calls_are_clients_times_seconds_times_attempts() {
    learner_formula_is_accepted("rs-outage-calls-no-backoff", |v| {
        num(v, "clients") * num(v, "outage") * num(v, "max_attempts")
    });
}

#[test]
fn bucket_retries_left_are_the_tokens_above_half() {
    learner_formula_is_accepted("rs-bucket-retries-left", |v| {
        let (max, failures) = (num(v, "max_tokens"), num(v, "failures"));
        // Retries at max - failures, max - failures - 1, ... while strictly above max / 2.
        (max - failures - (max / 2.0).floor()).max(0.0)
    });
}

#[test]
fn bucket_tokens_are_exact() {
    learner_formula_is_accepted("rs-bucket-tokens", |v| {
        let tokens = 10.0 - num(v, "failures") + num(v, "successes") * num(v, "token_ratio");
        (tokens * 1000.0).round().min(10_000.0) / 1000.0
    });
}

#[test]
fn successes_to_readmit_are_half_over_ratio_plus_one() {
    learner_formula_is_accepted("rs-bucket-successes-to-readmit", |v| {
        (num(v, "max_tokens") / 2.0 / num(v, "token_ratio")).round() + 1.0
    });
}

#[test]
fn banked_retries_are_the_percentage_of_the_past_minus_ten() {
    learner_formula_is_accepted("rs-ratio-banked-retries", |v| {
        num(v, "percent") / 100.0 * num(v, "requests") - 10.0
    });
}

#[test]
fn a_windowed_budget_holds_amplification_near_its_percentage() {
    learner_formula_is_accepted("rs-budget-caps-the-rate", |v| {
        1.0 + num(v, "percent") / 100.0
    });
}

fn choice(pairs: &[(&str, ParamValue)]) -> ParamValues {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect()
}

fn span(text: &str) -> ParamValue {
    ParamValue::Duration(patterns::content::model::Timespan(
        patterns::engine::duration::parse_duration(text).expect("duration"),
    ))
}

fn passes(id: &str, values: &ParamValues) -> bool {
    let exercise = module_exercise(id);
    let tune = exercise.tune.expect("tune");
    scenario::simulate_tune(&tune, values)
        .expect("simulates")
        .passed()
}

#[test]
fn the_outage_tune_rejects_the_defaults_and_accepts_one_spaced_retry() {
    let id = "rs-tune-outlast-the-outage";
    let name = |s: &str| ParamValue::Name(s.into());
    let n = ParamValue::Number;
    let defaults = choice(&[
        ("max_attempts", n(5.0)),
        ("base", span("1s")),
        ("jitter", name("none")),
    ]);
    assert!(
        !passes(id, &defaults),
        "the default configuration must fail"
    );
    let no_retries = choice(&[
        ("max_attempts", n(1.0)),
        ("base", span("1s")),
        ("jitter", name("none")),
    ]);
    assert!(
        !passes(id, &no_retries),
        "never retrying loses the outage requests"
    );
    let spaced = choice(&[
        ("max_attempts", n(2.0)),
        ("base", span("30s")),
        ("jitter", name("full")),
    ]);
    assert!(
        passes(id, &spaced),
        "another answer than the example passes too"
    );
}

#[test]
fn the_bucket_tune_rejects_a_small_bucket_and_fast_retries() {
    let id = "rs-tune-size-the-bucket";
    let name = |s: &str| ParamValue::Name(s.into());
    let n = ParamValue::Number;
    let small = choice(&[
        ("max_tokens", n(10.0)),
        ("max_attempts", n(2.0)),
        ("base", span("15s")),
        ("jitter", name("full")),
    ]);
    assert!(
        !passes(id, &small),
        "a bucket of 10 refuses most outage retries"
    );
    let fast = choice(&[
        ("max_tokens", n(40.0)),
        ("max_attempts", n(2.0)),
        ("base", span("1s")),
        ("jitter", name("full")),
    ]);
    assert!(!passes(id, &fast), "retries inside the outage are wasted");
    let example = choice(&[
        ("max_tokens", n(40.0)),
        ("max_attempts", n(2.0)),
        ("base", span("15s")),
        ("jitter", name("full")),
    ]);
    assert!(passes(id, &example));
}

#[test]
fn adaptive_throttling_rejects_beyond_k_times_the_accepts() {
    learner_formula_is_accepted("rs-adaptive-throttle", |v| {
        let (requests, accepts, k) = (num(v, "requests"), num(v, "accepts"), num(v, "k"));
        (((requests - k * accepts) / (requests + 1.0)).max(0.0)) * 100.0
    });
}

/// Explanations quote the drawn values and the engine's key, never the author's example:
/// the item a learner is shown (drawn and keyed by `grade::Item`) has every placeholder filled.
#[test]
fn explanations_quote_the_items_own_numbers() {
    let exercise = module_exercise("rs-adaptive-throttle");
    for seed in 0..16 {
        let item = patterns::grade::Item::new(&exercise, seed).expect("an item");
        let explanation = item.exercise().explanation.clone().expect("has one");
        assert!(!explanation.contains('{'), "{explanation}");
        let requests = item.values()["requests"].to_string();
        assert!(
            explanation.contains(&format!("max(0, ({requests} − ")),
            "{explanation}"
        );
        let Some(numeric) = item.exercise().numeric.as_ref() else {
            panic!("a numeric item");
        };
        let key = numeric.key().expect("the engine computes it").as_f64();
        let shown = format!("{key:.4}");
        let shown = shown.trim_end_matches('0').trim_end_matches('.');
        assert!(
            explanation.contains(&format!("= {shown} %")),
            "{explanation}"
        );
    }
}
