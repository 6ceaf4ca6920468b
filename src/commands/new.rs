//! `patterns new <id>`: scaffold a module and its exercise bank under the current
//! directory; never overwrites.

use std::fmt::Write as _;
use std::process::ExitCode;

use super::{Outcome, UsageError, print};
use crate::cli::NewArgs;
use crate::content::scaffold::{ScaffoldError, scaffold};

/// Writes the scaffold and lists what it wrote.
pub fn run(args: &NewArgs) -> Outcome {
    let root = std::env::current_dir()
        .map_err(|e| miette::miette!("Failed to read the current directory: {e}"))?;
    let written = scaffold(&root, &args.id).map_err(|error| match error {
        ScaffoldError::Id(_) | ScaffoldError::Exists(_) => {
            miette::Report::new(UsageError::new(error.to_string()))
        }
        ScaffoldError::Io { .. } => miette::miette!("{error}"),
    })?;
    let mut out = String::new();
    for path in &written {
        let _ = writeln!(out, "created {path}");
    }
    let _ = writeln!(
        out,
        "\nNext: edit the files, then run 'patterns check .' (the comments explain each field)."
    );
    print(&out)?;
    Ok(ExitCode::SUCCESS)
}
