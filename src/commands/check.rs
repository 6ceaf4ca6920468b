//! `patterns check [PATH...]`: validate content and print every diagnostic; exit 1 when
//! any is an error. No path: the bundled modules.

mod prose;

use std::collections::HashMap;
use std::process::ExitCode;

use super::{Outcome, print};
use crate::cli::{CheckArgs, Global};
use crate::content::load::{MODULES_ENV, extra_roots};
use crate::content::source::{Input, LoadedModule};
use crate::content::validate::{Depth, validate};
use crate::content::{Diagnostic, Severity};

mod checklist;

/// Checks the paths (or the bundled content) and prints the report. Modules under
/// `--modules-dir` / `PATTERNS_MODULES` are not checked but may be referenced.
pub fn run(args: &CheckArgs, global: &Global) -> Outcome {
    let mut input = Input::default();
    if args.paths.is_empty() {
        input = Input::bundled();
    }
    for path in &args.paths {
        input.extend(Input::from_path(path));
    }
    let env = std::env::var_os(MODULES_ENV);
    for root in extra_roots(&global.modules_dirs, env.as_deref()) {
        input.know_modules_under(&root);
    }
    let sources: HashMap<&str, &str> = input
        .modules
        .iter()
        .map(|m| (m.display.as_str(), m.text.as_str()))
        .chain(
            input
                .banks
                .iter()
                .map(|b| (b.display.as_str(), b.text.as_str())),
        )
        .collect();
    let mut result = validate(&input, Depth::Full);
    let markdown = prose_diagnostics(&input, &result.modules);
    result
        .diagnostics
        .extend(markdown.iter().map(|(d, _)| d.clone()));
    let mut out = String::new();
    for diagnostic in &result.diagnostics {
        let source = sources.get(diagnostic.path.as_str()).copied().or_else(|| {
            markdown
                .iter()
                .find(|(d, _)| d.path == diagnostic.path)
                .map(|(_, text)| text.as_str())
        });
        out.push_str(&diagnostic.render(source));
        out.push('\n');
    }
    let errors = result
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = result.diagnostics.len() - errors;
    out.push_str(&summary(
        input.modules.len(),
        input.banks.len(),
        errors,
        warnings,
    ));
    if args.checklist {
        return checklist::run(args, &input, &result, out);
    }
    print(&out)?;
    Ok(if errors > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// The `patterns` blocks of every checked module's Markdown, re-run (see `prose`); each
/// diagnostic with the Markdown it points into.
fn prose_diagnostics(input: &Input, modules: &[LoadedModule]) -> Vec<(Diagnostic, String)> {
    let mut out = Vec::new();
    for source in &input.modules {
        let Some(module) = modules.iter().find(|m| m.id() == source.folder) else {
            continue;
        };
        let folder = source
            .display
            .strip_suffix("module.yaml")
            .unwrap_or(&source.display);
        for (name, text) in &module.docs {
            let path = format!("{folder}{name}");
            for diagnostic in prose::check_markdown(&path, text) {
                out.push((diagnostic, text.clone()));
            }
        }
    }
    out
}

fn summary(modules: usize, banks: usize, errors: usize, warnings: usize) -> String {
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("{n} {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    let verdict = if errors == 0 { "ok" } else { "failed" };
    format!(
        "check {verdict}: {}, {}: {}, {}\n",
        plural(modules, "module"),
        plural(banks, "exercise bank"),
        plural(errors, "error"),
        plural(warnings, "warning"),
    )
}
