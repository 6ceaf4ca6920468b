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
            quoted(text)
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
        let shown = quoted(trimmed);
        return Err(AnswerError::new(format!(
            "'{shown}' has no unit; write a duration such as '{shown}s' or '{shown}ms'"
        )));
    }
    parse_duration(trimmed).map_err(|e| {
        if trimmed.chars().count() > QUOTED_CHARS {
            AnswerError::new(format!(
                "'{}' is not a duration; write one such as '45s', '1m30s' or '250ms'",
                quoted(trimmed)
            ))
        } else {
            AnswerError::new(e.to_string())
        }
    })
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

/// Units a number may carry in any numeric answer (beside the exercise's own): the counts
/// and rates the bundled exercises ask for. Matched without case, singular or plural.
const KNOWN_UNITS: &[&str] = &[
    "x",
    "times",
    "call",
    "request",
    "req",
    "retry",
    "retries",
    "attempt",
    "write",
    "token",
    "success",
    "successes",
    "failure",
    "client",
    "rps",
    "qps",
];

/// At most this many characters of a learner's text are quoted back in a message.
pub const QUOTED_CHARS: usize = 200;

/// The learner's text for a message: trimmed, and cut to [`QUOTED_CHARS`] characters
/// with how long it was (a 50 MB pasted line is not echoed back).
pub fn quoted(text: &str) -> String {
    let text = text.trim();
    let count = text.chars().count();
    if count <= QUOTED_CHARS {
        return text.to_owned();
    }
    let head: String = text.chars().take(QUOTED_CHARS).collect();
    format!("{head}… ({count} characters)")
}

/// A number with an optional known unit (`27`, `27 calls`, `1,000`, `95%`, `1.5x`, `×3`,
/// `2.7e1`, `3.2e-4`). The whole answer must be the number and the unit: anything else
/// (`0x1b`, `1_000`, `1ee5`, `27,0`, `1/3125`, `27 banana`) is refused with a hint.
pub fn number(text: &str) -> Result<Number, AnswerError> {
    number_in(text, None)
}

/// [`number`], also accepting `unit` (the exercise's, e.g. `calls/s`).
pub fn number_in(text: &str, unit: Option<&str>) -> Result<Number, AnswerError> {
    let trimmed = text.trim().trim_start_matches(['×', '~', '≈']).trim();
    let (literal, rest) = split_number(trimmed);
    let value = decimal(literal);
    let Some(value) = value else {
        return Err(AnswerError::new(number_hint(text)));
    };
    if !value.is_finite() {
        return Err(AnswerError::new(format!(
            "'{}' is too large to be read as a number",
            quoted(text)
        )));
    }
    let rest = rest.trim();
    if rest.is_empty() || rest == "%" || is_known_unit(rest, unit) {
        return Ok(Number {
            value,
            percent: rest == "%",
        });
    }
    if rest.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        return Err(AnswerError::new(format!(
            "'{}' holds more than one number; give one",
            quoted(text)
        )));
    }
    // What follows the digits is no unit: a malformed number (`1ee5`, `0x1b`, `1/3125`) or
    // a word that means something else.
    if !rest.starts_with(char::is_whitespace) && trimmed.len() != rest.len() {
        let whole = format!("{literal}{rest}");
        if !rest.chars().all(char::is_alphabetic) || looks_numeric(&whole) {
            return Err(AnswerError::new(number_hint(text)));
        }
    }
    let units = match unit {
        Some(unit) => format!("'{unit}'"),
        None => "a unit such as 'calls' or '%'".to_owned(),
    };
    Err(AnswerError::new(format!(
        "'{}' is not a number with a known unit; write the number alone, e.g. '27', or \
         with {units}",
        quoted(text)
    )))
}

/// Splits `text` after its longest leading number literal: an optional `-`, digits with
/// commas, an optional fraction, an optional exponent (`e`, sign, digits).
fn split_number(text: &str) -> (&str, &str) {
    let bytes = text.as_bytes();
    let mut i = usize::from(bytes.first() == Some(&b'-'));
    while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b',' || bytes[i] == b'.') {
        i += 1;
    }
    if i < bytes.len() && matches!(bytes[i], b'e' | b'E') {
        let mut j = i + 1;
        if j < bytes.len() && matches!(bytes[j], b'+' | b'-') {
            j += 1;
        }
        let digits = j;
        while j < bytes.len() && bytes[j].is_ascii_digit() {
            j += 1;
        }
        // `1e5` and `2.7e1`; an `e` without digits after it belongs to what follows.
        if j > digits && (j == bytes.len() || !bytes[j].is_ascii_alphanumeric()) {
            i = j;
        }
    }
    text.split_at(i)
}

/// The value of a number literal from [`split_number`]: commas must group thousands
/// (`1,000`, not `27,0`), one decimal point at most.
fn decimal(literal: &str) -> Option<f64> {
    let mantissa = literal.split(['e', 'E']).next().unwrap_or(literal);
    let unsigned = mantissa.strip_prefix('-').unwrap_or(mantissa);
    let (whole, fraction) = match unsigned.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (unsigned, None),
    };
    if fraction.is_some_and(|f| f.contains(['.', ','])) {
        return None;
    }
    if whole.contains(',') {
        let mut groups = whole.split(',');
        let first = groups.next().unwrap_or_default();
        if first.is_empty() || first.len() > 3 || groups.any(|g| g.len() != 3) {
            return None;
        }
    }
    let digits: String = literal.chars().filter(|c| *c != ',').collect();
    let has_digit = whole.chars().any(|c| c.is_ascii_digit())
        || fraction.is_some_and(|f| f.chars().any(|c| c.is_ascii_digit()));
    if !has_digit {
        return None;
    }
    digits.parse::<f64>().ok()
}

/// Whether `text` is a number in some notation this parser does not read (hexadecimal,
/// underscores, a doubled exponent).
fn looks_numeric(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    lower.starts_with("0x")
        || lower.starts_with("-0x")
        || lower
            .chars()
            .all(|c| c.is_ascii_hexdigit() || "._-+,".contains(c))
}

/// Whether `word` is a unit an answer may carry: the exercise's own (also without a
/// plural `s`) or one of [`KNOWN_UNITS`], perhaps per second (`calls/s`).
fn is_known_unit(word: &str, unit: Option<&str>) -> bool {
    let word = word.trim_end_matches('.').to_lowercase();
    let base = word
        .strip_suffix("/s")
        .or_else(|| word.strip_suffix(" per second"))
        .unwrap_or(&word);
    let singular = |w: &str| w.strip_suffix('s').unwrap_or(w).to_owned();
    let matches = |known: &str| {
        let known = known.to_lowercase();
        word == known || base == known || singular(base) == singular(&known)
    };
    unit.is_some_and(|u| matches(u) || matches(u.strip_suffix("/s").unwrap_or(u)))
        || KNOWN_UNITS.iter().any(|k| matches(k))
}

/// Why `text` is not read as a number, with the form to write: a hint for the usual
/// slips (hexadecimal, underscores, a decimal comma, a fraction, a doubled `e`).
fn number_hint(text: &str) -> String {
    let shown = quoted(text);
    let t = text.trim();
    let forms = "write digits, e.g. '27', '2.5', '1,000', '3.2e-4' or '95%'";
    if t.to_ascii_lowercase()
        .trim_start_matches('-')
        .starts_with("0x")
    {
        format!(
            "'{shown}' is hexadecimal, which is not read here; write it in decimal (0x1b is 27)"
        )
    } else if t.contains('_') && t.chars().any(|c| c.is_ascii_digit()) {
        format!("'{shown}' has underscores; write 1000 or 1,000 instead of 1_000")
    } else if t.contains('/') && t.chars().any(|c| c.is_ascii_digit()) {
        format!(
            "'{shown}' is a fraction, which is not read here; write its value as a decimal or \
             in scientific notation, e.g. 0.00032 or 3.2e-4 for 1/3125"
        )
    } else if t
        .split_once(',')
        .is_some_and(|(_, after)| after.len() != 3 || !after.chars().all(|c| c.is_ascii_digit()))
        && t.chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit() || c == '-')
    {
        format!(
            "'{shown}': a comma only groups thousands (1,000); write a decimal point, e.g. \
             27.5 rather than 27,5"
        )
    } else if t.to_ascii_lowercase().matches('e').count() > 1
        && t.chars().next().is_some_and(|c| c.is_ascii_digit())
    {
        format!("'{shown}' is not a number: scientific notation has one 'e', e.g. 2.7e1 or 3.2e-4")
    } else {
        format!("'{shown}' is not a number; {forms}")
    }
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
                "'{}' is not an option; give {forms}",
                quoted(word)
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
                    "there is no option '{}'; give {forms}",
                    quoted(word)
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
                        "'{}' is not a setting; write name=value pairs, e.g. \
                         'failure_threshold=8 recovery_timeout=20s'",
                        quoted(word)
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
                "'{}' needs a name and a value, e.g. 'failure_threshold=8'",
                quoted(word)
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
    fn the_whole_answer_is_the_number_in_any_notation() {
        for (text, want) in [
            ("2.7e1", 27.0),
            ("3.2e-4", 3.2e-4),
            ("3e-4", 3e-4),
            ("1e3", 1000.0),
            ("1E3 calls", 1000.0),
            ("1,000,000", 1e6),
            ("-2.5", -2.5),
            ("27 calls/s", 27.0),
            ("~27.", 27.0),
            ("1e308", 1e308),
        ] {
            assert_eq!(number(text).map(|n| n.value), Ok(want), "{text}");
        }
        assert_eq!(
            number_in("4 writes", Some("writes")).map(|n| n.value),
            Ok(4.0)
        );
        assert_eq!(
            number_in("4 write", Some("writes")).map(|n| n.value),
            Ok(4.0)
        );
        for (text, hint) in [
            ("0x1b", "hexadecimal"),
            ("1_000", "underscores"),
            ("1ee5", "one 'e'"),
            ("27,0", "a comma only groups thousands"),
            ("12,34", "a comma only groups thousands"),
            ("1/3125", "a fraction"),
            ("1e309", "too large"),
            ("27 banana", "known unit"),
            ("27banana", "known unit"),
            ("1.2.3", "not a number"),
            ("27 28", "more than one number"),
        ] {
            let error = number(text).expect_err(text);
            assert!(error.0.contains(hint), "{text}: {error}");
        }
    }

    #[test]
    fn long_answers_are_quoted_cut() {
        let long = "z".repeat(50_000);
        let error = number(&long).expect_err("not a number");
        assert!(error.0.len() < 400, "{}", error.0.len());
        assert!(error.0.contains("(50000 characters)"), "{error}");
        let error = state(&long).expect_err("not a state");
        assert!(error.0.len() < 400, "{}", error.0.len());
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
