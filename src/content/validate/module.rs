//! Checks of one module file: ids, texts, references to exercises, modules and Markdown,
//! labs, the exam's arithmetic, and prerequisite cycles across modules.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use super::super::diagnostic::{Diagnostic, did_you_mean};
use super::super::model::{Bank, Kind, Lab, Module};
use super::super::scenario;
use super::super::source::{DocSource, ModuleInput, read_markdown};
use super::is_valid_id;
use super::sections::{check_section_headings, section_docs};
use super::sink::{Parsed, Seg, Sink, check_id, check_text, locate};

pub(super) fn check_module(
    sink: &mut Sink,
    module: &Module,
    source: &ModuleInput,
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
                module.id,
                // Shown with its invisible characters spelled out: sanitized, a folder named
                // "m" + an escape sequence would read as 'm', the same as the id.
                source.folder.escape_debug()
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

    // Each block id with the index of the block that has it first.
    let mut block_ids: HashMap<&str, usize> = HashMap::new();
    for (index, block) in module.blocks.iter().enumerate() {
        let here = |key: &'static str| [Seg::Key("blocks"), Seg::Index(index), Seg::Key(key)];
        check_id(sink, &block.id, &here("id"), "block");
        if let Some(&first) = block_ids.get(block.id.as_str()) {
            let loc = sink.at(&here("id"));
            let first = sink.at(&[Seg::Key("blocks"), Seg::Index(first), Seg::Key("id")]);
            let message = match first {
                Some(first) => format!(
                    "block id '{}' is used twice; it first appears at line {}, column {}",
                    block.id, first.line, first.col
                ),
                None => format!("block id '{}' is used twice", block.id),
            };
            sink.error(loc, message, Some("give each block its own id".into()));
        } else {
            block_ids.insert(&block.id, index);
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

pub(super) fn check_reference(
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

pub(super) fn check_lab(sink: &mut Sink, lab: &Lab, index: usize) {
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

pub(super) fn check_exam(
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

pub(super) fn read_docs(
    sink: &mut Sink,
    module: &Module,
    docs: &DocSource,
) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    // Each file with the field that names it, in an author's words, and where that is.
    let mut names: Vec<(String, String, Vec<Seg>)> = module
        .blocks
        .iter()
        .enumerate()
        .map(|(i, b)| {
            (
                b.concept.clone(),
                format!("the concept of block '{}'", b.id),
                vec![Seg::Key("blocks"), Seg::Index(i), Seg::Key("concept")],
            )
        })
        .collect();
    if let Some(integration) = &module.integration {
        names.push((
            integration.brief.clone(),
            "the integration brief".to_owned(),
            vec![Seg::Key("integration"), Seg::Key("brief")],
        ));
    }
    names.extend(section_docs(module));
    for (name, field, at) in names {
        if files.contains_key(&name) {
            continue;
        }
        match read_markdown(docs, &name) {
            Ok(text) => {
                files.insert(name, text);
            }
            Err(problem) => {
                let loc = sink.at(&at);
                let hint = if problem.contains("levels deep") {
                    "flatten the Markdown's lists and quotes"
                } else if problem.contains("UTF-8") {
                    "save the Markdown file as UTF-8"
                } else if problem.contains("regular file") {
                    "make it a plain text file"
                } else if problem.contains("limit") {
                    "split the Markdown file into smaller ones"
                } else {
                    "Markdown files live in the module's folder, next to module.yaml"
                };
                sink.error(
                    loc,
                    format!("Markdown file '{name}' ({field}): {problem}"),
                    Some(hint.into()),
                );
            }
        }
    }
    check_section_headings(sink, module, &files);
    files
}

pub(super) fn check_exercise_blocks(sink: &mut Sink, bank: &Bank, block_ids: &[&str]) {
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

pub(super) fn check_prerequisite_cycles(modules: &[Parsed<Module>], out: &mut Vec<Diagnostic>) {
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
