//! Keys to lab inputs, and drawing at every size.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyEventKind, KeyEventState};

use super::*;

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent {
        code,
        modifiers: KeyModifiers::NONE,
        kind: KeyEventKind::Press,
        state: KeyEventState::NONE,
    }
}

fn stepper(config: LimiterConfig) -> LimiterStepper {
    let lab = LimiterLab::new(config).expect("valid");
    LimiterStepper::new(lab, Theme::new(ColorMode::NoColor))
}

#[test]
fn keys_map_to_inputs() {
    let mut stepper = stepper(LimiterConfig::Gcra { rate: 5, burst: 2 });
    let cases = [
        (KeyCode::Char('r'), Some(LimiterInput::Request)),
        (KeyCode::Char('b'), Some(LimiterInput::Burst)),
        (KeyCode::Char('t'), Some(LimiterInput::AdvanceTime)),
        (KeyCode::Char(' '), Some(LimiterInput::NextScripted)),
        (KeyCode::Enter, Some(LimiterInput::NextScripted)),
        (KeyCode::Char('u'), Some(LimiterInput::Undo)),
        (KeyCode::Char('?'), Some(LimiterInput::ToggleHelp)),
        (KeyCode::Char('q'), Some(LimiterInput::Back)),
        (KeyCode::Esc, Some(LimiterInput::Back)),
        (KeyCode::Char('x'), None),
    ];
    for (code, expected) in cases {
        assert_eq!(stepper.input_for(&key(code)), expected, "{code:?}");
    }
    stepper.update(LimiterInput::ToggleHelp);
    assert_eq!(
        stepper.input_for(&key(KeyCode::Char('x'))),
        Some(LimiterInput::ToggleHelp)
    );
    assert_eq!(
        stepper.update(LimiterInput::Back),
        Some(LimiterEffect::Close)
    );
    assert_eq!(stepper.perform(LimiterEffect::Close), Flow::Exit(()));
}

#[test]
fn every_size_draws_without_panicking() {
    let configs = [
        LimiterConfig::FixedWindow {
            limit: 3,
            window_ms: 1000,
        },
        LimiterConfig::SlidingLog {
            limit: 3,
            window_ms: 1000,
        },
        LimiterConfig::SlidingWindow {
            limit: 3,
            window_ms: 1000,
        },
        LimiterConfig::TokenBucket { rate: 3, burst: 2 },
        LimiterConfig::Gcra { rate: 3, burst: 2 },
        LimiterConfig::LeakyQueue { rate: 3, queue: 2 },
        LimiterConfig::Guava { rate: 2 },
        LimiterConfig::Resilience4j {
            limit_for_period: 2,
            limit_refresh_period_ns: 1_000_000_000,
            timeout_ms: 500,
        },
        LimiterConfig::RedisIncr {
            limit: 2,
            window_ms: 1000,
            recipe: crate::engine::limiter::RedisRecipe::IncrThenCheck,
        },
        LimiterConfig::EnvoyTimer {
            max_tokens: 2,
            tokens_per_fill: 1,
            fill_interval_ms: 100,
        },
    ];
    for config in configs {
        let mut stepper = stepper(config);
        for input in [
            LimiterInput::Burst,
            LimiterInput::AdvanceTime,
            LimiterInput::Request,
            LimiterInput::ToggleHelp,
        ] {
            stepper.update(input);
        }
        for (width, height) in [(1, 1), (10, 3), (39, 11), (40, 12), (80, 24), (200, 60)] {
            let mut terminal =
                Terminal::new(TestBackend::new(width, height)).expect("test backend");
            terminal
                .draw(|frame| frame.render_widget(&stepper, frame.area()))
                .expect("draws");
        }
    }
}

#[test]
fn the_tat_axis_marks_now_the_earliest_admission_and_the_tat() {
    assert_eq!(
        marks_line(&[(0, '|'), (500, '^'), (1000, 'T')], 11),
        "|────^────T"
    );
}
