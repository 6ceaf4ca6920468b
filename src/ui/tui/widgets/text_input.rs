//! A text field with a cursor: the answer line of exercises and the multi-line journal box.
//!
//! Invariant: the cursor is always a char boundary index within the text; editing never
//! panics whatever the keys.

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Paragraph, Widget, Wrap};

/// The field's text and cursor (in chars).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextInput {
    text: String,
    cursor: usize,
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

    /// Inserts `c` at the cursor.
    pub fn insert(&mut self, c: char) {
        let at = self.byte_index(self.cursor);
        self.text.insert(at, c);
        self.cursor += 1;
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
