//! The limiter stepper screen: a [`LimiterLab`] drawn as the algorithm's variables (tokens as
//! a gauge, window counts, the TAT on a timeline), a timeline of recent requests and the
//! steps so far, driven by keys. `update` hands inputs to the lab; rendering only reads it.
//! Admissions and rejections are letters (`A`, `R`), so NO_COLOR loses nothing.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Widget, Wrap};

use crate::engine::limiter::{LimiterConfig, LimiterState, format_milli, format_ms};
use crate::session::limiter_lab::{BURST_SIZE, LimiterEffect, LimiterInput, LimiterLab};
use crate::ui::tui::event::{App, Event, Flow};
use crate::ui::tui::screens::chrome;
use crate::ui::tui::theme::{ColorMode, Theme};

/// Smallest area the stepper draws in; below it, a "too small" message.
const MIN_WIDTH: u16 = 40;
const MIN_HEIGHT: u16 = 12;

/// The limiter lab on screen.
#[derive(Debug, Clone)]
pub struct LimiterStepper {
    lab: LimiterLab,
    theme: Theme,
}

impl LimiterStepper {
    pub fn new(lab: LimiterLab, theme: Theme) -> Self {
        Self { lab, theme }
    }

    pub fn lab(&self) -> &LimiterLab {
        &self.lab
    }

    /// The lab input for a key, if the stepper uses it.
    pub fn input_for(&self, key: &KeyEvent) -> Option<LimiterInput> {
        if key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
        {
            return None;
        }
        Some(match key.code {
            KeyCode::Char('r') => LimiterInput::Request,
            KeyCode::Char('b') => LimiterInput::Burst,
            KeyCode::Char('t') => LimiterInput::AdvanceTime,
            KeyCode::Char(' ' | 'n') | KeyCode::Enter => LimiterInput::NextScripted,
            KeyCode::Char('u') => LimiterInput::Undo,
            KeyCode::Char('?') => LimiterInput::ToggleHelp,
            KeyCode::Char('q') => LimiterInput::Back,
            KeyCode::Esc if self.lab.help_visible() => LimiterInput::ToggleHelp,
            KeyCode::Esc => LimiterInput::Back,
            _ if self.lab.help_visible() => LimiterInput::ToggleHelp,
            _ => return None,
        })
    }

    fn admitted_style(&self) -> Style {
        match self.theme.mode {
            ColorMode::Color => Style::new().fg(Color::Green),
            ColorMode::NoColor => self.theme.text,
        }
    }

    fn rejected_style(&self) -> Style {
        match self.theme.mode {
            ColorMode::Color => Style::new().fg(Color::Red),
            ColorMode::NoColor => self.theme.strong,
        }
    }

    fn render_screen(&self, area: Rect, buf: &mut Buffer) {
        let rows = state_rows(self.lab.config(), self.lab.state(), self.lab.clock_ms());
        let state_height = u16::try_from(rows.len()).unwrap_or(4);
        let wide = area.height >= 30;
        let [
            title,
            config,
            _,
            state,
            _,
            timeline,
            _,
            steps,
            status,
            footer,
        ] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Length(state_height),
            Constraint::Length(1),
            Constraint::Length(if wide { 4 } else { 3 }),
            Constraint::Length(u16::from(wide)),
            Constraint::Fill(1),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .areas(area);
        let right = format!(
            "clock {} · step {}",
            format_ms(self.lab.clock_ms()),
            self.lab.steps().len()
        );
        chrome::title_bar(buf, title, &self.theme, "patterns sim limiter", &right);
        buf.set_stringn(
            config.x + 1,
            config.y,
            self.lab.config().to_string(),
            usize::from(config.width.saturating_sub(2)),
            self.theme.dim,
        );
        self.render_state(rows, indent(state), buf);
        self.render_timeline(indent(timeline), buf);
        self.render_steps(indent(steps), buf);
        chrome::status_line(buf, status, self.lab.notice(), None);
        let step = format!("+{}", format_ms(self.lab.time_step_ms()));
        let burst = format!("{BURST_SIZE} now");
        chrome::footer(
            buf,
            footer,
            &self.theme,
            &[
                ("r", "request"),
                ("b", burst.as_str()),
                ("t", step.as_str()),
                ("space", "next"),
                ("u", "undo"),
                ("?", "help"),
                ("q", "back"),
            ],
        );
    }

    fn render_state(&self, rows: Vec<StateRow>, area: Rect, buf: &mut Buffer) {
        let label_width = 14usize;
        for (row, y) in rows.into_iter().zip(area.y..area.bottom()) {
            let line_area = Rect {
                y,
                height: 1,
                ..area
            };
            let mut spans = vec![Span::styled(
                format!("{:<label_width$}", row.label),
                self.theme.strong,
            )];
            let bar_width = usize::from(area.width)
                .saturating_sub(label_width + row.text.chars().count() + 2)
                .min(40);
            match row.picture {
                Picture::Gauge { value, max } => {
                    let filled = if max == 0 {
                        0
                    } else {
                        usize::try_from(
                            u128::from(value.min(max)) * bar_width as u128 / u128::from(max),
                        )
                        .unwrap_or(bar_width)
                    };
                    spans.push(Span::styled("█".repeat(filled), self.admitted_style()));
                    spans.push(Span::styled("░".repeat(bar_width - filled), self.theme.dim));
                    spans.push(Span::raw(" "));
                }
                Picture::Marks(marks) => {
                    spans.push(Span::styled(marks_line(&marks, bar_width), self.theme.text));
                    spans.push(Span::raw(" "));
                }
                Picture::None => {}
            }
            spans.push(Span::styled(row.text, self.theme.text));
            buf.set_line(
                line_area.x,
                line_area.y,
                &Line::from(spans),
                line_area.width,
            );
        }
    }

    /// Recent requests on a time axis of 20 time steps that ends now (or starts at 0):
    /// `A` admitted, `R` rejected, `*` both in one column, `|` a window boundary; beneath,
    /// the axis with its ends and now.
    fn render_timeline(&self, area: Rect, buf: &mut Buffer) {
        if area.height < 2 || area.width < 10 {
            return;
        }
        let width = u64::from(area.width.saturating_sub(1));
        let span = (self.lab.time_step_ms() * 20).max(width);
        let now = self.lab.clock_ms();
        let since = now.saturating_sub(span);
        let column_of = |at: u64| usize::try_from((at - since) * width / span).unwrap_or(0);
        let mut columns = vec![(false, false); usize::try_from(width).unwrap_or(0) + 1];
        for (at, admitted) in self.lab.arrivals_since(since) {
            if let Some(cell) = columns.get_mut(column_of(at)) {
                if admitted {
                    cell.0 = true;
                } else {
                    cell.1 = true;
                }
            }
        }
        let boundaries: Vec<usize> = match window_ms(self.lab.config()) {
            Some(window) => (since.div_ceil(window)..=(since + span) / window)
                .map(|k| column_of(k * window))
                .collect(),
            None => Vec::new(),
        };
        let spans: Vec<Span> = columns
            .iter()
            .enumerate()
            .map(|(column, &cell)| match cell {
                (true, false) => Span::styled("A", self.admitted_style()),
                (false, true) => Span::styled("R", self.rejected_style()),
                (true, true) => Span::styled("*", self.rejected_style()),
                (false, false) if boundaries.contains(&column) => Span::styled("|", self.theme.dim),
                (false, false) => Span::styled("·", self.theme.dim),
            })
            .collect();
        buf.set_string(area.x, area.y, "requests", self.theme.strong);
        buf.set_line(area.x, area.y + 1, &Line::from(spans), area.width);
        if area.height >= 3 {
            let mut axis: Vec<char> = vec![' '; usize::from(area.width)];
            let mut put = |column: usize, text: &str| {
                for (offset, c) in text.chars().enumerate() {
                    if let Some(cell) = axis.get_mut(column + offset) {
                        *cell = c;
                    }
                }
            };
            let right = format_ms(since + span);
            put(0, &format_ms(since));
            put(
                usize::from(area.width).saturating_sub(right.chars().count()),
                &right,
            );
            let now_column = column_of(now).min(usize::from(area.width).saturating_sub(5));
            put(now_column, "^now");
            let axis: String = axis.into_iter().collect();
            buf.set_stringn(
                area.x,
                area.y + 2,
                axis,
                usize::from(area.width),
                self.theme.dim,
            );
        }
    }

    fn render_steps(&self, area: Rect, buf: &mut Buffer) {
        if area.is_empty() {
            return;
        }
        let steps = self.lab.steps();
        let next = self
            .lab
            .next_token()
            .map(|token| format!(" · next: {}", token.text))
            .unwrap_or_default();
        buf.set_string(area.x, area.y, format!("steps{next}"), self.theme.strong);
        let room = usize::from(area.height.saturating_sub(1));
        let shown = steps.len().saturating_sub(room);
        let decision_room = usize::from(area.width).saturating_sub(40).max(4);
        for (offset, (number, step)) in steps.iter().enumerate().skip(shown).enumerate() {
            let y = area.y + 1 + u16::try_from(offset).unwrap_or(0);
            let mut decisions: String = step.decisions.chars().take(decision_room).collect();
            if step.decisions.len() > decision_room {
                decisions.pop();
                decisions.push('…');
            }
            let line = Line::from(vec![
                Span::styled(format!("{:>4}  ", number + 1), self.theme.dim),
                Span::styled(format!("{:<10}", step.token), self.theme.text),
                Span::styled(format!("{:>9}  ", format_ms(step.at_ms)), self.theme.dim),
                Span::styled(
                    format!("{:>3}A {:>3}R  ", step.admitted, step.rejected),
                    self.theme.text,
                ),
                Span::styled(decisions, self.theme.text),
            ]);
            buf.set_line(area.x, y, &line, area.width);
        }
        if steps.is_empty() {
            buf.set_stringn(
                area.x,
                area.y + 1,
                "none yet: r sends a request, b a burst, t moves the clock",
                usize::from(area.width),
                self.theme.dim,
            );
        }
    }

    fn render_help(&self, area: Rect, buf: &mut Buffer) {
        let width = area.width.saturating_sub(4).min(70);
        let height = area.height.saturating_sub(2).min(12);
        let popup = Rect {
            x: area.x + (area.width - width) / 2,
            y: area.y + (area.height - height) / 2,
            width,
            height,
        };
        Clear.render(popup, buf);
        let block = Block::bordered()
            .title(Span::styled(" keys ", self.theme.strong))
            .title_bottom(Span::styled(" any key closes ", self.theme.dim));
        let inner = block.inner(popup);
        block.render(popup, buf);
        let step = format_ms(self.lab.time_step_ms());
        let keys = [
            ("r", "one request now".to_owned()),
            ("b", format!("{BURST_SIZE} requests now")),
            ("t", format!("advance the clock +{step}")),
            (
                "space",
                "play the script's next step (enter or n too)".to_owned(),
            ),
            ("u", "undo the last step".to_owned()),
            ("?", "show or hide this help".to_owned()),
            ("q", "back".to_owned()),
        ];
        let mut lines: Vec<Line> = keys
            .into_iter()
            .map(|(key, action)| {
                Line::from(vec![
                    Span::styled(format!(" {key:<6} "), self.theme.strong),
                    Span::styled(action, self.theme.text),
                ])
            })
            .collect();
        lines.push(Line::default());
        lines.push(Line::styled(
            " The variables shown are the engine's, exact to the millisecond.",
            self.theme.dim,
        ));
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .render(inner, buf);
    }
}

/// One column of margin on the left.
fn indent(area: Rect) -> Rect {
    Rect {
        x: area.x.saturating_add(1),
        width: area.width.saturating_sub(1),
        ..area
    }
}

/// What a state row draws beside its text.
enum Picture {
    None,
    /// A bar `value / max` full.
    Gauge {
        value: u64,
        max: u64,
    },
    /// Points on a short time axis: (position 0..=1000 thousandths of the axis, mark).
    Marks(Vec<(u64, char)>),
}

struct StateRow {
    label: &'static str,
    picture: Picture,
    text: String,
}

fn row(label: &'static str, picture: Picture, text: String) -> StateRow {
    StateRow {
        label,
        picture,
        text,
    }
}

/// The marks on an axis `width` wide: `─` between them.
fn marks_line(marks: &[(u64, char)], width: usize) -> String {
    let mut line: Vec<char> = vec!['─'; width];
    for &(position, mark) in marks {
        let column = usize::try_from(position * width.saturating_sub(1) as u64 / 1000)
            .unwrap_or(0)
            .min(width.saturating_sub(1));
        if let Some(cell) = line.get_mut(column) {
            *cell = mark;
        }
    }
    line.into_iter().collect()
}

/// The algorithm's variables as labelled rows, with the gauge or axis each is best read on.
fn state_rows(config: LimiterConfig, state: LimiterState, now_ms: u64) -> Vec<StateRow> {
    let count_gauge = |count: u64, limit: u64| Picture::Gauge {
        value: count,
        max: limit,
    };
    let limit = match config {
        LimiterConfig::FixedWindow { limit, .. }
        | LimiterConfig::SlidingLog { limit, .. }
        | LimiterConfig::SlidingWindow { limit, .. }
        | LimiterConfig::RedisIncr { limit, .. } => u64::from(limit),
        LimiterConfig::Resilience4j {
            limit_for_period, ..
        } => u64::from(limit_for_period),
        LimiterConfig::LeakyQueue { queue, .. } => u64::from(queue),
        LimiterConfig::NginxLimitReq { burst, .. } => u64::from(burst),
        LimiterConfig::TokenBucket { burst, .. } | LimiterConfig::Gcra { burst, .. } => {
            u64::from(burst)
        }
        LimiterConfig::EnvoyTimer { max_tokens, .. } => u64::from(max_tokens),
        LimiterConfig::Guava { rate } => u64::from(rate),
    };
    match state {
        LimiterState::Window {
            window_start_ms,
            count,
        } => {
            let window = match config {
                LimiterConfig::FixedWindow { window_ms, .. } => window_ms,
                _ => 0,
            };
            vec![
                row(
                    "count",
                    count_gauge(u64::from(count), limit),
                    format!("{count} / {limit}"),
                ),
                row(
                    "window",
                    Picture::None,
                    format!(
                        "[{}, {})",
                        format_ms(window_start_ms),
                        format_ms(window_start_ms + window)
                    ),
                ),
            ]
        }
        LimiterState::Log { count, oldest_ms } => vec![
            row(
                "in window",
                count_gauge(u64::from(count), limit),
                format!("{count} / {limit}"),
            ),
            row(
                "oldest",
                Picture::None,
                oldest_ms.map_or("none".to_owned(), |at| {
                    format!("{} (leaves the window then + W)", format_ms(at))
                }),
            ),
        ],
        LimiterState::Weighted {
            window_start_ms,
            previous,
            current,
            estimate_milli,
        } => vec![
            row(
                "estimate",
                count_gauge(estimate_milli, limit * 1000),
                format!("{} / {limit}", format_milli(estimate_milli)),
            ),
            row(
                "windows",
                Picture::None,
                format!(
                    "previous {previous}, current {current} since {}",
                    format_ms(window_start_ms)
                ),
            ),
        ],
        LimiterState::Tokens {
            tokens_milli,
            capacity_milli,
        } => vec![row(
            "tokens",
            count_gauge(tokens_milli, capacity_milli),
            format!(
                "{} / {}",
                format_milli(tokens_milli),
                format_milli(capacity_milli)
            ),
        )],
        LimiterState::Gcra {
            tat_ms,
            tolerance_ms,
        } => {
            // The axis runs from now to now + τ + 2T (at least to the TAT): `|` now, `^` the
            // earliest admission TAT − τ, `T` the TAT.
            let interval = tat_interval(config);
            let end = (now_ms + tolerance_ms + 2 * interval)
                .max(tat_ms)
                .max(now_ms + 1);
            let at = |t: u64| t.saturating_sub(now_ms).min(end - now_ms) * 1000 / (end - now_ms);
            let earliest = tat_ms.saturating_sub(tolerance_ms);
            vec![
                row(
                    "TAT",
                    Picture::Marks(vec![(at(earliest), '^'), (at(tat_ms), 'T'), (0, '|')]),
                    format_ms(tat_ms).to_string(),
                ),
                row(
                    "admit from",
                    Picture::None,
                    format!(
                        "TAT − τ = {} (τ = {}){}",
                        format_ms(earliest),
                        format_ms(tolerance_ms),
                        if earliest <= now_ms { ": now" } else { "" }
                    ),
                ),
            ]
        }
        LimiterState::Queue {
            queue_len,
            drained_at_ms,
        } => vec![
            row(
                "queue",
                count_gauge(u64::from(queue_len), limit),
                format!("{queue_len} / {limit} waiting"),
            ),
            row("drained at", Picture::None, format_ms(drained_at_ms)),
        ],
        LimiterState::Guava {
            stored_milli,
            next_free_ms,
        } => vec![
            row(
                "stored",
                count_gauge(stored_milli, limit * 1000),
                format!("{} / {limit} permits", format_milli(stored_milli)),
            ),
            row("next free", Picture::None, format_ms(next_free_ms)),
        ],
        LimiterState::Cycle {
            cycle_start_ms,
            permissions,
        } => vec![
            row(
                "permissions",
                count_gauge(u64::try_from(permissions).unwrap_or(0), limit),
                format!("{permissions} / {limit}"),
            ),
            row("cycle from", Picture::None, format_ms(cycle_start_ms)),
        ],
        LimiterState::Counter {
            count,
            expires_at_ms,
        } => vec![
            row(
                "count",
                count_gauge(count, limit),
                format!("{count} / {limit}"),
            ),
            row(
                "expires",
                Picture::None,
                expires_at_ms.map_or("no key".to_owned(), format_ms),
            ),
        ],
    }
}

/// The window a limiter counts in, for boundaries on the timeline.
fn window_ms(config: LimiterConfig) -> Option<u64> {
    match config {
        LimiterConfig::FixedWindow { window_ms, .. }
        | LimiterConfig::SlidingWindow { window_ms, .. } => Some(window_ms),
        LimiterConfig::Resilience4j {
            limit_refresh_period_ns,
            ..
        } => Some(limit_refresh_period_ns / 1_000_000).filter(|&ms| ms > 0),
        LimiterConfig::SlidingLog { .. }
        | LimiterConfig::RedisIncr { .. }
        | LimiterConfig::TokenBucket { .. }
        | LimiterConfig::Gcra { .. }
        | LimiterConfig::LeakyQueue { .. }
        | LimiterConfig::NginxLimitReq { .. }
        | LimiterConfig::EnvoyTimer { .. }
        | LimiterConfig::Guava { .. } => None,
    }
}

/// GCRA's emission interval in whole ms (at least 1), for the TAT axis.
fn tat_interval(config: LimiterConfig) -> u64 {
    match config {
        LimiterConfig::Gcra { rate, .. } => 1000u64.div_ceil(u64::from(rate.max(1))),
        _ => 1,
    }
}

impl Widget for &LimiterStepper {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
            let message = format!("too small: {MIN_WIDTH}x{MIN_HEIGHT} needed");
            Paragraph::new(message)
                .wrap(Wrap { trim: true })
                .render(area, buf);
            return;
        }
        self.render_screen(area, buf);
        if self.lab.help_visible() {
            self.render_help(area, buf);
        }
    }
}

impl App for LimiterStepper {
    type Msg = LimiterInput;
    type Effect = LimiterEffect;
    type Output = ();

    fn message(&self, event: &Event) -> Option<LimiterInput> {
        match event {
            Event::Key(key) => self.input_for(key),
            Event::Resize { .. } | Event::Tick => None,
        }
    }

    fn update(&mut self, input: LimiterInput) -> Option<LimiterEffect> {
        self.lab.handle(input)
    }

    fn render(&self, frame: &mut Frame<'_>) {
        frame.render_widget(self, frame.area());
    }

    fn perform(&mut self, effect: LimiterEffect) -> Flow<()> {
        match effect {
            LimiterEffect::Close => Flow::Exit(()),
        }
    }
}

#[cfg(test)]
mod tests;
