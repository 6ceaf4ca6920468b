//! Benchmarks (lab): one key handled by the stepper and one full frame drawn into a
//! TestBackend, against the 16 ms per key budget (issue 4 item 8, issue 6 item 7).
//!
//! The keys cycle through five failures, `t` and three successes, so the breaker goes round
//! CLOSED → OPEN → HALF_OPEN → CLOSED while the timeline and undo stack fill to their caps.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use patterns::engine::breaker::BreakerConfig;
use patterns::engine::preset::Preset;
use patterns::session::lab::{Input, Lab, LabSetup};
use patterns::ui::tui::Theme;
use patterns::ui::tui::event::App;
use patterns::ui::tui::screens::stepper::Stepper;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const CYCLE: [Input; 9] = [
    Input::Failure,
    Input::Failure,
    Input::Failure,
    Input::Failure,
    Input::Failure,
    Input::AdvanceTime,
    Input::Success,
    Input::Success,
    Input::Success,
];

fn exam_config() -> BreakerConfig {
    BreakerConfig {
        success_threshold: 3,
        recovery_timeout: std::time::Duration::from_secs(30),
        ..BreakerConfig::default()
    }
}

/// A stepper that has already seen a few hundred keys (full timeline and undo stack).
fn warmed(setup: LabSetup) -> Stepper {
    let mut stepper = Stepper::new(Lab::new(setup).expect("lab"), "bench", Theme::default());
    for input in CYCLE.iter().cycle().take(600) {
        stepper.update(*input);
    }
    stepper
}

fn key_and_frame(c: &mut Criterion, name: &str, setup: LabSetup, width: u16, height: u16) {
    let mut stepper = warmed(setup);
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test backend");
    let mut keys = CYCLE.iter().cycle();
    c.bench_function(name, |b| {
        b.iter(|| {
            let input = *keys.next().expect("an endless cycle");
            stepper.update(black_box(input));
            terminal.draw(|frame| stepper.render(frame)).expect("draw");
        });
    });
}

fn bench_lab(c: &mut Criterion) {
    let single = || LabSetup::new("seed", exam_config());
    key_and_frame(c, "stepper_key_and_frame_80x24", single(), 80, 24);
    key_and_frame(c, "stepper_key_and_frame_120x40", single(), 120, 40);
    let compare = || {
        LabSetup::new("seed", Preset::Seed.config())
            .lane("gobreaker", Preset::Gobreaker.config())
            .lane("resilience4j", Preset::Resilience4j.config())
    };
    key_and_frame(c, "compare3_key_and_frame_120x40", compare(), 120, 40);

    let mut lab = Lab::new(single()).expect("lab");
    let mut keys = CYCLE.iter().cycle();
    c.bench_function("lab_handle_key", |b| {
        b.iter(|| lab.handle(black_box(*keys.next().expect("an endless cycle"))));
    });
}

criterion_group!(benches, bench_lab);
criterion_main!(benches);
