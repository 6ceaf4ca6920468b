//! `patterns sim`: run the engine from the command line.

pub mod backoff;
pub mod breaker;
mod csv;
pub mod limiter;
pub mod limiter_stepper;
pub mod stepper;
pub mod storm;
pub mod svg;
pub mod system;

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use crate::cli::{Global, SimCommand};
use crate::ui::tui;
use crate::ui::tui::screens::progress::{Progress, Report};

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
    tui::run(screen).map_err(ui_error)?;
    Ok(())
}

fn ui_error(error: std::io::Error) -> miette::Report {
    miette::miette!("Failed to run the terminal UI: {error}")
}

/// How often the progress bar redraws: 20 Hz.
const PROGRESS_TICK: Duration = Duration::from_millis(50);

/// Simulates `configs` one after another on a worker thread (each may still use every core)
/// while `tui` shows a progress bar; the results come in `configs` order, the same as
/// without the bar. `None` if Ctrl-C stopped it: the worker stops after its current config.
fn with_progress<C: Sync, R: Send>(
    tui: &mut tui::Tui,
    title: &str,
    configs: &[C],
    simulate: impl Fn(&C) -> R + Sync,
) -> miette::Result<Option<Vec<R>>> {
    let cancel = AtomicBool::new(false);
    let (reports, received) = mpsc::channel();
    std::thread::scope(|scope| {
        let (cancel, simulate) = (&cancel, &simulate);
        scope.spawn(move || {
            let mut results = Vec::with_capacity(configs.len());
            for config in configs {
                if cancel.load(Ordering::Relaxed) {
                    return;
                }
                results.push(simulate(config));
                if reports.send(Report::Step).is_err() {
                    return;
                }
            }
            let _ = reports.send(Report::Done(results));
        });
        tui.set_tick_rate(PROGRESS_TICK);
        let mut screen = Progress::new(title, configs.len(), received, tui::Theme::from_env());
        let exit = tui.run(&mut screen);
        // Whatever ended the screen, the worker stops at its next config.
        cancel.store(true, Ordering::Relaxed);
        tui.set_tick_rate(tui::event::DEFAULT_TICK_RATE);
        match exit.map_err(ui_error)? {
            tui::Exit::Done(results) => Ok(results),
            tui::Exit::Interrupted => Ok(None),
        }
    })
}

pub fn run(command: SimCommand, global: &Global) -> Outcome {
    match command {
        SimCommand::Breaker(args) => breaker::run(args, global),
        SimCommand::Backoff(args) => backoff::run(args, global),
        SimCommand::Storm(args) => storm::run(args, global),
        SimCommand::Limiter(args) => limiter::run(args, global),
        SimCommand::System(args) => system::run(args, global),
    }
}
