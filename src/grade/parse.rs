//! Forgiving parsers for learners' answers: breaker states, lists of states, durations,
//! numbers with units or percent, option letters, and `name=value` parameter choices.
//!
//! Invariant: a parser either returns a value or an [`AnswerError`] saying which form is
//! expected; it never guesses a meaning for text it does not understand. Durations go
//! through `engine::duration::parse_duration`, the one duration parser.

use std::time::Duration;

use crate::content::model::StateName;
use crate::engine::duration::parse_duration;

/// A malformed answer: not wrong, just not in a form that can be graded. The learner may
/// answer again.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct AnswerError(pub String);

impl AnswerError {
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

const STATE_FORMS: &str = "CLOSED, OPEN or HALF_OPEN (also 'c', 'o', 'h', 'half open')";

/// One breaker state: `half-open`, `HALF_OPEN`, `half open`, `halfopen`, `h`, `ho` are one.
pub fn state(text: &str) -> Result<StateName, AnswerError> {
    let squashed: String = text
        .trim()
        .trim_end_matches('.')
        .chars()
        .filter(|c| !matches!(c, '-' | '_' | ' ' | '\t'))
        .flat_map(char::to_lowercase)
        .collect();
    match squashed.as_str() {
        "closed" | "close" | "c" => Ok(StateName::Closed),
        "open" | "opened" | "o" => Ok(StateName::Open),
        "halfopen" | "halfopened" | "h" | "ho" | "half" => Ok(StateName::HalfOpen),
        "" => Err(AnswerError::new(format!("give a state: {STATE_FORMS}"))),
        _ => Err(AnswerError::new(format!(
            "'{}' is not a breaker state; write {STATE_FORMS}",
            text.trim()
        ))),
    }
}

/// Splits a list answer into items: commas, semicolons, newlines, arrows and whitespace
/// separate; `glue` joins a whitespace-separated word to the one before it when it cannot
/// stand alone (`half open`, `45 s`).
fn items(text: &str, glue: impl Fn(&str, &str) -> bool) -> Vec<String> {
    let normalized = text.replace("->", ",").replace(['→', ';', '\n', '|'], ",");
    let mut out: Vec<String> = Vec::new();
    for chunk in normalized.split(',') {
        let mut words: Vec<String> = Vec::new();
        for word in chunk.split_whitespace() {
            match words.last_mut() {
                Some(last) if glue(last, word) => {
                    last.push(' ');
                    last.push_str(word);
                }
                _ => words.push(word.to_owned()),
            }
        }
        out.extend(words);
    }
    out
}

/// A list of states, one per step (`CLOSED, OPEN, half open`, `c o h`, one per line).
pub fn states(text: &str) -> Result<Vec<StateName>, AnswerError> {
    let list = items(text, |last, word| {
        last.eq_ignore_ascii_case("half") && word.to_ascii_lowercase().starts_with("open")
    });
    if list.is_empty() {
        return Err(AnswerError::new(format!(
            "give one state per step, separated by commas or spaces: {STATE_FORMS}"
        )));
    }
    list.iter().map(|item| state(item)).collect()
}

/// A duration as a learner writes it: `45s`, `45 s`, `45000ms`, `1m30s`. A bare number is
/// refused, with the forms that work.
pub fn duration(text: &str) -> Result<Duration, AnswerError> {
    let trimmed = text.trim().trim_end_matches('.');
    // Only digits: `nan`, `inf`, `1e5` and `-5` also parse as f64, but adding a unit to
    // them does not make a duration, so the hint would mislead.
    let bare_number = trimmed.chars().all(|c| c.is_ascii_digit() || c == '.');
    if bare_number && trimmed.parse::<f64>().is_ok() {
        return Err(AnswerError::new(format!(
            "'{trimmed}' has no unit; write a duration such as '{trimmed}s' or '{trimmed}ms'"
        )));
    }
    parse_duration(trimmed).map_err(|e| AnswerError::new(e.to_string()))
}

/// A list of durations (`1s, 2s, 4s`, `1 s 2 s 4 s`, one per line).
pub fn durations(text: &str) -> Result<Vec<Duration>, AnswerError> {
    let list = items(text, |_, word| {
        word.chars().all(|c| c.is_ascii_alphabetic())
    });
    if list.is_empty() {
        return Err(AnswerError::new(
            "give one duration per attempt, separated by commas, e.g. '1s, 2s, 4s'",
        ));
    }
    list.iter().map(|item| duration(item)).collect()
}

/// A number, perhaps with a unit or a percent sign after it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Number {
    pub value: f64,
    /// Written with `%`.
    pub percent: bool,
}

/// A number with an optional unit (`27`, `27 calls`, `1,000`, `95%`, `1.5x`, `×3`).
pub fn number(text: &str) -> Result<Number, AnswerError> {
    let trimmed = text.trim().trim_start_matches(['×', '~', '≈']).trim();
    let end = trimmed
        .char_indices()
        .find(|&(i, c)| !(c.is_ascii_digit() || c == '.' || c == ',' || (i == 0 && c == '-')))
        .map_or(trimmed.len(), |(i, _)| i);
    let digits: String = trimmed[..end].chars().filter(|c| *c != ',').collect();
    let unit = trimmed[end..].trim();
    let value = digits.parse::<f64>().ok().filter(|v| v.is_finite());
    let Some(value) = value else {
        return Err(AnswerError::new(format!(
            "'{}' is not a number; write digits, e.g. '27', '2.5' or '95%'",
            text.trim()
        )));
    };
    // Any word after the number is a unit the learner added ("calls", "x"): ignored.
    if unit.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        return Err(AnswerError::new(format!(
            "'{}' holds more than one number; give one",
            text.trim()
        )));
    }
    Ok(Number {
        value,
        percent: unit.starts_with('%'),
    })
}

/// Option indexes (0-based) from letters or numbers: `b`, `B`, `2`, `b,d`, `b and d`, `(b)`.
pub fn choices(text: &str, options: usize) -> Result<Vec<usize>, AnswerError> {
    let last = char::from(b'a' + u8::try_from(options.clamp(1, 26) - 1).unwrap_or(0));
    let forms = format!("a letter a to {last} or a number 1 to {options}, e.g. 'b' or 'b, d'");
    let mut picked = Vec::new();
    let cleaned = text.replace(['(', ')', '.', ':'], " ");
    for word in cleaned.split(|c: char| c == ',' || c == ';' || c.is_whitespace()) {
        if word.is_empty() || word.eq_ignore_ascii_case("and") || word == "&" {
            continue;
        }
        let index = if let Ok(n) = word.parse::<usize>() {
            n.checked_sub(1)
        } else if word.chars().count() == 1 && word.chars().all(|c| c.is_ascii_alphabetic()) {
            word.bytes()
                .next()
                .map(|b| usize::from(b.to_ascii_lowercase() - b'a'))
        } else {
            return Err(AnswerError::new(format!(
                "'{word}' is not an option; give {forms}"
            )));
        };
        match index {
            Some(i) if i < options => {
                if !picked.contains(&i) {
                    picked.push(i);
                }
            }
            _ => {
                return Err(AnswerError::new(format!(
                    "there is no option '{word}'; give {forms}"
                )));
            }
        }
    }
    if picked.is_empty() {
        return Err(AnswerError::new(format!("give {forms}")));
    }
    picked.sort_unstable();
    Ok(picked)
}

/// `name=value` pairs (`failure_threshold=8 recovery_timeout=20s`, `name: value`, commas).
pub fn assignments(text: &str) -> Result<Vec<(String, String)>, AnswerError> {
    let normalized = text.replace([',', ';', '\n'], " ");
    let mut words = normalized.split_whitespace().peekable();
    let mut pairs: Vec<(String, String)> = Vec::new();
    while let Some(word) = words.next() {
        let (name, mut value) = match word.split_once(['=', ':']) {
            Some((name, value)) => (name.to_owned(), value.to_owned()),
            None => match words.peek() {
                Some(next) if next.starts_with(['=', ':']) => {
                    let next = words.next().unwrap_or_default();
                    (word.to_owned(), next[1..].to_owned())
                }
                _ => {
                    return Err(AnswerError::new(format!(
                        "'{word}' is not a setting; write name=value pairs, e.g. \
                         'failure_threshold=8 recovery_timeout=20s'"
                    )));
                }
            },
        };
        if value.is_empty() {
            value = words.next().unwrap_or_default().to_owned();
        }
        // "20 s": a unit on its own joins the number before it.
        if let Some(next) = words.peek()
            && next.chars().all(|c| c.is_ascii_alphabetic())
            && value.parse::<f64>().is_ok()
        {
            value.push_str(next);
            words.next();
        }
        if name.is_empty() || value.is_empty() {
            return Err(AnswerError::new(format!(
                "'{word}' needs a name and a value, e.g. 'failure_threshold=8'"
            )));
        }
        pairs.push((name.trim().to_owned(), value));
    }
    if pairs.is_empty() {
        return Err(AnswerError::new(
            "give a value for each setting as name=value, e.g. 'failure_threshold=8'",
        ));
    }
    Ok(pairs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use StateName::*;

    #[test]
    fn states_are_forgiving() {
        for text in [
            "half-open",
            "HALF_OPEN",
            "half open",
            "h",
            "Half Open.",
            "halfopen",
        ] {
            assert_eq!(state(text), Ok(HalfOpen), "{text}");
        }
        assert_eq!(state("o"), Ok(Open));
        assert_eq!(state(" Closed "), Ok(Closed));
        let error = state("banana").expect_err("not a state");
        assert!(error.0.contains("'banana'") && error.0.contains("HALF_OPEN"));
    }

    #[test]
    fn state_lists_split_on_commas_spaces_newlines_and_arrows() {
        let want = vec![Closed, Open, HalfOpen, Open];
        for text in [
            "CLOSED, OPEN, HALF_OPEN, OPEN",
            "closed open half open open",
            "c o h o",
            "closed\nopen\nhalf-open\nopen",
            "CLOSED -> OPEN → half open; OPEN",
        ] {
            assert_eq!(states(text), Ok(want.clone()), "{text}");
        }
        assert!(states("").is_err());
        assert!(states("closed, maybe").is_err());
    }

    #[test]
    fn durations_take_units_and_spaces() {
        for text in ["45s", "45 s", "45000ms", "45 seconds"] {
            assert_eq!(duration(text), Ok(Duration::from_secs(45)), "{text}");
        }
        assert!(duration("45").expect_err("no unit").0.contains("'45s'"));
        assert!(duration("2.5").expect_err("no unit").0.contains("'2.5s'"));
        // f64 reads these too; "write 'nans'" would be a bad hint.
        for text in ["nan", "inf", "1e5", "-5"] {
            let error = duration(text).expect_err("not a duration");
            assert!(!error.0.contains("has no unit"), "{text}: {error}");
        }
        assert_eq!(
            durations("1s, 2 s, 4000ms"),
            Ok(vec![
                Duration::from_secs(1),
                Duration::from_secs(2),
                Duration::from_secs(4)
            ])
        );
        assert_eq!(durations("1 s 2 s").map(|d| d.len()), Ok(2));
    }

    #[test]
    fn numbers_take_units_and_percent() {
        assert_eq!(number("27").map(|n| n.value), Ok(27.0));
        assert_eq!(number("27 calls").map(|n| n.value), Ok(27.0));
        assert_eq!(number("1,000").map(|n| n.value), Ok(1000.0));
        assert_eq!(
            number("95%"),
            Ok(Number {
                value: 95.0,
                percent: true
            })
        );
        assert_eq!(number("1.14x").map(|n| n.value), Ok(1.14));
        assert!(
            number("banana")
                .expect_err("nan")
                .0
                .contains("not a number")
        );
        assert!(number("").is_err());
    }

    #[test]
    fn choices_by_letter_or_number() {
        assert_eq!(choices("b", 4), Ok(vec![1]));
        assert_eq!(choices("B", 4), Ok(vec![1]));
        assert_eq!(choices("2", 4), Ok(vec![1]));
        assert_eq!(choices("b,d", 4), Ok(vec![1, 3]));
        assert_eq!(choices("d and b", 4), Ok(vec![1, 3]));
        assert_eq!(choices("(c)", 4), Ok(vec![2]));
        assert!(choices("e", 4).expect_err("range").0.contains("a to d"));
        assert!(choices("banana", 4).is_err());
        assert!(choices("", 4).is_err());
    }

    #[test]
    fn assignments_in_several_spellings() {
        let want = vec![
            ("failure_threshold".to_owned(), "8".to_owned()),
            ("recovery_timeout".to_owned(), "20s".to_owned()),
        ];
        for text in [
            "failure_threshold=8 recovery_timeout=20s",
            "failure_threshold: 8, recovery_timeout: 20 s",
            "failure_threshold = 8\nrecovery_timeout = 20s",
        ] {
            assert_eq!(assignments(text), Ok(want.clone()), "{text}");
        }
        assert!(assignments("eight").is_err());
        assert!(assignments("").is_err());
    }
}
