//! Tune exercises: checking their shape, and simulating a learner's choice (a breaker
//! script, or an outage storm) to judge it against the goals.

use std::time::Duration;

use crate::engine::duration::format_duration;
use crate::engine::storm::outage;

use super::super::diagnostic::did_you_mean;
use super::super::model::{Metric, Param, ParamValue, Quantity, Tune};
use super::kind::{EngineBacked, ExpectScope, LoadCheck};
use super::measure::{BreakerMeasures, Measured};
use super::specs::{
    BACKOFF_SETTINGS, BREAKER_SETTINGS, ItemError, ParamValues, breaker_run, names, outage_config,
    param_values, set_backoff, set_breaker, substitute, whole,
};
use super::system::{TUNE_SETTINGS, goal_value, scenario_service, tuned_run};

/// A tune scenario's outcome for one choice of parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct TuneOutcome {
    /// What the scenario measured.
    pub measured: Measured,
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

impl EngineBacked for Tune {
    /// The outcome of the author's example.
    type Key = TuneOutcome;
    const LOAD: LoadCheck = LoadCheck::Shape;
    const EXPECT: ExpectScope = ExpectScope::EveryVariant;

    fn settings(&self) -> Vec<&'static str> {
        if self.system.is_some() {
            TUNE_SETTINGS.to_vec()
        } else if self.outage.is_some() {
            names(BACKOFF_SETTINGS).chain(["max_attempts"]).collect()
        } else {
            names(BREAKER_SETTINGS).collect()
        }
    }

    fn templates(&self) -> Vec<(&'static str, &str)> {
        self.script
            .as_deref()
            .map(|script| ("script", script))
            .into_iter()
            .collect()
    }

    fn instantiate(&mut self, values: &ParamValues) -> Result<(), ItemError> {
        self.script = self.script.as_ref().map(|s| substitute(s, values));
        Ok(())
    }

    fn check_shape(&self) -> Result<(), ItemError> {
        check_shape(self)
    }

    fn key(&self) -> Result<TuneOutcome, ItemError> {
        simulate_tune(self, &self.example)
    }

    fn check_expect(&self, outcome: &TuneOutcome) -> Result<(), ItemError> {
        if outcome.passed() {
            return Ok(());
        }
        let failed: Vec<&str> = outcome
            .goals
            .iter()
            .filter(|g| !g.met)
            .map(|g| g.summary.as_str())
            .collect();
        Err(ItemError::new(
            "example",
            format!("the example does not meet the goals: {}", failed.join("; ")),
        )
        .with_hint("change the example (or the goals) so that at least one answer passes"))
    }
}

fn check_shape(tune: &Tune) -> Result<(), ItemError> {
    let outage = tune.outage.is_some();
    let system = tune.system.is_some();
    let scenarios = [outage, tune.script.is_some(), system];
    if scenarios.iter().filter(|given| **given).count() != 1
        || (tune.script.is_some() && tune.breaker.is_none())
    {
        return Err(ItemError::new(
            "parameters",
            "a tune scenario is 'breaker' + 'script', 'outage' (+ 'backoff') or 'system'",
        )
        .with_hint("give exactly one of the three"));
    }
    if tune.parameters.is_empty() {
        return Err(ItemError::new("parameters", "no parameters to tune")
            .with_hint("name at least one setting, e.g. failure_threshold: {min: 1, max: 20}"));
    }
    let settable = tune.settings();
    let budget = tune.outage.as_ref().and_then(|o| o.budget.as_deref());
    for (name, param) in &tune.parameters {
        let in_budget = budget.is_some_and(|b| b.contains(&format!("{{{name}}}")));
        if !settable.contains(&name.as_str()) && !in_budget {
            return Err(ItemError::new(
                "parameters",
                format!("'{name}' is not a setting of this scenario"),
            )
            .with_hint(
                did_you_mean(name, settable.iter().copied()).unwrap_or_else(|| {
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
        let belongs = if system {
            goal.metric.is_system()
        } else {
            !goal.metric.is_system() && goal.metric.is_outage() == outage
        };
        if !belongs {
            return Err(ItemError::new(
                "goals",
                format!(
                    "metric '{}' does not belong to this scenario",
                    goal.metric.name()
                ),
            )
            .with_hint(if system {
                "a system run measures pool_first_full, p50, p99, wasted_work, calls_completed, calls_rejected"
            } else if outage {
                "an outage measures calls, calls_during_outage, peak_load, drain_time, given_up, amplification, success_rate"
            } else {
                "a breaker script measures failed, rejected, succeeded, opened_after"
            }));
        }
        if goal.at_most.is_none() && goal.at_least.is_none() {
            return Err(ItemError::new(
                "goals",
                format!("the goal on '{}' has no bound", goal.metric.name()),
            )
            .with_hint("add 'at_most' or 'at_least'"));
        }
        for bound in [goal.at_most, goal.at_least].into_iter().flatten() {
            if bound.is_duration() != goal.metric.is_duration() {
                return Err(ItemError::new(
                    "goals",
                    format!(
                        "the bound '{bound}' on '{}' must be {}",
                        goal.metric.name(),
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

/// Simulates `tune` with the learner's `choice` of parameters and judges every goal.
pub fn simulate_tune(tune: &Tune, choice: &ParamValues) -> Result<TuneOutcome, ItemError> {
    let system = match &tune.system {
        Some(spec) => Some((spec, tuned_run(spec, choice)?)),
        None => None,
    };
    let measured = match (&tune.breaker, &tune.script) {
        _ if let Some((spec, (run, reason))) = &system => {
            Measured::System(Box::new(scenario_service(run, spec)?.clone()), *reason)
        }
        (Some(breaker), Some(script)) => {
            let mut spec = breaker.clone();
            for (name, value) in choice {
                set_breaker(&mut spec, name, value)?;
            }
            Measured::Breaker(BreakerMeasures::of(&breaker_run(&spec, script)?))
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
            Measured::Outage(run)
        }
    };
    let goals = tune
        .goals
        .iter()
        .map(|goal| {
            let value = match &system {
                Some((spec, (run, reason))) => {
                    goal_value(run, spec, *reason, goal.service.as_deref(), goal.metric)?
                }
                None => measured.value(goal.metric),
            };
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
            let at = match (&system, &goal.service) {
                (Some(_), Some(service)) => format!(" at {service}"),
                _ => String::new(),
            };
            Ok(GoalResult {
                metric: goal.metric,
                value,
                met,
                summary: format!(
                    "{}{at} = {shown}, goal: {}",
                    goal.metric.name(),
                    bounds.join(" and ")
                ),
            })
        })
        .collect::<Result<_, ItemError>>()?;
    Ok(TuneOutcome { measured, goals })
}
