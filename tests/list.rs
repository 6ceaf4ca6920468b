//! `patterns list` (and bare `patterns`) through the binary: the table, the JSON shape of
//! DESIGN §1, extra roots from `--modules-dir` and `PATTERNS_MODULES`, and overrides.

use std::path::Path;

use assert_cmd::cargo::cargo_bin_cmd;
use predicates::prelude::*;
use serde_json::{Value, json};

fn list(args: &[&str]) -> assert_cmd::assert::Assert {
    let home = tempfile::tempdir().expect("tempdir");
    cargo_bin_cmd!("patterns")
        .env_remove("PATTERNS_MODULES")
        .env("PATTERNS_HOME", home.path())
        .arg("list")
        .args(args)
        .assert()
}

#[test]
fn the_table_lists_the_bundled_modules() {
    let output = list(&[]).success().get_output().stdout.clone();
    insta::assert_snapshot!(String::from_utf8(output).expect("UTF-8"));
}

#[test]
fn no_subcommand_prints_the_same_table() {
    let list = list(&[]).success().get_output().stdout.clone();
    let home = tempfile::tempdir().expect("tempdir");
    cargo_bin_cmd!("patterns")
        .env_remove("PATTERNS_MODULES")
        .env("PATTERNS_HOME", home.path())
        .assert()
        .success()
        .stdout(String::from_utf8(list).expect("UTF-8"));
}

#[test]
fn json_has_the_documented_shape() {
    let output = list(&["--json"]).success().get_output().stdout.clone();
    let value: Value = serde_json::from_slice(&output).expect("JSON");
    assert_eq!(
        value,
        json!({"modules": [{
            "id": "circuit-breaker",
            "title": "Circuit Breaker: stop cascading failures",
            "difficulty": "intermediate",
            "minutes": 165,
            "blocks": 5,
            "exam_items": 32,
            "progress": {
                "blocks_completed": 0, "current_block": null, "exercises_attempted": 0,
                "exercises_correct": 0, "journal_entries": 0, "exams_taken": 0,
                "best_exam": null, "passed": false, "reviews_due": 0, "reviews_scheduled": 0
            }
        }, {
            "id": "retry-backoff",
            "title": "Retry with backoff: jitter, safe retries and deadlines",
            "difficulty": "intermediate",
            "minutes": 125,
            "blocks": 5,
            "exam_items": 22,
            "progress": {
                "blocks_completed": 0, "current_block": null, "exercises_attempted": 0,
                "exercises_correct": 0, "journal_entries": 0, "exams_taken": 0,
                "best_exam": null, "passed": false, "reviews_due": 0, "reviews_scheduled": 0
            }
        }, {
            "id": "retry-storms",
            "title": "Retry storms: backoff, breakers and retry budgets",
            "difficulty": "intermediate",
            "minutes": 120,
            "blocks": 5,
            "exam_items": 24,
            "progress": {
                "blocks_completed": 0, "current_block": null, "exercises_attempted": 0,
                "exercises_correct": 0, "journal_entries": 0, "exams_taken": 0,
                "best_exam": null, "passed": false, "reviews_due": 0, "reviews_scheduled": 0
            }
        }, {
            "id": "rate-limiting",
            "title": "Rate limiting: algorithms, deployed limiters and 429",
            "difficulty": "intermediate",
            "minutes": 120,
            "blocks": 4,
            "exam_items": 30,
            "progress": {
                "blocks_completed": 0, "current_block": null, "exercises_attempted": 0,
                "exercises_correct": 0, "journal_entries": 0, "exams_taken": 0,
                "best_exam": null, "passed": false, "reviews_due": 0, "reviews_scheduled": 0
            }
        }, {
            "id": "bulkhead",
            "title": "Bulkheads: pool sizing, isolation and the cascade",
            "difficulty": "intermediate",
            "minutes": 120,
            "blocks": 4,
            "exam_items": 27,
            "progress": {
                "blocks_completed": 0, "current_block": null, "exercises_attempted": 0,
                "exercises_correct": 0, "journal_entries": 0, "exams_taken": 0,
                "best_exam": null, "passed": false, "reviews_due": 0, "reviews_scheduled": 0
            }
        }, {
            "id": "timeouts-deadlines",
            "title": "Timeouts and deadlines: bounding every wait",
            "difficulty": "intermediate",
            "minutes": 115,
            "blocks": 4,
            "exam_items": 27,
            "progress": {
                "blocks_completed": 0, "current_block": null, "exercises_attempted": 0,
                "exercises_correct": 0, "journal_entries": 0, "exams_taken": 0,
                "best_exam": null, "passed": false, "reviews_due": 0, "reviews_scheduled": 0
            }
        }]})
    );
}

fn scaffold(dir: &Path, id: &str) {
    cargo_bin_cmd!("patterns")
        .current_dir(dir)
        .args(["new", id])
        .assert()
        .success();
}

#[test]
fn modules_dir_and_the_environment_add_roots() {
    let a = tempfile::tempdir().expect("tempdir");
    let b = tempfile::tempdir().expect("tempdir");
    scaffold(a.path(), "from-flag");
    scaffold(b.path(), "from-env");
    let output = cargo_bin_cmd!("patterns")
        .env("PATTERNS_MODULES", b.path())
        .arg("--modules-dir")
        .arg(a.path())
        .args(["list", "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let value: Value = serde_json::from_slice(&output).expect("JSON");
    let ids: Vec<&str> = value["modules"]
        .as_array()
        .expect("list")
        .iter()
        .map(|m| m["id"].as_str().expect("id"))
        .collect();
    // Bundled modules first, then the roots in order: flag, then environment.
    let (bundled, roots) = ids.split_at(ids.len().saturating_sub(2));
    assert_eq!(roots, ["from-flag", "from-env"]);
    assert!(bundled.contains(&"circuit-breaker"), "{ids:?}");
    assert!(bundled.contains(&"retry-backoff"), "{ids:?}");
    assert!(bundled.contains(&"retry-storms"), "{ids:?}");
    assert!(bundled.contains(&"rate-limiting"), "{ids:?}");
    assert!(bundled.contains(&"bulkhead"), "{ids:?}");
    assert!(bundled.contains(&"timeouts-deadlines"), "{ids:?}");
}

#[test]
fn a_user_module_overrides_a_bundled_one_with_a_notice() {
    let dir = tempfile::tempdir().expect("tempdir");
    scaffold(dir.path(), "circuit-breaker");
    cargo_bin_cmd!("patterns")
        .env_remove("PATTERNS_MODULES")
        .arg("--modules-dir")
        .arg(dir.path())
        .args(["list", "--json"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "note: module 'circuit-breaker' from",
        ))
        .stderr(predicate::str::contains("overrides the bundled one"))
        .stdout(predicate::str::contains("\"blocks\": 1"))
        .stdout(predicate::str::contains("\"title\": \"Circuit breaker\""));
}

#[test]
fn a_broken_user_module_is_skipped_with_a_warning() {
    let dir = tempfile::tempdir().expect("tempdir");
    scaffold(dir.path(), "broken");
    let file = dir.path().join("modules/broken/module.yaml");
    let text = std::fs::read_to_string(&file).expect("read");
    std::fs::write(&file, text.replace("minutes: 20", "minutes: lots")).expect("write");
    cargo_bin_cmd!("patterns")
        .env_remove("PATTERNS_MODULES")
        .arg("--modules-dir")
        .arg(dir.path())
        .arg("list")
        .assert()
        .success()
        .stderr(predicate::str::contains("has errors and was skipped"))
        .stdout(predicate::str::contains("broken").not());
}
