//! The seed's "Module Quality Rubric" (depth, accuracy, practicality, engagement,
//! progression, exercises): what can be measured is measured and printed beside the
//! criterion; the judgement itself stays with a reviewer.

use std::collections::BTreeMap;

use serde::Serialize;

use super::block::is_code;
use super::markdown::scan;
use super::time::kind_minutes;
use super::{BlockReport, Context, Line, Status, count, is_engine_backed};
use crate::content::source::LoadedModule;

/// One rubric criterion: the measurements that inform it and what a reviewer judges.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RubricLine {
    /// 'depth', 'accuracy', 'practicality', 'engagement', 'progression' or 'exercises'.
    pub criterion: &'static str,
    pub measured: Vec<String>,
    pub for_a_reviewer: &'static str,
}

/// How many generator seeds are drawn to measure variation.
pub const VARIATION_SEEDS: usize = 16;

pub(super) fn measure(
    loaded: &LoadedModule,
    blocks: &[BlockReport],
    lines: &[Line],
    context: &Context,
) -> Vec<RubricLine> {
    let module = &loaded.module;
    let scans: Vec<_> = loaded.docs.values().map(|text| scan(text)).collect();
    let concept_words: usize = module
        .blocks
        .iter()
        .filter_map(|b| loaded.markdown(&b.concept))
        .map(|t| scan(t).prose_words)
        .sum();
    let labs = module.blocks.iter().filter(|b| b.lab.is_some()).count();
    let predictions: usize = module
        .blocks
        .iter()
        .filter_map(|b| b.lab.as_ref())
        .map(|l| l.predictions.len())
        .sum();
    let met = |item: &str| {
        blocks
            .iter()
            .flat_map(|b| &b.lines)
            .filter(|l| l.item == item && l.status == Status::Met)
            .count()
    };
    let code_examples: usize = scans
        .iter()
        .map(|s| s.fences.iter().filter(|f| is_code(f)).count())
        .sum();
    let patterns_blocks: usize = scans
        .iter()
        .map(|s| s.fences.iter().filter(|f| f.language == "patterns").count())
        .sum();
    let (errors, warnings) = (context.check_counts)(&module.id);
    let graded: Vec<_> = loaded
        .bank
        .exercises
        .iter()
        .filter(|e| e.kind().is_some_and(|k| k.is_graded()))
        .collect();
    let engine = graded.iter().filter(|e| is_engine_backed(e)).count();
    let section = |item: &str| {
        lines
            .iter()
            .find(|l| l.item == item)
            .map_or("missing", |l| l.status.word())
    };
    let n = module.blocks.len();

    vec![
        RubricLine {
            criterion: "depth",
            measured: vec![
                format!(
                    "{}, {concept_words} words of concept prose, {}",
                    count(n, "block"),
                    count(module.outcomes.len(), "outcome")
                ),
                format!("{} on the engine", count(labs, "lab")),
            ],
            for_a_reviewer: "multiple layers of understanding, or surface level only",
        },
        RubricLine {
            criterion: "accuracy",
            measured: vec![
                format!("check: {errors} errors, {warnings} warnings"),
                format!("{engine} engine-backed items re-run by check against the engine"),
                // `check` re-runs every block: one whose output differs is one of its errors.
                if errors == 0 {
                    format!("{patterns_blocks} ```patterns blocks, all re-run and proved by check")
                } else {
                    format!(
                        "{patterns_blocks} ```patterns blocks re-run by check (a block whose \
                         output differs is among its errors)"
                    )
                },
                format!(
                    "{} of {n} blocks with a working code example",
                    met("code_example")
                ),
            ],
            for_a_reviewer: "prose, figures and claims technically correct",
        },
        RubricLine {
            criterion: "practicality",
            measured: vec![
                format!(
                    "{}, {}",
                    count(code_examples, "code example"),
                    count(labs, "lab")
                ),
                format!(
                    "implementation checklist: {}, common mistakes: {}, case study: {}",
                    section("implementation_checklist"),
                    section("common_mistakes"),
                    section("case_study")
                ),
            ],
            for_a_reviewer: "immediately applicable, or too theoretical",
        },
        RubricLine {
            criterion: "engagement",
            measured: vec![format!(
                "{} of {n} hooks, {} of {n} analogies, {} of {n} diagrams, {predictions} lab predictions",
                met("hook"),
                met("analogy"),
                met("diagram")
            )],
            for_a_reviewer: "compelling throughout, or dry",
        },
        RubricLine {
            criterion: "progression",
            measured: progression(loaded, context),
            for_a_reviewer: "difficulty curve: too steep, too flat or right",
        },
        RubricLine {
            criterion: "exercises",
            measured: exercises(loaded, graded.len(), engine, context),
            for_a_reviewer: "challenging and relevant, or too easy / impossible",
        },
    ]
}

fn progression(loaded: &LoadedModule, context: &Context) -> Vec<String> {
    let module = &loaded.module;
    let mut out = Vec::new();
    if module.prerequisites.is_empty() {
        out.push("prerequisites: none".to_owned());
    } else {
        let missing: Vec<&str> = module
            .prerequisites
            .iter()
            .filter(|p| !context.known_modules.contains(p.as_str()))
            .map(String::as_str)
            .collect();
        out.push(if missing.is_empty() {
            format!(
                "prerequisites: {} (all exist)",
                module.prerequisites.join(", ")
            )
        } else {
            format!("prerequisites not found: {}", missing.join(", "))
        });
    }
    // A block practising an item that belongs to a later block asks before it teaches.
    let position = |id: &str| module.blocks.iter().position(|b| b.id == id);
    let mut early = Vec::new();
    for (index, block) in module.blocks.iter().enumerate() {
        for id in &block.practice {
            let owner = loaded
                .exercise(id)
                .and_then(|e| e.block.as_deref())
                .and_then(position);
            if owner.is_some_and(|owner| owner > index) {
                early.push(format!("{id} (in '{}')", block.id));
            }
        }
    }
    out.push(if early.is_empty() {
        "block order: no practice item belongs to a later block".to_owned()
    } else {
        format!("practised before their block: {}", early.join(", "))
    });
    // Item difficulty, by the minutes its kind takes, block by block.
    let means: Vec<String> = module
        .blocks
        .iter()
        .map(|b| {
            let minutes: Vec<f64> = b
                .practice
                .iter()
                .filter_map(|id| loaded.exercise(id))
                .map(kind_minutes)
                .collect();
            if minutes.is_empty() {
                "-".to_owned()
            } else {
                format!("{:.1}", minutes.iter().sum::<f64>() / minutes.len() as f64)
            }
        })
        .collect();
    out.push(format!(
        "mean minutes per practice item, block by block: {}",
        means.join(" → ")
    ));
    out
}

fn exercises(
    loaded: &LoadedModule,
    graded: usize,
    engine: usize,
    context: &Context,
) -> Vec<String> {
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for exercise in &loaded.bank.exercises {
        if let Some(kind) = exercise.kind() {
            *kinds.entry(kind.name()).or_default() += 1;
        }
    }
    let mix: Vec<String> = kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
    let share = (engine * 100 + graded / 2).checked_div(graded).unwrap_or(0);
    let mut out = vec![
        format!("kinds: {}", mix.join(", ")),
        format!("engine-keyed: {engine} of {graded} graded items ({share} %)"),
    ];
    let variation: Vec<String> = loaded
        .module
        .exam
        .generators
        .iter()
        .filter_map(|g| {
            let exercise = loaded.exercise(&g.exercise)?;
            let v = (context.variation)(exercise)?;
            Some(format!("{} {}/{}", g.exercise, v.distinct, v.seeds))
        })
        .collect();
    out.push(if variation.is_empty() {
        "generators: none".to_owned()
    } else {
        format!(
            "generators, distinct variants over {VARIATION_SEEDS} seeds: {}",
            variation.join(", ")
        )
    });
    out
}
