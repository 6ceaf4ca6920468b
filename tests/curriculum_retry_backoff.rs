//! The bundled `retry-backoff` module: it passes `patterns check` without warnings, `list`
//! reports its blocks and exam items, its exam meets issue 5 (at least 15 items, at least 5
//! parametric), its Markdown fits 80 columns, and its contention-experiment items compute
//! exactly the ceilings of the storm engine's contention policy.

use std::time::Duration;

use assert_cmd::cargo::cargo_bin_cmd;
use patterns::content::load::Library;
use patterns::content::model::{BackoffSpec, Kind, ParamValue, Quantity, Timespan};
use patterns::content::scenario;
use patterns::engine::backoff::{BackoffConfig, Jitter};
use patterns::engine::rng::Rng;
use predicates::prelude::*;

#[path = "support/curriculum.rs"]
mod curriculum;

const ID: &str = "retry-backoff";

#[test]
fn check_passes_on_the_bundled_modules_with_no_warnings() {
    curriculum::assert_bundled_check_is_clean();
}

#[test]
fn check_passes_on_the_module_folder_with_no_warnings() {
    cargo_bin_cmd!("patterns")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["check", "modules/retry-backoff"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "1 module, 1 exercise bank: 0 errors, 0 warnings",
        ));
}

#[test]
fn list_shows_the_module_with_its_block_and_exam_item_counts() {
    let module = curriculum::listed(ID);
    assert_eq!(module["difficulty"], "intermediate");
    assert_eq!(module["blocks"], 5);
    assert_eq!(module["minutes"], 125);
    // 20 pool items and 2 generators (at most two items of ceiling arithmetic, issue 13).
    assert_eq!(module["exam_items"], 22);
}

#[test]
fn the_exam_has_at_least_15_items_of_which_2_are_parametric() {
    let loaded = Library::load(&[]);
    let module = loaded.library.get(ID).expect("bundled");
    let exam = &module.module.exam;
    assert!(
        module.exam_items() >= 15,
        "{} exam items",
        module.exam_items()
    );
    let parametric = exam
        .generators
        .iter()
        .filter(|g| {
            module
                .exercise(&g.exercise)
                .is_some_and(|e| e.is_parametric())
        })
        .count();
    assert!(parametric >= 2, "{parametric} parametric generators");
    assert_eq!(exam.pass_mark, 80);
    // Every exam item is graded and carries hints and an explanation.
    let ids = exam
        .pools
        .iter()
        .flat_map(|p| p.items.iter())
        .chain(exam.generators.iter().map(|g| &g.exercise));
    for id in ids {
        let exercise = module.exercise(id).expect("defined");
        let kind = exercise.kind().expect("one kind");
        assert!(kind.is_graded(), "{id} is not graded");
        assert!(!exercise.hints.is_empty(), "{id} has no hints");
        assert!(exercise.explanation.is_some(), "{id} has no explanation");
    }
}

#[test]
fn every_block_has_a_bridge_consolidation_and_practice() {
    let loaded = Library::load(&[]);
    let module = loaded.library.get(ID).expect("bundled");
    for block in &module.module.blocks {
        assert!(!block.bridge.trim().is_empty(), "{}", block.id);
        assert!(!block.consolidation.is_empty(), "{}", block.id);
        assert!(block.practice.len() >= 5, "{}", block.id);
    }
}

#[test]
fn the_markdown_fits_80_columns() {
    let loaded = Library::load(&[]);
    let module = loaded.library.get(ID).expect("bundled");
    for block in &module.module.blocks {
        let text = module.markdown(&block.concept).expect("concept file");
        // ```patterns blocks hold the engine's own output, drawn cut to the screen.
        let mut in_engine_output = false;
        for (n, line) in text.lines().enumerate() {
            if line.starts_with("```") {
                in_engine_output = line == "```patterns";
            }
            if in_engine_output {
                continue;
            }
            let width = line.chars().count();
            assert!(width <= 80, "{}:{}: {width} columns", block.concept, n + 1);
        }
    }
}

/// The contention items describe the experiment's min(cap, 5ms · 2^n) with the standard
/// formula and a 10 ms base; every variant must equal the storm engine's own policy.
#[test]
fn contention_ceilings_match_the_storm_engines_policy() {
    let loaded = Library::load(&[]);
    let module = loaded.library.get(ID).expect("bundled");
    let exercise = module.exercise("rb-contention-ceilings").expect("defined");
    let Some(Kind::BackoffSchedule(schedule)) = exercise.kind() else {
        panic!("rb-contention-ceilings is a backoff_schedule");
    };
    for cap_ms in [1000, 2000] {
        let cap = Duration::from_millis(cap_ms);
        let mut spec: BackoffSpec = schedule.backoff.clone();
        scenario::set_backoff(&mut spec, "cap", &ParamValue::Duration(Timespan(cap)))
            .expect("a duration");
        let ours = scenario::backoff_ceilings(&spec, 10).expect("valid");
        let engine = BackoffConfig {
            cap,
            ..BackoffConfig::contention(Jitter::None)
        };
        let theirs: Vec<Duration> = (1..=10).map(|n| engine.ceiling(n)).collect();
        assert_eq!(ours, theirs, "cap {cap_ms} ms");
    }
    assert_eq!(
        duration_answer("rb-contention-first-retry"),
        BackoffConfig::contention(Jitter::Full).ceiling(1)
    );
}

/// The authored answer of a numeric exercise whose answer is a duration.
fn duration_answer(id: &str) -> Duration {
    let loaded = Library::load(&[]);
    let module = loaded.library.get(ID).expect("bundled");
    let exercise = module.exercise(id).expect("defined");
    let Some(Kind::Numeric(numeric)) = exercise.kind() else {
        panic!("{id} is numeric");
    };
    let Quantity::Duration(span) = numeric.answer else {
        panic!("{id}'s answer is a duration");
    };
    span.get()
}

fn policy(base_ms: u64, cap_ms: u64) -> BackoffConfig {
    BackoffConfig {
        base: Duration::from_millis(base_ms),
        cap: Duration::from_millis(cap_ms),
        ..BackoffConfig::default()
    }
}

fn ceilings(config: &BackoffConfig, retries: u32) -> Vec<Duration> {
    (1..=retries).map(|n| config.ceiling(n)).collect()
}

/// Numeric answers about schedules are written in the bank (the format has no computed
/// numeric keys); here each is recomputed from the engine's ceilings.
#[test]
fn numeric_schedule_answers_agree_with_the_engine() {
    // Base 500ms, cap 10s, 7 retries, no jitter: the total sleep.
    let total: Duration = ceilings(&policy(500, 10_000), 7).iter().sum();
    assert_eq!(duration_answer("rb-total-wait"), total);

    // Full jitter is uniform[0, c]: the mean of retry 5 is half its ceiling.
    let c5 = policy(250, 3_000).ceiling(5);
    assert_eq!(duration_answer("rb-full-jitter-mean"), c5 / 2);

    // 4 attempts of 600ms and the 3 worst-case sleeps (base 100ms, cap never reached).
    let sleeps: Duration = ceilings(&policy(100, 60_000), 3).iter().sum();
    assert_eq!(
        duration_answer("rb-worst-case-time"),
        4 * Duration::from_millis(600) + sleeps
    );

    // Deadline 2s, attempts of 700ms, sleeps of 100ms and 200ms: time left for attempt 3.
    let before_third: Duration =
        2 * Duration::from_millis(700) + ceilings(&policy(100, 60_000), 2).iter().sum::<Duration>();
    let left = Duration::from_secs(2).saturating_sub(before_third);
    assert_eq!(
        duration_answer("rb-time-left"),
        left.min(Duration::from_millis(700))
    );
}

/// Decorrelated jitter (base 2s, cap 20s, previous wait 8s): the engine's draws never pass
/// the authored longest wait, and reach it (the cap clips about 18 % of uniform[2s, 24s]).
#[test]
fn the_decorrelated_bound_is_the_engines() {
    let config = BackoffConfig {
        base: Duration::from_secs(2),
        cap: Duration::from_secs(20),
        jitter: Jitter::Decorrelated,
        ..BackoffConfig::default()
    };
    let mut rng = Rng::seeded(5);
    let longest = (0..1000)
        .map(|_| config.draw(2, Duration::from_secs(8), &mut rng).delay)
        .max()
        .expect("draws");
    assert_eq!(duration_answer("rb-decorrelated-bound"), longest);
}
