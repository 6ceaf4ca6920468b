use std::collections::BTreeMap;

use super::*;
use crate::content::model::{
    BackoffSchedule, BackoffSpec, BreakerSpec, Choice, Goal, Metric, Numeric, Param, ParamValue,
    Quantity, Reflection, StateName, StateTrace, Timespan, Tolerance, Tune,
};
use crate::content::scenario;
use crate::content::{Library, LoadedModule};
use kinds::join_states;
use std::time::Duration;

fn bundled() -> LoadedModule {
    crate::content::load::bundled_module("circuit-breaker")
}

fn item(id: &str) -> Item {
    let module = bundled();
    Item::new(module.exercise(id).expect("exercise exists"), 7).expect("item")
}

#[test]
fn choice_by_letter_number_and_case() {
    let item = item("cb-slow-versus-down");
    for answer in ["b", "B", "2", " (b) "] {
        assert_eq!(
            item.grade(answer).expect("parses").verdict,
            Verdict::Correct
        );
    }
    let wrong = item.grade("a").expect("parses");
    assert_eq!(wrong.verdict, Verdict::Wrong);
    assert!(wrong.key.starts_with("b) "));
    assert!(!wrong.explanation.is_empty());
    assert!(item.grade("b, c").is_err(), "one option only");
    assert!(item.grade("banana").is_err());
}

#[test]
fn multiple_choice_gives_partial_credit() {
    let exercise = Exercise {
        id: "many".into(),
        prompt: "states?".into(),
        choice: Some(Choice {
            options: vec![
                "CLOSED".into(),
                "OPEN".into(),
                "HALF_OPEN".into(),
                "X".into(),
            ],
            answer: vec!["a".into(), "b".into(), "c".into()],
            multiple: true,
        }),
        ..Exercise::default()
    };
    let item = Item::new(&exercise, 1).expect("item");
    assert_eq!(item.grade("a,b,c").expect("ok").verdict, Verdict::Correct);
    assert_eq!(item.grade("c b a").expect("ok").verdict, Verdict::Correct);
    let partial = item.grade("a, d").expect("ok");
    assert_eq!(partial.verdict, Verdict::Partial);
    assert!(partial.message.contains("d wrong") && partial.message.contains("missed"));
    assert_eq!(item.grade("d").expect("ok").verdict, Verdict::Wrong);
}

#[test]
fn numeric_durations_within_tolerance() {
    let item = item("cb-pool-exhaustion"); // 2s ± 10%
    for answer in ["2s", "2 s", "2000ms", "2.1s"] {
        assert_eq!(item.grade(answer).expect(answer).verdict, Verdict::Correct);
    }
    let wrong = item.grade("30s").expect("parses");
    assert_eq!(wrong.verdict, Verdict::Wrong);
    assert!(wrong.message.contains("too high"));
    let error = item.grade("2").expect_err("a duration needs a unit");
    assert!(error.0.contains("'2s'"));
    assert!(item.grade("banana").is_err());
}

#[test]
fn numeric_numbers_with_units_and_exactness() {
    let item = item("cb-retry-amplification"); // 27 calls
    for answer in ["27", "27 calls", "27.0"] {
        assert_eq!(item.grade(answer).expect(answer).verdict, Verdict::Correct);
    }
    assert_eq!(item.grade("9").expect("parses").verdict, Verdict::Wrong);
    let error = item.grade("banana").expect_err("not a number");
    assert!(error.0.contains("'banana'"));
}

#[test]
fn numeric_percent_reads_either_way() {
    let exercise = Exercise {
        id: "rate".into(),
        prompt: "success rate?".into(),
        numeric: Some(Numeric {
            answer: Quantity::Number(0.95),
            tolerance: Some(Tolerance::Absolute(Quantity::Number(0.01))),
            unit: None,
            compute: None,
        }),
        ..Exercise::default()
    };
    let item = Item::new(&exercise, 1).expect("item");
    assert_eq!(item.grade("95%").expect("ok").verdict, Verdict::Correct);
    assert_eq!(item.grade("0.95").expect("ok").verdict, Verdict::Correct);
    assert_eq!(item.grade("80%").expect("ok").verdict, Verdict::Wrong);
}

#[test]
fn text_accepts_state_spellings() {
    let item = item("cb-half-open-failure"); // OPEN
    for answer in ["OPEN", "open", "o", "Open."] {
        assert_eq!(item.grade(answer).expect(answer).verdict, Verdict::Correct);
    }
    assert_eq!(item.grade("closed").expect("ok").verdict, Verdict::Wrong);
    assert!(item.grade("   ").is_err());
}

#[test]
fn state_trace_key_comes_from_the_engine_not_expect() {
    // An `expect` that lies must not change the key.
    let exercise = Exercise {
        id: "trace".into(),
        prompt: "trace".into(),
        state_trace: Some(StateTrace {
            breaker: BreakerSpec {
                failure_threshold: Some(5),
                recovery_timeout: Some(Timespan(Duration::from_secs(30))),
                success_threshold: Some(3),
                ..BreakerSpec::default()
            },
            script: "4F 1S 5F +31s 2S 1F".into(),
            expect: Some(vec![StateName::Closed; 6]),
        }),
        ..Exercise::default()
    };
    let item = Item::new(&exercise, 1).expect("item");
    assert_eq!(item.steps(), Some(6));
    assert_eq!(
        item.key_text(),
        "CLOSED, CLOSED, OPEN, OPEN, HALF_OPEN, OPEN"
    );
    let right = item
        .grade("closed closed open open half open open")
        .expect("parses");
    assert_eq!(right.verdict, Verdict::Correct);
    let partial = item.grade("c c o o c o").expect("parses");
    assert_eq!(partial.verdict, Verdict::Partial);
    assert!(
        partial
            .message
            .contains("step 5: HALF_OPEN (you said CLOSED)")
    );
    assert_eq!(
        item.grade("o o c c c c").expect("parses").verdict,
        Verdict::Wrong
    );
    let short = item.grade("c c o").expect_err("too few");
    assert!(short.0.contains("give 6 states"));
    assert!(item.grade("c c o o banana o").is_err());
}

#[test]
fn backoff_schedule_key_from_the_engine() {
    let exercise = Exercise {
        id: "ceilings".into(),
        prompt: "ceilings".into(),
        backoff_schedule: Some(BackoffSchedule {
            backoff: BackoffSpec {
                base: Some(Timespan(Duration::from_secs(1))),
                cap: Some(Timespan(Duration::from_secs(5))),
                ..BackoffSpec::default()
            },
            attempts: 4,
            expect: Some(vec![Timespan(Duration::from_secs(9)); 4]),
        }),
        ..Exercise::default()
    };
    let item = Item::new(&exercise, 1).expect("item");
    assert_eq!(item.key_text(), "1s, 2s, 4s, 5s");
    for answer in ["1s, 2s, 4s, 5s", "1 s 2 s 4 s 5 s", "1000ms\n2s\n4s\n5s"] {
        assert_eq!(item.grade(answer).expect(answer).verdict, Verdict::Correct);
    }
    assert_eq!(
        item.grade("1s, 2s, 4s, 8s").expect("ok").verdict,
        Verdict::Partial
    );
    assert!(item.grade("1, 2, 4, 5").is_err(), "units are required");
}

fn tune_exercise() -> Exercise {
    Exercise {
        id: "tune".into(),
        prompt: "tune".into(),
        tune: Some(Tune {
            breaker: Some(BreakerSpec::default()),
            script: Some("20S 30F".into()),
            outage: None,
            backoff: None,
            system: None,
            parameters: BTreeMap::from([(
                "failure_threshold".to_owned(),
                Param {
                    min: Some(ParamValue::Number(1.0)),
                    max: Some(ParamValue::Number(30.0)),
                    ..Param::default()
                },
            )]),
            goals: vec![
                Goal {
                    metric: Metric::Failed,
                    service: None,
                    at_most: Some(Quantity::Number(10.0)),
                    at_least: None,
                },
                Goal {
                    metric: Metric::Succeeded,
                    service: None,
                    at_least: Some(Quantity::Number(20.0)),
                    at_most: None,
                },
            ],
            example: BTreeMap::from([("failure_threshold".to_owned(), ParamValue::Number(5.0))]),
        }),
        explanation: Some("opens on the threshold-th failure".into()),
        ..Exercise::default()
    }
}

#[test]
fn tune_is_graded_by_simulation() {
    let item = Item::new(&tune_exercise(), 1).expect("item");
    let good = item.grade("failure_threshold=8").expect("parses");
    assert_eq!(good.verdict, Verdict::Correct);
    assert!(
        good.message.contains("failed = 8, goal: at most 10 ✓"),
        "{}",
        good.message
    );
    let partial = item.grade("failure_threshold: 12").expect("parses");
    assert_eq!(partial.verdict, Verdict::Partial);
    assert!(partial.message.contains("failed = 12, goal: at most 10 ✗"));
    assert!(
        item.grade("failure_threshold=99")
            .expect_err("range")
            .0
            .contains("1..30")
    );
    assert!(
        item.grade("recovery_timeout=5s")
            .expect_err("not tunable")
            .0
            .contains("failure_threshold")
    );
    assert!(item.grade("failure_threshold=banana").is_err());
}

#[test]
fn reflection_is_journaled_not_graded() {
    let exercise = Exercise {
        id: "j".into(),
        prompt: "think".into(),
        reflection: Some(Reflection {
            guidance: Some("name the pool".into()),
        }),
        ..Exercise::default()
    };
    let item = Item::new(&exercise, 1).expect("item");
    assert!(!item.is_graded());
    assert!(item.grade("").is_err());
    assert_eq!(item.grade("the db pool").expect("ok").key, "name the pool");
}

#[test]
fn parametric_items_are_deterministic_per_seed() {
    let module = bundled();
    let exercise = module.exercise("cb-trace-variant").expect("exists");
    let a = Item::new(exercise, 42).expect("item");
    let b = Item::new(exercise, 42).expect("item");
    assert_eq!(a, b);
    assert!(
        !a.prompt().contains('{'),
        "placeholders replaced: {}",
        a.prompt()
    );
    // The key is the engine's for the drawn values.
    let threshold = a.values()["failure_threshold"].to_string();
    let failures = a.values()["failures"].to_string();
    let wait = a.values()["wait"].to_string();
    let spec = BreakerSpec {
        failure_threshold: threshold.parse().ok(),
        success_threshold: Some(2),
        recovery_timeout: Some(Timespan(std::time::Duration::from_secs(30))),
        ..BreakerSpec::default()
    };
    let script = format!("{failures}F +{wait} 1S +1s 2S 1F");
    let states = scenario::breaker_trace(&spec, &script).expect("runs");
    assert_eq!(a.key_text(), join_states(&states));
    // Some other seed draws other values.
    let differs =
        (0..20).any(|seed| Item::new(exercise, seed).expect("item").values() != a.values());
    assert!(differs);
}

#[test]
fn hints_reveal_tiers_in_order() {
    let item = item("cb-seed-exam-trace");
    let mut hints = Hints::default();
    assert_eq!(hints.next(&item), Some(item.hints()[0].as_str()));
    assert_eq!(hints.next(&item), Some(item.hints()[1].as_str()));
    assert_eq!(hints.used(), 2);
    assert_eq!(hints.shown(&item).len(), 2);
    while hints.next(&item).is_some() {}
    assert_eq!(hints.used() as usize, item.hints().len());
}

/// Every exercise of every bundled module (not only circuit-breaker): items are made for
/// many seeds, and each graded item's `right_answer` grades correct.
#[test]
fn right_answers_grade_correct_in_every_bundled_module() {
    let library = Library::load(&[]).library;
    assert!(library.modules().len() >= 3);
    for module in library.modules() {
        for exercise in &module.bank.exercises {
            for seed in 0..20 {
                let item =
                    Item::new(exercise, seed).unwrap_or_else(|e| panic!("{}: {e}", module.id()));
                if !item.is_graded() {
                    assert_eq!(item.right_answer(), None, "{}", item.id());
                    continue;
                }
                let answer = item
                    .right_answer()
                    .unwrap_or_else(|| panic!("{}: graded but no right answer", item.id()));
                let graded = item.grade(&answer).expect("the right answer parses");
                assert_eq!(
                    graded.verdict,
                    Verdict::Correct,
                    "{} seed {seed}: {answer}",
                    item.id()
                );
            }
        }
    }
}

#[test]
fn right_answers_grade_correct_for_every_bundled_item() {
    let module = bundled();
    for exercise in &module.bank.exercises {
        for seed in 0..5 {
            let item = Item::new(exercise, seed).expect("item");
            let Some(answer) = item.right_answer() else {
                continue;
            };
            let graded = item.grade(&answer).expect("the right answer parses");
            assert_eq!(graded.verdict, Verdict::Correct, "{}: {answer}", item.id());
        }
    }
    let tune = Item::new(&tune_exercise(), 1).expect("item");
    let answer = tune.right_answer().expect("example");
    assert_eq!(
        tune.grade(&answer).expect("parses").verdict,
        Verdict::Correct
    );
}
