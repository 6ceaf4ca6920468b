//! The seed's "Pattern Module Checklist" and "Module Quality Rubric" (seed
//! 004_1630966a0f4289e6.txt) as a tool: `patterns check --checklist` reports, per module and
//! per focus block, each line as met, missing or needing a person, with the file:line where
//! it was found; time estimates from the content's words, labs and exercises; and the rubric
//! with what can be measured next to each line.
//!
//! Invariant: runs only on modules that passed `check` (a module with errors is listed as
//! not checked); reads nothing but the module's own files, and runs compilers only through
//! [`compile`] (temporary files, bounded in time).

mod block;
pub mod compile;
pub mod markdown;
mod module_lines;
pub mod rubric;
pub mod text;
pub mod time;

use std::collections::BTreeSet;

use serde::Serialize;

use super::model::Exercise;
use super::source::LoadedModule;
use super::yaml::{self, Node};
use compile::Tools;

/// Where a checklist line stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Present (and, where it can be, proved: code compiled, pointer resolved).
    Met,
    /// Absent or broken; the note says what to add.
    Missing,
    /// Only a person can judge it.
    NeedsPerson,
}

impl Status {
    /// The word printed in the text report.
    pub fn word(self) -> &'static str {
        match self {
            Status::Met => "met",
            Status::Missing => "missing",
            Status::NeedsPerson => "person",
        }
    }
}

/// One checklist line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Line {
    /// Stable key, e.g. 'hook', 'code_example', 'case_study'.
    pub item: &'static str,
    /// The seed's wording, e.g. 'Engaging opening hook'.
    pub label: &'static str,
    pub status: Status,
    /// 'path:line' (or 'path') where it was found, or where it belongs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    /// What was found, or what to add.
    pub note: String,
}

impl Line {
    fn new(
        item: &'static str,
        label: &'static str,
        status: Status,
        at: Option<String>,
        note: impl Into<String>,
    ) -> Self {
        Self {
            item,
            label,
            status,
            at,
            note: note.into(),
        }
    }
}

/// One focus block's lines and time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BlockReport {
    pub id: String,
    pub title: String,
    pub lines: Vec<Line>,
    pub time: time::Estimate,
}

/// One module's report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModuleReport {
    pub id: String,
    /// The module file, as `check` names it.
    pub path: String,
    pub blocks: Vec<BlockReport>,
    /// Integration and quality lines of the module as a whole.
    pub lines: Vec<Line>,
    pub time: time::ModuleTime,
    pub rubric: Vec<rubric::RubricLine>,
}

impl ModuleReport {
    /// Every line of the module and its blocks.
    pub fn all_lines(&self) -> impl Iterator<Item = &Line> {
        self.blocks
            .iter()
            .flat_map(|b| b.lines.iter())
            .chain(self.lines.iter())
    }
}

/// A module the checklist could not look at.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}

/// Counts over every line of every module.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub met: usize,
    pub missing: usize,
    pub needs_person: usize,
    /// Blocks (and integration challenges) whose declared minutes are more than 50 % off.
    pub time_flags: usize,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub modules: Vec<ModuleReport>,
    pub skipped: Vec<Skipped>,
    pub totals: Totals,
    /// The rates the time estimates use.
    pub rates: time::Rates,
}

/// How many distinct variants a parametric exercise gives over a number of seeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Variation {
    pub distinct: usize,
    pub seeds: usize,
}

/// What the checklist needs from outside content: compilers, the module ids references may
/// name, what `check` found, and (from the grading layer) how generators vary.
pub struct Context<'a> {
    pub tools: Tools,
    pub known_modules: &'a BTreeSet<String>,
    /// Errors and warnings `check` reported for the files of a module (by module id).
    pub check_counts: &'a dyn Fn(&str) -> (usize, usize),
    pub variation: &'a dyn Fn(&Exercise) -> Option<Variation>,
}

/// A module that passed `check`, with its files' texts for locating lines.
pub struct Subject<'a> {
    pub module: &'a LoadedModule,
    /// The module file's path as `check` shows it, and its text.
    pub module_path: &'a str,
    pub module_text: &'a str,
    /// The bank's path and text, when the module has one.
    pub bank: Option<(&'a str, &'a str)>,
}

/// Runs the checklist on `subjects`; `skipped` are the modules that failed `check`.
pub fn run(subjects: &[Subject], skipped: Vec<Skipped>, context: &Context) -> Report {
    let modules: Vec<ModuleReport> = subjects.iter().map(|s| module_report(s, context)).collect();
    let mut totals = Totals::default();
    for module in &modules {
        for line in module.all_lines() {
            match line.status {
                Status::Met => totals.met += 1,
                Status::Missing => totals.missing += 1,
                Status::NeedsPerson => totals.needs_person += 1,
            }
        }
        totals.time_flags +=
            module.time.flags() + module.blocks.iter().filter(|b| b.time.flagged).count();
    }
    Report {
        modules,
        skipped,
        totals,
        rates: time::Rates::default(),
    }
}

/// Locations in a module's files.
pub(crate) struct Files<'a> {
    pub module_path: &'a str,
    pub module_tree: Option<Node>,
    pub bank_path: Option<&'a str>,
    pub bank_tree: Option<Node>,
    /// The module's folder as shown ('<bundled>/modules/x').
    pub folder: String,
}

impl Files<'_> {
    /// 'module.yaml:LINE' of the node at `keys` (a key, or a list index as text).
    pub fn in_module(&self, keys: &[&str]) -> String {
        at(self.module_path, self.module_tree.as_ref(), keys)
    }

    /// 'bank.yaml:LINE' of the exercise `id`.
    pub fn in_bank(&self, id: &str) -> Option<String> {
        let path = self.bank_path?;
        let line = self.bank_tree.as_ref().and_then(|tree| {
            tree.get("exercises")?
                .items()
                .iter()
                .find(|e| e.get("id").and_then(Node::as_str) == Some(id))
                .map(|e| e.loc.line)
        });
        Some(match line {
            Some(line) => format!("{path}:{line}"),
            None => path.to_owned(),
        })
    }

    /// 'folder/file:LINE'.
    pub fn in_doc(&self, file: &str, line: Option<usize>) -> String {
        match line {
            Some(line) => format!("{}/{file}:{line}", self.folder),
            None => format!("{}/{file}", self.folder),
        }
    }
}

fn at(path: &str, tree: Option<&Node>, keys: &[&str]) -> String {
    let mut node = tree;
    let mut line = node.map(|n| n.loc.line);
    for key in keys {
        node = node.and_then(|n| match key.parse::<usize>() {
            Ok(index) => n.items().get(index),
            Err(_) => n.entry(key).map(|(k, _)| k).and_then(|k| {
                // The key's line; its value may start on the next one.
                line = Some(k.loc.line);
                n.get(key)
            }),
        });
        if let Some(n) = node {
            if key.parse::<usize>().is_ok() {
                line = Some(n.loc.line);
            }
        } else {
            break;
        }
    }
    match line {
        Some(line) => format!("{path}:{line}"),
        None => path.to_owned(),
    }
}

fn module_report(subject: &Subject, context: &Context) -> ModuleReport {
    let loaded = subject.module;
    let module = &loaded.module;
    let folder = subject
        .module_path
        .rsplit_once('/')
        .map_or(".".to_owned(), |(dir, _)| dir.to_owned());
    let files = Files {
        module_path: subject.module_path,
        module_tree: yaml::parse(subject.module_text).ok(),
        bank_path: subject.bank.map(|(path, _)| path),
        bank_tree: subject.bank.and_then(|(_, text)| yaml::parse(text).ok()),
        folder,
    };
    let blocks: Vec<BlockReport> = module
        .blocks
        .iter()
        .enumerate()
        .map(|(index, block)| block::report(loaded, index, block, &files, context.tools))
        .collect();
    let time = time::module_time(loaded, &blocks);
    let lines = module_lines::lines(loaded, &blocks, &time, &files, context);
    let rubric = rubric::measure(loaded, &blocks, &lines, context);
    ModuleReport {
        id: module.id.clone(),
        path: subject.module_path.to_owned(),
        blocks,
        lines,
        time,
        rubric,
    }
}

/// '1 outcome', '3 outcomes'.
pub(crate) fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Whether an exercise's key comes from the engine.
pub fn is_engine_backed(exercise: &Exercise) -> bool {
    use super::model::Kind;
    match exercise.kind() {
        Some(
            Kind::StateTrace(_) | Kind::BackoffSchedule(_) | Kind::LimiterTrace(_) | Kind::Tune(_),
        ) => true,
        Some(Kind::Numeric(numeric)) => numeric.compute.is_some(),
        Some(Kind::Choice(_) | Kind::Text(_) | Kind::Reflection(_)) | None => false,
    }
}
