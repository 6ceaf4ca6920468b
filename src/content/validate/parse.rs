//! Parsing every file of an input (on several threads for large trees) and turning parser
//! and deserializer problems into diagnostics with hints.

use super::super::diagnostic::{Diagnostic, did_you_mean};
use super::super::yaml::{self, Loc, Problem, ProblemKind};
use super::MODELINE_PREFIX;
use super::sink::{Parsed, Sink};

/// `f` over every item, on several threads when there are many (parsing and the engine
/// re-runs of `check` dominate the cost of a large content tree). Results keep the input
/// order, so diagnostics come out the same however many threads there are.
pub(super) fn parallel_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
    if threads < 2 || items.len() < 16 {
        return items.iter().map(f).collect();
    }
    let size = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(size)
            .map(|chunk| scope.spawn(move || chunk.iter().map(f).collect::<Vec<R>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}

/// Parses every file (in parallel when there are many). Results keep the input order.
pub(super) fn parse_all<'a, T: serde::de::DeserializeOwned + Send>(
    files: impl Iterator<Item = (&'a str, &'a str)>,
    out: &mut Vec<Diagnostic>,
) -> Vec<Parsed<T>> {
    let files: Vec<(&str, &str)> = files.collect();
    let results = parallel_map(&files, |(display, text)| {
        let mut diagnostics = Vec::new();
        let parsed: Parsed<T> = parse_file(display, text, &mut diagnostics);
        (parsed, diagnostics)
    });
    let mut all = Vec::with_capacity(files.len());
    for (parsed, diagnostics) in results {
        all.push(parsed);
        out.extend(diagnostics);
    }
    all
}

pub(super) fn parse_file<T: serde::de::DeserializeOwned>(
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

/// A parser or deserializer problem as a diagnostic for `path`, with a hint.
pub(crate) fn problem_diagnostic(path: &str, problem: Problem) -> Diagnostic {
    let loc = Some(problem.loc);
    let (message, hint) = describe(problem.kind);
    Diagnostic::error(path, loc, message).maybe_hint(hint)
}

pub(super) fn push_problem(sink: &mut Sink, problem: Problem) {
    let loc = Some(problem.loc);
    let (message, hint) = describe(problem.kind);
    sink.error(loc, message, hint);
}

fn describe(kind: ProblemKind) -> (String, Option<String>) {
    match kind {
        ProblemKind::Syntax(message) => {
            let hint = if message.starts_with("duplicate key") {
                "each key may appear once in a mapping; remove or merge the other one"
            } else if message.starts_with("control character") {
                "delete it: content cannot drive the terminal (an escape written as '\\e' in \
                 quotes is removed when the file is loaded)"
            } else if message.contains("levels deep") {
                "content files nest a few levels; flatten the structure"
            } else if message.contains("budget") {
                "content files are small documents; expand the aliases by hand"
            } else {
                "check the indentation and quoting on this line and the one above"
            };
            (format!("invalid YAML: {message}"), Some(hint.into()))
        }
        ProblemKind::UnknownField { field, expected } => {
            let hint = did_you_mean(&field, expected.iter().copied())
                .or_else(|| Some(format!("known fields: {}", expected.join(", "))));
            (format!("unknown field '{field}'"), hint)
        }
        ProblemKind::MissingField(name) => (
            format!("missing field '{name}'"),
            Some(format!("add '{name}:' to this mapping")),
        ),
        ProblemKind::UnknownVariant { variant, expected } => {
            let hint = did_you_mean(&variant, expected.iter().copied())
                .or_else(|| Some(format!("choose one of: {}", expected.join(", "))));
            (format!("unknown value '{variant}'"), hint)
        }
        ProblemKind::Invalid(message) => {
            let hint = (message == "expected a string, found a mapping").then(|| {
                "a ': ' inside unquoted text starts a mapping; put the text in quotes".to_owned()
            });
            (message, hint)
        }
    }
}
