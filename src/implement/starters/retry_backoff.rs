//! Capped exponential backoff with jitter, checked by `patterns implement retry-backoff`.
//!
//! The protocol loop in `main` is done: it reads one JSON request per line on stdin and
//! prints exactly one JSON reply per line on stdout. Your work is `delay`. Log with
//! eprintln! if you like; stdout is for replies only.

mod json;

use std::io::{self, BufRead, Write};

use json::{Json, quote};

/// The wait before retry number `attempt` (1 = the first retry), in whole milliseconds.
/// `config` is the `config` request: `base_ms`, `cap_ms`, `multiplier`, `jitter` (none,
/// full, equal, decorrelated, proportional). `u` is the uniform draw in [0, 1) to use;
/// `previous_ms` the previous delay (decorrelated jitter needs it). README.md gives the
/// formulas; floor the result with `f64::floor`.
fn delay(_config: &Json, _attempt: u32, _previous_ms: u64, _u: f64) -> Result<u64, String> {
    Err("delay is not written yet".to_string())
}

fn handle(config: &mut Option<Json>, request: &Json) -> Result<String, String> {
    match request.get("op").as_str().unwrap_or("") {
        "hello" | "reset" => Ok(r#"{"ok": true}"#.to_string()),
        "config" => {
            *config = Some(request.clone());
            Ok(r#"{"ok": true}"#.to_string())
        }
        "delay" => {
            let config = config.as_ref().ok_or("no config yet")?;
            let attempt = request.get("attempt").as_u64().ok_or("attempt is missing")?;
            let previous = request.get("previous_ms").as_u64().ok_or("previous_ms is missing")?;
            let u = request.get("u").as_f64().ok_or("u is missing")?;
            let ms = delay(config, attempt as u32, previous, u)?;
            Ok(format!(r#"{{"delay_ms": {ms}}}"#))
        }
        other => Err(format!("unknown op '{other}'")),
    }
}

fn main() {
    let mut config = None;
    let stdout = io::stdout();
    for line in io::stdin().lock().lines() {
        let Ok(line) = line else { break };
        let reply = Json::parse(&line)
            .and_then(|request| handle(&mut config, &request))
            .unwrap_or_else(|error| format!(r#"{{"error": {}}}"#, quote(&error)));
        let mut out = stdout.lock();
        let _ = writeln!(out, "{reply}");
        let _ = out.flush();
    }
}
