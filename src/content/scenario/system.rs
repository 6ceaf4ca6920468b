//! The `system` family in content: a computed numeric reads one metric of one service off a
//! built-in service-chain scenario (`content::system`), run once by `engine::system`, with
//! the arrivals' rate, duration and seed changed by the item or its parameters.
//!
//! Invariant: no rule of the simulation is restated here; the value is read from the
//! engine's [`ServiceMetrics`](crate::engine::system::ServiceMetrics) through [`Measured`].

use std::time::Duration;

use super::super::model::{Metric, Quantity, SystemCompute, Timespan};
use super::super::system::{self as scenarios, BUILT_IN};
use super::measure::Measured;
use super::specs::{ItemError, ParamValues, number, span, whole};
use crate::engine::system::{self, Queue, Reason, ServiceMetrics, SystemConfig, SystemRun};

/// What a parameter may set on a computed system run.
pub(super) const SYSTEM_SETTINGS: &[&str] = &["rate", "duration", "seed"];

/// Sets `rate`, `duration` and `seed` from `values`.
pub(super) fn set_system(
    system: &mut SystemCompute,
    values: &ParamValues,
) -> Result<(), ItemError> {
    for (name, value) in values {
        match name.as_str() {
            "rate" => system.rate = Some(number(name, value)?),
            "duration" => system.duration = Some(span(name, value)?),
            "seed" => system.seed = Some(u64::from(whole(name, value)?)),
            _ => {}
        }
    }
    Ok(())
}

/// What a parameter of a `tune` over a system may set: the arrivals' rate, and the
/// workers and queue of the scenario's `service` (default: the first).
pub(super) const TUNE_SETTINGS: &[&str] = &["rate", "workers", "queue"];

/// The engine config of the built-in scenario `spec` names, with its changes; errors are
/// reported under `field`.
fn configure(spec: &SystemCompute, field: &'static str) -> Result<SystemConfig, ItemError> {
    let err = |message: String| ItemError::new(field, message);
    if !BUILT_IN.iter().any(|(name, _)| *name == spec.scenario) {
        let names: Vec<&str> = BUILT_IN.iter().map(|(name, _)| *name).collect();
        return Err(
            err(format!("no built-in system scenario '{}'", spec.scenario))
                .with_hint(format!("one of {}", names.join(", "))),
        );
    }
    let mut config = scenarios::load(&spec.scenario)
        .map_err(|e| err(format!("scenario '{}': {}", spec.scenario, e.render())))?
        .config;
    if let Some(rate) = spec.rate {
        config.arrivals.rate = rate;
    }
    if let Some(duration) = spec.duration {
        config.arrivals.duration = duration.0;
    }
    if let Some(seed) = spec.seed {
        config.seed = seed;
    }
    Ok(config)
}

/// Runs `config`; errors are reported under `field`.
fn run(
    config: &SystemConfig,
    spec: &SystemCompute,
    field: &'static str,
) -> Result<SystemRun, ItemError> {
    system::simulate(config).map_err(|e| {
        ItemError::new(field, format!("system '{}': {e}", spec.scenario))
            .with_hint("keep the settings within what `patterns sim system` accepts")
    })
}

/// The rejection reason `spec` asks about (`None`: every reason).
fn reason_of(spec: &SystemCompute, field: &'static str) -> Result<Option<Reason>, ItemError> {
    let Some(text) = &spec.reason else {
        return Ok(None);
    };
    Reason::ALL
        .into_iter()
        .find(|r| r.name() == text)
        .map(Some)
        .ok_or_else(|| {
            let all: Vec<&str> = Reason::ALL.iter().map(|r| r.name()).collect();
            ItemError::new(field, format!("no rejection reason '{text}'"))
                .with_hint(format!("one of {}", all.join(", ")))
        })
}

/// The service `name` of `run` (`None`: the first).
fn service_of<'a>(
    run: &'a SystemRun,
    scenario: &str,
    name: Option<&str>,
    field: &'static str,
) -> Result<&'a ServiceMetrics, ItemError> {
    match name {
        None => run.services.first(),
        Some(name) => run.service(name),
    }
    .ok_or_else(|| {
        let all: Vec<&str> = run.services.iter().map(|s| s.name.as_str()).collect();
        ItemError::new(
            field,
            format!(
                "scenario '{scenario}' has no service '{}'",
                name.unwrap_or("")
            ),
        )
        .with_hint(format!("its services are {}", all.join(", ")))
    })
}

/// Whether `metric` is measured on a system run; else the error listing those that are.
pub(super) fn check_metric(metric: Metric, field: &'static str) -> Result<(), ItemError> {
    if metric.is_system() {
        return Ok(());
    }
    Err(ItemError::new(
        field,
        format!("metric '{}' is not measured on a system run", metric.name()),
    )
    .with_hint(
        "a system run measures pool_first_full, p50, p99, wasted_work, calls_completed, calls_rejected",
    ))
}

/// Runs the built-in scenario `spec` names, with its changes, and reads `metric` off the
/// service asked about.
pub(super) fn system_answer(spec: &SystemCompute, metric: Metric) -> Result<Quantity, ItemError> {
    let field = "compute";
    check_metric(metric, field)?;
    let config = configure(spec, field)?;
    let reason = reason_of(spec, field)?;
    let run = run(&config, spec, field)?;
    let service = service_of(&run, &spec.scenario, spec.service.as_deref(), field)?;
    let name = metric.name();
    match Measured::System(Box::new(service.clone()), reason).value(metric) {
        Some(ms) if metric.is_duration() => Ok(Quantity::Duration(Timespan(
            Duration::from_secs_f64(ms / 1000.0),
        ))),
        Some(value) => Ok(Quantity::Number(value)),
        None => Err(ItemError::new(
            field,
            format!("'{name}' never happened at '{}' in this run", service.name),
        )
        .with_hint("ask another metric or service, or change the scenario's rate or duration")),
    }
}

/// A tune's system run with the learner's `choice` (`rate`; `workers` and `queue` of the
/// scenario's service), and a way to read each goal: `measure(service, metric)`.
pub(super) fn tuned_run(
    spec: &SystemCompute,
    choice: &ParamValues,
) -> Result<(SystemRun, Option<Reason>), ItemError> {
    let field = "system";
    let mut config = configure(spec, field)?;
    let index = match &spec.service {
        None => 0,
        Some(name) => config
            .services
            .iter()
            .position(|s| &s.name == name)
            .ok_or_else(|| {
                let all: Vec<&str> = config.services.iter().map(|s| s.name.as_str()).collect();
                ItemError::new(
                    field,
                    format!("scenario '{}' has no service '{name}'", spec.scenario),
                )
                .with_hint(format!("its services are {}", all.join(", ")))
            })?,
    };
    for (name, value) in choice {
        match name.as_str() {
            "rate" => config.arrivals.rate = number(name, value)?,
            "workers" | "queue" => {
                let count = whole(name, value)?;
                let Some(service) = config.services.get_mut(index) else {
                    continue;
                };
                if name == "workers" {
                    service.workers = count;
                } else {
                    service.queue = if count == 0 {
                        Queue::None
                    } else {
                        Queue::Bounded(count)
                    };
                }
            }
            _ => {}
        }
    }
    let reason = reason_of(spec, field)?;
    Ok((run(&config, spec, field)?, reason))
}

/// The scenario's service (`spec.service`, else the first) in `run`.
pub(super) fn scenario_service<'a>(
    run: &'a SystemRun,
    spec: &SystemCompute,
) -> Result<&'a ServiceMetrics, ItemError> {
    service_of(run, &spec.scenario, spec.service.as_deref(), "system")
}

/// The value of `metric` at `service` (`None`: the scenario's service, else the first).
pub(super) fn goal_value(
    run: &SystemRun,
    spec: &SystemCompute,
    reason: Option<Reason>,
    service: Option<&str>,
    metric: Metric,
) -> Result<Option<f64>, ItemError> {
    let name = service.or(spec.service.as_deref());
    let service = service_of(run, &spec.scenario, name, "goals")?;
    Ok(Measured::System(Box::new(service.clone()), reason).value(metric))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::model::ParamValue;

    fn cascade(service: &str) -> SystemCompute {
        SystemCompute {
            scenario: "cascade".into(),
            service: Some(service.into()),
            ..SystemCompute::default()
        }
    }

    fn millis(q: Quantity) -> u128 {
        match q {
            Quantity::Duration(d) => d.0.as_millis(),
            Quantity::Number(x) => panic!("a number: {x}"),
        }
    }

    #[test]
    fn the_cascade_fills_checkouts_pool_before_webs() {
        // payment hangs at 10 s; checkout's 30 workers fill first, then web's 40.
        let checkout =
            millis(system_answer(&cascade("checkout"), Metric::PoolFirstFull).expect("runs"));
        let web = millis(system_answer(&cascade("web"), Metric::PoolFirstFull).expect("runs"));
        assert!((10_000..11_000).contains(&checkout), "{checkout}");
        assert!(web > checkout, "web {web}, checkout {checkout}");
        let never = system_answer(&cascade("payment"), Metric::PoolFirstFull).expect_err("never");
        assert!(never.to_string().contains("never happened at 'payment'"));
    }

    #[test]
    fn rejections_count_by_reason() {
        let all = system_answer(&cascade("web"), Metric::CallsRejected).expect("runs");
        let spec = SystemCompute {
            reason: Some("queue_full".into()),
            ..cascade("web")
        };
        assert_eq!(
            system_answer(&spec, Metric::CallsRejected).expect("runs"),
            all
        );
        let spec = SystemCompute {
            reason: Some("breaker_open".into()),
            ..cascade("web")
        };
        assert_eq!(
            system_answer(&spec, Metric::CallsRejected).expect("runs"),
            Quantity::Number(0.0)
        );
    }

    #[test]
    fn parameters_change_the_run_and_the_key() {
        let mut spec = SystemCompute {
            scenario: "mmc".into(),
            ..SystemCompute::default()
        };
        let p99 = |spec: &SystemCompute| millis(system_answer(spec, Metric::P99).expect("runs"));
        // ρ = 0.8 at 320/s; at 200/s (ρ = 0.5) the queue, and so the tail, is shorter.
        let busy = p99(&spec);
        let values = [
            ("rate".to_owned(), ParamValue::Number(200.0)),
            ("seed".to_owned(), ParamValue::Number(7.0)),
        ];
        set_system(&mut spec, &values.into()).expect("fits");
        assert_eq!((spec.rate, spec.seed), (Some(200.0), Some(7)));
        assert!(p99(&spec) < busy, "{} vs {busy}", p99(&spec));
    }

    #[test]
    fn unknown_names_are_refused_with_the_known_ones() {
        let error = system_answer(&cascade("nope"), Metric::P99).expect_err("no service");
        assert!(
            error
                .hint()
                .expect("hint")
                .contains("web, checkout, payment")
        );
        let spec = SystemCompute {
            scenario: "casade".into(),
            ..SystemCompute::default()
        };
        let error = system_answer(&spec, Metric::P99).expect_err("no scenario");
        assert!(error.hint().expect("hint").contains("cascade"));
        let error = system_answer(&cascade("web"), Metric::Failed).expect_err("not system");
        assert!(error.to_string().contains("not measured on a system run"));
    }

    fn mmc_tune() -> crate::content::model::Tune {
        use crate::content::model::{Goal, Param, Tune};
        Tune {
            breaker: None,
            script: None,
            outage: None,
            backoff: None,
            system: Some(SystemCompute {
                scenario: "mmc".into(),
                ..SystemCompute::default()
            }),
            parameters: [(
                "workers".to_owned(),
                Param {
                    min: Some(ParamValue::Number(1.0)),
                    max: Some(ParamValue::Number(10.0)),
                    ..Param::default()
                },
            )]
            .into(),
            goals: vec![Goal {
                metric: Metric::P99,
                service: Some("server".into()),
                at_most: Some(Quantity::Duration(Timespan(Duration::from_millis(55)))),
                at_least: None,
            }],
            example: [("workers".to_owned(), ParamValue::Number(6.0))].into(),
        }
    }

    #[test]
    fn a_system_tune_is_judged_by_running_the_learners_choice() {
        use crate::content::scenario::{EngineBacked, simulate_tune};
        let tune = mmc_tune();
        tune.check_shape().expect("a valid tune");
        let pick =
            |n: f64| -> ParamValues { [("workers".to_owned(), ParamValue::Number(n))].into() };
        // 4 workers at ρ = 0.8 queue: p99 ≈ 66 ms; 6 workers (ρ ≈ 0.53) stay near the work's
        // own tail.
        let four = simulate_tune(&tune, &pick(4.0)).expect("runs");
        assert!(!four.passed(), "{four:?}");
        assert!(
            four.goals[0].summary.starts_with("p99 at server = "),
            "{}",
            four.goals[0].summary
        );
        let six = simulate_tune(&tune, &pick(6.0)).expect("runs");
        assert!(six.passed(), "{six:?}");
        tune.check_expect(&tune.key().expect("runs"))
            .expect("the example passes");
    }

    #[test]
    fn a_system_tune_refuses_other_families_metrics() {
        use crate::content::scenario::EngineBacked;
        let mut tune = mmc_tune();
        tune.goals[0].metric = Metric::Failed;
        let error = tune.check_shape().expect_err("breaker metric");
        assert!(
            error
                .hint()
                .expect("hint")
                .contains("a system run measures")
        );
    }
}
