//! The report of a check, as data (`--json`, stable: fields may be added, never renamed)
//! and as text: on a disagreement the minimal case side by side, engine and yours, step by
//! step, with the step where they part and the engine's reason; on a fault what the
//! program did and the last exchange; always the counts, the time and how to rerun.

use std::fmt::Write as _;

use serde::Serialize;
use serde_json::Value;

use super::protocol::clip;
use super::{Answer, Checked, Fault, Pattern, Scenario, Verdict};

/// What the check was run with, for the report.
#[derive(Debug, Clone, Serialize)]
pub struct Setup {
    pub pattern: &'static str,
    pub preset: String,
    pub seed: u64,
    /// Cases from the course (labs, exercises) and random ones.
    pub course_cases: usize,
    pub random_cases: usize,
    /// The command line that reruns this check.
    pub rerun: String,
}

/// The whole report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    #[serde(flatten)]
    pub setup: Setup,
    /// `agree`, `disagree`, `misbehaved` or `stopped`.
    pub result: &'static str,
    pub total: usize,
    pub passed: usize,
    pub elapsed_ms: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counterexample: Option<Counterexample>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fault: Option<FaultReport>,
    /// The last lines the program wrote to stderr (it may log there freely).
    pub stderr: Vec<String>,
    /// Whether a pass was recorded in the learner's progress.
    pub recorded: bool,
}

/// A minimal disagreeing case.
#[derive(Debug, Clone, Serialize)]
pub struct Counterexample {
    /// 1-based index of the case among all cases.
    pub case: usize,
    /// Where the case comes from (`circuit-breaker exercise 'x'`), or `random`.
    pub source: String,
    pub config: Value,
    pub config_text: String,
    /// The minimal case's steps as a script (`5F +60001ms 1S`), and how many tokens.
    pub script: String,
    pub steps: usize,
    /// The case as first found.
    pub original_script: String,
    pub original_steps: usize,
    /// 1-based row where engine and program part.
    pub parted_at: usize,
    pub rows: Vec<Row>,
    /// The request at the parting, the engine's answer, the program's, and why.
    pub request: Value,
    pub engine: String,
    pub yours: String,
    pub reason: String,
}

/// One step of the minimal case, both sides.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub step: usize,
    pub token: String,
    pub at_ms: u64,
    pub engine: String,
    pub yours: String,
    pub reason: String,
}

/// A program that broke the protocol.
#[derive(Debug, Clone, Serialize)]
pub struct FaultReport {
    pub message: String,
    /// 1-based case index; `None` during `hello`.
    pub case: Option<usize>,
    pub last_request: Option<String>,
    pub last_reply: Option<String>,
}

/// Builds the report of `checked`.
pub fn build<S: Scenario>(
    setup: Setup,
    checked: &Checked<S>,
    elapsed_ms: u64,
    stderr: Vec<String>,
) -> Report {
    let (result, counterexample, fault) = match &checked.verdict {
        Verdict::AllAgree => ("agree", None, None),
        Verdict::Stopped => ("stopped", None, None),
        Verdict::Fault { case_index, fault } => (
            "misbehaved",
            None,
            Some(fault_report(fault, case_index.map(|i| i + 1))),
        ),
        Verdict::Disagree {
            case_index,
            original,
            minimal,
            parting,
        } => (
            "disagree",
            Some(counterexample(*case_index, original, minimal, parting)),
            None,
        ),
    };
    Report {
        setup,
        result,
        total: checked.total,
        passed: checked.passed,
        elapsed_ms,
        counterexample,
        fault,
        stderr,
        recorded: false,
    }
}

fn fault_report(fault: &Fault, case: Option<usize>) -> FaultReport {
    FaultReport {
        message: fault.what.to_string(),
        case,
        last_request: fault.request.clone(),
        last_reply: fault.reply.as_deref().map(clip),
    }
}

fn answers(list: &[Answer]) -> String {
    let shown: Vec<String> = list
        .iter()
        .filter(|a| **a != Answer::Ok)
        .map(ToString::to_string)
        .collect();
    if list.is_empty() {
        "—".to_owned()
    } else if shown.is_empty() {
        "ok".to_owned()
    } else {
        shown.join(" · ")
    }
}

fn counterexample<S: Scenario>(
    index: usize,
    original: &S,
    minimal: &S,
    parting: &super::Parting,
) -> Counterexample {
    let plan = minimal.plan();
    let rows: Vec<Row> = plan
        .steps
        .iter()
        .zip(&parting.answers)
        .enumerate()
        .map(|(i, (step, yours))| {
            let engine: Vec<Answer> = step.exchanges.iter().map(|e| e.expect.answer()).collect();
            Row {
                step: i + 1,
                token: step.label.clone(),
                at_ms: step.at_ms,
                engine: answers(&engine),
                yours: answers(yours),
                reason: step.reason.clone(),
            }
        })
        .collect();
    let parted = plan.steps.get(parting.step);
    let exchange = parted.and_then(|s| s.exchanges.get(parting.exchange));
    let yours = parting
        .answers
        .get(parting.step)
        .and_then(|a| a.get(parting.exchange));
    let script = minimal.script();
    let original_script = original.script();
    Counterexample {
        case: index + 1,
        source: minimal.name().unwrap_or("random").to_owned(),
        config: plan.config.clone(),
        config_text: minimal.describe_config(),
        steps: script.split_whitespace().count(),
        original_steps: original_script.split_whitespace().count(),
        script,
        original_script,
        parted_at: parting.step + 1,
        rows,
        request: exchange.map_or(Value::Null, |e| e.request.clone()),
        engine: exchange.map_or_else(String::new, |e| e.expect.answer().to_string()),
        yours: yours.map_or_else(String::new, ToString::to_string),
        reason: parted.map_or_else(String::new, |s| s.reason.clone()),
    }
}

/// Seconds with two decimals: `1.23 s`.
pub fn seconds(ms: u64) -> String {
    format!("{}.{:02} s", ms / 1000, (ms % 1000) / 10)
}

/// The report for people.
pub fn render(report: &Report, pattern: Pattern) -> String {
    let mut out = String::new();
    let setup = &report.setup;
    let title = format!("{pattern} (preset {})", setup.preset);
    let counts = format!(
        "{} cases: {} from the course, {} random from seed {}",
        report.total, setup.course_cases, setup.random_cases, setup.seed
    );
    match (report.result, &report.counterexample, &report.fault) {
        ("agree", _, _) => {
            let _ = writeln!(
                out,
                "✓ {title}: your program agrees with the engine on all {counts}, in {}.",
                seconds(report.elapsed_ms)
            );
        }
        ("stopped", _, _) => {
            let _ = writeln!(
                out,
                "Stopped after {} of {} cases agreed ({}); your program was stopped too. Nothing recorded.",
                report.passed,
                report.total,
                seconds(report.elapsed_ms)
            );
        }
        (_, Some(example), _) => {
            let clocked = pattern != Pattern::RetryBackoff;
            render_counterexample(&mut out, &title, example, clocked);
        }
        (_, _, Some(fault)) => {
            let _ = writeln!(out, "✗ {title}: {}.", fault.message);
            match fault.case {
                Some(case) => {
                    let _ = writeln!(out, "  during case {case} of {}", report.total);
                }
                None => {
                    let _ = writeln!(out, "  during the opening 'hello'");
                }
            }
            let _ = writeln!(
                out,
                "  last request: {}",
                fault.last_request.as_deref().unwrap_or("(none)")
            );
            let _ = writeln!(
                out,
                "  last reply:   {}",
                fault.last_reply.as_deref().unwrap_or("(none)")
            );
            let _ = writeln!(out, "Your program was stopped.");
        }
        _ => {}
    }
    if !report.stderr.is_empty() {
        let _ = writeln!(
            out,
            "\nYour program's stderr (last {} lines):",
            report.stderr.len()
        );
        for line in &report.stderr {
            let _ = writeln!(out, "  | {line}");
        }
    }
    if report.result != "agree" && report.result != "stopped" {
        let _ = writeln!(
            out,
            "\n{} of {} cases agreed before this ({counts}; {}).",
            report.passed,
            report.total,
            seconds(report.elapsed_ms)
        );
    }
    let _ = writeln!(out, "Rerun: {}", setup.rerun);
    out
}

fn render_counterexample(out: &mut String, title: &str, example: &Counterexample, clocked: bool) {
    let _ = writeln!(out, "✗ {title}: your program disagrees with the engine.\n");
    let _ = writeln!(
        out,
        "Case {} ({}), shrunk from {} to {} steps:",
        example.case, example.source, example.original_steps, example.steps
    );
    let _ = writeln!(out, "  config  {}", example.config_text);
    let _ = writeln!(
        out,
        "          {}",
        super::protocol::encode(&example.config)
    );
    let _ = writeln!(out, "  script  {}\n", example.script);
    let token_width = example
        .rows
        .iter()
        .map(|r| r.token.chars().count())
        .max()
        .unwrap_or(0)
        .max(5);
    let engine_width = example
        .rows
        .iter()
        .map(|r| r.engine.chars().count())
        .max()
        .unwrap_or(0)
        .max(6);
    let at = |text: String| {
        if clocked {
            format!("{text:>8}  ")
        } else {
            String::new()
        }
    };
    let _ = writeln!(
        out,
        "  {:>5}  {:<token_width$}  {}{:<engine_width$}  yours",
        "step",
        "token",
        at("at_ms".to_owned()),
        "engine"
    );
    for row in &example.rows {
        let marker = if row.step == example.parted_at {
            ">"
        } else {
            " "
        };
        let _ = writeln!(
            out,
            "{marker} {:>5}  {:<token_width$}  {}{:<engine_width$}  {}",
            row.step,
            row.token,
            at(row.at_ms.to_string()),
            row.engine,
            row.yours
        );
    }
    let _ = writeln!(
        out,
        "\nThey part at step {}: to {} the engine answers '{}', yours '{}'.",
        example.parted_at,
        super::protocol::encode(&example.request),
        example.engine,
        example.yours
    );
    let _ = writeln!(out, "Engine's reason: {}", example.reason);
}
