//! The plain front end of `learn`, `exam` and `review`: the sessions' stages as numbered
//! text, answers read one per line. The session decides everything; this file only prints
//! its state and feeds it lines.
//!
//! Invariant: every [`Effect::Save`] is handed to the caller's save function the moment it
//! appears; a failed save is shown and the session goes on. End of input stops cleanly.

use std::fmt::Write as _;
use std::io::{self, BufRead, Write};

use crate::content::model::BreakerSpec;
use crate::grade::{Graded, Verdict, letter};
use crate::session::exam::{Exam, verdict_of};
use crate::session::learn::{Learn, Stage};
use crate::session::question::{Effect, Input, Question};
use crate::session::record::Save;
use crate::session::review::Review;
use crate::ui::plain::markdown_to_plain;

use super::console::{Console, Line};

/// How a plain session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// The session reached its end.
    Finished,
    /// The learner typed `quit`.
    Quit,
    /// Input ended before the session did.
    EndOfInput,
}

/// Keeps one event; `Err` is the message to show.
pub type SaveFn<'a> = &'a mut dyn FnMut(Save) -> Result<(), String>;

fn perform<R: BufRead, W: Write>(
    console: &mut Console<R, W>,
    effects: Vec<Effect>,
    save: SaveFn<'_>,
) -> io::Result<()> {
    for effect in effects {
        match effect {
            Effect::Save(event) => {
                if let Err(message) = save(event) {
                    console.para("  ! ", &message)?;
                }
            }
            Effect::Invalid(message) => console.para("  ? ", &format!("{message}. Try again."))?,
            Effect::Hint(tier, text) => console.para("  ", &format!("Hint {tier}: {text}"))?,
            Effect::NoHint(message) => console.para("  ", &message)?,
            Effect::Finished | Effect::Quit => {}
        }
    }
    Ok(())
}

fn input_of(line: Line) -> Input {
    match line {
        Line::Text(text) => Input::Answer(text),
        Line::Hint => Input::Hint,
        Line::Skip => Input::Skip,
        Line::Quit => Input::Quit,
    }
}

/// Prints a question: prompt, options, the answer's form.
fn show_question<R: BufRead, W: Write>(
    console: &mut Console<R, W>,
    question: &Question,
    commands: &str,
) -> io::Result<()> {
    console.para("", question.item.prompt())?;
    for (i, option) in question.item.options().iter().enumerate() {
        console.para("    ", &format!("{}) {option}", letter(i)))?;
    }
    console.para(
        "  ",
        &format!("Answer with {}. {commands}", question.item.answer_form()),
    )
}

/// The mark and label of a verdict.
pub fn verdict_mark(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Correct => "✓ Correct",
        Verdict::Partial => "~ Partly correct",
        Verdict::Wrong => "✗ Wrong",
    }
}

fn show_feedback<R: BufRead, W: Write>(
    console: &mut Console<R, W>,
    graded: &Graded,
) -> io::Result<()> {
    console.para(
        "  ",
        &format!("{}: {}", verdict_mark(graded.verdict), graded.message),
    )?;
    if graded.verdict != Verdict::Correct && !graded.key.is_empty() {
        console.para("  ", &format!("Answer: {}", graded.key))?;
    }
    if !graded.explanation.is_empty() {
        console.para("  ", &format!("Why: {}", graded.explanation))?;
    }
    console.say("\n")
}

/// A breaker spec as settings, e.g. `preset seed, failure_threshold 5, recovery_timeout 30s`.
pub fn describe_breaker(spec: &BreakerSpec) -> String {
    let mut parts = vec![format!(
        "preset {}",
        spec.preset.map_or("seed", |p| p.as_str())
    )];
    if let Some(n) = spec.failure_threshold {
        parts.push(format!("failure_threshold {n}"));
    }
    if let Some(t) = spec.recovery_timeout {
        parts.push(format!("recovery_timeout {t}"));
    }
    if let Some(n) = spec.success_threshold {
        parts.push(format!("success_threshold {n}"));
    }
    if let Some(n) = spec.half_open_max_calls {
        parts.push(format!("half_open_max_calls {n}"));
    }
    parts.join(", ")
}

const PRACTICE_COMMANDS: &str = "Type 'hint' for a hint, 'skip' to move on, 'quit' to stop.";

/// Runs the learning flow. `done` are the block ids already completed (marked ✓ in the
/// overview).
pub fn learn<R: BufRead, W: Write>(
    console: &mut Console<R, W>,
    session: &mut Learn,
    done: &[String],
    save: SaveFn<'_>,
) -> io::Result<Ending> {
    let mut shown: Option<Stage> = None;
    let mut lab_steps_shown = 0;
    loop {
        let stage = session.stage();
        if stage == Stage::Done {
            console.flush()?;
            return Ok(Ending::Finished);
        }
        if shown != Some(stage) {
            if matches!(stage, Stage::Lab { .. }) {
                lab_steps_shown = 0;
            }
            show_stage(console, session, done, &mut lab_steps_shown)?;
            shown = Some(stage);
        }
        if !session.awaits_answer() {
            let effects = session.handle(Input::Continue);
            perform(console, effects, save)?;
            continue;
        }
        let Some(line) = console.ask()? else {
            return Ok(Ending::EndOfInput);
        };
        let input = input_of(line);
        if input == Input::Quit {
            return Ok(Ending::Quit);
        }
        let effects = session.handle(input);
        perform(console, effects, save)?;
        // Graded in place: show the verdict, then go on.
        if session.stage() == stage && !session.awaits_answer() {
            show_verdict(console, session)?;
            let effects = session.handle(Input::Continue);
            perform(console, effects, save)?;
        }
    }
}

fn show_verdict<R: BufRead, W: Write>(
    console: &mut Console<R, W>,
    session: &Learn,
) -> io::Result<()> {
    if let Some(answer) = session.lab_walk().and_then(|w| w.answer.as_ref()) {
        let mark = if answer.is_correct() {
            "✓ Right"
        } else {
            "✗ Not quite"
        };
        console.para(
            "  ",
            &format!(
                "{mark}: after step {} the breaker is {} ({}).",
                answer.step,
                answer.actual.as_str(),
                answer.reason
            ),
        )?;
        return console.say("\n");
    }
    if let Some(graded) = session.question().and_then(|q| q.graded.as_ref()) {
        if session.question().is_some_and(|q| !q.item.is_graded()) {
            console.para("  ", "Saved to your journal.")?;
            if !graded.key.is_empty() {
                console.para("  ", &format!("Worth considering: {}", graded.key))?;
            }
            return console.say("\n");
        }
        show_feedback(console, graded)?;
    }
    Ok(())
}

fn show_stage<R: BufRead, W: Write>(
    console: &mut Console<R, W>,
    session: &Learn,
    done: &[String],
    lab_steps_shown: &mut usize,
) -> io::Result<()> {
    let module = &session.module().module;
    let blocks = module.blocks.len();
    let heading = |index: usize| {
        module
            .blocks
            .get(index)
            .map(|b| {
                format!(
                    "== Block {} of {blocks}: {} ({} min) ==",
                    index + 1,
                    b.title,
                    b.minutes
                )
            })
            .unwrap_or_default()
    };
    match session.stage() {
        Stage::Overview => {
            console.say(&format!("== {} ==\n", module.title))?;
            console.para("", &module.summary)?;
            console.say("\nYou will be able to:\n")?;
            for outcome in &module.outcomes {
                console.para("  • ", outcome)?;
            }
            console.say("\nBlocks:\n")?;
            for (i, block) in module.blocks.iter().enumerate() {
                let mark = if done.contains(&block.id) { " ✓" } else { "" };
                console.say(&format!(
                    "  {}. {} ({} min){mark}\n",
                    i + 1,
                    block.title,
                    block.minutes
                ))?;
            }
            if let Some(integration) = &module.integration {
                console.say(&format!(
                    "  then: {} ({} min)\n",
                    integration.title, integration.minutes
                ))?;
            }
            console.say(&format!(
                "About {} minutes in all. Starting at block {}.\n\n",
                session.module().minutes(),
                session.start_block() + 1
            ))?;
        }
        Stage::Priming { block } => {
            console.say(&format!("{}\n\n", heading(block)))?;
            console.say("Priming question: before you read, make a guess (the answer comes after the concept).\n")?;
            if let Some((_, b)) = session.block() {
                console.para("", &b.priming.question)?;
            }
        }
        Stage::Concept { .. } => {
            console.say("\n--- Concept ---\n\n")?;
            console.say(&markdown_to_plain(session.concept(), 80))?;
        }
        Stage::Reveal { .. } => {
            console.say("\n--- The priming question, answered ---\n")?;
            if let Some(guess) = session.priming_answer() {
                console.para("", &format!("You said: {guess}"))?;
            }
            if let Some((_, b)) = session.block() {
                console.para("", &b.priming.answer)?;
            }
        }
        Stage::Bridge { .. } => {
            console.say("\n--- Bridge: an analogy ---\n")?;
            if let Some((_, b)) = session.block() {
                console.para("", &b.bridge)?;
            }
        }
        Stage::Lab { .. } => {
            console.say("\n--- Lab ---\n")?;
            if let Some(lab) = session.lab() {
                console.para("", &lab.intro)?;
                console.para("", &format!("Breaker: {}.", describe_breaker(&lab.breaker)))?;
                console.para("", &format!("Script: {}", lab.script))?;
                if !lab.predictions.is_empty() {
                    console.say("Predict the state before the engine shows it (CLOSED, OPEN or HALF_OPEN).\n")?;
                }
            }
            if let Some(error) = session.lab_error() {
                console.para("  ! ", &format!("The lab cannot run: {error}"))?;
            }
        }
        Stage::LabPredict { index, .. } => {
            let (Some(lab), Some(walk)) = (session.lab(), session.lab_walk()) else {
                return Ok(());
            };
            let Some(prediction) = lab.predictions.get(index) else {
                return Ok(());
            };
            let step = prediction.step as usize;
            // The steps before the one predicted, as the engine ran them.
            let before = step.saturating_sub(1);
            for (i, report) in walk
                .run
                .steps
                .iter()
                .enumerate()
                .take(before)
                .skip(*lab_steps_shown)
            {
                console.say(&format!(
                    "  step {}: {:<8} → {}\n",
                    i + 1,
                    report.token,
                    report.state
                ))?;
            }
            *lab_steps_shown = step;
            let token = walk.run.steps.get(before).map_or("", |r| r.token.as_str());
            console.say(&format!(
                "\nPrediction {} of {}: step {step} is '{token}'.\n",
                index + 1,
                lab.predictions.len()
            ))?;
            console.para("", &prediction.prompt)?;
        }
        Stage::Practice { block, index } => {
            let count = module.blocks.get(block).map_or(0, |b| b.practice.len());
            if let Some(question) = session.question() {
                console.say(&format!(
                    "\n--- Practice {} of {count} [{}] ---\n",
                    index + 1,
                    question.item.kind_name()
                ))?;
                show_question(console, question, PRACTICE_COMMANDS)?;
            }
        }
        Stage::Consolidation { block, index } => {
            let count = module
                .blocks
                .get(block)
                .map_or(0, |b| b.consolidation.len());
            console.say(&format!(
                "\n--- Consolidation {} of {count} (saved to your journal) ---\n",
                index + 1
            ))?;
            console.para("", session.reflection_prompt().unwrap_or_default())?;
        }
        Stage::BlockDone { block } => {
            let title = module.blocks.get(block).map_or("", |b| b.title.as_str());
            let ids: Vec<&str> = module
                .blocks
                .get(block)
                .map(|b| b.practice.iter().map(String::as_str).collect())
                .unwrap_or_default();
            let results: Vec<Verdict> = session
                .results()
                .iter()
                .filter(|(id, _)| ids.contains(&id.as_str()))
                .map(|(_, v)| *v)
                .collect();
            let right = results.iter().filter(|v| **v == Verdict::Correct).count();
            console.say(&format!(
                "\nBlock {} done: {title}. Practice: {right} of {} answered right.\n\n",
                block + 1,
                results.len()
            ))?;
        }
        Stage::Integration => {
            if let Some(integration) = &module.integration {
                console.say(&format!(
                    "== Integration challenge: {} ({} min) ==\n\n",
                    integration.title, integration.minutes
                ))?;
                console.say(&markdown_to_plain(session.integration_brief(), 80))?;
            }
        }
        Stage::IntegrationPrompt { index } => {
            let count = module.integration.as_ref().map_or(0, |i| i.prompts.len());
            console.say(&format!(
                "\n--- Design question {} of {count} (saved to your journal) ---\n",
                index + 1
            ))?;
            console.para("", session.reflection_prompt().unwrap_or_default())?;
        }
        Stage::IntegrationExercise { index } => {
            let count = module.integration.as_ref().map_or(0, |i| i.exercises.len());
            if let Some(question) = session.question() {
                console.say(&format!("\n--- Challenge {} of {count} ---\n", index + 1))?;
                show_question(console, question, PRACTICE_COMMANDS)?;
            }
        }
        Stage::ExamOffer => {
            console.say(&format!(
                "== You reached the end of '{}' ==\nWhen you are ready for the mastery exam: patterns exam {}\n",
                module.title,
                session.module().id()
            ))?;
        }
        Stage::Done => {}
    }
    Ok(())
}

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
        let effects = session.handle(input);
        perform(console, effects, save)?;
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
        out.push_str(&super::console::wrap(
            &format!("Your answer: {answer}"),
            80,
            "     ",
        ));
        if verdict_of(q) != Verdict::Correct {
            out.push_str(&super::console::wrap(
                &format!("Right answer: {}", item.key_text()),
                80,
                "     ",
            ));
        }
        if let Some(graded) = &q.question.graded
            && graded.verdict != Verdict::Correct
        {
            out.push_str(&super::console::wrap(&graded.message, 80, "     "));
        }
        if let Some(explanation) = &item.exercise().explanation {
            out.push_str(&super::console::wrap(
                &format!("Why: {explanation}"),
                80,
                "     ",
            ));
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
    let mut shown = usize::MAX;
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
                "End of input at review {} of {total}; the answers given are saved.\n",
                index + 1
            ))?;
            return Ok(Ending::EndOfInput);
        };
        let input = input_of(line);
        if input == Input::Quit {
            console.say(&format!(
                "Stopped at review {} of {total}; the answers given are saved.\n",
                index + 1
            ))?;
            return Ok(Ending::Quit);
        }
        let effects = session.handle(input);
        perform(console, effects, save)?;
        if let Some(graded) = session.current().and_then(|q| q.question.graded.clone()) {
            show_feedback(console, &graded)?;
            let effects = session.handle(Input::Continue);
            perform(console, effects, save)?;
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
