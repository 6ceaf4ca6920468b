//! The seed's "each_focus_block" lines for one block: hook, concept, code example, diagram,
//! analogy, exercise, reflection.

use super::compile::{Compiled, Language, Tools};
use super::markdown::{Fence, Scan, scan};
use super::{BlockReport, Files, Line, Status, count, is_engine_backed, time};
use crate::content::diagram::Diagram;
use crate::content::model::Block;
use crate::content::source::LoadedModule;

/// A concept shorter than this (words of prose) is not a "clear core concept explanation".
pub const MIN_CONCEPT_WORDS: usize = 80;

/// Fence languages that are not code examples: diagrams, the engine's own blocks, plain text.
const NOT_CODE: [&str; 6] = ["", "patterns", "mermaid", "diagram", "text", "plain"];

pub(super) fn report(
    loaded: &LoadedModule,
    index: usize,
    block: &Block,
    files: &Files,
    tools: Tools,
) -> BlockReport {
    let key = index.to_string();
    let path = |field: &str| files.in_module(&["blocks", &key, field]);
    let concept_text = loaded.markdown(&block.concept).unwrap_or("");
    let concept = scan(concept_text);
    let mut lines = Vec::with_capacity(7);

    lines.push(present(
        "hook",
        "Engaging opening hook",
        !block.priming.question.trim().is_empty(),
        path("priming"),
        "priming question, answer revealed after the concept",
        "add 'priming: {question, answer}'",
    ));
    lines.push(if concept.prose_words >= MIN_CONCEPT_WORDS {
        Line::new(
            "concept",
            "Clear core concept explanation",
            Status::Met,
            Some(files.in_doc(&block.concept, Some(1))),
            format!("{} words of prose", concept.prose_words),
        )
    } else {
        Line::new(
            "concept",
            "Clear core concept explanation",
            Status::Missing,
            Some(files.in_doc(&block.concept, Some(1))),
            format!(
                "{} words of prose; write at least {MIN_CONCEPT_WORDS}",
                concept.prose_words
            ),
        )
    });
    lines.push(code_line(&concept, &block.concept, files, tools));
    lines.push(diagram_line(&concept, &block.concept, files));
    lines.push(present(
        "analogy",
        "Relatable analogy",
        !block.bridge.trim().is_empty(),
        path("bridge"),
        "bridge",
        "add a 'bridge:' analogy",
    ));
    lines.push(exercise_line(loaded, block, files, &path("practice")));
    lines.push(present(
        "reflection",
        "Reflection questions",
        !block.consolidation.is_empty(),
        path("consolidation"),
        &count(block.consolidation.len(), "consolidation prompt"),
        "add 'consolidation:' prompts",
    ));
    BlockReport {
        id: block.id.clone(),
        title: block.title.clone(),
        time: time::block_estimate(loaded, block, &concept),
        lines,
    }
}

fn present(
    item: &'static str,
    label: &'static str,
    ok: bool,
    at: String,
    found: &str,
    fix: &str,
) -> Line {
    let (status, note) = if ok {
        (Status::Met, found)
    } else {
        (Status::Missing, fix)
    };
    Line::new(item, label, status, Some(at), note)
}

/// Whether a fence is a code example: a language that is not a diagram, text or a
/// `patterns` block.
pub(super) fn is_code(fence: &Fence) -> bool {
    !NOT_CODE.contains(&fence.language.as_str())
}

fn code_line(concept: &Scan, file: &str, files: &Files, tools: Tools) -> Line {
    const ITEM: &str = "code_example";
    const LABEL: &str = "Working code example";
    let examples: Vec<&Fence> = concept.fences.iter().filter(|f| is_code(f)).collect();
    if examples.is_empty() {
        return Line::new(
            ITEM,
            LABEL,
            Status::Missing,
            Some(files.in_doc(file, None)),
            "no fenced code block with a language (```rust, ```python, ...) in the concept",
        );
    }
    let mut notes = Vec::new();
    for fence in &examples {
        let Some(language) = Language::of(&fence.language) else {
            notes.push(format!(
                "{}: not compiled (no compiler for it)",
                fence.language
            ));
            continue;
        };
        match tools.compile(language, &fence.body) {
            Compiled::Ok(tool) => notes.push(format!("{} compiles ({tool})", fence.language)),
            Compiled::Skipped(why) => {
                notes.push(format!("{}: not compiled ({why})", fence.language));
            }
            Compiled::Failed {
                tool,
                message,
                line,
            } => {
                // The body starts on the line after the opening fence.
                let at = line.map(|l| fence.line + l);
                return Line::new(
                    ITEM,
                    LABEL,
                    Status::Missing,
                    Some(files.in_doc(file, at.or(Some(fence.line)))),
                    format!("does not compile ({tool}): {message}"),
                );
            }
        }
    }
    Line::new(
        ITEM,
        LABEL,
        Status::Met,
        Some(files.in_doc(file, Some(examples[0].line))),
        notes.join("; "),
    )
}

fn diagram_line(concept: &Scan, file: &str, files: &Files) -> Line {
    const ITEM: &str = "diagram";
    const LABEL: &str = "Visual diagram/flowchart";
    let mut other = None;
    for fence in &concept.fences {
        let Some(diagram) = Diagram::parse(&fence.language, &fence.body) else {
            continue;
        };
        let at = Some(files.in_doc(file, Some(fence.line)));
        match &diagram {
            Diagram::State(graph) | Diagram::Flowchart(graph) if !graph.edges.is_empty() => {
                let note = format!(
                    "mermaid {}: {} nodes, {} edges",
                    diagram.kind_name(),
                    graph.nodes.len(),
                    graph.edges.len()
                );
                return Line::new(ITEM, LABEL, Status::Met, at, note);
            }
            Diagram::Ascii(_) => {
                return Line::new(ITEM, LABEL, Status::Met, at, "ASCII diagram");
            }
            Diagram::State(_) | Diagram::Flowchart(_) => {
                other = Some((
                    at,
                    format!(
                        "mermaid {} has no edge this check can read",
                        diagram.kind_name()
                    ),
                ));
            }
            Diagram::Unknown { kind, .. } => {
                other = Some((
                    at,
                    format!("mermaid '{kind}' is not a stateDiagram-v2 or a flowchart"),
                ));
            }
        }
    }
    match other {
        Some((at, note)) => Line::new(ITEM, LABEL, Status::Missing, at, note),
        None => Line::new(
            ITEM,
            LABEL,
            Status::Missing,
            Some(files.in_doc(file, None)),
            "add a ```mermaid block (stateDiagram-v2 or flowchart) or an ASCII-art ```diagram block",
        ),
    }
}

fn exercise_line(loaded: &LoadedModule, block: &Block, files: &Files, practice: &str) -> Line {
    const ITEM: &str = "exercise";
    const LABEL: &str = "Hands-on exercise";
    let engine: Vec<&str> = block
        .practice
        .iter()
        .filter(|id| loaded.exercise(id).is_some_and(is_engine_backed))
        .map(String::as_str)
        .collect();
    match engine.first() {
        Some(first) => Line::new(
            ITEM,
            LABEL,
            Status::Met,
            files.in_bank(first).or_else(|| Some(practice.to_owned())),
            format!(
                "{}, {} engine-backed ({})",
                count(block.practice.len(), "practice item"),
                engine.len(),
                engine.join(", ")
            ),
        ),
        None => Line::new(
            ITEM,
            LABEL,
            Status::Missing,
            Some(practice.to_owned()),
            format!(
                "{}, none engine-backed: add a state_trace, backoff_schedule, tune or numeric with compute",
                count(block.practice.len(), "practice item")
            ),
        ),
    }
}
