//! The checker driven without processes: learners are closures over requests.

use std::time::Duration;

use serde_json::{Value, json};

use super::breaker::{self, BreakerCase};
use super::{Learner, Misbehaviour, Pattern, Verdict, backoff, check};
use crate::engine::backoff::Jitter;
use crate::engine::breaker::{CallResult, CircuitBreaker, Comparison, Outcome, Permit};
use crate::engine::preset::Preset;

struct Fake<F: FnMut(&Value) -> Result<Value, Misbehaviour>>(F);

impl<F: FnMut(&Value) -> Result<Value, Misbehaviour>> Learner for Fake<F> {
    fn exchange(&mut self, request: &str) -> Result<String, Misbehaviour> {
        let value: Value = serde_json::from_str(request).expect("requests are JSON");
        (self.0)(&value).map(|reply| reply.to_string())
    }
}

/// A learner that is the engine itself, built from the `config` request with `mutate`
/// applied; it answers every circuit-breaker request.
fn engine_learner(
    mutate: fn(&mut crate::engine::breaker::BreakerConfig),
) -> impl FnMut(&Value) -> Result<Value, Misbehaviour> {
    let mut current: Option<(CircuitBreaker, Option<Permit>)> = None;
    move |request| {
        let now = Duration::from_millis(request["now_ms"].as_u64().unwrap_or(0));
        Ok(match request["op"].as_str().unwrap_or("") {
            "config" => {
                let mut config = config_from(request);
                mutate(&mut config);
                current = Some((CircuitBreaker::new(config).expect("valid"), None));
                json!({"ok": true})
            }
            "call" => {
                let (breaker, permit) = current.as_mut().expect("configured");
                let granted = breaker.try_acquire(now).ok();
                let allow = granted.is_some();
                *permit = granted;
                json!({ "allow": allow })
            }
            "result" => {
                let (breaker, permit) = current.as_mut().expect("configured");
                let result = if request["success"] == true {
                    CallResult::Success
                } else {
                    CallResult::Failure
                };
                if let Some(permit) = permit.take() {
                    breaker.record(
                        permit,
                        Outcome {
                            result,
                            duration: Duration::ZERO,
                        },
                        now,
                    );
                }
                json!({"ok": true})
            }
            "state" => {
                let (breaker, _) = current.as_mut().expect("configured");
                json!({ "state": breaker.observe(now).as_str() })
            }
            _ => json!({"ok": true}),
        })
    }
}

/// The seed preset with the `config` request's numbers (the fakes only need these).
fn config_from(request: &Value) -> crate::engine::breaker::BreakerConfig {
    let mut config = Preset::Seed.config();
    config.failure_threshold = request["failure_threshold"].as_u64().map(|n| n as u32);
    config.recovery_timeout =
        Duration::from_millis(request["recovery_timeout_ms"].as_u64().unwrap_or(0));
    config.success_threshold = request["success_threshold"].as_u64().unwrap_or(1) as u32;
    config.half_open_max_calls = request["half_open_max_calls"].as_u64().map(|n| n as u32);
    if request["trial_after_timeout"] == "at_or_after" {
        config.recovery_comparison = Comparison::AtLeast;
    }
    if request["open_when_failures"] == "exceed_threshold" {
        config.failure_comparison = Comparison::Exceeds;
    }
    config
}

fn seed_cases() -> Vec<BreakerCase> {
    breaker::random_cases(Preset::Seed, 7, 200)
}

#[test]
fn the_engine_agrees_with_itself() {
    let mut learner = Fake(engine_learner(|_| {}));
    let checked = check(Pattern::CircuitBreaker, &seed_cases(), &mut learner);
    assert_eq!(checked.verdict, Verdict::AllAgree);
    assert_eq!(checked.passed, 200);
}

#[test]
fn a_strict_threshold_is_shrunk_to_one_burst() {
    let mut learner = Fake(engine_learner(|c| {
        c.failure_comparison = Comparison::Exceeds
    }));
    let checked = check(Pattern::CircuitBreaker, &seed_cases(), &mut learner);
    let Verdict::Disagree {
        minimal, parting, ..
    } = checked.verdict
    else {
        panic!("expected a disagreement, got {:?}", checked.verdict);
    };
    assert_eq!(
        breaker::script_len(&minimal.steps),
        1,
        "{}",
        breaker::script(&minimal.steps)
    );
    assert_eq!(parting.step + 1, minimal.steps.len());
}

#[test]
fn a_trial_at_the_timeout_is_shrunk_to_the_boundary() {
    let mut learner = Fake(engine_learner(|c| {
        c.recovery_comparison = Comparison::AtLeast
    }));
    let checked = check(Pattern::CircuitBreaker, &seed_cases(), &mut learner);
    let Verdict::Disagree { minimal, .. } = checked.verdict else {
        panic!("expected a disagreement");
    };
    let timeout = minimal.config.recovery_timeout.as_millis() as u64;
    assert!(
        minimal.steps.contains(&breaker::Step::Wait(timeout)),
        "{} (timeout {timeout})",
        breaker::script(&minimal.steps)
    );
    assert!(breaker::script_len(&minimal.steps) <= 3);
}

#[test]
fn a_bad_reply_is_a_fault_with_the_last_request() {
    let mut learner = Fake(|request: &Value| {
        Ok(match request["op"].as_str() {
            Some("call") => json!({"allowed": true}),
            Some("state") => json!({"state": "CLOSED"}),
            _ => json!({"ok": true}),
        })
    });
    let checked = check(Pattern::CircuitBreaker, &seed_cases(), &mut learner);
    let Verdict::Fault { fault, case_index } = checked.verdict else {
        panic!("expected a fault");
    };
    assert_eq!(case_index, Some(0));
    assert!(matches!(fault.what, Misbehaviour::Shape { .. }));
    let request = fault.request.unwrap_or_default();
    assert!(request.starts_with("{\"op\":\"call\""), "{request}");
}

#[test]
fn an_interruption_stops_the_check() {
    let mut calls = 0;
    let mut learner = Fake(move |_: &Value| {
        calls += 1;
        if calls > 2 {
            return Err(Misbehaviour::Interrupted);
        }
        Ok(json!({"ok": true}))
    });
    let checked = check(
        Pattern::RetryBackoff,
        &backoff::random_cases(Jitter::Full, 1, 3),
        &mut learner,
    );
    assert_eq!(checked.verdict, Verdict::Stopped);
}

#[test]
fn backoff_answers_floored_in_the_engine_agree() {
    let mut previous_config = Value::Null;
    let mut learner = Fake(move |request: &Value| {
        Ok(match request["op"].as_str() {
            Some("config") => {
                previous_config = request.clone();
                json!({"ok": true})
            }
            Some("delay") => {
                let c = &previous_config;
                let (base, cap, m) = (
                    c["base_ms"].as_f64().unwrap_or(0.0),
                    c["cap_ms"].as_f64().unwrap_or(0.0),
                    c["multiplier"].as_f64().unwrap_or(0.0),
                );
                let attempt = request["attempt"].as_f64().unwrap_or(1.0);
                let u = request["u"].as_f64().unwrap_or(0.0);
                let ceiling = (base * m.powf(attempt - 1.0)).min(cap);
                json!({"delay_ms": (ceiling * u).floor()})
            }
            _ => json!({"ok": true}),
        })
    });
    let cases = backoff::random_cases(Jitter::Full, 9, 100);
    let checked = check(Pattern::RetryBackoff, &cases, &mut learner);
    assert_eq!(checked.verdict, Verdict::AllAgree);
}
