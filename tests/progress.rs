//! `patterns progress` through the binary, with `PATTERNS_HOME` in a temporary folder: the
//! summary (text and JSON), `reset`, a round trip, corrupt, newer-version and version-1
//! files, unwritable folders; and a property test that any record survives save → load.

// Helpers outside #[test] functions: a failed setup should fail the test loudly.
#![allow(clippy::unwrap_used)]

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::cargo::cargo_bin_cmd;
use patterns::progress::{
    Attempt, BlockCompletion, Card, CardState, Difficulty, ExamItem, ExamResult, JournalEntry,
    ModuleRecord, Record, Store, Timestamp, Verdict,
};
use proptest::prelude::*;
use tempfile::TempDir;

const FIXTURES: &str = "tests/fixtures/progress";

/// A data folder holding `fixture` (if any) as its progress file.
fn home_with(fixture: Option<&str>) -> TempDir {
    let home = tempfile::tempdir().unwrap();
    if let Some(name) = fixture {
        fs::copy(Path::new(FIXTURES).join(name), progress_file(&home)).unwrap();
    }
    home
}

fn progress_file(home: &TempDir) -> PathBuf {
    home.path().join("progress.json")
}

fn patterns(home: &Path) -> assert_cmd::Command {
    let mut command = cargo_bin_cmd!("patterns");
    command.env("PATTERNS_HOME", home).env("NO_COLOR", "1");
    command
}

/// Stdout with the temporary folder's path replaced, for snapshots.
fn stdout_of(output: &std::process::Output, home: &TempDir) -> String {
    let text = String::from_utf8(output.stdout.clone()).unwrap();
    text.replace(&home.path().display().to_string(), "[HOME]")
}

/// Stderr with miette's frame and line wrapping removed, so a long path still matches.
fn flat_stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr)
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '│' | '×'))
        .collect()
}

fn flat(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn no_file_yet_prints_how_to_start() {
    let home = home_with(None);
    let output = patterns(home.path()).arg("progress").output().unwrap();
    assert!(output.status.success());
    insta::assert_snapshot!("empty_text", stdout_of(&output, &home));
    let output = patterns(home.path())
        .args(["progress", "--json"])
        .output()
        .unwrap();
    assert!(output.status.success());
    insta::assert_snapshot!("empty_json", stdout_of(&output, &home));
    // Showing progress never creates the file.
    assert!(names_in(home.path()).is_empty());
}

#[test]
fn summary_text_and_json() {
    let home = home_with(Some("v2.json"));
    let before = fs::read(progress_file(&home)).unwrap();
    let output = patterns(home.path()).arg("progress").output().unwrap();
    assert!(output.status.success(), "{output:?}");
    insta::assert_snapshot!("v2_text", stdout_of(&output, &home));
    let output = patterns(home.path())
        .args(["progress", "--json"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let json: serde_json::Value = serde_json::from_str(&stdout_of(&output, &home)).unwrap();
    insta::assert_json_snapshot!("v2_json", json);
    assert_eq!(fs::read(progress_file(&home)).unwrap(), before);
}

#[test]
fn reset_removes_one_module_keeps_a_copy_and_round_trips_the_rest() {
    let home = home_with(Some("v2.json"));
    let store = Store::in_dir(home.path());
    let original = store.load(Timestamp(0)).unwrap().record;

    let output = patterns(home.path())
        .args(["progress", "reset", "circuit-breaker"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let stdout = stdout_of(&output, &home);
    let copy_name = names_in(home.path())
        .into_iter()
        .find(|name| name.starts_with("progress.json.reset-circuit-breaker-"))
        .expect("a copy of the removed record");
    insta::assert_snapshot!(
        "reset",
        stdout.replace(&copy_name, "progress.json.reset-circuit-breaker-[NOW]")
    );

    // The rest is exactly what was there; the copy is exactly what was removed.
    let mut expected = original.clone();
    let removed = expected.remove_module("circuit-breaker").unwrap();
    assert_eq!(store.load(Timestamp(0)).unwrap().record, expected);
    let copy: ModuleRecord =
        serde_json::from_slice(&fs::read(home.path().join(&copy_name)).unwrap()).unwrap();
    assert_eq!(copy, removed);
    assert_eq!(
        names_in(home.path()),
        ["progress.json".to_owned(), copy_name]
    );
}

#[test]
fn reset_of_an_unknown_module_exits_1_listing_the_known_ones() {
    let home = home_with(Some("v2.json"));
    let before = fs::read(progress_file(&home)).unwrap();
    let output = patterns(home.path())
        .args(["progress", "reset", "rate-limiter"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    assert!(
        flat_stderr(&output).contains(&flat(
            "no progress is recorded for 'rate-limiter'; modules with progress: 'backoff', \
             'circuit-breaker'"
        )),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(fs::read(progress_file(&home)).unwrap(), before);
    assert_eq!(names_in(home.path()), ["progress.json"]);

    let empty = home_with(None);
    let output = patterns(empty.path())
        .args(["progress", "reset", "x"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(flat_stderr(&output).contains(&flat("no module has progress yet")));
}

#[test]
fn corrupt_files_are_moved_aside_with_a_message_and_exit_1() {
    for fixture in ["garbage.bin", "truncated.json"] {
        let home = home_with(Some(fixture));
        let original = fs::read(progress_file(&home)).unwrap();
        let output = patterns(home.path()).arg("progress").output().unwrap();
        assert_eq!(output.status.code(), Some(1), "{fixture}");
        assert!(output.stdout.is_empty());

        let names = names_in(home.path());
        assert_eq!(names.len(), 1, "{fixture}: {names:?}");
        let kept = &names[0];
        assert!(kept.starts_with("progress.json.corrupt-"), "{kept}");
        assert_eq!(fs::read(home.path().join(kept)).unwrap(), original);
        let stderr = flat_stderr(&output);
        let moved_to = home.path().join(kept).display().to_string();
        assert!(
            stderr.contains(&flat(&format!("it was moved to '{moved_to}'"))),
            "{stderr}"
        );
        assert!(stderr.contains("couldnotberead(notvalidJSON:"), "{stderr}");

        // The next run starts afresh and the copy stays.
        let output = patterns(home.path()).arg("progress").output().unwrap();
        assert!(output.status.success());
        assert_eq!(names_in(home.path()), std::slice::from_ref(kept));
    }
}

#[test]
fn reset_on_a_corrupt_file_warns_then_finds_nothing_to_reset() {
    let home = home_with(Some("truncated.json"));
    let output = patterns(home.path())
        .args(["progress", "reset", "circuit-breaker"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("warning: the progress file '"),
        "{stderr}"
    );
    assert!(flat(&stderr).contains("itwasmovedto"), "{stderr}");
    assert!(
        flat_stderr(&output).contains(&flat("no module has progress yet")),
        "{stderr}"
    );
    let names = names_in(home.path());
    assert_eq!(names.len(), 1);
    assert!(names[0].starts_with("progress.json.corrupt-"));
}

#[test]
fn a_second_corrupt_file_never_clobbers_the_first_copy() {
    let home = home_with(Some("garbage.bin"));
    patterns(home.path()).arg("progress").assert().code(1);
    fs::copy(
        Path::new(FIXTURES).join("truncated.json"),
        progress_file(&home),
    )
    .unwrap();
    patterns(home.path()).arg("progress").assert().code(1);
    let names = names_in(home.path());
    assert_eq!(names.len(), 2, "{names:?}");
    let contents: Vec<Vec<u8>> = names
        .iter()
        .map(|n| fs::read(home.path().join(n)).unwrap())
        .collect();
    assert!(contents.contains(&fs::read(Path::new(FIXTURES).join("garbage.bin")).unwrap()));
    assert!(contents.contains(&fs::read(Path::new(FIXTURES).join("truncated.json")).unwrap()));
}

#[test]
fn a_newer_version_is_refused_and_left_untouched() {
    let home = home_with(Some("v3.json"));
    let before = fs::read(progress_file(&home)).unwrap();
    for args in [
        &["progress"][..],
        &["progress", "--json"],
        &["progress", "reset", "circuit-breaker"],
    ] {
        let output = patterns(home.path()).args(args).output().unwrap();
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        let stderr = flat_stderr(&output);
        assert!(
            stderr.contains(&flat(
                "is version 3, but this patterns reads up to version 2; upgrade patterns"
            )),
            "{stderr}"
        );
        assert_eq!(fs::read(progress_file(&home)).unwrap(), before);
        assert_eq!(names_in(home.path()), ["progress.json"]);
    }
}

#[test]
fn a_version_1_file_is_migrated() {
    let home = home_with(Some("v1.json"));
    let output = patterns(home.path())
        .args(["progress", "--json"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let json: serde_json::Value = serde_json::from_str(&stdout_of(&output, &home)).unwrap();
    insta::assert_json_snapshot!("v1_migrated_json", json);

    // The first write stores it as version 2, every version-1 fact kept.
    patterns(home.path())
        .args(["progress", "reset", "backoff"])
        .assert()
        .success();
    let text = fs::read_to_string(progress_file(&home)).unwrap();
    assert!(text.starts_with("{\n  \"version\": 2,"), "{text}");
    let record = Store::in_dir(home.path()).load(Timestamp(0)).unwrap();
    assert_eq!(record.migrated_from, None);
    let module = record.record.module("circuit-breaker").unwrap();
    assert_eq!(
        module.blocks_completed,
        [
            BlockCompletion {
                block: "why-breakers".into(),
                at: None
            },
            BlockCompletion {
                block: "three-states".into(),
                at: None
            },
        ]
    );
    let trace = &module.attempts["cb-trace-basic"];
    assert_eq!(
        trace.iter().map(|a| a.verdict).collect::<Vec<_>>(),
        [Verdict::Wrong, Verdict::Correct]
    );
    assert_eq!(trace[0].answer, "CLOSED, OPEN, OPEN");
    assert_eq!(module.exams[0].score, 11);
    assert!(module.reviews.contains_key("cb-trace-basic"));
}

#[test]
fn a_data_folder_under_a_file_fails_naming_the_path() {
    let home = tempfile::tempdir().unwrap();
    let blocker = home.path().join("not-a-folder");
    fs::write(&blocker, "a file").unwrap();
    let data = blocker.join("patterns");
    let output = patterns(&data).arg("progress").output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = flat_stderr(&output);
    let expected = format!(
        "failed to read the progress file '{}':",
        data.join("progress.json").display()
    );
    assert!(stderr.contains(&flat(&expected)), "{stderr}");
    assert_eq!(fs::read_to_string(&blocker).unwrap(), "a file");
}

#[cfg(unix)]
#[test]
fn a_read_only_folder_fails_the_save_and_removes_nothing() {
    use std::os::unix::fs::PermissionsExt;

    let home = home_with(Some("v2.json"));
    let before = fs::read(progress_file(&home)).unwrap();
    fs::set_permissions(home.path(), fs::Permissions::from_mode(0o555)).unwrap();
    let probe = home.path().join("probe");
    if fs::write(&probe, "").is_ok() {
        // Root (as in CI containers) writes through permission bits; the failure path is
        // covered by store::tests::a_failed_save_names_the_path_and_why instead.
        let _ = fs::remove_file(&probe);
        fs::set_permissions(home.path(), fs::Permissions::from_mode(0o755)).unwrap();
        eprintln!("skipped: this user can write to a 0o555 folder (running as root)");
        return;
    }
    let output = patterns(home.path())
        .args(["progress", "reset", "circuit-breaker"])
        .output()
        .unwrap();
    fs::set_permissions(home.path(), fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = flat_stderr(&output);
    assert!(
        stderr.contains(&flat(&home.path().display().to_string())),
        "{stderr}"
    );
    assert!(stderr.contains("Permissiondenied"), "{stderr}");
    assert_eq!(fs::read(progress_file(&home)).unwrap(), before);
}

#[test]
fn terminal_escapes_in_a_hand_edited_file_are_not_printed() {
    let home = home_with(None);
    let mut record = Record::new();
    record.set_current_block("evil\u{1b}]0;pwned\u{7}", "block\u{1b}[2J");
    Store::in_dir(home.path()).save(&record).unwrap();
    let output = patterns(home.path()).arg("progress").output().unwrap();
    assert!(output.status.success());
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        !stdout.contains('\u{1b}') && !stdout.contains('\u{7}'),
        "{stdout:?}"
    );
    assert!(
        stdout.contains("evil\u{fffd}]0;pwned\u{fffd}"),
        "{stdout:?}"
    );
}

#[test]
fn reset_takes_no_json_flag() {
    let home = home_with(Some("v2.json"));
    patterns(home.path())
        .args(["progress", "--json", "reset", "backoff"])
        .assert()
        .code(2);
}

fn text() -> impl Strategy<Value = String> {
    // Any Unicode, quotes, backslashes and control characters included.
    proptest::string::string_regex("(?s).{0,12}").unwrap()
}

fn id() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9-]{0,8}"
}

fn timestamp() -> impl Strategy<Value = Timestamp> {
    any::<u64>().prop_map(Timestamp)
}

fn verdict() -> impl Strategy<Value = Verdict> {
    prop_oneof![
        Just(Verdict::Correct),
        Just(Verdict::Partial),
        Just(Verdict::Wrong)
    ]
}

fn attempt() -> impl Strategy<Value = Attempt> {
    let difficulty = proptest::option::of(prop_oneof![
        Just(Difficulty::Easy),
        Just(Difficulty::Medium),
        Just(Difficulty::Hard)
    ]);
    (timestamp(), verdict(), any::<u32>(), text(), difficulty).prop_map(
        |(at, verdict, hints_used, answer, difficulty)| Attempt {
            at,
            verdict,
            hints_used,
            answer,
            difficulty,
        },
    )
}

fn card() -> impl Strategy<Value = Card> {
    let state = prop_oneof![
        Just(CardState::New),
        Just(CardState::Learning),
        Just(CardState::Review),
        Just(CardState::Relearning)
    ];
    let float =
        proptest::num::f64::NORMAL | proptest::num::f64::ZERO | proptest::num::f64::SUBNORMAL;
    (
        timestamp(),
        float,
        float,
        any::<i64>(),
        any::<i64>(),
        any::<i32>(),
        any::<i32>(),
        state,
        timestamp(),
    )
        .prop_map(
            |(
                due,
                stability,
                difficulty,
                elapsed_days,
                scheduled_days,
                reps,
                lapses,
                state,
                last_review,
            )| Card {
                due,
                stability,
                difficulty,
                elapsed_days,
                scheduled_days,
                reps,
                lapses,
                state,
                last_review,
            },
        )
}

fn exam() -> impl Strategy<Value = ExamResult> {
    let item = (id(), verdict(), text()).prop_map(|(exercise, verdict, answer)| ExamItem {
        exercise,
        verdict,
        answer,
    });
    (
        timestamp(),
        any::<u64>(),
        any::<u32>(),
        any::<u32>(),
        any::<bool>(),
        proptest::collection::vec(item, 0..3),
    )
        .prop_map(|(at, seed, score, out_of, passed, items)| ExamResult {
            at,
            seed,
            score,
            out_of,
            passed,
            items,
        })
}

fn module() -> impl Strategy<Value = ModuleRecord> {
    let block = (id(), proptest::option::of(timestamp()))
        .prop_map(|(block, at)| BlockCompletion { block, at });
    let entry =
        (timestamp(), id(), text(), text()).prop_map(|(at, block, prompt, text)| JournalEntry {
            at,
            block,
            prompt,
            text,
        });
    (
        proptest::option::of(id()),
        proptest::collection::vec(block, 0..3),
        proptest::collection::btree_map(id(), proptest::collection::vec(attempt(), 0..3), 0..3),
        proptest::collection::vec(entry, 0..3),
        proptest::collection::vec(exam(), 0..2),
        proptest::collection::btree_map(id(), card(), 0..3),
    )
        .prop_map(
            |(current_block, blocks_completed, attempts, journal, exams, reviews)| ModuleRecord {
                current_block,
                blocks_completed,
                attempts,
                journal,
                exams,
                reviews,
            },
        )
}

fn record() -> impl Strategy<Value = Record> {
    proptest::collection::btree_map(id(), module(), 0..3).prop_map(|modules| Record {
        modules,
        ..Record::default()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_record_survives_save_then_load(record in record()) {
        let home = tempfile::tempdir().unwrap();
        let store = Store::in_dir(home.path());
        store.save(&record).unwrap();
        let loaded = store.load(Timestamp(0)).unwrap();
        prop_assert_eq!(loaded.quarantined, None);
        prop_assert_eq!(loaded.record, record);
    }
}
