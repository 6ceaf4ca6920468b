//! Session state machines (learning flow, exam, lab, review): plain structs driven by
//! `handle(input) -> effects`, testable without a terminal. They compute nothing the engine
//! should compute and draw nothing: the front ends in `ui` read them and render.

pub mod exam;
pub mod lab;
pub mod learn;
pub mod limiter_lab;
pub mod question;
pub mod record;
pub mod review;
