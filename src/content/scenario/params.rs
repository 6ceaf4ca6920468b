//! Parametric exercises: the values a parameter can take, drawing them by seed, and the
//! concrete exercise a choice of values gives (placeholders replaced, settings set). Also
//! the dispatch from an exercise's [`Kind`] to its engine-backed spec: the one place that
//! lists which kinds the engine keys.

use std::collections::BTreeMap;

use crate::engine::rng::Rng;

use super::super::model::{Exercise, Kind, KindMut, ParamValue};
use super::kind::Scenario;
use super::specs::{ItemError, ParamValues, param_values, substitute};

/// The engine-backed spec of a kind; `None` for the kinds the engine does not key (their
/// key is authored). Exhaustive: a new kind must say which it is.
pub fn engine_backed(kind: Kind<'_>) -> Option<&dyn Scenario> {
    match kind {
        Kind::Numeric(spec) => Some(spec),
        Kind::StateTrace(spec) => Some(spec),
        Kind::BackoffSchedule(spec) => Some(spec),
        Kind::LimiterTrace(spec) => Some(spec),
        Kind::Tune(spec) => Some(spec),
        Kind::Choice(_) | Kind::Text(_) | Kind::Reflection(_) => None,
    }
}

/// [`engine_backed`], mutably.
fn engine_backed_mut(kind: KindMut<'_>) -> Option<&mut dyn Scenario> {
    match kind {
        KindMut::Numeric(spec) => Some(spec),
        KindMut::StateTrace(spec) => Some(spec),
        KindMut::BackoffSchedule(spec) => Some(spec),
        KindMut::LimiterTrace(spec) => Some(spec),
        KindMut::Tune(spec) => Some(spec),
        KindMut::Choice(_) | KindMut::Text(_) | KindMut::Reflection(_) => None,
    }
}

/// The YAML names a parameter may set in an exercise of this kind.
pub fn settable(kind: Kind) -> Vec<&'static str> {
    engine_backed(kind).map_or_else(Vec::new, |spec| spec.settable())
}

/// The texts of a kind that may hold `{param}` placeholders besides the prompt, each with
/// its YAML key: a script, or a computed numeric's budget and events.
pub fn templates(kind: Kind<'_>) -> Vec<(&'static str, &str)> {
    engine_backed(kind).map_or_else(Vec::new, |spec| spec.placeholder_texts())
}

/// Draws one value per parameter with the engine's seeded RNG: the same seed gives the same
/// variant everywhere.
pub fn draw(exercise: &Exercise, seed: u64) -> Result<ParamValues, ItemError> {
    let mut rng = Rng::seeded(seed);
    let mut values = BTreeMap::new();
    for (name, param) in &exercise.params {
        let choices = param_values(param)
            .map_err(|e| ItemError::new("params", format!("parameter '{name}': {e}")))?;
        let index = (rng.next_u64() % choices.len() as u64) as usize;
        values.insert(name.clone(), choices[index].clone());
    }
    Ok(values)
}

/// The concrete exercise for `values`: placeholders replaced in the prompt and the kind's
/// texts, settings named by parameters set. Computes no key. Errors name a value that does
/// not fit its setting.
pub fn instantiate(exercise: &Exercise, values: &ParamValues) -> Result<Exercise, ItemError> {
    let mut out = exercise.clone();
    out.prompt = substitute(&exercise.prompt, values);
    out.explanation = exercise
        .explanation
        .as_ref()
        .map(|text| substitute(text, values));
    if let Some(spec) = out.kind_mut().and_then(engine_backed_mut) {
        spec.make_concrete(values)?;
    }
    out.params.clear();
    Ok(out)
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
