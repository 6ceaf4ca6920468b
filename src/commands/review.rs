//! `patterns review`: the exercises due for review (missed or rated hard), across modules,
//! re-asked with fresh parametric values; each answer moves its FSRS card. Exit 0.

use std::process::ExitCode;

use crate::cli::Global;
use crate::commands::Outcome;
use crate::commands::learn::{console, io_error, open_record, warn_unsaved};
use crate::commands::progress::now;
use crate::session::review::Review;
use crate::ui::plain::flow;

pub fn run(global: &Global) -> Outcome {
    let library = super::list::load_library(global);
    let (mut recorder, record) = open_record();
    let at = now();
    let mut session = Review::new(&record.due(at), &library, at.secs());
    let mut console = console();
    let mut save = |event| recorder.record(event, now());
    flow::review(&mut console, &mut session, &mut save).map_err(io_error)?;
    warn_unsaved(&recorder);
    Ok(ExitCode::SUCCESS)
}
