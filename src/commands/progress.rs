//! `patterns progress [--json]` and `patterns progress reset <module>`: the learner's record.
//!
//! Reads the file once and writes it only for `reset`. The shell reads the wall clock here
//! (`now`) and passes it down; nothing below does. Exit 1 when the record cannot be
//! shown or changed (unreadable, newer version, unknown module, failed save).

use std::fmt::Write as _;
use std::io::{self, Write as _};
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use miette::{IntoDiagnostic, miette};
use serde::Serialize;

use crate::cli::{Global, ProgressAction, ProgressArgs};
use crate::commands::{Outcome, print};
use crate::progress::{
    self, ImplementationPass, ModuleProgress, ModuleRecord, Record, Store, Timestamp,
};

pub fn run(args: ProgressArgs, _global: &Global) -> Outcome {
    let store = Store::from_env().into_diagnostic()?;
    let now = now();
    match args.action {
        None => show(&store, args.json, now),
        Some(ProgressAction::Reset { module }) => reset(&store, &module, now),
    }
}

/// The wall clock, in seconds since the Unix epoch, for the progress layer.
// The shell picks the clock (clippy.toml bans it elsewhere): this is the one read for progress.
#[allow(clippy::disallowed_methods)]
pub(crate) fn now() -> Timestamp {
    let since_epoch = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    Timestamp(since_epoch.as_secs())
}

/// The `--json` output. Stable: fields may be added, never renamed or removed.
///
/// ```text
/// {"file": "/home/me/.local/share/patterns/progress.json",
///  "modules": [{"id": "circuit-breaker",
///               "progress": {"blocks_completed": 2, "current_block": "half-open" | null,
///                            "exercises_attempted": 5, "exercises_correct": 3,
///                            "journal_entries": 2, "exams_taken": 1,
///                            "best_exam": {"score": 12, "out_of": 16, "percent": 75,
///                                          "passed": true, "seed": 7} | null,
///                            "passed": true, "reviews_due": 1, "reviews_scheduled": 3}}],
///  "reviews_due": 1}
/// ```
/// Modules are sorted by id; `progress` is [`ModuleProgress`], the same object as the
/// `progress` field of `patterns list --json`.
#[derive(Serialize)]
struct Summary<'a> {
    file: String,
    modules: Vec<ModuleSummary<'a>>,
    reviews_due: usize,
    /// `patterns implement` checks passed: the latest per pattern and preset. Left out
    /// while there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    implementations: Vec<&'a ImplementationPass>,
}

#[derive(Serialize)]
struct ModuleSummary<'a> {
    id: &'a str,
    progress: ModuleProgress,
}

fn show(store: &Store, json: bool, now: Timestamp) -> Outcome {
    let loaded = store.load(now).into_diagnostic()?;
    if let Some(quarantined) = loaded.quarantined {
        // Showing an empty record would read as "your progress is gone": say what happened.
        return Err(miette!("{quarantined}"));
    }
    let record = &loaded.record;
    let summary = Summary {
        file: store.path().display().to_string(),
        modules: record
            .module_ids()
            .map(|id| ModuleSummary {
                id,
                progress: progress::summary_for(record, id, now),
            })
            .collect(),
        reviews_due: record.due(now).len(),
        implementations: record.implementations_passed(),
    };
    let text = if json {
        let mut text = serde_json::to_string_pretty(&summary).into_diagnostic()?;
        text.push('\n');
        text
    } else {
        render(&summary)
    };
    print(&text)?;
    Ok(ExitCode::SUCCESS)
}

fn render(summary: &Summary<'_>) -> String {
    let mut out = String::new();
    if summary.modules.is_empty() && summary.implementations.is_empty() {
        let _ = writeln!(
            out,
            "No progress yet; it will be kept in '{}'.\nStart with 'patterns learn <module>'; \
             'patterns list' shows the modules.",
            summary.file
        );
        return out;
    }
    let _ = writeln!(out, "Progress recorded in '{}'", summary.file);
    for module in &summary.modules {
        let p = &module.progress;
        let _ = writeln!(out, "\n{}", printable(module.id));
        let resume = match &p.current_block {
            Some(block) => format!("; resume at '{}'", printable(block)),
            None => String::new(),
        };
        let _ = writeln!(out, "  blocks     {} completed{resume}", p.blocks_completed);
        let _ = writeln!(
            out,
            "  exercises  {} attempted, {} correct",
            p.exercises_attempted, p.exercises_correct
        );
        let _ = writeln!(
            out,
            "  journal    {}",
            plural(p.journal_entries, "entry", "entries")
        );
        let exam = match &p.best_exam {
            None => "not taken".to_owned(),
            Some(best) => format!(
                "best {}/{} ({}%, {}), {}",
                best.score,
                best.out_of,
                best.percent,
                if best.passed { "passed" } else { "not passed" },
                plural(p.exams_taken, "attempt", "attempts")
            ),
        };
        let _ = writeln!(out, "  exam       {exam}");
        let _ = writeln!(
            out,
            "  review     {} due now, {} scheduled",
            p.reviews_due, p.reviews_scheduled
        );
    }
    if !summary.implementations.is_empty() {
        let _ = writeln!(out, "\nImplementations passed ('patterns implement')");
        for pass in &summary.implementations {
            let _ = writeln!(
                out,
                "  {:<16} preset {:<13} {} cases, seed {}",
                printable(&pass.pattern),
                printable(&pass.preset),
                pass.cases,
                pass.seed
            );
        }
    }
    if summary.reviews_due > 0 {
        let _ = writeln!(
            out,
            "\n{} due for review: run 'patterns review'.",
            plural(summary.reviews_due, "exercise", "exercises")
        );
    }
    out
}

/// Loads the record for a command that carries on with an empty one when the file was
/// unreadable (`list`, `learn`, `exam`, `review`, `progress reset`): the file is moved aside
/// by [`Store::load`] and the learner is told where, on stderr. A newer-version file or an
/// I/O failure is an error.
pub(crate) fn load_or_warn(store: &Store, now: Timestamp) -> miette::Result<Record> {
    let loaded = store.load(now).into_diagnostic()?;
    if let Some(quarantined) = &loaded.quarantined {
        let _ = writeln!(io::stderr(), "warning: {quarantined}");
    }
    Ok(loaded.record)
}

fn reset(store: &Store, module: &str, now: Timestamp) -> Outcome {
    let mut record = load_or_warn(store, now)?;
    let Some(removed) = record.remove_module(module) else {
        return Err(miette!("{}", unknown_module(&record, module)));
    };
    let nothing_removed = |error: progress::StoreError| {
        miette!(
            "{error}\nNothing was removed: '{module}' is still recorded in '{}'.",
            store.path().display()
        )
    };
    // The copy first: if the save then fails, nothing is lost either way.
    let copy = store
        .keep_removed(module, &removed, now)
        .map_err(nothing_removed)?;
    store.save(&record).map_err(nothing_removed)?;
    print(&format!(
        "Removed the progress of '{module}': {}.\nA copy was kept in '{}'.\n",
        describe(&removed),
        copy.display()
    ))?;
    Ok(ExitCode::SUCCESS)
}

fn unknown_module(record: &Record, module: &str) -> String {
    let known: Vec<String> = record
        .module_ids()
        .map(|id| format!("'{}'", printable(id)))
        .collect();
    if known.is_empty() {
        format!("no progress is recorded for '{module}': no module has progress yet")
    } else {
        format!(
            "no progress is recorded for '{module}'; modules with progress: {}",
            known.join(", ")
        )
    }
}

fn describe(removed: &ModuleRecord) -> String {
    [
        plural(
            removed.blocks_completed.len(),
            "completed block",
            "completed blocks",
        ),
        plural(removed.attempt_count(), "attempt", "attempts"),
        plural(removed.journal.len(), "journal entry", "journal entries"),
        plural(removed.exams.len(), "exam", "exams"),
        plural(removed.reviews.len(), "review card", "review cards"),
    ]
    .join(", ")
}

/// Ids from the file as text safe to print: a hand-edited file could hold terminal escapes.
// TODO(lead): use content's sanitizer once the content branch is merged (one way to do it).
fn printable(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '\u{fffd}' } else { c })
        .collect()
}

fn plural(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}
