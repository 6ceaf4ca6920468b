//! `patterns check` through the binary: every broken fixture (one kind of mistake each)
//! with a snapshot of exactly what an author reads, the valid fixtures, the bundled
//! modules, limits on hostile files, and property tests that no input panics the loader.

use std::path::{Path, PathBuf};

use assert_cmd::cargo::cargo_bin_cmd;
use patterns::content::source::{BankInput, DocSource, Input, ModuleInput};
use patterns::content::validate::{Depth, validate};
use predicates::prelude::*;
use proptest::prelude::*;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Runs `patterns check ARGS` in `dir`; returns (exit code, stdout).
fn check_in(dir: &Path, args: &[&str]) -> (i32, String) {
    let output = cargo_bin_cmd!("patterns")
        .current_dir(dir)
        .arg("check")
        .args(args)
        .output()
        .expect("runs");
    let stdout = String::from_utf8(output.stdout).expect("UTF-8");
    (output.status.code().unwrap_or(-1), stdout)
}

#[test]
fn every_invalid_fixture_reports_its_mistake() {
    let dir = fixtures().join("invalid");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 25, "only {} fixtures", names.len());
    for name in names {
        let (code, stdout) = check_in(&dir, &[&name]);
        let expected = if name.starts_with("warning-") { 0 } else { 1 };
        assert_eq!(code, expected, "{name}:\n{stdout}");
        assert!(
            stdout.contains(&format!("{name}/")),
            "{name} names its files:\n{stdout}"
        );
        insta::assert_snapshot!(format!("invalid__{name}"), stdout);
    }
}

#[test]
fn the_valid_fixture_passes_without_warnings() {
    let (code, stdout) = check_in(&fixtures(), &["valid"]);
    assert_eq!(code, 0, "{stdout}");
    assert_eq!(
        stdout,
        "check ok: 1 module, 1 exercise bank: 0 errors, 0 warnings\n"
    );
}

#[test]
fn a_module_folder_or_a_single_file_brings_its_companion() {
    let (code, stdout) = check_in(&fixtures(), &["valid/modules/m"]);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("1 module, 1 exercise bank"), "{stdout}");
    let (code, stdout) = check_in(&fixtures(), &["valid/exercises/m.yaml"]);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("1 module, 1 exercise bank"), "{stdout}");
}

#[test]
fn a_file_reached_twice_is_checked_once() {
    // A module folder and its bank named together each bring the other; the same file
    // written two ways (relative, `./`, absolute) is one file, not a duplicate id.
    let absolute = fixtures().join("valid/modules/m");
    let absolute = absolute.to_str().expect("UTF-8 path");
    for args in [
        vec!["valid/modules/m", "valid/exercises/m.yaml"],
        vec!["valid/modules/m", "./valid/modules/m", absolute],
        vec!["valid", "valid/modules/m/module.yaml"],
    ] {
        let (code, stdout) = check_in(&fixtures(), &args);
        assert_eq!(code, 0, "{args:?}:\n{stdout}");
        assert_eq!(
            stdout, "check ok: 1 module, 1 exercise bank: 0 errors, 0 warnings\n",
            "{args:?}"
        );
    }
}

#[test]
fn references_may_point_at_modules_installed_elsewhere() {
    // 'beta' requires 'alpha', which lives in another root: unknown to a bare `check`,
    // known (and not itself checked) with `--modules-dir` or `PATTERNS_MODULES`.
    let installed = tempfile::tempdir().expect("tempdir");
    let authored = tempfile::tempdir().expect("tempdir");
    for (dir, id) in [(&installed, "alpha"), (&authored, "beta")] {
        cargo_bin_cmd!("patterns")
            .current_dir(dir.path())
            .args(["new", id])
            .assert()
            .success();
    }
    let module = authored.path().join("modules/beta/module.yaml");
    let text = std::fs::read_to_string(&module).expect("module");
    assert!(text.contains("prerequisites: []"), "{text}");
    std::fs::write(
        &module,
        text.replace("prerequisites: []", "prerequisites: [alpha]"),
    )
    .expect("write");

    let (code, stdout) = check_in(authored.path(), &["."]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("unknown module 'alpha' in 'prerequisites'"),
        "{stdout}"
    );
    let elsewhere = installed.path().to_str().expect("UTF-8 path");
    let (code, stdout) = check_in(authored.path(), &[".", "--modules-dir", elsewhere]);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains("check ok: 1 module, 1 exercise bank"),
        "{stdout}"
    );
    let output = cargo_bin_cmd!("patterns")
        .current_dir(authored.path())
        .env("PATTERNS_MODULES", installed.path().join("modules/alpha"))
        .args(["check", "."])
        .output()
        .expect("runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
}

#[test]
fn the_bundled_modules_pass() {
    cargo_bin_cmd!("patterns")
        .arg("check")
        .assert()
        .success()
        .stdout(predicate::str::contains("0 errors, 0 warnings"));
}

#[test]
fn a_missing_path_is_an_error() {
    let (code, stdout) = check_in(&fixtures(), &["nowhere"]);
    assert_eq!(code, 1);
    assert!(
        stdout.starts_with("nowhere: error: no such file or folder"),
        "{stdout}"
    );
}

#[test]
fn oversized_files_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let big = format!(
        "# yaml-language-server: $schema=../schema.json\nmodule: big\nexercises: []\n#{}\n",
        "x".repeat(1024 * 1024)
    );
    std::fs::create_dir_all(dir.path().join("exercises")).expect("mkdir");
    std::fs::write(dir.path().join("exercises/big.yaml"), big).expect("write");
    let (code, stdout) = check_in(dir.path(), &["."]);
    assert_eq!(code, 1);
    assert!(
        stdout.contains("exercises/big.yaml: error: the file is 1.0 MiB (")
            && stdout.contains("bytes), over the 1 MiB limit for content files"),
        "{stdout}"
    );
}

#[test]
fn escapes_in_content_never_reach_the_output() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("exercises")).expect("mkdir");
    std::fs::write(
        dir.path().join("exercises/x.yaml"),
        "# yaml-language-server: $schema=../schema.json\nmodule: x\nexercises: [{id: \"\u{1b}]52;c;cm0=\u{7}a\", prompt: p, nope: 1}]\n",
    )
    .expect("write");
    let (code, stdout) = check_in(dir.path(), &["."]);
    assert_eq!(code, 1);
    assert!(
        !stdout.contains('\u{1b}') && !stdout.contains('\u{7}'),
        "{stdout:?}"
    );
}

fn input(module: &str, bank: &str) -> Input {
    Input {
        modules: vec![ModuleInput {
            display: "m.yaml".into(),
            text: module.into(),
            folder: "m".into(),
            docs: DocSource::Bundled("modules/m/".into()),
        }],
        banks: vec![BankInput {
            display: "b.yaml".into(),
            text: bank.into(),
            stem: "m".into(),
        }],
        ..Input::default()
    }
}

fn valid_texts() -> (String, String) {
    let root = fixtures().join("valid");
    (
        std::fs::read_to_string(root.join("modules/m/module.yaml")).expect("module"),
        std::fs::read_to_string(root.join("exercises/m.yaml")).expect("bank"),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_text_never_panics_the_loader(text in "\\PC*", bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let lossy = String::from_utf8_lossy(&bytes).into_owned();
        validate(&input(&text, &lossy), Depth::Full);
        validate(&input(&lossy, &text), Depth::Full);
    }

    #[test]
    fn mutated_content_never_panics_the_loader(
        cut in 0usize..4000,
        len in 0usize..40,
        insert in "[ :\\-\\[\\]{}'\"&*!|>#a-z0-9\\n]{0,12}",
        which in any::<bool>(),
    ) {
        let (module, bank) = valid_texts();
        let mutate = |text: &str| {
            let mut chars: Vec<char> = text.chars().collect();
            let start = cut.min(chars.len());
            let end = (start + len).min(chars.len());
            chars.splice(start..end, insert.chars());
            chars.into_iter().collect::<String>()
        };
        let (module, bank) = if which { (mutate(&module), bank) } else { (module, mutate(&bank)) };
        let result = validate(&input(&module, &bank), Depth::Full);
        // Every diagnostic points inside its file.
        for d in &result.diagnostics {
            if let Some(loc) = d.loc {
                let text = if d.path == "m.yaml" { &module } else { &bank };
                prop_assert!(loc.line >= 1 && (loc.line as usize) <= text.lines().count().max(1) + 1, "{d:?}");
            }
        }
    }
}
