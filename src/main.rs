//! Parse the command line, run it, map the outcome to an exit code: 0 ok, 1 the command
//! said no (a failed check or exam), 2 usage, 128 + the signal when SIGTERM (143) or SIGHUP
//! (129) ended a TUI session (after the command saved). A closed pipe
//! (`patterns list | head`) is success.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = patterns::cli::Cli::parse();
    let code = match patterns::commands::run(cli) {
        Ok(code) => code,
        Err(error) => patterns::commands::report(error),
    };
    match patterns::ui::tui::terminal::terminated_by() {
        Some(signal) => ExitCode::from(u8::try_from(128 + signal).unwrap_or(u8::MAX)),
        None => code,
    }
}
