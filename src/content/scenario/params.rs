//! Parametric exercises: the values a parameter can take, drawing them by seed, and the
//! concrete exercise a choice of values gives (placeholders replaced, settings set, a
//! computed numeric's key filled in by the engine).

use std::collections::BTreeMap;
use std::time::Duration;

use crate::engine::rng::Rng;

use super::super::model::{
    BackoffSpec, BreakerSpec, Compute, Exercise, JitterName, Kind, Numeric, OutageSpec, Param,
    ParamValue, Quantity, Timespan,
};
use super::compute::computed;
use super::{ItemError, ParamValues};

/// The YAML names a parameter may set in an exercise of this kind.
pub fn settable(kind: Kind) -> Vec<&'static str> {
    const BREAKER: [&str; 7] = [
        "failure_threshold",
        "recovery_timeout",
        "success_threshold",
        "half_open_max_calls",
        "failure_rate",
        "min_calls",
        "slow_rate",
    ];
    const BACKOFF: [&str; 4] = ["base", "multiplier", "cap", "jitter"];
    match kind {
        Kind::Numeric(Numeric {
            compute: Some(Compute {
                outage: Some(_), ..
            }),
            ..
        }) => {
            let mut names = BACKOFF.to_vec();
            names.extend(OUTAGE_SETTINGS);
            names
        }
        Kind::StateTrace(_) => BREAKER.to_vec(),
        Kind::BackoffSchedule(_) => {
            let mut names = BACKOFF.to_vec();
            names.push("attempts");
            names
        }
        Kind::Tune(tune) if tune.outage.is_some() => {
            let mut names = BACKOFF.to_vec();
            names.push("max_attempts");
            names
        }
        Kind::Tune(_) => BREAKER.to_vec(),
        _ => Vec::new(),
    }
}

/// The outage settings a computed numeric's parameters may set.
const OUTAGE_SETTINGS: [&str; 6] = [
    "outage",
    "capacity",
    "clients",
    "rate",
    "duration",
    "max_attempts",
];

/// The script of a kind that has one.
pub fn script_of(kind: Kind<'_>) -> Option<&str> {
    match kind {
        Kind::StateTrace(trace) => Some(&trace.script),
        Kind::Tune(tune) => tune.script.as_deref(),
        _ => None,
    }
}

/// The texts of a kind that may hold `{param}` placeholders besides the prompt, each with
/// its YAML key: a script, or a computed numeric's budget and events.
pub fn templates(kind: Kind<'_>) -> Vec<(&'static str, &str)> {
    let mut texts = Vec::new();
    if let Some(script) = script_of(kind) {
        texts.push(("script", script));
    }
    if let Kind::Numeric(Numeric {
        compute: Some(compute),
        ..
    }) = kind
    {
        let budget = compute
            .budget
            .as_deref()
            .or_else(|| compute.outage.as_ref().and_then(|o| o.budget.as_deref()));
        if let Some(budget) = budget {
            texts.push(("compute", budget));
        }
        if let Some(events) = &compute.events {
            texts.push(("compute", events.as_str()));
        }
    }
    texts
}

/// The `{name}` placeholders in `text`.
pub fn placeholders(text: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else { break };
        let name = &after[..end];
        if !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            names.push(name);
        }
        rest = &after[end..];
    }
    names
}

/// Replaces `{name}` placeholders with the values.
pub fn substitute(text: &str, values: &ParamValues) -> String {
    let mut out = text.to_owned();
    for (name, value) in values {
        out = super::wording::fill(&out, name, value);
    }
    out
}

/// The values a parameter can take: every value for short ranges, else the range's ends and
/// the values in between by step. Errors describe an unusable range.
pub fn param_values(param: &Param) -> Result<Vec<ParamValue>, String> {
    if !param.one_of.is_empty() {
        if param.min.is_some() || param.max.is_some() {
            return Err("give either 'one_of' or 'min'/'max', not both".into());
        }
        let sort = param.one_of[0].sort();
        if param.one_of.iter().any(|v| v.sort() != sort) {
            return Err("mixes numbers, durations and names in 'one_of'".into());
        }
        return Ok(param.one_of.clone());
    }
    let (Some(min), Some(max)) = (&param.min, &param.max) else {
        return Err("needs 'min' and 'max' (or 'one_of')".into());
    };
    match (min, max) {
        (ParamValue::Number(lo), ParamValue::Number(hi)) => {
            let step = match &param.step {
                None => 1.0,
                Some(ParamValue::Number(step)) => *step,
                Some(other) => {
                    return Err(format!(
                        "step is {} but the range holds numbers",
                        other.sort()
                    ));
                }
            };
            range(*lo, *hi, step, ParamValue::Number)
        }
        (ParamValue::Duration(lo), ParamValue::Duration(hi)) => {
            let step = match &param.step {
                None => 1000.0,
                Some(ParamValue::Duration(step)) => step.get().as_secs_f64() * 1000.0,
                Some(other) => {
                    return Err(format!(
                        "step is {} but the range holds durations",
                        other.sort()
                    ));
                }
            };
            let ms = |d: &Timespan| d.get().as_secs_f64() * 1000.0;
            range(ms(lo), ms(hi), step, |x| {
                ParamValue::Duration(Timespan(Duration::from_secs_f64(x / 1000.0)))
            })
        }
        (ParamValue::Name(_), _) | (_, ParamValue::Name(_)) => {
            Err("a range needs numbers or durations; list names under 'one_of'".into())
        }
        (lo, hi) => Err(format!("min is {} but max is {}", lo.sort(), hi.sort())),
    }
}

fn range(
    lo: f64,
    hi: f64,
    step: f64,
    make: impl Fn(f64) -> ParamValue,
) -> Result<Vec<ParamValue>, String> {
    if !(lo.is_finite() && hi.is_finite()) || lo > hi {
        return Err(format!(
            "min must not be above max ({} > {})",
            make(lo),
            make(hi)
        ));
    }
    if !(step.is_finite() && step > 0.0) {
        return Err("step must be above 0".into());
    }
    let count = ((hi - lo) / step).floor() + 1.0;
    if count > 10_000.0 {
        return Err("the range holds more than 10000 values; use a larger step".into());
    }
    Ok((0..count as u32)
        .map(|i| make(lo + f64::from(i) * step))
        .collect())
}

/// Draws one value per parameter with the engine's seeded RNG: the same seed gives the same
/// variant everywhere.
pub fn draw(exercise: &Exercise, seed: u64) -> Result<ParamValues, String> {
    let mut rng = Rng::seeded(seed);
    let mut values = BTreeMap::new();
    for (name, param) in &exercise.params {
        let choices = param_values(param).map_err(|e| format!("parameter '{name}': {e}"))?;
        let index = (rng.next_u64() % choices.len() as u64) as usize;
        values.insert(name.clone(), choices[index].clone());
    }
    Ok(values)
}

/// The concrete exercise for `values`: placeholders replaced in the prompt and the script,
/// settings named by parameters set. Errors name a value that does not fit its setting.
pub fn instantiate(exercise: &Exercise, values: &ParamValues) -> Result<Exercise, ItemError> {
    let mut out = exercise.clone();
    out.prompt = substitute(&exercise.prompt, values);
    if let Some(trace) = &mut out.state_trace {
        trace.script = substitute(&trace.script, values);
        for (name, value) in values {
            set_breaker(&mut trace.breaker, name, value)?;
        }
    }
    if let Some(schedule) = &mut out.backoff_schedule {
        for (name, value) in values {
            if name == "attempts" {
                schedule.attempts = whole(name, value)?;
            } else {
                set_backoff(&mut schedule.backoff, name, value)?;
            }
        }
    }
    if let Some(tune) = &mut out.tune {
        tune.script = tune.script.as_ref().map(|s| substitute(s, values));
    }
    if let Some(numeric) = &mut out.numeric
        && let Some(compute) = &mut numeric.compute
    {
        compute.budget = compute.budget.as_ref().map(|b| substitute(b, values));
        compute.events = compute.events.as_ref().map(|e| substitute(e, values));
        if let Some(outage) = &mut compute.outage {
            outage.budget = outage.budget.as_ref().map(|b| substitute(b, values));
            for (name, value) in values {
                set_outage(outage, name, value)?;
            }
            let backoff = compute.backoff.get_or_insert_with(BackoffSpec::default);
            for (name, value) in values {
                set_backoff(backoff, name, value)?;
            }
        }
        numeric.answer = computed(compute)?;
    }
    out.explanation = exercise
        .explanation
        .as_ref()
        .map(|text| explain(text, values, out.numeric.as_ref()));
    out.params.clear();
    Ok(out)
}

/// The placeholder an explanation uses for a numeric's key (computed by the engine when the
/// numeric has `compute`).
pub const ANSWER_PLACEHOLDER: &str = "answer";

/// An explanation with its `{param}` placeholders filled with the drawn values and
/// `{answer}` with the numeric's key, so the numbers it quotes are the item's own.
fn explain(text: &str, values: &ParamValues, numeric: Option<&Numeric>) -> String {
    let filled = substitute(text, values);
    match numeric {
        Some(numeric) => {
            // At most four decimals: "84.1584", not the float's every digit.
            let shown = match numeric.answer {
                Quantity::Number(x) => {
                    let text = format!("{x:.4}");
                    text.trim_end_matches('0').trim_end_matches('.').to_owned()
                }
                duration => duration.to_string(),
            };
            filled.replace(&format!("{{{ANSWER_PLACEHOLDER}}}"), &shown)
        }
        None => filled,
    }
}

/// Sets the outage setting `name` (ignores names that are not outage settings).
fn set_outage(spec: &mut OutageSpec, name: &str, value: &ParamValue) -> Result<(), ItemError> {
    match name {
        "outage" => spec.outage = span(name, value)?,
        "duration" => spec.duration = Some(span(name, value)?),
        "capacity" => spec.capacity = Some(whole(name, value)?),
        "clients" => spec.clients = Some(whole(name, value)?),
        "rate" => spec.rate = Some(number(name, value)?),
        "max_attempts" => spec.max_attempts = Some(whole(name, value)?),
        _ => {}
    }
    Ok(())
}

pub(super) fn whole(name: &str, value: &ParamValue) -> Result<u32, ItemError> {
    match value {
        ParamValue::Number(x) if x.fract() == 0.0 && *x >= 0.0 && *x <= f64::from(u32::MAX) => {
            Ok(*x as u32)
        }
        other => Err(ItemError::new(
            "params",
            format!("parameter '{name}' is '{other}' but must be a whole number"),
        )),
    }
}

pub(super) fn number(name: &str, value: &ParamValue) -> Result<f64, ItemError> {
    match value {
        ParamValue::Number(x) => Ok(*x),
        other => Err(ItemError::new(
            "params",
            format!("parameter '{name}' is '{other}' but must be a number"),
        )),
    }
}

pub(super) fn span(name: &str, value: &ParamValue) -> Result<Timespan, ItemError> {
    match value {
        ParamValue::Duration(d) => Ok(*d),
        other => Err(ItemError::new(
            "params",
            format!("parameter '{name}' is '{other}' but must be a duration, e.g. '30s'"),
        )),
    }
}

/// Sets the breaker setting `name` (ignores names that are not breaker settings).
pub fn set_breaker(
    spec: &mut BreakerSpec,
    name: &str,
    value: &ParamValue,
) -> Result<(), ItemError> {
    match name {
        "failure_threshold" => spec.failure_threshold = Some(whole(name, value)?),
        "recovery_timeout" => spec.recovery_timeout = Some(span(name, value)?),
        "success_threshold" => spec.success_threshold = Some(whole(name, value)?),
        "half_open_max_calls" => spec.half_open_max_calls = Some(whole(name, value)?),
        "failure_rate" => spec.failure_rate = Some(number(name, value)?),
        "min_calls" => spec.min_calls = Some(whole(name, value)?),
        "slow_rate" => spec.slow_rate = Some(number(name, value)?),
        _ => {}
    }
    Ok(())
}

/// Sets the backoff setting `name` (ignores names that are not backoff settings).
pub fn set_backoff(
    spec: &mut BackoffSpec,
    name: &str,
    value: &ParamValue,
) -> Result<(), ItemError> {
    match name {
        "base" => spec.base = Some(span(name, value)?),
        "cap" => spec.cap = Some(span(name, value)?),
        "multiplier" => spec.multiplier = Some(number(name, value)?),
        "jitter" => {
            let ParamValue::Name(text) = value else {
                return Err(ItemError::new(
                    "params",
                    format!("parameter 'jitter' is '{value}' but must be a jitter name"),
                ));
            };
            let jitter = match text.as_str() {
                "none" => JitterName::None,
                "full" => JitterName::Full,
                "equal" => JitterName::Equal,
                "decorrelated" => JitterName::Decorrelated,
                "proportional" => JitterName::Proportional,
                other => {
                    return Err(ItemError::new(
                        "params",
                        format!(
                            "unknown jitter '{other}'; choose none, full, equal, decorrelated or proportional"
                        ),
                    ));
                }
            };
            spec.jitter = Some(jitter);
        }
        _ => {}
    }
    Ok(())
}

/// Concrete variants to check a parametric exercise with: all parameters at their lowest,
/// all at their highest, and (for up to three parameters) every mix of the two.
/// A plain exercise gives itself.
pub fn extreme_variants(exercise: &Exercise) -> Result<Vec<(ParamValues, Exercise)>, ItemError> {
    if exercise.params.is_empty() {
        return Ok(vec![(BTreeMap::new(), exercise.clone())]);
    }
    let mut ends: Vec<(&String, Vec<ParamValue>)> = Vec::new();
    for (name, param) in &exercise.params {
        let values = param_values(param).map_err(|e| ItemError::new("params", e))?;
        let mut pair = vec![values[0].clone()];
        if let Some(last) = values.last().filter(|last| **last != values[0]) {
            pair.push(last.clone());
        }
        ends.push((name, pair));
    }
    let mut combos: Vec<ParamValues> = vec![BTreeMap::new()];
    if ends.len() <= 3 {
        for (name, pair) in &ends {
            combos = combos
                .into_iter()
                .flat_map(|combo| {
                    pair.iter().map(move |value| {
                        let mut next = combo.clone();
                        next.insert((*name).clone(), value.clone());
                        next
                    })
                })
                .collect();
        }
    } else {
        let pick = |last: bool| -> ParamValues {
            ends.iter()
                .map(|(name, pair)| {
                    let value = if last { pair.last() } else { pair.first() };
                    (
                        (*name).clone(),
                        value.cloned().unwrap_or(ParamValue::Number(0.0)),
                    )
                })
                .collect()
        };
        combos = vec![pick(false), pick(true)];
    }
    combos
        .into_iter()
        .map(|values| instantiate(exercise, &values).map(|ex| (values, ex)))
        .collect()
}
