//! Driving a TUI screen without a terminal, exactly as the event loop does (message, update,
//! perform), and reading what it drew from ratatui's `TestBackend`. Shared via `#[path]`.

#![allow(dead_code)]

use patterns::ui::tui::event::{App, Event};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What `app` draws on a `width`x`height` screen: rows without trailing blanks, joined by
/// newlines.
pub fn screen_text<A: App>(app: &A, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test backend");
    terminal.draw(|frame| app.render(frame)).expect("draw");
    let buffer = terminal.backend().buffer();
    (0..buffer.area.height)
        .map(|y| {
            let line: String = (0..buffer.area.width)
                .map(|x| buffer[(x, y)].symbol())
                .collect();
            line.trim_end().to_owned()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Sends an event the way the loop does: message, update, perform.
pub fn send<A: App>(app: &mut A, event: Event) {
    if let Some(msg) = app.message(&event)
        && let Some(effect) = app.update(msg)
    {
        let _ = app.perform(effect);
    }
}

/// A key press without modifiers.
pub fn key(app: &mut impl App, code: KeyCode) {
    key_with(app, code, KeyModifiers::NONE);
}

/// A key press with `modifiers` (e.g. Ctrl-N).
pub fn key_with(app: &mut impl App, code: KeyCode, modifiers: KeyModifiers) {
    send(app, Event::Key(KeyEvent::new(code, modifiers)));
}
