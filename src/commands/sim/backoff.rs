//! `patterns sim backoff`: one backoff schedule, or the spread of many jittered ones.
//! Also home of the pieces `sim storm` shares with it: reading the backoff flags and
//! drawing a plain-text table.

use std::fmt::Write as _;
use std::process::ExitCode;
use std::time::Duration;

use serde::Serialize;

use super::csv::{csv, millis};
use super::svg::{self, Mark, Plot, Series};
use crate::cli::{BackoffFlags, Global, JitterArg, SimBackoffArgs};
use crate::commands::{Outcome, UsageError, print};
use crate::engine::backoff::{self, BackoffConfig, Delay, Jitter, Spread};
use crate::engine::duration::{format_duration, parse_duration};
use crate::ui::tui::Theme;
use crate::ui::tui::screens::backoff_chart::BackoffChart;

pub fn run(args: SimBackoffArgs, global: &Global) -> Outcome {
    print(&text(args, global)?)?;
    Ok(ExitCode::SUCCESS)
}

/// What `patterns sim backoff` prints (after any chart); `check` re-runs the `patterns`
/// blocks of Markdown through it.
pub fn text(args: SimBackoffArgs, global: &Global) -> miette::Result<String> {
    let mut config = backoff_config(&args.backoff, &BackoffConfig::default())?;
    config.jitter = jitter(args.jitter);
    if !(1..=1000).contains(&args.attempts) {
        return Err(UsageError::new(format!(
            "--attempts '{}' must be a whole number from 1 to 1000",
            args.attempts
        ))
        .into());
    }
    let seed = args.backoff.seed;
    let schedule = backoff::schedule(&config, args.attempts, seed);
    let spreads = match args.samples {
        None => None,
        Some(samples @ 1..=100_000) => Some((
            samples,
            backoff::spread(&config, args.attempts, samples, seed),
        )),
        Some(samples) => {
            return Err(UsageError::new(format!(
                "--samples '{samples}' must be a whole number from 1 to 100000"
            ))
            .into());
        }
    };
    if let Some(path) = &args.svg {
        svg::write(
            path,
            &chart(&config, seed, &schedule, spreads.as_ref()).render(),
        )?;
    }
    if super::charts_wanted(global, args.json || args.csv) {
        let theme = Theme::from_env();
        let mut screen = BackoffChart::new(&config, args.attempts, seed, args.samples, theme);
        super::show(&mut screen)?;
    }
    let text = if args.json {
        json(&config, seed, &schedule, spreads.as_ref())?
    } else if args.csv {
        match &spreads {
            Some((_, spreads)) => spread_csv(spreads),
            None => schedule_csv(&schedule),
        }
    } else {
        match &spreads {
            Some((samples, spreads)) => spread_table(&config, seed, *samples, spreads),
            None => schedule_table(&config, seed, &schedule),
        }
    };
    Ok(text)
}

fn jitter(arg: JitterArg) -> Jitter {
    match arg {
        JitterArg::None => Jitter::None,
        JitterArg::Full => Jitter::Full,
        JitterArg::Equal => Jitter::Equal,
        JitterArg::Decorrelated => Jitter::Decorrelated,
        JitterArg::Proportional => Jitter::Proportional,
    }
}

/// The backoff flags over `defaults`, checked: base >= 1us, cap >= base, multiplier >= 1.
pub(super) fn backoff_config(
    flags: &BackoffFlags,
    defaults: &BackoffConfig,
) -> Result<BackoffConfig, UsageError> {
    let duration = |flag: &str, text: &Option<String>, default: Duration| match text {
        None => Ok(default),
        Some(text) => parse_duration(text).map_err(|e| UsageError::new(format!("{flag}: {e}"))),
    };
    let base = duration("--base", &flags.base, defaults.base)?;
    let cap = duration("--cap", &flags.cap, defaults.cap)?;
    let shown = |text: &Option<String>, value: Duration| {
        text.clone().unwrap_or_else(|| format_duration(value))
    };
    if base < Duration::from_micros(1) {
        return Err(UsageError::new(format!(
            "--base '{}' must be at least 1us",
            shown(&flags.base, base)
        )));
    }
    if cap < base {
        return Err(UsageError::new(format!(
            "--cap '{}' must be at least the base '{}'",
            shown(&flags.cap, cap),
            shown(&flags.base, base)
        )));
    }
    let multiplier = flags.multiplier.unwrap_or(defaults.multiplier);
    if !(multiplier.is_finite() && multiplier >= 1.0) {
        return Err(UsageError::new(format!(
            "--multiplier '{multiplier}' must be a number >= 1, e.g. '2' or '1.5'"
        )));
    }
    Ok(BackoffConfig {
        base,
        multiplier,
        cap,
        ..defaults.clone()
    })
}

fn header(config: &BackoffConfig, seed: u64) -> String {
    format!(
        "backoff: base {}, multiplier {}, cap {}, jitter {}, seed {seed}\n\n",
        format_duration(config.base),
        config.multiplier,
        format_duration(config.cap),
        config.jitter.name(),
    )
}

fn schedule_table(config: &BackoffConfig, seed: u64, schedule: &[Delay]) -> String {
    let mut waited = Duration::ZERO;
    let rows: Vec<Vec<String>> = schedule
        .iter()
        .map(|d| {
            waited += d.delay;
            vec![
                d.attempt.to_string(),
                format_duration(d.ceiling),
                format_duration(d.delay),
                format_duration(waited),
            ]
        })
        .collect();
    header(config, seed) + &table(&["attempt", "ceiling", "delay", "cumulative"], &rows)
}

fn spread_table(config: &BackoffConfig, seed: u64, samples: u32, spreads: &[Spread]) -> String {
    let rows: Vec<Vec<String>> = spreads
        .iter()
        .map(|s| {
            [s.ceiling, s.min, s.p50, s.mean, s.p95, s.max]
                .into_iter()
                .map(format_duration)
                .fold(vec![s.attempt.to_string()], |mut row, cell| {
                    row.push(cell);
                    row
                })
        })
        .collect();
    let title = format!(
        "{}{samples} schedules (seeds {seed}..{})\n\n",
        header(config, seed),
        seed.wrapping_add(u64::from(samples) - 1)
    );
    title
        + &table(
            &["attempt", "ceiling", "min", "p50", "mean", "p95", "max"],
            &rows,
        )
}

fn schedule_csv(schedule: &[Delay]) -> String {
    let mut waited = Duration::ZERO;
    let rows: Vec<Vec<String>> = schedule
        .iter()
        .map(|d| {
            waited += d.delay;
            vec![
                d.attempt.to_string(),
                millis(d.ceiling),
                millis(d.delay),
                millis(waited),
            ]
        })
        .collect();
    csv(
        &["attempt", "ceiling_ms", "delay_ms", "cumulative_ms"],
        &rows,
    )
}

fn spread_csv(spreads: &[Spread]) -> String {
    let rows: Vec<Vec<String>> = spreads
        .iter()
        .map(|s| {
            let mut row = vec![s.attempt.to_string()];
            row.extend([s.ceiling, s.min, s.p50, s.mean, s.p95, s.max].map(millis));
            row
        })
        .collect();
    csv(
        &[
            "attempt",
            "ceiling_ms",
            "min_ms",
            "p50_ms",
            "mean_ms",
            "p95_ms",
            "max_ms",
        ],
        &rows,
    )
}

/// The schedule as a chart: the ceiling as a line, the seed's draws as points and, with
/// samples, the min–max spread as a band.
pub(super) fn chart(
    config: &BackoffConfig,
    seed: u64,
    schedule: &[Delay],
    spreads: Option<&(u32, Vec<Spread>)>,
) -> Plot {
    let ms = |d: Duration| d.as_secs_f64() * 1_000.0;
    let mut series = Vec::new();
    if let Some((samples, spreads)) = spreads {
        series.push(Series {
            name: format!("min-max of {samples}"),
            mark: Mark::Band(
                spreads
                    .iter()
                    .map(|s| (f64::from(s.attempt), ms(s.min), ms(s.max)))
                    .collect(),
            ),
        });
    }
    series.push(Series {
        name: "ceiling".to_owned(),
        mark: Mark::Line(
            schedule
                .iter()
                .map(|d| (f64::from(d.attempt), ms(d.ceiling)))
                .collect(),
        ),
    });
    series.push(Series {
        name: format!("{} (seed {seed})", config.jitter.name()),
        mark: Mark::Points(
            schedule
                .iter()
                .map(|d| (f64::from(d.attempt), ms(d.delay)))
                .collect(),
        ),
    });
    Plot {
        title: format!(
            "backoff: base {}, multiplier {}, cap {}, jitter {}",
            format_duration(config.base),
            config.multiplier,
            format_duration(config.cap),
            config.jitter.name()
        ),
        x_label: "attempt".to_owned(),
        y_label: "delay (ms)".to_owned(),
        series,
    }
}

#[derive(Serialize)]
struct JsonOut<'a> {
    config: &'a BackoffConfig,
    seed: u64,
    attempts: Vec<JsonDelay>,
    #[serde(skip_serializing_if = "Option::is_none")]
    samples: Option<JsonSamples>,
}

#[derive(Serialize)]
struct JsonDelay {
    attempt: u32,
    delay_ms: u64,
    delay_us: u64,
    ceiling_ms: u64,
}

#[derive(Serialize)]
struct JsonSamples {
    count: u32,
    attempts: Vec<JsonSpread>,
}

#[derive(Serialize)]
struct JsonSpread {
    attempt: u32,
    ceiling_ms: f64,
    min_ms: f64,
    p50_ms: f64,
    mean_ms: f64,
    p95_ms: f64,
    max_ms: f64,
}

fn json(
    config: &BackoffConfig,
    seed: u64,
    schedule: &[Delay],
    spreads: Option<&(u32, Vec<Spread>)>,
) -> miette::Result<String> {
    let micros = |d: Duration| u64::try_from(d.as_micros()).unwrap_or(u64::MAX);
    let rounded_ms = |d: Duration| micros(d).saturating_add(500) / 1_000;
    // Microsecond values as milliseconds: exact decimals such as 512.345.
    let ms = |d: Duration| micros(d) as f64 / 1_000.0;
    let out = JsonOut {
        config,
        seed,
        attempts: schedule
            .iter()
            .map(|d| JsonDelay {
                attempt: d.attempt,
                delay_ms: rounded_ms(d.delay),
                delay_us: micros(d.delay),
                ceiling_ms: rounded_ms(d.ceiling),
            })
            .collect(),
        samples: spreads.map(|(count, spreads)| JsonSamples {
            count: *count,
            attempts: spreads
                .iter()
                .map(|s| JsonSpread {
                    attempt: s.attempt,
                    ceiling_ms: ms(s.ceiling),
                    min_ms: ms(s.min),
                    p50_ms: ms(s.p50),
                    mean_ms: ms(s.mean),
                    p95_ms: ms(s.p95),
                    max_ms: ms(s.max),
                })
                .collect(),
        }),
    };
    let mut text = serde_json::to_string_pretty(&out)
        .map_err(|e| miette::miette!("Failed to write JSON: {e}"))?;
    text.push('\n');
    Ok(text)
}

/// A plain table: a header row, then columns separated by two spaces, right-aligned except
/// a first column of labels.
pub(super) fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    // Labels (strategy names) read left-aligned, numbers right-aligned.
    let label_column = rows.iter().any(|row| {
        row.first()
            .is_some_and(|cell| !cell.starts_with(|c: char| c.is_ascii_digit()))
    });
    let mut out = String::new();
    let mut line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut text = String::new();
        for (i, (cell, width)) in cells.zip(&widths).enumerate() {
            let _ = match i {
                0 if label_column => write!(text, "{cell:<width$}"),
                0 => write!(text, "{cell:>width$}"),
                _ => write!(text, "  {cell:>width$}"),
            };
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(&mut headers.iter().copied());
    for row in rows {
        line(&mut row.iter().map(String::as_str));
    }
    out
}
