//! Diagnostics as `patterns check` prints them: `path:line:col: error: message`, the source
//! line with a caret under the column, and a hint. Also the "did you mean" helper.
//!
//! Invariant: rendering never prints raw file bytes: the quoted line is sanitized.

use std::fmt::Write as _;

use super::sanitize::sanitize;
use super::yaml::Loc;

/// How bad a diagnostic is: errors fail `check`, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file, as the user named it (or `<bundled>/...` for embedded content).
    pub path: String,
    /// Where in the file; `None` for problems with the file as a whole.
    pub loc: Option<Loc>,
    pub severity: Severity,
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
}

impl Diagnostic {
    /// An error at `loc` in `path`.
    pub fn error(path: &str, loc: Option<Loc>, message: impl Into<String>) -> Self {
        Self {
            path: path.to_owned(),
            loc,
            severity: Severity::Error,
            message: message.into(),
            hint: None,
        }
    }

    /// A warning at `loc` in `path`.
    pub fn warning(path: &str, loc: Option<Loc>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(path, loc, message)
        }
    }

    /// Adds a hint.
    #[must_use]
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Adds a hint when there is one.
    #[must_use]
    pub fn maybe_hint(mut self, hint: Option<String>) -> Self {
        self.hint = hint;
        self
    }

    /// Renders the diagnostic; `source` is the file's text, to quote the offending line.
    pub fn render(&self, source: Option<&str>) -> String {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut out = String::new();
        // Paths and messages can quote content; nothing raw reaches the terminal.
        let path = sanitize(&self.path);
        let message = sanitize(&self.message);
        match self.loc {
            Some(loc) => {
                let _ = writeln!(
                    out,
                    "{path}:{}:{}: {severity}: {message}",
                    loc.line, loc.col
                );
                let index = (loc.line as usize).checked_sub(1);
                if let Some(line) = source.zip(index).and_then(|(s, i)| yaml_line(s, i)) {
                    let (shown, caret) = excerpt(line, loc.col as usize);
                    let number = loc.line.to_string();
                    let pad = " ".repeat(number.len());
                    let _ = writeln!(out, "{number} | {shown}");
                    let _ = writeln!(out, "{pad} | {}^", " ".repeat(caret));
                }
            }
            None => {
                let _ = writeln!(out, "{path}: {severity}: {message}");
            }
        }
        if let Some(hint) = &self.hint {
            let _ = writeln!(out, "hint: {}", sanitize(hint));
        }
        out
    }
}

/// The line to show (sanitized, tabs as spaces, long lines cropped around the column) and
/// the caret's offset in it, in characters.
fn excerpt(line: &str, col: usize) -> (String, usize) {
    const WIDTH: usize = 100;
    let clean: Vec<char> = sanitize(&line.replace('\t', " "))
        .trim_end()
        .chars()
        .collect();
    let col = col.saturating_sub(1).min(clean.len());
    if clean.len() <= WIDTH {
        return (clean.iter().collect(), col);
    }
    let start = col.saturating_sub(WIDTH / 2);
    let end = (start + WIDTH).min(clean.len());
    let mut shown = String::from("…");
    shown.extend(&clean[start..end]);
    if end < clean.len() {
        shown.push('…');
    }
    (shown, col - start + 1)
}

/// The candidate closest to `word` by edit distance, when close enough to be a typo.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|candidate| (edit_distance(word, candidate), candidate))
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// "did you mean 'x'?" when a candidate is close to `word`.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    closest(word, candidates).map(|c| format!("did you mean '{c}'?"))
}

/// Edit distance over characters (optimal string alignment: insertions, deletions,
/// substitutions and swaps of neighbours each count one), so 'trcae' is one edit from 'trace'.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    for (i, row) in d.chunks_mut(width).enumerate() {
        row[0] = i;
    }
    for (j, cell) in d.iter_mut().take(width).enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[(i - 1) * width + j] + 1)
                .min(d[i * width + j - 1] + 1)
                .min(d[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[(i - 2) * width + j - 2] + 1);
            }
            d[i * width + j] = best;
        }
    }
    d[a.len() * width + b.len()]
}

/// Line `index` (from 0) of `source` as YAML counts lines: `\r\n`, `\n` and a lone `\r`
/// each end one (so a file with old Mac line endings quotes the line the parser meant).
fn yaml_line(source: &str, index: usize) -> Option<&str> {
    let mut rest = source;
    for _ in 0..index {
        let end = rest.find(['\n', '\r'])?;
        let skip = if rest[end..].starts_with("\r\n") {
            2
        } else {
            1
        };
        rest = &rest[end + skip..];
    }
    if rest.is_empty() {
        // Like `str::lines`: nothing after the last line break is not a line.
        return None;
    }
    let end = rest.find(['\n', '\r']).unwrap_or(rest.len());
    Some(&rest[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_counted_as_yaml_counts_them() {
        let source = "a: 1\rb: 2\r\nc: 3\nd: 4";
        assert_eq!(yaml_line(source, 0), Some("a: 1"));
        assert_eq!(yaml_line(source, 1), Some("b: 2"));
        assert_eq!(yaml_line(source, 2), Some("c: 3"));
        assert_eq!(yaml_line(source, 3), Some("d: 4"));
        assert_eq!(yaml_line(source, 4), None);
        assert_eq!(yaml_line("", 0), None);
        assert_eq!(yaml_line("a\n", 1), None);
        assert_eq!(yaml_line("a\n\nb", 1), Some(""));
    }

    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(edit_distance("minuts", "minutes"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("trcae", "trace"), 1);
    }

    #[test]
    fn closest_ignores_far_words() {
        assert_eq!(closest("minuts", ["minutes", "title"]), Some("minutes"));
        assert_eq!(closest("zzz", ["minutes", "title"]), None);
    }

    #[test]
    fn renders_line_and_caret() {
        let d = Diagnostic::error("m.yaml", Some(Loc { line: 2, col: 3 }), "bad").hint("fix it");
        let text = d.render(Some("a: 1\n  b: \u{1b}[31m2\n"));
        assert_eq!(
            text,
            "m.yaml:2:3: error: bad\n2 |   b: 2\n  |   ^\nhint: fix it\n"
        );
    }
}
