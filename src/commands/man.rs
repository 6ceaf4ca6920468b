//! `patterns man`: the man page in roff, generated from the clap definitions in `cli.rs`
//! (one page: the top-level command with its subcommands listed).

use std::process::ExitCode;

use clap::CommandFactory;

use crate::cli::Cli;
use crate::commands::{Outcome, print};

pub fn run() -> Outcome {
    let mut page = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut page)
        .map_err(|e| miette::miette!("Failed to render the man page: {e}"))?;
    print(&String::from_utf8_lossy(&page))?;
    Ok(ExitCode::SUCCESS)
}
