//! `patterns sim storm` on a terminal: for one client count, bar charts of calls and of
//! completion time per strategy; for a sweep, calls against client count, one line per
//! strategy. `q` quits. The results are computed before the screen opens; it only draws.

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyModifiers};
use ratatui::layout::{Constraint, Layout};
use ratatui::style::{Color, Style};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Axis, Bar, BarChart, BarGroup, Block, Chart, Dataset, GraphType, Paragraph,
};

use crate::engine::storm::Strategy;
use crate::ui::tui::event::{App, Event, Flow};
use crate::ui::tui::theme::{ColorMode, Theme};

const COLOURS: [Color; 6] = [
    Color::Red,
    Color::Blue,
    Color::Green,
    Color::Magenta,
    Color::Yellow,
    Color::Cyan,
];
const MARKERS: [Marker; 6] = [
    Marker::Dot,
    Marker::Block,
    Marker::Bar,
    Marker::HalfBlock,
    Marker::Braille,
    Marker::Dot,
];

/// One row of results as the chart needs it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StormPoint {
    pub strategy: Strategy,
    pub clients: u32,
    /// Mean calls per run.
    pub calls: f64,
    /// Mean completion (contention) or time to drain (outage), in milliseconds.
    pub time_ms: f64,
}

/// The storm chart's state: the results, and the lines derived from them once.
#[derive(Debug, Clone, PartialEq)]
pub struct StormChart {
    title: String,
    /// What `time_ms` measures, e.g. "completion".
    time_name: String,
    points: Vec<StormPoint>,
    strategies: Vec<Strategy>,
    /// Per strategy, (clients, calls) in client order: the sweep's lines.
    lines: Vec<Vec<(f64, f64)>>,
    theme: Theme,
}

/// The one message and effect: leave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quit;

impl StormChart {
    /// A chart of `points` (one per strategy and client count, any order).
    pub fn new(
        title: impl Into<String>,
        time_name: impl Into<String>,
        points: Vec<StormPoint>,
        theme: Theme,
    ) -> Self {
        let mut strategies: Vec<Strategy> = Vec::new();
        for point in &points {
            if !strategies.contains(&point.strategy) {
                strategies.push(point.strategy);
            }
        }
        let lines = strategies
            .iter()
            .map(|&strategy| {
                let mut line: Vec<(f64, f64)> = points
                    .iter()
                    .filter(|p| p.strategy == strategy)
                    .map(|p| (f64::from(p.clients), p.calls))
                    .collect();
                line.sort_by(|a, b| a.0.total_cmp(&b.0));
                line
            })
            .collect();
        Self {
            title: title.into(),
            time_name: time_name.into(),
            points,
            strategies,
            lines,
            theme,
        }
    }

    fn is_sweep(&self) -> bool {
        self.lines.iter().any(|line| line.len() > 1)
    }

    fn style(&self, index: usize) -> Style {
        match self.theme.mode {
            ColorMode::Color => Style::default().fg(COLOURS[index % COLOURS.len()]),
            ColorMode::NoColor => Style::default(),
        }
    }

    fn bars(&self, name: &str, value: fn(&StormPoint) -> f64) -> BarChart<'_> {
        let bars: Vec<Bar<'_>> = self
            .points
            .iter()
            .enumerate()
            .map(|(i, point)| {
                let value = value(point);
                Bar::new(value.round() as u64)
                    .label(Line::from(short(point.strategy)))
                    .text_value(format!("{value:.0}"))
                    .style(self.style(i))
            })
            .collect();
        BarChart::default()
            .block(Block::bordered().title(name.to_owned()))
            .data(BarGroup::default().bars(&bars))
            .bar_width(5)
            .bar_gap(1)
    }

    fn sweep(&self) -> Chart<'_> {
        let datasets = self
            .strategies
            .iter()
            .zip(&self.lines)
            .enumerate()
            .map(|(i, (strategy, line))| {
                let marker = match self.theme.mode {
                    ColorMode::Color => Marker::Braille,
                    ColorMode::NoColor => MARKERS[i % MARKERS.len()],
                };
                Dataset::default()
                    .name(strategy.name())
                    .marker(marker)
                    .graph_type(GraphType::Line)
                    .style(self.style(i))
                    .data(line)
            })
            .collect();
        let clients = |pick: fn(f64, f64) -> f64, start: f64| {
            self.points
                .iter()
                .map(|p| f64::from(p.clients))
                .fold(start, pick)
        };
        let (low, high) = (clients(f64::min, f64::MAX), clients(f64::max, 0.0));
        let top = self.points.iter().map(|p| p.calls).fold(1.0, f64::max);
        Chart::new(datasets)
            .block(Block::bordered().title("calls against clients"))
            .x_axis(
                Axis::default()
                    .title("clients")
                    .bounds([low, high.max(low + 1.0)])
                    .labels([format!("{low:.0}"), format!("{high:.0}")]),
            )
            .y_axis(Axis::default().title("calls").bounds([0.0, top]).labels([
                "0".to_owned(),
                format!("{:.0}", top / 2.0),
                format!("{top:.0}"),
            ]))
            .legend_position(Some(ratatui::widgets::LegendPosition::TopLeft))
            .hidden_legend_constraints((Constraint::Percentage(50), Constraint::Percentage(60)))
    }
}

/// Bar labels fit five columns.
fn short(strategy: Strategy) -> &'static str {
    match strategy {
        Strategy::NoBackoff => "none",
        Strategy::Exponential => "expo",
        Strategy::Equal => "equal",
        Strategy::Full => "full",
        Strategy::Decorrelated => "decor",
        Strategy::Proportional => "prop",
    }
}

impl App for StormChart {
    type Msg = Quit;
    type Effect = Quit;
    type Output = ();

    fn message(&self, event: &Event) -> Option<Quit> {
        let Event::Key(key) = event else {
            return None;
        };
        let plain = !key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        (plain && matches!(key.code, KeyCode::Char('q') | KeyCode::Esc)).then_some(Quit)
    }

    fn update(&mut self, msg: Quit) -> Option<Quit> {
        Some(msg)
    }

    fn render(&self, frame: &mut Frame<'_>) {
        let [title, body, footer] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(6),
            Constraint::Length(1),
        ])
        .areas(frame.area());
        frame.render_widget(
            Paragraph::new(self.title.as_str()).style(self.theme.title),
            title,
        );
        if self.is_sweep() {
            frame.render_widget(self.sweep(), body);
        } else {
            let [calls, time] =
                Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
                    .areas(body);
            frame.render_widget(self.bars("calls", |p| p.calls), calls);
            let time_title = format!("{} (ms)", self.time_name);
            frame.render_widget(self.bars(&time_title, |p| p.time_ms), time);
        }
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled("q", self.theme.footer_key),
                Span::styled(" quit", self.theme.footer),
            ])),
            footer,
        );
    }

    fn perform(&mut self, Quit: Quit) -> Flow<()> {
        Flow::Exit(())
    }
}
