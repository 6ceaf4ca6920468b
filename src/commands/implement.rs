//! `patterns implement <pattern> --run CMD` checks the learner's own program against the
//! engine; `--starter LANG DIR` writes a skeleton to start from. The checking is the
//! library's ([`crate::implement`]); this file picks the seed and the clock, runs the
//! program ([`child`]), prints the report and records a pass in progress.
//! Exit: 0 all agree, 1 a disagreement or a misbehaving program, 2 usage, 3 stopped.

mod child;

use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use miette::miette;

use crate::cli::{Global, ImplementArgs};
use crate::commands::{Outcome, UsageError, print};
use crate::engine::duration::parse_duration;
use crate::implement::report::{self, Report, Setup};
use crate::implement::starter::{self, Language};
use crate::implement::{Pattern, Scenario, backoff, breaker, check, limiter};
use crate::progress::{ImplementationPass, Store};
use child::Child;

pub fn run(args: &ImplementArgs, global: &Global) -> Outcome {
    let pattern = Pattern::parse(&args.pattern).ok_or_else(|| {
        UsageError::new(format!(
            "unknown pattern '{}'; choose one of: {}",
            args.pattern,
            names(Pattern::ALL.iter().map(|p| p.name()))
        ))
    })?;
    if let Some(starter) = &args.starter {
        return write_starter(pattern, starter);
    }
    let Some(command) = args.run.as_deref() else {
        return Err(UsageError::new(
            "give '--run CMD' to check a program, or '--starter LANG DIR' to write one",
        )
        .into());
    };
    let timeout = parse_duration(&args.timeout)
        .ok()
        .filter(|t| !t.is_zero())
        .ok_or_else(|| {
            UsageError::new(format!(
                "--timeout '{}' is not a duration above zero; write e.g. '2s' or '500ms'",
                args.timeout
            ))
        })?;
    let preset = args
        .preset
        .clone()
        .unwrap_or_else(|| pattern.presets()[0].to_owned());
    if !pattern.presets().contains(&preset.as_str()) {
        return Err(UsageError::new(format!(
            "unknown preset '{preset}' for {pattern}; choose one of: {}",
            names(pattern.presets().iter().copied())
        ))
        .into());
    }
    if !args.dir.is_dir() {
        return Err(UsageError::new(format!(
            "--dir '{}' is not a folder; give the folder your program runs in",
            args.dir.display()
        ))
        .into());
    }
    let seed = args.seed.unwrap_or_else(clock_seed);
    let library = super::list::load_library(global);
    let run = Run {
        pattern,
        preset,
        seed,
        command,
        dir: &args.dir,
        timeout,
        json: args.json,
        random: args.cases,
    };
    match pattern {
        Pattern::CircuitBreaker => {
            let Some(engine_preset) = breaker::preset(&run.preset) else {
                return Err(UsageError::new(format!("unknown preset '{}'", run.preset)).into());
            };
            let course = breaker::course_cases(&library, engine_preset);
            let random = breaker::random_cases(engine_preset, seed, args.cases);
            run.check(course, random)
        }
        Pattern::RetryBackoff => {
            let Some(jitter) = backoff::jitter(&run.preset) else {
                return Err(UsageError::new(format!("unknown jitter '{}'", run.preset)).into());
            };
            let course = backoff::course_cases(&library, jitter);
            let random = backoff::random_cases(jitter, seed, args.cases);
            run.check(course, random)
        }
        Pattern::RateLimiter => {
            let Some(algorithm) = limiter::algorithm(&run.preset) else {
                return Err(UsageError::new(format!("unknown algorithm '{}'", run.preset)).into());
            };
            // The course has no limiter traces yet: random cases only.
            run.check(
                Vec::new(),
                limiter::random_cases(algorithm, seed, args.cases),
            )
        }
    }
}

fn names<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names.collect::<Vec<_>>().join(", ")
}

/// A seed for the random cases when none is given. The shell picks randomness here
/// (clippy.toml bans the clock elsewhere).
#[allow(clippy::disallowed_methods)]
fn clock_seed() -> u64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    now.as_secs() ^ u64::from(now.subsec_nanos())
}

#[allow(clippy::disallowed_methods)]
fn started() -> Instant {
    Instant::now()
}

/// One check's settings.
struct Run<'a> {
    pattern: Pattern,
    preset: String,
    seed: u64,
    command: &'a str,
    dir: &'a Path,
    timeout: Duration,
    json: bool,
    random: usize,
}

impl Run<'_> {
    fn check<S: Scenario>(&self, course: Vec<S>, random: Vec<S>) -> Outcome {
        let setup = Setup {
            pattern: self.pattern.name(),
            preset: self.preset.clone(),
            seed: self.seed,
            course_cases: course.len(),
            random_cases: random.len(),
            rerun: self.rerun(),
        };
        let mut cases = course;
        cases.extend(random);
        if cases.is_empty() {
            return Err(UsageError::new(format!(
                "no case to run: {} has no course cases, and --cases is 0; give --cases 1 or more",
                self.pattern
            ))
            .into());
        }
        let stop = Arc::new(AtomicBool::new(false));
        register_stop(&stop)?;
        let start = started();
        let mut child = Child::spawn(self.command, self.dir, self.timeout, Arc::clone(&stop))
            .map_err(|message| miette!("{message}"))?;
        let checked = check(self.pattern, &cases, &mut child);
        child.finish();
        let elapsed = u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX);
        let mut report = report::build(setup, &checked, elapsed, child.stderr_tail());
        let code = match report.result {
            "agree" => ExitCode::SUCCESS,
            "stopped" => ExitCode::from(3),
            _ => ExitCode::from(1),
        };
        let note = if report.result == "agree" {
            self.record(&report)
        } else {
            None
        };
        report.recorded = note.is_none() && report.result == "agree";
        let mut out = if self.json {
            let mut text = serde_json::to_string_pretty(&report)
                .map_err(|e| miette!("Failed to encode the report: {e}"))?;
            text.push('\n');
            text
        } else {
            let mut text = report::render(&report, self.pattern);
            if report.recorded {
                text.push_str("Recorded in your progress ('patterns progress').\n");
            }
            text
        };
        if let Some(note) = note {
            if self.json {
                eprintln!("{note}");
            } else {
                let _ = writeln!(out, "{note}");
            }
        }
        print(&out)?;
        Ok(code)
    }

    /// Records the pass; a note for the user if it could not be.
    fn record(&self, report: &Report) -> Option<String> {
        let store = match Store::from_env() {
            Ok(store) => store,
            Err(error) => return Some(format!("note: the pass was not recorded: {error}")),
        };
        let now = super::progress::now();
        let pass = ImplementationPass {
            pattern: self.pattern.name().to_owned(),
            preset: self.preset.clone(),
            cases: report.total as u64,
            seed: self.seed,
            at: now,
        };
        match store.update(now, |record| record.record_implementation(pass)) {
            Ok(updated) => updated.quarantined.map(|q| format!("note: {q}")),
            Err(error) => Some(format!("note: the pass was not recorded: {error}")),
        }
    }

    fn rerun(&self) -> String {
        let mut line = format!(
            "patterns implement {} --run {} --preset {} --seed {} --cases {}",
            self.pattern,
            quote(self.command),
            self.preset,
            self.seed,
            self.random
        );
        if self.dir != Path::new(".") {
            let _ = write!(line, " --dir {}", quote(&self.dir.display().to_string()));
        }
        line
    }
}

/// `'text'` for a POSIX shell.
fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// Ctrl-C, SIGTERM and SIGHUP set `stop`; the check then ends with the program stopped.
fn register_stop(stop: &Arc<AtomicBool>) -> miette::Result<()> {
    #[cfg(unix)]
    for signal in [
        signal_hook::consts::SIGINT,
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGHUP,
    ] {
        signal_hook::flag::register(signal, Arc::clone(stop))
            .map_err(|e| miette!("Failed to watch for Ctrl-C: {e}"))?;
    }
    #[cfg(not(unix))]
    let _ = stop;
    Ok(())
}

fn write_starter(pattern: Pattern, starter: &[String]) -> Outcome {
    let [language, dir] = starter else {
        return Err(UsageError::new(
            "--starter takes LANG and DIR, e.g. '--starter python breaker'",
        )
        .into());
    };
    let Some(language) = Language::parse(language) else {
        return Err(UsageError::new(format!(
            "unknown language '{language}' for --starter; choose one of: python, rust, javascript"
        ))
        .into());
    };
    let dir = Path::new(dir);
    let files = starter::files(pattern, language);
    // Nothing is written unless everything can be: never a half starter, never an overwrite.
    let existing: Vec<String> = files
        .iter()
        .map(|f| dir.join(f.path))
        .filter(|p| p.exists())
        .map(|p| p.display().to_string())
        .collect();
    if !existing.is_empty() {
        return Err(UsageError::new(format!(
            "not overwriting '{}'; choose another DIR or move the file away",
            existing.join("', '")
        ))
        .into());
    }
    std::fs::create_dir_all(dir)
        .map_err(|e| miette!("Failed to create '{}': {e}", dir.display()))?;
    let mut out = String::new();
    for file in &files {
        let path = dir.join(file.path);
        write_new(&path, &file.text)
            .map_err(|e| miette!("Failed to write '{}': {e}", path.display()))?;
        let _ = writeln!(out, "created {}", path.display());
    }
    let _ = writeln!(
        out,
        "\nNext: write the pattern where it says 'not written yet', then, in '{}':\n  patterns implement {pattern} --run {}",
        dir.display(),
        quote(starter::run_command(pattern, language))
    );
    print(&out)?;
    Ok(ExitCode::SUCCESS)
}

/// Creates `path` with `text`, failing if it exists (even if it appeared just now).
fn write_new(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}
