//! `patterns sim storm`.

use crate::cli::{Global, SimStormArgs};
use crate::commands::{Outcome, UsageError};

pub fn run(_args: SimStormArgs, _global: &Global) -> Outcome {
    Err(UsageError::new("not built yet").into())
}
