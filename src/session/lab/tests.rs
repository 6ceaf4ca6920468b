//! The lab driven directly: every input, undo, predictions, script playback, compare mode.

use std::time::Duration;

use proptest::prelude::*;

use super::*;
use crate::engine::breaker::{BreakerConfig, HalfOpenTransition, State::*};
use crate::engine::preset::Preset;

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

/// The seed's exam breaker: 5 failures, 30 s, 3 successes.
fn exam_config() -> BreakerConfig {
    BreakerConfig {
        failure_threshold: Some(5),
        recovery_timeout: secs(30),
        success_threshold: 3,
        ..BreakerConfig::default()
    }
}

fn lab(config: BreakerConfig) -> Lab {
    Lab::new(LabSetup::new("seed", config)).unwrap()
}

fn scripted(text: &str, prediction: Prediction) -> Lab {
    let setup = LabSetup::new("seed", exam_config())
        .script(Script::parse(text).unwrap())
        .prediction(prediction);
    Lab::new(setup).unwrap()
}

fn press(lab: &mut Lab, inputs: &[Input]) {
    for &input in inputs {
        assert_eq!(lab.handle(input), None, "{input:?}");
    }
}

fn kinds(lane: &Lane) -> Vec<EntryKind> {
    lane.timeline().iter().map(|entry| entry.kind).collect()
}

/// The whole undoable state, as text: equal text, equal state.
fn core_text(lab: &Lab) -> String {
    format!("{:?}", lab.core)
}

#[test]
fn failures_trip_the_breaker_on_the_threshold_call() {
    let mut lab = lab(exam_config());
    press(&mut lab, &[Input::Failure; 4]);
    assert_eq!(lab.lane().state(), Closed);
    assert_eq!(lab.lane().counters().failure_count, 4);
    press(&mut lab, &[Input::Failure]);
    assert_eq!(lab.lane().state(), Open);
    let transition = lab.lane().last_transition().unwrap();
    assert_eq!((transition.from, transition.to), (Closed, Open));
    assert_eq!(
        transition.reason,
        "5 consecutive failures reached failure_threshold 5"
    );
    assert_eq!(lab.lane().step_transitions().len(), 1);
    assert_eq!(lab.steps(), 5);
    assert_eq!(lab.last_token(), Some("1F"));
}

#[test]
fn a_success_resets_the_failure_count() {
    let mut lab = lab(exam_config());
    press(&mut lab, &[Input::Failure, Input::Failure, Input::Success]);
    assert_eq!(lab.lane().counters().failure_count, 0);
    assert_eq!(
        kinds(lab.lane()),
        [EntryKind::Failure, EntryKind::Failure, EntryKind::Success]
    );
}

#[test]
fn open_rejects_calls_and_t_jumps_just_past_the_recovery_timeout() {
    let mut lab = lab(exam_config());
    press(&mut lab, &[Input::Failure; 5]);
    press(&mut lab, &[Input::Success]);
    assert_eq!(kinds(lab.lane()).last(), Some(&EntryKind::Rejected));
    assert!(lab.lane().step_transitions().is_empty());
    // Strictly after 30 s: the first whole millisecond past it.
    assert_eq!(lab.time_step(), Duration::from_millis(30_001));
    let recovery = lab.lane().counters().recovery.unwrap();
    assert_eq!(recovery.elapsed, Duration::ZERO);
    assert_eq!(recovery.recovery_timeout, secs(30));
    press(&mut lab, &[Input::AdvanceTime]);
    assert_eq!(lab.lane().now(), Duration::from_millis(30_001));
    assert_eq!(lab.last_token(), Some("+30.001s"));
    // Lazy transition: still OPEN until a call arrives; then `t` is 1 s.
    assert_eq!(lab.lane().state(), Open);
    assert_eq!(
        lab.lane().counters().recovery.unwrap().remaining,
        Duration::ZERO
    );
    assert_eq!(lab.time_step(), DEFAULT_TIME_STEP);
    press(&mut lab, &[Input::Success]);
    assert_eq!(lab.lane().state(), HalfOpen);
    assert_eq!(lab.lane().counters().success_count, 1);
    press(&mut lab, &[Input::Success, Input::Success]);
    assert_eq!(lab.lane().state(), Closed);
    assert_eq!(
        lab.lane().last_transition().unwrap().reason,
        "3 consecutive successes reached success_threshold 3"
    );
}

#[test]
fn automatic_transition_happens_on_t() {
    let config = BreakerConfig {
        half_open_transition: HalfOpenTransition::Automatic,
        ..exam_config()
    };
    let mut lab = lab(config);
    press(&mut lab, &[Input::Failure; 5]);
    press(&mut lab, &[Input::AdvanceTime]);
    assert_eq!(lab.lane().state(), HalfOpen);
    assert!(lab.lane().timeline().back().unwrap().transitioned);
    assert_eq!(
        lab.lane().timeline().back().unwrap().kind,
        EntryKind::Advance(Duration::from_millis(30_001))
    );
}

#[test]
fn slow_calls_take_the_slow_duration() {
    let mut lab = lab(exam_config());
    assert_eq!(lab.slow_call(), DEFAULT_SLOW_CALL);
    press(&mut lab, &[Input::SlowSuccess, Input::SlowFailure]);
    assert_eq!(lab.lane().now(), DEFAULT_SLOW_CALL * 2);
    assert_eq!(
        kinds(lab.lane()),
        [EntryKind::SlowSuccess, EntryKind::SlowFailure]
    );
    assert_eq!(lab.last_token(), Some("1F@5s"));
    // With slow-call tripping, slow calls are 1 s over the threshold.
    let r4j = Lab::new(LabSetup::new("r4j", Preset::Resilience4j.config())).unwrap();
    assert_eq!(r4j.slow_call(), secs(61));
}

#[test]
fn fixed_time_step() {
    let mut setup = LabSetup::new("seed", exam_config());
    setup.time_step = TimeStep::Fixed(Duration::from_millis(250));
    let mut lab = Lab::new(setup).unwrap();
    press(&mut lab, &[Input::Failure; 5]);
    press(&mut lab, &[Input::AdvanceTime]);
    assert_eq!(lab.lane().now(), Duration::from_millis(250));
}

#[test]
fn help_toggles_and_any_key_closes_it_without_acting() {
    let mut lab = lab(exam_config());
    press(&mut lab, &[Input::ToggleHelp]);
    assert!(lab.help_visible());
    press(&mut lab, &[Input::Failure]);
    assert!(!lab.help_visible());
    assert_eq!(lab.steps(), 0, "the key only closed the help");
    press(&mut lab, &[Input::ToggleHelp, Input::ToggleHelp]);
    assert!(!lab.help_visible());
}

#[test]
fn back_closes_the_lab() {
    let mut lab = lab(exam_config());
    assert_eq!(lab.handle(Input::Back), Some(LabEffect::Close));
    lab.handle(Input::ToggleHelp);
    assert_eq!(lab.handle(Input::Back), Some(LabEffect::Close));
}

#[test]
fn undo_after_each_kind_of_step_restores_the_exact_previous_state() {
    let steps = [
        Input::Success,
        Input::Failure,
        Input::SlowSuccess,
        Input::SlowFailure,
        Input::AdvanceTime,
        Input::NextScripted,
    ];
    for prefix in [&[][..], &[Input::Failure; 5][..], &[Input::Failure; 9][..]] {
        for step in steps {
            let mut lab = scripted("4F 1S 5F +31s 2S 1F", Prediction::Off);
            press(&mut lab, prefix);
            let before = core_text(&lab);
            press(&mut lab, &[step]);
            assert_ne!(core_text(&lab), before, "{step:?} changed nothing");
            press(&mut lab, &[Input::Undo]);
            assert_eq!(core_text(&lab), before, "undo of {step:?}");
            assert!(matches!(lab.notice(), Some(Notice::Undone(_))));
        }
    }
}

#[test]
fn undo_with_nothing_to_undo_says_so() {
    let mut lab = lab(exam_config());
    let before = core_text(&lab);
    press(&mut lab, &[Input::Undo]);
    assert_eq!(lab.notice(), Some(&Notice::NothingToUndo));
    assert_eq!(core_text(&lab), before);
}

#[test]
fn the_seed_exam_plays_token_by_token() {
    let mut lab = scripted("4F 1S 5F +31s 2S 1F", Prediction::Off);
    assert_eq!(lab.next_token().unwrap().text, "4F");
    let mut states = Vec::new();
    for _ in 0..6 {
        press(&mut lab, &[Input::NextScripted]);
        states.push(lab.lane().state());
    }
    assert_eq!(states, [Closed, Closed, Open, Open, HalfOpen, Open]);
    assert_eq!(lab.script_position(), 6);
    assert_eq!(lab.next_token(), None);
    // 4 + 1 + 5 calls, one clock move, 2 + 1 calls: one timeline entry each.
    assert_eq!(lab.lane().timeline_total(), 14);
    assert_eq!(lab.lane().now(), secs(31));
    press(&mut lab, &[Input::NextScripted]);
    assert_eq!(lab.notice(), Some(&Notice::ScriptFinished));
    assert_eq!(lab.steps(), 6);
}

#[test]
fn timed_call_tokens_advance_the_clock_per_call() {
    let mut lab = scripted("3F@2s +10s 2F@500ms", Prediction::Off);
    press(&mut lab, &[Input::NextScripted]);
    assert_eq!(lab.lane().now(), secs(6));
    assert_eq!(kinds(lab.lane()), [EntryKind::SlowFailure; 3]);
    press(&mut lab, &[Input::NextScripted]);
    assert_eq!(lab.lane().now(), secs(16));
    press(&mut lab, &[Input::NextScripted]);
    assert_eq!(lab.lane().state(), Open, "the 5th failure trips");
    assert_eq!(lab.lane().now(), Duration::from_millis(17_000));
    let at: Vec<_> = lab.lane().timeline().iter().map(|e| e.at).collect();
    assert_eq!(
        at,
        [
            secs(2),
            secs(4),
            secs(6),
            secs(16),
            Duration::from_millis(16_500),
            secs(17)
        ]
    );
}

#[test]
fn space_without_a_script_says_so() {
    let mut lab = lab(exam_config());
    press(&mut lab, &[Input::NextScripted]);
    assert_eq!(lab.notice(), Some(&Notice::NoScript));
    assert_eq!(lab.steps(), 0);
}

#[test]
fn predictions_wait_for_an_answer_and_are_graded() {
    let mut lab = scripted("4F 1S 5F +31s 2S 1F", Prediction::Ask);
    press(&mut lab, &[Input::NextScripted]);
    assert_eq!(lab.pending().unwrap().token.text, "4F");
    assert_eq!(lab.steps(), 0, "nothing runs before the answer");
    press(&mut lab, &[Input::Predict(Closed)]);
    assert!(lab.pending().is_none());
    let grade = lab.last_grade().unwrap();
    assert!(grade.is_correct());
    assert_eq!(
        grade.explanation(),
        "no transition: the breaker stayed CLOSED"
    );
    press(&mut lab, &[Input::NextScripted, Input::Predict(Closed)]);
    press(&mut lab, &[Input::NextScripted, Input::Predict(Closed)]);
    let grade = lab.last_grade().unwrap();
    assert!(!grade.is_correct());
    assert_eq!((grade.predicted, grade.actual), (Closed, Open));
    assert_eq!(
        grade.explanation(),
        "CLOSED → OPEN: 5 consecutive failures reached failure_threshold 5"
    );
    assert_eq!(
        lab.score(),
        Score {
            correct: 2,
            answered: 3
        }
    );
    // Undo takes the step and its grade back together.
    press(&mut lab, &[Input::Undo]);
    assert_eq!(
        lab.score(),
        Score {
            correct: 2,
            answered: 2
        }
    );
    assert_eq!(lab.script_position(), 2);
}

#[test]
fn prediction_keys_steps_can_be_cancelled_or_replaced() {
    let mut lab = scripted("4F", Prediction::Ask);
    press(&mut lab, &[Input::Predict(Open)]);
    assert_eq!(lab.notice(), Some(&Notice::NoPendingStep));
    press(&mut lab, &[Input::Failure, Input::Cancel]);
    assert!(lab.pending().is_none());
    press(&mut lab, &[Input::Failure, Input::AdvanceTime]);
    assert_eq!(lab.pending().unwrap().token.text, "+1s");
    press(&mut lab, &[Input::Predict(Closed)]);
    assert_eq!(lab.lane().now(), secs(1));
    assert_eq!(lab.script_position(), 0, "a key step is not the script's");
}

#[test]
fn compare_mode_feeds_every_lane_the_same_calls() {
    let setup = LabSetup::new("seed", Preset::Seed.config())
        .lane("gobreaker", Preset::Gobreaker.config())
        .lane("resilience4j", Preset::Resilience4j.config())
        .script(Script::parse("5F 1F +61s 1S").unwrap());
    let mut lab = Lab::new(setup).unwrap();
    press(&mut lab, &[Input::NextScripted]);
    let states: Vec<_> = lab.lanes().iter().map(Lane::state).collect();
    assert_eq!(states, [Open, Closed, Closed]);
    assert!(!lab.differs(0));
    assert!(lab.differs(1) && lab.differs(2));
    press(&mut lab, &[Input::NextScripted]);
    let states: Vec<_> = lab.lanes().iter().map(Lane::state).collect();
    assert_eq!(states, [Open, Open, Closed], "gobreaker trips on the 6th");
    assert_eq!(
        kinds(&lab.lanes()[0]).last(),
        Some(&EntryKind::Rejected),
        "the seed rejects the 6th call"
    );
    // `t` goes to the earliest trial among the lanes: the seed opened first.
    assert_eq!(lab.time_step(), Duration::from_millis(60_001));
    press(&mut lab, &[Input::NextScripted, Input::NextScripted]);
    let states: Vec<_> = lab.lanes().iter().map(Lane::state).collect();
    assert_eq!(states, [HalfOpen, Closed, Closed]);
    let counters = lab.lanes()[2].counters();
    assert_eq!(counters.window.unwrap().totals.calls, 7);
    assert_eq!(counters.failure_threshold, None);
}

#[test]
fn a_lab_needs_valid_breakers() {
    let bad = BreakerConfig {
        success_threshold: 0,
        ..BreakerConfig::default()
    };
    let error = Lab::new(LabSetup::new("bad", bad)).unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("breaker 'bad': success_threshold")
    );
    let mut empty = LabSetup::new("x", BreakerConfig::default());
    empty.lanes.clear();
    assert_eq!(Lab::new(empty).unwrap_err(), LabError::NoLanes);
}

#[test]
fn the_timeline_and_undo_stack_are_bounded() {
    let mut lab = scripted("300S", Prediction::Off);
    press(&mut lab, &[Input::NextScripted]);
    assert_eq!(lab.lane().timeline().len(), TIMELINE_CAPACITY);
    assert_eq!(lab.lane().timeline_total(), 300);
    for _ in 0..UNDO_DEPTH + 10 {
        press(&mut lab, &[Input::Success]);
    }
    assert_eq!(lab.undo_depth(), UNDO_DEPTH);
}

fn any_input() -> impl Strategy<Value = Input> {
    prop_oneof![
        3 => Just(Input::Success),
        3 => Just(Input::Failure),
        1 => Just(Input::SlowSuccess),
        1 => Just(Input::SlowFailure),
        2 => Just(Input::AdvanceTime),
        2 => Just(Input::NextScripted),
        3 => Just(Input::Undo),
        1 => Just(Input::ToggleHelp),
        1 => Just(Input::Cancel),
        1 => prop_oneof![Just(Closed), Just(Open), Just(HalfOpen)].prop_map(Input::Predict),
    ]
}

proptest! {
    /// Whatever the learner pressed, `u` returns the lab to exactly the state before the
    /// step it takes back, in every mode.
    #[test]
    fn undo_restores_exactly_the_prior_state(
        inputs in prop::collection::vec(any_input(), 1..80),
        ask in any::<bool>(),
        automatic in any::<bool>(),
    ) {
        let prediction = if ask { Prediction::Ask } else { Prediction::Off };
        let transition = if automatic {
            HalfOpenTransition::Automatic
        } else {
            HalfOpenTransition::Lazy
        };
        let config = BreakerConfig { half_open_transition: transition, ..exam_config() };
        let setup = LabSetup::new("seed", config)
            .lane("gobreaker", Preset::Gobreaker.config())
            .lane("polly", Preset::Polly.config())
            .script(Script::parse("4F 1S 5F +31s 2S 1F 3S@2s +1m 7F").unwrap())
            .prediction(prediction);
        let mut lab = Lab::new(setup).unwrap();
        let mut history: Vec<String> = Vec::new();
        for input in inputs {
            let before = core_text(&lab);
            let depth = lab.undo_depth();
            let help = lab.help_visible();
            lab.handle(input);
            if input == Input::Undo && !help {
                match history.pop() {
                    Some(expected) => prop_assert_eq!(core_text(&lab), expected),
                    None => prop_assert_eq!(core_text(&lab), before),
                }
            } else if lab.undo_depth() > depth {
                history.push(before);
            } else {
                prop_assert_eq!(core_text(&lab), before, "{:?} ran no step", input);
            }
        }
    }
}

fn any_token() -> impl Strategy<Value = String> {
    prop_oneof![
        (1u32..8, prop_oneof![Just('F'), Just('S')]).prop_map(|(n, c)| format!("{n}{c}")),
        (1u32..4, prop_oneof![Just('F'), Just('S')], 1u64..3000)
            .prop_map(|(n, c, ms)| format!("{n}{c}@{ms}ms")),
        (1u64..90).prop_map(|s| format!("+{s}s")),
    ]
}

proptest! {
    /// Played token by token (and call by call inside a token), the lab ends every step
    /// where the engine's own script runner does, for every preset.
    #[test]
    fn the_lab_agrees_with_the_script_runner(
        tokens in prop::collection::vec(any_token(), 1..25),
        preset in prop::sample::select(Preset::ALL.to_vec()),
    ) {
        let script = Script::parse(&tokens.join(" ")).unwrap();
        let expected = crate::engine::script::run(&script, preset.config()).unwrap();
        let setup = LabSetup::new(preset.name(), preset.config()).script(script);
        let mut lab = Lab::new(setup).unwrap();
        for step in &expected.steps {
            lab.handle(Input::NextScripted);
            prop_assert_eq!(lab.lane().state(), step.state, "after {}", step.token);
            prop_assert_eq!(crate::engine::breaker::millis(lab.lane().now()), step.at_ms);
            prop_assert_eq!(lab.lane().step_transitions(), step.transitions.as_slice());
        }
        prop_assert_eq!(lab.lane().breaker().stats(), expected.stats);
    }
}
