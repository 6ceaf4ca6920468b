//! Full screens: each is an [`App`](super::event::App) for the event loop, its state a plain
//! struct (or a session state machine it wraps) and its drawing a pure function of that state.

pub mod backoff_chart;
pub mod chrome;
pub mod exam;
pub mod learn;
pub mod limiter_stepper;
pub mod modules;
pub mod progress;
pub mod review;
pub mod stepper;
pub mod storm_chart;
pub mod system_chart;
