//! The plain front end of `learn`, `exam` and `review`: the sessions' stages as numbered
//! text, answers read one per line. The session decides everything; this file only prints
//! its state and feeds it lines.
//!
//! Invariant: every [`Effect::Save`] is handed to the caller's save function the moment it
//! appears; a failed save is shown and the session goes on. End of input stops cleanly.

use std::io::{self, BufRead, Write};

use crate::content::model::BreakerSpec;
use crate::grade::{Graded, Verdict, letter};
use crate::session::learn::{Learn, Stage};
use crate::session::question::{Effect, Input, Question, UNREADABLE_TRIES};
use crate::session::record::Save;
use crate::ui::plain::markdown_to_plain;

use super::console::{Console, Line};

mod exam;
mod review;

pub use exam::{exam, exam_report, progress_bar};
pub use review::review;

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

/// Hands `input` to the session (`handle`) and carries out the effects. The
/// [`UNREADABLE_TRIES`]th answer in a row that cannot be read is handed on as
/// [`Input::Unreadable`]: the question counts as wrong and the session goes on, so in a
/// piped run one slip does not shift every later line onto the wrong question. `tries`
/// counts the unreadable answers so far (reset by anything else).
fn hand<R: BufRead, W: Write>(
    console: &mut Console<R, W>,
    tries: &mut usize,
    input: Input,
    save: SaveFn<'_>,
    handle: &mut dyn FnMut(Input) -> Vec<Effect>,
) -> io::Result<()> {
    let text = match &input {
        Input::Answer(text) => Some(text.clone()),
        _ => None,
    };
    let effects = handle(input);
    let invalid = effects.iter().find_map(|effect| match effect {
        Effect::Invalid(message) => Some(message.clone()),
        _ => None,
    });
    match (invalid, text) {
        (Some(message), Some(text)) if *tries + 1 >= UNREADABLE_TRIES => {
            *tries = 0;
            console.para(
                "  ? ",
                &format!(
                    "{message}. That is {UNREADABLE_TRIES} answers in a row that could not be                      read: this question counts as wrong, and the session goes on."
                ),
            )?;
            let effects = handle(Input::Unreadable(text));
            perform(console, effects, save)
        }
        (Some(_), _) => {
            *tries += 1;
            perform(console, effects, save)
        }
        (None, _) => {
            *tries = 0;
            perform(console, effects, save)
        }
    }
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

/// The line that starts a resumed block over from its priming question.
const RESTART: &str = "restart";

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
    let mut tries = 0;
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
        // A resumed session asks before leading back into the middle of the block.
        if stage == Stage::Overview && session.resume_point().is_some() {
            let Some(line) = console.ask()? else {
                return Ok(Ending::EndOfInput);
            };
            match line {
                Line::Quit => return Ok(Ending::Quit),
                Line::Text(text) if text.trim().eq_ignore_ascii_case(RESTART) => {
                    session.restart_block();
                    console.say(&format!(
                        "Starting block {} from its beginning.\n\n",
                        session.start_block() + 1
                    ))?;
                }
                _ => {}
            }
            let effects = session.handle(Input::Continue);
            perform(console, effects, save)?;
            continue;
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
        hand(console, &mut tries, input, save, &mut |i| session.handle(i))?;
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
            match session.continue_message() {
                Some(message) => {
                    console.say(&format!(
                        "About {} minutes in all.\n",
                        session.module().minutes()
                    ))?;
                    console.para("", &message)?;
                    console.para(
                        "",
                        &format!(
                            "Press Enter to continue there, or type '{RESTART}' to start block {} \
                             over.",
                            session.start_block() + 1
                        ),
                    )?;
                }
                None => console.say(&format!(
                    "About {} minutes in all. Starting at block {}.\n\n",
                    session.module().minutes(),
                    session.start_block() + 1
                ))?,
            }
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
