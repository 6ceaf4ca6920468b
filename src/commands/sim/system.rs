//! `patterns sim system`: a chain of services under load (DESIGN §1.5), from a built-in
//! scenario or a YAML file; a table of totals per service, `--json`, `--csv`, `--svg`, and
//! on a terminal the charts of busy workers and outcomes over time.

use std::process::ExitCode;
use std::time::Duration;

use serde_json::{Map, Value, json};

use super::csv::{csv, millis, number};
use super::svg::{self, Mark, Plot, Series};
use crate::cli::{Global, SimSystemArgs};
use crate::commands::{Outcome, UsageError, print};
use crate::content::system::{self, Scenario};
use crate::engine::duration::{format_duration, parse_duration};
use crate::engine::system::{Counts, Reason, ServiceMetrics, SystemRun, simulate};
use crate::ui::tui::Theme;
use crate::ui::tui::screens::system_chart::SystemChart;

pub fn run(args: SimSystemArgs, global: &Global) -> Outcome {
    let scenario = scenario(&args)?;
    let run = simulate(&scenario.config)
        .map_err(|e| UsageError::new(format!("Failed to run scenario '{}': {e}", scenario.name)))?;
    if let Some(path) = &args.svg {
        svg::write(path, &busy_plot(&scenario, &run).render())?;
    }
    let text = if args.json {
        let mut text = serde_json::to_string_pretty(&to_json(&scenario, &run))
            .map_err(|e| miette::miette!("Failed to write JSON: {e}"))?;
        text.push('\n');
        text
    } else if args.csv {
        to_csv(&run)
    } else {
        if super::charts_wanted(global, false) {
            let mut chart = SystemChart::new(&scenario.name, &run, Theme::from_env());
            super::show(&mut chart)?;
        }
        table(&scenario, &run)
    };
    print(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// The scenario with the flags' overrides applied.
fn scenario(args: &SimSystemArgs) -> Result<Scenario, UsageError> {
    let mut scenario = system::load(&args.scenario).map_err(|e| {
        UsageError::new(format!(
            "Failed to load scenario '{}':\n{}",
            args.scenario,
            e.render().trim_end()
        ))
    })?;
    let config = &mut scenario.config;
    if let Some(rate) = args.rate {
        config.arrivals.rate = rate;
    }
    if let Some(text) = &args.duration {
        config.arrivals.duration = duration_flag("--duration", text)?;
    }
    if let Some(text) = &args.bucket {
        config.bucket = duration_flag("--bucket", text)?;
    } else if config.bucket > config.arrivals.duration {
        config.bucket = (config.arrivals.duration / 10).max(Duration::from_millis(1));
    }
    if let Some(seed) = args.seed {
        config.seed = seed;
    }
    config.validate().map_err(|e| {
        UsageError::new(format!(
            "Failed to run scenario '{}': {e}\nhint: '--rate' takes requests per second \
             (e.g. 100), '--duration' and '--bucket' durations (e.g. 60s, 500ms)",
            scenario.name
        ))
    })?;
    Ok(scenario)
}

fn duration_flag(flag: &str, text: &str) -> Result<Duration, UsageError> {
    parse_duration(text).map_err(|e| {
        UsageError::new(format!(
            "{flag} '{text}': {e}\nhint: write a number and a unit, e.g. 60s, 500ms, 2m"
        ))
    })
}

fn rejected_map<T: Into<Value>>(value: impl Fn(Reason) -> T) -> Value {
    let map: Map<String, Value> = Reason::ALL
        .iter()
        .map(|r| (r.name().to_owned(), value(*r).into()))
        .collect();
    Value::Object(map)
}

fn counts_json(counts: &Counts) -> Value {
    json!({
        "total": counts.total(),
        "completed": counts.completed,
        "failed": counts.failed,
        "rejected": rejected_map(|r| counts.rejected(r)),
        "unfinished": counts.unfinished,
    })
}

fn ms(d: Duration) -> f64 {
    d.as_micros() as f64 / 1000.0
}

/// Rounded to a thousandth: the series are means over a bucket, not exact counts.
fn round3(x: f64) -> f64 {
    libm::round(x * 1000.0) / 1000.0
}

fn to_json(scenario: &Scenario, run: &SystemRun) -> Value {
    let totals: Vec<Value> = run
        .services
        .iter()
        .map(|s| {
            let mut total = counts_json(&s.calls);
            if let Value::Object(map) = &mut total {
                let mut first = Map::new();
                first.insert("service".into(), s.name.clone().into());
                first.insert("workers".into(), s.workers.into());
                first.extend(std::mem::take(map));
                first.extend([
                    ("arrived".into(), s.arrived.into()),
                    ("wasted_ms".into(), ms(s.wasted).into()),
                    ("pool_full_ms".into(), ms(s.pool_full).into()),
                    ("first_full_ms".into(), s.first_full.map(ms).into()),
                    ("busy_mean".into(), round3(s.busy_mean).into()),
                    ("busy_peak".into(), s.busy_peak.into()),
                    ("queued_peak".into(), s.queued_peak.into()),
                    ("wait_mean_ms".into(), round3(s.wait_mean_ms).into()),
                    ("p50_ms".into(), s.p50_ms.into()),
                    ("p99_ms".into(), s.p99_ms.into()),
                ]);
                *map = first;
            }
            total
        })
        .collect();
    let series: Vec<Value> = run
        .services
        .iter()
        .map(|s| {
            let q = &s.series;
            json!({
                "service": s.name,
                "bucket_ms": ms(run.bucket),
                "busy": q.busy.iter().map(|x| round3(*x)).collect::<Vec<_>>(),
                "queued": q.queued.iter().map(|x| round3(*x)).collect::<Vec<_>>(),
                "completed": q.completed,
                "failed": q.failed,
                "rejected": rejected_map(|r| q.rejected[Reason::ALL.iter().position(|x| *x == r).unwrap_or(0)].clone()),
                "p50_ms": q.p50_ms,
                "p99_ms": q.p99_ms,
            })
        })
        .collect();
    json!({
        "scenario": scenario.name,
        "seed": scenario.config.seed,
        "end_ms": ms(run.end),
        "requests": counts_json(&run.requests),
        "totals": totals,
        "series": series,
    })
}

fn to_csv(run: &SystemRun) -> String {
    let mut headers = vec![
        "service",
        "bucket_start_ms",
        "busy",
        "queued",
        "completed",
        "failed",
    ];
    headers.extend(Reason::ALL.iter().map(|r| r.name()));
    headers.extend(["p50_ms", "p99_ms"]);
    let optional = |x: Option<f64>| x.map(number).unwrap_or_default();
    let mut rows = Vec::new();
    for s in &run.services {
        let q = &s.series;
        for i in 0..q.busy.len() {
            let start = run.bucket * u32::try_from(i).unwrap_or(u32::MAX);
            let mut row = vec![
                s.name.clone(),
                millis(start),
                number(round3(q.busy[i])),
                number(round3(q.queued[i])),
                q.completed[i].to_string(),
                q.failed[i].to_string(),
            ];
            row.extend(q.rejected.iter().map(|v| v[i].to_string()));
            row.push(optional(q.p50_ms[i]));
            row.push(optional(q.p99_ms[i]));
            rows.push(row);
        }
    }
    csv(&headers, &rows)
}

fn busy_plot(scenario: &Scenario, run: &SystemRun) -> Plot {
    let width = run.bucket.as_secs_f64();
    Plot {
        title: format!("Busy workers over time: {}", scenario.name),
        x_label: "time (s)".into(),
        y_label: "busy workers (mean per bucket)".into(),
        series: run
            .services
            .iter()
            .map(|s| Series {
                name: s.name.clone(),
                mark: Mark::Line(
                    s.series
                        .busy
                        .iter()
                        .enumerate()
                        .map(|(i, b)| (i as f64 * width, *b))
                        .collect(),
                ),
            })
            .collect(),
    }
}

fn reasons(counts: &Counts) -> String {
    let parts: Vec<String> = Reason::ALL
        .iter()
        .filter(|r| counts.rejected(**r) > 0)
        .map(|r| format!("{} {}", r.name(), counts.rejected(*r)))
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join(", "))
    }
}

fn optional_ms(value: Option<f64>) -> String {
    value.map_or_else(|| "-".into(), |v| format!("{v:.1}"))
}

fn table(scenario: &Scenario, run: &SystemRun) -> String {
    let r = &run.requests;
    let mut out = if scenario.description.is_empty() {
        format!("{}\n", scenario.name)
    } else {
        format!("{}: {}\n", scenario.name, scenario.description)
    };
    out.push_str(&format!(
        "requests {}: completed {}, failed {}, rejected {}{}, unfinished {}\n\n",
        r.total(),
        r.completed,
        r.failed,
        r.rejected_total(),
        reasons(r),
        r.unfinished
    ));
    let headers = [
        "service",
        "workers",
        "calls",
        "completed",
        "failed",
        "rejected",
        "unfinished",
        "busy mean",
        "peak",
        "full for",
        "first full",
        "p50 ms",
        "p99 ms",
        "wasted",
    ];
    let rows: Vec<Vec<String>> = run.services.iter().map(row).collect();
    out.push_str(&super::backoff::table(&headers, &rows));
    let notes: Vec<String> = run
        .services
        .iter()
        .filter(|s| s.calls.rejected_total() > 0)
        .map(|s| format!("{} rejected{}", s.name, reasons(&s.calls)))
        .collect();
    if !notes.is_empty() {
        out.push('\n');
        out.push_str(&notes.join("\n"));
        out.push('\n');
    }
    out
}

fn row(s: &ServiceMetrics) -> Vec<String> {
    let c = &s.calls;
    vec![
        s.name.clone(),
        s.workers.to_string(),
        c.total().to_string(),
        c.completed.to_string(),
        c.failed.to_string(),
        c.rejected_total().to_string(),
        c.unfinished.to_string(),
        format!("{:.1}", s.busy_mean),
        s.busy_peak.to_string(),
        format_duration(to_ms(s.pool_full)),
        s.first_full
            .map_or_else(|| "-".into(), |d| format_duration(to_ms(d))),
        optional_ms(s.p50_ms),
        optional_ms(s.p99_ms),
        format_duration(to_ms(s.wasted)),
    ]
}

/// To the millisecond, for the table.
fn to_ms(d: Duration) -> Duration {
    Duration::from_millis(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}
