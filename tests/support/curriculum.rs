//! What the curriculum tests share: the bundled `check` is clean, and a module's entry in
//! `patterns list --json`. Included by the tests/curriculum_*.rs files via `#[path]`.

#![allow(dead_code)]

use assert_cmd::cargo::cargo_bin_cmd;
use predicates::prelude::*;
use serde_json::Value;

/// `patterns check` on the bundled modules passes with no warnings.
pub fn assert_bundled_check_is_clean() {
    cargo_bin_cmd!("patterns")
        .env_remove("PATTERNS_MODULES")
        .arg("check")
        .assert()
        .success()
        .stdout(predicate::str::contains("0 errors, 0 warnings"));
}

/// The entry of module `id` in `patterns list --json`.
pub fn listed(id: &str) -> Value {
    let output = cargo_bin_cmd!("patterns")
        .env_remove("PATTERNS_MODULES")
        .args(["list", "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let value: Value = serde_json::from_slice(&output).expect("JSON");
    value["modules"]
        .as_array()
        .expect("a module list")
        .iter()
        .find(|m| m["id"] == id)
        .unwrap_or_else(|| panic!("{id} is listed"))
        .clone()
}
