//! `patterns sim`: run the engine from the command line.

pub mod backoff;
pub mod breaker;
pub mod stepper;
pub mod storm;

use crate::cli::{Global, SimCommand};

use super::Outcome;

pub fn run(command: SimCommand, global: &Global) -> Outcome {
    match command {
        SimCommand::Breaker(args) => breaker::run(args, global),
        SimCommand::Backoff(args) => backoff::run(args, global),
        SimCommand::Storm(args) => storm::run(args, global),
    }
}
