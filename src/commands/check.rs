//! `patterns check [PATH...]`: validate content and print every diagnostic; exit 1 when
//! any is an error. No path: the bundled modules.

use std::collections::HashMap;
use std::process::ExitCode;

use super::{Outcome, print};
use crate::cli::{CheckArgs, Global};
use crate::content::Severity;
use crate::content::load::{MODULES_ENV, extra_roots};
use crate::content::source::Input;
use crate::content::validate::{Depth, validate};

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
    let result = validate(&input, Depth::Full);
    let mut out = String::new();
    for diagnostic in &result.diagnostics {
        out.push_str(&diagnostic.render(sources.get(diagnostic.path.as_str()).copied()));
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
