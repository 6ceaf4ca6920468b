//! `patterns sim backoff` on a terminal: the schedule as a chart (the ceiling as a line, each
//! jittered draw as points, with samples the min–max spread as two lines) over a table of
//! the numbers. Keys 1–5 toggle the five jitter strategies; `q` quits. Every strategy's data
//! is computed once in [`BackoffChart::new`], so a key only flips a flag and redraws.

use std::time::Duration;

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyModifiers};
use ratatui::layout::{Constraint, Layout};
use ratatui::style::{Color, Style};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Block, Cell, Chart, Dataset, GraphType, Paragraph, Row, Table};

use crate::engine::backoff::{self, BackoffConfig, Delay, Jitter, Spread};
use crate::engine::duration::format_duration;
use crate::ui::tui::event::{App, Event, Flow};
use crate::ui::tui::theme::{ColorMode, Theme};

/// One colour per jitter strategy, in [`Jitter::ALL`] order.
const COLOURS: [Color; 5] = [
    Color::Red,
    Color::Cyan,
    Color::Green,
    Color::Magenta,
    Color::Yellow,
];
/// Without colour the strategies differ by marker.
const MARKERS: [Marker; 5] = [
    Marker::Dot,
    Marker::Block,
    Marker::Bar,
    Marker::HalfBlock,
    Marker::Braille,
];

/// (attempt, milliseconds) pairs as ratatui's `Dataset` takes them.
type Points = Vec<(f64, f64)>;

/// One strategy's numbers, chart-ready (milliseconds).
#[derive(Debug, Clone, PartialEq)]
struct Strategy {
    jitter: Jitter,
    schedule: Vec<Delay>,
    draws: Vec<(f64, f64)>,
    /// Min and max per attempt over the samples.
    band: Option<(Points, Points)>,
}

/// The backoff chart's state: every strategy's schedule and which are shown.
#[derive(Debug, Clone, PartialEq)]
pub struct BackoffChart {
    config: BackoffConfig,
    seed: u64,
    samples: Option<u32>,
    ceiling: Vec<(f64, f64)>,
    strategies: Vec<Strategy>,
    shown: [bool; 5],
    theme: Theme,
}

/// What a key means here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Msg {
    /// Show or hide the strategy at this index of [`Jitter::ALL`].
    Toggle(usize),
    Quit,
}

/// The one effect: leave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quit;

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1_000.0
}

impl BackoffChart {
    /// Computes every strategy's schedule (and spread, with `samples`) for `config` and
    /// `seed`; the config's own jitter is the one shown first.
    pub fn new(
        config: &BackoffConfig,
        attempts: u32,
        seed: u64,
        samples: Option<u32>,
        theme: Theme,
    ) -> Self {
        let strategies = Jitter::ALL
            .iter()
            .map(|&jitter| {
                let config = BackoffConfig {
                    jitter,
                    ..config.clone()
                };
                let schedule = backoff::schedule(&config, attempts, seed);
                let draws = schedule
                    .iter()
                    .map(|d| (f64::from(d.attempt), ms(d.delay)))
                    .collect();
                let band = samples.map(|n| {
                    let spreads = backoff::spread(&config, attempts, n, seed);
                    let edge = |pick: fn(&Spread) -> Duration| {
                        spreads
                            .iter()
                            .map(|s| (f64::from(s.attempt), ms(pick(s))))
                            .collect()
                    };
                    (edge(|s| s.min), edge(|s| s.max))
                });
                Strategy {
                    jitter,
                    schedule,
                    draws,
                    band,
                }
            })
            .collect::<Vec<_>>();
        let ceiling = strategies
            .first()
            .map(|s| {
                s.schedule
                    .iter()
                    .map(|d| (f64::from(d.attempt), ms(d.ceiling)))
                    .collect()
            })
            .unwrap_or_default();
        let shown = Jitter::ALL.map(|jitter| jitter == config.jitter);
        Self {
            config: config.clone(),
            seed,
            samples,
            ceiling,
            strategies,
            shown,
            theme,
        }
    }

    /// Which strategies are drawn, in [`Jitter::ALL`] order.
    pub fn shown(&self) -> [bool; 5] {
        self.shown
    }

    fn style(&self, index: usize) -> Style {
        match self.theme.mode {
            ColorMode::Color => Style::default().fg(COLOURS[index % COLOURS.len()]),
            ColorMode::NoColor => Style::default(),
        }
    }

    fn marker(&self, index: usize) -> Marker {
        match self.theme.mode {
            ColorMode::Color => Marker::Braille,
            ColorMode::NoColor => MARKERS[index % MARKERS.len()],
        }
    }

    fn chart(&self) -> Chart<'_> {
        let mut datasets = vec![
            Dataset::default()
                .name("ceiling")
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .data(&self.ceiling),
        ];
        for (i, strategy) in self.strategies.iter().enumerate() {
            if !self.shown[i] {
                continue;
            }
            if let Some((low, high)) = &strategy.band {
                for (edge, data) in [("min", low), ("max", high)] {
                    datasets.push(
                        Dataset::default()
                            .name(format!("{} {edge}", strategy.jitter.name()))
                            .marker(Marker::Braille)
                            .graph_type(GraphType::Line)
                            .style(self.style(i))
                            .data(data),
                    );
                }
            }
            datasets.push(
                Dataset::default()
                    .name(strategy.jitter.name())
                    .marker(self.marker(i))
                    .graph_type(GraphType::Scatter)
                    .style(self.style(i))
                    .data(&strategy.draws),
            );
        }
        let attempts = self.ceiling.len().max(1) as f64;
        let top = self.ceiling.iter().map(|p| p.1).fold(1.0, f64::max);
        let duration = |value: f64| format_duration(Duration::from_secs_f64(value / 1_000.0));
        Chart::new(datasets)
            .x_axis(
                Axis::default()
                    .title("attempt")
                    .bounds([0.5, attempts + 0.5])
                    .labels(["1".to_owned(), format!("{attempts:.0}")]),
            )
            .y_axis(Axis::default().title("delay").bounds([0.0, top]).labels([
                "0s".to_owned(),
                duration(top / 2.0),
                duration(top),
            ]))
            .hidden_legend_constraints((Constraint::Percentage(60), Constraint::Percentage(60)))
    }

    fn table(&self) -> Table<'_> {
        let shown: Vec<&Strategy> = self
            .strategies
            .iter()
            .zip(self.shown)
            .filter_map(|(s, on)| on.then_some(s))
            .collect();
        let header = ["attempt", "ceiling"]
            .into_iter()
            .map(str::to_owned)
            .chain(shown.iter().map(|s| s.jitter.name().to_owned()))
            .map(Cell::from)
            .collect::<Row<'_>>()
            .style(self.theme.table_header);
        let rows = self.ceiling.iter().enumerate().map(|(row, _)| {
            let first = &self.strategies[0].schedule[row];
            [first.attempt.to_string(), format_duration(first.ceiling)]
                .into_iter()
                .chain(shown.iter().map(|s| format_duration(s.schedule[row].delay)))
                .map(Cell::from)
                .collect::<Row<'_>>()
        });
        let widths = std::iter::repeat_n(Constraint::Length(12), 2 + shown.len());
        Table::new(rows, widths).header(header)
    }
}

/// Footer labels: all five toggles and `q` fit in 80 columns.
fn short(jitter: Jitter) -> &'static str {
    match jitter {
        Jitter::None => "none",
        Jitter::Full => "full",
        Jitter::Equal => "equal",
        Jitter::Decorrelated => "decorr",
        Jitter::Proportional => "prop",
    }
}

impl App for BackoffChart {
    type Msg = Msg;
    type Effect = Quit;
    type Output = ();

    fn message(&self, event: &Event) -> Option<Msg> {
        let Event::Key(key) = event else {
            return None;
        };
        if key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
        {
            return None;
        }
        match key.code {
            KeyCode::Char(c @ '1'..='5') => Some(Msg::Toggle(c as usize - '1' as usize)),
            KeyCode::Char('n') => Some(Msg::Toggle(0)),
            KeyCode::Char('f') => Some(Msg::Toggle(1)),
            KeyCode::Char('e') => Some(Msg::Toggle(2)),
            KeyCode::Char('d') => Some(Msg::Toggle(3)),
            KeyCode::Char('p') => Some(Msg::Toggle(4)),
            KeyCode::Char('q') | KeyCode::Esc => Some(Msg::Quit),
            _ => None,
        }
    }

    fn update(&mut self, msg: Msg) -> Option<Quit> {
        match msg {
            Msg::Toggle(index) => {
                if let Some(on) = self.shown.get_mut(index) {
                    *on = !*on;
                }
                None
            }
            Msg::Quit => Some(Quit),
        }
    }

    fn render(&self, frame: &mut Frame<'_>) {
        let rows = self.ceiling.len() as u16 + 1;
        let area = frame.area();
        // The chart keeps at least half the screen; the table gets what is left.
        let table_height = rows.min(area.height / 2);
        let [title, chart, table, footer] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(6),
            Constraint::Length(table_height),
            Constraint::Length(1),
        ])
        .areas(area);
        let samples = self
            .samples
            .map(|n| format!(", min-max of {n} samples"))
            .unwrap_or_default();
        frame.render_widget(
            Paragraph::new(format!(
                "backoff: base {}, multiplier {}, cap {}, seed {}{samples}",
                format_duration(self.config.base),
                self.config.multiplier,
                format_duration(self.config.cap),
                self.seed,
            ))
            .style(self.theme.title),
            title,
        );
        frame.render_widget(self.chart().block(Block::bordered()), chart);
        frame.render_widget(self.table(), table);
        let mut keys = Vec::new();
        for (i, jitter) in Jitter::ALL.iter().enumerate() {
            let mark = if self.shown[i] { "[x]" } else { "[ ]" };
            keys.push(Span::styled(format!("{}", i + 1), self.theme.footer_key));
            keys.push(Span::styled(
                format!("{mark}{} ", short(*jitter)),
                self.theme.footer,
            ));
        }
        keys.push(Span::styled("q", self.theme.footer_key));
        keys.push(Span::styled(" quit", self.theme.footer));
        frame.render_widget(Paragraph::new(Line::from(keys)), footer);
    }

    fn perform(&mut self, Quit: Quit) -> Flow<()> {
        Flow::Exit(())
    }
}
