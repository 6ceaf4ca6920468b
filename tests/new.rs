//! `patterns new` through the binary: the scaffold passes `check`, never overwrites, and
//! refuses a bad id with a usage error.

use assert_cmd::cargo::cargo_bin_cmd;
use predicates::prelude::*;

#[test]
fn new_then_check_passes() {
    let dir = tempfile::tempdir().expect("tempdir");
    cargo_bin_cmd!("patterns")
        .current_dir(dir.path())
        .args(["new", "rate-limiter"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "created modules/rate-limiter/module.yaml",
        ))
        .stdout(predicate::str::contains(
            "created exercises/rate-limiter.yaml",
        ))
        .stdout(predicate::str::contains("created schema.json"));
    for file in [
        "modules/rate-limiter/module.yaml",
        "modules/rate-limiter/basics.md",
        "exercises/rate-limiter.yaml",
        "schema.json",
    ] {
        assert!(dir.path().join(file).is_file(), "{file}");
    }
    cargo_bin_cmd!("patterns")
        .current_dir(dir.path())
        .args(["check", "."])
        .assert()
        .success()
        .stdout("check ok: 1 module, 1 exercise bank: 0 errors, 0 warnings\n");
}

#[test]
fn every_scaffolded_file_starts_with_the_modeline() {
    let dir = tempfile::tempdir().expect("tempdir");
    cargo_bin_cmd!("patterns")
        .current_dir(dir.path())
        .args(["new", "demo"])
        .assert()
        .success();
    let module =
        std::fs::read_to_string(dir.path().join("modules/demo/module.yaml")).expect("read");
    let bank = std::fs::read_to_string(dir.path().join("exercises/demo.yaml")).expect("read");
    assert!(module.starts_with("# yaml-language-server: $schema=../../schema.json\n"));
    assert!(bank.starts_with("# yaml-language-server: $schema=../schema.json\n"));
}

#[test]
fn new_never_overwrites() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("exercises")).expect("mkdir");
    std::fs::write(dir.path().join("exercises/demo.yaml"), "mine").expect("write");
    cargo_bin_cmd!("patterns")
        .current_dir(dir.path())
        .args(["new", "demo"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "'exercises/demo.yaml' already exists",
        ));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("exercises/demo.yaml")).expect("read"),
        "mine"
    );
    assert!(
        !dir.path().join("modules/demo").exists(),
        "nothing half-written"
    );
}

#[test]
fn a_second_module_keeps_the_existing_schema() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("schema.json"), "{}").expect("write");
    cargo_bin_cmd!("patterns")
        .current_dir(dir.path())
        .args(["new", "demo"])
        .assert()
        .success()
        .stdout(predicate::str::contains("schema.json").not());
    assert_eq!(
        std::fs::read_to_string(dir.path().join("schema.json")).expect("read"),
        "{}"
    );
}

#[test]
fn a_bad_id_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    for id in ["Rate_Limiter", "../escape", "a--b", ""] {
        cargo_bin_cmd!("patterns")
            .current_dir(dir.path())
            .args(["new", id])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("is not a valid module id"));
    }
    assert_eq!(std::fs::read_dir(dir.path()).expect("read").count(), 0);
}
