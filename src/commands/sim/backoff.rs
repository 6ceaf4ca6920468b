//! `patterns sim backoff`.

use crate::cli::{Global, SimBackoffArgs};
use crate::commands::{Outcome, UsageError};

pub fn run(_args: SimBackoffArgs, _global: &Global) -> Outcome {
    Err(UsageError::new("not built yet").into())
}
