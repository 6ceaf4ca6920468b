//! Reusable widgets: Markdown rendering and the scrollable pager built on it; the lab's state
//! diagram, counter gauges and call timeline (with their styles in `lab_style`).
//!
//! Widgets are pure functions of their inputs (or `impl Widget for &State`); none of them
//! reads the terminal, the clock or the environment.

pub mod breaker_gauges;
pub mod lab_style;
pub mod markdown;
pub mod pager;
pub mod question;
pub mod state_diagram;
pub mod text_input;
pub mod timeline;
