//! The timeline of a lane's last calls: one column per call (or clock move), its symbol above
//! the state it left the breaker in; a state entered by a transition is bold. In compare mode
//! a reference timeline (the first lane's) marks the states that differ from it.
//!
//! Symbols: `✓` success, `✗` failure, `⧖` slow success, `⧗` slow failure, `⊘` rejected,
//! `»` the clock moved; states `C` / `O` / `H`.

use std::collections::VecDeque;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::lab_style;
use crate::engine::breaker::State;
use crate::session::lab::{EntryKind, TimelineEntry};
use crate::ui::tui::theme::Theme;

/// The legend printed under a timeline that has room for it.
pub const LEGEND: &str =
    "✓ success  ✗ failure  ⧖ slow success  ⧗ slow failure  ⊘ rejected  » time  C/O/H state";

/// The symbol of an entry.
pub fn symbol(kind: EntryKind) -> &'static str {
    match kind {
        EntryKind::Success => "✓",
        EntryKind::Failure => "✗",
        EntryKind::SlowSuccess => "⧖",
        EntryKind::SlowFailure => "⧗",
        EntryKind::Rejected => "⊘",
        EntryKind::Advance(_) => "»",
    }
}

/// The one-letter name of a state.
pub fn letter(state: State) -> &'static str {
    match state {
        State::Closed => "C",
        State::Open => "O",
        State::HalfOpen => "H",
    }
}

/// The last calls of one lane, newest on the right.
pub struct Timeline<'a> {
    entries: &'a VecDeque<TimelineEntry>,
    reference: Option<&'a VecDeque<TimelineEntry>>,
    /// Row labels (`calls`, `state`) in front of the columns.
    labels: bool,
    theme: &'a Theme,
}

impl<'a> Timeline<'a> {
    pub fn new(entries: &'a VecDeque<TimelineEntry>, theme: &'a Theme) -> Self {
        Self {
            entries,
            reference: None,
            labels: true,
            theme,
        }
    }

    /// Marks the states that differ from `reference`'s at the same position (lanes of one lab
    /// get the same number of entries per step, so positions line up).
    pub fn compared_with(mut self, reference: &'a VecDeque<TimelineEntry>) -> Self {
        self.reference = Some(reference);
        self
    }

    /// Without the row labels (narrow compare columns).
    pub fn without_labels(mut self) -> Self {
        self.labels = false;
        self
    }
}

impl Widget for Timeline<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let label_width: u16 = if self.labels { 7 } else { 0 };
        if area.height < 2 || area.width <= label_width {
            return;
        }
        if self.labels {
            buf.set_string(area.x, area.y, "calls │", self.theme.dim);
            buf.set_string(area.x, area.y + 1, "state │", self.theme.dim);
        }
        let columns = usize::from(area.width - label_width);
        let skip = self.entries.len().saturating_sub(columns);
        let mut symbols = Vec::with_capacity(columns);
        let mut states = Vec::with_capacity(columns);
        for (index, entry) in self.entries.iter().enumerate().skip(skip) {
            let mut style = lab_style::state_text(self.theme, entry.state);
            if entry.transitioned {
                style = style.add_modifier(Modifier::BOLD);
            }
            let differs = self
                .reference
                .and_then(|reference| reference.get(index))
                .is_some_and(|other| other.state != entry.state);
            if differs {
                style = lab_style::differs(self.theme);
            }
            let symbol_style = match entry.kind {
                EntryKind::Rejected | EntryKind::Advance(_) => self.theme.dim,
                _ => self.theme.text,
            };
            symbols.push(Span::styled(symbol(entry.kind), symbol_style));
            states.push(Span::styled(letter(entry.state), style));
        }
        if symbols.is_empty() {
            let hint = Line::styled("no calls yet", self.theme.dim);
            buf.set_line(
                area.x + label_width,
                area.y,
                &hint,
                area.width - label_width,
            );
        }
        let x = area.x + label_width;
        let width = area.width - label_width;
        buf.set_line(x, area.y, &Line::from(symbols), width);
        buf.set_line(x, area.y + 1, &Line::from(states), width);
        if area.height >= 3 && self.labels {
            buf.set_stringn(
                area.x,
                area.y + 2,
                LEGEND,
                usize::from(area.width),
                self.theme.dim,
            );
        }
    }
}
