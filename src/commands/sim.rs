//! `patterns sim`: run the engine from the command line.

pub mod backoff;
pub mod breaker;
mod csv;
pub mod stepper;
pub mod storm;
pub mod svg;

use std::io::IsTerminal;

use crate::cli::{Global, SimCommand};
use crate::ui::tui;

use super::Outcome;

/// Whether to draw a chart on the terminal before printing: stdin and stdout are terminals
/// and the user asked for neither `--plain` nor a machine format.
fn charts_wanted(global: &Global, machine_format: bool) -> bool {
    !global.plain
        && !machine_format
        && std::io::stdin().is_terminal()
        && std::io::stdout().is_terminal()
}

/// Runs a chart screen until `q` or Ctrl-C; the terminal is restored either way.
fn show<A: tui::App>(screen: &mut A) -> miette::Result<()> {
    tui::run(screen).map_err(|error| miette::miette!("Failed to run the terminal UI: {error}"))?;
    Ok(())
}

pub fn run(command: SimCommand, global: &Global) -> Outcome {
    match command {
        SimCommand::Breaker(args) => breaker::run(args, global),
        SimCommand::Backoff(args) => backoff::run(args, global),
        SimCommand::Storm(args) => storm::run(args, global),
    }
}
