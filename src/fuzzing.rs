//! The checks the fuzz targets (`fuzz/`, cargo-fuzz on nightly) and their stable twin
//! (`tests/fuzz_equivalents.rs`, proptest) run on every input: one function per entry point
//! (content loader, breaker script, duration, each answer parser, grading a bundled item).
//!
//! Invariant: a check panics only when the code under test breaks a promise (it panicked,
//! returned an empty error, or a printed value does not parse back); bad input alone never
//! makes it panic. Not part of the public API.

use std::sync::OnceLock;
use std::time::Duration;

use crate::content::bundled;
use crate::content::diagnostic::Severity;
use crate::content::load::{BankInput, DocSource, Input, ModuleInput, text_from_bytes};
use crate::content::model::Exercise;
use crate::content::validate::{Depth, validate};
use crate::content::{Library, LoadedModule};
use crate::engine::breaker::BreakerConfig;
use crate::engine::duration::{MAX, format_duration, parse_duration};
use crate::engine::script::{self, Action, Script, Token};
use crate::grade::{Item, Verdict, letter, parse};

/// The display path of the fuzzed file in diagnostics.
const FUZZED: &str = "fuzzed.yaml";

/// Scripts making more calls than this are parsed and printed but not run (a run of a
/// million calls is correct but would make the fuzzer crawl).
const MAX_RUN_CALLS: u64 = 5_000;

/// `data` as a module file (`modules/<id>/module.yaml`), loaded at [`Depth::Full`] with the
/// bundled bank and Markdown of the bundled module its `id:` line names, if any.
pub fn loader_module(data: &[u8]) {
    let Some(text) = decode(data) else { return };
    let id = bundled_id(&text, "id");
    let mut input = Input {
        modules: vec![ModuleInput {
            display: FUZZED.to_owned(),
            text: text.clone(),
            folder: id.clone(),
            docs: DocSource::Bundled(format!("modules/{id}/")),
        }],
        ..Input::default()
    };
    if let Some(bank) = bundled::file(&format!("exercises/{id}.yaml")) {
        input.banks.push(BankInput {
            display: format!("<bundled>/exercises/{id}.yaml"),
            text: bank.to_owned(),
            stem: id,
        });
    }
    check_content(&input, &text);
}

/// `data` as an exercise bank (`exercises/<id>.yaml`), loaded at [`Depth::Full`] with the
/// bundled module its `module:` line names, if any.
pub fn loader_bank(data: &[u8]) {
    let Some(text) = decode(data) else { return };
    let id = bundled_id(&text, "module");
    let mut input = Input {
        banks: vec![BankInput {
            display: FUZZED.to_owned(),
            text: text.clone(),
            stem: id.clone(),
        }],
        ..Input::default()
    };
    if let Some(module) = bundled::file(&format!("modules/{id}/module.yaml")) {
        input.modules.push(ModuleInput {
            display: format!("<bundled>/modules/{id}/module.yaml"),
            text: module.to_owned(),
            folder: id.clone(),
            docs: DocSource::Bundled(format!("modules/{id}/")),
        });
    }
    check_content(&input, &text);
}

/// Scenarios sending more requests than this are loaded but not run (a long run is correct
/// but would make the fuzzer crawl).
const MAX_RUN_REQUESTS: f64 = 20_000.0;

/// `data` as a system scenario file (`sim system --scenario FILE`): loaded, and when small
/// enough run, with every request accounted for; a refused file gets located messages.
pub fn loader_system(data: &[u8]) {
    let Some(text) = decode(data) else { return };
    match crate::content::system::from_text(FUZZED, &text) {
        Ok(scenario) => {
            let config = &scenario.config;
            let requests = config.arrivals.rate * config.arrivals.duration.as_secs_f64();
            let work = requests * config.services.len() as f64;
            if work > MAX_RUN_REQUESTS || config.drain > Duration::from_secs(600) {
                return;
            }
            let run = crate::engine::system::simulate(config)
                .unwrap_or_else(|e| panic!("a loaded scenario runs: {e}"));
            assert_eq!(
                run.requests, run.services[0].calls,
                "requests accounted for"
            );
        }
        Err(error) => {
            assert!(!error.diagnostics.is_empty());
            for diagnostic in &error.diagnostics {
                assert!(!diagnostic.message.is_empty());
                assert!(
                    diagnostic
                        .loc
                        .is_none_or(|loc| loc.line >= 1 && loc.col >= 1)
                );
            }
            assert!(error.render().starts_with(FUZZED));
        }
    }
}

/// The bytes as the loader reads a file: refused (with a message) when too large or not
/// UTF-8.
fn decode(data: &[u8]) -> Option<String> {
    match text_from_bytes(data.to_vec(), FUZZED) {
        Ok(text) => Some(text),
        Err(diagnostic) => {
            assert!(!diagnostic.message.is_empty());
            assert!(std::str::from_utf8(data).is_err() || data.len() > 1024 * 1024);
            None
        }
    }
}

/// The bundled module id a top-level `key: value` line names, or `m` (no bundled module):
/// only to pair a fuzzed file with real companions, so the checks behind pairing run.
fn bundled_id(text: &str, key: &str) -> String {
    let named = text.lines().find_map(|line| {
        let value = line.strip_prefix(key)?.strip_prefix(':')?;
        Some(value.trim().trim_matches(['"', '\'']).to_owned())
    });
    match named {
        Some(id) if bundled::file(&format!("modules/{id}/module.yaml")).is_some() => id,
        _ => "m".to_owned(),
    }
}

/// Loads `input` as `patterns check` does, then holds the loader to its promises.
fn check_content(input: &Input, fuzzed: &str) {
    let validated = validate(input, Depth::Full);
    // Lines as YAML (and editors) count them: a lone `\r` ends a line too.
    let breaks = fuzzed.matches('\n').count() + fuzzed.matches('\r').count()
        - fuzzed.matches("\r\n").count();
    let lines = breaks + 2;
    for diagnostic in &validated.diagnostics {
        assert!(!diagnostic.message.is_empty(), "{diagnostic:?}");
        if diagnostic.path == FUZZED
            && let Some(loc) = diagnostic.loc
        {
            let line = usize::try_from(loc.line).unwrap_or(usize::MAX);
            assert!(
                (1..=lines).contains(&line),
                "outside the file: {diagnostic:?}"
            );
        }
        // Nothing raw reaches the terminal.
        let rendered = diagnostic.render(Some(fuzzed));
        assert!(
            !rendered
                .chars()
                .any(|c| c.is_control() && c != '\n' && c != '\t'),
            "a control character in {rendered:?}"
        );
    }
    for module in &validated.modules {
        check_teachable(module, &validated.diagnostics);
    }
}

/// A module that passed [`Depth::Full`] has no error in its files, and every exercise of
/// its bank becomes an item whose own right answer is graded correct.
fn check_teachable(module: &LoadedModule, diagnostics: &[crate::content::Diagnostic]) {
    let id = module.id();
    let errors: Vec<_> = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .filter(|d| d.path == FUZZED || d.path.contains(&format!("/{id}")))
        .collect();
    assert!(
        errors.is_empty(),
        "module '{id}' loaded with errors: {errors:?}"
    );
    for exercise in &module.bank.exercises {
        for seed in [0, 1] {
            check_item(exercise, seed, None);
        }
    }
}

/// Makes the item of `exercise` with `seed`, grades its right answer (must be correct)
/// and `answer` (twice: the same verdict).
fn check_item(exercise: &Exercise, seed: u64, answer: Option<&str>) {
    let item = match Item::new(exercise, seed) {
        Ok(item) => item,
        Err(problem) => panic!(
            "checked exercise '{}' gives no item: {problem}",
            exercise.id
        ),
    };
    if let Some(right) = item.right_answer() {
        match item.grade(&right) {
            Ok(graded) => assert_eq!(
                graded.verdict,
                Verdict::Correct,
                "'{}': its right answer {right:?} is graded {graded:?}",
                exercise.id
            ),
            Err(error) => panic!("'{}': right answer {right:?} refused: {error}", exercise.id),
        }
    }
    if let Some(answer) = answer {
        let first = item.grade(answer);
        assert_eq!(first, item.grade(answer), "grading is deterministic");
        if let Err(error) = first {
            assert!(!error.0.is_empty());
        }
    }
}

/// Every exercise of the bundled modules, loaded once.
fn bundled_exercises() -> &'static [Exercise] {
    static EXERCISES: OnceLock<Vec<Exercise>> = OnceLock::new();
    EXERCISES.get_or_init(|| {
        Library::load(&[])
            .library
            .modules()
            .iter()
            .flat_map(|m| m.bank.exercises.iter().cloned())
            .collect()
    })
}

/// Grades an answer to a bundled exercise: bytes 0-1 pick the exercise, bytes 2-9 are the
/// seed, the rest (lossy UTF-8) is the answer.
pub fn grade(data: &[u8]) {
    let exercises = bundled_exercises();
    assert!(!exercises.is_empty(), "the bundled modules load");
    let byte = |i: usize| data.get(i).copied().unwrap_or(0);
    let index = usize::from(u16::from_le_bytes([byte(0), byte(1)])) % exercises.len();
    let seed = u64::from_le_bytes(std::array::from_fn(|i| byte(i + 2)));
    let answer = String::from_utf8_lossy(data.get(10..).unwrap_or_default());
    check_item(&exercises[index], seed, Some(&answer));
}

/// A grade input: the exercise's index, the seed and the answer (for seeding corpora).
pub fn grade_input(index: u16, seed: u64, answer: &str) -> Vec<u8> {
    let mut data = index.to_le_bytes().to_vec();
    data.extend(seed.to_le_bytes());
    data.extend(answer.as_bytes());
    data
}

/// How many bundled exercises [`grade`] picks from.
pub fn bundled_exercise_count() -> usize {
    bundled_exercises().len()
}

/// The right answer to bundled exercise `index` with `seed`, if it is graded.
pub fn bundled_right_answer(index: usize, seed: u64) -> Option<String> {
    let exercise = bundled_exercises().get(index)?;
    Item::new(exercise, seed).ok()?.right_answer()
}

/// `d` as it reads back after printing: printing keeps whole microseconds.
fn to_micros(d: Duration) -> Duration {
    Duration::from_micros(u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
}

/// Parses a duration; what parses is at most [`MAX`] and prints to text that parses back
/// to it (to the microsecond). Also the other way: the first 8 bytes as nanoseconds (up to
/// [`MAX`]) print and parse back.
pub fn duration(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    match parse_duration(&text) {
        Ok(d) => {
            assert!(d <= MAX, "{text:?} parsed to {d:?}, above the maximum");
            assert_round_trip(d);
        }
        Err(error) => assert!(!error.to_string().is_empty()),
    }
    if let Some(bytes) = data.get(..8) {
        let nanos = u64::from_le_bytes(std::array::from_fn(|i| bytes[i]));
        let max = u64::try_from(MAX.as_nanos()).unwrap_or(u64::MAX);
        assert_round_trip(Duration::from_nanos(nanos % (max + 1)));
    }
}

fn assert_round_trip(d: Duration) {
    let printed = format_duration(d);
    assert_eq!(
        parse_duration(&printed),
        Ok(to_micros(d)),
        "{d:?} printed as {printed:?}"
    );
}

/// Parses a breaker script; what parses prints (and serializes) to text that parses back
/// to it, each token's canonical form means the same, and a small script runs the same
/// twice with consistent totals.
pub fn script(text: &str) {
    let script = match Script::parse(text) {
        Ok(script) => script,
        Err(error) => {
            assert!(!error.to_string().is_empty());
            return;
        }
    };
    let printed = script.to_string();
    assert_eq!(Script::parse(&printed).as_ref(), Ok(&script), "{printed:?}");
    let json = serde_json::to_string(&script).expect("a script serializes as its text");
    let back: Script = serde_json::from_str(&json).expect("its text parses back");
    assert_eq!(back, script);
    let mut calls: u64 = 0;
    for token in script.tokens() {
        let canonical = Token::from(token.action);
        let reparsed = Script::parse(&canonical.text).expect("a canonical token parses");
        assert_eq!(reparsed.tokens().len(), 1);
        assert_eq!(reparsed.tokens()[0].action, action_to_micros(token.action));
        if let Action::Calls { count, .. } = token.action {
            calls += u64::from(count);
        }
    }
    assert!(calls <= script::MAX_SCRIPT_CALLS);
    if calls > MAX_RUN_CALLS {
        return;
    }
    let run = script::run(&script, BreakerConfig::default()).expect("the default config");
    let again = script::run(&script, BreakerConfig::default()).expect("the default config");
    assert_eq!(run, again, "same script, same run");
    assert_eq!(run.steps.len(), script.tokens().len());
    let stepped: u64 = run.steps.iter().map(|s| u64::from(s.calls)).sum();
    assert_eq!(run.stats.calls, stepped);
    assert_eq!(
        run.stats.succeeded + run.stats.failed + run.stats.rejected,
        run.stats.calls
    );
    assert!(run.steps.windows(2).all(|w| w[0].at_ms <= w[1].at_ms));
}

fn action_to_micros(action: Action) -> Action {
    match action {
        Action::Advance(by) => Action::Advance(to_micros(by)),
        Action::Calls {
            count,
            result,
            duration,
        } => Action::Calls {
            count,
            result,
            duration: to_micros(duration),
        },
    }
}

/// `state` and `states`: a state prints as a name that parses back; a list joined with
/// commas parses back to itself.
pub fn answer_state(text: &str) {
    match parse::state(text) {
        Ok(state) => assert_eq!(parse::state(state.as_str()), Ok(state)),
        Err(error) => assert!(!error.0.is_empty()),
    }
    match parse::states(text) {
        Ok(list) => {
            assert!(!list.is_empty());
            let joined: Vec<&str> = list.iter().map(|s| s.as_str()).collect();
            assert_eq!(parse::states(&joined.join(", ")), Ok(list.clone()));
            assert_eq!(parse::states(&joined.join(" -> ")), Ok(list));
        }
        Err(error) => assert!(!error.0.is_empty()),
    }
}

/// `duration` and `durations`: what parses is at most [`MAX`] and prints back to itself
/// (to the microsecond), alone or as a comma-separated list.
pub fn answer_duration(text: &str) {
    match parse::duration(text) {
        Ok(d) => {
            assert!(d <= MAX);
            assert_eq!(parse::duration(&format_duration(d)), Ok(to_micros(d)));
        }
        Err(error) => assert!(!error.0.is_empty()),
    }
    match parse::durations(text) {
        Ok(list) => {
            assert!(!list.is_empty());
            let printed: Vec<String> = list.iter().map(|d| format_duration(*d)).collect();
            let micros: Vec<Duration> = list.iter().map(|d| to_micros(*d)).collect();
            assert_eq!(parse::durations(&printed.join(", ")), Ok(micros));
        }
        Err(error) => assert!(!error.0.is_empty()),
    }
}

/// `number`: what parses is finite and prints back to the same value (and percent flag).
pub fn answer_number(text: &str) {
    match parse::number(text) {
        Ok(number) => {
            assert!(number.value.is_finite());
            let suffix = if number.percent { "%" } else { "" };
            let printed = format!("{}{suffix}", number.value);
            assert_eq!(parse::number(&printed), Ok(number), "{printed:?}");
        }
        Err(error) => assert!(!error.0.is_empty()),
    }
}

/// `choices` with 0 to 29 options (byte 0): what parses is sorted, distinct, in range, and
/// the same picks written as letters or as numbers parse back to it.
pub fn answer_choices(data: &[u8]) {
    let options = usize::from(data.first().copied().unwrap_or(0) % 30);
    let text = String::from_utf8_lossy(data.get(1..).unwrap_or_default());
    match parse::choices(&text, options) {
        Ok(picked) => {
            assert!(!picked.is_empty());
            assert!(picked.windows(2).all(|w| w[0] < w[1]), "{picked:?}");
            assert!(picked.iter().all(|&i| i < options), "{picked:?}");
            let numbers: Vec<String> = picked.iter().map(|i| (i + 1).to_string()).collect();
            assert_eq!(
                parse::choices(&numbers.join(", "), options),
                Ok(picked.clone())
            );
            if options <= 26 {
                let letters: Vec<String> = picked.iter().map(|&i| letter(i).to_string()).collect();
                assert_eq!(parse::choices(&letters.join(" and "), options), Ok(picked));
            }
        }
        Err(error) => assert!(!error.0.is_empty()),
    }
}

/// A choices input: the option count and the answer (for seeding corpora).
pub fn choices_input(options: u8, answer: &str) -> Vec<u8> {
    let mut data = vec![options];
    data.extend(answer.as_bytes());
    data
}

/// `assignments`: every pair has a name and a value, and the pairs written back as
/// `name=value` parse back to themselves.
pub fn answer_assignments(text: &str) {
    match parse::assignments(text) {
        Ok(pairs) => {
            assert!(!pairs.is_empty());
            assert!(pairs.iter().all(|(n, v)| !n.is_empty() && !v.is_empty()));
            let printed: Vec<String> = pairs.iter().map(|(n, v)| format!("{n}={v}")).collect();
            assert_eq!(
                parse::assignments(&printed.join(" ")),
                Ok(pairs),
                "{printed:?}"
            );
        }
        Err(error) => assert!(!error.0.is_empty()),
    }
}

/// Parses a limiter script (`10 +1s 5/500ms`, DESIGN §1.4); an error names a token that is
/// really in the text; what parses prints to text with the same actions, each canonical
/// token means the same, the totals stay in bounds, and a small script runs on every
/// algorithm twice identically with one decision per request.
pub fn limiter_script(text: &str) {
    use crate::engine::limiter::{self, LimiterConfig};
    let script = match limiter::Script::parse(text) {
        Ok(script) => script,
        Err(error) => {
            assert!(!error.to_string().is_empty());
            if let Some((offset, len)) = error.span() {
                let token = text
                    .get(offset..offset + len)
                    .expect("the span is in the text");
                assert!(!token.is_empty() && !token.contains(char::is_whitespace));
            }
            return;
        }
    };
    let actions = |script: &limiter::Script| -> Vec<limiter::Action> {
        script.tokens().iter().map(|token| token.action).collect()
    };
    let printed = limiter::Script::parse(&script.to_string()).expect("printed text parses");
    assert_eq!(actions(&printed), actions(&script));
    let json = serde_json::to_string(&script).expect("a script serializes as its text");
    let back: limiter::Script = serde_json::from_str(&json).expect("its text parses back");
    assert_eq!(actions(&back), actions(&script));
    let (mut requests, mut clock) = (0u64, 0u64);
    for token in script.tokens() {
        assert_eq!(
            text.get(token.offset..token.offset + token.text.len()),
            Some(token.text.as_str())
        );
        let canonical = limiter::Script::parse(&token.action.to_string()).expect("canonical");
        assert_eq!(actions(&canonical), [token.action]);
        if let limiter::Action::Requests { count, .. } = token.action {
            requests += u64::from(count);
        }
        clock += token.action.duration_ms();
    }
    assert!(requests <= limiter::MAX_SCRIPT_REQUESTS && clock <= limiter::MAX_WINDOW_MS);
    if requests > MAX_RUN_CALLS {
        return;
    }
    let configs = [
        LimiterConfig::FixedWindow {
            limit: 3,
            window_ms: 1000,
        },
        LimiterConfig::SlidingLog {
            limit: 3,
            window_ms: 1000,
        },
        LimiterConfig::SlidingWindow {
            limit: 3,
            window_ms: 1000,
        },
        LimiterConfig::TokenBucket { rate: 7, burst: 3 },
        LimiterConfig::Gcra { rate: 7, burst: 3 },
        LimiterConfig::LeakyQueue { rate: 7, queue: 3 },
    ];
    for config in configs {
        let steps = limiter::run(config, &script).expect("a valid config");
        assert_eq!(
            limiter::run(config, &script).as_ref(),
            Ok(&steps),
            "same script, same run"
        );
        assert_eq!(steps.len(), script.tokens().len());
        for (step, token) in steps.iter().zip(script.tokens()) {
            let count = match token.action {
                limiter::Action::Requests { count, .. } => count,
                limiter::Action::Advance(_) => 0,
            };
            assert_eq!(step.admitted + step.rejected, count);
            assert_eq!(step.decisions.len(), count as usize);
            if let Some(delays) = &step.delays_ms {
                assert_eq!(delays.len(), step.admitted as usize);
            }
        }
        assert!(steps.windows(2).all(|w| w[0].at_ms <= w[1].at_ms));
    }
}
