//! Starters: a runnable skeleton per pattern and language, with the protocol loop done and
//! the pattern left to write (every pattern request answers `{"error": "... not written
//! yet"}`, so the check fails until it is written), and a README with the one command
//! that checks it. Only skeletons ship in the binary, never solutions.

use super::Pattern;

/// A language a starter can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    Python,
    Rust,
    Javascript,
}

impl Language {
    pub const ALL: [Self; 3] = [Self::Python, Self::Rust, Self::Javascript];

    /// The name `--starter` takes.
    pub fn name(self) -> &'static str {
        match self {
            Self::Python => "python",
            Self::Rust => "rust",
            Self::Javascript => "javascript",
        }
    }

    /// The language called `name`.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.name() == name)
    }
}

/// One file of a starter, by its path inside the starter's folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StarterFile {
    pub path: &'static str,
    pub text: String,
}

/// The command that checks a starter, run inside its folder.
pub fn run_command(pattern: Pattern, language: Language) -> &'static str {
    match (pattern, language) {
        (Pattern::CircuitBreaker, Language::Python) => "python3 breaker.py",
        (Pattern::RetryBackoff, Language::Python) => "python3 backoff.py",
        (Pattern::CircuitBreaker, Language::Javascript) => "node breaker.js",
        (Pattern::RetryBackoff, Language::Javascript) => "node backoff.js",
        (Pattern::RateLimiter, Language::Python) => "python3 limiter.py",
        (Pattern::RateLimiter, Language::Javascript) => "node limiter.js",
        (_, Language::Rust) => "rustc -O --edition 2021 -o pattern main.rs && ./pattern",
    }
}

/// The files of the starter for `pattern` in `language`.
pub fn files(pattern: Pattern, language: Language) -> Vec<StarterFile> {
    let source = |path: &'static str, text: &str| StarterFile {
        path,
        text: text.to_owned(),
    };
    let mut files = match (pattern, language) {
        (Pattern::CircuitBreaker, Language::Python) => {
            vec![source(
                "breaker.py",
                include_str!("starters/circuit_breaker.py"),
            )]
        }
        (Pattern::RetryBackoff, Language::Python) => {
            vec![source(
                "backoff.py",
                include_str!("starters/retry_backoff.py"),
            )]
        }
        (Pattern::CircuitBreaker, Language::Javascript) => {
            vec![source(
                "breaker.js",
                include_str!("starters/circuit_breaker.js"),
            )]
        }
        (Pattern::RetryBackoff, Language::Javascript) => {
            vec![source(
                "backoff.js",
                include_str!("starters/retry_backoff.js"),
            )]
        }
        (Pattern::CircuitBreaker, Language::Rust) => vec![
            source("main.rs", include_str!("starters/circuit_breaker.rs")),
            source("json.rs", include_str!("starters/json.rs")),
        ],
        (Pattern::RetryBackoff, Language::Rust) => vec![
            source("main.rs", include_str!("starters/retry_backoff.rs")),
            source("json.rs", include_str!("starters/json.rs")),
        ],
        (Pattern::RateLimiter, Language::Python) => {
            vec![source(
                "limiter.py",
                include_str!("starters/rate_limiter.py"),
            )]
        }
        (Pattern::RateLimiter, Language::Javascript) => {
            vec![source(
                "limiter.js",
                include_str!("starters/rate_limiter.js"),
            )]
        }
        (Pattern::RateLimiter, Language::Rust) => vec![
            source("main.rs", include_str!("starters/rate_limiter.rs")),
            source("json.rs", include_str!("starters/json.rs")),
        ],
    };
    files.push(StarterFile {
        path: "README.md",
        text: readme(pattern, language),
    });
    files
}

fn readme(pattern: Pattern, language: Language) -> String {
    let command = run_command(pattern, language);
    let rules = match pattern {
        Pattern::CircuitBreaker => BREAKER_RULES,
        Pattern::RetryBackoff => BACKOFF_RULES,
        Pattern::RateLimiter => LIMITER_RULES,
    };
    format!(
        "# {pattern} in {language}\n\n\
         Write the pattern where the source says 'not written yet', then check it, in this folder:\n\n\
         ```sh\npatterns implement {pattern} --run '{command}'\n```\n\n\
         The check runs the course's own cases, then random ones, and compares every answer with\n\
         the engine. Until the pattern is written it fails. When it passes, `patterns progress`\n\
         shows it. Add `--preset NAME` to implement another library's semantics\n\
         (`patterns implement --help` lists them) and `--seed N` to replay a run.\n\n\
         {PROTOCOL}\n{rules}",
        language = language.name()
    )
}

/// The protocol, for READMEs (and, through the CLI, `--help`).
pub const PROTOCOL: &str = "\
## The protocol (version 1)

One JSON object per line on stdin; answer each with exactly one JSON object per line on
stdout, flushed: `{\"ok\": true}` where nothing else is asked, the asked value, or
`{\"error\": \"...\"}`. Write logs to stderr, never to stdout. Times are integer `now_ms`.

- `{\"op\": \"hello\", \"protocol\": 1, \"pattern\": \"...\"}` comes first: `{\"ok\": true}`.
- `{\"op\": \"reset\"}` starts a new case: forget everything. `{\"ok\": true}`.
- `{\"op\": \"config\", ...}` follows each reset: the settings of this case. `{\"ok\": true}`.
";

const BREAKER_RULES: &str = "\
## circuit-breaker

- `{\"op\": \"call\", \"now_ms\": 0}`: may the call run? `{\"allow\": true}` or `{\"allow\": false}`.
- `{\"op\": \"result\", \"now_ms\": 0, \"success\": false}`: the allowed call finished. `{\"ok\": true}`.
- `{\"op\": \"state\", \"now_ms\": 0}`: `{\"state\": \"CLOSED\"}`, `\"OPEN\"` or `\"HALF_OPEN\"`.

`config` fields: `failure_threshold` (consecutive failures that open; null when only rates
trip), `open_when_failures` (`reach_threshold`: count >= threshold, or `exceed_threshold`:
count > threshold), `recovery_timeout_ms`, `trial_after_timeout` (`strictly_after`: the
first call more than the timeout after opening is the trial, or `at_or_after`),
`success_threshold` (consecutive half-open successes that close), `half_open_max_calls`
(null: no cap; else calls admitted while half open, the rest rejected),
`half_open_judgement` (`consecutive`: any half-open failure reopens; `rate`: once all
`half_open_max_calls` calls have finished, a failure rate >= `failure_rate_percent` reopens,
below it closes), and for rate-based presets `window` (`{\"type\": \"count\", \"calls\": N}` or
`{\"type\": \"time\", \"span_ms\": N}`), `min_calls`, `failure_rate_percent` and
`judge_rate_after` (`every_call` or `failure`); otherwise these are null. Calls are
instant unless `result` comes later than `call`.

The transition to HALF_OPEN is lazy: waiting alone leaves an OPEN breaker OPEN; the first
call after the timeout moves it and is the trial. A CLOSED success resets the failure count.
Every change of state starts its counts afresh.
";

const BACKOFF_RULES: &str = "\
## retry-backoff

- `{\"op\": \"delay\", \"attempt\": 3, \"previous_ms\": 1000, \"u\": 0.25}`: the wait before retry
  number `attempt` (1 is the first retry): `{\"delay_ms\": 1000}`.

`config` fields: `base_ms`, `cap_ms`, `multiplier`, `jitter`. With c = min(cap_ms,
base_ms · multiplier^(attempt − 1)) computed in floating point (milliseconds), and `u` the
uniform draw sent with the request, the delay is floor of: `none` c; `full` c·u; `equal`
c/2 + (c/2)·u; `proportional` c·(0.5 + 0.5·u); `decorrelated` base_ms + (3·previous_ms −
base_ms)·u, then at most cap_ms. Compute in that order so the answer is exact.
";

const LIMITER_RULES: &str = "\
## rate-limiter

- `{\"op\": \"request\", \"now_ms\": 0}`: is the request admitted? `{\"allow\": true}` or
  `{\"allow\": false}`. Only admitted requests count.

`config` fields: `algorithm` and its numbers (rates in whole requests per second, windows in
ms): `fixed-window` `limit`, `window_ms` (windows [kW, (k+1)W) from t = 0; admit while the
window's count < limit); `sliding-log` `limit`, `window_ms` (admit when fewer than limit
admitted requests lie in (t − W, t]); `sliding-window` `limit`, `window_ms` (with e = t − the
current window's start, admit when prev · (W − e) / W + curr < limit); `token-bucket` `rate`,
`burst` (starts full with burst tokens, refills continuously at rate/s up to burst; a
request takes one whole token); `gcra` `rate`, `burst` (T = 1/rate, τ = (burst − 1)·T, TAT
from 0: admit when t ≥ TAT − τ, then TAT = max(TAT, t) + T); `leaky-queue` `rate`, `queue`
(a FIFO of at most queue waiting requests, one leaving every 1/rate; admit when the wait
would be at most queue · 1/rate). Decide exactly: count in thousandths of a token or in
t · rate, never in floating point.
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_starter_has_its_source_and_a_readme_with_the_command() {
        for pattern in Pattern::ALL {
            for language in Language::ALL {
                let files = files(pattern, language);
                let readme = files
                    .iter()
                    .find(|f| f.path == "README.md")
                    .map(|f| f.text.clone())
                    .unwrap_or_default();
                assert!(readme.contains(&format!(
                    "patterns implement {pattern} --run '{}'",
                    run_command(pattern, language)
                )));
                assert!(files.iter().any(|f| f.text.contains("not written yet")));
            }
        }
    }
}
