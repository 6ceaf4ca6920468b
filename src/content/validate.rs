//! Everything `patterns check` proves about content, in one pass that reports every
//! problem: parse and type errors (from `yaml`), then ids, references, Markdown, exercise
//! sanity, exam arithmetic and, at [`Depth::Full`], every engine-backed item re-run through
//! the engine.
//!
//! Invariant: a module reaches [`Validated::modules`] only when its files had no errors.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use super::bundled;
use super::diagnostic::{Diagnostic, Severity};
use super::load::{BankInput, DocSource, Input, LoadedModule, ModuleInput, Origin};
use super::model::{Bank, Module};
use super::yaml::Node;

mod exercise;
mod module;
mod parse;
mod sink;

use exercise::check_bank;
use module::{check_exercise_blocks, check_module, check_prerequisite_cycles, read_docs};
pub(crate) use parse::problem_diagnostic;
use parse::{parallel_map, parse_all};
use sink::{Parsed, Seg, Sink};

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

/// Checks `input`: every file parsed and checked, modules paired with their banks.
pub fn validate(input: &Input, depth: Depth) -> Validated {
    let mut out = input.diagnostics.clone();
    let banks: Vec<Parsed<Bank>> = parse_all(
        input
            .banks
            .iter()
            .map(|b| (b.display.as_str(), b.text.as_str())),
        &mut out,
    );
    let modules: Vec<Parsed<Module>> = parse_all(
        input
            .modules
            .iter()
            .map(|m| (m.display.as_str(), m.text.as_str())),
        &mut out,
    );

    // Ids every reference may point at: the modules here, the bundled ones and those
    // installed in other roots.
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
    // A module that could not be read was reported; its bank is not "without a module".
    known.extend(input.broken_modules.iter().cloned());
    known.extend(input.installed_elsewhere.iter().cloned());

    let mut bank_errors: Vec<usize> = banks.iter().map(|b| b.errors).collect();
    let mut seen_modules: BTreeMap<String, String> = BTreeMap::new();
    let mut validated = Validated::default();
    let mut used_by_bank: Vec<HashSet<String>> = vec![HashSet::new(); banks.len()];
    // Which banks a successfully parsed module claimed (only those can judge "unused").
    let mut paired = vec![false; banks.len()];

    // Each module's Markdown, read ahead in parallel (file reads and their checks are the
    // costly part); its diagnostics join the module's in the loop below, in the same place.
    let pairs: Vec<(&Parsed<Module>, &ModuleInput)> = modules.iter().zip(&input.modules).collect();
    let mut read_ahead = parallel_map(&pairs, |(parsed, source)| {
        let mut diagnostics = Vec::new();
        let mut sink = Sink {
            path: &parsed.display,
            tree: parsed.tree.as_ref(),
            out: &mut diagnostics,
            errors: 0,
        };
        let docs = parsed
            .value
            .as_ref()
            .map(|module| read_docs(&mut sink, module, &source.docs));
        let errors = sink.errors;
        (docs, diagnostics, errors)
    })
    .into_iter();

    let mut teachable: Vec<Teachable> = Vec::new();
    for (index, (parsed, source)) in modules.iter().zip(&input.modules).enumerate() {
        let (docs, docs_diagnostics, docs_errors) = read_ahead.next().unwrap_or_default();
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
            Some(i) => banks[i].value.is_none(),
            None => input
                .broken_banks
                .iter()
                .any(|b| *b == module.id || *b == source.folder),
        };
        let bank_ids: Option<BTreeSet<String>> = match bank_index {
            _ if bank_broken => None,
            Some(i) => Some(raw_exercise_ids(banks[i].tree.as_ref())),
            None => {
                // No bank at all: one error, not one per reference.
                if let Some(first) = references(module).first() {
                    let loc = sink.at(&first_reference_path(module, first));
                    sink.error(
                        loc,
                        format!(
                            "module '{}' names exercises but has no exercise bank",
                            module.id
                        ),
                        Some(format!(
                            "create 'exercises/{}.yaml' (run 'patterns new' in an empty folder to see one)",
                            module.id
                        )),
                    );
                }
                None
            }
        };
        check_module(&mut sink, module, source, &known, bank_ids.as_ref(), bank);
        let docs = docs.unwrap_or_default();
        sink.out.extend(docs_diagnostics);
        sink.errors += docs_errors;
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
        // A module whose bank is broken cannot be taught either.
        if module_errors == 0 && !bank_broken {
            // The module and its bank are moved out of the parsed files at the end (no
            // deep copies): later checks still read them there.
            teachable.push(Teachable {
                module: index,
                bank: bank_index.filter(|&i| banks[i].value.is_some()),
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
    // The banks' checks (at `Depth::Full` every engine-backed item is re-run) in parallel;
    // each bank's diagnostics stay together and in bank order.
    let bank_pairs: Vec<(usize, &Parsed<Bank>, &BankInput)> = banks
        .iter()
        .zip(&input.banks)
        .enumerate()
        .map(|(i, (parsed, source))| (i, parsed, source))
        .collect();
    let checked_banks = parallel_map(&bank_pairs, |&(i, parsed, source)| {
        let mut diagnostics = Vec::new();
        let mut sink = Sink {
            path: &parsed.display,
            tree: parsed.tree.as_ref(),
            out: &mut diagnostics,
            errors: 0,
        };
        if let Some(bank) = &parsed.value {
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
        }
        let errors = sink.errors;
        (diagnostics, errors)
    });
    for (i, (diagnostics, errors)) in checked_banks.into_iter().enumerate() {
        out.extend(diagnostics);
        bank_errors[i] += errors;
    }

    // A module whose bank has errors is not fit to teach.
    teachable.retain(|t| {
        let id = modules[t.module].value.as_ref().map(|m| &m.id);
        banks
            .iter()
            .zip(&bank_errors)
            .all(|(b, errors)| *errors == 0 || b.value.as_ref().map(|v| &v.module) != id)
    });
    check_prerequisite_cycles(&modules, &mut out);
    validated.modules = into_loaded(teachable, modules, banks);
    out.sort_by(|a, b| (&a.path, a.loc).cmp(&(&b.path, b.loc)));
    validated.diagnostics = out;
    validated
}

/// A module that passed, by its index in the parsed modules (and its bank's).
struct Teachable {
    module: usize,
    bank: Option<usize>,
    origin: Origin,
    docs: BTreeMap<String, String>,
}

/// Moves the teachable modules and their banks out of the parsed files, in order. A bank
/// claimed by several modules is copied for all but its last one.
fn into_loaded(
    teachable: Vec<Teachable>,
    mut modules: Vec<Parsed<Module>>,
    mut banks: Vec<Parsed<Bank>>,
) -> Vec<LoadedModule> {
    let mut claims = vec![0usize; banks.len()];
    for t in &teachable {
        if let Some(i) = t.bank {
            claims[i] += 1;
        }
    }
    let mut loaded = Vec::with_capacity(teachable.len());
    for t in teachable {
        // Teachable modules parsed, and each index appears once.
        let Some(module) = modules[t.module].value.take() else {
            continue;
        };
        let bank = match t.bank {
            Some(i) => {
                claims[i] -= 1;
                if claims[i] == 0 {
                    banks[i].value.take()
                } else {
                    banks[i].value.clone()
                }
            }
            None => None,
        };
        let bank = bank.unwrap_or_else(|| Bank {
            module: module.id.clone(),
            exercises: Vec::new(),
        });
        loaded.push(LoadedModule {
            module,
            bank,
            origin: t.origin,
            docs: t.docs,
        });
    }
    loaded
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

/// Where the first exercise reference of a module is written.
fn first_reference_path<'a>(module: &Module, id: &'a str) -> Vec<Seg<'a>> {
    match module
        .blocks
        .iter()
        .position(|b| b.practice.iter().any(|p| p == id))
    {
        Some(index) => vec![
            Seg::Key("blocks"),
            Seg::Index(index),
            Seg::Key("practice"),
            Seg::Item(id),
        ],
        None => vec![Seg::Key("exam")],
    }
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
