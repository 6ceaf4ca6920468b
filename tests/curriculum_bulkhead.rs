//! The bundled `bulkhead` module: `check` passes with no warnings, `list --json` shows
//! it with its counts, its exam has the module method's shape, the cascade figures agree
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

const ID: &str = "bulkhead";

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

/// The cascade's story as the module tells it, from the system engine: without a bound,
/// checkout's pool fills first and web's just after; with a bulkhead and a timeout neither
/// fills.
#[test]
fn the_cascade_items_agree_with_the_system_engine() {
    let run = |scenario: &str| -> serde_json::Value {
        let output = Command::cargo_bin("patterns")
            .expect("binary")
            .args(["sim", "system", "--scenario", scenario, "--json"])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        serde_json::from_slice(&output).expect("JSON")
    };
    let text = |scenario: &str| -> String {
        let output = Command::cargo_bin("patterns")
            .expect("binary")
            .args(["sim", "system", "--scenario", scenario])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        String::from_utf8(output).expect("UTF-8")
    };
    let cascade = text("cascade");
    assert!(
        cascade.contains("10.273s"),
        "checkout fills 273 ms after the hang"
    );
    assert!(cascade.contains("10.329s"), "web fills 56 ms later");
    let contained = run("cascade-bulkhead");
    assert_eq!(contained["requests"]["completed"], 3040);
    assert_eq!(run("cascade")["requests"]["completed"], 1002);
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
