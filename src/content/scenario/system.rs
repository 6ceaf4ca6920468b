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
use crate::engine::system::{self, Reason};

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

/// Runs the built-in scenario `spec` names, with its changes, and reads `metric` off the
/// service asked about.
pub(super) fn system_answer(spec: &SystemCompute, metric: Metric) -> Result<Quantity, ItemError> {
    let err = |message: String| ItemError::new("compute", message);
    let names = || {
        BUILT_IN
            .iter()
            .map(|(name, _)| *name)
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !BUILT_IN.iter().any(|(name, _)| *name == spec.scenario) {
        return Err(
            err(format!("no built-in system scenario '{}'", spec.scenario))
                .with_hint(format!("one of {}", names())),
        );
    }
    if !metric.is_system() {
        return Err(err(format!(
            "metric '{}' is not measured on a system run",
            metric.name()
        ))
        .with_hint(
            "a system run measures pool_first_full, p50, p99, wasted_work, calls_completed, calls_rejected",
        ));
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
    let reason = match &spec.reason {
        None => None,
        Some(text) => Some(
            Reason::ALL
                .into_iter()
                .find(|r| r.name() == text)
                .ok_or_else(|| {
                    let all: Vec<&str> = Reason::ALL.iter().map(|r| r.name()).collect();
                    err(format!("no rejection reason '{text}'"))
                        .with_hint(format!("one of {}", all.join(", ")))
                })?,
        ),
    };
    let run = system::simulate(&config).map_err(|e| {
        err(format!("system '{}': {e}", spec.scenario))
            .with_hint("keep 'rate' and 'duration' within what `patterns sim system` accepts")
    })?;
    let service = match &spec.service {
        None => run.services.first(),
        Some(name) => run.service(name),
    }
    .ok_or_else(|| {
        let all: Vec<&str> = run.services.iter().map(|s| s.name.as_str()).collect();
        err(format!(
            "scenario '{}' has no service '{}'",
            spec.scenario,
            spec.service.as_deref().unwrap_or("")
        ))
        .with_hint(format!("its services are {}", all.join(", ")))
    })?;
    let name = metric.name();
    match Measured::System(Box::new(service.clone()), reason).value(metric) {
        Some(ms) if metric.is_duration() => Ok(Quantity::Duration(Timespan(
            Duration::from_secs_f64(ms / 1000.0),
        ))),
        Some(value) => Ok(Quantity::Number(value)),
        None => Err(err(format!(
            "'{name}' never happened at '{}' in this run",
            service.name
        ))
        .with_hint("ask another metric or service, or change the scenario's rate or duration")),
    }
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
}
