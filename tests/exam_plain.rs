//! `patterns exam` in plain mode, driven through the binary with answers on stdin. The
//! right answers are computed through the library (the same draw, the engine's keys), never
//! typed in by hand.

#[path = "support/answers.rs"]
mod answers;

use assert_cmd::Command;
use patterns::content::LoadedModule;
use patterns::progress::{Store, Timestamp};
use patterns::session::exam::Exam;
use predicates::prelude::*;

fn module() -> LoadedModule {
    answers::module("circuit-breaker")
}

fn right_answers(seed: u64) -> Vec<String> {
    answers::right_answers(&module(), seed)
}

fn wrong_answers(seed: u64) -> Vec<String> {
    answers::wrong_answers(&module(), seed)
}

/// How many items the exam with `seed` asks.
fn items(seed: u64) -> usize {
    answers::exam(&module(), seed).items().len()
}

fn exam(home: &std::path::Path, seed: u64, input: String) -> assert_cmd::assert::Assert {
    Command::cargo_bin("patterns")
        .expect("binary")
        .env("PATTERNS_HOME", home)
        .env("NO_COLOR", "1")
        .args(["exam", "circuit-breaker", "--seed", &seed.to_string()])
        .write_stdin(input)
        .assert()
}

#[test]
fn right_answers_pass_with_exit_0_and_are_recorded() {
    let home = tempfile::tempdir().expect("tempdir");
    let n = items(7);
    let input = right_answers(7).join("\n") + "\n";
    exam(home.path(), 7, input)
        .success()
        .stdout(predicate::str::contains(format!("{n}/{n} (100%): PASSED")))
        .stdout(predicate::str::contains("By block:"))
        .stdout(predicate::str::contains("--seed 7"));
    let record = Store::in_dir(home.path())
        .load(Timestamp(0))
        .expect("progress file")
        .record;
    let exams = &record.module("circuit-breaker").expect("recorded").exams;
    assert_eq!(exams.len(), 1);
    assert_eq!(
        (exams[0].seed, exams[0].score, exams[0].passed),
        (7, u32::try_from(n).expect("small"), true)
    );
    assert_eq!(exams[0].items.len(), n);
    // `patterns list` shows it.
    let output = Command::cargo_bin("patterns")
        .expect("binary")
        .env("PATTERNS_HOME", home.path())
        .env_remove("PATTERNS_MODULES")
        .args(["list", "--json"])
        .output()
        .expect("runs");
    let list: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let progress = &list["modules"][0]["progress"];
    assert_eq!(progress["exams_taken"], 1);
    assert_eq!(progress["best_exam"]["percent"], 100);
    assert_eq!(progress["passed"], true);
    Command::cargo_bin("patterns")
        .expect("binary")
        .env("PATTERNS_HOME", home.path())
        .env_remove("PATTERNS_MODULES")
        .arg("list")
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "0/{} blocks, exam 100% passed",
            module().module.blocks.len()
        )));
}

#[test]
fn wrong_answers_fail_with_exit_1_and_show_the_right_ones() {
    let home = tempfile::tempdir().expect("tempdir");
    let input = wrong_answers(7).join("\n") + "\n";
    exam(home.path(), 7, input)
        .code(1)
        .stdout(predicate::str::contains(format!(
            "0/{} (0%): NOT PASSED (pass mark {}%)",
            items(7),
            module().module.exam.pass_mark
        )))
        .stdout(predicate::str::contains("Right answer:"))
        .stdout(predicate::str::contains("Why:"));
    let record = Store::in_dir(home.path())
        .load(Timestamp(0))
        .expect("progress file")
        .record;
    let module = record.module("circuit-breaker").expect("recorded");
    assert!(!module.exams[0].passed);
    assert!(
        !module.reviews.is_empty(),
        "missed items are enrolled for review"
    );
}

#[test]
fn malformed_answers_reprompt_without_costing_the_item() {
    let home = tempfile::tempdir().expect("tempdir");
    let answers = right_answers(11);
    let mut lines = vec!["banana".to_owned(), "".to_owned()];
    lines.extend(answers);
    exam(home.path(), 11, lines.join("\n") + "\n")
        .success()
        .stdout(predicate::str::contains("Try again."))
        .stdout(predicate::str::contains("PASSED"));
}

#[test]
fn end_of_input_stops_cleanly_without_a_score() {
    let home = tempfile::tempdir().expect("tempdir");
    let answers = right_answers(7);
    let input = answers[..3].join("\n") + "\n";
    exam(home.path(), 7, input)
        .success()
        .stdout(predicate::str::contains(format!(
            "End of input at question 4 of {}",
            items(7)
        )));
    let record = Store::in_dir(home.path())
        .load(Timestamp(0))
        .expect("loads")
        .record;
    assert!(
        record
            .module("circuit-breaker")
            .is_none_or(|m| m.exams.is_empty())
    );
}

#[test]
fn the_same_seed_asks_the_same_questions() {
    let run = |home: &std::path::Path| {
        let output = exam(home, 5, String::new()).get_output().stdout.clone();
        String::from_utf8(output).expect("utf-8")
    };
    let a = tempfile::tempdir().expect("tempdir");
    let b = tempfile::tempdir().expect("tempdir");
    assert_eq!(run(a.path()), run(b.path()));
    assert_eq!(right_answers(5), right_answers(5));
    assert_ne!(
        Exam::new(&module(), 5).expect("draws"),
        Exam::new(&module(), 6).expect("draws")
    );
}

#[test]
fn skip_and_quit() {
    let home = tempfile::tempdir().expect("tempdir");
    exam(home.path(), 7, "skip\nquit\n".into())
        .success()
        .stdout(predicate::str::contains(format!(
            "Stopped at question 2 of {}",
            items(7)
        )));
}

#[test]
fn an_unknown_module_is_a_usage_error() {
    let home = tempfile::tempdir().expect("tempdir");
    Command::cargo_bin("patterns")
        .expect("binary")
        .env("PATTERNS_HOME", home.path())
        .args(["exam", "nope"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no module 'nope'"))
        .stderr(predicate::str::contains("'circuit-breaker'"));
}

#[test]
fn an_unusable_data_folder_is_reported_and_the_exam_still_runs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let blocked = dir.path().join("not-a-folder");
    std::fs::write(&blocked, "x").expect("write");
    let input = right_answers(7).join("\n") + "\n";
    exam(&blocked, 7, input)
        .success()
        .stdout(predicate::str::contains("PASSED"))
        .stderr(predicate::str::contains("warning:"));
}
