//! `patterns sim breaker`: build a breaker from `--preset` plus flag overrides, play a
//! `--script` on it and print each step as a table or as JSON (DESIGN §1.1). Thin: the
//! engine's script runner computes everything; this file parses flags and lays out text.

use std::fmt::Write as _;
use std::process::ExitCode;
use std::time::Duration;

use crate::cli::{BreakerFlags, Global, SimBreakerArgs};
use crate::commands::{Outcome, UsageError, print};
use crate::engine::breaker::{
    BreakerConfig, CircuitBreaker, ConfigError, HalfOpenJudgement, HalfOpenTransition, State,
    Stats, format_percent,
};
use crate::engine::duration::{format_duration, parse_duration};
use crate::engine::preset::{BreakerOverrides, Preset};
use crate::engine::script::{self, Run, Script, StepReport};
use crate::engine::window::WindowConfig;

/// Runs `patterns sim breaker`.
pub fn run(args: SimBreakerArgs, global: &Global) -> Outcome {
    if super::stepper::wanted(&args, global)? {
        return super::stepper::run(&args);
    }
    print(&text(args)?)?;
    Ok(ExitCode::SUCCESS)
}

/// What `patterns sim breaker --script …` prints (the table or the JSON); `check` re-runs
/// the `patterns` blocks of Markdown through it.
pub fn text(args: SimBreakerArgs) -> miette::Result<String> {
    let (preset, config) = breaker_config(&args.breaker)?;
    let Some(text) = args.script else {
        return Err(UsageError::new(NO_SCRIPT).into());
    };
    let script = Script::parse(&text)
        .map_err(|error| UsageError::new(format!("invalid value for '--script': {error}")))?;
    let run = script::run(&script, config.clone())
        .map_err(|error| UsageError::new(format!("invalid breaker configuration: {error}")))?;
    let output = if args.json {
        json(preset, &config, &run)?
    } else {
        table(preset, &config, &script, &run)
    };
    Ok(output)
}

/// The preset's configuration with the flags' values in place of its own, validated.
pub fn breaker_config(flags: &BreakerFlags) -> Result<(Preset, BreakerConfig), UsageError> {
    let preset: Preset = flags
        .preset
        .parse()
        .map_err(|error| UsageError::new(format!("invalid value for '--preset': {error}")))?;
    let overrides = BreakerOverrides {
        failure_threshold: flags.failure_threshold,
        recovery_timeout: duration_flag("recovery-timeout", flags.recovery_timeout.as_deref())?,
        success_threshold: flags.success_threshold,
        half_open_max_calls: flags.half_open_max_calls,
        half_open_transition: flags
            .automatic_transition
            .then_some(HalfOpenTransition::Automatic),
        window: window_flag(flags.window.as_deref())?,
        failure_rate: flags.failure_rate,
        min_calls: flags.min_calls,
        slow_call: duration_flag("slow-call", flags.slow_call.as_deref())?,
        slow_rate: flags.slow_rate,
    };
    let base = preset.config();
    if flags.success_threshold.is_some() && base.half_open_judgement == HalfOpenJudgement::Rate {
        return Err(UsageError::new(format!(
            "'--success-threshold' has no effect with the {preset} preset: its half-open calls \
             are judged as a rate once all '--half-open-max-calls' of them have completed"
        )));
    }
    let config = preset.configure(&overrides).map_err(|error| {
        let flag = error.field.replace('_', "-");
        UsageError::new(format!(
            "'--{flag}' needs a window to count calls in, and the {preset} preset has none: \
             add '--window count:N' (the last N calls) or '--window time:DUR' (the calls of \
             the last DUR)"
        ))
    })?;
    CircuitBreaker::new(config.clone()).map_err(|error| match error {
        ConfigError::CapBelowSuccessThreshold { needed, .. } => UsageError::new(format!(
            "invalid breaker configuration: {error}; pass '--half-open-max-calls {needed}' \
             or a lower '--success-threshold'"
        )),
        _ => {
            let flag = error.field().replace('_', "-");
            UsageError::new(format!("invalid value for '--{flag}': {error}"))
        }
    })?;
    Ok((preset, config))
}

fn duration_flag(flag: &str, value: Option<&str>) -> Result<Option<Duration>, UsageError> {
    value
        .map(|text| {
            parse_duration(text)
                .map_err(|error| UsageError::new(format!("invalid value for '--{flag}': {error}")))
        })
        .transpose()
}

fn window_flag(value: Option<&str>) -> Result<Option<WindowConfig>, UsageError> {
    value
        .map(|text| {
            text.parse()
                .map_err(|error| UsageError::new(format!("invalid value for '--window': {error}")))
        })
        .transpose()
}

#[derive(serde::Serialize)]
struct Json<'a> {
    preset: &'static str,
    config: &'a BreakerConfig,
    steps: &'a [StepReport],
    stats: Stats,
}

fn json(preset: Preset, config: &BreakerConfig, run: &Run) -> miette::Result<String> {
    let document = Json {
        preset: preset.name(),
        config,
        steps: &run.steps,
        stats: run.stats,
    };
    let mut text = serde_json::to_string_pretty(&document)
        .map_err(|error| miette::miette!("Failed to encode the run as JSON: {error}"))?;
    text.push('\n');
    Ok(text)
}

/// The run as an aligned table: a config line, one row per step with its transitions
/// indented beneath, and the totals.
fn table(preset: Preset, config: &BreakerConfig, script: &Script, run: &Run) -> String {
    let mut header = vec![
        "step",
        "token",
        "time",
        "state",
        "failures",
        "successes",
        "calls",
        "rejected",
    ];
    let slow = config.rate.as_ref().is_some_and(|rate| rate.slow.is_some());
    if config.rate.is_some() {
        header.extend(["window", "failure%"]);
        if slow {
            header.push("slow%");
        }
    }
    let rows: Vec<Vec<String>> = run
        .steps
        .iter()
        .enumerate()
        .map(|(index, step)| row(index + 1, step, slow))
        .collect();
    let widths: Vec<usize> = header
        .iter()
        .enumerate()
        .map(|(column, title)| {
            rows.iter()
                .map(|row| row[column].chars().count())
                .chain([title.len()])
                .max()
                .unwrap_or(0)
        })
        .collect();

    let mut out = String::new();
    let _ = writeln!(out, "breaker: {preset} preset · {config}");
    let _ = writeln!(out, "script:  {script}");
    out.push('\n');
    push_line(&mut out, &header, &widths);
    let indent = widths[0] + 2;
    for (cells, step) in rows.iter().zip(&run.steps) {
        push_line(&mut out, cells, &widths);
        for transition in &step.transitions {
            let _ = writeln!(
                out,
                "{:indent$}at {}: {} -> {}: {}",
                "",
                format_duration(transition.at),
                transition.from,
                transition.to,
                transition.reason
            );
        }
    }
    let stats = run.stats;
    let _ = write!(
        out,
        "\ntotal: {} calls, {} succeeded, {} failed, {} rejected",
        stats.calls, stats.succeeded, stats.failed, stats.rejected
    );
    if slow {
        let _ = write!(out, ", {} slow", stats.slow);
    }
    let _ = writeln!(out, "; final state {}", final_state(run));
    out
}

fn final_state(run: &Run) -> &'static str {
    run.steps
        .last()
        .map_or("CLOSED", |step| step.state.as_str())
}

fn row(number: usize, step: &StepReport, slow: bool) -> Vec<String> {
    let mut cells = vec![
        number.to_string(),
        step.token.clone(),
        format_duration(Duration::from_millis(step.at_ms)),
        step.state.to_string(),
        step.failure_count.to_string(),
        step.success_count.to_string(),
        step.calls.to_string(),
        step.rejected.to_string(),
    ];
    if let Some(window) = step.window {
        // The window only counts while CLOSED (it is cleared on every change): '-' elsewhere.
        let closed = step.state == State::Closed;
        let show = |text: String| if closed { text } else { "-".to_owned() };
        cells.push(show(window.calls.to_string()));
        cells.push(show(format_percent(window.failure_rate)));
        if slow {
            cells.push(show(format_percent(window.slow_rate)));
        }
    }
    cells
}

/// Text columns (token, time, state) align left, numbers right.
fn push_line<S: AsRef<str>>(out: &mut String, cells: &[S], widths: &[usize]) {
    let mut line = String::new();
    for (column, (cell, &width)) in cells.iter().zip(widths).enumerate() {
        if column > 0 {
            line.push_str("  ");
        }
        let cell = cell.as_ref();
        let _ = if (1..=3).contains(&column) {
            write!(line, "{cell:<width$}")
        } else {
            write!(line, "{cell:>width$}")
        };
    }
    out.push_str(line.trim_end());
    out.push('\n');
}

const NO_SCRIPT: &str = "without '--script', 'sim breaker' opens the interactive stepper, which \
needs a terminal on stdin and stdout; here, pass '--script' with \
whitespace-separated steps: 'NF' / 'NS' (N failing / succeeding calls), 'NF@DUR' / 'NS@DUR' \
(calls taking DUR each), '+DUR' (the clock advances), e.g. --script '4F 1S 5F +31s 2S 1F'";
