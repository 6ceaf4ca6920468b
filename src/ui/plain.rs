//! Helpers for the line-based front end (`--plain`): the same Markdown, as plain text.
//!
//! Plain mode prints to pipes and screen readers, so the output carries no styles and no
//! escapes: it is the TUI's rendering with the monochrome theme and the styles dropped.

pub mod console;
pub mod flow;

use crate::ui::tui::theme::{ColorMode, Theme};
use crate::ui::tui::widgets::markdown::render_markdown;

/// `markdown` wrapped to `width` columns as plain text, one `\n` after each line.
pub fn markdown_to_plain(markdown: &str, width: u16) -> String {
    let text = render_markdown(markdown, width, &Theme::new(ColorMode::NoColor));
    let mut out = String::new();
    for line in &text.lines {
        for span in &line.spans {
            out.push_str(&span.content);
        }
        // Padding and gutters can leave spaces at the end; they only get in a pipe's way.
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
    fn markdown_becomes_wrapped_plain_text() {
        let out = markdown_to_plain("# Title\n\nSome *text* that `wraps` here.\n\n- item", 16);
        assert_eq!(
            out,
            "Title\n━━━━━\n\nSome text that\n`wraps` here.\n\n• item\n"
        );
    }

    #[test]
    fn plain_text_has_no_escapes() {
        let out = markdown_to_plain("a\u{1b}[31mb", 10);
        assert_eq!(out, "ab\n");
    }
}
