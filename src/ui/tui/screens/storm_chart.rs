//! `patterns sim storm` on a terminal: for one client count, bar charts of calls and of
//! completion time per strategy; for a sweep, calls against client count, one line per
//! strategy. For one run with a load timeline, `l` toggles the bars and the load over time
//! (write calls per bucket, one line per strategy; `+`/`-` zoom, arrows pan, `n` shows
//! no-backoff). `q` quits. The results are computed before the screen opens; it only draws.

pub mod load;

pub use load::{LoadTimeline, LoadView, Window, load_resolution};

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyModifiers};
use ratatui::layout::{Constraint, Layout};
use ratatui::style::{Color, Style};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Axis, Bar, BarChart, BarGroup, Block, Chart, Dataset, GraphType, Paragraph,
};

use crate::engine::duration::format_duration;
use crate::engine::storm::Strategy;
use crate::engine::storm::contention::ContentionSummary;
use crate::engine::storm::outage::OutageSummary;
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

impl From<&ContentionSummary> for StormPoint {
    /// A contention row: its time is the mean completion.
    fn from(r: &ContentionSummary) -> Self {
        Self {
            strategy: r.strategy,
            clients: r.clients,
            calls: r.calls,
            time_ms: r.completion_ms,
        }
    }
}

impl From<&OutageSummary> for StormPoint {
    /// An outage row: its time is the time to drain (0 when it never drained).
    fn from(r: &OutageSummary) -> Self {
        Self {
            strategy: r.strategy,
            clients: r.clients,
            calls: r.calls,
            time_ms: r.time_to_drain_ms.unwrap_or(0.0),
        }
    }
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
    /// One run's load over time, and the part of it shown.
    load: Option<Load>,
    /// Whether the load view is shown instead of the bars.
    show_load: bool,
    theme: Theme,
}

#[derive(Debug, Clone, PartialEq)]
struct Load {
    timeline: LoadTimeline,
    window: Window,
    /// Whether no-backoff's line is drawn; see [`StormChart::with_load`].
    show_no_backoff: bool,
    /// One per strategy shown, in drawing order.
    lines: Vec<LoadLine>,
    /// The y axis's top: the most calls in one bucket among the lines shown.
    top: f64,
}

/// One strategy's line in the load view.
#[derive(Debug, Clone, PartialEq)]
struct LoadLine {
    /// The strategy's position among all (its colour, the same as its bar's).
    index: usize,
    strategy: Strategy,
    /// (bucket start in ms, write calls).
    points: Vec<(f64, f64)>,
}

impl Load {
    fn new(timeline: LoadTimeline) -> Self {
        let window = timeline.default_window();
        // Shown at first only when it is the only line.
        let show_no_backoff = timeline.strategies().all(|s| s == Strategy::NoBackoff);
        let mut load = Self {
            timeline,
            window,
            show_no_backoff,
            lines: Vec::new(),
            top: 1.0,
        };
        load.refresh();
        load
    }

    /// Recomputes the lines for the current window (on a key, not on every draw).
    fn refresh(&mut self) {
        let view = self.timeline.view(&self.window);
        let ms = view.window.bucket().as_secs_f64() * 1e3;
        let start = view.window.start().as_secs_f64() * 1e3;
        self.lines = view
            .series
            .into_iter()
            .enumerate()
            .filter(|(_, (strategy, _))| self.show_no_backoff || *strategy != Strategy::NoBackoff)
            .map(|(index, (strategy, counts))| LoadLine {
                index,
                strategy,
                points: counts
                    .iter()
                    .enumerate()
                    .map(|(b, &n)| (start + b as f64 * ms, n as f64))
                    .collect(),
            })
            .collect();
        // Later lines draw over earlier ones: exponential's bursts on top, where they are
        // seen whole; no-backoff, when shown, underneath everything.
        self.lines.sort_by_key(|line| match line.strategy {
            Strategy::NoBackoff => 0,
            Strategy::Exponential => 2,
            _ => 1,
        });
        self.top = self
            .lines
            .iter()
            .flat_map(|line| line.points.iter().map(|p| p.1))
            .fold(1.0, f64::max);
    }

    /// Whether `n` means anything: no-backoff is compared with other strategies.
    fn has_no_backoff_to_toggle(&self) -> bool {
        let strategies = || self.timeline.strategies();
        strategies().any(|s| s == Strategy::NoBackoff) && strategies().count() > 1
    }
}

/// What a key asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Msg {
    Quit,
    /// Switch between the bar charts and the load over time.
    ToggleLoad,
    /// Load view: the next narrower window (steps of 1, 2, 5), in finer buckets.
    ZoomIn,
    /// Load view: the next wider window, up to the whole run.
    ZoomOut,
    /// Load view: half a window earlier.
    Earlier,
    /// Load view: half a window later.
    Later,
    /// Load view: show or hide no-backoff's line.
    ToggleNoBackoff,
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

    /// Adds one run's load over time (see [`LoadTimeline`]); enables `l`. The view opens on
    /// the default window (where most calls land, in fine buckets).
    ///
    /// No-backoff's line is hidden at first when other strategies are compared (`n` shows
    /// it; the footer says so). Its clients never wait, so they go round every ~40 ms and,
    /// in fine buckets, its line saws from zero to the top across the whole window and
    /// covers what this view is for: exponential's periodic bursts against the jittered
    /// strategies' steady trickle (its cost is what the bars show). A log y axis was the
    /// other choice; it keeps every line but flattens exactly those bursts (30 calls
    /// against 5 become 1.5 against 0.7 decades), and few learners read log axes at a
    /// glance. The y axis is always set by the lines shown, within the window.
    pub fn with_load(mut self, timeline: LoadTimeline) -> Self {
        self.load = Some(Load::new(timeline));
        self
    }

    /// Opens on the load view (`--load`), when there is one.
    pub fn showing_load(mut self) -> Self {
        self.show_load = self.load.is_some();
        self
    }

    fn load_chart<'a>(&self, load: &'a Load) -> Chart<'a> {
        let datasets = load
            .lines
            .iter()
            .map(|line| self.dataset(line.index, line.strategy).data(&line.points))
            .collect();
        let window = &load.window;
        let (start, end) = (window.start(), window.end());
        let (from, to) = (start.as_secs_f64() * 1e3, end.as_secs_f64() * 1e3);
        let middle = start + (end - start) / 2;
        let title = format!(
            // The run's span ends with its last write (its bucket's end).
            "write calls per {}, {} of {}",
            format_duration(window.bucket()),
            window.describe(),
            format_duration(load.timeline.span())
        );
        let top = load.top;
        Chart::new(datasets)
            .block(Block::bordered().title(title))
            .x_axis(Axis::default().title("time").bounds([from, to]).labels([
                format_duration(start),
                format_duration(middle),
                format_duration(end),
            ]))
            .y_axis(Axis::default().title("calls").bounds([0.0, top]).labels([
                "0".to_owned(),
                format!("{:.0}", top / 2.0),
                format!("{top:.0}"),
            ]))
            .legend_position(Some(ratatui::widgets::LegendPosition::TopRight))
            .hidden_legend_constraints((Constraint::Percentage(50), Constraint::Percentage(60)))
    }

    /// A line's dataset: in colour, braille in the series' colour; under NO_COLOR, the
    /// strategy's own marker, shown beside its name in the legend (the only way to tell
    /// the lines apart without colour).
    fn dataset(&self, index: usize, strategy: Strategy) -> Dataset<'static> {
        let (marker, name) = match self.theme.mode {
            ColorMode::Color => (Marker::Braille, strategy.name().to_owned()),
            ColorMode::NoColor => {
                let (marker, symbol) = mark(strategy);
                (marker, format!("{symbol} {}", strategy.name()))
            }
        };
        Dataset::default()
            .name(name)
            .marker(marker)
            .graph_type(GraphType::Line)
            .style(self.style(index))
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
            .map(|(i, (strategy, line))| self.dataset(i, *strategy).data(line))
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

/// Under NO_COLOR, each strategy's marker and the symbol the legend shows for it: five
/// textures a line can be told by (solid blocks for the clustering exponential, fine braille
/// for full jitter, which spreads).
fn mark(strategy: Strategy) -> (Marker, &'static str) {
    match strategy {
        Strategy::NoBackoff => (Marker::Dot, "•"),
        Strategy::Exponential => (Marker::Block, "█"),
        Strategy::Equal => (Marker::Bar, "▄"),
        Strategy::Full => (Marker::Braille, "⠿"),
        Strategy::Decorrelated => (Marker::Quadrant, "▚"),
        Strategy::Proportional => (Marker::HalfBlock, "▀"),
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

impl StormChart {
    /// The load view's keys, while it is shown.
    fn load_message(&self, code: KeyCode) -> Option<Msg> {
        let load = self.load.as_ref().filter(|_| self.show_load)?;
        match code {
            // `=` is `+` without shift on most layouts.
            KeyCode::Char('+' | '=') => Some(Msg::ZoomIn),
            KeyCode::Char('-') => Some(Msg::ZoomOut),
            KeyCode::Left => Some(Msg::Earlier),
            KeyCode::Right => Some(Msg::Later),
            KeyCode::Char('n') if load.has_no_backoff_to_toggle() => Some(Msg::ToggleNoBackoff),
            _ => None,
        }
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
            _ => self.load_message(key.code),
        }
    }

    fn update(&mut self, msg: Msg) -> Option<Quit> {
        match msg {
            Msg::Quit => Some(Quit),
            Msg::ToggleLoad => {
                self.show_load = !self.show_load;
                None
            }
            Msg::ZoomIn | Msg::ZoomOut | Msg::Earlier | Msg::Later | Msg::ToggleNoBackoff => {
                if let Some(load) = self.load.as_mut() {
                    let timeline = &load.timeline;
                    match msg {
                        Msg::ZoomIn => load.window = timeline.narrower(&load.window),
                        Msg::ZoomOut => load.window = timeline.wider(&load.window),
                        Msg::Earlier => load.window = timeline.earlier(&load.window),
                        Msg::Later => load.window = timeline.later(&load.window),
                        _ => load.show_no_backoff = !load.show_no_backoff,
                    }
                    load.refresh();
                }
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
        if let Some(load) = &self.load {
            let other = if self.show_load { " bars" } else { " load" };
            let mut hint = |key: &'static str, what: &'static str| {
                hints.push(Span::styled(key, self.theme.footer_key));
                hints.push(Span::styled(what, self.theme.footer));
            };
            hint("  l", other);
            if self.show_load {
                hint("  +/-", " zoom");
                hint("  ←/→", " pan");
                if load.has_no_backoff_to_toggle() {
                    let what = if load.show_no_backoff {
                        " hide no-backoff"
                    } else {
                        " show no-backoff"
                    };
                    hint("  n", what);
                }
            }
        }
        frame.render_widget(Paragraph::new(Line::from(hints)), footer);
    }

    fn perform(&mut self, Quit: Quit) -> Flow<()> {
        Flow::Exit(())
    }
}
