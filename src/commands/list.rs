//! `patterns list [--json]` (and `patterns` with no subcommand): the modules with their
//! title, difficulty, minutes, blocks, exam items and the learner's progress.

use std::fmt::Write as _;
use std::io::Write as _;
use std::process::ExitCode;

use serde::Serialize;

use super::{Outcome, print};
use crate::cli::{Global, ListArgs};
use crate::content::load::{Library, Loaded, MODULES_ENV, extra_roots};
use crate::content::sanitize::sanitize;
use crate::content::{LoadedModule, Severity};
use crate::progress::{self, ModuleProgress, Record, Store};

/// Loads the bundled modules plus `--modules-dir` and `PATTERNS_MODULES` roots, telling
/// the user on stderr about overrides and modules left out because of errors.
pub fn load_library(global: &Global) -> Library {
    let env = std::env::var_os(MODULES_ENV);
    let roots = extra_roots(&global.modules_dirs, env.as_deref());
    let Loaded {
        library,
        diagnostics,
        notices,
    } = Library::load(&roots);
    let mut stderr = std::io::stderr().lock();
    for notice in notices {
        let _ = writeln!(stderr, "note: {notice}");
    }
    // One line per skipped file, with its first error: where, what, and where to see all.
    let mut seen: Vec<&str> = Vec::new();
    for first in diagnostics.iter().filter(|d| d.severity == Severity::Error) {
        if seen.contains(&first.path.as_str()) {
            continue;
        }
        seen.push(&first.path);
        let errors = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error && d.path == first.path)
            .count();
        let at = first
            .loc
            .map(|loc| format!("line {}, column {}: ", loc.line, loc.col))
            .unwrap_or_default();
        let more = match errors {
            1 => String::new(),
            n => format!(" (and {} more)", n - 1),
        };
        // Paths and messages can carry content: sanitized like every diagnostic.
        let _ = writeln!(
            stderr,
            "warning: '{}' has errors and was skipped: {at}{}{more}; run 'patterns check' on it",
            sanitize(&first.path),
            sanitize(&first.message)
        );
    }
    library
}

#[derive(Serialize)]
struct Listing<'a> {
    modules: Vec<Row<'a>>,
}

#[derive(Serialize)]
struct Row<'a> {
    id: &'a str,
    title: &'a str,
    difficulty: &'a str,
    minutes: u32,
    blocks: usize,
    exam_items: usize,
    /// [`ModuleProgress`] (all zeros before the first session); `null` when the progress
    /// file cannot be read.
    progress: Option<ModuleProgress>,
}

fn row<'a>(module: &'a LoadedModule, record: Option<&Record>) -> Row<'a> {
    let now = super::progress::now();
    Row {
        id: module.id(),
        title: &module.module.title,
        difficulty: module.module.difficulty.as_str(),
        minutes: module.minutes(),
        blocks: module.module.blocks.len(),
        exam_items: module.exam_items(),
        progress: record.map(|r| progress::summary_for(r, module.id(), now)),
    }
}

/// Prints the module list.
pub fn run(args: &ListArgs, global: &Global) -> Outcome {
    let library = load_library(global);
    // Progress is extra: a missing or unreadable record leaves the column empty.
    let record = Store::from_env()
        .ok()
        .and_then(|store| super::progress::load_or_warn(&store, super::progress::now()).ok());
    let rows: Vec<Row> = library
        .modules()
        .iter()
        .map(|m| row(m, record.as_ref()))
        .collect();
    if args.json {
        let mut text = serde_json::to_string_pretty(&Listing { modules: rows })
            .map_err(|e| miette::miette!("Failed to encode the list: {e}"))?;
        text.push('\n');
        print(&text)?;
    } else {
        print(&table(&rows))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn table(rows: &[Row]) -> String {
    if rows.is_empty() {
        return "No modules. Add some with --modules-dir DIR or 'patterns new <id>'.\n".into();
    }
    let headers = [
        "ID",
        "TITLE",
        "DIFFICULTY",
        "MINUTES",
        "BLOCKS",
        "EXAM ITEMS",
        "PROGRESS",
    ];
    let cells: Vec<[String; 7]> = rows
        .iter()
        .map(|r| {
            [
                r.id.to_owned(),
                r.title.to_owned(),
                r.difficulty.to_owned(),
                r.minutes.to_string(),
                r.blocks.to_string(),
                r.exam_items.to_string(),
                progress_cell(r),
            ]
        })
        .collect();
    let mut widths = headers.map(|h| h.chars().count());
    for row in &cells {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: [&str; 7]| {
        let mut text = String::new();
        for (i, (cell, width)) in cells.iter().zip(widths).enumerate() {
            // Numbers right-aligned, text left-aligned.
            if (3..6).contains(&i) {
                let _ = write!(text, "{cell:>width$}");
            } else {
                let _ = write!(text, "{cell:<width$}");
            }
            if i < 6 {
                text.push_str("  ");
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(headers);
    for row in &cells {
        line([
            &row[0], &row[1], &row[2], &row[3], &row[4], &row[5], &row[6],
        ]);
    }
    out
}

/// e.g. `1/2 blocks, exam 87% passed`; `-` before the first session.
fn progress_cell(row: &Row) -> String {
    let Some(p) = &row.progress else {
        return "-".into();
    };
    if *p == ModuleProgress::default() {
        return "-".into();
    }
    let mut text = format!("{}/{} blocks", p.blocks_completed, row.blocks);
    if let Some(best) = &p.best_exam {
        text.push_str(&format!(
            ", exam {}%{}",
            best.percent,
            if p.passed { " passed" } else { "" }
        ));
    }
    if p.reviews_due > 0 {
        text.push_str(&format!(", {} to review", p.reviews_due));
    }
    text
}
