//! Mermaid diagrams in a concept, drawn as boxes and arrows: in learn's TUI at 80x24
//! (the mechanics block's state diagram, scrolled into view) and in plain mode's text.

use patterns::content::{Library, LoadedModule};
use patterns::progress::Timestamp;
use patterns::session::learn::{Learn, Stage};
use patterns::session::record::Recorder;
use patterns::ui::plain::markdown_to_plain;
use patterns::ui::tui::event::Event;
use patterns::ui::tui::screens::learn::LearnScreen;
use patterns::ui::tui::theme::{ColorMode, Theme};
use ratatui::crossterm::event::KeyCode;

#[path = "support/screens.rs"]
mod screens;
use screens::{key, send};

fn module() -> LoadedModule {
    Library::load(&[])
        .library
        .get("circuit-breaker")
        .cloned()
        .expect("bundled module")
}

/// The mechanics block's concept at 80x24.
fn mechanics_concept() -> LearnScreen {
    let mut screen = LearnScreen::new(
        Learn::new(module(), 1, 1),
        Recorder::in_memory(),
        || Timestamp(1_700_000_000),
        Theme::new(ColorMode::NoColor),
        vec!["cascade".into()],
    );
    send(
        &mut screen,
        Event::Resize {
            width: 80,
            height: 24,
        },
    );
    for _ in 0..10 {
        if screen.session().stage() == (Stage::Concept { block: 1 }) {
            break;
        }
        if matches!(screen.session().stage(), Stage::Priming { .. }) {
            key(&mut screen, KeyCode::Char('x'));
        }
        key(&mut screen, KeyCode::Enter);
    }
    assert_eq!(screen.session().stage(), Stage::Concept { block: 1 });
    screen
}

#[test]
fn the_state_diagram_in_learn_at_80x24() {
    let mut screen = mechanics_concept();
    // Down to the diagram, below the settings table.
    for _ in 0..12 {
        key(&mut screen, KeyCode::Char('j'));
    }
    let text = screens::screen_text(&screen, 80, 24);
    assert!(text.contains("│ CLOSED ├─"), "{text}");
    insta::assert_snapshot!("mechanics_state_diagram_tui", text);
}

#[test]
fn diagrams_in_plain_mode() {
    let markdown = "Before.\n\n```mermaid\nstateDiagram-v2\n    [*] --> CLOSED\n    CLOSED --> OPEN: failures >= failure_threshold\n    OPEN --> HALF_OPEN: first call > recovery_timeout\n    HALF_OPEN --> CLOSED: successes\n    HALF_OPEN --> OPEN: any failure\n```\n\n```mermaid\nflowchart LR\n    caller --> retry --> breaker[\"circuit breaker\"] --> dependency\n    breaker -->|open| fallback\n```\n\n```mermaid\ngantt\n    title shown as source\n```\n";
    insta::assert_snapshot!("plain_diagrams", markdown_to_plain(markdown, 80));
}
