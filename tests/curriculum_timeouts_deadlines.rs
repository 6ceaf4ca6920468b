//! The bundled `timeouts-deadlines` module: `check` passes with no warnings, `list --json` shows
//! it with its counts, its exam has the module method's shape, the deadline figures agree
//! with the system engine, and its exam passes with right answers and fails with wrong ones
//! through the binary.

#[path = "support/answers.rs"]
mod answers;
#[path = "support/curriculum.rs"]
mod curriculum;
#[path = "support/module_shape.rs"]
mod module_shape;

use assert_cmd::Command;
use predicates::prelude::*;

const ID: &str = "timeouts-deadlines";

#[test]
fn check_passes_with_no_warnings() {
    curriculum::assert_bundled_check_is_clean();
}

#[test]
fn list_shows_the_module_and_its_counts() {
    let module = curriculum::listed(ID);
    assert_eq!(module["difficulty"], "intermediate");
    assert_eq!(module["blocks"], 4);
    // 24 pool items plus 3 generators.
    assert_eq!(module["exam_items"], 27);
}

#[test]
fn the_exam_has_the_module_method_shape() {
    module_shape::assert_exam_shape(&answers::module(ID));
}

/// The propagation block's figures, from the system engine: the propagated deadline
/// answers 4,066 of 6,572 requests in time, stacked per-hop timeouts 1,780.
#[test]
fn the_deadline_figures_agree_with_the_system_engine() {
    let completed = |scenario: &str| -> serde_json::Value {
        let output = Command::cargo_bin("patterns")
            .expect("binary")
            .args(["sim", "system", "--scenario", scenario, "--json"])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let value: serde_json::Value = serde_json::from_slice(&output).expect("JSON");
        value["requests"].clone()
    };
    let propagated = completed("deadline");
    let stacked = completed("deadline-stacked");
    assert_eq!(propagated["total"], 6572);
    assert_eq!(propagated["completed"], 4066);
    assert_eq!(stacked["completed"], 1780);
}

fn exam(seed: u64, answers: &[String]) -> assert_cmd::assert::Assert {
    let home = tempfile::tempdir().expect("tempdir");
    Command::cargo_bin("patterns")
        .expect("binary")
        .env("PATTERNS_HOME", home.path())
        .env("NO_COLOR", "1")
        .env_remove("PATTERNS_MODULES")
        .args(["exam", ID, "--seed", &seed.to_string()])
        .write_stdin(answers.join("\n") + "\n")
        .assert()
}

#[test]
fn the_exam_passes_with_right_answers_and_fails_with_wrong_ones() {
    let module = answers::module(ID);
    for seed in [3, 11] {
        exam(seed, &answers::right_answers(&module, seed))
            .success()
            .stdout(predicate::str::contains("16/16"));
        exam(seed, &answers::wrong_answers(&module, seed)).code(1);
    }
}
