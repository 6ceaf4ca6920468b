//! Messages that must say what happened (issue 11 item 12), through the binary: a module
//! skipped for an error is skipped everywhere, a byte order mark before the modeline, a
//! Markdown file given to `check`, and durations too short or too long to mean anything.

// Helpers outside #[test] functions: a failed setup should fail the test loudly.
#![allow(clippy::unwrap_used)]

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::cargo::cargo_bin_cmd;

fn valid_fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid")
}

/// A content root holding the valid fixture's module as `id` (and its bank), with
/// `prerequisites` and the bank naming `bank_module`.
fn add_module(root: &Path, id: &str, prerequisites: &[&str], bank_module: &str) {
    let from = valid_fixture();
    let dir = root.join("modules").join(id);
    fs::create_dir_all(&dir).unwrap();
    for doc in ["basics.md", "checkout.md"] {
        fs::copy(from.join("modules/m").join(doc), dir.join(doc)).unwrap();
    }
    let module = fs::read_to_string(from.join("modules/m/module.yaml")).unwrap();
    let mut module = module.replacen("id: m\n", &format!("id: {id}\n"), 1);
    if !prerequisites.is_empty() {
        module = module.replacen(
            "version: 1\n",
            &format!(
                "version: 1\nprerequisites: [{}]\n",
                prerequisites.join(", ")
            ),
            1,
        );
    }
    fs::write(dir.join("module.yaml"), module).unwrap();
    fs::create_dir_all(root.join("exercises")).unwrap();
    let bank = fs::read_to_string(from.join("exercises/m.yaml")).unwrap();
    fs::write(
        root.join("exercises").join(format!("{id}.yaml")),
        bank.replacen("module: m\n", &format!("module: {bank_module}\n"), 1),
    )
    .unwrap();
}

fn run(root: &Path, home: &Path, args: &[&str]) -> (i32, String, String) {
    let output = cargo_bin_cmd!("patterns")
        .env("PATTERNS_HOME", home)
        .env("NO_COLOR", "1")
        .env_remove("PATTERNS_MODULES")
        .arg("--modules-dir")
        .arg(root)
        .args(args)
        .write_stdin("")
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn a_module_said_to_be_skipped_is_not_listed_or_learnable() {
    let root = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    add_module(root.path(), "ring-a", &["ring-b"], "ring-a");
    add_module(root.path(), "ring-b", &["ring-a"], "ring-b");
    add_module(root.path(), "orphan", &[], "nobody");
    add_module(root.path(), "fine", &[], "fine");
    let (code, stdout, stderr) = run(root.path(), home.path(), &["list"]);
    assert_eq!(code, 0, "{stderr}");
    // The cycle is reported once, on the module that closes it; the bank naming no
    // module takes its module (paired by file name) out with it.
    assert!(
        stderr.contains("ring-a/module.yaml' has errors and was skipped"),
        "{stderr}"
    );
    assert!(
        stderr.contains("orphan.yaml' has errors and was skipped"),
        "{stderr}"
    );
    for id in ["ring-a", "orphan"] {
        assert!(
            !stdout.contains(id),
            "{id} is skipped, yet listed:\n{stdout}"
        );
        let (code, _, stderr) = run(root.path(), home.path(), &["learn", id, "--plain"]);
        assert_eq!(code, 2, "{id}: {stderr}");
        assert!(stderr.contains(&format!("no module '{id}'")), "{stderr}");
    }
    assert!(stdout.contains("fine"), "{stdout}");
}

#[test]
fn a_byte_order_mark_before_the_modeline_is_no_missing_modeline() {
    let root = tempfile::tempdir().unwrap();
    add_module(root.path(), "bom", &[], "bom");
    let file = root.path().join("modules/bom/module.yaml");
    let text = fs::read_to_string(&file).unwrap();
    fs::write(&file, format!("\u{feff}{text}")).unwrap();
    let output = cargo_bin_cmd!("patterns")
        .arg("check")
        .arg(root.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!stdout.contains("modeline"), "{stdout}");
    assert!(stdout.contains("0 errors, 0 warnings"), "{stdout}");
}

#[test]
fn check_of_a_markdown_file_checks_its_module_and_never_reads_it_as_yaml() {
    let dir = valid_fixture();
    let output = cargo_bin_cmd!("patterns")
        .arg("check")
        .arg(dir.join("modules/m/basics.md"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("1 module, 1 exercise bank: 0 errors"),
        "{stdout}"
    );
    let notes = tempfile::tempdir().unwrap();
    let loose = notes.path().join("notes.md");
    fs::write(&loose, "# Notes\n\n- a: b: c\n").unwrap();
    let output = cargo_bin_cmd!("patterns")
        .arg("check")
        .arg(&loose)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("not a content file"), "{stdout}");
    assert!(!stdout.contains("YAML syntax"), "{stdout}");
}

#[test]
fn durations_too_short_to_show_or_too_long_to_count_say_so() {
    let output = cargo_bin_cmd!("patterns")
        .args([
            "sim", "breaker", "--plain", "--window", "time:1ns", "--script", "5F",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("must be at least 1ms"), "{stderr}");
    let output = cargo_bin_cmd!("patterns")
        .args([
            "sim",
            "breaker",
            "--plain",
            "--recovery-timeout",
            "18446744073709551615ms",
            "--script",
            "5F",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("is too long"), "{stderr}");
}
