//! The `numeric` kind: a number or a duration within a tolerance. The key is the authored
//! answer, or the engine's value for a computed numeric.

use super::super::Verdict;
use super::super::parse::{self, AnswerError};
use super::{EntryMode, Gradeable};
use crate::content::model::{Numeric, Quantity, Tolerance};
use crate::content::scenario::{EngineBacked, ItemError};
use crate::engine::duration::format_duration;

impl Gradeable for Numeric {
    type Key = Quantity;

    fn key(&self) -> Result<Quantity, ItemError> {
        EngineBacked::key(self)
    }

    fn answer_form(&self, key: &Quantity) -> String {
        if key.is_duration() {
            return "a duration, e.g. '45s' or '500ms'".into();
        }
        match &self.unit {
            Some(unit) => format!("a number ({unit})"),
            None => "a number".into(),
        }
    }

    fn key_text(&self, key: &Quantity) -> String {
        let mut text = key.to_string();
        if let Some(unit) = &self.unit {
            text.push(' ');
            text.push_str(unit);
        }
        text
    }

    fn right_answer(&self, key: &Quantity) -> Option<String> {
        Some(key.to_string())
    }

    fn judge(&self, key: &Quantity, answer: &str) -> Result<(Verdict, String), AnswerError> {
        grade_numeric(*key, self.tolerance, self.unit.as_deref(), answer)
    }

    fn entry(&self, _key: &Quantity) -> EntryMode {
        EntryMode::Line
    }
}

fn grade_numeric(
    answer_key: Quantity,
    tolerance: Option<Tolerance>,
    unit: Option<&str>,
    answer: &str,
) -> Result<(Verdict, String), AnswerError> {
    let key = answer_key.as_f64();
    let (given, shown, alternatives) = match answer_key {
        Quantity::Duration(_) => {
            let d = parse::duration(answer)?;
            let ms = d.as_secs_f64() * 1000.0;
            (ms, format_duration(d), vec![ms])
        }
        Quantity::Number(_) => {
            let n = parse::number_in(answer, unit)?;
            // "95%" may mean 95 or 0.95: either reading that is right counts.
            let alternatives = if n.percent {
                vec![n.value, n.value / 100.0]
            } else {
                vec![n.value]
            };
            (n.value, answer.trim().to_owned(), alternatives)
        }
    };
    let allowed = match tolerance {
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
        format!("{shown} is {direction}; the answer is {answer_key}"),
    ))
}
