//! A text field with a cursor: the answer line of exercises and the multi-line journal box.
//!
//! Invariant: the cursor is always a char boundary index within the text; editing never
//! panics whatever the keys; the text never grows past [`MAX_BYTES`]. A paste is inserted
//! whole, as text (one copy of the tail, so linear in its length), never replayed as keys.

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Paragraph, Widget, Wrap};

/// Most bytes a field holds: far more than any answer or reflection needs, and small enough
/// that editing and redrawing stay instant.
pub const MAX_BYTES: usize = 4096;

/// The field's text and cursor (in chars), and a notice of input it could not take.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextInput {
    text: String,
    cursor: usize,
    notice: Option<String>,
}

/// What the screen tells the learner when a field is full.
fn full_notice(dropped: usize) -> String {
    format!(
        "The field is full ({} KiB): {dropped} character{} not added.",
        MAX_BYTES / 1024,
        if dropped == 1 { " was" } else { "s were" }
    )
}

impl TextInput {
    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// Empties the field.
    pub fn clear(&mut self) {
        self.text.clear();
        self.cursor = 0;
    }

    fn byte_index(&self, chars: usize) -> usize {
        self.text
            .char_indices()
            .nth(chars)
            .map_or(self.text.len(), |(i, _)| i)
    }

    /// Why the last edits could not all be taken (field full, lines dropped), once.
    pub fn take_notice(&mut self) -> Option<String> {
        self.notice.take()
    }

    /// Inserts `c` at the cursor, unless the field is full (then says so).
    pub fn insert(&mut self, c: char) {
        if self.text.len() + c.len_utf8() > MAX_BYTES {
            self.notice = Some(full_notice(1));
            return;
        }
        let at = self.byte_index(self.cursor);
        self.text.insert(at, c);
        self.cursor += 1;
    }

    /// Records that a paste was not taken (the answer is chosen with keys).
    pub fn notice_paste_refused(&mut self) {
        self.notice =
            Some("A paste goes into typed answers only: choose with the keys.".to_owned());
    }

    /// Inserts pasted `text` at the cursor as text: line breaks normalised to `\n` and kept
    /// when `multiline`, otherwise only the first non-empty line is taken; tabs become
    /// spaces and other control characters are dropped; whatever would pass [`MAX_BYTES`]
    /// is dropped. Leaves a notice when anything was left out.
    pub fn paste(&mut self, text: &str, multiline: bool) {
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        let mut notices = Vec::new();
        let text = if multiline {
            text.as_str()
        } else {
            let mut lines = text.split('\n').filter(|line| !line.trim().is_empty());
            let first = lines.next().unwrap_or_default();
            if lines.next().is_some() {
                notices.push(
                    "This answer is one line: only the first line of the paste was kept."
                        .to_owned(),
                );
            }
            first
        };
        let room = MAX_BYTES.saturating_sub(self.text.len());
        let mut taken = String::new();
        let mut dropped = 0;
        for c in text.chars() {
            let c = match c {
                '\t' => ' ',
                '\n' => '\n',
                c if c.is_control() => continue,
                c => c,
            };
            if taken.len() + c.len_utf8() > room {
                dropped += 1;
            } else {
                taken.push(c);
            }
        }
        if dropped > 0 {
            notices.push(full_notice(dropped));
        }
        let at = self.byte_index(self.cursor);
        self.text.insert_str(at, &taken);
        self.cursor += taken.chars().count();
        self.notice = (!notices.is_empty()).then(|| notices.join(" "));
    }

    /// Applies an editing key; `false` when the key is not an editing key. `Ctrl-J` inserts
    /// a line break when `multiline`.
    pub fn handle(&mut self, key: &KeyEvent, multiline: bool) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let len = self.text.chars().count();
        match key.code {
            KeyCode::Char('j') if ctrl && multiline => self.insert('\n'),
            KeyCode::Char('u') if ctrl => self.clear(),
            KeyCode::Char(c) if !ctrl && !key.modifiers.contains(KeyModifiers::ALT) => {
                self.insert(c);
            }
            KeyCode::Backspace if self.cursor > 0 => {
                let at = self.byte_index(self.cursor - 1);
                self.text.remove(at);
                self.cursor -= 1;
            }
            KeyCode::Delete if self.cursor < len => {
                let at = self.byte_index(self.cursor);
                self.text.remove(at);
            }
            KeyCode::Left => self.cursor = self.cursor.saturating_sub(1),
            KeyCode::Right => self.cursor = (self.cursor + 1).min(len),
            KeyCode::Home => self.cursor = 0,
            KeyCode::End => self.cursor = len,
            KeyCode::Backspace | KeyCode::Delete => {}
            _ => return false,
        }
        true
    }

    /// The text as lines with the cursor drawn as a reversed cell.
    pub fn to_text(&self, style: Style) -> Text<'static> {
        let cursor_style = style.add_modifier(Modifier::REVERSED);
        let mut lines: Vec<Line<'static>> = Vec::new();
        let mut spans: Vec<Span<'static>> = Vec::new();
        let mut run = String::new();
        for (i, c) in self.text.chars().chain(std::iter::once(' ')).enumerate() {
            let at_cursor = i == self.cursor;
            if c == '\n' && !at_cursor {
                spans.push(Span::styled(std::mem::take(&mut run), style));
                lines.push(Line::from(std::mem::take(&mut spans)));
                continue;
            }
            if at_cursor {
                spans.push(Span::styled(std::mem::take(&mut run), style));
                let shown = if c == '\n' { ' ' } else { c };
                spans.push(Span::styled(shown.to_string(), cursor_style));
                if c == '\n' {
                    lines.push(Line::from(std::mem::take(&mut spans)));
                }
            } else {
                run.push(c);
            }
        }
        spans.push(Span::styled(run, style));
        lines.push(Line::from(spans));
        Text::from(lines)
    }
}

impl Widget for &TextInput {
    fn render(self, area: Rect, buf: &mut Buffer) {
        Paragraph::new(self.to_text(Style::new()))
            .wrap(Wrap { trim: false })
            .render(area, buf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_paste_is_text_one_line_fields_keep_the_first_line_and_say_so() {
        let mut input = TextInput::default();
        input.paste("27\r\nsecond line\nthird", false);
        assert_eq!((input.text(), input.cursor()), ("27", 2));
        let notice = input.take_notice().expect("a notice");
        assert!(notice.contains("only the first line"), "{notice}");
        assert_eq!(input.take_notice(), None, "said once");
        // Into the middle, multi-line, tabs as spaces, escapes dropped.
        input.handle(&key(KeyCode::Left), false);
        input.paste("a\tb\x1b[31m\rc", true);
        assert_eq!(input.text(), "2a b[31m\nc7");
        assert_eq!(input.take_notice(), None);
    }

    #[test]
    fn the_field_is_capped_and_a_large_paste_is_linear() {
        let mut input = TextInput::default();
        let big = "x".repeat(100 * 1024);
        input.paste(&big, true);
        assert_eq!(input.text().len(), MAX_BYTES);
        let notice = input.take_notice().expect("a notice");
        assert!(notice.contains("full (4 KiB)"), "{notice}");
        assert!(
            notice.contains(&format!("{}", 100 * 1024 - MAX_BYTES)),
            "{notice}"
        );
        input.handle(&key(KeyCode::Char('y')), false);
        assert_eq!(input.text().len(), MAX_BYTES);
        assert!(
            input.take_notice().is_some(),
            "a key into a full field is told too"
        );
        // Multi-byte text is cut at a char boundary.
        let mut input = TextInput::default();
        input.paste(&"→".repeat(MAX_BYTES), false);
        assert_eq!(input.text().len(), MAX_BYTES / 3 * 3);
    }

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn edits_at_the_cursor_with_multibyte_text() {
        let mut input = TextInput::default();
        for c in "a→c".chars() {
            input.handle(&key(KeyCode::Char(c)), false);
        }
        input.handle(&key(KeyCode::Left), false);
        input.handle(&key(KeyCode::Backspace), false);
        input.handle(&key(KeyCode::Char('b')), false);
        assert_eq!((input.text(), input.cursor()), ("abc", 2));
        input.handle(&key(KeyCode::End), false);
        input.handle(&key(KeyCode::Delete), false);
        input.handle(&key(KeyCode::Right), false);
        assert_eq!(input.cursor(), 3);
        let newline = KeyEvent::new(KeyCode::Char('j'), KeyModifiers::CONTROL);
        assert!(!input.handle(&newline, false));
        input.handle(&newline, true);
        assert_eq!(input.text(), "abc\n");
        assert_eq!(input.to_text(Style::new()).lines.len(), 2);
    }
}
