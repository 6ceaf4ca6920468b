//! The `choice` kind: pick one option, or every right one when several are.

use super::super::parse::{self, AnswerError};
use super::super::{Verdict, letter};
use super::{EntryMode, Gradeable};
use crate::content::model::Choice;
use crate::content::scenario::ItemError;

impl Gradeable for Choice {
    /// The indices of the right options, sorted.
    type Key = Vec<usize>;

    fn key(&self) -> Result<Vec<usize>, ItemError> {
        Ok(choice_key(self))
    }

    fn answer_form(&self, key: &Vec<usize>) -> String {
        if self.multiple || key.len() > 1 {
            "the letters of every right option, e.g. 'a, c'".into()
        } else {
            "one letter, e.g. 'b'".into()
        }
    }

    fn key_text(&self, key: &Vec<usize>) -> String {
        key.iter()
            .map(|&i| {
                format!(
                    "{}) {}",
                    letter(i),
                    self.options.get(i).map_or("", String::as_str)
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn right_answer(&self, key: &Vec<usize>) -> Option<String> {
        Some(
            key.iter()
                .map(|&i| letter(i).to_string())
                .collect::<Vec<_>>()
                .join(","),
        )
    }

    fn judge(&self, key: &Vec<usize>, answer: &str) -> Result<(Verdict, String), AnswerError> {
        grade_choice(self, key, answer)
    }

    fn entry(&self, _key: &Vec<usize>) -> EntryMode {
        if self.options.is_empty() {
            EntryMode::Line
        } else {
            EntryMode::Options
        }
    }
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
