//! Circuit-breaker cases: a [`BreakerConfig`] and single calls and waits, planned on the
//! engine's [`CircuitBreaker`] exactly as `sim breaker` plays a script (a call with a
//! duration is recorded when it completes; a rejected call takes no time). Cases come from
//! the course (labs and `state_trace` items of the chosen preset) and from a seed, biased
//! to the boundaries: waits at the timeout − 1 ms, exactly, + 1 ms; failure bursts one
//! short of, at and past the threshold; half-open runs around the success threshold and
//! the half-open cap.

mod cases;

use std::fmt::Write as _;
use std::time::Duration;

use serde_json::{Value, json};

pub use cases::{course_cases, random_cases};

use super::{Exchange, Expect, Plan, Scenario, StepPlan};
use crate::engine::breaker::{
    BreakerConfig, CallResult, CircuitBreaker, Comparison, HalfOpenJudgement, JudgeOn, Outcome,
    Rejected, State,
};
use crate::engine::duration::format_duration;
use crate::engine::preset::Preset;
use crate::engine::window::WindowConfig;

/// One step: a single call, or the clock moving on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// A call with its result, taking `duration_ms` (0: instant).
    Call {
        result: CallResult,
        duration_ms: u64,
    },
    Wait(u64),
}

/// A circuit-breaker case.
#[derive(Debug, Clone, PartialEq)]
pub struct BreakerCase {
    pub name: Option<String>,
    pub config: BreakerConfig,
    pub steps: Vec<Step>,
}

/// The preset called `name`.
pub fn preset(name: &str) -> Option<Preset> {
    Preset::ALL.into_iter().find(|p| p.name() == name)
}

/// The `config` request for `config` (DESIGN §1.6: integer `_ms` durations).
pub fn config_request(config: &BreakerConfig) -> Value {
    let comparison = |c: Comparison, at: &'static str, after: &'static str| match c {
        Comparison::AtLeast => at,
        Comparison::Exceeds => after,
    };
    let rate = config.rate.as_ref();
    json!({
        "op": "config",
        "failure_threshold": config.failure_threshold,
        "open_when_failures": comparison(config.failure_comparison, "reach_threshold", "exceed_threshold"),
        "recovery_timeout_ms": ms(config.recovery_timeout),
        "trial_after_timeout": comparison(config.recovery_comparison, "at_or_after", "strictly_after"),
        "success_threshold": config.success_threshold,
        "half_open_max_calls": config.half_open_max_calls,
        "half_open_judgement": match config.half_open_judgement {
            HalfOpenJudgement::Consecutive => "consecutive",
            HalfOpenJudgement::Rate => "rate",
        },
        "window": rate.map(|r| match r.window {
            WindowConfig::Count { calls } => json!({"type": "count", "calls": calls}),
            WindowConfig::Time { span } => json!({"type": "time", "span_ms": ms(span)}),
        }),
        "min_calls": rate.map(|r| r.effective_min_calls()),
        "failure_rate_percent": rate.map(|r| r.failure_rate),
        "judge_rate_after": rate.map(|r| match r.judge_on {
            JudgeOn::EveryCall => "every_call",
            JudgeOn::Failure => "failure",
        }),
        "slow_call_ms": rate.and_then(|r| r.slow.as_ref()).map(|s| ms(s.slow_call)),
        "slow_rate_percent": rate.and_then(|r| r.slow.as_ref()).map(|s| s.slow_rate),
    })
}

fn ms(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

impl Scenario for BreakerCase {
    type Step = Step;

    fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    fn steps(&self) -> &[Step] {
        &self.steps
    }

    fn with_steps(&self, steps: Vec<Step>) -> Self {
        Self {
            name: self.name.clone(),
            config: self.config.clone(),
            steps,
        }
    }

    fn simpler(step: &Step) -> Vec<Step> {
        match *step {
            Step::Call {
                result,
                duration_ms,
            } if duration_ms > 0 => vec![Step::Call {
                result,
                duration_ms: 0,
            }],
            Step::Call { .. } => Vec::new(),
            // ms − ms/2, ms − ms/4, …, ms − 1: the first that still fails is kept, so
            // repeated passes close in on the boundary like a binary search.
            Step::Wait(ms) => std::iter::successors(Some(ms / 2), |d| (d / 2 > 0).then(|| d / 2))
                .filter(|&d| d > 0)
                .map(|d| Step::Wait(ms - d))
                .filter(|s| *s != Step::Wait(0))
                .collect(),
        }
    }

    fn merge(first: &Step, second: &Step) -> Option<Step> {
        match (first, second) {
            (Step::Wait(a), Step::Wait(b)) => Some(Step::Wait(a.saturating_add(*b))),
            _ => None,
        }
    }

    fn plan(&self) -> Plan {
        plan(self)
    }

    fn script(&self) -> String {
        script(&self.steps)
    }

    fn describe_config(&self) -> String {
        self.config.to_string()
    }
}

/// The label of one step: `F`, `S`, `F@600ms`, `+60001ms`.
pub fn label(step: &Step) -> String {
    match *step {
        Step::Call {
            result,
            duration_ms,
        } => {
            let letter = letter(result);
            match duration_ms {
                0 => letter.to_owned(),
                d => format!("{letter}@{d}ms"),
            }
        }
        Step::Wait(ms) => format!("+{ms}ms"),
    }
}

fn letter(result: CallResult) -> &'static str {
    match result {
        CallResult::Success => "S",
        CallResult::Failure => "F",
    }
}

/// Steps as a `sim breaker --script`, runs of equal calls grouped: `5F +60001ms 1S`.
pub fn script(steps: &[Step]) -> String {
    let mut out = String::new();
    let mut index = 0;
    while index < steps.len() {
        let step = &steps[index];
        let run = steps[index..].iter().take_while(|s| *s == step).count();
        if !out.is_empty() {
            out.push(' ');
        }
        match step {
            Step::Call { .. } => {
                let _ = write!(out, "{run}{}", label(step));
                index += run;
            }
            Step::Wait(_) => {
                out.push_str(&label(step));
                index += 1;
            }
        }
    }
    out
}

/// How many tokens [`script`] writes: the size of a counterexample as people count it.
pub fn script_len(steps: &[Step]) -> usize {
    script(steps).split_whitespace().count()
}

fn plan(case: &BreakerCase) -> Plan {
    let config = config_request(&case.config);
    let Ok(mut breaker) = CircuitBreaker::new(case.config.clone()) else {
        // Cases are built from validated configs; an invalid one plans no steps.
        return Plan {
            config,
            steps: Vec::new(),
        };
    };
    let mut now = Duration::ZERO;
    let mut steps = Vec::with_capacity(case.steps.len());
    for step in &case.steps {
        let before = breaker.transition_count();
        let mut exchanges = Vec::with_capacity(3);
        let mut reason;
        match *step {
            Step::Call {
                result,
                duration_ms,
            } => {
                exchanges.push(Exchange {
                    request: json!({"op": "call", "now_ms": ms(now)}),
                    expect: Expect::Allow(true),
                });
                match breaker.try_acquire(now) {
                    Ok(permit) => {
                        let end = now.saturating_add(Duration::from_millis(duration_ms));
                        let outcome = Outcome {
                            result,
                            duration: Duration::from_millis(duration_ms),
                        };
                        let admitted_in = breaker.state();
                        breaker.record(permit, outcome, end);
                        exchanges.push(Exchange {
                            request: json!({"op": "result", "now_ms": ms(end), "success": result == CallResult::Success}),
                            expect: Expect::Ok,
                        });
                        now = end;
                        reason = admitted_reason(&breaker, admitted_in);
                    }
                    Err(why) => {
                        if let Some(first) = exchanges.first_mut() {
                            first.expect = Expect::Allow(false);
                        }
                        reason = rejected_reason(&breaker, why, now);
                    }
                }
            }
            Step::Wait(wait) => {
                now = now.saturating_add(Duration::from_millis(wait));
                breaker.observe(now);
                reason = waited_reason(&breaker, now);
            }
        }
        let transitions: Vec<String> = breaker
            .transitions_since(before)
            .map(|t| format!("{} → {}: {}", t.from, t.to, t.reason))
            .collect();
        if !transitions.is_empty() {
            reason = transitions.join("; ");
        }
        exchanges.push(Exchange {
            request: json!({"op": "state", "now_ms": ms(now)}),
            expect: Expect::State(breaker.state()),
        });
        steps.push(StepPlan {
            label: label(step),
            at_ms: ms(now),
            exchanges,
            reason,
        });
    }
    Plan { config, steps }
}

fn admitted_reason(breaker: &CircuitBreaker, admitted_in: State) -> String {
    let config = breaker.config();
    match admitted_in {
        State::HalfOpen => format!(
            "HALF_OPEN admits the call; {} of success_threshold {} so far",
            breaker.success_count(),
            config.success_threshold
        ),
        _ => match config.failure_threshold {
            Some(threshold) => format!(
                "CLOSED admits the call; consecutive failures now {} (opens at {} {threshold})",
                breaker.failure_count(),
                config.failure_comparison.symbol()
            ),
            None => {
                "CLOSED admits the call; the window's rates stay below their thresholds".to_owned()
            }
        },
    }
}

fn rejected_reason(breaker: &CircuitBreaker, why: Rejected, now: Duration) -> String {
    let config = breaker.config();
    match (why, breaker.open_since()) {
        (Rejected::Open, Some((opened_at, _))) => format!(
            "OPEN rejects the call: {} since opening, and the trial needs {} recovery_timeout {}",
            format_duration(now.saturating_sub(opened_at)),
            config.recovery_comparison.symbol(),
            format_duration(config.recovery_timeout)
        ),
        (Rejected::Open, None) => "OPEN rejects the call".to_owned(),
        (Rejected::HalfOpenFull, _) => format!(
            "HALF_OPEN has admitted half_open_max_calls {}: the call is rejected",
            config.half_open_max_calls.unwrap_or(0)
        ),
    }
}

fn waited_reason(breaker: &CircuitBreaker, now: Duration) -> String {
    match breaker.open_since() {
        Some((opened_at, _)) => format!(
            "OPEN for {} of recovery_timeout {}; waiting moves nothing (the next call does)",
            format_duration(now.saturating_sub(opened_at)),
            format_duration(breaker.config().recovery_timeout)
        ),
        None => format!("{}: waiting changes nothing", breaker.state()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::implement::Scenario;

    fn call(result: CallResult) -> Step {
        Step::Call {
            result,
            duration_ms: 0,
        }
    }

    #[test]
    fn scripts_group_runs_of_equal_calls() {
        let f = call(CallResult::Failure);
        let s = call(CallResult::Success);
        let steps = [
            f,
            f,
            f,
            f,
            f,
            Step::Wait(60_001),
            s,
            Step::Wait(1),
            Step::Wait(2),
        ];
        assert_eq!(script(&steps), "5F +60001ms 1S +1ms +2ms");
        assert_eq!(script_len(&steps), 5);
    }

    #[test]
    fn the_seed_exam_plans_the_engine_states() {
        let config = BreakerConfig {
            recovery_timeout: Duration::from_secs(30),
            success_threshold: 3,
            ..BreakerConfig::default()
        };
        let mut steps = Vec::new();
        steps.extend([call(CallResult::Failure); 5]);
        steps.push(Step::Wait(30_001));
        steps.push(call(CallResult::Success));
        steps.push(call(CallResult::Failure));
        let case = BreakerCase {
            name: None,
            config,
            steps,
        };
        let plan = case.plan();
        let states: Vec<&Expect> = plan
            .steps
            .iter()
            .filter_map(|s| s.exchanges.last().map(|e| &e.expect))
            .collect();
        assert_eq!(states[3], &Expect::State(State::Closed));
        assert_eq!(states[4], &Expect::State(State::Open));
        assert_eq!(states[5], &Expect::State(State::Open));
        assert_eq!(states[6], &Expect::State(State::HalfOpen));
        assert_eq!(states[7], &Expect::State(State::Open));
        assert!(
            plan.steps[6]
                .reason
                .contains("recovery_timeout 30s elapsed (30.001s since opening)"),
            "{}",
            plan.steps[6].reason
        );
        assert_eq!(plan.config["recovery_timeout_ms"], 30_000);
        assert_eq!(plan.config["trial_after_timeout"], "strictly_after");
        assert_eq!(plan.config["window"], Value::Null);
    }
}
