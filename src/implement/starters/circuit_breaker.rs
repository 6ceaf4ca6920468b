//! A circuit breaker, checked by `patterns implement circuit-breaker`.
//!
//! The protocol loop in `main` is done: it reads one JSON request per line on stdin and
//! prints exactly one JSON reply per line on stdout. Your work is `Breaker`. Log with
//! eprintln! if you like; stdout is for replies only.

mod json;

use std::io::{self, BufRead, Write};

use json::{Json, quote};

struct Breaker {
    /// The `config` request: `failure_threshold`, `open_when_failures`,
    /// `recovery_timeout_ms`, `trial_after_timeout`, `success_threshold`,
    /// `half_open_max_calls`, ... (README.md lists every field). Read them with
    /// `config.get("failure_threshold").as_u64()`.
    #[allow(dead_code)]
    config: Json,
}

impl Breaker {
    fn new(config: Json) -> Self {
        Breaker { config }
    }

    /// A call arrives at `now_ms`: `true` lets it run, `false` rejects it.
    fn call(&mut self, _now_ms: u64) -> Result<bool, String> {
        Err("call is not written yet".to_string())
    }

    /// The call this breaker let run finished at `now_ms`: record it.
    fn result(&mut self, _now_ms: u64, _success: bool) -> Result<(), String> {
        Err("result is not written yet".to_string())
    }

    /// "CLOSED", "OPEN" or "HALF_OPEN" at `now_ms` (waiting alone moves nothing).
    fn state(&mut self, _now_ms: u64) -> Result<&'static str, String> {
        Err("state is not written yet".to_string())
    }
}

fn handle(breaker: &mut Option<Breaker>, request: &Json) -> Result<String, String> {
    let now_ms = || request.get("now_ms").as_u64().ok_or("now_ms is missing");
    match request.get("op").as_str().unwrap_or("") {
        "hello" | "reset" => {
            *breaker = None;
            Ok(r#"{"ok": true}"#.to_string())
        }
        "config" => {
            *breaker = Some(Breaker::new(request.clone()));
            Ok(r#"{"ok": true}"#.to_string())
        }
        op => {
            let breaker = breaker.as_mut().ok_or("no config yet")?;
            match op {
                "call" => Ok(format!(r#"{{"allow": {}}}"#, breaker.call(now_ms()?)?)),
                "result" => {
                    let success = request.get("success").as_bool().ok_or("success is missing")?;
                    breaker.result(now_ms()?, success)?;
                    Ok(r#"{"ok": true}"#.to_string())
                }
                "state" => Ok(format!(r#"{{"state": "{}"}}"#, breaker.state(now_ms()?)?)),
                other => Err(format!("unknown op '{other}'")),
            }
        }
    }
}

fn main() {
    let mut breaker = None;
    let stdout = io::stdout();
    for line in io::stdin().lock().lines() {
        let Ok(line) = line else { break };
        let reply = Json::parse(&line)
            .and_then(|request| handle(&mut breaker, &request))
            .unwrap_or_else(|error| format!(r#"{{"error": {}}}"#, quote(&error)));
        let mut out = stdout.lock();
        let _ = writeln!(out, "{reply}");
        let _ = out.flush();
    }
}
