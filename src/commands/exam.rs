//! `patterns exam <module> [--seed N]`: the mastery exam. Without `--seed` a new seed is
//! picked from the clock (and the exams taken), so a retake gets new parametric variants;
//! the seed is printed so any exam can be reproduced.
//!
//! On a terminal the exam screen, else the plain front end. Exit 0 on pass, 1 on fail (or
//! when the result could not be saved to the progress file); `quit`, `q` or the end of
//! input stop without scoring: exit 3 (DESIGN §1), so a script gating on it never passes.

use std::process::ExitCode;

use crate::cli::{ExamArgs, Global};
use crate::commands::Outcome;
use crate::commands::learn::{
    console, find_module, io_error, open_record, plain_mode, saved_exit, terminal_error,
    warn_unsaved,
};
use crate::commands::progress::now;
use crate::session::exam::Exam;
use crate::ui::plain::flow::{self, Ending};
use crate::ui::tui::screens::exam::ExamScreen;
use crate::ui::tui::{self, Theme};

pub fn run(args: &ExamArgs, global: &Global) -> Outcome {
    let library = super::list::load_library(global);
    let module = find_module(&library, &args.module)?;
    let (mut recorder, record) = open_record();
    let seed = args.seed.unwrap_or_else(|| {
        let taken = record.module(module.id()).map_or(0, |m| m.exams.len());
        now().secs().wrapping_mul(1000).wrapping_add(taken as u64)
    });
    let mut session = Exam::new(&module, seed)
        .map_err(|e| miette::miette!("Cannot draw the exam of '{}': {e}", module.id()))?;
    if !plain_mode(global) {
        let mut screen = ExamScreen::new(session, recorder, now, Theme::from_env());
        tui::run(&mut screen).map_err(terminal_error)?;
        let session = screen.session();
        let text = match session.score() {
            Some(_) => flow::exam_report(session),
            None => format!(
                "The exam was not finished and not scored. 'patterns exam {} --seed {}' asks the same questions again.\n",
                session.module(),
                session.seed()
            ),
        };
        super::print(&text)?;
        let unsaved = warn_unsaved(screen.recorder());
        return Ok(exam_exit(session.score().map(|s| s.passed), unsaved));
    }
    let mut console = console();
    let mut save = |event| recorder.record(event, now());
    let ending = flow::exam(&mut console, &mut session, &mut save).map_err(io_error)?;
    let unsaved = warn_unsaved(&recorder);
    let passed = match ending {
        Ending::Finished => session.score().map(|s| s.passed),
        Ending::Quit | Ending::EndOfInput => None,
    };
    Ok(exam_exit(passed, unsaved))
}

/// 3 for an exam not finished (`None`), 1 for a fail or a result not saved, else 0.
fn exam_exit(passed: Option<bool>, unsaved: bool) -> ExitCode {
    match passed {
        None => ExitCode::from(3),
        Some(false) => ExitCode::from(1),
        Some(true) => saved_exit(unsaved),
    }
}
