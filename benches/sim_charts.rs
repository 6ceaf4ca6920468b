//! Benchmarks (sim charts): a redraw of each `sim backoff` / `sim storm` chart view after a
//! key (update + draw into a 120x40 TestBackend) against the 16 ms per key budget (DESIGN §7).
//! The load view's key re-buckets the run (zoom out and back in) before drawing.

use std::hint::black_box;
use std::num::NonZeroUsize;

use criterion::{Criterion, criterion_group, criterion_main};
use patterns::engine::backoff::{BackoffConfig, Jitter};
use patterns::engine::storm::Strategy;
use patterns::engine::storm::contention::{self, ContentionConfig};
use patterns::ui::tui::event::App;
use patterns::ui::tui::screens::backoff_chart::{BackoffChart, Msg};
use patterns::ui::tui::screens::storm_chart::{
    LoadTimeline, Msg as StormMsg, StormChart, StormPoint, load_resolution,
};
use patterns::ui::tui::theme::{ColorMode, Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn terminal() -> Terminal<TestBackend> {
    Terminal::new(TestBackend::new(120, 40)).expect("test backend")
}

fn storm(clients: &[u32]) -> StormChart {
    let configs: Vec<ContentionConfig> = clients
        .iter()
        .flat_map(|&n| {
            Strategy::COMPARISON
                .iter()
                .map(move |&s| ContentionConfig::published(n, s))
        })
        .collect();
    let points = contention::simulate_many(&configs, 1, 1, NonZeroUsize::MIN)
        .iter()
        .map(StormPoint::from)
        .collect();
    StormChart::new(
        "sim storm",
        "completion",
        points,
        Theme::new(ColorMode::Color),
    )
}

fn bench_charts(c: &mut Criterion) {
    let config = BackoffConfig {
        jitter: Jitter::Full,
        ..BackoffConfig::default()
    };
    let theme = Theme::new(ColorMode::Color);
    for (name, samples) in [
        ("backoff_chart_key_120x40", None),
        ("backoff_samples_chart_key_120x40", Some(1_000)),
    ] {
        let mut chart = BackoffChart::new(&config, 8, 1, samples, theme);
        // All five strategies on: the heaviest view.
        for i in [0, 2, 3, 4] {
            chart.update(Msg::Toggle(i));
        }
        let mut terminal = terminal();
        c.bench_function(name, |b| {
            b.iter(|| {
                chart.update(Msg::Toggle(1));
                terminal
                    .draw(|frame| black_box(&chart).render(frame))
                    .expect("draw");
            });
        });
    }
    let sweep: Vec<u32> = (10..=190).step_by(10).collect();
    for (name, chart) in [
        ("storm_bars_redraw_120x40", storm(&[100])),
        ("storm_sweep_redraw_120x40", storm(&sweep)),
    ] {
        let mut terminal = terminal();
        c.bench_function(name, |b| {
            b.iter(|| {
                terminal
                    .draw(|frame| black_box(&chart).render(frame))
                    .expect("draw");
            });
        });
    }
}

/// One run at 100 clients (seed 1) with its load at 1 ms resolution, load view on.
fn storm_load() -> StormChart {
    let configs: Vec<ContentionConfig> = Strategy::COMPARISON
        .iter()
        .map(|&s| ContentionConfig::published(100, s))
        .collect();
    let slowest = configs
        .iter()
        .map(|c| contention::simulate(c, 1).completion)
        .max()
        .unwrap_or_default();
    let resolution = load_resolution(slowest);
    let load = configs
        .iter()
        .map(|c| {
            (
                c.strategy,
                contention::simulate_with_load(c, 1, resolution).1,
            )
        })
        .collect();
    let mut chart = storm(&[100]).with_load(LoadTimeline::new(resolution, load));
    chart.update(StormMsg::ToggleLoad);
    // No-backoff shown too: the heaviest view.
    chart.update(StormMsg::ToggleNoBackoff);
    chart
}

fn bench_load(c: &mut Criterion) {
    let mut chart = storm_load();
    let mut terminal = terminal();
    let mut wider = true;
    c.bench_function("storm_load_key_120x40", |b| {
        b.iter(|| {
            let msg = if wider {
                StormMsg::ZoomOut
            } else {
                StormMsg::ZoomIn
            };
            wider = !wider;
            chart.update(msg);
            terminal
                .draw(|frame| black_box(&chart).render(frame))
                .expect("draw");
        });
    });
}

criterion_group!(benches, bench_charts, bench_load);
criterion_main!(benches);
