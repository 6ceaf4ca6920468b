//! A scrollable Markdown pager: title bar, wrapped text, scrollbar, key hints and position.
//!
//! State in the Elm shape: `update(PagerMsg)` scrolls, re-wraps on resize and asks to close;
//! `impl Widget for &Pager` only draws. The scroll offset is always within
//! `0..=line_count - viewport height`. Screens that show long text (concept blocks) embed one
//! and forward keys and their own resize to it.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Scrollbar, ScrollbarOrientation, ScrollbarState, StatefulWidget, Widget};

use super::markdown::render_markdown;
use crate::ui::sanitize::strip_controls;
use crate::ui::tui::event::{App, Event, Flow};
use crate::ui::tui::theme::Theme;

/// What the pager reacts to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PagerMsg {
    /// One line further (`j`, `↓`).
    LineDown,
    /// One line back (`k`, `↑`).
    LineUp,
    /// A screen further, keeping one line of context (`space`, `PgDn`).
    PageDown,
    /// A screen back (`b`, `PgUp`).
    PageUp,
    /// To the start (`g`, `Home`).
    Top,
    /// To the end (`G`, `End`).
    Bottom,
    /// The pager will now be drawn in an area of this size.
    Resize {
        /// Columns.
        width: u16,
        /// Rows.
        height: u16,
    },
    /// Leave (`q`, `Esc`).
    Close,
}

impl PagerMsg {
    /// The message for a key, if the pager uses it.
    pub fn from_key(key: &KeyEvent) -> Option<Self> {
        // Ctrl/Alt chords belong to whoever embeds the pager (and Ctrl-C to the loop).
        if key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
        {
            return None;
        }
        let msg = match key.code {
            KeyCode::Char('j') | KeyCode::Down => Self::LineDown,
            KeyCode::Char('k') | KeyCode::Up => Self::LineUp,
            KeyCode::Char(' ') | KeyCode::PageDown => Self::PageDown,
            KeyCode::Char('b') | KeyCode::PageUp => Self::PageUp,
            KeyCode::Char('g') | KeyCode::Home => Self::Top,
            KeyCode::Char('G') | KeyCode::End => Self::Bottom,
            KeyCode::Char('q') | KeyCode::Esc => Self::Close,
            _ => return None,
        };
        Some(msg)
    }
}

/// What the pager asks of its owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PagerEffect {
    /// The reader is done with this text.
    Close,
}

/// A key and what it does, as the footer shows it.
pub type Hint = (&'static str, &'static str);

/// The pager's own keys, most important first: the last hints go when space runs out.
pub const DEFAULT_HINTS: &[Hint] = &[
    ("q", "back"),
    ("j/k", "scroll"),
    ("space/b", "page"),
    ("g/G", "top/end"),
];

/// A titled, scrollable view of one Markdown document.
#[derive(Debug, Clone)]
pub struct Pager {
    title: String,
    markdown: String,
    theme: Theme,
    /// `markdown` rendered at `text_width` columns.
    text: Text<'static>,
    text_width: u16,
    scroll: usize,
    viewport_height: u16,
    hints: &'static [Hint],
}

/// Where the parts of a pager go inside its area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct PagerLayout {
    title: Rect,
    text: Rect,
    scrollbar: Rect,
    footer: Rect,
}

impl Pager {
    /// A pager over `markdown`. It has no size until the first [`PagerMsg::Resize`].
    pub fn new(title: impl Into<String>, markdown: impl Into<String>, theme: Theme) -> Self {
        Self {
            title: clean_title(&title.into()),
            markdown: markdown.into(),
            theme,
            text: Text::default(),
            text_width: 0,
            scroll: 0,
            viewport_height: 0,
            hints: DEFAULT_HINTS,
        }
    }

    /// Shows `hints` in the footer instead of [`DEFAULT_HINTS`] (a screen that embeds the
    /// pager lists its own keys too, most important first).
    pub fn with_hints(mut self, hints: &'static [Hint]) -> Self {
        self.hints = hints;
        self
    }

    /// Replaces the document (the next block of a lesson), keeping the layout, back at the top.
    pub fn set_markdown(&mut self, title: impl Into<String>, markdown: impl Into<String>) {
        self.title = clean_title(&title.into());
        self.markdown = markdown.into();
        // Not laid out yet: the first Resize renders it.
        if self.text_width > 0 {
            self.text = render_markdown(&self.markdown, self.text_width, &self.theme);
        }
        self.scroll = 0;
    }

    /// Index of the first line shown.
    pub fn scroll(&self) -> usize {
        self.scroll
    }

    /// Lines of the rendered document at the current width.
    pub fn line_count(&self) -> usize {
        self.text.lines.len()
    }

    /// Rows of text visible at once.
    pub fn viewport_height(&self) -> u16 {
        self.viewport_height
    }

    /// The state machine; returns [`PagerEffect::Close`] when the reader leaves.
    pub fn update(&mut self, msg: PagerMsg) -> Option<PagerEffect> {
        let page = usize::from(self.viewport_height.saturating_sub(1).max(1));
        match msg {
            PagerMsg::LineDown => self.scroll_to(self.scroll.saturating_add(1)),
            PagerMsg::LineUp => self.scroll_to(self.scroll.saturating_sub(1)),
            PagerMsg::PageDown => self.scroll_to(self.scroll.saturating_add(page)),
            PagerMsg::PageUp => self.scroll_to(self.scroll.saturating_sub(page)),
            PagerMsg::Top => self.scroll_to(0),
            PagerMsg::Bottom => self.scroll_to(usize::MAX),
            PagerMsg::Resize { width, height } => self.resize(Rect::new(0, 0, width, height)),
            PagerMsg::Close => return Some(PagerEffect::Close),
        }
        None
    }

    /// Lays the pager out for `area`: re-wraps the text if the width changed, keeping the
    /// reader at the same place in the document.
    fn resize(&mut self, area: Rect) {
        let layout = self.layout(area);
        self.viewport_height = layout.text.height;
        if layout.text.width != self.text_width {
            let old_lines = self.text.lines.len().max(1);
            self.text = render_markdown(&self.markdown, layout.text.width, &self.theme);
            self.text_width = layout.text.width;
            self.scroll = self.scroll * self.text.lines.len() / old_lines;
        }
        self.scroll_to(self.scroll);
    }

    fn max_scroll(&self) -> usize {
        self.text
            .lines
            .len()
            .saturating_sub(usize::from(self.viewport_height))
    }

    fn scroll_to(&mut self, line: usize) {
        self.scroll = line.min(self.max_scroll());
    }

    fn layout(&self, area: Rect) -> PagerLayout {
        let title_height = u16::from(!self.title.is_empty());
        let [title, body, footer] = Layout::vertical([
            Constraint::Length(title_height),
            Constraint::Fill(1),
            Constraint::Length(1),
        ])
        .areas(area);
        // A column of margin on the left, and one between the text and the scrollbar.
        let [_, text, _, scrollbar] = Layout::horizontal([
            Constraint::Length(1),
            Constraint::Fill(1),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .areas(body);
        PagerLayout {
            title,
            text,
            scrollbar,
            footer,
        }
    }

    fn render_title(&self, area: Rect, buf: &mut Buffer) {
        if area.is_empty() {
            return;
        }
        buf.set_style(area, self.theme.title);
        let title = Line::styled(format!(" {}", self.title), self.theme.title);
        buf.set_line(area.x, area.y, &title, area.width);
    }

    fn render_footer(&self, area: Rect, buf: &mut Buffer, shown: (usize, usize, usize)) {
        if area.is_empty() {
            return;
        }
        buf.set_style(area, self.theme.footer);
        let position = position_label(shown);
        let position_width = u16::try_from(position.chars().count() + 1).unwrap_or(u16::MAX);
        let hints_width = area.width.saturating_sub(position_width);
        let mut spans = Vec::new();
        let mut used = 0usize;
        for (key, action) in self.hints {
            let width = key.chars().count() + action.chars().count() + 3;
            if used + width > usize::from(hints_width) {
                break;
            }
            used += width;
            spans.push(Span::styled(format!(" {key}"), self.theme.footer_key));
            spans.push(Span::styled(format!(" {action} "), self.theme.footer));
        }
        buf.set_line(area.x, area.y, &Line::from(spans), hints_width);
        let x = area.right().saturating_sub(position_width);
        let position = Line::styled(format!("{position} "), self.theme.footer);
        buf.set_line(x, area.y, &position, position_width);
    }
}

/// A title fit for one line of the terminal.
fn clean_title(title: &str) -> String {
    strip_controls(title).replace(['\n', '\t'], " ")
}

/// "12-34/120 28%", "all 9 lines" or "empty" for (first, last, total) lines shown.
fn position_label((first, last, total): (usize, usize, usize)) -> String {
    if total == 0 {
        return "empty".to_owned();
    }
    if first == 1 && last == total {
        return format!("all {total} lines");
    }
    format!("{first}-{last}/{total} {}%", last * 100 / total)
}

impl Widget for &Pager {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let layout = self.layout(area);
        // Drawn at a width the pager was not laid out for (a caller that skipped Resize):
        // wrap for this frame only, rather than draw lines cut at the edge.
        let fresh;
        let text = if layout.text.width == self.text_width {
            &self.text
        } else {
            fresh = render_markdown(&self.markdown, layout.text.width, &self.theme);
            &fresh
        };
        let height = usize::from(layout.text.height);
        let total = text.lines.len();
        let max_scroll = total.saturating_sub(height);
        let scroll = self.scroll.min(max_scroll);

        self.render_title(layout.title, buf);
        for (row, line) in text.lines.iter().skip(scroll).take(height).enumerate() {
            let y = layout.text.y + u16::try_from(row).unwrap_or(u16::MAX);
            buf.set_line(layout.text.x, y, line, layout.text.width);
        }
        if total > height {
            let mut state = ScrollbarState::new(max_scroll + 1)
                .position(scroll)
                .viewport_content_length(height);
            Scrollbar::new(ScrollbarOrientation::VerticalRight)
                .begin_symbol(None)
                .end_symbol(None)
                .thumb_style(self.theme.text)
                .track_style(self.theme.dim)
                .render(layout.scrollbar, buf, &mut state);
        }
        let last = (scroll + height).min(total);
        self.render_footer(layout.footer, buf, (scroll + 1, last, total));
    }
}

impl App for Pager {
    type Msg = PagerMsg;
    type Effect = PagerEffect;
    type Output = ();

    fn message(&self, event: &Event) -> Option<PagerMsg> {
        match event {
            Event::Key(key) => PagerMsg::from_key(key),
            Event::Resize { width, height } => Some(PagerMsg::Resize {
                width: *width,
                height: *height,
            }),
            Event::Tick | Event::Paste(_) => None,
        }
    }

    fn update(&mut self, msg: PagerMsg) -> Option<PagerEffect> {
        Pager::update(self, msg)
    }

    fn render(&self, frame: &mut Frame<'_>) {
        frame.render_widget(self, frame.area());
    }

    fn perform(&mut self, effect: PagerEffect) -> Flow<()> {
        match effect {
            PagerEffect::Close => Flow::Exit(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::tui::theme::ColorMode;
    use ratatui::crossterm::event::{KeyEventKind, KeyEventState};

    fn numbered(lines: usize) -> String {
        (1..=lines).map(|n| format!("line {n}\\\n")).collect()
    }

    /// A pager over `lines` one-line paragraphs, laid out 40x12 (10 text rows).
    fn pager(lines: usize) -> Pager {
        let mut pager = Pager::new("Test", numbered(lines), Theme::new(ColorMode::NoColor));
        pager.update(PagerMsg::Resize {
            width: 40,
            height: 12,
        });
        pager
    }

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent {
            code,
            modifiers: KeyModifiers::NONE,
            kind: KeyEventKind::Press,
            state: KeyEventState::NONE,
        }
    }

    #[test]
    fn resize_lays_out_the_text_area() {
        let pager = pager(100);
        assert_eq!(pager.viewport_height(), 10);
        assert_eq!(pager.line_count(), 100);
        assert_eq!(pager.scroll(), 0);
    }

    #[test]
    fn lines_scroll_within_bounds() {
        let mut pager = pager(15);
        pager.update(PagerMsg::LineUp);
        assert_eq!(pager.scroll(), 0);
        for _ in 0..3 {
            pager.update(PagerMsg::LineDown);
        }
        assert_eq!(pager.scroll(), 3);
        for _ in 0..10 {
            pager.update(PagerMsg::LineDown);
        }
        assert_eq!(pager.scroll(), 5, "the last page stays full");
    }

    #[test]
    fn pages_keep_one_line_of_context() {
        let mut pager = pager(100);
        pager.update(PagerMsg::PageDown);
        assert_eq!(pager.scroll(), 9);
        pager.update(PagerMsg::PageDown);
        assert_eq!(pager.scroll(), 18);
        pager.update(PagerMsg::PageUp);
        assert_eq!(pager.scroll(), 9);
        pager.update(PagerMsg::PageUp);
        pager.update(PagerMsg::PageUp);
        assert_eq!(pager.scroll(), 0);
    }

    #[test]
    fn top_and_bottom_jump_to_the_ends() {
        let mut pager = pager(100);
        pager.update(PagerMsg::Bottom);
        assert_eq!(pager.scroll(), 90);
        pager.update(PagerMsg::Top);
        assert_eq!(pager.scroll(), 0);
    }

    #[test]
    fn a_short_text_does_not_scroll() {
        let mut pager = pager(3);
        pager.update(PagerMsg::PageDown);
        pager.update(PagerMsg::Bottom);
        assert_eq!(pager.scroll(), 0);
    }

    #[test]
    fn close_asks_the_owner_to_leave() {
        let mut pager = pager(3);
        assert_eq!(pager.update(PagerMsg::Close), Some(PagerEffect::Close));
        assert_eq!(pager.perform(PagerEffect::Close), Flow::Exit(()));
    }

    #[test]
    fn growing_the_window_clamps_the_scroll() {
        let mut pager = pager(30);
        pager.update(PagerMsg::Bottom);
        assert_eq!(pager.scroll(), 20);
        pager.update(PagerMsg::Resize {
            width: 40,
            height: 27,
        });
        assert_eq!(pager.scroll(), 5);
    }

    #[test]
    fn rewrapping_keeps_the_reader_near_the_same_place() {
        let paragraph = "word ".repeat(800);
        let mut pager = Pager::new("", paragraph, Theme::new(ColorMode::NoColor));
        pager.update(PagerMsg::Resize {
            width: 83,
            height: 11,
        });
        let lines_at_80 = pager.line_count();
        pager.update(PagerMsg::PageDown);
        pager.update(PagerMsg::PageDown);
        assert_eq!(pager.scroll(), 18);
        pager.update(PagerMsg::Resize {
            width: 43,
            height: 11,
        });
        assert!(pager.line_count() > lines_at_80);
        let expected = 18 * pager.line_count() / lines_at_80;
        assert_eq!(pager.scroll(), expected);
    }

    #[test]
    fn keys_map_to_messages() {
        let cases = [
            (KeyCode::Char('j'), Some(PagerMsg::LineDown)),
            (KeyCode::Down, Some(PagerMsg::LineDown)),
            (KeyCode::Char('k'), Some(PagerMsg::LineUp)),
            (KeyCode::Up, Some(PagerMsg::LineUp)),
            (KeyCode::Char(' '), Some(PagerMsg::PageDown)),
            (KeyCode::PageDown, Some(PagerMsg::PageDown)),
            (KeyCode::Char('b'), Some(PagerMsg::PageUp)),
            (KeyCode::PageUp, Some(PagerMsg::PageUp)),
            (KeyCode::Char('g'), Some(PagerMsg::Top)),
            (KeyCode::Home, Some(PagerMsg::Top)),
            (KeyCode::Char('G'), Some(PagerMsg::Bottom)),
            (KeyCode::End, Some(PagerMsg::Bottom)),
            (KeyCode::Char('q'), Some(PagerMsg::Close)),
            (KeyCode::Esc, Some(PagerMsg::Close)),
            (KeyCode::Char('x'), None),
            (KeyCode::Enter, None),
        ];
        for (code, expected) in cases {
            assert_eq!(PagerMsg::from_key(&key(code)), expected, "{code:?}");
        }
        let mut shifted = key(KeyCode::Char('G'));
        shifted.modifiers = KeyModifiers::SHIFT;
        assert_eq!(PagerMsg::from_key(&shifted), Some(PagerMsg::Bottom));
        let mut ctrl = key(KeyCode::Char('j'));
        ctrl.modifiers = KeyModifiers::CONTROL;
        assert_eq!(PagerMsg::from_key(&ctrl), None);
    }

    #[test]
    fn a_new_document_starts_at_the_top_at_the_same_width() {
        let mut pager = pager(100);
        pager.update(PagerMsg::Bottom);
        pager.set_markdown("Next", numbered(30));
        assert_eq!(pager.scroll(), 0);
        assert_eq!(pager.line_count(), 30);
        assert_eq!(pager.title, "Next");
        pager.update(PagerMsg::Bottom);
        assert_eq!(pager.scroll(), 20);
    }

    #[test]
    fn the_footer_shows_the_hints_it_is_given() {
        const HINTS: &[Hint] = &[("n", "next block"), ("q", "quit")];
        let pager = pager(3).with_hints(HINTS);
        let mut buf = Buffer::empty(Rect::new(0, 0, 40, 12));
        Widget::render(&pager, buf.area, &mut buf);
        let footer: String = (0..40).map(|x| buf[(x, 11)].symbol()).collect();
        assert!(footer.starts_with(" n next block  q quit "), "{footer:?}");
    }

    #[test]
    fn ticks_are_ignored() {
        assert_eq!(pager(3).message(&Event::Tick), None);
    }

    #[test]
    fn position_labels() {
        assert_eq!(position_label((0, 0, 0)), "empty");
        assert_eq!(position_label((1, 9, 9)), "all 9 lines");
        assert_eq!(position_label((11, 20, 40)), "11-20/40 50%");
    }

    #[test]
    fn titles_cannot_carry_escapes() {
        let pager = Pager::new("bad\u{1b}[2J\ntitle", "", Theme::default());
        assert_eq!(pager.title, "bad title");
    }
}
