//! Module and exercise-bank types, loading, validation and diagnostics (issue 3).
