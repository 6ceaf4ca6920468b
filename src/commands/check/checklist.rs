//! `patterns check --checklist`: after the usual check, the module checklist and rubric
//! (`content::checklist`) on every module that passed, as text or `--json`.
//!
//! Exit codes: 1 when `check` found errors (as without the flag); with `--strict` also 1
//! when any computable checklist line is missing; 0 otherwise.

use std::collections::{BTreeSet, HashSet};
use std::process::ExitCode;

use serde::Serialize;

use super::super::{Outcome, print};
use crate::cli::CheckArgs;
use crate::content::checklist::compile::Tools;
use crate::content::checklist::rubric::VARIATION_SEEDS;
use crate::content::checklist::{self, Context, Report, Skipped, Subject, Variation};
use crate::content::source::Input;
use crate::content::validate::Validated;
use crate::content::{Exercise, Severity, bundled};
use crate::grade::Item;

/// The JSON document: the check's counts and the checklist report.
#[derive(Serialize)]
struct Json<'a> {
    check: CheckCounts,
    checklist: &'a Report,
}

#[derive(Serialize)]
struct CheckCounts {
    errors: usize,
    warnings: usize,
}

pub(super) fn run(
    args: &CheckArgs,
    input: &Input,
    result: &Validated,
    check_text: String,
) -> Outcome {
    let known: BTreeSet<String> = bundled::FILES
        .iter()
        .filter_map(|f| {
            f.path
                .strip_prefix("modules/")?
                .strip_suffix("/module.yaml")
        })
        .map(str::to_owned)
        .chain(input.modules.iter().map(|m| m.folder.clone()))
        .chain(input.installed_elsewhere.iter().cloned())
        .collect();
    let passed: HashSet<&str> = result.modules.iter().map(|m| m.id()).collect();
    let subjects: Vec<Subject> = result
        .modules
        .iter()
        .filter_map(|loaded| {
            // `check` made sure a module's id is its folder's name.
            let source = input.modules.iter().find(|m| m.folder == loaded.id())?;
            let bank = input
                .banks
                .iter()
                .find(|b| b.stem == loaded.id())
                .map(|b| (b.display.as_str(), b.text.as_str()));
            Some(Subject {
                module: loaded,
                module_path: &source.display,
                module_text: &source.text,
                bank,
            })
        })
        .collect();
    let skipped: Vec<Skipped> = input
        .modules
        .iter()
        .filter(|m| !passed.contains(m.folder.as_str()))
        .map(|m| Skipped {
            path: m.display.clone(),
            reason: "it has check errors; fix them first".to_owned(),
        })
        .collect();
    let counts = |id: &str| {
        let own = |path: &str| {
            input.modules.iter().any(|m| {
                m.folder == id && path.starts_with(m.display.trim_end_matches("module.yaml"))
            }) || input
                .banks
                .iter()
                .any(|b| b.stem == id && b.display == path)
        };
        let mine = result.diagnostics.iter().filter(|d| own(&d.path));
        let errors = mine
            .clone()
            .filter(|d| d.severity == Severity::Error)
            .count();
        (errors, mine.count() - errors)
    };
    let context = Context {
        tools: Tools::probe(),
        known_modules: &known,
        check_counts: &counts,
        variation: &variation,
    };
    let report = checklist::run(&subjects, skipped, &context);
    let errors = result
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    if args.json {
        let json = Json {
            check: CheckCounts {
                errors,
                warnings: result.diagnostics.len() - errors,
            },
            checklist: &report,
        };
        let text = serde_json::to_string_pretty(&json)
            .map_err(|e| miette::miette!("Failed to write the checklist as JSON: {e}"))?;
        print(&format!("{text}\n"))?;
    } else {
        print(&format!(
            "{check_text}\n{}",
            checklist::text::render(&report)
        ))?;
    }
    let failed = errors > 0 || (args.strict && report.totals.missing > 0);
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Distinct (prompt, key) pairs a parametric exercise gives over [`VARIATION_SEEDS`] seeds.
fn variation(exercise: &Exercise) -> Option<Variation> {
    if !exercise.is_parametric() {
        return None;
    }
    let mut seen = HashSet::new();
    for seed in 0..VARIATION_SEEDS as u64 {
        if let Ok(item) = Item::new(exercise, seed) {
            seen.insert((item.prompt().to_owned(), item.key_text()));
        }
    }
    Some(Variation {
        distinct: seen.len(),
        seeds: VARIATION_SEEDS,
    })
}
