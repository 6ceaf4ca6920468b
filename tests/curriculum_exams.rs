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

/// Issue 13 §2: an exam's generated items test their parameters. For every bundled module,
/// each generated slot (a generator's n-th item) is drawn at 20 exam seeds; at least half of
/// the slots must show 3 or more different keys. Prints the figure per module.
#[test]
fn generated_exam_items_vary_their_keys() {
    use std::collections::{BTreeMap, BTreeSet};
    for id in module_ids() {
        let module = answers::module(&id);
        let mut keys: BTreeMap<(String, usize), BTreeSet<String>> = BTreeMap::new();
        for seed in 0..20 {
            let exam = answers::exam(&module, seed);
            let mut seen: BTreeMap<String, usize> = BTreeMap::new();
            for question in exam.items().iter().filter(|q| q.pool == "generator") {
                let item = &question.question.item;
                let n = seen.entry(item.id().to_owned()).or_default();
                keys.entry((item.id().to_owned(), *n))
                    .or_default()
                    .insert(item.key_text());
                *n += 1;
            }
        }
        let varied = keys.values().filter(|k| k.len() >= 3).count();
        let detail: Vec<String> = keys
            .iter()
            .map(|((item, n), k)| format!("{item}#{n}: {}", k.len()))
            .collect();
        println!(
            "{id}: {varied} of {} generated items show >= 3 distinct keys over 20 seeds ({})",
            keys.len(),
            detail.join(", ")
        );
        assert!(!keys.is_empty(), "{id} has generators");
        assert!(
            varied * 2 >= keys.len(),
            "{id}: only {varied} of {} generated items vary: {detail:?}",
            keys.len()
        );
    }
}

/// Issue 13 §2 balance: the circuit-breaker exam never asks the worked seed trace and is at
/// most 40 % state traces; retry-backoff asks at most two backoff schedules.
#[test]
fn exams_are_balanced() {
    let breaker = answers::module("circuit-breaker");
    let backoff = answers::module("retry-backoff");
    for seed in 0..20 {
        let exam = answers::exam(&breaker, seed);
        let items = exam.items();
        let traces = items
            .iter()
            .filter(|q| q.question.item.kind_name() == "state_trace")
            .count();
        assert!(
            traces * 10 <= items.len() * 4,
            "seed {seed}: {traces} of {} items are state traces",
            items.len()
        );
        assert!(
            items
                .iter()
                .all(|q| q.question.item.id() != "cb-seed-exam-trace"),
            "seed {seed}: the worked trace is examined"
        );
        let exam = answers::exam(&backoff, seed);
        let schedules = exam
            .items()
            .iter()
            .filter(|q| q.question.item.kind_name() == "backoff_schedule")
            .count();
        assert!(schedules <= 2, "seed {seed}: {schedules} backoff schedules");
    }
}
