//! Block-level rendering: paragraphs, headings, code, raw HTML, tables and rules.
//!
//! Every block starts with `separate()` (the blank line owed by the block before it) and
//! ends by setting `blank_pending`; its lines go out through `emit()`, which adds the
//! prefixes of the quotes and list items it sits in.

use pulldown_cmark::HeadingLevel;

use super::diagram;
use super::wrap::{self, push_run, runs_width, text_width, truncate};
use super::{CODE_INDENT, Renderer, TAB_STOP};

impl Renderer<'_> {
    /// Wraps and emits the inline content read so far, if any.
    pub(super) fn flush_inline(&mut self) {
        if self.inline.is_empty() {
            return;
        }
        let inline = std::mem::take(&mut self.inline);
        let lines = wrap::wrap(&inline, self.content_width());
        if lines.is_empty() {
            return;
        }
        self.separate();
        for runs in lines {
            self.emit(runs);
        }
    }

    pub(super) fn end_heading(&mut self) {
        self.styles.pop();
        let level = self.heading.take();
        let inline = std::mem::take(&mut self.inline);
        let lines = wrap::wrap(&inline, self.content_width());
        if lines.is_empty() {
            return;
        }
        self.separate();
        let widest = lines.iter().map(runs_width).max().unwrap_or(0);
        for runs in lines {
            self.emit(runs);
        }
        let underline = match level {
            Some(HeadingLevel::H1) => Some("━"),
            Some(HeadingLevel::H2) => Some("─"),
            _ => None,
        };
        // A lone grapheme wider than the line may make `widest` exceed it; the rule may not.
        let widest = widest.min(self.content_width());
        if let Some(rule) = underline.filter(|_| widest > 0) {
            self.emit(vec![(rule.repeat(widest), self.theme.rule)]);
        }
        self.blank_pending = true;
    }

    pub(super) fn end_code_block(&mut self) {
        let Some((mut code, mut language)) = self.code.take() else {
            return;
        };
        // A mermaid state diagram or flowchart is drawn; its label names the type.
        if let Some((label, drawn)) = diagram::drawn(&language, &code) {
            (language, code) = (label, drawn);
        }
        self.separate();
        let width = self.content_width();
        // The indent only sets the block apart; below twice its width it would leave the
        // code no more room than it takes itself.
        let indent = if width >= 2 * CODE_INDENT.len() {
            CODE_INDENT
        } else {
            ""
        };
        if language == crate::content::prose::INFO && self.command_block(&code, indent, width) {
            self.blank_pending = true;
            return;
        }
        let style = self.theme.code_block;
        if !language.is_empty() {
            let label = vec![(format!("{indent}{language}"), self.theme.code_label)];
            self.emit(truncate(label, width));
        }
        for line in code.strip_suffix('\n').unwrap_or(&code).split('\n') {
            let line = vec![(format!("{indent}{}", expand_tabs(line)), style)];
            let mut runs = truncate(line, width);
            // A background colour marks the block; pad so it forms a rectangle.
            if style.bg.is_some() {
                let pad = width.saturating_sub(runs_width(&runs));
                push_run(&mut runs, &" ".repeat(pad), style);
            }
            self.emit(runs);
        }
        self.blank_pending = true;
    }

    pub(super) fn html(&mut self, html: &str) {
        match &mut self.html {
            Some(block) => block.push_str(html),
            None => self.inline_html(html),
        }
    }

    pub(super) fn end_html_block(&mut self) {
        let Some(html) = self.html.take() else { return };
        if html.trim_start().starts_with("<!--") {
            return;
        }
        self.separate();
        let width = self.content_width();
        for line in html.lines().filter(|line| !line.trim().is_empty()) {
            self.emit(truncate(vec![(expand_tabs(line), self.theme.dim)], width));
        }
        self.blank_pending = true;
    }

    pub(super) fn end_table_row(&mut self, header: bool) {
        let row = std::mem::take(&mut self.table_row);
        if let Some(table) = &mut self.table {
            if header {
                table.header = row;
            } else {
                table.rows.push(row);
            }
        }
    }

    pub(super) fn end_table(&mut self) {
        let Some(table) = self.table.take() else {
            return;
        };
        self.separate();
        for runs in table.render(self.content_width(), self.theme) {
            self.emit(runs);
        }
        self.blank_pending = true;
    }

    pub(super) fn rule(&mut self) {
        self.flush_inline();
        self.separate();
        let rule = "─".repeat(self.content_width());
        self.emit(vec![(rule, self.theme.rule)]);
        self.blank_pending = true;
    }
}

/// Replaces tabs with spaces up to the next tab stop, so code keeps its alignment.
fn expand_tabs(line: &str) -> String {
    if !line.contains('\t') {
        return line.to_owned();
    }
    let mut out = String::with_capacity(line.len() + TAB_STOP);
    let mut column = 0;
    for c in line.chars() {
        if c == '\t' {
            let spaces = TAB_STOP - column % TAB_STOP;
            out.extend(std::iter::repeat_n(' ', spaces));
            column += spaces;
        } else {
            out.push(c);
            column += text_width(c.encode_utf8(&mut [0; 4]));
        }
    }
    out
}
