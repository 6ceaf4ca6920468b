//! The command line, as clap derive types and nothing else. Flags are documented where they
//! are defined; `commands/` turns them into calls on the library.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Learn distributed-systems resilience patterns by doing.
#[derive(Debug, Parser)]
#[command(name = "patterns", version, about, long_about = ABOUT, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Flags every subcommand accepts.
#[derive(Debug, Args, Clone, Default)]
pub struct Global {
    /// Line-based front end: no TUI, answers read from stdin one per line. Chosen
    /// automatically when stdin or stdout is not a terminal.
    #[arg(long, global = true)]
    pub plain: bool,
    /// Another content root (a folder holding `modules/` and/or `exercises/`), added to the
    /// bundled modules. Repeatable.
    #[arg(long = "modules-dir", value_name = "DIR", global = true)]
    pub modules_dirs: Vec<PathBuf>,
}

// Parsed once per process: the size of the largest variant costs nothing worth boxing for.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List modules with title, difficulty, minutes and your progress.
    List(ListArgs),
    /// Work through a module: priming, concept, lab, practice, reflection. Resumes where
    /// you stopped.
    Learn(LearnArgs),
    /// Take a module's mastery exam; exit 0 on pass, 1 on fail.
    Exam(ExamArgs),
    /// Re-answer the exercises due for spaced review (missed or hard ones).
    Review,
    /// Validate modules and exercise banks; exit 1 with diagnostics.
    Check(CheckArgs),
    /// Scaffold a module that passes `check`, under the current directory.
    New(NewArgs),
    /// Print the JSON Schema (draft-07) for module and exercise files.
    Schema,
    /// Run the engine: circuit breaker, backoff schedule, retry storm, rate limiter.
    #[command(subcommand)]
    Sim(SimCommand),
    /// Your record: blocks completed, exercises, journal, exams and reviews due.
    ///
    /// The record is one file, 'progress.json', in PATTERNS_HOME if set, else the platform's
    /// data folder (~/.local/share/patterns on Linux, ~/Library/Application Support/patterns
    /// on macOS, %APPDATA%\patterns on Windows). An unreadable file is moved aside, never
    /// overwritten.
    Progress(ProgressArgs),
    /// Print a shell completion script: bash, zsh, fish, elvish or powershell.
    ///
    /// Example: patterns completions bash > ~/.local/share/bash-completion/completions/patterns
    Completions(CompletionsArgs),
    /// Print the man page (roff).
    ///
    /// Example: patterns man > ~/.local/share/man/man1/patterns.1
    Man,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct LearnArgs {
    /// The module id, e.g. 'circuit-breaker' (see 'patterns list').
    pub module: String,
    /// Start at focus block N (from 1) instead of where you stopped.
    #[arg(long, value_name = "N")]
    pub block: Option<u32>,
}

#[derive(Debug, Args)]
pub struct ExamArgs {
    /// The module id, e.g. 'circuit-breaker'.
    pub module: String,
    /// Draw the questions with this seed; the same seed asks the same questions. Without
    /// it every exam draws new variants (the seed used is printed).
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ProgressArgs {
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    #[command(subcommand)]
    pub action: Option<ProgressAction>,
}

#[derive(Debug, Subcommand)]
pub enum ProgressAction {
    /// Remove one module's record; a copy is kept beside the progress file.
    Reset {
        /// The module id, e.g. 'circuit-breaker'.
        module: String,
    },
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Content roots, module folders or single files. None: the bundled modules.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// The new module's id: lowercase letters, digits and '-', e.g. 'rate-limiter'.
    pub id: String,
}

#[derive(Debug, Subcommand)]
pub enum SimCommand {
    /// Step a circuit breaker through a script of calls and clock advances.
    Breaker(SimBreakerArgs),
    /// A backoff schedule, or the spread of a jittered one.
    Backoff(SimBackoffArgs),
    /// Many clients retrying against one contended or failing server.
    Storm(SimStormArgs),
    /// A rate limiter's decision for every request of an arrival script.
    Limiter(SimLimiterArgs),
    /// A chain of services under load, with timeouts, retries, breakers, bulkheads and
    /// limiters around their calls.
    System(SimSystemArgs),
}

/// Breaker configuration flags; each overrides the preset's value.
#[derive(Debug, Args, Clone, Default)]
pub struct BreakerFlags {
    /// Start from a well-known library's defaults: seed, pybreaker, gobreaker,
    /// resilience4j, polly.
    #[arg(long, value_name = "NAME", default_value = "seed")]
    pub preset: String,
    /// Consecutive failures that open the breaker (seed default 5).
    #[arg(long, value_name = "N")]
    pub failure_threshold: Option<u32>,
    /// How long the breaker stays open before a trial call (e.g. 60s, 500ms).
    #[arg(long, value_name = "DUR")]
    pub recovery_timeout: Option<String>,
    /// Consecutive half-open successes that close the breaker.
    #[arg(long, value_name = "N")]
    pub success_threshold: Option<u32>,
    /// Calls admitted while half open; the rest are rejected.
    #[arg(long, value_name = "N")]
    pub half_open_max_calls: Option<u32>,
    /// Sliding window for rate-based tripping: 'count:N' calls or 'time:DUR'. Added to a
    /// preset without one, the rate flags not given take Resilience4j's defaults
    /// (failure rate 50, min calls 100, slow call 60s, slow rate 100).
    #[arg(long, value_name = "count:N|time:DUR")]
    pub window: Option<String>,
    /// Failure rate (percent of calls in the window) at or above which the breaker opens.
    #[arg(long, value_name = "PCT")]
    pub failure_rate: Option<f64>,
    /// Calls the window must hold before its rates are judged.
    #[arg(long, value_name = "N")]
    pub min_calls: Option<u32>,
    /// A call slower than this (strictly) counts as slow.
    #[arg(long, value_name = "DUR")]
    pub slow_call: Option<String>,
    /// Slow-call rate (percent) at or above which the breaker opens.
    #[arg(long, value_name = "PCT")]
    pub slow_rate: Option<f64>,
    /// Leave OPEN by itself when the timeout elapses, instead of on the next call.
    #[arg(long)]
    pub automatic_transition: bool,
}

#[derive(Debug, Args)]
pub struct SimBreakerArgs {
    #[command(flatten)]
    pub breaker: BreakerFlags,
    /// Whitespace-separated steps: 'NF', 'NS', 'NS@DUR', 'NF@DUR', '+DUR'.
    /// Example: '4F 1S 5F +31s 2S 1F'.
    #[arg(long, value_name = "SCRIPT", allow_hyphen_values = true)]
    pub script: Option<String>,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Play '--script' in the interactive stepper, one step per keypress ('space'), with
    /// 'u' to undo. Needs a terminal.
    #[arg(long, requires = "script", conflicts_with = "json")]
    pub step: bool,
    /// Open the stepper with several presets side by side, fed the same calls; states that
    /// differ from the first preset's are highlighted. Breaker flags apply to every preset.
    /// Example: 'seed,gobreaker,resilience4j'. Needs a terminal.
    #[arg(
        long,
        value_name = "PRESETS",
        conflicts_with_all = ["json", "preset"]
    )]
    pub compare: Option<String>,
}

/// Backoff flags shared by `sim backoff` and `sim storm`.
#[derive(Debug, Args, Clone)]
pub struct BackoffFlags {
    /// The first delay (the ceiling of attempt 1).
    #[arg(long, value_name = "DUR")]
    pub base: Option<String>,
    /// Growth factor per attempt.
    #[arg(long, value_name = "F")]
    pub multiplier: Option<f64>,
    /// The largest delay.
    #[arg(long, value_name = "DUR")]
    pub cap: Option<String>,
    /// Seed for the jitter's random draws; the same seed gives the same schedule everywhere.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub seed: u64,
}

#[derive(Debug, Args)]
pub struct SimBackoffArgs {
    #[command(flatten)]
    pub backoff: BackoffFlags,
    /// Retries to schedule.
    #[arg(long, value_name = "N", default_value_t = 8)]
    pub attempts: u32,
    /// How each delay is randomised below its ceiling.
    #[arg(long, value_enum, default_value_t = JitterArg::None)]
    pub jitter: JitterArg,
    /// Draw the schedule N times and report the spread per attempt.
    #[arg(long, value_name = "N")]
    pub samples: Option<u32>,
    /// Print JSON instead of a table.
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print CSV instead of a table: one row per attempt.
    #[arg(long)]
    pub csv: bool,
    /// Also write the chart as a standalone SVG file.
    #[arg(long, value_name = "FILE")]
    pub svg: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum JitterArg {
    None,
    Full,
    Equal,
    Decorrelated,
    Proportional,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StormJitterArg {
    None,
    Full,
    Equal,
    Decorrelated,
    Proportional,
    /// No backoff, exponential, equal, full and decorrelated side by side.
    All,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScenarioArg {
    /// N clients update one row once each with optimistic concurrency (AWS, 2015).
    Contention,
    /// A dependency is down, then serves a fixed capacity; clients retry.
    Outage,
}

#[derive(Debug, Args)]
pub struct SimStormArgs {
    #[arg(long, value_enum, default_value_t = ScenarioArg::Contention)]
    pub scenario: ScenarioArg,
    /// Number of clients.
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub clients: u32,
    /// Jitter strategy, or 'all' to compare the strategies side by side.
    #[arg(long, value_enum, default_value_t = StormJitterArg::Full)]
    pub jitter: StormJitterArg,
    /// Retry at once, without waiting.
    #[arg(long)]
    pub no_backoff: bool,
    #[command(flatten)]
    pub backoff: BackoffFlags,
    /// Outage: how long the dependency is down (default 30s).
    #[arg(long, value_name = "DUR")]
    pub outage: Option<String>,
    /// Outage: requests per second the dependency serves once it is back (default 150).
    #[arg(long, value_name = "RPS")]
    pub capacity: Option<u32>,
    /// Outage: new requests per second per client (default 1).
    #[arg(long, value_name = "RPS")]
    pub rate: Option<f64>,
    /// Outage: how long clients keep sending new requests (default 2m).
    #[arg(long, value_name = "DUR")]
    pub duration: Option<String>,
    /// Outage: calls per request, the first included; 1 never retries (default 5).
    #[arg(long, value_name = "N")]
    pub max_attempts: Option<u32>,
    /// Outage: a retry budget, 'tokens:MAX:RATIO' (gRPC) or 'ratio:PCT' (retries below PCT
    /// percent of requests) or 'ratio:PCT:WINDOW' (the same over a sliding window).
    #[arg(long, value_name = "SPEC")]
    pub budget: Option<String>,
    /// Outage: put a circuit breaker in front of the dependency (a preset name).
    #[arg(long, value_name = "PRESET")]
    pub breaker: Option<String>,
    /// Repeat with seeds seed..seed+N-1 and report means.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub runs: u32,
    /// One row per client count: 'FROM..TO/STEP', e.g. '10..190/10'.
    #[arg(long, value_name = "FROM..TO/STEP")]
    pub sweep: Option<String>,
    /// Print JSON instead of a table.
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print CSV instead of a table: one row per strategy and client count.
    #[arg(long)]
    pub csv: bool,
    /// Also write the chart as a standalone SVG file.
    #[arg(long, value_name = "FILE")]
    pub svg: Option<PathBuf>,
    /// Contention, one run and one client count: report the load over time instead of the
    /// totals, write calls per time bucket and strategy over the window where most calls
    /// land (the chart's first load view). Applies to the table, '--csv'
    /// (strategy,bucket_start_ms,bucket_end_ms,calls), '--json' and '--svg'; on a terminal
    /// the chart opens on it.
    #[arg(long, conflicts_with = "sweep")]
    pub load: bool,
}

#[derive(Debug, Args)]
pub struct SimLimiterArgs {
    /// fixed-window, sliding-log, sliding-window, token-bucket (the default), gcra or
    /// leaky-queue.
    #[arg(long, value_name = "NAME", conflicts_with = "preset")]
    pub algorithm: Option<String>,
    /// A limiter as a library ships it: nginx, nginx-nodelay, envoy, envoy-timer, guava,
    /// resilience4j, redis-incr, redis-get-incr. Flags given alongside override its values.
    #[arg(long, value_name = "NAME")]
    pub preset: Option<String>,
    /// Window algorithms: requests admitted per window (default 5).
    #[arg(long, value_name = "N")]
    pub limit: Option<u32>,
    /// Window algorithms: the window's length (default 1s).
    #[arg(long, value_name = "DUR")]
    pub window: Option<String>,
    /// Token bucket, GCRA, leaky queue: requests per second, e.g. '10/s' (default 5/s).
    #[arg(long, value_name = "R/s")]
    pub rate: Option<String>,
    /// Token bucket and GCRA: the burst, in requests (default 5).
    #[arg(long, value_name = "B")]
    pub burst: Option<u32>,
    /// Leaky queue: requests that may wait (default 5).
    #[arg(long, value_name = "Q")]
    pub queue: Option<u32>,
    /// Resilience4j: how long a caller may wait for a later cycle (default 5s).
    #[arg(long, value_name = "DUR")]
    pub timeout: Option<String>,
    /// Whitespace-separated steps: 'N' (N requests now), 'N/DUR' (N requests spread over
    /// DUR), '+DUR' (the clock advances). Example: '10 +1s 5/500ms'.
    #[arg(long, value_name = "SCRIPT", allow_hyphen_values = true)]
    pub script: Option<String>,
    /// Print JSON instead of a table.
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print CSV instead of a table: one row per step.
    #[arg(long)]
    pub csv: bool,
}

#[derive(Debug, Args)]
pub struct SimSystemArgs {
    /// A built-in scenario (cascade, cascade-breaker, cascade-bulkhead, bulkhead,
    /// bulkhead-none, deadline, deadline-stacked, limiter, mmc) or a YAML file in the format
    /// of a lab's 'system:'.
    #[arg(long, value_name = "NAME|FILE", default_value = "cascade")]
    pub scenario: String,
    /// Requests per second arriving at the first service (overrides the scenario's).
    #[arg(long, value_name = "RPS")]
    pub rate: Option<f64>,
    /// How long requests arrive, e.g. 60s (overrides the scenario's).
    #[arg(long, value_name = "DUR")]
    pub duration: Option<String>,
    /// The seed of every random draw (overrides the scenario's).
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Width of one time-series bucket, e.g. 1s or 100ms.
    #[arg(long, value_name = "DUR")]
    pub bucket: Option<String>,
    /// Print JSON: totals per service and the time series.
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print CSV: one row per service and time bucket.
    #[arg(long)]
    pub csv: bool,
    /// Also write busy workers over time, one line per service, as a standalone SVG file.
    #[arg(long, value_name = "FILE")]
    pub svg: Option<PathBuf>,
}

const ABOUT: &str = "\
Learn distributed-systems resilience patterns by doing.

Every answer that can be computed is computed by patterns' own deterministic engine: a
circuit breaker, backoff with jitter, retry budgets and a retry-storm simulator.

Examples:
  patterns sim breaker --failure-threshold 5 --recovery-timeout 30s \\
      --success-threshold 3 --script '4F 1S 5F +31s 2S 1F'
  patterns sim backoff --jitter full --seed 7
  patterns sim storm --jitter all --clients 100 --runs 10";
