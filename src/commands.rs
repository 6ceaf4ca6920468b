//! One file per subcommand, each thin: arguments → library → output. This file dispatches
//! and owns the error-to-exit-code mapping.

pub mod check;
pub mod completions;
pub mod exam;
pub mod implement;
pub mod learn;
pub mod list;
pub mod man;
pub mod new;
pub mod progress;
pub mod review;
pub mod schema;
pub mod sim;

use std::io::{self, Write};
use std::process::ExitCode;

use crate::cli::{Cli, Command};

/// A flag value or argument the user must correct; exits with code 2.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{0}")]
pub struct UsageError(pub String);

impl UsageError {
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

/// What a command returns: its exit code, or an error to print.
pub type Outcome = miette::Result<ExitCode>;

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Outcome {
    // No subcommand: the module list, as a screen on a terminal, else as the table.
    let Some(command) = cli.command else {
        if !learn::plain_mode(&cli.global) {
            return learn::browse(&cli.global);
        }
        return list::run(&crate::cli::ListArgs { json: false }, &cli.global);
    };
    match command {
        Command::Sim(sim) => sim::run(sim, &cli.global),
        Command::List(args) => list::run(&args, &cli.global),
        Command::Check(args) => check::run(&args, &cli.global),
        Command::New(args) => new::run(&args),
        Command::Schema => schema::run(),
        Command::Progress(args) => progress::run(args, &cli.global),
        Command::Completions(args) => completions::run(&args),
        Command::Man => man::run(),
        Command::Learn(args) => learn::run(&args, &cli.global),
        Command::Exam(args) => exam::run(&args, &cli.global),
        Command::Review => review::run(&cli.global),
        Command::Implement(args) => implement::run(&args, &cli.global),
    }
}

/// Prints an error the way users read it and maps it to an exit code: usage errors 2, a
/// closed stdout 0, everything else 1.
pub fn report(error: miette::Report) -> ExitCode {
    if error.downcast_ref::<ClosedStdout>().is_some() {
        return ExitCode::SUCCESS;
    }
    let mut stderr = io::stderr().lock();
    if let Some(usage) = error.downcast_ref::<UsageError>() {
        let _ = writeln!(stderr, "error: {usage}");
        return ExitCode::from(2);
    }
    // Diagnostics (`check`) render with their source snippets; plain errors print their chain.
    let _ = writeln!(stderr, "{error:?}");
    ExitCode::from(1)
}

/// The reader of stdout went away (`patterns list | head`): not an error for the user.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("stdout was closed")]
pub struct ClosedStdout;

/// Writes `text` to stdout; a closed pipe becomes [`ClosedStdout`], which [`report`] maps
/// to success.
pub fn print(text: &str) -> miette::Result<()> {
    let mut stdout = io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|error| match error.kind() {
            io::ErrorKind::BrokenPipe => miette::Report::new(ClosedStdout),
            _ => miette::miette!("Failed to write to stdout: {error}"),
        })
}
