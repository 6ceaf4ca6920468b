//! `patterns sim system` on a terminal: three views of one run, over time. Busy workers per
//! service (a cascade shows as one pool filling after another), the outcomes of one
//! service's calls stacked by reason, and p50/p99 latency per service. `v` switches view,
//! `1`-`9` show or hide a service, `+`/`-` zoom, arrows pan, `q` quits. The run is computed
//! before the screen opens; keys only change what is shown, and the lines are derived on a
//! key, never on a draw.

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyModifiers};
use ratatui::layout::{Constraint, Layout};
use ratatui::style::{Color, Style};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Block, Chart, Dataset, GraphType, LegendPosition, Paragraph};

use crate::engine::system::{Reason, SystemRun};
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

/// Under NO_COLOR, the marker of the n-th line and the symbol its legend shows.
const MARKS: [(Marker, &str); 6] = [
    (Marker::Block, "█"),
    (Marker::Braille, "⠿"),
    (Marker::Dot, "•"),
    (Marker::Bar, "▄"),
    (Marker::Quadrant, "▚"),
    (Marker::HalfBlock, "▀"),
];

/// Smallest area the charts are drawn in; below it the screen says so.
const MIN_WIDTH: u16 = 30;
const MIN_HEIGHT: u16 = 8;

/// Which chart is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Busy,
    Outcomes,
    Latency,
}

/// What a key asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Msg {
    Quit,
    NextView,
    /// Show or hide the n-th service (0-based).
    Toggle(usize),
    ZoomIn,
    ZoomOut,
    Earlier,
    Later,
}

/// The one effect: leave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quit;

/// One service's values per bucket, as the chart reads them.
#[derive(Debug, Clone, PartialEq)]
struct Service {
    name: String,
    workers: u32,
    busy: Vec<f64>,
    /// Completed, failed, then each reason.
    outcomes: Vec<Vec<f64>>,
    p50: Vec<Option<f64>>,
    p99: Vec<Option<f64>>,
}

/// A line ready to draw: its name, its colour/marker slot and its points.
#[derive(Debug, Clone, PartialEq)]
struct Drawn {
    name: String,
    slot: usize,
    points: Vec<(f64, f64)>,
}

/// The chart's state.
#[derive(Debug, Clone, PartialEq)]
pub struct SystemChart {
    title: String,
    services: Vec<Service>,
    shown: Vec<bool>,
    buckets: usize,
    bucket_s: f64,
    view: View,
    /// The window: first bucket and number of buckets.
    start: usize,
    len: usize,
    lines: Vec<Drawn>,
    top: f64,
    theme: Theme,
}

impl SystemChart {
    /// The charts of `run`, opening on busy workers over the whole run.
    pub fn new(title: &str, run: &SystemRun, theme: Theme) -> Self {
        let services = run
            .services
            .iter()
            .map(|s| {
                let q = &s.series;
                let mut outcomes = vec![count(&q.completed), count(&q.failed)];
                outcomes.extend(q.rejected.iter().map(|v| count(v)));
                Service {
                    name: s.name.clone(),
                    workers: s.workers,
                    busy: q.busy.clone(),
                    outcomes,
                    p50: q.p50_ms.clone(),
                    p99: q.p99_ms.clone(),
                }
            })
            .collect::<Vec<_>>();
        let buckets = run.buckets().max(1);
        let mut chart = Self {
            title: format!("sim system: {title}"),
            shown: vec![true; services.len()],
            services,
            buckets,
            bucket_s: run.bucket.as_secs_f64(),
            view: View::Busy,
            start: 0,
            len: buckets,
            lines: Vec::new(),
            top: 1.0,
            theme,
        };
        chart.refresh();
        chart
    }

    /// The view shown.
    pub fn view(&self) -> View {
        self.view
    }

    /// Recomputes the lines of the current view, window and services.
    fn refresh(&mut self) {
        let range = self.start..(self.start + self.len).min(self.buckets);
        let time = |i: usize| i as f64 * self.bucket_s;
        let mut lines = Vec::new();
        let visible = self
            .services
            .iter()
            .enumerate()
            .filter(|(i, _)| self.shown[*i]);
        match self.view {
            View::Busy => {
                for (i, s) in visible {
                    let points = range
                        .clone()
                        .map(|b| (time(b), value(&s.busy, b)))
                        .collect();
                    lines.push(Drawn {
                        name: s.name.clone(),
                        slot: i,
                        points,
                    });
                }
                self.top = self
                    .services
                    .iter()
                    .zip(&self.shown)
                    .filter(|(_, shown)| **shown)
                    .map(|(s, _)| f64::from(s.workers))
                    .fold(1.0, f64::max);
            }
            View::Outcomes => {
                if let Some((_, s)) = visible.into_iter().next() {
                    let names = ["completed", "failed"]
                        .into_iter()
                        .chain(Reason::ALL.iter().map(|r| r.name()));
                    let mut below = vec![0.0; range.len()];
                    for (slot, (name, series)) in names.zip(&s.outcomes).enumerate() {
                        if range.clone().all(|b| value(series, b) == 0.0) {
                            continue;
                        }
                        let points = range
                            .clone()
                            .zip(below.iter_mut())
                            .map(|(b, acc)| {
                                *acc += value(series, b);
                                (time(b), *acc)
                            })
                            .collect();
                        lines.push(Drawn {
                            name: format!("{} {name}", s.name),
                            slot,
                            points,
                        });
                    }
                    self.top = below.iter().copied().fold(1.0, f64::max);
                    // The highest band first, so each lower one draws over it and shows.
                    lines.reverse();
                }
            }
            View::Latency => {
                let mut top: f64 = 1.0;
                for (i, s) in visible {
                    for (which, series) in [("p50", &s.p50), ("p99", &s.p99)] {
                        let points: Vec<(f64, f64)> = range
                            .clone()
                            .filter_map(|b| series.get(b).copied().flatten().map(|v| (time(b), v)))
                            .collect();
                        top = points.iter().map(|p| p.1).fold(top, f64::max);
                        let slot = i * 2 + usize::from(which == "p99");
                        lines.push(Drawn {
                            name: format!("{} {which}", s.name),
                            slot,
                            points,
                        });
                    }
                }
                self.top = top;
            }
        }
        self.lines = lines;
    }

    fn dataset<'a>(&self, line: &'a Drawn) -> Dataset<'a> {
        let (marker, name) = match self.theme.mode {
            ColorMode::Color => (Marker::Braille, line.name.clone()),
            ColorMode::NoColor => {
                let (marker, symbol) = MARKS[line.slot % MARKS.len()];
                (marker, format!("{symbol} {}", line.name))
            }
        };
        let style = match self.theme.mode {
            ColorMode::Color => Style::default().fg(COLOURS[line.slot % COLOURS.len()]),
            ColorMode::NoColor => Style::default(),
        };
        Dataset::default()
            .name(name)
            .marker(marker)
            .graph_type(GraphType::Line)
            .style(style)
            .data(&line.points)
    }

    fn chart(&self) -> Chart<'_> {
        let (title, y) = match self.view {
            View::Busy => ("busy workers over time", "workers"),
            View::Outcomes => (
                "outcomes per bucket, stacked (first service shown)",
                "calls",
            ),
            View::Latency => ("latency of completed calls over time", "ms"),
        };
        let from = self.start as f64 * self.bucket_s;
        let to = (self.start + self.len).min(self.buckets) as f64 * self.bucket_s;
        let seconds = |t: f64| format!("{t:.0}s");
        let top = self.top;
        Chart::new(self.lines.iter().map(|l| self.dataset(l)).collect())
            .block(Block::bordered().title(title))
            .x_axis(
                Axis::default()
                    .title("time")
                    .bounds([from, to.max(from + self.bucket_s)])
                    .labels([seconds(from), seconds((from + to) / 2.0), seconds(to)]),
            )
            .y_axis(Axis::default().title(y).bounds([0.0, top]).labels([
                "0".to_owned(),
                format!("{:.0}", top / 2.0),
                format!("{top:.0}"),
            ]))
            .legend_position(Some(LegendPosition::TopRight))
            .hidden_legend_constraints((Constraint::Percentage(60), Constraint::Percentage(60)))
    }

    fn footer(&self) -> Line<'_> {
        let mut spans = Vec::new();
        let mut hint = |key: String, what: &str| {
            spans.push(Span::styled(key, self.theme.footer_key));
            spans.push(Span::styled(format!(" {what}  "), self.theme.footer));
        };
        hint("q".into(), "quit");
        let next = match self.view {
            View::Busy => "outcomes",
            View::Outcomes => "latency",
            View::Latency => "busy",
        };
        hint("v".into(), next);
        hint("+/-".into(), "zoom");
        hint("←/→".into(), "pan");
        for (i, s) in self.services.iter().enumerate().take(9) {
            let mark = if self.shown[i] { "" } else { " (hidden)" };
            hint(format!("{}", i + 1), &format!("{}{mark}", s.name));
        }
        Line::from(spans)
    }
}

fn count(values: &[u64]) -> Vec<f64> {
    values.iter().map(|&v| v as f64).collect()
}

fn value(series: &[f64], bucket: usize) -> f64 {
    series.get(bucket).copied().unwrap_or(0.0)
}

impl App for SystemChart {
    type Msg = Msg;
    type Effect = Quit;
    type Output = ();

    fn message(&self, event: &Event) -> Option<Msg> {
        let Event::Key(key) = event else { return None };
        if key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
        {
            return None;
        }
        match key.code {
            KeyCode::Char('q') | KeyCode::Esc => Some(Msg::Quit),
            KeyCode::Char('v') | KeyCode::Tab => Some(Msg::NextView),
            KeyCode::Char('+' | '=') => Some(Msg::ZoomIn),
            KeyCode::Char('-') => Some(Msg::ZoomOut),
            KeyCode::Left => Some(Msg::Earlier),
            KeyCode::Right => Some(Msg::Later),
            KeyCode::Char(c @ '1'..='9') => {
                let index = usize::from(c as u8 - b'1');
                (index < self.services.len()).then_some(Msg::Toggle(index))
            }
            _ => None,
        }
    }

    fn update(&mut self, msg: Msg) -> Option<Quit> {
        let step = (self.len / 2).max(1);
        match msg {
            Msg::Quit => return Some(Quit),
            Msg::NextView => {
                self.view = match self.view {
                    View::Busy => View::Outcomes,
                    View::Outcomes => View::Latency,
                    View::Latency => View::Busy,
                };
            }
            Msg::Toggle(i) => {
                if let Some(shown) = self.shown.get_mut(i) {
                    *shown = !*shown;
                }
            }
            Msg::ZoomIn => {
                let len = (self.len / 2).max(2.min(self.buckets));
                self.start += (self.len - len) / 2;
                self.len = len;
            }
            Msg::ZoomOut => {
                let len = (self.len * 2).min(self.buckets);
                self.start = self.start.saturating_sub((len - self.len) / 2);
                self.len = len;
            }
            Msg::Earlier => self.start = self.start.saturating_sub(step),
            Msg::Later => self.start += step,
        }
        self.start = self.start.min(self.buckets - self.len);
        self.refresh();
        None
    }

    fn render(&self, frame: &mut Frame<'_>) {
        let area = frame.area();
        if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
            let text = format!(
                "too small: {}x{} (needs {MIN_WIDTH}x{MIN_HEIGHT})",
                area.width, area.height
            );
            frame.render_widget(Paragraph::new(text), area);
            return;
        }
        let [title, body, footer] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(4),
            Constraint::Length(1),
        ])
        .areas(area);
        frame.render_widget(
            Paragraph::new(self.title.as_str()).style(self.theme.title),
            title,
        );
        frame.render_widget(self.chart(), body);
        frame.render_widget(Paragraph::new(self.footer()), footer);
    }

    fn perform(&mut self, Quit: Quit) -> Flow<()> {
        Flow::Exit(())
    }
}
