//! Script parsing and the runner's step rules.

use std::time::Duration;

use proptest::prelude::*;

use super::*;
use crate::engine::breaker::{HalfOpenTransition, State::*};
use crate::engine::preset::Preset;

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

fn exam_config() -> BreakerConfig {
    BreakerConfig {
        failure_threshold: Some(5),
        recovery_timeout: secs(30),
        success_threshold: 3,
        ..BreakerConfig::default()
    }
}

fn run_text(script: &str, config: BreakerConfig) -> Run {
    run(&Script::parse(script).unwrap(), config).unwrap()
}

#[test]
fn parses_every_form() {
    let script = Script::parse(" 4F f 1s\tS 3S@2s 1f@500ms +31s ").unwrap();
    let actions: Vec<_> = script.tokens().iter().map(|t| t.action).collect();
    let calls = |count, result, duration| Action::Calls {
        count,
        result,
        duration,
    };
    use CallResult::{Failure, Success};
    assert_eq!(
        actions,
        [
            calls(4, Failure, Duration::ZERO),
            calls(1, Failure, Duration::ZERO),
            calls(1, Success, Duration::ZERO),
            calls(1, Success, Duration::ZERO),
            calls(3, Success, secs(2)),
            calls(1, Failure, Duration::from_millis(500)),
            Action::Advance(secs(31)),
        ]
    );
    assert_eq!(script.to_string(), "4F f 1s S 3S@2s 1f@500ms +31s");
    assert_eq!(Token::from(actions[4]).text, "3S@2s");
    assert_eq!(Token::from(actions[6]).text, "+31s");
}

#[test]
fn scripts_are_text_in_files() {
    let script: Script = serde_json::from_str(r#""4F 1S +31s""#).unwrap();
    assert_eq!(script.tokens().len(), 3);
    assert_eq!(serde_json::to_string(&script).unwrap(), r#""4F 1S +31s""#);
    let error = serde_json::from_str::<Script>(r#""4F 5X""#).unwrap_err();
    assert!(error.to_string().contains("token 2 '5X'"), "{error}");
}

#[test]
fn errors_name_the_token_its_position_and_the_forms() {
    let error = Script::parse("4F 1S 5X").unwrap_err();
    assert_eq!(
        error,
        ScriptError::Token {
            token: "5X".to_owned(),
            position: 3,
            problem: "is not a step".to_owned()
        }
    );
    let message = error.to_string();
    assert!(message.starts_with("token 3 '5X' is not a step; accepted forms: 'NF' or 'F'"));
    assert!(message.ends_with("e.g. '4F 1S 5F +31s 2S 1F'"));

    let problems = [
        ("0F", "makes 0 calls; N is at least 1"),
        ("100001S", "makes too many calls; at most 100000 per token"),
        (
            "99999999999999999999999F",
            "makes too many calls; at most 100000 per token",
        ),
        ("x3F", "has 'x3' where a number of calls belongs"),
        ("-3F", "has '-3' where a number of calls belongs"),
        (
            "+31",
            "does not advance the clock: '31' has no unit; write a number and a unit, e.g. '500ms', '31s', '2m', '1h' or '1m30s'",
        ),
        (
            "2S@",
            "has a bad call duration: '' is empty; write a number and a unit, e.g. '500ms', '31s', '2m', '1h' or '1m30s'",
        ),
        ("@1s", "is not a step"),
        ("31x", "is not a step"),
        ("4FF", "has '4F' where a number of calls belongs"),
    ];
    for (token, problem) in problems {
        match Script::parse(token) {
            Err(ScriptError::Token {
                token: t,
                position: 1,
                problem: p,
            }) => assert_eq!((t.as_str(), p.as_str()), (token, problem)),
            other => panic!("{token}: {other:?}"),
        }
    }
    assert_eq!(Script::parse(" \n "), Err(ScriptError::Empty));
    assert_eq!(
        Script::parse(&"100000F ".repeat(11)),
        Err(ScriptError::TooManyCalls { calls: 1_100_000 })
    );
    assert!(Script::parse(&"100000F ".repeat(10)).is_ok());
}

#[test]
fn the_seed_exam_step_by_step() {
    let run = run_text("4F 1S 5F +31s 2S 1F", exam_config());
    assert_eq!(run.states(), [Closed, Closed, Open, Open, HalfOpen, Open]);
    let counts: Vec<_> = run
        .steps
        .iter()
        .map(|s| {
            (
                s.at_ms,
                s.failure_count,
                s.success_count,
                s.calls,
                s.rejected,
            )
        })
        .collect();
    assert_eq!(
        counts,
        [
            (0, 4, 0, 4, 0),
            (0, 0, 0, 1, 0),
            (0, 0, 0, 5, 0),
            (31_000, 0, 0, 0, 0),
            (31_000, 0, 2, 2, 0),
            (31_000, 0, 0, 1, 0),
        ]
    );
    let transitions: Vec<_> = run.steps.iter().map(|s| s.transitions.len()).collect();
    assert_eq!(transitions, [0, 0, 1, 0, 1, 1]);
    assert_eq!(run.stats.calls, 13);
    assert!(run.steps[0].window.is_none());
}

#[test]
fn rejected_calls_take_no_time_admitted_slow_calls_do() {
    let run = run_text("5F 3S@10s +25s 2S@10s", exam_config());
    // Opened at 0: the three 10 s calls are rejected at 0 and the clock stays there.
    assert_eq!((run.steps[1].at_ms, run.steps[1].rejected), (0, 3));
    // At 25 s the breaker is still OPEN; the first slow call is rejected, the clock does
    // not move, the second is rejected too.
    assert_eq!((run.steps[3].at_ms, run.steps[3].rejected), (25_000, 2));
    let run = run_text("5F +31s 2S@10s 1S", exam_config());
    assert_eq!(run.steps[2].at_ms, 51_000);
    assert_eq!(run.steps[2].state, HalfOpen);
    assert_eq!(run.steps[3].state, Closed);
    assert_eq!(run.steps[3].transitions[0].at, secs(51));
}

#[test]
fn a_slow_failure_opens_when_it_completes() {
    let config = BreakerConfig {
        failure_threshold: Some(1),
        ..exam_config()
    };
    let run = run_text("1F@40s +30s +1s", config);
    assert_eq!(run.steps[0].transitions[0].at, secs(40));
    let auto = BreakerConfig {
        half_open_transition: HalfOpenTransition::Automatic,
        failure_threshold: Some(1),
        ..exam_config()
    };
    let run = run_text("1F@40s +30s +1s", auto);
    assert_eq!(run.states(), [Open, Open, HalfOpen]);
    assert_eq!(run.steps[2].transitions[0].at_ms(), 70_000);
}

#[test]
fn automatic_transition_is_reported_by_the_step_that_crosses_the_timeout() {
    let auto = BreakerConfig {
        half_open_transition: HalfOpenTransition::Automatic,
        ..exam_config()
    };
    let run = run_text("5F +31s 2S 1F", auto);
    assert_eq!(run.states(), [Open, HalfOpen, HalfOpen, Open]);
    let crossing = &run.steps[1];
    assert_eq!(crossing.at_ms, 31_000);
    assert_eq!(crossing.transitions.len(), 1);
    assert_eq!(crossing.transitions[0].to, HalfOpen);
    assert_eq!(
        crossing.transitions[0].at_ms(),
        30_000,
        "when the timeout elapsed"
    );
}

#[test]
fn presets_disagree_on_one_script() {
    let script = "5F +1m 1F +61s 1S 1S";
    let states = |preset: Preset| run_text(script, preset.config()).states();
    assert_eq!(
        states(Preset::Seed),
        [Open, Open, Open, Open, HalfOpen, Closed]
    );
    assert_eq!(
        states(Preset::Pybreaker),
        [Open, Open, Open, Open, Closed, Closed]
    );
    assert_eq!(
        states(Preset::Gobreaker),
        [Closed, Closed, Open, Open, Closed, Closed]
    );
}

#[test]
fn script_calls_run_one_after_another_so_a_half_open_cap_never_bites() {
    let run = run_text("6F +61s 2S@1s", Preset::Gobreaker.config());
    // The first slow call is the trial; it closes on completion at 62s, so the second runs.
    assert_eq!(run.steps[2].rejected, 0);
    assert_eq!(run.steps[2].at_ms, 63_000);
}

#[test]
fn rate_steps_report_the_window() {
    let run = run_text("60S 40F", Preset::Resilience4j.config());
    let window = run.steps[1].window.unwrap();
    assert_eq!(
        (window.calls, window.failures, window.failure_rate),
        (100, 40, 40.0)
    );
    let run = run_text("50S 50F +61s 5F 5S", Preset::Resilience4j.config());
    assert_eq!(run.states(), [Closed, Open, Open, HalfOpen, Open]);
}

impl Transition {
    fn at_ms(&self) -> u64 {
        millis(self.at)
    }
}

fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        (1u32..8, prop::sample::select(vec!["F", "S", "f", "s"]))
            .prop_map(|(n, l)| format!("{n}{l}")),
        prop::sample::select(vec!["F", "S"]).prop_map(str::to_owned),
        (1u32..4, prop::sample::select(vec!["F", "S"]), 1u64..90)
            .prop_map(|(n, l, s)| format!("{n}{l}@{s}s")),
        (0u64..100).prop_map(|s| format!("+{s}s")),
        (1u64..2000).prop_map(|ms| format!("+{ms}ms")),
    ]
}

fn config() -> impl Strategy<Value = BreakerConfig> {
    (
        prop::sample::select(Preset::ALL.to_vec()),
        1u32..7,
        0u64..70,
        any::<bool>(),
    )
        .prop_map(|(preset, threshold, timeout, automatic)| {
            let mut config = preset.config();
            if config.failure_threshold.is_some() {
                config.failure_threshold = Some(threshold);
            }
            config.recovery_timeout = secs(timeout);
            if automatic {
                config.half_open_transition = HalfOpenTransition::Automatic;
            }
            config
        })
}

proptest! {
    #[test]
    fn runs_are_consistent_and_deterministic(
        tokens in prop::collection::vec(token(), 1..40),
        config in config(),
    ) {
        let text = tokens.join(" ");
        let script = Script::parse(&text).unwrap();
        let first = run(&script, config.clone()).unwrap();
        prop_assert_eq!(&first, &run(&script, config).unwrap(), "same input, same output");

        let calls: u64 = first.steps.iter().map(|s| u64::from(s.calls)).sum();
        let rejected: u64 = first.steps.iter().map(|s| u64::from(s.rejected)).sum();
        let stats = first.stats;
        prop_assert_eq!(stats.calls, calls);
        prop_assert_eq!(stats.rejected, rejected);
        prop_assert_eq!(stats.succeeded + stats.failed + stats.rejected, stats.calls);

        let mut state = Closed;
        let mut at_ms = 0;
        for step in &first.steps {
            prop_assert!(step.rejected <= step.calls);
            prop_assert!(step.at_ms >= at_ms, "the clock never runs back");
            for t in &step.transitions {
                prop_assert_eq!(t.from, state, "each transition starts where the last ended");
                if t.from == Open {
                    prop_assert_eq!(t.to, HalfOpen, "OPEN is only left to HALF_OPEN");
                }
                prop_assert!(t.at_ms() <= step.at_ms);
                state = t.to;
            }
            prop_assert_eq!(step.state, state, "the step's state is where its transitions end");
            at_ms = step.at_ms;
        }
    }

    #[test]
    fn parsing_never_panics(text in "\\PC{0,40}") {
        let _ = Script::parse(&text);
    }

    #[test]
    fn printing_a_script_parses_back(tokens in prop::collection::vec(token(), 1..20)) {
        let script = Script::parse(&tokens.join("  ")).unwrap();
        prop_assert_eq!(Script::parse(&script.to_string()).unwrap(), script);
    }
}
