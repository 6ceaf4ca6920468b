//! Strips terminal control characters and escape sequences from text before it is displayed.
//!
//! Content is untrusted (DESIGN.md §8): an `ESC [ 2 J` in a module would clear the learner's
//! screen, an OSC could retitle the window or plant a hyperlink. Rendering calls this on every
//! string it draws; the output keeps only `\n` and `\t` among control characters, and has no
//! bidi override or isolate (they reorder text on screen).

use std::borrow::Cow;

use crate::content::sanitize::is_bidi_control;

const ESC: char = '\u{1b}';
const BEL: char = '\u{07}';
/// C1 "string terminator", also written `ESC \`.
const ST: char = '\u{9c}';

/// Returns `text` without control characters or the escape sequences they introduce.
///
/// Kept: `\n` and `\t`. A `\r\n` pair and a lone `\r` both become `\n`. CSI sequences
/// (`ESC [ ... final`, or C1 `U+009B`) are dropped with their parameters; OSC, DCS, SOS, PM
/// and APC strings are dropped up to their terminator (BEL or ST) or, if unterminated, to the
/// end of the line, so one bad line cannot swallow a document. Other two-character escapes
/// (`ESC c`, `ESC 7`, ...) are dropped whole. Bidi embeddings, overrides and isolates are
/// dropped. Text without any of these is returned borrowed.
pub fn strip_controls(text: &str) -> Cow<'_, str> {
    if !text
        .chars()
        .any(|c| (c.is_control() && c != '\n' && c != '\t') || is_bidi_control(c))
    {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' | '\t' => out.push(c),
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push('\n');
                }
            }
            ESC => match chars.peek().copied() {
                Some('[') => {
                    chars.next();
                    skip_csi(&mut chars);
                }
                Some(']' | 'P' | 'X' | '^' | '_') => {
                    chars.next();
                    skip_string(&mut chars);
                }
                // A two-character escape: its second character is part of the command.
                Some(next) if (' '..='~').contains(&next) => {
                    chars.next();
                }
                _ => {}
            },
            '\u{9b}' => skip_csi(&mut chars),
            '\u{90}' | '\u{98}' | '\u{9d}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            c if c.is_control() || is_bidi_control(c) => {}
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Skips a CSI sequence's parameter and intermediate bytes and its final byte.
fn skip_csi(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while let Some(&c) = chars.peek() {
        match c {
            '\u{30}'..='\u{3f}' | '\u{20}'..='\u{2f}' => {
                chars.next();
            }
            '\u{40}'..='\u{7e}' => {
                chars.next();
                return;
            }
            // Malformed: stop here and let the caller judge the character on its own.
            _ => return,
        }
    }
}

/// Skips a control string (OSC, DCS, ...) through its terminator, or up to the end of line.
fn skip_string(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while let Some(&c) = chars.peek() {
        match c {
            '\n' => return,
            BEL | ST => {
                chars.next();
                return;
            }
            ESC => {
                chars.next();
                if chars.peek() == Some(&'\\') {
                    chars.next();
                }
                return;
            }
            _ => {
                chars.next();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed_unchanged() {
        let text = "Plain text, tabs\tand\nnewlines, ünïcödé, 世界 🙂";
        assert!(matches!(strip_controls(text), Cow::Borrowed(t) if t == text));
    }

    #[test]
    fn csi_sequences_are_removed_with_their_parameters() {
        assert_eq!(
            strip_controls("a\u{1b}[2Jb\u{1b}[1;31mred\u{1b}[0m"),
            "abred"
        );
        assert_eq!(strip_controls("x\u{9b}31my"), "xy");
    }

    #[test]
    fn osc_strings_are_removed_through_their_terminator() {
        let hyperlink = "\u{1b}]8;;https://evil.example\u{7}click\u{1b}]8;;\u{1b}\\ here";
        assert_eq!(strip_controls(hyperlink), "click here");
        assert_eq!(strip_controls("t\u{1b}]0;title\u{9c}u"), "tu");
    }

    #[test]
    fn an_unterminated_string_stops_at_the_end_of_its_line() {
        assert_eq!(strip_controls("a\u{1b}]0;never ends\nnext"), "a\nnext");
    }

    #[test]
    fn two_character_escapes_and_lone_controls_are_removed() {
        assert_eq!(
            strip_controls("a\u{1b}cb\u{1b}7c\u{7}d\u{0}e\u{7f}f\u{8}g"),
            "abcdefg"
        );
        assert_eq!(strip_controls("end\u{1b}"), "end");
    }

    #[test]
    fn bidi_overrides_are_removed() {
        assert_eq!(strip_controls("abc\u{202e}fed\u{2066}g\u{2069}"), "abcfedg");
    }

    #[test]
    fn carriage_returns_become_newlines() {
        assert_eq!(strip_controls("a\r\nb\rc"), "a\nb\nc");
    }

    #[test]
    fn output_never_contains_a_control_other_than_newline_and_tab() {
        let nasty: String = (0u32..0xa0).filter_map(char::from_u32).collect();
        let cleaned = strip_controls(&nasty);
        assert!(
            cleaned
                .chars()
                .all(|c| !c.is_control() || c == '\n' || c == '\t'),
            "{cleaned:?}"
        );
    }
}
