//! Everything `patterns check` proves about content, in one pass that reports every
//! problem: parse and type errors (from `yaml`), then ids, references, Markdown, exercise
//! sanity, exam arithmetic and, at [`Depth::Full`], every engine-backed item re-run through
//! the engine.
//!
//! Invariant: a module reaches [`Validated::modules`] only when its files had no errors.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use super::bundled;
use super::diagnostic::{Diagnostic, Severity, did_you_mean};
use super::load::{DocSource, Input, LoadedModule, Origin, read_markdown};
use super::model::{Bank, Exercise, KIND_KEYS, Kind, Module, ParamValue, Tolerance};
use super::scenario;
use super::yaml::{self, Loc, Node, Problem, ProblemKind};

/// How deep to check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    /// Parse, types, ids, references, Markdown: what loading needs.
    Structure,
    /// Also run every engine-backed item and compare with authored expectations.
    Full,
}

/// The modules that passed, and every diagnostic.
#[derive(Debug, Default)]
pub struct Validated {
    pub modules: Vec<LoadedModule>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Validated {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }
}

/// The first line every content file starts with (the path part varies).
pub const MODELINE_PREFIX: &str = "# yaml-language-server: $schema=";

struct Parsed<T> {
    display: String,
    tree: Option<Node>,
    value: Option<T>,
    errors: usize,
}

/// Collects diagnostics for one file and counts its errors.
struct Sink<'a> {
    path: &'a str,
    tree: Option<&'a Node>,
    out: &'a mut Vec<Diagnostic>,
    errors: usize,
}

impl Sink<'_> {
    fn error(&mut self, loc: Option<Loc>, message: impl Into<String>, hint: Option<String>) {
        self.errors += 1;
        self.out
            .push(Diagnostic::error(self.path, loc, message).maybe_hint(hint));
    }

    fn warning(&mut self, loc: Option<Loc>, message: impl Into<String>, hint: Option<String>) {
        self.out
            .push(Diagnostic::warning(self.path, loc, message).maybe_hint(hint));
    }

    fn at(&self, path: &[Seg]) -> Option<Loc> {
        self.tree.map(|tree| locate(tree, path))
    }

    /// Whether the file has a non-empty list at `path` (even if its items failed to type).
    fn written(&self, path: &[Seg]) -> bool {
        self.tree
            .and_then(|tree| locate_node(tree, path))
            .is_some_and(|node| !node.items().is_empty())
    }
}

/// A step in a path through the tree, for locating semantic problems.
#[derive(Debug, Clone, Copy)]
enum Seg<'a> {
    /// The value under a mapping key.
    Key(&'a str),
    /// The key node itself.
    KeyName(&'a str),
    /// The list element whose `id` is this.
    Id(&'a str),
    /// The list element at this index.
    Index(usize),
    /// The list element equal to this string.
    Item(&'a str),
}

/// The node `path` leads to exactly, if it exists.
fn locate_node<'a>(root: &'a Node, path: &[Seg]) -> Option<&'a Node> {
    let mut node = root;
    for seg in path {
        node = step(node, *seg)?;
    }
    Some(node)
}

fn step<'a>(node: &'a Node, seg: Seg) -> Option<&'a Node> {
    match seg {
        Seg::Key(key) => node.get(key),
        Seg::KeyName(key) => node.entry(key).map(|(k, _)| k),
        Seg::Id(id) => node
            .items()
            .iter()
            .find(|item| item.get("id").and_then(Node::as_str) == Some(id)),
        Seg::Index(index) => node.items().get(index),
        Seg::Item(text) => node.items().iter().find(|item| item.as_str() == Some(text)),
    }
}

/// The position of the deepest node `path` reaches from `root`.
fn locate(root: &Node, path: &[Seg]) -> Loc {
    let mut node = root;
    for seg in path {
        match step(node, *seg) {
            Some(next) => node = next,
            None => break,
        }
    }
    node.loc
}

fn parse_file<T: serde::de::DeserializeOwned>(
    display: &str,
    text: &str,
    out: &mut Vec<Diagnostic>,
) -> Parsed<T> {
    let mut sink = Sink {
        path: display,
        tree: None,
        out,
        errors: 0,
    };
    if !text.starts_with(MODELINE_PREFIX) {
        sink.warning(
            Some(Loc { line: 1, col: 1 }),
            "the file does not start with the schema modeline",
            Some(format!(
                "make the first line '{MODELINE_PREFIX}<path to schema.json>' so editors check the file as you type"
            )),
        );
    }
    let tree = match yaml::parse(text) {
        Ok(tree) => tree,
        Err(problem) => {
            push_problem(&mut sink, problem);
            return Parsed {
                display: display.to_owned(),
                tree: None,
                value: None,
                errors: sink.errors,
            };
        }
    };
    let (value, problems) = yaml::from_tree::<T>(&tree);
    for problem in problems {
        push_problem(&mut sink, problem);
    }
    let errors = sink.errors;
    Parsed {
        display: display.to_owned(),
        tree: Some(tree),
        value,
        errors,
    }
}

fn push_problem(sink: &mut Sink, problem: Problem) {
    let loc = Some(problem.loc);
    match problem.kind {
        ProblemKind::Syntax(message) => {
            let hint = if message.starts_with("duplicate key") {
                "each key may appear once in a mapping; remove or merge the other one"
            } else if message.contains("budget") {
                "content files are small documents; expand the aliases by hand"
            } else {
                "check the indentation and quoting on this line and the one above"
            };
            sink.error(loc, format!("invalid YAML: {message}"), Some(hint.into()));
        }
        ProblemKind::UnknownField { field, expected } => {
            let hint = did_you_mean(&field, expected.iter().copied())
                .or_else(|| Some(format!("known fields: {}", expected.join(", "))));
            sink.error(loc, format!("unknown field '{field}'"), hint);
        }
        ProblemKind::MissingField(name) => sink.error(
            loc,
            format!("missing field '{name}'"),
            Some(format!("add '{name}:' to this mapping")),
        ),
        ProblemKind::UnknownVariant { variant, expected } => {
            let hint = did_you_mean(&variant, expected.iter().copied())
                .or_else(|| Some(format!("choose one of: {}", expected.join(", "))));
            sink.error(loc, format!("unknown value '{variant}'"), hint);
        }
        ProblemKind::Invalid(message) => {
            let hint = (message == "expected a string, found a mapping").then(|| {
                "a ': ' inside unquoted text starts a mapping; put the text in quotes".to_owned()
            });
            sink.error(loc, message, hint);
        }
    }
}

/// Checks `input`: every file parsed and checked, modules paired with their banks.
pub fn validate(input: &Input, depth: Depth) -> Validated {
    let mut out = input.diagnostics.clone();
    let banks: Vec<Parsed<Bank>> = input
        .banks
        .iter()
        .map(|b| parse_file(&b.display, &b.text, &mut out))
        .collect();
    let modules: Vec<Parsed<Module>> = input
        .modules
        .iter()
        .map(|m| parse_file(&m.display, &m.text, &mut out))
        .collect();

    // Ids every reference may point at: the modules here and the bundled ones.
    let mut known: BTreeSet<String> = bundled::FILES
        .iter()
        .filter_map(|f| {
            f.path
                .strip_prefix("modules/")?
                .strip_suffix("/module.yaml")
        })
        .map(str::to_owned)
        .collect();
    known.extend(modules.iter().filter_map(|m| raw_id(m.tree.as_ref(), "id")));

    let mut bank_errors: Vec<usize> = banks.iter().map(|b| b.errors).collect();
    let mut seen_modules: BTreeMap<String, String> = BTreeMap::new();
    let mut validated = Validated::default();
    let mut used_by_bank: Vec<HashSet<String>> = vec![HashSet::new(); banks.len()];
    // Which banks a successfully parsed module claimed (only those can judge "unused").
    let mut paired = vec![false; banks.len()];

    for (parsed, source) in modules.iter().zip(&input.modules) {
        let mut sink = Sink {
            path: &parsed.display,
            tree: parsed.tree.as_ref(),
            out: &mut out,
            errors: parsed.errors,
        };
        let Some(module) = &parsed.value else {
            continue;
        };
        if let Some(first) = seen_modules.get(&module.id) {
            sink.error(
                sink.at(&[Seg::Key("id")]),
                format!("module id '{}' is already used by '{first}'", module.id),
                Some("give each module its own id".into()),
            );
        }
        seen_modules.insert(module.id.clone(), parsed.display.clone());
        // The bank names the module, or is at least named after it (or its folder).
        let names_module = |b: &Parsed<Bank>, stem: &str| {
            raw_id(b.tree.as_ref(), "module").as_deref() == Some(module.id.as_str())
                || stem == module.id
                || stem == source.folder
        };
        let bank_index = banks
            .iter()
            .zip(&input.banks)
            .position(|(b, i)| names_module(b, &i.stem));
        let bank = bank_index.and_then(|i| banks[i].value.as_ref());
        // A bank that exists but could not be read or parsed was reported already; do not
        // report every reference to it again.
        let bank_broken = match bank_index {
            Some(i) => banks[i].tree.is_none(),
            None => input
                .broken_banks
                .iter()
                .any(|b| *b == module.id || *b == source.folder),
        };
        let bank_ids: Option<BTreeSet<String>> = match bank_index {
            _ if bank_broken => None,
            Some(i) => Some(raw_exercise_ids(banks[i].tree.as_ref())),
            None => Some(BTreeSet::new()),
        };
        check_module(&mut sink, module, source, &known, bank_ids.as_ref(), bank);
        let docs = read_docs(&mut sink, module, &source.docs);
        let module_errors = sink.errors;
        if let Some(i) = bank_index {
            used_by_bank[i].extend(references(module));
            paired[i] = true;
            let bank_parsed = &banks[i];
            let mut bank_sink = Sink {
                path: &bank_parsed.display,
                tree: bank_parsed.tree.as_ref(),
                out: &mut out,
                errors: 0,
            };
            if let Some(bank) = &bank_parsed.value {
                let block_ids: Vec<&str> = module.blocks.iter().map(|b| b.id.as_str()).collect();
                check_exercise_blocks(&mut bank_sink, bank, &block_ids);
            }
            bank_errors[i] += bank_sink.errors;
        }
        if module_errors == 0 {
            validated.modules.push(LoadedModule {
                module: module.clone(),
                bank: bank.cloned().unwrap_or_else(|| Bank {
                    module: module.id.clone(),
                    exercises: Vec::new(),
                }),
                origin: match &source.docs {
                    DocSource::Bundled(_) => Origin::Bundled,
                    DocSource::Dir(dir) => Origin::Dir(dir.clone()),
                },
                docs,
            });
        }
    }

    // A bank may belong to a module file that failed to parse; it still has a module.
    for source in &input.modules {
        seen_modules
            .entry(source.folder.clone())
            .or_insert_with(|| source.display.clone());
    }
    for (i, (parsed, source)) in banks.iter().zip(&input.banks).enumerate() {
        let mut sink = Sink {
            path: &parsed.display,
            tree: parsed.tree.as_ref(),
            out: &mut out,
            errors: 0,
        };
        let Some(bank) = &parsed.value else { continue };
        check_bank(&mut sink, bank, &source.stem, &seen_modules, &known, depth);
        for exercise in &bank.exercises {
            if paired[i] && !used_by_bank[i].contains(&exercise.id) {
                sink.warning(
                    sink.at(&[Seg::Key("exercises"), Seg::Id(&exercise.id), Seg::Key("id")]),
                    format!(
                        "exercise '{}' is not used by the module (no block, pool, generator or integration names it)",
                        exercise.id
                    ),
                    Some("list it under a block's 'practice' or an exam pool, or remove it".into()),
                );
            }
        }
        bank_errors[i] += sink.errors;
    }

    // A module whose bank has errors is not fit to teach.
    validated.modules.retain(|m| {
        banks.iter().zip(&bank_errors).all(|(b, errors)| {
            *errors == 0 || b.value.as_ref().map(|v| &v.module) != Some(&m.module.id)
        })
    });
    check_prerequisite_cycles(&modules, &mut out);
    out.sort_by(|a, b| (&a.path, a.loc).cmp(&(&b.path, b.loc)));
    validated.diagnostics = out;
    validated
}

/// The string under `key` at the top of a tree, even when typing failed.
fn raw_id(tree: Option<&Node>, key: &str) -> Option<String> {
    tree?.get(key)?.as_str().map(str::to_owned)
}

/// Exercise ids as written, including those of exercises that failed to type-check, so a
/// broken exercise is reported once and not again at every reference to it.
fn raw_exercise_ids(tree: Option<&Node>) -> BTreeSet<String> {
    let Some(list) = tree.and_then(|t| t.get("exercises")) else {
        return BTreeSet::new();
    };
    list.items()
        .iter()
        .filter_map(|item| item.get("id").and_then(Node::scalar_text))
        .collect()
}

/// Every exercise id the module names.
fn references(module: &Module) -> Vec<String> {
    let mut ids: Vec<String> = module
        .blocks
        .iter()
        .flat_map(|b| b.practice.iter().cloned())
        .collect();
    ids.extend(
        module
            .exam
            .pools
            .iter()
            .flat_map(|p| p.items.iter().cloned()),
    );
    ids.extend(module.exam.generators.iter().map(|g| g.exercise.clone()));
    if let Some(integration) = &module.integration {
        ids.extend(integration.exercises.iter().cloned());
    }
    ids
}

/// Whether `id` is a valid id: lowercase ASCII letters and digits in '-'-separated words.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id.split('-').all(|word| {
            !word.is_empty()
                && word
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

const ID_HINT: &str = "ids use lowercase letters, digits and '-', e.g. 'half-open-trial'";

fn check_id(sink: &mut Sink, id: &str, at: &[Seg], what: &str) {
    if !is_valid_id(id) {
        let loc = sink.at(at);
        sink.error(
            loc,
            format!("{what} id '{id}' is not a valid id"),
            Some(ID_HINT.into()),
        );
    }
}

fn check_text(sink: &mut Sink, text: &str, at: &[Seg], what: &str) {
    if text.trim().is_empty() {
        let loc = sink.at(at);
        sink.error(
            loc,
            format!("{what} is empty"),
            Some("write it, or remove the item".into()),
        );
    }
}

fn check_module(
    sink: &mut Sink,
    module: &Module,
    source: &super::load::ModuleInput,
    known: &BTreeSet<String>,
    bank_ids: Option<&BTreeSet<String>>,
    bank: Option<&Bank>,
) {
    check_id(sink, &module.id, &[Seg::Key("id")], "module");
    if is_valid_id(&module.id) && module.id != source.folder {
        let loc = sink.at(&[Seg::Key("id")]);
        sink.error(
            loc,
            format!(
                "module id '{}' differs from its folder name '{}'",
                module.id, source.folder
            ),
            Some(format!(
                "rename the folder to 'modules/{}/' or change the id",
                module.id
            )),
        );
    }
    check_text(sink, &module.title, &[Seg::Key("title")], "the title");
    check_text(sink, &module.summary, &[Seg::Key("summary")], "the summary");
    if module.outcomes.is_empty() && !sink.written(&[Seg::Key("outcomes")]) {
        let loc = sink.at(&[Seg::Key("outcomes")]);
        sink.error(
            loc,
            "no outcomes",
            Some("list what the learner can do afterwards".into()),
        );
    }
    if module.blocks.is_empty() && !sink.written(&[Seg::Key("blocks")]) {
        let loc = sink.at(&[Seg::Key("blocks")]);
        sink.error(
            loc,
            "no focus blocks",
            Some("a module teaches in at least one block".into()),
        );
    }
    for (key, ids) in [
        ("prerequisites", &module.prerequisites),
        ("related", &module.related),
    ] {
        for id in ids {
            let at = [Seg::Key(key), Seg::Item(id)];
            if *id == module.id {
                let loc = sink.at(&at);
                sink.error(loc, format!("the module names itself in '{key}'"), None);
            } else if !known.contains(id) {
                let loc = sink.at(&at);
                sink.error(
                    loc,
                    format!("unknown module '{id}' in '{key}'"),
                    did_you_mean(id, known.iter().map(String::as_str)),
                );
            }
        }
    }

    let mut block_ids = HashSet::new();
    for (index, block) in module.blocks.iter().enumerate() {
        let here = |key: &'static str| [Seg::Key("blocks"), Seg::Index(index), Seg::Key(key)];
        check_id(sink, &block.id, &here("id"), "block");
        if !block_ids.insert(block.id.as_str()) {
            let loc = sink.at(&here("id"));
            sink.error(
                loc,
                format!("block id '{}' is used twice", block.id),
                Some("give each block its own id".into()),
            );
        }
        if !(1..=120).contains(&block.minutes) {
            let loc = sink.at(&here("minutes"));
            sink.error(
                loc,
                format!("block '{}' takes {} minutes", block.id, block.minutes),
                Some("a focus block takes 1 to 120 minutes; split longer ones".into()),
            );
        }
        check_text(sink, &block.title, &here("title"), "the block title");
        check_text(
            sink,
            &block.priming.question,
            &[
                Seg::Key("blocks"),
                Seg::Index(index),
                Seg::Key("priming"),
                Seg::Key("question"),
            ],
            "the priming question",
        );
        check_text(sink, &block.bridge, &here("bridge"), "the bridge");
        for id in &block.practice {
            let at = [
                Seg::Key("blocks"),
                Seg::Index(index),
                Seg::Key("practice"),
                Seg::Item(id),
            ];
            check_reference(sink, id, &at, bank_ids, &module.id);
        }
        if block.consolidation.is_empty() {
            let loc = sink.at(&here("consolidation"));
            sink.warning(loc, format!("block '{}' has no consolidation prompts", block.id), Some("ask one or two questions that make the learner connect the block to their own systems".into()));
        }
        if let Some(lab) = &block.lab {
            check_lab(sink, lab, index);
        }
    }
    if let Some(integration) = &module.integration {
        for id in &integration.exercises {
            let at = [
                Seg::Key("integration"),
                Seg::Key("exercises"),
                Seg::Item(id),
            ];
            check_reference(sink, id, &at, bank_ids, &module.id);
        }
        if !(1..=240).contains(&integration.minutes) {
            let loc = sink.at(&[Seg::Key("integration"), Seg::Key("minutes")]);
            sink.error(
                loc,
                format!(
                    "the integration challenge takes {} minutes",
                    integration.minutes
                ),
                Some("allow 1 to 240 minutes".into()),
            );
        }
    }
    check_exam(sink, module, bank_ids, bank);
}

fn check_reference(
    sink: &mut Sink,
    id: &str,
    at: &[Seg],
    bank_ids: Option<&BTreeSet<String>>,
    module: &str,
) {
    let Some(bank_ids) = bank_ids else { return };
    if bank_ids.contains(id) {
        return;
    }
    let loc = sink.at(at);
    let hint = did_you_mean(id, bank_ids.iter().map(String::as_str)).or_else(|| {
        Some(if bank_ids.is_empty() {
            format!("add it to the bank 'exercises/{module}.yaml'")
        } else {
            format!("define it in 'exercises/{module}.yaml'")
        })
    });
    sink.error(loc, format!("unknown exercise '{id}'"), hint);
}

fn check_lab(sink: &mut Sink, lab: &super::model::Lab, index: usize) {
    let at = [Seg::Key("blocks"), Seg::Index(index), Seg::Key("lab")];
    let steps = match scenario::breaker_trace(&lab.breaker, &lab.script) {
        Ok(states) => states.len(),
        Err(error) => {
            let loc = sink.at(&[at[0], at[1], at[2], Seg::Key(error.field())]);
            sink.error(loc, error.to_string(), error.hint());
            return;
        }
    };
    for (p, prediction) in lab.predictions.iter().enumerate() {
        if prediction.step == 0 || prediction.step as usize > steps {
            let loc = sink.at(&[
                at[0],
                at[1],
                at[2],
                Seg::Key("predictions"),
                Seg::Index(p),
                Seg::Key("step"),
            ]);
            sink.error(
                loc,
                format!(
                    "prediction for step {} but the script has {steps} steps",
                    prediction.step
                ),
                Some(format!("steps are numbered 1 to {steps}")),
            );
        }
    }
}

fn check_exam(
    sink: &mut Sink,
    module: &Module,
    bank_ids: Option<&BTreeSet<String>>,
    bank: Option<&Bank>,
) {
    let exam = &module.exam;
    if !(1..=100).contains(&exam.pass_mark) {
        let loc = sink.at(&[Seg::Key("exam"), Seg::Key("pass_mark")]);
        sink.error(
            loc,
            format!("pass_mark {} is not a percentage", exam.pass_mark),
            Some("use 1 to 100, e.g. 80".into()),
        );
    }
    let mut names = HashSet::new();
    let mut total = 0u64;
    for (p, pool) in exam.pools.iter().enumerate() {
        let at = |key: &'static str| {
            [
                Seg::Key("exam"),
                Seg::Key("pools"),
                Seg::Index(p),
                Seg::Key(key),
            ]
        };
        if !names.insert(pool.name.as_str()) {
            let loc = sink.at(&at("name"));
            sink.error(
                loc,
                format!("pool name '{}' is used twice", pool.name),
                None,
            );
        }
        let mut seen = HashSet::new();
        for id in &pool.items {
            let item_at = [
                Seg::Key("exam"),
                Seg::Key("pools"),
                Seg::Index(p),
                Seg::Key("items"),
                Seg::Item(id),
            ];
            check_reference(sink, id, &item_at, bank_ids, &module.id);
            if !seen.insert(id.as_str()) {
                let loc = sink.at(&item_at);
                sink.error(
                    loc,
                    format!("'{id}' is listed twice in pool '{}'", pool.name),
                    None,
                );
            }
            if let Some(exercise) = bank.and_then(|b| b.exercises.iter().find(|e| e.id == *id))
                && matches!(exercise.kind(), Some(Kind::Reflection(_)))
            {
                let loc = sink.at(&item_at);
                sink.error(
                    loc,
                    format!("'{id}' is a reflection; exam items must be graded"),
                    Some("use it in a block's practice instead".into()),
                );
            }
        }
        if pool.draw == 0 || pool.draw as usize > seen.len() {
            let loc = sink.at(&at("draw"));
            sink.error(
                loc,
                format!(
                    "pool '{}' draws {} items but holds {}",
                    pool.name,
                    pool.draw,
                    seen.len()
                ),
                Some(format!(
                    "draw 1 to {} items, or add items to the pool",
                    seen.len().max(1)
                )),
            );
        }
        total += u64::from(pool.draw);
    }
    for (g, generator) in exam.generators.iter().enumerate() {
        let at = [
            Seg::Key("exam"),
            Seg::Key("generators"),
            Seg::Index(g),
            Seg::Key("exercise"),
        ];
        check_reference(sink, &generator.exercise, &at, bank_ids, &module.id);
        if let Some(exercise) =
            bank.and_then(|b| b.exercises.iter().find(|e| e.id == generator.exercise))
            && !exercise.is_parametric()
        {
            let loc = sink.at(&at);
            sink.error(
                loc,
                format!("generator '{}' is not parametric", generator.exercise),
                Some("give the exercise 'params' to draw from, or put it in a pool".into()),
            );
        }
        if generator.count == 0 {
            let loc = sink.at(&[at[0], at[1], at[2], Seg::Key("count")]);
            sink.error(
                loc,
                "a generator with count 0 adds nothing",
                Some("use count 1 or more".into()),
            );
        }
        total += u64::from(generator.count);
    }
    if total == 0 {
        let loc = sink.at(&[Seg::Key("exam")]);
        sink.error(
            loc,
            "the exam asks no questions",
            Some("add a pool with items and a draw count".into()),
        );
    }
}

fn read_docs(sink: &mut Sink, module: &Module, docs: &DocSource) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    let mut names: Vec<(String, Vec<Seg>)> = module
        .blocks
        .iter()
        .enumerate()
        .map(|(i, b)| {
            (
                b.concept.clone(),
                vec![Seg::Key("blocks"), Seg::Index(i), Seg::Key("concept")],
            )
        })
        .collect();
    if let Some(integration) = &module.integration {
        names.push((
            integration.brief.clone(),
            vec![Seg::Key("integration"), Seg::Key("brief")],
        ));
    }
    for (name, at) in names {
        if files.contains_key(&name) {
            continue;
        }
        match read_markdown(docs, &name) {
            Ok(text) => {
                files.insert(name, text);
            }
            Err(message) => {
                let loc = sink.at(&at);
                sink.error(
                    loc,
                    message,
                    Some("Markdown files live in the module's folder, next to module.yaml".into()),
                );
            }
        }
    }
    files
}

fn check_exercise_blocks(sink: &mut Sink, bank: &Bank, block_ids: &[&str]) {
    for exercise in &bank.exercises {
        if let Some(block) = &exercise.block
            && !block_ids.contains(&block.as_str())
        {
            let loc = sink.at(&[
                Seg::Key("exercises"),
                Seg::Id(&exercise.id),
                Seg::Key("block"),
            ]);
            sink.error(
                loc,
                format!("unknown block '{block}'"),
                did_you_mean(block, block_ids.iter().copied()),
            );
        }
    }
}

fn check_bank(
    sink: &mut Sink,
    bank: &Bank,
    stem: &str,
    modules: &BTreeMap<String, String>,
    known: &BTreeSet<String>,
    depth: Depth,
) {
    if bank.module != stem {
        let loc = sink.at(&[Seg::Key("module")]);
        sink.error(
            loc,
            format!(
                "the bank is for module '{}' but the file is named '{stem}.yaml'",
                bank.module
            ),
            Some(format!("name the file 'exercises/{}.yaml'", bank.module)),
        );
    }
    if !modules.contains_key(&bank.module) && !known.contains(&bank.module) {
        let loc = sink.at(&[Seg::Key("module")]);
        sink.error(
            loc,
            format!("no module '{}' for this bank", bank.module),
            did_you_mean(&bank.module, known.iter().map(String::as_str))
                .or_else(|| Some(format!("create 'modules/{}/module.yaml'", bank.module))),
        );
    }
    let mut ids = HashSet::new();
    if let Some(list) = sink.tree.and_then(|t| t.get("exercises")) {
        for item in list.items() {
            if let Some(id) = item.get("id").and_then(Node::scalar_text)
                && !ids.insert(id.clone())
            {
                let loc = item.get("id").map(|n| n.loc);
                sink.error(
                    loc,
                    format!("exercise id '{id}' is used twice"),
                    Some("give each exercise its own id".into()),
                );
            }
        }
    }
    for exercise in &bank.exercises {
        check_exercise(sink, exercise, depth);
    }
}

fn check_exercise(sink: &mut Sink, exercise: &Exercise, depth: Depth) {
    let id = exercise.id.as_str();
    let at = |key: &'static str| [Seg::Key("exercises"), Seg::Id(id), Seg::Key(key)];
    check_id(sink, id, &at("id"), "exercise");
    check_text(sink, &exercise.prompt, &at("prompt"), "the prompt");
    let kinds = exercise.kinds();
    let kind = match kinds.as_slice() {
        [] => {
            let loc = sink.at(&[Seg::Key("exercises"), Seg::Id(id)]);
            sink.error(
                loc,
                format!("exercise '{id}' has no kind"),
                Some(format!("add exactly one of: {}", KIND_KEYS.join(", "))),
            );
            return;
        }
        [one] => *one,
        [_, second, ..] => {
            let loc = sink.at(&[
                Seg::Key("exercises"),
                Seg::Id(id),
                Seg::KeyName(second.name()),
            ]);
            let names: Vec<&str> = kinds.iter().map(Kind::name).collect();
            sink.error(
                loc,
                format!("exercise '{id}' has several kinds: {}", names.join(", ")),
                Some(
                    "keep one kind per exercise; split the others into their own exercises".into(),
                ),
            );
            return;
        }
    };
    if kind.is_graded() {
        // A hints list whose entries failed to parse was reported already.
        let hints_written = sink.written(&[Seg::Key("exercises"), Seg::Id(id), Seg::Key("hints")]);
        if exercise.hints.is_empty() && !hints_written {
            let loc = sink.at(&[Seg::Key("exercises"), Seg::Id(id)]);
            sink.error(
                loc,
                format!("exercise '{id}' has no hints"),
                Some(
                    "add 'hints:' with one to three tiers, from a nudge to nearly the answer"
                        .into(),
                ),
            );
        }
        for (h, hint) in exercise.hints.iter().enumerate() {
            check_text(
                sink,
                hint,
                &[
                    Seg::Key("exercises"),
                    Seg::Id(id),
                    Seg::Key("hints"),
                    Seg::Index(h),
                ],
                "a hint",
            );
        }
        match &exercise.explanation {
            None => {
                let loc = sink.at(&[Seg::Key("exercises"), Seg::Id(id)]);
                sink.error(
                    loc,
                    format!("exercise '{id}' has no explanation"),
                    Some("add 'explanation:' saying why the answer is right; learners see it after grading".into()),
                );
            }
            Some(text) => check_text(sink, text, &at("explanation"), "the explanation"),
        }
    }
    let params_ok = check_params(sink, exercise, kind);
    match kind {
        Kind::Choice(choice) => check_choice(sink, id, choice),
        Kind::Numeric(numeric) => {
            check_numeric(sink, id, numeric);
            // Computations may run outage simulations: only `patterns check` pays for them,
            // loading for `list` or `learn` does not.
            if numeric.compute.is_some() && params_ok && depth == Depth::Full {
                check_engine_backed(sink, exercise, kind, depth);
            }
        }
        Kind::Text(text) => {
            if text.accepted.iter().all(|a| a.trim().is_empty()) {
                let loc = sink.at(&[
                    Seg::Key("exercises"),
                    Seg::Id(id),
                    Seg::Key("text"),
                    Seg::Key("accepted"),
                ]);
                sink.error(
                    loc,
                    "no accepted answers",
                    Some("list at least one answer counted as correct".into()),
                );
            }
        }
        Kind::StateTrace(_) | Kind::BackoffSchedule(_) | Kind::Tune(_) if params_ok => {
            check_engine_backed(sink, exercise, kind, depth);
        }
        Kind::StateTrace(_) | Kind::BackoffSchedule(_) | Kind::Tune(_) => {}
        Kind::Reflection(_) => {}
    }
}

fn check_choice(sink: &mut Sink, id: &str, choice: &super::model::Choice) {
    let at = |key: &'static str| {
        [
            Seg::Key("exercises"),
            Seg::Id(id),
            Seg::Key("choice"),
            Seg::Key(key),
        ]
    };
    let count = choice.options.len();
    if count < 2 {
        let loc = sink.at(&at("options"));
        sink.error(
            loc,
            format!("{count} option(s); a choice needs at least two"),
            None,
        );
    }
    if count > 26 {
        let loc = sink.at(&at("options"));
        sink.error(loc, format!("{count} options; at most 26 (a to z)"), None);
    }
    if choice.answer.is_empty() {
        let loc = sink.at(&at("answer"));
        sink.error(
            loc,
            "no correct option",
            Some("write the letters of the correct options, e.g. [b]".into()),
        );
    }
    let last = char::from(b'a' + u8::try_from(count.clamp(1, 26) - 1).unwrap_or(0));
    let mut seen = HashSet::new();
    for (a, letter) in choice.answer.iter().enumerate() {
        let loc_at = [
            Seg::Key("exercises"),
            Seg::Id(id),
            Seg::Key("choice"),
            Seg::Key("answer"),
            Seg::Index(a),
        ];
        let index = match letter.trim().as_bytes() {
            [b] if b.is_ascii_lowercase() => usize::from(b - b'a'),
            _ => {
                let loc = sink.at(&loc_at);
                sink.error(
                    loc,
                    format!("answer '{letter}' is not an option letter"),
                    Some(format!("use letters a to {last}")),
                );
                continue;
            }
        };
        if index >= count {
            let loc = sink.at(&loc_at);
            sink.error(
                loc,
                format!("answer '{letter}' but there are {count} options (a to {last})"),
                Some(format!(
                    "use letters a to {last}, or add the missing option"
                )),
            );
        }
        if !seen.insert(index) {
            let loc = sink.at(&loc_at);
            sink.error(loc, format!("answer '{letter}' is listed twice"), None);
        }
    }
    if !choice.multiple && choice.answer.len() > 1 {
        let loc = sink.at(&at("answer"));
        sink.error(
            loc,
            format!(
                "{} correct options in a single-choice question",
                choice.answer.len()
            ),
            Some("add 'multiple: true' if the learner must pick all of them".into()),
        );
    }
}

fn check_numeric(sink: &mut Sink, id: &str, numeric: &super::model::Numeric) {
    let at = |key: &'static str| {
        [
            Seg::Key("exercises"),
            Seg::Id(id),
            Seg::Key("numeric"),
            Seg::Key(key),
        ]
    };
    let answer = numeric.answer;
    if !answer.as_f64().is_finite() {
        let loc = sink.at(&at("answer"));
        sink.error(loc, "the answer is not a finite number", None);
        return;
    }
    match numeric.tolerance {
        None => {}
        Some(Tolerance::Percent(p)) if !(0.0..=50.0).contains(&p) => {
            let loc = sink.at(&at("tolerance"));
            sink.error(
                loc,
                format!("tolerance {p}% is not sane"),
                Some("use 0% to 50%".into()),
            );
        }
        Some(Tolerance::Percent(_)) => {}
        Some(Tolerance::Absolute(t)) => {
            if t.is_duration() != answer.is_duration() {
                let loc = sink.at(&at("tolerance"));
                let (t_sort, a_sort) = if t.is_duration() {
                    ("a duration", "a number")
                } else {
                    ("a number", "a duration")
                };
                sink.error(
                    loc,
                    format!("tolerance '{t}' is {t_sort} but the answer '{answer}' is {a_sort}"),
                    Some(if answer.is_duration() {
                        format!("write the tolerance as a duration, e.g. '{t}s', or a percentage")
                    } else {
                        "write the tolerance as a number in the answer's unit, or a percentage"
                            .into()
                    }),
                );
            } else if t.as_f64() < 0.0 || !t.as_f64().is_finite() {
                let loc = sink.at(&at("tolerance"));
                sink.error(loc, format!("tolerance '{t}' is negative"), None);
            } else if answer.as_f64() != 0.0 && t.as_f64() >= answer.as_f64().abs() {
                let loc = sink.at(&at("tolerance"));
                sink.error(
                    loc,
                    format!("tolerance '{t}' is as large as the answer '{answer}'; any guess near zero would pass"),
                    Some("use a tolerance well below the answer, e.g. 5% of it".into()),
                );
            }
        }
    }
    if answer.is_duration() && numeric.unit.is_some() {
        let loc = sink.at(&at("unit"));
        sink.warning(
            loc,
            "'unit' is ignored when the answer is a duration",
            Some("remove it".into()),
        );
    }
}

/// Checks parameters and placeholders; false when an engine run would only repeat an error.
fn check_params(sink: &mut Sink, exercise: &Exercise, kind: Kind) -> bool {
    let errors_before = sink.errors;
    let id = exercise.id.as_str();
    let settable = scenario::settable(kind);
    for (name, param) in &exercise.params {
        let at = [
            Seg::Key("exercises"),
            Seg::Id(id),
            Seg::Key("params"),
            Seg::KeyName(name),
        ];
        if let Err(message) = scenario::param_values(param) {
            let loc = sink.at(&at);
            sink.error(loc, format!("parameter '{name}': {message}"), None);
        }
        let placeholder = format!("{{{name}}}");
        let used = exercise.prompt.contains(&placeholder)
            || scenario::templates(kind)
                .iter()
                .any(|(_, text)| text.contains(&placeholder))
            || settable.contains(&name.as_str());
        if !used {
            let loc = sink.at(&at);
            sink.warning(
                loc,
                format!("parameter '{name}' is not used"),
                Some(format!(
                    "write '{placeholder}' in the prompt, or name a setting of the scenario ({})",
                    settable.join(", ")
                )),
            );
        }
    }
    let mut texts = vec![("prompt", exercise.prompt.as_str())];
    texts.extend(scenario::templates(kind));
    for (field, text) in texts {
        for name in scenario::placeholders(text) {
            if !exercise.params.contains_key(name) {
                let at = match field {
                    "prompt" => vec![Seg::Key("exercises"), Seg::Id(id), Seg::Key("prompt")],
                    _ => vec![
                        Seg::Key("exercises"),
                        Seg::Id(id),
                        Seg::Key(kind.name()),
                        Seg::Key(field),
                    ],
                };
                let loc = sink.at(&at);
                sink.error(
                    loc,
                    format!("placeholder '{{{name}}}' has no parameter"),
                    did_you_mean(name, exercise.params.keys().map(String::as_str)).or_else(|| {
                        Some(format!(
                            "declare it under 'params:', e.g. {name}: {{min: 1, max: 5}}"
                        ))
                    }),
                );
            }
        }
    }
    sink.errors == errors_before
}

fn check_engine_backed(sink: &mut Sink, exercise: &Exercise, kind: Kind, depth: Depth) {
    let id = exercise.id.as_str();
    // Every combination of the parameters' extremes, or the exercise as written.
    // Called only when the parameters' ranges are valid, so an error here is new: a value
    // that does not fit its setting, or a computation that fails.
    let variants = match scenario::extreme_variants(exercise) {
        Ok(variants) => variants,
        Err(error) => {
            let loc = sink.at(&[
                Seg::Key("exercises"),
                Seg::Id(id),
                Seg::Key(kind.name()),
                Seg::Key(error.field()),
            ]);
            sink.error(loc, error.to_string(), error.hint());
            return;
        }
    };
    for (index, (values, variant)) in variants.into_iter().enumerate() {
        let Some(variant_kind) = variant.kind() else {
            return;
        };
        let with = if values.is_empty() {
            String::new()
        } else {
            let list: Vec<String> = values.iter().map(|(k, v)| format!("{k}={v}")).collect();
            format!(" (with {})", list.join(", "))
        };
        let result = scenario::check_item(variant_kind, depth);
        // A computed numeric's authored answer is the key at the parameters' first values.
        let result = match (result, index, depth, kind, &variant.numeric) {
            (Ok(()), 0, Depth::Full, Kind::Numeric(authored), Some(concrete)) => {
                match concrete.compute.as_ref().map(scenario::computed) {
                    Some(Ok(key)) if !scenario::agrees(authored, key) => {
                        Err(scenario::ItemError::disagreement(authored.answer, key))
                    }
                    Some(Err(error)) => Err(error),
                    _ => Ok(()),
                }
            }
            (result, ..) => result,
        };
        if let Err(error) = result {
            let loc = sink.at(&[
                Seg::Key("exercises"),
                Seg::Id(id),
                Seg::Key(kind.name()),
                Seg::Key(error.field()),
            ]);
            sink.error(loc, format!("{}{with}", error), error.hint());
            return;
        }
    }
}

fn check_prerequisite_cycles(modules: &[Parsed<Module>], out: &mut Vec<Diagnostic>) {
    let graph: BTreeMap<&str, (&Parsed<Module>, &Module)> = modules
        .iter()
        .filter_map(|p| p.value.as_ref().map(|m| (m.id.as_str(), (p, m))))
        .collect();
    let mut reported = HashSet::new();
    for start in graph.keys() {
        // Depth-first search for a path back to `start`.
        let mut stack: Vec<(&str, Vec<&str>)> = vec![(start, vec![start])];
        let mut visited = HashSet::new();
        while let Some((node, path)) = stack.pop() {
            let Some((_, module)) = graph.get(node) else {
                continue;
            };
            for next in &module.prerequisites {
                if next == start {
                    let mut cycle = path.clone();
                    cycle.push(next);
                    let mut key: Vec<&str> = path.clone();
                    key.sort_unstable();
                    if reported.insert(key) {
                        let (parsed, _) = graph[start];
                        let loc = parsed
                            .tree
                            .as_ref()
                            .map(|t| locate(t, &[Seg::Key("prerequisites"), Seg::Item(cycle[1])]));
                        out.push(
                            Diagnostic::error(
                                &parsed.display,
                                loc,
                                format!("prerequisites form a cycle: {}", cycle.join(" -> ")),
                            )
                            .hint("a module cannot (indirectly) require itself; remove one link"),
                        );
                    }
                } else if visited.insert(next.as_str()) {
                    let mut longer = path.clone();
                    longer.push(next);
                    stack.push((next, longer));
                }
            }
        }
    }
}

/// Values drawn for parameters, by name.
pub type ParamValues = BTreeMap<String, ParamValue>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        assert!(is_valid_id("circuit-breaker"));
        assert!(is_valid_id("a1"));
        assert!(!is_valid_id("Circuit"));
        assert!(!is_valid_id("a--b"));
        assert!(!is_valid_id("-a"));
        assert!(!is_valid_id(""));
        assert!(!is_valid_id("a_b"));
    }
}
