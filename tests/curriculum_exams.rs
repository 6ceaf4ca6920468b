//! Every bundled module's exam taken in plain mode through the binary, for a few seeds: the
//! right answers (computed through the library: the same draw, the engine's keys) pass with
//! exit 0, wrong but well-formed ones (each checked with the item's own grader) fail with
//! exit 1. The list of modules comes from the library, so a new module is covered too.

#[path = "support/answers.rs"]
mod answers;

use assert_cmd::Command;
use patterns::content::Library;
use predicates::prelude::*;

const SEEDS: [u64; 3] = [1, 7, 2026];

fn module_ids() -> Vec<String> {
    let ids: Vec<String> = Library::load(&[])
        .library
        .modules()
        .iter()
        .map(|m| m.id().to_owned())
        .collect();
    for expected in [
        "circuit-breaker",
        "retry-backoff",
        "retry-storms",
        "rate-limiting",
        "bulkhead",
        "timeouts-deadlines",
    ] {
        assert!(ids.iter().any(|id| id == expected), "{expected} is bundled");
    }
    ids
}

fn exam(id: &str, seed: u64, answers: &[String]) -> assert_cmd::assert::Assert {
    let home = tempfile::tempdir().expect("tempdir");
    Command::cargo_bin("patterns")
        .expect("binary")
        .env("PATTERNS_HOME", home.path())
        .env("NO_COLOR", "1")
        .env_remove("PATTERNS_MODULES")
        .args(["exam", id, "--seed", &seed.to_string()])
        .write_stdin(answers.join("\n") + "\n")
        .assert()
}

#[test]
fn right_answers_pass_every_module() {
    for id in module_ids() {
        let module = answers::module(&id);
        for seed in SEEDS {
            let right = answers::right_answers(&module, seed);
            assert!(
                right.len() >= 10,
                "{id}: a real exam ({} items)",
                right.len()
            );
            let n = right.len();
            exam(&id, seed, &right)
                .code(0)
                .stdout(predicate::str::contains(format!("{n}/{n} (100%): PASSED")))
                .stdout(predicate::str::contains("Try again").not());
        }
    }
}

#[test]
fn wrong_answers_fail_every_module() {
    for id in module_ids() {
        let module = answers::module(&id);
        for seed in SEEDS {
            let wrong = answers::wrong_answers(&module, seed);
            let n = wrong.len();
            // Partly right answers (a tune meeting some goals) score no point either.
            exam(&id, seed, &wrong)
                .code(1)
                .stdout(predicate::str::contains(format!("0/{n} (0%): NOT PASSED")))
                .stdout(predicate::str::contains("Try again").not());
        }
    }
}

/// The seeds above draw every graded kind, so the two tests above cover each of them.
#[test]
fn the_exams_draw_engine_backed_kinds() {
    let mut kinds: Vec<&str> = Vec::new();
    for id in module_ids() {
        let module = answers::module(&id);
        for seed in SEEDS {
            for q in answers::exam(&module, seed).items() {
                let kind = q.question.item.kind_name();
                if !kinds.contains(&kind) {
                    kinds.push(kind);
                }
            }
        }
    }
    for kind in [
        "choice",
        "numeric",
        "text",
        "state_trace",
        "backoff_schedule",
        "tune",
    ] {
        assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
    }
}
