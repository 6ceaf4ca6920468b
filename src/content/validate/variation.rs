//! The constant-generator guard: a parametric item must test its parameters. `check` draws
//! each one at [`DRAWS`] seeds exactly as the exam and practice do and counts the distinct
//! keys: one key at every draw is an error (the parameters change the wording, never the
//! answer), fewer than [`ENOUGH`] a warning. An author who wants a fixed answer removes
//! `params`.

use std::collections::BTreeSet;

use super::super::model::{Exercise, Kind};
use super::super::scenario::{self, ItemError};
use super::sink::{Seg, Sink};

/// Seeds drawn per item: 0 to 31.
pub const DRAWS: u64 = 32;

/// Distinct keys below which an item is reported as barely varying.
pub const ENOUGH: usize = 3;

/// The distinct keys of `exercise` over `seeds`, each as text. `None` when its kind has no
/// key that parameters could change (tune, reflection) or a draw fails: the engine-backed
/// checks report failures.
pub fn distinct_keys(
    exercise: &Exercise,
    seeds: impl IntoIterator<Item = u64>,
) -> Option<BTreeSet<String>> {
    let mut keys = BTreeSet::new();
    for seed in seeds {
        let values = scenario::draw(exercise, seed).ok()?;
        let concrete = scenario::instantiate(exercise, &values).ok()?;
        keys.insert(key_text(concrete.kind()?).ok()??);
    }
    Some(keys)
}

/// The key of a concrete item as text; `None` for kinds graded without a single key.
fn key_text(kind: Kind) -> Result<Option<String>, ItemError> {
    Ok(Some(match kind {
        Kind::StateTrace(trace) => {
            let states = scenario::breaker_trace(&trace.breaker, &trace.script)?;
            let names: Vec<&str> = states.iter().map(|s| s.as_str()).collect();
            names.join(", ")
        }
        Kind::BackoffSchedule(schedule) => {
            let ceilings = scenario::backoff_ceilings(&schedule.backoff, schedule.attempts)?;
            let ms: Vec<String> = ceilings
                .iter()
                .map(|c| format!("{}ms", c.as_millis()))
                .collect();
            ms.join(", ")
        }
        // The engine's key (a computed numeric), or the authored answer.
        Kind::Numeric(numeric) => scenario::EngineBacked::key(numeric)?.to_string(),
        Kind::LimiterTrace(trace) => format!("{:?}", scenario::EngineBacked::key(trace)?),
        Kind::Choice(choice) => choice.answer.join(","),
        Kind::Text(text) => text.accepted.join(" | "),
        Kind::Tune(_) | Kind::Reflection(_) => return Ok(None),
    }))
}

/// Reports a parametric `exercise` whose key does not vary (error) or barely varies
/// (warning). Engine errors are reported by the engine-backed checks, not here.
pub(super) fn check_variation(sink: &mut Sink, exercise: &Exercise) {
    if !exercise.is_parametric() {
        return;
    }
    let Some(keys) = distinct_keys(exercise, 0..DRAWS) else {
        return;
    };
    let id = exercise.id.as_str();
    let loc = sink.at(&[Seg::Key("exercises"), Seg::Id(id), Seg::Key("params")]);
    let names: Vec<&str> = exercise.params.keys().map(String::as_str).collect();
    let (names, subject) = match names.as_slice() {
        [one] => (one.to_string(), format!("parameter '{one}' changes")),
        _ => {
            let names = names.join("', '");
            let subject = format!("parameters '{names}' change");
            (names, subject)
        }
    };
    match keys.len() {
        0 => {}
        1 => {
            let key = keys.first().map_or("", String::as_str);
            sink.error(
                loc,
                format!(
                    "exercise '{id}' is parametric but its answer is '{key}' at all {DRAWS} draws: \
                     {subject} the wording, never the answer"
                ),
                Some(
                    "let the parameters decide the answer (e.g. failures around the threshold, \
                     waits around the timeout), or remove 'params' for a fixed question"
                        .into(),
                ),
            );
        }
        n if n < ENOUGH => {
            let shown: Vec<String> = keys.iter().map(|k| format!("'{k}'")).collect();
            sink.warning(
                loc,
                format!(
                    "exercise '{id}' has only {n} different answers in {DRAWS} draws ({})",
                    shown.join(" and ")
                ),
                Some(format!(
                    "widen the ranges of '{names}' so the answer changes more often (at least {ENOUGH} different answers)"
                )),
            );
        }
        _ => {}
    }
}
