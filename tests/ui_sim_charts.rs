//! The `sim backoff` and `sim storm` chart screens through ratatui's TestBackend: snapshots
//! of each view at 80x24 and 120x40, and the keys that toggle jitter strategies and quit.

use std::num::NonZeroUsize;
use std::time::Duration;

use patterns::engine::backoff::{BackoffConfig, Jitter};
use patterns::engine::storm::Strategy;
use patterns::engine::storm::contention::{self, ContentionConfig};
use patterns::ui::tui::event::{App, Event};
use patterns::ui::tui::screens::backoff_chart::{BackoffChart, Msg};
use patterns::ui::tui::screens::progress::{Poll, Progress, Report};
use patterns::ui::tui::screens::storm_chart::{
    LoadTimeline, Msg as StormMsg, Quit, StormChart, StormPoint, load_resolution,
};
use patterns::ui::tui::theme::{ColorMode, Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn theme() -> Theme {
    Theme::new(ColorMode::NoColor)
}

fn draw<A: App>(app: &A, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("a test terminal");
    terminal
        .draw(|frame| app.render(frame))
        .expect("drawing never fails on a TestBackend");
    terminal
}

fn backoff(samples: Option<u32>) -> BackoffChart {
    let config = BackoffConfig {
        jitter: Jitter::Full,
        ..BackoffConfig::default()
    };
    BackoffChart::new(&config, 8, 7, samples, theme())
}

fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn storm(clients: &[u32]) -> StormChart {
    storm_with(clients, theme())
}

fn storm_with(clients: &[u32], theme: Theme) -> StormChart {
    let configs: Vec<ContentionConfig> = clients
        .iter()
        .flat_map(|&n| {
            Strategy::COMPARISON
                .iter()
                .map(move |&s| ContentionConfig::published(n, s))
        })
        .collect();
    let points = contention::simulate_many(&configs, 2, 1, NonZeroUsize::MIN)
        .iter()
        .map(StormPoint::from)
        .collect();
    StormChart::new("sim storm · contention", "completion", points, theme)
}

#[test]
fn backoff_schedule_80x24() {
    insta::assert_snapshot!(draw(&backoff(None), 80, 24).backend());
}

#[test]
fn backoff_schedule_120x40() {
    insta::assert_snapshot!(draw(&backoff(None), 120, 40).backend());
}

#[test]
fn backoff_samples_80x24() {
    insta::assert_snapshot!(draw(&backoff(Some(200)), 80, 24).backend());
}

#[test]
fn backoff_samples_120x40() {
    insta::assert_snapshot!(draw(&backoff(Some(200)), 120, 40).backend());
}

#[test]
fn backoff_three_strategies_120x40() {
    let mut chart = backoff(None);
    for code in [KeyCode::Char('1'), KeyCode::Char('e')] {
        let msg = chart.message(&key(code)).expect("a toggle key");
        assert_eq!(chart.update(msg), None);
    }
    assert_eq!(chart.shown(), [true, true, true, false, false]);
    insta::assert_snapshot!(draw(&chart, 120, 40).backend());
}

#[test]
fn backoff_keys_toggle_and_quit() {
    let mut chart = backoff(None);
    assert_eq!(chart.shown(), [false, true, false, false, false]);
    assert_eq!(
        chart.message(&key(KeyCode::Char('2'))),
        Some(Msg::Toggle(1))
    );
    assert_eq!(
        chart.message(&key(KeyCode::Char('p'))),
        Some(Msg::Toggle(4))
    );
    chart.update(Msg::Toggle(1));
    assert_eq!(
        chart.shown(),
        [false; 5],
        "the last strategy can be hidden too"
    );
    assert_eq!(chart.message(&key(KeyCode::Char('x'))), None);
    assert!(chart.message(&key(KeyCode::Char('q'))).is_some());
    let ctrl = Event::Key(KeyEvent::new(KeyCode::Char('q'), KeyModifiers::CONTROL));
    assert_eq!(chart.message(&ctrl), None);
}

#[test]
fn storm_bars_80x24() {
    insta::assert_snapshot!(draw(&storm(&[50]), 80, 24).backend());
}

#[test]
fn storm_bars_120x40() {
    insta::assert_snapshot!(draw(&storm(&[50]), 120, 40).backend());
}

/// One run at 100 clients (seed 1) with its load over time, counted as the command does
/// (1 ms resolution), load view on: the default window, where most calls land.
fn storm_load_with(theme: Theme) -> StormChart {
    let slowest = Strategy::COMPARISON
        .iter()
        .map(|&s| contention::simulate(&ContentionConfig::published(100, s), 1).completion)
        .max()
        .unwrap_or(Duration::ZERO);
    let resolution = load_resolution(slowest);
    let load = Strategy::COMPARISON
        .iter()
        .map(|&s| {
            let config = ContentionConfig::published(100, s);
            (s, contention::simulate_with_load(&config, 1, resolution).1)
        })
        .collect();
    let mut chart = storm_with(&[100], theme).with_load(LoadTimeline::new(resolution, load));
    let msg = chart.message(&key(KeyCode::Char('l'))).expect("l toggles");
    assert_eq!(chart.update(msg), None);
    chart
}

fn storm_load() -> StormChart {
    storm_load_with(theme())
}

fn press(chart: &mut StormChart, code: KeyCode) {
    let msg = chart.message(&key(code)).expect("a load view key");
    assert_eq!(chart.update(msg), None);
}

/// The text of a drawn screen, one line per row.
fn text(terminal: &Terminal<TestBackend>) -> Vec<String> {
    let buffer = terminal.backend().buffer();
    let width = usize::from(buffer.area.width);
    buffer
        .content
        .chunks(width)
        .map(|row| row.iter().map(|cell| cell.symbol()).collect())
        .collect()
}

#[test]
fn storm_load_80x24() {
    insta::assert_snapshot!(draw(&storm_load(), 80, 24).backend());
}

#[test]
fn storm_load_120x40() {
    insta::assert_snapshot!(draw(&storm_load(), 120, 40).backend());
}

#[test]
fn storm_load_shows_exponential_bursts_between_quiet_gaps() {
    // In the default window, exponential's column (█ under NO_COLOR) rises in separate
    // bursts: between them its line lies on the floor. Count the bursts along the row
    // a third of the way up the plot.
    let terminal = draw(&storm_load(), 120, 40);
    let rows = text(&terminal);
    let floor = rows
        .iter()
        .rposition(|row| row.contains('└'))
        .expect("the x axis");
    let row: Vec<char> = rows[floor - (floor - 2) / 3].chars().collect();
    let bursts = row
        .windows(2)
        .filter(|pair| pair[0] != '█' && pair[1] == '█')
        .count();
    assert!(
        bursts >= 6,
        "{bursts} bursts in {:?}",
        row.iter().collect::<String>()
    );
}

#[test]
fn storm_load_keys_zoom_pan_and_show_no_backoff() {
    let mut chart = storm_load();
    let first = format!("{:?}", draw(&chart, 120, 40).backend());
    assert!(first.contains("write calls per 10ms, 0s to 2s"), "{first}");
    assert!(first.contains("n show no-backoff"), "{first}");
    assert!(
        !first.contains("• no-backoff"),
        "hidden from the legend: {first}"
    );
    press(&mut chart, KeyCode::Char('+'));
    let zoomed = format!("{:?}", draw(&chart, 120, 40).backend());
    assert!(zoomed.contains("write calls per 5ms, 0s to 1s"), "{zoomed}");
    press(&mut chart, KeyCode::Right);
    let panned = format!("{:?}", draw(&chart, 120, 40).backend());
    assert!(panned.contains("500ms to 1.5s"), "{panned}");
    press(&mut chart, KeyCode::Left);
    press(&mut chart, KeyCode::Left);
    assert_eq!(format!("{:?}", draw(&chart, 120, 40).backend()), zoomed);
    for _ in 0..3 {
        press(&mut chart, KeyCode::Char('-'));
    }
    let wide = format!("{:?}", draw(&chart, 120, 40).backend());
    assert!(wide.contains("write calls per 50ms, 0s to 10s"), "{wide}");
    press(&mut chart, KeyCode::Char('n'));
    let all = format!("{:?}", draw(&chart, 120, 40).backend());
    assert!(all.contains("• no-backoff"), "{all}");
    assert!(all.contains("n hide no-backoff"), "{all}");
}

#[test]
fn storm_load_keys_do_nothing_on_the_bars() {
    let mut chart = storm_load();
    press(&mut chart, KeyCode::Char('l'));
    for code in [KeyCode::Char('+'), KeyCode::Left, KeyCode::Char('n')] {
        assert_eq!(chart.message(&key(code)), None, "{code:?}");
    }
}

/// The legend entries of a drawn chart: the boxed cells holding a strategy's name, alone or
/// after a one-character symbol and a space.
fn legend(terminal: &Terminal<TestBackend>) -> Vec<String> {
    let names = Strategy::COMPARISON.map(Strategy::name);
    text(terminal)
        .iter()
        .flat_map(|row| row.split('│').map(str::trim).collect::<Vec<_>>())
        .filter(|cell| {
            names.iter().any(|name| {
                cell.strip_suffix(name)
                    .is_some_and(|symbol| symbol.is_empty() || symbol.chars().count() == 2)
            })
        })
        .map(str::to_owned)
        .collect()
}

#[test]
fn no_color_legends_show_each_line_marker() {
    // Under NO_COLOR the lines differ only by marker: the legend shows it beside the name.
    let sweep = legend(&draw(&storm(&[10, 30, 50, 70]), 80, 24));
    let mut chart = storm_load();
    press(&mut chart, KeyCode::Char('n'));
    let load = legend(&draw(&chart, 120, 40));
    insta::assert_snapshot!(
        "storm_no_color_legends",
        format!("sweep:\n{}\n\nload:\n{}", sweep.join("\n"), load.join("\n"))
    );
    let symbols = |entries: &[String]| {
        let mut firsts: Vec<char> = entries.iter().filter_map(|e| e.chars().next()).collect();
        firsts.sort_unstable();
        firsts.dedup();
        firsts.len()
    };
    assert_eq!((symbols(&sweep), symbols(&load)), (5, 5), "one symbol each");
    // In colour, the lines are told apart by colour and the legend is names only.
    let colour = legend(&draw(
        &storm_load_with(Theme::new(ColorMode::Color)),
        120,
        40,
    ));
    assert_eq!(colour, ["equal", "full", "decorrelated", "exponential"]);
}

#[test]
fn storm_l_toggles_the_load_view_only_when_there_is_one() {
    let without = storm(&[50]);
    assert_eq!(without.message(&key(KeyCode::Char('l'))), None);
    let mut chart = storm_load();
    let load_view = format!("{:?}", draw(&chart, 80, 24).backend());
    assert!(load_view.contains("write calls per 10ms"), "{load_view}");
    assert!(load_view.contains("l bars"));
    assert_eq!(
        chart.message(&key(KeyCode::Char('l'))),
        Some(StormMsg::ToggleLoad)
    );
    assert_eq!(chart.update(StormMsg::ToggleLoad), None);
    let bars = format!("{:?}", draw(&chart, 80, 24).backend());
    assert!(!bars.contains("write calls per"));
    assert!(bars.contains("l load"));
    let quit = chart.message(&key(KeyCode::Char('q'))).expect("q quits");
    assert_eq!(chart.update(quit), Some(Quit));
}

#[test]
fn storm_sweep_80x24() {
    insta::assert_snapshot!(draw(&storm(&[10, 30, 50, 70]), 80, 24).backend());
}

#[test]
fn storm_sweep_120x40() {
    insta::assert_snapshot!(draw(&storm(&[10, 30, 50, 70]), 120, 40).backend());
}

fn progress_at(steps: usize) -> Progress<Vec<u32>> {
    let (reports, received) = std::sync::mpsc::channel();
    let mut progress = Progress::new(
        "sim storm · contention · 95 configurations",
        95,
        received,
        theme(),
    );
    for _ in 0..steps {
        reports
            .send(Report::Step)
            .expect("the screen holds the receiver");
    }
    assert_eq!(progress.update(Poll), None, "no result yet");
    assert_eq!(progress.done(), steps);
    progress
}

#[test]
fn progress_80x24() {
    insta::assert_snapshot!(draw(&progress_at(38), 80, 24).backend());
}

#[test]
fn progress_120x40() {
    insta::assert_snapshot!(draw(&progress_at(38), 120, 40).backend());
}

#[test]
fn progress_exits_with_the_result_or_none_when_the_worker_dies() {
    let (reports, received) = std::sync::mpsc::channel();
    let mut progress = Progress::new("t", 2, received, theme());
    assert_eq!(progress.message(&Event::Tick), Some(Poll));
    reports.send(Report::Step).expect("send");
    reports.send(Report::Done(vec![7])).expect("send");
    let effect = progress.update(Poll).expect("finished");
    assert_eq!(
        progress.perform(effect),
        patterns::ui::tui::event::Flow::Exit(Some(vec![7]))
    );

    let (reports, received) = std::sync::mpsc::channel::<Report<Vec<u32>>>();
    let mut progress = Progress::new("t", 2, received, theme());
    drop(reports);
    let effect = progress.update(Poll).expect("a dead worker ends the bar");
    assert_eq!(
        progress.perform(effect),
        patterns::ui::tui::event::Flow::Exit(None)
    );
}
