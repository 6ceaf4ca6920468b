//! The stepper screen: a [`Lab`] drawn as a state diagram, gauges, a timeline and the script,
//! driven by keys. `update` hands inputs to the lab; rendering only reads it. Two layouts:
//! compact for 80x24 and bordered sections with a transition log from 100x32 up; compare mode
//! (several lanes) draws one column per breaker instead (see `compare.rs`).

mod compare;
mod status;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Widget, Wrap};

use crate::engine::breaker::State;
use crate::engine::duration::format_duration;
use crate::session::lab::{Input, Lab, LabEffect, Lane, Prediction};
use crate::ui::sanitize::strip_controls;
use crate::ui::tui::event::{App, Event, Flow};
use crate::ui::tui::theme::Theme;
use crate::ui::tui::widgets::breaker_gauges::BreakerGauges;
use crate::ui::tui::widgets::lab_style;
use crate::ui::tui::widgets::state_diagram::{DIAGRAM_HEIGHT, StateDiagram, reason_line};
use crate::ui::tui::widgets::timeline::Timeline;

/// The lab on screen.
#[derive(Debug, Clone)]
pub struct Stepper {
    lab: Lab,
    title: String,
    theme: Theme,
}

impl Stepper {
    /// A stepper over `lab`, titled `title` (e.g. "sim breaker · seed preset").
    pub fn new(lab: Lab, title: impl Into<String>, theme: Theme) -> Self {
        let title = strip_controls(&title.into()).replace(['\n', '\t'], " ");
        Self { lab, title, theme }
    }

    pub fn lab(&self) -> &Lab {
        &self.lab
    }

    /// The lab, for whoever ran the screen (score, steps).
    pub fn into_lab(self) -> Lab {
        self.lab
    }

    /// The lab input for a key, if the stepper uses it.
    pub fn input_for(&self, key: &KeyEvent) -> Option<Input> {
        if key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
        {
            return None;
        }
        let predicting = self.lab.prediction() == Prediction::Ask;
        let input = match key.code {
            KeyCode::Char('s') => Input::Success,
            KeyCode::Char('f') => Input::Failure,
            KeyCode::Char('S') => Input::SlowSuccess,
            KeyCode::Char('F') => Input::SlowFailure,
            KeyCode::Char('t') => Input::AdvanceTime,
            KeyCode::Char(' ' | 'n') | KeyCode::Enter => Input::NextScripted,
            KeyCode::Char('u') => Input::Undo,
            KeyCode::Char('?') => Input::ToggleHelp,
            KeyCode::Char('q') => Input::Back,
            KeyCode::Char('c') if predicting => Input::Predict(State::Closed),
            KeyCode::Char('o') if predicting => Input::Predict(State::Open),
            KeyCode::Char('h') if predicting => Input::Predict(State::HalfOpen),
            KeyCode::Esc if self.lab.pending().is_some() => Input::Cancel,
            KeyCode::Esc if self.lab.help_visible() => Input::ToggleHelp,
            KeyCode::Esc => Input::Back,
            // Any other key closes the help, as the footer promises.
            _ if self.lab.help_visible() => Input::ToggleHelp,
            _ => return None,
        };
        Some(input)
    }

    fn render_title(&self, area: Rect, buf: &mut Buffer) {
        if area.is_empty() {
            return;
        }
        buf.set_style(area, self.theme.title);
        let lane = self.lab.lane();
        let right = match self.lab.lanes().len() {
            1 => format!(
                "clock {} · step {} ",
                format_duration(lane.now()),
                self.lab.steps()
            ),
            _ => format!("step {} ", self.lab.steps()),
        };
        let right_width = u16::try_from(right.chars().count()).unwrap_or(u16::MAX);
        let left = format!(" {}", self.title);
        buf.set_stringn(
            area.x,
            area.y,
            &left,
            usize::from(area.width.saturating_sub(right_width + 1)),
            self.theme.title,
        );
        if right_width <= area.width {
            buf.set_string(area.right() - right_width, area.y, &right, self.theme.title);
        }
    }

    fn render_footer(&self, area: Rect, buf: &mut Buffer) {
        if area.is_empty() {
            return;
        }
        buf.set_style(area, self.theme.footer);
        let step = format!("+{}", format_duration(self.lab.time_step()));
        let mut hints: Vec<(&str, &str)> = Vec::with_capacity(10);
        if self.lab.prediction() == Prediction::Ask {
            hints.push(("c/o/h", "predict"));
        }
        hints.extend([
            ("s", "success"),
            ("f", "failure"),
            ("t", step.as_str()),
            ("space", "next"),
            ("u", "undo"),
            ("?", "help"),
            ("q", "back"),
            ("S/F", "slow"),
        ]);
        let mut spans = Vec::new();
        let mut used = 0usize;
        for (key, action) in hints {
            let width = key.chars().count() + action.chars().count() + 3;
            if used + width > usize::from(area.width) {
                break;
            }
            used += width;
            spans.push(Span::styled(format!(" {key}"), self.theme.footer_key));
            spans.push(Span::styled(format!(" {action} "), self.theme.footer));
        }
        buf.set_line(area.x, area.y, &Line::from(spans), area.width);
    }

    fn render_config(&self, area: Rect, buf: &mut Buffer) {
        let config = self.lab.lane().breaker().config().to_string();
        let line = Line::styled(config, self.theme.dim);
        Paragraph::new(line)
            .wrap(Wrap { trim: true })
            .render(area, buf);
    }

    /// One breaker, without borders: fits 80x24.
    fn render_compact(&self, area: Rect, buf: &mut Buffer) {
        let lane = self.lab.lane();
        let counters = lane.counters();
        let gauges = BreakerGauges::height(&counters);
        let essential = 1 + 1 + DIAGRAM_HEIGHT + 1 + gauges + 3 + 2 + 1;
        let mut extra = area.height.saturating_sub(essential);
        let mut take = |wanted: u16| {
            let got = wanted.min(extra);
            extra -= got;
            got
        };
        // Room goes first to a second reason line, then to air between the sections.
        let reason = 1 + take(1);
        let gaps = [take(1), take(1), take(1)];
        let [
            title,
            config,
            _,
            diagram,
            _,
            meters,
            _,
            timeline,
            status,
            footer,
        ] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Length(gaps[0]),
            Constraint::Length(DIAGRAM_HEIGHT + reason),
            Constraint::Length(gaps[1]),
            Constraint::Length(gauges),
            Constraint::Length(gaps[2]),
            Constraint::Length(3),
            Constraint::Fill(1),
            Constraint::Length(1),
        ])
        .areas(area);
        self.render_title(title, buf);
        self.render_config(indent(config), buf);
        StateDiagram::new(lane.breaker(), &self.theme).render(diagram, buf);
        BreakerGauges::new(&counters, &self.theme).render(indent(meters), buf);
        Timeline::new(lane.timeline(), &self.theme).render(indent(timeline), buf);
        status::render(&self.lab, &self.theme, indent(status), buf);
        self.render_footer(footer, buf);
    }

    /// One breaker in bordered sections: diagram, counters and settings on the left, the
    /// transition log on the right, the timeline and the script below.
    fn render_wide(&self, area: Rect, buf: &mut Buffer) {
        let lane = self.lab.lane();
        let counters = lane.counters();
        let gauges = BreakerGauges::height(&counters);
        let [title, top, timeline, status, footer] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Fill(1),
            Constraint::Length(5),
            Constraint::Length(5),
            Constraint::Length(1),
        ])
        .areas(area);
        self.render_title(title, buf);
        let [left, log] =
            Layout::horizontal([Constraint::Percentage(62), Constraint::Fill(1)]).areas(top);
        let [diagram, meters, settings] = Layout::vertical([
            Constraint::Length(DIAGRAM_HEIGHT + 2 + 2),
            Constraint::Length(gauges + 2),
            Constraint::Fill(1),
        ])
        .areas(left);
        let diagram = self.section("state", diagram, buf);
        StateDiagram::new(lane.breaker(), &self.theme).render(diagram, buf);
        let meters = self.section("counters", meters, buf);
        BreakerGauges::new(&counters, &self.theme).render(meters, buf);
        let settings = self.section("breaker", settings, buf);
        let config = lane.breaker().config().to_string();
        let lines: Vec<Line> = config
            .split(" · ")
            .map(|part| Line::styled(part.to_owned(), self.theme.text))
            .collect();
        Paragraph::new(lines)
            .wrap(Wrap { trim: true })
            .render(settings, buf);
        let log = self.section("transitions, newest first", log, buf);
        transition_log(lane, &self.theme, log, buf);
        let timeline = self.section("timeline", timeline, buf);
        Timeline::new(lane.timeline(), &self.theme).render(timeline, buf);
        let name = if self.lab.script().is_some() {
            "script"
        } else {
            "status"
        };
        let status = self.section(name, status, buf);
        status::render(&self.lab, &self.theme, status, buf);
        self.render_footer(footer, buf);
    }

    /// Draws a titled border around `area` and returns the inside, less a column of margin.
    fn section(&self, name: &str, area: Rect, buf: &mut Buffer) -> Rect {
        let block = Block::bordered()
            .border_style(self.theme.dim)
            .title(Span::styled(format!(" {name} "), self.theme.strong));
        let inner = block.inner(area);
        block.render(area, buf);
        indent(inner)
    }

    fn render_help(&self, area: Rect, buf: &mut Buffer) {
        let width = area.width.saturating_sub(4).min(76);
        let height = area.height.saturating_sub(2).min(17);
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
        let slow = format_duration(self.lab.slow_call());
        let step = format_duration(self.lab.time_step());
        let next = self
            .lab
            .next_token()
            .map_or("no script".to_owned(), |token| {
                format!("next: {}", token.text)
            });
        let keys: [(&str, String); 10] = [
            ("s", "a call that succeeds".to_owned()),
            ("f", "a call that fails".to_owned()),
            (
                "S / F",
                format!("a slow call (takes {slow}) that succeeds / fails"),
            ),
            (
                "t",
                format!("advance the clock +{step} (when OPEN: just past recovery_timeout)"),
            ),
            (
                "space",
                format!("play the script's next step ({next}); enter or n too"),
            ),
            ("u", "undo the last step".to_owned()),
            (
                "c o h",
                "predict CLOSED / OPEN / HALF_OPEN (prediction mode)".to_owned(),
            ),
            ("esc", "cancel a step waiting for a prediction".to_owned()),
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
            " Every state shown is the engine's: the same breaker a service would run.",
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

/// The lane's transitions, newest first, each with its time and reason.
pub(super) fn transition_log(lane: &Lane, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let mut lines = Vec::new();
    for t in lane.breaker().transitions().rev() {
        lines.push(Line::from(vec![
            Span::styled(format!("{} ", format_duration(t.at)), theme.dim),
            Span::styled(t.from.as_str(), lab_style::state_text(theme, t.from)),
            Span::styled(" → ", theme.dim),
            Span::styled(t.to.as_str(), lab_style::state_text(theme, t.to)),
        ]));
        lines.push(Line::styled(format!("  {}", t.reason), theme.text));
    }
    if lines.is_empty() {
        lines.push(reason_line(None, theme));
    }
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .render(area, buf);
}

impl Widget for &Stepper {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if self.lab.lanes().len() > 1 {
            compare::render(self, area, buf);
        } else if area.width >= 100 && area.height >= 32 {
            self.render_wide(area, buf);
        } else {
            self.render_compact(area, buf);
        }
        if self.lab.help_visible() {
            self.render_help(area, buf);
        }
    }
}

impl App for Stepper {
    type Msg = Input;
    type Effect = LabEffect;
    type Output = ();

    fn message(&self, event: &Event) -> Option<Input> {
        match event {
            Event::Key(key) => self.input_for(key),
            // Rendering reads the frame's size itself; the loop redraws on resize. A paste
            // is not a run of calls: ignored.
            Event::Resize { .. } | Event::Tick | Event::Paste(_) => None,
        }
    }

    fn update(&mut self, input: Input) -> Option<LabEffect> {
        self.lab.handle(input)
    }

    fn render(&self, frame: &mut Frame<'_>) {
        frame.render_widget(self, frame.area());
    }

    fn perform(&mut self, effect: LabEffect) -> Flow<()> {
        match effect {
            LabEffect::Close => Flow::Exit(()),
        }
    }
}

#[cfg(test)]
mod tests;
