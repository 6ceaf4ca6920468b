//! `patterns learn` in plain mode through the binary. The answer lines are produced by
//! walking the same session through the library (right answers from the engine's keys),
//! then piped to the binary.

use assert_cmd::Command;
use patterns::content::{Library, LoadedModule};
use patterns::progress::{Store, Timestamp};
use patterns::session::record::Save;
use predicates::prelude::*;

#[path = "support/answers.rs"]
mod answers;

fn module() -> LoadedModule {
    answers::module("circuit-breaker")
}

/// The lines a learner answering everything rightly types, from block `start` on.
/// Parametric practice draws from a clock seed in the binary, so parametric practice items
/// are answered with 'skip' here.
fn lines_for(module: LoadedModule, start: usize) -> Vec<String> {
    walk(module, start).0
}

/// The lines typed and what the library session asked to save along the way (the binary
/// must record the same).
fn walk(module: LoadedModule, start: usize) -> (Vec<String>, Vec<Save>) {
    let walk = answers::learn_walk(module, start);
    (walk.lines, walk.saves)
}

fn learn(home: &std::path::Path, args: &[&str], input: String) -> assert_cmd::assert::Assert {
    Command::cargo_bin("patterns")
        .expect("binary")
        .env("PATTERNS_HOME", home)
        .env("NO_COLOR", "1")
        .arg("learn")
        .arg("circuit-breaker")
        .args(args)
        .write_stdin(input)
        .assert()
}

#[test]
fn the_whole_module_with_right_answers() {
    let home = tempfile::tempdir().expect("tempdir");
    let (lines, saves) = walk(module(), 0);
    let input = lines.join("\n") + "\n";
    let assert = learn(home.path(), &[], input)
        .success()
        .stdout(predicate::str::contains("== Circuit Breaker"))
        .stdout(predicate::str::contains("Priming question"))
        .stdout(predicate::str::contains("--- Concept ---"))
        .stdout(predicate::str::contains("--- Lab ---"))
        .stdout(predicate::str::contains("✓ Right: after step"))
        .stdout(predicate::str::contains("✓ Correct"))
        .stdout(predicate::str::contains("patterns exam circuit-breaker"));
    let out = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert!(!out.contains("✗"), "no wrong answer: {out}");
    let record = Store::in_dir(home.path())
        .load(Timestamp(0))
        .expect("progress")
        .record;
    let progress = record.module("circuit-breaker").expect("recorded");
    assert_eq!(
        progress.blocks_completed.len(),
        module().module.blocks.len()
    );
    assert_eq!(progress.current_block, None);
    let journal = saves
        .iter()
        .filter(|s| matches!(s, Save::Journal { .. }))
        .count();
    assert_eq!(progress.journal.len(), journal);
    let mut attempted: Vec<&str> = saves
        .iter()
        .filter_map(|s| match s {
            Save::Attempt { exercise, .. } => Some(exercise.as_str()),
            _ => None,
        })
        .collect();
    attempted.sort_unstable();
    attempted.dedup();
    assert!(!attempted.is_empty());
    let recorded: Vec<&str> = progress.attempts.keys().map(String::as_str).collect();
    assert_eq!(
        recorded, attempted,
        "every practice and integration item answered (parametric ones skipped)"
    );
    assert!(
        progress
            .attempts
            .values()
            .all(|a| a[0].verdict == patterns::progress::Verdict::Correct)
    );
}

#[test]
fn end_of_input_saves_and_resumes_at_the_block() {
    let home = tempfile::tempdir().expect("tempdir");
    // The priming guess, then the input ends in the first block.
    let blocks = module().module.blocks.len();
    learn(home.path(), &["--block", "2"], "a guess\n".into())
        .success()
        .stdout(predicate::str::contains(format!("Block 2 of {blocks}")))
        .stdout(predicate::str::contains(
            "End of input in block 2 'Mechanics: three states and their transitions'",
        ));
    let record = Store::in_dir(home.path())
        .load(Timestamp(0))
        .expect("progress")
        .record;
    assert_eq!(
        record
            .module("circuit-breaker")
            .and_then(|m| m.current_block.as_deref()),
        Some("mechanics")
    );
    // Without --block the next session starts at the saved block.
    learn(home.path(), &[], String::new())
        .success()
        .stdout(predicate::str::contains("Starting at block 2."));
}

#[test]
fn wrong_and_malformed_practice_answers() {
    let home = tempfile::tempdir().expect("tempdir");
    let mut lines = vec!["a guess".to_owned()];
    // Lab predictions of block 2: a malformed one, then wrong ones.
    lines.extend(
        [
            "banana",
            "HALF_OPEN",
            "closed",
            "closed",
            "closed",
            "closed",
        ]
        .map(String::from),
    );
    // First practice item (a state trace): too few states, a hint, then a wrong trace.
    lines.extend(["c c", "hint", "c c c c c c"].map(String::from));
    learn(home.path(), &["--block", "2"], lines.join("\n") + "\n")
        .success()
        .stdout(predicate::str::contains("'banana' is not a breaker state"))
        .stdout(predicate::str::contains("✗ Not quite"))
        .stdout(predicate::str::contains(
            "give 6 states, one per step; you gave 2",
        ))
        .stdout(predicate::str::contains("Hint 1:"))
        .stdout(predicate::str::contains("~ Partly correct"));
    let record = Store::in_dir(home.path())
        .load(Timestamp(0))
        .expect("progress")
        .record;
    let attempts = &record.module("circuit-breaker").expect("module").attempts;
    let trace = &attempts["cb-seed-exam-trace"][0];
    assert_eq!(trace.hints_used, 1);
    assert_eq!(trace.verdict, patterns::progress::Verdict::Partial);
}

#[test]
fn a_block_out_of_range_is_a_usage_error() {
    let home = tempfile::tempdir().expect("tempdir");
    learn(home.path(), &["--block", "9"], String::new())
        .code(2)
        .stderr(predicate::str::contains("--block '9'"));
}

#[test]
fn quit_stops_and_says_where() {
    let home = tempfile::tempdir().expect("tempdir");
    learn(home.path(), &[], "quit\n".into())
        .success()
        .stdout(predicate::str::contains(
            "Stopped in block 1 'The cascade problem'",
        ));
}

/// Every exercise kind (choice, numeric, text, state_trace, backoff_schedule, tune, reflection)
/// and the integration challenge, through the binary on the checker's valid fixture.
#[test]
fn every_kind_and_the_integration_challenge() {
    let fixture = std::path::PathBuf::from("tests/fixtures/valid");
    let module = Library::load(std::slice::from_ref(&fixture))
        .library
        .get("m")
        .cloned()
        .expect("the valid fixture loads");
    let home = tempfile::tempdir().expect("tempdir");
    let input = lines_for(module, 0).join("\n") + "\n";
    let assert = Command::cargo_bin("patterns")
        .expect("binary")
        .env("PATTERNS_HOME", home.path())
        .env_remove("PATTERNS_MODULES")
        .arg("--modules-dir")
        .arg(&fixture)
        .args(["learn", "m"])
        .write_stdin(input)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "the simulation: failed = 5, goal: at most 10 ✓",
        ))
        .stdout(predicate::str::contains("[backoff_schedule]"))
        .stdout(predicate::str::contains("Saved to your journal."))
        .stdout(predicate::str::contains(
            "== Integration challenge: Protect a checkout",
        ))
        .stdout(predicate::str::contains("Design question 1 of 1"))
        .stdout(predicate::str::contains("patterns exam m"));
    let out = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert!(
        !out.contains("✗ Wrong") && !out.contains("Try again"),
        "{out}"
    );
    let record = Store::in_dir(home.path())
        .load(Timestamp(0))
        .expect("progress")
        .record;
    let progress = record.module("m").expect("recorded");
    assert!(progress.journal.iter().any(|e| e.block == "integration"));
    assert_eq!(progress.blocks_completed.len(), 1);
}

/// Quitting after two of block 1's three practice items: the next session continues at the
/// third (after saying so), `restart` starts the block over, `--block 1` starts it afresh.
#[test]
fn resume_continues_at_the_first_unanswered_practice_item() {
    let home = tempfile::tempdir().expect("tempdir");
    let m = module();
    let block = &m.module.blocks[0];
    assert!(
        block.practice.len() >= 3,
        "block 1 has practice left to resume at"
    );
    let walk = answers::learn_walk(m.clone(), 0);
    // The lines typed up to the answer of the second practice item, then 'quit'.
    let second = walk
        .saves
        .iter()
        .position(|s| matches!(s, Save::Attempt { exercise, .. } if *exercise == block.practice[1]))
        .expect("the second practice item is answered");
    let mut input = walk.lines[..walk.typed[second]].to_vec();
    input.push("quit".to_owned());
    learn(home.path(), &[], input.join("\n") + "\n")
        .success()
        .stdout(predicate::str::contains("Stopped in block 1"));
    let record = Store::in_dir(home.path())
        .load(Timestamp(0))
        .expect("progress")
        .record;
    let attempts = &record.module("circuit-breaker").expect("recorded").attempts;
    assert!(attempts.contains_key(&block.practice[0]) && attempts.contains_key(&block.practice[1]));
    assert!(!attempts.contains_key(&block.practice[2]));

    let count = block.practice.len();
    let continued = learn(home.path(), &[], "\nquit\n".into())
        .success()
        .stdout(predicate::str::contains(format!(
            "Continue at block 1 '{}', practice 3 of {count}.",
            block.title
        )))
        .stdout(predicate::str::contains(
            "Press Enter to continue there, or type 'restart' to start block 1 over.",
        ));
    let out = String::from_utf8_lossy(&continued.get_output().stdout).into_owned();
    // The next thing asked is the third practice item: no priming, concept or lab again.
    let asked = out
        .find(&format!("--- Practice 3 of {count}"))
        .expect("asked");
    assert!(
        !out.contains("Priming question") && !out.contains("--- Lab ---"),
        "{out}"
    );
    assert!(!out[..asked].contains("--- Practice"), "{out}");

    learn(home.path(), &[], "restart\nquit\n".into())
        .success()
        .stdout(predicate::str::contains(
            "Starting block 1 from its beginning.",
        ))
        .stdout(predicate::str::contains("Priming question"))
        .stdout(predicate::str::contains("--- Practice").not());

    // An explicit --block starts the block from its beginning, without asking.
    learn(home.path(), &["--block", "1"], "quit\n".into())
        .success()
        .stdout(predicate::str::contains("Starting at block 1."))
        .stdout(predicate::str::contains("Priming question"))
        .stdout(predicate::str::contains("Continue at").not());
}
