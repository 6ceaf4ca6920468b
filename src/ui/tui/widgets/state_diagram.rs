//! The breaker's state diagram: CLOSED, OPEN and HALF_OPEN as boxes joined by the four
//! transitions (trip, timeout, close, reopen), the current state lit, the last transition's
//! arrow marked and its reason printed beneath. Arrow labels come from the breaker's config.
//!
//! Layout (five rows, then the reason):
//! ```text
//! ┌─────────────┐   failures >= 5   ┌─────────────┐      > 30s       ┌─────────────┐
//! │   CLOSED    │ ────────────────▶ │    OPEN     │ ───────────────▶ │  HALF_OPEN  │
//! └─────────────┘                   └─────────────┘ ◀─────────────── └─────────────┘
//!        ▲                                            any failure            │
//!        └──────────────────────── 3 successes ─────────────────────────────┘
//! ```

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::lab_style;
use crate::engine::breaker::{
    BreakerConfig, CircuitBreaker, HalfOpenJudgement, HalfOpenTransition, State, Transition,
    format_percent,
};
use crate::engine::duration::format_duration;
use crate::ui::tui::theme::Theme;

/// Rows the diagram itself takes (the reason goes below).
pub const DIAGRAM_HEIGHT: u16 = 5;

/// The four arrows of the diagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Arrow {
    Trip,
    Timeout,
    Close,
    Reopen,
}

impl Arrow {
    fn of(transition: &Transition) -> Option<Self> {
        match (transition.from, transition.to) {
            (State::Closed, State::Open) => Some(Self::Trip),
            (State::Open, State::HalfOpen) => Some(Self::Timeout),
            (State::HalfOpen, State::Closed) => Some(Self::Close),
            (State::HalfOpen, State::Open) => Some(Self::Reopen),
            _ => None,
        }
    }

    fn short(self) -> &'static str {
        match self {
            Self::Trip => "trip",
            Self::Timeout => "timeout",
            Self::Close => "close",
            Self::Reopen => "reopen",
        }
    }

    /// The condition of this transition under `config`, e.g. `failures >= 5`.
    fn condition(self, config: &BreakerConfig) -> String {
        let rate = config.rate.as_ref().map(|r| format_percent(r.failure_rate));
        let judged_by_rate = config.half_open_judgement == HalfOpenJudgement::Rate;
        match self {
            Self::Trip => match (config.failure_threshold, rate) {
                (Some(n), _) => format!("failures {} {n}", config.failure_comparison.symbol()),
                (None, Some(rate)) => format!("rate >= {rate}"),
                (None, None) => "trip".to_owned(),
            },
            Self::Timeout => {
                let auto = match config.half_open_transition {
                    HalfOpenTransition::Automatic => " (auto)",
                    HalfOpenTransition::Lazy => "",
                };
                format!(
                    "{} {}{auto}",
                    config.recovery_comparison.symbol(),
                    format_duration(config.recovery_timeout)
                )
            }
            Self::Close => match (judged_by_rate, rate) {
                (true, Some(rate)) => format!("rate < {rate}"),
                _ if config.success_threshold == 1 => "1 success".to_owned(),
                _ => format!("{} successes", config.success_threshold),
            },
            Self::Reopen => match (judged_by_rate, rate) {
                (true, Some(rate)) => format!("rate >= {rate}"),
                _ => "any failure".to_owned(),
            },
        }
    }
}

/// The diagram of one breaker. Draws; changes nothing.
pub struct StateDiagram<'a> {
    breaker: &'a CircuitBreaker,
    theme: &'a Theme,
}

impl<'a> StateDiagram<'a> {
    pub fn new(breaker: &'a CircuitBreaker, theme: &'a Theme) -> Self {
        Self { breaker, theme }
    }

    fn box_style(&self, state: State) -> Style {
        if state == self.breaker.state() {
            lab_style::lit(self.theme, state)
        } else {
            self.theme.text
        }
    }
}

/// Glyphs of an arrow: plain, or heavy when it is the marked one.
struct Glyphs {
    horizontal: &'static str,
    vertical: &'static str,
    lower_left: &'static str,
    lower_right: &'static str,
}

const THIN: Glyphs = Glyphs {
    horizontal: "─",
    vertical: "│",
    lower_left: "└",
    lower_right: "┘",
};
const HEAVY: Glyphs = Glyphs {
    horizontal: "━",
    vertical: "┃",
    lower_left: "┗",
    lower_right: "┛",
};

impl Widget for StateDiagram<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.is_empty() {
            return;
        }
        let states = [State::Closed, State::Open, State::HalfOpen];
        let last = self.breaker.transitions().next_back();
        let marked = last.and_then(Arrow::of);
        // Equal boxes when there is room, boxes hugging their names when not.
        let uniform = area.width >= 3 * 13 + 2 * 12 + 2;
        let widths: [u16; 3] = if uniform { [13; 3] } else { [10, 8, 13] };
        let boxes_width: u16 = widths.iter().sum();
        if area.height < DIAGRAM_HEIGHT || area.width < boxes_width + 2 * 4 + 2 {
            // Too small for the drawing: the state alone, lit.
            let state = self.breaker.state();
            let line = Line::from(vec![
                Span::raw("state "),
                Span::styled(format!(" {state} "), lab_style::lit(self.theme, state)),
            ]);
            buf.set_line(area.x, area.y, &line, area.width);
            return;
        }
        let gap = (area.width - 2 - boxes_width) / 2;
        let x0 = area.x + 1;
        let xs = [
            x0,
            x0 + widths[0] + gap,
            x0 + widths[0] + widths[1] + 2 * gap,
        ];
        let y = area.y;
        let mut draw = Draw { buf, area };

        for ((state, x), width) in states.into_iter().zip(xs).zip(widths) {
            let style = self.box_style(state);
            let inner = usize::from(width - 2);
            draw.text(x, y, &format!("┌{}┐", "─".repeat(inner)), style);
            draw.text(x, y + 1, &format!("│{:^inner$}│", state.as_str()), style);
            draw.text(x, y + 2, &format!("└{}┘", "─".repeat(inner)), style);
        }

        let config = self.breaker.config();
        let style_of = |arrow: Arrow| {
            if marked == Some(arrow) {
                (lab_style::marked(self.theme), &HEAVY)
            } else {
                (self.theme.dim, &THIN)
            }
        };
        let label = |arrow: Arrow, room: u16| {
            let full = arrow.condition(config);
            let fits = |text: &str| text.chars().count() <= usize::from(room);
            if fits(&full) {
                full
            } else if fits(arrow.short()) {
                arrow.short().to_owned()
            } else {
                String::new()
            }
        };

        // Forward arrows between neighbouring boxes, labels above them.
        for (arrow, from) in [(Arrow::Trip, 0), (Arrow::Timeout, 1)] {
            let (style, glyphs) = style_of(arrow);
            let start = xs[from] + widths[from] + 1;
            let len = gap - 2;
            let line = format!("{}▶", glyphs.horizontal.repeat(usize::from(len - 1)));
            draw.text(start, y + 1, &line, style);
            draw.centered(start, len, y, &label(arrow, len), style);
        }
        // Reopen: HALF_OPEN back to OPEN, under the timeout arrow, label below it.
        let (style, glyphs) = style_of(Arrow::Reopen);
        let start = xs[1] + widths[1] + 1;
        let len = gap - 2;
        let line = format!("◀{}", glyphs.horizontal.repeat(usize::from(len - 1)));
        draw.text(start, y + 2, &line, style);
        draw.centered(start, len, y + 3, &label(Arrow::Reopen, len), style);

        // Close: down from HALF_OPEN, along the bottom, up into CLOSED.
        let (style, glyphs) = style_of(Arrow::Close);
        let left = xs[0] + widths[0] / 2;
        let right = xs[2] + widths[2] / 2;
        draw.text(left, y + 3, "▲", style);
        draw.text(right, y + 3, glyphs.vertical, style);
        let span = right - left - 1;
        let bottom = format!(
            "{}{}{}",
            glyphs.lower_left,
            glyphs.horizontal.repeat(usize::from(span)),
            glyphs.lower_right
        );
        draw.text(left, y + 4, &bottom, style);
        let text = label(Arrow::Close, span.saturating_sub(2));
        if !text.is_empty() {
            draw.centered(left + 1, span, y + 4, &format!(" {text} "), style);
        }

        let reason_area = Rect {
            x: area.x + 1,
            y: area.y + DIAGRAM_HEIGHT,
            width: area.width - 1,
            height: area.height - DIAGRAM_HEIGHT,
        };
        if !reason_area.is_empty() {
            Paragraph::new(reason_line(last, self.theme))
                .wrap(Wrap { trim: true })
                .render(reason_area, draw.buf);
        }
    }
}

/// "last: CLOSED → OPEN at 0s · 5 consecutive failures reached failure_threshold 5".
pub fn reason_line(last: Option<&Transition>, theme: &Theme) -> Line<'static> {
    let Some(t) = last else {
        return Line::styled("no transition yet: a breaker starts CLOSED", theme.dim);
    };
    Line::from(vec![
        Span::styled("last: ", theme.dim),
        Span::styled(t.from.as_str(), lab_style::state_text(theme, t.from)),
        Span::styled(" → ", lab_style::marked(theme)),
        Span::styled(t.to.as_str(), lab_style::state_text(theme, t.to)),
        Span::styled(format!(" at {} · ", format_duration(t.at)), theme.dim),
        Span::styled(t.reason.clone(), theme.text),
    ])
}

/// Text drawn inside an area, clipped to it.
struct Draw<'b> {
    buf: &'b mut Buffer,
    area: Rect,
}

impl Draw<'_> {
    fn text(&mut self, x: u16, y: u16, text: &str, style: Style) {
        if y < self.area.bottom() && x < self.area.right() {
            let room = usize::from(self.area.right() - x);
            self.buf.set_stringn(x, y, text, room, style);
        }
    }

    fn centered(&mut self, x: u16, width: u16, y: u16, text: &str, style: Style) {
        let len = u16::try_from(text.chars().count()).unwrap_or(u16::MAX);
        let start = x + width.saturating_sub(len) / 2;
        self.text(start, y, text, style);
    }
}
