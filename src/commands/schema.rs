//! `patterns schema`: print the JSON Schema (draft-07) for module and exercise files.

use std::process::ExitCode;

use super::{Outcome, print};
use crate::content::schema::schema_text;

/// Prints the schema to stdout.
pub fn run() -> Outcome {
    print(&schema_text())?;
    Ok(ExitCode::SUCCESS)
}
