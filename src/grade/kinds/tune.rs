//! The `tune` kind: the learner chooses parameters; the choice is simulated against the
//! goals, so every choice that meets them passes.

use super::super::Verdict;
use super::super::parse::{self, AnswerError};
use super::{EntryMode, Gradeable, range_text};
use crate::content::model::{Param, ParamValue, Quantity, Timespan, Tune};
use crate::content::scenario::{self, ItemError, ParamValues};

impl Gradeable for Tune {
    /// Nothing: a choice is judged by simulating it.
    type Key = ();

    fn key(&self) -> Result<(), ItemError> {
        Ok(())
    }

    fn answer_form(&self, _key: &()) -> String {
        let names: Vec<String> = self
            .parameters
            .iter()
            .map(|(name, param)| format!("{name}={}", range_text(param)))
            .collect();
        format!("name=value for: {}", names.join(" "))
    }

    fn key_text(&self, _key: &()) -> String {
        let example: Vec<String> = self
            .example
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect();
        format!("for example {}", example.join(" "))
    }

    fn right_answer(&self, _key: &()) -> Option<String> {
        Some(
            self.example
                .iter()
                .map(|(name, value)| format!("{name}={value}"))
                .collect::<Vec<_>>()
                .join(" "),
        )
    }

    fn judge(&self, _key: &(), answer: &str) -> Result<(Verdict, String), AnswerError> {
        grade_tune(self, answer)
    }

    fn entry(&self, _key: &()) -> EntryMode {
        EntryMode::Form {
            fields: self.parameters.keys().cloned().collect(),
        }
    }
}

fn tune_value(name: &str, param: &Param, text: &str) -> Result<ParamValue, AnswerError> {
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

fn grade_tune(tune: &Tune, answer: &str) -> Result<(Verdict, String), AnswerError> {
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
