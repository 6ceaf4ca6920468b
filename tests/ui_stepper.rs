//! The stepper screen through ratatui's TestBackend: snapshots of the lab in each state at
//! 80x24 and 120x40, the help overlay, prediction mode and compare mode, and the styles that
//! carry meaning without colour (the lit state, the marked transition).

use patterns::engine::breaker::{BreakerConfig, State};
use patterns::engine::preset::Preset;
use patterns::engine::script::Script;
use patterns::session::lab::{Input, Lab, LabSetup, Prediction};
use patterns::ui::tui::event::{App, Exit, LoopOptions, event_loop};
use patterns::ui::tui::screens::stepper::Stepper;
use patterns::ui::tui::theme::{ColorMode, Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{
    Event as TerminalEvent, KeyCode, KeyEvent, KeyEventKind, KeyEventState, KeyModifiers,
};
use ratatui::style::Modifier;
use std::time::Duration;

const EXAM: &str = "4F 1S 5F +31s 2S 1F";

/// The seed's exam breaker: 5 failures, 30 s, 3 successes.
fn exam_config() -> BreakerConfig {
    BreakerConfig {
        failure_threshold: Some(5),
        recovery_timeout: Duration::from_secs(30),
        success_threshold: 3,
        ..BreakerConfig::default()
    }
}

fn stepper(setup: LabSetup, inputs: &[Input]) -> Stepper {
    let mut lab = Lab::new(setup).expect("valid lab");
    for &input in inputs {
        lab.handle(input);
    }
    Stepper::new(
        lab,
        "patterns sim breaker · seed preset",
        Theme::new(ColorMode::NoColor),
    )
}

/// The exam script's lab after `played` tokens.
fn exam(played: usize) -> Stepper {
    let setup = LabSetup::new("seed", exam_config()).script(Script::parse(EXAM).expect("script"));
    stepper(setup, &vec![Input::NextScripted; played])
}

fn draw(stepper: &Stepper, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test backend");
    terminal
        .draw(|frame| frame.render_widget(stepper, frame.area()))
        .expect("draw");
    terminal
}

fn text_of(buffer: &Buffer) -> String {
    let area = buffer.area;
    (0..area.height)
        .map(|y| {
            (0..area.width)
                .map(|x| buffer[(x, y)].symbol())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Where `needle` first appears on screen, as (x, y).
fn find(buffer: &Buffer, needle: &str) -> (u16, u16) {
    let text = text_of(buffer);
    for (y, line) in text.lines().enumerate() {
        let chars: Vec<char> = line.chars().collect();
        let wanted: Vec<char> = needle.chars().collect();
        if let Some(x) = chars
            .windows(wanted.len())
            .position(|w| w == wanted.as_slice())
        {
            return (x as u16, y as u16);
        }
    }
    panic!("'{needle}' not on screen:\n{text}");
}

#[test]
fn closed_80x24() {
    let stepper = exam(1);
    insta::assert_snapshot!(draw(&stepper, 80, 24).backend());
}

#[test]
fn closed_120x40() {
    let stepper = exam(1);
    insta::assert_snapshot!(draw(&stepper, 120, 40).backend());
}

#[test]
fn open_just_tripped_80x24() {
    let stepper = exam(3);
    insta::assert_snapshot!(draw(&stepper, 80, 24).backend());
}

#[test]
fn open_just_tripped_120x40() {
    let stepper = exam(3);
    insta::assert_snapshot!(draw(&stepper, 120, 40).backend());
}

#[test]
fn half_open_80x24() {
    let stepper = exam(5);
    insta::assert_snapshot!(draw(&stepper, 80, 24).backend());
}

#[test]
fn half_open_120x40() {
    let stepper = exam(5);
    insta::assert_snapshot!(draw(&stepper, 120, 40).backend());
}

#[test]
fn help_overlay_80x24() {
    let setup = LabSetup::new("seed", exam_config()).script(Script::parse(EXAM).expect("script"));
    let mut inputs = vec![Input::NextScripted; 3];
    inputs.push(Input::ToggleHelp);
    let stepper = stepper(setup, &inputs);
    insta::assert_snapshot!(draw(&stepper, 80, 24).backend());
}

#[test]
fn prediction_mode_80x24() {
    let setup = LabSetup::new("seed", exam_config())
        .script(Script::parse(EXAM).expect("script"))
        .prediction(Prediction::Ask);
    let inputs = [
        Input::NextScripted,
        Input::Predict(State::Closed),
        Input::NextScripted,
        Input::Predict(State::Closed),
        Input::NextScripted,
        Input::Predict(State::Closed),
        Input::NextScripted,
    ];
    let stepper = stepper(setup, &inputs);
    insta::assert_snapshot!(draw(&stepper, 80, 24).backend());
}

fn compare() -> Stepper {
    let setup = LabSetup::new("seed", Preset::Seed.config())
        .lane("gobreaker", Preset::Gobreaker.config())
        .lane("resilience4j", Preset::Resilience4j.config())
        .script(Script::parse("5F 1F +61s 1S").expect("script"));
    stepper(setup, &[Input::NextScripted, Input::NextScripted])
}

#[test]
fn compare_80x24() {
    insta::assert_snapshot!(draw(&compare(), 80, 24).backend());
}

#[test]
fn compare_120x40() {
    insta::assert_snapshot!(draw(&compare(), 120, 40).backend());
}

#[test]
fn rate_based_breaker_fits_80x24() {
    let setup = LabSetup::new("resilience4j", Preset::Resilience4j.config());
    let stepper = stepper(setup, &[Input::Failure, Input::SlowSuccess, Input::Success]);
    insta::assert_snapshot!(draw(&stepper, 80, 24).backend());
}

#[test]
fn the_current_state_is_lit_and_the_last_transition_marked_without_colour() {
    let stepper = exam(3);
    let terminal = draw(&stepper, 80, 24);
    let buffer = terminal.backend().buffer();
    let (x, y) = find(buffer, "OPEN  ");
    let lit = buffer[(x, y)].modifier;
    assert!(lit.contains(Modifier::REVERSED), "OPEN is lit: {lit:?}");
    let (x, y) = find(buffer, "CLOSED");
    assert!(!buffer[(x, y)].modifier.contains(Modifier::REVERSED));
    // The trip arrow is drawn heavy and bold; the others stay thin.
    let (x, y) = find(buffer, "━▶");
    assert!(buffer[(x, y)].modifier.contains(Modifier::BOLD));
    let text = text_of(buffer);
    assert!(text.matches('━').count() > 5);
    assert!(text.contains("5 consecutive failures reached failure_threshold 5"));
}

#[test]
fn compare_mode_highlights_states_that_differ() {
    let terminal = draw(&compare(), 120, 40);
    let buffer = terminal.backend().buffer();
    let (x, y) = find(buffer, "≠ seed");
    assert!(buffer[(x, y)].modifier.contains(Modifier::UNDERLINED));
    let text = text_of(buffer);
    assert_eq!(
        text.matches("≠ seed").count(),
        1,
        "only resilience4j differs:\n{text}"
    );
}

fn key(c: char) -> std::io::Result<TerminalEvent> {
    Ok(TerminalEvent::Key(KeyEvent {
        code: KeyCode::Char(c),
        modifiers: KeyModifiers::NONE,
        kind: KeyEventKind::Press,
        state: KeyEventState::NONE,
    }))
}

#[tokio::test]
async fn the_event_loop_drives_the_stepper() {
    let mut stepper = exam(0);
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("test backend");
    let events = ["f", "f", "u", " ", "q"]
        .iter()
        .map(|k| key(k.chars().next().expect("a key")))
        .collect::<Vec<_>>();
    let exit = event_loop(
        &mut terminal,
        futures_util::stream::iter(events),
        &mut stepper,
        LoopOptions::default(),
    )
    .await
    .expect("loop");
    assert_eq!(exit, Exit::Done(()));
    let lane = stepper.lab().lane();
    assert_eq!(
        lane.state(),
        State::Open,
        "1F (one undone), then the script's 4F"
    );
    assert_eq!(lane.timeline_total(), 5);
    assert_eq!(stepper.lab().script_position(), 1);
}

/// Every layout at every size from 1x1 up draws without panicking (resizes go anywhere).
#[test]
fn any_terminal_size_draws_without_panicking() {
    let mut help = exam(3);
    help.update(Input::ToggleHelp);
    let predicting = {
        let setup = LabSetup::new("seed", exam_config())
            .script(Script::parse(EXAM).expect("script"))
            .prediction(Prediction::Ask);
        stepper(
            setup,
            &[
                Input::NextScripted,
                Input::Predict(State::Open),
                Input::Failure,
            ],
        )
    };
    let rate = stepper(
        LabSetup::new("polly", Preset::Polly.config()),
        &[Input::Failure, Input::SlowFailure],
    );
    let screens = [exam(0), exam(5), help, predicting, rate, compare()];
    let widths = [
        1, 2, 5, 7, 8, 10, 20, 30, 39, 40, 41, 50, 64, 65, 66, 79, 80, 99, 100, 120, 200,
    ];
    let heights = [1, 2, 3, 5, 8, 10, 12, 16, 20, 24, 31, 32, 40, 60];
    for screen in &screens {
        for width in widths {
            for height in heights {
                draw(screen, width, height);
            }
        }
    }
}
