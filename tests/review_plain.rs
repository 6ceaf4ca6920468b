//! `patterns review` in plain mode: items missed long ago are due, re-asked (parametric
//! ones with fresh values, answered here through the library), and the answer moves the
//! FSRS card into the future.

use assert_cmd::Command;
use patterns::content::Library;
use patterns::progress::{Attempt, Record, Store, Timestamp, Verdict};
use patterns::session::review::Review;
use predicates::prelude::*;

fn missed_long_ago(home: &std::path::Path, exercise: &str) {
    let mut record = Record::new();
    record.record_attempt(
        "circuit-breaker",
        exercise,
        Attempt {
            at: Timestamp(1_000_000),
            verdict: Verdict::Wrong,
            hints_used: 0,
            answer: "x".into(),
            difficulty: None,
        },
    );
    Store::in_dir(home).save(&record).expect("saved");
}

fn review(home: &std::path::Path, input: &str) -> assert_cmd::assert::Assert {
    Command::cargo_bin("patterns")
        .expect("binary")
        .env("PATTERNS_HOME", home)
        .env_remove("PATTERNS_MODULES")
        .arg("review")
        .write_stdin(input.to_owned())
        .assert()
}

#[test]
fn a_due_item_is_reasked_and_rescheduled() {
    let home = tempfile::tempdir().expect("tempdir");
    missed_long_ago(home.path(), "cb-slow-versus-down");
    // The right answer, from the library (not typed in).
    let store = Store::in_dir(home.path());
    let record = store.load(Timestamp(2_000_000)).expect("loads").record;
    let library = Library::load(&[]).library;
    let session = Review::new(&record.due(Timestamp(2_000_000)), &library, 1);
    let answer = session.items()[0]
        .question
        .item
        .right_answer()
        .expect("key");
    review(home.path(), &format!("banana\n{answer}\n"))
        .success()
        .stdout(predicate::str::contains("Review: 1 exercise(s) due"))
        .stdout(predicate::str::contains("Try again."))
        .stdout(predicate::str::contains("✓ Correct"))
        .stdout(predicate::str::contains("Review done: 1 of 1 right."));
    let record = store.load(Timestamp(0)).expect("loads").record;
    let module = record.module("circuit-breaker").expect("module");
    assert_eq!(module.attempts["cb-slow-versus-down"].len(), 2);
    let card = &module.reviews["cb-slow-versus-down"];
    assert!(card.due > Timestamp(1_700_000_000), "rescheduled from now");
}

#[test]
fn nothing_due_and_end_of_input() {
    let home = tempfile::tempdir().expect("tempdir");
    review(home.path(), "")
        .success()
        .stdout(predicate::str::contains("Nothing is due for review."));
    missed_long_ago(home.path(), "cb-trace-variant");
    review(home.path(), "")
        .success()
        .stdout(predicate::str::contains("End of input at review 1 of 1"));
}
