//! The plain review: each due item asked, graded on the spot, then a summary.

use std::io::{self, BufRead, Write};

use super::{
    Ending, PRACTICE_COMMANDS, SaveFn, hand, input_of, perform, show_feedback, show_question,
};
use crate::grade::Verdict;
use crate::session::question::Input;
use crate::session::review::Review;
use crate::ui::plain::console::Console;

/// Runs a review.
pub fn review<R: BufRead, W: Write>(
    console: &mut Console<R, W>,
    session: &mut Review,
    save: SaveFn<'_>,
) -> io::Result<Ending> {
    let (_, total) = session.progress();
    if session.missing() > 0 {
        console.say(&format!(
            "{} due item(s) are no longer in the content and were left out.\n",
            session.missing()
        ))?;
    }
    if total == 0 {
        console.say(
            "Nothing is due for review. Missed exercises come back here after a day or more.\n",
        )?;
        return Ok(Ending::Finished);
    }
    console.say(&format!("== Review: {total} exercise(s) due ==\n"))?;
    // A failed save is told when it happens; the closing line must not then claim "saved".
    let failed = std::cell::Cell::new(false);
    let mut tracked = |event| {
        let result = save(event);
        failed.set(failed.get() || result.is_err());
        result
    };
    let saved = |failed: bool| {
        if failed {
            "not all answers given could be saved (see the warning below)"
        } else {
            "the answers given are saved"
        }
    };
    let mut shown = usize::MAX;
    let mut tries = 0;
    while let Some(current) = session.current() {
        let (index, total) = session.progress();
        if shown != index {
            console.say(&format!(
                "\n--- Review {} of {total} [{} / {}] ---\n",
                index + 1,
                current.module,
                current.question.item.id()
            ))?;
            show_question(console, &current.question, PRACTICE_COMMANDS)?;
            shown = index;
        }
        let Some(line) = console.ask()? else {
            console.say(&format!(
                "End of input at review {} of {total}; {}.\n",
                index + 1,
                saved(failed.get())
            ))?;
            return Ok(Ending::EndOfInput);
        };
        let input = input_of(line);
        if input == Input::Quit {
            console.say(&format!(
                "Stopped at review {} of {total}; {}.\n",
                index + 1,
                saved(failed.get())
            ))?;
            return Ok(Ending::Quit);
        }
        hand(console, &mut tries, input, &mut tracked, &mut |i| {
            session.handle(i)
        })?;
        if let Some(graded) = session.current().and_then(|q| q.question.graded.clone()) {
            show_feedback(console, &graded)?;
            let effects = session.handle(Input::Continue);
            perform(console, effects, &mut tracked)?;
        }
    }
    let verdicts = session.verdicts();
    let right = verdicts.iter().filter(|v| **v == Verdict::Correct).count();
    console.say(&format!(
        "Review done: {right} of {} right. Missed items come back sooner.\n",
        verdicts.len()
    ))?;
    console.flush()?;
    Ok(Ending::Finished)
}
