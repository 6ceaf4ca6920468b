//! Keys to lab inputs.

use ratatui::crossterm::event::{KeyEventKind, KeyEventState};

use super::*;
use crate::engine::breaker::BreakerConfig;
use crate::session::lab::LabSetup;
use crate::ui::tui::theme::ColorMode;

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent {
        code,
        modifiers: KeyModifiers::NONE,
        kind: KeyEventKind::Press,
        state: KeyEventState::NONE,
    }
}

fn stepper(prediction: Prediction) -> Stepper {
    let setup = LabSetup::new("seed", BreakerConfig::default()).prediction(prediction);
    let lab = Lab::new(setup).unwrap();
    Stepper::new(lab, "test", Theme::new(ColorMode::NoColor))
}

#[test]
fn keys_map_to_inputs() {
    let stepper = stepper(Prediction::Off);
    let cases = [
        (KeyCode::Char('s'), Some(Input::Success)),
        (KeyCode::Char('f'), Some(Input::Failure)),
        (KeyCode::Char('S'), Some(Input::SlowSuccess)),
        (KeyCode::Char('F'), Some(Input::SlowFailure)),
        (KeyCode::Char('t'), Some(Input::AdvanceTime)),
        (KeyCode::Char(' '), Some(Input::NextScripted)),
        (KeyCode::Enter, Some(Input::NextScripted)),
        (KeyCode::Char('u'), Some(Input::Undo)),
        (KeyCode::Char('?'), Some(Input::ToggleHelp)),
        (KeyCode::Char('q'), Some(Input::Back)),
        (KeyCode::Esc, Some(Input::Back)),
        (KeyCode::Char('c'), None),
        (KeyCode::Char('x'), None),
    ];
    for (code, expected) in cases {
        assert_eq!(stepper.input_for(&key(code)), expected, "{code:?}");
    }
    let mut ctrl = key(KeyCode::Char('s'));
    ctrl.modifiers = KeyModifiers::CONTROL;
    assert_eq!(stepper.input_for(&ctrl), None);
}

#[test]
fn prediction_keys_only_in_prediction_mode() {
    let mut stepper = stepper(Prediction::Ask);
    assert_eq!(
        stepper.input_for(&key(KeyCode::Char('h'))),
        Some(Input::Predict(State::HalfOpen))
    );
    assert_eq!(
        stepper.input_for(&key(KeyCode::Char('o'))),
        Some(Input::Predict(State::Open))
    );
    stepper.update(Input::Failure);
    assert_eq!(stepper.input_for(&key(KeyCode::Esc)), Some(Input::Cancel));
    stepper.update(Input::Predict(State::Closed));
    assert_eq!(stepper.lab().steps(), 1);
}

#[test]
fn any_key_closes_the_help_and_q_leaves() {
    let mut stepper = stepper(Prediction::Off);
    stepper.update(Input::ToggleHelp);
    assert_eq!(
        stepper.input_for(&key(KeyCode::Char('x'))),
        Some(Input::ToggleHelp)
    );
    assert_eq!(
        stepper.input_for(&key(KeyCode::Esc)),
        Some(Input::ToggleHelp)
    );
    assert_eq!(stepper.update(Input::Back), Some(LabEffect::Close));
    assert_eq!(stepper.perform(LabEffect::Close), Flow::Exit(()));
}
