//! System scenario files (`sim system --scenario FILE`, and the `system:` of a lab): the YAML
//! types, the built-in scenarios, and [`load`], which turns a file into the engine's
//! [`SystemConfig`] or into located diagnostics (path:line:col, the line, a caret, a hint).
//!
//! Invariant: nothing here panics on any input; every problem names where it is.

mod spec;

use std::path::Path;

pub use spec::{CallSpec, DistSpec, EpisodeSpec, ServiceSpec, SystemSpec};

use super::diagnostic::Diagnostic;
use super::load::read_text;
use super::validate::problem_diagnostic;
use super::yaml::{self, Loc, Node};
use crate::engine::system::SystemConfig;

/// The built-in scenarios, by name, as the YAML an author would write.
pub const BUILT_IN: &[(&str, &str)] = &[
    ("cascade", include_str!("system/cascade.yaml")),
    (
        "cascade-breaker",
        include_str!("system/cascade-breaker.yaml"),
    ),
    (
        "cascade-bulkhead",
        include_str!("system/cascade-bulkhead.yaml"),
    ),
    ("bulkhead", include_str!("system/bulkhead.yaml")),
    ("bulkhead-none", include_str!("system/bulkhead-none.yaml")),
    ("deadline", include_str!("system/deadline.yaml")),
    (
        "deadline-stacked",
        include_str!("system/deadline-stacked.yaml"),
    ),
    ("limiter", include_str!("system/limiter.yaml")),
    ("mmc", include_str!("system/mmc.yaml")),
];

/// A scenario ready to run, with the name and description its file gave.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    pub name: String,
    pub description: String,
    pub config: SystemConfig,
}

/// Why a scenario could not be loaded: the diagnostics and the text they point into.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadError {
    pub diagnostics: Vec<Diagnostic>,
    pub source: Option<String>,
}

impl LoadError {
    /// Every diagnostic rendered with its line and caret.
    pub fn render(&self) -> String {
        self.diagnostics
            .iter()
            .map(|d| d.render(self.source.as_deref()))
            .collect()
    }
}

/// The built-in scenario `name`, or a file at that path.
pub fn load(name_or_path: &str) -> Result<Scenario, LoadError> {
    if let Some((name, text)) = BUILT_IN.iter().find(|(name, _)| *name == name_or_path) {
        return from_text(&format!("<built-in>/{name}.yaml"), text);
    }
    let path = Path::new(name_or_path);
    if !path.exists() && !name_or_path.contains(['/', '.']) {
        let names: Vec<&str> = BUILT_IN.iter().map(|(n, _)| *n).collect();
        let hint = super::diagnostic::did_you_mean(name_or_path, names.iter().copied())
            .unwrap_or_else(|| format!("built-in scenarios: {}", names.join(", ")));
        let message = format!("no built-in scenario or file named '{name_or_path}'");
        return Err(LoadError {
            diagnostics: vec![Diagnostic::error(name_or_path, None, message).hint(hint)],
            source: None,
        });
    }
    let display = super::load::display_path(path);
    let text = read_text(path, &display).map_err(|d| LoadError {
        diagnostics: vec![d],
        source: None,
    })?;
    from_text(&display, &text)
}

/// Parses and checks a scenario file's text; `display` names it in diagnostics.
pub fn from_text(display: &str, text: &str) -> Result<Scenario, LoadError> {
    let fail = |diagnostics| LoadError {
        diagnostics,
        source: Some(text.to_owned()),
    };
    let tree = yaml::parse(text).map_err(|p| fail(vec![problem_diagnostic(display, p)]))?;
    let (value, problems) = yaml::from_tree::<SystemSpec>(&tree);
    let mut diagnostics: Vec<Diagnostic> = problems
        .into_iter()
        .map(|p| problem_diagnostic(display, p))
        .collect();
    let Some(spec) = value.filter(|_| diagnostics.is_empty()) else {
        if diagnostics.is_empty() {
            diagnostics.push(Diagnostic::error(display, None, "not a system scenario"));
        }
        return Err(fail(diagnostics));
    };
    match spec.to_config(&Locator { tree: &tree }) {
        Ok(config) => Ok(Scenario {
            name: spec.name.clone().unwrap_or_else(|| display.to_owned()),
            description: spec.description.clone().unwrap_or_default(),
            config,
        }),
        Err(problem) => Err(fail(vec![
            Diagnostic::error(display, problem.loc, problem.message).maybe_hint(problem.hint),
        ])),
    }
}

/// A semantic problem and where it is.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Problem {
    pub loc: Option<Loc>,
    pub message: String,
    pub hint: Option<String>,
}

/// Finds the position of a value in the file by its path of keys and list indexes.
pub(crate) struct Locator<'a> {
    tree: &'a Node,
}

/// One step of a path into the file.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

impl Locator<'_> {
    /// The deepest node on `path` that exists.
    pub(crate) fn at(&self, path: &[Step]) -> Option<Loc> {
        let mut node = self.tree;
        for step in path {
            let next = match *step {
                Step::Key(key) => node.get(key),
                Step::Index(i) => node.items().get(i),
            };
            match next {
                Some(next) => node = next,
                None => break,
            }
        }
        Some(node.loc)
    }
}

#[cfg(test)]
mod tests;
