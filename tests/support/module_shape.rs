//! The shape every new module's exam must have, checked through the library: at least 16
//! items drawn from pools holding at least 24, no kind above 40 % of any drawn exam (nor of
//! the worst case the pools allow), every generator parametric with a key that varies across
//! seeds. Included by the tests/curriculum_*.rs files via `#[path]`.

#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};

use patterns::content::LoadedModule;
use patterns::grade::Item;
use patterns::session::exam::Exam;

/// The exam's size, pool sizes, kind shares and generators meet the module method's bar.
pub fn assert_exam_shape(module: &LoadedModule) {
    let exam = &module.module.exam;
    let pooled: usize = exam.pools.iter().map(|p| p.items.len()).sum();
    assert!(pooled >= 24, "pools hold {pooled} items, want at least 24");

    // The most items of one kind any draw can give: per pool, the kind's items or the draw.
    let mut worst: BTreeMap<&str, usize> = BTreeMap::new();
    let mut size = 0;
    for pool in &exam.pools {
        let draw = pool.draw as usize;
        size += draw;
        let mut per_kind: BTreeMap<&str, usize> = BTreeMap::new();
        for id in &pool.items {
            let exercise = module.exercise(id).expect("pool item exists");
            let kind = exercise.kind().expect("one kind").name();
            *per_kind.entry(kind).or_default() += 1;
        }
        for (kind, n) in per_kind {
            *worst.entry(kind).or_default() += n.min(draw);
        }
    }
    for generator in &exam.generators {
        let exercise = module
            .exercise(&generator.exercise)
            .expect("generator exists");
        assert!(exercise.is_parametric(), "{} is parametric", exercise.id);
        let count = generator.count as usize;
        size += count;
        *worst
            .entry(exercise.kind().expect("one kind").name())
            .or_default() += count;
        let keys: BTreeSet<String> = (1..=40)
            .map(|seed| Item::new(exercise, seed).expect("draws").key_text())
            .collect();
        assert!(keys.len() > 1, "{}: the key never varies", exercise.id);
    }
    assert!(size >= 16, "the exam asks {size} items, want at least 16");
    for (kind, n) in &worst {
        assert!(
            n * 100 <= size * 40,
            "{kind}: up to {n} of {size} items, more than 40 %"
        );
    }
    for seed in [1, 7, 2026] {
        let drawn = Exam::new(module, seed).expect("draws");
        assert_eq!(drawn.items().len(), size, "seed {seed}");
    }
}

/// Module `id`'s exam through the binary: right answers pass 16/16 and wrong ones exit 1, at
/// seeds 3 and 11.
pub fn assert_exam_passes_and_fails(id: &str) {
    let module = super::answers::module(id);
    for seed in [3, 11] {
        exam(id, seed, &super::answers::right_answers(&module, seed))
            .success()
            .stdout(predicates::str::contains("16/16"));
        exam(id, seed, &super::answers::wrong_answers(&module, seed)).code(1);
    }
}

fn exam(id: &str, seed: u64, answers: &[String]) -> assert_cmd::assert::Assert {
    let home = tempfile::tempdir().expect("tempdir");
    assert_cmd::cargo::cargo_bin_cmd!("patterns")
        .env("PATTERNS_HOME", home.path())
        .env("NO_COLOR", "1")
        .env_remove("PATTERNS_MODULES")
        .args(["exam", id, "--seed", &seed.to_string()])
        .write_stdin(answers.join("\n") + "\n")
        .assert()
}
