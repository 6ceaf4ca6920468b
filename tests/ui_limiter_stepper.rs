//! The limiter stepper through ratatui's TestBackend: snapshots at 80x24 and 120x40 of the
//! token bucket, GCRA (the TAT on its axis), a window limiter and the leaky queue, the help
//! overlay, and the "too small" message.

use patterns::engine::limiter::{LimiterConfig, Script};
use patterns::session::limiter_lab::{LimiterInput, LimiterLab};
use patterns::ui::tui::screens::limiter_stepper::LimiterStepper;
use patterns::ui::tui::theme::{ColorMode, Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn stepper(config: LimiterConfig, script: Option<&str>, inputs: &[LimiterInput]) -> LimiterStepper {
    let mut lab = LimiterLab::new(config).expect("valid");
    if let Some(text) = script {
        lab = lab.with_script(Script::parse(text).expect("script"));
    }
    for &input in inputs {
        lab.handle(input);
    }
    LimiterStepper::new(lab, Theme::new(ColorMode::NoColor))
}

fn draw(stepper: &LimiterStepper, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test backend");
    terminal
        .draw(|frame| frame.render_widget(stepper, frame.area()))
        .expect("draw");
    terminal
}

use LimiterInput::{AdvanceTime, Burst, NextScripted, Request, ToggleHelp};

fn token_bucket() -> LimiterStepper {
    stepper(
        LimiterConfig::TokenBucket { rate: 10, burst: 5 },
        None,
        &[
            Burst,
            AdvanceTime,
            AdvanceTime,
            AdvanceTime,
            Request,
            Request,
        ],
    )
}

fn gcra() -> LimiterStepper {
    stepper(
        LimiterConfig::Gcra { rate: 10, burst: 5 },
        Some("7 +250ms 3 5/1s"),
        &[NextScripted, NextScripted, NextScripted],
    )
}

#[test]
fn token_bucket_80x24() {
    insta::assert_snapshot!(draw(&token_bucket(), 80, 24).backend());
}

#[test]
fn token_bucket_120x40() {
    insta::assert_snapshot!(draw(&token_bucket(), 120, 40).backend());
}

#[test]
fn gcra_80x24() {
    insta::assert_snapshot!(draw(&gcra(), 80, 24).backend());
}

#[test]
fn gcra_120x40() {
    insta::assert_snapshot!(draw(&gcra(), 120, 40).backend());
}

#[test]
fn fixed_window_80x24() {
    let stepper = stepper(
        LimiterConfig::FixedWindow {
            limit: 5,
            window_ms: 1000,
        },
        Some("+900ms 5 +100ms 5"),
        &[NextScripted, NextScripted, NextScripted, NextScripted],
    );
    insta::assert_snapshot!(draw(&stepper, 80, 24).backend());
}

#[test]
fn leaky_queue_80x24() {
    let stepper = stepper(
        LimiterConfig::LeakyQueue { rate: 2, queue: 4 },
        None,
        &[Burst, AdvanceTime],
    );
    insta::assert_snapshot!(draw(&stepper, 80, 24).backend());
}

#[test]
fn help_overlay_80x24() {
    let mut stepper = token_bucket();
    stepper = {
        let mut lab = stepper.lab().clone();
        lab.handle(ToggleHelp);
        LimiterStepper::new(lab, Theme::new(ColorMode::NoColor))
    };
    insta::assert_snapshot!(draw(&stepper, 80, 24).backend());
}

#[test]
fn too_small_says_so() {
    let terminal = draw(&token_bucket(), 30, 6);
    let text: String = terminal
        .backend()
        .buffer()
        .content()
        .iter()
        .map(|cell| cell.symbol())
        .collect();
    assert!(text.contains("too small"), "{text}");
}
