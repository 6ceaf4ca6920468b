//! The exercise kinds backed by the newer engine families (`limiter_trace`, `numeric` computed
//! from a `system` run), graded through
//! the binary in plain mode: a module written to a temporary folder, its right answers
//! computed through the library, then one answer changed to a wrong one.

use std::path::Path;

use assert_cmd::Command;
use patterns::content::Library;

#[path = "support/answers.rs"]
mod answers;

/// The checker's fixture `name` with `wrong` replaced by `right`, in `dir`.
fn fixed_module(dir: &Path, name: &str, wrong: &str, right: &str) {
    let from = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/invalid")
        .join(name);
    for file in [
        "modules/m/module.yaml",
        "modules/m/basics.md",
        "exercises/m.yaml",
    ] {
        let text = std::fs::read_to_string(from.join(file)).expect("fixture");
        let text = text.replace(wrong, right);
        let to = dir.join(file);
        std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
        std::fs::write(to, text).expect("write");
    }
}

fn learn(home: &Path, modules: &Path, input: String) -> String {
    let assert = Command::cargo_bin("patterns")
        .expect("binary")
        .env("PATTERNS_HOME", home)
        .env("NO_COLOR", "1")
        .env_remove("PATTERNS_MODULES")
        .arg("--modules-dir")
        .arg(modules)
        .args(["learn", "m"])
        .write_stdin(input)
        .assert()
        .success();
    String::from_utf8_lossy(&assert.get_output().stdout).into_owned()
}

#[test]
fn a_limiter_trace_is_graded_per_step_against_the_engine() {
    let modules = tempfile::tempdir().expect("tempdir");
    fixed_module(
        modules.path(),
        "limiter-expect-disagrees",
        "expect: [5, 0, 8]",
        "expect: [5, 0, 5]",
    );
    let module = Library::load(&[modules.path().to_path_buf()])
        .library
        .get("m")
        .cloned()
        .expect("the module loads");
    let lines = answers::learn_walk(module, 0).lines;
    assert!(lines.iter().any(|l| l == "5, 0, 5"), "{lines:?}");

    let home = tempfile::tempdir().expect("tempdir");
    let out = learn(home.path(), modules.path(), lines.join("\n") + "\n");
    assert!(out.contains("[limiter_trace]"), "{out}");
    assert!(out.contains("all 3 steps right"), "{out}");

    // The same walk with the third step wrong: partly correct, and the step named.
    let wrong: Vec<String> = lines
        .iter()
        .map(|l| {
            if l == "5, 0, 5" {
                "5 0 3".into()
            } else {
                l.clone()
            }
        })
        .collect();
    let home = tempfile::tempdir().expect("tempdir");
    let out = learn(home.path(), modules.path(), wrong.join("\n") + "\n");
    assert!(
        out.contains("2 of 3 right; step 3: 5 (you said 3)"),
        "{out}"
    );
    assert!(out.contains("5, 0, 5"), "the key is shown:\n{out}");
}

#[test]
fn a_numeric_computed_from_a_system_run_is_graded_against_the_engine() {
    let modules = tempfile::tempdir().expect("tempdir");
    fixed_module(
        modules.path(),
        "system-answer-disagrees",
        "answer: 12s",
        "answer: 10.274s",
    );
    let module = Library::load(&[modules.path().to_path_buf()])
        .library
        .get("m")
        .cloned()
        .expect("the module loads");
    let lines = answers::learn_walk(module, 0).lines;
    let right = lines
        .iter()
        .find(|l| l.starts_with("10.27"))
        .cloned()
        .unwrap_or_else(|| panic!("the engine's key among {lines:?}"));

    let home = tempfile::tempdir().expect("tempdir");
    let out = learn(home.path(), modules.path(), lines.join("\n") + "\n");
    assert!(!out.contains("Wrong"), "{out}");

    let wrong: Vec<String> = lines
        .iter()
        .map(|l| if *l == right { "20s".into() } else { l.clone() })
        .collect();
    let home = tempfile::tempdir().expect("tempdir");
    let out = learn(home.path(), modules.path(), wrong.join("\n") + "\n");
    assert!(out.contains("Wrong"), "{out}");
    assert!(out.contains("10.27"), "the key is shown:\n{out}");
}

#[test]
fn a_tune_over_a_system_run_passes_any_choice_that_meets_the_goals() {
    let modules = tempfile::tempdir().expect("tempdir");
    fixed_module(
        modules.path(),
        "system-tune-example-fails",
        "example: {workers: 4}",
        "example: {workers: 6}",
    );
    let module = Library::load(&[modules.path().to_path_buf()])
        .library
        .get("m")
        .cloned()
        .expect("the module loads");
    let lines = answers::learn_walk(module, 0).lines;
    let example = lines
        .iter()
        .find(|l| l.contains("workers"))
        .cloned()
        .unwrap_or_else(|| panic!("the example among {lines:?}"));

    // Any choice that meets the goal passes, not only the example: 8 workers.
    let other: Vec<String> = lines
        .iter()
        .map(|l| {
            if *l == example {
                "workers=8".into()
            } else {
                l.clone()
            }
        })
        .collect();
    let home = tempfile::tempdir().expect("tempdir");
    let out = learn(home.path(), modules.path(), other.join("\n") + "\n");
    assert!(out.contains("p99 at server = "), "{out}");
    assert!(!out.contains("Wrong"), "{out}");

    let wrong: Vec<String> = lines
        .iter()
        .map(|l| {
            if *l == example {
                "workers=4".into()
            } else {
                l.clone()
            }
        })
        .collect();
    let home = tempfile::tempdir().expect("tempdir");
    let out = learn(home.path(), modules.path(), wrong.join("\n") + "\n");
    assert!(
        out.contains("p99 at server = 66.774ms, goal: at most 55ms"),
        "{out}"
    );
}
