//! Styles of the lab's widgets, derived from the [`Theme`]'s colour mode so NO_COLOR stays one
//! decision: in colour each state has its colour; without, a lit state is reversed and bold,
//! a marked transition bold with heavy lines, and a difference underlined.

use ratatui::style::{Color, Modifier, Style};

use crate::engine::breaker::State;
use crate::ui::tui::theme::{ColorMode, Theme};

fn color(state: State) -> Color {
    match state {
        State::Closed => Color::Green,
        State::Open => Color::Red,
        State::HalfOpen => Color::Yellow,
    }
}

/// The current state's box or badge: lit.
pub fn lit(theme: &Theme, state: State) -> Style {
    let style = Style::new().add_modifier(Modifier::BOLD);
    match theme.mode {
        ColorMode::Color => style.fg(Color::Black).bg(color(state)),
        ColorMode::NoColor => style.add_modifier(Modifier::REVERSED),
    }
}

/// A state's name or letter in text (timeline, transitions).
pub fn state_text(theme: &Theme, state: State) -> Style {
    match theme.mode {
        ColorMode::Color => Style::new().fg(color(state)),
        ColorMode::NoColor => Style::new(),
    }
}

/// The arrow and label of the last transition.
pub fn marked(theme: &Theme) -> Style {
    let style = Style::new().add_modifier(Modifier::BOLD);
    match theme.mode {
        ColorMode::Color => style.fg(Color::Cyan),
        ColorMode::NoColor => style,
    }
}

/// A state that differs from the first lane's (compare mode).
pub fn differs(theme: &Theme) -> Style {
    let style = Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED);
    match theme.mode {
        ColorMode::Color => style.fg(Color::Magenta),
        ColorMode::NoColor => style,
    }
}

/// A right or a wrong answer.
pub fn verdict(theme: &Theme, correct: bool) -> Style {
    let style = Style::new().add_modifier(Modifier::BOLD);
    match (theme.mode, correct) {
        (ColorMode::Color, true) => style.fg(Color::Green),
        (ColorMode::Color, false) => style.fg(Color::Red),
        (ColorMode::NoColor, _) => style,
    }
}
