//! `patterns sim breaker`.

use crate::cli::{Global, SimBreakerArgs};
use crate::commands::{Outcome, UsageError};

pub fn run(_args: SimBreakerArgs, _global: &Global) -> Outcome {
    Err(UsageError::new("not built yet").into())
}
