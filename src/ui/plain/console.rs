//! The line-based console the plain front end talks through: numbered text out, one answer
//! per line in, and the in-session commands `hint`, `skip` and `quit`.
//!
//! Invariant: everything printed passes through `strip_controls` (learners' answers echoed
//! back included, cut to [`QUOTED_CHARS`]), and end of input is an ordinary outcome, never
//! an error. A line that is not UTF-8 is refused and asked again, never an error.

use std::io::{self, BufRead, Write};

use crate::grade::parse::{QUOTED_CHARS, quoted};
use crate::ui::sanitize::strip_controls;

/// One line from the learner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    Text(String),
    Hint,
    Skip,
    Quit,
}

/// Text out, lines in.
pub struct Console<R, W> {
    input: R,
    out: W,
    /// Print each answer after the `> ` prompt (when stdin is not a terminal, so the
    /// transcript reads like a session).
    echo: bool,
    /// Columns to wrap to.
    pub width: usize,
}

impl<R: BufRead, W: Write> Console<R, W> {
    pub fn new(input: R, out: W, echo: bool) -> Self {
        Self {
            input,
            out,
            echo,
            width: 80,
        }
    }

    /// Prints `text` (sanitized) as is.
    pub fn say(&mut self, text: &str) -> io::Result<()> {
        self.out.write_all(strip_controls(text).as_bytes())
    }

    /// Prints `text` wrapped to the width, `indent` before the first line and as many spaces
    /// before the others, then a newline.
    pub fn para(&mut self, indent: &str, text: &str) -> io::Result<()> {
        // A marker such as "? " starts the first line only; the rest hang under it.
        let hanging = " ".repeat(indent.chars().count());
        let wrapped = wrap(&strip_controls(text), self.width, &hanging);
        let marked = match wrapped.strip_prefix(&hanging) {
            Some(rest) => format!("{indent}{rest}"),
            None => wrapped,
        };
        self.out.write_all(marked.as_bytes())
    }

    /// Prompts with `> ` and reads one line; `None` at the end of input. A line that is
    /// not valid UTF-8 is refused with a message and the prompt repeats.
    pub fn ask(&mut self) -> io::Result<Option<Line>> {
        let text = loop {
            self.out.write_all(b"> ")?;
            self.out.flush()?;
            let mut buffer = Vec::new();
            if self.input.read_until(b'\n', &mut buffer)? == 0 {
                self.out.write_all(b"\n")?;
                return Ok(None);
            }
            match String::from_utf8(buffer) {
                Ok(line) => break line.trim_end_matches(['\n', '\r']).to_owned(),
                Err(error) => {
                    if self.echo {
                        let lossy = String::from_utf8_lossy(error.as_bytes());
                        self.echo_line(lossy.trim_end_matches(['\n', '\r']))?;
                    }
                    self.para(
                        "  ? ",
                        "That line is not valid UTF-8 (check the terminal's or the file's \
                         encoding); try again.",
                    )?;
                }
            }
        };
        if self.echo {
            self.echo_line(&text)?;
        }
        Ok(Some(match text.trim().to_ascii_lowercase().as_str() {
            "hint" | "?" => Line::Hint,
            "skip" => Line::Skip,
            "quit" | "exit" => Line::Quit,
            _ => Line::Text(text),
        }))
    }

    /// Prints the line read after the prompt, cut to [`QUOTED_CHARS`] characters.
    fn echo_line(&mut self, text: &str) -> io::Result<()> {
        let shown = if text.chars().count() > QUOTED_CHARS {
            quoted(text)
        } else {
            text.to_owned()
        };
        self.out.write_all(strip_controls(&shown).as_bytes())?;
        self.out.write_all(b"\n")
    }

    /// Flushes the output.
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// Word-wraps `text` to `width` columns (paragraph breaks kept), each line prefixed.
pub fn wrap(text: &str, width: usize, indent: &str) -> String {
    let room = width.saturating_sub(indent.chars().count()).max(20);
    let mut out = String::new();
    for paragraph in text.trim_end().split('\n') {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            let needed =
                line.chars().count() + usize::from(!line.is_empty()) + word.chars().count();
            if !line.is_empty() && needed > room {
                out.push_str(indent);
                out.push_str(&line);
                out.push('\n');
                line.clear();
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        out.push_str(indent);
        out.push_str(&line);
        let trimmed = out.trim_end_matches(' ').len();
        out.truncate(trimmed);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_with_indent() {
        let text = "one two three four five six seven eight nine ten eleven twelve";
        let out = wrap(text, 28, "  ");
        assert!(
            out.lines()
                .all(|l| l.chars().count() <= 28 && l.starts_with("  "))
        );
        assert_eq!(out.split_whitespace().count(), 12);
    }

    #[test]
    fn commands_and_end_of_input() {
        let input = b"b\nHINT\nskip\nquit\n" as &[u8];
        let mut out = Vec::new();
        let mut console = Console::new(input, &mut out, true);
        assert_eq!(console.ask().expect("io"), Some(Line::Text("b".into())));
        assert_eq!(console.ask().expect("io"), Some(Line::Hint));
        assert_eq!(console.ask().expect("io"), Some(Line::Skip));
        assert_eq!(console.ask().expect("io"), Some(Line::Quit));
        assert_eq!(console.ask().expect("io"), None);
        assert!(String::from_utf8_lossy(&out).starts_with("> b\n> HINT\n"));
    }

    #[test]
    fn a_line_that_is_not_utf8_is_refused_and_asked_again() {
        let input = b"\xff\xfe27\nb\n" as &[u8];
        let mut out = Vec::new();
        let mut console = Console::new(input, &mut out, false);
        assert_eq!(console.ask().expect("io"), Some(Line::Text("b".into())));
        let text = String::from_utf8_lossy(&out);
        assert!(text.contains("not valid UTF-8"), "{text}");
        assert_eq!(text.matches("> ").count(), 2, "{text}");
    }

    #[test]
    fn a_long_line_is_echoed_cut() {
        let line = "x".repeat(10_000) + "\n";
        let mut out = Vec::new();
        let mut console = Console::new(line.as_bytes(), &mut out, true);
        assert!(matches!(console.ask().expect("io"), Some(Line::Text(t)) if t.len() == 10_000));
        assert!(out.len() < 400, "{}", out.len());
    }
}
