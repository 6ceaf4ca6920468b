//! The `sim system` chart screen through ratatui's TestBackend: the cascade's busy workers,
//! outcomes and latency views at 80x24 and 120x40 (NO_COLOR markers), the keys that switch
//! views, hide services and zoom, and every size down to 1x1 without a panic.

#[path = "support/screens.rs"]
mod screens;

use patterns::content::system;
use patterns::engine::system::simulate;
use patterns::ui::tui::screens::system_chart::{SystemChart, View};
use patterns::ui::tui::theme::{ColorMode, Theme};
use ratatui::crossterm::event::KeyCode;
use screens::{key, screen_text};

fn chart(name: &str) -> SystemChart {
    let scenario = system::load(name).expect("a built-in");
    let run = simulate(&scenario.config).expect("it runs");
    SystemChart::new(&scenario.name, &run, Theme::new(ColorMode::NoColor))
}

#[test]
fn cascade_busy_80x24() {
    insta::assert_snapshot!(screen_text(&chart("cascade"), 80, 24));
}

#[test]
fn cascade_busy_120x40() {
    insta::assert_snapshot!(screen_text(&chart("cascade"), 120, 40));
}

#[test]
fn cascade_outcomes_and_latency_120x40() {
    let mut c = chart("cascade");
    key(&mut c, KeyCode::Char('v'));
    assert_eq!(c.view(), View::Outcomes);
    insta::assert_snapshot!("cascade_outcomes_120x40", screen_text(&c, 120, 40));
    key(&mut c, KeyCode::Char('v'));
    assert_eq!(c.view(), View::Latency);
    insta::assert_snapshot!("cascade_latency_80x24", screen_text(&c, 80, 24));
    key(&mut c, KeyCode::Char('v'));
    assert_eq!(c.view(), View::Busy);
}

#[test]
fn hiding_a_service_removes_its_line_and_says_so() {
    let mut c = chart("cascade");
    let before = screen_text(&c, 120, 40);
    assert!(before.contains("⠿ checkout"));
    key(&mut c, KeyCode::Char('2'));
    let after = screen_text(&c, 120, 40);
    assert!(!after.contains("⠿ checkout"), "{after}");
    assert!(after.contains("checkout (hidden)"), "{after}");
    key(&mut c, KeyCode::Char('9'));
    assert_eq!(
        screen_text(&c, 120, 40),
        after,
        "no ninth service: the key does nothing"
    );
}

#[test]
fn zoom_and_pan_change_the_time_axis_and_stay_in_the_run() {
    let mut c = chart("cascade");
    let whole = screen_text(&c, 120, 40);
    key(&mut c, KeyCode::Char('+'));
    let zoomed = screen_text(&c, 120, 40);
    assert_ne!(zoomed, whole);
    for _ in 0..50 {
        key(&mut c, KeyCode::Right);
    }
    let end = screen_text(&c, 120, 40);
    let axis = end.lines().rev().nth(2).unwrap_or_default();
    assert!(
        axis.trim_end_matches('│').ends_with("60s"),
        "the window ends with the run: {axis}"
    );
    assert!(!axis.contains(" 0s"), "{axis}");
    for _ in 0..20 {
        key(&mut c, KeyCode::Char('+'));
        key(&mut c, KeyCode::Left);
    }
    for _ in 0..20 {
        key(&mut c, KeyCode::Char('-'));
    }
    assert_eq!(screen_text(&c, 120, 40), whole);
}

#[test]
fn every_size_down_to_1x1_draws() {
    let mut c = chart("mmc");
    for view in 0..3 {
        for (w, h) in [(1, 1), (2, 3), (29, 7), (30, 8), (40, 10), (80, 24)] {
            let text = screen_text(&c, w, h);
            if w < 30 || h < 8 {
                assert!(
                    w < 10 || text.starts_with("too small"),
                    "{view} {w}x{h}: {text}"
                );
            }
        }
        key(&mut c, KeyCode::Char('v'));
    }
}
