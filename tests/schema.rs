//! `patterns schema`: draft-07, generated from the Rust types, kept in `schema.json`, and
//! it accepts every bundled file, the valid fixture and a fresh scaffold — and rejects a
//! broken one.

use std::path::{Path, PathBuf};

use assert_cmd::cargo::cargo_bin_cmd;
use patterns::content::bundled::FILES;
use patterns::content::yaml::to_json;
use serde_json::Value;

fn schema() -> Value {
    let output = cargo_bin_cmd!("patterns")
        .arg("schema")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&output).expect("the schema is JSON")
}

fn validator() -> jsonschema::Validator {
    jsonschema::draft7::new(&schema()).expect("a valid draft-07 schema")
}

fn assert_valid(validator: &jsonschema::Validator, name: &str, text: &str) {
    let instance = to_json(text).expect("parses");
    let errors: Vec<String> = validator
        .iter_errors(&instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{name}: {errors:#?}");
}

#[test]
fn it_is_draft_07() {
    let value = schema();
    assert_eq!(value["$schema"], "http://json-schema.org/draft-07/schema#");
    assert!(value["definitions"]["BreakerSpec"].is_object());
}

#[test]
fn the_committed_schema_json_is_current() {
    let committed =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("schema.json"))
            .expect("schema.json at the crate root");
    let current = serde_json::to_string_pretty(&schema()).expect("JSON") + "\n";
    assert_eq!(
        committed, current,
        "regenerate it: patterns schema > schema.json"
    );
}

#[test]
fn the_bundled_files_validate() {
    let validator = validator();
    let mut count = 0;
    for file in FILES.iter().filter(|f| f.path.ends_with(".yaml")) {
        assert_valid(&validator, file.path, file.text);
        count += 1;
    }
    assert!(count >= 2);
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml") {
            out.push(path);
        }
    }
}

#[test]
fn the_valid_fixture_and_a_scaffold_validate() {
    let validator = validator();
    let dir = tempfile::tempdir().expect("tempdir");
    cargo_bin_cmd!("patterns")
        .current_dir(dir.path())
        .args(["new", "demo"])
        .assert()
        .success();
    let mut files = Vec::new();
    yaml_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid"),
        &mut files,
    );
    yaml_files(dir.path(), &mut files);
    assert_eq!(files.len(), 4);
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read");
        assert_valid(&validator, &file.display().to_string(), &text);
    }
}

#[test]
fn the_schema_rejects_an_unknown_field() {
    let validator = validator();
    let bad = "module: m\nexercises:\n  - id: a\n    prompt: p\n    choise: {options: [x, y], answer: [a]}\n";
    let instance = to_json(bad).expect("parses");
    assert!(!validator.is_valid(&instance));
}
