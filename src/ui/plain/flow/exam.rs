//! The plain exam: a progress line, one question at a time, then the report.

use std::fmt::Write as _;
use std::io::{self, BufRead, Write};

use super::{Ending, SaveFn, hand, input_of, show_question, verdict_mark};
use crate::grade::Verdict;
use crate::session::exam::{Exam, verdict_of};
use crate::session::question::Input;
use crate::ui::plain::console::{Console, wrap};

/// A text progress bar, e.g. `[#####.....]`.
pub fn progress_bar(done: usize, total: usize, width: usize) -> String {
    let filled = (done * width).checked_div(total).unwrap_or(0).min(width);
    format!("[{}{}]", "#".repeat(filled), ".".repeat(width - filled))
}

/// Runs the exam.
pub fn exam<R: BufRead, W: Write>(
    console: &mut Console<R, W>,
    session: &mut Exam,
    save: SaveFn<'_>,
) -> io::Result<Ending> {
    let (_, total) = session.progress();
    console.say(&format!(
        "== {}: mastery exam ==\n{total} questions, seed {}. One answer per line; 'skip' skips a question, 'quit' stops.\n",
        session.title(),
        session.seed()
    ))?;
    let mut shown = usize::MAX;
    let mut tries = 0;
    while let Some(current) = session.current() {
        let (index, total) = session.progress();
        if shown != index {
            console.say(&format!(
                "\nQuestion {} of {total} {}\n",
                index + 1,
                progress_bar(index, total, 20)
            ))?;
            show_question(console, &current.question, "")?;
            shown = index;
        }
        let Some(line) = console.ask()? else {
            console.say(&format!(
                "End of input at question {} of {total}: the exam was not scored. Run 'patterns exam {} --seed {}' to take the same questions again.\n",
                index + 1,
                session.module(),
                session.seed()
            ))?;
            return Ok(Ending::EndOfInput);
        };
        let input = input_of(line);
        if input == Input::Quit {
            console.say(&format!(
                "Stopped at question {} of {total}: the exam was not scored. 'patterns exam {} --seed {}' asks the same questions again.\n",
                index + 1,
                session.module(),
                session.seed()
            ))?;
            return Ok(Ending::Quit);
        }
        hand(console, &mut tries, input, save, &mut |i| session.handle(i))?;
    }
    console.say(&exam_report(session))?;
    console.flush()?;
    Ok(Ending::Finished)
}

/// The exam's results as text: score, pass/fail, per-block breakdown and every item with
/// the learner's answer, the right one and the explanation.
pub fn exam_report(session: &Exam) -> String {
    let mut out = String::new();
    let Some(score) = session.score() else {
        return out;
    };
    let verdict = if score.passed { "PASSED" } else { "NOT PASSED" };
    let _ = writeln!(
        out,
        "\n== Result: {}/{} ({}%): {verdict} (pass mark {}%) ==\n",
        score.score, score.out_of, score.percent, score.pass_mark
    );
    let _ = writeln!(out, "By block:");
    let width = score
        .by_block
        .iter()
        .map(|b| b.title.chars().count())
        .max()
        .unwrap_or(0);
    for block in &score.by_block {
        let _ = writeln!(
            out,
            "  {:<width$}  {}/{}",
            block.title, block.correct, block.total
        );
    }
    let _ = writeln!(out, "\nItems:");
    for (i, q) in session.items().iter().enumerate() {
        let item = &q.question.item;
        let mark = verdict_mark(verdict_of(q));
        let _ = writeln!(out, "{:>3}. {mark}  {} [{}]", i + 1, item.id(), q.block);
        let answer = match (&q.question.answer, q.skipped) {
            (_, true) => "(skipped)".to_owned(),
            (Some(answer), _) => answer.clone(),
            (None, _) => "(no answer)".to_owned(),
        };
        out.push_str(&wrap(&format!("Your answer: {answer}"), 80, "     "));
        if verdict_of(q) != Verdict::Correct {
            out.push_str(&wrap(
                &format!("Right answer: {}", item.key_text()),
                80,
                "     ",
            ));
        }
        if let Some(graded) = &q.question.graded
            && graded.verdict != Verdict::Correct
        {
            out.push_str(&wrap(&graded.message, 80, "     "));
        }
        if let Some(explanation) = &item.exercise().explanation {
            out.push_str(&wrap(&format!("Why: {explanation}"), 80, "     "));
        }
    }
    let _ = writeln!(
        out,
        "\nSeed {}: 'patterns exam {} --seed {}' asks the same questions again.",
        session.seed(),
        session.module(),
        session.seed()
    );
    out
}
