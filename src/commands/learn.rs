//! `patterns learn <module> [--block N]`: the learning flow, resuming at the learner's
//! current block. Also the helpers `exam` and `review` share: finding a module, choosing
//! the front end, opening the recorder.
//!
//! The shell reads the clock here (for timestamps and the seed of parametric practice) and
//! passes it down. Exit 0 however the session ends (finished, `quit`, end of input).

use std::io::{self, IsTerminal, Write as _};
use std::process::ExitCode;

use crate::cli::{Global, LearnArgs};
use crate::commands::progress::{load_or_warn, now};
use crate::commands::{ClosedStdout, Outcome, UsageError};
use crate::content::{Library, LoadedModule};
use crate::progress::{Record, Store};
use crate::session::learn::Learn;
use crate::session::record::Recorder;
use crate::ui::plain::console::Console;
use crate::ui::plain::flow::{self, Ending};

pub fn run(args: &LearnArgs, global: &Global) -> Outcome {
    let library = super::list::load_library(global);
    let module = find_module(&library, &args.module)?;
    let (mut recorder, record) = open_record();
    let progress = record.module(module.id());
    let start = match args.block {
        Some(n) => block_index(&module, n)?,
        None => progress
            .and_then(|p| p.current_block.as_deref())
            .and_then(|id| module.module.blocks.iter().position(|b| b.id == id))
            .unwrap_or(0),
    };
    let done: Vec<String> = progress
        .map(|p| p.blocks_completed.iter().map(|b| b.block.clone()).collect())
        .unwrap_or_default();
    let mut session = Learn::new(module.clone(), start, now().secs());
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
        console
            .say(&format!(
                "{why} in {place}; your answers are saved. 'patterns learn {}' resumes at that block.\n",
                module.id()
            ))
            .map_err(io_error)?;
    }
    console.flush().map_err(io_error)?;
    warn_unsaved(&recorder);
    Ok(ExitCode::SUCCESS)
}

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
/// still runs, keeping answers in memory, and says so.
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
    let record = match load_or_warn(&store, now()) {
        Ok(record) => record,
        Err(error) => {
            let _ = writeln!(
                io::stderr(),
                "warning: {error:?}\nThis session's answers will be kept in memory only."
            );
            return (Recorder::in_memory(), Record::new());
        }
    };
    (Recorder::new(store), record)
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

/// Events a failing store could not write are lost when the process ends: say so.
pub(crate) fn warn_unsaved(recorder: &Recorder) {
    let unsaved = recorder.unsaved().len();
    if recorder.is_persistent() && unsaved > 0 {
        let _ = writeln!(
            io::stderr(),
            "warning: {unsaved} event(s) could not be saved (see the messages above)"
        );
    }
}
