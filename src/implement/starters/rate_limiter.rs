//! A rate limiter, checked by `patterns implement rate-limiter`.
//!
//! The protocol loop in `main` is done: it reads one JSON request per line on stdin and
//! prints exactly one JSON reply per line on stdout. Your work is `Limiter`. Log with
//! eprintln! if you like; stdout is for replies only.

mod json;

use std::io::{self, BufRead, Write};

use json::{Json, quote};

struct Limiter {
    /// The `config` request: `algorithm` and its numbers (README.md lists them). Read them
    /// with `config.get("rate").as_u64()`. Count exactly, in thousandths of a token or in
    /// `now_ms * rate`.
    #[allow(dead_code)]
    config: Json,
}

impl Limiter {
    fn new(config: Json) -> Self {
        Limiter { config }
    }

    /// A request arrives at `now_ms`: `true` admits it, `false` rejects it.
    fn request(&mut self, _now_ms: u64) -> Result<bool, String> {
        Err("request is not written yet".to_string())
    }
}

fn handle(limiter: &mut Option<Limiter>, request: &Json) -> Result<String, String> {
    match request.get("op").as_str().unwrap_or("") {
        "hello" | "reset" => {
            *limiter = None;
            Ok(r#"{"ok": true}"#.to_string())
        }
        "config" => {
            *limiter = Some(Limiter::new(request.clone()));
            Ok(r#"{"ok": true}"#.to_string())
        }
        "request" => {
            let limiter = limiter.as_mut().ok_or("no config yet")?;
            let now_ms = request.get("now_ms").as_u64().ok_or("now_ms is missing")?;
            Ok(format!(r#"{{"allow": {}}}"#, limiter.request(now_ms)?))
        }
        other => Err(format!("unknown op '{other}'")),
    }
}

fn main() {
    let mut limiter = None;
    let stdout = io::stdout();
    for line in io::stdin().lock().lines() {
        let Ok(line) = line else { break };
        let reply = Json::parse(&line)
            .and_then(|request| handle(&mut limiter, &request))
            .unwrap_or_else(|error| format!(r#"{{"error": {}}}"#, quote(&error)));
        let mut out = stdout.lock();
        let _ = writeln!(out, "{reply}");
        let _ = out.flush();
    }
}
