//! `patterns sim limiter`: build a limiter from `--algorithm` or `--preset` plus flags, play a
//! `--script` of arrivals on it and print each step as a table, JSON (DESIGN §1.4) or CSV.
//! On a terminal without `--script` it opens the interactive stepper. Thin: the engine's
//! `limiter::run` decides everything; this file parses flags and lays out text.

use std::fmt::Write as _;
use std::process::ExitCode;
use std::time::Duration;

use crate::cli::{Global, SimLimiterArgs};
use crate::commands::{Outcome, UsageError, print};
use crate::engine::duration::parse_duration;
use crate::engine::limiter::{
    self, LimiterConfig, Script, ScriptError, Settings, SettingsError, Step,
};

use super::csv::csv;

/// Runs `patterns sim limiter`.
pub fn run(args: SimLimiterArgs, global: &Global) -> Outcome {
    let config = limiter_config(&args)?;
    let Some(text) = &args.script else {
        if super::limiter_stepper::wanted(&args, global) {
            return super::limiter_stepper::run(config);
        }
        return Err(UsageError::new(NO_SCRIPT).into());
    };
    print(&script_text(config, &args, text)?)?;
    Ok(ExitCode::SUCCESS)
}

/// What `patterns sim limiter --script …` prints (the table, JSON or CSV); `check` re-runs
/// the `patterns` blocks of Markdown through it.
pub fn text(args: SimLimiterArgs) -> miette::Result<String> {
    let config = limiter_config(&args)?;
    let Some(text) = &args.script else {
        return Err(UsageError::new(NO_SCRIPT).into());
    };
    script_text(config, &args, text)
}

fn script_text(config: LimiterConfig, args: &SimLimiterArgs, text: &str) -> miette::Result<String> {
    let script = parse_script(text)?;
    let steps = limiter::run(config, &script)
        .map_err(|error| UsageError::new(format!("invalid limiter configuration: {error}")))?;
    Ok(if args.json {
        json(config, &steps)?
    } else if args.csv {
        csv_text(&steps)
    } else {
        table(config, &script, &steps)
    })
}

/// The configuration the flags describe, validated.
pub fn limiter_config(args: &SimLimiterArgs) -> Result<LimiterConfig, UsageError> {
    let flag = |name: &str, error: String| {
        UsageError::new(format!("invalid value for '--{name}': {error}"))
    };
    let duration = |name: &str, value: Option<&str>| -> Result<Option<Duration>, UsageError> {
        value
            .map(|text| parse_duration(text).map_err(|error| flag(name, error.to_string())))
            .transpose()
    };
    let settings = Settings {
        algorithm: args
            .algorithm
            .as_deref()
            .map(str::parse)
            .transpose()
            .map_err(|error| flag("algorithm", error))?,
        preset: args
            .preset
            .as_deref()
            .map(str::parse)
            .transpose()
            .map_err(|error| flag("preset", error))?,
        limit: args.limit,
        window: duration("window", args.window.as_deref())?,
        rate: args
            .rate
            .as_deref()
            .map(str::parse)
            .transpose()
            .map_err(|error| flag("rate", error))?,
        burst: args.burst,
        queue: args.queue,
        timeout: duration("timeout", args.timeout.as_deref())?,
    };
    settings.config().map_err(|error| match error {
        SettingsError::Config(error) => {
            UsageError::new(format!("invalid limiter configuration: {error}"))
        }
        other => UsageError::new(format!("invalid flags: {other}")),
    })
}

/// The script, or a usage error that shows the script with a caret under the bad token.
pub fn parse_script(text: &str) -> Result<Script, UsageError> {
    Script::parse(text).map_err(|error| UsageError::new(located(text, &error)))
}

/// "invalid value for '--script': …" and, when a token is to blame, the script on the next
/// line with carets under that token.
pub fn located(text: &str, error: &ScriptError) -> String {
    let mut message = format!("invalid value for '--script': {error}");
    if let Some((offset, len)) = error.span() {
        let line: String = text
            .chars()
            .map(|c| {
                if c.is_whitespace() || c.is_control() {
                    ' '
                } else {
                    c
                }
            })
            .collect();
        let before = text.get(..offset).map_or(0, |head| head.chars().count());
        let width = text
            .get(offset..offset + len)
            .map_or(1, |token| token.chars().count().max(1));
        let _ = write!(
            message,
            "\n  {}\n  {}{}",
            line.trim_end(),
            " ".repeat(before),
            "^".repeat(width)
        );
    }
    message
}

#[derive(serde::Serialize)]
struct Json<'a> {
    config: &'a LimiterConfig,
    steps: &'a [Step],
}

fn json(config: LimiterConfig, steps: &[Step]) -> miette::Result<String> {
    let document = Json {
        config: &config,
        steps,
    };
    let mut text = serde_json::to_string_pretty(&document)
        .map_err(|error| miette::miette!("Failed to encode the run as JSON: {error}"))?;
    text.push('\n');
    Ok(text)
}

/// The longest decision string or delay list a table cell shows before eliding.
const CELL_MAX: usize = 32;

fn elide(text: String, total: usize) -> String {
    if text.chars().count() <= CELL_MAX {
        return text;
    }
    let head: String = text.chars().take(CELL_MAX - 1).collect();
    format!("{head}… ({total})")
}

fn delays_cell(delays: &[u64]) -> String {
    let text = delays
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    elide(text, delays.len())
}

/// How a step's cells are written: elided for the table, whole for CSV.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Cells {
    Table,
    Csv,
}

/// The columns (the algorithm's own variables last) and one row per step, shared by the
/// table and the CSV. `delays_ms` is a column only when the limiter delays (leaky queue).
fn grid(steps: &[Step], cells: Cells) -> (Vec<&'static str>, Vec<Vec<String>>) {
    let delays = steps.iter().any(|step| step.delays_ms.is_some());
    let state_names: Vec<&'static str> = steps
        .first()
        .map(|step| {
            step.state
                .fields()
                .into_iter()
                .map(|(name, _)| name)
                .collect()
        })
        .unwrap_or_default();
    let mut header = vec![
        "step",
        "token",
        "at_ms",
        "admitted",
        "rejected",
        "decisions",
    ];
    if delays {
        header.push("delays_ms");
    }
    header.extend(&state_names);
    let rows = steps
        .iter()
        .enumerate()
        .map(|(index, step)| {
            let decisions = match cells {
                Cells::Table => elide(step.decisions.clone(), step.decisions.len()),
                Cells::Csv => step.decisions.clone(),
            };
            let mut row = vec![
                (index + 1).to_string(),
                step.token.clone(),
                step.at_ms.to_string(),
                step.admitted.to_string(),
                step.rejected.to_string(),
                decisions,
            ];
            if delays {
                let list = step.delays_ms.as_deref().unwrap_or_default();
                row.push(match cells {
                    Cells::Table => delays_cell(list),
                    Cells::Csv => {
                        let list: Vec<String> = list.iter().map(u64::to_string).collect();
                        list.join(" ")
                    }
                });
            }
            row.extend(step.state.fields().into_iter().map(|(_, value)| value));
            row
        })
        .collect();
    (header, rows)
}

fn table(config: LimiterConfig, script: &Script, steps: &[Step]) -> String {
    let (header, rows) = grid(steps, Cells::Table);
    let delays = header.contains(&"delays_ms");
    let widths: Vec<usize> = header
        .iter()
        .enumerate()
        .map(|(column, title)| {
            rows.iter()
                .map(|row| row.get(column).map_or(0, |cell| cell.chars().count()))
                .chain([title.len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let text_columns = if delays { vec![1, 5, 6] } else { vec![1, 5] };
    let mut out = String::new();
    let _ = writeln!(out, "limiter: {}", config);
    let _ = writeln!(out, "script:  {script}");
    out.push('\n');
    push_line(&mut out, &header, &widths, &text_columns);
    for row in &rows {
        push_line(&mut out, row, &widths, &text_columns);
    }
    let admitted: u64 = steps.iter().map(|step| u64::from(step.admitted)).sum();
    let rejected: u64 = steps.iter().map(|step| u64::from(step.rejected)).sum();
    let _ = writeln!(
        out,
        "\ntotal: {} requests, {admitted} admitted, {rejected} rejected",
        admitted + rejected
    );
    out
}

fn push_line<S: AsRef<str>>(out: &mut String, cells: &[S], widths: &[usize], text: &[usize]) {
    let mut line = String::new();
    for (column, (cell, &width)) in cells.iter().zip(widths).enumerate() {
        if column > 0 {
            line.push_str("  ");
        }
        let cell = cell.as_ref();
        let _ = if text.contains(&column) {
            write!(line, "{cell:<width$}")
        } else {
            write!(line, "{cell:>width$}")
        };
    }
    out.push_str(line.trim_end());
    out.push('\n');
}

fn csv_text(steps: &[Step]) -> String {
    let (header, rows) = grid(steps, Cells::Csv);
    csv(&header, &rows)
}

const NO_SCRIPT: &str = "without '--script', 'sim limiter' opens the interactive stepper, which \
needs a terminal on stdin and stdout; here, pass '--script' with whitespace-separated steps: \
'N' (N requests now), 'N/DUR' (N requests spread over DUR), '+DUR' (the clock advances), \
e.g. --script '10 +1s 5/500ms'";
