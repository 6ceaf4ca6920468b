//! Modules and exercise banks as data: the format's types ([`model`]), loading from the
//! binary and from directories ([`load`], [`bundled`]), validation with precise diagnostics
//! ([`validate`], [`diagnostic`]), the JSON Schema ([`schema`]) and the scaffold ([`scaffold`]).
//!
//! Files: `modules/<id>/module.yaml` (+ its Markdown) and `exercises/<id>.yaml` under a
//! content root. Every file starts with `# yaml-language-server: $schema=<path>`; by
//! convention the schema is `schema.json` at the content root (`patterns new` writes it when
//! missing), so modules use `../../schema.json` and banks `../schema.json`.
//!
//! Invariant: content is untrusted (DESIGN.md §8). Files are regular, size-limited (checked
//! before reading) and found inside their folders (symlinks out are refused); text is
//! sanitized at load (escapes, controls, bidi overrides); YAML and Markdown nesting is
//! bounded; nothing here panics on bad input. `tests/hostile_modules.rs` attacks each.

pub mod bundled;
pub mod diagnostic;
pub mod load;
pub mod model;
pub mod sanitize;
pub mod scaffold;
pub mod scenario;
pub mod schema;
pub mod system;
pub mod validate;
pub mod values;
pub mod yaml;

pub use diagnostic::{Diagnostic, Severity};

pub use load::{Library, LoadedModule, Origin};
pub use model::{Bank, Exercise, Kind, Module};
