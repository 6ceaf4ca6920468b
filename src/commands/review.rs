//! `patterns review`: the exercises due for review (missed or rated hard), across modules,
//! re-asked with fresh parametric values; each answer moves its FSRS card. The review
//! screen on a terminal, the plain front end otherwise. Exit 0, or 1 when an answer could
//! not be saved to the progress file.

use crate::cli::Global;
use crate::commands::Outcome;
use crate::commands::learn::{
    console, io_error, open_record, plain_mode, saved_exit, terminal_error, warn_unsaved,
};
use crate::commands::progress::now;
use crate::grade::Verdict;
use crate::session::review::Review;
use crate::ui::plain::flow;
use crate::ui::tui::screens::review::ReviewScreen;
use crate::ui::tui::{self, Theme};

pub fn run(global: &Global) -> Outcome {
    let library = super::list::load_library(global);
    let (mut recorder, record) = open_record();
    let at = now();
    let mut session = Review::new(&record.due(at), &library, at.secs());
    if !plain_mode(global) && !session.items().is_empty() {
        let mut screen = ReviewScreen::new(session, recorder, now, Theme::from_env());
        tui::run(&mut screen).map_err(terminal_error)?;
        let verdicts = screen.session().verdicts();
        let right = verdicts.iter().filter(|v| **v == Verdict::Correct).count();
        super::print(&format!(
            "Reviewed {} of {}: {right} right. The next reviews are scheduled.\n",
            verdicts.len(),
            screen.session().items().len()
        ))?;
        return Ok(saved_exit(warn_unsaved(screen.recorder())));
    }
    let mut console = console();
    let mut save = |event| recorder.record(event, now());
    flow::review(&mut console, &mut session, &mut save).map_err(io_error)?;
    Ok(saved_exit(warn_unsaved(&recorder)))
}
