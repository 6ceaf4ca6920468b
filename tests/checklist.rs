//! `patterns check --checklist` through the binary: the scaffold and the bundled modules
//! meet every computable line; a fixture module misses each one (with file:line); `--json`
//! carries the same report; `--strict` turns a missing line into exit 1; a `sections:`
//! pointer to a heading that does not exist is a located `check` error.
//!
//! Rust examples are compiled with the `rustc` that builds these tests.

use std::path::{Path, PathBuf};

use assert_cmd::cargo::cargo_bin_cmd;
use predicates::prelude::*;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/checklist")
}

fn checklist(dir: &Path, args: &[&str]) -> assert_cmd::assert::Assert {
    cargo_bin_cmd!("patterns")
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("PATTERNS_MODULES")
        .arg("check")
        .arg("--checklist")
        .args(args)
        .assert()
}

fn stdout(assert: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&assert.get_output().stdout).into_owned()
}

fn scaffold() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    cargo_bin_cmd!("patterns")
        .current_dir(dir.path())
        .args(["new", "demo"])
        .assert()
        .success();
    dir
}

#[test]
fn the_scaffold_meets_every_computable_line() {
    let dir = scaffold();
    let assert = checklist(dir.path(), &[".", "--strict"]).success();
    let out = stdout(&assert);
    assert!(!out.contains("    missing "), "{out}");
    insta::assert_snapshot!("scaffold", out);
}

#[test]
fn the_scaffold_as_json() {
    let dir = scaffold();
    let assert = checklist(dir.path(), &[".", "--json"]).success();
    let json: serde_json::Value = serde_json::from_str(&stdout(&assert)).expect("JSON");
    assert_eq!(json["check"]["errors"], 0);
    assert_eq!(json["checklist"]["totals"]["missing"], 0);
    let block = &json["checklist"]["modules"][0]["blocks"][0];
    assert_eq!(block["lines"][2]["item"], "code_example");
    assert_eq!(block["lines"][2]["status"], "met");
    assert_eq!(block["lines"][2]["at"], "modules/demo/basics.md:28");
    insta::assert_json_snapshot!("scaffold_json", json);
}

#[test]
fn a_module_missing_each_item() {
    let dir = fixtures().join("missing");
    let assert = checklist(&dir, &["."]).success();
    insta::assert_snapshot!("missing", stdout(&assert));
}

#[test]
fn strict_fails_on_a_missing_line() {
    let dir = fixtures().join("missing");
    checklist(&dir, &[".", "--strict"])
        .code(1)
        .stdout(predicate::str::contains(
            "missing diagram                  modules/broken/basics.md:14  mermaid 'gantt' is not a stateDiagram-v2 or a flowchart",
        ));
}

#[test]
fn the_bundled_modules_meet_every_computable_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let assert = checklist(dir.path(), &["--strict"]).success();
    let out = stdout(&assert);
    assert!(!out.contains("    missing "), "{out}");
    insta::assert_snapshot!("bundled", out);
}

#[test]
fn the_bundled_modules_as_json() {
    let dir = tempfile::tempdir().expect("tempdir");
    let assert = checklist(dir.path(), &["--json"]).success();
    let json: serde_json::Value = serde_json::from_str(&stdout(&assert)).expect("JSON");
    let modules = json["checklist"]["modules"].as_array().expect("modules");
    assert_eq!(modules.len(), 6);
    for module in modules {
        for block in module["blocks"].as_array().expect("blocks") {
            let diagram = &block["lines"][3];
            assert_eq!(diagram["item"], "diagram");
            assert_eq!(diagram["status"], "met", "{}", block["id"]);
            assert!(
                diagram["note"]
                    .as_str()
                    .is_some_and(|n| n.starts_with("mermaid"))
            );
        }
        assert_eq!(module["rubric"].as_array().map(Vec::len), Some(6));
    }
    assert_eq!(json["checklist"]["totals"]["missing"], 0);
    assert_eq!(json["checklist"]["rates"]["prose_words_per_minute"], 200.0);
}

#[test]
fn a_section_pointer_to_a_missing_heading_is_a_check_error() {
    let dir = fixtures().join("bad-pointer");
    let assert = cargo_bin_cmd!("patterns")
        .current_dir(&dir)
        .env("NO_COLOR", "1")
        .args(["check", "."])
        .assert()
        .code(1);
    insta::assert_snapshot!("bad_pointer", stdout(&assert));
    // The checklist does not run on a module that failed check; it says so.
    checklist(&dir, &["."])
        .code(1)
        .stdout(predicate::str::contains(
            "not checked: modules/pointer/module.yaml: it has check errors; fix them first",
        ));
}

#[test]
fn json_and_strict_need_the_checklist() {
    cargo_bin_cmd!("patterns")
        .args(["check", "--json"])
        .assert()
        .code(2);
}
