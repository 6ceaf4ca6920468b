//! `patterns`: learn distributed-systems resilience patterns by doing.
//!
//! Layers import downward only: `engine` ← `content` ← `grade` ← `session`/`progress` ← `ui`
//! ← `commands`. The engine is pure and deterministic and could be published alone.

pub mod cli;
pub mod commands;
pub mod content;
pub mod engine;
#[doc(hidden)]
pub mod fuzzing;
pub mod grade;
pub mod implement;
pub mod progress;
pub mod session;
pub mod ui;
