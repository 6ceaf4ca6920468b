//! Substituted values read as English: a count of 1 takes the singular of the noun that
//! follows it ("1 failed call"), a count of 0 reads "no" ("no successful calls"), and the
//! jitter name `none` reads "no jitter". Only the known nouns of our scenarios change, so
//! an author's own wording is never rewritten by guesswork.

use super::super::values::ParamValue;

/// Plural nouns a count may be followed by, with their singular.
const NOUNS: &[(&str, &str)] = &[
    ("attempts", "attempt"),
    ("calls", "call"),
    ("clients", "client"),
    ("failures", "failure"),
    ("requests", "request"),
    ("retries", "retry"),
    ("seconds", "second"),
    ("successes", "success"),
    ("times", "time"),
    ("tokens", "token"),
];

/// How far after a count its noun may stand ("1 failed call": the second word).
const NOUN_WITHIN: usize = 2;

/// `text` with every `{name}` replaced by `value`, worded as above.
pub fn fill(text: &str, name: &str, value: &ParamValue) -> String {
    let placeholder = format!("{{{name}}}");
    let mut out = String::with_capacity(text.len());
    let mut rest = text.to_owned();
    while let Some(at) = rest.find(&placeholder) {
        out.push_str(&rest[..at]);
        let mut after = rest[at + placeholder.len()..].to_owned();
        out.push_str(&shown(value, &after));
        if matches!(value, ParamValue::Number(x) if *x == 1.0)
            && let Some((start, end, singular)) = noun_ahead(&after)
        {
            after.replace_range(start..end, singular);
        }
        rest = after;
    }
    out.push_str(&rest);
    out
}

/// The value as shown before `after`.
fn shown(value: &ParamValue, after: &str) -> String {
    match value {
        ParamValue::Number(x) if *x == 0.0 && noun_ahead(after).is_some() => "no".into(),
        ParamValue::Name(name) if name == "none" && after.starts_with(" jitter") => "no".into(),
        other => other.to_string(),
    }
}

/// The byte range and singular of the known plural noun among the next words of `rest`.
fn noun_ahead(rest: &str) -> Option<(usize, usize, &'static str)> {
    let mut offset = 0;
    for (i, word) in rest.split(' ').enumerate() {
        if i > NOUN_WITHIN {
            break;
        }
        let bare = word.trim_end_matches(|c: char| !c.is_ascii_alphabetic());
        if let Some((_, singular)) = NOUNS.iter().find(|(plural, _)| *plural == bare) {
            return Some((offset, offset + bare.len(), singular));
        }
        if i > 0 && !word.chars().all(|c| c.is_ascii_lowercase()) {
            break;
        }
        offset += word.len() + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(x: f64) -> ParamValue {
        ParamValue::Number(x)
    }

    #[test]
    fn counts_read_as_english() {
        let text = "has seen {failures} failed calls and {successes} successful calls";
        let one = fill(&fill(text, "failures", &n(1.0)), "successes", &n(0.0));
        assert_eq!(one, "has seen 1 failed call and no successful calls");
        let many = fill(&fill(text, "failures", &n(3.0)), "successes", &n(2.0));
        assert_eq!(many, "has seen 3 failed calls and 2 successful calls");
        assert_eq!(
            fill("up to {n} attempts (the first)", "n", &n(1.0)),
            "up to 1 attempt (the first)"
        );
        assert_eq!(
            fill("{n} retries, {n} retries", "n", &n(1.0)),
            "1 retry, 1 retry"
        );
    }

    #[test]
    fn none_jitter_reads_no_jitter_and_other_words_stay() {
        let none = ParamValue::Name("none".into());
        assert_eq!(fill("uses {j} jitter", "j", &none), "uses no jitter");
        assert_eq!(fill("preset {j}", "j", &none), "preset none");
        assert_eq!(
            fill("threshold {t}: state", "t", &n(1.0)),
            "threshold 1: state"
        );
        assert_eq!(fill("after {t} s", "t", &n(0.0)), "after 0 s");
    }
}
