//! Grading: an exercise becomes a concrete [`Item`] (parametric values drawn from a seed,
//! the key computed by the engine), and a learner's answer becomes a [`Graded`] verdict.
//!
//! Invariants: keys of engine-backed kinds (state_trace, backoff_schedule, tune) come from
//! `content::scenario`'s engine calls, never from an authored `expect`; the same exercise
//! and seed always give the same item and key; a malformed answer is an [`AnswerError`]
//! (answer again), never a wrong answer.

pub mod parse;

use std::time::Duration;

use crate::content::model::{
    Choice, Exercise, Kind, Numeric, Param, ParamValue, Quantity, StateName, Text, Tolerance, Tune,
};
use crate::content::scenario::ParamValues;
use crate::content::scenario::{self, ItemError};
use crate::engine::duration::format_duration;

pub use parse::AnswerError;

/// How an answer was graded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verdict {
    Correct,
    Partial,
    Wrong,
}

impl Verdict {
    /// `correct`, `partly correct` or `wrong`.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Correct => "correct",
            Verdict::Partial => "partly correct",
            Verdict::Wrong => "wrong",
        }
    }
}

/// A graded answer: the verdict, what was right or wrong, the key and the explanation.
#[derive(Debug, Clone, PartialEq)]
pub struct Graded {
    pub verdict: Verdict,
    /// What the grader found, e.g. "steps 4 and 5 differ" or the tune goals with ✓ / ✗.
    pub message: String,
    /// The right answer as text ("b) One that accepts…", "CLOSED, OPEN, …").
    pub key: String,
    /// The exercise's explanation ("" when it has none).
    pub explanation: String,
}

/// Why an exercise cannot be made into an item (content that `patterns check` rejects).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ItemProblem {
    #[error("exercise '{0}' has no single kind")]
    NoKind(String),
    #[error("exercise '{id}': {message}")]
    Scenario { id: String, message: String },
}

/// The answer key, computed once when the item is made.
#[derive(Debug, Clone, PartialEq)]
enum Key {
    Choice(Vec<usize>),
    Numeric,
    Text,
    States(Vec<StateName>),
    Ceilings(Vec<Duration>),
    Tune,
    Reflection,
}

/// One concrete question: the exercise with its parameters filled in and its key.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// The exercise as asked (placeholders replaced, settings set).
    exercise: Exercise,
    /// The parameter values drawn (empty for a plain exercise).
    values: ParamValues,
    /// The seed that drew them.
    seed: u64,
    key: Key,
}

impl Item {
    /// The item for `exercise`; a parametric exercise draws its values with `seed` (the same
    /// seed gives the same values and key everywhere).
    pub fn new(exercise: &Exercise, seed: u64) -> Result<Self, ItemProblem> {
        let scenario_error = |message: String| ItemProblem::Scenario {
            id: exercise.id.clone(),
            message,
        };
        let values = if exercise.is_parametric() {
            scenario::draw(exercise, seed).map_err(scenario_error)?
        } else {
            ParamValues::new()
        };
        let concrete = scenario::instantiate(exercise, &values)
            .map_err(|e: ItemError| scenario_error(e.to_string()))?;
        let key = match concrete.kind() {
            None => return Err(ItemProblem::NoKind(exercise.id.clone())),
            Some(Kind::Choice(choice)) => Key::Choice(choice_key(choice)),
            Some(Kind::Numeric(_)) => Key::Numeric,
            Some(Kind::Text(_)) => Key::Text,
            Some(Kind::StateTrace(trace)) => Key::States(
                scenario::breaker_trace(&trace.breaker, &trace.script)
                    .map_err(|e| scenario_error(e.to_string()))?,
            ),
            Some(Kind::BackoffSchedule(schedule)) => Key::Ceilings(
                scenario::backoff_ceilings(&schedule.backoff, schedule.attempts)
                    .map_err(|e| scenario_error(e.to_string()))?,
            ),
            Some(Kind::Tune(_)) => Key::Tune,
            Some(Kind::Reflection(_)) => Key::Reflection,
        };
        Ok(Self {
            exercise: concrete,
            values,
            seed,
            key,
        })
    }

    /// The exercise's stable id (progress is keyed by it).
    pub fn id(&self) -> &str {
        &self.exercise.id
    }

    /// The concrete exercise.
    pub fn exercise(&self) -> &Exercise {
        &self.exercise
    }

    /// The focus block the exercise belongs to, if it says.
    pub fn block(&self) -> Option<&str> {
        self.exercise.block.as_deref()
    }

    /// The question, placeholders replaced.
    pub fn prompt(&self) -> &str {
        &self.exercise.prompt
    }

    /// The parameter values drawn, e.g. `failure_threshold=4, recovery_timeout=20s`.
    pub fn values(&self) -> &ParamValues {
        &self.values
    }

    /// The seed the values were drawn with.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The YAML name of the kind.
    pub fn kind_name(&self) -> &'static str {
        self.exercise.kind().map_or("exercise", |k| k.name())
    }

    /// Whether answers are graded (all kinds but reflection).
    pub fn is_graded(&self) -> bool {
        self.key != Key::Reflection
    }

    /// The options of a choice item, in order (a, b, c...).
    pub fn options(&self) -> &[String] {
        self.exercise
            .choice
            .as_ref()
            .map_or(&[], |c| c.options.as_slice())
    }

    /// The hints, from a nudge to nearly the answer.
    pub fn hints(&self) -> &[String] {
        &self.exercise.hints
    }

    /// How many answers a state trace or backoff schedule wants (steps or attempts).
    pub fn steps(&self) -> Option<usize> {
        match &self.key {
            Key::States(states) => Some(states.len()),
            Key::Ceilings(ceilings) => Some(ceilings.len()),
            _ => None,
        }
    }

    /// What form the answer takes, for the prompt line.
    pub fn answer_form(&self) -> String {
        match (&self.key, self.exercise.kind()) {
            (Key::Choice(key), Some(Kind::Choice(choice))) if choice.multiple || key.len() > 1 => {
                "the letters of every right option, e.g. 'a, c'".into()
            }
            (Key::Choice(_), _) => "one letter, e.g. 'b'".into(),
            (Key::Numeric, Some(Kind::Numeric(n))) if n.answer.is_duration() => {
                "a duration, e.g. '45s' or '500ms'".into()
            }
            (Key::Numeric, Some(Kind::Numeric(n))) => match &n.unit {
                Some(unit) => format!("a number ({unit})"),
                None => "a number".into(),
            },
            (Key::States(states), _) => format!(
                "{} states, one per step, e.g. 'CLOSED, OPEN, HALF_OPEN'",
                states.len()
            ),
            (Key::Ceilings(ceilings), _) => format!(
                "{} durations, one per attempt, e.g. '1s, 2s, 4s'",
                ceilings.len()
            ),
            (Key::Tune, Some(Kind::Tune(tune))) => {
                let names: Vec<String> = tune
                    .parameters
                    .iter()
                    .map(|(name, param)| format!("{name}={}", range_text(param)))
                    .collect();
                format!("name=value for: {}", names.join(" "))
            }
            (Key::Reflection, _) => "your own words (saved to your journal)".into(),
            _ => "a word or a short phrase".into(),
        }
    }

    /// The right answer as text (for tune: the author's example, one of many that pass).
    pub fn key_text(&self) -> String {
        match (&self.key, self.exercise.kind()) {
            (Key::Choice(key), Some(Kind::Choice(choice))) => key
                .iter()
                .map(|&i| {
                    format!(
                        "{}) {}",
                        letter(i),
                        choice.options.get(i).map_or("", String::as_str)
                    )
                })
                .collect::<Vec<_>>()
                .join("; "),
            (Key::Numeric, Some(Kind::Numeric(numeric))) => {
                let mut text = numeric.answer.to_string();
                if let Some(unit) = &numeric.unit {
                    text.push(' ');
                    text.push_str(unit);
                }
                text
            }
            (Key::Text, Some(Kind::Text(text))) => {
                text.accepted.first().cloned().unwrap_or_default()
            }
            (Key::States(states), _) => join_states(states),
            (Key::Ceilings(ceilings), _) => join_durations(ceilings),
            (Key::Tune, Some(Kind::Tune(tune))) => {
                let example: Vec<String> = tune
                    .example
                    .iter()
                    .map(|(name, value)| format!("{name}={value}"))
                    .collect();
                format!("for example {}", example.join(" "))
            }
            _ => String::new(),
        }
    }

    /// An answer the grader accepts as correct, in the form a learner would type it (for
    /// tune: the author's example). `None` for a reflection. Tests and benches use it to
    /// answer through the front ends without hard-coding keys.
    pub fn right_answer(&self) -> Option<String> {
        match (&self.key, self.exercise.kind()) {
            (Key::Choice(key), _) => Some(
                key.iter()
                    .map(|&i| letter(i).to_string())
                    .collect::<Vec<_>>()
                    .join(","),
            ),
            (Key::Numeric, Some(Kind::Numeric(numeric))) => Some(numeric.answer.to_string()),
            (Key::Text, Some(Kind::Text(text))) => text.accepted.first().cloned(),
            (Key::States(states), _) => Some(join_states(states)),
            (Key::Ceilings(ceilings), _) => Some(join_durations(ceilings)),
            (Key::Tune, Some(Kind::Tune(tune))) => Some(
                tune.example
                    .iter()
                    .map(|(name, value)| format!("{name}={value}"))
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            _ => None,
        }
    }

    /// Grades `answer`. `Err` when the answer is malformed: the learner answers again.
    pub fn grade(&self, answer: &str) -> Result<Graded, AnswerError> {
        let (verdict, message) = match (&self.key, self.exercise.kind()) {
            (Key::Choice(key), Some(Kind::Choice(choice))) => grade_choice(choice, key, answer)?,
            (Key::Numeric, Some(Kind::Numeric(numeric))) => grade_numeric(numeric, answer)?,
            (Key::Text, Some(Kind::Text(text))) => grade_text(text, answer)?,
            (Key::States(key), _) => grade_states(key, answer)?,
            (Key::Ceilings(key), _) => grade_ceilings(key, answer)?,
            (Key::Tune, Some(Kind::Tune(tune))) => grade_tune(tune, answer)?,
            (Key::Reflection, _) => {
                if answer.trim().is_empty() {
                    return Err(AnswerError::new(
                        "write a few words; they go to your journal",
                    ));
                }
                let guidance = self
                    .exercise
                    .reflection
                    .as_ref()
                    .and_then(|r| r.guidance.clone())
                    .unwrap_or_default();
                return Ok(Graded {
                    verdict: Verdict::Correct,
                    message: "saved to your journal".into(),
                    key: guidance,
                    explanation: String::new(),
                });
            }
            _ => return Err(AnswerError::new("this exercise cannot be graded")),
        };
        Ok(Graded {
            verdict,
            message,
            key: self.key_text(),
            explanation: self.exercise.explanation.clone().unwrap_or_default(),
        })
    }
}

/// `a`, `b`, ... for option `index`.
pub fn letter(index: usize) -> char {
    u8::try_from(index)
        .ok()
        .filter(|i| *i < 26)
        .map_or('?', |i| char::from(b'a' + i))
}

fn choice_key(choice: &Choice) -> Vec<usize> {
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

fn grade_choice(
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

fn grade_numeric(numeric: &Numeric, answer: &str) -> Result<(Verdict, String), AnswerError> {
    let key = numeric.answer.as_f64();
    let (given, shown, alternatives) = match numeric.answer {
        Quantity::Duration(_) => {
            let d = parse::duration(answer)?;
            let ms = d.as_secs_f64() * 1000.0;
            (ms, format_duration(d), vec![ms])
        }
        Quantity::Number(_) => {
            let n = parse::number(answer)?;
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

fn squash(text: &str, case_sensitive: bool) -> String {
    let cleaned = text.trim().trim_end_matches('.').replace(['-', '_'], " ");
    let words = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    if case_sensitive {
        words
    } else {
        words.to_lowercase()
    }
}

fn grade_text(text: &Text, answer: &str) -> Result<(Verdict, String), AnswerError> {
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

fn join_states(states: &[StateName]) -> String {
    states
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn join_durations(list: &[Duration]) -> String {
    list.iter()
        .map(|d| format_duration(*d))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Compares a list answer position by position: all right, some right, or none.
fn grade_list<T: PartialEq>(
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

fn grade_states(key: &[StateName], answer: &str) -> Result<(Verdict, String), AnswerError> {
    let given = parse::states(answer)?;
    grade_list(key, &given, "state", |s| s.as_str().to_owned())
}

fn grade_ceilings(key: &[Duration], answer: &str) -> Result<(Verdict, String), AnswerError> {
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
fn tune_value(name: &str, param: &Param, text: &str) -> Result<ParamValue, AnswerError> {
    let sample = param.one_of.first().or(param.min.as_ref());
    let value = match sample {
        Some(ParamValue::Duration(_)) => {
            ParamValue::Duration(crate::content::model::Timespan(parse::duration(text)?))
        }
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
            text.trim(),
            range_text(param)
        )));
    }
    Ok(value)
}

fn grade_tune(tune: &Tune, answer: &str) -> Result<(Verdict, String), AnswerError> {
    let mut choice = ParamValues::new();
    for (name, text) in parse::assignments(answer)? {
        let Some(param) = tune.parameters.get(&name) else {
            let names: Vec<&str> = tune.parameters.keys().map(String::as_str).collect();
            return Err(AnswerError::new(format!(
                "'{name}' is not a setting you choose here; choose {}",
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

/// Tiered hints for one item: each request reveals the next tier; the count is recorded
/// with the attempt.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Hints {
    revealed: usize,
}

impl Hints {
    /// Reveals the next tier of `item`'s hints: `None` when all are shown.
    pub fn next<'a>(&mut self, item: &'a Item) -> Option<&'a str> {
        let hint = item.hints().get(self.revealed)?;
        self.revealed += 1;
        Some(hint)
    }

    /// The tiers revealed so far, oldest first.
    pub fn shown<'a>(&self, item: &'a Item) -> &'a [String] {
        let end = self.revealed.min(item.hints().len());
        &item.hints()[..end]
    }

    /// How many tiers were revealed.
    pub fn used(&self) -> u32 {
        u32::try_from(self.revealed).unwrap_or(u32::MAX)
    }
}

#[cfg(test)]
mod tests;
