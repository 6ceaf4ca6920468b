//! `patterns learn <module> [--block N]`: the learning flow, resuming in the learner's
//! current block at its first practice item not answered yet, as the TUI screen on a terminal and the plain front end otherwise (or with
//! `--plain`); `patterns` alone on a terminal (the module list). Also the helpers `exam` and
//! `review` share: finding a module, choosing the front end, opening the recorder.
//!
//! The shell reads the clock here (for timestamps and the seed of parametric practice) and
//! passes it down. Exit 0 however the session ends (finished, `quit`, end of input), 1 when
//! something the learner wrote could not be saved to the progress file (after the rescue).

use std::collections::HashSet;
use std::io::{self, IsTerminal, Write as _};
use std::process::ExitCode;

use crate::cli::{Global, LearnArgs};
use crate::commands::progress::now;
use crate::commands::{ClosedStdout, Outcome, UsageError};
use crate::content::{Library, LoadedModule};
use crate::progress::{ModuleRecord, Record, Store, StoreError, Timestamp};
use crate::session::learn::Learn;
use crate::session::record::Recorder;
use crate::ui::plain::console::Console;
use crate::ui::plain::flow::{self, Ending};
use crate::ui::tui::screens::learn::{LearnOutcome, LearnScreen};
use crate::ui::tui::screens::modules::{ModuleEntry, ModulesScreen};
use crate::ui::tui::{self, Exit, Theme};

pub fn run(args: &LearnArgs, global: &Global) -> Outcome {
    let library = super::list::load_library(global);
    let module = find_module(&library, &args.module)?;
    learn(module, args.block, global)
}

/// `patterns` with no arguments on a terminal: the module list; Enter opens `learn`.
pub fn browse(global: &Global) -> Outcome {
    let library = super::list::load_library(global);
    let (_, record) = open_record();
    let entries: Vec<ModuleEntry> = library
        .modules()
        .iter()
        .map(|m| {
            let p = crate::progress::summary_for(&record, m.id(), now());
            let progress = if p == crate::progress::ModuleProgress::default() {
                "not started".to_owned()
            } else {
                let mut text = format!("{}/{} blocks", p.blocks_completed, m.module.blocks.len());
                if let Some(best) = &p.best_exam {
                    text.push_str(&format!(", exam {}%", best.percent));
                }
                text
            };
            ModuleEntry {
                id: m.id().to_owned(),
                title: m.module.title.clone(),
                difficulty: m.module.difficulty.as_str().to_owned(),
                minutes: m.minutes(),
                progress,
            }
        })
        .collect();
    let mut screen = ModulesScreen::new(entries, Theme::from_env());
    let exit = tui::run(&mut screen).map_err(terminal_error)?;
    let Exit::Done(Some(id)) = exit else {
        return Ok(ExitCode::SUCCESS);
    };
    let module = find_module(&library, &id)?;
    learn(module, None, global)
}

/// Whether to use the line-based front end: `--plain`, stdin / stdout not a terminal, or
/// `TERM` unset or `dumb` (said once on stderr).
pub(crate) fn plain_mode(global: &Global) -> bool {
    global.plain || !tui::terminal::usable()
}

pub(crate) fn terminal_error(error: io::Error) -> miette::Report {
    miette::miette!("The terminal UI failed: {error}; try --plain")
}

fn learn(module: LoadedModule, block: Option<u32>, global: &Global) -> Outcome {
    let (mut recorder, record) = open_record();
    let progress = record.module(module.id());
    let saved = progress
        .and_then(|p| p.current_block.as_deref())
        .and_then(|id| module.module.blocks.iter().position(|b| b.id == id));
    let done: Vec<String> = progress
        .map(|p| p.blocks_completed.iter().map(|b| b.block.clone()).collect())
        .unwrap_or_default();
    // `--block N` is an explicit request for the block's beginning; only the saved resume
    // point leads back into the middle of a block.
    let mut session = match (block, progress, saved) {
        (Some(n), _, _) => Learn::new(module.clone(), block_index(&module, n)?, now().secs()),
        (None, Some(progress), Some(start)) => {
            let answered = answered_in(&module, progress, start);
            Learn::resume(module.clone(), start, &answered, now().secs())
        }
        (None, _, _) => Learn::new(module.clone(), 0, now().secs()),
    };
    if !plain_mode(global) {
        let mut screen = LearnScreen::new(session, recorder, now, Theme::from_env(), done);
        let exit = tui::run(&mut screen).map_err(terminal_error)?;
        let message = match exit {
            Exit::Done(LearnOutcome::Finished) => format!(
                "You finished '{}'. Take the exam: patterns exam {}\n",
                module.module.title,
                module.id()
            ),
            Exit::Done(LearnOutcome::Back) | Exit::Interrupted => {
                let place = match screen.session().block() {
                    Some((index, block)) => format!("block {} '{}'", index + 1, block.title),
                    None => "the overview".to_owned(),
                };
                if screen.recorder().unsaved().is_empty() {
                    format!(
                        "Saved. You stopped in {place}; 'patterns learn {}' resumes there.\n",
                        module.id()
                    )
                } else {
                    format!("You stopped in {place}; {NOT_ALL_SAVED}\n")
                }
            }
        };
        super::print(&message)?;
        return Ok(saved_exit(warn_unsaved(screen.recorder())));
    }
    let mut console = console();
    let mut save = |event| recorder.record(event, now());
    let ending = flow::learn(&mut console, &mut session, &done, &mut save).map_err(io_error)?;
    if ending != Ending::Finished {
        let place = match session.block() {
            Some((index, block)) => format!("block {} '{}'", index + 1, block.title),
            None => "the overview".to_owned(),
        };
        let why = if ending == Ending::Quit {
            "Stopped"
        } else {
            "End of input"
        };
        let text = if recorder.unsaved().is_empty() {
            format!(
                "{why} in {place}; your answers are saved. 'patterns learn {}' resumes at that block.\n",
                module.id()
            )
        } else {
            format!("{why} in {place}; {NOT_ALL_SAVED}\n")
        };
        console.say(&text).map_err(io_error)?;
    }
    console.flush().map_err(io_error)?;
    Ok(saved_exit(warn_unsaved(&recorder)))
}

/// The practice items of block `block` the learner has answered: graded ones with an
/// attempt, reflections with their prompt in the journal. A block finished before counts
/// only what came after its first finish (a revisit through `--block` starts afresh); one
/// finished before times were kept (version 1) counts nothing.
fn answered_in(module: &LoadedModule, progress: &ModuleRecord, block: usize) -> HashSet<String> {
    let Some(block) = module.module.blocks.get(block) else {
        return HashSet::new();
    };
    let since = match progress
        .blocks_completed
        .iter()
        .find(|c| c.block == block.id)
    {
        None => None,
        Some(completion) => match completion.at {
            Some(at) => Some(at),
            None => return HashSet::new(),
        },
    };
    let after = |at: Timestamp| since.is_none_or(|since| at > since);
    block
        .practice
        .iter()
        .filter(|id| {
            let attempted = progress
                .attempts
                .get(id.as_str())
                .is_some_and(|attempts| attempts.iter().any(|a| after(a.at)));
            let journaled = || {
                module
                    .exercise(id)
                    .filter(|e| e.reflection.is_some())
                    .is_some_and(|e| {
                        progress
                            .journal
                            .iter()
                            .any(|entry| entry.prompt == e.prompt && after(entry.at))
                    })
            };
            attempted || journaled()
        })
        .cloned()
        .collect()
}

/// The end of a session when saving failed: [`warn_unsaved`] then says what became of it.
const NOT_ALL_SAVED: &str = "not all of your answers could be saved (see the warning below).";

/// The module with `id`, or a usage error naming the known ones.
pub(crate) fn find_module(library: &Library, id: &str) -> Result<LoadedModule, UsageError> {
    library.get(id).cloned().ok_or_else(|| {
        let known: Vec<String> = library
            .modules()
            .iter()
            .map(|m| format!("'{}'", m.id()))
            .collect();
        UsageError::new(format!(
            "no module '{id}'; available: {} (see 'patterns list')",
            if known.is_empty() {
                "none".to_owned()
            } else {
                known.join(", ")
            }
        ))
    })
}

/// `--block N` (from 1) as an index.
fn block_index(module: &LoadedModule, n: u32) -> Result<usize, UsageError> {
    let count = module.module.blocks.len();
    match usize::try_from(n) {
        Ok(n) if (1..=count).contains(&n) => Ok(n - 1),
        _ => Err(UsageError::new(format!(
            "--block '{n}': '{}' has {count} blocks; give 1 to {count}",
            module.id()
        ))),
    }
}

/// The recorder and the record as it is now. Without a usable data folder the session
/// still runs, keeping answers in memory, and says so. A file that cannot be read now is
/// still the recorder's store: saving is retried per answer (a store never writes over a
/// file it cannot read) and what stays unsaved is rescued at the end ([`warn_unsaved`]).
pub(crate) fn open_record() -> (Recorder, Record) {
    let store = match Store::from_env() {
        Ok(store) => store,
        Err(error) => {
            let _ = writeln!(
                io::stderr(),
                "warning: {error}; this session's answers will not be saved"
            );
            return (Recorder::in_memory(), Record::new());
        }
    };
    let loaded = match store.load(now()) {
        Ok(loaded) => loaded,
        // An unreadable file that cannot be moved aside would be copied aside again at
        // every save: this session stays in memory.
        Err(error @ StoreError::Quarantine { .. }) => {
            let _ = writeln!(
                io::stderr(),
                "warning: {error}; this session's answers will be kept in memory only"
            );
            return (Recorder::in_memory(), Record::new());
        }
        Err(error) => {
            let _ = writeln!(
                io::stderr(),
                "warning: {error}; this session's answers are kept in memory and kept aside \
                 or shown when you leave"
            );
            return (Recorder::new(store), Record::new());
        }
    };
    if let Some(quarantined) = &loaded.quarantined {
        let _ = writeln!(io::stderr(), "warning: {quarantined}");
    }
    (Recorder::new(store), loaded.record)
}

/// The plain console on stdin / stdout; answers are echoed when stdin is not a terminal.
pub(crate) fn console() -> Console<io::StdinLock<'static>, io::StdoutLock<'static>> {
    let echo = !io::stdin().is_terminal();
    Console::new(io::stdin().lock(), io::stdout().lock(), echo)
}

/// A failed write to stdout: a closed pipe is not an error for the user.
pub(crate) fn io_error(error: io::Error) -> miette::Report {
    if error.kind() == io::ErrorKind::BrokenPipe {
        miette::Report::new(ClosedStdout)
    } else {
        miette::miette!("Failed to talk to the terminal: {error}")
    }
}

/// Events a failing store could not write would be lost when the process ends: rescue
/// them (a last save, else a file in the temp folder, else their text) and say where.
/// Returns whether something the learner did is not in the progress file (kept aside or
/// shown instead, or never meant to be saved because no data folder was usable): the
/// session then exits 1.
pub(crate) fn warn_unsaved(recorder: &Recorder) -> bool {
    if !recorder.is_persistent() {
        return !recorder.unsaved().is_empty();
    }
    match recorder.rescue(&std::env::temp_dir(), now()) {
        Some(message) => {
            // Module text (prompts) is untrusted: no raw escapes reach the terminal.
            let message = crate::ui::sanitize::strip_controls(&message);
            let _ = writeln!(io::stderr(), "warning: {message}");
            true
        }
        None => false,
    }
}

/// The exit code of a session that ended without a verdict: 1 when something was not
/// saved ([`warn_unsaved`]), else 0.
pub(crate) fn saved_exit(unsaved: bool) -> ExitCode {
    if unsaved {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::{Attempt, JournalEntry, Verdict};

    fn module() -> LoadedModule {
        crate::content::load::bundled_module("circuit-breaker")
    }

    fn attempt(verdict: Verdict, at: u64) -> Attempt {
        Attempt {
            at: Timestamp(at),
            verdict,
            hints_used: 0,
            answer: "x".into(),
            difficulty: None,
        }
    }

    /// The index of the block whose practice holds a reflection, and that reflection's id.
    fn block_with_reflection(module: &LoadedModule) -> (usize, String) {
        module
            .module
            .blocks
            .iter()
            .enumerate()
            .find_map(|(i, b)| {
                b.practice
                    .iter()
                    .find(|id| module.exercise(id).is_some_and(|e| e.reflection.is_some()))
                    .map(|id| (i, id.clone()))
            })
            .expect("a bundled block practises a reflection")
    }

    #[test]
    fn attempts_right_or_wrong_and_journaled_reflections_are_answered() {
        let m = module();
        let (block, reflection) = block_with_reflection(&m);
        let graded = m.module.blocks[block]
            .practice
            .iter()
            .find(|id| **id != reflection)
            .expect("a graded item")
            .clone();
        let mut record = Record::new();
        record.record_attempt(m.id(), &graded, attempt(Verdict::Wrong, 10));
        record.record_attempt(
            m.id(),
            "some-other-block-item",
            attempt(Verdict::Correct, 10),
        );
        let prompt = m.exercise(&reflection).expect("exercise").prompt.clone();
        record.add_journal_entry(
            m.id(),
            JournalEntry {
                at: Timestamp(11),
                block: m.module.blocks[block].id.clone(),
                prompt,
                text: "my thoughts".into(),
            },
        );
        let progress = record.module(m.id()).expect("recorded");
        let answered = answered_in(&m, progress, block);
        assert_eq!(answered, HashSet::from([graded, reflection]));
        assert!(answered_in(&m, progress, 99).is_empty(), "out of range");
    }

    #[test]
    fn a_finished_block_counts_only_what_came_after_its_finish() {
        let m = module();
        let ids = m.module.blocks[0].practice.clone();
        let mut record = Record::new();
        record.record_attempt(m.id(), &ids[0], attempt(Verdict::Correct, 10));
        record.record_attempt(m.id(), &ids[1], attempt(Verdict::Correct, 10));
        record.complete_block(m.id(), &m.module.blocks[0].id, None, Timestamp(20));
        // Revisited with --block 1: the first item again, after the finish.
        record.record_attempt(m.id(), &ids[0], attempt(Verdict::Correct, 30));
        let progress = record.module(m.id()).expect("recorded");
        assert_eq!(
            answered_in(&m, progress, 0),
            HashSet::from([ids[0].clone()])
        );
        // A finish without a time (migrated from version 1): nothing counts.
        let mut progress = progress.clone();
        progress.blocks_completed[0].at = None;
        assert!(answered_in(&m, &progress, 0).is_empty());
    }
}
