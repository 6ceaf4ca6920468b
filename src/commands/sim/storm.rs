//! `patterns sim storm`: many clients retrying against one contended or failing server,
//! one row per strategy and client count.

use std::io::IsTerminal as _;
use std::num::NonZeroUsize;
use std::process::ExitCode;
use std::time::Duration;

use serde::Serialize;

use super::backoff::{backoff_config, table};
use super::csv::{csv, millis, number};
use super::svg::{self, Bars, Mark, Plot, Series};
use crate::cli::{Global, ScenarioArg, SimStormArgs, StormJitterArg};
use crate::commands::{Outcome, UsageError, print};
use crate::engine::backoff::{BackoffConfig, Jitter};
use crate::engine::budget::RetryBudgetConfig;
use crate::engine::duration::{format_duration, parse_duration};
use crate::engine::preset::Preset;
use crate::engine::storm::Strategy;
use crate::engine::storm::contention::{self, ContentionConfig};
use crate::engine::storm::outage::{
    self, MAX_ATTEMPTS, MAX_RATE, MAX_REQUESTS, OutageConfig, OutageSummary,
};
use crate::ui::tui::screens::storm_chart::{
    LoadTimeline, LoadView, StormChart, StormPoint, load_resolution,
};
use crate::ui::tui::{Theme, Tui};

/// Most clients one row may simulate (no backoff costs clients² calls).
const MAX_CLIENTS: u32 = 10_000;
const MAX_RUNS: u32 = 10_000;

/// Most work one command may ask for, in client²-runs: a run's cost grows with the square of
/// its clients (every client's retries contend with every other's), so the work is clients²
/// summed over the sweep, times runs, times strategies. Measured (release build, 2 cores
/// shared with a test build): 3000 clients × 1 run × 5 strategies (4.5·10⁷) took 1.3 s and
/// 10000 clients × 2 runs × 5 strategies (10⁹) 49.5 s in 6.3 MiB, so the limit, half that,
/// is about 25 s. Before it, `--clients 10000 --runs 100 --jitter all` ran for minutes and
/// a sweep of 1..10000 with 10000 runs aborted on a 5 GB allocation.
const MAX_WORK: u64 = 500_000_000;

/// Simulation tasks (config × run) held in memory at once: the configs go to the engine in
/// chunks this size, and each chunk is reduced to its summaries before the next one.
const CHUNK_TASKS: usize = 1 << 16;

/// Above this much work (client²-runs, about a second) a plain run on a terminal shows its
/// progress on stderr.
const PROGRESS_WORK: u64 = 30_000_000;

pub fn run(args: SimStormArgs, global: &Global) -> Outcome {
    print(&text(args, global)?)?;
    Ok(ExitCode::SUCCESS)
}

/// What `patterns sim storm` prints (after any chart); `check` re-runs the `patterns`
/// blocks of Markdown through it.
pub fn text(args: SimStormArgs, global: &Global) -> miette::Result<String> {
    let strategies = strategies(&args)?;
    let clients = client_counts(&args)?;
    if !(1..=MAX_RUNS).contains(&args.runs) {
        return Err(UsageError::new(format!(
            "--runs '{}' must be a whole number from 1 to {MAX_RUNS}",
            args.runs
        ))
        .into());
    }
    check_work(&clients, args.runs, strategies.len())?;
    let threads = std::thread::available_parallelism().unwrap_or(NonZeroUsize::MIN);
    let charts = super::charts_wanted(global, args.json || args.csv);
    let text = match args.scenario {
        ScenarioArg::Contention => run_contention(&args, &strategies, &clients, threads, charts)?,
        ScenarioArg::Outage => run_outage(&args, &strategies, &clients, threads, charts)?,
    };
    Ok(text)
}

/// The work asked for (see [`MAX_WORK`]): clients² summed over the sweep, times runs,
/// times strategies.
fn work(clients: &[u32], runs: u32, strategies: usize) -> u64 {
    squares(clients)
        .saturating_mul(u64::from(runs))
        .saturating_mul(u64::try_from(strategies).unwrap_or(u64::MAX))
}

fn squares(clients: &[u32]) -> u64 {
    clients
        .iter()
        .map(|&n| u64::from(n) * u64::from(n))
        .fold(0, u64::saturating_add)
}

/// Refuses a simulation larger than [`MAX_WORK`], naming the product and the limit.
fn check_work(clients: &[u32], runs: u32, strategies: usize) -> Result<(), UsageError> {
    let work = work(clients, runs, strategies);
    if work <= MAX_WORK {
        return Ok(());
    }
    let squared = squares(clients);
    let clients = match clients {
        [n] => format!("{n}² clients"),
        counts => format!(
            "{squared} clients² (summed over the sweep's {} counts)",
            counts.len()
        ),
    };
    Err(UsageError::new(format!(
        "{clients} × {runs} runs × {strategies} strateg{} = {work}; the simulator takes at \
         most {MAX_WORK} per command (a run costs its clients squared): fewer --runs or \
         clients, a coarser --sweep step or one --jitter",
        if strategies == 1 { "y" } else { "ies" }
    )))
}

fn strategies(args: &SimStormArgs) -> Result<Vec<Strategy>, UsageError> {
    let jitter = match args.jitter {
        StormJitterArg::All if args.no_backoff => {
            return Err(UsageError::new(
                "'--no-backoff' and '--jitter all' conflict: 'all' already includes no backoff",
            ));
        }
        StormJitterArg::All => return Ok(Strategy::COMPARISON.to_vec()),
        _ if args.no_backoff => return Ok(vec![Strategy::NoBackoff]),
        StormJitterArg::None => Jitter::None,
        StormJitterArg::Full => Jitter::Full,
        StormJitterArg::Equal => Jitter::Equal,
        StormJitterArg::Decorrelated => Jitter::Decorrelated,
        StormJitterArg::Proportional => Jitter::Proportional,
    };
    Ok(vec![Strategy::from_jitter(jitter)])
}

fn client_counts(args: &SimStormArgs) -> Result<Vec<u32>, UsageError> {
    let counts = match &args.sweep {
        Some(sweep) => parse_sweep(sweep)?,
        None => vec![args.clients],
    };
    if let Some(bad) = counts.iter().find(|&&n| !(1..=MAX_CLIENTS).contains(&n)) {
        return Err(UsageError::new(format!(
            "clients '{bad}' must be a whole number from 1 to {MAX_CLIENTS}"
        )));
    }
    Ok(counts)
}

/// `FROM..TO/STEP` (TO included), e.g. `10..190/10`.
fn parse_sweep(text: &str) -> Result<Vec<u32>, UsageError> {
    let bad = || {
        UsageError::new(format!(
            "--sweep '{text}' is not a sweep; write 'FROM..TO/STEP' with whole numbers, \
             FROM <= TO and STEP >= 1, e.g. '10..190/10'"
        ))
    };
    let (range, step) = text.trim().split_once('/').ok_or_else(bad)?;
    let (from, to) = range.split_once("..").ok_or_else(bad)?;
    let number = |s: &str| s.trim().parse::<u32>().map_err(|_| bad());
    let (from, to, step) = (number(from)?, number(to)?, number(step)?);
    if from > to || step == 0 {
        return Err(bad());
    }
    Ok((from..=to).step_by(step as usize).collect())
}

fn reject_outage_flags(args: &SimStormArgs) -> Result<(), UsageError> {
    let given = [
        ("--outage", args.outage.is_some()),
        ("--capacity", args.capacity.is_some()),
        ("--rate", args.rate.is_some()),
        ("--duration", args.duration.is_some()),
        ("--max-attempts", args.max_attempts.is_some()),
        ("--budget", args.budget.is_some()),
        ("--breaker", args.breaker.is_some()),
    ];
    match given.iter().find(|(_, present)| *present) {
        Some((flag, _)) => Err(UsageError::new(format!(
            "'{flag}' applies to '--scenario outage' only"
        ))),
        None => Ok(()),
    }
}

fn run_contention(
    args: &SimStormArgs,
    strategies: &[Strategy],
    clients: &[u32],
    threads: NonZeroUsize,
    charts: bool,
) -> miette::Result<String> {
    reject_outage_flags(args)?;
    if args.load && args.runs != 1 {
        return Err(UsageError::new(format!(
            "'--load' shows one run (seed {}); '--runs {}' asks for means: drop it",
            args.backoff.seed, args.runs
        ))
        .into());
    }
    let backoff = backoff_config(&args.backoff, &BackoffConfig::contention(Jitter::None))?;
    let mut configs = Vec::with_capacity(clients.len() * strategies.len());
    for &n in clients {
        for &strategy in strategies {
            configs.push(ContentionConfig {
                backoff: backoff.clone(),
                ..ContentionConfig::published(n, strategy)
            });
        }
    }
    let seed = args.backoff.seed;
    let mut session = charts
        .then(Tui::enter)
        .transpose()
        .map_err(super::ui_error)?;
    let results = simulate_all(&mut session, "contention", &configs, args.runs, |some| {
        Ok::<_, std::convert::Infallible>(contention::simulate_many(some, args.runs, seed, threads))
    })?
    .unwrap_or_else(|never| match never {});
    // One run's load over time: for `--load`, and for the chart's `l` view.
    let timeline = (args.load || (charts && args.runs == 1 && clients.len() == 1))
        .then(|| load_timeline(&configs, seed));
    let load = timeline
        .as_ref()
        .filter(|_| args.load)
        .map(|timeline| timeline.view(&timeline.default_window()));
    if let Some(path) = &args.svg {
        let points: Vec<Point> = results
            .iter()
            .map(|r| (r.strategy, r.clients, r.calls, r.completion_ms))
            .collect();
        let svg = match &load {
            Some(view) => load_svg(view, clients),
            None => chart("contention", &points),
        };
        svg::write(path, &svg)?;
    }
    if charts {
        let points = results.iter().map(StormPoint::from).collect();
        let title = format!(
            "sim storm · contention · {} clients · {}",
            describe_clients(clients),
            describe_runs(seed, args.runs)
        );
        let mut chart = StormChart::new(title, "completion", points, Theme::from_env());
        if let Some(timeline) = timeline {
            chart = chart.with_load(timeline);
        }
        if args.load {
            chart = chart.showing_load();
        }
        super::show_in(&mut session, &mut chart)?;
    }
    if let Some(view) = &load {
        return load_report(view, args, clients, seed);
    }
    if args.csv {
        let rows: Vec<Vec<String>> = results
            .iter()
            .map(|r| {
                vec![
                    r.strategy.name().to_owned(),
                    r.clients.to_string(),
                    r.runs.to_string(),
                    number(r.calls),
                    number(r.reads),
                    number(r.completion_ms),
                ]
            })
            .collect();
        let headers = [
            "strategy",
            "clients",
            "runs",
            "calls",
            "reads",
            "completion_ms",
        ];
        return Ok(csv(&headers, &rows));
    }
    if args.json {
        return json(&Report {
            scenario: "contention",
            seed,
            runs: args.runs,
            results,
        });
    }
    let network = &configs[0];
    let mut text = format!(
        "contention: {} clients each update one row once; network |Normal({}, {})|\n\
         backoff: base {}, multiplier {}, cap {}, retry n waits up to base * multiplier^n\n{}\n\n",
        describe_clients(clients),
        format_duration(network.network_mean),
        format_duration(network.network_sd),
        format_duration(backoff.base),
        backoff.multiplier,
        format_duration(backoff.cap),
        describe_runs(seed, args.runs),
    );
    let rows: Vec<Vec<String>> = results
        .iter()
        .map(|r| {
            vec![
                r.strategy.name().to_owned(),
                r.clients.to_string(),
                mean(r.calls),
                format_duration(rounded_ms(r.completion_ms)),
            ]
        })
        .collect();
    text += &table(&["strategy", "clients", "calls", "completion"], &rows);
    Ok(text)
}

fn run_outage(
    args: &SimStormArgs,
    strategies: &[Strategy],
    clients: &[u32],
    threads: NonZeroUsize,
    charts: bool,
) -> miette::Result<String> {
    if args.load {
        return Err(UsageError::new("'--load' applies to '--scenario contention' only").into());
    }
    let breaker = args
        .breaker
        .as_deref()
        .map(|name| {
            name.parse::<Preset>()
                .map(Preset::config)
                .map_err(|e| UsageError::new(format!("--breaker: {e}")))
        })
        .transpose()?;
    let standard = OutageConfig::standard(Strategy::Full);
    let duration_flag = |flag: &str, text: &Option<String>, default: Duration| match text {
        None => Ok(default),
        Some(text) => parse_duration(text).map_err(|e| UsageError::new(format!("{flag}: {e}"))),
    };
    let outage = duration_flag("--outage", &args.outage, standard.outage)?;
    let duration = duration_flag("--duration", &args.duration, standard.duration)?;
    let rate = args.rate.unwrap_or(standard.rate);
    if !(rate.is_finite() && rate > 0.0 && rate <= MAX_RATE) {
        return Err(UsageError::new(format!(
            "--rate '{rate}' must be requests per second per client, above 0 and at most {MAX_RATE}"
        ))
        .into());
    }
    let capacity = args.capacity.unwrap_or(150);
    let max_attempts = args.max_attempts.unwrap_or(standard.max_attempts);
    if !(1..=MAX_ATTEMPTS).contains(&max_attempts) {
        return Err(UsageError::new(format!(
            "--max-attempts '{max_attempts}' must be a whole number from 1 to {MAX_ATTEMPTS}"
        ))
        .into());
    }
    let budget = args
        .budget
        .as_deref()
        .map(RetryBudgetConfig::parse)
        .transpose()
        .map_err(|e| UsageError::new(format!("--budget: {e}")))?;
    let most_clients = clients.iter().copied().max().unwrap_or(1);
    let requests = f64::from(most_clients) * rate * duration.as_secs_f64();
    if requests > MAX_REQUESTS {
        return Err(UsageError::new(format!(
            "{most_clients} clients at '{rate}' requests/s for '{}' make {requests:.0} \
             requests; the simulator takes at most {MAX_REQUESTS:.0} per run",
            format_duration(duration)
        ))
        .into());
    }
    let backoff = backoff_config(&args.backoff, &BackoffConfig::default())?;
    let mut configs = Vec::with_capacity(clients.len() * strategies.len());
    for &n in clients {
        for &strategy in strategies {
            configs.push(OutageConfig {
                clients: n,
                rate,
                duration,
                outage,
                capacity: Some(capacity),
                strategy,
                backoff: backoff.clone(),
                max_attempts,
                budget: budget.clone(),
                breaker: breaker.clone(),
            });
        }
    }
    let seed = args.backoff.seed;
    let mut session = charts
        .then(Tui::enter)
        .transpose()
        .map_err(super::ui_error)?;
    let results = simulate_all(&mut session, "outage", &configs, args.runs, |some| {
        outage::simulate_many(some, args.runs, seed, threads)
    })?
    .map_err(|e| UsageError::new(e.to_string()))?;
    if let Some(path) = &args.svg {
        let points: Vec<Point> = results
            .iter()
            .map(|r| {
                (
                    r.strategy,
                    r.clients,
                    r.calls,
                    r.time_to_drain_ms.unwrap_or(0.0),
                )
            })
            .collect();
        svg::write(path, &chart("outage", &points))?;
    }
    if charts {
        let points = results.iter().map(StormPoint::from).collect();
        let title = format!(
            "sim storm · outage · {} clients · {}",
            describe_clients(clients),
            describe_runs(seed, args.runs)
        );
        super::show_in(
            &mut session,
            &mut StormChart::new(title, "time to drain", points, Theme::from_env()),
        )?;
    }
    if args.csv {
        return Ok(outage_csv(&results));
    }
    if args.json {
        return json(&Report {
            scenario: "outage",
            seed,
            runs: args.runs,
            results,
        });
    }
    let mut text = format!(
        "outage: {} clients send {rate} request{}/s each for {}; the dependency is down for \
         {}, then serves {capacity} calls/s\n\
         retries: at most {max_attempts} attempts, backoff base {}, multiplier {}, cap {}, \
         budget {}, breaker {}\n{}\n\n",
        describe_clients(clients),
        if rate == 1.0 { "" } else { "s" },
        format_duration(duration),
        format_duration(outage),
        format_duration(backoff.base),
        backoff.multiplier,
        format_duration(backoff.cap),
        budget.map_or_else(|| "none".to_owned(), |b| b.to_string()),
        args.breaker.as_deref().unwrap_or("none"),
        describe_runs(seed, args.runs),
    );
    let mut headers = vec![
        "strategy",
        "clients",
        "requests",
        "calls",
        "amplification",
        "outage calls",
        "peak/s",
        "drain",
        "given up",
        "success",
    ];
    let mut rows: Vec<Vec<String>> = results.iter().map(outage_row).collect();
    if breaker.is_some() {
        // Only with a breaker is anything rejected: the column appears with it.
        headers.insert(4, "rejected");
        for (row, result) in rows.iter_mut().zip(&results) {
            row.insert(4, mean(result.rejected));
        }
    }
    text += &table(&headers, &rows);
    Ok(text)
}

/// One run per config (seed `seed`, the run the chart's bars show) again, with write calls
/// counted per resolution bucket (1 ms for runs under a few minutes).
fn load_timeline(configs: &[ContentionConfig], seed: u64) -> LoadTimeline {
    let slowest = configs
        .iter()
        .map(|config| contention::simulate(config, seed).completion)
        .max()
        .unwrap_or_default();
    let resolution = load_resolution(slowest);
    let series = configs
        .iter()
        .map(|config| {
            let (_, load) = contention::simulate_with_load(config, seed, resolution);
            (config.strategy, load)
        })
        .collect();
    LoadTimeline::new(resolution, series)
}

/// `--load` as a table, CSV or JSON: the default view's calls per bucket and strategy.
fn load_report(
    view: &LoadView,
    args: &SimStormArgs,
    clients: &[u32],
    seed: u64,
) -> miette::Result<String> {
    let window = &view.window;
    if args.csv {
        let mut rows = Vec::new();
        for (strategy, counts) in &view.series {
            for (i, calls) in (0..).zip(counts) {
                let (start, end) = window.bucket_bounds(i);
                rows.push(vec![
                    strategy.name().to_owned(),
                    millis(start),
                    millis(end),
                    calls.to_string(),
                ]);
            }
        }
        let headers = ["strategy", "bucket_start_ms", "bucket_end_ms", "calls"];
        return Ok(csv(&headers, &rows));
    }
    if args.json {
        let mut text = serde_json::to_string_pretty(&LoadReport {
            scenario: "contention",
            seed,
            clients: clients.first().copied().unwrap_or(0),
            bucket_ms: window.bucket().as_secs_f64() * 1e3,
            from_ms: window.start().as_secs_f64() * 1e3,
            to_ms: window.end().as_secs_f64() * 1e3,
            load: view
                .series
                .iter()
                .map(|(strategy, calls)| LoadSeries {
                    strategy: *strategy,
                    calls: calls.clone(),
                })
                .collect(),
        })
        .map_err(|e| miette::miette!("Failed to write JSON: {e}"))?;
        text.push('\n');
        return Ok(text);
    }
    let mut text = format!(
        "load over time: {} client{}, {}; write calls per {}, {}\n\n",
        describe_clients(clients),
        if clients == [1] { "" } else { "s" },
        describe_runs(seed, 1),
        format_duration(window.bucket()),
        window.describe(),
    );
    let mut headers = vec!["from"];
    headers.extend(view.series.iter().map(|(strategy, _)| strategy.name()));
    let rows: Vec<Vec<String>> = (0..window.buckets())
        .map(|i| {
            let mut row = vec![format_duration(window.bucket_bounds(i).0)];
            for (_, counts) in &view.series {
                let calls = usize::try_from(i).ok().and_then(|i| counts.get(i));
                row.push(calls.copied().unwrap_or(0).to_string());
            }
            row
        })
        .collect();
    text += &table(&headers, &rows);
    Ok(text)
}

/// `--load --svg`: one line per strategy, calls per bucket against time.
fn load_svg(view: &LoadView, clients: &[u32]) -> String {
    let window = &view.window;
    let bucket = format_duration(window.bucket());
    Plot {
        title: format!(
            "contention: {} clients, write calls per {bucket}, {}",
            describe_clients(clients),
            window.describe()
        ),
        x_label: "time (ms)".to_owned(),
        y_label: format!("write calls per {bucket}"),
        series: view
            .series
            .iter()
            .map(|(strategy, counts)| Series {
                name: strategy.name().to_owned(),
                mark: Mark::Line(
                    (0..)
                        .zip(counts)
                        .map(|(i, &calls)| {
                            let start = window.bucket_bounds(i).0;
                            (start.as_secs_f64() * 1e3, calls as f64)
                        })
                        .collect(),
                ),
            })
            .collect(),
    }
    .render()
}

#[derive(Serialize)]
struct LoadReport {
    scenario: &'static str,
    seed: u64,
    clients: u32,
    bucket_ms: f64,
    from_ms: f64,
    to_ms: f64,
    load: Vec<LoadSeries>,
}

#[derive(Serialize)]
struct LoadSeries {
    strategy: Strategy,
    /// Write calls per bucket, from `from_ms`.
    calls: Vec<u64>,
}

/// Runs `simulate` over every configuration, a chunk at a time, each chunk's results
/// summarised before the next starts (memory stays flat however large the sweep). In the TUI
/// with more than one configuration: one at a time behind the progress screen (Ctrl-C stops
/// it: the terminal is restored and nothing is printed). Otherwise in chunks of at most
/// [`CHUNK_TASKS`] runs, with the count on stderr when stderr is a terminal and the work is
/// over [`PROGRESS_WORK`].
fn simulate_all<C: Sync + HasClients, T: Send, E: Send>(
    session: &mut Option<Tui>,
    scenario: &str,
    configs: &[C],
    runs: u32,
    simulate: impl Fn(&[C]) -> Result<Vec<T>, E> + Sync,
) -> miette::Result<Result<Vec<T>, E>> {
    if let Some(tui) = session.as_mut().filter(|_| configs.len() > 1) {
        // One configuration at a time (at most MAX_RUNS tasks), so the bar counts them.
        let title = format!("sim storm · {scenario} · {} configurations", configs.len());
        let each = super::with_progress(tui, &title, configs, |config| {
            simulate(std::slice::from_ref(config))
        })?
        .ok_or_else(stopped)?;
        return Ok(each
            .into_iter()
            .collect::<Result<Vec<_>, _>>()
            .map(|nested| nested.into_iter().flatten().collect()));
    }
    let work: u64 = configs
        .iter()
        .map(|c| {
            let n = u64::from(c.clients());
            (n * n).saturating_mul(u64::from(runs))
        })
        .fold(0, u64::saturating_add);
    let per_chunk = (CHUNK_TASKS / usize::try_from(runs.max(1)).unwrap_or(1)).max(1);
    let chunks: Vec<&[C]> = configs.chunks(per_chunk).collect();
    let show = chunks.len() > 1 && work > PROGRESS_WORK && std::io::stderr().is_terminal();
    let mut results = Vec::with_capacity(configs.len());
    let mut done = 0;
    for chunk in chunks {
        match simulate(chunk) {
            Ok(summaries) => results.extend(summaries),
            Err(error) => return Ok(Err(error)),
        }
        done += chunk.len();
        if show {
            eprint!(
                "\rsim storm · {scenario}: {done} of {} configurations",
                configs.len()
            );
        }
    }
    if show {
        // Clear the progress line so the table starts on a clean one.
        eprint!("\r\x1b[2K");
    }
    Ok(Ok(results))
}

/// A configuration's client count, to weigh the progress of a sweep.
trait HasClients {
    fn clients(&self) -> u32;
}

impl HasClients for ContentionConfig {
    fn clients(&self) -> u32 {
        self.clients
    }
}

impl HasClients for OutageConfig {
    fn clients(&self) -> u32 {
        self.clients
    }
}

fn stopped() -> miette::Report {
    miette::miette!("Stopped by Ctrl-C before the simulation finished; nothing was printed")
}

fn outage_csv(results: &[OutageSummary]) -> String {
    let rows: Vec<Vec<String>> = results
        .iter()
        .map(|r| {
            vec![
                r.strategy.name().to_owned(),
                r.clients.to_string(),
                r.runs.to_string(),
                number(r.requests),
                number(r.calls),
                number(r.rejected),
                number(r.calls_during_outage),
                number(r.peak_calls_per_s),
                // Empty when no run drained: a spreadsheet reads it as missing, not zero.
                r.time_to_drain_ms.map(number).unwrap_or_default(),
                r.undrained_runs.to_string(),
                number(r.given_up),
                number(r.success_ratio),
                number(r.amplification),
            ]
        })
        .collect();
    let headers = [
        "strategy",
        "clients",
        "runs",
        "requests",
        "calls",
        "rejected",
        "calls_during_outage",
        "peak_calls_per_s",
        "time_to_drain_ms",
        "undrained_runs",
        "given_up",
        "success_ratio",
        "amplification",
    ];
    csv(&headers, &rows)
}

/// One result as the charts need it: strategy, clients, mean calls and the scenario's time
/// (completion for contention, time to drain for outage), in milliseconds.
type Point = (Strategy, u32, f64, f64);

/// The storm chart: with one client count, bars of calls and time per strategy; with a
/// sweep, calls against client count, one line per strategy.
fn chart(scenario: &str, points: &[Point]) -> String {
    let mut strategies: Vec<Strategy> = Vec::new();
    let mut clients: Vec<u32> = Vec::new();
    for &(strategy, n, _, _) in points {
        if !strategies.contains(&strategy) {
            strategies.push(strategy);
        }
        if !clients.contains(&n) {
            clients.push(n);
        }
    }
    let time = if scenario == "outage" {
        "time to drain (ms)"
    } else {
        "completion (ms)"
    };
    if let [n] = clients[..] {
        let of = |pick: fn(&Point) -> f64| {
            strategies
                .iter()
                .map(|s| points.iter().find(|p| p.0 == *s).map_or(0.0, pick))
                .collect()
        };
        return Bars {
            title: format!("{scenario}: {n} clients, calls and {time} per strategy"),
            panels: vec![
                ("calls".to_owned(), of(|p| p.2)),
                (time.to_owned(), of(|p| p.3)),
            ],
            names: strategies.iter().map(|s| s.name().to_owned()).collect(),
        }
        .render();
    }
    Plot {
        title: format!("{scenario}: calls against clients"),
        x_label: "clients".to_owned(),
        y_label: "calls".to_owned(),
        series: strategies
            .iter()
            .map(|&strategy| Series {
                name: strategy.name().to_owned(),
                mark: Mark::Line(
                    points
                        .iter()
                        .filter(|p| p.0 == strategy)
                        .map(|p| (f64::from(p.1), p.2))
                        .collect(),
                ),
            })
            .collect(),
    }
    .render()
}

fn outage_row(r: &OutageSummary) -> Vec<String> {
    let drain = match (r.time_to_drain_ms, r.undrained_runs) {
        (None, _) => "never".to_owned(),
        (Some(ms), 0) => format_duration(rounded_ms(ms)),
        (Some(ms), undrained) => format!("{} ({undrained} never)", format_duration(rounded_ms(ms))),
    };
    vec![
        r.strategy.name().to_owned(),
        r.clients.to_string(),
        mean(r.requests),
        mean(r.calls),
        format!("{:.2}x", r.amplification),
        mean(r.calls_during_outage),
        mean(r.peak_calls_per_s),
        drain,
        mean(r.given_up),
        format!("{:.1}%", r.success_ratio * 100.0),
    ]
}

/// A mean as people read it: whole numbers stay whole, others get one decimal.
fn mean(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    }
}

fn rounded_ms(ms: f64) -> Duration {
    Duration::from_millis(ms.round() as u64)
}

fn describe_clients(clients: &[u32]) -> String {
    match clients {
        [one] => one.to_string(),
        [first, .., last] => format!("{first}..{last}"),
        [] => "0".to_owned(),
    }
}

fn describe_runs(seed: u64, runs: u32) -> String {
    if runs == 1 {
        format!("1 run (seed {seed})")
    } else {
        let last = seed.wrapping_add(u64::from(runs) - 1);
        format!("means of {runs} runs (seeds {seed}..{last})")
    }
}

#[derive(Serialize)]
struct Report<R: Serialize> {
    scenario: &'static str,
    seed: u64,
    runs: u32,
    results: Vec<R>,
}

fn json<R: Serialize>(report: &Report<R>) -> miette::Result<String> {
    let mut text = serde_json::to_string_pretty(report)
        .map_err(|e| miette::miette!("Failed to write JSON: {e}"))?;
    text.push('\n');
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sweeps_parse_inclusive() {
        assert_eq!(parse_sweep("10..50/10").unwrap(), [10, 20, 30, 40, 50]);
        assert_eq!(parse_sweep("5..5/1").unwrap(), [5]);
        assert_eq!(parse_sweep("1..10/4").unwrap(), [1, 5, 9]);
        assert_eq!(parse_sweep("10..190/10").unwrap().len(), 19);
    }

    #[test]
    fn bad_sweeps_name_the_value_and_the_form() {
        for bad in ["10-190/10", "10..190", "10..5/1", "1..10/0", "a..b/c", ""] {
            let message = parse_sweep(bad).unwrap_err().to_string();
            assert!(message.contains(&format!("'{bad}'")), "{message}");
            assert!(message.contains("'FROM..TO/STEP'"), "{message}");
        }
    }
}
