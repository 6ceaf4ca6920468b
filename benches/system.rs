//! `sim system` benchmarks (DESIGN §7): the four-service workload of
//! tests/fixtures/system/four.yaml (120 s at 1,000 requests/s, about 120,000 requests;
//! budget: under 250 ms for the whole process), and a key plus redraw of the system charts
//! at 120x40 (budget: under 16 ms).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use patterns::content::system;
use patterns::engine::system::simulate;
use patterns::ui::tui::event::{App, Event};
use patterns::ui::tui::screens::system_chart::SystemChart;
use patterns::ui::tui::theme::{ColorMode, Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

const FOUR: &str = include_str!("../tests/fixtures/system/four.yaml");

fn four_services(c: &mut Criterion) {
    let scenario = system::from_text("four.yaml", FOUR).expect("the fixture loads");
    let mut group = c.benchmark_group("sim system");
    group.sample_size(10);
    group.bench_function("four services, 120 s at 1000 req/s", |b| {
        b.iter(|| simulate(black_box(&scenario.config)))
    });
    group.finish();
}

fn chart_key_and_redraw(c: &mut Criterion) {
    let scenario = system::from_text("four.yaml", FOUR).expect("the fixture loads");
    let run = simulate(&scenario.config).expect("it runs");
    let mut chart = SystemChart::new("four", &run, Theme::new(ColorMode::Color));
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("a test terminal");
    let key = Event::Key(KeyEvent::new(KeyCode::Char('v'), KeyModifiers::NONE));
    c.bench_function("system chart: key + redraw at 120x40", |b| {
        b.iter(|| {
            if let Some(msg) = chart.message(&key) {
                let _ = chart.update(msg);
            }
            terminal
                .draw(|frame| chart.render(frame))
                .expect("drawing never fails on a TestBackend");
        })
    });
}

criterion_group!(benches, four_services, chart_key_and_redraw);
criterion_main!(benches);
