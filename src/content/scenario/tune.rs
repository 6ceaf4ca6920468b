//! Tune exercises: checking their shape, and simulating a learner's choice (a breaker
//! script, or an outage storm) to judge it against the goals.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::engine::breaker::State;
use crate::engine::budget::RetryBudgetConfig;
use crate::engine::duration::format_duration;
use crate::engine::script;
use crate::engine::storm::Strategy;
use crate::engine::storm::outage::{self, OutageConfig, OutageRun};

use super::super::model::{
    BackoffSpec, Kind, Metric, OutageSpec, Param, ParamValue, Quantity, Tune,
};
use super::super::validate::Depth;
use super::params::{param_values, set_backoff, set_breaker, settable, substitute, whole};
use super::{ItemError, ParamValues, backoff_config, breaker_config, breaker_run};

/// A tune scenario's outcome for one choice of parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct TuneOutcome {
    /// Every metric the scenario measured.
    pub metrics: BTreeMap<&'static str, f64>,
    /// Each goal with the measured value and whether it held.
    pub goals: Vec<GoalResult>,
}

impl TuneOutcome {
    /// Whether every goal held.
    pub fn passed(&self) -> bool {
        self.goals.iter().all(|g| g.met)
    }
}

/// One goal's verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct GoalResult {
    pub metric: Metric,
    /// The measured value (durations in milliseconds); `None` if it never happened (e.g.
    /// the breaker never opened).
    pub value: Option<f64>,
    pub met: bool,
    /// e.g. "failed = 12, goal: at most 10".
    pub summary: String,
}

pub(super) fn check_tune(tune: &Tune, depth: Depth) -> Result<(), ItemError> {
    let outage = tune.outage.is_some();
    if outage == tune.script.is_some() || (!outage && tune.breaker.is_none()) {
        return Err(ItemError::new(
            "parameters",
            "a tune scenario is either 'breaker' + 'script', or 'outage' (+ 'backoff')",
        )
        .with_hint("give exactly one of the two"));
    }
    if tune.parameters.is_empty() {
        return Err(ItemError::new("parameters", "no parameters to tune")
            .with_hint("name at least one setting, e.g. failure_threshold: {min: 1, max: 20}"));
    }
    let settable = settable(Kind::Tune(tune));
    let budget = tune.outage.as_ref().and_then(|o| o.budget.as_deref());
    for (name, param) in &tune.parameters {
        let in_budget = budget.is_some_and(|b| b.contains(&format!("{{{name}}}")));
        if !settable.contains(&name.as_str()) && !in_budget {
            return Err(ItemError::new(
                "parameters",
                format!("'{name}' is not a setting of this scenario"),
            )
            .with_hint(
                super::super::diagnostic::did_you_mean(name, settable.iter().copied())
                    .unwrap_or_else(|| {
                        format!(
                            "tunable settings: {}, or a `{{name}}` placeholder in the outage's budget",
                            settable.join(", ")
                        )
                    }),
            ));
        }
        param_values(param)
            .map_err(|e| ItemError::new("parameters", format!("parameter '{name}': {e}")))?;
        let Some(value) = tune.example.get(name) else {
            return Err(ItemError::new(
                "example",
                format!("the example gives no value for '{name}'"),
            )
            .with_hint("give the example a value for every parameter"));
        };
        if !within(param, value) {
            return Err(ItemError::new(
                "example",
                format!("the example's {name} '{value}' is outside its range"),
            ));
        }
    }
    if let Some(extra) = tune
        .example
        .keys()
        .find(|k| !tune.parameters.contains_key(*k))
    {
        return Err(ItemError::new(
            "example",
            format!("the example sets '{extra}', which is not a parameter"),
        ));
    }
    if tune.goals.is_empty() {
        return Err(ItemError::new("goals", "no goals")
            .with_hint("add at least one goal, e.g. {metric: failed, at_most: 10}"));
    }
    for goal in &tune.goals {
        if goal.metric.is_outage() != outage {
            return Err(ItemError::new(
                "goals",
                format!(
                    "metric '{}' does not belong to this scenario",
                    metric_name(goal.metric)
                ),
            )
            .with_hint(if outage {
                "an outage measures calls, calls_during_outage, peak_load, drain_time, given_up, amplification, success_rate"
            } else {
                "a breaker script measures failed, rejected, succeeded, opened_after"
            }));
        }
        if goal.at_most.is_none() && goal.at_least.is_none() {
            return Err(ItemError::new(
                "goals",
                format!("the goal on '{}' has no bound", metric_name(goal.metric)),
            )
            .with_hint("add 'at_most' or 'at_least'"));
        }
        for bound in [goal.at_most, goal.at_least].into_iter().flatten() {
            if bound.is_duration() != goal.metric.is_duration() {
                return Err(ItemError::new(
                    "goals",
                    format!(
                        "the bound '{bound}' on '{}' must be {}",
                        metric_name(goal.metric),
                        if goal.metric.is_duration() {
                            "a duration"
                        } else {
                            "a number"
                        }
                    ),
                ));
            }
        }
    }
    if depth == Depth::Full {
        let outcome = simulate_tune(tune, &tune.example)?;
        if !outcome.passed() {
            let failed: Vec<&str> = outcome
                .goals
                .iter()
                .filter(|g| !g.met)
                .map(|g| g.summary.as_str())
                .collect();
            return Err(ItemError::new(
                "example",
                format!("the example does not meet the goals: {}", failed.join("; ")),
            )
            .with_hint("change the example (or the goals) so that at least one answer passes"));
        }
    }
    Ok(())
}

fn within(param: &Param, value: &ParamValue) -> bool {
    if !param.one_of.is_empty() {
        return param.one_of.contains(value);
    }
    match (
        value.quantity(),
        param.min.as_ref().and_then(ParamValue::quantity),
        param.max.as_ref().and_then(ParamValue::quantity),
    ) {
        (Some(v), Some(lo), Some(hi)) => {
            v.is_duration() == lo.is_duration()
                && v.as_f64() >= lo.as_f64()
                && v.as_f64() <= hi.as_f64()
        }
        _ => false,
    }
}

/// The YAML name of a metric.
pub fn metric_name(metric: Metric) -> &'static str {
    match metric {
        Metric::Failed => "failed",
        Metric::Rejected => "rejected",
        Metric::Succeeded => "succeeded",
        Metric::OpenedAfter => "opened_after",
        Metric::CallsDuringOutage => "calls_during_outage",
        Metric::PeakLoad => "peak_load",
        Metric::DrainTime => "drain_time",
        Metric::GivenUp => "given_up",
        Metric::Amplification => "amplification",
        Metric::SuccessRate => "success_rate",
        Metric::Calls => "calls",
    }
}

/// Simulates `tune` with the learner's `choice` of parameters and judges every goal.
pub fn simulate_tune(tune: &Tune, choice: &ParamValues) -> Result<TuneOutcome, ItemError> {
    let metrics = match (&tune.breaker, &tune.script) {
        (Some(breaker), Some(script)) => {
            let mut spec = breaker.clone();
            for (name, value) in choice {
                set_breaker(&mut spec, name, value)?;
            }
            breaker_metrics(&breaker_run(&spec, script)?)
        }
        _ => {
            let Some(spec) = &tune.outage else {
                return Err(ItemError::new(
                    "outage",
                    "the scenario has neither a breaker script nor an outage",
                ));
            };
            let mut spec = spec.clone();
            spec.budget = spec.budget.as_ref().map(|b| substitute(b, choice));
            let mut backoff = tune.backoff.clone().unwrap_or_default();
            let mut max_attempts = spec.max_attempts;
            for (name, value) in choice {
                if name == "max_attempts" {
                    max_attempts = Some(whole(name, value)?);
                } else {
                    set_backoff(&mut backoff, name, value)?;
                }
            }
            let (config, seed) = outage_config(&spec, &backoff, max_attempts)?;
            let run = outage::simulate(&config, seed)
                .map_err(|e| ItemError::new("outage", format!("outage: {e}")))?;
            outage_metrics(&run)
        }
    };
    let goals = tune
        .goals
        .iter()
        .map(|goal| {
            let value = metrics.get(metric_name(goal.metric)).copied();
            let bound_ok = |bound: Option<Quantity>, holds: fn(f64, f64) -> bool| {
                bound.is_none_or(|b| value.is_some_and(|v| holds(v, b.as_f64())))
            };
            let met =
                bound_ok(goal.at_most, |v, b| v <= b) && bound_ok(goal.at_least, |v, b| v >= b);
            let shown = match value {
                None => "never".to_owned(),
                Some(v) if goal.metric.is_duration() => {
                    format_duration(Duration::from_secs_f64(v / 1000.0))
                }
                Some(v) => {
                    let text = format!("{v:.3}");
                    text.trim_end_matches('0').trim_end_matches('.').to_owned()
                }
            };
            let mut bounds = Vec::new();
            if let Some(b) = goal.at_most {
                bounds.push(format!("at most {b}"));
            }
            if let Some(b) = goal.at_least {
                bounds.push(format!("at least {b}"));
            }
            GoalResult {
                metric: goal.metric,
                value,
                met,
                summary: format!(
                    "{} = {shown}, goal: {}",
                    metric_name(goal.metric),
                    bounds.join(" and ")
                ),
            }
        })
        .collect();
    Ok(TuneOutcome { metrics, goals })
}

/// The engine config of an outage scenario: `patterns sim storm --scenario outage`'s
/// defaults, the spec's values on top, the backoff's jitter as the strategy.
pub fn outage_config(
    spec: &OutageSpec,
    backoff: &BackoffSpec,
    max_attempts: Option<u32>,
) -> Result<(OutageConfig, u64), ItemError> {
    let backoff = backoff_config(backoff)?;
    let mut config = OutageConfig::standard(Strategy::from_jitter(backoff.jitter));
    config.backoff = backoff;
    config.outage = spec.outage.get();
    if let Some(clients) = spec.clients {
        config.clients = clients;
    }
    if let Some(rate) = spec.rate {
        config.rate = rate;
    }
    if let Some(duration) = spec.duration {
        config.duration = duration.get();
    }
    if spec.capacity.is_some() {
        config.capacity = spec.capacity;
    }
    if let Some(n) = max_attempts.or(spec.max_attempts) {
        config.max_attempts = n;
    }
    if let Some(budget) = &spec.budget {
        config.budget = Some(
            RetryBudgetConfig::parse(budget)
                .map_err(|e| ItemError::new("outage", format!("budget: {e}")))?,
        );
    }
    if let Some(breaker) = &spec.breaker {
        config.breaker = Some(breaker_config(breaker)?);
    }
    config
        .validate()
        .map_err(|e| ItemError::new("outage", format!("outage: {e}")))?;
    Ok((config, spec.seed.unwrap_or(1)))
}

/// Every outcome of an outage run, by metric name (durations in milliseconds).
pub(super) fn outage_metrics(run: &OutageRun) -> BTreeMap<&'static str, f64> {
    let mut metrics = BTreeMap::new();
    metrics.insert("calls", run.calls as f64);
    metrics.insert("calls_during_outage", run.calls_during_outage as f64);
    metrics.insert("peak_load", run.peak_calls_per_s as f64);
    metrics.insert("given_up", run.given_up as f64);
    metrics.insert("amplification", run.amplification());
    metrics.insert("success_rate", run.success_ratio());
    if let Some(drain) = run.time_to_drain {
        metrics.insert("drain_time", drain.as_secs_f64() * 1000.0);
    }
    metrics
}

fn breaker_metrics(run: &script::Run) -> BTreeMap<&'static str, f64> {
    let mut metrics = BTreeMap::new();
    metrics.insert("failed", run.stats.failed as f64);
    metrics.insert("rejected", run.stats.rejected as f64);
    metrics.insert("succeeded", run.stats.succeeded as f64);
    let opened = run
        .steps
        .iter()
        .flat_map(|s| &s.transitions)
        .find(|t| t.to == State::Open)
        .map(|t| t.at.as_secs_f64() * 1000.0);
    if let Some(at) = opened {
        metrics.insert("opened_after", at);
    }
    metrics
}
