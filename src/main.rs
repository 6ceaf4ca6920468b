//! Parse the command line, run it, map the outcome to an exit code: 0 ok, 1 the command
//! said no (a failed check or exam), 2 usage. A closed pipe (`patterns list | head`) is
//! success.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = patterns::cli::Cli::parse();
    match patterns::commands::run(cli) {
        Ok(code) => code,
        Err(error) => patterns::commands::report(error),
    }
}
