//! The ratatui terminal UI: terminal lifecycle, the async event loop, the theme and widgets.
//!
//! Screens follow the Elm shape of STYLE.md: state is a plain struct, `update(msg)` changes it
//! and returns an effect, `render(&state, frame)` only draws. A screen plugs into the loop by
//! implementing [`App`]; a command opens a [`Tui`] session and runs its screens in it (or
//! calls [`run`] for a single screen). The terminal is restored however the session ends.

pub mod event;
pub mod screens;
#[cfg(unix)]
pub mod signals;
pub mod terminal;
pub mod theme;
pub mod widgets;

pub use event::{App, Event, Exit, Flow, Tui, run};
pub use theme::{ColorMode, Theme};
