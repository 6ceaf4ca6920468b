//! `patterns sim limiter` on a terminal without `--script`: the interactive stepper. Keys send
//! requests and move the clock; the screen shows the algorithm's own variables.

use std::io::IsTerminal;
use std::process::ExitCode;

use crate::cli::{Global, SimLimiterArgs};
use crate::commands::{Outcome, UsageError, print};
use crate::engine::limiter::{LimiterConfig, format_ms};
use crate::session::limiter_lab::LimiterLab;
use crate::ui::tui::screens::limiter_stepper::LimiterStepper;
use crate::ui::tui::{self, Theme};

/// Whether this invocation (already known to have no `--script`) opens the stepper: stdin
/// and stdout are terminals and neither `--plain` nor a machine format was asked for.
pub fn wanted(args: &SimLimiterArgs, global: &Global) -> bool {
    !global.plain
        && !args.json
        && !args.csv
        && std::io::stdin().is_terminal()
        && std::io::stdout().is_terminal()
}

/// Runs the stepper until `q` or Ctrl-C, then prints where the limiter ended.
pub fn run(config: LimiterConfig) -> Outcome {
    let lab = LimiterLab::new(config)
        .map_err(|error| UsageError::new(format!("invalid limiter configuration: {error}")))?;
    let mut stepper = LimiterStepper::new(lab, Theme::from_env());
    tui::run(&mut stepper)
        .map_err(|error| miette::miette!("Failed to run the terminal UI: {error}"))?;
    let lab = stepper.lab();
    let (admitted, rejected) = lab.steps().iter().fold((0u64, 0u64), |(a, r), step| {
        (a + u64::from(step.admitted), r + u64::from(step.rejected))
    });
    print(&format!(
        "{}: {admitted} admitted, {rejected} rejected at {} after {} steps\n",
        config.name(),
        format_ms(lab.clock_ms()),
        lab.steps().len()
    ))?;
    Ok(ExitCode::SUCCESS)
}
