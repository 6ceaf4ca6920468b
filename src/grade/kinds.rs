//! The graders of each kind: an answer parsed forgivingly and compared with the key, or (for
//! tune) simulated against the goals. Each returns the verdict and a message saying what
//! was right or wrong; a malformed answer is an [`AnswerError`].

use std::time::Duration;

use super::parse::{self, AnswerError};
use super::{Verdict, letter};
use crate::content::model::{
    Choice, Numeric, Param, ParamValue, Quantity, StateName, Text, Timespan, Tolerance, Tune,
};
use crate::content::scenario::{self, ParamValues};
use crate::engine::duration::format_duration;

pub(super) fn choice_key(choice: &Choice) -> Vec<usize> {
    let mut key: Vec<usize> = choice
        .answer
        .iter()
        .filter_map(|a| parse::choices(a, choice.options.len()).ok())
        .flatten()
        .collect();
    key.sort_unstable();
    key.dedup();
    key
}

pub(super) fn grade_choice(
    choice: &Choice,
    key: &[usize],
    answer: &str,
) -> Result<(Verdict, String), AnswerError> {
    let picked = parse::choices(answer, choice.options.len())?;
    let several = choice.multiple || key.len() > 1;
    if !several && picked.len() > 1 {
        return Err(AnswerError::new("pick one option, e.g. 'b'"));
    }
    let letters = |list: &[usize]| {
        list.iter()
            .map(|&i| letter(i).to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if picked == key {
        return Ok((Verdict::Correct, format!("{} is right", letters(&picked))));
    }
    let right: Vec<usize> = picked.iter().copied().filter(|i| key.contains(i)).collect();
    let wrong: Vec<usize> = picked
        .iter()
        .copied()
        .filter(|i| !key.contains(i))
        .collect();
    let missed: Vec<usize> = key
        .iter()
        .copied()
        .filter(|i| !picked.contains(i))
        .collect();
    if several && !right.is_empty() {
        let mut parts = vec![format!("{} right", letters(&right))];
        if !wrong.is_empty() {
            parts.push(format!("{} wrong", letters(&wrong)));
        }
        if !missed.is_empty() {
            parts.push(format!("{} missed", letters(&missed)));
        }
        return Ok((Verdict::Partial, parts.join("; ")));
    }
    Ok((
        Verdict::Wrong,
        format!(
            "{} is not right; the answer is {}",
            letters(&picked),
            letters(key)
        ),
    ))
}

pub(super) fn grade_numeric(
    numeric: &Numeric,
    answer: &str,
) -> Result<(Verdict, String), AnswerError> {
    let key = numeric.answer.as_f64();
    let (given, shown, alternatives) = match numeric.answer {
        Quantity::Duration(_) => {
            let d = parse::duration(answer)?;
            let ms = d.as_secs_f64() * 1000.0;
            (ms, format_duration(d), vec![ms])
        }
        Quantity::Number(_) => {
            let n = parse::number_in(answer, numeric.unit.as_deref())?;
            // "95%" may mean 95 or 0.95: either reading that is right counts.
            let alternatives = if n.percent {
                vec![n.value, n.value / 100.0]
            } else {
                vec![n.value]
            };
            (n.value, answer.trim().to_owned(), alternatives)
        }
    };
    let allowed = match numeric.tolerance {
        None => 1e-9 * key.abs().max(1.0),
        Some(Tolerance::Absolute(q)) => q.as_f64().abs(),
        Some(Tolerance::Percent(p)) => key.abs() * p / 100.0,
    };
    if alternatives.iter().any(|v| (v - key).abs() <= allowed) {
        return Ok((Verdict::Correct, format!("{shown} is right")));
    }
    let direction = if given > key { "too high" } else { "too low" };
    Ok((
        Verdict::Wrong,
        format!("{shown} is {direction}; the answer is {}", numeric.answer),
    ))
}

pub(super) fn squash(text: &str, case_sensitive: bool) -> String {
    let cleaned = text.trim().trim_end_matches('.').replace(['-', '_'], " ");
    let words = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    if case_sensitive {
        words
    } else {
        words.to_lowercase()
    }
}

pub(super) fn grade_text(text: &Text, answer: &str) -> Result<(Verdict, String), AnswerError> {
    if answer.trim().is_empty() {
        return Err(AnswerError::new("write a short answer"));
    }
    let given = squash(answer, text.case_sensitive);
    let accepted = text
        .accepted
        .iter()
        .any(|a| squash(a, text.case_sensitive) == given)
        // An accepted breaker state also accepts its spellings ('h', 'half open').
        || text.accepted.iter().any(|a| {
            parse::state(a)
                .ok()
                .is_some_and(|s| parse::state(answer).ok() == Some(s))
        });
    if accepted {
        Ok((Verdict::Correct, format!("'{}' is right", answer.trim())))
    } else {
        Ok((
            Verdict::Wrong,
            format!("'{}' is not what was asked for", answer.trim()),
        ))
    }
}

pub(super) fn join_states(states: &[StateName]) -> String {
    states
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn join_durations(list: &[Duration]) -> String {
    list.iter()
        .map(|d| format_duration(*d))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Compares a list answer position by position: all right, some right, or none.
pub(super) fn grade_list<T: PartialEq>(
    key: &[T],
    given: &[T],
    what: &str,
    show: impl Fn(&T) -> String,
) -> Result<(Verdict, String), AnswerError> {
    if given.len() != key.len() {
        return Err(AnswerError::new(format!(
            "give {} {what}s, one per step; you gave {}",
            key.len(),
            given.len()
        )));
    }
    let differ: Vec<String> = key
        .iter()
        .zip(given)
        .enumerate()
        .filter(|(_, (k, g))| k != g)
        .map(|(i, (k, g))| format!("step {}: {} (you said {})", i + 1, show(k), show(g)))
        .collect();
    let verdict = match differ.len() {
        0 => Verdict::Correct,
        n if n == key.len() => Verdict::Wrong,
        _ => Verdict::Partial,
    };
    let message = if differ.is_empty() {
        format!("all {} steps right", key.len())
    } else {
        format!(
            "{} of {} right; {}",
            key.len() - differ.len(),
            key.len(),
            differ.join("; ")
        )
    };
    Ok((verdict, message))
}

pub(super) fn grade_states(
    key: &[StateName],
    answer: &str,
) -> Result<(Verdict, String), AnswerError> {
    let given = parse::states(answer)?;
    grade_list(key, &given, "state", |s| s.as_str().to_owned())
}

pub(super) fn grade_ceilings(
    key: &[Duration],
    answer: &str,
) -> Result<(Verdict, String), AnswerError> {
    let given = parse::durations(answer)?;
    grade_list(key, &given, "duration", |d| format_duration(*d))
}

/// `min..max` or `a|b|c`: what a tune parameter may be set to.
pub fn range_text(param: &Param) -> String {
    if !param.one_of.is_empty() {
        return param
            .one_of
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("|");
    }
    match (&param.min, &param.max) {
        (Some(min), Some(max)) => format!("{min}..{max}"),
        _ => "?".into(),
    }
}

/// Reads the learner's value for `param` in the param's own sort (number, duration, name)
/// and checks it is within the allowed range.
pub(super) fn tune_value(name: &str, param: &Param, text: &str) -> Result<ParamValue, AnswerError> {
    let sample = param.one_of.first().or(param.min.as_ref());
    let value = match sample {
        Some(ParamValue::Duration(_)) => ParamValue::Duration(Timespan(parse::duration(text)?)),
        Some(ParamValue::Name(_)) => ParamValue::Name(text.trim().to_lowercase()),
        _ => ParamValue::Number(
            parse::number(text)
                .map_err(|e| AnswerError::new(format!("{name}: {e}")))?
                .value,
        ),
    };
    let inside = if param.one_of.is_empty() {
        let v = value.quantity().map(Quantity::as_f64);
        let lo = param.min.as_ref().and_then(ParamValue::quantity);
        let hi = param.max.as_ref().and_then(ParamValue::quantity);
        match (v, lo, hi) {
            (Some(v), Some(lo), Some(hi)) => v >= lo.as_f64() && v <= hi.as_f64(),
            _ => false,
        }
    } else {
        param.one_of.contains(&value)
    };
    if !inside {
        return Err(AnswerError::new(format!(
            "{name} '{}' is outside what you may choose: {}",
            parse::quoted(text),
            range_text(param)
        )));
    }
    Ok(value)
}

pub(super) fn grade_tune(tune: &Tune, answer: &str) -> Result<(Verdict, String), AnswerError> {
    let mut choice = ParamValues::new();
    for (name, text) in parse::assignments(answer)? {
        let Some(param) = tune.parameters.get(&name) else {
            let names: Vec<&str> = tune.parameters.keys().map(String::as_str).collect();
            return Err(AnswerError::new(format!(
                "'{}' is not a setting you choose here; choose {}",
                parse::quoted(&name),
                names.join(", ")
            )));
        };
        choice.insert(name.clone(), tune_value(&name, param, &text)?);
    }
    let outcome = scenario::simulate_tune(tune, &choice)
        .map_err(|e| AnswerError::new(format!("that choice cannot run: {e}")))?;
    let lines: Vec<String> = outcome
        .goals
        .iter()
        .map(|g| format!("{} {}", g.summary, if g.met { "✓" } else { "✗" }))
        .collect();
    let met = outcome.goals.iter().filter(|g| g.met).count();
    let verdict = match met {
        n if n == outcome.goals.len() => Verdict::Correct,
        0 => Verdict::Wrong,
        _ => Verdict::Partial,
    };
    Ok((verdict, format!("the simulation: {}", lines.join("; "))))
}
