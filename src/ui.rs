//! The front ends: the ratatui TUI (`tui`) and helpers both it and the line-based front end use.
//!
//! Screens read session state and draw it; they never compute answers. Everything shown to a
//! person passes through `sanitize` first, so content can never drive the terminal.

pub mod plain;
pub mod sanitize;
pub mod tui;
