//! `patterns sim storm` on a terminal: for one client count, bar charts of calls and of
//! completion time per strategy; for a sweep, calls against client count, one line per
//! strategy. For one run with a load timeline, `l` toggles the bars and the load over time
//! (write calls per bucket, one line per strategy). `q` quits. The results are computed
//! before the screen opens; it only draws.

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyModifiers};
use ratatui::layout::{Constraint, Layout};
use ratatui::style::{Color, Style};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Axis, Bar, BarChart, BarGroup, Block, Chart, Dataset, GraphType, Paragraph,
};

use std::time::Duration;

use crate::engine::duration::format_duration;
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
    /// One run's load: the bucket, and per strategy (bucket start in ms, write calls).
    load: Option<Load>,
    /// Whether the load view is shown instead of the bars.
    show_load: bool,
    theme: Theme,
}

#[derive(Debug, Clone, PartialEq)]
struct Load {
    bucket: Duration,
    lines: Vec<(Strategy, Vec<(f64, f64)>)>,
}

/// What a key asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Msg {
    Quit,
    /// Switch between the bar charts and the load over time.
    ToggleLoad,
}

/// The one effect: leave.
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
            load: None,
            show_load: false,
            theme,
        }
    }

    /// Adds one run's load over time: per strategy, write calls per `bucket` (as
    /// `contention::simulate_with_load` returns them). Enables `l`.
    pub fn with_load(mut self, bucket: Duration, load: Vec<(Strategy, Vec<u32>)>) -> Self {
        let ms = bucket.as_secs_f64() * 1e3;
        let lines = load
            .into_iter()
            .map(|(strategy, counts)| {
                let line = counts
                    .iter()
                    .enumerate()
                    .map(|(i, &n)| (i as f64 * ms, f64::from(n)))
                    .collect();
                (strategy, line)
            })
            .collect();
        self.load = Some(Load { bucket, lines });
        self
    }

    fn load_chart<'a>(&self, load: &'a Load) -> Chart<'a> {
        let datasets = load
            .lines
            .iter()
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
        let end = load
            .lines
            .iter()
            .filter_map(|(_, line)| line.last().map(|p| p.0))
            .fold(0.0, f64::max);
        let top = load
            .lines
            .iter()
            .flat_map(|(_, line)| line.iter().map(|p| p.1))
            .fold(1.0, f64::max);
        let end_label = format_duration(Duration::from_secs_f64(end / 1e3));
        let title = format!("write calls per {} over time", format_duration(load.bucket));
        Chart::new(datasets)
            .block(Block::bordered().title(title))
            .x_axis(
                Axis::default()
                    .title("time")
                    .bounds([0.0, end.max(1.0)])
                    .labels(["0".to_owned(), end_label]),
            )
            .y_axis(Axis::default().title("calls").bounds([0.0, top]).labels([
                "0".to_owned(),
                format!("{:.0}", top / 2.0),
                format!("{top:.0}"),
            ]))
            .legend_position(Some(ratatui::widgets::LegendPosition::TopRight))
            .hidden_legend_constraints((Constraint::Percentage(50), Constraint::Percentage(60)))
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

/// The load view's bucket for a run whose slowest strategy completed at `slowest`: whole
/// milliseconds, at least one, so the line has about 100 points (at most 100).
pub fn load_bucket(slowest: Duration) -> Duration {
    let ms = slowest.as_millis().div_ceil(100).max(1);
    Duration::from_millis(u64::try_from(ms).unwrap_or(u64::MAX))
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
    type Msg = Msg;
    type Effect = Quit;
    type Output = ();

    fn message(&self, event: &Event) -> Option<Msg> {
        let Event::Key(key) = event else {
            return None;
        };
        let plain = !key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        if !plain {
            return None;
        }
        match key.code {
            KeyCode::Char('q') | KeyCode::Esc => Some(Msg::Quit),
            KeyCode::Char('l') if self.load.is_some() => Some(Msg::ToggleLoad),
            _ => None,
        }
    }

    fn update(&mut self, msg: Msg) -> Option<Quit> {
        match msg {
            Msg::Quit => Some(Quit),
            Msg::ToggleLoad => {
                self.show_load = !self.show_load;
                None
            }
        }
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
        if let (true, Some(load)) = (self.show_load, &self.load) {
            frame.render_widget(self.load_chart(load), body);
        } else if self.is_sweep() {
            frame.render_widget(self.sweep(), body);
        } else {
            let [calls, time] =
                Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
                    .areas(body);
            frame.render_widget(self.bars("calls", |p| p.calls), calls);
            let time_title = format!("{} (ms)", self.time_name);
            frame.render_widget(self.bars(&time_title, |p| p.time_ms), time);
        }
        let mut hints = vec![
            Span::styled("q", self.theme.footer_key),
            Span::styled(" quit", self.theme.footer),
        ];
        if self.load.is_some() {
            let other = if self.show_load { " bars" } else { " load" };
            hints.push(Span::styled("  l", self.theme.footer_key));
            hints.push(Span::styled(other, self.theme.footer));
        }
        frame.render_widget(Paragraph::new(Line::from(hints)), footer);
    }

    fn perform(&mut self, Quit: Quit) -> Flow<()> {
        Flow::Exit(())
    }
}
