//! Reusable widgets: Markdown rendering and the scrollable pager built on it.
//!
//! Widgets are pure functions of their inputs (or `impl Widget for &State`); none of them
//! reads the terminal, the clock or the environment.

pub mod markdown;
pub mod pager;
